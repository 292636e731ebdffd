/* SPDX-License-Identifier: MIT */
/*
 * struct vm owns everything a guest needs: the KVM handles, guest RAM,
 * the buses, the devices and the vCPUs. There is no global state, so any
 * number of VMs can live in one process.
 *
 * Set-up runs in explicit stages (enum vm_stage); vm_teardown() undoes
 * exactly the stages that completed, in reverse order.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm.h"
#include "bus.h"
#include "guest_mem.h"
#include "sandbox.h"
#include "util.h"
#include "devices/uart8250.h"
#include "devices/i8042.h"
#include "devices/pvpanic.h"
#include "devices/acpi_pm.h"
#include "devices/exitdev.h"
#include "loader/loader.h"
#include "acpi.h"
#include "evloop_impl.h"
#include "irq.h"
#include "pci/pci.h"
#include "virtio/blk.h"
#include "virtio/net.h"
#include "vm_virtio.h"

#define VM_MAX_VCPUS		254	/* xAPIC ids without interrupt remapping */
#define VM_DEFAULT_MEM		(512 * MiB)
#define VM_MAX_MEM		(1ULL << 40)	/* 1 TiB */
#define VM_MAX_DISKS		16
#define VM_MAX_NETS		8
#define VM_MAX_MODULES		32
#define VM_MAX_MMIO		17

struct vm;

/* Kinds of userspace exit counted per vCPU (struct vcpu.exits). */
enum vcpu_exit_kind { VCPU_EXIT_IO, VCPU_EXIT_MMIO, VCPU_EXIT_INTR,
		      VCPU_EXIT_OTHER, VCPU_EXIT_NR };

/* Boot phases timed for metrics (struct vm.t_mark). */
enum vm_timing { VM_T_READY, VM_T_FIRST_RUN, VM_T_FIRST_CONSOLE,
		 VM_T_BOOT_DONE, VM_T_SHUTDOWN, VM_T_NR };

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	bool thread_started;
	uint64_t unhandled;	/* accesses nobody decoded (rate-limits logs) */
	/* Userspace exits by kind, for metrics (this thread writes). */
	_Atomic uint64_t exits[VCPU_EXIT_NR];
};

/* Set-up stages, in order; teardown walks them backwards. */
enum vm_stage {
	VM_STAGE_NONE,
	VM_STAGE_KVM,		/* /dev/kvm open, capabilities checked */
	VM_STAGE_VM,		/* VM fd, irqchip, PIT */
	VM_STAGE_MEM,		/* guest RAM mapped and registered */
	VM_STAGE_DEVICES,	/* buses and platform devices */
	VM_STAGE_VIRTIO,	/* event loop, PCI bus, virtio devices */
	VM_STAGE_BOOT,		/* firmware tables, kernel, initrd loaded */
	VM_STAGE_VCPUS,		/* vCPU fds created and initialised */
	VM_STAGE_RUNNING,	/* vCPU threads started */
};

struct vm {
	struct vmm_config cfg;	/* caller's config; strings below are copies */
	char *kernel, *initrd, *cmdline, *kvm_path;
	struct errbuf err;
	enum vm_stage stage;

	int kvm_fd;
	int vm_fd;
	size_t run_size;
	struct kvm_cpuid2 *cpuid;	/* KVM_GET_SUPPORTED_CPUID */
	bool tsc_deadline;

	struct guest_mem mem;
	struct sandbox sandbox;	/* compiled seccomp filters, per thread kind */
	struct bus pio;
	struct bus mmio;

	struct uart8250 uart;
	struct i8042 i8042;
	struct pvpanic pvpanic;
	struct acpi_pm acpi_pm;
	struct exitdev exitdev;

