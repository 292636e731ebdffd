// SPDX-License-Identifier: MIT
/*
 * virtio-blk.
 *
 * A request is popped, parsed whole by blk_parse() into a slot of the
 * queue's preallocated array, and only then executed: synchronously if
 * parsing already decided the answer (errors, GET_ID), otherwise as one
 * or more asynchronous steps on the event loop. The status byte is
 * written and the chain returned when the last step completes.
 *
 * Locking: queue_notify and reset run with d->lock held (the transport
 * and the loop's kick handler take it); I/O completions arrive on the
 * loop thread without it and take it themselves.
 */
#include "virtio/blk.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/virtio_ids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLK_ZERO_BUF		(64 * 1024)	/* write-zeroes fallback */
#define BLK_ZERO_IOVS		16
#define BLK_RESET_WAIT_S	10

/* The asynchronous step a slot is waiting for. */
enum blk_stage {
	BLK_STAGE_READ,
	BLK_STAGE_WRITE,
	BLK_STAGE_FLUSH,
	BLK_STAGE_PUNCH,	/* fallocate(PUNCH_HOLE) */
	BLK_STAGE_ZERO_RANGE,	/* fallocate(ZERO_RANGE) */
	BLK_STAGE_ZERO_WRITE,	/* writev from a buffer of zeroes */
};

struct blk_dev;

/* One request in flight. */
struct blk_slot {
	struct ev_req ev;
	struct blk_dev *blk;
	unsigned int qi;
	uint16_t head;
	uint32_t gen;		/* blk_dev.gen when the chain was popped */
	enum blk_stage stage;
	uint64_t zeroed;	/* ZERO_WRITE progress, bytes */
	struct blk_req req;
};

struct blk_queue {
	struct blk_slot *slots;		/* queue_size of them */
	uint16_t *free;			/* stack of free slot indexes */
	unsigned int nr_free;
	bool stalled;			/* stopped popping: no free slot */
};

struct blk_dev {
	struct virtio_dev *d;
	int fd;
	bool ro;
	uint64_t capacity;		/* 512-byte sectors */
	uint32_t blk_size;
	uint8_t id[VIRTIO_BLK_ID_BYTES];	/* NUL-padded serial */
	struct dev_io io;
	unsigned int nr_queues;
	uint16_t queue_size;
	/*
	 * Bumped by reset: a completion from before it must not write a
	 * status byte or touch a ring the driver has since replaced.
	 */
	uint32_t gen;
	unsigned int inflight;		/* slots taken, all queues */
	uint64_t host_errors;		/* requests the host failed */
	bool resetting;
	bool idle_ok;			/* idle was initialised */
	pthread_cond_t idle;		/* inflight reached 0 */
	struct virtio_blk_config cfg;	/* little-endian, as the driver reads it */
	uint8_t *zeroes;
	struct blk_queue q[VIRTIO_MAX_QUEUES];
	struct virtq_chain chain;	/* pop scratch, under d->lock */
};

/* Scatter-gather helpers ------------------------------------------------ */

/*
 * iov_gather - copy up to @len bytes that start @off bytes into the
 * buffers @iov[0..n) to @dst. Returns the bytes copied.
 */
static size_t iov_gather(const struct iovec *iov, unsigned int n, size_t off,
			 void *dst, size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t seg = iov[i].iov_len, chunk;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		chunk = seg - off;
		if (chunk > len - done)
			chunk = len - done;
		memcpy((uint8_t *)dst + done, (uint8_t *)iov[i].iov_base + off,
		       chunk);
		done += chunk;
		off = 0;
	}
	return done;
}

/* iov_scatter - copy @len bytes from @src into @iov[0..n); bytes copied. */
static size_t iov_scatter(const struct iovec *iov, unsigned int n,
			  const void *src, size_t len)
{
	size_t done = 0;

	for (unsigned int i = 0; i < n && done < len; i++) {
		size_t chunk = iov[i].iov_len;

		if (chunk > len - done)
			chunk = len - done;
		memcpy(iov[i].iov_base, (const uint8_t *)src + done, chunk);
		done += chunk;
	}
	return done;
}

/*
 * iov_slice - describe bytes [off, off + len) of @iov[0..n) as at most
 * @max iovecs in @out. Returns how many, or -E2BIG if more are needed,
 * -ERANGE if the buffers are shorter than off + len.
 */
