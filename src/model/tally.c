/*
 * tally: live results of one question (see tally.h).
 *
 * Every answer is a record in a growable array, found by id through a hash
 * map. Counts are kept incrementally by apply(), which adds (+1) or removes
 * (-1) one visible record's share (the kind's own counters through its
 * tally_apply, model/kind_*.c), so adding, hiding and showing cost the
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
#include <uv.h>

#include "model/answer.h"
#include "model/internal.h"
#include "util/xalloc.h"
#include "util/buf.h"
#include "util/map.h"
#include "util/text.h"

static uint64_t vote_key(uint64_t participant, int64_t question)
{
	uint64_t x = participant ^ ((uint64_t)question * 0x9E3779B97F4A7C15ull);
	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 29;
	return map_key(x);
}

int64_t tally__get(const map_t *m, uint64_t k)
{
	int64_t v = 0;
	map_get(m, k, &v);
	return v;
}

void tally__add_to(map_t *m, uint64_t k, int64_t d)
{
	int64_t v = tally__get(m, k) + d;
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
	t->kind = kind_of(s->kind);
	if (t->kind->tally_init)
		t->kind->tally_init(t);
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
	return t->kind->questions && json_object_get(norm, "upvote") != NULL;
}

static int64_t upvote_target(const json_t *norm)
{
	return json_integer_value(json_object_get(norm, "upvote"));
}

bool tally__int_array(const json_t *a, json_int_t lo, json_int_t hi, bool distinct)
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
	return t->kind->norm_ok(t->s, norm);
}

/* ---- allowances ---- */

/* A Q&A upvote: one per (participant, visible question), never for one's
 * own question. */
