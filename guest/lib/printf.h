/*
 * Minimal printf. Conversions: %d %i %u %x %X %p %s %c %%, length modifiers
 * l, ll, z (h/hh accepted and ignored), flags '-' and '0', field width (digits or *),
 * precision for %s (".N" or ".*").
 */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
