/*
 * kaart_claim: an organisation completes and confirms its own entry,
 * without an account, through a one-time link sent to the entry's e-mail
 * address ("Stuur een claimlink" in the editor).
 *
 * The link holds 32 random bytes; the store keeps only their SHA-256
 * (store_kaart_claim_*), valid for KAART_CLAIM_MS and for one save: the
 * form may be opened again within that time, but once the organisation
 * saved, the link is spent (store_kaart_claim_take with use, in one
 * statement, so two saves at once cannot both pass). A save marks the
 * contact as confirmed by the organisation (kaart.h, invariant 3), sets
 * the date last checked to today and, when the kaart's setting asks for
 * it (the default), puts the entry in review instead of publishing it:
 * a facilitator looks before residents see it.
 *
 * Every store call runs through app_write (pool.c); saving is two steps,
 * so that the fields only the workspace sees (what a resident said, where)
 * are taken from memory on the loop thread between them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/kaart.h"
#include "app/mail.h"
#include "util/html.h"
#include "util/log.h"
#include "util/xalloc.h"

enum { KAART_CLAIM_MS = 30 * 60 * 1000 };

typedef struct claim {
	app_write_t job;
	http_request_t *req;
	char lang[4];
	unsigned char hash[32];
	int64_t entry_id, expires_at;
	int rc;
	char *to, *subject, *text; /* the mail, for send */
	json_t *doc;               /* the organisation's fields */
	store_kaart_entry_t row;
	char *dump, status[16];
} claim_t;

static void claim_free(claim_t *c)
{
	free(c->to);
	free(c->subject);
	free(c->text);
	free(c->dump);
	json_decref(c->doc);
	free(c);
}

void kaart_claim_secret(char hex[65], unsigned char hash[32])
{
	unsigned char secret[32];
	randombytes_buf(secret, sizeof secret);
	sodium_bin2hex(hex, 65, secret, sizeof secret);
	auth_sha256(hex, hash);
}

/* ---- sending the link ---- */

static void add_run(app_write_t *job)
{
	claim_t *c = (claim_t *)job;
	c->rc = store_kaart_claim_add(job->st, c->hash, c->entry_id, c->expires_at);
}

static void mailed(void *arg, int status)
{
	if (status < 0)
		log_error("kaart: a claim link for entry %lld was not delivered: %s",
		          (long long)(intptr_t)arg, uv_strerror(status));
}

static void add_done(app_write_t *job, int status)
{
	claim_t *c = (claim_t *)job;
	http_request_t *req = c->req;
	int rc = status < 0 || c->rc ? UV_EIO
	                             : mail_send(job->app, c->to, c->subject, c->text, NULL, mailed,
	                                         (void *)(intptr_t)c->entry_id);
	if (rc < 0) {
		http_respond_error(
		    req, 503, "unavailable",
		    tr(c->lang, rc == UV_ENOSYS ? "kaart.no_mail" : "kaart.not_sent"), NULL);
	} else {
		kaart__see_other(req, "/app/kaart/%lld?claim=sent&lang=%s", (long long)c->entry_id,
		                 c->lang);
	}
	claim_free(c);
}

void kaart_claim_send(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *lang = kaart__ws_lang(req);
	if (!kaart__may_edit(a, req, m, lang))
		return;
	if (!kaart__csrf_ok(a, req, lang))
		return;
	int64_t id = kaart__ws_id(m);
	kaart_entry_t *e = id > 0 ? kaart_find(a, id) : NULL;
	const char *to = e ? json_string_value(json_object_get(e->doc, "email")) : NULL;
	if (!e) {
		http_respond_error(req, 404, "not_found", tr(lang, "kaart.no_such"), NULL);
		return;
	}
	if (!to || !mail_address_ok(to)) {
		http_respond_error(req, 400, "invalid", tr(lang, "kaart.err_email"), NULL);
		return;
	}
	if (!mail_enabled(a)) {
		http_respond_error(req, 503, "unavailable", tr(lang, "kaart.no_mail"), NULL);
		return;
	}
	char hex[65];
	claim_t *c = xcalloc(1, sizeof *c);
	c->req = req;
	snprintf(c->lang, sizeof c->lang, "%s", lang);
	kaart_claim_secret(hex, c->hash);
	c->entry_id = id;
	c->expires_at = store_now_ms() + KAART_CLAIM_MS;
	c->to = xstrdup(to);
	c->subject = xstrdup(tr(lang, "kaart.claim_subject"));
	buf_t t = BUF_INIT;
	buf_printf(&t, tr(lang, "kaart.claim_mail"),
	           json_string_value(json_object_get(e->doc, "name")), a->public_url, hex);
	c->text = buf_steal(&t);
	app_write(a, &c->job, add_run, add_done);
}

