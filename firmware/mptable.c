// SPDX-License-Identifier: MIT
/*
 * MP tables (Intel MultiProcessor Specification 1.4, chapter 4).
 *
 * Linux reads these only when ACPI is off or has no MADT. They describe
 * what KVM's in-kernel irqchip provides: local APICs 0..n-1, one IOAPIC
 * with 24 pins and, in front of it, the ISA IRQs wired 1:1 to pins 0-15
 * (KVM's default GSI routing, which this VMM keeps). The PIC is left in
 * virtual-wire mode (no IMCR), its output on every LAPIC's LINT0.
 *
 * Everything lives in the first KiB of the EBDA (0x9fc00), which the
 * e820 map reserves and Linux's MP scan covers. The table is built in a
 * host buffer and copied in one go.
 */
#include "mptable.h"

#include <errno.h>
#include <string.h>

#include "layout.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "MP tables are little-endian; so must the host be");

#define MP_WINDOW_SIZE		(LAYOUT_LOWMEM_END - LAYOUT_MPTABLE)	/* 1 KiB */
#define MP_SPEC_REV		4	/* MP spec 1.4 */

#define MP_ENTRY_PROCESSOR	0
#define MP_ENTRY_BUS		1
#define MP_ENTRY_IOAPIC		2
#define MP_ENTRY_IOINTR		3
#define MP_ENTRY_LINTR		4

#define MP_CPU_ENABLED		(1U << 0)
#define MP_CPU_BSP		(1U << 1)
#define MP_IOAPIC_ENABLED	(1U << 0)

#define MP_INT_INT		0	/* vectored interrupt via the IOAPIC */
#define MP_INT_NMI		1
#define MP_INT_EXTINT		3	/* 8259 output */
#define MP_IRQ_CONFORMS		0	/* polarity/trigger as the bus says */
#define MP_ALL_LAPICS		0xff

/* What KVM's in-kernel devices report in their version registers. */
#define KVM_LAPIC_VERSION	0x14
#define KVM_IOAPIC_VERSION	0x11

/* CPU signature (family 6) and CPUID.1:EDX features: FPU and APIC. */
#define MP_CPU_SIGNATURE	0x600
#define MP_CPU_FEATURES		((1U << 0) | (1U << 9))

#define MP_ISA_BUS_ID		0
#define MP_ISA_IRQS		16

struct mpf_intel {
	char signature[4];	/* "_MP_" */
	uint32_t config_table;
	uint8_t length;		/* in 16-byte paragraphs */
	uint8_t spec_rev;
	uint8_t checksum;
	uint8_t feature[5];	/* 0s: config table present, virtual wire */
} __attribute__((packed));
_Static_assert(sizeof(struct mpf_intel) == 16, "MP floating pointer");

struct mpc_table {
	char signature[4];	/* "PCMP" */
	uint16_t length;	/* base table: header and all entries */
	uint8_t spec_rev;
	uint8_t checksum;
	char oem_id[8];
	char product_id[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t entry_count;
	uint32_t lapic_address;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_table) == 44, "MP config table header");

struct mpc_cpu {
	uint8_t type;
	uint8_t apic_id;
	uint8_t apic_version;
	uint8_t flags;
	uint32_t signature;
	uint32_t features;
	uint32_t reserved[2];
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_cpu) == 20, "MP processor entry");

struct mpc_bus {
	uint8_t type;
	uint8_t bus_id;
	char bus_type[6];
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_bus) == 8, "MP bus entry");

struct mpc_ioapic {
	uint8_t type;
	uint8_t apic_id;
	uint8_t apic_version;
	uint8_t flags;
	uint32_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_ioapic) == 8, "MP I/O APIC entry");

/* I/O and local interrupt assignment entries share one layout. */
struct mpc_intr {
	uint8_t type;
	uint8_t irq_type;
	uint16_t irq_flags;
	uint8_t src_bus;
	uint8_t src_irq;
	uint8_t dst_apic;
	uint8_t dst_pin;	/* IOAPIC INTIN# or LAPIC LINTIN# */
} __attribute__((packed));
_Static_assert(sizeof(struct mpc_intr) == 8, "MP interrupt entry");

/* MP_SIZE - bytes the floating pointer and the table need. */
#define MP_SIZE(nr_cpus)						\
	(sizeof(struct mpf_intel) + sizeof(struct mpc_table) +		\
	 (nr_cpus) * sizeof(struct mpc_cpu) + sizeof(struct mpc_bus) +	\
	 sizeof(struct mpc_ioapic) +					\
	 (MP_ISA_IRQS + 2) * sizeof(struct mpc_intr))

_Static_assert(MP_SIZE(MPTABLE_MAX_CPUS) <= MP_WINDOW_SIZE &&
	       MP_SIZE(MPTABLE_MAX_CPUS + 1) > MP_WINDOW_SIZE,
	       "MPTABLE_MAX_CPUS is the most that fit");

static uint8_t mp_checksum(const uint8_t *p, size_t n)
{
	uint8_t sum = 0;

	while (n--)
		sum = (uint8_t)(sum + *p++);
	return (uint8_t)-sum;
}

/* The table being assembled: a cursor and the entry count. */
struct mp_ctx {
	uint8_t *pos;
	uint16_t nr_entries;
};

static void mp_put(struct mp_ctx *m, const void *entry, size_t len)
{
	memcpy(m->pos, entry, len);
	m->pos += len;
	m->nr_entries++;
}

