/*
 * tally: the live results of one question slide in one session, kept in
 * memory and updated answer by answer (DESIGN.md, step 4).
 *
 * A tally knows every answer given to its slide (normal form from answer.h),
 * who gave it (a 64-bit participant key, never the token itself) and whether
 * a moderator hid it. Counts only ever include visible answers; a hidden
 * answer still uses its giver's allowance, so hiding never invites a revote.
 *
 * Allowances are checked and reserved before an answer goes to the store
 * (tally_reserve), so that answers still in flight count too; the answer is
 * counted only after its commit (tally_add), or its reservation released
 * when the store fails (tally_release).
 *
 * Not thread-safe: owned by the loop thread.
 */
#ifndef INSPRAAK_TALLY_H
#define INSPRAAK_TALLY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "model/deck.h"

typedef struct tally tally_t;

/* The codes are libuv's, named for what they mean here. */
enum {
	TALLY_ELIMIT = UV_ENOSPC,  /* participant used their allowance (answers or entries) */
	TALLY_EVOTED = UV_EEXIST,  /* choice, scale, rank: participant already voted;
	                              qa: already upvoted that question */
	TALLY_ENOITEM = UV_ENOENT, /* qa upvote: no such visible question on this slide */
	TALLY_EOWN = UV_EPERM,     /* qa upvote: participants cannot upvote their own question */
};

/* A new, empty tally for slide s (borrowed: s must outlive the tally).
 * s must be a question slide. */
tally_t *tally_new(const slide_t *s);
void tally_free(tally_t *t);

/* Checks that participant may give the answer norm (normal form) and reserves
 * its units. Returns 0 or a TALLY_E* code. */
int tally_reserve(tally_t *t, uint64_t participant, const json_t *norm);
/* Undoes a successful tally_reserve with the same arguments. */
void tally_release(tally_t *t, uint64_t participant, const json_t *norm);
/*
 * Counts a stored answer. id is the store's answer id (unique, growing),
 * at_ms its time (ms since the epoch). reserved is true on the live path
 * (tally_reserve succeeded for it) and false when rebuilding from the store
 * at start, in which case the allowance is charged here without checks.
 * norm is borrowed (the tally takes its own reference).
 */
void tally_add(tally_t *t, int64_t id, uint64_t participant, const json_t *norm, int64_t at_ms,
               bool hidden, bool answered, bool reserved);
/* Hides or shows an answer. Returns 0, UV_ENOENT when id is not in this
 * tally, or UV_ENOTSUP on a tally_counts_only tally (changing nothing). */
int tally_set_hidden(tally_t *t, int64_t id, bool hidden);
/* Marks a hidden answer as waiting for a moderator's approval (it was held
 * back when it arrived, not hidden later); showing it clears the mark.
 * Returns 0, or UV_ENOENT when id is not in this tally. */
int tally_set_pending(tally_t *t, int64_t id, bool pending);
/* Pins a Q&A question to the top of the list, or unpins it. Returns 0,
 * or UV_ENOENT when id is not a question in this tally. */
int tally_set_pinned(tally_t *t, int64_t id, bool pinned);
/* Marks a Q&A question answered or not. Returns 0, or UV_ENOENT when id is
 * not a question in this tally. */
int tally_set_answered(tally_t *t, int64_t id, bool answered);
/* True when id is an answer in this tally. */
bool tally_has(const tally_t *t, int64_t id);
/* The allowance participant has used on this slide: answers (open, qa
 * questions), entries (cloud) or 1 for a vote given; reservations in flight
 * count, hidden answers too, Q&A upvotes do not. 0: nothing given yet. */
int64_t tally_used(const tally_t *t, uint64_t participant);
/* The answers participant gave to this slide, in the order counted, as JSON (new
 * reference): [{"id", "value" (normal form), "held": true when hidden or
 * waiting for a moderator}]; Q&A upvotes are listed too ({"upvote": id}).
 * For showing participants their own answers; never anyone else's. */
json_t *tally_mine(const tally_t *t, uint64_t participant);

/* Distinct participants with at least one visible answer. */
size_t tally_respondents(const tally_t *t);
/* Visible answers (submissions, not entries). */
size_t tally_answers(const tally_t *t);
/* Grows by one or more on every change; lets callers publish only when
 * something changed. */
uint64_t tally_version(const tally_t *t);

/*
 * The results as JSON (new reference), described in docs/protocol.md:
 * {"kind","respondents","answers","hidden", and per kind "items" (open, qa),
 * "words" (cloud), "options" (choice, rank), "statements" (scale)}.
 * With with_hidden, open and qa items include hidden answers marked
 * "hidden": true, and "pending": true when they wait for approval (for
 * moderators); counts never include them. With with_hidden a cloud also
 * lists "items": every answer (entries joined by ", "), newest first, so a
 * moderator can act on answers while words are counted over visible ones.
 */
json_t *tally_json(const tally_t *t, bool with_hidden);

/*
 * Makes t a tally that only counts, for a report, which reads the answers
 * from the store itself and never changes them: tally_json leaves out
 * "items" (open, qa), and a counted answer keeps no value (tally_mine
 * lists null; a cloud keeps its words, not which answer gave them), so
 * that 100,000 answers cost about 100 bytes each rather than 700 (issue
 * 16). Hiding or showing an answer then returns UV_ENOTSUP: its share of
 * the counts is no longer known. Call it on a new tally, before tally_add.
 */
void tally_counts_only(tally_t *t);

/* A Q&A question as the results list it. */
typedef struct tally_question {
	int64_t id, at; /* the answer that asked it; ms since the epoch */
	int64_t votes;  /* visible upvotes */
	bool answered, pinned;
} tally_question_t;

/* qa: the visible questions (not the upvotes) in the order of "items":
 * pinned first, then by votes, then the older. Sets *out (the caller frees
 * it; NULL when there are none) and returns how many; 0 for other kinds.
 * Works on a tally_counts_only tally too. */
size_t tally_questions(const tally_t *t, tally_question_t **out);

#endif
