// SPDX-License-Identifier: MIT
/* Multiboot v1 kernels: detection, loading, multiboot_info, hostile images. */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest_mem.h"
#include "layout.h"
#include "loader/loader.h"
#include "loader/multiboot.h"
#include "util.h"
#include "fixtures.h"

#define RAM		(64 * MiB)
#define KPADDR		0x100000U
#define KFILESZ		0x1000U
#define KMEMSZ		0x3000U
#define KENTRY		0x100010U
#define HDR_OFF		0x400U		/* fx_elf's data offset: the header goes first */
#define PH0		0x40U		/* fx_elf's program headers */

/* An ELF32 kernel from fx_elf (no PVH note) with a Multiboot header. */
static uint8_t *mb_elf(uint32_t hdr_off, uint32_t flags, size_t *len,
		       uint64_t filesz)
{
	struct fx_elf o = { .is64 = false, .paddr = KPADDR, .filesz = filesz,
			    .memsz = filesz + 0x2000 };
	uint8_t *img = fx_elf(&o, len);

	fx_put32(img, offsetof(Elf32_Ehdr, e_entry), KENTRY);
	fx_put32(img, hdr_off, MULTIBOOT_HEADER_MAGIC);
	fx_put32(img, hdr_off + 4, flags);
	fx_put32(img, hdr_off + 8, -(MULTIBOOT_HEADER_MAGIC + flags));
	return img;
}

static uint8_t *mb_default(size_t *len)
{
	return mb_elf(HDR_OFF, 0x3, len, KFILESZ);
}

struct mbt {
	struct fx_mem m;
	struct loader_config cfg;
	struct boot_entry out;
	struct errbuf err;
	char *kpath;
	char want[1024];
};

static void mbt_init(struct mbt *t)
{
	memset(t, 0, sizeof(*t));
	fx_mem_init(&t->m, RAM, 0);
	t->cfg.cmdline = "console=ttyS0 hi";
	t->cfg.ram_size = RAM;
}

static void mbt_exit(struct mbt *t)
{
	if (t->kpath)
		fx_unlink(t->kpath);
	fx_mem_exit(&t->m);
}

/* Write @img to a temp file and loader_load it; frees @img. */
static int mbt_load(struct mbt *t, uint8_t *img, size_t len)
{
	if (t->kpath)
		fx_unlink(t->kpath);
	t->kpath = fx_file(img, len);
	free(img);
	t->cfg.kernel_path = t->kpath;
	return loader_load(&t->m.gm, &t->cfg, &t->out, &t->err);
}

/* Load the default kernel (the argument order of C forbids a one-liner). */
static int mbt_load_default(struct mbt *t)
{
	size_t len;
	uint8_t *img = mb_default(&len);

	return mbt_load(t, img, len);
}

/* loader_load must fail with @ret and "kernel PATH: @msg". */
static void expect_kernel_error(struct mbt *t, uint8_t *img, size_t len,
				int ret, const char *msg)
{
	assert_int_equal(mbt_load(t, img, len), ret);
	snprintf(t->want, sizeof(t->want), "kernel %s: %s", t->kpath, msg);
	assert_string_equal(t->err.msg, t->want);
}

/* multiboot_parse on an image in memory must fail with @msg. */
static void expect_parse_error(const uint8_t *img, size_t len, const char *msg)
{
	struct mb_kernel k;
	struct errbuf err;

	errbuf_clear(&err);
	assert_int_equal(multiboot_parse(img, len, &k, &err), -ENOEXEC);
	assert_string_equal(err.msg, msg);
}

static void expect_mmap(const uint8_t *p, unsigned int i, uint64_t addr,
			uint64_t size, uint32_t type)
{
	p += i * 24;
	assert_int_equal(fx_get32(p, 0), 20);
	assert_int_equal(fx_get64(p, 4), addr);
	assert_int_equal(fx_get64(p, 12), size);
	assert_int_equal(fx_get32(p, 20), type);
}

