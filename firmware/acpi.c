// SPDX-License-Identifier: MIT
/*
 * ACPI tables for a hardware-reduced platform (ACPI 6.5 spec, chapter 5).
 *
 * "Hardware-reduced" means no PM1/GPE register blocks, no SCI, no FACS
 * and no legacy PC timer/PIC set-up by the OS: Linux then installs a
 * null legacy PIC, skips the PIT/HPET timer set-up and powers off and
 * resets through the FADT's sleep control and reset registers, which
 * our acpi_pm device implements with three I/O ports.
 *
 * The whole window [LAYOUT_ACPI, LAYOUT_ACPI_END) is built in a host
 * buffer and copied into the guest in one go, so a failure leaves guest
 * memory alone and a rebuilt window never keeps stale tables from an
 * earlier boot. The RSDP goes first, at LAYOUT_ACPI, where the legacy
 * BIOS-area scan (0xe0000-0xfffff) also finds it.
 *
 * With PCI, an MCFG points at the ECAM window and the DSDT gains a PCI
 * Express host bridge (PCI0) plus a motherboard device that reserves
 * the ECAM window, which Linux insists on before it uses ECAM.
 */
#include "acpi.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aml.h"
#include "layout.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "ACPI tables are little-endian; so must the host be");

#define ACPI_AREA_SIZE		(LAYOUT_ACPI_END - LAYOUT_ACPI)
#define ACPI_TABLE_ALIGN	16	/* RSDP must be; others like it too */
#define ACPI_MAX_TABLES		8	/* XSDT slots: FADT, MADT, MCFG... */

#define ACPI_OEM_ID		"VMMVMM"
#define ACPI_OEM_REVISION	1
#define ACPI_CREATOR_ID		"VMM "
#define ACPI_CREATOR_REVISION	1

/* Generic Address Structure: address space ids and access sizes. */
#define ACPI_GAS_SYSTEM_IO	1
#define ACPI_GAS_ACCESS_BYTE	1

/* FADT Flags and IA-PC Boot Architecture Flags (spec 5.2.9). */
#define FADT_F_PWR_BUTTON	(1U << 4)
#define FADT_F_SLP_BUTTON	(1U << 5)
#define FADT_F_RESET_REG_SUP	(1U << 10)
#define FADT_F_HW_REDUCED_ACPI	(1U << 20)
#define FADT_BOOT_NO_VGA	(1U << 2)
#define FADT_BOOT_NO_CMOS_RTC	(1U << 5)

/* MADT (spec 5.2.12). */
#define MADT_PCAT_COMPAT	(1U << 0)
#define MADT_TYPE_LAPIC		0
#define MADT_TYPE_IOAPIC	1
#define MADT_TYPE_LAPIC_NMI	4
#define MADT_TYPE_X2APIC	9
#define MADT_TYPE_X2APIC_NMI	10
#define MADT_LAPIC_ENABLED	(1U << 0)
#define MADT_ALL_CPUS_UID	0xff		/* in a Local APIC NMI entry */
#define MADT_ALL_CPUS_UID_X2	0xffffffffU	/* in a Local x2APIC NMI */
#define MADT_XAPIC_ID_LIMIT	255	/* ids from here on need x2APIC entries */
#define MADT_NMI_LINT		1	/* NMI arrives on LINT1, as on PCs */

/* DSDT _STA: present, enabled, shown in UI, functioning. */
#define ACPI_STA_ALL		0x0f

/*
 * PCI. ECAM gives each bus 1 MiB (32 devices x 8 functions x 4 KiB), so
 * the ECAM window's size says which buses exist: here just bus 0.
 */
#define PCI_ECAM_BUS_SIZE	(1 * MiB)
#define PCI_LAST_BUS		(LAYOUT_PCI_ECAM_SIZE / PCI_ECAM_BUS_SIZE - 1)
#define PCI_SLOTS		32
#define PCI_INTX_PINS		4	/* INTA..INTD */
#define PCI_CONFIG_PORTS	8	/* 0xcf8-0xcff: address, then data */
/* _OSC's UUID for PCI host bridges (PCI Firmware Spec 3.3, 4.5.1). */
#define PCI_OSC_UUID		"33db4d5b-1ff7-401c-9657-7441c03dd766"
#define PCI_OSC_UUID_UNKNOWN	(1U << 2)	/* in capabilities DWORD 1 */

_Static_assert(LAYOUT_PCI_ECAM_SIZE % PCI_ECAM_BUS_SIZE == 0 &&
	       LAYOUT_PCI_ECAM_SIZE / PCI_ECAM_BUS_SIZE <= 256,
	       "ECAM covers whole buses, at most 256 of them");
