// SPDX-License-Identifier: MIT
/*
 * Device-model helpers shared by every virtio device.
 */
#include "virtio/virtio.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

void virtio_dev_needs_reset(struct virtio_dev *d, const char *fmt, ...)
{
	char msg[256];
	int n;
	va_list ap;

	if (d->broken)
		return;		/* logged once; the driver must reset us */
	d->broken = true;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	n = snprintf(msg, sizeof(msg), "%s: guest broke the virtio rules, device needs reset: ",
		     d->name ? d->name : "virtio");
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	if (d->log)
		d->log(d->log_ctx, msg);
	/* Only a driver that has finished set-up can act on the interrupt. */
	if (d->signal_config && (d->status & VIRTIO_STATUS_DRIVER_OK))
		d->signal_config(d);
}

int virtio_dev_pop(struct virtio_dev *d, unsigned int qi,
		   struct virtq_chain *c)
{
	struct virtq *q = &d->vqs[qi];

	for (;;) {
		int ret = virtq_pop(q, c);

		if (ret < 0) {
			virtio_dev_needs_reset(d, "queue %u: %s", qi,
					       virtq_last_error(q) ?
					       virtq_last_error(q) : "bad ring");
			return ret;
		}
		if (ret)
			return 1;
		if (!virtq_enable_notify(q))
			return 0;
		virtq_disable_notify(q);
	}
}

void virtio_dev_complete(struct virtio_dev *d, unsigned int qi,
			 uint16_t head, uint32_t len)
{
	struct virtq *q;

	if (qi >= d->nr_queues || d->broken)
		return;
	q = &d->vqs[qi];
	if (virtq_push(q, head, len) < 0) {
		virtio_dev_needs_reset(d, "queue %u: bad completion", qi);
		return;
	}
	if (virtq_should_notify(q) && d->signal_queue)
		d->signal_queue(d, qi);
}

int virtio_dev_queue_enable(struct virtio_dev *d, unsigned int qi,
			    uint32_t size, uint64_t desc, uint64_t driver,
			    uint64_t device)
{
	const char *why;

	if (!(d->status & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_dev_needs_reset(d, "queue %u enabled before FEATURES_OK",
				       qi);
		return -EINVAL;
	}
	if (!size || size > d->queue_max || (size & (size - 1))) {
		virtio_dev_needs_reset(d, "queue %u: bad size %u", qi, size);
		return -EINVAL;
	}
	if (virtq_init(&d->vqs[qi], d->gm, (uint16_t)size, desc, driver,
		       device, virtio_dev_has(d, VIRTIO_F_EVENT_IDX_BIT),
		       virtio_dev_has(d, VIRTIO_F_INDIRECT_DESC_BIT))) {
		why = virtq_last_error(&d->vqs[qi]);
		virtio_dev_needs_reset(d, "queue %u: %s", qi,
				       why ? why : "bad ring");
		return -EINVAL;
	}
	return 0;
}

void virtio_dev_write_features(struct virtio_dev *d, uint32_t sel,
			       uint32_t val)
{
	unsigned int shift;

	if (d->status & VIRTIO_STATUS_FEATURES_OK)
		return;
	if (sel > 1) {
		/* No feature lives past bit 63: asking for one fails later. */
		if (val)
			d->bad_features = true;
		return;
	}
	shift = 32 * sel;
	d->guest_features &= ~(0xffffffffULL << shift);
	d->guest_features |= (uint64_t)val << shift;
}

static bool virtio_dev_features_ok(const struct virtio_dev *d)
{
	return !d->bad_features && !(d->guest_features & ~d->host_features) &&
	       (d->guest_features & VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT));
}

void virtio_dev_add_status(struct virtio_dev *d, uint8_t val)
{
	uint8_t old = d->status;
	uint8_t new = old | (val & (uint8_t)~VIRTIO_STATUS_NEEDS_RESET);

	if ((new & ~old & VIRTIO_STATUS_FEATURES_OK) &&
	    !virtio_dev_features_ok(d))
		new &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	if (!(new & VIRTIO_STATUS_FEATURES_OK))
		new &= (uint8_t)~VIRTIO_STATUS_DRIVER_OK;
	d->status = new;
	if ((new & ~old & VIRTIO_STATUS_DRIVER_OK) && d->ops->activate) {
		int err = d->ops->activate(d);

		if (err)
			virtio_dev_needs_reset(d, "activation failed (%d)",
					       err);
	}
}
