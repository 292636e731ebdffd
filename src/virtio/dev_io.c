// SPDX-License-Identifier: MIT
/* The event loop behind struct dev_io. */
#include "virtio/dev_io.h"

static int ev_readv(void *ctx, int fd, const struct iovec *iov,
		    unsigned int nr, uint64_t off, struct ev_req *req)
{
	return evloop_readv(ctx, fd, iov, nr, off, req);
}

static int ev_writev(void *ctx, int fd, const struct iovec *iov,
		     unsigned int nr, uint64_t off, struct ev_req *req)
{
	return evloop_writev(ctx, fd, iov, nr, off, req);
}

static int ev_fdatasync(void *ctx, int fd, struct ev_req *req)
{
	return evloop_fdatasync(ctx, fd, req);
}

static int ev_fallocate(void *ctx, int fd, int mode, uint64_t off,
			uint64_t len, struct ev_req *req)
{
	return evloop_fallocate(ctx, fd, mode, off, len, req);
}

void dev_io_evloop(struct dev_io *io, struct evloop *l)
{
	*io = (struct dev_io){
		.ctx = l,
		.readv = ev_readv,
		.writev = ev_writev,
		.fdatasync = ev_fdatasync,
		.fallocate = ev_fallocate,
	};
}
