/*
 * xalloc: allocation that never returns NULL. A server that cannot
 * allocate a few bytes has no sensible way to go on, and checking every
 * allocation would bury the logic that matters; so these abort instead.
 * Memory is the caller's, freed with free().
 */
#ifndef INSPRAAK_XALLOC_H
#define INSPRAAK_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
