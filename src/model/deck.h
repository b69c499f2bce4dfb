/*
 * deck: the presentation of an event, parsed from one Markdown file.
 *
 * A deck is a front matter block and slides separated by lines that hold
 * only "---" (docs/deck-format.md). Content slides are CommonMark rendered
 * with cmark in safe mode (raw HTML and javascript: links are dropped);
 * question slides start with "? TYPE: title" followed by settings and, for
 * choice, scale and rank, a list of options or statements.
 *
 * Invariant: a deck_t that deck_parse() returned is complete and valid:
 * every field holds a value inside its documented bounds, so the live core
 * and the report never need to re-check a deck.
 *
 * A slide also travels as JSON (slide_to_json / slide_from_json): that is
 * how the store keeps it and how phones receive it.
 */
#ifndef INSPRAAK_DECK_H
#define INSPRAAK_DECK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum slide_kind {
	SLIDE_CONTENT,
	SLIDE_OPEN,   /* open answers */
	SLIDE_CLOUD,  /* word cloud */
	SLIDE_CHOICE, /* multiple choice, single or multiple selection */
	SLIDE_SCALE,  /* statements rated 1..scale_max */
	SLIDE_RANK,   /* order the options */
	SLIDE_QA,     /* participants ask and upvote */
} slide_kind_t;

/* Bounds the parser enforces (and the validator relies on). */
enum {
	DECK_MAX_BYTES = 1 << 20, /* whole deck file */
	DECK_MAX_SLIDES = 200,
	DECK_TITLE_MAX = 200,        /* code points, deck and slide titles */
	DECK_ITEMS_MAX = 20,         /* options or statements */
	DECK_ITEM_MAX = 200,         /* code points per option or statement */
	DECK_OPEN_MAX_LENGTH = 2000, /* largest allowed max-length for open and qa */
	DECK_OPEN_DEFAULT_LENGTH = 280,
	DECK_ANSWERS_MAX = 50, /* largest allowed answers-per-participant */
	DECK_CLOUD_ENTRIES_MAX = 10,
	DECK_CLOUD_DEFAULT_ENTRIES = 3,
	DECK_CLOUD_MAX_LENGTH = 60,
	DECK_CLOUD_DEFAULT_LENGTH = 30,
	DECK_SCALE_MIN = 2,
	DECK_SCALE_MAX = 10,
	DECK_SCALE_DEFAULT = 5,
	DECK_NOTES_MAX = 5000, /* code points of a slide's speaker notes */
	DECK_TIMER_MIN = 5,    /* seconds of a question's countdown (timer:) */
	DECK_TIMER_MAX = 3600,
};

typedef struct slide {
	slide_kind_t kind;
	int line;        /* first line of the slide in the deck file (1-based) */
	char *title;     /* plain text; for content slides the first heading, may be "" */
	char *body_md;   /* Markdown source of the body ("" when none) */
	char *body_html; /* cmark's safe rendering of body_md */
	/* Question settings; meaningful per kind as noted, 0/NULL otherwise. */
	int max_length;   /* open, qa: code points per answer; cloud: per entry */
	int max_answers;  /* open, qa: answers per participant; cloud: entries per participant */
	bool multiple;    /* choice: several options may be chosen */
	int scale_max;    /* scale: ratings are 1..scale_max */
	char *label_low;  /* scale: label of 1 ("" when none) */
	char *label_high; /* scale: label of scale_max ("" when none) */
	bool results_on_phones; /* show results to participants after voting (default false) */
	bool approve;           /* open, cloud, qa: answers wait for a moderator before they show */
	int timer;    /* questions: seconds of voting before it closes by itself; 0: none */
	char **items; /* choice, rank: options; scale: statements */
	size_t n_items;
	/* Speaker notes, any kind: the lines after "???" or a last line
	 * "notes: …" (docs/deck-format.md); plain text, "" or NULL when none.
	 * For the presenter's own screen only: never sent to phones or the
	 * stage, in a report only when asked. */
	char *notes;
	/* A content slide written "? website: title" (docs/deck-format.md): the
	 * screen adds the event's published website, its address and a QR
	 * code; phones a link to it. Not a question. */
	bool website;
} slide_t;

typedef struct deck {
	char *title;
	char *subtitle; /* "" when none */
	char *lang;     /* "nl" or "en" */
	char **dates;   /* ISO dates YYYY-MM-DD, may be empty */
	size_t n_dates;
	bool reactions; /* phones may send emoji reactions to the screen (default off) */
	slide_t *slides;
	size_t n_slides; /* at least 1 */
} deck_t;

/*
 * Parses a deck. On success returns 0 and sets *out (caller frees with
 * deck_free). On failure returns UV_EINVAL, leaves *out NULL and writes one
 * line into err, in English, starting with "line N: " and saying what is
 * wrong and what was expected,
 * e.g. "line 12: unknown question type 'opne' (expected open, cloud, choice,
 * scale, rank or qa)". src need not be NUL-terminated; len is bounded by
 * DECK_MAX_BYTES; invalid UTF-8 is an error naming the line.
 */
int deck_parse(const char *src, size_t len, deck_t **out, char *err, size_t errlen);
/* deck_parse with the message in lang: "nl" gives Dutch ("regel 12:
 * onbekende vraagsoort 'opne' (verwacht: …)"), anything else English. */
int deck_parse_lang(const char *src, size_t len, const char *lang, deck_t **out, char *err,
                    size_t errlen);
void deck_free(deck_t *d);

/* "content", "open", "cloud", "choice", "scale", "rank", "qa". */
const char *slide_kind_name(slide_kind_t k);
/* Parses a name above; returns 0 or UV_EINVAL when unknown. */
int slide_kind_parse(const char *name, slide_kind_t *out);
static inline bool slide_is_question(const slide_t *s)
{
	return s->kind != SLIDE_CONTENT;
}

/*
 * The slide as JSON, without an id (the caller adds "id"):
 * {"kind","title","html", and per kind: "max_length","max_answers",
 *  "multiple","scale_max","labels":[low,high],"options":[...] (choice, rank)
 *  or "statements":[...] (scale), "results_on_phones", "approve": true when
 *  answers wait for a moderator, "timer" (seconds) when set, and "website": true on a
 *  website slide} plus "md" (the body's
 * Markdown) when with_source is true. Returns a new reference.
 */
json_t *slide_to_json(const slide_t *s, bool with_source);
/* Fills *s from JSON made by slide_to_json(s, true). Returns 0, or
 * UV_EINVAL when fields are missing or out of bounds (s is then zeroed).
 * Caller frees with slide_clear. */
int slide_from_json(const json_t *j, slide_t *s);
void slide_clear(slide_t *s);

#endif
