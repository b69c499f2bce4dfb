/*
 * login_digest: the website's daily digest (login_mail.h; docs/protocol.md,
 * "E-mail on the website"). Once a day at a->digest_hour (or when a
 * facilitator asks), the people with the digest on are read on the pool
 * (app_write); back on the loop, each gets one mail per process when
 * there is news since their last digest: a phase that became current, the
 * municipality's reactions, replies to their own contributions (of their
 * topics, when they chose some). A digest's clock moves only once the mail
 * server took it, so a failed one is tried again with the same news.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/login_mail.h"
#include "app/mail.h"
#include "util/xalloc.h"

/* ---- the digest ---- */

/* The index of the phase current at ms (by its dates), -1 for none. */
static int phase_at(const process_t *p, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char day[16];
	localtime_r(&t, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	int cur = -1;
	for (size_t i = 0; i < p->n_phases; i++)
		if (p->phases[i].start[0] && strcmp(p->phases[i].start, day) <= 0 &&
		    (!p->phases[i].end[0] || strcmp(day, p->phases[i].end) <= 0))
			cur = (int)i;
	return cur;
}

/* The digest's text for person since their last one; false when there is
 * nothing new. */
static bool digest_text(app_t *a, process_t *p, const store_mail_person_t *who, buf_t *out)
{
	const char *lang = process_lang(p);
	uint64_t pkey = live_participant_key(who->participant);
	int64_t since = who->digest_at, now = store_now_ms();
	char base[96];
	login__base_path(p, base, sizeof base);
	size_t items = 0;
	int cur = phase_at(p, now);
	if ((p->phase_changed_at > since || phase_at(p, since) != cur) && cur >= 0) {
		buf_printf(out, tr(lang, "mail.digest_phase"), p->phases[cur].name);
		buf_puts(out, "\n\n");
		items++;
	}
	for (size_t i = 0; i < p->n_posts; i++) {
		const post_t *q = &p->posts[i];
		if (q->at <= since || q->hidden)
			continue;
		const char *key = NULL;
		if (q->kind == STORE_POST_REACTION) {
			key = "mail.digest_reaction";
		} else if (q->kind == STORE_POST_REPLY && q->pkey != pkey) {
			process_t *pp;
			post_t *parent;
			if (process_find_post(a, q->parent, &pp, &parent) && parent->pkey == pkey)
				key = "mail.digest_reply";
		}
		proc_topic_t *t = key ? process_topic(p, q->topic) : NULL;
		if (!t || (who->topics[0] && !login__topics_has(who->topics, t->id)))
			continue;
		buf_printf(out, tr(lang, key), t->title);
		buf_printf(out, "\n%s\n%s%s/topics/%lld\n\n", q->body, a->public_url, base,
		           (long long)t->id);
		items++;
	}
	return items > 0;
}

typedef struct digest_job {
	app_write_t w;
	int64_t event_id; /* 0: every event */
	store_mail_person_t *people;
	size_t n, cap;
	http_request_t *req; /* the facilitator's, or NULL for the timer */
	int64_t day;         /* the timer's YYYYMMDD, claimed before the work */
	int rc;
} digest_job_t;

static void collect(const store_mail_person_t *who, void *arg)
{
	digest_job_t *j = arg;
	if (!who->digest)
		return;
	if (j->n == j->cap) {
		j->cap = j->cap ? 2 * j->cap : 16;
		j->people = xrealloc(j->people, j->cap * sizeof *j->people);
	}
	j->people[j->n++] = *who;
}

static void digest_run(app_write_t *w)
{
	digest_job_t *j = (digest_job_t *)w;
	/* every node's timer fires at the digest's hour; the one that claims
	 * the day sends, the others find the day taken and send nothing */
	if (j->day && (j->rc = store_chore_claim(w->st, "digest", j->day)) != STORE_OK) {
		if (j->rc == STORE_EXISTS)
			j->rc = 0;
		return;
	}
	j->rc = store_mail_people(w->st, j->event_id, collect, j);
}

typedef struct sent_job {
	app_write_t w;
	int64_t event_id, at;
	char participant[33];
} sent_job_t;

static void sent_run(app_write_t *w)
{
	sent_job_t *j = (sent_job_t *)w;
	store_mail_digest_sent(w->st, j->event_id, j->participant, j->at);
}

static void sent_free(app_write_t *w, int status)
{
	free(w);
}

/* The digest went to the mail server: its clock moves on (not before: a
 * digest that failed is tried again with the same news next time). */
static void digest_mailed(void *arg, int status)
{
	sent_job_t *j = arg;
	if (status == 0)
		app_write(j->w.app, &j->w, sent_run, sent_free);
	else
		free(j);
}

static void digest_done(app_write_t *w, int status)
{
	digest_job_t *j = (digest_job_t *)w;
	app_t *a = w->app;
	size_t queued = 0;
	for (size_t i = 0; status == 0 && j->rc == 0 && i < j->n; i++) {
		store_mail_person_t *who = &j->people[i];
		process_t *p = process_by_event(a, who->event_id);
		if (!p || !p->published || !p->email_login)
			continue;
		buf_t text = BUF_INIT;
		const char *lang = process_lang(p);
		int64_t now = store_now_ms();
		if (!digest_text(a, p, who, &text)) {
			buf_free(&text);
			continue;
		}
		char base[96], sig[33], url[800], subject[900], hdr[1800];
		login__base_path(p, base, sizeof base);
		login__unsub_sig(a, p->event_id, who->participant, sig);
		snprintf(url, sizeof url, "%s%s/unsubscribe?u=%s&s=%s", a->public_url, base,
		         who->participant, sig);
		buf_printf(&text, "--\n%s\n%s\n", tr(lang, "mail.digest_footer"), url);
		snprintf(subject, sizeof subject, tr(lang, "mail.digest_subject"), p->title);
		snprintf(hdr, sizeof hdr,
		         "List-Unsubscribe: <%s>\r\n"
		         "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
		         url);
		sent_job_t *sj = xcalloc(1, sizeof *sj);
		sj->w.app = a;
		sj->event_id = who->event_id;
		sj->at = now;
		snprintf(sj->participant, sizeof sj->participant, "%s", who->participant);
		if (mail_send_headers(a, who->address, subject, hdr, text.data, NULL, digest_mailed,
		                      sj) == 0)
			queued++;
		else
			free(sj);
		buf_free(&text);
	}
	if (j->req) {
		if (status < 0 || j->rc < 0)
			http_respond_error(j->req, 503, "unavailable",
			                   tr_req(j->req, "err.unavailable"), NULL);
		else
			http_respond_json(j->req, 200,
			                  json_pack("{s:I, s:I}", "subscribers", (json_int_t)j->n,
			                            "queued", (json_int_t)queued),
			                  NULL);
	}
	for (size_t i = 0; i < j->n; i++)
		sodium_memzero(&j->people[i], sizeof j->people[i]);
	free(j->people);
	free(j);
}

static void digest_start(app_t *a, int64_t event_id, http_request_t *req, int64_t day)
{
	digest_job_t *j = xcalloc(1, sizeof *j);
	j->event_id = event_id;
	j->req = req;
	j->day = day;
	app_write(a, &j->w, digest_run, digest_done);
}

/* POST /api/v1/events/:event/process/digest: the digests of the event's
 * subscribers with news, now (the daily timer's work, for a facilitator
 * and for the tests). */
void login_mail_digest_now(app_t *a, http_request_t *req, const app_match_t *m)
{
	if (!mail_enabled(a)) {
		http_respond_error(req, 503, "no_mail", tr_req(req, "mail.off"), NULL);
		return;
	}
	digest_start(a, m->id, req, 0);
}

/* Every minute: at the digest's hour, once a day, every event's. */
static void digest_tick(uv_timer_t *t)
{
	app_t *a = t->data;
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	int64_t day = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
	if (!mail_enabled(a) || tm.tm_hour != a->digest_hour || a->digest_day == day)
		return;
	a->digest_day = day;
	digest_start(a, 0, NULL, day);
}

void login_mail_set_hour(app_t *a, int hour)
{
	a->digest_hour = hour;
}

void login_mail_start(app_t *a)
{
	uv_timer_init(a->loop, &a->digest_timer);
	a->digest_timer.data = a;
	uv_timer_start(&a->digest_timer, digest_tick, 60 * 1000, 60 * 1000);
}

void login_mail_stop(app_t *a)
{
	if (a->digest_timer.data)
		uv_close((uv_handle_t *)&a->digest_timer, NULL);
}
