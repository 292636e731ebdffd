// SPDX-License-Identifier: MIT
/*
 * virtio-mmio version 2 through a real MMIO bus: identity registers,
 * feature windows, status rules, queue set-up and teardown, notify
 * bounds, interrupt status and acknowledge, config space bounds and
 * hostile widths.
 */
#include <errno.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
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
#include "util.h"
#include "virtio/virtio_mmio.h"

#define NR_Q		3
#define QMAX		128
#define GSI		5
#define BASE		LAYOUT_VIRTIO_MMIO
#define DESC_GPA	0x10000
#define AVAIL_GPA	0x20000
#define USED_GPA	0x30000

struct fix {
	struct bus mmio;
	struct fake_plat fp;
	struct fake_dev fd;
	struct virtio_mmio vm;
};

static int fix_setup_common(void **state, bool with_kick)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct errbuf err = { { 0 } };

	if (!f)
		return -1;
	bus_init(&f->mmio);
	fake_plat_init(&f->fp, with_kick);
	if (fake_dev_init(&f->fd, VIRTIO_ID_CONSOLE, NR_Q, QMAX))
		return -1;
	if (virtio_mmio_create(&f->vm, &f->mmio, BASE, GSI, &f->fd.d,
			       &f->fp.plat, &err))
		return -1;
	*state = f;
	return 0;
}

static int fix_setup(void **state)
{
	return fix_setup_common(state, false);
}

static int fix_setup_kick(void **state)
{
	return fix_setup_common(state, true);
}

static int fix_teardown(void **state)
{
	struct fix *f = *state;

	virtio_mmio_destroy(&f->vm);
	fake_dev_exit(&f->fd);
	bus_exit(&f->mmio);
	free(f);
	return 0;
}

static uint32_t rd(struct fix *f, uint64_t off)
{
	uint32_t v = 0;

	assert_int_equal(bus_dispatch(&f->mmio, BASE + off, (uint8_t *)&v, 4,
				      false), 0);
	return v;
}

static uint32_t rdn(struct fix *f, uint64_t off, uint32_t len)
{
	uint64_t v = 0;

	assert_int_equal(bus_dispatch(&f->mmio, BASE + off, (uint8_t *)&v, len,
				      false), 0);
	return (uint32_t)v;
}

static void wr(struct fix *f, uint64_t off, uint32_t v)
{
	assert_int_equal(bus_dispatch(&f->mmio, BASE + off, (uint8_t *)&v, 4,
				      true), 0);
}

static void wrn(struct fix *f, uint64_t off, uint32_t v, uint32_t len)
{
	assert_int_equal(bus_dispatch(&f->mmio, BASE + off, (uint8_t *)&v, len,
				      true), 0);
}

static void write_features(struct fix *f, uint64_t feat)
{
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)feat);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(feat >> 32));
}

static void negotiate(struct fix *f)
{
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
	   VIRTIO_STATUS_DRIVER);
	write_features(f, f->fd.d.host_features);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE |
	   VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
}

static void setup_queue(struct fix *f, uint32_t qi, uint32_t num,
			uint64_t desc)
{
	wr(f, VIRTIO_MMIO_QUEUE_SEL, qi);
	wr(f, VIRTIO_MMIO_QUEUE_NUM, num);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
	wr(f, VIRTIO_MMIO_QUEUE_AVAIL_LOW, AVAIL_GPA + qi * 0x1000);
	wr(f, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, 0);
	wr(f, VIRTIO_MMIO_QUEUE_USED_LOW, USED_GPA + qi * 0x1000);
	wr(f, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
}

static void test_identity(void **state)
{
	struct fix *f = *state;

	assert_int_equal(rd(f, VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	assert_int_equal(rd(f, VIRTIO_MMIO_VERSION), 2);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE);
	assert_int_equal(rd(f, VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
	assert_int_equal(rd(f, VIRTIO_MMIO_STATUS), 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG_GENERATION), 0);
	/* No shared memory regions: length reads all-ones. */
	assert_int_equal(rd(f, VIRTIO_MMIO_SHM_LEN_LOW), 0xffffffff);
	assert_int_equal(rd(f, VIRTIO_MMIO_SHM_LEN_HIGH), 0xffffffff);
	/* Legacy registers do not exist in version 2. */
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_PFN), 0);
	assert_int_equal(f->fp.irqfd_efd[GSI], f->vm.irq_fd);
	/* The window is registered, and only 4 KiB of it. */
	assert_non_null(bus_find(&f->mmio, BASE, 4));
	assert_null(bus_find(&f->mmio, BASE + VIRTIO_MMIO_WINDOW, 4));
	assert_true(f->fd.d.host_features &
		    VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT));
}