_Static_assert(LAYOUT_PCI_ECAM + LAYOUT_PCI_ECAM_SIZE <= 4 * GiB &&
	       LAYOUT_PCI_MMIO + LAYOUT_PCI_MMIO_SIZE <= 4 * GiB,
	       "Memory32Fixed and DWordMemory describe 32-bit ranges");
_Static_assert(PORT_PCI_CONFIG_DATA + 4 ==
	       PORT_PCI_CONFIG_ADDR + PCI_CONFIG_PORTS,
	       "config ports are 0xcf8-0xcff");
_Static_assert(ACPI_PCI_INTX_GSI + ACPI_PCI_INTX_GSIS <= ACPI_IOAPIC_PINS,
	       "INTx GSIs are IOAPIC pins");

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI header");

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;		/* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum;	/* over all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP");
#define ACPI_RSDP_V1_LEN	20

struct acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS");

struct acpi_fadt {
	struct acpi_header hdr;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
	struct acpi_gas sleep_control;
	struct acpi_gas sleep_status;
	uint64_t hypervisor_vendor;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6");

struct acpi_madt {
	struct acpi_header hdr;
	uint32_t lapic_address;
	uint32_t flags;
} __attribute__((packed));

struct madt_lapic {
	uint8_t type;
	uint8_t length;
	uint8_t uid;
	uint8_t apic_id;
	uint32_t flags;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_lapic) == 8, "MADT Local APIC");

struct madt_ioapic {
	uint8_t type;
	uint8_t length;
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_ioapic) == 12, "MADT I/O APIC");

struct madt_lapic_nmi {
	uint8_t type;
	uint8_t length;
	uint8_t uid;
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_lapic_nmi) == 6, "MADT Local APIC NMI");

struct madt_x2apic {
	uint8_t type;
	uint8_t length;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t uid;
} __attribute__((packed));
_Static_assert(sizeof(struct madt_x2apic) == 16, "MADT Local x2APIC");

struct madt_x2apic_nmi {
	uint8_t type;
	uint8_t length;
	uint16_t flags;
	uint32_t uid;
	uint8_t lint;
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct madt_x2apic_nmi) == 12, "MADT Local x2APIC NMI");

/* MCFG (PCI Firmware Spec 3.3, 4.1.2). */
struct acpi_mcfg {
	struct acpi_header hdr;
	uint64_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_mcfg) == 44, "MCFG");

struct mcfg_alloc {
	uint64_t base;			/* ECAM of bus 0, even if start_bus > 0 */
	uint16_t segment;
	uint8_t start_bus;
	uint8_t end_bus;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mcfg_alloc) == 16, "MCFG allocation");

/* The window being built, and the tables the XSDT will list. */
struct acpi_ctx {
	uint8_t *buf;		/* host image of the whole window */
	size_t len;		/* bytes handed out so far */
	uint64_t tables[ACPI_MAX_TABLES];
	unsigned int nr_tables;
	struct errbuf *err;
};

/* acpi_checksum - the byte that makes @n bytes at @p sum to zero. */
static uint8_t acpi_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

/* acpi_gpa - the guest address of window offset @off. */
static uint64_t acpi_gpa(size_t off)
{
	return LAYOUT_ACPI + off;
}

/* acpi_next - where the next table would start. */
static size_t acpi_next(const struct acpi_ctx *c)
{
	return ALIGN_UP(c->len, ACPI_TABLE_ALIGN);
}

/* acpi_no_space - -ENOSPC, saying the tables outgrew the window. */
static int acpi_no_space(struct acpi_ctx *c)
{
	errbuf_set(c->err, -ENOSPC,
		   "ACPI tables do not fit in the %llu KiB at 0x%llx",
		   (unsigned long long)(ACPI_AREA_SIZE / KiB),
		   (unsigned long long)LAYOUT_ACPI);
	/* Spelled out so the compiler sees every failure is nonzero. */
	return -ENOSPC;
}

/* acpi_alloc - hand out @size bytes of the window at *off. */
static int acpi_alloc(struct acpi_ctx *c, size_t size, size_t *off)
{
	size_t start = acpi_next(c);

	if (start > ACPI_AREA_SIZE || size > ACPI_AREA_SIZE - start)
		return acpi_no_space(c);
	*off = start;
	c->len = start + size;
	return 0;
}

/* acpi_header_init - a standard header; the checksum comes last. */
static void acpi_header_init(struct acpi_header *h, const char sig[4],
			     uint32_t length, uint8_t revision)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->signature, sig, 4);
	h->length = length;
	h->revision = revision;
	memcpy(h->oem_id, ACPI_OEM_ID, sizeof(h->oem_id));
	/* "VMM" + signature: one OEM table id per table, as firmware does. */
	memcpy(h->oem_table_id, "VMM", 3);
	memcpy(h->oem_table_id + 3, sig, 4);
	h->oem_table_id[7] = ' ';
	h->oem_revision = ACPI_OEM_REVISION;
	memcpy(h->creator_id, ACPI_CREATOR_ID, 4);
	h->creator_revision = ACPI_CREATOR_REVISION;
}

