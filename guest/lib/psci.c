/* PSCI calls. SMCCC: function id in w0, arguments in x1..x3, result in x0; x4..x17 may be clobbered. */
#include <stdbool.h>
#include "psci.h"
#include "fdt.h"
#include "string.h"

static bool use_smc;

void psci_init(void)
{
	const char *method = dt_getprop(dt_path_offset("/psci"), "method", NULL);
	use_smc = method && strcmp(method, "smc") == 0;
}

const char *psci_conduit(void)
{
	return use_smc ? "smc" : "hvc";
}

#define SMCCC_CLOBBERS "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", \
		       "x14", "x15", "x16", "x17", "memory"

int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	if (use_smc)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : SMCCC_CLOBBERS);
	else
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : SMCCC_CLOBBERS);
	return (int64_t)x0;
}

uint32_t psci_version(void)
{
	return (uint32_t)psci_call(PSCI_VERSION, 0, 0, 0);
}

int psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context)
{
	return (int)psci_call(PSCI_CPU_ON, mpidr, entry, context);
}

int psci_affinity_info(uint64_t mpidr)
{
	return (int)psci_call(PSCI_AFFINITY_INFO, mpidr, 0, 0);
}

int psci_cpu_off(void)
{
	return (int)psci_call(PSCI_CPU_OFF, 0, 0, 0);
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

void psci_system_reset(void)
{
	psci_call(PSCI_SYSTEM_RESET, 0, 0, 0);
}
