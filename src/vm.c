// SPDX-License-Identifier: MIT
/*
 * VM set-up and teardown, in explicit stages, and the VM lifecycle.
 */
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acpi.h"
#include "cpu/cpu.h"
#include "layout.h"
#include "mptable.h"

#define KVM_API_VERSION_EXPECTED	12
/* Where KVM on Intel keeps its real-mode TSS and identity page table:
 * three pages just below the BIOS area at the top of the MMIO hole. */
#define KVM_IDENTITY_MAP_ADDR		0xfffbc000ULL
#define KVM_TSS_ADDR			0xfffbd000ULL

void vm_log(struct vm *vm, enum vmm_log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!vm->cfg.log || level > vm->cfg.log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	vm->cfg.log(vm->cfg.opaque, level, line);
}

/* Tell the embedder, outside our lock. */
static void vm_notify_state(struct vm *vm, enum vmm_state st)
{
	if (vm->cfg.state_change)
		vm->cfg.state_change(vm->cfg.opaque, st);
}

static char *dup_or_null(const char *s, bool *failed)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*failed = true;
	return d;
}

int vm_init(struct vm *vm, const struct vmm_config *cfg)
{
	bool failed = false;

	/*
	 * No memset: @vm comes zeroed (calloc), and struct vm is ~400 KiB,
	 * mostly device slots that a small VM never uses. Writing zeros over
	 * them would make every page resident for nothing.
	 */
	memcpy(&vm->cfg, cfg, sizeof(vm->cfg));
	vm->kvm_fd = vm->vm_fd = vm->done_fd = vm->console_rx_fd = -1;
	vm->kernel = dup_or_null(cfg->kernel, &failed);
	vm->initrd = dup_or_null(cfg->initrd, &failed);
	vm->cmdline = dup_or_null(cfg->cmdline, &failed);
	vm->kvm_path = dup_or_null(cfg->kvm_path ? cfg->kvm_path : "/dev/kvm",
				   &failed);
	vm->nr_vcpus = cfg->cpus;
	if (cfg->nr_disks) {
		if (cfg->nr_disks > VM_MAX_DISKS || !cfg->disks)
			return -EINVAL;
		vm->disks = calloc(cfg->nr_disks, sizeof(*vm->disks));
		if (!vm->disks)
			return -ENOMEM;
		vm->nr_disks = cfg->nr_disks;
		for (unsigned int i = 0; i < cfg->nr_disks; i++) {
			vm->disks[i] = cfg->disks[i];
			vm->disks[i].path = dup_or_null(cfg->disks[i].path, &failed);
			vm->disks[i].id = dup_or_null(cfg->disks[i].id, &failed);
		}
	}
	if (cfg->nr_nets) {
		if (cfg->nr_nets > VM_MAX_NETS || !cfg->nets)
			return -EINVAL;
		vm->nets = calloc(cfg->nr_nets, sizeof(*vm->nets));
		if (!vm->nets)
			return -ENOMEM;
		vm->nr_nets = cfg->nr_nets;
		for (unsigned int i = 0; i < cfg->nr_nets; i++) {
			vm->nets[i] = cfg->nets[i];
			vm->nets[i].tap = dup_or_null(cfg->nets[i].tap, &failed);
		}
	}
	if (cfg->nr_modules) {
		if (cfg->nr_modules > VM_MAX_MODULES || !cfg->modules)
			return -EINVAL;
		vm->modules = calloc(cfg->nr_modules, sizeof(*vm->modules));
		if (!vm->modules)
			return -ENOMEM;
		vm->nr_modules = cfg->nr_modules;
		for (unsigned int i = 0; i < cfg->nr_modules; i++) {
			vm->modules[i].path = dup_or_null(cfg->modules[i].path, &failed);
			vm->modules[i].args = dup_or_null(cfg->modules[i].args, &failed);
		}
	}
	vm->t_origin = cfg->time_origin_ns ? cfg->time_origin_ns : vm_now_ns();
	vm->kick_signal = SIGRTMIN + 2;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_cond_init(&vm->cond, NULL);
	vm->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (failed || vm->done_fd < 0)
		return -ENOMEM;
	return 0;
}

