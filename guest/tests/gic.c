/*
 * gic: the interrupt controller as the board's CPUs see it (GICv2 or GICv3,
 * whichever the DTB's /intc describes).
 *   - ID and type registers agree with the CPU count and the GIC version;
 *   - every CPU sends an IPI to every CPU (itself included), each pair
 *     several times, and every IPI arrives exactly once, naming its sender;
 *   - with IRQs masked at the CPU, a polled acknowledge shows the pending,
 *     active and running-priority state: a higher-priority SGI preempts an
 *     active one, a lower one does not, and EOIs drop priority in order;
 *   - a taken interrupt is preempted by a higher-priority one inside its handler;
 *   - an SPI made pending by software (GICD_ISPENDR) is delivered to the CPU its
 *     target (GICD_ITARGETSR on v2, GICD_IROUTER on v3) names: first CPU 0
 *     (polled: pending, acknowledged, active, EOI), then the last CPU (taken).
 */
#include "libguest.h"
#include "gic.h"
#include "spinlock.h"

#define IPI_ROUNDS 20

static volatile uint32_t recv_count[MAX_CPUS][MAX_CPUS];   /* [dst][src] */
static volatile uint32_t bad_source[MAX_CPUS];
static volatile uint32_t in_flight[MAX_CPUS][MAX_CPUS];    /* [src][dst] */
static volatile uint32_t ready, done;

static void check_ids(void)
{
	report_prefix_push("ids");
	uint32_t typer = readl(gic.dist + GICD_TYPER);
	unsigned int lines = ((typer & 0x1f) + 1) * 32;
	report(lines >= 64 && lines <= 1020 + 4, "GICD_TYPER.ITLinesNumber: %u interrupt IDs", lines);
	uint32_t iidr = readl(gic.dist + GICD_IIDR);
	report((iidr & 0xfff) == 0x43b, "GICD_IIDR implementer is Arm (0x43b): 0x%08x", iidr);
	if (gic.version == 2) {
		unsigned int cpus = ((typer >> 5) & 7) + 1;
		report(cpus == (unsigned int)nr_cpus, "GICD_TYPER.CPUNumber: %u CPUs (DTB: %d)", cpus, nr_cpus);
		uint32_t ciidr = readl(gic.cpu_if + GICC_IIDR);
		report(((ciidr >> 16) & 0xf) == 2, "GICC_IIDR architecture version 2: 0x%08x", ciidr);
	} else {
		uint32_t pidr2 = readl(gic.dist + GICD_PIDR2_V3);
		report(((pidr2 >> 4) & 0xf) == 3, "GICD_PIDR2.ArchRev is 3: 0x%08x", pidr2);
		int frames = 0;
		bool numbers_ok = true;
		for (uintptr_t rd = gic.redist;; rd += 0x20000) {
			uint64_t t = readq(rd + GICR_TYPER);
			if (((t >> 8) & 0xffff) != (uint64_t)frames)
				numbers_ok = false;
			frames++;
			if (t & (1 << 4))
				break;
		}
		report(frames == nr_cpus, "%d redistributors, the last one has GICR_TYPER.Last (DTB: %d CPUs)",
		       frames, nr_cpus);
		report(numbers_ok, "GICR_TYPER.Processor_Number counts 0, 1, ...");
		bool mapped = true;
		for (int c = 0; c < nr_cpus; c++)
			mapped = mapped && gic.rd[c];
		report(mapped, "every CPU's MPIDR affinity has a redistributor");
	}
	report_prefix_pop();
}

static void ipi_handler(struct ex_regs *regs, uint32_t iar)
{
	(void)regs;
	int cpu = smp_processor_id();
	unsigned int src = gic_iar_irqnr(iar);
	/* GICv2 also names the sender in IAR[12:10]; it must agree with the SGI number. */
	if (gic.version == 2 && ((iar >> 10) & 7) != src)
		bad_source[cpu]++;
	recv_count[cpu][src]++;
	in_flight[src][cpu] = 0;
	dmb(ish);
}

