/*
 * The guest runtime: everything a test program includes. A program defines
 * int main(int argc, char **argv); the runtime enters it at EL1 with the
 * console, device tree, PSCI and exception vectors set up, and passes its
 * return value to exit().
 */
#ifndef GUEST_LIBGUEST_H
#define GUEST_LIBGUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "console.h"
#include "exceptions.h"
#include "fdt.h"
#include "printf.h"
#include "psci.h"
#include "report.h"
#include "smp.h"
#include "string.h"
#include "sysreg.h"
#include "virtio.h"

/*
 * Ends the program: prints "\nEXIT: STATUS=<(code << 1) | 1>", then, if a virtio
 * console (QEMU's chr-testdev) exists, writes "<code>q" to it so QEMU exits with
 * (code << 1) | 1; otherwise powers off with PSCI SYSTEM_OFF. Never returns.
 */
void exit(int code) __attribute__((noreturn));
/* exit(63): for unrecoverable errors such as unexpected exceptions. */
void abort(void) __attribute__((noreturn));
/* Stops this CPU forever (WFI loop). */
void halt(void) __attribute__((noreturn));
/* Allows FP/SIMD instructions at EL1 (CPACR_EL1.FPEN); the runtime itself never uses them. */
void fpu_enable(void);

/* Sends "<code>q" to the first virtio console; returns if there is none or it does not respond. */
void testdev_exit(int code);

/*
 * Splits cmdline into at most max arguments at spaces; single or double quotes
 * group words ("a b" is one argument, the quotes are removed). The text is copied
 * into buf. Returns the number of arguments stored in argv (argv[n] = NULL).
 */
int parse_args(const char *cmdline, char *buf, size_t bufsize, char **argv, int max);

/* Boot information gathered by the entry code. */
extern unsigned int boot_el;        /* exception level the image was entered at (1 or 2) */
extern const void *boot_dtb;        /* x0 at entry */
extern char _start[], _end[];       /* image start (load address) and end including BSS and stacks */
extern const char progname[];       /* argv[0] */

/* The program's name for argv[0]: each test is compiled with -DPROGNAME="\"name\"". */
#ifdef PROGNAME
const char progname[] = PROGNAME;
#endif

int main(int argc, char **argv);

#endif
