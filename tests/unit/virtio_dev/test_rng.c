// SPDX-License-Identifier: MIT
/*
 * virtio-rng: buffers are filled from getrandom, up to the per-request
 * bound, and odd chains are answered without harm.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devfix.h"
#include "virtio/rng.h"

static int setup(void **state)
{
	struct devfix *f = calloc(1, sizeof(*f));

	if (!f || devfix_init(f) || virtio_rng_create(&f->d) ||
	    devfix_start(f, 64))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct devfix *f = *state;

	virtio_rng_destroy(&f->d);
	virtio_rng_destroy(&f->d);	/* twice is fine */
	assert_null(f->d.priv);
	devfix_exit(f);
	free(f);
	return 0;
}

/* Whether @len bytes at @p are all @v. */
static bool all_are(const uint8_t *p, size_t len, uint8_t v)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

static void test_rng_create(void **state)
{
	struct devfix *f = *state;

	assert_int_equal(f->d.ops->device_id, 4);
	assert_int_equal(f->d.ops->config_size, 0);
	assert_int_equal(f->d.nr_queues, 1);
	assert_int_equal(f->d.queue_max, RNG_QUEUE_SIZE);
	assert_true(f->d.host_features &
		    VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT));
}

static void test_rng_fills(void **state)
{
	struct devfix *f = *state;
	struct qb *b = &f->b[0];
	struct qb_seg segs[2];
	uint32_t id, len;
	uint8_t *p0, *p1;
	int head;

	segs[0] = (struct qb_seg){ .gpa = qb_buf(b, 100, 0), .len = 100,
				   .write = true };
	segs[1] = (struct qb_seg){ .gpa = qb_buf(b, 200, 0), .len = 200,
				   .write = true };
	/* A guard byte right after the second buffer stays untouched. */
	assert_int_equal(qb_buf(b, 1, 0x5c), segs[1].gpa + 200);
	head = qb_chain(b, segs, 2);
	assert_true(head >= 0);
	devfix_notify(f, 0);
	assert_int_equal(qb_used_idx(b), 1);
	assert_int_equal(devfix_used(f, 0, 0, &id, &len), 0);
	assert_int_equal(id, head);
	assert_int_equal(len, 300);
	p0 = devfix_host(f, segs[0].gpa, 100);
	p1 = devfix_host(f, segs[1].gpa, 201);
	/* 100 random bytes all zero: 2^-800. */
	assert_false(all_are(p0, 100, 0));
	assert_false(all_are(p1, 200, 0));
	assert_int_equal(p1[200], 0x5c);
	assert_false(f->d.broken);
}

static void test_rng_bounded(void **state)
{
	struct devfix *f = *state;
	struct qb *b = &f->b[0];
	uint32_t big = 2 * RNG_MAX_PER_REQ, id, len;
	struct qb_seg seg = { .gpa = qb_buf(b, big, 0), .len = big,
			      .write = true };
	uint8_t *p;
	int head;

	assert_int_not_equal(seg.gpa, 0);
	head = qb_chain(b, &seg, 1);
	assert_true(head >= 0);
	devfix_notify(f, 0);
	assert_int_equal(devfix_used(f, 0, 0, &id, &len), 0);
	assert_int_equal(id, head);
	assert_int_equal(len, RNG_MAX_PER_REQ);
	p = devfix_host(f, seg.gpa, big);
	assert_false(all_are(p + RNG_MAX_PER_REQ - 64, 64, 0));
	assert_true(all_are(p + RNG_MAX_PER_REQ, RNG_MAX_PER_REQ, 0));
}

static void test_rng_readable_only(void **state)
{
	struct devfix *f = *state;
	struct qb *b = &f->b[0];
	struct qb_seg rd = { .gpa = qb_buf(b, 32, 0x11), .len = 32 };
	struct qb_seg mix[2] = {
		{ .gpa = qb_buf(b, 16, 0x22), .len = 16 },
		{ .gpa = qb_buf(b, 16, 0), .len = 16, .write = true },
	};
	uint32_t id, len;
	int h1, h2;

	h1 = qb_chain(b, &rd, 1);
	h2 = qb_chain(b, mix, 2);
	devfix_notify(f, 0);
	assert_int_equal(qb_used_idx(b), 2);
	assert_int_equal(devfix_used(f, 0, 0, &id, &len), 0);
	assert_int_equal(id, h1);
	assert_int_equal(len, 0);
	assert_true(all_are(devfix_host(f, rd.gpa, 32), 32, 0x11));
	assert_int_equal(devfix_used(f, 0, 1, &id, &len), 0);
	assert_int_equal(id, h2);
	assert_int_equal(len, 16);
	assert_true(all_are(devfix_host(f, mix[0].gpa, 16), 16, 0x22));
	assert_false(f->d.broken);
}

static void test_rng_bad_ring(void **state)
{
	struct devfix *f = *state;
	struct qb *b = &f->b[0];

	/* avail->idx jumps further ahead than the ring has entries. */
	assert_int_equal(qb_set_avail_idx(b, 200), 0);
	devfix_notify(f, 0);
	assert_true(f->d.broken);
	assert_int_equal(f->nr_logs, 1);
	assert_int_equal(qb_used_idx(b), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rng_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rng_fills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rng_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rng_readable_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rng_bad_ring, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
