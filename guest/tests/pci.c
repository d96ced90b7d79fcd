/*
 * pci: the generic PCIe host of the virt board and QEMU's pci-testdev.
 *   - the DTB's pcie node: pci-host-ecam-generic, ECAM reg, bus-range 0-255,
 *     the I/O and 32-bit memory windows in "ranges", and the INTx interrupt-map
 *     (slot s, pin p -> SPI 3 + (s + p - 1) mod 4, level-high);
 *   - enumeration of bus 0 through ECAM: the host bridge at 00:00.0 [1b36:0008],
 *     all-ones for absent functions, read-only IDs;
 *   - BAR sizing (write all-ones, read back the size mask and type bits) and
 *     assignment by the guest, memory and I/O decode switched by COMMAND;
 *     accesses to a window where no BAR decodes read all-ones;
 *   - pci-testdev [1b36:0005]: on each BAR, tests 0..N of the PCITestDevHdr
 *     protocol (select, read width/offset/data, 16 writes, count 0 or 16 as
 *     kvm-unit-tests accepts), at least 3 tests per BAR, and a moved BAR; the
 *     header values and counts must be exactly those QEMU 7.2 shows (register at
 *     half the BAR plus the global test number, data 0xfa or 0xce for wildcard,
 *     16 counted writes without eventfd, none with: the eventfd takes them).
 * Without "-device pci-testdev" the testdev checks are skipped.
 */
#include "libguest.h"

#define PCI_VENDOR_ID      0x00
#define PCI_DEVICE_ID      0x02
#define PCI_COMMAND        0x04
#define PCI_STATUS         0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE    0x0e
#define PCI_BAR0           0x10
#define PCI_SUBSYSTEM      0x2c
#define PCI_ROM            0x30
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN  0x3d
#define CMD_IO             0x1
#define CMD_MEMORY         0x2

#define TESTDEV_NR_WRITES  16

static uint64_t ecam, io_base, io_size, mem_base, mem_size;

static uintptr_t cfg(int devfn, int off) { return ecam + ((uint64_t)devfn << 12) + off; }
static uint32_t cfg_readl(int devfn, int off) { return readl(cfg(devfn, off)); }
static uint16_t cfg_readw(int devfn, int off) { return readw(cfg(devfn, off)); }
static uint8_t cfg_readb(int devfn, int off) { return readb(cfg(devfn, off)); }
static void cfg_writel(int devfn, int off, uint32_t v) { writel(v, cfg(devfn, off)); }
static void cfg_writew(int devfn, int off, uint16_t v) { writew(v, cfg(devfn, off)); }