	/* virtio: event loop, interrupt routes, PCI bus, devices. */
	struct vmm_disk *disks;		/* deep copy of cfg.disks */
	unsigned int nr_disks;
	struct vmm_net *nets;		/* deep copy of cfg.nets */
	unsigned int nr_nets;
	struct vmm_module *modules;	/* deep copy of cfg.modules */
	unsigned int nr_modules;
	struct irq_routing irq;
	struct evloop evloop;
	bool evloop_ok;
	struct pci_bus pci;
	bool pci_ok;
	struct virtio_platform plat;
	struct dev_io dev_io;		/* the loop, for blk and net */
	struct vm_vdev vdevs[VM_MAX_VDEVS];
	unsigned int nr_vdevs;
	struct acpi_mmio_dev mmio_devs[VM_MAX_MMIO];
	unsigned int nr_mmio;
	struct virtio_dev *console;	/* virtio-console, when chosen */
	int console_rx_fd;		/* input queued: flush on the loop */

	struct boot_entry boot;
	struct vcpu *vcpus;
	unsigned int nr_vcpus;
	int kick_signal;

	/*
	 * Metrics: CLOCK_MONOTONIC ns that timings count from, and when
	 * each phase was first reached (0: not yet; set once, any thread).
	 */
	uint64_t t_origin;
	_Atomic uint64_t t_mark[VM_T_NR];

	/* Lifecycle: the first stop reason wins; all under @lock. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stopping;
	bool paused;		/* vmm_pause(): vCPUs park until resumed */
	unsigned int nr_parked;	/* vCPU threads parked, or ended */
	bool joined;
	struct vmm_exit exit;
	int done_fd;		/* eventfd, readable once stopping */
};

/* vm_init - prepare a zeroed @vm from @cfg (copies strings); no syscalls. */
int vm_init(struct vm *vm, const struct vmm_config *cfg);

/* vm_setup - run every set-up stage and start the vCPUs. */
int vm_setup(struct vm *vm);

/* vm_wait - block until the VM stops and join the vCPU threads. */
void vm_wait(struct vm *vm, struct vmm_exit *ex);

/*
 * vm_pause - park every vCPU thread outside KVM_RUN and return once all
 * are parked; vm_resume lets them go. Devices keep running (interrupts
 * they raise wait in the in-kernel irqchip). -EINVAL once stopping.
 */
int vm_pause(struct vm *vm);

/* vm_shutdown - press the ACPI power button; -EINVAL if not running. */
int vm_shutdown(struct vm *vm);
int vm_resume(struct vm *vm);

/* vm_vcpu_park - a vCPU thread between runs: wait while paused. */
bool vm_vcpu_park(struct vm *vm);

/* vm_vcpu_gone - a vCPU thread ended: it no longer has to park. */
void vm_vcpu_gone(struct vm *vm);

/* vm_now_ns - CLOCK_MONOTONIC in ns. */
uint64_t vm_now_ns(void);

/* vm_mark - note that phase @t was reached now, unless it already was. */
void vm_mark(struct vm *vm, enum vm_timing t);

/*
 * vm_metrics_json - the VM's counters and timings as one JSON object in
 * @buf. Returns its length, or -ENOSPC if @len is too small. Any thread.
 */
int vm_metrics_json(struct vm *vm, char *buf, size_t len);

/*
 * vm_request_stop - record why the VM ends (first caller wins) and kick
 * every vCPU out of the guest. Any thread.
 */
void vm_request_stop(struct vm *vm, enum vmm_exit_reason reason, int code);

/* vm_fail - stop the VM with an error, keeping the first message. */
void vm_fail(struct vm *vm, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* vm_teardown - undo every completed stage and free @vm's resources. */
void vm_teardown(struct vm *vm);

/* vm_log - send one line to the embedder's log callback, if any. */
void vm_log(struct vm *vm, enum vmm_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* vm_irq_set - irq_set_fn for devices: drive a GSI through KVM. */
void vm_irq_set(void *ctx, unsigned int gsi, int level);

/* vcpu_create - create vCPU @id's fd and run area and set it up. */
int vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id);

/* vcpu_start - start the thread that runs @vcpu. */
int vcpu_start(struct vcpu *vcpu);

/* vcpu_kick - force @vcpu out of KVM_RUN so it sees a stop request. */
void vcpu_kick(struct vcpu *vcpu);

/* vcpu_destroy - close the vCPU fd and unmap its run area. */
void vcpu_destroy(struct vcpu *vcpu);

#endif
