/*
 * report/pdf: the document a facilitator sends out, drawn with cairo and
 * laid out with pango. A4 landscape like the slides it reports on: a
 * cover, the summary (when the event has one), the presentation's content
 * slides, then one section per question in deck order.
 *
 * Participant text only ever reaches pango through pango_layout_set_text,
 * never as markup; the slides' Markdown is turned into pango markup here
 * with every piece of text escaped. Fonts come from fontconfig, so any
 * script with an installed font renders (Noto covers Arabic, CJK, emoji).
 *
 * A question is laid out twice: once to measure its answer cards and find
 * the page breaks (so each page's heading can say "(1/2)"), once to draw.
 * Only that question's answers are in memory meanwhile.
 *
 * The whole document is laid out twice as well, so that every footer can
 * say "3 van 41": a first pass counts the pages without drawing (only open
 * and Q&A questions can take more than one page, so only they are read),
 * the second draws. The first pass keeps one number per question, the id
 * of the last answer it read, and the second reads no answer after it, so
 * answers that arrive meanwhile cannot change the count. Should a moderator
 * hide or show an answer between the passes and so change it after all,
 * the document is drawn again with the count it really took.
 */
#include <cairo-pdf.h>
#include <cmark.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "report/image.h"
#include "report/internal.h"
#include "util/xalloc.h"

#define FONT "Noto Sans, DejaVu Sans"

enum { COLUMNS = 3 };
static const double PAGE_W = 841.89, PAGE_H = 595.28, MARGIN = 42, TOP = 74, BOTTOM = 46;
static const double GAP = 12, PAD = 9, CARD_SIZE = 10.5;

typedef struct rgb {
	double r, g, b;
} rgb_t;

static const rgb_t INK = {0.11, 0.15, 0.2}, MUTED = {0.38, 0.45, 0.52},
		   BRAND = {0.043, 0.31, 0.424}, CARD = {0.93, 0.957, 0.973},
		   RULE = {0.82, 0.86, 0.9};

typedef struct pdf {
	report_job_t *j;
	report_t *r;
	cairo_surface_t *surf;
	cairo_t *cr;
	PangoLayout *lay; /* reused for every piece of text: shaping state is kept */
	int page;
	int pages;      /* of the whole document, counted before drawing */
	bool drawing;   /* false while counting the pages */
	int64_t *until; /* per question: the last answer id the count read */
	bool open;      /* a page has been started and not shown yet */
	const char *section;
	const char *heading_prefix; /* "Thema's" on a question's themes pages */
} pdf_t;

/* The report's word for key (report.c) in the report's language; needs p. */
#define W(key) report_word(p->r->lang, key)

