/*
 * filter: see filter.h. A folded word is its key in a hash set; answers are
 * folded, cut at every character that is not a letter or digit, and each
 * word looked up. Folding the whole answer once keeps this linear.
 */
#include "model/filter.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/map.h"
#include "util/text.h"
#include "util/xalloc.h"

struct filter {
	map_t words; /* hash of the folded word -> 1 */
};

static uint64_t word_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return map_key(h);
}

filter_t *filter_new(void)
{
	filter_t *f = xcalloc(1, sizeof *f);
	return f;
}

void filter_free(filter_t *f)
{
	if (!f)
		return;
	map_free(&f->words);
	free(f);
}

size_t filter_size(const filter_t *f) { return f->words.n; }

void filter_add_list(filter_t *f, const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		if (j > i && text[i] != '#') {
			char *w = text_fold(text + i, j - i);
			if (w && *w)
				map_put(&f->words, word_hash(w, strlen(w)), 1);
			free(w);
		}
		i = j + 1;
	}
}

bool filter_match(const filter_t *f, const char *text, size_t len)
{
	if (!f->words.n)
		return false;
	char *folded = text_fold(text, len);
	if (!folded)
		return false;
	bool hit = false;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)folded;
	size_t n = strlen(folded), start = 0, i = 0;
	while (i <= n && !hit) {
		utf8proc_int32_t cp = 0;
		utf8proc_ssize_t k = i < n ? utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp) : 1;
		if (k <= 0)
			break;
		utf8proc_category_t c = i < n ? utf8proc_category(cp) : UTF8PROC_CATEGORY_ZS;
		bool word = (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
			    (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) ||
			    c == UTF8PROC_CATEGORY_ND;
		if (!word) {
			if (i > start)
				hit = map_get(&f->words, word_hash(folded + start, i - start), NULL);
			start = i + (size_t)k;
		}
		i += (size_t)k;
	}
	free(folded);
	return hit;
}

bool filter_match_json(const filter_t *f, const json_t *norm)
{
	if (json_is_string(norm))
		return filter_match(f, json_string_value(norm), json_string_length(norm));
	if (json_is_array(norm)) {
		size_t i;
		json_t *e;
		json_array_foreach(norm, i, e)
			if (filter_match_json(f, e))
				return true;
		return false;
	}
	if (json_is_object(norm))
		return filter_match_json(f, json_object_get(norm, "ask"));
	return false;
}
