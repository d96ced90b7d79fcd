/*
 * Runtime self-test: boot state, arguments, memory, exception vectors, timer,
 * PSCI, secondary CPUs and printf formatting.
 *
 * Arguments (from -append) are checked against /chosen/bootargs; these ask
 * for extra checks:
 *   mem=N       the DTB describes N MiB of RAM
 *   smp=N       the DTB describes N CPUs
 *   argc=N      argc (including argv[0]) is N
 *   unexpected  finish by executing an undefined instruction with no handler
 *               installed: the runtime must report it and exit with 63
 *   reset       finish with PSCI SYSTEM_RESET instead of exiting (run QEMU with
 *               -no-reboot: it then exits with status 0 and no EXIT: line)
 * Any other argument is only listed.
 */
#include "libguest.h"

#define MiB (1UL << 20)

/* Looked at before anything else runs: BSS must come up zeroed and .data initialised. */
static uint64_t bss_probe[512];
static volatile uint64_t data_probe = 0x0123456789abcdefUL;

/* ---------------------------------------------------------------- setup */

/* bootargs with quotes removed and whitespace runs collapsed to one space, trimmed. */
static void normalise(const char *in, char *out, size_t size)
{
	size_t n = 0;
	bool space = false;
	for (; *in && n + 2 < size; in++) {
		if (*in == '"' || *in == '\'')
			continue;
		if (*in == ' ' || *in == '\t' || *in == '\n') {
			space = n > 0;
			continue;
		}
		if (space)
			out[n++] = ' ';
		space = false;
		out[n++] = *in;
	}
	out[n] = '\0';
}

static void check_args(int argc, char **argv)
{
	static char joined[1024], expect[1024];
	size_t n = 0;
	for (int i = 1; i < argc; i++)
		n += snprintf(joined + n, sizeof(joined) - n, "%s%s", i > 1 ? " " : "", argv[i]);
	normalise(dt_bootargs(), expect, sizeof(expect));

	report(strcmp(argv[0], "selftest") == 0, "argv[0] is the program name");
	report(argv[argc] == NULL, "argv[argc] is NULL");
	report(strcmp(joined, expect) == 0, "argv matches bootargs");
	for (int i = 1; i < argc; i++)
		report_info("argv[%d] = \"%s\"", i, argv[i]);

	static char buf[64];
	char *v[8];
	int c = parse_args("  one \"two three\"  'fo ur'x ", buf, sizeof(buf), v, 7);
	report(c == 3 && strcmp(v[0], "one") == 0 && strcmp(v[1], "two three") == 0 &&
	       strcmp(v[2], "fo urx") == 0 && v[3] == NULL, "quoted arguments are split correctly");
}

static void check_expectations(int argc, char **argv)
{
	uint64_t ram_base = 0, ram = dt_memory_size(&ram_base);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "mem=", 4) == 0) {
			unsigned long want = strtoul(a + 4, NULL, 0);
			report(ram == want * MiB, "memory size is %lu MiB (DTB: %lu MiB at 0x%lx)",
			       want, (unsigned long)(ram / MiB), (unsigned long)ram_base);
		} else if (strncmp(a, "smp=", 4) == 0) {
			unsigned long want = strtoul(a + 4, NULL, 0);
			report((unsigned long)dt_cpu_count() == want && (unsigned long)nr_cpus == want,
			       "cpu count is %lu (DTB: %d)", want, dt_cpu_count());
		} else if (strncmp(a, "argc=", 5) == 0) {
			unsigned long want = strtoul(a + 5, NULL, 0);
			report((unsigned long)argc == want, "argc (with argv[0]) is %lu (got %d)", want, argc);
		}
	}
}

