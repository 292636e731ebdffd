// SPDX-License-Identifier: MIT
/*
 * The 16550A as Linux's 8250 driver sees it: reset state, transmit,
 * divisor latch, interrupt identification and the line, receive and its
 * bound, loopback, and hostile accesses.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "devices/uart8250.h"

struct probe {
	unsigned int gsi;
	int level;
	int irq_calls;
	uint8_t out[64];
	size_t out_len;
	int out_calls;
	struct uart8250 u;
};

static void probe_irq(void *ctx, unsigned int gsi, int level)
{
	struct probe *p = ctx;

	p->gsi = gsi;
	p->level = level;
	p->irq_calls++;
}

static void probe_out(void *ctx, const uint8_t *buf, size_t len)
{
	struct probe *p = ctx;

	p->out_calls++;
	for (size_t i = 0; i < len && p->out_len < sizeof(p->out); i++)
		p->out[p->out_len++] = buf[i];
}

static int setup(void **state)
{
	static struct probe p;

	memset(&p, 0, sizeof(p));
	if (uart8250_init(&p.u, 4, probe_irq, &p, probe_out, &p))
		return -1;
	*state = &p;
	return 0;
}

static int teardown(void **state)
{
	struct probe *p = *state;

	uart8250_exit(&p->u);
	return 0;
}

static uint8_t rd(struct probe *p, unsigned int off)
{
	uint8_t v = 0x5a;

	assert_int_equal(uart8250_io(&p->u, off, &v, 1, false), 0);
	return v;
}

static void wr(struct probe *p, unsigned int off, uint8_t v)
{
	assert_int_equal(uart8250_io(&p->u, off, &v, 1, true), 0);
}

static void test_reset_state(void **state)
{
	struct probe *p = *state;

	assert_int_equal(rd(p, 5), 0x60);	/* LSR: THRE | TEMT */
	assert_int_equal(rd(p, 2), 0x01);	/* IIR: nothing pending */
	assert_int_equal(rd(p, 1), 0x00);	/* IER */
	assert_int_equal(rd(p, 3), 0x00);	/* LCR */
	assert_int_equal(rd(p, 4), 0x00);	/* MCR */
	assert_int_equal(rd(p, 6), 0xb0);	/* MSR: DCD | DSR | CTS */
	assert_int_equal(rd(p, 0), 0x00);	/* RBR: empty */
	assert_int_equal(p->irq_calls, 0);
	assert_int_equal(p->out_calls, 0);
}

static void test_thr_transmits(void **state)
{
	struct probe *p = *state;

	wr(p, 0, 'A');
	assert_int_equal(p->out_calls, 1);
	assert_int_equal(p->out_len, 1);
	assert_int_equal(p->out[0], 'A');
	wr(p, 0, 0x00);
	wr(p, 0, 0xff);
	assert_int_equal(p->out_len, 3);
	assert_int_equal(p->out[1], 0x00);
	assert_int_equal(p->out[2], 0xff);
	assert_int_equal(rd(p, 5), 0x60);
}

static void test_divisor_latch(void **state)
{
	struct probe *p = *state;

	wr(p, 1, 0x05);				/* IER before DLAB */
	wr(p, 3, 0x83);				/* DLAB, 8N1 */
	assert_int_equal(rd(p, 3), 0x83);
	wr(p, 0, 0x01);				/* DLL: 115200 baud */
	wr(p, 1, 0x02);				/* DLM */
	assert_int_equal(rd(p, 0), 0x01);
	assert_int_equal(rd(p, 1), 0x02);
	assert_int_equal(p->out_calls, 0);	/* DLL write is no THR */
	wr(p, 3, 0x03);
	assert_int_equal(rd(p, 1), 0x05);	/* IER untouched by DLM */
	wr(p, 0, 'x');
	assert_int_equal(p->out_len, 1);
	assert_int_equal(p->out[0], 'x');
	wr(p, 3, 0x80);
	assert_int_equal(rd(p, 0), 0x01);	/* latch kept */
	assert_int_equal(rd(p, 1), 0x02);
}

static void test_scratch(void **state)
{
	struct probe *p = *state;

	wr(p, 7, 0xa5);
	assert_int_equal(rd(p, 7), 0xa5);
	wr(p, 7, 0x5a);
	assert_int_equal(rd(p, 7), 0x5a);
	assert_int_equal(p->out_calls, 0);
}

