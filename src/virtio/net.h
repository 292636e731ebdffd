/* SPDX-License-Identifier: MIT */
/*
 * virtio-net over a host tap: queue pairs rx0, tx0, rx1, tx1, ... and a
 * control queue last (when there is more than one pair). Frames keep the
 * 12-byte virtio-net header (virtio_net_hdr_mrg_rxbuf) in both
 * directions, which is also what the tap speaks (IFF_VNET_HDR), so
 * checksum and segmentation offloads pass straight through.
 *
 * TX: each chain's readable buffers (header + frame) are written to the
 * pair's tap fd with one writev on the event loop, from guest memory,
 * several in flight per queue. RX: one readv per pair into a bounce
 * buffer big enough for any frame (never truncated), then copied into
 * the guest's buffers, merging several when VIRTIO_NET_F_MRG_RXBUF was
 * negotiated. A malformed chain puts the device in NEEDS_RESET; a tap
 * that fails (deleted under us) is logged once and its queue goes quiet.
 */
#ifndef VMM_VIRTIO_NET_H
#define VMM_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "evloop.h"
#include "virtio/dev_io.h"
#include "util.h"
#include "virtio/virtio.h"

#define NET_HDR_LEN		12	/* struct virtio_net_hdr_mrg_rxbuf */
#define NET_MAX_FRAME		65550	/* 64 KiB of GSO payload + headers */
#define NET_QUEUE_SIZE		256
#define NET_MAX_PAIRS		16
#define NET_TX_SLOTS		64	/* writes in flight per tx queue */
#define NET_TX_SEGS		64	/* segments of one tx chain */
#define NET_RX_STASH		64	/* chains held for one rx frame */

struct net_config {
	const int *tap_fds;	/* one per pair; -1: no backend (link down) */
	unsigned int queue_pairs;	/* 1..NET_MAX_PAIRS */
	uint8_t mac[6];
	unsigned int tap_offloads;	/* TUN_F_* the tap accepts */
	const struct dev_io *io;	/* copied */
	/* TUNSETOFFLOAD; NULL: nothing to set (tests) */
	int (*set_offload)(int fd, unsigned int tun_flags);
};

/*
 * virtio_net_create - make @d a virtio-net device on the given taps
 * (borrowed: the caller closes them after virtio_net_destroy). @d must be
 * zeroed apart from what its owner set. Returns 0 or -errno with @err.
 */
int virtio_net_create(struct virtio_dev *d, const struct net_config *cfg,
		      struct errbuf *err);

/* virtio_net_destroy - free the state; the event loop is stopped. */
void virtio_net_destroy(struct virtio_dev *d);

/*
 * net_guest_features - the GUEST_* (host -> guest) offload feature bits
 * for a tap that accepts @tun_flags, and net_tun_flags - the TUN_F_*
 * flags to set for negotiated @features. Exposed for tests.
 */
uint64_t net_guest_features(unsigned int tun_flags);
unsigned int net_tun_flags(uint64_t features);

#endif
