/*
 * tcg-test: stresses a translator's block chaining, indirect-jump lookup and
 * code invalidation from every vCPU at once.
 *
 *   tcg-test SHAPE [smc] [irq] [check_irq] [rounds=N] [mod=N] [steps=N]
 *
 * SHAPE is tight, computed or paged (see tcg-test-asm.S). Every CPU runs the
 * shape `rounds` times, `steps` block visits each, with its own pseudo-random
 * branch pattern, and checks each run's path checksum against a C model of the
 * same state machine. Every `mod` rounds (staggered by CPU number) a CPU
 *   smc: rewrites all the shapes' code with its own contents, followed by the
 *        cache maintenance that makes the "new" code visible (DC CVAU, IC IVAU,
 *        DSB, ISB), so translated blocks must be invalidated;
 *   irq: sends an IPI to every other CPU.
 * With smc, CPU 0 first also checks that code really changed is run in its new
 * version: it patches the immediate of a small function 200 times, calling
 * each version often enough to be translated.
 * IPIs are counted: a sender waits until its previous IPI to a CPU has been
 * taken before sending it another one (so none merge in the GIC), and with
 * check_irq the test checks that every CPU received exactly what was sent.
 */
#include "libguest.h"
#include "gic.h"
#include "mmu.h"
#include "spinlock.h"

typedef uint64_t (*shape_fn)(uint64_t steps, uint32_t pattern);
extern uint64_t tight_shape(uint64_t, uint32_t);
extern uint64_t computed_shape(uint64_t, uint32_t);
extern uint64_t paged_shape(uint64_t, uint32_t);
extern uint32_t tcg_code_start[], tcg_code_end[];

static const struct {
	const char *name;
	shape_fn fn;
} shapes[] = {
	{ "tight", tight_shape },
	{ "computed", computed_shape },
	{ "paged", paged_shape },
};

static shape_fn shape;
static unsigned long rounds = 25, mod = 5, steps = 100000;
static bool smc, irq, check_irq;

static uint32_t pattern[MAX_CPUS];
static uint64_t expected[MAX_CPUS];
static volatile uint32_t errors[MAX_CPUS];
static volatile uint32_t sent[MAX_CPUS], received[MAX_CPUS];
/* in_flight[src][dst]: src's IPI to dst not taken yet. */
static volatile uint32_t in_flight[MAX_CPUS][MAX_CPUS];
static volatile uint32_t ready, finished;

/* The C model of the shapes' state machine (tcg-test-asm.S). */
static uint64_t model(uint64_t n, uint32_t p)
{
	static const int next[3][2] = { { 2, 1 }, { 0, 2 }, { 1, 0 } };   /* [block][bit] */
	uint64_t sum = 0;
	int block = 0;
	while (n--) {
		sum = sum * 33 + (uint64_t)(block + 1);
		p = (p >> 1) | (p << 31);
		block = next[block][p & 1];
	}
	return sum;
}