/* ---- the organisation's page ---- */

/* The link's secret from the path: 64 hex digits; false otherwise. */
static bool path_secret(const app_match_t *m, unsigned char hash[32])
{
	char hex[65];
	if (m->name_len != 64)
		return false;
	memcpy(hex, m->name, 64);
	hex[64] = '\0';
	if (strspn(hex, "0123456789abcdef") != 64)
		return false;
	auth_sha256(hex, hash);
	return true;
}

static const char *claim_lang(const http_request_t *req)
{
	char l[8];
	int n = req->method == HTTP_M_POST
	            ? http_form_field(req->body, req->body_len, "lang", 0, l, sizeof l)
	            : http_query(req, "lang", l, sizeof l);
	if (n == 2 && !strcmp(l, "en"))
		return "en";
	if (n == 2 && !strcmp(l, "nl"))
		return "nl";
	return tr_req_lang_or(req, "nl");
}

static void message_page(app_t *a, http_request_t *req, const char *lang, int status,
                         const char *key)
{
	buf_t b = BUF_INIT;
	html_printf(&b,
	            "<link rel=\"stylesheet\" href=\"/static/kaart.css\"><header class=\"topbar\">"
	            "<a class=\"event-title\" href=\"/kaart\">%s</a></header>"
	            "<main id=\"main\" class=\"site kaart\"><h1>%s</h1><p>%s</p></main>",
	            tr(lang, "kaart.title"), tr(lang, "kaart.claim"), tr(lang, key));
	pages_site(a, req, status, lang, tr(lang, "kaart.claim"), b.data, NULL);
	buf_free(&b);
}

static void form_page(app_t *a, http_request_t *req, const char *lang, const app_match_t *m,
                      const json_t *doc, const json_t *errors)
{
	char action[96];
	snprintf(action, sizeof action, "/kaart/claim/%.64s", m->name);
	buf_t b = BUF_INIT;
	html_printf(
	    &b,
	    "<link rel=\"stylesheet\" href=\"/static/kaart.css\"><header class=\"topbar\">"
	    "<a class=\"event-title\" href=\"/kaart\">%s</a></header>"
	    "<main id=\"main\" class=\"site kaart kaart-ws\"><h1 dir=\"auto\">%s</h1><p>%s</p>",
	    tr(lang, "kaart.title"), json_string_value(json_object_get(doc, "name")),
	    tr(lang, "kaart.claim_intro"));
	kaart__put_form(&b, a, req, lang, action, NULL, doc, errors);
	html_printf(&b, "</main>");
	pages_site(a, req, json_object_size(errors) ? 422 : 200, lang, tr(lang, "kaart.claim"),
	           b.data, "Referrer-Policy: no-referrer\r\n");
	buf_free(&b);
}

static void look_run(app_write_t *job)
{
	claim_t *c = (claim_t *)job;
	c->rc = store_kaart_claim_take(job->st, c->hash, store_now_ms(), false, &c->entry_id);
}

static void page_done(app_write_t *job, int status)
{
	claim_t *c = (claim_t *)job;
	kaart_entry_t *e = status < 0 || c->rc ? NULL : kaart_find(job->app, c->entry_id);
	if (!e) {
		message_page(job->app, c->req, c->lang, 404, "kaart.claim_gone");
	} else {
		app_match_t m = {.name = c->req->path + strlen("/kaart/claim/"), .name_len = 64};
		json_t *errors = json_object();
		form_page(job->app, c->req, c->lang, &m, e->doc, errors);
		json_decref(errors);
	}
	claim_free(c);
}

