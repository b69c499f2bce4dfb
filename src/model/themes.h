/*
 * themes: open answers grouped by what they talk about, for the report.
 *
 * Each answer is cut into words; the words are folded (text_fold), stop
 * words dropped (data/stopwords/nl.txt, en.txt, compiled in) and the rest
 * reduced to their Snowball stem, so that "ontmoeten", "ontmoeting" and
 * "ontmoetingen" count as one. A theme is a stem that many answers share:
 * stems are picked greedily, each time the one found in the most answers
 * that no earlier theme holds, and every answer joins the first theme whose
 * stem it contains. Answers that fit no theme form one last group, "other".
 *
 * The grouping is a pure function of the answers, their order and the
 * options: no randomness, no hash order, every tie broken by the order in
 * which words first appear. Pure C and no I/O; safe to call from several
 * threads at once (each call has its own stemmer).
 */
#ifndef INSPRAAK_THEMES_H
#define INSPRAAK_THEMES_H

#include <stddef.h>

enum {
	THEMES_EINVAL = -1, /* a bad argument */
	THEMES_ENOMEM = -2, /* the stemmer could not be created */
};

typedef struct themes_member {
	size_t answer;  /* index into the texts given to themes_build */
	size_t at, len; /* the bytes of the answer's first word with the theme's
	                   stem (0, 0 in the "other" group) */
} themes_member_t;

typedef struct themes_group {
	char *label;              /* the stem's most frequent word as participants wrote it
	                             (lower case), or the "other" label; owned */
	char *stem;               /* the folded stem; NULL for the "other" group; owned */
	themes_member_t *members; /* in answer order; owned */
	size_t n;
} themes_group_t;

typedef struct themes {
	/* The themes, largest first, then the "other" group when at least one
	 * answer fits no theme. Owned; free with themes_clear. */
	themes_group_t *groups;
	size_t n_groups;
} themes_t;

typedef struct themes_options {
	const char *lang;        /* "nl" or "en": stemmer and stop words; others get "en" */
	const char *context;     /* the question: its words never become themes; may be NULL */
	const char *other_label; /* NULL: "Overig" in Dutch, "Other" otherwise */
	size_t max_themes;       /* 0: THEMES_MAX */
	size_t min_answers;      /* answers a theme needs; 0: 2 */
	double max_share;        /* a stem in more than this share of the answers says
	                            nothing that sets them apart; 0: 0.5 */
} themes_options_t;

enum { THEMES_MAX = 8 };

/*
 * Groups texts[0..n) (UTF-8; invalid texts go to "other") into themes.
 * opt may be NULL for the defaults. On success returns 0 and fills *out
 * (zeroed first; free with themes_clear). Returns THEMES_EINVAL or
 * THEMES_ENOMEM otherwise, with *out empty.
 */
int themes_build(const char *const *texts, size_t n, const themes_options_t *opt, themes_t *out);
void themes_clear(themes_t *t);

/* Whether folded word is a stop word in lang ("nl" or "en"). */
int themes_is_stopword(const char *lang, const char *word);

#endif
