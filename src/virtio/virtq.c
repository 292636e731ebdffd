// SPDX-License-Identifier: MIT
/*
 * Split virtqueue, device side (virtio 1.x §2.7).
 *
 * The driver owns the descriptor table and the avail ring and may change
 * them while we read: every field is loaded once into a local (a
 * descriptor is copied whole before any of it is looked at) and checked
 * there. Guest memory is reached only through guest_mem_ptr, whose result
 * covers the whole checked range. Ring fields are little-endian.
 */
#include "virtio/virtq.h"

#include <endian.h>
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "util.h"

/* Where one walk reads descriptors from: the ring's table or an indirect one. */
struct desc_table {
	const uint8_t *base;	/* host view, count * 16 bytes in one region */
	uint32_t count;
	bool indirect;
};

/* Running state of one chain walk. */
struct walk_state {
	bool seen_write;	/* a writable descriptor came already */
	uint64_t out_len, in_len;
};

/*
 * virtq_fail - remember why the guest broke the queue and return
 * -EPROTO. @why must be a string literal: it is kept, not copied.
 */
static int virtq_fail(struct virtq *q, const char *why)
{
	q->err = why;
	return -EPROTO;
}

void virtq_reset(struct virtq *q)
{
	const struct guest_mem *gm = q->gm;
	uint64_t chains = atomic_load_explicit(&q->stat_chains, memory_order_relaxed);
	uint64_t out = atomic_load_explicit(&q->stat_bytes_out, memory_order_relaxed);
	uint64_t in = atomic_load_explicit(&q->stat_bytes_in, memory_order_relaxed);

	memset(q, 0, sizeof(*q));
	q->gm = gm;
	/* Counters describe the device's life, not one driver session. */
	atomic_store_explicit(&q->stat_chains, chains, memory_order_relaxed);
	atomic_store_explicit(&q->stat_bytes_out, out, memory_order_relaxed);
	atomic_store_explicit(&q->stat_bytes_in, in, memory_order_relaxed);
}


const char *virtq_last_error(const struct virtq *q)
{
	return q->err;
}

/*
 * virtq_area - host view of a driver-given ring area of @len bytes at
 * @gpa, or NULL if it is misaligned or not wholly inside one RAM region.
 * The host address must share the alignment so that the 16- and 32-bit
 * ring fields can be loaded and stored directly (RAM regions are page
 * aligned on both sides, so this only fails for a broken region table).
 */
static void *virtq_area(const struct guest_mem *gm, uint64_t gpa,
			uint64_t len, uint64_t align)
{
	void *p;

	if (gpa & (align - 1))
		return NULL;
	p = guest_mem_ptr(gm, gpa, len);
	if (!p || ((uintptr_t)p & (align - 1)))
		return NULL;
	return p;
}

/* virtq_init_fail - leave @q reset with @why as the reason. */
static int virtq_init_fail(struct virtq *q, const char *why)
{
	virtq_reset(q);
	q->err = why;
	return -EINVAL;
}

int virtq_init(struct virtq *q, const struct guest_mem *gm, uint16_t size,
	       uint64_t desc_gpa, uint64_t avail_gpa, uint64_t used_gpa,
	       bool event_idx, bool indirect)
{
	/* The event fields trail the rings only when EVENT_IDX is on. */
	uint64_t extra = event_idx ? 2 : 0;
	const void *desc;
	void *avail, *used;

	q->gm = gm;
	if (!size || size > VIRTQ_MAX_SIZE || (size & (size - 1)))
		return virtq_init_fail(q, "queue size is not a power of two up to 32768");
	desc = virtq_area(gm, desc_gpa, 16ULL * size, 16);
	if (!desc)
		return virtq_init_fail(q, "descriptor table misaligned or not in RAM");
	avail = virtq_area(gm, avail_gpa, 4 + 2ULL * size + extra, 2);
	if (!avail)
		return virtq_init_fail(q, "avail ring misaligned or not in RAM");
	used = virtq_area(gm, used_gpa, 4 + 8ULL * size + extra, 4);
	if (!used)
		return virtq_init_fail(q, "used ring misaligned or not in RAM");

	virtq_reset(q);
	q->size = size;
	q->desc_gpa = desc_gpa;
	q->avail_gpa = avail_gpa;
	q->used_gpa = used_gpa;
	q->event_idx = event_idx;
	q->indirect = indirect;
	q->desc = desc;
	q->avail = avail;
	q->used = used;
	q->ready = true;
	return 0;
}

