/*
 * el2: a small hypervisor (needs -M virtualization=on and 2 CPUs; skips
 * otherwise). CPU 0 powers CPU 1 on with PSCI, which starts it at EL2; CPU 1
 * installs its EL2 vectors (el2-asm.S), builds a stage-2 map and runs guest
 * functions at EL1 under it:
 *
 *   - stage 2 (VTCR_EL2 4K granule, 32-bit IPA, start level 1, VMID 1): RAM
 *     identity-mapped with 2 MiB blocks, devices with a Device block, a 2 MiB
 *     hole at IPA 0x48000000 and IPA 0x4a000000 mapped read-only by a level-3
 *     page onto another frame;
 *   - AT S12E1R/W: PAR_EL1 gives the frame, or F=1, S=1 and the fault status;
 *   - a guest load through the remapped page reads the frame; after the page
 *     is pointed at another frame (TLBI IPAS2E1IS + VMALLE1IS) the new one;
 *   - stage-2 faults taken to EL2: a store to the read-only page (permission,
 *     level 3, WnR) and loads from the hole (translation, level 2), with
 *     ESR_EL2's instruction syndrome (ISV, SAS, SSE, SRT, SF), FAR_EL2 = the
 *     VA and HPFAR_EL2 = the IPA's page;
 *   - a guest stage-1 walk whose table lies in the hole (a load, a store):
 *     stage-2 fault with S1PTW = 1, ISV = 0, WnR as the instruction's access,
 *     HPFAR_EL2 = the table's IPA, FAR_EL2 = the VA;
 *   - traps: HCR_EL2.TVM (MSR SCTLR_EL1), TID3 (MRS ID_AA64MMFR0_EL1), TWI
 *     (WFI) with their ESR_EL2;
 *   - counters: CNTVOFF_EL2 offsets the guest's CNTVCT_EL0; CNTHCTL_EL2.EL1PCTEN
 *     = 0 traps its CNTPCT_EL0 reads (EC 0x18);
 *   - virtual IRQ: with HCR_EL2.IMO and VI the guest sees ISR_EL1.I and takes
 *     an IRQ at VBAR_EL1 + 0x280 as soon as it unmasks; without IMO it does not;
 *   - virtual SError: with HCR_EL2.AMO and VSE, ISR_EL1.A, one SError at
 *     VBAR_EL1 + 0x380 once PSTATE.A is clear, and VSE cleared by taking it;
 *   - physical IRQ routing (GICv2): with HCR_EL2.IMO the virtual timer's PPI
 *     waits while EL2 masks IRQs and is taken to EL2 from a guest running
 *     with PSTATE.I set.
 */
#include "libguest.h"
#include "gic.h"

#define HCR_VM   (1UL << 0)
#define HCR_IMO  (1UL << 4)
#define HCR_AMO  (1UL << 5)
#define HCR_VI   (1UL << 7)
#define HCR_VSE  (1UL << 8)
#define HCR_TWI  (1UL << 13)
#define HCR_TID3 (1UL << 18)
#define HCR_TVM  (1UL << 26)
#define HCR_RW   (1UL << 31)

#define S2_BLOCK  1UL
#define S2_TABLE  3UL
#define S2_PAGE   3UL
#define S2_NORMAL (0xfUL << 2)   /* MemAttr: Normal, Outer and Inner Write-Back */
#define S2_DEVICE (0x1UL << 2)   /* MemAttr: Device-nGnRE */
#define S2_RO     (1UL << 6)     /* S2AP: read */
#define S2_RW     (3UL << 6)     /* S2AP: read and write */
#define S2_SH     (3UL << 8)
#define S2_AF     (1UL << 10)

#define IPA_HOLE  0x48000000UL
#define IPA_REMAP 0x4a000000UL
#define GUEST_VA_HOLE_TABLE 0x80000000UL   /* guest stage 1: its level-2 table is at IPA_HOLE */

/* ESR fields */
#define ISV       (1U << 24)
#define SAS(s)    ((uint32_t)(s) << 22)
#define SSE       (1U << 21)
#define SRT(r)    ((uint32_t)(r) << 16)
#define SF        (1U << 15)
#define S1PTW     (1U << 7)
#define WNR       (1U << 6)
#define SYSREG_ISS(op0, op1, crn, crm, op2, rt, read) \
	((uint32_t)(op0) << 20 | (uint32_t)(op2) << 17 | (uint32_t)(op1) << 14 | (uint32_t)(crn) << 10 | \
	 (uint32_t)(rt) << 5 | (uint32_t)(crm) << 1 | (uint32_t)(read))

