/* SPDX-License-Identifier: MIT */
/*
 * Test doubles for the PCI and virtio transport tests: a recording
 * virtio_platform (no KVM), a small virtio device with a config buffer
 * and call counters, and guest RAM from the heap. Names carry a fake_
 * prefix so nothing collides with the core library they link against.
 */
#ifndef VMM_TESTS_PCI_FAKES_H
#define VMM_TESTS_PCI_FAKES_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"
#include "virtio/transport.h"
#include "virtio/virtio.h"

#define FAKE_MAX_CALLS		64
#define FAKE_MAX_GSI		128
#define FAKE_GSI_BASE		24
#define FAKE_RAM_SIZE		(1024 * 1024)
#define FAKE_CONFIG_SIZE	8

struct fake_ioeventfd {
	uint64_t addr;
	uint32_t len;
	int efd;
	bool assign;
};

struct fake_route {
	uint64_t addr;
	uint32_t data;
	bool masked;
	int calls;
};

struct fake_plat {
	struct virtio_platform plat;
	struct fake_ioeventfd ioev[FAKE_MAX_CALLS];
	int nr_ioev;
	int next_gsi;
	struct fake_route route[FAKE_MAX_GSI];
	int irqfd_efd[FAKE_MAX_GSI];	/* -1: none bound */
	int nr_irqfd_deassign;
	int kick_efd[VIRTIO_MAX_QUEUES];	/* -1: not watched */
	int kick_calls;
	int kick_fail;			/* kick_watch returns this if set */
};

struct fake_dev {
	struct virtio_dev d;
	struct virtio_dev_ops ops;
	struct guest_mem gm;
	uint8_t *ram;
	bool ram_owned;		/* fake_dev_exit frees it */
	uint8_t config[FAKE_CONFIG_SIZE];
	int config_reads, config_writes;
	int activate_calls, reset_calls;
	int activate_ret;
	int notify_calls;
	unsigned int last_notify;
	int log_calls;
};

/*
 * fake_plat_init - all hooks recording into @fp; @with_kick false
 * leaves kick_watch NULL so kicks reach queue_notify directly.
 */
void fake_plat_init(struct fake_plat *fp, bool with_kick);

/*
 * fake_dev_init - a device with @nr_queues queues of up to @queue_max,
 * offering VIRTIO_F_EVENT_IDX and feature bit 5, with 1 MiB of RAM at
 * gpa 0. Returns 0 or -1.
 */
int fake_dev_init(struct fake_dev *fd, uint32_t device_id,
		  unsigned int nr_queues, uint16_t queue_max);

/*
 * fake_dev_init_ram - the same with @ram (FAKE_RAM_SIZE bytes, kept by
 * the caller) as its guest RAM, or fresh RAM when @ram is NULL.
 */
int fake_dev_init_ram(struct fake_dev *fd, uint32_t device_id,
		      unsigned int nr_queues, uint16_t queue_max, uint8_t *ram);

/* fake_dev_exit - free the RAM (if it made it) and the lock. */
void fake_dev_exit(struct fake_dev *fd);

/* fake_efd_count - read (and reset) an eventfd's counter; 0 if none. */
uint64_t fake_efd_count(int efd);

/*
 * fake_ioev_last - the most recent ioeventfd call for @addr, or NULL.
 */
const struct fake_ioeventfd *fake_ioev_last(const struct fake_plat *fp,
					    uint64_t addr);

#endif