static void check_boot(void)
{
	report(dt_blob() != NULL, "device tree found (x0 = %p, %u bytes)", boot_dtb, dt_totalsize());
	report(dt_blob() == boot_dtb, "device tree address came in x0");
	report(current_el() == 1, "running at EL1 (entered at EL%u)", boot_el);
	report((uintptr_t)_start == 0x40200000, "image loaded at 0x40200000");
	report(console_base() == PL011_DEFAULT_BASE, "console PL011 found at 0x%lx", (unsigned long)console_base());
	/* QEMU virt's PL011 node: reg <0 0x9000000 0 0x1000>, interrupts <GIC_SPI 1 IRQ_TYPE_LEVEL_HIGH>. */
	int uart = dt_find_compatible(-1, "arm,pl011");
	uint64_t base = 0, size = 0;
	uint32_t irq[4] = { 0 };
	int cells = dt_get_interrupts(uart, irq, 4);
	report(dt_get_reg(uart, 0, &base, &size) == 0 && base == 0x09000000 && size == 0x1000,
	       "DTB pl011 reg is 0x%lx+0x%lx", (unsigned long)base, (unsigned long)size);
	report(cells == 3 && irq[0] == 0 && irq[1] == 1 && irq[2] == 4,
	       "DTB pl011 interrupts are <%u %u %u> (SPI 1, level-high)", irq[0], irq[1], irq[2]);
	int transports = 0;
	for (int n = dt_find_compatible(-1, "virtio,mmio"); n >= 0; n = dt_find_compatible(n, "virtio,mmio"))
		transports++;
	const char *model = dt_getprop(dt_path_offset("/"), "model", NULL);
	report_info("%d virtio,mmio transports in the DTB", transports);
	report_info("board \"%s\", %lu MiB RAM, %d CPUs", model ? model : "?",
		    (unsigned long)(dt_memory_size(NULL) / MiB), nr_cpus);
}

/* ---------------------------------------------------------------- memory */

static void check_sections(void)
{
	bool zero = true;
	for (unsigned i = 0; i < sizeof(bss_probe) / sizeof(bss_probe[0]); i++)
		zero &= bss_probe[i] == 0;
	report(zero, "BSS is zeroed");
	report(data_probe == 0x0123456789abcdefUL, "initialised data is loaded");
}

static void check_access_sizes(void)
{
	static volatile uint8_t buf[32] __attribute__((aligned(16)));
	volatile uint16_t *h = (volatile uint16_t *)buf;
	volatile uint32_t *w = (volatile uint32_t *)buf;
	volatile uint64_t *d = (volatile uint64_t *)buf;

	for (int i = 0; i < 8; i++)
		buf[i] = (uint8_t)(0x11 * (i + 1));
	report(d[0] == 0x8877665544332211UL, "bytes read back as little-endian doubleword");
	d[1] = 0x0102030405060708UL;
	report(buf[8] == 0x08 && buf[15] == 0x01 && h[5] == 0x0506 && w[3] == 0x01020304,
	       "doubleword read back as bytes, halfwords and words");
	h[8] = 0xbeef;
	h[9] = 0xdead;
	w[5] = 0xcafef00d;
	report(d[2] == 0xcafef00ddeadbeefUL, "halfwords and words combine into a doubleword");
	uint64_t lo, hi;
	__asm__ volatile("stp %2, %3, [%4]\n\tldp %0, %1, [%4]"
			 : "=&r"(lo), "=&r"(hi)
			 : "r"(0x1111222233334444UL), "r"(0x5555666677778888UL), "r"(&buf[16])
			 : "memory");
	report(lo == 0x1111222233334444UL && hi == 0x5555666677778888UL && buf[24] == 0x88,
	       "store pair / load pair");
}

struct range {
	uint64_t start, end;
};

static bool overlaps(uint64_t s, uint64_t e, const struct range *r, int n)
{
	for (int i = 0; i < n; i++)
		if (s < r[i].end && r[i].start < e)
			return true;
	return false;
}

