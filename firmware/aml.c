// SPDX-License-Identifier: MIT
/*
 * AML encoding, following the ACPI 6.5 spec, chapter 20 ("ACPI Machine
 * Language Specification") and section 6.4 (resource descriptors).
 */
#include "aml.h"

#include <errno.h>
#include <string.h>

#define AML_ZERO_OP		0x00
#define AML_ONE_OP		0x01
#define AML_NAME_OP		0x08
#define AML_BYTE_PREFIX		0x0a
#define AML_WORD_PREFIX		0x0b
#define AML_DWORD_PREFIX	0x0c
#define AML_STRING_PREFIX	0x0d
#define AML_QWORD_PREFIX	0x0e
#define AML_SCOPE_OP		0x10
#define AML_BUFFER_OP		0x11
#define AML_PACKAGE_OP		0x12
#define AML_DUAL_NAME_PREFIX	0x2e
#define AML_MULTI_NAME_PREFIX	0x2f
#define AML_EXT_OP_PREFIX	0x5b
#define AML_DEVICE_OP		0x82	/* after AML_EXT_OP_PREFIX */
#define AML_ROOT_CHAR		'\\'
#define AML_PARENT_CHAR		'^'
#define AML_NULL_NAME		0x00

/* Resource descriptor tags (small items: type << 3 | length). */
#define RES_IRQ_NOFLAGS		0x22	/* IRQ, 2 data bytes */
#define RES_IO			0x47	/* I/O port, 7 data bytes */
#define RES_END_TAG		0x79	/* End Tag, 1 data byte */
#define RES_MEMORY32_FIXED	0x86	/* large item */
#define RES_EXT_INTERRUPT	0x89	/* large item */

#define AML_NAME_SEG_LEN	4
/*
 * Room reserved for a PkgLength while the contents are still being
 * written; aml_end() gives back what the final encoding doesn't need.
 */
#define AML_PKGLEN_RESERVE	4

void aml_init(struct aml *a, void *buf, size_t cap)
{
	a->buf = buf;
	a->cap = cap;
	a->len = 0;
	a->err = 0;
}

int aml_error(const struct aml *a)
{
	return a->err;
}

static void aml_fail(struct aml *a, int err)
{
	if (!a->err)
		a->err = err;
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->err)
		return;
	if (n > a->cap - a->len) {
		aml_fail(a, -ENOSPC);
		return;
	}
	memcpy(a->buf + a->len, p, n);
	a->len += n;
}

void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

/* aml_le - append the low @n bytes of @v, little-endian as AML wants. */
static void aml_le(struct aml *a, uint64_t v, unsigned int n)
{
	uint8_t b[8];

	for (unsigned int i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	aml_bytes(a, b, n);
}

static bool aml_lead_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool aml_name_char_ok(char c)
{
	return aml_lead_char_ok(c) || (c >= '0' && c <= '9');
}

/*
 * aml_seg_len - length of the segment at @s (up to '.' or NUL), or 0 if
 * it is not a valid 1-4 character NameSeg.
 */
static size_t aml_seg_len(const char *s)
{
	size_t n = 0;

	if (!aml_lead_char_ok(s[0]))
		return 0;
	while (s[n] && s[n] != '.') {
		if (n == AML_NAME_SEG_LEN || !aml_name_char_ok(s[n]))
			return 0;
		n++;
	}
	return n;
}

/*
 * aml_count_segs - number of NameSegs in dotted @s, or -1 if any is
 * malformed. An empty @s has none (the NullName).
 */
static int aml_count_segs(const char *s)
{
	int count = 0;

	if (!*s)
		return 0;
	for (;;) {
		size_t n = aml_seg_len(s);

		if (!n || count == 255)
			return -1;
		count++;
		s += n;
		if (!*s)
			return count;
		s++;	/* the '.' */
	}
}

/* aml_name_seg - append one segment, '_'-padded to four characters. */
static const char *aml_name_seg(struct aml *a, const char *s)
{
	char seg[AML_NAME_SEG_LEN] = { '_', '_', '_', '_' };
	size_t n = aml_seg_len(s);

	memcpy(seg, s, n);
	aml_bytes(a, seg, sizeof(seg));
	return s[n] == '.' ? s + n + 1 : s + n;
}

void aml_name_string(struct aml *a, const char *path)
{
	const char *s = path;
	int nr_segs;

	if (*s == AML_ROOT_CHAR)
		s++;
	else
		while (*s == AML_PARENT_CHAR)
			s++;
	nr_segs = aml_count_segs(s);
	if (nr_segs < 0) {
		aml_fail(a, -EINVAL);
		return;
	}
	aml_bytes(a, path, (size_t)(s - path));	/* the prefix chars */
	if (nr_segs == 0)
		aml_byte(a, AML_NULL_NAME);
	else if (nr_segs == 2)
		aml_byte(a, AML_DUAL_NAME_PREFIX);
	else if (nr_segs > 2) {
		aml_byte(a, AML_MULTI_NAME_PREFIX);
		aml_byte(a, (uint8_t)nr_segs);
	}
	while (nr_segs-- > 0)
		s = aml_name_seg(a, s);
}

void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0) {
		aml_byte(a, AML_ZERO_OP);
	} else if (v == 1) {
		aml_byte(a, AML_ONE_OP);
	} else if (v <= UINT8_MAX) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_le(a, v, 1);
	} else if (v <= UINT16_MAX) {
		aml_byte(a, AML_WORD_PREFIX);
		aml_le(a, v, 2);
	} else if (v <= UINT32_MAX) {
		aml_byte(a, AML_DWORD_PREFIX);
		aml_le(a, v, 4);
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		aml_le(a, v, 8);
	}
}