/* Catch a wrong path before opening anything else, with a plain line. */
static int vm_check_file(struct vm *vm, const char *what, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errbuf_set(&vm->err, -errno, "%s %s: %s", what, path,
				  strerror(errno));
	if (S_ISDIR(st.st_mode))
		return errbuf_set(&vm->err, -EISDIR, "%s %s: is a directory",
				  what, path);
	if (access(path, R_OK) < 0)
		return errbuf_set(&vm->err, -errno, "%s %s: %s", what, path,
				  strerror(errno));
	return 0;
}

static int vm_check_config(struct vm *vm)
{
	uint64_t mib = vm->cfg.mem_size / MiB;
	int err;

	if (!vm->kernel || !*vm->kernel)
		return errbuf_set(&vm->err, -EINVAL, "no kernel given");
	err = vm_check_file(vm, "kernel", vm->kernel);
	if (!err)
		err = loader_check(vm->kernel, &vm->err);
	if (!err && vm->initrd)
		err = vm_check_file(vm, "initrd", vm->initrd);
	for (unsigned int i = 0; !err && i < vm->nr_modules; i++)
		err = vm_check_file(vm, "module", vm->modules[i].path);
	if (err)
		return err;
	if (vm->cfg.mem_size < LOADER_MIN_RAM)
		return errbuf_set(&vm->err, -EINVAL,
				  "guest memory %llu bytes is too small: the minimum is %llu MiB",
				  (unsigned long long)vm->cfg.mem_size,
				  LOADER_MIN_RAM / MiB);
	if (vm->cfg.mem_size > VM_MAX_MEM)
		return errbuf_set(&vm->err, -EINVAL,
				  "guest memory %llu MiB is too large: the maximum is %llu GiB",
				  (unsigned long long)mib, VM_MAX_MEM / GiB);
	if (vm->cfg.hugepages && vm->cfg.mem_size % (2 * MiB))
		return errbuf_set(&vm->err, -EINVAL,
				  "guest memory must be a multiple of 2 MiB with huge pages");
	if (vm->nr_vcpus < 1)
		return errbuf_set(&vm->err, -EINVAL, "at least one vCPU is needed");
	if (vm->cfg.exit_port > 0xfffc)
		return errbuf_set(&vm->err, -EINVAL,
				  "exit port 0x%x: I/O ports end at 0xffff (it takes 4)",
				  vm->cfg.exit_port);
	return 0;
}

static int vm_open_kvm(struct vm *vm)
{
	int ver, max;

	vm->kvm_fd = open(vm->kvm_path, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int e = errno;

		return errbuf_set(&vm->err, -e, "cannot open %s: %s%s",
				  vm->kvm_path, strerror(e),
				  e == ENOENT ? " (is KVM enabled and the kvm module loaded?)" :
				  e == EACCES ? " (is your user in the kvm group?)" : "");
	}
	ver = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (ver != KVM_API_VERSION_EXPECTED)
		return errbuf_set(&vm->err, -ENOTSUP,
				  "%s: KVM API version %d, need %d", vm->kvm_path,
				  ver, KVM_API_VERSION_EXPECTED);
	static const struct { int cap; const char *name; } caps[] = {
		{ KVM_CAP_IRQCHIP, "in-kernel irqchip" },
		{ KVM_CAP_USER_MEMORY, "user memory" },
		{ KVM_CAP_EXT_CPUID, "CPUID" },
		{ KVM_CAP_PIT2, "in-kernel PIT" },
		{ KVM_CAP_SET_TSS_ADDR, "TSS address" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(caps); i++)
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, caps[i].cap) <= 0)
			return errbuf_set(&vm->err, -ENOTSUP,
					  "%s lacks the %s capability",
					  vm->kvm_path, caps[i].name);
	max = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max <= 0)
		max = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (max <= 0)
		max = 4;	/* what the KVM API documents when unreported */
	if (max > VM_MAX_VCPUS)
		max = VM_MAX_VCPUS;
	if (vm->nr_vcpus > (unsigned int)max)
		return errbuf_set(&vm->err, -EINVAL,
				  "%u vCPUs requested, but at most %d are possible here",
				  vm->nr_vcpus, max);
	vm->tsc_deadline = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
				 KVM_CAP_TSC_DEADLINE_TIMER) > 0;
	ver = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ver < (int)sizeof(struct kvm_run))
		return errbuf_set(&vm->err, -EIO, "KVM_GET_VCPU_MMAP_SIZE: %s",
				  strerror(errno));
	vm->run_size = (size_t)ver;
	ver = cpuid_get_supported(vm->kvm_fd, &vm->cpuid);
	if (ver)
		return errbuf_set(&vm->err, ver, "KVM_GET_SUPPORTED_CPUID: %s",
				  strerror(-ver));
	return 0;
}

