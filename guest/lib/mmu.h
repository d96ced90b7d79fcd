/*
 * A simple stage 1 setup for EL1: an identity map of the first 4 GiB with
 * 4 KiB granule 1 GiB blocks, [0, 1 GiB) as Device-nGnRnE (the virt board's
 * devices) and [1 GiB, 4 GiB) as Normal write-back cacheable memory (RAM),
 * caches on. Tests that need other maps build their own tables (see mmu test).
 */
#ifndef GUEST_MMU_H
#define GUEST_MMU_H

#include <stdint.h>

#define MAIR_DEVICE_nGnRnE 0x00
#define MAIR_NORMAL_WB     0xff
#define MT_DEVICE 0            /* AttrIndx of the runtime's MAIR_EL1 */
#define MT_NORMAL 1
#define MAIR_VALUE ((uint64_t)MAIR_DEVICE_nGnRnE << (8 * MT_DEVICE) | (uint64_t)MAIR_NORMAL_WB << (8 * MT_NORMAL))

#define SCTLR_M (1UL << 0)
#define SCTLR_C (1UL << 2)
#define SCTLR_I (1UL << 12)

/* Turns the MMU and caches on with the identity map on the calling CPU (each CPU calls it). */
void mmu_enable_identity(void);
/* Turns the MMU and caches off on the calling CPU. */
void mmu_disable(void);
/* Makes instructions written to [start, end) visible to instruction fetch on every CPU (inner shareable). */
void sync_icache(uintptr_t start, uintptr_t end);

static inline void tlbi_all_is(void)
{
	__asm__ volatile("dsb ishst\n tlbi vmalle1is\n dsb ish\n isb" : : : "memory");
}

#endif
