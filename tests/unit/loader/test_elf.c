// SPDX-License-Identifier: MIT
/* ELF kernels entered through PVH: parsing, loading, hvm_start_info. */
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
#include "util.h"
#include "fixtures.h"

#define RSDP		0xe0000ULL
#define INITRD_SIZE	10000

static const struct fx_elf elf_default = {
	.is64 = true, .paddr = 0x100000, .filesz = 0x1000, .memsz = 0x3000,
	.note = true, .descsz = 4, .entry = 0x100040,
};

/* Load @o into 64 MiB of fake RAM; returns loader_load's result. */
static int load_elf(struct fx_mem *m, const struct fx_elf *o,
		    const char *initrd, struct boot_entry *out,
		    struct errbuf *err, char **kpath)
{
	struct loader_config cfg = {
		.initrd_path = initrd,
		.cmdline = "console=ttyS0",
		.rsdp_gpa = RSDP,
	};
	size_t len;
	uint8_t *img = fx_elf(o, &len);
	int ret;

	*kpath = fx_file(img, len);
	free(img);
	cfg.kernel_path = *kpath;
	errbuf_clear(err);
	ret = loader_load(&m->gm, &cfg, out, err);
	return ret;
}

static void expect_memmap(const uint8_t *p, unsigned int i, uint64_t addr,
			  uint64_t size, uint32_t type)
{
	p += i * 24;
	assert_int_equal(fx_get64(p, 0), addr);
	assert_int_equal(fx_get64(p, 8), size);
	assert_int_equal(fx_get32(p, 16), type);
	assert_int_equal(fx_get32(p, 20), 0);
}

static void test_pvh_load(void **state)
{
	struct fx_mem m;
	struct boot_entry out;
	struct errbuf err;
	uint8_t initrd[INITRD_SIZE];
	uint8_t bss[0x2000];
	char *kpath, *ipath;
	const uint8_t *low, *si;
	uint64_t memmap, modlist;
	size_t len;
	uint8_t *img = fx_elf(&elf_default, &len);

	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i * 3);
	ipath = fx_file(initrd, sizeof(initrd));
	fx_mem_init(&m, 64 * MiB, 0);
	low = m.low;
	si = low + LAYOUT_PVH_INFO;
	memset((uint8_t *)m.low + 0x101000, 0xaa, 0x2000);	/* stale bss */

	assert_int_equal(load_elf(&m, &elf_default, ipath, &out, &err, &kpath), 0);
	assert_int_equal(out.mode, BOOT_MODE_PVH);
	assert_int_equal(out.entry, 0x100040);
	assert_int_equal(out.boot_info, LAYOUT_PVH_INFO);

	/* segment copied, bss cleared */
	assert_memory_equal(low + 0x100000, img + 0x400, 0x1000);
	memset(bss, 0, sizeof(bss));
	assert_memory_equal(low + 0x101000, bss, sizeof(bss));
	assert_string_equal((const char *)low + LAYOUT_CMDLINE, "console=ttyS0");

	/* hvm_start_info */
	assert_int_equal(fx_get32(si, 0), 0x336ec578);
	assert_int_equal(fx_get32(si, 4), 1);
	assert_int_equal(fx_get32(si, 8), 0);
	assert_int_equal(fx_get32(si, 12), 1);
	modlist = fx_get64(si, 16);
	assert_int_equal(fx_get64(si, 24), LAYOUT_CMDLINE);
	assert_int_equal(fx_get64(si, 32), RSDP);
	memmap = fx_get64(si, 40);
	assert_int_equal(fx_get32(si, 48), 4);
	assert_int_equal(fx_get32(si, 52), 0);

	/* memmap and module list, all inside the page below the zero page */
	assert_int_equal(memmap, LAYOUT_PVH_INFO + 0x40);
	expect_memmap(low + memmap, 0, 0, 0x9fc00, E820_RAM);
	expect_memmap(low + memmap, 1, 0x9fc00, 0x400, E820_RESERVED);
	expect_memmap(low + memmap, 2, 0xe0000, 0x20000, E820_RESERVED);
	expect_memmap(low + memmap, 3, 0x100000, 63 * MiB, E820_RAM);
	assert_true(modlist >= memmap + 4 * 24);
	assert_true(modlist + 32 <= LAYOUT_ZERO_PAGE);
	assert_int_equal(fx_get64(low + modlist, 0), 64 * MiB - 3 * 4096);
	assert_int_equal(fx_get64(low + modlist, 8), INITRD_SIZE);
	assert_int_equal(fx_get64(low + modlist, 16), 0);
	assert_memory_equal(low + 64 * MiB - 3 * 4096, initrd, INITRD_SIZE);

	fx_unlink(kpath);
	fx_unlink(ipath);
	fx_mem_exit(&m);
	free(img);
}