static int check_dt(void)
{
	int node = dt_find_compatible(-1, "pci-host-ecam-generic");
	if (node < 0) {
		report_fail("DTB: no pci-host-ecam-generic node");
		return -1;
	}
	uint64_t size;
	dt_get_reg(node, 0, &ecam, &size);
	report(size == 0x10000000, "DTB: ECAM at 0x%lx, 0x%lx bytes (256 buses)", ecam, size);
	int len;
	const uint8_t *p = dt_getprop(node, "bus-range", &len);
	report(p && len == 8 && be32_to_cpu(p) == 0 && be32_to_cpu(p + 4) == 255, "DTB: bus-range 0-255");
	p = dt_getprop(node, "device_type", &len);
	report(p && !strcmp((const char *)p, "pci"), "DTB: device_type \"pci\"");
	p = dt_getprop(node, "ranges", &len);
	int windows = 0;
	for (int i = 0; p && i + 28 <= len; i += 28) {
		uint32_t space = be32_to_cpu(p + i) >> 24 & 3;
		uint64_t pci = (uint64_t)be32_to_cpu(p + i + 4) << 32 | be32_to_cpu(p + i + 8);
		uint64_t cpu = (uint64_t)be32_to_cpu(p + i + 12) << 32 | be32_to_cpu(p + i + 16);
		uint64_t sz = (uint64_t)be32_to_cpu(p + i + 20) << 32 | be32_to_cpu(p + i + 24);
		report_info("range: space %u pci 0x%lx cpu 0x%lx size 0x%lx", space, pci, cpu, sz);
		if (space == 1 && pci == 0) {
			io_base = cpu;
			io_size = sz;
			windows++;
		} else if (space == 2 && pci == cpu) {
			mem_base = cpu;
			mem_size = sz;
			windows++;
		}
	}
	report(windows == 2 && io_size >= 0x1000 && mem_size >= 0x100000,
	       "DTB: I/O window at 0x%lx (0x%lx), 32-bit memory window at 0x%lx (0x%lx)", io_base, io_size,
	       mem_base, mem_size);

	/* interrupt-map: <devfn-hi 0 0 pin> <intc phandle> <0 0> <GIC_SPI spi flags> per entry. */
	p = dt_getprop(node, "interrupt-map", &len);
	int entries = 0, good = 0;
	for (int i = 0; p && i + 40 <= len; i += 40, entries++) {
		uint32_t slot = be32_to_cpu(p + i) >> 11 & 0x1f, pin = be32_to_cpu(p + i + 12);
		uint32_t type = be32_to_cpu(p + i + 28), spi = be32_to_cpu(p + i + 32), flags = be32_to_cpu(p + i + 36);
		if (type == 0 && spi == 3 + (slot + pin - 1) % 4 && flags == 4)
			good++;
	}
	report(entries == 16 && good == 16, "DTB: interrupt-map swizzles INTA-D of 4 slots onto SPIs 3-6 "
	       "(%d entries, %d as expected)", entries, good);
	p = dt_getprop(node, "interrupt-map-mask", &len);
	report(p && len == 16 && be32_to_cpu(p) == 0x1800 && be32_to_cpu(p + 12) == 7,
	       "DTB: interrupt-map-mask <0x1800 0 0 7>");
	return ecam && io_base && mem_base ? 0 : -1;
}

struct bar {
	bool io, is64;
	uint64_t size;
	uint64_t addr;   /* assigned: CPU physical address */
};

/* Sizes BAR n of devfn by writing all-ones; returns false if it is not implemented. */
static bool size_bar(int devfn, int n, struct bar *b)
{
	int off = PCI_BAR0 + 4 * n;
	uint32_t old = cfg_readl(devfn, off);
	cfg_writel(devfn, off, 0xffffffff);
	uint32_t mask = cfg_readl(devfn, off);
	cfg_writel(devfn, off, old);
	if (mask == 0)
		return false;
	b->io = mask & 1;
	b->is64 = !b->io && (mask & 6) == 4;
	uint32_t m = b->io ? (mask & ~3u) | 0xffff0000u : mask & ~0xfu;
	b->size = (uint32_t)(~m + 1);
	report_info("%02x.%x BAR%d: raw mask 0x%08x, %s, %lu bytes", devfn >> 3, devfn & 7, n, mask,
		    b->io ? "I/O" : b->is64 ? "64-bit memory" : "32-bit memory", b->size);
	return true;
}

static uint64_t next_mem, next_io;

static uint64_t assign(int devfn, int n, struct bar *b)
{
	uint64_t *next = b->io ? &next_io : &next_mem;
	*next = (*next + b->size - 1) & ~(b->size - 1);
	uint64_t pci = *next;
	*next += b->size;
	cfg_writel(devfn, PCI_BAR0 + 4 * n, (uint32_t)pci);
	b->addr = b->io ? io_base + pci : pci;
	return pci;
}

static int testdev_devfn = -1;
static struct bar testdev_bars[2];

