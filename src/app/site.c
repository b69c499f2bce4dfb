/*
 * site: the website's public pages (docs/protocol.md, "Processes"): a
 * process's page with its phases and topics, and a topic's page with the
 * meeting's answers, the municipality's reactions and the residents'
 * contributions, supports and replies.
 *
 * Every page works without JavaScript: plain forms, each POST answered
 * with a redirect back to the page (POST-redirect-GET), errors drawn on
 * the page again with the text kept. Pages are drawn from memory
 * (process.h, invariant 1) and carry an ETag made of the process's
 * revision, so a reload that changes nothing costs a 304. A process's page
 * is the same for everyone (public); a topic's page shows the reader's own
 * held posts and supports, so it is private to them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/mail.h"
#include "app/process.h"
#include "util/html.h"
#include "util/xalloc.h"

const char *site_lang(const http_request_t *req, const process_t *p)
{
	char l[8];
	int n = req->method == HTTP_M_POST
	            ? http_form_field(req->body, req->body_len, "lang", 0, l, sizeof l)
	            : http_query(req, "lang", l, sizeof l);
	if (n == 2 && strcmp(l, "nl") == 0)
		return "nl";
	if (n == 2 && strcmp(l, "en") == 0)
		return "en";
	return process_lang(p);
}

/* The process's path: its slug, or its event's id. */
static void base_path(const process_t *p, char *out, size_t len)
{
	if (p->slug)
		snprintf(out, len, "/p/%s", p->slug);
	else
		snprintf(out, len, "/p/%lld", (long long)p->event_id);
}

/* "?lang=xx" when the page is not in the process's own language. */
static const char *lang_query(const process_t *p, const char *lang)
{
	if (strcmp(lang, process_lang(p)) == 0)
		return "";
	return strcmp(lang, "en") == 0 ? "?lang=en" : "?lang=nl";
}

bool site_back(const http_request_t *req, char *out, size_t len)
{
	int n = http_form_field(req->body, req->body_len, "back", 0, out, len);
	if (n <= 3 || strncmp(out, "/p/", 3) != 0)
		return false;
	char *q = strchr(out, '?');
	if (q && strcmp(q, "?lang=en") != 0 && strcmp(q, "?lang=nl") != 0)
		return false;
	size_t path = q ? (size_t)(q - out) : (size_t)n;
	for (size_t i = 0; i < path; i++) {
		char c = out[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '-'))
			return false;
	}
	return strstr(out, "//") == NULL && strstr(out, "/topics/") != NULL;
}

/* A date YYYY-MM-DD as the language writes it. */
static void put_date(buf_t *b, const char *lang, const char *d)
{
	int y, m, day;
	if (sscanf(d, "%4d-%2d-%2d", &y, &m, &day) != 3) {
		html_text(b, d);
		return;
	}
	static const char *const nl[] = {"januari",   "februari", "maart",    "april",
	                                 "mei",       "juni",     "juli",     "augustus",
	                                 "september", "oktober",  "november", "december"};
	static const char *const en[] = {"January",   "February", "March",    "April",
	                                 "May",       "June",     "July",     "August",
	                                 "September", "October",  "November", "December"};
	if (m < 1 || m > 12)
		html_text(b, d);
	else if (strcmp(lang, "nl") == 0)
		html_printf(b, "<time datetime=\"%s\">%d %s %d</time>", d, day, nl[m - 1], y);
	else
		html_printf(b, "<time datetime=\"%s\">%d %s %d</time>", d, day, en[m - 1], y);
}

static void put_time_ms(buf_t *b, const char *lang, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&t, &tm);
	char d[16], hm[8];
	strftime(d, sizeof d, "%Y-%m-%d", &tm);
	strftime(hm, sizeof hm, "%H:%M", &tm);
	put_date(b, lang, d);
	html_printf(b, " %s", hm);
}

/* A person's text: paragraphs at blank lines, line breaks kept; dir auto,
 * so that Arabic or Hebrew reads from the right. */
