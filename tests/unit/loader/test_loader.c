// SPDX-License-Identifier: MIT
/* loader_load with bzImages: zero page, initrd placement, failures. */
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

#define KBYTES		8192
#define INITRD_SIZE	10000
#define RSDP		0xe0000ULL

/* A bzImage and an initrd in temp files, and the fake memory. */
struct fx {
	struct fx_mem m;
	uint8_t *img;
	size_t len;
	char *kernel, *initrd;
	uint8_t initrd_data[INITRD_SIZE];
	struct loader_config cfg;
	struct boot_entry out;
	struct errbuf err;
};

static struct fx *fx_new(uint64_t low, uint64_t high)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	fx_mem_init(&f->m, low, high);
	f->img = fx_bzimage(KBYTES, &f->len);
	for (size_t i = 0; i < INITRD_SIZE; i++)
		f->initrd_data[i] = (uint8_t)(i ^ 0x5a);
	f->initrd = fx_file(f->initrd_data, INITRD_SIZE);
	f->cfg = (struct loader_config){
		.initrd_path = f->initrd,
		.cmdline = "console=ttyS0 root=/dev/vda",
		.rsdp_gpa = RSDP,
	};
	return f;
}

/* Write the (possibly patched) image out and load it. */
static int fx_load(struct fx *f)
{
	int ret;

	if (f->kernel)
		fx_unlink(f->kernel);
	f->kernel = fx_file(f->img, f->len);
	f->cfg.kernel_path = f->kernel;
	ret = loader_load(&f->m.gm, &f->cfg, &f->out, &f->err);
	if (ret)
		assert_true(f->err.msg[0] != '\0');
	return ret;
}

static void fx_free(struct fx *f)
{
	if (f->kernel)
		fx_unlink(f->kernel);
	fx_unlink(f->initrd);
	free(f->img);
	fx_mem_exit(&f->m);
	free(f);
}

static const uint8_t *zero_page(const struct fx *f)
{
	return (const uint8_t *)f->m.low + LAYOUT_ZERO_PAGE;
}

static void expect_e820(const uint8_t *zp, unsigned int i, uint64_t addr,
			uint64_t size, uint32_t type)
{
	size_t off = 0x2d0 + i * 20;

	assert_int_equal(fx_get64(zp, off), addr);
	assert_int_equal(fx_get64(zp, off + 8), size);
	assert_int_equal(fx_get32(zp, off + 16), type);
}

static void test_load_64m(void **state)
{
	struct fx *f = fx_new(64 * MiB, 0);
	const uint8_t *zp = zero_page(f);
	const uint64_t initrd_gpa = 64 * MiB - 3 * 4096;	/* 10000 rounded to pages */

	/* the image's setup_data must not reach the kernel */
	fx_put64(f->img, 0x250, 0xdeadbeef);
	assert_int_equal(fx_load(f), 0);
	assert_int_equal(f->out.mode, BOOT_MODE_LINUX64);
	assert_int_equal(f->out.entry, 0x100200);
	assert_int_equal(f->out.boot_info, LAYOUT_ZERO_PAGE);

	/* header copied from the image */
	assert_memory_equal(zp + 0x1f1, f->img + 0x1f1, 0x210 - 0x1f1);
	assert_int_equal(fx_get16(zp, 0x206), 0x020f);
	assert_int_equal(fx_get32(zp, 0x260), FX_BZ_INIT_SIZE);
	/* and what the loader fills in */
	assert_int_equal(zp[0x210], 0xff);
	assert_int_equal(zp[0x211], 0x81);
	assert_int_equal(fx_get16(zp, 0x224), 0xfe00);
	assert_int_equal(fx_get32(zp, 0x214), 0x100000);
	assert_int_equal(fx_get32(zp, 0x228), LAYOUT_CMDLINE);
	assert_int_equal(fx_get32(zp, 0x0c8), 0);
	assert_int_equal(fx_get32(zp, 0x218), initrd_gpa);
	assert_int_equal(fx_get32(zp, 0x21c), INITRD_SIZE);
	assert_int_equal(fx_get32(zp, 0x0c0), 0);
	assert_int_equal(fx_get32(zp, 0x0c4), 0);
	assert_int_equal(fx_get64(zp, 0x250), 0);
	assert_int_equal(fx_get64(zp, 0x070), RSDP);
	assert_int_equal(zp[0x1e8], 4);
	expect_e820(zp, 0, 0, 0x9fc00, E820_RAM);
	expect_e820(zp, 1, 0x9fc00, 0x400, E820_RESERVED);
	expect_e820(zp, 2, 0xe0000, 0x20000, E820_RESERVED);
	expect_e820(zp, 3, 0x100000, 63 * MiB, E820_RAM);
	expect_e820(zp, 4, 0, 0, 0);

	/* kernel, command line and initrd contents */
	assert_memory_equal((uint8_t *)f->m.low + 0x100000,
			    f->img + FX_BZ_SETUP, KBYTES);
	assert_string_equal((char *)f->m.low + LAYOUT_CMDLINE,
			    "console=ttyS0 root=/dev/vda");
	assert_memory_equal((uint8_t *)f->m.low + initrd_gpa, f->initrd_data,
			    INITRD_SIZE);
	fx_free(f);
}

static void test_no_initrd_old_rsdp(void **state)
{
	struct fx *f = fx_new(32 * MiB, 0);
	const uint8_t *zp = zero_page(f);

	/* 2.12 has no acpi_rsdp_addr: leave it zero, the kernel scans */
	fx_put16(f->img, 0x206, 0x020c);
	f->cfg.initrd_path = NULL;
	f->cfg.cmdline = NULL;
	assert_int_equal(fx_load(f), 0);
	assert_int_equal(fx_get64(zp, 0x070), 0);
	assert_int_equal(fx_get32(zp, 0x218), 0);
	assert_int_equal(fx_get32(zp, 0x21c), 0);
	assert_string_equal((char *)f->m.low + LAYOUT_CMDLINE, "");
	expect_e820(zp, 3, 0x100000, 31 * MiB, E820_RAM);
	fx_free(f);
}

static void test_initrd_addr_max(void **state)
{
	struct fx *f = fx_new(64 * MiB, 0);

	fx_put32(f->img, 0x22c, 0x1ffffff);	/* initrd must end by 32 MiB */
	assert_int_equal(fx_load(f), 0);
	assert_int_equal(fx_get32(zero_page(f), 0x218),
			 32 * MiB - 3 * 4096);
	/* addr_max 0 means the protocol default, 0x37ffffff; RAM is lower */
	fx_put32(f->img, 0x22c, 0);
	assert_int_equal(fx_load(f), 0);
	assert_int_equal(fx_get32(zero_page(f), 0x218),
			 64 * MiB - 3 * 4096);
	fx_free(f);
}

static void test_5g(void **state)
{
	struct fx *f = fx_new(3 * GiB, 2 * GiB);
	const uint8_t *zp = zero_page(f);

	assert_int_equal(fx_load(f), 0);
	/* below initrd_addr_max (0x7fffffff), not at the top of low RAM */
	assert_int_equal(fx_get32(zp, 0x218), 0x80000000 - 3 * 4096);
	assert_int_equal(fx_get32(zp, 0x0c0), 0);
	assert_int_equal(zp[0x1e8], 5);
	expect_e820(zp, 3, 0x100000, 0xc0000000 - 0x100000, E820_RAM);
	expect_e820(zp, 4, 0x100000000ULL, 2 * GiB, E820_RAM);
	assert_memory_equal((uint8_t *)f->m.low + 0x80000000 - 3 * 4096,
			    f->initrd_data, INITRD_SIZE);
	fx_free(f);
}

static void test_kernel_too_big(void **state)
{
	struct fx *f = fx_new(64 * MiB, 0);

	/* decompresses at 16 MiB (pref_address) and needs 60 MiB from there */
	fx_put32(f->img, 0x260, 60 * MiB);
	assert_int_equal(fx_load(f), -ENOSPC);
	assert_non_null(strstr(f->err.msg,
		"needs 76 MiB but guest has 64 MiB below 3 GiB"));
	assert_non_null(strstr(f->err.msg, f->kernel));
	fx_free(f);
}

