/* SPDX-License-Identifier: MIT */
/*
 * virtio-vsock served by the host kernel's vhost-vsock: the data path
 * (rx and tx queues) runs entirely in the kernel, which reads guest
 * memory through our mapping, polls the transport's kick eventfds
 * itself and signals a call eventfd of ours per queue; we only forward
 * those signals to the transport as queue interrupts. The event queue
 * stays with us and is never used (its buffers are simply held).
 */
#ifndef VMM_VIRTIO_VSOCK_H
#define VMM_VIRTIO_VSOCK_H

#include <stdint.h>

#include "util.h"
#include "virtio/virtio.h"

#define VSOCK_QUEUE_SIZE	256
#define VSOCK_NR_QUEUES		3	/* rx, tx, event */
#define VSOCK_NR_VHOST_QUEUES	2	/* rx and tx live in the kernel */
#define VSOCK_DEFAULT_VHOST	"/dev/vhost-vsock"
/* CIDs 0-2 are the hypervisor, loopback and host; -1U means "any". */
#define VSOCK_CID_MIN		3ULL
#define VSOCK_CID_MAX		0xfffffffeULL

/* vsock_watch_fn - call back on the device event loop; see below. */
typedef void (*vsock_watch_fn)(void *ctx, unsigned int arg);

struct vsock_config {
	uint64_t guest_cid;	/* VSOCK_CID_MIN..VSOCK_CID_MAX */
	const char *vhost_path;	/* NULL = VSOCK_DEFAULT_VHOST */
	/*
	 * Watch eventfd @fd on the device event loop: call fn(ctx, arg) on
	 * the loop thread each time it fires (0 or -errno); and stop that.
	 * Both may be called with d->lock held, from any thread.
	 */
	int (*watch)(void *wctx, int fd, vsock_watch_fn fn, void *ctx,
		     unsigned int arg);
	void (*unwatch)(void *wctx, int fd);
	void *wctx;
	/*
	 * For tests: every vhost request goes through this instead of
	 * ioctl(2) when set (returns >= 0 or -errno, never sets errno).
	 */
	int (*vhost_ioctl)(void *ictx, int fd, unsigned long req, void *arg);
	void *ictx;
};

/*
 * virtio_vsock_create - open vhost-vsock, claim @cfg->guest_cid and make
 * @d a virtio-vsock device (3 queues, config space: le64 guest_cid).
 * @d must be zeroed apart from what its owner set (lock, gm, name, log).
 * The CID is claimed here, so a CID another VM holds fails now, not when
 * the guest's driver starts. Returns 0 or -errno with one line in @err,
 * such as "vsock: guest cid 3 is already in use".
 */
int virtio_vsock_create(struct virtio_dev *d, const struct vsock_config *cfg,
			struct errbuf *err);

/*
 * virtio_vsock_destroy - stop vhost, close everything and free the device
 * state. The event loop must already be stopped (watches are not undone:
 * nothing can call back any more). Safe on a device whose create failed,
 * and twice.
 */
void virtio_vsock_destroy(struct virtio_dev *d);

#endif
