/*
 * kind_cloud: a word cloud. A participant gives up to max_answers entries
 * (words or short phrases) of at most max_length code points; entries are
 * counted under their folded form (case and accents ignored), and each word
 * shows the form of the answer with the lowest id, so that a tally rebuilt
 * from the store equals the live one.
 *
 * Normal form: ["entry", ...] (1..max_answers entries, trimmed, NFC, one
 * line each, duplicates after folding removed). A single string is taken
 * as one entry.
 */
#include <stdlib.h>
#include <string.h>

#include "model/internal.h"
#include "util/text.h"
#include "util/xalloc.h"

enum { CLOUD_INPUT_MAX = 64 }; /* entries looked at, blank ones included */

static int cloud_validate(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
                          char *msg, size_t msglen)
{
	int rc = ANSWER_EINVAL;
	char *c;
	/* Blank entries are dropped, not refused: the form on a phone has one
	 * field per allowed entry and most people fill in fewer. */
	json_t *in = json_is_string(value) ? json_pack("[O]", value) : json_incref((json_t *)value);
	if (!json_is_array(in) || json_array_size(in) > CLOUD_INPUT_MAX) {
		json_decref(in);
		return ANSWER__BAD("answer.cloud_words");
	}
	json_t *out = json_array(), *e;
	char *folds[DECK_CLOUD_ENTRIES_MAX] = {0};
	size_t nf = 0, i;
	json_array_foreach (in, i, e) {
		if (!json_is_string(e)) {
			rc = ANSWER__BAD("answer.cloud_text");
			goto fail;
		}
		if (!(c = answer__clean_text(e, false, s->max_length, lang, msg, msglen, &rc)))
			goto fail;
		char *f = *c ? text_fold(c, strlen(c)) : NULL;
		bool skip = !f || !*f;
		for (size_t k = 0; k < nf && !skip; k++)
			skip = strcmp(folds[k], f) == 0;
		if (!skip && nf == (size_t)s->max_answers) {
			free(f);
			free(c);
			rc = ANSWER__BAD("answer.cloud_too_many", s->max_answers, s->max_answers);
			goto fail;
		}
		if (skip) {
			free(f);
			free(c);
			continue;
		}
		folds[nf++] = f;
		json_array_append_new(out, json_string(c));
		free(c);
	}
	if (nf == 0) {
		rc = ANSWER__BAD("answer.empty");
		goto fail;
	}
	for (size_t k = 0; k < nf; k++)
		free(folds[k]);
	json_decref(in);
	*norm = out;
	return 0;
fail:
	for (size_t k = 0; k < nf; k++)
		free(folds[k]);
	json_decref(in);
	json_decref(out);
	return rc;
}

static int cloud_units(const slide_t *s, const json_t *norm)
{
	return (int)json_array_size(norm);
}

static void cloud_text(const slide_t *s, const json_t *norm, buf_t *b)
{
	size_t i;
	json_t *e;
	json_array_foreach (norm, i, e) {
		const char *v = json_string_value(e);
		buf_printf(b, "%s%s", i ? "; " : "", v ? v : "");
	}
}

static bool cloud_norm_ok(const slide_t *s, const json_t *norm)
{
	size_t n = json_array_size(norm), i;
	json_t *e;
	if (!json_is_array(norm) || n == 0 || n > DECK_CLOUD_ENTRIES_MAX)
		return false;
	json_array_foreach (norm, i, e) {
		if (!json_is_string(e))
			return false;
	}
	return true;
}

/* Keyed: participants choose these strings (util/map.h, hash flooding). */
static uint64_t str_hash(const char *s)
{
	return map_hash(s, strlen(s));
}

