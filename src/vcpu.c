// SPDX-License-Identifier: MIT
/*
 * One thread per vCPU: KVM_RUN in a loop, dispatching port and MMIO
 * exits to the buses, until the VM is asked to stop.
 *
 * Stopping a vCPU that sits in KVM_RUN (perhaps halted in the kernel)
 * needs a signal. The library must not install signal handlers, so the
 * kick signal is kept blocked in the vCPU thread and unblocked only
 * inside KVM_RUN (KVM_SET_SIGNAL_MASK): a kick then makes KVM_RUN return
 * EINTR, and the still-pending signal is consumed with sigtimedwait()
 * without ever being delivered.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "vm.h"

/* Unhandled accesses logged per vCPU before going quiet. */
#define VCPU_UNHANDLED_LOG_MAX	16

/* Between runs: park while the VM is paused; true when it stops. */
static bool vcpu_should_stop(struct vcpu *vcpu)
{
	return vm_vcpu_park(vcpu->vm);
}

static void vcpu_note_unhandled(struct vcpu *vcpu, const char *kind,
				uint64_t addr, uint32_t len, bool is_write)
{
	if (vcpu->unhandled++ < VCPU_UNHANDLED_LOG_MAX)
		vm_log(vcpu->vm, VMM_LOG_DEBUG,
		       "vcpu%u: unhandled %s %s at 0x%llx (%u bytes)",
		       vcpu->id, kind, is_write ? "write" : "read",
		       (unsigned long long)addr, len);
}

static void vcpu_handle_io(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t size = run->io.size;

	/* String I/O (rep outsb) hands over @count items back to back. */
	for (uint32_t i = 0; i < run->io.count; i++, data += size) {
		if (bus_dispatch(&vcpu->vm->pio, run->io.port, data, size,
				 is_write) == -ENOENT)
			vcpu_note_unhandled(vcpu, "port", run->io.port, size,
					    is_write);
	}
}

static void vcpu_handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint32_t len = run->mmio.len;

	if (len > sizeof(run->mmio.data))
		return;
	if (bus_dispatch(&vcpu->vm->mmio, run->mmio.phys_addr,
			 run->mmio.data, len, run->mmio.is_write) == -ENOENT)
		vcpu_note_unhandled(vcpu, "MMIO", run->mmio.phys_addr, len,
				    run->mmio.is_write);
}

static void vcpu_handle_system_event(struct vcpu *vcpu)
{
	switch (vcpu->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_request_stop(vcpu->vm, VMM_EXIT_POWEROFF, 0);
		break;
	case KVM_SYSTEM_EVENT_RESET:
		vm_request_stop(vcpu->vm, VMM_EXIT_RESET, 0);
		break;
	case KVM_SYSTEM_EVENT_CRASH:
		vm_request_stop(vcpu->vm, VMM_EXIT_PANIC, 0);
		break;
	default:
		vm_log(vcpu->vm, VMM_LOG_WARN,
		       "vcpu%u: ignoring system event %u", vcpu->id,
		       vcpu->run->system_event.type);
		break;
	}
}

/* The guest's instruction pointer, for messages; 0 if unknown. */
static uint64_t vcpu_rip(struct vcpu *vcpu)
{
	struct kvm_regs regs;

	if (ioctl(vcpu->fd, KVM_GET_REGS, &regs) < 0)
		return 0;
	return regs.rip;
}

/* Returns false when the loop must end. */
static bool vcpu_handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	enum vcpu_exit_kind kind;
	uint64_t rip;

	kind = run->exit_reason == KVM_EXIT_IO ? VCPU_EXIT_IO :
	       run->exit_reason == KVM_EXIT_MMIO ? VCPU_EXIT_MMIO :
	       run->exit_reason == KVM_EXIT_INTR ? VCPU_EXIT_INTR :
	       VCPU_EXIT_OTHER;
	stat_add(&vcpu->exits[kind], 1);	/* this thread is the one writer */
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vcpu_handle_io(vcpu);
		return true;
	case KVM_EXIT_MMIO:
		vcpu_handle_mmio(vcpu);
		return true;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_SHUTDOWN:
		/*
		 * A triple fault: how Linux's reboot=t resets the machine, but
		 * also what an early guest crash looks like, so say it. On AMD,
		 * KVM has already reset the vCPU (its VMCB is undefined after
		 * a shutdown), so rip is the reset vector's, not the fault's.
		 */
		rip = vcpu_rip(vcpu);
		vm_log(vcpu->vm, VMM_LOG_WARN,
		       rip == 0xfff0 ?
		       "vcpu%u: triple fault (rip 0x%llx: KVM reset the vCPU before saying so), treated as a reset" :
		       "vcpu%u: triple fault at rip 0x%llx, treated as a reset",
		       vcpu->id, (unsigned long long)rip);
		vm_request_stop(vcpu->vm, VMM_EXIT_RESET, 0);
		return false;
	case KVM_EXIT_SYSTEM_EVENT:
		vcpu_handle_system_event(vcpu);
		return false;
	case KVM_EXIT_HLT:
		/* Only seen without an in-kernel LAPIC: nothing can wake us. */
		vm_fail(vcpu->vm, -EIO, "vcpu%u: halted with no way to wake",
			vcpu->id);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		vm_fail(vcpu->vm, -EIO,
			"vcpu%u: KVM could not enter the guest (hardware reason 0x%llx)",
			vcpu->id, (unsigned long long)
			run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		vm_fail(vcpu->vm, -EIO,
			"vcpu%u: KVM internal error (suberror %u)", vcpu->id,
			run->internal.suberror);
		return false;
	default:
		vm_fail(vcpu->vm, -EIO, "vcpu%u: unexpected KVM exit %u",
			vcpu->id, run->exit_reason);
		return false;
	}
}

