/*
 * model/internal.h: what the kind files (model/kind_*.c) share with
 * answer.c and tally.c, and nobody outside src/model/ needs: the helpers
 * that validate answers and the tally's insides.
 *
 * The tally's fields are the union of what the kinds count; each kind's
 * tally_init allocates only the counters it uses, and tally.c frees them
 * all (free(NULL) is fine).
 */
#ifndef INSPRAAK_MODEL_INTERNAL_H
#define INSPRAAK_MODEL_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/answer.h"
#include "model/kind.h"
#include "model/tally.h"
#include "util/i18n.h"
#include "util/map.h"

/* ---- words (messages.c) ---- */

/* The model's table of words for people (util/i18n.h). */
extern const i18n_table_t model__words;
/* The text of key (a key of model__words) in lang: Dutch for "nl", else
 * English; a static string. */
const char *model__tr(const char *lang, const char *key);

/* ---- answers ---- */

/* Writes the message for the participant, the text of key (a format taking
 * the arguments that follow) in lang, into msg and returns code. Called
 * only when an answer is refused, so the lookup stays off the hot path. */
int answer__reject(int code, char *msg, size_t msglen, const char *lang, const char *key, ...);

/* ANSWER_EINVAL with a message; needs msg, msglen and lang in scope. */
#define ANSWER__BAD(...) answer__reject(ANSWER_EINVAL, msg, msglen, lang, __VA_ARGS__)

/* Cleans one text value (a JSON string) into a malloc'd string the caller
 * frees; NULL with *rc and a message when it is invalid or longer than max
 * code points. An empty result is returned as "" for the caller to judge. */
char *answer__clean_text(const json_t *v, bool multiline, int max, const char *lang, char *msg,
                         size_t msglen, int *rc);
/* answer__clean_text for a whole answer, which must not be empty. */
char *answer__clean_answer(const json_t *v, int max, const char *lang, char *msg, size_t msglen,
                           int *rc);
/* Reads an array of at most max whole numbers (or a single one when
 * single_ok) into v. Returns 0, or UV_EINVAL for another shape. */
int answer__int_list(const json_t *value, bool single_ok, json_int_t *v, size_t max, size_t *n);
/* A new array of v[0..n). */
json_t *answer__int_array(const json_int_t *v, size_t n);
/* The option or statement i, "?" when out of range. */
const char *answer__item(const slide_t *s, json_int_t i);
/* answer_units of a kind whose answer is one unit. */
int answer__one_unit(const slide_t *s, const json_t *norm);

/* ---- tally ---- */

struct tally_record {
	int64_t id, at;
	uint64_t participant; /* map_key()ed */
	json_t *norm;         /* owned reference */
	uint32_t *words;      /* cloud: owned, the word index of each entry */
	uint32_t n_words;
	bool hidden, answered, pending, pinned;
	bool upvote; /* qa: a vote, not a question */
};

typedef struct tally_word {
	char *fold;       /* owned: the key entries are counted under */
	char *text;       /* owned: the form of the answer with the lowest id */
	int64_t first_id; /* that answer's id */
	size_t count;     /* visible entries */
} tally_word_t;

struct tally {
	const slide_t *s;            /* borrowed */
	const question_kind_t *kind; /* kind_of(s->kind) */
	tally_record_t *rec;
	size_t n_rec, cap_rec;
	map_t by_id;   /* answer id -> record index */
	map_t units;   /* participant -> units used (reserved or stored) */
	map_t votes;   /* vote_key(participant, question id) -> 1 */
	map_t visible; /* participant -> visible answers */
	map_t qvotes;  /* qa: question id -> visible upvotes */
	size_t respondents, answers, hidden;
	uint64_t version;
	bool no_items; /* tally_counts_only: no "items", no values once counted */
	/* per kind, allocated by the kind's tally_init */
	size_t *counts;      /* choice: per option; scale: per statement x rating */
	int64_t *sums;       /* scale: ratings per statement; rank: positions per option */
	size_t *n_votes;     /* scale: per statement; rank: per option */
	tally_word_t *words; /* cloud */
	size_t n_words, cap_words, entries;
	map_t word_idx; /* cloud: probe key of a fold -> word index */
};

/* The map key of an answer id. */
static inline uint64_t tally__id_key(int64_t id)
{
	return map_key((uint64_t)id);
}

/* The value under k, 0 when none. */
int64_t tally__get(const map_t *m, uint64_t k);
/* Adds d to the value under k, deleting it when it becomes 0. */
void tally__add_to(map_t *m, uint64_t k, int64_t d);
/* Adds 1 (sign > 0) or takes 1 from *c, which must not be 0 then. */
void tally__bump(size_t *c, int sign);
/* Indexes of the records to list, sorted by cmp; caller frees. Hidden ones
 * only with with_hidden; upvotes or the other records by upvotes. */
size_t *tally__listed(const tally_t *t, bool with_hidden, bool upvotes,
                      int (*cmp)(const void *, const void *, void *), size_t *n);
/* qsort_r orders over record indexes (ctx is the tally): newest first. */
int tally__by_time_desc(const void *a, const void *b, void *ctx);
int tally__cmp64(int64_t a, int64_t b);
/* {"id","text","at"} and, with with_hidden, "hidden" and "pending". */
json_t *tally__text_item(const tally_record_t *r, const char *text, bool with_hidden);
/* sum / n rounded to 2 decimals, or null when n is 0. */
json_t *tally__mean_or_null(int64_t sum, size_t n);
/* Whether the array holds integers in [lo, hi], each at most once when
 * distinct (hi - lo < 32, which the deck's bounds guarantee). */
bool tally__int_array(const json_t *a, json_int_t lo, json_int_t hi, bool distinct);

/* ---- the entries (one file each) ---- */

extern const question_kind_t kind_content, kind_open, kind_cloud, kind_choice, kind_scale,
    kind_rank, kind_qa;

#endif
