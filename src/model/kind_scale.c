/*
 * kind_scale: statements rated 1..scale_max. A participant votes once,
 * with a rating for every statement; the screen shows per statement the
 * count of each rating and the mean.
 *
 * Normal form: [r0, r1, ...] (one rating 1..scale_max per statement, in
 * statement order).
 */
#include <string.h>

#include "model/internal.h"
#include "util/text.h"
#include "util/xalloc.h"

static void scale_defaults(slide_t *s)
{
	s->scale_max = DECK_SCALE_DEFAULT;
	s->label_low = xstrdup("");
	s->label_high = xstrdup("");
}

static bool label_ok(const char *s)
{
	return s && text_valid(s, strlen(s)) && text_length(s, strlen(s)) <= DECK_ITEM_MAX;
}

static bool scale_slide_ok(const slide_t *s)
{
	return s->scale_max >= DECK_SCALE_MIN && s->scale_max <= DECK_SCALE_MAX &&
	       label_ok(s->label_low) && label_ok(s->label_high);
}

static json_t *labels(const slide_t *s)
{
	return json_pack("[s, s]", s->label_low ? s->label_low : "",
	                 s->label_high ? s->label_high : "");
}

static void scale_slide_json(const slide_t *s, json_t *j)
{
	json_object_set_new(j, "scale_max", json_integer(s->scale_max));
	json_object_set_new(j, "labels", labels(s));
}

static bool scale_slide_from_json(const json_t *j, slide_t *s)
{
	json_t *max = json_object_get(j, "scale_max"), *l = json_object_get(j, "labels");
	if (!json_is_integer(max) || json_integer_value(max) < 0 ||
	    json_integer_value(max) > 1 << 20 || json_array_size(l) != 2)
		return false;
	const char *lo = json_string_value(json_array_get(l, 0));
	const char *hi = json_string_value(json_array_get(l, 1));
	if (!lo || !hi)
		return false;
	s->scale_max = (int)json_integer_value(max);
	s->label_low = xstrdup(lo);
	s->label_high = xstrdup(hi);
	return true;
}

static int scale_validate(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
                          char *msg, size_t msglen)
{
	json_int_t v[DECK_ITEMS_MAX + 1];
	size_t n;
	if (answer__int_list(value, false, v, DECK_ITEMS_MAX, &n) < 0 || n != s->n_items)
		return ANSWER__BAD("answer.scale_all", s->n_items);
	for (size_t i = 0; i < n; i++)
		if (v[i] < 1 || v[i] > s->scale_max)
			return ANSWER__BAD("answer.scale_range", s->scale_max);
	*norm = answer__int_array(v, n);
	return 0;
}

static void scale_text(const slide_t *s, const json_t *norm, buf_t *b)
{
	size_t i;
	json_t *e;
	json_array_foreach (norm, i, e) {
		buf_printf(b, "%s%s: %lld", i ? "; " : "", answer__item(s, (json_int_t)i),
		           (long long)json_integer_value(e));
	}
}

static bool scale_norm_ok(const slide_t *s, const json_t *norm)
{
	return json_is_array(norm) && json_array_size(norm) == s->n_items &&
	       tally__int_array(norm, 1, s->scale_max, false);
}

static void scale_init(tally_t *t)
{
	size_t n = t->s->n_items;
	t->counts = xcalloc(n * (size_t)t->s->scale_max, sizeof *t->counts);
	t->sums = xcalloc(n, sizeof *t->sums);
	t->n_votes = xcalloc(n, sizeof *t->n_votes);
}

static void scale_apply(tally_t *t, const tally_record_t *r, int sign)
{
	size_t max = (size_t)t->s->scale_max, i;
	json_t *e;
	json_array_foreach (r->norm, i, e) {
		json_int_t rating = json_integer_value(e);
		tally__bump(&t->counts[i * max + (size_t)rating - 1], sign);
		t->sums[i] += sign * rating;
		tally__bump(&t->n_votes[i], sign);
	}
}

static void scale_tally_json(const tally_t *t, json_t *j, bool with_hidden)
{
	const slide_t *s = t->s;
	size_t max = (size_t)s->scale_max;
	json_t *arr = json_array();
	for (size_t i = 0; i < s->n_items; i++) {
		json_t *counts = json_array();
		for (size_t r = 0; r < max; r++)
			json_array_append_new(counts,
			                      json_integer((json_int_t)t->counts[i * max + r]));
		json_array_append_new(
		    arr, json_pack("{s:s, s:o, s:I, s:o}", "text", s->items[i], "counts", counts,
		                   "count", (json_int_t)t->n_votes[i], "mean",
		                   tally__mean_or_null(t->sums[i], t->n_votes[i])));
	}
	json_object_set_new(j, "statements", arr);
	json_object_set_new(j, "scale_max", json_integer(s->scale_max));
	json_object_set_new(j, "labels", labels(s));
}

const question_kind_t kind_scale = {
    .kind = SLIDE_SCALE,
    .name = "scale",
    .settings = {"scale", "labels", "results"},
    .items_min = 1,
    .items_max = DECK_ITEMS_MAX,
    .items_key = "statements",
    .statements = true,
    .defaults = scale_defaults,
    .slide_ok = scale_slide_ok,
    .slide_json = scale_slide_json,
    .slide_from_json = scale_slide_from_json,
    .validate = scale_validate,
    .units = answer__one_unit,
    .text = scale_text,
    .one_vote = true,
    .norm_ok = scale_norm_ok,
    .tally_init = scale_init,
    .tally_apply = scale_apply,
    .tally_json = scale_tally_json,
};
