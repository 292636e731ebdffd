// SPDX-License-Identifier: MIT
/*
 * virtio-net on a tap. Locking: queue_notify runs with d->lock held (the
 * event loop takes it); I/O completions run on the loop thread and take
 * d->lock themselves. A generation counter, bumped by reset, tells a
 * completion whether its chain still belongs to the driver's session.
 */
#include "virtio/net.h"

#include <endian.h>
#include <errno.h>
#include <linux/if_tun.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct net_dev;

struct net_tx_slot {
	struct ev_req req;
	struct net_dev *n;
	unsigned int pair;
	uint16_t head;
	uint32_t gen;
	struct iovec iov[NET_TX_SEGS];
	unsigned int nr;
};

struct net_pair {
	struct net_dev *n;
	unsigned int idx;		/* which pair */
	int fd;				/* tap queue, or -1 */
	/* tx */
	struct net_tx_slot slots[NET_TX_SLOTS];
	unsigned int free[NET_TX_SLOTS];
	unsigned int nr_free;
	bool tx_stalled;		/* chains left: no free slot */
	bool tx_err_logged;
	/* rx */
	struct ev_req rx_req;
	uint32_t rx_gen;
	bool rx_busy;			/* a readv is in flight */
	bool rx_dead;			/* the tap failed: no more reads */
	size_t rx_len;			/* a frame waiting in rx_buf, or 0 */
	struct iovec rx_iov;
	uint8_t *rx_buf;		/* NET_HDR_LEN + NET_MAX_FRAME */
	struct virtq_chain stash[NET_RX_STASH];	/* popped for rx_len */
	unsigned int nr_stash;
	uint64_t rx_dropped;
};

struct net_dev {
	struct virtio_dev *d;
	struct dev_io io;
	int (*set_offload)(int fd, unsigned int tun_flags);
	unsigned int nr_pairs;
	uint8_t mac[6];
	uint16_t status;		/* VIRTIO_NET_S_LINK_UP or 0 */
	uint32_t gen;
	struct virtq_chain chain;	/* pop scratch (tx, ctrl) */
	struct net_pair p[NET_MAX_PAIRS];
};

/* A line in the VMM's log, naming the device ("virtio-net0: ..."). */
__attribute__((format(printf, 2, 3)))
static void net_log(struct net_dev *n, const char *fmt, ...)
{
	char msg[256];
	int k = snprintf(msg, sizeof(msg), "%s: ", n->d->name ? n->d->name : "virtio-net");
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg + k, sizeof(msg) - (size_t)k, fmt, ap);
	va_end(ap);
	if (n->d->log)
		n->d->log(n->d->log_ctx, msg);
}

/* Feature map between the guest's offloads and the tap's. */
static const struct {
	unsigned int feature;
	unsigned int tun;
} net_offloads[] = {
	{ VIRTIO_NET_F_GUEST_CSUM, TUN_F_CSUM },
	{ VIRTIO_NET_F_GUEST_TSO4, TUN_F_TSO4 },
	{ VIRTIO_NET_F_GUEST_TSO6, TUN_F_TSO6 },
	{ VIRTIO_NET_F_GUEST_ECN, TUN_F_TSO_ECN },
	{ VIRTIO_NET_F_GUEST_UFO, TUN_F_UFO },
};

uint64_t net_guest_features(unsigned int tun_flags)
{
	uint64_t f = 0;

	/* Segmentation offloads need checksum offload underneath. */
	if (!(tun_flags & TUN_F_CSUM))
		return 0;
	for (size_t i = 0; i < sizeof(net_offloads) / sizeof(net_offloads[0]); i++)
		if (tun_flags & net_offloads[i].tun)
			f |= 1ULL << net_offloads[i].feature;
	if (!(tun_flags & (TUN_F_TSO4 | TUN_F_TSO6)))
		f &= ~(1ULL << VIRTIO_NET_F_GUEST_ECN);
	return f;
}

unsigned int net_tun_flags(uint64_t features)
{
	unsigned int t = 0;

	if (!(features & (1ULL << VIRTIO_NET_F_GUEST_CSUM)))
		return 0;
	for (size_t i = 0; i < sizeof(net_offloads) / sizeof(net_offloads[0]); i++)
		if (features & (1ULL << net_offloads[i].feature))
			t |= net_offloads[i].tun;
	return t;
}

