// SPDX-License-Identifier: MIT
/*
 * Device test fixture (see devfix.h).
 */
#include "devfix.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void devfix_log(void *ctx, const char *msg)
{
	struct devfix *f = ctx;

	snprintf(f->last_log, sizeof(f->last_log), "%s", msg);
	f->nr_logs++;
}

int devfix_init(struct devfix *f)
{
	memset(f, 0, sizeof(*f));
	if (qb_mem_default(&f->m))
		return -ENOMEM;
	pthread_mutex_init(&f->d.lock, NULL);
	f->d.gm = &f->m.gm;
	f->d.name = "test-dev";
	f->d.log = devfix_log;
	f->d.log_ctx = f;
	return 0;
}

int devfix_start(struct devfix *f, uint16_t size)
{
	struct virtio_dev *d = &f->d;
	int err;

	if (d->nr_queues > DEVFIX_MAX_QUEUES)
		return -EINVAL;
	d->guest_features = d->host_features;
	d->status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		    VIRTIO_STATUS_FEATURES_OK;
	for (unsigned int qi = 0; qi < d->nr_queues; qi++) {
		uint64_t ring = QB_RING_GPA + qi * 0x10000ULL;
		uint64_t heap = qi ? QB_HIGH_GPA + (qi - 1) * 0x40000ULL :
				 QB_HEAP_GPA;

		err = qb_init(&f->b[qi], &f->m.gm, size, ring, heap, true, 0);
		if (!err)
			err = qb_virtq_init(&f->b[qi], &d->vqs[qi], true);
		if (err)
			return err;
	}
	d->status |= VIRTIO_STATUS_DRIVER_OK;
	return d->ops->activate ? d->ops->activate(d) : 0;
}

void devfix_notify(struct devfix *f, unsigned int qi)
{
	pthread_mutex_lock(&f->d.lock);
	f->d.ops->queue_notify(&f->d, qi);
	pthread_mutex_unlock(&f->d.lock);
}

void *devfix_host(struct devfix *f, uint64_t gpa, uint64_t len)
{
	return guest_mem_ptr(&f->m.gm, gpa, len);
}

int devfix_used(struct devfix *f, unsigned int qi, uint16_t n, uint32_t *id,
		uint32_t *len)
{
	return qb_used_elem(&f->b[qi], n, id, len);
}

void devfix_exit(struct devfix *f)
{
	qb_mem_exit(&f->m);
	pthread_mutex_destroy(&f->d.lock);
}