static int iov_slice(const struct iovec *iov, unsigned int n, size_t off,
		     size_t len, struct iovec *out, unsigned int max)
{
	unsigned int nr = 0;

	for (unsigned int i = 0; i < n && len; i++) {
		size_t seg = iov[i].iov_len, chunk;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		if (nr == max)
			return -E2BIG;
		chunk = seg - off < len ? seg - off : len;
		out[nr++] = (struct iovec){
			.iov_base = (uint8_t *)iov[i].iov_base + off,
			.iov_len = chunk,
		};
		len -= chunk;
		off = 0;
	}
	return len ? -ERANGE : (int)nr;
}

static uint64_t iov_total(const struct iovec *iov, unsigned int n)
{
	uint64_t sum = 0;

	for (unsigned int i = 0; i < n; i++)
		sum += iov[i].iov_len;
	return sum;
}

/* Parsing --------------------------------------------------------------- */

/* The request fails alone: answer @status, do nothing else. */
static int blk_reject(struct blk_req *r, uint8_t status)
{
	r->op = BLK_OP_NONE;
	r->status = status;
	r->nr_iov = 0;
	return 0;
}

/* [sector, sector + nr) inside the disk, without overflow. */
static bool blk_range_ok(uint64_t capacity, uint64_t sector, uint64_t nr)
{
	return sector <= capacity && nr <= capacity - sector;
}

/*
 * T_IN / T_OUT: data travels in one direction only, after the header
 * (write) or before the status byte (read), in whole sectors.
 */
static int blk_parse_rw(const struct virtq_chain *c, uint64_t capacity,
			struct blk_req *r, bool write, uint64_t out_data,
			uint64_t in_data)
{
	uint64_t len = write ? out_data : in_data;
	int n;

	if (write ? in_data : out_data)
		return blk_reject(r, VIRTIO_BLK_S_IOERR);
	if (len % BLK_SECTOR_SIZE ||
	    !blk_range_ok(capacity, r->sector, len >> BLK_SECTOR_SHIFT))
		return blk_reject(r, VIRTIO_BLK_S_IOERR);
	r->len = len;
	if (!len)
		return 0;	/* nothing to move: OK, as a zero-length I/O */
	if (write)
		n = iov_slice(c->iov, c->nr_out,
			      sizeof(struct virtio_blk_outhdr), len, r->iov,
			      BLK_SEG_MAX);
	else
		n = iov_slice(&c->iov[c->nr_out], c->nr_in, 0, len, r->iov,
			      BLK_SEG_MAX);
	if (n < 0)
		return blk_reject(r, VIRTIO_BLK_S_IOERR);
	r->nr_iov = (unsigned int)n;
	r->op = write ? BLK_OP_WRITE : BLK_OP_READ;
	return 0;
}

/* T_GET_ID: a writable buffer of at least one byte before the status. */
static int blk_parse_get_id(const struct virtq_chain *c, struct blk_req *r,
			    uint64_t out_data, uint64_t in_data)
{
	uint64_t len = in_data < VIRTIO_BLK_ID_BYTES ? in_data :
						       VIRTIO_BLK_ID_BYTES;
	int n;

	if (out_data || !len)
		return blk_reject(r, VIRTIO_BLK_S_IOERR);
	n = iov_slice(&c->iov[c->nr_out], c->nr_in, 0, len, r->iov,
		      BLK_SEG_MAX);
	if (n < 0)
		return blk_reject(r, VIRTIO_BLK_S_IOERR);
	r->nr_iov = (unsigned int)n;
	r->len = len;
	r->op = BLK_OP_GET_ID;
	return 0;
}

/*
 * T_DISCARD / T_WRITE_ZEROES: exactly one range entry (we offer
 * max_*_seg = 1). Unknown flags, and UNMAP on a discard, are UNSUPP as
 * the spec asks; a bad range is IOERR.
 */
