// SPDX-License-Identifier: MIT
/*
 * seccomp allowlists, one per kind of thread. Everything that opens
 * files, creates file descriptors or maps memory executable happens
 * during set-up, before any filter is loaded, so the lists are short:
 *   - every thread: I/O on the descriptors it already has, futexes,
 *     memory management for malloc (never PROT_EXEC), clocks, signals
 *     among our own threads, io_uring submission, exit;
 *   - a vCPU: KVM_RUN and the ioctls an exit handler issues (interrupt
 *     lines, MSI routes, irqfd/ioeventfd as the guest enables queues,
 *     the tap's offloads and vhost-vsock's set-up at DRIVER_OK);
 *   - the device loop: only the common list (its interrupts are irqfd
 *     writes);
 *   - the control thread: the vCPU's ioctls but KVM_RUN (pause, the power
 *     button, teardown), the terminal's, poll and the control socket.
 * A forbidden call kills the whole process (SIGSYS, logged by the kernel's
 * audit), or is only logged in LOG mode, which is how a missing entry is
 * found.
 */
#include "sandbox.h"

#include <errno.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/vhost.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <unistd.h>

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

const char *sandbox_kind_name(enum sandbox_kind kind)
{
	static const char *const name[SANDBOX_NR] = {
		[SANDBOX_VCPU] = "vcpu", [SANDBOX_IO] = "io",
		[SANDBOX_CONTROL] = "control",
	};

	return kind < SANDBOX_NR ? name[kind] : "?";
}

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

/* libseccomp 2.5 exports BPF only to a file descriptor: go via a memfd. */
static int export_prog(scmp_filter_ctx ctx, struct sock_fprog *prog)
{
	int fd = memfd_create("vmm-seccomp", MFD_CLOEXEC);
	off_t size;
	int err;

	if (fd < 0)
		return -errno;
	err = seccomp_export_bpf(ctx, fd);
	if (err)
		goto out;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % sizeof(struct sock_filter) ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		err = -E2BIG;
		goto out;
	}
	prog->filter = malloc((size_t)size);
	if (!prog->filter) {
		err = -ENOMEM;
		goto out;
	}
	if (pread(fd, prog->filter, (size_t)size, 0) != size) {
		err = -EIO;
		free(prog->filter);
		prog->filter = NULL;
		goto out;
	}
	prog->len = (unsigned short)(size / sizeof(struct sock_filter));
out:
	close(fd);
	return err;
}

static int build_one(struct sandbox *sb, enum sandbox_kind kind)
{
	uint32_t deny = sb->mode == VMM_SECCOMP_LOG ? SCMP_ACT_LOG
						    : SCMP_ACT_KILL_PROCESS;
	scmp_filter_ctx ctx = seccomp_init(deny);
	int err;

	if (!ctx)
		return -ENOMEM;
	err = add_rules(ctx, kind);
	if (!err)
		err = export_prog(ctx, &sb->prog[kind]);
	seccomp_release(ctx);
	return err;
}

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
	for (int k = 0; k < SANDBOX_NR; k++) {
		int ret = build_one(sb, (enum sandbox_kind)k);

		if (ret) {
			sandbox_free(sb);
			return errbuf_set(err, ret, "seccomp: building the %s filter: %s",
					  sandbox_kind_name((enum sandbox_kind)k),
					  strerror(-ret));
		}
	}
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
	for (int k = 0; k < SANDBOX_NR; k++) {
		free(sb->prog[k].filter);
		sb->prog[k].filter = NULL;
		sb->prog[k].len = 0;
	}
	sb->mode = VMM_SECCOMP_OFF;
}
