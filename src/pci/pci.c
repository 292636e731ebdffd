// SPDX-License-Identifier: MIT
/*
 * PCI bus 0: configuration space through port 0xCF8/0xCFC and ECAM, BAR
 * decoding that follows whatever the guest programs, a capability list
 * and MSI-X.
 *
 * Every register value here comes from the guest, so each access is
 * checked for width, alignment and range before it touches anything:
 * a malformed access reads all-ones (like a master abort) and a
 * malformed write is dropped. Writes go through a per-byte writable
 * mask, which is also what makes BAR sizing work: writing all-ones to a
 * BAR stores only the address bits above its size, so reading it back
 * gives the size mask the guest expects.
 */
#include "pci/pci.h"

#include <errno.h>
#include <linux/pci_regs.h>
#include <string.h>

#include "bus.h"
#include "util.h"

#define PCI_CMD_WMASK	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
			 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY | \
			 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)
#define PCI_STATUS_W1C	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
			 PCI_STATUS_REC_TARGET_ABORT | \
			 PCI_STATUS_REC_MASTER_ABORT | \
			 PCI_STATUS_SIG_SYSTEM_ERROR | \
			 PCI_STATUS_DETECTED_PARITY)
#define PCI_CAP_FIRST	0x40
#define PCI_CAP_MAX_WALK 48	/* (256 - 64) / 4: a loop can't be longer */

static uint16_t cfg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t cfg_get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void cfg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void cfg_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Config accesses are 1, 2 or 4 bytes and never cross a dword. */
static bool cfg_access_ok(uint64_t reg, uint32_t len)
{
	return (len == 1 || len == 2 || len == 4) && (reg & 3) + len <= 4;
}

void pci_bus_lock(struct pci_bus *pb)
{
	pthread_mutex_lock(&pb->lock);
}

void pci_bus_unlock(struct pci_bus *pb)
{
	pthread_mutex_unlock(&pb->lock);
}

