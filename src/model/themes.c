/*
 * themes: the grouping described in themes.h.
 *
 * One pass cuts every answer into words and interns their stems in a small
 * string table, so a stem is an index whose order is the order in which it
 * first appeared: that index breaks every tie, which is what makes the
 * result independent of anything but the input. Each answer keeps the list
 * of its distinct stems (with where each first occurs, for the report to
 * quote). Picking themes then only counts over those lists.
 *
 * The stop-word lists are the files in data/stopwords/, turned into C
 * string literals by the build (see the Makefile) so that the binary needs
 * no data folder at run time.
 */
#include "model/themes.h"

#include <libstemmer.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "model/internal.h"
#include "util/i18n.h"
#include "util/xalloc.h"
#include "util/buf.h"
#include "util/map.h"
#include "util/text.h"

static const char STOP_NL[] =
#include "stopwords_nl.inc"
    ;
static const char STOP_EN[] =
#include "stopwords_en.inc"
    ;

enum {
	MIN_WORD = 3,    /* code points; shorter words are mostly noise */
	SHARE_FROM = 10, /* below this many answers, one theme for all is fine */
};

/* ---- a string table: strings to dense indexes in order of arrival ---- */

typedef struct strtab {
	char **s;      /* index -> string; owned */
	size_t n, cap; /* strings */
	int64_t *slot; /* open addressing: index + 1, or 0 for empty */
	size_t nslot;  /* power of two */
} strtab_t;

/* Keyed: the strings are participants' words (util/map.h, hash flooding). */
static uint64_t hash(const char *s)
{
	return map_hash(s, strlen(s));
}

static void strtab_grow(strtab_t *t)
{
	size_t ns = t->nslot ? t->nslot * 2 : 64;
	int64_t *slot = xcalloc(ns, sizeof *slot);
	for (size_t i = 0; i < t->n; i++) {
		size_t k = hash(t->s[i]) & (ns - 1);
		while (slot[k])
			k = (k + 1) & (ns - 1);
		slot[k] = (int64_t)i + 1;
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = ns;
}

/* The index of s, or -1 when absent (add false) / its new index (add true). */
static int64_t strtab_find(strtab_t *t, const char *s, bool add)
{
	if (t->nslot == 0 || (add && (t->n + 1) * 2 > t->nslot))
		strtab_grow(t);
	size_t k = hash(s) & (t->nslot - 1);
	while (t->slot[k]) {
		int64_t i = t->slot[k] - 1;
		if (strcmp(t->s[i], s) == 0)
			return i;
		k = (k + 1) & (t->nslot - 1);
	}
	if (!add)
		return -1;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->s = xrealloc(t->s, t->cap * sizeof *t->s);
	}
	t->s[t->n] = xstrndup(s, strlen(s));
	t->slot[k] = (int64_t)t->n + 1;
	return (int64_t)t->n++;
}

static void strtab_free(strtab_t *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

/* ---- stop words and stems ---- */

static bool is_dutch(const char *lang)
{
	return i18n_is_nl(lang);
}

/* The folded stop words of lang's list: '#' lines and blank lines skipped. */
static void stop_load(strtab_t *t, const char *lang)
{
	const char *p = is_dutch(lang) ? STOP_NL : STOP_EN;
	while (*p) {
		size_t n = strcspn(p, "\n");
		if (n && *p != '#') {
			char *f = text_fold(p, n);
			if (f && *f)
				strtab_find(t, f, true);
			free(f);
		}
		p += n + (p[n] == '\n');
	}
}

int themes_is_stopword(const char *lang, const char *word)
{
	strtab_t t = {0};
	stop_load(&t, lang);
	char *f = text_fold(word, strlen(word));
	int yes = f && strtab_find(&t, f, false) >= 0;
	free(f);
	strtab_free(&t);
	return yes;
}

typedef struct ctx {
	const themes_options_t *opt;
	struct sb_stemmer *stemmer;
	bool dutch;
	strtab_t stop;
	strtab_t stems;    /* every stem seen, in order of first appearance */
	strtab_t excluded; /* stems of the question itself */
	/* per stem: its written forms and how often each was used */
	strtab_t *forms;     /* one table per stem */
	size_t **form_count; /* [stem][form] */
	size_t stem_cap;
} ctx_t;

/* Snowball's Dutch stemmer undoubles only k, d and t after removing an
 * ending ("verschillen" gives "verschill", "verschil" gives "verschil");
 * undoubling every final consonant brings such pairs together. */
static void undouble(char *s)
{
	size_t n = strlen(s);
	if (n >= 4 && s[n - 1] == s[n - 2] && strchr("bcdfghjklmnpqrstvwxz", s[n - 1]))
		s[n - 1] = '\0';
}

/* The stem of a folded word (malloc'd), or NULL when the word is too short,
 * a number or a stop word. */
static char *stem_of(ctx_t *c, const char *folded)
{
	size_t len = strlen(folded);
	if (text_length(folded, len) < MIN_WORD || strtab_find(&c->stop, folded, false) >= 0)
		return NULL;
	if (strspn(folded, "0123456789") == len)
		return NULL;
	const sb_symbol *st = sb_stemmer_stem(c->stemmer, (const sb_symbol *)folded, (int)len);
	char *s = xstrndup(st ? (const char *)st : folded,
	                   st ? (size_t)sb_stemmer_length(c->stemmer) : len);
	if (c->dutch)
		undouble(s);
	return s;
}

/* Word characters: letters, marks (combining accents) and digits. */
static bool word_char(utf8proc_int32_t cp)
{
	utf8proc_category_t k = utf8proc_category(cp);
	return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO);
}

