/* SPDX-License-Identifier: MIT */
/*
 * QEMU's pvpanic device (ACPI QEMU0001) at one I/O port: the guest
 * kernel tells us it panicked instead of the VM just going silent.
 */
#ifndef VMM_DEVICES_PVPANIC_H
#define VMM_DEVICES_PVPANIC_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

#define PVPANIC_PANICKED	0x01
#define PVPANIC_CRASH_LOADED	0x02
#define PVPANIC_CAPS		(PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)

struct pvpanic {
	vm_event_fn ev;
	void *ev_ctx;
	uint8_t events;		/* every event bit the guest has written */
};

/*
 * pvpanic_init - a device reporting panics to @ev (may be NULL).
 * Returns 0, or -EINVAL for a NULL @p.
 */
int pvpanic_init(struct pvpanic *p, vm_event_fn ev, void *ev_ctx);

/*
 * pvpanic_io - bus_fn for the port (@ctx is the struct pvpanic). A byte
 * read gives the supported events (0x03). A write with PANICKED reports
 * VM_EVENT_PANIC; CRASH_LOADED is only recorded. Other widths: reads
 * 0xff, writes ignored.
 */
int pvpanic_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
	       bool is_write);

#endif
