/* SPDX-License-Identifier: MIT */
/*
 * The virtio device model: what a device (blk, console, rng) implements,
 * and what a transport (virtio-pci, virtio-mmio) provides. Devices never
 * see the transport; transports never parse requests.
 *
 * Threads: config_read/config_write and the status/feature registers are
 * driven from vCPU threads (the transport serialises them with its own
 * lock); queue_notify and all request processing run on the device event
 * loop thread.
 */
#ifndef VMM_VIRTIO_H
#define VMM_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "guest_mem.h"
#include "virtio/virtq.h"

#define VIRTIO_MAX_QUEUES	64

/* Device status bits (virtio 1.x §2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01
#define VIRTIO_STATUS_DRIVER		0x02
#define VIRTIO_STATUS_DRIVER_OK		0x04
#define VIRTIO_STATUS_FEATURES_OK	0x08
#define VIRTIO_STATUS_NEEDS_RESET	0x40
#define VIRTIO_STATUS_FAILED		0x80

/* Transport-level feature bits every device offers. */
#define VIRTIO_FEATURE(bit)		(1ULL << (bit))
#define VIRTIO_F_INDIRECT_DESC_BIT	28
#define VIRTIO_F_EVENT_IDX_BIT		29
#define VIRTIO_F_VERSION_1_BIT		32

struct virtio_dev;

struct virtio_dev_ops {
	uint32_t device_id;		/* VIRTIO_ID_BLOCK, ... */
	uint32_t config_size;		/* bytes of device config space */
	/* Read/write device config; @off + @len <= config_size is checked
	 * by the transport before the call. */
	void (*config_read)(struct virtio_dev *d, uint32_t off, void *buf,
			    uint32_t len);
	void (*config_write)(struct virtio_dev *d, uint32_t off,
			     const void *buf, uint32_t len);
	/* The driver set DRIVER_OK: queues are valid, start serving. */
	int (*activate)(struct virtio_dev *d);
	/* A kick for queue @qi (event loop thread). */
	void (*queue_notify)(struct virtio_dev *d, unsigned int qi);
	/* The driver reset the device: drop all queue state. */
	void (*reset)(struct virtio_dev *d);
};

struct virtio_dev {
	/*
	 * Serialises the driver's register accesses (vCPU threads) with
	 * queue processing and completions (event loop thread): transports
	 * hold it around register handlers, the loop around queue_notify
	 * and I/O completion callbacks.
	 */
	pthread_mutex_t lock;
	const struct virtio_dev_ops *ops;
	const struct guest_mem *gm;
	const char *name;		/* "virtio-blk0", for log lines */
	uint64_t host_features;		/* offered (device bits + transport bits) */
	uint64_t guest_features;	/* accepted by the driver */
	uint8_t status;
	unsigned int nr_queues;
	uint16_t queue_max;		/* largest queue size offered */
	struct virtq vqs[VIRTIO_MAX_QUEUES];
	bool broken;			/* NEEDS_RESET was raised */
	bool bad_features;		/* driver set a bit past bit 63 */

	/* Set by the transport. */
	void (*signal_queue)(struct virtio_dev *d, unsigned int qi);
	void (*signal_config)(struct virtio_dev *d);
	/*
	 * The eventfd that fires on each guest kick of queue @qi (KVM's
	 * ioeventfd, or written by the transport when it handles the
	 * notify itself), or -1; for devices served in the kernel (vhost).
	 */
	int (*queue_kick_fd)(struct virtio_dev *d, unsigned int qi);
	void *transport;

	/* Set by whoever creates the device. */
	void (*log)(void *ctx, const char *msg);
	void *log_ctx;
	void *priv;			/* the device's own state */
};

/*
 * virtio_dev_needs_reset - the guest broke a rule: set NEEDS_RESET,
 * raise a config interrupt and log once. The device stops serving its
 * queues until the driver resets it; the VMM and other devices go on.
 */
void virtio_dev_needs_reset(struct virtio_dev *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * virtio_dev_complete - return a chain on queue @qi and interrupt the
 * driver if it asked for it.
 */
void virtio_dev_complete(struct virtio_dev *d, unsigned int qi,
			 uint16_t head, uint32_t len);

/*
 * virtio_dev_queue_enable - the driver enabled queue @qi with this
 * layout: check the order of set-up and the size, then hand the ring to
 * the virtq code. On any fault the device goes to NEEDS_RESET and
 * -EINVAL is returned. Shared by the transports; d->lock held.
 */
int virtio_dev_queue_enable(struct virtio_dev *d, unsigned int qi,
			    uint32_t size, uint64_t desc, uint64_t driver,
			    uint64_t device);

/*
 * virtio_dev_feature_window - 32 bits of @features at window @sel (0 or
 * 1; any other window reads 0), as both transports expose them.
 */
static inline uint32_t virtio_dev_feature_window(uint64_t features,
						 uint32_t sel)
{
	return sel > 1 ? 0 : (uint32_t)(features >> (32 * sel));
}

/*
 * virtio_dev_write_features - the driver wrote @val to feature window
 * @sel. Ignored once FEATURES_OK is set (features are frozen); a bit past
 * bit 63 makes FEATURES_OK fail later. d->lock held.
 */
void virtio_dev_write_features(struct virtio_dev *d, uint32_t sel,
			       uint32_t val);

/*
 * virtio_dev_add_status - the driver wrote a non-zero @val to the status
 * register (zero is a reset, which the transport handles). The driver
 * only adds bits; NEEDS_RESET is the device's. FEATURES_OK sticks only
 * for an acceptable feature set, DRIVER_OK only after FEATURES_OK, and
 * DRIVER_OK activates the device. d->lock held.
 */
void virtio_dev_add_status(struct virtio_dev *d, uint8_t val);

/*
 * virtio_dev_pop - the next chain of queue @qi into @c, doing the notify
 * dance every device needs: when the ring looks empty, ask the driver
 * for kicks again and look once more. Returns 1 with a chain, 0 when the
 * ring is empty (kicks re-enabled), or -EPROTO when the guest broke the
 * ring (the device is then in NEEDS_RESET). d->lock held.
 */
int virtio_dev_pop(struct virtio_dev *d, unsigned int qi,
		   struct virtq_chain *c);

/* virtio_dev_has - true if feature @bit was negotiated. */
static inline bool virtio_dev_has(const struct virtio_dev *d,
				  unsigned int bit)
{
	return d->guest_features & (1ULL << bit);
}

#endif