extern char el2_entry[];
void run_guest(void (*fn)(void), uint64_t sp_el1);
void el2_main(void);
uint64_t el2_handle(struct ex_regs *regs, unsigned long vector);

static uint64_t s2_l1[512] __attribute__((aligned(4096)));
static uint64_t s2_l2[512] __attribute__((aligned(4096)));
static uint64_t s2_l3[512] __attribute__((aligned(4096)));
static uint64_t s1_l1[512] __attribute__((aligned(4096)));
static uint64_t frame_a[512] __attribute__((aligned(4096)));
static uint64_t frame_b[512] __attribute__((aligned(4096)));
static uint64_t guest_stack[1024] __attribute__((aligned(16)));

static volatile int el2_done;

/* What the last EL2 trap saw. */
static volatile uint64_t trap_esr, trap_far, trap_hpfar, trap_elr;
static volatile int traps, unexpected;
/* Guest results. */
static volatile uint64_t guest_value, guest_isr;
static volatile int virqs, vserrors;
static volatile uint64_t guest_esr;
/* Physical IRQs the hypervisor took from the guest. */
static volatile int hyp_irqs;
static volatile uint32_t hyp_irq_intid;
static volatile uint64_t hyp_irq_spsr;

static void reset_traps(void)
{
	trap_esr = trap_far = trap_hpfar = trap_elr = 0;
	traps = 0;
}

uint64_t el2_handle(struct ex_regs *regs, unsigned long vector)
{
	unsigned int ec = ESR_EC(regs->esr);
	if (vector == 8 && ec == EC_HVC64) {
		if ((regs->esr & 0xffff) == 1) {   /* the guest's IRQ handler: drop the virtual IRQ */
			write_sysreg(hcr_el2, read_sysreg(hcr_el2) & ~HCR_VI);
			return 0;
		}
		return 1;                           /* HVC #0: the guest function returned */
	}
	if (vector == 8) {
		trap_esr = regs->esr;
		trap_far = regs->far;
		trap_hpfar = read_sysreg(hpfar_el2);
		trap_elr = regs->elr;
		traps++;
		regs->elr += 4;                     /* skip the trapped or faulting instruction */
		return 0;
	}
	if (vector == 9) {                          /* IRQ from EL1, routed here by HCR_EL2.IMO */
		uint32_t iar = gic_read_iar();
		hyp_irq_intid = gic_iar_irqnr(iar);
		hyp_irq_spsr = regs->spsr;
		write_sysreg(cntv_ctl_el0, 0);      /* lowers the timer's PPI */
		isb();
		gic_write_eoir(iar);
		hyp_irqs++;
		return 0;
	}
	unexpected++;
	printf("el2: unexpected exception at EL2, vector %lu, ESR_EL2 0x%lx, ELR_EL2 0x%lx\n", vector,
	       (unsigned long)regs->esr, (unsigned long)regs->elr);
	return 1;
}

static void run(void (*fn)(void))
{
	run_guest(fn, (uint64_t)(guest_stack + 1024));
}

static void stage2_tlbi_all(void)
{
	__asm__ volatile("dsb ishst\n tlbi vmalls12e1is\n dsb ish\n isb" : : : "memory");
}

static void build_stage2(void)
{
	s2_l1[0] = 0x00000000UL | S2_BLOCK | S2_DEVICE | S2_RW | S2_AF;
	s2_l1[1] = (uint64_t)s2_l2 | S2_TABLE;
	for (unsigned int i = 0; i < 64; i++)      /* 128 MiB of RAM */
		s2_l2[i] = (0x40000000UL + ((uint64_t)i << 21)) | S2_BLOCK | S2_NORMAL | S2_RW | S2_SH | S2_AF;
	s2_l2[(IPA_HOLE - 0x40000000UL) >> 21] = 0;
	s2_l2[(IPA_REMAP - 0x40000000UL) >> 21] = (uint64_t)s2_l3 | S2_TABLE;
	s2_l3[0] = (uint64_t)frame_a | S2_PAGE | S2_NORMAL | S2_RO | S2_SH | S2_AF;
	for (unsigned int i = 0; i < 512; i++) {
		frame_a[i] = 0xaaaa000000000000UL | i;
		frame_b[i] = 0xbbbb000000000000UL | i;
	}
	dsb(ish);
	/* T0SZ = 32, SL0 = 1 (level 1), IRGN0/ORGN0 = WB, SH0 = Inner, TG0 = 4K, PS = 32 bits. */
	write_sysreg(vtcr_el2, (1UL << 31) | (3UL << 12) | (1UL << 10) | (1UL << 8) | (1UL << 6) | 32);
	write_sysreg(vttbr_el2, (uint64_t)s2_l1 | (1UL << 48));
	write_sysreg(hcr_el2, HCR_RW | HCR_VM);
	isb();
	stage2_tlbi_all();
}

