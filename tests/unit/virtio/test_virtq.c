// SPDX-License-Identifier: MIT
/*
 * Split virtqueue: normal, indirect and wrapping chains, notification
 * suppression, and every way a hostile driver can break the rings.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "qbuilder.h"
#include "util.h"
#include "virtio/virtq.h"

struct fix {
	struct qb_mem m;
	struct qb b;
	struct virtq q;
	struct virtq_chain c;
};

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (!f || qb_mem_default(&f->m)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	qb_mem_exit(&f->m);
	free(f);
	return 0;
}

/* fix_queue - a ring of @size at the default place, device side ready. */
static struct fix *fix_queue(void **state, uint16_t size, bool event_idx,
			     bool indirect, uint16_t start)
{
	struct fix *f = *state;

	assert_int_equal(qb_init(&f->b, &f->m.gm, size, QB_RING_GPA,
				 QB_HEAP_GPA, event_idx, start), 0);
	assert_int_equal(qb_virtq_init(&f->b, &f->q, indirect), 0);
	assert_true(f->q.ready);
	assert_null(virtq_last_error(&f->q));
	return f;
}

static uint8_t *host(struct fix *f, uint64_t gpa)
{
	uint8_t *p = guest_mem_ptr(&f->m.gm, gpa, 1);

	assert_non_null(p);
	return p;
}

/*
 * A pop that must fail with a reason containing @why; the queue then
 * stays broken: another pop and a push fail too.
 */
#define assert_pop_fails(f, why) do {					\
	assert_int_equal(virtq_pop(&(f)->q, &(f)->c), -EPROTO);		\
	assert_non_null(virtq_last_error(&(f)->q));			\
	assert_non_null(strstr(virtq_last_error(&(f)->q), (why)));	\
	assert_int_equal(virtq_pop(&(f)->q, &(f)->c), -EPROTO);		\
	assert_int_equal(virtq_push(&(f)->q, 0, 0), -EPROTO);		\
	assert_int_equal((f)->q.last_avail, (f)->b.start);		\
	assert_int_equal(qb_used_idx(&(f)->b), (f)->b.start);		\
} while (0)

/* ---- virtq_init ---------------------------------------------------- */

static void test_init_sizes(void **state)
{
	struct fix *f = *state;
	const struct guest_mem *gm = &f->m.gm;
	uint32_t too_big = 65536;
	/* Large enough for a 32768 ring: desc 512K, avail 64K, used 256K. */
	uint64_t d = 0, a = 0x80000, u = 0xa0000;
	uint16_t bad[] = { 0, 3, 6, 100, 32767, 65535, (uint16_t)too_big };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(virtq_init(&f->q, gm, bad[i], d, a, u, true,
					    true), -EINVAL);
		assert_false(f->q.ready);
		assert_non_null(strstr(virtq_last_error(&f->q), "size"));
		assert_int_equal(virtq_pop(&f->q, &f->c), 0);
		assert_int_equal(virtq_push(&f->q, 0, 0), -EINVAL);
		assert_false(virtq_should_notify(&f->q));
		assert_false(virtq_enable_notify(&f->q));
	}
	assert_int_equal(virtq_init(&f->q, gm, 1, d, a, u, false, false), 0);
	assert_int_equal(f->q.size, 1);
	assert_int_equal(virtq_init(&f->q, gm, 256, d, a, u, true, true), 0);
	assert_int_equal(virtq_init(&f->q, gm, 32768, d, a, u, true, true), 0);
	assert_true(f->q.ready);
	assert_int_equal(f->q.size, 32768);
	assert_int_equal(f->q.last_avail, 0);
	assert_int_equal(f->q.used_idx, 0);
	assert_true(f->q.event_idx);
	assert_true(f->q.indirect);
	assert_null(virtq_last_error(&f->q));
	virtq_reset(&f->q);
	assert_false(f->q.ready);
	assert_ptr_equal(f->q.gm, gm);
}

