/*
 * mmu: stage 1 translation at EL1 with each translation granule the CPU
 * implements (ID_AA64MMFR0_EL1.TGran4/16/64; the others are skipped with the
 * reason). For each granule the test builds its own tables: RAM and the
 * devices identity-mapped with level 2 blocks, test pages at high VAs with
 * level 3 pages, then
 *   - identity: with the MMU on, code runs and data reads back;
 *   - remap: a page at a non-identity VA and an alias of it reach the same PA;
 *   - permission fault: a store to a read-only page takes a data abort (EC
 *     0x25, DFSC permission fault level 3, WnR, FAR = the VA); the handler
 *     makes the page writable, invalidates its TLB entry and the store is
 *     retried and succeeds;
 *   - access flag fault: a load from a page with AF = 0 faults (DFSC access
 *     flag fault level 3); the handler sets AF and the load is retried;
 *   - translation fault: a load from an unmapped VA faults (DFSC translation
 *     fault, FAR = the VA); the handler skips the load;
 *   - code at a non-identity VA runs; after the VA is remapped to another
 *     frame (TLBI, IC IALLU) the new frame's code runs; a PXN page takes an
 *     instruction abort (EC 0x21, IFSC permission fault level 3, FAR = the VA);
 *   - ASIDs: two table sets map a non-global page (nG) at the same VA to
 *     different frames under ASIDs 1 and 2; switching TTBR0_EL1 between them
 *     without TLBI must show each set's frame; after a remap in set 1, TLBI
 *     ASIDE1IS for ASID 1 makes the new frame visible;
 *   - alignment: an unaligned load from Normal memory works with SCTLR_EL1.A
 *     clear and takes an alignment fault (DFSC 0x21, FAR) with A set; an
 *     unaligned LDXR faults whatever A says;
 *   - TLB shootdown (2 CPUs or more): CPU1 caches a translation, CPU0 points
 *     the page at another frame and broadcasts TLBI VAE1IS; CPU1 must then see
 *     the new frame.
 */
#include "libguest.h"
#include "mmu.h"
#include "spinlock.h"

#define PTE_VALID    1UL
#define PTE_TABLE    3UL           /* table (levels 0-2) or page (level 3) */
#define PTE_BLOCK    1UL
#define PTE_ATTR(i)  ((uint64_t)(i) << 2)
#define PTE_AP_RO    (2UL << 6)    /* AP[2:1] = 10: read-only at EL1 */
#define PTE_SH_INNER (3UL << 8)
#define PTE_AF       (1UL << 10)
#define PTE_PXN      (1UL << 53)
#define PTE_UXN      (1UL << 54)

#define DFSC_TRANS(l)  (0x04 + (l))
#define DFSC_ACCESS(l) (0x08 + (l))
#define DFSC_PERM(l)   (0x0c + (l))

struct granule {
	const char *name;
	unsigned int shift;       /* page size = 1 << shift */
	unsigned int va_bits;
	uint64_t tg0;             /* TCR_EL1.TG0 */
	unsigned int mmfr0_shift; /* ID_AA64MMFR0_EL1 field */
	bool (*supported)(unsigned int field);
};

static bool tgran4(unsigned int f) { return f == 0 || f == 1; }
static bool tgran16(unsigned int f) { return f == 1 || f == 2; }
static bool tgran64(unsigned int f) { return f == 0; }

static const struct granule granules[] = {
	{ "4K", 12, 39, 0, 28, tgran4 },
	{ "16K", 14, 36, 2, 20, tgran16 },
	{ "64K", 16, 42, 1, 24, tgran64 },
};

/* Test VAs: far from RAM, below 2^36 so every granule's VA range has them. */
#define VA_PAGE   0x800000000UL
#define VA_ALIAS  0x810000000UL
#define VA_RO     0x820000000UL
#define VA_NOAF   0x830000000UL
#define VA_SHOOT  0x840000000UL
#define VA_NONE   0x850000000UL
#define VA_CODE   0x860000000UL
#define VA_XN     0x870000000UL
#define VA_ASID   0x880000000UL     /* in a top-level slot of its own for every granule */
#define PTE_NG    (1UL << 11)