static void mp_put_cpus(struct mp_ctx *m, unsigned int nr_cpus)
{
	for (unsigned int id = 0; id < nr_cpus; id++) {
		struct mpc_cpu c = {
			.type = MP_ENTRY_PROCESSOR,
			.apic_id = (uint8_t)id,
			.apic_version = KVM_LAPIC_VERSION,
			.flags = MP_CPU_ENABLED | (id == 0 ? MP_CPU_BSP : 0),
			.signature = MP_CPU_SIGNATURE,
			.features = MP_CPU_FEATURES,
		};

		mp_put(m, &c, sizeof(c));
	}
}

static void mp_put_bus_and_ioapic(struct mp_ctx *m, uint8_t ioapic_id)
{
	struct mpc_bus bus = { .type = MP_ENTRY_BUS, .bus_id = MP_ISA_BUS_ID };
	struct mpc_ioapic io = {
		.type = MP_ENTRY_IOAPIC,
		.apic_id = ioapic_id,
		.apic_version = KVM_IOAPIC_VERSION,
		.flags = MP_IOAPIC_ENABLED,
		.address = (uint32_t)LAYOUT_IOAPIC,
	};

	memcpy(bus.bus_type, "ISA   ", sizeof(bus.bus_type));
	mp_put(m, &bus, sizeof(bus));
	mp_put(m, &io, sizeof(io));
}

/*
 * mp_put_irqs - ISA IRQ n on IOAPIC pin n, as KVM's default routing
 * wires it (the PIT on pin 0, not on 2 as QEMU's own routing does),
 * then ExtINT on LINT0 and NMI on LINT1 of every local APIC.
 */
static void mp_put_irqs(struct mp_ctx *m, uint8_t ioapic_id)
{
	struct mpc_intr lint[] = {
		{ .type = MP_ENTRY_LINTR, .irq_type = MP_INT_EXTINT,
		  .irq_flags = MP_IRQ_CONFORMS, .src_bus = MP_ISA_BUS_ID,
		  .src_irq = 0, .dst_apic = MP_ALL_LAPICS, .dst_pin = 0 },
		{ .type = MP_ENTRY_LINTR, .irq_type = MP_INT_NMI,
		  .irq_flags = MP_IRQ_CONFORMS, .src_bus = MP_ISA_BUS_ID,
		  .src_irq = 0, .dst_apic = MP_ALL_LAPICS, .dst_pin = 1 },
	};

	for (uint8_t irq = 0; irq < MP_ISA_IRQS; irq++) {
		struct mpc_intr e = {
			.type = MP_ENTRY_IOINTR, .irq_type = MP_INT_INT,
			.irq_flags = MP_IRQ_CONFORMS, .src_bus = MP_ISA_BUS_ID,
			.src_irq = irq, .dst_apic = ioapic_id, .dst_pin = irq,
		};

		mp_put(m, &e, sizeof(e));
	}
	for (size_t i = 0; i < ARRAY_SIZE(lint); i++)
		mp_put(m, &lint[i], sizeof(lint[i]));
}

/* mp_fill - build the floating pointer and the table into @buf. */
static void mp_fill(uint8_t *buf, unsigned int nr_cpus)
{
	uint8_t *table = buf + sizeof(struct mpf_intel);
	/* MP spec: APIC ids are unique across CPUs and IOAPICs. */
	uint8_t ioapic_id = (uint8_t)nr_cpus;
	struct mp_ctx m = { .pos = table + sizeof(struct mpc_table) };
	struct mpc_table t = {
		.spec_rev = MP_SPEC_REV,
		.lapic_address = (uint32_t)LAYOUT_LAPIC,
	};
	struct mpf_intel f = {
		.config_table = (uint32_t)(LAYOUT_MPTABLE + sizeof(f)),
		.length = 1,
		.spec_rev = MP_SPEC_REV,
	};

	mp_put_cpus(&m, nr_cpus);
	mp_put_bus_and_ioapic(&m, ioapic_id);
	mp_put_irqs(&m, ioapic_id);

	memcpy(t.signature, "PCMP", 4);
	memcpy(t.oem_id, "VMMVMM  ", sizeof(t.oem_id));
	memcpy(t.product_id, "VMM         ", sizeof(t.product_id));
	t.length = (uint16_t)(m.pos - table);
	t.entry_count = m.nr_entries;
	memcpy(table, &t, sizeof(t));
	table[offsetof(struct mpc_table, checksum)] =
		mp_checksum(table, t.length);

	memcpy(f.signature, "_MP_", 4);
	f.checksum = mp_checksum((const uint8_t *)&f, sizeof(f));
	memcpy(buf, &f, sizeof(f));
}

int mptable_build(const struct guest_mem *gm, unsigned int nr_cpus,
		  struct errbuf *err)
{
	uint8_t buf[MP_WINDOW_SIZE];
	int ret;

	if (!gm)
		return errbuf_set(err, -EINVAL, "mptable_build: no guest memory");
	if (!nr_cpus)
		return errbuf_set(err, -EINVAL, "MP table needs at least one CPU");
	if (nr_cpus > MPTABLE_MAX_CPUS)
		return errbuf_set(err, -ENOSPC,
				  "%u CPUs do not fit in the 1 KiB MP table (at most %d)",
				  nr_cpus, MPTABLE_MAX_CPUS);
	if (!guest_mem_ok(gm, LAYOUT_MPTABLE, MP_WINDOW_SIZE))
		return errbuf_set(err, -EFAULT,
				  "guest RAM does not cover the MP table window [0x%llx, 0x%llx)",
				  (unsigned long long)LAYOUT_MPTABLE,
				  (unsigned long long)LAYOUT_LOWMEM_END);
	/* All of the KiB: zeroes past the table clear an older one. */
	memset(buf, 0, sizeof(buf));
	mp_fill(buf, nr_cpus);
	ret = guest_mem_write(gm, LAYOUT_MPTABLE, buf, sizeof(buf));
	if (ret)
		return errbuf_set(err, ret, "cannot write the MP table");
	return 0;
}
