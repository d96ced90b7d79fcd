/*
 * Armature's DMA test engine (-device armature-dma[,iommu=on]) on the
 * platform bus: found through the device tree, copies checked byte for byte,
 * its interrupt line seen pending at the GIC and then taken, faults outside
 * the device's address window reported in STATUS.ERROR and FAULT.
 *
 * QEMU has no such device: without it the test skips.
 *
 * Arguments:
 *   iommu   the engine must sit behind a non-identity translation described
 *           by the bus's dma-ranges (-device armature-dma,iommu=on); without
 *           it, device addresses must be physical ones (no dma-ranges)
 */
#include "libguest.h"
#include "gic.h"

/* Register map (see the engine's documentation). */
#define DMA_SRC         0x00
#define DMA_DST         0x08
#define DMA_LEN         0x10
#define DMA_CTRL        0x14
#define DMA_STATUS      0x18
#define DMA_ID          0x1c
#define DMA_FAULT       0x20
#define CTRL_GO         (1u << 0)
#define CTRL_IRQ_EN     (1u << 1)
#define STATUS_DONE     (1u << 1)
#define STATUS_ERROR    (1u << 2)
#define DMA_ID_VALUE    0x444d4130u  /* "DMA0" */

#define POLL_LIMIT      1000000

#define BUF_SIZE        (4 * 4096)

static uint8_t src_buf[BUF_SIZE] __attribute__((aligned(4096)));
static uint8_t dst_buf[BUF_SIZE + 64] __attribute__((aligned(4096)));

static uintptr_t regs;
/* Device addresses [dev_base, dev_base + window) reach physical [phys_base, ...). */
static uint64_t dev_base, phys_base, window;

static uint64_t cells(const void *p, int n)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 32 | be32_to_cpu(b + 4 * i);
	return v;
}

static int node_cells(int node, const char *name, int dflt)
{
	uint64_t v;
	return node >= 0 && dt_prop_u64(node, name, &v) == 0 ? (int)v : dflt;
}

/* One (child, parent, size) triple of a bus's "ranges" or "dma-ranges"; false if absent or empty. */
static bool bus_range(int bus, const char *prop, uint64_t *child, uint64_t *parent, uint64_t *size)
{
	int len;
	const uint8_t *p = dt_getprop(bus, prop, &len);
	int ca = node_cells(bus, "#address-cells", 2);
	int cs = node_cells(bus, "#size-cells", 1);
	int pa = node_cells(dt_parent(bus), "#address-cells", 2);
	if (!p || len < 4 * (ca + pa + cs))
		return false;
	*child = cells(p, ca);
	*parent = cells(p + 4 * ca, pa);
	*size = cells(p + 4 * (ca + pa), cs);
	return true;
}

static uint64_t dev_addr(const void *p)
{
	return (uintptr_t)p - phys_base + dev_base;
}

static uint32_t reg_read(uint32_t off) { return readl(regs + off); }
static void reg_write(uint32_t off, uint32_t v) { writel(v, regs + off); }

/* Programs and starts one copy; returns STATUS once DONE or ERROR is set (0 on timeout). */
static uint32_t dma_copy(uint64_t src, uint64_t dst, uint32_t len, uint32_t ctrl)
{
	writeq(src, regs + DMA_SRC);
	writeq(dst, regs + DMA_DST);
	reg_write(DMA_LEN, len);
	dsb(sy);
	reg_write(DMA_CTRL, ctrl | CTRL_GO);
	for (int i = 0; i < POLL_LIMIT; i++) {
		uint32_t s = reg_read(DMA_STATUS);
		if (s & (STATUS_DONE | STATUS_ERROR))
			return s;
		cpu_relax();
	}
	return 0;
}

static void fill(void)
{
	for (int i = 0; i < BUF_SIZE; i++)
		src_buf[i] = (uint8_t)(i * 7 + (i >> 8) + 1);
	memset(dst_buf, 0xa5, sizeof(dst_buf));
}

/* Index of the first byte of dst that differs from src, or -1. */
static long differs(const uint8_t *dst, const uint8_t *src, long len)
{
	for (long i = 0; i < len; i++)
		if (dst[i] != src[i])
			return i;
	return -1;
}

static long untouched_from(long from, long to)
{
	for (long i = from; i < to; i++)
		if (dst_buf[i] != 0xa5)
			return i;
	return -1;
}