void aml_string(struct aml *a, const char *s)
{
	for (const char *p = s; *p; p++) {
		/* AsciiCharList is 0x01-0x7f; keep to what prints. */
		if (*p < 0x20 || *p > 0x7e) {
			aml_fail(a, -EINVAL);
			return;
		}
	}
	aml_byte(a, AML_STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);	/* NUL-terminated */
}

static int aml_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void aml_eisaid(struct aml *a, const char *id)
{
	uint32_t v = 0;

	if (strlen(id) != 7) {
		aml_fail(a, -EINVAL);
		return;
	}
	/* Three letters, 5 bits each ('A' = 1), then four hex nibbles. */
	for (int i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z') {
			aml_fail(a, -EINVAL);
			return;
		}
		v = (v << 5) | (uint32_t)(id[i] - 'A' + 1);
	}
	for (int i = 3; i < 7; i++) {
		int d = aml_hex_digit(id[i]);

		if (d < 0) {
			aml_fail(a, -EINVAL);
			return;
		}
		v = (v << 4) | (uint32_t)d;
	}
	/*
	 * The 32-bit value is defined most significant byte first, but
	 * stored as an ordinary (little-endian) DWord: swap it.
	 */
	aml_byte(a, AML_DWORD_PREFIX);
	aml_le(a, __builtin_bswap32(v), 4);
}

void aml_name(struct aml *a, const char *path)
{
	aml_byte(a, AML_NAME_OP);
	aml_name_string(a, path);
}

/*
 * aml_pkg_begin - append the opcode bytes @op, then room for the
 * PkgLength; returns where that room starts.
 */
static size_t aml_pkg_begin(struct aml *a, const uint8_t *op, size_t op_len)
{
	static const uint8_t reserve[AML_PKGLEN_RESERVE];
	size_t mark;

	aml_bytes(a, op, op_len);
	mark = a->len;
	aml_bytes(a, reserve, sizeof(reserve));
	return mark;
}

size_t aml_scope_begin(struct aml *a, const char *path)
{
	static const uint8_t op[] = { AML_SCOPE_OP };
	size_t mark = aml_pkg_begin(a, op, sizeof(op));

	aml_name_string(a, path);
	return mark;
}

size_t aml_device_begin(struct aml *a, const char *path)
{
	static const uint8_t op[] = { AML_EXT_OP_PREFIX, AML_DEVICE_OP };
	size_t mark = aml_pkg_begin(a, op, sizeof(op));

	aml_name_string(a, path);
	return mark;
}

