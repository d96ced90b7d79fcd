/*
 * Code shapes for tcg-test. Each shape is a three-state machine (blocks A, B,
 * C) driven by a 32-bit pattern: every block visit consumes one step, rotates
 * the pattern right by one and picks the next block from its low bit
 *     A: bit ? B : C      B: bit ? C : A      C: bit ? A : B
 * and folds the block's id (1, 2, 3) into a path checksum
 *     sum = sum * 33 + id
 * so that any wrongly taken branch shows in the result.
 *
 *   uint64_t shape(uint64_t steps, uint32_t pattern)   returns the checksum
 *
 * x0 steps left, w1 pattern, x2 checksum, x3-x5 scratch. The shapes differ
 * only in how a block reaches the next one:
 *   tight     direct conditional and unconditional branches (chainable)
 *   computed  A through a jump table, B by jumping into a run of branches,
 *             C through a CSEL of two addresses: every exit is indirect
 *   paged     like tight, but every block on its own 4 KiB page
 * All of it lies between tcg_code_start and tcg_code_end (page aligned), the
 * range the smc modifier rewrites.
 */

/* One block's common part: count the step (leaving when done), fold the id, step the pattern. */
.macro step id, done
	subs	x0, x0, #1
	b.mi	\done
	add	x2, x2, x2, lsl #5
	add	x2, x2, #\id
	ror	w1, w1, #1
.endm

	.text
	.balign	4096
	.globl	tcg_code_start
tcg_code_start:

	.globl	tight_shape
tight_shape:
	mov	x2, xzr
tight_a:
	step	1, tight_done
	tbz	w1, #0, tight_c
	b	tight_b
tight_b:
	step	2, tight_done
	tbnz	w1, #0, tight_c
	b	tight_a
tight_c:
	step	3, tight_done
	tbz	w1, #0, tight_b
	b	tight_a
tight_done:
	mov	x0, x2
	ret

	.balign	4096
	.globl	computed_shape
computed_shape:
	mov	x2, xzr
computed_a:
	step	1, computed_done
	and	w3, w1, #1
	adr	x4, computed_table
	ldr	x4, [x4, x3, lsl #3]
	br	x4
computed_table:
	.quad	computed_c		// bit 0
	.quad	computed_b		// bit 1
computed_b:
	step	2, computed_done
	ubfiz	x3, x1, #2, #1		// 4 * bit: the offset of the right branch below
	adr	x4, 1f
	add	x4, x4, x3
	br	x4
1:	b	computed_a		// bit 0
	b	computed_c		// bit 1
computed_c:
	step	3, computed_done
	adr	x4, computed_a
	adr	x5, computed_b
	tst	w1, #1
	csel	x4, x4, x5, ne
	br	x4
computed_done:
	mov	x0, x2
	ret

	.balign	4096
	.globl	paged_shape
paged_shape:
	mov	x2, xzr
	b	paged_a
	.balign	4096
paged_a:
	step	1, paged_done
	tbz	w1, #0, paged_c
	b	paged_b
	.balign	4096
paged_b:
	step	2, paged_done
	tbnz	w1, #0, paged_c
	b	paged_a
	.balign	4096
paged_c:
	step	3, paged_done
	tbz	w1, #0, paged_b
	b	paged_a
	.balign	4096
paged_done:
	mov	x0, x2
	ret

	.balign	4096
	.globl	tcg_code_end
tcg_code_end:
