/* printf family over a character sink: the console or a bounded buffer. */
#include <stdbool.h>
#include <stdint.h>
#include "printf.h"
#include "console.h"

struct sink {
	char *buf;      /* NULL: write to the console */
	size_t size;
	size_t len;     /* characters produced so far (also past the end of buf) */
};

static void emit(struct sink *s, char c)
{
	if (!s->buf)
		console_putc(c);
	else if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void emit_padded(struct sink *s, const char *str, size_t n, int width, bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;
	if (!left)
		while (fill-- > 0)
			emit(s, pad);
	for (size_t i = 0; i < n; i++)
		emit(s, str[i]);
	if (left)
		while (fill-- > 0)
			emit(s, ' ');
}

/* Formats an integer; sign and "0x" prefixes go before zero padding, as in C. */
static void emit_number(struct sink *s, uint64_t v, bool negative, unsigned base, bool upper,
			const char *prefix, int width, bool left, bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);

	char out[48];
	int len = 0;
	if (negative)
		out[len++] = '-';
	for (const char *p = prefix; *p; p++)
		out[len++] = *p;
	/* Zero padding is capped by the buffer; wider fields fall back to spaces. */
	int pad = (zero && !left && width > len + n) ? width - len - n : 0;
	for (; pad > 0 && len + n < (int)sizeof(out); pad--)
		out[len++] = '0';
	while (n)
		out[len++] = tmp[--n];
	emit_padded(s, out, (size_t)len, width, left, ' ');
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			emit(s, *fmt);
			continue;
		}
		bool left = false, zero = false;
		int width = 0, precision = -1, lng = 0;

		for (;; fmt++) {
			if (fmt[1] == '-')
				left = true;
			else if (fmt[1] == '0')
				zero = true;
			else
				break;
		}
		fmt++;
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			precision = 0;
			if (*fmt == '*') {
				precision = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				precision = precision * 10 + (*fmt++ - '0');
		}
		for (;; fmt++) {
			if (*fmt == 'l' || *fmt == 'z')
				lng++;
			else if (*fmt != 'h')
				break;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, long) : va_arg(ap, int);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			emit_number(s, mag, v < 0, 10, false, "", width, left, zero);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			emit_number(s, v, false, *fmt == 'u' ? 10 : 16, *fmt == 'X', "", width, left, zero);
			break;
		}
		case 'p':
			emit_number(s, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x",
				    width, left, zero);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			size_t n = 0;
			while (str[n] && (precision < 0 || n < (size_t)precision))
				n++;
			emit_padded(s, str, n, width, left, ' ');
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			emit_padded(s, &c, 1, width, left, ' ');
			break;
		}
		case '%':
			emit(s, '%');
			break;
		case '\0':
			return;
		default:            /* unknown conversion: print it verbatim */
			emit(s, '%');
			emit(s, *fmt);
			break;
		}
	}
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink s = { 0 };
	format(&s, fmt, ap);
	return (int)s.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size };
	format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
