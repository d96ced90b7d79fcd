/* Runner fixture: reports one pass, then spins forever without exiting (the runner's timeout must end it). */
#include "libguest.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("hang");
	report(true, "started; now spinning forever");
	for (;;)
		cpu_relax();
}