static int vm_create_kvm_vm(struct vm *vm)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };

	do {
		vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	} while (vm->vm_fd < 0 && errno == EINTR);
	if (vm->vm_fd < 0)
		return errbuf_set(&vm->err, -errno, "KVM_CREATE_VM: %s",
				  strerror(errno));
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0)
		return errbuf_set(&vm->err, -errno, "KVM_SET_TSS_ADDR: %s",
				  strerror(errno));
	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
		uint64_t addr = KVM_IDENTITY_MAP_ADDR;

		if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &addr) < 0)
			return errbuf_set(&vm->err, -errno,
					  "KVM_SET_IDENTITY_MAP_ADDR: %s",
					  strerror(errno));
	}
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0)
		return errbuf_set(&vm->err, -errno, "KVM_CREATE_IRQCHIP: %s",
				  strerror(errno));
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit) < 0)
		return errbuf_set(&vm->err, -errno, "KVM_CREATE_PIT2: %s",
				  strerror(errno));
	return 0;
}

static int vm_setup_memory(struct vm *vm)
{
	int err = guest_mem_init(&vm->mem, vm->cfg.mem_size, vm->cfg.hugepages);

	if (err)
		return errbuf_set(&vm->err, err,
				  "cannot allocate %llu MiB of guest memory%s: %s",
				  (unsigned long long)(vm->cfg.mem_size / MiB),
				  vm->cfg.hugepages ? " from huge pages" : "",
				  strerror(-err));
	for (unsigned int i = 0; i < vm->mem.nr_regions; i++) {
		const struct guest_region *r = &vm->mem.regions[i];
		struct kvm_userspace_memory_region kr = {
			.slot = i,
			.guest_phys_addr = r->gpa,
			.memory_size = r->size,
			.userspace_addr = (uintptr_t)r->hva,
		};

		if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &kr) < 0) {
			err = errbuf_set(&vm->err, -errno,
					 "KVM_SET_USER_MEMORY_REGION: %s",
					 strerror(errno));
			guest_mem_exit(&vm->mem);
			return err;
		}
	}
	return 0;
}

void vm_irq_set(void *ctx, unsigned int gsi, int level)
{
	struct vm *vm = ctx;
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq) < 0)
		vm_log(vm, VMM_LOG_WARN, "KVM_IRQ_LINE %u: %s", gsi,
		       strerror(errno));
}

static void vm_console_out(void *ctx, const uint8_t *buf, size_t len)
{
	struct vm *vm = ctx;

	vm_mark(vm, VM_T_FIRST_CONSOLE);
	if (vm->cfg.console_out)
		vm->cfg.console_out(vm->cfg.opaque, (const char *)buf, len);
}

