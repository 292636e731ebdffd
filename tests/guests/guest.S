/* SPDX-License-Identifier: MIT */
/*
 * Tiny purpose-built guests. One source, one behaviour per GUEST_ACTION:
 * each prints a line on COM1 and then does exactly one thing the VMM must
 * answer with a documented exit status. They enter through the PVH note
 * in 32-bit protected mode with paging off, like a PVH kernel.
 */
#define ACT_EXIT8	1	/* outb 42 -> exit port */
#define ACT_EXIT32	2	/* outl 0x107 -> exit port (status 7) */
#define ACT_TRIPLE	3	/* triple fault */
#define ACT_POWEROFF	4	/* ACPI S5 via sleep control register */
#define ACT_KBD_RESET	5	/* i8042 pulse reset line */
#define ACT_ACPI_RESET	6	/* ACPI reset register */
#define ACT_PANIC	7	/* pvpanic "panicked" */
#define ACT_HANG	8	/* spin forever: only a signal ends it */
#define ACT_ECHO	9	/* echo console input until 'q', then exit 0 */
#define ACT_VIRTQ_HOSTILE 10	/* post a malformed chain to virtio-mmio dev 0 */
#define ACT_EXIT3	11	/* outb 3 -> exit port (a test reporting failure 3) */
#define ACT_TICK	12	/* print a '.' now and then, for ever (pause tests) */

/* virtio-mmio v2 registers of the first device (--transport mmio). */
#define VM_BASE		0xd0000000
#define VM_DRV_FEAT	(VM_BASE + 0x020)
#define VM_DRV_FEAT_SEL	(VM_BASE + 0x024)
#define VM_QUEUE_SEL	(VM_BASE + 0x030)
#define VM_QUEUE_NUM	(VM_BASE + 0x038)
#define VM_QUEUE_READY	(VM_BASE + 0x044)
#define VM_QUEUE_NOTIFY	(VM_BASE + 0x050)
#define VM_STATUS	(VM_BASE + 0x070)
#define VM_DESC_LO	(VM_BASE + 0x080)
#define VM_AVAIL_LO	(VM_BASE + 0x090)
#define VM_USED_LO	(VM_BASE + 0x0a0)
#define RING_DESC	0x200000
#define RING_AVAIL	0x201000
#define RING_USED	0x202000

	.code32
	.section .text
	.globl _start
_start:
	mov	$0x90000, %esp
	mov	$msg, %esi
	call	puts

#if GUEST_ACTION == ACT_EXIT8
	mov	$42, %al
	outb	%al, $0xf4
#elif GUEST_ACTION == ACT_EXIT3
	mov	$3, %al
	outb	%al, $0xf4
#elif GUEST_ACTION == ACT_TICK
1:	mov	$'.', %al
	call	putc
	mov	$2000000, %ecx		/* a pause between dots */
2:	pause
	loop	2b
	jmp	1b
#elif GUEST_ACTION == ACT_EXIT32
	mov	$0x107, %eax
	outl	%eax, $0xf4
#elif GUEST_ACTION == ACT_TRIPLE
	lidt	idt_empty
	int	$3
#elif GUEST_ACTION == ACT_POWEROFF
	mov	$0x600, %dx
	mov	$0x34, %al		/* SLP_TYP 5 << 2 | SLP_EN */
	outb	%al, %dx
#elif GUEST_ACTION == ACT_KBD_RESET
	mov	$0xfe, %al
	outb	%al, $0x64
#elif GUEST_ACTION == ACT_ACPI_RESET
	mov	$0x602, %dx
	mov	$0x01, %al
	outb	%al, %dx
#elif GUEST_ACTION == ACT_PANIC
	mov	$0x505, %dx
	inb	%dx, %al		/* capabilities, as Linux reads them */
	mov	$0x01, %al
	outb	%al, %dx
#elif GUEST_ACTION == ACT_HANG
1:	pause
	jmp	1b
#elif GUEST_ACTION == ACT_ECHO
1:	mov	$0x3fd, %dx		/* wait for a received byte */
	inb	%dx, %al
	test	$0x01, %al
	jz	1b
	mov	$0x3f8, %dx
	inb	%dx, %al
	cmp	$'q', %al
	je	2f
	call	putc
	jmp	1b
2:	mov	$0, %al
	outb	%al, $0xf4
#elif GUEST_ACTION == ACT_VIRTQ_HOSTILE
	/* Set the device up as a driver would: ACK, DRIVER, VERSION_1. */
	movl	$0, VM_STATUS
	movl	$1, VM_STATUS
	movl	$3, VM_STATUS
	movl	$1, VM_DRV_FEAT_SEL
	movl	$1, VM_DRV_FEAT		/* bit 32: VIRTIO_F_VERSION_1 */
	movl	$0, VM_DRV_FEAT_SEL
	movl	$0, VM_DRV_FEAT
	movl	$0xb, VM_STATUS		/* FEATURES_OK */
	movl	$0, VM_QUEUE_SEL
	movl	$8, VM_QUEUE_NUM
	movl	$RING_DESC, VM_DESC_LO
	movl	$RING_AVAIL, VM_AVAIL_LO
	movl	$RING_USED, VM_USED_LO
	movl	$1, VM_QUEUE_READY
	movl	$0xf, VM_STATUS		/* DRIVER_OK */
	/* The attack: one available chain whose head is past the ring. */
	movw	$100, RING_AVAIL + 4
	movw	$1, RING_AVAIL + 2
	movl	$0, VM_QUEUE_NOTIFY
	mov	$200000000, %ecx
1:	testl	$0x40, VM_STATUS	/* DEVICE_NEEDS_RESET */
	jnz	2f
	loop	1b
	mov	$nors, %esi
	call	puts
	mov	$98, %al
	outb	%al, $0xf4
2:	mov	$seen, %esi
	call	puts
	/* The device recovers through a reset, and the VMM is still here. */
	movl	$0, VM_STATUS
	cmpl	$0, VM_STATUS
	jne	3f
	mov	$rst, %esi
	call	puts
	mov	$42, %al
	outb	%al, $0xf4
3:	mov	$97, %al
	outb	%al, $0xf4
#endif
	/* Not reached if the VMM did its job; report that it did not. */
	mov	$bad, %esi
	call	puts
	mov	$99, %al
	outb	%al, $0xf4
3:	hlt
	jmp	3b

/* puts: print the NUL-terminated string at %esi on COM1. */
puts:
	lodsb
	test	%al, %al
	jz	2f
	call	putc
	jmp	puts
2:	ret

/* putc: wait for THR empty, then send %al. */
putc:
	mov	%al, %bl
	mov	$0x3fd, %dx
1:	inb	%dx, %al
	test	$0x20, %al
	jz	1b
	mov	$0x3f8, %dx
	mov	%bl, %al
	outb	%al, %dx
	ret

	.section .rodata
msg:	.asciz	"tiny guest: hello from PVH entry\n"
bad:	.asciz	"tiny guest: still running after its final action\n"
seen:	.asciz	"tiny guest: device reports NEEDS_RESET\n"
nors:	.asciz	"tiny guest: device never reported NEEDS_RESET\n"
rst:	.asciz	"tiny guest: device reset, status reads 0\n"
	.balign	8
idt_empty:
	.word	0
	.long	0

	/* The PVH entry point: XEN_ELFNOTE_PHYS32_ENTRY (18). */
	.section .note.Xen, "a", @note
	.balign	4
	.long	4, 4, 18
	.asciz	"Xen"
	.balign	4
	.long	_start
