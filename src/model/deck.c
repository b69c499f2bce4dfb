/*
 * deck: the deck parser (see deck.h and docs/deck-format.md).
 *
 * The file is read line by line. The front matter comes first, then slides
 * separated by "---" lines. Every check names the line it failed on, so a
 * facilitator can fix a deck without guessing. Markdown is rendered by
 * cmark, whose default is safe: raw HTML becomes a comment and links with
 * dangerous schemes lose their target.
 */
#include "model/deck.h"

#include <assert.h>
#include <cmark.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/text.h"

typedef struct line {
	const char *s;
	size_t n;
	int no; /* 1-based */
} line_t;

typedef struct parser {
	line_t *lines;
	size_t n_lines;
	char *err;
	size_t errlen;
} parser_t;

static int fail(parser_t *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(parser_t *p, int line, const char *fmt, ...)
{
	int k = snprintf(p->err, p->errlen, "line %d: ", line);
	if (k < 0 || (size_t)k >= p->errlen)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err + k, p->errlen - (size_t)k, fmt, ap);
	va_end(ap);
	return -1;
}

static const char *const kind_names[] = {"content", "open", "cloud", "choice",
					  "scale",   "rank", "qa"};

const char *slide_kind_name(slide_kind_t k)
{
	assert((size_t)k < sizeof kind_names / sizeof *kind_names);
	return kind_names[k];
}

int slide_kind_parse(const char *name, slide_kind_t *out)
{
	for (size_t i = 0; i < sizeof kind_names / sizeof *kind_names; i++) {
		if (strcmp(kind_names[i], name) == 0) {
			*out = (slide_kind_t)i;
			return 0;
		}
	}
	if (strcmp(name, "wordcloud") == 0) {
		*out = SLIDE_CLOUD;
		return 0;
	}
	return -1;
}

/* ---- small text helpers ---- */

static bool is_blank(const line_t *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!isspace((unsigned char)l->s[i]))
			return false;
	return true;
}

static bool is_separator(const line_t *l)
{
	size_t n = l->n;
	while (n && (l->s[n - 1] == ' ' || l->s[n - 1] == '\t'))
		n--;
	return n == 3 && memcmp(l->s, "---", 3) == 0;
}

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

/* Splits "key: value" into a lower-case key and a trimmed value. */
static bool split_setting(const line_t *l, char *key, size_t keylen, char **value)
{
	size_t i = 0;
	while (i < l->n && (islower((unsigned char)l->s[i]) || l->s[i] == '-'))
		i++;
	if (i == 0 || i >= l->n || l->s[i] != ':' || i >= keylen)
		return false;
	memcpy(key, l->s, i);
	key[i] = '\0';
	*value = trimmed(l->s + i + 1, l->n - i - 1);
	return true;
}

static char *render(const char *md)
{
	char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT);
	if (!html)
		abort();
	return html;
}

static char *join_lines(const line_t *lines, size_t from, size_t to)
{
	buf_t b = BUF_INIT;
	for (size_t i = from; i < to; i++) {
		buf_append(&b, lines[i].s, lines[i].n);
		buf_putc(&b, '\n');
	}
	/* no leading or trailing blank lines */
	char *s = buf_steal(&b);
	char *t = trimmed(s, strlen(s));
	free(s);
	return t;
}

static int parse_int(parser_t *p, int line, const char *key, const char *v, int lo, int hi,
		     int *out)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < lo || n > hi)
		return fail(p, line, "%s must be a whole number from %d to %d (got '%s')", key, lo,
			    hi, v);
	*out = (int)n;
	return 0;
}

static int parse_bool(parser_t *p, int line, const char *key, const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "ja"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "nee"))
		*out = false;
	else
		return fail(p, line, "%s must be yes or no (got '%s')", key, v);
	return 0;
}

static int check_text(parser_t *p, int line, const char *what, const char *s, size_t max)
{
	if (text_length(s, strlen(s)) > max)
		return fail(p, line, "%s is longer than %zu characters", what, max);
	return 0;
}

