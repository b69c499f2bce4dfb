/*
 * report/pdf_appendix: a question's heading on each of its pages, and the
 * appendix: every answer of the open and Q&A questions on cards, then an
 * open question's themes. A question is laid out twice, once to count its
 * pages, once to draw them (see pdf.c).
 */
#include "report/pdf_internal.h"

/* ---- questions ---- */

/* Heading of a question page; part/parts give "(1/2)" when parts > 1.
 * Returns the y where the content starts. */
double pdf__q_heading(pdf_t *p, const report_question_t *q, int part, int parts, bool draw)
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
		pdf__new_page(p, true);
	double y = 52;
	y += pdf__set(p, b.data, false, 17, true, PAGE_W - 2 * MARGIN) + 4;
	if (draw) {
		/* the heading once; on the pages that continue it, a paragraph */
		const char *t = part == 1 ? "H2" : "P";
		pdf__tag(p, t);
		pdf__show(p, MARGIN, 52, BRAND);
		pdf__untag(p, t);
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
	double h = pdf__set(p, b.data, false, 9, false, PAGE_W - 2 * MARGIN);
	if (draw) {
		pdf__tag(p, "P");
		pdf__show(p, MARGIN, y, MUTED);
		pdf__untag(p, "P");
	}
	y += h + 12;
	buf_free(&b);
	return y;
}

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
	double h = pdf__set(p, c->text, false, CARD_SIZE, false, card_width(false) - 2 * PAD);
	if (h + 2 * PAD > avail * 0.6) {
		/* A long answer reads better across the page than as a tower. */
		c->wide = true;
		h = pdf__set(p, c->text, false, CARD_SIZE, false, card_width(true) - 2 * PAD);
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
	pdf__color(p->cr, CARD);
	cairo_rectangle(p->cr, x, y, w, row_h);
	cairo_fill(p->cr);
	pdf__color(p->cr, BRAND);
	cairo_rectangle(p->cr, x, y, 3, row_h);
	cairo_fill(p->cr);
	if (own_tag)
		pdf__tag(p, "P");
	double h = pdf__text(p, c->text, x + PAD, y + PAD, CARD_SIZE, false, w - 2 * PAD, INK);
	if (c->qa) {
		char foot[128];
		card_foot(p, c, foot, sizeof foot);
		pdf__text(p, foot, x + PAD, y + PAD + h + 2, 8.5, true, w - 2 * PAD, BRAND);
	}
	if (own_tag)
		pdf__untag(p, "P");
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
	return pdf__q_heading(p, q, w, w, false);
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
		pdf__q_heading(p, q, 1, parts, true);
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
				pdf__untag(p, "P");
			page_tag = false;
			if (draw)
				pdf__q_heading(p, q, page, parts, true);
			y = top0;
		}
		if (draw && !own_tags && !page_tag) {
			pdf__tag(p, "P");
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
		pdf__untag(p, "P");
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
		pdf__put_esc(&b, raw.data ? raw.data : "");
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
	pdf__tag(p, "H3");
	pdf__set(p, count, false, 12, true, -1);
	double cw = pdf__set_width(p);
	pdf__set(p, t->label, false, 12, true, tm->col_w - cw - 8);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
	pdf__show(p, x, y, other ? MUTED : BRAND);
	pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
	pdf__set(p, count, false, 12, true, -1);
	pdf__show(p, x + tm->col_w - cw, y, other ? MUTED : BRAND);
	pdf__untag(p, "H3");
	y += tm->label + 2;
	pdf__color(p->cr, CARD);
	cairo_rectangle(p->cr, x, y, tm->col_w, 4);
	cairo_fill(p->cr);
	pdf__color(p->cr, other ? RULE : BRAND);
	cairo_rectangle(p->cr, x, y, tm->col_w * (double)t->n / (double)tm->max_n, 4);
	cairo_fill(p->cr);
	y += 8;
	size_t shown = t->n < THEME_QUOTES ? t->n : THEME_QUOTES;
	for (size_t k = 0; k < shown; k++) {
		char *m = quote(q->answers[t->members[k].answer].text, &t->members[k]);
		pdf__set(p, m, true, 8.5, false, tm->col_w);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(p->lay, 0); /* one line */
		pdf__tag(p, "P");
		pdf__show(p, x, y, INK);
		pdf__untag(p, "P");
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		free(m);
		y += tm->line;
	}
	if (t->n > shown) {
		char more[64];
		snprintf(more, sizeof more, "+ %zu %s", t->n - shown, W("more"));
		pdf__tag(p, "P");
		pdf__text(p, more, x, y, 8.5, false, tm->col_w, MUTED);
		pdf__untag(p, "P");
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
		pdf__q_heading(p, q, 1, parts, true);
	double note_h = pdf__set(p, W("themes_note"), false, 9, false, PAGE_W - 2 * MARGIN);
	if (draw) {
		pdf__tag(p, "P");
		pdf__show(p, MARGIN, top, MUTED);
		pdf__untag(p, "P");
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
				pdf__q_heading(p, q, page, parts, true);
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
	tm.label = pdf__set(p, "Ag", false, 12, true, -1);
	tm.line = pdf__set(p, "Ag", false, 8.5, false, -1) + 1.5;
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
size_t pdf__cards_open(const pdf_t *p, const report_question_t *q, card_t *cards)
{
	size_t n = 0;
	for (size_t i = 0; i < q->n_answers; i++)
		if (!q->answers[i].hidden)
			cards[n++].text = q->answers[i].text;
	return n;
}

/* Q&A questions as cards, as the results order them, with votes and the
 * answered mark below. */
size_t pdf__cards_qa(const pdf_t *p, const report_question_t *q, card_t *cards)
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

/* Open and Q&A questions: their answers are cards, in the appendix. */
bool pdf__is_cards_kind(const slide_t *s)
{
	return pdf__kind(s)->cards != NULL;
}

/* Loads question number k on r->slides[slide]. While drawing, an open or
 * Q&A question reads no answer after the last one the count read. */
int pdf__load_question(pdf_t *p, size_t slide, size_t k, report_question_t *q)
{
	bool fixed = p->drawing && pdf__is_cards_kind(&p->r->slides[slide]);
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
int pdf__appendix_question(pdf_t *p, size_t slide, size_t k, int *pages)
{
	const pdf_kind_t *kind = pdf__kind(&p->r->slides[slide]);
	report_question_t q;
	*pages = 1;
	int rc = pdf__load_question(p, slide, k, &q);
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
			double y = pdf__q_heading(p, &q, 1, 1, true);
			pdf__tag(p, "P");
			pdf__text(p, W("no_answers"), MARGIN, y, 12, false, -1, MUTED);
			pdf__untag(p, "P");
		}
	}
	free(cards);
	report_question_clear(&q);
	return 0;
}
