// SPDX-License-Identifier: MIT
/*
 * virtio-pci (modern) driven through the real PCI core and buses, as a
 * driver would: identity and capabilities, feature negotiation, device
 * status rules, queue set-up and its failure modes, reset, device config
 * bounds, kicks, MSI-X and INTx interrupts, BAR moves and hostile
 * register accesses.
 */
#include <errno.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bus.h"
#include "fakes.h"
#include "layout.h"
#include "pci/pci.h"
#include "util.h"
#include "virtio/virtio_pci.h"

#define NR_Q		2
#define QMAX		256
#define DESC_GPA	0x10000
#define AVAIL_GPA	0x20000
#define USED_GPA	0x30000

struct fix {
	struct bus pio, mmio;
	struct pci_bus pb;
	struct fake_plat fp;
	struct fake_dev fd;
	struct virtio_pci vp;
	int slot;
};

static int fix_setup_common(void **state, bool with_kick)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct errbuf err = { { 0 } };

	if (!f)
		return -1;
	bus_init(&f->pio);
	bus_init(&f->mmio);
	if (pci_bus_init(&f->pb, &f->pio, &f->mmio))
		return -1;
	fake_plat_init(&f->fp, with_kick);
	if (fake_dev_init(&f->fd, VIRTIO_ID_BLOCK, NR_Q, QMAX))
		return -1;
	if (virtio_pci_create(&f->vp, &f->pb, &f->fd.d, &f->fp.plat, &err))
		return -1;
	f->slot = f->vp.pci.slot;
	*state = f;
	return 0;
}

static int fix_setup(void **state)
{
	return fix_setup_common(state, true);
}

static int fix_setup_nokick(void **state)
{
	return fix_setup_common(state, false);
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	virtio_pci_destroy(&f->vp);
	fake_dev_exit(&f->fd);
	pci_bus_exit(&f->pb);
	bus_exit(&f->pio);
	bus_exit(&f->mmio);
	free(f);
	return 0;
}

static uint32_t cfg_read(struct fix *f, unsigned int reg, uint32_t len)
{
	uint32_t v = 0;

	assert_int_equal(bus_dispatch(&f->mmio, LAYOUT_PCI_ECAM +
				      ((unsigned int)f->slot << 15 | reg),
				      (uint8_t *)&v, len, false), 0);
	return v;
}

static void cfg_write(struct fix *f, unsigned int reg, uint32_t v,
		      uint32_t len)
{
	assert_int_equal(bus_dispatch(&f->mmio, LAYOUT_PCI_ECAM +
				      ((unsigned int)f->slot << 15 | reg),
				      (uint8_t *)&v, len, true), 0);
}

static uint64_t bar(struct fix *f)
{
	return cfg_read(f, PCI_BASE_ADDRESS_0, 4) & ~0xfu;
}

static uint32_t rd(struct fix *f, uint64_t off, uint32_t len)
{
	uint32_t v = 0;

	assert_int_equal(bus_dispatch(&f->mmio, bar(f) + off, (uint8_t *)&v,
				      len, false), 0);
	return v;
}

static void wr(struct fix *f, uint64_t off, uint32_t v, uint32_t len)
{
	assert_int_equal(bus_dispatch(&f->mmio, bar(f) + off, (uint8_t *)&v,
				      len, true), 0);
}

static uint8_t status(struct fix *f)
{
	return (uint8_t)rd(f, VIRTIO_PCI_COMMON_STATUS, 1);
}

static void set_status(struct fix *f, uint8_t s)
{
	wr(f, VIRTIO_PCI_COMMON_STATUS, s, 1);
}

static void write_features(struct fix *f, uint64_t feat)
{
	wr(f, VIRTIO_PCI_COMMON_GFSELECT, 0, 4);
	wr(f, VIRTIO_PCI_COMMON_GF, (uint32_t)feat, 4);
	wr(f, VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
	wr(f, VIRTIO_PCI_COMMON_GF, (uint32_t)(feat >> 32), 4);
}

/* The usual driver sequence up to FEATURES_OK, taking all it offers. */
static void negotiate(struct fix *f)
{
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE);
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	write_features(f, f->fd.d.host_features);
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK);
	assert_true(status(f) & VIRTIO_STATUS_FEATURES_OK);
}