static void test_init_layout(void **state)
{
	struct fix *f = *state;
	const struct guest_mem *gm = &f->m.gm;
	struct virtq *q = &f->q;
	uint64_t end = QB_LOW_GPA + QB_LOW_SIZE;

	/* Alignment: desc 16, avail 2, used 4. */
	assert_int_equal(virtq_init(q, gm, 8, 0x1008, 0x2000, 0x3000, false,
				    false), -EINVAL);
	assert_non_null(strstr(virtq_last_error(q), "descriptor"));
	assert_int_equal(virtq_init(q, gm, 8, 0x1000, 0x2001, 0x3000, false,
				    false), -EINVAL);
	assert_non_null(strstr(virtq_last_error(q), "avail"));
	assert_int_equal(virtq_init(q, gm, 8, 0x1000, 0x2002, 0x3002, false,
				    false), -EINVAL);
	assert_non_null(strstr(virtq_last_error(q), "used"));
	assert_int_equal(virtq_init(q, gm, 8, 0x1000, 0x2002, 0x3004, false,
				    false), 0);

	/* In a hole, crossing into it, far out, wrapping. */
	assert_int_equal(virtq_init(q, gm, 8, QB_HOLE_GPA, 0x2000, 0x3000,
				    false, false), -EINVAL);
	assert_int_equal(virtq_init(q, gm, 8, end - 0x40, 0x2000, 0x3000,
				    false, false), -EINVAL);
	assert_int_equal(virtq_init(q, gm, 8, 0x1000, QB_HIGH_GPA - 2, 0x3000,
				    false, false), -EINVAL);
	assert_int_equal(virtq_init(q, gm, 8, 0x1000, 0x2000, 1ULL << 50,
				    false, false), -EINVAL);
	assert_int_equal(virtq_init(q, gm, 8, 0xfffffffffffffff0ULL, 0x2000,
				    0x3000, false, false), -EINVAL);
	assert_false(q->ready);

	/* Exactly to the end of RAM fits; the event index makes it 2 over. */
	assert_int_equal(virtq_init(q, gm, 8, end - 0x80, 0x2000, 0x3000,
				    true, false), 0);
	assert_int_equal(virtq_init(q, gm, 8, 0x1000, end - 20, 0x3000,
				    false, false), 0);
	assert_int_equal(virtq_init(q, gm, 8, 0x1000, end - 20, 0x3000,
				    true, false), -EINVAL);
	assert_int_equal(virtq_init(q, gm, 8, 0x1000, 0x2000, end - 68,
				    false, false), 0);
	assert_int_equal(virtq_init(q, gm, 8, 0x1000, 0x2000, end - 68,
				    true, false), -EINVAL);
	/* The high region works as well as the low one. */
	assert_int_equal(virtq_init(q, gm, 8, QB_HIGH_GPA, QB_HIGH_GPA + 0x80,
				    QB_HIGH_GPA + 0x100, true, true), 0);
}

/* ---- normal chains ------------------------------------------------- */

static void test_pop_simple(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);
	uint64_t out = qb_buf(&f->b, 64, 0xaa), in = qb_buf(&f->b, 512, 0);
	struct qb_seg segs[] = {
		{ out, 64, false }, { in, 512, true },
	};
	int head = qb_chain(&f->b, segs, 2);

	assert_int_equal(head, 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.head, 0);
	assert_int_equal(f->c.nr_out, 1);
	assert_int_equal(f->c.nr_in, 1);
	assert_int_equal(f->c.out_len, 64);
	assert_int_equal(f->c.in_len, 512);
	assert_ptr_equal(f->c.iov[0].iov_base, host(f, out));
	assert_int_equal(f->c.iov[0].iov_len, 64);
	assert_int_equal(((uint8_t *)f->c.iov[0].iov_base)[63], 0xaa);
	assert_ptr_equal(f->c.iov[1].iov_base, host(f, in));
	assert_int_equal(f->c.iov[1].iov_len, 512);
	assert_int_equal(f->q.last_avail, 1);
	assert_int_equal(virtq_pop(&f->q, &f->c), 0);
	assert_null(virtq_last_error(&f->q));
}

static void test_pop_multi_segment(void **state)
{
	struct fix *f = fix_queue(state, 16, false, false, 0);
	struct qb_seg segs[] = {
		{ qb_buf(&f->b, 16, 1), 16, false },
		{ QB_HIGH_GPA + 0x100, 100, false },
		{ qb_buf(&f->b, 4096, 2), 4096, false },
		{ QB_HIGH_GPA + QB_HIGH_SIZE - 8, 8, true },	/* to the end */
		{ qb_buf(&f->b, 1, 0), 1, true },
	};
	int head;

	/* Start the chain somewhere other than descriptor 0. */
	f->b.next_desc = 13;
	head = qb_chain(&f->b, segs, ARRAY_SIZE(segs));
	assert_int_equal(head, 13);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.head, 13);
	assert_int_equal(f->c.nr_out, 3);
	assert_int_equal(f->c.nr_in, 2);
	assert_int_equal(f->c.out_len, 16 + 100 + 4096);
	assert_int_equal(f->c.in_len, 9);
	for (unsigned int i = 0; i < ARRAY_SIZE(segs); i++) {
		assert_ptr_equal(f->c.iov[i].iov_base, host(f, segs[i].gpa));
		assert_int_equal(f->c.iov[i].iov_len, segs[i].len);
	}
}

