/* SPDX-License-Identifier: MIT */
/*
 * libvmm - run a KVM virtual machine from inside your own process.
 *
 * The library never exits the process, never installs signal handlers
 * and never writes to stdout/stderr: console output and log lines reach
 * you through the callbacks in struct vmm_config. Every call returns 0
 * or a negative errno; vmm_error() gives a one-line explanation of the
 * last failure. Several VMs may live in one process.
 *
 * Typical use:
 *
 *	struct vmm_config cfg;
 *	struct vmm *vm;
 *	struct vmm_exit ex;
 *
 *	vmm_config_init(&cfg);
 *	cfg.kernel = "bzImage";
 *	cfg.mem_size = 1ULL << 30;
 *	if (vmm_create(&cfg, &vm) == 0) {
 *		if (vmm_start(vm) == 0)
 *			vmm_wait(vm, &ex);
 *		else
 *			fprintf(stderr, "%s\n", vmm_error(vm));
 *		vmm_destroy(vm);
 *	}
 */
#ifndef LIBVMM_H
#define LIBVMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VMM_API __attribute__((visibility("default")))
#else
#define VMM_API
#endif

/* An opaque virtual machine. */
struct vmm;

/* Log levels passed to vmm_config.log. */
enum vmm_log_level {
	VMM_LOG_ERROR = 0,
	VMM_LOG_WARN = 1,
	VMM_LOG_INFO = 2,
	VMM_LOG_DEBUG = 3,
};

/* The states a VM goes through; see vmm_config.state_change. */
enum vmm_state {
	VMM_STATE_RUNNING = 1,	/* started, or resumed */
	VMM_STATE_PAUSED,	/* vmm_pause() parked every vCPU */
	VMM_STATE_STOPPED,	/* the guest ended or was stopped: see vmm_wait() */
};

/* struct vmm_disk - one virtio-blk disk (see vmm_config.disks). */
struct vmm_disk {
	const char *path;	/* raw image file or host block device */
	bool read_only;		/* the device advertises RO; writes fail */
	bool direct;		/* O_DIRECT: bypass the host page cache */
	const char *id;		/* serial number (GET_ID), up to 20 bytes */
};

/* struct vmm_module - a Multiboot module (see vmm_config.modules). */
struct vmm_module {
	const char *path;	/* file loaded into guest memory */
	const char *args;	/* its command line string; NULL: the path */
};

/* struct vmm_net - one virtio-net NIC on a host tap (see vmm_config.nets). */
struct vmm_net {
	const char *tap;	/* tap interface; NULL or "": create one */
	uint8_t mac[6];		/* guest MAC; all zero: a stable one is made
				 * from the VM's NIC index and tap name */
	unsigned int queues;	/* queue pairs; 0 = 1 */
};

enum vmm_transport {
	VMM_TRANSPORT_PCI = 0,	/* virtio-pci (modern), the default */
	VMM_TRANSPORT_MMIO,	/* virtio-mmio, described in the DSDT */
};

enum vmm_console {
	VMM_CONSOLE_SERIAL = 0,	/* COM1, ttyS0 (the default) */
	VMM_CONSOLE_VIRTIO,	/* virtio-console, hvc0 */
};

/*
 * seccomp filters on the library's own threads. With ON, a system call
 * outside a thread's allowlist kills the whole process with SIGSYS (the
 * kernel's audit log names the call): a compromised device or vCPU
 * thread cannot reach the rest of the system. LOG lets the call through
 * and only logs it (how a missing entry is found). OFF installs nothing.
 */
enum vmm_seccomp {
	VMM_SECCOMP_DEFAULT = 0,	/* ON */
	VMM_SECCOMP_ON,
	VMM_SECCOMP_LOG,
	VMM_SECCOMP_OFF,
};

/*
 * struct vmm_config - everything needed to create a VM.
 *
 * Always initialise with vmm_config_init(): it sets @size, which lets
 * later versions of the library add fields at the end without breaking
 * callers built against this one. Strings are copied by vmm_create().
 */
struct vmm_config {
	size_t size;		/* sizeof(struct vmm_config), set by init */

	const char *kernel;	/* bzImage or ELF with a PVH note; required */
	const char *initrd;	/* optional initramfs */
	const char *cmdline;	/* NULL: "console=ttyS0 panic=-1" */
	uint64_t mem_size;	/* guest RAM in bytes; default 512 MiB */
	unsigned int cpus;	/* vCPUs; default 1 */
	bool hugepages;		/* back guest RAM with 2 MiB huge pages */
	const char *kvm_path;	/* NULL: "/dev/kvm" */

