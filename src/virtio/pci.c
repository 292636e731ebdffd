// SPDX-License-Identifier: MIT
/*
 * virtio-pci modern transport.
 *
 * The common configuration structure is a set of fixed-width registers;
 * an access must match a register's offset and width exactly (a 64-bit
 * ring address may also be accessed whole), anything else reads 0 and
 * is dropped on write, so a hostile driver can only ever reach the
 * documented state changes. Those are then checked against the device
 * status: features freeze at FEATURES_OK, ring addresses freeze once a
 * queue is enabled, and a rule broken in a way that leaves the device
 * unusable becomes NEEDS_RESET, never a crash.
 *
 * Locking follows the device model: d->lock is held around every
 * register access (taken here) and by whoever calls signal_queue or
 * signal_config (the event loop, or this file when a failed queue
 * enable raises NEEDS_RESET from inside a register write). The PCI bus
 * lock, always taken after d->lock, guards what the PCI core owns: the
 * MSI-X table and PBA, COMMAND and the BAR address, plus the MSI route
 * cache that the MSI-X change callback updates under it.
 */
#include "virtio/virtio_pci.h"

#include <errno.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>
#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util.h"

/* Sizes of the capabilities as the spec lays them out. */
#define VP_CAP_LEN		((uint8_t)sizeof(struct virtio_pci_cap))
#define VP_NOTIFY_CAP_LEN	((uint8_t)sizeof(struct virtio_pci_notify_cap))
#define VP_CFG_CAP_LEN		((uint8_t)sizeof(struct virtio_pci_cfg_cap))
#define VP_CFG_CAP_DATA		offsetof(struct virtio_pci_cfg_cap, pci_cfg_data)
#define VP_COMMON_LEN		VIRTIO_PCI_REGION_SIZE
#define VP_ISR_QUEUE		0x1	/* VIRTIO_PCI_ISR_CONFIG is 0x2 */

static struct virtio_pci *vp_of(struct pci_dev *dev)
{
	return container_of(dev, struct virtio_pci, pci);
}

