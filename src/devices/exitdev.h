/* SPDX-License-Identifier: MIT */
/*
 * Guest exit-code port: the guest writes a status and the VM ends with
 * it, the way test guests report pass/fail.
 */
#ifndef VMM_DEVICES_EXITDEV_H
#define VMM_DEVICES_EXITDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

#define EXITDEV_NR_PORTS	4

struct exitdev {
	vm_event_fn ev;
	void *ev_ctx;
};

/*
 * exitdev_init - a port reporting exit codes to @ev (may be NULL).
 * Returns 0, or -EINVAL for a NULL @x.
 */
int exitdev_init(struct exitdev *x, vm_event_fn ev, void *ev_ctx);

/*
 * exitdev_io - bus_fn for the 4 ports (@ctx is the struct exitdev). A 1-,
 * 2- or 4-byte write at offset 0 reports VM_EVENT_EXIT_CODE with the
 * little-endian value as the code; other writes are ignored. Reads
 * return 0.
 */
int exitdev_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
	       bool is_write);

#endif