static void test_mb_load(void **state)
{
	static const char mod0[] = "MBMOD42! first module";
	uint8_t mod1[5000];
	struct vmm_module mods[2];
	struct mbt t;
	const uint8_t *low, *info, *mod;
	uint8_t zero[0x2000] = { 0 };
	char *m0, *m1, s[600];
	uint32_t m0_start, m1_start;
	size_t len;
	uint8_t *img = mb_default(&len);
	uint8_t *copy = malloc(len);

	(void)state;
	assert_non_null(copy);
	memcpy(copy, img, len);
	for (size_t i = 0; i < sizeof(mod1); i++)
		mod1[i] = (uint8_t)(i * 11);
	m0 = fx_file(mod0, sizeof(mod0) - 1);
	m1 = fx_file(mod1, sizeof(mod1));
	mods[0] = (struct vmm_module){ m0, "root=x  a,b" };
	mods[1] = (struct vmm_module){ m1, NULL };
	mbt_init(&t);
	t.cfg.modules = mods;
	t.cfg.nr_modules = 2;
	low = t.m.low;
	memset((uint8_t *)t.m.low + KPADDR + KFILESZ, 0xaa, 0x2000); /* stale bss */

	assert_int_equal(mbt_load(&t, img, len), 0);
	assert_int_equal(t.out.mode, BOOT_MODE_MULTIBOOT);
	assert_int_equal(t.out.entry, KENTRY);
	assert_int_equal(t.out.boot_info, MB_INFO_GPA);

	/* the segment at its p_paddr, its bss cleared */
	assert_memory_equal(low + KPADDR, copy + 0x400, KFILESZ);
	assert_memory_equal(low + KPADDR + KFILESZ, zero, 0x2000);

	info = low + MB_INFO_GPA;
	assert_int_equal(fx_get32(info, 0), 0x24d);
	assert_int_equal(fx_get32(info, 4), 639);
	assert_int_equal(fx_get32(info, 8), (RAM - MiB) / KiB);
	/* "KERNELPATH CMDLINE", as QEMU passes it */
	snprintf(s, sizeof(s), "%s console=ttyS0 hi", t.kpath);
	assert_string_equal((const char *)low + fx_get32(info, 16), s);
	assert_int_equal(fx_get32(info, 16), MB_STRINGS_GPA);
	assert_string_equal((const char *)low + fx_get32(info, 64), "vmm");

	/* the memory map is the VM's e820 */
	assert_int_equal(fx_get32(info, 44), 4 * 24);
	expect_mmap(low + fx_get32(info, 48), 0, 0, 0x9fc00, E820_RAM);
	expect_mmap(low + fx_get32(info, 48), 1, 0x9fc00, 0x400, E820_RESERVED);
	expect_mmap(low + fx_get32(info, 48), 2, 0xe0000, 0x20000, E820_RESERVED);
	expect_mmap(low + fx_get32(info, 48), 3, 0x100000, RAM - MiB, E820_RAM);
	assert_true(fx_get32(info, 48) + 4 * 24 <= MB_INFO_GPA + MB_INFO_AREA);

	/* modules: page-aligned, above the kernel and above each other */
	assert_int_equal(fx_get32(info, 20), 2);
	mod = low + fx_get32(info, 24);
	assert_true(fx_get32(info, 24) + 32 <= MB_INFO_GPA + MB_INFO_AREA);
	m0_start = fx_get32(mod, 0);
	assert_int_equal(m0_start, KPADDR + KMEMSZ);
	assert_int_equal(fx_get32(mod, 4), m0_start + sizeof(mod0) - 1);
	assert_memory_equal(low + m0_start, mod0, sizeof(mod0) - 1);
	snprintf(s, sizeof(s), "%s root=x  a,b", m0);
	assert_string_equal((const char *)low + fx_get32(mod, 8), s);
	m1_start = fx_get32(mod, 16);
	assert_int_equal(m1_start, m0_start + 0x1000);
	assert_int_equal(fx_get32(mod, 20), m1_start + sizeof(mod1));
	assert_memory_equal(low + m1_start, mod1, sizeof(mod1));
	assert_string_equal((const char *)low + fx_get32(mod, 24), m1);

	mbt_exit(&t);
	fx_unlink(m0);
	fx_unlink(m1);
	free(copy);
}

