/*
 * kaart: the sociale kaart's cache of entries and its public side: the
 * list at /kaart (search and filters as a GET form, pages of KAART_PAGE),
 * an entry's page at /kaart/ID and GET /api/v1/kaart/entries for the map
 * (docs/sociale-kaart.md; the map itself is kaart-map.js's).
 *
 * Every page works without JavaScript and is drawn from memory (kaart.h,
 * invariant 1): a resident's search costs no database round trip, on
 * either engine. The pages carry the map's div and script as the contract
 * with the map says; without the script or a tile source they show no map.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/kaart.h"
#include "util/html.h"
#include "util/log.h"
#include "util/xalloc.h"

/* ---- the cache ---- */

static void entry_free(kaart_entry_t *e)
{
	if (!e)
		return;
	json_decref(e->doc);
	free(e->terms);
	free(e);
}

kaart_entry_t *kaart_find(app_t *a, int64_t id)
{
	kaart_t *k = a->kaart;
	size_t lo = 0, hi = k->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (k->e[mid]->id == id)
			return k->e[mid];
		if (k->e[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void kaart_put(app_t *a, const store_kaart_entry_t *row)
{
	kaart_t *k = a->kaart;
	json_t *doc = json_loads(row->doc, 0, NULL);
	if (!doc) {
		log_error("kaart: entry %lld: its fields are no JSON", (long long)row->id);
		return;
	}
	kaart_entry_t *e = kaart_find(a, row->id);
	if (!e) {
		e = xcalloc(1, sizeof *e);
		e->id = row->id;
		/* ids grow, so a new one goes last; a load is in id order */
		size_t at = k->n;
		while (at > 0 && k->e[at - 1]->id > row->id)
			at--;
		if (k->n == k->cap) {
			k->cap = k->cap ? 2 * k->cap : 32;
			k->e = xrealloc(k->e, k->cap * sizeof *k->e);
		}
		memmove(k->e + at + 1, k->e + at, (k->n - at) * sizeof *k->e);
		k->e[at] = e;
		k->n++;
	}
	json_decref(e->doc);
	free(e->terms);
	e->doc = doc;
	snprintf(e->status, sizeof e->status, "%s", row->status);
	e->event_id = row->event_id;
	e->session_id = row->session_id;
	e->answer_id = row->answer_id;
	e->post_id = row->post_id;
	e->created_at = row->created_at;
	e->updated_at = row->updated_at;
	e->terms = kaart_terms(doc);
}

static void load_one(const store_kaart_entry_t *row, void *arg)
{
	kaart_put(arg, row);
}

int kaart_load_all(app_t *a)
{
	a->kaart = xcalloc(1, sizeof *a->kaart);
	char themes[8192];
	json_t *t = NULL;
	if (store_meta_get(a->store, "kaart_themes", themes, sizeof themes) == STORE_OK)
		t = json_loads(themes, 0, NULL);
	if (!json_is_array(t)) {
		json_decref(t);
		/* the themes of the origin conference's questions, until the
		 * municipality keeps its own (the workspace's themes page) */
		t = json_pack("[s,s,s,s,s,s,s,s]", "Ontmoeting", "Taal", "Opvoeding",
		              "Werk en inkomen", "Gezondheid", "Sport en bewegen", "Jongeren",
		              "Ouderen");
	}
	a->kaart->themes = t;
	char v[16];
	a->kaart->claim_review =
	    store_meta_get(a->store, "kaart_claim_review", v, sizeof v) != STORE_OK ||
	    strcmp(v, "0") != 0;
	a->kaart->reconfirm_months =
	    store_meta_get(a->store, "kaart_reconfirm_months", v, sizeof v) == STORE_OK ? atoi(v)
	                                                                                : 6;
	int rc = store_kaart_entries(a->store, load_one, a);
	if (rc == STORE_OK)
		kaart_stale_start(a);
	return rc;
}

void kaart_free_all(app_t *a)
{
	if (!a->kaart)
		return;
	for (size_t i = 0; i < a->kaart->n; i++)
		entry_free(a->kaart->e[i]);
	free(a->kaart->e);
	json_decref(a->kaart->themes);
	free(a->kaart);
	a->kaart = NULL;
}

bool kaart_public(const kaart_entry_t *e)
{
	return !strcmp(e->status, "published") || !strcmp(e->status, "stale");
}

bool kaart_any_public(app_t *a)
{
	for (size_t i = 0; a->kaart && i < a->kaart->n; i++)
		if (kaart_public(a->kaart->e[i]))
			return true;
	return false;
}

static bool contact_shown(const kaart_entry_t *e)
{
	if (!e->answer_id && !e->post_id)
		return true;
	return json_is_true(json_object_get(e->doc, "contact_confirmed"));
}

json_t *kaart_public_doc(const kaart_entry_t *e)
{
	json_t *d = json_deep_copy(e->doc);
	if (!contact_shown(e)) {
		json_object_del(d, "email");
		json_object_del(d, "phone");
	}
	/* the resident's own words stay in the workspace */
	json_object_del(d, "source_text");
	json_object_del(d, "contact_confirmed");
	return d;
}

/* ---- the query: q, thema, wijk, doelgroep, taal, pagina ---- */

typedef struct query {
	char q[256], thema[256], wijk[256], doelgroep[256], taal[256];
	char *terms; /* stems of q */
	long page;   /* from 1 */
	int64_t id;  /* the API's one entry, 0: all */
} query_t;

static void query_read(const http_request_t *req, query_t *q)
{
	memset(q, 0, sizeof *q);
	struct {
		const char *name;
		char *out;
	} f[] = {{"q", q->q},
	         {"thema", q->thema},
	         {"wijk", q->wijk},
	         {"doelgroep", q->doelgroep},
	         {"taal", q->taal}};
	for (size_t i = 0; i < sizeof f / sizeof *f; i++)
		if (http_query(req, f[i].name, f[i].out, 256) < 0)
			f[i].out[0] = '\0';
	char n[24];
	q->page = http_query(req, "pagina", n, sizeof n) > 0 ? strtol(n, NULL, 10) : 1;
	if (q->page < 1 || q->page > 100000)
		q->page = 1;
	q->id = http_query(req, "id", n, sizeof n) > 0 ? strtoll(n, NULL, 10) : 0;
	q->terms = kaart_query_terms(q->q);
}

static bool in_list(const json_t *doc, const char *field, const char *want)
{
	size_t i;
	json_t *v;
	json_array_foreach (json_object_get(doc, field), i, v)
		if (!strcasecmp(json_string_value(v), want))
			return true;
	return false;
}

static bool query_match(const query_t *q, const kaart_entry_t *e)
{
	if (!kaart_public(e))
		return false;
	if (q->id && e->id != q->id)
		return false;
	if (q->thema[0] && !in_list(e->doc, "themes", q->thema))
		return false;
	if (q->doelgroep[0] && !in_list(e->doc, "target_groups", q->doelgroep))
		return false;
	if (q->taal[0] && !in_list(e->doc, "languages", q->taal))
		return false;
	if (q->wijk[0]) {
		const char *w = json_string_value(json_object_get(e->doc, "neighbourhood"));
		if (!w || strcasecmp(w, q->wijk))
			return false;
	}
	return kaart_terms_match(e->terms, q->terms);
}

static void url_put(buf_t *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) {
			buf_putc(b, (char)*p);
		} else if (*p == ' ') {
			buf_putc(b, '+');
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

/* The query as a URL's query string without its "?" (and without the
 * page), for the API's link and the pages' links. */
static void query_string(buf_t *b, const query_t *q, const char *lang)
{
	const char *names[] = {"q", "thema", "wijk", "doelgroep", "taal"};
	const char *vals[] = {q->q, q->thema, q->wijk, q->doelgroep, q->taal};
	bool first = true;
	for (size_t i = 0; i < 5; i++) {
		if (!vals[i][0])
			continue;
		if (!first)
			buf_putc(b, '&');
		first = false;
		buf_puts(b, names[i]);
		buf_putc(b, '=');
		url_put(b, vals[i]);
	}
	if (lang && strcmp(lang, "nl") != 0) {
		if (!first)
			buf_putc(b, '&');
		buf_puts(b, "lang=en");
	}
}

static const char *page_lang(const http_request_t *req)
{
	char l[8];
	if (http_query(req, "lang", l, sizeof l) == 2 && (!strcmp(l, "nl") || !strcmp(l, "en")))
		return strcmp(l, "nl") == 0 ? "nl" : "en";
	return tr_req_lang_or(req, "nl");
}

/* ---- the pages ---- */

static void put_top(buf_t *b, const char *lang, const char *self_query)
{
	const char *other = strcmp(lang, "nl") == 0 ? "en" : "nl";
	html_printf(b,
	            "<link rel=\"stylesheet\" href=\"/static/kaart.css\">"
	            "<header class=\"topbar\"><a class=\"event-title\" href=\"/kaart%s\">%s</a>"
	            "<a class=\"lang-switch\" href=\"?",
	            strcmp(lang, "nl") ? "?lang=en" : "", tr(lang, "kaart.title"));
	html_attr(b, self_query);
	html_printf(b, "%slang=%s\" lang=\"%s\" hreflang=\"%s\">%s</a></header>",
	            *self_query ? "&" : "", other, other, other, tr(lang, "site.language"));
}

static void put_map(buf_t *b, const char *api_query)
{
	html_printf(b, "<div id=\"kaart-map\" data-entries=\"/api/v1/kaart/entries%s",
	            *api_query ? "?" : "");
	html_attr(b, api_query);
	html_printf(b, "\" hidden></div><script src=\"/static/kaart-map.js\" defer></script>");
}

/* The distinct values of a field of the public entries (strings or lists),
 * sorted, for a filter's options; new reference. */
static int cmp_str(const void *x, const void *y)
{
	return strcoll(json_string_value(*(json_t *const *)x),
	               json_string_value(*(json_t *const *)y));
}

static json_t *values_of(app_t *a, const char *field, json_t *start)
{
	json_t *set = json_object();
	size_t i;
	json_t *v;
	json_array_foreach (start, i, v)
		json_object_set(set, json_string_value(v), v);
	for (size_t k = 0; k < a->kaart->n; k++) {
		const kaart_entry_t *e = a->kaart->e[k];
		if (!kaart_public(e))
			continue;
		json_t *f = json_object_get(e->doc, field);
		if (json_is_string(f))
			json_object_set(set, json_string_value(f), f);
		json_array_foreach (f, i, v)
			json_object_set(set, json_string_value(v), v);
	}
	json_t *arr = json_array();
	const char *key;
	json_object_foreach (set, key, v)
		json_array_append(arr, v);
	json_decref(set);
	size_t n = json_array_size(arr);
	json_t **items = xmalloc((n ? n : 1) * sizeof *items);
	for (i = 0; i < n; i++)
		items[i] = json_incref(json_array_get(arr, i));
	qsort(items, n, sizeof *items, cmp_str);
	json_array_clear(arr);
	for (i = 0; i < n; i++)
		json_array_append_new(arr, items[i]);
	free(items);
	return arr;
}

static void put_select(buf_t *b, const char *lang, const char *name, const char *label,
                       json_t *values, const char *cur)
{
	html_printf(b,
	            "<p class=\"field\"><label for=\"f-%s\">%s</label>"
	            "<select id=\"f-%s\" name=\"%s\"><option value=\"\">%s</option>",
	            name, tr(lang, label), name, name, tr(lang, "kaart.all"));
	size_t i;
	json_t *v;
	json_array_foreach (values, i, v) {
		const char *s = json_string_value(v);
		html_printf(b, "<option%s>%s</option>", strcasecmp(s, cur) ? "" : " selected", s);
	}
	html_printf(b, "</select></p>");
	json_decref(values);
}

static void put_snippet(buf_t *b, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max) {
		html_text(b, s);
		return;
	}
	/* cut at a character's start, then at a space if there is one */
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	size_t cut = max;
	while (cut > max / 2 && s[cut] != ' ')
		cut--;
	if (s[cut] != ' ')
		cut = max;
	char *t = xstrndup(s, cut);
	html_text(b, t);
	html_text(b, "…");
	free(t);
}

void kaart_list_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	(void)m;
	const char *lang = page_lang(req);
	query_t q;
	query_read(req, &q);
	buf_t qs = BUF_INIT, qs_nolang = BUF_INIT, b = BUF_INIT;
	query_string(&qs, &q, lang);
	query_string(&qs_nolang, &q, NULL);
	buf_putc(&qs, '\0');
	qs.len--;
	buf_putc(&qs_nolang, '\0');
	qs_nolang.len--;
	put_top(&b, lang, qs_nolang.data);
	html_printf(&b, "<main id=\"main\" class=\"site kaart\"><h1>%s</h1><p>%s</p>",
	            tr(lang, "kaart.title"), tr(lang, "kaart.intro"));
	html_printf(&b,
	            "<form class=\"kaart-search\" method=\"get\" action=\"/kaart\" role=\"search\">"
	            "<p class=\"field\"><label for=\"f-q\">%s</label>"
	            "<input id=\"f-q\" type=\"search\" name=\"q\" value=\"%s\" maxlength=\"200\">"
	            "</p>",
	            tr(lang, "kaart.search"), q.q);
	put_select(&b, lang, "thema", "kaart.f_theme", values_of(a, "themes", a->kaart->themes),
	           q.thema);
	put_select(&b, lang, "wijk", "kaart.f_neighbourhood", values_of(a, "neighbourhood", NULL),
	           q.wijk);
	put_select(&b, lang, "doelgroep", "kaart.f_target", values_of(a, "target_groups", NULL),
	           q.doelgroep);
	put_select(&b, lang, "taal", "kaart.f_language", values_of(a, "languages", NULL), q.taal);
	if (strcmp(lang, "nl"))
		html_printf(&b, "<input type=\"hidden\" name=\"lang\" value=\"en\">");
	html_printf(&b, "<p class=\"actions\"><button type=\"submit\">%s</button>",
	            tr(lang, "kaart.find"));
	if (qs_nolang.len)
		html_printf(&b, " <a href=\"/kaart%s\">%s</a>",
		            strcmp(lang, "nl") ? "?lang=en" : "", tr(lang, "kaart.clear"));
	html_printf(&b, "</p></form>");
	put_map(&b, qs_nolang.data);

	size_t total = 0, from = (size_t)(q.page - 1) * KAART_PAGE;
	for (size_t i = 0; i < a->kaart->n; i++)
		total += query_match(&q, a->kaart->e[i]);
	char count[128];
	snprintf(count, sizeof count, tr(lang, total == 1 ? "kaart.count_one" : "kaart.count"),
	         total);
	html_printf(&b, "<p class=\"kaart-count\" role=\"status\">%s</p><ul class=\"kaart-list\">",
	            count);
	size_t seen = 0;
	for (size_t i = 0; i < a->kaart->n && seen < from + KAART_PAGE; i++) {
		const kaart_entry_t *e = a->kaart->e[i];
		if (!query_match(&q, e) || seen++ < from)
			continue;
		const char *name = json_string_value(json_object_get(e->doc, "name"));
		html_printf(&b,
		            "<li class=\"kaart-card\"><h2 dir=\"auto\"><a "
		            "href=\"/kaart/%lld%s\">%s</a></h2>",
		            (long long)e->id, strcmp(lang, "nl") ? "?lang=en" : "", name);
		if (!strcmp(e->status, "stale"))
			html_printf(&b, "<p><span class=\"badge stale\">%s</span></p>",
			            tr(lang, "kaart.stale"));
		char *themes = kaart_join(e->doc, "themes");
		const char *wijk = json_string_value(json_object_get(e->doc, "neighbourhood"));
		if (*themes || wijk) {
			html_printf(&b, "<p class=\"kaart-meta\">%s%s%s</p>", themes,
			            *themes && wijk ? " · " : "", wijk ? wijk : "");
		}
		free(themes);
		const char *d = json_string_value(json_object_get(e->doc, "description"));
		if (d && *d) {
			html_printf(&b, "<p dir=\"auto\">");
			put_snippet(&b, d, 200);
			html_printf(&b, "</p>");
		}
		html_printf(&b, "</li>");
	}
	if (!total)
		html_printf(&b, "<li class=\"waiting\">%s</li>", tr(lang, "kaart.none"));
	html_printf(&b, "</ul>");
	size_t pages = (total + KAART_PAGE - 1) / KAART_PAGE;
	if (pages > 1) {
		html_printf(&b, "<nav class=\"pager\" aria-label=\"%s\"><ul>",
		            tr(lang, "site.pages"));
		for (size_t p = 1; p <= pages; p++) {
			if ((long)p == q.page) {
				html_printf(&b, "<li><span aria-current=\"page\">%zu</span></li>",
				            p);
				continue;
			}
			html_printf(&b, "<li><a href=\"/kaart?");
			html_attr(&b, qs.data ? qs.data : "");
			html_printf(&b, "%spagina=%zu\">%zu</a></li>", qs.len ? "&" : "", p, p);
		}
		html_printf(&b, "</ul></nav>");
	}
	html_printf(&b, "</main>");
	pages_site(a, req, 200, lang, tr(lang, "kaart.title"), b.data, NULL);
	buf_free(&b);
	buf_free(&qs);
	buf_free(&qs_nolang);
	free(q.terms);
}

/* An entry's id from the path's :name; 0 when it is no number. */
static int64_t path_id(const app_match_t *m)
{
	int64_t id = 0;
	if (!m->name_len || m->name_len > 15)
		return 0;
	for (size_t i = 0; i < m->name_len; i++) {
		if (m->name[i] < '0' || m->name[i] > '9')
			return 0;
		id = id * 10 + (m->name[i] - '0');
	}
	return id;
}

static void put_row(buf_t *b, const char *lang, const char *key, const char *value)
{
	if (value && *value)
		html_printf(b, "<dt>%s</dt><dd dir=\"auto\">%s</dd>", tr(lang, key), value);
}

static void put_hours(buf_t *b, const char *lang, const json_t *doc)
{
	json_t *sc = json_object_get(doc, "schedules");
	const char *free_text = json_string_value(json_object_get(doc, "schedule_description"));
	if (!json_array_size(sc) && !free_text)
		return;
	html_printf(b, "<h2 id=\"hours-h\">%s</h2>", tr(lang, "kaart.hours"));
	if (json_array_size(sc)) {
		html_printf(b,
		            "<table class=\"kaart-hours\" aria-labelledby=\"hours-h\"><thead><tr>"
		            "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		            "<th scope=\"col\">%s</th></tr></thead><tbody>",
		            tr(lang, "kaart.day"), tr(lang, "kaart.opens"),
		            tr(lang, "kaart.closes"));
		for (int k = 0; k < 7; k++) {
			size_t i;
			json_t *r;
			json_array_foreach (sc, i, r) {
				if (strcmp(json_string_value(json_object_get(r, "byday")),
				           kaart_days[k]))
					continue;
				char key[24];
				snprintf(key, sizeof key, "kaart.day_%s", kaart_days[k]);
				html_printf(
				    b, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td></tr>",
				    tr(lang, key),
				    json_string_value(json_object_get(r, "opens_at")),
				    json_string_value(json_object_get(r, "closes_at")));
			}
		}
		html_printf(b, "</tbody></table>");
	}
	if (free_text)
		html_printf(b, "<p dir=\"auto\">%s</p>", free_text);
}

void kaart_entry_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *lang = page_lang(req);
	kaart_entry_t *e = kaart_find(a, path_id(m));
	if (!e || !kaart_public(e)) {
		buf_t b = BUF_INIT;
		put_top(&b, lang, "");
		html_printf(&b,
		            "<main id=\"main\" class=\"site kaart\"><h1>%s</h1><p>%s</p>"
		            "<p><a href=\"/kaart\">%s</a></p></main>",
		            tr(lang, "kaart.title"), tr(lang, "kaart.no_such"),
		            tr(lang, "kaart.back"));
		pages_site(a, req, 404, lang, tr(lang, "kaart.title"), b.data, NULL);
		buf_free(&b);
		return;
	}
	json_t *d = kaart_public_doc(e);
	const char *name = json_string_value(json_object_get(d, "name"));
	buf_t b = BUF_INIT;
	put_top(&b, lang, "");
	html_printf(&b,
	            "<main id=\"main\" class=\"site kaart kaart-entry\">"
	            "<p class=\"crumbs\"><a href=\"/kaart%s\">%s</a></p><h1 dir=\"auto\">%s</h1>",
	            strcmp(lang, "nl") ? "?lang=en" : "", tr(lang, "kaart.back"), name);
	if (!strcmp(e->status, "stale"))
		html_printf(&b, "<p><span class=\"badge stale\">%s</span> %s</p>",
		            tr(lang, "kaart.stale"), tr(lang, "kaart.stale_hint"));
	const char *desc = json_string_value(json_object_get(d, "description"));
	if (desc)
		html_printf(&b, "<p class=\"description\" dir=\"auto\">%s</p>", desc);
	html_printf(&b, "<dl class=\"kaart-fields\">");
	char *s = kaart_join(d, "themes");
	put_row(&b, lang, "kaart.f_theme", s);
	free(s);
	s = kaart_join(d, "target_groups");
	put_row(&b, lang, "kaart.f_target", s);
	free(s);
	put_row(&b, lang, "kaart.f_neighbourhood",
	        json_string_value(json_object_get(d, "neighbourhood")));
	s = kaart_join(d, "languages");
	put_row(&b, lang, "kaart.f_language", s);
	free(s);
	put_row(&b, lang, "kaart.accessibility",
	        json_string_value(json_object_get(d, "accessibility")));
	html_printf(&b, "</dl>");
	json_t *ad = json_object_get(d, "address");
	const char *a1 = json_string_value(json_object_get(ad, "address_1"));
	const char *pc = json_string_value(json_object_get(ad, "postal_code"));
	const char *city = json_string_value(json_object_get(ad, "city"));
	if (a1 || pc || city) {
		html_printf(&b, "<h2>%s</h2><address>", tr(lang, "kaart.address"));
		if (a1)
			html_printf(&b, "%s<br>", a1);
		html_printf(&b, "%s%s%s</address>", pc ? pc : "", pc && city ? " " : "",
		            city ? city : "");
	}
	put_hours(&b, lang, d);
	const char *url = json_string_value(json_object_get(d, "url"));
	const char *email = json_string_value(json_object_get(d, "email"));
	const char *phone = json_string_value(json_object_get(d, "phone"));
	if (url || email || phone) {
		html_printf(&b, "<h2>%s</h2><ul class=\"kaart-contact\">",
		            tr(lang, "kaart.contact"));
		if (url)
			html_printf(&b, "<li>%s: <a href=\"%s\" rel=\"nofollow\">%s</a></li>",
			            tr(lang, "kaart.website"), url, url);
		if (email)
			html_printf(&b, "<li>%s: <a href=\"mailto:%s\">%s</a></li>",
			            tr(lang, "kaart.email"), email, email);
		if (phone) {
			char tel[40];
			size_t n = 0;
			for (const char *p = phone; *p && n + 1 < sizeof tel; p++)
				if ((*p >= '0' && *p <= '9') || *p == '+')
					tel[n++] = *p;
			tel[n] = '\0';
			html_printf(&b, "<li>%s: <a href=\"tel:%s\">%s</a></li>",
			            tr(lang, "kaart.phone"), tel, phone);
		}
		html_printf(&b, "</ul>");
	}
	const char *checked = json_string_value(json_object_get(d, "last_checked"));
	const char *src = json_string_value(json_object_get(d, "source_url"));
	html_printf(&b, "<p class=\"hint\">");
	if (checked)
		html_printf(&b, "%s %s. ", tr(lang, "kaart.checked"), checked);
	if (src)
		html_printf(&b, "<a href=\"%s\">%s</a>", src, tr(lang, "kaart.source"));
	html_printf(&b, "</p>");
	char api[40];
	snprintf(api, sizeof api, "id=%lld", (long long)e->id);
	put_map(&b, api);
	html_printf(&b, "</main>");
	pages_site(a, req, 200, lang, name, b.data, NULL);
	buf_free(&b);
	json_decref(d);
}

void kaart_api_entries(app_t *a, http_request_t *req, const app_match_t *m)
{
	(void)m;
	query_t q;
	query_read(req, &q);
	json_t *arr = json_array();
	for (size_t i = 0; i < a->kaart->n; i++) {
		const kaart_entry_t *e = a->kaart->e[i];
		if (!query_match(&q, e))
			continue;
		char url[40];
		snprintf(url, sizeof url, "/kaart/%lld", (long long)e->id);
		json_t *lat = json_object_get(e->doc, "latitude");
		json_t *lon = json_object_get(e->doc, "longitude");
		json_t *nb = json_object_get(e->doc, "neighbourhood");
		json_t *th = json_object_get(e->doc, "themes");
		json_array_append_new(
		    arr, json_pack("{s:I, s:O, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)e->id,
		                   "name", json_object_get(e->doc, "name"), "url", url, "lat",
		                   lat ? json_incref(lat) : json_null(), "lon",
		                   lon ? json_incref(lon) : json_null(), "themes",
		                   th ? json_incref(th) : json_array(), "neighbourhood",
		                   nb ? json_incref(nb) : json_null()));
	}
	free(q.terms);
	json_t *out = json_pack("{s:o}", "entries", arr);
	http_respond_json(req, 200, out, NULL);
}