static void setup_queue(struct fix *f, uint16_t qi, uint16_t size,
			uint64_t desc)
{
	wr(f, VIRTIO_PCI_COMMON_Q_SELECT, qi, 2);
	wr(f, VIRTIO_PCI_COMMON_Q_SIZE, size, 2);
	wr(f, VIRTIO_PCI_COMMON_Q_DESCLO, (uint32_t)desc, 4);
	wr(f, VIRTIO_PCI_COMMON_Q_DESCHI, (uint32_t)(desc >> 32), 4);
	wr(f, VIRTIO_PCI_COMMON_Q_AVAILLO, AVAIL_GPA + qi * 0x1000, 4);
	wr(f, VIRTIO_PCI_COMMON_Q_AVAILHI, 0, 4);
	wr(f, VIRTIO_PCI_COMMON_Q_USEDLO, USED_GPA + qi * 0x1000, 4);
	wr(f, VIRTIO_PCI_COMMON_Q_USEDHI, 0, 4);
	wr(f, VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
}

static void test_identity(void **state)
{
	struct fix *f = *state;

	assert_int_equal(cfg_read(f, PCI_VENDOR_ID, 2), 0x1af4);
	assert_int_equal(cfg_read(f, PCI_DEVICE_ID, 2), 0x1040 + VIRTIO_ID_BLOCK);
	assert_int_equal(cfg_read(f, PCI_REVISION_ID, 1), 1);
	assert_int_equal(cfg_read(f, PCI_SUBSYSTEM_VENDOR_ID, 2), 0x1af4);
	assert_int_equal(cfg_read(f, PCI_SUBSYSTEM_ID, 2), VIRTIO_ID_BLOCK);
	assert_int_equal(cfg_read(f, PCI_CLASS_REVISION, 4) >> 8, 0x010000);
	assert_int_equal(cfg_read(f, PCI_INTERRUPT_PIN, 1), 1);
	assert_int_equal(cfg_read(f, PCI_INTERRUPT_LINE, 1),
			 pci_intx_gsi(f->slot));
	assert_int_equal(f->fp.irqfd_efd[pci_intx_gsi(f->slot)], f->vp.intx_fd);
	/* BAR0: 32-bit memory, VIRTIO_PCI_BAR_SIZE, in the window. */
	assert_int_equal(cfg_read(f, PCI_BASE_ADDRESS_0, 4) & 0xf, 0);
	assert_int_equal(bar(f) % VIRTIO_PCI_BAR_SIZE, 0);
	cfg_write(f, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	assert_int_equal(cfg_read(f, PCI_BASE_ADDRESS_0, 4),
			 ~(uint32_t)(VIRTIO_PCI_BAR_SIZE - 1));
	/* VERSION_1 is always offered by this transport. */
	assert_true(f->fd.d.host_features &
		    VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT));
	/* Every vector got a GSI, an irqfd and a masked route. */
	for (unsigned int v = 0; v < NR_Q + 1; v++) {
		int gsi = f->vp.irq_gsi[v];

		assert_true(gsi >= FAKE_GSI_BASE);
		assert_int_equal(f->fp.irqfd_efd[gsi], f->vp.irq_fd[v]);
		assert_true(f->fp.route[gsi].masked);
	}
}

static void test_capabilities(void **state)
{
	struct fix *f = *state;
	unsigned int ptr = cfg_read(f, PCI_CAPABILITY_LIST, 1), hops = 0;
	unsigned int seen = 0, msix = 0;

	assert_true(cfg_read(f, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	while (ptr && hops++ < 48) {
		unsigned int id = cfg_read(f, ptr, 1);

		if (id == PCI_CAP_ID_MSIX) {
			msix = ptr;
		} else if (id == PCI_CAP_ID_VNDR) {
			unsigned int type = cfg_read(f, ptr + 3, 1);
			uint32_t off = cfg_read(f, ptr + 8, 4);
			uint32_t len = cfg_read(f, ptr + 12, 4);

			assert_int_equal(cfg_read(f, ptr + 4, 1), 0);	/* bar */
			seen |= 1u << type;
			switch (type) {
			case VIRTIO_PCI_CAP_COMMON_CFG:
				assert_int_equal(off, 0);
				assert_true(len >= 0x38);
				break;
			case VIRTIO_PCI_CAP_NOTIFY_CFG:
				assert_int_equal(off, 0x3000);
				assert_int_equal(cfg_read(f, ptr + 2, 1), 20);
				assert_int_equal(cfg_read(f, ptr + 16, 4), 4);
				assert_true(len >= 4 * (NR_Q - 1) + 2);
				break;
			case VIRTIO_PCI_CAP_ISR_CFG:
				assert_int_equal(off, 0x1000);
				assert_true(len >= 1);
				break;
			case VIRTIO_PCI_CAP_DEVICE_CFG:
				assert_int_equal(off, 0x2000);
				assert_true(len >= FAKE_CONFIG_SIZE);
				break;
			case VIRTIO_PCI_CAP_PCI_CFG:
				assert_int_equal(cfg_read(f, ptr + 2, 1), 20);
				break;
			default:
				fail_msg("unexpected virtio cap type %u", type);
			}
		}
		ptr = cfg_read(f, ptr + 1, 1);
	}
	assert_int_equal(seen, 1u << 1 | 1u << 2 | 1u << 3 | 1u << 4 | 1u << 5);
	assert_true(msix);
	assert_int_equal(cfg_read(f, msix + 2, 2) & PCI_MSIX_FLAGS_QSIZE, NR_Q);
	assert_int_equal(cfg_read(f, msix + 4, 4), VIRTIO_PCI_MSIX_TABLE_OFF);
	assert_int_equal(cfg_read(f, msix + 8, 4), VIRTIO_PCI_MSIX_PBA_OFF);
}

static void test_features(void **state)
{
	struct fix *f = *state;
	uint64_t host = f->fd.d.host_features;

	wr(f, VIRTIO_PCI_COMMON_DFSELECT, 0, 4);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_DF, 4), (uint32_t)host);
	wr(f, VIRTIO_PCI_COMMON_DFSELECT, 1, 4);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_DF, 4), (uint32_t)(host >> 32));
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_DF, 4) & 1, 1);	/* VERSION_1 */
	wr(f, VIRTIO_PCI_COMMON_DFSELECT, 2, 4);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_DF, 4), 0);
	wr(f, VIRTIO_PCI_COMMON_DFSELECT, 0xffffffff, 4);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_DF, 4), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_DFSELECT, 4), 0xffffffff);

	/* Without VERSION_1, FEATURES_OK does not stick. */
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	write_features(f, host & 0xffffffffULL);
	wr(f, VIRTIO_PCI_COMMON_GFSELECT, 0, 4);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_GF, 4), (uint32_t)host);
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK);
	assert_false(status(f) & VIRTIO_STATUS_FEATURES_OK);

	/* A bit that was never offered: refused too. */
	set_status(f, 0);
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	write_features(f, host | VIRTIO_FEATURE(7));
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK);
	assert_false(status(f) & VIRTIO_STATUS_FEATURES_OK);

	/* A bit past 63 (select 2): refused. */
	set_status(f, 0);
	write_features(f, host);
	wr(f, VIRTIO_PCI_COMMON_GFSELECT, 2, 4);
	wr(f, VIRTIO_PCI_COMMON_GF, 1, 4);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_GF, 4), 0);
	set_status(f, VIRTIO_STATUS_FEATURES_OK);
	assert_false(status(f) & VIRTIO_STATUS_FEATURES_OK);

	/* A subset with VERSION_1 is fine and then frozen. */
	set_status(f, 0);
	assert_int_equal(f->fd.d.guest_features, 0);
	write_features(f, VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT));
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK);
	assert_true(status(f) & VIRTIO_STATUS_FEATURES_OK);
	write_features(f, host);
	assert_int_equal(f->fd.d.guest_features,
			 VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT));
}

