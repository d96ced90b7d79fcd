/*
 * timer: the generic timer's EL1 virtual and physical timers through the GIC.
 * For each timer:
 *   - the DTB's /timer node names it as the expected PPI (virtual 27, physical 30);
 *   - TVAL counts down from the value written, CVAL = counter + TVAL;
 *   - once the compare value passes, CTL.ISTATUS is set; with CTL.IMASK set the
 *     interrupt line stays low (the PPI is not pending), TVAL reads negative;
 *   - clearing IMASK raises the line: the PPI becomes pending, and is taken
 *     exactly once when PSTATE.I is cleared (the handler masks the timer);
 *   - WFI with interrupts masked at the CPU wakes up when the timer fires, no
 *     earlier than the compare value.
 * With several CPUs, each one arms its own virtual timer with a different
 * deadline and waits in WFI: every CPU must get exactly one interrupt, its own
 * (the PPIs and timers are per CPU), no earlier than its deadline.
 */
#include "libguest.h"
#include "gic.h"
#include "spinlock.h"

#define CTL_ENABLE  1u
#define CTL_IMASK   2u
#define CTL_ISTATUS 4u

struct timer {
	const char *name;
	unsigned int intid;
	unsigned int dt_index;    /* position in the /timer "interrupts" list */
	uint64_t (*ctl)(void);
	void (*set_ctl)(uint64_t);
	int32_t (*tval)(void);
	void (*set_tval)(int32_t);
	uint64_t (*cval)(void);
	uint64_t (*count)(void);
};

static uint64_t v_ctl(void) { return read_sysreg(cntv_ctl_el0); }
static void v_set_ctl(uint64_t v) { write_sysreg(cntv_ctl_el0, v); isb(); }
static int32_t v_tval(void) { return (int32_t)read_sysreg(cntv_tval_el0); }
static void v_set_tval(int32_t v) { write_sysreg(cntv_tval_el0, (uint64_t)(uint32_t)v); isb(); }
static uint64_t v_cval(void) { return read_sysreg(cntv_cval_el0); }
static uint64_t v_count(void) { isb(); return read_sysreg(cntvct_el0); }
static uint64_t p_ctl(void) { return read_sysreg(cntp_ctl_el0); }
static void p_set_ctl(uint64_t v) { write_sysreg(cntp_ctl_el0, v); isb(); }
static int32_t p_tval(void) { return (int32_t)read_sysreg(cntp_tval_el0); }
static void p_set_tval(int32_t v) { write_sysreg(cntp_tval_el0, (uint64_t)(uint32_t)v); isb(); }
static uint64_t p_cval(void) { return read_sysreg(cntp_cval_el0); }
static uint64_t p_count(void) { isb(); return read_sysreg(cntpct_el0); }

static const struct timer timers[] = {
	{ "vtimer", TIMER_VIRT_IRQ, 2, v_ctl, v_set_ctl, v_tval, v_set_tval, v_cval, v_count },
	{ "ptimer", TIMER_PHYS_IRQ, 1, p_ctl, p_set_ctl, p_tval, p_set_tval, p_cval, p_count },
};

static const struct timer *current;
static volatile int fired;
static volatile uint32_t cpu_fired[MAX_CPUS], cpu_early[MAX_CPUS], cpu_done;
static volatile uint64_t fired_ctl;

static void timer_handler(struct ex_regs *regs, uint32_t iar)
{
	(void)regs;
	(void)iar;
	fired_ctl = current->ctl();
	current->set_ctl(CTL_ENABLE | CTL_IMASK);   /* lower the line before EOI */
	fired++;
	cpu_fired[smp_processor_id()]++;
}

static uint64_t freq;

/* Waits up to 1 s of counter time for the handler: an emulator may deliver a little after the deadline. */
static void wait_fired(const struct timer *t)
{
	for (uint64_t start = t->count(); !fired && t->count() - start < freq;)
		cpu_relax();
}

static void check_dt(const struct timer *t)
{
	int node = dt_find_compatible(-1, "arm,armv8-timer");
	uint32_t cells[12];
	int n = node >= 0 ? dt_get_interrupts(node, cells, 12) : 0;
	if (n < 12) {
		report_fail("/timer node with 4 interrupts (%d cells)", n);
		return;
	}
	uint32_t type = cells[3 * t->dt_index], num = cells[3 * t->dt_index + 1];
	report(type == 1 && num + 16 == t->intid, "DTB: PPI %u (INTID %u), expected INTID %u", num, num + 16,
	       t->intid);
}