static unsigned int net_rxq(unsigned int pair) { return 2 * pair; }
static unsigned int net_txq(unsigned int pair) { return 2 * pair + 1; }

static bool net_mrg(const struct net_dev *n)
{
	return virtio_dev_has(n->d, VIRTIO_NET_F_MRG_RXBUF);
}

/* TX ------------------------------------------------------------------ */

static void net_tx_run(struct net_dev *n, unsigned int pair);

static void net_tx_done(struct ev_req *req, int res)
{
	struct net_tx_slot *s = container_of(req, struct net_tx_slot, req);
	struct net_dev *n = s->n;
	struct net_pair *p = &n->p[s->pair];

	pthread_mutex_lock(&n->d->lock);
	if (res < 0 && !p->tx_err_logged) {
		p->tx_err_logged = true;
		net_log(n, "tap write failed on queue %u (%s); dropping its packets",
			net_txq(s->pair), strerror(-res));
	}
	/* The frame was sent or dropped: either way the buffer is done. */
	if (s->gen == n->gen && !n->d->broken)
		virtio_dev_complete(n->d, net_txq(s->pair), s->head, 0);
	p->free[p->nr_free++] = (unsigned int)(s - p->slots);
	if (s->gen == n->gen && p->tx_stalled)
		net_tx_run(n, s->pair);
	pthread_mutex_unlock(&n->d->lock);
}

/*
 * One tx chain: header + frame, all readable. A chain shorter than the
 * header, or with writable parts, breaks the rules: NEEDS_RESET. Returns
 * false when the device broke.
 */
static bool net_tx_one(struct net_dev *n, unsigned int pair,
		       const struct virtq_chain *c)
{
	struct net_pair *p = &n->p[pair];
	struct net_tx_slot *s;

	if (c->nr_in || c->out_len < NET_HDR_LEN) {
		virtio_dev_needs_reset(n->d, "tx queue %u: chain %u is %s",
				       net_txq(pair), c->head,
				       c->nr_in ? "writable" : "shorter than the header");
		return false;
	}
	if (p->fd < 0 || c->nr_out > NET_TX_SEGS) {
		/* No backend, or more pieces than any driver makes: drop. */
		virtio_dev_complete(n->d, net_txq(pair), c->head, 0);
		return true;
	}
	s = &p->slots[p->free[--p->nr_free]];
	s->head = c->head;
	s->gen = n->gen;
	s->nr = c->nr_out;
	memcpy(s->iov, c->iov, c->nr_out * sizeof(c->iov[0]));
	if (n->io.writev(n->io.ctx, p->fd, s->iov, s->nr, (uint64_t)-1, &s->req)) {
		p->free[p->nr_free++] = (unsigned int)(s - p->slots);
		virtio_dev_complete(n->d, net_txq(pair), c->head, 0);
	}
	return true;
}

/* Drain the tx ring while slots are free. d->lock held. */
static void net_tx_run(struct net_dev *n, unsigned int pair)
{
	struct net_pair *p = &n->p[pair];
	unsigned int qi = net_txq(pair);

	p->tx_stalled = false;
	virtq_disable_notify(&n->d->vqs[qi]);
	while (!n->d->broken) {
		if (!p->nr_free) {
			p->tx_stalled = true;	/* a completion resumes us */
			return;
		}
		if (virtio_dev_pop(n->d, qi, &n->chain) <= 0)
			return;
		if (!net_tx_one(n, pair, &n->chain))
			return;
	}
}

/* RX ------------------------------------------------------------------ */

static void net_rx_submit(struct net_dev *n, unsigned int pair);

/* Copy @len bytes from @src into the writable iovecs of @c. */
static size_t net_copy_in(const struct virtq_chain *c, const uint8_t *src,
			  size_t len)
{
	size_t done = 0;

	for (unsigned int i = c->nr_out; i < c->nr_out + c->nr_in && done < len; i++) {
		size_t k = c->iov[i].iov_len;

		if (k > len - done)
			k = len - done;
		memcpy(c->iov[i].iov_base, src + done, k);
		done += k;
	}
	return done;
}