static void test_status_rules(void **state)
{
	struct fix *f = *state;

	/* DRIVER_OK before FEATURES_OK: not accepted, nothing activated. */
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_DRIVER_OK);
	assert_false(status(f) & VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(f->fd.activate_calls, 0);
	/* The driver cannot raise NEEDS_RESET nor clear bits. */
	set_status(f, VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(status(f), VIRTIO_STATUS_ACKNOWLEDGE |
			 VIRTIO_STATUS_DRIVER);
	negotiate(f);
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	assert_true(status(f) & VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(f->fd.activate_calls, 1);
	set_status(f, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(f->fd.activate_calls, 1);
	/* A failed activation means NEEDS_RESET. */
	set_status(f, 0);
	f->fd.activate_ret = -EIO;
	negotiate(f);
	set_status(f, VIRTIO_STATUS_DRIVER_OK);
	assert_int_equal(f->fd.activate_calls, 2);
	assert_true(status(f) & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(f->fd.d.broken);
	/* FAILED is just recorded. */
	set_status(f, VIRTIO_STATUS_FAILED);
	assert_true(status(f) & VIRTIO_STATUS_FAILED);
	set_status(f, 0);
	assert_int_equal(status(f), 0);
	assert_false(f->fd.d.broken);
}

static void test_queue_select_oob(void **state)
{
	struct fix *f = *state;
	const uint16_t sels[] = { NR_Q, 5, VIRTIO_MAX_QUEUES, 0xffff };

	negotiate(f);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_NUMQ, 2), NR_Q);
	for (size_t i = 0; i < ARRAY_SIZE(sels); i++) {
		wr(f, VIRTIO_PCI_COMMON_Q_SELECT, sels[i], 2);
		assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_SELECT, 2), sels[i]);
		assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_SIZE, 2), 0);
		wr(f, VIRTIO_PCI_COMMON_Q_SIZE, 64, 2);
		assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_SIZE, 2), 0);
		wr(f, VIRTIO_PCI_COMMON_Q_DESCLO, DESC_GPA, 4);
		assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_DESCLO, 4), 0);
		wr(f, VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
		assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_MSIX, 2), 0xffff);
		wr(f, VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
		assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
		assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_NOFF, 2), 0);
	}
	assert_false(status(f) & VIRTIO_STATUS_NEEDS_RESET);
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
		assert_false(f->fd.d.vqs[q].ready);
}

static void test_queue_enable(void **state)
{
	struct fix *f = *state;
	uint64_t notify = bar(f) + VIRTIO_PCI_NOTIFY_OFF + 4;
	const struct fake_ioeventfd *io;

	negotiate(f);
	wr(f, VIRTIO_PCI_COMMON_Q_SELECT, 1, 2);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_SIZE, 2), QMAX);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_NOFF, 2), 1);
	setup_queue(f, 1, 128, DESC_GPA);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_ENABLE, 2), 1);
	assert_false(status(f) & VIRTIO_STATUS_NEEDS_RESET);
	assert_true(f->fd.d.vqs[1].ready);
	assert_int_equal(f->fd.d.vqs[1].size, 128);
	assert_int_equal(f->fd.d.vqs[1].desc_gpa, DESC_GPA);
	assert_int_equal(f->fd.d.vqs[1].avail_gpa, AVAIL_GPA + 0x1000);
	assert_int_equal(f->fd.d.vqs[1].used_gpa, USED_GPA + 0x1000);
	assert_true(f->fd.d.vqs[1].event_idx);
	assert_false(f->fd.d.vqs[1].indirect);
	assert_false(f->fd.d.vqs[0].ready);
	/* The kick eventfd is watched and KVM signals it on notify. */
	assert_int_equal(f->fp.kick_efd[1], f->vp.q[1].kick_fd);
	io = fake_ioev_last(&f->fp, notify);
	assert_non_null(io);
	assert_true(io->assign);
	assert_int_equal(io->len, 2);
	assert_int_equal(io->efd, f->vp.q[1].kick_fd);
	/* The ring is frozen while enabled. */
	wr(f, VIRTIO_PCI_COMMON_Q_DESCLO, 0x40000, 4);
	wr(f, VIRTIO_PCI_COMMON_Q_SIZE, 64, 2);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_DESCLO, 4), DESC_GPA);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_SIZE, 2), 128);
	/* Writing 0 to queue_enable is not a thing in virtio 1.x. */
	wr(f, VIRTIO_PCI_COMMON_Q_ENABLE, 0, 2);
	assert_true(f->fd.d.vqs[1].ready);
}

