// SPDX-License-Identifier: MIT
/*
 * virtio-mmio version 2 transport.
 *
 * Every register access is the guest's: widths and offsets are checked
 * first, selectors are bounds-checked at use (never trusted as an
 * index), features freeze at FEATURES_OK and ring addresses once a
 * queue is ready. A rule broken in a way that leaves the device
 * unusable becomes NEEDS_RESET through the device model.
 *
 * The device's lock covers the registers and the interrupt status:
 * register accesses (vCPU threads) take it here, and signal_queue and
 * signal_config are called with it held, by the event loop or by this
 * file when a failed QueueReady raises NEEDS_RESET inside a write.
 */
#include "virtio/virtio_mmio.h"

#include <errno.h>
#include <linux/virtio_mmio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "bus.h"
#include "util.h"

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static const char *vmio_name(const struct virtio_mmio *vmio)
{
	return vmio->d->name ? vmio->d->name : "virtio-mmio";
}

/* Interrupts -------------------------------------------------------------- */

static void vmio_interrupt(struct virtio_mmio *vmio, uint32_t bit)
{
	vmio->isr |= bit;
	if (vmio->irq_fd >= 0)
		eventfd_write(vmio->irq_fd, 1);	/* an edge on the GSI */
}

/* d->signal_queue: called with d->lock held. */
/* d->queue_kick_fd */
static int vmio_queue_kick_fd(struct virtio_dev *d, unsigned int qi)
{
	struct virtio_mmio *vmio = d->transport;

	return vmio && qi < d->nr_queues ? vmio->q[qi].kick_fd : -1;
}

static void vmio_signal_queue(struct virtio_dev *d, unsigned int qi)
{
	struct virtio_mmio *vmio = d->transport;

	if (vmio && qi < d->nr_queues)
		vmio_interrupt(vmio, VIRTIO_MMIO_INT_VRING);
}

/* d->signal_config: called with d->lock held. */
static void vmio_signal_config(struct virtio_dev *d)
{
	struct virtio_mmio *vmio = d->transport;

	if (!vmio)
		return;
	vmio->config_gen++;
	vmio_interrupt(vmio, VIRTIO_MMIO_INT_CONFIG);
}

/* Queues ------------------------------------------------------------------ */

static struct virtio_mmio_queue *vmio_selected(struct virtio_mmio *vmio)
{
	return vmio->queue_sel < vmio->d->nr_queues ? &vmio->q[vmio->queue_sel] : NULL;
}

static void vmio_queue_defaults(struct virtio_mmio_queue *q)
{
	q->num = 0;
	q->desc = q->driver = q->device = 0;
}

/* Take queue @qi out of service: no kicks, ring forgotten. */
static void vmio_queue_stop(struct virtio_mmio *vmio, unsigned int qi)
{
	const struct virtio_platform *plat = vmio->plat;
	struct virtio_mmio_queue *q = &vmio->q[qi];

	if (q->in_kernel)
		plat->ioeventfd_match(plat->ctx, vmio->base + VIRTIO_MMIO_QUEUE_NOTIFY,
				      4, qi, q->kick_fd, false);
	q->in_kernel = false;
	if (q->watched && plat->kick_watch)
		plat->kick_watch(plat->ctx, q->kick_fd, vmio->d, qi, false);
	q->watched = false;
	q->ready = false;
}

/* QueueReady = 1: validate and hand the ring to the virtq code. */
static void vmio_queue_enable(struct virtio_mmio *vmio, unsigned int qi)
{
	struct virtio_dev *d = vmio->d;
	struct virtio_mmio_queue *q = &vmio->q[qi];
	const struct virtio_platform *plat = vmio->plat;
	int err;

	if (q->ready)
		return;
	if (virtio_dev_queue_enable(d, qi, q->num, q->desc, q->driver,
				    q->device))
		return;
	if (plat->kick_watch) {
		err = plat->kick_watch(plat->ctx, q->kick_fd, d, qi, true);
		if (err) {
			virtq_reset(&d->vqs[qi]);
			virtio_dev_needs_reset(d, "queue %u: kick watch "
					       "failed (%d)", qi, err);
			return;
		}
		q->watched = true;
		/*
		 * Let KVM turn "QueueNotify = qi" into a signal on the kick
		 * eventfd, so a kick costs no exit to userspace. Without it
		 * the write still arrives here and is forwarded (vmio_kick).
		 */
		if (plat->ioeventfd_match &&
		    !plat->ioeventfd_match(plat->ctx,
					   vmio->base + VIRTIO_MMIO_QUEUE_NOTIFY,
					   4, qi, q->kick_fd, true))
			q->in_kernel = true;
	}
	q->ready = true;
}

/* QueueReady = 0: Linux does this when it deletes a queue. */
static void vmio_queue_disable(struct virtio_mmio *vmio, unsigned int qi)
{
	if (!vmio->q[qi].ready)
		return;
	vmio_queue_stop(vmio, qi);
	virtq_reset(&vmio->d->vqs[qi]);
}

