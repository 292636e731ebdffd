/* SPDX-License-Identifier: MIT */
/*
 * virtio-console with one port (no MULTIPORT, no size): queue 0 carries
 * host input to the guest (receiveq), queue 1 guest output to the host
 * (transmitq). Linux names it hvc0.
 */
#ifndef VMM_VIRTIO_CONSOLE_H
#define VMM_VIRTIO_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "virtio/virtio.h"

#define CONSOLE_RX_QUEUE	0
#define CONSOLE_TX_QUEUE	1
#define CONSOLE_QUEUE_SIZE	256
/* Host input held for the guest at most; more is refused. */
#define CONSOLE_RX_BUF		4096

/*
 * console_out_fn - guest output, in order. Called on the event loop
 * thread with d->lock held: it must not block for long, nor call
 * virtio_console_flush_rx (virtio_console_receive is fine).
 */
typedef void (*console_out_fn)(void *ctx, const char *buf, size_t len);

/*
 * virtio_console_create - make @d a virtio-console whose output goes to
 * @out(@out_ctx, ...); a NULL @out discards it. @d must be zeroed apart
 * from what its owner set (lock, gm, name, log). Returns 0 or -errno.
 */
int virtio_console_create(struct virtio_dev *d, console_out_fn out,
			  void *out_ctx);

/* virtio_console_destroy - free the device state; safe twice. */
void virtio_console_destroy(struct virtio_dev *d);

/*
 * virtio_console_receive - host input for the guest, from any thread:
 * copied into a CONSOLE_RX_BUF ring inside the device. Returns how many
 * bytes were taken (fewer than @len, maybe 0, when the ring is full:
 * retry after the guest has read). The bytes reach the guest only on
 * the event loop: the caller must then get virtio_console_flush_rx
 * called there (or a kick of queue 0 processed, which does the same).
 */
size_t virtio_console_receive(struct virtio_dev *d, const uint8_t *buf,
			      size_t len);

/*
 * virtio_console_flush_rx - on the event loop thread, without d->lock
 * (it takes it): copy buffered input into the receive buffers the
 * guest has posted. Does nothing before DRIVER_OK or while broken;
 * what does not fit stays buffered until the guest posts more.
 */
void virtio_console_flush_rx(struct virtio_dev *d);

#endif