static void test_queue_bad_size(void **state)
{
	struct fix *f = *state;
	const uint16_t sizes[] = { 100, 0, QMAX * 2 };

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		set_status(f, 0);
		negotiate(f);
		set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
		setup_queue(f, 0, sizes[i], DESC_GPA);
		assert_true(status(f) & VIRTIO_STATUS_NEEDS_RESET);
		assert_true(f->fd.d.broken);
		assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
		assert_false(f->fd.d.vqs[0].ready);
		assert_int_equal(f->fp.kick_efd[0], -1);
	}
	assert_true(f->fd.log_calls >= 1);
	/* The config interrupt told the driver (ISR bit 1, INTx mode). */
	assert_int_equal(rd(f, VIRTIO_PCI_ISR_OFF, 1) & VIRTIO_PCI_ISR_CONFIG,
			 VIRTIO_PCI_ISR_CONFIG);
}

static void test_queue_bad_ring(void **state)
{
	struct fix *f = *state;

	negotiate(f);
	setup_queue(f, 0, 64, FAKE_RAM_SIZE - 16);	/* past RAM */
	assert_true(status(f) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(f->fd.d.vqs[0].ready);
	set_status(f, 0);
	negotiate(f);
	setup_queue(f, 0, 64, DESC_GPA + 8);		/* misaligned */
	assert_true(status(f) & VIRTIO_STATUS_NEEDS_RESET);
	/* Enabling before FEATURES_OK is a violation as well. */
	set_status(f, 0);
	setup_queue(f, 1, 64, DESC_GPA);
	assert_true(status(f) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(f->fd.d.vqs[1].ready);
}

static void test_kick_watch_failure(void **state)
{
	struct fix *f = *state;

	f->fp.kick_fail = -ENOSPC;
	negotiate(f);
	setup_queue(f, 0, 64, DESC_GPA);
	assert_true(status(f) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(f->fd.d.vqs[0].ready);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
}

static void test_reset(void **state)
{
	struct fix *f = *state;
	uint64_t notify = bar(f) + VIRTIO_PCI_NOTIFY_OFF;
	const struct fake_ioeventfd *io;

	negotiate(f);
	wr(f, VIRTIO_PCI_COMMON_MSIX, 0, 2);
	setup_queue(f, 0, 64, DESC_GPA);
	wr(f, VIRTIO_PCI_COMMON_Q_MSIX, 1, 2);
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	assert_true(f->fd.d.vqs[0].ready);

	set_status(f, 0);
	assert_int_equal(f->fd.reset_calls, 1);
	assert_int_equal(status(f), 0);
	assert_int_equal(f->fd.d.guest_features, 0);
	assert_false(f->fd.d.vqs[0].ready);
	io = fake_ioev_last(&f->fp, notify);
	assert_non_null(io);
	assert_false(io->assign);
	assert_int_equal(f->fp.kick_efd[0], -1);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_MSIX, 2), 0xffff);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_SELECT, 2), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_SIZE, 2), QMAX);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_MSIX, 2), 0xffff);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_DESCLO, 4), 0);
	/* And the device works again after a reset. */
	negotiate(f);
	setup_queue(f, 0, 64, DESC_GPA);
	assert_true(f->fd.d.vqs[0].ready);
	assert_non_null(io = fake_ioev_last(&f->fp, notify));
	assert_true(io->assign);
}

static void test_device_config(void **state)
{
	struct fix *f = *state;

	assert_int_equal(rd(f, VIRTIO_PCI_DEVICE_OFF, 4), 0xa3a2a1a0);
	assert_int_equal(rd(f, VIRTIO_PCI_DEVICE_OFF + 7, 1), 0xa7);
	assert_int_equal(f->fd.config_reads, 2);
	/* Crossing the end of the config, or past it: zeros, no call. */
	assert_int_equal(rd(f, VIRTIO_PCI_DEVICE_OFF + 6, 4), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_DEVICE_OFF + 8, 1), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_DEVICE_OFF + 0xffc, 4), 0);
	assert_int_equal(f->fd.config_reads, 2);
	wr(f, VIRTIO_PCI_DEVICE_OFF + 6, 0xffffffff, 4);
	wr(f, VIRTIO_PCI_DEVICE_OFF + 0x100, 0xffffffff, 4);
	assert_int_equal(f->fd.config_writes, 0);
	wr(f, VIRTIO_PCI_DEVICE_OFF + 4, 0x11223344, 4);
	assert_int_equal(f->fd.config_writes, 1);
	assert_int_equal(f->fd.config[4], 0x44);
	assert_int_equal(f->fd.config[7], 0x11);
	/* An access straddling two regions goes nowhere. */
	assert_int_equal(rd(f, VIRTIO_PCI_DEVICE_OFF - 2, 4), 0);
	assert_int_equal(f->fd.config_reads, 2);
}

