/* SPDX-License-Identifier: MIT */
/*
 * The event loop's owner-facing side: creation, kick watches, start and
 * teardown. Devices only need evloop.h.
 */
#ifndef VMM_EVLOOP_IMPL_H
#define VMM_EVLOOP_IMPL_H

#include <liburing.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "evloop.h"

#define EVLOOP_MAX_WATCHES	256

/* evloop_kick_fn - an eventfd fired; @arg is what evloop_watch got. */
typedef void (*evloop_kick_fn)(void *ctx, unsigned int arg);

struct ev_watch {
	struct ev_req req;
	struct evloop *loop;
	int fd;
	uint64_t value;		/* the eventfd counter lands here */
	evloop_kick_fn fn;
	void *ctx;
	unsigned int arg;
	_Atomic bool active;	/* wanted (cleared from any thread) */
	_Atomic bool armed;	/* a read is in flight: slot not reusable */
};

struct evloop {
	struct io_uring ring;
	bool ring_ok;
	pthread_mutex_t sq_lock;
	pthread_mutex_t watch_lock;
	pthread_t thread;
	bool thread_started;
	_Atomic bool in_loop;	/* the loop thread has set @self */
	pthread_t self;		/* the loop thread, as it sees itself */
	unsigned int deferred;	/* SQEs queued by the loop, not yet submitted */
	bool running;
	/* evloop_start's handshake: the thread's set-up result */
	int (*thread_init)(void *ctx);
	void *thread_ctx;
	int init_result;
	bool init_done;
	pthread_mutex_t init_lock;
	pthread_cond_t init_cond;
	int stop_fd;
	struct ev_watch watches[EVLOOP_MAX_WATCHES];
};

/*
 * evloop_init - create the ring (restricted to the opcodes the devices
 * use) with @entries slots. Returns 0 or -errno; call evloop_exit()
 * either way.
 */
int evloop_init(struct evloop *l, unsigned int entries);

/*
 * evloop_start - start the loop thread. It first calls @init(@ctx) when
 * @init is not NULL (the seccomp filter goes on there) and runs only if
 * that returned 0; evloop_start returns that result, or -errno.
 */
int evloop_start(struct evloop *l, int (*init)(void *ctx), void *ctx);

/* evloop_exit - stop the thread, cancel everything, free the ring. */
void evloop_exit(struct evloop *l);

/*
 * evloop_watch - call @fn(@ctx, @arg) on the loop thread each time the
 * eventfd @fd is signalled. Any thread.
 */
int evloop_watch(struct evloop *l, int fd, evloop_kick_fn fn, void *ctx,
		 unsigned int arg);

/* evloop_unwatch - stop calling back for @fd. Any thread. */
void evloop_unwatch(struct evloop *l, int fd);

#endif