	/*
	 * Console output from the guest's serial port. Called on a vCPU
	 * thread, in order, with no library lock held that would block
	 * vmm_console_write(). NULL discards the output.
	 */
	void (*console_out)(void *opaque, const char *buf, size_t len);

	/*
	 * Log lines (no trailing newline). Called on whichever thread hit
	 * the event: the caller's thread during vmm_start(), a vCPU thread
	 * while running. NULL discards them.
	 */
	void (*log)(void *opaque, enum vmm_log_level level, const char *msg);
	enum vmm_log_level log_level;	/* lines above this are dropped */

	void *opaque;		/* passed back to every callback */

	/* Devices (added in 0.2; zero means the defaults). */
	const struct vmm_disk *disks;	/* copied by vmm_create() */
	unsigned int nr_disks;
	enum vmm_transport transport;
	enum vmm_console console;
	bool no_rng;		/* leave out the virtio-rng device */

	/* Networking (added in 0.3; zero means none). */
	const struct vmm_net *nets;	/* copied by vmm_create() */
	unsigned int nr_nets;
	uint64_t vsock_cid;	/* virtio-vsock on vhost-vsock with this guest
				 * CID (>= 3); 0: no vsock device */

	/* Multiboot v1 kernels (added in 0.3): modules, in order. */
	const struct vmm_module *modules;	/* copied by vmm_create() */
	unsigned int nr_modules;

	/*
	 * The exit-code port (added in 0.3): a 1-, 2- or 4-byte write of V
	 * ends the VM with VMM_EXIT_GUEST_CODE. @exit_port 0 means 0xf4.
	 * With @exit_isa_debug the code is (V << 1) | 1, as QEMU's
	 * isa-debug-exit device makes it; otherwise it is V.
	 */
	unsigned int exit_port;
	bool exit_isa_debug;

	/*
	 * Metrics (added in 0.3): the CLOCK_MONOTONIC time, in ns, that the
	 * boot-phase timings count from (the CLI passes its process start);
	 * 0 means the vmm_create() call.
	 */
	uint64_t time_origin_ns;

	/*
	 * State changes (added in 0.3). Called on the thread that caused
	 * the change: the caller of vmm_start() (RUNNING), vmm_pause()
	 * (PAUSED) or vmm_resume() (RUNNING); for STOPPED, whichever thread
	 * first asked for the stop: a vCPU thread when the guest ends
	 * itself (poweroff, reboot, panic, exit port), the caller of
	 * vmm_stop(). No library lock is held: the callback may call
	 * vmm_stop(), vmm_metrics() and vmm_console_write(), but must not
	 * block on vmm_pause() or vmm_wait(). NULL: not told.
	 */
	void (*state_change)(void *opaque, enum vmm_state state);

	/*
	 * seccomp (added with VMM_0.3): each vCPU thread and the device thread
	 * confine themselves to an allowlist before the guest runs. See
	 * enum vmm_seccomp; zero means VMM_SECCOMP_ON.
	 */
	enum vmm_seccomp seccomp;
};

/* Why a VM stopped; see struct vmm_exit. */
enum vmm_exit_reason {
	VMM_EXIT_NONE = 0,	/* still running */
	VMM_EXIT_POWEROFF,	/* guest ACPI poweroff */
	VMM_EXIT_RESET,		/* guest reboot: keyboard controller, ACPI
				 * reset register or triple fault */
	VMM_EXIT_PANIC,		/* guest kernel panic (pvpanic) */
	VMM_EXIT_GUEST_CODE,	/* guest wrote a status to the exit port
				 * (see vmm_config.exit_port) */
	VMM_EXIT_STOPPED,	/* vmm_stop() was called */
	VMM_EXIT_ERROR,		/* the VMM failed; see vmm_error() */
};

/* struct vmm_exit - the outcome reported by vmm_wait(). */
struct vmm_exit {
	enum vmm_exit_reason reason;
	int code;		/* VMM_EXIT_GUEST_CODE: the value written;
				 * VMM_EXIT_ERROR: the negative errno */
};

/* vmm_version - the library version, e.g. "0.1.0". */
VMM_API const char *vmm_version(void);

/* vmm_config_init - fill @cfg with defaults (and its size). */
VMM_API void vmm_config_init(struct vmm_config *cfg);

/*
 * vmm_create - allocate a VM from @cfg. Cheap: it validates and copies
 * the configuration but opens nothing; vmm_start() does the real work.
 * Returns 0 and sets *@out; -EINVAL if @cfg is NULL or was not set up
 * by vmm_config_init(); -ENOMEM. Problems with the kernel file, sizes
 * or /dev/kvm are found by vmm_start().
 */
