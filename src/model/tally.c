/*
 * tally: live results of one question (see tally.h).
 *
 * Every answer is a record in a growable array, found by id through a hash
 * map. Counts are kept incrementally by apply(), which adds (+1) or removes
 * (-1) one visible record's share, so adding, hiding and showing cost the
 * size of one answer, never a recount. Lists and orderings (open answers,
 * Q&A, words by count, ranks by mean) are made when the JSON is asked for.
 *
 * Allowances live in maps keyed by participant: `units` holds what each has
 * used, reservations included; `votes` holds one key per (participant,
 * question) for Q&A upvotes. Hiding never gives units back.
 *
 * Results depend only on the set of answers and their flags, not on the
 * order they were added in: a tally rebuilt from the store at start equals
 * the one that was live. That is why a cloud word shows the form of the
 * answer with the lowest id, and why every ordering ends on the id.
 */
#include "model/tally.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/answer.h"
#include "util/xalloc.h"
#include "util/buf.h"
#include "util/map.h"
#include "util/text.h"

typedef struct record {
	int64_t id, at;
	uint64_t participant; /* map_key()ed */
	json_t *norm;         /* owned reference */
	uint32_t *words;      /* cloud: owned, the word index of each entry */
	uint32_t n_words;
	bool hidden, answered, pending, pinned;
	bool upvote; /* qa: a vote, not a question */
} record_t;

typedef struct word {
	char *fold;       /* owned: the key entries are counted under */
	char *text;       /* owned: the form of the answer with the lowest id */
	int64_t first_id; /* that answer's id */
	size_t count;     /* visible entries */
} word_t;

struct tally {
	const slide_t *s; /* borrowed */
	record_t *rec;
	size_t n_rec, cap_rec;
	map_t by_id;   /* answer id -> record index */
	map_t units;   /* participant -> units used (reserved or stored) */
	map_t votes;   /* vote_key(participant, question id) -> 1 */
	map_t visible; /* participant -> visible answers */
	map_t qvotes;  /* qa: question id -> visible upvotes */
	size_t respondents, answers, hidden;
	uint64_t version;
	/* per kind, allocated by tally_new */
	size_t *counts;  /* choice: per option; scale: per statement x rating */
	int64_t *sums;   /* scale: ratings per statement; rank: positions per option */
	size_t *n_votes; /* scale: per statement; rank: per option */
	word_t *words;   /* cloud */
	size_t n_words, cap_words, entries;
	map_t word_idx; /* cloud: probe key of a fold -> word index */
};

static uint64_t id_key(int64_t id)
{
	return map_key((uint64_t)id);
}

static uint64_t vote_key(uint64_t participant, int64_t question)
{
	uint64_t x = participant ^ ((uint64_t)question * 0x9E3779B97F4A7C15ull);
	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 29;
	return map_key(x);
}

/* Keyed: participants choose these strings (util/map.h, hash flooding). */
static uint64_t str_hash(const char *s)
{
	return map_hash(s, strlen(s));
}

static int64_t get(const map_t *m, uint64_t k)
{
	int64_t v = 0;
	map_get(m, k, &v);
	return v;
}

static void add_to(map_t *m, uint64_t k, int64_t d)
{
	int64_t v = get(m, k) + d;
	if (v)
		map_put(m, k, v);
	else
		map_del(m, k);
}

tally_t *tally_new(const slide_t *s)
{
	assert(s && slide_is_question(s));
	tally_t *t = xcalloc(1, sizeof *t);
	t->s = s;
	size_t n = s->n_items;
	if (s->kind == SLIDE_CHOICE)
		t->counts = xcalloc(n, sizeof *t->counts);
	if (s->kind == SLIDE_SCALE)
		t->counts = xcalloc(n * (size_t)s->scale_max, sizeof *t->counts);
	if (s->kind == SLIDE_SCALE || s->kind == SLIDE_RANK) {
		t->sums = xcalloc(n, sizeof *t->sums);
		t->n_votes = xcalloc(n, sizeof *t->n_votes);
	}
	return t;
}

