/*
 * gicv: the GICv2 virtualization extensions' register interface, as a
 * hypervisor and its guest see it (-M virtualization=on,gic-version=2; skips
 * otherwise). The runtime drops to EL1 with HCR_EL2.IMO clear, so the checks
 * use GICH and GICV through MMIO and take the maintenance interrupt as a
 * physical IRQ; they do not take virtual IRQs.
 *   - the DTB: GICH and GICV as the third and fourth "reg" entries of the GIC
 *     node and the maintenance interrupt PPI 9 as its "interrupts";
 *   - GICH_VTR (4 list registers, 5 priority bits), reset values of GICH_HCR,
 *     GICH_VMCR, GICH_ELRSR0, GICV_BPR/ABPR, GICV_IIDR;
 *   - a list register: GICV_HPPIR and GICV_IAR return its virtual ID, the
 *     state goes pending -> active -> invalid with GICV_EOIR, GICV_RPR and
 *     GICH_APR follow the priority; the virtual PMR masks; a higher priority
 *     preempts; EOImode 1 needs GICV_DIR; SGIs (HW = 0) carry the CPUID; Group 1
 *     through GICV_IAR only with AckCtl;
 *   - GICH_HCR.EOICount counts EOIs of IDs no list register holds; an EOI
 *     with no active priority is ignored;
 *   - maintenance: an EOI-requesting list register deactivated sets GICH_EISR0
 *     and GICH_MISR.EOI and raises INTID 25, taken at EL1; GICH_MISR.U/NP.
 */
#include "libguest.h"
#include "gic.h"

#define GICH_HCR    0x000
#define GICH_VTR    0x004
#define GICH_VMCR   0x008
#define GICH_MISR   0x010
#define GICH_EISR0  0x020
#define GICH_ELRSR0 0x030
#define GICH_APR    0x0f0
#define GICH_LR(n)  (0x100 + 4 * (n))
#define GICV_CTLR   0x00
#define GICV_PMR    0x04
#define GICV_BPR    0x08
#define GICV_IAR    0x0c
#define GICV_EOIR   0x10
#define GICV_RPR    0x14
#define GICV_HPPIR  0x18
#define GICV_ABPR   0x1c
#define GICV_AIAR   0x20
#define GICV_AEOIR  0x24
#define GICV_IIDR   0xfc
#define GICV_DIR    0x1000

#define LR_PENDING  (1u << 28)
#define LR_ACTIVE   (2u << 28)
#define LR_STATE(v) ((v) >> 28 & 3)
#define LR_GRP1     (1u << 30)
#define LR_EOI      (1u << 19)
#define LR(vid, prio5, state) ((state) | (uint32_t)(prio5) << 23 | (vid))
#define MAINT_IRQ   PPI(9)

static uintptr_t gich, gicv;
static volatile int maint_taken;
static volatile uint32_t maint_misr, maint_eisr;

static uint32_t h(int off) { return readl(gich + off); }
static void hw(int off, uint32_t v) { writel(v, gich + off); }
static uint32_t v(int off) { return readl(gicv + off); }
static void vw(int off, uint32_t val) { writel(val, gicv + off); }

static void maint_handler(struct ex_regs *regs, uint32_t iar)
{
	(void)regs;
	(void)iar;
	maint_misr = h(GICH_MISR);
	maint_eisr = h(GICH_EISR0);
	hw(GICH_LR(0), 0);       /* the hypervisor frees the list register: MISR.EOI clears */
	maint_taken++;
}

static bool check_dt(void)
{
	int node = dt_find_compatible(-1, "arm,cortex-a15-gic");
	uint64_t size = 0;
	uint32_t irq[3] = { 0 };
	if (node < 0 || dt_get_reg(node, 2, (uint64_t *)&gich, &size) != 0 ||
	    dt_get_reg(node, 3, (uint64_t *)&gicv, &size) != 0)
		return false;
	report(gich == 0x08030000 && gicv == 0x08040000 && size == 0x10000, "DTB: GICH at 0x%lx, GICV at 0x%lx",
	       (unsigned long)gich, (unsigned long)gicv);
	report(dt_get_interrupts(node, irq, 3) == 3 && irq[0] == 1 && irq[1] == 9 && irq[2] == 4,
	       "DTB: maintenance interrupt PPI %u, flags 0x%x", irq[1], irq[2]);
	return true;
}