static const struct granule *g;
static unsigned int bpl, start_level;
static uint64_t *root;
static uint8_t pool[1 << 20] __attribute__((aligned(65536)));
static size_t pool_used;
/* Two 64 KiB frames the test pages map to (one page of any granule each). */
static volatile uint64_t frame_a[8192] __attribute__((aligned(65536)));
static volatile uint64_t frame_b[8192] __attribute__((aligned(65536)));

/* Two code frames: MOVZ W0, #1; RET and MOVZ W0, #2; RET. */
static uint32_t code_a[16384] __attribute__((aligned(65536)));
static uint32_t code_b[16384] __attribute__((aligned(65536)));

static uint64_t *alloc_table(void)
{
	size_t size = 1UL << g->shift;
	pool_used = (pool_used + size - 1) & ~(size - 1);
	if (pool_used + size > sizeof(pool))
		report_abort("page table pool exhausted");
	uint64_t *t = (uint64_t *)(pool + pool_used);
	pool_used += size;
	memset(t, 0, size);
	return t;
}

static unsigned int level_shift(unsigned int level)
{
	return g->shift + (3 - level) * bpl;
}

/* The descriptor slot for va at `level`, creating tables on the way down. */
static uint64_t *slot(uint64_t va, unsigned int level)
{
	uint64_t *t = root;
	for (unsigned int l = start_level;; l++) {
		uint64_t idx = (va >> level_shift(l)) & ((1UL << bpl) - 1);
		if (l == start_level)
			idx = (va >> level_shift(l)) & ((1UL << (g->va_bits - level_shift(l))) - 1);
		if (l == level)
			return &t[idx];
		if (!(t[idx] & PTE_VALID)) {
			uint64_t *next = alloc_table();
			t[idx] = (uintptr_t)next | PTE_TABLE;
		}
		t = (uint64_t *)(uintptr_t)(t[idx] & 0xfffffffff000UL & ~((1UL << g->shift) - 1));
	}
}

/* The level at which a walk for va finds an invalid descriptor (the translation fault's level), or -1. */
static int fault_level(uint64_t va)
{
	uint64_t *t = root;
	for (unsigned int l = start_level; l <= 3; l++) {
		uint64_t idx = (va >> level_shift(l)) & ((1UL << bpl) - 1);
		if (l == start_level)
			idx = (va >> level_shift(l)) & ((1UL << (g->va_bits - level_shift(l))) - 1);
		if (!(t[idx] & PTE_VALID))
			return (int)l;
		if (l == 3 || (t[idx] & 3) == PTE_BLOCK)
			return -1;
		t = (uint64_t *)(uintptr_t)(t[idx] & 0xfffffffff000UL & ~((1UL << g->shift) - 1));
	}
	return -1;
}

static void map_blocks(uint64_t base, uint64_t size, uint64_t attrs)
{
	uint64_t bs = 1UL << level_shift(2);
	for (uint64_t a = base & ~(bs - 1); a < base + size; a += bs)
		*slot(a, 2) = a | PTE_BLOCK | attrs;
}

static void map_page(uint64_t va, uint64_t pa, uint64_t attrs)
{
	*slot(va, 3) = pa | PTE_TABLE | attrs;
	dsb(ishst);
}

#define NORMAL (PTE_ATTR(MT_NORMAL) | PTE_SH_INNER | PTE_AF)
#define DEVICE (PTE_ATTR(MT_DEVICE) | PTE_AF | PTE_PXN | PTE_UXN)

static void tlbi_va(uint64_t va)
{
	__asm__ volatile("dsb ishst\n tlbi vae1is, %0\n dsb ish\n isb" : : "r"(va >> 12) : "memory");
}

