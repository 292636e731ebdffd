// SPDX-License-Identifier: MIT
/*
 * The device event loop on io_uring.
 *
 * Every completion carries a struct ev_req pointer as user_data and is
 * dispatched to its done() callback on the loop thread. Guest kicks are
 * eventfds read on the ring (a read re-armed after each completion), so a
 * kick costs no syscall of our own. The ring is restricted to the opcodes
 * used here, so a confused device can ask io_uring for nothing else.
 *
 * Submissions from other threads (a vCPU enabling a queue) and from the
 * loop itself are serialised by sq_lock; only the loop thread reaps.
 * What the loop thread queues while it handles completions is submitted
 * in one io_uring_enter() before it waits again: a burst of 32 block
 * requests or a kick's worth of tx frames costs one syscall, not one each.
 */
#include "evloop_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

static const uint8_t evloop_ops[] = {
	IORING_OP_NOP, IORING_OP_READ, IORING_OP_READV, IORING_OP_WRITEV,
	IORING_OP_FSYNC, IORING_OP_FALLOCATE, IORING_OP_ASYNC_CANCEL,
};

/* Only the opcodes above: a bug in a device can't reach anything else. */
static int evloop_restrict(struct io_uring *ring)
{
	struct io_uring_restriction res[ARRAY_SIZE(evloop_ops)];
	int err;

	memset(res, 0, sizeof(res));
	for (size_t i = 0; i < ARRAY_SIZE(evloop_ops); i++) {
		res[i].opcode = IORING_RESTRICTION_SQE_OP;
		res[i].sqe_op = evloop_ops[i];
	}
	/*
	 * Raw io_uring_register(2): Debian's liburing 2.3 declares the
	 * restriction helpers but its shared library does not export them.
	 */
	if (syscall(__NR_io_uring_register, ring->ring_fd,
		    IORING_REGISTER_RESTRICTIONS, res, ARRAY_SIZE(res)) < 0)
		return -errno;
	err = (int)syscall(__NR_io_uring_register, ring->ring_fd,
			   IORING_REGISTER_ENABLE_RINGS, NULL, 0);
	return err < 0 ? -errno : 0;
}

/* Get an SQE, flushing the queue once if it is full. Caller holds sq_lock. */
static struct io_uring_sqe *evloop_sqe(struct evloop *l)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&l->ring);

	if (!sqe && io_uring_submit(&l->ring) >= 0)
		sqe = io_uring_get_sqe(&l->ring);
	return sqe;
}

typedef void (*prep_fn)(struct io_uring_sqe *sqe, const void *arg);

/* Is the caller the loop thread itself? */
static bool evloop_on_loop(const struct evloop *l)
{
	return atomic_load_explicit(&l->in_loop, memory_order_acquire) &&
	       pthread_equal(pthread_self(), l->self);
}

static int evloop_queue(struct evloop *l, prep_fn prep, const void *arg,
			struct ev_req *req)
{
	struct io_uring_sqe *sqe;
	int err;

	pthread_mutex_lock(&l->sq_lock);
	if (!l->ring_ok) {
		pthread_mutex_unlock(&l->sq_lock);
		return -ESHUTDOWN;
	}
	sqe = evloop_sqe(l);
	if (!sqe) {
		pthread_mutex_unlock(&l->sq_lock);
		return -EBUSY;
	}
	prep(sqe, arg);
	io_uring_sqe_set_data(sqe, req);
	if (evloop_on_loop(l)) {
		l->deferred++;		/* evloop_flush() submits it */
		err = 0;
	} else {
		err = io_uring_submit(&l->ring);
	}
	pthread_mutex_unlock(&l->sq_lock);
	return err < 0 ? err : 0;
}

/* Submit what the loop thread deferred (any thread's SQEs go too). */
static void evloop_flush(struct evloop *l)
{
	pthread_mutex_lock(&l->sq_lock);
	if (l->deferred) {
		/*
		 * On failure the SQEs stay queued and the next submission,
		 * ours or another thread's, carries them.
		 */
		if (io_uring_submit(&l->ring) >= 0)
			l->deferred = 0;
	}
	pthread_mutex_unlock(&l->sq_lock);
}

struct rw_args {
	int fd;
	const struct iovec *iov;
	unsigned int nr;
	uint64_t off;
	int mode;
	uint64_t len;
	void *buf;
};