static int blk_parse_range(const struct virtq_chain *c, uint64_t capacity,
			   struct blk_req *r, uint64_t out_data,
			   uint64_t in_data)
{
	struct virtio_blk_discard_write_zeroes e;
	uint32_t allowed = 0, nr;

	if (in_data || out_data != sizeof(e))
		return blk_reject(r, VIRTIO_BLK_S_IOERR);
	iov_gather(c->iov, c->nr_out, sizeof(struct virtio_blk_outhdr), &e,
		   sizeof(e));
	if (r->type == VIRTIO_BLK_T_WRITE_ZEROES)
		allowed = VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;
	r->sector = le64toh(e.sector);
	r->flags = le32toh(e.flags);
	nr = le32toh(e.num_sectors);
	if (r->flags & ~allowed)
		return blk_reject(r, VIRTIO_BLK_S_UNSUPP);
	if (nr > BLK_MAX_DISCARD_SECTORS ||
	    !blk_range_ok(capacity, r->sector, nr))
		return blk_reject(r, VIRTIO_BLK_S_IOERR);
	r->len = (uint64_t)nr << BLK_SECTOR_SHIFT;
	if (!nr)
		return 0;
	r->op = r->type == VIRTIO_BLK_T_DISCARD ? BLK_OP_DISCARD :
						  BLK_OP_WRITE_ZEROES;
	return 0;
}

int blk_parse(const struct virtq_chain *c, uint64_t capacity_sectors,
	      bool read_only, struct blk_req *r)
{
	const struct iovec *in = &c->iov[c->nr_out];
	struct virtio_blk_outhdr hdr;
	uint64_t out_len, in_len, out_data;

	r->op = BLK_OP_NONE;
	r->type = 0;
	r->status = VIRTIO_BLK_S_OK;
	r->status_ptr = NULL;
	r->sector = r->len = 0;
	r->flags = 0;
	r->nr_iov = 0;
	if (c->nr_out > VIRTQ_MAX_SEGS || c->nr_in > VIRTQ_MAX_SEGS - c->nr_out)
		return -EINVAL;
	/* Without a status byte there is no way to answer: a driver bug. */
	if (!c->nr_in || !in[c->nr_in - 1].iov_len)
		return -EPROTO;
	r->status_ptr = (uint8_t *)in[c->nr_in - 1].iov_base +
			in[c->nr_in - 1].iov_len - 1;

	/* Recount rather than trust the totals: this is a pure function. */
	out_len = iov_total(c->iov, c->nr_out);
	in_len = iov_total(in, c->nr_in);
	if (out_len < sizeof(hdr))
		return blk_reject(r, VIRTIO_BLK_S_IOERR);
	iov_gather(c->iov, c->nr_out, 0, &hdr, sizeof(hdr));
	r->type = le32toh(hdr.type);
	r->sector = le64toh(hdr.sector);
	out_data = out_len - sizeof(hdr);

	switch (r->type) {
	case VIRTIO_BLK_T_IN:
		return blk_parse_rw(c, capacity_sectors, r, false, out_data,
				    in_len - 1);
	case VIRTIO_BLK_T_OUT:
		if (read_only)
			return blk_reject(r, VIRTIO_BLK_S_IOERR);
		return blk_parse_rw(c, capacity_sectors, r, true, out_data,
				    in_len - 1);
	case VIRTIO_BLK_T_FLUSH:
		if (out_data || in_len != 1)
			return blk_reject(r, VIRTIO_BLK_S_IOERR);
		r->op = BLK_OP_FLUSH;
		return 0;
	case VIRTIO_BLK_T_GET_ID:
		return blk_parse_get_id(c, r, out_data, in_len - 1);
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (read_only)
			return blk_reject(r, VIRTIO_BLK_S_IOERR);
		return blk_parse_range(c, capacity_sectors, r, out_data,
				       in_len - 1);
	default:
		return blk_reject(r, VIRTIO_BLK_S_UNSUPP);
	}
}

/* Slots ----------------------------------------------------------------- */

static void blk_io_done(struct ev_req *ev, int res);

static struct blk_slot *blk_slot_get(struct blk_dev *b, unsigned int qi)
{
	struct blk_queue *bq = &b->q[qi];
	struct blk_slot *s;

	if (!bq->nr_free)
		return NULL;
	s = &bq->slots[bq->free[--bq->nr_free]];
	/* Set here, not at creation, so slots never used stay untouched. */
	s->ev.done = blk_io_done;
	s->blk = b;
	s->qi = qi;
	s->gen = b->gen;
	b->inflight++;
	return s;
}

static void blk_slot_put(struct blk_dev *b, struct blk_slot *s)
{
	struct blk_queue *bq = &b->q[s->qi];

	bq->free[bq->nr_free++] = (uint16_t)(s - bq->slots);
	if (!--b->inflight && b->resetting)
		pthread_cond_broadcast(&b->idle);
}

