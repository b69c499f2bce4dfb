/*
 * kind_open: open answers. A participant writes up to max_answers texts of
 * at most max_length code points; the screen lists them, newest first.
 *
 * Normal form: "text" (trimmed, NFC, newlines kept).
 */
#include <stdlib.h>

#include "model/internal.h"

static int open_validate(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
                         char *msg, size_t msglen)
{
	int rc = ANSWER_EINVAL;
	char *c;
	if (!json_is_string(value))
		return ANSWER__BAD("answer.open_text");
	if (!(c = answer__clean_answer(value, s->max_length, lang, msg, msglen, &rc)))
		return rc;
	*norm = json_string(c);
	free(c);
	return 0;
}

static void open_text(const slide_t *s, const json_t *norm, buf_t *b)
{
	if (json_is_string(norm))
		buf_puts(b, json_string_value(norm));
}

static bool open_norm_ok(const slide_t *s, const json_t *norm)
{
	return json_is_string(norm);
}

static void open_tally_json(const tally_t *t, json_t *j, bool with_hidden)
{
	if (t->no_items)
		return;
	json_t *arr = json_array();
	size_t n;
	size_t *order = tally__listed(t, with_hidden, false, tally__by_time_desc, &n);
	for (size_t k = 0; k < n; k++) {
		const tally_record_t *r = &t->rec[order[k]];
		json_array_append_new(arr,
		                      tally__text_item(r, json_string_value(r->norm), with_hidden));
	}
	free(order);
	json_object_set_new(j, "items", arr);
}

const question_kind_t kind_open = {
    .kind = SLIDE_OPEN,
    .name = "open",
    .settings = {"max-length", "answers", "results", "moderation"},
    .max_length_max = DECK_OPEN_MAX_LENGTH,
    .answers_max = DECK_ANSWERS_MAX,
    .default_length = DECK_OPEN_DEFAULT_LENGTH,
    .default_answers = 1,
    .validate = open_validate,
    .units = answer__one_unit,
    .text = open_text,
    .norm_ok = open_norm_ok,
    .tally_json = open_tally_json,
};
