/*
 * workspace: what facilitators, moderators and admins do between and
 * around sessions: events and their decks, sessions, sharing, users, the
 * moderation log (docs/protocol.md, "Workspace"). Every handler checks the
 * caller's access to the event first; changes need the CSRF token.
 *
 * These calls are rare and small, so they use the store's synchronous
 * functions on the loop; answers never go this way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "util/text.h"

int workspace_access(app_t *a, int64_t user, int64_t event_id)
{
	char name[128], role[32], access[32];
	if (store_user_info(a->store, user, name, sizeof name, role, sizeof role) != STORE_OK)
		return ACCESS_NONE;
	if (strcmp(role, "admin") == 0)
		return ACCESS_ADMIN;
	if (store_event_access(a->store, event_id, user, access, sizeof access) != STORE_OK)
		return ACCESS_NONE;
	if (strcmp(access, "owner") == 0)
		return ACCESS_OWNER;
	/* moderators by role never get more than moderation, whatever the share */
	if (strcmp(access, "facilitator") == 0 && strcmp(role, "moderator") != 0)
		return ACCESS_FACILITATOR;
	if (strcmp(access, "facilitator") == 0 || strcmp(access, "moderator") == 0)
		return ACCESS_MODERATOR;
	return ACCESS_NONE;
}

static const char *access_name(int level)
{
	static const char *names[] = {"", "moderator", "facilitator", "owner", "admin"};
	return names[level];
}

/* msg is the English of the message (i18n.c), sent in the language the
 * request asks for. */
static void err(http_request_t *req, int status, const char *code, const char *msg)
{
	http_respond_error(req, status, code, tr_req(req, msg), NULL);
}

static json_t *body_json(http_request_t *req)
{
	if (req->body_len > app_body_limit(req->path, strlen(req->path))) {
		err(req, 413, "too_long", "request body too large");
		return NULL;
	}
	json_error_t e;
	json_t *j = json_loadb(req->body, req->body_len, 0, &e);
	if (!j || !json_is_object(j)) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s (%s)", tr_req(req, "expected a JSON object"),
			 j ? "got another value" : e.text);
		json_decref(j);
		err(req, 400, "invalid", msg);
		return NULL;
	}
	return j;
}

/* ---- me and users ---- */

static void me(app_t *a, http_request_t *req, int64_t user, const char *sub, bool changes_ok)
{
	char name[128] = "", role[32] = "", csrf[65];
	store_user_info(a->store, user, name, sizeof name, role, sizeof role);
	if (strcmp(sub, "") == 0 && (req->method == HTTP_M_GET || req->method == HTTP_M_HEAD)) {
		auth_csrf(a, req, csrf);
		http_respond_json(req, 200,
				  json_pack("{s:s, s:s, s:s}", "name", name, "role", role, "csrf", csrf),
				  NULL);
		return;
	}
	if (strcmp(sub, "/password") != 0 || req->method != HTTP_M_POST) {
		err(req, 404, "not_found", "not found");
		return;
	}
	if (!changes_ok) {
		err(req, 403, "csrf", "missing or wrong X-CSRF-Token header (see GET /api/v1/me)");
		return;
	}
	json_t *j = body_json(req);
	if (!j)
		return;
	const char *cur = json_string_value(json_object_get(j, "current"));
	const char *new = json_string_value(json_object_get(j, "new"));
	char *hash = NULL, msg[256];
	int64_t id;
	if (!cur || !new) {
		err(req, 400, "invalid", "expected {\"current\": \"…\", \"new\": \"…\"}");
	} else if (store_user_get(a->store, name, &id, &hash) != STORE_OK ||
		   crypto_pwhash_str_verify(hash, cur, strlen(cur)) != 0) {
		err(req, 403, "wrong_password", "the current password is not right");
	} else if (app_user_passwd_lang(a->store, name, new, tr_req_lang(req), msg, sizeof msg) <
		   0) {
		err(req, 400, "invalid", msg);
	} else {
		http_respond(req, 204, NULL, NULL, "", 0);
	}
	free(hash);
	json_decref(j);
}

