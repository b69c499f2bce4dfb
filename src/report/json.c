/*
 * report/json: everything in the model, for machines (docs/report-format.md).
 * The outer object is written by hand and each slide dumped on its own, so
 * that only one question's answers are in memory at a time.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/xalloc.h"

static json_t *counts_json(const report_counts_t *c)
{
	return json_pack("{s:I,s:I,s:I}", "participants", (json_int_t)c->participants, "answers",
	                 (json_int_t)c->answers, "hidden", (json_int_t)c->hidden);
}

/* [{"label", "stem" (null for the leftovers), "count", "answers": [id, …]}] */
static json_t *themes_json(const report_question_t *q)
{
	json_t *arr = json_array();
	for (size_t g = 0; g < q->themes.n_groups; g++) {
		const themes_group_t *t = &q->themes.groups[g];
		json_t *ids = json_array();
		for (size_t k = 0; k < t->n; k++)
			json_array_append_new(ids,
			                      json_integer(q->answers[t->members[k].answer].id));
		json_array_append_new(arr, json_pack("{s:s,s:o,s:I,s:o}", "label", t->label, "stem",
		                                     t->stem ? json_string(t->stem) : json_null(),
		                                     "count", (json_int_t)t->n, "answers", ids));
	}
	return arr;
}

/* Writes j compact, as json_dumpf would, but without its closing brace, so
 * that the caller can add keys after the ones j holds. j is an object with
 * at least one key. */
static void dump_open(FILE *f, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	size_t n = s ? strlen(s) : 0;
	assert(n > 2 && s[n - 1] == '}');
	fwrite(s, 1, n - 1, f);
	free(s);
}

