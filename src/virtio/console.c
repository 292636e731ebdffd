// SPDX-License-Identifier: MIT
/*
 * virtio-console, single port.
 *
 * Output (transmitq): every readable byte of a chain goes to out_fn in
 * order, then the chain is returned with 0 bytes written.
 *
 * Input (receiveq): host bytes wait in a small ring guarded by rx_lock,
 * because they come from any thread; the ring is drained into the
 * guest's receive buffers on the event loop (under d->lock, then
 * rx_lock), when the guest posts buffers (a kick of queue 0) or when
 * the owner calls virtio_console_flush_rx after new input. A chain is
 * popped only when there is something to put in it, so no receive
 * buffer is ever held.
 */
#include "virtio/console.h"

#include <errno.h>
#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>
#include <stdlib.h>
#include <string.h>

struct console_dev {
	console_out_fn out;
	void *out_ctx;
	pthread_mutex_t rx_lock;
	size_t rx_head;			/* oldest byte */
	size_t rx_count;
	uint8_t rx[CONSOLE_RX_BUF];
	struct virtio_console_config cfg;	/* all zero: no features */
	struct virtq_chain chain;	/* pop scratch, under d->lock */
};

/* Ring -------------------------------------------------------------------- */

/* Append up to @len bytes; returns how many fit. rx_lock held. */
static size_t rx_put(struct console_dev *c, const uint8_t *buf, size_t len)
{
	size_t space = CONSOLE_RX_BUF - c->rx_count;
	size_t n = len < space ? len : space;

	for (size_t done = 0; done < n;) {
		size_t tail = (c->rx_head + c->rx_count) % CONSOLE_RX_BUF;
		size_t chunk = CONSOLE_RX_BUF - tail;

		if (chunk > n - done)
			chunk = n - done;
		memcpy(&c->rx[tail], buf + done, chunk);
		done += chunk;
		c->rx_count += chunk;
	}
	return n;
}

/* Move up to @len bytes out of the ring to @dst. rx_lock held. */
static size_t rx_take(struct console_dev *c, uint8_t *dst, size_t len)
{
	size_t n = len < c->rx_count ? len : c->rx_count;

	for (size_t done = 0; done < n;) {
		size_t chunk = CONSOLE_RX_BUF - c->rx_head;

		if (chunk > n - done)
			chunk = n - done;
		memcpy(dst + done, &c->rx[c->rx_head], chunk);
		done += chunk;
		c->rx_head = (c->rx_head + chunk) % CONSOLE_RX_BUF;
		c->rx_count -= chunk;
	}
	return n;
}

static bool rx_empty(struct console_dev *c)
{
	bool empty;

	pthread_mutex_lock(&c->rx_lock);
	empty = !c->rx_count;
	pthread_mutex_unlock(&c->rx_lock);
	return empty;
}

/* Fill the writable buffers of @ch from the ring; bytes written. */
static uint32_t rx_fill_chain(struct console_dev *c,
			      const struct virtq_chain *ch)
{
	size_t total = 0;

	pthread_mutex_lock(&c->rx_lock);
	for (unsigned int i = ch->nr_out; i < ch->nr_out + ch->nr_in; i++) {
		size_t n = rx_take(c, ch->iov[i].iov_base, ch->iov[i].iov_len);

		total += n;
		if (n < ch->iov[i].iov_len)
			break;
	}
	pthread_mutex_unlock(&c->rx_lock);
	return (uint32_t)total;
}

/* Queues ------------------------------------------------------------------ */

/* Deliver buffered input while there is some and the guest has room. */
static void console_rx_run(struct virtio_dev *d)
{
	struct console_dev *c = d->priv;
	struct virtq *q = &d->vqs[CONSOLE_RX_QUEUE];

	if (!q->ready)
		return;
	while (!d->broken && !rx_empty(c)) {
		/* Out of buffers: the guest kicks when it adds some. */
		if (virtio_dev_pop(d, CONSOLE_RX_QUEUE, &c->chain) <= 0)
			return;
		virtio_dev_complete(d, CONSOLE_RX_QUEUE, c->chain.head,
				    rx_fill_chain(c, &c->chain));
	}
}

