/*
 * report/csv: one row per answer, RFC 4180: fields separated by commas,
 * records by CRLF, a field quoted when it holds a comma, quote, CR or LF,
 * quotes inside doubled. Values are written exactly as stored (no prefix
 * against spreadsheet formulas): the CSV is for round trips and scripts;
 * the XLSX export writes every cell as text for people who open it in a
 * spreadsheet.
 */
#include <string.h>

#include "report/internal.h"

static void field(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
	fputs(last ? "\r\n" : ",", f);
}

int report_render_csv(report_job_t *j)
{
	report_t *r = j->r;
	FILE *f = j->f;
	fputs("event,session,session date,slide,question,type,value,time,visible\r\n", f);
	size_t done = 0;
	for (size_t i = 0; i < r->n_slides; i++) {
		const slide_t *s = &r->slides[i];
		if (!slide_is_question(s))
			continue;
		report_question_t q;
		int rc = report_job_load(j, i, &q);
		if (rc != 0)
			return rc;
		for (size_t k = 0; k < q.n_answers; k++) {
			const report_answer_t *a = &q.answers[k];
			const report_session_t *rs = &r->sessions[a->session];
			char num[24], slide[24], when[32];
			snprintf(num, sizeof num, "%d", rs->number);
			snprintf(slide, sizeof slide, "%zu", i + 1);
			report_time_text(a->at_ms, when, sizeof when);
			field(f, r->title, false);
			field(f, num, false);
			field(f, rs->date, false);
			field(f, slide, false);
			field(f, s->title, false);
			field(f, slide_kind_name(s->kind), false);
			field(f, a->text, false);
			field(f, when, false);
			field(f, a->hidden ? "false" : "true", true);
		}
		report_question_clear(&q);
		report_tick(j, ++done);
	}
	return 0;
}
