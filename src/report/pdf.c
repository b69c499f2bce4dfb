/*
 * report/pdf: the document a facilitator sends out, drawn with cairo and
 * laid out with pango. A4 landscape like the slides it reports on. A
 * council reads it in ten minutes (issue 16), so the overview comes first:
 * the cover, the contents with page numbers, the summary (when the event
 * has one), one overview page per question (its key figures per session
 * and channel, its chart or its themes with counts), the presentation's
 * content slides, and last, as an appendix, every answer of the open and
 * Q&A questions with their themes.
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

static const rgb_t REACTION = {0.54, 0.29, 0.03}; /* the municipality's word */
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
	bool no_counts;             /* the overview's heading: its table has the counts */
	/* Where the parts start (1-based pages, 0: not in the document), found
	 * while counting and printed in the contents: */
	int toc_pages, at_summary, at_overview, at_website, at_presentation, at_appendix;
	int *q_overview, *q_appendix; /* per question */
	/* The event's website (report_website; NULL when it has none), read
	 * once for both passes, and each question's counts per session, kept
	 * from its overview page for the website's counts per channel. */
	json_t *site;
	report_counts_t *qc;
	/* The alternative text of each Figure tag, in the order drawn, for
	 * pdf_tags.c to put in the structure tree; owned. */
	char **alts;
	size_t n_alts;
} pdf_t;

/* The report's word for key (report.c) in the report's language; needs p. */
#define W(key) report_word(p->r->lang, key)

static void color(cairo_t *cr, rgb_t c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/*
 * The structure of the tagged PDF (issue 16): headings, paragraphs, lists,
 * tables and figures, with cairo's tags around what is drawn. Only the
 * drawn document gets them (the counting pass draws nothing). Headers,
 * footers and bars are outside every tag.
 */
static void tag(pdf_t *p, const char *name)
{
	if (p->drawing)
		cairo_tag_begin(p->cr, name, NULL);
}

static void untag(pdf_t *p, const char *name)
{
	if (p->drawing)
		cairo_tag_end(p->cr, name);
}

/* A Figure with its alternative text (a copy is kept). */
static void figure(pdf_t *p, const char *alt)
{
	if (!p->drawing)
		return;
	p->alts = xrealloc(p->alts, (p->n_alts + 1) * sizeof *p->alts);
	p->alts[p->n_alts++] = xstrdup(alt ? alt : "");
	cairo_tag_begin(p->cr, "Figure", NULL);
}

static void alts_clear(pdf_t *p)
{
	for (size_t i = 0; i < p->n_alts; i++)
		free(p->alts[i]);
	free(p->alts);
	p->alts = NULL;
	p->n_alts = 0;
}

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

/* The height of what the layout holds now, in points. */
static double set_height(pdf_t *p)
{
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

/* One block of a slide's body (a paragraph, a list, a heading) as pango
 * markup: emphasis, bullets, numbers; all text escaped; images left out
 * (content_slide draws them where they stand). */
static char *block_markup(cmark_node *block)
{
	buf_t b = BUF_INIT;
	cmark_iter *it = cmark_iter_new(block);
	cmark_event_type ev;
	int skip_depth = 0;
	/* the next number of each open list, 0 for a bulleted one */
	enum { MAX_LISTS = 16 };
	int numbers[MAX_LISTS], lists = 0;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		bool enter = ev == CMARK_EVENT_ENTER;
		if (t == CMARK_NODE_IMAGE) {
			/* an image's text is its alternative text, not a paragraph:
			 * it goes with the image (a Figure's /Alt), never on the page */
			skip_depth += enter ? 1 : -1;
			continue;
		}
		if (skip_depth)
			continue;
		switch (t) {
		case CMARK_NODE_HEADING: buf_puts(&b, enter ? "<b>" : "</b>\n\n"); break;
		case CMARK_NODE_PARAGRAPH:
			if (!enter) {
				cmark_node *item = cmark_node_parent(n);
				bool tight = item && cmark_node_get_type(item) == CMARK_NODE_ITEM &&
				             cmark_node_get_list_tight(cmark_node_parent(item));
				buf_puts(&b, tight ? "\n" : "\n\n");
			}
			break;
		case CMARK_NODE_ITEM:
			/* a numbered list keeps its numbers: "1." is not "•" */
			if (enter && lists > 0 && numbers[lists - 1] > 0)
				buf_printf(&b, "%d.  ", numbers[lists - 1]++);
			else if (enter)
				buf_puts(&b, "•  ");
			break;
		case CMARK_NODE_LIST:
			if (enter && lists < MAX_LISTS) {
				bool ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
				int start = cmark_node_get_list_start(n);
				numbers[lists++] = ordered ? (start > 0 ? start : 1) : 0;
			} else if (!enter) {
				if (lists > 0)
					lists--;
				buf_puts(&b, "\n");
			}
			break;
		case CMARK_NODE_EMPH: buf_puts(&b, enter ? "<i>" : "</i>"); break;
		case CMARK_NODE_STRONG: buf_puts(&b, enter ? "<b>" : "</b>"); break;
		case CMARK_NODE_CODE:
			buf_puts(&b, "<tt>");
			put_esc(&b, cmark_node_get_literal(n));
			buf_puts(&b, "</tt>");
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE_BLOCK: put_esc(&b, cmark_node_get_literal(n)); break;
		case CMARK_NODE_SOFTBREAK: buf_puts(&b, " "); break;
		case CMARK_NODE_LINEBREAK: buf_puts(&b, "\n"); break;
		default: break;
		}
	}
	cmark_iter_free(it);
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
	tag(p, "P");
	text(p, p->r->title, MARGIN + 30, PAGE_H / 2 - 60, 18, false, PAGE_W - 2 * MARGIN,
	     (rgb_t){0.8, 0.9, 0.95});
	untag(p, "P");
	tag(p, "H1");
	text(p, name, MARGIN + 30, PAGE_H / 2 - 30, 40, true, PAGE_W - 2 * MARGIN,
	     (rgb_t){1, 1, 1});
	untag(p, "H1");
}

static void cover(pdf_t *p)
{
	report_t *r = p->r;
	new_page(p, false);
	color(p->cr, BRAND);
	cairo_rectangle(p->cr, 0, 0, 28, PAGE_H);
	cairo_fill(p->cr);
	double x = 90, w = PAGE_W - x - MARGIN, y = 150;
	tag(p, "P");
	y += text(p, W("report_title"), x, y, 18, false, w, MUTED) + 10;
	untag(p, "P");
	tag(p, "H1");
	y += text(p, r->title, x, y, 40, true, w, BRAND) + 12;
	untag(p, "H1");
	tag(p, "P");
	if (*r->subtitle)
		y += text(p, r->subtitle, x, y, 20, false, w, INK) + 24;
	untag(p, "P");
	buf_t d = BUF_INIT;
	for (size_t i = 0; i < r->n_dates; i++) {
		char s[64];
		report_date_long(r->dates[i], r->lang, s, sizeof s);
		buf_printf(&d, "%s%s", i ? "  ·  " : "", s);
	}
	tag(p, "P");
	if (d.len)
		text(p, d.data, x, y, 14, false, w, MUTED);
	untag(p, "P");
	buf_clear(&d);
	char when[32];
	report_time_text(r->generated_at, when, sizeof when);
	buf_printf(&d, "%s %.10s", W("made"), when);
	tag(p, "P");
	text(p, W("accessible_pdf"), x, PAGE_H - 86, 9, false, w, MUTED);
	untag(p, "P");
	tag(p, "P");
	text(p, d.data, x, PAGE_H - 70, 9, false, w, MUTED);
	untag(p, "P");
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
	tag(p, "H1");
	y += text(p, W("summary"), MARGIN, y, 22, true, PAGE_W - 2 * MARGIN, BRAND) + 14;
	untag(p, "H1");
	tag(p, "P");
	text(p, p->r->summary_md, MARGIN, y, 12, false, PAGE_W - 2 * MARGIN, INK);
	untag(p, "P");
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
	if (store_media_get(p->r->store, p->r->event_id, url + pl, type, sizeof type, &data,
	                    &len) != STORE_OK)
		return NULL;
	cairo_surface_t *img;
	int w, h;
	switch (report_image_load(data, len, type, &img, &w, &h)) {
	case REPORT_IMAGE_OK: return img;
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

enum { MAX_IMAGES = 4 };

/* The alternative text of an image node: the text inside it. */
static char *image_alt(cmark_node *img)
{
	buf_t b = BUF_INIT;
	buf_puts(&b, "");
	cmark_iter *it = cmark_iter_new(img);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE))
			buf_puts(&b, cmark_node_get_literal(n));
	}
	cmark_iter_free(it);
	return buf_steal(&b);
}