void tally_free(tally_t *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_rec; i++) {
		json_decref(t->rec[i].norm);
		free(t->rec[i].words);
	}
	free(t->rec);
	for (size_t i = 0; i < t->n_words; i++) {
		free(t->words[i].fold);
		free(t->words[i].text);
	}
	free(t->words);
	free(t->counts);
	free(t->sums);
	free(t->n_votes);
	map_free(&t->by_id);
	map_free(&t->units);
	map_free(&t->votes);
	map_free(&t->visible);
	map_free(&t->qvotes);
	map_free(&t->word_idx);
	free(t);
}

/* ---- the shape of a normal form ---- */

static bool is_upvote(const tally_t *t, const json_t *norm)
{
	return t->s->kind == SLIDE_QA && json_object_get(norm, "upvote") != NULL;
}

static int64_t upvote_target(const json_t *norm)
{
	return json_integer_value(json_object_get(norm, "upvote"));
}

/* Whether the array holds integers in [lo, hi], each at most once when
 * distinct (hi - lo < 32, which the deck's bounds guarantee). */
static bool int_array(const json_t *a, json_int_t lo, json_int_t hi, bool distinct)
{
	uint32_t seen = 0;
	size_t i;
	json_t *e;
	json_array_foreach (a, i, e) {
		if (!json_is_integer(e) || json_integer_value(e) < lo || json_integer_value(e) > hi)
			return false;
		uint32_t bit = 1u << (json_integer_value(e) - lo);
		if (distinct && (seen & bit))
			return false;
		seen |= bit;
	}
	return true;
}

/* True when norm has the normal form of answer.h for this slide. Answers
 * read back from the store are checked with it, so that a damaged row can
 * never index outside the counters. */
static bool norm_ok(const tally_t *t, const json_t *norm)
{
	const slide_t *s = t->s;
	size_t n = json_array_size(norm), i;
	json_t *e;
	switch (s->kind) {
	case SLIDE_OPEN: return json_is_string(norm);
	case SLIDE_QA:
		if (json_object_size(norm) != 1)
			return false;
		if (json_is_string(json_object_get(norm, "ask")))
			return true;
		return json_is_integer(json_object_get(norm, "upvote")) && upvote_target(norm) > 0;
	case SLIDE_CLOUD:
		if (!json_is_array(norm) || n == 0 || n > DECK_CLOUD_ENTRIES_MAX)
			return false;
		json_array_foreach (norm, i, e) {
			if (!json_is_string(e))
				return false;
		}
		return true;
	case SLIDE_CHOICE:
		return json_is_array(norm) && n >= 1 && n <= s->n_items &&
		       (s->multiple || n == 1) &&
		       int_array(norm, 0, (json_int_t)s->n_items - 1, true);
	case SLIDE_SCALE:
		return json_is_array(norm) && n == s->n_items &&
		       int_array(norm, 1, s->scale_max, false);
	case SLIDE_RANK:
		return json_is_array(norm) && n == s->n_items &&
		       int_array(norm, 0, (json_int_t)s->n_items - 1, true);
	default: return false;
	}
}

/* ---- allowances ---- */

int tally_reserve(tally_t *t, uint64_t participant, const json_t *norm)
{
	const slide_t *s = t->s;
	uint64_t p = map_key(participant);
	assert(norm_ok(t, norm)); /* the caller passes answer_validate's output */
	int64_t used = get(&t->units, p);
	switch (s->kind) {
	case SLIDE_QA:
		if (is_upvote(t, norm)) {
			int64_t qid = upvote_target(norm), idx;
			if (!map_get(&t->by_id, id_key(qid), &idx) || t->rec[idx].upvote ||
			    t->rec[idx].hidden)
				return TALLY_ENOITEM;
			if (t->rec[idx].participant == p)
				return TALLY_EOWN;
			uint64_t k = vote_key(p, qid);
			if (map_get(&t->votes, k, NULL))
				return TALLY_EVOTED;
			map_put(&t->votes, k, 1);
			return 0;
		}
		/* a question counts against the allowance like an open answer */
		__attribute__((fallthrough));
	case SLIDE_OPEN:
		if (used >= s->max_answers)
			return TALLY_ELIMIT;
		break;
	case SLIDE_CLOUD:
		if (used + answer_units(s, norm) > s->max_answers)
			return TALLY_ELIMIT;
		break;
	default:
		if (used >= 1)
			return TALLY_EVOTED;
		break;
	}
	add_to(&t->units, p, answer_units(s, norm));
	return 0;
}