static void vm_device_event(void *ctx, enum vm_event ev, int code)
{
	struct vm *vm = ctx;

	switch (ev) {
	case VM_EVENT_POWEROFF:
		vm_request_stop(vm, VMM_EXIT_POWEROFF, 0);
		break;
	case VM_EVENT_RESET:
		vm_request_stop(vm, VMM_EXIT_RESET, 0);
		break;
	case VM_EVENT_PANIC:
		vm_log(vm, VMM_LOG_INFO, "guest reported a kernel panic");
		vm_request_stop(vm, VMM_EXIT_PANIC, 0);
		break;
	case VM_EVENT_EXIT_CODE:
		/* QEMU's isa-debug-exit: the process status is (V << 1) | 1. */
		if (vm->cfg.exit_isa_debug)
			code = (int)(((unsigned int)code << 1) | 1);
		vm_request_stop(vm, VMM_EXIT_GUEST_CODE, code);
		break;
	}
}

/*
 * The boot-done port: the guest writes any value once it considers
 * itself booted (the guest kit's init does), which timestamps the
 * "boot_done" phase, as Firecracker's boot timer device does.
 */
static int vm_boot_done_io(void *ctx, uint64_t offset, uint8_t *data,
			   uint32_t len, bool is_write)
{
	struct vm *vm = ctx;

	if (!is_write) {
		memset(data, 0, len);
		return 0;
	}
	if (!atomic_load_explicit(&vm->t_mark[VM_T_BOOT_DONE],
				  memory_order_relaxed)) {
		vm_mark(vm, VM_T_BOOT_DONE);
		vm_log(vm, VMM_LOG_INFO, "guest reported boot done after %.1f ms",
		       (double)(vm->t_mark[VM_T_BOOT_DONE] - vm->t_origin) / 1e6);
	}
	return 0;
}

/* Port 0x80 is the POST diagnostic port: writes are harmless noise. */
static int vm_port_sink(void *ctx, uint64_t offset, uint8_t *data,
			uint32_t len, bool is_write)
{
	if (!is_write)
		memset(data, 0xff, len);
	return 0;
}

struct pio_map {
	uint64_t base;
	uint64_t len;
	bus_fn fn;
	void *ctx;
	const char *name;
};

