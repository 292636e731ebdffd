/* SPDX-License-Identifier: MIT */
/*
 * Fake guest RAM for the loader fuzzers, made once per process: low
 * memory [0, 1 MiB), RAM [1 MiB, 4 MiB), a hole, and [5 MiB, 7 MiB), each
 * region in its own guarded mapping (tests/unit/virtio's qbuilder), so a
 * write one byte outside RAM faults.
 */
#ifndef VMM_FUZZ_MEM_H
#define VMM_FUZZ_MEM_H

#include <stddef.h>

#include "qbuilder.h"

static inline const struct guest_mem *fuzz_mem(void)
{
	static struct qb_mem m;
	static int state;	/* 0 not made, 1 ok, -1 failed */

	if (!state) {
		qb_mem_init(&m);
		state = qb_mem_add(&m, 0, 1 << 20) &&
			qb_mem_add(&m, 1 << 20, 3 << 20) &&
			qb_mem_add(&m, 5 << 20, 2 << 20) ? 1 : -1;
	}
	return state > 0 ? &m.gm : NULL;
}

#endif
