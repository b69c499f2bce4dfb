/*
 * deck: the deck parser (see deck.h and docs/deck-format.md).
 *
 * The file is cut into lines first, each checked for UTF-8, so that every
 * later step works on clean text and every error can name its line. The
 * front matter comes first, then slides separated by "---" lines. A slide
 * whose first line starts with "?" is a question; any other slide is
 * CommonMark. Markdown is rendered by cmark, whose default is safe: raw HTML
 * becomes a comment and links with dangerous schemes lose their target.
 *
 * Every message has the form "line N: what is wrong (what was expected)",
 * in English or, for the workspace's Dutch pages, in Dutch ("regel N: …").
 * The parser checks as it goes and, at the end of each slide, asserts that
 * slide_valid() agrees: the bounds live in one place, shared with
 * slide_from_json, which reads slides back from the store.
 */
#include "model/deck.h"

#include <assert.h>
#include <cmark.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <uv.h>

#include "model/internal.h"
#include "model/kind.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "util/text.h"

enum {
	DATES_MAX = 50, /* dates in the front matter */
	KEY_MAX = 32,   /* longest setting name we bother to read */
};

typedef struct line {
	const char *s; /* into the caller's source, not NUL-terminated */
	size_t n;      /* without the line ending */
	int no;        /* 1-based */
} line_t;

typedef struct parser {
	line_t *lines; /* owned */
	size_t n_lines;
	char *err;
	size_t errlen;
	const char *lang; /* of the messages: "nl" or else English (borrowed) */
} parser_t;

/* The text of key (model/messages.c) in the parser's language. A format
 * takes the same arguments in both languages (tests/unit/test_i18n.c); the
 * compiler cannot check a key against the arguments, the deck tests do. */
#define TR(key) model__tr(p->lang, key)

static int fail(parser_t *p, int line, const char *fmt, ...)
{
	if (!p->errlen)
		return UV_EINVAL;
	int k = snprintf(p->err, p->errlen, TR("deck.line"), line);
	if (k < 0 || (size_t)k >= p->errlen)
		return UV_EINVAL;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err + k, p->errlen - (size_t)k, fmt, ap);
	va_end(ap);
	return UV_EINVAL;
}

const char *slide_kind_name(slide_kind_t k)
{
	return kind_of(k)->name;
}

int slide_kind_parse(const char *name, slide_kind_t *out)
{
	const question_kind_t *k = kind_by_name(name);
	if (!k)
		return UV_EINVAL;
	*out = k->kind;
	return 0;
}

/* ---- small text helpers ---- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_blank(const line_t *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!is_space(l->s[i]))
			return false;
	return true;
}

static bool is_separator(const line_t *l)
{
	size_t n = l->n;
	while (n && is_space(l->s[n - 1]))
		n--;
	return n == 3 && memcmp(l->s, "---", 3) == 0;
}

/* A malloc'd copy of s[0..n) with spaces and tabs trimmed at both ends. */
static char *trimmed(const char *s, size_t n)
{
	while (n && is_space(*s))
		s++, n--;
	while (n && is_space(s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static size_t cps(const char *s)
{
	return text_length(s, strlen(s));
}

/* Plain text as the deck keeps it: trimmed, NFC, whitespace runs as one
 * space. The input was checked line by line, so cleaning cannot fail. */
static char *plain(const char *s, size_t n)
{
	char *c = text_clean(s, n, false);
	if (!c)
		abort();
	return c;
}

/* Joins lines[from..to) with "\n" after each. */
static char *join_lines(const line_t *lines, size_t from, size_t to)
{
	buf_t b = BUF_INIT;
	for (size_t i = from; i < to; i++) {
		buf_append(&b, lines[i].s, lines[i].n);
		buf_putc(&b, '\n');
	}
	return buf_steal(&b);
}

static char *render(const char *md)
{
	char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT);
	if (!html)
		abort();
	return html;
}

/*
 * Reads "key: value" where key is [a-z][a-z0-9-]*. With strict, the colon
 * must be followed by a space, a tab or the end of the line, so that a
 * description starting with "https://…" is not taken for a setting.
 * *value is a trimmed malloc'd copy.
 */
static bool split_setting(const line_t *l, bool strict, char key[KEY_MAX], char **value)
{
	size_t i = 0;
	if (!l->n || l->s[0] < 'a' || l->s[0] > 'z')
		return false;
	while (i < l->n && ((l->s[i] >= 'a' && l->s[i] <= 'z') ||
	                    (l->s[i] >= '0' && l->s[i] <= '9') || l->s[i] == '-'))
		i++;
	size_t klen = i;
	while (i < l->n && is_space(l->s[i]))
		i++;
	if (i >= l->n || l->s[i] != ':' || klen >= KEY_MAX)
		return false;
	i++;
	if (strict && i < l->n && !is_space(l->s[i]))
		return false;
	memcpy(key, l->s, klen);
	key[klen] = '\0';
	*value = trimmed(l->s + i, l->n - i);
	return true;
}

/* Checks one line: UTF-8, no NUL and no control characters but tab. */
static int check_line(parser_t *p, const line_t *l)
{
	const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)l->s;
	size_t i = 0;
	while (i < l->n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(l->n - i), &cp);
		if (k <= 0)
			return fail(p, l->no, TR("deck.utf8"), i + 1);
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
			return fail(p, l->no, TR("deck.control"), (unsigned)cp);
		i += (size_t)k;
	}
	assert(text_valid(l->s, l->n));
	return 0;
}