static void put_text(buf_t *b, const char *cls, const char *s)
{
	html_printf(b, "<div class=\"%s\" dir=\"auto\"><p>", cls);
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, "\n");
		char *line = xstrndup(p, n);
		html_text(b, line);
		free(line);
		p += n;
		if (*p == '\n' && p[1] == '\n') {
			while (*p == '\n')
				p++;
			if (*p)
				html_printf(b, "</p><p>");
		} else if (*p == '\n') {
			p++;
			html_printf(b, "<br>");
		}
	}
	html_printf(b, "</p></div>");
}

static void put_topbar(buf_t *b, const process_t *p, const char *lang, const char *self)
{
	char base[96];
	base_path(p, base, sizeof base);
	const char *other = strcmp(lang, "nl") == 0 ? "en" : "nl";
	html_printf(
	    b,
	    "<header class=\"topbar\"><a class=\"event-title\" href=\"%s%s\">%s</a>"
	    "<a class=\"lang-switch\" href=\"%s?lang=%s\" lang=\"%s\" hreflang=\"%s\">%s</a>"
	    "</header>",
	    base, lang_query(p, lang), p->title, self, other, other, other,
	    tr(lang, "site.language"));
}

/* Answers 304 when the request already holds this version. */
static bool not_modified(http_request_t *req, const char *etag, const char *cache)
{
	const char *inm = http_header(req, "If-None-Match");
	if (!inm || !strstr(inm, etag))
		return false;
	char hdr[256];
	snprintf(hdr, sizeof hdr, "ETag: %s\r\n%s", etag, cache);
	http_respond(req, 304, "text/html; charset=utf-8", hdr, "", 0);
	return true;
}

static bool phase_current(const proc_phase_t *ph, const char *today)
{
	return (!ph->start[0] || strcmp(ph->start, today) <= 0) &&
	       (!ph->end[0] || strcmp(today, ph->end) <= 0) && (ph->start[0] || ph->end[0]);
}

static size_t topic_count(const process_t *p, int64_t topic)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_posts; i++)
		if (p->posts[i].topic == topic && p->posts[i].kind == STORE_POST_CONTRIBUTION &&
		    !p->posts[i].hidden)
			n++;
	return n;
}

static void put_topic_state(buf_t *b, const process_t *p, const proc_topic_t *t, const char *lang)
{
	int64_t until = 0;
	bool open = process_topic_open(p, t, store_now_ms(), &until);
	const proc_phase_t *ph =
	    t->phase >= 0 && (size_t)t->phase < p->n_phases ? &p->phases[t->phase] : NULL;
	if (ph)
		html_printf(b, "<span class=\"phase-name\">%s</span> · ", ph->name);
	if (!open) {
		html_printf(b, "<span class=\"state closed-state\">%s ",
		            tr(lang, "site.closed_on"));
		put_date(b, lang, ph->end);
		html_printf(b, "</span>");
	} else if (ph && ph->end[0]) {
		html_printf(b, "<span class=\"state\">%s ", tr(lang, "site.open_until"));
		put_date(b, lang, ph->end);
		html_printf(b, "</span>");
	} else {
		html_printf(b, "<span class=\"state\">%s</span>", tr(lang, "site.open"));
	}
}

/* What is kept of a resident: with e-mail on, an address they confirm too. */
static const char *anonymous_key(app_t *a, const process_t *p)
{
	return p->email_login && mail_enabled(a) ? "site.anonymous_mail" : "site.anonymous";
}

/* ---- the process's page ---- */

