/* C side of boot: device discovery, argc/argv, main(), and the ways out. */
#include "libguest.h"

#define RAM_BASE_FALLBACK 0x40000000UL   /* QEMU virt puts the DTB here for non-Linux images */
#define MAX_ARGS 64

unsigned int boot_el;
const void *boot_dtb;

static char arg_text[1024];
static char *argv_store[MAX_ARGS + 1];

int parse_args(const char *cmdline, char *buf, size_t bufsize, char **argv, int max)
{
	int argc = 0;
	size_t out = 0;
	const char *p = cmdline;
	while (argc < max) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p || out >= bufsize)
			break;
		argv[argc++] = buf + out;
		char quote = 0;
		for (; *p && (quote || (*p != ' ' && *p != '\t' && *p != '\n')); p++) {
			if (!quote && (*p == '"' || *p == '\'')) {
				quote = *p;
			} else if (quote && *p == quote) {
				quote = 0;
			} else if (out + 1 < bufsize) {
				buf[out++] = *p;
			}
		}
		if (out < bufsize)
			buf[out++] = '\0';
		else
			buf[bufsize - 1] = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

void start_c(const void *dtb, unsigned long entry_el) __attribute__((noreturn));

void start_c(const void *dtb, unsigned long entry_el)
{
	boot_el = (unsigned int)entry_el;
	boot_dtb = dtb;
	if (dt_init(dtb) != 0)
		dt_init((const void *)RAM_BASE_FALLBACK);
	console_init();
	psci_init();
	smp_init();

	argv_store[0] = (char *)progname;
	int argc = 1 + parse_args(dt_bootargs(), arg_text, sizeof(arg_text), argv_store + 1, MAX_ARGS - 1);
	exit(main(argc, argv_store));
}

void halt(void)
{
	for (;;)
		wfi();
}

void fpu_enable(void)
{
	write_sysreg(cpacr_el1, read_sysreg(cpacr_el1) | (3UL << 20));
	isb();
}

/* chr-testdev: "<code>q" on port 0 of a virtio console makes QEMU exit with (code << 1) | 1. */
void testdev_exit(int code)
{
	static uint8_t queue_mem[2][VIRTQ_MEM_SIZE] __attribute__((aligned(4096)));
	static char msg[16];
	struct virtio_mmio_dev dev;
	struct virtq rx, tx;

	if (virtio_mmio_find(VIRTIO_ID_CONSOLE, &dev) != 0 || virtio_mmio_init(&dev) != 0)
		return;
	/* Without VIRTIO_CONSOLE_F_MULTIPORT, port 0 uses queue 0 (receive) and queue 1 (transmit). */
	if (virtio_mmio_setup_queue(&dev, &rx, 0, queue_mem[0]) != 0 ||
	    virtio_mmio_setup_queue(&dev, &tx, 1, queue_mem[1]) != 0)
		return;
	virtio_mmio_driver_ok(&dev);
	int len = snprintf(msg, sizeof(msg), "%dq", code);
	virtq_send(&dev, &tx, msg, (uint32_t)len);
}

void exit(int code)
{
	static volatile bool exiting;
	if (exiting) {       /* an exception while exiting: don't loop */
		psci_system_off();
		halt();
	}
	exiting = true;
	printf("\nEXIT: STATUS=%d\n", (code << 1) | 1);
	testdev_exit(code);
	psci_system_off();
	halt();
}

void abort(void)
{
	exit(EXIT_CODE_ABORT);
}
