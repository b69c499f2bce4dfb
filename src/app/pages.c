/*
 * pages: the HTML a browser asks for. Templates (the .html files of web/) and static
 * files (web/static/) are read once at start. The participant page carries
 * the current question as a plain form, so it works without JavaScript;
 * its script then takes the page over (web/static/participant.js).
 * Everything is written with util/html, which escapes every string it is
 * given; the one exception is slide HTML (put_slide_body), which cmark made
 * safe when the deck was parsed. What a participant's page draws for each
 * kind of question is one entry of page_kinds.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/internal.h"
#include "model/answer.h"
#include "util/file.h"
#include "util/log.h"
#include "util/html.h"
#include "util/qr.h"
#include "util/xalloc.h"

enum { STATIC_MAX_BYTES = 4 << 20 };

static const char *type_of(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".js", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".jpg", "image/jpeg"},
	    {".webp", "image/webp"},
	    {".ico", "image/x-icon"},
	    {".json", "application/json"},
	    {".woff2", "font/woff2"},
	    {".html", "text/html; charset=utf-8"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static bool is_compressed(const char *name)
{
	size_t n = strlen(name);
	return (n > 3 && strcmp(name + n - 3, ".gz") == 0) ||
	       (n > 3 && strcmp(name + n - 3, ".br") == 0);
}

/* path + ext, when it exists and is not older than path (a stale variant
 * would serve last version's bytes: it is left out, with a warning). */
static char *read_variant(const char *path, const char *ext, const struct stat *orig, size_t *len)
{
	char vpath[2100];
	struct stat sb;
	snprintf(vpath, sizeof vpath, "%s%s", path, ext);
	if (stat(vpath, &sb) < 0)
		return NULL;
	if (sb.st_mtim.tv_sec < orig->st_mtim.tv_sec ||
	    (sb.st_mtim.tv_sec == orig->st_mtim.tv_sec &&
	     sb.st_mtim.tv_nsec < orig->st_mtim.tv_nsec)) {
		log_warn("%s is older than the file it compresses: not served (run make)", vpath);
		return NULL;
	}
	return file_read(vpath, STATIC_MAX_BYTES, len);
}

/* Adds every regular file under dir (two levels of subfolders, for a
 * library's images beside its CSS: leaflet/images/) as prefix/name. */
static void load_statics(app_t *a, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[2048], rel[512];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		snprintf(rel, sizeof rel, "%s%s", prefix, e->d_name);
		struct stat sb;
		if (stat(path, &sb) < 0)
			continue;
		if (is_compressed(e->d_name))
			continue; /* a variant of another file: read with it */
		if (S_ISDIR(sb.st_mode)) {
			const char *slash = strchr(prefix, '/');
			if (!slash || !strchr(slash + 1, '/')) {
				char sub[520];
				snprintf(sub, sizeof sub, "%s%s/", prefix, e->d_name);
				load_statics(a, path, sub);
			}
			continue;
		}
		size_t len;
		char *data = file_read(path, STATIC_MAX_BYTES, &len);
		if (!data)
			continue;
		a->statics = xrealloc(a->statics, (a->n_statics + 1) * sizeof *a->statics);
		static_file_t *f = &a->statics[a->n_statics++];
		f->path = xstrdup(rel);
		f->data = data;
		f->len = len;
		f->type = type_of(rel);
		unsigned char h[8];
		crypto_generichash(h, sizeof h, (unsigned char *)data, len, NULL, 0);
		char hex[17];
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		snprintf(f->etag, sizeof f->etag, "\"%s\"", hex);
		f->gz = read_variant(path, ".gz", &sb, &f->gz_len);
		f->br = read_variant(path, ".br", &sb, &f->br_len);
		snprintf(f->etag_gz, sizeof f->etag_gz, "\"%s-gz\"", hex);
		snprintf(f->etag_br, sizeof f->etag_br, "\"%s-br\"", hex);
	}
	closedir(d);
}

int pages_load(app_t *a, char *err, size_t errlen)
{
	struct {
		char **dst;
		const char *name;
	} t[] = {
	    {&a->t_index, "index.html"},
	    {&a->t_participant, "participant.html"},
	    {&a->t_login, "login.html"},
	    {&a->t_present, "present.html"},
	};
	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		char path[1200];
		snprintf(path, sizeof path, "%s/%s", a->web_dir, t[i].name);
		*t[i].dst = file_read(path, STATIC_MAX_BYTES, NULL);
		if (!*t[i].dst) {
			int rc = errno ? -errno : UV_EIO;
			snprintf(err, errlen, "cannot read the page template %s: %s", path,
			         strerror(errno));
			return rc;
		}
	}
	/* the website's frame, and the workspace page, are optional: a server
	 * without them still runs sessions */
	char site_path[1200];
	snprintf(site_path, sizeof site_path, "%s/site.html", a->web_dir);
	a->t_site = file_read(site_path, STATIC_MAX_BYTES, NULL);
	char app_path[1200];
	snprintf(app_path, sizeof app_path, "%s/app.html", a->web_dir);
	a->t_app = file_read(app_path, STATIC_MAX_BYTES, NULL);
	char dir[1200];
	snprintf(dir, sizeof dir, "%s/static", a->web_dir);
	load_statics(a, dir, "");
	return 0;
}

