// SPDX-License-Identifier: MIT
/*
 * virtio-console: guest output reaches out_fn in order; host input is
 * bounded by the device's ring and reaches the guest's receive buffers
 * in order, across buffers and flushes.
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
#include "virtio/console.h"

struct cfix {
	struct devfix f;
	char out[8192];
	size_t out_len;
	unsigned int out_calls;
	uint16_t rx_used;	/* receive entries checked so far */
};

static void record_out(void *ctx, const char *buf, size_t len)
{
	struct cfix *x = ctx;

	assert_true(len <= sizeof(x->out) - x->out_len);
	memcpy(x->out + x->out_len, buf, len);
	x->out_len += len;
	x->out_calls++;
}

static int setup(void **state)
{
	struct cfix *x = calloc(1, sizeof(*x));

	if (!x || devfix_init(&x->f) ||
	    virtio_console_create(&x->f.d, record_out, x) ||
	    devfix_start(&x->f, 64))
		return -1;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct cfix *x = *state;

	virtio_console_destroy(&x->f.d);
	virtio_console_destroy(&x->f.d);
	assert_null(x->f.d.priv);
	devfix_exit(&x->f);
	free(x);
	return 0;
}

/* A transmit chain of readable strings. */
static int post_tx(struct cfix *x, const char *const *parts, unsigned int n)
{
	struct qb *b = &x->f.b[CONSOLE_TX_QUEUE];
	struct qb_seg segs[8];

	for (unsigned int i = 0; i < n; i++) {
		uint32_t len = (uint32_t)strlen(parts[i]);

		segs[i] = (struct qb_seg){ .gpa = qb_alloc(b, len, 1),
					   .len = len };
		assert_int_equal(guest_mem_write(&x->f.m.gm, segs[i].gpa,
						 parts[i], len), 0);
	}
	return qb_chain(b, segs, n);
}

/* A receive buffer of @len bytes; returns its gpa. */
static uint64_t post_rx(struct cfix *x, uint32_t len)
{
	struct qb *b = &x->f.b[CONSOLE_RX_QUEUE];
	struct qb_seg seg = { .gpa = qb_buf(b, len, 0), .len = len,
			      .write = true };

	assert_int_not_equal(seg.gpa, 0);
	assert_true(qb_chain(b, &seg, 1) >= 0);
	return seg.gpa;
}

/* The next receive completion has @len bytes equal to @want. */
static void expect_rx(struct cfix *x, uint64_t gpa, const uint8_t *want,
		      uint32_t len)
{
	uint32_t id, ulen;

	assert_true(qb_used_idx(&x->f.b[CONSOLE_RX_QUEUE]) > x->rx_used);
	assert_int_equal(devfix_used(&x->f, CONSOLE_RX_QUEUE, x->rx_used++,
				     &id, &ulen), 0);
	assert_int_equal(ulen, len);
	assert_memory_equal(devfix_host(&x->f, gpa, len), want, len);
}

static void test_console_create(void **state)
{
	struct cfix *x = *state;
	struct virtio_dev *d = &x->f.d;
	uint8_t cfg[12];

	assert_int_equal(d->ops->device_id, 3);
	assert_int_equal(d->nr_queues, 2);
	assert_int_equal(d->queue_max, CONSOLE_QUEUE_SIZE);
	assert_int_equal(d->ops->config_size, 12);
	/* No MULTIPORT, no SIZE: the config space reads as zeroes. */
	assert_false(d->host_features & (1ULL << 0));
	assert_false(d->host_features & (1ULL << 1));
	memset(cfg, 0xff, sizeof(cfg));
	d->ops->config_read(d, 0, cfg, sizeof(cfg));
	for (size_t i = 0; i < sizeof(cfg); i++)
		assert_int_equal(cfg[i], 0);
}

