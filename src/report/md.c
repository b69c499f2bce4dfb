/*
 * report/md: the report as CommonMark. The deck's own Markdown is copied as
 * written (the facilitator wrote it); participant text is escaped so that
 * no answer can become a heading, a link, an image or raw HTML.
 */
#include <string.h>

#include "report/internal.h"

/* The report's word for key (report.c) in lang, which must be in scope. */
#define W(key) report_word(lang, key)

/* Participant text as literal Markdown: backslash before every character
 * that can start inline markup, and before what would start a block at
 * the beginning of a line; line breaks become hard breaks inside the item. */
static void md_text(FILE *f, const char *s, const char *indent)
{
	bool bol = true;
	for (; *s; s++) {
		char c = *s;
		if (c == '\r')
			continue;
		if (c == '\n') {
			fprintf(f, "\\\n%s", indent);
			bol = true;
			continue;
		}
		if (strchr("\\`*_[]<>|~&!", c) || (bol && strchr("#+-=>:", c)))
			fputc('\\', f);
		else if (bol && c >= '0' && c <= '9') {
			/* "1." or "1)" at a line start would begin a list */
			size_t n = strspn(s, "0123456789");
			if (s[n] == '.' || s[n] == ')') {
				fwrite(s, 1, n, f);
				fputc('\\', f);
				s += n;
				c = *s;
			}
		}
		if (bol && (c == ' ' || c == '\t')) {
			fputs("&#32;", f);
			continue;
		}
		fputc(c, f);
		bol = false;
	}
}

