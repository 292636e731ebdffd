/* SPDX-License-Identifier: MIT */
/*
 * A minimal PCI(e) root complex: one host bridge on bus 0, up to 31
 * devices behind it (slots 1..31, function 0 only), reached through
 * configuration mechanism #1 (ports 0xCF8/0xCFC) and through ECAM.
 *
 * What the firmware tables describe (firmware/acpi.c, acpi_config.pci):
 *   - MCFG: one allocation, base PCI_ECAM_BASE, segment 0, buses
 *     PCI_BUS_FIRST..PCI_BUS_LAST; the ECAM range reserved by a
 *     motherboard device, or Linux falls back to port 0xCF8 (which works).
 *   - DSDT: PCI0 (PNP0A08) whose _CRS has bus 0..0, ports 0xCF8..0xCFF
 *     and the BAR window PCI_BAR_WINDOW_BASE..+PCI_BAR_WINDOW_SIZE; Linux
 *     reassigns any BAR it finds outside it.
 *   - _PRT: slot s, INTA -> GSI pci_intx_gsi(s) = 16 + s % 4, the same
 *     swizzle as ACPI_PCI_INTX_GSI in firmware/acpi.h. INTx only matters
 *     when the guest runs without MSI-X (pci=nomsi).
 *
 * Locking: one mutex per bus protects the 0xCF8 latch, the slot table,
 * every device's config bytes and its MSI-X table and PBA. It is never
 * held while calling a device's bar_fn, cfg_hook or decode_change, so
 * those may take the device's own lock and then, briefly, the bus lock
 * (the order is always device lock -> bus lock). The MSI-X change
 * callback is the exception: it runs with the bus lock held and must
 * touch only bus-lock state and leaf locks (KVM routing).
 */
#ifndef VMM_PCI_PCI_H
#define VMM_PCI_PCI_H

#include <linux/pci_regs.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "layout.h"

struct bus;

/* Bus layout, for the firmware tables. */
#define PCI_ECAM_BASE		LAYOUT_PCI_ECAM
#define PCI_ECAM_SIZE		LAYOUT_PCI_ECAM_SIZE	/* bus 0 only */
#define PCI_BUS_FIRST		0
#define PCI_BUS_LAST		0
#define PCI_BAR_WINDOW_BASE	LAYOUT_PCI_MMIO
#define PCI_BAR_WINDOW_SIZE	LAYOUT_PCI_MMIO_SIZE
#define PCI_INTX_GSI_BASE	16	/* ACPI_PCI_INTX_GSI */
#define PCI_INTX_NR_GSI		4

/* Host bridge identity: QEMU's "PCIe host bridge" (Red Hat vendor id). */
#define PCI_HOST_VENDOR		0x1b36
#define PCI_HOST_DEVICE		0x0008
#define PCI_HOST_CLASS		0x060000

#define PCI_MAX_SLOTS		32	/* slot 0 is the host bridge */
#define PCI_NR_BARS		6
#define PCI_CFG_SIZE		256	/* stored; the rest of 4 KiB reads 0 */
#define PCI_ECAM_FN_SIZE	4096
#define PCI_MSIX_MAX_VECTORS	128	/* PCI_MSIX_ENTRY_SIZE bytes each */

struct pci_dev;

/*
 * pci_bar_fn - an access of @len bytes at @off inside BAR @bar; @off +
 * @len never exceeds the BAR size. Reads fill @data. Called without the
 * bus lock. Returns 0 or -errno (logged by the vCPU loop).
 */
typedef int (*pci_bar_fn)(struct pci_dev *dev, unsigned int bar,
			  uint64_t off, uint8_t *data, uint32_t len,
			  bool is_write);

/*
 * pci_msix_change_fn - MSI-X vector @vector changed: its address, data
 * or effective mask (entry mask, Function Mask, MSI-X Enable) may be
 * different now; re-read it with pci_msix_get(). Runs with the bus lock
 * held: take no device lock here.
 */
typedef void (*pci_msix_change_fn)(void *ctx, unsigned int vector);

struct pci_msix_msg {
	uint64_t addr;
	uint32_t data;
	bool masked;	/* entry masked, Function Mask, or MSI-X disabled */
};

