// SPDX-License-Identifier: MIT
/*
 * CPUID as the guest sees it: KVM's supported set, patched so each vCPU
 * reports its own APIC id and a topology that matches the vCPU count.
 * Linux derives its CPU topology (and thus scheduler domains, cache
 * sharing and "nproc") from these leaves.
 */
#include "cpu/cpu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define CPUID_MAX_ENTRIES	1024

#define CPUID_1_ECX_TSC_DEADLINE	(1U << 24)
#define CPUID_1_ECX_HYPERVISOR		(1U << 31)
#define CPUID_1_EDX_HTT			(1U << 28)
#define CPUID_EXT1_ECX_CMP_LEGACY	(1U << 1)

#define KVM_SIGNATURE_LEAF	0x40000000U
#define KVM_FEATURES_LEAF	0x40000001U

int cpuid_get_supported(int kvm_fd, struct kvm_cpuid2 **out)
{
	unsigned int nent = 128;

	for (;;) {
		struct kvm_cpuid2 *c;

		c = calloc(1, sizeof(*c) + nent * sizeof(c->entries[0]));
		if (!c)
			return -ENOMEM;
		c->nent = nent;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			*out = c;
			return 0;
		}
		free(c);
		if (errno != E2BIG || nent >= CPUID_MAX_ENTRIES)
			return -errno;
		nent *= 2;
	}
}

struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, uint32_t function,
				    uint32_t index)
{
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != function)
			continue;
		if (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		    e->index == index)
			return e;
	}
	return NULL;
}

/* Bits needed to number @n things: ceil(log2(n)). */
static unsigned int order_of(unsigned int n)
{
	unsigned int bits = 0;

	while ((1U << bits) < n)
		bits++;
	return bits;
}

static void cpuid_patch_leaf1(struct kvm_cpuid_entry2 *e, unsigned int id,
			      unsigned int nr, bool tsc_deadline)
{
	e->ebx &= 0x0000ffff;
	e->ebx |= (id & 0xff) << 24;
	e->ecx |= CPUID_1_ECX_HYPERVISOR;
	if (tsc_deadline)
		e->ecx |= CPUID_1_ECX_TSC_DEADLINE;
	if (nr > 1) {
		/* Addressable logical processors in the package. */
		e->ebx |= (1U << order_of(nr) & 0xff) << 16;
		e->edx |= CPUID_1_EDX_HTT;
	} else {
		e->edx &= ~CPUID_1_EDX_HTT;
	}
}

/* Intel deterministic cache parameters: who shares each cache level. */
static void cpuid_patch_leaf4(struct kvm_cpuid_entry2 *e, unsigned int nr)
{
	unsigned int level = (e->eax >> 5) & 7;
	unsigned int cores = 1U << order_of(nr);
	unsigned int sharing = level >= 3 ? cores : 1;

	if ((e->eax & 0x1f) == 0)	/* no more caches */
		return;
	e->eax &= 0x3fff;
	e->eax |= ((sharing - 1) & 0xfff) << 14;
	e->eax |= ((cores - 1) & 0x3f) << 26;
}

/* Extended topology (0xB and 0x1F): SMT level then core level. */
static void cpuid_patch_topology(struct kvm_cpuid_entry2 *e, unsigned int id,
				 unsigned int nr)
{
	switch (e->index) {
	case 0:		/* SMT: one thread per core */
		e->eax = 0;
		e->ebx = 1;
		e->ecx = 0 | (1U << 8);
		break;
	case 1:		/* core: all vCPUs in one package */
		e->eax = order_of(nr);
		e->ebx = nr;
		e->ecx = 1 | (2U << 8);
		break;
	default:	/* invalid level ends the enumeration */
		e->eax = 0;
		e->ebx = 0;
		e->ecx = e->index & 0xff;
		break;
	}
	e->edx = id;
}

/* AMD: cores per package and per-core ids. */
static void cpuid_patch_amd(struct kvm_cpuid_entry2 *e, unsigned int id,
			    unsigned int nr)
{
	switch (e->function) {
	case 0x80000001:
		if (nr > 1)
			e->ecx |= CPUID_EXT1_ECX_CMP_LEGACY;
		else
			e->ecx &= ~CPUID_EXT1_ECX_CMP_LEGACY;
		break;
	case 0x80000008:
		e->ecx &= ~0xf0ffU;
		e->ecx |= (nr - 1) & 0xff;
		e->ecx |= (order_of(nr) & 0xf) << 12;
		break;
	case 0x8000001d:
		if ((e->eax & 0x1f) == 0)
			break;
		e->eax &= ~(0xfffU << 14);
		if (((e->eax >> 5) & 7) >= 3)
			e->eax |= ((nr - 1) & 0xfff) << 14;
		break;
	case 0x8000001e:
		e->eax = id;
		e->ebx = id & 0xff;	/* core id; one thread per core */
		e->ecx = 0;		/* node 0, one node */
		break;
	}
}

static void cpuid_patch_signature(struct kvm_cpuid_entry2 *e)
{
	/* "KVMKVMKVM\0\0\0": Linux enables kvmclock and PV features on it. */
	e->eax = KVM_FEATURES_LEAF;
	e->ebx = 0x4b4d564b;
	e->ecx = 0x564b4d56;
	e->edx = 0x0000004d;
}

int cpuid_for_vcpu(const struct kvm_cpuid2 *base, unsigned int id,
		   unsigned int nr, bool tsc_deadline,
		   struct kvm_cpuid2 **out)
{
	size_t sz = sizeof(*base) + base->nent * sizeof(base->entries[0]);
	struct kvm_cpuid2 *c = malloc(sz);

	if (!c)
		return -ENOMEM;
	memcpy(c, base, sz);
	for (uint32_t i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case 1:
			cpuid_patch_leaf1(e, id, nr, tsc_deadline);
			break;
		case 4:
			cpuid_patch_leaf4(e, nr);
			break;
		case 0xb:
		case 0x1f:
			cpuid_patch_topology(e, id, nr);
			break;
		case KVM_SIGNATURE_LEAF:
			cpuid_patch_signature(e);
			break;
		default:
			if (e->function >= 0x80000000U)
				cpuid_patch_amd(e, id, nr);
			break;
		}
	}
	*out = c;
	return 0;
}
