/*
 * answer: validation and normal form of a participant's answer, per
 * question type. Pure: no I/O, no knowledge of who answered or how often
 * (that is tally's part).
 *
 * The normal form is what the store keeps and the tally counts:
 *   open:   "text"                       (trimmed, NFC, newlines kept)
 *   cloud:  ["entry", ...]               (1..max_answers entries, trimmed, NFC,
 *                                         one line each, duplicates after
 *                                         folding removed)
 *   choice: [i, ...]                     (sorted distinct option indexes,
 *                                         exactly one unless multiple)
 *   scale:  [r0, r1, ...]                (one rating 1..scale_max per
 *                                         statement, in statement order)
 *   rank:   [i, ...]                     (a permutation of all option indexes,
 *                                         first = most preferred)
 *   qa:     {"ask": "text"}              (a new question)
 *        or {"upvote": answer_id}        (a vote for a visible question)
 *
 * Accepted input (JSON) is a little wider, for clients' convenience: cloud
 * takes a single string too; choice takes a single index; qa takes a plain
 * string for "ask". The form fallback (no JavaScript) produces the same JSON.
 */
#ifndef INSPRAAK_ANSWER_H
#define INSPRAAK_ANSWER_H

#include <jansson.h>
#include <stddef.h>
#include <uv.h>

#include "model/deck.h"

/* The codes are libuv's, named for what they mean here. */
enum {
	ANSWER_EINVAL = UV_EINVAL,  /* wrong shape, out of range, empty, bad UTF-8: HTTP 400 */
	ANSWER_ETOOLONG = UV_E2BIG, /* longer than the slide allows: HTTP 413 */
};

/*
 * Validates value for slide s. On success returns 0 and sets *norm to a new
 * reference to the normal form. On failure returns ANSWER_EINVAL or
 * ANSWER_ETOOLONG and writes a message for the participant into msg, in
 * lang ("nl" or "en"; anything else means "en"), such as "Je antwoord is
 * 312 tekens; het maximum is 280." A content slide rejects every value.
 */
int answer_validate(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
                    char *msg, size_t msglen);

/* How many units an answer uses of the participant's allowance: entries for
 * a cloud, 1 otherwise (0 for a qa upvote, which has its own rule). */
int answer_units(const slide_t *s, const json_t *norm);

/* The normal form as compact JSON text, as the store keeps it: the bytes
 * json_dumps(norm, JSON_COMPACT | JSON_ENCODE_ANY) gives, written directly
 * for the shapes a normal form has (strings, whole numbers, arrays of them,
 * an object of one such member), through json_dumps for anything else.
 * Returns a new string the caller frees (NULL only when jansson's
 * allocator fails on such an other shape). */
char *answer_norm_text(const json_t *norm);

/* The fields of an answer request: {"id": "…", "slide": 12, "value": …}. */
typedef struct answer_envelope {
	char id[65]; /* the client's answer id, NUL-terminated */
	long long slide;
	json_t *value; /* a new reference, the caller's */
} answer_envelope_t;

/*
 * Reads an answer request's body the short way, the way every answer of a
 * storm arrives: an object with the keys "id" and "slide" in either order,
 * then "value" last; id a string of at most 64 characters from
 * A-Z a-z 0-9 _ -, slide a whole number. Only value goes through the JSON
 * parser. Returns 0 with *out filled, or UV_EINVAL for any other body,
 * malformed or merely unusual (other keys, escapes, another order; *out
 * then holds no reference to free): the caller then parses it in full,
 * which also words the error. When this returns 0, a full parse finds the
 * same three fields (tests/fuzz/fuzz_answer.c).
 */
int answer_envelope(const char *body, size_t len, answer_envelope_t *out);

/* The normal form norm for a reader, malloc'd (caller frees): the text of
 * an open answer or a question, cloud entries joined by "; ", option labels
 * instead of indexes ("Fiets; Bus"), ratings as "statement: 4; ...", a
 * ranking as "1. option; 2. option", an upvote as "+1 #ID". "" when norm
 * does not have the slide's shape. */
char *answer_text(const slide_t *s, const json_t *norm);

#endif