/*
 * Answer the request: status byte, used ring, interrupt. Bytes written
 * to the guest count the data only when it is known to be all there.
 */
static void blk_finish(struct blk_dev *b, struct blk_slot *s, uint8_t status)
{
	const struct blk_req *r = &s->req;
	uint32_t written = 1;

	if (status == VIRTIO_BLK_S_OK &&
	    (r->op == BLK_OP_READ || r->op == BLK_OP_GET_ID))
		written += (uint32_t)r->len;
	*r->status_ptr = status;
	virtio_dev_complete(b->d, s->qi, s->head, written);
	blk_slot_put(b, s);
}

/* Execution ------------------------------------------------------------- */

/* Queue the slot's current stage; 0 or -errno (then no callback). */
static int blk_submit(struct blk_dev *b, struct blk_slot *s)
{
	const struct dev_io *io = &b->io;
	const struct blk_req *r = &s->req;
	uint64_t off = r->sector << BLK_SECTOR_SHIFT;
	uint64_t left;
	unsigned int nr = 0;

	switch (s->stage) {
	case BLK_STAGE_READ:
		return io->readv(io->ctx, b->fd, r->iov, r->nr_iov, off,
				 &s->ev);
	case BLK_STAGE_WRITE:
		return io->writev(io->ctx, b->fd, r->iov, r->nr_iov, off,
				  &s->ev);
	case BLK_STAGE_FLUSH:
		return io->fdatasync(io->ctx, b->fd, &s->ev);
	case BLK_STAGE_PUNCH:
		return io->fallocate(io->ctx, b->fd,
				     FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				     off, r->len, &s->ev);
	case BLK_STAGE_ZERO_RANGE:
		return io->fallocate(io->ctx, b->fd,
				     FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
				     off, r->len, &s->ev);
	case BLK_STAGE_ZERO_WRITE:
		/*
		 * Rounds of up to BLK_ZERO_IOVS buffers of zeroes; the
		 * iovecs live in the slot (a zeroing request has no data
		 * buffers of its own) so they outlast the submission.
		 */
		left = r->len - s->zeroed;
		while (nr < BLK_ZERO_IOVS && left) {
			size_t chunk = left < BLK_ZERO_BUF ? left : BLK_ZERO_BUF;

			s->req.iov[nr++] = (struct iovec){
				.iov_base = b->zeroes, .iov_len = chunk,
			};
			left -= chunk;
		}
		return io->writev(io->ctx, b->fd, s->req.iov, nr,
				  off + s->zeroed, &s->ev);
	}
	return -EINVAL;
}

/*
 * The stage completed with @res: return the status to answer with, or
 * -1 if a next stage is now queued (fallbacks and write-zeroes rounds).
 */
static int blk_step(struct blk_dev *b, struct blk_slot *s, int res)
{
	const struct blk_req *r = &s->req;
	enum blk_stage next;

	switch (s->stage) {
	case BLK_STAGE_READ:
	case BLK_STAGE_WRITE:
		/* A short transfer is an error: the file shrank under us. */
		return res >= 0 && (uint64_t)res == r->len ?
		       VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
	case BLK_STAGE_FLUSH:
		return res ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case BLK_STAGE_PUNCH:
		if (!res)
			return VIRTIO_BLK_S_OK;
		if (res != -EOPNOTSUPP)
			return VIRTIO_BLK_S_IOERR;
		/* Discard is only a hint; write zeroes must still zero. */
		if (r->op == BLK_OP_DISCARD)
			return VIRTIO_BLK_S_OK;
		next = BLK_STAGE_ZERO_RANGE;
		break;
	case BLK_STAGE_ZERO_RANGE:
		if (!res)
			return VIRTIO_BLK_S_OK;
		if (res != -EOPNOTSUPP)
			return VIRTIO_BLK_S_IOERR;
		s->zeroed = 0;
		next = BLK_STAGE_ZERO_WRITE;
		break;
	case BLK_STAGE_ZERO_WRITE:
		if (res <= 0)
			return VIRTIO_BLK_S_IOERR;
		s->zeroed += (uint64_t)res;
		if (s->zeroed >= r->len)
			return VIRTIO_BLK_S_OK;
		next = BLK_STAGE_ZERO_WRITE;
		break;
	default:
		return VIRTIO_BLK_S_IOERR;
	}
	s->stage = next;
	return blk_submit(b, s) ? VIRTIO_BLK_S_IOERR : -1;
}

