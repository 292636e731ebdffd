// SPDX-License-Identifier: MIT
/*
 * sandbox-gen: compiles vmm's seccomp allowlists (below) to classic BPF
 * at build time and writes them as C arrays (sandbox_bpf.h) for
 * src/sandbox.c, so vmm loads a ready filter with one prctl() per thread
 * and neither runs libseccomp's compiler for every VM (about 0.7 ms of
 * start-up natively, 20 ms in a nested TCG machine) nor links libseccomp.
 *
 * The lists (one per kind of thread):
 *   - every thread: I/O on the descriptors it already has, futexes,
 *     memory management for malloc (never PROT_EXEC), clocks, signals
 *     among our own threads, io_uring submission, exit;
 *   - a vCPU: KVM_RUN and the ioctls an exit handler issues (interrupt
 *     lines, MSI routes, irqfd/ioeventfd as the guest enables queues,
 *     the tap's offloads and vhost-vsock's set-up at DRIVER_OK);
 *   - the device loop: only the common list (its interrupts are irqfd
 *     writes);
 *   - the control thread: the vCPU's ioctls but KVM_RUN (pause, the power
 *     button, teardown), the terminal's, poll and the control socket, and
 *     fdatasync for the disks at a clean stop.
 * Each is compiled twice: denying with SECCOMP_RET_KILL_PROCESS
 * (--seccomp on) and with SECCOMP_RET_LOG (--seccomp log).
 *
 * usage: sandbox-gen OUTPUT.h
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/vhost.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "sandbox.h"

static const char *const sys_common[] = {
	"read", "write", "readv", "writev", "pread64", "pwrite64", "close",
	"futex", "exit", "exit_group", "rt_sigreturn", "rt_sigprocmask",
	"madvise", "munmap", "mremap", "brk", "clock_gettime",
	"clock_nanosleep", "nanosleep", "gettid", "getpid", "tgkill",
	"sched_yield", "restart_syscall", "fstat", "newfstatat", "lseek",
	"getrandom", "io_uring_enter",
	"sigaltstack",		/* sanitizer runtimes, at thread exit */
};

static const char *const sys_vcpu[] = { "rt_sigtimedwait" };

static const char *const sys_control[] = {
	"poll", "ppoll", "accept4", "recvfrom", "sendto", "recvmsg",
	"sendmsg", "shutdown", "fcntl", "unlink", "rt_sigtimedwait",
	"fdatasync",		/* disks flushed at a clean stop */
};

/* ioctls an exit handler may issue on the VM, a vCPU, a tap or vhost. */
static const unsigned long ioctl_devices[] = {
	KVM_IRQ_LINE, KVM_IRQ_LINE_STATUS, KVM_SIGNAL_MSI,
	KVM_SET_GSI_ROUTING, KVM_IRQFD, KVM_IOEVENTFD,
	KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS, KVM_SET_SREGS,
	TUNSETOFFLOAD,
	VHOST_SET_FEATURES, VHOST_SET_MEM_TABLE, VHOST_SET_VRING_NUM,
	VHOST_SET_VRING_BASE, VHOST_GET_VRING_BASE, VHOST_SET_VRING_ADDR,
	VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL, VHOST_VSOCK_SET_RUNNING,
};

static const unsigned long ioctl_vcpu[] = { KVM_RUN };

/* The terminal: restoring it at exit, and isatty(). */
static const unsigned long ioctl_tty[] = {
	TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ,
};

static int allow_names(scmp_filter_ctx ctx, const char *const *names,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);
		int err;

		if (nr == __NR_SCMP_ERROR)
			continue;	/* not on this architecture */
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (err)
			return err;
	}
	return 0;
}

static int allow_ioctls(scmp_filter_ctx ctx, const unsigned long *cmds,
			size_t n)
{
	for (size_t i = 0; i < n; i++) {
		/* The kernel takes the command as an unsigned int. */
		int err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
					   SCMP_A1(SCMP_CMP_MASKED_EQ,
						   0xffffffffULL,
						   (scmp_datum_t)(uint32_t)cmds[i]));

		if (err)
			return err;
	}
	return 0;
}

/*
 * mmap and mprotect, never with PROT_EXEC: no new code at run time. And
 * prctl(PR_GET_NAME) only: pthread_getname_np() on the calling thread,
 * which an embedder's callback may use to say where it runs.
 */
static int allow_memory_and_name(scmp_filter_ctx ctx)
{
	int err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				   SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));

	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				       SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (!err)
		err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
				       SCMP_A0(SCMP_CMP_EQ, PR_GET_NAME));
	return err;
}

