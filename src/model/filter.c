/*
 * filter: see filter.h. Every entry of the list is a folded word, the key of
 * a hash set with flags (a whole word, a compound head, a compound tail).
 * An answer is folded once and cut into tokens; a token is a run of letters,
 * digits and the few signs that people put inside a word to hide it
 * ("f*ck", "$h1t"). Each token is looked up as it is, with the signs read
 * as the letters they stand for, with long runs of one letter shortened,
 * with an inflection taken off, and as a compound of a listed head or tail.
 *
 * Hazard: every looser reading catches more innocent words ("negeren" is
 * "neger" + "en", "kankeronderzoek" starts with "kanker"). The list's
 * allowed entries ('!' lines) are prefixes that win over every reading;
 * tests/unit/test_filter.c keeps both kinds of words and counts them.
 */
#include "model/filter.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/map.h"
#include "util/text.h"
#include "util/xalloc.h"

enum {
	F_WORD = 1, /* the word and its inflections */
	F_HEAD = 2, /* also the first part of a compound: "kut" in "kutplan" */
	F_TAIL = 4, /* also the last part of a compound: "klootzak" in "rotklootzak" */
};

/* Compound parts are at least this long, so "kutlu" or "kutje" stay words. */
#define PART_MIN 3
/* Heads and tails longer than this are not looked for inside a word. */
#define PART_MAX 24

struct filter {
	map_t words; /* hash of the folded entry -> flags */
	char **list; /* the blocking entries, for masked tokens ("f*ck") */
	size_t n_list;
	char **allow; /* allowed prefixes: "kankeronderzoek", "kuttekoven" */
	size_t n_allow;
};

/* Keyed: participants' words are looked up (util/map.h, hash flooding). */
static uint64_t word_hash(const char *s, size_t n)
{
	return map_hash(s, n);
}

filter_t *filter_new(void)
{
	return xcalloc(1, sizeof(filter_t));
}

void filter_free(filter_t *f)
{
	if (!f)
		return;
	map_free(&f->words);
	for (size_t i = 0; i < f->n_list; i++)
		free(f->list[i]);
	for (size_t i = 0; i < f->n_allow; i++)
		free(f->allow[i]);
	free(f->list);
	free(f->allow);
	free(f);
}

size_t filter_size(const filter_t *f)
{
	return f->n_list;
}

static void push(char ***arr, size_t *n, char *s)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
	(*arr)[(*n)++] = s;
}

/* One line of a list: "word", "word+" (head), "+word" (tail), "!word"
 * (allowed prefix). */
static void add_line(filter_t *f, const char *s, size_t n)
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (!n || *s == '#')
		return;
	bool allow = false;
	int flags = F_WORD;
	if (*s == '!')
		allow = true, s++, n--;
	if (!allow && n && *s == '+')
		flags |= F_TAIL, s++, n--;
	if (!allow && n && s[n - 1] == '+')
		flags |= F_HEAD, n--;
	char *w = n ? text_fold(s, n) : NULL;
	if (!w || !*w) {
		free(w);
		return;
	}
	if (allow) {
		push(&f->allow, &f->n_allow, w);
		return;
	}
	uint64_t key = word_hash(w, strlen(w));
	int64_t had = 0;
	if (map_get(&f->words, key, &had)) {
		map_put(&f->words, key, had | flags);
		free(w);
		return;
	}
	map_put(&f->words, key, flags);
	push(&f->list, &f->n_list, w);
}

void filter_add_list(filter_t *f, const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		add_line(f, text + i, j - i);
		i = j + 1;
	}
}

static int flags_of(const filter_t *f, const char *s, size_t n)
{
	int64_t v = 0;
	return map_get(&f->words, word_hash(s, n), &v) ? (int)v : 0;
}

static bool allowed(const filter_t *f, const char *w, size_t n)
{
	for (size_t i = 0; i < f->n_allow; i++) {
		size_t k = strlen(f->allow[i]);
		if (k <= n && !memcmp(f->allow[i], w, k))
			return true;
	}
	return false;
}

static bool is_vowel(char c)
{
	return c && strchr("aeiou", c) != NULL;
}

/* Dutch and English endings of plurals, verbs and diminutives. */
static const char *const suffixes[] = {"s",   "en", "e",   "es",  "er",   "ers", "ed",
                                       "ing", "je", "jes", "tje", "tjes", "ie",  "ies"};

/* True when w[0..n) is an entry with flags, or an inflection of one:
 * "hoeren" (hoer), "klootzakken" (the consonant doubled), "idioten" (the
 * vowel halved). */
static bool inflected(const filter_t *f, const char *w, size_t n, int want)
{
	if (flags_of(f, w, n) & want)
		return true;
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		size_t k = strlen(suffixes[i]);
		if (n < k + PART_MIN || memcmp(w + n - k, suffixes[i], k) != 0)
			continue;
		size_t m = n - k;
		if (flags_of(f, w, m) & want)
			return true;
		/* klootzak-k-en, lul-l-en */
		if (m > PART_MIN && w[m - 1] == w[m - 2] && !is_vowel(w[m - 1]) &&
		    (flags_of(f, w, m - 1) & want))
			return true;
		/* idio-t-en: idioot; mongo-l-en: mongool */
		if (m >= PART_MIN && m < PART_MAX && !is_vowel(w[m - 1]) && is_vowel(w[m - 2])) {
			char buf[PART_MAX + 2];
			memcpy(buf, w, m - 1);
			buf[m - 1] = w[m - 2];
			buf[m] = w[m - 1];
			if (flags_of(f, buf, m + 1) & want)
				return true;
		}
	}
	return false;
}