static size_t count_images(cmark_node *block)
{
	size_t n = 0;
	cmark_iter *it = cmark_iter_new(block);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		n += ev == CMARK_EVENT_ENTER &&
		     cmark_node_get_type(cmark_iter_get_node(it)) == CMARK_NODE_IMAGE;
	cmark_iter_free(it);
	return n;
}

/* Draws the images of one block of a slide (up to four) side by side in
 * the box, each scaled to fit and tagged as a Figure with its alternative
 * text; below them a line for each image that cannot be drawn. */
static void image_row(pdf_t *p, cmark_node *block, double x, double y, double w, double h)
{
	cairo_surface_t *imgs[MAX_IMAGES];
	char *alts[MAX_IMAGES];
	char notes[MAX_IMAGES][160];
	size_t n = 0, n_notes = 0;
	cmark_iter *it = cmark_iter_new(block);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE && n + n_notes < MAX_IMAGES) {
		cmark_node *node = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_IMAGE) {
			cairo_surface_t *img = load_image(p, cmark_node_get_url(node),
			                                  notes[n_notes], sizeof notes[n_notes]);
			if (img) {
				alts[n] = image_alt(node);
				imgs[n++] = img;
			} else if (notes[n_notes][0])
				n_notes++;
		}
	}
	cmark_iter_free(it);
	for (size_t i = n_notes; i-- > 0;) {
		double nh = set(p, notes[i], false, 10, false, w);
		if (nh > h)
			break;
		h -= nh + 4;
		tag(p, "P");
		show(p, x, y + h + 4, MUTED);
		untag(p, "P");
	}
	if (!n || h < 40)
		goto done;
	double gap = 16, cell = (w - gap * (double)(n - 1)) / (double)n;
	for (size_t i = 0; i < n; i++) {
		double iw = cairo_image_surface_get_width(imgs[i]);
		double ih = cairo_image_surface_get_height(imgs[i]);
		double k = fmin(cell / iw, h / ih);
		figure(p, alts[i]);
		cairo_save(p->cr);
		cairo_translate(p->cr, x + (double)i * (cell + gap) + (cell - iw * k) / 2, y);
		cairo_scale(p->cr, k, k);
		cairo_set_source_surface(p->cr, imgs[i], 0, 0);
		cairo_paint(p->cr);
		cairo_restore(p->cr);
		untag(p, "Figure");
	}
done:
	for (size_t i = 0; i < n; i++) {
		cairo_surface_destroy(imgs[i]);
		free(alts[i]);
	}
}

/* A content slide: its title, then its blocks in order, each image in its
 * place; the rows of images share the room the text leaves. */
static void content_slide(pdf_t *p, const slide_t *s)
{
	new_page(p, true);
	double x = MARGIN + 20, w = PAGE_W - 2 * x, y = TOP + 30, bottom = PAGE_H - BOTTOM - 10;
	if (*s->title) {
		tag(p, "H2");
		y += text(p, s->title, x, y, 28, true, w, BRAND) + 22;
		untag(p, "H2");
	}
	cmark_node *doc = cmark_parse_document(s->body_md, strlen(s->body_md), CMARK_OPT_DEFAULT);
	cmark_node *start = cmark_node_first_child(doc);
	/* the first heading is the slide's title, drawn above */
	if (start && cmark_node_get_type(start) == CMARK_NODE_HEADING)
		start = cmark_node_next(start);
	double text_h = 0;
	int rows = 0;
	for (cmark_node *n = start; n; n = cmark_node_next(n)) {
		char *m = block_markup(n);
		if (m && *m)
			text_h += set(p, m, true, 16, false, w) + 12;
		free(m);
		rows += count_images(n) > 0;
	}
	double row_h = rows ? fmin(320, (bottom - y - text_h) / rows - 8) : 0;
	for (cmark_node *n = start; n; n = cmark_node_next(n)) {
		char *m = block_markup(n);
		if (m && *m) {
			const char *t = cmark_node_get_type(n) == CMARK_NODE_HEADING ? "H3" : "P";
			tag(p, t);
			double h = set(p, m, true, 16, false, w);
			show(p, x, y, INK);
			untag(p, t);
			y += h + 12;
		}
		free(m);
		if (count_images(n)) {
			image_row(p, n, x, y, w, row_h);
			y += row_h + 8;
		}
	}
	cmark_node_free(doc);
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
	/* The title is isolated (FSI ... PDI): in a title that mixes Dutch
	 * and Arabic the digits of "(1/3)" would otherwise join the Arabic
	 * run and move to its side instead of staying at the end. */
	if (parts > 1)
		buf_printf(&b, "\u2068%s\u2069 (%d/%d)", s->title, part, parts);
	else
		buf_puts(&b, s->title);
	if (draw)
		new_page(p, true);
	double y = 52;
	y += set(p, b.data, false, 17, true, PAGE_W - 2 * MARGIN) + 4;
	if (draw) {
		/* the heading once; on the pages that continue it, a paragraph */
		const char *t = part == 1 ? "H2" : "P";
		tag(p, t);
		show(p, MARGIN, 52, BRAND);
		untag(p, t);
	}
	/* counts per session and combined, on every page of the question */
	buf_clear(&b);
	if (p->no_counts) {
		buf_free(&b);
		return y + 8;
	}
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
	if (draw) {
		tag(p, "P");
		show(p, MARGIN, y, MUTED);
		untag(p, "P");
	}
	y += h + 12;
	buf_free(&b);
	return y;
}

/* Small on purpose: a question of 100,000 answers has as many cards. */
typedef struct card {
	const char *text;
	double h;      /* measured height */
	int64_t votes; /* Q&A: votes, shown below with the answered mark */
	bool qa, answered;
	bool wide; /* spans all columns */
} card_t;

