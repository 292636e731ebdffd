// SPDX-License-Identifier: MIT
/*
 * The PCI core as a guest sees it through the real port and MMIO buses:
 * config mechanism #1 and ECAM agreeing, absent devices, BAR sizing and
 * moving, memory decode, hostile offsets and widths, the capability
 * list and MSI-X.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bus.h"
#include "layout.h"
#include "pci/pci.h"

#define TEST_SLOT	3
#define TEST_BAR_SIZE	0x1000
#define TEST_NR_VEC	4
#define TEST_TABLE	0x800
#define TEST_PBA	0xc00

struct fix {
	struct bus pio, mmio;
	struct pci_bus pb;
	struct pci_dev dev;
	/* bar_fn record */
	int bar_calls;
	unsigned int bar_idx;
	uint64_t bar_off;
	uint32_t bar_len;
	bool bar_write;
	uint32_t bar_data;
	/* MSI-X change record */
	int change_calls;
	unsigned int change_vec;
	int decode_calls;
};

static int test_bar_fn(struct pci_dev *dev, unsigned int bar, uint64_t off,
		       uint8_t *data, uint32_t len, bool is_write)
{
	struct fix *f = dev->priv;

	f->bar_calls++;
	f->bar_idx = bar;
	f->bar_off = off;
	f->bar_len = len;
	f->bar_write = is_write;
	if (is_write) {
		f->bar_data = 0;
		memcpy(&f->bar_data, data, len < 4 ? len : 4);
	} else {
		memset(data, 0x5c, len);
	}
	return 0;
}

static void test_change(void *ctx, unsigned int vector)
{
	struct fix *f = ctx;

	f->change_calls++;
	f->change_vec = vector;
}

static void test_decode(struct pci_dev *dev)
{
	struct fix *f = dev->priv;

	f->decode_calls++;
}

static int fix_setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	bus_init(&f->pio);
	bus_init(&f->mmio);
	if (pci_bus_init(&f->pb, &f->pio, &f->mmio))
		return -1;
	pci_dev_init(&f->dev, 0x1234, 0x5678, 0x0c0330, 7, 0x1af4, 0x4321, 1);
	f->dev.bar_fn = test_bar_fn;
	f->dev.decode_change = test_decode;
	f->dev.priv = f;
	if (pci_dev_add_bar(&f->dev, 0, TEST_BAR_SIZE) ||
	    pci_dev_add_bar(&f->dev, 2, 0x4000) ||
	    pci_msix_init(&f->dev, TEST_NR_VEC, 0, TEST_TABLE, TEST_PBA,
			  test_change, f) ||
	    pci_bus_add(&f->pb, &f->dev, TEST_SLOT) != TEST_SLOT)
		return -1;
	*state = f;
	return 0;
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	pci_bus_exit(&f->pb);
	bus_exit(&f->pio);
	bus_exit(&f->mmio);
	free(f);
	return 0;
}

/* Config mechanism #1. */
static uint32_t cf8_read(struct fix *f, unsigned int bus, unsigned int slot,
			 unsigned int fn, unsigned int reg, uint32_t len)
{
	uint32_t a = 0x80000000u | bus << 16 | slot << 11 | fn << 8 |
		     (reg & 0xfc);
	uint32_t v = 0;

	assert_int_equal(bus_dispatch(&f->pio, PORT_PCI_CONFIG_ADDR,
				      (uint8_t *)&a, 4, true), 0);
	assert_int_equal(bus_dispatch(&f->pio, PORT_PCI_CONFIG_DATA + (reg & 3),
				      (uint8_t *)&v, len, false), 0);
	return v;
}

static void cf8_write(struct fix *f, unsigned int slot, unsigned int reg,
		      uint32_t v, uint32_t len)
{
	uint32_t a = 0x80000000u | slot << 11 | (reg & 0xfc);

	assert_int_equal(bus_dispatch(&f->pio, PORT_PCI_CONFIG_ADDR,
				      (uint8_t *)&a, 4, true), 0);
	assert_int_equal(bus_dispatch(&f->pio, PORT_PCI_CONFIG_DATA + (reg & 3),
				      (uint8_t *)&v, len, true), 0);
}

static uint32_t ecam_read(struct fix *f, unsigned int slot, unsigned int fn,
			  unsigned int reg, uint32_t len)
{
	uint32_t v = 0;

	assert_int_equal(bus_dispatch(&f->mmio, LAYOUT_PCI_ECAM +
				      (slot << 15 | fn << 12 | reg),
				      (uint8_t *)&v, len, false), 0);
	return v;
}