void pci_dev_init(struct pci_dev *dev, uint16_t vendor, uint16_t device,
		  uint32_t class_code, uint8_t revision, uint16_t subsys_vendor,
		  uint16_t subsys_id, uint8_t int_pin)
{
	memset(dev, 0, sizeof(*dev));
	dev->slot = -1;
	dev->cap_next = PCI_CAP_FIRST;
	cfg_put16(&dev->cfg[PCI_VENDOR_ID], vendor);
	cfg_put16(&dev->cfg[PCI_DEVICE_ID], device);
	dev->cfg[PCI_REVISION_ID] = revision;
	dev->cfg[PCI_CLASS_PROG] = (uint8_t)class_code;
	cfg_put16(&dev->cfg[PCI_CLASS_DEVICE], (uint16_t)(class_code >> 8));
	dev->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	cfg_put16(&dev->cfg[PCI_SUBSYSTEM_VENDOR_ID], subsys_vendor);
	cfg_put16(&dev->cfg[PCI_SUBSYSTEM_ID], subsys_id);
	dev->cfg[PCI_INTERRUPT_PIN] = int_pin;

	cfg_put16(&dev->wmask[PCI_COMMAND], PCI_CMD_WMASK);
	cfg_put16(&dev->w1cmask[PCI_STATUS], PCI_STATUS_W1C);
	dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	dev->wmask[PCI_LATENCY_TIMER] = 0xff;
	dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

int pci_dev_add_bar(struct pci_dev *dev, unsigned int bar, uint32_t size)
{
	if (bar >= PCI_NR_BARS || size < 16 || (size & (size - 1)) ||
	    size > PCI_BAR_WINDOW_SIZE)
		return -EINVAL;
	dev->bar_size[bar] = size;
	/* Bits 3:0 (32-bit, non-prefetchable memory) stay zero. */
	cfg_put32(&dev->wmask[PCI_BASE_ADDRESS_0 + 4 * bar],
		  ~(size - 1) & PCI_BASE_ADDRESS_MEM_MASK);
	return 0;
}

int pci_cap_add(struct pci_dev *dev, uint8_t id, uint8_t len)
{
	unsigned int off = dev->cap_next;
	unsigned int size = (unsigned int)ALIGN_UP(len, 4);

	if (len < 2 || off + size > PCI_CFG_SIZE)
		return -ENOSPC;
	dev->cfg[off] = id;
	dev->cfg[off + 1] = 0;
	if (dev->cap_last)
		dev->cfg[dev->cap_last + 1] = (uint8_t)off;
	else
		dev->cfg[PCI_CAPABILITY_LIST] = (uint8_t)off;
	cfg_put16(&dev->cfg[PCI_STATUS],
		  cfg_get16(&dev->cfg[PCI_STATUS]) | PCI_STATUS_CAP_LIST);
	dev->cap_last = (uint8_t)off;
	dev->cap_next = (uint8_t)(off + size);
	return (int)off;
}

uint8_t pci_cap_find(const struct pci_dev *dev, uint8_t id)
{
	unsigned int ptr = dev->cfg[PCI_CAPABILITY_LIST] & ~3u;

	if (!(cfg_get16(&dev->cfg[PCI_STATUS]) & PCI_STATUS_CAP_LIST))
		return 0;
	for (int i = 0; i < PCI_CAP_MAX_WALK && ptr >= PCI_CAP_FIRST; i++) {
		if (dev->cfg[ptr] == id)
			return (uint8_t)ptr;
		ptr = dev->cfg[ptr + 1] & ~3u;
	}
	return 0;
}

uint64_t pci_dev_bar_addr(const struct pci_dev *dev, unsigned int bar)
{
	if (bar >= PCI_NR_BARS || !dev->bar_size[bar])
		return 0;
	return cfg_get32(&dev->cfg[PCI_BASE_ADDRESS_0 + 4 * bar]) &
	       PCI_BASE_ADDRESS_MEM_MASK;
}

bool pci_dev_mem_enabled(const struct pci_dev *dev)
{
	return cfg_get16(&dev->cfg[PCI_COMMAND]) & PCI_COMMAND_MEMORY;
}

/* MSI-X ------------------------------------------------------------- */

static uint16_t msix_ctrl(const struct pci_dev *dev)
{
	return cfg_get16(&dev->cfg[dev->msix.cap + PCI_MSIX_FLAGS]);
}

bool pci_msix_enabled(const struct pci_dev *dev)
{
	return dev->msix.nr && (msix_ctrl(dev) & PCI_MSIX_FLAGS_ENABLE);
}

static uint32_t msix_pba_len(const struct pci_msix *m)
{
	return (uint32_t)ALIGN_UP(m->nr, 64) / 8;
}

int pci_msix_init(struct pci_dev *dev, unsigned int nr, unsigned int bar,
		  uint32_t table_off, uint32_t pba_off,
		  pci_msix_change_fn change, void *ctx)
{
	struct pci_msix *m = &dev->msix;
	uint64_t table_end = (uint64_t)table_off + nr * PCI_MSIX_ENTRY_SIZE;
	uint64_t pba_end;
	int cap;

	if (!nr || nr > PCI_MSIX_MAX_VECTORS || bar >= PCI_NR_BARS ||
	    !dev->bar_size[bar] || (table_off & PCI_MSIX_TABLE_BIR) ||
	    (pba_off & PCI_MSIX_PBA_BIR) || m->nr)
		return -EINVAL;
	pba_end = (uint64_t)pba_off + ALIGN_UP(nr, 64) / 8;
	if (table_end > dev->bar_size[bar] || pba_end > dev->bar_size[bar] ||
	    (pba_off < table_end && table_off < pba_end))
		return -EINVAL;
	cap = pci_cap_add(dev, PCI_CAP_ID_MSIX, PCI_CAP_MSIX_SIZEOF);
	if (cap < 0)
		return cap;
	m->nr = nr;
	m->bar = bar;
	m->table_off = table_off;
	m->pba_off = pba_off;
	m->cap = (uint8_t)cap;
	m->change = change;
	m->ctx = ctx;
	for (unsigned int v = 0; v < nr; v++)
		m->table[v][PCI_MSIX_ENTRY_VECTOR_CTRL] =
			PCI_MSIX_ENTRY_CTRL_MASKBIT;
	cfg_put16(&dev->cfg[cap + PCI_MSIX_FLAGS], (uint16_t)(nr - 1));
	cfg_put32(&dev->cfg[cap + PCI_MSIX_TABLE], table_off | bar);
	cfg_put32(&dev->cfg[cap + PCI_MSIX_PBA], pba_off | bar);
	/* Only Enable and Function Mask are the guest's to change. */
	dev->wmask[cap + PCI_MSIX_FLAGS + 1] =
		(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
	return 0;
}

int pci_msix_get(const struct pci_dev *dev, unsigned int vector,
		 struct pci_msix_msg *msg)
{
	const uint8_t *e;

	if (vector >= dev->msix.nr)
		return -EINVAL;
	e = dev->msix.table[vector];
	msg->addr = cfg_get32(&e[PCI_MSIX_ENTRY_LOWER_ADDR]) |
		    (uint64_t)cfg_get32(&e[PCI_MSIX_ENTRY_UPPER_ADDR]) << 32;
	msg->data = cfg_get32(&e[PCI_MSIX_ENTRY_DATA]);
	msg->masked = !pci_msix_enabled(dev) ||
		      (msix_ctrl(dev) & PCI_MSIX_FLAGS_MASKALL) ||
		      (e[PCI_MSIX_ENTRY_VECTOR_CTRL] &
		       PCI_MSIX_ENTRY_CTRL_MASKBIT);
	return 0;
}

void pci_msix_set_pending(struct pci_dev *dev, unsigned int vector,
			  bool pending)
{
	uint64_t bit = 1ULL << (vector % 64);

	if (vector >= dev->msix.nr)
		return;
	if (pending)
		dev->msix.pba[vector / 64] |= bit;
	else
		dev->msix.pba[vector / 64] &= ~bit;
}

bool pci_msix_pending(const struct pci_dev *dev, unsigned int vector)
{
	if (vector >= dev->msix.nr)
		return false;
	return dev->msix.pba[vector / 64] & (1ULL << (vector % 64));
}

static void msix_notify(struct pci_dev *dev, unsigned int vector)
{
	if (dev->msix.change)
		dev->msix.change(dev->msix.ctx, vector);
}

static void msix_notify_all(struct pci_dev *dev)
{
	for (unsigned int v = 0; v < dev->msix.nr; v++)
		msix_notify(dev, v);
}

/*
 * A table access of any width, one byte at a time, so odd widths and
 * accesses spanning two entries need no special cases. Reserved bits
 * (address bits 1:0, vector control bits 31:1) read as zero.
 */
static void msix_table_access(struct pci_dev *dev, uint32_t off,
			      uint8_t *data, uint32_t len, bool is_write)
{
	struct pci_msix *m = &dev->msix;
	unsigned int first = off / PCI_MSIX_ENTRY_SIZE;
	unsigned int last = (off + len - 1) / PCI_MSIX_ENTRY_SIZE;

	if (!is_write) {
		for (uint32_t i = 0; i < len; i++)
			data[i] = m->table[(off + i) / PCI_MSIX_ENTRY_SIZE]
					  [(off + i) % PCI_MSIX_ENTRY_SIZE];
		return;
	}
	for (unsigned int v = first; v <= last; v++) {
		uint8_t old[PCI_MSIX_ENTRY_SIZE];
		uint8_t *e = m->table[v];

		memcpy(old, e, sizeof(old));
		for (uint32_t i = 0; i < len; i++) {
			uint32_t pos = off + i;

			if (pos / PCI_MSIX_ENTRY_SIZE == v)
				e[pos % PCI_MSIX_ENTRY_SIZE] = data[i];
		}
		e[PCI_MSIX_ENTRY_LOWER_ADDR] &= ~3u;
		e[PCI_MSIX_ENTRY_VECTOR_CTRL] &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
		memset(&e[PCI_MSIX_ENTRY_VECTOR_CTRL + 1], 0, 3);
		if (memcmp(old, e, sizeof(old)))
			msix_notify(dev, v);
	}
}

/* The PBA is read-only to the guest. */
static void msix_pba_read(const struct pci_msix *m, uint32_t off,
			  uint8_t *data, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		uint32_t pos = off + i;

		data[i] = (uint8_t)(m->pba[pos / 8] >> (8 * (pos % 8)));
	}
}

/*
 * Which MSI-X structure [off, off + len) hits: 1 table, 2 PBA, 0
 * neither, -1 straddles an edge (a malformed access).
 */
static int msix_region(const struct pci_msix *m, uint64_t off, uint32_t len)
{
	uint64_t t_end = m->table_off + (uint64_t)m->nr * PCI_MSIX_ENTRY_SIZE;
	uint64_t p_end = m->pba_off + (uint64_t)msix_pba_len(m);
	uint64_t end = off + len;

	if (off >= m->table_off && end <= t_end)
		return 1;
	if (off >= m->pba_off && end <= p_end)
		return 2;
	if ((off < t_end && end > m->table_off) ||
	    (off < p_end && end > m->pba_off))
		return -1;
	return 0;
}

int pci_dev_bar_access(struct pci_dev *dev, unsigned int bar, uint64_t off,
		       uint8_t *data, uint32_t len, bool is_write)
{
	int where = 0;

	/* BAR sizes and the MSI-X layout are fixed before the guest runs. */
	if (!dev->bus || bar >= PCI_NR_BARS || !dev->bar_size[bar] || !len ||
	    off >= dev->bar_size[bar] || len > dev->bar_size[bar] - off) {
		if (!is_write)
			memset(data, 0xff, len);
		return -ERANGE;
	}
	if (dev->msix.nr && bar == dev->msix.bar)
		where = msix_region(&dev->msix, off, len);
	if (where) {
		pci_bus_lock(dev->bus);
		if (where == 1)
			msix_table_access(dev,
					  (uint32_t)(off - dev->msix.table_off),
					  data, len, is_write);
		else if (where == 2 && !is_write)
			msix_pba_read(&dev->msix,
				      (uint32_t)(off - dev->msix.pba_off),
				      data, len);
		else if (!is_write)
			memset(data, 0xff, len);	/* straddles an edge */
		pci_bus_unlock(dev->bus);
		return 0;
	}
	if (dev->bar_fn)
		return dev->bar_fn(dev, bar, off, data, len, is_write);
	if (!is_write)
		memset(data, 0xff, len);
	return 0;
}

/* Config space ------------------------------------------------------- */

/* Copy config bytes out; extended config space (0x100..) reads 0. */
static void pci_cfg_read_locked(const struct pci_dev *dev, uint32_t reg,
				uint8_t *data, uint32_t len)
{
	if (reg >= PCI_CFG_SIZE)
		memset(data, 0, len);
	else
		memcpy(data, &dev->cfg[reg], len);
}

static bool range_hits(uint32_t reg, uint32_t len, uint32_t start,
		       uint32_t size)
{
	return reg < start + size && start < reg + len;
}

/*
 * Apply a write through the writable and write-1-to-clear masks.
 * Returns true if BAR decoding changed (an address or COMMAND.MEMORY).
 */
static bool pci_cfg_write_locked(struct pci_dev *dev, uint32_t reg,
				 const uint8_t *data, uint32_t len)
{
	uint8_t old_bars[PCI_NR_BARS * 4];
	bool old_mem = pci_dev_mem_enabled(dev);
	uint16_t old_msix = dev->msix.nr ? msix_ctrl(dev) : 0;

	if (reg >= PCI_CFG_SIZE)
		return false;
	memcpy(old_bars, &dev->cfg[PCI_BASE_ADDRESS_0], sizeof(old_bars));
	for (uint32_t i = 0; i < len; i++) {
		uint8_t *b = &dev->cfg[reg + i];
		uint8_t wm = dev->wmask[reg + i];

		*b = (uint8_t)((*b & ~wm) | (data[i] & wm));
		*b &= (uint8_t)~(data[i] & dev->w1cmask[reg + i]);
	}
	if (dev->msix.nr &&
	    range_hits(reg, len, dev->msix.cap + PCI_MSIX_FLAGS, 2) &&
	    msix_ctrl(dev) != old_msix)
		msix_notify_all(dev);
	return old_mem != pci_dev_mem_enabled(dev) ||
	       memcmp(old_bars, &dev->cfg[PCI_BASE_ADDRESS_0], sizeof(old_bars));
}

/* The device at bus/slot/function, or NULL: only bus 0 function 0. */
static struct pci_dev *pci_bus_dev(struct pci_bus *pb, unsigned int busnr,
				   unsigned int slot, unsigned int fn)
{
	if (busnr != 0 || fn != 0 || slot >= PCI_MAX_SLOTS)
		return NULL;
	return slot ? pb->slots[slot] : &pb->host;
}

/*
 * One config access once decoded; nobody home reads all-ones. The
 * device hooks run outside the bus lock (they may take their own).
 */
static void pci_cfg_access(struct pci_bus *pb, struct pci_dev *dev,
			   uint32_t reg, uint8_t *data, uint32_t len,
			   bool is_write)
{
	bool decode = false;

	if (!dev) {
		if (!is_write)
			memset(data, 0xff, len);
		return;
	}
	if (!is_write && reg < PCI_CFG_SIZE && dev->cfg_hook)
		dev->cfg_hook(dev, reg, len, false);
	pci_bus_lock(pb);
	if (is_write)
		decode = pci_cfg_write_locked(dev, reg, data, len);
	else
		pci_cfg_read_locked(dev, reg, data, len);
	pci_bus_unlock(pb);
	if (decode && dev->decode_change)
		dev->decode_change(dev);
	if (is_write && reg < PCI_CFG_SIZE && dev->cfg_hook)
		dev->cfg_hook(dev, reg, len, true);
}

int pci_config_addr_io(void *ctx, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write)
{
	struct pci_bus *pb = ctx;

	/* Only dword accesses reach the address latch, as on a chipset. */
	if (offset != 0 || len != 4) {
		if (!is_write)
			memset(data, 0xff, len);
		return 0;
	}
	pci_bus_lock(pb);
	if (is_write)
		pb->config_addr = cfg_get32(data) & ~3u;
	else
		cfg_put32(data, pb->config_addr);
	pci_bus_unlock(pb);
	return 0;
}

int pci_config_data_io(void *ctx, uint64_t offset, uint8_t *data,
		       uint32_t len, bool is_write)
{
	struct pci_bus *pb = ctx;
	struct pci_dev *dev = NULL;
	uint32_t a;

	if (offset > 3 || !cfg_access_ok(offset, len)) {
		if (!is_write)
			memset(data, 0xff, len);
		return 0;
	}
	pci_bus_lock(pb);
	a = pb->config_addr;
	if (a & 0x80000000u)
		dev = pci_bus_dev(pb, (a >> 16) & 0xff, (a >> 11) & 0x1f,
				  (a >> 8) & 7);
	pci_bus_unlock(pb);
	pci_cfg_access(pb, dev, (a & 0xfc) + (uint32_t)offset, data, len,
		       is_write);
	return 0;
}

int pci_ecam_io(void *ctx, uint64_t offset, uint8_t *data, uint32_t len,
		bool is_write)
{
	struct pci_bus *pb = ctx;
	uint32_t reg = offset & (PCI_ECAM_FN_SIZE - 1);
	struct pci_dev *dev;

	if (offset >= PCI_ECAM_SIZE || !cfg_access_ok(reg, len)) {
		if (!is_write)
			memset(data, 0xff, len);
		return 0;
	}
	pci_bus_lock(pb);
	dev = pci_bus_dev(pb, (unsigned int)(offset >> 20),
			  (offset >> 15) & 0x1f, (offset >> 12) & 7);
	pci_bus_unlock(pb);
	pci_cfg_access(pb, dev, reg, data, len, is_write);
	return 0;
}

/* BAR window ---------------------------------------------------------- */

/* The decoding BAR holding [addr, addr + len) on @dev, or -1. */
static int pci_dev_bar_hit(const struct pci_dev *dev, uint64_t addr,
			   uint32_t len, uint64_t *off)
{
	if (!pci_dev_mem_enabled(dev))
		return -1;
	for (unsigned int i = 0; i < PCI_NR_BARS; i++) {
		uint64_t base = pci_dev_bar_addr(dev, i);
		uint64_t size = dev->bar_size[i];

		if (!size || addr < base || addr - base >= size ||
		    len > size - (addr - base))
			continue;
		*off = addr - base;
		return (int)i;
	}
	return -1;
}

int pci_bar_window_io(void *ctx, uint64_t offset, uint8_t *data,
		      uint32_t len, bool is_write)
{
	struct pci_bus *pb = ctx;
	uint64_t addr = PCI_BAR_WINDOW_BASE + offset;
	struct pci_dev *dev = NULL;
	uint64_t off = 0;
	int bar = -1;

	pci_bus_lock(pb);
	for (unsigned int s = 1; s < PCI_MAX_SLOTS && bar < 0; s++) {
		dev = pb->slots[s];
		if (dev)
			bar = pci_dev_bar_hit(dev, addr, len, &off);
	}
	pci_bus_unlock(pb);
	/* Nothing decodes it: a master abort, as for an unassigned range. */
	if (bar < 0) {
		if (!is_write)
			memset(data, 0xff, len);
		return -ENOENT;
	}
	/*
	 * The guest may move the BAR meanwhile; the access was decoded
	 * when it was issued, which is what hardware does too.
	 */
	return pci_dev_bar_access(dev, (unsigned int)bar, off, data, len,
				  is_write);
}

/* Bus ------------------------------------------------------------------ */

int pci_bus_init(struct pci_bus *pb, struct bus *pio, struct bus *mmio)
{
	int err;

	memset(pb, 0, sizeof(*pb));
	pci_dev_init(&pb->host, PCI_HOST_VENDOR, PCI_HOST_DEVICE,
		     PCI_HOST_CLASS, 0, PCI_HOST_VENDOR, 0x1100, 0);
	pb->host.bus = pb;
	pb->host.slot = 0;
	pb->bar_next = PCI_BAR_WINDOW_BASE;
	err = -pthread_mutex_init(&pb->lock, NULL);
	if (err)
		return err;
	if (pio) {
		err = bus_register(pio, PORT_PCI_CONFIG_ADDR, 4,
				   pci_config_addr_io, pb, "pci-config-addr");
		if (!err)
			err = bus_register(pio, PORT_PCI_CONFIG_DATA, 4,
					   pci_config_data_io, pb,
					   "pci-config-data");
	}
	if (!err && mmio) {
		err = bus_register(mmio, PCI_ECAM_BASE, PCI_ECAM_SIZE,
				   pci_ecam_io, pb, "pci-ecam");
		if (!err)
			err = bus_register(mmio, PCI_BAR_WINDOW_BASE,
					   PCI_BAR_WINDOW_SIZE,
					   pci_bar_window_io, pb, "pci-bars");
	}
	if (err)
		pthread_mutex_destroy(&pb->lock);
	return err;
}

void pci_bus_exit(struct pci_bus *pb)
{
	pthread_mutex_destroy(&pb->lock);
}

/* Lay out @dev's BARs from the allocator; nothing changes on failure. */
static int pci_bus_assign_bars(struct pci_bus *pb, struct pci_dev *dev)
{
	const uint64_t end = PCI_BAR_WINDOW_BASE + PCI_BAR_WINDOW_SIZE;
	uint64_t next = pb->bar_next;
	uint64_t addr[PCI_NR_BARS] = { 0 };
	bool any = false;

	for (unsigned int i = 0; i < PCI_NR_BARS; i++) {
		uint64_t size = dev->bar_size[i];

		if (!size)
			continue;
		addr[i] = ALIGN_UP(next, size);
		if (addr[i] > end || size > end - addr[i])
			return -ENOSPC;
		next = addr[i] + size;
		any = true;
	}
	for (unsigned int i = 0; i < PCI_NR_BARS; i++)
		if (dev->bar_size[i])
			cfg_put32(&dev->cfg[PCI_BASE_ADDRESS_0 + 4 * i],
				  (uint32_t)addr[i]);
	pb->bar_next = next;
	/*
	 * There is no firmware to enable decoding; Linux keeps assignments
	 * it finds enabled and inside the host bridge window.
	 */
	if (any)
		cfg_put16(&dev->cfg[PCI_COMMAND],
			  cfg_get16(&dev->cfg[PCI_COMMAND]) |
			  PCI_COMMAND_MEMORY);
	return 0;
}

int pci_bus_add(struct pci_bus *pb, struct pci_dev *dev, int slot)
{
	int err;

	if (!pb || !dev || slot >= PCI_MAX_SLOTS || slot == 0 ||
	    dev->slot >= 0)
		return -EINVAL;
	pci_bus_lock(pb);
	if (slot < 0) {
		for (int s = 1; s < PCI_MAX_SLOTS && slot < 0; s++)
			if (!pb->slots[s])
				slot = s;
		err = slot < 0 ? -ENOSPC : 0;
	} else {
		err = pb->slots[slot] ? -EBUSY : 0;
	}
	if (!err)
		err = pci_bus_assign_bars(pb, dev);
	if (!err) {
		dev->bus = pb;
		dev->slot = slot;
		pb->slots[slot] = dev;
	}
	pci_bus_unlock(pb);
	return err ? err : slot;
}

void pci_bus_remove(struct pci_bus *pb, struct pci_dev *dev)
{
	pci_bus_lock(pb);
	if (dev->slot > 0 && dev->slot < PCI_MAX_SLOTS &&
	    pb->slots[dev->slot] == dev)
		pb->slots[dev->slot] = NULL;
	dev->slot = -1;
	pci_bus_unlock(pb);
}
