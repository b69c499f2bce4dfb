/*
 * i18n: keyed lookup over the layers' tables of words (see i18n.h). No
 * state: a table is passed in, so there is nothing to register or to
 * initialise before the first thread renders a report.
 */
#include "util/i18n.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

bool i18n_is_nl(const char *lang)
{
	return lang && strcmp(lang, "nl") == 0;
}

/* The tables are searched in order, hundreds of keys long, and a page
 * looks up the same few keys again for each item it draws (a website topic:
 * several per contribution, fifty contributions a page). So each thread
 * remembers where a key's text was found, by the key's address (keys are
 * mostly string literals): a hit costs one strcmp instead of hundreds. The
 * strcmp makes a reused buffer at the same address safe; a thread-local
 * cache needs no lock. */
enum { FIND_CACHE = 256 };
static _Thread_local struct {
	const char *key;
	const i18n_table_t *t;
	const i18n_entry_t *e;
} cache[FIND_CACHE];

static const i18n_entry_t *find(const i18n_table_t *t, const char *key)
{
	size_t slot = ((uintptr_t)key >> 3 ^ (uintptr_t)t >> 4) % FIND_CACHE;
	if (cache[slot].key == key && cache[slot].t == t && strcmp(cache[slot].e->key, key) == 0)
		return cache[slot].e;
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->entries[i].key, key) == 0) {
			cache[slot].key = key, cache[slot].t = t, cache[slot].e = &t->entries[i];
			return &t->entries[i];
		}
	return NULL;
}

const char *i18n_tr(const i18n_table_t *t, const char *lang, const char *key)
{
	const i18n_entry_t *e = find(t, key);
	if (!e)
		return key;
	return i18n_is_nl(lang) ? e->nl : e->en;
}

bool i18n_has(const i18n_table_t *t, const char *key)
{
	return find(t, key) != NULL;
}

/* The conversions of a printf format in order: "%zu%s" for "a %zu b %s";
 * "%%" counts too, so that a literal percent sign must match as well. */
static void conversions(const char *f, char *out, size_t len)
{
	size_t o = 0;
	for (const char *c = f; *c; c++) {
		if (*c != '%')
			continue;
		size_t m = 1 + strcspn(c + 1, "diouxXeEfgGcsp%");
		if (!c[m] || o + m + 2 > len)
			break;
		memcpy(out + o, c, m + 1);
		o += m + 1;
		c += m;
	}
	out[o] = '\0';
}

bool i18n_formats_match(const i18n_table_t *t, char *bad, size_t len)
{
	for (size_t i = 0; i < t->n; i++) {
		char en[64], nl[64];
		conversions(t->entries[i].en, en, sizeof en);
		conversions(t->entries[i].nl, nl, sizeof nl);
		if (strcmp(en, nl) != 0) {
			if (len)
				snprintf(bad, len, "%s: %s", t->name, t->entries[i].key);
			return false;
		}
	}
	return true;
}
