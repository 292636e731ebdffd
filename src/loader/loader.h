/* SPDX-License-Identifier: MIT */
/*
 * Kernel loading: put a Linux bzImage (64-bit boot protocol), a PVH
 * ELF kernel or a Multiboot v1 kernel, its initrd or modules and its
 * command line into guest memory, and
 * describe how the first vCPU must enter it.
 *
 * The kernel and initrd files are untrusted input: every offset read
 * from them is checked against the file length with overflow-checked
 * arithmetic, and every write into the guest goes through guest_mem_*.
 */
#ifndef VMM_LOADER_H
#define VMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_mem.h"
#include "util.h"
#include "vmm.h"

/*
 * Smallest guest we build a memory map for. Below this there is no
 * room for a real kernel above 1 MiB, and the VM layer refuses it.
 */
#define LOADER_MIN_RAM		(16 * MiB)
/* Largest kernel file we accept (a vmlinux with debug info fits). */
#define LOADER_KERNEL_MAX	(512 * MiB)
/* Where an initrd may end when the kernel does not say (boot.rst). */
#define LOADER_INITRD_ADDR_MAX	0x37ffffffULL

#define CMDLINE_DEFAULT		"console=ttyS0 panic=-1"

/*
 * How the boot vCPU enters the kernel. PVH and MULTIBOOT both start in
 * flat 32-bit protected mode with paging off and EBX = boot_info;
 * MULTIBOOT also has EAX = 0x2BADB002 (MULTIBOOT_BOOT_MAGIC).
 */
enum boot_mode { BOOT_MODE_LINUX64, BOOT_MODE_PVH, BOOT_MODE_MULTIBOOT };

struct loader_config {
	const char *kernel_path;
	const char *initrd_path;	/* NULL: none */
	const char *cmdline;		/* final command line (already assembled) */
	uint64_t rsdp_gpa;		/* ACPI RSDP to hand the kernel, 0 if none */
	/* Multiboot only: modules (path, args) and the guest RAM size. */
	const struct vmm_module *modules;
	unsigned int nr_modules;
	uint64_t ram_size;
};

struct boot_entry {
	enum boot_mode mode;
	uint64_t entry;		/* 64-bit RIP for LINUX64, 32-bit EIP otherwise */
	uint64_t boot_info;	/* LINUX64: zero page gpa (RSI); PVH: hvm_start_info
				 * gpa (EBX); MULTIBOOT: multiboot_info gpa (EBX) */
};

/*
 * loader_load - detect the kernel format (a bzImage, an ELF with a PVH
 * note, or a Multiboot v1 kernel: see multiboot.h), load kernel, initrd
 * or modules and command line into @gm, write the zero page,
 * hvm_start_info or multiboot_info with the e820 map, and fill @out.
 * Modules need a Multiboot kernel, which takes no initrd. Returns 0 or
 * -errno with one line in @err.
 */
int loader_load(const struct guest_mem *gm, const struct loader_config *cfg,
		struct boot_entry *out, struct errbuf *err);

/*
 * loader_check - parse the kernel's headers without loading anything,
 * so that a wrong file is reported before KVM or guest memory is set
 * up. Returns 0 or -errno with one line in @err.
 */
int loader_check(const char *kernel_path, struct errbuf *err);

/* ---- e820 memory map (e820.c) ---- */

#define E820_RAM		1
#define E820_RESERVED		2
#define E820_MAX_ENTRIES	128	/* what the zero page has room for */

struct e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

/*
 * e820_build - the guest memory map for @ram_size bytes of RAM laid out
 * as guest_mem_init does: everything is RAM except the EBDA/VGA/BIOS
 * range 0x9fc00..0x100000, and RAM beyond 3 GiB moves to 4 GiB.
 * Returns the number of entries written to @tab, -EINVAL if @ram_size
 * is below LOADER_MIN_RAM or absurd, -ENOSPC if @max is too small.
 */
int e820_build(uint64_t ram_size, struct e820_entry *tab, unsigned int max);

/* ---- command line (cmdline.c) ---- */

/*
 * cmdline_build - join @base (CMDLINE_DEFAULT if NULL) and @extra
 * (nothing if NULL or "") with one space into @out. Returns 0,
 * -EINVAL if either part holds a control character, -E2BIG if the
 * result plus its NUL does not fit in @outlen.
 */
int cmdline_build(char *out, size_t outlen, const char *base,
		  const char *extra);

/* ---- what both boot protocols hand the kernel ---- */

