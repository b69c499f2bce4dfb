/*
 * kaart_ws: the sociale kaart in the workspace, for facilitators and
 * admins: the list of every entry with its status (/app/kaart), the
 * editor (/app/kaart/new, /app/kaart/ID), the municipality's themes
 * (/app/kaart/themes), HSDS export and import (/app/kaart/hsds.json) and
 * "Zet op de sociale kaart" for an answer (POST
 * /api/v1/answers/ID/kaart, from the moderation panel).
 *
 * The pages are drawn here, in the website's frame, and work without
 * JavaScript: plain forms that carry the login's CSRF token as a hidden
 * field (checked here, since a form cannot send the X-CSRF-Token header),
 * each POST answered with a redirect (POST-redirect-GET) or the form again
 * with an error beside each wrong field. Moderators may not change the
 * kaart (403): the kaart is a facilitator's.
 *
 * Every read and write of the store goes through app_write (pool.c), so a
 * PostgreSQL round trip never holds the loop; memory (kaart.h) changes in
 * the write's done callback, after the commit.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/kaart.h"
#include "app/process.h"
#include "util/html.h"
#include "util/text.h"
#include "util/xalloc.h"

typedef struct kjob {
	app_write_t job;
	http_request_t *req;
	int64_t user;
	char lang[4];
	store_kaart_entry_t row;
	char *doc; /* row.doc's bytes, owned */
	char action[24], status[16];
	int rc;
	/* an answer to promote: where it is */
	int64_t session_id, slide_id, answer_id;
	char *text;            /* the answer's text, found by run; owned */
	buf_t log;             /* the entry's log drawn as HTML rows (run), for the editor */
	json_t *form, *errors; /* a redrawn form, owned */
	json_t *hsds;          /* an export's or an import's document, owned */
	size_t imported;
	char err[256];
} kjob_t;

static void kjob_free(kjob_t *k)
{
	free(k->doc);
	free(k->text);
	buf_free(&k->log);
	json_decref(k->form);
	json_decref(k->errors);
	json_decref(k->hsds);
	free(k);
}

/* The workspace's language: ?lang= or the form's, else the browser's. */
void kaart__see_other(http_request_t *req, const char *fmt, ...)
{
	char path[200], hdr[224];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	snprintf(hdr, sizeof hdr, "Location: %s\r\n", path);
	http_respond(req, 303, "text/plain; charset=utf-8", hdr, "", 0);
}

const char *kaart__ws_lang(const http_request_t *req)
{
	char l[8];
	int n = req->method == HTTP_M_POST
	            ? http_form_field(req->body, req->body_len, "lang", 0, l, sizeof l)
	            : http_query(req, "lang", l, sizeof l);
	if (n == 2 && (!strcmp(l, "nl") || !strcmp(l, "en")))
		return strcmp(l, "nl") == 0 ? "nl" : "en";
	return tr_req_lang_or(req, "nl");
}

/* Facilitators and admins change the kaart; false once req was answered. */
bool kaart__may_edit(app_t *a, http_request_t *req, const app_match_t *m, const char *lang)
{
	char name[128], role[32] = "";
	who_user_info(a, m->user, name, sizeof name, role, sizeof role);
	if (!strcmp(role, "admin") || !strcmp(role, "facilitator"))
		return true;
	http_respond_error(req, 403, "forbidden", tr(lang, "kaart.facilitators_only"), NULL);
	return false;
}

/* The form's CSRF field or header; false once req was answered 403. */
bool kaart__csrf_ok(app_t *a, http_request_t *req, const char *lang)
{
	char want[65], got[80];
	auth_csrf(a, req, want);
	const char *h = http_header(req, "X-CSRF-Token");
	if (want[0] &&
	    ((h && strlen(h) == 64 && sodium_memcmp(h, want, 64) == 0) ||
	     (http_form_field(req->body, req->body_len, "csrf", 0, got, sizeof got) == 64 &&
	      sodium_memcmp(got, want, 64) == 0)))
		return true;
	http_respond_error(req, 403, "csrf", tr(lang, "api.csrf"), NULL);
	return false;
}

static void put_hidden(buf_t *b, app_t *a, http_request_t *req, const char *lang)
{
	char tok[65];
	auth_csrf(a, req, tok);
	html_printf(b,
	            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	            "<input type=\"hidden\" name=\"lang\" value=\"%s\">",
	            tok, lang);
}

static void put_top(buf_t *b, const char *lang)
{
	html_printf(b,
	            "<link rel=\"stylesheet\" href=\"/static/kaart.css\">"
	            "<header class=\"topbar\"><a class=\"event-title\" href=\"/app\">%s</a>"
	            "<a href=\"/kaart%s\">%s</a></header>",
	            tr(lang, "kaart.workspace"), strcmp(lang, "nl") ? "?lang=en" : "",
	            tr(lang, "kaart.public_list"));
}

static const char *status_key(const char *s)
{
	if (!strcmp(s, "draft"))
		return "kaart.st_draft";
	if (!strcmp(s, "review"))
		return "kaart.st_review";
	if (!strcmp(s, "published"))
		return "kaart.st_published";
	return "kaart.st_stale";
}

/* ---- the list ---- */

