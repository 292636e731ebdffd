/* SPDX-License-Identifier: MIT */
/*
 * A tiny Multiboot v1 kernel (ELF32, loaded by its program headers at
 * 1 MiB). It checks the boot state the specification promises, prints
 * what it was handed on COM1 and reports through the exit port:
 *
 *   "mboot: cmdline=<multiboot_info.cmdline>"
 *   "mboot: loader=<boot_loader_name>"
 *   "mboot: module=<mods[0].string>"
 *   "mboot: data=<the module's first 8 bytes>"
 *
 * then exit status 42 if EAX was 0x2BADB002, the info flags carry a
 * command line, a memory map and modules, module 0 is page-aligned and
 * starts with MOD_MAGIC; otherwise one of the ST_* codes below.
 */
#define MB_MAGIC	0x1badb002
#define MB_FLAGS	0x00000003	/* page-align modules, memory info */
#define BOOT_MAGIC	0x2badb002

#define ST_OK		42
#define ST_BAD_EAX	0x10
#define ST_BAD_FLAGS	0x11
#define ST_NO_MODULE	0x12
#define ST_BAD_ALIGN	0x13
#define ST_BAD_DATA	0x14

	.section .multiboot, "a"
	.balign	4
	.long	MB_MAGIC
	.long	MB_FLAGS
	.long	-(MB_MAGIC + MB_FLAGS)

	.code32
	.section .text
	.globl	_start
_start:
	/* Keep EAX and EBX, then get a stack of our own (ESP is undefined). */
	mov	%eax, %edi
	mov	%ebx, %ebp
	mov	$0x90000, %esp
	mov	$hello, %esi
	call	puts
	mov	$ST_BAD_EAX, %cl
	cmp	$BOOT_MAGIC, %edi
	jne	fail

	/* flags: bit 2 cmdline, bit 3 mods, bit 6 mmap, bit 9 loader name */
	mov	$ST_BAD_FLAGS, %cl
	mov	0(%ebp), %eax
	and	$0x24c, %eax
	cmp	$0x24c, %eax
	jne	fail

	mov	$s_cmdline, %esi
	call	puts
	mov	16(%ebp), %esi
	call	puts
	call	newline
	mov	$s_loader, %esi
	call	puts
	mov	64(%ebp), %esi
	call	puts
	call	newline

	mov	$ST_NO_MODULE, %cl
	cmpl	$1, 20(%ebp)
	jb	fail
	mov	24(%ebp), %ebx		/* mods[0] */
	mov	$s_module, %esi
	call	puts
	mov	8(%ebx), %esi
	call	puts
	call	newline

	mov	$ST_BAD_ALIGN, %cl
	testl	$0xfff, 0(%ebx)
	jnz	fail
	mov	$ST_BAD_DATA, %cl
	mov	4(%ebx), %eax
	sub	0(%ebx), %eax
	cmp	$8, %eax
	jb	fail
	mov	$s_data, %esi
	call	puts
	mov	0(%ebx), %esi
	mov	$8, %ecx
1:	lodsb
	call	putc
	loop	1b
	call	newline

	mov	0(%ebx), %esi
	mov	$mod_magic, %edi
	mov	$8, %ecx
	repe	cmpsb
	mov	$ST_BAD_DATA, %cl
	jne	fail
	mov	$ST_OK, %cl
fail:
	mov	%cl, %al
	outb	%al, $0xf4
	/* Not reached if the VMM did its job. */
2:	hlt
	jmp	2b

newline:
	mov	$'\n', %al
	jmp	putc

/* puts: print the NUL-terminated string at %esi on COM1. */
puts:
	lodsb
	test	%al, %al
	jz	2f
	call	putc
	jmp	puts
2:	ret

/* putc: send %al to COM1 (KVM's UART takes it at once: no THR wait). */
putc:
	push	%edx
	mov	$0x3f8, %dx
	outb	%al, %dx
	pop	%edx
	ret

	.section .rodata
hello:		.asciz	"mboot: hello from Multiboot entry\n"
s_cmdline:	.asciz	"mboot: cmdline="
s_loader:	.asciz	"mboot: loader="
s_module:	.asciz	"mboot: module="
s_data:		.asciz	"mboot: data="
mod_magic:	.ascii	"MBMOD42!"