static void test_common_bad_widths(void **state)
{
	struct fix *f = *state;

	negotiate(f);
	/* Wrong widths read 0 and write nothing. */
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_STATUS, 4), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_NUMQ, 1), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_NUMQ + 1, 1), 0);
	wr(f, VIRTIO_PCI_COMMON_STATUS, 0, 2);		/* would be a reset */
	assert_true(status(f) & VIRTIO_STATUS_FEATURES_OK);
	wr(f, VIRTIO_PCI_COMMON_Q_SELECT, 1, 4);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_SELECT, 2), 0);
	/* Read-only registers ignore writes. */
	wr(f, VIRTIO_PCI_COMMON_NUMQ, 40, 2);
	wr(f, VIRTIO_PCI_COMMON_CFGGENERATION, 9, 1);
	wr(f, VIRTIO_PCI_COMMON_DF, 0xffffffff, 4);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_NUMQ, 2), NR_Q);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_CFGGENERATION, 1), 0);
	/* Unknown offsets in the common region and empty BAR space. */
	assert_int_equal(rd(f, 0x38, 4), 0);
	assert_int_equal(rd(f, 0xffc, 4), 0);
	wr(f, 0x800, 0xffffffff, 4);
	assert_int_equal(rd(f, 0x6000, 4), 0);
	wr(f, 0x7ffc, 0xffffffff, 4);
	/* The ISR ignores writes; other ISR offsets read 0. */
	wr(f, VIRTIO_PCI_ISR_OFF, 3, 1);
	assert_int_equal(rd(f, VIRTIO_PCI_ISR_OFF + 4, 4), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_ISR_OFF, 1), 0);
	/* A direct call with a bad BAR or length is refused. */
	{
		uint8_t b[4] = { 0 };

		assert_int_equal(virtio_pci_bar_io(&f->vp.pci, 1, 0, b, 4,
						   false), 0);
		assert_int_equal(virtio_pci_bar_io(&f->vp.pci, 0, 0xffe, b, 4,
						   true), 0);
	}
	assert_true(status(f) & VIRTIO_STATUS_FEATURES_OK);
}

/*
 * queue_desc, queue_driver and queue_device are 64-bit fields whose
 * natural access is one 64-bit read or write (virtio 1.2, 4.1.3.1); a
 * driver may also split them. Only those three take 8 bytes: any other
 * 8-byte access is refused, and a live queue's addresses stay frozen.
 */
static uint64_t rd64(struct fix *f, uint64_t off)
{
	uint64_t v = 0;

	assert_int_equal(bus_dispatch(&f->mmio, bar(f) + off, (uint8_t *)&v,
				      8, false), 0);
	return v;
}

static void wr64(struct fix *f, uint64_t off, uint64_t v)
{
	assert_int_equal(bus_dispatch(&f->mmio, bar(f) + off, (uint8_t *)&v,
				      8, true), 0);
}

/* Each ring address takes one 64-bit write and reads back whole. */
static void test_ring_addr_64bit(void **state)
{
	static const uint32_t field[] = {
		VIRTIO_PCI_COMMON_Q_DESCLO, VIRTIO_PCI_COMMON_Q_AVAILLO,
		VIRTIO_PCI_COMMON_Q_USEDLO,
	};
	struct fix *f = *state;

	wr(f, VIRTIO_PCI_COMMON_Q_SELECT, 1, 2);
	for (unsigned int i = 0; i < ARRAY_SIZE(field); i++) {
		uint64_t v = 0x123456789abcd000ULL + i * 0x100;

		wr64(f, field[i], v);
		assert_int_equal(rd(f, field[i], 4), (uint32_t)v);
		assert_int_equal(rd(f, field[i] + 4, 4), (uint32_t)(v >> 32));
		assert_int_equal(rd64(f, field[i]), v);
	}
	assert_int_equal(f->vp.q[1].desc, 0x123456789abcd000ULL);
	assert_int_equal(f->vp.q[1].driver, 0x123456789abcd100ULL);
	assert_int_equal(f->vp.q[1].device, 0x123456789abcd200ULL);
	assert_int_equal(f->vp.q[0].desc, 0);
}

/* A queue set up with 64-bit writes only works like any other. */
static void test_queue_enable_64bit(void **state)
{
	struct fix *f = *state;

	negotiate(f);
	wr(f, VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
	wr(f, VIRTIO_PCI_COMMON_Q_SIZE, 8, 2);
	wr64(f, VIRTIO_PCI_COMMON_Q_DESCLO, 0x10000);
	wr64(f, VIRTIO_PCI_COMMON_Q_AVAILLO, 0x11000);
	wr64(f, VIRTIO_PCI_COMMON_Q_USEDLO, 0x12000);
	wr(f, VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_ENABLE, 2), 1);
	assert_false(rd(f, VIRTIO_PCI_COMMON_STATUS, 1) &
		     VIRTIO_STATUS_NEEDS_RESET);
	assert_true(f->fd.d.vqs[0].ready);
	/* Live: a whole write changes neither half. */
	wr64(f, VIRTIO_PCI_COMMON_Q_DESCLO, 0xffffffff00020000ULL);
	assert_int_equal(rd64(f, VIRTIO_PCI_COMMON_Q_DESCLO), 0x10000);
}

/* A queue that does not exist: 64-bit writes go nowhere, reads are 0. */
static void test_ring_addr_64bit_no_queue(void **state)
{
	struct fix *f = *state;

	wr(f, VIRTIO_PCI_COMMON_Q_SELECT, NR_Q, 2);
	wr64(f, VIRTIO_PCI_COMMON_Q_DESCLO, 0x10000);
	assert_int_equal(rd64(f, VIRTIO_PCI_COMMON_Q_DESCLO), 0);
	for (unsigned int qi = 0; qi < NR_Q; qi++)
		assert_int_equal(f->vp.q[qi].desc, 0);
}

