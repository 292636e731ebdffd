// SPDX-License-Identifier: MIT
/*
 * virtio-rng. Each chain popped from the request queue gets its
 * writable buffers filled (up to RNG_MAX_PER_REQ bytes, so one request
 * cannot keep the event loop busy for long) and is returned with the
 * count. Readable buffers have no meaning here and are ignored; a chain
 * with no writable byte is returned with 0.
 */
#include "virtio/rng.h"

#include <errno.h>
#include <linux/virtio_ids.h>
#include <stdlib.h>
#include <sys/random.h>

struct rng_dev {
	struct virtq_chain chain;	/* pop scratch, under d->lock */
};

/* Fill @len bytes at @p; returns how many were filled. */
static size_t rng_fill(uint8_t *p, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom(p + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	return done;
}

/* Fill the writable part of @c; returns bytes written to the guest. */
static uint32_t rng_fill_chain(const struct virtq_chain *c)
{
	size_t total = 0;

	for (unsigned int i = c->nr_out; i < c->nr_out + c->nr_in; i++) {
		size_t want = c->iov[i].iov_len, got;

		if (want > RNG_MAX_PER_REQ - total)
			want = RNG_MAX_PER_REQ - total;
		got = rng_fill(c->iov[i].iov_base, want);
		total += got;
		if (got < want || total == RNG_MAX_PER_REQ)
			break;
	}
	return (uint32_t)total;
}

static void rng_queue_notify(struct virtio_dev *d, unsigned int qi)
{
	struct rng_dev *r = d->priv;
	struct virtq *q = &d->vqs[0];

	if (qi != 0 || !q->ready)
		return;
	virtq_disable_notify(q);
	while (!d->broken && virtio_dev_pop(d, 0, &r->chain) > 0)
		virtio_dev_complete(d, 0, r->chain.head,
				    rng_fill_chain(&r->chain));
}

static int rng_activate(struct virtio_dev *d)
{
	return 0;
}

/* Nothing survives a request: reset has nothing to drop. */
static void rng_reset(struct virtio_dev *d)
{
}

static const struct virtio_dev_ops rng_ops = {
	.device_id = VIRTIO_ID_RNG,
	.config_size = 0,
	.activate = rng_activate,
	.queue_notify = rng_queue_notify,
	.reset = rng_reset,
};

int virtio_rng_create(struct virtio_dev *d)
{
	struct rng_dev *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	d->ops = &rng_ops;
	d->host_features = VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT) |
			   VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX_BIT) |
			   VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC_BIT);
	d->nr_queues = 1;
	d->queue_max = RNG_QUEUE_SIZE;
	d->priv = r;
	return 0;
}

void virtio_rng_destroy(struct virtio_dev *d)
{
	if (!d->priv || d->ops != &rng_ops)
		return;
	free(d->priv);
	d->priv = NULL;
}
