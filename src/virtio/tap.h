/* SPDX-License-Identifier: MIT */
/*
 * Host tap devices for virtio-net: open (or create) a tap with the
 * virtio-net header on every frame, one fd per queue pair.
 */
#ifndef VMM_VIRTIO_TAP_H
#define VMM_VIRTIO_TAP_H

#include <stdbool.h>

#include "util.h"

/*
 * tap_open - open tap @name (NULL or "": create a new one, "vmm%d") with
 * IFF_TAP | IFF_NO_PI | IFF_VNET_HDR (and IFF_MULTI_QUEUE when @queues
 * > 1), @queues fds into @fds, each non-blocking and close-on-exec with
 * a 12-byte vnet header. The interface's name goes to @ifname (16
 * bytes); *@created says whether it did not exist before (it then goes
 * away with the last fd). *@offloads gets the TUN_F_* offloads it
 * accepts; none is left on until the guest asks (tap_set_offload).
 * Returns 0, or -errno with one line in @err; no fd is left open then.
 */
int tap_open(const char *name, unsigned int queues, int *fds, char *ifname,
	     unsigned int *offloads, bool *created, struct errbuf *err);

/* tap_set_offload - TUNSETOFFLOAD @tun_flags; 0 or -errno. */
int tap_set_offload(int fd, unsigned int tun_flags);

/* tap_close - close @n fds (-1 entries are skipped) and mark them -1. */
void tap_close(int *fds, unsigned int n);

#endif
