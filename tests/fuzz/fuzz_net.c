// SPDX-License-Identifier: MIT
/*
 * libFuzzer, structure-aware: virtio-net's transmit and receive paths on
 * real rings (tests/unit/virtio_dev's device fixture) with a socketpair
 * as the tap. The input is a list of commands: post a tx chain (segments
 * of any length and direction, bytes from the input: the vnet header is
 * whatever the guest wrote), post an rx chain, send a frame from the
 * host, kick a queue, let the event loop run its reads and writes, or
 * reset the device. Broken chains must end in NEEDS_RESET; nothing may
 * touch memory outside guest RAM or the device's own buffers.
 */
#include <errno.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "devfix.h"
#include "virtio/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RXQ	0
#define TXQ	1
#define MAX_OPS	256

struct op {
	bool write;
	int fd;
	const struct iovec *iov;
	unsigned int nr;
	struct ev_req *req;
};

struct fix {
	struct devfix f;
	int sv[2];
	struct op ops[MAX_OPS];
	unsigned int nr_ops;
};

static int queue_op(void *ctx, int fd, const struct iovec *iov, unsigned int nr,
		    struct ev_req *req, bool write)
{
	struct fix *t = ctx;

	if (t->nr_ops == MAX_OPS)
		return -EAGAIN;
	t->ops[t->nr_ops++] = (struct op){ write, fd, iov, nr, req };
	return 0;
}

static int op_readv(void *ctx, int fd, const struct iovec *iov, unsigned int nr,
		    uint64_t off, struct ev_req *req)
{
	return queue_op(ctx, fd, iov, nr, req, false);
}

static int op_writev(void *ctx, int fd, const struct iovec *iov, unsigned int nr,
		     uint64_t off, struct ev_req *req)
{
	return queue_op(ctx, fd, iov, nr, req, true);
}

static int no_offload(int fd, unsigned int flags)
{
	return 0;
}

/* Run what can complete now, as the loop would (a read waits for data). */
static void run_ops(struct fix *t)
{
	for (unsigned int rounds = 0; rounds < 64; rounds++) {
		bool progress = false;

		for (unsigned int i = 0; i < t->nr_ops; i++) {
			struct op o = t->ops[i];
			ssize_t n = o.write ? writev(o.fd, o.iov, (int)o.nr) :
					      readv(o.fd, o.iov, (int)o.nr);

			if (n < 0 && errno == EAGAIN)
				continue;
			memmove(&t->ops[i], &t->ops[i + 1],
				(t->nr_ops - i - 1) * sizeof(t->ops[0]));
			t->nr_ops--;
			o.req->done(o.req, n < 0 ? -errno : (int)n);
			progress = true;
			break;
		}
		if (!progress)
			return;
	}
}

struct in {
	const uint8_t *p;
	size_t left;
};

static unsigned int take(struct in *in, unsigned int bytes)
{
	unsigned int v = 0;

	for (unsigned int i = 0; i < bytes && in->left; i++, in->p++, in->left--)
		v |= (unsigned int)*in->p << (8 * i);
	return v;
}

/* A chain on queue @qi: up to 4 segments, lengths and bytes from @in. */
static void post_chain(struct fix *t, unsigned int qi, struct in *in)
{
	struct qb *b = &t->f.b[qi];
	struct qb_seg s[4];
	unsigned int n = 1 + take(in, 1) % 4;

	for (unsigned int i = 0; i < n; i++) {
		uint32_t len = take(in, 2) % 4096;
		uint8_t *p;

		s[i].write = take(in, 1) & 1;
		s[i].len = len;
		s[i].gpa = qb_buf(b, len ? len : 1, 0);
		if (!s[i].gpa)
			return;		/* the heap is used up */
		p = devfix_host(&t->f, s[i].gpa, len ? len : 1);
		for (uint32_t k = 0; k < len && in->left; k++)
			p[k] = (uint8_t)take(in, 1);
	}
	qb_chain(b, s, n);
}

static void host_send(struct fix *t, struct in *in)
{
	uint8_t frame[2048];
	size_t len = 12 + take(in, 2) % (sizeof(frame) - 12);

	for (size_t k = 0; k < len; k++)
		frame[k] = (uint8_t)take(in, 1);
	if (write(t->sv[1], frame, len) < 0)
		return;		/* the socket is full: the frame is lost */
}

/* Complete every queued operation as cancelled (after a reset: ignored). */
static void cancel_ops(struct fix *t)
{
	while (t->nr_ops) {
		struct op o = t->ops[--t->nr_ops];

		o.req->done(o.req, -ECANCELED);
	}
}

static void drain(int fd)
{
	uint8_t buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static void reset_dev(struct fix *t)
{
	pthread_mutex_lock(&t->f.d.lock);
	t->f.d.ops->reset(&t->f.d);
	pthread_mutex_unlock(&t->f.d.lock);
}

/*
 * One device for the whole run (fresh memory for every input costs more
 * than the input): each input starts from a reset device with new rings
 * and an empty "tap".
 */
static struct fix *fix_get(void)
{
	static struct fix fix;
	static struct dev_io io = { .ctx = &fix, .readv = op_readv,
				    .writev = op_writev };
	static int state;
	struct net_config cfg = {
		.queue_pairs = 1,
		.mac = { 0x52, 0x54, 0, 1, 2, 3 },
		.tap_offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
		.io = &io,
		.set_offload = no_offload,
		.tap_fds = &fix.sv[0],
	};
	struct errbuf err;

	if (!state) {
		state = -1;
		if (devfix_init(&fix.f) ||
		    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, fix.sv) ||
		    virtio_net_create(&fix.f.d, &cfg, &err))
			return NULL;
		state = 1;
	}
	return state > 0 ? &fix : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fix *t = fix_get();
	struct in in = { data, size };

	if (!t)
		return 0;
	reset_dev(t);
	cancel_ops(t);
	drain(t->sv[0]);
	drain(t->sv[1]);
	if (devfix_start(&t->f, 16))
		return 0;
	while (in.left) {
		switch (take(&in, 1) % 6) {
		case 0: post_chain(t, TXQ, &in); break;
		case 1: post_chain(t, RXQ, &in); break;
		case 2: host_send(t, &in); break;
		case 3: devfix_notify(&t->f, take(&in, 1) % 3); break;
		case 4: run_ops(t); break;
		default: reset_dev(t); break;
		}
	}
	run_ops(t);
	return 0;
}
