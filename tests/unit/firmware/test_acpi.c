// SPDX-License-Identifier: MIT
/*
 * ACPI tables: build into fake guest RAM, then parse what landed there
 * at the offsets the ACPI spec gives, independently of acpi.c's structs.
 * If iasl (Debian's acpica-tools) is installed, the tables also go
 * through its disassembler and the DSDT through a recompile.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "acpi.h"
#include "fw_test.h"
#include "layout.h"

#define HDR_LEN		36
#define WINDOW		(LAYOUT_ACPI_END - LAYOUT_ACPI)

struct tables {
	const uint8_t *rsdp, *xsdt, *fadt, *madt, *dsdt;
	const uint8_t *mcfg;	/* only with cfg.pci */
};

/* table_at - a table at @gpa with signature @sig, length and checksum ok. */
static const uint8_t *table_at(const struct fake_ram *f, uint64_t gpa,
			       const char *sig)
{
	const uint8_t *t;
	uint32_t len;

	assert_true(gpa >= LAYOUT_ACPI && gpa + HDR_LEN <= LAYOUT_ACPI_END);
	t = f->ram + gpa;
	assert_memory_equal(t, sig, 4);
	len = rd32(t + 4);
	assert_true(len >= HDR_LEN && gpa + len <= LAYOUT_ACPI_END);
	assert_int_equal(sum8(t, len), 0);
	assert_memory_equal(t + 10, "VMMVMM", 6);	/* OEM ID */
	return t;
}

static void check_rsdp(const uint8_t *r)
{
	assert_memory_equal(r, "RSD PTR ", 8);
	assert_int_equal(sum8(r, 20), 0);		/* ACPI 1.0 part */
	assert_int_equal(r[15], 2);			/* revision */
	assert_int_equal(rd32(r + 20), 36);		/* length */
	assert_int_equal(sum8(r, 36), 0);		/* extended */
	assert_memory_equal(r + 9, "VMMVMM", 6);
	assert_int_equal(rd32(r + 16), 0);		/* no RSDT */
}

/*
 * find_tables - follow RSDP -> XSDT -> FADT/MADT (and MCFG if @pci,
 * else none), FADT -> DSDT.
 */
static void find_tables(const struct fake_ram *f, uint64_t rsdp_gpa,
			bool pci, struct tables *t)
{
	uint32_t xsdt_len;
	unsigned int n;

	memset(t, 0, sizeof(*t));
	t->rsdp = f->ram + rsdp_gpa;
	check_rsdp(t->rsdp);
	t->xsdt = table_at(f, rd64(t->rsdp + 24), "XSDT");
	assert_int_equal(t->xsdt[8], 1);
	xsdt_len = rd32(t->xsdt + 4);
	assert_int_equal((xsdt_len - HDR_LEN) % 8, 0);
	n = (xsdt_len - HDR_LEN) / 8;
	assert_int_equal(n, pci ? 3 : 2);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t gpa = rd64(t->xsdt + HDR_LEN + 8 * i);

		if (!memcmp(f->ram + gpa, "FACP", 4))
			t->fadt = table_at(f, gpa, "FACP");
		else if (!memcmp(f->ram + gpa, "MCFG", 4))
			t->mcfg = table_at(f, gpa, "MCFG");
		else
			t->madt = table_at(f, gpa, "APIC");
	}
	assert_non_null(t->fadt);
	assert_non_null(t->madt);
	assert_true(pci ? t->mcfg != NULL : t->mcfg == NULL);
	t->dsdt = table_at(f, rd64(t->fadt + 140), "DSDT");
	assert_int_equal(t->dsdt[8], 2);	/* 64-bit integers */
}

static void build(struct fake_ram *f, const struct acpi_config *cfg,
		  struct tables *t)
{
	struct errbuf e = { { 0 } };
	uint64_t rsdp = 0;

	fake_ram_init(f);
	assert_int_equal(acpi_build(&f->gm, cfg, &rsdp, &e), 0);
	assert_int_equal(rsdp, LAYOUT_ACPI);
	assert_string_equal(e.msg, "");
	find_tables(f, rsdp, cfg->pci, t);
}

/* check_gas_io8 - GAS: SystemIO, 8 bits at offset 0, byte access, @port. */
static void check_gas_io8(const uint8_t *g, uint16_t port)
{
	assert_int_equal(g[0], 1);
	assert_int_equal(g[1], 8);
	assert_int_equal(g[2], 0);
	assert_int_equal(g[3], 1);
	assert_int_equal(rd64(g + 4), port);
}

static void test_rsdp_xsdt(void **state)
{
	struct acpi_config cfg = { .nr_cpus = 1 };
	struct fake_ram f;
	struct tables t;

	build(&f, &cfg, &t);
	assert_ptr_equal(t.rsdp, f.ram + LAYOUT_ACPI);
	assert_int_equal(rd32(t.xsdt + 4), HDR_LEN + 2 * 8);
	assert_memory_equal(t.xsdt + 16, "VMMXSDT ", 8);
	/* Every table starts 16-byte aligned, as the RSDP must. */
	assert_int_equal((t.xsdt - f.ram) % 16, 0);
	assert_int_equal((t.fadt - f.ram) % 16, 0);
	assert_int_equal((t.madt - f.ram) % 16, 0);
	fake_ram_free(&f);
}

