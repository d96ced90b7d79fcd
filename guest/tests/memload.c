/*
 * memload: a load for live-migration measurements (not a test).
 *
 *   memload [mib=N] [hot=N] [report=N]
 *
 * Writes one word in every page of `mib` MiB of RAM above the image (default
 * 256), so that much memory holds data a migration must carry, prints
 * "memload: N MiB written", then rewrites one word in every page of the first
 * `hot` MiB of it (default 16) pass after pass, for ever: those pages are dirty
 * again in every pre-copy round. Every `report` passes (default 1000) it
 * prints "memload: pass P".
 */
#include "libguest.h"

#define PAGE_WORDS (4096 / sizeof(uint64_t))

int main(int argc, char **argv)
{
	unsigned long mib = 256, hot = 16, report = 1000;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "mib=", 4))
			mib = strtoul(argv[i] + 4, NULL, 0);
		else if (!strncmp(argv[i], "hot=", 4))
			hot = strtoul(argv[i] + 4, NULL, 0);
		else if (!strncmp(argv[i], "report=", 7))
			report = strtoul(argv[i] + 7, NULL, 0);
		else
			report_abort("unknown argument '%s' (mib=N hot=N report=N)", argv[i]);
	}
	if (hot > mib || report == 0)
		report_abort("hot must not exceed mib, report must not be 0");

	/* The first whole MiB after the image (stacks included in _end). */
	volatile uint64_t *base = (volatile uint64_t *)(((uintptr_t)_end + (1 << 20)) & ~((uintptr_t)(1 << 20) - 1));
	unsigned long pages = mib << 8, hot_pages = hot << 8;

	for (unsigned long p = 0; p < pages; p++)
		base[p * PAGE_WORDS] = p + 1;
	printf("memload: %lu MiB written\n", mib);
	for (unsigned long pass = 1;; pass++) {
		for (unsigned long p = 0; p < hot_pages; p++)
			base[p * PAGE_WORDS] = pass ^ p;
		if (pass % report == 0)
			printf("memload: pass %lu\n", pass);
	}
	return 0;
}
