// SPDX-License-Identifier: MIT
/*
 * virtio-net on real rings (the device fixture) with a socketpair as the
 * tap (SOCK_SEQPACKET keeps frame boundaries, as a tap does) and a fake
 * event loop that performs the reads and writes when the test says so.
 * Covered: the vnet header both ways, mergeable rx buffer accounting, a
 * frame waiting for buffers, rx without MRG_RXBUF, hostile tx and rx
 * chains, a reset with a read in flight, a tap that fails, and the
 * offload feature mapping.
 */
#include <errno.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <cmocka.h>

#include "devfix.h"
#include "virtio/net.h"

#define RXQ 0
#define TXQ 1

struct fake_op {
	bool write;
	int fd;
	const struct iovec *iov;
	unsigned int nr;
	struct ev_req *req;
};

struct netfix {
	struct devfix f;
	int sv[2];		/* sv[0]: the "tap" the device uses; sv[1]: the host */
	struct fake_op ops[256];
	unsigned int nr_ops;
	unsigned int offload_calls;
	unsigned int last_offload;
};

static struct netfix *cur;

static int fake_rw(void *ctx, int fd, const struct iovec *iov, unsigned int nr,
		   struct ev_req *req, bool write)
{
	struct netfix *t = ctx;

	if (t->nr_ops == 256)
		return -EAGAIN;
	t->ops[t->nr_ops++] = (struct fake_op){ write, fd, iov, nr, req };
	return 0;
}

static int fake_readv(void *ctx, int fd, const struct iovec *iov,
		      unsigned int nr, uint64_t off, struct ev_req *req)
{
	return fake_rw(ctx, fd, iov, nr, req, false);
}

static int fake_writev(void *ctx, int fd, const struct iovec *iov,
		       unsigned int nr, uint64_t off, struct ev_req *req)
{
	return fake_rw(ctx, fd, iov, nr, req, true);
}

static int fake_offload(int fd, unsigned int flags)
{
	cur->offload_calls++;
	cur->last_offload = flags;
	return 0;
}

/*
 * Run what was submitted, as the loop would: a read with nothing to read
 * stays pending (io_uring waits for data); callbacks may submit more.
 */
static unsigned int run_ops(struct netfix *t)
{
	unsigned int done = 0;
	bool progress = true;

	while (progress) {
		progress = false;
		for (unsigned int i = 0; i < t->nr_ops; i++) {
			struct fake_op op = t->ops[i];
			ssize_t n = op.write ? writev(op.fd, op.iov, (int)op.nr) :
					       readv(op.fd, op.iov, (int)op.nr);

			if (n < 0 && errno == EAGAIN)
				continue;
			memmove(&t->ops[i], &t->ops[i + 1],
				(t->nr_ops - i - 1) * sizeof(t->ops[0]));
			t->nr_ops--;
			op.req->done(op.req, n < 0 ? -errno : (int)n);
			done++;
			progress = true;
			break;
		}
	}
	return done;
}

static int setup_with(void **state, bool mrg)
{
	struct netfix *t = calloc(1, sizeof(*t));
	struct dev_io io = { .readv = fake_readv, .writev = fake_writev };
	struct net_config cfg = {
		.queue_pairs = 1,
		.mac = { 0x52, 0x54, 0, 1, 2, 3 },
		.tap_offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
		.io = &io,
		.set_offload = fake_offload,
	};
	struct errbuf err;

	if (!t || devfix_init(&t->f) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, t->sv))
		return -1;
	cur = t;
	io.ctx = t;
	cfg.tap_fds = &t->sv[0];
	if (virtio_net_create(&t->f.d, &cfg, &err))
		return -1;
	if (!mrg)
		t->f.d.host_features &= ~(1ULL << VIRTIO_NET_F_MRG_RXBUF);
	if (devfix_start(&t->f, 64))
		return -1;
	*state = t;
	return 0;
}

static int setup(void **state) { return setup_with(state, true); }
static int setup_nomrg(void **state) { return setup_with(state, false); }