static void test_zero_length_skipped(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);
	struct qb_seg segs[] = {
		{ qb_buf(&f->b, 8, 0), 8, false },
		{ QB_HOLE_GPA, 0, false },	/* never touched, not checked */
		{ qb_buf(&f->b, 8, 0), 8, true },
		{ 0, 0, true },
	};

	assert_int_equal(qb_chain(&f->b, segs, ARRAY_SIZE(segs)), 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.nr_out, 1);
	assert_int_equal(f->c.nr_in, 1);
	assert_ptr_equal(f->c.iov[0].iov_base, host(f, segs[0].gpa));
	assert_ptr_equal(f->c.iov[1].iov_base, host(f, segs[2].gpa));
	assert_int_equal(f->c.out_len, 8);
	assert_int_equal(f->c.in_len, 8);
}

static void test_push_used_ring(void **state)
{
	struct fix *f = fix_queue(state, 4, false, false, 0);
	struct qb_seg seg = { qb_buf(&f->b, 32, 0), 32, true };
	uint32_t id, len;

	/* Nothing popped yet: a push would complete a chain never taken. */
	assert_int_equal(virtq_push(&f->q, 0, 0), -EINVAL);
	f->b.next_desc = 2;
	assert_int_equal(qb_chain(&f->b, &seg, 1), 2);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(virtq_push(&f->q, 4, 0), -EINVAL);	/* head >= size */
	assert_int_equal(virtq_push(&f->q, f->c.head, 32), 0);
	assert_int_equal(qb_used_idx(&f->b), 1);
	assert_int_equal(f->q.used_idx, 1);
	assert_int_equal(qb_used_elem(&f->b, 0, &id, &len), 0);
	assert_int_equal(id, 2);
	assert_int_equal(len, 32);
	assert_int_equal(virtq_push(&f->q, 2, 32), -EINVAL);	/* twice */
	assert_int_equal(qb_used_idx(&f->b), 1);
}

static void test_several_in_order(void **state)
{
	struct fix *f = fix_queue(state, 16, false, false, 0);
	int heads[5];
	uint32_t id, len;

	for (unsigned int i = 0; i < 5; i++) {
		struct qb_seg segs[] = {
			{ qb_buf(&f->b, 10 + i, (uint8_t)i), 10 + i, false },
			{ qb_buf(&f->b, 100, 0), 100, true },
		};

		heads[i] = qb_chain(&f->b, segs, 2);
		assert_int_equal(heads[i], 2 * i);
	}
	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(virtq_pop(&f->q, &f->c), 1);
		assert_int_equal(f->c.head, heads[i]);
		assert_int_equal(f->c.out_len, 10 + i);
		assert_int_equal(((uint8_t *)f->c.iov[0].iov_base)[0], i);
	}
	assert_int_equal(virtq_pop(&f->q, &f->c), 0);
	for (unsigned int i = 0; i < 5; i++)
		assert_int_equal(virtq_push(&f->q, (uint16_t)heads[i], 7 * i), 0);
	assert_int_equal(qb_used_idx(&f->b), 5);
	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(qb_used_elem(&f->b, (uint16_t)i, &id, &len), 0);
		assert_int_equal(id, heads[i]);
		assert_int_equal(len, 7 * i);
	}
}

static void test_index_wraparound(void **state)
{
	struct fix *f = fix_queue(state, 4, false, false, 65533);
	uint64_t buf = qb_buf(&f->b, 16, 0);
	uint16_t expect = 65533;
	uint32_t id, len;

	/* Ten rounds of two: the 16-bit indices pass 65535 -> 0. */
	for (unsigned int round = 0; round < 10; round++) {
		struct qb_seg seg = { buf, (uint32_t)round + 1, true };
		int h0 = qb_chain(&f->b, &seg, 1);
		int h1 = qb_chain(&f->b, &seg, 1);

		assert_true(h0 >= 0 && h1 >= 0);
		assert_int_equal(virtq_pop(&f->q, &f->c), 1);
		assert_int_equal(f->c.head, h0);
		assert_int_equal(virtq_pop(&f->q, &f->c), 1);
		assert_int_equal(f->c.head, h1);
		assert_int_equal(f->c.in_len, round + 1);
		assert_int_equal(virtq_pop(&f->q, &f->c), 0);
		assert_int_equal(virtq_push(&f->q, (uint16_t)h0, 1), 0);
		assert_int_equal(virtq_push(&f->q, (uint16_t)h1, 2), 0);
		expect = (uint16_t)(expect + 2);
		assert_int_equal(f->q.last_avail, expect);
		assert_int_equal(qb_used_idx(&f->b), expect);
		assert_int_equal(qb_used_elem(&f->b, (uint16_t)(expect - 1),
					      &id, &len), 0);
		assert_int_equal(id, h1);
		assert_int_equal(len, 2);
	}
	assert_int_equal(expect, 17);	/* 65533 + 20, mod 2^16 */

	/* A full ring across the wrap: exactly size ahead is allowed. */
	for (unsigned int i = 0; i < 4; i++) {
		struct qb_seg seg = { buf, 16, false };

		assert_true(qb_chain(&f->b, &seg, 1) >= 0);
	}
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(virtq_pop(&f->q, &f->c), 0);
}

