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
#include <time.h>
#include <unistd.h>

#include "vmm.h"
#include "citest.h"
#include "ctlsrv.h"

/* Exit statuses; the README documents each one. */
enum {
	EXIT_POWEROFF = 0,
	EXIT_VMM_ERROR = 1,
	EXIT_USAGE = 2,
	EXIT_RESET = 3,
	EXIT_PANIC = 4,
	EXIT_PATTERN = 5,	/* --fail-on matched, or an --expect never did */
	EXIT_TIMEOUT = 6,	/* --timeout ran out */
	EXIT_SIGNAL_BASE = 128,
};

#define CTRL_A		0x01
#define INPUT_BUF	4096
#define MAX_DISKS	16
#define MAX_NETS	8
#define MAX_MODULES	32

struct cli {
	struct vmm_config cfg;
	struct vmm *vm;		/* set once created; for callbacks */
	struct citest ci;	/* --expect, --fail-on, --console-log */
	double timeout;		/* --timeout seconds; 0: none */
	bool timed_out;
	bool timings;		/* --timings */
	const char *metrics;	/* --metrics FILE */
	FILE *metrics_f;
	FILE *junit_f;		/* --junit FILE, opened at start */
	const char *api_socket;	/* --api-socket PATH */
	struct ctlsrv ctl;
	const char *console_log;
	const char *junit;
	struct timespec t0;	/* process start, for --timeout and --junit */
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
	struct vmm_module modules[MAX_MODULES];
	char *module_specs[MAX_MODULES];	/* strdup'd --module arguments */
	struct vmm_net nets[MAX_NETS];
	char *net_specs[MAX_NETS];	/* strdup'd --net arguments */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: vmm --kernel FILE [options]\n"
"   or: vmm ctl SOCKET COMMAND   (talk to a vmm started with --api-socket)\n"
"Boot a kernel under KVM: a Linux bzImage, an ELF with a PVH note, or a\n"
"Multiboot v1 kernel.\n"
"\n"
"  -k, --kernel FILE     kernel image (required)\n"
"  -i, --initrd FILE     initramfs\n"
"  -c, --cmdline STRING  kernel command line (default: \"console=ttyS0 panic=-1\")\n"
"  -m, --mem SIZE        guest RAM: 256M, 1G, 5G or bytes (default 512M)\n"
"  -p, --cpus N          number of vCPUs (default 1)\n"
"      --hugepages       back guest RAM with 2 MiB huge pages\n"
"      --module FILE[,ARGS]  a Multiboot module (Multiboot kernels); repeatable\n"
"  -d, --disk PATH[,ro][,direct][,id=NAME]\n"
"                        a virtio-blk disk (raw file or block device); repeatable\n"
"      --net [tap=NAME][,mac=MAC][,queues=N]\n"
"                        a virtio-net NIC on host tap NAME (created when no NAME\n"
"                        is given; needs CAP_NET_ADMIN); repeatable\n"
"      --vsock cid=N     a virtio-vsock device on the host's vhost-vsock, guest CID N\n"
"      --transport pci|mmio  virtio transport (default pci)\n"
"      --console serial|virtio  guest console: ttyS0 (default) or hvc0\n"
"      --no-rng          leave out the virtio-rng device\n"
"\n"
"CI boot tests:\n"
"      --expect REGEX    pass once console lines have matched each --expect, in\n"
"                        order (POSIX extended regex); repeatable\n"
"      --fail-on REGEX   fail as soon as a console line matches; repeatable\n"
"      --fail-on-panic   --fail-on 'Kernel panic', 'BUG:' and 'Oops:'\n"
"      --timeout SECONDS fail when the guest has not finished by then\n"
"      --console-log FILE  also write the console output to FILE\n"
"      --junit FILE      write the outcome as JUnit XML\n"
"      --isa-debug-exit[=PORT]  the exit port behaves as QEMU's isa-debug-exit\n"
"                        (iobase PORT, default 0xf4): a write of V ends vmm with\n"
"                        status (V << 1) | 1\n"
"      --timings         at exit, print boot-phase times and exit counts\n"
"      --metrics FILE    at exit, write the metrics JSON object (exits by kind\n"
"                        and device, virtio traffic, timings) to FILE\n"
"      --seccomp on|log|off  confine every vmm thread to a syscall allowlist:\n"
"                        on (default) kills vmm on a forbidden call, log only\n"
"                        logs it (kernel audit log), off installs nothing\n"
"      --api-socket PATH serve the JSON control protocol on a 0600 Unix socket\n"
"                        (status, pause, resume, shutdown, stop, metrics);\n"
"                        the client is: vmm ctl PATH COMMAND\n"
"  -v, --verbose         log VMM events to stderr\n"
"  -h, --help            show this help\n"
"  -V, --version         show the version\n"
"\n"
"The guest's serial console is this terminal: Ctrl-A x quits, Ctrl-A h helps.\n"
"\n"
"Exit status: 0 guest powered off (or every --expect matched), 1 VMM error,\n"
"2 usage error, 3 guest reboot, 4 guest panic, 5 a --fail-on matched or an\n"
"--expect never did, 6 --timeout, N the guest wrote N to the exit port (0xf4),\n"
"128+S stopped by signal S.\n");
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
	struct cli *c = opaque;

	write_all(STDOUT_FILENO, buf, len);
	/* A verdict from the patterns ends the run, as --expect promises. */
	if (citest_feed(&c->ci, buf, len) && c->vm)
		vmm_stop(c->vm);
}