/* Check an rx chain: writable only, room for the header. */
static bool net_rx_chain_ok(struct net_dev *n, unsigned int pair,
			    const struct virtq_chain *c)
{
	if (c->nr_out || c->in_len < NET_HDR_LEN) {
		virtio_dev_needs_reset(n->d, "rx queue %u: chain %u is %s",
				       net_rxq(pair), c->head,
				       c->nr_out ? "readable" : "shorter than the header");
		return false;
	}
	return true;
}

/*
 * Hand the frame in rx_buf to the guest once enough chains are popped:
 * one with room for all of it, or (MRG_RXBUF) as many as it takes. If
 * the ring runs dry first, the chains stay stashed and the frame waits
 * for the next rx kick. Returns true once the frame is gone.
 */
static bool net_rx_deliver(struct net_dev *n, unsigned int pair)
{
	struct net_pair *p = &n->p[pair];
	unsigned int qi = net_rxq(pair);
	size_t room = 0, off = 0;
	unsigned int used;

	for (unsigned int i = 0; i < p->nr_stash; i++)
		room += p->stash[i].in_len;
	while (room < p->rx_len) {
		struct virtq_chain *c;

		if (!net_mrg(n) && p->nr_stash) {
			/* One buffer per frame and it is too small: drop. */
			p->rx_dropped++;
			p->rx_len = 0;
			return true;
		}
		if (p->nr_stash == NET_RX_STASH) {
			p->rx_dropped++;	/* even 64 buffers are too few */
			p->rx_len = 0;
			return true;
		}
		c = &p->stash[p->nr_stash];
		if (virtio_dev_pop(n->d, qi, c) <= 0)
			return false;		/* wait for buffers */
		if (!net_rx_chain_ok(n, pair, c))
			return false;
		p->nr_stash++;
		room += c->in_len;
	}
	/* num_buffers: how many chains this frame fills (1 without MRG). */
	for (used = 0; off < p->rx_len; used++)
		off += p->stash[used].in_len;
	if (!used)
		used = 1;
	p->rx_buf[10] = (uint8_t)used;
	p->rx_buf[11] = (uint8_t)(used >> 8);
	off = 0;
	for (unsigned int i = 0; i < used; i++) {
		size_t k = net_copy_in(&p->stash[i], p->rx_buf + off, p->rx_len - off);

		off += k;
		virtio_dev_complete(n->d, qi, p->stash[i].head, (uint32_t)k);
	}
	/* Chains popped beyond need (none in practice) wait for the next. */
	memmove(p->stash, p->stash + used, (p->nr_stash - used) * sizeof(p->stash[0]));
	p->nr_stash -= used;
	p->rx_len = 0;
	return true;
}

static void net_rx_done(struct ev_req *req, int res)
{
	struct net_pair *p = container_of(req, struct net_pair, rx_req);
	struct net_dev *n = p->n;
	unsigned int pair = p->idx;

	pthread_mutex_lock(&n->d->lock);
	p->rx_busy = false;
	if (p->rx_gen != n->gen || n->d->broken) {
		/* Reset since: the frame is dropped; activate reads again. */
	} else if (res == 0 || (res < 0 && res != -EINTR && res != -EAGAIN)) {
		/* 0 is end of file: a tap never says it, a closed one does. */
		if (!res)
			res = -EPIPE;
		if (!p->rx_dead)
			net_log(n, "tap read failed on queue %u (%s: was the tap deleted?); it stops receiving",
				net_rxq(pair), strerror(-res));
		p->rx_dead = true;
	} else if (res >= NET_HDR_LEN) {
		p->rx_len = (size_t)res;
		if (net_rx_deliver(n, pair))
			net_rx_submit(n, pair);
	} else {
		net_rx_submit(n, pair);	/* nothing usable: read again */
	}
	pthread_mutex_unlock(&n->d->lock);
}