static void test_indirect(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	struct qb_seg segs[] = {
		{ qb_buf(&f->b, 48, 0x11), 48, false },
		{ QB_HIGH_GPA, 0x1000, false },
		{ qb_buf(&f->b, 200, 0), 200, true },
		{ QB_HIGH_GPA + 0x2000, 0x800, true },
	};
	uint64_t table;
	uint32_t id, len;
	int head;

	f->b.next_desc = 5;
	head = qb_indirect(&f->b, segs, ARRAY_SIZE(segs), &table);
	assert_int_equal(head, 5);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.head, 5);
	assert_int_equal(f->c.nr_out, 2);
	assert_int_equal(f->c.nr_in, 2);
	assert_int_equal(f->c.out_len, 48 + 0x1000);
	assert_int_equal(f->c.in_len, 200 + 0x800);
	for (unsigned int i = 0; i < ARRAY_SIZE(segs); i++) {
		assert_ptr_equal(f->c.iov[i].iov_base, host(f, segs[i].gpa));
		assert_int_equal(f->c.iov[i].iov_len, segs[i].len);
	}
	assert_int_equal(virtq_push(&f->q, f->c.head, 200), 0);
	assert_int_equal(qb_used_elem(&f->b, 0, &id, &len), 0);
	assert_int_equal(id, 5);
	assert_int_equal(len, 200);

	/* WRITE on the descriptor that points at the table is ignored. */
	f->b.next_desc = 0;
	head = qb_indirect(&f->b, segs, 1, &table);
	assert_int_equal(qb_desc(&f->b, (uint16_t)head, table, 16,
				 VRING_DESC_F_INDIRECT | VRING_DESC_F_WRITE, 0),
			 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.nr_out, 1);
	assert_int_equal(f->c.nr_in, 0);

	/* An unaligned table is fine: the spec asks for no alignment. */
	table = qb_alloc(&f->b, 40, 8) + 3;
	assert_int_equal(qb_table_desc(&f->b, table, 0, segs[0].gpa, 5,
				       VRING_DESC_F_NEXT, 1), 0);
	assert_int_equal(qb_table_desc(&f->b, table, 1, segs[2].gpa, 6,
				       VRING_DESC_F_WRITE, 0), 0);
	assert_int_equal(qb_desc(&f->b, 3, table, 32, VRING_DESC_F_INDIRECT, 0),
			 0);
	assert_int_equal(qb_avail(&f->b, 3), 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.out_len, 5);
	assert_int_equal(f->c.in_len, 6);
}

/* ---- notification suppression ------------------------------------- */

