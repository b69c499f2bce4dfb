/*
 * report/html: the report as one self-contained, printable HTML page: the
 * styles inline, no scripts, no outside requests. Every participant text
 * goes through buf_html; the slides' HTML is the deck parser's safe cmark
 * rendering (raw HTML and javascript: links already dropped).
 */
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/xalloc.h"

/* The report's word for key (report.c) in lang, which must be in scope. */
#define W(key) report_word(lang, key)

static void esc(FILE *f, const char *s)
{
	buf_t b = BUF_INIT;
	buf_html(&b, s, strlen(s));
	if (b.len)
		fwrite(b.data, 1, b.len, f);
	buf_free(&b);
}

/* Escaped, with line breaks kept. */
static void esc_lines(FILE *f, const char *s)
{
	while (*s) {
		size_t n = strcspn(s, "\n");
		char *line = xstrndup(s, n);
		esc(f, line);
		free(line);
		s += n;
		if (*s == '\n') {
			fputs("<br>", f);
			s++;
		}
	}
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long num(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static const char CSS[] =
    "body{font-family:'DejaVu Sans','Noto Sans',system-ui,sans-serif;color:#1d2733;"
    "max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
    "h1{font-size:1rem;font-weight:normal;color:#5a6b7b;margin:0}"
    "h2{font-size:2rem;color:#0b4f6c;margin:.2rem 0}"
    "h3{color:#0b4f6c;border-bottom:2px solid #0b4f6c;padding-bottom:.2rem;margin-top:2.5rem}"
    "section.slide{border:1px solid #d5dde5;border-radius:6px;padding:.5rem 1.2rem;margin:1rem 0}"
    "section.slide h1{font-size:1.3rem;color:#0b4f6c;font-weight:bold}"
    "section.slide pre{white-space:pre-wrap;overflow-wrap:anywhere}"
    "table{border-collapse:collapse;margin:.8rem 0}td,th{padding:.25rem .7rem;"
    "border-bottom:1px solid #d5dde5;text-align:start}td.n,th.n{text-align:right}"
    "ul.cards{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,"
    "minmax(17rem,1fr));gap:.6rem}ul.cards li{background:#eef4f8;"
    "border-inline-start:4px solid #0b4f6c;"
    "padding:.5rem .7rem;border-radius:4px;break-inside:avoid;overflow-wrap:anywhere}"
    ".bar{background:#0b4f6c;height:.9rem;display:inline-block;vertical-align:middle}"
    ".note{color:#5a6b7b;font-style:italic}.cover{margin-bottom:2rem}"
    "h4{color:#0b4f6c;margin:1.6rem 0 .2rem}section.theme h5{font-size:1rem;margin:.9rem 0 .2rem}"
    "section.theme small{color:#5a6b7b;font-weight:normal}section.theme ul{margin:0}"
    "mark{background:#d7ebf3;color:inherit}"
    "div.reaction{border-inline-start:4px solid #8a4b08;background:#fbf3e8;padding:.1rem .8rem;"
    "margin:.6rem 0}ul.posts li p{margin:.2rem 0;overflow-wrap:anywhere}"
    "caption{text-align:start}div.wide{overflow-x:auto}"
    "@media print{body{margin:0;max-width:none}h3{break-after:avoid}"
    "section.q{break-before:page}}";

/* s[0..n) escaped, line breaks kept. */
static void esc_part(FILE *f, const char *s, size_t n)
{
	char *part = xstrndup(s, n);
	esc_lines(f, part);
	free(part);
}

/* Each theme with its label, count and answers, the theme's word marked. */
static void themes(FILE *f, const report_question_t *q, const char *lang)
{
	fprintf(f, "<h4>%s</h4>\n<p class=note>%s</p>\n", W("themes"), W("themes_note"));
	for (size_t g = 0; g < q->themes.n_groups; g++) {
		const themes_group_t *t = &q->themes.groups[g];
		fputs("<section class=theme>\n<h5>", f);
		esc(f, t->label);
		fprintf(f, " <small>(%zu)</small></h5>\n<ul>\n", t->n);
		for (size_t k = 0; k < t->n; k++) {
			const themes_member_t *m = &t->members[k];
			const char *text = q->answers[m->answer].text;
			fputs("<li dir=auto>", f);
			if (m->len && m->at + m->len <= strlen(text)) {
				esc_part(f, text, m->at);
				fputs("<mark>", f);
				esc_part(f, text + m->at, m->len);
				fputs("</mark>", f);
				esc_lines(f, text + m->at + m->len);
			} else
				esc_lines(f, text);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n</section>\n", f);
	}
}

typedef void draw_fn(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                     const char *lang);

static void html_open(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                      const char *lang)
{
	size_t i;
	fputs("<ul class=cards>\n", f);
	for (i = 0; i < q->n_answers; i++) {
		if (q->answers[i].hidden)
			continue;
		fputs("<li dir=auto>", f);
		esc_lines(f, q->answers[i].text);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

static void html_qa(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                    const char *lang)
{
	const report_qa_list_t *l = &q->qa[q->n_sessions];
	fputs("<ul class=cards>\n", f);
	for (size_t i = 0; i < l->n; i++) {
		const report_qa_t *e = &l->v[i];
		fputs("<li dir=auto>", f);
		esc_lines(f, q->answers[e->answer].text);
		fprintf(f, "<br><small>%lld %s%s%s</small></li>\n", (long long)e->votes,
		        report_count_word(e->votes, W("vote"), W("votes")),
		        e->answered ? " · ✓ " : "", e->answered ? W("answered") : "");
	}
	fputs("</ul>\n", f);
}

static void html_cloud(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                       const char *lang)
{
	size_t i;
	json_t *e;
	json_t *words = json_object_get(t, "words");
	long long top = json_array_size(words) ? num(json_array_get(words, 0), "count") : 1;
	fputs("<p>", f);
	json_array_foreach (words, i, e) {
		/* dir=auto: answers in any script read in their own direction (issue 12) */
		fprintf(f, "<span dir=auto style=\"font-size:%.2frem;margin-right:.6rem\">",
		        0.9 + 1.6 * (double)num(e, "count") / (double)(top ? top : 1));
		esc(f, str(e, "text"));
		fprintf(f, "</span><small>(%lld)</small> ", num(e, "count"));
	}
	fputs("</p>\n", f);
}

static void html_bars(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                      const char *lang)
{
	size_t i;
	json_t *e;
	bool rank = s->kind == SLIDE_RANK;
	fprintf(f, "<table><tr><th></th><th class=n>%s</th><th></th></tr>\n",
	        rank ? W("mean") : W("count"));
	json_array_foreach (json_object_get(t, "options"), i, e) {
		fputs("<tr><td dir=auto>", f);
		esc(f, str(e, "label"));
		double v =
		    rank ? json_number_value(json_object_get(e, "mean")) : (double)num(e, "count");
		double width =
		    rank ? (s->n_items ? 12.0 * (double)(s->n_items + 1 - v) / (double)s->n_items
		                       : 0)
		         : (double)num(e, "percent") / 100.0 * 12.0;
		char m[32]; /* "1,85" in a Dutch report */
		report_decimal(lang, v, rank ? 2 : 0, m, sizeof m);
		fprintf(f, "</td><td class=n>%s</td>", m);
		fprintf(f, "<td><span class=bar style=\"width:%.2frem\"></span>",
		        width < 0 ? 0 : width);
		if (!rank)
			fprintf(f, " %lld%%", num(e, "percent"));
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void html_scale(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                       const char *lang)
{
	size_t i;
	json_t *e;
	fprintf(f, "<table><tr><th></th><th class=n>%s</th>", W("mean"));
	for (int k = 1; k <= s->scale_max; k++)
		fprintf(f, "<th class=n>%d</th>", k);
	fprintf(f, "<th class=n>%% %s</th></tr>\n", W("agree"));
	json_array_foreach (json_object_get(t, "statements"), i, e) {
		fputs("<tr><td dir=auto>", f);
		esc(f, str(e, "text"));
		char m[32];
		report_decimal(lang, json_number_value(json_object_get(e, "mean")), 2, m, sizeof m);
		fprintf(f, "</td><td class=n>%s</td>", m);
		size_t k;
		json_t *c;
		json_array_foreach (json_object_get(e, "counts"), k, c)
			fprintf(f, "<td class=n>%lld</td>", (long long)json_integer_value(c));
		int agree = report_agree_percent(e);
		if (agree >= 0)
			fprintf(f, "<td class=n>%d%%</td></tr>\n", agree);
		else
			fputs("<td></td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The results of each kind, drawn; content slides have none. */
static draw_fn *const draw[] = {
    [SLIDE_OPEN] = html_open,   [SLIDE_QA] = html_qa,     [SLIDE_CLOUD] = html_cloud,
    [SLIDE_CHOICE] = html_bars, [SLIDE_RANK] = html_bars, [SLIDE_SCALE] = html_scale,
};

static void results(FILE *f, const report_t *r, const report_question_t *q, const char *lang)
{
	const slide_t *s = &r->slides[q->slide];
	const json_t *t = q->combined;
	size_t i;
	fprintf(f,
	        "<table><tr><th>%s</th><th>%s</th><th class=n>%s</th><th class=n>%s</th>"
	        "<th class=n>%s</th></tr>\n",
	        W("session"), W("date"), W("participants"), W("answers"), W("hidden"));
	for (i = 0; i < q->n_sessions; i++) {
		char name[64];
		report_session_label(r, i, name, sizeof name);
		fprintf(f,
		        "<tr><td>%s</td><td>%s%s%s</td><td class=n>%zu</td><td class=n>%zu</td>"
		        "<td class=n>%zu</td></tr>\n",
		        name, r->sessions[i].online ? W("since") : "",
		        r->sessions[i].online ? " " : "", r->sessions[i].date,
		        q->per_session[i].participants, q->per_session[i].answers,
		        q->per_session[i].hidden);
	}
	if (q->n_sessions > 1)
		fprintf(f,
		        "<tr><th>%s</th><td></td><th class=n>%zu</th><th class=n>%zu</th>"
		        "<th class=n>%zu</th></tr>\n",
		        W("combined"), q->total.participants, q->total.answers, q->total.hidden);
	fputs("</table>\n", f);
	if ((size_t)s->kind < sizeof draw / sizeof *draw && draw[s->kind])
		draw[s->kind](f, s, q, t, lang);
	if (q->total.answers == 0)
		fprintf(f, "<p class=note>%s</p>\n", W("no_answers"));
	if (q->total.hidden)
		fprintf(f, "<p class=note>%zu %s.</p>\n", q->total.hidden,
		        report_count_word((long long)q->total.hidden, W("hidden_note_one"),
		                          W("hidden_note")));
	if (q->themes.n_groups)
		themes(f, q, lang);
}

/* A website post: its text, its supports, and under it (depth 0 only) the
 * municipality's reactions and the replies. Hidden ones are left out. */
static void site_post(FILE *f, const json_t *p, const char *lang, int depth)
{
	fputs("<li><p dir=auto>", f);
	esc_lines(f, str(p, "text"));
	fputs("</p>", f);
	if (num(p, "supports") > 0)
		fprintf(f, "<p class=note>%s: %lld</p>", W("ch_supports"), num(p, "supports"));
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(p, "reactions"), i, e)
		if (json_is_true(json_object_get(e, "visible"))) {
			fprintf(f, "<div class=reaction><p><strong>%s</strong></p><p dir=auto>",
			        W("reaction"));
			esc_lines(f, str(e, "text"));
			fputs("</p></div>", f);
		}
	bool any = false;
	json_array_foreach (json_object_get(p, "replies"), i, e) {
		if (depth > 0 || !json_is_true(json_object_get(e, "visible")))
			continue;
		if (!any)
			fputs("<ul>", f);
		any = true;
		site_post(f, e, lang, depth + 1);
	}
	if (any)
		fputs("</ul>", f);
	fputs("</li>\n", f);
}

/* A topic's counts per channel: the hall and the online questionnaire
 * (its question's answers per session) beside the website. */
static void site_channels(FILE *f, const report_t *r, const json_t *t,
                          const report_counts_t *per_session, const char *lang)
{
	report_channel_t *ch = xcalloc(r->n_sessions + 1, sizeof *ch);
	size_t n = report_topic_channels(r, t, per_session, ch);
	/* a table scrolls in its own region rather than the page on a phone */
	fprintf(f,
	        "<div class=wide role=region tabindex=0 aria-label=\"%s\">"
	        "<table><caption class=note>%s</caption><tr><th scope=col>%s</th>"
	        "<th scope=col class=n>%s</th><th scope=col class=n>%s</th>"
	        "<th scope=col class=n>%s</th><th scope=col class=n>%s</th></tr>\n",
	        W("ch_caption"), W("ch_caption"), W("ch_channel"), W("ch_participants"),
	        W("ch_items"), W("ch_supports"), W("ch_replies"));
	for (size_t i = 0; i < n; i++) {
		fputs("<tr><th scope=row>", f);
		esc(f, ch[i].label);
		fprintf(f, "</th><td class=n>%lld</td><td class=n>%lld</td>", ch[i].participants,
		        ch[i].items);
		if (ch[i].supports < 0)
			fputs("<td class=n>–</td><td class=n>–</td></tr>\n", f);
		else
			fprintf(f, "<td class=n>%lld</td><td class=n>%lld</td></tr>\n",
			        ch[i].supports, ch[i].replies);
	}
	fputs("</table></div>\n", f);
	free(ch);
}

/*
 * The process beyond the hall (issue 14): per topic its counts per channel,
 * the municipality's reactions, marked as such, and the contributions with
 * their supports and replies. qc holds each question's counts per session
 * (r->n_sessions each), read while the questions were written.
 */
static void website(FILE *f, report_t *r, const report_counts_t *qc, const char *lang)
{
	json_t *site = report_website(r);
	if (!site)
		return;
	fprintf(f, "<section class=website>\n<h3>%s</h3>\n", W("website"));
	if (*str(site, "description")) {
		fputs("<p dir=auto>", f);
		esc_lines(f, str(site, "description"));
		fputs("</p>\n", f);
	}
	size_t i, k;
	json_t *t, *p;
	json_array_foreach (json_object_get(site, "topics"), i, t) {
		fputs("<section class=topic>\n<h4 dir=auto>", f);
		esc(f, str(t, "title"));
		fputs("</h4>\n", f);
		if (*str(t, "body")) {
			fputs("<p dir=auto>", f);
			esc_lines(f, str(t, "body"));
			fputs("</p>\n", f);
		}
		long long qn = num(t, "question");
		if (json_is_integer(json_object_get(t, "question")))
			fprintf(f, "<p class=note>%s %lld.</p>\n", W("website_question"), qn);
		bool known = qn >= 1 && (size_t)qn <= r->n_questions;
		site_channels(f, r, t, known ? &qc[(size_t)(qn - 1) * r->n_sessions] : NULL, lang);
		json_array_foreach (json_object_get(t, "reactions"), k, p)
			if (json_is_true(json_object_get(p, "visible"))) {
				fprintf(
				    f, "<div class=reaction><p><strong>%s</strong></p><p dir=auto>",
				    W("reaction"));
				esc_lines(f, str(p, "text"));
				fputs("</p></div>\n", f);
			}
		bool any = false;
		json_array_foreach (json_object_get(t, "posts"), k, p) {
			if (!json_is_true(json_object_get(p, "visible")))
				continue;
			if (!any)
				fputs("<ul class=posts>\n", f);
			any = true;
			site_post(f, p, lang, 0);
		}
		if (any)
			fputs("</ul>\n", f);
		fputs("</section>\n", f);
	}
	fputs("</section>\n", f);
	json_decref(site);
}

int report_render_html(report_job_t *j)
{
	report_t *r = j->r;
	FILE *f = j->f;
	const char *lang = r->lang;
	fprintf(f,
	        "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	        "<title>",
	        !strcmp(r->lang, "nl") ? "nl" : "en");
	esc(f, r->title);
	fprintf(f,
	        " — %s</title>\n<style>%s</style>\n</head>\n<body>\n<header class=cover>\n"
	        "<h1>%s</h1>\n<h2>",
	        W("report_title"), CSS, W("report_title"));
	esc(f, r->title);
	fputs("</h2>\n", f);
	if (*r->subtitle) {
		fputs("<p>", f);
		esc(f, r->subtitle);
		fputs("</p>\n", f);
	}
	fputs("<p>", f);
	for (size_t i = 0; i < r->n_dates; i++) {
		char d[64];
		report_date_long(r->dates[i], r->lang, d, sizeof d);
		fprintf(f, "%s", i ? " · " : "");
		esc(f, d);
	}
	fputs("</p>\n", f);
	fprintf(f, "<p class=note>%s</p>\n</header>\n", W("accessible_html"));
	if (r->summary_md) {
		fprintf(f, "<h3>%s</h3>\n<p>", W("summary"));
		esc_lines(f, r->summary_md);
		fputs("</p>\n", f);
	}
	fprintf(f, "<h3>%s</h3>\n", W("presentation"));
	for (size_t i = 0; i < r->n_slides; i++)
		if (!slide_is_question(&r->slides[i]))
			fprintf(f, "<section class=slide>\n%s</section>\n", r->slides[i].body_html);
	fprintf(f, "<h3>%s</h3>\n", W("results"));
	size_t done = 0, ns = r->n_sessions;
	report_counts_t *qc = xcalloc(r->n_questions * ns + 1, sizeof *qc);
	for (size_t i = 0; i < r->n_slides; i++) {
		if (!slide_is_question(&r->slides[i]))
			continue;
		report_question_t q;
		int rc = report_job_load(j, i, &q);
		if (rc != 0) {
			free(qc);
			return rc;
		}
		memcpy(&qc[(size_t)(q.number - 1) * ns], q.per_session, ns * sizeof *qc);
		fprintf(f, "<section class=q>\n<h3>%d. ", q.number);
		esc(f, r->slides[i].title);
		fputs("</h3>\n", f);
		results(f, r, &q, lang);
		fputs("</section>\n", f);
		report_question_clear(&q);
		report_tick(j, ++done);
	}
	website(f, r, qc, lang);
	free(qc);
	fputs("</body>\n</html>\n", f);
	return 0;
}
