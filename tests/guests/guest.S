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
#define ACT_HOSTILE_BUS	13	/* attack every surface, then check the VMM still serves */

/* virtio-mmio v2 registers of the first device (--transport mmio). */
#define VM_BASE		0xd0000000
#define VM_MAGIC	(VM_BASE + 0x000)
#define VM_DEVICE_ID	(VM_BASE + 0x008)
#define VM_DRV_FEAT	(VM_BASE + 0x020)
#define VM_DRV_FEAT_SEL	(VM_BASE + 0x024)
#define VM_QUEUE_SEL	(VM_BASE + 0x030)
#define VM_QUEUE_NUM_MAX (VM_BASE + 0x034)
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
#define RING_TABLE	0x203000	/* an indirect table */
#define VM_SLOT		0x1000		/* the next virtio-mmio device */
#define RAM_END		0x2000000	/* the tests give this guest 32 MiB */

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
#elif GUEST_ACTION == ACT_HOSTILE_BUS
	/*
	 * Each stage attacks one surface and checks the answer a correct
	 * VMM gives; a wrong answer exits with 80 + the stage. Device 0 is
	 * virtio-blk and device 1 virtio-rng, both on virtio-mmio.
	 */
	/* 1: unassigned ports: writes go nowhere, reads are all ones. */
	mov	$1, %edi
	mov	$0x1000, %dx
1:	mov	$0x5a, %al
	outb	%al, %dx
	outl	%eax, %dx
	inc	%dx
	cmp	$0x1100, %dx
	jne	1b
	mov	$0x1000, %dx
	inb	%dx, %al
	cmp	$0xff, %al
	jne	fail
	mov	$0x2000, %dx
	inl	%dx, %eax
	cmp	$0xffffffff, %eax
	jne	fail
	mov	$m_pio, %esi
	call	puts
	/* 2: unassigned MMIO: in the hole, and a virtio slot with no device. */
	mov	$2, %edi
	movl	$0x12345678, 0xd8000000
	cmpl	$0xffffffff, 0xd8000000
	jne	fail
	movl	$0x12345678, VM_BASE + 0x80000
	cmpl	$0xffffffff, VM_BASE + 0x80000
	jne	fail
	mov	$m_mmio, %esi
	call	puts
	/* 3: status out of order: DRIVER_OK first, FEATURES_OK without VERSION_1. */
	mov	$3, %edi
	movl	$0, VM_STATUS
	movl	$4, VM_STATUS
	testl	$4, VM_STATUS
	jnz	fail
	movl	$3, VM_STATUS
	movl	$0xb, VM_STATUS
	testl	$8, VM_STATUS
	jnz	fail
	mov	$m_status, %esi
	call	puts
	/* 4: a queue size that is not a power of two. */
	mov	$4, %edi
	call	negotiate
	movl	$7, VM_QUEUE_NUM
	call	ring_ok
	call	expect_reset
	/* 5: rings outside RAM: descriptors in the MMIO hole ... */
	mov	$5, %edi
	call	negotiate
	movl	$8, VM_QUEUE_NUM
	call	ring_addrs
	movl	$0xc8000000, VM_DESC_LO
	movl	$1, VM_QUEUE_READY
	call	expect_reset
	/* ... and an avail ring straddling the end of RAM. */
	call	negotiate
	movl	$8, VM_QUEUE_NUM
	call	ring_addrs
	movl	$RAM_END - 8, VM_AVAIL_LO
	movl	$1, VM_QUEUE_READY
	call	expect_reset
	/* 6: notify and select queues that do not exist; config past its end. */
	mov	$6, %edi
	call	negotiate
	movl	$8, VM_QUEUE_NUM
	call	ring_ok
	movl	$0xf, VM_STATUS
	movl	$99, VM_QUEUE_NOTIFY
	movl	$0xffff, VM_QUEUE_NOTIFY
	movl	$99, VM_QUEUE_SEL
	cmpl	$0, VM_QUEUE_NUM_MAX
	jne	fail
	movl	$0x12345678, VM_BASE + 0xffc
	movl	VM_BASE + 0xffc, %eax
	testl	$0x40, VM_STATUS
	jnz	fail
	mov	$m_noq, %esi
	call	puts
	/* 7: a descriptor cycle: 0 -> 1 -> 0. */
	mov	$7, %edi
	movl	$0, VM_QUEUE_SEL
	call	desc_clear
	movl	$RING_USED + 0x800, RING_DESC + 0	/* addr */
	movl	$16, RING_DESC + 8			/* len */
	movw	$1, RING_DESC + 12			/* NEXT */
	movw	$1, RING_DESC + 14			/* next = 1 */
	movl	$RING_USED + 0x900, RING_DESC + 16
	movl	$16, RING_DESC + 24
	movw	$1, RING_DESC + 28
	movw	$0, RING_DESC + 30			/* next = 0 */
	call	post0
	call	expect_reset
	/* 8: an indirect table that holds another indirect descriptor. */
	mov	$8, %edi
	call	negotiate_feat_indirect
	movl	$8, VM_QUEUE_NUM
	call	ring_ok
	movl	$0xf, VM_STATUS
	call	desc_clear
	movl	$RING_TABLE, RING_DESC + 0
	movl	$32, RING_DESC + 8
	movw	$4, RING_DESC + 12			/* INDIRECT */
	movl	$RING_TABLE + 0x100, RING_TABLE + 0
	movl	$16, RING_TABLE + 8
	movw	$4, RING_TABLE + 12			/* INDIRECT inside */
	call	post0
	call	expect_reset
	/* 9: a huge length that runs past the end of RAM. */
	mov	$9, %edi
	call	negotiate
	movl	$8, VM_QUEUE_NUM
	call	ring_ok
	movl	$0xf, VM_STATUS
	call	desc_clear
	movl	$RING_USED + 0x800, RING_DESC + 0
	movl	$0xfffffff0, RING_DESC + 8
	movw	$2, RING_DESC + 12			/* WRITE */
	call	post0
	call	expect_reset
	/* 10: the other device still answers, and the UART still prints. */
	mov	$10, %edi
	cmpl	$0x74726976, VM_MAGIC + VM_SLOT		/* "virt" */
	jne	fail
	cmpl	$4, VM_DEVICE_ID + VM_SLOT		/* entropy source */
	jne	fail
	mov	$m_other, %esi
	call	puts
	/* 11: a flood of serial output (128 KiB), then the verdict. */
	mov	$11, %edi
	mov	$2048, %ecx