/* one_request - make a one-buffer chain available and pop it. */
static uint16_t one_request(struct fix *f)
{
	struct qb_seg seg = { QB_HIGH_GPA, 64, true };

	assert_true(qb_chain(&f->b, &seg, 1) >= 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	return f->c.head;
}

static void test_event_idx_should_notify(void **state)
{
	struct fix *f = fix_queue(state, 8, true, false, 0);

	/* Nothing signalled yet: the first completion always interrupts. */
	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_true(virtq_should_notify(&f->q));
	assert_true(f->q.signalled_valid);
	assert_int_equal(f->q.signalled_used, 1);

	/* "Interrupt me once used passes 2": used 2 is not yet past it. */
	assert_int_equal(qb_set_used_event(&f->b, 2), 0);
	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_false(virtq_should_notify(&f->q));
	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_true(virtq_should_notify(&f->q));
	/* No new completions since: nothing to signal. */
	assert_false(virtq_should_notify(&f->q));

	/* Several completions at once that jump over used_event. */
	assert_int_equal(qb_set_used_event(&f->b, 4), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_true(virtq_should_notify(&f->q));		/* 3 -> 6 */

	/* used_event behind us: the driver does not want one now. */
	assert_int_equal(qb_set_used_event(&f->b, 3), 0);
	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_false(virtq_should_notify(&f->q));

	/* With EVENT_IDX the NO_INTERRUPT flag is ignored. */
	assert_int_equal(qb_set_avail_flags(&f->b, VRING_AVAIL_F_NO_INTERRUPT),
			 0);
	assert_int_equal(qb_set_used_event(&f->b, 7), 0);
	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_true(virtq_should_notify(&f->q));		/* 7 -> 8 */

	/* After a reset the first completion interrupts again. */
	virtq_reset(&f->q);
	assert_false(f->q.signalled_valid);
}

static void test_event_idx_wraps(void **state)
{
	struct fix *f = fix_queue(state, 4, true, false, 65534);

	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_true(virtq_should_notify(&f->q));		/* first */
	assert_int_equal(qb_set_used_event(&f->b, 65535), 0);
	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_true(virtq_should_notify(&f->q));		/* 65535 -> 0 */
	assert_int_equal(qb_used_idx(&f->b), 0);
	assert_int_equal(qb_set_used_event(&f->b, 1), 0);
	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_false(virtq_should_notify(&f->q));		/* 0 -> 1 */
	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_true(virtq_should_notify(&f->q));		/* 1 -> 2 */
}

static void test_no_interrupt_flag(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);

	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_true(virtq_should_notify(&f->q));
	assert_int_equal(qb_set_avail_flags(&f->b, VRING_AVAIL_F_NO_INTERRUPT),
			 0);
	assert_int_equal(virtq_push(&f->q, one_request(f), 1), 0);
	assert_false(virtq_should_notify(&f->q));
	/* Without EVENT_IDX used_event means nothing. */
	assert_int_equal(qb_set_avail_flags(&f->b, 0), 0);
	assert_int_equal(qb_set_used_event(&f->b, 100), 0);
	assert_true(virtq_should_notify(&f->q));
}

static void test_enable_notify_event_idx(void **state)
{
	struct fix *f = fix_queue(state, 8, true, false, 100);
	struct qb_seg seg = { QB_HIGH_GPA, 8, false };

	assert_false(virtq_enable_notify(&f->q));
	assert_int_equal(qb_avail_event(&f->b), 100);
	assert_int_equal(qb_chain(&f->b, &seg, 1), 0);
	assert_int_equal(qb_chain(&f->b, &seg, 1), 1);
	assert_true(virtq_enable_notify(&f->q));		/* two pending */
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_false(virtq_enable_notify(&f->q));
	assert_int_equal(qb_avail_event(&f->b), 102);
	/* disable_notify leaves used->flags alone with EVENT_IDX. */
	virtq_disable_notify(&f->q);
	assert_int_equal(qb_used_flags(&f->b), 0);
	assert_int_equal(qb_avail_event(&f->b), 102);
}

static void test_enable_notify_flags(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);
	struct qb_seg seg = { QB_HIGH_GPA, 8, false };

	virtq_disable_notify(&f->q);
	assert_int_equal(qb_used_flags(&f->b), VRING_USED_F_NO_NOTIFY);
	assert_false(virtq_enable_notify(&f->q));
	assert_int_equal(qb_used_flags(&f->b), 0);
	virtq_disable_notify(&f->q);
	assert_int_equal(qb_chain(&f->b, &seg, 1), 0);
	assert_true(virtq_enable_notify(&f->q));
	assert_int_equal(qb_used_flags(&f->b), 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_false(virtq_enable_notify(&f->q));
	/* No avail_event slot without EVENT_IDX: nothing written there. */
	assert_int_equal(qb_avail_event(&f->b), 0);
}

/* ---- hostile rings -------------------------------------------------- */

static void test_bad_head(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);

	assert_int_equal(qb_avail(&f->b, 8), 0);
	assert_pop_fails(f, "head");
}

static void test_bad_head_max(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 40000);

	assert_int_equal(qb_avail(&f->b, 0xffff), 0);
	assert_pop_fails(f, "head");
}

static void test_avail_idx_too_far(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 65530);

	/* 9 ahead of 8 slots, across the 16-bit wrap. */
	assert_int_equal(qb_set_avail_idx(&f->b, (uint16_t)(65530 + 9)), 0);
	assert_pop_fails(f, "avail index");
}

static void test_avail_idx_behind(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 100);

	/* Going backwards is 65535 ahead modulo 2^16. */
	assert_int_equal(qb_set_avail_idx(&f->b, 99), 0);
	assert_pop_fails(f, "avail index");
}

static void test_desc_cycle(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);
	uint64_t buf = qb_buf(&f->b, 8, 0);

	assert_int_equal(qb_desc(&f->b, 0, buf, 8, VRING_DESC_F_NEXT, 1), 0);
	assert_int_equal(qb_desc(&f->b, 1, buf, 8, VRING_DESC_F_NEXT, 0), 0);
	assert_int_equal(qb_avail(&f->b, 0), 0);
	assert_pop_fails(f, "loop");
}

static void test_desc_self_loop(void **state)
{
	struct fix *f = fix_queue(state, 1, false, false, 0);

	assert_int_equal(qb_desc(&f->b, 0, QB_HIGH_GPA, 8, VRING_DESC_F_NEXT,
				 0), 0);
	assert_int_equal(qb_avail(&f->b, 0), 0);
	assert_pop_fails(f, "loop");
}

