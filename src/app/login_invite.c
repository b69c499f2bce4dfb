/*
 * login_invite: invitation codes of a closed panel (login_mail.h;
 * docs/protocol.md, "E-mail on the website"). A facilitator makes codes N
 * at a time and lists them (JSON or CSV); a resident enters one at
 * /p/NAME/invite, which ties their participant to the process's panel,
 * once. Store calls run on the pool (app_write); membership is kept in
 * memory with the e-mail flags (PERSON_PANEL), so a post is checked
 * without the store (login_mail_refusal).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/login_mail.h"
#include "util/html.h"
#include "util/xalloc.h"

enum {
	INVITES_MAX = 500, /* codes made at once */
	INVITE_LEN = 10,
};

/* ---- invitation codes: a closed panel ---- */

/* A code as typed: upper case, without spaces or dashes; false when it
 * cannot be one. */
static bool invite_norm(const char *in, char out[STORE_INVITE_CODE_MAX + 1])
{
	size_t n = 0;
	for (; *in; in++) {
		char c = *in;
		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) ||
		    n == STORE_INVITE_CODE_MAX)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == INVITE_LEN;
}

typedef struct invite_job {
	app_write_t w;
	http_request_t *req;
	int64_t event_id;
	char code[STORE_INVITE_CODE_MAX + 1];
	char participant[33];
	char cookie[160];
	const char *lang;
	int rc;
	/* the workspace's: codes made, or the list */
	char **codes;
	size_t n;
	bool csv;
	json_t *list;
} invite_job_t;

static void invite_page_draw(app_t *a, http_request_t *req, process_t *p, const char *lang,
                             int status, const char *notice, const char *error, const char *cookie)
{
	char base[96];
	login__base_path(p, base, sizeof base);
	buf_t b = BUF_INIT;
	html_printf(&b,
	            "<p>%s</p><form method=\"post\" action=\"%s/invite\" class=\"mail-form\">"
	            "<input type=\"hidden\" name=\"lang\" value=\"%s\">"
	            "<label for=\"code\">%s</label>"
	            "<input type=\"text\" id=\"code\" name=\"code\" autocomplete=\"off\" "
	            "autocapitalize=\"characters\" maxlength=\"20\" required%s>"
	            "<button type=\"submit\">%s</button></form>"
	            "<p><a href=\"%s%s\">%s</a></p>",
	            tr(lang, "invite.why"), base, lang, tr(lang, "invite.code"),
	            error ? " aria-invalid=\"true\"" : "", tr(lang, "invite.use"), base,
	            login__lang_q(p, lang, '?'), tr(lang, "mail.back"));
	login__page(a, req, p, lang, status, tr(lang, "invite.title"), notice, error, b.data,
	            cookie);
	buf_free(&b);
}

static void invite_use_run(app_write_t *w)
{
	invite_job_t *j = (invite_job_t *)w;
	j->rc = store_invite_use(w->st, j->event_id, j->code, j->participant, store_now_ms());
}

static void invite_use_done(app_write_t *w, int status)
{
	invite_job_t *j = (invite_job_t *)w;
	app_t *a = w->app;
	process_t *p = process_by_event(a, j->event_id);
	int rc = status < 0 ? status : j->rc;
	if (!p) {
		http_respond_error(j->req, 404, "not_found", tr(j->lang, "process.no_such"), NULL);
	} else if (rc == 0) {
		login__panel_set(a, j->event_id, j->participant, true);
		char base[96], hdr[400];
		login__base_path(p, base, sizeof base);
		snprintf(hdr, sizeof hdr, "Location: %s/invite?sent=joined%s\r\n%s", base,
		         login__lang_q(p, j->lang, '&'), j->cookie);
		http_respond(j->req, 303, "text/plain; charset=utf-8", hdr, "", 0);
	} else {
		invite_page_draw(a, j->req, p, j->lang,
		                 rc == UV_EALREADY      ? 409
		                 : rc == STORE_NOTFOUND ? 400
		                                        : 503,
		                 NULL,
		                 tr(j->lang, rc == UV_EALREADY      ? "invite.used"
		                             : rc == STORE_NOTFOUND ? "invite.unknown"
		                                                    : "err.unavailable"),
		                 j->cookie);
	}
	free(j);
}

/* GET /p/:name/invite: the form; POST: code=... */
void login_invite_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = process_by_name(a, m->name, m->name_len);
	if (!p) {
		pages_index(a, req, 404, tr("nl", "process.no_such"), NULL);
		return;
	}
	const char *lang = site_lang(req, p);
	char token[33], hex[33], cookie[160], sent[16];
	uint64_t pkey;
	login__participant_of(a, req, token, hex, &pkey, cookie);
	if (req->method == HTTP_M_GET) {
		bool joined =
		    !cookie[0] && (login__person_flags(a, p->event_id, pkey) & PERSON_PANEL);
		const char *notice = joined || (http_query(req, "sent", sent, sizeof sent) > 0 &&
		                                !strcmp(sent, "joined"))
		                         ? tr(lang, "invite.joined")
		                         : NULL;
		invite_page_draw(a, req, p, lang, 200, notice, NULL, cookie);
		return;
	}
	char raw[64] = "";
	int retry;
	http_form_field(req->body, req->body_len, "code", 0, raw, sizeof raw);
	/* guessing costs the same budget as guessing a session's code */
	if (!bucket_take(&a->lookups, http_peer_key(req), uv_now(a->loop), true, &retry)) {
		invite_page_draw(a, req, p, lang, 429, NULL, tr(lang, "err.rate"), cookie);
		return;
	}
	invite_job_t *j = xcalloc(1, sizeof *j);
	if (!invite_norm(raw, j->code)) {
		free(j);
		invite_page_draw(a, req, p, lang, 400, NULL, tr(lang, "invite.unknown"), cookie);
		return;
	}
	j->req = req;
	j->event_id = p->event_id;
	j->lang = lang;
	snprintf(j->participant, sizeof j->participant, "%s", hex);
	snprintf(j->cookie, sizeof j->cookie, "%s", cookie);
	app_write(a, &j->w, invite_use_run, invite_use_done);
}