struct pci_msix {
	unsigned int nr;		/* vectors; 0 means no MSI-X */
	unsigned int bar;
	uint32_t table_off, pba_off;
	uint8_t cap;			/* config offset of the capability */
	uint8_t table[PCI_MSIX_MAX_VECTORS][PCI_MSIX_ENTRY_SIZE];
	uint64_t pba[PCI_MSIX_MAX_VECTORS / 64];
	pci_msix_change_fn change;
	void *ctx;
};

struct pci_dev {
	uint8_t cfg[PCI_CFG_SIZE];
	uint8_t wmask[PCI_CFG_SIZE];	/* bits the guest may change */
	uint8_t w1cmask[PCI_CFG_SIZE];	/* bits the guest clears with a 1 */
	uint32_t bar_size[PCI_NR_BARS];	/* 0: BAR not implemented */
	uint8_t cap_last;		/* offset of the last capability */
	uint8_t cap_next;		/* where the next one goes */
	struct pci_bus *bus;
	int slot;			/* -1 until pci_bus_add */
	struct pci_msix msix;

	/* Set by the device's owner; all optional. */
	pci_bar_fn bar_fn;
	/*
	 * cfg_hook - config bytes [@off, @off + @len) are about to be read
	 * (so the owner can refresh them) or were just written. Called
	 * without the bus lock.
	 */
	void (*cfg_hook)(struct pci_dev *dev, uint32_t off, uint32_t len,
			 bool is_write);
	/*
	 * decode_change - a BAR address or COMMAND.MEMORY changed: anything
	 * keyed on a BAR address (ioeventfds) must follow. Called without
	 * the bus lock, after the change is visible.
	 */
	void (*decode_change)(struct pci_dev *dev);
	void *priv;
};

struct pci_bus {
	struct pci_dev host;		/* slot 0 */
	struct pci_dev *slots[PCI_MAX_SLOTS];
	uint32_t config_addr;		/* the 0xCF8 latch */
	uint64_t bar_next;		/* BAR allocator: next free address */
	pthread_mutex_t lock;
};

/*
 * pci_bus_init - a bus with the host bridge in slot 0, and its ranges on
 * @pio (0xCF8 and 0xCFC, 4 bytes each) and @mmio (ECAM and the whole BAR
 * window); either bus may be NULL (tests). Returns 0 or -errno; after
 * a failure some ranges may stay registered (struct bus cannot remove
 * them), which only matters to a VM that is being torn down anyway.
 */
int pci_bus_init(struct pci_bus *pb, struct bus *pio, struct bus *mmio);

/*
 * pci_bus_exit - free the bus lock. Devices are owned by their creators
 * and bus ranges by the struct bus; tear those down separately.
 */
void pci_bus_exit(struct pci_bus *pb);

/* pci_bus_lock - take the bus lock; pair with pci_bus_unlock. */
void pci_bus_lock(struct pci_bus *pb);

/* pci_bus_unlock - release pci_bus_lock. */
void pci_bus_unlock(struct pci_bus *pb);

/*
 * pci_dev_init - a type 0 header: ids, 24-bit @class_code, revision,
 * subsystem ids, interrupt pin (0 none, 1 = INTA) and the standard
 * writable bits (COMMAND, cache line, latency, interrupt line).
 */
void pci_dev_init(struct pci_dev *dev, uint16_t vendor, uint16_t device,
		  uint32_t class_code, uint8_t revision, uint16_t subsys_vendor,
		  uint16_t subsys_id, uint8_t int_pin);

/*
 * pci_dev_add_bar - declare BAR @bar as 32-bit non-prefetchable MMIO of
 * @size bytes (a power of two, 16 bytes to 256 MiB). The address is
 * assigned by pci_bus_add. Returns 0 or -EINVAL.
 */
int pci_dev_add_bar(struct pci_dev *dev, unsigned int bar, uint32_t size);

/*
 * pci_cap_add - append a capability of @len bytes (>= 2) with id @id to
 * the list and return its config offset, or -ENOSPC. The caller fills
 * bytes from offset + 2 and sets dev->wmask for any writable ones.
 */
int pci_cap_add(struct pci_dev *dev, uint8_t id, uint8_t len);

/*
 * pci_cap_find - config offset of the first capability with @id, or 0.
 * Walks the list like a driver would (bounded, loop-safe).
 */
uint8_t pci_cap_find(const struct pci_dev *dev, uint8_t id);

