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
#include "report/pdf_internal.h"

void pdf__color(cairo_t *cr, rgb_t c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/*
 * The structure of the tagged PDF (issue 16): headings, paragraphs, lists,
 * tables and figures, with cairo's tags around what is drawn. Only the
 * drawn document gets them (the counting pass draws nothing). Headers,
 * footers and bars are outside every tag.
 */
void pdf__tag(pdf_t *p, const char *name)
{
	if (p->drawing)
		cairo_tag_begin(p->cr, name, NULL);
}

void pdf__untag(pdf_t *p, const char *name)
{
	if (p->drawing)
		cairo_tag_end(p->cr, name);
}

/* A Figure with its alternative text (a copy is kept). */
void pdf__figure(pdf_t *p, const char *alt)
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
double pdf__set(pdf_t *p, const char *text, bool markup, double size, bool bold, double width)
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
double pdf__set_height(pdf_t *p)
{
	int w, h;
	pango_layout_get_size(p->lay, &w, &h);
	return (double)h / PANGO_SCALE;
}

double pdf__set_width(pdf_t *p)
{
	int w, h;
	pango_layout_get_size(p->lay, &w, &h);
	return (double)w / PANGO_SCALE;
}

void pdf__show(pdf_t *p, double x, double y, rgb_t c)
{
	pdf__color(p->cr, c);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->lay);
}

/* Draws text and returns its height. */
double pdf__text(pdf_t *p, const char *s, double x, double y, double size, bool bold, double width,
                 rgb_t c)
{
	double h = pdf__set(p, s, false, size, bold, width);
	pdf__show(p, x, y, c);
	return h;
}

static void end_page(pdf_t *p)
{
	if (!p->open)
		return;
	char num[64];
	snprintf(num, sizeof num, "%d %s %d", p->page, W("of"), p->pages);
	pdf__set(p, num, false, 9, false, -1);
	pdf__show(p, PAGE_W - MARGIN - pdf__set_width(p), PAGE_H - 30, MUTED);
	pdf__text(p, W("report_title"), MARGIN, PAGE_H - 30, 9, false, -1, MUTED);
	cairo_show_page(p->cr);
	p->open = false;
}

/* Starts a page with the event's title and the section in the header. */
void pdf__new_page(pdf_t *p, bool header)
{
	end_page(p);
	p->page++;
	p->open = true;
	if (!header)
		return;
	pdf__color(p->cr, BRAND);
	cairo_rectangle(p->cr, 0, 0, PAGE_W, 6);
	cairo_fill(p->cr);
	pdf__text(p, p->r->title, MARGIN, 20, 10, true, PAGE_W / 2, BRAND);
	if (p->section) {
		pdf__set(p, p->section, false, 10, false, -1);
		pdf__show(p, PAGE_W - MARGIN - pdf__set_width(p), 20, MUTED);
	}
	pdf__color(p->cr, RULE);
	cairo_rectangle(p->cr, MARGIN, 40, PAGE_W - 2 * MARGIN, 0.8);
	cairo_fill(p->cr);
}

const char *pdf__jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

void pdf__text_right(pdf_t *p, const char *s, double right, double y, double size, bool bold,
                     rgb_t c)
{
	pdf__set(p, s, false, size, bold, -1);
	pdf__show(p, right - pdf__set_width(p), y, c);
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
		n += slide_is_question(&r->slides[i]) && pdf__is_cards_kind(&r->slides[i]);
	return n;
}

/* The lines of the contents: a line per part, and one per question under
 * the overview and under the appendix. */
static size_t toc_lines(const pdf_t *p)
{
	const report_t *r = p->r;
	size_t cards = n_cards_questions(r), topics = json_array_size(pdf__site_topics(p));
	return has_summary(r) + (r->n_questions ? 1 + r->n_questions : 0) +
	       (topics ? 1 + topics : 0) + any_content(r) + (cards ? 1 + cards : 0);
}