/* No modules and an empty command line: just the kernel's name. */
static void test_mb_no_modules(void **state)
{
	struct mbt t;
	const uint8_t *info;
	size_t len;
	uint8_t *img = mb_elf(HDR_OFF, 0x4, &len, KFILESZ); /* video: ignored */

	(void)state;
	mbt_init(&t);
	t.cfg.cmdline = "";
	assert_int_equal(mbt_load(&t, img, len), 0);
	info = (const uint8_t *)t.m.low + MB_INFO_GPA;
	assert_string_equal((const char *)t.m.low + fx_get32(info, 16), t.kpath);
	assert_int_equal(fx_get32(info, 20), 0);
	assert_int_equal(loader_check(t.kpath, &t.err), 0);
	mbt_exit(&t);
}

/* A higher-half kernel: e_entry is virtual and translated by its PT_LOAD. */
static void test_mb_higher_half(void **state)
{
	struct mbt t;
	size_t len;
	uint8_t *img = mb_default(&len);

	(void)state;
	fx_put32(img, PH0 + offsetof(Elf32_Phdr, p_vaddr), 0xc0100000);
	fx_put32(img, offsetof(Elf32_Ehdr, e_entry), 0xc0100020);
	mbt_init(&t);
	assert_int_equal(mbt_load(&t, img, len), 0);
	assert_int_equal(t.out.entry, KPADDR + 0x20);
	mbt_exit(&t);
}

/* A flat binary loaded by the header's a.out-kludge addresses. */
static uint8_t *mb_aout(size_t *len, uint32_t load_addr, uint32_t load_end,
			uint32_t bss_end, uint32_t entry)
{
	const uint32_t flags = 0x10003;
	uint8_t *img = calloc(1, 0x2000);

	assert_non_null(img);
	*len = 0x2000;
	for (size_t i = 0; i < *len; i++)
		img[i] = (uint8_t)(i * 5 + 3);
	fx_put32(img, 0x100, MULTIBOOT_HEADER_MAGIC);
	fx_put32(img, 0x104, flags);
	fx_put32(img, 0x108, -(MULTIBOOT_HEADER_MAGIC + flags));
	fx_put32(img, 0x10c, 0x100100);		/* header_addr */
	fx_put32(img, 0x110, load_addr);
	fx_put32(img, 0x114, load_end);
	fx_put32(img, 0x118, bss_end);
	fx_put32(img, 0x11c, entry);
	return img;
}

static void test_mb_aout(void **state)
{
	static const char modd[] = "module";
	struct vmm_module mods[1];
	struct mbt t;
	uint8_t zero[0x2000] = { 0 };
	const uint8_t *info, *mod;
	size_t len;
	uint8_t *img = mb_aout(&len, 0x100000, 0, 0x104000, 0x100200);
	uint8_t *copy = malloc(len);
	char *m0 = fx_file(modd, sizeof(modd) - 1);

	(void)state;
	assert_non_null(copy);
	memcpy(copy, img, len);
	mods[0] = (struct vmm_module){ m0, NULL };
	mbt_init(&t);
	t.cfg.modules = mods;
	t.cfg.nr_modules = 1;
	memset((uint8_t *)t.m.low + 0x102000, 0xaa, 0x2000);
	assert_int_equal(mbt_load(&t, img, len), 0);
	assert_int_equal(t.out.entry, 0x100200);
	assert_memory_equal((uint8_t *)t.m.low + 0x100000, copy, len);
	assert_memory_equal((uint8_t *)t.m.low + 0x102000, zero, 0x2000);
	info = (const uint8_t *)t.m.low + MB_INFO_GPA;
	mod = (const uint8_t *)t.m.low + fx_get32(info, 24);
	assert_int_equal(fx_get32(mod, 0), 0x104000);

	/* hostile address fields */
	img = mb_aout(&len, 0x100200, 0, 0, 0x100200);
	expect_parse_error(img, len,
		"Multiboot header: load_addr 0x100200 does not fit header_addr 0x100100 at file offset 0x100");
	free(img);
	img = mb_aout(&len, 0x0f0000, 0, 0, 0x100200);
	expect_parse_error(img, len,
		"Multiboot header: load_addr 0xf0000 does not fit header_addr 0x100100 at file offset 0x100");
	free(img);
	img = mb_aout(&len, 0x100000, 0x103000, 0, 0x100200);
	expect_parse_error(img, len,
		"Multiboot header: load_end_addr 0x103000 needs file bytes 0x0+0x3000, file has 8192");
	free(img);
	img = mb_aout(&len, 0x100000, 0, 0x101000, 0x100200);
	expect_parse_error(img, len,
		"Multiboot header: bss_end_addr 0x101000 is below the loaded end 0x102000");
	free(img);
	img = mb_aout(&len, 0x100000, 0, 0, 0x200000);
	expect_parse_error(img, len,
		"Multiboot header: entry_addr 0x200000 is outside the loaded [0x100000, 0x102000)");
	free(img);
	img = mb_aout(&len, 0x100000, 0, 0xfffff000, 0x100200);
	expect_kernel_error(&t, img, len, -ENOSPC,
		"Multiboot image 0 [0x100000, 0xfffff000) is not in guest RAM");

	mbt_exit(&t);
	fx_unlink(m0);
	free(copy);
}