static int add_rules(scmp_filter_ctx ctx, enum sandbox_kind kind)
{
	int err = allow_names(ctx, sys_common, ARRAY_SIZE(sys_common));

	if (!err)
		err = allow_memory_and_name(ctx);
	if (err)
		return err;
	switch (kind) {
	case SANDBOX_VCPU:
		err = allow_names(ctx, sys_vcpu, ARRAY_SIZE(sys_vcpu));
		if (!err)
			err = allow_ioctls(ctx, ioctl_vcpu, ARRAY_SIZE(ioctl_vcpu));
		if (!err)
			err = allow_ioctls(ctx, ioctl_devices,
					   ARRAY_SIZE(ioctl_devices));
		break;
	case SANDBOX_IO:
		break;
	case SANDBOX_CONTROL:
		err = allow_names(ctx, sys_control, ARRAY_SIZE(sys_control));
		if (!err)
			err = allow_ioctls(ctx, ioctl_devices,
					   ARRAY_SIZE(ioctl_devices));
		if (!err)
			err = allow_ioctls(ctx, ioctl_tty, ARRAY_SIZE(ioctl_tty));
		break;
	default:
		err = -EINVAL;
	}
	return err;
}

/* Write @kind's filter, denying with @deny, as the array @name. */
static int emit_one(FILE *out, const char *name, enum sandbox_kind kind,
		    uint32_t deny, unsigned int *len)
{
	scmp_filter_ctx ctx = seccomp_init(deny);
	struct sock_filter *insn = NULL;
	FILE *mem = NULL;
	long size = 0;
	int err;

	if (!ctx)
		return -ENOMEM;
	err = add_rules(ctx, kind);
	/* libseccomp 2.5 exports BPF only to a file descriptor. */
	if (!err) {
		mem = tmpfile();
		err = mem ? seccomp_export_bpf(ctx, fileno(mem)) : -errno;
	}
	if (!err && (fseek(mem, 0, SEEK_END) || (size = ftell(mem)) <= 0 ||
		     size % (long)sizeof(*insn) ||
		     size / (long)sizeof(*insn) > BPF_MAXINSNS))
		err = -E2BIG;
	if (!err && !(insn = malloc((size_t)size)))
		err = -ENOMEM;
	if (!err && (fseek(mem, 0, SEEK_SET) ||
		     fread(insn, 1, (size_t)size, mem) != (size_t)size))
		err = -EIO;
	if (!err) {
		*len = (unsigned int)(size / (long)sizeof(*insn));
		fprintf(out, "static const struct sock_filter %s[%u] = {\n",
			name, *len);
		for (unsigned int i = 0; i < *len; i++)
			fprintf(out, "\t{ 0x%02x, %u, %u, 0x%08x },\n",
				insn[i].code, insn[i].jt, insn[i].jf, insn[i].k);
		fprintf(out, "};\n\n");
	}
	free(insn);
	if (mem)
		fclose(mem);
	seccomp_release(ctx);
	return err;
}

int main(int argc, char **argv)
{
	static const char *const mode[2] = { "on", "log" };
	const uint32_t deny[2] = { SCMP_ACT_KILL_PROCESS, SCMP_ACT_LOG };
	unsigned int len[2][SANDBOX_NR];
	char name[64];
	FILE *out;
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: sandbox-gen OUTPUT.h\n");
		return 2;
	}
	out = fopen(argv[1], "w");
	if (!out) {
		fprintf(stderr, "sandbox-gen: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fprintf(out, "/* Made by sandbox-gen (src/sandbox_gen.c) at build time. */\n\n");
	for (int m = 0; m < 2 && !err; m++) {
		for (int k = 0; k < SANDBOX_NR && !err; k++) {
			snprintf(name, sizeof(name), "sandbox_bpf_%s_%s", mode[m],
				 sandbox_kind_name((enum sandbox_kind)k));
			err = emit_one(out, name, (enum sandbox_kind)k, deny[m],
				       &len[m][k]);
		}
	}
	fprintf(out, "/*\n * [0]: --seccomp on, [1]: --seccomp log; by enum sandbox_kind. The\n"
		" * casts drop const only for struct sock_fprog: the kernel reads.\n */\n");
	fprintf(out, "static const struct sock_fprog sandbox_bpf[2][SANDBOX_NR] = {\n");
	for (int m = 0; m < 2 && !err; m++) {
		fprintf(out, "\t{\n");
		for (int k = 0; k < SANDBOX_NR; k++)
			fprintf(out, "\t\t[%d] = { %u, (struct sock_filter *)sandbox_bpf_%s_%s },\n",
				k, len[m][k], mode[m],
				sandbox_kind_name((enum sandbox_kind)k));
		fprintf(out, "\t},\n");
	}
	fprintf(out, "};\n");
	if (fclose(out) || err) {
		fprintf(stderr, "sandbox-gen: %s\n",
			err ? strerror(-err) : strerror(errno));
		remove(argv[1]);
		return 1;
	}
	return 0;
}