static void color(cairo_t *cr, rgb_t c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

/* Prepares the shared layout for text (or markup) at size points, wrapped
 * at width (no wrapping when width <= 0). Returns its height in points. */
static double set(pdf_t *p, const char *text, bool markup, double size, bool bold, double width)
{
	PangoFontDescription *fd = pango_font_description_from_string(FONT);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(p->lay, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(p->lay, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(p->lay, PANGO_ALIGN_LEFT);
	pango_layout_set_attributes(p->lay, NULL);
	if (markup)
		pango_layout_set_markup(p->lay, text, -1);
	else
		pango_layout_set_text(p->lay, text, -1);
	int w, h;
	pango_layout_get_size(p->lay, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double set_width(pdf_t *p)
{
	int w, h;
	pango_layout_get_size(p->lay, &w, &h);
	return (double)w / PANGO_SCALE;
}

static void show(pdf_t *p, double x, double y, rgb_t c)
{
	color(p->cr, c);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->lay);
}

/* Draws text and returns its height. */
static double text(pdf_t *p, const char *s, double x, double y, double size, bool bold,
		   double width, rgb_t c)
{
	double h = set(p, s, false, size, bold, width);
	show(p, x, y, c);
	return h;
}

static void end_page(pdf_t *p)
{
	if (!p->open)
		return;
	char num[64];
	snprintf(num, sizeof num, "%d %s %d", p->page, W("of"), p->pages);
	set(p, num, false, 9, false, -1);
	show(p, PAGE_W - MARGIN - set_width(p), PAGE_H - 30, MUTED);
	text(p, W("report_title"), MARGIN, PAGE_H - 30, 9, false, -1, MUTED);
	cairo_show_page(p->cr);
	p->open = false;
}

/* Starts a page with the event's title and the section in the header. */
static void new_page(pdf_t *p, bool header)
{
	end_page(p);
	p->page++;
	p->open = true;
	if (!header)
		return;
	color(p->cr, BRAND);
	cairo_rectangle(p->cr, 0, 0, PAGE_W, 6);
	cairo_fill(p->cr);
	text(p, p->r->title, MARGIN, 20, 10, true, PAGE_W / 2, BRAND);
	if (p->section) {
		set(p, p->section, false, 10, false, -1);
		show(p, PAGE_W - MARGIN - set_width(p), 20, MUTED);
	}
	color(p->cr, RULE);
	cairo_rectangle(p->cr, MARGIN, 40, PAGE_W - 2 * MARGIN, 0.8);
	cairo_fill(p->cr);
}

/* ---- slides: Markdown to pango markup ---- */

static void put_esc(buf_t *b, const char *s)
{
	if (!s)
		return;
	char *e = g_markup_escape_text(s, -1);
	buf_puts(b, e);
	g_free(e);
}

/* The slide body without its first heading (that is the slide's title),
 * as pango markup: paragraphs, bullets, emphasis; all text escaped. */
static char *slide_markup(const slide_t *s)
{
	buf_t b = BUF_INIT;
	cmark_node *doc = cmark_parse_document(s->body_md, strlen(s->body_md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	bool skipped_title = false;
	int skip_depth = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		bool enter = ev == CMARK_EVENT_ENTER;
		if (t == CMARK_NODE_HEADING && !skipped_title && cmark_node_previous(n) == NULL &&
		    cmark_node_parent(n) == doc) {
			if (enter)
				skip_depth++;
			else {
				skip_depth--;
				skipped_title = true;
			}
			continue;
		}
		if (skip_depth)
			continue;
		switch (t) {
		case CMARK_NODE_HEADING:
			buf_puts(&b, enter ? "<b>" : "</b>\n\n");
			break;
		case CMARK_NODE_PARAGRAPH:
			if (!enter) {
				cmark_node *item = cmark_node_parent(n);
				bool tight = item && cmark_node_get_type(item) == CMARK_NODE_ITEM &&
					     cmark_node_get_list_tight(cmark_node_parent(item));
				buf_puts(&b, tight ? "\n" : "\n\n");
			}
			break;
		case CMARK_NODE_ITEM:
			if (enter)
				buf_puts(&b, "•  ");
			break;
		case CMARK_NODE_LIST:
			if (!enter)
				buf_puts(&b, "\n");
			break;
		case CMARK_NODE_EMPH:
			buf_puts(&b, enter ? "<i>" : "</i>");
			break;
		case CMARK_NODE_STRONG:
			buf_puts(&b, enter ? "<b>" : "</b>");
			break;
		case CMARK_NODE_CODE:
			buf_puts(&b, "<tt>");
			put_esc(&b, cmark_node_get_literal(n));
			buf_puts(&b, "</tt>");
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE_BLOCK:
			put_esc(&b, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
			buf_puts(&b, " ");
			break;
		case CMARK_NODE_LINEBREAK:
			buf_puts(&b, "\n");
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	while (b.len && b.data[b.len - 1] == '\n')
		b.data[--b.len] = '\0';
	return buf_steal(&b);
}

static void divider(pdf_t *p, const char *name)
{
	p->section = name;
	new_page(p, false);
	color(p->cr, BRAND);
	cairo_rectangle(p->cr, 0, 0, PAGE_W, PAGE_H);
	cairo_fill(p->cr);
	text(p, p->r->title, MARGIN + 30, PAGE_H / 2 - 60, 18, false, PAGE_W - 2 * MARGIN,
	     (rgb_t){0.8, 0.9, 0.95});
	text(p, name, MARGIN + 30, PAGE_H / 2 - 30, 40, true, PAGE_W - 2 * MARGIN,
	     (rgb_t){1, 1, 1});
}

static void cover(pdf_t *p)
{
	report_t *r = p->r;
	new_page(p, false);
	color(p->cr, BRAND);
	cairo_rectangle(p->cr, 0, 0, 28, PAGE_H);
	cairo_fill(p->cr);
	double x = 90, w = PAGE_W - x - MARGIN, y = 150;
	y += text(p, W("report_title"), x, y, 18, false, w, MUTED) + 10;
	y += text(p, r->title, x, y, 40, true, w, BRAND) + 12;
	if (*r->subtitle)
		y += text(p, r->subtitle, x, y, 20, false, w, INK) + 24;
	buf_t d = BUF_INIT;
	for (size_t i = 0; i < r->n_dates; i++) {
		char s[64];
		report_date_long(r->dates[i], r->lang, s, sizeof s);
		buf_printf(&d, "%s%s", i ? "  ·  " : "", s);
	}
	if (d.len)
		text(p, d.data, x, y, 14, false, w, MUTED);
	buf_clear(&d);
	char when[32];
	report_time_text(r->generated_at, when, sizeof when);
	buf_printf(&d, "%s %.10s", W("made"), when);
	text(p, d.data, x, PAGE_H - 70, 9, false, w, MUTED);
	buf_free(&d);
}

/* The facilitator's summary of the meeting (the event's summary), on a
 * page of its own after the cover; no page when there is none. */
static void summary(pdf_t *p)
{
	if (!p->r->summary_md || !*p->r->summary_md)
		return;
	p->section = W("summary");
	new_page(p, true);
	double y = TOP;
	y += text(p, W("summary"), MARGIN, y, 22, true, PAGE_W - 2 * MARGIN, BRAND) + 14;
	text(p, p->r->summary_md, MARGIN, y, 12, false, PAGE_W - 2 * MARGIN, INK);
}

/* ---- images of content slides ---- */

/* An uploaded image of this event (report/image.h). NULL and no note for
 * a URL that names no image of this event (a link elsewhere, a deleted
 * upload); NULL and a note for a person when the image is there but cannot
 * be drawn. */
static cairo_surface_t *load_image(pdf_t *p, const char *url, char *note, size_t notelen)
{
	*note = '\0';
	char prefix[48];
	snprintf(prefix, sizeof prefix, "/media/%lld/", (long long)p->r->event_id);
	size_t pl = strlen(prefix);
	if (strncmp(url, prefix, pl) != 0 || strchr(url + pl, '/'))
		return NULL;
	char type[32];
	void *data = NULL;
	size_t len = 0;
	if (store_media_get(p->r->store, p->r->event_id, url + pl, type, sizeof type, &data, &len) !=
	    STORE_OK)
		return NULL;
	cairo_surface_t *img;
	int w, h;
	switch (report_image_load(data, len, type, &img, &w, &h)) {
	case REPORT_IMAGE_OK:
		return img;
	case REPORT_IMAGE_TOO_LARGE:
		snprintf(note, notelen, "%s: %s (%d × %d pixels).", W("image_not_shown"),
		         W("image_too_large"), w, h);
		break;
	case REPORT_IMAGE_ANIMATED:
		snprintf(note, notelen, "%s: %s.", W("image_not_shown"), W("image_animated"));
		break;
	case REPORT_IMAGE_UNREADABLE:
		snprintf(note, notelen, "%s: %s.", W("image_not_shown"), W("image_unreadable"));
		break;
	}
	return NULL;
}

/* Draws the slide's images (up to four) side by side in the box, each
 * scaled to fit; below them a line for each image that cannot be drawn. */
static void slide_images(pdf_t *p, const slide_t *s, double x, double y, double w, double h)
{
	enum { MAX_IMAGES = 4 };
	cairo_surface_t *imgs[MAX_IMAGES];
	char notes[MAX_IMAGES][160];
	size_t n = 0, n_notes = 0;
	cmark_node *doc = cmark_parse_document(s->body_md, strlen(s->body_md), CMARK_OPT_DEFAULT);
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && n + n_notes < MAX_IMAGES) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_IMAGE) {
			cairo_surface_t *img = load_image(p, cmark_node_get_url(node),
							  notes[n_notes], sizeof notes[n_notes]);
			if (img)
				imgs[n++] = img;
			else if (notes[n_notes][0])
				n_notes++;
		}
	}
	cmark_iter_free(it);
	cmark_node_free(doc);
	for (size_t i = n_notes; i-- > 0;) {
		double nh = set(p, notes[i], false, 10, false, w);
		if (nh > h)
			break;
		h -= nh + 4;
		show(p, x, y + h + 4, MUTED);
	}
	if (!n || h < 40)
		goto done;
	double gap = 16, cell = (w - gap * (double)(n - 1)) / (double)n;
	for (size_t i = 0; i < n; i++) {
		double iw = cairo_image_surface_get_width(imgs[i]);
		double ih = cairo_image_surface_get_height(imgs[i]);
		double k = fmin(cell / iw, h / ih);
		cairo_save(p->cr);
		cairo_translate(p->cr, x + (double)i * (cell + gap) + (cell - iw * k) / 2, y);
		cairo_scale(p->cr, k, k);
		cairo_set_source_surface(p->cr, imgs[i], 0, 0);
		cairo_paint(p->cr);
		cairo_restore(p->cr);
	}
done:
	for (size_t i = 0; i < n; i++)
		cairo_surface_destroy(imgs[i]);
}

static void content_slide(pdf_t *p, const slide_t *s)
{
	new_page(p, true);
	double x = MARGIN + 20, w = PAGE_W - 2 * x, y = TOP + 30;
	if (*s->title)
		y += text(p, s->title, x, y, 28, true, w, BRAND) + 22;
	char *m = slide_markup(s);
	double th = set(p, m, true, 16, false, w);
	show(p, x, y, INK);
	free(m);
	y += th + 16;
	slide_images(p, s, x, y, w, PAGE_H - BOTTOM - 10 - y);
}

/* ---- questions ---- */

static const char *jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* Heading of a question page; part/parts give "(1/2)" when parts > 1.
 * Returns the y where the content starts. */
static double q_heading(pdf_t *p, const report_question_t *q, int part, int parts, bool draw)
{
	const slide_t *s = &p->r->slides[q->slide];
	buf_t b = BUF_INIT;
	if (p->heading_prefix)
		buf_printf(&b, "%s: ", p->heading_prefix);
	buf_puts(&b, s->title);
	if (parts > 1)
		buf_printf(&b, " (%d/%d)", part, parts);
	if (draw)
		new_page(p, true);
	double y = 52;
	y += set(p, b.data, false, 17, true, PAGE_W - 2 * MARGIN) + 4;
	if (draw)
		show(p, MARGIN, 52, BRAND);
	/* counts per session and combined, on every page of the question */
	buf_clear(&b);
	for (size_t i = 0; i < q->n_sessions; i++) {
		char d[64];
		report_date_long(p->r->sessions[i].date, p->r->lang, d, sizeof d);
		if (p->r->sessions[i].online)
			buf_printf(&b, "%s%s (%s %s)", i ? "   ·   " : "", W("online"), W("since"),
			           d);
		else if (p->r->sessions[i].name[0])
			buf_printf(&b, "%s%s %d, %s (%s)", i ? "   ·   " : "", W("session"),
			           p->r->sessions[i].number, p->r->sessions[i].name, d);
		else
			buf_printf(&b, "%s%s %d (%s)", i ? "   ·   " : "", W("session"),
			           p->r->sessions[i].number, d);
		const report_counts_t *c = &q->per_session[i];
		buf_printf(&b, ": %zu %s, %zu %s", c->participants,
		           report_count_word((long long)c->participants, W("participant"),
		                             W("participants")),
		           c->answers,
		           report_count_word((long long)c->answers, W("answer"), W("answers")));
	}
	if (q->n_sessions > 1)
		buf_printf(
		    &b, "   ·   %s: %zu %s, %zu %s", W("combined"), q->total.participants,
		    report_count_word((long long)q->total.participants, W("participant"),
		                      W("participants")),
		    q->total.answers,
		    report_count_word((long long)q->total.answers, W("answer"), W("answers")));
	if (q->total.hidden)
		buf_printf(&b, "   ·   %zu %s", q->total.hidden, W("hidden"));
	double h = set(p, b.data, false, 9, false, PAGE_W - 2 * MARGIN);
	if (draw)
		show(p, MARGIN, y, MUTED);
	y += h + 12;
	buf_free(&b);
	return y;
}

typedef struct card {
	const char *text;
	char foot[96]; /* votes and answered mark for Q&A, "" otherwise */
	double h;      /* measured height */
	bool wide;     /* spans all columns */
} card_t;

static double card_width(bool wide)
{
	double inner = PAGE_W - 2 * MARGIN;
	return wide ? inner : (inner - GAP * (COLUMNS - 1)) / COLUMNS;
}

static double measure_card(pdf_t *p, card_t *c, double avail)
{
	c->wide = false;
	double h = set(p, c->text, false, CARD_SIZE, false, card_width(false) - 2 * PAD);
	if (h + 2 * PAD > avail * 0.6) {
		/* A long answer reads better across the page than as a tower. */
		c->wide = true;
		h = set(p, c->text, false, CARD_SIZE, false, card_width(true) - 2 * PAD);
	}
	if (*c->foot)
		h += 14;
	c->h = h + 2 * PAD;
	return c->h;
}

/* Cards of one row share its height, so the grid reads as a grid. */
static void draw_card(pdf_t *p, const card_t *c, double x, double y, double row_h)
{
	double w = card_width(c->wide);
	color(p->cr, CARD);
	cairo_rectangle(p->cr, x, y, w, row_h);
	cairo_fill(p->cr);
	color(p->cr, BRAND);
	cairo_rectangle(p->cr, x, y, 3, row_h);
	cairo_fill(p->cr);
	double h = text(p, c->text, x + PAD, y + PAD, CARD_SIZE, false, w - 2 * PAD, INK);
	if (*c->foot)
		text(p, c->foot, x + PAD, y + PAD + h + 2, 8.5, true, w - 2 * PAD, BRAND);
}

/* The widest page mark of a question that takes parts pages, in digits
 * as wide as the real ones: 9 up to nine pages, 99 up to 99, and so on. */
static int widest_part(int parts)
{
	int w = 9;
	while (parts > w && w < 99999)
		w = w * 10 + 9;
	return w;
}

/* The space a heading takes on every page of a question, reserved for its
 * widest mark so that a longer "(10/12)" never wraps into the answers. */
static double heading_room(pdf_t *p, const report_question_t *q, int parts)
{
	int w = widest_part(parts);
	return q_heading(p, q, w, w, false);
}

/* How many pages a question's flow takes: counted with room for "(9/9)"
 * first, again with room for "(99/99)" when it took ten pages or more, so
 * that the count and the drawing reserve the same room. */
static int count_parts(int (*flow)(pdf_t *, const report_question_t *, const void *, bool, int),
		       pdf_t *p, const report_question_t *q, const void *arg)
{
	int reserve = 9, parts;
	while ((parts = flow(p, q, arg, false, reserve)) > reserve && reserve < widest_part(parts))
		reserve = widest_part(parts);
	return parts;
}

typedef struct cards_arg {
	card_t *cards;
	size_t n;
} cards_arg_t;

/*
 * Cards flow in rows of COLUMNS, in answer order, left to right; a wide
 * card takes a row of its own. The first pass (draw false) only counts
 * pages, with parts the widest mark to make room for; the second draws
 * them with "(k/n)" in each heading, n = parts.
 */
static int flow_cards(pdf_t *p, const report_question_t *q, const void *arg, bool draw, int parts)
{
	card_t *cards = ((const cards_arg_t *)arg)->cards;
	size_t n = ((const cards_arg_t *)arg)->n;
	double bottom = PAGE_H - BOTTOM;
	int page = 1;
	double top0 = heading_room(p, q, parts);
	if (draw)
		q_heading(p, q, 1, parts, true);
	double y = top0;
	size_t i = 0;
	while (i < n) {
		/* one row: up to COLUMNS narrow cards, or one wide card */
		size_t k = i, row_n = 0;
		double row_h = 0;
		if (cards[i].wide) {
			row_n = 1;
			row_h = cards[i].h;
		} else {
			while (k < n && row_n < COLUMNS && !cards[k].wide) {
				row_h = fmax(row_h, cards[k].h);
				row_n++;
				k++;
			}
		}
		if (y + row_h > bottom && y > top0 + 1) {
			page++;
			if (draw)
				q_heading(p, q, page, parts, true);
			y = top0;
		}
		if (draw)
			for (size_t c = 0; c < row_n; c++)
				draw_card(p, &cards[i + c],
					  MARGIN + (double)c * (card_width(false) + GAP), y, row_h);
		y += row_h + GAP;
		i += row_n;
	}
	return page;
}

/* The answer cards of a question; returns the pages they take and draws
 * them only when p->drawing. */
static int cards_section(pdf_t *p, const report_question_t *q, card_t *cards, size_t n)
{
	double avail = PAGE_H - BOTTOM - 110;
	for (size_t i = 0; i < n; i++)
		measure_card(p, &cards[i], avail);
	cards_arg_t arg = {cards, n};
	int parts = count_parts(flow_cards, p, q, &arg);
	if (p->drawing)
		flow_cards(p, q, &arg, true, parts);
	return parts;
}

/* Horizontal bars: label, bar scaled to max, value text. */
static void bars(pdf_t *p, double y, const char *const *labels, const double *values,
		 const char *const *notes, size_t n, double max)
{
	double label_w = 250, bar_x = MARGIN + label_w + 12, bar_w = PAGE_W - bar_x - MARGIN - 150;
	double row = fmin(34, (PAGE_H - BOTTOM - y) / (double)(n ? n : 1));
	double size = row < 22 ? 9 : 11;
	for (size_t i = 0; i < n; i++) {
		double ry = y + (double)i * row;
		double h = set(p, labels[i], false, size, false, label_w);
		if (h > row - 2) {
			pango_layout_set_height(p->lay, (int)((row - 2) * PANGO_SCALE));
			pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
			h = row - 2;
		}
		show(p, MARGIN, ry + (row - h) / 2 - 2, INK);
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		double bw = max > 0 ? bar_w * values[i] / max : 0;
		color(p->cr, CARD);
		cairo_rectangle(p->cr, bar_x, ry + row * 0.2, bar_w, row * 0.6);
		cairo_fill(p->cr);
		color(p->cr, BRAND);
		cairo_rectangle(p->cr, bar_x, ry + row * 0.2, bw, row * 0.6);
		cairo_fill(p->cr);
		h = set(p, notes[i], false, size, true, 150);
		show(p, bar_x + bar_w + 8, ry + (row - h) / 2 - 2, INK);
	}
}

static void chart_choice_rank(pdf_t *p, const report_question_t *q, double y)
{
	const slide_t *s = &p->r->slides[q->slide];
	json_t *opts = json_object_get(q->combined, "options");
	size_t n = json_array_size(opts);
	const char **labels = xcalloc(n + 1, sizeof *labels);
	const char **notes = xcalloc(n + 1, sizeof *notes);
	double *values = xcalloc(n + 1, sizeof *values), max = 0;
	char(*note)[64] = xcalloc(n + 1, sizeof *note);
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(opts, i);
		labels[i] = jstr(e, "label");
		if (s->kind == SLIDE_RANK) {
			double mean = json_number_value(json_object_get(e, "mean"));
			/* best (lowest mean position) gets the longest bar */
			values[i] = mean > 0 ? (double)s->n_items + 1 - mean : 0;
			max = (double)s->n_items;
			snprintf(note[i], sizeof note[i], "%zu.  %s %.2f", i + 1, W("mean"), mean);
		} else {
			values[i] = (double)json_integer_value(json_object_get(e, "count"));
			max = fmax(max, values[i]);
			snprintf(note[i], sizeof note[i], "%.0f  (%lld%%)", values[i],
				 (long long)json_integer_value(json_object_get(e, "percent")));
		}
		notes[i] = note[i];
	}
	bars(p, y, labels, values, notes, n, max);
	free(labels);
	free(notes);
	free(values);
	free(note);
}

static void chart_scale(pdf_t *p, const report_question_t *q, double y)
{
	const slide_t *s = &p->r->slides[q->slide];
	json_t *st = json_object_get(q->combined, "statements");
	size_t n = json_array_size(st);
	double label_w = 250, ax = MARGIN + label_w + 20, aw = PAGE_W - ax - MARGIN - 110;
	double row = fmin(46, (PAGE_H - BOTTOM - y - 20) / (double)(n ? n : 1));
	/* axis labels */
	char lo[256], hi[256];
	snprintf(lo, sizeof lo, "1 %s", s->label_low ? s->label_low : "");
	snprintf(hi, sizeof hi, "%s %d", s->label_high ? s->label_high : "", s->scale_max);
	text(p, lo, ax, y, 8.5, false, aw / 2, MUTED);
	set(p, hi, false, 8.5, false, -1);
	show(p, ax + aw - set_width(p), y, MUTED);
	y += 16;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(st, i);
		double ry = y + (double)i * row;
		set(p, jstr(e, "text"), false, row < 30 ? 9 : 11, false, label_w);
		pango_layout_set_height(p->lay, (int)((row - 4) * PANGO_SCALE));
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		show(p, MARGIN, ry + 2, INK);
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		/* distribution as a stacked bar, light to dark */
		json_t *counts = json_object_get(e, "counts");
		double total = (double)json_integer_value(json_object_get(e, "count")), x = ax;
		for (size_t k = 0; total > 0 && k < json_array_size(counts); k++) {
			double f = (double)json_integer_value(json_array_get(counts, k)) / total;
			double t = (double)(k + 1) / (double)json_array_size(counts);
			cairo_set_source_rgb(p->cr, 0.9 - 0.85 * t * 0.95, 0.95 - 0.64 * t,
					     0.97 - 0.55 * t);
			cairo_rectangle(p->cr, x, ry + row * 0.15, aw * f, row * 0.5);
			cairo_fill(p->cr);
			x += aw * f;
		}
		double mean = json_number_value(json_object_get(e, "mean"));
		if (total > 0 && s->scale_max > 1) {
			double mx = ax + aw * (mean - 1) / (s->scale_max - 1);
			cairo_set_source_rgb(p->cr, 0.85, 0.35, 0.1);
			cairo_rectangle(p->cr, mx - 1.5, ry + row * 0.05, 3, row * 0.7);
			cairo_fill(p->cr);
		}
		char note[64];
		snprintf(note, sizeof note, "%s %.2f (n=%.0f)", W("mean"), mean, total);
		text(p, note, ax + aw + 8, ry + row * 0.15, 9, true, 110, INK);
	}
}

typedef struct rect {
	double x, y, w, h;
} rect_t;

static bool overlaps(const rect_t *a, const rect_t *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

/*
 * Word cloud: the most frequent word in the middle, the others placed on
 * an outward spiral at the first spot where they overlap nothing. No
 * randomness, so the same tally always draws the same cloud.
 */
static void chart_cloud(pdf_t *p, const report_question_t *q, double y)
{
	json_t *words = json_object_get(q->combined, "words");
	size_t n = json_array_size(words);
	if (n > 150)
		n = 150;
	double top = (double)json_integer_value(json_object_get(json_array_get(words, 0), "count"));
	rect_t area = {MARGIN, y, PAGE_W - 2 * MARGIN, PAGE_H - BOTTOM - y};
	double cx = area.x + area.w / 2, cy = area.y + area.h / 2;
	rect_t *placed = xcalloc(n + 1, sizeof *placed);
	size_t np = 0;
	static const rgb_t shades[] = {{0.043, 0.31, 0.424}, {0.16, 0.5, 0.55}, {0.55, 0.3, 0.5},
				       {0.75, 0.4, 0.1}, {0.3, 0.4, 0.2}};
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(words, i);
		double c = (double)json_integer_value(json_object_get(e, "count"));
		double size = 11 + 37 * sqrt(top > 0 ? c / top : 0);
		set(p, jstr(e, "text"), false, size, c >= top / 2, -1);
		double w = set_width(p), h;
		{
			int lw, lh;
			pango_layout_get_size(p->lay, &lw, &lh);
			h = (double)lh / PANGO_SCALE;
		}
		bool ok = false;
		rect_t r = {0};
		for (double t = 0; t < 400 && !ok; t += 0.12) {
			double rad = 3.2 * t;
			r = (rect_t){cx + rad * cos(t) * 1.6 - w / 2, cy + rad * sin(t) - h / 2, w, h};
			if (r.x < area.x || r.y < area.y || r.x + w > area.x + area.w ||
			    r.y + h > area.y + area.h)
				continue;
			ok = true;
			for (size_t k = 0; k < np && ok; k++)
				ok = !overlaps(&r, &placed[k]);
		}
		if (!ok)
			continue;
		placed[np++] = r;
		show(p, r.x, r.y, shades[i % (sizeof shades / sizeof *shades)]);
	}
	free(placed);
}

/* ---- themes ---- */

enum { THEME_COLUMNS = 3, THEME_QUOTES = 10 };

/* One line of a theme: its answer from a little before the theme's word,
 * the word in bold, as pango markup with all participant text escaped and
 * line breaks turned into spaces. The layout ellipsizes the end. */
static char *quote(const char *text, const themes_member_t *m)
{
	size_t len = strlen(text), at = m->at, from = 0;
	bool marked = m->len && m->at + m->len <= len;
	if (marked && at > 32) {
		/* start at a word boundary at most 32 bytes before the word */
		from = at - 32;
		while (from < at && text[from] != ' ')
			from++;
		if (from < at)
			from++;
	}
	buf_t raw = BUF_INIT, b = BUF_INIT;
	if (from > 0)
		buf_puts(&b, "…");
	size_t cuts[3] = {marked ? at : len, marked ? at + m->len : len, len};
	size_t pos = from;
	for (int k = 0; k < 3; k++) {
		buf_clear(&raw);
		for (; pos < cuts[k]; pos++)
			buf_putc(&raw, text[pos] == '\n' || text[pos] == '\r' ? ' ' : text[pos]);
		if (k == 1)
			buf_puts(&b, "<b>");
		put_esc(&b, raw.data ? raw.data : "");
		if (k == 1)
			buf_puts(&b, "</b>");
	}
	buf_free(&raw);
	return buf_steal(&b);
}

typedef struct theme_metrics {
	double label, line, col_w;
	size_t max_n;
} theme_metrics_t;

static double theme_height(const theme_metrics_t *tm, const themes_group_t *t)
{
	size_t shown = t->n < THEME_QUOTES ? t->n : THEME_QUOTES;
	return tm->label + 10 + (double)shown * tm->line + (t->n > shown ? tm->line : 0) + 16;
}

static void draw_theme(pdf_t *p, const report_question_t *q, const theme_metrics_t *tm,
		       const themes_group_t *t, double x, double y)
{
	bool other = t->stem == NULL;
	char count[64];
	snprintf(count, sizeof count, "%zu", t->n);
	set(p, count, false, 12, true, -1);
	double cw = set_width(p);
	show(p, x + tm->col_w - cw, y, other ? MUTED : BRAND);
	set(p, t->label, false, 12, true, tm->col_w - cw - 8);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
	show(p, x, y, other ? MUTED : BRAND);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
	y += tm->label + 2;
	color(p->cr, CARD);
	cairo_rectangle(p->cr, x, y, tm->col_w, 4);
	cairo_fill(p->cr);
	color(p->cr, other ? RULE : BRAND);
	cairo_rectangle(p->cr, x, y, tm->col_w * (double)t->n / (double)tm->max_n, 4);
	cairo_fill(p->cr);
	y += 8;
	size_t shown = t->n < THEME_QUOTES ? t->n : THEME_QUOTES;
	for (size_t k = 0; k < shown; k++) {
		char *m = quote(q->answers[t->members[k].answer].text, &t->members[k]);
		set(p, m, true, 8.5, false, tm->col_w);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(p->lay, 0); /* one line */
		show(p, x, y, INK);
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		free(m);
		y += tm->line;
	}
	if (t->n > shown) {
		char more[64];
		snprintf(more, sizeof more, "+ %zu %s", t->n - shown, W("more"));
		text(p, more, x, y, 8.5, false, tm->col_w, MUTED);
	}
}

/* Theme blocks in columns, each block into the shortest column (the
 * leftmost on a tie); a block that fits no column starts a page. Returns
 * the pages used; draws only when draw is true. */
static int flow_themes(pdf_t *p, const report_question_t *q, const void *arg, bool draw,
		       int parts)
{
	const theme_metrics_t *tm = arg;
	double bottom = PAGE_H - BOTTOM, top = heading_room(p, q, parts);
	int page = 1;
	if (draw)
		q_heading(p, q, 1, parts, true);
	double note_h = set(p, W("themes_note"), false, 9, false, PAGE_W - 2 * MARGIN);
	if (draw)
		show(p, MARGIN, top, MUTED);
	top += note_h + 10;
	double col[THEME_COLUMNS];
	for (int c = 0; c < THEME_COLUMNS; c++)
		col[c] = top;
	for (size_t g = 0; g < q->themes.n_groups; g++) {
		const themes_group_t *t = &q->themes.groups[g];
		double h = theme_height(tm, t);
		int c = 0;
		for (int k = 1; k < THEME_COLUMNS; k++)
			if (col[k] < col[c])
				c = k;
		if (col[c] + h > bottom && col[c] > top + 1) {
			page++;
			if (draw)
				q_heading(p, q, page, parts, true);
			for (int k = 0; k < THEME_COLUMNS; k++)
				col[k] = top;
			c = 0;
		}
		if (draw)
			draw_theme(p, q, tm, t, MARGIN + (double)c * (tm->col_w + GAP * 2), col[c]);
		col[c] += h;
	}
	return page;
}

/* A question's themes on pages of their own, after its answers: label,
 * count, a bar and the first answers quoted around the theme's word.
 * Returns the pages they take; draws them only when p->drawing. */
static int themes_section(pdf_t *p, const report_question_t *q)
{
	theme_metrics_t tm = {.col_w = (PAGE_W - 2 * MARGIN - GAP * 2 * (THEME_COLUMNS - 1)) /
				       THEME_COLUMNS};
	tm.label = set(p, "Ag", false, 12, true, -1);
	tm.line = set(p, "Ag", false, 8.5, false, -1) + 1.5;
	for (size_t g = 0; g < q->themes.n_groups; g++)
		if (q->themes.groups[g].n > tm.max_n)
			tm.max_n = q->themes.groups[g].n;
	p->heading_prefix = W("themes");
	int parts = count_parts(flow_themes, p, q, &tm);
	if (p->drawing)
		flow_themes(p, q, &tm, true, parts);
	p->heading_prefix = NULL;
	return parts;
}

/* Open answers as cards: the visible ones, in answer order. */
static size_t cards_open(const pdf_t *p, const report_question_t *q, card_t *cards)
{
	size_t n = 0;
	for (size_t i = 0; i < q->n_answers; i++)
		if (!q->answers[i].hidden)
			cards[n++].text = q->answers[i].text;
	return n;
}

/* Q&A questions as cards, as the results order them, with votes and the
 * answered mark below. */
static size_t cards_qa(const pdf_t *p, const report_question_t *q, card_t *cards)
{
	size_t i, n = 0;
	json_t *e;
	json_array_foreach (json_object_get(q->combined, "items"), i, e) {
		card_t *c = &cards[n++];
		c->text = jstr(e, "text");
		bool done = json_is_true(json_object_get(e, "answered"));
		long long votes = json_integer_value(json_object_get(e, "votes"));
		snprintf(c->foot, sizeof c->foot, "▲ %lld %s%s%s", votes,
		         report_count_word(votes, W("vote"), W("votes")), done ? "   ✓ " : "",
		         done ? W("answered") : "");
	}
	return n;
}

/* How each kind is drawn: as cards (answers that may run over pages, so
 * the first pass counts pages and fixes the answers it saw) or as one
 * chart on one page. Exactly one of the two is set for a question kind. */
typedef struct pdf_kind {
	size_t (*cards)(const pdf_t *p, const report_question_t *q, card_t *cards);
	void (*chart)(pdf_t *p, const report_question_t *q, double y);
} pdf_kind_t;

static const pdf_kind_t pdf_kinds[] = {
    [SLIDE_OPEN] = {.cards = cards_open},          [SLIDE_QA] = {.cards = cards_qa},
    [SLIDE_CLOUD] = {.chart = chart_cloud},        [SLIDE_SCALE] = {.chart = chart_scale},
    [SLIDE_CHOICE] = {.chart = chart_choice_rank}, [SLIDE_RANK] = {.chart = chart_choice_rank},
};

static const pdf_kind_t *pdf_kind(const slide_t *s)
{
	static const pdf_kind_t none;
	size_t k = (size_t)s->kind;
	return k < sizeof pdf_kinds / sizeof *pdf_kinds ? &pdf_kinds[k] : &none;
}

/*
 * Question number k (0-based) on r->slides[slide]: its answers on cards and
 * its themes (open and Q&A), or a chart. Sets *pages to the pages it takes
 * and draws them only when p->drawing. Counting reads only open and Q&A
 * questions: every other kind takes one page.
 */
static int question(pdf_t *p, size_t slide, size_t k, int *pages)
{
	const pdf_kind_t *kind = pdf_kind(&p->r->slides[slide]);
	bool cards_kind = kind->cards != NULL;
	*pages = 1;
	if (!p->drawing && !cards_kind)
		return 0;
	report_question_t q;
	p->r->until_id = p->drawing && cards_kind ? p->until[k] : INT64_MAX;
	int rc = report_job_load(p->j, slide, &q);
	p->r->until_id = INT64_MAX;
	if (rc != 0)
		return rc;
	if (!p->drawing) {
		p->until[k] = 0;
		for (size_t i = 0; i < q.n_answers; i++)
			if (q.answers[i].id > p->until[k])
				p->until[k] = q.answers[i].id;
	}
	if (cards_kind) {
		card_t *cards = xcalloc(q.n_answers + 1, sizeof *cards);
		size_t n = kind->cards(p, &q, cards);
		*pages = 0;
		if (n)
			*pages += cards_section(p, &q, cards, n);
		if (q.themes.n_groups)
			*pages += themes_section(p, &q);
		if (*pages == 0) {
			*pages = 1;
			if (p->drawing) {
				double y = q_heading(p, &q, 1, 1, true);
				text(p, W("no_answers"), MARGIN, y, 12, false, -1, MUTED);
			}
		}
		free(cards);
	} else {
		double y = q_heading(p, &q, 1, 1, true) + 6;
		if (q.total.answers == 0)
			text(p, W("no_answers"), MARGIN, y, 12, false, -1, MUTED);
		else if (kind->chart)
			kind->chart(p, &q, y);
	}
	report_question_clear(&q);
	return 0;
}

static bool any_content(const report_t *r)
{
	for (size_t i = 0; i < r->n_slides; i++)
		if (!slide_is_question(&r->slides[i]))
			return true;
	return false;
}

static bool has_summary(const report_t *r) { return r->summary_md && *r->summary_md; }

/* The pages of the document, without drawing any: what draw_document will
 * take. Ticks the progress for the first half of the job. */
static int count_pages(pdf_t *p, int *total)
{
	const report_t *r = p->r;
	int n = 1 + has_summary(r); /* the cover, the summary */
	if (any_content(r)) {
		n++; /* the divider */
		for (size_t i = 0; i < r->n_slides; i++)
			n += !slide_is_question(&r->slides[i]);
	}
	if (r->n_questions)
		n++; /* the divider */
	p->drawing = false;
	size_t k = 0;
	for (size_t i = 0; i < r->n_slides; i++) {
		if (!slide_is_question(&r->slides[i]))
			continue;
		int pages, rc = question(p, i, k++, &pages);
		if (rc != 0)
			return rc;
		n += pages;
		report_tick(p->j, k);
	}
	*total = n;
	return 0;
}

/* Draws the document on p's surface with "N of total" in every footer;
 * *drawn is the number of pages it took. */
static int draw_document(pdf_t *p, int total, int *drawn)
{
	const report_t *r = p->r;
	p->drawing = true;
	p->page = 0;
	p->pages = total;
	p->section = NULL;
	int rc = 0;
	cover(p);
	summary(p);
	if (any_content(r)) {
		divider(p, W("presentation"));
		for (size_t i = 0; i < r->n_slides; i++)
			if (!slide_is_question(&r->slides[i]))
				content_slide(p, &r->slides[i]);
	}
	if (r->n_questions) {
		divider(p, W("results"));
		size_t k = 0;
		for (size_t i = 0; i < r->n_slides && rc == 0; i++) {
			if (!slide_is_question(&r->slides[i]))
				continue;
			int pages;
			rc = question(p, i, k++, &pages);
			report_tick(p->j, r->n_questions + k);
		}
	}
	end_page(p);
	*drawn = p->page;
	return rc;
}

/* A new PDF at the job's path, with a context and a layout to draw with. */
static int surface_open(pdf_t *p)
{
	report_job_t *j = p->j;
	p->surf = cairo_pdf_surface_create(j->path, PAGE_W, PAGE_H);
	if (cairo_surface_status(p->surf) != CAIRO_STATUS_SUCCESS) {
		snprintf(j->err, j->errlen, "cannot write %s: %s", j->path,
			 cairo_status_to_string(cairo_surface_status(p->surf)));
		cairo_surface_destroy(p->surf);
		return REPORT_EWRITE;
	}
	cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_TITLE, p->r->title);
	cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_SUBJECT, W("report_title"));
	cairo_pdf_surface_set_metadata(p->surf, CAIRO_PDF_METADATA_CREATOR, "inspraak");
	p->cr = cairo_create(p->surf);
	p->lay = pango_cairo_create_layout(p->cr);
	return 0;
}

/* Writes the PDF out and frees the surface; returns rc, or REPORT_EWRITE
 * when rc was 0 and the file could not be written. */
static int surface_close(pdf_t *p, int rc)
{
	g_object_unref(p->lay);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surf);
	cairo_status_t st = cairo_surface_status(p->surf);
	cairo_surface_destroy(p->surf);
	if (rc == 0 && st != CAIRO_STATUS_SUCCESS) {
		snprintf(p->j->err, p->j->errlen, "cannot write %s: %s", p->j->path,
			 cairo_status_to_string(st));
		rc = REPORT_EWRITE;
	}
	return rc;
}

int report_render_pdf(report_job_t *j)
{
	pdf_t p = {.j = j, .r = j->r};
	p.until = xcalloc(j->r->n_questions + 1, sizeof *p.until);
	j->ticks = 2 * j->r->n_questions; /* counting, then drawing */
	int rc = surface_open(&p), total = 0, drawn = 0;
	if (rc == 0) {
		/* counted with the fonts of the surface the first drawing uses */
		rc = count_pages(&p, &total);
		if (rc == 0)
			rc = draw_document(&p, total, &drawn);
		rc = surface_close(&p, rc);
	}
	/* Only a moderator's change between the passes can make them differ;
	 * the answers a pass reads are the same, so once is nearly always
	 * enough. */
	for (int again = 0; rc == 0 && drawn != total && again < 2; again++) {
		total = drawn;
		rc = surface_open(&p);
		if (rc == 0)
			rc = surface_close(&p, draw_document(&p, total, &drawn));
	}
	free(p.until);
	return rc;
}
