// SPDX-License-Identifier: MIT
/*
 * Register state at the first instruction.
 *
 * Linux's 64-bit boot protocol wants long mode with an identity map of
 * the kernel, zero page and command line, flat __BOOT_CS (0x10) and
 * __BOOT_DS (0x18) segments, interrupts off and %rsi pointing at the
 * zero page. The PVH entry wants flat 32-bit protected mode with paging
 * off and %ebx pointing at hvm_start_info; Multiboot wants the same with
 * %ebx pointing at multiboot_info and %eax = 0x2BADB002.
 */
#include "cpu/cpu.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "layout.h"
#include "loader/multiboot.h"

#define CR0_PE		(1ULL << 0)
#define CR0_ET		(1ULL << 4)
#define CR0_NE		(1ULL << 5)
#define CR0_PG		(1ULL << 31)
#define CR4_PAE		(1ULL << 5)
#define EFER_LME	(1ULL << 8)
#define EFER_LMA	(1ULL << 10)

#define PTE_P		(1ULL << 0)
#define PTE_RW		(1ULL << 1)
#define PTE_PS		(1ULL << 7)

#define SEL_CODE	0x10
#define SEL_DATA	0x18
#define SEL_TSS		0x20

#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_MISC_ENABLE	0x1a0
#define MSR_MTRR_DEF_TYPE	0x2ff
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_KERNEL_GS_BASE	0xc0000102

#define MISC_ENABLE_FAST_STRING	1ULL
#define MTRR_ENABLE_WB		((1ULL << 11) | 6)

#define APIC_LVT0		0x350
#define APIC_LVT1		0x360
#define APIC_MODE_NMI		0x4
#define APIC_MODE_EXTINT	0x7

/* A GDT descriptor from flags (type/S/DPL/P and G/DB/L nibbles). */
static uint64_t gdt_entry(uint16_t flags, uint32_t base, uint32_t limit)
{
	return ((uint64_t)(base & 0xff000000) << 32) |
	       ((uint64_t)(flags & 0xf0ff) << 40) |
	       ((uint64_t)(limit & 0x000f0000) << 32) |
	       ((uint64_t)(base & 0x00ffffff) << 16) |
	       (uint64_t)(limit & 0x0000ffff);
}

static int x86_write_gdt(const struct guest_mem *gm, enum boot_mode mode)
{
	/* Code: 64-bit (L) for Linux entry, 32-bit (DB) for PVH. */
	uint16_t code = mode == BOOT_MODE_LINUX64 ? 0xa09b : 0xc09b;
	uint64_t gdt[5] = {
		0, 0,
		gdt_entry(code, 0, 0xfffff),
		gdt_entry(0xc093, 0, 0xfffff),
		gdt_entry(0x008b, 0, 0xfffff),
	};

	return guest_mem_write(gm, LAYOUT_GDT, gdt, sizeof(gdt));
}

static int x86_write_page_tables(const struct guest_mem *gm)
{
	uint64_t pml4 = LAYOUT_PDPT | PTE_P | PTE_RW;
	uint64_t pdpt[4], pd[512];
	int err;

	err = guest_mem_zero(gm, LAYOUT_PML4, 0x6000);
	if (!err)
		err = guest_mem_write(gm, LAYOUT_PML4, &pml4, sizeof(pml4));
	for (unsigned int i = 0; !err && i < 4; i++) {
		uint64_t pd_gpa = LAYOUT_PD + i * 0x1000ULL;

		pdpt[i] = pd_gpa | PTE_P | PTE_RW;
		for (unsigned int j = 0; j < 512; j++)
			pd[j] = (i * GiB + j * 2 * MiB) | PTE_P | PTE_RW |
				PTE_PS;
		err = guest_mem_write(gm, pd_gpa, pd, sizeof(pd));
	}
	if (!err)
		err = guest_mem_write(gm, LAYOUT_PDPT, pdpt, sizeof(pdpt));
	return err;
}

/*
 * There is no BIOS, but Linux may still jump to the BIOS reset vector
 * (F000:FFF0): on hardware-reduced ACPI its default reboot path tries
 * EFI and then "BIOS" before the keyboard controller. A real BIOS
 * would reset the machine there, so this stub does exactly that, in
 * 16-bit code: pulse the i8042 reset line, then halt.
 */
static int x86_write_reset_vector(const struct guest_mem *gm)
{
	static const uint8_t stub[] = {
		0xb0, 0xfe,		/* mov $0xfe, %al */
		0xe6, 0x64,		/* out %al, $0x64 */
		0xf4,			/* hlt */
		0xeb, 0xfd,		/* jmp .-1 (back to hlt) */
	};

	return guest_mem_write(gm, LAYOUT_RESET_VECTOR, stub, sizeof(stub));
}

int x86_boot_tables(const struct guest_mem *gm, enum boot_mode mode)
{
	uint64_t idt = 0;
	int err;

	err = x86_write_reset_vector(gm);
	if (!err)
		err = x86_write_gdt(gm, mode);
	if (!err)
		err = guest_mem_write(gm, LAYOUT_IDT, &idt, sizeof(idt));
	if (!err && mode == BOOT_MODE_LINUX64)
		err = x86_write_page_tables(gm);
	return err;
}

static struct kvm_segment seg_flat(uint16_t sel, uint8_t type, bool code64)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel,
		.type = type, .present = 1, .dpl = 0, .s = 1, .g = 1,
		.l = code64, .db = !code64,
	};
}