static void counts_table(FILE *f, const report_t *r, const report_question_t *q, const char *lang)
{
	fprintf(f, "| %s | %s | %s | %s | %s |\n|---|---|--:|--:|--:|\n", W("session"), W("date"),
	        W("participants"), W("answers"), W("hidden"));
	for (size_t i = 0; i < q->n_sessions; i++) {
		char name[64];
		report_session_label(r, i, name, sizeof name);
		fprintf(f, "| %s | %s%s%s | %zu | %zu | %zu |\n", name,
		        r->sessions[i].online ? W("since") : "", r->sessions[i].online ? " " : "",
		        r->sessions[i].date, q->per_session[i].participants,
		        q->per_session[i].answers, q->per_session[i].hidden);
	}
	if (q->n_sessions > 1)
		fprintf(f, "| **%s** | | **%zu** | **%zu** | **%zu** |\n", W("combined"),
		        q->total.participants, q->total.answers, q->total.hidden);
	fputc('\n', f);
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

/* Each theme as a bold label with its count, then its answers. */
static void themes(FILE *f, const report_question_t *q, const char *lang)
{
	fprintf(f, "#### %s\n\n*%s.*\n\n", W("themes"), W("themes_note"));
	for (size_t g = 0; g < q->themes.n_groups; g++) {
		const themes_group_t *t = &q->themes.groups[g];
		fputs("**", f);
		md_text(f, t->label, "");
		fprintf(f, "** (%zu)\n\n", t->n);
		for (size_t k = 0; k < t->n; k++) {
			fputs("- ", f);
			md_text(f, q->answers[t->members[k].answer].text, "  ");
			fputc('\n', f);
		}
		fputc('\n', f);
	}
}

typedef void draw_fn(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                     const char *lang);

static void md_open(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                    const char *lang)
{
	size_t i;
	for (i = 0; i < q->n_answers; i++) {
		if (q->answers[i].hidden)
			continue;
		fputs("- ", f);
		md_text(f, q->answers[i].text, "  ");
		fputc('\n', f);
	}
}

static void md_qa(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                  const char *lang)
{
	const report_qa_list_t *l = &q->qa[q->n_sessions];
	for (size_t i = 0; i < l->n; i++) {
		const report_qa_t *e = &l->v[i];
		fputs("- ", f);
		md_text(f, q->answers[e->answer].text, "  ");
		fprintf(f, " — %lld %s%s%s\n", (long long)e->votes,
		        report_count_word(e->votes, W("vote"), W("votes")), e->answered ? ", " : "",
		        e->answered ? W("answered") : "");
	}
}

static void md_cloud(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                     const char *lang)
{
	size_t i;
	json_t *e;
	json_array_foreach (json_object_get(t, "words"), i, e) {
		fputs("- ", f);
		md_text(f, str(e, "text"), "  ");
		fprintf(f, " (%lld)\n", num(e, "count"));
	}
}

static void md_choice(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                      const char *lang)
{
	size_t i;
	json_t *e;
	fprintf(f, "| | %s | %% |\n|---|--:|--:|\n", W("count"));
	json_array_foreach (json_object_get(t, "options"), i, e) {
		fputs("| ", f);
		md_text(f, str(e, "label"), "");
		fprintf(f, " | %lld | %lld |\n", num(e, "count"), num(e, "percent"));
	}
}

static void md_scale(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                     const char *lang)
{
	size_t i;
	json_t *e;
	fprintf(f, "| | %s |", W("mean"));
	for (int k = 1; k <= s->scale_max; k++)
		fprintf(f, " %d |", k);
	fprintf(f, " %% %s |", W("agree"));
	fputs("\n|---|--:|", f);
	for (int k = 1; k <= s->scale_max; k++)
		fputs("--:|", f);
	fputs("--:|\n", f);
	json_array_foreach (json_object_get(t, "statements"), i, e) {
		fputs("| ", f);
		md_text(f, str(e, "text"), "");
		char m[32]; /* "3,70" in a Dutch report */
		report_decimal(lang, json_number_value(json_object_get(e, "mean")), 2, m, sizeof m);
		fprintf(f, " | %s |", m);
		size_t k;
		json_t *c;
		json_array_foreach (json_object_get(e, "counts"), k, c)
			fprintf(f, " %lld |", (long long)json_integer_value(c));
		int agree = report_agree_percent(e);
		if (agree >= 0)
			fprintf(f, " %d%% |\n", agree);
		else
			fputs(" |\n", f);
	}
}

static void md_rank(FILE *f, const slide_t *s, const report_question_t *q, const json_t *t,
                    const char *lang)
{
	size_t i;
	json_t *e;
	fprintf(f, "| | | %s |\n|--:|---|--:|\n", W("mean"));
	json_array_foreach (json_object_get(t, "options"), i, e) {
		fprintf(f, "| %zu | ", i + 1);
		md_text(f, str(e, "label"), "");
		char m[32];
		report_decimal(lang, json_number_value(json_object_get(e, "mean")), 2, m, sizeof m);
		fprintf(f, " | %s |\n", m);
	}
}

/* The results of each kind, drawn; content slides have none. */
static draw_fn *const draw[] = {
    [SLIDE_OPEN] = md_open,     [SLIDE_QA] = md_qa,       [SLIDE_CLOUD] = md_cloud,
    [SLIDE_CHOICE] = md_choice, [SLIDE_SCALE] = md_scale, [SLIDE_RANK] = md_rank,
};

static void results(FILE *f, const report_t *r, const report_question_t *q, const char *lang)
{
	const slide_t *s = &r->slides[q->slide];
	const json_t *t = q->combined;
	if ((size_t)s->kind < sizeof draw / sizeof *draw && draw[s->kind])
		draw[s->kind](f, s, q, t, lang);
	if (q->total.answers == 0)
		fprintf(f, "%s\n", W("no_answers"));
	if (q->total.hidden)
		fprintf(f, "\n*%zu %s.*\n", q->total.hidden,
		        report_count_word((long long)q->total.hidden, W("hidden_note_one"),
		                          W("hidden_note")));
	fputc('\n', f);
	if (q->themes.n_groups)
		themes(f, q, lang);
}

/* One post as a list item (indent: its level), hidden ones left out. */
static void md_post(FILE *f, const json_t *p, const char *indent, const char *lang)
{
	fprintf(f, "%s- ", indent);
	char deeper[16];
	snprintf(deeper, sizeof deeper, "%s  ", indent);
	md_text(f, str(p, "text"), deeper);
	long long n = num(p, "supports");
	if (n > 0)
		fprintf(f, " (%s: %lld)", W("supports"), n);
	fputc('\n', f);
}

/* The website: per topic its reactions, contributions and replies. */
static void website(FILE *f, report_t *r, const char *lang)
{
	json_t *site = report_website(r);
	if (!site)
		return;
	fprintf(f, "## %s\n\n", W("website"));
	if (*str(site, "description")) {
		md_text(f, str(site, "description"), "");
		fputs("\n\n", f);
	}
	size_t i, k, m;
	json_t *t, *p, *q;
	json_array_foreach (json_object_get(site, "topics"), i, t) {
		json_t *c = json_object_get(t, "counts");
		fputs("### ", f);
		md_text(f, str(t, "title"), "");
		fputs("\n\n", f);
		if (json_is_integer(json_object_get(t, "question")))
			fprintf(f, "%s %lld.\n\n", W("website_question"), num(t, "question"));
		fprintf(f, "%lld %s · %lld %s · %lld %s", num(c, "contributions"),
		        W("contributions"), num(c, "replies"), W("replies"), num(c, "supports"),
		        W("supports"));
		if (num(c, "hidden"))
			fprintf(f, " · %lld %s", num(c, "hidden"), W("hidden"));
		fputs("\n\n", f);
		json_array_foreach (json_object_get(t, "reactions"), k, p) {
			if (!json_is_true(json_object_get(p, "visible")))
				continue;
			fprintf(f, "> **%s:** ", W("reaction"));
			md_text(f, str(p, "text"), "> ");
			fputs("\n\n", f);
		}
		json_array_foreach (json_object_get(t, "posts"), k, p) {
			if (!json_is_true(json_object_get(p, "visible")))
				continue;
			md_post(f, p, "", lang);
			json_array_foreach (json_object_get(p, "reactions"), m, q)
				if (json_is_true(json_object_get(q, "visible"))) {
					fprintf(f, "  - **%s:** ", W("reaction"));
					md_text(f, str(q, "text"), "    ");
					fputc('\n', f);
				}
			json_array_foreach (json_object_get(p, "replies"), m, q)
				if (json_is_true(json_object_get(q, "visible")))
					md_post(f, q, "  ", lang);
		}
		fputc('\n', f);
	}
	json_decref(site);
}

int report_render_md(report_job_t *j)
{
	report_t *r = j->r;
	FILE *f = j->f;
	const char *lang = r->lang;
	fprintf(f, "# %s\n\n## ", W("report_title"));
	md_text(f, r->title, "");
	fputs("\n\n", f);
	if (*r->subtitle) {
		md_text(f, r->subtitle, "");
		fputs("\n\n", f);
	}
	for (size_t i = 0; i < r->n_dates; i++) {
		char d[64];
		report_date_long(r->dates[i], r->lang, d, sizeof d);
		fprintf(f, "%s%s", i ? " · " : "", d);
	}
	fputs(r->n_dates ? "\n\n" : "", f);
	if (r->summary_md)
		fprintf(f, "## %s\n\n%s\n\n", W("summary"), r->summary_md);

	fprintf(f, "## %s\n\n", W("presentation"));
	for (size_t i = 0; i < r->n_slides; i++) {
		const slide_t *s = &r->slides[i];
		if (slide_is_question(s))
			continue;
		/* The slide's Markdown, headings moved two levels down so they nest
		 * under "Presentatie". */
		for (const char *l = s->body_md; *l;) {
			size_t n = strcspn(l, "\n");
			if (*l == '#')
				fputs("##", f);
			fwrite(l, 1, n, f);
			fputc('\n', f);
			l += n + (l[n] == '\n');
		}
		fputc('\n', f);
		if (r->with_notes && s->notes && *s->notes) {
			/* as a quotation, so that nothing in them becomes a heading */
			fprintf(f, "> *%s*\n>\n", report_word(r->lang, "notes"));
			for (const char *l = s->notes; *l;) {
				size_t n = strcspn(l, "\n");
				fputs(n ? "> " : ">", f);
				fwrite(l, 1, n, f);
				fputc('\n', f);
				l += n + (l[n] == '\n');
			}
			fputc('\n', f);
		}
	}

	fprintf(f, "## %s\n\n", W("results"));
	size_t done = 0;
	for (size_t i = 0; i < r->n_slides; i++) {
		if (!slide_is_question(&r->slides[i]))
			continue;
		report_question_t q;
		int rc = report_job_load(j, i, &q);
		if (rc != 0)
			return rc;
		fprintf(f, "### %d. ", q.number);
		md_text(f, r->slides[i].title, "");
		fputs("\n\n", f);
		counts_table(f, r, &q, lang);
		results(f, r, &q, lang);
		report_question_clear(&q);
		report_tick(j, ++done);
	}
	website(f, r, lang);
	return 0;
}
