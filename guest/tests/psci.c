/*
 * psci: CPU power management through PSCI (Arm DEN 0022).
 *   - VERSION is at least 0.2; AFFINITY_INFO of every secondary CPU is OFF at boot;
 *   - CPU_ON starts each secondary CPU at the entry point with the context id in
 *     x0 and the right MPIDR; a second CPU_ON while it runs gives ALREADY_ON (or
 *     ON_PENDING); AFFINITY_INFO says ON while it runs and OFF after its CPU_OFF;
 *     a CPU that turned itself off can be turned on again;
 *   - CPU_ON and AFFINITY_INFO of an MPIDR no CPU has give INVALID_PARAMETERS;
 *     CPU_ON of the calling CPU gives ALREADY_ON;
 *   - with the argument "race": several CPUs racing to CPU_ON the same CPU
 *     (which stays on until all of them have their answer): exactly one
 *     succeeds, the others get ALREADY_ON or ON_PENDING (needs 3 CPUs or more);
 *     and a CPU_ON right after a successful one, before the CPU can have
 *     started, gives ALREADY_ON or ON_PENDING. QEMU 7.2 does not track the
 *     pending state: it sometimes answers SUCCESS to both (see unittests.cfg).
 */
#include "libguest.h"
#include "spinlock.h"

#define RACE_ROUNDS 10
#define SPIN_LIMIT 100000000UL

static bool race;
static volatile uint64_t seen_mpidr[MAX_CPUS];
static volatile uint32_t running[MAX_CPUS], release[MAX_CPUS];

static bool wait_off(int cpu)
{
	for (unsigned long i = 0; i < SPIN_LIMIT; i++) {
		if (cpu_affinity_info(cpu) == PSCI_AFFINITY_OFF)
			return true;
		cpu_relax();
	}
	return false;
}

static bool wait_flag(volatile uint32_t *flag)
{
	for (unsigned long i = 0; i < SPIN_LIMIT && !*flag; i++)
		cpu_relax();
	return *flag != 0;
}

/* Runs on the started CPU: says hello, waits to be released, returns (the runtime then calls CPU_OFF). */
static void hello(void *arg)
{
	int cpu = (int)(uintptr_t)arg;
	seen_mpidr[cpu] = read_sysreg(mpidr_el1) & 0xff00ffffffUL;
	dsb(ish);
	running[cpu] = 1;
	while (!release[cpu])
		cpu_relax();
}

static const char *psci_name(int r)
{
	switch (r) {
	case PSCI_SUCCESS:            return "SUCCESS";
	case PSCI_NOT_SUPPORTED:      return "NOT_SUPPORTED";
	case PSCI_INVALID_PARAMETERS: return "INVALID_PARAMETERS";
	case PSCI_DENIED:             return "DENIED";
	case PSCI_ALREADY_ON:         return "ALREADY_ON";
	case PSCI_ON_PENDING:         return "ON_PENDING";
	case PSCI_INTERNAL_FAILURE:   return "INTERNAL_FAILURE";
	default:                      return "?";
	}
}

static void check_on_off(int cpu, int pass)
{
	report_prefix_pushf("cpu%d", cpu);
	if (pass == 0)
		report(cpu_affinity_info(cpu) == PSCI_AFFINITY_OFF, "AFFINITY_INFO is OFF at boot");
	running[cpu] = release[cpu] = 0;
	seen_mpidr[cpu] = ~0UL;
	int r = cpu_on(cpu, hello, (void *)(uintptr_t)cpu);
	report(r == PSCI_SUCCESS, "CPU_ON%s: %s", pass ? " again after CPU_OFF" : "", psci_name(r));
	if (r != PSCI_SUCCESS) {
		report_prefix_pop();
		return;
	}
	if (race) {
		r = cpu_on(cpu, hello, (void *)(uintptr_t)cpu);
		report(r == PSCI_ALREADY_ON || r == PSCI_ON_PENDING, "immediate second CPU_ON: %s", psci_name(r));
	}
	bool up = wait_flag(&running[cpu]);
	report(up && seen_mpidr[cpu] == cpu_mpidr[cpu], "runs with MPIDR 0x%lx (DTB: 0x%lx)",
	       (unsigned long)seen_mpidr[cpu], (unsigned long)cpu_mpidr[cpu]);
	int a = cpu_affinity_info(cpu);
	report(a == PSCI_AFFINITY_ON, "AFFINITY_INFO is ON while it runs: %d", a);
	r = cpu_on(cpu, hello, (void *)(uintptr_t)cpu);
	report(r == PSCI_ALREADY_ON, "CPU_ON of a running CPU: %s", psci_name(r));
	release[cpu] = 1;
	report(wait_off(cpu), "AFFINITY_INFO is OFF after its CPU_OFF");
	report_prefix_pop();
}

