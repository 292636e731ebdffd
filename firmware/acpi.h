/* SPDX-License-Identifier: MIT */
/*
 * ACPI tables for a hardware-reduced x86 platform: RSDP, XSDT, FADT,
 * MADT and a DSDT describing the legacy UART, the pvpanic port, the
 * virtio-mmio devices and the S5 (soft-off) sleep type; optionally a
 * PCI host bridge (PCI0, bus 0 only) with its ECAM described by an MCFG.
 */
#ifndef VMM_ACPI_H
#define VMM_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"
#include "util.h"

/* IOAPIC pins (KVM's in-kernel IOAPIC), i.e. GSIs 0..23. */
#define ACPI_IOAPIC_PINS	24
/* Device names VR00..VRFF: two hex digits in a 4-character NameSeg. */
#define ACPI_MAX_MMIO_DEVS	256
/*
 * With PCI, the _PRT routes INTx of slot s, pin p (0 = INTA) to GSI
 * ACPI_PCI_INTX_GSI + (s + p) % ACPI_PCI_INTX_GSIS, level-triggered and
 * active-low as PCI wants: a device model that raises INTx must use
 * that GSI, and no virtio-mmio device may share it.
 */
#define ACPI_PCI_INTX_GSI	16
#define ACPI_PCI_INTX_GSIS	4

/*
 * A virtio-mmio device: described as a LNRO0005 device with its register
 * window (below 4 GiB) and one edge-triggered, active-high GSI.
 */
struct acpi_mmio_dev {
	uint64_t base;
	uint64_t size;
	uint32_t gsi;
};

struct acpi_config {
	unsigned int nr_cpus;			/* APIC ids 0..nr_cpus-1 */
	const struct acpi_mmio_dev *mmio_devs;
	unsigned int nr_mmio_devs;
	/*
	 * A PCI host bridge: root bus 0, config space through ECAM at
	 * LAYOUT_PCI_ECAM (MCFG) and ports 0xcf8/0xcfc, BARs in
	 * [LAYOUT_PCI_MMIO, +LAYOUT_PCI_MMIO_SIZE) and in I/O space.
	 */
	bool pci;
	/*
	 * The power button: an ACPI Generic Event Device (ACPI0013) on this
	 * edge-triggered GSI whose _EVT notifies a PNP0C0C button, as
	 * hardware-reduced ACPI has no fixed power button. 0: none.
	 */
	unsigned int ged_gsi;
};

/*
 * acpi_build - write RSDP, XSDT, FADT, MADT, DSDT (and, with
 * @cfg->pci, MCFG) into [LAYOUT_ACPI, LAYOUT_ACPI_END), clearing the
 * rest of that window, and store the RSDP's address (LAYOUT_ACPI) in
 * *rsdp_gpa.
 *
 * Returns 0; -EINVAL for a bad @cfg (no CPUs, a device above 4 GiB or
 * on a GSI the IOAPIC lacks or PCI INTx uses, too many devices);
 * -ENOSPC if the tables outgrow the window; -EFAULT if guest RAM does
 * not cover it. On failure guest memory is untouched and @err says why.
 */
int acpi_build(const struct guest_mem *gm, const struct acpi_config *cfg,
	       uint64_t *rsdp_gpa, struct errbuf *err);

#endif
