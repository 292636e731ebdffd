// SPDX-License-Identifier: MIT
/*
 * 16550A UART at COM1 (0x3f8, IRQ 4): the guest's console.
 *
 * Linux's 8250 driver finds it at the legacy address, identifies it by
 * autoconfig (IER read-back, loopback MSR check, FIFO bits in IIR, the
 * scratch register) and then runs it interrupt-driven: "console=ttyS0"
 * output, and the shell's input once userspace opens the tty. Only the
 * behaviour that driver observes is modelled; baud rate, word length and
 * the FIFO trigger levels are stored or ignored because bytes move
 * instantly.
 */
#include "devices/uart8250.h"

#include <errno.h>
#include <string.h>

/* Divisor 12 = 9600 baud, what a PC BIOS leaves behind. */
#define UART_RESET_DLL		12

#define UART_IER_MASK		0x0f	/* upper bits read 0 on a 16550A */
#define UART_MCR_MASK		0x1f

static bool uart_loopback(const struct uart8250 *u)
{
	return u->mcr & UART8250_MCR_LOOP;
}

/*
 * uart_msr_status - the modem input lines (MSR bits 7:4). In loopback
 * they are wired to the MCR outputs; otherwise a modem is "attached" and
 * ready, so a guest waiting on carrier or CTS never stalls.
 */
static uint8_t uart_msr_status(const struct uart8250 *u)
{
	uint8_t m = u->mcr;
	uint8_t s = 0;

	if (!uart_loopback(u))
		return UART8250_MSR_DCD | UART8250_MSR_DSR | UART8250_MSR_CTS;
	if (m & UART8250_MCR_DTR)
		s |= UART8250_MSR_DSR;
	if (m & UART8250_MCR_RTS)
		s |= UART8250_MSR_CTS;
	if (m & UART8250_MCR_OUT1)
		s |= UART8250_MSR_RI;
	if (m & UART8250_MCR_OUT2)
		s |= UART8250_MSR_DCD;
	return s;
}

/* uart_iir_id - the highest-priority pending source, as IIR bits 3:0. */
static uint8_t uart_iir_id(const struct uart8250 *u)
{
	if ((u->ier & UART8250_IER_ELSI) && u->lsr_err)
		return UART8250_IIR_RLSI;
	if ((u->ier & UART8250_IER_ERBFI) && u->rx_len)
		return UART8250_IIR_RDI;
	if ((u->ier & UART8250_IER_ETBEI) && u->thri)
		return UART8250_IIR_THRI;
	if ((u->ier & UART8250_IER_EDSSI) && u->msr_delta)
		return UART8250_IIR_MSI;
	return UART8250_IIR_NO_INT;
}

/*
 * uart_update_irq - drive the line from the current state. On PC wiring
 * the interrupt reaches the PIC only through OUT2, and loopback forces
 * the OUT pins inactive, so both gate it. set_irq is called only on a
 * change: every register access ends here and most change nothing.
 */
static void uart_update_irq(struct uart8250 *u)
{
	int level = uart_iir_id(u) != UART8250_IIR_NO_INT &&
		    (u->mcr & UART8250_MCR_OUT2) && !uart_loopback(u);

	if (level == u->irq_level)
		return;
	u->irq_level = level;
	if (u->set_irq)
		u->set_irq(u->irq_ctx, u->gsi, level);
}

/* uart_rx_push - queue one byte; false (and nothing queued) when full. */
static bool uart_rx_push(struct uart8250 *u, uint8_t b)
{
	if (u->rx_len == UART8250_RX_SIZE)
		return false;
	u->rx[(u->rx_head + u->rx_len) % UART8250_RX_SIZE] = b;
	u->rx_len++;
	return true;
}

/* uart_rx_pop - the oldest received byte, or 0 when there is none. */
static uint8_t uart_rx_pop(struct uart8250 *u)
{
	uint8_t b;

	if (!u->rx_len)
		return 0;
	b = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART8250_RX_SIZE;
	u->rx_len--;
	return b;
}

