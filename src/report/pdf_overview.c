/*
 * report/pdf_overview: one page per question, what a council reads first:
 * its key figures per session and channel, then its chart (bars, a scale's
 * distribution, a word cloud beside its counts) or its themes or its most
 * supported questions.
 */
#include "report/pdf_internal.h"

/* Horizontal bars: label, bar scaled to max, value text. */
static void bars(pdf_t *p, double y, const char *const *labels, const double *values,
                 const char *const *notes, size_t n, double max)
{
	double label_w = 250, bar_x = MARGIN + label_w + 12, bar_w = PAGE_W - bar_x - MARGIN - 150;
	double row = fmin(34, (PAGE_H - BOTTOM - y) / (double)(n ? n : 1));
	double size = row < 22 ? 9 : 11;
	for (size_t i = 0; i < n; i++) {
		double ry = y + (double)i * row;
		double h = pdf__set(p, labels[i], false, size, false, label_w);
		if (h > row - 2) {
			pango_layout_set_height(p->lay, (int)((row - 2) * PANGO_SCALE));
			pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
			h = row - 2;
		}
		pdf__show(p, MARGIN, ry + (row - h) / 2 - 2, INK);
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		double bw = max > 0 ? bar_w * values[i] / max : 0;
		pdf__color(p->cr, CARD);
		cairo_rectangle(p->cr, bar_x, ry + row * 0.2, bar_w, row * 0.6);
		cairo_fill(p->cr);
		pdf__color(p->cr, BRAND);
		cairo_rectangle(p->cr, bar_x, ry + row * 0.2, bw, row * 0.6);
		cairo_fill(p->cr);
		h = pdf__set(p, notes[i], false, size, true, 150);
		pdf__show(p, bar_x + bar_w + 8, ry + (row - h) / 2 - 2, INK);
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
		labels[i] = pdf__jstr(e, "label");
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
	pdf__text(p, lo, ax, y, 8.5, false, aw / 2, MUTED);
	pdf__set(p, hi, false, 8.5, false, -1);
	pdf__show(p, ax + aw - pdf__set_width(p), y, MUTED);
	y += 16;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(st, i);
		double ry = y + (double)i * row, bar_h = fmin(20, row * 0.4);
		pdf__set(p, pdf__jstr(e, "text"), false, row < 30 ? 9 : 11, false, label_w);
		pango_layout_set_height(p->lay, (int)((row - 4) * PANGO_SCALE));
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		pdf__show(p, MARGIN, ry + 2, INK);
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
			double th = pdf__set(p, num, false, 8, true, -1);
			if (c > 0 && pdf__set_width(p) + 4 < aw * f)
				pdf__show(p, x + (aw * f - pdf__set_width(p)) / 2,
				          ry + 2 + (bar_h - th) / 2,
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
			pdf__text(p, dist.data, ax, ry + bar_h + 5, 8, false, aw, MUTED);
		buf_free(&dist);
		char m[32], note[128];
		report_decimal(lang, mean, 1, m, sizeof m);
		snprintf(note, sizeof note, "%s %s\n%.0f%% %s (n=%.0f)", W("mean"), m,
		         total > 0 ? 100 * agree / total : 0, W("agree"), total);
		pdf__text(p, note, ax + aw + 10, ry, 9.5, true, 160, INK);
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
		pdf__set(p, pdf__jstr(e, "text"), false, size, c >= top / 2, -1);
		double w = pdf__set_width(p), h;
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
		pdf__show(p, r.x, r.y, shades[i % (sizeof shades / sizeof *shades)]);
	}
	free(placed);
}

/* ---- the overview: one page per question ---- */

/* The key figures of a question as a table: per session its date, its
 * channel (a meeting or online), participants and answers; then the total.
 * Returns the y below it. */
static double key_figures(pdf_t *p, const report_question_t *q, double y)
{
	enum { MAX_ROWS = 8 };
	const double c_date = MARGIN + 190, c_channel = MARGIN + 330, r_part = MARGIN + 540,
	             r_ans = MARGIN + 640, size = 9.5, row = 15;
	pdf__tag(p, "Table");
	pdf__tag(p, "TR");
	const char *heads[] = {W("session"), W("date"), W("channel")};
	const double at[] = {MARGIN, c_date, c_channel};
	for (int i = 0; i < 3; i++) {
		pdf__tag(p, "TH");
		pdf__text(p, heads[i], at[i], y, size, true, -1, MUTED);
		pdf__untag(p, "TH");
	}
	pdf__tag(p, "TH");
	pdf__text_right(p, W("participants"), r_part, y, size, true, MUTED);
	pdf__untag(p, "TH");
	pdf__tag(p, "TH");
	pdf__text_right(p, W("answers"), r_ans, y, size, true, MUTED);
	pdf__untag(p, "TH");
	pdf__untag(p, "TR");
	y += row;
	pdf__color(p->cr, RULE);
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
		pdf__tag(p, "TR");
		pdf__tag(p, "TH"); /* the session names its row */
		pdf__text(p, a, MARGIN, y, size, false, c_date - MARGIN - 8, INK);
		pdf__untag(p, "TH");
		report_date_long(rs->date, p->r->lang, b, sizeof b);
		pdf__tag(p, "TD");
		pdf__text(p, b, c_date, y, size, false, -1, INK);
		pdf__untag(p, "TD");
		pdf__tag(p, "TD");
		pdf__text(p, rs->online ? W("channel_online") : W("meeting"), c_channel, y, size,
		          false, -1, INK);
		pdf__untag(p, "TD");
		snprintf(a, sizeof a, "%zu", q->per_session[i].participants);
		pdf__tag(p, "TD");
		pdf__text_right(p, a, r_part, y, size, false, INK);
		pdf__untag(p, "TD");
		snprintf(a, sizeof a, "%zu", q->per_session[i].answers);
		pdf__tag(p, "TD");
		pdf__text_right(p, a, r_ans, y, size, false, INK);
		pdf__untag(p, "TD");
		pdf__untag(p, "TR");
		y += row;
	}
	if (shown < q->n_sessions) {
		snprintf(a, sizeof a, "+ %zu %s", q->n_sessions - shown, W("sessions"));
		pdf__tag(p, "TR");
		pdf__tag(p, "TD");
		pdf__text(p, a, MARGIN, y, size, false, -1, MUTED);
		pdf__untag(p, "TD");
		pdf__untag(p, "TR");
		y += row;
	}
	if (q->n_sessions != 1) {
		pdf__tag(p, "TR");
		pdf__tag(p, "TH");
		pdf__text(p, W("combined"), MARGIN, y, size, true, -1, INK);
		pdf__untag(p, "TH");
		snprintf(a, sizeof a, "%zu", q->total.participants);
		pdf__tag(p, "TD");
		pdf__text_right(p, a, r_part, y, size, true, INK);
		pdf__untag(p, "TD");
		snprintf(a, sizeof a, "%zu", q->total.answers);
		pdf__tag(p, "TD");
		pdf__text_right(p, a, r_ans, y, size, true, INK);
		pdf__untag(p, "TD");
		pdf__untag(p, "TR");
		y += row;
	}
	pdf__untag(p, "Table");
	if (q->total.hidden) {
		snprintf(a, sizeof a, "%zu %s", q->total.hidden, W("hidden"));
		pdf__tag(p, "P");
		pdf__text(p, a, MARGIN, y, size, false, -1, MUTED);
		pdf__untag(p, "P");
		y += row;
	}
	return y + 12;
}