/* Start a parsed request: answer it now or queue its first stage. */
static void blk_start(struct blk_dev *b, struct blk_slot *s)
{
	struct blk_req *r = &s->req;

	switch (r->op) {
	case BLK_OP_NONE:
		blk_finish(b, s, r->status);
		return;
	case BLK_OP_GET_ID:
		iov_scatter(r->iov, r->nr_iov, b->id, r->len);
		blk_finish(b, s, VIRTIO_BLK_S_OK);
		return;
	case BLK_OP_READ:
		s->stage = BLK_STAGE_READ;
		break;
	case BLK_OP_WRITE:
		s->stage = BLK_STAGE_WRITE;
		break;
	case BLK_OP_FLUSH:
		s->stage = BLK_STAGE_FLUSH;
		break;
	case BLK_OP_DISCARD:
		s->stage = BLK_STAGE_PUNCH;
		break;
	case BLK_OP_WRITE_ZEROES:
		/* Punching is cheaper and reads back as zeroes too. */
		s->stage = r->flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP ?
			   BLK_STAGE_PUNCH : BLK_STAGE_ZERO_RANGE;
		break;
	}
	if (blk_submit(b, s))
		blk_finish(b, s, VIRTIO_BLK_S_IOERR);
}

static void blk_queue_run(struct blk_dev *b, unsigned int qi);

/* Popping stopped for want of a slot: go on now that one is free. */
static void blk_resume(struct blk_dev *b, unsigned int qi)
{
	struct virtio_dev *d = b->d;
	struct blk_queue *bq = &b->q[qi];

	if (!bq->stalled || !bq->nr_free || b->resetting || d->broken ||
	    !(d->status & VIRTIO_STATUS_DRIVER_OK) || !d->vqs[qi].ready)
		return;
	bq->stalled = false;
	blk_queue_run(b, qi);
}

/*
 * The host failed a request (a dying disk, a full filesystem): the guest
 * gets VIRTIO_BLK_S_IOERR, and the user a log line, but only the first
 * few, so a guest retrying a bad sector cannot flood the log.
 */
#define BLK_HOST_ERRORS_LOGGED	4

static void blk_log_host_error(struct blk_dev *b, const struct blk_slot *s,
			       int res)
{
	static const char *const what[] = {
		[BLK_STAGE_READ] = "read", [BLK_STAGE_WRITE] = "write",
		[BLK_STAGE_FLUSH] = "flush",
	};
	struct virtio_dev *d = b->d;
	char msg[224], short_done[40];

	if (++b->host_errors > BLK_HOST_ERRORS_LOGGED || !d->log)
		return;
	snprintf(short_done, sizeof(short_done), "%d bytes done", res);
	if (s->stage == BLK_STAGE_FLUSH)
		snprintf(msg, sizeof(msg), "%s: host flush failed: %s; the guest gets an I/O error",
			 d->name, strerror(-res));
	else
		snprintf(msg, sizeof(msg), "%s: host %s of %llu bytes at sector %llu failed: %s%s; the guest gets an I/O error%s",
			 d->name, what[s->stage],
			 (unsigned long long)s->req.len,
			 (unsigned long long)s->req.sector,
			 res < 0 ? strerror(-res) : "only ",
			 res < 0 ? "" : short_done,
			 b->host_errors == BLK_HOST_ERRORS_LOGGED ?
			 " (further host errors are not logged)" : "");
	d->log(d->log_ctx, msg);
}

/* ev_req done: a stage finished, on the loop thread, d->lock not held. */
static void blk_io_done(struct ev_req *ev, int res)
{
	struct blk_slot *s = container_of(ev, struct blk_slot, ev);
	struct blk_dev *b = s->blk;
	unsigned int qi = s->qi;
	int status;

	pthread_mutex_lock(&b->d->lock);
	if (s->gen != b->gen) {
		/* Reset since: the chain and its status byte are not ours. */
		blk_slot_put(b, s);
	} else {
		status = blk_step(b, s, res);
		/* blk_step judged the transfer; read, write, flush stay put. */
		if (status == VIRTIO_BLK_S_IOERR && s->stage <= BLK_STAGE_FLUSH)
			blk_log_host_error(b, s, res);
		if (status >= 0)
			blk_finish(b, s, (uint8_t)status);
	}
	blk_resume(b, qi);
	pthread_mutex_unlock(&b->d->lock);
}