static void test_fadt(void **state)
{
	struct acpi_config cfg = { .nr_cpus = 2 };
	struct fake_ram f;
	struct tables t;
	uint16_t boot;

	build(&f, &cfg, &t);
	assert_int_equal(rd32(t.fadt + 4), 276);
	assert_int_equal(t.fadt[8], 6);			/* revision */
	assert_int_equal(t.fadt[131], 3);		/* minor: 6.3 */
	/* HW_REDUCED_ACPI | RESET_REG_SUP | PWR_BUTTON | SLP_BUTTON */
	assert_int_equal(rd32(t.fadt + 112),
			 (1U << 20) | (1U << 10) | (1U << 5) | (1U << 4));
	boot = rd16(t.fadt + 109);
	assert_int_equal(boot, (1U << 2) | (1U << 5));	/* NO_VGA, NO_CMOS_RTC */
	assert_false(boot & (1U << 0));			/* no LEGACY_DEVICES */
	assert_false(boot & (1U << 1));			/* no 8042 */
	assert_false(boot & (1U << 3));			/* MSI works */
	assert_int_equal(rd16(t.fadt + 46), 0);		/* SCI_INT */
	check_gas_io8(t.fadt + 116, PORT_ACPI_RESET);
	assert_int_equal(t.fadt[128], ACPI_RESET_VALUE);
	check_gas_io8(t.fadt + 244, PORT_ACPI_SLEEP_CTL);
	check_gas_io8(t.fadt + 256, PORT_ACPI_SLEEP_STS);
	assert_int_equal(rd32(t.fadt + 40), t.dsdt - f.ram);	/* DSDT */
	assert_int_equal(rd64(t.fadt + 140), t.dsdt - f.ram);	/* X_DSDT */
	assert_int_equal(rd32(t.fadt + 36), 0);		/* no FACS */
	assert_int_equal(rd64(t.fadt + 132), 0);
	assert_true(all_zero(t.fadt + 56, 32));		/* PM1/PM2/TMR/GPE */
	assert_true(all_zero(t.fadt + 148, 96));	/* their X_ GASes */
	assert_memory_equal(t.fadt + 268, "VMM\0\0\0\0\0", 8);
	fake_ram_free(&f);
}

struct madt_info {
	unsigned int lapics, x2apics, ioapics, nmis, x2nmis, entries;
	uint32_t ids[512];		/* APIC ids in entry order */
	uint8_t ioapic_id;
};

/* parse_madt - walk every entry, checking each one's fields. */
static void parse_madt(const uint8_t *m, struct madt_info *mi)
{
	uint32_t len = rd32(m + 4), off = 44;
	unsigned int nr_ids = 0;

	memset(mi, 0, sizeof(*mi));
	assert_int_equal(m[8], 5);
	assert_int_equal(rd32(m + 36), LAYOUT_LAPIC);
	assert_int_equal(rd32(m + 40), 1);		/* PCAT_COMPAT */
	while (off < len) {
		const uint8_t *e = m + off;

		assert_true(e[1] >= 2 && off + e[1] <= len);
		mi->entries++;
		switch (e[0]) {
		case 0:		/* Processor Local APIC */
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], e[3]);	/* UID = APIC id */
			assert_int_equal(rd32(e + 4), 1);	/* enabled */
			assert_true(nr_ids < ARRAY_SIZE(mi->ids));
			mi->ids[nr_ids++] = e[3];
			mi->lapics++;
			break;
		case 1:		/* I/O APIC */
			assert_int_equal(e[1], 12);
			mi->ioapic_id = e[2];
			assert_int_equal(rd32(e + 4), LAYOUT_IOAPIC);
			assert_int_equal(rd32(e + 8), 0);	/* GSI base */
			mi->ioapics++;
			break;
		case 4:		/* Local APIC NMI */
			assert_int_equal(e[1], 6);
			assert_int_equal(e[2], 0xff);	/* all CPUs */
			assert_int_equal(e[5], 1);	/* LINT1 */
			mi->nmis++;
			break;
		case 9:		/* Local x2APIC */
			assert_int_equal(e[1], 16);
			assert_int_equal(rd32(e + 4), rd32(e + 12));
			assert_int_equal(rd32(e + 8), 1);
			assert_true(nr_ids < ARRAY_SIZE(mi->ids));
			mi->ids[nr_ids++] = rd32(e + 4);
			mi->x2apics++;
			break;
		case 10:	/* Local x2APIC NMI */
			assert_int_equal(e[1], 12);
			assert_int_equal(rd32(e + 4), 0xffffffffU);
			assert_int_equal(e[8], 1);
			mi->x2nmis++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", e[0]);
		}
		off += e[1];
	}
	assert_int_equal(off, len);
}

static void check_madt(unsigned int nr_cpus, unsigned int want_x2,
		       uint8_t want_ioapic_id)
{
	struct acpi_config cfg = { .nr_cpus = nr_cpus };
	struct madt_info mi;
	struct fake_ram f;
	struct tables t;

	build(&f, &cfg, &t);
	parse_madt(t.madt, &mi);
	assert_int_equal(mi.lapics + mi.x2apics, nr_cpus);
	assert_int_equal(mi.x2apics, want_x2);
	for (unsigned int i = 0; i < nr_cpus; i++)
		assert_int_equal(mi.ids[i], i);
	assert_int_equal(mi.ioapics, 1);
	assert_int_equal(mi.ioapic_id, want_ioapic_id);
	assert_int_equal(mi.nmis, 1);
	assert_int_equal(mi.x2nmis, want_x2 ? 1 : 0);
	/* CPUs, the IOAPIC, the NMI entries; no overrides (identity ISA). */
	assert_int_equal(mi.entries, nr_cpus + 1 + 1 + (want_x2 ? 1 : 0));
	fake_ram_free(&f);
}

