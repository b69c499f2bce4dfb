/*
 * log: see log.h. Writes whole lines with one fprintf so lines from the
 * writer thread and the loop never interleave mid-line.
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"

int log_level = LOG_INFO;
static bool json;

int log_set_format(const char *name)
{
	if (strcmp(name, "text") != 0 && strcmp(name, "json") != 0)
		return -1;
	json = strcmp(name, "json") == 0;
	return 0;
}

/* s as the inside of a JSON string: quotes, backslashes and control
 * characters escaped, so that a message is always one line. */
static void json_escape(buf_t *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
}

void log_msg(int level, const char *fmt, ...)
{
	static const char *names[] = {"error", "warn", "info", "debug"};
	if (level > log_level)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	if (!json) {
		fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02dZ %s: %s\n", tm.tm_year + 1900,
		        tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, names[level],
		        line);
		return;
	}
	buf_t b = BUF_INIT;
	buf_printf(&b, "{\"time\":\"%04d-%02d-%02dT%02d:%02d:%02dZ\",\"level\":\"%s\",\"msg\":\"",
	           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	           names[level]);
	json_escape(&b, line);
	buf_puts(&b, "\"}\n");
	fputs(b.data, stderr); /* one call: lines of two threads never interleave */
	buf_free(&b);
}
