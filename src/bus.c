// SPDX-License-Identifier: MIT
#include "bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void bus_init(struct bus *b)
{
	memset(b, 0, sizeof(*b));
}

void bus_exit(struct bus *b)
{
	free(b->ranges);
	bus_init(b);
}

int bus_register(struct bus *b, uint64_t base, uint64_t len, bus_fn fn,
		 void *ctx, const char *name)
{
	uint64_t end;
	unsigned int pos = 0;

	if (!len || !fn || add_overflows(base, len, &end))
		return -EINVAL;
	/* Find the insertion point, checking both neighbours for overlap. */
	while (pos < b->nr && b->ranges[pos].base < base)
		pos++;
	if (pos > 0) {
		const struct bus_range *prev = &b->ranges[pos - 1];

		if (prev->base + prev->len > base)
			return -EEXIST;
	}
	if (pos < b->nr && b->ranges[pos].base < end)
		return -EEXIST;
	if (b->nr == b->cap) {
		unsigned int cap = b->cap ? b->cap * 2 : 16;
		struct bus_range *r = realloc(b->ranges, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		b->ranges = r;
		b->cap = cap;
	}
	memmove(&b->ranges[pos + 1], &b->ranges[pos],
		(b->nr - pos) * sizeof(*b->ranges));
	b->ranges[pos] = (struct bus_range){
		.base = base, .len = len, .fn = fn, .ctx = ctx, .name = name,
	};
	b->nr++;
	return 0;
}

const struct bus_range *bus_find(const struct bus *b, uint64_t addr,
				 uint32_t len)
{
	unsigned int lo = 0, hi = b->nr;

	if (!len)
		return NULL;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct bus_range *r = &b->ranges[mid];

		if (addr < r->base) {
			hi = mid;
		} else if (addr - r->base >= r->len) {
			lo = mid + 1;
		} else {
			/* The whole access must fit inside this one range. */
			if (len > r->len - (addr - r->base))
				return NULL;
			return r;
		}
	}
	return NULL;
}

int bus_dispatch(const struct bus *b, uint64_t addr, uint8_t *data,
		 uint32_t len, bool is_write)
{
	const struct bus_range *r = bus_find(b, addr, len);

	if (!r) {
		if (!is_write)
			memset(data, 0xff, len);
		return -ENOENT;
	}
	/* The table is fixed once the VM runs; only the counter moves. */
	atomic_fetch_add_explicit(&((struct bus_range *)r)->hits, 1,
				  memory_order_relaxed);
	return r->fn(r->ctx, addr - r->base, data, len, is_write);
}