/*
 * acpi_table_finish - checksum the table at @off (its header already
 * holds the final length) and, if @listed, add it to the XSDT.
 */
static int acpi_table_finish(struct acpi_ctx *c, size_t off, bool listed)
{
	struct acpi_header h;

	memcpy(&h, c->buf + off, sizeof(h));
	c->buf[off + offsetof(struct acpi_header, checksum)] =
		acpi_checksum(c->buf + off, h.length);
	if (!listed)
		return 0;
	if (c->nr_tables == ACPI_MAX_TABLES)
		return errbuf_set(c->err, -ENOSPC,
				  "more than %d ACPI tables for the XSDT",
				  ACPI_MAX_TABLES);
	c->tables[c->nr_tables++] = acpi_gpa(off);
	return 0;
}

static void dsdt_s5(struct aml *a)
{
	size_t pkg;

	/*
	 * Linux's hardware-reduced poweroff reads SLP_TYPa from element 0
	 * and writes (SLP_TYPa << 2) | SLP_EN to the sleep control register.
	 */
	aml_name(a, "\\_S5");
	pkg = aml_package_begin(a, 4);
	aml_integer(a, ACPI_S5_TYPE);	/* SLP_TYPa */
	aml_integer(a, 0);		/* SLP_TYPb */
	aml_integer(a, 0);		/* reserved */
	aml_integer(a, 0);		/* reserved */
	aml_end(a, pkg);
}

/* dsdt_crs - Name(_CRS, ResourceTemplate() { @r }), closing @r first. */
static void dsdt_crs(struct aml *a, struct aml *r)
{
	aml_res_end(r);
	aml_name(a, "_CRS");
	aml_resource_template(a, r);
}

static void dsdt_com1(struct aml *a)
{
	uint8_t res[32];
	struct aml r;
	size_t dev;

	dev = aml_device_begin(a, "COM1");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0501");	/* 16550A-compatible UART */
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_name(a, "_STA");
	aml_integer(a, ACPI_STA_ALL);
	aml_init(&r, res, sizeof(res));
	aml_res_io(&r, PORT_COM1, PORT_COM1, 1, 8);
	aml_res_irq_noflags(&r, IRQ_COM1);
	dsdt_crs(a, &r);
	aml_end(a, dev);
}

static void dsdt_pvpanic(struct aml *a)
{
	uint8_t res[16];
	struct aml r;
	size_t dev;

	/* Linux's pvpanic-mmio driver binds to QEMU0001 and its I/O port. */
	dev = aml_device_begin(a, "PEVT");
	aml_name(a, "_HID");
	aml_string(a, "QEMU0001");
	aml_name(a, "_STA");
	aml_integer(a, ACPI_STA_ALL);
	aml_init(&r, res, sizeof(res));
	aml_res_io(&r, PORT_PVPANIC, PORT_PVPANIC, 1, 1);
	dsdt_crs(a, &r);
	aml_end(a, dev);
}

/*
 * The power button: PWRB (PNP0C0C) for the button driver, and GED0
 * (ACPI0013), whose interrupt runs _EVT, which notifies PWRB with 0x80
 * ("pressed"). Linux's evged driver is built in; the button driver
 * turns the notify into KEY_POWER for systemd-logind or acpid.
 */
static void dsdt_power_button(struct aml *a, unsigned int gsi)
{
	uint8_t res[32];
	struct aml r;
	size_t dev, m;

	dev = aml_device_begin(a, "PWRB");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0C0C");
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_end(a, dev);

	dev = aml_device_begin(a, "GED0");
	aml_name(a, "_HID");
	aml_string(a, "ACPI0013");
	aml_name(a, "_UID");
	aml_integer(a, 0);
	aml_init(&r, res, sizeof(res));
	aml_res_interrupt(&r, AML_INT_CONSUMER | AML_INT_EDGE, gsi);
	dsdt_crs(a, &r);
	m = aml_method_begin(a, "_EVT", 1, true);
	aml_notify(a, "\\_SB.PWRB", 0x80);
	aml_end(a, m);
	aml_end(a, dev);
}