static void ipi_all_pairs(void *arg)
{
	int cpu = (int)(uintptr_t)arg;
	gic_cpu_init();
	local_irq_enable();
	atomic_add_return(&ready, 1);
	while (ready < (uint32_t)nr_cpus)
		cpu_relax();
	for (int r = 0; r < IPI_ROUNDS; r++)
		for (int d = 0; d < nr_cpus; d++) {
			int dst = (cpu + d) % nr_cpus;
			while (in_flight[cpu][dst])
				cpu_relax();
			in_flight[cpu][dst] = 1;
			gic_send_sgi(dst, (unsigned int)cpu);
		}
	for (int dst = 0; dst < nr_cpus; dst++)
		while (in_flight[cpu][dst])
			cpu_relax();
	atomic_add_return(&done, 1);
	while (done < (uint32_t)nr_cpus)
		cpu_relax();
	local_irq_disable();
}

static void check_ipis(void)
{
	report_prefix_push("ipi");
	for (int c = 0; c < nr_cpus; c++)
		install_irq_handler((unsigned int)c, ipi_handler);
	for (int c = 1; c < nr_cpus; c++)
		if (cpu_on(c, ipi_all_pairs, (void *)(uintptr_t)c) != PSCI_SUCCESS)
			report_abort("CPU_ON of CPU%d failed", c);
	ipi_all_pairs((void *)0);
	int wrong = 0;
	for (int d = 0; d < nr_cpus; d++)
		for (int s = 0; s < nr_cpus; s++)
			if (recv_count[d][s] != IPI_ROUNDS) {
				if (wrong++ < 4)
					report_info("CPU%d got %u IPIs from CPU%d, expected %d", d, recv_count[d][s], s,
						    IPI_ROUNDS);
			}
	report(wrong == 0, "%d x %d CPU pairs, %d IPIs each, all received once", nr_cpus, nr_cpus, IPI_ROUNDS);
	uint32_t bad = 0;
	for (int c = 0; c < nr_cpus; c++)
		bad += bad_source[c];
	if (gic.version == 2)
		report(bad == 0, "GICC_IAR names the sending CPU (%u mismatches)", bad);
	/* Wait for the secondaries to power off. */
	for (int c = 1; c < nr_cpus; c++)
		while (cpu_affinity_info(c) != PSCI_AFFINITY_OFF)
			cpu_relax();
	report_prefix_pop();
}