/* Pattern test over every free MiB of RAM: write all, then read all, so aliasing shows up. */
static void check_ram(void)
{
	uint64_t base = 0, size = dt_memory_size(&base);
	if (!size) {
		report_skip("no memory node in the device tree");
		return;
	}
	struct range busy[4] = {
		{ base, base + 64 * 1024 },                                     /* boot stub */
		{ (uintptr_t)_start, (uintptr_t)_end },                        /* this image */
		{ (uintptr_t)dt_blob(), (uintptr_t)dt_blob() + dt_totalsize() }, /* the DTB */
		{ 0, 0 },
	};
	int chosen = dt_path_offset("/chosen");
	dt_prop_u64(chosen, "linux,initrd-start", &busy[3].start);
	dt_prop_u64(chosen, "linux,initrd-end", &busy[3].end);

	static const uint64_t offsets[] = { 0, 0x7ff8, 0x80000, MiB - 8 };
	const uint64_t patterns[2] = { 0x5a5a5a5a5a5a5a5aUL, 0xa5a5a5a5a5a5a5a5UL };
	uint64_t dense = 0;
	unsigned long chunks = 0, bad = 0;
	for (int p = 0; p < 2; p++) {
		chunks = 0;
		for (uint64_t c = base; c < base + size; c += MiB) {
			if (overlaps(c, c + MiB, busy, 4))
				continue;
			for (unsigned i = 0; i < 4; i++)
				*(volatile uint64_t *)(c + offsets[i]) = (c + offsets[i]) ^ patterns[p];
			if (!dense)
				dense = c;
			chunks++;
		}
		for (uint64_t c = base; c < base + size; c += MiB) {
			if (overlaps(c, c + MiB, busy, 4))
				continue;
			for (unsigned i = 0; i < 4; i++)
				if (*(volatile uint64_t *)(c + offsets[i]) != ((c + offsets[i]) ^ patterns[p]))
					bad++;
		}
	}
	report(chunks > 0 && bad == 0, "address patterns in %lu free MiB of RAM (%lu mismatches)", chunks, bad);

	/* Every doubleword of one free MiB, two complementary patterns. */
	bad = 0;
	for (int p = 0; p < 2 && dense; p++) {
		volatile uint64_t *m = (volatile uint64_t *)dense;
		for (uint64_t i = 0; i < MiB / 8; i++)
			m[i] = (i * 0x0101010101010101UL) ^ patterns[p];
		for (uint64_t i = 0; i < MiB / 8; i++)
			if (m[i] != ((i * 0x0101010101010101UL) ^ patterns[p]))
				bad++;
	}
	report(dense && bad == 0, "every doubleword of the MiB at 0x%lx (%lu mismatches)", (unsigned long)dense, bad);
}

/* ---------------------------------------------------------------- vectors */

static volatile uint64_t seen_esr, seen_far, seen_elr;
static volatile int seen_count;

static void record(struct ex_regs *regs, unsigned int esr)
{
	seen_esr = esr;
	seen_far = regs->far;
	seen_elr = regs->elr;
	seen_count++;
}

/* BRK, UDF and aborts return to the faulting instruction: skip it. */
static void record_and_skip(struct ex_regs *regs, unsigned int esr)
{
	record(regs, esr);
	regs->elr += 4;
}

static void brk_handler(struct ex_regs *regs, unsigned int esr)
{
	record_and_skip(regs, esr);
	regs->regs[0] = 0x600dcafe;   /* the interrupted code must see this */
}

