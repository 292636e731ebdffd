// SPDX-License-Identifier: MIT
/*
 * The io_uring event loop: I/O round trips, kick watches, and the opcode
 * restriction that keeps the ring to what the devices use.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cmocka.h>

#include "evloop_impl.h"
#include "util.h"

struct waiter {
	struct ev_req req;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int done;
	int res;
};

static void waiter_done(struct ev_req *req, int res)
{
	struct waiter *w = container_of(req, struct waiter, req);

	pthread_mutex_lock(&w->lock);
	w->res = res;
	w->done++;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void waiter_init(struct waiter *w)
{
	memset(w, 0, sizeof(*w));
	w->req.done = waiter_done;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
}

static int waiter_wait(struct waiter *w, int count)
{
	pthread_mutex_lock(&w->lock);
	while (w->done < count)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	return w->res;
}

static int setup(void **state)
{
	struct evloop *l = calloc(1, sizeof(*l));

	assert_int_equal(evloop_init(l, 64), 0);
	assert_int_equal(evloop_start(l, NULL, NULL), 0);
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	evloop_exit(*state);
	free(*state);
	return 0;
}

static void test_rw_roundtrip(void **state)
{
	struct evloop *l = *state;
	char path[] = "/tmp/vmm-evloop-XXXXXX";
	char out[4096], in[4096];
	struct iovec wiov = { out, sizeof(out) }, riov = { in, sizeof(in) };
	struct waiter w;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7);
	waiter_init(&w);
	assert_int_equal(evloop_writev(l, fd, &wiov, 1, 8192, &w.req), 0);
	assert_int_equal(waiter_wait(&w, 1), (int)sizeof(out));
	assert_int_equal(evloop_fdatasync(l, fd, &w.req), 0);
	assert_int_equal(waiter_wait(&w, 2), 0);
	assert_int_equal(evloop_readv(l, fd, &riov, 1, 8192, &w.req), 0);
	assert_int_equal(waiter_wait(&w, 3), (int)sizeof(in));
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(evloop_fallocate(l, fd, FALLOC_FL_PUNCH_HOLE |
					  FALLOC_FL_KEEP_SIZE, 8192, 4096,
					  &w.req), 0);
	assert_int_equal(waiter_wait(&w, 4), 0);
	assert_int_equal(pread(fd, in, sizeof(in), 8192), (ssize_t)sizeof(in));
	assert_int_equal(in[1], 0);
	close(fd);
}

static pthread_mutex_t kick_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kick_cond = PTHREAD_COND_INITIALIZER;
static unsigned int kicks, kick_arg;

static void on_kick(void *ctx, unsigned int arg)
{
	pthread_mutex_lock(&kick_lock);
	kicks++;
	kick_arg = arg;
	pthread_cond_broadcast(&kick_cond);
	pthread_mutex_unlock(&kick_lock);
}

static void test_watch_kicks(void **state)
{
	struct evloop *l = *state;
	int efd = eventfd(0, EFD_CLOEXEC);
	uint64_t one = 1;

	assert_true(efd >= 0);
	assert_int_equal(evloop_watch(l, efd, on_kick, NULL, 7), 0);
	for (unsigned int n = 1; n <= 3; n++) {
		assert_int_equal(write(efd, &one, sizeof(one)), 8);
		pthread_mutex_lock(&kick_lock);
		while (kicks < n)
			pthread_cond_wait(&kick_cond, &kick_lock);
		pthread_mutex_unlock(&kick_lock);
	}
	assert_int_equal(kick_arg, 7);
	evloop_unwatch(l, efd);
	close(efd);
}

/* An opcode outside the allowlist is refused by the kernel. */
static void test_restricted(void **state)
{
	struct evloop *l = *state;
	struct io_uring_sqe *sqe;
	struct waiter w;

	waiter_init(&w);
	pthread_mutex_lock(&l->sq_lock);
	sqe = io_uring_get_sqe(&l->ring);
	assert_non_null(sqe);
	io_uring_prep_openat(sqe, AT_FDCWD, "/etc/passwd", O_RDONLY, 0);
	io_uring_sqe_set_data(sqe, &w.req);
	io_uring_submit(&l->ring);
	pthread_mutex_unlock(&l->sq_lock);
	assert_int_equal(waiter_wait(&w, 1), -EACCES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rw_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_kicks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restricted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