/* An open question's themes with their counts, in two columns. */
static void overview_themes(pdf_t *p, const report_question_t *q, double y, double bottom)
{
	const themes_t *t = &q->themes;
	pdf__tag(p, "P");
	y += pdf__text(p, W("themes_note"), MARGIN, y, 9, false, PAGE_W - 2 * MARGIN, MUTED) + 8;
	pdf__untag(p, "P");
	const double row = 25, col_w = (PAGE_W - 2 * MARGIN - 3 * GAP) / 2;
	size_t rows = (size_t)fmax(1, (bottom - y) / row), max_n = 1;
	for (size_t g = 0; g < t->n_groups; g++)
		if (t->groups[g].n > max_n)
			max_n = t->groups[g].n;
	pdf__tag(p, "L");
	for (size_t g = 0; g < t->n_groups && g < 2 * rows; g++) {
		pdf__tag(p, "LI");
		const themes_group_t *th = &t->groups[g];
		bool other = th->stem == NULL;
		double x = MARGIN + (double)(g / rows) * (col_w + 3 * GAP);
		double ry = y + (double)(g % rows) * row;
		char count[32];
		snprintf(count, sizeof count, "%zu", th->n);
		pdf__set(p, count, false, 10.5, true, -1);
		double cw = pdf__set_width(p);
		pdf__set(p, th->label, false, 10.5, true, col_w - cw - 8);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(p->lay, 0);
		pdf__show(p, x, ry, other ? MUTED : INK);
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		/* the count after the label, in the order it is read */
		pdf__set(p, count, false, 10.5, true, -1);
		pdf__show(p, x + col_w - cw, ry, other ? MUTED : BRAND);
		pdf__untag(p, "LI");
		pdf__color(p->cr, CARD);
		cairo_rectangle(p->cr, x, ry + 16, col_w, 4);
		cairo_fill(p->cr);
		pdf__color(p->cr, other ? RULE : BRAND);
		cairo_rectangle(p->cr, x, ry + 16, col_w * (double)th->n / (double)max_n, 4);
		cairo_fill(p->cr);
	}
	pdf__untag(p, "L");
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
	pdf__tag(p, "H3");
	y += pdf__text(p, W("top_questions"), MARGIN, y, 11, true, -1, BRAND) + 8;
	pdf__untag(p, "H3");
	const double row = 22, num_w = 170;
	pdf__tag(p, "L");
	for (size_t i = 0; i < n && y + row <= bottom; i++, y += row) {
		pdf__tag(p, "LI");
		long long votes = v[i]->votes;
		bool done = v[i]->answered;
		char note[96];
		snprintf(note, sizeof note, "▲ %lld %s%s%s", votes,
		         report_count_word(votes, W("vote"), W("votes")), done ? "  ✓ " : "",
		         done ? W("answered") : "");
		pdf__text_right(p, note, PAGE_W - MARGIN, y, 10, true, BRAND);
		pdf__set(p, q->answers[v[i]->answer].text, false, 10.5, false,
		         PAGE_W - 2 * MARGIN - num_w);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(p->lay, 0);
		pdf__show(p, MARGIN, y, INK);
		pdf__untag(p, "LI");
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
	}
	pdf__untag(p, "L");
	free(v);
}

