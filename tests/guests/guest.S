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
#define ACT_HOSTILE_PCI	14	/* the same for the virtio-pci and PCI surface */

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

/*
 * virtio-pci (--transport pci): virtio-blk is the function in slot 1 and
 * virtio-rng the one in slot 2 of bus 0; the guest checks their ids and
 * learns everything else (BARs, capabilities) from config space.
 */
#define CF8(b, d, f, r)	(0x80000000 | ((b) << 16) | ((d) << 11) | ((f) << 8) | (r))
#define ECAM(d, f, r)	(0xe0000000 + ((d) << 15) + ((f) << 12) + (r))
#define ECAM_END	0xe0100000	/* bus 0 only */
#define PCI_WIN		0xc0000000	/* the BAR window: 256 MiB */
#define PCI_WIN_END	0xd0000000
#define PBLK		1
#define PRNG		2
#define BLK_ID		0x10421af4	/* modern virtio-blk */
#define RNG_ID		0x10441af4	/* modern virtio-rng */
/* What parse_dev learns about a function, one block per device. */
#define D_BAR		0	/* BAR0 address */
#define D_COMMON	4	/* common config (cfg_type 1 at 4 * (type - 1)) */
#define D_NOTIFY	8	/* notify area */
#define D_ISR		12
#define D_DEVCFG	16	/* device-specific config */
#define D_MULT		20	/* notify_off_multiplier */
#define D_TABLE		24	/* MSI-X table address */
#define D_PBA		28	/* MSI-X PBA address */
#define D_NVEC		32	/* MSI-X table size */
#define D_MSIX		36	/* config offset of the MSI-X capability */
#define D_PCICFG	40	/* config offset of VIRTIO_PCI_CAP_PCI_CFG */
#define D_SIZE		44	/* BAR0 size, from sizing */
#define VBLK		0x1f0000
#define VRNG		0x1f0100
#define V_QMAX		0x1f0200	/* blk queue 0's size after reset */
#define V_Q		0x1f0300	/* two quadwords for MMX moves */
/* struct virtio_pci_common_cfg */
#define CC_DFSEL	0x00
#define CC_DF		0x04
#define CC_GFSEL	0x08
#define CC_GF		0x0c
#define CC_MSIX		0x10
#define CC_NUMQ		0x12
#define CC_STATUS	0x14
#define CC_QSEL		0x16
#define CC_QSIZE	0x18
#define CC_QMSIX	0x1a
#define CC_QENABLE	0x1c
#define CC_QNOFF	0x1e
#define CC_QDESC	0x20
#define CC_QAVAIL	0x28
#define CC_QUSED	0x30
#define RNG_RINGS	0x210000	/* desc, +0x1000 avail, +0x2000 used */
#define RNG_BUF		0x218000
#define BLK_REQ		0x230000	/* a request header, data, status */
#define BLK_DATA	0x231000
#define BLK_STATUS	0x232000

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
#elif GUEST_ACTION == ACT_HOSTILE_PCI
	/*
	 * The same idea over virtio-pci: each stage attacks one part of the
	 * PCI surface and checks the answer; a wrong one exits 80 + stage.
	 */
	/* 1: config space through 0xCF8/0xCFC and ECAM, and the BARs. */
	mov	%cr0, %eax			/* MMX for 8-byte accesses: */
	and	$~0xc, %eax			/* EM and TS clear */
	mov	%eax, %cr0
	mov	$VBLK, %edi			/* what parse_dev learns */
	mov	$0xc0, %ecx
	xor	%eax, %eax
	rep stosl
	mov	$1, %edi
	mov	$CF8(0, PBLK, 0, 0), %eax
	call	cfg_rd
	cmp	$BLK_ID, %eax
	jne	pfail
	cmpl	$BLK_ID, ECAM(PBLK, 0, 0)
	jne	pfail
	cmpl	$RNG_ID, ECAM(PRNG, 0, 0)
	jne	pfail
	/* Bits 27:24 (a register past 0xff on some chipsets): ignored or 0. */
	mov	$(CF8(0, PBLK, 0, 0) | 0x0f000000), %eax
	call	cfg_rd
	cmp	$BLK_ID, %eax
	je	1f
	test	%eax, %eax
	jnz	pfail
	/* Word and byte reads of the data port; a word write to the latch. */
1:	mov	$CF8(0, PBLK, 0, 0), %eax
	mov	$0xcf8, %dx
	outl	%eax, %dx
	mov	$0xcfe, %dx
	inw	%dx, %ax
	cmp	$0x1042, %ax
	jne	pfail
	mov	$0xcfd, %dx
	inb	%dx, %al
	cmp	$0x1a, %al
	jne	pfail
	mov	$0xcfa, %dx
	xor	%eax, %eax
	outw	%ax, %dx
	mov	$0xcf8, %dx
	inl	%dx, %eax
	cmp	$CF8(0, PBLK, 0, 0), %eax
	jne	pfail
	/* Nobody home (functions, slots, buses, enable clear): all ones. */
	mov	$p_absent, %esi
