// SPDX-License-Identifier: MIT
/*
 * MP tables: build into fake guest RAM and parse them back at the
 * offsets of the Intel MP spec 1.4, the way Linux's mpparse does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fw_test.h"
#include "layout.h"
#include "mptable.h"

#define MP_WINDOW	(LAYOUT_LOWMEM_END - LAYOUT_MPTABLE)

struct mp_info {
	unsigned int cpus, buses, ioapics, iointrs, lintrs;
	uint8_t cpu_ids[256];
	uint8_t ioapic_id;
	uint32_t table_end;		/* gpa just past the table */
};

/* parse_cpu - a processor entry: enabled, BSP only for APIC id 0. */
static void parse_cpu(const uint8_t *e, struct mp_info *mi)
{
	assert_int_equal(e[2], 0x14);			/* LAPIC version */
	assert_int_equal(e[3] & 1, 1);			/* enabled */
	assert_int_equal(!!(e[3] & 2), e[1] == 0);	/* BSP */
	assert_int_equal(rd32(e + 8) & (1U << 9), 1U << 9);	/* APIC */
	mi->cpu_ids[mi->cpus++] = e[1];
}

/* parse_iointr - ISA IRQ n on IOAPIC pin n; checked after the walk. */
static void parse_iointr(const uint8_t *e, struct mp_info *mi)
{
	assert_int_equal(e[1], 0);			/* INT */
	assert_int_equal(rd16(e + 2), 0);		/* conforms to bus */
	assert_int_equal(e[4], 0);			/* ISA bus */
	assert_int_equal(e[5], mi->iointrs);		/* IRQ, in order */
	assert_int_equal(e[7], mi->iointrs);		/* same pin */
	assert_int_equal(e[6], mi->ioapic_id);
	mi->iointrs++;
}

/* parse_lintr - ExtINT on LINT0, then NMI on LINT1, for all LAPICs. */
static void parse_lintr(const uint8_t *e, struct mp_info *mi)
{
	static const uint8_t type[] = { 3, 1 };

	assert_true(mi->lintrs < 2);
	assert_int_equal(e[1], type[mi->lintrs]);
	assert_int_equal(e[6], 0xff);
	assert_int_equal(e[7], mi->lintrs);
	mi->lintrs++;
}

static void parse_entry(const uint8_t *e, struct mp_info *mi)
{
	switch (e[0]) {
	case 0:
		parse_cpu(e, mi);
		break;
	case 1:
		assert_int_equal(e[1], 0);
		assert_memory_equal(e + 2, "ISA   ", 6);
		mi->buses++;
		break;
	case 2:
		mi->ioapic_id = e[1];
		assert_int_equal(e[2], 0x11);		/* version */
		assert_int_equal(e[3], 1);		/* enabled */
		assert_int_equal(rd32(e + 4), LAYOUT_IOAPIC);
		mi->ioapics++;
		break;
	case 3:
		parse_iointr(e, mi);
		break;
	case 4:
		parse_lintr(e, mi);
		break;
	default:
		fail_msg("unknown MP entry type %u", e[0]);
	}
}

/* parse_mp - check the floating pointer and walk the table behind it. */
static void parse_mp(const uint8_t *ram, struct mp_info *mi)
{
	const uint8_t *mpf = ram + LAYOUT_MPTABLE, *t;
	uint32_t table, off;
	uint16_t len, count;

	memset(mi, 0, sizeof(*mi));
	assert_memory_equal(mpf, "_MP_", 4);
	assert_int_equal(mpf[8], 1);			/* 16 bytes */
	assert_int_equal(mpf[9], 4);			/* spec 1.4 */
	assert_int_equal(sum8(mpf, 16), 0);
	assert_true(all_zero(mpf + 11, 5));		/* no default config */
	table = rd32(mpf + 4);
	assert_int_equal(table, LAYOUT_MPTABLE + 16);
	t = ram + table;
	assert_memory_equal(t, "PCMP", 4);
	len = rd16(t + 4);
	assert_true(table + len <= LAYOUT_LOWMEM_END);
	assert_int_equal(t[6], 4);
	assert_int_equal(sum8(t, len), 0);
	assert_memory_equal(t + 8, "VMMVMM  ", 8);
	assert_int_equal(rd32(t + 36), LAYOUT_LAPIC);
	assert_int_equal(rd16(t + 40), 0);		/* no extended table */
	count = rd16(t + 34);
	for (off = 44; off < len; ) {
		unsigned int size = t[off] == 0 ? 20 : 8;

		assert_true(off + size <= len);
		parse_entry(t + off, mi);
		off += size;
		assert_true(count-- > 0);
	}
	assert_int_equal(off, len);
	assert_int_equal(count, 0);
	mi->table_end = table + len;
}

