/*
 * tally: live results of one question (see tally.h).
 *
 * Every answer is a record; counts are kept incrementally by apply(), which
 * adds (+1) or removes (-1) one visible record's contribution, so adding,
 * hiding and showing are O(size of the answer), never a recount. Lists of
 * texts (open answers, Q&A) are built when the JSON is asked for.
 *
 * Allowances: `units` maps a participant to what they have used, reserved
 * answers included; `votes` holds one key per (participant, question) for
 * Q&A upvotes.
 */
#include "model/tally.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/answer.h"
#include "util/map.h"
#include "util/text.h"

typedef struct record {
	int64_t id, at;
	uint64_t participant;
	json_t *norm;
	bool hidden, answered;
	int votes;      /* qa ask: visible upvotes */
	int64_t target; /* qa upvote: index of the question's record, or -1 */
} record_t;

typedef struct word {
	char *fold, *text;
	size_t count;
} word_t;

struct tally {
	const slide_t *s;
	record_t *rec;
	size_t n_rec, cap_rec;
	map_t by_id;   /* answer id -> record index */
	map_t units;   /* participant -> units used (reserved or stored) */
	map_t votes;   /* mix(participant, question id) -> 1 */
	map_t visible; /* participant -> visible answers */
	size_t respondents, answers, hidden;
	uint64_t version;
	/* per kind */
	size_t *counts;     /* choice: per option; scale: per statement x rating */
	double *sums;       /* scale: per statement; rank: per option, positions */
	size_t *n_votes;    /* scale: per statement; rank: per option */
	word_t *words;      /* cloud */
	size_t n_words, cap_words, entries;
	map_t word_idx;     /* hash of fold -> word index */
};

static uint64_t mix(uint64_t a, uint64_t b)
{
	uint64_t x = a ^ (b * 0x9E3779B97F4A7C15ull);
	x ^= x >> 31;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 29;
	return map_key(x);
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return map_key(h);
}

tally_t *tally_new(const slide_t *s)
{
	assert(slide_is_question(s));
	tally_t *t = calloc(1, sizeof *t);
	if (!t)
		abort();
	t->s = s;
	size_t n = s->n_items ? s->n_items : 1;
	if (s->kind == SLIDE_CHOICE)
		t->counts = calloc(n, sizeof *t->counts);
	if (s->kind == SLIDE_SCALE)
		t->counts = calloc(n * (size_t)s->scale_max, sizeof *t->counts);
	if (s->kind == SLIDE_SCALE || s->kind == SLIDE_RANK) {
		t->sums = calloc(n, sizeof *t->sums);
		t->n_votes = calloc(n, sizeof *t->n_votes);
	}
	return t;
}

void tally_free(tally_t *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_rec; i++)
		json_decref(t->rec[i].norm);
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
	map_free(&t->word_idx);
	free(t);
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

static bool is_upvote(const json_t *norm) { return json_object_get(norm, "upvote") != NULL; }

/* The record of a visible question with this answer id, or -1. */
static int64_t question_index(const tally_t *t, int64_t id)
{
	int64_t idx;
	if (!map_get(&t->by_id, map_key((uint64_t)id), &idx))
		return -1;
	if (is_upvote(t->rec[idx].norm))
		return -1;
	return idx;
}