/* Calls fn for every word of s[0..n) with its byte range. */
typedef void (*word_fn)(ctx_t *c, const char *s, size_t at, size_t len, void *arg);

static void words(ctx_t *c, const char *s, size_t n, word_fn fn, void *arg)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0, start = 0;
	bool in = false;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0)
			return;
		bool w = word_char(cp);
		if (w && !in) {
			start = i;
			in = true;
		} else if (!w && in) {
			fn(c, s, start, i - start, arg);
			in = false;
		}
		i += (size_t)k;
	}
	if (in)
		fn(c, s, start, n - start, arg);
}

/* ---- per answer: its distinct stems ---- */

typedef struct hit {
	size_t stem;
	size_t at, len;
} hit_t;

typedef struct answers {
	hit_t *hits; /* all answers' hits; answer i's are [first[i], first[i + 1]) */
	size_t n_hits, cap;
	size_t *first;
} answers_t;

typedef struct word_arg {
	answers_t *a;
	size_t from; /* this answer's first hit */
} word_arg_t;

static void on_exclude(ctx_t *c, const char *s, size_t at, size_t len, void *arg)
{
	char *f = text_fold(s + at, len);
	char *st = f ? stem_of(c, f) : NULL;
	if (st)
		strtab_find(&c->excluded, st, true);
	free(st);
	free(f);
}

static void count_form(ctx_t *c, size_t stem, const char *word, size_t len)
{
	if (stem >= c->stem_cap) {
		size_t cap = c->stem_cap ? c->stem_cap * 2 : 64;
		while (cap <= stem)
			cap *= 2;
		c->forms = xrealloc(c->forms, cap * sizeof *c->forms);
		c->form_count = xrealloc(c->form_count, cap * sizeof *c->form_count);
		memset(c->forms + c->stem_cap, 0, (cap - c->stem_cap) * sizeof *c->forms);
		memset(c->form_count + c->stem_cap, 0, (cap - c->stem_cap) * sizeof *c->form_count);
		c->stem_cap = cap;
	}
	/* lower case with the accents as typed: "Ontmoeting" and "ontmoeting"
	 * are one form, "café" stays "café" */
	utf8proc_uint8_t *low = NULL;
	if (utf8proc_map((const utf8proc_uint8_t *)word, (utf8proc_ssize_t)len, &low,
	                 UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD) < 0)
		return;
	strtab_t *t = &c->forms[stem];
	size_t before = t->n;
	int64_t k = strtab_find(t, (const char *)low, true);
	free(low);
	if (t->n != before)
		c->form_count[stem] = xrealloc(c->form_count[stem], t->cap * sizeof(size_t));
	if (t->n != before)
		c->form_count[stem][k] = 0;
	c->form_count[stem][k]++;
}

static void on_word(ctx_t *c, const char *s, size_t at, size_t len, void *arg)
{
	word_arg_t *w = arg;
	char *f = text_fold(s + at, len);
	char *st = f ? stem_of(c, f) : NULL;
	free(f);
	if (!st)
		return;
	size_t stem = (size_t)strtab_find(&c->stems, st, true);
	free(st);
	count_form(c, stem, s + at, len);
	answers_t *a = w->a;
	for (size_t i = w->from; i < a->n_hits; i++)
		if (a->hits[i].stem == stem)
			return; /* counted once per answer; the first place is quoted */
	if (a->n_hits == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 256;
		a->hits = xrealloc(a->hits, a->cap * sizeof *a->hits);
	}
	a->hits[a->n_hits++] = (hit_t){stem, at, len};
}

/* The most used written form of a stem; the first written on a tie. */
static const char *label_of(const ctx_t *c, size_t stem)
{
	const strtab_t *t = &c->forms[stem];
	size_t best = 0;
	for (size_t k = 1; k < t->n; k++)
		if (c->form_count[stem][k] > c->form_count[stem][best])
			best = k;
	return t->s[best];
}

static void add_member(themes_group_t *g, size_t answer, size_t at, size_t len)
{
	g->members = xrealloc(g->members, (g->n + 1) * sizeof *g->members);
	g->members[g->n++] = (themes_member_t){answer, at, len};
}

