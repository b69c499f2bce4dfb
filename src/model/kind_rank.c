/*
 * kind_rank: order the options. A participant votes once with a full
 * ordering; the screen lists options by mean position, compared exactly.
 *
 * Normal form: [i, ...] (a permutation of all option indexes, first = most
 * preferred).
 */
#include <stdlib.h>

#include "model/internal.h"
#include "util/xalloc.h"

enum { RANK_MAX = 10 }; /* options of a rank question: ranking more is a chore */

static int rank_validate(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
                         char *msg, size_t msglen)
{
	json_int_t v[DECK_ITEMS_MAX + 1];
	size_t n;
	bool seen[DECK_ITEMS_MAX] = {0};
	if (answer__int_list(value, false, v, DECK_ITEMS_MAX, &n) < 0 || n != s->n_items)
		return ANSWER__BAD("answer.rank_all", s->n_items);
	for (size_t i = 0; i < n; i++) {
		if (v[i] < 0 || v[i] >= (json_int_t)n || seen[v[i]])
			return ANSWER__BAD("answer.rank_once");
		seen[v[i]] = true;
	}
	*norm = answer__int_array(v, n);
	return 0;
}

static void rank_text(const slide_t *s, const json_t *norm, buf_t *b)
{
	size_t i;
	json_t *e;
	json_array_foreach (norm, i, e) {
		buf_printf(b, "%s%zu. %s", i ? "; " : "", i + 1,
		           answer__item(s, json_integer_value(e)));
	}
}

static bool rank_norm_ok(const slide_t *s, const json_t *norm)
{
	return json_is_array(norm) && json_array_size(norm) == s->n_items &&
	       tally__int_array(norm, 0, (json_int_t)s->n_items - 1, true);
}

static void rank_init(tally_t *t)
{
	t->sums = xcalloc(t->s->n_items, sizeof *t->sums);
	t->n_votes = xcalloc(t->s->n_items, sizeof *t->n_votes);
}

static void rank_apply(tally_t *t, const tally_record_t *r, int sign)
{
	size_t i;
	json_t *e;
	json_array_foreach (r->norm, i, e) {
		size_t opt = (size_t)json_integer_value(e);
		t->sums[opt] += sign * (int64_t)(i + 1);
		tally__bump(&t->n_votes[opt], sign);
	}
}

/* Lowest mean position first, compared exactly (sum_i / n_i against
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
		int c = tally__cmp64(t->sums[i] * (int64_t)nj, t->sums[j] * (int64_t)ni);
		if (c)
			return c;
	}
	return (i > j) - (i < j);
}

static void rank_tally_json(const tally_t *t, json_t *j, bool with_hidden)
{
	const slide_t *s = t->s;
	json_t *arr = json_array();
	size_t *order = xcalloc(s->n_items, sizeof *order);
	for (size_t i = 0; i < s->n_items; i++)
		order[i] = i;
	qsort_r(order, s->n_items, sizeof *order, by_mean, (void *)t);
	for (size_t k = 0; k < s->n_items; k++) {
		size_t i = order[k];
		json_array_append_new(arr, json_pack("{s:s, s:I, s:o, s:I}", "label", s->items[i],
		                                     "index", (json_int_t)i, "mean",
		                                     tally__mean_or_null(t->sums[i], t->n_votes[i]),
		                                     "count", (json_int_t)t->n_votes[i]));
	}
	free(order);
	json_object_set_new(j, "options", arr);
}

const question_kind_t kind_rank = {
    .kind = SLIDE_RANK,
    .name = "rank",
    .settings = {"results"},
    .items_min = 2,
    .items_max = RANK_MAX,
    .items_key = "options",
    .validate = rank_validate,
    .units = answer__one_unit,
    .text = rank_text,
    .one_vote = true,
    .norm_ok = rank_norm_ok,
    .tally_init = rank_init,
    .tally_apply = rank_apply,
    .tally_json = rank_tally_json,
};