/* ---- guest functions (EL1, stage 1 off: VA = IPA) ---- */

static void guest_read_remap(void)
{
	guest_value = *(volatile uint64_t *)(IPA_REMAP + 16);
}

static void guest_write_remap(void)
{
	__asm__ volatile("mov x5, #0x55\n str x5, [%0]" : : "r"(IPA_REMAP + 8) : "x5", "memory");
}

static void guest_read_hole_w(void)
{
	__asm__ volatile("ldr w7, [%0]" : : "r"(IPA_HOLE + 0x10) : "x7", "memory");
}

static void guest_read_hole_sh(void)
{
	__asm__ volatile("ldrsh x8, [%0]" : : "r"(IPA_HOLE + 0x22) : "x8", "memory");
}

static void guest_s1ptw(bool store)
{
	s1_l1[0] = 0x00000000UL | 1 | (1UL << 2) | (1UL << 10);               /* Device (MAIR attr 1) */
	s1_l1[1] = 0x40000000UL | 1 | (3UL << 8) | (1UL << 10);               /* Normal (attr 0) */
	s1_l1[GUEST_VA_HOLE_TABLE >> 30] = IPA_HOLE | 3;                      /* table in the stage-2 hole */
	dsb(ish);
	write_sysreg(mair_el1, 0x04ffUL);
	/* T0SZ = 25 (39-bit VA, level 1 start), TG0 = 4K, EPD1, IPS = 32 bits. */
	write_sysreg(tcr_el1, (1UL << 23) | 25);
	write_sysreg(ttbr0_el1, (uint64_t)s1_l1);
	isb();
	__asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" : : : "memory");
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | 1);
	isb();
	if (store)
		__asm__ volatile("str x7, [%0]" : : "r"(GUEST_VA_HOLE_TABLE + 0x48) : "x7", "memory");
	else
		__asm__ volatile("ldr x7, [%0]" : : "r"(GUEST_VA_HOLE_TABLE + 0x40) : "x7", "memory");
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~1UL);
	isb();
}

static volatile uint64_t guest_pct, guest_vct;

static void guest_counters(void)
{
	uint64_t v, p;
	__asm__ volatile("isb\n mrs %0, cntvct_el0\n mrs %1, cntpct_el0" : "=r"(v), "=r"(p) : : "memory");
	guest_vct = v;
	guest_pct = p;
}

static void guest_read_cntpct(void)
{
	__asm__ volatile("mrs x6, cntpct_el0" : : : "x6", "memory");
}

static void guest_s1ptw_load(void)
{
	guest_s1ptw(false);
}

static void guest_s1ptw_store(void)
{
	guest_s1ptw(true);
}

static void guest_tvm(void)
{
	__asm__ volatile("mrs x3, sctlr_el1\n msr sctlr_el1, x3" : : : "x3", "memory");
}

static void guest_tid3(void)
{
	__asm__ volatile("mrs x4, id_aa64mmfr0_el1" : : : "x4", "memory");
}

static void guest_wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

static void virq_handler(struct ex_regs *regs, unsigned int esr)
{
	(void)regs;
	(void)esr;
	guest_isr = read_sysreg(isr_el1);
	virqs++;
	__asm__ volatile("hvc #1" : : : "memory");   /* ask the hypervisor to lower the virtual IRQ */
}

static void vserror_handler(struct ex_regs *regs, unsigned int esr)
{
	(void)regs;
	guest_esr = esr;
	vserrors++;
}

