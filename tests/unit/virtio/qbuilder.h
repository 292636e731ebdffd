/* SPDX-License-Identifier: MIT */
/*
 * Queue builder: plays the driver side of a split virtqueue in fake
 * guest memory, for unit tests, fuzzers and hostile-guest tests.
 *
 * Memory is a few anonymous NORESERVE mappings (only touched pages cost
 * anything) with PROT_NONE guard pages on both sides, so a device that
 * reads past a region faults instead of silently reading its neighbour.
 * The builder writes rings the way a driver does, and also lets a test
 * write any raw descriptor, index or flag to break the rules on purpose.
 * It does not depend on cmocka: every call returns an error instead.
 */
#ifndef VMM_TEST_QBUILDER_H
#define VMM_TEST_QBUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"
#include "virtio/virtq.h"

/*
 * The default layout: RAM at [0, 1 MiB) and [2 MiB, 3 MiB) with a hole
 * between them; rings at QB_RING_GPA, buffers and indirect tables
 * allocated from QB_HEAP_GPA up to the end of the low region.
 */
#define QB_LOW_GPA	0x0ULL
#define QB_LOW_SIZE	0x100000ULL
#define QB_HOLE_GPA	0x100000ULL
#define QB_HIGH_GPA	0x200000ULL
#define QB_HIGH_SIZE	0x100000ULL
#define QB_RING_GPA	0x1000ULL
#define QB_HEAP_GPA	0x40000ULL
/* qb_mem_add_big: a large region far above the rest, never touched. */
#define QB_BIG_GPA	(1ULL << 40)

struct qb_mem {
	struct guest_mem gm;
	struct {
		void *map;		/* the mapping including guard pages */
		size_t map_size;
	} maps[GUEST_MEM_MAX_REGIONS];
	unsigned int nr_maps;
};

/* qb_mem_init - an empty guest memory map. */
void qb_mem_init(struct qb_mem *m);

/*
 * qb_mem_add - back [gpa, gpa + size) with a new guarded mapping (size
 * rounded up to pages for the mapping only). Returns the host address
 * of gpa, or NULL.
 */
void *qb_mem_add(struct qb_mem *m, uint64_t gpa, uint64_t size);

/* qb_mem_default - qb_mem_init plus the default two regions; 0/-errno. */
int qb_mem_default(struct qb_mem *m);

/* qb_mem_exit - unmap everything qb_mem_add mapped. */
void qb_mem_exit(struct qb_mem *m);

/* The driver side of one split ring. */
struct qb {
	const struct guest_mem *gm;
	uint16_t size;
	bool event_idx;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	uint16_t avail_idx;		/* the driver's copy of avail->idx */
	uint16_t start;			/* where both indices began */
	uint16_t next_desc;		/* next descriptor qb_chain uses */
	uint64_t heap, heap_end;	/* bump allocator for buffers */
};

/* A buffer of a chain to build. */
struct qb_seg {
	uint64_t gpa;
	uint32_t len;
	bool write;
};

/*
 * qb_init - lay out a ring of @size entries at @ring_gpa (descriptors,
 * then avail, then used at the next 4-byte boundary), zero it and set
 * both indices to @start. The heap runs from @heap_gpa to the end of
 * its region. Returns 0 or -EINVAL if any of it is not in RAM.
 */
int qb_init(struct qb *b, const struct guest_mem *gm, uint16_t size,
	    uint64_t ring_gpa, uint64_t heap_gpa, bool event_idx,
	    uint16_t start);

/*
 * qb_virtq_init - virtq_init @q on @b's layout and move its indices to
 * @b->start, as if that many buffers had already gone round.
 */
int qb_virtq_init(const struct qb *b, struct virtq *q, bool indirect);

/* qb_alloc - @len bytes (aligned to @align) from the heap, or 0. */
uint64_t qb_alloc(struct qb *b, uint64_t len, uint64_t align);

/* qb_buf - qb_alloc a buffer of @len bytes filled with @fill. */
uint64_t qb_buf(struct qb *b, uint32_t len, uint8_t fill);

/* qb_desc - write raw descriptor @i of the ring's table. */
int qb_desc(struct qb *b, uint16_t i, uint64_t addr, uint32_t len,
	    uint16_t flags, uint16_t next);

/* qb_table_desc - write raw entry @i of a table at @table_gpa. */
int qb_table_desc(struct qb *b, uint64_t table_gpa, uint32_t i,
		  uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);

/* qb_avail - put @head in the next avail slot and publish it. */
int qb_avail(struct qb *b, uint16_t head);

/* qb_set_avail_idx - write avail->idx raw (the driver's copy follows). */
int qb_set_avail_idx(struct qb *b, uint16_t idx);

/*
 * qb_chain - build a direct chain of @n segments from the next free
 * descriptors and make it available. Returns the head or -errno.
 */
int qb_chain(struct qb *b, const struct qb_seg *segs, unsigned int n);

/*
 * qb_indirect - build an indirect table of @n segments in the heap,
 * one ring descriptor pointing at it, and make it available. Returns
 * the head or -errno; *@table_gpa (if non-NULL) gets the table.
 */
int qb_indirect(struct qb *b, const struct qb_seg *segs, unsigned int n,
		uint64_t *table_gpa);

/* Ring fields as the driver sees them. */
int qb_set_avail_flags(struct qb *b, uint16_t flags);
int qb_set_used_event(struct qb *b, uint16_t v);
uint16_t qb_used_idx(const struct qb *b);
uint16_t qb_used_flags(const struct qb *b);
uint16_t qb_avail_event(const struct qb *b);
int qb_set_used_flags(struct qb *b, uint16_t flags);

/* qb_used_elem - read used->ring[@slot % size]. */
int qb_used_elem(const struct qb *b, uint16_t slot, uint32_t *id,
		 uint32_t *len);

#endif
