// SPDX-License-Identifier: MIT
/*
 * virtio-blk: the request parser on hand-built chains, device creation
 * on real files, and execution through real rings and a fake event loop
 * that performs the I/O on a temporary file.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "devfix.h"
#include "fake_evloop.h"
#include "util.h"
#include "virtio/blk.h"

#define CAP	100	/* sectors, for the parser tests */

/* Hand-built chains -------------------------------------------------------- */

static struct virtq_chain *chain_new(void)
{
	struct virtq_chain *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	return c;
}

/* Append a segment; readable ones must all come first, as virtq ensures. */
static void chain_add(struct virtq_chain *c, void *p, size_t len, bool write)
{
	assert_true(c->nr_out + c->nr_in < VIRTQ_MAX_SEGS);
	c->iov[c->nr_out + c->nr_in] = (struct iovec){
		.iov_base = p, .iov_len = len,
	};
	if (write) {
		c->nr_in++;
		c->in_len += (uint32_t)len;
	} else {
		assert_int_equal(c->nr_in, 0);
		c->nr_out++;
		c->out_len += (uint32_t)len;
	}
}

static struct virtio_blk_outhdr hdr_make(uint32_t type, uint64_t sector)
{
	return (struct virtio_blk_outhdr){
		.type = htole32(type), .sector = htole64(sector),
	};
}

static struct virtio_blk_discard_write_zeroes range_make(uint64_t sector,
							 uint32_t nr,
							 uint32_t flags)
{
	return (struct virtio_blk_discard_write_zeroes){
		.sector = htole64(sector), .num_sectors = htole32(nr),
		.flags = htole32(flags),
	};
}

/* Parse @c and expect a rejection with @status. */
static void expect_reject(const struct virtq_chain *c, bool ro,
			  uint8_t status, uint8_t *status_byte)
{
	struct blk_req r;

	assert_int_equal(blk_parse(c, CAP, ro, &r), 0);
	assert_int_equal(r.op, BLK_OP_NONE);
	assert_int_equal(r.status, status);
	assert_ptr_equal(r.status_ptr, status_byte);
}

/* Parser -------------------------------------------------------------- */

static void test_parse_read(void **state)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_IN, 10);
	static uint8_t a[512], b[1024];
	uint8_t st = 0xff;
	struct blk_req r;

	chain_add(c, &h, sizeof(h), false);
	chain_add(c, a, sizeof(a), true);
	chain_add(c, b, sizeof(b), true);
	chain_add(c, &st, 1, true);
	assert_int_equal(blk_parse(c, CAP, false, &r), 0);
	assert_int_equal(r.op, BLK_OP_READ);
	assert_int_equal(r.status, VIRTIO_BLK_S_OK);
	assert_int_equal(r.sector, 10);
	assert_int_equal(r.len, 1536);
	assert_int_equal(r.nr_iov, 2);
	assert_ptr_equal(r.iov[0].iov_base, a);
	assert_int_equal(r.iov[0].iov_len, 512);
	assert_ptr_equal(r.iov[1].iov_base, b);
	assert_int_equal(r.iov[1].iov_len, 1024);
	assert_ptr_equal(r.status_ptr, &st);
	assert_int_equal(st, 0xff);	/* parsing writes nothing */
	free(c);
}

/* Data and status byte in one writable segment, as some drivers do. */
static void test_parse_read_status_in_data_segment(void **state)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_IN, 0);
	static uint8_t buf[2048 + 1];
	struct blk_req r;

	chain_add(c, &h, sizeof(h), false);
	chain_add(c, buf, sizeof(buf), true);
	assert_int_equal(blk_parse(c, CAP, false, &r), 0);
	assert_int_equal(r.op, BLK_OP_READ);
	assert_int_equal(r.len, 2048);
	assert_int_equal(r.nr_iov, 1);
	assert_ptr_equal(r.iov[0].iov_base, buf);
	assert_int_equal(r.iov[0].iov_len, 2048);
	assert_ptr_equal(r.status_ptr, &buf[2048]);
	free(c);
}

/* Header and the first data sectors in one readable segment. */
static void test_parse_write(void **state)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_OUT, 98);
	static uint8_t first[16 + 512], second[512];
	uint8_t st;
	struct blk_req r;

	memcpy(first, &h, sizeof(h));
	chain_add(c, first, sizeof(first), false);
	chain_add(c, second, sizeof(second), false);
	chain_add(c, &st, 1, true);
	assert_int_equal(blk_parse(c, CAP, false, &r), 0);
	assert_int_equal(r.op, BLK_OP_WRITE);
	assert_int_equal(r.type, VIRTIO_BLK_T_OUT);
	assert_int_equal(r.sector, 98);
	assert_int_equal(r.len, 1024);
	assert_int_equal(r.nr_iov, 2);
	assert_ptr_equal(r.iov[0].iov_base, first + 16);
	assert_int_equal(r.iov[0].iov_len, 512);
	assert_ptr_equal(r.iov[1].iov_base, second);
	assert_int_equal(r.iov[1].iov_len, 512);
	assert_ptr_equal(r.status_ptr, &st);
	free(c);
}

static void test_parse_header_split(void **state)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_OUT, 0x1234);
	uint8_t p1[5], p2[11];
	static uint8_t data[512];
	uint8_t st;
	struct blk_req r;

	memcpy(p1, &h, 5);
	memcpy(p2, (uint8_t *)&h + 5, 11);
	chain_add(c, p1, sizeof(p1), false);
	chain_add(c, p2, sizeof(p2), false);
	chain_add(c, data, sizeof(data), false);
	chain_add(c, &st, 1, true);
	assert_int_equal(blk_parse(c, 0x10000, false, &r), 0);
	assert_int_equal(r.op, BLK_OP_WRITE);
	assert_int_equal(r.sector, 0x1234);
	assert_int_equal(r.len, 512);
	assert_int_equal(r.nr_iov, 1);
	assert_ptr_equal(r.iov[0].iov_base, data);
	free(c);
}

