/*
 * An assigned host device (-device vfio-platform,host=timer0[,forward=on|off]):
 * Armature's host timer on the platform bus, found through the device tree.
 * The guest programs it to raise N interrupts, handles them through the GIC
 * and checks it got exactly N, each with its event (none lost, none
 * duplicated), and that the timer's DMA write of its event total reached guest
 * RAM. It does so in the mode the board starts in, then switches the interrupt
 * between forwarded (bound in the vGIC: no VMM exit per interrupt) and routed
 * through the VMM (two exits per interrupt: signal and resample) at run time,
 * while the interrupt is quiet, through the VMM control page (Armature's test
 * facility), and checks the exit counts of each mode.
 *
 * QEMU has no such host device: without it the test skips.
 */
#include "libguest.h"
#include "gic.h"

/* The host timer's registers (see docs/vfio.md). */
#define T_CTRL          0x00
#define T_PERIOD        0x04
#define T_EVENTS        0x08
#define T_COUNT         0x0c
#define T_DMA_LO        0x10
#define T_DMA_HI        0x14
#define T_STATUS        0x18
#define T_TOTAL         0x1c
#define CTRL_ENABLE     (1u << 0)
#define CTRL_DMA        (1u << 1)
/* The VMM control page. */
#define VMM_FORWARD     0x0
#define VMM_ERRNO       0x4
#define VMM_EXITS       0x8

#define ROUNDS          20      /* one interrupt per round */
#define BURST           20      /* events in the burst */
#define PERIOD_US       200

static uintptr_t regs, vmm;
static int spi;
static volatile uint32_t dma_total __attribute__((aligned(64)));

static volatile uint32_t irqs, events, empty;

static uint32_t t_read(uint32_t off) { return readl(regs + off); }
static void t_write(uint32_t off, uint32_t v) { writel(v, regs + off); }

/* Reads the pending events and acknowledges exactly those, before the runtime's EOI. */
static void timer_irq(struct ex_regs *r, uint32_t iar)
{
	(void)r;
	(void)iar;
	uint32_t n = t_read(T_EVENTS);
	t_write(T_EVENTS, n);
	if (n == 0)
		empty++;
	events += n;
	irqs++;
}

static uint64_t now(void) { return read_sysreg(cntvct_el0); }
static uint64_t ms(uint64_t n) { return read_sysreg(cntfrq_el0) / 1000 * n; }

/* Waits until *what reaches target or the deadline passes; true if it did. */
static bool wait_for(volatile uint32_t *what, uint32_t target, uint64_t timeout)
{
	uint64_t end = now() + timeout;
	while (*what < target && now() < end)
		cpu_relax();
	return *what >= target;
}

static void quiet(uint64_t t)
{
	uint64_t end = now() + t;
	while (now() < end)
		cpu_relax();
}

static bool bus_address(int node, int index, uintptr_t *addr)
{
	uint64_t off, size;
	int bus = dt_parent(node);
	int len;
	const uint8_t *ranges = dt_getprop(bus, "ranges", &len);
	if (dt_get_reg(node, index, &off, &size) != 0 || !ranges || len < 16)
		return false;
	/* The platform bus's ranges: <child-address parent-address(2 cells) size>. */
	uint64_t child = be32_to_cpu(ranges);
	uint64_t parent = (uint64_t)be32_to_cpu(ranges + 4) << 32 | be32_to_cpu(ranges + 8);
	*addr = (uintptr_t)(parent + off - child);
	return size == 0x1000;
}

static int find_device(void)
{
	int node = dt_find_compatible(-1, "armature,host-timer");
	if (node < 0)
		return -1;
	int bus = dt_parent(node);
	report(dt_node_is_compatible(bus, "qemu,platform"), "device tree: %s on the platform bus",
	       dt_node_name(node));
	bool ok = bus_address(node, 0, &regs) && bus_address(node, 1, &vmm);
	report(ok && regs >= 0x0c000000 && regs < 0x0e000000 && vmm == regs + 0x1000,
	       "device tree: registers at 0x%lx, VMM page at 0x%lx", (unsigned long)regs, (unsigned long)vmm);

	uint32_t irq[3];
	int n = dt_get_interrupts(node, irq, 3);
	report(n == 3 && irq[0] == 0 && irq[1] >= 112 && irq[1] < 176 && irq[2] == 4,
	       "device tree: interrupts <%u %u %u> (SPI from 112, level-high)", irq[0], irq[1], irq[2]);

	int dma = dt_find_compatible(-1, "armature,dma-engine");
	if (dma >= 0) {
		uintptr_t dma_regs = 0;
		uint32_t dirq[3];
		bool placed = bus_address(dma, 0, &dma_regs) && dt_get_interrupts(dma, dirq, 3) == 3;
		report(placed && dma_regs + 0x1000 <= regs && dirq[1] < irq[1],
		       "shares the bus with the DMA engine (0x%lx, SPI %u) without overlap",
		       (unsigned long)dma_regs, dirq[1]);
	}
	return ok && n == 3 ? (int)irq[1] + 32 : -1;
}