static void prep_readv(struct io_uring_sqe *sqe, const void *arg)
{
	const struct rw_args *a = arg;

	io_uring_prep_readv(sqe, a->fd, a->iov, a->nr, a->off);
}

static void prep_writev(struct io_uring_sqe *sqe, const void *arg)
{
	const struct rw_args *a = arg;

	io_uring_prep_writev(sqe, a->fd, a->iov, a->nr, a->off);
}

static void prep_fdatasync(struct io_uring_sqe *sqe, const void *arg)
{
	const struct rw_args *a = arg;

	io_uring_prep_fsync(sqe, a->fd, IORING_FSYNC_DATASYNC);
}

static void prep_fallocate(struct io_uring_sqe *sqe, const void *arg)
{
	const struct rw_args *a = arg;

	io_uring_prep_fallocate(sqe, a->fd, a->mode, a->off, a->len);
}

static void prep_read8(struct io_uring_sqe *sqe, const void *arg)
{
	const struct rw_args *a = arg;

	io_uring_prep_read(sqe, a->fd, a->buf, 8, 0);
}

int evloop_readv(struct evloop *l, int fd, const struct iovec *iov,
		 unsigned int nr, uint64_t off, struct ev_req *req)
{
	struct rw_args a = { .fd = fd, .iov = iov, .nr = nr, .off = off };

	return evloop_queue(l, prep_readv, &a, req);
}

int evloop_writev(struct evloop *l, int fd, const struct iovec *iov,
		  unsigned int nr, uint64_t off, struct ev_req *req)
{
	struct rw_args a = { .fd = fd, .iov = iov, .nr = nr, .off = off };

	return evloop_queue(l, prep_writev, &a, req);
}

int evloop_fdatasync(struct evloop *l, int fd, struct ev_req *req)
{
	struct rw_args a = { .fd = fd };

	return evloop_queue(l, prep_fdatasync, &a, req);
}

int evloop_fallocate(struct evloop *l, int fd, int mode, uint64_t off,
		     uint64_t len, struct ev_req *req)
{
	struct rw_args a = { .fd = fd, .mode = mode, .off = off, .len = len };

	return evloop_queue(l, prep_fallocate, &a, req);
}

static int evloop_arm(struct evloop *l, struct ev_watch *w)
{
	struct rw_args a = { .fd = w->fd, .buf = &w->value };

	return evloop_queue(l, prep_read8, &a, &w->req);
}

/* A kick (or the stop eventfd) fired: run the handler and re-arm. */
static void evloop_watch_done(struct ev_req *req, int res)
{
	struct ev_watch *w = container_of(req, struct ev_watch, req);
	struct evloop *l = w->loop;

	if (!w->active) {
		w->armed = false;	/* cancelled: the slot is free again */
		return;
	}
	if (res < 0 && res != -EINTR && res != -EAGAIN) {
		w->active = w->armed = false;
		return;
	}
	if (res > 0)
		w->fn(w->ctx, w->arg);
	if (w->active && evloop_arm(l, w) < 0)
		w->active = w->armed = false;
}

int evloop_watch(struct evloop *l, int fd, evloop_kick_fn fn, void *ctx,
		 unsigned int arg)
{
	struct ev_watch *w = NULL;
	int err;

	pthread_mutex_lock(&l->watch_lock);
	for (unsigned int i = 0; i < EVLOOP_MAX_WATCHES; i++) {
		if (!l->watches[i].active && !l->watches[i].armed) {
			w = &l->watches[i];
			break;
		}
	}
	if (!w) {
		pthread_mutex_unlock(&l->watch_lock);
		return -ENOSPC;
	}
	*w = (struct ev_watch){
		.req.done = evloop_watch_done, .loop = l, .fd = fd,
		.fn = fn, .ctx = ctx, .arg = arg, .active = true,
		.armed = true,
	};
	pthread_mutex_unlock(&l->watch_lock);
	err = evloop_arm(l, w);
	if (err)
		w->active = w->armed = false;
	return err;
}

static void prep_cancel(struct io_uring_sqe *sqe, const void *arg)
{
	io_uring_prep_cancel(sqe, (void *)arg, 0);
	io_uring_sqe_set_data(sqe, NULL);
}

