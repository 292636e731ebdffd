// SPDX-License-Identifier: MIT
/*
 * virtio-vsock on vhost-vsock.
 *
 * The kernel does all the work for queues 0 (rx) and 1 (tx): we hand it
 * the memory map, the rings' host addresses, the transport's kick
 * eventfds (KVM's ioeventfds, so a guest kick wakes vhost without a
 * VMM hop) and a call eventfd of ours per queue. A call is forwarded to
 * d->signal_queue on the event loop, so interrupt delivery (MSI-X
 * masking, INTx and its ISR bit) stays the transport's business.
 *
 * The transport also hands kicks of every queue to queue_notify (it
 * reads the same eventfds; vhost is woken by the write either way):
 * that is a no-op here. The event queue (2) is never used: the host
 * side has no transport reset events to send, so its buffers just wait.
 */
#include "virtio/vsock.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_vsock.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* What we let the guest see of vhost's features: nothing we can't back. */
#define VSOCK_WANTED_FEATURES \
	(VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT) | \
	 VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX_BIT) | \
	 VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC_BIT) | \
	 VIRTIO_FEATURE(VIRTIO_VSOCK_F_SEQPACKET))

struct vsock_dev {
	int vhost_fd;
	uint64_t cid;
	uint64_t vhost_features;	/* VHOST_GET_FEATURES */
	int call_fd[VSOCK_NR_VHOST_QUEUES];
	bool watched[VSOCK_NR_VHOST_QUEUES];	/* call_fd on the loop */
	bool bound[VSOCK_NR_VHOST_QUEUES];	/* vhost has kick/call fds */
	int kick_fd[VSOCK_NR_VHOST_QUEUES];	/* the transport's, not ours */
	bool running;			/* VHOST_VSOCK_SET_RUNNING 1 done */
	struct vsock_config cfg;	/* hooks only; vhost_path not kept */
};

/* One vhost request, through the test hook if there is one. */
static int vsock_ioctl(struct vsock_dev *v, unsigned long req, void *arg)
{
	int ret;

	if (v->cfg.vhost_ioctl)
		return v->cfg.vhost_ioctl(v->cfg.ictx, v->vhost_fd, req, arg);
	ret = ioctl(v->vhost_fd, req, arg);
	return ret < 0 ? -errno : ret;
}

/* Forward a vhost call on queue @qi to the guest (event loop thread). */
static void vsock_call_fired(void *ctx, unsigned int qi)
{
	struct virtio_dev *d = ctx;
	struct vsock_dev *v;

	pthread_mutex_lock(&d->lock);
	v = d->priv;
	/* A call that raced with a reset must not reach the new driver. */
	if (v && v->running && !d->broken && d->signal_queue)
		d->signal_queue(d, qi);
	pthread_mutex_unlock(&d->lock);
}

/*
 * Take the rings away from vhost and stop forwarding its calls, so that
 * a later activate can set everything up again. Errors are ignored: this
 * is a way back, and vhost fails these only for a device it no longer
 * serves anyway.
 */
static void vsock_stop(struct vsock_dev *v)
{
	struct vhost_vring_file f;
	int off = 0;

	if (v->running)
		vsock_ioctl(v, VHOST_VSOCK_SET_RUNNING, &off);
	v->running = false;
	for (unsigned int qi = 0; qi < VSOCK_NR_VHOST_QUEUES; qi++) {
		if (v->watched[qi])
			v->cfg.unwatch(v->cfg.wctx, v->call_fd[qi]);
		v->watched[qi] = false;
		if (!v->bound[qi])
			continue;
		/* Drop vhost's references to the transport's kick eventfd. */
		f = (struct vhost_vring_file){ .index = qi, .fd = -1 };
		vsock_ioctl(v, VHOST_SET_VRING_KICK, &f);
		f = (struct vhost_vring_file){ .index = qi, .fd = -1 };
		vsock_ioctl(v, VHOST_SET_VRING_CALL, &f);
		v->bound[qi] = false;
	}
}

