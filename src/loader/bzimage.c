// SPDX-License-Identifier: MIT
/*
 * Linux bzImage: setup header parsing and the zero page, following the
 * x86 boot protocol (Documentation/arch/x86/boot.rst). We only use the
 * 64-bit entry point, so the real-mode setup code is never run and the
 * image must speak protocol 2.12 or later with XLF_KERNEL_64.
 */
#include "loader/loader.h"

#include <errno.h>
#include <string.h>

#include "layout.h"

/* Setup header fields, as offsets into the image and the zero page. */
#define HDR_START		0x1f1	/* setup_sects: header copy starts here */
#define HDR_SETUP_SECTS		0x1f1
#define HDR_SYSSIZE		0x1f4
#define HDR_BOOT_FLAG		0x1fe
#define HDR_JUMP		0x200	/* "jmp rel8": header ends at 0x202 + rel8 */
#define HDR_MAGIC		0x202
#define HDR_VERSION		0x206
#define HDR_TYPE_OF_LOADER	0x210
#define HDR_LOADFLAGS		0x211
#define HDR_CODE32_START	0x214
#define HDR_RAMDISK_IMAGE	0x218
#define HDR_RAMDISK_SIZE	0x21c
#define HDR_HEAP_END_PTR	0x224
#define HDR_CMD_LINE_PTR	0x228
#define HDR_INITRD_ADDR_MAX	0x22c
#define HDR_KERNEL_ALIGNMENT	0x230
#define HDR_RELOCATABLE		0x234
#define HDR_XLOADFLAGS		0x236
#define HDR_CMDLINE_SIZE	0x238
#define HDR_SETUP_DATA		0x250
#define HDR_PREF_ADDRESS	0x258
#define HDR_INIT_SIZE		0x260
#define HDR_END_2_12		0x268	/* end of handover_offset, last 2.12 field */
#define HDR_END_MAX		0x290	/* boot_params.edd_mbr_sig_buffer follows */

/* struct boot_params fields outside the setup header. */
#define BP_ACPI_RSDP_ADDR	0x070
#define BP_EXT_RAMDISK_IMAGE	0x0c0
#define BP_EXT_RAMDISK_SIZE	0x0c4
#define BP_EXT_CMD_LINE_PTR	0x0c8
#define BP_E820_ENTRIES		0x1e8
#define BP_E820_TABLE		0x2d0

#define BOOT_FLAG		0xaa55
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define PROTO_MIN		0x020c		/* 2.12: xloadflags */
#define PROTO_ACPI_RSDP		0x020e		/* 2.14: acpi_rsdp_addr */
#define LOADER_TYPE_UNDEFINED	0xff
#define HEAP_END		0xfe00		/* as boot.rst suggests for 0x8000 setups */
#define SECTOR			512

_Static_assert(sizeof(struct e820_entry) == 20, "boot_e820_entry is 20 bytes");
_Static_assert(BP_E820_TABLE + E820_MAX_ENTRIES * 20 <= BZIMAGE_ZERO_PAGE_SIZE,
	       "e820 table fits in the zero page");

static uint16_t get16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	return (uint32_t)get16(p, off) | (uint32_t)get16(p, off + 2) << 16;
}

static uint64_t get64(const uint8_t *p, size_t off)
{
	return (uint64_t)get32(p, off) | (uint64_t)get32(p, off + 4) << 32;
}