static void test_elf32_desc8(void **state)
{
	struct fx_elf o = elf_default;
	struct fx_mem m;
	struct boot_entry out;
	struct errbuf err;
	char *kpath;
	const uint8_t *si;

	o.is64 = false;
	o.descsz = 8;
	o.entry = 0xffffffff00100080ULL;	/* only the low 32 bits count */
	fx_mem_init(&m, 32 * MiB, 0);
	si = (const uint8_t *)m.low + LAYOUT_PVH_INFO;
	assert_int_equal(load_elf(&m, &o, NULL, &out, &err, &kpath), 0);
	assert_int_equal(out.mode, BOOT_MODE_PVH);
	assert_int_equal(out.entry, 0x100080);
	assert_int_equal(fx_get32(si, 12), 0);	/* no modules */
	assert_int_equal(fx_get64(si, 16), 0);
	assert_int_equal(fx_get32(si, 48), 4);
	fx_unlink(kpath);
	fx_mem_exit(&m);
}

static void test_note_in_section(void **state)
{
	struct fx_elf o = elf_default;
	struct elf_info info;
	struct errbuf err;
	size_t len;
	uint8_t *img;

	o.note = false;
	o.note_in_section = true;
	img = fx_elf(&o, &len);
	assert_int_equal(elf_parse(img, len, &info, &err), 0);
	assert_int_equal(info.pvh_entry, 0x100040);
	assert_true(info.is64);
	assert_int_equal(info.machine, EM_X86_64);
	assert_int_equal(info.nr_load, 1);
	assert_int_equal(info.load_start, 0x100000);
	assert_int_equal(info.load_end, 0x103000);
	free(img);
}

/* loader_load on @o must fail with @ret and "kernel PATH: @msg". */
static void expect_load_error(const struct fx_elf *o, int ret,
			      const char *msg)
{
	struct fx_mem m;
	struct boot_entry out;
	struct errbuf err;
	char want[700];
	char *kpath;

	fx_mem_init(&m, 64 * MiB, 0);
	assert_int_equal(load_elf(&m, o, NULL, &out, &err, &kpath), ret);
	snprintf(want, sizeof(want), "kernel %s: %s", kpath, msg);
	assert_string_equal(err.msg, want);
	fx_unlink(kpath);
	fx_mem_exit(&m);
}

static void test_no_note(void **state)
{
	struct fx_elf o = elf_default;

	o.note = false;
	expect_load_error(&o, -ENOEXEC,
		"ELF kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); build with CONFIG_PVH");
	o = elf_default;
	o.descsz = 2;
	expect_load_error(&o, -ENOEXEC,
		"corrupt ELF: PVH entry note has a 2 byte descriptor");
	o = elf_default;
	o.entry = 0x200000;
	expect_load_error(&o, -ENOEXEC,
		"corrupt ELF: PVH entry 0x200000 is outside every PT_LOAD segment");
}

static void test_bad_segments(void **state)
{
	struct fx_elf o = elf_default;

	o.paddr = 0x8000000;	/* 128 MiB, guest has 64 */
	o.entry = 0x8000040;
	expect_load_error(&o, -ENOSPC,
		"ELF segment 0 [0x8000000, 0x8003000) is not in guest RAM");
	o.paddr = 0x3fff000;	/* straddles the end of RAM */
	o.entry = 0x3fff040;
	expect_load_error(&o, -ENOSPC,
		"ELF segment 0 [0x3fff000, 0x4002000) is not in guest RAM");
	o.paddr = 0x8000;	/* would overwrite the boot structures */
	o.entry = 0x8040;
	expect_load_error(&o, -EINVAL,
		"ELF segment 0 at 0x8000 is below 1 MiB, where the boot structures live");
	o = elf_default;
	o.offset = 0x100000;
	expect_load_error(&o, -ENOEXEC,
		"truncated ELF: segment 0 needs file bytes 0x100000+0x1000, file has 5120");
	o.offset = UINT64_MAX - 0x10;	/* offset + filesz wraps */
	expect_load_error(&o, -ENOEXEC,
		"truncated ELF: segment 0 needs file bytes 0xffffffffffffffef+0x1000, file has 5120");
	o = elf_default;
	o.memsz = 0x800;
	expect_load_error(&o, -ENOEXEC,
		"corrupt ELF: segment 0 has p_filesz 0x1000 > p_memsz 0x800");
}