/* "a, b or c" from names. */
static void list_names(buf_t *b, const char *const *names, size_t n, const char * or)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, i + 1 == n ? or : ", ");
		buf_puts(b, names[i]);
	}
}

/* ---- bounds, shared by the parser and slide_from_json ---- */

static bool takes_items(slide_kind_t k)
{
	return kind_of(k)->items_key != NULL;
}

static void item_bounds(slide_kind_t k, int *min, int *max)
{
	*min = kind_of(k)->items_min;
	*max = kind_of(k)->items_max;
}

static bool text_ok(const char *s, size_t max)
{
	return s && text_valid(s, strlen(s)) && cps(s) <= max;
}

static bool in(int v, int lo, int hi)
{
	return v >= lo && v <= hi;
}

/* True when s satisfies every bound deck.h promises. */
static bool slide_valid(const slide_t *s)
{
	if ((size_t)s->kind >= kind_count())
		return false;
	const question_kind_t *k = kind_of(s->kind);
	if (!text_ok(s->title, DECK_TITLE_MAX) || !s->body_md || !s->body_html)
		return false;
	if (slide_is_question(s) && !*s->title)
		return false;
	if (k->max_length_max &&
	    (!in(s->max_length, 1, k->max_length_max) || !in(s->max_answers, 1, k->answers_max)))
		return false;
	if (k->slide_ok && !k->slide_ok(s))
		return false;
	if (takes_items(s->kind)) {
		int min, max;
		item_bounds(s->kind, &min, &max);
		if (s->n_items < (size_t)min || s->n_items > (size_t)max || !s->items)
			return false;
		for (size_t i = 0; i < s->n_items; i++)
			if (!text_ok(s->items[i], DECK_ITEM_MAX) || !*s->items[i])
				return false;
	} else if (s->n_items) {
		return false;
	}
	if (s->notes && !text_ok(s->notes, DECK_NOTES_MAX))
		return false;
	return true;
}

/* ---- front matter ---- */

static bool valid_date(const char *d)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return false;
	int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
	if (m < 1 || m > 12 || day < 1 || day > days[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && day == 29 && !leap);
}