void site_process_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = process_by_name(a, m->name, m->name_len);
	if (!p) {
		pages_index(a, req, 404, tr("nl", "process.no_such"), NULL);
		return;
	}
	const char *lang = site_lang(req, p);
	char today[16], etag[96], base[96];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	/* the day is in it: which phase is current changes at midnight */
	snprintf(etag, sizeof etag, "W/\"p%lld-%llu-%s-%s\"", (long long)p->event_id,
	         (unsigned long long)p->revision, lang, today);
	/* public: the same for everyone; revalidated each time (a 304 is
	 * cheap), so that a resident coming back sees their post counted */
	const char *cache = "Cache-Control: public, max-age=0, must-revalidate\r\n";
	if (not_modified(req, etag, cache))
		return;
	base_path(p, base, sizeof base);
	const char *lq = lang_query(p, lang);
	buf_t b = BUF_INIT;
	put_topbar(&b, p, lang, base);
	html_printf(&b, "<main id=\"main\" class=\"site\"><h1 dir=\"auto\">%s</h1>", p->title);
	if (p->description && *p->description)
		put_text(&b, "description", p->description);
	if (p->n_phases) {
		html_printf(&b,
		            "<section aria-labelledby=\"phases-h\"><h2 id=\"phases-h\">%s</h2>"
		            "<ol class=\"phases\">",
		            tr(lang, "site.phases"));
		for (size_t i = 0; i < p->n_phases; i++) {
			const proc_phase_t *ph = &p->phases[i];
			bool cur = phase_current(ph, today);
			if (cur)
				html_printf(&b,
				            "<li class=\"phase current\" aria-current=\"step\">");
			else
				html_printf(&b, "<li class=\"phase\">");
			html_printf(&b, "<span class=\"phase-name\">%s</span>", ph->name);
			if (cur)
				html_printf(&b, " <span class=\"badge\">%s</span>",
				            tr(lang, "site.now"));
			if (ph->start[0] || ph->end[0]) {
				html_printf(&b, "<span class=\"phase-dates\">");
				if (ph->start[0])
					put_date(&b, lang, ph->start);
				html_printf(&b, " – ");
				if (ph->end[0])
					put_date(&b, lang, ph->end);
				html_printf(&b, "</span>");
			}
			html_printf(&b, "</li>");
		}
		html_printf(&b, "</ol></section>");
	}
	html_printf(&b,
	            "<section aria-labelledby=\"topics-h\"><h2 id=\"topics-h\">%s</h2>"
	            "<ul class=\"topics\">",
	            tr(lang, "site.topics"));
	for (size_t i = 0; i < p->n_topics; i++) {
		const proc_topic_t *t = &p->topics[i];
		size_t n = topic_count(p, t->id);
		char count[96];
		snprintf(count, sizeof count, tr(lang, n == 1 ? "site.count_one" : "site.count"),
		         n);
		html_printf(
		    &b,
		    "<li class=\"topic-card\"><a href=\"%s/topics/%lld%s\" dir=\"auto\">%s</a>"
		    "<p class=\"topic-meta\">",
		    base, (long long)t->id, lq, t->title);
		if (t->slide)
			html_printf(&b, "<span class=\"badge\">%s</span> ",
			            tr(lang, "site.from_meeting"));
		put_topic_state(&b, p, t, lang);
		html_printf(&b, " · %s</p></li>", count);
	}
	if (!p->n_topics)
		html_printf(&b, "<li class=\"waiting\">%s</li>", tr(lang, "site.no_topics"));
	html_printf(&b, "</ul></section>");
	session_t *s = process_session(a, p);
	if (s)
		html_printf(&b, "<p class=\"questionnaire-link\"><a href=\"/%s\">%s</a></p>",
		            s->row.code, tr(lang, "site.questionnaire"));
	if (p->invite_only)
		html_printf(&b, "<p class=\"mail-link\"><a href=\"%s/invite%s\">%s</a></p>", base,
		            lq, tr(lang, "site.invite_link"));
	if (p->email_login && mail_enabled(a) && !(p->retention_at && p->purged_at))
		html_printf(&b, "<p class=\"mail-link\"><a href=\"%s/account%s\">%s</a></p>", base,
		            lq, tr(lang, "site.mail_link"));
	html_printf(&b, "<p class=\"hint privacy\">%s", tr(lang, anonymous_key(a, p)));
	if (p->purged_at && p->retention[0]) {
		html_printf(&b, " %s ", tr(lang, "site.retention_done"));
		put_date(&b, lang, p->retention);
		html_printf(&b, ".");
	} else if (p->retention[0]) {
		html_printf(&b, " %s ", tr(lang, "site.retention"));
		put_date(&b, lang, p->retention);
		html_printf(&b, "%s", tr(lang, "site.retention_after"));
	}
	html_printf(&b, "</p></main>");
	char hdr[256];
	snprintf(hdr, sizeof hdr, "ETag: %s\r\n%s", etag, cache);
	pages_site(a, req, 200, lang, p->title, b.data, hdr);
	buf_free(&b);
}

/* ---- a topic's page ---- */

