/*
 * report/pdf_slides: the PDF's cover, its summary and its content slides:
 * their Markdown turned into pango markup with every piece of text escaped,
 * their images in their place (see pdf.c for the document as a whole).
 */
#include "report/pdf_internal.h"

/* ---- slides: Markdown to pango markup ---- */

void pdf__put_esc(buf_t *b, const char *s)
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
			pdf__put_esc(&b, cmark_node_get_literal(n));
			buf_puts(&b, "</tt>");
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE_BLOCK: pdf__put_esc(&b, cmark_node_get_literal(n)); break;
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

void pdf__divider(pdf_t *p, const char *name)
{
	p->section = name;
	pdf__new_page(p, false);
	pdf__color(p->cr, BRAND);
	cairo_rectangle(p->cr, 0, 0, PAGE_W, PAGE_H);
	cairo_fill(p->cr);
	pdf__tag(p, "P");
	pdf__text(p, p->r->title, MARGIN + 30, PAGE_H / 2 - 60, 18, false, PAGE_W - 2 * MARGIN,
	          (rgb_t){0.8, 0.9, 0.95});
	pdf__untag(p, "P");
	pdf__tag(p, "H1");
	pdf__text(p, name, MARGIN + 30, PAGE_H / 2 - 30, 40, true, PAGE_W - 2 * MARGIN,
	          (rgb_t){1, 1, 1});
	pdf__untag(p, "H1");
}

void pdf__cover(pdf_t *p)
{
	report_t *r = p->r;
	pdf__new_page(p, false);
	pdf__color(p->cr, BRAND);
	cairo_rectangle(p->cr, 0, 0, 28, PAGE_H);
	cairo_fill(p->cr);
	double x = 90, w = PAGE_W - x - MARGIN, y = 150;
	pdf__tag(p, "P");
	y += pdf__text(p, W("report_title"), x, y, 18, false, w, MUTED) + 10;
	pdf__untag(p, "P");
	pdf__tag(p, "H1");
	y += pdf__text(p, r->title, x, y, 40, true, w, BRAND) + 12;
	pdf__untag(p, "H1");
	pdf__tag(p, "P");
	if (*r->subtitle)
		y += pdf__text(p, r->subtitle, x, y, 20, false, w, INK) + 24;
	pdf__untag(p, "P");
	buf_t d = BUF_INIT;
	for (size_t i = 0; i < r->n_dates; i++) {
		char s[64];
		report_date_long(r->dates[i], r->lang, s, sizeof s);
		buf_printf(&d, "%s%s", i ? "  ·  " : "", s);
	}
	pdf__tag(p, "P");
	if (d.len)
		pdf__text(p, d.data, x, y, 14, false, w, MUTED);
	pdf__untag(p, "P");
	buf_clear(&d);
	char when[32];
	report_time_text(r->generated_at, when, sizeof when);
	buf_printf(&d, "%s %.10s", W("made"), when);
	pdf__tag(p, "P");
	pdf__text(p, W("accessible_pdf"), x, PAGE_H - 86, 9, false, w, MUTED);
	pdf__untag(p, "P");
	pdf__tag(p, "P");
	pdf__text(p, d.data, x, PAGE_H - 70, 9, false, w, MUTED);
	pdf__untag(p, "P");
	buf_free(&d);
}

/* The facilitator's summary of the meeting (the event's summary), on a
 * page of its own after the cover; no page when there is none. */
void pdf__summary(pdf_t *p)
{
	if (!p->r->summary_md || !*p->r->summary_md)
		return;
	p->section = W("summary");
	pdf__new_page(p, true);
	double y = TOP;
	pdf__tag(p, "H1");
	y += pdf__text(p, W("summary"), MARGIN, y, 22, true, PAGE_W - 2 * MARGIN, BRAND) + 14;
	pdf__untag(p, "H1");
	pdf__tag(p, "P");
	pdf__text(p, p->r->summary_md, MARGIN, y, 12, false, PAGE_W - 2 * MARGIN, INK);
	pdf__untag(p, "P");
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
		double nh = pdf__set(p, notes[i], false, 10, false, w);
		if (nh > h)
			break;
		h -= nh + 4;
		pdf__tag(p, "P");
		pdf__show(p, x, y + h + 4, MUTED);
		pdf__untag(p, "P");
	}
	if (!n || h < 40)
		goto done;
	double gap = 16, cell = (w - gap * (double)(n - 1)) / (double)n;
	for (size_t i = 0; i < n; i++) {
		double iw = cairo_image_surface_get_width(imgs[i]);
		double ih = cairo_image_surface_get_height(imgs[i]);
		double k = fmin(cell / iw, h / ih);
		pdf__figure(p, alts[i]);
		cairo_save(p->cr);
		cairo_translate(p->cr, x + (double)i * (cell + gap) + (cell - iw * k) / 2, y);
		cairo_scale(p->cr, k, k);
		cairo_set_source_surface(p->cr, imgs[i], 0, 0);
		cairo_paint(p->cr);
		cairo_restore(p->cr);
		pdf__untag(p, "Figure");
	}
done:
	for (size_t i = 0; i < n; i++) {
		cairo_surface_destroy(imgs[i]);
		free(alts[i]);
	}
}

/* A content slide: its title, then its blocks in order, each image in its
 * place; the rows of images share the room the text leaves. */
void pdf__content_slide(pdf_t *p, const slide_t *s)
{
	pdf__new_page(p, true);
	double x = MARGIN + 20, w = PAGE_W - 2 * x, y = TOP + 30, bottom = PAGE_H - BOTTOM - 10;
	if (*s->title) {
		pdf__tag(p, "H2");
		y += pdf__text(p, s->title, x, y, 28, true, w, BRAND) + 22;
		pdf__untag(p, "H2");
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
			text_h += pdf__set(p, m, true, 16, false, w) + 12;
		free(m);
		rows += count_images(n) > 0;
	}
	double row_h = rows ? fmin(320, (bottom - y - text_h) / rows - 8) : 0;
	for (cmark_node *n = start; n; n = cmark_node_next(n)) {
		char *m = block_markup(n);
		if (m && *m) {
			const char *t = cmark_node_get_type(n) == CMARK_NODE_HEADING ? "H3" : "P";
			pdf__tag(p, t);
			double h = pdf__set(p, m, true, 16, false, w);
			pdf__show(p, x, y, INK);
			pdf__untag(p, t);
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