/* A claim for the request whose path holds the link's secret, or NULL
 * after answering 404 for a path that holds none. */
static claim_t *claim_of(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *lang = claim_lang(req);
	claim_t *c = xcalloc(1, sizeof *c);
	c->req = req;
	snprintf(c->lang, sizeof c->lang, "%s", lang);
	if (!path_secret(m, c->hash)) {
		claim_free(c);
		message_page(a, req, lang, 404, "kaart.claim_gone");
		return NULL;
	}
	return c;
}

void kaart_claim_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	claim_t *c = claim_of(a, req, m);
	if (!c)
		return;
	app_write(a, &c->job, look_run, page_done);
}

/* ---- saving ---- */

static void save_run(app_write_t *job)
{
	claim_t *c = (claim_t *)job;
	int64_t id = 0;
	c->rc = store_kaart_claim_take(job->st, c->hash, store_now_ms(), true, &id);
	/* the link must still lead to the entry it was looked up for */
	if (c->rc == STORE_OK && id != c->row.id)
		c->rc = STORE_NOTFOUND;
	if (c->rc == STORE_OK)
		c->rc = store_kaart_save(job->st, &c->row, 0, "claim");
}

static void save_done(app_write_t *job, int status)
{
	claim_t *c = (claim_t *)job;
	kaart_entry_t *e = kaart_find(job->app, c->row.id);
	if (status < 0 || c->rc == STORE_ERROR) {
		message_page(job->app, c->req, c->lang, 503, "kaart.not_saved");
	} else if (c->rc || !e) {
		message_page(job->app, c->req, c->lang, 410, "kaart.claim_gone");
	} else {
		c->row.event_id = e->event_id;
		c->row.session_id = e->session_id;
		c->row.answer_id = e->answer_id;
		c->row.post_id = e->post_id;
		kaart_put(job->app, &c->row);
		message_page(job->app, c->req, c->lang, 200,
		             strcmp(c->status, "review") ? "kaart.claim_done"
		                                         : "kaart.claim_review");
	}
	claim_free(c);
}

/* The link was good a moment ago: merge what only the workspace sees into
 * the organisation's fields, then use the link and save in one job. */
static void checked_done(app_write_t *job, int status)
{
	claim_t *c = (claim_t *)job;
	kaart_entry_t *e = status < 0 || c->rc ? NULL : kaart_find(job->app, c->entry_id);
	if (!e) {
		message_page(job->app, c->req, c->lang, 410, "kaart.claim_gone");
		claim_free(c);
		return;
	}
	static const char *const kept[] = {"source_text", "source_url"};
	for (size_t i = 0; i < 2; i++) {
		json_t *v = json_object_get(e->doc, kept[i]);
		if (v)
			json_object_set(c->doc, kept[i], v);
	}
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	json_object_set_new(c->doc, "last_checked", json_string(today));
	json_object_set_new(c->doc, "contact_confirmed", json_true());
	/* confirmed: the next ask is reconfirm_months from today */
	json_object_del(c->doc, "reconfirm_asked");
	snprintf(c->status, sizeof c->status, "%s",
	         job->app->kaart->claim_review                                ? "review"
	         : !strcmp(e->status, "draft") || !strcmp(e->status, "stale") ? "published"
	                                                                      : e->status);
	c->dump = json_dumps(c->doc, JSON_COMPACT);
	c->row = (store_kaart_entry_t){.id = e->id, .status = c->status, .doc = c->dump};
	app_write(job->app, &c->job, save_run, save_done);
}

void kaart_claim_post(app_t *a, http_request_t *req, const app_match_t *m)
{
	claim_t *c = claim_of(a, req, m);
	if (!c)
		return;
	json_t *errors = json_object();
	c->doc = kaart_from_form(req->body, req->body_len, errors);
	/* the form has no such fields: kaart_from_form's empty ones go */
	json_object_del(errors, "source_url");
	json_object_del(errors, "source_text");
	json_object_del(errors, "last_checked");
	if (json_object_size(errors)) {
		form_page(a, req, c->lang, m, c->doc, errors);
		json_decref(errors);
		claim_free(c);
		return;
	}
	json_decref(errors);
	app_write(a, &c->job, look_run, checked_done);
}