void kaart_ws_list(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *lang = kaart__ws_lang(req);
	if (!kaart__may_edit(a, req, m, lang))
		return;
	buf_t b = BUF_INIT;
	put_top(&b, lang);
	html_printf(
	    &b,
	    "<main id=\"main\" class=\"site kaart kaart-ws\"><h1>%s</h1>"
	    "<p class=\"actions\"><a class=\"button\" href=\"/app/kaart/new?lang=%s\">%s</a>"
	    " <a href=\"/app/kaart/themes?lang=%s\">%s</a>"
	    " <a href=\"/app/kaart/hsds.json\" download>%s</a>"
	    " <a href=\"/app/kaart/hsds.zip\" download>%s</a></p>",
	    tr(lang, "kaart.ws_title"), lang, tr(lang, "kaart.new"), lang, tr(lang, "kaart.themes"),
	    tr(lang, "kaart.export"), tr(lang, "kaart.export_csv"));
	html_printf(&b,
	            "<table class=\"kaart-table\"><caption>%s</caption><thead><tr>"
	            "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	            "</tr></thead><tbody>",
	            tr(lang, "kaart.ws_caption"), tr(lang, "kaart.f_name"),
	            tr(lang, "kaart.f_status"), tr(lang, "kaart.f_source"));
	for (size_t i = a->kaart->n; i-- > 0;) {
		const kaart_entry_t *e = a->kaart->e[i];
		html_printf(&b,
		            "<tr><td><a href=\"/app/kaart/%lld?lang=%s\" dir=\"auto\">%s</a></td>"
		            "<td><span class=\"badge st-%s\">%s</span></td><td>",
		            (long long)e->id, lang,
		            json_string_value(json_object_get(e->doc, "name")), e->status,
		            tr(lang, status_key(e->status)));
		if (e->answer_id)
			html_printf(&b, "%s %lld", tr(lang, "kaart.from_answer"),
			            (long long)e->answer_id);
		else if (e->post_id)
			html_printf(&b, "%s %lld", tr(lang, "kaart.from_post"),
			            (long long)e->post_id);
		html_printf(&b, "</td></tr>");
	}
	html_printf(&b, "</tbody></table>");
	html_printf(&b,
	            "<h2>%s</h2><form method=\"post\" action=\"/app/kaart/hsds.json\">"
	            "<p class=\"field\"><label for=\"f-hsds\">%s</label>"
	            "<textarea id=\"f-hsds\" name=\"hsds\" rows=\"4\"></textarea></p>",
	            tr(lang, "kaart.import"), tr(lang, "kaart.import_hint"));
	put_hidden(&b, a, req, lang);
	html_printf(&b, "<p><button type=\"submit\">%s</button></p></form></main>",
	            tr(lang, "kaart.import"));
	pages_site(a, req, 200, lang, tr(lang, "kaart.ws_title"), b.data, NULL);
	buf_free(&b);
}

/* ---- the editor ---- */

int64_t kaart__ws_id(const app_match_t *m)
{
	int64_t id = 0;
	if (m->name_len == 3 && !memcmp(m->name, "new", 3))
		return 0;
	if (!m->name_len || m->name_len > 15)
		return -1;
	for (size_t i = 0; i < m->name_len; i++) {
		if (m->name[i] < '0' || m->name[i] > '9')
			return -1;
		id = id * 10 + (m->name[i] - '0');
	}
	return id > 0 ? id : -1;
}

static const char *str_of(const json_t *doc, const char *k)
{
	const char *s = json_string_value(json_object_get(doc, k));
	return s ? s : "";
}

/* A field's error, as a paragraph its input names with aria-describedby;
 * the attribute to put on the input is written into attr. */
static void field_err(buf_t *b, const json_t *errors, const char *lang, const char *name,
                      char *attr, size_t len)
{
	const char *key = json_string_value(json_object_get(errors, name));
	attr[0] = '\0';
	if (!key)
		return;
	html_printf(b, "<span class=\"error\" id=\"e-%s\">%s</span>", name, tr(lang, key));
	snprintf(attr, len, " aria-invalid=\"true\" aria-describedby=\"e-%s\"", name);
}

/* The attr of field_err is made here of a name that is a literal of this
 * file, never of input: it is copied as it is. */
static void input(buf_t *b, const json_t *errors, const char *lang, const char *name,
                  const char *label, const char *type, const char *value, const char *extra)
{
	char attr[128];
	html_printf(b, "<p class=\"field\"><label for=\"f-%s\">%s</label>", name, tr(lang, label));
	field_err(b, errors, lang, name, attr, sizeof attr);
	html_printf(b, "<input id=\"f-%s\" name=\"%s\" type=\"%s\" value=\"%s\"", name, name, type,
	            value);
	html_raw_trusted(b, attr);
	html_raw_trusted(b, extra);
	html_printf(b, "></p>");
}

static void textarea(buf_t *b, const json_t *errors, const char *lang, const char *name,
                     const char *label, const char *value)
{
	char attr[128];
	html_printf(b, "<p class=\"field\"><label for=\"f-%s\">%s</label>", name, tr(lang, label));
	field_err(b, errors, lang, name, attr, sizeof attr);
	html_printf(b, "<textarea id=\"f-%s\" name=\"%s\" rows=\"4\"", name, name);
	html_raw_trusted(b, attr);
	html_printf(b, ">%s</textarea></p>", value);
}

