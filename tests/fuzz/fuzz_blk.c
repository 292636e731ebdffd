// SPDX-License-Identifier: MIT
/*
 * libFuzzer, structure-aware: virtio-blk request parsing. The input gives
 * the disk (capacity, read-only), then a chain: how many readable and
 * writable segments, each segment's length, then the bytes (header,
 * data, discard ranges) that fill them. The parsed request must describe
 * only memory inside the chain: its data iovecs and status byte are
 * checked against the buffer the chain was cut from.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/blk.h"
#include "virtio/virtq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_SEGS	40
#define MAX_BYTES	(1 << 16)

static bool inside(const uint8_t *buf, size_t len, const void *p, size_t n)
{
	const uint8_t *q = p;

	return q >= buf && n <= len && (size_t)(q - buf) <= len - n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct virtq_chain c;
	static struct blk_req r;
	size_t pos = 0, total = 0, off = 0;
	unsigned int nr_out, nr_in;
	uint64_t capacity;
	bool ro;
	uint8_t *buf;

	if (size < 11)
		return 0;
	memcpy(&capacity, data, 8);
	capacity >>= data[8] & 63;
	ro = data[9] & 1;
	nr_out = (data[9] >> 1) % (MAX_SEGS / 2);
	nr_in = data[10] % (MAX_SEGS / 2);
	pos = 11;
	memset(&c, 0, sizeof(c));
	c.nr_out = nr_out;
	c.nr_in = nr_in;
	for (unsigned int i = 0; i < nr_out + nr_in; i++) {
		size_t len = pos + 2 <= size ? (size_t)(data[pos] | data[pos + 1] << 8) : 0;

		pos += 2;
		len %= 4097;
		c.iov[i].iov_len = len;
		total += len;
	}
	if (pos > size || total > MAX_BYTES)
		return 0;
	buf = malloc(total ? total : 1);
	if (!buf)
		return 0;
	memset(buf, 0, total);
	memcpy(buf, data + pos, size - pos < total ? size - pos : total);
	for (unsigned int i = 0; i < nr_out + nr_in; i++) {
		c.iov[i].iov_base = buf + off;
		off += c.iov[i].iov_len;
		if (i < nr_out)
			c.out_len += (uint32_t)c.iov[i].iov_len;
		else
			c.in_len += (uint32_t)c.iov[i].iov_len;
	}
	if (blk_parse(&c, capacity, ro, &r) == 0) {
		if (!inside(buf, total, r.status_ptr, 1))
			abort();
		for (unsigned int i = 0; i < r.nr_iov; i++)
			if (!inside(buf, total, r.iov[i].iov_base, r.iov[i].iov_len))
				abort();
	}
	free(buf);
	return 0;
}