static void check_cpus(unsigned int nr_cpus)
{
	struct errbuf e = { { 0 } };
	struct mp_info mi;
	struct fake_ram f;

	fake_ram_init(&f);
	assert_int_equal(mptable_build(&f.gm, nr_cpus, &e), 0);
	parse_mp(f.ram, &mi);
	assert_int_equal(mi.cpus, nr_cpus);
	for (unsigned int i = 0; i < nr_cpus; i++)
		assert_int_equal(mi.cpu_ids[i], i);
	assert_int_equal(mi.buses, 1);
	assert_int_equal(mi.ioapics, 1);
	assert_int_equal(mi.ioapic_id, nr_cpus);	/* after the CPUs */
	assert_int_equal(mi.iointrs, 16);
	assert_int_equal(mi.lintrs, 2);
	/* The rest of the KiB is clear, and nothing around it written. */
	assert_true(all_zero(f.ram + mi.table_end,
			     LAYOUT_LOWMEM_END - mi.table_end));
	assert_true(all_zero(f.ram, LAYOUT_MPTABLE));
	assert_true(all_zero(f.ram + LAYOUT_LOWMEM_END,
			     FAKE_RAM_SIZE - LAYOUT_LOWMEM_END));
	fake_ram_free(&f);
}

static void test_cpu_counts(void **state)
{
	check_cpus(1);
	check_cpus(2);
	check_cpus(8);
	check_cpus(MPTABLE_MAX_CPUS);
	/* 16 + 44 + 40 * 20 + 8 + 8 + 18 * 8 = 1020 of 1024 bytes */
	assert_int_equal(MPTABLE_MAX_CPUS, 40);
}

static void expect_failure(const struct guest_mem *gm, unsigned int nr_cpus,
			   int want)
{
	struct errbuf e = { { 0 } };

	assert_int_equal(mptable_build(gm, nr_cpus, &e), want);
	assert_true(strlen(e.msg) > 10);
}

static void test_too_many_cpus(void **state)
{
	struct fake_ram f;

	fake_ram_init(&f);
	expect_failure(&f.gm, MPTABLE_MAX_CPUS + 1, -ENOSPC);
	expect_failure(&f.gm, 255, -ENOSPC);
	expect_failure(&f.gm, 100000, -ENOSPC);
	expect_failure(&f.gm, 0, -EINVAL);
	assert_true(all_zero(f.ram, FAKE_RAM_SIZE));
	fake_ram_free(&f);
}

static void test_memory_holes(void **state)
{
	uint8_t *lo = calloc(1, LAYOUT_LOWMEM_END), *hi = calloc(1, 0x1000);
	struct guest_mem gm;

	assert_non_null(lo);
	assert_non_null(hi);
	/* RAM ends before the EBDA. */
	guest_mem_init_empty(&gm);
	assert_int_equal(guest_mem_add(&gm, 0, 0x9f000, lo), 0);
	expect_failure(&gm, 2, -EFAULT);
	/* The KiB split over two regions. */
	guest_mem_init_empty(&gm);
	assert_int_equal(guest_mem_add(&gm, 0, 0x9fe00, lo), 0);
	assert_int_equal(guest_mem_add(&gm, 0x9fe00, 0x200, hi), 0);
	expect_failure(&gm, 2, -EFAULT);
	assert_true(all_zero(lo, LAYOUT_LOWMEM_END));
	assert_true(all_zero(hi, 0x1000));
	free(lo);
	free(hi);
}

static void test_rebuild_smaller(void **state)
{
	struct errbuf e = { { 0 } };
	struct mp_info mi;
	struct fake_ram f;

	fake_ram_init(&f);
	memset(f.ram + LAYOUT_MPTABLE, 0xaa, MP_WINDOW);
	assert_int_equal(mptable_build(&f.gm, 8, &e), 0);
	assert_int_equal(mptable_build(&f.gm, 1, &e), 0);
	parse_mp(f.ram, &mi);
	assert_int_equal(mi.cpus, 1);
	assert_true(all_zero(f.ram + mi.table_end,
			     LAYOUT_LOWMEM_END - mi.table_end));
	fake_ram_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_counts),
		cmocka_unit_test(test_too_many_cpus),
		cmocka_unit_test(test_memory_holes),
		cmocka_unit_test(test_rebuild_smaller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