static int reserve_upvote(tally_t *t, uint64_t p, const json_t *norm)
{
	int64_t qid = upvote_target(norm), idx;
	if (!map_get(&t->by_id, tally__id_key(qid), &idx) || t->rec[idx].upvote ||
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

int tally_reserve(tally_t *t, uint64_t participant, const json_t *norm)
{
	const slide_t *s = t->s;
	uint64_t p = map_key(participant);
	assert(norm_ok(t, norm)); /* the caller passes answer_validate's output */
	if (is_upvote(t, norm))
		return reserve_upvote(t, p, norm);
	int64_t used = tally__get(&t->units, p);
	int units = t->kind->units(s, norm);
	if (t->kind->one_vote && used >= 1)
		return TALLY_EVOTED;
	/* a question counts against the allowance like an open answer, a
	 * cloud's entries one by one */
	if (!t->kind->one_vote && used + units > s->max_answers)
		return TALLY_ELIMIT;
	tally__add_to(&t->units, p, units);
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
	int units = t->kind->units(t->s, norm);
	assert(tally__get(&t->units, p) >= units);
	tally__add_to(&t->units, p, -units);
}

int64_t tally_used(const tally_t *t, uint64_t participant)
{
	return tally__get(&t->units, map_key(participant));
}

json_t *tally_mine(const tally_t *t, uint64_t participant)
{
	uint64_t p = map_key(participant);
	json_t *arr = json_array();
	/* records are in the order they were counted: the commit order live,
	 * id order when rebuilt from the store */
	for (size_t i = 0; i < t->n_rec; i++) {
		const tally_record_t *r = &t->rec[i];
		if (r->participant != p)
			continue;
		json_t *it = json_pack("{s:I, s:o}", "id", (json_int_t)r->id, "value",
		                       r->norm ? json_incref(r->norm) : json_null());
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
		tally__add_to(&t->units, p, t->kind->units(t->s, norm));
}

/* ---- counting ---- */

void tally__bump(size_t *c, int sign)
{
	assert(sign > 0 || *c > 0);
	*c = sign > 0 ? *c + 1 : *c - 1;
}

/* Adds (sign +1) or removes (-1) a visible record's share of the counts:
 * the respondents and answers here, the rest in the kind's tally_apply. */
static void apply(tally_t *t, const tally_record_t *r, int sign)
{
	int64_t vis = tally__get(&t->visible, r->participant);
	if (sign > 0 && vis == 0)
		t->respondents++;
	if (sign < 0 && vis == 1)
		t->respondents--;
	tally__add_to(&t->visible, r->participant, sign);
	tally__bump(&t->answers, sign);
	if (t->kind->tally_apply)
		t->kind->tally_apply(t, r, sign);
}

void tally_add(tally_t *t, int64_t id, uint64_t participant, const json_t *norm, int64_t at_ms,
               bool hidden, bool answered, bool reserved)
{
	uint64_t p = map_key(participant);
	if (map_get(&t->by_id, tally__id_key(id), NULL) || !norm_ok(t, norm)) {
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
	tally_record_t *r = &t->rec[t->n_rec];
	*r = (tally_record_t){.id = id,
	                      .at = at_ms,
	                      .participant = p,
	                      .norm = json_incref((json_t *)norm),
	                      .hidden = hidden,
	                      .answered = answered,
	                      .upvote = is_upvote(t, norm)};
	if (t->kind->tally_record)
		t->kind->tally_record(t, r);
	map_put(&t->by_id, tally__id_key(id), (int64_t)t->n_rec);
	t->n_rec++;
	if (hidden)
		t->hidden++;
	else
		apply(t, r, +1);
	/* Counting only: the value is never read again once its share is
	 * counted (and a Q&A upvote's target is in qvotes by now). */
	if (t->no_items) {
		json_decref(r->norm);
		r->norm = NULL;
		free(r->words);
		r->words = NULL;
		r->n_words = 0;
	}
	t->version++;
}

void tally_counts_only(tally_t *t)
{
	assert(t->n_rec == 0);
	t->no_items = true;
}

static tally_record_t *find(const tally_t *t, int64_t id)
{
	int64_t idx;
	if (!map_get(&t->by_id, tally__id_key(id), &idx))
		return NULL;
	return &t->rec[idx];
}

bool tally_has(const tally_t *t, int64_t id)
{
	return find(t, id) != NULL;
}

int tally_set_hidden(tally_t *t, int64_t id, bool hidden)
{
	tally_record_t *r = find(t, id);
	if (!r)
		return UV_ENOENT;
	if (t->no_items)
		return UV_ENOTSUP;
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
	tally_record_t *r = find(t, id);
	if (!r)
		return UV_ENOENT;
	if (r->pending != pending) {
		r->pending = pending;
		t->version++;
	}
	return 0;
}

int tally_set_pinned(tally_t *t, int64_t id, bool pinned)
{
	tally_record_t *r = find(t, id);
	if (!r || !t->kind->questions || r->upvote)
		return UV_ENOENT;
	if (r->pinned != pinned) {
		r->pinned = pinned;
		t->version++;
	}
	return 0;
}

int tally_set_answered(tally_t *t, int64_t id, bool answered)
{
	tally_record_t *r = find(t, id);
	if (!r || !t->kind->questions || r->upvote)
		return UV_ENOENT;
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

int tally__cmp64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

int tally__by_time_desc(const void *a, const void *b, void *ctx)
{
	const tally_t *t = ctx;
	const tally_record_t *x = &t->rec[*(const size_t *)a], *y = &t->rec[*(const size_t *)b];
	int c = tally__cmp64(y->at, x->at);
	return c ? c : tally__cmp64(y->id, x->id);
}

json_t *tally__mean_or_null(int64_t sum, size_t n)
{
	if (n == 0)
		return json_null();
	return json_real(round((double)sum / (double)n * 100.0) / 100.0);
}

json_t *tally__text_item(const tally_record_t *r, const char *text, bool with_hidden)
{
	json_t *it = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)r->id, "text", text, "at",
	                       (json_int_t)r->at);
	if (with_hidden && r->hidden)
		json_object_set_new(it, "hidden", json_true());
	if (with_hidden && r->pending)
		json_object_set_new(it, "pending", json_true());
	return it;
}

size_t *tally__listed(const tally_t *t, bool with_hidden, bool upvotes,
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
	json_t *j = json_pack("{s:s, s:I, s:I, s:I}", "kind", t->kind->name, "respondents",
	                      (json_int_t)t->respondents, "answers", (json_int_t)t->answers,
	                      "hidden", (json_int_t)t->hidden);
	t->kind->tally_json(t, j, with_hidden);
	return j;
}