static uint32_t get_le(const uint8_t *p, uint32_t len)
{
	uint32_t v = 0;

	for (uint32_t i = 0; i < len && i < 4; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static void put_le(uint8_t *p, uint32_t len, uint64_t v)
{
	for (uint32_t i = 0; i < len; i++)
		p[i] = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
}

/* PCI class codes as QEMU gives them, so guests see familiar values. */
static uint32_t vp_class_code(uint32_t device_id)
{
	switch (device_id) {
	case VIRTIO_ID_NET:
		return 0x020000;	/* network, ethernet */
	case VIRTIO_ID_BLOCK:
		return 0x010000;	/* mass storage, SCSI */
	case VIRTIO_ID_CONSOLE:
		return 0x078000;	/* communication, other */
	default:
		return 0x00ff00;	/* unclassified, other (rng too) */
	}
}

/* Interrupts ------------------------------------------------------------ */

static void vp_fire(int fd)
{
	if (fd >= 0)
		eventfd_write(fd, 1);
}

/*
 * Raise @vector with MSI-X on, or ISR bit @isr_bit on INTA with it off.
 * A masked vector is remembered in the PBA and sent when unmasked.
 */
static void vp_interrupt(struct virtio_pci *vp, uint16_t vector,
			 uint8_t isr_bit)
{
	struct pci_msix_msg msg;
	bool intx_off;

	pci_bus_lock(vp->pb);
	if (!pci_msix_enabled(&vp->pci)) {
		intx_off = vp->pci.cfg[PCI_COMMAND + 1] &
			   (PCI_COMMAND_INTX_DISABLE >> 8);
		pci_bus_unlock(vp->pb);
		vp->isr |= isr_bit;
		if (!intx_off)
			vp_fire(vp->intx_fd);
		return;
	}
	/* NO_VECTOR (or any bad one) means the driver wants no interrupt. */
	if (vector < vp->nr_vectors && !pci_msix_get(&vp->pci, vector, &msg)) {
		if (msg.masked)
			pci_msix_set_pending(&vp->pci, vector, true);
		else
			vp_fire(vp->irq_fd[vector]);
	}
	pci_bus_unlock(vp->pb);
}

/* d->signal_queue: called with d->lock held. */
static void vp_signal_queue(struct virtio_dev *d, unsigned int qi)
{
	struct virtio_pci *vp = d->transport;

	if (vp && qi < d->nr_queues)
		vp_interrupt(vp, vp->q[qi].vector, VP_ISR_QUEUE);
}

/* d->signal_config: called with d->lock held. */
static void vp_signal_config(struct virtio_dev *d)
{
	struct virtio_pci *vp = d->transport;

	if (!vp)
		return;
	vp->config_gen++;
	/* The ISR config bit is set even with MSI-X, as the spec asks. */
	vp->isr |= VIRTIO_PCI_ISR_CONFIG;
	vp_interrupt(vp, vp->msix_config, VIRTIO_PCI_ISR_CONFIG);
}

/* d->queue_kick_fd */
static int vp_queue_kick_fd(struct virtio_dev *d, unsigned int qi)
{
	struct virtio_pci *vp = d->transport;

	return vp && qi < d->nr_queues ? vp->q[qi].kick_fd : -1;
}

/*
 * An MSI-X entry or mask changed: re-route its GSI, flush a pending
 * interrupt. The PCI core calls this with the bus lock held, which is
 * also what protects vp->route.
 */
static void vp_msix_change(void *ctx, unsigned int vector)
{
	struct virtio_pci *vp = ctx;
	const struct virtio_platform *plat = vp->plat;
	struct virtio_pci_route *r;
	struct pci_msix_msg msg;

	if (vector >= vp->nr_vectors || vp->irq_gsi[vector] < 0 ||
	    pci_msix_get(&vp->pci, vector, &msg))
		return;
	r = &vp->route[vector];
	if (!r->valid || r->masked != msg.masked ||
	    (!msg.masked && (r->addr != msg.addr || r->data != msg.data))) {
		int err = plat->msi_route(plat->ctx,
					  (unsigned int)vp->irq_gsi[vector],
					  msg.addr, msg.data, msg.masked);

		*r = (struct virtio_pci_route){
			.valid = !err, .masked = msg.masked,
			.addr = msg.addr, .data = msg.data,
		};
	}
	if (!msg.masked && pci_msix_pending(&vp->pci, vector)) {
		pci_msix_set_pending(&vp->pci, vector, false);
		vp_fire(vp->irq_fd[vector]);
	}
}

/* Kicks ------------------------------------------------------------------ */

/*
 * Where KVM should catch queue @qi's notify writes right now: nowhere
 * unless the queue is live and BAR0 decodes inside the BAR window.
 */
static uint64_t vp_notify_addr(struct virtio_pci *vp, unsigned int qi)
{
	uint64_t bar;
	bool mem;

	pci_bus_lock(vp->pb);
	bar = pci_dev_bar_addr(&vp->pci, VIRTIO_PCI_BAR);
	mem = pci_dev_mem_enabled(&vp->pci) && vp->pci.slot > 0;
	pci_bus_unlock(vp->pb);
	if (!vp->q[qi].enabled || !vp->q[qi].watched || !mem ||
	    bar < PCI_BAR_WINDOW_BASE ||
	    bar + VIRTIO_PCI_BAR_SIZE > PCI_BAR_WINDOW_BASE + PCI_BAR_WINDOW_SIZE)
		return 0;
	return bar + VIRTIO_PCI_NOTIFY_OFF + VIRTIO_PCI_NOTIFY_MULT * qi;
}

/* Move queue @qi's ioeventfd to where it belongs now (maybe nowhere). */
static void vp_queue_sync_ioeventfd(struct virtio_pci *vp, unsigned int qi)
{
	const struct virtio_platform *plat = vp->plat;
	struct virtio_pci_queue *q = &vp->q[qi];
	uint64_t want = vp_notify_addr(vp, qi);

	if (want == q->ioeventfd_addr || !plat->ioeventfd)
		return;
	if (q->ioeventfd_addr)
		plat->ioeventfd(plat->ctx, q->ioeventfd_addr, 2, false,
				q->kick_fd, false);
	q->ioeventfd_addr = 0;
	/* On failure notify writes still reach us: slower, not broken. */
	if (want && !plat->ioeventfd(plat->ctx, want, 2, false, q->kick_fd,
				     true))
		q->ioeventfd_addr = want;
}

/* pci_dev decode_change: BAR0 moved or decoding toggled. */
static void vp_decode_change(struct pci_dev *dev)
{
	struct virtio_pci *vp = vp_of(dev);
	struct virtio_dev *d = vp->d;

	pthread_mutex_lock(&d->lock);
	for (unsigned int qi = 0; qi < d->nr_queues; qi++)
		vp_queue_sync_ioeventfd(vp, qi);
	pthread_mutex_unlock(&d->lock);
}

/* Stop kicks for queue @qi: no ioeventfd, no watch. */
static void vp_queue_stop(struct virtio_pci *vp, unsigned int qi)
{
	const struct virtio_platform *plat = vp->plat;
	struct virtio_pci_queue *q = &vp->q[qi];

	q->enabled = false;
	vp_queue_sync_ioeventfd(vp, qi);
	if (q->watched && plat->kick_watch)
		plat->kick_watch(plat->ctx, q->kick_fd, vp->d, qi, false);
	q->watched = false;
}

/*
 * A notify write that exited to userspace: hand it to the event loop
 * through the queue's eventfd so queue_notify keeps to its thread.
 * Only a platform with no event loop (tests) gets a direct call.
 */
static void vp_kick(struct virtio_pci *vp, unsigned int qi)
{
	struct virtio_dev *d = vp->d;

	if (qi >= d->nr_queues || !vp->q[qi].enabled)
		return;
	if (vp->q[qi].watched)
		vp_fire(vp->q[qi].kick_fd);
	else if (!vp->plat->kick_watch && d->ops->queue_notify)
		d->ops->queue_notify(d, qi);
}

/* Status, features, queues ---------------------------------------------- */

static void vp_queue_defaults(struct virtio_pci *vp, unsigned int qi)
{
	struct virtio_pci_queue *q = &vp->q[qi];

	q->size = vp->d->queue_max;
	q->vector = VIRTIO_PCI_NO_VECTOR;
	q->desc = q->driver = q->device = 0;
}

/* Device reset (status 0): back to the state after creation. */
static void vp_reset(struct virtio_pci *vp)
{
	struct virtio_dev *d = vp->d;

	for (unsigned int qi = 0; qi < d->nr_queues; qi++)
		vp_queue_stop(vp, qi);
	if (d->ops->reset)
		d->ops->reset(d);
	for (unsigned int qi = 0; qi < d->nr_queues; qi++) {
		virtq_reset(&d->vqs[qi]);
		vp_queue_defaults(vp, qi);
	}
	pci_bus_lock(vp->pb);
	for (unsigned int v = 0; v < vp->nr_vectors; v++)
		pci_msix_set_pending(&vp->pci, v, false);
	pci_bus_unlock(vp->pb);
	d->guest_features = 0;
	d->status = 0;
	d->broken = false;
	vp->dev_feature_sel = 0;
	vp->drv_feature_sel = 0;
	vp->d->bad_features = false;
	vp->msix_config = VIRTIO_PCI_NO_VECTOR;
	vp->queue_sel = 0;
	vp->isr = 0;
}

/* Zero is a reset; anything else adds status bits (virtio.c's rules). */
static void vp_set_status(struct virtio_pci *vp, uint8_t val)
{
	if (!val)
		vp_reset(vp);
	else
		virtio_dev_add_status(vp->d, val);
}

static struct virtio_pci_queue *vp_selected(struct virtio_pci *vp)
{
	return vp->queue_sel < vp->d->nr_queues ? &vp->q[vp->queue_sel] : NULL;
}

static uint16_t vp_vector_check(const struct virtio_pci *vp, uint32_t v)
{
	return v < vp->nr_vectors ? (uint16_t)v : VIRTIO_PCI_NO_VECTOR;
}

/* queue_enable = 1: validate and hand the ring to the virtq code. */
static void vp_queue_enable(struct virtio_pci *vp, unsigned int qi)
{
	struct virtio_dev *d = vp->d;
	struct virtio_pci_queue *q = &vp->q[qi];
	const struct virtio_platform *plat = vp->plat;
	int err;

	if (q->enabled)
		return;
	if (virtio_dev_queue_enable(d, qi, q->size, q->desc, q->driver,
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
	}
	q->enabled = true;
	vp_queue_sync_ioeventfd(vp, qi);
}

/* Set half of a 64-bit ring address, unless the queue is live. */
static void vp_queue_addr(struct virtio_pci_queue *q, uint64_t *addr,
			  bool hi, uint32_t val)
{
	if (!q || q->enabled)
		return;
	if (hi)
		*addr = (*addr & 0xffffffffULL) | (uint64_t)val << 32;
	else
		*addr = (*addr & ~0xffffffffULL) | val;
}

/* Common configuration --------------------------------------------------- */

/* Width of the common-config register at @off, or 0 if there is none. */
static uint32_t vp_common_width(uint64_t off)
{
	switch (off) {
	case VIRTIO_PCI_COMMON_STATUS:
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return 1;
	case VIRTIO_PCI_COMMON_MSIX:
	case VIRTIO_PCI_COMMON_NUMQ:
	case VIRTIO_PCI_COMMON_Q_SELECT:
	case VIRTIO_PCI_COMMON_Q_SIZE:
	case VIRTIO_PCI_COMMON_Q_MSIX:
	case VIRTIO_PCI_COMMON_Q_ENABLE:
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return 2;
	case VIRTIO_PCI_COMMON_DFSELECT:
	case VIRTIO_PCI_COMMON_DF:
	case VIRTIO_PCI_COMMON_GFSELECT:
	case VIRTIO_PCI_COMMON_GF:
	case VIRTIO_PCI_COMMON_Q_DESCLO:
	case VIRTIO_PCI_COMMON_Q_DESCHI:
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
	case VIRTIO_PCI_COMMON_Q_USEDLO:
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		return 4;
	default:
		return 0;
	}
}

static uint32_t vp_common_read(struct virtio_pci *vp, uint64_t off)
{
	struct virtio_dev *d = vp->d;
	struct virtio_pci_queue *q = vp_selected(vp);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		return vp->dev_feature_sel;
	case VIRTIO_PCI_COMMON_DF:
		return virtio_dev_feature_window(d->host_features, vp->dev_feature_sel);
	case VIRTIO_PCI_COMMON_GFSELECT:
		return vp->drv_feature_sel;
	case VIRTIO_PCI_COMMON_GF:
		return virtio_dev_feature_window(d->guest_features, vp->drv_feature_sel);
	case VIRTIO_PCI_COMMON_MSIX:
		return vp->msix_config;
	case VIRTIO_PCI_COMMON_NUMQ:
		return d->nr_queues;
	case VIRTIO_PCI_COMMON_STATUS:
		return d->status;
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return vp->config_gen;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		return vp->queue_sel;
	case VIRTIO_PCI_COMMON_Q_SIZE:
		return q ? q->size : 0;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		return q ? q->vector : VIRTIO_PCI_NO_VECTOR;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		return q ? q->enabled : 0;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return q ? vp->queue_sel : 0;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
		return q ? (uint32_t)q->desc : 0;
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		return q ? (uint32_t)(q->desc >> 32) : 0;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
		return q ? (uint32_t)q->driver : 0;
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		return q ? (uint32_t)(q->driver >> 32) : 0;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
		return q ? (uint32_t)q->device : 0;
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		return q ? (uint32_t)(q->device >> 32) : 0;
	default:
		return 0;
	}
}

static void vp_common_write(struct virtio_pci *vp, uint64_t off, uint32_t val)
{
	struct virtio_pci_queue *q = vp_selected(vp);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		vp->dev_feature_sel = val;
		break;
	case VIRTIO_PCI_COMMON_GFSELECT:
		vp->drv_feature_sel = val;
		break;
	case VIRTIO_PCI_COMMON_GF:
		virtio_dev_write_features(vp->d, vp->drv_feature_sel, val);
		break;
	case VIRTIO_PCI_COMMON_MSIX:
		vp->msix_config = vp_vector_check(vp, val);
		break;
	case VIRTIO_PCI_COMMON_STATUS:
		vp_set_status(vp, (uint8_t)val);
		break;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		vp->queue_sel = (uint16_t)val;
		break;
	case VIRTIO_PCI_COMMON_Q_SIZE:
		if (q && !q->enabled)
			q->size = (uint16_t)val;
		break;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		if (q)
			q->vector = vp_vector_check(vp, val);
		break;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		/* Writing 0 is not allowed without VIRTIO_F_RING_RESET. */
		if (q && val == 1)
			vp_queue_enable(vp, vp->queue_sel);
		break;
	case VIRTIO_PCI_COMMON_Q_DESCLO:
	case VIRTIO_PCI_COMMON_Q_DESCHI:
		vp_queue_addr(q, q ? &q->desc : NULL,
			      off == VIRTIO_PCI_COMMON_Q_DESCHI, val);
		break;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
	case VIRTIO_PCI_COMMON_Q_AVAILHI:
		vp_queue_addr(q, q ? &q->driver : NULL,
			      off == VIRTIO_PCI_COMMON_Q_AVAILHI, val);
		break;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
	case VIRTIO_PCI_COMMON_Q_USEDHI:
		vp_queue_addr(q, q ? &q->device : NULL,
			      off == VIRTIO_PCI_COMMON_Q_USEDHI, val);
		break;
	default:
		break;	/* read-only or no such register */
	}
}

/*
 * queue_desc, queue_driver and queue_device are 64-bit fields, and their
 * natural access is 64 bits wide: a driver may also use two 32-bit
 * halves (virtio 1.2, 4.1.3.1), so the register table holds the halves
 * and a whole access is those two, low first.
 */
static bool vp_common_is64(uint64_t off)
{
	return off == VIRTIO_PCI_COMMON_Q_DESCLO ||
	       off == VIRTIO_PCI_COMMON_Q_AVAILLO ||
	       off == VIRTIO_PCI_COMMON_Q_USEDLO;
}

/* One register access; the width must match the register's. */
static void vp_common_reg(struct virtio_pci *vp, uint64_t off, uint8_t *data,
			  uint32_t len, bool is_write)
{
	if (vp_common_width(off) != len) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	if (is_write)
		vp_common_write(vp, off, get_le(data, len));
	else
		put_le(data, len, vp_common_read(vp, off));
}

static void vp_common_io(struct virtio_pci *vp, uint64_t off, uint8_t *data,
			 uint32_t len, bool is_write)
{
	if (len == 8 && vp_common_is64(off)) {
		vp_common_reg(vp, off, data, 4, is_write);
		vp_common_reg(vp, off + 4, data + 4, 4, is_write);
		return;
	}
	vp_common_reg(vp, off, data, len, is_write);
}

/* The other regions ------------------------------------------------------ */

static void vp_isr_io(struct virtio_pci *vp, uint64_t off, uint8_t *data,
		      uint32_t len, bool is_write)
{
	if (is_write)
		return;
	memset(data, 0, len);
	if (off == 0) {
		/* Reading acknowledges: this is what deasserts INTx. */
		data[0] = vp->isr;
		vp->isr = 0;
	}
}

static void vp_device_io(struct virtio_pci *vp, uint64_t off, uint8_t *data,
			 uint32_t len, bool is_write)
{
	struct virtio_dev *d = vp->d;
	const struct virtio_dev_ops *ops = d->ops;
	bool ok = off < ops->config_size && len <= ops->config_size - off;

	if (is_write) {
		if (ok && ops->config_write)
			ops->config_write(d, (uint32_t)off, data, len);
		return;
	}
	memset(data, 0, len);
	if (ok && ops->config_read)
		ops->config_read(d, (uint32_t)off, data, len);
}

static void vp_notify_io(struct virtio_pci *vp, uint64_t off, uint32_t len,
			 bool is_write)
{
	/* The written value (the queue index) is redundant: use the address. */
	if (is_write && !(off % VIRTIO_PCI_NOTIFY_MULT) && (len == 2 || len == 4))
		vp_kick(vp, (unsigned int)(off / VIRTIO_PCI_NOTIFY_MULT));
}

int virtio_pci_bar_io(struct pci_dev *dev, unsigned int bar, uint64_t off,
		      uint8_t *data, uint32_t len, bool is_write)
{
	struct virtio_pci *vp = vp_of(dev);
	uint64_t region = off & ~(uint64_t)(VIRTIO_PCI_REGION_SIZE - 1);
	uint64_t roff = off - region;

	if (!is_write)
		memset(data, 0, len);
	/* No access may span two regions. */
	if (bar != VIRTIO_PCI_BAR || !len ||
	    roff + len > VIRTIO_PCI_REGION_SIZE)
		return 0;
	pthread_mutex_lock(&vp->d->lock);
	switch (region) {
	case VIRTIO_PCI_COMMON_OFF:
		vp_common_io(vp, roff, data, len, is_write);
		break;
	case VIRTIO_PCI_ISR_OFF:
		vp_isr_io(vp, roff, data, len, is_write);
		break;
	case VIRTIO_PCI_DEVICE_OFF:
		vp_device_io(vp, roff, data, len, is_write);
		break;
	case VIRTIO_PCI_NOTIFY_OFF:
		vp_notify_io(vp, roff, len, is_write);
		break;
	default:
		break;	/* MSI-X is handled by the PCI core; the rest is empty */
	}
	pthread_mutex_unlock(&vp->d->lock);
	return 0;
}

/*
 * VIRTIO_PCI_CAP_PCI_CFG: a window into BAR0 through config space, for
 * firmware that cannot map BARs. The driver sets bar, offset and length,
 * then reads or writes pci_cfg_data, which does the BAR access.
 */
static void vp_cfg_hook(struct pci_dev *dev, uint32_t off, uint32_t len,
			bool is_write)
{
	struct virtio_pci *vp = vp_of(dev);
	uint32_t cap = vp->cfg_cap;
	uint32_t data_off = cap + (uint32_t)VP_CFG_CAP_DATA;
	const uint8_t *c = dev->cfg;
	uint8_t buf[4], bar;
	uint32_t boff, blen;

	if (!cap || off >= data_off + 4 || off + len <= data_off)
		return;
	/* Snapshot the window under the bus lock; access the BAR without. */
	pci_bus_lock(vp->pb);
	bar = c[cap + offsetof(struct virtio_pci_cap, bar)];
	boff = get_le(&c[cap + offsetof(struct virtio_pci_cap, offset)], 4);
	blen = get_le(&c[cap + offsetof(struct virtio_pci_cap, length)], 4);
	memcpy(buf, &c[data_off], sizeof(buf));
	pci_bus_unlock(vp->pb);
	if (bar != VIRTIO_PCI_BAR || (blen != 1 && blen != 2 && blen != 4) ||
	    boff % blen || boff >= VIRTIO_PCI_BAR_SIZE)
		return;
	pci_dev_bar_access(dev, VIRTIO_PCI_BAR, boff, buf, blen, is_write);
	if (is_write)
		return;
	pci_bus_lock(vp->pb);
	memcpy(&dev->cfg[data_off], buf, blen);
	pci_bus_unlock(vp->pb);
}

/* Creation ---------------------------------------------------------------- */

/* Add one virtio vendor capability pointing into BAR0. */
static int vp_add_cap(struct virtio_pci *vp, uint8_t type, uint8_t len,
		      uint32_t offset, uint32_t length)
{
	int cap = pci_cap_add(&vp->pci, PCI_CAP_ID_VNDR, len);
	uint8_t *c;

	if (cap < 0)
		return cap;
	c = &vp->pci.cfg[cap];
	c[offsetof(struct virtio_pci_cap, cap_len)] = len;
	c[offsetof(struct virtio_pci_cap, cfg_type)] = type;
	c[offsetof(struct virtio_pci_cap, bar)] = VIRTIO_PCI_BAR;
	put_le(&c[offsetof(struct virtio_pci_cap, offset)], 4, offset);
	put_le(&c[offsetof(struct virtio_pci_cap, length)], 4, length);
	return cap;
}

static int vp_add_caps(struct virtio_pci *vp)
{
	uint32_t notify_len = VIRTIO_PCI_NOTIFY_MULT * vp->d->nr_queues;
	uint8_t *w;
	int cap;

	if (vp_add_cap(vp, VIRTIO_PCI_CAP_COMMON_CFG, VP_CAP_LEN,
		       VIRTIO_PCI_COMMON_OFF, VP_COMMON_LEN) < 0 ||
	    vp_add_cap(vp, VIRTIO_PCI_CAP_ISR_CFG, VP_CAP_LEN,
		       VIRTIO_PCI_ISR_OFF, VIRTIO_PCI_REGION_SIZE) < 0 ||
	    vp_add_cap(vp, VIRTIO_PCI_CAP_DEVICE_CFG, VP_CAP_LEN,
		       VIRTIO_PCI_DEVICE_OFF, VIRTIO_PCI_REGION_SIZE) < 0)
		return -ENOSPC;
	cap = vp_add_cap(vp, VIRTIO_PCI_CAP_NOTIFY_CFG, VP_NOTIFY_CAP_LEN,
			 VIRTIO_PCI_NOTIFY_OFF, notify_len);
	if (cap < 0)
		return cap;
	put_le(&vp->pci.cfg[cap + VIRTIO_PCI_NOTIFY_CAP_MULT], 4,
	       VIRTIO_PCI_NOTIFY_MULT);
	/* PCI_CFG: bar, offset, length and data are the driver's to set. */
	cap = vp_add_cap(vp, VIRTIO_PCI_CAP_PCI_CFG, VP_CFG_CAP_LEN, 0, 0);
	if (cap < 0)
		return cap;
	vp->cfg_cap = (uint8_t)cap;
	w = &vp->pci.wmask[cap];
	w[offsetof(struct virtio_pci_cap, bar)] = 0xff;
	memset(&w[offsetof(struct virtio_pci_cap, offset)], 0xff, 4);
	memset(&w[offsetof(struct virtio_pci_cap, length)], 0xff, 4);
	memset(&w[VP_CFG_CAP_DATA], 0xff, 4);
	return 0;
}

static int vp_check_dev(const struct virtio_dev *d,
			const struct virtio_platform *plat)
{
	if (!d || !d->ops || !plat || !plat->gsi_alloc || !plat->msi_route ||
	    !plat->irqfd)
		return -EINVAL;
	if (!d->nr_queues || d->nr_queues > VIRTIO_MAX_QUEUES ||
	    !d->queue_max || d->queue_max > VIRTQ_MAX_SIZE ||
	    (d->queue_max & (d->queue_max - 1)))
		return -EINVAL;
	if (d->ops->device_id >= 0x40 ||
	    d->ops->config_size > VIRTIO_PCI_REGION_SIZE)
		return -EINVAL;
	return 0;
}

/* The PCI function: header, BAR0, MSI-X and the virtio capabilities. */
static int vp_setup_function(struct virtio_pci *vp)
{
	uint32_t id = vp->d->ops->device_id;
	int err;

	pci_dev_init(&vp->pci, VIRTIO_PCI_VENDOR,
		     (uint16_t)(VIRTIO_PCI_DEVICE_BASE + id),
		     vp_class_code(id), VIRTIO_PCI_REVISION,
		     VIRTIO_PCI_VENDOR, (uint16_t)id, 1);
	vp->pci.bar_fn = virtio_pci_bar_io;
	vp->pci.cfg_hook = vp_cfg_hook;
	vp->pci.decode_change = vp_decode_change;
	vp->pci.priv = vp;
	err = pci_dev_add_bar(&vp->pci, VIRTIO_PCI_BAR, VIRTIO_PCI_BAR_SIZE);
	if (!err)
		err = pci_msix_init(&vp->pci, vp->nr_vectors, VIRTIO_PCI_BAR,
				    VIRTIO_PCI_MSIX_TABLE_OFF,
				    VIRTIO_PCI_MSIX_PBA_OFF, vp_msix_change,
				    vp);
	if (!err)
		err = vp_add_caps(vp);
	return err;
}

static int vp_new_eventfd(int *fd)
{
	*fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return *fd < 0 ? -errno : 0;
}

/* Eventfds for kicks and vectors; a GSI and an irqfd per vector. */
static int vp_setup_eventfds(struct virtio_pci *vp)
{
	const struct virtio_platform *plat = vp->plat;
	int err = vp_new_eventfd(&vp->intx_fd);

	for (unsigned int qi = 0; !err && qi < vp->d->nr_queues; qi++)
		err = vp_new_eventfd(&vp->q[qi].kick_fd);
	for (unsigned int v = 0; !err && v < vp->nr_vectors; v++) {
		int gsi;

		err = vp_new_eventfd(&vp->irq_fd[v]);
		if (err)
			break;
		gsi = plat->gsi_alloc(plat->ctx);
		if (gsi < 0)
			return gsi;
		/* Route masked until the driver programs the entry. */
		err = plat->msi_route(plat->ctx, (unsigned int)gsi, 0, 0, true);
		if (!err)
			err = plat->irqfd(plat->ctx, (unsigned int)gsi,
					  vp->irq_fd[v], true);
		if (!err)
			vp->irq_gsi[v] = gsi;
		vp->route[v] = (struct virtio_pci_route){
			.valid = !err, .masked = true,
		};
	}
	return err;
}

/* INTA: an irqfd on the slot's GSI, known only once the slot is. */
static int vp_setup_intx(struct virtio_pci *vp)
{
	const struct virtio_platform *plat = vp->plat;
	unsigned int gsi = pci_intx_gsi(vp->pci.slot);
	int err;

	vp->pci.cfg[PCI_INTERRUPT_LINE] = (uint8_t)gsi;
	err = plat->irqfd(plat->ctx, gsi, vp->intx_fd, true);
	if (!err)
		vp->intx_gsi = (int)gsi;
	return err;
}

static void vp_init_state(struct virtio_pci *vp, struct pci_bus *pb,
			  struct virtio_dev *d,
			  const struct virtio_platform *plat)
{
	memset(vp, 0, sizeof(*vp));
	vp->pb = pb;
	vp->d = d;
	vp->plat = plat;
	vp->nr_vectors = d->nr_queues + 1;
	vp->intx_fd = -1;
	vp->intx_gsi = -1;
	vp->msix_config = VIRTIO_PCI_NO_VECTOR;
	for (unsigned int v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++) {
		vp->irq_fd[v] = -1;
		vp->irq_gsi[v] = -1;
	}
	for (unsigned int qi = 0; qi < VIRTIO_MAX_QUEUES; qi++)
		vp->q[qi].kick_fd = -1;
	for (unsigned int qi = 0; qi < d->nr_queues; qi++)
		vp_queue_defaults(vp, qi);
	vp->pci.slot = -1;
}

int virtio_pci_create(struct virtio_pci *vp, struct pci_bus *pb,
		      struct virtio_dev *d, const struct virtio_platform *plat,
		      struct errbuf *err)
{
	const char *name;
	int ret;

	if (!vp || !pb)
		return errbuf_set(err, -EINVAL, "virtio-pci: no device or bus");
	ret = vp_check_dev(d, plat);
	if (ret)
		return errbuf_set(err, ret, "virtio-pci: invalid device or "
				  "platform hooks");
	name = d->name ? d->name : "virtio";
	vp_init_state(vp, pb, d, plat);
	ret = vp_setup_function(vp);
	if (ret)
		return errbuf_set(err, ret, "%s: PCI function setup failed",
				  name);
	ret = vp_setup_eventfds(vp);
	if (ret) {
		virtio_pci_destroy(vp);
		return errbuf_set(err, ret, "%s: interrupt/kick setup: %s",
				  name, strerror(-ret));
	}
	ret = pci_bus_add(pb, &vp->pci, -1);
	if (ret < 0) {
		virtio_pci_destroy(vp);
		return errbuf_set(err, ret, "%s: no room on the PCI bus: %s",
				  name, strerror(-ret));
	}
	vp->added = true;
	ret = vp_setup_intx(vp);
	if (ret) {
		virtio_pci_destroy(vp);
		return errbuf_set(err, ret, "%s: INTx irqfd: %s", name,
				  strerror(-ret));
	}
	d->host_features |= VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT);
	d->transport = vp;
	d->signal_queue = vp_signal_queue;
	d->signal_config = vp_signal_config;
	d->queue_kick_fd = vp_queue_kick_fd;
	return 0;
}

