// SPDX-License-Identifier: MIT
/*
 * vmm-vmrate: how many VMs per second are created, run to their exit and
 * destroyed, with a tiny guest (exit8.elf: writes 42 to the exit port).
 *
 *   vmm-vmrate lib GUEST SECS [VMM]  through libvmm, in this process
 *   vmm-vmrate cli GUEST SECS VMM    one `VMM --kernel GUEST` process each
 *
 * Prints "vms_per_s X" and "ms_per_vm X" after a warm-up VM; status 1 if
 * any VM did not end with the guest's code 42 (a benchmark of failures
 * would be worthless).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One VM through the library: 0 when the guest exited with 42. */
static int one_lib(const char *guest)
{
	struct vmm_config cfg;
	struct vmm_exit ex;
	struct vmm *vm = NULL;
	int ok;

	vmm_config_init(&cfg);
	cfg.kernel = guest;
	cfg.mem_size = 16 << 20;
	cfg.no_rng = true;
	if (vmm_create(&cfg, &vm))
		return -1;
	ok = !vmm_start(vm) && !vmm_wait(vm, &ex) &&
	     ex.reason == VMM_EXIT_GUEST_CODE && ex.code == 42;
	if (!ok)
		fprintf(stderr, "vmm-vmrate: %s\n", vmm_error(vm));
	vmm_destroy(vm);
	return ok ? 0 : -1;
}

/* One VM through the CLI: its status is the guest's code. */
static int one_cli(const char *guest, const char *vmm)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		/* the guest's console and our own chatter are not the figure */
		dup2(null, 0);
		dup2(null, 1);
		execl(vmm, vmm, "--kernel", guest, "--mem", "16M", "--no-rng",
		      (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 42 ? 0 : -1;
}

int main(int argc, char **argv)
{
	bool cli = argc == 5 && !strcmp(argv[1], "cli");
	bool lib = argc >= 4 && argc <= 5 && !strcmp(argv[1], "lib");
	double secs, t0, t;
	long n = 0;

	if (!cli && !lib) {
		fprintf(stderr, "usage: vmm-vmrate lib GUEST SECS [VMM] | cli GUEST SECS VMM\n");
		return 2;
	}
	secs = atof(argv[3]);
	if (secs <= 0) {
		fprintf(stderr, "vmm-vmrate: SECS must be positive\n");
		return 2;
	}
	/* A warm-up VM: the first pays for loading code and the page cache. */
	if ((cli ? one_cli(argv[2], argv[4]) : one_lib(argv[2])) < 0) {
		fprintf(stderr, "vmm-vmrate: the first VM failed\n");
		return 1;
	}
	t0 = now_s();
	do {
		if ((cli ? one_cli(argv[2], argv[4]) : one_lib(argv[2])) < 0) {
			fprintf(stderr, "vmm-vmrate: VM %ld failed\n", n + 1);
			return 1;
		}
		n++;
		t = now_s() - t0;
	} while (t < secs);
	printf("vms_per_s %.1f\nms_per_vm %.2f\n", (double)n / t, t * 1e3 / (double)n);
	return 0;
}