static int teardown(void **state)
{
	struct netfix *t = *state;

	virtio_net_destroy(&t->f.d);
	virtio_net_destroy(&t->f.d);	/* twice is fine */
	close(t->sv[0]);
	if (t->sv[1] >= 0)
		close(t->sv[1]);
	devfix_exit(&t->f);
	free(t);
	return 0;
}

/* Post a writable rx buffer of @len bytes; returns its gpa. */
static uint64_t post_rx(struct netfix *t, uint32_t len)
{
	struct qb_seg s = { .gpa = qb_buf(&t->f.b[RXQ], len, 0xee), .len = len,
			    .write = true };

	assert_true(qb_chain(&t->f.b[RXQ], &s, 1) >= 0);
	return s.gpa;
}

/* The host sends a frame: a vnet header (num_buffers 0) and @len bytes. */
static void host_send(struct netfix *t, size_t len, uint8_t fill)
{
	uint8_t *buf = malloc(NET_HDR_LEN + len);

	assert_non_null(buf);
	memset(buf, 0, NET_HDR_LEN);
	buf[0] = VIRTIO_NET_HDR_F_DATA_VALID;
	memset(buf + NET_HDR_LEN, fill, len);
	assert_int_equal(write(t->sv[1], buf, NET_HDR_LEN + len),
			 (ssize_t)(NET_HDR_LEN + len));
	free(buf);
}

static void test_features_and_config(void **state)
{
	struct netfix *t = *state;
	uint8_t cfg[10];

	assert_int_equal(t->f.d.ops->device_id, 1);
	assert_int_equal(t->f.d.nr_queues, 2);	/* one pair, no ctrl */
	assert_true(t->f.d.host_features & (1ULL << VIRTIO_NET_F_GUEST_TSO4));
	assert_false(t->f.d.host_features & (1ULL << VIRTIO_NET_F_MQ));
	t->f.d.ops->config_read(&t->f.d, 0, cfg, sizeof(cfg));
	assert_memory_equal(cfg, "\x52\x54\x00\x01\x02\x03", 6);
	assert_int_equal(cfg[6] | cfg[7] << 8, VIRTIO_NET_S_LINK_UP);
	assert_int_equal(cfg[8] | cfg[9] << 8, 1);
	/* activate told the tap exactly the offloads the guest took */
	assert_int_equal(t->offload_calls, 1);
	assert_int_equal(t->last_offload, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6);
}

static void test_offload_mapping(void **state)
{
	uint64_t f = net_guest_features(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO_ECN);

	assert_true(f & (1ULL << VIRTIO_NET_F_GUEST_CSUM));
	assert_true(f & (1ULL << VIRTIO_NET_F_GUEST_TSO4));
	assert_true(f & (1ULL << VIRTIO_NET_F_GUEST_ECN));
	assert_false(f & (1ULL << VIRTIO_NET_F_GUEST_TSO6));
	/* TSO without checksum offload is nothing. */
	assert_int_equal(net_guest_features(TUN_F_TSO4 | TUN_F_TSO6), 0);
	assert_int_equal(net_tun_flags(f), TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO_ECN);
	assert_int_equal(net_tun_flags(1ULL << VIRTIO_NET_F_GUEST_TSO4), 0);
}