/*
 * pci_msix_init - add an MSI-X capability with @nr vectors whose table
 * lives at @table_off and PBA at @pba_off inside BAR @bar (declared
 * already, and both must fit in it without overlapping). Every entry
 * starts masked. @change(@ctx, vector) is called (bus lock held) when an
 * entry or the Function Mask / Enable bits change. Returns 0 or -errno.
 */
int pci_msix_init(struct pci_dev *dev, unsigned int nr, unsigned int bar,
		  uint32_t table_off, uint32_t pba_off,
		  pci_msix_change_fn change, void *ctx);

/* pci_msix_enabled - MSI-X Enable is set (bus lock held). */
bool pci_msix_enabled(const struct pci_dev *dev);

/*
 * pci_msix_get - the message for @vector (bus lock held). Returns 0, or
 * -EINVAL for a vector past the table.
 */
int pci_msix_get(const struct pci_dev *dev, unsigned int vector,
		 struct pci_msix_msg *msg);

/*
 * pci_msix_set_pending - set or clear @vector's PBA bit (bus lock held):
 * a transport records an interrupt it could not send while masked.
 */
void pci_msix_set_pending(struct pci_dev *dev, unsigned int vector,
			  bool pending);

/* pci_msix_pending - @vector's PBA bit (bus lock held). */
bool pci_msix_pending(const struct pci_dev *dev, unsigned int vector);

/*
 * pci_bus_add - put @dev in @slot (1..31), or the first free slot if
 * @slot is negative, and assign its BARs from the BAR window, each
 * naturally aligned. Returns the slot, -EBUSY, -ENOSPC (no slot or no
 * window space) or -EINVAL.
 */
int pci_bus_add(struct pci_bus *pb, struct pci_dev *dev, int slot);

/* pci_bus_remove - take @dev off the bus (its BAR space is not reused). */
void pci_bus_remove(struct pci_bus *pb, struct pci_dev *dev);

/*
 * pci_dev_bar_addr - BAR @bar's current guest address, or 0 if the BAR
 * is not implemented (bus lock held). The guest may have moved it.
 */
uint64_t pci_dev_bar_addr(const struct pci_dev *dev, unsigned int bar);

/*
 * pci_dev_mem_enabled - COMMAND.MEMORY is set, so BARs decode (bus lock
 * held).
 */
bool pci_dev_mem_enabled(const struct pci_dev *dev);

/*
 * pci_dev_bar_access - do a BAR access as if it came from the guest:
 * MSI-X table and PBA first (under the bus lock), then dev->bar_fn.
 * Out-of-range accesses read all-ones and return -ERANGE. Used by the
 * BAR window and by config-space windows into a BAR (virtio's PCI_CFG
 * capability). Call without the bus lock.
 */
int pci_dev_bar_access(struct pci_dev *dev, unsigned int bar, uint64_t off,
		       uint8_t *data, uint32_t len, bool is_write);

/* pci_intx_gsi - the GSI INTA of @slot is wired to. */
static inline unsigned int pci_intx_gsi(int slot)
{
	return PCI_INTX_GSI_BASE + ((unsigned int)slot % PCI_INTX_NR_GSI);
}

/*
 * pci_config_addr_io - bus_fn for ports 0xCF8..0xCFB (@ctx: the bus):
 * only dword accesses reach the address latch; others read all-ones.
 */
int pci_config_addr_io(void *ctx, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write);

/*
 * pci_config_data_io - bus_fn for ports 0xCFC..0xCFF: a 1/2/4-byte
 * config access to the latched bus/device/function/register; all-ones
 * when the latch's enable bit is clear or nothing is there.
 */
int pci_config_data_io(void *ctx, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write);

/*
 * pci_ecam_io - bus_fn for the ECAM window: 4 KiB of config space per
 * function; accesses crossing a dword or to absent functions read
 * all-ones, writes to them are dropped.
 */
int pci_ecam_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		bool is_write);

/*
 * pci_bar_window_io - bus_fn for the whole BAR window: finds the
 * device whose decoding BAR holds the access. Unclaimed accesses read
 * all-ones and return -ENOENT, like an unassigned address.
 */
int pci_bar_window_io(void *ctx, uint64_t offset, uint8_t *data,
		      uint32_t len, bool is_write);

#endif
