/* SPDX-License-Identifier: MIT */
/*
 * An address bus: sorted, non-overlapping ranges with a handler each.
 * One instance serves MMIO exits and one serves port I/O exits.
 *
 * Ranges are registered during VM setup, before any vCPU runs, and are
 * read-only afterwards, so dispatch takes no lock. Handlers do their own
 * locking when their device is also touched from other threads.
 */
#ifndef VMM_BUS_H
#define VMM_BUS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * bus_fn - handle an access of @len bytes at @offset from the range base.
 * For a read the handler fills @data; for a write it consumes it.
 * Returns 0, or -errno which the vCPU loop logs (rate-limited) and then
 * ignores: a guest poking at a device wrongly never stops the VM.
 */
typedef int (*bus_fn)(void *ctx, uint64_t offset, uint8_t *data,
		      uint32_t len, bool is_write);

struct bus_range {
	uint64_t base;
	uint64_t len;
	bus_fn fn;
	void *ctx;
	const char *name;
	/* Accesses dispatched here, for metrics (relaxed atomic). */
	_Atomic uint64_t hits;
};

struct bus {
	struct bus_range *ranges;
	unsigned int nr;
	unsigned int cap;
};

/* bus_init - an empty bus. */
void bus_init(struct bus *b);

/* bus_exit - free the range table. */
void bus_exit(struct bus *b);

/*
 * bus_register - add [base, base + len). Returns -EEXIST if it overlaps
 * a registered range, -EINVAL for len 0 or wrap-around, -ENOMEM.
 */
int bus_register(struct bus *b, uint64_t base, uint64_t len, bus_fn fn,
		 void *ctx, const char *name);

/* bus_find - the range holding all of [addr, addr + len), or NULL. */
const struct bus_range *bus_find(const struct bus *b, uint64_t addr,
				 uint32_t len);

/*
 * bus_dispatch - route an access. Unassigned addresses (or an access
 * straddling two ranges) return -ENOENT; reads of them are filled with
 * 0xff, as on real hardware with nothing decoding the address.
 */
int bus_dispatch(const struct bus *b, uint64_t addr, uint8_t *data,
		 uint32_t len, bool is_write);

#endif