static int x86_setup_sregs(int fd, enum boot_mode mode)
{
	struct kvm_sregs s;
	bool lm = mode == BOOT_MODE_LINUX64;

	if (ioctl(fd, KVM_GET_SREGS, &s) < 0)
		return -errno;
	s.gdt.base = LAYOUT_GDT;
	s.gdt.limit = 5 * 8 - 1;
	s.idt.base = LAYOUT_IDT;
	s.idt.limit = 0;
	s.cs = seg_flat(SEL_CODE, 0xb, lm);
	s.ds = s.es = s.fs = s.gs = s.ss = seg_flat(SEL_DATA, 0x3, false);
	s.tr = (struct kvm_segment){
		.base = 0, .limit = 0xfffff, .selector = SEL_TSS,
		.type = 0xb, .present = 1,
	};
	s.cr0 = CR0_PE | CR0_ET | CR0_NE;
	s.cr4 = 0;
	s.efer = 0;
	if (lm) {
		s.cr0 |= CR0_PG;
		s.cr3 = LAYOUT_PML4;
		s.cr4 = CR4_PAE;
		s.efer = EFER_LME | EFER_LMA;
	}
	if (ioctl(fd, KVM_SET_SREGS, &s) < 0)
		return -errno;
	return 0;
}

static int x86_setup_regs(int fd, const struct boot_entry *boot)
{
	struct kvm_regs r = {
		.rflags = 0x2,
		.rip = boot->entry,
		.rsp = LAYOUT_PML4 - 0x10,	/* page below the tables */
		.rbp = LAYOUT_PML4 - 0x10,
	};

	if (boot->mode == BOOT_MODE_LINUX64)
		r.rsi = boot->boot_info;
	else
		r.rbx = boot->boot_info;
	if (boot->mode == BOOT_MODE_MULTIBOOT)
		r.rax = MULTIBOOT_BOOT_MAGIC;
	if (ioctl(fd, KVM_SET_REGS, &r) < 0)
		return -errno;
	return 0;
}

static int x86_setup_fpu(int fd)
{
	struct kvm_fpu fpu = { .fcw = 0x37f, .mxcsr = 0x1f80 };

	if (ioctl(fd, KVM_SET_FPU, &fpu) < 0)
		return -errno;
	return 0;
}

static int x86_setup_msrs(int fd)
{
	static const struct { uint32_t index; uint64_t data; } boot_msrs[] = {
		{ MSR_IA32_SYSENTER_CS, 0 },
		{ MSR_IA32_SYSENTER_ESP, 0 },
		{ MSR_IA32_SYSENTER_EIP, 0 },
		{ MSR_STAR, 0 },
		{ MSR_CSTAR, 0 },
		{ MSR_KERNEL_GS_BASE, 0 },
		{ MSR_SYSCALL_MASK, 0 },
		{ MSR_LSTAR, 0 },
		{ MSR_IA32_MISC_ENABLE, MISC_ENABLE_FAST_STRING },
		/* Without MTRRs enabled Linux maps all RAM uncached. */
		{ MSR_MTRR_DEF_TYPE, MTRR_ENABLE_WB },
	};
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[ARRAY_SIZE(boot_msrs)];
	} m;
	int n;

	memset(&m, 0, sizeof(m));
	m.hdr.nmsrs = ARRAY_SIZE(boot_msrs);
	for (size_t i = 0; i < ARRAY_SIZE(boot_msrs); i++) {
		m.e[i].index = boot_msrs[i].index;
		m.e[i].data = boot_msrs[i].data;
	}
	n = ioctl(fd, KVM_SET_MSRS, &m);
	if (n < 0)
		return -errno;
	/* KVM stops at the first MSR it refuses. */
	if (n != (int)ARRAY_SIZE(boot_msrs))
		return -EINVAL;
	return 0;
}

static uint32_t lapic_reg(const struct kvm_lapic_state *l, unsigned int off)
{
	uint32_t v;

	memcpy(&v, &l->regs[off], sizeof(v));
	return v;
}

static void lapic_set_mode(struct kvm_lapic_state *l, unsigned int off,
			   uint32_t mode)
{
	uint32_t v = (lapic_reg(l, off) & ~0x700U) | (mode << 8);

	memcpy(&l->regs[off], &v, sizeof(v));
}

/* LINT0 = ExtINT and LINT1 = NMI, as a PC BIOS leaves them. */
static int x86_setup_lapic(int fd)
{
	struct kvm_lapic_state l;

	if (ioctl(fd, KVM_GET_LAPIC, &l) < 0)
		return -errno;
	lapic_set_mode(&l, APIC_LVT0, APIC_MODE_EXTINT);
	lapic_set_mode(&l, APIC_LVT1, APIC_MODE_NMI);
	if (ioctl(fd, KVM_SET_LAPIC, &l) < 0)
		return -errno;
	return 0;
}

int x86_vcpu_setup(int vcpu_fd, unsigned int id,
		   const struct boot_entry *boot, struct errbuf *err)
{
	int ret;

	ret = x86_setup_msrs(vcpu_fd);
	if (ret)
		return errbuf_set(err, ret, "vcpu%u: setting boot MSRs: %s",
				  id, strerror(-ret));
	ret = x86_setup_fpu(vcpu_fd);
	if (ret)
		return errbuf_set(err, ret, "vcpu%u: KVM_SET_FPU: %s", id,
				  strerror(-ret));
	ret = x86_setup_lapic(vcpu_fd);
	if (ret)
		return errbuf_set(err, ret, "vcpu%u: LAPIC set-up: %s", id,
				  strerror(-ret));
	if (id != 0)
		return 0;
	ret = x86_setup_sregs(vcpu_fd, boot->mode);
	if (!ret)
		ret = x86_setup_regs(vcpu_fd, boot);
	if (ret)
		return errbuf_set(err, ret, "vcpu0: boot registers: %s",
				  strerror(-ret));
	return 0;
}