static void test_madt(void **state)
{
	check_madt(1, 0, 1);
	check_madt(2, 0, 2);
	check_madt(8, 0, 8);
	check_madt(254, 0, 254);
	check_madt(255, 0, 0);		/* no free 8-bit id left */
	check_madt(300, 45, 0);		/* ids 255..299 as x2APIC */
}

/*
 * A checker for the AML subset the DSDT uses. It walks every object and
 * insists each PkgLength, buffer size and resource template adds up
 * exactly, so a mis-encoded length anywhere fails here.
 */
struct aml_walk {
	unsigned int devices, names, templates, methods;
};

static size_t walk_pkglen(const uint8_t *p, size_t avail, size_t *len)
{
	unsigned int n = (p[0] >> 6) + 1;

	assert_true(avail >= n);
	if (n == 1) {
		*len = p[0] & 0x3f;
	} else {
		assert_int_equal(p[0] & 0x30, 0);	/* reserved bits */
		*len = p[0] & 0x0f;
		for (unsigned int i = 1; i < n; i++)
			*len |= (size_t)p[i] << (4 + 8 * (i - 1));
	}
	assert_true(*len >= n && *len <= avail);
	return n;
}

static int is_name_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static size_t walk_name(const uint8_t *p, size_t avail)
{
	size_t i = 0, segs = 1;

	if (p[0] == '\\')
		i++;
	if (p[i] == 0x2e) {
		segs = 2;
		i++;
	} else if (p[i] == 0x2f) {
		segs = p[i + 1];
		i += 2;
	}
	assert_true(i + 4 * segs <= avail);
	for (size_t s = 0; s < 4 * segs; s++)
		assert_true(is_name_char(p[i + s]));
	assert_false(p[i] >= '0' && p[i] <= '9');
	return i + 4 * segs;
}

static void walk_template(const uint8_t *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		size_t len;

		if (p[off] & 0x80) {			/* large item */
			assert_true(off + 3 <= n);
			len = 3 + rd16(p + off + 1);
		} else {
			len = 1 + (p[off] & 0x07);
		}
		assert_true(off + len <= n);
		if (p[off] == 0x79) {			/* End Tag */
			assert_int_equal(off + len, n);
			assert_int_equal(sum8(p, n), 0);
			return;
		}
		off += len;
	}
	fail_msg("resource template without an End Tag");
}

static size_t walk_integer(const uint8_t *p, size_t avail, uint64_t *v)
{
	static const size_t size[] = { [0x0a] = 1, [0x0b] = 2, [0x0c] = 4,
				       [0x0e] = 8 };

	if (p[0] == 0x00 || p[0] == 0x01) {
		*v = p[0];
		return 1;
	}
	assert_true(p[0] < ARRAY_SIZE(size) && size[p[0]]);
	assert_true(1 + size[p[0]] <= avail);
	*v = 0;
	memcpy(v, p + 1, size[p[0]]);
	return 1 + size[p[0]];
}

static size_t walk_data(struct aml_walk *w, const uint8_t *p, size_t avail)
{
	size_t n, len, off;
	uint64_t v;

	switch (p[0]) {
	case 0x0d: {				/* String */
		const uint8_t *nul = memchr(p + 1, 0, avail - 1);

		assert_non_null(nul);
		return (size_t)(nul - p) + 1;
	}
	case 0x11:				/* Buffer */
		n = walk_pkglen(p + 1, avail - 1, &len);
		off = 1 + n + walk_integer(p + 1 + n, len - n, &v);
		assert_int_equal(off + v, 1 + len);
		walk_template(p + off, v);
		w->templates++;
		return 1 + len;
	case 0x12:				/* Package */
		n = walk_pkglen(p + 1, avail - 1, &len);
		off = 1 + n + 1;
		for (unsigned int i = 0; i < p[1 + n]; i++)
			off += walk_data(w, p + off, 1 + len - off);
		assert_int_equal(off, 1 + len);
		return off;
	default:
		return walk_integer(p, avail, &v);
	}
}

static void walk_terms(struct aml_walk *w, const uint8_t *p, size_t len)
{
	size_t off = 0, n, plen, name;

	while (off < len) {
		const uint8_t *t = p + off;

		if (t[0] == 0x08) {			/* Name */
			name = walk_name(t + 1, len - off - 1);
			off += 1 + name;
			off += walk_data(w, p + off, len - off);
			w->names++;
		} else if (t[0] == 0x10) {		/* Scope */
			n = walk_pkglen(t + 1, len - off - 1, &plen);
			name = walk_name(t + 1 + n, plen - n);
			walk_terms(w, t + 1 + n + name, plen - n - name);
			off += 1 + plen;
		} else if (t[0] == 0x5b && t[1] == 0x82) {	/* Device */
			n = walk_pkglen(t + 2, len - off - 2, &plen);
			name = walk_name(t + 2 + n, plen - n);
			walk_terms(w, t + 2 + n + name, plen - n - name);
			off += 2 + plen;
			w->devices++;
		} else if (t[0] == 0x14) {		/* Method */
			/* The body is code: tests match it byte for byte. */
			n = walk_pkglen(t + 1, len - off - 1, &plen);
			name = walk_name(t + 1 + n, plen - n);
			assert_true(n + name < plen);	/* MethodFlags */
			off += 1 + plen;
			w->methods++;
		} else {
			fail_msg("unexpected AML opcode 0x%02x", t[0]);
		}
	}
	assert_int_equal(off, len);
}