static int parse_dates(parser_t *p, deck_t *d, int line, char *v)
{
	if (!*v)
		return 0;
	char *save = NULL;
	for (char *t = strtok_r(v, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *date = trimmed(t, strlen(t));
		int rc = 0;
		if (!valid_date(date))
			rc = fail(p, line, TR("deck.date"), date);
		else if (d->n_dates >= DATES_MAX)
			rc = fail(p, line, TR("deck.dates"), DATES_MAX, DATES_MAX);
		if (rc) {
			free(date);
			return rc;
		}
		d->dates = xrealloc(d->dates, (d->n_dates + 1) * sizeof *d->dates);
		d->dates[d->n_dates++] = date;
	}
	return 0;
}

/* A plain-text field of the front matter (title, subtitle). */
static int set_text(parser_t *p, int line, const char *key, const char *v, bool required,
                    char **out)
{
	char *c = plain(v, strlen(v));
	size_t n = cps(c);
	int rc = 0;
	const char *noun = TR(strcmp(key, "title") == 0 ? "deck.title" : "deck.subtitle");
	if (required && n == 0)
		rc = fail(p, line, TR("deck.text_empty"), noun, key);
	else if (n > DECK_TITLE_MAX)
		rc = fail(p, line, TR("deck.text_long"), noun, n, DECK_TITLE_MAX);
	if (rc) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static const char *const front_keys[] = {"title", "subtitle", "lang", "dates", "reactions"};
enum { N_FRONT_KEYS = sizeof front_keys / sizeof *front_keys };

/* The value v of the front matter's key number k, on line. */
static int front_value(parser_t *p, deck_t *d, size_t k, int line, char *v)
{
	const char *key = front_keys[k];
	switch (k) {
	case 0: return set_text(p, line, key, v, true, &d->title);
	case 1: return set_text(p, line, key, v, false, &d->subtitle);
	case 2:
		if (strcmp(v, "nl") != 0 && strcmp(v, "en") != 0)
			return fail(p, line, TR("deck.lang"), v);
		d->lang = xstrdup(v);
		return 0;
	case 3: return parse_dates(p, d, line, v);
	default:
		/* reactions (issue 12): off unless the deck turns them on */
		if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
			return fail(p, line, TR("deck.reactions"), v);
		d->reactions = v[1] == 'n';
		return 0;
	}
}

static int parse_front(parser_t *p, deck_t *d, size_t *pos)
{
	const char *const *keys = front_keys;
	enum { N_KEYS = N_FRONT_KEYS };
	bool seen[N_KEYS] = {false};
	size_t i = 0;
	if (p->n_lines == 0 || !is_separator(&p->lines[0]))
		return fail(p, 1, TR("deck.no_front"));
	for (i = 1; i < p->n_lines && !is_separator(&p->lines[i]); i++) {
		const line_t *l = &p->lines[i];
		if (is_blank(l))
			continue;
		char key[KEY_MAX], *v;
		if (!split_setting(l, false, key, &v))
			return fail(p, l->no, TR("deck.not_setting"));
		size_t k = 0;
		while (k < N_KEYS && strcmp(keys[k], key) != 0)
			k++;
		int rc = 0;
		if (k == N_KEYS)
			rc = fail(p, l->no, TR("deck.unknown_key"), key);
		else if (seen[k])
			rc = fail(p, l->no, TR("deck.key_twice"), key);
		else
			rc = front_value(p, d, k, l->no, v);
		if (k < N_KEYS)
			seen[k] = true;
		free(v);
		if (rc)
			return rc;
	}
	if (i == p->n_lines)
		return fail(p, 1, TR("deck.front_open"));
	if (!d->title)
		return fail(p, p->lines[i].no, TR("deck.no_title"));
	*pos = i + 1;
	return 0;
}

/* ---- content slides ---- */

/* The plain text of a heading: its text and code spans, breaks as spaces. */
static char *heading_text(cmark_node *h)
{
	buf_t b = BUF_INIT;
	cmark_iter *it = cmark_iter_new(h);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		if (ev != CMARK_EVENT_ENTER)
			continue;
		cmark_node *n = cmark_iter_get_node(it);
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE: buf_puts(&b, cmark_node_get_literal(n)); break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK: buf_putc(&b, ' '); break;
		default: break;
		}
	}
	cmark_iter_free(it);
	char *raw = buf_steal(&b);
	char *t = text_clean(raw, strlen(raw), false);
	free(raw);
	/* cmark decodes entities such as &#0; to valid text, but a control
	 * character could still come out of "&#7;": treat it as no title. */
	return t ? t : xstrdup("");
}