static void enumerate(void)
{
	report_prefix_push("enum");
	int found = 0;
	bool ids_ok = true;
	for (int devfn = 0; devfn < 256; devfn++) {
		uint32_t id = cfg_readl(devfn, PCI_VENDOR_ID);
		if (id == 0xffffffff)
			continue;
		found++;
		uint32_t class = cfg_readl(devfn, PCI_CLASS_REVISION);
		report_info("%02x.%x [%04x:%04x] class 0x%06x rev %u header 0x%02x status 0x%04x subsys 0x%08x "
			    "pin %u cfg[0x100] 0x%08x", devfn >> 3, devfn & 7, id & 0xffff, id >> 16, class >> 8,
			    class & 0xff, cfg_readb(devfn, PCI_HEADER_TYPE), cfg_readw(devfn, PCI_STATUS),
			    cfg_readl(devfn, PCI_SUBSYSTEM), cfg_readb(devfn, PCI_INTERRUPT_PIN),
			    cfg_readl(devfn, 0x100));
		/* IDs are read-only. */
		cfg_writel(devfn, PCI_VENDOR_ID, 0x12345678);
		cfg_writel(devfn, PCI_CLASS_REVISION, 0);
		ids_ok &= cfg_readl(devfn, PCI_VENDOR_ID) == id && cfg_readl(devfn, PCI_CLASS_REVISION) == class;
		if (id == 0x00051b36)
			testdev_devfn = devfn;
		if ((devfn & 7) == 0 && !(cfg_readb(devfn, PCI_HEADER_TYPE) & 0x80))
			devfn += 7;  /* single-function device */
	}
	report(cfg_readl(0, PCI_VENDOR_ID) == 0x00081b36, "00:00.0 is the host bridge [1b36:0008]");
	report(cfg_readl(0, PCI_CLASS_REVISION) >> 8 == 0x060000, "host bridge class 0x060000");
	report(ids_ok, "vendor, device, class and revision are read-only");
	report(cfg_readl(0x1f << 3, PCI_VENDOR_ID) == 0xffffffff && cfg_readw(0x1f << 3, PCI_DEVICE_ID) == 0xffff,
	       "an absent function reads all-ones");
	/* Line is read/write; pin is read-only. */
	uint8_t pin = cfg_readb(0, PCI_INTERRUPT_PIN);
	cfg_writew(0, PCI_INTERRUPT_LINE, 0x5a5a);
	report(cfg_readb(0, PCI_INTERRUPT_LINE) == 0x5a && cfg_readb(0, PCI_INTERRUPT_PIN) == pin,
	       "INTERRUPT_LINE is writable, INTERRUPT_PIN is not");
	cfg_writew(0, PCI_INTERRUPT_LINE, pin << 8);
	report(found >= 1, "%d function(s) on bus 0", found);
	report_prefix_pop();
}

/* Runs one PCITestDevHdr test on a BAR; returns false once the test number is past the last one. */
static bool testdev_one(struct bar *b, int nr)
{
	uintptr_t base = b->addr;
	writeb(nr, base);
	uint8_t width = readb(base + 1);
	if (width != 1 && width != 2 && width != 4)
		return false;
	uint32_t off = readl(base + 4), data = readl(base + 8), count0 = readl(base + 12);
	char name[32];
	int i;
	for (i = 0; i < 31 && (name[i] = readb(base + 16 + i)); i++)
		;
	name[i] = 0;
	for (i = 0; i < TESTDEV_NR_WRITES; i++) {
		switch (width) {
		case 1: writeb(data, base + off); break;
		case 2: writew(data, base + off); break;
		case 4: writel(data, base + off); break;
		}
	}
	uint32_t count = readl(base + 12);
	report(count0 == 0 && (count == 0 || count == TESTDEV_NR_WRITES),
	       "test %d \"%s\": width %u, offset 0x%x, data 0x%x, count %u then %u", nr, name, width, off, data,
	       count0, count);
	/* QEMU 7.2's values. */
	static const char *const tests[] = { "no-eventfd", "wildcard-eventfd", "datamatch-eventfd" };
	int global = (b->io ? 3 : 0) + nr;
	char want[32];
	snprintf(want, sizeof(want), "%s-%s", b->io ? "portio" : "mmio", nr < 3 ? tests[nr] : "?");
	report(readb(base) == global && off == b->size / 2 + global && data == (nr == 1 ? 0xce : 0xfa) &&
	       !strcmp(name, want) && count == (nr == 0 ? TESTDEV_NR_WRITES : 0),
	       "test %d as on QEMU: number %d, name %s, offset 0x%lx, count %d", nr, global, want,
	       b->size / 2 + global, nr == 0 ? TESTDEV_NR_WRITES : 0);
	return true;
}