static void add_user(const char *name, const char *role, int64_t created, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:I}", "name", name, "role", role,
					     "created_at", (json_int_t)created));
}

static void users(app_t *a, http_request_t *req, int64_t user, const char *sub, bool changes_ok)
{
	char name[128], role[32];
	store_user_info(a->store, user, name, sizeof name, role, sizeof role);
	if (strcmp(role, "admin") != 0) {
		err(req, 403, "forbidden", "only admins manage users");
		return;
	}
	if (req->method != HTTP_M_GET && !changes_ok) {
		err(req, 403, "csrf", "missing or wrong X-CSRF-Token header (see GET /api/v1/me)");
		return;
	}
	if (strcmp(sub, "") == 0 && req->method == HTTP_M_GET) {
		json_t *list = json_array();
		store_users(a->store, add_user, list);
		http_respond_json(req, 200, json_pack("{s:o}", "users", list), NULL);
	} else if (strcmp(sub, "") == 0 && req->method == HTTP_M_POST) {
		json_t *j = body_json(req);
		if (!j)
			return;
		const char *n = json_string_value(json_object_get(j, "name"));
		const char *pw = json_string_value(json_object_get(j, "password"));
		const char *r = json_string_value(json_object_get(j, "role"));
		char msg[256];
		int rc = n && pw ? app_user_add_lang(a->store, n, pw, r ? r : "facilitator",
						     tr_req_lang(req), msg, sizeof msg)
				 : -3;
		if (!n || !pw)
			snprintf(msg, sizeof msg, "expected {\"name\", \"password\", \"role\"}");
		if (rc == 0)
			http_respond_json(req, 201, json_pack("{s:s, s:s}", "name", n, "role",
							      r ? r : "facilitator"),
					  NULL);
		else
			err(req, rc == -1 ? 409 : rc == -2 ? 503 : 400,
			    rc == -1 ? "exists" : rc == -2 ? "unavailable" : "invalid", msg);
		json_decref(j);
	} else if (sub[0] == '/' && req->method == HTTP_M_DELETE) {
		if (strcmp(sub + 1, name) == 0) {
			err(req, 409, "self", "you cannot delete yourself");
			return;
		}
		int rc = store_user_del(a->store, sub + 1);
		if (rc == STORE_OK)
			http_respond(req, 204, NULL, NULL, "", 0);
		else if (rc == STORE_NOTFOUND)
			err(req, 404, "not_found", "no such user");
		else
			err(req, 503, "unavailable", "the change could not be saved");
	} else {
		err(req, 405, "method_not_allowed", "method not allowed");
	}
}

/* ---- events ---- */

static void add_event_row(const store_event_row_t *e, void *arg)
{
	json_array_append_new(
		arg, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)e->id,
			       "title", e->title, "subtitle", e->subtitle, "lang", e->lang, "owner",
			       e->owner, "access", e->access, "sessions", (json_int_t)e->sessions,
			       "answers", (json_int_t)e->answers, "updated_at",
			       (json_int_t)e->updated_at));
}

typedef struct ev_ctx {
	app_t *a;
	json_t *arr;
} ev_ctx_t;

static void add_session(const store_session_t *s, void *arg)
{
	ev_ctx_t *c = arg;
	json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:s, s:I, s:I}", "code", s->code, "name", s->name,
			      "number", (int)json_array_size(c->arr) + 1, "status",
			      s->status ? "ended" : "live", "mode",
			      s->self_paced ? "self-paced" : "live", "started_at",
			      (json_int_t)s->started_at, "answers",
			      (json_int_t)store_session_answers(c->a->store, s->id));
	json_object_set_new(o, "ended_at",
			    s->ended_at ? json_integer(s->ended_at) : json_null());
	json_array_append_new(c->arr, o);
}

static void add_share(const char *name, const char *role, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s}", "name", name, "role", role));
}