static int vm_setup_devices(struct vm *vm)
{
	int err;

	bus_init(&vm->pio);
	bus_init(&vm->mmio);
	err = uart8250_init(&vm->uart, IRQ_COM1, vm_irq_set, vm,
			    vm_console_out, vm);
	if (err)
		return errbuf_set(&vm->err, err, "serial port: %s",
				  strerror(-err));
	i8042_init(&vm->i8042, vm_device_event, vm);
	pvpanic_init(&vm->pvpanic, vm_device_event, vm);
	acpi_pm_init(&vm->acpi_pm, vm_device_event, vm);
	exitdev_init(&vm->exitdev, vm_device_event, vm);

	const struct pio_map map[] = {
		{ PORT_COM1, 8, uart8250_io, &vm->uart, "com1" },
		{ PORT_I8042_DATA, 1, i8042_data_io, &vm->i8042, "i8042-data" },
		{ PORT_I8042_CMD, 1, i8042_cmd_io, &vm->i8042, "i8042-cmd" },
		{ PORT_PVPANIC, 1, pvpanic_io, &vm->pvpanic, "pvpanic" },
		{ PORT_ACPI_PM, 3, acpi_pm_io, &vm->acpi_pm, "acpi-pm" },
		{ 0x80, 1, vm_port_sink, NULL, "post" },
		{ PORT_BOOT_DONE, 1, vm_boot_done_io, vm, "boot-done" },
		/* Last: it may be moved, and a clash then names it. */
		{ vm->cfg.exit_port ? vm->cfg.exit_port : PORT_EXIT, 4,
		  exitdev_io, &vm->exitdev, "exit port" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		err = bus_register(&vm->pio, map[i].base, map[i].len,
				   map[i].fn, map[i].ctx, map[i].name);
		if (err) {
			if (err == -EEXIST)
				errbuf_set(&vm->err, err,
					   "%s 0x%llx-0x%llx overlaps another device's ports",
					   map[i].name,
					   (unsigned long long)map[i].base,
					   (unsigned long long)(map[i].base + map[i].len - 1));
			else
				errbuf_set(&vm->err, err, "registering %s: %s",
					   map[i].name, strerror(-err));
			uart8250_exit(&vm->uart);
			bus_exit(&vm->pio);
			bus_exit(&vm->mmio);
			return err;
		}
	}
	return 0;
}

static int vm_setup_virtio(struct vm *vm)
{
	int err = vm_virtio_setup(vm);

	if (err)
		vm_virtio_teardown(vm);
	return err;
}

static int vm_setup_boot(struct vm *vm)
{
	struct acpi_config acpi = {
		.nr_cpus = vm->nr_vcpus,
		.pci = vm->cfg.transport == VMM_TRANSPORT_PCI,
		.mmio_devs = vm->mmio_devs,
		.nr_mmio_devs = vm->nr_mmio,
		.ged_gsi = IRQ_POWER_BUTTON,
	};
	struct loader_config lc = {
		.kernel_path = vm->kernel,
		.initrd_path = vm->initrd,
		.modules = vm->modules,
		.nr_modules = vm->nr_modules,
		.ram_size = vm->cfg.mem_size,
	};
	char cmdline[LAYOUT_CMDLINE_MAX];
	struct errbuf mp_err;
	int err;

	err = acpi_build(&vm->mem, &acpi, &lc.rsdp_gpa, &vm->err);
	if (err)
		return err;
	/* ACPI is what Linux uses; the MP table only helps old kernels. */
	if (mptable_build(&vm->mem, vm->nr_vcpus, &mp_err))
		vm_log(vm, VMM_LOG_DEBUG, "no MP table: %s", mp_err.msg);
	/* With the virtio console the default command line points at hvc0. */
	err = cmdline_build(cmdline, sizeof(cmdline),
			    vm->cmdline ? vm->cmdline :
			    vm->cfg.console == VMM_CONSOLE_VIRTIO ?
			    "console=hvc0 panic=-1" : NULL, NULL);
	if (err)
		return errbuf_set(&vm->err, err, "kernel command line is %s",
				  err == -E2BIG ? "too long" :
				  "invalid (control characters)");
	lc.cmdline = cmdline;
	err = loader_load(&vm->mem, &lc, &vm->boot, &vm->err);
	if (err)
		return err;
	err = x86_boot_tables(&vm->mem, vm->boot.mode);
	if (err)
		return errbuf_set(&vm->err, err, "writing boot page tables: %s",
				  strerror(-err));
	return 0;
}

static void vm_destroy_vcpus(struct vm *vm)
{
	if (!vm->vcpus)
		return;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_destroy(&vm->vcpus[i]);
	free(vm->vcpus);
	vm->vcpus = NULL;
}

static int vm_create_vcpus(struct vm *vm)
{
	int err;

	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return errbuf_set(&vm->err, -ENOMEM, "out of memory");
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].fd = -1;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		err = vcpu_create(vm, &vm->vcpus[i], i);
		if (err) {
			vm_destroy_vcpus(vm);
			return err;
		}
	}
	return 0;
}

static int vm_start_vcpus(struct vm *vm)
{
	int err = vm_virtio_start(vm);

	if (err)
		return err;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		err = vcpu_start(&vm->vcpus[i]);

		if (err) {
			/* Stop and join the ones already running. */
			vm_request_stop(vm, VMM_EXIT_ERROR, err);
			vm->stage = VM_STAGE_RUNNING;
			return err;
		}
	}
	return 0;
}