/* ---- front matter ---- */

static bool valid_date(const char *d)
{
	int y, m, day;
	char extra;
	if (strlen(d) != 10 || sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &extra) != 3)
		return false;
	return d[4] == '-' && d[7] == '-' && m >= 1 && m <= 12 && day >= 1 && day <= 31 &&
	       y >= 1900;
}

static int parse_front(parser_t *p, deck_t *d, size_t *pos)
{
	size_t i = 0;
	while (i < p->n_lines && is_blank(&p->lines[i]))
		i++;
	if (i == p->n_lines || !is_separator(&p->lines[i]))
		return fail(p, i < p->n_lines ? p->lines[i].no : 1,
			    "a deck starts with its front matter: a line '---', then lines such "
			    "as 'title: ...', then '---'");
	int open_line = p->lines[i].no;
	for (i++; i < p->n_lines && !is_separator(&p->lines[i]); i++) {
		line_t *l = &p->lines[i];
		if (is_blank(l))
			continue;
		char key[32], *v;
		if (!split_setting(l, key, sizeof key, &v))
			return fail(p, l->no,
				    "expected 'key: value' in the front matter (title, subtitle, "
				    "lang or dates)");
		int rc = 0;
		if (!strcmp(key, "title")) {
			free(d->title);
			d->title = v;
			v = NULL;
			rc = check_text(p, l->no, "the title", d->title, DECK_TITLE_MAX);
		} else if (!strcmp(key, "subtitle")) {
			free(d->subtitle);
			d->subtitle = v;
			v = NULL;
			rc = check_text(p, l->no, "the subtitle", d->subtitle, DECK_TITLE_MAX);
		} else if (!strcmp(key, "lang")) {
			if (strcmp(v, "nl") && strcmp(v, "en"))
				rc = fail(p, l->no, "lang must be nl or en (got '%s')", v);
			else {
				free(d->lang);
				d->lang = v;
				v = NULL;
			}
		} else if (!strcmp(key, "dates")) {
			char *save = NULL;
			for (char *t = strtok_r(v, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
				char *date = trimmed(t, strlen(t));
				if (!valid_date(date)) {
					rc = fail(p, l->no,
						  "dates must be YYYY-MM-DD, separated by commas (got '%s')",
						  date);
					free(date);
				} else if (d->n_dates >= 50) {
					rc = fail(p, l->no, "at most 50 dates");
					free(date);
				} else {
					d->dates = realloc(d->dates, (d->n_dates + 1) * sizeof *d->dates);
					d->dates[d->n_dates++] = date;
				}
			}
		} else {
			rc = fail(p, l->no,
				  "unknown front matter key '%s' (expected title, subtitle, lang or "
				  "dates)",
				  key);
		}
		free(v);
		if (rc)
			return rc;
	}
	if (i == p->n_lines)
		return fail(p, open_line, "the front matter has no closing '---' line");
	if (!d->title || !*d->title)
		return fail(p, open_line, "the front matter needs a title ('title: ...')");
	*pos = i + 1;
	return 0;
}

/* ---- slides ---- */

static int parse_content(parser_t *p, slide_t *s, size_t from, size_t to)
{
	s->kind = SLIDE_CONTENT;
	s->title = strdup("");
	for (size_t i = from; i < to; i++) {
		const line_t *l = &p->lines[i];
		size_t h = 0;
		while (h < l->n && l->s[h] == '#')
			h++;
		if (h >= 1 && h <= 6 && (h == l->n || l->s[h] == ' ' || l->s[h] == '\t')) {
			/* The heading's text without closing #s and emphasis marks. */
			char *t = trimmed(l->s + h, l->n - h);
			size_t n = strlen(t);
			while (n && t[n - 1] == '#')
				t[--n] = '\0';
			buf_t b = BUF_INIT;
			for (size_t k = 0; k < n; k++)
				if (t[k] != '*' && t[k] != '_' && t[k] != '`')
					buf_putc(&b, t[k]);
			free(t);
			char *raw = buf_steal(&b);
			free(s->title);
			s->title = trimmed(raw, strlen(raw));
			free(raw);
			if (check_text(p, l->no, "the heading", s->title, DECK_TITLE_MAX))
				return -1;
			break;
		}
	}
	s->body_md = join_lines(p->lines, from, to);
	s->body_html = render(s->body_md);
	return 0;
}

/* Is line a list item ("- x" or "* x")? Sets *text to the item's text. */
static bool list_item(const line_t *l, const char **text, size_t *n)
{
	if (l->n >= 2 && (l->s[0] == '-' || l->s[0] == '*') && (l->s[1] == ' ' || l->s[1] == '\t')) {
		*text = l->s + 2;
		*n = l->n - 2;
		return true;
	}
	return false;
}

static int add_item(parser_t *p, slide_t *s, const line_t *l, const char *t, size_t n)
{
	char *item = trimmed(t, n);
	if (!*item) {
		free(item);
		return fail(p, l->no, "an empty option");
	}
	if (check_text(p, l->no, "an option", item, DECK_ITEM_MAX)) {
		free(item);
		return -1;
	}
	if (s->n_items >= DECK_ITEMS_MAX) {
		free(item);
		return fail(p, l->no, "at most %d options or statements", DECK_ITEMS_MAX);
	}
	char *f = text_fold(item, strlen(item));
	for (size_t i = 0; i < s->n_items; i++) {
		char *g = text_fold(s->items[i], strlen(s->items[i]));
		bool same = f && g && strcmp(f, g) == 0;
		free(g);
		if (same) {
			free(f);
			fail(p, l->no, "'%s' is listed twice", item);
			free(item);
			return -1;
		}
	}
	free(f);
	s->items = realloc(s->items, (s->n_items + 1) * sizeof *s->items);
	if (!s->items)
		abort();
	s->items[s->n_items++] = item;
	return 0;
}

static int apply_setting(parser_t *p, slide_t *s, int line, const char *key, const char *v)
{
	bool open_like = s->kind == SLIDE_OPEN || s->kind == SLIDE_QA;
	if (!strcmp(key, "results")) {
		if (!strcmp(v, "phones"))
			s->results_on_phones = true;
		else if (!strcmp(v, "screen"))
			s->results_on_phones = false;
		else
			return fail(p, line, "results must be screen or phones (got '%s')", v);
		return 0;
	}
	if (!strcmp(key, "max-length") && open_like)
		return parse_int(p, line, key, v, 1, DECK_OPEN_MAX_LENGTH, &s->max_length);
	if (!strcmp(key, "max-length") && s->kind == SLIDE_CLOUD)
		return parse_int(p, line, key, v, 1, DECK_CLOUD_MAX_LENGTH, &s->max_length);
	if (!strcmp(key, "answers") && open_like)
		return parse_int(p, line, key, v, 1, DECK_ANSWERS_MAX, &s->max_answers);
	if (!strcmp(key, "entries") && s->kind == SLIDE_CLOUD)
		return parse_int(p, line, key, v, 1, DECK_CLOUD_ENTRIES_MAX, &s->max_answers);
	if (!strcmp(key, "multiple") && s->kind == SLIDE_CHOICE)
		return parse_bool(p, line, key, v, &s->multiple);
	if (!strcmp(key, "scale") && s->kind == SLIDE_SCALE)
		return parse_int(p, line, key, v, DECK_SCALE_MIN, DECK_SCALE_MAX, &s->scale_max);
	if (!strcmp(key, "labels") && s->kind == SLIDE_SCALE) {
		const char *bar = strchr(v, '|');
		if (!bar)
			return fail(p, line, "labels must be 'low | high', such as 'Oneens | Eens'");
		free(s->label_low);
		free(s->label_high);
		s->label_low = trimmed(v, (size_t)(bar - v));
		s->label_high = trimmed(bar + 1, strlen(bar + 1));
		if (check_text(p, line, "a label", s->label_low, DECK_ITEM_MAX) ||
		    check_text(p, line, "a label", s->label_high, DECK_ITEM_MAX))
			return -1;
		return 0;
	}
	static const char *const allowed[] = {
		[SLIDE_OPEN] = "max-length, answers, results",
		[SLIDE_CLOUD] = "entries, max-length, results",
		[SLIDE_CHOICE] = "multiple, results",
		[SLIDE_SCALE] = "scale, labels, results",
		[SLIDE_RANK] = "results",
		[SLIDE_QA] = "max-length, answers, results",
	};
	return fail(p, line, "unknown setting '%s' for a %s question (allowed: %s)", key,
		    slide_kind_name(s->kind), allowed[s->kind]);
}

static int parse_question(parser_t *p, slide_t *s, size_t from, size_t to)
{
	const line_t *head = &p->lines[from];
	/* "? TYPE: Title" */
	const char *q = head->s + 1, *end = head->s + head->n;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	const char *colon = memchr(q, ':', (size_t)(end - q));
	char type[32];
	size_t tl = colon ? (size_t)(colon - q) : 0;
	if (!colon || tl == 0 || tl >= sizeof type)
		return fail(p, head->no,
			    "a question starts with '? TYPE: title', such as '? open: What do you "
			    "think?'");
	memcpy(type, q, tl);
	type[tl] = '\0';
	for (char *c = type; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (slide_kind_parse(type, &s->kind) < 0 || s->kind == SLIDE_CONTENT)
		return fail(p, head->no,
			    "unknown question type '%s' (expected open, cloud, choice, scale, rank "
			    "or qa)",
			    type);
	s->title = trimmed(colon + 1, (size_t)(end - colon - 1));
	if (!*s->title)
		return fail(p, head->no, "the question has no title after '%s:'", type);
	if (check_text(p, head->no, "the question", s->title, DECK_TITLE_MAX))
		return -1;
	/* defaults */
	switch (s->kind) {
	case SLIDE_OPEN:
		s->max_length = DECK_OPEN_DEFAULT_LENGTH;
		s->max_answers = 1;
		break;
	case SLIDE_QA:
		s->max_length = DECK_OPEN_DEFAULT_LENGTH;
		s->max_answers = 5;
		break;
	case SLIDE_CLOUD:
		s->max_length = DECK_CLOUD_DEFAULT_LENGTH;
		s->max_answers = DECK_CLOUD_DEFAULT_ENTRIES;
		break;
	case SLIDE_SCALE:
		s->scale_max = DECK_SCALE_DEFAULT;
		break;
	default:
		break;
	}
	s->label_low = strdup("");
	s->label_high = strdup("");
	size_t i = from + 1;
	for (; i < to; i++) {
		const line_t *l = &p->lines[i];
		char key[32], *v;
		if (is_blank(l) || !split_setting(l, key, sizeof key, &v))
			break;
		int rc = apply_setting(p, s, l->no, key, v);
		free(v);
		if (rc)
			return rc;
	}
	bool takes_items = s->kind == SLIDE_CHOICE || s->kind == SLIDE_SCALE || s->kind == SLIDE_RANK;
	buf_t desc = BUF_INIT;
	for (; i < to; i++) {
		const line_t *l = &p->lines[i];
		const char *t;
		size_t n;
		if (takes_items && list_item(l, &t, &n)) {
			if (add_item(p, s, l, t, n)) {
				buf_free(&desc);
				return -1;
			}
			continue;
		}
		buf_append(&desc, l->s, l->n);
		buf_putc(&desc, '\n');
	}
	char *raw = buf_steal(&desc);
	s->body_md = trimmed(raw, strlen(raw));
	free(raw);
	s->body_html = render(s->body_md);
	int min = s->kind == SLIDE_SCALE ? 1 : 2;
	int max = s->kind == SLIDE_RANK ? 10 : DECK_ITEMS_MAX;
	if (takes_items && ((int)s->n_items < min || (int)s->n_items > max))
		return fail(p, head->no, "a %s question needs %d to %d %s as '- ' lines (it has %zu)",
			    slide_kind_name(s->kind), min, max,
			    s->kind == SLIDE_SCALE ? "statements" : "options", s->n_items);
	return 0;
}

static int parse_slide(parser_t *p, deck_t *d, size_t from, size_t to)
{
	while (from < to && is_blank(&p->lines[from]))
		from++;
	while (to > from && is_blank(&p->lines[to - 1]))
		to--;
	if (d->n_slides >= DECK_MAX_SLIDES)
		return fail(p, p->lines[from].no, "a deck has at most %d slides", DECK_MAX_SLIDES);
	d->slides = realloc(d->slides, (d->n_slides + 1) * sizeof *d->slides);
	if (!d->slides)
		abort();
	slide_t *s = &d->slides[d->n_slides++];
	memset(s, 0, sizeof *s);
	s->line = p->lines[from].no;
	const line_t *first = &p->lines[from];
	if (first->n >= 1 && first->s[0] == '?' && (first->n == 1 || first->s[1] == ' ' ||
						     first->s[1] == '\t'))
		return parse_question(p, s, from, to);
	return parse_content(p, s, from, to);
}

int deck_parse(const char *src, size_t len, deck_t **out, char *err, size_t errlen)
{
	parser_t p = {.err = err, .errlen = errlen};
	deck_t *d = calloc(1, sizeof *d);
	if (!d)
		abort();
	int rc = -1;
	if (len > DECK_MAX_BYTES) {
		snprintf(err, errlen, "line 1: the deck is larger than %d bytes", DECK_MAX_BYTES);
		goto done;
	}
	/* lines */
	size_t cap = 0;
	for (size_t i = 0, no = 1; i <= len; no++) {
		size_t j = i;
		while (j < len && src[j] != '\n')
			j++;
		size_t n = j - i;
		if (n && src[i + n - 1] == '\r')
			n--;
		if (!text_valid(src + i, n)) {
			fail(&p, (int)no, "not valid UTF-8 text (or a control character)");
			goto done;
		}
		if (p.n_lines == cap) {
			cap = cap ? cap * 2 : 64;
			p.lines = realloc(p.lines, cap * sizeof *p.lines);
			if (!p.lines)
				abort();
		}
		p.lines[p.n_lines++] = (line_t){src + i, n, (int)no};
		if (j >= len)
			break;
		i = j + 1;
	}
	size_t pos = 0;
	if (parse_front(&p, d, &pos))
		goto done;
	if (!d->subtitle)
		d->subtitle = strdup("");
	if (!d->lang)
		d->lang = strdup("nl");
	size_t start = pos;
	for (size_t i = pos; i <= p.n_lines; i++) {
		if (i < p.n_lines && !is_separator(&p.lines[i]))
			continue;
		bool empty = true;
		for (size_t k = start; k < i && empty; k++)
			empty = is_blank(&p.lines[k]);
		if (empty) {
			/* Nothing between two separators is a mistake; nothing after
			 * the last one is just a trailing separator. */
			if (i < p.n_lines) {
				fail(&p, p.lines[i].no,
				     "empty slide: nothing between this '---' and the one before");
				goto done;
			}
		} else if (parse_slide(&p, d, start, i)) {
			goto done;
		}
		start = i + 1;
	}
	if (d->n_slides == 0) {
		fail(&p, p.n_lines ? p.lines[p.n_lines - 1].no : 1,
		     "the deck has no slides after its front matter");
		goto done;
	}
	rc = 0;
done:
	free(p.lines);
	if (rc) {
		deck_free(d);
		return -1;
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
	if (with_source) {
		json_object_set_new(j, "md", json_string(s->body_md ? s->body_md : ""));
		json_object_set_new(j, "line", json_integer(s->line));
	}
	switch (s->kind) {
	case SLIDE_OPEN:
	case SLIDE_QA:
	case SLIDE_CLOUD:
		json_object_set_new(j, "max_length", json_integer(s->max_length));
		json_object_set_new(j, "max_answers", json_integer(s->max_answers));
		break;
	case SLIDE_CHOICE:
		json_object_set_new(j, "multiple", json_boolean(s->multiple));
		json_object_set_new(j, "options", str_array(s->items, s->n_items));
		break;
	case SLIDE_SCALE:
		json_object_set_new(j, "scale_max", json_integer(s->scale_max));
		json_object_set_new(j, "labels", json_pack("[s, s]", s->label_low ? s->label_low : "",
							   s->label_high ? s->label_high : ""));
		json_object_set_new(j, "statements", str_array(s->items, s->n_items));
		break;
	case SLIDE_RANK:
		json_object_set_new(j, "options", str_array(s->items, s->n_items));
		break;
	default:
		break;
	}
	if (s->kind != SLIDE_CONTENT)
		json_object_set_new(j, "results_on_phones", json_boolean(s->results_on_phones));
	return j;
}

static char *jstr(const json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(j, key));
	return v ? strdup(v) : NULL;
}

static bool jint(const json_t *j, const char *key, int lo, int hi, int *out)
{
	json_t *v = json_object_get(j, key);
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return false;
	*out = (int)json_integer_value(v);
	return true;
}

int slide_from_json(const json_t *j, slide_t *s)
{
	memset(s, 0, sizeof *s);
	const char *kind = json_string_value(json_object_get(j, "kind"));
	if (!kind || slide_kind_parse(kind, &s->kind) < 0)
		return -1;
	s->title = jstr(j, "title");
	s->body_html = jstr(j, "html");
	s->body_md = jstr(j, "md");
	if (!s->body_md)
		s->body_md = strdup("");
	json_t *line = json_object_get(j, "line");
	s->line = json_is_integer(line) ? (int)json_integer_value(line) : 0;
	s->results_on_phones = json_is_true(json_object_get(j, "results_on_phones"));
	if (!s->title || !s->body_html)
		goto bad;
	json_t *items = NULL;
	switch (s->kind) {
	case SLIDE_OPEN:
	case SLIDE_QA:
		if (!jint(j, "max_length", 1, DECK_OPEN_MAX_LENGTH, &s->max_length) ||
		    !jint(j, "max_answers", 1, DECK_ANSWERS_MAX, &s->max_answers))
			goto bad;
		break;
	case SLIDE_CLOUD:
		if (!jint(j, "max_length", 1, DECK_CLOUD_MAX_LENGTH, &s->max_length) ||
		    !jint(j, "max_answers", 1, DECK_CLOUD_ENTRIES_MAX, &s->max_answers))
			goto bad;
		break;
	case SLIDE_CHOICE:
		s->multiple = json_is_true(json_object_get(j, "multiple"));
		items = json_object_get(j, "options");
		break;
	case SLIDE_SCALE: {
		if (!jint(j, "scale_max", DECK_SCALE_MIN, DECK_SCALE_MAX, &s->scale_max))
			goto bad;
		json_t *labels = json_object_get(j, "labels");
		const char *lo = json_string_value(json_array_get(labels, 0));
		const char *hi = json_string_value(json_array_get(labels, 1));
		s->label_low = strdup(lo ? lo : "");
		s->label_high = strdup(hi ? hi : "");
		items = json_object_get(j, "statements");
		break;
	}
	case SLIDE_RANK:
		items = json_object_get(j, "options");
		break;
	default:
		break;
	}
	if (items) {
		size_t n = json_array_size(items);
		if (n == 0 || n > DECK_ITEMS_MAX)
			goto bad;
		s->items = calloc(n, sizeof *s->items);
		if (!s->items)
			abort();
		for (size_t i = 0; i < n; i++) {
			const char *t = json_string_value(json_array_get(items, i));
			if (!t)
				goto bad;
			s->items[s->n_items++] = strdup(t);
		}
	} else if (s->kind == SLIDE_CHOICE || s->kind == SLIDE_SCALE || s->kind == SLIDE_RANK) {
		goto bad;
	}
	if (!s->label_low)
		s->label_low = strdup("");
	if (!s->label_high)
		s->label_high = strdup("");
	return 0;
bad:
	slide_clear(s);
	return -1;
}