static int parse_content(parser_t *p, slide_t *s, size_t from, size_t to)
{
	s->kind = SLIDE_CONTENT;
	s->body_md = join_lines(p->lines, from, to);
	s->body_html = render(s->body_md);
	cmark_node *doc = cmark_parse_document(s->body_md, strlen(s->body_md), CMARK_OPT_DEFAULT);
	if (!doc)
		abort();
	cmark_node *h = cmark_node_first_child(doc);
	while (h && cmark_node_get_type(h) != CMARK_NODE_HEADING)
		h = cmark_node_next(h);
	int rc = 0;
	s->title = h ? heading_text(h) : xstrdup("");
	size_t n = cps(s->title);
	if (n > DECK_TITLE_MAX)
		rc = fail(p, p->lines[from].no + cmark_node_get_start_line(h) - 1,
		          TR("deck.heading_long"), n, DECK_TITLE_MAX);
	cmark_node_free(doc);
	return rc;
}

/* ---- question slides ---- */

enum {
	SET_MAX_LENGTH,
	SET_ANSWERS,
	SET_ENTRIES,
	SET_MULTIPLE,
	SET_SCALE,
	SET_LABELS,
	SET_RESULTS,
	SET_MODERATION,
	SET_TIMER,
	SET_COUNT
};

static const char *const setting_names[SET_COUNT] = {
    "max-length", "answers", "entries",    "multiple", "scale",
    "labels",     "results", "moderation", "timer",
};

static int parse_int(parser_t *p, int line, const char *key, const char *v, int lo, int hi,
                     int *out)
{
	size_t n = strlen(v);
	if (n == 0 || strspn(v, "0123456789") != n)
		return fail(p, line, TR("deck.not_number"), key, v, lo, hi);
	long x = n > 9 ? (long)hi + 1 : strtol(v, NULL, 10);
	if (x < lo || x > hi)
		return fail(p, line, TR("deck.range"), key, v, lo, hi);
	*out = (int)x;
	return 0;
}

static int apply_setting(parser_t *p, slide_t *s, int line, int set, const char *v)
{
	const char *key = setting_names[set];
	const question_kind_t *k = kind_of(s->kind);
	switch (set) {
	case SET_MAX_LENGTH:
		return parse_int(p, line, key, v, 1, k->max_length_max, &s->max_length);
	case SET_ANSWERS: /* open, qa */
	case SET_ENTRIES: /* cloud */
		return parse_int(p, line, key, v, 1, k->answers_max, &s->max_answers);
	case SET_TIMER:
		return parse_int(p, line, key, v, DECK_TIMER_MIN, DECK_TIMER_MAX, &s->timer);
	case SET_SCALE:
		return parse_int(p, line, key, v, DECK_SCALE_MIN, DECK_SCALE_MAX, &s->scale_max);
	case SET_MULTIPLE:
		if (strcmp(v, "yes") && strcmp(v, "no"))
			return fail(p, line, TR("deck.multiple"), v);
		s->multiple = v[0] == 'y';
		return 0;
	case SET_MODERATION:
		if (strcmp(v, "approve") && strcmp(v, "none"))
			return fail(p, line, TR("deck.moderation"), v);
		s->approve = v[0] == 'a';
		return 0;
	case SET_RESULTS:
		if (strcmp(v, "phones") && strcmp(v, "screen"))
			return fail(p, line, TR("deck.results"), v);
		s->results_on_phones = v[0] == 'p';
		return 0;
	case SET_LABELS: {
		const char *bar = strchr(v, '|');
		if (!bar || strchr(bar + 1, '|'))
			return fail(p, line, TR("deck.labels"));
		char *lo = plain(v, (size_t)(bar - v)), *hi = plain(bar + 1, strlen(bar + 1));
		size_t nl = cps(lo), nh = cps(hi);
		free(s->label_low);
		free(s->label_high);
		s->label_low = lo;
		s->label_high = hi;
		if (nl > DECK_ITEM_MAX || nh > DECK_ITEM_MAX)
			return fail(p, line, TR("deck.label_long"), nl > nh ? nl : nh,
			            DECK_ITEM_MAX);
		return 0;
	}
	}
	assert(!"unknown setting");
	return UV_EINVAL;
}

/* Finds the setting for key among those kind takes; UV_EINVAL with the message
 * when it is not one of them. */