/* The whole event as docs/protocol.md describes it; NULL when missing. */
static json_t *event_json(app_t *a, int64_t id, int level)
{
	store_event_t e = {0};
	if (store_event_get(a->store, id, &e) != STORE_OK)
		return NULL;
	char *summary = NULL, owner[128] = "";
	int64_t updated = 0;
	store_event_extra(a->store, id, &summary, &updated, owner, sizeof owner);
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)id,
			      "title", e.title, "subtitle", e.subtitle, "lang", e.lang, "owner", owner,
			      "access", access_name(level), "summary", summary ? summary : "",
			      "deck", e.deck_md, "updated_at", (json_int_t)updated);
	free(summary);
	store_event_clear(&e);
	json_t *slides = json_array();
	store_slide_t *rows = NULL;
	size_t n = 0;
	if (store_event_slides(a->store, id, &rows, &n) == STORE_OK) {
		for (size_t i = 0; i < n; i++) {
			json_t *sj = json_loads(rows[i].json, 0, NULL);
			if (!sj)
				continue;
			json_object_set_new(sj, "id", json_integer(rows[i].id));
			json_array_append_new(slides, sj);
		}
		store_slides_free(rows, n);
	}
	json_object_set_new(j, "slides", slides);
	ev_ctx_t c = {a, json_array()};
	store_event_sessions(a->store, id, add_session, &c);
	json_object_set_new(j, "sessions", c.arr);
	json_t *shared = json_array();
	store_shares(a->store, id, add_share, shared);
	json_object_set_new(j, "shared", shared);
	return j;
}

static void respond_event(app_t *a, http_request_t *req, int status, int64_t id, int level)
{
	json_t *j = event_json(a, id, level);
	if (!j)
		err(req, 404, "not_found", "no such event");
	else
		http_respond_json(req, status, j, NULL);
}

/* Answers 400 with the deck's error and its line: the first number of
 * "line 12: …" ("regel 12: …" in Dutch). */
static void bad_deck(http_request_t *req, const char *msg)
{
	int line = atoi(msg + strcspn(msg, "0123456789"));
	http_respond_json(req, 400,
			  json_pack("{s:s, s:s, s:i}", "error", msg, "code", "invalid_deck", "line",
				    line),
			  NULL);
}

static void create_event(app_t *a, http_request_t *req, int64_t user)
{
	char name[128], role[32];
	store_user_info(a->store, user, name, sizeof name, role, sizeof role);
	if (strcmp(role, "moderator") == 0) {
		err(req, 403, "forbidden", "moderators cannot create events");
		return;
	}
	json_t *j = body_json(req);
	if (!j)
		return;
	const char *deck = json_string_value(json_object_get(j, "deck"));
	json_t *title = json_object_get(j, "title");
	json_t *dup = json_object_get(j, "duplicate");
	char *md = NULL, msg[512];
	if (deck) {
		md = strdup(deck);
	} else if (json_is_string(title)) {
		const char *t = json_string_value(title);
		size_t n = strlen(t);
		while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			n--;
		if (n == 0 || strpbrk(t, "\r\n")) {
			err(req, 400, "invalid", "the title is empty or has more than one line");
			json_decref(j);
			return;
		}
		buf_t b = BUF_INIT;
		buf_printf(&b, "---\ntitle: %.*s\nlang: nl\n---\n\n# %.*s\n", (int)n, t, (int)n, t);
		md = buf_steal(&b);
	} else if (json_is_integer(dup)) {
		store_event_t e = {0};
		int64_t src = json_integer_value(dup);
		if (workspace_access(a, user, src) < ACCESS_FACILITATOR ||
		    store_event_get(a->store, src, &e) != STORE_OK) {
			store_event_clear(&e);
			err(req, 404, "not_found", "no such event of yours to duplicate");
			json_decref(j);
			return;
		}
		md = strdup(e.deck_md);
		store_event_clear(&e);
	} else {
		err(req, 400, "invalid", "expected {\"deck\": …}, {\"title\": …} or {\"duplicate\": ID}");
		json_decref(j);
		return;
	}
	int64_t from = json_is_integer(dup) && !deck && !json_is_string(title)
			       ? json_integer_value(dup)
			       : 0;
	json_decref(j);
	int64_t id;
	int rc = app_event_create_lang(a->store, md, strlen(md), user, &id, tr_req_lang(req), msg,
				       sizeof msg);
	free(md);
	if (rc == 0 && from)
		store_media_copy(a->store, from, id); /* the copy's slides show the same images */
	if (rc == -1)
		bad_deck(req, msg);
	else if (rc < 0)
		err(req, 503, "unavailable", msg);
	else
		respond_event(a, req, 201, id, ACCESS_OWNER);
}

