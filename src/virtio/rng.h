/* SPDX-License-Identifier: MIT */
/*
 * virtio-rng (entropy device): one request queue whose writable buffers
 * are filled from the host's getrandom().
 */
#ifndef VMM_VIRTIO_RNG_H
#define VMM_VIRTIO_RNG_H

#include "virtio/virtio.h"

/* Bytes of entropy given per chain at most; the driver asks again. */
#define RNG_MAX_PER_REQ		(64 * 1024)
#define RNG_QUEUE_SIZE		256

/*
 * virtio_rng_create - make @d a virtio-rng device. @d must be zeroed
 * apart from what its owner set (lock, gm, name, log). Returns 0 or
 * -ENOMEM.
 */
int virtio_rng_create(struct virtio_dev *d);

/* virtio_rng_destroy - free the device state; safe twice. */
void virtio_rng_destroy(struct virtio_dev *d);

#endif
