/*
 * kaart_stale: a directory is only useful while it is right. Every
 * reconfirm_months (the kaart's setting, 6 by default) a published entry
 * is asked to confirm again: its e-mail address gets a claim link (valid
 * for KAART_GRACE_DAYS, since a mail may wait days to be read) and the
 * entry's doc notes the day ("reconfirm_asked"). Confirming through the
 * link (kaart_claim.c) dates the check anew and clears the note. When the
 * grace period passes without it, or the entry has no address to ask, the
 * entry becomes stale: still listed, marked "verouderd" (kaart.c).
 *
 * One tick an hour (and one shortly after start) walks memory on the loop
 * and handles one entry at a time through app_write, each job chained to
 * the next, so the store's writes never pile up; a.kaart.busy keeps two
 * ticks from overlapping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/kaart.h"
#include "app/mail.h"
#include "util/log.h"
#include "util/xalloc.h"

enum { TICK_MS = 60 * 60 * 1000, FIRST_MS = 3000 };

typedef struct stale {
	app_write_t job;
	store_kaart_entry_t row;
	char status[16];
	char *doc;
	bool ask;       /* else: becomes stale */
	char chore[40]; /* "kaart-ask:ID", claimed for the day before asking */
	int64_t day;    /* YYYYMMDD */
	char hex[65];
	unsigned char hash[32];
	char *to, *name;
	int rc;
} stale_t;

static void step(app_t *a);

/* today plus days and months, as YYYY-MM-DD */
static void date_add(char out[16], const char *from, int months, int days)
{
	struct tm tm = {0};
	if (sscanf(from, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
		snprintf(out, 16, "9999-12-31");
		return;
	}
	tm.tm_year -= 1900;
	tm.tm_mon += months - 1;
	tm.tm_mday += days;
	tm.tm_hour = 12; /* away from a change of daylight saving time */
	mktime(&tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static void today(char out[16])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* What is due for e: 1 ask, 2 stale, 0 nothing. */
static int due(const app_t *a, const kaart_entry_t *e, const char *now)
{
	if (strcmp(e->status, "published") != 0)
		return 0;
	char checked[16], next[16], end[16];
	const char *c = json_string_value(json_object_get(e->doc, "last_checked"));
	if (c) {
		snprintf(checked, sizeof checked, "%s", c);
	} else {
		time_t t = (time_t)(e->updated_at / 1000);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(checked, sizeof checked, "%Y-%m-%d", &tm);
	}
	date_add(next, checked, a->kaart->reconfirm_months, 0);
	if (strcmp(now, next) < 0)
		return 0;
	const char *asked = json_string_value(json_object_get(e->doc, "reconfirm_asked"));
	const char *to = json_string_value(json_object_get(e->doc, "email"));
	if (!asked && to && mail_enabled(a) && mail_address_ok(to))
		return 1;
	/* asked (or nobody to ask): stale once the grace period is over */
	date_add(end, asked ? asked : next, 0, KAART_GRACE_DAYS);
	return strcmp(now, end) >= 0 ? 2 : 0;
}

static void run(app_write_t *job)
{
	stale_t *s = (stale_t *)job;
	s->rc = 0;
	/* each node runs this round; the node that claims the entry's ask for
	 * the day mails it, another one only learns that it was asked */
	if (s->ask)
		s->rc = store_chore_claim(job->st, s->chore, s->day);
	if (s->ask && !s->rc)
		s->rc = store_kaart_claim_add(job->st, s->hash, s->row.id,
		                              store_now_ms() +
		                                  (int64_t)KAART_GRACE_DAYS * 24 * 3600 * 1000);
	if (!s->rc)
		s->rc = store_kaart_save(job->st, &s->row, 0, s->ask ? "reconfirm-asked" : "stale");
}

static void mailed(void *arg, int status)
{
	if (status < 0)
		log_error("kaart: a request to confirm entry %lld was not delivered: %s",
		          (long long)(intptr_t)arg, uv_strerror(status));
}

static void done(app_write_t *job, int status)
{
	stale_t *s = (stale_t *)job;
	app_t *a = job->app;
	kaart_entry_t *e = kaart_find(a, s->row.id);
	bool other = status >= 0 && s->rc == STORE_EXISTS && e; /* another node asked */
	bool ok = status >= 0 && !s->rc && e;
	if (ok || other) {
		/* another node's save differs only in the link's secret; its own
		 * news brings the stored row */
		s->row.event_id = e->event_id;
		s->row.session_id = e->session_id;
		s->row.answer_id = e->answer_id;
		s->row.post_id = e->post_id;
		kaart_put(a, &s->row);
	}
	if (ok && s->ask) {
		buf_t t = BUF_INIT;
		buf_printf(&t, tr("nl", "kaart.reconfirm_mail"), s->name, a->public_url, s->hex,
		           KAART_GRACE_DAYS);
		char *text = buf_steal(&t);
		mail_send(a, s->to, tr("nl", "kaart.reconfirm_subject"), text, NULL, mailed,
		          (void *)(intptr_t)s->row.id);
		free(text);
	} else if (!ok && !other) {
		log_error("kaart: entry %lld: the re-confirmation could not be stored",
		          (long long)s->row.id);
	}
	free(s->doc);
	free(s->to);
	free(s->name);
	free(s);
	a->kaart->busy = false;
	if ((ok || other) && !atomic_load(&a->stopping))
		step(a); /* the next entry that is due, if any */
}

/* Handles the first entry that is due, if any. */
static void step(app_t *a)
{
	kaart_t *k = a->kaart;
	if (k->busy || k->reconfirm_months <= 0)
		return;
	char now[16];
	today(now);
	for (size_t i = 0; i < k->n; i++) {
		kaart_entry_t *e = k->e[i];
		int what = due(a, e, now);
		if (!what)
			continue;
		stale_t *s = xcalloc(1, sizeof *s);
		json_t *doc = json_deep_copy(e->doc);
		s->ask = what == 1;
		if (s->ask) {
			snprintf(s->chore, sizeof s->chore, "kaart-ask:%lld", (long long)e->id);
			s->day = atoll(now) * 10000 + atoll(now + 5) * 100 + atoll(now + 8);
			kaart_claim_secret(s->hex, s->hash);
			json_object_set_new(doc, "reconfirm_asked", json_string(now));
			s->to = xstrdup(json_string_value(json_object_get(doc, "email")));
			s->name = xstrdup(json_string_value(json_object_get(doc, "name")));
		}
		snprintf(s->status, sizeof s->status, "%s", s->ask ? e->status : "stale");
		s->doc = json_dumps(doc, JSON_COMPACT);
		json_decref(doc);
		s->row = (store_kaart_entry_t){.id = e->id, .status = s->status, .doc = s->doc};
		k->busy = true;
		app_write(a, &s->job, run, done);
		return;
	}
}

static void tick(uv_timer_t *t)
{
	step(t->data);
}

void kaart_stale_start(app_t *a)
{
	uv_timer_init(a->loop, &a->kaart->timer);
	a->kaart->timer.data = a;
	uv_timer_start(&a->kaart->timer, tick, FIRST_MS, TICK_MS);
}

void kaart_stale_stop(app_t *a)
{
	if (a->kaart && a->kaart->timer.data && !uv_is_closing((uv_handle_t *)&a->kaart->timer))
		uv_close((uv_handle_t *)&a->kaart->timer, NULL);
}
