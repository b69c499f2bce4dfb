/*
 * routes: which handler answers which request, and the small handlers
 * that need no file of their own (state, control, moderation flags).
 * Paths and their answers are documented in docs/protocol.md.
 *
 * app_handle is a look-up in the route tables (app_routes below, then
 * workspace_routes): the checks every route needs (method, login, CSRF,
 * access to the event, body limit) are made here from the route's row, in
 * the order internal.h lists, so no handler can forget one. The look-up
 * matches the path in place: the answer POST and the participant stream
 * are served without an allocation before their handler.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "app/kaart.h"
#include "app/mail.h"
#include "app/reports.h"
#include "app/tiles.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xalloc.h"

enum { CONTROL_BODY_MAX = 16 * 1024 };

static void not_found(http_request_t *req)
{
	http_respond_error(req, 404, "not_found", tr_req(req, "api.not_found"), NULL);
}

/* 405 with every method the path takes (a mask of APP_*). */
static void wrong_method(http_request_t *req, unsigned allow)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
	    {APP_GET, "GET"}, {APP_POST, "POST"}, {APP_PUT, "PUT"}, {APP_DELETE, "DELETE"}};
	char hdr[64] = "Allow: ";
	size_t n = strlen(hdr);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (allow & names[i].bit)
			n += (size_t)snprintf(hdr + n, sizeof hdr - n, "%s%s", n > 7 ? ", " : "",
			                      names[i].name);
	snprintf(hdr + n, sizeof hdr - n, "\r\n");
	http_respond_error(req, 405, "method_not_allowed", tr_req(req, "api.method_not_allowed"),
	                   hdr);
}

/*
 * Join codes must not be guessable by trying them all: failed look-ups are
 * limited per network address (in memory only). Many phones behind one
 * venue address still have room for plenty of typing mistakes. Returns true
 * (and has answered 429) while the address is over its budget.
 */
static bool lookup_blocked(app_t *a, http_request_t *req, bool html)
{
	int retry;
	if (bucket_take(&a->lookups, http_peer_key(req), uv_now(a->loop), false, &retry))
		return false;
	char msg[200], hdr[64];
	snprintf(msg, sizeof msg, tr("nl", "err.lookups"), retry);
	snprintf(hdr, sizeof hdr, "Retry-After: %d\r\n", retry);
	if (html)
		pages_index(a, req, 429, msg, hdr);
	else
		http_respond_error(req, 429, "rate_limited", msg, hdr);
	return true;
}

static void lookup_failed(app_t *a, http_request_t *req)
{
	int retry;
	bucket_take(&a->lookups, http_peer_key(req), uv_now(a->loop), true, &retry);
}

/* ---- control ---- */

/* POST /api/v1/sessions/:code/control (its body limit is the route's). */
static void control(app_t *a, http_request_t *req, const app_match_t *m)
{
	session_t *s = m->session;
	json_error_t jerr;
	json_t *body = json_loadb(req->body, req->body_len, 0, &jerr);
	const char *action = json_string_value(json_object_get(body, "action"));
	if (!action) {
		json_decref(body);
		http_respond_error(req, 400, "invalid", tr_req(req, "sessions.expected_action"),
		                   NULL);
		return;
	}
	if (s->row.status != 0) {
		json_decref(body);
		http_respond_error(req, 409, "ended", tr_req(req, "sessions.ended"), NULL);
		return;
	}
	store_session_t before = s->row;
	int target = s->row.slide_index;
	if (strcmp(action, "next") == 0) {
		if ((size_t)target + 1 < s->n_slides)
			target++;
	} else if (strcmp(action, "prev") == 0) {
		if (target > 0)
			target--;
	} else if (strcmp(action, "goto") == 0) {
		json_t *id = json_object_get(body, "slide");
		live_slide_t *ls =
		    json_is_integer(id) ? live_slide_by_id(s, json_integer_value(id)) : NULL;
		if (!ls) {
			json_decref(body);
			http_respond_error(req, 400, "invalid", tr_req(req, "sessions.slide"),
			                   NULL);
			return;
		}
		target = (int)(ls - s->slides);
	} else if (strcmp(action, "open") == 0) {
		s->row.open = true;
	} else if (strcmp(action, "close") == 0) {
		s->row.open = false;
	} else if (strcmp(action, "show-results") == 0) {
		s->row.results = true;
	} else if (strcmp(action, "hide-results") == 0) {
		s->row.results = false;
	} else if (strcmp(action, "end") == 0) {
		/* For good: the code stops taking answers and phones say so. */
		s->row.status = 1;
		s->row.open = false;
		s->row.ended_at = store_now_ms();
		json_decref(body);
		live_changed(a, s, req);
		return;
	} else {
		json_decref(body);
		http_respond_error(req, 400, "invalid", tr_req(req, "sessions.unknown_action"),
		                   NULL);
		return;
	}
	json_decref(body);
	if (target != s->row.slide_index) {
		/* A new slide opens for answers and shows its results as they come. */
		s->row.slide_index = target;
		s->row.open = true;
		s->row.results = true;
	}
	if (s->row.slide_index == before.slide_index && s->row.open == before.open &&
	    s->row.results == before.results) {
		http_respond(req, 200, "application/json; charset=utf-8", NULL, s->state,
		             strlen(s->state));
		return;
	}
	live_changed(a, s, req);
}