/* Start the next read, unless one is going or a frame waits. */
static void net_rx_submit(struct net_dev *n, unsigned int pair)
{
	struct net_pair *p = &n->p[pair];

	if (p->fd < 0 || p->rx_busy || p->rx_len || p->rx_dead || n->d->broken)
		return;
	p->rx_iov = (struct iovec){ p->rx_buf, NET_HDR_LEN + NET_MAX_FRAME };
	p->rx_gen = n->gen;
	if (n->io.readv(n->io.ctx, p->fd, &p->rx_iov, 1, (uint64_t)-1, &p->rx_req))
		return;
	p->rx_busy = true;
}

/* The guest posted rx buffers. d->lock held. */
static void net_rx_kick(struct net_dev *n, unsigned int pair)
{
	struct net_pair *p = &n->p[pair];

	if (p->rx_len && !net_rx_deliver(n, pair))
		return;
	net_rx_submit(n, pair);
}

/* Control queue -------------------------------------------------------- */

static void net_ctrl_run(struct net_dev *n)
{
	unsigned int qi = 2 * n->nr_pairs;
	struct virtq_chain *c = &n->chain;

	while (!n->d->broken && virtio_dev_pop(n->d, qi, c) > 0) {
		uint8_t msg[64] = { 0 }, ack = VIRTIO_NET_ERR;
		size_t got = 0;
		struct iovec *st;

		if (!c->nr_in || c->out_len < 2) {
			virtio_dev_needs_reset(n->d, "control queue: chain %u has %s",
					       c->head, c->nr_in ? "no command" : "no ack byte");
			return;
		}
		for (unsigned int i = 0; i < c->nr_out && got < sizeof(msg); i++) {
			size_t k = c->iov[i].iov_len;

			if (k > sizeof(msg) - got)
				k = sizeof(msg) - got;
			memcpy(msg + got, c->iov[i].iov_base, k);
			got += k;
		}
		if (msg[0] == VIRTIO_NET_CTRL_MQ &&
		    msg[1] == VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET && c->out_len >= 4) {
			uint16_t pairs = (uint16_t)(msg[2] | msg[3] << 8);

			if (pairs >= 1 && pairs <= n->nr_pairs)
				ack = VIRTIO_NET_OK;	/* we serve them all anyway */
		}
		/* The ack is the last writable byte. */
		st = &c->iov[c->nr_out + c->nr_in - 1];
		((uint8_t *)st->iov_base)[st->iov_len - 1] = ack;
		virtio_dev_complete(n->d, qi, c->head, 1);
	}
}

/* virtio_dev_ops ------------------------------------------------------- */

static void net_config_read(struct virtio_dev *d, uint32_t off, void *buf,
			    uint32_t len)
{
	struct net_dev *n = d->priv;
	uint8_t cfg[10];

	memcpy(cfg, n->mac, 6);
	cfg[6] = (uint8_t)n->status;
	cfg[7] = (uint8_t)(n->status >> 8);
	cfg[8] = (uint8_t)n->nr_pairs;
	cfg[9] = (uint8_t)(n->nr_pairs >> 8);
	memcpy(buf, cfg + off, len);
}

/* The MAC is writable (legacy drivers set it); the rest is not. */
static void net_config_write(struct virtio_dev *d, uint32_t off,
			     const void *buf, uint32_t len)
{
	struct net_dev *n = d->priv;

	if (off < 6)
		memcpy(n->mac + off, buf, len > 6 - off ? 6 - off : len);
}

static int net_activate(struct virtio_dev *d)
{
	struct net_dev *n = d->priv;
	unsigned int tun = net_tun_flags(d->guest_features);

	for (unsigned int i = 0; i < n->nr_pairs; i++) {
		struct net_pair *p = &n->p[i];

		/* The tap may hand us only what the guest can take. */
		if (p->fd >= 0 && n->set_offload && n->set_offload(p->fd, tun))
			net_log(n, "TUNSETOFFLOAD 0x%x failed", tun);
		net_rx_submit(n, i);
	}
	return 0;
}

static void net_queue_notify(struct virtio_dev *d, unsigned int qi)
{
	struct net_dev *n = d->priv;

	if (qi == 2 * n->nr_pairs && n->nr_pairs > 1)
		net_ctrl_run(n);
	else if (qi < 2 * n->nr_pairs && qi % 2)
		net_tx_run(n, qi / 2);
	else if (qi < 2 * n->nr_pairs)
		net_rx_kick(n, qi / 2);
}