void kaart__put_form(buf_t *b, app_t *a, http_request_t *req, const char *lang, const char *action,
                     const char *status, const json_t *doc, const json_t *errors)
{
	bool claim = status == NULL;
	html_printf(b, "<form class=\"kaart-form\" method=\"post\" action=\"%s\" novalidate>",
	            action);
	if (claim) /* the link's secret is the credential: no login, no CSRF token */
		html_printf(b, "<input type=\"hidden\" name=\"lang\" value=\"%s\">", lang);
	else
		put_hidden(b, a, req, lang);
	if (json_object_size(errors))
		html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", tr(lang, "kaart.fix"));
	input(b, errors, lang, "name", "kaart.f_name", "text", str_of(doc, "name"),
	      " required maxlength=\"120\"");
	textarea(b, errors, lang, "description", "kaart.f_description", str_of(doc, "description"));
	/* the themes: the municipality's list, plus any the entry has already */
	char attr[128];
	html_printf(b, "<fieldset class=\"kaart-themes\"><legend>%s</legend>",
	            tr(lang, "kaart.f_theme"));
	field_err(b, errors, lang, "themes", attr, sizeof attr);
	json_t *all = json_deep_copy(a->kaart->themes);
	size_t i;
	json_t *v;
	json_array_foreach (json_object_get(doc, "themes"), i, v) {
		bool have = false;
		size_t j;
		json_t *w;
		json_array_foreach (all, j, w)
			have |= json_equal(v, w);
		if (!have)
			json_array_append(all, v);
	}
	json_array_foreach (all, i, v) {
		bool on = false;
		size_t j;
		json_t *w;
		json_array_foreach (json_object_get(doc, "themes"), j, w)
			on |= json_equal(v, w);
		html_printf(b,
		            "<label class=\"check\"><input type=\"checkbox\" name=\"themes\""
		            " value=\"%s\"%s> %s</label>",
		            json_string_value(v), on ? " checked" : "", json_string_value(v));
	}
	json_decref(all);
	html_printf(b, "</fieldset>");
	char *s = kaart_join(doc, "target_groups");
	input(b, errors, lang, "target_groups", "kaart.f_target_list", "text", s, "");
	free(s);
	input(b, errors, lang, "neighbourhood", "kaart.f_neighbourhood", "text",
	      str_of(doc, "neighbourhood"), "");
	s = kaart_join(doc, "languages");
	input(b, errors, lang, "languages", "kaart.f_language_list", "text", s, "");
	free(s);
	const json_t *ad = json_object_get(doc, "address");
	html_printf(b, "<fieldset><legend>%s</legend>", tr(lang, "kaart.address"));
	input(b, errors, lang, "address_1", "kaart.f_street", "text", str_of(ad, "address_1"),
	      " autocomplete=\"off\"");
	input(b, errors, lang, "postal_code", "kaart.f_postal", "text", str_of(ad, "postal_code"),
	      "");
	input(b, errors, lang, "city", "kaart.f_city", "text", str_of(ad, "city"), "");
	html_printf(b, "</fieldset>");
	/* the pin: kaart-map.js places it on the map; keyboards type it */
	char lat[32] = "", lon[32] = "";
	json_t *la = json_object_get(doc, "latitude"), *lo = json_object_get(doc, "longitude");
	if (json_is_number(la))
		snprintf(lat, sizeof lat, "%.6f", json_number_value(la));
	if (json_is_number(lo))
		snprintf(lon, sizeof lon, "%.6f", json_number_value(lo));
	html_printf(b, "<fieldset id=\"kaart-pin\"><legend>%s</legend>", tr(lang, "kaart.pin"));
	input(b, errors, lang, "lat", "kaart.f_lat", "number", lat,
	      " step=\"any\" min=\"-90\" max=\"90\"");
	input(b, errors, lang, "lon", "kaart.f_lon", "number", lon,
	      " step=\"any\" min=\"-180\" max=\"180\"");
	field_err(b, errors, lang, "latitude", attr, sizeof attr);
	field_err(b, errors, lang, "longitude", attr, sizeof attr);
	html_printf(b, "</fieldset>");
	/* opening hours, HSDS's schedule: a row a weekday */
	html_printf(b,
	            "<fieldset class=\"kaart-hours-form\"><legend>%s</legend><table><thead><tr>"
	            "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
	            "</tr></thead><tbody>",
	            tr(lang, "kaart.hours"), tr(lang, "kaart.day"), tr(lang, "kaart.opens"),
	            tr(lang, "kaart.closes"));
	for (int k = 0; k < 7; k++) {
		const char *o = "", *c = "";
		json_array_foreach (json_object_get(doc, "schedules"), i, v) {
			if (!strcmp(str_of(v, "byday"), kaart_days[k])) {
				o = str_of(v, "opens_at");
				c = str_of(v, "closes_at");
			}
		}
		char key[24], ename[24];
		snprintf(key, sizeof key, "kaart.day_%s", kaart_days[k]);
		snprintf(ename, sizeof ename, "opens_%s", kaart_days[k]);
		html_printf(
		    b,
		    "<tr><th scope=\"row\">%s</th><td><input type=\"time\" name=\"opens_%s\""
		    " value=\"%s\" aria-label=\"%s %s\"></td><td><input type=\"time\""
		    " name=\"closes_%s\" value=\"%s\" aria-label=\"%s %s\">",
		    tr(lang, key), kaart_days[k], o, tr(lang, key), tr(lang, "kaart.opens"),
		    kaart_days[k], c, tr(lang, key), tr(lang, "kaart.closes"));
		field_err(b, errors, lang, ename, attr, sizeof attr);
		html_printf(b, "</td></tr>");
	}
	html_printf(b, "</tbody></table></fieldset>");
	input(b, errors, lang, "schedule_description", "kaart.f_hours_text", "text",
	      str_of(doc, "schedule_description"), "");
	html_printf(b, "<fieldset><legend>%s</legend>", tr(lang, "kaart.contact"));
	input(b, errors, lang, "url", "kaart.website", "url", str_of(doc, "url"), "");
	input(b, errors, lang, "email", "kaart.email", "email", str_of(doc, "email"), "");
	input(b, errors, lang, "phone", "kaart.phone", "tel", str_of(doc, "phone"), "");
	if (claim) {
		html_printf(b, "</fieldset>");
		textarea(b, errors, lang, "accessibility", "kaart.accessibility",
		         str_of(doc, "accessibility"));
		html_printf(
		    b,
		    "<p class=\"hint\">%s</p><p class=\"actions\"><button type=\"submit\">%s"
		    "</button></p></form><script src=\"/static/kaart-map.js\" defer></script>",
		    tr(lang, "kaart.claim_hint"), tr(lang, "kaart.confirm"));
		return;
	}
	html_printf(b,
	            "<label class=\"check\"><input type=\"checkbox\" name=\"contact_confirmed\""
	            " value=\"1\"%s> %s</label></fieldset>",
	            json_is_true(json_object_get(doc, "contact_confirmed")) ? " checked" : "",
	            tr(lang, "kaart.f_confirmed"));
	textarea(b, errors, lang, "accessibility", "kaart.accessibility",
	         str_of(doc, "accessibility"));
	input(b, errors, lang, "last_checked", "kaart.f_checked", "date",
	      str_of(doc, "last_checked"), "");
	input(b, errors, lang, "source_url", "kaart.f_source_url", "url", str_of(doc, "source_url"),
	      "");
	textarea(b, errors, lang, "source_text", "kaart.f_source_text", str_of(doc, "source_text"));
	static const char *const st[] = {"draft", "review", "published", "stale"};
	html_printf(b,
	            "<p class=\"field\"><label for=\"f-status\">%s</label><select id=\"f-status\""
	            " name=\"status\">",
	            tr(lang, "kaart.f_status"));
	for (size_t k = 0; k < 4; k++)
		html_printf(b, "<option value=\"%s\"%s>%s</option>", st[k],
		            strcmp(st[k], status) ? "" : " selected", tr(lang, status_key(st[k])));
	html_printf(b,
	            "</select></p><p class=\"actions\"><button type=\"submit\">%s</button></p>"
	            "</form><script src=\"/static/kaart-map.js\" defer></script>",
	            tr(lang, "kaart.save"));
}