static void test_ier_upper_bits_read_zero(void **state)
{
	struct probe *p = *state;

	/* Linux's XScale check writes bit 6 and must not read it back. */
	wr(p, 1, 0xff);
	assert_int_equal(rd(p, 1), 0x0f);
	wr(p, 1, 0x00);
	assert_int_equal(rd(p, 1), 0x00);
}

static void test_thre_interrupt(void **state)
{
	struct probe *p = *state;

	wr(p, 4, 0x08);				/* OUT2 */
	assert_int_equal(p->irq_calls, 0);
	wr(p, 1, 0x02);				/* ETBEI */
	assert_int_equal(p->irq_calls, 1);
	assert_int_equal(p->gsi, 4);
	assert_int_equal(p->level, 1);
	assert_int_equal(rd(p, 2), 0x02);	/* IIR: THRE, now acked */
	assert_int_equal(p->level, 0);
	assert_int_equal(p->irq_calls, 2);
	assert_int_equal(rd(p, 2), 0x01);
	assert_int_equal(p->irq_calls, 2);	/* no redundant set_irq */

	/* The byte leaves at once, THR is empty again: re-armed. */
	wr(p, 0, 'a');
	assert_int_equal(p->level, 1);
	assert_int_equal(p->out[0], 'a');
	assert_int_equal(rd(p, 2), 0x02);
	assert_int_equal(p->level, 0);
}

static void test_thre_rearm_on_etbei(void **state)
{
	struct probe *p = *state;

	/* Linux's startup "THRE test": ETBEI on, read IIR, off, on, read. */
	wr(p, 4, 0x0b);				/* DTR | RTS | OUT2 */
	wr(p, 1, 0x02);
	assert_int_equal(rd(p, 2), 0x02);
	wr(p, 1, 0x00);
	assert_int_equal(rd(p, 2), 0x01);
	wr(p, 1, 0x02);
	assert_int_equal(p->level, 1);
	assert_int_equal(rd(p, 2), 0x02);
	/* ETBEI staying 1 does not re-arm. */
	wr(p, 1, 0x02);
	assert_int_equal(rd(p, 2), 0x01);
	assert_int_equal(p->level, 0);
}

static void test_out2_gates_line(void **state)
{
	struct probe *p = *state;

	wr(p, 1, 0x02);
	assert_int_equal(p->irq_calls, 0);	/* pending but gated */
	wr(p, 4, 0x08);
	assert_int_equal(p->level, 1);
	assert_int_equal(p->irq_calls, 1);
	wr(p, 4, 0x00);
	assert_int_equal(p->level, 0);
	assert_int_equal(rd(p, 2), 0x02);	/* still identified */
}

static void test_receive_interrupt(void **state)
{
	struct probe *p = *state;

	wr(p, 4, 0x08);
	wr(p, 1, 0x01);				/* ERBFI */
	assert_int_equal(p->irq_calls, 0);
	assert_int_equal(uart8250_receive(&p->u, (const uint8_t *)"hi", 2), 2);
	assert_int_equal(p->level, 1);
	assert_int_equal(rd(p, 5), 0x61);	/* DR | THRE | TEMT */
	assert_int_equal(rd(p, 2), 0x04);
	assert_int_equal(p->level, 1);		/* IIR read doesn't ack rx */
	wr(p, 2, 0x01);				/* FIFOs on: clears rx */
	assert_int_equal(rd(p, 5), 0x60);
	assert_int_equal(p->level, 0);
	assert_int_equal(uart8250_receive(&p->u, (const uint8_t *)"hi", 2), 2);
	assert_int_equal(rd(p, 2), 0xc4);
	assert_int_equal(rd(p, 0), 'h');
	assert_int_equal(p->level, 1);
	assert_int_equal(rd(p, 0), 'i');
	assert_int_equal(p->level, 0);
	assert_int_equal(rd(p, 5), 0x60);
	assert_int_equal(rd(p, 2), 0xc1);
}

static void test_iir_priority(void **state)
{
	struct probe *p = *state;

	wr(p, 4, 0x08);
	wr(p, 1, 0x03);				/* ERBFI | ETBEI */
	assert_int_equal(uart8250_receive(&p->u, (const uint8_t *)"x", 1), 1);
	assert_int_equal(rd(p, 2), 0x04);	/* rx beats THRE */
	assert_int_equal(rd(p, 2), 0x04);	/* and THRE not acked */
	assert_int_equal(rd(p, 0), 'x');
	assert_int_equal(p->level, 1);
	assert_int_equal(rd(p, 2), 0x02);
	assert_int_equal(p->level, 0);
}

