// SPDX-License-Identifier: MIT
/*
 * The control socket and its client. Clients are whoever can open a
 * 0600 socket (the user who started vmm), but a request is still only
 * bytes: it goes through ctl_parse, lines are bounded, and a client
 * that misbehaves is dropped without touching the VM.
 */
#include "ctlsrv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int ctl_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -1;
	strcpy(a->sun_path, path);
	return 0;
}

/* Is someone listening on the socket at @path? */
static bool ctl_live(const struct sockaddr_un *a)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	live = connect(fd, (const struct sockaddr *)a, sizeof(*a)) == 0;
	close(fd);
	return live;
}

void ctlsrv_init(struct ctlsrv *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	for (int i = 0; i < CTLSRV_MAX_CLIENTS; i++)
		s->cl[i].fd = -1;
}

int ctlsrv_open(struct ctlsrv *s, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un a;
	struct stat st;
	mode_t old;
	int rc;

	ctlsrv_init(s);
	if (ctl_addr(path, &a)) {
		snprintf(err, errlen, "--api-socket %s: path too long (at most %zu bytes)",
			 path, sizeof(a.sun_path) - 1);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "--api-socket %s: exists and is not a socket",
				 path);
			return -1;
		}
		if (ctl_live(&a)) {
			snprintf(err, errlen, "--api-socket %s: another vmm is serving it",
				 path);
			return -1;
		}
		unlink(path);		/* stale: its vmm is gone */
	}
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0)
		goto fail;
	/* 0600 from the start: no window where others could connect. */
	old = umask(0177);
	rc = bind(s->fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (rc < 0 || chmod(path, 0600) < 0 || listen(s->fd, 4) < 0)
		goto fail;
	s->path = path;
	return 0;
fail:
	snprintf(err, errlen, "--api-socket %s: %s", path, strerror(errno));
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	return -1;
}

int ctlsrv_pollfds(struct ctlsrv *s, struct pollfd *p)
{
	int n = 0;

	if (s->fd < 0)
		return 0;
	p[n++] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
	for (int i = 0; i < CTLSRV_MAX_CLIENTS; i++)
		p[n++] = (struct pollfd){ .fd = s->cl[i].fd, .events = POLLIN };
	return n;
}

static void ctl_drop(struct ctlsrv_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->len = 0;
}

/* A reply is small: if the client will not take it whole, drop it. */
static void ctl_send(struct ctlsrv_client *c, const char *buf, int len)
{
	if (len < 0 || send(c->fd, buf, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) != len)
		ctl_drop(c);
}

static void ctl_error(struct ctlsrv_client *c, const struct ctl_request *req,
		      const char *code, const char *msg)
{
	struct ctl_error e = { .code = code };
	char out[512];

	snprintf(e.message, sizeof(e.message), "%s", msg);
	ctl_send(c, out, ctl_reply(out, sizeof(out), req, &e, NULL));
}

static const char *ctl_state(const struct ctlsrv *s)
{
	return s->stopping ? "stopping" : s->paused ? "paused" : "running";
}

static void ctl_execute(struct ctlsrv *s, struct ctlsrv_client *c,
			const struct ctl_request *req, struct vmm *vm)
{
	char fields[8192], out[8400];
	int err = 0;

	switch (req->cmd) {
	case CTL_STATUS:
		snprintf(fields, sizeof(fields), "\"state\":\"%s\"", ctl_state(s));
		break;
	case CTL_PAUSE:
		err = s->stopping ? -EINVAL : vmm_pause(vm);
		if (!err)
			s->paused = true;
		snprintf(fields, sizeof(fields), "\"state\":\"%s\"", ctl_state(s));
		break;
	case CTL_RESUME:
		err = s->stopping ? -EINVAL : vmm_resume(vm);
		if (!err)
			s->paused = false;
		snprintf(fields, sizeof(fields), "\"state\":\"%s\"", ctl_state(s));
		break;
	case CTL_SHUTDOWN:
		err = s->stopping ? -EINVAL : vmm_shutdown(vm);
		snprintf(fields, sizeof(fields), "\"state\":\"%s\"", ctl_state(s));
		break;
	case CTL_STOP:
		err = vmm_stop(vm);
		s->stopping = true;
		snprintf(fields, sizeof(fields), "\"state\":\"stopping\"");
		break;
	case CTL_METRICS:
		memcpy(fields, "\"metrics\":", 10);
		err = vmm_metrics(vm, fields + 10, sizeof(fields) - 10);
		if (err > 0)
			err = 0;	/* the length */
		break;
	}
	if (err) {
		ctl_error(c, req, err == -EINVAL ? "bad_state" : "failed",
			  err == -EINVAL ? "not possible in this state" : strerror(-err));
		return;
	}
	ctl_send(c, out, ctl_reply(out, sizeof(out), req, NULL, fields));
}

