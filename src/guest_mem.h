/* SPDX-License-Identifier: MIT */
/*
 * Guest physical memory: a few regions, each a host mapping.
 *
 * Everything that touches guest memory on behalf of the guest goes
 * through these helpers. A range is valid only if it lies wholly inside
 * one region; every length is checked for overflow. Device code never
 * does its own gpa arithmetic on host pointers.
 */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_MEM_MAX_REGIONS 8

struct guest_region {
	uint64_t gpa;
	uint64_t size;
	uint8_t *hva;
};

struct guest_mem {
	struct guest_region regions[GUEST_MEM_MAX_REGIONS];
	unsigned int nr_regions;
	uint64_t ram_size;	/* total RAM the user asked for */
	int memfd;		/* hugetlb backing; -1 otherwise */
	uint8_t *map;		/* the one mapping all RAM regions live in */
	size_t map_size;
};

/*
 * guest_mem_init - allocate @ram_size bytes of guest RAM (anonymous
 * memory marked for transparent huge pages, or a hugetlb memfd when
 * @hugepages) and lay it out around the 32-bit MMIO
 * hole: [0, min(ram, hole)) and, for what is left, [4 GiB, ...).
 * Returns 0 or -errno.
 */
int guest_mem_init(struct guest_mem *gm, uint64_t ram_size, bool hugepages);

/* guest_mem_exit - unmap and close what guest_mem_init set up. */
void guest_mem_exit(struct guest_mem *gm);

/*
 * guest_mem_init_empty - an empty map with no backing; tests then add
 * regions of their own (with holes between them) via guest_mem_add.
 */
void guest_mem_init_empty(struct guest_mem *gm);

/*
 * guest_mem_add - add a region backed by @hva. Rejects overlap, zero
 * size, wrap-around and a full table with -EINVAL/-ENOSPC.
 */
int guest_mem_add(struct guest_mem *gm, uint64_t gpa, uint64_t size,
		  void *hva);

/*
 * guest_mem_ptr - host pointer for [gpa, gpa + len), or NULL unless the
 * whole range lies inside one region. len == 0 is treated as 1 byte.
 */
void *guest_mem_ptr(const struct guest_mem *gm, uint64_t gpa, uint64_t len);

/* guest_mem_ok - true if [gpa, gpa + len) is wholly inside one region. */
bool guest_mem_ok(const struct guest_mem *gm, uint64_t gpa, uint64_t len);

/* guest_mem_read - copy out of guest memory; -EFAULT if out of range. */
int guest_mem_read(const struct guest_mem *gm, uint64_t gpa, void *dst,
		   size_t len);

/* guest_mem_write - copy into guest memory; -EFAULT if out of range. */
int guest_mem_write(const struct guest_mem *gm, uint64_t gpa,
		    const void *src, size_t len);

/* guest_mem_zero - clear a guest range; -EFAULT if out of range. */
int guest_mem_zero(const struct guest_mem *gm, uint64_t gpa, size_t len);

/*
 * guest_mem_low_end - end of the RAM region that starts at gpa 0 (the
 * RAM below the MMIO hole), or 0 if there is none.
 */
uint64_t guest_mem_low_end(const struct guest_mem *gm);

#endif
