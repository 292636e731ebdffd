/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by every part of the VMM: error messages that
 * travel with -errno, size parsing, and overflow-checked arithmetic.
 */
#ifndef VMM_UTIL_H
#define VMM_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * stat_add - add @n to a counter that only one thread writes and any
 * thread may read (metrics): a relaxed load and store, no locked
 * read-modify-write on the hot path.
 */
static inline void stat_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))

#define KiB (1024ULL)
#define MiB (1024ULL * KiB)
#define GiB (1024ULL * MiB)

/*
 * errbuf - one human-readable line describing the last failure.
 * Library code never prints; it fills one of these and returns -errno,
 * and the caller decides where the line goes.
 */
struct errbuf {
	char msg[512];
};

/*
 * errbuf_set - format a message into @e and return @err unchanged, so a
 * failure path reads "return errbuf_set(e, -EINVAL, "...", ...);".
 * A NULL @e is allowed and only returns @err.
 */
int errbuf_set(struct errbuf *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* errbuf_clear - forget any previous message. */
void errbuf_clear(struct errbuf *e);

/*
 * parse_size - parse "256M", "1G", "5g", "512K", "1T" or plain bytes
 * ("1073741824") into *out. Suffixes are binary (K = 1024). Returns
 * -EINVAL for malformed input, -ERANGE on overflow; *out is untouched
 * on failure.
 */
int parse_size(const char *s, uint64_t *out);

/*
 * parse_uint - parse a decimal unsigned integer that must fit in
 * [min, max]. Returns -EINVAL or -ERANGE on failure.
 */
int parse_uint(const char *s, unsigned long min, unsigned long max,
	       unsigned long *out);

/* add_overflows - true if a + b does not fit in 64 bits. */
static inline bool add_overflows(uint64_t a, uint64_t b, uint64_t *sum)
{
	return __builtin_add_overflow(a, b, sum);
}

/*
 * read_file_all - read a whole regular file into a malloc'd buffer.
 * Rejects files larger than @max with -EFBIG. On success *buf must be
 * freed by the caller.
 */
int read_file_all(const char *path, size_t max, uint8_t **buf, size_t *len);

/* now_ns - CLOCK_MONOTONIC in nanoseconds. */
uint64_t now_ns(void);

/*
 * VMM_THREAD_STACK: the stack of every thread we start. Well above what
 * our deepest path uses (sanitizer builds included), and below 2 MiB, so
 * transparent huge pages can never back a stack with 2 MiB of RSS.
 */
#define VMM_THREAD_STACK	(512 * 1024)

/*
 * thread_start - pthread_create() with a VMM_THREAD_STACK stack.
 * Returns 0 or -errno.
 */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