/* Everywhere else an 8-byte access is still a wrong width. */
static void test_other_64bit_refused(void **state)
{
	struct fix *f = *state;

	wr(f, VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
	/* Straddling two fields: the high half of desc and driver's low. */
	wr64(f, VIRTIO_PCI_COMMON_Q_DESCHI, 0x1111111122222222ULL);
	assert_int_equal(f->vp.q[0].desc, 0);
	assert_int_equal(f->vp.q[0].driver, 0);
	assert_int_equal(rd64(f, VIRTIO_PCI_COMMON_Q_DESCHI), 0);
	/* Two 32-bit registers side by side: the feature select and window. */
	wr64(f, VIRTIO_PCI_COMMON_GFSELECT, 0x0000000100000000ULL);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_GFSELECT, 4), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_GF, 4), 0);
	assert_int_equal(rd64(f, VIRTIO_PCI_COMMON_DFSELECT), 0);
	/* Status in an 8-byte write would be a reset or a status change. */
	set_status(f, VIRTIO_STATUS_ACKNOWLEDGE);
	wr64(f, VIRTIO_PCI_COMMON_MSIX, 0);
	wr64(f, VIRTIO_PCI_COMMON_STATUS, 0);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_STATUS, 1),
			 VIRTIO_STATUS_ACKNOWLEDGE);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_MSIX, 2),
			 VIRTIO_PCI_NO_VECTOR);
}

static void test_notify_userspace(void **state)
{
	struct fix *f = *state;
	uint64_t n = VIRTIO_PCI_NOTIFY_OFF;

	negotiate(f);
	setup_queue(f, 1, 64, DESC_GPA);
	wr(f, n + 4, 1, 2);
	assert_int_equal(f->fd.notify_calls, 1);
	assert_int_equal(f->fd.last_notify, 1);
	wr(f, n + 4, 1, 4);
	assert_int_equal(f->fd.notify_calls, 2);
	/* Queue 0 is not enabled; queue 5 and beyond do not exist. */
	wr(f, n, 0, 2);
	wr(f, n + 4 * 5, 5, 2);
	wr(f, n + 4 * 63, 63, 2);
	wr(f, n + 0xffc, 0xffff, 4);
	/* Misaligned or byte writes are not notifications. */
	wr(f, n + 5, 1, 1);
	wr(f, n + 6, 1, 2);
	assert_int_equal(f->fd.notify_calls, 2);
	/* No ioeventfd without an event loop to watch it. */
	assert_null(fake_ioev_last(&f->fp, bar(f) + n + 4));
}

static void test_notify_eventfd(void **state)
{
	struct fix *f = *state;

	negotiate(f);
	setup_queue(f, 0, 64, DESC_GPA);
	/* A notify that still exits goes to the event loop's eventfd. */
	wr(f, VIRTIO_PCI_NOTIFY_OFF, 0, 2);
	assert_int_equal(f->fd.notify_calls, 0);
	assert_int_equal(fake_efd_count(f->vp.q[0].kick_fd), 1);
	wr(f, VIRTIO_PCI_NOTIFY_OFF + 4, 1, 2);	/* queue 1: not enabled */
	assert_int_equal(fake_efd_count(f->vp.q[1].kick_fd), 0);
}

static void msix_enable(struct fix *f, bool on)
{
	unsigned int cap = pci_cap_find(&f->vp.pci, PCI_CAP_ID_MSIX);

	cfg_write(f, cap + PCI_MSIX_FLAGS, on ? PCI_MSIX_FLAGS_ENABLE : 0, 2);
}

static void msix_entry(struct fix *f, unsigned int v, uint32_t addr,
		       uint32_t data, bool masked)
{
	uint64_t e = VIRTIO_PCI_MSIX_TABLE_OFF + 16 * v;

	wr(f, e, addr, 4);
	wr(f, e + 4, 0, 4);
	wr(f, e + 8, data, 4);
	wr(f, e + 12, masked, 4);
}

static void signal_queue(struct fix *f, unsigned int qi)
{
	pthread_mutex_lock(&f->fd.d.lock);
	f->fd.d.signal_queue(&f->fd.d, qi);
	pthread_mutex_unlock(&f->fd.d.lock);
}

static void signal_config(struct fix *f)
{
	pthread_mutex_lock(&f->fd.d.lock);
	f->fd.d.signal_config(&f->fd.d);
	pthread_mutex_unlock(&f->fd.d.lock);
}

