/*
 * kind: one table entry per question kind (open, cloud, choice, scale,
 * rank, qa), and the registry that finds the entry of a slide.
 *
 * Everything that differs between kinds lives in the kind's own file
 * (model/kind_open.c, kind_cloud.c, ...): its deck settings and bounds,
 * how it reads and writes its settings as JSON, how it validates and
 * normalises an answer, how it counts answers and shows the results.
 * deck.c, answer.c and tally.c hold what is common and reach the rest
 * through kind_of(). A new kind is one new file, one line in the registry
 * (kind.c) and one value in slide_kind_t; docs/adding-a-kind.md lists the
 * drawing that the pages and the report add around it.
 *
 * Invariants:
 * 1. kind_of(k) is defined for every slide_kind_t, SLIDE_CONTENT included
 *    (its entry rejects every answer), and kind_of(k)->kind == k.
 * 2. The hooks marked "required" are never NULL for a question kind, so the
 *    answer path (validate, units, tally add) calls them without checks and
 *    without allocating anything for the indirection.
 * 3. A hook marked "optional" may be NULL: the common code then does
 *    nothing more for that kind.
 *
 * The table is constant data: safe to read from any thread.
 */
#ifndef INSPRAAK_KIND_H
#define INSPRAAK_KIND_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/deck.h"
#include "util/buf.h"

typedef struct tally tally_t;
typedef struct tally_record tally_record_t;

enum { KIND_SETTINGS_MAX = 5 }; /* settings a kind takes, at most */

typedef struct question_kind {
	slide_kind_t kind;
	const char *name; /* as in the deck's "? NAME: title" and in JSON */

	/* ---- deck (deck.c) ---- */
	/* Setting names the kind takes, in the order the docs list them;
	 * NULL-terminated early when fewer. */
	const char *settings[KIND_SETTINGS_MAX];
	/* Upper bounds of "max-length" and of "answers"/"entries"; 0 when the
	 * kind takes neither (choice, scale, rank). With them, the defaults a
	 * deck gets when it leaves them out. */
	int max_length_max, answers_max;
	int default_length, default_answers;
	/* A list of options or statements ("- item" lines): how many, and
	 * their JSON key ("options" or "statements"); items_key is NULL when
	 * the kind takes none. statements picks the word in messages. */
	int items_min, items_max;
	const char *items_key;
	bool statements;
	/* optional: settings beyond the common ones get their defaults */
	void (*defaults)(slide_t *s);
	/* optional: checks the kind's own settings against deck.h's bounds */
	bool (*slide_ok)(const slide_t *s);
	/* optional: adds the kind's own settings to the slide's JSON */
	void (*slide_json)(const slide_t *s, json_t *j);
	/* optional: reads them back; false when missing or malformed */
	bool (*slide_from_json)(const json_t *j, slide_t *s);

	/* ---- answers (answer.c) ---- */
	/* required: answer_validate for this kind (see answer.h) */
	int (*validate)(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
	                char *msg, size_t msglen);
	/* required: answer_units for this kind */
	int (*units)(const slide_t *s, const json_t *norm);
	/* required: answer_text for this kind, appended to b */
	void (*text)(const slide_t *s, const json_t *norm, buf_t *b);

	/* ---- tally (tally.c) ---- */
	/* One vote per participant (choice, scale, rank): a second answer is
	 * TALLY_EVOTED. Otherwise answers are limited by max_answers units. */
	bool one_vote;
	/* Answers are questions that can be upvoted ({"upvote": id}),
	 * pinned and marked answered (qa). */
	bool questions;
	/* required: true when norm has this kind's normal form (answer.h);
	 * guards the counters against a damaged row from the store */
	bool (*norm_ok)(const slide_t *s, const json_t *norm);
	/* optional: allocates the kind's counters in a new tally */
	void (*tally_init)(tally_t *t);
	/* optional: prepares a record as it is added (cloud: its words) */
	void (*tally_record)(tally_t *t, tally_record_t *r);
	/* optional: adds (sign +1) or removes (-1) a visible record's share */
	void (*tally_apply)(tally_t *t, const tally_record_t *r, int sign);
	/* required: adds the kind's results to tally_json's object j */
	void (*tally_json)(const tally_t *t, json_t *j, bool with_hidden);
} question_kind_t;

/* The entry of kind k (invariant 1). */
const question_kind_t *kind_of(slide_kind_t k);
/* The entry named name ("open", ...; "content" too), or NULL when none. */
const question_kind_t *kind_by_name(const char *name);
/* Number of entries: every slide_kind_t is below it. */
size_t kind_count(void);

#endif