static void test_console_transmit_in_order(void **state)
{
	struct cfix *x = *state;
	static const char *const a[] = { "hello", ", ", "world" };
	static const char *const b[] = { "\n$ " };
	uint32_t id, len;
	int h1, h2;

	h1 = post_tx(x, a, 3);
	h2 = post_tx(x, b, 1);
	devfix_notify(&x->f, CONSOLE_TX_QUEUE);
	assert_int_equal(x->out_len, 15);
	assert_memory_equal(x->out, "hello, world\n$ ", 15);
	assert_int_equal(x->out_calls, 4);
	assert_int_equal(qb_used_idx(&x->f.b[CONSOLE_TX_QUEUE]), 2);
	assert_int_equal(devfix_used(&x->f, CONSOLE_TX_QUEUE, 0, &id, &len), 0);
	assert_int_equal(id, h1);
	assert_int_equal(len, 0);
	assert_int_equal(devfix_used(&x->f, CONSOLE_TX_QUEUE, 1, &id, &len), 0);
	assert_int_equal(id, h2);
	/* Nothing went the other way. */
	assert_int_equal(qb_used_idx(&x->f.b[CONSOLE_RX_QUEUE]), 0);
}

static void test_console_receive_bounded(void **state)
{
	struct cfix *x = *state;
	uint8_t in[CONSOLE_RX_BUF + 1000];
	uint64_t g1, g2;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 3);
	/* Only the ring's worth is taken, then nothing. */
	assert_int_equal(virtio_console_receive(&x->f.d, in, sizeof(in)),
			 CONSOLE_RX_BUF);
	assert_int_equal(virtio_console_receive(&x->f.d, in, 1), 0);

	/* No receive buffers yet: a flush delivers nothing. */
	virtio_console_flush_rx(&x->f.d);
	assert_int_equal(qb_used_idx(&x->f.b[CONSOLE_RX_QUEUE]), 0);

	/* The guest posts 1000 bytes of room and kicks. */
	g1 = post_rx(x, 1000);
	devfix_notify(&x->f, CONSOLE_RX_QUEUE);
	expect_rx(x, g1, in, 1000);

	/* That made room for exactly 1000 more, in order. */
	assert_int_equal(virtio_console_receive(&x->f.d, in + CONSOLE_RX_BUF,
						2000), 1000);
	g2 = post_rx(x, 8192);
	virtio_console_flush_rx(&x->f.d);
	expect_rx(x, g2, in + 1000, CONSOLE_RX_BUF);
	assert_int_equal(qb_used_idx(&x->f.b[CONSOLE_RX_QUEUE]), 2);

	/* Empty again: a posted buffer is not taken. */
	post_rx(x, 64);
	devfix_notify(&x->f, CONSOLE_RX_QUEUE);
	virtio_console_flush_rx(&x->f.d);
	assert_int_equal(qb_used_idx(&x->f.b[CONSOLE_RX_QUEUE]), 2);
	assert_false(x->f.d.broken);
}

/* Input wraps around the ring and is split over buffers, in order. */
static void test_console_receive_wraps(void **state)
{
	struct cfix *x = *state;
	uint8_t in[3000];
	uint64_t g[4];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i ^ (i >> 8));
	assert_int_equal(virtio_console_receive(&x->f.d, in, 3000), 3000);
	g[0] = post_rx(x, 3000);
	virtio_console_flush_rx(&x->f.d);
	expect_rx(x, g[0], in, 3000);
	/* The ring's tail now sits at 3000: this wraps. */
	assert_int_equal(virtio_console_receive(&x->f.d, in, 3000), 3000);
	g[1] = post_rx(x, 1000);
	g[2] = post_rx(x, 1500);
	g[3] = post_rx(x, 4096);
	virtio_console_flush_rx(&x->f.d);
	expect_rx(x, g[1], in, 1000);
	expect_rx(x, g[2], in + 1000, 1500);
	expect_rx(x, g[3], in + 2500, 500);
}

/* Before DRIVER_OK input waits; a reset keeps it for the next driver. */
static void test_console_receive_not_ready(void **state)
{
	struct cfix *x = *state;
	uint64_t g;

	x->f.d.status &= (uint8_t)~VIRTIO_STATUS_DRIVER_OK;
	g = post_rx(x, 16);
	assert_int_equal(virtio_console_receive(&x->f.d,
						(const uint8_t *)"ls\n", 3), 3);
	virtio_console_flush_rx(&x->f.d);
	assert_int_equal(qb_used_idx(&x->f.b[CONSOLE_RX_QUEUE]), 0);
	x->f.d.ops->reset(&x->f.d);
	x->f.d.status |= VIRTIO_STATUS_DRIVER_OK;
	virtio_console_flush_rx(&x->f.d);
	expect_rx(x, g, (const uint8_t *)"ls\n", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_console_create, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_console_transmit_in_order,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_receive_bounded,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_receive_wraps,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_receive_not_ready,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
