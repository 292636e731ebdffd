// SPDX-License-Identifier: MIT
/* The address bus: overlap refusal, lookup and whole-access dispatch. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bus.h"

struct probe {
	uint64_t offset;
	uint32_t len;
	bool is_write;
	int calls;
};

static int probe_fn(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		    bool is_write)
{
	struct probe *p = ctx;

	p->offset = offset;
	p->len = len;
	p->is_write = is_write;
	p->calls++;
	if (!is_write)
		memset(data, 0x5a, len);
	return 0;
}

static void test_register_overlap(void **state)
{
	struct bus b;
	struct probe p = { 0 };

	bus_init(&b);
	assert_int_equal(bus_register(&b, 0x100, 0x10, probe_fn, &p, "a"), 0);
	assert_int_equal(bus_register(&b, 0x108, 0x10, probe_fn, &p, "b"),
			 -EEXIST);
	assert_int_equal(bus_register(&b, 0xf8, 0x10, probe_fn, &p, "c"),
			 -EEXIST);
	assert_int_equal(bus_register(&b, 0x0f0, 0x10, probe_fn, &p, "d"), 0);
	assert_int_equal(bus_register(&b, 0x110, 0x10, probe_fn, &p, "e"), 0);
	assert_int_equal(bus_register(&b, 0x100, 0, probe_fn, &p, "z"),
			 -EINVAL);
	assert_int_equal(bus_register(&b, UINT64_MAX - 4, 0x10, probe_fn, &p,
				      "w"), -EINVAL);
	assert_int_equal(b.nr, 3);
	assert_int_equal(b.ranges[0].base, 0xf0);
	assert_int_equal(b.ranges[2].base, 0x110);
	bus_exit(&b);
}

static void test_dispatch(void **state)
{
	struct bus b;
	struct probe p = { 0 }, q = { 0 };
	uint8_t data[8] = { 0 };

	bus_init(&b);
	assert_int_equal(bus_register(&b, 0x3f8, 8, probe_fn, &p, "com1"), 0);
	assert_int_equal(bus_register(&b, 0x400, 4, probe_fn, &q, "q"), 0);
	assert_int_equal(bus_dispatch(&b, 0x3fd, data, 1, false), 0);
	assert_int_equal(p.offset, 5);
	assert_int_equal(data[0], 0x5a);
	assert_int_equal(bus_dispatch(&b, 0x400, data, 4, true), 0);
	assert_int_equal(q.calls, 1);
	assert_true(q.is_write);
	/* Straddling the end of a range is not decoded by anyone. */
	assert_int_equal(bus_dispatch(&b, 0x3fe, data, 4, false), -ENOENT);
	assert_int_equal(data[0], 0xff);
	assert_int_equal(bus_dispatch(&b, 0x500, data, 2, false), -ENOENT);
	assert_int_equal(data[1], 0xff);
	assert_int_equal(bus_dispatch(&b, 0x3f7, data, 1, true), -ENOENT);
	assert_int_equal(p.calls, 1);
	assert_null(bus_find(&b, 0x3f8, 0));
	bus_exit(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_overlap),
		cmocka_unit_test(test_dispatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
