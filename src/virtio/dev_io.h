/* SPDX-License-Identifier: MIT */
/*
 * How a device submits host I/O: through a small table of hooks, which
 * is the event loop in a VM and a fake in the unit tests, so device code
 * runs the same in both. Shared by virtio-blk and virtio-net.
 */
#ifndef VMM_VIRTIO_DEV_IO_H
#define VMM_VIRTIO_DEV_IO_H

#include <stdint.h>
#include <sys/uio.h>

#include "evloop.h"

/*
 * struct dev_io - the event loop's calls with @ctx first. Each returns 0
 * once queued (then @req->done runs exactly once, later, on the loop
 * thread and never from inside the submitting call) or -errno (then it
 * never runs). A device uses the calls it needs.
 */
struct dev_io {
	void *ctx;
	int (*readv)(void *ctx, int fd, const struct iovec *iov,
		     unsigned int nr, uint64_t off, struct ev_req *req);
	int (*writev)(void *ctx, int fd, const struct iovec *iov,
		      unsigned int nr, uint64_t off, struct ev_req *req);
	int (*fdatasync)(void *ctx, int fd, struct ev_req *req);
	int (*fallocate)(void *ctx, int fd, int mode, uint64_t off,
			 uint64_t len, struct ev_req *req);
};

/* dev_io_evloop - fill @io with the real event loop @l. */
void dev_io_evloop(struct dev_io *io, struct evloop *l);

#endif
