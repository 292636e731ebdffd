// SPDX-License-Identifier: MIT
/* Queue builder: the driver side of a split ring in fake guest memory. */
#include "qbuilder.h"

#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

void qb_mem_init(struct qb_mem *m)
{
	memset(m, 0, sizeof(*m));
	guest_mem_init_empty(&m->gm);
}

void *qb_mem_add(struct qb_mem *m, uint64_t gpa, uint64_t size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len;
	uint8_t *map, *hva;

	if (m->nr_maps == GUEST_MEM_MAX_REGIONS || !size ||
	    size > SIZE_MAX - 3 * page)
		return NULL;
	len = ALIGN_UP(size, page) + 2 * page;
	/* All PROT_NONE, then open up the middle: guard pages either side. */
	map = mmap(NULL, len, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	hva = map + page;
	if (mprotect(hva, ALIGN_UP(size, page), PROT_READ | PROT_WRITE) ||
	    guest_mem_add(&m->gm, gpa, size, hva)) {
		munmap(map, len);
		return NULL;
	}
	m->maps[m->nr_maps].map = map;
	m->maps[m->nr_maps].map_size = len;
	m->nr_maps++;
	return hva;
}

int qb_mem_default(struct qb_mem *m)
{
	qb_mem_init(m);
	if (!qb_mem_add(m, QB_LOW_GPA, QB_LOW_SIZE) ||
	    !qb_mem_add(m, QB_HIGH_GPA, QB_HIGH_SIZE)) {
		qb_mem_exit(m);
		return -ENOMEM;
	}
	return 0;
}

void qb_mem_exit(struct qb_mem *m)
{
	for (unsigned int i = 0; i < m->nr_maps; i++)
		munmap(m->maps[i].map, m->maps[i].map_size);
	qb_mem_init(m);
}

/* qb_region_end - end of the region holding @gpa, or 0. */
static uint64_t qb_region_end(const struct guest_mem *gm, uint64_t gpa)
{
	for (unsigned int i = 0; i < gm->nr_regions; i++) {
		const struct guest_region *r = &gm->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r->gpa + r->size;
	}
	return 0;
}

static int qb_put16(struct qb *b, uint64_t gpa, uint16_t v)
{
	uint16_t le = htole16(v);

	return guest_mem_write(b->gm, gpa, &le, sizeof(le));
}

static uint16_t qb_get16(const struct qb *b, uint64_t gpa)
{
	uint16_t le = 0;

	guest_mem_read(b->gm, gpa, &le, sizeof(le));
	return le16toh(le);
}

int qb_init(struct qb *b, const struct guest_mem *gm, uint16_t size,
	    uint64_t ring_gpa, uint64_t heap_gpa, bool event_idx,
	    uint16_t start)
{
	uint64_t extra = event_idx ? 2 : 0;
	uint64_t used_len;
	int err;

	memset(b, 0, sizeof(*b));
	b->gm = gm;
	b->size = size;
	b->event_idx = event_idx;
	b->desc_gpa = ring_gpa;
	b->avail_gpa = ring_gpa + 16ULL * size;
	b->used_gpa = ALIGN_UP(b->avail_gpa + 4 + 2ULL * size + extra, 4);
	used_len = 4 + 8ULL * size + extra;
	b->heap = heap_gpa;
	b->heap_end = qb_region_end(gm, heap_gpa);
	if (!b->heap_end)
		return -EINVAL;
	err = guest_mem_zero(gm, b->desc_gpa, b->used_gpa + used_len - ring_gpa);
	if (err)
		return err;
	b->start = b->avail_idx = start;
	err = qb_put16(b, b->avail_gpa + 2, start);
	return err ? err : qb_put16(b, b->used_gpa + 2, start);
}

int qb_virtq_init(const struct qb *b, struct virtq *q, bool indirect)
{
	int err = virtq_init(q, b->gm, b->size, b->desc_gpa, b->avail_gpa,
			     b->used_gpa, b->event_idx, indirect);

	if (err)
		return err;
	q->last_avail = q->used_idx = b->start;
	return 0;
}

uint64_t qb_alloc(struct qb *b, uint64_t len, uint64_t align)
{
	uint64_t gpa = ALIGN_UP(b->heap, align);

	if (gpa > b->heap_end || len > b->heap_end - gpa)
		return 0;
	b->heap = gpa + len;
	return gpa;
}

uint64_t qb_buf(struct qb *b, uint32_t len, uint8_t fill)
{
	uint64_t gpa = qb_alloc(b, len, 8);
	void *p;

	if (!gpa)
		return 0;
	p = guest_mem_ptr(b->gm, gpa, len);
	if (p)
		memset(p, fill, len);
	return gpa;
}

int qb_table_desc(struct qb *b, uint64_t table_gpa, uint32_t i,
		  uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc d = {
		.addr = htole64(addr), .len = htole32(len),
		.flags = htole16(flags), .next = htole16(next),
	};

	return guest_mem_write(b->gm, table_gpa + 16ULL * i, &d, sizeof(d));
}

int qb_desc(struct qb *b, uint16_t i, uint64_t addr, uint32_t len,
	    uint16_t flags, uint16_t next)
{
	if (i >= b->size)
		return -EINVAL;
	return qb_table_desc(b, b->desc_gpa, i, addr, len, flags, next);
}

int qb_set_avail_idx(struct qb *b, uint16_t idx)
{
	b->avail_idx = idx;
	return qb_put16(b, b->avail_gpa + 2, idx);
}

int qb_avail(struct qb *b, uint16_t head)
{
	uint64_t slot = b->avail_gpa + 4 + 2ULL * (b->avail_idx % b->size);
	int err = qb_put16(b, slot, head);

	return err ? err : qb_set_avail_idx(b, (uint16_t)(b->avail_idx + 1));
}

/* qb_seg_flags - descriptor flags for segment @k of @n. */
static uint16_t qb_seg_flags(const struct qb_seg *s, unsigned int k,
			     unsigned int n)
{
	return (uint16_t)((s->write ? VRING_DESC_F_WRITE : 0) |
			  (k + 1 < n ? VRING_DESC_F_NEXT : 0));
}

int qb_chain(struct qb *b, const struct qb_seg *segs, unsigned int n)
{
	uint16_t head = b->next_desc, i = head, next;
	int err;

	if (!n || n > b->size)
		return -EINVAL;
	for (unsigned int k = 0; k < n; k++, i = next) {
		next = (uint16_t)((i + 1) % b->size);
		err = qb_desc(b, i, segs[k].gpa, segs[k].len,
			      qb_seg_flags(&segs[k], k, n), next);
		if (err)
			return err;
	}
	b->next_desc = i;
	err = qb_avail(b, head);
	return err ? err : head;
}

int qb_indirect(struct qb *b, const struct qb_seg *segs, unsigned int n,
		uint64_t *table_gpa)
{
	uint64_t table = qb_alloc(b, 16ULL * n, 16);
	uint16_t head = b->next_desc;
	int err;

	if (!n || !table)
		return -EINVAL;
	for (unsigned int k = 0; k < n; k++) {
		err = qb_table_desc(b, table, k, segs[k].gpa, segs[k].len,
				    qb_seg_flags(&segs[k], k, n),
				    (uint16_t)(k + 1));
		if (err)
			return err;
	}
	err = qb_desc(b, head, table, (uint32_t)(16 * n),
		      VRING_DESC_F_INDIRECT, 0);
	if (err)
		return err;
	b->next_desc = (uint16_t)((head + 1) % b->size);
	if (table_gpa)
		*table_gpa = table;
	err = qb_avail(b, head);
	return err ? err : head;
}

int qb_set_avail_flags(struct qb *b, uint16_t flags)
{
	return qb_put16(b, b->avail_gpa, flags);
}

int qb_set_used_event(struct qb *b, uint16_t v)
{
	return qb_put16(b, b->avail_gpa + 4 + 2ULL * b->size, v);
}

int qb_set_used_flags(struct qb *b, uint16_t flags)
{
	return qb_put16(b, b->used_gpa, flags);
}

uint16_t qb_used_idx(const struct qb *b)
{
	return qb_get16(b, b->used_gpa + 2);
}

uint16_t qb_used_flags(const struct qb *b)
{
	return qb_get16(b, b->used_gpa);
}

uint16_t qb_avail_event(const struct qb *b)
{
	return qb_get16(b, b->used_gpa + 4 + 8ULL * b->size);
}

int qb_used_elem(const struct qb *b, uint16_t slot, uint32_t *id,
		 uint32_t *len)
{
	struct vring_used_elem e;
	int err = guest_mem_read(b->gm, b->used_gpa + 4 +
				 8ULL * (slot % b->size), &e, sizeof(e));

	if (err)
		return err;
	*id = le32toh(e.id);
	*len = le32toh(e.len);
	return 0;
}
