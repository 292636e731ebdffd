// SPDX-License-Identifier: MIT
/* Checked guest memory access over regions with holes between them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "guest_mem.h"
#include "layout.h"
#include "util.h"

static uint8_t low[0x10000], high[0x10000];

static void fake_mem(struct guest_mem *gm)
{
	guest_mem_init_empty(gm);
	assert_int_equal(guest_mem_add(gm, 0, sizeof(low), low), 0);
	/* a hole from 0x10000 to 0x20000 */
	assert_int_equal(guest_mem_add(gm, 0x20000, sizeof(high), high), 0);
}

static void test_ranges(void **state)
{
	struct guest_mem gm;

	fake_mem(&gm);
	assert_ptr_equal(guest_mem_ptr(&gm, 0, 16), low);
	assert_ptr_equal(guest_mem_ptr(&gm, 0xfff0, 16), low + 0xfff0);
	assert_null(guest_mem_ptr(&gm, 0xfff0, 17));	/* into the hole */
	assert_null(guest_mem_ptr(&gm, 0x18000, 1));	/* in the hole */
	assert_null(guest_mem_ptr(&gm, 0x1ffff, 2));	/* hole into region */
	assert_ptr_equal(guest_mem_ptr(&gm, 0x2ffff, 1), high + 0xffff);
	assert_null(guest_mem_ptr(&gm, 0x30000, 1));
	assert_null(guest_mem_ptr(&gm, UINT64_MAX, 2));	/* wraps */
	assert_null(guest_mem_ptr(&gm, 0x100, UINT64_MAX));
	assert_true(guest_mem_ok(&gm, 0x20000, 0x10000));
	assert_false(guest_mem_ok(&gm, 0x20000, 0x10001));
}

static void test_add_rejects(void **state)
{
	struct guest_mem gm;

	fake_mem(&gm);
	assert_int_equal(guest_mem_add(&gm, 0x8000, 0x100, low), -EINVAL);
	assert_int_equal(guest_mem_add(&gm, 0x40000, 0, low), -EINVAL);
	assert_int_equal(guest_mem_add(&gm, UINT64_MAX - 10, 0x100, low),
			 -EINVAL);
}

static void test_copy(void **state)
{
	struct guest_mem gm;
	uint8_t buf[8] = "abcdefg";
	uint8_t out[8];

	fake_mem(&gm);
	assert_int_equal(guest_mem_write(&gm, 0x20010, buf, 8), 0);
	assert_memory_equal(high + 0x10, buf, 8);
	assert_int_equal(guest_mem_read(&gm, 0x20010, out, 8), 0);
	assert_memory_equal(out, buf, 8);
	assert_int_equal(guest_mem_write(&gm, 0xfffc, buf, 8), -EFAULT);
	assert_int_equal(guest_mem_read(&gm, 0x1fffc, out, 8), -EFAULT);
	assert_int_equal(guest_mem_zero(&gm, 0x20010, 8), 0);
	assert_int_equal(high[0x10], 0);
}

static void test_layout_sizes(void **state)
{
	struct guest_mem gm;

	assert_int_equal(guest_mem_init(&gm, 256 * MiB, false), 0);
	assert_int_equal(gm.nr_regions, 1);
	assert_int_equal(guest_mem_low_end(&gm), 256 * MiB);
	guest_mem_exit(&gm);

	/* 5 GiB: 3 GiB below the hole, 2 GiB remapped above 4 GiB. */
	assert_int_equal(guest_mem_init(&gm, 5 * GiB, false), 0);
	assert_int_equal(gm.nr_regions, 2);
	assert_int_equal(gm.regions[0].size, LAYOUT_MMIO_HOLE);
	assert_int_equal(gm.regions[1].gpa, LAYOUT_HIGH_RAM);
	assert_int_equal(gm.regions[1].size, 2 * GiB);
	assert_null(guest_mem_ptr(&gm, LAYOUT_MMIO_HOLE, 1));
	assert_non_null(guest_mem_ptr(&gm, LAYOUT_HIGH_RAM + 2 * GiB - 1, 1));
	assert_null(guest_mem_ptr(&gm, LAYOUT_HIGH_RAM + 2 * GiB, 1));
	guest_mem_exit(&gm);

	assert_int_equal(guest_mem_init(&gm, 0, false), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_add_rejects),
		cmocka_unit_test(test_copy),
		cmocka_unit_test(test_layout_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
