// SPDX-License-Identifier: MIT
/*
 * vmm - the command-line front end. Everything that runs the guest is in
 * libvmm; this file only parses flags, owns the terminal and signals,
 * shuttles console bytes and turns the outcome into an exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "vmm.h"

/* Exit statuses; the README documents each one. */
enum {
	EXIT_POWEROFF = 0,
	EXIT_VMM_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_RESET = 3,
	EXIT_PANIC = 4,
	EXIT_SIGNAL_BASE = 128,
};

#define CTRL_A		0x01
#define INPUT_BUF	4096
#define MAX_DISKS	16

struct cli {
	struct vmm_config cfg;
	bool verbose;
	bool tty;		/* stdin is a terminal we put in raw mode */
	bool raw;
	struct termios saved;
	int sig_fd;
	int stop_signal;	/* SIGINT/SIGTERM that stopped us, or 0 */
	bool user_quit;		/* Ctrl-A x */
	bool escape;		/* last byte was Ctrl-A */
	bool stdin_open;
	uint8_t pending[INPUT_BUF];
	size_t pending_len;
	struct vmm_disk disks[MAX_DISKS];
	char *disk_specs[MAX_DISKS];	/* strdup'd --disk arguments */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vmm --kernel FILE [options]\n"
"Boot a Linux kernel (bzImage, or ELF with a PVH note) under KVM.\n"
"\n"
"  -k, --kernel FILE     kernel image (required)\n"
"  -i, --initrd FILE     initramfs\n"
"  -c, --cmdline STRING  kernel command line (default: \"console=ttyS0 panic=-1\")\n"
"  -m, --mem SIZE        guest RAM: 256M, 1G, 5G or bytes (default 512M)\n"
"  -p, --cpus N          number of vCPUs (default 1)\n"
"      --hugepages       back guest RAM with 2 MiB huge pages\n"
"  -d, --disk PATH[,ro][,direct][,id=NAME]\n"
"                        a virtio-blk disk (raw file or block device); repeatable\n"
"      --transport pci|mmio  virtio transport (default pci)\n"
"      --console serial|virtio  guest console: ttyS0 (default) or hvc0\n"
"      --no-rng          leave out the virtio-rng device\n"
"  -v, --verbose         log VMM events to stderr\n"
"  -h, --help            show this help\n"
"  -V, --version         show the version\n"
"\n"
"The guest's serial console is this terminal: Ctrl-A x quits, Ctrl-A h helps.\n"
"\n"
"Exit status: 0 guest powered off, 1 VMM error, 2 usage error,\n"
"3 guest reboot, 4 guest panic, N the guest wrote N to the exit port\n"
"(0xf4), 128+S stopped by signal S.\n");
}

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vmm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see vmm --help)\n");
	return EXIT_USAGE;
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;		/* stdout gone: drop, keep running */
		p += n;
		len -= (size_t)n;
	}
}

static void on_console(void *opaque, const char *buf, size_t len)
{
	write_all(STDOUT_FILENO, buf, len);
}

static void on_log(void *opaque, enum vmm_log_level level, const char *msg)
{
	struct cli *c = opaque;

	fprintf(stderr, "vmm: %s%s", msg, c->raw ? "\r\n" : "\n");
}

static int parse_mem(struct cli *c, const char *arg)
{
	uint64_t v;
	int err = vmm_parse_size(arg, &v);

	if (err == -ERANGE)
		return usage_error("--mem %s: too large", arg);
	if (err)
		return usage_error("--mem %s: not a size (use e.g. 256M, 1G, 5G or bytes)",
				   arg);
	if (v == 0)
		return usage_error("--mem %s: guest memory cannot be zero", arg);
	c->cfg.mem_size = v;
	return 0;
}

static int parse_cpus(struct cli *c, const char *arg)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (!*arg || *end || arg[0] == '-' || errno)
		return usage_error("--cpus %s: not a number", arg);
	if (v == 0 || v > 65536)
		return usage_error("--cpus %s: must be at least 1 (and at most KVM's limit)",
				   arg);
	c->cfg.cpus = (unsigned int)v;
	return 0;
}

