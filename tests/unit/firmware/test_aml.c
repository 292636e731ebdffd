// SPDX-License-Identifier: MIT
/* The AML encoder: exact bytes for each construct, checked by hand. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "aml.h"
#include "fw_test.h"

#define expect_bytes(a, ...)						\
	do {								\
		static const uint8_t want_[] = { __VA_ARGS__ };		\
		assert_int_equal(aml_error(a), 0);			\
		assert_int_equal((a)->len, sizeof(want_));		\
		assert_memory_equal((a)->buf, want_, sizeof(want_));	\
	} while (0)

static uint8_t buf[32 * 1024];

static struct aml fresh(void)
{
	struct aml a;

	memset(buf, 0xcc, sizeof(buf));
	aml_init(&a, buf, sizeof(buf));
	return a;
}

static void test_integers(void **state)
{
	struct aml a;

	a = fresh(); aml_integer(&a, 0); expect_bytes(&a, 0x00);
	a = fresh(); aml_integer(&a, 1); expect_bytes(&a, 0x01);
	a = fresh(); aml_integer(&a, 2); expect_bytes(&a, 0x0a, 0x02);
	a = fresh(); aml_integer(&a, 0xff); expect_bytes(&a, 0x0a, 0xff);
	a = fresh(); aml_integer(&a, 0x100); expect_bytes(&a, 0x0b, 0x00, 0x01);
	a = fresh(); aml_integer(&a, 0xffff); expect_bytes(&a, 0x0b, 0xff, 0xff);
	a = fresh(); aml_integer(&a, 0x10000);
	expect_bytes(&a, 0x0c, 0x00, 0x00, 0x01, 0x00);
	a = fresh(); aml_integer(&a, 0xfec00000);
	expect_bytes(&a, 0x0c, 0x00, 0x00, 0xc0, 0xfe);
	a = fresh(); aml_integer(&a, 0x100000000ULL);
	expect_bytes(&a, 0x0e, 0, 0, 0, 0, 1, 0, 0, 0);
}

static void test_names(void **state)
{
	struct aml a;

	a = fresh(); aml_name_string(&a, "_SB");
	expect_bytes(&a, '_', 'S', 'B', '_');
	a = fresh(); aml_name_string(&a, "\\_SB.COM1");
	expect_bytes(&a, '\\', 0x2e, '_', 'S', 'B', '_', 'C', 'O', 'M', '1');
	a = fresh(); aml_name_string(&a, "A.B1.C_");
	expect_bytes(&a, 0x2f, 3, 'A', '_', '_', '_', 'B', '1', '_', '_',
		     'C', '_', '_', '_');
	a = fresh(); aml_name_string(&a, "^^FOO");
	expect_bytes(&a, '^', '^', 'F', 'O', 'O', '_');
	a = fresh(); aml_name_string(&a, "\\");
	expect_bytes(&a, '\\', 0x00);
	a = fresh(); aml_name(&a, "\\_S5");
	expect_bytes(&a, 0x08, '\\', '_', 'S', '5', '_');
}

static void test_bad_names(void **state)
{
	static const char *const bad[] = {
		"1ABC", "ABCDE", "a", "A..B", "A.", ".A", "\\^A", "A-B",
	};
	struct aml a;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		a = fresh();
		aml_name_string(&a, bad[i]);
		assert_int_equal(aml_error(&a), -EINVAL);
		assert_int_equal(a.len, 0);	/* nothing half-written */
	}
	/* An empty path is the NullName, which is legal. */
	a = fresh();
	aml_name_string(&a, "");
	expect_bytes(&a, 0x00);
}

static void test_eisaid_and_string(void **state)
{
	struct aml a;

	a = fresh(); aml_eisaid(&a, "PNP0501");
	expect_bytes(&a, 0x0c, 0x41, 0xd0, 0x05, 0x01);
	a = fresh(); aml_eisaid(&a, "PNP0A03");
	expect_bytes(&a, 0x0c, 0x41, 0xd0, 0x0a, 0x03);
	a = fresh(); aml_string(&a, "QEMU0001");
	expect_bytes(&a, 0x0d, 'Q', 'E', 'M', 'U', '0', '0', '0', '1', 0x00);
	a = fresh(); aml_string(&a, "");
	expect_bytes(&a, 0x0d, 0x00);

	a = fresh(); aml_eisaid(&a, "pnp0501");
	assert_int_equal(aml_error(&a), -EINVAL);
	a = fresh(); aml_eisaid(&a, "PNP050G");
	assert_int_equal(aml_error(&a), -EINVAL);
	a = fresh(); aml_eisaid(&a, "PNP05");
	assert_int_equal(aml_error(&a), -EINVAL);
	a = fresh(); aml_string(&a, "bad\nstring");
	assert_int_equal(aml_error(&a), -EINVAL);
	assert_int_equal(a.len, 0);
}

