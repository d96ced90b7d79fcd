/* The runtime's identity map (see mmu.h) and cache maintenance helpers. */
#include "libguest.h"
#include "mmu.h"

#define BLOCK      0x1UL
#define AF         (1UL << 10)
#define SH_INNER   (3UL << 8)
#define PXN        (1UL << 53)
#define UXN        (1UL << 54)
#define ATTR(i)    ((uint64_t)(i) << 2)

static uint64_t identity_l1[512] __attribute__((aligned(4096)));

static void build_identity(void)
{
	identity_l1[0] = 0 | BLOCK | AF | ATTR(MT_DEVICE) | PXN | UXN;
	for (uint64_t i = 1; i < 4; i++)
		identity_l1[i] = (i << 30) | BLOCK | AF | SH_INNER | ATTR(MT_NORMAL);
	dsb(ishst);
}

void mmu_enable_identity(void)
{
	if (!identity_l1[1])
		build_identity();
	/* T0SZ 32 (4 GiB, lookup starts at level 1), 4 KiB granule, WB WA walks, inner shareable, TTBR1 walks off, IPS 40 bits. */
	uint64_t tcr = 32 | (1UL << 8) | (1UL << 10) | (3UL << 12) | (0UL << 14) | (1UL << 23) | (2UL << 32);
	write_sysreg(mair_el1, MAIR_VALUE);
	write_sysreg(tcr_el1, tcr);
	write_sysreg(ttbr0_el1, (uintptr_t)identity_l1);
	isb();
	__asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" : : : "memory");
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
	isb();
}

void mmu_disable(void)
{
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~(SCTLR_M | SCTLR_C | SCTLR_I));
	isb();
}

void sync_icache(uintptr_t start, uintptr_t end)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uintptr_t dline = 4UL << ((ctr >> 16) & 0xf), iline = 4UL << (ctr & 0xf);
	for (uintptr_t p = start & ~(dline - 1); p < end; p += dline)
		__asm__ volatile("dc cvau, %0" : : "r"(p) : "memory");
	dsb(ish);
	for (uintptr_t p = start & ~(iline - 1); p < end; p += iline)
		__asm__ volatile("ic ivau, %0" : : "r"(p) : "memory");
	dsb(ish);
	isb();
}