static void editor_page(app_t *a, http_request_t *req, const char *lang, int64_t id,
                        const char *status, const json_t *doc, const json_t *errors,
                        const char *log, int http_status)
{
	buf_t b = BUF_INIT;
	put_top(&b, lang);
	const char *name = str_of(doc, "name");
	html_printf(&b,
	            "<main id=\"main\" class=\"site kaart kaart-ws\"><p class=\"crumbs\">"
	            "<a href=\"/app/kaart?lang=%s\">%s</a></p><h1 dir=\"auto\">%s</h1>",
	            lang, tr(lang, "kaart.ws_title"), *name ? name : tr(lang, "kaart.new"));
	char saved[8];
	if (http_query(req, "saved", saved, sizeof saved) == 1)
		html_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
		            tr(lang, "kaart.saved"));
	if (http_query(req, "claim", saved, sizeof saved) == 4 && !strcmp(saved, "sent"))
		html_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
		            tr(lang, "kaart.claim_sent"));
	if (id && kaart_public(kaart_find(a, id)))
		html_printf(&b, "<p><a href=\"/kaart/%lld\">%s</a></p>", (long long)id,
		            tr(lang, "kaart.view_public"));
	char action[48];
	snprintf(action, sizeof action, id ? "/app/kaart/%lld" : "/app/kaart/new", (long long)id);
	kaart__put_form(&b, a, req, lang, action, status, doc, errors);
	const char *email = str_of(doc, "email");
	if (id && *email && !json_object_size(errors)) {
		/* the organisation completes and confirms its entry itself */
		html_printf(&b,
		            "<h2>%s</h2><form method=\"post\" action=\"/app/kaart/%lld/claim\">"
		            "<p class=\"hint\">%s</p>",
		            tr(lang, "kaart.claim"), (long long)id,
		            tr(lang, "kaart.claim_explain"));
		put_hidden(&b, a, req, lang);
		html_printf(&b, "<p><button type=\"submit\">%s</button></p></form>",
		            tr(lang, "kaart.claim_send"));
	}
	if (log && *log) {
		html_printf(&b, "<h2>%s</h2><ul class=\"kaart-log\">", tr(lang, "kaart.log"));
		html_raw_trusted(&b, log); /* drawn by log_row with html_printf */
		html_printf(&b, "</ul>");
	}
	html_printf(&b, "</main>");
	pages_site(a, req, http_status, lang, *name ? name : tr(lang, "kaart.new"), b.data, NULL);
	buf_free(&b);
}