void pages_free(app_t *a)
{
	free(a->t_index);
	free(a->t_participant);
	free(a->t_login);
	free(a->t_present);
	free(a->t_app);
	free(a->t_site);
	for (size_t i = 0; i < a->n_statics; i++) {
		free(a->statics[i].path);
		free(a->statics[i].data);
		free(a->statics[i].gz);
		free(a->statics[i].br);
	}
	free(a->statics);
}

/* Whether If-None-Match (a tag, a list of tags, or "*") names etag. */
static bool etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return false;
	if (strcmp(inm, "*") == 0)
		return true;
	size_t n = strlen(etag);
	for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag))
		if ((p == inm || p[-1] == ' ' || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
	return false;
}

/* Serves the smallest representation the client accepts: Brotli, gzip, or
 * the bytes as they are; "Vary: Accept-Encoding" tells caches so. */
bool pages_static(app_t *a, http_request_t *req, const char *name)
{
	for (size_t i = 0; i < a->n_statics; i++) {
		static_file_t *f = &a->statics[i];
		if (strcmp(f->path, name) != 0)
			continue;
		unsigned ok = http_accept_encoding(http_header(req, "Accept-Encoding"));
		const char *body = f->data, *etag = f->etag, *coding = NULL;
		size_t len = f->len;
		if (f->br && (ok & HTTP_ENC_BR) && f->br_len < len) {
			body = f->br, len = f->br_len, etag = f->etag_br, coding = "br";
		} else if (f->gz && (ok & HTTP_ENC_GZIP) && f->gz_len < len) {
			body = f->gz, len = f->gz_len, etag = f->etag_gz, coding = "gzip";
		}
		char hdr[300];
		snprintf(
		    hdr, sizeof hdr, "Cache-Control: public, max-age=300\r\nETag: %s\r\n%s%s%s%s",
		    etag, f->gz || f->br ? "Vary: Accept-Encoding\r\n" : "",
		    coding ? "Content-Encoding: " : "", coding ? coding : "", coding ? "\r\n" : "");
		if (etag_matches(http_header(req, "If-None-Match"), etag))
			http_respond(req, 304, NULL, hdr, "", 0);
		else
			http_respond(req, 200, f->type, hdr, body, len);
		return true;
	}
	return false;
}

/* A value for a template's {{name}}: text (escaped when filled) or html, a
 * fragment the page's code built with util/html (copied as it is). */
typedef struct page_var {
	const char *name, *text, *html;
} page_var_t;

/* Fills a template: {{name}} -> the value of the var called name; a
 * {{name}} with no var stays as it is. vars ends with a NULL name. */
static char *fill(const char *tpl, const page_var_t *vars)
{
	buf_t b = BUF_INIT;
	const char *p = tpl;
	for (;;) {
		const char *open = strstr(p, "{{");
		if (!open)
			break;
		const char *close = strstr(open + 2, "}}");
		if (!close)
			break;
		/* the template is the page's own markup, read from web/ */
		buf_append(&b, p, (size_t)(open - p));
		size_t n = (size_t)(close - open - 2);
		const page_var_t *val = NULL;
		for (const page_var_t *v = vars; v->name; v++)
			if (strlen(v->name) == n && memcmp(v->name, open + 2, n) == 0)
				val = v;
		if (val && val->html)
			html_raw_trusted(&b, val->html);
		else if (val)
			html_text(&b, val->text ? val->text : "");
		else
			buf_append(&b, open, (size_t)(close + 2 - open));
		p = close + 2;
	}
	buf_puts(&b, p);
	return buf_steal(&b);
}

static void send_html(http_request_t *req, int status, char *html, const char *extra)
{
	http_respond(req, status, "text/html; charset=utf-8", extra, html, strlen(html));
	free(html);
}

/* The error paragraph above a form (the page's {{error}}). */
static void put_error(buf_t *b, const char *error)
{
	if (error && *error)
		html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>", error);
}

void pages_index(app_t *a, http_request_t *req, int status, const char *error,
                 const char *extra_headers)
{
	buf_t e = BUF_INIT;
	put_error(&e, error);
	const page_var_t vars[] = {
	    {"lang", "nl", NULL}, {"error", NULL, e.data ? e.data : ""}, {NULL, NULL, NULL}};
	send_html(req, status, fill(a->t_index, vars), extra_headers);
	buf_free(&e);
}

const char *pages_login_lang(const http_request_t *req)
{
	char l[8];
	int n = req->method == HTTP_M_POST
	            ? http_form_field(req->body, req->body_len, "lang", 0, l, sizeof l)
	            : http_query(req, "lang", l, sizeof l);
	if (n == 2 && (strcmp(l, "nl") == 0 || strcmp(l, "en") == 0))
		return strcmp(l, "nl") == 0 ? "nl" : "en";
	return tr_req_lang_or(req, "nl");
}

/* The link to the login page in the other language, keeping where to go next. */
static void put_language_switch(buf_t *b, const char *lang, const char *next)
{
	const char *other = strcmp(lang, "nl") == 0 ? "en" : "nl";
	html_printf(b, "<a href=\"/login?lang=%s&amp;next=", other);
	for (const unsigned char *c = (const unsigned char *)next; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("-_.~/", *c))
			html_printf(b, "%c", *c);
		else
			html_printf(b, "%%%02X", *c);
	}
	html_printf(b, "\" lang=\"%s\" hreflang=\"%s\">%s</a>", other, other,
	            tr(lang, "login.other"));
}