static void test_parse_short_header(void **state)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_IN, 0);
	static uint8_t data[512];
	uint8_t st;

	/* 12 readable bytes, then what would be the rest of the header. */
	chain_add(c, &h, 12, false);
	chain_add(c, data, sizeof(data), true);
	chain_add(c, &st, 1, true);
	expect_reject(c, false, VIRTIO_BLK_S_IOERR, &st);
	free(c);

	/* A header in a writable buffer is no header. */
	c = chain_new();
	chain_add(c, &h, sizeof(h), true);
	chain_add(c, &st, 1, true);
	expect_reject(c, false, VIRTIO_BLK_S_IOERR, &st);
	free(c);
}

static void test_parse_unknown_type(void **state)
{
	static const uint32_t types[] = {
		2, 3, 5, 9, 10, 14, 0x55, VIRTIO_BLK_T_BARRIER,
		VIRTIO_BLK_T_BARRIER | VIRTIO_BLK_T_IN, UINT32_MAX,
	};

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		struct virtq_chain *c = chain_new();
		struct virtio_blk_outhdr h = hdr_make(types[i], 0);
		uint8_t st;

		chain_add(c, &h, sizeof(h), false);
		chain_add(c, &st, 1, true);
		expect_reject(c, false, VIRTIO_BLK_S_UNSUPP, &st);
		free(c);
	}
}

/* A read of @len bytes at @sector against a CAP-sector disk. */
static int parse_read_at(uint64_t sector, size_t len, struct blk_req *r)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_IN, sector);
	uint8_t *buf = calloc(1, len + 1);
	int err;

	assert_non_null(buf);
	chain_add(c, &h, sizeof(h), false);
	chain_add(c, buf, len + 1, true);
	err = blk_parse(c, CAP, false, r);
	free(buf);
	free(c);
	return err;
}

static void test_parse_range(void **state)
{
	struct blk_req r;

	/* The last sector is fine, one past it is not. */
	assert_int_equal(parse_read_at(CAP - 1, 512, &r), 0);
	assert_int_equal(r.op, BLK_OP_READ);
	assert_int_equal(parse_read_at(CAP, 512, &r), 0);
	assert_int_equal(r.op, BLK_OP_NONE);
	assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);
	/* Starts inside, crosses the end. */
	assert_int_equal(parse_read_at(CAP - 1, 1024, &r), 0);
	assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);
	/* sector + len wraps around 64 bits. */
	assert_int_equal(parse_read_at(UINT64_MAX, 512, &r), 0);
	assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);
	assert_int_equal(parse_read_at(UINT64_MAX - 1, 1024, &r), 0);
	assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);
	/* The whole disk. */
	assert_int_equal(parse_read_at(0, CAP * 512, &r), 0);
	assert_int_equal(r.op, BLK_OP_READ);
	assert_int_equal(r.len, CAP * 512);
}

static void test_parse_len_not_sectors(void **state)
{
	struct blk_req r;
	static const size_t lens[] = { 1, 511, 513, 1000, 4095 };

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		assert_int_equal(parse_read_at(0, lens[i], &r), 0);
		assert_int_equal(r.op, BLK_OP_NONE);
		assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);
	}
	/* Zero bytes: nothing to do, and nothing wrong. */
	assert_int_equal(parse_read_at(0, 0, &r), 0);
	assert_int_equal(r.op, BLK_OP_NONE);
	assert_int_equal(r.status, VIRTIO_BLK_S_OK);
}

static void test_parse_wrong_direction(void **state)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_IN, 0);
	static uint8_t data[512];
	uint8_t st;

	/* A read with readable data after the header. */
	chain_add(c, &h, sizeof(h), false);
	chain_add(c, data, sizeof(data), false);
	chain_add(c, &st, 1, true);
	expect_reject(c, false, VIRTIO_BLK_S_IOERR, &st);
	free(c);

	/* A write with writable bytes before the status. */
	c = chain_new();
	h = hdr_make(VIRTIO_BLK_T_OUT, 0);
	chain_add(c, &h, sizeof(h), false);
	chain_add(c, data, sizeof(data), true);
	chain_add(c, &st, 1, true);
	expect_reject(c, false, VIRTIO_BLK_S_IOERR, &st);
	free(c);
}

static void test_parse_read_only(void **state)
{
	static const uint32_t types[] = {
		VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_DISCARD,
		VIRTIO_BLK_T_WRITE_ZEROES,
	};

	for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
		struct virtq_chain *c = chain_new();
		struct {
			struct virtio_blk_outhdr h;
			union {
				uint8_t data[512];
				struct virtio_blk_discard_write_zeroes e;
			};
		} req = { .h = hdr_make(types[i], 0) };
		size_t len = types[i] == VIRTIO_BLK_T_OUT ? sizeof(req) :
			     sizeof(req.h) + sizeof(req.e);
		uint8_t st;
		struct blk_req r;

		req.e = types[i] == VIRTIO_BLK_T_OUT ? req.e : range_make(0, 1, 0);
		chain_add(c, &req, len, false);
		chain_add(c, &st, 1, true);
		expect_reject(c, true, VIRTIO_BLK_S_IOERR, &st);
		/* The same request on a writable disk is fine. */
		assert_int_equal(blk_parse(c, CAP, false, &r), 0);
		assert_int_not_equal(r.op, BLK_OP_NONE);
		free(c);
	}
}

static void test_parse_flush(void **state)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_FLUSH, 12345);
	static uint8_t data[512];
	uint8_t st;
	struct blk_req r;

	chain_add(c, &h, sizeof(h), false);
	chain_add(c, &st, 1, true);
	assert_int_equal(blk_parse(c, CAP, true, &r), 0);
	assert_int_equal(r.op, BLK_OP_FLUSH);
	assert_ptr_equal(r.status_ptr, &st);
	free(c);

	c = chain_new();
	chain_add(c, &h, sizeof(h), false);
	chain_add(c, data, sizeof(data), false);
	chain_add(c, &st, 1, true);
	expect_reject(c, false, VIRTIO_BLK_S_IOERR, &st);
	free(c);
}

