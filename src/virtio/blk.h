/* SPDX-License-Identifier: MIT */
/*
 * virtio-blk: a disk image (regular file or block device) behind one or
 * more request queues. Requests are parsed completely by blk_parse(), a
 * pure function, before any I/O; the I/O itself goes to the event loop
 * through a small table of hooks (struct dev_io) so tests can run the
 * device against a fake loop.
 */
#ifndef VMM_VIRTIO_BLK_H
#define VMM_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/virtio_blk.h>

#include "evloop.h"
#include "virtio/dev_io.h"
#include "util.h"
#include "virtio/virtio.h"
#include "virtio/virtq.h"

#define BLK_SECTOR_SIZE		512
#define BLK_SECTOR_SHIFT	9
/* Data segments per request we accept (config seg_max). */
#define BLK_SEG_MAX		126
/* Per-request limit for discard / write zeroes, in 512-byte sectors. */
#define BLK_MAX_DISCARD_SECTORS	(1U << 22)	/* 2 GiB */
#define BLK_DEFAULT_QUEUE_SIZE	256

struct blk_config {
	const char *path;
	bool read_only;		/* open O_RDONLY, offer VIRTIO_BLK_F_RO */
	bool direct;		/* O_DIRECT: bypass the host page cache */
	const char *id;		/* serial for GET_ID, <= 20 bytes; may be NULL */
	unsigned int num_queues; /* 0 = 1; at most VIRTIO_MAX_QUEUES */
	uint16_t queue_size;	/* power of two; 0 = BLK_DEFAULT_QUEUE_SIZE */
	const struct dev_io *io; /* copied */
};

/*
 * virtio_blk_create - open the disk and make @d a virtio-blk device.
 * @d must be zeroed apart from what its owner set (lock, gm, name, log).
 * Returns 0 or -errno with one line in @err, such as
 * "disk a.img: size 1000 is not a multiple of 512 bytes".
 */
int virtio_blk_create(struct virtio_dev *d, const struct blk_config *cfg,
		      struct errbuf *err);

/*
 * virtio_blk_destroy - flush a writable disk to stable storage (logged
 * on failure), close it and free the device state. The
 * event loop must be stopped first (no completion may still arrive).
 * Safe on a device whose create failed, and twice.
 */
void virtio_blk_destroy(struct virtio_dev *d);

/* What blk_parse found the request asks for. */
enum blk_op {
	BLK_OP_NONE,		/* nothing to do: complete with .status */
	BLK_OP_READ,
	BLK_OP_WRITE,
	BLK_OP_FLUSH,
	BLK_OP_GET_ID,
	BLK_OP_DISCARD,
	BLK_OP_WRITE_ZEROES,
};

/* A parsed request: everything execution needs, nothing guest-owned. */
struct blk_req {
	enum blk_op op;
	uint32_t type;		/* the header's type, as sent */
	uint8_t status;		/* VIRTIO_BLK_S_*; not OK only with OP_NONE */
	uint8_t *status_ptr;	/* host address of the status byte */
	uint64_t sector;	/* first sector (read/write/discard/zeroes) */
	uint64_t len;		/* bytes: data, id buffer or range */
	uint32_t flags;		/* discard / write zeroes flags */
	unsigned int nr_iov;	/* data buffers (read/write/get-id) */
	struct iovec iov[BLK_SEG_MAX];
};

/*
 * blk_parse - check a popped chain against every rule and describe it in
 * @out without touching the disk or writing guest memory.
 *
 * The last writable byte is the status byte. A chain with no writable
 * byte cannot be answered at all: that returns -EPROTO and the caller
 * puts the device in NEEDS_RESET (a driver bug, not a failed request).
 * Anything else wrong returns 0 with op BLK_OP_NONE and a status, so one
 * bad request fails alone and the disk goes on:
 *  - VIRTIO_BLK_S_IOERR: header shorter than 16 readable bytes; data in
 *    the wrong direction (readable data for a read, writable bytes
 *    before the status for anything but a read or GET_ID); a length not
 *    a multiple of 512; a range past @capacity_sectors (overflow-safe);
 *    more than BLK_SEG_MAX data segments; a GET_ID with no buffer; a
 *    discard / write zeroes payload that is not exactly one entry or
 *    over BLK_MAX_DISCARD_SECTORS; a write, discard or write zeroes on
 *    a read-only disk.
 *  - VIRTIO_BLK_S_UNSUPP: an unknown type; a discard with any flag, a
 *    write zeroes with a flag other than UNMAP (as the spec asks).
 * A read or write of 0 bytes, or a range of 0 sectors, is BLK_OP_NONE
 * with VIRTIO_BLK_S_OK.
 */
int blk_parse(const struct virtq_chain *c, uint64_t capacity_sectors,
	      bool read_only, struct blk_req *out);

#endif