static void test_mb_header_search(void **state)
{
	struct mbt t;
	size_t len;
	uint8_t *img;

	(void)state;
	mbt_init(&t);

	/* not found at all: an ELF without PVH note or Multiboot header */
	img = mb_default(&len);
	fx_put32(img, HDR_OFF, 0);
	expect_parse_error(img, len, "no Multiboot header in the first 8 KiB");
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"ELF kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); build with CONFIG_PVH");

	/* neither ELF nor bzImage nor Multiboot */
	img = calloc(1, 4096);
	assert_non_null(img);
	assert_int_equal(mbt_load(&t, img, 4096), -ENOEXEC);
	snprintf(t.want, sizeof(t.want),
		 "kernel %s: not a bzImage or ELF kernel, and no Multiboot header in its first 8 KiB",
		 t.kpath);
	assert_string_equal(t.err.msg, t.want);
	assert_int_equal(loader_check(t.kpath, &t.err), -ENOEXEC);
	assert_string_equal(t.err.msg, t.want);

	/* bad checksum */
	img = mb_default(&len);
	fx_put32(img, HDR_OFF + 8, 0x12345678);
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"Multiboot header at 0x400 has a bad checksum");
	assert_int_equal(loader_check(t.kpath, &t.err), -ENOEXEC);
	assert_string_equal(t.err.msg, t.want);

	/* a valid header must be 4-byte aligned */
	img = mb_elf(HDR_OFF + 2, 0x3, &len, KFILESZ);
	expect_parse_error(img, len, "no Multiboot header in the first 8 KiB");
	free(img);

	/* the whole 12-byte header must lie in the first 8 KiB */
	img = mb_elf(8192 - 12, 0x3, &len, 0x3000);
	assert_int_equal(multiboot_find_header(img, len, true), 8192 - 12);
	free(img);
	img = mb_elf(8192 - 8, 0x3, &len, 0x3000);
	expect_parse_error(img, len, "no Multiboot header in the first 8 KiB");
	free(img);
	img = mb_elf(0x2400, 0x3, &len, 0x3000);
	expect_parse_error(img, len, "no Multiboot header in the first 8 KiB");
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"ELF kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); build with CONFIG_PVH");

	/* a file shorter than a header */
	assert_int_equal(multiboot_find_header((const uint8_t *)"\x02\xb0\xad\x1b",
					       4, false), -ENOENT);
	mbt_exit(&t);
}

static void test_mb_flags(void **state)
{
	struct mbt t;
	size_t len;
	uint8_t *img;

	(void)state;
	mbt_init(&t);
	img = mb_elf(HDR_OFF, 0x8 | 0x3, &len, KFILESZ);
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"Multiboot header requires features vmm does not provide (flags 0x0000000b, unsupported required bits 0x0008)");
	assert_int_equal(loader_check(t.kpath, &t.err), -ENOEXEC);
	img = mb_elf(HDR_OFF, 0x8000, &len, KFILESZ);
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"Multiboot header requires features vmm does not provide (flags 0x00008000, unsupported required bits 0x8000)");
	/* bits 17-31 are optional: ignored */
	img = mb_elf(HDR_OFF, 0x80020007, &len, KFILESZ);
	assert_int_equal(mbt_load(&t, img, len), 0);
	mbt_exit(&t);
}

