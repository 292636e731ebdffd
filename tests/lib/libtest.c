// SPDX-License-Identifier: MIT
/*
 * vmm-libtest: libvmm's promises to embedders, on real KVM with the tiny
 * guests (GUESTS directory as the only argument):
 *   - two VMs run at the same time in one process, each with its own
 *     outcome and console;
 *   - the callbacks fire on the documented threads (console output on a
 *     vCPU thread; state changes on the caller of vmm_start/pause/resume,
 *     and STOPPED on the vCPU thread when the guest ends itself);
 *   - pause stops the guest (its console goes quiet) and resume lets it
 *     go on;
 *   - N create/start/wait/destroy cycles (default 1000) leak no file
 *     descriptor, thread or memory (fds and threads are counted in /proc;
 *     leaked memory is LeakSanitizer's business when built with it).
 * Prints "ok ..." lines and ends with status 0, or "FAIL ..." and 1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vmm.h"

static const char *guests;
static pthread_t main_thread;
static int failures;

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		printf("ok: ");						\
	} else {							\
		printf("FAIL: ");					\
		failures++;						\
	}								\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	fflush(stdout);							\
} while (0)

/* What one VM's callbacks saw. */
struct seen {
	pthread_mutex_t lock;
	char console[4096];
	size_t len;
	_Atomic size_t total;
	bool console_on_main;		/* a console callback on the main thread */
	char console_thread[16];	/* name of the thread it came from */
	int states[8];
	bool state_on_main[8];
	char state_thread[8][16];
	unsigned int nr_states;
};

static void on_console(void *opaque, const char *buf, size_t len)
{
	struct seen *s = opaque;

	pthread_mutex_lock(&s->lock);
	if (pthread_equal(pthread_self(), main_thread))
		s->console_on_main = true;
	pthread_getname_np(pthread_self(), s->console_thread,
			   sizeof(s->console_thread));
	if (len > sizeof(s->console) - 1 - s->len)
		len = sizeof(s->console) - 1 - s->len;
	memcpy(s->console + s->len, buf, len);
	s->len += len;
	s->console[s->len] = '\0';
	pthread_mutex_unlock(&s->lock);
	atomic_fetch_add(&s->total, len);
}

static void on_state(void *opaque, enum vmm_state st)
{
	struct seen *s = opaque;

	pthread_mutex_lock(&s->lock);
	if (s->nr_states < 8) {
		s->states[s->nr_states] = st;
		s->state_on_main[s->nr_states] =
			pthread_equal(pthread_self(), main_thread);
		pthread_getname_np(pthread_self(), s->state_thread[s->nr_states],
				   sizeof(s->state_thread[0]));
		s->nr_states++;
	}
	pthread_mutex_unlock(&s->lock);
}

static struct vmm *make_vm(const char *guest, struct seen *s)
{
	static char path[4096];
	struct vmm_config cfg;
	struct vmm *vm = NULL;