2:	lodsl
	test	%eax, %eax
	jz	3f
	push	%eax
	mov	$0x12345678, %ecx
	call	cfg_wr
	pop	%eax
	call	cfg_rd
	cmp	$0xffffffff, %eax
	jne	pfail
	jmp	2b
	/* ECAM: past 0xff of a function reads 0, the next 4 KiB is function 1. */
3:	movl	$0xffffffff, ECAM(PBLK, 0, 0x100)
	cmpl	$0, ECAM(PBLK, 0, 0x100)
	jne	pfail
	cmpl	$0, ECAM(PBLK, 0, 0xffc)
	jne	pfail
	movl	$0, ECAM(PBLK, 1, 0)
	cmpl	$0xffffffff, ECAM(PBLK, 1, 0)
	jne	pfail
	cmpl	$0xffffffff, ECAM(31, 7, 0xffc)
	jne	pfail
	movl	$0, ECAM_END			/* bus 1: past the window */
	cmpl	$0xffffffff, ECAM_END
	jne	pfail
	cmpl	$0xffffffff, ECAM(PBLK, 0, 2)	/* crosses a dword */
	jne	pfail
	/* Read-only: ids, capability pointer, STATUS.CAP_LIST, a header. */
	movl	$0, ECAM(PBLK, 0, 0)
	mov	$CF8(0, PBLK, 0, 0), %eax
	xor	%ecx, %ecx
	call	cfg_wr
	cmpl	$BLK_ID, ECAM(PBLK, 0, 0)
	jne	pfail
	movzbl	ECAM(PBLK, 0, 0x34), %ebx
	movb	$0, ECAM(PBLK, 0, 0x34)
	cmpb	%bl, ECAM(PBLK, 0, 0x34)
	jne	pfail
	movw	$0xffff, ECAM(PBLK, 0, 6)	/* W1C bits only */
	testw	$0x10, ECAM(PBLK, 0, 6)
	jz	pfail
	mov	ECAM(PBLK, 0, 0)(%ebx), %ecx
	movw	$0, ECAM(PBLK, 0, 0)(%ebx)	/* id and next */
	cmp	%ecx, ECAM(PBLK, 0, 0)(%ebx)
	jne	pfail
	/* Learn both functions as a driver does (this sizes BAR0 too). */
	mov	$ECAM(PBLK, 0, 0), %ebx
	mov	$VBLK, %esi
	call	parse_dev
	mov	$ECAM(PRNG, 0, 0), %ebx
	mov	$VRNG, %esi
	call	parse_dev
	mov	VBLK + D_COMMON, %ebp
	movzwl	CC_NUMQ(%ebp), %ebx
	test	%ebx, %ebx
	jz	pfail
	/* Not implemented: BAR1 reads 0 even after all ones. */
	movl	$0xffffffff, ECAM(PBLK, 0, 0x14)
	cmpl	$0, ECAM(PBLK, 0, 0x14)
	jne	pfail
	/* Sizing with decoding left on, then back. */
	mov	VBLK + D_BAR, %esi
	movl	$0xffffffff, ECAM(PBLK, 0, 0x10)
	mov	%esi, ECAM(PBLK, 0, 0x10)
	cmpw	%bx, CC_NUMQ(%ebp)
	jne	pfail
	/* BAR0 onto RAM: RAM wins there, the old place is unassigned. */
	movl	$0x300000, ECAM(PBLK, 0, 0x10)
	movl	$0x5a5a5a5a, 0x300000
	cmpl	$0x5a5a5a5a, 0x300000
	jne	pfail
	cmpw	$0xffff, CC_NUMQ(%ebp)
	jne	pfail
	mov	%esi, ECAM(PBLK, 0, 0x10)
	cmpw	%bx, CC_NUMQ(%ebp)
	jne	pfail
	/* rng's BAR0 over blk's: somebody answers; then back. */
	mov	VRNG + D_BAR, %ecx
	mov	%esi, ECAM(PRNG, 0, 0x10)
	cmpw	$0xffff, CC_NUMQ(%ebp)
	je	pfail
	mov	%ecx, ECAM(PRNG, 0, 0x10)
	/* rng's BAR0 at the very top of the window, then back. */
	mov	$PCI_WIN_END, %eax
	sub	VRNG + D_SIZE, %eax
	mov	%eax, ECAM(PRNG, 0, 0x10)
	add	VRNG + D_COMMON, %eax
	sub	%ecx, %eax
	cmpw	$1, CC_NUMQ(%eax)
	jne	pfail
	mov	%ecx, ECAM(PRNG, 0, 0x10)
	mov	VRNG + D_COMMON, %eax
	cmpw	$1, CC_NUMQ(%eax)
	jne	pfail
	cmpw	%bx, CC_NUMQ(%ebp)
	jne	pfail
	/* The PCI_CFG window into BAR0: num_queues, then hostile windows. */
	mov	VBLK + D_PCICFG, %ecx
	test	%ecx, %ecx
	jz	pfail
	add	$ECAM(PBLK, 0, 0), %ecx
	mov	%ebp, %eax
	sub	%esi, %eax
	add	$CC_NUMQ, %eax
	movb	$0, 4(%ecx)			/* bar */
	mov	%eax, 8(%ecx)			/* offset */
	movl	$2, 12(%ecx)			/* length */
	cmpw	%bx, 16(%ecx)
	jne	pfail
	movb	$5, 4(%ecx)			/* no such BAR */
	mov	16(%ecx), %eax
	movb	$0, 4(%ecx)
	movl	$3, 12(%ecx)			/* odd length */
	mov	16(%ecx), %eax
	movl	$4, 12(%ecx)
	movl	$0xfffffffc, 8(%ecx)		/* past the BAR */
	mov	16(%ecx), %eax
	movl	$0x12345678, 16(%ecx)
	movl	$0, 12(%ecx)
	movl	$0, 8(%ecx)
	mov	$p_cfg, %esi
	call	puts
	/* 2: MSI-X table and PBA out of range, vectors past the table. */
	mov	$2, %edi
	mov	VBLK + D_TABLE, %esi
	mov	VBLK + D_NVEC, %ebx
	shl	$4, %ebx			/* table bytes */
	movl	$0xfee00003, 0(%esi)		/* reserved bits read 0 */
	movl	$0, 4(%esi)
	movl	$0x31, 8(%esi)
	movl	$0xffffffff, 12(%esi)
	cmpl	$0xfee00000, 0(%esi)
	jne	pfail
	cmpl	$0x31, 8(%esi)
	jne	pfail
	cmpl	$1, 12(%esi)
	jne	pfail
	/* Past the table: right after it, entry 127, the end of its page. */
	movl	$0x12345678, (%esi,%ebx)
	cmpl	$0x12345678, (%esi,%ebx)
	je	pfail
	movl	$0x12345678, 0x7f0(%esi)
	cmpl	$0x12345678, 0x7f0(%esi)
	je	pfail
	movl	$0x12345678, 0xffc(%esi)
	cmpl	$0x12345678, 0xffc(%esi)
	je	pfail
	mov	-2(%esi,%ebx), %eax		/* straddles the end: any answer */
	/* Quadword accesses, which the PCI spec allows: an address, the PBA. */
	movl	$0xfee01000, V_Q
	movl	$0, V_Q + 4
	movq	V_Q, %mm0
	movq	%mm0, 0(%esi)
	cmpl	$0xfee01000, 0(%esi)
	jne	pfail
	cmpl	$0, 4(%esi)
	jne	pfail
	mov	VBLK + D_PBA, %ecx
	movq	(%ecx), %mm1
	movq	%mm1, V_Q
	emms
	cmpl	$0, V_Q
	jne	pfail
	cmpl	$0, V_Q + 4
	jne	pfail
	/* The PBA is read-only and nothing is pending; past it is nothing. */
	mov	VBLK + D_PBA, %ecx
	movl	$0xffffffff, (%ecx)
	cmpl	$0, (%ecx)
	jne	pfail
	cmpl	$0, 4(%ecx)
	jne	pfail
	movl	$0x12345678, 8(%ecx)
	cmpl	$0x12345678, 8(%ecx)
	je	pfail
	/* Past the end of rng's BAR0. */
	mov	VRNG + D_BAR, %ecx
	add	VRNG + D_SIZE, %ecx
	movl	$0x12345678, (%ecx)
	cmpl	$0x12345678, (%ecx)
	je	pfail
	/* msix_config and queue_msix_vector past the table: NO_VECTOR. */
	mov	VBLK + D_NVEC, %ebx
	movw	%bx, CC_MSIX(%ebp)
	cmpw	$0xffff, CC_MSIX(%ebp)
	jne	pfail
	movw	$0x7ff, CC_MSIX(%ebp)
	cmpw	$0xffff, CC_MSIX(%ebp)
	jne	pfail
	movw	$0, CC_MSIX(%ebp)
	cmpw	$0, CC_MSIX(%ebp)
	jne	pfail
	movw	$0xffff, CC_MSIX(%ebp)
	movw	$0, CC_QSEL(%ebp)
	movw	%bx, CC_QMSIX(%ebp)
	cmpw	$0xffff, CC_QMSIX(%ebp)
	jne	pfail
	lea	-1(%ebx), %eax
	movw	%ax, CC_QMSIX(%ebp)
	cmpw	%ax, CC_QMSIX(%ebp)
	jne	pfail
	movw	$0xffff, CC_QMSIX(%ebp)
	movw	$100, CC_QSEL(%ebp)		/* no such queue */
	movw	$0, CC_QMSIX(%ebp)
	cmpw	$0xffff, CC_QMSIX(%ebp)
	jne	pfail
	movw	$0, CC_QSEL(%ebp)
	/* Message control: Enable and Function Mask toggle, size is fixed. */
	mov	VBLK + D_MSIX, %ecx
	add	$ECAM(PBLK, 0, 2), %ecx
	lea	-1(%ebx), %edx
	cmpw	%dx, (%ecx)
	jne	pfail
	movw	$0xffff, (%ecx)
	lea	0xc000(%edx), %eax
	cmpw	%ax, (%ecx)
	jne	pfail
	movw	$0x4000, (%ecx)
	lea	0x4000(%edx), %eax
	cmpw	%ax, (%ecx)
	jne	pfail
	movw	$0x8000, (%ecx)
	lea	0x8000(%edx), %eax
	cmpw	%ax, (%ecx)
	jne	pfail
	movw	$0, (%ecx)
	cmpw	%dx, (%ecx)
	jne	pfail
	movl	$1, 12(%esi)			/* entry 0 masked again */
	mov	$p_msix, %esi
	call	puts
	/* 3: common config, notify and device config out of range. */
	mov	$3, %edi
	call	dev_reset
	movzwl	CC_QSIZE(%ebp), %eax		/* queue 0 after reset */
	test	%eax, %eax
	jz	pfail
	mov	%eax, V_QMAX
	movw	$5, CC_QSEL(%ebp)
	cmpw	$0, CC_QSIZE(%ebp)
	jne	pfail
	movw	$0xffff, CC_QSEL(%ebp)
	cmpw	$0, CC_QSIZE(%ebp)
	jne	pfail
	cmpw	$0, CC_QENABLE(%ebp)
	jne	pfail
	movl	$RING_DESC, CC_QDESC(%ebp)
	cmpl	$0, CC_QDESC(%ebp)
	jne	pfail
	movw	$1, CC_QENABLE(%ebp)
	testb	$0x40, CC_STATUS(%ebp)
	jnz	pfail
	/* Wrong widths and past the structure: dropped, read 0. */
	movw	$0, CC_QSEL(%ebp)
	movl	$3, CC_QSEL(%ebp)
	cmpw	$0, CC_QSEL(%ebp)
	jne	pfail
	cmpb	$0, CC_NUMQ(%ebp)
	jne	pfail
	movl	$0xffffffff, 0x40(%ebp)
	cmpl	$0, 0x40(%ebp)
	jne	pfail
	cmpl	$0, 0xffc(%ebp)
	jne	pfail
	/* Feature windows past bit 63. */
	movl	$0xffffffff, CC_DFSEL(%ebp)
	cmpl	$0, CC_DF(%ebp)
	jne	pfail
	movl	$1, CC_DFSEL(%ebp)
	testl	$1, CC_DF(%ebp)			/* VERSION_1 */
	jz	pfail
	movb	$1, CC_STATUS(%ebp)
	movb	$3, CC_STATUS(%ebp)
	movl	$1, CC_GFSEL(%ebp)
	movl	$1, CC_GF(%ebp)
	movl	$0x80000000, CC_GFSEL(%ebp)
	movl	$1, CC_GF(%ebp)			/* bit 2^31 * 32: none */
	movb	$0xb, CC_STATUS(%ebp)
	testb	$8, CC_STATUS(%ebp)
	jnz	pfail
	call	negotiate			/* forgotten after a reset */
	/* A 64-bit field takes one 64-bit access (virtio 1.2, 4.1.3.1). */
	movl	$RING_DESC, V_Q
	movl	$0, V_Q + 4
	movq	V_Q, %mm0
	movq	%mm0, CC_QDESC(%ebp)
	movq	CC_QDESC(%ebp), %mm1
	movq	%mm1, V_Q + 8
	emms
	cmpl	$RING_DESC, CC_QDESC(%ebp)
	jne	pfail
	cmpl	$0, CC_QDESC + 4(%ebp)
	jne	pfail
	cmpl	$RING_DESC, V_Q + 8
	jne	pfail
	cmpl	$0, V_Q + 12
	jne	pfail
	/* A queue size that is not a power of two. */
	movw	$7, CC_QSIZE(%ebp)
	mov	$RING_DESC, %ebx
	call	rings_at
	movw	$7, CC_QSIZE(%ebp)
	movw	$1, CC_QENABLE(%ebp)
	call	wait_nr
	/* queue_enable before FEATURES_OK. */
	movb	$1, CC_STATUS(%ebp)
	movb	$3, CC_STATUS(%ebp)
	mov	$RING_DESC, %ebx
	call	rings_at
	movw	$1, CC_QENABLE(%ebp)
	call	wait_nr
	/* queue_enable before any address: rings at 0 are RAM, or refused. */
	call	negotiate
	movw	$8, CC_QSIZE(%ebp)
	movw	$1, CC_QENABLE(%ebp)
	testb	$0x40, CC_STATUS(%ebp)
	jnz	3f
	cmpw	$1, CC_QENABLE(%ebp)
	jne	pfail
	movl	$RING_DESC, CC_QDESC(%ebp)	/* frozen once enabled */
	cmpl	$0, CC_QDESC(%ebp)
	jne	pfail
	movw	$16, CC_QSIZE(%ebp)
	cmpw	$8, CC_QSIZE(%ebp)
	jne	pfail
	jmp	4f
