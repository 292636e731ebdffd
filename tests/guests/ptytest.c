// SPDX-License-Identifier: MIT
/*
 * ptytest - run vmm on a pseudo-terminal, as a person at a shell would,
 * and check the terminal handling:
 *
 *   ptytest quit VMM ECHO_GUEST     Ctrl-A x ends vmm with status 0
 *   ptytest ctrlc VMM ECHO_GUEST    Ctrl-C is passed to the guest (raw
 *                                   mode), which echoes it back
 *   ptytest sigterm VMM HANG_GUEST  SIGTERM ends vmm with status 143
 *
 * In every mode the terminal settings after vmm exits must equal those
 * before it started (canonical mode and echo back on).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static char seen[65536];
static size_t seen_len;

static int fail(const char *msg)
{
	fprintf(stderr, "ptytest: FAIL: %s\n", msg);
	fprintf(stderr, "ptytest: output so far:\n%.*s\n", (int)seen_len, seen);
	return 1;
}

/* Read from the master until @needle shows up or @ms pass. */
static int wait_for(int master, const char *needle, int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		long left;

		seen[seen_len] = '\0';
		if (memmem(seen, seen_len, needle, strlen(needle)))
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - ((t.tv_sec - t0.tv_sec) * 1000 +
			     (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return -1;
		if (poll(&p, 1, (int)left) > 0) {
			ssize_t n = read(master, seen + seen_len,
					 sizeof(seen) - 1 - seen_len);

			if (n <= 0)
				return -1;
			seen_len += (size_t)n;
		}
	}
}

static int wait_exit(pid_t pid, int master, int ms)
{
	int status;

	for (int i = 0; i < ms / 10; i++) {
		char buf[256];

		/* Keep draining so vmm never blocks on a full terminal. */
		while (read(master, buf, sizeof(buf)) > 0)
			;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status)
						 : 128 + WTERMSIG(status);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static bool same_termios(const struct termios *a, const struct termios *b)
{
	return a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
	       a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag;
}

int main(int argc, char **argv)
{
	struct termios before, after;
	const char *mode;
	int master, slave, want, got;
	pid_t pid;

	if (argc != 4) {
		fprintf(stderr, "usage: ptytest quit|ctrlc|sigterm VMM GUEST\n");
		return 2;
	}
	mode = argv[1];
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return fail("no pty");
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &before))
		return fail("cannot open the pty slave");
	if (!(before.c_lflag & ICANON) || !(before.c_lflag & ECHO))
		return fail("pty does not start in canonical mode");

	pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		execl(argv[2], argv[2], "--kernel", argv[3], "--mem", "32M",
		      (char *)NULL);
		_exit(127);
	}
	fcntl(master, F_SETFL, O_NONBLOCK);
	if (wait_for(master, "hello from PVH entry", 30000))
		return fail("guest did not start");

	if (!strcmp(mode, "quit")) {
		if (write(master, "\001x", 2) != 2)
			return fail("write");
		want = 0;
	} else if (!strcmp(mode, "ctrlc")) {
		/* The echo guest sends back what it gets; 'q' ends it. */
		if (write(master, "a\003b", 3) != 3)
			return fail("write");
		if (wait_for(master, "a\003b", 10000))
			return fail("Ctrl-C did not reach the guest");
		if (write(master, "q", 1) != 1)
			return fail("write");
		want = 0;
	} else if (!strcmp(mode, "sigterm")) {
		/* Give vmm a moment to have switched the terminal to raw. */
		usleep(200000);
		kill(pid, SIGTERM);
		want = 143;
	} else {
		return fail("unknown mode");
	}
	got = wait_exit(pid, master, 20000);
	if (got != want) {
		fprintf(stderr, "ptytest: vmm exit status %d, want %d\n", got,
			want);
		return fail("wrong exit status");
	}
	if (tcgetattr(slave, &after))
		return fail("tcgetattr after");
	if (!same_termios(&before, &after))
		return fail("terminal settings were not restored");
	printf("ptytest %s: exit status %d, terminal restored\n", mode, got);
	return 0;
}
