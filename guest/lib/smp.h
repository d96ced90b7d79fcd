/* Secondary CPUs: started with PSCI CPU_ON on their own stacks; logical ids follow the DTB's /cpus order. */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#define MAX_CPUS 8
#define SECONDARY_STACK_SIZE 16384

#ifndef __ASSEMBLER__
#include <stdint.h>

extern int nr_cpus;                    /* CPUs in the DTB (at least 1, at most MAX_CPUS) */
extern uint64_t cpu_mpidr[MAX_CPUS];   /* their MPIDR affinity values */

void smp_init(void);
/* Logical id of the calling CPU (kept in TPIDR_EL1). */
int smp_processor_id(void);
/*
 * Powers on CPU `cpu` (1..nr_cpus-1) at EL1 running fn(arg) on its own stack;
 * when fn returns the CPU calls PSCI CPU_OFF. Returns the PSCI result.
 */
int cpu_on(int cpu, void (*fn)(void *), void *arg);
/* PSCI AFFINITY_INFO for a logical CPU: PSCI_AFFINITY_ON/OFF/ON_PENDING or an error. */
int cpu_affinity_info(int cpu);

/* Entry point given to CPU_ON (head.S) and its C continuation. */
void secondary_entry(void);
void secondary_start(unsigned long cpu) __attribute__((noreturn));

#endif /* __ASSEMBLER__ */
#endif