/* Drop a kick that arrived while we were outside KVM_RUN. */
static void vcpu_consume_kick(struct vcpu *vcpu)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, vcpu->vm->kick_signal);
	while (sigtimedwait(&set, NULL, &zero) > 0)
		;
}

/*
 * Block the kick signal in this thread, and tell KVM to use the mask
 * we had before (without it) while the guest runs.
 */
static int vcpu_setup_signals(struct vcpu *vcpu)
{
	/* The header and the kernel's 8-byte sigset_t right after it. */
	union {
		struct kvm_signal_mask hdr;
		uint8_t raw[sizeof(struct kvm_signal_mask) + 8];
	} km;
	sigset_t kick, old;

	sigemptyset(&kick);
	sigaddset(&kick, vcpu->vm->kick_signal);
	if (pthread_sigmask(SIG_BLOCK, &kick, &old))
		return -EINVAL;
	sigdelset(&old, vcpu->vm->kick_signal);
	km.hdr.len = 8;
	memcpy(km.raw + sizeof(struct kvm_signal_mask), &old, 8);
	if (ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, &km) < 0)
		return -errno;
	return 0;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	char name[16];
	int err;

	snprintf(name, sizeof(name), "vcpu%u", vcpu->id);
	pthread_setname_np(pthread_self(), name);
	err = vcpu_setup_signals(vcpu);
	if (err) {
		vm_fail(vcpu->vm, err, "vcpu%u: signal set-up: %s", vcpu->id,
			strerror(-err));
		vm_vcpu_gone(vcpu->vm);
		return NULL;
	}
	/* Confined before the first guest instruction runs. */
	err = sandbox_enter(&vcpu->vm->sandbox, SANDBOX_VCPU);
	if (err) {
		vm_fail(vcpu->vm, err, "vcpu%u: seccomp: %s", vcpu->id,
			strerror(-err));
		vm_vcpu_gone(vcpu->vm);
		return NULL;
	}
	while (!vcpu_should_stop(vcpu)) {
		vm_mark(vcpu->vm, VM_T_FIRST_RUN);
		if (ioctl(vcpu->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				vcpu_consume_kick(vcpu);
				continue;
			}
			vm_fail(vcpu->vm, -errno, "vcpu%u: KVM_RUN: %s",
				vcpu->id, strerror(errno));
			break;
		}
		if (!vcpu_handle_exit(vcpu))
			break;
	}
	vm_vcpu_gone(vcpu->vm);
	return NULL;
}

int vcpu_create(struct vm *vm, struct vcpu *vcpu, unsigned int id)
{
	struct kvm_cpuid2 *cpuid = NULL;
	int err;

	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	if (vcpu->fd < 0)
		return errbuf_set(&vm->err, -errno, "vcpu%u: KVM_CREATE_VCPU: %s",
				  id, strerror(errno));
	vcpu->run_size = vm->run_size;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED) {
		vcpu->run = NULL;
		return errbuf_set(&vm->err, -errno, "vcpu%u: mapping kvm_run: %s",
				  id, strerror(errno));
	}
	err = cpuid_for_vcpu(vm->cpuid, id, vm->nr_vcpus, vm->tsc_deadline,
			     &cpuid);
	if (err)
		return errbuf_set(&vm->err, err, "vcpu%u: CPUID: %s", id,
				  strerror(-err));
	if (ioctl(vcpu->fd, KVM_SET_CPUID2, cpuid) < 0)
		err = errbuf_set(&vm->err, -errno, "vcpu%u: KVM_SET_CPUID2: %s",
				 id, strerror(errno));
	free(cpuid);
	if (err)
		return err;
	return x86_vcpu_setup(vcpu->fd, id, &vm->boot, &vm->err);
}

int vcpu_start(struct vcpu *vcpu)
{
	int err = thread_start(&vcpu->thread, vcpu_thread, vcpu);

	if (err)
		return errbuf_set(&vcpu->vm->err, err,
				  "vcpu%u: cannot start thread: %s", vcpu->id,
				  strerror(-err));
	vcpu->thread_started = true;
	return 0;
}

void vcpu_kick(struct vcpu *vcpu)
{
	if (vcpu->thread_started)
		pthread_kill(vcpu->thread, vcpu->vm->kick_signal);
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (vcpu->run)
		munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->run = NULL;
	vcpu->fd = -1;
}
