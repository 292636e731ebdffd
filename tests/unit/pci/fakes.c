// SPDX-License-Identifier: MIT
#include "fakes.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

static int fake_ioeventfd(void *ctx, uint64_t addr, uint32_t len, bool pio,
			  int efd, bool assign)
{
	struct fake_plat *fp = ctx;

	if (pio || fp->nr_ioev >= FAKE_MAX_CALLS)
		return -EINVAL;
	fp->ioev[fp->nr_ioev++] = (struct fake_ioeventfd){
		.addr = addr, .len = len, .efd = efd, .assign = assign,
	};
	return 0;
}

static int fake_gsi_alloc(void *ctx)
{
	struct fake_plat *fp = ctx;

	if (fp->next_gsi >= FAKE_MAX_GSI)
		return -ENOSPC;
	return fp->next_gsi++;
}

static int fake_msi_route(void *ctx, unsigned int gsi, uint64_t addr,
			  uint32_t data, bool masked)
{
	struct fake_plat *fp = ctx;
	struct fake_route *r;

	if (gsi >= FAKE_MAX_GSI)
		return -EINVAL;
	r = &fp->route[gsi];
	r->addr = addr;
	r->data = data;
	r->masked = masked;
	r->calls++;
	return 0;
}

static int fake_irqfd(void *ctx, unsigned int gsi, int efd, bool assign)
{
	struct fake_plat *fp = ctx;

	if (gsi >= FAKE_MAX_GSI)
		return -EINVAL;
	if (assign) {
		fp->irqfd_efd[gsi] = efd;
	} else {
		fp->irqfd_efd[gsi] = -1;
		fp->nr_irqfd_deassign++;
	}
	return 0;
}

static int fake_kick_watch(void *ctx, int efd, struct virtio_dev *d,
			   unsigned int qi, bool watch)
{
	struct fake_plat *fp = ctx;

	fp->kick_calls++;
	if (qi >= VIRTIO_MAX_QUEUES)
		return -EINVAL;
	if (watch && fp->kick_fail)
		return fp->kick_fail;
	fp->kick_efd[qi] = watch ? efd : -1;
	return 0;
}

void fake_plat_init(struct fake_plat *fp, bool with_kick)
{
	memset(fp, 0, sizeof(*fp));
	fp->next_gsi = FAKE_GSI_BASE;
	for (int i = 0; i < FAKE_MAX_GSI; i++)
		fp->irqfd_efd[i] = -1;
	for (int i = 0; i < VIRTIO_MAX_QUEUES; i++)
		fp->kick_efd[i] = -1;
	fp->plat = (struct virtio_platform){
		.ctx = fp,
		.ioeventfd = fake_ioeventfd,
		.gsi_alloc = fake_gsi_alloc,
		.msi_route = fake_msi_route,
		.irqfd = fake_irqfd,
		.kick_watch = with_kick ? fake_kick_watch : NULL,
	};
}

static struct fake_dev *fake_of(struct virtio_dev *d)
{
	return (struct fake_dev *)d->priv;
}

static void fake_config_read(struct virtio_dev *d, uint32_t off, void *buf,
			     uint32_t len)
{
	struct fake_dev *fd = fake_of(d);

	fd->config_reads++;
	memcpy(buf, &fd->config[off], len);
}

static void fake_config_write(struct virtio_dev *d, uint32_t off,
			      const void *buf, uint32_t len)
{
	struct fake_dev *fd = fake_of(d);

	fd->config_writes++;
	memcpy(&fd->config[off], buf, len);
}

static int fake_activate(struct virtio_dev *d)
{
	struct fake_dev *fd = fake_of(d);

	fd->activate_calls++;
	return fd->activate_ret;
}

static void fake_queue_notify(struct virtio_dev *d, unsigned int qi)
{
	struct fake_dev *fd = fake_of(d);

	fd->notify_calls++;
	fd->last_notify = qi;
}

static void fake_reset(struct virtio_dev *d)
{
	fake_of(d)->reset_calls++;
}

static void fake_log(void *ctx, const char *msg)
{
	struct fake_dev *fd = ctx;

	(void)msg;
	fd->log_calls++;
}

int fake_dev_init(struct fake_dev *fd, uint32_t device_id,
		  unsigned int nr_queues, uint16_t queue_max)
{
	return fake_dev_init_ram(fd, device_id, nr_queues, queue_max, NULL);
}

int fake_dev_init_ram(struct fake_dev *fd, uint32_t device_id,
		      unsigned int nr_queues, uint16_t queue_max, uint8_t *ram)
{
	memset(fd, 0, sizeof(*fd));
	fd->ram_owned = !ram;
	fd->ram = ram ? ram : calloc(1, FAKE_RAM_SIZE);
	if (!fd->ram)
		return -1;
	guest_mem_init_empty(&fd->gm);
	if (guest_mem_add(&fd->gm, 0, FAKE_RAM_SIZE, fd->ram)) {
		if (fd->ram_owned)
			free(fd->ram);
		return -1;
	}
	fd->ops = (struct virtio_dev_ops){
		.device_id = device_id,
		.config_size = FAKE_CONFIG_SIZE,
		.config_read = fake_config_read,
		.config_write = fake_config_write,
		.activate = fake_activate,
		.queue_notify = fake_queue_notify,
		.reset = fake_reset,
	};
	for (int i = 0; i < FAKE_CONFIG_SIZE; i++)
		fd->config[i] = (uint8_t)(0xa0 + i);
	pthread_mutex_init(&fd->d.lock, NULL);
	fd->d.ops = &fd->ops;
	fd->d.gm = &fd->gm;
	fd->d.name = "fake-virtio";
	fd->d.nr_queues = nr_queues;
	fd->d.queue_max = queue_max;
	fd->d.host_features = VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX_BIT) |
			      VIRTIO_FEATURE(5);
	fd->d.log = fake_log;
	fd->d.log_ctx = fd;
	fd->d.priv = fd;
	return 0;
}

void fake_dev_exit(struct fake_dev *fd)
{
	pthread_mutex_destroy(&fd->d.lock);
	if (fd->ram_owned)
		free(fd->ram);
	fd->ram = NULL;
}

uint64_t fake_efd_count(int efd)
{
	eventfd_t v = 0;

	if (efd < 0 || eventfd_read(efd, &v) < 0)
		return 0;
	return v;
}

const struct fake_ioeventfd *fake_ioev_last(const struct fake_plat *fp,
					    uint64_t addr)
{
	for (int i = fp->nr_ioev - 1; i >= 0; i--)
		if (fp->ioev[i].addr == addr)
			return &fp->ioev[i];
	return NULL;
}