void tally_release(tally_t *t, uint64_t participant, const json_t *norm)
{
	uint64_t p = map_key(participant);
	if (is_upvote(t, norm)) {
		bool had = map_del(&t->votes, vote_key(p, upvote_target(norm)));
		assert(had);
		(void)had;
		return;
	}
	assert(get(&t->units, p) >= answer_units(t->s, norm));
	add_to(&t->units, p, -answer_units(t->s, norm));
}

int64_t tally_used(const tally_t *t, uint64_t participant)
{
	return get(&t->units, map_key(participant));
}

json_t *tally_mine(const tally_t *t, uint64_t participant)
{
	uint64_t p = map_key(participant);
	json_t *arr = json_array();
	/* records are in the order they were counted: the commit order live,
	 * id order when rebuilt from the store */
	for (size_t i = 0; i < t->n_rec; i++) {
		const record_t *r = &t->rec[i];
		if (r->participant != p)
			continue;
		json_t *it = json_pack("{s:I, s:O}", "id", (json_int_t)r->id, "value", r->norm);
		if (r->hidden)
			json_object_set_new(it, "held", json_true());
		json_array_append_new(arr, it);
	}
	return arr;
}

/* Charges an answer read back from the store, without checks: it was
 * accepted once, and the allowance it used stays used. */
static void charge(tally_t *t, uint64_t p, const json_t *norm)
{
	if (is_upvote(t, norm))
		map_put(&t->votes, vote_key(p, upvote_target(norm)), 1);
	else
		add_to(&t->units, p, answer_units(t->s, norm));
}

/* ---- counting ---- */

/* The word entry text is counted under, created on first sight. */
static uint32_t word_for(tally_t *t, const char *text, int64_t id)
{
	char *fold = text_fold(text, strlen(text));
	if (!fold) /* not valid text: counted under its own bytes */
		fold = strdup(text);
	if (!fold)
		abort();
	uint64_t h = str_hash(fold);
	int64_t w;
	/* Probe past other folds with the same hash: the map never deletes,
	 * so a free key ends the search. */
	while (map_get(&t->word_idx, h, &w) && strcmp(t->words[w].fold, fold) != 0)
		h = map_key(h + 1);
	if (map_get(&t->word_idx, h, &w)) {
		free(fold);
		word_t *wd = &t->words[w];
		if (id < wd->first_id) {
			char *copy = strdup(text);
			if (!copy)
				abort();
			free(wd->text);
			wd->text = copy;
			wd->first_id = id;
		}
		return (uint32_t)w;
	}
	if (t->n_words == t->cap_words) {
		t->cap_words = t->cap_words ? t->cap_words * 2 : 16;
		t->words = xrealloc(t->words, t->cap_words * sizeof *t->words);
	}
	char *copy = strdup(text);
	if (!copy)
		abort();
	w = (int64_t)t->n_words++;
	t->words[w] = (word_t){fold, copy, id, 0};
	map_put(&t->word_idx, h, w);
	return (uint32_t)w;
}

static void bump(size_t *c, int sign)
{
	assert(sign > 0 || *c > 0);
	*c = sign > 0 ? *c + 1 : *c - 1;
}