static void log_row(int64_t at, const char *user, const char *action, void *arg)
{
	kjob_t *k = arg;
	time_t t = (time_t)(at / 1000);
	struct tm tm;
	char when[32];
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	html_printf(&k->log, "<li><time>%s</time> %s: %s</li>", when,
	            *user ? user : tr(k->lang, "kaart.nobody"), action);
}

static void log_run(app_write_t *job)
{
	kjob_t *k = (kjob_t *)job;
	k->rc = store_kaart_log(job->st, k->row.id, log_row, k);
}

static void log_done(app_write_t *job, int status)
{
	kjob_t *k = (kjob_t *)job;
	kaart_entry_t *e = kaart_find(job->app, k->row.id);
	if (!e)
		http_respond_error(k->req, 404, "not_found", tr(k->lang, "kaart.no_such"), NULL);
	else
		editor_page(job->app, k->req, k->lang, e->id, e->status, e->doc, NULL,
		            status < 0 ? NULL : k->log.data, 200);
	kjob_free(k);
}

void kaart_ws_entry(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *lang = kaart__ws_lang(req);
	if (!kaart__may_edit(a, req, m, lang))
		return;
	int64_t id = kaart__ws_id(m);
	if (id == 0) {
		json_t *doc = json_object(), *errors = json_object();
		editor_page(a, req, lang, 0, "draft", doc, errors, NULL, 200);
		json_decref(doc);
		json_decref(errors);
		return;
	}
	if (id < 0 || !kaart_find(a, id)) {
		http_respond_error(req, 404, "not_found", tr(lang, "kaart.no_such"), NULL);
		return;
	}
	kjob_t *k = xcalloc(1, sizeof *k);
	k->req = req;
	k->row.id = id;
	snprintf(k->lang, sizeof k->lang, "%s", lang);
	app_write(a, &k->job, log_run, log_done);
}

/* ---- saving ---- */

static void save_run(app_write_t *job)
{
	kjob_t *k = (kjob_t *)job;
	k->rc = store_kaart_save(job->st, &k->row, k->user, k->action);
}

static void save_done(app_write_t *job, int status)
{
	kjob_t *k = (kjob_t *)job;
	http_request_t *req = k->req;
	if (status < 0 || k->rc != STORE_OK) {
		http_respond_error(req, k->rc == STORE_NOTFOUND ? 404 : 503, "unavailable",
		                   tr(k->lang, "kaart.not_saved"), NULL);
	} else {
		kaart_put(job->app, &k->row);
		kaart__see_other(req, "/app/kaart/%lld?saved=1&lang=%s", (long long)k->row.id,
		                 k->lang);
	}
	kjob_free(k);
}

void kaart_ws_save(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *lang = kaart__ws_lang(req);
	if (!kaart__may_edit(a, req, m, lang))
		return;
	if (!kaart__csrf_ok(a, req, lang))
		return;
	int64_t id = kaart__ws_id(m);
	kaart_entry_t *e = id > 0 ? kaart_find(a, id) : NULL;
	if (id < 0 || (id > 0 && !e)) {
		http_respond_error(req, 404, "not_found", tr(lang, "kaart.no_such"), NULL);
		return;
	}
	char status[16];
	if (http_form_field(req->body, req->body_len, "status", 0, status, sizeof status) < 0 ||
	    !kaart_status_ok(status))
		snprintf(status, sizeof status, "%s", e ? e->status : "draft");
	json_t *errors = json_object();
	json_t *doc = kaart_from_form(req->body, req->body_len, errors);
	if (json_object_size(errors)) {
		editor_page(a, req, lang, id, status, doc, errors, NULL, 422);
		json_decref(doc);
		json_decref(errors);
		return;
	}
	json_decref(errors);
	json_t *asked = e ? json_object_get(e->doc, "reconfirm_asked") : NULL;
	if (asked && json_equal(json_object_get(e->doc, "last_checked"),
	                        json_object_get(doc, "last_checked")))
		json_object_set(doc, "reconfirm_asked", asked); /* still waiting for an answer */
	kjob_t *k = xcalloc(1, sizeof *k);
	k->req = req;
	k->user = m->user;
	snprintf(k->lang, sizeof k->lang, "%s", lang);
	k->doc = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	if (e) {
		k->row = (store_kaart_entry_t){.id = e->id,
		                               .event_id = e->event_id,
		                               .session_id = e->session_id,
		                               .answer_id = e->answer_id,
		                               .post_id = e->post_id};
		snprintf(k->action, sizeof k->action, "%s",
		         strcmp(e->status, status) ? status : "edit");
	} else {
		snprintf(k->action, sizeof k->action, "create");
	}
	snprintf(k->status, sizeof k->status, "%s", status);
	k->row.status = k->status;
	k->row.doc = k->doc;
	app_write(a, &k->job, save_run, save_done);
}

/* ---- an answer becomes a draft ---- */

