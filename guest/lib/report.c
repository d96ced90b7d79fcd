/* Test result accounting and the PASS/FAIL/SKIP/INFO/SUMMARY lines. Meant for one CPU at a time. */
#include <stdarg.h>
#include "libguest.h"

static unsigned int tests, failures, skipped;
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

static void va_report(const char *kind, const char *fmt, va_list ap)
{
	printf("%s: %s", kind, prefixes);
	vprintf(fmt, ap);
	printf("\n");
}

void report(bool pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tests++;
	if (!pass)
		failures++;
	va_report(pass ? "PASS" : "FAIL", fmt, ap);
	va_end(ap);
}

void report_pass(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tests++;
	va_report("PASS", fmt, ap);
	va_end(ap);
}

void report_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tests++;
	failures++;
	va_report("FAIL", fmt, ap);
	va_end(ap);
}

void report_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tests++;
	skipped++;
	va_report("SKIP", fmt, ap);
	va_end(ap);
}

void report_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_report("INFO", fmt, ap);
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
	va_report("ABORT", fmt, ap);
	va_end(ap);
	report_summary();
	exit(EXIT_CODE_ABORT);
}
