/*
 * Image header and entry points.
 *
 * The image begins with an arm64 Linux "Image" header (Documentation/arm64/
 * booting.rst layout) so that boot loaders such as QEMU's -kernel place it at
 * RAM base + text_offset (QEMU adds 2 MiB when text_offset is 0) and pass the
 * DTB address in x0. The image is linked at that address, 0x40200000.
 */
#include "smp.h"

#define SCTLR_EL1_RES1   0x30d00800   /* RES1 bits; MMU, caches and alignment checks off */
#define HCR_EL2_RW       (1 << 31)    /* EL1 is AArch64 */
#define CPTR_EL2_RES1    0x33ff       /* TFP = 0: FP/SIMD not trapped to EL2 */
#define SPSR_EL1H_MASKED 0x3c5        /* EL1h, D A I F masked */
#define PRIMARY_STACK_SIZE 65536

	.section .text.head, "ax"
	.globl	_start
_start:
	b	primary_entry		// code0
	nop				// code1
	.quad	0			// text_offset
	.quad	_image_size		// image_size, including BSS and stacks
	.quad	0x2			// flags: little-endian, 4K pages, 2 MiB-aligned base anywhere
	.quad	0			// res2
	.quad	0			// res3
	.quad	0			// res4
	.ascii	"ARM\x64"		// magic at 0x38
	.long	0			// res5: no PE/COFF header

/*
 * If entered at EL2 (virtualization=on), configure EL2 to leave EL1 alone and
 * drop to EL1h. Leaves the entry EL in \el_reg. Clobbers x9.
 */
.macro enter_el1 el_reg
	mrs	\el_reg, CurrentEL
	lsr	\el_reg, \el_reg, #2
	cmp	\el_reg, #2
	b.ne	9f
	mov	x9, #HCR_EL2_RW
	msr	hcr_el2, x9
	mrs	x9, cnthctl_el2
	orr	x9, x9, #3		// EL1PCTEN | EL1PCEN: EL1 may use the physical counter/timer
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr
	mov	x9, #CPTR_EL2_RES1
	msr	cptr_el2, x9
	msr	hstr_el2, xzr
	msr	vttbr_el2, xzr
	mrs	x9, midr_el1
	msr	vpidr_el2, x9
	mrs	x9, mpidr_el1
	msr	vmpidr_el2, x9
	ldr	x9, =SCTLR_EL1_RES1
	msr	sctlr_el1, x9
	mov	x9, #SPSR_EL1H_MASKED
	msr	spsr_el2, x9
	adr	x9, 9f
	msr	elr_el2, x9
	eret
9:
.endm

	.text
primary_entry:
	mov	x19, x0			// DTB address from the boot loader
	enter_el1 x20

	/* Refuse to run at an address other than the link address: absolute pointers would be wrong. */
	adr	x1, _start
	ldr	x2, =_start
	cmp	x1, x2
	b.ne	wrong_load_address

	ldr	x1, =primary_stack + PRIMARY_STACK_SIZE
	mov	sp, x1
	msr	tpidr_el1, xzr		// logical CPU 0

	/* Clear BSS (16-byte aligned by the linker script). */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb

	mov	x0, x19
	mov	x1, x20
	mov	x29, xzr		// end of the frame chain for debuggers
	mov	x30, xzr
	bl	start_c
	b	.

/* Entered by PSCI CPU_ON with the logical CPU number in x0 (the context id). */
	.globl	secondary_entry
secondary_entry:
	mov	x19, x0
	enter_el1 x20
	ldr	x1, =vectors
	msr	vbar_el1, x1
	isb
	msr	tpidr_el1, x19
	ldr	x1, =secondary_stacks
	mov	x2, #SECONDARY_STACK_SIZE
	madd	x1, x19, x2, x1		// top of secondary_stacks[cpu - 1]
	mov	sp, x1
	mov	x0, x19
	mov	x29, xzr
	mov	x30, xzr
	bl	secondary_start
	b	.

/* Early message straight to QEMU virt's PL011, then power off through PSCI (HVC, then SMC). */
wrong_load_address:
	adr	x1, wrong_load_msg
	mov	x2, #0x09000000
3:	ldrb	w3, [x1], #1
	cbz	w3, 4f
	str	w3, [x2]
	b	3b
4:	ldr	x0, =0x84000008		// PSCI SYSTEM_OFF
	hvc	#0
	ldr	x0, =0x84000008
	smc	#0
	b	.

	.section .rodata
wrong_load_msg:
	.asciz	"guest: image not loaded at its link address 0x40200000; is the Image header honoured?\n"

	.bss
	.balign	16
primary_stack:
	.space	PRIMARY_STACK_SIZE