/* Handle every complete line in the client's buffer. */
static void ctl_lines(struct ctlsrv *s, struct ctlsrv_client *c, struct vmm *vm)
{
	char *nl;

	while (c->fd >= 0 && (nl = memchr(c->buf, '\n', c->len))) {
		struct ctl_request req;
		struct ctl_error e;
		size_t n = (size_t)(nl - c->buf);
		char out[512];

		if (ctl_parse(c->buf, n, &req, &e))
			ctl_send(c, out, ctl_reply(out, sizeof(out), &req, &e, NULL));
		else
			ctl_execute(s, c, &req, vm);
		if (c->fd < 0)
			return;
		memmove(c->buf, nl + 1, c->len - n - 1);
		c->len -= n + 1;
	}
	if (c->fd >= 0 && c->len == sizeof(c->buf)) {
		/* A line longer than any request: say so and hang up. */
		ctl_error(c, NULL, "too_long", "request longer than 4096 bytes");
		ctl_drop(c);
	}
}

static void ctl_read(struct ctlsrv *s, struct ctlsrv_client *c, struct vmm *vm)
{
	ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len,
			 MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		ctl_drop(c);
		return;
	}
	c->len += (size_t)n;
	ctl_lines(s, c, vm);
}

static void ctl_accept(struct ctlsrv *s)
{
	int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	for (int i = 0; i < CTLSRV_MAX_CLIENTS; i++) {
		if (s->cl[i].fd < 0) {
			s->cl[i].fd = fd;
			s->cl[i].len = 0;
			return;
		}
	}
	/* Full: tell the newcomer, keep the others. */
	static const char busy[] =
		"{\"ok\":false,\"error\":{\"code\":\"busy\",\"message\":\"too many clients\"}}\n";
	(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

void ctlsrv_serve(struct ctlsrv *s, const struct pollfd *p, int n,
		  struct vmm *vm)
{
	if (n < 1 || s->fd < 0)
		return;
	for (int i = 0; i < CTLSRV_MAX_CLIENTS && i + 1 < n; i++) {
		if (s->cl[i].fd >= 0 && p[i + 1].fd == s->cl[i].fd &&
		    p[i + 1].revents)
			ctl_read(s, &s->cl[i], vm);
	}
	if (p[0].revents & POLLIN)
		ctl_accept(s);
}

void ctlsrv_close(struct ctlsrv *s)
{
	for (int i = 0; i < CTLSRV_MAX_CLIENTS; i++)
		ctl_drop(&s->cl[i]);
	if (s->fd >= 0) {
		close(s->fd);
		unlink(s->path);
	}
	s->fd = -1;
}

/*
 * `vmm ctl PATH -`: stdin's lines go to the server as they are (for
 * scripts and tests: any JSON, good or bad); every reply is printed.
 * Status 0 only if every reply says ok.
 */
static int ctl_client_raw(int fd)
{
	static char buf[65536];
	size_t len = 0;
	ssize_t n;
	int st = 0;

	while (len < sizeof(buf) && (n = read(STDIN_FILENO, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	if (send(fd, buf, len, MSG_NOSIGNAL) < 0 || shutdown(fd, SHUT_WR) < 0) {
		fprintf(stderr, "vmm ctl: %s\n", strerror(errno));
		return 1;
	}
	len = 0;
	while (len < sizeof(buf) - 1 && (n = recv(fd, buf + len, sizeof(buf) - 1 - len, 0)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	fputs(buf, stdout);
	/* Every reply line must be a success. */
	for (char *line = buf; *line; ) {
		char *nl = strchr(line, '\n');

		if (strncmp(line, "{\"ok\":true", 10))
			st = 1;
		if (!nl)
			break;
		line = nl + 1;
	}
	return len ? st : 1;
}

int ctl_client_main(int argc, char **argv)
{
	struct sockaddr_un a;
	struct timeval tv = { .tv_sec = 30 };
	char req[128], reply[16384];
	size_t got = 0;
	int fd, send_err = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: vmm ctl SOCKET COMMAND (status, pause, resume, shutdown, stop, metrics),\n"
				"   or: vmm ctl SOCKET -   (send stdin's lines as requests, print the replies)\n");
		return 2;
	}
	if (ctl_addr(argv[2], &a)) {
		fprintf(stderr, "vmm ctl: %s: path too long\n", argv[2]);
		return 2;
	}
	if (strlen(argv[3]) > 32 || strpbrk(argv[3], "\"\\")) {
		fprintf(stderr, "vmm ctl: '%s' is not a command\n", argv[3]);
		return 2;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		fprintf(stderr, "vmm ctl: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!strcmp(argv[3], "-")) {
		int st = ctl_client_raw(fd);

		close(fd);
		return st;
	}
	snprintf(req, sizeof(req), "{\"cmd\":\"%s\"}\n", argv[3]);
	/*
	 * A server that turns us away (busy) has replied and closed before
	 * our request arrives: the send fails, but its reply is waiting.
	 */
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0)
		send_err = errno;
	while (got < sizeof(reply) - 1 && !memchr(reply, '\n', got)) {
		ssize_t n = recv(fd, reply + got, sizeof(reply) - 1 - got, 0);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	reply[got] = '\0';
	if (!got) {
		fprintf(stderr, "vmm ctl: %s: %s\n", argv[2],
			send_err ? strerror(send_err) : "no reply");
		return 1;
	}
	fputs(reply, stdout);
	if (reply[got - 1] != '\n')
		putchar('\n');
	return strncmp(reply, "{\"ok\":true", 10) ? 1 : 0;
}
