// SPDX-License-Identifier: MIT
/*
 * bootclock: time one VMM boot from process start, the same way for
 * every VMM, and weigh the VMM's own memory once the guest is up.
 *
 *   bootclock [-t SECS] [-m GUEST_MIB] [-i INIT] [-r READY] -- CMD ARGS...
 *
 * Runs CMD with its stdin and stdout on pipes and watches the console:
 *   - INIT (default "vmm-guest: init"): the guest's init has started;
 *   - READY (default "VMM-GUEST-READY"): the guest is up. bootclock then
 *     reads /proc/PID/smaps, and writes a newline to the guest's console,
 *     which tells the benchmark guest to power off.
 * Prints, one per line, "init_ms X", "poweroff_ms X" (the newline to the
 * process's exit), "exit_ms X" (process start to exit after poweroff,
 * without the pause for weighing memory), "rss_kib X" (the whole
 * process), "ram_kib X" (the part in guest RAM: mappings of the guest's
 * size, up to 8 MiB more) and "overhead_kib X" (the difference).
 * Status 0 when every figure was taken; 1 otherwise (timeout, CMD failed,
 * a marker never came), with the reason on stderr.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct clock {
	const char *init_mark, *ready_mark;
	unsigned long long guest_kib;
	double t0, t_init, t_ready, t_go, t_exit;
	long rss_kib, ram_kib;
	char line[8192];
	size_t len;
	char last[256];		/* the last whole console line, for a timeout */
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Sum Rss over all mappings, and over those that are guest RAM. */
static int weigh(struct clock *c, pid_t pid)
{
	char path[64], buf[512];
	unsigned long long size = 0, v;
	bool ram = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	c->rss_kib = c->ram_kib = 0;
	while (fgets(buf, sizeof(buf), f)) {
		if (sscanf(buf, "Size: %llu kB", &v) == 1) {
			size = v;
			ram = size >= c->guest_kib && size <= c->guest_kib + 8192;
		} else if (sscanf(buf, "Rss: %llu kB", &v) == 1) {
			c->rss_kib += (long)v;
			if (ram)
				c->ram_kib += (long)v;
		}
	}
	fclose(f);
	return size ? 0 : -ENODATA;
}

/* One console line: look for the markers. */
static void on_line(struct clock *c, pid_t pid, int to_guest)
{
	if (c->len) {
		size_t n = c->len < sizeof(c->last) - 1 ? c->len : sizeof(c->last) - 1;

		memcpy(c->last, c->line, n);	/* truncated: it is a hint */
		c->last[n] = '\0';
	}
	if (!c->t_init && strstr(c->line, c->init_mark))
		c->t_init = now_ms();
	if (!c->t_ready && strstr(c->line, c->ready_mark)) {
		c->t_ready = now_ms();
		if (weigh(c, pid) < 0)
			fprintf(stderr, "bootclock: cannot read smaps of %d\n", (int)pid);
		c->t_go = now_ms();
		if (write(to_guest, "\n", 1) != 1)
			fprintf(stderr, "bootclock: cannot write to the console: %s\n",
				strerror(errno));
	}
}

static void on_bytes(struct clock *c, pid_t pid, int to_guest, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || c->len == sizeof(c->line) - 1) {
			c->line[c->len] = '\0';
			on_line(c, pid, to_guest);
			c->len = 0;
		} else if (p[i] != '\r') {
			c->line[c->len++] = p[i];
		}
	}
}

static pid_t spawn(char **argv, int *to_child, int *from_child)
{
	int in[2], out[2];
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execvp(argv[0], argv);
		fprintf(stderr, "bootclock: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	*to_child = in[1];
	*from_child = out[0];
	return pid;
}

int main(int argc, char **argv)
{
	struct clock c = { .init_mark = "vmm-guest: init",
			   .ready_mark = "VMM-GUEST-READY", .guest_kib = 1 << 20 };
	double timeout_ms = 300e3;
	int opt, to_guest, from_guest, status = 0;
	pid_t pid;
	char buf[4096];

	while ((opt = getopt(argc, argv, "t:m:i:r:")) != -1) {
		switch (opt) {
		case 't': timeout_ms = atof(optarg) * 1e3; break;
		case 'm': c.guest_kib = strtoull(optarg, NULL, 0) * 1024; break;
		case 'i': c.init_mark = optarg; break;
		case 'r': c.ready_mark = optarg; break;
		default:
			fprintf(stderr, "usage: bootclock [-t SECS] [-m GUEST_MIB] [-i INIT] [-r READY] -- CMD ARGS...\n");
			return 2;
		}
	}
	if (optind >= argc || timeout_ms <= 0 || !c.guest_kib) {
		fprintf(stderr, "bootclock: need a command, a positive timeout and guest size\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	c.t0 = now_ms();
	pid = spawn(argv + optind, &to_guest, &from_guest);
	if (pid < 0) {
		perror("bootclock: spawn");
		return 1;
	}
	for (;;) {
		struct pollfd p = { .fd = from_guest, .events = POLLIN };
		int left = (int)(c.t0 + timeout_ms - now_ms());
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) == 0) {
			fprintf(stderr, "bootclock: timeout after %.0f s (%s; last console line: \"%s\")\n",
				timeout_ms / 1e3, !c.t_init ? "before init" :
				!c.t_ready ? "after init, before ready" : "powering off",
				c.last);
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return 1;
		}
		n = read(from_guest, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		on_bytes(&c, pid, to_guest, buf, (size_t)n);
	}
	waitpid(pid, &status, 0);
	c.t_exit = now_ms();
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bootclock: %s ended with status %d\n", argv[optind],
			WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		return 1;
	}
	if (!c.t_init || !c.t_ready) {
		fprintf(stderr, "bootclock: the guest never printed \"%s\"\n",
			c.t_init ? c.ready_mark : c.init_mark);
		return 1;
	}
	printf("init_ms %.1f\npoweroff_ms %.1f\nexit_ms %.1f\n", c.t_init - c.t0,
	       c.t_exit - c.t_go, c.t_ready - c.t0 + (c.t_exit - c.t_go));
	printf("rss_kib %ld\nram_kib %ld\noverhead_kib %ld\n", c.rss_kib, c.ram_kib,
	       c.rss_kib - c.ram_kib);
	return 0;
}