static void test_fcr_clears_rx(void **state)
{
	struct probe *p = *state;

	wr(p, 2, 0x01);
	assert_int_equal(uart8250_receive(&p->u, (const uint8_t *)"abc", 3), 3);
	wr(p, 2, 0x07);				/* clear rx and tx, keep FIFO */
	assert_int_equal(rd(p, 5), 0x60);
	assert_int_equal(rd(p, 2), 0xc1);
	wr(p, 2, 0x00);				/* FIFOs off */
	assert_int_equal(rd(p, 2), 0x01);
}

static void test_rx_bound(void **state)
{
	struct probe *p = *state;
	static uint8_t big[UART8250_RX_SIZE + 904];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	assert_int_equal(uart8250_rx_space(&p->u), 4096);
	assert_int_equal(uart8250_receive(&p->u, big, sizeof(big)), 4096);
	assert_int_equal(uart8250_rx_space(&p->u), 0);
	assert_int_equal(uart8250_receive(&p->u, big, 1), 0);
	assert_int_equal(rd(p, 0), 0x00);
	assert_int_equal(rd(p, 0), 0x01);
	assert_int_equal(uart8250_rx_space(&p->u), 2);
	assert_int_equal(uart8250_receive(&p->u, big + 100, 5), 2);
	for (size_t i = 2; i < 4096; i++)
		assert_int_equal(rd(p, 0), (uint8_t)i);
	assert_int_equal(rd(p, 0), 100);	/* wrapped around the ring */
	assert_int_equal(rd(p, 0), 101);
	assert_int_equal(rd(p, 5), 0x60);
	assert_int_equal(uart8250_rx_space(&p->u), 4096);
}

static void test_loopback(void **state)
{
	struct probe *p = *state;

	/* Linux autoconfig: LOOP | OUT2 | RTS must read DCD | CTS. */
	wr(p, 4, 0x1a);
	assert_int_equal(rd(p, 6) & 0xf0, 0x90);
	wr(p, 0, 'Z');
	assert_int_equal(p->out_calls, 0);
	assert_int_equal(rd(p, 5), 0x61);
	assert_int_equal(rd(p, 0), 'Z');
	assert_int_equal(rd(p, 5), 0x60);

	wr(p, 4, 0x1f);				/* DTR RTS OUT1 OUT2 */
	assert_int_equal(rd(p, 6), 0xf2);	/* all lines, DDSR */
	assert_int_equal(rd(p, 6), 0xf0);	/* deltas cleared by read */
	wr(p, 4, 0x10);
	assert_int_equal(rd(p, 6), 0x0f);	/* all dropped, TERI too */

	/* The receiver is off the line: host input waits. */
	assert_int_equal(uart8250_rx_space(&p->u), 0);
	assert_int_equal(uart8250_receive(&p->u, (const uint8_t *)"q", 1), 0);

	wr(p, 4, 0x00);
	assert_int_equal(rd(p, 6), 0xbb);	/* DCD DSR CTS + DDCD DDSR DCTS */
	assert_int_equal(uart8250_rx_space(&p->u), 4096);
	wr(p, 0, 'y');
	assert_int_equal(p->out_calls, 1);
	assert_int_equal(p->out[0], 'y');
	assert_int_equal(rd(p, 5), 0x60);
}

static void test_loopback_overrun(void **state)
{
	struct probe *p = *state;

	wr(p, 4, 0x10);
	wr(p, 1, 0x04);				/* ELSI */
	for (unsigned int i = 0; i < UART8250_RX_SIZE; i++)
		wr(p, 0, (uint8_t)i);
	assert_int_equal(rd(p, 2), 0x01);
	wr(p, 0, 0xee);				/* one too many */
	assert_int_equal(rd(p, 2), 0x06);
	assert_int_equal(rd(p, 5), 0x63);	/* DR | OE | THRE | TEMT */
	assert_int_equal(rd(p, 5), 0x61);	/* OE cleared by the read */
	assert_int_equal(rd(p, 2), 0x01);
	assert_int_equal(rd(p, 0), 0x00);	/* the overflow byte is lost */
	assert_int_equal(p->out_calls, 0);
	assert_int_equal(p->irq_calls, 0);	/* loopback gates the line */
}