3:	call	dev_reset
	/* Notifies for queues that do not exist, at odd places and widths. */
4:	mov	VBLK + D_NOTIFY, %ecx
	movw	$5, 20(%ecx)
	movl	$0xffff, 0x800(%ecx)
	movw	$0, 0xffe(%ecx)
	movb	$0, 1(%ecx)
	movw	$0, 2(%ecx)
	testb	$0x40, CC_STATUS(%ebp)
	jnz	pfail
	/* Device config: capacity is 2048 sectors, read-only; past the end. */
	mov	VBLK + D_DEVCFG, %ecx
	cmpl	$2048, (%ecx)
	jne	pfail
	cmpl	$0, 4(%ecx)
	jne	pfail
	movl	$0, (%ecx)
	cmpl	$2048, (%ecx)
	jne	pfail
	movl	$0x12345678, 0xffc(%ecx)
	cmpl	$0, 0xffc(%ecx)
	jne	pfail
	cmpl	$0, 0x100(%ecx)
	jne	pfail
	mov	VBLK + D_ISR, %ecx
	movb	$0xff, (%ecx)			/* ISR: read-only */
	movl	$0xffffffff, 4(%ecx)
	cmpl	$0, 4(%ecx)
	jne	pfail
	call	dev_reset
	mov	$p_common, %esi
	call	puts
	/* 4: feature negotiation and status out of order. */
	mov	$4, %edi
	movb	$4, CC_STATUS(%ebp)		/* DRIVER_OK alone */
	testb	$4, CC_STATUS(%ebp)
	jnz	pfail
	movb	$1, CC_STATUS(%ebp)
	movb	$3, CC_STATUS(%ebp)
	movb	$0xb, CC_STATUS(%ebp)		/* no VERSION_1 */
	testb	$8, CC_STATUS(%ebp)
	jnz	pfail
	movb	$0xf, CC_STATUS(%ebp)		/* DRIVER_OK without FEATURES_OK */
	testb	$4, CC_STATUS(%ebp)
	jnz	pfail
	call	dev_reset
	movb	$1, CC_STATUS(%ebp)
	movb	$3, CC_STATUS(%ebp)
	movl	$1, CC_GFSEL(%ebp)
	movl	$0x80000001, CC_GF(%ebp)	/* bit 63: not offered */
	movb	$0xb, CC_STATUS(%ebp)
	testb	$8, CC_STATUS(%ebp)
	jnz	pfail
	call	negotiate
	/* Features are frozen at FEATURES_OK. */
	movl	$1, CC_GFSEL(%ebp)
	movl	$0, CC_GF(%ebp)
	cmpl	$1, CC_GF(%ebp)
	jne	pfail
	movl	$0, CC_GFSEL(%ebp)
	movl	$0xffffffff, CC_GF(%ebp)
	cmpl	$0, CC_GF(%ebp)
	jne	pfail
	/* The driver cannot set NEEDS_RESET; DRIVER_OK now works. */
	movb	$0x4b, CC_STATUS(%ebp)
	testb	$0x40, CC_STATUS(%ebp)
	jnz	pfail
	movb	$0xf, CC_STATUS(%ebp)
	cmpb	$0xf, CC_STATUS(%ebp)
	jne	pfail
	/* A reset brings every register back. */
	movw	$0, CC_QSEL(%ebp)
	movw	$0, CC_QMSIX(%ebp)
	movw	$0, CC_MSIX(%ebp)
	call	dev_reset
	cmpw	$0xffff, CC_MSIX(%ebp)
	jne	pfail
	cmpw	$0xffff, CC_QMSIX(%ebp)
	jne	pfail
	mov	V_QMAX, %eax
	cmpw	%ax, CC_QSIZE(%ebp)
	jne	pfail
	cmpw	$0, CC_QENABLE(%ebp)
	jne	pfail
	movl	$1, CC_GFSEL(%ebp)
	cmpl	$0, CC_GF(%ebp)
	jne	pfail
	mov	$p_status, %esi
	call	puts
	/*
	 * 5: malformed queues over virtio-pci. The first breaks with MSI-X
	 * on under the Function Mask: the config interrupt must wait in the
	 * PBA and leave it when the mask goes.
	 */
	mov	$5, %edi
	mov	VBLK + D_TABLE, %esi
	movl	$0xfee00000, 0(%esi)
	movl	$0, 4(%esi)
	movl	$0x31, 8(%esi)
	movl	$0, 12(%esi)
	mov	VBLK + D_MSIX, %ecx
	movw	$0xc000, ECAM(PBLK, 0, 2)(%ecx)	/* Enable | Function Mask */
	call	negotiate
	movw	$0, CC_MSIX(%ebp)
	cmpw	$0, CC_MSIX(%ebp)
	jne	pfail
	movw	$8, CC_QSIZE(%ebp)
	mov	$RING_DESC, %ebx
	call	zero_rings
	call	rings_at
	movw	$1, CC_QMSIX(%ebp)
	movw	$1, CC_QENABLE(%ebp)
	movb	$0xf, CC_STATUS(%ebp)
	movl	$RING_USED + 0x800, RING_DESC + 0	/* 0 -> 1 -> 0 */
	movl	$16, RING_DESC + 8
	movw	$1, RING_DESC + 12
	movw	$1, RING_DESC + 14
	movl	$RING_USED + 0x900, RING_DESC + 16
	movl	$16, RING_DESC + 24
	movw	$1, RING_DESC + 28
	movw	$0, RING_DESC + 30
	call	post0
	mov	$VBLK, %esi
	call	kick0
	call	wait_status_nr
	mov	VBLK + D_PBA, %ecx
	testl	$1, (%ecx)			/* vector 0 pending */
	jz	pfail
	mov	VBLK + D_MSIX, %ecx
	movw	$0x8000, ECAM(PBLK, 0, 2)(%ecx)	/* mask off: it is sent */
	mov	VBLK + D_PBA, %ecx
	testl	$1, (%ecx)
	jnz	pfail
	mov	VBLK + D_MSIX, %ecx
	movw	$0, ECAM(PBLK, 0, 2)(%ecx)
	mov	VBLK + D_TABLE, %esi
	movl	$1, 12(%esi)
	call	say_nr
	/* Descriptors in the MMIO hole; a used ring past the end of RAM. */
	call	negotiate
	movw	$8, CC_QSIZE(%ebp)
	mov	$RING_DESC, %ebx
	call	rings_at
	movl	$0xc8000000, CC_QDESC(%ebp)
	movw	$1, CC_QENABLE(%ebp)
	call	wait_nr
	call	negotiate
	movw	$8, CC_QSIZE(%ebp)
	mov	$RING_DESC, %ebx
	call	rings_at
	movl	$RAM_END - 8, CC_QUSED(%ebp)
	movw	$1, CC_QENABLE(%ebp)
	call	wait_nr
	/* The other device answers: 16 bytes of entropy. */
	mov	VRNG + D_COMMON, %ebp
	call	negotiate
	mov	$RNG_RINGS, %ebx
	call	zero_rings
	call	rings_at
	movw	$1, CC_QENABLE(%ebp)
	movb	$0xf, CC_STATUS(%ebp)
	testb	$0x40, CC_STATUS(%ebp)
	jnz	pfail
	movl	$RNG_BUF, RNG_RINGS + 0
	movl	$16, RNG_RINGS + 8
	movw	$2, RNG_RINGS + 12			/* WRITE */
	call	post0
	mov	$VRNG, %esi
	call	kick0
	mov	$1, %ecx
	call	wait_used
	mov	RNG_BUF, %eax
	or	RNG_BUF + 4, %eax
	or	RNG_BUF + 8, %eax
	or	RNG_BUF + 12, %eax
	jz	pfail
	/* rng's BAR over blk's while its queue is live, then back: it answers. */
	mov	VRNG + D_BAR, %ecx
	mov	VBLK + D_BAR, %eax
	mov	%eax, ECAM(PRNG, 0, 0x10)
	mov	%ecx, ECAM(PRNG, 0, 0x10)
	movl	$0, RNG_BUF
	mov	$RNG_RINGS, %ebx
	call	post0
	mov	$VRNG, %esi
	call	kick0
	mov	$2, %ecx
	call	wait_used
	/* And blk, reset after all that, reads sector 0. */
	mov	VBLK + D_COMMON, %ebp
	call	negotiate
	mov	$RING_DESC, %ebx
	call	zero_rings
	call	rings_at
	movw	$1, CC_QENABLE(%ebp)
	movb	$0xf, CC_STATUS(%ebp)
	movl	$0, BLK_REQ			/* VIRTIO_BLK_T_IN, sector 0 */
	movl	$0, BLK_REQ + 4
	movl	$0, BLK_REQ + 8
	movl	$0, BLK_REQ + 12
	movb	$0xff, BLK_STATUS
	movl	$BLK_REQ, RING_DESC + 0
	movl	$16, RING_DESC + 8
	movw	$1, RING_DESC + 12		/* NEXT */
	movw	$1, RING_DESC + 14
	movl	$BLK_DATA, RING_DESC + 16
	movl	$512, RING_DESC + 24
	movw	$3, RING_DESC + 28		/* NEXT | WRITE */
	movw	$2, RING_DESC + 30
	movl	$BLK_STATUS, RING_DESC + 32
	movl	$1, RING_DESC + 40
	movw	$2, RING_DESC + 44		/* WRITE */
	call	post0
	mov	$VBLK, %esi
	call	kick0
	mov	$1, %ecx
	call	wait_used
	cmpb	$0, BLK_STATUS
	jne	pfail
	call	dev_reset
	mov	VRNG + D_COMMON, %ebp
	call	dev_reset
	mov	$p_other, %esi
	call	puts
	mov	$p_done, %esi
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