/* One popped chain: parse into a slot, then start it. */
static void blk_handle(struct blk_dev *b, unsigned int qi,
		       struct blk_slot *s, const struct virtq_chain *c)
{
	int err;

	s->head = c->head;
	err = blk_parse(c, b->capacity, b->ro, &s->req);
	if (err) {
		blk_slot_put(b, s);
		virtio_dev_needs_reset(b->d,
				       "queue %u: request %u has no status byte",
				       qi, c->head);
		return;
	}
	blk_start(b, s);
}

/*
 * Drain queue @qi: pop while there is a free slot. With none left the
 * queue is marked stalled and the next completion resumes it, so a
 * guest can never make us hold more than queue_size requests.
 */
static void blk_queue_run(struct blk_dev *b, unsigned int qi)
{
	struct virtio_dev *d = b->d;
	struct virtq *q = &d->vqs[qi];

	if (!q->ready)
		return;
	virtq_disable_notify(q);
	for (;;) {
		struct blk_slot *s;

		if (d->broken)
			return;
		s = blk_slot_get(b, qi);
		if (!s) {
			b->q[qi].stalled = true;
			return;
		}
		if (virtio_dev_pop(d, qi, &b->chain) <= 0) {
			blk_slot_put(b, s);
			return;
		}
		blk_handle(b, qi, s, &b->chain);
	}
}

/* Device ops -------------------------------------------------------------- */

static void blk_config_read(struct virtio_dev *d, uint32_t off, void *buf,
			    uint32_t len)
{
	struct blk_dev *b = d->priv;

	memcpy(buf, (const uint8_t *)&b->cfg + off, len);
}

/* Nothing in our config space is writable (no CONFIG_WCE). */
static void blk_config_write(struct virtio_dev *d, uint32_t off,
			     const void *buf, uint32_t len)
{
}

static int blk_activate(struct virtio_dev *d)
{
	return 0;
}

static void blk_queue_notify(struct virtio_dev *d, unsigned int qi)
{
	struct blk_dev *b = d->priv;

	if (qi >= b->nr_queues || b->resetting)
		return;
	b->q[qi].stalled = false;
	blk_queue_run(b, qi);
}

/* The host storage did not answer in time: say so once per reset. */
static void blk_log_stuck(struct virtio_dev *d, unsigned int n)
{
	char msg[128];

	if (!d->log)
		return;
	snprintf(msg, sizeof(msg),
		 "%s: reset with %u requests still in flight after %d s",
		 d->name ? d->name : "virtio-blk", n, BLK_RESET_WAIT_S);
	d->log(d->log_ctx, msg);
}

/*
 * Device reset (d->lock held, a vCPU thread). Requests still in flight
 * will write into buffers the rebooting guest may already reuse, so wait
 * for them (the wait drops d->lock, letting completions in) - bounded,
 * in case the host storage hangs. Completions that arrive later only
 * free their slot.
 */
static void blk_reset(struct virtio_dev *d)
{
	struct blk_dev *b = d->priv;
	struct timespec until;

	b->gen++;
	b->resetting = true;
	for (unsigned int qi = 0; qi < b->nr_queues; qi++)
		b->q[qi].stalled = false;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += BLK_RESET_WAIT_S;
	while (b->inflight) {
		if (pthread_cond_timedwait(&b->idle, &d->lock, &until)) {
			blk_log_stuck(d, b->inflight);
			break;
		}
	}
	b->resetting = false;
}

static const struct virtio_dev_ops blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.config_size = sizeof(struct virtio_blk_config),
	.config_read = blk_config_read,
	.config_write = blk_config_write,
	.activate = blk_activate,
	.queue_notify = blk_queue_notify,
	.reset = blk_reset,
};

/* Creation ---------------------------------------------------------------- */

/* Size in bytes and logical block size of the open disk. */
static int blk_probe(struct blk_dev *b, const char *path, bool direct,
		     struct errbuf *err)
{
	struct stat st;
	uint64_t size;
	int ssz;

