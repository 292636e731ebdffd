/* SPDX-License-Identifier: MIT */
/*
 * The control socket of the vmm command (--api-socket PATH): a Unix
 * stream socket, mode 0600, serving the line-delimited JSON protocol of
 * src/ctl.h to a few clients at once from the main thread's poll loop;
 * and `vmm ctl PATH COMMAND`, its client.
 */
#ifndef VMM_CLI_CTLSRV_H
#define VMM_CLI_CTLSRV_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#include "ctl.h"
#include "vmm.h"

#define CTLSRV_MAX_CLIENTS	8

struct ctlsrv_client {
	int fd;				/* -1: free slot */
	char buf[CTL_MAX_LINE + 1];
	size_t len;
};

struct ctlsrv {
	const char *path;
	int fd;				/* listening socket, or -1 */
	struct ctlsrv_client cl[CTLSRV_MAX_CLIENTS];
	bool paused;			/* we paused the VM */
	bool stopping;			/* stop (or shutdown) was asked */
};

/* ctlsrv_init - an empty server, safe to close (nothing open). */
void ctlsrv_init(struct ctlsrv *s);

/*
 * ctlsrv_open - listen on @path (a stale socket there is replaced; a
 * live one or any other file is an error). Returns 0, or -1 with one
 * line in @err.
 */
int ctlsrv_open(struct ctlsrv *s, const char *path, char *err, size_t errlen);

/* ctlsrv_pollfds - add our fds to @p (room for 1 + CTLSRV_MAX_CLIENTS). */
int ctlsrv_pollfds(struct ctlsrv *s, struct pollfd *p);

/*
 * ctlsrv_serve - after poll: accept, read and answer what is ready.
 * @p and @n are what ctlsrv_pollfds filled.
 */
void ctlsrv_serve(struct ctlsrv *s, const struct pollfd *p, int n,
		  struct vmm *vm);

/* ctlsrv_close - close everything and remove the socket file. */
void ctlsrv_close(struct ctlsrv *s);

/*
 * ctl_client_main - `vmm ctl PATH COMMAND`: send one request, print the
 * reply line. Returns the process status: 0 if the reply says ok, 1 if
 * it does not or the VMM cannot be reached, 2 for a usage error.
 */
int ctl_client_main(int argc, char **argv);

#endif
