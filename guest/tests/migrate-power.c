/*
 * migrate-power: vCPU power states across a migration and a reset (issue #10's
 * scenario), in kvm-unit-tests' migration protocol: the test prints "Now
 * migrate the VM, then press a key to continue..." and waits for a key on the
 * console; the runner migrates the VM to a second emulator and presses the key
 * there.
 *
 * First boot: CPUs 1-3 are powered on and count, CPU 2 powers itself off again;
 * after the migration CPUs 1 and 3 must still be on and counting, CPU 2 off and
 * still. Then PSCI SYSTEM_RESET. Second boot (told apart by a word above the
 * image that the loader does not rewrite): only CPU 0 may be on until the test
 * powers CPU 1 on, which must then run. Needs 4 vCPUs and no -no-reboot.
 */
#include "libguest.h"
#include "smp.h"

#define MAGIC 0x6d696772706f7721ULL /* "migrpow!" */

static volatile uint64_t counters[MAX_CPUS];
static volatile int stop_cpu;

struct carry {
	uint64_t magic;
	uint64_t failures;   /* failed checks of the first boot */
};

static void count(void *arg)
{
	int cpu = (int)(uintptr_t)arg;

	while (stop_cpu != cpu)
		counters[cpu]++;
	/* returning powers this CPU off (PSCI CPU_OFF) */
}

/* Polls the PL011 for one received character (FR.RXFE clear, then DR). */
static void wait_key(void)
{
	volatile uint32_t *uart = (volatile uint32_t *)console_base();

	while (uart[0x18 / 4] & (1 << 4))
		cpu_relax();
	(void)uart[0];
}

/* The counter's ticks in `ms` milliseconds (the host may be busy: waits are generous). */
static uint64_t ticks(uint64_t ms)
{
	return read_sysreg(cntfrq_el0) * ms / 1000;
}

/* True if CPU `cpu`'s counter moves within 5 s. */
static bool advances(int cpu)
{
	uint64_t before = counters[cpu], end = read_sysreg(cntvct_el0) + ticks(5000);

	while (counters[cpu] == before && read_sysreg(cntvct_el0) < end)
		cpu_relax();
	return counters[cpu] != before;
}

/* True if CPU `cpu`'s counter stays put for 100 ms. */
static bool still(int cpu)
{
	uint64_t before = counters[cpu], end = read_sysreg(cntvct_el0) + ticks(100);

	while (read_sysreg(cntvct_el0) < end)
		cpu_relax();
	return counters[cpu] == before;
}

int main(int argc, char **argv)
{
	struct carry *carry = (struct carry *)(((uintptr_t)_end + (2 << 20)) & ~((uintptr_t)(1 << 20) - 1));
	unsigned failures = 0;

	(void)argc;
	(void)argv;

	if (nr_cpus < 4)
		report_abort("needs 4 CPUs, the device tree has %d", nr_cpus);
	if (carry->magic != MAGIC) {
		report_prefix_push("before reset");
		stop_cpu = -1;
		for (int cpu = 1; cpu < 4; cpu++)
			if (cpu_on(cpu, count, (void *)(uintptr_t)cpu) != PSCI_SUCCESS)
				report_abort("CPU_ON of CPU%d failed", cpu);
		for (int cpu = 1; cpu < 4; cpu++)
			if (!advances(cpu))
				report_abort("CPU%d does not run", cpu);
		stop_cpu = 2;
		while (cpu_affinity_info(2) != PSCI_AFFINITY_OFF)
			cpu_relax();
		report_info("CPUs 1 and 3 on, CPU 2 off again");

		printf("Now migrate the VM, then press a key to continue...\n");
		wait_key();

		bool on = cpu_affinity_info(1) == PSCI_AFFINITY_ON && cpu_affinity_info(3) == PSCI_AFFINITY_ON;
		failures += !on;
		report(on, "CPUs 1 and 3 are on after the migration");
		bool off = cpu_affinity_info(2) == PSCI_AFFINITY_OFF;
		failures += !off;
		report(off, "CPU 2 is off after the migration");
		bool run = advances(1) && advances(3);
		failures += !run;
		report(run, "CPUs 1 and 3 keep counting");
		bool stays = still(2);
		failures += !stays;
		report(stays, "CPU 2 does not run");

		carry->magic = MAGIC;
		carry->failures = failures;
		dsb(sy);
		report_info("SYSTEM_RESET");
		psci_system_reset();
		report_abort("SYSTEM_RESET returned");
	}
	report_prefix_push("after reset");
	carry->magic = 0;
	report(carry->failures == 0, "the first boot's checks passed (%lu failed)", (unsigned long)carry->failures);
	bool only0 = true;
	for (int cpu = 1; cpu < 4; cpu++)
		only0 &= cpu_affinity_info(cpu) == PSCI_AFFINITY_OFF;
	report(only0, "only CPU 0 is on after SYSTEM_RESET");
	stop_cpu = -1;
	report(cpu_on(1, count, (void *)(uintptr_t)1) == PSCI_SUCCESS && advances(1),
	       "CPU 1 runs once the guest powers it on");
	return report_summary();
}