/* Adds (sign +1) or removes (-1) a visible record's share of the counts. */
static void apply(tally_t *t, const record_t *r, int sign)
{
	const slide_t *s = t->s;
	const json_t *norm = r->norm;
	size_t i;
	json_t *e;
	int64_t vis = get(&t->visible, r->participant);
	if (sign > 0 && vis == 0)
		t->respondents++;
	if (sign < 0 && vis == 1)
		t->respondents--;
	add_to(&t->visible, r->participant, sign);
	bump(&t->answers, sign);
	switch (s->kind) {
	case SLIDE_CHOICE:
		json_array_foreach (norm, i, e) {
			bump(&t->counts[json_integer_value(e)], sign);
		}
		break;
	case SLIDE_SCALE:
		json_array_foreach (norm, i, e) {
			json_int_t rating = json_integer_value(e);
			bump(&t->counts[i * (size_t)s->scale_max + (size_t)rating - 1], sign);
			t->sums[i] += sign * rating;
			bump(&t->n_votes[i], sign);
		}
		break;
	case SLIDE_RANK:
		json_array_foreach (norm, i, e) {
			size_t opt = (size_t)json_integer_value(e);
			t->sums[opt] += sign * (int64_t)(i + 1);
			bump(&t->n_votes[opt], sign);
		}
		break;
	case SLIDE_CLOUD:
		for (uint32_t k = 0; k < r->n_words; k++) {
			bump(&t->words[r->words[k]].count, sign);
			bump(&t->entries, sign);
		}
		break;
	case SLIDE_QA:
		if (r->upvote)
			add_to(&t->qvotes, id_key(upvote_target(norm)), sign);
		break;
	default: break;
	}
}

void tally_add(tally_t *t, int64_t id, uint64_t participant, const json_t *norm, int64_t at_ms,
               bool hidden, bool answered, bool reserved)
{
	uint64_t p = map_key(participant);
	if (map_get(&t->by_id, id_key(id), NULL) || !norm_ok(t, norm)) {
		/* Counted already, or a value the store should never have
		 * held: leave the results as they are. */
		if (reserved)
			tally_release(t, participant, norm);
		return;
	}
	if (!reserved)
		charge(t, p, norm);
	if (t->n_rec == t->cap_rec) {
		t->cap_rec = t->cap_rec ? t->cap_rec * 2 : 64;
		t->rec = xrealloc(t->rec, t->cap_rec * sizeof *t->rec);
	}
	record_t *r = &t->rec[t->n_rec];
	*r = (record_t){.id = id,
	                .at = at_ms,
	                .participant = p,
	                .norm = json_incref((json_t *)norm),
	                .hidden = hidden,
	                .answered = answered,
	                .upvote = is_upvote(t, norm)};
	if (t->s->kind == SLIDE_CLOUD) {
		size_t i;
		json_t *e;
		r->words = xcalloc(json_array_size(norm), sizeof *r->words);
		json_array_foreach (norm, i, e) {
			r->words[r->n_words++] = word_for(t, json_string_value(e), id);
		}
	}
	map_put(&t->by_id, id_key(id), (int64_t)t->n_rec);
	t->n_rec++;
	if (hidden)
		t->hidden++;
	else
		apply(t, r, +1);
	t->version++;
}

static record_t *find(const tally_t *t, int64_t id)
{
	int64_t idx;
	if (!map_get(&t->by_id, id_key(id), &idx))
		return NULL;
	return &t->rec[idx];
}

bool tally_has(const tally_t *t, int64_t id)
{
	return find(t, id) != NULL;
}

int tally_set_hidden(tally_t *t, int64_t id, bool hidden)
{
	record_t *r = find(t, id);
	if (!r)
		return -1;
	if (!hidden)
		r->pending = false;
	if (r->hidden == hidden)
		return 0;
	r->hidden = hidden;
	if (hidden) {
		apply(t, r, -1);
		t->hidden++;
	} else {
		t->hidden--;
		apply(t, r, +1);
	}
	t->version++;
	return 0;
}

int tally_set_pending(tally_t *t, int64_t id, bool pending)
{
	record_t *r = find(t, id);
	if (!r)
		return -1;
	if (r->pending != pending) {
		r->pending = pending;
		t->version++;
	}
	return 0;
}

int tally_set_pinned(tally_t *t, int64_t id, bool pinned)
{
	record_t *r = find(t, id);
	if (!r || t->s->kind != SLIDE_QA || r->upvote)
		return -1;
	if (r->pinned != pinned) {
		r->pinned = pinned;
		t->version++;
	}
	return 0;
}

int tally_set_answered(tally_t *t, int64_t id, bool answered)
{
	record_t *r = find(t, id);
	if (!r || t->s->kind != SLIDE_QA || r->upvote)
		return -1;
	if (r->answered != answered) {
		r->answered = answered;
		t->version++;
	}
	return 0;
}

