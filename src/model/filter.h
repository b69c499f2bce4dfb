/*
 * filter: the word list that holds answers back for a moderator (issue:
 * moderation; issue 12 for inflections, compounds and hidden spellings).
 * Words are compared on their folded form (util/text.h): "Klote" and "KLÔTE"
 * match "klote". A plain entry matches the word and its inflections
 * ("hoer": "hoeren", "klootzak": "klootzakken") but not a longer word
 * ("klote": not "klotegoed"; "shit": not "shitake"). An entry "kut+" also
 * matches as the head of a compound ("kutplan"), "+klootzak" as its tail
 * ("rotklootzak"), and a line "!kankeronderzoek" allows every word that
 * starts with it, whatever else matches. Masked and sign-spelled words
 * ("f*ck", "sh1t", "fuuuck") are read back to the entry they hide.
 */
#ifndef INSPRAAK_FILTER_H
#define INSPRAAK_FILTER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct filter filter_t;

filter_t *filter_new(void);
void filter_free(filter_t *f);
/* Adds the words of a list: one per line as above, '#' starts a comment
 * line. */
void filter_add_list(filter_t *f, const char *text, size_t len);
/* Number of entries that hold answers back (allowed entries not counted). */
size_t filter_size(const filter_t *f);
/* True when text holds a word of the list. */
bool filter_match(const filter_t *f, const char *text, size_t len);
/* True when any string in an answer's normal form (a string, an array of
 * strings, or {"ask": string}) holds a word of the list. */
bool filter_match_json(const filter_t *f, const json_t *norm);

#endif
