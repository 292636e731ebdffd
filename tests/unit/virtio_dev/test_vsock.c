// SPDX-License-Identifier: MIT
/*
 * virtio-vsock on vhost-vsock. Most cases run against a fake vhost (the
 * vhost_ioctl hook, with /dev/null standing in for the device node) that
 * records what the device asked for: the CID checks, the error lines,
 * the feature set, what activate hands the kernel (memory map, ring host
 * addresses, kick and call eventfds), reset and re-activation, and how a
 * failing request ends in NEEDS_RESET. One case drives the real
 * /dev/vhost-vsock as the guest driver would: a connection request on
 * the tx ring reaches a host AF_VSOCK listener, and the answer and data
 * come back on the rx ring. It is skipped, with the reason, on a host
 * without vhost_vsock.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/vhost.h>
#include <linux/virtio_vsock.h>
#include <linux/vm_sockets.h>
#include <cmocka.h>

#include "devfix.h"
#include "virtio/vsock.h"

#define NQ	VSOCK_NR_VHOST_QUEUES

/* A vhost-vsock that only records. */
struct fake_vhost {
	uint64_t features;		/* what GET_FEATURES returns */
	unsigned long fail_req;		/* this request fails... */
	int fail_err;			/* ...with this (negative) */
	bool owner;
	uint64_t cid;
	uint64_t acked;			/* SET_FEATURES */
	struct vhost_memory_region regions[GUEST_MEM_MAX_REGIONS];
	unsigned int nregions;
	struct vhost_vring_state num[NQ], base[NQ];
	struct vhost_vring_addr addr[NQ];
	int kick[NQ], call[NQ];
	int running;
	unsigned int nr_running_calls;
};

/* A fake event loop watch table. */
struct fake_watch {
	int fd[NQ];
	vsock_watch_fn fn[NQ];
	void *ctx[NQ];
	unsigned int arg[NQ];
	unsigned int nr_active;
	int fail;			/* watch returns this if set */
};

struct vt {
	struct devfix f;
	struct fake_vhost vh;
	struct fake_watch w;
	struct vsock_config cfg;
	struct errbuf err;
	int kick_fd[VSOCK_NR_QUEUES];
	uint64_t rx_gpa[8];		/* real vhost: rx buffer of each head */
	unsigned int signalled[VSOCK_NR_QUEUES];
	bool no_kick_fd;
};

static int fake_ioctl(void *ictx, int fd, unsigned long req, void *arg)
{
	struct fake_vhost *vh = ictx;

	if (req == vh->fail_req && vh->fail_err)
		return vh->fail_err;
	switch (req) {
	case VHOST_SET_OWNER:
		if (vh->owner)
			return -EBUSY;
		vh->owner = true;
		return 0;
	case VHOST_GET_FEATURES:
		*(uint64_t *)arg = vh->features;
		return 0;
	case VHOST_SET_FEATURES:
		vh->acked = *(uint64_t *)arg;
		return 0;
	case VHOST_VSOCK_SET_GUEST_CID:
		vh->cid = *(uint64_t *)arg;
		return 0;
	case VHOST_SET_MEM_TABLE: {
		const struct vhost_memory *m = arg;

		if (m->nregions > GUEST_MEM_MAX_REGIONS)
			return -E2BIG;
		vh->nregions = m->nregions;
		memcpy(vh->regions, m->regions,
		       m->nregions * sizeof(m->regions[0]));
		return 0;
	}
	case VHOST_SET_VRING_NUM:
	case VHOST_SET_VRING_BASE: {
		const struct vhost_vring_state *s = arg;

		if (s->index >= NQ)
			return -ENOBUFS;
		if (vh->running)
			return -EBUSY;	/* as vhost: not under a backend */
		if (req == VHOST_SET_VRING_NUM)
			vh->num[s->index] = *s;
		else
			vh->base[s->index] = *s;
		return 0;
	}
	case VHOST_SET_VRING_ADDR: {
		const struct vhost_vring_addr *a = arg;

		if (a->index >= NQ)
			return -ENOBUFS;
		vh->addr[a->index] = *a;
		return 0;
	}
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL: {
		const struct vhost_vring_file *f = arg;

		if (f->index >= NQ)
			return -ENOBUFS;
		if (req == VHOST_SET_VRING_KICK)
			vh->kick[f->index] = f->fd;
		else
			vh->call[f->index] = f->fd;
		return 0;
	}
	case VHOST_VSOCK_SET_RUNNING:
		vh->running = *(int *)arg;
		vh->nr_running_calls++;
		return 0;
	}
	return -ENOTTY;
}