	if (fstat(b->fd, &st))
		return errbuf_set(err, -errno, "disk %s: %s", path,
				  strerror(errno));
	b->blk_size = BLK_SECTOR_SIZE;
	if (S_ISREG(st.st_mode)) {
		size = (uint64_t)st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		if (ioctl(b->fd, BLKGETSIZE64, &size))
			return errbuf_set(err, -errno, "disk %s: %s", path,
					  strerror(errno));
		/* O_DIRECT needs I/O in the device's logical blocks. */
		if (direct && !ioctl(b->fd, BLKSSZGET, &ssz) && ssz > 512 &&
		    ssz <= 4096 && !(ssz & (ssz - 1)))
			b->blk_size = (uint32_t)ssz;
	} else {
		return errbuf_set(err, -EINVAL,
				  "disk %s: not a regular file or block device",
				  path);
	}
	if (!size)
		return errbuf_set(err, -EINVAL, "disk %s: the disk is empty",
				  path);
	if (size % b->blk_size)
		return errbuf_set(err, -EINVAL,
				  "disk %s: size %llu is not a multiple of %u bytes",
				  path, (unsigned long long)size, b->blk_size);
	b->capacity = size >> BLK_SECTOR_SHIFT;
	return 0;
}

static int blk_alloc_queues(struct blk_dev *b)
{
	for (unsigned int qi = 0; qi < b->nr_queues; qi++) {
		struct blk_queue *bq = &b->q[qi];

		bq->slots = calloc(b->queue_size, sizeof(*bq->slots));
		bq->free = calloc(b->queue_size, sizeof(*bq->free));
		if (!bq->slots || !bq->free)
			return -ENOMEM;
		for (unsigned int i = 0; i < b->queue_size; i++)
			bq->free[i] = (uint16_t)(b->queue_size - 1 - i);
		bq->nr_free = b->queue_size;
	}
	return 0;
}

/* The zero buffer is aligned so the fallback also works with O_DIRECT. */
static int blk_alloc_zeroes(struct blk_dev *b)
{
	void *p;

	if (posix_memalign(&p, 4096, BLK_ZERO_BUF))
		return -ENOMEM;
	memset(p, 0, BLK_ZERO_BUF);
	b->zeroes = p;
	return 0;
}

static int blk_init_cond(struct blk_dev *b)
{
	pthread_condattr_t attr;
	int err;

	if (pthread_condattr_init(&attr))
		return -ENOMEM;
	err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!err)
		err = pthread_cond_init(&b->idle, &attr);
	pthread_condattr_destroy(&attr);
	if (err)
		return -err;
	b->idle_ok = true;
	return 0;
}

static void blk_fill_config(struct blk_dev *b)
{
	struct virtio_blk_config *c = &b->cfg;

	memset(c, 0, sizeof(*c));
	c->capacity = htole64(b->capacity);
	c->seg_max = htole32(BLK_SEG_MAX);
	c->blk_size = htole32(b->blk_size);
	c->num_queues = htole16((uint16_t)b->nr_queues);
	c->max_discard_sectors = htole32(BLK_MAX_DISCARD_SECTORS);
	c->max_discard_seg = htole32(1);
	c->discard_sector_alignment = htole32(b->blk_size >> BLK_SECTOR_SHIFT);
	c->max_write_zeroes_sectors = htole32(BLK_MAX_DISCARD_SECTORS);
	c->max_write_zeroes_seg = htole32(1);
	c->write_zeroes_may_unmap = 1;
}

static uint64_t blk_features(const struct blk_dev *b)
{
	uint64_t f = VIRTIO_FEATURE(VIRTIO_BLK_F_SEG_MAX) |
		     VIRTIO_FEATURE(VIRTIO_BLK_F_BLK_SIZE) |
		     VIRTIO_FEATURE(VIRTIO_BLK_F_FLUSH) |
		     VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT) |
		     VIRTIO_FEATURE(VIRTIO_F_EVENT_IDX_BIT) |
		     VIRTIO_FEATURE(VIRTIO_F_INDIRECT_DESC_BIT);

	if (b->nr_queues > 1)
		f |= VIRTIO_FEATURE(VIRTIO_BLK_F_MQ);
	/* A read-only disk has nothing to discard or zero. */
	if (b->ro)
		f |= VIRTIO_FEATURE(VIRTIO_BLK_F_RO);
	else
		f |= VIRTIO_FEATURE(VIRTIO_BLK_F_DISCARD) |
		     VIRTIO_FEATURE(VIRTIO_BLK_F_WRITE_ZEROES);
	return f;
}