static void find_answer(const store_answer_t *ans, void *arg)
{
	kjob_t *k = arg;
	if (ans->id != k->answer_id || k->text)
		return;
	json_t *v = json_loads(ans->value, JSON_DECODE_ANY, NULL);
	const char *s = json_string_value(v);
	if (!s)
		s = json_string_value(json_object_get(v, "text"));
	k->text = xstrdup(s ? s : ans->value);
	json_decref(v);
}

/* The first line of text, at most KAART_NAME_MAX code points (malloc'd). */
static char *name_of(const char *text)
{
	size_t n = strcspn(text, "\n"), cp = 0, i = 0;
	while (i < n && cp < KAART_NAME_MAX) {
		i++;
		while (i < n && ((unsigned char)text[i] & 0xC0) == 0x80)
			i++;
		cp++;
	}
	char *raw = xstrndup(text, i);
	char *t = text_clean(raw, strlen(raw), false);
	free(raw);
	return t ? t : xstrdup("");
}

static void promote_run(app_write_t *job)
{
	kjob_t *k = (kjob_t *)job;
	k->rc = store_answers_slide(job->st, k->session_id, k->slide_id, find_answer, k);
	if (k->rc != STORE_OK)
		return;
	if (!k->text) {
		k->rc = STORE_NOTFOUND;
		return;
	}
	char *name = name_of(k->text);
	json_t *doc = json_pack("{s:s, s:s, s:b}", "name", *name ? name : "?", "source_text",
	                        k->text, "contact_confirmed", 0);
	free(name);
	const char *field;
	if (kaart_validate(doc, &field)) /* a very long answer: keep its start */
		json_object_del(doc, "source_text");
	k->doc = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	k->row.status = "draft";
	k->row.doc = k->doc;
	k->rc = store_kaart_save(job->st, &k->row, k->user, "create-from-answer");
}

static void promote_done(app_write_t *job, int status)
{
	kjob_t *k = (kjob_t *)job;
	http_request_t *req = k->req;
	if (status < 0 || k->rc != STORE_OK) {
		http_respond_error(req, k->rc == STORE_NOTFOUND ? 404 : 503, "unavailable",
		                   tr_req(req, "kaart.not_saved"), NULL);
	} else {
		kaart_put(job->app, &k->row);
		char url[48];
		snprintf(url, sizeof url, "/app/kaart/%lld", (long long)k->row.id);
		http_respond_json(req, 201,
		                  json_pack("{s:I, s:s}", "id", (json_int_t)k->row.id, "url", url),
		                  NULL);
	}
	kjob_free(k);
}

void kaart_ws_from_answer(app_t *a, http_request_t *req, const app_match_t *m)
{
	if (m->level < ACCESS_FACILITATOR) {
		http_respond_error(req, 403, "forbidden", tr_req(req, "kaart.facilitators_only"),
		                   NULL);
		return;
	}
	kjob_t *k = xcalloc(1, sizeof *k);
	k->req = req;
	k->user = m->user;
	k->answer_id = m->id;
	k->session_id = m->session->row.id;
	k->slide_id = m->slide->id;
	k->row.event_id = m->session->row.event_id;
	k->row.session_id = m->session->row.id;
	k->row.answer_id = m->id;
	snprintf(k->lang, sizeof k->lang, "%s", tr_req_lang(req));
	app_write(a, &k->job, promote_run, promote_done);
}

/* ---- a website contribution becomes a draft ---- */

static void post_run(app_write_t *job)
{
	kjob_t *k = (kjob_t *)job;
	k->rc = store_kaart_save(job->st, &k->row, k->user, "create-from-post");
}

void kaart_ws_from_post(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p;
	post_t *post;
	if (m->level < ACCESS_FACILITATOR) {
		http_respond_error(req, 403, "forbidden", tr_req(req, "kaart.facilitators_only"),
		                   NULL);
		return;
	}
	if (!process_find_post(a, m->id, &p, &post) || post->kind != STORE_POST_CONTRIBUTION) {
		http_respond_error(req, 404, "not_found", tr_req(req, "process.no_post"), NULL);
		return;
	}
	kjob_t *k = xcalloc(1, sizeof *k);
	k->req = req;
	k->user = m->user;
	snprintf(k->lang, sizeof k->lang, "%s", tr_req_lang(req));
	char *name = name_of(post->body);
	json_t *doc = json_pack("{s:s, s:s, s:b}", "name", *name ? name : "?", "source_text",
	                        post->body, "contact_confirmed", 0);
	free(name);
	if (kaart_validate(doc, NULL))
		json_object_del(doc, "source_text");
	if (p->slug) {
		char src[640];
		snprintf(src, sizeof src, "%s/p/%s/topics/%lld", a->public_url, p->slug,
		         (long long)post->topic);
		json_object_set_new(doc, "source_url", json_string(src));
		if (kaart_validate(doc, NULL))
			json_object_del(doc, "source_url");
	}
	k->doc = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	k->row = (store_kaart_entry_t){
	    .status = "draft", .doc = k->doc, .event_id = p->event_id, .post_id = post->id};
	app_write(a, &k->job, post_run, promote_done);
}

/* ---- the themes ---- */

