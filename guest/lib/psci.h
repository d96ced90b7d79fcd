/* PSCI (Arm DEN 0022) calls through the conduit named by the DTB's /psci "method" (hvc by default). */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

#include <stdint.h>

#define PSCI_VERSION         0x84000000u
#define PSCI_CPU_OFF         0x84000002u
#define PSCI_CPU_ON          0xc4000003u   /* SMC64 */
#define PSCI_AFFINITY_INFO   0xc4000004u   /* SMC64 */
#define PSCI_SYSTEM_OFF      0x84000008u
#define PSCI_SYSTEM_RESET    0x84000009u

#define PSCI_SUCCESS             0
#define PSCI_NOT_SUPPORTED      -1
#define PSCI_INVALID_PARAMETERS -2
#define PSCI_DENIED             -3
#define PSCI_ALREADY_ON         -4
#define PSCI_ON_PENDING         -5
#define PSCI_INTERNAL_FAILURE   -6

/* AFFINITY_INFO results */
#define PSCI_AFFINITY_ON         0
#define PSCI_AFFINITY_OFF        1
#define PSCI_AFFINITY_ON_PENDING 2

void psci_init(void);                 /* reads /psci method */
const char *psci_conduit(void);       /* "hvc" or "smc" */
int64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
uint32_t psci_version(void);          /* major << 16 | minor */
int psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context);
int psci_affinity_info(uint64_t mpidr);
int psci_cpu_off(void);               /* returns only on failure */
void psci_system_off(void);           /* returns only on failure */
void psci_system_reset(void);         /* returns only on failure */

#endif
