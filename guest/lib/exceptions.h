/*
 * EL1 exception vectors. Every exception lands in handle_exception() with the
 * interrupted context saved in a struct ex_regs; a handler a test installed
 * runs and may change the context (e.g. advance elr past the faulting
 * instruction); without one the runtime prints a report and exits with 63.
 */
#ifndef GUEST_EXCEPTIONS_H
#define GUEST_EXCEPTIONS_H

#include <stdint.h>

/* The 16 vector table entries, in table order (VBAR_EL1 + 0x80 * vector). */
enum vector {
	EL1T_SYNC, EL1T_IRQ, EL1T_FIQ, EL1T_SERROR,
	EL1H_SYNC, EL1H_IRQ, EL1H_FIQ, EL1H_SERROR,
	EL0_SYNC_64, EL0_IRQ_64, EL0_FIQ_64, EL0_SERROR_64,
	EL0_SYNC_32, EL0_IRQ_32, EL0_FIQ_32, EL0_SERROR_32,
	VECTOR_MAX
};

/* Saved context; layout shared with vectors.S. */
struct ex_regs {
	uint64_t regs[31];   /* x0..x30 */
	uint64_t sp;         /* SP at the time of the exception */
	uint64_t elr;        /* ELR_EL1: restored on return */
	uint64_t spsr;       /* SPSR_EL1: restored on return */
	uint64_t esr;        /* ESR_EL1 */
	uint64_t far;        /* FAR_EL1 */
};

/* Exception classes (ESR_EL1.EC) */
#define EC_UNKNOWN     0x00
#define EC_WFX         0x01
#define EC_FP_ACCESS   0x07
#define EC_ILL_STATE   0x0e
#define EC_SVC64       0x15
#define EC_HVC64       0x16
#define EC_SMC64       0x17
#define EC_SYSREG      0x18
#define EC_IABT_LOWER  0x20
#define EC_IABT_CUR    0x21
#define EC_PC_ALIGN    0x22
#define EC_DABT_LOWER  0x24
#define EC_DABT_CUR    0x25
#define EC_SP_ALIGN    0x26
#define EC_SERROR      0x2f
#define EC_BREAKPT_CUR 0x31
#define EC_SSTEP_CUR   0x33
#define EC_WATCHPT_CUR 0x35
#define EC_BRK64       0x3c
#define EC_MAX         64

#define ESR_EC(esr)  ((uint32_t)((esr) >> 26) & 0x3f)
#define ESR_IL(esr)  ((uint32_t)((esr) >> 25) & 1)
#define ESR_ISS(esr) ((uint32_t)(esr) & 0x1ffffff)

typedef void (*exception_fn)(struct ex_regs *regs, unsigned int esr);

/*
 * Installs fn for synchronous exceptions of class ec taken through vector v
 * (v one of the *_SYNC vectors), or, for IRQ/FIQ/SError vectors, for every
 * exception through v (ec ignored). fn = NULL removes it.
 */
void install_exception_handler(enum vector v, unsigned int ec, exception_fn fn);

const char *vector_name(enum vector v);
const char *ec_name(unsigned int ec);
/* Prints the report for an unexpected exception (used by the runtime; handy in handlers). */
void show_exception(const struct ex_regs *regs, enum vector v);

/* The vector table (vectors.S), installed in VBAR_EL1 at boot on every CPU. */
extern char vectors[];

/* Called from vectors.S. */
void handle_exception(struct ex_regs *regs, unsigned long vector);

#endif
