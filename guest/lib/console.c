/* PL011 transmit path. The base starts at QEMU virt's address so early output works before the DTB is read. */
#include "console.h"
#include "fdt.h"
#include "string.h"
#include "sysreg.h"

#define UARTDR   0x00
#define UARTFR   0x18
#define UARTFR_TXFF (1u << 5)   /* transmit FIFO full */

static uintptr_t uart_base = PL011_DEFAULT_BASE;

static int stdout_node(void)
{
	int len;
	const char *path = dt_getprop(dt_path_offset("/chosen"), "stdout-path", &len);
	if (!path || len <= 1)
		return -1;
	/* "stdout-path" may carry ":options" and may name an alias instead of a path. */
	char buf[128];
	size_t n = 0;
	while (n < sizeof(buf) - 1 && path[n] && path[n] != ':')
		n++;
	memcpy(buf, path, n);
	buf[n] = '\0';
	if (buf[0] != '/') {
		const char *alias = dt_getprop(dt_path_offset("/aliases"), buf, &len);
		return alias ? dt_path_offset(alias) : -1;
	}
	return dt_path_offset(buf);
}

void console_init(void)
{
	int node = stdout_node();
	if (node < 0 || !dt_node_is_compatible(node, "arm,pl011"))
		node = dt_find_compatible(-1, "arm,pl011");
	uint64_t base;
	if (node >= 0 && dt_get_reg(node, 0, &base, NULL) == 0)
		uart_base = (uintptr_t)base;
}

uintptr_t console_base(void)
{
	return uart_base;
}

void console_putc(char c)
{
	while (readl(uart_base + UARTFR) & UARTFR_TXFF)
		cpu_relax();
	writel((uint8_t)c, uart_base + UARTDR);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}