/*
 * Reset: forget every chain. Writes in flight only read guest memory and
 * the reads land in our own buffers, so nothing needs waiting for: their
 * completions see the new generation and only free their slot.
 */
static void net_reset(struct virtio_dev *d)
{
	struct net_dev *n = d->priv;

	n->gen++;
	for (unsigned int i = 0; i < n->nr_pairs; i++) {
		struct net_pair *p = &n->p[i];

		p->nr_stash = 0;
		p->rx_len = 0;
		p->tx_stalled = false;
	}
}

static const struct virtio_dev_ops net_ops = {
	.device_id = VIRTIO_ID_NET,
	.config_size = 10,	/* mac, status, max_virtqueue_pairs */
	.config_read = net_config_read,
	.config_write = net_config_write,
	.activate = net_activate,
	.queue_notify = net_queue_notify,
	.reset = net_reset,
};

static uint64_t net_features(const struct net_config *cfg)
{
	uint64_t f = VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT) |
		     VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX_BIT) |
		     VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC_BIT) |
		     1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS |
		     1ULL << VIRTIO_NET_F_MRG_RXBUF |
		     /* Guest -> host: the tap takes partial checksums and GSO. */
		     1ULL << VIRTIO_NET_F_CSUM | 1ULL << VIRTIO_NET_F_HOST_TSO4 |
		     1ULL << VIRTIO_NET_F_HOST_TSO6 | 1ULL << VIRTIO_NET_F_HOST_ECN;

	f |= net_guest_features(cfg->tap_offloads);
	if (cfg->queue_pairs > 1)
		f |= 1ULL << VIRTIO_NET_F_CTRL_VQ | 1ULL << VIRTIO_NET_F_MQ;
	return f;
}

int virtio_net_create(struct virtio_dev *d, const struct net_config *cfg,
		      struct errbuf *err)
{
	struct net_dev *n;
	bool link = true;

	if (!cfg->queue_pairs || cfg->queue_pairs > NET_MAX_PAIRS)
		return errbuf_set(err, -EINVAL, "virtio-net: %u queue pairs (1 to %d)",
				  cfg->queue_pairs, NET_MAX_PAIRS);
	n = calloc(1, sizeof(*n));
	if (!n)
		return errbuf_set(err, -ENOMEM, "virtio-net: out of memory");
	n->d = d;
	n->io = *cfg->io;
	n->set_offload = cfg->set_offload;
	n->nr_pairs = cfg->queue_pairs;
	memcpy(n->mac, cfg->mac, 6);
	d->priv = n;
	for (unsigned int i = 0; i < n->nr_pairs; i++) {
		struct net_pair *p = &n->p[i];

		p->n = n;
		p->idx = i;
		p->fd = cfg->tap_fds[i];
		link &= p->fd >= 0;
		p->rx_buf = malloc(NET_HDR_LEN + NET_MAX_FRAME);
		if (!p->rx_buf) {
			virtio_net_destroy(d);
			return errbuf_set(err, -ENOMEM, "virtio-net: out of memory");
		}
		p->rx_req.done = net_rx_done;
		for (unsigned int s = 0; s < NET_TX_SLOTS; s++) {
			p->slots[s].n = n;
			p->slots[s].pair = i;
			p->slots[s].req.done = net_tx_done;
			p->free[s] = s;
		}
		p->nr_free = NET_TX_SLOTS;
	}
	n->status = link ? VIRTIO_NET_S_LINK_UP : 0;
	d->ops = &net_ops;
	d->host_features = net_features(cfg);
	d->nr_queues = 2 * n->nr_pairs + (n->nr_pairs > 1);
	d->queue_max = NET_QUEUE_SIZE;
	return 0;
}

void virtio_net_destroy(struct virtio_dev *d)
{
	struct net_dev *n = d->priv;

	/* Ours, or a create that failed before setting d->ops. */
	if (!n || (d->ops && d->ops != &net_ops))
		return;
	for (unsigned int i = 0; i < NET_MAX_PAIRS; i++)
		free(n->p[i].rx_buf);
	free(n);
	d->priv = NULL;
}