static void build_tables(void)
{
	bpl = g->shift - 3;
	start_level = 3 - (g->va_bits - g->shift - 1) / bpl;
	pool_used = 0;
	root = alloc_table();
	uint64_t ram_base = 0x40000000UL;
	uint64_t ram_size = dt_memory_size(&ram_base);
	map_blocks(0x08000000UL, 0x04000000UL, DEVICE);      /* GIC, UART, RTC, virtio-mmio */
	map_blocks(ram_base, ram_size, NORMAL);
	map_page(VA_PAGE, (uintptr_t)frame_a, NORMAL | PTE_PXN | PTE_UXN);
	map_page(VA_ALIAS, (uintptr_t)frame_a, NORMAL | PTE_PXN | PTE_UXN);
	map_page(VA_RO, (uintptr_t)frame_b, NORMAL | PTE_AP_RO | PTE_PXN | PTE_UXN);
	map_page(VA_NOAF, (uintptr_t)frame_b, (NORMAL & ~PTE_AF) | PTE_PXN | PTE_UXN);
	map_page(VA_SHOOT, (uintptr_t)frame_a, NORMAL | PTE_PXN | PTE_UXN);
	map_page(VA_CODE, (uintptr_t)code_a, NORMAL | PTE_AP_RO | PTE_UXN);
	map_page(VA_XN, (uintptr_t)code_a, NORMAL | PTE_AP_RO | PTE_PXN | PTE_UXN);
	dsb(ish);
}

static void mmu_on(void)
{
	uint64_t tcr = (64 - g->va_bits) | (1UL << 8) | (1UL << 10) | (3UL << 12) | (g->tg0 << 14) |
		       (1UL << 23) | (2UL << 32);
	write_sysreg(mair_el1, MAIR_VALUE);
	write_sysreg(tcr_el1, tcr);
	write_sysreg(ttbr0_el1, (uintptr_t)root);
	isb();
	__asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" : : : "memory");
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I);
	isb();
}

/* Data abort bookkeeping. */
static volatile unsigned int aborts;
static volatile uint64_t last_esr, last_far;
enum fixup { FIX_WRITABLE, FIX_AF, FIX_SKIP };
static volatile enum fixup fixup;

static void dabt_handler(struct ex_regs *regs, unsigned int esr)
{
	aborts++;
	last_esr = esr;
	last_far = regs->far;
	switch (fixup) {
	case FIX_WRITABLE: {
		uint64_t *pte = slot(regs->far, 3);
		*pte &= ~PTE_AP_RO;
		tlbi_va(regs->far);
		break;
	}
	case FIX_AF: {
		uint64_t *pte = slot(regs->far, 3);
		*pte |= PTE_AF;
		tlbi_va(regs->far);
		break;
	}
	case FIX_SKIP:
		regs->elr += 4;
		break;
	}
}

static volatile unsigned int iaborts;
static volatile uint64_t iabt_esr, iabt_far;

/* An instruction abort on a call: return to the caller with 0xdead. */
static void iabt_handler(struct ex_regs *regs, unsigned int esr)
{
	iaborts++;
	iabt_esr = esr;
	iabt_far = regs->far;
	regs->regs[0] = 0xdead;
	regs->elr = regs->regs[30];
}

static void check_code(void)
{
	typedef uint32_t (*fn_t)(void);
	code_a[0] = 0x52800020u;   /* movz w0, #1 */
	code_a[1] = 0xd65f03c0u;   /* ret */
	code_b[0] = 0x52800040u;   /* movz w0, #2 */
	code_b[1] = 0xd65f03c0u;
	sync_icache((uintptr_t)code_a, (uintptr_t)(code_a + 2));
	sync_icache((uintptr_t)code_b, (uintptr_t)(code_b + 2));
	fn_t fn = (fn_t)VA_CODE;
	unsigned int wrong = 0;
	for (int i = 0; i < 100; i++)
		wrong += fn() != 1;
	report(wrong == 0, "code at VA 0x%lx runs (%u wrong results)", VA_CODE, wrong);
	map_page(VA_CODE, (uintptr_t)code_b, NORMAL | PTE_AP_RO | PTE_UXN);
	tlbi_va(VA_CODE);
	__asm__ volatile("ic iallu\n dsb ish\n isb" : : : "memory");
	wrong = 0;
	for (int i = 0; i < 100; i++)
		wrong += fn() != 2;
	report(wrong == 0, "after remapping it to another frame, that frame's code runs (%u stale)", wrong);

	iaborts = 0;
	uint32_t r = ((fn_t)VA_XN)();
	unsigned int ifsc = iabt_esr & 0x3f;
	report(iaborts == 1 && ESR_EC(iabt_esr) == EC_IABT_CUR && ifsc == DFSC_PERM(3) && iabt_far == VA_XN &&
	       r == 0xdead,
	       "PXN page: instruction abort, ESR 0x%lx (EC 0x%x, IFSC 0x%x), FAR 0x%lx", (unsigned long)iabt_esr,
	       ESR_EC(iabt_esr), ifsc, (unsigned long)iabt_far);
}