/* The words of a cloud with their counts, beside the cloud. */
static void cloud_counts(pdf_t *p, const report_question_t *q, double y, double bottom)
{
	double x = PAGE_W - MARGIN - CLOUD_LIST_W, w = CLOUD_LIST_W;
	json_t *words = json_object_get(q->combined, "words");
	pdf__tag(p, "P");
	y += pdf__text(p, W("count"), x, y, 9.5, true, -1, MUTED) + 4;
	pdf__untag(p, "P");
	pdf__tag(p, "L");
	for (size_t i = 0; i < json_array_size(words) && y + 15 <= bottom; i++, y += 15) {
		pdf__tag(p, "LI");
		json_t *e = json_array_get(words, i);
		char c[32];
		snprintf(c, sizeof c, "%lld",
		         (long long)json_integer_value(json_object_get(e, "count")));
		pdf__set(p, pdf__jstr(e, "text"), false, 10, false, w - 40);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_END);
		pango_layout_set_height(p->lay, 0);
		pdf__show(p, x, y, INK);
		pango_layout_set_height(p->lay, -1);
		pango_layout_set_ellipsize(p->lay, PANGO_ELLIPSIZE_NONE);
		pdf__text_right(p, c, x + w, y, 10, true, INK);
		pdf__untag(p, "LI");
	}
	pdf__untag(p, "L");
}

