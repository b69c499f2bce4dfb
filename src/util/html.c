/*
 * html: the escaping HTML writer (see html.h for its invariant).
 * html_printf walks its format itself instead of handing it to vsnprintf
 * whole, so that it can escape each string argument on its own: an
 * argument escaped after formatting could not be told from the markup.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "util/html.h"

void html_text(buf_t *b, const char *s)
{
	buf_html(b, s, strlen(s));
}

void html_attr(buf_t *b, const char *s)
{
	buf_html(b, s, strlen(s));
}

void html_raw_trusted(buf_t *b, const char *s)
{
	buf_puts(b, s);
}

char *html_escape_dup(const char *s)
{
	buf_t b = BUF_INIT;
	buf_html(&b, s, strlen(s));
	return buf_steal(&b);
}

/* One conversion of fmt, from its '%' up to and including its letter:
 * formats the next argument into b. Returns the length of the spec. */
static size_t one_conversion(buf_t *b, const char *spec, va_list *ap)
{
	size_t n = 1 + strspn(spec + 1, "-+ #0123456789.");
	int longs = 0;
	bool size = false;
	while (spec[n] == 'l') {
		longs++;
		n++;
	}
	if (spec[n] == 'z') {
		size = true;
		n++;
	}
	char conv = spec[n++];
	char one[32];
	assert(n < sizeof one);
	memcpy(one, spec, n);
	one[n] = '\0';
	switch (conv) {
	case '%': buf_putc(b, '%'); break;
	case 's': {
		const char *s = va_arg(*ap, const char *);
		const char *dot = memchr(spec, '.', n);
		size_t len = dot ? strnlen(s, (size_t)atoi(dot + 1)) : strlen(s);
		buf_html(b, s, len);
		break;
	}
	case 'c': {
		char c = (char)va_arg(*ap, int);
		buf_html(b, &c, 1);
		break;
	}
	case 'd':
	case 'i':
		if (size)
			buf_printf(b, one, va_arg(*ap, ssize_t));
		else if (longs == 2)
			buf_printf(b, one, va_arg(*ap, long long));
		else if (longs == 1)
			buf_printf(b, one, va_arg(*ap, long));
		else
			buf_printf(b, one, va_arg(*ap, int));
		break;
	case 'u':
	case 'x':
	case 'X':
		if (size)
			buf_printf(b, one, va_arg(*ap, size_t));
		else if (longs == 2)
			buf_printf(b, one, va_arg(*ap, unsigned long long));
		else if (longs == 1)
			buf_printf(b, one, va_arg(*ap, unsigned long));
		else
			buf_printf(b, one, va_arg(*ap, unsigned));
		break;
	case 'f':
	case 'g':
	case 'e': buf_printf(b, one, va_arg(*ap, double)); break;
	default: assert(!"html_printf: unsupported conversion");
	}
	return n;
}

void html_vprintf(buf_t *b, const char *fmt, va_list ap)
{
	va_list args;
	va_copy(args, ap);
	for (const char *p = fmt; *p;) {
		size_t run = strcspn(p, "%");
		buf_append(b, p, run);
		p += run;
		if (*p == '%')
			p += one_conversion(b, p, &args);
	}
	va_end(args);
}

void html_printf(buf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	html_vprintf(b, fmt, ap);
	va_end(ap);
}
