// SPDX-License-Identifier: MIT
/*
 * vsock-echo - both ends of a vsock round-trip test, for the host and
 * for the guest kit (built static, so it runs in either).
 *
 *   vsock-echo listen PORT        accept one connection, write back all
 *                                 it reads until EOF, then exit 0
 *   vsock-echo connect CID PORT   send stdin, shut down the write side,
 *                                 copy the reply to stdout, exit 0
 *
 * Any failure is one line on stderr and status 1 (2 for usage). connect
 * keeps trying for CONNECT_SECS while nobody listens yet (vsock says
 * "connection reset" at once then), so a test need not time the other
 * side's start exactly.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#define CONNECT_SECS	10
#define BUF_SIZE	65536

static const char *prog = "vsock-echo";

/* One line on stderr; returns 1, the failure status. */
static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static int usage(void)
{
	fprintf(stderr, "usage: %s listen PORT\n"
		"       %s connect CID PORT\n", prog, prog);
	return 2;
}

/* Parse a 32-bit unsigned number; false if @s is not one. */
static bool parse_u32(const char *s, unsigned int *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > 0xffffffffULL)
		return false;
	*out = (unsigned int)v;
	return true;
}

/* Write all of @buf to @fd; 0 or -errno. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Errors that mean "nobody is there yet": worth another try. */
static bool connect_retryable(int e)
{
	return e == ECONNRESET || e == ECONNREFUSED || e == ENODEV ||
	       e == EHOSTUNREACH || e == ENETUNREACH || e == EINTR ||
	       e == EAGAIN;
}

/* Connect to @cid:@port within CONNECT_SECS; the socket or -errno. */
static int vsock_connect(unsigned int cid, unsigned int port)
{
	struct sockaddr_vm sa = {
		.svm_family = AF_VSOCK, .svm_cid = cid, .svm_port = port,
	};
	double deadline = now() + CONNECT_SECS;
	int e;

	for (;;) {
		double left = deadline - now();
		struct timeval tv = { .tv_sec = left > 1 ? (time_t)left : 1 };
		int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		/* vsock's own default is 2 s: a slow nested guest needs more. */
		setsockopt(fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &tv,
			   sizeof(tv));
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return fd;
		e = errno;
		close(fd);
		if (!connect_retryable(e) || now() >= deadline)
			return -e;
		usleep(200 * 1000);
	}
}

/*
 * Send stdin and copy the reply to stdout at the same time, so a big
 * input cannot deadlock against an echo that is already answering.
 */
static int client_copy(int s)
{
	static char buf[BUF_SIZE];
	bool in_open = true;
	int err;

	for (;;) {
		struct pollfd p[2] = {
			{ .fd = s, .events = POLLIN },
			{ .fd = in_open ? 0 : -1, .events = POLLIN },
		};
		ssize_t n;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail("poll: %s", strerror(errno));
		}
		if (p[1].revents) {
			n = read(0, buf, sizeof(buf));
			if (n < 0 && errno != EINTR)
				return fail("read stdin: %s", strerror(errno));
			if (n > 0 && (err = write_all(s, buf, (size_t)n)))
				return fail("send: %s", strerror(-err));
			if (n == 0) {
				in_open = false;
				if (shutdown(s, SHUT_WR))
					return fail("shutdown: %s",
						    strerror(errno));
			}
		}
		if (p[0].revents) {
			n = read(s, buf, sizeof(buf));
			if (n < 0 && errno != EINTR)
				return fail("receive: %s", strerror(errno));
			if (n == 0)
				return in_open ? fail("the peer closed before "
						      "the input was sent") : 0;
			if (n > 0 && (err = write_all(1, buf, (size_t)n)))
				return fail("write stdout: %s", strerror(-err));
		}
	}
}

static int do_connect(const char *cid_s, const char *port_s)
{
	unsigned int cid, port;
	int s, ret;

	if (!parse_u32(cid_s, &cid))
		return fail("bad cid '%s'", cid_s);
	if (!parse_u32(port_s, &port))
		return fail("bad port '%s'", port_s);
	s = vsock_connect(cid, port);
	if (s < 0)
		return fail("connect to cid %u port %u: %s", cid, port,
			    strerror(-s));
	ret = client_copy(s);
	close(s);
	return ret;
}

/* Echo everything from @c back to it until EOF. */
static int server_echo(int c)
{
	static char buf[BUF_SIZE];
	int err;

	for (;;) {
		ssize_t n = read(c, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail("receive: %s", strerror(errno));
		if (n == 0)
			break;
		err = write_all(c, buf, (size_t)n);
		if (err)
			return fail("send: %s", strerror(-err));
	}
	if (shutdown(c, SHUT_WR) && errno != ENOTCONN)
		return fail("shutdown: %s", strerror(errno));
	return 0;
}

static int do_listen(const char *port_s)
{
	struct sockaddr_vm sa = {
		.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY,
	};
	unsigned int port;
	int s, c, ret;

	if (!parse_u32(port_s, &port))
		return fail("bad port '%s'", port_s);
	sa.svm_port = port;
	s = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return fail("socket(AF_VSOCK): %s (is the vsock module "
			    "loaded?)", strerror(errno));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1)) {
		ret = fail("listen on port %u: %s", port, strerror(errno));
		close(s);
		return ret;
	}
	do
		c = accept(s, NULL, NULL);
	while (c < 0 && errno == EINTR);
	if (c < 0) {
		ret = fail("accept on port %u: %s", port, strerror(errno));
		close(s);
		return ret;
	}
	close(s);
	ret = server_echo(c);
	close(c);
	return ret;
}

int main(int argc, char **argv)
{
	/* A peer that goes away is an error line, not a silent SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return do_listen(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "connect"))
		return do_connect(argv[2], argv[3]);
	return usage();
}