/* The word entry text is counted under, created on first sight. */
static uint32_t word_for(tally_t *t, const char *text, int64_t id)
{
	char *fold = text_fold(text, strlen(text));
	if (!fold) /* not valid text: counted under its own bytes */
		fold = xstrdup(text);
	uint64_t h = str_hash(fold);
	int64_t w;
	/* Probe past other folds with the same hash: the map never deletes,
	 * so a free key ends the search. */
	while (map_get(&t->word_idx, h, &w) && strcmp(t->words[w].fold, fold) != 0)
		h = map_key(h + 1);
	if (map_get(&t->word_idx, h, &w)) {
		free(fold);
		tally_word_t *wd = &t->words[w];
		if (id < wd->first_id) {
			char *copy = xstrdup(text);
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
	w = (int64_t)t->n_words++;
	t->words[w] = (tally_word_t){fold, xstrdup(text), id, 0};
	map_put(&t->word_idx, h, w);
	return (uint32_t)w;
}

static void cloud_record(tally_t *t, tally_record_t *r)
{
	size_t i;
	json_t *e;
	r->words = xcalloc(json_array_size(r->norm), sizeof *r->words);
	json_array_foreach (r->norm, i, e) {
		r->words[r->n_words++] = word_for(t, json_string_value(e), r->id);
	}
}

static void cloud_apply(tally_t *t, const tally_record_t *r, int sign)
{
	for (uint32_t k = 0; k < r->n_words; k++) {
		tally__bump(&t->words[r->words[k]].count, sign);
		tally__bump(&t->entries, sign);
	}
}

/* Most counted first, then by folded form. */
static int by_count(const void *a, const void *b, void *ctx)
{
	const tally_t *t = ctx;
	const tally_word_t *x = &t->words[*(const size_t *)a], *y = &t->words[*(const size_t *)b];
	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->fold, y->fold);
}

/* Moderators act on answers, not words: every answer, newest first, its
 * entries joined by ", ". */
static json_t *cloud_items(const tally_t *t)
{
	json_t *items = json_array();
	size_t m = 0;
	size_t *all = tally__listed(t, true, false, tally__by_time_desc, &m);
	for (size_t x = 0; x < m; x++) {
		const tally_record_t *r = &t->rec[all[x]];
		buf_t b = BUF_INIT;
		size_t k;
		json_t *e;
		json_array_foreach (r->norm, k, e) {
			if (k)
				buf_puts(&b, ", ");
			buf_puts(&b, json_string_value(e));
		}
		json_array_append_new(items, tally__text_item(r, b.data ? b.data : "", true));
		buf_free(&b);
	}
	free(all);
	return items;
}

static void cloud_tally_json(const tally_t *t, json_t *j, bool with_hidden)
{
	json_t *arr = json_array();
	size_t *order = xcalloc(t->n_words, sizeof *order), n = 0;
	for (size_t i = 0; i < t->n_words; i++)
		if (t->words[i].count)
			order[n++] = i;
	qsort_r(order, n, sizeof *order, by_count, (void *)t);
	for (size_t k = 0; k < n; k++) {
		const tally_word_t *w = &t->words[order[k]];
		json_array_append_new(
		    arr, json_pack("{s:s, s:I}", "text", w->text, "count", (json_int_t)w->count));
	}
	free(order);
	json_object_set_new(j, "words", arr);
	json_object_set_new(j, "entries", json_integer((json_int_t)t->entries));
	if (with_hidden && !t->no_items) /* tally_counts_only keeps no answers */
		json_object_set_new(j, "items", cloud_items(t));
}

const question_kind_t kind_cloud = {
    .kind = SLIDE_CLOUD,
    .name = "cloud",
    .settings = {"entries", "max-length", "results", "moderation"},
    .max_length_max = DECK_CLOUD_MAX_LENGTH,
    .answers_max = DECK_CLOUD_ENTRIES_MAX,
    .default_length = DECK_CLOUD_DEFAULT_LENGTH,
    .default_answers = DECK_CLOUD_DEFAULT_ENTRIES,
    .validate = cloud_validate,
    .units = cloud_units,
    .text = cloud_text,
    .norm_ok = cloud_norm_ok,
    .tally_record = cloud_record,
    .tally_apply = cloud_apply,
    .tally_json = cloud_tally_json,
};