static void test_modem_status_interrupt(void **state)
{
	struct probe *p = *state;

	wr(p, 1, 0x08);				/* EDSSI */
	wr(p, 4, 0x18);				/* LOOP | OUT2 */
	assert_int_equal(rd(p, 2), 0x00);	/* modem status */
	assert_int_equal(rd(p, 6), 0x83);	/* DCD + DDSR DCTS */
	assert_int_equal(rd(p, 2), 0x01);
}

static void test_bad_width(void **state)
{
	struct probe *p = *state;
	uint8_t buf[4];

	wr(p, 7, 0x11);
	memset(buf, 0x00, sizeof(buf));
	assert_int_equal(uart8250_io(&p->u, 0, buf, 2, false), 0);
	assert_int_equal(buf[0], 0xff);
	assert_int_equal(buf[1], 0xff);
	memset(buf, 'w', sizeof(buf));
	assert_int_equal(uart8250_io(&p->u, 0, buf, 2, true), 0);
	assert_int_equal(uart8250_io(&p->u, 7, buf, 2, true), 0);
	assert_int_equal(uart8250_io(&p->u, 4, buf, 4, true), 0);
	assert_int_equal(uart8250_io(&p->u, 0, buf, 0, true), 0);
	assert_int_equal(p->out_calls, 0);
	assert_int_equal(rd(p, 7), 0x11);
	assert_int_equal(rd(p, 4), 0x00);
	assert_int_equal(p->irq_calls, 0);
}

static void test_bad_offset(void **state)
{
	struct probe *p = *state;
	uint64_t offs[] = { 8, 9, 0xff, UINT64_MAX };

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		uint8_t v = 0;

		assert_int_equal(uart8250_io(&p->u, offs[i], &v, 1, false),
				 -EINVAL);
		assert_int_equal(v, 0xff);
		v = 'k';
		assert_int_equal(uart8250_io(&p->u, offs[i], &v, 1, true),
				 -EINVAL);
	}
	assert_int_equal(p->out_calls, 0);
	assert_int_equal(rd(p, 5), 0x60);
	assert_int_equal(rd(p, 7), 0x00);
}

struct feeder {
	struct uart8250 *u;
	size_t total;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	size_t sent = 0;

	while (sent < f->total) {
		uint8_t chunk[37];
		size_t n = 0;

		for (; n < sizeof(chunk) && sent + n < f->total; n++)
			chunk[n] = (uint8_t)((sent + n) % 251);
		sent += uart8250_receive(f->u, chunk, n);
	}
	return NULL;
}

static void test_concurrent_receive(void **state)
{
	struct probe *p = *state;
	struct feeder f = { .u = &p->u, .total = 200000 };
	pthread_t t;
	size_t got = 0;

	assert_int_equal(pthread_create(&t, NULL, feed, &f), 0);
	while (got < f.total) {
		if (!(rd(p, 5) & 0x01))
			continue;
		assert_int_equal(rd(p, 0), (uint8_t)(got % 251));
		got++;
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(rd(p, 5), 0x60);
}

static void test_exit_twice(void **state)
{
	struct uart8250 u;

	(void)state;
	memset(&u, 0, sizeof(u));
	uart8250_exit(&u);			/* never inited: no-op */
	assert_int_equal(uart8250_init(&u, 4, NULL, NULL, NULL, NULL), 0);
	/* No callbacks wired: transmit and interrupts go nowhere. */
	{
		uint8_t v = 0x08;

		assert_int_equal(uart8250_io(&u, 4, &v, 1, true), 0);
		v = 0x02;
		assert_int_equal(uart8250_io(&u, 1, &v, 1, true), 0);
		v = 'n';
		assert_int_equal(uart8250_io(&u, 0, &v, 1, true), 0);
	}
	uart8250_exit(&u);
	uart8250_exit(&u);
	assert_int_equal(uart8250_init(NULL, 4, NULL, NULL, NULL, NULL),
			 -EINVAL);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_reset_state),
		T(test_thr_transmits),
		T(test_divisor_latch),
		T(test_scratch),
		T(test_ier_upper_bits_read_zero),
		T(test_thre_interrupt),
		T(test_thre_rearm_on_etbei),
		T(test_out2_gates_line),
		T(test_receive_interrupt),
		T(test_iir_priority),
		T(test_fcr_clears_rx),
		T(test_rx_bound),
		T(test_loopback),
		T(test_loopback_overrun),
		T(test_modem_status_interrupt),
		T(test_bad_width),
		T(test_bad_offset),
		T(test_concurrent_receive),
		cmocka_unit_test(test_exit_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