/* decode_pkglen - value and size of the PkgLength at @p. */
static size_t decode_pkglen(const uint8_t *p, unsigned int *nbytes)
{
	unsigned int n = (p[0] >> 6) + 1;
	size_t v;

	*nbytes = n;
	if (n == 1)
		return p[0] & 0x3f;
	v = p[0] & 0x0f;
	for (unsigned int i = 1; i < n; i++)
		v |= (size_t)p[i] << (4 + 8 * (i - 1));
	return v;
}

/*
 * package_of - Package(0) followed by @extra raw bytes; returns the
 * PkgLength's byte count after checking it spans exactly to the end.
 */
static unsigned int package_of(size_t extra)
{
	static uint8_t filler[20000];
	struct aml a = fresh();
	unsigned int n;
	size_t mark, len;

	mark = aml_package_begin(&a, 0);
	aml_bytes(&a, filler, extra);
	aml_end(&a, mark);
	assert_int_equal(aml_error(&a), 0);
	assert_int_equal(buf[0], 0x12);
	len = decode_pkglen(buf + 1, &n);
	/* PkgLength counts itself and everything after it in the package. */
	assert_int_equal(len, a.len - 1);
	assert_int_equal(buf[1 + n], 0);	/* NumElements survived the move */
	return n;
}

static void test_pkglength(void **state)
{
	struct aml a;
	size_t mark;

	/* body = NumElements + extra; one byte holds totals up to 63. */
	assert_int_equal(package_of(0), 1);
	assert_int_equal(package_of(61), 1);	/* total 63 */
	assert_int_equal(package_of(62), 2);	/* total 65 */
	assert_int_equal(package_of(4092), 2);	/* total 4095 */
	assert_int_equal(package_of(4093), 3);	/* total 4097 */
	assert_int_equal(package_of(19999), 3);

	/* Exact bytes at the 1 -> 2 byte edge: 0x41 0x04 is 65. */
	a = fresh();
	mark = aml_package_begin(&a, 0);
	for (int i = 0; i < 62; i++)
		aml_byte(&a, 0xaa);
	aml_end(&a, mark);
	assert_int_equal(a.len, 1 + 2 + 1 + 62);
	assert_int_equal(buf[1], 0x41);
	assert_int_equal(buf[2], 0x04);

	/* A mark that isn't one is refused. */
	a = fresh();
	aml_byte(&a, 0);
	aml_end(&a, 0);
	assert_int_equal(aml_error(&a), -EINVAL);
}

static void test_nesting(void **state)
{
	struct aml a = fresh();
	size_t sb, dev, pkg;

	sb = aml_scope_begin(&a, "\\_SB");
	dev = aml_device_begin(&a, "DEV0");
	aml_name(&a, "_STA");
	aml_integer(&a, 0x0f);
	aml_end(&a, dev);
	aml_end(&a, sb);
	aml_name(&a, "\\_S5");
	pkg = aml_package_begin(&a, 2);
	aml_integer(&a, 5);
	aml_integer(&a, 0);
	aml_end(&a, pkg);
	expect_bytes(&a,
		0x10, 0x14, '\\', '_', 'S', 'B', '_',
		0x5b, 0x82, 0x0c, 'D', 'E', 'V', '0',
		0x08, '_', 'S', 'T', 'A', 0x0a, 0x0f,
		0x08, '\\', '_', 'S', '5', '_',
		0x12, 0x05, 0x02, 0x0a, 0x05, 0x00);
}