static void dsdt_virtio_mmio(struct aml *a, unsigned int idx,
			     const struct acpi_mmio_dev *d)
{
	uint8_t res[32];
	char name[8];
	struct aml r;
	size_t dev;

	/* Linux's virtio-mmio driver matches LNRO0005 (as on arm64). */
	/* idx < ACPI_MAX_MMIO_DEVS (checked), so two digits suffice. */
	snprintf(name, sizeof(name), "VR%02X", idx & 0xffU);
	dev = aml_device_begin(a, name);
	aml_name(a, "_HID");
	aml_string(a, "LNRO0005");
	aml_name(a, "_UID");
	aml_integer(a, idx);
	aml_init(&r, res, sizeof(res));
	aml_res_memory32_fixed(&r, true, (uint32_t)d->base, (uint32_t)d->size);
	/*
	 * Edge-triggered: the device raises its GSI through an irqfd,
	 * which pulses the line, and there is no resample path to lower
	 * a level-triggered one. The driver re-reads InterruptStatus on
	 * every interrupt, so no event is lost between edges.
	 */
	aml_res_interrupt(&r, AML_INT_CONSUMER | AML_INT_EDGE, d->gsi);
	dsdt_crs(a, &r);
	aml_end(a, dev);
}

/*
 * dsdt_pci_crs - what the host bridge decodes and forwards to bus 0:
 * bus numbers, I/O ports and the 32-bit BAR window.
 */
static void dsdt_pci_crs(struct aml *a)
{
	uint8_t res[128];
	struct aml r;

	aml_init(&r, res, sizeof(res));
	aml_res_word_bus_number(&r, 0, PCI_LAST_BUS);
	/*
	 * All I/O ports but the config mechanism's, as QEMU does: I/O BARs
	 * can go anywhere, and the legacy ports outside PCI0 (COM1, ACPI
	 * PM) stay reachable. The fixed IO() entry is the bridge consuming
	 * 0xcf8-0xcff itself, not a window; Linux drops it from the root
	 * bus's windows (resource_is_pcicfg_ioport()).
	 */
	aml_res_word_io(&r, 0x0000, PORT_PCI_CONFIG_ADDR - 1);
	aml_res_io(&r, PORT_PCI_CONFIG_ADDR, PORT_PCI_CONFIG_ADDR, 1,
		   PCI_CONFIG_PORTS);
	aml_res_word_io(&r, PORT_PCI_CONFIG_ADDR + PCI_CONFIG_PORTS, 0xffff);
	aml_res_dword_memory(&r, (uint32_t)LAYOUT_PCI_MMIO,
			     (uint32_t)(LAYOUT_PCI_MMIO + LAYOUT_PCI_MMIO_SIZE - 1));
	dsdt_crs(a, &r);
}

/*
 * dsdt_pci_prt - INTx routing, the usual swizzle: slot s pin p goes to
 * GSI 16 + (s + p) % 4. Virtio-pci uses MSI-X, but a driver falls back
 * to INTx without it, and Linux warns about devices with no route.
 * A GSI source (Source 0) is level-triggered, active-low.
 */
static void dsdt_pci_prt(struct aml *a)
{
	size_t prt, entry;

	aml_name(a, "_PRT");
	prt = aml_package_begin(a, PCI_SLOTS * PCI_INTX_PINS);
	for (unsigned int slot = 0; slot < PCI_SLOTS; slot++) {
		for (unsigned int pin = 0; pin < PCI_INTX_PINS; pin++) {
			entry = aml_package_begin(a, 4);
			aml_integer(a, (slot << 16) | 0xffff);	/* any function */
			aml_integer(a, pin);
			aml_integer(a, 0);			/* Source: a GSI */
			aml_integer(a, ACPI_PCI_INTX_GSI +
				       (slot + pin) % ACPI_PCI_INTX_GSIS);
			aml_end(a, entry);
		}
	}
	aml_end(a, prt);
}

/*
 * dsdt_pci_osc - _OSC that grants the OS whatever it asks for: there is
 * no firmware here that could handle hotplug, AER or PME itself. Any
 * UUID but PCI's gets "unrecognized UUID", as the spec requires:
 *
 *	Method (_OSC, 4, Serialized) {
 *		CreateDWordField (Arg3, Zero, CDW1)
 *		If (LNot (LEqual (Arg0, ToUUID (PCI_OSC_UUID)))) {
 *			Or (CDW1, 4, CDW1)
 *		}
 *		Return (Arg3)
 *	}
 */
static void dsdt_pci_osc(struct aml *a)
{
	size_t method, cond;

	method = aml_method_begin(a, "_OSC", 4, true);
	aml_create_dword_field(a);
	aml_arg(a, 3);			/* capabilities buffer */
	aml_integer(a, 0);		/* DWORD 1: query flag, errors */
	aml_name_string(a, "CDW1");
	cond = aml_if_begin(a);
	aml_lnot(a);
	aml_lequal(a);
	aml_arg(a, 0);
	aml_uuid(a, PCI_OSC_UUID);
	aml_or(a);
	aml_name_string(a, "CDW1");
	aml_integer(a, PCI_OSC_UUID_UNKNOWN);
	aml_name_string(a, "CDW1");
	aml_end(a, cond);
	aml_return(a);
	aml_arg(a, 3);
	aml_end(a, method);
}