static void ecam_write(struct fix *f, unsigned int slot, unsigned int reg,
		       uint32_t v, uint32_t len)
{
	assert_int_equal(bus_dispatch(&f->mmio, LAYOUT_PCI_ECAM +
				      (slot << 15 | reg),
				      (uint8_t *)&v, len, true), 0);
}

static int mem_rw(struct fix *f, uint64_t addr, uint32_t *v, uint32_t len,
		  bool is_write)
{
	return bus_dispatch(&f->mmio, addr, (uint8_t *)v, len, is_write);
}

static uint32_t bar0(struct fix *f)
{
	return ecam_read(f, TEST_SLOT, 0, PCI_BASE_ADDRESS_0, 4) & ~0xfu;
}

static void test_ids_both_mechanisms(void **state)
{
	struct fix *f = *state;

	assert_int_equal(cf8_read(f, 0, TEST_SLOT, 0, PCI_VENDOR_ID, 4),
			 0x56781234);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_VENDOR_ID, 4),
			 0x56781234);
	assert_int_equal(cf8_read(f, 0, TEST_SLOT, 0, PCI_DEVICE_ID, 2), 0x5678);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_DEVICE_ID, 2), 0x5678);
	assert_int_equal(cf8_read(f, 0, TEST_SLOT, 0, PCI_CLASS_REVISION, 4),
			 0x0c033007);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_CLASS_REVISION, 4),
			 0x0c033007);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_SUBSYSTEM_ID, 2),
			 0x4321);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_INTERRUPT_PIN, 1), 1);
	/* The host bridge in slot 0. */
	assert_int_equal(cf8_read(f, 0, 0, 0, PCI_VENDOR_ID, 4),
			 PCI_HOST_DEVICE << 16 | PCI_HOST_VENDOR);
	assert_int_equal(ecam_read(f, 0, 0, PCI_VENDOR_ID, 4),
			 PCI_HOST_DEVICE << 16 | PCI_HOST_VENDOR);
	assert_int_equal(ecam_read(f, 0, 0, PCI_CLASS_REVISION, 4) >> 8,
			 PCI_HOST_CLASS);
	assert_int_equal(ecam_read(f, 0, 0, PCI_HEADER_TYPE, 1), 0);
	/* A write through one mechanism shows through the other. */
	cf8_write(f, TEST_SLOT, PCI_INTERRUPT_LINE, 0x0b, 1);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_INTERRUPT_LINE, 1),
			 0x0b);
	ecam_write(f, TEST_SLOT, PCI_LATENCY_TIMER, 0x40, 1);
	assert_int_equal(cf8_read(f, 0, TEST_SLOT, 0, PCI_LATENCY_TIMER, 1),
			 0x40);
}