#if GUEST_ACTION == ACT_HOSTILE_PCI
/* pfail: exit with 80 + the stage in %edi. */
pfail:
	mov	$p_fail, %esi
	call	puts
	mov	%edi, %eax
	add	$80, %al
	outb	%al, $0xf4
1:	hlt
	jmp	1b

/* cfg_rd: the dword at 0xCF8 address %eax, in %eax. */
cfg_rd:
	mov	$0xcf8, %dx
	outl	%eax, %dx
	mov	$0xcfc, %dx
	inl	%dx, %eax
	ret

/* cfg_wr: write %ecx to 0xCF8 address %eax. */
cfg_wr:
	mov	$0xcf8, %dx
	outl	%eax, %dx
	mov	$0xcfc, %dx
	mov	%ecx, %eax
	outl	%eax, %dx
	ret

/*
 * parse_dev: learn the function whose ECAM base is %ebx into the block
 * at %esi, as a driver would: size BAR0 (decoding off meanwhile), then
 * walk the capability list (bounded: a loop must not hang us) for the
 * virtio structures and MSI-X. Everything must sit in BAR0.
 */
parse_dev:
	mov	0x10(%ebx), %ecx
	and	$0xfffffff0, %ecx
	mov	%ecx, D_BAR(%esi)
	movzwl	4(%ebx), %eax
	push	%eax
	movw	$0, 4(%ebx)
	movl	$0xffffffff, 0x10(%ebx)
	mov	0x10(%ebx), %eax
	mov	%ecx, 0x10(%ebx)
	pop	%edx
	movw	%dx, 4(%ebx)
	test	$0xf, %al			/* 32-bit memory, not prefetchable */
	jnz	pfail
	neg	%eax
	mov	%eax, D_SIZE(%esi)
	cmp	$0x1000, %eax
	jb	pfail
	lea	-1(%eax), %edx
	test	%eax, %edx			/* a power of two ... */
	jnz	pfail
	test	%ecx, %edx			/* ... and the BAR aligned to it */
	jnz	pfail
	cmp	$PCI_WIN, %ecx			/* inside the BAR window */
	jb	pfail
	add	%ecx, %eax
	cmp	$PCI_WIN_END, %eax
	ja	pfail
	movzbl	0x34(%ebx), %ecx
	mov	$48, %edx