/* One line of the contents, a link to its page: the label, dots, the page. */
static void toc_line(pdf_t *p, size_t *line, const char *label, int page, int level)
{
	if (*line % TOC_LINES == 0) {
		pdf__new_page(p, true);
		/* the heading, then the list; on a second page only a repeat */
		if (*line == 0)
			pdf__tag(p, "H1");
		pdf__text(p, W("contents"), MARGIN, 52, 22, true, -1, BRAND);
		if (*line == 0) {
			pdf__untag(p, "H1");
			pdf__tag(p, "TOC");
		}
	}
	double y = TOP + 24 + (double)(*line % TOC_LINES) * TOC_ROW;
	double x = MARGIN + 24 * level, right = PAGE_W - MARGIN;
	char num[16], dest[32];
	snprintf(num, sizeof num, "%d", page);
	snprintf(dest, sizeof dest, "page=%d", page);
	pdf__tag(p, "TOCI");
	cairo_tag_begin(p->cr, CAIRO_TAG_LINK, dest);
	pdf__set(p, num, false, 11, level == 0, -1);
	double nw = pdf__set_width(p);
	pdf__set(p, label, false, 11, level == 0, right - nw - 40 - x);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
	pango_layout_set_height(p->lay, 0);
	PangoRectangle ink, logical;
	pango_layout_get_extents(p->lay, &ink, &logical);
	double lw = (double)logical.width / PANGO_SCALE;
	pdf__show(p, x, y, level == 0 ? BRAND : INK);
	pango_layout_set_height(p->lay, -1);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
	double baseline = y + (double)pango_layout_get_baseline(p->lay) / PANGO_SCALE;
	/* the number after the label, so that it is read after it */
	pdf__set(p, num, false, 11, level == 0, -1);
	pdf__show(p, right - nw, y, INK);
	cairo_tag_end(p->cr, CAIRO_TAG_LINK);
	pdf__untag(p, "TOCI");
	/* the leader: dots from the label to the page number */
	cairo_save(p->cr);
	pdf__color(p->cr, RULE);
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
		json_array_foreach (pdf__site_topics(p), t, e) {
			snprintf(label, sizeof label, "\u2068%s\u2069", pdf__jstr(e, "title"));
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
			if (pdf__is_cards_kind(&r->slides[i])) {
				snprintf(label, sizeof label, "%s %zu: \u2068%s\u2069",
				         W("question"), k + 1, r->slides[i].title);
				toc_line(p, &line, label, p->q_appendix[k], 1);
			}
			k++;
		}
	}
	if (line)
		pdf__untag(p, "TOC");
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
	size_t topics = json_array_size(pdf__site_topics(p));
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
		if (pdf__is_cards_kind(&r->slides[i])) {
			int pages, rc = pdf__appendix_question(p, i, k, &pages);
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
	pdf__tag(p, "Document"); /* one root element holds the structure */
	pdf__cover(p);
	toc(p);
	outline(p, CAIRO_PDF_OUTLINE_ROOT, W("contents"), 2);
	if (p->at_summary)
		outline(p, CAIRO_PDF_OUTLINE_ROOT, W("summary"), p->at_summary);
	pdf__summary(p);
	if (nq) {
		p->section = W("overview");
		int top = outline(p, CAIRO_PDF_OUTLINE_ROOT, W("overview"), p->at_overview);
		size_t k = 0;
		for (size_t i = 0; i < r->n_slides && rc == 0; i++) {
			if (!slide_is_question(&r->slides[i]))
				continue;
			outline(p, top, r->slides[i].title, p->q_overview[k]);
			rc = pdf__overview_page(p, i, k++);
			report_tick(p->j, nq + k);
		}
	}
	if (rc == 0 && p->at_website) {
		int top = outline(p, CAIRO_PDF_OUTLINE_ROOT, W("website"), p->at_website);
		size_t t;
		json_t *e;
		json_array_foreach (pdf__site_topics(p), t, e) {
			outline(p, top, pdf__jstr(e, "title"), p->at_website + (int)t);
			pdf__website_page(p, e);
		}
	}
	if (rc == 0 && p->at_presentation) {
		outline(p, CAIRO_PDF_OUTLINE_ROOT, W("presentation"), p->at_presentation);
		pdf__divider(p, W("presentation"));
		for (size_t i = 0; i < r->n_slides; i++)
			if (!slide_is_question(&r->slides[i]))
				pdf__content_slide(p, &r->slides[i]);
	}
	if (rc == 0 && p->at_appendix) {
		int top = outline(p, CAIRO_PDF_OUTLINE_ROOT, W("appendix"), p->at_appendix);
		pdf__divider(p, W("appendix"));
		size_t k = 0;
		for (size_t i = 0; i < r->n_slides && rc == 0; i++) {
			if (!slide_is_question(&r->slides[i]))
				continue;
			if (pdf__is_cards_kind(&r->slides[i])) {
				outline(p, top, r->slides[i].title, p->q_appendix[k]);
				int pages;
				rc = pdf__appendix_question(p, i, k, &pages);
			}
			report_tick(p->j, 2 * nq + ++k);
		}
	}
	pdf__untag(p, "Document");
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