static void check_vectors(void)
{
	uint64_t vbar = read_sysreg(vbar_el1);
	report(vbar == (uintptr_t)vectors && (vbar & 0x7ff) == 0, "VBAR_EL1 points at the runtime's vectors");

	install_exception_handler(EL1H_SYNC, EC_BRK64, brk_handler);
	seen_count = 0;
	uint64_t at, x0;
	__asm__ volatile("mov x0, #0\n\tadr %1, 1f\n1:\tbrk #0x2a\n\tmov %0, x0"
			 : "=r"(x0), "=&r"(at) : : "x0", "memory");
	report(seen_count == 1 && ESR_EC(seen_esr) == EC_BRK64 && ESR_ISS(seen_esr) == 0x2a && seen_elr == at,
	       "brk #0x2a: EC 0x3c, ISS 0x2a, ELR at the brk");
	report(x0 == 0x600dcafe, "handler's register change is seen after ERET");
	install_exception_handler(EL1H_SYNC, EC_BRK64, NULL);

	install_exception_handler(EL1H_SYNC, EC_SVC64, record);
	seen_count = 0;
	__asm__ volatile("adr %0, 1f\n\tsvc #0x11\n1:" : "=r"(at) : : "memory");
	report(seen_count == 1 && ESR_EC(seen_esr) == EC_SVC64 && ESR_ISS(seen_esr) == 0x11 && seen_elr == at,
	       "svc #0x11: EC 0x15, ISS 0x11, ELR after the svc");
	install_exception_handler(EL1H_SYNC, EC_SVC64, NULL);

	install_exception_handler(EL1H_SYNC, EC_UNKNOWN, record_and_skip);
	seen_count = 0;
	__asm__ volatile("adr %0, 1f\n1:\t.inst 0x00000000" : "=r"(at) : : "memory");
	report(seen_count == 1 && ESR_EC(seen_esr) == EC_UNKNOWN && ESR_IL(seen_esr) == 1 && seen_elr == at,
	       "udf #0: EC 0x00, IL 1, ELR at the udf");
	install_exception_handler(EL1H_SYNC, EC_UNKNOWN, NULL);

	uint64_t base = 0, size = dt_memory_size(&base);
	uint64_t hole = base + size, value;
	install_exception_handler(EL1H_SYNC, EC_DABT_CUR, record_and_skip);
	seen_count = 0;
	__asm__ volatile("adr %1, 1f\n1:\tldr %0, [%2]" : "=r"(value), "=&r"(at) : "r"(hole) : "memory");
	report(seen_count == 1 && ESR_EC(seen_esr) == EC_DABT_CUR && seen_far == hole && seen_elr == at,
	       "load from 0x%lx (just past RAM): data abort, FAR = address (ESR 0x%lx)",
	       (unsigned long)hole, (unsigned long)seen_esr);
	install_exception_handler(EL1H_SYNC, EC_DABT_CUR, NULL);
}

/* ---------------------------------------------------------------- timer, PSCI, SMP */

static void check_timer(void)
{
	uint64_t freq = read_sysreg(cntfrq_el0);
	report(freq != 0, "CNTFRQ_EL0 = %lu Hz", (unsigned long)freq);
	uint64_t t0 = read_sysreg(cntvct_el0), t1 = t0;
	for (int i = 0; i < 1000000 && t1 == t0; i++)
		t1 = read_sysreg(cntvct_el0);
	report(t1 > t0, "CNTVCT_EL0 advances");
}

static void check_psci(void)
{
	uint32_t v = psci_version();
	report(v >= 0x00000002 && v != (uint32_t)PSCI_NOT_SUPPORTED,
	       "PSCI_VERSION %u.%u via %s", v >> 16, v & 0xffff, psci_conduit());
	report(cpu_affinity_info(0) == PSCI_AFFINITY_ON, "AFFINITY_INFO(cpu0) is ON");
	report(psci_cpu_on(cpu_mpidr[0], (uintptr_t)secondary_entry, 0) == PSCI_ALREADY_ON,
	       "CPU_ON(cpu0) returns ALREADY_ON");
}

struct secondary_report {
	volatile uint64_t mpidr;
	volatile uint64_t sp;
	volatile unsigned int el;
	volatile int id;
	volatile bool ran;
};

static struct secondary_report sec[MAX_CPUS];

static void secondary_main(void *arg)
{
	struct secondary_report *r = arg;
	r->mpidr = read_sysreg(mpidr_el1) & 0xff00ffffffUL;
	r->el = current_el();
	r->id = smp_processor_id();
	uint64_t sp;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	r->sp = sp;
	dsb(sy);
	r->ran = true;
}

/* Waits up to one second (by the generic timer) for *flag, or for cpu to be off. */
static bool wait_until(volatile bool *flag, int off_cpu)
{
	uint64_t freq = read_sysreg(cntfrq_el0), start = read_sysreg(cntvct_el0);
	while (read_sysreg(cntvct_el0) - start < freq) {
		if (flag ? *flag : cpu_affinity_info(off_cpu) == PSCI_AFFINITY_OFF)
			return true;
		cpu_relax();
	}
	return false;
}