int themes_build(const char *const *texts, size_t n, const themes_options_t *opt, themes_t *out)
{
	static const themes_options_t defaults = {0};
	if (!out || (n && !texts))
		return THEMES_EINVAL;
	memset(out, 0, sizeof *out);
	if (!opt)
		opt = &defaults;
	size_t max_themes = opt->max_themes ? opt->max_themes : THEMES_MAX;
	size_t min_answers = opt->min_answers ? opt->min_answers : 2;
	double max_share = opt->max_share > 0 ? opt->max_share : 0.5;

	ctx_t c = {.opt = opt, .dutch = is_dutch(opt->lang)};
	c.stemmer = sb_stemmer_new(c.dutch ? "dutch" : "english", "UTF_8");
	if (!c.stemmer)
		return THEMES_ENOMEM;
	stop_load(&c.stop, opt->lang);
	if (opt->context)
		words(&c, opt->context, strlen(opt->context), on_exclude, NULL);

	answers_t a = {0};
	a.first = xcalloc(n + 1, sizeof *a.first);
	for (size_t i = 0; i < n; i++) {
		a.first[i] = a.n_hits;
		const char *s = texts[i] ? texts[i] : "";
		size_t len = strlen(s);
		if (!text_valid(s, len))
			continue;
		word_arg_t w = {.a = &a, .from = a.n_hits};
		words(&c, s, len, on_word, &w);
	}
	a.first[n] = a.n_hits;

	/* document frequency per stem; which stems may name a theme */
	size_t ns = c.stems.n;
	size_t *df = xcalloc(ns + 1, sizeof *df), *free_df = xcalloc(ns + 1, sizeof *free_df);
	bool *usable = xcalloc(ns + 1, sizeof *usable);
	size_t *theme_of = xmalloc((n + 1) * sizeof *theme_of); /* SIZE_MAX: none yet */
	for (size_t h = 0; h < a.n_hits; h++)
		df[a.hits[h].stem]++;
	for (size_t s = 0; s < ns; s++)
		usable[s] = df[s] >= min_answers &&
		            (n < SHARE_FROM || (double)df[s] <= max_share * (double)n) &&
		            strtab_find(&c.excluded, c.stems.s[s], false) < 0;
	for (size_t i = 0; i < n; i++)
		theme_of[i] = SIZE_MAX;

	/* Greedy cover: each round the stem in most answers not yet in a
	 * theme; ties go to the stem in more answers overall, then to the one
	 * that appeared first. */
	size_t n_groups = 0;
	themes_group_t *groups = NULL;
	while (n_groups < max_themes) {
		memset(free_df, 0, ns * sizeof *free_df);
		for (size_t i = 0; i < n; i++)
			if (theme_of[i] == SIZE_MAX)
				for (size_t h = a.first[i]; h < a.first[i + 1]; h++)
					free_df[a.hits[h].stem]++;
		size_t best = SIZE_MAX;
		for (size_t s = 0; s < ns; s++) {
			if (!usable[s] || free_df[s] < min_answers)
				continue;
			if (best == SIZE_MAX || free_df[s] > free_df[best] ||
			    (free_df[s] == free_df[best] && df[s] > df[best]))
				best = s;
		}
		if (best == SIZE_MAX)
			break;
		usable[best] = false;
		groups = xrealloc(groups, (n_groups + 1) * sizeof *groups);
		themes_group_t *g = &groups[n_groups];
		memset(g, 0, sizeof *g);
		g->stem = xstrndup(c.stems.s[best], strlen(c.stems.s[best]));
		const char *l = label_of(&c, best);
		g->label = xstrndup(l, strlen(l));
		for (size_t i = 0; i < n; i++) {
			if (theme_of[i] != SIZE_MAX)
				continue;
			for (size_t h = a.first[i]; h < a.first[i + 1]; h++)
				if (a.hits[h].stem == best) {
					theme_of[i] = n_groups;
					add_member(g, i, a.hits[h].at, a.hits[h].len);
					break;
				}
		}
		n_groups++;
	}

	themes_group_t other = {0};
	for (size_t i = 0; i < n; i++)
		if (theme_of[i] == SIZE_MAX)
			add_member(&other, i, 0, 0);
	if (other.n) {
		const char *l =
		    opt->other_label ? opt->other_label : model__tr(opt->lang, "themes.other");
		other.label = xstrndup(l, strlen(l));
		groups = xrealloc(groups, (n_groups + 1) * sizeof *groups);
		groups[n_groups++] = other;
	}
	out->groups = groups;
	out->n_groups = n_groups;

	free(df);
	free(free_df);
	free(usable);
	free(theme_of);
	free(a.hits);
	free(a.first);
	for (size_t s = 0; s < c.stems.n; s++) {
		strtab_free(&c.forms[s]);
		free(c.form_count[s]);
	}
	free(c.forms);
	free(c.form_count);
	strtab_free(&c.stems);
	strtab_free(&c.stop);
	strtab_free(&c.excluded);
	sb_stemmer_delete(c.stemmer);
	return 0;
}

void themes_clear(themes_t *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_groups; i++) {
		free(t->groups[i].label);
		free(t->groups[i].stem);
		free(t->groups[i].members);
	}
	free(t->groups);
	memset(t, 0, sizeof *t);
}
