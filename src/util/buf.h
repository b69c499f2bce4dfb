/*
 * buf: growable byte buffers, the one place where inspraak builds strings.
 *
 * A buf_t owns its bytes; len never exceeds cap and data[len] is always a
 * NUL byte once anything was written, so data can be handed to C string
 * functions. Binary-safe: data may hold NUL bytes before len.
 * Allocation failure aborts: a server that cannot allocate a few bytes has
 * no sensible way to continue, and checking every append would hide the
 * logic that matters.
 */
#ifndef INSPRAAK_BUF_H
#define INSPRAAK_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *data; /* owned; NULL until the first write */
	size_t len;
	size_t cap;
} buf_t;

#define BUF_INIT                                                                                   \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

/* Makes room for at least n more bytes (plus the trailing NUL). */
void buf_reserve(buf_t *b, size_t n);
void buf_append(buf_t *b, const void *p, size_t n);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);
/* Appends s with &, <, >, " and ' replaced by entities: safe in HTML text
 * and in quoted attribute values. */
void buf_html(buf_t *b, const char *s, size_t n);
/* Empties the buffer but keeps its memory. */
void buf_clear(buf_t *b);
/* Frees the memory; the buffer may be reused after BUF_INIT state. */
void buf_free(buf_t *b);
/* Hands the bytes to the caller (who frees them) and resets the buffer.
 * Never returns NULL: an empty buffer yields an empty string. */
char *buf_steal(buf_t *b);

#endif