static uint64_t load(uint64_t va);

#define DFSC_ALIGN 0x21

static void check_fault(const char *what, unsigned int want_dfsc, bool write, uint64_t va);

static uint64_t load_unaligned(uint64_t va)
{
	uint64_t v;
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(va) : "memory");
	return v;
}

static uint64_t ldxr(uint64_t va)
{
	uint64_t v;
	__asm__ volatile("ldxr %0, [%1]\n clrex" : "=r"(v) : "r"(va) : "memory");
	return v;
}

static void check_alignment(void)
{
	frame_a[4] = 0x0807060504030201UL;
	frame_a[5] = 0x100f0e0d0c0b0a09UL;
	dsb(ish);
	uint64_t va = VA_PAGE + 4 * 8 + 3;
	uint64_t v = load_unaligned(va);
	report(v == 0x0b0a090807060504UL, "unaligned load from Normal memory with SCTLR_EL1.A clear: 0x%lx",
	       (unsigned long)v);

	fixup = FIX_SKIP;
	aborts = 0;
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | (1UL << 1));
	isb();
	load_unaligned(va);
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~(1UL << 1));
	isb();
	check_fault("SCTLR_EL1.A set: unaligned load", DFSC_ALIGN, false, va);

	aborts = 0;
	ldxr(VA_PAGE + 4 * 8 + 4);
	check_fault("unaligned LDXR", DFSC_ALIGN, false, VA_PAGE + 4 * 8 + 4);
}

static void set_ttbr0(uint64_t *table, uint64_t asid)
{
	write_sysreg(ttbr0_el1, (uintptr_t)table | asid << 48);
	isb();
}

static void check_asids(void)
{
	/* Set 2 shares set 1's global mappings (copied top level) and has its own VA_ASID subtree. */
	uint64_t *set1 = root, *set2 = alloc_table();
	memcpy(set2, set1, 1UL << g->shift);
	root = set2;
	map_page(VA_ASID, (uintptr_t)frame_b, NORMAL | PTE_NG | PTE_PXN | PTE_UXN);
	root = set1;
	map_page(VA_ASID, (uintptr_t)frame_a, NORMAL | PTE_NG | PTE_PXN | PTE_UXN);
	dsb(ish);
	uint64_t a = frame_a[0], b = frame_b[0];

	set_ttbr0(set1, 1);
	uint64_t v1 = load(VA_ASID);
	set_ttbr0(set2, 2);
	uint64_t v2 = load(VA_ASID);
	set_ttbr0(set1, 1);
	uint64_t v3 = load(VA_ASID);
	report(v1 == a && v2 == b && v3 == a, "ASID 1, 2, 1 without TLBI: 0x%lx 0x%lx 0x%lx", (unsigned long)v1,
	       (unsigned long)v2, (unsigned long)v3);

	map_page(VA_ASID, (uintptr_t)frame_b, NORMAL | PTE_NG | PTE_PXN | PTE_UXN);
	__asm__ volatile("dsb ishst\n tlbi aside1is, %0\n dsb ish\n isb" : : "r"(1UL << 48) : "memory");
	uint64_t v4 = load(VA_ASID);
	report(v4 == b, "remap under ASID 1 and TLBI ASIDE1IS: 0x%lx", (unsigned long)v4);
	set_ttbr0(set1, 0);
	__asm__ volatile("tlbi vmalle1is\n dsb ish\n isb" : : : "memory");
}

static uint64_t load(uint64_t va) { return *(volatile uint64_t *)va; }
static void store(uint64_t va, uint64_t v) { *(volatile uint64_t *)va = v; }

static void check_fault(const char *what, unsigned int want_dfsc, bool write, uint64_t va)
{
	unsigned int dfsc = last_esr & 0x3f, wnr = (last_esr >> 6) & 1;
	report(aborts == 1 && ESR_EC(last_esr) == EC_DABT_CUR && dfsc == want_dfsc && wnr == write && last_far == va,
	       "%s: one data abort, ESR 0x%lx (EC 0x%x, DFSC 0x%x, WnR %u; want DFSC 0x%x, WnR %d), FAR 0x%lx",
	       what, (unsigned long)last_esr, ESR_EC(last_esr), dfsc, wnr, want_dfsc, write,
	       (unsigned long)last_far);
}