static void themes_run(app_write_t *job)
{
	kjob_t *k = (kjob_t *)job;
	char months[16];
	snprintf(months, sizeof months, "%d", (int)k->imported);
	k->rc = store_meta_set(job->st, "kaart_themes", k->doc);
	if (!k->rc)
		k->rc = store_meta_set(job->st, "kaart_claim_review", k->user ? "1" : "0");
	if (!k->rc)
		k->rc = store_meta_set(job->st, "kaart_reconfirm_months", months);
}

static void themes_done(app_write_t *job, int status)
{
	kjob_t *k = (kjob_t *)job;
	if (status < 0 || k->rc != STORE_OK) {
		http_respond_error(k->req, 503, "unavailable", tr(k->lang, "kaart.not_saved"),
		                   NULL);
	} else {
		json_decref(job->app->kaart->themes);
		job->app->kaart->themes = json_incref(k->hsds);
		job->app->kaart->claim_review = k->user != 0;
		job->app->kaart->reconfirm_months = (int)k->imported;
		kaart__settings_changed(job->app);
		kaart__see_other(k->req, "/app/kaart/themes?saved=1&lang=%s", k->lang);
	}
	kjob_free(k);
}

void kaart_ws_themes(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *lang = kaart__ws_lang(req);
	if (!kaart__may_edit(a, req, m, lang))
		return;
	const char *error = NULL;
	char *text = NULL;
	if (req->method == HTTP_M_POST) {
		if (!kaart__csrf_ok(a, req, lang))
			return;
		text = xmalloc(KAART_THEMES_MAX * KAART_ITEM_MAX * 4 + 8);
		if (http_form_field(req->body, req->body_len, "themes", 0, text,
		                    KAART_THEMES_MAX * KAART_ITEM_MAX * 4 + 8) < 0)
			text[0] = '\0';
		json_t *list = json_array();
		bool bad = !text_valid(text, strlen(text));
		for (char *p = text; !bad && *p;) {
			size_t n = strcspn(p, "\r\n");
			char *t = text_clean(p, n, false);
			if (!t || text_length(t, strlen(t)) > KAART_ITEM_MAX || strchr(t, ','))
				bad = true;
			else if (*t)
				json_array_append_new(list, json_string(t));
			free(t);
			p += n;
			while (*p == '\r' || *p == '\n')
				p++;
		}
		char months[8], review[4];
		long n = -1;
		if (http_form_field(req->body, req->body_len, "reconfirm_months", 0, months,
		                    sizeof months) > 0) {
			char *end;
			n = strtol(months, &end, 10);
			if (*end)
				n = -1;
		}
		if (bad || json_array_size(list) > KAART_THEMES_MAX) {
			error = "kaart.err_themes";
			json_decref(list);
		} else if (n < 0 || n > 60) {
			error = "kaart.err_months";
			json_decref(list);
		} else {
			kjob_t *k = xcalloc(1, sizeof *k);
			k->req = req;
			/* the settings ride in two spare fields of the job */
			k->imported = (size_t)n;
			k->user = http_form_field(req->body, req->body_len, "claim_review", 0,
			                          review, sizeof review) > 0;
			snprintf(k->lang, sizeof k->lang, "%s", lang);
			k->hsds = list;
			k->doc = json_dumps(list, JSON_COMPACT);
			free(text);
			app_write(a, &k->job, themes_run, themes_done);
			return;
		}
	}
	buf_t b = BUF_INIT;
	put_top(&b, lang);
	html_printf(&b,
	            "<main id=\"main\" class=\"site kaart kaart-ws\"><p class=\"crumbs\">"
	            "<a href=\"/app/kaart?lang=%s\">%s</a></p><h1>%s</h1>",
	            lang, tr(lang, "kaart.ws_title"), tr(lang, "kaart.themes"));
	char saved[8];
	if (http_query(req, "saved", saved, sizeof saved) == 1)
		html_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
		            tr(lang, "kaart.saved"));
	if (error)
		html_printf(&b, "<p class=\"error\" role=\"alert\" id=\"e-themes\">%s</p>",
		            tr(lang, error));
	html_printf(&b, "<form method=\"post\" action=\"/app/kaart/themes\">");
	put_hidden(&b, a, req, lang);
	html_printf(&b,
	            "<p class=\"field\"><label for=\"f-themes\">%s</label><textarea id=\"f-themes\""
	            " name=\"themes\" rows=\"10\">",
	            tr(lang, "kaart.themes_hint"));
	if (text) {
		html_text(&b, text);
	} else {
		size_t i;
		json_t *v;
		json_array_foreach (a->kaart->themes, i, v)
			html_printf(&b, "%s\n", json_string_value(v));
	}
	html_printf(&b,
	            "</textarea></p><fieldset><legend>%s</legend><label class=\"check\">"
	            "<input type=\"checkbox\" name=\"claim_review\" value=\"1\"%s> %s</label>"
	            "<p class=\"field\"><label for=\"f-months\">%s</label><input id=\"f-months\""
	            " name=\"reconfirm_months\" type=\"number\" min=\"0\" max=\"60\" value=\"%d\">"
	            "</p></fieldset><p><button type=\"submit\">%s</button></p></form></main>",
	            tr(lang, "kaart.settings"), a->kaart->claim_review ? " checked" : "",
	            tr(lang, "kaart.claim_review_setting"), tr(lang, "kaart.months_setting"),
	            a->kaart->reconfirm_months, tr(lang, "kaart.save"));
	free(text);
	pages_site(a, req, error ? 422 : 200, lang, tr(lang, "kaart.themes"), b.data, NULL);
	buf_free(&b);
}

