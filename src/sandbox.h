/* SPDX-License-Identifier: MIT */
/*
 * seccomp allowlists for the VMM's threads. The filters are compiled to
 * BPF at build time (src/sandbox_gen.c); each thread loads its own with
 * two prctl() calls and no allocation, before guest code runs.
 */
#ifndef VMM_SANDBOX_H
#define VMM_SANDBOX_H

#include <linux/filter.h>

#include "util.h"
#include "vmm.h"

enum sandbox_kind {
	SANDBOX_VCPU,		/* KVM_RUN and what an exit handler does */
	SANDBOX_IO,		/* the io_uring device loop */
	SANDBOX_CONTROL,	/* the thread that drives the VM (CLI main) */
	SANDBOX_NR,
};

struct sandbox {
	enum vmm_seccomp mode;		/* ON, LOG or OFF (never DEFAULT) */
	struct sock_fprog prog[SANDBOX_NR];
};

/*
 * sandbox_build - pick the filters for @mode (DEFAULT means ON; OFF
 * picks none). Returns 0, or -EINVAL with @err set for an unknown mode.
 */
int sandbox_build(struct sandbox *sb, enum vmm_seccomp mode,
		  struct errbuf *err);

/*
 * sandbox_enter - confine the calling thread (and threads it starts
 * later) to @kind's allowlist. No-op when the mode is OFF. Returns 0 or
 * -errno; it allocates nothing, so it is safe on any thread.
 */
int sandbox_enter(const struct sandbox *sb, enum sandbox_kind kind);

/* sandbox_free - forget what sandbox_build picked; @sb is then OFF. */
void sandbox_free(struct sandbox *sb);

/* sandbox_kind_name - "vcpu", "io" or "control". */
static inline const char *sandbox_kind_name(enum sandbox_kind kind)
{
	static const char *const name[SANDBOX_NR] = {
		[SANDBOX_VCPU] = "vcpu", [SANDBOX_IO] = "io",
		[SANDBOX_CONTROL] = "control",
	};

	return kind < SANDBOX_NR ? name[kind] : "?";
}

#endif
