/*
 * report/xlsx: a workbook with a summary sheet (the event, its sessions and
 * one line per question with its counts) and one sheet per question with
 * every answer, one row each, in columns that can be analysed (issue 16):
 * after the session, date, time and visibility a column per option of a
 * choice (1 chosen, 0 not), per statement of a scale (the rating), per
 * option of a ranking (its place), per entry of a word cloud, or one with
 * the text of an open answer or a question. Every text a participant typed
 * is written as a string cell, never as a formula, so nothing typed on a
 * phone is evaluated when the file is opened.
 *
 * libxlsxwriter runs in constant-memory mode: each row goes to a temporary
 * file as soon as the next begins, so its memory does not grow with the
 * answers (rows are written in order on every sheet, as they must be).
 */
#include <string.h>
#include <xlsxwriter.h>

#include "report/internal.h"

/* The report's word for key (report.c) in lang, which must be in scope. */
#define W(key) report_word(lang, key)

enum { FIRST = 4 }; /* the first column of a kind's own */

static void write_text(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f)
{
	worksheet_write_string(ws, r, c, s ? s : "", f);
}

/* Headers: the options, statements or entries, or the word for a value. */
static void head_items(lxw_worksheet *ws, lxw_row_t r, const slide_t *s, const char *lang,
                       lxw_format *bold)
{
	for (size_t k = 0; k < s->n_items; k++)
		write_text(ws, r, (lxw_col_t)(FIRST + k), s->items[k], bold);
}

static void head_entries(lxw_worksheet *ws, lxw_row_t r, const slide_t *s, const char *lang,
                         lxw_format *bold)
{
	int n = s->max_answers > 0 ? s->max_answers : 1;
	for (int k = 0; k < n; k++) {
		char h[64];
		snprintf(h, sizeof h, "%s %d", W("value"), k + 1);
		write_text(ws, r, (lxw_col_t)(FIRST + k), h, bold);
	}
}

static void head_text(lxw_worksheet *ws, lxw_row_t r, const slide_t *s, const char *lang,
                      lxw_format *bold)
{
	write_text(ws, r, FIRST, W("value"), bold);
}

/* Rows: v is the answer's normal form (model/answer.h); a damaged value
 * leaves its cells empty rather than guessing. */
static void row_choice(lxw_worksheet *ws, lxw_row_t r, const slide_t *s, const json_t *v,
                       const report_answer_t *a, lxw_format *wrap)
{
	if (!json_is_array(v))
		return;
	for (size_t k = 0; k < s->n_items; k++) {
		bool chosen = false;
		size_t i;
		json_t *e;
		json_array_foreach (v, i, e)
			chosen |= json_is_integer(e) && json_integer_value(e) == (json_int_t)k;
		worksheet_write_number(ws, r, (lxw_col_t)(FIRST + k), chosen, NULL);
	}
}

static void row_scale(lxw_worksheet *ws, lxw_row_t r, const slide_t *s, const json_t *v,
                      const report_answer_t *a, lxw_format *wrap)
{
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e)
		if (i < s->n_items && json_is_integer(e))
			worksheet_write_number(ws, r, (lxw_col_t)(FIRST + i),
			                       (double)json_integer_value(e), NULL);
}

/* A ranking lists the options first to last; each option's column gets
 * its place (1 = most preferred). */
static void row_rank(lxw_worksheet *ws, lxw_row_t r, const slide_t *s, const json_t *v,
                     const report_answer_t *a, lxw_format *wrap)
{
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e) {
		json_int_t opt = json_is_integer(e) ? json_integer_value(e) : -1;
		if (opt >= 0 && (size_t)opt < s->n_items)
			worksheet_write_number(ws, r, (lxw_col_t)(FIRST + opt), (double)(i + 1),
			                       NULL);
	}
}

static void row_entries(lxw_worksheet *ws, lxw_row_t r, const slide_t *s, const json_t *v,
                        const report_answer_t *a, lxw_format *wrap)
{
	size_t i, n = (size_t)(s->max_answers > 0 ? s->max_answers : 1);
	json_t *e;
	json_array_foreach (v, i, e)
		if (i < n && json_is_string(e))
			write_text(ws, r, (lxw_col_t)(FIRST + i), json_string_value(e), NULL);
}

static void row_text(lxw_worksheet *ws, lxw_row_t r, const slide_t *s, const json_t *v,
                     const report_answer_t *a, lxw_format *wrap)
{
	write_text(ws, r, FIRST, a->text, wrap);
}

typedef struct xlsx_kind {
	void (*head)(lxw_worksheet *ws, lxw_row_t r, const slide_t *s, const char *lang,
	             lxw_format *bold);
	void (*row)(lxw_worksheet *ws, lxw_row_t r, const slide_t *s, const json_t *v,
	            const report_answer_t *a, lxw_format *wrap);
	double width; /* of the kind's columns */
} xlsx_kind_t;