static void invites_add_run(app_write_t *w)
{
	invite_job_t *j = (invite_job_t *)w;
	/* a taken code (1 in 2^50 a pair) makes a new batch, twice at most */
	for (int attempt = 0; attempt < 3; attempt++) {
		for (size_t i = 0; i < j->n; i++) {
			static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
			for (int k = 0; k < INVITE_LEN; k++)
				j->codes[i][k] = alphabet[randombytes_uniform(32)];
			j->codes[i][INVITE_LEN] = '\0';
		}
		j->rc = store_invite_add(w->st, j->event_id, j->codes, j->n, store_now_ms());
		if (j->rc != STORE_EXISTS)
			break;
	}
}

static void invites_add_done(app_write_t *w, int status)
{
	invite_job_t *j = (invite_job_t *)w;
	if (status < 0 || j->rc < 0) {
		http_respond_error(j->req, 503, "unavailable", tr_req(j->req, "err.unavailable"),
		                   NULL);
	} else {
		json_t *codes = json_array();
		for (size_t i = 0; i < j->n; i++)
			json_array_append_new(codes, json_string(j->codes[i]));
		http_respond_json(j->req, 201, json_pack("{s:o}", "codes", codes), NULL);
	}
	for (size_t i = 0; i < j->n; i++)
		free(j->codes[i]);
	free(j->codes);
	free(j);
}

/* POST /api/v1/events/:event/process/invites {"count": N}: N new codes. */
void login_invites_post(app_t *a, http_request_t *req, const app_match_t *m)
{
	json_t *b = json_loadb(req->body, req->body_len, 0, NULL);
	json_t *c = json_object_get(b, "count");
	json_int_t n = json_is_integer(c) ? json_integer_value(c) : 0;
	json_decref(b);
	if (n < 1 || n > INVITES_MAX) {
		http_respond_error(req, 400, "invalid", tr_req(req, "invite.count"), NULL);
		return;
	}
	invite_job_t *j = xcalloc(1, sizeof *j);
	j->req = req;
	j->event_id = m->id;
	j->n = (size_t)n;
	j->codes = xcalloc(j->n, sizeof *j->codes);
	for (size_t i = 0; i < j->n; i++)
		j->codes[i] = xcalloc(1, STORE_INVITE_CODE_MAX + 1);
	app_write(a, &j->w, invites_add_run, invites_add_done);
}

static void list_code(int64_t event_id, const char *code, int64_t used_at, const char *participant,
                      void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:b}", "code", code, "used", used_at != 0));
}

static void invites_list_run(app_write_t *w)
{
	invite_job_t *j = (invite_job_t *)w;
	j->list = json_array();
	j->rc = store_invites(w->st, j->event_id, list_code, j->list);
}

static void invites_list_done(app_write_t *w, int status)
{
	invite_job_t *j = (invite_job_t *)w;
	if (status < 0 || j->rc < 0) {
		http_respond_error(j->req, 503, "unavailable", tr_req(j->req, "err.unavailable"),
		                   NULL);
	} else if (j->csv) {
		/* for a printed list or a mail merge: code, used */
		buf_t b = BUF_INIT;
		buf_puts(&b, "code,used\r\n");
		size_t i;
		json_t *it;
		json_array_foreach (j->list, i, it)
			buf_printf(&b, "%s,%s\r\n", json_string_value(json_object_get(it, "code")),
			           json_is_true(json_object_get(it, "used")) ? "yes" : "no");
		char hdr[160];
		snprintf(hdr, sizeof hdr,
		         "Content-Disposition: attachment; filename=\"invites-%lld.csv\"\r\n",
		         (long long)j->event_id);
		http_respond(j->req, 200, "text/csv; charset=utf-8", hdr, b.data ? b.data : "",
		             b.len);
		buf_free(&b);
	} else {
		http_respond_json(j->req, 200, json_pack("{s:O}", "codes", j->list), NULL);
	}
	json_decref(j->list);
	free(j);
}

/* GET /api/v1/events/:event/process/invites[?format=csv] */
void login_invites_get(app_t *a, http_request_t *req, const app_match_t *m)
{
	char f[8] = "";
	invite_job_t *j = xcalloc(1, sizeof *j);
	j->req = req;
	j->event_id = m->id;
	j->csv = http_query(req, "format", f, sizeof f) > 0 && strcmp(f, "csv") == 0;
	app_write(a, &j->w, invites_list_run, invites_list_done);
}