static double elapsed(const struct cli *c)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - c->t0.tv_sec) +
	       (double)(now.tv_nsec - c->t0.tv_nsec) / 1e9;
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

/* "52:54:00:12:34:56" -> @mac; a unicast, non-zero address only. */
static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char end;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return !(mac[0] & 1) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] |
				  mac[5]);
}

/* A decimal in [lo, hi] with nothing after it. */
static bool parse_uint(const char *s, unsigned long long lo,
		       unsigned long long hi, unsigned long long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return !errno && !*end && *out >= lo && *out <= hi;
}

/* --net [tap[=NAME]][,mac=MAC][,queues=N] */
static int parse_net(struct cli *c, const char *arg)
{
	struct vmm_net *n;
	char *spec, *opt, *save = NULL;
	unsigned long long v;

	if (c->cfg.nr_nets == MAX_NETS)
		return usage_error("--net %s: at most %d NICs", arg, MAX_NETS);
	spec = strdup(arg);
	if (!spec)
		return usage_error("--net %s: out of memory", arg);
	c->net_specs[c->cfg.nr_nets] = spec;
	n = &c->nets[c->cfg.nr_nets];
	for (opt = strtok_r(spec, ",", &save); opt;
	     opt = strtok_r(NULL, ",", &save)) {
		if (!strcmp(opt, "tap"))
			n->tap = NULL;
		else if (!strncmp(opt, "tap=", 4) && strlen(opt + 4) < 16 &&
			 !strchr(opt + 4, '/'))
			n->tap = opt[4] ? opt + 4 : NULL;
		else if (!strncmp(opt, "tap=", 4))
			return usage_error("--net %s: '%s' is not an interface name (at most 15 bytes, no '/')",
					   arg, opt + 4);
		else if (!strncmp(opt, "mac=", 4) && parse_mac(opt + 4, n->mac))
			;
		else if (!strncmp(opt, "mac=", 4))
			return usage_error("--net %s: '%s' is not a unicast MAC address like 52:54:00:12:34:56",
					   arg, opt + 4);
		else if (!strncmp(opt, "queues=", 7) && parse_uint(opt + 7, 1, 16, &v))
			n->queues = (unsigned int)v;
		else if (!strncmp(opt, "queues=", 7))
			return usage_error("--net %s: queues must be 1 to 16", arg);
		else
			return usage_error("--net %s: unknown option '%s' (tap=NAME, mac=MAC, queues=N)",
					   arg, opt);
	}
	for (unsigned int i = 0; i < c->cfg.nr_nets && n->tap; i++)
		if (c->nets[i].tap && !strcmp(c->nets[i].tap, n->tap))
			return usage_error("--net %s: tap %s is already used by another --net",
					   arg, n->tap);
	c->cfg.nr_nets++;
	c->cfg.nets = c->nets;
	return 0;
}