static void check_invalid(void)
{
	report_prefix_push("invalid");
	uint64_t nobody = 0xfe00;      /* Aff1 254: no CPU of the virt board */
	int r = psci_cpu_on(nobody, (uintptr_t)secondary_entry, 0);
	report(r == PSCI_INVALID_PARAMETERS, "CPU_ON of MPIDR 0x%lx: %s", (unsigned long)nobody, psci_name(r));
	r = psci_affinity_info(nobody);
	report(r == PSCI_INVALID_PARAMETERS, "AFFINITY_INFO of MPIDR 0x%lx: %s", (unsigned long)nobody,
	       psci_name(r));
	r = psci_cpu_on(cpu_mpidr[0], (uintptr_t)secondary_entry, 0);
	report(r == PSCI_ALREADY_ON, "CPU_ON of the calling CPU: %s", psci_name(r));
	r = psci_affinity_info(cpu_mpidr[0]);
	report(r == PSCI_AFFINITY_ON, "AFFINITY_INFO of the calling CPU: %d", r);
	report_prefix_pop();
}

/* The race: CPUs 0..nr_cpus-2 all CPU_ON the last CPU at once. */
static volatile uint32_t go_round, arrived;
static volatile int race_result[RACE_ROUNDS][MAX_CPUS];
static volatile uint32_t target_started[RACE_ROUNDS];
static volatile uint32_t target_round;

/* The target stays on until every racer has its answer, so that a late CPU_ON cannot succeed again. */
static void target_fn(void *arg)
{
	(void)arg;
	uint32_t round = target_round;
	atomic_add_return(&target_started[round], 1);
	for (int c = 0; c < nr_cpus - 1; c++)
		while (race_result[round][c] == 1)
			cpu_relax();
}

static void race_once(int cpu, uint32_t round)
{
	int target = nr_cpus - 1;
	atomic_add_return(&arrived, 1);
	while (arrived < (round + 1) * (uint32_t)(nr_cpus - 1))
		cpu_relax();
	race_result[round][cpu] = cpu_on(target, target_fn, NULL);
}

static void racer(void *arg)
{
	int cpu = (int)(uintptr_t)arg;
	for (uint32_t round = 0; round < RACE_ROUNDS; round++) {
		while (go_round <= round)
			cpu_relax();
		race_once(cpu, round);
	}
}

static void check_race(void)
{
	report_prefix_push("race");
	if (nr_cpus < 3) {
		report_skip("CPU_ON race needs at least 3 CPUs, have %d", nr_cpus);
		report_prefix_pop();
		return;
	}
	int target = nr_cpus - 1, racers = nr_cpus - 1;
	for (int c = 1; c < racers; c++)
		if (cpu_on(c, racer, (void *)(uintptr_t)c) != PSCI_SUCCESS)
			report_abort("CPU_ON of racer CPU%d failed", c);
	int bad_rounds = 0, unstarted = 0;
	for (uint32_t round = 0; round < RACE_ROUNDS; round++) {
		target_round = round;
		dsb(ish);
		go_round = round + 1;
		race_once(0, round);
		/* Wait for every racer to arrive, then for the target to run and turn itself off. */
		while (arrived < (round + 1) * (uint32_t)racers)
			cpu_relax();
		wait_flag(&target_started[round]);
		if (!wait_off(target))
			report_abort("CPU%d did not turn off after the race", target);
		int ok = 0, other = 0;
		for (int c = 0; c < racers; c++) {
			int r = race_result[round][c];
			if (r == PSCI_SUCCESS)
				ok++;
			else if (r == PSCI_ALREADY_ON || r == PSCI_ON_PENDING)
				other++;
		}
		if (ok != 1 || other != racers - 1) {
			if (bad_rounds++ < 3)
				for (int c = 0; c < racers; c++)
					report_info("round %u: CPU%d got %s", round, c, psci_name(race_result[round][c]));
		}
		if (target_started[round] != 1)
			unstarted++;
	}
	report(bad_rounds == 0, "%d rounds, %d CPUs racing: exactly one SUCCESS, the rest ALREADY_ON/ON_PENDING",
	       RACE_ROUNDS, racers);
	report(unstarted == 0, "the target CPU ran its entry exactly once per round");
	for (int c = 1; c < racers; c++)
		wait_off(c);
	report_prefix_pop();
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "race") == 0)
			race = true;
		else
			report_abort("unknown argument '%s' (known: race)", argv[i]);
	}
	uint32_t v = psci_version();
	report(v >= 0x2, "PSCI_VERSION %u.%u is at least 0.2", v >> 16, v & 0xffff);
	check_invalid();
	for (int pass = 0; pass < 2; pass++)
		for (int cpu = 1; cpu < nr_cpus; cpu++)
			check_on_off(cpu, pass);
	/* Racer results start at 1, a value PSCI never returns, so unfinished calls are visible. */
	for (int r = 0; r < RACE_ROUNDS; r++)
		for (int c = 0; c < MAX_CPUS; c++)
			race_result[r][c] = 1;
	dsb(ish);
	if (race)
		check_race();
	return report_summary();
}
