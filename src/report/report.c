/*
 * report: the model. Opening a report reads the event, re-parses its deck
 * for the dates, turns the stored slide JSON back into slides and lists the
 * sessions; loading a question reads its answers session by session and
 * feeds them to one tally per session and one for all of them together.
 *
 * Invariant: a loaded question owns everything it points to, so clearing it
 * returns the memory before the next question is read.
 */
#include "report/report.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <malloc.h>

#include "model/answer.h"
#include "model/tally.h"
#include "report/internal.h"
#include "util/xalloc.h"

/* A copy of s, "" for NULL. */
static char *dup_or_die(const char *s)
{
	return xstrdup(s ? s : "");
}

typedef struct open_ctx {
	report_t *r;
	int want; /* 1-based session number, 0 for all */
	int seen;
} open_ctx_t;

static void on_session(const store_session_t *s, void *arg)
{
	open_ctx_t *c = arg;
	c->seen++;
	if (c->want && c->want != c->seen)
		return;
	report_t *r = c->r;
	report_session_t *v = xrealloc(r->sessions, (r->n_sessions + 1) * sizeof *v);
	r->sessions = v;
	report_session_t *rs = &v[r->n_sessions++];
	memset(rs, 0, sizeof *rs);
	rs->id = s->id;
	rs->number = c->seen;
	snprintf(rs->code, sizeof rs->code, "%s", s->code);
	rs->ended = s->status != 0;
	rs->started_at = s->started_at;
	rs->ended_at = s->ended_at;
	rs->online = s->self_paced;
	snprintf(rs->name, sizeof rs->name, "%s", s->name);
	time_t t = (time_t)(s->started_at / 1000);
	struct tm tm;
	if (localtime_r(&t, &tm))
		strftime(rs->date, sizeof rs->date, "%Y-%m-%d", &tm);
}

int report_open(store_t *st, int64_t event_id, const char *code, int session, report_t **out,
                char *err, size_t errlen)
{
	store_event_t ev = {0};
	store_slide_t *ss = NULL;
	size_t n_ss = 0;
	deck_t *deck = NULL;
	report_t *r = NULL;
	int rc;

	if (session < 0) {
		snprintf(err, errlen, "a session number is 1 or more");
		return REPORT_EINVAL;
	}
	if (code) {
		store_session_t s;
		rc = store_session_by_code(st, code, &s);
		if (rc == STORE_NOTFOUND) {
			snprintf(err, errlen, "no session has the code %s", code);
			return REPORT_ENOTFOUND;
		}
		if (rc != STORE_OK)
			goto store_fail;
		event_id = s.event_id;
	}
	rc = store_event_get(st, event_id, &ev);
	if (rc == STORE_NOTFOUND) {
		snprintf(err, errlen, "no event has the id %lld", (long long)event_id);
		return REPORT_ENOTFOUND;
	}
	if (rc != STORE_OK)
		goto store_fail;
	if (store_event_slides(st, event_id, &ss, &n_ss) != STORE_OK)
		goto store_fail;

	r = xcalloc(1, sizeof *r);
	r->store = st;
	r->event_id = event_id;
	r->title = dup_or_die(ev.title);
	r->subtitle = dup_or_die(ev.subtitle);
	r->lang = dup_or_die(ev.lang);
	r->generated_at = store_now_ms();
	r->until_id = INT64_MAX;
	/* the facilitator's summary of the meeting, when there is one */
	char owner[128];
	int64_t updated;
	char *summary = NULL;
	if (store_event_extra(st, event_id, &summary, &updated, owner, sizeof owner) == STORE_OK &&
	    summary && *summary)
		r->summary_md = summary;
	else
		free(summary);
	r->slides = xcalloc(n_ss ? n_ss : 1, sizeof *r->slides);
	r->slide_ids = xcalloc(n_ss ? n_ss : 1, sizeof *r->slide_ids);
	for (size_t i = 0; i < n_ss; i++) {
		json_error_t je;
		json_t *j = json_loads(ss[i].json, 0, &je);
		int bad = !j || slide_from_json(j, &r->slides[r->n_slides]) < 0;
		json_decref(j);
		if (bad) {
			snprintf(err, errlen, "slide %zu of event %lld is damaged in the database",
			         i + 1, (long long)event_id);
			rc = REPORT_ESTORE;
			goto fail;
		}
		r->slide_ids[r->n_slides] = ss[i].id;
		if (slide_is_question(&r->slides[r->n_slides]))
			r->n_questions++;
		r->n_slides++;
	}

	open_ctx_t oc = {.r = r, .want = session};
	if (store_event_sessions(st, event_id, on_session, &oc) != STORE_OK)
		goto store_fail;
	if (session && r->n_sessions == 0) {
		snprintf(err, errlen, "event %lld has %d session%s; there is no session %d",
		         (long long)event_id, oc.seen, oc.seen == 1 ? "" : "s", session);
		rc = REPORT_EINVAL;
		goto fail;
	}

	/* The deck's own dates say when the meetings were; a deck without
	 * them is dated by its sessions. */
	char perr[256];
	if (ev.deck_md &&
	    deck_parse(ev.deck_md, strlen(ev.deck_md), &deck, perr, sizeof perr) == 0 &&
	    deck->n_dates > 0 && !session) {
		r->dates = xcalloc(deck->n_dates, sizeof *r->dates);
		for (size_t i = 0; i < deck->n_dates; i++)
			r->dates[r->n_dates++] = dup_or_die(deck->dates[i]);
	} else {
		r->dates = xcalloc(r->n_sessions ? r->n_sessions : 1, sizeof *r->dates);
		/* the online session is no meeting: its date counts only when
		 * there is nothing else */
		bool meetings = false;
		for (size_t i = 0; i < r->n_sessions; i++)
			meetings |= !r->sessions[i].online;
		for (size_t i = 0; i < r->n_sessions; i++) {
			if (meetings && r->sessions[i].online)
				continue;
			if (r->n_dates && !strcmp(r->dates[r->n_dates - 1], r->sessions[i].date))
				continue;
			r->dates[r->n_dates++] = dup_or_die(r->sessions[i].date);
		}
	}
	deck_free(deck);
	store_slides_free(ss, n_ss);
	store_event_clear(&ev);
	*out = r;
	return 0;

store_fail:
	snprintf(err, errlen, "the database could not be read: %s", store_errmsg(st));
	rc = REPORT_ESTORE;
fail:
	deck_free(deck);
	store_slides_free(ss, n_ss);
	store_event_clear(&ev);
	report_free(r);
	return rc;
}

