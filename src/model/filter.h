/*
 * filter: the word list that holds answers back for a moderator (issue:
 * moderation). Words are compared on their folded form (util/text.h), and
 * only as whole words, so "Klote" and "KLÔTE" match "klote" while
 * "klotegoed" and "shitake" do not.
 */
#ifndef INSPRAAK_FILTER_H
#define INSPRAAK_FILTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct filter filter_t;

filter_t *filter_new(void);
void filter_free(filter_t *f);
/* Adds the words of a list: one per line, '#' starts a comment line. */
void filter_add_list(filter_t *f, const char *text, size_t len);
/* Number of words in the filter. */
size_t filter_size(const filter_t *f);
/* True when text holds a word of the list. */
bool filter_match(const filter_t *f, const char *text, size_t len);
/* True when any string in an answer's normal form (a string, an array of
 * strings, or {"ask": string}) holds a word of the list. */
bool filter_match_json(const filter_t *f, const json_t *norm);

#endif