static void uart_rx_clear(struct uart8250 *u)
{
	u->rx_head = 0;
	u->rx_len = 0;
}

/*
 * uart_write_thr - transmit one byte. In loopback it lands in our own
 * receiver (a full receiver is an overrun, as on hardware); otherwise it
 * goes out at once so no output is ever lost. Writing THR clears the
 * THRE interrupt, but the byte is gone immediately, so THR is empty
 * again and the interrupt re-arms: Linux's tx path writes a FIFO-load
 * per THRE interrupt and relies on the next one to continue.
 */
static void uart_write_thr(struct uart8250 *u, uint8_t v)
{
	if (uart_loopback(u)) {
		if (!uart_rx_push(u, v))
			u->lsr_err |= UART8250_LSR_OE;
	} else if (u->out) {
		u->out(u->out_ctx, &v, 1);
	}
	u->thri = true;
}

/*
 * uart_write_ier - a 16550 raises THRE again whenever ETBEI goes 0->1
 * with THR empty (always, here). Linux's startup "THRE test" toggles
 * ETBEI and expects exactly that, and its start_tx depends on it.
 */
static void uart_write_ier(struct uart8250 *u, uint8_t v)
{
	uint8_t old = u->ier;

	u->ier = v & UART_IER_MASK;
	if (!(old & UART8250_IER_ETBEI) && (u->ier & UART8250_IER_ETBEI))
		u->thri = true;
	else if (!(u->ier & UART8250_IER_ETBEI))
		u->thri = false;
}

/*
 * uart_write_fcr - FIFO control. Toggling the FIFO enable bit empties
 * the FIFOs on a 16550A, like the explicit clear bits. Transmission is
 * instant, so clearing the tx FIFO has nothing to do.
 */
static void uart_write_fcr(struct uart8250 *u, uint8_t v)
{
	if ((v ^ u->fcr) & UART8250_FCR_ENABLE)
		v |= UART8250_FCR_CLEAR_RX;
	if (v & UART8250_FCR_CLEAR_RX)
		uart_rx_clear(u);
	/* The clear bits self-reset; keep enable and trigger level only. */
	u->fcr = v & ~(UART8250_FCR_CLEAR_RX | UART8250_FCR_CLEAR_TX);
}

/*
 * uart_write_mcr - entering or leaving loopback (or changing the outputs
 * while in it) changes the modem inputs; record the delta bits the way
 * hardware would so MSR reads and modem-status interrupts stay coherent.
 */
static void uart_write_mcr(struct uart8250 *u, uint8_t v)
{
	uint8_t before = uart_msr_status(u);
	uint8_t after, changed;

	u->mcr = v & UART_MCR_MASK;
	after = uart_msr_status(u);
	changed = before ^ after;
	if (changed & UART8250_MSR_CTS)
		u->msr_delta |= UART8250_MSR_DCTS;
	if (changed & UART8250_MSR_DSR)
		u->msr_delta |= UART8250_MSR_DDSR;
	if (changed & UART8250_MSR_DCD)
		u->msr_delta |= UART8250_MSR_DDCD;
	/* TERI flags only the trailing edge of RI. */
	if ((before & UART8250_MSR_RI) && !(after & UART8250_MSR_RI))
		u->msr_delta |= UART8250_MSR_TERI;
}

static void uart_write(struct uart8250 *u, unsigned int off, uint8_t v)
{
	bool dlab = u->lcr & UART8250_LCR_DLAB;

	switch (off) {
	case UART8250_THR:
		if (dlab)
			u->dll = v;
		else
			uart_write_thr(u, v);
		break;
	case UART8250_IER:
		if (dlab)
			u->dlm = v;
		else
			uart_write_ier(u, v);
		break;
	case UART8250_FCR:
		uart_write_fcr(u, v);
		break;
	case UART8250_LCR:
		u->lcr = v;
		break;
	case UART8250_MCR:
		uart_write_mcr(u, v);
		break;
	case UART8250_SCR:
		u->scr = v;
		break;
	default:
		/* LSR and MSR are read-only (factory test on writes). */
		break;
	}
}