/*
 * dsdt_pci0 - the PCI Express host bridge for segment 0, bus 0. There
 * is no _ADR: a device is identified by _HID or _ADR, never both.
 */
static void dsdt_pci0(struct aml *a)
{
	size_t dev;

	dev = aml_device_begin(a, "PCI0");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0A08");	/* PCI Express root bridge */
	aml_name(a, "_CID");
	aml_eisaid(a, "PNP0A03");	/* PCI root bridge, for older OSes */
	aml_name(a, "_SEG");
	aml_integer(a, 0);
	aml_name(a, "_BBN");
	aml_integer(a, 0);
	aml_name(a, "_UID");
	aml_integer(a, 0);
	dsdt_pci_crs(a);
	dsdt_pci_prt(a);
	dsdt_pci_osc(a);
	aml_end(a, dev);
}

/*
 * dsdt_ecam_reserve - a motherboard resource covering the ECAM window.
 * Linux only trusts an MCFG area that the e820 map or a PNP0C01/PNP0C02
 * _CRS reserves; otherwise it logs "not reserved in ACPI motherboard
 * resources" and falls back to config through ports 0xcf8/0xcfc,
 * which cannot reach extended config space.
 */
static void dsdt_ecam_reserve(struct aml *a)
{
	uint8_t res[32];
	struct aml r;
	size_t dev;

	dev = aml_device_begin(a, "RES0");
	aml_name(a, "_HID");
	aml_eisaid(a, "PNP0C02");	/* motherboard resources */
	aml_init(&r, res, sizeof(res));
	aml_res_memory32_fixed(&r, true, (uint32_t)LAYOUT_PCI_ECAM,
			       (uint32_t)LAYOUT_PCI_ECAM_SIZE);
	dsdt_crs(a, &r);
	aml_end(a, dev);
}

/* dsdt_body - the AML that follows the DSDT header. */
static void dsdt_body(struct aml *a, const struct acpi_config *cfg)
{
	size_t sb;

	dsdt_s5(a);
	sb = aml_scope_begin(a, "\\_SB");
	dsdt_com1(a);
	dsdt_pvpanic(a);
	for (unsigned int i = 0; i < cfg->nr_mmio_devs; i++)
		dsdt_virtio_mmio(a, i, &cfg->mmio_devs[i]);
	if (cfg->ged_gsi)
		dsdt_power_button(a, cfg->ged_gsi);
	if (cfg->pci) {
		dsdt_pci0(a);
		dsdt_ecam_reserve(a);
	}
	aml_end(a, sb);
}

static int acpi_build_dsdt(struct acpi_ctx *c, const struct acpi_config *cfg,
			   uint64_t *dsdt_gpa)
{
	size_t start = acpi_next(c), hdr = sizeof(struct acpi_header);
	struct acpi_header h;
	struct aml a;
	size_t off;
	int err;

	if (start + hdr > ACPI_AREA_SIZE)
		return acpi_no_space(c);
	/* The AML goes straight after where the header will be. */
	aml_init(&a, c->buf + start + hdr, ACPI_AREA_SIZE - start - hdr);
	dsdt_body(&a, cfg);
	err = aml_error(&a);
	if (err == -ENOSPC)
		return acpi_no_space(c);
	if (err)
		return errbuf_set(c->err, err, "cannot encode the DSDT: %s",
				  strerror(-err));
	err = acpi_alloc(c, hdr + a.len, &off);
	if (err)
		return err;
	acpi_header_init(&h, "DSDT", (uint32_t)(hdr + a.len), 2);
	memcpy(c->buf + off, &h, sizeof(h));
	*dsdt_gpa = acpi_gpa(off);
	/* The FADT points at the DSDT; the XSDT does not list it. */
	return acpi_table_finish(c, off, false);
}

/* acpi_gas_io8 - a GAS for one byte-wide I/O port. */
static struct acpi_gas acpi_gas_io8(uint16_t port)
{
	return (struct acpi_gas){
		.space_id = ACPI_GAS_SYSTEM_IO,
		.bit_width = 8,
		.access_size = ACPI_GAS_ACCESS_BYTE,
		.address = port,
	};
}

