/* SPDX-License-Identifier: MIT */
/*
 * Intel MultiProcessor Specification 1.4 tables, for kernels that boot
 * without ACPI (acpi=off, or too old): CPUs, one ISA bus and the IOAPIC.
 */
#ifndef VMM_MPTABLE_H
#define VMM_MPTABLE_H

#include "guest_mem.h"
#include "util.h"

/*
 * The most CPUs whose entries still fit, with everything else, in the
 * 1 KiB EBDA window at LAYOUT_MPTABLE.
 */
#define MPTABLE_MAX_CPUS	40

/*
 * mptable_build - write the MP floating pointer at LAYOUT_MPTABLE and
 * the configuration table right after it, inside the EBDA's first KiB
 * (where Linux scans), clearing the rest of that KiB.
 *
 * Returns 0; -EINVAL for 0 CPUs; -ENOSPC for more than MPTABLE_MAX_CPUS
 * (callers may carry on: ACPI describes the CPUs too); -EFAULT if guest
 * RAM does not cover the window. On failure guest memory is untouched
 * and @err says why.
 */
int mptable_build(const struct guest_mem *gm, unsigned int nr_cpus,
		  struct errbuf *err);

#endif