static void check_smp(void)
{
	if (nr_cpus < 2) {
		report_skip("secondary CPUs: only one CPU");
		return;
	}
	for (int cpu = 1; cpu < nr_cpus; cpu++) {
		report_prefix_pushf("cpu%d", cpu);
		int rc = cpu_on(cpu, secondary_main, &sec[cpu]);
		report(rc == PSCI_SUCCESS, "CPU_ON returns SUCCESS (%d)", rc);
		bool ran = rc == PSCI_SUCCESS && wait_until(&sec[cpu].ran, 0);
		report(ran, "runs its entry function");
		if (ran) {
			extern uint8_t secondary_stacks[][SECONDARY_STACK_SIZE];
			uint64_t lo = (uintptr_t)secondary_stacks[cpu - 1];
			report(sec[cpu].mpidr == cpu_mpidr[cpu] && sec[cpu].id == cpu,
			       "MPIDR 0x%lx matches the DTB, logical id %d", (unsigned long)sec[cpu].mpidr, sec[cpu].id);
			report(sec[cpu].el == 1, "runs at EL1");
			report(sec[cpu].sp > lo && sec[cpu].sp <= lo + SECONDARY_STACK_SIZE, "runs on its own stack");
			report(wait_until(NULL, cpu), "AFFINITY_INFO reports OFF after CPU_OFF");
		}
		report_prefix_pop();
	}
}

/* ---------------------------------------------------------------- printf, virtio */

static void check_format(const char *expect, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check_format(const char *expect, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report(strcmp(buf, expect) == 0, "\"%s\" -> \"%s\"", fmt, buf);
}

static void check_printf(void)
{
	check_format("-42|42|4294967254", "%d|%u|%u", -42, 42u, (unsigned)-42);
	check_format("[   42][42   ][00042]", "[%5d][%-5d][%05d]", 42, 42, 42);
	check_format("[-0042]", "[%05d]", -42);
	check_format("deadbeef|DEADBEEF|0000beef", "%x|%X|%08x", 0xdeadbeefu, 0xdeadbeefu, 0xbeefu);
	check_format("fedcba9876543210|123456789abcdef0", "%lx|%llx", 0xfedcba9876543210UL, 0x123456789abcdef0ULL);
	check_format("-9223372036854775808", "%ld", (long)(-9223372036854775807L - 1));
	check_format("0x40200000", "%p", (void *)0x40200000);
	check_format("[abc][  abc][ab][x][%]", "[%s][%5s][%.2s][%c][%%]", "abc", "abc", "abc", 'x');
}

static void check_virtio(void)
{
	struct virtio_mmio_dev dev;
	if (virtio_mmio_find(VIRTIO_ID_CONSOLE, &dev) != 0) {
		report_info("no virtio console: exit goes through PSCI SYSTEM_OFF");
		return;
	}
	report(dev.version == 1 || dev.version == 2, "virtio console at 0x%lx, %s transport (Version %u)",
	       (unsigned long)dev.base, dev.version == 1 ? "legacy" : "modern", dev.version);
}

int main(int argc, char **argv)
{
	report_prefix_push("selftest");

	report_prefix_push("memory");
	check_sections();
	report_prefix_pop();

	report_prefix_push("setup");
	check_boot();
	check_args(argc, argv);
	check_expectations(argc, argv);
	report_prefix_pop();

	report_prefix_push("memory");
	check_access_sizes();
	check_ram();
	report_prefix_pop();

	report_prefix_push("vectors");
	check_vectors();
	report_prefix_pop();

	report_prefix_push("timer");
	check_timer();
	report_prefix_pop();

	report_prefix_push("psci");
	check_psci();
	report_prefix_pop();

	report_prefix_push("smp");
	check_smp();
	report_prefix_pop();

	report_prefix_push("printf");
	check_printf();
	report_prefix_pop();

	report_prefix_push("virtio");
	check_virtio();
	report_prefix_pop();

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "unexpected") == 0) {
			report_info("executing an undefined instruction with no handler installed");
			__asm__ volatile(".inst 0x00000000");
			report_fail("returned from an unhandled exception");
		}
		if (strcmp(argv[i], "reset") == 0) {
			report_summary();
			report_info("calling PSCI SYSTEM_RESET");
			psci_system_reset();
			report_fail("SYSTEM_RESET returned");
		}
	}

	return report_summary();
}