static void test_msix_interrupts(void **state)
{
	struct fix *f = *state;
	int gsi1 = f->vp.irq_gsi[1], gsi0 = f->vp.irq_gsi[0];
	int calls;

	negotiate(f);
	msix_enable(f, true);
	msix_entry(f, 0, 0xfee00000, 0x30, false);
	msix_entry(f, 1, 0xfee01000, 0x41, false);
	assert_false(f->fp.route[gsi1].masked);
	assert_int_equal(f->fp.route[gsi1].addr, 0xfee01000);
	assert_int_equal(f->fp.route[gsi1].data, 0x41);
	assert_int_equal(f->fp.route[gsi0].data, 0x30);

	wr(f, VIRTIO_PCI_COMMON_MSIX, 0, 2);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_MSIX, 2), 0);
	wr(f, VIRTIO_PCI_COMMON_MSIX, NR_Q + 1, 2);	/* past the table */
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_MSIX, 2), 0xffff);
	wr(f, VIRTIO_PCI_COMMON_MSIX, 0, 2);
	wr(f, VIRTIO_PCI_COMMON_Q_SELECT, 0, 2);
	wr(f, VIRTIO_PCI_COMMON_Q_MSIX, 999, 2);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_MSIX, 2), 0xffff);
	wr(f, VIRTIO_PCI_COMMON_Q_MSIX, 1, 2);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_Q_MSIX, 2), 1);

	signal_queue(f, 0);
	assert_int_equal(fake_efd_count(f->vp.irq_fd[1]), 1);
	assert_int_equal(fake_efd_count(f->vp.intx_fd), 0);
	signal_config(f);
	assert_int_equal(fake_efd_count(f->vp.irq_fd[0]), 1);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_CFGGENERATION, 1), 1);
	assert_int_equal(rd(f, VIRTIO_PCI_ISR_OFF, 1), VIRTIO_PCI_ISR_CONFIG);

	/* Masked: held in the PBA, sent on unmask. */
	calls = f->fp.route[gsi1].calls;
	wr(f, VIRTIO_PCI_MSIX_TABLE_OFF + 16 + 12, 1, 4);
	assert_true(f->fp.route[gsi1].masked);
	assert_int_equal(f->fp.route[gsi1].calls, calls + 1);
	signal_queue(f, 0);
	assert_int_equal(fake_efd_count(f->vp.irq_fd[1]), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_MSIX_PBA_OFF, 4), 2);
	wr(f, VIRTIO_PCI_MSIX_TABLE_OFF + 16 + 12, 0, 4);
	assert_false(f->fp.route[gsi1].masked);
	assert_int_equal(fake_efd_count(f->vp.irq_fd[1]), 1);
	assert_int_equal(rd(f, VIRTIO_PCI_MSIX_PBA_OFF, 4), 0);

	/* NO_VECTOR: no interrupt at all. */
	wr(f, VIRTIO_PCI_COMMON_Q_MSIX, 0xffff, 2);
	signal_queue(f, 0);
	assert_int_equal(fake_efd_count(f->vp.irq_fd[1]), 0);
	assert_int_equal(fake_efd_count(f->vp.irq_fd[0]), 0);
	/* A queue index past nr_queues is ignored. */
	signal_queue(f, NR_Q + 3);

	/* Disabling MSI-X masks every route. */
	msix_enable(f, false);
	assert_true(f->fp.route[gsi0].masked);
	assert_true(f->fp.route[gsi1].masked);
}

static void test_intx_isr(void **state)
{
	struct fix *f = *state;

	negotiate(f);
	signal_queue(f, 1);
	assert_int_equal(fake_efd_count(f->vp.intx_fd), 1);
	assert_int_equal(rd(f, VIRTIO_PCI_ISR_OFF, 1), 1);
	assert_int_equal(rd(f, VIRTIO_PCI_ISR_OFF, 1), 0);	/* cleared */
	signal_config(f);
	signal_queue(f, 0);
	assert_int_equal(fake_efd_count(f->vp.intx_fd), 2);
	assert_int_equal(rd(f, VIRTIO_PCI_ISR_OFF, 4), 3);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_CFGGENERATION, 1), 1);
	/* COMMAND.INTX_DISABLE silences the line, the ISR still counts. */
	cfg_write(f, PCI_COMMAND, cfg_read(f, PCI_COMMAND, 2) |
		  PCI_COMMAND_INTX_DISABLE, 2);
	signal_queue(f, 0);
	assert_int_equal(fake_efd_count(f->vp.intx_fd), 0);
	assert_int_equal(rd(f, VIRTIO_PCI_ISR_OFF, 1), 1);
}

static void test_bar_move_ioeventfd(void **state)
{
	struct fix *f = *state;
	uint64_t old = bar(f);
	uint32_t dst = LAYOUT_PCI_MMIO + 0x200000;
	uint16_t cmd = (uint16_t)cfg_read(f, PCI_COMMAND, 2);
	const struct fake_ioeventfd *io;

	negotiate(f);
	setup_queue(f, 1, 64, DESC_GPA);
	assert_true(fake_ioev_last(&f->fp, old + 0x3004)->assign);
	/* Linux's sequence: decode off, move, decode on. */
	cfg_write(f, PCI_COMMAND, cmd & ~PCI_COMMAND_MEMORY, 2);
	assert_false(fake_ioev_last(&f->fp, old + 0x3004)->assign);
	cfg_write(f, PCI_BASE_ADDRESS_0, 0xffffffff, 4);	/* sizing */
	cfg_write(f, PCI_BASE_ADDRESS_0, dst, 4);
	assert_null(fake_ioev_last(&f->fp, dst + 0x3004));
	cfg_write(f, PCI_COMMAND, cmd, 2);
	io = fake_ioev_last(&f->fp, dst + 0x3004);
	assert_non_null(io);
	assert_true(io->assign);
	assert_int_equal(io->efd, f->vp.q[1].kick_fd);
	/* Registers follow the BAR too. */
	assert_int_equal(bar(f), dst);
	assert_int_equal(rd(f, VIRTIO_PCI_COMMON_NUMQ, 2), NR_Q);
	/* Moving with decode on also moves the ioeventfd. */
	cfg_write(f, PCI_BASE_ADDRESS_0, old, 4);
	assert_false(fake_ioev_last(&f->fp, dst + 0x3004)->assign);
	assert_true(fake_ioev_last(&f->fp, old + 0x3004)->assign);
}

