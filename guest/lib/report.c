/*
 * Test result accounting and the PASS/FAIL/SKIP/INFO/SUMMARY lines. Each line
 * and its count are taken under a lock so several CPUs may report at once;
 * prefixes are shared, so only push and pop them while one CPU reports.
 */
#include <stdarg.h>
#include "libguest.h"
#include "spinlock.h"

static unsigned int tests, failures, skipped;
static struct spinlock report_lock;
static char prefixes[256];

void report_prefix_pushf(const char *fmt, ...)
{
	size_t len = strlen(prefixes);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefixes + len, sizeof(prefixes) - len, fmt, ap);
	va_end(ap);
	len = strlen(prefixes);
	snprintf(prefixes + len, sizeof(prefixes) - len, ": ");
}

void report_prefix_push(const char *prefix)
{
	report_prefix_pushf("%s", prefix);
}

void report_prefix_pop(void)
{
	/* Drop the last "name: " element: cut after the second-to-last ": ". */
	size_t len = strlen(prefixes);
	if (len < 2)
		return;
	size_t cut = 0;
	for (size_t i = 0; i + 2 < len; i++)
		if (prefixes[i] == ':' && prefixes[i + 1] == ' ')
			cut = i + 2;
	prefixes[cut] = '\0';
}

/* Prints one line and updates the counters: *counter (if any) and tests. */
static void va_report(const char *kind, unsigned int *counter, bool counted, const char *fmt, va_list ap)
{
	spin_lock(&report_lock);
	if (counted)
		tests++;
	if (counter)
		(*counter)++;
	printf("%s: %s", kind, prefixes);
	vprintf(fmt, ap);
	printf("\n");
	spin_unlock(&report_lock);
}

void report(bool pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_report(pass ? "PASS" : "FAIL", pass ? NULL : &failures, true, fmt, ap);
	va_end(ap);
}

void report_pass(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_report("PASS", NULL, true, fmt, ap);
	va_end(ap);
}

void report_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_report("FAIL", &failures, true, fmt, ap);
	va_end(ap);
}

void report_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_report("SKIP", &skipped, true, fmt, ap);
	va_end(ap);
}

void report_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_report("INFO", NULL, false, fmt, ap);
	va_end(ap);
}

int report_summary(void)
{
	printf("SUMMARY: %u tests", tests);
	if (failures)
		printf(", %u unexpected failures", failures);
	if (skipped)
		printf(", %u skipped", skipped);
	printf("\n");
	if (tests == skipped)
		return EXIT_CODE_SKIPPED;
	return failures ? EXIT_CODE_FAIL : EXIT_CODE_PASS;
}

void report_abort(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_report("ABORT", NULL, false, fmt, ap);
	va_end(ap);
	report_summary();
	exit(EXIT_CODE_ABORT);
}