/* --module FILE[,ARGS]: ARGS is the rest, commas and all. */
static int parse_module(struct cli *c, const char *arg)
{
	struct vmm_module *m;
	char *spec, *comma;

	if (c->cfg.nr_modules == MAX_MODULES)
		return usage_error("--module %s: at most %d modules", arg, MAX_MODULES);
	spec = strdup(arg);
	if (!spec)
		return usage_error("--module %s: out of memory", arg);
	c->module_specs[c->cfg.nr_modules] = spec;
	m = &c->modules[c->cfg.nr_modules];
	comma = strchr(spec, ',');
	if (comma) {
		*comma = '\0';
		m->args = comma + 1;
	}
	if (!*spec)
		return usage_error("--module %s: no file", arg);
	m->path = spec;
	c->cfg.nr_modules++;
	c->cfg.modules = c->modules;
	return 0;
}

/* --expect / --fail-on REGEX */
static int parse_pattern(struct cli *c, bool expect, const char *arg)
{
	char why[192];

	if (citest_add(&c->ci, expect, arg, why, sizeof(why)))
		return usage_error("%s '%s': %s", expect ? "--expect" : "--fail-on",
				   arg, why);
	return 0;
}

static int parse_fail_on_panic(struct cli *c)
{
	static const char *const pats[] = { "Kernel panic", "BUG:", "Oops:" };
	int err = 0;

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]) && !err; i++)
		err = parse_pattern(c, false, pats[i]);
	return err;
}

/* --timeout SECONDS: a positive decimal, fractions allowed. */
static int parse_timeout(struct cli *c, const char *arg)
{
	char *end;

	errno = 0;
	c->timeout = strtod(arg, &end);
	if (errno || end == arg || *end || !(c->timeout > 0) ||
	    c->timeout > 1e7)
		return usage_error("--timeout %s: want a number of seconds above 0", arg);
	return 0;
}

/* --isa-debug-exit[=PORT]: QEMU's exit device, for test kernels made for it. */
static int parse_isa_debug_exit(struct cli *c, const char *arg)
{
	char *end;
	unsigned long port = 0xf4;

	if (arg) {
		errno = 0;
		port = strtoul(arg, &end, 0);
		if (errno || end == arg || *end || !port || port > 0xfffc)
			return usage_error("--isa-debug-exit=%s: want an I/O port like 0xf4 (1 to 0xfffc)",
					   arg);
	}
	c->cfg.exit_port = (unsigned int)port;
	c->cfg.exit_isa_debug = true;
	return 0;
}

