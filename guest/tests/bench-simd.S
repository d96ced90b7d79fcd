/*
 * AdvSIMD kernels for bench.c's `simd` kernel, written in assembly so that the
 * instructions measured are the ones named here whatever the compiler does
 * (the guest runtime is built with -mgeneral-regs-only).
 *
 * All lengths are multiples of 64 bytes and non-zero; buffers are 16-byte aligned.
 */

	.text

/* void simd_copy(void *dst, const void *src, size_t bytes): LDP/STP of Q registers. */
	.global	simd_copy
	.type	simd_copy, %function
simd_copy:
1:	ldp	q0, q1, [x1], #32
	ldp	q2, q3, [x1], #32
	stp	q0, q1, [x0], #32
	stp	q2, q3, [x0], #32
	subs	x2, x2, #64
	b.ne	1b
	ret
	.size	simd_copy, . - simd_copy

/* void simd_fill(void *dst, int byte, size_t bytes): DUP then STP of Q registers. */
	.global	simd_fill
	.type	simd_fill, %function
simd_fill:
	dup	v0.16b, w1
1:	stp	q0, q0, [x0], #32
	stp	q0, q0, [x0], #32
	subs	x2, x2, #64
	b.ne	1b
	ret
	.size	simd_fill, . - simd_fill

/*
 * uint32_t simd_sum(const void *src, size_t bytes): the sum modulo 2^32 of the
 * buffer's 32-bit words plus the sum of its bytes, in four vector accumulators:
 * ADD .4s for the words, UADDLP/UADALP widening pairwise adds for the bytes,
 * reduced with ADDV at the end.
 */
	.global	simd_sum
	.type	simd_sum, %function
simd_sum:
	movi	v4.4s, #0
	movi	v5.4s, #0
	movi	v6.4s, #0
	movi	v7.4s, #0
1:	ldp	q0, q1, [x0], #32
	ldp	q2, q3, [x0], #32
	add	v4.4s, v4.4s, v0.4s
	add	v5.4s, v5.4s, v1.4s
	add	v4.4s, v4.4s, v2.4s
	add	v5.4s, v5.4s, v3.4s
	uaddlp	v16.8h, v0.16b
	uadalp	v16.8h, v1.16b
	uaddlp	v17.8h, v2.16b
	uadalp	v17.8h, v3.16b
	uadalp	v6.4s, v16.8h
	uadalp	v7.4s, v17.8h
	subs	x1, x1, #64
	b.ne	1b
	add	v4.4s, v4.4s, v5.4s
	add	v6.4s, v6.4s, v7.4s
	add	v4.4s, v4.4s, v6.4s
	addv	s0, v4.4s
	fmov	w0, s0
	ret
	.size	simd_sum, . - simd_sum

	.section .note.GNU-stack, "", %progbits
