// SPDX-License-Identifier: MIT
/* bzImage setup header parsing and the kernel's memory footprint. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "loader/loader.h"
#include "util.h"
#include "fixtures.h"

#define KBYTES	8192

static int parse(const uint8_t *img, size_t len, struct bzimage_info *info,
		 struct errbuf *err)
{
	errbuf_clear(err);
	return bzimage_parse(img, len, info, err);
}

static void test_valid(void **state)
{
	struct bzimage_info info;
	struct errbuf err;
	size_t len;
	uint8_t *img = fx_bzimage(KBYTES, &len);

	assert_int_equal(parse(img, len, &info, &err), 0);
	assert_int_equal(info.version, 0x020f);
	assert_int_equal(info.setup_sects, 4);
	assert_int_equal(info.setup_size, 2560);
	assert_int_equal(info.kernel_offset, 2560);
	assert_int_equal(info.kernel_size, KBYTES);
	assert_int_equal(info.syssize, KBYTES / 16);
	assert_int_equal(info.init_size, FX_BZ_INIT_SIZE);
	assert_int_equal(info.pref_address, FX_BZ_PREF);
	assert_int_equal(info.kernel_alignment, FX_BZ_ALIGN);
	assert_true(info.relocatable);
	assert_int_equal(info.initrd_addr_max, 0x7fffffff);
	assert_int_equal(info.cmdline_size, FX_BZ_CMDLINE_SIZE);
	assert_int_equal(info.xloadflags, 0x7f);
	assert_int_equal(info.loadflags, BZIMAGE_LOADED_HIGH);
	assert_int_equal(info.header_end, 0x26c);
	free(img);
}

static void test_setup_sects(void **state)
{
	struct bzimage_info info;
	struct errbuf err;
	size_t len;
	uint8_t *img = fx_bzimage(KBYTES, &len);
	uint8_t *big = calloc(1, 17 * 512 + KBYTES);

	/* Same header, 16 setup sectors: the kernel starts at 17 * 512. */
	memcpy(big, img, 0x400);
	big[0x1f1] = 16;
	memcpy(big + 17 * 512, img + FX_BZ_SETUP, KBYTES);
	assert_int_equal(parse(big, 17 * 512 + KBYTES, &info, &err), 0);
	assert_int_equal(info.setup_sects, 16);
	assert_int_equal(info.kernel_offset, 17 * 512);
	assert_int_equal(info.kernel_size, KBYTES);
	free(big);
	free(img);
}

static void test_trailing_signature(void **state)
{
	struct bzimage_info info;
	struct errbuf err;
	size_t len;
	uint8_t *img = fx_bzimage(KBYTES, &len);
	uint8_t *signed_img = calloc(1, len + 1472);

	/* A signed Debian kernel has data after setup + syssize * 16. */
	memcpy(signed_img, img, len);
	assert_int_equal(parse(signed_img, len + 1472, &info, &err), 0);
	assert_int_equal(info.kernel_size, KBYTES);
	free(signed_img);
	free(img);
}

static void test_truncated(void **state)
{
	struct bzimage_info info;
	struct errbuf err;
	size_t len;
	uint8_t *img = fx_bzimage(KBYTES, &len);

	assert_int_equal(parse(img, len - 1, &info, &err), -ENOEXEC);
	assert_string_equal(err.msg,
		"truncated bzImage: header says 8192 bytes of kernel after 2560 bytes of setup, file has 10751");
	assert_int_equal(parse(img, 2000, &info, &err), -ENOEXEC);
	assert_string_equal(err.msg,
		"truncated bzImage: header says 2560 bytes of setup, file has 2000");
	assert_int_equal(parse(img, 100, &info, &err), -ENOEXEC);
	assert_string_equal(err.msg, "not a bzImage: file is only 100 bytes");
	/* syssize * 16 far beyond any file (computed in 64 bits) */
	fx_put32(img, 0x1f4, 0xffffffff);
	assert_int_equal(parse(img, len, &info, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "truncated bzImage: header says 68719476720 bytes of kernel"));
	free(img);
}

static void test_bad_magic(void **state)
{
	struct bzimage_info info;
	struct errbuf err;
	size_t len;
	uint8_t *img = fx_bzimage(KBYTES, &len);

	img[0x1fe] = 0x00;
	assert_int_equal(parse(img, len, &info, &err), -ENOEXEC);
	assert_string_equal(err.msg,
		"not a bzImage: no boot flag 0xAA55 at 0x1FE");
	img[0x1fe] = 0x55;
	img[0x205] = 'Z';
	assert_int_equal(parse(img, len, &info, &err), -ENOEXEC);
	assert_string_equal(err.msg,
		"corrupt bzImage: no \"HdrS\" signature at 0x202");
	free(img);
}