static void put16(uint8_t *p, size_t off, uint16_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	put16(p, off, (uint16_t)v);
	put16(p, off + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, size_t off, uint64_t v)
{
	put32(p, off, (uint32_t)v);
	put32(p, off + 4, (uint32_t)(v >> 32));
}

/* The magic numbers and version: is this a bzImage we can boot at all? */
static int bzimage_check_magic(const uint8_t *img, size_t len,
			       struct bzimage_info *info, struct errbuf *err)
{
	unsigned int sects;

	if (len < HDR_JUMP)
		return errbuf_set(err, -ENOEXEC,
				  "not a bzImage: file is only %zu bytes", len);
	if (get16(img, HDR_BOOT_FLAG) != BOOT_FLAG)
		return errbuf_set(err, -ENOEXEC,
				  "not a bzImage: no boot flag 0xAA55 at 0x1FE");
	sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	info->setup_sects = (uint8_t)sects;
	info->setup_size = (sects + 1) * SECTOR;
	/* The whole header lies in the setup, so this bounds every read below. */
	if (info->setup_size > len)
		return errbuf_set(err, -ENOEXEC,
				  "truncated bzImage: header says %u bytes of setup, file has %zu",
				  info->setup_size, len);
	if (get32(img, HDR_MAGIC) != HDRS_MAGIC)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt bzImage: no \"HdrS\" signature at 0x202");
	info->version = get16(img, HDR_VERSION);
	info->xloadflags = get16(img, HDR_XLOADFLAGS);
	if (info->version < PROTO_MIN)
		return errbuf_set(err, -ENOEXEC,
				  "bzImage boot protocol too old (%u.%02u), need 2.12 with 64-bit entry",
				  info->version >> 8, info->version & 0xff);
	if (!(info->xloadflags & BZIMAGE_XLF_KERNEL_64))
		return errbuf_set(err, -ENOEXEC,
				  "bzImage (protocol %u.%02u) has no 64-bit entry point (XLF_KERNEL_64 clear): a 32-bit kernel? need 2.12 with 64-bit entry",
				  info->version >> 8, info->version & 0xff);
	return 0;
}

/* The setup header's own extent and the fields we rely on. */
static int bzimage_check_header(const uint8_t *img, struct bzimage_info *info,
				struct errbuf *err)
{
	info->header_end = 0x202 + img[HDR_JUMP + 1];
	if (img[HDR_JUMP] != 0xeb || info->header_end < HDR_END_2_12 ||
	    info->header_end > HDR_END_MAX)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt bzImage: setup header would end at 0x%x (jump %02x %02x at 0x200)",
				  info->header_end, img[HDR_JUMP],
				  img[HDR_JUMP + 1]);
	info->loadflags = img[HDR_LOADFLAGS];
	if (!(info->loadflags & BZIMAGE_LOADED_HIGH))
		return errbuf_set(err, -ENOEXEC,
				  "corrupt bzImage: LOADED_HIGH clear (a zImage?), the kernel must load at 1 MiB");
	info->relocatable = img[HDR_RELOCATABLE] != 0;
	info->kernel_alignment = get32(img, HDR_KERNEL_ALIGNMENT);
	if (info->relocatable && (!info->kernel_alignment ||
	    (info->kernel_alignment & (info->kernel_alignment - 1))))
		return errbuf_set(err, -ENOEXEC,
				  "corrupt bzImage: kernel_alignment 0x%x is not a power of two",
				  info->kernel_alignment);
	info->initrd_addr_max = get32(img, HDR_INITRD_ADDR_MAX);
	info->cmdline_size = get32(img, HDR_CMDLINE_SIZE);
	info->pref_address = get64(img, HDR_PREF_ADDRESS);
	info->init_size = get32(img, HDR_INIT_SIZE);
	return 0;
}

/* The protected-mode kernel: syssize says how much follows the setup. */
static int bzimage_check_kernel(const uint8_t *img, size_t len,
				struct bzimage_info *info, struct errbuf *err)
{
	uint64_t ksize;

	info->syssize = get32(img, HDR_SYSSIZE);
	ksize = (uint64_t)info->syssize * 16;
	if (!ksize)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt bzImage: syssize is 0 (no protected-mode kernel)");
	/* Anything after setup + syssize*16 (e.g. a signature) is not ours. */
	if (ksize > len - info->setup_size)
		return errbuf_set(err, -ENOEXEC,
				  "truncated bzImage: header says %llu bytes of kernel after %u bytes of setup, file has %zu",
				  (unsigned long long)ksize, info->setup_size,
				  len);
	if (info->init_size < ksize)
		return errbuf_set(err, -ENOEXEC,
				  "corrupt bzImage: init_size %u is smaller than the %llu byte kernel",
				  info->init_size, (unsigned long long)ksize);
	info->kernel_offset = info->setup_size;
	info->kernel_size = (size_t)ksize;
	return 0;
}

int bzimage_parse(const uint8_t *img, size_t len, struct bzimage_info *info,
		  struct errbuf *err)
{
	int ret;