void pages_login(app_t *a, http_request_t *req, int status, const char *error, const char *next)
{
	const char *lang = pages_login_lang(req);
	buf_t e = BUF_INIT, sw = BUF_INIT;
	put_error(&e, error);
	next = next ? next : "/";
	/* After a refused attempt the name is kept; only the password is asked again. */
	char user[72] = "";
	if (req->method == HTTP_M_POST &&
	    http_form_field(req->body, req->body_len, "name", 0, user, sizeof user) < 0)
		user[0] = '\0';
	put_language_switch(&sw, lang, next);
	const page_var_t vars[] = {
	    {"lang", lang, NULL},
	    {"error", NULL, e.data ? e.data : ""},
	    {"next", next, NULL},
	    {"title", tr(lang, "login.title"), NULL},
	    {"heading", tr(lang, "login.heading"), NULL},
	    {"lead", tr(lang, "login.lead"), NULL},
	    {"name", tr(lang, "login.name"), NULL},
	    {"user", user, NULL},
	    {"focus", NULL, user[0] ? "" : " autofocus"},
	    {"pwfocus", NULL, user[0] ? " autofocus" : ""},
	    {"password", tr(lang, "login.password"), NULL},
	    {"submit", tr(lang, "login.submit"), NULL},
	    {"switch", NULL, sw.data},
	    {NULL, NULL, NULL},
	};
	send_html(req, status, fill(a->t_login, vars), "Vary: Accept-Language\r\n");
	buf_free(&e);
	buf_free(&sw);
}

/* ---- one question's drawing, per kind ---- */

/* A textarea for an open answer or a Q&A question; ids carry the slide's,
 * since a self-paced page has many forms. */
static void form_text(buf_t *b, const char *lang, const live_slide_t *ls, const char *key)
{
	html_printf(b,
	            "<label for=\"answer-%lld\">%s</label><textarea id=\"answer-%lld\" "
	            "name=\"value\" rows=\"4\" maxlength=\"%d\" required></textarea>",
	            (long long)ls->id, tr(lang, key), (long long)ls->id, ls->s.max_length);
}

static void form_open(buf_t *b, const char *lang, const live_slide_t *ls, int64_t used)
{
	form_text(b, lang, ls, "form.answer");
}

static void form_qa(buf_t *b, const char *lang, const live_slide_t *ls, int64_t used)
{
	form_text(b, lang, ls, "form.ask");
}

/* As many boxes as entries are left. */
static void form_cloud(buf_t *b, const char *lang, const live_slide_t *ls, int64_t used)
{
	const slide_t *sl = &ls->s;
	for (int i = 0; i < sl->max_answers - (int)used; i++)
		html_printf(b,
		            "<label for=\"w%lld-%d\">%s %d</label><input id=\"w%lld-%d\" "
		            "name=\"value\" maxlength=\"%d\"%s>",
		            (long long)ls->id, i, tr(lang, "form.word"), i + 1, (long long)ls->id,
		            i, sl->max_length, i == 0 ? " required" : "");
}

static void form_choice(buf_t *b, const char *lang, const live_slide_t *ls, int64_t used)
{
	const slide_t *sl = &ls->s;
	html_printf(b, "<fieldset><legend>%s</legend>",
	            tr(lang, sl->multiple ? "form.choose_many" : "form.choose_one"));
	for (size_t i = 0; i < sl->n_items; i++)
		html_printf(b,
		            "<label class=\"option\"><input type=\"%s\" name=\"value\" "
		            "value=\"%zu\"%s> %s</label>",
		            sl->multiple ? "checkbox" : "radio", i, sl->multiple ? "" : " required",
		            sl->items[i]);
	html_printf(b, "</fieldset>");
}

/* The same buttons as the page with JavaScript draws: the number shows the
 * choice, the end labels are said with it. */
