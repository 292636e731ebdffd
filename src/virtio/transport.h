/* SPDX-License-Identifier: MIT */
/*
 * What a virtio transport needs from the VM, as hooks, so transports can
 * be unit-tested with fakes: eventfds for guest kicks (KVM_IOEVENTFD),
 * eventfds for interrupts (KVM_IRQFD with MSI routes or GSI lines), and
 * the event loop that polls the kick eventfds.
 */
#ifndef VMM_VIRTIO_TRANSPORT_H
#define VMM_VIRTIO_TRANSPORT_H

#include <stdbool.h>
#include <stdint.h>

struct virtio_dev;

struct virtio_platform {
	void *ctx;
	/*
	 * Make guest writes to [addr, addr + len) (MMIO, or port I/O when
	 * @pio) signal @efd inside KVM with no exit; @assign false undoes it.
	 */
	int (*ioeventfd)(void *ctx, uint64_t addr, uint32_t len, bool pio,
			 int efd, bool assign);
	/*
	 * Like ioeventfd, for MMIO writes of exactly @len bytes whose value
	 * is @datamatch (virtio-mmio's one QueueNotify register serves all
	 * queues: one eventfd per queue index). Optional.
	 */
	int (*ioeventfd_match)(void *ctx, uint64_t addr, uint32_t len,
			       uint64_t datamatch, int efd, bool assign);
	/* Reserve a GSI for an MSI route; returns it or -errno. */
	int (*gsi_alloc)(void *ctx);
	/* Point GSI @gsi at MSI (@addr, @data); @masked routes nothing. */
	int (*msi_route)(void *ctx, unsigned int gsi, uint64_t addr,
			 uint32_t data, bool masked);
	/* Writing 1 to @efd raises GSI @gsi (KVM_IRQFD). */
	int (*irqfd)(void *ctx, unsigned int gsi, int efd, bool assign);
	/*
	 * Poll @efd on the event loop and call the device's queue_notify
	 * for @qi on each kick; @watch false stops it.
	 */
	int (*kick_watch)(void *ctx, int efd, struct virtio_dev *d,
			  unsigned int qi, bool watch);
};

#endif