static void dump(FILE *f, json_t *j)
{
	json_dumpf(j, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
}

/* Newest first, then the larger id, as tally_json lists open answers. */
static int by_time_desc(const void *a, const void *b, void *ctx)
{
	const report_answer_t *v = ctx;
	const report_answer_t *x = &v[*(const size_t *)a], *y = &v[*(const size_t *)b];
	if (x->at_ms != y->at_ms)
		return x->at_ms < y->at_ms ? 1 : -1;
	return (x->id < y->id) - (x->id > y->id);
}

/* The "items" tally_json would list for session (or for all of them when
 * session is n_sessions), one element at a time: the counted visible open
 * answers newest first, or the Q&A questions in their order. */
static void write_items(FILE *f, const report_question_t *q, size_t session)
{
	fputs(",\"items\":[", f);
	if (q->qa) {
		const report_qa_list_t *l = &q->qa[session];
		for (size_t k = 0; k < l->n; k++) {
			const report_answer_t *a = &q->answers[l->v[k].answer];
			json_t *it =
			    json_pack("{s:I,s:s,s:I,s:I,s:b}", "id", (json_int_t)a->id, "text",
			              a->text, "at", (json_int_t)a->at_ms, "votes",
			              (json_int_t)l->v[k].votes, "answered", l->v[k].answered);
			if (l->v[k].pinned)
				json_object_set_new(it, "pinned", json_true());
			if (k)
				fputc(',', f);
			dump(f, it);
		}
	} else {
		size_t *order = xcalloc(q->n_answers + 1, sizeof *order), n = 0;
		for (size_t i = 0; i < q->n_answers; i++) {
			const report_answer_t *a = &q->answers[i];
			if (a->counted && !a->hidden &&
			    (session == q->n_sessions || a->session == session))
				order[n++] = i;
		}
		qsort_r(order, n, sizeof *order, by_time_desc, q->answers);
		for (size_t k = 0; k < n; k++) {
			const report_answer_t *a = &q->answers[order[k]];
			if (k)
				fputc(',', f);
			dump(f, json_pack("{s:I,s:s,s:I}", "id", (json_int_t)a->id, "text", a->text,
			                  "at", (json_int_t)a->at_ms));
		}
		free(order);
	}
	fputc(']', f);
}

/*
 * Writes the question's keys after the slide's (s, without its closing
 * brace): "question", "counts", "results", "answers" and for an open
 * question "themes" (docs/report-format.md). The long arrays (the items of
 * the results and every answer) are written one element at a time, so that
 * a question of 100,000 answers is never one JSON tree (issue 16).
 */
static void write_question(FILE *f, const report_t *r, const report_question_t *q)
{
	bool items = r->slides[q->slide].kind == SLIDE_OPEN || q->qa;
	fprintf(f, ",\"question\":%d,\"counts\":{\"sessions\":[", q->number);
	for (size_t i = 0; i < q->n_sessions; i++) {
		json_t *c = counts_json(&q->per_session[i]);
		json_object_set_new(c, "session", json_integer(r->sessions[i].number));
		if (i)
			fputc(',', f);
		dump(f, c);
	}
	fputs("],\"combined\":", f);
	dump(f, counts_json(&q->total));
	fputs("},\"results\":{\"sessions\":[", f);
	for (size_t i = 0; i < q->n_sessions; i++) {
		if (i)
			fputc(',', f);
		dump_open(f, q->tallies[i]);
		if (items)
			write_items(f, q, i);
		fprintf(f, ",\"session\":%d}", r->sessions[i].number);
	}
	fputs("],\"combined\":", f);
	dump_open(f, q->combined);
	if (items)
		write_items(f, q, q->n_sessions);
	fputs("}},\"answers\":[", f);
	for (size_t i = 0; i < q->n_answers; i++) {
		const report_answer_t *a = &q->answers[i];
		json_error_t je;
		json_t *v = json_loads(a->value, JSON_DECODE_ANY, &je);
		char when[32];
		report_time_text(a->at_ms, when, sizeof when);
		if (i)
			fputc(',', f);
		dump(f, json_pack("{s:I,s:i,s:o,s:s,s:I,s:s,s:b,s:b}", "id", (json_int_t)a->id,
		                  "session", r->sessions[a->session].number, "value",
		                  v ? v : json_string(a->value), "text", a->text, "at",
		                  (json_int_t)a->at_ms, "time", when, "visible", !a->hidden,
		                  "answered", a->answered));
	}
	fputc(']', f);
	if (r->slides[q->slide].kind == SLIDE_OPEN) {
		fputs(",\"themes\":", f);
		dump(f, themes_json(q));
	}
}

int report_render_json(report_job_t *j)
{
	report_t *r = j->r;
	FILE *f = j->f;
	json_t *head = json_pack(
	    "{s:s,s:i,s:{s:I,s:s,s:s,s:s},s:o,s:I}", "format", "inspraak-report", "version", 1,
	    "event", "id", (json_int_t)r->event_id, "title", r->title, "subtitle", r->subtitle,
	    "lang", r->lang, "summary", r->summary_md ? json_string(r->summary_md) : json_null(),
	    "generated_at", (json_int_t)r->generated_at);
	json_t *dates = json_array();
	for (size_t i = 0; i < r->n_dates; i++)
		json_array_append_new(dates, json_string(r->dates[i]));
	json_object_set_new(json_object_get(head, "event"), "dates", dates);
	json_t *sessions = json_array();
	for (size_t i = 0; i < r->n_sessions; i++) {
		const report_session_t *s = &r->sessions[i];
		json_t *o = json_pack(
		    "{s:i,s:s,s:s,s:s,s:s,s:I,s:o}", "number", s->number, "code", s->code, "date",
		    s->date, "status", s->ended ? "ended" : "live", "mode",
		    s->online ? "self-paced" : "live", "started_at", (json_int_t)s->started_at,
		    "ended_at", s->ended_at ? json_integer(s->ended_at) : json_null());
		if (s->online)
			json_object_set_new(o, "name", json_string(report_word(r->lang, "online")));
		else if (s->name[0])
			json_object_set_new(o, "name", json_string(s->name));
		json_array_append_new(sessions, o);
	}
	json_object_set_new(head, "sessions", sessions);

	/* head without its closing brace, then "slides": [...] by hand. */
	char *h = json_dumps(head, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(head);
	if (!h) {
		snprintf(j->err, j->errlen, "out of memory");
		return REPORT_EWRITE;
	}
	size_t hl = strlen(h);
	while (hl && h[hl - 1] != '}')
		hl--;
	if (hl)
		hl--;
	fwrite(h, 1, hl, f);
	free(h);
	fputs(",\n \"slides\": [\n", f);
	size_t done = 0;
	for (size_t i = 0; i < r->n_slides; i++) {
		json_t *s = slide_to_json(&r->slides[i], true);
		if (!r->with_notes)
			json_object_del(s, "notes");
		json_object_set_new(s, "number", json_integer((json_int_t)i + 1));
		if (slide_is_question(&r->slides[i])) {
			report_question_t q;
			int rc = report_job_load(j, i, &q);
			if (rc != 0) {
				json_decref(s);
				return rc;
			}
			if (i)
				fputs(",\n", f);
			dump_open(f, s);
			json_decref(s);
			write_question(f, r, &q);
			fputc('}', f);
			report_question_clear(&q);
		} else {
			if (i)
				fputs(",\n", f);
			dump(f, s);
		}
		if (slide_is_question(&r->slides[i]))
			report_tick(j, ++done);
	}
	fputs("\n ],\n \"website\": ", f);
	json_t *site = report_website(r);
	if (site)
		json_dumpf(site, f, JSON_COMPACT | JSON_PRESERVE_ORDER);
	else
		fputs("null", f);
	json_decref(site);
	fputs("\n}\n", f);
	return 0;
}