static int lookup_setting(parser_t *p, const slide_t *s, int line, const char *key)
{
	/* Settings every question takes, whatever its kind (issue 12). */
	if (strcmp(key, "timer") == 0)
		return SET_TIMER;
	const char *const *allowed = kind_of(s->kind)->settings;
	size_t n = 0;
	for (; n < KIND_SETTINGS_MAX && allowed[n]; n++) {
		if (strcmp(allowed[n], key) != 0)
			continue;
		for (int set = 0; set < SET_COUNT; set++)
			if (strcmp(setting_names[set], key) == 0)
				return set;
		assert(!"a kind takes a setting deck.c does not know");
	}
	buf_t b = BUF_INIT;
	list_names(&b, allowed, n, TR("deck.or"));
	fail(p, line, TR("deck.unknown_setting"), key, slide_kind_name(s->kind), b.data);
	buf_free(&b);
	return UV_EINVAL;
}

/* Is the line a list item ("- x" or "* x", no indent)? Sets the item's text. */
static bool list_item(const line_t *l, const char **text, size_t *n)
{
	if (l->n >= 1 && (l->s[0] == '-' || l->s[0] == '*') && (l->n == 1 || is_space(l->s[1]))) {
		*text = l->s + 1;
		*n = l->n - 1;
		return true;
	}
	return false;
}

/* "option" or "statement" in the parser's language, plural when many. */
static const char *item_word(const parser_t *p, slide_kind_t k, bool many)
{
	bool scale = kind_of(k)->statements;
	return TR(scale ? (many ? "deck.statements" : "deck.statement")
	                : (many ? "deck.options" : "deck.option"));
}

static int add_item(parser_t *p, slide_t *s, const line_t *l, const char *t, size_t n)
{
	const char *what = item_word(p, s->kind, false), *whats = item_word(p, s->kind, true);
	int min, max;
	item_bounds(s->kind, &min, &max);
	if (s->n_items >= (size_t)max)
		return fail(p, l->no, TR("deck.item_too_many"), what, s->n_items + 1, max, whats);
	char *item = plain(t, n);
	size_t len = cps(item);
	int rc = 0;
	if (len == 0)
		rc = fail(p, l->no, TR("deck.item_empty"), what);
	else if (len > DECK_ITEM_MAX)
		rc = fail(p, l->no, TR("deck.text_long"), what, len, DECK_ITEM_MAX);
	if (rc) {
		free(item);
		return rc;
	}
	/* Options that differ only in case or accents would look like one on a
	 * phone and split the votes. */
	char *f = text_fold(item, strlen(item));
	assert(f);
	for (size_t i = 0; i < s->n_items && !rc; i++) {
		char *g = text_fold(s->items[i], strlen(s->items[i]));
		assert(g);
		if (strcmp(f, g) == 0)
			rc = fail(p, l->no, TR("deck.item_twice"), what, item, whats);
		free(g);
	}
	free(f);
	if (rc) {
		free(item);
		return rc;
	}
	s->items = xrealloc(s->items, (s->n_items + 1) * sizeof *s->items);
	s->items[s->n_items++] = item;
	return 0;
}

static void set_defaults(slide_t *s)
{
	const question_kind_t *k = kind_of(s->kind);
	if (k->max_length_max) {
		s->max_length = k->default_length;
		s->max_answers = k->default_answers;
	}
	if (k->defaults)
		k->defaults(s);
}

/* "? TYPE: Title" on the slide's first line. */
static int parse_head(parser_t *p, slide_t *s, const line_t *head)
{
	const char *q = head->s + 1, *end = head->s + head->n;
	while (q < end && is_space(*q))
		q++;
	const char *w = q;
	while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
		q++;
	size_t tl = (size_t)(q - w);
	while (q < end && is_space(*q))
		q++;
	if (tl == 0 || q == end || *q != ':')
		return fail(p, head->no, TR("deck.malformed"));
	char type[16];
	snprintf(type, sizeof type, "%.*s", (int)tl, w);
	/* "? website: title" is a content slide (see slide_t's website) */
	s->website = strcmp(type, "website") == 0;
	if (s->website)
		s->kind = SLIDE_CONTENT;
	else if (slide_kind_parse(type, &s->kind) < 0 || s->kind == SLIDE_CONTENT)
		return fail(p, head->no, TR("deck.unknown_type"), type);
	q++;
	s->title = plain(q, (size_t)(end - q));
	size_t n = cps(s->title);
	if (n == 0)
		return fail(p, head->no, TR("deck.question_no_title"), type);
	if (n > DECK_TITLE_MAX)
		return fail(p, head->no, TR("deck.question_long"), n, DECK_TITLE_MAX);
	return 0;
}