static void test_too_old(void **state)
{
	struct bzimage_info info;
	struct errbuf err;
	size_t len;
	uint8_t *img = fx_bzimage(KBYTES, &len);

	fx_put16(img, 0x206, 0x0202);
	fx_put16(img, 0x236, 0);
	assert_int_equal(parse(img, len, &info, &err), -ENOEXEC);
	assert_string_equal(err.msg,
		"bzImage boot protocol too old (2.02), need 2.12 with 64-bit entry");
	fx_put16(img, 0x206, 0x020a);
	assert_int_equal(parse(img, len, &info, &err), -ENOEXEC);
	assert_string_equal(err.msg,
		"bzImage boot protocol too old (2.10), need 2.12 with 64-bit entry");
	/* 2.12 but a 32-bit kernel */
	fx_put16(img, 0x206, 0x020c);
	assert_int_equal(parse(img, len, &info, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "protocol 2.12) has no 64-bit entry point"));
	fx_put16(img, 0x236, 0x01);
	assert_int_equal(parse(img, len, &info, &err), 0);
	assert_int_equal(info.version, 0x020c);
	free(img);
}

static void expect_corrupt(uint8_t *img, size_t len, const char *what)
{
	struct bzimage_info info;
	struct errbuf err;

	assert_int_equal(parse(img, len, &info, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "corrupt bzImage: "));
	assert_non_null(strstr(err.msg, what));
}

static void test_corrupt(void **state)
{
	size_t len;
	uint8_t *img = fx_bzimage(KBYTES, &len);

	img[0x201] = 0x10;	/* header would end before init_size */
	expect_corrupt(img, len, "setup header would end at 0x212");
	img[0x201] = 0x90;	/* ... or past the space boot_params has */
	expect_corrupt(img, len, "setup header would end at 0x292");
	img[0x201] = 0x6a;
	fx_put32(img, 0x230, 0x3000);
	expect_corrupt(img, len, "kernel_alignment 0x3000 is not a power of two");
	fx_put32(img, 0x230, FX_BZ_ALIGN);
	fx_put32(img, 0x1f4, 0);
	expect_corrupt(img, len, "syssize is 0");
	fx_put32(img, 0x1f4, KBYTES / 16);
	fx_put32(img, 0x260, KBYTES - 16);
	expect_corrupt(img, len, "init_size 8176 is smaller than the 8192 byte kernel");
	fx_put32(img, 0x260, FX_BZ_INIT_SIZE);
	img[0x211] = 0;
	expect_corrupt(img, len, "LOADED_HIGH clear");
	free(img);
}

static void test_kernel_end(void **state)
{
	struct bzimage_info info = {
		.relocatable = true, .kernel_alignment = 0x200000,
		.pref_address = 0x1000000, .init_size = 0x400000,
		.kernel_size = 0x1000,
	};
	uint64_t end;

	/* Decompresses at pref_address, above the 2 MiB-aligned load address. */
	assert_int_equal(bzimage_kernel_end(&info, 0x100000, &end), 0);
	assert_int_equal(end, 0x1400000);
	/* No pref_address: load address rounded up to kernel_alignment. */
	info.pref_address = 0;
	assert_int_equal(bzimage_kernel_end(&info, 0x100000, &end), 0);
	assert_int_equal(end, 0x600000);
	/* Not relocatable, no pref: right where it was loaded. */
	info.relocatable = false;
	assert_int_equal(bzimage_kernel_end(&info, 0x100000, &end), 0);
	assert_int_equal(end, 0x500000);
	/* The copied image itself sticks out past init_size. */
	info.kernel_size = 0x500000;
	assert_int_equal(bzimage_kernel_end(&info, 0x100000, &end), 0);
	assert_int_equal(end, 0x600000);
	info.pref_address = UINT64_MAX - 0x1000;
	assert_int_equal(bzimage_kernel_end(&info, 0x100000, &end),
			 -EOVERFLOW);
}

static void test_real_kernel(void **state)
{
	struct bzimage_info info;
	struct errbuf err;
	char path[4096];
	uint8_t *img;
	size_t len;

	if (!fx_real_kernel(path, sizeof(path)))
		skip();
	assert_int_equal(read_file_all(path, LOADER_KERNEL_MAX, &img, &len), 0);
	assert_int_equal(parse(img, len, &info, &err), 0);
	assert_true(info.version >= 0x020c);
	assert_true(info.xloadflags & BZIMAGE_XLF_KERNEL_64);
	assert_true(info.relocatable);
	assert_true(info.setup_size + info.kernel_size <= len);
	assert_true(info.init_size > info.kernel_size);
	assert_int_equal(info.header_end, 0x202 + img[0x201]);
	assert_true(info.cmdline_size >= 255);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_setup_sects),
		cmocka_unit_test(test_trailing_signature),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_too_old),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_kernel_end),
		cmocka_unit_test(test_real_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