static int fake_watch(void *wctx, int fd, vsock_watch_fn fn, void *ctx,
		      unsigned int arg)
{
	struct fake_watch *w = wctx;

	if (w->fail)
		return w->fail;
	if (arg >= NQ || w->fn[arg])
		return -EEXIST;		/* watched twice without unwatch */
	w->fd[arg] = fd;
	w->fn[arg] = fn;
	w->ctx[arg] = ctx;
	w->arg[arg] = arg;
	w->nr_active++;
	return 0;
}

static void fake_unwatch(void *wctx, int fd)
{
	struct fake_watch *w = wctx;

	for (unsigned int i = 0; i < NQ; i++) {
		if (w->fn[i] && w->fd[i] == fd) {
			w->fn[i] = NULL;
			w->nr_active--;
		}
	}
}

static int test_kick_fd(struct virtio_dev *d, unsigned int qi)
{
	struct vt *t = container_of(d, struct vt, f.d);

	return t->no_kick_fd || qi >= VSOCK_NR_QUEUES ? -1 : t->kick_fd[qi];
}

static void test_signal_queue(struct virtio_dev *d, unsigned int qi)
{
	struct vt *t = container_of(d, struct vt, f.d);

	if (qi < VSOCK_NR_QUEUES)
		t->signalled[qi]++;
}

/* A test context with the fake vhost behind /dev/null. */
static int setup(void **state)
{
	struct vt *t = calloc(1, sizeof(*t));

	if (!t || devfix_init(&t->f))
		return -1;
	for (unsigned int qi = 0; qi < VSOCK_NR_QUEUES; qi++) {
		t->kick_fd[qi] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (t->kick_fd[qi] < 0)
			return -1;
	}
	for (unsigned int qi = 0; qi < NQ; qi++)
		t->vh.kick[qi] = t->vh.call[qi] = -1;
	/* Everything vhost-vsock offers, and then some it must not pass on. */
	t->vh.features = VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT) |
			 VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX_BIT) |
			 VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC_BIT) |
			 VIRTIO_FEATURE(VIRTIO_VSOCK_F_SEQPACKET) |
			 VIRTIO_FEATURE(24) |	/* NOTIFY_ON_EMPTY */
			 VIRTIO_FEATURE(26) |	/* VHOST_F_LOG_ALL */
			 VIRTIO_FEATURE(33);	/* ACCESS_PLATFORM */
	t->cfg = (struct vsock_config){
		.guest_cid = 3, .vhost_path = "/dev/null",
		.watch = fake_watch, .unwatch = fake_unwatch, .wctx = &t->w,
		.vhost_ioctl = fake_ioctl, .ictx = &t->vh,
	};
	t->f.d.queue_kick_fd = test_kick_fd;
	t->f.d.signal_queue = test_signal_queue;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct vt *t = *state;

	virtio_vsock_destroy(&t->f.d);
	virtio_vsock_destroy(&t->f.d);	/* twice is fine */
	assert_null(t->f.d.priv);
	for (unsigned int qi = 0; qi < VSOCK_NR_QUEUES; qi++)
		close(t->kick_fd[qi]);
	devfix_exit(&t->f);
	free(t);
	return 0;
}

static int vt_create(struct vt *t)
{
	return virtio_vsock_create(&t->f.d, &t->cfg, &t->err);
}

static void test_vsock_create(void **state)
{
	struct vt *t = *state;
	struct virtio_dev *d = &t->f.d;

	assert_int_equal(vt_create(t), 0);
	assert_int_equal(d->ops->device_id, 19);
	assert_int_equal(d->ops->config_size, 8);
	assert_int_equal(d->nr_queues, 3);
	assert_int_equal(d->queue_max, VSOCK_QUEUE_SIZE);
	assert_true(t->vh.owner);
	assert_int_equal(t->vh.cid, 3);
	/* vhost's offer, narrowed to what we can back. */
	assert_int_equal(d->host_features,
			 VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT) |
			 VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX_BIT) |
			 VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC_BIT) |
			 VIRTIO_FEATURE(VIRTIO_VSOCK_F_SEQPACKET));
}

