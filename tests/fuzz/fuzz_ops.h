/* SPDX-License-Identifier: MIT */
/*
 * Register-access programs for the device fuzzers: the input is a list
 * of 13-byte operations, each a control byte (bit 0 write, bits 1-2 the
 * size: 1, 2, 4 or 8 bytes, bits 3-7 which window), a 32-bit offset and
 * a 64-bit value. A guest can issue exactly these, in any order.
 */
#ifndef VMM_FUZZ_OPS_H
#define VMM_FUZZ_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakes.h"

struct fuzz_op {
	bool write;
	uint32_t len;
	unsigned int window;
	uint32_t off;
	uint8_t val[8];
};

/* fuzz_op_next - decode the next operation; false at the end. */
static inline bool fuzz_op_next(const uint8_t **data, size_t *size,
				struct fuzz_op *op)
{
	if (*size < 13)
		return false;
	op->write = (*data)[0] & 1;
	op->len = 1u << (((*data)[0] >> 1) & 3);
	op->window = (*data)[0] >> 3;
	memcpy(&op->off, *data + 1, 4);
	memcpy(op->val, *data + 5, 8);
	*data += 13;
	*size -= 13;
	return true;
}

/*
 * fuzz_dev_ram - the transport fuzzers' fake guest RAM (FAKE_RAM_SIZE
 * bytes), made once: fresh memory for every input costs more than the
 * input itself, while the fixture around it is cheap to rebuild.
 */
static inline uint8_t *fuzz_dev_ram(void)
{
	static uint8_t *ram;

	if (!ram)
		ram = calloc(1, FAKE_RAM_SIZE);
	return ram;
}

#endif
