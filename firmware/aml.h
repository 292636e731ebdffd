/* SPDX-License-Identifier: MIT */
/*
 * A tiny AML (ACPI Machine Language) encoder: just enough to emit a
 * DSDT made of scopes, devices, named data objects and the few small
 * control methods (such as a PCI host bridge's _OSC) that go with them.
 *
 * The encoder appends to a caller-provided buffer. Errors are sticky:
 * once an append fails (buffer full, malformed name), every later call
 * is a no-op and aml_error() reports the first failure, so a builder
 * can emit a whole table and check once at the end.
 *
 * Objects that carry a PkgLength (Scope, Device, Package, Method, If)
 * are opened with an *_begin call, which returns a mark, and closed with
 * aml_end(mark): the length is only known once the contents exist.
 *
 * Operators are emitted in AML's prefix order: a call such as
 * aml_return() appends just the opcode, and the caller then appends
 * the operands it documents (integers, names, ArgN, nested operators).
 */
#ifndef VMM_AML_H
#define VMM_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aml {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;	/* first failure (-ENOSPC, -EINVAL), sticky */
};

/* Largest PkgLength the 4-byte encoding can express (28 bits). */
#define AML_PKGLEN_MAX	((1U << 28) - 1)

/* Flags for aml_res_interrupt(), as in the Extended Interrupt descriptor. */
#define AML_INT_CONSUMER	(1U << 0)
#define AML_INT_EDGE		(1U << 1)	/* else level */
#define AML_INT_ACTIVE_LOW	(1U << 2)	/* else active high */
#define AML_INT_SHARED		(1U << 3)	/* else exclusive */

/* aml_init - start an empty stream in @buf (@cap bytes). */
void aml_init(struct aml *a, void *buf, size_t cap);

/* aml_error - 0, or the first error any call on @a ran into. */
int aml_error(const struct aml *a);

/* aml_bytes - append raw bytes (opcodes, resource data). */
void aml_bytes(struct aml *a, const void *p, size_t n);

/* aml_byte - append one raw byte. */
void aml_byte(struct aml *a, uint8_t b);

/*
 * aml_name_string - append a NameString: an optional leading '\' (root)
 * or run of '^' (parent), then dot-separated segments of 1-4 characters
 * from [A-Z0-9_] (not starting with a digit), each padded with '_' to 4
 * as ASL does ("\_SB.COM1", "_S5", "^PCI0.ISA"). Anything else sets
 * -EINVAL.
 */
void aml_name_string(struct aml *a, const char *path);

/*
 * aml_integer - append the shortest encoding of @v: ZeroOp, OneOp or a
 * Byte/Word/DWord/QWord prefix.
 */
void aml_integer(struct aml *a, uint64_t v);

/* aml_string - append a String (printable ASCII only, else -EINVAL). */
void aml_string(struct aml *a, const char *s);

/*
 * aml_eisaid - append the 32-bit compressed EISA id of @id ("PNP0501":
 * three upper-case letters and four hex digits), as ASL's EISAID() does.
 */
void aml_eisaid(struct aml *a, const char *id);

/*
 * aml_name - append "Name(path, " : the caller then appends exactly one
 * data object (integer, string, package, buffer) as the value.
 */
void aml_name(struct aml *a, const char *path);

/* aml_scope_begin - open Scope(path) { ... }; close with aml_end(). */
size_t aml_scope_begin(struct aml *a, const char *path);

/* aml_device_begin - open Device(path) { ... }; close with aml_end(). */
size_t aml_device_begin(struct aml *a, const char *path);

/*
 * aml_package_begin - open Package(n) { ... } holding @nr_elems data
 * objects the caller appends next; close with aml_end().
 */
size_t aml_package_begin(struct aml *a, uint8_t nr_elems);

/*
 * aml_method_begin - open Method(path, nr_args, Serialized or
 * NotSerialized) { ... } (nr_args 0-7, sync level 0); close with
 * aml_end(). A method that creates named objects (CreateDWordField...)
 * should be serialized, or two concurrent calls would collide.
 */
size_t aml_method_begin(struct aml *a, const char *path,
			unsigned int nr_args, bool serialized);