/* An older vhost without SEQPACKET: not offered either. */
static void test_vsock_features_subset(void **state)
{
	struct vt *t = *state;

	t->vh.features = VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT) |
			 VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX_BIT);
	assert_int_equal(vt_create(t), 0);
	assert_int_equal(t->f.d.host_features, t->vh.features);
}

static void test_vsock_config_le64(void **state)
{
	struct vt *t = *state;
	struct virtio_dev *d = &t->f.d;
	const uint8_t want[8] = { 0xef, 0xbe, 0xad, 0xde, 0, 0, 0, 0 };
	uint8_t buf[8];
	uint32_t hi = 0x1234;

	t->cfg.guest_cid = 0xdeadbeef;
	assert_int_equal(vt_create(t), 0);
	d->ops->config_read(d, 0, buf, 8);
	assert_memory_equal(buf, want, 8);
	d->ops->config_read(d, 2, buf, 2);
	assert_memory_equal(buf, want + 2, 2);
	d->ops->config_read(d, 4, &hi, 4);
	assert_int_equal(hi, 0);
	/* Read-only: a write changes nothing. */
	d->ops->config_write(d, 0, "\1\2\3\4\5\6\7\10", 8);
	d->ops->config_read(d, 0, buf, 8);
	assert_memory_equal(buf, want, 8);
}

static void test_vsock_bad_cids(void **state)
{
	struct vt *t = *state;
	const uint64_t bad[] = { 0, 1, 2, 0xffffffffULL, 0x100000000ULL,
				 UINT64_MAX };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char want[64];

		t->cfg.guest_cid = bad[i];
		assert_int_equal(vt_create(t), -EINVAL);
		assert_null(t->f.d.priv);
		snprintf(want, sizeof(want), "vsock cid %llu is %s",
			 (unsigned long long)bad[i],
			 bad[i] <= 2 ? "reserved" : "too large");
		assert_non_null(strstr(t->err.msg, want));
		assert_null(strchr(t->err.msg, '\n'));
	}
	assert_false(t->vh.owner);	/* rejected before vhost is touched */
	t->cfg.guest_cid = 0xfffffffeULL;
	assert_int_equal(vt_create(t), 0);
}

static void test_vsock_missing_path(void **state)
{
	struct vt *t = *state;

	t->cfg.vhost_path = "/nonexistent/vhost-vsock";
	t->cfg.vhost_ioctl = NULL;
	assert_int_equal(vt_create(t), -ENOENT);
	assert_string_equal(t->err.msg, "vsock: /nonexistent/vhost-vsock: No "
			    "such file or directory (load the vhost_vsock "
			    "module)");
	assert_null(t->f.d.priv);
	assert_null(t->f.d.ops);
}

static void test_vsock_cid_in_use(void **state)
{
	struct vt *t = *state;

	t->vh.fail_req = VHOST_VSOCK_SET_GUEST_CID;
	t->vh.fail_err = -EADDRINUSE;
	assert_int_equal(vt_create(t), -EADDRINUSE);
	assert_string_equal(t->err.msg, "vsock: guest cid 3 is already in use");
	assert_null(t->f.d.priv);
}

/* Not really vhost (/dev/null and no hook): a clear line, no crash. */
static void test_vsock_not_vhost(void **state)
{
	struct vt *t = *state;

	t->cfg.vhost_ioctl = NULL;
	assert_int_equal(vt_create(t), -ENOTTY);
	assert_non_null(strstr(t->err.msg, "VHOST_SET_OWNER"));
	assert_null(t->f.d.priv);
}