/* Give vhost the guest's RAM regions at their host addresses. */
static int vsock_set_mem_table(struct virtio_dev *d, struct vsock_dev *v)
{
	const struct guest_mem *gm = d->gm;
	struct vhost_memory *mem;
	int err;

	mem = calloc(1, sizeof(*mem) +
		     gm->nr_regions * sizeof(mem->regions[0]));
	if (!mem)
		return -ENOMEM;
	mem->nregions = gm->nr_regions;
	for (unsigned int i = 0; i < gm->nr_regions; i++) {
		const struct guest_region *r = &gm->regions[i];

		mem->regions[i] = (struct vhost_memory_region){
			.guest_phys_addr = r->gpa,
			.memory_size = r->size,
			.userspace_addr = (uintptr_t)r->hva,
		};
	}
	err = vsock_ioctl(v, VHOST_SET_MEM_TABLE, mem);
	free(mem);
	return err;
}

/*
 * Hand ring @qi to vhost. On failure *@what names the request that
 * failed, for the log line.
 */
static int vsock_setup_vring(struct virtio_dev *d, struct vsock_dev *v,
			     unsigned int qi, const char **what)
{
	const struct virtq *q = &d->vqs[qi];
	struct vhost_vring_state num = { .index = qi, .num = q->size };
	struct vhost_vring_state base = { .index = qi, .num = q->last_avail };
	struct vhost_vring_addr addr = {
		.index = qi,
		.desc_user_addr = (uintptr_t)q->desc,
		.avail_user_addr = (uintptr_t)q->avail,
		.used_user_addr = (uintptr_t)q->used,
	};
	struct vhost_vring_file kick = { .index = qi, .fd = -1 };
	struct vhost_vring_file call = { .index = qi, .fd = v->call_fd[qi] };
	int err;

	if (!q->ready || !q->desc || !q->avail || !q->used) {
		*what = "queue not enabled by the driver";
		return -EINVAL;
	}
	if (d->queue_kick_fd)
		kick.fd = d->queue_kick_fd(d, qi);
	if (kick.fd < 0) {
		/* Without an eventfd vhost would never hear a kick. */
		*what = "transport has no kick eventfd";
		return -ENODEV;
	}
	*what = "VHOST_SET_VRING_NUM";
	err = vsock_ioctl(v, VHOST_SET_VRING_NUM, &num);
	if (err)
		return err;
	*what = "VHOST_SET_VRING_BASE";
	err = vsock_ioctl(v, VHOST_SET_VRING_BASE, &base);
	if (err)
		return err;
	*what = "VHOST_SET_VRING_ADDR";
	err = vsock_ioctl(v, VHOST_SET_VRING_ADDR, &addr);
	if (err)
		return err;
	v->bound[qi] = true;	/* from here on, vsock_stop unbinds */
	v->kick_fd[qi] = kick.fd;
	*what = "VHOST_SET_VRING_KICK";
	err = vsock_ioctl(v, VHOST_SET_VRING_KICK, &kick);
	if (err)
		return err;
	*what = "VHOST_SET_VRING_CALL";
	err = vsock_ioctl(v, VHOST_SET_VRING_CALL, &call);
	if (err)
		return err;
	*what = "event loop watch of the call eventfd";
	err = v->cfg.watch(v->cfg.wctx, v->call_fd[qi], vsock_call_fired, d,
			   qi);
	if (err)
		return err;
	v->watched[qi] = true;
	return 0;
}