void evloop_unwatch(struct evloop *l, int fd)
{
	pthread_mutex_lock(&l->watch_lock);
	for (unsigned int i = 0; i < EVLOOP_MAX_WATCHES; i++) {
		struct ev_watch *w = &l->watches[i];

		/*
		 * Cancel the pending read; the slot stays reserved (armed)
		 * until its completion arrives, so user_data never dangles.
		 */
		if (w->active && w->fd == fd) {
			w->active = false;
			evloop_queue(l, prep_cancel, &w->req, NULL);
		}
	}
	pthread_mutex_unlock(&l->watch_lock);
}

static void evloop_stop_fired(void *ctx, unsigned int arg)
{
	struct evloop *l = ctx;

	l->running = false;
}

/* Run the start hook and tell evloop_start how it went. */
static int evloop_thread_init(struct evloop *l)
{
	int err = l->thread_init ? l->thread_init(l->thread_ctx) : 0;

	pthread_mutex_lock(&l->init_lock);
	l->init_result = err;
	l->init_done = true;
	pthread_cond_signal(&l->init_cond);
	pthread_mutex_unlock(&l->init_lock);
	return err;
}

static void *evloop_thread(void *arg)
{
	struct evloop *l = arg;

	pthread_setname_np(pthread_self(), "vmm-io");
	if (evloop_thread_init(l))
		return NULL;
	l->self = pthread_self();
	atomic_store_explicit(&l->in_loop, true, memory_order_release);
	while (l->running) {
		struct io_uring_cqe *cqe;
		int err;

		evloop_flush(l);
		err = io_uring_wait_cqe(&l->ring, &cqe);

		if (err == -EINTR)
			continue;
		if (err < 0)
			break;
		do {
			struct ev_req *req = io_uring_cqe_get_data(cqe);
			int res = cqe->res;

			io_uring_cqe_seen(&l->ring, cqe);
			if (req && req->done)
				req->done(req, res);
		} while (io_uring_peek_cqe(&l->ring, &cqe) == 0);
	}
	atomic_store_explicit(&l->in_loop, false, memory_order_release);
	return NULL;
}

int evloop_init(struct evloop *l, unsigned int entries)
{
	struct io_uring_params p;
	int err;

	memset(l, 0, sizeof(*l));
	l->stop_fd = -1;
	pthread_mutex_init(&l->sq_lock, NULL);
	pthread_mutex_init(&l->watch_lock, NULL);
	pthread_mutex_init(&l->init_lock, NULL);
	pthread_cond_init(&l->init_cond, NULL);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_R_DISABLED;
	err = io_uring_queue_init_params(entries, &l->ring, &p);
	if (err)
		return err;
	l->ring_ok = true;
	err = evloop_restrict(&l->ring);
	if (err)
		return err;
	l->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (l->stop_fd < 0)
		return -errno;
	l->running = true;
	return evloop_watch(l, l->stop_fd, evloop_stop_fired, l, 0);
}

int evloop_start(struct evloop *l, int (*init)(void *ctx), void *ctx)
{
	int err;

	l->thread_init = init;
	l->thread_ctx = ctx;
	l->init_done = false;
	err = thread_start(&l->thread, evloop_thread, l);
	if (err)
		return err;
	pthread_mutex_lock(&l->init_lock);
	while (!l->init_done)
		pthread_cond_wait(&l->init_cond, &l->init_lock);
	err = l->init_result;
	pthread_mutex_unlock(&l->init_lock);
	if (err) {
		/* The thread has returned without looping: reap it. */
		pthread_join(l->thread, NULL);
		return err;
	}
	l->thread_started = true;
	return 0;
}

void evloop_exit(struct evloop *l)
{
	uint64_t one = 1;

	if (l->thread_started) {
		if (write(l->stop_fd, &one, sizeof(one)) < 0)
			l->running = false;
		pthread_join(l->thread, NULL);
		l->thread_started = false;
	}
	if (l->ring_ok)
		io_uring_queue_exit(&l->ring);
	if (l->stop_fd >= 0)
		close(l->stop_fd);
	pthread_mutex_destroy(&l->sq_lock);
	pthread_mutex_destroy(&l->watch_lock);
	pthread_mutex_destroy(&l->init_lock);
	pthread_cond_destroy(&l->init_cond);
	l->ring_ok = false;
	l->stop_fd = -1;
}