static int acpi_build_fadt(struct acpi_ctx *c, uint64_t dsdt_gpa)
{
	struct acpi_fadt f;
	size_t off;
	int err;

	err = acpi_alloc(c, sizeof(f), &off);
	if (err)
		return err;
	memset(&f, 0, sizeof(f));
	acpi_header_init(&f.hdr, "FACP", sizeof(f), 6);
	f.minor_version = 3;	/* ACPI 6.3, as is the MADT revision */
	f.dsdt = (uint32_t)dsdt_gpa;	/* below 1 MiB, so both fit */
	f.x_dsdt = dsdt_gpa;
	/*
	 * Hardware-reduced: no SCI (Linux installs no SCI handler, so
	 * SCI_INT 0 is fine), no PM1/GPE blocks, no FACS. The fixed power
	 * and sleep buttons are flagged absent: they could never signal
	 * without PM1 event registers, so Linux need not create them.
	 */
	f.flags = FADT_F_HW_REDUCED_ACPI | FADT_F_RESET_REG_SUP |
		  FADT_F_PWR_BUTTON | FADT_F_SLP_BUTTON;
	/*
	 * No VGA and no CMOS RTC, and by leaving out LEGACY_DEVICES and
	 * 8042 we tell Linux there is no PS/2 controller either: it then
	 * skips the i8042 and rtc_cmos probes, which on a platform that
	 * lacks them only cost boot time.
	 */
	f.iapc_boot_arch = FADT_BOOT_NO_VGA | FADT_BOOT_NO_CMOS_RTC;
	f.reset_reg = acpi_gas_io8(PORT_ACPI_RESET);
	f.reset_value = ACPI_RESET_VALUE;
	f.sleep_control = acpi_gas_io8(PORT_ACPI_SLEEP_CTL);
	f.sleep_status = acpi_gas_io8(PORT_ACPI_SLEEP_STS);
	memcpy(&f.hypervisor_vendor, "VMM\0\0\0\0\0", 8);
	memcpy(c->buf + off, &f, sizeof(f));
	return acpi_table_finish(c, off, true);
}

/*
 * acpi_ioapic_id - the IOAPIC's APIC id: the first one after the CPUs',
 * so the two never clash on an xAPIC bus (mptable.c picks the same).
 * Past 254 CPUs every 8-bit id is taken; x2APIC guests don't share a
 * bus with the IOAPIC anyway, so use 0, what KVM's IOAPIC resets to.
 */
static uint8_t acpi_ioapic_id(unsigned int nr_cpus)
{
	return nr_cpus < MADT_XAPIC_ID_LIMIT ? (uint8_t)nr_cpus : 0;
}

/* madt_put - append one MADT entry at *pos. */
static void madt_put(uint8_t **pos, const void *entry, size_t len)
{
	memcpy(*pos, entry, len);
	*pos += len;
}

/* madt_cpus - one Local APIC (or, for ids >= 255, x2APIC) entry per CPU. */
static void madt_cpus(uint8_t **pos, unsigned int nr_cpus)
{
	for (unsigned int id = 0; id < nr_cpus; id++) {
		struct madt_lapic l = {
			.type = MADT_TYPE_LAPIC, .length = sizeof(l),
			.uid = (uint8_t)id, .apic_id = (uint8_t)id,
			.flags = MADT_LAPIC_ENABLED,
		};
		struct madt_x2apic x = {
			.type = MADT_TYPE_X2APIC, .length = sizeof(x),
			.x2apic_id = id, .flags = MADT_LAPIC_ENABLED,
			.uid = id,
		};

		/* The spec wants xAPIC-sized ids in Local APIC entries. */
		if (id < MADT_XAPIC_ID_LIMIT)
			madt_put(pos, &l, sizeof(l));
		else
			madt_put(pos, &x, sizeof(x));
	}
}

/* madt_nmis - LINT1 is NMI on every CPU, in both id spaces as needed. */
static void madt_nmis(uint8_t **pos, unsigned int nr_cpus)
{
	struct madt_lapic_nmi n = {
		.type = MADT_TYPE_LAPIC_NMI, .length = sizeof(n),
		.uid = MADT_ALL_CPUS_UID, .flags = 0, .lint = MADT_NMI_LINT,
	};
	struct madt_x2apic_nmi x = {
		.type = MADT_TYPE_X2APIC_NMI, .length = sizeof(x),
		.uid = MADT_ALL_CPUS_UID_X2, .flags = 0, .lint = MADT_NMI_LINT,
	};

	madt_put(pos, &n, sizeof(n));
	if (nr_cpus > MADT_XAPIC_ID_LIMIT)
		madt_put(pos, &x, sizeof(x));
}