1:	and	$0xfc, %ecx
	jz	5f
	movzbl	(%ebx,%ecx), %eax
	cmp	$0x11, %al			/* MSI-X */
	jne	2f
	mov	%ecx, D_MSIX(%esi)
	mov	4(%ebx,%ecx), %eax
	test	$7, %al
	jnz	pfail
	add	D_BAR(%esi), %eax
	mov	%eax, D_TABLE(%esi)
	mov	8(%ebx,%ecx), %eax
	test	$7, %al
	jnz	pfail
	add	D_BAR(%esi), %eax
	mov	%eax, D_PBA(%esi)
	movzwl	2(%ebx,%ecx), %eax
	and	$0x7ff, %eax
	inc	%eax
	mov	%eax, D_NVEC(%esi)
	jmp	4f
2:	cmp	$0x09, %al			/* vendor: virtio */
	jne	4f
	movzbl	3(%ebx,%ecx), %eax		/* cfg_type */
	cmp	$5, %eax			/* PCI_CFG */
	jne	3f
	mov	%ecx, D_PCICFG(%esi)
	jmp	4f
3:	dec	%eax
	cmp	$3, %eax			/* common, notify, ISR, device */
	ja	4f
	cmpb	$0, 4(%ebx,%ecx)
	jne	pfail
	push	%ebp
	mov	8(%ebx,%ecx), %ebp
	add	D_BAR(%esi), %ebp
	mov	%ebp, D_COMMON(%esi,%eax,4)
	pop	%ebp
	cmp	$1, %eax
	jne	4f
	mov	16(%ebx,%ecx), %eax
	mov	%eax, D_MULT(%esi)
