// SPDX-License-Identifier: MIT
#include "guest_mem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "layout.h"
#include "util.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif

#define THP_SIZE	(2 * MiB)

void guest_mem_init_empty(struct guest_mem *gm)
{
	memset(gm, 0, sizeof(*gm));
	gm->memfd = -1;
}

int guest_mem_add(struct guest_mem *gm, uint64_t gpa, uint64_t size,
		  void *hva)
{
	uint64_t end;

	if (!size || add_overflows(gpa, size, &end) || !hva)
		return -EINVAL;
	if (gm->nr_regions == GUEST_MEM_MAX_REGIONS)
		return -ENOSPC;
	for (unsigned int i = 0; i < gm->nr_regions; i++) {
		const struct guest_region *r = &gm->regions[i];

		if (gpa < r->gpa + r->size && r->gpa < end)
			return -EINVAL;
	}
	gm->regions[gm->nr_regions++] = (struct guest_region){
		.gpa = gpa, .size = size, .hva = hva,
	};
	return 0;
}

/*
 * Huge pages: RAM from a hugetlb memfd. MAP_NORESERVE is left out on
 * purpose: the reservation is what turns "not enough huge pages" into a
 * clean error now instead of a SIGBUS when the guest touches the memory.
 */
static int guest_mem_map_hugetlb(struct guest_mem *gm, uint64_t ram_size)
{
	void *p;
	int err;

	gm->memfd = memfd_create("vmm-guest-ram", MFD_CLOEXEC | MFD_HUGETLB);
	if (gm->memfd < 0)
		return -errno;
	if (ftruncate(gm->memfd, (off_t)ram_size) < 0)
		goto fail;
	p = mmap(NULL, ram_size, PROT_READ | PROT_WRITE, MAP_SHARED, gm->memfd, 0);
	if (p == MAP_FAILED)
		goto fail;
	gm->map = p;
	gm->map_size = ram_size;
	return 0;
fail:
	err = -errno;
	close(gm->memfd);
	gm->memfd = -1;
	return err;
}

/*
 * Ordinary RAM: private anonymous memory, 2 MiB aligned and marked for
 * transparent huge pages, as QEMU does. One fault then maps 2 MiB of the
 * guest instead of 4 KiB: far fewer nested page faults while a kernel
 * boots and touches its memory. MAP_NORESERVE: a guest that never
 * touches most of its RAM should not need the host to commit it.
 */
static int guest_mem_map_anon(struct guest_mem *gm, uint64_t ram_size)
{
	size_t len = (size_t)ram_size + THP_SIZE;
	uint8_t *p, *start;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	start = (uint8_t *)ALIGN_UP((uintptr_t)p, THP_SIZE);
	if (start > p)
		munmap(p, (size_t)(start - p));
	if (start + ram_size < p + len)
		munmap(start + ram_size, (size_t)(p + len - (start + ram_size)));
	gm->map = start;
	gm->map_size = ram_size;
	/* Advice only: a kernel without THP or KSM still runs the guest. */
	madvise(start, ram_size, MADV_HUGEPAGE);
	madvise(start, ram_size, MADV_MERGEABLE);
	/* A child we fork (none today) must not copy guest RAM's page tables. */
	madvise(start, ram_size, MADV_DONTFORK);
	return 0;
}

int guest_mem_init(struct guest_mem *gm, uint64_t ram_size, bool hugepages)
{
	uint64_t low, high;
	int err;

	guest_mem_init_empty(gm);
	if (!ram_size || ram_size > (1ULL << 46))
		return -EINVAL;
	if (hugepages && ram_size % (2 * MiB))
		return -EINVAL;
	gm->ram_size = ram_size;
	err = hugepages ? guest_mem_map_hugetlb(gm, ram_size)
			: guest_mem_map_anon(gm, ram_size);
	if (err)
		return err;

	low = ram_size < LAYOUT_MMIO_HOLE ? ram_size : LAYOUT_MMIO_HOLE;
	high = ram_size - low;
	err = guest_mem_add(gm, 0, low, gm->map);
	if (!err && high)
		err = guest_mem_add(gm, LAYOUT_HIGH_RAM, high, gm->map + low);
	if (err)
		guest_mem_exit(gm);
	return err;
}

void guest_mem_exit(struct guest_mem *gm)
{
	if (gm->map)
		munmap(gm->map, gm->map_size);
	if (gm->memfd >= 0)
		close(gm->memfd);
	guest_mem_init_empty(gm);
}

void *guest_mem_ptr(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (!len)
		len = 1;
	if (add_overflows(gpa, len, &end))
		return NULL;
	for (unsigned int i = 0; i < gm->nr_regions; i++) {
		const struct guest_region *r = &gm->regions[i];

		/* gpa >= r->gpa and end <= r->gpa + r->size, without overflow */
		if (gpa >= r->gpa && gpa - r->gpa < r->size &&
		    end - r->gpa <= r->size)
			return r->hva + (gpa - r->gpa);
	}
	return NULL;
}

bool guest_mem_ok(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	return guest_mem_ptr(gm, gpa, len) != NULL;
}

int guest_mem_read(const struct guest_mem *gm, uint64_t gpa, void *dst,
		   size_t len)
{
	void *p = guest_mem_ptr(gm, gpa, len);

	if (!p)
		return -EFAULT;
	if (len)
		memcpy(dst, p, len);
	return 0;
}

int guest_mem_write(const struct guest_mem *gm, uint64_t gpa,
		    const void *src, size_t len)
{
	void *p = guest_mem_ptr(gm, gpa, len);

	if (!p)
		return -EFAULT;
	if (len)
		memcpy(p, src, len);
	return 0;
}

int guest_mem_zero(const struct guest_mem *gm, uint64_t gpa, size_t len)
{
	void *p = guest_mem_ptr(gm, gpa, len);

	if (!p)
		return -EFAULT;
	if (len)
		memset(p, 0, len);
	return 0;
}

uint64_t guest_mem_low_end(const struct guest_mem *gm)
{
	for (unsigned int i = 0; i < gm->nr_regions; i++)
		if (gm->regions[i].gpa == 0)
			return gm->regions[i].size;
	return 0;
}