/* Everything activate must have handed the fake vhost. */
static void check_started(struct vt *t)
{
	struct virtio_dev *d = &t->f.d;
	const struct guest_mem *gm = d->gm;

	assert_false(d->broken);
	assert_int_equal(t->vh.running, 1);
	assert_int_equal(t->vh.acked, d->guest_features);
	assert_int_equal(t->vh.nregions, gm->nr_regions);
	for (unsigned int i = 0; i < gm->nr_regions; i++) {
		assert_int_equal(t->vh.regions[i].guest_phys_addr,
				 gm->regions[i].gpa);
		assert_int_equal(t->vh.regions[i].memory_size,
				 gm->regions[i].size);
		assert_int_equal(t->vh.regions[i].userspace_addr,
				 (uintptr_t)gm->regions[i].hva);
	}
	for (unsigned int qi = 0; qi < NQ; qi++) {
		const struct virtq *q = &d->vqs[qi];

		assert_int_equal(t->vh.num[qi].num, 128);
		assert_int_equal(t->vh.base[qi].num, 0);
		assert_int_equal(t->vh.addr[qi].desc_user_addr,
				 (uintptr_t)q->desc);
		assert_int_equal(t->vh.addr[qi].avail_user_addr,
				 (uintptr_t)q->avail);
		assert_int_equal(t->vh.addr[qi].used_user_addr,
				 (uintptr_t)q->used);
		assert_int_equal(t->vh.addr[qi].flags, 0);
		assert_int_equal(t->vh.kick[qi], t->kick_fd[qi]);
		assert_true(t->vh.call[qi] >= 0);
		assert_int_not_equal(t->vh.call[qi], t->kick_fd[qi]);
		assert_non_null(t->w.fn[qi]);
		assert_int_equal(t->w.fd[qi], t->vh.call[qi]);
	}
	assert_int_not_equal(t->vh.call[0], t->vh.call[1]);
	assert_int_equal(t->w.nr_active, NQ);
}

/* What reset must have undone. */
static void check_stopped(struct vt *t)
{
	assert_int_equal(t->vh.running, 0);
	assert_int_equal(t->w.nr_active, 0);
	for (unsigned int qi = 0; qi < NQ; qi++) {
		assert_int_equal(t->vh.kick[qi], -1);
		assert_int_equal(t->vh.call[qi], -1);
	}
}

/* The call eventfd of queue @qi fires: run its watch as the loop would. */
static void fire_call(struct vt *t, unsigned int qi)
{
	assert_non_null(t->w.fn[qi]);
	assert_int_equal(eventfd_write(t->w.fd[qi], 1), 0);
	t->w.fn[qi](t->w.ctx[qi], t->w.arg[qi]);
}

static void test_vsock_activate(void **state)
{
	struct vt *t = *state;
	struct virtio_dev *d = &t->f.d;

	assert_int_equal(vt_create(t), 0);
	assert_int_equal(devfix_start(&t->f, 128), 0);
	check_started(t);
	/* Kicks eaten before vhost polled are made up for; not queue 2. */
	for (unsigned int qi = 0; qi < VSOCK_NR_QUEUES; qi++) {
		eventfd_t n = 0;

		assert_int_equal(eventfd_read(t->kick_fd[qi], &n),
				 qi < NQ ? 0 : -1);
		assert_int_equal(n, qi < NQ ? 1 : 0);
	}
	/* A vhost call becomes the transport's queue interrupt. */
	fire_call(t, 1);
	fire_call(t, 1);
	fire_call(t, 0);
	assert_int_equal(t->signalled[0], 1);
	assert_int_equal(t->signalled[1], 2);
	assert_int_equal(t->signalled[2], 0);
	/* Kicks reach queue_notify too: nothing happens, nothing breaks. */
	for (unsigned int qi = 0; qi < VSOCK_NR_QUEUES; qi++)
		devfix_notify(&t->f, qi);
	assert_false(d->broken);
	assert_int_equal(qb_used_idx(&t->f.b[2]), 0);
	assert_int_equal(t->f.nr_logs, 0);
}

static void test_vsock_reset_reactivate(void **state)
{
	struct vt *t = *state;
	struct virtio_dev *d = &t->f.d;
	vsock_watch_fn fn;
	void *ctx;

	assert_int_equal(vt_create(t), 0);
	assert_int_equal(devfix_start(&t->f, 128), 0);
	fn = t->w.fn[0];
	ctx = t->w.ctx[0];
	pthread_mutex_lock(&d->lock);
	d->ops->reset(d);
	pthread_mutex_unlock(&d->lock);
	check_stopped(t);
	/* A call already on its way when the reset came goes nowhere. */
	fn(ctx, 0);
	assert_int_equal(t->signalled[0], 0);
	for (unsigned int qi = 0; qi < VSOCK_NR_QUEUES; qi++)
		virtq_reset(&d->vqs[qi]);
	/* The driver comes back: everything is set up again. */
	assert_int_equal(devfix_start(&t->f, 128), 0);
	check_started(t);
	fire_call(t, 0);
	assert_int_equal(t->signalled[0], 1);
}

