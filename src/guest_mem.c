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

int guest_mem_init(struct guest_mem *gm, uint64_t ram_size, bool hugepages)
{
	uint64_t low, high;
	unsigned int flags = MFD_CLOEXEC | (hugepages ? MFD_HUGETLB : 0);
	int err;

	guest_mem_init_empty(gm);
	if (!ram_size || ram_size > (1ULL << 46))
		return -EINVAL;
	if (hugepages && ram_size % (2 * MiB))
		return -EINVAL;
	gm->ram_size = ram_size;
	gm->memfd = memfd_create("vmm-guest-ram", flags);
	if (gm->memfd < 0)
		return -errno;
	if (ftruncate(gm->memfd, (off_t)ram_size) < 0) {
		err = -errno;
		goto out_close;
	}
	/*
	 * MAP_NORESERVE: a guest that never touches most of its RAM should
	 * not need the host to commit it up front. Not for huge pages: there
	 * the reservation is what turns "not enough huge pages" into a clean
	 * error now instead of a SIGBUS when the guest touches the memory.
	 */
	gm->map = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | (hugepages ? 0 : MAP_NORESERVE),
		       gm->memfd, 0);
	if (gm->map == MAP_FAILED) {
		gm->map = NULL;
		err = -errno;
		goto out_close;
	}
	gm->map_size = ram_size;
	madvise(gm->map, ram_size, MADV_MERGEABLE);

	low = ram_size < LAYOUT_MMIO_HOLE ? ram_size : LAYOUT_MMIO_HOLE;
	high = ram_size - low;
	err = guest_mem_add(gm, 0, low, gm->map);
	if (!err && high)
		err = guest_mem_add(gm, LAYOUT_HIGH_RAM, high, gm->map + low);
	if (err)
		goto out_unmap;
	return 0;

out_unmap:
	munmap(gm->map, gm->map_size);
	gm->map = NULL;
out_close:
	close(gm->memfd);
	gm->memfd = -1;
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