/* --disk PATH[,ro][,direct][,id=NAME] */
static int parse_disk(struct cli *c, const char *arg)
{
	struct vmm_disk *d;
	char *spec, *opt, *save = NULL;

	if (c->cfg.nr_disks == MAX_DISKS)
		return usage_error("--disk %s: at most %d disks", arg, MAX_DISKS);
	spec = strdup(arg);
	if (!spec)
		return usage_error("--disk %s: out of memory", arg);
	c->disk_specs[c->cfg.nr_disks] = spec;
	d = &c->disks[c->cfg.nr_disks];
	d->path = strtok_r(spec, ",", &save);
	if (!d->path || arg[0] == ',')
		return usage_error("--disk %s: no path", arg);
	while ((opt = strtok_r(NULL, ",", &save))) {
		if (!strcmp(opt, "ro"))
			d->read_only = true;
		else if (!strcmp(opt, "direct"))
			d->direct = true;
		else if (!strncmp(opt, "id=", 3) && strlen(opt + 3) <= 20)
			d->id = opt + 3;
		else if (!strncmp(opt, "id=", 3))
			return usage_error("--disk %s: id is longer than 20 bytes", arg);
		else
			return usage_error("--disk %s: unknown option '%s' (ro, direct, id=NAME)",
					   arg, opt);
	}
	c->cfg.nr_disks++;
	c->cfg.disks = c->disks;
	return 0;
}

static int parse_choice(const char *flag, const char *arg, const char *a,
			const char *b, int *out)
{
	if (!strcmp(arg, a))
		*out = 0;
	else if (!strcmp(arg, b))
		*out = 1;
	else
		return usage_error("%s %s: must be %s or %s", flag, arg, a, b);
	return 0;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "mem", required_argument, NULL, 'm' },
		{ "cpus", required_argument, NULL, 'p' },
		{ "hugepages", no_argument, NULL, 'H' },
		{ "disk", required_argument, NULL, 'd' },
		{ "transport", required_argument, NULL, 'T' },
		{ "console", required_argument, NULL, 'C' },
		{ "no-rng", no_argument, NULL, 'R' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, err, choice;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":k:i:c:m:p:d:vhV", opts,
				  NULL)) != -1) {
		err = 0;
		switch (opt) {
		case 'k': c->cfg.kernel = optarg; break;
		case 'i': c->cfg.initrd = optarg; break;
		case 'c': c->cfg.cmdline = optarg; break;
		case 'm': err = parse_mem(c, optarg); break;
		case 'p': err = parse_cpus(c, optarg); break;
		case 'H': c->cfg.hugepages = true; break;
		case 'd': err = parse_disk(c, optarg); break;
		case 'T':
			err = parse_choice("--transport", optarg, "pci", "mmio", &choice);
			c->cfg.transport = choice ? VMM_TRANSPORT_MMIO : VMM_TRANSPORT_PCI;
			break;
		case 'C':
			err = parse_choice("--console", optarg, "serial", "virtio", &choice);
			c->cfg.console = choice ? VMM_CONSOLE_VIRTIO : VMM_CONSOLE_SERIAL;
			break;
		case 'R': c->cfg.no_rng = true; break;
		case 'v': c->verbose = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("vmm %s\n", vmm_version()); return 0;
		case ':':
			return usage_error("%s needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'",
					   argv[optind - 1]);
		}
		if (err)
			return err;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!c->cfg.kernel)
		return usage_error("%s", "no kernel given: use --kernel FILE");
	return -1;
}

static void term_restore(struct cli *c)
{
	if (c->raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &c->saved);
		c->raw = false;
	}
}

/*
 * Raw mode so every key (Ctrl-C included) reaches the guest. Signals
 * are handled through signalfd, so every way out of main() passes
 * term_restore().
 */
static void term_raw(struct cli *c)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &c->saved) < 0)
		return;
	c->tty = true;
	t = c->saved;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;	/* our own messages still line up */
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0)
		c->raw = true;
}

static int signals_setup(struct cli *c)
{
	sigset_t set;

	/* Blocked before any vCPU thread exists, so they inherit it. */
	static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		/*
		 * A shell starts background jobs with SIGINT ignored, and an
		 * ignored signal never reaches signalfd; like QEMU, we want
		 * `kill -INT` to stop the VM cleanly all the same.
		 */
		signal(stop_signals[i], SIG_DFL);
		sigaddset(&set, stop_signals[i]);
	}
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	c->sig_fd = signalfd(-1, &set, SFD_CLOEXEC);
	return c->sig_fd < 0 ? -errno : 0;
}

static void escape_help(struct cli *c)
{
	static const char help[] =
		"\r\nC-a x    quit\r\nC-a C-a  send C-a\r\nC-a h    this help\r\n";

	write_all(STDERR_FILENO, help, sizeof(help) - 1);
}