static void test_parse_get_id(void **state)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_GET_ID, 0);
	uint8_t id[VIRTIO_BLK_ID_BYTES + 1], small[8];
	uint8_t st;
	struct blk_req r;

	/* A 21-byte buffer: 20 of id and the status byte. */
	chain_add(c, &h, sizeof(h), false);
	chain_add(c, id, sizeof(id), true);
	assert_int_equal(blk_parse(c, CAP, false, &r), 0);
	assert_int_equal(r.op, BLK_OP_GET_ID);
	assert_int_equal(r.len, VIRTIO_BLK_ID_BYTES);
	assert_ptr_equal(r.iov[0].iov_base, id);
	assert_ptr_equal(r.status_ptr, &id[VIRTIO_BLK_ID_BYTES]);
	free(c);

	/* A short buffer gets what fits. */
	c = chain_new();
	chain_add(c, &h, sizeof(h), false);
	chain_add(c, small, sizeof(small), true);
	chain_add(c, &st, 1, true);
	assert_int_equal(blk_parse(c, CAP, false, &r), 0);
	assert_int_equal(r.op, BLK_OP_GET_ID);
	assert_int_equal(r.len, sizeof(small));
	free(c);

	/* No buffer at all. */
	c = chain_new();
	chain_add(c, &h, sizeof(h), false);
	chain_add(c, &st, 1, true);
	expect_reject(c, false, VIRTIO_BLK_S_IOERR, &st);
	free(c);
}

/* A discard / write-zeroes request with @n range entries. */
static int parse_range_req(uint32_t type, const struct virtio_blk_discard_write_zeroes *e,
			   unsigned int n, struct blk_req *r)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(type, 0);
	uint8_t st;
	int err;

	chain_add(c, &h, sizeof(h), false);
	if (n)
		chain_add(c, (void *)e, n * sizeof(*e), false);
	chain_add(c, &st, 1, true);
	err = blk_parse(c, CAP, false, r);
	free(c);
	return err;
}

static void test_parse_discard_write_zeroes(void **state)
{
	struct virtio_blk_discard_write_zeroes e[2];
	struct blk_req r;

	e[0] = range_make(4, 8, 0);
	assert_int_equal(parse_range_req(VIRTIO_BLK_T_DISCARD, e, 1, &r), 0);
	assert_int_equal(r.op, BLK_OP_DISCARD);
	assert_int_equal(r.sector, 4);
	assert_int_equal(r.len, 8 * 512);
	assert_int_equal(r.flags, 0);

	e[0] = range_make(CAP - 8, 8, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	assert_int_equal(parse_range_req(VIRTIO_BLK_T_WRITE_ZEROES, e, 1, &r), 0);
	assert_int_equal(r.op, BLK_OP_WRITE_ZEROES);
	assert_int_equal(r.sector, CAP - 8);
	assert_int_equal(r.len, 8 * 512);
	assert_int_equal(r.flags, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);

	/* Out of range, and wrapping. */
	e[0] = range_make(CAP - 7, 8, 0);
	assert_int_equal(parse_range_req(VIRTIO_BLK_T_DISCARD, e, 1, &r), 0);
	assert_int_equal(r.op, BLK_OP_NONE);
	assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);
	e[0] = range_make(UINT64_MAX - 2, 8, 0);
	assert_int_equal(parse_range_req(VIRTIO_BLK_T_WRITE_ZEROES, e, 1, &r), 0);
	assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);

	/* UNMAP is for write zeroes only; other bits are for nobody. */
	e[0] = range_make(0, 1, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	assert_int_equal(parse_range_req(VIRTIO_BLK_T_DISCARD, e, 1, &r), 0);
	assert_int_equal(r.op, BLK_OP_NONE);
	assert_int_equal(r.status, VIRTIO_BLK_S_UNSUPP);
	e[0] = range_make(0, 1, 2);
	assert_int_equal(parse_range_req(VIRTIO_BLK_T_WRITE_ZEROES, e, 1, &r), 0);
	assert_int_equal(r.status, VIRTIO_BLK_S_UNSUPP);

	/* One entry exactly (max_*_seg = 1). */
	e[0] = e[1] = range_make(0, 1, 0);
	assert_int_equal(parse_range_req(VIRTIO_BLK_T_DISCARD, e, 2, &r), 0);
	assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);
	assert_int_equal(parse_range_req(VIRTIO_BLK_T_DISCARD, e, 0, &r), 0);
	assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);

	/* Over the advertised per-request limit. */
	e[0] = range_make(0, BLK_MAX_DISCARD_SECTORS + 1, 0);
	assert_int_equal(parse_range_req(VIRTIO_BLK_T_DISCARD, e, 1, &r), 0);
	assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);
}

static void test_parse_no_status_byte(void **state)
{
	struct virtq_chain *c = chain_new();
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_IN, 0);
	static uint8_t data[512];
	struct blk_req r;

	chain_add(c, &h, sizeof(h), false);
	chain_add(c, data, sizeof(data), false);
	assert_int_equal(blk_parse(c, CAP, false, &r), -EPROTO);
	free(c);

	/* A zero-length last writable segment has no byte either. */
	c = chain_new();
	chain_add(c, &h, sizeof(h), false);
	chain_add(c, data, 0, true);
	assert_int_equal(blk_parse(c, CAP, false, &r), -EPROTO);
	free(c);
}

static void test_parse_seg_max(void **state)
{
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_IN, 0);
	uint8_t *data = calloc(BLK_SEG_MAX + 1, 512);
	uint8_t st;
	struct blk_req r;

	assert_non_null(data);
	for (unsigned int n = BLK_SEG_MAX; n <= BLK_SEG_MAX + 1; n++) {
		struct virtq_chain *c = chain_new();

		chain_add(c, &h, sizeof(h), false);
		for (unsigned int i = 0; i < n; i++)
			chain_add(c, data + i * 512, 512, true);
		chain_add(c, &st, 1, true);
		assert_int_equal(blk_parse(c, 1000, false, &r), 0);
		if (n == BLK_SEG_MAX) {
			assert_int_equal(r.op, BLK_OP_READ);
			assert_int_equal(r.nr_iov, BLK_SEG_MAX);
		} else {
			assert_int_equal(r.op, BLK_OP_NONE);
			assert_int_equal(r.status, VIRTIO_BLK_S_IOERR);
		}
		free(c);
	}
	free(data);
}