static int blk_check_config(const struct blk_config *cfg, struct errbuf *err)
{
	const struct dev_io *io = cfg->io;
	uint16_t qs = cfg->queue_size;

	if (!cfg->path)
		return errbuf_set(err, -EINVAL, "disk: no path given");
	if (!io || !io->readv || !io->writev || !io->fdatasync ||
	    !io->fallocate)
		return errbuf_set(err, -EINVAL, "disk %s: no I/O hooks",
				  cfg->path);
	if (cfg->num_queues > VIRTIO_MAX_QUEUES)
		return errbuf_set(err, -EINVAL,
				  "disk %s: %u queues (at most %u)", cfg->path,
				  cfg->num_queues, VIRTIO_MAX_QUEUES);
	if (qs & (qs - 1) || qs > VIRTQ_MAX_SIZE)
		return errbuf_set(err, -EINVAL,
				  "disk %s: queue size %u is not a power of two up to %u",
				  cfg->path, qs, VIRTQ_MAX_SIZE);
	if (cfg->id && strlen(cfg->id) > VIRTIO_BLK_ID_BYTES)
		return errbuf_set(err, -EINVAL,
				  "disk %s: id \"%s\" is longer than %u bytes",
				  cfg->path, cfg->id, VIRTIO_BLK_ID_BYTES);
	return 0;
}

static void blk_free(struct blk_dev *b)
{
	for (unsigned int qi = 0; qi < VIRTIO_MAX_QUEUES; qi++) {
		free(b->q[qi].slots);
		free(b->q[qi].free);
	}
	if (b->idle_ok)
		pthread_cond_destroy(&b->idle);
	if (b->fd >= 0)
		close(b->fd);
	free(b->zeroes);
	free(b);
}

int virtio_blk_create(struct virtio_dev *d, const struct blk_config *cfg,
		      struct errbuf *err)
{
	struct blk_dev *b;
	int flags, ret;

	ret = blk_check_config(cfg, err);
	if (ret)
		return ret;
	b = calloc(1, sizeof(*b));
	if (!b)
		return errbuf_set(err, -ENOMEM, "disk %s: out of memory",
				  cfg->path);
	b->d = d;
	b->ro = cfg->read_only;
	b->io = *cfg->io;
	b->nr_queues = cfg->num_queues ? cfg->num_queues : 1;
	b->queue_size = cfg->queue_size ? cfg->queue_size :
					  BLK_DEFAULT_QUEUE_SIZE;
	if (cfg->id)
		memcpy(b->id, cfg->id, strlen(cfg->id));

	flags = (b->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	if (cfg->direct)
		flags |= O_DIRECT;
	b->fd = open(cfg->path, flags);
	if (b->fd < 0) {
		ret = errbuf_set(err, -errno, "disk %s: %s", cfg->path,
				 strerror(errno));
		goto fail;
	}
	ret = blk_probe(b, cfg->path, cfg->direct, err);
	if (ret)
		goto fail;
	ret = blk_alloc_queues(b);
	if (!ret)
		ret = blk_alloc_zeroes(b);
	if (!ret)
		ret = blk_init_cond(b);
	if (ret) {
		errbuf_set(err, ret, "disk %s: %s", cfg->path, strerror(-ret));
		goto fail;
	}
	blk_fill_config(b);

	d->ops = &blk_ops;
	d->host_features = blk_features(b);
	d->nr_queues = b->nr_queues;
	d->queue_max = b->queue_size;
	d->priv = b;
	return 0;
fail:
	blk_free(b);
	return ret;
}

void virtio_blk_destroy(struct virtio_dev *d)
{
	struct blk_dev *b = d->priv;

	if (!b || d->ops != &blk_ops)
		return;
	/*
	 * A clean stop makes what the guest wrote durable, flushed or not,
	 * as QEMU does at exit: a host crash right after must not lose it.
	 */
	if (!b->ro && b->fd >= 0 && fdatasync(b->fd) && d->log) {
		char msg[160];

		snprintf(msg, sizeof(msg), "%s: host flush at stop failed: %s",
			 d->name, strerror(errno));
		d->log(d->log_ctx, msg);
	}
	blk_free(b);
	d->priv = NULL;
}
