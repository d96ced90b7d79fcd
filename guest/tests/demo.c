/*
 * What `armature` runs with no arguments: describes the board it finds and
 * draws the Mandelbrot set in ASCII with fixed-point integer arithmetic
 * (about 1.2 million instructions in all), then powers off through PSCI.
 */
#include "libguest.h"

#define FRAC 28                        /* Q35.28 fixed point */
#define FIX(num, den) ((int64_t)(num) * (1LL << FRAC) / (den))
#define COLS 72
#define ROWS 28
#define MAX_ITER 48

static const char *part_name(uint64_t midr)
{
	if ((midr >> 24 & 0xff) != 0x41)
		return "non-Arm core";
	switch (midr >> 4 & 0xfff) {
	case 0xd03: return "Cortex-A53";
	case 0xd07: return "Cortex-A57";
	case 0xd08: return "Cortex-A72";
	default:    return "Arm core";
	}
}

static void describe_board(void)
{
	uint64_t ram_base = 0, ram = dt_memory_size(&ram_base);
	const char *model = dt_getprop(dt_path_offset("/"), "model", NULL);
	const char *cpu = dt_getprop(dt_path_offset("/cpus/cpu@0"), "compatible", NULL);
	uint64_t midr = read_sysreg(midr_el1), freq = read_sysreg(cntfrq_el0);
	uint32_t psci = psci_version();

	printf("  board    %s\n", model ? model : "(no device tree)");
	printf("  memory   %lu MiB at 0x%lx\n", (unsigned long)(ram >> 20), (unsigned long)ram_base);
	printf("  cpus     %d x %s\n", nr_cpus, cpu ? cpu : "?");
	printf("  cpu0     MIDR_EL1 0x%08lx: %s r%lup%lu, running at EL%u (entered at EL%u)\n",
	       (unsigned long)midr, part_name(midr), (unsigned long)(midr >> 20 & 0xf),
	       (unsigned long)(midr & 0xf), current_el(), boot_el);
	printf("  timer    CNTFRQ_EL0 %lu.%02lu MHz\n", (unsigned long)(freq / 1000000),
	       (unsigned long)(freq / 10000 % 100));
	printf("  psci     v%u.%u via %s\n", psci >> 16, psci & 0xffff, psci_conduit());
	printf("  console  PL011 at 0x%lx\n", (unsigned long)console_base());
	printf("  bootargs \"%s\"\n", dt_bootargs());
}

/* Iterations until |z| > 2 for z := z^2 + c, or MAX_ITER if c seems to be in the set. */
static int escape_time(int64_t cr, int64_t ci)
{
	int64_t zr = 0, zi = 0;
	for (int i = 0; i < MAX_ITER; i++) {
		int64_t zr2 = (zr * zr) >> FRAC, zi2 = (zi * zi) >> FRAC;
		if (zr2 + zi2 > FIX(4, 1))
			return i;
		zi = ((zr * zi) >> (FRAC - 1)) + ci;
		zr = zr2 - zi2 + cr;
	}
	return MAX_ITER;
}

static void mandelbrot(void)
{
	/* Shade by escape time on a roughly logarithmic scale; '@' is inside the set. */
	static const struct { int below; char c; } shades[] = {
		{ 4, ' ' }, { 5, '.' }, { 7, ':' }, { 9, '-' }, { 12, '=' },
		{ 16, '+' }, { 22, '*' }, { 32, '%' }, { MAX_ITER, '#' }, { MAX_ITER + 1, '@' },
	};
	const int64_t x0 = FIX(-22, 10), dx = FIX(30, 10 * COLS);
	const int64_t y0 = FIX(-12, 10), dy = FIX(24, 10 * ROWS);
	for (int row = 0; row < ROWS; row++) {
		char line[COLS + 1];
		for (int col = 0; col < COLS; col++) {
			/* Sample cell centres so the picture is symmetric about the real axis. */
			int n = escape_time(x0 + col * dx + dx / 2, y0 + row * dy + dy / 2);
			unsigned s = 0;
			while (n >= shades[s].below)
				s++;
			line[col] = shades[s].c;
		}
		line[COLS] = '\0';
		printf("  %s\n", line);
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("\n  Armature guest demo: bare-metal arm64 on a `virt` board\n\n");
	describe_board();
	printf("\n");
	mandelbrot();
	printf("\n  Powering off.\n");
	psci_system_off();
	halt();
}
