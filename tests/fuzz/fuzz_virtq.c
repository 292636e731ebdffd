// SPDX-License-Identifier: MIT
/*
 * libFuzzer, structure-aware: the split virtqueue walker. The input
 * becomes a ring in fake guest memory with a hole (tests/unit/virtio's
 * qbuilder): a size and feature byte, then the descriptor table (each
 * address either raw or folded into one of the two RAM regions, so many
 * land in RAM, some straddle the hole), the avail ring and its index, and
 * the rest fills the buffer heap (where indirect tables point). Every
 * chain popped has each byte of each iovec touched (ASan checks they lie
 * in RAM) and is pushed back; the walk stops at the first broken rule.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "qbuilder.h"
#include "virtio/virtq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct in {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct in *in, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++) {
		v |= (uint64_t)(in->left ? *in->p : 0) << (8 * i);
		if (in->left) {
			in->p++;
			in->left--;
		}
	}
	return v;
}

/* Raw with the top bit set; otherwise somewhere in (or just past) RAM. */
static uint64_t fold_addr(uint64_t a)
{
	if (a >> 63)
		return a;
	return ((a >> 32) & 1 ? QB_HIGH_GPA : QB_LOW_GPA) + (a & 0x1fffff);
}

static volatile uint8_t sink;

static void touch(const struct virtq_chain *c)
{
	for (unsigned int i = 0; i < c->nr_out + c->nr_in; i++) {
		const uint8_t *p = c->iov[i].iov_base;

		for (size_t k = 0; k < c->iov[i].iov_len; k += 512)
			sink ^= p[k];
		if (c->iov[i].iov_len)
			sink ^= p[c->iov[i].iov_len - 1];
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct qb_mem mem;
	static bool mem_ok;
	static struct virtq_chain chain;
	struct in in = { data, size };
	struct virtq q;
	struct qb b;
	uint16_t qsize, avail_idx;
	unsigned int flags;
	uint8_t *heap;
	size_t heap_len;

	if (!mem_ok) {
		if (qb_mem_default(&mem))
			return 0;
		mem_ok = true;
	}
	qsize = (uint16_t)(1u << (take(&in, 1) % 9));	/* 1 .. 256 */
	flags = (unsigned int)take(&in, 1);
	memset(&q, 0, sizeof(q));
	if (qb_init(&b, &mem.gm, qsize, QB_RING_GPA, QB_HEAP_GPA, flags & 1, 0))
		return 0;
	for (uint16_t i = 0; i < qsize; i++) {
		uint64_t addr = fold_addr(take(&in, 8));
		uint32_t len = (uint32_t)take(&in, 4);
		uint16_t f = (uint16_t)take(&in, 2), next = (uint16_t)take(&in, 2);

		/* Keep most lengths small enough to stay in RAM. */
		if (!(flags & 4))
			len &= 0xffff;
		qb_desc(&b, i, addr, len, f, next);
	}
	avail_idx = (uint16_t)take(&in, 2);
	for (uint16_t i = 0; i < qsize; i++)
		qb_avail(&b, (uint16_t)take(&in, 2));
	qb_set_avail_idx(&b, avail_idx);
	if (flags & 8)
		qb_set_avail_flags(&b, 1);
	/* The rest is the heap: indirect tables and buffer contents. */
	heap = guest_mem_ptr(&mem.gm, QB_HEAP_GPA, 1);
	heap_len = QB_LOW_SIZE - QB_HEAP_GPA;
	memset(heap, 0, heap_len);
	memcpy(heap, in.p, in.left < heap_len ? in.left : heap_len);
	if (qb_virtq_init(&b, &q, flags & 2))
		return 0;
	for (unsigned int n = 0; n < 2u * qsize + 2; n++) {
		int ret = virtq_pop(&q, &chain);

		if (ret <= 0)
			break;
		touch(&chain);
		if (flags & 16)
			continue;	/* leave it in flight */
		if (virtq_push(&q, chain.head, chain.in_len) < 0)
			break;
		virtq_should_notify(&q);
	}
	virtq_enable_notify(&q);
	return 0;
}
