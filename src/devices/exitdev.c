// SPDX-License-Identifier: MIT
/*
 * Exit-code device at port 0xf4 (the port QEMU's isa-debug-exit uses).
 *
 * Linux has no driver for it: test guests write a status with outb/outl
 * (from /dev/port or a tiny helper) to end the VM with a chosen process
 * status, which is cheaper and more precise than scraping the console.
 * The value is passed through unmodified; mapping it to an exit status
 * is the VM's policy.
 */
#include "devices/exitdev.h"

#include <errno.h>
#include <string.h>

int exitdev_init(struct exitdev *x, vm_event_fn ev, void *ev_ctx)
{
	if (!x)
		return -EINVAL;
	x->ev = ev;
	x->ev_ctx = ev_ctx;
	return 0;
}

/* exitdev_value - the little-endian value of a 1-, 2- or 4-byte write. */
static uint32_t exitdev_value(const uint8_t *data, uint32_t len)
{
	uint32_t v = 0;

	for (uint32_t i = 0; i < len; i++)
		v |= (uint32_t)data[i] << (8 * i);
	return v;
}

int exitdev_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
	       bool is_write)
{
	struct exitdev *x = ctx;

	if (!is_write) {
		memset(data, 0, len);
		return 0;
	}
	if (offset != 0 || (len != 1 && len != 2 && len != 4))
		return 0;
	if (x->ev)
		x->ev(x->ev_ctx, VM_EVENT_EXIT_CODE,
		      (int)exitdev_value(data, len));
	return 0;
}