/* Everything activate does; on failure the caller undoes it. */
static int vsock_start(struct virtio_dev *d, struct vsock_dev *v)
{
	uint64_t features = d->guest_features;
	const char *what = "VHOST_SET_FEATURES";
	int on = 1;
	int err;

	err = vsock_ioctl(v, VHOST_SET_FEATURES, &features);
	if (!err) {
		what = "VHOST_SET_MEM_TABLE";
		err = vsock_set_mem_table(d, v);
	}
	for (unsigned int qi = 0; !err && qi < VSOCK_NR_VHOST_QUEUES; qi++) {
		err = vsock_setup_vring(d, v, qi, &what);
		if (err) {
			virtio_dev_needs_reset(d, "vhost-vsock queue %u: %s: %s",
					       qi, what, strerror(-err));
			return err;
		}
	}
	if (!err) {
		what = "VHOST_VSOCK_SET_RUNNING";
		err = vsock_ioctl(v, VHOST_VSOCK_SET_RUNNING, &on);
	}
	if (err) {
		virtio_dev_needs_reset(d, "vhost-vsock %s: %s", what,
				       strerror(-err));
		return err;
	}
	v->running = true;
	/*
	 * A kick that came before vhost polled the eventfd was consumed by
	 * the event loop's read: kick once more so vhost looks at the rings.
	 */
	for (unsigned int qi = 0; qi < VSOCK_NR_VHOST_QUEUES; qi++)
		eventfd_write(v->kick_fd[qi], 1);
	return 0;
}

/*
 * DRIVER_OK: start vhost on the rings. Any failure leaves the device in
 * NEEDS_RESET with the failing request and errno in the log; a driver
 * reset then gets a clean retry.
 */
static int vsock_activate(struct virtio_dev *d)
{
	struct vsock_dev *v = d->priv;
	int err;

	vsock_stop(v);		/* a second DRIVER_OK without a reset */
	err = vsock_start(d, v);
	if (err)
		vsock_stop(v);
	return err;
}

/* Kicks are vhost's; the event queue is never served. */
static void vsock_queue_notify(struct virtio_dev *d, unsigned int qi)
{
}

static void vsock_reset(struct virtio_dev *d)
{
	vsock_stop(d->priv);
}

/* Config space: struct virtio_vsock_config, one le64 guest_cid. */
static void vsock_config_read(struct virtio_dev *d, uint32_t off, void *buf,
			      uint32_t len)
{
	const struct vsock_dev *v = d->priv;
	uint8_t cfg[sizeof(struct virtio_vsock_config)];

	for (unsigned int i = 0; i < sizeof(cfg); i++)
		cfg[i] = (uint8_t)(v->cid >> (8 * i));
	memcpy(buf, cfg + off, len);
}

/* The CID is the device's to choose: writes are ignored. */
static void vsock_config_write(struct virtio_dev *d, uint32_t off,
			       const void *buf, uint32_t len)
{
}

static const struct virtio_dev_ops vsock_ops = {
	.device_id = VIRTIO_ID_VSOCK,
	.config_size = sizeof(struct virtio_vsock_config),
	.config_read = vsock_config_read,
	.config_write = vsock_config_write,
	.activate = vsock_activate,
	.queue_notify = vsock_queue_notify,
	.reset = vsock_reset,
};

static void vsock_free(struct vsock_dev *v)
{
	for (unsigned int qi = 0; qi < VSOCK_NR_VHOST_QUEUES; qi++)
		if (v->call_fd[qi] >= 0)
			close(v->call_fd[qi]);
	if (v->vhost_fd >= 0)
		close(v->vhost_fd);
	free(v);
}

/* One line for a CID the guest may not have. */
static int vsock_check_cid(uint64_t cid, struct errbuf *err)
{
	if (cid < VSOCK_CID_MIN)
		return errbuf_set(err, -EINVAL, "vsock cid %llu is reserved "
				  "(0: hypervisor, 1: loopback, 2: host); "
				  "use %llu or more", (unsigned long long)cid,
				  VSOCK_CID_MIN);
	if (cid > VSOCK_CID_MAX)
		return errbuf_set(err, -EINVAL, "vsock cid %llu is too large "
				  "(at most %llu)", (unsigned long long)cid,
				  VSOCK_CID_MAX);
	return 0;
}

/* Open the vhost device with a hint for the usual ways that fails. */
static int vsock_open(struct vsock_dev *v, const char *path,
		      struct errbuf *err)
{
	int e;

