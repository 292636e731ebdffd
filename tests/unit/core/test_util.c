// SPDX-License-Identifier: MIT
/* Size and number parsing: what --mem and --cpus accept and refuse. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util.h"

static void test_size_suffixes(void **state)
{
	uint64_t v;

	assert_int_equal(parse_size("256M", &v), 0);
	assert_int_equal(v, 256ULL << 20);
	assert_int_equal(parse_size("1G", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(parse_size("5G", &v), 0);
	assert_int_equal(v, 5ULL << 30);
	assert_int_equal(parse_size("5g", &v), 0);
	assert_int_equal(v, 5ULL << 30);
	assert_int_equal(parse_size("64K", &v), 0);
	assert_int_equal(v, 64ULL << 10);
	assert_int_equal(parse_size("2T", &v), 0);
	assert_int_equal(v, 2ULL << 40);
	assert_int_equal(parse_size("1GiB", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(parse_size("512MB", &v), 0);
	assert_int_equal(v, 512ULL << 20);
}

static void test_size_plain_bytes(void **state)
{
	uint64_t v;

	assert_int_equal(parse_size("1073741824", &v), 0);
	assert_int_equal(v, 1ULL << 30);
	assert_int_equal(parse_size("0", &v), 0);
	assert_int_equal(v, 0);
}

static void test_size_rejects_garbage(void **state)
{
	uint64_t v = 42;

	assert_int_equal(parse_size("10X", &v), -EINVAL);
	assert_int_equal(parse_size("", &v), -EINVAL);
	assert_int_equal(parse_size("M", &v), -EINVAL);
	assert_int_equal(parse_size("-1G", &v), -EINVAL);
	assert_int_equal(parse_size("1.5G", &v), -EINVAL);
	assert_int_equal(parse_size("1G ", &v), -EINVAL);
	assert_int_equal(parse_size("1GG", &v), -EINVAL);
	assert_int_equal(parse_size(NULL, &v), -EINVAL);
	assert_int_equal(v, 42);	/* untouched on failure */
}

static void test_size_overflow(void **state)
{
	uint64_t v = 42;

	assert_int_equal(parse_size("18446744073709551615", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(parse_size("18446744073709551616", &v), -ERANGE);
	assert_int_equal(parse_size("99999999999999999999999", &v), -ERANGE);
	assert_int_equal(parse_size("16777216T", &v), -ERANGE);
	assert_int_equal(parse_size("17179869184G", &v), -ERANGE);
	assert_int_equal(parse_size("16777215T", &v), 0);
	assert_int_equal(v, 16777215ULL << 40);
}

static void test_uint(void **state)
{
	unsigned long v;

	assert_int_equal(parse_uint("4", 1, 8, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(parse_uint("0", 1, 8, &v), -ERANGE);
	assert_int_equal(parse_uint("9", 1, 8, &v), -ERANGE);
	assert_int_equal(parse_uint("x", 1, 8, &v), -EINVAL);
	assert_int_equal(parse_uint("", 1, 8, &v), -EINVAL);
	assert_int_equal(parse_uint("99999999999999999999999", 1, 8, &v),
			 -ERANGE);
}

static void test_errbuf(void **state)
{
	struct errbuf e;

	assert_int_equal(errbuf_set(&e, -ENOENT, "kernel %s: gone", "x"),
			 -ENOENT);
	assert_string_equal(e.msg, "kernel x: gone");
	assert_int_equal(errbuf_set(NULL, -EIO, "ignored"), -EIO);
	errbuf_clear(&e);
	assert_string_equal(e.msg, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_suffixes),
		cmocka_unit_test(test_size_plain_bytes),
		cmocka_unit_test(test_size_rejects_garbage),
		cmocka_unit_test(test_size_overflow),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_errbuf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
