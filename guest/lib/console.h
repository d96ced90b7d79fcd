/* Serial console on a PL011 UART (transmit only). */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdint.h>

#define PL011_DEFAULT_BASE 0x09000000UL

/* Finds the UART from /chosen/stdout-path or the first "arm,pl011" node; keeps the default otherwise. */
void console_init(void);
uintptr_t console_base(void);
void console_putc(char c);
void console_puts(const char *s);   /* writes s as is, no newline added */

#endif
