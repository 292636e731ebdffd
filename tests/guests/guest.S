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