static void test_absent_reads_ones(void **state)
{
	struct fix *f = *state;
	uint32_t a = 0x00001800, v = 0;	/* enable bit clear */

	assert_int_equal(cf8_read(f, 0, 5, 0, 0, 4), 0xffffffff);
	assert_int_equal(ecam_read(f, 5, 0, 0, 4), 0xffffffff);
	assert_int_equal(ecam_read(f, 31, 0, 0, 2), 0xffff);
	/* Function 1 of a present device, and another bus. */
	assert_int_equal(cf8_read(f, 0, TEST_SLOT, 1, 0, 4), 0xffffffff);
	assert_int_equal(ecam_read(f, TEST_SLOT, 1, 0, 4), 0xffffffff);
	assert_int_equal(cf8_read(f, 1, TEST_SLOT, 0, 0, 4), 0xffffffff);
	/* ECAM beyond bus 0 is not even decoded. */
	assert_int_equal(bus_dispatch(&f->mmio, LAYOUT_PCI_ECAM +
				      LAYOUT_PCI_ECAM_SIZE, (uint8_t *)&v, 4,
				      false), -ENOENT);
	assert_int_equal(v, 0xffffffff);
	/* Config cycles with the enable bit clear. */
	bus_dispatch(&f->pio, PORT_PCI_CONFIG_ADDR, (uint8_t *)&a, 4, true);
	v = 0;
	bus_dispatch(&f->pio, PORT_PCI_CONFIG_DATA, (uint8_t *)&v, 4, false);
	assert_int_equal(v, 0xffffffff);
	/* Writes to nothing are harmless. */
	cf8_write(f, 9, PCI_COMMAND, 0xffff, 2);
	ecam_write(f, 9, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	assert_int_equal(ecam_read(f, 9, 0, PCI_COMMAND, 2), 0xffff);
}

static void test_config_addr_latch(void **state)
{
	struct fix *f = *state;
	uint32_t v = 0x80000000, r = 0;
	uint8_t b = 1;

	/* What Linux's pci_check_type1() does. */
	assert_int_equal(bus_dispatch(&f->pio, PORT_PCI_CONFIG_ADDR + 3, &b, 1,
				      true), 0);
	assert_int_equal(bus_dispatch(&f->pio, PORT_PCI_CONFIG_ADDR,
				      (uint8_t *)&v, 4, true), 0);
	assert_int_equal(bus_dispatch(&f->pio, PORT_PCI_CONFIG_ADDR,
				      (uint8_t *)&r, 4, false), 0);
	assert_int_equal(r, 0x80000000);
	/* Narrow accesses to the latch read all-ones and change nothing. */
	b = 0;
	assert_int_equal(bus_dispatch(&f->pio, PORT_PCI_CONFIG_ADDR + 1, &b, 1,
				      false), 0);
	assert_int_equal(b, 0xff);
	b = 0x12;
	bus_dispatch(&f->pio, PORT_PCI_CONFIG_ADDR + 2, &b, 1, true);
	bus_dispatch(&f->pio, PORT_PCI_CONFIG_ADDR, (uint8_t *)&r, 4, false);
	assert_int_equal(r, 0x80000000);
}

static void test_bar_sizing(void **state)
{
	struct fix *f = *state;
	uint32_t orig = ecam_read(f, TEST_SLOT, 0, PCI_BASE_ADDRESS_0, 4);
	uint32_t orig2 = cf8_read(f, 0, TEST_SLOT, 0, PCI_BASE_ADDRESS_2, 4);

	assert_int_equal(orig % TEST_BAR_SIZE, 0);
	assert_true(orig >= LAYOUT_PCI_MMIO &&
		    orig < LAYOUT_PCI_MMIO + LAYOUT_PCI_MMIO_SIZE);
	assert_int_equal(orig2 % 0x4000, 0);
	ecam_write(f, TEST_SLOT, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_BASE_ADDRESS_0, 4),
			 ~(uint32_t)(TEST_BAR_SIZE - 1));
	ecam_write(f, TEST_SLOT, PCI_BASE_ADDRESS_0, orig, 4);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_BASE_ADDRESS_0, 4),
			 orig);
	cf8_write(f, TEST_SLOT, PCI_BASE_ADDRESS_2, 0xffffffff, 4);
	assert_int_equal(cf8_read(f, 0, TEST_SLOT, 0, PCI_BASE_ADDRESS_2, 4),
			 0xffffc000);
	cf8_write(f, TEST_SLOT, PCI_BASE_ADDRESS_2, orig2, 4);
	/* Unimplemented BARs and the ROM BAR stay zero. */
	ecam_write(f, TEST_SLOT, PCI_BASE_ADDRESS_1, 0xffffffff, 4);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_BASE_ADDRESS_1, 4), 0);
	ecam_write(f, TEST_SLOT, PCI_ROM_ADDRESS, 0xffffffff, 4);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_ROM_ADDRESS, 4), 0);
	/* Byte-wide sizing of the top byte works too. */
	ecam_write(f, TEST_SLOT, PCI_BASE_ADDRESS_0 + 1, 0xff, 1);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_BASE_ADDRESS_0 + 1, 1),
			 0xf0);
}