/* ---- moderation flags ---- */

typedef struct flag {
	store_job_t job;
	app_t *app;
	http_request_t *req;
	session_t *session;
	live_slide_t *slide;
} flag_t;

static void flag_saved(store_job_t *job)
{
	flag_t *f = (flag_t *)job;
	f->session->moderating--;
	int64_t id = job->u.flag.answer_id;
	bool v = job->u.flag.value;
	if (job->status != STORE_OK) {
		http_respond_error(f->req, 503, "unavailable",
		                   tr_req(f->req, "api.change_not_saved"), NULL);
	} else {
		/* Applied after the commit: what the screen shows is what is stored. */
		if (job->kind == STORE_JOB_HIDE) {
			/* approved or rejected: either way it waits no more */
			tally_set_hidden(f->slide->tally, id, v);
			tally_set_pending(f->slide->tally, id, false);
		} else if (job->kind == STORE_JOB_PIN) {
			tally_set_pinned(f->slide->tally, id, v);
		} else {
			tally_set_answered(f->slide->tally, id, v);
		}
		live_dirty(f->app, f->session);
		http_respond_json(f->req, 200,
		                  json_pack("{s:I, s:b}", "id", (json_int_t)id,
		                            job->kind == STORE_JOB_HIDE  ? "hidden"
		                            : job->kind == STORE_JOB_PIN ? "pinned"
		                                                         : "answered",
		                            v),
		                  NULL);
	}
	free(f);
}

/* ?hidden=1: moderators' results, hidden answers included. */
static bool wants_hidden(const http_request_t *req)
{
	char h[8];
	return http_query(req, "hidden", h, sizeof h) > 0 && strcmp(h, "1") == 0;
}

/* ---- /api/v1/answers/:answer/VERB ---- */

/* A moderation route's arg: the job and the value it sets. */
#define FLAG(kind, value) ((int)(kind)*2 + (value))

static void moderate(app_t *a, http_request_t *req, const app_match_t *m)
{
	store_job_kind_t kind = (store_job_kind_t)(m->route->arg / 2);
	bool value = m->route->arg % 2;
	session_t *s = m->session;
	live_slide_t *ls = m->slide;
	if (kind != STORE_JOB_HIDE && ls->s.kind != SLIDE_QA) {
		http_respond_error(req, 400, "invalid", tr_req(req, "sessions.qa_only"), NULL);
		return;
	}
	flag_t *f = xcalloc(1, sizeof *f);
	f->job.kind = kind;
	f->job.done = flag_saved;
	f->job.u.flag.answer_id = m->id;
	f->job.u.flag.value = value;
	f->job.u.flag.event_id = s->row.event_id;
	f->job.u.flag.session_id = s->row.id;
	f->job.u.flag.user_id = m->user;
	f->app = a;
	f->req = req;
	f->session = s;
	f->slide = ls;
	s->moderating++;
	store_submit(a->store, &f->job);
}

/* ---- /api/v1/sessions/:code/... ---- */

static void session_state(app_t *a, http_request_t *req, const app_match_t *m)
{
	session_t *s = m->session;
	http_respond(req, 200, "application/json; charset=utf-8", NULL, s->state, strlen(s->state));
}

static void session_stream(app_t *a, http_request_t *req, const app_match_t *m)
{
	live_stream(a, m->session, req, STREAM_PARTICIPANT);
}

static void session_answers(app_t *a, http_request_t *req, const app_match_t *m)
{
	answers_post_json(a, m->session, req);
}

static void session_questions(app_t *a, http_request_t *req, const app_match_t *m)
{
	json_t *q = live_qa(m->session);
	if (!q)
		http_respond_error(req, 404, "not_found", "the current slide is not Q&A", NULL);
	else
		http_respond_json(req, 200, q, NULL);
}

static void session_questionnaire(app_t *a, http_request_t *req, const app_match_t *m)
{
	questionnaire_get(a, m->session, req);
}

static void session_qr(app_t *a, http_request_t *req, const app_match_t *m)
{
	pages_qr_svg(a, m->session, req);
}

static void session_results(app_t *a, http_request_t *req, const app_match_t *m)
{
	http_respond_json(req, 200, live_results(m->session, wants_hidden(req)), NULL);
}

static void session_results_stream(app_t *a, http_request_t *req, const app_match_t *m)
{
	live_stream(a, m->session, req, wants_hidden(req) ? STREAM_MODERATOR : STREAM_PRESENTER);
}