static void walk_dsdt(const uint8_t *dsdt, struct aml_walk *w)
{
	memset(w, 0, sizeof(*w));
	walk_terms(w, dsdt + HDR_LEN, rd32(dsdt + 4) - HDR_LEN);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* check_mmio_dev - the VRxx device for @d is in the DSDT, as encoded. */
static void check_mmio_dev(const uint8_t *dsdt, size_t len, unsigned int idx,
			   const struct acpi_mmio_dev *d)
{
	uint8_t mem[12] = { 0x86, 0x09, 0x00, 0x01 };
	uint8_t irq[9] = { 0x89, 0x06, 0x00, 0x03, 0x01 };
	char name[8];

	snprintf(name, sizeof(name), "VR%02X", idx);
	assert_int_equal(memmem_count(dsdt, len, name, 4), 1);
	put32(mem + 4, (uint32_t)d->base);
	put32(mem + 8, (uint32_t)d->size);
	assert_int_equal(memmem_count(dsdt, len, mem, sizeof(mem)), 1);
	put32(irq + 5, d->gsi);
	assert_true(memmem_count(dsdt, len, irq, sizeof(irq)) >= 1);
}

static void test_dsdt(void **state)
{
	static const uint8_t s5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12,
				      0x07, 0x04, 0x0a, ACPI_S5_TYPE, 0, 0, 0 };
	static const uint8_t com1_hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0c,
					    0x41, 0xd0, 0x05, 0x01 };
	static const uint8_t com1_crs[] = { 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03,
					    0x01, 0x08, 0x22, 0x10, 0x00, 0x79 };
	static const uint8_t pvpanic_crs[] = { 0x47, 0x01, 0x05, 0x05, 0x05,
					       0x05, 0x01, 0x01, 0x79 };
	static const char qemu0001[] = "\x0dQEMU0001";
	static const struct acpi_mmio_dev devs[] = {
		{ .base = 0xd0000000, .size = 0x1000, .gsi = 5 },
		{ .base = 0xd0001000, .size = 0x200, .gsi = 16 },
		{ .base = 0xfebff000, .size = 0x1000, .gsi = 23 },
	};
	struct acpi_config cfg = { .nr_cpus = 1 };
	struct aml_walk w;
	struct fake_ram f;
	struct tables t;
	size_t len;

	build(&f, &cfg, &t);
	len = rd32(t.dsdt + 4);
	/* The top level: \_S5 first, then one Scope(\_SB) to the end. */
	assert_memory_equal(t.dsdt + HDR_LEN, s5, sizeof(s5));
	assert_int_equal(t.dsdt[HDR_LEN + sizeof(s5)], 0x10);
	walk_dsdt(t.dsdt, &w);
	assert_int_equal(w.devices, 2);
	assert_int_equal(w.templates, 2);
	assert_int_equal(memmem_count(t.dsdt, len, com1_hid, sizeof(com1_hid)), 1);
	assert_int_equal(memmem_count(t.dsdt, len, com1_crs, sizeof(com1_crs)), 1);
	assert_int_equal(memmem_count(t.dsdt, len, qemu0001, sizeof(qemu0001)), 1);
	assert_int_equal(memmem_count(t.dsdt, len, pvpanic_crs,
				      sizeof(pvpanic_crs)), 1);
	assert_int_equal(memmem_count(t.dsdt, len, "LNRO0005", 8), 0);
	assert_int_equal(memmem_count(t.dsdt, len, "ACPI0013", 8), 0);
	fake_ram_free(&f);

	/* The power button: PWRB and GED0, whose interrupt is GSI 13. */
	cfg.ged_gsi = 13;
	build(&f, &cfg, &t);
	len = rd32(t.dsdt + 4);
	walk_dsdt(t.dsdt, &w);
	assert_int_equal(w.devices, 4);
	assert_int_equal(memmem_count(t.dsdt, len, "\x0d" "ACPI0013", 10), 1);
	assert_int_equal(memmem_count(t.dsdt, len, "\x0c\x41\xd0\x0c\x0c", 5), 1);
	assert_int_equal(memmem_count(t.dsdt, len,
		"\x89\x06\x00\x03\x01\x0d\x00\x00\x00", 9), 1);
	cfg.ged_gsi = 0;
	fake_ram_free(&f);

	cfg.mmio_devs = devs;
	cfg.nr_mmio_devs = ARRAY_SIZE(devs);
	build(&f, &cfg, &t);
	len = rd32(t.dsdt + 4);
	walk_dsdt(t.dsdt, &w);
	assert_int_equal(w.devices, 2 + ARRAY_SIZE(devs));
	assert_int_equal(w.templates, 2 + ARRAY_SIZE(devs));
	assert_int_equal(memmem_count(t.dsdt, len, "\x0dLNRO0005", 10),
			 ARRAY_SIZE(devs));
	for (unsigned int i = 0; i < ARRAY_SIZE(devs); i++)
		check_mmio_dev(t.dsdt, len, i, &devs[i]);
	fake_ram_free(&f);
}