/*
 * QueueNotify: the value is a queue index from the guest. Forward it to
 * the event loop through the queue's eventfd, so queue_notify keeps to
 * its thread; only with no event loop (tests) call it directly.
 */
static void vmio_kick(struct virtio_mmio *vmio, uint32_t qi)
{
	struct virtio_dev *d = vmio->d;

	if (qi >= d->nr_queues || !vmio->q[qi].ready)
		return;
	if (vmio->q[qi].watched)
		eventfd_write(vmio->q[qi].kick_fd, 1);
	else if (!vmio->plat->kick_watch && d->ops->queue_notify)
		d->ops->queue_notify(d, qi);
}

static void vmio_queue_addr(struct virtio_mmio_queue *q, uint64_t *addr,
			  bool hi, uint32_t val)
{
	if (!q || q->ready)
		return;
	if (hi)
		*addr = (*addr & 0xffffffffULL) | (uint64_t)val << 32;
	else
		*addr = (*addr & ~0xffffffffULL) | val;
}

/* Status and features ------------------------------------------------------ */

static void vmio_reset(struct virtio_mmio *vmio)
{
	struct virtio_dev *d = vmio->d;

	for (unsigned int qi = 0; qi < d->nr_queues; qi++)
		vmio_queue_stop(vmio, qi);
	if (d->ops->reset)
		d->ops->reset(d);
	for (unsigned int qi = 0; qi < d->nr_queues; qi++) {
		virtq_reset(&d->vqs[qi]);
		vmio_queue_defaults(&vmio->q[qi]);
	}
	d->guest_features = 0;
	d->status = 0;
	d->broken = false;
	vmio->dev_feature_sel = 0;
	vmio->drv_feature_sel = 0;
	vmio->d->bad_features = false;
	vmio->queue_sel = 0;
	vmio->isr = 0;
}

/* Zero is a reset; anything else adds status bits (virtio.c's rules). */
static void vmio_set_status(struct virtio_mmio *vmio, uint32_t val)
{
	if (!val)
		vmio_reset(vmio);
	else
		virtio_dev_add_status(vmio->d, (uint8_t)val);
}

/* Registers ----------------------------------------------------------------- */

static uint32_t vmio_reg_read(struct virtio_mmio *vmio, uint64_t off)
{
	struct virtio_dev *d = vmio->d;
	struct virtio_mmio_queue *q = vmio_selected(vmio);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_2;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return virtio_dev_feature_window(d->host_features,
						 vmio->dev_feature_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q ? d->queue_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return vmio->isr;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return 0xffffffff;	/* no shared memory regions */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return vmio->config_gen;
	default:
		return 0;	/* write-only, legacy-only or reserved */
	}
}

static void vmio_reg_write(struct virtio_mmio *vmio, uint64_t off, uint32_t val)
{
	struct virtio_mmio_queue *q = vmio_selected(vmio);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		vmio->dev_feature_sel = val;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		virtio_dev_write_features(vmio->d, vmio->drv_feature_sel, val);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		vmio->drv_feature_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		vmio->queue_sel = val;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (q && !q->ready)
			q->num = val > 0xffff ? 0 : (uint16_t)val;
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q && val == 1)
			vmio_queue_enable(vmio, vmio->queue_sel);
		else if (q && val == 0)
			vmio_queue_disable(vmio, vmio->queue_sel);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		vmio_kick(vmio, val);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		vmio->isr &= ~val;
		break;
	case VIRTIO_MMIO_STATUS:
		vmio_set_status(vmio, val);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		vmio_queue_addr(q, q ? &q->desc : NULL,
			      off == VIRTIO_MMIO_QUEUE_DESC_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		vmio_queue_addr(q, q ? &q->driver : NULL,
			      off == VIRTIO_MMIO_QUEUE_AVAIL_HIGH, val);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		vmio_queue_addr(q, q ? &q->device : NULL,
			      off == VIRTIO_MMIO_QUEUE_USED_HIGH, val);
		break;
	default:
		break;	/* read-only, legacy-only or reserved */
	}
}

static void vmio_config_io(struct virtio_mmio *vmio, uint64_t off, uint8_t *data,
			 uint32_t len, bool is_write)
{
	struct virtio_dev *d = vmio->d;
	const struct virtio_dev_ops *ops = d->ops;
	bool ok = (len == 1 || len == 2 || len == 4 || len == 8) &&
		  off < ops->config_size && len <= ops->config_size - off;

	if (is_write) {
		if (ok && ops->config_write)
			ops->config_write(d, (uint32_t)off, data, len);
		return;
	}
	if (ok && ops->config_read)
		ops->config_read(d, (uint32_t)off, data, len);
}