static uint32_t xorshift32(uint32_t *s)
{
	uint32_t x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

static void ipi_handler(struct ex_regs *regs, uint32_t iar)
{
	(void)regs;
	int cpu = smp_processor_id();
	unsigned int src = gic_iar_irqnr(iar);   /* the SGI number is the sender */
	received[cpu]++;
	in_flight[src][cpu] = 0;
	dmb(ish);
}

static void rewrite_code(void)
{
	volatile uint32_t *p = tcg_code_start;
	while (p < tcg_code_end) {
		uint32_t insn = *p;
		*p++ = insn;
	}
	sync_icache((uintptr_t)tcg_code_start, (uintptr_t)tcg_code_end);
}

/* A function rewritten at run time: MOVZ W0, #imm; RET. */
static uint32_t patched_fn[2] __attribute__((aligned(64)));

static void check_patched_code(void)
{
	unsigned int wrong = 0;
	uint32_t (*fn)(void) = (uint32_t (*)(void))(uintptr_t)patched_fn;
	for (uint32_t version = 1; version <= 200; version++) {
		patched_fn[0] = 0x52800000u | (version << 5);
		patched_fn[1] = 0xd65f03c0u;
		sync_icache((uintptr_t)patched_fn, (uintptr_t)(patched_fn + 2));
		for (int call = 0; call < 50; call++)
			if (fn() != version)
				wrong++;
	}
	report(wrong == 0, "a function patched 200 times runs its new version (%u stale calls)", wrong);
}

static void send_ipis(int cpu)
{
	for (int dst = 0; dst < nr_cpus; dst++) {
		if (dst == cpu)
			continue;
		while (in_flight[cpu][dst])
			cpu_relax();
		in_flight[cpu][dst] = 1;
		sent[cpu]++;
		gic_send_sgi(dst, (unsigned int)cpu);
	}
}

static void wait_all(volatile uint32_t *counter)
{
	while (atomic_read(counter) < (uint32_t)nr_cpus)
		cpu_relax();
}

static void run(void *arg)
{
	int cpu = (int)(uintptr_t)arg;
	mmu_enable_identity();
	if (irq) {
		gic_cpu_init();
		local_irq_enable();
	}
	atomic_add_return(&ready, 1);
	wait_all(&ready);

	for (unsigned long i = 0; i < rounds; i++) {
		if (shape(steps, pattern[cpu]) != expected[cpu])
			errors[cpu]++;
		if ((i + (unsigned long)cpu) % mod == 0) {
			if (smc)
				rewrite_code();
			if (irq)
				send_ipis(cpu);
		}
	}
	/* Stay interruptible until everyone is done, so no IPI is left pending at CPU_OFF. */
	atomic_add_return(&finished, 1);
	wait_all(&finished);
	if (irq) {
		for (int dst = 0; dst < nr_cpus; dst++)
			while (in_flight[cpu][dst])
				cpu_relax();
	}
	atomic_add_return(&finished, 1);   /* counts to 2 * nr_cpus once every IPI is taken */
	while (atomic_read(&finished) < 2u * (uint32_t)nr_cpus)
		cpu_relax();
	local_irq_disable();
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool known = false;
		for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
			if (strcmp(a, shapes[s].name) == 0) {
				shape = shapes[s].fn;
				report_prefix_push(a);
				known = true;
			}
		if (strcmp(a, "smc") == 0 || strcmp(a, "irq") == 0) {
			*(a[0] == 's' ? &smc : &irq) = true;
			report_prefix_push(a);
		} else if (strcmp(a, "check_irq") == 0) {
			check_irq = true;
		} else if (strncmp(a, "rounds=", 7) == 0) {
			rounds = strtoul(a + 7, NULL, 0);
		} else if (strncmp(a, "mod=", 4) == 0) {
			mod = strtoul(a + 4, NULL, 0);
		} else if (strncmp(a, "steps=", 6) == 0) {
			steps = strtoul(a + 6, NULL, 0);
		} else if (!known) {
			report_abort("unknown argument '%s' (tight|computed|paged [smc] [irq] [check_irq] "
				     "[rounds=N] [mod=N] [steps=N])", a);
		}
	}
	if (!shape)
		report_abort("no shape given: tight, computed or paged");
	if (mod == 0)
		mod = 1;
	if (irq && gic_init() != 0)
		report_abort("no GIC found in the device tree");

	uint32_t seed = 0x7c6e5a1d;
	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		pattern[cpu] = xorshift32(&seed);
		expected[cpu] = model(steps, pattern[cpu]);
		report_info("CPU%d: pattern 0x%08x", cpu, pattern[cpu]);
	}
	if (smc) {
		mmu_enable_identity();
		check_patched_code();
	}
	if (irq)
		for (int cpu = 0; cpu < nr_cpus; cpu++)
			install_irq_handler((unsigned int)cpu, ipi_handler);

	for (int cpu = 1; cpu < nr_cpus; cpu++) {
		int r = cpu_on(cpu, run, (void *)(uintptr_t)cpu);
		if (r != PSCI_SUCCESS)
			report_abort("CPU_ON of CPU%d failed: %d", cpu, r);
	}
	run((void *)0);

	uint32_t total_err = 0, total_sent = 0, total_recv = 0;
	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		total_err += errors[cpu];
		total_sent += sent[cpu];
		total_recv += received[cpu];
		if (irq)
			report_info("CPU%d: %u IPIs sent, %u received, %u spurious", cpu, sent[cpu],
				    received[cpu], gic_spurious[cpu]);
	}
	report(total_err == 0, "%d CPUs x %lu rounds x %lu steps: %u wrong path checksums", nr_cpus, rounds,
	       steps, total_err);
	if (check_irq)
		report(total_sent == total_recv && (total_sent > 0 || nr_cpus == 1),
		       "%u IPIs sent, %u received", total_sent, total_recv);
	return report_summary();
}