int tally_reserve(tally_t *t, uint64_t participant, const json_t *norm)
{
	const slide_t *s = t->s;
	uint64_t p = map_key(participant);
	int64_t used = get(&t->units, p);
	switch (s->kind) {
	case SLIDE_QA:
		if (is_upvote(norm)) {
			int64_t qid = json_integer_value(json_object_get(norm, "upvote"));
			int64_t idx = question_index(t, qid);
			if (idx < 0 || t->rec[idx].hidden)
				return TALLY_ENOITEM;
			if (t->rec[idx].participant == p)
				return TALLY_EOWN;
			uint64_t k = mix(p, (uint64_t)qid);
			if (map_get(&t->votes, k, NULL))
				return TALLY_EVOTED;
			map_put(&t->votes, k, 1);
			return 0;
		}
		/* an ask counts like an open answer */
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
	if (t->s->kind == SLIDE_QA && is_upvote(norm)) {
		int64_t qid = json_integer_value(json_object_get(norm, "upvote"));
		map_del(&t->votes, mix(p, (uint64_t)qid));
		return;
	}
	add_to(&t->units, p, -answer_units(t->s, norm));
}

/* Adds (sign +1) or removes (-1) a visible record's share of the counts. */
static void apply(tally_t *t, record_t *r, int sign)
{
	const slide_t *s = t->s;
	const json_t *norm = r->norm;
	size_t i;
	json_t *e;
	/* respondents: participants with at least one visible answer */
	int64_t vis = get(&t->visible, r->participant);
	if (sign > 0 && vis == 0)
		t->respondents++;
	if (sign < 0 && vis == 1)
		t->respondents--;
	add_to(&t->visible, r->participant, sign);
	t->answers += (size_t)(sign > 0 ? 1 : 0);
	t->answers -= (size_t)(sign < 0 ? 1 : 0);
	switch (s->kind) {
	case SLIDE_CHOICE:
		json_array_foreach(norm, i, e)
		{
			size_t k = (size_t)json_integer_value(e);
			t->counts[k] = (size_t)((long)t->counts[k] + sign);
		}
		break;
	case SLIDE_SCALE:
		json_array_foreach(norm, i, e)
		{
			size_t r1 = (size_t)json_integer_value(e);
			size_t *c = &t->counts[i * (size_t)s->scale_max + r1 - 1];
			*c = (size_t)((long)*c + sign);
			t->sums[i] += sign * (double)r1;
			t->n_votes[i] = (size_t)((long)t->n_votes[i] + sign);
		}
		break;
	case SLIDE_RANK:
		json_array_foreach(norm, i, e)
		{
			size_t opt = (size_t)json_integer_value(e);
			t->sums[opt] += sign * (double)(i + 1);
			t->n_votes[opt] = (size_t)((long)t->n_votes[opt] + sign);
		}
		break;
	case SLIDE_CLOUD:
		json_array_foreach(norm, i, e)
		{
			const char *text = json_string_value(e);
			char *fold = text_fold(text, strlen(text));
			if (!fold)
				continue;
			uint64_t h = str_hash(fold);
			int64_t w;
			/* probe past hash collisions by comparing the folded text */
			while (map_get(&t->word_idx, h, &w) && strcmp(t->words[w].fold, fold) != 0)
				h = map_key(h + 1);
			if (!map_get(&t->word_idx, h, &w)) {
				if (t->n_words == t->cap_words) {
					t->cap_words = t->cap_words ? t->cap_words * 2 : 16;
					t->words = realloc(t->words, t->cap_words * sizeof *t->words);
					if (!t->words)
						abort();
				}
				w = (int64_t)t->n_words++;
				t->words[w] = (word_t){fold, strdup(text), 0};
				map_put(&t->word_idx, h, w);
			} else {
				free(fold);
			}
			t->words[w].count = (size_t)((long)t->words[w].count + sign);
			t->entries = (size_t)((long)t->entries + sign);
		}
		break;
	case SLIDE_QA:
		if (r->target >= 0)
			t->rec[r->target].votes += sign;
		break;
	default:
		break;
	}
}

void tally_add(tally_t *t, int64_t id, uint64_t participant, const json_t *norm, int64_t at_ms,
	       bool hidden, bool answered, bool reserved)
{
	uint64_t p = map_key(participant);
	if (map_get(&t->by_id, map_key((uint64_t)id), NULL))
		return; /* counted already */
	if (!reserved) {
		if (t->s->kind == SLIDE_QA && is_upvote(norm)) {
			int64_t qid = json_integer_value(json_object_get(norm, "upvote"));
			map_put(&t->votes, mix(p, (uint64_t)qid), 1);
		} else {
			add_to(&t->units, p, answer_units(t->s, norm));
		}
	}
	if (t->n_rec == t->cap_rec) {
		t->cap_rec = t->cap_rec ? t->cap_rec * 2 : 64;
		t->rec = realloc(t->rec, t->cap_rec * sizeof *t->rec);
		if (!t->rec)
			abort();
	}
	record_t *r = &t->rec[t->n_rec];
	*r = (record_t){.id = id,
			.at = at_ms,
			.participant = p,
			.norm = json_incref((json_t *)norm),
			.hidden = hidden,
			.answered = answered,
			.target = -1};
	if (t->s->kind == SLIDE_QA && is_upvote(norm)) {
		r->target = question_index(t, json_integer_value(json_object_get(norm, "upvote")));
		/* a vote for a hidden question does not count while it is hidden */
	}
	map_put(&t->by_id, map_key((uint64_t)id), (int64_t)t->n_rec);
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
	if (!map_get(&t->by_id, map_key((uint64_t)id), &idx))
		return NULL;
	return &t->rec[idx];
}

bool tally_has(const tally_t *t, int64_t id) { return find(t, id) != NULL; }

int tally_set_hidden(tally_t *t, int64_t id, bool hidden)
{
	record_t *r = find(t, id);
	if (!r)
		return -1;
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

int tally_set_answered(tally_t *t, int64_t id, bool answered)
{
	record_t *r = find(t, id);
	if (!r || t->s->kind != SLIDE_QA || is_upvote(r->norm))
		return -1;
	if (r->answered != answered) {
		r->answered = answered;
		t->version++;
	}
	return 0;
}

size_t tally_respondents(const tally_t *t) { return t->respondents; }
size_t tally_answers(const tally_t *t) { return t->answers; }
uint64_t tally_version(const tally_t *t) { return t->version; }

/* ---- JSON ---- */

static json_t *mean_or_null(double sum, size_t n)
{
	if (n == 0)
		return json_null();
	return json_real(round(sum / (double)n * 100.0) / 100.0);
}

static const tally_t *sort_ctx;

static int by_votes(const void *a, const void *b)
{
	const record_t *x = &sort_ctx->rec[*(const size_t *)a], *y = &sort_ctx->rec[*(const size_t *)b];
	if (x->votes != y->votes)
		return y->votes - x->votes;
	return (x->id > y->id) - (x->id < y->id);
}

static int by_count(const void *a, const void *b)
{
	const word_t *x = &sort_ctx->words[*(const size_t *)a];
	const word_t *y = &sort_ctx->words[*(const size_t *)b];
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->fold, y->fold);
}

static int by_mean(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	size_t ni = sort_ctx->n_votes[i], nj = sort_ctx->n_votes[j];
	if (!ni || !nj)
		return ni && !nj ? -1 : !ni && nj ? 1 : (i > j) - (i < j);
	double mi = sort_ctx->sums[i] / (double)ni, mj = sort_ctx->sums[j] / (double)nj;
	if (mi != mj)
		return mi < mj ? -1 : 1;
	return (i > j) - (i < j);
}

static json_t *text_item(const record_t *r, const char *text, bool with_hidden)
{
	json_t *it = json_pack("{s:I, s:s, s:I}", "id", (json_int_t)r->id, "text", text, "at",
			       (json_int_t)r->at);
	if (with_hidden && r->hidden)
		json_object_set_new(it, "hidden", json_true());
	return it;
}

json_t *tally_json(const tally_t *t, bool with_hidden)
{
	const slide_t *s = t->s;
	json_t *j = json_pack("{s:s, s:I, s:I, s:I}", "kind", slide_kind_name(s->kind),
			      "respondents", (json_int_t)t->respondents, "answers",
			      (json_int_t)t->answers, "hidden", (json_int_t)t->hidden);
	json_t *arr = json_array();
	size_t *order = NULL;
	switch (s->kind) {
	case SLIDE_OPEN:
		for (size_t i = t->n_rec; i-- > 0;) {
			const record_t *r = &t->rec[i];
			if (!r->hidden || with_hidden)
				json_array_append_new(arr, text_item(r, json_string_value(r->norm),
								     with_hidden));
		}
		json_object_set_new(j, "items", arr);
		break;
	case SLIDE_QA: {
		size_t n = 0;
		order = malloc((t->n_rec + 1) * sizeof *order);
		if (!order)
			abort();
		for (size_t i = 0; i < t->n_rec; i++)
			if (!is_upvote(t->rec[i].norm) && (!t->rec[i].hidden || with_hidden))
				order[n++] = i;
		sort_ctx = t;
		qsort(order, n, sizeof *order, by_votes);
		for (size_t k = 0; k < n; k++) {
			const record_t *r = &t->rec[order[k]];
			json_t *it = text_item(
				r, json_string_value(json_object_get(r->norm, "ask")), with_hidden);
			json_object_set_new(it, "votes", json_integer(r->votes));
			json_object_set_new(it, "answered", json_boolean(r->answered));
			json_array_append_new(arr, it);
		}
		json_object_set_new(j, "items", arr);
		break;
	}
	case SLIDE_CLOUD: {
		size_t n = 0;
		order = malloc((t->n_words + 1) * sizeof *order);
		if (!order)
			abort();
		for (size_t i = 0; i < t->n_words; i++)
			if (t->words[i].count)
				order[n++] = i;
		sort_ctx = t;
		qsort(order, n, sizeof *order, by_count);
		for (size_t k = 0; k < n; k++)
			json_array_append_new(arr, json_pack("{s:s, s:I}", "text",
							     t->words[order[k]].text, "count",
							     (json_int_t)t->words[order[k]].count));
		json_object_set_new(j, "words", arr);
		json_object_set_new(j, "entries", json_integer((json_int_t)t->entries));
		break;
	}
	case SLIDE_CHOICE:
		for (size_t i = 0; i < s->n_items; i++) {
			double pct = t->respondents ? round(100.0 * (double)t->counts[i] /
							    (double)t->respondents)
						    : 0;
			json_array_append_new(arr, json_pack("{s:s, s:I, s:I}", "label", s->items[i],
							     "count", (json_int_t)t->counts[i],
							     "percent", (json_int_t)pct));
		}
		json_object_set_new(j, "options", arr);
		break;
	case SLIDE_SCALE:
		for (size_t i = 0; i < s->n_items; i++) {
			json_t *counts = json_array();
			for (int r = 0; r < s->scale_max; r++)
				json_array_append_new(
					counts,
					json_integer((json_int_t)t->counts[i * (size_t)s->scale_max + (size_t)r]));
			json_array_append_new(arr, json_pack("{s:s, s:o, s:I, s:o}", "text", s->items[i],
							     "counts", counts, "count",
							     (json_int_t)t->n_votes[i], "mean",
							     mean_or_null(t->sums[i], t->n_votes[i])));
		}
		json_object_set_new(j, "statements", arr);
		json_object_set_new(j, "scale_max", json_integer(s->scale_max));
		json_object_set_new(j, "labels", json_pack("[s, s]", s->label_low ? s->label_low : "",
							   s->label_high ? s->label_high : ""));
		break;
	case SLIDE_RANK:
		order = malloc((s->n_items + 1) * sizeof *order);
		if (!order)
			abort();
		for (size_t i = 0; i < s->n_items; i++)
			order[i] = i;
		sort_ctx = t;
		qsort(order, s->n_items, sizeof *order, by_mean);
		for (size_t k = 0; k < s->n_items; k++) {
			size_t i = order[k];
			json_array_append_new(arr, json_pack("{s:s, s:I, s:o, s:I}", "label", s->items[i],
							     "index", (json_int_t)i, "mean",
							     mean_or_null(t->sums[i], t->n_votes[i]),
							     "count", (json_int_t)t->n_votes[i]));
		}
		json_object_set_new(j, "options", arr);
		break;
	default:
		json_decref(arr);
		break;
	}
	free(order);
	return j;
}
