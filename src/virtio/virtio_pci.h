/* SPDX-License-Identifier: MIT */
/*
 * virtio-pci, modern (virtio 1.x) interface only: no legacy I/O BAR, so
 * the device id is 0x1040 + the virtio device id, revision 1, and the
 * driver must negotiate VIRTIO_F_VERSION_1.
 *
 * BAR0 (32-bit MMIO, VIRTIO_PCI_BAR_SIZE bytes):
 *   0x0000  common configuration (struct virtio_pci_common_cfg)
 *   0x1000  ISR status (1 byte, read-to-clear)
 *   0x2000  device-specific configuration (ops->config_size bytes)
 *   0x3000  notifications: queue q at 0x3000 + 4 * q
 *   0x4000  MSI-X table, nr_queues + 1 vectors
 *   0x5000  MSI-X PBA
 *
 * Interrupts: each MSI-X vector has an eventfd bound with KVM_IRQFD to a
 * GSI of its own whose MSI route follows the vector's table entry. With
 * MSI-X disabled the device sets ISR bits and pulses INTA on GSI
 * pci_intx_gsi(slot) through another irqfd (see pci.h for how to
 * describe it). Guest kicks land on one eventfd per queue: KVM signals
 * it directly through an ioeventfd on the queue's notify address (kept
 * in step with BAR moves), and a notify write that still exits to
 * userspace is forwarded to the same eventfd, so queue_notify always
 * runs on the event loop thread.
 *
 * Locking: the transport's state is the device's: d->lock is taken
 * around every register access, and signal_queue/signal_config expect
 * their caller to hold it (as the device model's callers do). MSI-X
 * state is the PCI core's, under the bus lock, taken after d->lock.
 */
#ifndef VMM_VIRTIO_VIRTIO_PCI_H
#define VMM_VIRTIO_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "pci/pci.h"
#include "virtio/transport.h"
#include "virtio/virtio.h"

struct errbuf;

#define VIRTIO_PCI_VENDOR		0x1af4
#define VIRTIO_PCI_DEVICE_BASE		0x1040	/* + virtio device id */
#define VIRTIO_PCI_REVISION		1
#define VIRTIO_PCI_BAR			0
#define VIRTIO_PCI_BAR_SIZE		0x8000
#define VIRTIO_PCI_REGION_SIZE		0x1000
#define VIRTIO_PCI_COMMON_OFF		0x0000
#define VIRTIO_PCI_ISR_OFF		0x1000
#define VIRTIO_PCI_DEVICE_OFF		0x2000
#define VIRTIO_PCI_NOTIFY_OFF		0x3000
#define VIRTIO_PCI_NOTIFY_MULT		4
#define VIRTIO_PCI_MSIX_TABLE_OFF	0x4000
#define VIRTIO_PCI_MSIX_PBA_OFF		0x5000
#define VIRTIO_PCI_MAX_VECTORS		(VIRTIO_MAX_QUEUES + 1)
#define VIRTIO_PCI_NO_VECTOR		0xffff

struct virtio_pci_queue {
	uint16_t size;			/* driver's choice, checked at enable */
	uint16_t vector;		/* MSI-X vector or NO_VECTOR */
	bool enabled;
	uint64_t desc, driver, device;	/* ring addresses */
	int kick_fd;			/* eventfd the event loop watches */
	bool watched;			/* kick_watch is active */
	uint64_t ioeventfd_addr;	/* where KVM signals kick_fd; 0: none */
};

/* What was last given to msi_route for a vector, to skip no-op updates. */
struct virtio_pci_route {
	bool valid;
	bool masked;
	uint64_t addr;
	uint32_t data;
};

struct virtio_pci {
	struct pci_dev pci;
	struct pci_bus *pb;
	struct virtio_dev *d;
	const struct virtio_platform *plat;
	bool added;			/* on the bus */

	uint32_t dev_feature_sel;
	uint32_t drv_feature_sel;
	uint16_t msix_config;
	uint16_t queue_sel;
	uint8_t isr;
	uint8_t config_gen;
	uint8_t cfg_cap;		/* offset of the PCI_CFG capability */

	unsigned int nr_vectors;
	int irq_fd[VIRTIO_PCI_MAX_VECTORS];
	int irq_gsi[VIRTIO_PCI_MAX_VECTORS];	/* -1: not bound */
	struct virtio_pci_route route[VIRTIO_PCI_MAX_VECTORS];
	int intx_fd;
	int intx_gsi;			/* -1: not bound */
	struct virtio_pci_queue q[VIRTIO_MAX_QUEUES];
};

/*
 * virtio_pci_create - put @d on @pb as a virtio-pci device in the first
 * free slot. @d must have ops, gm, lock (initialised), nr_queues
 * (1..VIRTIO_MAX_QUEUES) and queue_max (a power of two) set; VIRTIO_F_VERSION_1 is added to its
 * host_features, and d->signal_queue/signal_config/transport are set.
 * @plat needs gsi_alloc, msi_route and irqfd; without ioeventfd every
 * kick exits to userspace, and without kick_watch (tests) kicks call
 * ops->queue_notify on the vCPU thread. Returns 0 or -errno with @err
 * filled; on failure everything is undone except allocated GSIs.
 */
int virtio_pci_create(struct virtio_pci *vp, struct pci_bus *pb,
		      struct virtio_dev *d, const struct virtio_platform *plat,
		      struct errbuf *err);

/*
 * virtio_pci_destroy - undo virtio_pci_create: drop ioeventfds, kick
 * watches and irqfds, close the eventfds, leave the bus. Call with the
 * vCPUs stopped. Safe on a zeroed or already destroyed @vp.
 */
void virtio_pci_destroy(struct virtio_pci *vp);

/*
 * virtio_pci_bar_io - the BAR0 handler (a pci_bar_fn; @dev is
 * &vp->pci); takes d->lock. Exposed for tests.
 */
int virtio_pci_bar_io(struct pci_dev *dev, unsigned int bar, uint64_t off,
		      uint8_t *data, uint32_t len, bool is_write);

#endif