static void check_reset(void)
{
	report(h(GICH_VTR) == 0x90000003, "GICH_VTR 0x%08x: 4 list registers, 5 priority bits", h(GICH_VTR));
	report(h(GICH_HCR) == 0 && h(GICH_ELRSR0) == 0xf && h(GICH_EISR0) == 0 && h(GICH_APR) == 0,
	       "reset: GICH_HCR 0x%x, ELRSR0 0x%x, EISR0 0x%x, APR 0x%x", h(GICH_HCR), h(GICH_ELRSR0),
	       h(GICH_EISR0), h(GICH_APR));
	report_info("GICH_VMCR 0x%08x, GICV_BPR %u, GICV_ABPR %u, GICV_IIDR 0x%08x, GICV_RPR 0x%x", h(GICH_VMCR),
		    v(GICV_BPR), v(GICV_ABPR), v(GICV_IIDR), v(GICV_RPR));
	report(v(GICV_BPR) == 2 && v(GICV_ABPR) == 3 && h(GICH_VMCR) == (2u << 21 | 3u << 18),
	       "GICV_BPR 2 and ABPR 3 (their minimums), mirrored in GICH_VMCR");
	report(v(GICV_IAR) == 1023 && v(GICV_RPR) == 0xff, "idle: GICV_IAR 1023, GICV_RPR 0xff");
}

static void check_list_registers(void)
{
	vw(GICV_PMR, 0xff);
	vw(GICV_CTLR, 1);
	report(v(GICV_PMR) == 0xf8 && (h(GICH_VMCR) >> 27) == 0x1f && (h(GICH_VMCR) & 1),
	       "GICV_PMR keeps 5 bits (0x%x), GICH_VMCR shows PMR and EnableGrp0 (0x%08x)", v(GICV_PMR),
	       h(GICH_VMCR));
	hw(GICH_LR(0), LR(42, 4, LR_PENDING));
	report(v(GICV_IAR) == 1023, "GICH_HCR.En clear: nothing to acknowledge");
	hw(GICH_HCR, 1);
	report(v(GICV_HPPIR) == 42 && h(GICH_ELRSR0) == 0xe, "GICV_HPPIR 42, LR0 in use (ELRSR0 0x%x)",
	       h(GICH_ELRSR0));
	uint32_t iar = v(GICV_IAR);
	report(iar == 42 && LR_STATE(h(GICH_LR(0))) == 2 && v(GICV_RPR) == 0x20 && h(GICH_APR) == 1u << 4,
	       "GICV_IAR %u: LR active, RPR 0x%x, GICH_APR 0x%x", iar, v(GICV_RPR), h(GICH_APR));
	vw(GICV_EOIR, 42);
	report(LR_STATE(h(GICH_LR(0))) == 0 && v(GICV_RPR) == 0xff && h(GICH_APR) == 0 && h(GICH_ELRSR0) == 0xf,
	       "GICV_EOIR: LR invalid and free, priority dropped");

	/* Priority mask and preemption. */
	vw(GICV_PMR, 0x40);
	hw(GICH_LR(0), LR(40, 8, LR_PENDING));              /* 0x40: masked */
	report(v(GICV_IAR) == 1023, "priority 0x40 masked by PMR 0x40");
	vw(GICV_PMR, 0x48);
	report(v(GICV_IAR) == 40, "PMR 0x48 lets it through");
	hw(GICH_LR(1), LR(41, 8, LR_PENDING));
	report(v(GICV_IAR) == 1023, "same priority does not preempt");
	hw(GICH_LR(2), LR(43, 2, LR_PENDING));
	report(v(GICV_IAR) == 43, "higher priority preempts");
	vw(GICV_EOIR, 43);
	vw(GICV_EOIR, 40);
	report(v(GICV_IAR) == 41, "then the waiting one");
	vw(GICV_EOIR, 41);
	report(h(GICH_ELRSR0) == 0xf, "all list registers free again");

	/* EOImode 1: EOIR drops the priority, DIR deactivates. */
	vw(GICV_PMR, 0xff);
	vw(GICV_CTLR, 1 | 0x200);
	hw(GICH_LR(0), LR(50, 4, LR_PENDING));
	v(GICV_IAR);
	vw(GICV_EOIR, 50);
	bool dropped = v(GICV_RPR) == 0xff && LR_STATE(h(GICH_LR(0))) == 2;
	vw(GICV_DIR, 50);
	report(dropped && LR_STATE(h(GICH_LR(0))) == 0, "EOImode 1: EOIR drops, GICV_DIR deactivates");
	vw(GICV_CTLR, 1);

	/*
	 * An SGI from CPU 3 in Group 1: GICV_IAR refuses it (1022) until AckCtl is set; the CPUID is in bits
	 * 12:10. (QEMU 7.2 reads GICV_AIAR as 0, like GICC_AIAR, so the alias is not used here.)
	 */
	vw(GICV_CTLR, 3);
	hw(GICH_LR(0), LR(5, 4, LR_PENDING) | LR_GRP1 | 3u << 10);
	uint32_t plain = v(GICV_IAR);
	vw(GICV_CTLR, 3 | 4);
	uint32_t acked = v(GICV_IAR);
	vw(GICV_EOIR, acked);
	report(plain == 1022 && acked == (3u << 10 | 5) && LR_STATE(h(GICH_LR(0))) == 0,
	       "Group 1 SGI: GICV_IAR %u, with AckCtl 0x%x", plain, acked);
	vw(GICV_CTLR, 1);

	/* EOIR with nothing active: ignored (UNPREDICTABLE; QEMU ignores it). */
	vw(GICV_EOIR, 77);
	report(h(GICH_HCR) >> 27 == 0, "EOIR with no active priority changes nothing (EOICount %u)", h(GICH_HCR) >> 27);

	/* EOICount: the hypervisor took an active interrupt out of the list registers before the guest's EOI. */
	hw(GICH_LR(0), LR(60, 4, LR_PENDING));
	iar = v(GICV_IAR);
	hw(GICH_LR(0), 0);
	vw(GICV_EOIR, iar);
	report(iar == 60 && h(GICH_HCR) >> 27 == 1 && v(GICV_RPR) == 0xff,
	       "EOI of an ID in no list register: priority dropped, GICH_HCR.EOICount %u", h(GICH_HCR) >> 27);
	hw(GICH_HCR, 1);
}