static void test_resources(void **state)
{
	uint8_t rbuf[64];
	struct aml a = fresh(), r;

	aml_init(&r, rbuf, sizeof(rbuf));
	aml_res_io(&r, 0x3f8, 0x3f8, 1, 8);
	aml_res_irq_noflags(&r, 4);
	aml_res_memory32_fixed(&r, true, 0xd0000000, 0x1000);
	aml_res_interrupt(&r, AML_INT_CONSUMER | AML_INT_EDGE, 5);
	aml_res_end(&r);
	assert_int_equal(aml_error(&r), 0);
	/* The End Tag's checksum makes the whole template sum to 0. */
	assert_int_equal(sum8(rbuf, r.len), 0);
	aml_resource_template(&a, &r);
	expect_bytes(&a,
		0x11, 0x25, 0x0a, 0x22,		/* Buffer(34) */
		0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,
		0x22, 0x10, 0x00,
		0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0x00, 0xd0,
		0x00, 0x10, 0x00, 0x00,
		0x89, 0x06, 0x00, 0x03, 0x01, 0x05, 0x00, 0x00, 0x00,
		0x79, 0x06);			/* End Tag, checksum */

	aml_init(&r, rbuf, sizeof(rbuf));
	aml_res_irq_noflags(&r, 16);
	assert_int_equal(aml_error(&r), -EINVAL);
	/* A broken template poisons the stream it goes into. */
	a = fresh();
	aml_resource_template(&a, &r);
	assert_int_equal(aml_error(&a), -EINVAL);
	assert_int_equal(a.len, 0);
}

static void test_address_resources(void **state)
{
	uint8_t rbuf[128];
	struct aml r;

	aml_init(&r, rbuf, sizeof(rbuf));
	aml_res_word_bus_number(&r, 0, 0xff);
	expect_bytes(&r,
		0x88, 0x0d, 0x00,		/* Word Address, 13 bytes */
		0x02, 0x0c, 0x00,		/* bus; Min/MaxFixed, producer */
		0x00, 0x00, 0x00, 0x00, 0xff, 0x00,	/* _GRA _MIN _MAX */
		0x00, 0x00, 0x00, 0x01);	/* _TRA, _LEN 256 */

	aml_init(&r, rbuf, sizeof(rbuf));
	aml_res_word_io(&r, 0x0d00, 0xffff);
	expect_bytes(&r,
		0x88, 0x0d, 0x00,
		0x01, 0x0c, 0x03,		/* I/O, EntireRange */
		0x00, 0x00, 0x00, 0x0d, 0xff, 0xff,
		0x00, 0x00, 0x00, 0xf3);

	aml_init(&r, rbuf, sizeof(rbuf));
	aml_res_dword_memory(&r, 0xc0000000, 0xcfffffff);
	expect_bytes(&r,
		0x87, 0x17, 0x00,		/* DWord Address, 23 bytes */
		0x00, 0x0c, 0x01,		/* memory; NonCacheable, RW */
		0x00, 0x00, 0x00, 0x00,		/* _GRA */
		0x00, 0x00, 0x00, 0xc0,		/* _MIN */
		0xff, 0xff, 0xff, 0xcf,		/* _MAX */
		0x00, 0x00, 0x00, 0x00,		/* _TRA */
		0x00, 0x00, 0x00, 0x10);	/* _LEN */

	/* A one-item window is fine: bus 0 alone. */
	aml_init(&r, rbuf, sizeof(rbuf));
	aml_res_word_bus_number(&r, 0, 0);
	assert_int_equal(aml_error(&r), 0);
	assert_int_equal(rd16(rbuf + 14), 1);

	/* Backwards windows and lengths the field cannot hold. */
	aml_init(&r, rbuf, sizeof(rbuf));
	aml_res_word_io(&r, 0x100, 0xff);
	assert_int_equal(aml_error(&r), -EINVAL);
	assert_int_equal(r.len, 0);
	aml_init(&r, rbuf, sizeof(rbuf));
	aml_res_word_io(&r, 0, 0xffff);
	assert_int_equal(aml_error(&r), -EINVAL);
	aml_init(&r, rbuf, sizeof(rbuf));
	aml_res_dword_memory(&r, 0, 0xffffffff);
	assert_int_equal(aml_error(&r), -EINVAL);
	aml_init(&r, rbuf, sizeof(rbuf));
	aml_res_dword_memory(&r, 2, 1);
	assert_int_equal(aml_error(&r), -EINVAL);
	assert_int_equal(r.len, 0);
}