size_t tally_respondents(const tally_t *t)
{
	return t->respondents;
}
size_t tally_answers(const tally_t *t)
{
	return t->answers;
}
uint64_t tally_version(const tally_t *t)
{
	return t->version;
}

/* ---- JSON ---- */

static int cmp64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

/* Open answers: newest first. */
static int by_time_desc(const void *a, const void *b, void *ctx)
{
	const tally_t *t = ctx;
	const record_t *x = &t->rec[*(const size_t *)a], *y = &t->rec[*(const size_t *)b];
	int c = cmp64(y->at, x->at);
	return c ? c : cmp64(y->id, x->id);
}

/* Q&A: most votes first, then the older question. */
static int by_votes(const void *a, const void *b, void *ctx)
{
	const tally_t *t = ctx;
	const record_t *x = &t->rec[*(const size_t *)a], *y = &t->rec[*(const size_t *)b];
	int c = (int)y->pinned - (int)x->pinned; /* pinned questions lead */
	if (!c)
		c = cmp64(get(&t->qvotes, id_key(y->id)), get(&t->qvotes, id_key(x->id)));
	if (!c)
		c = cmp64(x->at, y->at);
	return c ? c : cmp64(x->id, y->id);
}

static int by_count(const void *a, const void *b, void *ctx)
{
	const tally_t *t = ctx;
	const word_t *x = &t->words[*(const size_t *)a], *y = &t->words[*(const size_t *)b];
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->fold, y->fold);
}

/* Rank: lowest mean position first, compared exactly (sum_i / n_i against
 * sum_j / n_j by cross-multiplying); options nobody ranked go last. */
static int by_mean(const void *a, const void *b, void *ctx)
{
	const tally_t *t = ctx;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	size_t ni = t->n_votes[i], nj = t->n_votes[j];
	if (!ni || !nj) {
		if (ni || nj)
			return ni ? -1 : 1;
	} else {
		int c = cmp64(t->sums[i] * (int64_t)nj, t->sums[j] * (int64_t)ni);
		if (c)
			return c;
	}
	return (i > j) - (i < j);
}

static json_t *mean_or_null(int64_t sum, size_t n)
{
	if (n == 0)
		return json_null();
	return json_real(round((double)sum / (double)n * 100.0) / 100.0);
}

static json_t *text_item(const record_t *r, const char *text, bool with_hidden)
{
	json_t *it = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)r->id, "text", text, "at",
	                       (json_int_t)r->at);
	if (with_hidden && r->hidden)
		json_object_set_new(it, "hidden", json_true());
	if (with_hidden && r->pending)
		json_object_set_new(it, "pending", json_true());
	return it;
}

/* Indexes of the records to list, sorted by cmp; caller frees. */
static size_t *listed(const tally_t *t, bool with_hidden, bool upvotes,
                      int (*cmp)(const void *, const void *, void *), size_t *n)
{
	size_t *order = xcalloc(t->n_rec, sizeof *order);
	*n = 0;
	for (size_t i = 0; i < t->n_rec; i++)
		if ((!t->rec[i].hidden || with_hidden) && t->rec[i].upvote == upvotes)
			order[(*n)++] = i;
	qsort_r(order, *n, sizeof *order, cmp, (void *)t);
	return order;
}