static void test_bad_widths(void **state)
{
	struct fix *f = *state;

	/* Control registers are 32-bit, aligned. */
	assert_int_equal(rdn(f, VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
	assert_int_equal(rdn(f, VIRTIO_MMIO_MAGIC_VALUE, 1), 0);
	assert_int_equal(rdn(f, VIRTIO_MMIO_MAGIC_VALUE + 1, 4), 0);
	assert_int_equal(rdn(f, VIRTIO_MMIO_MAGIC_VALUE, 8), 0);
	negotiate(f);
	wrn(f, VIRTIO_MMIO_STATUS, 0, 1);	/* would reset */
	wrn(f, VIRTIO_MMIO_STATUS, 0, 2);
	wrn(f, VIRTIO_MMIO_STATUS + 2, 0, 4);
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	/* Read-only registers ignore writes. */
	wr(f, VIRTIO_MMIO_MAGIC_VALUE, 0);
	wr(f, VIRTIO_MMIO_DEVICE_ID, 0);
	wr(f, VIRTIO_MMIO_INTERRUPT_STATUS, 3);
	assert_int_equal(rd(f, VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	/* A direct call past the window is refused. */
	{
		uint8_t b[4] = { 1, 2, 3, 4 };

		assert_int_equal(virtio_mmio_io(&f->vm, VIRTIO_MMIO_WINDOW - 2,
						b, 4, false), 0);
		assert_int_equal(b[0], 0);
	}
}

static void test_features(void **state)
{
	struct fix *f = *state;
	uint64_t host = f->fd.d.host_features;

	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), (uint32_t)host);
	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), 1);
	wr(f, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 7);
	assert_int_equal(rd(f, VIRTIO_MMIO_DEVICE_FEATURES), 0);

	/* VERSION_1 is required. */
	write_features(f, host & ~VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT));
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
	assert_false(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	/* So is staying within what was offered. */
	wr(f, VIRTIO_MMIO_STATUS, 0);
	write_features(f, host | VIRTIO_FEATURE(40));
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
	assert_false(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	write_features(f, host);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 3);
	wr(f, VIRTIO_MMIO_DRIVER_FEATURES, 0x10);
	wr(f, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FEATURES_OK);
	assert_false(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	/* The happy path, then frozen. */
	wr(f, VIRTIO_MMIO_STATUS, 0);
	negotiate(f);
	assert_int_equal(f->fd.d.guest_features, host);
	write_features(f, VIRTIO_FEATURE(VIRTIO_F_VERSION_1_BIT));
	assert_int_equal(f->fd.d.guest_features, host);
	/* DRIVER_OK activates once. */
	wr(f, VIRTIO_MMIO_STATUS, rd(f, VIRTIO_MMIO_STATUS) |
	   VIRTIO_STATUS_DRIVER_OK);
	wr(f, VIRTIO_MMIO_STATUS, rd(f, VIRTIO_MMIO_STATUS));
	assert_int_equal(f->fd.activate_calls, 1);
}

static void test_queue_setup(void **state)
{
	struct fix *f = *state;

	negotiate(f);
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 2);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), QMAX);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
	setup_queue(f, 2, 64, DESC_GPA);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 1);
	assert_true(f->fd.d.vqs[2].ready);
	assert_int_equal(f->fd.d.vqs[2].size, 64);
	assert_int_equal(f->fd.d.vqs[2].desc_gpa, DESC_GPA);
	assert_int_equal(f->fd.d.vqs[2].avail_gpa, AVAIL_GPA + 0x2000);
	assert_int_equal(f->fd.d.vqs[2].used_gpa, USED_GPA + 0x2000);
	assert_true(f->fd.d.vqs[2].event_idx);
	/* Frozen while ready. */
	wr(f, VIRTIO_MMIO_QUEUE_NUM, 32);
	wr(f, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x40000);
	assert_int_equal(f->fd.d.vqs[2].size, 64);
	wr(f, VIRTIO_MMIO_QUEUE_READY, 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
	assert_false(f->fd.d.vqs[2].ready);
	/* Selectors past the end. */
	for (uint32_t sel = NR_Q; sel < NR_Q + 2; sel++) {
		wr(f, VIRTIO_MMIO_QUEUE_SEL, sel);
		assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
		wr(f, VIRTIO_MMIO_QUEUE_NUM, 16);
		wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
		assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
	}
	wr(f, VIRTIO_MMIO_QUEUE_SEL, 0xffffffff);
	wr(f, VIRTIO_MMIO_QUEUE_READY, 1);
	assert_false(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
}

static void test_queue_bad(void **state)
{
	struct fix *f = *state;

	negotiate(f);
	setup_queue(f, 0, 100, DESC_GPA);	/* not a power of two */
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(rd(f, VIRTIO_MMIO_QUEUE_READY), 0);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	negotiate(f);
	setup_queue(f, 0, 0x10000, DESC_GPA);	/* does not fit 16 bits */
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	negotiate(f);
	setup_queue(f, 0, QMAX * 2, DESC_GPA);
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	wr(f, VIRTIO_MMIO_STATUS, 0);
	negotiate(f);
	setup_queue(f, 0, 64, 0xfffff000ULL);	/* not RAM */
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(f->fd.d.vqs[0].ready);
	/* Before FEATURES_OK. */
	wr(f, VIRTIO_MMIO_STATUS, 0);
	setup_queue(f, 1, 64, DESC_GPA);
	assert_true(rd(f, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	assert_false(f->fd.d.vqs[1].ready);
}

static void test_notify(void **state)
{
	struct fix *f = *state;

	negotiate(f);
	setup_queue(f, 1, 64, DESC_GPA);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(f->fd.notify_calls, 1);
	assert_int_equal(f->fd.last_notify, 1);
	/* Not ready, out of range, or garbage: ignored. */
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, NR_Q);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0x10001);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 0xffffffff);
	wrn(f, VIRTIO_MMIO_QUEUE_NOTIFY, 1, 2);
	assert_int_equal(f->fd.notify_calls, 1);
}

