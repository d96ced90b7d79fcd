/*
 * pl031: the virt board's RTC and its match interrupt through the GIC.
 *   - the DTB's arm,pl031 node: its reg and SPI 2 (INTID 34), level-high;
 *   - ID registers, RTCCR reading 1, RTCDR a plausible UTC time that advances,
 *     RTCLR setting the counter;
 *   - the match with the interrupt masked: RTCRIS set, RTCMIS clear, INTID 34
 *     not pending at the GIC; unmasking RTCIMSC makes it pending;
 *   - the interrupt taken at EL1 on the CPU it is routed to (GICD_ITARGETSR or
 *     GICD_IROUTER): every CPU in turn when there are several, each waiting in
 *     WFI; the handler clears it with RTCICR, so it is taken exactly once and
 *     RTCRIS reads 0 afterwards.
 */
#include "libguest.h"
#include "gic.h"
#include "spinlock.h"

#define RTCDR    0x00
#define RTCMR    0x04
#define RTCLR    0x08
#define RTCCR    0x0c
#define RTCIMSC  0x10
#define RTCRIS   0x14
#define RTCMIS   0x18
#define RTCICR   0x1c
#define RTC_SPI  2
#define RTC_IRQ  (32 + RTC_SPI)
#define GICD_IGROUPR   0x080
#define GICD_ITARGETSR 0x800
#define GICD_IROUTER   0x6000

static uintptr_t rtc;
static uint64_t freq;
static volatile uint32_t taken[MAX_CPUS], ris_after[MAX_CPUS], waiting, done;
static volatile int target = -1;

static uint64_t now(void) { isb(); return read_sysreg(cntvct_el0); }

static void rtc_handler(struct ex_regs *regs, uint32_t iar)
{
	(void)regs;
	(void)iar;
	int cpu = smp_processor_id();
	writel(1, rtc + RTCICR);
	ris_after[cpu] = readl(rtc + RTCRIS);
	taken[cpu]++;
}

/* Waits until RTCRIS is set, up to 3 s of counter time. */
static bool wait_ris(void)
{
	for (uint64_t start = now(); now() - start < 3 * freq;)
		if (readl(rtc + RTCRIS) & 1)
			return true;
	return false;
}

/* The RTC's SPI to one CPU, in the group the runtime's CPU interface signals as IRQ (v2: 0, v3: 1). */
static void route_to(int cpu)
{
	if (gic.version == 2) {
		writeb(1u << cpu, gic.dist + GICD_ITARGETSR + RTC_IRQ);
	} else {
		uintptr_t igroupr = gic.dist + GICD_IGROUPR + 4 * (RTC_IRQ / 32);
		writel(readl(igroupr) | 1u << (RTC_IRQ % 32), igroupr);
		writeq(cpu_mpidr[cpu] & 0xff00ffffffull, gic.dist + GICD_IROUTER + 8 * RTC_IRQ);
	}
	gic_set_priority(RTC_IRQ, 0xa0);
}

static void check_dt(void)
{
	int node = dt_find_compatible(-1, "arm,pl031");
	uint64_t base = 0, size = 0;
	uint32_t irq[3] = { 0 };
	if (node >= 0) {
		dt_get_reg(node, 0, &base, &size);
		dt_get_interrupts(node, irq, 3);
	}
	rtc = base;
	report(base == 0x09010000 && size == 0x1000, "DTB: arm,pl031 at 0x%lx (0x%lx bytes)", base, size);
	report(irq[0] == 0 && irq[1] == RTC_SPI && irq[2] == 4, "DTB: SPI %u, flags %u (level-high)", irq[1], irq[2]);
}

