/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueue, device side. Everything in the rings is written by a
 * hostile guest: this code validates every index, descriptor, length and
 * address before use, and reports a malformed queue as an error so the
 * device can enter NEEDS_RESET. It never trusts a value it read twice.
 */
#ifndef VMM_VIRTQ_H
#define VMM_VIRTQ_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/virtio_ring.h>

#include "guest_mem.h"

#define VIRTQ_MAX_SIZE		32768	/* the split-ring limit */
#define VIRTQ_MAX_SEGS		1024	/* bounded iovec per chain */

struct virtq {
	const struct guest_mem *gm;
	uint16_t size;			/* power of two, 1..VIRTQ_MAX_SIZE */
	uint64_t desc_gpa, avail_gpa, used_gpa;
	bool event_idx;			/* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;			/* VIRTIO_F_INDIRECT_DESC negotiated */
	bool ready;
	uint16_t last_avail;		/* next avail ring slot we consume */
	uint16_t used_idx;		/* next used ring slot we fill */
	uint16_t signalled_used;	/* used_idx at the last interrupt */
	bool signalled_valid;

	/*
	 * Host views of the three areas, found once by virtq_init (each lies
	 * wholly inside one RAM region, so the pointers stay valid), and why
	 * the queue broke (a string literal, NULL while it is healthy).
	 */
	const struct vring_desc *desc;
	volatile struct vring_avail *avail;
	volatile struct vring_used *used;
	const char *err;

	/*
	 * Traffic, for metrics: chains popped, bytes the driver offered
	 * (readable) and bytes the device returned (used lengths). Kept
	 * across resets; written only by the queue's owner, read by anyone
	 * (relaxed atomics).
	 */
	_Atomic uint64_t stat_chains, stat_bytes_out, stat_bytes_in;
};

/*
 * A popped chain: readable (driver→device) segments first, then the
 * writable ones, as host iovecs that all lie inside guest RAM.
 */
struct virtq_chain {
	uint16_t head;
	unsigned int nr_out;		/* readable segments: iov[0..nr_out) */
	unsigned int nr_in;		/* writable: iov[nr_out..nr_out+nr_in) */
	uint32_t out_len, in_len;	/* byte totals of each kind */
	struct iovec iov[VIRTQ_MAX_SEGS];
};

/*
 * virtq_init - set up @q for a driver-provided ring layout. Checks the
 * size (power of two), alignment and that all three areas lie wholly in
 * guest RAM. Returns 0 or -EINVAL; a failure means NEEDS_RESET and
 * leaves @q reset (not ready) with the reason in virtq_last_error().
 */
int virtq_init(struct virtq *q, const struct guest_mem *gm, uint16_t size,
	       uint64_t desc_gpa, uint64_t avail_gpa, uint64_t used_gpa,
	       bool event_idx, bool indirect);

/* virtq_reset - forget the ring (device reset or queue disable). */
void virtq_reset(struct virtq *q);

/*
 * virtq_pop - take the next available chain into @c. Returns 1 with a
 * chain, 0 if the ring is empty (or the queue is not ready), or -EPROTO
 * if the guest broke a rule; the queue is then unusable until reset and
 * virtq_last_error() says why.
 */
int virtq_pop(struct virtq *q, struct virtq_chain *c);

/*
 * virtq_push - return chain @head with @len bytes written to the used
 * ring and publish it (with the barrier the driver needs). Returns 0,
 * -EINVAL for a head that cannot be in flight (a device bug) or a queue
 * that is not ready, -EPROTO once the queue is broken.
 */
int virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/*
 * virtq_should_notify - after pushes, whether the driver wants an
 * interrupt: VRING_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX.
 */
bool virtq_should_notify(struct virtq *q);

/*
 * virtq_enable_notify - before sleeping on an empty ring, ask the
 * driver for kicks again (avail_event with EVENT_IDX, else clear
 * VRING_USED_F_NO_NOTIFY). Returns true if more buffers arrived
 * meanwhile, so the caller must pop again.
 */
bool virtq_enable_notify(struct virtq *q);

/*
 * virtq_disable_notify - while draining the ring, tell the driver kicks
 * are not needed (set VRING_USED_F_NO_NOTIFY; with EVENT_IDX simply not
 * moving avail_event has that effect). Only a hint: the driver may kick.
 */
void virtq_disable_notify(struct virtq *q);

/*
 * virtq_last_error - a short reason why the queue broke (or why
 * virtq_init refused it), for the NEEDS_RESET log line; NULL if none.
 */
const char *virtq_last_error(const struct virtq *q);

#endif