static void session_report(app_t *a, http_request_t *req, const app_match_t *m)
{
	reports_get(a, m->session, req);
}

static void session_not_found(app_t *a, http_request_t *req, const app_match_t *m)
{
	not_found(req);
}

/* ---- pages ---- */

static void index_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	pages_index(a, req, 200, NULL, NULL);
}

static void join(app_t *a, http_request_t *req, const app_match_t *m)
{
	char code[32];
	int n = http_query(req, "code", code, sizeof code);
	/* People type spaces between the groups of digits. */
	char digits[32];
	size_t k = 0;
	for (int i = 0; i < n && k + 1 < sizeof digits; i++)
		if (code[i] != ' ')
			digits[k++] = code[i];
	digits[k] = '\0';
	if (!is_code(digits)) {
		pages_index(a, req, 400, tr("nl", "err.code_format"), NULL);
		return;
	}
	if (lookup_blocked(a, req, true))
		return;
	/* made by another node or process: handled again once loaded */
	if (!live_find(a, digits) && nodes_lookup(a, req, digits))
		return;
	if (!live_find(a, digits)) {
		lookup_failed(a, req);
		pages_index(a, req, 404, tr("nl", "err.code"), NULL);
		return;
	}
	char hdr[64];
	snprintf(hdr, sizeof hdr, "Location: /%s\r\n", digits);
	http_respond(req, 303, "text/plain; charset=utf-8", hdr, "", 0);
}

static void login_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	char t[8], next[256];
	if (http_query(req, "token", t, sizeof t) >= 0 || strstr(req->query, "token=")) {
		auth_login_link(a, req);
		return;
	}
	if (http_query(req, "next", next, sizeof next) < 0)
		snprintf(next, sizeof next, "/");
	pages_login(a, req, 200, NULL, next);
}

static void login_post(app_t *a, http_request_t *req, const app_match_t *m)
{
	auth_login_form(a, req);
}

static void logout(app_t *a, http_request_t *req, const app_match_t *m)
{
	auth_logout(a, req);
}

static void app_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	pages_app(a, req);
}

static void present_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	pages_present(a, m->session, req);
}

static void participant_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	session_t *s = m->session;
	char hex[33], cookie[160], sent[24]; /* "1", or a self-paced page's slide */
	uint64_t key;
	auth_participant(a, req, hex, &key, cookie);
	bool ok = http_query(req, "sent", sent, sizeof sent) > 0;
	/* held=1: the answer waits for a moderator, and the page says so (issue 12) */
	char held_v[4];
	bool held = http_query(req, "held", held_v, sizeof held_v) > 0;
	pages_participant(a, s, req, 200,
	                  ok ? tr(s->lang, held ? "form.sent_held" : "form.sent") : NULL, false,
	                  cookie);
}

static void participant_post(app_t *a, http_request_t *req, const app_match_t *m)
{
	answers_post_form(a, m->session, req);
}

static void static_file(app_t *a, http_request_t *req, const app_match_t *m)
{
	if (!pages_static(a, req, m->rest))
		not_found(req);
}

/* ---- the table ---- */

/*
 * The participant's two hot routes come first: the look-up stops at the
 * first row that takes the path and the method.
 */
