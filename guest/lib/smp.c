/* Secondary CPU bring-up through PSCI. */
#include "libguest.h"

int nr_cpus = 1;
uint64_t cpu_mpidr[MAX_CPUS];

/* Stacks of CPUs 1..MAX_CPUS-1; head.S points SP at the top of secondary_stacks[cpu - 1]. */
uint8_t secondary_stacks[MAX_CPUS - 1][SECONDARY_STACK_SIZE] __attribute__((aligned(16)));

static struct {
	void (*fn)(void *);
	void *arg;
} volatile cpu_entry[MAX_CPUS];

void smp_init(void)
{
	int n = dt_cpu_count();
	if (n < 1)
		n = 1;
	if (n > MAX_CPUS)
		n = MAX_CPUS;
	nr_cpus = n;
	/* Without a DTB, CPU 0 is the one running now. */
	cpu_mpidr[0] = read_sysreg(mpidr_el1) & 0xff00ffffffUL;
	for (int i = 0; i < n; i++)
		dt_cpu_mpidr(i, &cpu_mpidr[i]);
}

int smp_processor_id(void)
{
	return (int)read_sysreg(tpidr_el1);
}

int cpu_on(int cpu, void (*fn)(void *), void *arg)
{
	if (cpu <= 0 || cpu >= nr_cpus)
		return PSCI_INVALID_PARAMETERS;
	cpu_entry[cpu].fn = fn;
	cpu_entry[cpu].arg = arg;
	dsb(sy);
	return psci_cpu_on(cpu_mpidr[cpu], (uintptr_t)secondary_entry, (uint64_t)cpu);
}

int cpu_affinity_info(int cpu)
{
	if (cpu < 0 || cpu >= nr_cpus)
		return PSCI_INVALID_PARAMETERS;
	return psci_affinity_info(cpu_mpidr[cpu]);
}

void secondary_start(unsigned long cpu)
{
	void (*fn)(void *) = cpu_entry[cpu].fn;
	if (fn)
		fn(cpu_entry[cpu].arg);
	dsb(sy);
	psci_cpu_off();
	halt();
}