/* Queue one input byte for the guest, handling the Ctrl-A escapes. */
static void input_byte(struct cli *c, struct vmm *vm, uint8_t b)
{
	if (c->tty && c->escape) {
		c->escape = false;
		if (b == 'x' || b == 'X') {
			c->user_quit = true;
			vmm_stop(vm);
			return;
		}
		if (b == 'h' || b == 'H') {
			escape_help(c);
			return;
		}
		if (b != CTRL_A)
			return;
	} else if (c->tty && b == CTRL_A) {
		c->escape = true;
		return;
	}
	if (c->pending_len < sizeof(c->pending))
		c->pending[c->pending_len++] = b;
}

static void input_flush(struct cli *c, struct vmm *vm)
{
	int n;

	if (!c->pending_len)
		return;
	n = vmm_console_write(vm, c->pending, c->pending_len);
	if (n <= 0)
		return;
	memmove(c->pending, c->pending + n, c->pending_len - (size_t)n);
	c->pending_len -= (size_t)n;
}

static void input_read(struct cli *c, struct vmm *vm)
{
	uint8_t buf[INPUT_BUF];
	size_t room = sizeof(c->pending) - c->pending_len;
	ssize_t n;

	n = read(STDIN_FILENO, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		c->stdin_open = false;	/* EOF: the guest just gets no input */
		return;
	}
	for (ssize_t i = 0; i < n; i++)
		input_byte(c, vm, buf[i]);
	input_flush(c, vm);
}

static void handle_signal(struct cli *c, struct vmm *vm)
{
	struct signalfd_siginfo si;

	if (read(c->sig_fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (!c->stop_signal)
		c->stop_signal = (int)si.ssi_signo;
	vmm_stop(vm);
}

/* Serve console input and signals until the guest stops. */
static void event_loop(struct cli *c, struct vmm *vm)
{
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = vmm_poll_fd(vm), .events = POLLIN },
			{ .fd = c->sig_fd, .events = POLLIN },
			{ .fd = -1, .events = POLLIN },
		};
		/* Stop reading while the guest's receive buffer is full. */
		bool want_input = c->stdin_open && !c->pending_len;

		if (want_input)
			p[2].fd = STDIN_FILENO;
		if (poll(p, 3, c->pending_len ? 10 : -1) < 0 && errno != EINTR)
			return;
		if (p[0].revents)
			return;
		if (p[1].revents)
			handle_signal(c, vm);
		if (p[2].revents)
			input_read(c, vm);
		input_flush(c, vm);
	}
}

static int exit_status(struct cli *c, struct vmm *vm,
		       const struct vmm_exit *ex)
{
	switch (ex->reason) {
	case VMM_EXIT_POWEROFF:
		return EXIT_POWEROFF;
	case VMM_EXIT_RESET:
		return EXIT_RESET;
	case VMM_EXIT_PANIC:
		return EXIT_PANIC;
	case VMM_EXIT_GUEST_CODE:
		return ex->code & 0xff;
	case VMM_EXIT_STOPPED:
		if (c->stop_signal)
			return EXIT_SIGNAL_BASE + c->stop_signal;
		return EXIT_POWEROFF;	/* Ctrl-A x, as in QEMU */
	case VMM_EXIT_ERROR:
	default:
		term_restore(c);
		fprintf(stderr, "vmm: %s\n", vmm_error(vm));
		return EXIT_VMM_ERROR;
	}
}

int main(int argc, char **argv)
{
	struct cli c = { .sig_fd = -1, .stdin_open = true };
	struct vmm_exit ex;
	struct vmm *vm;
	int ret, err;

	vmm_config_init(&c.cfg);
	ret = parse_args(&c, argc, argv);
	if (ret >= 0)
		return ret;
	c.cfg.console_out = on_console;
	c.cfg.log = on_log;
	c.cfg.log_level = c.verbose ? VMM_LOG_DEBUG : VMM_LOG_WARN;
	c.cfg.opaque = &c;

	err = signals_setup(&c);
	if (err) {
		fprintf(stderr, "vmm: signal set-up: %s\n", strerror(-err));
		return EXIT_VMM_ERROR;
	}
	err = vmm_create(&c.cfg, &vm);
	if (err) {
		fprintf(stderr, "vmm: %s\n", strerror(-err));
		return EXIT_VMM_ERROR;
	}
	err = vmm_start(vm);
	if (err) {
		fprintf(stderr, "vmm: %s\n", vmm_error(vm));
		vmm_destroy(vm);
		return EXIT_VMM_ERROR;
	}
	term_raw(&c);
	event_loop(&c, vm);
	vmm_wait(vm, &ex);
	ret = exit_status(&c, vm, &ex);
	term_restore(&c);
	vmm_destroy(vm);
	close(c.sig_fd);
	for (unsigned int i = 0; i < MAX_DISKS; i++)
		free(c.disk_specs[i]);
	return ret;
}