static void test_mcfg(void **state)
{
	struct acpi_config cfg = { .nr_cpus = 2, .pci = true };
	struct fake_ram f;
	struct tables t;

	build(&f, &cfg, &t);
	assert_int_equal(rd32(t.mcfg + 4), HDR_LEN + 8 + 16);
	assert_int_equal(t.mcfg[8], 1);			/* revision */
	assert_memory_equal(t.mcfg + 16, "VMMMCFG ", 8);
	assert_int_equal((t.mcfg - f.ram) % 16, 0);
	assert_true(all_zero(t.mcfg + HDR_LEN, 8));	/* reserved */
	/* One allocation: the ECAM window, segment 0, bus 0..0. */
	assert_int_equal(rd64(t.mcfg + 44), LAYOUT_PCI_ECAM);
	assert_int_equal(rd16(t.mcfg + 52), 0);
	assert_int_equal(t.mcfg[54], 0);
	assert_int_equal(t.mcfg[55], 0);
	assert_int_equal(LAYOUT_PCI_ECAM_SIZE, 1 * MiB);	/* = 1 bus */
	assert_int_equal(rd32(t.mcfg + 56), 0);
	fake_ram_free(&f);

	/* Without PCI the XSDT lists just FADT and MADT (find_tables). */
	cfg.pci = false;
	build(&f, &cfg, &t);
	assert_null(t.mcfg);
	assert_int_equal(memmem_count(f.ram + LAYOUT_ACPI, WINDOW, "MCFG", 4), 0);
	fake_ram_free(&f);
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* check_prt_entry - Package(4) {slot << 16 | 0xffff, pin, 0, gsi}. */
static void check_prt_entry(const uint8_t *dsdt, size_t len,
			    unsigned int slot, unsigned int pin)
{
	uint8_t e[16];
	size_t n = 3;

	e[0] = 0x12;			/* Package, PkgLength at e[1], 4 */
	e[2] = 0x04;
	if (slot) {
		e[n++] = 0x0c;
		put32(e + n, slot << 16 | 0xffff);
		n += 4;
	} else {
		e[n++] = 0x0b;
		put16(e + n, 0xffff);
		n += 2;
	}
	if (pin > 1)
		e[n++] = 0x0a;
	e[n++] = (uint8_t)pin;
	e[n++] = 0x00;			/* Source: Zero, a GSI */
	e[n++] = 0x0a;
	e[n++] = (uint8_t)(ACPI_PCI_INTX_GSI + (slot + pin) % 4);
	e[1] = (uint8_t)(n - 1);
	assert_int_equal(memmem_count(dsdt, len, e, n), 1);
}

static void test_dsdt_pci(void **state)
{
	static const uint8_t pci0_hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0c,
					    0x41, 0xd0, 0x0a, 0x08 };
	static const uint8_t pci0_cid[] = { 0x08, '_', 'C', 'I', 'D', 0x0c,
					    0x41, 0xd0, 0x0a, 0x03 };
	static const uint8_t res0_hid[] = { 0x08, '_', 'H', 'I', 'D', 0x0c,
					    0x41, 0xd0, 0x0c, 0x02 };
	static const uint8_t names[] = {
		0x08, '_', 'S', 'E', 'G', 0x00,
		0x08, '_', 'B', 'B', 'N', 0x00,
		0x08, '_', 'U', 'I', 'D', 0x00,
	};
	/* Method (_OSC, 4, Serialized), see dsdt_pci_osc(). */
	static const uint8_t osc[] = {
		0x14, 0x33, '_', 'O', 'S', 'C', 0x0c,
		0x8a, 0x6b, 0x00, 'C', 'D', 'W', '1',
		0xa0, 0x23, 0x92, 0x93, 0x68,
		0x11, 0x13, 0x0a, 0x10,
		0x5b, 0x4d, 0xdb, 0x33, 0xf7, 0x1f, 0x1c, 0x40,
		0x96, 0x57, 0x74, 0x41, 0xc0, 0x3d, 0xd7, 0x66,
		0x7d, 'C', 'D', 'W', '1', 0x0a, 0x04, 'C', 'D', 'W', '1',
		0xa4, 0x6b,
	};
	static const uint8_t prt[] = { 0x08, '_', 'P', 'R', 'T', 0x12 };
	uint8_t crs[] = {
		0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00,	/* WordBusNumber */
		0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0x00,	/* 0..0, length 1 */
		0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03,	/* WordIO */
		0, 0, 0, 0, 0xf7, 0x0c, 0, 0, 0xf8, 0x0c,
		0x47, 0x01, 0xf8, 0x0c, 0xf8, 0x0c, 0x01, 0x08,
		0x88, 0x0d, 0x00, 0x01, 0x0c, 0x03,	/* WordIO */
		0, 0, 0x00, 0x0d, 0xff, 0xff, 0, 0, 0x00, 0xf3,
		0x87, 0x17, 0x00, 0x00, 0x0c, 0x01,	/* DWordMemory */
		0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 3, 3, 3, 3,
		0x79,
	};
	uint8_t ecam[12] = { 0x86, 0x09, 0x00, 0x01 };
	struct acpi_config cfg = { .nr_cpus = 2, .pci = true };
	struct aml_walk w;
	struct fake_ram f;
	struct tables t;
	const uint8_t *p;
	uint8_t *mem;
	size_t len;

	/* DWordMemory: _MIN, _MAX and _LEN at 10, 14, 22 in the item. */
	mem = crs + 16 + 16 + 8 + 16;
	assert_int_equal(mem[0], 0x87);
	put32(mem + 10, (uint32_t)LAYOUT_PCI_MMIO);
	put32(mem + 14, (uint32_t)(LAYOUT_PCI_MMIO + LAYOUT_PCI_MMIO_SIZE - 1));
	put32(mem + 22, (uint32_t)LAYOUT_PCI_MMIO_SIZE);
	put32(ecam + 4, (uint32_t)LAYOUT_PCI_ECAM);
	put32(ecam + 8, (uint32_t)LAYOUT_PCI_ECAM_SIZE);

	build(&f, &cfg, &t);
	len = rd32(t.dsdt + 4);
	/* COM1, PEVT, PCI0 and RES0; each _CRS a template that adds up. */
	walk_dsdt(t.dsdt, &w);
	assert_int_equal(w.devices, 4);
	assert_int_equal(w.templates, 4);
	assert_int_equal(w.methods, 1);
	assert_int_equal(memmem_count(t.dsdt, len, "PCI0", 4), 1);
	assert_int_equal(memmem_count(t.dsdt, len, "RES0", 4), 1);
	assert_int_equal(memmem_count(t.dsdt, len, pci0_hid, sizeof(pci0_hid)), 1);
	assert_int_equal(memmem_count(t.dsdt, len, pci0_cid, sizeof(pci0_cid)), 1);
	assert_int_equal(memmem_count(t.dsdt, len, res0_hid, sizeof(res0_hid)), 1);
	assert_int_equal(memmem_count(t.dsdt, len, names, sizeof(names)), 1);
	assert_int_equal(memmem_count(t.dsdt, len, "_ADR", 4), 0);
	assert_int_equal(memmem_count(t.dsdt, len, crs, sizeof(crs)), 1);
	assert_int_equal(memmem_count(t.dsdt, len, ecam, sizeof(ecam)), 1);
	assert_int_equal(memmem_count(t.dsdt, len, osc, sizeof(osc)), 1);
	/* _PRT: Package(128), every slot and pin swizzled onto GSIs 16-19. */
	assert_int_equal(memmem_count(t.dsdt, len, prt, sizeof(prt)), 1);
	p = memmem(t.dsdt, len, prt, sizeof(prt)) + sizeof(prt);
	assert_int_equal(p[0] >> 6, 1);			/* 2-byte PkgLength */
	assert_int_equal(p[2], 32 * 4);
	for (unsigned int slot = 0; slot < 32; slot++)
		for (unsigned int pin = 0; pin < 4; pin++)
			check_prt_entry(t.dsdt, len, slot, pin);
	fake_ram_free(&f);
}

