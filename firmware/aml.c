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
#define AML_METHOD_OP		0x14
#define AML_DUAL_NAME_PREFIX	0x2e
#define AML_MULTI_NAME_PREFIX	0x2f
#define AML_EXT_OP_PREFIX	0x5b
#define AML_ARG0_OP		0x68	/* Arg0..Arg6: 0x68..0x6e */
#define AML_OR_OP		0x7d
#define AML_DEVICE_OP		0x82	/* after AML_EXT_OP_PREFIX */
#define AML_CREATE_DWORD_FIELD_OP 0x8a
#define AML_NOTIFY_OP		0x86
#define AML_LNOT_OP		0x92
#define AML_LEQUAL_OP		0x93
#define AML_IF_OP		0xa0
#define AML_RETURN_OP		0xa4
#define AML_ROOT_CHAR		'\\'
#define AML_PARENT_CHAR		'^'
#define AML_NULL_NAME		0x00

#define AML_MAX_ARGS		7	/* ArgCount is a 3-bit field */
#define AML_METHOD_SERIALIZED	(1U << 3)
#define AML_UUID_LEN		16

/* Resource descriptor tags (small items: type << 3 | length). */
#define RES_IRQ_NOFLAGS		0x22	/* IRQ, 2 data bytes */
#define RES_IO			0x47	/* I/O port, 7 data bytes */
#define RES_END_TAG		0x79	/* End Tag, 1 data byte */
#define RES_MEMORY32_FIXED	0x86	/* large item */
#define RES_DWORD_ADDRESS	0x87	/* large item */
#define RES_WORD_ADDRESS	0x88	/* large item */
#define RES_EXT_INTERRUPT	0x89	/* large item */

/* Address space descriptors (spec 6.4.3.5): resource types and flags. */
#define RES_ADDR_MEMORY		0
#define RES_ADDR_IO		1
#define RES_ADDR_BUS_NUMBER	2
#define RES_ADDR_MIN_FIXED	(1U << 2)	/* _MIF */
#define RES_ADDR_MAX_FIXED	(1U << 3)	/* _MAF */
/* Bit 0 clear: ResourceProducer; bit 1 clear: PosDecode. */
#define RES_ADDR_WINDOW		(RES_ADDR_MIN_FIXED | RES_ADDR_MAX_FIXED)
#define RES_IO_ENTIRE_RANGE	0x03		/* _RNG: ISA and non-ISA */
#define RES_MEM_READ_WRITE	0x01		/* _RW; _MEM 0: NonCacheable */

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

size_t aml_method_begin(struct aml *a, const char *path,
			unsigned int nr_args, bool serialized)
{
	static const uint8_t op[] = { AML_METHOD_OP };
	size_t mark = aml_pkg_begin(a, op, sizeof(op));

	if (nr_args > AML_MAX_ARGS)
		aml_fail(a, -EINVAL);
	aml_name_string(a, path);
	/* MethodFlags: ArgCount, SerializeFlag, SyncLevel 0. */
	aml_byte(a, (uint8_t)(nr_args |
			      (serialized ? AML_METHOD_SERIALIZED : 0)));
	return mark;
}

size_t aml_if_begin(struct aml *a)
{
	static const uint8_t op[] = { AML_IF_OP };

	return aml_pkg_begin(a, op, sizeof(op));
}

void aml_return(struct aml *a)
{
	aml_byte(a, AML_RETURN_OP);
}

void aml_notify(struct aml *a, const char *path, uint64_t value)
{
	aml_byte(a, AML_NOTIFY_OP);
	aml_name_string(a, path);
	aml_integer(a, value);
}

void aml_arg(struct aml *a, unsigned int n)
{
	if (n >= AML_MAX_ARGS) {
		aml_fail(a, -EINVAL);
		return;
	}
	aml_byte(a, (uint8_t)(AML_ARG0_OP + n));
}

void aml_lnot(struct aml *a)
{
	aml_byte(a, AML_LNOT_OP);
}