static bool find_device(bool want_iommu, int *intid)
{
	int node = dt_find_compatible(-1, "armature,dma-engine");
	if (node < 0)
		return false;
	int bus = dt_parent(node);
	report(dt_node_is_compatible(bus, "simple-bus") && dt_node_is_compatible(bus, "qemu,platform"),
	       "device tree: %s sits on the platform bus (%s)", dt_node_name(node), dt_node_name(bus));

	uint64_t off, size, child, parent, span;
	bool ranged = dt_get_reg(node, 0, &off, &size) == 0 &&
		      bus_range(bus, "ranges", &child, &parent, &span) && off >= child && off + size <= child + span;
	regs = ranged ? (uintptr_t)(parent + off - child) : 0;
	report(ranged && regs == 0x0c000000 && size >= 0x28,
	       "device tree: reg 0x%lx+0x%lx through the bus ranges is 0x%lx", off, size, (unsigned long)regs);

	uint32_t irq[3];
	int n = dt_get_interrupts(node, irq, 3);
	report(n == 3 && irq[0] == 0 && irq[1] >= 112 && irq[2] == 4,
	       "device tree: interrupts <%u %u %u> (SPI from 112, level-high)", irq[0], irq[1], irq[2]);
	*intid = n == 3 ? (int)irq[1] + 32 : -1;

	uint64_t ram = dt_memory_size(&phys_base);
	if (bus_range(bus, "dma-ranges", &dev_base, &phys_base, &window)) {
		report(want_iommu && dev_base != phys_base && window <= ram,
		       "device tree: dma-ranges maps device 0x%lx+0x%lx to physical 0x%lx",
		       dev_base, window, phys_base);
	} else {
		dev_base = phys_base;
		window = ram;
		report(!want_iommu, "device tree: no dma-ranges, device addresses are physical");
	}
	report(regs != 0 && (uintptr_t)src_buf >= phys_base && (uintptr_t)dst_buf + sizeof(dst_buf) <= phys_base + window,
	       "buffers inside the DMA window");
	return regs != 0;
}

static void test_copy(void)
{
	report_prefix_push("copy");
	fill();
	/* Unaligned ends, crossing pages: 3 pages and 123 bytes. */
	uint32_t len = 3 * 4096 + 123;
	uint32_t s = dma_copy(dev_addr(src_buf + 5), dev_addr(dst_buf + 3), len, 0);
	report(s == STATUS_DONE, "STATUS is DONE (0x%x)", s);
	long d = differs(dst_buf + 3, src_buf + 5, len);
	report(d < 0, "%u bytes copied byte for byte (first difference at %ld)", len, d);
	report(untouched_from(0, 3) < 0 && untouched_from(3 + len, sizeof(dst_buf)) < 0,
	       "nothing written outside the destination");
	report(reg_read(DMA_LEN) == len && readq(regs + DMA_SRC) == dev_addr(src_buf + 5) &&
	       readq(regs + DMA_DST) == dev_addr(dst_buf + 3), "LEN, SRC and DST read back");

	reg_write(DMA_STATUS, STATUS_DONE);
	report(reg_read(DMA_STATUS) == 0, "writing 1 clears DONE");

	memset(dst_buf, 0xa5, sizeof(dst_buf));
	s = dma_copy(dev_addr(src_buf), dev_addr(dst_buf), 0, 0);
	report(s == STATUS_DONE && untouched_from(0, sizeof(dst_buf)) < 0, "zero length: DONE, nothing written");
	reg_write(DMA_STATUS, STATUS_DONE);
	report_prefix_pop();
}

static volatile int irq_count;
static volatile uint32_t irq_status;

/* Clears STATUS before the runtime's EOI: the level-sensitive line drops, so the interrupt ends. */
static void dma_irq(struct ex_regs *regs, uint32_t iar)
{
	(void)regs;
	(void)iar;
	irq_status = reg_read(DMA_STATUS);
	reg_write(DMA_STATUS, irq_status);
	irq_count++;
}

/* The engine's SPI to CPU 0, in the group the runtime's CPU interface signals (v2: Group 0, v3: Group 1). */
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

/* Starts a copy with IRQ_EN and waits for the handler; returns the STATUS it saw (0 if none came). */
static uint32_t dma_copy_irq(uint64_t src, uint64_t dst, uint32_t len)
{
	int before = irq_count;
	writeq(src, regs + DMA_SRC);
	writeq(dst, regs + DMA_DST);
	reg_write(DMA_LEN, len);
	dsb(sy);
	reg_write(DMA_CTRL, CTRL_IRQ_EN | CTRL_GO);
	for (int i = 0; i < POLL_LIMIT && irq_count == before; i++)
		cpu_relax();
	return irq_count == before ? 0 : irq_status;
}

