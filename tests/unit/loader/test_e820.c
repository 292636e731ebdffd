// SPDX-License-Identifier: MIT
/* The guest e820 map and command line assembly. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "loader/loader.h"
#include "util.h"

static void expect_entry(const struct e820_entry *e, uint64_t addr,
			 uint64_t size, uint32_t type)
{
	assert_int_equal(e->addr, addr);
	assert_int_equal(e->size, size);
	assert_int_equal(e->type, type);
}

/* The guest sees all its RAM except the 0x9fc00..0x100000 window. */
static void expect_ram_total(const struct e820_entry *t, int n, uint64_t ram)
{
	uint64_t total = 0;

	for (int i = 0; i < n; i++)
		if (t[i].type == E820_RAM)
			total += t[i].size;
	assert_int_equal(total, ram - (0x100000 - 0x9fc00));
}

static void expect_low(const struct e820_entry *t)
{
	expect_entry(&t[0], 0, 0x9fc00, E820_RAM);
	expect_entry(&t[1], 0x9fc00, 0x400, E820_RESERVED);
	expect_entry(&t[2], 0xe0000, 0x20000, E820_RESERVED);
}

static void test_256m(void **state)
{
	struct e820_entry t[E820_MAX_ENTRIES];
	int n = e820_build(256 * MiB, t, E820_MAX_ENTRIES);

	assert_int_equal(n, 4);
	expect_low(t);
	expect_entry(&t[3], 0x100000, 255 * MiB, E820_RAM);
	expect_ram_total(t, n, 256 * MiB);
}

static void test_3g(void **state)
{
	struct e820_entry t[E820_MAX_ENTRIES];
	int n = e820_build(3 * GiB, t, E820_MAX_ENTRIES);

	assert_int_equal(n, 4);
	expect_low(t);
	expect_entry(&t[3], 0x100000, 3 * GiB - MiB, E820_RAM);
	expect_ram_total(t, n, 3 * GiB);
}

static void test_5g(void **state)
{
	struct e820_entry t[E820_MAX_ENTRIES];
	int n = e820_build(5 * GiB, t, E820_MAX_ENTRIES);

	assert_int_equal(n, 5);
	expect_low(t);
	expect_entry(&t[3], 0x100000, 0xc0000000 - 0x100000, E820_RAM);
	expect_entry(&t[4], 0x100000000ULL, 2 * GiB, E820_RAM);
	expect_ram_total(t, n, 5 * GiB);
}

static void test_limits(void **state)
{
	struct e820_entry t[E820_MAX_ENTRIES];

	assert_int_equal(e820_build(LOADER_MIN_RAM, t, E820_MAX_ENTRIES), 4);
	expect_entry(&t[3], 0x100000, 15 * MiB, E820_RAM);
	assert_int_equal(e820_build(LOADER_MIN_RAM - 1, t, E820_MAX_ENTRIES),
			 -EINVAL);
	assert_int_equal(e820_build(MiB, t, E820_MAX_ENTRIES), -EINVAL);
	assert_int_equal(e820_build(0, t, E820_MAX_ENTRIES), -EINVAL);
	assert_int_equal(e820_build(UINT64_MAX, t, E820_MAX_ENTRIES), -EINVAL);
	assert_int_equal(e820_build(256 * MiB, t, 3), -ENOSPC);
	assert_int_equal(e820_build(5 * GiB, t, 4), -ENOSPC);
	assert_int_equal(e820_build(5 * GiB, t, 5), 5);
}

static void test_cmdline_default(void **state)
{
	char buf[64];

	assert_int_equal(cmdline_build(buf, sizeof(buf), NULL, NULL), 0);
	assert_string_equal(buf, "console=ttyS0 panic=-1");
	assert_int_equal(cmdline_build(buf, sizeof(buf), NULL, ""), 0);
	assert_string_equal(buf, CMDLINE_DEFAULT);
	assert_int_equal(cmdline_build(buf, sizeof(buf), NULL, "quiet"), 0);
	assert_string_equal(buf, "console=ttyS0 panic=-1 quiet");
}

static void test_cmdline_join(void **state)
{
	char buf[64];

	assert_int_equal(cmdline_build(buf, sizeof(buf), "root=/dev/vda",
				       "init=/bin/sh"), 0);
	assert_string_equal(buf, "root=/dev/vda init=/bin/sh");
	/* nothing is trimmed: the caller's spaces are kept */
	assert_int_equal(cmdline_build(buf, sizeof(buf), " a ", " b"), 0);
	assert_string_equal(buf, " a   b");
	/* an explicitly empty base stays empty */
	assert_int_equal(cmdline_build(buf, sizeof(buf), "", NULL), 0);
	assert_string_equal(buf, "");
	assert_int_equal(cmdline_build(buf, sizeof(buf), "", "x=1"), 0);
	assert_string_equal(buf, "x=1");
}

static void test_cmdline_too_long(void **state)
{
	char buf[8];

	/* "abc def" is 7 bytes + NUL: fits exactly */
	assert_int_equal(cmdline_build(buf, sizeof(buf), "abc", "def"), 0);
	assert_string_equal(buf, "abc def");
	assert_int_equal(cmdline_build(buf, sizeof(buf), "abcd", "def"),
			 -E2BIG);
	assert_string_equal(buf, "");
	assert_int_equal(cmdline_build(buf, 7, "abc", "def"), -E2BIG);
	assert_int_equal(cmdline_build(buf, 0, "", NULL), -E2BIG);
	assert_int_equal(cmdline_build(buf, sizeof(buf), NULL, NULL), -E2BIG);
}

static void test_cmdline_control(void **state)
{
	char buf[64];

	assert_int_equal(cmdline_build(buf, sizeof(buf), "a\nb", NULL),
			 -EINVAL);
	assert_int_equal(cmdline_build(buf, sizeof(buf), "a", "b\n"),
			 -EINVAL);
	assert_int_equal(cmdline_build(buf, sizeof(buf), "a\tb", NULL),
			 -EINVAL);
	assert_int_equal(cmdline_build(buf, sizeof(buf), "a\x7f", NULL),
			 -EINVAL);
	assert_int_equal(cmdline_build(buf, sizeof(buf), "a\x1b[0m", NULL),
			 -EINVAL);
	assert_string_equal(buf, "");
	/* bytes >= 0x80 (UTF-8) are not control characters */
	assert_int_equal(cmdline_build(buf, sizeof(buf), "x=\xc3\xa9", NULL),
			 0);
	assert_string_equal(buf, "x=\xc3\xa9");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_256m),
		cmocka_unit_test(test_3g),
		cmocka_unit_test(test_5g),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_cmdline_default),
		cmocka_unit_test(test_cmdline_join),
		cmocka_unit_test(test_cmdline_too_long),
		cmocka_unit_test(test_cmdline_control),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
