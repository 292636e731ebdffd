/* SPDX-License-Identifier: MIT */
/*
 * Shared helpers for the firmware table tests: fake guest RAM covering
 * the first MiB, and little-endian readers for parsing what was built.
 * Include after <cmocka.h>.
 */
#ifndef VMM_TEST_FW_TEST_H
#define VMM_TEST_FW_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest_mem.h"
#include "util.h"

#define FAKE_RAM_SIZE	(1 * MiB)

struct fake_ram {
	struct guest_mem gm;
	uint8_t *ram;		/* host copy of gpa 0..FAKE_RAM_SIZE */
};

/* fake_ram_init - one region over [0, 1 MiB), zeroed. */
static inline void fake_ram_init(struct fake_ram *f)
{
	f->ram = calloc(1, FAKE_RAM_SIZE);
	assert_non_null(f->ram);
	guest_mem_init_empty(&f->gm);
	assert_int_equal(guest_mem_add(&f->gm, 0, FAKE_RAM_SIZE, f->ram), 0);
}

static inline void fake_ram_free(struct fake_ram *f)
{
	free(f->ram);
	f->ram = NULL;
}

static inline uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* sum8 - byte sum; a correctly checksummed table sums to 0. */
static inline uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

/* all_zero - true if @n bytes at @p are all 0. */
static inline int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* memmem_count - occurrences of @needle (@nlen bytes) in @hay. */
static inline unsigned int memmem_count(const uint8_t *hay, size_t hlen,
					const void *needle, size_t nlen)
{
	unsigned int count = 0;

	for (size_t i = 0; nlen && i + nlen <= hlen; i++)
		if (!memcmp(hay + i, needle, nlen))
			count++;
	return count;
}

#endif
