// SPDX-License-Identifier: MIT
/*
 * The seccomp allowlists, loaded for real: each case forks, the child
 * confines itself as one kind of thread and makes one system call, and
 * the parent checks how the child ended. No KVM needed: a KVM ioctl on a
 * bad descriptor fails with EBADF when the filter lets it through and
 * kills the child when it does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "sandbox.h"

enum probe {
	PROBE_WRITE,		/* write(2) to /dev/null: always allowed */
	PROBE_SOCKET,		/* socket(2): never allowed */
	PROBE_OPEN,		/* open(2): never allowed after set-up */
	PROBE_EXEC_MAP,		/* mmap(PROT_EXEC): never allowed */
	PROBE_KVM_RUN,		/* ioctl(KVM_RUN): vCPU only */
	PROBE_IRQ_LINE,		/* ioctl(KVM_IRQ_LINE): vCPU and control */
	PROBE_TTY,		/* ioctl(TCGETS): control only */
};

/* Child: 0 if the call went through (whatever it returned). */
static int run_probe(enum probe p, int null_fd)
{
	struct kvm_irq_level irq = { 0 };
	void *m;
	int fd;

	switch (p) {
	case PROBE_WRITE:
		return write(null_fd, "x", 1) == 1 ? 0 : 1;
	case PROBE_SOCKET:
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		return fd >= 0 || errno ? 0 : 1;
	case PROBE_OPEN:
		fd = open("/dev/null", O_RDONLY);
		return 0;
	case PROBE_EXEC_MAP:
		m = mmap(NULL, 4096, PROT_READ | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		return m != MAP_FAILED || errno ? 0 : 1;
	case PROBE_KVM_RUN:
		return ioctl(-1, KVM_RUN, 0) < 0 && errno == EBADF ? 0 : 1;
	case PROBE_IRQ_LINE:
		return ioctl(-1, KVM_IRQ_LINE, &irq) < 0 && errno == EBADF ? 0 : 1;
	case PROBE_TTY:
		return ioctl(-1, TCGETS, NULL) < 0 && errno == EBADF ? 0 : 1;
	}
	return 1;
}

/*
 * Confine a child as @kind under @mode and run @p. Returns 0 if the call
 * went through, SIGSYS if the kernel killed the child for it.
 */
static int probe(enum vmm_seccomp mode, enum sandbox_kind kind, enum probe p)
{
	struct sandbox sb;
	struct errbuf err;
	int null_fd = open("/dev/null", O_WRONLY);
	int st;
	pid_t pid;

	assert_true(null_fd >= 0);
	assert_int_equal(sandbox_build(&sb, mode, &err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/*
		 * exit_group directly: a sanitizer's _exit() hook (the leak
		 * check) would make calls of its own under the filter.
		 */
		if (sandbox_enter(&sb, kind))
			syscall(SYS_exit_group, 90);
		syscall(SYS_exit_group, run_probe(p, null_fd));
	}
	sandbox_free(&sb);
	close(null_fd);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		return WTERMSIG(st);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st) ? 100 + WEXITSTATUS(st) : 0;
}

static void test_forbidden_calls_kill_every_kind(void **state)
{
	for (int k = 0; k < SANDBOX_NR; k++) {
		assert_int_equal(probe(VMM_SECCOMP_ON, k, PROBE_WRITE), 0);
		assert_int_equal(probe(VMM_SECCOMP_ON, k, PROBE_SOCKET), SIGSYS);
		assert_int_equal(probe(VMM_SECCOMP_ON, k, PROBE_OPEN), SIGSYS);
		assert_int_equal(probe(VMM_SECCOMP_ON, k, PROBE_EXEC_MAP), SIGSYS);
	}
}

/* Each kind gets the ioctls it needs and no others. */
static void test_ioctls_per_kind(void **state)
{
	assert_int_equal(probe(VMM_SECCOMP_ON, SANDBOX_VCPU, PROBE_KVM_RUN), 0);
	assert_int_equal(probe(VMM_SECCOMP_ON, SANDBOX_VCPU, PROBE_IRQ_LINE), 0);
	assert_int_equal(probe(VMM_SECCOMP_ON, SANDBOX_VCPU, PROBE_TTY), SIGSYS);
	assert_int_equal(probe(VMM_SECCOMP_ON, SANDBOX_IO, PROBE_KVM_RUN), SIGSYS);
	assert_int_equal(probe(VMM_SECCOMP_ON, SANDBOX_IO, PROBE_IRQ_LINE), SIGSYS);
	assert_int_equal(probe(VMM_SECCOMP_ON, SANDBOX_IO, PROBE_TTY), SIGSYS);
	assert_int_equal(probe(VMM_SECCOMP_ON, SANDBOX_CONTROL, PROBE_KVM_RUN), SIGSYS);
	assert_int_equal(probe(VMM_SECCOMP_ON, SANDBOX_CONTROL, PROBE_IRQ_LINE), 0);
	assert_int_equal(probe(VMM_SECCOMP_ON, SANDBOX_CONTROL, PROBE_TTY), 0);
}

/* LOG lets everything through; OFF installs nothing. */
static void test_log_and_off(void **state)
{
	for (int k = 0; k < SANDBOX_NR; k++) {
		assert_int_equal(probe(VMM_SECCOMP_LOG, k, PROBE_SOCKET), 0);
		assert_int_equal(probe(VMM_SECCOMP_LOG, k, PROBE_EXEC_MAP), 0);
		assert_int_equal(probe(VMM_SECCOMP_OFF, k, PROBE_SOCKET), 0);
	}
}

/* DEFAULT means ON; a mode out of range is refused with a message. */
static void test_modes(void **state)
{
	struct sandbox sb;
	struct errbuf err;

	assert_int_equal(sandbox_build(&sb, VMM_SECCOMP_DEFAULT, &err), 0);
	assert_int_equal(sb.mode, VMM_SECCOMP_ON);
	for (int k = 0; k < SANDBOX_NR; k++)
		assert_true(sb.prog[k].filter && sb.prog[k].len > 0);
	sandbox_free(&sb);
	assert_int_equal(sb.mode, VMM_SECCOMP_OFF);
	assert_int_equal(sandbox_build(&sb, VMM_SECCOMP_OFF, &err), 0);
	assert_int_equal(sandbox_enter(&sb, SANDBOX_VCPU), 0);
	assert_int_equal(sandbox_build(&sb, (enum vmm_seccomp)42, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "seccomp"));
	assert_int_equal(probe(VMM_SECCOMP_DEFAULT, SANDBOX_IO, PROBE_SOCKET), SIGSYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forbidden_calls_kill_every_kind),
		cmocka_unit_test(test_ioctls_per_kind),
		cmocka_unit_test(test_log_and_off),
		cmocka_unit_test(test_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
