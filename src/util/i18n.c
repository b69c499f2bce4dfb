/*
 * i18n: keyed lookup over the layers' tables of words (see i18n.h). No
 * state: a table is passed in, so there is nothing to register or to
 * initialise before the first thread renders a report.
 */
#include "util/i18n.h"

#include <stdio.h>
#include <string.h>

bool i18n_is_nl(const char *lang)
{
	return lang && strcmp(lang, "nl") == 0;
}

static const i18n_entry_t *find(const i18n_table_t *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->entries[i].key, key) == 0)
			return &t->entries[i];
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