/*
 * Activation with @req failing with @err (or the watch / kick fd set up
 * to fail): NEEDS_RESET with @what in the log, nothing left started.
 */
static void activate_fails(struct vt *t, unsigned long req, int err,
			   int ret, const char *what)
{
	struct virtio_dev *d = &t->f.d;

	assert_int_equal(vt_create(t), 0);
	t->vh.fail_req = req;
	t->vh.fail_err = err;
	assert_int_equal(devfix_start(&t->f, 128), ret);
	assert_true(d->broken);
	assert_true(d->status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(t->f.nr_logs, 1);
	assert_non_null(strstr(t->f.last_log, what));
	assert_non_null(strstr(t->f.last_log, strerror(-ret)));
	assert_int_equal(t->vh.running, 0);
	assert_int_equal(t->w.nr_active, 0);
}

static void test_vsock_fail_features(void **state)
{
	activate_fails(*state, VHOST_SET_FEATURES, -EOPNOTSUPP, -EOPNOTSUPP,
		       "VHOST_SET_FEATURES");
}

static void test_vsock_fail_mem_table(void **state)
{
	activate_fails(*state, VHOST_SET_MEM_TABLE, -EFAULT, -EFAULT,
		       "VHOST_SET_MEM_TABLE");
}

static void test_vsock_fail_vring_addr(void **state)
{
	activate_fails(*state, VHOST_SET_VRING_ADDR, -EINVAL, -EINVAL,
		       "queue 0: VHOST_SET_VRING_ADDR");
	check_stopped(*state);
}

static void test_vsock_fail_running(void **state)
{
	activate_fails(*state, VHOST_VSOCK_SET_RUNNING, -EFAULT, -EFAULT,
		       "VHOST_VSOCK_SET_RUNNING");
	check_stopped(*state);
}

static void test_vsock_fail_watch(void **state)
{
	struct vt *t = *state;

	t->w.fail = -ENOSPC;
	activate_fails(t, 0, 0, -ENOSPC, "queue 0: event loop watch");
	check_stopped(t);
}

static void test_vsock_no_kick_fd(void **state)
{
	struct vt *t = *state;

	t->no_kick_fd = true;
	activate_fails(t, 0, 0, -ENODEV, "queue 0: transport has no kick");
}

/* Real vhost ---------------------------------------------------------- */

#define REAL_GUEST_PORT	1025

/* Wait up to 5 s for @fd to be readable. */
static bool wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 5000) == 1;
}

/* Post writable 4 KiB buffers on the rx ring, one per chain. */
static void post_rx(struct vt *t)
{
	struct qb *b = &t->f.b[0];

	for (unsigned int i = 0; i < ARRAY_SIZE(t->rx_gpa); i++) {
		struct qb_seg s = { .gpa = qb_buf(b, 4096, 0), .len = 4096,
				    .write = true };
		int head = qb_chain(b, &s, 1);

		assert_true(head >= 0 && head < (int)ARRAY_SIZE(t->rx_gpa));
		t->rx_gpa[head] = s.gpa;
	}
}

/*
 * Wait for rx used entry @n, and return the packet header it holds
 * (the chains were posted in order, so the head says which buffer).
 */
static const struct virtio_vsock_hdr *rx_packet(struct vt *t, uint16_t n,
						uint32_t *len)
{
	struct qb *b = &t->f.b[0];
	uint32_t id;

	for (int i = 0; i < 500 && (uint16_t)(qb_used_idx(b) - n) == 0; i++)
		usleep(10 * 1000);
	assert_int_not_equal((uint16_t)(qb_used_idx(b) - n), 0);
	assert_int_equal(devfix_used(&t->f, 0, n, &id, len), 0);
	assert_true(*len >= sizeof(struct virtio_vsock_hdr));
	assert_true(id < ARRAY_SIZE(t->rx_gpa));
	return devfix_host(&t->f, t->rx_gpa[id], 4096);
}

/* Send a header-only packet from the "guest" on the tx ring and kick. */
static void tx_packet(struct vt *t, uint64_t cid, unsigned int port,
		      uint16_t op)
{
	struct qb *b = &t->f.b[1];
	struct virtio_vsock_hdr h = {
		.src_cid = cid, .dst_cid = VMADDR_CID_HOST,
		.src_port = REAL_GUEST_PORT, .dst_port = port,
		.type = VIRTIO_VSOCK_TYPE_STREAM, .op = op,
		.buf_alloc = 65536,
	};
	struct qb_seg s = { .gpa = qb_alloc(b, sizeof(h), 8),
			    .len = sizeof(h) };

	memcpy(devfix_host(&t->f, s.gpa, sizeof(h)), &h, sizeof(h));
	assert_true(qb_chain(b, &s, 1) >= 0);
	assert_int_equal(eventfd_write(t->kick_fd[1], 1), 0);
}