static void test_notify_eventfd(void **state)
{
	struct fix *f = *state;

	negotiate(f);
	setup_queue(f, 2, 64, DESC_GPA);
	assert_int_equal(f->fp.kick_efd[2], f->vm.q[2].kick_fd);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 2);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 2);
	assert_int_equal(f->fd.notify_calls, 0);
	assert_int_equal(fake_efd_count(f->vm.q[2].kick_fd), 2);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	assert_int_equal(fake_efd_count(f->vm.q[1].kick_fd), 0);
	/* Reset stops the watch. */
	wr(f, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(f->fp.kick_efd[2], -1);
	assert_int_equal(f->fd.reset_calls, 1);
	assert_false(f->fd.d.vqs[2].ready);
	wr(f, VIRTIO_MMIO_QUEUE_NOTIFY, 2);
	assert_int_equal(fake_efd_count(f->vm.q[2].kick_fd), 0);
}

static void test_interrupts(void **state)
{
	struct fix *f = *state;
	struct virtio_dev *d = &f->fd.d;

	negotiate(f);
	pthread_mutex_lock(&d->lock);
	d->signal_queue(d, 0);
	pthread_mutex_unlock(&d->lock);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS),
			 VIRTIO_MMIO_INT_VRING);
	assert_int_equal(fake_efd_count(f->vm.irq_fd), 1);
	pthread_mutex_lock(&d->lock);
	d->signal_config(d);
	d->signal_queue(d, NR_Q + 1);	/* no such queue: nothing */
	pthread_mutex_unlock(&d->lock);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 3);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG_GENERATION), 1);
	assert_int_equal(fake_efd_count(f->vm.irq_fd), 1);
	wr(f, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 2);
	wr(f, VIRTIO_MMIO_INTERRUPT_ACK, 0xffffffff);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	/* NEEDS_RESET after DRIVER_OK raises a config interrupt. */
	wr(f, VIRTIO_MMIO_STATUS, rd(f, VIRTIO_MMIO_STATUS) |
	   VIRTIO_STATUS_DRIVER_OK);
	setup_queue(f, 0, 3, DESC_GPA);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS),
			 VIRTIO_MMIO_INT_CONFIG);
	assert_int_equal(fake_efd_count(f->vm.irq_fd), 1);
	/* Reset clears the interrupt status. */
	wr(f, VIRTIO_MMIO_STATUS, 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_INTERRUPT_STATUS), 0);
}

