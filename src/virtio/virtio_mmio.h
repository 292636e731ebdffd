/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio, version 2 (virtio 1.x) register interface, as Linux's
 * virtio_mmio driver expects it (<linux/virtio_mmio.h>): a 4 KiB window
 * with the control registers in 0x000..0x0ff and the device config
 * space from 0x100.
 *
 * The guest finds a device through ACPI (_HID "LNRO0005", a
 * Memory32Fixed of VIRTIO_MMIO_WINDOW bytes and an edge-triggered,
 * active-high Interrupt) or the command line
 * ("virtio_mmio.device=4K@<base>:<gsi>").
 *
 * Kicks: QueueNotify is one address for every queue, the queue index
 * being the value written, so a plain ioeventfd cannot tell queues apart.
 * Notify writes therefore exit to userspace, are bounds-checked here and
 * forwarded to the queue's eventfd, which the event loop watches (with
 * no kick_watch hook, tests, ops->queue_notify is called directly).
 * Interrupts: InterruptStatus bits plus a pulse on @gsi via an irqfd.
 *
 * Locking: d->lock is taken around every register access, and
 * signal_queue/signal_config expect their caller to hold it.
 */
#ifndef VMM_VIRTIO_VIRTIO_MMIO_H
#define VMM_VIRTIO_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/transport.h"
#include "virtio/virtio.h"

struct bus;
struct errbuf;

#define VIRTIO_MMIO_WINDOW	0x1000
#define VIRTIO_MMIO_CFG_OFF	0x100		/* VIRTIO_MMIO_CONFIG */
#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define VIRTIO_MMIO_VERSION_2	2
#define VIRTIO_MMIO_VENDOR	0x554d4551	/* "QEMU", as QEMU reports */

struct virtio_mmio_queue {
	uint16_t num;			/* QueueNum, checked at QueueReady */
	bool ready;
	uint64_t desc, driver, device;
	int kick_fd;			/* eventfd the event loop watches */
	bool watched;			/* kick_watch is active */
	bool in_kernel;			/* KVM signals kick_fd on QueueNotify */
};

struct virtio_mmio {
	struct virtio_dev *d;
	const struct virtio_platform *plat;
	uint64_t base;
	unsigned int gsi;
	bool irqfd_on;

	uint32_t dev_feature_sel;
	uint32_t drv_feature_sel;
	uint32_t queue_sel;
	uint32_t isr;			/* InterruptStatus */
	uint32_t config_gen;
	int irq_fd;
	struct virtio_mmio_queue q[VIRTIO_MAX_QUEUES];
};

/*
 * virtio_mmio_create - a virtio-mmio device for @d at @base (4 KiB on
 * @mmio, may be NULL in tests) interrupting on @gsi. @d must have ops,
 * gm, lock (initialised), nr_queues (1..VIRTIO_MAX_QUEUES) and a
 * power-of-two queue_max;
 * VIRTIO_F_VERSION_1 is added to host_features and d->signal_queue,
 * signal_config and transport are set. @plat needs irqfd; kick_watch is
 * optional (see above); ioeventfd, gsi_alloc and msi_route are unused.
 * Returns 0 or -errno with @err filled; nothing is left behind on
 * failure.
 */
int virtio_mmio_create(struct virtio_mmio *vmio, struct bus *mmio,
		       uint64_t base, unsigned int gsi, struct virtio_dev *d,
		       const struct virtio_platform *plat, struct errbuf *err);

/*
 * virtio_mmio_destroy - drop kick watches and the irqfd, close the
 * eventfds. The bus range stays registered (struct bus has no removal),
 * so call this only at VM teardown with the vCPUs stopped. Safe on a
 * zeroed or already destroyed @vmio.
 */
void virtio_mmio_destroy(struct virtio_mmio *vmio);

/*
 * virtio_mmio_io - the bus_fn for the window (@ctx is the struct
 * virtio_mmio). Control registers take aligned 32-bit accesses only;
 * anything else reads 0 and is dropped. Config space takes 1, 2, 4 or
 * 8 bytes inside ops->config_size.
 */
int virtio_mmio_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		   bool is_write);

#endif