static void test_many_mmio_devs(void **state)
{
	static struct acpi_mmio_dev devs[ACPI_MAX_MMIO_DEVS];
	struct acpi_config cfg = { .nr_cpus = 4, .mmio_devs = devs,
				   .nr_mmio_devs = ACPI_MAX_MMIO_DEVS };
	struct aml_walk w;
	struct fake_ram f;
	struct tables t;
	size_t len;

	for (unsigned int i = 0; i < ACPI_MAX_MMIO_DEVS; i++)
		devs[i] = (struct acpi_mmio_dev){
			.base = 0xd0000000 + 0x1000ULL * i, .size = 0x1000,
			.gsi = 5 + i % 19,
		};
	/* The \_SB scope now needs a 3-byte PkgLength; the walk checks it. */
	build(&f, &cfg, &t);
	len = rd32(t.dsdt + 4);
	walk_dsdt(t.dsdt, &w);
	assert_int_equal(w.devices, 2 + ACPI_MAX_MMIO_DEVS);
	assert_true(len > 4096);
	assert_int_equal(t.dsdt[HDR_LEN + 14 + 1] >> 6, 2);
	check_mmio_dev(t.dsdt, len, 0, &devs[0]);
	check_mmio_dev(t.dsdt, len, 0xff, &devs[0xff]);
	fake_ram_free(&f);
}

/* expect_failure - acpi_build fails with @want, a message, no writes. */
static void expect_failure(const struct guest_mem *gm,
			   const struct acpi_config *cfg, int want,
			   const uint8_t *window)
{
	struct errbuf e = { { 0 } };
	uint64_t rsdp = 0x1234;

	assert_int_equal(acpi_build(gm, cfg, &rsdp, &e), want);
	assert_true(strlen(e.msg) > 10);
	assert_int_equal(rsdp, 0x1234);
	if (window)
		assert_true(all_zero(window, WINDOW));
}