void report_free(report_t *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_slides; i++)
		slide_clear(&r->slides[i]);
	free(r->slides);
	free(r->slide_ids);
	for (size_t i = 0; i < r->n_dates; i++)
		free(r->dates[i]);
	free(r->dates);
	free(r->sessions);
	free(r->title);
	free(r->subtitle);
	free(r->lang);
	free(r->summary_md);
	free(r);
}

/* ---- one question ---- */

/* The participant key the tallies count by: the first 64 bits of the
 * stored keyed hash, enough to tell participants apart. */
static uint64_t participant_key(const char *hex)
{
	uint64_t k = 0;
	for (int i = 0; hex && i < 16 && hex[i]; i++) {
		char c = hex[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
		k = k << 4 | (uint64_t)v;
	}
	return k;
}

/* The value for a reader (model/answer.h); a damaged value is shown as
 * stored rather than dropped. */
static char *answer_text_or_raw(const slide_t *s, const json_t *v, const char *raw)
{
	char *t = answer_text(s, v);
	if (*t || (s->kind == SLIDE_OPEN && json_is_string(v)))
		return t;
	free(t);
	return dup_or_die(raw);
}

typedef struct load_ctx {
	report_t *r;
	report_question_t *q;
	const slide_t *slide;
	size_t session;
	tally_t *t, *all;
	size_t cap;
} load_ctx_t;

static void on_answer(const store_answer_t *a, void *arg)
{
	load_ctx_t *c = arg;
	if (a->id > c->r->until_id)
		return;
	report_question_t *q = c->q;
	json_error_t je;
	json_t *v = json_loads(a->value ? a->value : "null", JSON_DECODE_ANY, &je);
	if (q->n_answers == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		q->answers = xrealloc(q->answers, c->cap * sizeof *q->answers);
	}
	report_answer_t *ra = &q->answers[q->n_answers++];
	ra->id = a->id;
	ra->session = c->session;
	ra->value = dup_or_die(a->value);
	ra->text = answer_text_or_raw(c->slide, v, ra->value);
	ra->at_ms = a->at_ms;
	ra->hidden = a->hidden;
	ra->answered = a->answered;
	if (v) {
		uint64_t who = participant_key(a->participant);
		tally_add(c->t, a->id, who, v, a->at_ms, a->hidden, a->answered, false);
		tally_add(c->all, a->id, who, v, a->at_ms, a->hidden, a->answered, false);
		ra->counted = tally_has(c->t, a->id);
	}
	if (a->hidden)
		q->per_session[c->session].hidden++;
	/* the tallies keep no value (tally_counts_only): the parsed one goes */
	json_decref(v);
}

/* The index into q->answers of the answer id among by[0..n), indexes into
 * q->answers in id order; n when it is not there. */
static size_t find_answer(const report_question_t *q, const size_t *by, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (q->answers[by[mid]].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && q->answers[by[lo]].id == id ? by[lo] : SIZE_MAX;
}

static int by_answer_id(const void *a, const void *b, void *ctx)
{
	const report_answer_t *v = ctx;
	int64_t x = v[*(const size_t *)a].id, y = v[*(const size_t *)b].id;
	return (x > y) - (x < y);
}

/* The Q&A questions of t as indexes into q->answers. */
static void qa_list(report_question_t *q, const tally_t *t, const size_t *by, size_t n,
                    report_qa_list_t *out)
{
	tally_question_t *tq;
	size_t m = tally_questions(t, &tq);
	out->v = xcalloc(m ? m : 1, sizeof *out->v);
	out->n = 0;
	for (size_t k = 0; k < m; k++) {
		size_t i = find_answer(q, by, n, tq[k].id);
		assert(i != SIZE_MAX); /* the tally counted only answers listed */
		out->v[out->n++] = (report_qa_t){.answer = i,
		                                 .votes = tq[k].votes,
		                                 .answered = tq[k].answered,
		                                 .pinned = tq[k].pinned};
	}
	free(tq);
}

/* Themes of an open question's visible answers; members are turned from
 * indexes among the visible answers into indexes into q->answers. */
static void group_themes(const report_t *r, report_question_t *q)
{
	const char **texts = xcalloc(q->n_answers + 1, sizeof *texts);
	size_t *idx = xcalloc(q->n_answers + 1, sizeof *idx), n = 0;
	for (size_t i = 0; i < q->n_answers; i++)
		if (!q->answers[i].hidden) {
			idx[n] = i;
			texts[n++] = q->answers[i].text;
		}
	themes_options_t o = {.lang = r->lang,
	                      .context = r->slides[q->slide].title,
	                      .other_label = report_word(r->lang, "other")};
	if (themes_build(texts, n, &o, &q->themes) == 0)
		for (size_t g = 0; g < q->themes.n_groups; g++)
			for (size_t k = 0; k < q->themes.groups[g].n; k++)
				q->themes.groups[g].members[k].answer =
				    idx[q->themes.groups[g].members[k].answer];
	free(texts);
	free(idx);
}

int report_question_load(report_t *r, size_t slide, report_question_t *q)
{
	memset(q, 0, sizeof *q);
	if (r->cancel && atomic_load(r->cancel))
		return REPORT_ECANCELED;
	if (slide >= r->n_slides || !slide_is_question(&r->slides[slide]))
		return REPORT_EINVAL;
	const slide_t *s = &r->slides[slide];
	q->slide = slide;
	for (size_t i = 0; i <= slide; i++)
		q->number += slide_is_question(&r->slides[i]);
	size_t ns = r->n_sessions;
	q->n_sessions = ns;
	q->per_session = xcalloc(ns ? ns : 1, sizeof *q->per_session);
	q->tallies = xcalloc(ns ? ns : 1, sizeof *q->tallies);
	bool qa = s->kind == SLIDE_QA;
	if (qa)
		q->qa = xcalloc(ns + 1, sizeof *q->qa);
	load_ctx_t c = {.r = r, .q = q, .slide = s, .all = tally_new(s)};
	tally_counts_only(c.all);
	int rc = 0;
	for (size_t i = 0; i < ns; i++) {
		c.session = i;
		c.t = tally_new(s);
		tally_counts_only(c.t);
		size_t first = q->n_answers;
		if (store_answers_slide(r->store, r->sessions[i].id, r->slide_ids[slide], on_answer,
		                        &c) != STORE_OK)
			rc = REPORT_ESTORE;
		q->per_session[i].participants = tally_respondents(c.t);
		q->per_session[i].answers = tally_answers(c.t);
		q->tallies[i] = tally_json(c.t, false);
		q->total.hidden += q->per_session[i].hidden;
		if (qa) { /* a session's answers come in id order */
			size_t n = q->n_answers - first;
			size_t *by = xcalloc(n + 1, sizeof *by);
			for (size_t k = 0; k < n; k++)
				by[k] = first + k;
			qa_list(q, c.t, by, n, &q->qa[i]);
			free(by);
		}
		tally_free(c.t);
	}
	q->total.participants = tally_respondents(c.all);
	q->total.answers = tally_answers(c.all);
	q->combined = tally_json(c.all, false);
	if (qa) {
		size_t *by = xcalloc(q->n_answers + 1, sizeof *by);
		for (size_t k = 0; k < q->n_answers; k++)
			by[k] = k;
		qsort_r(by, q->n_answers, sizeof *by, by_answer_id, q->answers);
		qa_list(q, c.all, by, q->n_answers, &q->qa[ns]);
		free(by);
	}
	tally_free(c.all);
	if (rc == 0 && s->kind == SLIDE_OPEN)
		group_themes(r, q);
	if (rc)
		report_question_clear(q);
	return rc;
}

void report_question_clear(report_question_t *q)
{
	for (size_t i = 0; i < q->n_answers; i++) {
		free(q->answers[i].value);
		free(q->answers[i].text);
	}
	free(q->answers);
	free(q->per_session);
	for (size_t i = 0; q->tallies && i < q->n_sessions; i++)
		json_decref(q->tallies[i]);
	free(q->tallies);
	json_decref(q->combined);
	for (size_t i = 0; q->qa && i <= q->n_sessions; i++)
		free(q->qa[i].v);
	free(q->qa);
	themes_clear(&q->themes);
	memset(q, 0, sizeof *q);
#ifdef __GLIBC__
	/* glibc keeps a large question's freed pages in its heap, where the
	 * next question need not reuse them: give them back, so that a
	 * report's memory is that of its largest question, not a sum of
	 * their fragments (issue 16; about 60 MB between the questions of a
	 * 1,000,000-answer report without it) */
	malloc_trim(0);
#endif
}

/* ---- formats and writing ---- */

static const char *const FORMATS[] = {"pdf", "md", "html", "csv", "xlsx", "json"};

int report_format_parse(const char *name, report_format_t *out)
{
	for (size_t i = 0; i < sizeof FORMATS / sizeof *FORMATS; i++)
		if (name && strcmp(name, FORMATS[i]) == 0) {
			*out = (report_format_t)i;
			return 0;
		}
	return -1;
}

int report_job_load(report_job_t *j, size_t slide, report_question_t *q)
{
	int rc = report_question_load(j->r, slide, q);
	if (rc == REPORT_ECANCELED)
		snprintf(j->err, j->errlen, "the report was stopped before it was done");
	else if (rc != 0)
		snprintf(j->err, j->errlen, "the answers could not be read");
	return rc;
}

void report_tick(report_job_t *j, size_t done)
{
	size_t total = j->ticks ? j->ticks : j->r->n_questions;
	if (j->progress)
		j->progress(done < total ? done : total, total, j->arg);
}

int report_write(report_t *r, report_format_t fmt, const char *path, report_progress_fn progress,
                 void *arg, char *err, size_t errlen)
{
	report_job_t j = {
	    .r = r, .path = path, .progress = progress, .arg = arg, .err = err, .errlen = errlen};
	if (fmt == REPORT_PDF)
		return report_render_pdf(&j);
	if (fmt == REPORT_XLSX)
		return report_render_xlsx(&j);
	j.f = fopen(path, "wb");
	if (!j.f) {
		snprintf(err, errlen, "cannot write %s: %m", path);
		return REPORT_EWRITE;
	}
	int rc;
	switch (fmt) {
	case REPORT_MD: rc = report_render_md(&j); break;
	case REPORT_HTML: rc = report_render_html(&j); break;
	case REPORT_CSV: rc = report_render_csv(&j); break;
	case REPORT_JSON: rc = report_render_json(&j); break;
	default:
		rc = REPORT_EINVAL;
		snprintf(err, errlen, "unknown report format");
		break;
	}
	bool bad = ferror(j.f) != 0;
	if (fclose(j.f) != 0)
		bad = true;
	if (rc == 0 && bad) {
		snprintf(err, errlen, "cannot write %s: %m", path);
		rc = REPORT_EWRITE;
	}
	return rc;
}

/* ---- words and dates ---- */

static const i18n_entry_t entries[] = {
    {"report_title", "Presentatie en resultaten", "Presentation and results"},
    {"presentation", "Presentatie", "Presentation"},
    {"results", "Antwoorden", "Answers"},
    {"summary", "Samenvatting van de bijeenkomst", "Summary of the meeting"},
    {"session", "Sessie", "Session"},
    {"sessions", "Sessies", "Sessions"},
    {"combined", "Totaal", "Combined"},
    {"participants", "deelnemers", "participants"},
    {"answers", "antwoorden", "answers"},
    {"hidden", "verborgen", "hidden"},
    {"hidden_note", "verborgen antwoorden zijn weggelaten", "hidden answers are left out"},
    {"no_answers", "Geen antwoorden.", "No answers."},
    {"page", "pagina", "page"},
    {"of", "van", "of"},
    {"mean", "gemiddelde", "mean"},
    {"votes", "stemmen", "votes"},
    {"answered", "beantwoord", "answered"},
    {"question", "Vraag", "Question"},
    {"made", "Gemaakt met inspraak op", "Made with inspraak on"},
    {"entries", "woorden", "words"},
    {"summary_missing", "", ""},
    {"themes", "Thema's", "Themes"},
    {"themes_note",
     "antwoorden gegroepeerd naar de woorden die ze delen; elk antwoord in één thema",
     "answers grouped by the words they share; each answer in one theme"},
    {"other", "Overig", "Other"},
    {"more", "meer", "more"},
    {"count", "aantal", "count"},
    {"date", "datum", "date"},
    {"time", "tijd", "time"},
    {"value", "antwoord", "answer"},
    {"visible", "zichtbaar", "visible"},
    {"yes", "ja", "yes"},
    {"no", "nee", "no"},
    {"type", "soort", "type"},
    {"slide", "dia", "slide"},
    {"respondents", "deelnemers", "participants"},
    {"image_not_shown", "Afbeelding niet getoond", "Image not shown"},
    {"image_too_large", "te groot om te tekenen", "too large to draw"},
    {"image_animated", "een bewegende WebP-afbeelding; gebruik een stilstaand beeld",
     "an animated WebP image; use a still image"},
    {"image_unreadable", "het bestand is beschadigd of geen afbeelding",
     "the file is damaged or not an image"},
    {"online", "Online, tussen de bijeenkomsten", "Online, between the meetings"},
    {"since", "vanaf", "from"},
    {"notes", "Notities", "Notes"}, /* a slide's speaker notes, when asked for */
    {"participant", "deelnemer", "participant"},
    {"answer", "antwoord", "answer"},
    {"vote", "stem", "vote"},
    {"hidden_note_one", "verborgen antwoord is weggelaten", "hidden answer is left out"},
    /* the overview a council reads first (issue 16): contents, one page per
     * question, then every answer as an appendix */
    {"contents", "Inhoud", "Contents"},
    {"overview", "Overzicht", "Overview"},
    {"appendix", "Bijlage: alle antwoorden", "Appendix: every answer"},
    {"channel", "kanaal", "channel"},
    {"meeting", "bijeenkomst", "meeting"},
    {"channel_online", "online", "online"},
    {"agree", "eens", "agree"},
    {"in_appendix", "Alle antwoorden staan in de bijlage, vanaf pagina",
     "Every answer is in the appendix, from page"},
    {"top_questions", "Meest gesteunde vragen", "Most supported questions"},
    {"distribution", "verdeling", "distribution"},
    /* which version of the report is the accessible one */
    {"accessible_html", "Dit is de toegankelijke versie van het verslag.",
     "This is the accessible version of the report."},
    {"accessible_pdf", "De toegankelijke versie van dit verslag is de HTML-versie.",
     "The accessible version of this report is the HTML version."},
    /* the website (website.c, md.c) */
    {"website", "Op de website", "On the website"},
    {"website_question", "Dit onderwerp is vraag", "This topic is question"},
    {"contributions", "bijdragen", "contributions"},
    {"replies", "reacties", "replies"},
    {"supports", "ik ook", "me too"},
    {"reaction", "Reactie van de gemeente", "The municipality's reaction"},
    {"contribution", "bijdrage", "contribution"},
    {"reply", "reactie", "reply"},
    {"reply_to", "bij", "to"},
    {"topic", "onderwerp", "topic"},
    /* the process per topic and channel in the HTML and PDF (issue 14) */
    {"ch_channel", "Kanaal", "Channel"},
    {"ch_hall", "Zaal, bijeenkomst", "Hall, meeting"},
    {"ch_questionnaire", "Online vragenlijst", "Online questionnaire"},
    {"ch_website", "Website", "Website"},
    {"ch_participants", "Deelnemers", "Participants"},
    {"ch_items", "Antwoorden en bijdragen", "Answers and contributions"},
    {"ch_supports", "Ik ook", "Me too"},
    {"ch_replies", "Reacties", "Replies"},
    {"ch_caption", "Per kanaal", "Per channel"},
    {"ch_more", "Meer bijdragen staan in de HTML-versie van dit verslag.",
     "More contributions are in the HTML version of this report."},
    /* the months, for dates such as "16 oktober 2020" */
    {"january", "januari", "January"},
    {"february", "februari", "February"},
    {"march", "maart", "March"},
    {"april", "april", "April"},
    {"may", "mei", "May"},
    {"june", "juni", "June"},
    {"july", "juli", "July"},
    {"august", "augustus", "August"},
    {"september", "september", "September"},
    {"october", "oktober", "October"},
    {"november", "november", "November"},
    {"december", "december", "December"},
};

const i18n_table_t report_words = I18N_TABLE("report", entries);

const char *report_word(const char *lang, const char *key)
{
	/* Every caller passes a key: one missing from the table would print
	 * the key in a report, so the tests' builds stop on it. */
	assert(i18n_has(&report_words, key));
	return i18n_tr(&report_words, lang, key);
}

void report_session_label(const report_t *r, size_t i, char *out, size_t len)
{
	if (r->sessions[i].online)
		snprintf(out, len, "%s", report_word(r->lang, "online"));
	else if (r->sessions[i].name[0])
		snprintf(out, len, "%d (%s)", r->sessions[i].number, r->sessions[i].name);
	else
		snprintf(out, len, "%d", r->sessions[i].number);
}

void report_decimal(const char *lang, double x, int digits, char *out, size_t len)
{
	/* by hand, not through the C locale: a server runs one locale, a
	 * report follows its event's language */
	snprintf(out, len, "%.*f", digits, x);
	if (lang && strcmp(lang, "nl") == 0) {
		char *dot = strchr(out, '.');
		if (dot)
			*dot = ',';
	}
}

int report_agree_percent(const json_t *statement)
{
	const json_t *counts = json_object_get(statement, "counts");
	size_t n = json_array_size(counts);
	double all = 0, agree = 0;
	for (size_t k = 0; k < n; k++) {
		double c = (double)json_integer_value(json_array_get(counts, k));
		all += c;
		if ((double)(k + 1) > ((double)n + 1) / 2)
			agree += c;
	}
	return all > 0 ? (int)(100 * agree / all + 0.5) : -1;
}

void report_date_long(const char *iso, const char *lang, char *out, size_t len)
{
	int y, m, d;
	char tail;
	if (sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12) {
		snprintf(out, len, "%s", iso);
		return;
	}
	static const char *const months[12] = {"january",   "february", "march",    "april",
	                                       "may",       "june",     "july",     "august",
	                                       "september", "october",  "november", "december"};
	snprintf(out, len, "%d %s %d", d, report_word(lang, months[m - 1]), y);
}

void report_time_text(int64_t ms, char *out, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!localtime_r(&t, &tm) || !strftime(out, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(out, len, "%lld", (long long)ms);
}
