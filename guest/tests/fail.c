/* Runner fixture: one passing and one failing check, so the run ends with exit code 1. */
#include "libguest.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("fail");
	report(true, "this check passes");
	report(false, "this check fails on purpose");
	report_prefix_pop();
	return report_summary();
}
