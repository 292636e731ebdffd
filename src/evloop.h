/* SPDX-License-Identifier: MIT */
/*
 * The device event loop: one thread running one io_uring. Guest kicks
 * arrive as ioeventfd eventfds polled (multishot) on the ring; device I/O
 * (readv/writev/fdatasync/fallocate) is submitted on the same ring; each
 * completion calls back into the device on this thread. So device code
 * needs no locks against itself.
 */
#ifndef VMM_EVLOOP_H
#define VMM_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

struct evloop;
struct ev_req;

/* ev_done_fn - completion of @req; @res is the syscall result or -errno. */
typedef void (*ev_done_fn)(struct ev_req *req, int res);

/* Embed in your own request struct and recover it with container_of. */
struct ev_req {
	ev_done_fn done;
};

/*
 * Submissions, valid only on the event loop thread (that is, from a
 * queue_notify or completion callback). Each returns 0 once queued or
 * -errno; the callback then always runs exactly once.
 */
int evloop_readv(struct evloop *l, int fd, const struct iovec *iov,
		 unsigned int nr, uint64_t off, struct ev_req *req);
int evloop_writev(struct evloop *l, int fd, const struct iovec *iov,
		  unsigned int nr, uint64_t off, struct ev_req *req);
/* evloop_fdatasync - durable once the callback reports 0. */
int evloop_fdatasync(struct evloop *l, int fd, struct ev_req *req);
int evloop_fallocate(struct evloop *l, int fd, int mode, uint64_t off,
		     uint64_t len, struct ev_req *req);

#endif