static void test_chain_longer_than_size(void **state)
{
	struct fix *f = fix_queue(state, 4, false, false, 0);

	/* 0 1 2 3 1 2 3 ...: the fifth descriptor is one too many. */
	for (uint16_t i = 0; i < 4; i++)
		assert_int_equal(qb_desc(&f->b, i, QB_HIGH_GPA, 1,
					 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT,
					 i == 3 ? 1 : i + 1), 0);
	assert_int_equal(qb_avail(&f->b, 0), 0);
	assert_pop_fails(f, "longer");
}

static void test_chain_exactly_size(void **state)
{
	struct fix *f = fix_queue(state, 4, false, false, 0);
	struct qb_seg segs[4];

	for (unsigned int i = 0; i < 4; i++)
		segs[i] = (struct qb_seg){ QB_HIGH_GPA + i, 1, i >= 2 };
	assert_int_equal(qb_chain(&f->b, segs, 4), 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.nr_out + f->c.nr_in, 4);
}

static void test_next_out_of_range(void **state)
{
	struct fix *f = fix_queue(state, 4, false, false, 0);

	assert_int_equal(qb_desc(&f->b, 0, QB_HIGH_GPA, 8, VRING_DESC_F_NEXT,
				 4), 0);
	assert_int_equal(qb_avail(&f->b, 0), 0);
	assert_pop_fails(f, "next");
}

/* indirect_raw - ring descriptor 0 -> table of @len bytes, available. */
static void indirect_raw(struct fix *f, uint64_t table, uint32_t len,
			 uint16_t flags)
{
	assert_int_equal(qb_desc(&f->b, 0, table, len, flags, 1), 0);
	assert_int_equal(qb_desc(&f->b, 1, QB_HIGH_GPA, 8, 0, 0), 0);
	assert_int_equal(qb_avail(&f->b, 0), 0);
}

static void test_indirect_nested(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	uint64_t inner = qb_alloc(&f->b, 32, 16), outer = qb_alloc(&f->b, 32, 16);

	assert_int_equal(qb_table_desc(&f->b, inner, 0, QB_HIGH_GPA, 8, 0, 0),
			 0);
	assert_int_equal(qb_table_desc(&f->b, outer, 0, QB_HIGH_GPA, 8,
				       VRING_DESC_F_NEXT, 1), 0);
	assert_int_equal(qb_table_desc(&f->b, outer, 1, inner, 16,
				       VRING_DESC_F_INDIRECT, 0), 0);
	indirect_raw(f, outer, 32, VRING_DESC_F_INDIRECT);
	assert_pop_fails(f, "inside an indirect table");
}

static void test_indirect_len_17(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);

	indirect_raw(f, qb_alloc(&f->b, 32, 16), 17, VRING_DESC_F_INDIRECT);
	assert_pop_fails(f, "multiple of 16");
}

static void test_indirect_len_0(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);

	indirect_raw(f, qb_alloc(&f->b, 32, 16), 0, VRING_DESC_F_INDIRECT);
	assert_pop_fails(f, "multiple of 16");
}

static void test_indirect_too_big(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	uint32_t len = 16 * (VIRTQ_MAX_SIZE + 1);
	uint64_t table = qb_alloc(&f->b, len, 16);

	assert_true(table != 0);
	indirect_raw(f, table, len, VRING_DESC_F_INDIRECT);
	assert_pop_fails(f, "entries");
}

static void test_indirect_without_feature(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);
	struct qb_seg seg = { QB_HIGH_GPA, 8, false };

	assert_int_equal(qb_indirect(&f->b, &seg, 1, NULL), 0);
	assert_pop_fails(f, "VIRTIO_F_INDIRECT_DESC");
}

static void test_indirect_with_next(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	uint64_t table = qb_alloc(&f->b, 16, 16);

	assert_int_equal(qb_table_desc(&f->b, table, 0, QB_HIGH_GPA, 8, 0, 0),
			 0);
	indirect_raw(f, table, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT);
	assert_pop_fails(f, "INDIRECT and NEXT");
}

static void test_indirect_not_head(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	uint64_t table = qb_alloc(&f->b, 16, 16);

	assert_int_equal(qb_table_desc(&f->b, table, 0, QB_HIGH_GPA, 8, 0, 0),
			 0);
	assert_int_equal(qb_desc(&f->b, 0, QB_HIGH_GPA, 8, VRING_DESC_F_NEXT,
				 1), 0);
	assert_int_equal(qb_desc(&f->b, 1, table, 16, VRING_DESC_F_INDIRECT, 0),
			 0);
	assert_int_equal(qb_avail(&f->b, 0), 0);
	assert_pop_fails(f, "not the head");
}

static void test_indirect_table_in_hole(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);

	indirect_raw(f, QB_HOLE_GPA + 0x100, 32, VRING_DESC_F_INDIRECT);
	assert_pop_fails(f, "indirect table not wholly");
}

static void test_indirect_table_crosses_hole(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);

	indirect_raw(f, QB_HOLE_GPA - 16, 32, VRING_DESC_F_INDIRECT);
	assert_pop_fails(f, "indirect table not wholly");
}