/* No answer of the event's loaded sessions may be on its way to the store
 * while their slides are replaced. */
static bool answers_in_flight(app_t *a, int64_t event_id)
{
	for (size_t i = 0; i < a->n_sessions; i++) {
		session_t *s = a->sessions[i];
		if (s->row.event_id != event_id)
			continue;
		for (size_t k = 0; k < s->seen.cap; k++)
			if (s->seen.keys[k] && s->seen.vals[k] == 0)
				return true;
	}
	return false;
}

static void update_event(app_t *a, http_request_t *req, int64_t id, int level)
{
	json_t *j = body_json(req);
	if (!j)
		return;
	const char *deck = json_string_value(json_object_get(j, "deck"));
	const char *summary = json_string_value(json_object_get(j, "summary"));
	char msg[512];
	if (!deck && !summary) {
		err(req, 400, "invalid", "expected {\"deck\": …} and/or {\"summary\": …}");
		goto done;
	}
	if (summary && (strlen(summary) > 32768 || !text_valid(summary, strlen(summary)))) {
		err(req, 400, "invalid", "the summary must be valid text of at most 32 KiB");
		goto done;
	}
	if (deck) {
		if (store_event_answers(a->store, id) != 0 || answers_in_flight(a, id)) {
			err(req, 409, "has_answers",
			    "this event has answers, which belong to its questions; duplicate the "
			    "event to change its deck");
			goto done;
		}
		int rc = app_event_set_deck_lang(a->store, id, deck, strlen(deck), tr_req_lang(req),
						 msg, sizeof msg);
		if (rc == -1) {
			bad_deck(req, msg);
			goto done;
		}
		if (rc < 0) {
			err(req, 409, "has_answers", msg);
			goto done;
		}
		for (size_t i = 0; i < a->n_sessions; i++)
			if (a->sessions[i]->row.event_id == id && a->sessions[i]->row.status == 0)
				live_reload(a, a->sessions[i]);
	}
	if (summary && store_event_set_summary(a->store, id, summary) != STORE_OK) {
		err(req, 503, "unavailable", "the summary could not be saved");
		goto done;
	}
	respond_event(a, req, 200, id, level);
done:
	json_decref(j);
}

static void deck_json(app_t *a, http_request_t *req, int64_t id)
{
	json_t *j = event_json(a, id, ACCESS_FACILITATOR);
	if (!j) {
		err(req, 404, "not_found", "no such event");
		return;
	}
	http_respond_json(req, 200,
			  json_pack("{s:O, s:O, s:O, s:O}", "title", json_object_get(j, "title"),
				    "subtitle", json_object_get(j, "subtitle"), "lang",
				    json_object_get(j, "lang"), "slides", json_object_get(j, "slides")),
			  NULL);
	json_decref(j);
}

static void deck_md(app_t *a, http_request_t *req, int64_t id)
{
	store_event_t e = {0};
	if (store_event_get(a->store, id, &e) != STORE_OK) {
		err(req, 404, "not_found", "no such event");
		return;
	}
	http_respond(req, 200, "text/markdown; charset=utf-8",
		     "Content-Disposition: attachment; filename=\"deck.md\"\r\n", e.deck_md,
		     strlen(e.deck_md));
	store_event_clear(&e);
}

/* POST /api/v1/events/ID/sessions, with no body or {"mode": "live"} for a
 * session that follows its presenter, {"mode": "self-paced"} for one whose
 * questions all stay open online between the meetings. */
