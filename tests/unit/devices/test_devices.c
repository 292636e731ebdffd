// SPDX-License-Identifier: MIT
/*
 * The small platform devices: i8042 reset, pvpanic, ACPI sleep/reset
 * registers and the exit-code port, each driven as the guest would and
 * checked through the events they report.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bus.h"
#include "devices/acpi_pm.h"
#include "devices/exitdev.h"
#include "devices/i8042.h"
#include "devices/pvpanic.h"
#include "layout.h"

struct events {
	int calls;
	enum vm_event last;
	int code;
};

static void record(void *ctx, enum vm_event ev, int code)
{
	struct events *e = ctx;

	e->calls++;
	e->last = ev;
	e->code = code;
}

static void put8(bus_fn fn, void *dev, uint64_t off, uint8_t v)
{
	assert_int_equal(fn(dev, off, &v, 1, true), 0);
}

static uint8_t get8(bus_fn fn, void *dev, uint64_t off)
{
	uint8_t v = 0x5a;

	assert_int_equal(fn(dev, off, &v, 1, false), 0);
	return v;
}

static void test_i8042_reset(void **state)
{
	struct events e = { 0 };
	struct i8042 k;

	(void)state;
	assert_int_equal(i8042_init(&k, record, &e), 0);
	assert_int_equal(get8(i8042_cmd_io, &k, 0), 0x00);	/* idle */
	assert_int_equal(get8(i8042_data_io, &k, 0), 0x00);
	put8(i8042_cmd_io, &k, 0, 0xfe);
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.last, VM_EVENT_RESET);
	put8(i8042_cmd_io, &k, 0, 0xfe);
	assert_int_equal(e.calls, 2);
}

static void test_i8042_other_writes(void **state)
{
	struct events e = { 0 };
	struct i8042 k;
	uint8_t w[2] = { 0xfe, 0xfe };

	(void)state;
	assert_int_equal(i8042_init(&k, record, &e), 0);
	for (unsigned int v = 0; v < 256; v++) {
		if (v != 0xfe)
			put8(i8042_cmd_io, &k, 0, (uint8_t)v);
		put8(i8042_data_io, &k, 0, (uint8_t)v);
	}
	/* 0xFE is a command, not data, and only as a byte. */
	assert_int_equal(i8042_cmd_io(&k, 0, w, 2, true), 0);
	assert_int_equal(e.calls, 0);
	assert_int_equal(i8042_cmd_io(&k, 0, w, 2, false), 0);
	assert_int_equal(w[0], 0xff);
	assert_int_equal(w[1], 0xff);
	assert_int_equal(get8(i8042_cmd_io, &k, 0), 0x00);
	assert_int_equal(i8042_init(NULL, record, &e), -EINVAL);
}

static void test_pvpanic(void **state)
{
	struct events e = { 0 };
	struct pvpanic p;
	uint8_t w[2] = { 0x01, 0x00 };

	(void)state;
	assert_int_equal(pvpanic_init(&p, record, &e), 0);
	assert_int_equal(get8(pvpanic_io, &p, 0), 0x03);
	put8(pvpanic_io, &p, 0, 0x02);			/* kdump loaded */
	assert_int_equal(e.calls, 0);
	assert_int_equal(p.events, 0x02);
	put8(pvpanic_io, &p, 0, 0x00);
	put8(pvpanic_io, &p, 0, 0xfc);			/* unoffered bits */
	assert_int_equal(e.calls, 0);
	assert_int_equal(pvpanic_io(&p, 0, w, 2, true), 0);
	assert_int_equal(e.calls, 0);
	put8(pvpanic_io, &p, 0, 0x01);
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.last, VM_EVENT_PANIC);
	assert_int_equal(p.events, 0x03);
	assert_int_equal(get8(pvpanic_io, &p, 0), 0x03);
}

static void test_acpi_poweroff(void **state)
{
	struct events e = { 0 };
	struct acpi_pm pm;

	(void)state;
	assert_int_equal(acpi_pm_init(&pm, record, &e), 0);
	put8(acpi_pm_io, &pm, 0, 0x20);			/* SLP_EN, type 0 */
	put8(acpi_pm_io, &pm, 0, 3 << 2 | 0x20);	/* S3: not offered */
	put8(acpi_pm_io, &pm, 0, 5 << 2);		/* S5 without SLP_EN */
	assert_int_equal(e.calls, 0);
	put8(acpi_pm_io, &pm, 0, 0x34);			/* S5 | SLP_EN */
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.last, VM_EVENT_POWEROFF);
	assert_int_equal(get8(acpi_pm_io, &pm, 0), 0x14); /* no SLP_EN */
}

static void test_acpi_sleep_status(void **state)
{
	struct events e = { 0 };
	struct acpi_pm pm;

	(void)state;
	assert_int_equal(acpi_pm_init(&pm, record, &e), 0);
	assert_int_equal(get8(acpi_pm_io, &pm, 1), 0x80);
	put8(acpi_pm_io, &pm, 1, 0x00);			/* 0s clear nothing */
	assert_int_equal(get8(acpi_pm_io, &pm, 1), 0x80);
	put8(acpi_pm_io, &pm, 1, 0x80);
	assert_int_equal(get8(acpi_pm_io, &pm, 1), 0x00);
	assert_int_equal(get8(acpi_pm_io, &pm, 1), 0x00);
	assert_int_equal(e.calls, 0);
}