static void test_indirect_next_out_of_table(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	uint64_t table = qb_alloc(&f->b, 32, 16);

	assert_int_equal(qb_table_desc(&f->b, table, 0, QB_HIGH_GPA, 8,
				       VRING_DESC_F_NEXT, 2), 0);
	indirect_raw(f, table, 32, VRING_DESC_F_INDIRECT);
	assert_pop_fails(f, "next");
}

static void test_indirect_loop(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	uint64_t table = qb_alloc(&f->b, 64, 16);

	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(qb_table_desc(&f->b, table, i, QB_HIGH_GPA, 8,
					       VRING_DESC_F_NEXT,
					       (uint16_t)((i + 1) % 4)), 0);
	indirect_raw(f, table, 64, VRING_DESC_F_INDIRECT);
	assert_pop_fails(f, "loop");
}

/* bad_buffer - a one-descriptor chain with a raw buffer must fail. */
static void bad_buffer(void **state, uint64_t gpa, uint32_t len,
		       const char *why)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);

	assert_int_equal(qb_desc(&f->b, 0, gpa, len, VRING_DESC_F_WRITE, 0), 0);
	assert_int_equal(qb_avail(&f->b, 0), 0);
	assert_pop_fails(f, why);
}

static void test_buffer_crosses_hole(void **state)
{
	bad_buffer(state, QB_HOLE_GPA - 8, 16, "guest RAM");
}

static void test_buffer_in_hole(void **state)
{
	bad_buffer(state, QB_HOLE_GPA + 0x8000, 16, "guest RAM");
}

static void test_buffer_past_ram(void **state)
{
	bad_buffer(state, QB_HIGH_GPA + QB_HIGH_SIZE - 8, 9, "guest RAM");
}

static void test_buffer_wraps(void **state)
{
	bad_buffer(state, UINT64_MAX - 4, 16, "wraps");
}

static void test_buffer_wraps_in_indirect(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	uint64_t table = qb_alloc(&f->b, 32, 16);

	assert_int_equal(qb_table_desc(&f->b, table, 0, QB_HIGH_GPA, 8,
				       VRING_DESC_F_NEXT, 1), 0);
	assert_int_equal(qb_table_desc(&f->b, table, 1, 0xfffffffffffff000ULL,
				       0x2000, VRING_DESC_F_WRITE, 0), 0);
	indirect_raw(f, table, 32, VRING_DESC_F_INDIRECT);
	assert_pop_fails(f, "wraps");
}

static void test_readable_after_writable(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);
	struct qb_seg segs[] = {
		{ QB_HIGH_GPA, 8, false },
		{ QB_HIGH_GPA + 8, 8, true },
		{ QB_HIGH_GPA + 16, 8, false },
	};

	assert_int_equal(qb_chain(&f->b, segs, 3), 0);
	assert_pop_fails(f, "readable descriptor after");
}

static void test_readable_after_empty_writable(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	struct qb_seg segs[] = {
		{ QB_HIGH_GPA, 0, true },
		{ QB_HIGH_GPA + 16, 8, false },
	};

	assert_int_equal(qb_indirect(&f->b, segs, 2, NULL), 0);
	assert_pop_fails(f, "readable descriptor after");
}

/* big_region - 3 GiB of address space, never touched, at QB_BIG_GPA. */
static void big_region(struct fix *f)
{
	assert_non_null(qb_mem_add(&f->m, QB_BIG_GPA, 3 * GiB));
}

static void test_total_over_4g(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);
	struct qb_seg segs[] = {
		{ QB_BIG_GPA, 3 * GiB, true },
		{ QB_BIG_GPA, 3 * GiB, true },
	};

	big_region(f);
	assert_int_equal(qb_chain(&f->b, segs, 2), 0);
	assert_pop_fails(f, "4 GiB");
}

static void test_total_over_4g_readable(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	struct qb_seg segs[] = {
		{ QB_BIG_GPA, 3 * GiB, false },
		{ QB_BIG_GPA + 1, 1 * GiB, false },	/* 2^32: one too many */
	};

	big_region(f);
	assert_int_equal(qb_indirect(&f->b, segs, 2, NULL), 0);
	assert_pop_fails(f, "4 GiB");
}

static void test_total_just_under_4g(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);
	/* Each kind on its own may reach UINT32_MAX. */
	struct qb_seg segs[] = {
		{ QB_BIG_GPA, 3 * GiB, false },
		{ QB_BIG_GPA, 1 * GiB - 1, false },
		{ QB_BIG_GPA, 3 * GiB, true },
		{ QB_BIG_GPA + 8, 1 * GiB - 1, true },
	};

	big_region(f);
	assert_int_equal(qb_chain(&f->b, segs, 4), 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
	assert_int_equal(f->c.out_len, UINT32_MAX);
	assert_int_equal(f->c.in_len, UINT32_MAX);
	assert_int_equal(f->c.iov[2].iov_len, 3 * GiB);
}