/* A Q&A card's foot: its votes and whether it was answered. */
static void card_foot(const pdf_t *p, const card_t *c, char *out, size_t len)
{
	snprintf(out, len, "▲ %lld %s%s%s", (long long)c->votes,
	         report_count_word(c->votes, W("vote"), W("votes")), c->answered ? "   ✓ " : "",
	         c->answered ? W("answered") : "");
}

/* Up to this many cards in a question, each answer is a P of its own in
 * the structure tree; above it the cards of one page share one P. cairo
 * keeps the whole tree until the document is finished, about 240 bytes an
 * element: 400,000 answers on cards took 96 MB (issue 16). */
enum { CARD_TAGS_MAX = 5000 };

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
	if (c->qa)
		h += 14;
	c->h = h + 2 * PAD;
	return c->h;
}

/* Cards of one row share its height, so the grid reads as a grid. */
static void draw_card(pdf_t *p, const card_t *c, double x, double y, double row_h, bool own_tag)
{
	double w = card_width(c->wide);
	color(p->cr, CARD);
	cairo_rectangle(p->cr, x, y, w, row_h);
	cairo_fill(p->cr);
	color(p->cr, BRAND);
	cairo_rectangle(p->cr, x, y, 3, row_h);
	cairo_fill(p->cr);
	if (own_tag)
		tag(p, "P");
	double h = text(p, c->text, x + PAD, y + PAD, CARD_SIZE, false, w - 2 * PAD, INK);
	if (c->qa) {
		char foot[128];
		card_foot(p, c, foot, sizeof foot);
		text(p, foot, x + PAD, y + PAD + h + 2, 8.5, true, w - 2 * PAD, BRAND);
	}
	if (own_tag)
		untag(p, "P");
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
	bool own_tags = n <= CARD_TAGS_MAX, page_tag = false;
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
			if (page_tag)
				untag(p, "P");
			page_tag = false;
			if (draw)
				q_heading(p, q, page, parts, true);
			y = top0;
		}
		if (draw && !own_tags && !page_tag) {
			tag(p, "P");
			page_tag = true;
		}
		if (draw)
			for (size_t c = 0; c < row_n; c++)
				draw_card(p, &cards[i + c],
				          MARGIN + (double)c * (card_width(false) + GAP), y, row_h,
				          own_tags);
		y += row_h + GAP;
		i += row_n;
	}
	if (page_tag)
		untag(p, "P");
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
			char m[32];
			report_decimal(p->r->lang, mean, 2, m, sizeof m);
			snprintf(note[i], sizeof note[i], "%zu.  %s %s", i + 1, W("mean"), m);
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

/*
 * A scale question: per statement the distribution of the ratings as a
 * stacked bar, light to dark, each part labelled with its count when it
 * fits (so nothing rests on colour alone), the mean marked on it, and
 * beside it the mean, the share that agrees and the number of ratings;
 * below it the distribution in words.
 */
static void chart_scale(pdf_t *p, const report_question_t *q, double y)
{
	const slide_t *s = &p->r->slides[q->slide];
	const char *lang = p->r->lang;
	json_t *st = json_object_get(q->combined, "statements");
	size_t n = json_array_size(st);
	double label_w = 230, ax = MARGIN + label_w + 20, aw = PAGE_W - ax - MARGIN - 170;
	double row = fmin(64, (PAGE_H - BOTTOM - y - 20) / (double)(n ? n : 1));
	bool words = row >= 40; /* room for the distribution in words */
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
		double ry = y + (double)i * row, bar_h = fmin(20, row * 0.4);
		set(p, jstr(e, "text"), false, row < 30 ? 9 : 11, false, label_w);
		pango_layout_set_height(p->lay, (int)((row - 4) * PANGO_SCALE));
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		show(p, MARGIN, ry + 2, INK);
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		json_t *counts = json_object_get(e, "counts");
		size_t nc = json_array_size(counts);
		double total = (double)json_integer_value(json_object_get(e, "count")), x = ax;
		double agree = 0;
		buf_t dist = BUF_INIT;
		buf_printf(&dist, "%s:", W("distribution"));
		for (size_t k = 0; total > 0 && k < nc; k++) {
			double c = (double)json_integer_value(json_array_get(counts, k));
			double f = c / total, t = (double)(k + 1) / (double)nc;
			/* agreeing: a rating above the middle of the scale */
			if ((double)(k + 1) > ((double)nc + 1) / 2)
				agree += c;
			cairo_set_source_rgb(p->cr, 0.9 - 0.85 * t * 0.95, 0.95 - 0.64 * t,
			                     0.97 - 0.55 * t);
			cairo_rectangle(p->cr, x, ry + 2, aw * f, bar_h);
			cairo_fill(p->cr);
			char num[32];
			snprintf(num, sizeof num, "%.0f", c);
			double th = set(p, num, false, 8, true, -1);
			if (c > 0 && set_width(p) + 4 < aw * f)
				show(p, x + (aw * f - set_width(p)) / 2, ry + 2 + (bar_h - th) / 2,
				     t > 0.5 ? (rgb_t){1, 1, 1} : INK);
			buf_printf(&dist, "  %zu: %.0f", k + 1, c);
			x += aw * f;
		}
		double mean = json_number_value(json_object_get(e, "mean"));
		if (total > 0 && s->scale_max > 1) {
			double mx = ax + aw * (mean - 1) / (s->scale_max - 1);
			cairo_set_source_rgb(p->cr, 0.85, 0.35, 0.1);
			cairo_rectangle(p->cr, mx - 1.5, ry, 3, bar_h + 4);
			cairo_fill(p->cr);
		}
		if (words && total > 0)
			text(p, dist.data, ax, ry + bar_h + 5, 8, false, aw, MUTED);
		buf_free(&dist);
		char m[32], note[128];
		report_decimal(lang, mean, 1, m, sizeof m);
		snprintf(note, sizeof note, "%s %s\n%.0f%% %s (n=%.0f)", W("mean"), m,
		         total > 0 ? 100 * agree / total : 0, W("agree"), total);
		text(p, note, ax + aw + 10, ry, 9.5, true, 160, INK);
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
/* The list of a cloud's words with their counts takes this much of the
 * page, at its right. */
static const double CLOUD_LIST_W = 200;

static void chart_cloud(pdf_t *p, const report_question_t *q, double y)
{
	double width = PAGE_W - 2 * MARGIN - CLOUD_LIST_W - 2 * GAP;
	json_t *words = json_object_get(q->combined, "words");
	size_t n = json_array_size(words);
	if (n > 150)
		n = 150;
	double top = (double)json_integer_value(json_object_get(json_array_get(words, 0), "count"));
	rect_t area = {MARGIN, y, width, PAGE_H - BOTTOM - y};
	double cx = area.x + area.w / 2, cy = area.y + area.h / 2;
	rect_t *placed = xcalloc(n + 1, sizeof *placed);
	size_t np = 0;
	static const rgb_t shades[] = {{0.043, 0.31, 0.424},
	                               {0.16, 0.5, 0.55},
	                               {0.55, 0.3, 0.5},
	                               {0.75, 0.4, 0.1},
	                               {0.3, 0.4, 0.2}};
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
			r = (rect_t){cx + rad * cos(t) * 1.6 - w / 2, cy + rad * sin(t) - h / 2, w,
			             h};
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
	tag(p, "H3");
	set(p, count, false, 12, true, -1);
	double cw = set_width(p);
	set(p, t->label, false, 12, true, tm->col_w - cw - 8);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
	show(p, x, y, other ? MUTED : BRAND);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
	set(p, count, false, 12, true, -1);
	show(p, x + tm->col_w - cw, y, other ? MUTED : BRAND);
	untag(p, "H3");
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
		tag(p, "P");
		show(p, x, y, INK);
		untag(p, "P");
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		free(m);
		y += tm->line;
	}
	if (t->n > shown) {
		char more[64];
		snprintf(more, sizeof more, "+ %zu %s", t->n - shown, W("more"));
		tag(p, "P");
		text(p, more, x, y, 8.5, false, tm->col_w, MUTED);
		untag(p, "P");
	}
}

