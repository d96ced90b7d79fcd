/*
 * el2's hypervisor side: the EL2 entry (PSCI CPU_ON starts CPUs at EL2 with
 * virtualization=on), the EL2 vector table, and run_guest(), which runs a
 * function at EL1h until it returns.
 *
 * Every EL2 exception saves a struct ex_regs (exceptions.h layout, with the
 * EL2 registers) on the EL2 stack and calls el2_handle(regs, vector index).
 * A zero result resumes the interrupted code with the (possibly modified)
 * frame; non-zero ends the guest run: the hypervisor context run_guest()
 * saved is restored and run_guest() returns.
 */
#define FRAME_SIZE 288
#define SPSR_EL1H_MASKED 0x3c5

	.text
	.globl	el2_entry
el2_entry:
	ldr	x1, =el2_stack + 16384
	mov	sp, x1
	ldr	x1, =el2_vectors
	msr	vbar_el2, x1
	isb
	bl	el2_main
1:	wfi
	b	1b

/* void run_guest(void (*fn)(void), uint64_t sp_el1): fn runs at EL1h, DAIF masked, until it returns. */
	.globl	run_guest
run_guest:
	ldr	x9, =hyp_context
	stp	x19, x20, [x9, #0]
	stp	x21, x22, [x9, #16]
	stp	x23, x24, [x9, #32]
	stp	x25, x26, [x9, #48]
	stp	x27, x28, [x9, #64]
	stp	x29, x30, [x9, #80]
	mov	x10, sp
	str	x10, [x9, #96]
	msr	elr_el2, x0
	msr	sp_el1, x1
	mov	x10, #SPSR_EL1H_MASKED
	msr	spsr_el2, x10
	ldr	x30, =guest_return
	mov	x29, xzr
	eret

/* At EL1: the guest function returned. HVC #0 ends the run. */
guest_return:
	hvc	#0
	b	.

	.balign	2048
el2_vectors:
	.irp	idx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\idx
	b	el2_exception
	.endr

el2_exception:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	add	x2, sp, #FRAME_SIZE
	stp	x30, x2, [sp, #240]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [sp, #256]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [sp, #272]

	mov	x0, sp
	bl	el2_handle
	cbnz	x0, end_guest

	ldp	x2, x3, [sp, #256]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME_SIZE
	eret

end_guest:
	ldr	x9, =hyp_context
	ldp	x19, x20, [x9, #0]
	ldp	x21, x22, [x9, #16]
	ldp	x23, x24, [x9, #32]
	ldp	x25, x26, [x9, #48]
	ldp	x27, x28, [x9, #64]
	ldp	x29, x30, [x9, #80]
	ldr	x10, [x9, #96]
	mov	sp, x10
	ret

	.bss
	.balign	16
hyp_context:
	.space	112
	.balign	16
el2_stack:
	.space	16384