static size_t madt_size(unsigned int nr_cpus)
{
	size_t nr_x2 = nr_cpus > MADT_XAPIC_ID_LIMIT ?
		       nr_cpus - MADT_XAPIC_ID_LIMIT : 0;
	size_t nr_x = nr_cpus - nr_x2;

	return sizeof(struct acpi_madt) +
	       nr_x * sizeof(struct madt_lapic) +
	       nr_x2 * sizeof(struct madt_x2apic) +
	       sizeof(struct madt_ioapic) +
	       sizeof(struct madt_lapic_nmi) +
	       (nr_x2 ? sizeof(struct madt_x2apic_nmi) : 0);
}

static int acpi_build_madt(struct acpi_ctx *c, unsigned int nr_cpus)
{
	size_t size = madt_size(nr_cpus), off;
	struct madt_ioapic io = {
		.type = MADT_TYPE_IOAPIC, .length = sizeof(io),
		.ioapic_id = acpi_ioapic_id(nr_cpus),
		.address = (uint32_t)LAYOUT_IOAPIC, .gsi_base = 0,
	};
	struct acpi_madt m;
	uint8_t *pos;
	int err;

	err = acpi_alloc(c, size, &off);
	if (err)
		return err;
	acpi_header_init(&m.hdr, "APIC", (uint32_t)size, 5);
	m.lapic_address = (uint32_t)LAYOUT_LAPIC;
	/*
	 * KVM's in-kernel irqchip does include a pair of 8259s, so say so:
	 * an OS that honours the flag masks them before using the IOAPIC.
	 * (Linux ignores it and, hardware-reduced, uses no PIC at all.)
	 */
	m.flags = MADT_PCAT_COMPAT;
	pos = c->buf + off;
	madt_put(&pos, &m, sizeof(m));
	madt_cpus(&pos, nr_cpus);
	/*
	 * One IOAPIC with KVM's 24 pins at GSI 0, and no interrupt source
	 * overrides: KVM's default GSI routing wires GSI n to IOAPIC pin n
	 * (the PIT included, on pin 0), so ISA IRQs are identity-mapped.
	 * The conventional IRQ0 -> GSI 2 override would describe QEMU's
	 * custom routing, not ours.
	 */
	madt_put(&pos, &io, sizeof(io));
	madt_nmis(&pos, nr_cpus);
	return acpi_table_finish(c, off, true);
}

/* acpi_build_mcfg - one ECAM allocation: segment 0, bus 0..PCI_LAST_BUS. */
static int acpi_build_mcfg(struct acpi_ctx *c)
{
	struct mcfg_alloc e = {
		.base = LAYOUT_PCI_ECAM, .segment = 0,
		.start_bus = 0, .end_bus = PCI_LAST_BUS,
	};
	size_t size = sizeof(struct acpi_mcfg) + sizeof(e), off;
	struct acpi_mcfg m;
	int err;

	err = acpi_alloc(c, size, &off);
	if (err)
		return err;
	memset(&m, 0, sizeof(m));
	acpi_header_init(&m.hdr, "MCFG", (uint32_t)size, 1);
	memcpy(c->buf + off, &m, sizeof(m));
	memcpy(c->buf + off + sizeof(m), &e, sizeof(e));
	return acpi_table_finish(c, off, true);
}

static int acpi_build_xsdt(struct acpi_ctx *c, uint64_t *xsdt_gpa)
{
	size_t size = sizeof(struct acpi_header) + 8 * c->nr_tables, off;
	struct acpi_header h;
	int err;

	err = acpi_alloc(c, size, &off);
	if (err)
		return err;
	acpi_header_init(&h, "XSDT", (uint32_t)size, 1);
	memcpy(c->buf + off, &h, sizeof(h));
	memcpy(c->buf + off + sizeof(h), c->tables, 8 * c->nr_tables);
	*xsdt_gpa = acpi_gpa(off);
	return acpi_table_finish(c, off, false);
}

static void acpi_fill_rsdp(struct acpi_ctx *c, size_t off, uint64_t xsdt_gpa)
{
	struct acpi_rsdp r;

	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", 8);
	memcpy(r.oem_id, ACPI_OEM_ID, sizeof(r.oem_id));
	r.revision = 2;		/* ACPI 2.0+: XSDT and the extended fields */
	r.length = sizeof(r);
	r.xsdt_address = xsdt_gpa;
	/* No RSDT: every OS that reads revision 2 prefers the XSDT. */
	r.checksum = acpi_checksum((const uint8_t *)&r, ACPI_RSDP_V1_LEN);
	r.extended_checksum = acpi_checksum((const uint8_t *)&r, sizeof(r));
	memcpy(c->buf + off, &r, sizeof(r));
}

/* acpi_is_intx_gsi - does the PCI _PRT route INTx to @gsi? */
static bool acpi_is_intx_gsi(uint32_t gsi)
{
	return gsi >= ACPI_PCI_INTX_GSI &&
	       gsi < ACPI_PCI_INTX_GSI + ACPI_PCI_INTX_GSIS;
}