/* A host AF_VSOCK listener on some free port; the socket, *@port. */
static int host_listen(unsigned int *port)
{
	int s = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_vm sa = { .svm_family = AF_VSOCK,
				  .svm_cid = VMADDR_CID_ANY,
				  .svm_port = VMADDR_PORT_ANY };
	socklen_t sl = sizeof(sa);

	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s, 1), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	*port = sa.svm_port;
	return s;
}

static void test_vsock_real_vhost(void **state)
{
	struct vt *t = *state;
	const struct virtio_vsock_hdr *h;
	unsigned int port;
	uint32_t len;
	int fd, ls, cs, ret;

	fd = open(VSOCK_DEFAULT_VHOST, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		print_message("SKIP: %s: %s (no vhost_vsock on this host)\n",
			      VSOCK_DEFAULT_VHOST, strerror(errno));
		skip();
	}
	close(fd);
	t->cfg.vhost_path = NULL;
	t->cfg.vhost_ioctl = NULL;
	/* A CID nobody else on this host is likely to hold. */
	t->cfg.guest_cid = 100000 + (uint64_t)getpid() % 100000;
	while ((ret = vt_create(t)) == -EADDRINUSE)
		t->cfg.guest_cid++;
	assert_int_equal(ret, 0);
	assert_true(t->f.d.host_features &
		    VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT));
	assert_int_equal(devfix_start(&t->f, 128), 0);
	assert_false(t->f.d.broken);
	assert_int_equal(t->w.nr_active, NQ);

	ls = host_listen(&port);
	post_rx(t);
	tx_packet(t, t->cfg.guest_cid, port, VIRTIO_VSOCK_OP_REQUEST);

	/* The host kernel accepts: RESPONSE on rx, with a call. */
	h = rx_packet(t, 0, &len);
	assert_int_equal(h->op, VIRTIO_VSOCK_OP_RESPONSE);
	assert_int_equal(h->src_cid, VMADDR_CID_HOST);
	assert_int_equal(h->dst_cid, t->cfg.guest_cid);
	assert_int_equal(h->src_port, port);
	assert_int_equal(h->dst_port, REAL_GUEST_PORT);
	assert_true(wait_readable(t->w.fd[0]));
	t->w.fn[0](t->w.ctx[0], t->w.arg[0]);
	assert_int_equal(t->signalled[0], 1);
	/* The request chain went back on tx. */
	assert_int_equal(qb_used_idx(&t->f.b[1]), 1);

	assert_true(wait_readable(ls));
	cs = accept(ls, NULL, NULL);
	assert_true(cs >= 0);
	assert_int_equal(write(cs, "hello", 5), 5);
	h = rx_packet(t, 1, &len);
	assert_int_equal(h->op, VIRTIO_VSOCK_OP_RW);
	assert_int_equal(h->len, 5);
	assert_int_equal(len, sizeof(*h) + 5);
	assert_memory_equal(h + 1, "hello", 5);

	/* Reset stops vhost; the rings can be handed over again. */
	pthread_mutex_lock(&t->f.d.lock);
	t->f.d.ops->reset(&t->f.d);
	pthread_mutex_unlock(&t->f.d.lock);
	assert_int_equal(t->w.nr_active, 0);
	close(cs);
	close(ls);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_vsock_create),
		T(test_vsock_features_subset),
		T(test_vsock_config_le64),
		T(test_vsock_bad_cids),
		T(test_vsock_missing_path),
		T(test_vsock_cid_in_use),
		T(test_vsock_not_vhost),
		T(test_vsock_activate),
		T(test_vsock_reset_reactivate),
		T(test_vsock_fail_features),
		T(test_vsock_fail_mem_table),
		T(test_vsock_fail_vring_addr),
		T(test_vsock_fail_running),
		T(test_vsock_fail_watch),
		T(test_vsock_no_kick_fd),
		T(test_vsock_real_vhost),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
