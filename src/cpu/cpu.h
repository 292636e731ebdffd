/* SPDX-License-Identifier: MIT */
/*
 * x86 vCPU set-up: CPUID, MSRs, FPU, LAPIC and the register state the
 * boot protocol asks for (64-bit Linux entry or 32-bit PVH entry).
 */
#ifndef VMM_CPU_H
#define VMM_CPU_H

#include <linux/kvm.h>
#include <stdbool.h>

#include "guest_mem.h"
#include "loader/loader.h"
#include "util.h"

/*
 * cpuid_get_supported - KVM_GET_SUPPORTED_CPUID, growing the buffer as
 * KVM asks. *out is malloc'd.
 */
int cpuid_get_supported(int kvm_fd, struct kvm_cpuid2 **out);

/*
 * cpuid_for_vcpu - a copy of @base patched for vCPU @id of @nr: APIC
 * ids, topology (one socket, @nr cores, one thread each), cache sharing,
 * the hypervisor bit and KVM signature leaf. *out is malloc'd.
 */
int cpuid_for_vcpu(const struct kvm_cpuid2 *base, unsigned int id,
		   unsigned int nr, bool tsc_deadline,
		   struct kvm_cpuid2 **out);

/*
 * cpuid_find - the entry for @function/@index in @c, or NULL. Leaves
 * without subleaves match any index.
 */
struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, uint32_t function,
				    uint32_t index);

/*
 * x86_boot_tables - write the GDT, an empty IDT and (for 64-bit entry)
 * identity page tables for the first 4 GiB into guest memory.
 */
int x86_boot_tables(const struct guest_mem *gm, enum boot_mode mode);

/*
 * x86_vcpu_setup - MSRs, FPU and LAPIC for every vCPU; for the boot
 * vCPU (@id 0) also the registers of @boot's entry mode. Other vCPUs
 * are left waiting for INIT/SIPI from the guest.
 */
int x86_vcpu_setup(int vcpu_fd, unsigned int id,
		   const struct boot_entry *boot, struct errbuf *err);

#endif