static void test_initrd_too_big(void **state)
{
	struct fx *f = fx_new(64 * MiB, 0);
	char *big = fx_sparse_file(50 * MiB);

	/* kernel ends at 16 + 4 MiB: 44 MiB left below 64 MiB */
	f->cfg.initrd_path = big;
	assert_int_equal(fx_load(f), -ENOSPC);
	assert_non_null(strstr(f->err.msg, "initrd "));
	assert_non_null(strstr(f->err.msg,
		"52428800 bytes (50 MiB) do not fit in guest memory: 44 MiB free between the kernel end 0x1400000 and 0x4000000"));
	fx_unlink(big);
	fx_free(f);
}

static void test_initrd_errors(void **state)
{
	struct fx *f = fx_new(64 * MiB, 0);
	char *empty = fx_file("", 0);
	char msg[600];

	f->cfg.initrd_path = empty;
	assert_int_equal(fx_load(f), -EINVAL);
	snprintf(msg, sizeof(msg), "initrd %s is empty", empty);
	assert_string_equal(f->err.msg, msg);
	f->cfg.initrd_path = "/nonexistent/initrd";
	assert_int_equal(fx_load(f), -ENOENT);
	assert_string_equal(f->err.msg,
		"initrd /nonexistent/initrd: No such file or directory");
	f->cfg.initrd_path = "/tmp";
	assert_int_equal(fx_load(f), -EISDIR);
	assert_string_equal(f->err.msg, "initrd /tmp: is a directory");
	f->cfg.initrd_path = NULL;
	fx_unlink(empty);
	fx_free(f);
}

static void test_cmdline_too_long(void **state)
{
	struct fx *f = fx_new(64 * MiB, 0);
	char line[40];

	fx_put32(f->img, 0x238, 16);	/* kernel takes 16 bytes + NUL */
	memset(line, 'x', 17);
	line[17] = '\0';
	f->cfg.cmdline = line;
	assert_int_equal(fx_load(f), -E2BIG);
	assert_string_equal(f->err.msg,
		"kernel command line is 17 bytes, the kernel accepts at most 16");
	line[16] = '\0';
	assert_int_equal(fx_load(f), 0);
	assert_string_equal((char *)f->m.low + LAYOUT_CMDLINE, line);
	fx_free(f);
}

static void test_cmdline_layout_max(void **state)
{
	struct fx *f = fx_new(64 * MiB, 0);
	char *line = malloc(LAYOUT_CMDLINE_MAX + 1);

	/* the kernel would take 1 MiB, but our slot is 64 KiB with the NUL */
	fx_put32(f->img, 0x238, 0x100000);
	memset(line, 'y', LAYOUT_CMDLINE_MAX);
	line[LAYOUT_CMDLINE_MAX] = '\0';
	f->cfg.cmdline = line;
	assert_int_equal(fx_load(f), -E2BIG);
	assert_string_equal(f->err.msg,
		"kernel command line is 65536 bytes, the kernel accepts at most 65535");
	free(line);
	fx_free(f);
}

static void test_kernel_file_errors(void **state)
{
	struct fx *f = fx_new(64 * MiB, 0);
	uint8_t junk[4096] = { 'M', 'Z' };
	char *p;
	char msg[600];

	f->cfg.kernel_path = "/nonexistent/vmlinuz";
	assert_int_equal(loader_load(&f->m.gm, &f->cfg, &f->out, &f->err),
			 -ENOENT);
	assert_string_equal(f->err.msg,
		"kernel /nonexistent/vmlinuz: No such file or directory");
	f->cfg.kernel_path = "/tmp";
	assert_int_equal(loader_load(&f->m.gm, &f->cfg, &f->out, &f->err),
			 -EISDIR);
	assert_string_equal(f->err.msg, "kernel /tmp: is a directory");
	f->cfg.kernel_path = "/dev/null";
	assert_int_equal(loader_load(&f->m.gm, &f->cfg, &f->out, &f->err),
			 -EINVAL);
	assert_string_equal(f->err.msg, "kernel /dev/null: not a regular file");

	p = fx_file(junk, sizeof(junk));
	f->cfg.kernel_path = p;
	assert_int_equal(loader_load(&f->m.gm, &f->cfg, &f->out, &f->err),
			 -ENOEXEC);
	snprintf(msg, sizeof(msg), "kernel %s: not a bzImage or ELF kernel, and no Multiboot header in its first 8 KiB", p);
	assert_string_equal(f->err.msg, msg);
	fx_unlink(p);
	p = fx_file("", 0);
	f->cfg.kernel_path = p;
	assert_int_equal(loader_load(&f->m.gm, &f->cfg, &f->out, &f->err),
			 -ENOEXEC);
	fx_unlink(p);

	/* a corrupt bzImage is reported with the path in front */
	f->img[0x205] = '!';
	assert_int_equal(fx_load(f), -ENOEXEC);
	snprintf(msg, sizeof(msg),
		 "kernel %s: corrupt bzImage: no \"HdrS\" signature at 0x202",
		 f->kernel);
	assert_string_equal(f->err.msg, msg);
	fx_free(f);
}