static void new_session(app_t *a, http_request_t *req, int64_t id)
{
	bool self_paced = false;
	if (req->body_len > 0) {
		json_t *b = body_json(req);
		if (!b)
			return;
		json_t *mode = json_object_get(b, "mode");
		const char *m = json_string_value(mode);
		if (mode && (!m || (strcmp(m, "live") != 0 && strcmp(m, "self-paced") != 0))) {
			json_decref(b);
			err(req, 400, "invalid", "\"mode\" is \"live\" or \"self-paced\"");
			return;
		}
		self_paced = m && strcmp(m, "self-paced") == 0;
		json_decref(b);
	}
	store_session_t s;
	if (store_session_create_mode(a->store, id, 6, self_paced, &s) != STORE_OK ||
	    live_load(a, &s) < 0) {
		err(req, 503, "unavailable", "the session could not be started");
		return;
	}
	store_event_touch(a->store, id);
	char url[512];
	snprintf(url, sizeof url, "%s/%s", a->public_url, s.code);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:n, s:i}", "code", s.code, "status", "live",
			      "mode", self_paced ? "self-paced" : "live", "join_url", url,
			      "started_at", (json_int_t)s.started_at, "ended_at", "answers", 0);
	http_respond_json(req, 201, o, NULL);
}

/* PUT /api/v1/events/ID/sessions/CODE {"name": "16 oktober"}: the name the
 * workspace and the report show beside the session's number ("" for none). */
static void name_session(app_t *a, http_request_t *req, int64_t id, const char *code)
{
	store_session_t s;
	if (store_session_by_code(a->store, code, &s) != STORE_OK || s.event_id != id) {
		err(req, 404, "not_found", "no such session of this event");
		return;
	}
	json_t *j = body_json(req);
	if (!j)
		return;
	const char *v = json_string_value(json_object_get(j, "name"));
	char *name = v ? text_clean(v, strlen(v), false) : NULL;
	json_decref(j);
	if (!name || text_length(name, strlen(name)) > STORE_SESSION_NAME_MAX ||
	    !text_valid(name, strlen(name))) {
		free(name);
		err(req, 400, "invalid",
		    "expected {\"name\": …}: one line of at most 60 characters, \"\" for none");
		return;
	}
	if (store_session_set_name(a->store, s.id, name) != STORE_OK) {
		free(name);
		err(req, 503, "unavailable", "the change could not be saved");
		return;
	}
	session_t *live = live_find(a, code);
	if (live)
		snprintf(live->row.name, sizeof live->row.name, "%s", name);
	http_respond_json(req, 200, json_pack("{s:s, s:s}", "code", code, "name", name), NULL);
	free(name);
}

static void share(app_t *a, http_request_t *req, int64_t id, const char *rest)
{
	int rc;
	if (req->method == HTTP_M_DELETE && rest[0] == '/') {
		rc = store_share(a->store, id, rest + 1, NULL);
	} else if (req->method == HTTP_M_POST && rest[0] == '\0') {
		json_t *j = body_json(req);
		if (!j)
			return;
		const char *name = json_string_value(json_object_get(j, "name"));
		const char *role = json_string_value(json_object_get(j, "role"));
		if (!name || !role || (strcmp(role, "moderator") && strcmp(role, "facilitator"))) {
			err(req, 400, "invalid",
			    "expected {\"name\": …, \"role\": \"moderator\" or \"facilitator\"}");
			json_decref(j);
			return;
		}
		rc = store_share(a->store, id, name, role);
		json_decref(j);
	} else {
		err(req, 405, "method_not_allowed", "method not allowed");
		return;
	}
	if (rc == STORE_OK)
		http_respond(req, 204, NULL, NULL, "", 0);
	else if (rc == STORE_NOTFOUND)
		err(req, 404, "not_found", "no such user");
	else
		err(req, 503, "unavailable", "the change could not be saved");
}

static void add_log(int64_t at, const char *user, const char *action, int64_t answer,
		    const char *session, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:I, s:s}", "at", (json_int_t)at,
					     "user", user, "action", action, "answer",
					     (json_int_t)answer, "session", session));
}

static void delete_event(app_t *a, http_request_t *req, int64_t id)
{
	for (size_t i = 0; i < a->n_sessions; i++)
		if (a->sessions[i]->row.event_id == id)
			live_retire(a, a->sessions[i]);
	if (store_event_delete(a->store, id) != STORE_OK)
		err(req, 503, "unavailable", "the event could not be deleted");
	else
		http_respond(req, 204, NULL, NULL, "", 0);
}