typedef struct topic_view {
	app_t *a;
	process_t *p;
	proc_topic_t *t;
	http_request_t *req;
	const char *lang;
	char base[96], self[160];
	uint64_t pkey;
	bool known, open;
} topic_view_t;

static void put_hidden(buf_t *b, const topic_view_t *v, const char *cid)
{
	html_printf(b, "<input type=\"hidden\" name=\"lang\" value=\"%s\">", v->lang);
	if (cid)
		html_printf(b, "<input type=\"hidden\" name=\"id\" value=\"%s\">", cid);
}

static void new_cid(char out[25])
{
	unsigned char raw[12];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, 25, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void put_reaction(buf_t *b, const topic_view_t *v, const post_t *q)
{
	html_printf(
	    b, "<article class=\"reaction\" id=\"post-%lld\"><p class=\"reaction-label\">%s</p>",
	    (long long)q->id, tr(v->lang, "site.reaction"));
	put_text(b, "post-text", q->body);
	html_printf(b, "<p class=\"post-meta\">");
	put_time_ms(b, v->lang, q->at);
	html_printf(b, "</p></article>");
}

static bool shown(const topic_view_t *v, const post_t *q)
{
	return !q->hidden ||
	       (q->pending && v->known && q->pkey == v->pkey && q->kind != STORE_POST_REACTION);
}

static void put_post(buf_t *b, const topic_view_t *v, const post_t *q)
{
	bool reply = q->kind == STORE_POST_REPLY;
	html_printf(b, "<article class=\"%s\" id=\"post-%lld\">", reply ? "reply" : "post",
	            (long long)q->id);
	put_text(b, "post-text", q->body);
	html_printf(b, "<p class=\"post-meta\">");
	put_time_ms(b, v->lang, q->at);
	if (q->pending)
		html_printf(b, " · <span class=\"held\">%s</span>", tr(v->lang, "site.held"));
	html_printf(b, "</p>");
	if (!q->hidden) {
		bool supported =
		    v->known && process_marked(v->a, q->id, STORE_MARK_SUPPORT, v->pkey);
		bool flagged = v->known && process_marked(v->a, q->id, STORE_MARK_FLAG, v->pkey);
		char label[96];
		snprintf(label, sizeof label, tr(v->lang, "site.support_count"),
		         (long long)q->supports);
		html_printf(b, "<div class=\"post-actions\">");
		if (supported || !v->open)
			html_printf(b, "<span class=\"supports%s\">%s %s</span>",
			            supported ? " supported" : "",
			            tr(v->lang, supported ? "site.supported" : "site.supports"),
			            label);
		else
			html_printf(b,
			            "<form method=\"post\" action=\"%s\" class=\"inline\">"
			            "<input type=\"hidden\" name=\"action\" value=\"support\">"
			            "<input type=\"hidden\" name=\"post\" value=\"%lld\">",
			            v->self, (long long)q->id);
		if (!supported && v->open) {
			put_hidden(b, v, NULL);
			html_printf(b,
			            "<button type=\"submit\" class=\"support\">%s "
			            "<span class=\"count\">%s</span></button></form>",
			            tr(v->lang, "site.support"), label);
		}
		if (flagged)
			html_printf(b, "<span class=\"flagged\">%s</span>",
			            tr(v->lang, "site.flagged"));
		else {
			html_printf(b,
			            "<form method=\"post\" action=\"%s\" class=\"inline\">"
			            "<input type=\"hidden\" name=\"action\" value=\"flag\">"
			            "<input type=\"hidden\" name=\"post\" value=\"%lld\">",
			            v->self, (long long)q->id);
			put_hidden(b, v, NULL);
			html_printf(b, "<button type=\"submit\" class=\"flag\">%s</button></form>",
			            tr(v->lang, "site.flag"));
		}
		html_printf(b, "</div>");
	}
	if (reply) {
		html_printf(b, "</article>");
		return;
	}
	/* under a contribution: the municipality's reactions, then replies */
	const process_t *p = v->p;
	for (size_t i = 0; i < p->n_posts; i++)
		if (p->posts[i].parent == q->id && p->posts[i].kind == STORE_POST_REACTION &&
		    !p->posts[i].hidden)
			put_reaction(b, v, &p->posts[i]);
	bool any = false;
	for (size_t i = 0; i < p->n_posts; i++) {
		const post_t *r = &p->posts[i];
		if (r->parent != q->id || r->kind != STORE_POST_REPLY || !shown(v, r))
			continue;
		if (!any)
			html_printf(b, "<div class=\"replies\">");
		any = true;
		put_post(b, v, r);
	}
	if (any)
		html_printf(b, "</div>");
	if (v->open && !q->hidden) {
		char cid[25];
		new_cid(cid);
		html_printf(b,
		            "<details class=\"reply-form\"><summary>%s</summary>"
		            "<form method=\"post\" action=\"%s\">"
		            "<input type=\"hidden\" name=\"action\" value=\"reply\">"
		            "<input type=\"hidden\" name=\"parent\" value=\"%lld\">",
		            tr(v->lang, "site.reply"), v->self, (long long)q->id);
		put_hidden(b, v, cid);
		html_printf(
		    b,
		    "<label for=\"reply-%lld\">%s</label><textarea id=\"reply-%lld\" "
		    "name=\"text\" rows=\"3\" maxlength=\"%d\" required dir=\"auto\"></textarea>"
		    "<button type=\"submit\">%s</button></form></details>",
		    (long long)q->id, tr(v->lang, "site.your_reply"), (long long)q->id,
		    PROCESS_TEXT_MAX, tr(v->lang, "site.send_reply"));
	}
	html_printf(b, "</article>");
}

/* What the meeting said: the question's answers per session. */
static void put_meeting(buf_t *b, const topic_view_t *v)
{
	app_t *a = v->a;
	const process_t *p = v->p;
	const session_t *online = process_session(a, p);
	bool any = false;
	for (size_t i = 0; i < p->n_past + a->n_sessions; i++) {
		const live_slide_t *ls = NULL;
		int64_t started;
		bool self_paced;
		if (i < p->n_past) {
			for (size_t k = 0; k < p->past[i].n_slides; k++)
				if (p->past[i].slides[k].id == v->t->slide)
					ls = &p->past[i].slides[k];
			started = p->past[i].started_at, self_paced = p->past[i].self_paced;
		} else {
			session_t *s = a->sessions[i - p->n_past];
			/* the online channel's own results come with its form, when
			 * the reader answered (as on its questionnaire) */
			if (s->row.event_id != p->event_id || s == online)
				continue;
			ls = process_topic_slide(s, v->t);
			started = s->row.started_at, self_paced = s->row.self_paced;
		}
		if (!ls)
			continue;
		if (!any)
			html_printf(b,
			            "<section class=\"meeting\" aria-labelledby=\"meeting-h\">"
			            "<h2 id=\"meeting-h\">%s</h2><p class=\"hint\">%s</p>",
			            tr(v->lang, "site.meeting"), ls->s.title);
		any = true;
		html_printf(b, "<div class=\"session-results\"><h3>");
		if (self_paced) {
			html_printf(b, "%s", tr(v->lang, "site.online"));
		} else {
			html_printf(b, "%s ", tr(v->lang, "site.session_of"));
			time_t t = (time_t)(started / 1000);
			struct tm tm;
			char d[16];
			localtime_r(&t, &tm);
			strftime(d, sizeof d, "%Y-%m-%d", &tm);
			put_date(b, v->lang, d);
		}
		html_printf(b, "</h3>");
		pages_tally(b, v->lang, ls);
		html_printf(b, "</div>");
	}
	if (any)
		html_printf(b, "</section>");
}

/* The closed kinds of a question topic go to the online channel. */
static void put_question_form(buf_t *b, const topic_view_t *v)
{
	session_t *s = process_session(v->a, v->p);
	live_slide_t *ls = process_topic_slide(s, v->t);
	if (!ls || ls->s.kind == SLIDE_OPEN || ls->s.kind == SLIDE_QA)
		return;
	html_printf(b,
	            "<section class=\"question\" id=\"answer\" aria-labelledby=\"answer-h\">"
	            "<h2 id=\"answer-h\">%s</h2>",
	            tr(v->lang, "site.your_answer"));
	char back[200];
	snprintf(back, sizeof back, "%s", v->self);
	pages_question(b, v->a, s, ls, v->req, back, v->open);
	html_printf(b, "</section>");
}

static const char *sent_key(const char *sent)
{
	static const struct {
		const char *v, *key;
	} keys[] = {{"post", "site.sent_post"},
	            {"held", "site.sent_held"},
	            {"support", "site.sent_support"},
	            {"flag", "site.sent_flag"},
	            {"answer", "form.sent"}};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (strcmp(sent, keys[i].v) == 0)
			return keys[i].key;
	return NULL;
}

static void topic_page(app_t *a, process_t *p, proc_topic_t *t, http_request_t *req, int status,
                       const char *lang, const char *error, const char *text, const char *cookie)
{
	topic_view_t v = {.a = a, .p = p, .t = t, .req = req, .lang = lang};
	char hex[33], made[160];
	auth_participant(a, req, hex, &v.pkey, made);
	v.known = made[0] == '\0';
	v.open = process_topic_open(p, t, store_now_ms(), NULL);
	base_path(p, v.base, sizeof v.base);
	snprintf(v.self, sizeof v.self, "%s/topics/%lld%s", v.base, (long long)t->id,
	         lang_query(p, lang));
	long long page = 1;
	char q[24];
	if (http_query(req, "page", q, sizeof q) > 0)
		page = strtoll(q, NULL, 10);
	if (page < 1 || page > 100000)
		page = 1;
	/* Private: it shows the reader's own held posts and supports. Its tag
	 * holds everything drawn: the posts (revision), the answers (the
	 * tallies' versions), the reader and the day (a topic closes). */
	uint64_t tv = 0;
	for (size_t i = 0; i < a->n_sessions; i++)
		if (a->sessions[i]->row.event_id == p->event_id) {
			live_slide_t *ls = process_topic_slide(a->sessions[i], t);
			tv += ls ? tally_version(ls->tally) + a->sessions[i]->row.revision : 0;
		}
	char etag[160];
	snprintf(etag, sizeof etag, "W/\"t%lld-%lld-%llu-%llu-%s-%.8s-%d-%lld-%d\"",
	         (long long)p->event_id, (long long)t->id, (unsigned long long)p->revision,
	         (unsigned long long)tv, lang, v.known ? hex : "0", v.open, page,
	         (int)(time(NULL) / 86400));
	const char *cache = "Cache-Control: private, no-cache\r\n";
	bool plain = req->method == HTTP_M_GET && status == 200 && !req->query[0];
	if (plain && not_modified(req, etag, cache))
		return;
	buf_t b = BUF_INIT;
	put_topbar(&b, p, lang, v.self);
	html_printf(&b,
	            "<main id=\"main\" class=\"site\"><nav class=\"crumbs\" aria-label=\"%s\">"
	            "<a href=\"%s%s\">%s</a></nav><h1 dir=\"auto\">%s</h1><p class=\"topic-meta\">",
	            tr(lang, "site.crumbs"), v.base, lang_query(p, lang), p->title, t->title);
	put_topic_state(&b, p, t, lang);
	html_printf(&b, "</p>");
	char sent[16];
	const char *key = NULL;
	if (!error && http_query(req, "sent", sent, sizeof sent) > 0 && (key = sent_key(sent)))
		html_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>", tr(lang, key));
	if (error)
		html_printf(&b, "<p class=\"error\" role=\"alert\">%s <a href=\"#text\">%s</a></p>",
		            error, tr(lang, "site.to_form"));
	if (t->body[0])
		put_text(&b, "description", t->body);
	for (size_t i = 0; i < p->n_posts; i++)
		if (p->posts[i].topic == t->id && p->posts[i].kind == STORE_POST_REACTION &&
		    !p->posts[i].parent && !p->posts[i].hidden)
			put_reaction(&b, &v, &p->posts[i]);
	if (t->slide)
		put_meeting(&b, &v);
	put_question_form(&b, &v);
	if (v.open) {
		char cid[25];
		new_cid(cid);
		html_printf(&b,
		            "<section class=\"contribute\" aria-labelledby=\"contribute-h\">"
		            "<h2 id=\"contribute-h\">%s</h2><form method=\"post\" action=\"%s\">"
		            "<input type=\"hidden\" name=\"action\" value=\"post\">",
		            tr(lang, "site.contribute"), v.self);
		put_hidden(&b, &v, cid);
		html_printf(&b,
		            "<label for=\"text\">%s</label><textarea id=\"text\" name=\"text\" "
		            "rows=\"5\" maxlength=\"%d\" required dir=\"auto\"%s>",
		            tr(lang, "site.your_contribution"), PROCESS_TEXT_MAX,
		            error ? " aria-invalid=true" : "");
		if (text)
			html_text(&b, text);
		html_printf(&b,
		            "</textarea><p class=\"hint\">%s</p><button type=\"submit\">%s</button>"
		            "</form></section>",
		            tr(lang, anonymous_key(a, p)), tr(lang, "site.send"));
	} else {
		html_printf(&b, "<p class=\"closed\" id=\"text\">%s</p>",
		            tr(lang, "process.closed"));
	}
	/* newest first, a page at a time */
	size_t total = 0;
	for (size_t i = 0; i < p->n_posts; i++)
		if (p->posts[i].topic == t->id && p->posts[i].kind == STORE_POST_CONTRIBUTION &&
		    shown(&v, &p->posts[i]))
			total++;
	char line[96];
	snprintf(line, sizeof line, tr(lang, total == 1 ? "site.count_one" : "site.count"), total);
	html_printf(&b,
	            "<section class=\"posts\" aria-labelledby=\"posts-h\"><h2 id=\"posts-h\">%s"
	            "</h2>",
	            line);
	size_t skip = (size_t)(page - 1) * PROCESS_PAGE_POSTS, drawn = 0, seen = 0;
	for (size_t i = p->n_posts; i-- > 0 && drawn < PROCESS_PAGE_POSTS;) {
		const post_t *c = &p->posts[i];
		if (c->topic != t->id || c->kind != STORE_POST_CONTRIBUTION || !shown(&v, c))
			continue;
		if (seen++ < skip)
			continue;
		put_post(&b, &v, c);
		drawn++;
	}
	if (!total)
		html_printf(&b, "<p class=\"waiting\">%s</p>", tr(lang, "site.no_posts"));
	html_printf(&b, "<nav class=\"pages\" aria-label=\"%s\">", tr(lang, "site.pages"));
	const char *sep = strchr(v.self, '?') ? "&" : "?"; /* escaped as it goes in */
	if (page > 1)
		html_printf(&b, "<a href=\"%s%spage=%lld\" rel=\"prev\">%s</a> ", v.self, sep,
		            page - 1, tr(lang, "site.newer"));
	if (skip + drawn < total)
		html_printf(&b, "<a href=\"%s%spage=%lld\" rel=\"next\">%s</a>", v.self, sep,
		            page + 1, tr(lang, "site.older"));
	html_printf(&b, "</nav></section></main>");
	char hdr[512];
	snprintf(hdr, sizeof hdr, "ETag: %s\r\n%s%s", etag, cache, cookie ? cookie : "");
	pages_site(a, req, status, lang, t->title, b.data, hdr);
	buf_free(&b);
}

void site_topic_error(app_t *a, process_t *p, proc_topic_t *t, http_request_t *req, int status,
                      const char *lang, const char *msg, const char *text, const char *set_cookie)
{
	/* a Retry-After or a cookie may ride along in set_cookie */
	topic_page(a, p, t, req, status, lang, msg, text, set_cookie);
}

static bool topic_of(app_t *a, http_request_t *req, const app_match_t *m, process_t **p,
                     proc_topic_t **t)
{
	*p = process_by_name(a, m->name, m->name_len);
	*t = *p ? process_topic(*p, m->id) : NULL;
	if (!*t)
		pages_index(a, req, 404, tr("nl", *p ? "process.no_topic" : "process.no_such"),
		            NULL);
	return *t != NULL;
}

void site_topic_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p;
	proc_topic_t *t;
	if (topic_of(a, req, m, &p, &t))
		topic_page(a, p, t, req, 200, site_lang(req, p), NULL, NULL, NULL);
}

