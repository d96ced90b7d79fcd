/*
 * Spinlocks for the guest runtime. spin_lock uses load-acquire/store-release
 * exclusives (LDAXR/STXR), which works on every AArch64 CPU; the lock word is
 * 0 when free. Exclusives need Normal memory architecturally: tests that
 * contend heavily call mmu_enable_identity() first (QEMU and Armature also
 * honour them with the MMU off).
 */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include <stdint.h>

struct spinlock {
	volatile uint32_t v;
};

static inline void spin_lock(struct spinlock *lock)
{
	uint32_t tmp, fail;
	__asm__ volatile(
		"1:	ldaxr	%w0, [%2]\n"
		"	cbnz	%w0, 1b\n"
		"	mov	%w0, #1\n"
		"	stxr	%w1, %w0, [%2]\n"
		"	cbnz	%w1, 1b\n"
		: "=&r"(tmp), "=&r"(fail)
		: "r"(&lock->v)
		: "memory");
}

static inline void spin_unlock(struct spinlock *lock)
{
	__asm__ volatile("stlr wzr, [%0]" : : "r"(&lock->v) : "memory");
}

/* Atomic add on a 32-bit word with exclusives; returns the new value. */
static inline uint32_t atomic_add_return(volatile uint32_t *p, uint32_t n)
{
	uint32_t v, fail;
	__asm__ volatile(
		"1:	ldaxr	%w0, [%2]\n"
		"	add	%w0, %w0, %w3\n"
		"	stlxr	%w1, %w0, [%2]\n"
		"	cbnz	%w1, 1b\n"
		: "=&r"(v), "=&r"(fail)
		: "r"(p), "r"(n)
		: "memory");
	return v;
}

static inline uint32_t atomic_read(volatile uint32_t *p)
{
	return *p;
}

#endif
