/* Exception dispatch and the unexpected-exception report. */
#include <stdbool.h>
#include "exceptions.h"
#include "libguest.h"

static exception_fn sync_handlers[VECTOR_MAX][EC_MAX];
static exception_fn async_handlers[VECTOR_MAX];

static bool is_sync(enum vector v)
{
	return (v & 3) == 0;
}

void install_exception_handler(enum vector v, unsigned int ec, exception_fn fn)
{
	if (v >= VECTOR_MAX)
		return;
	if (is_sync(v)) {
		if (ec < EC_MAX)
			sync_handlers[v][ec] = fn;
	} else {
		async_handlers[v] = fn;
	}
}

const char *vector_name(enum vector v)
{
	static const char *const names[VECTOR_MAX] = {
		"EL1t Synchronous", "EL1t IRQ", "EL1t FIQ", "EL1t SError",
		"EL1h Synchronous", "EL1h IRQ", "EL1h FIQ", "EL1h SError",
		"EL0 (AArch64) Synchronous", "EL0 (AArch64) IRQ", "EL0 (AArch64) FIQ", "EL0 (AArch64) SError",
		"EL0 (AArch32) Synchronous", "EL0 (AArch32) IRQ", "EL0 (AArch32) FIQ", "EL0 (AArch32) SError",
	};
	return v < VECTOR_MAX ? names[v] : "?";
}

const char *ec_name(unsigned int ec)
{
	switch (ec) {
	case EC_UNKNOWN:     return "Unknown reason (undefined instruction)";
	case EC_WFX:         return "WFI/WFE trapped";
	case EC_FP_ACCESS:   return "FP/SIMD access trapped";
	case EC_ILL_STATE:   return "Illegal execution state";
	case EC_SVC64:       return "SVC (AArch64)";
	case EC_HVC64:       return "HVC (AArch64)";
	case EC_SMC64:       return "SMC (AArch64)";
	case EC_SYSREG:      return "MSR/MRS/system instruction trapped";
	case EC_IABT_LOWER:  return "Instruction abort from a lower EL";
	case EC_IABT_CUR:    return "Instruction abort";
	case EC_PC_ALIGN:    return "PC alignment fault";
	case EC_DABT_LOWER:  return "Data abort from a lower EL";
	case EC_DABT_CUR:    return "Data abort";
	case EC_SP_ALIGN:    return "SP alignment fault";
	case EC_SERROR:      return "SError";
	case EC_BREAKPT_CUR: return "Breakpoint";
	case EC_SSTEP_CUR:   return "Software step";
	case EC_WATCHPT_CUR: return "Watchpoint";
	case EC_BRK64:       return "BRK instruction";
	default:             return "(not decoded)";
	}
}

void show_exception(const struct ex_regs *regs, enum vector v)
{
	unsigned int ec = ESR_EC(regs->esr);
	printf("\nUnhandled exception: %s (vector %d at VBAR_EL1+0x%x)\n", vector_name(v), (int)v,
	       (unsigned int)v * 0x80);
	if (is_sync(v))
		printf("  ESR_EL1  0x%08lx  EC 0x%02x %s, IL %u, ISS 0x%07x\n", regs->esr, ec,
		       ec_name(ec), ESR_IL(regs->esr), ESR_ISS(regs->esr));
	else
		printf("  ESR_EL1  0x%08lx\n", regs->esr);
	printf("  FAR_EL1  0x%016lx\n", regs->far);
	printf("  ELR_EL1  0x%016lx  SPSR_EL1 0x%08lx\n", regs->elr, regs->spsr);
	printf("  SP       0x%016lx\n", regs->sp);
	for (int i = 0; i < 31; i += 2) {
		if (i < 30)
			printf("  x%-2d 0x%016lx  x%-2d 0x%016lx\n", i, regs->regs[i], i + 1, regs->regs[i + 1]);
		else
			printf("  x%-2d 0x%016lx\n", i, regs->regs[i]);
	}
}

void handle_exception(struct ex_regs *regs, unsigned long vector)
{
	enum vector v = (enum vector)vector;
	exception_fn fn = is_sync(v) ? sync_handlers[v][ESR_EC(regs->esr)] : async_handlers[v];
	if (fn) {
		fn(regs, (unsigned int)regs->esr);
		return;
	}
	show_exception(regs, v);
	abort();
}