/* ---- HSDS ---- */

static void export_run(app_write_t *job)
{
	kjob_t *k = (kjob_t *)job;
	k->hsds = kaart_hsds_export(job->st);
	/* the tabular form: the zip is made here, off the loop */
	if (k->hsds && k->rc == 1 && kaart_csv_zip(k->hsds, &k->log)) {
		json_decref(k->hsds);
		k->hsds = NULL;
	}
}

static void export_done(app_write_t *job, int status)
{
	kjob_t *k = (kjob_t *)job;
	if (status < 0 || !k->hsds) {
		http_respond_error(k->req, 503, "unavailable", tr(k->lang, "kaart.not_saved"),
		                   NULL);
	} else if (k->rc == 1) {
		http_respond(
		    k->req, 200, "application/zip",
		    "Content-Disposition: attachment; filename=\"sociale-kaart-hsds.zip\"\r\n",
		    k->log.data, k->log.len);
	} else {
		http_respond_json(
		    k->req, 200, k->hsds,
		    "Content-Disposition: attachment; filename=\"sociale-kaart-hsds.json\"\r\n");
		k->hsds = NULL;
	}
	kjob_free(k);
}

/* Every row as JSON, read on the pool's thread for done to put into memory
 * on the loop's (an import adds rows the loop has not seen). */
static void keep_row(const store_kaart_entry_t *e, void *arg)
{
	json_array_append_new(
	    arg, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I}", "id", (json_int_t)e->id,
	                   "status", e->status, "doc", e->doc, "event", (json_int_t)e->event_id,
	                   "session", (json_int_t)e->session_id, "answer", (json_int_t)e->answer_id,
	                   "post", (json_int_t)e->post_id, "created", (json_int_t)e->created_at,
	                   "updated", (json_int_t)e->updated_at));
}

static void import_run(app_write_t *job)
{
	kjob_t *k = (kjob_t *)job;
	k->rc = kaart_hsds_import(job->st, k->hsds, k->user, &k->imported, k->err, sizeof k->err);
	if (k->rc == 0) {
		k->form = json_array();
		store_kaart_entries(job->st, keep_row, k->form);
	}
}

static void import_done(app_write_t *job, int status)
{
	kjob_t *k = (kjob_t *)job;
	if (status < 0 || k->rc != 0) {
		http_respond_error(k->req, k->rc == UV_EINVAL ? 422 : 503, "invalid",
		                   k->err[0] ? k->err : tr(k->lang, "kaart.not_saved"), NULL);
		kjob_free(k);
		return;
	}
	size_t i;
	json_t *r;
	json_array_foreach (k->form, i, r) {
		int64_t id = json_integer_value(json_object_get(r, "id"));
		if (kaart_find(job->app, id))
			continue; /* memory is newer than this read for a row it has */
		store_kaart_entry_t row = {
		    .id = id,
		    .status = json_string_value(json_object_get(r, "status")),
		    .doc = json_string_value(json_object_get(r, "doc")),
		    .event_id = json_integer_value(json_object_get(r, "event")),
		    .session_id = json_integer_value(json_object_get(r, "session")),
		    .answer_id = json_integer_value(json_object_get(r, "answer")),
		    .post_id = json_integer_value(json_object_get(r, "post")),
		    .created_at = json_integer_value(json_object_get(r, "created")),
		    .updated_at = json_integer_value(json_object_get(r, "updated")),
		};
		kaart_put(job->app, &row);
	}
	if (http_header(k->req, "X-CSRF-Token"))
		http_respond_json(k->req, 200,
		                  json_pack("{s:I}", "imported", (json_int_t)k->imported), NULL);
	else
		kaart__see_other(k->req, "/app/kaart?lang=%s", k->lang);
	kjob_free(k);
}

void kaart_ws_export(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *lang = kaart__ws_lang(req);
	if (!kaart__may_edit(a, req, m, lang))
		return;
	kjob_t *k = xcalloc(1, sizeof *k);
	k->req = req;
	k->user = m->user;
	snprintf(k->lang, sizeof k->lang, "%s", lang);
	if (req->method != HTTP_M_POST) {
		k->rc = m->route->arg; /* 1: the CSV zip */
		app_write(a, &k->job, export_run, export_done);
		return;
	}
	if (!kaart__csrf_ok(a, req, lang)) {
		kjob_free(k);
		return;
	}
	const char *type = http_header(req, "Content-Type");
	if (type && !strncmp(type, "application/json", 16)) {
		k->hsds = json_loadb(req->body, req->body_len, 0, NULL);
	} else {
		char *v = xmalloc(req->body_len + 1);
		if (http_form_field(req->body, req->body_len, "hsds", 0, v, req->body_len + 1) >= 0)
			k->hsds = json_loads(v, 0, NULL);
		free(v);
	}
	if (!k->hsds) {
		kjob_free(k);
		http_respond_error(req, 400, "invalid", tr(lang, "kaart.err_hsds"), NULL);
		return;
	}
	app_write(a, &k->job, import_run, import_done);
}
