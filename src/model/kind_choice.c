/*
 * kind_choice: multiple choice. A participant votes once, for one option
 * or, with "multiple: yes", for several; the screen shows counts and the
 * percentage of respondents per option.
 *
 * Normal form: [i, ...] (sorted distinct option indexes, exactly one
 * unless multiple). A single index is taken as one.
 */
#include <stdlib.h>

#include "model/internal.h"
#include "util/xalloc.h"

static void choice_slide_json(const slide_t *s, json_t *j)
{
	json_object_set_new(j, "multiple", json_boolean(s->multiple));
}

static bool choice_slide_from_json(const json_t *j, slide_t *s)
{
	json_t *m = json_object_get(j, "multiple");
	if (!json_is_boolean(m))
		return false;
	s->multiple = json_is_true(m);
	return true;
}

static int cmp_int(const void *a, const void *b)
{
	json_int_t x = *(const json_int_t *)a, y = *(const json_int_t *)b;
	return (x > y) - (x < y);
}

static int choice_validate(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
                           char *msg, size_t msglen)
{
	json_int_t v[DECK_ITEMS_MAX + 1];
	size_t n;
	if (answer__int_list(value, true, v, DECK_ITEMS_MAX, &n) < 0 || n == 0)
		return ANSWER__BAD("answer.choice_list");
	if (!s->multiple && n != 1)
		return ANSWER__BAD("answer.choice_one");
	qsort(v, n, sizeof *v, cmp_int);
	for (size_t i = 0; i < n; i++) {
		if (v[i] < 0 || v[i] >= (json_int_t)s->n_items)
			return ANSWER__BAD("answer.choice_list");
		if (i && v[i] == v[i - 1])
			return ANSWER__BAD("answer.choice_twice");
	}
	*norm = answer__int_array(v, n);
	return 0;
}

static void choice_text(const slide_t *s, const json_t *norm, buf_t *b)
{
	size_t i;
	json_t *e;
	json_array_foreach (norm, i, e) {
		buf_printf(b, "%s%s", i ? "; " : "", answer__item(s, json_integer_value(e)));
	}
}

static bool choice_norm_ok(const slide_t *s, const json_t *norm)
{
	size_t n = json_array_size(norm);
	return json_is_array(norm) && n >= 1 && n <= s->n_items && (s->multiple || n == 1) &&
	       tally__int_array(norm, 0, (json_int_t)s->n_items - 1, true);
}

static void choice_init(tally_t *t)
{
	t->counts = xcalloc(t->s->n_items, sizeof *t->counts);
}

static void choice_apply(tally_t *t, const tally_record_t *r, int sign)
{
	size_t i;
	json_t *e;
	json_array_foreach (r->norm, i, e) {
		tally__bump(&t->counts[json_integer_value(e)], sign);
	}
}

static void choice_tally_json(const tally_t *t, json_t *j, bool with_hidden)
{
	const slide_t *s = t->s;
	json_t *arr = json_array();
	for (size_t i = 0; i < s->n_items; i++) {
		size_t c = t->counts[i], resp = t->respondents;
		/* round(100 * c / resp), halves up, in integers */
		size_t pct = resp ? (200 * c + resp) / (2 * resp) : 0;
		json_array_append_new(arr,
		                      json_pack("{s:s, s:I, s:I}", "label", s->items[i], "count",
		                                (json_int_t)c, "percent", (json_int_t)pct));
	}
	json_object_set_new(j, "options", arr);
}

const question_kind_t kind_choice = {
    .kind = SLIDE_CHOICE,
    .name = "choice",
    .settings = {"multiple", "results"},
    .items_min = 2,
    .items_max = DECK_ITEMS_MAX,
    .items_key = "options",
    .slide_json = choice_slide_json,
    .slide_from_json = choice_slide_from_json,
    .validate = choice_validate,
    .units = answer__one_unit,
    .text = choice_text,
    .one_vote = true,
    .norm_ok = choice_norm_ok,
    .tally_init = choice_init,
    .tally_apply = choice_apply,
    .tally_json = choice_tally_json,
};