struct boot_params_common {
	uint64_t cmdline_gpa;
	uint64_t initrd_gpa, initrd_size;	/* size 0: no initrd */
	uint64_t rsdp_gpa;			/* 0: none */
	const struct e820_entry *e820;
	unsigned int nr_e820;
};

/* ---- bzImage (bzimage.c) ---- */

#define BZIMAGE_LOADED_HIGH	0x01	/* loadflags */
#define BZIMAGE_CAN_USE_HEAP	0x80
#define BZIMAGE_XLF_KERNEL_64	0x01	/* xloadflags */
#define BZIMAGE_ENTRY64_OFFSET	0x200	/* startup_64 from the load address */
#define BZIMAGE_ZERO_PAGE_SIZE	4096

struct bzimage_info {
	uint16_t version;		/* boot protocol, 0x020f = 2.15 */
	uint8_t setup_sects;		/* as used: 0 in the file means 4 */
	uint8_t loadflags;
	uint16_t xloadflags;
	bool relocatable;
	uint32_t header_end;		/* setup header is [0x1f1, header_end) */
	uint32_t setup_size;		/* boot sector + setup, bytes */
	uint32_t syssize;		/* protected-mode kernel, 16-byte units */
	size_t kernel_offset;		/* protected-mode kernel in the file */
	size_t kernel_size;		/* syssize * 16 */
	uint32_t init_size;		/* memory needed from the runtime start */
	uint64_t pref_address;
	uint32_t kernel_alignment;
	uint32_t initrd_addr_max;	/* highest byte an initrd may use */
	uint32_t cmdline_size;		/* longest command line, without NUL */
};

/*
 * bzimage_parse - validate the setup header of the @len byte image
 * @img and fill @info. Needs protocol 2.12+ with XLF_KERNEL_64.
 * Returns 0 or -ENOEXEC with the reason in @err.
 */
int bzimage_parse(const uint8_t *img, size_t len, struct bzimage_info *info,
		  struct errbuf *err);

/*
 * bzimage_kernel_end - first byte past the memory the kernel loaded at
 * @load uses before it reads the memory map: init_size bytes from where
 * it decompresses, which is never below pref_address. -EOVERFLOW if
 * the header makes that wrap.
 */
int bzimage_kernel_end(const struct bzimage_info *info, uint64_t load,
		       uint64_t *end);

/*
 * bzimage_write_zero_page - build struct boot_params from the image's
 * setup header and @bp and write it at LAYOUT_ZERO_PAGE. @img must be
 * the image @info was parsed from.
 */
int bzimage_write_zero_page(const struct guest_mem *gm, const uint8_t *img,
			    const struct bzimage_info *info,
			    const struct boot_params_common *bp,
			    struct errbuf *err);

/* ---- ELF with a PVH entry note (elf.c, pvh.c) ---- */

#define XEN_ELFNOTE_PHYS32_ENTRY	18
#define HVM_START_MAGIC			0x336ec578U

struct elf_info {
	bool is64;
	uint16_t machine;		/* EM_386 or EM_X86_64 */
	uint32_t pvh_entry;		/* 32-bit protected-mode entry */
	uint64_t load_start, load_end;	/* span of all PT_LOAD p_paddr..+p_memsz */
	unsigned int nr_load;
};

/*
 * elf_parse - validate the ELF headers, program headers and PT_LOAD
 * file ranges of @img and find the PVH entry note. Returns 0 or
 * -ENOEXEC with the reason in @err.
 */
int elf_parse(const uint8_t *img, size_t len, struct elf_info *info,
	      struct errbuf *err);

/*
 * elf_load - copy every PT_LOAD segment of @img to its p_paddr and zero
 * its bss. Each destination must be RAM in @gm at or above LAYOUT_HIMEM.
 * @img must have passed elf_parse. Returns 0 or -errno.
 */
int elf_load(const struct guest_mem *gm, const uint8_t *img, size_t len,
	     struct errbuf *err);

/*
 * pvh_write_start_info - write hvm_start_info (version 1), its memory
 * map and, with an initrd, one module entry at LAYOUT_PVH_INFO, all
 * below LAYOUT_ZERO_PAGE.
 */
int pvh_write_start_info(const struct guest_mem *gm,
			 const struct boot_params_common *bp,
			 struct errbuf *err);

/* ---- initrd placement (loader.c) ---- */

/*
 * initrd_place - highest page-aligned start for @size bytes such that
 * the initrd ends at or below min(@addr_max + 1, @low_end) and starts
 * at or above @kernel_end. -ENOSPC if there is no such place.
 */
int initrd_place(uint64_t size, uint64_t kernel_end, uint64_t addr_max,
		 uint64_t low_end, uint64_t *gpa);

#endif