/* Unmasks SError (PSTATE.A): a pending virtual SError is taken at VBAR_EL1 + 0x380. */
static void guest_vserror(void)
{
	write_sysreg(vbar_el1, (uint64_t)vectors);
	isb();
	install_exception_handler(EL1H_SERROR, 0, vserror_handler);
	guest_isr = read_sysreg(isr_el1);
	__asm__ volatile("msr daifclr, #4\n isb\n nop\n nop\n msr daifset, #4" : : : "memory");
	install_exception_handler(EL1H_SERROR, 0, NULL);
}

/* Waits, IRQs masked, for the hypervisor to take the physical IRQ. */
static void guest_wait_hyp_irq(void)
{
	for (int i = 0; i < 1000000 && !hyp_irqs; i++)
		cpu_relax();
}

static void guest_virq(void)
{
	write_sysreg(vbar_el1, (uint64_t)vectors);
	isb();
	install_exception_handler(EL1H_IRQ, 0, virq_handler);
	guest_isr = read_sysreg(isr_el1);
	__asm__ volatile("msr daifclr, #2\n isb\n nop\n nop\n msr daifset, #2" : : : "memory");
	install_exception_handler(EL1H_IRQ, 0, NULL);
}

/* ---- the hypervisor (EL2, CPU 1) ---- */

static void check_at(void)
{
	uint64_t par;
	__asm__ volatile("at s12e1r, %0\n isb" : : "r"(IPA_REMAP) : "memory");
	par = read_sysreg(par_el1);
	report(!(par & 1) && (par & 0xfffffffff000UL) == (uint64_t)frame_a,
	       "AT S12E1R 0x%lx: PAR_EL1 0x%lx (frame 0x%lx)", IPA_REMAP, (unsigned long)par,
	       (unsigned long)frame_a);
	__asm__ volatile("at s12e1w, %0\n isb" : : "r"(IPA_REMAP) : "memory");
	par = read_sysreg(par_el1);
	report((par & 1) && (par & (1UL << 9)) && !(par & (1UL << 8)) && ((par >> 1) & 0x3f) == 0x0f,
	       "AT S12E1W 0x%lx (read-only at stage 2): PAR_EL1 0x%lx: F, S, permission fault level 3",
	       IPA_REMAP, (unsigned long)par);
	__asm__ volatile("at s12e1r, %0\n isb" : : "r"(IPA_HOLE) : "memory");
	par = read_sysreg(par_el1);
	report((par & 1) && (par & (1UL << 9)) && ((par >> 1) & 0x3f) == 0x06,
	       "AT S12E1R 0x%lx (hole): PAR_EL1 0x%lx: F, S, translation fault level 2", IPA_HOLE,
	       (unsigned long)par);
}

static void check_remap(void)
{
	guest_value = 0;
	run(guest_read_remap);
	report(guest_value == frame_a[2], "guest load from IPA 0x%lx reads frame A (0x%lx)", IPA_REMAP + 16,
	       (unsigned long)guest_value);
	s2_l3[0] = (uint64_t)frame_b | S2_PAGE | S2_NORMAL | S2_RO | S2_SH | S2_AF;
	__asm__ volatile("dsb ishst\n tlbi ipas2e1is, %0\n dsb ish\n tlbi vmalle1is\n dsb ish\n isb"
			 : : "r"(IPA_REMAP >> 12) : "memory");
	run(guest_read_remap);
	report(guest_value == frame_b[2], "after remap + TLBI IPAS2E1IS, VMALLE1IS: frame B (0x%lx)",
	       (unsigned long)guest_value);
}

static void expect_abort(void (*fn)(void), const char *what, uint64_t va, uint64_t ipa, uint32_t iss)
{
	reset_traps();
	run(fn);
	uint64_t esr = trap_esr;
	report(traps == 1 && ESR_EC(esr) == EC_DABT_LOWER && ESR_IL(esr) == 1 && ESR_ISS(esr) == iss &&
	       trap_far == va && trap_hpfar == (ipa >> 12) << 4,
	       "%s: ESR_EL2 0x%lx (want ISS 0x%07x), FAR_EL2 0x%lx, HPFAR_EL2 0x%lx", what, (unsigned long)esr,
	       iss, (unsigned long)trap_far, (unsigned long)trap_hpfar);
}