static void test_acpi_reset(void **state)
{
	struct events e = { 0 };
	struct acpi_pm pm;
	uint8_t w[4] = { ACPI_RESET_VALUE, 0, 0, 0 };

	(void)state;
	assert_int_equal(acpi_pm_init(&pm, record, &e), 0);
	put8(acpi_pm_io, &pm, 2, 0x06);			/* not the value */
	assert_int_equal(acpi_pm_io(&pm, 2, w, 2, true), 0);	/* wrong width */
	assert_int_equal(e.calls, 0);
	put8(acpi_pm_io, &pm, 2, ACPI_RESET_VALUE);
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.last, VM_EVENT_RESET);
	assert_int_equal(get8(acpi_pm_io, &pm, 2), 0x00);
}

static void test_acpi_bad_access(void **state)
{
	struct events e = { 0 };
	struct acpi_pm pm;
	uint8_t w[4] = { 0x34, 0x34, 0x34, 0x34 };

	(void)state;
	assert_int_equal(acpi_pm_init(&pm, record, &e), 0);
	assert_int_equal(acpi_pm_io(&pm, 0, w, 4, true), 0);
	assert_int_equal(acpi_pm_io(&pm, 3, w, 1, true), -EINVAL);
	assert_int_equal(acpi_pm_io(&pm, UINT64_MAX, w, 1, true), -EINVAL);
	assert_int_equal(e.calls, 0);
	assert_int_equal(acpi_pm_io(&pm, 0, w, 2, false), 0);
	assert_int_equal(w[0], 0xff);
	assert_int_equal(w[1], 0xff);
	assert_int_equal(acpi_pm_io(&pm, 3, w, 1, false), -EINVAL);
	assert_int_equal(w[0], 0xff);
}

static void test_exitdev(void **state)
{
	struct events e = { 0 };
	struct exitdev x;
	uint8_t b1[1] = { 0x2a };
	uint8_t b2[2] = { 0x34, 0x12 };
	uint8_t b4[4] = { 0x78, 0x56, 0x34, 0x12 };
	uint8_t r[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	(void)state;
	assert_int_equal(exitdev_init(&x, record, &e), 0);
	assert_int_equal(exitdev_io(&x, 0, b1, 1, true), 0);
	assert_int_equal(e.calls, 1);
	assert_int_equal(e.last, VM_EVENT_EXIT_CODE);
	assert_int_equal(e.code, 42);
	assert_int_equal(exitdev_io(&x, 0, b2, 2, true), 0);
	assert_int_equal(e.calls, 2);
	assert_int_equal(e.code, 0x1234);
	assert_int_equal(exitdev_io(&x, 0, b4, 4, true), 0);
	assert_int_equal(e.calls, 3);
	assert_int_equal(e.code, 0x12345678);
	b1[0] = 0;
	assert_int_equal(exitdev_io(&x, 0, b1, 1, true), 0);
	assert_int_equal(e.calls, 4);
	assert_int_equal(e.code, 0);

	/* Off offset 0, or an odd width: not an exit request. */
	assert_int_equal(exitdev_io(&x, 1, b1, 1, true), 0);
	assert_int_equal(exitdev_io(&x, 2, b2, 2, true), 0);
	assert_int_equal(exitdev_io(&x, 0, b4, 3, true), 0);
	assert_int_equal(e.calls, 4);

	assert_int_equal(exitdev_io(&x, 0, r, 4, false), 0);
	assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
	assert_int_equal(e.calls, 4);
}

static void test_no_listener(void **state)
{
	struct i8042 k;
	struct pvpanic p;
	struct acpi_pm pm;
	struct exitdev x;
	uint8_t v;

	(void)state;
	/* A NULL callback drops events instead of crashing. */
	assert_int_equal(i8042_init(&k, NULL, NULL), 0);
	assert_int_equal(pvpanic_init(&p, NULL, NULL), 0);
	assert_int_equal(acpi_pm_init(&pm, NULL, NULL), 0);
	assert_int_equal(exitdev_init(&x, NULL, NULL), 0);
	put8(i8042_cmd_io, &k, 0, 0xfe);
	put8(pvpanic_io, &p, 0, 0x01);
	put8(acpi_pm_io, &pm, 0, 0x34);
	put8(acpi_pm_io, &pm, 2, ACPI_RESET_VALUE);
	v = 3;
	assert_int_equal(exitdev_io(&x, 0, &v, 1, true), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_i8042_reset),
		cmocka_unit_test(test_i8042_other_writes),
		cmocka_unit_test(test_pvpanic),
		cmocka_unit_test(test_acpi_poweroff),
		cmocka_unit_test(test_acpi_sleep_status),
		cmocka_unit_test(test_acpi_reset),
		cmocka_unit_test(test_acpi_bad_access),
		cmocka_unit_test(test_exitdev),
		cmocka_unit_test(test_no_listener),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