static void test_bar_move(void **state)
{
	struct fix *f = *state;
	uint32_t old = bar0(f), dst = LAYOUT_PCI_MMIO + 0x100000, v = 0;
	int decodes = f->decode_calls;

	assert_int_equal(mem_rw(f, old + 0x10, &v, 4, false), 0);
	assert_int_equal(f->bar_calls, 1);
	assert_int_equal(f->bar_off, 0x10);
	assert_int_equal(v, 0x5c5c5c5c);

	ecam_write(f, TEST_SLOT, PCI_BASE_ADDRESS_0, dst, 4);
	assert_int_equal(bar0(f), dst);
	assert_true(f->decode_calls > decodes);
	v = 0;
	assert_int_equal(mem_rw(f, old + 0x10, &v, 4, false), -ENOENT);
	assert_int_equal(v, 0xffffffff);
	assert_int_equal(f->bar_calls, 1);
	v = 0xabcd;
	assert_int_equal(mem_rw(f, dst + 0x24, &v, 2, true), 0);
	assert_int_equal(f->bar_calls, 2);
	assert_int_equal(f->bar_idx, 0);
	assert_int_equal(f->bar_off, 0x24);
	assert_true(f->bar_write);
	assert_int_equal(f->bar_data, 0xabcd);
	/* An access running off the end of the BAR is not the BAR's. */
	assert_int_equal(mem_rw(f, dst + TEST_BAR_SIZE - 2, &v, 4, false),
			 -ENOENT);
	/* A BAR moved outside the window is simply unreachable. */
	ecam_write(f, TEST_SLOT, PCI_BASE_ADDRESS_0, 0x1000, 4);
	assert_int_equal(mem_rw(f, dst, &v, 4, false), -ENOENT);
	assert_int_equal(f->bar_calls, 2);
}

static void test_memory_decode_off(void **state)
{
	struct fix *f = *state;
	uint32_t base = bar0(f), v = 0;
	uint16_t cmd = (uint16_t)ecam_read(f, TEST_SLOT, 0, PCI_COMMAND, 2);
	int decodes = f->decode_calls;

	assert_true(cmd & PCI_COMMAND_MEMORY);
	ecam_write(f, TEST_SLOT, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY, 2);
	assert_int_equal(f->decode_calls, decodes + 1);
	assert_int_equal(mem_rw(f, base, &v, 4, false), -ENOENT);
	assert_int_equal(v, 0xffffffff);
	v = 1;
	assert_int_equal(mem_rw(f, base, &v, 4, true), -ENOENT);
	/* MSI-X structures disappear with the rest of the BAR. */
	assert_int_equal(mem_rw(f, base + TEST_TABLE, &v, 4, true), -ENOENT);
	assert_int_equal(f->bar_calls, 0);
	assert_int_equal(f->change_calls, 0);
	ecam_write(f, TEST_SLOT, PCI_COMMAND, cmd, 2);
	assert_int_equal(mem_rw(f, base, &v, 4, false), 0);
	assert_int_equal(f->bar_calls, 1);
}

static void test_config_hostile(void **state)
{
	struct fix *f = *state;
	uint32_t v = 0;

	/* Extended config space reads zero and ignores writes. */
	for (unsigned int reg = 0x100; reg < 0x1000; reg += 0x3fc)
		assert_int_equal(ecam_read(f, TEST_SLOT, 0, reg, 4), 0);
	ecam_write(f, TEST_SLOT, 0xffc, 0xffffffff, 4);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, 0xffc, 4), 0);
	/* Accesses crossing a dword read all-ones, writes are dropped. */
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, 3, 2), 0xffff);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, 2, 4), 0xffffffff);
	v = ecam_read(f, TEST_SLOT, 0, PCI_INTERRUPT_LINE, 4);
	ecam_write(f, TEST_SLOT, PCI_INTERRUPT_LINE + 3, 0xffff, 2);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_INTERRUPT_LINE, 4), v);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, 0x40, 1), PCI_CAP_ID_MSIX);
	v = 0;
	assert_int_equal(pci_config_data_io(&f->pb, 3, (uint8_t *)&v, 2, false),
			 0);
	assert_int_equal(v, 0xffff);
	v = 0;
	assert_int_equal(pci_config_data_io(&f->pb, 0, (uint8_t *)&v, 3, false),
			 0);
	assert_int_equal(v, 0xffffff);
	assert_int_equal(pci_ecam_io(&f->pb, LAYOUT_PCI_ECAM_SIZE + 8,
				     (uint8_t *)&v, 4, false), 0);
	assert_int_equal(v, 0xffffffff);
	/* Read-only fields stay put. */
	ecam_write(f, TEST_SLOT, PCI_VENDOR_ID, 0, 4);
	ecam_write(f, TEST_SLOT, PCI_CLASS_REVISION, 0, 4);
	ecam_write(f, TEST_SLOT, PCI_CAPABILITY_LIST, 0xfc, 1);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_VENDOR_ID, 4),
			 0x56781234);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_CLASS_REVISION, 4),
			 0x0c033007);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_CAPABILITY_LIST, 1),
			 0x40);
	/* STATUS: CAP_LIST is read-only, error bits are write-1-to-clear. */
	ecam_write(f, TEST_SLOT, PCI_STATUS, 0xffff, 2);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, PCI_STATUS, 2),
			 PCI_STATUS_CAP_LIST);
	/* The MSI-X table size and offsets are read-only. */
	ecam_write(f, TEST_SLOT, 0x40, 0xffffffff, 4);
	ecam_write(f, TEST_SLOT, 0x44, 0xffffffff, 4);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, 0x42, 2) &
			 PCI_MSIX_FLAGS_QSIZE, TEST_NR_VEC - 1);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, 0x44, 4), TEST_TABLE);
	assert_int_equal(ecam_read(f, TEST_SLOT, 0, 0x40, 1), PCI_CAP_ID_MSIX);
}