static void test_initrd_above_kernel(void **state)
{
	struct fx_elf o = elf_default;
	struct fx_mem m;
	struct boot_entry out;
	struct errbuf err;
	uint8_t data[INITRD_SIZE] = { 1 };
	char *kpath, *ipath = fx_file(data, sizeof(data));

	/* bss up to one page below the top of RAM: no room for the initrd */
	o.memsz = 63 * MiB - 4096;
	fx_mem_init(&m, 64 * MiB, 0);
	assert_int_equal(load_elf(&m, &o, ipath, &out, &err, &kpath), -ENOSPC);
	assert_non_null(strstr(err.msg, "do not fit in guest memory: 0 MiB free between the kernel end 0x3fff000 and 0x4000000"));
	fx_unlink(kpath);
	fx_unlink(ipath);
	fx_mem_exit(&m);
}

static void expect_parse_error(const uint8_t *img, size_t len, const char *msg)
{
	struct elf_info info;
	struct errbuf err;

	errbuf_clear(&err);
	assert_int_equal(elf_parse(img, len, &info, &err), -ENOEXEC);
	assert_string_equal(err.msg, msg);
}

static void test_bad_headers(void **state)
{
	size_t len;
	uint8_t *img = fx_elf(&elf_default, &len);

	expect_parse_error(img, 40,
		"truncated ELF: 40 bytes, shorter than its header");
	img[EI_DATA] = ELFDATA2MSB;
	expect_parse_error(img, len, "ELF kernel is not little-endian");
	img[EI_DATA] = ELFDATA2LSB;
	img[EI_CLASS] = 7;
	expect_parse_error(img, len, "corrupt ELF: unknown class 7");
	img[EI_CLASS] = ELFCLASS64;
	fx_put16(img, offsetof(Elf64_Ehdr, e_machine), EM_AARCH64);
	expect_parse_error(img, len, "ELF kernel is not for x86 (e_machine 183)");
	fx_put16(img, offsetof(Elf64_Ehdr, e_machine), EM_X86_64);
	fx_put16(img, offsetof(Elf64_Ehdr, e_type), ET_REL);
	expect_parse_error(img, len,
		"ELF kernel is not an executable (e_type 1)");
	fx_put16(img, offsetof(Elf64_Ehdr, e_type), ET_EXEC);
	fx_put64(img, offsetof(Elf64_Ehdr, e_phoff), len - 100);
	expect_parse_error(img, len,
		"truncated ELF: 2 program headers at 0x139c run past the 5120 byte file");
	fx_put64(img, offsetof(Elf64_Ehdr, e_phoff), UINT64_MAX - 8);
	expect_parse_error(img, len,
		"truncated ELF: 2 program headers at 0xfffffffffffffff7 run past the 5120 byte file");
	fx_put64(img, offsetof(Elf64_Ehdr, e_phoff), 0x40);
	fx_put16(img, offsetof(Elf64_Ehdr, e_phentsize), 32);
	expect_parse_error(img, len, "corrupt ELF: e_phentsize 32, need 56");
	fx_put16(img, offsetof(Elf64_Ehdr, e_phentsize), 56);
	fx_put16(img, offsetof(Elf64_Ehdr, e_phnum), 0);
	expect_parse_error(img, len, "corrupt ELF: 0 program headers");
	fx_put16(img, offsetof(Elf64_Ehdr, e_phnum), 2);
	/* a note whose descriptor runs past the note segment */
	fx_put32(img, 0x100 + 4, 64);
	expect_parse_error(img, len,
		"corrupt ELF: note at +0x0 runs past its note area");
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pvh_load),
		cmocka_unit_test(test_elf32_desc8),
		cmocka_unit_test(test_note_in_section),
		cmocka_unit_test(test_no_note),
		cmocka_unit_test(test_bad_segments),
		cmocka_unit_test(test_initrd_above_kernel),
		cmocka_unit_test(test_bad_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
