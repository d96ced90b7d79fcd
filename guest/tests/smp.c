/*
 * smp: shared-memory synchronisation between vCPUs (MMU and caches on, so the
 * data is Normal memory, as exclusives and atomics need).
 *   - lock-excl: a spinlock on LDAXR/STLXR; every CPU increments a plain shared
 *     counter under it `iters` times; the final count must be exact;
 *   - lock-cas:  the same with a lock taken by LSE CASA (Armv8.1); skipped when
 *     ID_AA64ISAR0_EL1.Atomic says the CPU has no LSE (cortex-a57; use -cpu max);
 *   - mp: message passing with barriers: a writer stores data = i, DMB ISHST,
 *     flag = i for i = 1, 2, ...; a reader loads flag, DMB ISHLD, then data;
 *     data older than flag is forbidden. Pairs of CPUs (0 reads 1, 2 reads 3...);
 *     the reader stops after seeing the flag change N times.
 *
 *   smp [iters=N] [mp=N]
 */
#include "libguest.h"
#include "mmu.h"
#include "spinlock.h"

static unsigned long iters = 10000, mp_changes = 10000;

/* Each shared variable on its own 64-byte line. */
struct line {
	volatile uint32_t v;
	uint32_t pad[15];
} __attribute__((aligned(64)));

static struct line lock, counter, flag[MAX_CPUS / 2], data[MAX_CPUS / 2];
static volatile uint32_t forbidden[MAX_CPUS / 2], seen_flag[MAX_CPUS / 2];
static volatile uint32_t arrived, phase_done;
static bool have_lse;

static void excl_lock(volatile uint32_t *l)
{
	uint32_t tmp, fail;
	__asm__ volatile(
		"	sevl\n"
		"1:	wfe\n"
		"2:	ldaxr	%w0, [%2]\n"
		"	cbnz	%w0, 1b\n"
		"	stlxr	%w1, %w3, [%2]\n"
		"	cbnz	%w1, 2b\n"
		: "=&r"(tmp), "=&r"(fail)
		: "r"(l), "r"(1)
		: "memory");
}

static void cas_lock(volatile uint32_t *l)
{
	uint32_t old;
	do {
		old = 0;
		__asm__ volatile(
			".arch_extension lse\n"
			"	casa	%w0, %w2, [%1]\n"
			: "+&r"(old)
			: "r"(l), "r"(1)
			: "memory");
	} while (old != 0);
}

static void unlock(volatile uint32_t *l)
{
	__asm__ volatile("stlr wzr, [%0]" : : "r"(l) : "memory");
}

/* All CPUs meet here before and after each phase. */
static void barrier_all(uint32_t generation)
{
	atomic_add_return(&arrived, 1);
	while (arrived < generation * (uint32_t)nr_cpus)
		cpu_relax();
}

static void count_with(void (*take)(volatile uint32_t *))
{
	for (unsigned long i = 0; i < iters; i++) {
		take(&lock.v);
		counter.v = counter.v + 1;
		unlock(&lock.v);
	}
}

/*
 * The writer publishes i = 1, 2, ... until its reader has seen the flag change
 * mp_changes times (or a cap), so both run at the same time; the reader checks
 * every (flag, data) pair it loads.
 */
static volatile uint32_t reader_done[MAX_CPUS / 2], writer_last[MAX_CPUS / 2];

static void message_passing(int cpu)
{
	int pair = cpu / 2;
	if (pair * 2 + 1 >= nr_cpus)
		return;                       /* an odd CPU out has no partner */
	volatile uint32_t *f = &flag[pair].v, *d = &data[pair].v;
	if (cpu & 1) {
		uint32_t i = 0;
		while (!reader_done[pair] && i < 0x7fffffff) {
			i++;
			*d = i;
			dmb(ishst);
			*f = i;
		}
		writer_last[pair] = i;
	} else {
		uint32_t bad = 0, changes = 0, last = 0;
		for (unsigned long n = 0; changes < mp_changes && n < 100 * mp_changes + 10000000UL; n++) {
			uint32_t r1 = *f;
			dmb(ishld);
			uint32_t r2 = *d;
			if (r2 < r1)
				bad++;
			if (r1 != last)
				changes++;
			last = r1;
		}
		forbidden[pair] = bad;
		seen_flag[pair] = changes;
		reader_done[pair] = 1;
	}
}

/* Every CPU runs the phases; CPU 0 checks results between them (the other CPUs wait at the next barrier). */
static void phases(int cpu)
{
	uint32_t expect = (uint32_t)(iters * (unsigned long)nr_cpus);
	mmu_enable_identity();
	barrier_all(1);
	count_with(excl_lock);
	barrier_all(2);
	if (cpu == 0) {
		report(counter.v == expect, "lock-excl: LDAXR/STLXR lock, count %u, expected %u", counter.v, expect);
		counter.v = 0;
	}
	barrier_all(3);
	if (have_lse)
		count_with(cas_lock);
	barrier_all(4);
	if (cpu == 0) {
		if (have_lse)
			report(counter.v == expect, "lock-cas: CASA lock, count %u, expected %u", counter.v, expect);
		else
			report_skip("lock-cas: no LSE atomics (ID_AA64ISAR0_EL1.Atomic = 0; "
				    "cortex-a57 is Armv8.0, try -cpu max)");
	}
	barrier_all(5);
	message_passing(cpu);
	barrier_all(6);
	if (cpu != 0)
		mmu_disable();
}

static void worker(void *arg)
{
	phases((int)(uintptr_t)arg);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "iters=", 6) == 0)
			iters = strtoul(argv[i] + 6, NULL, 0);
		else if (strncmp(argv[i], "mp=", 3) == 0)
			mp_changes = strtoul(argv[i] + 3, NULL, 0);
		else
			report_abort("unknown argument '%s' (known: iters=N mp=N)", argv[i]);
	}
	uint64_t isar0 = read_sysreg(id_aa64isar0_el1);
	have_lse = ((isar0 >> 20) & 0xf) >= 2;
	report_info("%d CPUs, %lu increments each, %lu flag changes per pair, ID_AA64ISAR0_EL1 0x%lx", nr_cpus,
		    iters, mp_changes, (unsigned long)isar0);
	for (int c = 1; c < nr_cpus; c++)
		if (cpu_on(c, worker, (void *)(uintptr_t)c) != PSCI_SUCCESS)
			report_abort("CPU_ON of CPU%d failed", c);
	phases(0);
	if (nr_cpus < 2) {
		report_skip("mp: message passing needs 2 CPUs");
	} else {
		for (int p = 0; p * 2 + 1 < nr_cpus; p++)
			report(forbidden[p] == 0 && seen_flag[p] > 1,
			       "mp: CPU%d reads CPU%d: %u forbidden outcomes in %u flag changes (writer reached %u)",
			       2 * p, 2 * p + 1, forbidden[p], seen_flag[p], writer_last[p]);
	}
	return report_summary();
}