static void check_maintenance(void)
{
	install_irq_handler(MAINT_IRQ, maint_handler);
	gic_enable_irq(MAINT_IRQ);
	hw(GICH_HCR, 1 | 2 | 8);         /* UIE, NPIE */
	report(h(GICH_MISR) == 0xa, "GICH_MISR 0x%x: U and NP with no list register in use", h(GICH_MISR));
	hw(GICH_HCR, 1);
	hw(GICH_LR(0), LR(30, 4, LR_PENDING) | LR_EOI);
	v(GICV_IAR);
	report(h(GICH_MISR) == 0 && !gic_irq_pending(MAINT_IRQ), "no maintenance before the EOI");
	vw(GICV_EOIR, 30);
	report(h(GICH_EISR0) == 1 && h(GICH_MISR) == 1 && h(GICH_ELRSR0) == 0xe,
	       "deactivated with EOI set: EISR0 0x%x, MISR 0x%x, ELRSR0 0x%x", h(GICH_EISR0), h(GICH_MISR),
	       h(GICH_ELRSR0));
	local_irq_enable();
	for (int i = 0; i < 1000000 && !maint_taken; i++)
		cpu_relax();
	local_irq_disable();
	report(maint_taken == 1 && maint_misr == 1 && maint_eisr == 1,
	       "maintenance interrupt INTID %d taken (%d), MISR 0x%x, EISR0 0x%x", MAINT_IRQ, maint_taken,
	       maint_misr, maint_eisr);
	report(h(GICH_MISR) == 0 && !gic_irq_pending(MAINT_IRQ), "freeing the list register lowers it");
	hw(GICH_HCR, 0);
	gic_disable_irq(MAINT_IRQ);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (gic_init() != 0)
		report_abort("no GIC found in the device tree");
	gic_cpu_init();
	if (gic.version != 2 || boot_el != 2) {
		report_skip("needs -M virtualization=on,gic-version=2 (GICv%d, entered at EL%u)", gic.version,
			    boot_el);
		return report_summary();
	}
	if (!check_dt()) {
		report_fail("DTB: no GICH/GICV in the GIC node's reg");
		return report_summary();
	}
	check_reset();
	check_list_registers();
	check_maintenance();
	return report_summary();
}
