/* GICv2/GICv3 driver: discovery from the DTB, per-CPU setup, SGIs, IRQ dispatch. */
#include "libguest.h"
#include "gic.h"

struct gic gic;
volatile uint32_t gic_spurious[8];
static irq_fn irq_handlers[1024];

#define GICD_CTLR_RWP      (1u << 31)
#define GICD_CTLR_ARE      (1u << 4)
#define GICD_CTLR_GRP1     (1u << 1)
#define GICD_CTLR_GRP0     (1u << 0)
#define GICR_WAKER_PSLEEP  (1u << 1)
#define GICR_WAKER_CASLEEP (1u << 2)
#define GICR_TYPER_LAST    (1u << 4)
#define GICR_STRIDE        0x20000

/* GICv3 CPU interface system registers (by encoding: the assembler may not know the names). */
#define ICC_PMR_EL1    "s3_0_c4_c6_0"
#define ICC_IAR1_EL1   "s3_0_c12_c12_0"
#define ICC_EOIR1_EL1  "s3_0_c12_c12_1"
#define ICC_BPR1_EL1   "s3_0_c12_c12_3"
#define ICC_CTLR_EL1   "s3_0_c12_c12_4"
#define ICC_SRE_EL1    "s3_0_c12_c12_5"
#define ICC_IGRPEN1_EL1 "s3_0_c12_c12_7"
#define ICC_RPR_EL1    "s3_0_c12_c11_3"
#define ICC_SGI1R_EL1  "s3_0_c12_c11_5"

#define icc_read(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v)); _v; })
#define icc_write(reg, v) __asm__ volatile("msr " reg ", %0" : : "r"((uint64_t)(v)) : "memory")

static void dist_wait_rwp(void)
{
	while (readl(gic.dist + GICD_CTLR) & GICD_CTLR_RWP)
		cpu_relax();
}

int gic_init(void)
{
	uint64_t addr, size;
	int node = dt_find_compatible(-1, "arm,gic-v3");
	if (node >= 0) {
		gic.version = 3;
		if (dt_get_reg(node, 0, &addr, &size) != 0)
			return -1;
		gic.dist = addr;
		if (dt_get_reg(node, 1, &addr, &size) != 0)
			return -1;
		gic.redist = addr;
		/* Map logical CPUs to RD frames by GICR_TYPER's affinity value. */
		for (uintptr_t rd = gic.redist;; rd += GICR_STRIDE) {
			uint64_t typer = readq(rd + GICR_TYPER);
			uint32_t aff = (uint32_t)(typer >> 32);
			for (int c = 0; c < nr_cpus; c++) {
				uint64_t m = cpu_mpidr[c];
				uint32_t caff = (uint32_t)((m & 0xffffff) | ((m >> 8) & 0xff000000));
				if (caff == aff)
					gic.rd[c] = rd;
			}
			if (typer & GICR_TYPER_LAST)
				break;
		}
		writel(0, gic.dist + GICD_CTLR);
		dist_wait_rwp();
		writel(GICD_CTLR_ARE | GICD_CTLR_GRP1 | GICD_CTLR_GRP0, gic.dist + GICD_CTLR);
		dist_wait_rwp();
		return 0;
	}
	node = dt_find_compatible(-1, "arm,cortex-a15-gic");
	if (node < 0)
		node = dt_find_compatible(-1, "arm,gic-400");
	if (node < 0)
		return -1;
	gic.version = 2;
	if (dt_get_reg(node, 0, &addr, &size) != 0)
		return -1;
	gic.dist = addr;
	if (dt_get_reg(node, 1, &addr, &size) != 0)
		return -1;
	gic.cpu_if = addr;
	writel(GICD_CTLR_GRP0, gic.dist + GICD_CTLR);
	return 0;
}

static uintptr_t my_rd(void)
{
	return gic.rd[smp_processor_id()];
}

void gic_cpu_init(void)
{
	if (gic.version == 3) {
		uintptr_t rd = my_rd();
		writel(readl(rd + GICR_WAKER) & ~GICR_WAKER_PSLEEP, rd + GICR_WAKER);
		while (readl(rd + GICR_WAKER) & GICR_WAKER_CASLEEP)
			cpu_relax();
		writel(0xffffffff, rd + GICR_IGROUPR0);     /* SGIs and PPIs in Group 1 */
		writel(0x0000ffff, rd + GICR_ISENABLER0);   /* all SGIs on */
		icc_write(ICC_SRE_EL1, icc_read(ICC_SRE_EL1) | 1);
		isb();
		icc_write(ICC_PMR_EL1, 0xff);
		icc_write(ICC_BPR1_EL1, 0);
		icc_write(ICC_CTLR_EL1, 0);                 /* EOImode 0: EOIR drops priority and deactivates */
		icc_write(ICC_IGRPEN1_EL1, 1);
		isb();
	} else {
		writel(0x0000ffff, gic.dist + GICD_ISENABLER);
		writel(0xff, gic.cpu_if + GICC_PMR);
		writel(0, gic.cpu_if + GICC_BPR);
		writel(1, gic.cpu_if + GICC_CTLR);
	}
}