static void test_cap_list(void **state)
{
	struct fix *f = *state;
	struct pci_dev d;
	int a, b;
	unsigned int ptr, hops = 0;

	pci_dev_init(&d, 1, 2, 0, 0, 0, 0, 0);
	assert_int_equal(pci_cap_find(&d, PCI_CAP_ID_VNDR), 0);
	a = pci_cap_add(&d, PCI_CAP_ID_VNDR, 6);
	b = pci_cap_add(&d, PCI_CAP_ID_PM, 8);
	assert_int_equal(a, 0x40);
	assert_int_equal(b, 0x48);
	assert_int_equal(pci_cap_find(&d, PCI_CAP_ID_PM), 0x48);
	assert_int_equal(d.cfg[PCI_CAPABILITY_LIST], 0x40);
	assert_int_equal(d.cfg[0x41], 0x48);
	assert_int_equal(d.cfg[0x49], 0);
	/* The space runs out cleanly. */
	while (pci_cap_add(&d, PCI_CAP_ID_VNDR, 64) > 0)
		hops++;
	assert_true(hops >= 2);
	assert_int_equal(pci_cap_add(&d, PCI_CAP_ID_VNDR, 255), -ENOSPC);
	assert_int_equal(pci_cap_add(&d, PCI_CAP_ID_VNDR, 1), -ENOSPC);
	/* A guest-visible walk of the fixture finds MSI-X. */
	ptr = ecam_read(f, TEST_SLOT, 0, PCI_CAPABILITY_LIST, 1);
	hops = 0;
	while (ptr && hops++ < 48) {
		if (ecam_read(f, TEST_SLOT, 0, ptr, 1) == PCI_CAP_ID_MSIX)
			break;
		ptr = ecam_read(f, TEST_SLOT, 0, ptr + 1, 1);
	}
	assert_int_equal(ptr, 0x40);
	/* A corrupted (looping) list does not hang pci_cap_find. */
	d.cfg[0x41] = 0x40;
	d.cfg[0x40] = PCI_CAP_ID_VNDR;
	assert_int_equal(pci_cap_find(&d, PCI_CAP_ID_EXP), 0);
}

static void msix_set_ctrl(struct fix *f, uint16_t ctrl)
{
	ecam_write(f, TEST_SLOT, 0x42, ctrl, 2);
}