static void event_api(app_t *a, http_request_t *req, int64_t user, const char *rest)
{
	char *end;
	long long id = strtoll(rest, &end, 10);
	if (end == rest || id <= 0) {
		err(req, 404, "not_found", "no such event");
		return;
	}
	int level = workspace_access(a, user, id);
	if (level == ACCESS_NONE) {
		err(req, 404, "not_found", "no such event");
		return;
	}
	const char *sub = end;
	http_method_t m = req->method;
	bool get = m == HTTP_M_GET || m == HTTP_M_HEAD;
	if (!get && level < ACCESS_FACILITATOR) {
		err(req, 403, "forbidden", "moderators cannot change events");
		return;
	}
	if (strcmp(sub, "") == 0) {
		if (get)
			respond_event(a, req, 200, id, level);
		else if (m == HTTP_M_PUT)
			update_event(a, req, id, level);
		else if (m == HTTP_M_DELETE && level >= ACCESS_OWNER)
			delete_event(a, req, id);
		else if (m == HTTP_M_DELETE)
			err(req, 403, "forbidden", "only the owner may delete an event");
		else
			err(req, 405, "method_not_allowed", "method not allowed");
	} else if (strcmp(sub, "/deck.md") == 0 && get) {
		deck_md(a, req, id);
	} else if (strcmp(sub, "/deck.json") == 0 && get) {
		deck_json(a, req, id);
	} else if (strcmp(sub, "/sessions") == 0 && m == HTTP_M_POST) {
		new_session(a, req, id);
	} else if (strncmp(sub, "/sessions/", 10) == 0 && m == HTTP_M_PUT) {
		name_session(a, req, id, sub + 10);
	} else if (strncmp(sub, "/share", 6) == 0) {
		share(a, req, id, sub + 6);
	} else if (strcmp(sub, "/images") == 0 && m == HTTP_M_POST) {
		media_upload(a, req, id);
	} else if (strcmp(sub, "/deck.zip") == 0 && get) {
		deckzip_export(a, req, id);
	} else if (strcmp(sub, "/deck.zip") == 0 && m == HTTP_M_POST) {
		deckzip_import(a, req, id, user);
	} else if (strcmp(sub, "/pdf") == 0 && m == HTTP_M_POST) {
		pdfimport_post(a, req, id, user);
	} else if (strcmp(sub, "/log") == 0 && get) {
		json_t *log = json_array();
		store_log(a->store, id, add_log, log);
		http_respond_json(req, 200, json_pack("{s:o}", "log", log), NULL);
	} else {
		err(req, 404, "not_found", "not found");
	}
}

void workspace_handle(app_t *a, http_request_t *req, int64_t user, bool csrf_ok)
{
	const char *p = req->path;
	bool get = req->method == HTTP_M_GET || req->method == HTTP_M_HEAD;
	if (strncmp(p, "/api/v1/me", 10) == 0) {
		me(a, req, user, p + 10, csrf_ok);
		return;
	}
	if (!get && !csrf_ok) {
		err(req, 403, "csrf", "missing or wrong X-CSRF-Token header (see GET /api/v1/me)");
		return;
	}
	if (strncmp(p, "/api/v1/users", 13) == 0) {
		users(a, req, user, p + 13, csrf_ok);
	} else if (strcmp(p, "/api/v1/events") == 0) {
		char name[128], role[32];
		store_user_info(a->store, user, name, sizeof name, role, sizeof role);
		if (get) {
			json_t *list = json_array();
			store_events_list(a->store, user, strcmp(role, "admin") == 0, add_event_row,
					  list);
			http_respond_json(req, 200, json_pack("{s:o}", "events", list), NULL);
		} else if (req->method == HTTP_M_POST) {
			create_event(a, req, user);
		} else {
			err(req, 405, "method_not_allowed", "method not allowed");
		}
	} else if (strncmp(p, "/api/v1/events/", 15) == 0) {
		event_api(a, req, user, p + 15);
	} else {
		err(req, 404, "not_found", "not found");
	}
}