static const xlsx_kind_t xlsx_kinds[] = {
    [SLIDE_OPEN] = {head_text, row_text, 80},        [SLIDE_QA] = {head_text, row_text, 80},
    [SLIDE_CLOUD] = {head_entries, row_entries, 20}, [SLIDE_CHOICE] = {head_items, row_choice, 14},
    [SLIDE_SCALE] = {head_items, row_scale, 18},     [SLIDE_RANK] = {head_items, row_rank, 14},
};

static const xlsx_kind_t *xlsx_kind(const slide_t *s)
{
	size_t k = (size_t)s->kind;
	return k < sizeof xlsx_kinds / sizeof *xlsx_kinds && xlsx_kinds[k].row
	           ? &xlsx_kinds[k]
	           : &xlsx_kinds[SLIDE_OPEN];
}

/* Sheet names: at most 31 characters, none of []:*?/\ ; unique by the
 * question number in front. Cut on a UTF-8 boundary. */
static void sheet_name(char *out, size_t len, int number, const char *title)
{
	int n = snprintf(out, len, "%d ", number);
	size_t chars = (size_t)n, o = (size_t)n;
	for (const unsigned char *s = (const unsigned char *)title; *s && chars < 31;) {
		size_t cl = *s < 0x80 ? 1 : *s < 0xE0 ? 2 : *s < 0xF0 ? 3 : 4;
		if (o + cl >= len)
			break;
		if (cl == 1 && strchr("[]:*?/\\'", *s)) {
			out[o++] = ' ';
			s++;
		} else {
			for (size_t k = 0; k < cl && s[k]; k++)
				out[o++] = (char)s[k];
			s += cl;
		}
		chars++;
	}
	while (o > (size_t)n && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

/* One post as a row of the website's sheet; its text as a string cell. */
static void post_row(lxw_worksheet *ws, lxw_row_t rr, const char *lang, const char *topic,
                     const json_t *p, const char *kind, json_int_t parent, lxw_format *wrap)
{
	worksheet_write_string(ws, rr, 0, topic, wrap);
	worksheet_write_string(ws, rr, 1, kind, NULL);
	worksheet_write_number(ws, rr, 2, (double)json_integer_value(json_object_get(p, "id")),
	                       NULL);
	if (parent)
		worksheet_write_number(ws, rr, 3, (double)parent, NULL);
	worksheet_write_string(ws, rr, 4, json_string_value(json_object_get(p, "text")), wrap);
	if (json_object_get(p, "supports"))
		worksheet_write_number(
		    ws, rr, 5, (double)json_integer_value(json_object_get(p, "supports")), NULL);
	worksheet_write_string(ws, rr, 6, json_string_value(json_object_get(p, "time")), NULL);
	worksheet_write_boolean(ws, rr, 7, json_is_true(json_object_get(p, "visible")), NULL);
}

/* The website (website.c): every post, one row each, hidden ones marked. */
static void website_sheet(lxw_workbook *wb, report_t *r, lxw_format *bold, lxw_format *wrap)
{
	const char *lang = r->lang;
	json_t *site = report_website(r);
	if (!site)
		return;
	lxw_worksheet *ws = workbook_add_worksheet(wb, W("website"));
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, 3, 12, NULL);
	worksheet_set_column(ws, 4, 4, 80, NULL);
	worksheet_set_column(ws, 5, 7, 14, NULL);
	const char *cols[] = {W("topic"), W("type"),     "id",      W("reply_to"),
	                      W("value"), W("supports"), W("time"), W("visible")};
	for (int c = 0; c < 8; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c], bold);
	lxw_row_t rr = 1;
	size_t i, k, m;
	json_t *t, *p, *q;
	json_array_foreach (json_object_get(site, "topics"), i, t) {
		const char *topic = json_string_value(json_object_get(t, "title"));
		json_array_foreach (json_object_get(t, "reactions"), k, p)
			post_row(ws, rr++, lang, topic, p, W("reaction"), 0, wrap);
		json_array_foreach (json_object_get(t, "posts"), k, p) {
			json_int_t id = json_integer_value(json_object_get(p, "id"));
			post_row(ws, rr++, lang, topic, p, W("contribution"), 0, wrap);
			json_array_foreach (json_object_get(p, "reactions"), m, q)
				post_row(ws, rr++, lang, topic, q, W("reaction"), id, wrap);
			json_array_foreach (json_object_get(p, "replies"), m, q)
				post_row(ws, rr++, lang, topic, q, W("reply"), id, wrap);
		}
	}
	worksheet_autofilter(ws, 0, 0, rr - 1, 7);
	json_decref(site);
}

