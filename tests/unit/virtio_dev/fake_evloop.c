// SPDX-License-Identifier: MIT
/*
 * The fake event loop (see fake_evloop.h).
 */
#include "fake_evloop.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int fake_queue(struct fake_evloop *f, const struct fake_sub *s)
{
	f->calls[s->op]++;
	if (f->submit_err)
		return f->submit_err;
	if (f->nr_pending == FAKE_MAX_PENDING)
		return -EBUSY;
	if (s->op == FAKE_FALLOCATE && f->calls[s->op] <= 16)
		f->fallocate_modes[f->calls[s->op] - 1] = s->mode;
	f->pending[f->nr_pending++] = *s;
	return 0;
}

static int fake_readv(void *ctx, int fd, const struct iovec *iov,
		      unsigned int nr, uint64_t off, struct ev_req *req)
{
	struct fake_sub s = { .op = FAKE_READV, .fd = fd, .iov = iov,
			      .nr = nr, .off = off, .req = req };

	return fake_queue(ctx, &s);
}

static int fake_writev(void *ctx, int fd, const struct iovec *iov,
		       unsigned int nr, uint64_t off, struct ev_req *req)
{
	struct fake_sub s = { .op = FAKE_WRITEV, .fd = fd, .iov = iov,
			      .nr = nr, .off = off, .req = req };

	return fake_queue(ctx, &s);
}

static int fake_fdatasync(void *ctx, int fd, struct ev_req *req)
{
	struct fake_sub s = { .op = FAKE_FDATASYNC, .fd = fd, .req = req };

	return fake_queue(ctx, &s);
}

static int fake_fallocate(void *ctx, int fd, int mode, uint64_t off,
			  uint64_t len, struct ev_req *req)
{
	struct fake_sub s = { .op = FAKE_FALLOCATE, .fd = fd, .mode = mode,
			      .off = off, .len = len, .req = req };

	return fake_queue(ctx, &s);
}

void fake_evloop_init(struct fake_evloop *f, struct dev_io *io)
{
	memset(f, 0, sizeof(*f));
	*io = (struct dev_io){
		.ctx = f,
		.readv = fake_readv,
		.writev = fake_writev,
		.fdatasync = fake_fdatasync,
		.fallocate = fake_fallocate,
	};
}

static int fake_do(struct fake_evloop *f, const struct fake_sub *s)
{
	ssize_t n = 0;

	switch (s->op) {
	case FAKE_READV:
		n = preadv(s->fd, s->iov, (int)s->nr, (off_t)s->off);
		break;
	case FAKE_WRITEV:
		n = pwritev(s->fd, s->iov, (int)s->nr, (off_t)s->off);
		break;
	case FAKE_FDATASYNC:
		n = fdatasync(s->fd);
		break;
	case FAKE_FALLOCATE:
		if ((f->no_punch && (s->mode & FALLOC_FL_PUNCH_HOLE)) ||
		    (f->no_zero_range && (s->mode & FALLOC_FL_ZERO_RANGE)))
			return -EOPNOTSUPP;
		n = fallocate(s->fd, s->mode, (off_t)s->off, (off_t)s->len);
		break;
	default:
		return -EINVAL;
	}
	return n < 0 ? -errno : (int)n;
}

unsigned int fake_evloop_run(struct fake_evloop *f)
{
	unsigned int ran = 0;

	while (f->nr_pending) {
		struct fake_sub s = f->pending[0];

		memmove(&f->pending[0], &f->pending[1],
			(f->nr_pending - 1) * sizeof(s));
		f->nr_pending--;
		s.req->done(s.req, f->io_err ? f->io_err : fake_do(f, &s));
		ran++;
	}
	return ran;
}