json_t *tally_json(const tally_t *t, bool with_hidden)
{
	const slide_t *s = t->s;
	json_t *j = json_pack("{s:s, s:I, s:I, s:I}", "kind", slide_kind_name(s->kind),
	                      "respondents", (json_int_t)t->respondents, "answers",
	                      (json_int_t)t->answers, "hidden", (json_int_t)t->hidden);
	json_t *arr = json_array();
	size_t *order = NULL, n = 0;
	switch (s->kind) {
	case SLIDE_OPEN:
		order = listed(t, with_hidden, false, by_time_desc, &n);
		for (size_t k = 0; k < n; k++) {
			const record_t *r = &t->rec[order[k]];
			json_array_append_new(
			    arr, text_item(r, json_string_value(r->norm), with_hidden));
		}
		json_object_set_new(j, "items", arr);
		break;
	case SLIDE_QA:
		order = listed(t, with_hidden, false, by_votes, &n);
		for (size_t k = 0; k < n; k++) {
			const record_t *r = &t->rec[order[k]];
			json_t *it = text_item(
			    r, json_string_value(json_object_get(r->norm, "ask")), with_hidden);
			json_object_set_new(it, "votes",
			                    json_integer(get(&t->qvotes, id_key(r->id))));
			json_object_set_new(it, "answered", json_boolean(r->answered));
			if (r->pinned)
				json_object_set_new(it, "pinned", json_true());
			json_array_append_new(arr, it);
		}
		json_object_set_new(j, "items", arr);
		break;
	case SLIDE_CLOUD:
		order = xcalloc(t->n_words, sizeof *order);
		for (size_t i = 0; i < t->n_words; i++)
			if (t->words[i].count)
				order[n++] = i;
		qsort_r(order, n, sizeof *order, by_count, (void *)t);
		for (size_t k = 0; k < n; k++) {
			const word_t *w = &t->words[order[k]];
			json_array_append_new(arr, json_pack("{s:s, s:I}", "text", w->text, "count",
			                                     (json_int_t)w->count));
		}
		json_object_set_new(j, "words", arr);
		json_object_set_new(j, "entries", json_integer((json_int_t)t->entries));
		if (with_hidden) {
			/* moderators act on answers, not words: every answer, newest first */
			json_t *items = json_array();
			size_t m = 0;
			size_t *all = listed(t, true, false, by_time_desc, &m);
			for (size_t x = 0; x < m; x++) {
				const record_t *r = &t->rec[all[x]];
				buf_t b = BUF_INIT;
				size_t k;
				json_t *e;
				json_array_foreach(r->norm, k, e)
				{
					if (k)
						buf_puts(&b, ", ");
					buf_puts(&b, json_string_value(e));
				}
				json_array_append_new(items, text_item(r, b.data ? b.data : "", true));
				buf_free(&b);
			}
			free(all);
			json_object_set_new(j, "items", items);
		}
		break;
	case SLIDE_CHOICE:
		for (size_t i = 0; i < s->n_items; i++) {
			size_t c = t->counts[i], resp = t->respondents;
			/* round(100 * c / resp), halves up, in integers */
			size_t pct = resp ? (200 * c + resp) / (2 * resp) : 0;
			json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "label",
			                                     s->items[i], "count", (json_int_t)c,
			                                     "percent", (json_int_t)pct));
		}
		json_object_set_new(j, "options", arr);
		break;
	case SLIDE_SCALE:
		for (size_t i = 0; i < s->n_items; i++) {
			json_t *counts = json_array();
			for (size_t r = 0; r < (size_t)s->scale_max; r++)
				json_array_append_new(
				    counts,
				    json_integer(
				        (json_int_t)t->counts[i * (size_t)s->scale_max + r]));
			json_array_append_new(
			    arr, json_pack("{s:s, s:o, s:I, s:o}", "text", s->items[i], "counts",
			                   counts, "count", (json_int_t)t->n_votes[i], "mean",
			                   mean_or_null(t->sums[i], t->n_votes[i])));
		}
		json_object_set_new(j, "statements", arr);
		json_object_set_new(j, "scale_max", json_integer(s->scale_max));
		json_object_set_new(j, "labels",
		                    json_pack("[s, s]", s->label_low ? s->label_low : "",
		                              s->label_high ? s->label_high : ""));
		break;
	case SLIDE_RANK:
		order = xcalloc(s->n_items, sizeof *order);
		for (size_t i = 0; i < s->n_items; i++)
			order[i] = i;
		qsort_r(order, s->n_items, sizeof *order, by_mean, (void *)t);
		for (size_t k = 0; k < s->n_items; k++) {
			size_t i = order[k];
			json_array_append_new(arr,
			                      json_pack("{s:s, s:I, s:o, s:I}", "label",
			                                s->items[i], "index", (json_int_t)i, "mean",
			                                mean_or_null(t->sums[i], t->n_votes[i]),
			                                "count", (json_int_t)t->n_votes[i]));
		}
		json_object_set_new(j, "options", arr);
		break;
	default: json_decref(arr); break;
	}
	free(order);
	return j;
}
