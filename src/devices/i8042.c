// SPDX-License-Identifier: MIT
/*
 * i8042 keyboard controller, reduced to its reset line.
 *
 * The FADT says there is no 8042, so Linux never probes a keyboard here.
 * Its "reboot=k" path (and the fallback chain of a plain "reboot") still
 * waits for the controller's input buffer to drain by polling status
 * port 0x64, then writes command 0xFE, which on a PC pulses the CPU
 * reset line. We report that as a reset; the status port reads 0 so the
 * wait loop ends at once.
 */
#include "devices/i8042.h"

#include <errno.h>
#include <string.h>

int i8042_init(struct i8042 *k, vm_event_fn ev, void *ev_ctx)
{
	if (!k)
		return -EINVAL;
	k->ev = ev;
	k->ev_ctx = ev_ctx;
	return 0;
}

/*
 * i8042_ignore - the common case for both ports: a read gives 0 for a
 * byte (idle controller, no data) and 0xff for a width no 8042 decodes.
 */
static void i8042_ignore(uint8_t *data, uint32_t len, bool is_write)
{
	if (!is_write)
		memset(data, len == 1 ? 0 : 0xff, len);
}

int i8042_data_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		  bool is_write)
{
	(void)ctx;
	(void)offset;
	i8042_ignore(data, len, is_write);
	return 0;
}

int i8042_cmd_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		 bool is_write)
{
	struct i8042 *k = ctx;

	if (is_write && offset == 0 && len == 1 && data[0] == I8042_CMD_RESET) {
		if (k->ev)
			k->ev(k->ev_ctx, VM_EVENT_RESET, 0);
		return 0;
	}
	i8042_ignore(data, len, is_write);
	return 0;
}