static int acpi_check_mmio_dev(const struct acpi_mmio_dev *d,
			       unsigned int idx, bool pci, struct errbuf *err)
{
	uint64_t end;

	/* Memory32Fixed can only describe a window below 4 GiB. */
	if (!d->size || add_overflows(d->base, d->size, &end) ||
	    end > 4 * GiB)
		return errbuf_set(err, -EINVAL,
				  "virtio-mmio device %u at 0x%llx (0x%llx bytes) is not a window below 4 GiB",
				  idx, (unsigned long long)d->base,
				  (unsigned long long)d->size);
	if (d->gsi >= ACPI_IOAPIC_PINS)
		return errbuf_set(err, -EINVAL,
				  "virtio-mmio device %u uses GSI %u, but the IOAPIC has only %d pins",
				  idx, d->gsi, ACPI_IOAPIC_PINS);
	/*
	 * The OS programs INTx GSIs level-triggered and active-low; an
	 * edge-triggered, active-high device on the same pin would break.
	 */
	if (pci && acpi_is_intx_gsi(d->gsi))
		return errbuf_set(err, -EINVAL,
				  "virtio-mmio device %u uses GSI %u, which PCI INTx routes to",
				  idx, d->gsi);
	return 0;
}

static int acpi_check_config(const struct acpi_config *cfg,
			     struct errbuf *err)
{
	int ret;

	if (!cfg->nr_cpus)
		return errbuf_set(err, -EINVAL, "ACPI tables need at least one CPU");
	if (cfg->nr_mmio_devs > ACPI_MAX_MMIO_DEVS)
		return errbuf_set(err, -EINVAL,
				  "%u virtio-mmio devices, but ACPI names allow %d",
				  cfg->nr_mmio_devs, ACPI_MAX_MMIO_DEVS);
	if (cfg->nr_mmio_devs && !cfg->mmio_devs)
		return errbuf_set(err, -EINVAL, "virtio-mmio device list missing");
	for (unsigned int i = 0; i < cfg->nr_mmio_devs; i++) {
		ret = acpi_check_mmio_dev(&cfg->mmio_devs[i], i, cfg->pci,
					  err);
		if (ret)
			return ret;
	}
	return 0;
}

/* acpi_build_all - lay out every table in @c's host image. */
static int acpi_build_all(struct acpi_ctx *c, const struct acpi_config *cfg)
{
	uint64_t dsdt_gpa, xsdt_gpa;
	size_t rsdp_off;
	int err;

	/* First, so it lands at LAYOUT_ACPI; filled once the XSDT exists. */
	err = acpi_alloc(c, sizeof(struct acpi_rsdp), &rsdp_off);
	if (!err)
		err = acpi_build_dsdt(c, cfg, &dsdt_gpa);
	if (!err)
		err = acpi_build_fadt(c, dsdt_gpa);
	if (!err)
		err = acpi_build_madt(c, cfg->nr_cpus);
	if (!err && cfg->pci)
		err = acpi_build_mcfg(c);
	/* New tables go here, before the XSDT that lists them. */
	if (!err)
		err = acpi_build_xsdt(c, &xsdt_gpa);
	if (err)
		return err;
	acpi_fill_rsdp(c, rsdp_off, xsdt_gpa);
	return 0;
}

int acpi_build(const struct guest_mem *gm, const struct acpi_config *cfg,
	       uint64_t *rsdp_gpa, struct errbuf *err)
{
	struct acpi_ctx c = { .err = err };
	int ret;

	if (!gm || !cfg || !rsdp_gpa)
		return errbuf_set(err, -EINVAL, "acpi_build: missing argument");
	ret = acpi_check_config(cfg, err);
	if (ret)
		return ret;
	if (!guest_mem_ok(gm, LAYOUT_ACPI, ACPI_AREA_SIZE))
		return errbuf_set(err, -EFAULT,
				  "guest RAM does not cover the ACPI window [0x%llx, 0x%llx)",
				  (unsigned long long)LAYOUT_ACPI,
				  (unsigned long long)LAYOUT_ACPI_END);
	c.buf = calloc(1, ACPI_AREA_SIZE);
	if (!c.buf)
		return errbuf_set(err, -ENOMEM, "no memory to build ACPI tables");
	ret = acpi_build_all(&c, cfg);
	if (!ret) {
		/* All of the window: zeroes past the tables clear old ones. */
		ret = guest_mem_write(gm, LAYOUT_ACPI, c.buf, ACPI_AREA_SIZE);
		if (ret)
			errbuf_set(err, ret, "cannot write the ACPI tables");
	}
	free(c.buf);
	if (!ret)
		*rsdp_gpa = LAYOUT_ACPI;
	return ret;
}