size_t aml_package_begin(struct aml *a, uint8_t nr_elems)
{
	static const uint8_t op[] = { AML_PACKAGE_OP };
	size_t mark = aml_pkg_begin(a, op, sizeof(op));

	aml_byte(a, nr_elems);
	return mark;
}

/* aml_pkglen_size - bytes the PkgLength for @body bytes of content needs. */
static unsigned int aml_pkglen_size(size_t body)
{
	/* The length counts its own bytes; 1 byte holds 6 bits, then +8 each. */
	if (body + 1 <= 0x3f)
		return 1;
	if (body + 2 <= 0xfff)
		return 2;
	if (body + 3 <= 0xfffff)
		return 3;
	return 4;
}

void aml_end(struct aml *a, size_t mark)
{
	size_t body, total;
	unsigned int n;
	uint8_t *p;

	if (a->err)
		return;
	if (mark > a->len || a->len - mark < AML_PKGLEN_RESERVE) {
		aml_fail(a, -EINVAL);	/* not a mark from *_begin */
		return;
	}
	body = a->len - mark - AML_PKGLEN_RESERVE;
	n = aml_pkglen_size(body);
	total = body + n;
	if (total > AML_PKGLEN_MAX) {
		aml_fail(a, -E2BIG);
		return;
	}
	p = a->buf + mark;
	memmove(p + n, p + AML_PKGLEN_RESERVE, body);
	a->len -= AML_PKGLEN_RESERVE - n;
	if (n == 1) {
		p[0] = (uint8_t)total;
		return;
	}
	/* Lead byte: count of extra bytes in bits 7-6, low nibble in 3-0. */
	p[0] = (uint8_t)(((n - 1) << 6) | (total & 0xf));
	for (unsigned int i = 1; i < n; i++)
		p[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
}

void aml_buffer(struct aml *a, const void *p, size_t n)
{
	static const uint8_t op[] = { AML_BUFFER_OP };
	size_t mark = aml_pkg_begin(a, op, sizeof(op));

	aml_integer(a, n);
	aml_bytes(a, p, n);
	aml_end(a, mark);
}

void aml_res_io(struct aml *r, uint16_t min, uint16_t max, uint8_t align,
		uint8_t len)
{
	aml_byte(r, RES_IO);
	aml_byte(r, 0x01);	/* Decode16: all 16 address bits decoded */
	aml_le(r, min, 2);
	aml_le(r, max, 2);
	aml_byte(r, align);
	aml_byte(r, len);
}

void aml_res_irq_noflags(struct aml *r, unsigned int irq)
{
	if (irq > 15) {
		aml_fail(r, -EINVAL);	/* the mask covers ISA IRQs only */
		return;
	}
	aml_byte(r, RES_IRQ_NOFLAGS);
	aml_le(r, 1U << irq, 2);
}

void aml_res_memory32_fixed(struct aml *r, bool writable, uint32_t base,
			    uint32_t len)
{
	aml_byte(r, RES_MEMORY32_FIXED);
	aml_le(r, 9, 2);	/* data bytes that follow the length */
	aml_byte(r, writable ? 0x01 : 0x00);
	aml_le(r, base, 4);
	aml_le(r, len, 4);
}

void aml_res_interrupt(struct aml *r, unsigned int flags, uint32_t gsi)
{
	aml_byte(r, RES_EXT_INTERRUPT);
	aml_le(r, 6, 2);	/* flags, count, one 32-bit interrupt */
	aml_byte(r, (uint8_t)flags);
	aml_byte(r, 1);
	aml_le(r, gsi, 4);
}

void aml_res_end(struct aml *r)
{
	uint8_t sum = RES_END_TAG;

	if (r->err)
		return;
	for (size_t i = 0; i < r->len; i++)
		sum = (uint8_t)(sum + r->buf[i]);
	aml_byte(r, RES_END_TAG);
	aml_byte(r, (uint8_t)-sum);
}

void aml_resource_template(struct aml *a, const struct aml *r)
{
	if (r->err) {
		aml_fail(a, r->err);
		return;
	}
	aml_buffer(a, r->buf, r->len);
}
