/*
 * kind_qa: questions from the audience. A participant asks up to
 * max_answers questions and upvotes other people's visible questions, each
 * once and never their own; a moderator pins questions and marks them
 * answered. The screen lists pinned questions first, then by votes.
 *
 * Normal form: {"ask": "text"} (a new question) or {"upvote": answer_id}.
 * An upvote uses none of the allowance: tally.c keeps one key per
 * (participant, question) instead (question_kind_t.questions).
 */
#include <stdlib.h>

#include "model/internal.h"
#include "util/xalloc.h"

static int qa_validate(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
                       char *msg, size_t msglen)
{
	int rc = ANSWER_EINVAL;
	char *c;
	const json_t *text = value;
	if (json_is_object(value)) {
		json_t *up = json_object_get(value, "upvote");
		if (up) {
			if (!json_is_integer(up) || json_integer_value(up) <= 0 ||
			    json_object_size(value) != 1)
				return ANSWER__BAD("answer.qa_vote");
			*norm = json_pack("{s:I}", "upvote", json_integer_value(up));
			return 0;
		}
		text = json_object_size(value) == 1 ? json_object_get(value, "ask") : NULL;
	}
	if (!json_is_string(text))
		return ANSWER__BAD("answer.qa_ask");
	if (!(c = answer__clean_answer(text, s->max_length, lang, msg, msglen, &rc)))
		return rc;
	*norm = json_pack("{s:s}", "ask", c);
	free(c);
	return 0;
}

static int qa_units(const slide_t *s, const json_t *norm)
{
	return json_object_get(norm, "upvote") ? 0 : 1;
}

static void qa_text(const slide_t *s, const json_t *norm, buf_t *b)
{
	if (json_is_string(json_object_get(norm, "ask")))
		buf_puts(b, json_string_value(json_object_get(norm, "ask")));
	else if (json_is_integer(json_object_get(norm, "upvote")))
		buf_printf(b, "+1 #%lld",
		           (long long)json_integer_value(json_object_get(norm, "upvote")));
}

static bool qa_norm_ok(const slide_t *s, const json_t *norm)
{
	if (json_object_size(norm) != 1)
		return false;
	if (json_is_string(json_object_get(norm, "ask")))
		return true;
	json_t *up = json_object_get(norm, "upvote");
	return json_is_integer(up) && json_integer_value(up) > 0;
}

static void qa_apply(tally_t *t, const tally_record_t *r, int sign)
{
	if (r->upvote)
		tally__add_to(&t->qvotes,
		              tally__id_key(json_integer_value(json_object_get(r->norm, "upvote"))),
		              sign);
}

/* Pinned questions lead, then most votes, then the older question. */
static int by_votes(const void *a, const void *b, void *ctx)
{
	const tally_t *t = ctx;
	const tally_record_t *x = &t->rec[*(const size_t *)a], *y = &t->rec[*(const size_t *)b];
	int c = (int)y->pinned - (int)x->pinned;
	if (!c)
		c = tally__cmp64(tally__get(&t->qvotes, tally__id_key(y->id)),
		                 tally__get(&t->qvotes, tally__id_key(x->id)));
	if (!c)
		c = tally__cmp64(x->at, y->at);
	return c ? c : tally__cmp64(x->id, y->id);
}

static void qa_tally_json(const tally_t *t, json_t *j, bool with_hidden)
{
	if (t->no_items)
		return;
	json_t *arr = json_array();
	size_t n;
	size_t *order = tally__listed(t, with_hidden, false, by_votes, &n);
	for (size_t k = 0; k < n; k++) {
		const tally_record_t *r = &t->rec[order[k]];
		json_t *it = tally__text_item(r, json_string_value(json_object_get(r->norm, "ask")),
		                              with_hidden);
		json_object_set_new(it, "votes",
		                    json_integer(tally__get(&t->qvotes, tally__id_key(r->id))));
		json_object_set_new(it, "answered", json_boolean(r->answered));
		if (r->pinned)
			json_object_set_new(it, "pinned", json_true());
		json_array_append_new(arr, it);
	}
	free(order);
	json_object_set_new(j, "items", arr);
}

size_t tally_questions(const tally_t *t, tally_question_t **out)
{
	*out = NULL;
	if (t->kind->kind != SLIDE_QA)
		return 0;
	size_t n;
	size_t *order = tally__listed(t, false, false, by_votes, &n);
	tally_question_t *v = n ? xcalloc(n, sizeof *v) : NULL;
	for (size_t k = 0; k < n; k++) {
		const tally_record_t *r = &t->rec[order[k]];
		v[k] = (tally_question_t){.id = r->id,
		                          .at = r->at,
		                          .votes = tally__get(&t->qvotes, tally__id_key(r->id)),
		                          .answered = r->answered,
		                          .pinned = r->pinned};
	}
	free(order);
	*out = v;
	return n;
}

const question_kind_t kind_qa = {
    .kind = SLIDE_QA,
    .name = "qa",
    .settings = {"max-length", "answers", "results", "moderation"},
    .max_length_max = DECK_OPEN_MAX_LENGTH,
    .answers_max = DECK_ANSWERS_MAX,
    .default_length = DECK_OPEN_DEFAULT_LENGTH,
    .default_answers = 5,
    .questions = true,
    .validate = qa_validate,
    .units = qa_units,
    .text = qa_text,
    .norm_ok = qa_norm_ok,
    .tally_apply = qa_apply,
    .tally_json = qa_tally_json,
};
