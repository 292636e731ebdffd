/* SPDX-License-Identifier: MIT */
/*
 * Virtio devices in a VM: platform hooks and device set-up.
 */
#ifndef VMM_VM_VIRTIO_H
#define VMM_VM_VIRTIO_H

#include <stdbool.h>

#include "virtio/transport.h"
#include "virtio/virtio.h"
#include "virtio/virtio_mmio.h"
#include "virtio/virtio_pci.h"

#define VM_MAX_VDEVS	24

struct vm;

enum vdev_kind { VDEV_BLK, VDEV_RNG, VDEV_CONSOLE, VDEV_NET, VDEV_VSOCK };

#define VM_NET_MAX_QUEUES	16	/* queue pairs (tap fds) per NIC */

/* One virtio device and the transport that carries it. */
struct vm_vdev {
	struct virtio_dev dev;
	enum vdev_kind kind;
	bool created;		/* the device half exists */
	bool attached;		/* the transport half exists */
	char name[32];
	/* VDEV_NET: the tap, owned here (the device only borrows the fds). */
	int tap_fds[VM_NET_MAX_QUEUES];
	unsigned int nr_tap_fds;
	char ifname[16];
	union {
		struct virtio_pci pci;
		struct virtio_mmio mmio;
	};
};

/*
 * vm_virtio_setup - the event loop, PCI bus (or virtio-mmio windows)
 * and every configured virtio device. Part of the DEVICES stage.
 */
int vm_virtio_setup(struct vm *vm);

/* vm_virtio_start - start the event loop thread (before the vCPUs). */
int vm_virtio_start(struct vm *vm);

/* vm_virtio_teardown - undo vm_virtio_setup; vCPUs must be stopped. */
void vm_virtio_teardown(struct vm *vm);

/*
 * vm_virtio_console_write - host input for the virtio console; returns
 * bytes accepted or -errno.
 */
int vm_virtio_console_write(struct vm *vm, const void *buf, size_t len);

/* vm_virtio_platform - the hooks transports use to reach KVM and the loop. */
void vm_virtio_platform(struct vm *vm, struct virtio_platform *p);

#endif