int report_render_xlsx(report_job_t *j)
{
	report_t *r = j->r;
	const char *lang = r->lang;
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
	lxw_workbook *wb = workbook_new_opt(j->path, &opt);
	if (!wb) {
		snprintf(j->err, j->errlen, "cannot write %s", j->path);
		return REPORT_EWRITE;
	}
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *wrap = workbook_add_format(wb);
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	lxw_format *title = workbook_add_format(wb);
	format_set_bold(title);
	format_set_font_size(title, 16);

	lxw_worksheet *sum = workbook_add_worksheet(wb, W("report_title"));
	worksheet_set_column(sum, 0, 0, 12, NULL);
	worksheet_set_column(sum, 1, 1, 70, NULL);
	worksheet_set_column(sum, 2, 6, 14, NULL);
	lxw_row_t row = 0;
	worksheet_write_string(sum, row++, 0, r->title, title);
	worksheet_write_string(sum, row++, 0, r->subtitle, NULL);
	row++;
	worksheet_write_string(sum, row, 0, W("session"), bold);
	worksheet_write_string(sum, row, 1, W("date"), bold);
	worksheet_write_string(sum, row++, 2, "code", bold);
	for (size_t i = 0; i < r->n_sessions; i++, row++) {
		worksheet_write_number(sum, row, 0, r->sessions[i].number, NULL);
		if (r->sessions[i].online) /* which number is the online one */
			worksheet_write_string(sum, row, 3, W("online"), NULL);
		worksheet_write_string(sum, row, 1, r->sessions[i].date, NULL);
		worksheet_write_string(sum, row, 2, r->sessions[i].code, NULL);
	}
	row++;
	worksheet_write_string(sum, row, 0, W("slide"), bold);
	worksheet_write_string(sum, row, 1, W("question"), bold);
	worksheet_write_string(sum, row, 2, W("type"), bold);
	worksheet_write_string(sum, row, 3, W("participants"), bold);
	worksheet_write_string(sum, row, 4, W("answers"), bold);
	worksheet_write_string(sum, row++, 5, W("hidden"), bold);

	size_t done = 0;
	int rc = 0;
	for (size_t i = 0; i < r->n_slides && rc == 0; i++) {
		const slide_t *s = &r->slides[i];
		if (!slide_is_question(s))
			continue;
		report_question_t q;
		rc = report_job_load(j, i, &q);
		if (rc != 0)
			break;
		worksheet_write_number(sum, row, 0, (double)(i + 1), NULL);
		worksheet_write_string(sum, row, 1, s->title, wrap);
		worksheet_write_string(sum, row, 2, slide_kind_name(s->kind), NULL);
		worksheet_write_number(sum, row, 3, (double)q.total.participants, NULL);
		worksheet_write_number(sum, row, 4, (double)q.total.answers, NULL);
		worksheet_write_number(sum, row++, 5, (double)q.total.hidden, NULL);

		char name[160];
		sheet_name(name, sizeof name, q.number, s->title);
		lxw_worksheet *ws = workbook_add_worksheet(wb, name);
		const xlsx_kind_t *kind = xlsx_kind(s);
		worksheet_set_column(ws, 0, 1, 12, NULL);
		worksheet_set_column(ws, 2, 2, 20, NULL);
		worksheet_set_column(ws, FIRST, FIRST + 63, kind->width, NULL);
		worksheet_write_string(ws, 0, 0, s->title, title);
		const char *cols[] = {W("session"), W("date"), W("time"), W("visible")};
		for (int c = 0; c < FIRST; c++)
			worksheet_write_string(ws, 2, (lxw_col_t)c, cols[c], bold);
		kind->head(ws, 2, s, lang, bold);
		for (size_t k = 0; k < q.n_answers; k++) {
			const report_answer_t *a = &q.answers[k];
			char when[32];
			report_time_text(a->at_ms, when, sizeof when);
			lxw_row_t rr = (lxw_row_t)(k + 3);
			worksheet_write_number(ws, rr, 0, r->sessions[a->session].number, NULL);
			worksheet_write_string(ws, rr, 1, r->sessions[a->session].date, NULL);
			worksheet_write_string(ws, rr, 2, when, NULL);
			worksheet_write_boolean(ws, rr, 3, !a->hidden, NULL);
			json_t *v = json_loads(a->value, JSON_DECODE_ANY, NULL);
			kind->row(ws, rr, s, v, a, wrap);
			json_decref(v);
		}
		worksheet_autofilter(ws, 2, 0, (lxw_row_t)(q.n_answers + 2), FIRST);
		report_question_clear(&q);
		report_tick(j, ++done);
	}
	if (rc == 0)
		website_sheet(wb, r, bold, wrap);
	lxw_error e = workbook_close(wb);
	if (rc == 0 && e != LXW_NO_ERROR) {
		snprintf(j->err, j->errlen, "cannot write %s: %s", j->path, lxw_strerror(e));
		rc = REPORT_EWRITE;
	}
	return rc;
}