/* TX: the guest's header and frame reach the tap as they are. */
static void test_tx_header_passthrough(void **state)
{
	struct netfix *t = *state;
	struct qb *b = &t->f.b[TXQ];
	struct qb_seg s[2];
	uint8_t *hdr, got[200];
	uint32_t id, len;

	s[0] = (struct qb_seg){ .gpa = qb_buf(b, NET_HDR_LEN, 0), .len = NET_HDR_LEN };
	s[1] = (struct qb_seg){ .gpa = qb_buf(b, 60, 0xab), .len = 60 };
	hdr = devfix_host(&t->f, s[0].gpa, NET_HDR_LEN);
	hdr[0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	hdr[1] = VIRTIO_NET_HDR_GSO_TCPV4;
	hdr[2] = 54;			/* hdr_len */
	hdr[4] = 0xdc; hdr[5] = 0x05;	/* gso_size 1500 */
	hdr[6] = 34; hdr[8] = 16;	/* csum_start, csum_offset */
	assert_true(qb_chain(b, s, 2) >= 0);
	devfix_notify(&t->f, TXQ);
	assert_int_equal(run_ops(t), 1);
	assert_int_equal(read(t->sv[1], got, sizeof(got)), NET_HDR_LEN + 60);
	assert_memory_equal(got, hdr, NET_HDR_LEN);
	assert_int_equal(got[NET_HDR_LEN], 0xab);
	assert_int_equal(qb_used_idx(b), 1);
	assert_int_equal(devfix_used(&t->f, TXQ, 0, &id, &len), 0);
	assert_int_equal(len, 0);
	assert_false(t->f.d.broken);
}

/* A tx chain shorter than the header is a broken driver. */
static void test_tx_short_chain(void **state)
{
	struct netfix *t = *state;
	struct qb *b = &t->f.b[TXQ];
	struct qb_seg s = { .gpa = qb_buf(b, 8, 0), .len = 8 };

	assert_true(qb_chain(b, &s, 1) >= 0);
	devfix_notify(&t->f, TXQ);
	assert_true(t->f.d.broken);
	assert_true(t->f.d.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_non_null(strstr(t->f.last_log, "shorter than the header"));
	for (unsigned int i = 0; i < t->nr_ops; i++)	/* only the rx read */
		assert_false(t->ops[i].write);
}

static void test_tx_writable(void **state)
{
	struct netfix *t = *state;
	struct qb *b = &t->f.b[TXQ];
	struct qb_seg s[2] = {
		{ .gpa = qb_buf(b, 64, 0), .len = 64 },
		{ .gpa = qb_buf(b, 64, 0), .len = 64, .write = true },
	};

	assert_true(qb_chain(b, s, 2) >= 0);
	devfix_notify(&t->f, TXQ);
	assert_true(t->f.d.broken);
	assert_non_null(strstr(t->f.last_log, "writable"));
}

/* A readable buffer on the rx ring is as bad. */
static void test_rx_readable(void **state)
{
	struct netfix *t = *state;
	struct qb_seg s = { .gpa = qb_buf(&t->f.b[RXQ], 2000, 0), .len = 2000 };

	assert_true(qb_chain(&t->f.b[RXQ], &s, 1) >= 0);
	host_send(t, 100, 1);
	devfix_notify(&t->f, RXQ);
	run_ops(t);
	assert_true(t->f.d.broken);
	assert_non_null(strstr(t->f.last_log, "readable"));
}

/* MRG_RXBUF: a 3000-byte frame fills two 1500-byte buffers and 12 of a third. */
static void test_rx_mergeable(void **state)
{
	struct netfix *t = *state;
	uint64_t g[3];
	uint32_t id, len;
	uint8_t *h, *last;

	for (int i = 0; i < 3; i++)
		g[i] = post_rx(t, 1500);
	host_send(t, 3000, 0x5a);
	devfix_notify(&t->f, RXQ);
	assert_int_equal(run_ops(t), 1);
	assert_int_equal(qb_used_idx(&t->f.b[RXQ]), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(devfix_used(&t->f, RXQ, (uint16_t)i, &id, &len), 0);
		assert_int_equal(len, i < 2 ? 1500 : 12);
	}
	h = devfix_host(&t->f, g[0], 1500);
	assert_int_equal(h[0], VIRTIO_NET_HDR_F_DATA_VALID);
	assert_int_equal(h[10] | h[11] << 8, 3);	/* num_buffers */
	assert_int_equal(h[NET_HDR_LEN], 0x5a);
	last = devfix_host(&t->f, g[2], 1500);
	assert_int_equal(last[11], 0x5a);		/* the frame's last byte */
	assert_int_equal(last[12], 0xee);		/* untouched beyond */
	assert_int_equal(t->nr_ops, 1);			/* the next read is posted */
}

/* Too few buffers: the frame waits, whole, for the guest's next kick. */
static void test_rx_waits_for_buffers(void **state)
{
	struct netfix *t = *state;
	uint32_t id, len;
	uint64_t g0;
	uint8_t *h;

	g0 = post_rx(t, 1500);
	host_send(t, 3000, 0x33);
	devfix_notify(&t->f, RXQ);
	assert_int_equal(run_ops(t), 1);
	assert_int_equal(qb_used_idx(&t->f.b[RXQ]), 0);
	assert_int_equal(t->nr_ops, 0);		/* no read while one waits */
	post_rx(t, 1500);
	post_rx(t, 1500);
	devfix_notify(&t->f, RXQ);
	assert_int_equal(qb_used_idx(&t->f.b[RXQ]), 3);
	assert_int_equal(devfix_used(&t->f, RXQ, 0, &id, &len), 0);
	assert_int_equal(len, 1500);
	h = devfix_host(&t->f, g0, 12);
	assert_int_equal(h[10], 3);
	assert_int_equal(t->nr_ops, 1);
}

/* Without MRG_RXBUF: one buffer per frame; a frame too big is dropped. */
static void test_rx_no_mrg(void **state)
{
	struct netfix *t = *state;
	uint32_t id, len;
	uint64_t g;
	uint8_t *h;

	assert_false(t->f.d.guest_features & (1ULL << VIRTIO_NET_F_MRG_RXBUF));
	g = post_rx(t, 2000);
	host_send(t, 3000, 0x11);	/* does not fit: dropped */
	host_send(t, 1000, 0x22);	/* lands in the same buffer */
	devfix_notify(&t->f, RXQ);
	assert_int_equal(run_ops(t), 2);
	assert_int_equal(qb_used_idx(&t->f.b[RXQ]), 1);
	assert_int_equal(devfix_used(&t->f, RXQ, 0, &id, &len), 0);
	assert_int_equal(len, NET_HDR_LEN + 1000);
	h = devfix_host(&t->f, g, 2000);
	assert_int_equal(h[10] | h[11] << 8, 1);
	assert_int_equal(h[NET_HDR_LEN], 0x22);
	assert_false(t->f.d.broken);
}

/* Reset while a read waits: its late completion must not touch the ring. */
static void test_reset_with_read_in_flight(void **state)
{
	struct netfix *t = *state;

	post_rx(t, 1500);
	devfix_notify(&t->f, RXQ);
	assert_int_equal(t->nr_ops, 1);		/* the read is pending */
	pthread_mutex_lock(&t->f.d.lock);
	t->f.d.ops->reset(&t->f.d);
	pthread_mutex_unlock(&t->f.d.lock);
	host_send(t, 100, 1);
	assert_int_equal(run_ops(t), 1);
	assert_int_equal(qb_used_idx(&t->f.b[RXQ]), 0);
	assert_false(t->f.d.broken);
}

/* The tap goes away: writes fail, logged once, packets still completed. */
static void test_tap_gone(void **state)
{
	struct netfix *t = *state;
	struct qb *b = &t->f.b[TXQ];
	unsigned int logs;

	close(t->sv[1]);
	t->sv[1] = -1;
	logs = t->f.nr_logs;
	for (int i = 0; i < 3; i++) {
		struct qb_seg s = { .gpa = qb_buf(b, 100, 0), .len = 100 };

		assert_true(qb_chain(b, &s, 1) >= 0);
	}
	devfix_notify(&t->f, TXQ);
	run_ops(t);
	assert_int_equal(qb_used_idx(b), 3);
	/* One line per direction: the writes fail, the pending read ends. */
	assert_int_equal(t->f.nr_logs, logs + 2);
	assert_int_equal(t->nr_ops, 0);		/* and no read spins on it */
	{
		struct qb_seg s = { .gpa = qb_buf(b, 100, 0), .len = 100 };

		assert_true(qb_chain(b, &s, 1) >= 0);
		devfix_notify(&t->f, TXQ);
		run_ops(t);
	}
	assert_int_equal(qb_used_idx(b), 4);
	assert_int_equal(t->f.nr_logs, logs + 2);	/* not logged again */
	assert_false(t->f.d.broken);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_features_and_config, setup, teardown),
		cmocka_unit_test(test_offload_mapping),
		cmocka_unit_test_setup_teardown(test_tx_header_passthrough, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_short_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tx_writable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_readable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_mergeable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_waits_for_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rx_no_mrg, setup_nomrg, teardown),
		cmocka_unit_test_setup_teardown(test_reset_with_read_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tap_gone, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
