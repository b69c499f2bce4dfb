/*
 * report/xlsx: a workbook with a summary sheet (the event, its sessions and
 * one line per question with its counts) and one sheet per question with
 * every answer. Every participant value is written as a string cell, never
 * as a formula or number, so nothing typed on a phone is evaluated when
 * the file is opened. libxlsxwriter keeps the sheets in memory until the
 * workbook closes, so this export holds the event's answers at once.
 */
#include <string.h>
#include <xlsxwriter.h>

#include "report/internal.h"

/* The report's word for key (report.c) in lang, which must be in scope. */
#define W(key) report_word(lang, key)

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
	worksheet_write_number(ws, rr, 2, (double)json_integer_value(json_object_get(p, "id")), NULL);
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
	const char *cols[] = {W("topic"), W("type"),     "id",    W("reply_to"),
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
	lxw_workbook *wb = workbook_new(j->path);
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
		worksheet_set_column(ws, 0, 1, 12, NULL);
		worksheet_set_column(ws, 2, 2, 80, NULL);
		worksheet_set_column(ws, 3, 4, 20, NULL);
		worksheet_write_string(ws, 0, 0, s->title, title);
		const char *cols[] = {W("session"), W("date"), W("value"), W("time"), W("visible")};
		for (int c = 0; c < 5; c++)
			worksheet_write_string(ws, 2, (lxw_col_t)c, cols[c], bold);
		for (size_t k = 0; k < q.n_answers; k++) {
			const report_answer_t *a = &q.answers[k];
			char when[32];
			report_time_text(a->at_ms, when, sizeof when);
			lxw_row_t rr = (lxw_row_t)(k + 3);
			worksheet_write_number(ws, rr, 0, r->sessions[a->session].number, NULL);
			worksheet_write_string(ws, rr, 1, r->sessions[a->session].date, NULL);
			worksheet_write_string(ws, rr, 2, a->text, wrap);
			worksheet_write_string(ws, rr, 3, when, NULL);
			worksheet_write_boolean(ws, rr, 4, !a->hidden, NULL);
		}
		worksheet_autofilter(ws, 2, 0, (lxw_row_t)(q.n_answers + 2), 4);
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