/* uart_read_iir - reading IIR acknowledges a THRE interrupt it reports. */
static uint8_t uart_read_iir(struct uart8250 *u)
{
	uint8_t id = uart_iir_id(u);

	if (id == UART8250_IIR_THRI)
		u->thri = false;
	if (u->fcr & UART8250_FCR_ENABLE)
		id |= UART8250_IIR_FIFO;
	return id;
}

/* uart_read_lsr - THR and the transmitter are always empty. */
static uint8_t uart_read_lsr(struct uart8250 *u)
{
	uint8_t v = UART8250_LSR_THRE | UART8250_LSR_TEMT | u->lsr_err;

	if (u->rx_len)
		v |= UART8250_LSR_DR;
	u->lsr_err = 0;
	return v;
}

static uint8_t uart_read_msr(struct uart8250 *u)
{
	uint8_t v = uart_msr_status(u) | u->msr_delta;

	u->msr_delta = 0;
	return v;
}

static uint8_t uart_read(struct uart8250 *u, unsigned int off)
{
	bool dlab = u->lcr & UART8250_LCR_DLAB;

	switch (off) {
	case UART8250_RBR:
		return dlab ? u->dll : uart_rx_pop(u);
	case UART8250_IER:
		return dlab ? u->dlm : u->ier;
	case UART8250_IIR:
		return uart_read_iir(u);
	case UART8250_LCR:
		return u->lcr;
	case UART8250_MCR:
		return u->mcr;
	case UART8250_LSR:
		return uart_read_lsr(u);
	case UART8250_MSR:
		return uart_read_msr(u);
	default:
		return u->scr;
	}
}

int uart8250_init(struct uart8250 *u, unsigned int gsi, irq_set_fn set_irq,
		  void *irq_ctx, uart_out_fn out, void *out_ctx)
{
	int err;

	if (!u)
		return -EINVAL;
	memset(u, 0, sizeof(*u));
	err = pthread_mutex_init(&u->lock, NULL);
	if (err)
		return -err;
	u->live = true;
	u->gsi = gsi;
	u->set_irq = set_irq;
	u->irq_ctx = irq_ctx;
	u->out = out;
	u->out_ctx = out_ctx;
	u->dll = UART_RESET_DLL;
	/* The line starts deasserted, as KVM's does: nothing to signal. */
	return 0;
}

void uart8250_exit(struct uart8250 *u)
{
	if (!u || !u->live)
		return;
	pthread_mutex_destroy(&u->lock);
	u->live = false;
}

int uart8250_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		bool is_write)
{
	struct uart8250 *u = ctx;

	if (offset >= UART8250_NR_PORTS || len != 1) {
		/* A bus reads 0xff where nothing decodes the access. */
		if (!is_write)
			memset(data, 0xff, len);
		return offset >= UART8250_NR_PORTS ? -EINVAL : 0;
	}
	pthread_mutex_lock(&u->lock);
	if (is_write)
		uart_write(u, (unsigned int)offset, data[0]);
	else
		data[0] = uart_read(u, (unsigned int)offset);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

size_t uart8250_receive(struct uart8250 *u, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	pthread_mutex_lock(&u->lock);
	if (!uart_loopback(u)) {
		while (n < len && uart_rx_push(u, buf[n]))
			n++;
	}
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return n;
}

size_t uart8250_rx_space(struct uart8250 *u)
{
	size_t n;

	pthread_mutex_lock(&u->lock);
	n = uart_loopback(u) ? 0 : UART8250_RX_SIZE - u->rx_len;
	pthread_mutex_unlock(&u->lock);
	return n;
}