static void vp_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void virtio_pci_destroy(struct virtio_pci *vp)
{
	const struct virtio_platform *plat = vp->plat;
	struct virtio_dev *d = vp->d;

	if (!plat || !d)
		return;
	pthread_mutex_lock(&d->lock);
	for (unsigned int qi = 0; qi < d->nr_queues; qi++) {
		vp_queue_stop(vp, qi);
		vp_close(&vp->q[qi].kick_fd);
	}
	for (unsigned int v = 0; v < vp->nr_vectors; v++) {
		if (vp->irq_gsi[v] >= 0)
			plat->irqfd(plat->ctx, (unsigned int)vp->irq_gsi[v],
				    vp->irq_fd[v], false);
		vp->irq_gsi[v] = -1;
		vp_close(&vp->irq_fd[v]);
	}
	if (vp->intx_gsi >= 0)
		plat->irqfd(plat->ctx, (unsigned int)vp->intx_gsi, vp->intx_fd,
			    false);
	vp->intx_gsi = -1;
	vp_close(&vp->intx_fd);
	if (vp->added)
		pci_bus_remove(vp->pb, &vp->pci);
	vp->added = false;
	if (d->transport == vp) {
		d->signal_queue = NULL;
		d->signal_config = NULL;
		d->queue_kick_fd = NULL;
		d->transport = NULL;
	}
	pthread_mutex_unlock(&d->lock);
	vp->plat = NULL;
}
