/* SPDX-License-Identifier: MIT */
/*
 * The guest physical memory map and the fixed I/O ports, in one place.
 *
 *   0x0000_0000  real-mode IVT and BIOS data area (RAM, left zero)
 *   0x0000_0500  boot GDT
 *   0x0000_0520  boot IDT (empty)
 *   0x0000_6000  PVH start_info and its memory map
 *   0x0000_7000  Linux zero page (struct boot_params)
 *   0x0000_9000  boot page tables: PML4, PDPT, 4 PDs (identity, 4 GiB)
 *   0x0002_0000  kernel command line (up to 64 KiB)
 *   0x0009_fc00  MP floating pointer and table (EBDA, reserved in e820)
 *   0x000a_0000  legacy VGA/BIOS hole (reserved)
 *   0x000e_0000  ACPI tables: RSDP first, where the BIOS scan finds it
 *   0x000f_fff0  a reset-vector stub: Linux may jump here to reboot
 *   0x0010_0000  kernel (bzImage protected-mode part or ELF segments)
 *   ...          initrd, placed as high as the kernel allows below the hole
 *   0xc000_0000  32-bit MMIO hole start: PCI BARs, ECAM, IOAPIC, LAPIC
 *   0x1_0000_0000 RAM above 3 GiB is remapped here
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#define LAYOUT_GDT		0x500ULL
#define LAYOUT_IDT		0x520ULL
#define LAYOUT_PVH_INFO		0x6000ULL
#define LAYOUT_ZERO_PAGE	0x7000ULL
#define LAYOUT_PML4		0x9000ULL
#define LAYOUT_PDPT		0xa000ULL
#define LAYOUT_PD		0xb000ULL	/* 4 pages: 0xb000..0xefff */
#define LAYOUT_CMDLINE		0x20000ULL
#define LAYOUT_CMDLINE_MAX	0x10000ULL
#define LAYOUT_EBDA		0x9fc00ULL
#define LAYOUT_MPTABLE		LAYOUT_EBDA
#define LAYOUT_LOWMEM_END	0xa0000ULL	/* end of usable low RAM */
#define LAYOUT_BIOS_START	0xa0000ULL
#define LAYOUT_ACPI		0xe0000ULL
#define LAYOUT_ACPI_END		0xffff0ULL	/* the reset vector follows */
#define LAYOUT_RESET_VECTOR	0xffff0ULL	/* F000:FFF0, 16 bytes */
#define LAYOUT_HIMEM		0x100000ULL	/* kernel load address */

#define LAYOUT_MMIO_HOLE	0xc0000000ULL	/* 3 GiB */
#define LAYOUT_MMIO_HOLE_END	0x100000000ULL	/* 4 GiB */
#define LAYOUT_HIGH_RAM		0x100000000ULL

/* PCI: BARs are allocated from this window; ECAM covers bus 0 only. */
#define LAYOUT_PCI_MMIO		0xc0000000ULL
#define LAYOUT_PCI_MMIO_SIZE	0x10000000ULL	/* 256 MiB */
#define LAYOUT_VIRTIO_MMIO	0xd0000000ULL	/* virtio-mmio slots, 4 KiB each */
#define LAYOUT_VIRTIO_MMIO_SLOT	0x1000ULL
#define LAYOUT_PCI_ECAM		0xe0000000ULL
#define LAYOUT_PCI_ECAM_SIZE	0x100000ULL	/* 1 MiB: bus 0 */

#define LAYOUT_IOAPIC		0xfec00000ULL
#define LAYOUT_LAPIC		0xfee00000ULL

/* Fixed I/O ports. */
#define PORT_PCI_CONFIG_ADDR	0xcf8	/* 4 bytes */
#define PORT_PCI_CONFIG_DATA	0xcfc	/* 4 bytes */
#define PORT_COM1		0x3f8
#define IRQ_COM1		4
#define IRQ_POWER_BUTTON	13	/* ACPI GED (power button), edge */
#define PORT_I8042_DATA		0x60
#define PORT_I8042_CMD		0x64
#define PORT_EXIT		0xf4	/* guest exit-code device */
#define PORT_BOOT_DONE		0xf8	/* guest "boot done" marker (timings) */
#define PORT_PVPANIC		0x505	/* ACPI QEMU0001 */
#define PORT_ACPI_PM		0x600	/* 3 ports: sleep control, sleep status, reset */
#define PORT_ACPI_SLEEP_CTL	(PORT_ACPI_PM + 0)
#define PORT_ACPI_SLEEP_STS	(PORT_ACPI_PM + 1)
#define PORT_ACPI_RESET		(PORT_ACPI_PM + 2)
#define ACPI_S5_TYPE		5	/* SLP_TYP of the _S5 object in the DSDT */
#define ACPI_RESET_VALUE	0x01

#endif
