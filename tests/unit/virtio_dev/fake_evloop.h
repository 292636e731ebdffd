/* SPDX-License-Identifier: MIT */
/*
 * A fake event loop for device tests: struct dev_io hooks that record
 * each submission and run it later, when the test calls
 * fake_evloop_run(), with the real syscall (preadv, pwritev, fdatasync,
 * fallocate) - so, like the real loop, a callback never runs from
 * inside the submitting call. No symbol here clashes with evloop.c.
 */
#ifndef VMM_TEST_FAKE_EVLOOP_H
#define VMM_TEST_FAKE_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "virtio/blk.h"

#define FAKE_MAX_PENDING	1024

enum fake_op { FAKE_READV, FAKE_WRITEV, FAKE_FDATASYNC, FAKE_FALLOCATE,
	       FAKE_NR_OPS };

struct fake_sub {
	enum fake_op op;
	int fd;
	const struct iovec *iov;
	unsigned int nr;
	uint64_t off;
	int mode;
	uint64_t len;
	struct ev_req *req;
};

struct fake_evloop {
	struct fake_sub pending[FAKE_MAX_PENDING];
	unsigned int nr_pending;
	unsigned int calls[FAKE_NR_OPS];	/* submissions, by kind */
	int submit_err;		/* non-zero: every submission fails so */
	int io_err;		/* non-zero: every operation completes so */
	bool no_punch;		/* fallocate(PUNCH_HOLE) -> -EOPNOTSUPP */
	bool no_zero_range;	/* fallocate(ZERO_RANGE) -> -EOPNOTSUPP */
	int fallocate_modes[16];	/* modes of the first fallocates */
};

/* fake_evloop_init - reset @f and point @io's hooks at it. */
void fake_evloop_init(struct fake_evloop *f, struct dev_io *io);

/*
 * fake_evloop_run - perform pending submissions in order and call their
 * callbacks, including any the callbacks submit. Returns how many ran.
 */
unsigned int fake_evloop_run(struct fake_evloop *f);

#endif