int virtio_mmio_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		   bool is_write)
{
	struct virtio_mmio *vmio = ctx;

	if (!is_write)
		memset(data, 0, len);
	if (offset >= VIRTIO_MMIO_WINDOW || len > VIRTIO_MMIO_WINDOW - offset)
		return 0;
	pthread_mutex_lock(&vmio->d->lock);
	if (offset >= VIRTIO_MMIO_CFG_OFF) {
		vmio_config_io(vmio, offset - VIRTIO_MMIO_CFG_OFF, data, len,
			     is_write);
	} else if (len == 4 && !(offset & 3)) {
		if (is_write)
			vmio_reg_write(vmio, offset, get_le32(data));
		else
			put_le32(data, vmio_reg_read(vmio, offset));
	}
	pthread_mutex_unlock(&vmio->d->lock);
	return 0;
}

/* Creation ------------------------------------------------------------------- */

static int vmio_check_dev(const struct virtio_dev *d,
			const struct virtio_platform *plat)
{
	if (!d || !d->ops || !plat || !plat->irqfd)
		return -EINVAL;
	if (!d->nr_queues || d->nr_queues > VIRTIO_MAX_QUEUES ||
	    !d->queue_max || d->queue_max > VIRTQ_MAX_SIZE ||
	    (d->queue_max & (d->queue_max - 1)))
		return -EINVAL;
	if (d->ops->config_size > VIRTIO_MMIO_WINDOW - VIRTIO_MMIO_CFG_OFF)
		return -EINVAL;
	return 0;
}

static int vmio_new_eventfd(int *fd)
{
	*fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return *fd < 0 ? -errno : 0;
}

static int vmio_setup(struct virtio_mmio *vmio)
{
	const struct virtio_platform *plat = vmio->plat;
	int err = vmio_new_eventfd(&vmio->irq_fd);

	for (unsigned int qi = 0; !err && qi < vmio->d->nr_queues; qi++)
		err = vmio_new_eventfd(&vmio->q[qi].kick_fd);
	if (!err)
		err = plat->irqfd(plat->ctx, vmio->gsi, vmio->irq_fd, true);
	if (!err)
		vmio->irqfd_on = true;
	return err;
}

int virtio_mmio_create(struct virtio_mmio *vmio, struct bus *mmio,
		       uint64_t base, unsigned int gsi, struct virtio_dev *d,
		       const struct virtio_platform *plat, struct errbuf *err)
{
	int ret;

	if (!vmio)
		return errbuf_set(err, -EINVAL, "virtio-mmio: no device");
	ret = vmio_check_dev(d, plat);
	if (ret)
		return errbuf_set(err, ret, "virtio-mmio: invalid device or "
				  "platform hooks");
	memset(vmio, 0, sizeof(*vmio));
	vmio->d = d;
	vmio->plat = plat;
	vmio->base = base;
	vmio->gsi = gsi;
	vmio->irq_fd = -1;
	for (unsigned int qi = 0; qi < VIRTIO_MAX_QUEUES; qi++)
		vmio->q[qi].kick_fd = -1;
	ret = vmio_setup(vmio);
	if (ret) {
		virtio_mmio_destroy(vmio);
		return errbuf_set(err, ret, "%s: eventfd/irqfd setup: %s",
				  vmio_name(vmio), strerror(-ret));
	}
	if (mmio) {
		ret = bus_register(mmio, base, VIRTIO_MMIO_WINDOW,
				   virtio_mmio_io, vmio,
				   d->name ? d->name : "virtio-mmio");
		if (ret) {
			errbuf_set(err, ret, "%s: window at 0x%llx: %s",
				   vmio_name(vmio), (unsigned long long)base,
				   strerror(-ret));
			virtio_mmio_destroy(vmio);
			return ret;
		}
	}
	d->host_features |= VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT);
	d->transport = vmio;
	d->signal_queue = vmio_signal_queue;
	d->signal_config = vmio_signal_config;
	d->queue_kick_fd = vmio_queue_kick_fd;
	return 0;
}

void virtio_mmio_destroy(struct virtio_mmio *vmio)
{
	const struct virtio_platform *plat = vmio->plat;
	struct virtio_dev *d = vmio->d;

	if (!plat || !d)
		return;
	pthread_mutex_lock(&d->lock);
	for (unsigned int qi = 0; qi < d->nr_queues; qi++) {
		vmio_queue_stop(vmio, qi);
		if (vmio->q[qi].kick_fd >= 0)
			close(vmio->q[qi].kick_fd);
		vmio->q[qi].kick_fd = -1;
	}
	if (vmio->irqfd_on)
		plat->irqfd(plat->ctx, vmio->gsi, vmio->irq_fd, false);
	vmio->irqfd_on = false;
	if (vmio->irq_fd >= 0)
		close(vmio->irq_fd);
	vmio->irq_fd = -1;
	if (d->transport == vmio) {
		d->signal_queue = NULL;
		d->signal_config = NULL;
		d->queue_kick_fd = NULL;
		d->transport = NULL;
	}
	pthread_mutex_unlock(&d->lock);
	vmio->plat = NULL;
}