static int parse_question(parser_t *p, slide_t *s, size_t from, size_t to)
{
	const line_t *head = &p->lines[from];
	if (parse_head(p, s, head))
		return UV_EINVAL;
	if (s->website) {
		/* no settings, no items: the rest is its Markdown */
		size_t a = from + 1, b = to;
		while (a < b && is_blank(&p->lines[a]))
			a++;
		s->body_md = join_lines(p->lines, a, b);
		s->body_html = render(s->body_md);
		return 0;
	}
	set_defaults(s);
	bool seen[SET_COUNT] = {false};
	size_t i = from + 1;
	for (; i < to; i++) {
		const line_t *l = &p->lines[i];
		char key[KEY_MAX], *v;
		if (!split_setting(l, true, key, &v))
			break;
		int set = lookup_setting(p, s, l->no, key);
		int rc = set < 0     ? set
		         : seen[set] ? fail(p, l->no, TR("deck.setting_twice"), key)
		                     : apply_setting(p, s, l->no, set, v);
		free(v);
		if (rc)
			return rc;
		seen[set] = true;
	}
	/* The rest: list items are the options (or statements), everything
	 * else is the description, kept as Markdown. */
	line_t *desc = xcalloc(to - i + 1, sizeof *desc);
	size_t nd = 0;
	for (; i < to; i++) {
		const line_t *l = &p->lines[i];
		const char *t;
		size_t n;
		if (takes_items(s->kind) && list_item(l, &t, &n)) {
			if (add_item(p, s, l, t, n)) {
				free(desc);
				return UV_EINVAL;
			}
			continue;
		}
		desc[nd++] = *l;
	}
	size_t a = 0, b = nd;
	while (a < b && is_blank(&desc[a]))
		a++;
	while (b > a && is_blank(&desc[b - 1]))
		b--;
	s->body_md = join_lines(desc, a, b);
	s->body_html = render(s->body_md);
	free(desc);
	if (takes_items(s->kind)) {
		int min, max;
		item_bounds(s->kind, &min, &max);
		if (s->n_items < (size_t)min)
			return fail(p, head->no, TR("deck.too_few"), item_word(p, s->kind, true),
			            slide_kind_name(s->kind), s->n_items, min, max,
			            item_word(p, s->kind, false));
	}
	return 0;
}

/*
 * Speaker notes, common to every kind: the lines after a line "???" (the
 * convention of remark.js and its kin), or a last line "notes: …". They are
 * taken off the slide before its kind is parsed, so *to shrinks to the
 * slide's own lines; s->notes is set ("" when none).
 */
static int take_notes(parser_t *p, slide_t *s, size_t from, size_t *to)
{
	size_t i = from, end = *to;
	while (i < end && !(p->lines[i].n >= 3 && memcmp(p->lines[i].s, "???", 3) == 0 &&
	                    is_blank(&(line_t){p->lines[i].s + 3, p->lines[i].n - 3, 0})))
		i++;
	const line_t *last = &p->lines[end - 1];
	if (i < end) {
		size_t a = i + 1, b = end;
		while (a < b && is_blank(&p->lines[a]))
			a++;
		char *raw = join_lines(p->lines, a, b);
		s->notes = text_clean(raw, strlen(raw), true);
		free(raw);
		*to = i;
	} else if (last->n > 6 && memcmp(last->s, "notes:", 6) == 0 && end - from > 1) {
		s->notes = plain(last->s + 6, last->n - 6);
		*to = end - 1;
	} else {
		s->notes = xstrdup("");
		return 0;
	}
	if (!s->notes)
		abort(); /* the lines were checked: cleaning cannot fail */
	size_t n = cps(s->notes);
	if (n > DECK_NOTES_MAX)
		return fail(p, p->lines[*to].no, TR("deck.notes_long"), n, DECK_NOTES_MAX);
	while (*to > from && is_blank(&p->lines[*to - 1]))
		(*to)--;
	if (*to == from)
		return fail(p, p->lines[from].no, TR("deck.notes_only"));
	return 0;
}