/* The alternative text of a chart: what it shows, in words. */
static void alt_cloud(const pdf_t *p, const report_question_t *q, buf_t *b)
{
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(q->combined, "words"), i, e) {
		if (i == 30)
			break;
		buf_printf(b, "%s%s (%lld)", i ? ", " : "", pdf__jstr(e, "text"),
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
		buf_printf(b, "%s%s: %s %s", i ? "; " : "", pdf__jstr(e, "text"), W("mean"), m);
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
		buf_printf(b, "%s%zu. %s (%s %s)", i ? "; " : "", i + 1, pdf__jstr(e, "label"),
		           W("mean"), m);
	}
}

static void alt_choice(const pdf_t *p, const report_question_t *q, buf_t *b)
{
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(q->combined, "options"), i, e)
		buf_printf(b, "%s%s: %lld (%lld%%)", i ? "; " : "", pdf__jstr(e, "label"),
		           (long long)json_integer_value(json_object_get(e, "count")),
		           (long long)json_integer_value(json_object_get(e, "percent")));
}

static const pdf_kind_t pdf_kinds[] = {
    [SLIDE_OPEN] = {.cards = pdf__cards_open, .overview = overview_themes},
    [SLIDE_QA] = {.cards = pdf__cards_qa, .overview = overview_qa},
    [SLIDE_CLOUD] = {.chart = chart_cloud, .alt = alt_cloud, .beside = cloud_counts},
    [SLIDE_SCALE] = {.chart = chart_scale, .alt = alt_scale},
    [SLIDE_CHOICE] = {.chart = chart_choice_rank, .alt = alt_choice},
    [SLIDE_RANK] = {.chart = chart_choice_rank, .alt = alt_rank},
};

const pdf_kind_t *pdf__kind(const slide_t *s)
{
	static const pdf_kind_t none;
	size_t k = (size_t)s->kind;
	return k < sizeof pdf_kinds / sizeof *pdf_kinds ? &pdf_kinds[k] : &none;
}

/* The overview page of question number k on r->slides[slide]: title, key
 * figures, and the chart, the themes or the most supported questions. */
int pdf__overview_page(pdf_t *p, size_t slide, size_t k)
{
	const slide_t *s = &p->r->slides[slide];
	report_question_t q;
	int rc = pdf__load_question(p, slide, k, &q);
	if (rc != 0)
		return rc;
	memcpy(&p->qc[k * p->r->n_sessions], q.per_session, p->r->n_sessions * sizeof *p->qc);
	const char *saved = p->heading_prefix;
	char prefix[64];
	snprintf(prefix, sizeof prefix, "%s %d", W("question"), q.number);
	p->heading_prefix = prefix;
	p->no_counts = true;
	double y = pdf__q_heading(p, &q, 1, 1, true);
	p->no_counts = false;
	p->heading_prefix = saved;
	y = key_figures(p, &q, y);
	double bottom = PAGE_H - BOTTOM - 8;
	if (pdf__is_cards_kind(s) && p->q_appendix[k]) {
		char line[160];
		snprintf(line, sizeof line, "%s %d.", W("in_appendix"), p->q_appendix[k]);
		pdf__tag(p, "P");
		pdf__text(p, line, MARGIN, bottom - 12, 9, false, -1, MUTED);
		pdf__untag(p, "P");
		bottom -= 20;
	}
	const pdf_kind_t *kind = pdf__kind(s);
	if (q.total.answers == 0) {
		pdf__tag(p, "P");
		pdf__text(p, W("no_answers"), MARGIN, y, 12, false, -1, MUTED);
		pdf__untag(p, "P");
	} else if (kind->overview) {
		kind->overview(p, &q, y, bottom);
	} else if (kind->chart) {
		buf_t alt = BUF_INIT;
		buf_puts(&alt, "");
		if (kind->alt)
			kind->alt(p, &q, &alt);
		pdf__figure(p, alt.data);
		buf_free(&alt);
		kind->chart(p, &q, y);
		pdf__untag(p, "Figure");
		if (kind->beside)
			kind->beside(p, &q, y, bottom);
	}
	report_question_clear(&q);
	return 0;
}