/* Theme blocks in columns, each block into the shortest column (the
 * leftmost on a tie); a block that fits no column starts a page. Returns
 * the pages used; draws only when draw is true. */
static int flow_themes(pdf_t *p, const report_question_t *q, const void *arg, bool draw, int parts)
{
	const theme_metrics_t *tm = arg;
	double bottom = PAGE_H - BOTTOM, top = heading_room(p, q, parts);
	int page = 1;
	if (draw)
		q_heading(p, q, 1, parts, true);
	double note_h = set(p, W("themes_note"), false, 9, false, PAGE_W - 2 * MARGIN);
	if (draw) {
		tag(p, "P");
		show(p, MARGIN, top, MUTED);
		untag(p, "P");
	}
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
	const report_qa_list_t *l = &q->qa[q->n_sessions];
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++) {
		card_t *c = &cards[n++];
		c->text = q->answers[l->v[i].answer].text;
		c->qa = true;
		c->votes = l->v[i].votes;
		c->answered = l->v[i].answered;
	}
	return n;
}

/*
 * How each kind is drawn. Open and Q&A questions have cards (answers that
 * may run over pages in the appendix, so the first pass counts pages and
 * fixes the answers it saw) and an overview of their own (themes, the
 * most supported questions); the other kinds have a chart on their
 * overview page, a Figure whose alternative text alt writes, and maybe a
 * list beside it (the counts of a word cloud).
 */
typedef struct pdf_kind {
	size_t (*cards)(const pdf_t *p, const report_question_t *q, card_t *cards);
	void (*overview)(pdf_t *p, const report_question_t *q, double y, double bottom);
	void (*chart)(pdf_t *p, const report_question_t *q, double y);
	void (*alt)(const pdf_t *p, const report_question_t *q, buf_t *b);
	void (*beside)(pdf_t *p, const report_question_t *q, double y, double bottom);
} pdf_kind_t;

static const pdf_kind_t *pdf_kind(const slide_t *s);

/* Open and Q&A questions: their answers are cards, in the appendix. */
static bool is_cards_kind(const slide_t *s)
{
	return pdf_kind(s)->cards != NULL;
}

/* Loads question number k on r->slides[slide]. While drawing, an open or
 * Q&A question reads no answer after the last one the count read. */
static int load_question(pdf_t *p, size_t slide, size_t k, report_question_t *q)
{
	bool fixed = p->drawing && is_cards_kind(&p->r->slides[slide]);
	p->r->until_id = fixed ? p->until[k] : INT64_MAX;
	int rc = report_job_load(p->j, slide, q);
	p->r->until_id = INT64_MAX;
	return rc;
}

/*
 * The appendix of question number k (0-based), an open or Q&A question on
 * r->slides[slide]: its answers on cards, then its themes. Sets *pages to
 * the pages it takes and draws them only when p->drawing.
 */
static int appendix_question(pdf_t *p, size_t slide, size_t k, int *pages)
{
	const pdf_kind_t *kind = pdf_kind(&p->r->slides[slide]);
	report_question_t q;
	*pages = 1;
	int rc = load_question(p, slide, k, &q);
	if (rc != 0)
		return rc;
	if (!p->drawing) {
		p->until[k] = 0;
		for (size_t i = 0; i < q.n_answers; i++)
			if (q.answers[i].id > p->until[k])
				p->until[k] = q.answers[i].id;
	}
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
			tag(p, "P");
			text(p, W("no_answers"), MARGIN, y, 12, false, -1, MUTED);
			untag(p, "P");
		}
	}
	free(cards);
	report_question_clear(&q);
	return 0;
}

/* ---- the overview: one page per question ---- */

static void text_right(pdf_t *p, const char *s, double right, double y, double size, bool bold,
                       rgb_t c)
{
	set(p, s, false, size, bold, -1);
	show(p, right - set_width(p), y, c);
}

/* The key figures of a question as a table: per session its date, its
 * channel (a meeting or online), participants and answers; then the total.
 * Returns the y below it. */
static double key_figures(pdf_t *p, const report_question_t *q, double y)
{
	enum { MAX_ROWS = 8 };
	const double c_date = MARGIN + 190, c_channel = MARGIN + 330, r_part = MARGIN + 540,
	             r_ans = MARGIN + 640, size = 9.5, row = 15;
	tag(p, "Table");
	tag(p, "TR");
	const char *heads[] = {W("session"), W("date"), W("channel")};
	const double at[] = {MARGIN, c_date, c_channel};
	for (int i = 0; i < 3; i++) {
		tag(p, "TH");
		text(p, heads[i], at[i], y, size, true, -1, MUTED);
		untag(p, "TH");
	}
	tag(p, "TH");
	text_right(p, W("participants"), r_part, y, size, true, MUTED);
	untag(p, "TH");
	tag(p, "TH");
	text_right(p, W("answers"), r_ans, y, size, true, MUTED);
	untag(p, "TH");
	untag(p, "TR");
	y += row;
	color(p->cr, RULE);
	cairo_rectangle(p->cr, MARGIN, y - 2, r_ans - MARGIN, 0.8);
	cairo_fill(p->cr);
	size_t shown = q->n_sessions <= MAX_ROWS ? q->n_sessions : MAX_ROWS - 1;
	char a[64], b[64];
	for (size_t i = 0; i < shown; i++) {
		const report_session_t *rs = &p->r->sessions[i];
		if (rs->online)
			snprintf(a, sizeof a, "%s", W("online"));
		else
			snprintf(a, sizeof a, "%s %d", W("session"), rs->number);
		tag(p, "TR");
		tag(p, "TH"); /* the session names its row */
		text(p, a, MARGIN, y, size, false, c_date - MARGIN - 8, INK);
		untag(p, "TH");
		report_date_long(rs->date, p->r->lang, b, sizeof b);
		tag(p, "TD");
		text(p, b, c_date, y, size, false, -1, INK);
		untag(p, "TD");
		tag(p, "TD");
		text(p, rs->online ? W("channel_online") : W("meeting"), c_channel, y, size, false,
		     -1, INK);
		untag(p, "TD");
		snprintf(a, sizeof a, "%zu", q->per_session[i].participants);
		tag(p, "TD");
		text_right(p, a, r_part, y, size, false, INK);
		untag(p, "TD");
		snprintf(a, sizeof a, "%zu", q->per_session[i].answers);
		tag(p, "TD");
		text_right(p, a, r_ans, y, size, false, INK);
		untag(p, "TD");
		untag(p, "TR");
		y += row;
	}
	if (shown < q->n_sessions) {
		snprintf(a, sizeof a, "+ %zu %s", q->n_sessions - shown, W("sessions"));
		tag(p, "TR");
		tag(p, "TD");
		text(p, a, MARGIN, y, size, false, -1, MUTED);
		untag(p, "TD");
		untag(p, "TR");
		y += row;
	}
	if (q->n_sessions != 1) {
		tag(p, "TR");
		tag(p, "TH");
		text(p, W("combined"), MARGIN, y, size, true, -1, INK);
		untag(p, "TH");
		snprintf(a, sizeof a, "%zu", q->total.participants);
		tag(p, "TD");
		text_right(p, a, r_part, y, size, true, INK);
		untag(p, "TD");
		snprintf(a, sizeof a, "%zu", q->total.answers);
		tag(p, "TD");
		text_right(p, a, r_ans, y, size, true, INK);
		untag(p, "TD");
		untag(p, "TR");
		y += row;
	}
	untag(p, "Table");
	if (q->total.hidden) {
		snprintf(a, sizeof a, "%zu %s", q->total.hidden, W("hidden"));
		tag(p, "P");
		text(p, a, MARGIN, y, size, false, -1, MUTED);
		untag(p, "P");
		y += row;
	}
	return y + 12;
}

