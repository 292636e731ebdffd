// SPDX-License-Identifier: MIT
/*
 * The e820 memory map, the one description of guest RAM that both the
 * zero page (bzImage) and hvm_start_info (PVH) hand to the kernel.
 */
#include "loader/loader.h"

#include <errno.h>

#include "layout.h"

static int e820_add(struct e820_entry *tab, unsigned int max,
		    unsigned int *n, uint64_t addr, uint64_t size,
		    uint32_t type)
{
	if (*n >= max)
		return -ENOSPC;
	tab[*n] = (struct e820_entry){ .addr = addr, .size = size, .type = type };
	(*n)++;
	return 0;
}

int e820_build(uint64_t ram_size, struct e820_entry *tab, unsigned int max)
{
	uint64_t low_top, high_size, high_end;
	unsigned int n = 0;
	int err;

	if (ram_size < LOADER_MIN_RAM)
		return -EINVAL;
	low_top = ram_size < LAYOUT_MMIO_HOLE ? ram_size : LAYOUT_MMIO_HOLE;
	high_size = ram_size - low_top;
	if (add_overflows(LAYOUT_HIGH_RAM, high_size, &high_end))
		return -EINVAL;

	/*
	 * 0x9fc00..0x100000 is backed by the low region but must not be
	 * RAM to the guest: the MP table sits in the EBDA and the ACPI
	 * tables at 0xe0000, and the VGA/BIOS window is left as a hole.
	 */
	err = e820_add(tab, max, &n, 0, LAYOUT_EBDA, E820_RAM);
	if (!err)
		err = e820_add(tab, max, &n, LAYOUT_EBDA,
			       LAYOUT_LOWMEM_END - LAYOUT_EBDA, E820_RESERVED);
	if (!err)
		err = e820_add(tab, max, &n, LAYOUT_ACPI,
			       LAYOUT_HIMEM - LAYOUT_ACPI, E820_RESERVED);
	if (!err)
		err = e820_add(tab, max, &n, LAYOUT_HIMEM,
			       low_top - LAYOUT_HIMEM, E820_RAM);
	if (!err && high_size)
		err = e820_add(tab, max, &n, LAYOUT_HIGH_RAM, high_size,
			       E820_RAM);
	return err ? err : (int)n;
}