static void check_registers(void)
{
	uint32_t id = 0, cell = 0;
	for (int i = 0; i < 4; i++) {
		id |= (readl(rtc + 0xfe0 + 4 * i) & 0xff) << (8 * i);
		cell |= (readl(rtc + 0xff0 + 4 * i) & 0xff) << (8 * i);
	}
	report((id & 0xfffff) == 0x41031 && cell == 0xb105f00d, "PeriphID 0x%08x, PCellID 0x%08x", id, cell);
	report(readl(rtc + RTCCR) == 1, "RTCCR reads 1 (started)");
	uint32_t t = readl(rtc + RTCDR);
	report(t > 1577836800u, "RTCDR %u is after 2020-01-01", t);   /* -rtc base=utc */
	uint32_t t2 = t;
	for (uint64_t start = now(); t2 == t && now() - start < 3 * freq;)
		t2 = readl(rtc + RTCDR);
	report(t2 == t + 1, "RTCDR advances by one second (%u -> %u)", t, t2);
	writel(1000000, rtc + RTCLR);
	uint32_t set = readl(rtc + RTCDR);
	report(set - 1000000 <= 1 && readl(rtc + RTCLR) == 1000000, "RTCLR sets the counter (%u)", set);
	writel(t2, rtc + RTCLR);
}

/* One match while masked, seen in RTCRIS and the GIC, then unmasked: pending. */
static void check_masked(void)
{
	writel(0, rtc + RTCIMSC);
	writel(1, rtc + RTCICR);
	route_to(0);
	gic_enable_irq(RTC_IRQ);
	writel(readl(rtc + RTCDR) + 1, rtc + RTCMR);
	bool ris = wait_ris();
	report(ris && !(readl(rtc + RTCMIS) & 1), "match with RTCIMSC clear: RTCRIS 1, RTCMIS 0");
	report(!gic_irq_pending(RTC_IRQ), "INTID %d not pending while masked", RTC_IRQ);
	writel(1, rtc + RTCIMSC);
	report((readl(rtc + RTCMIS) & 1) && gic_irq_pending(RTC_IRQ), "RTCIMSC set: RTCMIS 1, INTID %d pending",
	       RTC_IRQ);
	writel(1, rtc + RTCICR);
	report(!(readl(rtc + RTCRIS) & 1) && !gic_irq_pending(RTC_IRQ), "RTCICR clears RTCRIS and the line");
	writel(0, rtc + RTCIMSC);
}

/* Each CPU waits in WFI with interrupts unmasked until it has taken the RTC interrupt routed to it. */
static void waiter(void *arg)
{
	int cpu = (int)(uintptr_t)arg;
	if (cpu != 0)
		gic_cpu_init();
	atomic_add_return(&waiting, 1);
	while (target != cpu)
		cpu_relax();
	for (uint64_t start = now(); !taken[cpu] && now() - start < 4 * freq;) {
		wfi();
		local_irq_enable();
		local_irq_disable();
	}
	target = -1;
	if (cpu != 0)
		atomic_add_return(&done, 1);
}

static void check_delivery(void)
{
	for (int c = 1; c < nr_cpus; c++)
		if (cpu_on(c, waiter, (void *)(uintptr_t)c) != PSCI_SUCCESS)
			report_abort("CPU_ON of CPU%d failed", c);
	while (waiting < (uint32_t)nr_cpus - 1)
		cpu_relax();
	for (int c = nr_cpus - 1; c >= 0; c--) {
		route_to(c);
		writel(1, rtc + RTCICR);
		writel(1, rtc + RTCIMSC);
		dsb(ish);
		target = c;
		writel(readl(rtc + RTCDR) + 1, rtc + RTCMR);
		if (c == 0)
			waiter((void *)0);
		while (target == c)
			cpu_relax();
		writel(0, rtc + RTCIMSC);
	}
	while (done < (uint32_t)nr_cpus - 1)
		cpu_relax();
	int wrong = 0;
	for (int c = 0; c < nr_cpus; c++) {
		if (taken[c] != 1 || ris_after[c] != 0) {
			wrong++;
			report_info("CPU%d: taken %u times, RTCRIS %u after RTCICR", c, taken[c], ris_after[c]);
		}
	}
	report(wrong == 0, "each of %d CPUs took the match interrupt routed to it once, cleared by RTCICR",
	       nr_cpus);
	gic_disable_irq(RTC_IRQ);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (gic_init() != 0)
		report_abort("no GIC found in the device tree");
	gic_cpu_init();
	report_prefix_pushf("gicv%d", gic.version);
	freq = read_sysreg(cntfrq_el0);
	check_dt();
	if (!rtc)
		return report_summary();
	install_irq_handler(RTC_IRQ, rtc_handler);
	check_registers();
	check_masked();
	check_delivery();
	return report_summary();
}