static void test_memory_mismatch(void **state)
{
	struct fx *f = fx_new(64 * MiB, 0);

	/* the VM claims more RAM than is backed: never announce it */
	f->m.gm.ram_size = 128 * MiB;
	assert_int_equal(fx_load(f), -EFAULT);
	assert_string_equal(f->err.msg,
		"e820 RAM [0x100000, 0x8000000) is not backed by guest memory");
	f->m.gm.ram_size = 8 * MiB;
	assert_int_equal(fx_load(f), -EINVAL);
	assert_string_equal(f->err.msg,
		"guest memory of 8388608 bytes is below the 16 MiB minimum");
	fx_free(f);
}

static void test_initrd_place(void **state)
{
	uint64_t gpa = 0;

	assert_int_equal(initrd_place(10000, 20 * MiB, 0x7fffffff,
				      64 * MiB, &gpa), 0);
	assert_int_equal(gpa, 64 * MiB - 3 * 4096);
	/* exact fit: page-aligned initrd right above the kernel */
	assert_int_equal(initrd_place(44 * MiB, 20 * MiB, 0x7fffffff,
				      64 * MiB, &gpa), 0);
	assert_int_equal(gpa, 20 * MiB);
	assert_int_equal(initrd_place(44 * MiB + 1, 20 * MiB, 0x7fffffff,
				      64 * MiB, &gpa), -ENOSPC);
	/* an unaligned limit is rounded down to a page */
	assert_int_equal(initrd_place(4096, 0, 0x10000ffe, GiB, &gpa), 0);
	assert_int_equal(gpa, 0x10000000 - 4096);
	assert_int_equal(initrd_place(0, 0, 0x7fffffff, GiB, &gpa), -ENOSPC);
	assert_int_equal(initrd_place(UINT64_MAX, 0, UINT64_MAX, GiB, &gpa),
			 -ENOSPC);
	assert_int_equal(initrd_place(4096, 0, UINT64_MAX, GiB, &gpa), 0);
	assert_int_equal(gpa, GiB - 4096);
}

static void test_real_kernel(void **state)
{
	struct fx *f;
	char path[4096];
	const uint8_t *zp;

	if (!fx_real_kernel(path, sizeof(path)))
		skip();
	f = fx_new(256 * MiB, 0);
	zp = zero_page(f);
	f->cfg.kernel_path = path;
	assert_int_equal(loader_load(&f->m.gm, &f->cfg, &f->out, &f->err), 0);
	assert_int_equal(f->out.mode, BOOT_MODE_LINUX64);
	assert_int_equal(f->out.entry, 0x100200);
	assert_memory_equal(zp + 0x202, "HdrS", 4);
	assert_true(fx_get16(zp, 0x206) >= 0x020c);
	assert_int_equal(zp[0x210], 0xff);
	assert_int_equal(fx_get32(zp, 0x228), LAYOUT_CMDLINE);
	assert_int_equal(fx_get32(zp, 0x21c), INITRD_SIZE);
	assert_int_equal(zp[0x1e8], 4);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_64m),
		cmocka_unit_test(test_no_initrd_old_rsdp),
		cmocka_unit_test(test_initrd_addr_max),
		cmocka_unit_test(test_5g),
		cmocka_unit_test(test_kernel_too_big),
		cmocka_unit_test(test_initrd_too_big),
		cmocka_unit_test(test_initrd_errors),
		cmocka_unit_test(test_cmdline_too_long),
		cmocka_unit_test(test_cmdline_layout_max),
		cmocka_unit_test(test_kernel_file_errors),
		cmocka_unit_test(test_memory_mismatch),
		cmocka_unit_test(test_initrd_place),
		cmocka_unit_test(test_real_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