static void form_scale(buf_t *b, const char *lang, const live_slide_t *ls, int64_t used)
{
	const slide_t *sl = &ls->s;
	const char *low = sl->label_low ? sl->label_low : "";
	const char *high = sl->label_high ? sl->label_high : "";
	for (size_t i = 0; i < sl->n_items; i++) {
		html_printf(
		    b, "<fieldset class=\"scale\"><legend>%s</legend><div class=\"ratings%s\">",
		    sl->items[i], sl->scale_max > 7 ? " many" : "");
		for (int r = 1; r <= sl->scale_max; r++) {
			const char *end = r == 1 ? low : r == sl->scale_max ? high : "";
			html_printf(b,
			            "<label class=\"rating\"><input type=\"radio\" name=\"s%zu\" "
			            "value=\"%d\" required aria-label=\"%d",
			            i, r, r);
			if (*end)
				html_printf(b, " (%s)", end);
			html_printf(b, "\"><span aria-hidden=\"true\">%d</span></label>", r);
		}
		html_printf(b, "</div>");
		if (*low || *high)
			html_printf(
			    b,
			    "<div class=\"scale-labels\" aria-hidden=\"true\"><span>%s</span>"
			    "<span>%s</span></div>",
			    low, high);
		html_printf(b, "</fieldset>");
	}
}

static void form_rank(buf_t *b, const char *lang, const live_slide_t *ls, int64_t used)
{
	const slide_t *sl = &ls->s;
	for (size_t pos = 0; pos < sl->n_items; pos++) {
		html_printf(b,
		            "<label for=\"r%lld-%zu\">%s %zu</label><select id=\"r%lld-%zu\" "
		            "name=\"value\" required>",
		            (long long)ls->id, pos, tr(lang, "form.place"), pos + 1,
		            (long long)ls->id, pos);
		for (size_t i = 0; i < sl->n_items; i++)
			html_printf(b, "<option value=\"%zu\"%s>%s</option>", i,
			            i == pos ? " selected" : "", sl->items[i]);
		html_printf(b, "</select>");
	}
}

/* A number with one decimal, with a comma in Dutch. */
static void put_decimal(buf_t *b, const char *lang, double x)
{
	char n[32];
	snprintf(n, sizeof n, "%.1f", x);
	if (strcmp(lang, "nl") == 0)
		for (char *p = n; *p; p++)
			if (*p == '.')
				*p = ',';
	html_text(b, n);
}

/* The results of each kind, from live_phones_json (t) with answers > 0. */
static void results_choice(buf_t *b, const char *lang, const live_slide_t *ls, json_t *t,
                           json_int_t answers)
{
	size_t i;
	json_t *it;
	html_printf(b, "<ul class=\"result-list\">");
	json_array_foreach (json_object_get(t, "options"), i, it) {
		json_int_t pct = json_integer_value(json_object_get(it, "percent"));
		html_printf(b,
		            "<li dir=auto>%s: %lld%% (%lld)"
		            "<meter min=\"0\" max=\"100\" value=\"%lld\"></meter></li>",
		            json_string_value(json_object_get(it, "label")), (long long)pct,
		            (long long)json_integer_value(json_object_get(it, "count")),
		            (long long)pct);
	}
	html_printf(b, "</ul>");
}

static void results_cloud(buf_t *b, const char *lang, const live_slide_t *ls, json_t *t,
                          json_int_t answers)
{
	size_t i;
	json_t *it;
	html_printf(b, "<ul class=\"result-list\">");
	json_array_foreach (json_object_get(t, "words"), i, it)
		html_printf(b, "<li dir=auto>%s (%lld)</li>",
		            json_string_value(json_object_get(it, "text")),
		            (long long)json_integer_value(json_object_get(it, "count")));
	html_printf(b, "</ul>");
}

static void results_scale(buf_t *b, const char *lang, const live_slide_t *ls, json_t *t,
                          json_int_t answers)
{
	size_t i;
	json_t *it;
	html_printf(b, "<ul class=\"result-list\">");
	json_array_foreach (json_object_get(t, "statements"), i, it) {
		json_t *mean = json_object_get(it, "mean");
		html_printf(b, "<li dir=auto>%s: ", json_string_value(json_object_get(it, "text")));
		if (json_is_number(mean)) {
			html_printf(b, "%s ", tr(lang, "results.mean"));
			put_decimal(b, lang, json_number_value(mean));
			html_printf(b, " / %d<meter min=\"1\" max=\"%d\" value=\"%.2f\"></meter>",
			            ls->s.scale_max, ls->s.scale_max, json_number_value(mean));
		} else {
			html_printf(b, "–");
		}
		html_printf(b, "</li>");
	}
	html_printf(b, "</ul>");
}