/* lines[from..to) hold a slide that is not only blank. */
static int parse_slide(parser_t *p, deck_t *d, size_t from, size_t to)
{
	while (from < to && is_blank(&p->lines[from]))
		from++;
	while (to > from && is_blank(&p->lines[to - 1]))
		to--;
	assert(from < to);
	if (d->n_slides >= DECK_MAX_SLIDES)
		return fail(p, p->lines[from].no, TR("deck.slides"), DECK_MAX_SLIDES + 1,
		            DECK_MAX_SLIDES);
	d->slides = xrealloc(d->slides, (d->n_slides + 1) * sizeof *d->slides);
	slide_t *s = &d->slides[d->n_slides++];
	memset(s, 0, sizeof *s);
	s->line = p->lines[from].no;
	const line_t *first = &p->lines[from];
	int nrc = take_notes(p, s, from, &to);
	if (nrc)
		return nrc;
	int rc =
	    first->s[0] == '?' ? parse_question(p, s, from, to) : parse_content(p, s, from, to);
	assert(rc < 0 || slide_valid(s));
	return rc;
}

static int split_lines(parser_t *p, const char *src, size_t len)
{
	size_t cap = 0;
	/* A byte order mark is how some editors start UTF-8; it is not text. */
	if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
		src += 3, len -= 3;
	for (size_t i = 0, no = 1; i < len; no++) {
		size_t j = i;
		while (j < len && src[j] != '\n')
			j++;
		size_t n = j - i;
		if (n && src[i + n - 1] == '\r')
			n--;
		if (p->n_lines == cap) {
			cap = cap ? cap * 2 : 64;
			p->lines = xrealloc(p->lines, cap * sizeof *p->lines);
		}
		line_t *l = &p->lines[p->n_lines++];
		*l = (line_t){src + i, n, (int)no};
		if (check_line(p, l))
			return UV_EINVAL;
		i = j + 1;
	}
	return 0;
}

int deck_parse(const char *src, size_t len, deck_t **out, char *err, size_t errlen)
{
	return deck_parse_lang(src, len, "en", out, err, errlen);
}

int deck_parse_lang(const char *src, size_t len, const char *lang, deck_t **out, char *err,
                    size_t errlen)
{
	parser_t p = {.err = err, .errlen = errlen, .lang = lang};
	deck_t *d = xcalloc(1, sizeof *d);
	int rc = UV_EINVAL;
	*out = NULL;
	if (len > DECK_MAX_BYTES) {
		fail(&p, 1, model__tr(lang, "deck.bytes"), len, DECK_MAX_BYTES);
		goto done;
	}
	size_t pos = 0;
	if (split_lines(&p, src, len) || parse_front(&p, d, &pos))
		goto done;
	if (!d->subtitle)
		d->subtitle = xstrdup("");
	if (!d->lang)
		d->lang = xstrdup("nl");
	size_t start = pos;
	for (size_t i = pos; i <= p.n_lines; i++) {
		if (i < p.n_lines && !is_separator(&p.lines[i]))
			continue;
		bool empty = true;
		for (size_t k = start; k < i && empty; k++)
			empty = is_blank(&p.lines[k]);
		if (!empty) {
			if (parse_slide(&p, d, start, i))
				goto done;
		} else if (i < p.n_lines) {
			/* Blank after the last separator is a trailing "---";
			 * blank between two is a slide forgotten or a "---" too
			 * many. */
			fail(&p, p.lines[i].no, model__tr(lang, "deck.empty_slide"));
			goto done;
		}
		start = i + 1;
	}
	if (d->n_slides == 0) {
		fail(&p, p.n_lines ? p.lines[p.n_lines - 1].no : 1,
		     model__tr(lang, "deck.no_slides"));
		goto done;
	}
	rc = 0;
done:
	free(p.lines);
	if (rc) {
		deck_free(d);
		return UV_EINVAL;
	}
	*out = d;
	return 0;
}

void slide_clear(slide_t *s)
{
	free(s->title);
	free(s->body_md);
	free(s->body_html);
	free(s->label_low);
	free(s->label_high);
	free(s->notes);
	for (size_t i = 0; i < s->n_items; i++)
		free(s->items[i]);
	free(s->items);
	memset(s, 0, sizeof *s);
}