/* many_segments - a direct chain of @n one-byte buffers in a big ring. */
static int many_segments(void **state, unsigned int n)
{
	struct fix *f = fix_queue(state, 2048, false, false, 0);
	struct qb_seg *segs = calloc(n, sizeof(*segs));
	int head;

	assert_non_null(segs);
	for (unsigned int i = 0; i < n; i++)
		segs[i] = (struct qb_seg){ QB_HIGH_GPA + i, 1, i >= n / 2 };
	head = qb_chain(&f->b, segs, n);
	free(segs);
	assert_int_equal(head, 0);
	return virtq_pop(&f->q, &f->c);
}

static void test_max_segments(void **state)
{
	struct fix *f = *state;

	assert_int_equal(many_segments(state, VIRTQ_MAX_SEGS), 1);
	assert_int_equal(f->c.nr_out + f->c.nr_in, VIRTQ_MAX_SEGS);
	assert_ptr_equal(f->c.iov[VIRTQ_MAX_SEGS - 1].iov_base,
			 host(f, QB_HIGH_GPA + VIRTQ_MAX_SEGS - 1));
}

static void test_too_many_segments(void **state)
{
	struct fix *f = *state;

	assert_int_equal(many_segments(state, VIRTQ_MAX_SEGS + 1), -EPROTO);
	assert_non_null(strstr(virtq_last_error(&f->q), "segments"));
}

static void test_too_many_segments_indirect(void **state)
{
	struct fix *f = fix_queue(state, 8, false, true, 0);
	unsigned int n = VIRTQ_MAX_SEGS + 1;
	struct qb_seg *segs = calloc(n, sizeof(*segs));

	assert_non_null(segs);
	for (unsigned int i = 0; i < n; i++)
		segs[i] = (struct qb_seg){ QB_HIGH_GPA, 4, false };
	assert_int_equal(qb_indirect(&f->b, segs, n, NULL), 0);
	free(segs);
	assert_pop_fails(f, "segments");
}

static void test_reset_recovers(void **state)
{
	struct fix *f = fix_queue(state, 8, false, false, 0);
	struct qb_seg seg = { QB_HIGH_GPA, 8, false };

	assert_int_equal(qb_avail(&f->b, 9), 0);
	assert_pop_fails(f, "head");
	/* The driver resets the device and sets the queue up again. */
	virtq_reset(&f->q);
	assert_null(virtq_last_error(&f->q));
	assert_int_equal(virtq_pop(&f->q, &f->c), 0);	/* not ready */
	assert_int_equal(qb_init(&f->b, &f->m.gm, 8, QB_RING_GPA, QB_HEAP_GPA,
				 false, 0), 0);
	assert_int_equal(qb_virtq_init(&f->b, &f->q, false), 0);
	assert_int_equal(qb_chain(&f->b, &seg, 1), 0);
	assert_int_equal(virtq_pop(&f->q, &f->c), 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_sizes),
		T(test_init_layout),
		T(test_pop_simple),
		T(test_pop_multi_segment),
		T(test_zero_length_skipped),
		T(test_push_used_ring),
		T(test_several_in_order),
		T(test_index_wraparound),
		T(test_indirect),
		T(test_event_idx_should_notify),
		T(test_event_idx_wraps),
		T(test_no_interrupt_flag),
		T(test_enable_notify_event_idx),
		T(test_enable_notify_flags),
		T(test_bad_head),
		T(test_bad_head_max),
		T(test_avail_idx_too_far),
		T(test_avail_idx_behind),
		T(test_desc_cycle),
		T(test_desc_self_loop),
		T(test_chain_longer_than_size),
		T(test_chain_exactly_size),
		T(test_next_out_of_range),
		T(test_indirect_nested),
		T(test_indirect_len_17),
		T(test_indirect_len_0),
		T(test_indirect_too_big),
		T(test_indirect_without_feature),
		T(test_indirect_with_next),
		T(test_indirect_not_head),
		T(test_indirect_table_in_hole),
		T(test_indirect_table_crosses_hole),
		T(test_indirect_next_out_of_table),
		T(test_indirect_loop),
		T(test_buffer_crosses_hole),
		T(test_buffer_in_hole),
		T(test_buffer_past_ram),
		T(test_buffer_wraps),
		T(test_buffer_wraps_in_indirect),
		T(test_readable_after_writable),
		T(test_readable_after_empty_writable),
		T(test_total_over_4g),
		T(test_total_over_4g_readable),
		T(test_total_just_under_4g),
		T(test_max_segments),
		T(test_too_many_segments),
		T(test_too_many_segments_indirect),
		T(test_reset_recovers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