1:	push	%ecx
	mov	$m_flood, %esi
	call	puts
	pop	%ecx
	loop	1b
	mov	$m_done, %esi
	call	puts
	mov	$42, %al
	outb	%al, $0xf4
#endif
	/* Not reached if the VMM did its job; report that it did not. */
	mov	$bad, %esi
	call	puts
	mov	$99, %al
	outb	%al, $0xf4
3:	hlt
	jmp	3b

#if GUEST_ACTION == ACT_HOSTILE_BUS
/* fail: exit with 80 + the stage in %edi. */
fail:
	mov	$m_fail, %esi
	call	puts
	mov	%edi, %eax
	add	$80, %al
	outb	%al, $0xf4
1:	hlt
	jmp	1b

/* negotiate: reset device 0, then ACK, DRIVER, VERSION_1, FEATURES_OK. */
negotiate:
	xor	%eax, %eax
	jmp	2f
negotiate_feat_indirect:
	mov	$0x10000000, %eax		/* bit 28: INDIRECT_DESC */
2:	movl	$0, VM_STATUS
	movl	$1, VM_STATUS
	movl	$3, VM_STATUS
	movl	$1, VM_DRV_FEAT_SEL
	movl	$1, VM_DRV_FEAT
	movl	$0, VM_DRV_FEAT_SEL
	movl	%eax, VM_DRV_FEAT
	movl	$0xb, VM_STATUS
	testl	$8, VM_STATUS
	jz	fail
	movl	$0, VM_QUEUE_SEL
	ret

/* ring_ok: point queue 0 at the rings in RAM and make it ready. */
ring_ok:
	call	ring_addrs
	movl	$1, VM_QUEUE_READY
	ret

/* ring_addrs: point queue 0 at the rings in RAM (not ready yet). */
ring_addrs:
	movl	$RING_DESC, VM_DESC_LO
	movl	$RING_AVAIL, VM_AVAIL_LO
	movl	$RING_USED, VM_USED_LO
	ret

/* desc_clear: zero the descriptor table, the avail ring and the table. */
desc_clear:
	push	%edi
	mov	$RING_DESC, %edi
	mov	$0x1000, %ecx			/* 4 pages of dwords */
	xor	%eax, %eax
	rep stosl
	pop	%edi
	ret

/* post0: make descriptor 0 the one available chain and notify. */
post0:
	movw	$0, RING_AVAIL + 4
	movw	$1, RING_AVAIL + 2
	movl	$0, VM_QUEUE_NOTIFY
	ret

/*
 * expect_reset: device 0 must report DEVICE_NEEDS_RESET; print that the
 * stage held, reset the device and check that its status reads 0.
 */
expect_reset:
	mov	$200000, %ecx			/* each read is an exit: seconds */
1:	testl	$0x40, VM_STATUS
	jnz	2f
	loop	1b
	jmp	fail
2:	mov	$m_nr, %esi
	call	puts
	mov	%edi, %eax
	add	$'0', %al
	call	putc
	mov	$'\n', %al
	call	putc
	movl	$0, VM_STATUS
	cmpl	$0, VM_STATUS
	jne	fail
	ret
#endif

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
m_pio:	.asciz	"hostile: unassigned ports ignore writes and read all ones\n"
m_mmio:	.asciz	"hostile: unassigned MMIO ignores writes and reads all ones\n"
m_status: .asciz "hostile: status out of order refused\n"
m_noq:	.asciz	"hostile: missing queues and config past the end ignored\n"
m_nr:	.asciz	"hostile: NEEDS_RESET and a clean reset after stage "
m_other: .asciz	"hostile: the other device still answers\n"
m_flood: .asciz	"hostile: flood flood flood flood flood flood flood flood\n"
m_done:	.asciz	"hostile: all stages held\n"
m_fail:	.asciz	"hostile: FAILED\n"
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