/* TLB shootdown with CPU1. */
static volatile uint32_t shoot_step;
static volatile uint64_t shoot_before, shoot_after;

static void shoot_helper(void *arg)
{
	(void)arg;
	mmu_on();
	shoot_before = load(VA_SHOOT);     /* caches the old translation */
	dsb(ish);
	shoot_step = 1;
	while (shoot_step != 2)
		cpu_relax();
	shoot_after = load(VA_SHOOT);
	dsb(ish);
	mmu_disable();
	shoot_step = 3;
}

static void run_granule(void)
{
	report_prefix_push(g->name);
	uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	unsigned int field = (mmfr0 >> g->mmfr0_shift) & 0xf;
	if (!g->supported(field)) {
		report_skip("granule not implemented (ID_AA64MMFR0_EL1 0x%lx, TGran field %u)", (unsigned long)mmfr0,
			    field);
		report_prefix_pop();
		return;
	}
	build_tables();
	frame_a[0] = 0xaaaa0000aaaa0000UL;
	frame_b[0] = 0xbbbb0000bbbb0000UL;
	dsb(ish);
	mmu_on();
	static volatile uint64_t marker = 0x1234;
	report((read_sysreg(sctlr_el1) & SCTLR_M) && marker == 0x1234, "identity map: MMU on, code and data as before");

	report(load(VA_PAGE) == 0xaaaa0000aaaa0000UL, "VA 0x%lx reads its frame", VA_PAGE);
	store(VA_ALIAS + 8, 0x5555);
	report(load(VA_PAGE + 8) == 0x5555 && frame_a[1] == 0x5555, "a store through the alias shows at the VA and the PA");

	aborts = 0;
	fixup = FIX_WRITABLE;
	store(VA_RO + 16, 0x7777);
	check_fault("permission fault", DFSC_PERM(3), true, VA_RO + 16);
	report(frame_b[2] == 0x7777, "store retried after making the page writable");

	aborts = 0;
	fixup = FIX_AF;
	uint64_t v = load(VA_NOAF);
	check_fault("access flag fault", DFSC_ACCESS(3), false, VA_NOAF);
	report(v == 0xbbbb0000bbbb0000UL, "load retried after setting AF");

	aborts = 0;
	fixup = FIX_SKIP;
	v = load(VA_NONE + 0x40);
	char what[64];
	int level = fault_level(VA_NONE);
	snprintf(what, sizeof(what), "translation fault (level %d) on an unmapped VA", level);
	check_fault(what, DFSC_TRANS((unsigned int)level), false, VA_NONE + 0x40);

	check_code();
	check_asids();
	check_alignment();

	if (nr_cpus < 2) {
		report_skip("TLB shootdown needs 2 CPUs");
	} else {
		shoot_step = 0;
		if (cpu_on(1, shoot_helper, NULL) != PSCI_SUCCESS)
			report_abort("CPU_ON of CPU1 failed");
		while (shoot_step != 1)
			cpu_relax();
		map_page(VA_SHOOT, (uintptr_t)frame_b, NORMAL | PTE_PXN | PTE_UXN);
		tlbi_va(VA_SHOOT);
		shoot_step = 2;
		while (shoot_step != 3)
			cpu_relax();
		while (cpu_affinity_info(1) != PSCI_AFFINITY_OFF)
			cpu_relax();
		report(shoot_before == 0xaaaa0000aaaa0000UL && shoot_after == frame_b[0],
		       "CPU1 sees the remap after TLBI VAE1IS on CPU0 (before 0x%lx, after 0x%lx)",
		       (unsigned long)shoot_before, (unsigned long)shoot_after);
	}
	mmu_disable();
	__asm__ volatile("tlbi vmalle1is\n dsb ish\n isb" : : : "memory");
	report_prefix_pop();
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	install_exception_handler(EL1H_SYNC, EC_DABT_CUR, dabt_handler);
	install_exception_handler(EL1H_SYNC, EC_IABT_CUR, iabt_handler);
	for (size_t i = 0; i < sizeof(granules) / sizeof(granules[0]); i++) {
		g = &granules[i];
		run_granule();
	}
	return report_summary();
}
