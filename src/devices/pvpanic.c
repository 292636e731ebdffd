// SPDX-License-Identifier: MIT
/*
 * pvpanic: a one-byte event port (ACPI _HID QEMU0001 in our DSDT).
 *
 * Linux's pvpanic-mmio driver binds to the ACPI device, reads the port to
 * learn which events we support and writes only those: PANICKED from its
 * panic notifier, CRASH_LOADED when a kdump kernel is about to take over.
 * A panic ends the VM with a distinct status, so a test harness sees a
 * crash instead of waiting for a timeout; CRASH_LOADED must not end it,
 * or the dump would never be written.
 */
#include "devices/pvpanic.h"

#include <errno.h>
#include <string.h>

int pvpanic_init(struct pvpanic *p, vm_event_fn ev, void *ev_ctx)
{
	if (!p)
		return -EINVAL;
	p->ev = ev;
	p->ev_ctx = ev_ctx;
	p->events = 0;
	return 0;
}

int pvpanic_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
	       bool is_write)
{
	struct pvpanic *p = ctx;
	uint8_t v;

	if (offset != 0 || len != 1) {
		if (!is_write)
			memset(data, 0xff, len);
		return 0;
	}
	if (!is_write) {
		data[0] = PVPANIC_CAPS;
		return 0;
	}
	/* Bits we never offered are the guest's mistake: drop them. */
	v = data[0] & PVPANIC_CAPS;
	p->events |= v;
	if ((v & PVPANIC_PANICKED) && p->ev)
		p->ev(p->ev_ctx, VM_EVENT_PANIC, 0);
	return 0;
}