uint32_t gic_read_iar(void)
{
	uint32_t iar;
	if (gic.version == 3) {
		iar = (uint32_t)icc_read(ICC_IAR1_EL1);
		dsb(sy);
	} else {
		iar = readl(gic.cpu_if + GICC_IAR);
	}
	return iar;
}

void gic_write_eoir(uint32_t iar)
{
	if (gic.version == 3) {
		icc_write(ICC_EOIR1_EL1, iar);
		isb();
	} else {
		writel(iar, gic.cpu_if + GICC_EOIR);
	}
}

uint32_t gic_read_rpr(void)
{
	return gic.version == 3 ? (uint32_t)icc_read(ICC_RPR_EL1) : readl(gic.cpu_if + GICC_RPR);
}

void gic_set_pmr(uint32_t pmr)
{
	if (gic.version == 3) {
		icc_write(ICC_PMR_EL1, pmr);
		isb();
	} else {
		writel(pmr, gic.cpu_if + GICC_PMR);
	}
}

void gic_send_sgi_mask(uint32_t cpumask, unsigned int intid)
{
	dsb(ishst);
	if (gic.version == 2) {
		writel((cpumask & 0xff) << 16 | (intid & 0xf), gic.dist + GICD_SGIR);
		return;
	}
	/* One ICC_SGI1R write per affinity-1 cluster (the virt board packs 16 CPUs per cluster at most). */
	for (int c = 0; c < nr_cpus; c++) {
		if (!(cpumask & (1u << c)))
			continue;
		uint64_t m = cpu_mpidr[c];
		uint64_t aff1 = (m >> 8) & 0xff, aff2 = (m >> 16) & 0xff, aff3 = (m >> 32) & 0xff;
		uint16_t targets = 0;
		for (int d = c; d < nr_cpus; d++) {
			uint64_t md = cpu_mpidr[d];
			if ((cpumask & (1u << d)) && ((md >> 8) & 0xffff) == ((m >> 8) & 0xffff) &&
			    ((md >> 32) & 0xff) == aff3) {
				targets |= (uint16_t)(1u << (md & 0xf));
				cpumask &= ~(1u << d);
			}
		}
		icc_write(ICC_SGI1R_EL1, (aff3 << 48) | (aff2 << 32) | ((uint64_t)(intid & 0xf) << 24) |
					 (aff1 << 16) | targets);
	}
	isb();
}

void gic_send_sgi(int cpu, unsigned int intid)
{
	gic_send_sgi_mask(1u << cpu, intid);
}

/* Register block holding intid's bit: the redistributor's SGI frame for private INTIDs on v3. */
static uintptr_t bit_reg(unsigned int intid, uint32_t dist_off, uint32_t rd_off)
{
	if (gic.version == 3 && intid < 32)
		return my_rd() + rd_off;
	return gic.dist + dist_off + (intid / 32) * 4;
}

void gic_enable_irq(unsigned int intid)
{
	writel(1u << (intid % 32), bit_reg(intid, GICD_ISENABLER, GICR_ISENABLER0));
}

void gic_disable_irq(unsigned int intid)
{
	writel(1u << (intid % 32), bit_reg(intid, GICD_ICENABLER, GICR_ICENABLER0));
}

bool gic_irq_pending(unsigned int intid)
{
	return readl(bit_reg(intid, GICD_ISPENDR, GICR_ISPENDR0)) & (1u << (intid % 32));
}

bool gic_irq_active(unsigned int intid)
{
	return readl(bit_reg(intid, GICD_ISACTIVER, GICR_ISACTIVER0)) & (1u << (intid % 32));
}

void gic_clear_pending(unsigned int intid)
{
	writel(1u << (intid % 32), bit_reg(intid, GICD_ICPENDR, GICR_ICPENDR0));
}

void gic_set_priority(unsigned int intid, uint8_t prio)
{
	uintptr_t base = (gic.version == 3 && intid < 32) ? my_rd() + GICR_IPRIORITYR
							  : gic.dist + GICD_IPRIORITYR;
	writeb(prio, base + intid);
}

static void irq_dispatch(struct ex_regs *regs, unsigned int esr)
{
	(void)esr;
	uint32_t iar = gic_read_iar();
	unsigned int intid = gic_iar_irqnr(iar);
	if (intid >= 1020) {
		gic_spurious[smp_processor_id()]++;
		return;
	}
	irq_fn fn = irq_handlers[intid];
	if (!fn) {
		printf("\nCPU%d: unexpected interrupt %u (IAR 0x%x)\n", smp_processor_id(), intid, iar);
		show_exception(regs, EL1H_IRQ);
		abort();
	}
	fn(regs, iar);
	gic_write_eoir(iar);
}

void install_irq_handler(unsigned int intid, irq_fn fn)
{
	if (intid < 1024)
		irq_handlers[intid] = fn;
	install_exception_handler(EL1H_IRQ, 0, irq_dispatch);
}