VMM_API int vmm_create(const struct vmm_config *cfg, struct vmm **out);

/*
 * vmm_start - open KVM, map guest RAM, load the kernel, build the boot
 * tables, create the devices and vCPUs, and start the vCPU threads.
 * Returns 0 once the guest is running, or -errno with vmm_error() set;
 * a failed VM can only be destroyed.
 */
VMM_API int vmm_start(struct vmm *vm);

/*
 * vmm_wait - block until the guest stops, join its threads and report
 * why in *@ex. Safe to call more than once; returns -EINVAL if the VM
 * was never started.
 */
VMM_API int vmm_wait(struct vmm *vm, struct vmm_exit *ex);

/*
 * vmm_stop - stop the guest now (like pulling the power cord). Safe
 * from any thread, including callbacks; returns at once, vmm_wait()
 * then reports VMM_EXIT_STOPPED unless the guest had already stopped.
 */
VMM_API int vmm_stop(struct vmm *vm);

/*
 * vmm_pause - stop running guest code: returns once every vCPU is out
 * of the guest and parked. Devices keep serving requests already made.
 * Calling it on a paused VM does nothing. -EINVAL if the VM is not
 * running (never started, or stopping). Any thread but a callback's.
 */
VMM_API int vmm_pause(struct vmm *vm);

/* vmm_resume - let a paused guest go on; 0 if it was not paused. */
VMM_API int vmm_resume(struct vmm *vm);

/*
 * vmm_shutdown - ask the guest to shut down, as a press of the ACPI
 * power button (a Generic Event Device notifying a PNP0C0C button):
 * the guest's own software decides (systemd-logind powers off; the
 * guest kit runs acpid for it). Returns at once; vmm_wait() reports the
 * outcome. Use vmm_stop() if the guest may not cooperate. -EINVAL if
 * the VM is not running. Any thread.
 */
VMM_API int vmm_shutdown(struct vmm *vm);

/*
 * vmm_poll_fd - a file descriptor that becomes readable when the guest
 * has stopped, for callers with their own event loop. Owned by the VM.
 */
VMM_API int vmm_poll_fd(const struct vmm *vm);

/*
 * vmm_console_write - send bytes to the guest console. Returns how many
 * were accepted (the receive buffer is bounded: retry the rest later),
 * or -errno. Any thread.
 */
VMM_API int vmm_console_write(struct vmm *vm, const void *buf, size_t len);

/*
 * vmm_metrics - the VM's metrics as one JSON object, NUL-terminated, in
 * @buf: userspace exits by kind ("exits": io, mmio, intr, other, total,
 * and per device: "io_by_device", "mmio_by_device"), per virtio device
 * "requests", "bytes_from_guest" and "bytes_to_guest", and "timings_ms"
 * since vmm_config.time_origin_ns: "vm_ready", "first_vcpu_entry",
 * "first_console_byte", "boot_done" (the guest's write to port 0xf8),
 * "shutdown" (null until reached). Any thread, once vmm_start() has
 * returned 0 and until vmm_destroy(). Returns the length, -EINVAL, or
 * -ENOSPC if @len is too small (4 KiB is plenty).
 */
VMM_API int vmm_metrics(struct vmm *vm, char *buf, size_t len);

/*
 * vmm_sandbox_thread - confine the calling thread with the control
 * allowlist of @vm's seccomp mode (see enum vmm_seccomp): what driving a
 * running VM needs (vmm_wait, pause, resume, shutdown, stop, metrics,
 * console writes, destroy), poll(), the terminal, and accept/send/recv on
 * sockets it already has. It opens no files afterwards, so call it once
 * everything is open; the vmm CLI calls it right after vmm_start(). It
 * cannot be undone, and threads the caller starts later inherit it.
 * Returns 0 (also when the mode is OFF) or -errno. (VMM_0.3)
 */
VMM_API int vmm_sandbox_thread(struct vmm *vm);

/* vmm_destroy - stop the VM if needed and free everything. NULL is ok. */
VMM_API void vmm_destroy(struct vmm *vm);

/* vmm_error - one line describing the last failure ("" if none). */
VMM_API const char *vmm_error(const struct vmm *vm);

/*
 * vmm_parse_size - parse "256M", "1G", "5G" or plain bytes. Binary
 * suffixes K, M, G, T. Returns -EINVAL for malformed input and -ERANGE
 * for values that overflow 64 bits.
 */
VMM_API int vmm_parse_size(const char *s, uint64_t *out);

#ifdef __cplusplus
}
#endif

#endif