/* Polled acknowledges with PSTATE.I set: the GIC state machine without taking exceptions. */
static void check_priorities(void)
{
	report_prefix_push("priority");
	enum { LOW = 9, HIGH = 10, LOWER = 11 };
	gic_set_priority(LOW, 0xa0);
	gic_set_priority(HIGH, 0x20);
	gic_set_priority(LOWER, 0xc0);
	uint32_t idle = gic_read_rpr();
	report(idle == 0xff, "running priority idle: 0x%x", idle);

	gic_send_sgi(0, LOW);
	/* Allow the SGI to become pending (a GIC may take a moment). */
	for (int i = 0; i < 1000 && !gic_irq_pending(LOW); i++)
		cpu_relax();
	report(gic_irq_pending(LOW) && !gic_irq_active(LOW), "SGI %d pending, not active", LOW);
	uint32_t iar_low = gic_read_iar();
	report(gic_iar_irqnr(iar_low) == LOW, "IAR acknowledges SGI %d: 0x%x", LOW, iar_low);
	report(gic_irq_active(LOW) && !gic_irq_pending(LOW), "SGI %d active, no longer pending", LOW);
	report(gic_read_rpr() == 0xa0, "running priority 0xa0: 0x%x", gic_read_rpr());

	gic_send_sgi(0, LOWER);
	for (int i = 0; i < 1000 && !gic_irq_pending(LOWER); i++)
		cpu_relax();
	uint32_t iar = gic_read_iar();
	report(gic_iar_irqnr(iar) == GIC_SPURIOUS, "lower-priority SGI %d does not preempt: IAR 0x%x", LOWER, iar);

	gic_send_sgi(0, HIGH);
	for (int i = 0; i < 1000 && !gic_irq_pending(HIGH); i++)
		cpu_relax();
	uint32_t iar_high = gic_read_iar();
	report(gic_iar_irqnr(iar_high) == HIGH, "higher-priority SGI %d preempts: IAR 0x%x", HIGH, iar_high);
	report(gic_read_rpr() == 0x20, "running priority 0x20: 0x%x", gic_read_rpr());
	report(gic_irq_active(LOW) && gic_irq_active(HIGH), "both SGIs active");

	gic_write_eoir(iar_high);
	report(gic_read_rpr() == 0xa0 && !gic_irq_active(HIGH) && gic_irq_active(LOW),
	       "EOI of SGI %d: back to running priority 0xa0 (0x%x), SGI %d still active", HIGH, gic_read_rpr(),
	       LOW);
	gic_write_eoir(iar_low);
	report(gic_read_rpr() == 0xff && !gic_irq_active(LOW), "EOI of SGI %d: idle again (0x%x)", LOW,
	       gic_read_rpr());

	iar = gic_read_iar();
	report(gic_iar_irqnr(iar) == LOWER, "the held-back SGI %d is acknowledged now: IAR 0x%x", LOWER, iar);
	if (gic_iar_irqnr(iar) < 1020)
		gic_write_eoir(iar);

	/* The priority mask holds back interrupts of equal or lower priority. */
	gic_set_pmr(0xa0);
	gic_send_sgi(0, LOW);
	for (int i = 0; i < 1000 && !gic_irq_pending(LOW); i++)
		cpu_relax();
	iar = gic_read_iar();
	report(gic_iar_irqnr(iar) == GIC_SPURIOUS, "PMR 0xa0 masks priority 0xa0: IAR 0x%x", iar);
	gic_set_pmr(0xff);
	iar = gic_read_iar();
	report(gic_iar_irqnr(iar) == LOW, "PMR 0xff lets it through: IAR 0x%x", iar);
	if (gic_iar_irqnr(iar) < 1020)
		gic_write_eoir(iar);
	report_prefix_pop();
}

static volatile int nest_trace[4], nest_len;

static void high_handler(struct ex_regs *regs, uint32_t iar)
{
	(void)regs;
	(void)iar;
	nest_trace[nest_len++] = 2;
}

static void low_handler(struct ex_regs *regs, uint32_t iar)
{
	(void)regs;
	(void)iar;
	nest_trace[nest_len++] = 1;
	gic_send_sgi(0, 10);
	local_irq_enable();        /* the saved ELR/SPSR are on the stack: nesting is safe */
	for (int i = 0; i < 100000 && nest_len < 2; i++)
		cpu_relax();
	local_irq_disable();
	nest_trace[nest_len++] = 3;
}

static void check_preemption(void)
{
	report_prefix_push("preemption");
	install_irq_handler(9, low_handler);
	install_irq_handler(10, high_handler);
	gic_set_priority(9, 0xa0);
	gic_set_priority(10, 0x20);
	gic_send_sgi(0, 9);
	local_irq_enable();
	for (int i = 0; i < 100000 && nest_len < 3; i++)
		cpu_relax();
	local_irq_disable();
	report(nest_len == 3 && nest_trace[0] == 1 && nest_trace[1] == 2 && nest_trace[2] == 3,
	       "higher-priority SGI taken inside the lower one's handler (trace %d %d %d, %d entries)",
	       nest_trace[0], nest_trace[1], nest_trace[2], nest_len);
	report(gic_read_rpr() == 0xff, "idle afterwards: running priority 0x%x", gic_read_rpr());
	report_prefix_pop();
}

#define TEST_SPI 100            /* an SPI no device of the virt board uses */
#define GICD_IGROUPR   0x080
#define GICD_ITARGETSR 0x800
#define GICD_IROUTER   0x6000

