/*
 * log: see log.h. Writes whole lines with one fprintf so lines from the
 * writer thread and the loop never interleave mid-line.
 */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

int log_level = LOG_INFO;

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
	fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02dZ %s: %s\n", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, names[level], line);
}
