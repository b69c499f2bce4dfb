/*
 * report/pdf_website: the process beyond the hall (issue 14), one page per
 * topic of the website: its counts per channel, the municipality's
 * reactions, and its contributions with their supports and replies as far
 * as the page goes (the HTML report has every one).
 */
#include "report/pdf_internal.h"

/* ---- the website: one page per topic (issue 14) ---- */

json_t *pdf__site_topics(const pdf_t *p)
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
	pdf__tag(p, "Table");
	pdf__tag(p, "TR");
	pdf__tag(p, "TH");
	pdf__text(p, W("ch_channel"), MARGIN, y, size, true, -1, MUTED);
	pdf__untag(p, "TH");
	for (int i = 0; i < 4; i++) {
		pdf__tag(p, "TH");
		pdf__text_right(p, heads[i], cols[i], y, size, true, MUTED);
		pdf__untag(p, "TH");
	}
	pdf__untag(p, "TR");
	y += row;
	pdf__color(p->cr, RULE);
	cairo_rectangle(p->cr, MARGIN, y - 2, cols[3] - MARGIN, 0.8);
	cairo_fill(p->cr);
	for (size_t i = 0; i < n && y + row < PAGE_H - BOTTOM - 120; i++, y += row) {
		long long v[] = {ch[i].participants, ch[i].items, ch[i].supports, ch[i].replies};
		pdf__tag(p, "TR");
		pdf__tag(p, "TH"); /* the channel names its row */
		pdf__text(p, ch[i].label, MARGIN, y, size, false, cols[0] - MARGIN - 90, INK);
		pdf__untag(p, "TH");
		for (int c = 0; c < 4; c++) {
			char a[32] = "–"; /* not of this channel */
			if (v[c] >= 0)
				snprintf(a, sizeof a, "%lld", v[c]);
			pdf__tag(p, "TD");
			pdf__text_right(p, a, cols[c], y, size, false, INK);
			pdf__untag(p, "TD");
		}
		pdf__untag(p, "TR");
	}
	pdf__untag(p, "Table");
	free(ch);
	return y + 12;
}

/* Draws s in a paragraph at y if it fits above bottom; returns its height,
 * or -1 (drawing nothing) when it does not fit. */
static double para_if_fits(pdf_t *p, const char *s, double x, double y, double size, bool bold,
                           rgb_t c, double bottom)
{
	double h = pdf__set(p, s, false, size, bold, PAGE_W - MARGIN - x);
	if (y + h > bottom)
		return -1;
	pdf__tag(p, "P");
	pdf__show(p, x, y, c);
	pdf__untag(p, "P");
	return h;
}

/* The municipality's reaction, marked as such: a label and the text in a
 * BlockQuote, with a bar beside it. Returns the y below it, or -1 when it
 * does not fit. */
static double reaction(pdf_t *p, const json_t *e, double x, double y, double bottom)
{
	const char *s = pdf__jstr(e, "text");
	double h = pdf__set(p, s, false, 10, false, PAGE_W - MARGIN - x - 12);
	if (y + 16 + h > bottom)
		return -1;
	pdf__tag(p, "BlockQuote");
	pdf__color(p->cr, REACTION);
	cairo_rectangle(p->cr, x, y, 3, 16 + h);
	cairo_fill(p->cr);
	pdf__tag(p, "P");
	pdf__text(p, W("reaction"), x + 10, y, 9.5, true, -1, REACTION);
	pdf__untag(p, "P");
	pdf__tag(p, "P");
	pdf__text(p, s, x + 10, y + 15, 10, false, PAGE_W - MARGIN - x - 12, INK);
	pdf__untag(p, "P");
	pdf__untag(p, "BlockQuote");
	return y + 16 + h + 8;
}

/* A topic of the website on a page of its own: its title, its counts per
 * channel, the municipality's reactions and then its contributions with
 * their supports, replies and reactions as far as the page goes; the rest
 * is in the HTML version, which says everything. */
void pdf__website_page(pdf_t *p, const json_t *t)
{
	p->section = W("website");
	pdf__new_page(p, true);
	double y = 52, bottom = PAGE_H - BOTTOM - 20;
	pdf__tag(p, "H2");
	y += pdf__text(p, pdf__jstr(t, "title"), MARGIN, y, 17, true, PAGE_W - 2 * MARGIN, BRAND) +
	     6;
	pdf__untag(p, "H2");
	if (*pdf__jstr(t, "body")) { /* at most four lines: the page is for the residents */
		pdf__set(p, pdf__jstr(t, "body"), false, 10.5, false, PAGE_W - 2 * MARGIN);
		pango_layout_set_height(p->lay, -4);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		pdf__tag(p, "P");
		pdf__show(p, MARGIN, y, INK);
		pdf__untag(p, "P");
		y += pdf__set_height(p) + 6;
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
	}
	if (json_is_integer(json_object_get(t, "question"))) {
		char line[128];
		snprintf(line, sizeof line, "%s %lld.", W("website_question"),
		         (long long)json_integer_value(json_object_get(t, "question")));
		pdf__tag(p, "P");
		y += pdf__text(p, line, MARGIN, y, 9.5, false, -1, MUTED) + 8;
		pdf__untag(p, "P");
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
		const char *s = pdf__jstr(e, "text");
		double h = pdf__set(p, s, false, 10.5, false, PAGE_W - 2 * MARGIN - 20);
		if (y + h + 14 > bottom) { /* its supports' line too */
			cut = true;
			break;
		}
		if (!list)
			pdf__tag(p, "L");
		list = true;
		pdf__tag(p, "LI");
		pdf__color(p->cr, BRAND);
		cairo_rectangle(p->cr, MARGIN, y + 4, 4, 4);
		cairo_fill(p->cr);
		pdf__tag(p, "P");
		pdf__show(p, MARGIN + 14, y, INK);
		pdf__untag(p, "P");
		y += h + 2;
		long long sup = json_integer_value(json_object_get(e, "supports"));
		if (sup > 0) {
			char note[64];
			snprintf(note, sizeof note, "%s: %lld", W("ch_supports"), sup);
			pdf__tag(p, "P");
			y += pdf__text(p, note, MARGIN + 14, y, 8.5, true, -1, BRAND) + 2;
			pdf__untag(p, "P");
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
			double rh = para_if_fits(p, pdf__jstr(x, "text"), MARGIN + 34, y, 9.5,
			                         false, MUTED, bottom);
			if (rh < 0) {
				cut = true;
				break;
			}
			y += rh + 2;
		}
		pdf__untag(p, "LI");
		y += 6;
	}
	if (list)
		pdf__untag(p, "L");
	if (cut) {
		pdf__tag(p, "P");
		pdf__text(p, W("ch_more"), MARGIN, PAGE_H - BOTTOM - 14, 9, false, -1, MUTED);
		pdf__untag(p, "P");
	}
}