static void route_spi(unsigned int intid, int cpu)
{
	if (gic.version == 2) {
		writeb((uint8_t)(1u << cpu), gic.dist + GICD_ITARGETSR + intid);
	} else {
		uint64_t m = cpu_mpidr[cpu];
		writeq((m & 0xffffff) | ((m >> 32) & 0xff) << 32, gic.dist + GICD_IROUTER + 8 * intid);
		/* Group 1 (Group 0 would be signalled as FIQ). */
		uintptr_t grp = gic.dist + GICD_IGROUPR + (intid / 32) * 4;
		writel(readl(grp) | (1u << (intid % 32)), grp);
	}
}

static volatile int spi_cpu = -1;
static volatile uint32_t spi_taken;

static void spi_handler(struct ex_regs *regs, uint32_t iar)
{
	(void)regs;
	(void)iar;
	spi_cpu = smp_processor_id();
	spi_taken++;
}

static void spi_receiver(void *arg)
{
	(void)arg;
	gic_cpu_init();
	local_irq_enable();
	ready = 1;
	for (unsigned long i = 0; i < 200000000UL && !spi_taken; i++)
		cpu_relax();
	local_irq_disable();
}

static void check_spi(void)
{
	report_prefix_push("spi");
	gic_set_priority(TEST_SPI, 0x80);
	route_spi(TEST_SPI, 0);
	gic_disable_irq(TEST_SPI);
	writel(1u << (TEST_SPI % 32), gic.dist + GICD_ISPENDR + (TEST_SPI / 32) * 4);
	report(gic_irq_pending(TEST_SPI), "INTID %d pending after a GICD_ISPENDR write", TEST_SPI);
	uint32_t iar = gic_read_iar();
	report(gic_iar_irqnr(iar) == GIC_SPURIOUS, "not signalled while disabled: IAR 0x%x", iar);
	gic_clear_pending(TEST_SPI);
	report(!gic_irq_pending(TEST_SPI), "GICD_ICPENDR clears it");

	gic_enable_irq(TEST_SPI);
	writel(1u << (TEST_SPI % 32), gic.dist + GICD_ISPENDR + (TEST_SPI / 32) * 4);
	iar = gic_read_iar();
	report(gic_iar_irqnr(iar) == TEST_SPI && gic_irq_active(TEST_SPI) && !gic_irq_pending(TEST_SPI),
	       "routed to CPU0: acknowledged (IAR 0x%x), active, no longer pending", iar);
	if (gic_iar_irqnr(iar) < 1020)
		gic_write_eoir(iar);
	report(!gic_irq_active(TEST_SPI) && gic_read_rpr() == 0xff, "EOI deactivates it");

	if (nr_cpus < 2) {
		report_skip("routing to another CPU needs 2 CPUs");
	} else {
		int target = nr_cpus - 1;
		install_irq_handler(TEST_SPI, spi_handler);
		ready = 0;
		if (cpu_on(target, spi_receiver, NULL) != PSCI_SUCCESS)
			report_abort("CPU_ON of CPU%d failed", target);
		while (!ready)
			cpu_relax();
		route_spi(TEST_SPI, target);
		writel(1u << (TEST_SPI % 32), gic.dist + GICD_ISPENDR + (TEST_SPI / 32) * 4);
		while (cpu_affinity_info(target) != PSCI_AFFINITY_OFF)
			cpu_relax();
		report(spi_taken == 1 && spi_cpu == target, "routed to CPU%d: taken there once (by CPU%d, %u times)",
		       target, spi_cpu, spi_taken);
	}
	gic_disable_irq(TEST_SPI);
	report_prefix_pop();
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (gic_init() != 0)
		report_abort("no GIC found in the device tree");
	report_prefix_pushf("v%d", gic.version);
	report_info("%d CPUs, distributor at 0x%lx", nr_cpus, (unsigned long)gic.dist);
	gic_cpu_init();
	check_ids();
	check_priorities();
	check_preemption();
	check_spi();
	ready = 0;
	check_ipis();
	return report_summary();
}