static void test_bad_config(void **state)
{
	struct acpi_mmio_dev dev = { .base = 0xd0000000, .size = 0x1000,
				     .gsi = 5 };
	struct acpi_config cfg = { .nr_cpus = 1, .mmio_devs = &dev,
				   .nr_mmio_devs = 1 };
	const uint8_t *window;
	struct fake_ram f;

	fake_ram_init(&f);
	window = f.ram + LAYOUT_ACPI;
	cfg.nr_cpus = 0;
	expect_failure(&f.gm, &cfg, -EINVAL, window);
	cfg.nr_cpus = 1;
	dev.gsi = ACPI_IOAPIC_PINS;
	expect_failure(&f.gm, &cfg, -EINVAL, window);
	dev.gsi = 5;
	dev.base = 0xfffff000;
	dev.size = 0x2000;		/* crosses 4 GiB */
	expect_failure(&f.gm, &cfg, -EINVAL, window);
	dev.base = 0x100000000ULL;
	dev.size = 0x1000;
	expect_failure(&f.gm, &cfg, -EINVAL, window);
	dev.base = 0xd0000000;
	dev.size = 0;
	expect_failure(&f.gm, &cfg, -EINVAL, window);
	dev.size = 0x1000;
	cfg.mmio_devs = NULL;
	expect_failure(&f.gm, &cfg, -EINVAL, window);
	cfg.mmio_devs = &dev;
	cfg.nr_mmio_devs = ACPI_MAX_MMIO_DEVS + 1;
	expect_failure(&f.gm, &cfg, -EINVAL, window);
	/* With PCI, GSIs 16-19 belong to INTx (level, active-low). */
	cfg.nr_mmio_devs = 1;
	cfg.pci = true;
	dev.gsi = ACPI_PCI_INTX_GSI;
	expect_failure(&f.gm, &cfg, -EINVAL, window);
	dev.gsi = ACPI_PCI_INTX_GSI + ACPI_PCI_INTX_GSIS - 1;
	expect_failure(&f.gm, &cfg, -EINVAL, window);
	cfg.pci = false;
	dev.gsi = 5;
	/* 100000 x2APIC entries cannot fit in 128 KiB. */
	cfg.nr_mmio_devs = 0;
	cfg.nr_cpus = 100000;
	expect_failure(&f.gm, &cfg, -ENOSPC, window);
	fake_ram_free(&f);
}

static void test_memory_holes(void **state)
{
	struct acpi_config cfg = { .nr_cpus = 2 };
	uint8_t *lo = calloc(1, 0xf0000), *hi = calloc(1, 0x10000);
	struct guest_mem gm;

	assert_non_null(lo);
	assert_non_null(hi);
	/* A hole in the middle of the window. */
	guest_mem_init_empty(&gm);
	assert_int_equal(guest_mem_add(&gm, 0, 0xe8000, lo), 0);
	assert_int_equal(guest_mem_add(&gm, 0xf0000, 0x10000, hi), 0);
	expect_failure(&gm, &cfg, -EFAULT, NULL);
	assert_true(all_zero(lo, 0xe8000));
	assert_true(all_zero(hi, 0x10000));
	/* The window split over two regions is not one range either. */
	guest_mem_init_empty(&gm);
	assert_int_equal(guest_mem_add(&gm, 0, 0xf0000, lo), 0);
	assert_int_equal(guest_mem_add(&gm, 0xf0000, 0x10000, hi), 0);
	expect_failure(&gm, &cfg, -EFAULT, NULL);
	/* No RAM there at all. */
	guest_mem_init_empty(&gm);
	assert_int_equal(guest_mem_add(&gm, 0, 0xa0000, lo), 0);
	expect_failure(&gm, &cfg, -EFAULT, NULL);
	assert_true(all_zero(lo, 0xf0000));
	free(lo);
	free(hi);
}

static void test_rebuild_clears_window(void **state)
{
	struct acpi_config cfg = { .nr_cpus = 3 };
	struct errbuf e = { { 0 } };
	struct fake_ram f;
	struct tables t;
	uint64_t rsdp, end;

	fake_ram_init(&f);
	memset(f.ram + LAYOUT_ACPI, 0xaa, WINDOW);
	assert_int_equal(acpi_build(&f.gm, &cfg, &rsdp, &e), 0);
	find_tables(&f, rsdp, false, &t);
	/* The XSDT is built last; nothing after it survives. */
	end = (uint64_t)(t.xsdt - f.ram) + rd32(t.xsdt + 4);
	assert_true(all_zero(f.ram + end, LAYOUT_ACPI_END - end));
	/* ... and nothing outside the window was touched. */
	assert_true(all_zero(f.ram, LAYOUT_ACPI));
	fake_ram_free(&f);
}

/*
 * iasl cross-check. iasl -d is lenient (it exits 0 on most damage), so
 * also look for its complaints in the output, and recompile the DSDT.
 */
static int run(const char *dir, const char *cmd)
{
	char line[1024];
	int st;

	snprintf(line, sizeof(line), "cd '%s' && %s", dir, cmd);
	st = system(line);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void write_table(const char *dir, const char *name, const uint8_t *t)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(t, 1, rd32(t + 4), fp), rd32(t + 4));
	assert_int_equal(fclose(fp), 0);
}

/* file_has - does @dir/@name contain @needle? */
static int file_has(const char *dir, const char *name, const char *needle)
{
	char path[512];
	uint8_t *buf;
	size_t len;
	int found;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(read_file_all(path, 16 * MiB, &buf, &len), 0);
	found = memmem_count(buf, len, needle, strlen(needle)) > 0;
	free(buf);
	return found;
}

static void iasl_check(const char *dir, const char *base)
{
	static const char *const complaints[] = {
		"Incorrect checksum", "Warning", "Error", "error", "Unknown",
		"Invalid",
	};
	char cmd[256], log[64], dsl[64];

	snprintf(cmd, sizeof(cmd), "iasl -d %s.dat >%s.log 2>&1", base, base);
	snprintf(log, sizeof(log), "%s.log", base);
	snprintf(dsl, sizeof(dsl), "%s.dsl", base);
	assert_int_equal(run(dir, cmd), 0);
	for (size_t i = 0; i < ARRAY_SIZE(complaints); i++) {
		if (file_has(dir, log, complaints[i]) ||
		    file_has(dir, dsl, complaints[i]))
			fail_msg("iasl on %s: \"%s\"", base, complaints[i]);
	}
}