/* An open question's themes with their counts, in two columns. */
static void overview_themes(pdf_t *p, const report_question_t *q, double y, double bottom)
{
	const themes_t *t = &q->themes;
	tag(p, "P");
	y += text(p, W("themes_note"), MARGIN, y, 9, false, PAGE_W - 2 * MARGIN, MUTED) + 8;
	untag(p, "P");
	const double row = 25, col_w = (PAGE_W - 2 * MARGIN - 3 * GAP) / 2;
	size_t rows = (size_t)fmax(1, (bottom - y) / row), max_n = 1;
	for (size_t g = 0; g < t->n_groups; g++)
		if (t->groups[g].n > max_n)
			max_n = t->groups[g].n;
	tag(p, "L");
	for (size_t g = 0; g < t->n_groups && g < 2 * rows; g++) {
		tag(p, "LI");
		const themes_group_t *th = &t->groups[g];
		bool other = th->stem == NULL;
		double x = MARGIN + (double)(g / rows) * (col_w + 3 * GAP);
		double ry = y + (double)(g % rows) * row;
		char count[32];
		snprintf(count, sizeof count, "%zu", th->n);
		set(p, count, false, 10.5, true, -1);
		double cw = set_width(p);
		set(p, th->label, false, 10.5, true, col_w - cw - 8);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(p->lay, 0);
		show(p, x, ry, other ? MUTED : INK);
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		/* the count after the label, in the order it is read */
		set(p, count, false, 10.5, true, -1);
		show(p, x + col_w - cw, ry, other ? MUTED : BRAND);
		untag(p, "LI");
		color(p->cr, CARD);
		cairo_rectangle(p->cr, x, ry + 16, col_w, 4);
		cairo_fill(p->cr);
		color(p->cr, other ? RULE : BRAND);
		cairo_rectangle(p->cr, x, ry + 16, col_w * (double)th->n / (double)max_n, 4);
		cairo_fill(p->cr);
	}
	untag(p, "L");
}

static int by_votes(const void *a, const void *b)
{
	int64_t va = (*(const report_qa_t *const *)a)->votes;
	int64_t vb = (*(const report_qa_t *const *)b)->votes;
	return va < vb ? 1 : va > vb ? -1 : 0;
}

/* A Q&A question's most supported questions, with their votes. */
static void overview_qa(pdf_t *p, const report_question_t *q, double y, double bottom)
{
	const report_qa_list_t *l = &q->qa[q->n_sessions];
	size_t n = l->n;
	const report_qa_t **v = xcalloc(n + 1, sizeof *v);
	for (size_t i = 0; i < n; i++)
		v[i] = &l->v[i];
	qsort(v, n, sizeof *v, by_votes);
	tag(p, "H3");
	y += text(p, W("top_questions"), MARGIN, y, 11, true, -1, BRAND) + 8;
	untag(p, "H3");
	const double row = 22, num_w = 170;
	tag(p, "L");
	for (size_t i = 0; i < n && y + row <= bottom; i++, y += row) {
		tag(p, "LI");
		long long votes = v[i]->votes;
		bool done = v[i]->answered;
		char note[96];
		snprintf(note, sizeof note, "▲ %lld %s%s%s", votes,
		         report_count_word(votes, W("vote"), W("votes")), done ? "  ✓ " : "",
		         done ? W("answered") : "");
		text_right(p, note, PAGE_W - MARGIN, y, 10, true, BRAND);
		set(p, q->answers[v[i]->answer].text, false, 10.5, false,
		    PAGE_W - 2 * MARGIN - num_w);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(p->lay, 0);
		show(p, MARGIN, y, INK);
		untag(p, "LI");
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
	}
	untag(p, "L");
	free(v);
}

/* The words of a cloud with their counts, beside the cloud. */
static void cloud_counts(pdf_t *p, const report_question_t *q, double y, double bottom)
{
	double x = PAGE_W - MARGIN - CLOUD_LIST_W, w = CLOUD_LIST_W;
	json_t *words = json_object_get(q->combined, "words");
	tag(p, "P");
	y += text(p, W("count"), x, y, 9.5, true, -1, MUTED) + 4;
	untag(p, "P");
	tag(p, "L");
	for (size_t i = 0; i < json_array_size(words) && y + 15 <= bottom; i++, y += 15) {
		tag(p, "LI");
		json_t *e = json_array_get(words, i);
		char c[32];
		snprintf(c, sizeof c, "%lld",
		         (long long)json_integer_value(json_object_get(e, "count")));
		set(p, jstr(e, "text"), false, 10, false, w - 40);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(p->lay, 0);
		show(p, x, y, INK);
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		text_right(p, c, x + w, y, 10, true, INK);
		untag(p, "LI");
	}
	untag(p, "L");
}

/* The alternative text of a chart: what it shows, in words. */
static void alt_cloud(const pdf_t *p, const report_question_t *q, buf_t *b)
{
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(q->combined, "words"), i, e) {
		if (i == 30)
			break;
		buf_printf(b, "%s%s (%lld)", i ? ", " : "", jstr(e, "text"),
		           (long long)json_integer_value(json_object_get(e, "count")));
	}
}

static void alt_scale(const pdf_t *p, const report_question_t *q, buf_t *b)
{
	size_t i;
	json_t *e;
	char m[32];
	json_array_foreach (json_object_get(q->combined, "statements"), i, e) {
		report_decimal(p->r->lang, json_number_value(json_object_get(e, "mean")), 1, m,
		               sizeof m);
		buf_printf(b, "%s%s: %s %s", i ? "; " : "", jstr(e, "text"), W("mean"), m);
	}
}