int vm_setup(struct vm *vm)
{
	static int (*const stages[])(struct vm *) = {
		[VM_STAGE_KVM] = vm_open_kvm,
		[VM_STAGE_VM] = vm_create_kvm_vm,
		[VM_STAGE_MEM] = vm_setup_memory,
		[VM_STAGE_DEVICES] = vm_setup_devices,
		[VM_STAGE_VIRTIO] = vm_setup_virtio,
		[VM_STAGE_BOOT] = vm_setup_boot,
		[VM_STAGE_VCPUS] = vm_create_vcpus,
		[VM_STAGE_RUNNING] = vm_start_vcpus,
	};
	int err;

	if (vm->stage != VM_STAGE_NONE)
		return errbuf_set(&vm->err, -EBUSY, "VM was already started");
	err = vm_check_config(vm);
	if (err)
		return err;
	/* Compiled now, while we may still allocate and open files. */
	err = sandbox_build(&vm->sandbox, vm->cfg.seccomp, &vm->err);
	if (err)
		return err;
	for (int s = VM_STAGE_KVM; s <= VM_STAGE_RUNNING; s++) {
		err = stages[s](vm);
		if (err)
			return err;
		vm->stage = (enum vm_stage)s;
	}
	vm_mark(vm, VM_T_READY);
	vm_notify_state(vm, VMM_STATE_RUNNING);
	return 0;
}

void vm_request_stop(struct vm *vm, enum vmm_exit_reason reason, int code)
{
	uint64_t one = 1;
	bool first;

	pthread_mutex_lock(&vm->lock);
	first = !vm->stopping;
	if (first) {
		vm_mark(vm, VM_T_SHUTDOWN);
		vm->stopping = true;
		vm->exit.reason = reason;
		vm->exit.code = code;
		pthread_cond_broadcast(&vm->cond);
	}
	if (vm->vcpus)
		for (unsigned int i = 0; i < vm->nr_vcpus; i++)
			vcpu_kick(&vm->vcpus[i]);
	pthread_mutex_unlock(&vm->lock);
	if (first && write(vm->done_fd, &one, sizeof(one)) < 0)
		vm_log(vm, VMM_LOG_WARN, "done eventfd: %s", strerror(errno));
	if (first)
		vm_notify_state(vm, VMM_STATE_STOPPED);
}

void vm_fail(struct vm *vm, int err, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&vm->lock);
	if (!vm->stopping) {
		va_start(ap, fmt);
		vsnprintf(vm->err.msg, sizeof(vm->err.msg), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&vm->lock);
	vm_log(vm, VMM_LOG_ERROR, "%s", vm->err.msg);
	vm_request_stop(vm, VMM_EXIT_ERROR, err);
}

int vm_shutdown(struct vm *vm)
{
	bool ok;

	pthread_mutex_lock(&vm->lock);
	ok = !vm->stopping && vm->stage == VM_STAGE_RUNNING;
	pthread_mutex_unlock(&vm->lock);
	if (!ok)
		return -EINVAL;
	/* An edge on the GED's GSI: the guest runs _EVT, PWRB is "pressed". */
	vm_irq_set(vm, IRQ_POWER_BUTTON, 1);
	vm_irq_set(vm, IRQ_POWER_BUTTON, 0);
	vm_log(vm, VMM_LOG_INFO, "pressed the ACPI power button");
	return 0;
}

int vm_pause(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	if (vm->stopping || vm->stage != VM_STAGE_RUNNING) {
		pthread_mutex_unlock(&vm->lock);
		return -EINVAL;
	}
	if (vm->paused) {
		pthread_mutex_unlock(&vm->lock);
		return 0;
	}
	vm->paused = true;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	/* Parked means out of KVM_RUN: the guest's state is still. */
	while (vm->nr_parked < vm->nr_vcpus && !vm->stopping)
		pthread_cond_wait(&vm->cond, &vm->lock);
	pthread_mutex_unlock(&vm->lock);
	vm_notify_state(vm, VMM_STATE_PAUSED);
	return 0;
}