/* Creation -------------------------------------------------------------- */

struct tmpdisk {
	char path[64];
};

/* A temporary file of @size bytes, filled with @fill. */
static void tmpdisk_make(struct tmpdisk *t, size_t size, uint8_t fill)
{
	uint8_t *buf = malloc(size ? size : 1);
	int fd;

	assert_non_null(buf);
	memset(buf, fill, size);
	snprintf(t->path, sizeof(t->path), "/tmp/vmm-test-blk-XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, size), (ssize_t)size);
	close(fd);
	free(buf);
}

static void tmpdisk_read(const struct tmpdisk *t, uint64_t off, void *buf,
			 size_t len)
{
	int fd = open(t->path, O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static uint64_t config_u64(struct virtio_dev *d, size_t off)
{
	uint64_t v;

	d->ops->config_read(d, (uint32_t)off, &v, sizeof(v));
	return le64toh(v);
}

static uint32_t config_u32(struct virtio_dev *d, size_t off)
{
	uint32_t v;

	d->ops->config_read(d, (uint32_t)off, &v, sizeof(v));
	return le32toh(v);
}

static uint16_t config_u16(struct virtio_dev *d, size_t off)
{
	uint16_t v;

	d->ops->config_read(d, (uint32_t)off, &v, sizeof(v));
	return le16toh(v);
}

#define CFG(field) offsetof(struct virtio_blk_config, field)
#define HAS(d, bit) (((d)->host_features >> (bit)) & 1)

static void test_create_capacity(void **state)
{
	struct tmpdisk t;
	struct fake_evloop *fe = calloc(1, sizeof(*fe));
	struct dev_io io;
	struct virtio_dev d;
	struct errbuf err = { "" };
	struct blk_config cfg = { .num_queues = 1, .queue_size = 128,
				  .io = &io };

	assert_non_null(fe);
	fake_evloop_init(fe, &io);
	tmpdisk_make(&t, 1 * MiB, 0);
	cfg.path = t.path;
	memset(&d, 0, sizeof(d));
	assert_int_equal(virtio_blk_create(&d, &cfg, &err), 0);
	assert_int_equal(d.ops->device_id, 2);
	assert_int_equal(d.ops->config_size, sizeof(struct virtio_blk_config));
	assert_int_equal(d.nr_queues, 1);
	assert_int_equal(d.queue_max, 128);
	assert_non_null(d.priv);
	assert_int_equal(config_u64(&d, CFG(capacity)), 2048);
	assert_int_equal(config_u32(&d, CFG(seg_max)), BLK_SEG_MAX);
	assert_int_equal(config_u32(&d, CFG(blk_size)), 512);
	assert_int_equal(config_u16(&d, CFG(num_queues)), 1);
	assert_int_equal(config_u32(&d, CFG(max_discard_seg)), 1);
	assert_int_equal(config_u32(&d, CFG(max_write_zeroes_seg)), 1);
	assert_int_equal(config_u32(&d, CFG(max_discard_sectors)),
			 BLK_MAX_DISCARD_SECTORS);
	assert_true(HAS(&d, VIRTIO_BLK_F_SEG_MAX));
	assert_true(HAS(&d, VIRTIO_BLK_F_BLK_SIZE));
	assert_true(HAS(&d, VIRTIO_BLK_F_FLUSH));
	assert_true(HAS(&d, VIRTIO_BLK_F_DISCARD));
	assert_true(HAS(&d, VIRTIO_BLK_F_WRITE_ZEROES));
	assert_true(HAS(&d, VIRTIO_F_VERSION_1_BIT));
	assert_true(HAS(&d, VIRTIO_F_EVENT_IDX_BIT));
	assert_true(HAS(&d, VIRTIO_F_INDIRECT_DESC_BIT));
	assert_false(HAS(&d, VIRTIO_BLK_F_MQ));
	assert_false(HAS(&d, VIRTIO_BLK_F_RO));
	virtio_blk_destroy(&d);
	assert_null(d.priv);
	virtio_blk_destroy(&d);	/* twice is fine */

	/* Four queues and read-only. */
	cfg.num_queues = 4;
	cfg.read_only = true;
	cfg.queue_size = 0;
	memset(&d, 0, sizeof(d));
	assert_int_equal(virtio_blk_create(&d, &cfg, &err), 0);
	assert_int_equal(d.nr_queues, 4);
	assert_int_equal(d.queue_max, BLK_DEFAULT_QUEUE_SIZE);
	assert_int_equal(config_u16(&d, CFG(num_queues)), 4);
	assert_true(HAS(&d, VIRTIO_BLK_F_MQ));
	assert_true(HAS(&d, VIRTIO_BLK_F_RO));
	assert_false(HAS(&d, VIRTIO_BLK_F_DISCARD));
	assert_false(HAS(&d, VIRTIO_BLK_F_WRITE_ZEROES));
	virtio_blk_destroy(&d);
	unlink(t.path);
	free(fe);
}

/* Create with @cfg and expect @errno_ret and exactly @msg. */
static void expect_create_fails(struct blk_config *cfg, int errno_ret,
				const char *msg)
{
	struct virtio_dev d;
	struct errbuf err = { "" };

	memset(&d, 0, sizeof(d));
	assert_int_equal(virtio_blk_create(&d, cfg, &err), errno_ret);
	assert_string_equal(err.msg, msg);
	assert_null(d.priv);
	assert_null(d.ops);
}

static void test_create_rejects(void **state)
{
	struct tmpdisk t;
	struct dev_io io;
	struct fake_evloop *fe = calloc(1, sizeof(*fe));
	struct blk_config cfg = { .io = &io };
	char msg[256];

	assert_non_null(fe);
	fake_evloop_init(fe, &io);

	tmpdisk_make(&t, 1000, 0);
	cfg.path = t.path;
	snprintf(msg, sizeof(msg),
		 "disk %s: size 1000 is not a multiple of 512 bytes", t.path);
	expect_create_fails(&cfg, -EINVAL, msg);
	unlink(t.path);

	tmpdisk_make(&t, 0, 0);
	snprintf(msg, sizeof(msg), "disk %s: the disk is empty", t.path);
	expect_create_fails(&cfg, -EINVAL, msg);

	/* Missing: the message is the one a user can act on. */
	unlink(t.path);
	snprintf(msg, sizeof(msg), "disk %s: No such file or directory",
		 t.path);
	expect_create_fails(&cfg, -ENOENT, msg);
	cfg.read_only = true;
	expect_create_fails(&cfg, -ENOENT, msg);

	/* A directory is no disk. */
	cfg.path = "/tmp";
	expect_create_fails(&cfg, -EINVAL,
			    "disk /tmp: not a regular file or block device");

	tmpdisk_make(&t, 4096, 0);
	cfg.path = t.path;
	cfg.read_only = false;
	cfg.id = "123456789012345678901";	/* 21 bytes */
	snprintf(msg, sizeof(msg),
		 "disk %s: id \"123456789012345678901\" is longer than 20 bytes",
		 t.path);
	expect_create_fails(&cfg, -EINVAL, msg);
	cfg.id = NULL;
	cfg.queue_size = 100;
	snprintf(msg, sizeof(msg),
		 "disk %s: queue size 100 is not a power of two up to 32768",
		 t.path);
	expect_create_fails(&cfg, -EINVAL, msg);
	cfg.queue_size = 0;
	cfg.num_queues = VIRTIO_MAX_QUEUES + 1;
	snprintf(msg, sizeof(msg), "disk %s: 65 queues (at most 64)", t.path);
	expect_create_fails(&cfg, -EINVAL, msg);
	cfg.num_queues = 1;
	cfg.io = NULL;
	snprintf(msg, sizeof(msg), "disk %s: no I/O hooks", t.path);
	expect_create_fails(&cfg, -EINVAL, msg);
	unlink(t.path);
	free(fe);
}

/* Execution ------------------------------------------------------------- */

#define DISK_SIZE	(4 * MiB)

struct bfix {
	struct devfix f;
	struct fake_evloop fe;
	struct dev_io io;
	struct tmpdisk t;
	uint16_t nr_used;	/* used entries checked so far */
	bool indirect;		/* post requests as indirect tables */
};

/* A 4 MiB disk full of 0xdd with one queue of @qsize slots. */
static struct bfix *bfix_new(bool ro, const char *id, uint16_t qsize)
{
	struct bfix *x = calloc(1, sizeof(*x));
	struct errbuf err = { "" };
	struct blk_config cfg = { .read_only = ro, .id = id, .num_queues = 1,
				  .queue_size = qsize };

	assert_non_null(x);
	assert_int_equal(devfix_init(&x->f), 0);
	fake_evloop_init(&x->fe, &x->io);
	tmpdisk_make(&x->t, DISK_SIZE, 0xdd);
	cfg.path = x->t.path;
	cfg.io = &x->io;
	assert_int_equal(virtio_blk_create(&x->f.d, &cfg, &err), 0);
	assert_int_equal(devfix_start(&x->f, qsize), 0);
	return x;
}

static void bfix_free(struct bfix *x)
{
	assert_int_equal(x->fe.nr_pending, 0);
	virtio_blk_destroy(&x->f.d);
	unlink(x->t.path);
	devfix_exit(&x->f);
	free(x);
}

/* A request in guest memory: header, data, status byte. */
struct greq {
	uint64_t hdr, data, status;
	uint32_t len;
	int head;
};

/*
 * Post a request of @type at @sector with @len data bytes (filled with
 * @fill) in @nseg segments, or for discard/zeroes one range entry.
 */
static struct greq post(struct bfix *x, uint32_t type, uint64_t sector,
			uint32_t len, unsigned int nseg, uint8_t fill)
{
	struct qb *b = &x->f.b[0];
	struct greq g = { .len = len };
	struct virtio_blk_outhdr h = hdr_make(type, sector);
	struct qb_seg segs[8];
	unsigned int n = 0;
	bool write_data = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;

	g.hdr = qb_alloc(b, sizeof(h), 8);
	assert_int_not_equal(g.hdr, 0);
	assert_int_equal(guest_mem_write(&x->f.m.gm, g.hdr, &h, sizeof(h)), 0);
	segs[n++] = (struct qb_seg){ .gpa = g.hdr, .len = sizeof(h) };
	if (len) {
		assert_true(nseg >= 1 && nseg < 7 && len % nseg == 0);
		g.data = qb_buf(b, len, fill);
		assert_int_not_equal(g.data, 0);
		for (unsigned int i = 0; i < nseg; i++)
			segs[n++] = (struct qb_seg){
				.gpa = g.data + i * (len / nseg),
				.len = len / nseg, .write = write_data,
			};
	}
	g.status = qb_buf(b, 1, 0xee);
	segs[n++] = (struct qb_seg){ .gpa = g.status, .len = 1, .write = true };
	g.head = x->indirect ? qb_indirect(b, segs, n, NULL) :
			       qb_chain(b, segs, n);
	assert_true(g.head >= 0);
	return g;
}

/* A discard / write-zeroes request for [sector, sector + nr). */
static struct greq post_range(struct bfix *x, uint32_t type, uint64_t sector,
			      uint32_t nr, uint32_t flags)
{
	struct qb *b = &x->f.b[0];
	struct {
		struct virtio_blk_outhdr h;
		struct virtio_blk_discard_write_zeroes e;
	} req = { hdr_make(type, 0), range_make(sector, nr, flags) };
	struct greq g = { 0 };
	struct qb_seg segs[2];

	g.hdr = qb_alloc(b, sizeof(req), 8);
	assert_int_equal(guest_mem_write(&x->f.m.gm, g.hdr, &req, sizeof(req)), 0);
	g.status = qb_buf(b, 1, 0xee);
	segs[0] = (struct qb_seg){ .gpa = g.hdr, .len = sizeof(req) };
	segs[1] = (struct qb_seg){ .gpa = g.status, .len = 1, .write = true };
	g.head = qb_chain(b, segs, 2);
	assert_true(g.head >= 0);
	return g;
}

static uint8_t status_of(struct bfix *x, const struct greq *g)
{
	return *(uint8_t *)devfix_host(&x->f, g->status, 1);
}

/* The next used entry must be @g's, with @len bytes written. */
static void expect_used(struct bfix *x, const struct greq *g, uint32_t len)
{
	uint32_t id, ulen;

	assert_true(qb_used_idx(&x->f.b[0]) > x->nr_used);
	assert_int_equal(devfix_used(&x->f, 0, x->nr_used++, &id, &ulen), 0);
	assert_int_equal(id, (uint32_t)g->head);
	assert_int_equal(ulen, len);
}

static void expect_no_more_used(struct bfix *x)
{
	assert_int_equal(qb_used_idx(&x->f.b[0]), x->nr_used);
}

static void test_exec_write_read(void **state)
{
	struct bfix *x = bfix_new(false, NULL, 16);
	struct greq w, r;
	uint8_t file[8192], *p;

	/* Write 8 KiB of 0x5a at sector 8, in two segments. */
	w = post(x, VIRTIO_BLK_T_OUT, 8, 8192, 2, 0x5a);
	devfix_notify(&x->f, 0);
	assert_int_equal(x->fe.calls[FAKE_WRITEV], 1);
	expect_no_more_used(x);		/* not before the I/O completes */
	assert_int_equal(fake_evloop_run(&x->fe), 1);
	expect_used(x, &w, 1);
	assert_int_equal(status_of(x, &w), VIRTIO_BLK_S_OK);
	tmpdisk_read(&x->t, 8 * 512, file, sizeof(file));
	for (size_t i = 0; i < sizeof(file); i++)
		assert_int_equal(file[i], 0x5a);
	/* Its neighbours are untouched. */
	tmpdisk_read(&x->t, 8 * 512 - 512, file, 512);
	assert_int_equal(file[511], 0xdd);
	tmpdisk_read(&x->t, 8 * 512 + 8192, file, 512);
	assert_int_equal(file[0], 0xdd);

	/* Read 12 KiB from sector 6 in three segments. */
	r = post(x, VIRTIO_BLK_T_IN, 6, 12288, 3, 0);
	devfix_notify(&x->f, 0);
	assert_int_equal(fake_evloop_run(&x->fe), 1);
	expect_used(x, &r, 12288 + 1);
	assert_int_equal(status_of(x, &r), VIRTIO_BLK_S_OK);
	p = devfix_host(&x->f, r.data, 12288);
	for (size_t i = 0; i < 12288; i++)
		assert_int_equal(p[i], i < 1024 || i >= 1024 + 8192 ? 0xdd : 0x5a);
	expect_no_more_used(x);
	bfix_free(x);
}

static void test_exec_flush(void **state)
{
	struct bfix *x = bfix_new(false, NULL, 16);
	struct greq g = post(x, VIRTIO_BLK_T_FLUSH, 0, 0, 0, 0);

	devfix_notify(&x->f, 0);
	assert_int_equal(x->fe.calls[FAKE_FDATASYNC], 1);
	assert_int_equal(x->fe.pending[0].op, FAKE_FDATASYNC);
	expect_no_more_used(x);
	assert_int_equal(fake_evloop_run(&x->fe), 1);
	expect_used(x, &g, 1);
	assert_int_equal(status_of(x, &g), VIRTIO_BLK_S_OK);
	bfix_free(x);
}

static void test_exec_read_only(void **state)
{
	struct bfix *x = bfix_new(true, NULL, 16);
	struct greq w, dz, rd;
	uint8_t file[4096];

	w = post(x, VIRTIO_BLK_T_OUT, 0, 4096, 1, 0x11);
	dz = post_range(x, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0);
	rd = post(x, VIRTIO_BLK_T_IN, 0, 512, 1, 0);
	devfix_notify(&x->f, 0);
	/* Both refused at once, the read queued. */
	expect_used(x, &w, 1);
	assert_int_equal(status_of(x, &w), VIRTIO_BLK_S_IOERR);
	expect_used(x, &dz, 1);
	assert_int_equal(status_of(x, &dz), VIRTIO_BLK_S_IOERR);
	assert_int_equal(x->fe.calls[FAKE_WRITEV], 0);
	assert_int_equal(x->fe.calls[FAKE_FALLOCATE], 0);
	assert_int_equal(fake_evloop_run(&x->fe), 1);
	expect_used(x, &rd, 513);
	assert_int_equal(status_of(x, &rd), VIRTIO_BLK_S_OK);
	tmpdisk_read(&x->t, 0, file, sizeof(file));
	for (size_t i = 0; i < sizeof(file); i++)
		assert_int_equal(file[i], 0xdd);
	bfix_free(x);
}

static void test_exec_get_id(void **state)
{
	struct bfix *x = bfix_new(false, "serial-42", 16);
	struct greq g = post(x, VIRTIO_BLK_T_GET_ID, 0, 20, 1, 0xaa);
	char want[20] = "serial-42";

	devfix_notify(&x->f, 0);
	assert_int_equal(x->fe.nr_pending, 0);	/* answered on the spot */
	expect_used(x, &g, 21);
	assert_int_equal(status_of(x, &g), VIRTIO_BLK_S_OK);
	/* NUL-padded to 20 bytes, no terminator beyond that. */
	assert_memory_equal(devfix_host(&x->f, g.data, 20), want, 20);
	bfix_free(x);
}

static void test_exec_unsupported_and_bad(void **state)
{
	struct bfix *x = bfix_new(false, NULL, 16);
	struct greq u = post(x, 0x55, 0, 0, 0, 0);
	struct greq e = post(x, VIRTIO_BLK_T_IN, DISK_SIZE / 512, 512, 1, 0);

	devfix_notify(&x->f, 0);
	expect_used(x, &u, 1);
	assert_int_equal(status_of(x, &u), VIRTIO_BLK_S_UNSUPP);
	expect_used(x, &e, 1);
	assert_int_equal(status_of(x, &e), VIRTIO_BLK_S_IOERR);
	assert_int_equal(x->fe.nr_pending, 0);
	assert_false(x->f.d.broken);
	bfix_free(x);
}

/* [off, off + len) of the disk reads as zeroes, the byte after not. */
static void expect_zeroes(struct bfix *x, uint64_t off, size_t len)
{
	uint8_t *buf = malloc(len + 1);

	assert_non_null(buf);
	tmpdisk_read(&x->t, off, buf, len + 1);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(buf[len], 0xdd);
	free(buf);
}

static void test_exec_discard_write_zeroes(void **state)
{
	struct bfix *x = bfix_new(false, NULL, 16);
	unsigned int writes;
	struct greq g;

	/* Discard punches a hole (or, unsupported, is a no-op). */
	g = post_range(x, VIRTIO_BLK_T_DISCARD, 16, 8, 0);
	devfix_notify(&x->f, 0);
	assert_int_equal(x->fe.fallocate_modes[0],
			 FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE);
	assert_int_equal(x->fe.pending[0].off, 16 * 512);
	assert_int_equal(x->fe.pending[0].len, 8 * 512);
	fake_evloop_run(&x->fe);
	expect_used(x, &g, 1);
	assert_int_equal(status_of(x, &g), VIRTIO_BLK_S_OK);

	/* Write zeroes without UNMAP: ZERO_RANGE. */
	g = post_range(x, VIRTIO_BLK_T_WRITE_ZEROES, 64, 16, 0);
	devfix_notify(&x->f, 0);
	assert_int_equal(x->fe.fallocate_modes[1],
			 FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE);
	fake_evloop_run(&x->fe);
	expect_used(x, &g, 1);
	/* tmpfs has no ZERO_RANGE: then it must be IOERR or zeroes. */
	if (status_of(x, &g) == VIRTIO_BLK_S_OK)
		expect_zeroes(x, 64 * 512, 16 * 512);

	/* Neither fallocate works: zeroes are written, in 1 MiB rounds. */
	x->fe.no_punch = x->fe.no_zero_range = true;
	writes = x->fe.calls[FAKE_WRITEV];
	g = post_range(x, VIRTIO_BLK_T_WRITE_ZEROES, 128, 4096 + 8,
		       VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
	devfix_notify(&x->f, 0);
	assert_int_equal(x->fe.fallocate_modes[2],
			 FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE);
	/* punch, zero range, 1 MiB + 1 MiB + 4 KiB of writes */
	assert_int_equal(fake_evloop_run(&x->fe), 5);
	assert_int_equal(x->fe.fallocate_modes[3],
			 FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE);
	assert_int_equal(x->fe.calls[FAKE_FALLOCATE], 4);
	assert_int_equal(x->fe.calls[FAKE_WRITEV], writes + 3);
	expect_used(x, &g, 1);
	assert_int_equal(status_of(x, &g), VIRTIO_BLK_S_OK);
	expect_zeroes(x, 128 * 512, (4096 + 8) * 512);

	/* A discard the host cannot do is still fine. */
	g = post_range(x, VIRTIO_BLK_T_DISCARD, 0, 1, 0);
	devfix_notify(&x->f, 0);
	fake_evloop_run(&x->fe);
	expect_used(x, &g, 1);
	assert_int_equal(status_of(x, &g), VIRTIO_BLK_S_OK);
	bfix_free(x);
}

static void test_exec_io_errors(void **state)
{
	struct bfix *x = bfix_new(false, NULL, 16);
	struct greq g;

	/* The file shrank: a short read is an error. */
	assert_int_equal(truncate(x->t.path, DISK_SIZE / 2), 0);
	g = post(x, VIRTIO_BLK_T_IN, DISK_SIZE / 512 - 8, 4096, 1, 0);
	devfix_notify(&x->f, 0);
	fake_evloop_run(&x->fe);
	expect_used(x, &g, 1);
	assert_int_equal(status_of(x, &g), VIRTIO_BLK_S_IOERR);
	assert_int_equal(x->f.nr_logs, 1);
	assert_non_null(strstr(x->f.last_log, "only 0 bytes done"));

	/*
	 * The host's disk is full: writes and flushes fail, the guest gets
	 * IOERR every time and the log only the first few, whatever the
	 * guest retries.
	 */
	x->fe.io_err = -ENOSPC;
	g = post(x, VIRTIO_BLK_T_FLUSH, 0, 0, 1, 0);
	devfix_notify(&x->f, 0);
	fake_evloop_run(&x->fe);
	expect_used(x, &g, 1);
	assert_int_equal(status_of(x, &g), VIRTIO_BLK_S_IOERR);
	assert_non_null(strstr(x->f.last_log, "host flush failed: No space left"));
	for (int i = 0; i < 20; i++) {
		g = post(x, VIRTIO_BLK_T_OUT, 8, 4096, 1, 0);
		devfix_notify(&x->f, 0);
		fake_evloop_run(&x->fe);
		expect_used(x, &g, 1);
		assert_int_equal(status_of(x, &g), VIRTIO_BLK_S_IOERR);
	}
	assert_int_equal(x->f.nr_logs, 4);
	assert_non_null(strstr(x->f.last_log, "host write of 4096 bytes at sector 8 failed: No space left on device"));
	assert_non_null(strstr(x->f.last_log, "further host errors are not logged"));
	assert_false(x->f.d.broken);
	/* The host recovers: so does the disk. */
	x->fe.io_err = 0;
	g = post(x, VIRTIO_BLK_T_OUT, 8, 4096, 1, 0);
	devfix_notify(&x->f, 0);
	fake_evloop_run(&x->fe);
	expect_used(x, &g, 1);
	assert_int_equal(status_of(x, &g), VIRTIO_BLK_S_OK);

	/* The loop refused the submission. */
	x->fe.submit_err = -EBUSY;
	g = post(x, VIRTIO_BLK_T_OUT, 0, 512, 1, 0);
	devfix_notify(&x->f, 0);
	expect_used(x, &g, 1);
	assert_int_equal(status_of(x, &g), VIRTIO_BLK_S_IOERR);
	assert_false(x->f.d.broken);
	bfix_free(x);
}

static void test_exec_no_status_needs_reset(void **state)
{
	struct bfix *x = bfix_new(false, NULL, 16);
	struct qb *b = &x->f.b[0];
	struct virtio_blk_outhdr h = hdr_make(VIRTIO_BLK_T_IN, 0);
	uint64_t gpa = qb_alloc(b, sizeof(h), 8);
	struct qb_seg seg = { .gpa = gpa, .len = sizeof(h) };

	assert_int_equal(guest_mem_write(&x->f.m.gm, gpa, &h, sizeof(h)), 0);
	assert_true(qb_chain(b, &seg, 1) >= 0);
	devfix_notify(&x->f, 0);
	assert_true(x->f.d.broken);
	assert_true(x->f.d.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(x->f.nr_logs, 1);
	assert_non_null(strstr(x->f.last_log, "no status byte"));
	expect_no_more_used(x);
	assert_int_equal(x->fe.nr_pending, 0);
	bfix_free(x);
}

/*
 * A hostile driver re-posts a head that is still in flight: the device
 * never holds more requests than it has slots, leaves the extra one in
 * the ring, and takes it when a slot frees up.
 */
static void test_exec_stall_resume(void **state)
{
	struct bfix *x = bfix_new(false, NULL, 4);
	struct greq g[4], h;

	x->indirect = true;	/* one descriptor per request */
	for (unsigned int i = 0; i < 4; i++)
		g[i] = post(x, VIRTIO_BLK_T_IN, i, 512, 1, 0);
	devfix_notify(&x->f, 0);
	assert_int_equal(x->fe.nr_pending, 4);
	h = post(x, VIRTIO_BLK_T_IN, 9, 512, 1, 0);
	assert_int_equal(h.head, g[0].head);
	devfix_notify(&x->f, 0);
	assert_int_equal(x->fe.nr_pending, 4);
	/* The first completion frees a slot; run drains the rest. */
	assert_int_equal(fake_evloop_run(&x->fe), 5);
	for (unsigned int i = 0; i < 4; i++)
		expect_used(x, &g[i], 513);
	expect_used(x, &h, 513);
	expect_no_more_used(x);
	bfix_free(x);
}

static void *run_loop_later(void *arg)
{
	struct bfix *x = arg;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	fake_evloop_run(&x->fe);
	return NULL;
}

/*
 * A reset waits for requests in flight (their buffers may be reused by
 * the next driver) and their completions then touch neither the status
 * byte nor the used ring.
 */
static void test_exec_reset_waits(void **state)
{
	struct bfix *x = bfix_new(false, NULL, 16);
	struct greq g = post(x, VIRTIO_BLK_T_OUT, 0, 512, 1, 0x77);
	pthread_t loop;
	uint8_t byte;

	devfix_notify(&x->f, 0);
	assert_int_equal(x->fe.nr_pending, 1);
	assert_int_equal(pthread_create(&loop, NULL, run_loop_later, x), 0);
	pthread_mutex_lock(&x->f.d.lock);
	x->f.d.ops->reset(&x->f.d);
	pthread_mutex_unlock(&x->f.d.lock);
	/* The I/O had finished when reset returned. */
	assert_int_equal(x->fe.nr_pending, 0);
	pthread_join(loop, NULL);
	tmpdisk_read(&x->t, 0, &byte, 1);
	assert_int_equal(byte, 0x77);
	expect_no_more_used(x);
	assert_int_equal(status_of(x, &g), 0xee);
	assert_int_equal(x->f.nr_logs, 0);

	/* The slot is free again: a new driver session works. */
	assert_int_equal(devfix_start(&x->f, 16), 0);
	x->nr_used = 0;
	g = post(x, VIRTIO_BLK_T_IN, 0, 512, 1, 0);
	devfix_notify(&x->f, 0);
	assert_int_equal(fake_evloop_run(&x->fe), 1);
	expect_used(x, &g, 513);
	assert_int_equal(*(uint8_t *)devfix_host(&x->f, g.data, 1), 0x77);
	bfix_free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_read),
		cmocka_unit_test(test_parse_read_status_in_data_segment),
		cmocka_unit_test(test_parse_write),
		cmocka_unit_test(test_parse_header_split),
		cmocka_unit_test(test_parse_short_header),
		cmocka_unit_test(test_parse_unknown_type),
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_parse_len_not_sectors),
		cmocka_unit_test(test_parse_wrong_direction),
		cmocka_unit_test(test_parse_read_only),
		cmocka_unit_test(test_parse_flush),
		cmocka_unit_test(test_parse_get_id),
		cmocka_unit_test(test_parse_discard_write_zeroes),
		cmocka_unit_test(test_parse_no_status_byte),
		cmocka_unit_test(test_parse_seg_max),
		cmocka_unit_test(test_create_capacity),
		cmocka_unit_test(test_create_rejects),
		cmocka_unit_test(test_exec_write_read),
		cmocka_unit_test(test_exec_flush),
		cmocka_unit_test(test_exec_read_only),
		cmocka_unit_test(test_exec_get_id),
		cmocka_unit_test(test_exec_unsupported_and_bad),
		cmocka_unit_test(test_exec_discard_write_zeroes),
		cmocka_unit_test(test_exec_io_errors),
		cmocka_unit_test(test_exec_no_status_needs_reset),
		cmocka_unit_test(test_exec_stall_resume),
		cmocka_unit_test(test_exec_reset_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