static void testdev(void)
{
	report_prefix_push("testdev");
	if (testdev_devfn < 0) {
		report_skip("no pci-testdev (-device pci-testdev)");
		report_prefix_pop();
		return;
	}
	int d = testdev_devfn;
	next_mem = mem_base;
	next_io = 0x1000;
	int bars = 0;
	for (int n = 0; n < 2; n++) {
		if (!size_bar(d, n, &testdev_bars[n]))
			continue;
		bars++;
		assign(d, n, &testdev_bars[n]);
	}
	struct bar *mem = &testdev_bars[0], *io = &testdev_bars[1];
	report(bars == 2 && !mem->io && !mem->is64 && io->io && mem->size >= 32 && io->size >= 32,
	       "BAR0 32-bit memory (%lu bytes), BAR1 I/O (%lu bytes)", mem->size, io->size);
	if (bars != 2) {
		report_prefix_pop();
		return;
	}
	report(readl(mem->addr + 4) == 0xffffffff && readl(io->addr + 4) == 0xffffffff,
	       "with decode off, the windows read all-ones");
	cfg_writew(d, PCI_COMMAND, CMD_IO | CMD_MEMORY);
	report((cfg_readw(d, PCI_COMMAND) & 3) == 3, "COMMAND: memory and I/O decode enabled");

	const char *names[] = { "mmio", "portio" };
	for (int n = 0; n < 2; n++) {
		report_prefix_push(names[n]);
		int tests = 0;
		while (testdev_one(&testdev_bars[n], tests) && tests < 16)
			tests++;
		report(tests == 3, "%d tests on BAR%d (QEMU 7.2 has 3)", tests, n);
		report_prefix_pop();
	}

	/*
	 * As on QEMU, the device takes bytes: a 16-bit write of the data at a test's register counts once (its
	 * low byte), and is too wide for the datamatch eventfd, so the device counts it there too.
	 */
	writeb(0, mem->addr);
	writew(0xfa, mem->addr + 0x800);
	uint32_t c0 = readl(mem->addr + 12);
	writeb(2, mem->addr);
	writew(0xfa, mem->addr + 0x802);
	writeb(0xfa, mem->addr + 0x802);
	uint32_t c2 = readl(mem->addr + 12);
	writeb(3, mem->addr);
	report(c0 == 1 && c2 == 1 && readl(mem->addr) == 0, "16-bit writes count as bytes (%u, %u); test 3 deselects",
	       c0, c2);

	/* Move BAR0: the header follows it, the old address reads all-ones. */
	uint64_t old = mem->addr;
	next_mem = mem_base + 0x100000;
	assign(d, 0, mem);
	writeb(0, mem->addr);
	report(readb(mem->addr + 1) != 0xff && readl(old + 4) == 0xffffffff,
	       "BAR0 moved to 0x%lx: decoded there, not at 0x%lx", mem->addr, old);
	cfg_writew(d, PCI_COMMAND, 0);
	report(readl(mem->addr + 4) == 0xffffffff && readl(io->addr + 4) == 0xffffffff,
	       "decode disabled again: all-ones");
	report_prefix_pop();
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (check_dt() < 0)
		return report_summary();
	enumerate();
	testdev();
	return report_summary();
}