static void test_mb_bad_elf(void **state)
{
	struct mbt t;
	size_t len;
	uint8_t *img;

	(void)state;
	mbt_init(&t);

	/* program header table beyond the file */
	img = mb_default(&len);
	fx_put32(img, offsetof(Elf32_Ehdr, e_phoff), (uint32_t)len - 10);
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"truncated ELF: 2 program headers at 0x13f6 run past the 5120 byte file");
	img = mb_default(&len);
	fx_put32(img, offsetof(Elf32_Ehdr, e_phoff), 0xfffffff0);
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"truncated ELF: 2 program headers at 0xfffffff0 run past the 5120 byte file");

	/* a segment whose file bytes are beyond the file, or wrap */
	img = mb_default(&len);
	fx_put32(img, PH0 + offsetof(Elf32_Phdr, p_offset), 0x1000);
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"truncated ELF: segment 0 needs file bytes 0x1000+0x1000, file has 5120");
	img = mb_default(&len);
	fx_put32(img, PH0 + offsetof(Elf32_Phdr, p_offset), 0xfffff800);
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"truncated ELF: segment 0 needs file bytes 0xfffff800+0x1000, file has 5120");

	/* p_filesz > p_memsz */
	img = mb_default(&len);
	fx_put32(img, PH0 + offsetof(Elf32_Phdr, p_memsz), 0x800);
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"corrupt ELF: segment 0 has p_filesz 0x1000 > p_memsz 0x800");

	/* paddr + memsz past 4 GiB (wraps in 32 bits) */
	img = mb_default(&len);
	fx_put32(img, PH0 + offsetof(Elf32_Phdr, p_paddr), 0xfffff000);
	fx_put32(img, PH0 + offsetof(Elf32_Phdr, p_vaddr), 0xfffff000);
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"corrupt ELF: segment 0 at 0xfffff000 + 0x3000 runs past 4 GiB");

	/* a segment outside guest RAM, and one over the boot structures */
	img = mb_default(&len);
	fx_put32(img, PH0 + offsetof(Elf32_Phdr, p_paddr), 0x8000000);
	expect_kernel_error(&t, img, len, -ENOSPC,
		"Multiboot segment 0 [0x8000000, 0x8003000) is not in guest RAM");
	img = mb_default(&len);
	fx_put32(img, PH0 + offsetof(Elf32_Phdr, p_paddr), 0x3ffe000);
	expect_kernel_error(&t, img, len, -ENOSPC,
		"Multiboot segment 0 [0x3ffe000, 0x4001000) is not in guest RAM");
	img = mb_default(&len);
	fx_put32(img, PH0 + offsetof(Elf32_Phdr, p_paddr), 0x6000);
	expect_kernel_error(&t, img, len, -EINVAL,
		"Multiboot segment 0 at 0x6000 is below 1 MiB, where vmm's boot structures live");

	/* an entry outside every segment */
	img = mb_default(&len);
	fx_put32(img, offsetof(Elf32_Ehdr, e_entry), 0x200000);
	expect_kernel_error(&t, img, len, -ENOEXEC,
		"corrupt ELF: entry 0x200000 is outside every PT_LOAD segment");

	/* ELF64 without the a.out kludge, and a non-i386 machine */
	img = mb_default(&len);
	img[EI_CLASS] = ELFCLASS64;
	expect_parse_error(img, len,
		"Multiboot kernel is not ELF32 (class 2) and its header has no a.out-kludge addresses (flag 16)");
	fx_put16(img, offsetof(Elf32_Ehdr, e_machine), EM_ARM);
	img[EI_CLASS] = ELFCLASS32;
	expect_parse_error(img, len,
		"Multiboot ELF kernel is not for i386 (e_machine 40)");
	free(img);
	mbt_exit(&t);
}