static void alt_rank(const pdf_t *p, const report_question_t *q, buf_t *b)
{
	size_t i;
	json_t *e;
	char m[32];
	json_array_foreach (json_object_get(q->combined, "options"), i, e) {
		report_decimal(p->r->lang, json_number_value(json_object_get(e, "mean")), 2, m,
		               sizeof m);
		buf_printf(b, "%s%zu. %s (%s %s)", i ? "; " : "", i + 1, jstr(e, "label"),
		           W("mean"), m);
	}
}

static void alt_choice(const pdf_t *p, const report_question_t *q, buf_t *b)
{
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(q->combined, "options"), i, e)
		buf_printf(b, "%s%s: %lld (%lld%%)", i ? "; " : "", jstr(e, "label"),
		           (long long)json_integer_value(json_object_get(e, "count")),
		           (long long)json_integer_value(json_object_get(e, "percent")));
}

static const pdf_kind_t pdf_kinds[] = {
    [SLIDE_OPEN] = {.cards = cards_open, .overview = overview_themes},
    [SLIDE_QA] = {.cards = cards_qa, .overview = overview_qa},
    [SLIDE_CLOUD] = {.chart = chart_cloud, .alt = alt_cloud, .beside = cloud_counts},
    [SLIDE_SCALE] = {.chart = chart_scale, .alt = alt_scale},
    [SLIDE_CHOICE] = {.chart = chart_choice_rank, .alt = alt_choice},
    [SLIDE_RANK] = {.chart = chart_choice_rank, .alt = alt_rank},
};

static const pdf_kind_t *pdf_kind(const slide_t *s)
{
	static const pdf_kind_t none;
	size_t k = (size_t)s->kind;
	return k < sizeof pdf_kinds / sizeof *pdf_kinds ? &pdf_kinds[k] : &none;
}

/* The overview page of question number k on r->slides[slide]: title, key
 * figures, and the chart, the themes or the most supported questions. */
static int overview_page(pdf_t *p, size_t slide, size_t k)
{
	const slide_t *s = &p->r->slides[slide];
	report_question_t q;
	int rc = load_question(p, slide, k, &q);
	if (rc != 0)
		return rc;
	memcpy(&p->qc[k * p->r->n_sessions], q.per_session, p->r->n_sessions * sizeof *p->qc);
	const char *saved = p->heading_prefix;
	char prefix[64];
	snprintf(prefix, sizeof prefix, "%s %d", W("question"), q.number);
	p->heading_prefix = prefix;
	p->no_counts = true;
	double y = q_heading(p, &q, 1, 1, true);
	p->no_counts = false;
	p->heading_prefix = saved;
	y = key_figures(p, &q, y);
	double bottom = PAGE_H - BOTTOM - 8;
	if (is_cards_kind(s) && p->q_appendix[k]) {
		char line[160];
		snprintf(line, sizeof line, "%s %d.", W("in_appendix"), p->q_appendix[k]);
		tag(p, "P");
		text(p, line, MARGIN, bottom - 12, 9, false, -1, MUTED);
		untag(p, "P");
		bottom -= 20;
	}
	const pdf_kind_t *kind = pdf_kind(s);
	if (q.total.answers == 0) {
		tag(p, "P");
		text(p, W("no_answers"), MARGIN, y, 12, false, -1, MUTED);
		untag(p, "P");
	} else if (kind->overview) {
		kind->overview(p, &q, y, bottom);
	} else if (kind->chart) {
		buf_t alt = BUF_INIT;
		buf_puts(&alt, "");
		if (kind->alt)
			kind->alt(p, &q, &alt);
		figure(p, alt.data);
		buf_free(&alt);
		kind->chart(p, &q, y);
		untag(p, "Figure");
		if (kind->beside)
			kind->beside(p, &q, y, bottom);
	}
	report_question_clear(&q);
	return 0;
}

/* ---- the website: one page per topic (issue 14) ---- */

static json_t *site_topics(const pdf_t *p)
{
	return json_object_get(p->site, "topics");
}

/* A topic's counts per channel as a table; returns the y below it. */
static double channel_table(pdf_t *p, const json_t *t, double y)
{
	const report_t *r = p->r;
	json_int_t qn = json_integer_value(json_object_get(t, "question"));
	bool known = qn >= 1 && (size_t)qn <= r->n_questions;
	report_channel_t *ch = xcalloc(r->n_sessions + 1, sizeof *ch);
	size_t n = report_topic_channels(
	    r, t, known ? &p->qc[(size_t)(qn - 1) * r->n_sessions] : NULL, ch);
	const double cols[] = {MARGIN + 360, MARGIN + 520, MARGIN + 620, MARGIN + 720};
	const double size = 9.5, row = 15;
	const char *heads[] = {W("ch_participants"), W("ch_items"), W("ch_supports"),
	                       W("ch_replies")};
	tag(p, "Table");
	tag(p, "TR");
	tag(p, "TH");
	text(p, W("ch_channel"), MARGIN, y, size, true, -1, MUTED);
	untag(p, "TH");
	for (int i = 0; i < 4; i++) {
		tag(p, "TH");
		text_right(p, heads[i], cols[i], y, size, true, MUTED);
		untag(p, "TH");
	}
	untag(p, "TR");
	y += row;
	color(p->cr, RULE);
	cairo_rectangle(p->cr, MARGIN, y - 2, cols[3] - MARGIN, 0.8);
	cairo_fill(p->cr);
	for (size_t i = 0; i < n && y + row < PAGE_H - BOTTOM - 120; i++, y += row) {
		long long v[] = {ch[i].participants, ch[i].items, ch[i].supports, ch[i].replies};
		tag(p, "TR");
		tag(p, "TH"); /* the channel names its row */
		text(p, ch[i].label, MARGIN, y, size, false, cols[0] - MARGIN - 90, INK);
		untag(p, "TH");
		for (int c = 0; c < 4; c++) {
			char a[32] = "–"; /* not of this channel */
			if (v[c] >= 0)
				snprintf(a, sizeof a, "%lld", v[c]);
			tag(p, "TD");
			text_right(p, a, cols[c], y, size, false, INK);
			untag(p, "TD");
		}
		untag(p, "TR");
	}
	untag(p, "Table");
	free(ch);
	return y + 12;
}

/* Draws s in a paragraph at y if it fits above bottom; returns its height,
 * or -1 (drawing nothing) when it does not fit. */
static double para_if_fits(pdf_t *p, const char *s, double x, double y, double size, bool bold,
                           rgb_t c, double bottom)
{
	double h = set(p, s, false, size, bold, PAGE_W - MARGIN - x);
	if (y + h > bottom)
		return -1;
	tag(p, "P");
	show(p, x, y, c);
	untag(p, "P");
	return h;
}

/* The municipality's reaction, marked as such: a label and the text in a
 * BlockQuote, with a bar beside it. Returns the y below it, or -1 when it
 * does not fit. */
