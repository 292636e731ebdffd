/* SPDX-License-Identifier: MIT */
/*
 * seccomp allowlists for the VMM's threads. The filters are compiled once
 * per VM, on the caller's thread during set-up; each thread then loads its
 * own with two prctl() calls and no allocation, before guest code runs.
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
 * sandbox_build - compile the filters for @mode (DEFAULT means ON; OFF
 * compiles nothing). Returns 0 or -errno with @err set.
 */
int sandbox_build(struct sandbox *sb, enum vmm_seccomp mode,
		  struct errbuf *err);

/*
 * sandbox_enter - confine the calling thread (and threads it starts
 * later) to @kind's allowlist. No-op when the mode is OFF. Returns 0 or
 * -errno; it allocates nothing, so it is safe on any thread.
 */
int sandbox_enter(const struct sandbox *sb, enum sandbox_kind kind);

/* sandbox_free - free what sandbox_build made; @sb is then OFF. */
void sandbox_free(struct sandbox *sb);

/* sandbox_kind_name - "vcpu", "io" or "control". */
const char *sandbox_kind_name(enum sandbox_kind kind);

#endif