/* Hand guest output to out_fn, chain by chain, segment by segment. */
static void console_tx_run(struct virtio_dev *d)
{
	struct console_dev *c = d->priv;
	struct virtq *q = &d->vqs[CONSOLE_TX_QUEUE];

	if (!q->ready)
		return;
	virtq_disable_notify(q);
	while (!d->broken) {
		if (virtio_dev_pop(d, CONSOLE_TX_QUEUE, &c->chain) <= 0)
			return;
		for (unsigned int i = 0; i < c->chain.nr_out && c->out; i++)
			c->out(c->out_ctx, c->chain.iov[i].iov_base,
			       c->chain.iov[i].iov_len);
		virtio_dev_complete(d, CONSOLE_TX_QUEUE, c->chain.head, 0);
	}
}

/* Device ops -------------------------------------------------------------- */

static void console_config_read(struct virtio_dev *d, uint32_t off,
				void *buf, uint32_t len)
{
	struct console_dev *c = d->priv;

	memcpy(buf, (const uint8_t *)&c->cfg + off, len);
}

/* emerg_wr needs VIRTIO_CONSOLE_F_EMERG_WRITE, which is not offered. */
static void console_config_write(struct virtio_dev *d, uint32_t off,
				 const void *buf, uint32_t len)
{
}

static int console_activate(struct virtio_dev *d)
{
	return 0;
}

static void console_queue_notify(struct virtio_dev *d, unsigned int qi)
{
	if (qi == CONSOLE_RX_QUEUE)
		console_rx_run(d);
	else if (qi == CONSOLE_TX_QUEUE)
		console_tx_run(d);
}

/*
 * Buffered input is kept across a reset: it was typed for the guest,
 * and the next driver gets it once it posts buffers.
 */
static void console_reset(struct virtio_dev *d)
{
}

static const struct virtio_dev_ops console_ops = {
	.device_id = VIRTIO_ID_CONSOLE,
	.config_size = sizeof(struct virtio_console_config),
	.config_read = console_config_read,
	.config_write = console_config_write,
	.activate = console_activate,
	.queue_notify = console_queue_notify,
	.reset = console_reset,
};

/* API ----------------------------------------------------------------- */

int virtio_console_create(struct virtio_dev *d, console_out_fn out,
			  void *out_ctx)
{
	struct console_dev *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	err = pthread_mutex_init(&c->rx_lock, NULL);
	if (err) {
		free(c);
		return -err;
	}
	c->out = out;
	c->out_ctx = out_ctx;
	d->ops = &console_ops;
	d->host_features = VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT) |
			   VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX_BIT) |
			   VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC_BIT);
	d->nr_queues = 2;
	d->queue_max = CONSOLE_QUEUE_SIZE;
	d->priv = c;
	return 0;
}

void virtio_console_destroy(struct virtio_dev *d)
{
	struct console_dev *c = d->priv;

	if (!c || d->ops != &console_ops)
		return;
	pthread_mutex_destroy(&c->rx_lock);
	free(c);
	d->priv = NULL;
}

size_t virtio_console_receive(struct virtio_dev *d, const uint8_t *buf,
			      size_t len)
{
	struct console_dev *c = d->priv;
	size_t n;

	if (!c || d->ops != &console_ops)
		return 0;
	pthread_mutex_lock(&c->rx_lock);
	n = rx_put(c, buf, len);
	pthread_mutex_unlock(&c->rx_lock);
	return n;
}

void virtio_console_flush_rx(struct virtio_dev *d)
{
	if (!d->priv || d->ops != &console_ops)
		return;
	pthread_mutex_lock(&d->lock);
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		console_rx_run(d);
	pthread_mutex_unlock(&d->lock);
}