/* --vsock cid=N */
static int parse_vsock(struct cli *c, const char *arg)
{
	unsigned long long v;

	if (c->cfg.vsock_cid)
		return usage_error("--vsock %s: only one vsock device", arg);
	if (strncmp(arg, "cid=", 4))
		return usage_error("--vsock %s: expected cid=N", arg);
	if (!parse_uint(arg + 4, 3, 0xfffffffeULL, &v))
		return usage_error("--vsock %s: the guest CID must be 3 to 4294967294 (0-2 are reserved)",
				   arg);
	c->cfg.vsock_cid = v;
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

static int parse_seccomp(struct cli *c, const char *arg)
{
	if (!strcmp(arg, "on"))
		c->cfg.seccomp = VMM_SECCOMP_ON;
	else if (!strcmp(arg, "log"))
		c->cfg.seccomp = VMM_SECCOMP_LOG;
	else if (!strcmp(arg, "off"))
		c->cfg.seccomp = VMM_SECCOMP_OFF;
	else
		return usage_error("--seccomp %s: must be on, log or off", arg);
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
		{ "net", required_argument, NULL, 'N' },
		{ "module", required_argument, NULL, 'M' },
		{ "expect", required_argument, NULL, 'E' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ "fail-on-panic", no_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "console-log", required_argument, NULL, 'L' },
		{ "junit", required_argument, NULL, 'J' },
		{ "isa-debug-exit", optional_argument, NULL, 'X' },
		{ "timings", no_argument, NULL, 'B' },
		{ "metrics", required_argument, NULL, 'Q' },
		{ "seccomp", required_argument, NULL, 'Z' },
		{ "api-socket", required_argument, NULL, 'A' },
		{ "vsock", required_argument, NULL, 'S' },
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
		case 'N': err = parse_net(c, optarg); break;
		case 'M': err = parse_module(c, optarg); break;
		case 'S': err = parse_vsock(c, optarg); break;
		case 'E': err = parse_pattern(c, true, optarg); break;
		case 'F': err = parse_pattern(c, false, optarg); break;
		case 'P': err = parse_fail_on_panic(c); break;
		case 't': err = parse_timeout(c, optarg); break;
		case 'L': c->console_log = optarg; break;
		case 'J': c->junit = optarg; break;
		case 'X': err = parse_isa_debug_exit(c, optarg); break;
		case 'B': c->timings = true; break;
		case 'Q': c->metrics = optarg; break;
		case 'Z': err = parse_seccomp(c, optarg); break;
		case 'A': c->api_socket = optarg; break;
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
		struct pollfd p[3 + 1 + CTLSRV_MAX_CLIENTS] = {
			{ .fd = vmm_poll_fd(vm), .events = POLLIN },
			{ .fd = c->sig_fd, .events = POLLIN },
			{ .fd = -1, .events = POLLIN },
		};
		int nctl = ctlsrv_pollfds(&c->ctl, &p[3]);
		/* Stop reading while the guest's receive buffer is full. */
		bool want_input = c->stdin_open && !c->pending_len;
		int ms = c->pending_len ? 10 : -1;

		if (c->timeout > 0 && !c->timed_out) {
			double left = c->timeout - elapsed(c);

			if (left <= 0) {
				c->timed_out = true;
				vmm_stop(vm);
			} else if (ms < 0 || left * 1000 < ms) {
				ms = (int)(left * 1000) + 1;
			}
		}
		if (want_input)
			p[2].fd = STDIN_FILENO;
		if (poll(p, (nfds_t)(3 + nctl), ms) < 0 && errno != EINTR)
			return;
		if (p[0].revents)
			return;
		ctlsrv_serve(&c->ctl, &p[3], nctl, vm);
		if (p[1].revents)
			handle_signal(c, vm);
		if (p[2].revents)
			input_read(c, vm);
		input_flush(c, vm);
	}
}