static double reaction(pdf_t *p, const json_t *e, double x, double y, double bottom)
{
	const char *s = jstr(e, "text");
	double h = set(p, s, false, 10, false, PAGE_W - MARGIN - x - 12);
	if (y + 16 + h > bottom)
		return -1;
	tag(p, "BlockQuote");
	color(p->cr, REACTION);
	cairo_rectangle(p->cr, x, y, 3, 16 + h);
	cairo_fill(p->cr);
	tag(p, "P");
	text(p, W("reaction"), x + 10, y, 9.5, true, -1, REACTION);
	untag(p, "P");
	tag(p, "P");
	text(p, s, x + 10, y + 15, 10, false, PAGE_W - MARGIN - x - 12, INK);
	untag(p, "P");
	untag(p, "BlockQuote");
	return y + 16 + h + 8;
}

/* A topic of the website on a page of its own: its title, its counts per
 * channel, the municipality's reactions and then its contributions with
 * their supports, replies and reactions as far as the page goes; the rest
 * is in the HTML version, which says everything. */
static void website_page(pdf_t *p, const json_t *t)
{
	p->section = W("website");
	new_page(p, true);
	double y = 52, bottom = PAGE_H - BOTTOM - 20;
	tag(p, "H2");
	y += text(p, jstr(t, "title"), MARGIN, y, 17, true, PAGE_W - 2 * MARGIN, BRAND) + 6;
	untag(p, "H2");
	if (*jstr(t, "body")) { /* at most four lines: the page is for the residents */
		set(p, jstr(t, "body"), false, 10.5, false, PAGE_W - 2 * MARGIN);
		pango_layout_set_height(p->lay, -4);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		tag(p, "P");
		show(p, MARGIN, y, INK);
		untag(p, "P");
		y += set_height(p) + 6;
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
	}
	if (json_is_integer(json_object_get(t, "question"))) {
		char line[128];
		snprintf(line, sizeof line, "%s %lld.", W("website_question"),
		         (long long)json_integer_value(json_object_get(t, "question")));
		tag(p, "P");
		y += text(p, line, MARGIN, y, 9.5, false, -1, MUTED) + 8;
		untag(p, "P");
	}
	y = channel_table(p, t, y);
	bool cut = false;
	size_t i, k;
	json_t *e, *x;
	json_array_foreach (json_object_get(t, "reactions"), i, e) {
		if (!json_is_true(json_object_get(e, "visible")))
			continue;
		double ny = reaction(p, e, MARGIN, y, bottom);
		if (ny < 0) {
			cut = true;
			break;
		}
		y = ny;
	}
	bool list = false;
	json_array_foreach (json_object_get(t, "posts"), i, e) {
		if (cut)
			break;
		if (!json_is_true(json_object_get(e, "visible")))
			continue;
		const char *s = jstr(e, "text");
		double h = set(p, s, false, 10.5, false, PAGE_W - 2 * MARGIN - 20);
		if (y + h + 14 > bottom) { /* its supports' line too */
			cut = true;
			break;
		}
		if (!list)
			tag(p, "L");
		list = true;
		tag(p, "LI");
		color(p->cr, BRAND);
		cairo_rectangle(p->cr, MARGIN, y + 4, 4, 4);
		cairo_fill(p->cr);
		tag(p, "P");
		show(p, MARGIN + 14, y, INK);
		untag(p, "P");
		y += h + 2;
		long long sup = json_integer_value(json_object_get(e, "supports"));
		if (sup > 0) {
			char note[64];
			snprintf(note, sizeof note, "%s: %lld", W("ch_supports"), sup);
			tag(p, "P");
			y += text(p, note, MARGIN + 14, y, 8.5, true, -1, BRAND) + 2;
			untag(p, "P");
		}
		json_array_foreach (json_object_get(e, "reactions"), k, x) {
			if (!json_is_true(json_object_get(x, "visible")))
				continue;
			double ny = reaction(p, x, MARGIN + 14, y, bottom);
			if (ny < 0) {
				cut = true;
				break;
			}
			y = ny;
		}
		json_array_foreach (json_object_get(e, "replies"), k, x) {
			if (cut || !json_is_true(json_object_get(x, "visible")))
				continue;
			double rh = para_if_fits(p, jstr(x, "text"), MARGIN + 34, y, 9.5, false,
			                         MUTED, bottom);
			if (rh < 0) {
				cut = true;
				break;
			}
			y += rh + 2;
		}
		untag(p, "LI");
		y += 6;
	}
	if (list)
		untag(p, "L");
	if (cut) {
		tag(p, "P");
		text(p, W("ch_more"), MARGIN, PAGE_H - BOTTOM - 14, 9, false, -1, MUTED);
		untag(p, "P");
	}
}

/* ---- contents ---- */

enum { TOC_LINES = 22 };
static const double TOC_ROW = 19;

static bool any_content(const report_t *r)
{
	for (size_t i = 0; i < r->n_slides; i++)
		if (!slide_is_question(&r->slides[i]))
			return true;
	return false;
}

static bool has_summary(const report_t *r)
{
	return r->summary_md && *r->summary_md;
}

static size_t n_cards_questions(const report_t *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_slides; i++)
		n += slide_is_question(&r->slides[i]) && is_cards_kind(&r->slides[i]);
	return n;
}

/* The lines of the contents: a line per part, and one per question under
 * the overview and under the appendix. */
static size_t toc_lines(const pdf_t *p)
{
	const report_t *r = p->r;
	size_t cards = n_cards_questions(r), topics = json_array_size(site_topics(p));
	return has_summary(r) + (r->n_questions ? 1 + r->n_questions : 0) +
	       (topics ? 1 + topics : 0) + any_content(r) + (cards ? 1 + cards : 0);
}

/* One line of the contents, a link to its page: the label, dots, the page. */
static void toc_line(pdf_t *p, size_t *line, const char *label, int page, int level)
{
	if (*line % TOC_LINES == 0) {
		new_page(p, true);
		/* the heading, then the list; on a second page only a repeat */
		if (*line == 0)
			tag(p, "H1");
		text(p, W("contents"), MARGIN, 52, 22, true, -1, BRAND);
		if (*line == 0) {
			untag(p, "H1");
			tag(p, "TOC");
		}
	}
	double y = TOP + 24 + (double)(*line % TOC_LINES) * TOC_ROW;
	double x = MARGIN + 24 * level, right = PAGE_W - MARGIN;
	char num[16], dest[32];
	snprintf(num, sizeof num, "%d", page);
	snprintf(dest, sizeof dest, "page=%d", page);
	tag(p, "TOCI");
	cairo_tag_begin(p->cr, CAIRO_TAG_LINK, dest);
	set(p, num, false, 11, level == 0, -1);
	double nw = set_width(p);
	set(p, label, false, 11, level == 0, right - nw - 40 - x);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
	pango_layout_set_height(p->lay, 0);
	PangoRectangle ink, logical;
	pango_layout_get_extents(p->lay, &ink, &logical);
	double lw = (double)logical.width / PANGO_SCALE;
	show(p, x, y, level == 0 ? BRAND : INK);
	pango_layout_set_height(p->lay, -1);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
	double baseline = y + (double)pango_layout_get_baseline(p->lay) / PANGO_SCALE;
	/* the number after the label, so that it is read after it */
	set(p, num, false, 11, level == 0, -1);
	show(p, right - nw, y, INK);
	cairo_tag_end(p->cr, CAIRO_TAG_LINK);
	untag(p, "TOCI");
	/* the leader: dots from the label to the page number */
	cairo_save(p->cr);
	color(p->cr, RULE);
	double dash[] = {0.8, 3.2};
	cairo_set_dash(p->cr, dash, 2, 0);
	cairo_set_line_width(p->cr, 0.8);
	cairo_move_to(p->cr, x + lw + 6, baseline);
	cairo_line_to(p->cr, right - nw - 6, baseline);
	cairo_stroke(p->cr);
	cairo_restore(p->cr);
	(*line)++;
}