/* A word (no signs left in it) against the list. */
static bool word_hit(const filter_t *f, const char *w, size_t n)
{
	if (n == 0 || allowed(f, w, n))
		return false;
	if (inflected(f, w, n, F_WORD))
		return true;
	for (size_t p = PART_MIN; p + PART_MIN <= n && p <= PART_MAX; p++)
		if (flags_of(f, w, p) & F_HEAD)
			return true;
	for (size_t p = n > PART_MAX ? n - PART_MAX : PART_MIN; p + PART_MIN <= n; p++)
		if (inflected(f, w + p, n - p, F_TAIL))
			return true;
	return false;
}

/* Shortens every run of more than keep equal bytes to keep: "fuuuuck"
 * becomes "fuck" (keep 1), "kloooootzak" becomes "klootzak" (keep 2).
 * Returns the new length; out holds at least n bytes. */
static size_t squeeze(const char *w, size_t n, char *out, size_t keep)
{
	size_t o = 0, run = 0;
	for (size_t i = 0; i < n; i++) {
		run = i && w[i] == w[i - 1] ? run + 1 : 1;
		if (run <= keep || (unsigned char)w[i] >= 0x80)
			out[o++] = w[i];
	}
	return o;
}

static bool variants_hit(const filter_t *f, const char *w, size_t n, char *tmp)
{
	/* allowed as written: "kuttekoven" is not "kutekoven" squeezed */
	if (allowed(f, w, n))
		return false;
	if (word_hit(f, w, n))
		return true;
	for (size_t keep = 2; keep >= 1; keep--) {
		size_t m = squeeze(w, n, tmp, keep);
		if (m < n && word_hit(f, tmp, m))
			return true;
	}
	return false;
}

static bool is_mask(char c)
{
	return c == '*' || c == '#' || c == '_';
}

/* Reads the signs inside a word as letters: "$h1t", "k4nker", "@ss". */
static char leet(char c)
{
	switch (c) {
	case '0': return 'o';
	case '1':
	case '!': return 'i';
	case '3': return 'e';
	case '4':
	case '@': return 'a';
	case '5':
	case '$': return 's';
	case '7': return 't';
	default: return c;
	}
}

/* A token with masks ("f*ck", "k#t", "sh**") against every entry of the
 * same length: each mask stands for one character, the rest must agree. */
static bool masked_hit(const filter_t *f, const char *w, size_t n)
{
	size_t letters = 0, masks = 0;
	for (size_t i = 0; i < n; i++)
		if (is_mask(w[i]))
			masks++;
		else if (!((unsigned char)w[i] & 0x80) || ((unsigned char)w[i] & 0xc0) == 0xc0)
			letters++;
	if (!masks || letters < 1 || letters + masks < 3)
		return false;
	for (size_t e = 0; e < f->n_list; e++) {
		const char *x = f->list[e];
		size_t i = 0;
		while (i < n && *x) {
			if (is_mask(w[i])) {
				x++;
				while ((*x & 0xc0) == 0x80)
					x++;
				i++;
			} else if (leet(w[i]) == *x) {
				i++, x++;
			} else {
				break;
			}
		}
		if (i == n && !*x)
			return true;
	}
	return false;
}

static bool token_hit(const filter_t *f, const char *t, size_t n, char *buf, char *tmp)
{
	/* signs around a word are punctuation: "kut!", "#kut", "*shit*" */
	while (n && (t[n - 1] == '!' || is_mask(t[n - 1]))) {
		/* ... unless they hide the end of it: "f***" */
		if (is_mask(t[n - 1]) && masked_hit(f, t, n))
			return true;
		n--;
	}
	while (n && (*t == '!' || is_mask(*t)))
		t++, n--;
	if (!n)
		return false;
	bool signs = false, masked = false;
	for (size_t i = 0; i < n; i++) {
		if (is_mask(t[i]))
			masked = true;
		else if (leet(t[i]) != t[i])
			signs = true;
	}
	if (masked)
		return masked_hit(f, t, n);
	if (variants_hit(f, t, n, tmp))
		return true;
	if (!signs)
		return false;
	/* only a word with a letter in it: "2000" is not "zooo" */
	bool letter = false;
	for (size_t i = 0; i < n; i++) {
		buf[i] = leet(t[i]);
		letter |= buf[i] == t[i] && !(t[i] >= '0' && t[i] <= '9');
	}
	return letter && variants_hit(f, buf, n, tmp);
}

static bool word_char(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
	       (c >= UTF8PROC_CATEGORY_MN && c <= UTF8PROC_CATEGORY_ME) ||
	       c == UTF8PROC_CATEGORY_ND || cp == '*' || cp == '#' || cp == '_' || cp == '@' ||
	       cp == '$' || cp == '!';
}

bool filter_match(const filter_t *f, const char *text, size_t len)
{
	if (!f->n_list)
		return false;
	char *folded = text_fold(text, len);
	if (!folded)
		return false;
	size_t n = strlen(folded);
	char *buf = xmalloc(2 * n + 2); /* a token read as letters, and its squeezed form */
	bool hit = false;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)folded;
	size_t start = 0, i = 0;
	while (i <= n && !hit) {
		utf8proc_int32_t cp = ' ';
		utf8proc_ssize_t k = 1;
		if (i < n) {
			k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
			if (k <= 0)
				break;
		}
		if (i == n || !word_char(cp)) {
			if (i > start)
				hit = token_hit(f, folded + start, i - start, buf, buf + n + 1);
			start = i + (size_t)k;
		}
		i += (size_t)k;
	}
	free(buf);
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
		json_array_foreach (norm, i, e)
			if (filter_match_json(f, e))
				return true;
		return false;
	}
	if (json_is_object(norm))
		return filter_match_json(f, json_object_get(norm, "ask"));
	return false;
}