	memset(info, 0, sizeof(*info));
	ret = bzimage_check_magic(img, len, info, err);
	if (!ret)
		ret = bzimage_check_header(img, info, err);
	if (!ret)
		ret = bzimage_check_kernel(img, len, info, err);
	return ret;
}

int bzimage_kernel_end(const struct bzimage_info *info, uint64_t load,
		       uint64_t *end)
{
	uint64_t start = load, t;

	/*
	 * startup_64 moves itself to the load address rounded up to
	 * kernel_alignment (relocatable) but never below pref_address
	 * (LOAD_PHYSICAL_ADDR) and decompresses there: init_size counts
	 * from that runtime start, not from where we copied the image.
	 */
	if (info->relocatable) {
		if (add_overflows(load, info->kernel_alignment - 1, &t))
			return -EOVERFLOW;
		start = ALIGN_DOWN(t, info->kernel_alignment);
	}
	if (info->pref_address > start)
		start = info->pref_address;
	if (add_overflows(start, info->init_size, end))
		return -EOVERFLOW;
	if (add_overflows(load, info->kernel_size, &t))
		return -EOVERFLOW;
	if (t > *end)
		*end = t;
	return 0;
}

/* The fields a boot loader fills in on top of the copied header. */
static void zero_page_fill_header(uint8_t *zp,
				  const struct boot_params_common *bp)
{
	zp[HDR_TYPE_OF_LOADER] = LOADER_TYPE_UNDEFINED;
	zp[HDR_LOADFLAGS] |= BZIMAGE_LOADED_HIGH | BZIMAGE_CAN_USE_HEAP;
	put16(zp, HDR_HEAP_END_PTR, HEAP_END);
	put32(zp, HDR_CODE32_START, (uint32_t)LAYOUT_HIMEM);
	put32(zp, HDR_CMD_LINE_PTR, (uint32_t)bp->cmdline_gpa);
	put32(zp, BP_EXT_CMD_LINE_PTR, (uint32_t)(bp->cmdline_gpa >> 32));
	put32(zp, HDR_RAMDISK_IMAGE, (uint32_t)bp->initrd_gpa);
	put32(zp, BP_EXT_RAMDISK_IMAGE, (uint32_t)(bp->initrd_gpa >> 32));
	put32(zp, HDR_RAMDISK_SIZE, (uint32_t)bp->initrd_size);
	put32(zp, BP_EXT_RAMDISK_SIZE, (uint32_t)(bp->initrd_size >> 32));
	/* We own the setup_data list; never pass on a pointer from the file. */
	put64(zp, HDR_SETUP_DATA, 0);
}

int bzimage_write_zero_page(const struct guest_mem *gm, const uint8_t *img,
			    const struct bzimage_info *info,
			    const struct boot_params_common *bp,
			    struct errbuf *err)
{
	uint8_t zp[BZIMAGE_ZERO_PAGE_SIZE];

	if (bp->nr_e820 > E820_MAX_ENTRIES)
		return errbuf_set(err, -E2BIG,
				  "%u e820 entries do not fit in the zero page (max %u)",
				  bp->nr_e820, E820_MAX_ENTRIES);
	if (info->header_end < HDR_END_2_12 || info->header_end > HDR_END_MAX)
		return errbuf_set(err, -EINVAL,
				  "bzImage setup header end 0x%x out of range",
				  info->header_end);
	/* Everything not set below must be zero: the kernel checks sentinel. */
	memset(zp, 0, sizeof(zp));
	memcpy(zp + HDR_START, img + HDR_START, info->header_end - HDR_START);
	zero_page_fill_header(zp, bp);
	/* acpi_rsdp_addr is only defined from 2.14; older kernels scan. */
	if (info->version >= PROTO_ACPI_RSDP)
		put64(zp, BP_ACPI_RSDP_ADDR, bp->rsdp_gpa);
	zp[BP_E820_ENTRIES] = (uint8_t)bp->nr_e820;
	if (bp->nr_e820)
		memcpy(zp + BP_E820_TABLE, bp->e820,
		       bp->nr_e820 * sizeof(*bp->e820));
	if (guest_mem_write(gm, LAYOUT_ZERO_PAGE, zp, sizeof(zp)))
		return errbuf_set(err, -EFAULT,
				  "zero page at 0x%llx is not in guest memory",
				  LAYOUT_ZERO_PAGE);
	return 0;
}