static void toc(pdf_t *p)
{
	const report_t *r = p->r;
	p->section = W("contents");
	size_t line = 0, k = 0;
	char label[512];
	if (p->at_summary)
		toc_line(p, &line, W("summary"), p->at_summary, 0);
	if (r->n_questions) {
		toc_line(p, &line, W("overview"), p->at_overview, 0);
		for (size_t i = 0; i < r->n_slides; i++)
			if (slide_is_question(&r->slides[i])) {
				snprintf(label, sizeof label, "%s %zu: \u2068%s\u2069",
				         W("question"), k + 1, r->slides[i].title);
				toc_line(p, &line, label, p->q_overview[k++], 1);
			}
	}
	if (p->at_website) {
		toc_line(p, &line, W("website"), p->at_website, 0);
		size_t t;
		json_t *e;
		json_array_foreach (site_topics(p), t, e) {
			snprintf(label, sizeof label, "\u2068%s\u2069", jstr(e, "title"));
			toc_line(p, &line, label, p->at_website + (int)t, 1);
		}
	}
	if (p->at_presentation)
		toc_line(p, &line, W("presentation"), p->at_presentation, 0);
	if (p->at_appendix) {
		toc_line(p, &line, W("appendix"), p->at_appendix, 0);
		k = 0;
		for (size_t i = 0; i < r->n_slides; i++) {
			if (!slide_is_question(&r->slides[i]))
				continue;
			if (is_cards_kind(&r->slides[i])) {
				snprintf(label, sizeof label, "%s %zu: \u2068%s\u2069",
				         W("question"), k + 1, r->slides[i].title);
				toc_line(p, &line, label, p->q_appendix[k], 1);
			}
			k++;
		}
	}
	if (line)
		untag(p, "TOC");
}

/* A bookmark in the viewer's outline; returns its id. */
static int outline(pdf_t *p, int parent, const char *name, int page)
{
	char dest[32];
	snprintf(dest, sizeof dest, "page=%d", page);
	return cairo_pdf_surface_add_outline(p->surf, parent, name, dest, 0);
}

/* The pages of the document, without drawing any: what draw_document will
 * take, and where each part starts. Ticks the progress for the first
 * third of the job. */
static int count_pages(pdf_t *p, int *total)
{
	const report_t *r = p->r;
	int n = 1; /* the cover */
	p->toc_pages = (int)((toc_lines(p) + TOC_LINES - 1) / TOC_LINES);
	n += p->toc_pages;
	p->at_summary = has_summary(r) ? ++n : 0;
	p->at_overview = r->n_questions ? n + 1 : 0;
	for (size_t k = 0; k < r->n_questions; k++)
		p->q_overview[k] = ++n; /* one page each */
	size_t topics = json_array_size(site_topics(p));
	p->at_website = topics ? n + 1 : 0; /* one page per topic */
	n += (int)topics;
	p->at_presentation = 0;
	if (any_content(r)) {
		p->at_presentation = ++n; /* the divider */
		for (size_t i = 0; i < r->n_slides; i++)
			n += !slide_is_question(&r->slides[i]);
	}
	p->at_appendix = n_cards_questions(r) ? ++n : 0;
	p->drawing = false;
	size_t k = 0;
	for (size_t i = 0; i < r->n_slides; i++) {
		if (!slide_is_question(&r->slides[i]))
			continue;
		p->q_appendix[k] = 0;
		if (is_cards_kind(&r->slides[i])) {
			int pages, rc = appendix_question(p, i, k, &pages);
			if (rc != 0)
				return rc;
			p->q_appendix[k] = n + 1;
			n += pages;
		}
		report_tick(p->j, ++k);
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
	alts_clear(p); /* of a drawing that is being done again */
	int rc = 0;
	size_t nq = r->n_questions;
	tag(p, "Document"); /* one root element holds the structure */
	cover(p);
	toc(p);
	outline(p, CAIRO_PDF_OUTLINE_ROOT, W("contents"), 2);
	if (p->at_summary)
		outline(p, CAIRO_PDF_OUTLINE_ROOT, W("summary"), p->at_summary);
	summary(p);
	if (nq) {
		p->section = W("overview");
		int top = outline(p, CAIRO_PDF_OUTLINE_ROOT, W("overview"), p->at_overview);
		size_t k = 0;
		for (size_t i = 0; i < r->n_slides && rc == 0; i++) {
			if (!slide_is_question(&r->slides[i]))
				continue;
			outline(p, top, r->slides[i].title, p->q_overview[k]);
			rc = overview_page(p, i, k++);
			report_tick(p->j, nq + k);
		}
	}
	if (rc == 0 && p->at_website) {
		int top = outline(p, CAIRO_PDF_OUTLINE_ROOT, W("website"), p->at_website);
		size_t t;
		json_t *e;
		json_array_foreach (site_topics(p), t, e) {
			outline(p, top, jstr(e, "title"), p->at_website + (int)t);
			website_page(p, e);
		}
	}
	if (rc == 0 && p->at_presentation) {
		outline(p, CAIRO_PDF_OUTLINE_ROOT, W("presentation"), p->at_presentation);
		divider(p, W("presentation"));
		for (size_t i = 0; i < r->n_slides; i++)
			if (!slide_is_question(&r->slides[i]))
				content_slide(p, &r->slides[i]);
	}
	if (rc == 0 && p->at_appendix) {
		int top = outline(p, CAIRO_PDF_OUTLINE_ROOT, W("appendix"), p->at_appendix);
		divider(p, W("appendix"));
		size_t k = 0;
		for (size_t i = 0; i < r->n_slides && rc == 0; i++) {
			if (!slide_is_question(&r->slides[i]))
				continue;
			if (is_cards_kind(&r->slides[i])) {
				outline(p, top, r->slides[i].title, p->q_appendix[k]);
				int pages;
				rc = appendix_question(p, i, k, &pages);
			}
			report_tick(p->j, 2 * nq + ++k);
		}
	}
	untag(p, "Document");
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
	p.q_overview = xcalloc(j->r->n_questions + 1, sizeof *p.q_overview);
	p.q_appendix = xcalloc(j->r->n_questions + 1, sizeof *p.q_appendix);
	p.qc = xcalloc(j->r->n_questions * j->r->n_sessions + 1, sizeof *p.qc);
	p.site = report_website(j->r);
	j->ticks = 3 * j->r->n_questions; /* counting, the overview, the appendix */
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
	/* what cairo cannot write: the language, the figures' texts, PDF/UA */
	if (rc == 0)
		rc = report__pdf_finish(j->path, j->r->lang, j->r->title, p.alts, p.n_alts, j->err,
		                        j->errlen);
	alts_clear(&p);
	free(p.until);
	free(p.q_overview);
	free(p.q_appendix);
	free(p.qc);
	json_decref(p.site);
	return rc;
}