static void iasl_roundtrip(const struct acpi_config *cfg)
{
	char dir[] = "/tmp/vmm-acpi-test-XXXXXX";
	struct fake_ram f;
	struct tables t;

	build(&f, cfg, &t);
	assert_non_null(mkdtemp(dir));
	write_table(dir, "dsdt.dat", t.dsdt);
	write_table(dir, "facp.dat", t.fadt);
	write_table(dir, "apic.dat", t.madt);
	write_table(dir, "xsdt.dat", t.xsdt);
	iasl_check(dir, "dsdt");
	iasl_check(dir, "facp");
	iasl_check(dir, "apic");
	iasl_check(dir, "xsdt");
	if (cfg->pci) {
		write_table(dir, "mcfg.dat", t.mcfg);
		iasl_check(dir, "mcfg");
		assert_true(file_has(dir, "mcfg.dsl",
				     "Base Address : 00000000E0000000"));
		assert_true(file_has(dir, "mcfg.dsl", "End Bus Number : 00"));
		assert_true(file_has(dir, "dsdt.dsl", "Device (PCI0)"));
		assert_true(file_has(dir, "dsdt.dsl", "EisaId (\"PNP0A08\")"));
		assert_true(file_has(dir, "dsdt.dsl", "EisaId (\"PNP0A03\")"));
		assert_true(file_has(dir, "dsdt.dsl", "EisaId (\"PNP0C02\")"));
		assert_true(file_has(dir, "dsdt.dsl", "WordBusNumber (ResourceProducer"));
		assert_true(file_has(dir, "dsdt.dsl", "DWordMemory (ResourceProducer"));
		assert_true(file_has(dir, "dsdt.dsl", "Name (_PRT, Package (0x80)"));
		assert_true(file_has(dir, "dsdt.dsl", "Method (_OSC, 4, Serialized)"));
		assert_true(file_has(dir, "dsdt.dsl",
				     "ToUUID (\"33db4d5b-1ff7-401c-9657-7441c03dd766\")"));
	}
	assert_true(file_has(dir, "dsdt.dsl", "EisaId (\"PNP0501\")"));
	assert_true(file_has(dir, "dsdt.dsl", "Name (\\_S5, Package (0x04)"));
	assert_true(file_has(dir, "dsdt.dsl", "\"QEMU0001\""));
	assert_true(file_has(dir, "dsdt.dsl", "IRQNoFlags ()"));
	if (cfg->ged_gsi) {
		assert_true(file_has(dir, "dsdt.dsl", "Device (GED0)"));
		assert_true(file_has(dir, "dsdt.dsl", "\"ACPI0013\""));
		assert_true(file_has(dir, "dsdt.dsl", "EisaId (\"PNP0C0C\")"));
		assert_true(file_has(dir, "dsdt.dsl", "Method (_EVT, 1, Serialized)"));
		assert_true(file_has(dir, "dsdt.dsl", "Notify (\\_SB.PWRB, 0x80)"));
	}
	if (cfg->nr_mmio_devs) {
		assert_true(file_has(dir, "dsdt.dsl", "\"LNRO0005\""));
		assert_true(file_has(dir, "dsdt.dsl", "Memory32Fixed (ReadWrite,"));
		assert_true(file_has(dir, "dsdt.dsl",
				     "Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive"));
	}
	assert_true(file_has(dir, "facp.dsl", "Hardware Reduced (V5) : 1"));
	/* The disassembly compiles back cleanly. */
	assert_int_equal(run(dir, "iasl -p re dsdt.dsl >re.log 2>&1"), 0);
	assert_true(file_has(dir, "re.log", " 0 Errors, 0 Warnings"));
	assert_int_equal(run(dir, "rm -rf \"$PWD\""), 0);
	fake_ram_free(&f);
}

static void test_iasl(void **state)
{
	static const struct acpi_mmio_dev devs[] = {
		{ .base = 0xd0000000, .size = 0x1000, .gsi = 5 },
		{ .base = 0xd0001000, .size = 0x1000, .gsi = 20 },	/* not INTx */
	};
	struct acpi_config cfg = { .nr_cpus = 4, .mmio_devs = devs,
				   .nr_mmio_devs = ARRAY_SIZE(devs) };

	if (system("command -v iasl >/dev/null 2>&1") != 0)
		skip();		/* acpica-tools not installed */
	iasl_roundtrip(&cfg);
	cfg.ged_gsi = 13;
	iasl_roundtrip(&cfg);
	cfg.pci = true;
	iasl_roundtrip(&cfg);
	cfg.nr_cpus = 300;	/* x2APIC entries too */
	cfg.nr_mmio_devs = 0;
	iasl_roundtrip(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp_xsdt),
		cmocka_unit_test(test_fadt),
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_dsdt),
		cmocka_unit_test(test_mcfg),
		cmocka_unit_test(test_dsdt_pci),
		cmocka_unit_test(test_many_mmio_devs),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_memory_holes),
		cmocka_unit_test(test_rebuild_clears_window),
		cmocka_unit_test(test_iasl),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