/*
 * aml_if_begin - open If (predicate) { ... }: the caller appends the
 * predicate (one operand), then the body; close with aml_end().
 */
size_t aml_if_begin(struct aml *a);

/* aml_return - "Return (": the caller appends one operand. */
void aml_return(struct aml *a);

/* aml_notify - Notify (@path, @value): an event for a device's driver. */
void aml_notify(struct aml *a, const char *path, uint64_t value);

/* aml_arg - the method argument Arg@n (0-6). */
void aml_arg(struct aml *a, unsigned int n);

/* aml_lnot - "LNot (": the caller appends one operand. */
void aml_lnot(struct aml *a);

/* aml_lequal - "LEqual (": the caller appends two operands. */
void aml_lequal(struct aml *a);

/*
 * aml_or - "Or (": the caller appends two operands and a target (a
 * name, or aml_name_string(a, "") for none).
 */
void aml_or(struct aml *a);

/*
 * aml_create_dword_field - "CreateDWordField (": the caller appends the
 * source buffer, the byte index, and the new field's name (with
 * aml_name_string()).
 */
void aml_create_dword_field(struct aml *a);

/*
 * aml_uuid - append the 16-byte Buffer that ASL's ToUUID() makes of
 * @uuid ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", hex digits in either
 * case): the first three fields little-endian, the rest as written.
 */
void aml_uuid(struct aml *a, const char *uuid);

/*
 * aml_end - close the object opened at @mark: fill in its PkgLength,
 * using 1 to 4 bytes as the final size requires.
 */
void aml_end(struct aml *a, size_t mark);

/*
 * aml_buffer - append Buffer(n) { bytes } holding the @n bytes at @p,
 * e.g. a resource template built with the aml_res_* calls.
 */
void aml_buffer(struct aml *a, const void *p, size_t n);

/*
 * Resource descriptors, appended to a separate stream that becomes the
 * body of a ResourceTemplate() once aml_res_end() has closed it.
 */

/* aml_res_io - IO(Decode16, min, max, align, len). */
void aml_res_io(struct aml *r, uint16_t min, uint16_t max, uint8_t align,
		uint8_t len);

/* aml_res_irq_noflags - IRQNoFlags() {irq}: ISA edge, active high. */
void aml_res_irq_noflags(struct aml *r, unsigned int irq);

/*
 * aml_res_word_bus_number - WordBusNumber(ResourceProducer, MinFixed,
 * MaxFixed, PosDecode, 0, min, max, 0, max - min + 1): the bus numbers
 * a host bridge decodes.
 */
void aml_res_word_bus_number(struct aml *r, uint16_t min, uint16_t max);

/*
 * aml_res_word_io - WordIO(ResourceProducer, MinFixed, MaxFixed,
 * PosDecode, EntireRange, 0, min, max, 0, max - min + 1): an I/O port
 * window a bridge forwards. The whole 64 KiB does not fit the length
 * field: -EINVAL (split it, as a PCI host bridge does around 0xcf8).
 */
void aml_res_word_io(struct aml *r, uint16_t min, uint16_t max);

/*
 * aml_res_dword_memory - DWordMemory(ResourceProducer, PosDecode,
 * MinFixed, MaxFixed, NonCacheable, ReadWrite, 0, min, max, 0,
 * max - min + 1): a memory window below 4 GiB that a bridge forwards.
 * The whole 4 GiB does not fit the length field: -EINVAL.
 */
void aml_res_dword_memory(struct aml *r, uint32_t min, uint32_t max);

/* aml_res_memory32_fixed - Memory32Fixed(ReadWrite/ReadOnly, base, len). */
void aml_res_memory32_fixed(struct aml *r, bool writable, uint32_t base,
			    uint32_t len);

/*
 * aml_res_interrupt - Interrupt(...) {gsi}: one extended interrupt with
 * AML_INT_* @flags.
 */
void aml_res_interrupt(struct aml *r, unsigned int flags, uint32_t gsi);

/*
 * aml_res_end - the End Tag, with a checksum that makes the template's
 * bytes sum to zero.
 */
void aml_res_end(struct aml *r);

/* aml_resource_template - Buffer() holding the closed template in @r. */
void aml_resource_template(struct aml *a, const struct aml *r);

#endif