/* The SPI to CPU 0, in the group the runtime's CPU interface signals (v2: Group 0, v3: Group 1). */
static void route_spi(int intid)
{
	if (gic.version == 3) {
		uintptr_t igroupr = gic.dist + 0x080 + 4 * (intid / 32);
		writel(readl(igroupr) | 1u << (intid % 32), igroupr);
		uint64_t m = cpu_mpidr[0];
		writeq((m & 0xffffff) | (m & 0xff00000000UL), gic.dist + 0x6000 + 8 * intid); /* GICD_IROUTER */
	} else {
		writeb(1, gic.dist + 0x800 + intid);                                       /* GICD_ITARGETSR */
	}
	gic_set_priority(intid, 0xa0);
}

/* N single-event rounds, then a burst, in the current mode; checks counts, DMA and VMM exits. */
static void run_mode(void)
{
	bool fwd = readl(vmm + VMM_FORWARD) == 1;
	report_prefix_push(fwd ? "forwarded" : "through the VMM");
	uint32_t exits0 = readl(vmm + VMM_EXITS);
	irqs = events = empty = 0;

	bool timely = true;
	for (int i = 0; i < ROUNDS && timely; i++) {
		t_write(T_PERIOD, PERIOD_US);
		t_write(T_COUNT, 1);
		t_write(T_CTRL, CTRL_ENABLE | CTRL_DMA);
		timely = wait_for(&irqs, i + 1, ms(2000));
	}
	quiet(ms(5));
	report(timely && irqs == ROUNDS && events == ROUNDS && empty == 0,
	       "%d single events: %u interrupts, %u events, %u without an event", ROUNDS, irqs, events, empty);
	uint32_t exits = readl(vmm + VMM_EXITS) - exits0;
	if (fwd)
		report(exits == 0, "no VMM exit for %u interrupts (%u)", irqs, exits);
	else
		report(exits == 2 * irqs, "two VMM exits per interrupt (%u for %u)", exits, irqs);
	report(dma_total == t_read(T_TOTAL) && t_read(T_STATUS) == 0,
	       "DMA wrote the event total %u to guest RAM", dma_total);

	/* A burst: events may share an interrupt, but each interrupt has one, and all arrive. */
	irqs = events = empty = 0;
	t_write(T_PERIOD, PERIOD_US / 4);
	t_write(T_COUNT, BURST);
	t_write(T_CTRL, CTRL_ENABLE | CTRL_DMA);
	timely = wait_for(&events, BURST, ms(5000));
	quiet(ms(5));
	report(timely && events == BURST && irqs >= 1 && irqs <= BURST && empty == 0 &&
	       t_read(T_CTRL) == CTRL_DMA && t_read(T_EVENTS) == 0,
	       "a burst of %d events: all handled in %u interrupts, none empty, the timer stopped", BURST, irqs);
	report(!gic_irq_pending(spi) && !gic_irq_active(spi), "the SPI is neither pending nor active afterwards");
	report_prefix_pop();
}

static void switch_mode(bool forward)
{
	writel(forward ? 1 : 0, vmm + VMM_FORWARD);
	uint32_t err = readl(vmm + VMM_ERRNO);
	report(err == 0 && readl(vmm + VMM_FORWARD) == (forward ? 1u : 0u), "switched to %s (errno %u)",
	       forward ? "forwarded" : "through the VMM", err);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int intid = spi = find_device();
	if (intid < 0) {
		report_skip("no armature,host-timer in the device tree (QEMU has none; run with "
			    "-device vfio-platform,host=timer0)");
		return report_summary();
	}
	if (gic_init() != 0) {
		report_skip("no GIC");
		return report_summary();
	}
	gic_cpu_init();
	route_spi(intid);
	install_irq_handler(intid, timer_irq);
	gic_enable_irq(intid);
	local_irq_enable();

	uintptr_t pa = (uintptr_t)&dma_total; /* VFIO maps guest RAM one to one */
	t_write(T_DMA_LO, (uint32_t)pa);
	t_write(T_DMA_HI, (uint32_t)(pa >> 32));

	bool start = readl(vmm + VMM_FORWARD) == 1;
	run_mode();
	switch_mode(!start);
	run_mode();
	switch_mode(start);
	run_mode();

	local_irq_disable();
	gic_disable_irq(intid);
	t_write(T_CTRL, 0);
	return report_summary();
}