static void check_timer(const struct timer *t)
{
	report_prefix_push(t->name);
	current = t;
	check_dt(t);

	/* TVAL counts down; CVAL = count + TVAL. */
	t->set_ctl(0);
	int32_t ten_s = (int32_t)(freq * 10 > 0x7fffffff ? 0x7fffffff : freq * 10);
	uint64_t before = t->count();
	t->set_tval(ten_s);
	uint64_t after = t->count();
	uint64_t cval = t->cval();
	report(cval >= before + (uint64_t)ten_s && cval <= after + (uint64_t)ten_s,
	       "CVAL = counter + TVAL (0x%lx in [0x%lx, 0x%lx])", cval, before + ten_s, after + ten_s);
	int32_t a = t->tval();
	for (uint64_t start = t->count(); t->count() - start < freq / 1000;)
		cpu_relax();
	int32_t b = t->tval();
	report(a <= ten_s && b < a && b > 0, "TVAL counts down: %d, then %d (written %d)", a, b, ten_s);

	/* Expired but masked: ISTATUS set, the line low, TVAL negative. */
	t->set_ctl(CTL_ENABLE | CTL_IMASK);
	t->set_tval((int32_t)(freq / 10000));      /* 100 us */
	while ((int64_t)(t->count() - t->cval()) < (int64_t)(freq / 10000))
		cpu_relax();
	/* QEMU 7.2 updates ISTATUS from a host timer callback, which may lag behind the counter: allow 1 s. */
	uint64_t ctl = t->ctl();
	for (uint64_t start = t->count(); !(ctl & CTL_ISTATUS) && t->count() - start < freq; ctl = t->ctl())
		cpu_relax();
	report((ctl & CTL_ISTATUS) && (ctl & CTL_IMASK), "ISTATUS set after the compare value, IMASK kept (CTL 0x%lx)", ctl);
	report(t->tval() < 0, "TVAL negative after expiry: %d", t->tval());
	gic_enable_irq(t->intid);
	report(!gic_irq_pending(t->intid), "IMASK keeps INTID %u from being pending", t->intid);

	/* Unmasked with PSTATE.I set: pending at the GIC; taken once PSTATE.I is cleared. */
	fired = 0;
	t->set_ctl(CTL_ENABLE);
	bool pending = false;
	for (uint64_t start = t->count(); !pending && t->count() - start < freq;)
		pending = gic_irq_pending(t->intid);
	report(pending, "clearing IMASK makes INTID %u pending", t->intid);
	local_irq_enable();
	wait_fired(t);
	local_irq_disable();
	report(fired == 1 && (fired_ctl & CTL_ISTATUS), "interrupt taken once when unmasked (%d, CTL 0x%lx)",
	       fired, (unsigned long)fired_ctl);

	/* WFI wakes up when the timer fires (interrupts masked at the CPU, so none is lost before WFI). */
	fired = 0;
	t->set_ctl(0);
	t->set_tval((int32_t)(freq / 100));        /* 10 ms */
	uint64_t deadline = t->cval();
	uint64_t isr = read_sysreg(isr_el1);
	report(!(isr & (1 << 7)), "ISR_EL1.I clear before WFI, nothing pending (ISR 0x%lx, %u spurious IAR)",
	       (unsigned long)isr, gic_spurious[0]);
	t->set_ctl(CTL_ENABLE);
	/* WFI may also wake up for other reasons (it may even be a NOP): count the early wake-ups. */
	unsigned int wakes = 0;
	uint64_t woke;
	do {
		wfi();
		wakes++;
		woke = t->count();
	} while (woke < deadline && wakes < 1000000);
	if (wakes > 1)
		report_info("WFI returned %u times before the deadline", wakes - 1);
	local_irq_enable();
	wait_fired(t);
	local_irq_disable();
	report(woke >= deadline && fired == 1, "WFI woke up %ld ticks after the deadline, interrupt taken (%d)",
	       (long)(woke - deadline), fired);
	t->set_ctl(0);
	gic_disable_irq(t->intid);
	report_prefix_pop();
}

/* Each CPU: its own virtual timer, (cpu + 1) * 5 ms ahead. */
static void per_cpu_timer(void *arg)
{
	int cpu = (int)(uintptr_t)arg;
	const struct timer *t = &timers[0];
	if (cpu != 0)
		gic_cpu_init();
	gic_enable_irq(t->intid);
	t->set_ctl(0);
	t->set_tval((int32_t)(freq / 200 * (uint64_t)(cpu + 1)));
	uint64_t deadline = t->cval();
	t->set_ctl(CTL_ENABLE);
	for (uint64_t start = t->count(); !cpu_fired[cpu] && t->count() - start < 2 * freq;) {
		wfi();
		local_irq_enable();   /* take it if it is pending, then mask again for the next WFI */
		local_irq_disable();
	}
	if (t->count() < deadline)
		cpu_early[cpu] = 1;
	t->set_ctl(0);
	gic_disable_irq(t->intid);
	atomic_add_return(&cpu_done, 1);
}

static void check_per_cpu(void)
{
	report_prefix_push("per-cpu");
	if (nr_cpus < 2) {
		report_skip("needs 2 CPUs");
		report_prefix_pop();
		return;
	}
	current = &timers[0];
	for (int c = 0; c < nr_cpus; c++)
		cpu_fired[c] = 0;
	dsb(ish);
	for (int c = 1; c < nr_cpus; c++)
		if (cpu_on(c, per_cpu_timer, (void *)(uintptr_t)c) != PSCI_SUCCESS)
			report_abort("CPU_ON of CPU%d failed", c);
	per_cpu_timer((void *)0);
	while (cpu_done < (uint32_t)nr_cpus)
		cpu_relax();
	int wrong = 0;
	for (int c = 0; c < nr_cpus; c++)
		if (cpu_fired[c] != 1 || cpu_early[c]) {
			wrong++;
			report_info("CPU%d: %u interrupts%s", c, cpu_fired[c], cpu_early[c] ? ", before its deadline" : "");
		}
	report(wrong == 0, "%d CPUs, each took exactly its own virtual timer interrupt after its deadline", nr_cpus);
	report_prefix_pop();
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
	report(freq >= 1000000, "CNTFRQ_EL0 = %lu Hz", (unsigned long)freq);
	for (size_t i = 0; i < sizeof(timers) / sizeof(timers[0]); i++) {
		install_irq_handler(timers[i].intid, timer_handler);
		check_timer(&timers[i]);
	}
	check_per_cpu();
	return report_summary();
}