static void test_irq(int intid)
{
	report_prefix_push("irq");
	if (intid < 0 || gic_init() != 0) {
		report_skip("no GIC or no interrupt in the device tree");
		report_prefix_pop();
		return;
	}
	gic_cpu_init();

	/* Polled first, IRQs masked: the line as the distributor's pending state shows it. */
	fill();
	uint32_t s = dma_copy(dev_addr(src_buf), dev_addr(dst_buf), 64, 0);
	report(s == STATUS_DONE && !gic_irq_pending(intid), "without IRQ_EN, INTID %d is not pending", intid);
	reg_write(DMA_STATUS, STATUS_DONE);

	s = dma_copy(dev_addr(src_buf), dev_addr(dst_buf), 64, CTRL_IRQ_EN);
	report(s == STATUS_DONE && gic_irq_pending(intid), "with IRQ_EN, DONE makes INTID %d pending", intid);
	report(reg_read(DMA_CTRL) == CTRL_IRQ_EN, "CTRL reads IRQ_EN (GO reads 0)");
	reg_write(DMA_STATUS, STATUS_DONE);
	report(!gic_irq_pending(intid), "clearing DONE deasserts the line");

	s = dma_copy(dev_addr(src_buf), dev_base + window, 64, CTRL_IRQ_EN);
	report(s == STATUS_ERROR && gic_irq_pending(intid), "an ERROR raises the line too");
	reg_write(DMA_STATUS, STATUS_ERROR);
	report(!gic_irq_pending(intid), "clearing ERROR deasserts the line");

	/* Then taken: the handler sees STATUS and clears it. */
	route_spi(intid);
	install_irq_handler(intid, dma_irq);
	gic_enable_irq(intid);
	local_irq_enable();

	fill();
	s = dma_copy_irq(dev_addr(src_buf + 1), dev_addr(dst_buf + 2), 2 * 4096 + 5);
	report(s == STATUS_DONE, "DONE interrupt taken, handler saw STATUS 0x%x", s);
	report(differs(dst_buf + 2, src_buf + 1, 2 * 4096 + 5) < 0, "the copy is complete when it arrives");
	for (int i = 0; i < 1000; i++)
		cpu_relax();
	report(irq_count == 1 && reg_read(DMA_STATUS) == 0 && !gic_irq_pending(intid),
	       "exactly one interrupt (%d), STATUS cleared, nothing pending", irq_count);

	s = dma_copy_irq(dev_base + window, dev_addr(dst_buf), 64);
	report(s == STATUS_ERROR && readq(regs + DMA_FAULT) == dev_base + window,
	       "ERROR interrupt taken, handler saw STATUS 0x%x", s);

	local_irq_disable();
	gic_disable_irq(intid);
	reg_write(DMA_CTRL, 0);
	report_prefix_pop();
}

static void test_faults(bool iommu)
{
	report_prefix_push("fault");
	uint64_t end = dev_base + window;

	fill();
	uint32_t s = dma_copy(end, dev_addr(dst_buf), 64, 0);
	report(s == STATUS_ERROR && readq(regs + DMA_FAULT) == end && untouched_from(0, sizeof(dst_buf)) < 0,
	       "source just past the window (0x%lx): ERROR, FAULT 0x%lx, nothing written", end,
	       readq(regs + DMA_FAULT));
	reg_write(DMA_STATUS, STATUS_ERROR);
	report(reg_read(DMA_STATUS) == 0, "writing 1 clears ERROR");

	s = dma_copy(dev_addr(src_buf), end + 0x100, 64, 0);
	report(s == STATUS_ERROR && readq(regs + DMA_FAULT) == end + 0x100,
	       "destination past the window: ERROR, FAULT 0x%lx", readq(regs + DMA_FAULT));
	reg_write(DMA_STATUS, STATUS_ERROR);

	/* Reading the window's last page, then beyond: the first page arrives, the second faults. */
	s = dma_copy(end - 4096, dev_addr(dst_buf), 2 * 4096, 0);
	long d = differs(dst_buf, (const uint8_t *)(uintptr_t)(end - 4096 - dev_base + phys_base), 4096);
	report(s == STATUS_ERROR && readq(regs + DMA_FAULT) == end && d < 0,
	       "copy running off the window's end: ERROR at 0x%lx, the bytes before it copied", end);
	reg_write(DMA_STATUS, STATUS_ERROR);

	if (iommu) {
		/* Behind the SMMU a physical address is no device address (the window lies elsewhere). */
		uint64_t pa = (uintptr_t)src_buf;
		fill();
		s = dma_copy(pa, dev_addr(dst_buf), 64, 0);
		report(s == STATUS_ERROR && readq(regs + DMA_FAULT) == pa && untouched_from(0, sizeof(dst_buf)) < 0,
		       "the physical address 0x%lx as a device address: ERROR, FAULT", pa);
		reg_write(DMA_STATUS, STATUS_ERROR);
	}
	report_prefix_pop();
}

int main(int argc, char **argv)
{
	bool iommu = false;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "iommu"))
			iommu = true;

	int intid;
	if (!find_device(iommu, &intid)) {
		report_skip("no armature,dma-engine in the device tree (QEMU has none; run with -device armature-dma)");
		return report_summary();
	}
	uint32_t id = reg_read(DMA_ID);
	report(id == DMA_ID_VALUE, "ID reads 0x%x", id);
	report(reg_read(DMA_STATUS) == 0, "STATUS is 0 after reset");
	test_copy();
	test_irq(intid);
	test_faults(iommu);
	return report_summary();
}