static void expect_trap(void (*fn)(void), const char *what, unsigned int ec, uint32_t iss)
{
	reset_traps();
	run(fn);
	uint64_t esr = trap_esr;
	report(traps == 1 && ESR_EC(esr) == ec && ESR_IL(esr) == 1 && ESR_ISS(esr) == iss,
	       "%s: trapped to EL2, ESR_EL2 0x%lx (want EC 0x%02x ISS 0x%07x)", what, (unsigned long)esr, ec, iss);
}

static void check_aborts(void)
{
	expect_abort(guest_write_remap, "STR X5 to read-only IPA", IPA_REMAP + 8, IPA_REMAP,
		     ISV | SAS(3) | SRT(5) | SF | WNR | 0x0f);
	expect_abort(guest_read_hole_w, "LDR W7 from the hole", IPA_HOLE + 0x10, IPA_HOLE,
		     ISV | SAS(2) | SRT(7) | 0x06);
	expect_abort(guest_read_hole_sh, "LDRSH X8 from the hole", IPA_HOLE + 0x22, IPA_HOLE,
		     ISV | SAS(1) | SSE | SRT(8) | SF | 0x06);
	expect_abort(guest_s1ptw_load, "LDR: stage-1 walk through the hole", GUEST_VA_HOLE_TABLE + 0x40, IPA_HOLE,
		     S1PTW | 0x06);
	/* WnR is UNKNOWN with S1PTW in ARMv8.0; QEMU 7.2 reports the instruction's access, and so does Armature. */
	expect_abort(guest_s1ptw_store, "STR: stage-1 walk through the hole", GUEST_VA_HOLE_TABLE + 0x48, IPA_HOLE,
		     S1PTW | WNR | 0x06);
}

/* CNTVOFF_EL2 offsets the guest's virtual count; CNTHCTL_EL2.EL1PCTEN = 0 traps its physical counter reads. */
static void check_counters(void)
{
	const uint64_t off = 0x123456789UL;
	uint64_t cnthctl = read_sysreg(cnthctl_el2);
	write_sysreg(cnthctl_el2, cnthctl | 3);     /* EL1PCTEN | EL1PCEN */
	write_sysreg(cntvoff_el2, off);
	isb();
	run(guest_counters);
	uint64_t diff = guest_pct - guest_vct;
	report(diff >= off && diff - off < 10000000,
	       "CNTVOFF_EL2 = 0x%lx: guest CNTPCT - CNTVCT = 0x%lx", (unsigned long)off, (unsigned long)diff);
	write_sysreg(cnthctl_el2, cnthctl & ~1UL);
	isb();
	expect_trap(guest_read_cntpct, "CNTHCTL_EL2.EL1PCTEN = 0: MRS X6, CNTPCT_EL0", EC_SYSREG,
		    SYSREG_ISS(3, 3, 14, 0, 1, 6, 1));
	write_sysreg(cnthctl_el2, cnthctl | 3);
	write_sysreg(cntvoff_el2, 0);
	isb();
}

static void check_traps(void)
{
	uint64_t hcr = read_sysreg(hcr_el2);
	write_sysreg(hcr_el2, hcr | HCR_TVM | HCR_TID3 | HCR_TWI);
	isb();
	expect_trap(guest_tvm, "HCR_EL2.TVM: MSR SCTLR_EL1, X3", EC_SYSREG, SYSREG_ISS(3, 0, 1, 0, 0, 3, 0));
	expect_trap(guest_tid3, "HCR_EL2.TID3: MRS X4, ID_AA64MMFR0_EL1", EC_SYSREG,
		    SYSREG_ISS(3, 0, 0, 7, 0, 4, 1));
	expect_trap(guest_wfi, "HCR_EL2.TWI: WFI", EC_WFX, 1U << 24 | 0xeU << 20);
	write_sysreg(hcr_el2, hcr);
	isb();
}

