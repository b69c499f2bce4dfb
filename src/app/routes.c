/*
 * routes: which handler answers which request, and the small handlers
 * that need no file of their own (state, control, moderation flags).
 * Paths and their answers are documented in docs/protocol.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "app/reports.h"
#include "util/file.h"
#include "util/log.h"

enum { CONTROL_BODY_MAX = 16 * 1024 };

static void not_found(http_request_t *req)
{
	http_respond_error(req, 404, "not_found", tr_req(req, "not found"), NULL);
}

static void wrong_method(http_request_t *req, const char *allow)
{
	char hdr[64];
	snprintf(hdr, sizeof hdr, "Allow: %s\r\n", allow);
	http_respond_error(req, 405, "method_not_allowed", tr_req(req, "method not allowed"), hdr);
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

/* The live session with this code for a page, or NULL once the request
 * was answered (over its look-up budget, or no such session). */
static session_t *page_session(app_t *a, http_request_t *req, const char *code)
{
	if (lookup_blocked(a, req, true))
		return NULL;
	session_t *s = live_find(a, code);
	if (!s) {
		lookup_failed(a, req);
		pages_index(a, req, 404, tr("nl", "err.code"), NULL);
	} else if (s->row.status != 0) {
		pages_index(a, req, 410, tr(s->lang, "err.ended"), NULL);
		return NULL;
	}
	return s;
}

/* ?hidden=1: moderators' results, hidden answers included. */
static bool wants_hidden(const http_request_t *req)
{
	char h[8];
	return http_query(req, "hidden", h, sizeof h) > 0 && strcmp(h, "1") == 0;
}

/* The logged-in user, or answers 401/403 and returns 0. */
static int64_t need_user(app_t *a, http_request_t *req, bool changes)
{
	bool csrf_ok;
	int64_t user = auth_user(a, req, &csrf_ok);
	if (!user) {
		http_respond_error(req, 401, "unauthorized", tr_req(req, "log in first"), NULL);
		return 0;
	}
	if (changes && !csrf_ok) {
		http_respond_error(req, 403, "csrf",
		                   tr_req(req, "missing or wrong X-CSRF-Token header (see GET "
		                               "/api/v1/me)"),
		                   NULL);
		return 0;
	}
	return user;
}

/*
 * The logged-in user with at least `level` on the session's event (see
 * workspace_access), or answers 401/403 and returns 0.
 */
static int64_t need_access(app_t *a, http_request_t *req, session_t *s, int level, bool changes)
{
	int64_t user = need_user(a, req, changes);
	if (!user)
		return 0;
	if (workspace_access(a, user, s->row.event_id) < level) {
		http_respond_error(req, 403, "forbidden",
				   tr_req(req, level >= ACCESS_FACILITATOR
						       ? "only the event's facilitators may do this"
						       : "this event is not shared with you"),
				   NULL);
		return 0;
	}
	return user;
}

/* ---- control ---- */