const app_route_t app_routes[] = {
    APP_ROUTE(APP_POST, "/api/v1/sessions/:code/answers", session_answers, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/stream", session_stream, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code", session_state, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/questions", session_questions, APP_ROLE_ANYONE,
              .flags = APP_R_ENDED),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/questionnaire", session_questionnaire,
              APP_ROLE_ANYONE, .flags = APP_R_ENDED),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/qr.svg", session_qr, APP_ROLE_ANYONE,
              .flags = APP_R_ENDED),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/website", site_session_website, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/website-qr.svg", presenter_website_qr,
              APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/api/v1/sessions/:code/control", control, APP_ROLE_FACILITATOR,
              .flags = APP_R_CSRF, .body_max = CONTROL_BODY_MAX),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/results", session_results, APP_ROLE_MODERATOR),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/results/stream", session_results_stream,
              APP_ROLE_MODERATOR),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/report", session_report, APP_ROLE_MODERATOR),
    /* issue 13: the presenter view's slides and notes, the flyer */
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/presenter", presenter_get, APP_ROLE_MODERATOR),
    APP_ROUTE(APP_GET, "/api/v1/sessions/:code/flyer.pdf", flyer_get, APP_ROLE_MODERATOR,
              .flags = APP_R_ENDED),
    APP_ROUTE(APP_POST, "/api/v1/sessions/:code/reactions", reactions_post, APP_ROLE_ANYONE,
              .body_max = REACTIONS_BODY_MAX),
    /* an unknown path of a session still costs a look-up */
    APP_ROUTE(APP_ANY, "/api/v1/sessions/:code/*", session_not_found, APP_ROLE_ANYONE,
              .flags = APP_R_FALLBACK),

    APP_ROUTE(APP_POST, "/api/v1/answers/:answer/hide", moderate, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF, .arg = FLAG(STORE_JOB_HIDE, true)),
    APP_ROUTE(APP_POST, "/api/v1/answers/:answer/show", moderate, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF, .arg = FLAG(STORE_JOB_HIDE, false)),
    APP_ROUTE(APP_POST, "/api/v1/answers/:answer/answered", moderate, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF, .arg = FLAG(STORE_JOB_ANSWERED, true)),
    APP_ROUTE(APP_POST, "/api/v1/answers/:answer/unanswered", moderate, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF, .arg = FLAG(STORE_JOB_ANSWERED, false)),
    APP_ROUTE(APP_POST, "/api/v1/answers/:answer/pin", moderate, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF, .arg = FLAG(STORE_JOB_PIN, true)),
    APP_ROUTE(APP_POST, "/api/v1/answers/:answer/unpin", moderate, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF, .arg = FLAG(STORE_JOB_PIN, false)),

    /* the website (process.c, site.c) */
    APP_ROUTE(APP_GET, "/api/v1/processes/:name", process_api_get, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/api/v1/processes/:name/topics/:topic", process_api_topic, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/api/v1/processes/:name/topics/:topic/posts", process_api_post,
              APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/api/v1/posts/:post/support", process_api_mark, APP_ROLE_ANYONE,
              .arg = STORE_MARK_SUPPORT),
    APP_ROUTE(APP_POST, "/api/v1/posts/:post/flag", process_api_mark, APP_ROLE_ANYONE,
              .arg = STORE_MARK_FLAG),
    APP_ROUTE(APP_POST, "/api/v1/posts/:post/hide", process_ws_moderate, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF, .arg = 0),
    APP_ROUTE(APP_POST, "/api/v1/posts/:post/show", process_ws_moderate, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF, .arg = 1),
    APP_ROUTE(APP_POST, "/api/v1/posts/:post/keep", process_ws_moderate, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF, .arg = 2),
    APP_ROUTE(APP_GET, "/api/v1/events/:event/process", process_ws_get, APP_ROLE_MODERATOR),
    APP_ROUTE(APP_PUT, "/api/v1/events/:event/process", process_ws_put, APP_ROLE_FACILITATOR,
              .flags = APP_R_CSRF),
    APP_ROUTE(APP_POST, "/api/v1/events/:event/process/reactions", process_ws_reaction,
              APP_ROLE_FACILITATOR, .flags = APP_R_CSRF),
    APP_ROUTE(APP_GET, "/p/:name", site_process_page, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/p/:name/topics/:topic", site_topic_page, APP_ROLE_ANYONE),
    /* the website's e-mail ladder (login_mail.c) */
    APP_ROUTE(APP_GET, "/p/:name/account", login_mail_account, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/p/:name/email", login_mail_request, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/p/:name/confirm", login_mail_confirm_page, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/p/:name/confirm", login_mail_confirm, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/p/:name/digest", login_mail_choice, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/p/:name/forget", login_mail_choice, APP_ROLE_ANYONE, .arg = 1),
    APP_ROUTE(APP_GET | APP_POST, "/p/:name/unsubscribe", login_mail_unsubscribe, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/api/v1/events/:event/process/digest", login_mail_digest_now,
              APP_ROLE_FACILITATOR, .flags = APP_R_CSRF),
    APP_ROUTE(APP_GET | APP_POST, "/p/:name/invite", login_invite_page, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/api/v1/events/:event/process/invites", login_invites_get,
              APP_ROLE_FACILITATOR),
    APP_ROUTE(APP_POST, "/api/v1/events/:event/process/invites", login_invites_post,
              APP_ROLE_FACILITATOR, .flags = APP_R_CSRF),
    APP_ROUTE(APP_POST, "/p/:name/topics/:topic", site_topic_post, APP_ROLE_ANYONE),

    /* the sociale kaart's entries (kaart.h); the map's rows are kaart-map's */
    APP_ROUTE(APP_GET, "/kaart", kaart_list_page, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/kaart/:name", kaart_entry_page, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/kaart/claim/:name", kaart_claim_page, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/kaart/claim/:name", kaart_claim_post, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/app/kaart/:name/claim", kaart_claim_send, APP_ROLE_USER,
              .flags = APP_R_PAGE),
    APP_ROUTE(APP_GET, "/api/v1/kaart/entries", kaart_api_entries, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/app/kaart", kaart_ws_list, APP_ROLE_USER, .flags = APP_R_PAGE),
    APP_ROUTE(APP_GET, "/app/kaart/themes", kaart_ws_themes, APP_ROLE_USER, .flags = APP_R_PAGE),
    APP_ROUTE(APP_POST, "/app/kaart/themes", kaart_ws_themes, APP_ROLE_USER, .flags = APP_R_PAGE),
    APP_ROUTE(APP_GET, "/app/kaart/hsds.zip", kaart_ws_export, APP_ROLE_USER, .flags = APP_R_PAGE,
              .arg = 1),
    APP_ROUTE(APP_GET, "/app/kaart/hsds.json", kaart_ws_export, APP_ROLE_USER, .flags = APP_R_PAGE),
    APP_ROUTE(APP_POST, "/app/kaart/hsds.json", kaart_ws_export, APP_ROLE_USER, .flags = APP_R_PAGE,
              .body_max = 4 * 1024 * 1024),
    APP_ROUTE(APP_GET, "/app/kaart/:name", kaart_ws_entry, APP_ROLE_USER, .flags = APP_R_PAGE),
    APP_ROUTE(APP_POST, "/app/kaart/:name", kaart_ws_save, APP_ROLE_USER, .flags = APP_R_PAGE),
    /* a moderator's row: the handler answers 403 below a facilitator */
    APP_ROUTE(APP_POST, "/api/v1/answers/:answer/kaart", kaart_ws_from_answer, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF),
    APP_ROUTE(APP_POST, "/api/v1/posts/:post/kaart", kaart_ws_from_post, APP_ROLE_MODERATOR,
              .flags = APP_R_CSRF),

    APP_ROUTE(APP_GET, "/", index_page, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/join", join, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/login", login_page, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/login", login_post, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/logout", logout, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/app", app_page, APP_ROLE_USER, .flags = APP_R_PAGE),
    APP_ROUTE(APP_GET, "/app/*", app_page, APP_ROLE_USER, .flags = APP_R_PAGE),
    APP_ROUTE(APP_GET, "/present/:code", present_page, APP_ROLE_MODERATOR,
              .flags = APP_R_PAGE | APP_R_ENDED),
    APP_ROUTE(APP_GET, "/present/:code/view", presenter_view, APP_ROLE_MODERATOR,
              .flags = APP_R_PAGE | APP_R_ENDED),
    APP_ROUTE(APP_GET, "/media/*", media_serve, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/static/*", static_file, APP_ROLE_ANYONE),
    /* the sociale kaart's map and its tiles (tiles.c, docs/sociale-kaart.md) */
    APP_ROUTE(APP_GET, "/kaart/tiles/*", tiles_get, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/api/v1/kaart/map", tiles_map_get, APP_ROLE_ANYONE),
    /* operations (metrics.c, docs/deploy.md): no login; /metrics checks its token */
    APP_ROUTE(APP_GET, "/healthz", metrics_healthz, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/readyz", metrics_readyz, APP_ROLE_ANYONE),
    APP_ROUTE(APP_GET, "/metrics", metrics_get_page, APP_ROLE_ANYONE),
    APP_ROUTE(APP_POST, "/api/v1/mail/test", mail_test_post, APP_ROLE_ADMIN, .flags = APP_R_CSRF),
    APP_ROUTE(APP_GET, "/:code", participant_page, APP_ROLE_ANYONE,
              .flags = APP_R_PAGE | APP_R_ENDED),
    APP_ROUTE(APP_POST, "/:code", participant_post, APP_ROLE_ANYONE,
              .flags = APP_R_PAGE | APP_R_ENDED),
};
#undef FLAG
const size_t app_n_routes = sizeof app_routes / sizeof *app_routes;

/* ---- the look-up ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Matches path p (n bytes, no query) against a row's pattern and fills the
 * parameters of m. Nothing is copied: the parameters point into p.
 */
static bool route_match(const char *pat, const char *p, size_t n, app_match_t *m)
{
	size_t i = 0;
	while (*pat) {
		if (pat[0] == '*') {
			m->rest = p + i;
			m->rest_len = n - i;
			return true;
		}
		if (pat[0] != ':') {
			if (i == n || p[i] != *pat)
				return false;
			i++, pat++;
			continue;
		}
		size_t start = i;
		while (i < n && p[i] != '/')
			i++;
		size_t len = i - start;
		const char *seg = p + start;
		if (len == 0)
			return false;
		if (strncmp(pat, ":code", 5) == 0) {
			if (len < 6 || len > 8)
				return false;
			for (size_t k = 0; k < len; k++)
				if (!is_digit(seg[k]))
					return false;
			m->code = seg, m->code_len = len, pat += 5;
		} else if (strncmp(pat, ":name", 5) == 0) {
			m->name = seg, m->name_len = len, pat += 5;
		} else {
			/* :event or :answer, a positive number */
			int64_t id = 0;
			for (size_t k = 0; k < len; k++) {
				if (!is_digit(seg[k]) || id > (INT64_MAX - 9) / 10)
					return false;
				id = id * 10 + (seg[k] - '0');
			}
			if (id <= 0)
				return false;
			m->id = id;
			m->answer = strncmp(pat, ":answer", 7) == 0;
			m->post = strncmp(pat, ":post", 5) == 0;
			pat += strcspn(pat, "/");
		}
	}
	return i == n;
}

/* The bit of APP_* a method is: HEAD goes where GET goes. */
static unsigned method_bit(http_method_t method)
{
	return method == HTTP_M_HEAD ? APP_GET : 1u << method;
}

typedef struct lookup {
	app_match_t m;    /* of the row that takes the path and method */
	unsigned allow;   /* the methods of the rows that take the path */
	app_match_t path; /* of the first row that takes the path (m.route NULL: none) */
	app_match_t fallback;
} lookup_t;

/* Fills l for path p[0..n); returns the row to answer, or NULL when none
 * takes the method (l->allow is then the 405's) or the path. */
static const struct {
	const app_route_t *rows;
	const size_t *n;
} tables[] = {{app_routes, &app_n_routes}, {workspace_routes, &workspace_n_routes}};

static const app_route_t *route_find(const char *p, size_t n, unsigned method, lookup_t *l)
{
	for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
		for (size_t i = 0; i < *tables[t].n; i++) {
			const app_route_t *r = &tables[t].rows[i];
			app_match_t m = {.route = r};
			if (!route_match(r->pattern, p, n, &m))
				continue;
			if (r->flags & APP_R_FALLBACK) {
				if (!l->fallback.route)
					l->fallback = m;
				continue;
			}
			if (!l->path.route)
				l->path = m;
			if (r->methods & method) {
				l->m = m;
				return r;
			}
			l->allow |= r->methods;
		}
	}
	if (!l->path.route && l->fallback.route) {
		l->m = l->fallback;
		return l->m.route;
	}
	return NULL;
}

/* The rows whose body may be larger than HTTP_MAX_BODY, found once: the
 * parser asks for every request, and walking every table each time cost
 * about 4 % of the loop thread's time under a stream of answers. */
static const app_route_t *big_rows[32];
static size_t n_big_rows = SIZE_MAX;

static void big_rows_find(void)
{
	n_big_rows = 0;
	for (size_t t = 0; t < sizeof tables / sizeof *tables; t++)
		for (size_t i = 0; i < *tables[t].n; i++) {
			const app_route_t *r = &tables[t].rows[i];
			if (!(r->flags & APP_R_FALLBACK) && r->body_max > HTTP_MAX_BODY) {
				assert(n_big_rows < sizeof big_rows / sizeof *big_rows);
				big_rows[n_big_rows++] = r;
			}
		}
}

size_t app_body_limit(const char *url, size_t len)
{
	size_t n = 0, max = HTTP_MAX_BODY;
	while (n < len && url[n] != '?')
		n++;
	if (n_big_rows == SIZE_MAX) /* the loop thread only: no race */
		big_rows_find();
	/* The method is not known yet: the largest limit of the path's rows. */
	for (size_t i = 0; i < n_big_rows; i++) {
		app_match_t m = {0};
		if (big_rows[i]->body_max > max && route_match(big_rows[i]->pattern, url, n, &m))
			max = big_rows[i]->body_max;
	}
	return max;
}
/*
 * The session of the path's :code, or NULL once the request was answered:
 * over the look-up budget (429), unknown (404), ended (410) where the row
 * says so. A page is answered with the front page, an API call with JSON.
 */
static session_t *code_session(app_t *a, http_request_t *req, const app_match_t *m)
{
	bool page = m->route->flags & APP_R_PAGE;
	char code[16];
	memcpy(code, m->code, m->code_len); /* at most 8 digits (route_match) */
	code[m->code_len] = '\0';
	if (lookup_blocked(a, req, page))
		return NULL;
	session_t *s = live_find(a, code);
	/* made by another node or process: handled again once loaded */
	if (!s && nodes_lookup(a, req, code))
		return NULL;
	if (!s && page && req->method == HTTP_M_GET && site_ended_code_page(a, req, code))
		return NULL;
	if (!s) {
		lookup_failed(a, req);
		if (page)
			pages_index(a, req, 404, tr("nl", "err.code"), NULL);
		else
			http_respond_error(req, 404, "not_found", tr("nl", "err.code"), NULL);
		return NULL;
	}
	if (s->row.status != 0 && (m->route->flags & APP_R_ENDED)) {
		if (page && req->method == HTTP_M_GET && site_ended_page(a, req, s))
			return NULL;
		if (page)
			pages_index(a, req, 410, tr(s->lang, "err.ended"), NULL);
		else
			http_respond_error(req, 410, "ended", tr(s->lang, "err.ended"), NULL);
		return NULL;
	}
	return s;
}

static void forbidden(http_request_t *req, const char *key)
{
	http_respond_error(req, 403, "forbidden", tr_req(req, key), NULL);
}

/*
 * The row's role: fills m->user (and, for an :answer, m->session and
 * m->slide; for an event role, m->level). Returns false once the request
 * was answered: 401 (a page: 303 to the login), 403 csrf, 404 for an
 * :answer not in a live session or an :event the user cannot see, 403
 * below the role.
 */
static bool role_ok(app_t *a, http_request_t *req, app_match_t *m)
{
	const app_route_t *r = m->route;
	bool csrf_ok;
	m->user = auth_user(a, req, &csrf_ok);
	if (!m->user && (r->flags & APP_R_PAGE)) {
		char hdr[300];
		snprintf(hdr, sizeof hdr, "Location: /login?next=%.200s\r\n", req->path);
		http_respond(req, 303, "text/plain; charset=utf-8", hdr, "", 0);
		return false;
	}
	if (!m->user) {
		http_respond_error(req, 401, "unauthorized", tr_req(req, "api.log_in"), NULL);
		return false;
	}
	if ((r->flags & APP_R_CSRF) && !csrf_ok) {
		http_respond_error(req, 403, "csrf", tr_req(req, "api.csrf"), NULL);
		return false;
	}
	if (m->answer && !live_find_answer(a, m->id, &m->session, &m->slide)) {
		http_respond_error(req, 404, "not_found", tr_req(req, "sessions.no_such_answer"),
		                   NULL);
		return false;
	}
	if (r->role == APP_ROLE_USER)
		return true;
	if (r->role == APP_ROLE_ADMIN) {
		char name[128], role[32] = "";
		who_user_info(a, m->user, name, sizeof name, role, sizeof role);
		if (strcmp(role, "admin") != 0) {
			forbidden(req, r->refused ? r->refused : "api.admins_only");
			return false;
		}
		return true;
	}
	int need = ACCESS_MODERATOR + (int)(r->role - APP_ROLE_MODERATOR);
	int64_t post_event = m->post ? process_post_event(a, m->id) : 0;
	if (m->post && !post_event) {
		http_respond_error(req, 404, "not_found", tr_req(req, "process.no_post"), NULL);
		return false;
	}
	/* on PostgreSQL the access is read off the loop first (who.c) */
	int64_t event = m->session ? m->session->row.event_id : m->post ? post_event : m->id;
	if (who_access_pending(a, req, m->user, event))
		return false;
	if (m->session) {
		m->level = workspace_access(a, m->user, m->session->row.event_id);
	} else if (m->post) {
		/* a post's moderation is a moderator's, as an answer's is */
		m->level = workspace_access(a, m->user, post_event);
	} else {
		/* An :event: whoever cannot see it is not told it exists. */
		m->level = workspace_access(a, m->user, m->id);
		if (m->level == ACCESS_NONE) {
			http_respond_error(req, 404, "not_found", tr_req(req, "events.no_such"),
			                   NULL);
			return false;
		}
		if (req->method != HTTP_M_GET && req->method != HTTP_M_HEAD &&
		    m->level < ACCESS_FACILITATOR) {
			forbidden(req, "events.moderators_change");
			return false;
		}
	}
	if (m->level < need) {
		forbidden(req, r->refused                   ? r->refused
		               : need >= ACCESS_FACILITATOR ? "sessions.facilitators_only"
		                                            : "sessions.not_shared");
		return false;
	}
	return true;
}

void app_handle(http_request_t *req, void *ctx)
{
	app_t *a = ctx;
	lookup_t l = {0};
	const app_route_t *r =
	    route_find(req->path, strlen(req->path), method_bit(req->method), &l);
	app_match_t *m = r ? &l.m : &l.path;
	if (!m->route) {
		not_found(req);
		return;
	}
	/* Before the method, as before any other answer: a code costs a
	 * look-up whatever is asked of it. */
	if (m->code && !(m->session = code_session(a, req, m)))
		return;
	if (!r) {
		wrong_method(req, l.allow);
		return;
	}
	/* on PostgreSQL the token is read off the loop first */
	if (r->role != APP_ROLE_ANYONE && who_pending(a, req))
		return;
	if (r->role != APP_ROLE_ANYONE && !role_ok(a, req, m))
		return;
	if (req->body_len > (r->body_max ? r->body_max : HTTP_MAX_BODY)) {
		http_respond_error(req, 413, "too_long", tr_req(req, "api.body_too_large"), NULL);
		return;
	}
	r->handler(a, req, m);
}

/* ---- the app ---- */

static void load_one(const store_session_t *row, void *arg)
{
	app_t *a = arg;
	if (live_load(a, row) < 0)
		log_error("session %s was not loaded", row->code);
}

int app_new(uv_loop_t *loop, store_t *st, const app_options_t *opt, app_t **out, char *err,
            size_t errlen)
{
	app_t *a = xcalloc(1, sizeof *a);
	a->loop = loop;
	a->store = st;
	a->budget = (bucket_set_t)BUCKET_SET(20, 500);
	a->lookups = (bucket_set_t)BUCKET_SET(60, 1000);
	a->logins = (bucket_set_t)BUCKET_SET(5, 30000);
	a->reacts = (bucket_set_t)BUCKET_SET(5, 1000);
	snprintf(a->web_dir, sizeof a->web_dir, "%s", opt->web_dir);
	snprintf(a->public_url, sizeof a->public_url, "%s", opt->public_url);
	snprintf(a->metrics_token, sizeof a->metrics_token, "%s",
	         opt->metrics_token ? opt->metrics_token : "");
	a->metrics_local = opt->metrics_local;
	app_queues_init(a);
	crypto_generichash(a->hash_key, sizeof a->hash_key, (const unsigned char *)"seen", 4,
	                   store_secret(st), 32);
	a->filter = filter_new();
	if (opt->data_dir) {
		static const char *lists[] = {"profanity/nl.txt", "profanity/en.txt"};
		for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
			char path[1200];
			size_t len;
			snprintf(path, sizeof path, "%s/%s", opt->data_dir, lists[i]);
			char *text = file_read(path, 1 << 20, &len);
			if (text)
				filter_add_list(a->filter, text, len);
			else
				log_warn("no word list at %s: answers are not filtered by it",
				         path);
			free(text);
		}
	}
	if (pages_load(a, err, errlen) < 0) {
		app_free(a);
		return UV_EIO;
	}
	int trc = 0;
	if (opt->tiles_path)
		trc = tiles_open_mbtiles(opt->tiles_path, opt->tile_attribution, &a->tiles, err,
		                         errlen);
	else if (opt->tile_url)
		trc = tiles_open_url(opt->tile_url, opt->tile_attribution, &a->tiles, err, errlen);
	if (trc < 0) {
		app_free(a);
		return trc;
	}
	if (store_sessions_live(st, load_one, a) != STORE_OK) {
		snprintf(err, errlen, "cannot read the sessions: %s", store_errmsg(st));
		app_free(a);
		return UV_EIO;
	}
	if (opt->db_path && store_open(opt->db_path, &a->disk, err, errlen) != STORE_OK) {
		app_free(a);
		return UV_EIO;
	}
	if (login_mail_init(a) != STORE_OK) {
		snprintf(err, errlen, "cannot read the website's addresses: %s", store_errmsg(st));
		app_free(a);
		return UV_EIO;
	}
	a->who_on = opt->db_path && (!strncmp(opt->db_path, "postgresql://", 13) ||
	                             !strncmp(opt->db_path, "postgres://", 11));
	if (a->who_on && app_readers_open(a, opt->db_path, err, errlen) < 0) {
		app_free(a);
		return UV_EIO;
	}
	if (nodes_open(a, opt->bus, opt->db_path, err, errlen) < 0) {
		app_free(a);
		return UV_EIO;
	}
	/* last of what can fail: it starts the retention's timer */
	if (process_load_all(a) != STORE_OK) {
		snprintf(err, errlen, "cannot read the processes: %s", store_errmsg(st));
		app_free(a);
		return UV_EIO;
	}
	if (kaart_load_all(a) != STORE_OK) {
		snprintf(err, errlen, "cannot read the sociale kaart: %s", store_errmsg(st));
		app_free(a);
		return UV_EIO;
	}
	live_flush_init(a);
	login_mail_start(a);
	auth_warm(a);
	*out = a;
	return 0;
}

void app_free(app_t *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_sessions; i++)
		live_free(a->sessions[i]);
	free(a->sessions);
	map_free(&a->by_code);
	bucket_free(&a->budget);
	bucket_free(&a->lookups);
	bucket_free(&a->logins);
	bucket_free(&a->reacts);
	process_free_all(a);
	kaart_free_all(a);
	pages_free(a);
	filter_free(a->filter);
	nodes_close(a); /* when app_new failed after opening it */
	who_free(a);
	store_close(a->disk);
	tiles_close(a->tiles);
	mail_free(a);
	login_mail_free(a);
	store_close(a->peer);
	app_readers_close(a);
	map_free(&a->unknown);
	free(a);
}

void app_stop(app_t *a)
{
	atomic_store(&a->stopping, true);
	nodes_close(a);
	if (a->flush_timer.data)
		uv_close((uv_handle_t *)&a->flush_timer, NULL);
	if (a->countdown_timer.data)
		uv_close((uv_handle_t *)&a->countdown_timer, NULL);
	if (a->retention_timer.data)
		uv_close((uv_handle_t *)&a->retention_timer, NULL);
	kaart_stale_stop(a);
	mail_stop(a);
	login_mail_stop(a);
}

bool app_busy(const app_t *a)
{
	return a->pool_jobs > 0 || mail_busy(a);
}