static void check_virq(void)
{
	uint64_t hcr = read_sysreg(hcr_el2);
	virqs = 0;
	write_sysreg(hcr_el2, hcr | HCR_IMO | HCR_VI);
	isb();
	run(guest_virq);
	report(virqs == 1 && (guest_isr & 0x80) && !(read_sysreg(hcr_el2) & HCR_VI),
	       "HCR_EL2.IMO + VI: one virtual IRQ at EL1 once unmasked, ISR_EL1.I set (ISR 0x%lx, %d IRQs)",
	       (unsigned long)guest_isr, virqs);
	virqs = 0;
	write_sysreg(hcr_el2, hcr | HCR_VI);
	isb();
	run(guest_virq);
	report(virqs == 0 && !(guest_isr & 0x80), "HCR_EL2.VI without IMO: no virtual IRQ (ISR 0x%lx, %d IRQs)",
	       (unsigned long)guest_isr, virqs);
	vserrors = 0;
	write_sysreg(hcr_el2, hcr | HCR_AMO | HCR_VSE);
	isb();
	run(guest_vserror);
	report(vserrors == 1 && (guest_isr & 0x100) && !(read_sysreg(hcr_el2) & HCR_VSE) &&
	       guest_esr == 0xbe000000,   /* EC 0x2F, IL, ISS 0: what QEMU 7.2 reports for a v8.0 virtual SError */
	       "HCR_EL2.AMO + VSE: one virtual SError at EL1, ISR_EL1.A set, VSE cleared when taken "
	       "(ESR_EL1 0x%lx, ISR 0x%lx, %d SErrors)", (unsigned long)guest_esr, (unsigned long)guest_isr,
	       vserrors);
	write_sysreg(hcr_el2, hcr);
	isb();
}

/*
 * A physical IRQ (this CPU's virtual timer PPI) with HCR_EL2.IMO is taken to EL2 while the guest runs with
 * PSTATE.I set, and not at EL2 while EL2 masks it. GICv2 only: the runtime does not set up EL2's GICv3
 * system-register interface.
 */
static void check_physical_irq_to_el2(void)
{
	if (gic.version != 2) {
		report_skip("physical IRQ routed to EL2: GICv2 only");
		return;
	}
	uint64_t hcr = read_sysreg(hcr_el2);
	gic_cpu_init();
	gic_enable_irq(27);
	write_sysreg(hcr_el2, hcr | HCR_IMO);
	write_sysreg(cntv_tval_el0, 0);
	write_sysreg(cntv_ctl_el0, 1);              /* condition met at once: the PPI is pending */
	isb();
	for (int i = 0; i < 1000 && !gic_irq_pending(27); i++)
		cpu_relax();
	bool pending = gic_irq_pending(27);
	bool early = hyp_irqs != 0;                 /* EL2 runs with PSTATE.I set: must not be taken here */
	run(guest_wait_hyp_irq);
	report(pending && !early && hyp_irqs == 1 && hyp_irq_intid == 27 && (hyp_irq_spsr & 0x80) &&
	       (hyp_irq_spsr & 0xf) == 5,
	       "HCR_EL2.IMO: PPI 27 taken to EL2 from EL1h with PSTATE.I set (%d IRQs, INTID %u, SPSR_EL2 0x%lx)",
	       hyp_irqs, hyp_irq_intid, (unsigned long)hyp_irq_spsr);
	gic_disable_irq(27);
	write_sysreg(hcr_el2, hcr);
	isb();
}

void el2_main(void)
{
	write_sysreg(tpidr_el1, 1);
	report_prefix_push("el2");
	report(current_el() == 2, "CPU 1 started by PSCI CPU_ON at EL2 (CurrentEL %u)", current_el());
	build_stage2();
	check_at();
	check_remap();
	check_aborts();
	check_traps();
	check_counters();
	check_virq();
	check_physical_irq_to_el2();
	report(unexpected == 0, "no unexpected exception at EL2");
	report_prefix_pop();
	dsb(ish);
	el2_done = 1;
	dsb(ish);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (((read_sysreg(id_aa64pfr0_el1) >> 8) & 0xf) == 0) {
		report_skip("no EL2: run with -M virt,virtualization=on");
		return report_summary();
	}
	if (nr_cpus < 2) {
		report_skip("needs 2 CPUs (CPU 1 runs the hypervisor)");
		return report_summary();
	}
	if (gic_init() != 0)
		report_abort("no GIC found in the device tree");
	int ret = psci_cpu_on(cpu_mpidr[1], (uintptr_t)el2_entry, 0);
	report(ret == PSCI_SUCCESS, "PSCI CPU_ON of CPU 1 at el2_entry (%d)", ret);
	if (ret == PSCI_SUCCESS)
		while (!el2_done)
			cpu_relax();
	return report_summary();
}