/*
 * desc_load - copy descriptor @i of @t into @d. The compiler barrier
 * after the copy makes every later use read the copy, never guest
 * memory again, so a driver rewriting the descriptor cannot change a
 * value between its check and its use. memcpy: an indirect table need
 * not be aligned.
 */
static void desc_load(const struct desc_table *t, uint32_t i,
		      struct vring_desc *d)
{
	memcpy(d, t->base + (size_t)i * sizeof(*d), sizeof(*d));
	atomic_signal_fence(memory_order_seq_cst);
}

/*
 * chain_add - append the buffer of descriptor @d to @c after checking
 * the order (readable before writable), that it lies in RAM and the
 * segment and byte limits. Zero-length buffers carry nothing and touch
 * nothing, so they are accepted and left out of the iovec.
 */
static int chain_add(struct virtq *q, struct virtq_chain *c,
		     struct walk_state *w, const struct vring_desc *d)
{
	bool write = le16toh(d->flags) & VRING_DESC_F_WRITE;
	uint64_t addr = le64toh(d->addr), end;
	uint32_t len = le32toh(d->len);
	uint64_t *total = write ? &w->in_len : &w->out_len;
	void *p;

	if (!write && w->seen_write)
		return virtq_fail(q, "readable descriptor after a writable one");
	w->seen_write |= write;
	if (!len)
		return 0;
	if (add_overflows(addr, len, &end))
		return virtq_fail(q, "buffer address wraps around");
	p = guest_mem_ptr(q->gm, addr, len);
	if (!p)
		return virtq_fail(q, "buffer not wholly inside guest RAM");
	if (c->nr_out + c->nr_in >= VIRTQ_MAX_SEGS)
		return virtq_fail(q, "chain has too many segments");
	*total += len;
	if (*total > UINT32_MAX)
		return virtq_fail(q, "chain is longer than 4 GiB");

	c->iov[c->nr_out + c->nr_in] = (struct iovec){
		.iov_base = p, .iov_len = len,
	};
	if (write)
		c->nr_in++;
	else
		c->nr_out++;
	return 0;
}

/*
 * chain_enter_indirect - check the indirect descriptor @d (the first and
 * only one of its chain) and point @t at the table it refers to.
 */
static int chain_enter_indirect(struct virtq *q, struct desc_table *t,
				const struct vring_desc *d, bool first)
{
	uint16_t flags = le16toh(d->flags);
	uint64_t addr = le64toh(d->addr);
	uint32_t len = le32toh(d->len);
	const void *base;

	if (t->indirect)
		return virtq_fail(q, "indirect descriptor inside an indirect table");
	if (!q->indirect)
		return virtq_fail(q, "indirect descriptor without VIRTIO_F_INDIRECT_DESC");
	if (flags & VRING_DESC_F_NEXT)
		return virtq_fail(q, "descriptor has both INDIRECT and NEXT");
	if (!first)
		return virtq_fail(q, "indirect descriptor is not the head of its chain");
	if (!len || len % sizeof(struct vring_desc))
		return virtq_fail(q, "indirect table length is not a non-zero multiple of 16");
	/* No queue is larger; a bigger table could only hold padding. */
	if (len / sizeof(struct vring_desc) > VIRTQ_MAX_SIZE)
		return virtq_fail(q, "indirect table has more than 32768 entries");
	base = guest_mem_ptr(q->gm, addr, len);
	if (!base)
		return virtq_fail(q, "indirect table not wholly inside guest RAM");

	t->base = base;
	t->count = len / sizeof(struct vring_desc);
	t->indirect = true;
	return 0;
}

/*
 * chain_walk - follow the chain that starts at @head (already checked
 * < size) into @c. Each table allows at most its own entry count of
 * descriptors, which ends any loop the driver built with the next links.
 */