4:	movzbl	1(%ebx,%ecx), %ecx
	dec	%edx
	jnz	1b
5:	cmpl	$0, D_COMMON(%esi)
	je	pfail
	cmpl	$0, D_NOTIFY(%esi)
	je	pfail
	cmpl	$0, D_DEVCFG(%esi)
	je	pfail
	cmpl	$0, D_TABLE(%esi)
	je	pfail
	ret

/* dev_reset: status 0 for the device at %ebp; it must read back 0. */
dev_reset:
	movb	$0, CC_STATUS(%ebp)
	cmpb	$0, CC_STATUS(%ebp)
	jne	pfail
	ret

/* negotiate: reset, ACK, DRIVER, VERSION_1 only, FEATURES_OK; queue 0. */
negotiate:
	call	dev_reset
	movb	$1, CC_STATUS(%ebp)
	movb	$3, CC_STATUS(%ebp)
	movl	$1, CC_GFSEL(%ebp)
	movl	$1, CC_GF(%ebp)			/* bit 32: VERSION_1 */
	movl	$0, CC_GFSEL(%ebp)
	movl	$0, CC_GF(%ebp)
	movb	$0xb, CC_STATUS(%ebp)
	testb	$8, CC_STATUS(%ebp)
	jz	pfail
	movw	$0, CC_QSEL(%ebp)
	ret

