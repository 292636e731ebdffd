/* SPDX-License-Identifier: MIT */
/*
 * Just enough of the PC keyboard controller for "reboot=k": a status
 * port that always reads idle and the 0xFE "pulse reset line" command.
 */
#ifndef VMM_DEVICES_I8042_H
#define VMM_DEVICES_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"

#define I8042_CMD_RESET		0xfe	/* pulse output port bit 0: CPU reset */

struct i8042 {
	vm_event_fn ev;
	void *ev_ctx;
};

/*
 * i8042_init - a controller reporting reset requests to @ev (may be
 * NULL: requests are then dropped). Returns 0, or -EINVAL for a NULL @k.
 */
int i8042_init(struct i8042 *k, vm_event_fn ev, void *ev_ctx);

/*
 * i8042_data_io - bus_fn for port 0x60 (@ctx is the struct i8042):
 * reads 0 (no keyboard data ever), writes ignored.
 */
int i8042_data_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		  bool is_write);

/*
 * i8042_cmd_io - bus_fn for port 0x64: reads status 0 (both buffers
 * empty); writing 0xFE reports VM_EVENT_RESET, other commands ignored.
 */
int i8042_cmd_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		 bool is_write);

#endif