void deck_free(deck_t *d)
{
	if (!d)
		return;
	free(d->title);
	free(d->subtitle);
	free(d->lang);
	for (size_t i = 0; i < d->n_dates; i++)
		free(d->dates[i]);
	free(d->dates);
	for (size_t i = 0; i < d->n_slides; i++)
		slide_clear(&d->slides[i]);
	free(d->slides);
	free(d);
}

/* ---- JSON ---- */

static json_t *str_array(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *slide_to_json(const slide_t *s, bool with_source)
{
	json_t *j = json_pack("{s:s, s:s, s:s}", "kind", slide_kind_name(s->kind), "title",
	                      s->title ? s->title : "", "html", s->body_html ? s->body_html : "");
	if (!j)
		abort(); /* jansson fails only when out of memory */
	const question_kind_t *k = kind_of(s->kind);
	if (k->max_length_max) {
		json_object_set_new(j, "max_length", json_integer(s->max_length));
		json_object_set_new(j, "max_answers", json_integer(s->max_answers));
	}
	if (k->slide_json)
		k->slide_json(s, j);
	if (k->items_key)
		json_object_set_new(j, k->items_key, str_array(s->items, s->n_items));
	if (slide_is_question(s))
		json_object_set_new(j, "results_on_phones", json_boolean(s->results_on_phones));
	if (s->approve)
		json_object_set_new(j, "approve", json_true());
	if (s->timer)
		json_object_set_new(j, "timer", json_integer(s->timer));
	if (s->website)
		json_object_set_new(j, "website", json_true());
	if (with_source) {
		json_object_set_new(j, "md", json_string(s->body_md ? s->body_md : ""));
		json_object_set_new(j, "line", json_integer(s->line));
		if (s->notes && *s->notes)
			json_object_set_new(j, "notes", json_string(s->notes));
	}
	return j;
}

static char *jstr(const json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(j, key));
	return v ? xstrdup(v) : NULL;
}

static bool jint(const json_t *j, const char *key, int *out)
{
	json_t *v = json_object_get(j, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1 << 20)
		return false;
	*out = (int)json_integer_value(v);
	return true;
}

int slide_from_json(const json_t *j, slide_t *s)
{
	memset(s, 0, sizeof *s);
	const char *kind = json_string_value(json_object_get(j, "kind"));
	if (!kind || slide_kind_parse(kind, &s->kind) < 0)
		return UV_EINVAL;
	s->title = jstr(j, "title");
	s->body_md = jstr(j, "md");
	s->body_html = jstr(j, "html");
	if (!s->body_html && s->body_md)
		s->body_html = render(s->body_md);
	json_t *line = json_object_get(j, "line");
	if (json_is_integer(line) && json_integer_value(line) > 0 &&
	    json_integer_value(line) <= DECK_MAX_BYTES)
		s->line = (int)json_integer_value(line);
	s->results_on_phones = json_is_true(json_object_get(j, "results_on_phones"));
	s->approve = json_is_true(json_object_get(j, "approve"));
	s->website = s->kind == SLIDE_CONTENT && json_is_true(json_object_get(j, "website"));
	s->notes = jstr(j, "notes");
	bool timed = json_object_get(j, "timer") != NULL;
	if (timed && (!jint(j, "timer", &s->timer) || s->timer < DECK_TIMER_MIN ||
	              s->timer > DECK_TIMER_MAX))
		s->timer = 0;
	const question_kind_t *k = kind_of(s->kind);
	if (k->max_length_max &&
	    (!jint(j, "max_length", &s->max_length) || !jint(j, "max_answers", &s->max_answers)))
		goto bad;
	if (k->slide_from_json && !k->slide_from_json(j, s))
		goto bad;
	if (k->items_key) {
		json_t *items = json_object_get(j, k->items_key);
		size_t n = json_array_size(items);
		if (n == 0 || n > DECK_ITEMS_MAX)
			goto bad;
		s->items = xcalloc(n, sizeof *s->items);
		for (size_t i = 0; i < n; i++) {
			const char *t = json_string_value(json_array_get(items, i));
			if (!t)
				goto bad;
			s->items[s->n_items++] = xstrdup(t);
		}
	}
	if (!slide_valid(s))
		goto bad;
	return 0;
bad:
	slide_clear(s);
	return UV_EINVAL;
}
