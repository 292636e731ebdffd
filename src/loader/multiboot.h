/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 kernels (the GNU Multiboot Specification 0.6.96): an
 * ELF32 image, or any image with the header's a.out-kludge addresses,
 * carrying a Multiboot header in its first 8 KiB. The kernel is entered
 * in flat 32-bit protected mode with EAX = MULTIBOOT_BOOT_MAGIC and EBX
 * pointing at struct multiboot_info.
 *
 * Where things go in the guest (all below 1 MiB, in e820 RAM, and
 * refused as load addresses for the kernel):
 *
 *   MB_INFO_GPA       multiboot_info, the boot loader name, the memory
 *                     map and the module list (the PVH start_info page
 *                     and the zero page, which this path does not use)
 *   MB_STRINGS_GPA    the kernel command line, then one string per
 *                     module (the usual command line area)
 *
 * Modules go page-aligned above the kernel's highest loaded byte.
 */
#ifndef VMM_LOADER_MULTIBOOT_H
#define VMM_LOADER_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"
#include "layout.h"
#include "loader/loader.h"
#include "util.h"

#define MULTIBOOT_HEADER_MAGIC	0x1badb002U
#define MULTIBOOT_BOOT_MAGIC	0x2badb002U	/* EAX at entry */
#define MULTIBOOT_SEARCH	8192		/* header within this, 4-aligned */

/* Header flags. Bits 0-15 are requirements: unknown ones mean "refuse". */
#define MB_HF_PAGE_ALIGN	(1U << 0)	/* modules page-aligned: always */
#define MB_HF_MEMINFO		(1U << 1)	/* mem_* and mmap: always */
#define MB_HF_VIDEO		(1U << 2)	/* video mode: no display, ignored */
#define MB_HF_AOUT_KLUDGE	(1U << 16)	/* use the header's addresses */
#define MB_HF_REQUIRED_MASK	0x0000ffffU
#define MB_HF_KNOWN		(MB_HF_PAGE_ALIGN | MB_HF_MEMINFO | MB_HF_VIDEO)

/* multiboot_info.flags */
#define MB_IF_MEMORY		(1U << 0)
#define MB_IF_CMDLINE		(1U << 2)
#define MB_IF_MODS		(1U << 3)
#define MB_IF_MMAP		(1U << 6)
#define MB_IF_LOADER_NAME	(1U << 9)

/* Offsets in struct multiboot_info (the spec's layout, little-endian). */
#define MB_INFO_FLAGS		0
#define MB_INFO_MEM_LOWER	4
#define MB_INFO_MEM_UPPER	8
#define MB_INFO_CMDLINE		16
#define MB_INFO_MODS_COUNT	20
#define MB_INFO_MODS_ADDR	24
#define MB_INFO_MMAP_LENGTH	44
#define MB_INFO_MMAP_ADDR	48
#define MB_INFO_LOADER_NAME	64
#define MB_INFO_SIZE		120	/* up to and with the framebuffer fields */

#define MB_MMAP_ENTRY_SIZE	24	/* the size field (20) plus 20 bytes */
#define MB_MOD_ENTRY_SIZE	16	/* mod_start, mod_end, string, reserved */

#define MB_INFO_GPA		LAYOUT_PVH_INFO		/* 0x6000 */
#define MB_INFO_AREA		0x2000ULL		/* to 0x8000: the boot stack page follows */
#define MB_STRINGS_GPA		LAYOUT_CMDLINE
#define MB_STRINGS_MAX		LAYOUT_CMDLINE_MAX

/* A parsed Multiboot kernel: where it loads and where it starts. */
struct mb_kernel {
	uint32_t header_off;		/* in the file */
	uint32_t flags;			/* header flags */
	bool aout;			/* loaded by the header's addresses */
	uint32_t entry;			/* 32-bit protected-mode EIP */
	uint64_t load_start, load_end;	/* every byte the kernel loads, bss too */
	/* a.out kludge only: file bytes [file_off, +file_len) go to load_start */
	uint64_t file_off, file_len;
};

/* A loaded module, as the kernel will be told about it. */
struct mb_module {
	uint32_t start, end;		/* [start, end) in guest memory */
	const char *path, *args;	/* args NULL or "": just the path */
};

/*
 * multiboot_find_header - offset of the first 4-byte aligned
 * MULTIBOOT_HEADER_MAGIC whose 12-byte header lies wholly in the first
 * MULTIBOOT_SEARCH bytes of @img, or -ENOENT. With @valid_only the
 * checksum must also hold (what a boot loader uses); without it any
 * magic counts (what format detection uses, so that a bad checksum is
 * reported as such).
 */
int multiboot_find_header(const uint8_t *img, size_t len, bool valid_only);

/*
 * multiboot_parse - validate the Multiboot header of @img and the
 * layout it loads by (ELF32 PT_LOAD program headers, or the a.out
 * kludge addresses with flag 16), and fill @k. Checks only the file:
 * where it goes in guest RAM is multiboot_load_kernel's business.
 * Returns 0 or -ENOEXEC with one line in @err.
 */
int multiboot_parse(const uint8_t *img, size_t len, struct mb_kernel *k,
		    struct errbuf *err);

/*
 * multiboot_load_kernel - copy the kernel @k parsed from @img into @gm
 * and zero its bss. Every destination must be guest RAM at or above
 * LAYOUT_HIMEM, clear of the boot structures below 1 MiB. Returns 0 or
 * -errno with one line in @err.
 */
int multiboot_load_kernel(const struct guest_mem *gm, const uint8_t *img,
			  size_t len, const struct mb_kernel *k,
			  struct errbuf *err);

/*
 * multiboot_module_place - the page-aligned gpa at or above @floor for
 * a module of @size bytes that ends at or below @top. -ENOSPC if it
 * does not fit, -EOVERFLOW if the arithmetic wraps.
 */
int multiboot_module_place(uint64_t floor, uint64_t size, uint64_t top,
			   uint64_t *gpa);

/*
 * multiboot_write_info - write struct multiboot_info at MB_INFO_GPA
 * with the memory map @e820 (also the source of mem_lower/mem_upper),
 * the boot loader name, the command line "@kernel_path @cmdline" and
 * the @nr modules @mods with their strings at MB_STRINGS_GPA. Returns
 * 0, or -E2BIG if the strings or tables outgrow their areas, with one
 * line in @err.
 */
int multiboot_write_info(const struct guest_mem *gm, const char *kernel_path,
			 const char *cmdline, const struct e820_entry *e820,
			 unsigned int nr_e820, const struct mb_module *mods,
			 unsigned int nr, struct errbuf *err);

#endif
