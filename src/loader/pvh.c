// SPDX-License-Identifier: MIT
/*
 * The PVH boot ABI's start of day structure (xen/include/public/arch-x86/
 * hvm/start_info.h), version 1 so that it carries the memory map and
 * the RSDP and the kernel needs no other firmware interface.
 */
#include "loader/loader.h"

#include <errno.h>
#include <string.h>

#include "layout.h"

struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "start_info ABI");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "modlist ABI");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "memmap ABI");

#define PVH_AREA_SIZE	(LAYOUT_ZERO_PAGE - LAYOUT_PVH_INFO)
#define PVH_MEMMAP_OFF	ALIGN_UP(sizeof(struct hvm_start_info), 16)

static void pvh_fill_memmap(uint8_t *area, const struct boot_params_common *bp)
{
	for (unsigned int i = 0; i < bp->nr_e820; i++) {
		struct hvm_memmap_table_entry m = {
			.addr = bp->e820[i].addr,
			.size = bp->e820[i].size,
			.type = bp->e820[i].type,
		};

		memcpy(area + PVH_MEMMAP_OFF + i * sizeof(m), &m, sizeof(m));
	}
}

int pvh_write_start_info(const struct guest_mem *gm,
			 const struct boot_params_common *bp,
			 struct errbuf *err)
{
	uint8_t area[PVH_AREA_SIZE];
	uint64_t mod_off = ALIGN_UP(PVH_MEMMAP_OFF +
			(uint64_t)bp->nr_e820 * sizeof(struct hvm_memmap_table_entry), 16);
	struct hvm_start_info si = {
		.magic = HVM_START_MAGIC,
		.version = 1,
		.cmdline_paddr = bp->cmdline_gpa,
		.rsdp_paddr = bp->rsdp_gpa,
		.memmap_paddr = LAYOUT_PVH_INFO + PVH_MEMMAP_OFF,
		.memmap_entries = bp->nr_e820,
	};

	/* The zero page follows; PVH kernels never look at it, but keep clear. */
	if (mod_off + sizeof(struct hvm_modlist_entry) > sizeof(area))
		return errbuf_set(err, -E2BIG,
				  "%u memory map entries do not fit in the PVH start info page",
				  bp->nr_e820);
	memset(area, 0, sizeof(area));
	pvh_fill_memmap(area, bp);
	if (bp->initrd_size) {
		struct hvm_modlist_entry mod = {
			.paddr = bp->initrd_gpa,
			.size = bp->initrd_size,
		};

		memcpy(area + mod_off, &mod, sizeof(mod));
		si.nr_modules = 1;
		si.modlist_paddr = LAYOUT_PVH_INFO + mod_off;
	}
	memcpy(area, &si, sizeof(si));
	if (guest_mem_write(gm, LAYOUT_PVH_INFO, area, sizeof(area)))
		return errbuf_set(err, -EFAULT,
				  "PVH start info at 0x%llx is not in guest memory",
				  LAYOUT_PVH_INFO);
	return 0;
}
