/*
 * log: one-line messages to standard error, with a level and a time stamp:
 * one line per event, as text or as JSON lines ({"time", "level", "msg"})
 * for a log collector. Never logs participant text or IP addresses
 * (DESIGN.md, privacy): callers pass neither.
 */
#ifndef INSPRAAK_LOG_H
#define INSPRAAK_LOG_H

enum { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Messages above this level are dropped; default LOG_INFO. */
extern int log_level;

/* "text" (the default) or "json"; -1 for anything else. Call before the
 * first message and before any thread starts. */
int log_set_format(const char *name);

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
