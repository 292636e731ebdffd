// SPDX-License-Identifier: MIT
/*
 * A small libvmm embedder: boot a kernel, capture its console into
 * memory (not onto the terminal), stop it after a deadline, and report.
 *
 *   cc embed.c $(pkg-config --cflags --libs libvmm) -o embed
 *   ./embed KERNEL [INITRD [CMDLINE [SECONDS]]]
 *
 * Prints how the guest ended, how much console it produced and its last
 * lines. Exit status 0 if the guest ended on its own (poweroff or an
 * exit code of 0), 1 otherwise.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <vmm.h>

/* The console, kept in a growing buffer; the callback runs on a vCPU thread. */
struct capture {
	pthread_mutex_t lock;
	char *buf;
	size_t len, cap;
};

static void on_console(void *opaque, const char *p, size_t n)
{
	struct capture *c = opaque;

	pthread_mutex_lock(&c->lock);
	if (c->len + n + 1 > c->cap) {
		size_t cap = (c->cap ? c->cap * 2 : 65536) + n;
		char *b = realloc(c->buf, cap);

		if (!b) {
			pthread_mutex_unlock(&c->lock);
			return;		/* drop it: never take the VM down */
		}
		c->buf = b;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
	c->buf[c->len] = '\0';
	pthread_mutex_unlock(&c->lock);
}

static const char *reason_name(enum vmm_exit_reason r)
{
	switch (r) {
	case VMM_EXIT_POWEROFF: return "poweroff";
	case VMM_EXIT_RESET: return "reset";
	case VMM_EXIT_PANIC: return "panic";
	case VMM_EXIT_GUEST_CODE: return "exit code";
	case VMM_EXIT_STOPPED: return "stopped";
	case VMM_EXIT_ERROR: return "error";
	default: return "?";
	}
}

/* The last @n lines of @s. */
static const char *tail_lines(const char *s, size_t len, int n)
{
	const char *p = s + len;

	while (p > s && (p[-1] == '\n' || p[-1] == '\r'))
		p--;
	while (p > s && n > 0)
		if (*--p == '\n')
			n--;
	return p == s ? p : p + 1;
}

int main(int argc, char **argv)
{
	struct capture cap = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct vmm_config cfg;
	struct vmm_exit ex;
	struct vmm *vm;
	int seconds = argc > 4 ? atoi(argv[4]) : 120;
	struct pollfd pfd;
	int err;

	if (argc < 2) {
		fprintf(stderr, "usage: %s KERNEL [INITRD [CMDLINE [SECONDS]]]\n", argv[0]);
		return 2;
	}
	vmm_config_init(&cfg);
	cfg.kernel = argv[1];
	cfg.initrd = argc > 2 && *argv[2] ? argv[2] : NULL;
	cfg.cmdline = argc > 3 && *argv[3] ? argv[3] : NULL;
	cfg.mem_size = 256ULL << 20;
	cfg.console_out = on_console;
	cfg.opaque = &cap;

	err = vmm_create(&cfg, &vm);
	if (err) {
		fprintf(stderr, "vmm_create: %s\n", strerror(-err));
		return 1;
	}
	if (vmm_start(vm)) {
		fprintf(stderr, "vmm_start: %s\n", vmm_error(vm));
		vmm_destroy(vm);
		return 1;
	}
	/* Our own event loop would watch this fd; here it is the deadline. */
	pfd = (struct pollfd){ .fd = vmm_poll_fd(vm), .events = POLLIN };
	if (poll(&pfd, 1, seconds * 1000) == 0) {
		fprintf(stderr, "embed: no end after %d s, stopping the guest\n", seconds);
		vmm_stop(vm);
	}
	vmm_wait(vm, &ex);
	pthread_mutex_lock(&cap.lock);
	printf("embed: guest ended: %s (code %d); console captured in memory: %zu bytes\n",
	       reason_name(ex.reason), ex.code, cap.len);
	if (cap.len) {
		const char *p = tail_lines(cap.buf, cap.len, 4);

		printf("embed: last lines:\n");
		while (*p) {		/* each quoted, so it can't pass for ours */
			size_t n = strcspn(p, "\n");

			printf("| %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	pthread_mutex_unlock(&cap.lock);
	vmm_destroy(vm);
	free(cap.buf);
	return ex.reason == VMM_EXIT_POWEROFF ||
	       (ex.reason == VMM_EXIT_GUEST_CODE && ex.code == 0) ? 0 : 1;
}