static int chain_walk(struct virtq *q, struct virtq_chain *c, uint16_t head)
{
	struct desc_table t = {
		.base = (const uint8_t *)q->desc, .count = q->size,
	};
	struct walk_state w = { 0 };
	uint32_t i = head, budget = t.count;
	bool first = true;
	struct vring_desc d;
	uint16_t flags;
	int err;

	for (;;) {
		if (!budget--)
			return virtq_fail(q, "descriptor chain longer than its table (a loop?)");
		desc_load(&t, i, &d);
		flags = le16toh(d.flags);
		if (flags & VRING_DESC_F_INDIRECT) {
			err = chain_enter_indirect(q, &t, &d, first);
			if (err)
				return err;
			i = 0;
			budget = t.count;
			first = false;
			continue;
		}
		first = false;
		err = chain_add(q, c, &w, &d);
		if (err)
			return err;
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		i = le16toh(d.next);
		if (i >= t.count)
			return virtq_fail(q, "next descriptor index out of range");
	}
	c->out_len = (uint32_t)w.out_len;
	c->in_len = (uint32_t)w.in_len;
	return 0;
}

int virtq_pop(struct virtq *q, struct virtq_chain *c)
{
	uint16_t avail_idx, head;
	int err;

	if (!q->ready)
		return 0;
	if (q->err)
		return -EPROTO;
	avail_idx = le16toh(q->avail->idx);
	/* Ring entries and descriptors are read after the index that covers them. */
	atomic_thread_fence(memory_order_acquire);
	if ((uint16_t)(avail_idx - q->last_avail) > q->size)
		return virtq_fail(q, "avail index is more than the queue size ahead");
	if (avail_idx == q->last_avail)
		return 0;

	head = le16toh(q->avail->ring[q->last_avail & (q->size - 1)]);
	if (head >= q->size)
		return virtq_fail(q, "avail ring head out of range");
	c->head = head;
	c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	err = chain_walk(q, c, head);
	if (err)
		return err;
	q->last_avail++;
	stat_add(&q->stat_chains, 1);
	stat_add(&q->stat_bytes_out, c->out_len);
	return 1;
}

int virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	volatile struct vring_used_elem *e;

	if (!q->ready)
		return -EINVAL;
	if (q->err)
		return -EPROTO;
	/* Our own counters: more completions than pops is a device bug. */
	if (head >= q->size || q->used_idx == q->last_avail)
		return -EINVAL;

	e = &q->used->ring[q->used_idx & (q->size - 1)];
	e->id = htole32(head);
	e->len = htole32(len);
	/* The driver must see the element before the index that covers it. */
	atomic_thread_fence(memory_order_release);
	q->used_idx++;
	q->used->idx = htole16(q->used_idx);
	stat_add(&q->stat_bytes_in, len);
	return 0;
}

bool virtq_should_notify(struct virtq *q)
{
	uint16_t old = q->signalled_used, event;
	bool valid = q->signalled_valid;

	if (!q->ready || q->err)
		return false;
	/* Our used->idx store must be visible before we read the driver's wish. */
	atomic_thread_fence(memory_order_seq_cst);
	if (!q->event_idx)
		return !(le16toh(q->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);

	q->signalled_used = q->used_idx;
	q->signalled_valid = true;
	if (!valid)
		return true;
	event = le16toh(q->avail->ring[q->size]);	/* used_event */
	return vring_need_event(event, q->used_idx, old);
}

/* avail_event - the u16 that follows the used ring (EVENT_IDX only). */
static volatile uint16_t *avail_event(struct virtq *q)
{
	return (volatile uint16_t *)&q->used->ring[q->size];
}

bool virtq_enable_notify(struct virtq *q)
{
	if (!q->ready || q->err)
		return false;
	if (q->event_idx)
		*avail_event(q) = htole16(q->last_avail);
	else
		q->used->flags = htole16(le16toh(q->used->flags) &
					 ~VRING_USED_F_NO_NOTIFY);
	/* Publish the request before looking for buffers that raced it. */
	atomic_thread_fence(memory_order_seq_cst);
	return le16toh(q->avail->idx) != q->last_avail;
}

void virtq_disable_notify(struct virtq *q)
{
	if (!q->ready || q->err || q->event_idx)
		return;
	q->used->flags = htole16(le16toh(q->used->flags) |
				 VRING_USED_F_NO_NOTIFY);
}