int vm_resume(struct vm *vm)
{
	bool was;

	pthread_mutex_lock(&vm->lock);
	if (vm->stopping || vm->stage != VM_STAGE_RUNNING) {
		pthread_mutex_unlock(&vm->lock);
		return -EINVAL;
	}
	was = vm->paused;
	vm->paused = false;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
	if (was)
		vm_notify_state(vm, VMM_STATE_RUNNING);
	return 0;
}

bool vm_vcpu_park(struct vm *vm)
{
	bool stop;

	pthread_mutex_lock(&vm->lock);
	if (vm->paused && !vm->stopping) {
		vm->nr_parked++;
		pthread_cond_broadcast(&vm->cond);
		while (vm->paused && !vm->stopping)
			pthread_cond_wait(&vm->cond, &vm->lock);
		vm->nr_parked--;
	}
	stop = vm->stopping;
	pthread_mutex_unlock(&vm->lock);
	return stop;
}

void vm_vcpu_gone(struct vm *vm)
{
	pthread_mutex_lock(&vm->lock);
	vm->nr_parked++;
	pthread_cond_broadcast(&vm->cond);
	pthread_mutex_unlock(&vm->lock);
}

void vm_wait(struct vm *vm, struct vmm_exit *ex)
{
	bool join;

	pthread_mutex_lock(&vm->lock);
	while (!vm->stopping)
		pthread_cond_wait(&vm->cond, &vm->lock);
	join = !vm->joined;
	vm->joined = true;
	pthread_mutex_unlock(&vm->lock);
	if (join && vm->vcpus) {
		for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
			if (vm->vcpus[i].thread_started)
				pthread_join(vm->vcpus[i].thread, NULL);
			vm->vcpus[i].thread_started = false;
		}
	}
	*ex = vm->exit;
}

void vm_teardown(struct vm *vm)
{
	struct vmm_exit ex;

	switch (vm->stage) {
	case VM_STAGE_RUNNING:
		vm_request_stop(vm, VMM_EXIT_STOPPED, 0);
		vm_wait(vm, &ex);
		/* fall through */
	case VM_STAGE_VCPUS:
		vm_destroy_vcpus(vm);
		/* fall through */
	case VM_STAGE_BOOT:
	case VM_STAGE_VIRTIO:
		vm_virtio_teardown(vm);
		/* fall through */
	case VM_STAGE_DEVICES:
		uart8250_exit(&vm->uart);
		bus_exit(&vm->pio);
		bus_exit(&vm->mmio);
		/* fall through */
	case VM_STAGE_MEM:
		guest_mem_exit(&vm->mem);
		/* fall through */
	case VM_STAGE_VM:
	case VM_STAGE_KVM:
	case VM_STAGE_NONE:
		break;
	}
	/* The fds and buffers below are -1/NULL when never opened. */
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	if (vm->done_fd >= 0)
		close(vm->done_fd);
	sandbox_free(&vm->sandbox);
	free(vm->cpuid);
	free(vm->kernel);
	free(vm->initrd);
	free(vm->cmdline);
	free(vm->kvm_path);
	for (unsigned int i = 0; i < vm->nr_disks; i++) {
		free((char *)vm->disks[i].path);
		free((char *)vm->disks[i].id);
	}
	free(vm->disks);
	vm->disks = NULL;
	vm->nr_disks = 0;
	for (unsigned int i = 0; i < vm->nr_nets; i++)
		free((char *)vm->nets[i].tap);
	free(vm->nets);
	vm->nets = NULL;
	vm->nr_nets = 0;
	for (unsigned int i = 0; i < vm->nr_modules; i++) {
		free((char *)vm->modules[i].path);
		free((char *)vm->modules[i].args);
	}
	free(vm->modules);
	vm->modules = NULL;
	vm->nr_modules = 0;
	pthread_cond_destroy(&vm->cond);
	pthread_mutex_destroy(&vm->lock);
	vm->stage = VM_STAGE_NONE;
	vm->vm_fd = vm->kvm_fd = vm->done_fd = -1;
	vm->cpuid = NULL;
}
