// SPDX-License-Identifier: MIT
/*
 * seccomp allowlists, one per kind of thread. Everything that opens
 * files, creates file descriptors or maps memory executable happens
 * during set-up, before any filter is loaded, so the lists are short;
 * they live in src/sandbox_gen.c, which compiles them to BPF at build
 * time (sandbox_bpf.h), so a VM's set-up only points at ready programs.
 * A forbidden call kills the whole process (SIGSYS, logged by the kernel's
 * audit), or is only logged in LOG mode, which is how a missing entry is
 * found.
 */
#include "sandbox.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>

#include "sandbox_bpf.h"

int sandbox_build(struct sandbox *sb, enum vmm_seccomp mode,
		  struct errbuf *err)
{
	memset(sb, 0, sizeof(*sb));
	sb->mode = mode == VMM_SECCOMP_DEFAULT ? VMM_SECCOMP_ON : mode;
	if (sb->mode == VMM_SECCOMP_OFF)
		return 0;
	if (sb->mode != VMM_SECCOMP_ON && sb->mode != VMM_SECCOMP_LOG) {
		sb->mode = VMM_SECCOMP_OFF;
		return errbuf_set(err, -EINVAL, "unknown seccomp mode %d", mode);
	}
	for (int k = 0; k < SANDBOX_NR; k++)
		sb->prog[k] = sandbox_bpf[sb->mode == VMM_SECCOMP_LOG][k];
	return 0;
}

int sandbox_enter(const struct sandbox *sb, enum sandbox_kind kind)
{
	if (sb->mode == VMM_SECCOMP_OFF)
		return 0;
	if (kind >= SANDBOX_NR || !sb->prog[kind].filter)
		return -EINVAL;
	/* Required to load a filter without CAP_SYS_ADMIN; we never exec. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &sb->prog[kind]))
		return -errno;
	return 0;
}

void sandbox_free(struct sandbox *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->mode = VMM_SECCOMP_OFF;
}