static void results_rank(buf_t *b, const char *lang, const live_slide_t *ls, json_t *t,
                         json_int_t answers)
{
	size_t i;
	json_t *it;
	html_printf(b, "<ol class=\"result-list\">");
	json_array_foreach (json_object_get(t, "options"), i, it) {
		json_t *mean = json_object_get(it, "mean");
		html_printf(b, "<li dir=auto>%s", json_string_value(json_object_get(it, "label")));
		if (json_is_number(mean)) {
			html_printf(b, " (%s ", tr(lang, "results.place"));
			put_decimal(b, lang, json_number_value(mean));
			html_printf(b, ")");
		}
		html_printf(b, "</li>");
	}
	html_printf(b, "</ol>");
}

static void results_open(buf_t *b, const char *lang, const live_slide_t *ls, json_t *t,
                         json_int_t answers)
{
	size_t i;
	json_t *it, *items = json_object_get(t, "items");
	html_printf(b, "<ul class=\"result-answers\">");
	json_array_foreach (items, i, it)
		html_printf(b, "<li dir=auto>%s</li>",
		            json_string_value(json_object_get(it, "text")));
	html_printf(b, "</ul>");
	long long more = (long long)answers - (long long)json_array_size(items);
	if (more == 1)
		html_printf(b, "<p class=\"hint\">%s</p>", tr(lang, "results.more_one"));
	if (more > 1) {
		/* the table's text holds the number's place */
		char line[128];
		snprintf(line, sizeof line, tr(lang, "results.more"), more);
		html_printf(b, "<p class=\"hint\">%s</p>", line);
	}
}

/* Others' Q&A questions under the form, each with its own small upvote form
 * (cid: the form's client id, made unique per item). */
static void after_form_qa(buf_t *b, const session_t *s, const live_slide_t *ls, const char *cid)
{
	json_t *qa = live_qa_slide(ls);
	json_t *items = json_object_get(qa, "items"), *it;
	size_t i;
	html_printf(b, "<ul class=\"qa-list\">");
	json_array_foreach (items, i, it) {
		html_printf(b,
		            "<li><span class=\"qa-text\" dir=auto>%s</span> <form method=\"post\" "
		            "action=\"/%s\" class=\"upvote\">"
		            "<input type=\"hidden\" name=\"id\" value=\"%s%zu\">"
		            "<input type=\"hidden\" name=\"slide\" value=\"%lld\">"
		            "<button name=\"upvote\" value=\"%lld\">+1 (%lld)</button></form></li>",
		            json_string_value(json_object_get(it, "text")), s->row.code, cid, i,
		            (long long)ls->id,
		            (long long)json_integer_value(json_object_get(it, "id")),
		            (long long)json_integer_value(json_object_get(it, "votes")));
	}
	html_printf(b, "</ul>");
	json_decref(qa);
}

/* How many answers a participant's form takes before it is full. */
typedef enum page_allowance {
	ALLOW_ALWAYS,      /* never full: Q&A takes upvotes after a question */
	ALLOW_ONE,         /* one answer */
	ALLOW_MAX_ANSWERS, /* the slide's max_answers */
} page_allowance_t;

/* What the participant's page draws for one kind of question: the one
 * place that knows the kinds (a kind without an entry draws no form and
 * shows "no answers yet" for its results). */
typedef struct page_kind {
	/* the inputs of the plain form, between its hidden fields and its button */
	void (*form)(buf_t *b, const char *lang, const live_slide_t *ls, int64_t used);
	/* what follows the form, or NULL */
	void (*after_form)(buf_t *b, const session_t *s, const live_slide_t *ls, const char *cid);
	/* the results when there are answers, or NULL */
	void (*results)(buf_t *b, const char *lang, const live_slide_t *ls, json_t *t,
	                json_int_t answers);
	page_allowance_t allowance;
} page_kind_t;

static const page_kind_t page_kinds[] = {
    [SLIDE_OPEN] = {form_open, NULL, results_open, ALLOW_MAX_ANSWERS},
    [SLIDE_CLOUD] = {form_cloud, NULL, results_cloud, ALLOW_MAX_ANSWERS},
    [SLIDE_CHOICE] = {form_choice, NULL, results_choice, ALLOW_ONE},
    [SLIDE_SCALE] = {form_scale, NULL, results_scale, ALLOW_ONE},
    [SLIDE_RANK] = {form_rank, NULL, results_rank, ALLOW_ONE},
    [SLIDE_QA] = {form_qa, after_form_qa, NULL, ALLOW_ALWAYS},
};

static const page_kind_t *page_kind(slide_kind_t kind)
{
	static const page_kind_t none = {NULL, NULL, NULL, ALLOW_ALWAYS};
	return (size_t)kind < sizeof page_kinds / sizeof *page_kinds ? &page_kinds[kind] : &none;
}

/* ---- the participant's page ---- */