/* Is the CI boot-test mode on (any of its flags given)? */
static bool ci_mode(const struct cli *c)
{
	return citest_active(&c->ci) || c->timeout > 0 || c->junit;
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

/*
 * The CI verdict, from the patterns, the timeout and how the guest
 * ended (@status as exit_status() found it): one line on stderr, the
 * JUnit report, and the final exit status.
 */
static int ci_report(struct cli *c, const struct vmm_exit *ex, int status)
{
	enum citest_verdict v = citest_finish(&c->ci);
	char why[CITEST_LINE_MAX + 256] = "";
	int err;

	if (v == CITEST_FAILED_ON) {
		status = EXIT_PATTERN;
		snprintf(why, sizeof(why), "--fail-on '%s' matched: %s",
			 c->ci.verdict_pattern, c->ci.verdict_line);
	} else if (v == CITEST_EXPECTED) {
		status = EXIT_POWEROFF;
	} else if (c->timed_out && ex->reason == VMM_EXIT_STOPPED &&
		   !c->stop_signal) {
		status = EXIT_TIMEOUT;
		snprintf(why, sizeof(why), "timed out after %g s%s%s%s", c->timeout,
			 c->ci.nr_expect ? " waiting for --expect '" : "",
			 c->ci.nr_expect ? c->ci.expect[c->ci.next_expect].src : "",
			 c->ci.nr_expect ? "'" : "");
	} else if (c->ci.nr_expect && status == EXIT_POWEROFF) {
		status = EXIT_PATTERN;
		snprintf(why, sizeof(why), "the guest stopped before --expect '%s' matched",
			 c->ci.expect[c->ci.next_expect].src);
	} else if (status != EXIT_POWEROFF) {
		snprintf(why, sizeof(why), "%s",
			 ex->reason == VMM_EXIT_PANIC ? "the guest panicked" :
			 ex->reason == VMM_EXIT_RESET ? "the guest rebooted" :
			 ex->reason == VMM_EXIT_GUEST_CODE ? "the guest reported a non-zero exit code" :
			 c->stop_signal ? "stopped by a signal" : "the VMM failed");
		if (ex->reason == VMM_EXIT_GUEST_CODE)
			snprintf(why + strlen(why), sizeof(why) - strlen(why), " (%d)",
				 status);
	}
	if (status == EXIT_POWEROFF)
		fprintf(stderr, "vmm: PASS after %.1f s%s\n", elapsed(c),
			c->ci.nr_expect ? " (every --expect matched)" : "");
	else
		fprintf(stderr, "vmm: FAIL after %.1f s: %s (status %d)\n", elapsed(c),
			why, status);
	if (c->junit) {
		const char *name = strrchr(c->cfg.kernel, '/');

		err = citest_junit(&c->ci, c->junit_f, name ? name + 1 : c->cfg.kernel,
				   elapsed(c), status == EXIT_POWEROFF ? NULL : why);
		c->junit_f = NULL;	/* closed by citest_junit */
		if (err) {
			fprintf(stderr, "vmm: --junit %s: %s\n", c->junit, strerror(-err));
			if (status == EXIT_POWEROFF)
				status = EXIT_VMM_ERROR;
		}
	}
	return status;
}

/* The value of "key": in @json (a number or null), or "?" if absent. */
static void json_field(const char *json, const char *key, char *out, size_t len)
{
	char pat[64];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	if (!p) {
		snprintf(out, len, "?");
		return;
	}
	p += strlen(pat);
	n = strcspn(p, ",}");
	snprintf(out, len, "%.*s", (int)(n < len ? n : len - 1), p);
}

/* --timings: one line of boot-phase times and one of exit counts. */
static void print_timings(struct vmm *vm)
{
	static const char *const phases[] = { "vm_ready", "first_vcpu_entry",
		"first_console_byte", "boot_done", "shutdown" };
	static const char *const exits[] = { "total", "io", "mmio", "intr",
		"other" };
	char json[16384], v[32];

	if (vmm_metrics(vm, json, sizeof(json)) < 0)
		return;
	fprintf(stderr, "vmm: timings (ms since process start):");
	for (size_t i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		json_field(json, phases[i], v, sizeof(v));
		fprintf(stderr, " %s %s", phases[i], v);
	}
	fprintf(stderr, "\nvmm: userspace exits:");
	for (size_t i = 0; i < sizeof(exits) / sizeof(exits[0]); i++) {
		json_field(json, exits[i], v, sizeof(v));
		fprintf(stderr, " %s %s", exits[i], v);
	}
	fprintf(stderr, "\n");
}

/* Opens @path for writing, or says which flag's file failed. */
static int out_open(const char *flag, const char *path, FILE **f)
{
	if (!path)
		return 0;
	*f = fopen(path, "w");
	if (!*f) {
		fprintf(stderr, "vmm: %s %s: %s\n", flag, path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * --console-log and --metrics: opened before the VM starts, so a bad
 * path costs nothing.
 */
static int out_files_open(struct cli *c)
{
	return out_open("--console-log", c->console_log, &c->ci.log) ||
	       out_open("--metrics", c->metrics, &c->metrics_f) ||
	       out_open("--junit", c->junit, &c->junit_f);
}

/* --metrics: the same JSON object `vmm ctl PATH metrics` returns. */
static void metrics_write(struct cli *c, struct vmm *vm)
{
	char json[16384];
	int n;

	if (!c->metrics_f)
		return;
	n = vmm_metrics(vm, json, sizeof(json));
	if (n < 0 || fprintf(c->metrics_f, "%s\n", json) < 0 ||
	    fclose(c->metrics_f))
		fprintf(stderr, "vmm: --metrics %s: cannot write\n", c->metrics);
	c->metrics_f = NULL;
}

/* Everything the run opened or allocated, whichever way it ended. */
static void cli_free(struct cli *c)
{
	if (c->sig_fd >= 0)
		close(c->sig_fd);
	for (unsigned int i = 0; i < MAX_DISKS; i++)
		free(c->disk_specs[i]);
	for (unsigned int i = 0; i < MAX_NETS; i++)
		free(c->net_specs[i]);
	for (unsigned int i = 0; i < MAX_MODULES; i++)
		free(c->module_specs[i]);
	if (c->metrics_f)
		fclose(c->metrics_f);
	if (c->junit_f)
		fclose(c->junit_f);
	citest_exit(&c->ci);
	ctlsrv_close(&c->ctl);
}

/* Create, start and run the VM of @c; returns vmm's exit status. */
static int cli_run(struct cli *c)
{
	struct vmm_exit ex;
	struct vmm *vm;
	int ret, err;

	if (out_files_open(c))
		return EXIT_VMM_ERROR;
	if (c->api_socket) {
		char why[256];

		if (ctlsrv_open(&c->ctl, c->api_socket, why, sizeof(why))) {
			fprintf(stderr, "vmm: %s\n", why);
			return EXIT_VMM_ERROR;
		}
	}
	c->cfg.console_out = on_console;
	c->cfg.log = on_log;
	c->cfg.log_level = c->verbose ? VMM_LOG_DEBUG : VMM_LOG_WARN;
	c->cfg.opaque = c;

	err = signals_setup(c);
	if (err) {
		fprintf(stderr, "vmm: signal set-up: %s\n", strerror(-err));
		return EXIT_VMM_ERROR;
	}
	err = vmm_create(&c->cfg, &vm);
	if (err) {
		fprintf(stderr, "vmm: %s\n", strerror(-err));
		return EXIT_VMM_ERROR;
	}
	err = vmm_start(vm);
	if (err) {
		fprintf(stderr, "vmm: %s\n", vmm_error(vm));
		if (c->junit_f)
			citest_junit(&c->ci, c->junit_f, c->cfg.kernel, elapsed(c),
				     vmm_error(vm));
		c->junit_f = NULL;	/* closed by citest_junit */
		vmm_destroy(vm);
		return EXIT_VMM_ERROR;
	}
	c->vm = vm;
	term_raw(c);
	/*
	 * From here this thread only polls, reads, writes and drives the VM
	 * through the API: every file it needs is open already.
	 */
	err = vmm_sandbox_thread(vm);
	if (err) {
		term_restore(c);
		fprintf(stderr, "vmm: seccomp: %s\n", strerror(-err));
		vmm_destroy(vm);
		return EXIT_VMM_ERROR;
	}
	event_loop(c, vm);
	vmm_wait(vm, &ex);
	ret = exit_status(c, vm, &ex);
	term_restore(c);
	if (c->timings)
		print_timings(vm);
	metrics_write(c, vm);
	if (ci_mode(c))
		ret = ci_report(c, &ex, ret);
	vmm_destroy(vm);
	return ret;
}

int main(int argc, char **argv)
{
	struct cli c = { .sig_fd = -1, .stdin_open = true };
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &c.t0);
	if (argc >= 2 && !strcmp(argv[1], "ctl"))
		return ctl_client_main(argc, argv);
	ctlsrv_init(&c.ctl);
	vmm_config_init(&c.cfg);
	c.cfg.time_origin_ns = (uint64_t)c.t0.tv_sec * 1000000000ULL +
			       (uint64_t)c.t0.tv_nsec;
	citest_init(&c.ci);
	ret = parse_args(&c, argc, argv);
	if (ret < 0)
		ret = cli_run(&c);
	cli_free(&c);
	return ret;
}