static void control(app_t *a, session_t *s, http_request_t *req)
{
	if (req->body_len > CONTROL_BODY_MAX) {
		http_respond_error(req, 413, "too_long", tr_req(req, "request body too large"), NULL);
		return;
	}
	json_error_t jerr;
	json_t *body = json_loadb(req->body, req->body_len, 0, &jerr);
	const char *action = json_string_value(json_object_get(body, "action"));
	if (!action) {
		json_decref(body);
		http_respond_error(req, 400, "invalid",
		                   tr_req(req, "expected a JSON object with \"action\": next, "
		                               "prev, goto, open, close, show-results, "
		                               "hide-results or end"),
		                   NULL);
		return;
	}
	if (s->row.status != 0) {
		json_decref(body);
		http_respond_error(req, 409, "ended", tr_req(req, "this session has ended"), NULL);
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
			http_respond_error(req, 400, "invalid",
			                   tr_req(req, "\"slide\" must be the id of a slide of "
			                               "this session"),
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
		http_respond_error(req, 400, "invalid",
		                   tr_req(req, "unknown action; expected next, prev, goto, open, "
		                               "close, show-results or hide-results"),
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
	int64_t id = job->u.flag.answer_id;
	bool v = job->u.flag.value;
	if (job->status != STORE_OK) {
		http_respond_error(f->req, 503, "unavailable",
		                   tr_req(f->req, "the change could not be saved"), NULL);
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

static void moderate(app_t *a, http_request_t *req, const char *rest)
{
	char *end;
	long long id = strtoll(rest, &end, 10);
	if (end == rest || *end != '/' || id <= 0) {
		not_found(req);
		return;
	}
	const char *verb = end + 1;
	store_job_kind_t kind;
	bool value;
	if (strcmp(verb, "hide") == 0)
		kind = STORE_JOB_HIDE, value = true;
	else if (strcmp(verb, "show") == 0)
		kind = STORE_JOB_HIDE, value = false;
	else if (strcmp(verb, "answered") == 0)
		kind = STORE_JOB_ANSWERED, value = true;
	else if (strcmp(verb, "unanswered") == 0)
		kind = STORE_JOB_ANSWERED, value = false;
	else if (strcmp(verb, "pin") == 0)
		kind = STORE_JOB_PIN, value = true;
	else if (strcmp(verb, "unpin") == 0)
		kind = STORE_JOB_PIN, value = false;
	else {
		not_found(req);
		return;
	}
	if (req->method != HTTP_M_POST) {
		wrong_method(req, "POST");
		return;
	}
	bool csrf_ok;
	if (!auth_user(a, req, &csrf_ok)) {
		http_respond_error(req, 401, "unauthorized", tr_req(req, "log in first"), NULL);
		return;
	}
	session_t *s;
	live_slide_t *ls;
	if (!live_find_answer(a, id, &s, &ls)) {
		http_respond_error(req, 404, "not_found",
				   tr_req(req, "no such answer in a live session"), NULL);
		return;
	}
	int64_t user = need_access(a, req, s, ACCESS_MODERATOR, true);
	if (!user)
		return;
	if (kind != STORE_JOB_HIDE && ls->s.kind != SLIDE_QA) {
		http_respond_error(req, 400, "invalid",
				   tr_req(req, "only Q&A questions can be marked answered or pinned"),
		                   NULL);
		return;
	}
	flag_t *f = calloc(1, sizeof *f);
	if (!f)
		abort();
	f->job.kind = kind;
	f->job.done = flag_saved;
	f->job.u.flag.answer_id = id;
	f->job.u.flag.value = value;
	f->job.u.flag.event_id = s->row.event_id;
	f->job.u.flag.session_id = s->row.id;
	f->job.u.flag.user_id = user;
	f->app = a;
	f->req = req;
	f->session = s;
	f->slide = ls;
	store_submit(a->store, &f->job);
}

/* ---- /api/v1/sessions/CODE/... ---- */

static void session_api(app_t *a, http_request_t *req, const char *rest)
{
	char code[16];
	size_t n = strcspn(rest, "/");
	if (n >= sizeof code) {
		not_found(req);
		return;
	}
	memcpy(code, rest, n);
	code[n] = '\0';
	const char *sub = rest + n;
	if (lookup_blocked(a, req, false))
		return;
	session_t *s = live_find(a, code);
	if (!s) {
		lookup_failed(a, req);
		http_respond_error(req, 404, "not_found", tr("nl", "err.code"), NULL);
		return;
	}
	bool get = req->method == HTTP_M_GET || req->method == HTTP_M_HEAD;
	bool post = req->method == HTTP_M_POST;
	if (s->row.status != 0 && (strcmp(sub, "/questions") == 0 || strcmp(sub, "/qr.svg") == 0 ||
				   strcmp(sub, "/flyer.pdf") == 0 ||
				   strcmp(sub, "/questionnaire") == 0)) {
		http_respond_error(req, 410, "ended", tr(s->lang, "err.ended"), NULL);
		return;
	}
	if (strcmp(sub, "") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		http_respond(req, 200, "application/json; charset=utf-8", NULL, s->state,
		             strlen(s->state));
	} else if (strcmp(sub, "/stream") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		live_stream(a, s, req, STREAM_PARTICIPANT);
	} else if (strcmp(sub, "/questions") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		json_t *q = live_qa(s);
		if (!q)
			http_respond_error(req, 404, "not_found", "the current slide is not Q&A",
			                   NULL);
		else
			http_respond_json(req, 200, q, NULL);
	} else if (strcmp(sub, "/questionnaire") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		questionnaire_get(a, s, req);
	} else if (strcmp(sub, "/answers") == 0) {
		if (!post) {
			wrong_method(req, "POST");
			return;
		}
		answers_post_json(a, s, req);
	} else if (strcmp(sub, "/qr.svg") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		pages_qr_svg(a, s, req);
	} else if (strcmp(sub, "/control") == 0) {
		if (!post) {
			wrong_method(req, "POST");
			return;
		}
		if (need_access(a, req, s, ACCESS_FACILITATOR, true))
			control(a, s, req);
	} else if (strcmp(sub, "/results") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		bool hidden = wants_hidden(req);
		if (need_access(a, req, s, ACCESS_MODERATOR, false))
			http_respond_json(req, 200, live_results(s, hidden), NULL);
	} else if (strcmp(sub, "/results/stream") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		bool hidden = wants_hidden(req);
		if (need_access(a, req, s, ACCESS_MODERATOR, false))
			live_stream(a, s, req, hidden ? STREAM_MODERATOR : STREAM_PRESENTER);
	} else if (strcmp(sub, "/flyer.pdf") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		if (need_access(a, req, s, ACCESS_MODERATOR, false))
			flyer_get(a, s, req);
	} else if (strcmp(sub, "/presenter") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		if (need_access(a, req, s, ACCESS_MODERATOR, false))
			presenter_get(a, s, req);
	} else if (strcmp(sub, "/report") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		if (need_access(a, req, s, ACCESS_MODERATOR, false))
			reports_get(a, s, req);
	} else {
		not_found(req);
	}
}

void app_handle(http_request_t *req, void *ctx)
{
	app_t *a = ctx;
	const char *p = req->path;
	bool get = req->method == HTTP_M_GET || req->method == HTTP_M_HEAD;
	bool post = req->method == HTTP_M_POST;

	if (strncmp(p, "/api/v1/sessions/", 17) == 0) {
		session_api(a, req, p + 17);
		return;
	}
	if (strncmp(p, "/api/v1/answers/", 16) == 0) {
		moderate(a, req, p + 16);
		return;
	}
	if (strncmp(p, "/api/v1/me", 10) == 0 || strncmp(p, "/api/v1/events", 14) == 0 ||
	    strncmp(p, "/api/v1/users", 13) == 0) {
		bool csrf_ok;
		int64_t user = auth_user(a, req, &csrf_ok);
		if (!user) {
			http_respond_error(req, 401, "unauthorized", tr_req(req, "log in first"), NULL);
			return;
		}
		workspace_handle(a, req, user, csrf_ok);
		return;
	}
	if (strcmp(p, "/app") == 0 || strncmp(p, "/app/", 5) == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		bool csrf_ok;
		if (!auth_user(a, req, &csrf_ok)) {
			char hdr[300];
			snprintf(hdr, sizeof hdr, "Location: /login?next=%.200s\r\n", p);
			http_respond(req, 303, "text/plain; charset=utf-8", hdr, "", 0);
			return;
		}
		pages_app(a, req);
		return;
	}
	if (strncmp(p, "/media/", 7) == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		media_serve(a, req, p + 7);
		return;
	}
	if (strncmp(p, "/static/", 8) == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		if (!pages_static(a, req, p + 8))
			not_found(req);
		return;
	}
	if (strcmp(p, "/") == 0) {
		if (get)
			pages_index(a, req, 200, NULL, NULL);
		else
			wrong_method(req, "GET");
		return;
	}
	if (strcmp(p, "/join") == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
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
		if (!live_find(a, digits)) {
			lookup_failed(a, req);
			pages_index(a, req, 404, tr("nl", "err.code"), NULL);
			return;
		}
		char hdr[64];
		snprintf(hdr, sizeof hdr, "Location: /%s\r\n", digits);
		http_respond(req, 303, "text/plain; charset=utf-8", hdr, "", 0);
		return;
	}
	if (strcmp(p, "/login") == 0) {
		if (post) {
			auth_login_form(a, req);
			return;
		}
		if (!get) {
			wrong_method(req, "GET, POST");
			return;
		}
		char t[8], next[256];
		if (http_query(req, "token", t, sizeof t) >= 0 || strstr(req->query, "token=")) {
			auth_login_link(a, req);
			return;
		}
		if (http_query(req, "next", next, sizeof next) < 0)
			snprintf(next, sizeof next, "/");
		pages_login(a, req, 200, NULL, next);
		return;
	}
	if (strcmp(p, "/logout") == 0) {
		if (post)
			auth_logout(a, req);
		else
			wrong_method(req, "POST");
		return;
	}
	if (strncmp(p, "/present/", 9) == 0 && strlen(p) > 14 &&
	    strcmp(p + strlen(p) - 5, "/view") == 0) {
		char code[16];
		snprintf(code, sizeof code, "%.*s", (int)(strlen(p) - 14), p + 9);
		if (get)
			presenter_view(a, req, code);
		else
			wrong_method(req, "GET");
		return;
	}
	if (strncmp(p, "/present/", 9) == 0) {
		if (!get) {
			wrong_method(req, "GET");
			return;
		}
		session_t *s = page_session(a, req, p + 9);
		if (!s)
			return;
		bool csrf_ok;
		int64_t user = auth_user(a, req, &csrf_ok);
		if (user && workspace_access(a, user, s->row.event_id) < ACCESS_MODERATOR) {
			http_respond_error(req, 403, "forbidden",
					   tr_req(req, "this event is not shared with you"), NULL);
			return;
		}
		if (!user) {
			char hdr[96];
			snprintf(hdr, sizeof hdr, "Location: /login?next=/present/%s\r\n",
			         s->row.code);
			http_respond(req, 303, "text/plain; charset=utf-8", hdr, "", 0);
			return;
		}
		pages_present(a, s, req);
		return;
	}
	if (is_code(p + 1)) {
		if (!get && !post) {
			wrong_method(req, "GET, POST");
			return;
		}
		session_t *s = page_session(a, req, p + 1);
		if (!s)
			return;
		if (post) {
			answers_post_form(a, s, req);
			return;
		}
		char hex[33], cookie[160], sent[24]; /* "1", or a self-paced page's slide */
		uint64_t key;
		auth_participant(a, req, hex, &key, cookie);
		bool ok = http_query(req, "sent", sent, sizeof sent) > 0;
		pages_participant(a, s, req, 200, ok ? tr(s->lang, "form.sent") : NULL, false,
				  cookie);
		return;
	}
	not_found(req);
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
	app_t *a = calloc(1, sizeof *a);
	if (!a)
		abort();
	a->loop = loop;
	a->store = st;
	a->budget = (bucket_set_t)BUCKET_SET(20, 500);
	a->lookups = (bucket_set_t)BUCKET_SET(60, 1000);
	a->logins = (bucket_set_t)BUCKET_SET(5, 30000);
	snprintf(a->web_dir, sizeof a->web_dir, "%s", opt->web_dir);
	snprintf(a->public_url, sizeof a->public_url, "%s", opt->public_url);
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
				log_warn("no word list at %s: answers are not filtered by it", path);
			free(text);
		}
	}
	if (pages_load(a, err, errlen) < 0) {
		app_free(a);
		return -1;
	}
	if (store_sessions_live(st, load_one, a) != STORE_OK) {
		snprintf(err, errlen, "cannot read the sessions: %s", store_errmsg(st));
		app_free(a);
		return -1;
	}
	live_flush_init(a);
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
	pages_free(a);
	filter_free(a->filter);
	free(a);
}

void app_stop(app_t *a)
{
	atomic_store(&a->stopping, true);
	if (a->flush_timer.data)
		uv_close((uv_handle_t *)&a->flush_timer, NULL);
}

bool app_busy(const app_t *a) { return a->pool_jobs > 0; }