void aml_lequal(struct aml *a)
{
	aml_byte(a, AML_LEQUAL_OP);
}

void aml_or(struct aml *a)
{
	aml_byte(a, AML_OR_OP);
}

void aml_create_dword_field(struct aml *a)
{
	aml_byte(a, AML_CREATE_DWORD_FIELD_OP);
}

/* aml_uuid_nibble - the value of hex digit @c in either case, or -1. */
static int aml_uuid_nibble(char c)
{
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return aml_hex_digit(c);
}

/*
 * aml_parse_uuid - the 16 bytes of @uuid in the order written, or
 * -EINVAL if it is not 8-4-4-4-12 hex digits.
 */
static int aml_parse_uuid(const char *uuid, uint8_t raw[AML_UUID_LEN])
{
	unsigned int n = 0;

	if (strlen(uuid) != 36)
		return -EINVAL;
	for (unsigned int i = 0; i < 36; i++) {
		int d;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (uuid[i] != '-')
				return -EINVAL;
			continue;
		}
		d = aml_uuid_nibble(uuid[i]);
		if (d < 0)
			return -EINVAL;
		if (n % 2 == 0)
			raw[n / 2] = (uint8_t)(d << 4);
		else
			raw[n / 2] |= (uint8_t)d;
		n++;
	}
	return 0;
}

void aml_uuid(struct aml *a, const char *uuid)
{
	/* ToUUID: the first three fields are stored little-endian. */
	static const uint8_t order[AML_UUID_LEN] = {
		3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15,
	};
	uint8_t raw[AML_UUID_LEN], out[AML_UUID_LEN];

	if (aml_parse_uuid(uuid, raw)) {
		aml_fail(a, -EINVAL);
		return;
	}
	for (unsigned int i = 0; i < AML_UUID_LEN; i++)
		out[i] = raw[order[i]];
	aml_buffer(a, out, sizeof(out));
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

/*
 * res_word_address - a Word Address Space Descriptor for the window
 * [min, max] of resource @type, with no translation and granularity 0.
 */
static void res_word_address(struct aml *r, uint8_t type, uint8_t tflags,
			     uint16_t min, uint16_t max)
{
	uint32_t len = (uint32_t)max - min + 1;

	if (min > max || len > UINT16_MAX) {
		aml_fail(r, -EINVAL);
		return;
	}
	aml_byte(r, RES_WORD_ADDRESS);
	aml_le(r, 13, 2);	/* data bytes that follow the length */
	aml_byte(r, type);
	aml_byte(r, RES_ADDR_WINDOW);
	aml_byte(r, tflags);
	aml_le(r, 0, 2);	/* _GRA */
	aml_le(r, min, 2);
	aml_le(r, max, 2);
	aml_le(r, 0, 2);	/* _TRA */
	aml_le(r, len, 2);
}

void aml_res_word_bus_number(struct aml *r, uint16_t min, uint16_t max)
{
	res_word_address(r, RES_ADDR_BUS_NUMBER, 0, min, max);
}

void aml_res_word_io(struct aml *r, uint16_t min, uint16_t max)
{
	res_word_address(r, RES_ADDR_IO, RES_IO_ENTIRE_RANGE, min, max);
}

void aml_res_dword_memory(struct aml *r, uint32_t min, uint32_t max)
{
	uint64_t len = (uint64_t)max - min + 1;

	if (min > max || len > UINT32_MAX) {
		aml_fail(r, -EINVAL);
		return;
	}
	aml_byte(r, RES_DWORD_ADDRESS);
	aml_le(r, 23, 2);	/* data bytes that follow the length */
	aml_byte(r, RES_ADDR_MEMORY);
	aml_byte(r, RES_ADDR_WINDOW);
	/* Non-cacheable: this is the window for non-prefetchable BARs. */
	aml_byte(r, RES_MEM_READ_WRITE);
	aml_le(r, 0, 4);	/* _GRA */
	aml_le(r, min, 4);
	aml_le(r, max, 4);
	aml_le(r, 0, 4);	/* _TRA */
	aml_le(r, len, 4);
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