static void test_pci_cfg_window(void **state)
{
	struct fix *f = *state;
	unsigned int cap = 0, ptr = cfg_read(f, PCI_CAPABILITY_LIST, 1);

	while (ptr) {
		if (cfg_read(f, ptr, 1) == PCI_CAP_ID_VNDR &&
		    cfg_read(f, ptr + 3, 1) == VIRTIO_PCI_CAP_PCI_CFG)
			cap = ptr;
		ptr = cfg_read(f, ptr + 1, 1);
	}
	assert_true(cap);
	/* Read num_queues through config space. */
	cfg_write(f, cap + 4, 0, 1);
	cfg_write(f, cap + 8, VIRTIO_PCI_COMMON_NUMQ, 4);
	cfg_write(f, cap + 12, 2, 4);
	assert_int_equal(cfg_read(f, cap + 16, 2), NR_Q);
	/* Write device_status through it. */
	cfg_write(f, cap + 8, VIRTIO_PCI_COMMON_STATUS, 4);
	cfg_write(f, cap + 12, 1, 4);
	cfg_write(f, cap + 16, VIRTIO_STATUS_ACKNOWLEDGE, 1);
	assert_int_equal(status(f), VIRTIO_STATUS_ACKNOWLEDGE);
	/* Bad windows do nothing. */
	cfg_write(f, cap + 12, 3, 4);			/* length 3 */
	cfg_write(f, cap + 16, 0, 1);
	cfg_write(f, cap + 12, 4, 4);
	cfg_write(f, cap + 8, VIRTIO_PCI_BAR_SIZE, 4);	/* past the BAR */
	cfg_write(f, cap + 16, 0, 4);
	cfg_write(f, cap + 8, 2, 4);			/* misaligned */
	cfg_write(f, cap + 16, 0, 4);
	cfg_write(f, cap + 4, 3, 1);			/* another BAR */
	cfg_write(f, cap + 8, VIRTIO_PCI_COMMON_STATUS, 4);
	cfg_write(f, cap + 12, 1, 4);
	cfg_write(f, cap + 16, 0, 1);
	assert_int_equal(status(f), VIRTIO_STATUS_ACKNOWLEDGE);
}

static void test_create_errors(void **state)
{
	struct fix *f = *state;
	struct virtio_pci *vp = calloc(1, sizeof(*vp));
	struct fake_dev fd;
	struct fake_plat fp;
	struct errbuf err = { { 0 } };

	assert_non_null(vp);
	fake_plat_init(&fp, true);
	assert_int_equal(fake_dev_init(&fd, VIRTIO_ID_RNG, 0, 64), 0);
	assert_int_equal(virtio_pci_create(vp, &f->pb, &fd.d, &fp.plat, &err),
			 -EINVAL);
	assert_true(strlen(err.msg) > 0);
	fd.d.nr_queues = VIRTIO_MAX_QUEUES + 1;
	assert_int_equal(virtio_pci_create(vp, &f->pb, &fd.d, &fp.plat, &err),
			 -EINVAL);
	fd.d.nr_queues = 1;
	fd.d.queue_max = 100;
	assert_int_equal(virtio_pci_create(vp, &f->pb, &fd.d, &fp.plat, &err),
			 -EINVAL);
	fd.d.queue_max = 64;
	fp.plat.irqfd = NULL;
	assert_int_equal(virtio_pci_create(vp, &f->pb, &fd.d, &fp.plat, &err),
			 -EINVAL);
	fake_plat_init(&fp, true);
	fp.next_gsi = FAKE_MAX_GSI;	/* no GSIs left */
	assert_int_equal(virtio_pci_create(vp, &f->pb, &fd.d, &fp.plat, &err),
			 -ENOSPC);
	assert_null(fd.d.signal_queue);
	/* An rng with one queue works, with its own class code. */
	fake_plat_init(&fp, true);
	assert_int_equal(virtio_pci_create(vp, &f->pb, &fd.d, &fp.plat, &err),
			 0);
	assert_int_equal(vp->pci.cfg[PCI_CLASS_DEVICE + 1], 0x00);
	assert_int_equal(vp->pci.cfg[PCI_CLASS_DEVICE], 0xff);
	assert_int_equal(vp->pci.slot, f->slot + 1);
	virtio_pci_destroy(vp);
	assert_null(fd.d.signal_queue);
	assert_null(f->pb.slots[f->slot + 1]);
	virtio_pci_destroy(vp);		/* twice is harmless */
	fake_dev_exit(&fd);
	free(vp);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)
#define TN(fn) cmocka_unit_test_setup_teardown(fn, fix_setup_nokick, \
					       fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_identity),
		T(test_capabilities),
		T(test_features),
		T(test_status_rules),
		T(test_queue_select_oob),
		T(test_queue_enable),
		T(test_queue_bad_size),
		T(test_queue_bad_ring),
		T(test_kick_watch_failure),
		T(test_reset),
		T(test_device_config),
		T(test_common_bad_widths),
		T(test_ring_addr_64bit),
		T(test_queue_enable_64bit),
		T(test_ring_addr_64bit_no_queue),
		T(test_other_64bit_refused),
		TN(test_notify_userspace),
		T(test_notify_eventfd),
		T(test_msix_interrupts),
		T(test_intx_isr),
		T(test_bar_move_ioeventfd),
		T(test_pci_cfg_window),
		T(test_create_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