static void test_method(void **state)
{
	struct aml a = fresh();
	size_t method, cond;

	/*
	 * Method (TEST, 2, Serialized) {
	 *	CreateDWordField (Arg1, 4, FLD)
	 *	If (LNot (LEqual (Arg0, FLD))) { Or (FLD, 2, FLD) }
	 *	Return (Arg6)
	 * }
	 */
	method = aml_method_begin(&a, "TEST", 2, true);
	aml_create_dword_field(&a);
	aml_arg(&a, 1);
	aml_integer(&a, 4);
	aml_name_string(&a, "FLD");
	cond = aml_if_begin(&a);
	aml_lnot(&a);
	aml_lequal(&a);
	aml_arg(&a, 0);
	aml_name_string(&a, "FLD");
	aml_or(&a);
	aml_name_string(&a, "FLD");
	aml_integer(&a, 2);
	aml_name_string(&a, "FLD");
	aml_end(&a, cond);
	aml_return(&a);
	aml_arg(&a, 6);
	aml_end(&a, method);
	expect_bytes(&a,
		0x14, 0x24, 'T', 'E', 'S', 'T', 0x0a,	/* 2 args | serialized */
		0x8a, 0x69, 0x0a, 0x04, 'F', 'L', 'D', '_',
		0xa0, 0x13, 0x92, 0x93, 0x68, 'F', 'L', 'D', '_',
		0x7d, 'F', 'L', 'D', '_', 0x0a, 0x02, 'F', 'L', 'D', '_',
		0xa4, 0x6e);

	a = fresh();
	method = aml_method_begin(&a, "_OSC", 4, false);
	aml_end(&a, method);
	expect_bytes(&a, 0x14, 0x06, '_', 'O', 'S', 'C', 0x04);

	a = fresh();
	aml_method_begin(&a, "M", 8, false);
	assert_int_equal(aml_error(&a), -EINVAL);
	a = fresh();
	aml_arg(&a, 7);
	assert_int_equal(aml_error(&a), -EINVAL);
	assert_int_equal(a.len, 0);
}

static void test_uuid(void **state)
{
	static const char *const bad[] = {
		"33db4d5b-1ff7-401c-9657-7441c03dd76",	/* short */
		"33db4d5b-1ff7-401c-9657-7441c03dd7666",
		"33db4d5b_1ff7-401c-9657-7441c03dd766",
		"33db4d5b-1ff7-401c-9657-7441c03dd76g",
		"",
	};
	struct aml a = fresh();

	/* The PCI host bridge _OSC UUID, as Linux's OSC_UUID spells it. */
	aml_uuid(&a, "33DB4D5B-1ff7-401c-9657-7441c03dd766");
	expect_bytes(&a, 0x11, 0x13, 0x0a, 0x10,
		     0x5b, 0x4d, 0xdb, 0x33, 0xf7, 0x1f, 0x1c, 0x40,
		     0x96, 0x57, 0x74, 0x41, 0xc0, 0x3d, 0xd7, 0x66);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		a = fresh();
		aml_uuid(&a, bad[i]);
		assert_int_equal(aml_error(&a), -EINVAL);
		assert_int_equal(a.len, 0);
	}
}

static void test_overflow_is_sticky(void **state)
{
	uint8_t small[8];
	struct aml a;
	size_t mark;

	aml_init(&a, small, sizeof(small));
	aml_string(&a, "TOO LONG");		/* prefix fits, the rest not */
	assert_int_equal(aml_error(&a), -ENOSPC);
	assert_int_equal(a.len, 1);
	aml_integer(&a, 0);			/* would fit, but no */
	assert_int_equal(a.len, 1);
	assert_int_equal(aml_error(&a), -ENOSPC);

	/* Running out inside a package: aml_end must not touch anything. */
	aml_init(&a, small, sizeof(small));
	mark = aml_package_begin(&a, 1);	/* 1 + 4 + 1 bytes */
	aml_integer(&a, 0x12345678);		/* prefix fits, value not */
	aml_end(&a, mark);
	assert_int_equal(aml_error(&a), -ENOSPC);
	assert_int_equal(a.len, 7);
	assert_true(all_zero(small + 1, 4));	/* PkgLength left alone */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_eisaid_and_string),
		cmocka_unit_test(test_pkglength),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_resources),
		cmocka_unit_test(test_address_resources),
		cmocka_unit_test(test_method),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_overflow_is_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
