/* SPDX-License-Identifier: MIT */
/*
 * A virtio device on test rings: fake guest memory and driver-side
 * queues from the virtqueue builder, a struct virtio_dev set up the way
 * its owner and transport would, and a log that records NEEDS_RESET
 * lines. No transport: completions just land in the used rings.
 */
#ifndef VMM_TEST_DEVFIX_H
#define VMM_TEST_DEVFIX_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/qbuilder.h"
#include "virtio/virtio.h"

#define DEVFIX_MAX_QUEUES	4

struct devfix {
	struct qb_mem m;
	struct virtio_dev d;
	struct qb b[DEVFIX_MAX_QUEUES];	/* the driver side of each queue */
	char last_log[512];
	unsigned int nr_logs;
};

/* devfix_init - memory and a bare device (lock, gm, name, log). */
int devfix_init(struct devfix *f);

/*
 * devfix_start - after the device's create: accept all its features,
 * build a ring of @size for each of its queues (queue 0 with its
 * buffers in low RAM, the others in high RAM) and set DRIVER_OK.
 */
int devfix_start(struct devfix *f, uint16_t size);

/* devfix_notify - a kick of queue @qi, under d->lock as the loop does. */
void devfix_notify(struct devfix *f, unsigned int qi);

/* devfix_host - host pointer for guest range [gpa, gpa + len). */
void *devfix_host(struct devfix *f, uint64_t gpa, uint64_t len);

/* devfix_used - used ring entry @n (0 = first) of queue @qi; 0/-errno. */
int devfix_used(struct devfix *f, unsigned int qi, uint16_t n, uint32_t *id,
		uint32_t *len);

/* devfix_exit - unmap the memory (the device is the test's to destroy). */
void devfix_exit(struct devfix *f);

#endif