static void test_config(void **state)
{
	struct fix *f = *state;
	uint64_t q = 0;

	assert_int_equal(rdn(f, VIRTIO_MMIO_CONFIG, 1), 0xa0);
	assert_int_equal(rdn(f, VIRTIO_MMIO_CONFIG + 2, 2), 0xa3a2);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + 4), 0xa7a6a5a4);
	assert_int_equal(bus_dispatch(&f->mmio, BASE + VIRTIO_MMIO_CONFIG,
				      (uint8_t *)&q, 8, false), 0);
	assert_int_equal(q, 0xa7a6a5a4a3a2a1a0ULL);
	assert_int_equal(f->fd.config_reads, 4);
	/* Out of bounds and odd widths: zeros, no calls. */
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + 6), 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_CONFIG + 8), 0);
	assert_int_equal(rd(f, VIRTIO_MMIO_WINDOW - 4), 0);
	assert_int_equal(rdn(f, VIRTIO_MMIO_CONFIG, 3), 0);
	assert_int_equal(f->fd.config_reads, 4);
	wr(f, VIRTIO_MMIO_CONFIG + 6, 0);
	wrn(f, VIRTIO_MMIO_CONFIG, 0, 3);
	assert_int_equal(f->fd.config_writes, 0);
	wrn(f, VIRTIO_MMIO_CONFIG + 1, 0x5566, 2);
	assert_int_equal(f->fd.config_writes, 1);
	assert_int_equal(f->fd.config[1], 0x66);
	assert_int_equal(f->fd.config[2], 0x55);
}

static void test_create_errors(void **state)
{
	struct fix *f = *state;
	struct virtio_mmio *vm = calloc(1, sizeof(*vm));
	struct fake_dev fd;
	struct fake_plat fp;
	struct bus other;
	struct errbuf err = { { 0 } };

	assert_non_null(vm);
	fake_plat_init(&fp, false);
	assert_int_equal(fake_dev_init(&fd, VIRTIO_ID_RNG, 1, 64), 0);
	/* Overlapping the fixture's window. */
	assert_int_equal(virtio_mmio_create(vm, &f->mmio, BASE + 0x800, 6,
					    &fd.d, &fp.plat, &err), -EEXIST);
	assert_true(strlen(err.msg) > 0);
	assert_null(fd.d.signal_queue);
	assert_int_equal(fp.irqfd_efd[6], -1);	/* undone */
	fd.d.queue_max = 0;
	assert_int_equal(virtio_mmio_create(vm, &f->mmio, BASE + 0x1000, 6,
					    &fd.d, &fp.plat, &err), -EINVAL);
	fd.d.queue_max = 64;
	fd.ops.config_size = VIRTIO_MMIO_WINDOW;
	assert_int_equal(virtio_mmio_create(vm, &f->mmio, BASE + 0x1000, 6,
					    &fd.d, &fp.plat, &err), -EINVAL);
	fd.ops.config_size = FAKE_CONFIG_SIZE;
	bus_init(&other);
	assert_int_equal(virtio_mmio_create(vm, &other, BASE + 0x1000, 6,
					    &fd.d, &fp.plat, &err), 0);
	assert_int_equal(fp.irqfd_efd[6], vm->irq_fd);
	assert_ptr_equal(fd.d.transport, vm);
	virtio_mmio_destroy(vm);
	assert_int_equal(fp.irqfd_efd[6], -1);
	assert_null(fd.d.signal_queue);
	virtio_mmio_destroy(vm);
	bus_exit(&other);
	fake_dev_exit(&fd);
	free(vm);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fix_setup, fix_teardown)
#define TK(fn) cmocka_unit_test_setup_teardown(fn, fix_setup_kick, \
					       fix_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_identity),
		T(test_bad_widths),
		T(test_features),
		T(test_queue_setup),
		T(test_queue_bad),
		T(test_notify),
		TK(test_notify_eventfd),
		T(test_interrupts),
		T(test_config),
		T(test_create_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