	snprintf(path, sizeof(path), "%s/%s", guests, guest);
	vmm_config_init(&cfg);
	cfg.kernel = path;		/* copied by vmm_create */
	cfg.mem_size = 16ULL << 20;
	cfg.no_rng = true;
	if (s) {
		memset(s, 0, sizeof(*s));
		pthread_mutex_init(&s->lock, NULL);
		cfg.console_out = on_console;
		cfg.state_change = on_state;
		cfg.opaque = s;
	}
	if (vmm_create(&cfg, &vm))
		return NULL;
	return vm;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_two_vms(void)
{
	struct seen a, b;
	struct vmm *va = make_vm("exit8.elf", &a), *vb = make_vm("tick.elf", &b);
	struct vmm_exit ea, eb;
	double t0;

	CHECK(va && vb, "two VMs created");
	if (!va || !vb)
		return;
	CHECK(!vmm_start(vb), "VM b (ticking) started: %s", vmm_error(vb));
	CHECK(!vmm_start(va), "VM a (exit 42) started alongside: %s", vmm_error(va));
	vmm_wait(va, &ea);
	CHECK(ea.reason == VMM_EXIT_GUEST_CODE && ea.code == 42,
	      "VM a ended with its own exit code 42 (reason %d code %d)",
	      ea.reason, ea.code);
	/* b is still running and printing. */
	t0 = now();
	while (atomic_load(&b.total) < 8 && now() - t0 < 30)
		usleep(10000);
	CHECK(atomic_load(&b.total) >= 8, "VM b kept running after a ended (%zu bytes)",
	      atomic_load(&b.total));
	CHECK(strstr(a.console, "tiny guest") && !strchr(a.console, '.'),
	      "each VM has its own console");

	/* Threads: console and STOPPED (guest's own end) on a vCPU thread. */
	CHECK(!a.console_on_main && !strncmp(a.console_thread, "vcpu", 4),
	      "console output came on a vCPU thread (%s)", a.console_thread);
	CHECK(a.nr_states == 2 && a.states[0] == VMM_STATE_RUNNING &&
	      a.state_on_main[0] && a.states[1] == VMM_STATE_STOPPED &&
	      !strncmp(a.state_thread[1], "vcpu", 4),
	      "states RUNNING (on the caller of vmm_start), STOPPED (on %s)",
	      a.state_thread[1]);

	/* Pause and resume b. */
	CHECK(!vmm_pause(vb), "pause");
	{
		size_t s1 = atomic_load(&b.total), s2;

		usleep(500000);
		s2 = atomic_load(&b.total);
		CHECK(s1 == s2, "paused: the console stays quiet (%zu -> %zu)", s1, s2);
		CHECK(!vmm_resume(vb), "resume");
		t0 = now();
		while (atomic_load(&b.total) == s2 && now() - t0 < 30)
			usleep(10000);
		CHECK(atomic_load(&b.total) > s2, "resumed: the guest goes on (%zu -> %zu)",
		      s2, atomic_load(&b.total));
	}
	CHECK(b.nr_states >= 3 && b.states[1] == VMM_STATE_PAUSED &&
	      b.state_on_main[1] && b.states[2] == VMM_STATE_RUNNING &&
	      b.state_on_main[2], "PAUSED and RUNNING came on the caller's thread");
	vmm_stop(vb);
	vmm_wait(vb, &eb);
	CHECK(eb.reason == VMM_EXIT_STOPPED, "VM b stopped by vmm_stop (reason %d)",
	      eb.reason);
	CHECK(b.states[b.nr_states - 1] == VMM_STATE_STOPPED &&
	      b.state_on_main[b.nr_states - 1],
	      "STOPPED from vmm_stop came on the caller's thread");
	vmm_destroy(va);
	vmm_destroy(vb);
}

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void test_cycles(int n)
{
	int fds0 = 0, threads0 = 0, bad = 0;
	long rss0 = 0, rss1;
	double t0 = now();

	/* One cycle first, so lazily made process state is not counted. */
	for (int i = 0; i < n + 1; i++) {
		struct vmm *vm = make_vm("exit8.elf", NULL);
		struct vmm_exit ex;

		if (!vm || vmm_start(vm) || vmm_wait(vm, &ex) ||
		    ex.reason != VMM_EXIT_GUEST_CODE || ex.code != 42) {
			if (!bad++)
				printf("cycle %d failed: %s\n", i, vm ? vmm_error(vm) : "create");
		}
		vmm_destroy(vm);
		if (i == 0) {
			fds0 = count_dir("/proc/self/fd");
			threads0 = count_dir("/proc/self/task");
			rss0 = rss_kib();
			t0 = now();
		}
	}
	rss1 = rss_kib();
	CHECK(!bad, "%d create/start/wait/destroy cycles in %.1f s, %d failed", n,
	      now() - t0, bad);
	CHECK(count_dir("/proc/self/fd") == fds0, "no fd leaked (%d before, %d after)",
	      fds0, count_dir("/proc/self/fd"));
	CHECK(count_dir("/proc/self/task") == threads0,
	      "no thread leaked (%d before, %d after)", threads0,
	      count_dir("/proc/self/task"));
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's quarantine holds freed memory: LeakSanitizer judges instead. */
	printf("ok: RSS not judged under ASan (grew %ld KiB); LeakSanitizer checks at exit\n",
	       rss1 - rss0);
#else
	/* Guest RAM is a fresh mapping each time: growth would be a leak. */
	CHECK(rss1 - rss0 < 8192, "RSS grew %ld KiB over the cycles (limit 8 MiB)",
	      rss1 - rss0);
#endif
}

int main(int argc, char **argv)
{
	int cycles = 1000;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: vmm-libtest GUESTS_DIR [CYCLES]\n");
		return 2;
	}
	guests = argv[1];
	if (argc == 3)
		cycles = atoi(argv[2]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	main_thread = pthread_self();
	test_two_vms();
	test_cycles(cycles);
	printf("%s: %d failed checks\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