/* rings_at: queue 0 of %ebp, size 8: desc %ebx, avail +4 KiB, used +8 KiB. */
rings_at:
	movw	$0, CC_QSEL(%ebp)
	movw	$8, CC_QSIZE(%ebp)
	mov	%ebx, CC_QDESC(%ebp)
	movl	$0, CC_QDESC + 4(%ebp)
	lea	0x1000(%ebx), %eax
	mov	%eax, CC_QAVAIL(%ebp)
	movl	$0, CC_QAVAIL + 4(%ebp)
	lea	0x2000(%ebx), %eax
	mov	%eax, CC_QUSED(%ebp)
	movl	$0, CC_QUSED + 4(%ebp)
	ret

/* zero_rings: clear the three ring pages at %ebx. */
zero_rings:
	push	%edi
	mov	%ebx, %edi
	mov	$0xc00, %ecx
	xor	%eax, %eax
	rep stosl
	pop	%edi
	ret

/* post0: offer descriptor 0 once more on the rings at %ebx (size 8). */
post0:
	movzwl	0x1002(%ebx), %eax
	mov	%eax, %ecx
	and	$7, %ecx
	movw	$0, 0x1004(%ebx,%ecx,2)
	inc	%eax
	movw	%ax, 0x1002(%ebx)
	ret