static void test_msix_table(void **state)
{
	struct fix *f = *state;
	uint32_t base = bar0(f) + TEST_TABLE, v;
	struct pci_msix_msg msg;

	/* Entries start masked and MSI-X starts disabled. */
	assert_false(pci_msix_enabled(&f->dev));
	v = 0;
	mem_rw(f, base + 16 * 2 + 12, &v, 4, false);
	assert_int_equal(v, 1);

	v = 0xfee01003;		/* low bits are reserved */
	assert_int_equal(mem_rw(f, base + 16 * 2, &v, 4, true), 0);
	assert_int_equal(f->change_calls, 1);
	assert_int_equal(f->change_vec, 2);
	v = 0x4041;
	mem_rw(f, base + 16 * 2 + 8, &v, 4, true);
	assert_int_equal(f->change_calls, 2);
	/* Rewriting the same value is no change. */
	mem_rw(f, base + 16 * 2 + 8, &v, 4, true);
	assert_int_equal(f->change_calls, 2);
	v = 0xfffffffe;		/* unmask; reserved control bits */
	mem_rw(f, base + 16 * 2 + 12, &v, 4, true);
	assert_int_equal(f->change_calls, 3);
	mem_rw(f, base + 16 * 2 + 12, &v, 4, false);
	assert_int_equal(v, 0);
	mem_rw(f, base + 16 * 2, &v, 4, false);
	assert_int_equal(v, 0xfee01000);

	assert_int_equal(pci_msix_get(&f->dev, 2, &msg), 0);
	assert_int_equal(msg.addr, 0xfee01000);
	assert_int_equal(msg.data, 0x4041);
	assert_true(msg.masked);	/* MSI-X itself is still off */

	f->change_calls = 0;
	msix_set_ctrl(f, PCI_MSIX_FLAGS_ENABLE);
	assert_int_equal(f->change_calls, TEST_NR_VEC);
	assert_true(pci_msix_enabled(&f->dev));
	pci_msix_get(&f->dev, 2, &msg);
	assert_false(msg.masked);
	pci_msix_get(&f->dev, 1, &msg);
	assert_true(msg.masked);
	f->change_calls = 0;
	msix_set_ctrl(f, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	assert_int_equal(f->change_calls, TEST_NR_VEC);
	pci_msix_get(&f->dev, 2, &msg);
	assert_true(msg.masked);
	msix_set_ctrl(f, PCI_MSIX_FLAGS_ENABLE);

	/* A 64-bit write sets address low and high at once. */
	f->change_calls = 0;
	{
		uint64_t q = 0x00000001fee02000ULL;

		assert_int_equal(bus_dispatch(&f->mmio, base + 16 * 3,
					      (uint8_t *)&q, 8, true), 0);
	}
	assert_int_equal(f->change_calls, 1);
	assert_int_equal(f->change_vec, 3);
	pci_msix_get(&f->dev, 3, &msg);
	assert_int_equal(msg.addr, 0x1fee02000ULL);
	assert_int_equal(pci_msix_get(&f->dev, TEST_NR_VEC, &msg), -EINVAL);
}

static void test_msix_out_of_range(void **state)
{
	struct fix *f = *state;
	uint32_t base = bar0(f), v = 0x12345678;

	/* Entry TEST_NR_VEC is past the table: not MSI-X, the device's. */
	assert_int_equal(mem_rw(f, base + TEST_TABLE + 16 * TEST_NR_VEC, &v, 4,
				true), 0);
	assert_int_equal(f->change_calls, 0);
	assert_int_equal(f->bar_calls, 1);
	/* Straddling the table end: dropped, reads all-ones. */
	v = 0;
	assert_int_equal(mem_rw(f, base + TEST_TABLE + 16 * TEST_NR_VEC - 2,
				&v, 4, false), 0);
	assert_int_equal(v, 0xffffffff);
	v = 0;
	mem_rw(f, base + TEST_TABLE + 16 * TEST_NR_VEC - 2, &v, 4, true);
	assert_int_equal(f->change_calls, 0);
	assert_int_equal(f->bar_calls, 1);
	/* Helpers ignore out-of-range vectors too. */
	pci_msix_set_pending(&f->dev, 1000, true);
	assert_false(pci_msix_pending(&f->dev, 1000));
	/* Bad MSI-X layouts are refused. */
	{
		struct pci_dev d;

		pci_dev_init(&d, 1, 2, 0, 0, 0, 0, 0);
		assert_int_equal(pci_msix_init(&d, 4, 0, 0, 0x100, NULL, NULL),
				 -EINVAL);	/* no BAR */
		pci_dev_add_bar(&d, 0, 0x100);
		assert_int_equal(pci_msix_init(&d, 0, 0, 0, 0x80, NULL, NULL),
				 -EINVAL);
		assert_int_equal(pci_msix_init(&d, 8, 0, 0, 0x100, NULL, NULL),
				 -EINVAL);	/* PBA past the BAR */
		assert_int_equal(pci_msix_init(&d, 8, 0, 0, 0x40, NULL, NULL),
				 -EINVAL);	/* overlap */
		assert_int_equal(pci_msix_init(&d, 4, 0, 4, 0x80, NULL, NULL),
				 -EINVAL);	/* misaligned */
		assert_int_equal(pci_msix_init(&d, 4, 6, 0, 0x80, NULL, NULL),
				 -EINVAL);
		assert_int_equal(pci_msix_init(&d, 4, 0, 0, 0x80, NULL, NULL),
				 0);
	}
}

static void test_msix_pba(void **state)
{
	struct fix *f = *state;
	uint32_t pba = bar0(f) + TEST_PBA, v = 0;

	pci_bus_lock(&f->pb);
	pci_msix_set_pending(&f->dev, 1, true);
	pci_msix_set_pending(&f->dev, 3, true);
	pci_bus_unlock(&f->pb);
	assert_int_equal(mem_rw(f, pba, &v, 4, false), 0);
	assert_int_equal(v, 0xa);
	/* The PBA is read-only to the guest. */
	v = 0;
	mem_rw(f, pba, &v, 4, true);
	mem_rw(f, pba, &v, 4, false);
	assert_int_equal(v, 0xa);
	pci_msix_set_pending(&f->dev, 1, false);
	assert_false(pci_msix_pending(&f->dev, 1));
	assert_true(pci_msix_pending(&f->dev, 3));
	assert_int_equal(f->bar_calls, 0);
}

static void test_bus_add(void **state)
{
	struct fix *f = *state;
	struct pci_dev a, b, c;
	int slot;

	pci_dev_init(&a, 1, 1, 0, 0, 0, 0, 0);
	pci_dev_init(&b, 1, 2, 0, 0, 0, 0, 0);
	pci_dev_add_bar(&a, 0, 0x100);
	pci_dev_add_bar(&b, 0, 0x10000);
	assert_int_equal(pci_dev_add_bar(&b, 1, 0x300), -EINVAL);
	assert_int_equal(pci_dev_add_bar(&b, 6, 0x1000), -EINVAL);
	assert_int_equal(pci_dev_add_bar(&b, 1, 8), -EINVAL);
	assert_int_equal(pci_bus_add(&f->pb, &a, TEST_SLOT), -EBUSY);
	assert_int_equal(pci_bus_add(&f->pb, &a, 0), -EINVAL);
	assert_int_equal(pci_bus_add(&f->pb, &a, 32), -EINVAL);
	slot = pci_bus_add(&f->pb, &a, -1);
	assert_int_equal(slot, 1);
	assert_int_equal(pci_bus_add(&f->pb, &a, -1), -EINVAL);	/* twice */
	assert_int_equal(pci_bus_add(&f->pb, &b, -1), 2);
	assert_int_equal(pci_dev_bar_addr(&b, 0) % 0x10000, 0);
	assert_true(pci_dev_bar_addr(&b, 0) >= pci_dev_bar_addr(&a, 0) + 0x100);
	assert_int_equal(ecam_read(f, 2, 0, PCI_DEVICE_ID, 2), 2);
	/* Fill the bus. */
	for (int s = 4; s < 32; s++) {
		struct pci_dev *d = calloc(1, sizeof(*d));

		assert_non_null(d);
		pci_dev_init(d, 1, (uint16_t)s, 0, 0, 0, 0, 0);
		assert_int_equal(pci_bus_add(&f->pb, d, -1), s);
	}
	pci_dev_init(&c, 1, 99, 0, 0, 0, 0, 0);
	assert_int_equal(pci_bus_add(&f->pb, &c, -1), -ENOSPC);
	pci_bus_remove(&f->pb, &a);
	assert_int_equal(ecam_read(f, 1, 0, 0, 4), 0xffffffff);
	for (int s = 4; s < 32; s++)
		free(f->pb.slots[s]);
}

static void test_bar_window_full(void **state)
{
	struct fix *f = *state;
	struct pci_dev big, more;

	(void)f;
	pci_dev_init(&big, 1, 1, 0, 0, 0, 0, 0);
	pci_dev_init(&more, 1, 2, 0, 0, 0, 0, 0);
	assert_int_equal(pci_dev_add_bar(&big, 0, 0x8000000), 0);
	assert_int_equal(pci_bus_add(&f->pb, &big, -1), 1);
	assert_int_equal(pci_dev_add_bar(&more, 0, 0x8000000), 0);
	assert_int_equal(pci_bus_add(&f->pb, &more, -1), -ENOSPC);
	assert_int_equal(more.slot, -1);
	assert_null(f->pb.slots[2]);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ids_both_mechanisms),
		T(test_absent_reads_ones),
		T(test_config_addr_latch),
		T(test_bar_sizing),
		T(test_bar_move),
		T(test_memory_decode_off),
		T(test_config_hostile),
		T(test_cap_list),
		T(test_msix_table),
		T(test_msix_out_of_range),
		T(test_msix_pba),
		T(test_bus_add),
		T(test_bar_window_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
