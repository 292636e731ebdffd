// SPDX-License-Identifier: MIT
/*
 * vmm-xfer: a bulk TCP transfer with a checksum on both ends, for the
 * network tests. Built static, so the same binary runs on the host (or
 * the nested machine) and inside the guest kit.
 *
 *   vmm-xfer listen PORT          accept one connection, read to EOF,
 *                                 print "xfer-recv bytes=N sum=HEX"
 *   vmm-xfer send HOST PORT BYTES [SEED]
 *                                 connect (retrying for up to 60 s while
 *                                 the peer is not listening yet), send
 *                                 BYTES of pseudo-random data, print
 *                                 "xfer-send bytes=N sum=HEX"
 *
 * The sum is 64-bit FNV-1a over the bytes, so equal sums on both ends
 * mean the stream arrived whole and in order. Exit status 0 on success,
 * 1 with a one-line error otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(64 * 1024)

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static int die(const char *what)
{
	fprintf(stderr, "vmm-xfer: %s: %s\n", what, strerror(errno));
	return 1;
}

static int do_listen(const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)atoi(port)) };
	static unsigned char buf[CHUNK];
	uint64_t h = 0xcbf29ce484222325ULL, total = 0;
	int one = 1, s, c;

	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return die("socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return die("bind");
	if (listen(s, 1) < 0)
		return die("listen");
	printf("xfer-listening port=%s\n", port);
	fflush(stdout);
	c = accept(s, NULL, NULL);
	if (c < 0)
		return die("accept");
	for (;;) {
		ssize_t n = read(c, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return die("read");
		if (n == 0)
			break;
		h = fnv(h, buf, (size_t)n);
		total += (uint64_t)n;
	}
	printf("xfer-recv bytes=%" PRIu64 " sum=%016" PRIx64 "\n", total, h);
	return 0;
}

static int connect_retry(const char *host, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)atoi(port)) };
	time_t end = time(NULL) + 60;

	if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
		fprintf(stderr, "vmm-xfer: %s: not an IPv4 address\n", host);
		return -1;
	}
	for (;;) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0)
			return die("socket"), -1;
		if (!connect(s, (struct sockaddr *)&a, sizeof(a)))
			return s;
		close(s);
		if ((errno != ECONNREFUSED && errno != EHOSTUNREACH &&
		     errno != ENETUNREACH && errno != ETIMEDOUT) ||
		    time(NULL) >= end)
			return die("connect"), -1;
		usleep(200 * 1000);
	}
}

static int do_send(const char *host, const char *port, const char *bytes,
		   const char *seed)
{
	static unsigned char buf[CHUNK];
	uint64_t h = 0xcbf29ce484222325ULL, left = strtoull(bytes, NULL, 0);
	uint64_t x = seed ? strtoull(seed, NULL, 0) : 0x9e3779b97f4a7c15ULL;
	uint64_t total = left;
	int s = connect_retry(host, port);

	if (s < 0)
		return 1;
	x |= 1;
	while (left) {
		size_t n = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		size_t off = 0;

		for (size_t i = 0; i < n; i += 8) {	/* xorshift64 */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(buf + i, &x, n - i < 8 ? n - i : 8);
		}
		h = fnv(h, buf, n);
		while (off < n) {
			ssize_t w = write(s, buf + off, n - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return die("write");
			off += (size_t)w;
		}
		left -= n;
	}
	if (shutdown(s, SHUT_WR) < 0 || close(s) < 0)
		return die("close");
	printf("xfer-send bytes=%" PRIu64 " sum=%016" PRIx64 "\n", total, h);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return do_listen(argv[2]);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "send"))
		return do_send(argv[2], argv[3], argv[4],
			       argc == 6 ? argv[5] : NULL);
	fprintf(stderr, "usage: vmm-xfer listen PORT | vmm-xfer send HOST PORT BYTES [SEED]\n");
	return 2;
}