static void test_mb_modules_bad(void **state)
{
	struct vmm_module mods[2];
	struct mbt t;
	char *big = fx_sparse_file(RAM - MiB), *small = fx_file("x", 1);
	size_t len;
	uint64_t gpa;

	(void)state;
	mbt_init(&t);

	/* a missing module file is named */
	mods[0] = (struct vmm_module){ "/nonexistent/mod.bin", NULL };
	t.cfg.modules = mods;
	t.cfg.nr_modules = 1;
	assert_int_equal(mbt_load_default(&t), -ENOENT);
	assert_string_equal(t.err.msg,
		"module /nonexistent/mod.bin: No such file or directory");

	/* a module that does not fit in RAM (the second, after the first) */
	mods[0] = (struct vmm_module){ small, NULL };
	mods[1] = (struct vmm_module){ big, "args" };
	t.cfg.nr_modules = 2;
	assert_int_equal(mbt_load_default(&t), -ENOSPC);
	snprintf(t.want, sizeof(t.want),
		 "module %s: %llu bytes do not fit in guest memory above 0x103001 (RAM below 3 GiB ends at 0x4000000)",
		 big, (unsigned long long)(RAM - MiB));
	assert_string_equal(t.err.msg, t.want);

	/* a module string with a newline */
	mods[0] = (struct vmm_module){ small, "a\nb" };
	t.cfg.nr_modules = 1;
	assert_int_equal(mbt_load_default(&t), -EINVAL);

	/* --module with a PVH kernel, --initrd with a Multiboot one */
	{
		struct fx_elf o = { .is64 = true, .paddr = KPADDR,
			.filesz = 0x1000, .memsz = 0x1000, .note = true,
			.descsz = 4, .entry = KPADDR };
		uint8_t *img = fx_elf(&o, &len);

		assert_int_equal(mbt_load(&t, img, len), -EINVAL);
		snprintf(t.want, sizeof(t.want),
			 "--module needs a Multiboot kernel: kernel %s is a PVH ELF",
			 t.kpath);
		assert_string_equal(t.err.msg, t.want);
		img = fx_bzimage(4096, &len);
		assert_int_equal(mbt_load(&t, img, len), -EINVAL);
		snprintf(t.want, sizeof(t.want),
			 "--module needs a Multiboot kernel: kernel %s is a bzImage",
			 t.kpath);
		assert_string_equal(t.err.msg, t.want);
	}
	t.cfg.nr_modules = 0;
	t.cfg.initrd_path = small;
	assert_int_equal(mbt_load_default(&t), -EINVAL);
	snprintf(t.want, sizeof(t.want),
		 "kernel %s is a Multiboot kernel, which takes no --initrd: pass %s as --module",
		 t.kpath, small);
	assert_string_equal(t.err.msg, t.want);

	/* placement arithmetic */
	assert_int_equal(multiboot_module_place(0x100001, 10, RAM, &gpa), 0);
	assert_int_equal(gpa, 0x101000);
	assert_int_equal(multiboot_module_place(UINT64_MAX - 5, 1, RAM, &gpa),
			 -EOVERFLOW);
	assert_int_equal(multiboot_module_place(0x1000, UINT64_MAX - 10, RAM,
						&gpa), -EOVERFLOW);
	assert_int_equal(multiboot_module_place(RAM - 0x1000, 0x1001, RAM,
						&gpa), -ENOSPC);
	assert_int_equal(multiboot_module_place(RAM - 0x1000, 0x1000, RAM,
						&gpa), 0);

	mbt_exit(&t);
	fx_unlink(big);
	fx_unlink(small);
}

/* Strings that outgrow the 64 KiB area are refused, not truncated. */
static void test_mb_strings_too_big(void **state)
{
	struct mbt t;
	char *cmd = malloc(LAYOUT_CMDLINE_MAX);

	(void)state;
	assert_non_null(cmd);
	memset(cmd, 'a', LAYOUT_CMDLINE_MAX - 1);
	cmd[LAYOUT_CMDLINE_MAX - 1] = 0;
	mbt_init(&t);
	t.cfg.cmdline = cmd;
	assert_int_equal(mbt_load_default(&t), -E2BIG);
	assert_string_equal(t.err.msg,
		"kernel command line and module strings do not fit in the 64 KiB string area");
	mbt_exit(&t);
	free(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mb_load),
		cmocka_unit_test(test_mb_no_modules),
		cmocka_unit_test(test_mb_higher_half),
		cmocka_unit_test(test_mb_aout),
		cmocka_unit_test(test_mb_header_search),
		cmocka_unit_test(test_mb_flags),
		cmocka_unit_test(test_mb_bad_elf),
		cmocka_unit_test(test_mb_modules_bad),
		cmocka_unit_test(test_mb_strings_too_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