/* kick0: notify queue 0 of the device at %ebp, whose block is %esi. */
kick0:
	movw	$0, CC_QSEL(%ebp)
	movzwl	CC_QNOFF(%ebp), %eax
	imul	D_MULT(%esi), %eax
	add	D_NOTIFY(%esi), %eax
	movw	$0, (%eax)
	ret

/* wait_used: the used index of the rings at %ebx must reach %cx. */
wait_used:
	mov	$50000000, %edx
1:	cmpw	%cx, 0x2002(%ebx)
	je	2f
	pause
	dec	%edx
	jnz	1b
	jmp	pfail
2:	ret

/* wait_nr: the device at %ebp must report NEEDS_RESET; say so, reset. */
wait_nr:
	call	wait_status_nr
	jmp	say_nr

wait_status_nr:
	mov	$200000, %ecx			/* each read is an exit: seconds */
1:	testb	$0x40, CC_STATUS(%ebp)
	jnz	2f
	loop	1b
	jmp	pfail
2:	ret

say_nr:
	mov	$p_nr, %esi
	call	puts
	mov	%edi, %eax
	add	$'0', %al
	call	putc
	mov	$'\n', %al
	call	putc
	jmp	dev_reset
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
#if GUEST_ACTION == ACT_HOSTILE_PCI
p_cfg:	.asciz	"hostile-pci: config space past the end, absent functions, read-only fields and BAR moves held\n"
p_msix:	.asciz	"hostile-pci: MSI-X table, PBA and vectors out of range ignored\n"
p_common: .asciz "hostile-pci: common config, notify and device config out of range ignored\n"
p_status: .asciz "hostile-pci: features and status out of order refused\n"
p_nr:	.asciz	"hostile-pci: NEEDS_RESET and a clean reset after stage "
p_other: .asciz	"hostile-pci: rng and blk still answer\n"
p_done:	.asciz	"hostile-pci: all stages held\n"
p_fail:	.asciz	"hostile-pci: FAILED\n"
	.balign	4
/* 0xCF8 addresses where nobody is home; 0 ends the list. */
p_absent:
	.long	CF8(0, PBLK, 1, 0), CF8(0, PBLK, 7, 0), CF8(0, 31, 0, 0)
	.long	CF8(1, 0, 0, 0), CF8(255, PBLK, 0, 0)
	.long	CF8(0, PBLK, 0, 0) & 0x7fffffff	/* enable bit clear */
	.long	0
#endif
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