/* POST /p/:name/topics/:topic: action post, reply, support or flag. */
void site_topic_post(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p;
	proc_topic_t *t;
	if (!topic_of(a, req, m, &p, &t))
		return;
	const char *lang = site_lang(req, p);
	char action[16] = "", num[24] = "", cid[80] = "";
	http_form_field(req->body, req->body_len, "action", 0, action, sizeof action);
	post_in_t in = {.topic = t->id, .form = true, .lang = lang};
	char base[96];
	base_path(p, base, sizeof base);
	snprintf(in.back, sizeof in.back, "%s/topics/%lld%s", base, (long long)t->id,
	         lang_query(p, lang));
	if (strcmp(action, "support") == 0 || strcmp(action, "flag") == 0) {
		process_t *pp;
		post_t *post;
		http_form_field(req->body, req->body_len, "post", 0, num, sizeof num);
		if (!process_find_post(a, strtoll(num, NULL, 10), &pp, &post) || pp != p ||
		    post->topic != t->id) {
			topic_page(a, p, t, req, 404, lang, tr(lang, "process.no_post"), NULL,
			           NULL);
			return;
		}
		process_mark_submit(a, p, post, req,
		                    action[0] == 's' ? STORE_MARK_SUPPORT : STORE_MARK_FLAG, true,
		                    lang, in.back);
		return;
	}
	if (strcmp(action, "post") != 0 && strcmp(action, "reply") != 0) {
		topic_page(a, p, t, req, 400, lang, tr(lang, "err.form"), NULL, NULL);
		return;
	}
	size_t buflen = req->body_len + 1;
	char *text = xmalloc(buflen);
	if (http_form_field(req->body, req->body_len, "text", 0, text, buflen) < 0)
		text[0] = '\0';
	http_form_field(req->body, req->body_len, "id", 0, cid, sizeof cid);
	in.client_id = cid;
	in.text = text;
	if (action[0] == 'r') {
		in.kind = STORE_POST_REPLY;
		if (http_form_field(req->body, req->body_len, "parent", 0, num, sizeof num) > 0)
			in.parent = strtoll(num, NULL, 10);
		if (in.parent <= 0) {
			topic_page(a, p, t, req, 400, lang, tr(lang, "process.no_parent"), NULL,
			           NULL);
			free(text);
			return;
		}
	}
	process_post_submit(a, p, req, &in);
	free(text);
}

