/*
 * i18n: the one way the C side says things in Dutch and English.
 *
 * Each layer keeps its own words in a table of {key, nl, en} entries next
 * to its code (app/i18n.c, model/messages.c, report/report.c's words) and
 * looks them up here with i18n_tr(table, lang, key); a layer wraps that in
 * its own short name (tr, model__tr, report_word). This module knows no
 * words itself, so util stays below every layer that has some.
 *
 * Invariants of a table:
 *  1. Keys are unique within it; the first entry with a key wins.
 *  2. A text with arguments is a printf format in both languages, with the
 *     same conversions in the same order: the caller passes one argument
 *     list for whichever text the language picks. i18n_formats_match checks
 *     this for every table (tests/unit/test_i18n.c); the compiler cannot,
 *     because a key is no format.
 *  3. Entries are static strings: what i18n_tr returns lives as long as
 *     the program and is never freed.
 *
 * A lookup is a linear scan of one table (tens to a few hundred entries):
 * cheap, but not free, so a hot path looks up only when it has something
 * to say (an answer is refused, a deck line is wrong), never per answer.
 */
#ifndef INSPRAAK_UTIL_I18N_H
#define INSPRAAK_UTIL_I18N_H

#include <stdbool.h>
#include <stddef.h>

typedef struct i18n_entry {
	const char *key, *nl, *en;
} i18n_entry_t;

typedef struct i18n_table {
	const char *name; /* the layer's, for a test's message */
	const i18n_entry_t *entries;
	size_t n;
} i18n_table_t;

/* An i18n_table_t over a static array of entries. */
#define I18N_TABLE(name, entries)                                                                  \
	{                                                                                          \
		(name), (entries), sizeof(entries) / sizeof *(entries)                             \
	}

/* Whether lang asks for Dutch ("nl"); everything else, NULL too, gets
 * English. The one place the choice of language is made. */
bool i18n_is_nl(const char *lang);

/* The text of key in t in lang (Dutch for "nl", else English). A key that
 * is not in t comes back as it is, so a text made already in the right
 * language can go where a key goes. Never NULL for a non-NULL key. */
const char *i18n_tr(const i18n_table_t *t, const char *lang, const char *key);

/* Whether key is in t. */
bool i18n_has(const i18n_table_t *t, const char *key);

/* True when every entry of t takes the same printf conversions in Dutch and
 * English (invariant 2); false, with "name: key" of the first that does not
 * in bad (len bytes, may be 0), otherwise. */
bool i18n_formats_match(const i18n_table_t *t, char *bad, size_t len);

#endif