/* The question's input as a plain form (the page without JavaScript). */
static void render_form(buf_t *b, session_t *s, live_slide_t *ls, int64_t used, const char *back)
{
	const page_kind_t *k = page_kind(ls->s.kind);
	unsigned char raw[12];
	char cid[25];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(cid, sizeof cid, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	html_printf(b,
	            "<form method=\"post\" action=\"/%s\" class=\"answer-form\">"
	            "<input type=\"hidden\" name=\"id\" value=\"%s\">"
	            "<input type=\"hidden\" name=\"slide\" value=\"%lld\">",
	            s->row.code, cid, (long long)ls->id);
	if (back)
		html_printf(b, "<input type=\"hidden\" name=\"back\" value=\"%s\">", back);
	if (k->form)
		k->form(b, s->lang, ls, used);
	html_printf(b, "<button type=\"submit\">%s</button></form>", tr(s->lang, "form.send"));
	if (k->after_form)
		k->after_form(b, s, ls, cid);
}

/* The current slide's results as phones see them, as plain HTML (the page
 * without JavaScript shows them on reload): numbers in words, <meter> for
 * the bars, since the Content-Security-Policy allows no inline styles. */
static void render_results(buf_t *b, session_t *s, live_slide_t *ls)
{
	const char *lang = s->lang;
	/* under the question's h2 on a self-paced page, under the h1 live */
	int h = s->row.self_paced ? 3 : 2;
	html_printf(b,
	            "<section class=\"results\" aria-labelledby=\"results-%lld\">"
	            "<h%d id=\"results-%lld\">%s</h%d>",
	            (long long)ls->id, h, (long long)ls->id,
	            tr(lang, s->row.open ? "results.so_far" : "results.title"), h);
	if (!s->row.results) {
		html_printf(b, "<p class=\"waiting\">%s</p></section>", tr(lang, "results.hidden"));
		return;
	}
	json_t *t = live_phones_json(ls);
	json_int_t resp = json_integer_value(json_object_get(t, "respondents"));
	json_int_t answers = json_integer_value(json_object_get(t, "answers"));
	html_printf(b, "<p class=\"result-count\">%lld %s</p>", (long long)resp,
	            tr(lang, resp == 1 ? "results.respondent" : "results.respondents"));
	const page_kind_t *k = page_kind(ls->s.kind);
	if (answers && k->results)
		k->results(b, lang, ls, t, answers);
	else
		html_printf(b, "<p class=\"waiting\">%s</p>", tr(lang, "results.none"));
	json_decref(t);
	html_printf(b, "</section>");
}

/* How much of the current question's allowance this participant has used
 * (tally_used). A participant whose cookie is being made now (set_cookie
 * not empty) has given nothing. */
static int64_t used_by(app_t *a, live_slide_t *ls, http_request_t *req, const char *set_cookie)
{
	if (!ls->tally || (set_cookie && *set_cookie))
		return 0;
	char hex[33], made[160];
	uint64_t key;
	auth_participant(a, req, hex, &key, made);
	return made[0] ? 0 : tally_used(ls->tally, key);
}

/* Whether the form has room for more from one who used `used`. */
static bool form_full(const slide_t *sl, int64_t used)
{
	switch (page_kind(sl->kind)->allowance) {
	case ALLOW_ONE: return used >= 1;
	case ALLOW_MAX_ANSWERS: return used >= sl->max_answers;
	default: return false;
	}
}

/* Whether the page shows the current slide's results: the slide asks for
 * it, and this participant answered it or voting is closed. */
static bool results_due(session_t *s, live_slide_t *ls, int64_t used)
{
	if (s->row.status != 0 || !ls->tally || !ls->s.results_on_phones || ls->s.kind == SLIDE_QA)
		return false;
	/* self-paced, a pause is no end of voting: results still wait for an answer */
	return used > 0 || (!s->row.open && !s->row.self_paced);
}

/* What the participant with key gave to ls, in words, held answers marked
 * (the page without JavaScript of a self-paced session). */
static void render_mine(buf_t *b, session_t *s, live_slide_t *ls, uint64_t key)
{
	json_t *mine = tally_mine(ls->tally, key), *m;
	size_t i, n = 0;
	json_array_foreach (mine, i, m)
		if (!json_object_get(json_object_get(m, "value"), "upvote"))
			n++;
	if (n == 0 || ls->s.kind == SLIDE_QA) {
		json_decref(mine);
		return;
	}
	html_printf(b, "<div class=\"given\"><h3>%s</h3><ul class=\"mine-list\">",
	            tr(s->lang, n > 1 ? "self.mine_many" : "self.mine_one"));
	json_array_foreach (mine, i, m) {
		char *text = answer_text(&ls->s, json_object_get(m, "value"));
		html_printf(b, "<li dir=auto>%s", text);
		if (json_is_true(json_object_get(m, "held")))
			html_printf(b, " <span class=\"mine-held\">(%s)</span>",
			            tr(s->lang, "self.held"));
		html_printf(b, "</li>");
		free(text);
	}
	html_printf(b, "</ul></div>");
	json_decref(mine);
}

/* A notice or error paragraph; role alert for an error, status else. */
static void put_notice(buf_t *b, const char *notice, bool is_error)
{
	html_printf(b, "<p class=\"%s\" role=\"%s\">%s</p>", is_error ? "error" : "notice",
	            is_error ? "alert" : "status", notice);
}

/* The slide's body: HTML that cmark rendered from the deck without raw
 * HTML when the deck was parsed (model/deck.c), so safe as it is. */
static void put_slide_body(buf_t *b, const live_slide_t *ls)
{
	html_printf(b, "<div class=\"slide-body\">");
	html_raw_trusted(b, ls->s.body_html ? ls->s.body_html : "");
	html_printf(b, "</div>");
}

/* A self-paced session without JavaScript: every slide, each question with
 * its own form (posting to /CODE like the live one) or what was given.
 * at is the slide a notice is about (0: none), shown in its section. */
static void render_questionnaire(buf_t *c, app_t *a, session_t *s, http_request_t *req,
                                 const char *set_cookie, const char *notice, bool notice_is_error,
                                 int64_t at)
{
	const char *lang = s->lang;
	char hex[33], made[160];
	uint64_t key = 0;
	bool known = !(set_cookie && *set_cookie);
	if (known) {
		auth_participant(a, req, hex, &key, made);
		known = made[0] == '\0';
	}
	size_t questions = 0, answered = 0;
	for (size_t i = 0; i < s->n_slides; i++) {
		if (!s->slides[i].tally)
			continue;
		questions++;
		if (known && tally_used(s->slides[i].tally, key) > 0)
			answered++;
	}
	char line[256];
	snprintf(line, sizeof line, tr(lang, "self.progress"), answered, questions);
	html_printf(c, "<p class=\"intro\">%s</p><p class=\"progress\">%s</p>",
	            tr(lang, "self.intro"), line);
	if (!s->row.open)
		html_printf(c, "<p class=\"closed\">%s</p>", tr(lang, "self.closed"));
	size_t n = 0;
	for (size_t i = 0; i < s->n_slides; i++) {
		live_slide_t *ls = &s->slides[i];
		if (!ls->tally) {
			html_printf(c, "<section class=\"slide context\" data-kind=\"content\">");
			put_slide_body(c, ls);
			html_printf(c, "</section>");
			continue;
		}
		n++;
		snprintf(line, sizeof line, tr(lang, "self.question_n"), n, questions);
		html_printf(c,
		            "<section class=\"slide q\" id=\"q-%lld\" data-kind=\"%s\">"
		            "<p class=\"q-number\">%s</p><h2>%s</h2>",
		            (long long)ls->id, slide_kind_name(ls->s.kind), line, ls->s.title);
		put_slide_body(c, ls);
		if (notice && *notice && at == ls->id)
			put_notice(c, notice, notice_is_error);
		int64_t used = known ? tally_used(ls->tally, key) : 0;
		if (known)
			render_mine(c, s, ls, key);
		if (s->row.open && !form_full(&ls->s, used))
			render_form(c, s, ls, used, NULL);
		if (results_due(s, ls, used))
			render_results(c, s, ls);
		html_printf(c, "</section>");
	}
}

/* The live session's current slide: its title and body, then the form, a
 * notice why there is none, and the results when they are due. */
static void render_live(buf_t *c, app_t *a, session_t *s, http_request_t *req,
                        const char *set_cookie)
{
	live_slide_t *ls = live_current(s);
	html_printf(c, "<section class=\"slide\" data-kind=\"%s\">", slide_kind_name(ls->s.kind));
	if ((ls->s.kind != SLIDE_CONTENT || ls->s.website) && ls->s.title[0])
		html_printf(c, "<h1>%s</h1>", ls->s.title);
	put_slide_body(c, ls);
	int64_t used = used_by(a, ls, req, set_cookie);
	if (s->row.status != 0)
		html_printf(c, "<p class=\"notice\">%s</p>", tr(s->lang, "err.ended"));
	else if (slide_is_question(&ls->s) && !s->row.open)
		html_printf(c, "<p class=\"notice\">%s</p>", tr(s->lang, "err.closed"));
	else if (slide_is_question(&ls->s) && form_full(&ls->s, used))
		html_printf(c, "<p class=\"waiting\">%s</p>", tr(s->lang, "form.done"));
	else if (slide_is_question(&ls->s))
		render_form(c, s, ls, used, NULL);
	char path[96];
	if (ls->s.website && s->row.status == 0 && site_website_path(a, s, path, sizeof path))
		html_printf(c, "<p class=\"handoff\"><a class=\"button\" href=\"%s\">%s</a></p>",
		            path, tr(s->lang, "site.handoff"));
	if (results_due(s, ls, used))
		render_results(c, s, ls);
	html_printf(c, "</section>");
}

void pages_participant(app_t *a, session_t *s, http_request_t *req, int status, const char *notice,
                       bool notice_is_error, const char *set_cookie)
{
	buf_t c = BUF_INIT;
	/* self-paced: which question the notice is about — the form that was
	 * refused, or the one that was sent (?sent=SLIDE) */
	int64_t at = 0;
	char v[24];
	bool self_paced = s->row.self_paced && s->row.status == 0;
	if (self_paced && notice && *notice) {
		if (notice_is_error && req->method == HTTP_M_POST &&
		    http_form_field(req->body, req->body_len, "slide", 0, v, sizeof v) > 0)
			at = strtoll(v, NULL, 10);
		else if (!notice_is_error && http_query(req, "sent", v, sizeof v) > 0)
			at = strtoll(v, NULL, 10);
		live_slide_t *about = at ? live_slide_by_id(s, at) : NULL;
		at = about && about->tally ? at : 0;
	}
	if (notice && *notice && at && notice_is_error)
		/* said at the question too; up here so it is seen at once */
		html_printf(&c, "<p class=\"error\">%s <a href=\"#q-%lld\">%s</a></p>",
		            tr(s->lang, "self.refused"), (long long)at,
		            tr(s->lang, "self.to_question"));
	else if (notice && *notice && !at)
		put_notice(&c, notice, notice_is_error);
	if (self_paced) {
		html_printf(&c, "<div class=\"questionnaire\">");
		render_questionnaire(&c, a, s, req, set_cookie, notice, notice_is_error, at);
		html_printf(&c, "</div>");
	} else {
		render_live(&c, a, s, req, set_cookie);
	}
	const page_var_t vars[] = {
	    {"lang", s->lang, NULL},   {"code", s->row.code, NULL}, {"title", s->title, NULL},
	    {"content", NULL, c.data}, {NULL, NULL, NULL},
	};
	send_html(req, status, fill(a->t_participant, vars), set_cookie);
	buf_free(&c);
}

void pages_question(buf_t *b, app_t *a, session_t *s, live_slide_t *ls, http_request_t *req,
                    const char *back, bool open)
{
	char hex[33], made[160];
	uint64_t key;
	auth_participant(a, req, hex, &key, made);
	bool known = made[0] == '\0';
	int64_t used = known ? tally_used(ls->tally, key) : 0;
	if (known)
		render_mine(b, s, ls, key);
	if (open && s->row.open && !form_full(&ls->s, used))
		render_form(b, s, ls, used, back);
	if (results_due(s, ls, used))
		render_results(b, s, ls);
}

void pages_tally(buf_t *b, const char *lang, const live_slide_t *ls)
{
	json_t *t = live_phones_json(ls);
	json_int_t resp = json_integer_value(json_object_get(t, "respondents"));
	json_int_t answers = json_integer_value(json_object_get(t, "answers"));
	html_printf(b, "<p class=\"result-count\">%lld %s</p>", (long long)resp,
	            tr(lang, resp == 1 ? "results.respondent" : "results.respondents"));
	const page_kind_t *k = page_kind(ls->s.kind);
	if (answers && k->results)
		k->results(b, lang, ls, t, answers);
	else if (answers && ls->s.kind == SLIDE_QA)
		results_open(b, lang, ls, t, answers);
	else
		html_printf(b, "<p class=\"waiting\">%s</p>", tr(lang, "results.none"));
	json_decref(t);
}

void pages_site(app_t *a, http_request_t *req, int status, const char *lang, const char *title,
                const char *content, const char *extra)
{
	if (!a->t_site) {
		http_respond_error(req, 404, "not_found", "the website's pages are not installed",
		                   NULL);
		return;
	}
	const page_var_t vars[] = {{"lang", lang, NULL},
	                           {"title", title, NULL},
	                           {"content", NULL, content},
	                           {NULL, NULL, NULL}};
	send_html(req, status, fill(a->t_site, vars), extra);
}

void pages_present(app_t *a, session_t *s, http_request_t *req)
{
	const page_var_t vars[] = {{"lang", s->lang, NULL},
	                           {"code", s->row.code, NULL},
	                           {"title", s->title, NULL},
	                           {NULL, NULL, NULL}};
	send_html(req, 200, fill(a->t_present, vars), NULL);
}

void pages_app(app_t *a, http_request_t *req)
{
	if (!a->t_app) {
		http_respond_error(req, 404, "not_found", "the workspace pages are not installed",
		                   NULL);
		return;
	}
	const page_var_t vars[] = {{"lang", "nl", NULL}, {NULL, NULL, NULL}};
	send_html(req, 200, fill(a->t_app, vars), NULL);
}

void pages_qr_svg(app_t *a, session_t *s, http_request_t *req)
{
	char url[512];
	snprintf(url, sizeof url, "%s/%s", a->public_url, s->row.code);
	buf_t b = BUF_INIT;
	if (qr_svg(&b, url) < 0) {
		http_respond_error(req, 500, "qr", "the QR code could not be made", NULL);
		return;
	}
	http_respond(req, 200, "image/svg+xml", "Cache-Control: public, max-age=3600\r\n", b.data,
	             b.len);
	buf_free(&b);
}
