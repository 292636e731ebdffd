/* SPDX-License-Identifier: MIT */
/*
 * A 16550A-compatible UART: the guest's console (COM1, ttyS0).
 *
 * Transmission is instant: a THR write goes straight to the output
 * callback, so THR and the transmitter always read as empty. Received
 * bytes wait in a bounded buffer until the guest reads RBR.
 *
 * The vCPU thread calls uart8250_io() and the console-input thread calls
 * uart8250_receive(), so all state sits behind @lock.
 */
#ifndef VMM_DEVICES_UART8250_H
#define VMM_DEVICES_UART8250_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define UART8250_NR_PORTS	8
#define UART8250_RX_SIZE	4096	/* bounds what a host flood can queue */

/* Register offsets from the base port. */
#define UART8250_RBR		0	/* read, DLAB=0: receive buffer */
#define UART8250_THR		0	/* write, DLAB=0: transmit holding */
#define UART8250_DLL		0	/* DLAB=1: divisor latch low */
#define UART8250_IER		1	/* DLAB=0: interrupt enable */
#define UART8250_DLM		1	/* DLAB=1: divisor latch high */
#define UART8250_IIR		2	/* read: interrupt identification */
#define UART8250_FCR		2	/* write: FIFO control */
#define UART8250_LCR		3	/* line control */
#define UART8250_MCR		4	/* modem control */
#define UART8250_LSR		5	/* line status */
#define UART8250_MSR		6	/* modem status */
#define UART8250_SCR		7	/* scratch */

#define UART8250_IER_ERBFI	0x01	/* received data available */
#define UART8250_IER_ETBEI	0x02	/* THR empty */
#define UART8250_IER_ELSI	0x04	/* receiver line status */
#define UART8250_IER_EDSSI	0x08	/* modem status */

#define UART8250_IIR_NO_INT	0x01
#define UART8250_IIR_MSI	0x00
#define UART8250_IIR_THRI	0x02
#define UART8250_IIR_RDI	0x04
#define UART8250_IIR_RLSI	0x06
#define UART8250_IIR_FIFO	0xc0	/* FIFOs enabled */

#define UART8250_FCR_ENABLE	0x01
#define UART8250_FCR_CLEAR_RX	0x02
#define UART8250_FCR_CLEAR_TX	0x04

#define UART8250_LCR_DLAB	0x80

#define UART8250_MCR_DTR	0x01
#define UART8250_MCR_RTS	0x02
#define UART8250_MCR_OUT1	0x04
#define UART8250_MCR_OUT2	0x08	/* gates the IRQ on PC wiring */
#define UART8250_MCR_LOOP	0x10

#define UART8250_LSR_DR		0x01
#define UART8250_LSR_OE		0x02
#define UART8250_LSR_THRE	0x20
#define UART8250_LSR_TEMT	0x40

#define UART8250_MSR_DCTS	0x01
#define UART8250_MSR_DDSR	0x02
#define UART8250_MSR_TERI	0x04
#define UART8250_MSR_DDCD	0x08
#define UART8250_MSR_CTS	0x10
#define UART8250_MSR_DSR	0x20
#define UART8250_MSR_RI		0x40
#define UART8250_MSR_DCD	0x80

/*
 * uart_out_fn - the guest transmitted @len bytes. Called on the vCPU
 * thread with the UART's lock held, so it must not call back into the
 * UART.
 */
typedef void (*uart_out_fn)(void *ctx, const uint8_t *buf, size_t len);

struct uart8250 {
	pthread_mutex_t lock;
	bool live;		/* init done, lock valid */

	unsigned int gsi;
	irq_set_fn set_irq;
	void *irq_ctx;
	uart_out_fn out;
	void *out_ctx;

	uint8_t ier;
	uint8_t lcr;
	uint8_t mcr;
	uint8_t fcr;
	uint8_t scr;
	uint8_t dll;
	uint8_t dlm;
	uint8_t lsr_err;	/* sticky OE, cleared by reading LSR */
	uint8_t msr_delta;	/* MSR bits 3:0, cleared by reading MSR */
	bool thri;		/* THR-empty interrupt pending */
	int irq_level;		/* last level given to set_irq */

	uint8_t rx[UART8250_RX_SIZE];
	size_t rx_head;
	size_t rx_len;
};

/*
 * uart8250_init - reset @u to power-on state. Interrupts go to @gsi
 * through @set_irq and transmitted bytes to @out; either callback may be
 * NULL (line not wired, output discarded). Both are called with the
 * UART's lock held. Returns 0 or -errno if the lock can't be created.
 */
int uart8250_init(struct uart8250 *u, unsigned int gsi, irq_set_fn set_irq,
		  void *irq_ctx, uart_out_fn out, void *out_ctx);

/* uart8250_exit - release @u's lock. Harmless on a UART never inited. */
void uart8250_exit(struct uart8250 *u);

/*
 * uart8250_io - bus_fn for the 8 ports; @ctx is the struct uart8250.
 * Only 1-byte accesses are decoded: others read 0xff, write nothing and
 * return 0. An offset past the 8 ports returns -EINVAL.
 */
int uart8250_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		bool is_write);

/*
 * uart8250_receive - queue host bytes for the guest to read. Any thread.
 * Returns how many of @len were accepted: fewer when the receive buffer
 * fills, and 0 while the guest has the UART in loopback (the receiver is
 * disconnected from the line then). The caller keeps the rest and
 * retries later.
 */
size_t uart8250_receive(struct uart8250 *u, const uint8_t *buf, size_t len);

/* uart8250_rx_space - how many bytes uart8250_receive would take now. */
size_t uart8250_rx_space(struct uart8250 *u);

#endif