/* ---- the hand-off from the hall ---- */

/* The published process of s's event, or NULL. */
static process_t *website_of(app_t *a, const session_t *s)
{
	process_t *p = process_by_event(a, s->row.event_id);
	return p && p->published ? p : NULL;
}

void site_session_website(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = website_of(a, m->session);
	if (!p) {
		http_respond_error(req, 404, "not_found", tr(m->session->lang, "process.no_such"),
		                   NULL);
		return;
	}
	char path[96], url[700];
	base_path(p, path, sizeof path);
	snprintf(url, sizeof url, "%s%s", a->public_url, path);
	http_respond_json(req, 200,
	                  json_pack("{s:s, s:s, s:s}", "path", path, "url", url, "title", p->title),
	                  "Cache-Control: no-cache\r\n");
}

static void ended_page(app_t *a, http_request_t *req, process_t *p)
{
	const char *lang = process_lang(p);
	char path[96];
	base_path(p, path, sizeof path);
	buf_t b = BUF_INIT;
	put_topbar(&b, p, lang, path);
	html_printf(&b,
	            "<main id=\"main\" class=\"site\"><h1>%s</h1><p class=\"notice\">%s</p>"
	            "<p class=\"handoff\"><a class=\"button\" href=\"%s\">%s</a></p></main>",
	            tr(lang, "site.handoff_title"), tr(lang, "err.ended"), path,
	            tr(lang, "site.handoff"));
	pages_site(a, req, 410, lang, p->title, b.data, NULL);
	buf_free(&b);
}

bool site_ended_page(app_t *a, http_request_t *req, session_t *s)
{
	process_t *p = website_of(a, s);
	if (p)
		ended_page(a, req, p);
	return p != NULL;
}

bool site_ended_code_page(app_t *a, http_request_t *req, const char *code)
{
	for (size_t i = 0; i < a->n_processes; i++) {
		process_t *p = a->processes[i];
		for (size_t k = 0; p->published && k < p->n_past; k++)
			if (strcmp(p->past[k].code, code) == 0) {
				ended_page(a, req, p);
				return true;
			}
	}
	return false;
}