	v->vhost_fd = open(path, O_RDWR | O_CLOEXEC);
	if (v->vhost_fd >= 0)
		return 0;
	e = errno;
	if (e == ENOENT || e == ENODEV || e == ENXIO)
		return errbuf_set(err, -e, "vsock: %s: %s (load the "
				  "vhost_vsock module)", path, strerror(e));
	if (e == EACCES || e == EPERM)
		return errbuf_set(err, -e, "vsock: %s: %s (run as root or "
				  "get read-write access to it)", path,
				  strerror(e));
	return errbuf_set(err, -e, "vsock: %s: %s", path, strerror(e));
}

/* Own the vhost device, learn its features and claim the CID. */
static int vsock_vhost_init(struct vsock_dev *v, const char *path,
			    struct errbuf *err)
{
	int ret;

	ret = vsock_ioctl(v, VHOST_SET_OWNER, NULL);
	if (ret)
		return errbuf_set(err, ret, "vsock: %s: VHOST_SET_OWNER: %s",
				  path, strerror(-ret));
	ret = vsock_ioctl(v, VHOST_GET_FEATURES, &v->vhost_features);
	if (ret)
		return errbuf_set(err, ret, "vsock: %s: VHOST_GET_FEATURES: %s",
				  path, strerror(-ret));
	if (!(v->vhost_features & VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT)))
		return errbuf_set(err, -EOPNOTSUPP, "vsock: %s: the kernel's "
				  "vhost-vsock lacks VIRTIO_F_VERSION_1", path);
	ret = vsock_ioctl(v, VHOST_VSOCK_SET_GUEST_CID, &v->cid);
	if (ret == -EADDRINUSE)
		return errbuf_set(err, ret, "vsock: guest cid %llu is already "
				  "in use", (unsigned long long)v->cid);
	if (ret)
		return errbuf_set(err, ret, "vsock: cannot set guest cid %llu: "
				  "%s", (unsigned long long)v->cid,
				  strerror(-ret));
	return 0;
}

int virtio_vsock_create(struct virtio_dev *d, const struct vsock_config *cfg,
			struct errbuf *err)
{
	const char *path = cfg->vhost_path ? cfg->vhost_path :
			   VSOCK_DEFAULT_VHOST;
	struct vsock_dev *v;
	int ret;

	ret = vsock_check_cid(cfg->guest_cid, err);
	if (ret)
		return ret;
	if (!cfg->watch || !cfg->unwatch)
		return errbuf_set(err, -EINVAL, "vsock: no event loop to "
				  "forward vhost's interrupts");
	v = calloc(1, sizeof(*v));
	if (!v)
		return errbuf_set(err, -ENOMEM, "vsock: out of memory");
	v->cfg = *cfg;
	v->cfg.vhost_path = NULL;	/* the caller's string, not kept */
	v->cid = cfg->guest_cid;
	v->vhost_fd = -1;
	for (unsigned int qi = 0; qi < VSOCK_NR_VHOST_QUEUES; qi++)
		v->call_fd[qi] = -1;

	ret = vsock_open(v, path, err);
	if (!ret)
		ret = vsock_vhost_init(v, path, err);
	for (unsigned int qi = 0; !ret && qi < VSOCK_NR_VHOST_QUEUES; qi++) {
		v->call_fd[qi] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->call_fd[qi] < 0)
			ret = errbuf_set(err, -errno, "vsock: eventfd: %s",
					 strerror(errno));
	}
	if (ret) {
		vsock_free(v);
		return ret;
	}
	d->ops = &vsock_ops;
	d->host_features = v->vhost_features & VSOCK_WANTED_FEATURES;
	d->nr_queues = VSOCK_NR_QUEUES;
	d->queue_max = VSOCK_QUEUE_SIZE;
	d->priv = v;
	return 0;
}

void virtio_vsock_destroy(struct virtio_dev *d)
{
	struct vsock_dev *v = d->priv;

	if (!v || d->ops != &vsock_ops)
		return;
	/*
	 * The loop is stopped (and may be gone): forget the watches rather
	 * than undo them, then stop vhost before its fds go.
	 */
	for (unsigned int qi = 0; qi < VSOCK_NR_VHOST_QUEUES; qi++)
		v->watched[qi] = false;
	vsock_stop(v);
	vsock_free(v);
	d->priv = NULL;
}
