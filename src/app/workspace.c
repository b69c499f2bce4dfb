/*
 * workspace: what facilitators, moderators and admins do between and
 * around sessions: events and their decks, sessions, sharing, users, the
 * moderation log (docs/protocol.md, "Workspace"). The routes are the rows
 * of workspace_routes at the end: the table, not the handlers, checks the
 * login, the caller's access to the event, the CSRF token of changes and
 * the body limit (see app_route_t in internal.h).
 *
 * These calls are rare and small, so they read through the store's
 * synchronous functions on the loop; answers never go this way. Their
 * writes, which wait for a flush or a lock, go through app_write (the
 * thread pool, a connection of their own). Password hashing is
 * not small (Argon2id: a quarter of a second on purpose): it runs on
 * libuv's thread pool (pw_work below), or six wrong passwords would stall
 * every stream and page for a second and a half (issue 11).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/deckzip.h"
#include "app/internal.h"
#include "app/pdfimport.h"
#include "util/metrics.h"
#include "util/text.h"
#include "util/xalloc.h"

int workspace_access(app_t *a, int64_t user, int64_t event_id)
{
	char name[128], role[32], access[32];
	if (who_user_info(a, user, name, sizeof name, role, sizeof role) != STORE_OK)
		return ACCESS_NONE;
	if (strcmp(role, "admin") == 0)
		return ACCESS_ADMIN;
	if (who_event_access(a, event_id, user, access, sizeof access) != STORE_OK)
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

/* The body as a JSON object, or NULL once 400 was answered. (The route's
 * body limit was checked before the handler ran.) */
static json_t *body_json(http_request_t *req)
{
	json_error_t e;
	json_t *j = json_loadb(req->body, req->body_len, 0, &e);
	if (!j || !json_is_object(j)) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s (%s)", tr_req(req, "api.expected_object"),
		         j ? "got another value" : e.text);
		json_decref(j);
		err(req, 400, "invalid", msg);
		return NULL;
	}
	return j;
}

/* ---- me and users ---- */

static void not_found(app_t *a, http_request_t *req, const app_match_t *m)
{
	err(req, 404, "not_found", "api.not_found");
}

static void me(app_t *a, http_request_t *req, const app_match_t *m)
{
	char name[128] = "", role[32] = "", csrf[65];
	who_user_info(a, m->user, name, sizeof name, role, sizeof role);
	auth_csrf(a, req, csrf);
	http_respond_json(
	    req, 200, json_pack("{s:s, s:s, s:s}", "name", name, "role", role, "csrf", csrf), NULL);
}

/* ---- passwords, on the thread pool ---- */

typedef struct pw_work {
	app_write_t job; /* first: the store step gets &job (app_write) */
	app_read_t read; /* the stored hash, off the loop (me_password) */
	uv_work_t work;
	app_t *app;
	http_request_t *req;
	bool change;        /* me/password: check current first; else a new user */
	char *stored;       /* the user's hash (change) */
	char current[256];  /* wiped on the pool */
	char password[256]; /* wiped on the pool */
	char name[128], role[32], lang[4];
	char hash[crypto_pwhash_STRBYTES];
	bool current_ok;
	int rc; /* of app_hash_password */
	char msg[256];
} pw_work_t;

static void pw_run(uv_work_t *w)
{
	pw_work_t *p = w->data;
	if (p->change) {
		metrics_inc(METRIC_PASSWORD_HASHES);
		p->current_ok = p->stored && crypto_pwhash_str_verify(p->stored, p->current,
		                                                      strlen(p->current)) == 0;
	}
	if (!p->change || p->current_ok)
		p->rc = app_hash_password(p->password, p->hash, p->lang, p->msg, sizeof p->msg);
	sodium_memzero(p->current, sizeof p->current);
	sodium_memzero(p->password, sizeof p->password);
}

/* Answers with rc of app_hash_password or of the store, then frees p. */
static void pw_answer(pw_work_t *p, int rc)
{
	http_request_t *req = p->req;
	if (rc == 0 && p->change)
		http_respond(req, 204, NULL, NULL, "", 0);
	else if (rc == 0)
		http_respond_json(req, 201,
		                  json_pack("{s:s, s:s}", "name", p->name, "role", p->role), NULL);
	else
		err(req,
		    rc == UV_EEXIST                   ? 409
		    : rc == UV_EIO || rc == UV_ENOENT ? 503
		                                      : 400,
		    rc == UV_EEXIST                   ? "exists"
		    : rc == UV_EIO || rc == UV_ENOENT ? "unavailable"
		                                      : "invalid",
		    p->msg);
	sodium_memzero(p->hash, sizeof p->hash);
	free(p->stored);
	free(p);
}

/* The store step, through app_write like every workspace write. */
static void pw_store_run(app_write_t *job)
{
	pw_work_t *p = (pw_work_t *)job;
	p->rc = p->change ? app_user_set_hash_lang(job->st, p->name, p->hash, p->lang, p->msg,
	                                           sizeof p->msg)
	                  : app_user_store_lang(job->st, p->name, p->hash, p->role, p->lang, p->msg,
	                                        sizeof p->msg);
}

static void pw_store_done(app_write_t *job, int status)
{
	pw_work_t *p = (pw_work_t *)job;
	if (status < 0) {
		p->rc = UV_EIO;
		snprintf(p->msg, sizeof p->msg, "%s", "api.change_not_saved");
	}
	if (p->rc == 0 && p->change)
		who_forget_user(job->app, p->name); /* its logins ended */
	pw_answer(p, p->rc);
}

static void pw_done(uv_work_t *w, int status)
{
	pw_work_t *p = w->data;
	app_t *a = p->app;
	a->pool_jobs--;
	if (status < 0) {
		snprintf(p->msg, sizeof p->msg, "%s", "api.change_not_saved");
		pw_answer(p, UV_EIO);
	} else if (p->change && !p->current_ok) {
		err(p->req, 403, "wrong_password", "users.wrong_current");
		sodium_memzero(p->hash, sizeof p->hash);
		free(p->stored);
		free(p);
	} else if (p->rc < 0) {
		pw_answer(p, p->rc);
	} else {
		app_write(a, &p->job, pw_store_run, pw_store_done);
	}
}

/* Queues p for the pool (a->hashes); pw_done answers. */
static void pw_queue(app_t *a, pw_work_t *p)
{
	p->app = a;
	p->work.data = p;
	a->pool_jobs++;
	app_queue_work(a, &a->hashes, &p->work, pw_run, pw_done);
}

/* The user's stored hash is read off the loop (app_read), then checked
 * on the pool (pw_queue). An unknown user still costs a check: NULL
 * stored fails it. */
static pw_work_t *pw_of_read(app_read_t *job)
{
	return (pw_work_t *)(void *)((char *)job - offsetof(pw_work_t, read));
}

static void stored_run(app_read_t *job)
{
	pw_work_t *p = pw_of_read(job);
	int64_t id;
	if (store_user_get(job->st, p->name, &id, &p->stored) != STORE_OK)
		p->stored = NULL;
}

static void stored_done(app_read_t *job, int status)
{
	pw_work_t *p = pw_of_read(job);
	if (status < 0) {
		free(p->stored);
		p->stored = NULL;
	}
	pw_queue(job->app, p);
}

static void me_password(app_t *a, http_request_t *req, const app_match_t *m)
{
	char name[128] = "", role[32] = "";
	who_user_info(a, m->user, name, sizeof name, role, sizeof role);
	json_t *j = body_json(req);
	if (!j)
		return;
	const char *cur = json_string_value(json_object_get(j, "current"));
	const char *new = json_string_value(json_object_get(j, "new"));
	if (!cur || !new) {
		err(req, 400, "invalid", "users.expected_passwords");
		json_decref(j);
		return;
	}
	pw_work_t *p = xcalloc(1, sizeof *p);
	p->req = req;
	p->change = true;
	snprintf(p->current, sizeof p->current, "%s", cur);
	snprintf(p->password, sizeof p->password, "%s", new);
	snprintf(p->name, sizeof p->name, "%s", name);
	snprintf(p->lang, sizeof p->lang, "%s", tr_req_lang(req));
	json_decref(j);
	app_read(a, &p->read, stored_run, stored_done);
}

static void add_user(const char *name, const char *role, int64_t created, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s, s:I}", "name", name, "role", role,
	                                     "created_at", (json_int_t)created));
}

/* A list answered as {key: [...]}, read off the loop (app_read) by
 * fill(st, id, list): users, the moderation log. */
typedef struct list_json {
	app_read_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t id;
	const char *key; /* static */
	void (*fill)(store_t *st, int64_t id, json_t *list);
	json_t *list;
} list_json_t;

static void list_json_run(app_read_t *job)
{
	list_json_t *r = (list_json_t *)job;
	r->fill(job->st, r->id, r->list);
}

static void list_json_done(app_read_t *job, int status)
{
	list_json_t *r = (list_json_t *)job;
	if (status < 0) {
		json_decref(r->list);
		err(r->req, 503, "unavailable", "err.unavailable");
	} else {
		http_respond_json(r->req, 200, json_pack("{s:o}", r->key, r->list), NULL);
	}
	free(r);
}

static void list_json(app_t *a, http_request_t *req, int64_t id, const char *key,
                      void (*fill)(store_t *st, int64_t id, json_t *list))
{
	list_json_t *r = xcalloc(1, sizeof *r);
	r->req = req;
	r->id = id;
	r->key = key;
	r->fill = fill;
	r->list = json_array();
	app_read(a, &r->job, list_json_run, list_json_done);
}

static void fill_users(store_t *st, int64_t id, json_t *list)
{
	(void)id;
	store_users(st, add_user, list);
}

static void users_list(app_t *a, http_request_t *req, const app_match_t *m)
{
	list_json(a, req, 0, "users", fill_users);
}

static void users_add(app_t *a, http_request_t *req, const app_match_t *m)
{
	json_t *j = body_json(req);
	if (!j)
		return;
	const char *n = json_string_value(json_object_get(j, "name"));
	const char *pw = json_string_value(json_object_get(j, "password"));
	const char *r = json_string_value(json_object_get(j, "role"));
	char msg[256];
	if (!n || !pw) {
		err(req, 400, "invalid", "users.expected_user");
	} else if (app_user_check_lang(n, r ? r : "facilitator", tr_req_lang(req), msg,
	                               sizeof msg) < 0) {
		err(req, 400, "invalid", msg);
	} else {
		/* the hash on the pool (pw_run), the rest in pw_done */
		pw_work_t *p = xcalloc(1, sizeof *p);
		p->req = req;
		snprintf(p->password, sizeof p->password, "%s", pw);
		snprintf(p->name, sizeof p->name, "%s", n);
		snprintf(p->role, sizeof p->role, "%s", r ? r : "facilitator");
		snprintf(p->lang, sizeof p->lang, "%s", tr_req_lang(req));
		pw_queue(a, p);
	}
	json_decref(j);
}

/* Copies a :name of the path into out; false when it does not fit (no
 * stored name is that long). */
static bool path_name(const app_match_t *m, char *out, size_t outlen)
{
	if (m->name_len >= outlen)
		return false;
	memcpy(out, m->name, m->name_len);
	out[m->name_len] = '\0';
	return true;
}

typedef struct user_write {
	app_write_t job; /* first: the callbacks get &job */
	http_request_t *req;
	char name[256];
	int rc;
} user_write_t;

static void user_del_run(app_write_t *job)
{
	user_write_t *w = (user_write_t *)job;
	w->rc = store_user_del(job->st, w->name);
}

static void user_del_done(app_write_t *job, int status)
{
	user_write_t *w = (user_write_t *)job;
	if (status == 0 && w->rc == STORE_OK)
		who_forget_user(job->app, w->name);
	if (status == 0 && w->rc == STORE_OK)
		http_respond(w->req, 204, NULL, NULL, "", 0);
	else if (status == 0 && w->rc == STORE_NOTFOUND)
		err(w->req, 404, "not_found", "users.no_such");
	else
		err(w->req, 503, "unavailable", "api.change_not_saved");
	free(w);
}

static void users_del(app_t *a, http_request_t *req, const app_match_t *m)
{
	char name[128], role[32], target[256];
	who_user_info(a, m->user, name, sizeof name, role, sizeof role);
	if (!path_name(m, target, sizeof target)) {
		err(req, 404, "not_found", "users.no_such");
		return;
	}
	if (strcmp(target, name) == 0) {
		err(req, 409, "self", "users.not_self");
		return;
	}
	user_write_t *w = xcalloc(1, sizeof *w);
	w->req = req;
	snprintf(w->name, sizeof w->name, "%s", target);
	app_write(a, &w->job, user_del_run, user_del_done);
}

/* ---- events ---- */

static void add_event_row(const store_event_row_t *e, void *arg)
{
	json_array_append_new(
	    arg,
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)e->id,
	              "title", e->title, "subtitle", e->subtitle, "lang", e->lang, "owner",
	              e->owner, "access", e->access, "sessions", (json_int_t)e->sessions, "answers",
	              (json_int_t)e->answers, "updated_at", (json_int_t)e->updated_at));
}

typedef struct ev_ctx {
	store_t *st;
	json_t *arr;
} ev_ctx_t;

static void add_session(const store_session_t *s, void *arg)
{
	ev_ctx_t *c = arg;
	json_t *o = json_pack(
	    "{s:s, s:s, s:i, s:s, s:s, s:I, s:I}", "code", s->code, "name", s->name, "number",
	    (int)json_array_size(c->arr) + 1, "status", s->status ? "ended" : "live", "mode",
	    s->self_paced ? "self-paced" : "live", "started_at", (json_int_t)s->started_at,
	    "answers", (json_int_t)store_session_answers(c->st, s->id));
	json_object_set_new(o, "ended_at", s->ended_at ? json_integer(s->ended_at) : json_null());
	json_array_append_new(c->arr, o);
}

static void add_share(const char *name, const char *role, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s}", "name", name, "role", role));
}

/* The whole event as docs/protocol.md describes it; NULL when missing.
 * Reads only st: it runs on a pool thread (respond_event). */
static json_t *event_json(store_t *st, int64_t id, int level)
{
	store_event_t e = {0};
	if (store_event_get(st, id, &e) != STORE_OK)
		return NULL;
	char *summary = NULL, owner[128] = "";
	int64_t updated = 0;
	store_event_extra(st, id, &summary, &updated, owner, sizeof owner);
	json_t *j =
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)id,
	              "title", e.title, "subtitle", e.subtitle, "lang", e.lang, "owner", owner,
	              "access", access_name(level), "summary", summary ? summary : "", "deck",
	              e.deck_md, "updated_at", (json_int_t)updated);
	free(summary);
	store_event_clear(&e);
	json_t *slides = json_array();
	store_slide_t *rows = NULL;
	size_t n = 0;
	if (store_event_slides(st, id, &rows, &n) == STORE_OK) {
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
	ev_ctx_t c = {st, json_array()};
	store_event_sessions(st, id, add_session, &c);
	json_object_set_new(j, "sessions", c.arr);
	json_t *shared = json_array();
	store_shares(st, id, add_share, shared);
	json_object_set_new(j, "shared", shared);
	return j;
}

/* The event's reads are a handful of round trips on PostgreSQL: off the
 * loop (app_read), answered when they are back. */
typedef struct event_read {
	app_read_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t id;
	int status, level;
	bool deck; /* only the deck's part (deck_json) */
	json_t *json;
} event_read_t;

static void event_read_run(app_read_t *job)
{
	event_read_t *r = (event_read_t *)job;
	r->json = event_json(job->st, r->id, r->level);
}

static void event_read_done(app_read_t *job, int status)
{
	event_read_t *r = (event_read_t *)job;
	if (status < 0 || !r->json) {
		json_decref(r->json);
		err(r->req, status < 0 ? 503 : 404, status < 0 ? "unavailable" : "not_found",
		    status < 0 ? "err.unavailable" : "events.no_such");
	} else if (r->deck) {
		json_t *j = r->json;
		http_respond_json(
		    r->req, 200,
		    json_pack("{s:O, s:O, s:O, s:O}", "title", json_object_get(j, "title"),
		              "subtitle", json_object_get(j, "subtitle"), "lang",
		              json_object_get(j, "lang"), "slides", json_object_get(j, "slides")),
		    NULL);
		json_decref(j);
	} else {
		http_respond_json(r->req, r->status, r->json, NULL);
	}
	free(r);
}

static void read_event(app_t *a, http_request_t *req, int status, int64_t id, int level, bool deck)
{
	event_read_t *r = xcalloc(1, sizeof *r);
	r->req = req;
	r->id = id;
	r->status = status;
	r->level = level;
	r->deck = deck;
	app_read(a, &r->job, event_read_run, event_read_done);
}

static void respond_event(app_t *a, http_request_t *req, int status, int64_t id, int level)
{
	read_event(a, req, status, id, level, false);
}

/* Answers 400 with the deck's error and its line: the first number of
 * "line 12: …" ("regel 12: …" in Dutch). */
static void bad_deck(http_request_t *req, const char *msg)
{
	int line = atoi(msg + strcspn(msg, "0123456789"));
	http_respond_json(
	    req, 400,
	    json_pack("{s:s, s:s, s:i}", "error", msg, "code", "invalid_deck", "line", line), NULL);
}

/* The list of events, off the loop (app_read) like respond_event. */
typedef struct list_read {
	app_read_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t user;
	bool all;
	json_t *list;
} list_read_t;

static void list_run(app_read_t *job)
{
	list_read_t *r = (list_read_t *)job;
	store_events_list(job->st, r->user, r->all, add_event_row, r->list);
}

static void list_done(app_read_t *job, int status)
{
	list_read_t *r = (list_read_t *)job;
	if (status < 0) {
		json_decref(r->list);
		err(r->req, 503, "unavailable", "err.unavailable");
	} else {
		http_respond_json(r->req, 200, json_pack("{s:o}", "events", r->list), NULL);
	}
	free(r);
}

static void events_list(app_t *a, http_request_t *req, const app_match_t *m)
{
	char name[128], role[32] = "";
	who_user_info(a, m->user, name, sizeof name, role, sizeof role);
	list_read_t *r = xcalloc(1, sizeof *r);
	r->req = req;
	r->user = m->user;
	r->all = strcmp(role, "admin") == 0;
	r->list = json_array();
	app_read(a, &r->job, list_run, list_done);
}

/*
 * The writes of events (created, changed, deleted) run through app_write:
 * on the thread pool, on a connection of their own, so that a commit's
 * flush or a lock held elsewhere makes only this request wait, never the
 * loop (issue 11). The checks before and the answer after stay on the loop.
 */
typedef struct event_write {
	app_write_t job; /* first: the callbacks get &job */
	http_request_t *req;
	json_t *body; /* update: the request's JSON, deck and summary in it */
	char *md;     /* create: the deck, owned; NULL: the duplicate's, read off the loop */
	const char *deck, *summary;
	bool no_source; /* create: the duplicate's source was not found */
	/* update: the event read again after a new deck, for its live
	 * sessions (live_reload_rows); n_rows 0 when it could not be */
	store_event_t ev;
	store_slide_t *rows;
	size_t n_rows;
	int64_t user, from, id;
	int level;
	int rc, summary_rc;
	char lang[4];
	char msg[512];
} event_write_t;

static void create_run(app_write_t *job)
{
	event_write_t *e = (event_write_t *)job;
	if (!e->md) { /* a duplicate: the source's deck */
		store_event_t src = {0};
		if (store_event_get(job->st, e->from, &src) != STORE_OK) {
			store_event_clear(&src);
			e->rc = UV_ENOENT;
			e->no_source = true;
			return;
		}
		e->md = xstrdup(src.deck_md);
		store_event_clear(&src);
	}
	e->rc = app_event_create_lang(job->st, e->md, strlen(e->md), e->user, &e->id, e->lang,
	                              e->msg, sizeof e->msg);
	if (e->rc == 0 && e->from)
		store_media_copy(job->st, e->from, e->id); /* the copy shows the same images */
}

static void create_done(app_write_t *job, int status)
{
	event_write_t *e = (event_write_t *)job;
	if (status < 0)
		e->rc = UV_EIO, snprintf(e->msg, sizeof e->msg, "%s", "api.change_not_saved");
	if (e->rc == UV_EINVAL)
		bad_deck(e->req, e->msg);
	else if (e->no_source)
		err(e->req, 404, "not_found", "events.no_such_duplicate");
	else if (e->rc < 0)
		err(e->req, 503, "unavailable", e->msg);
	else
		respond_event(job->app, e->req, 201, e->id, ACCESS_OWNER);
	if (e->rc >= 0)
		who_forget_event(job->app, e->id); /* a read before it was made */
	free(e->md);
	free(e);
}

static void update_run(app_write_t *job)
{
	event_write_t *e = (event_write_t *)job;
	/* read here, off the loop, before the deck is parsed as it was
	 * before; the store refuses the deck itself as well (a race) */
	if (e->deck && store_event_answers(job->st, e->id) != 0) {
		e->rc = UV_EEXIST;
		snprintf(e->msg, sizeof e->msg, "%s", "events.has_answers");
		return;
	}
	if (e->deck)
		e->rc = app_event_set_deck_lang(job->st, e->id, e->deck, strlen(e->deck), e->lang,
		                                e->msg, sizeof e->msg);
	if (e->rc == 0 && e->summary)
		e->summary_rc = store_event_set_summary(job->st, e->id, e->summary);
	if (e->rc == 0 && e->deck &&
	    (store_event_get(job->st, e->id, &e->ev) != STORE_OK ||
	     store_event_slides(job->st, e->id, &e->rows, &e->n_rows) != STORE_OK))
		e->n_rows = 0;
}

static void update_done(app_write_t *job, int status)
{
	event_write_t *e = (event_write_t *)job;
	app_t *a = job->app;
	if (status < 0)
		e->rc = UV_EIO, snprintf(e->msg, sizeof e->msg, "%s", "api.change_not_saved");
	if (e->rc == UV_EINVAL) {
		bad_deck(e->req, e->msg);
	} else if (e->rc < 0) {
		err(e->req, 409, "has_answers", e->msg);
	} else {
		if (e->deck)
			for (size_t i = 0; i < a->n_sessions; i++)
				if (a->sessions[i]->row.event_id == e->id &&
				    a->sessions[i]->row.status == 0)
					live_reload_rows(a, a->sessions[i], &e->ev, e->rows,
					                 e->n_rows);
		if (e->summary && e->summary_rc != STORE_OK)
			err(e->req, 503, "unavailable", "events.summary_not_saved");
		else
			respond_event(a, e->req, 200, e->id, e->level);
	}
	json_decref(e->body);
	store_event_clear(&e->ev);
	store_slides_free(e->rows, e->n_rows);
	free(e);
}

static void delete_run(app_write_t *job)
{
	event_write_t *e = (event_write_t *)job;
	e->rc = store_event_delete(job->st, e->id);
}

static void delete_done(app_write_t *job, int status)
{
	event_write_t *e = (event_write_t *)job;
	if (status < 0 || e->rc != STORE_OK)
		err(e->req, 503, "unavailable", "events.not_deleted");
	else
		http_respond(e->req, 204, NULL, NULL, "", 0);
	who_forget_event(job->app, e->id);
	/* after the commit: a node that reads the process now finds it gone
	 * and unpublishes it (process_sync.c) */
	if (status == 0 && e->rc == STORE_OK)
		bus_note(job->app->bus, BUS_SITE, (uint64_t)e->id, 0, 1);
	free(e);
}

static void create_event(app_t *a, http_request_t *req, const app_match_t *m)
{
	int64_t user = m->user;
	char name[128], role[32];
	who_user_info(a, user, name, sizeof name, role, sizeof role);
	if (strcmp(role, "moderator") == 0) {
		err(req, 403, "forbidden", "events.moderators_create");
		return;
	}
	json_t *j = body_json(req);
	if (!j)
		return;
	const char *deck = json_string_value(json_object_get(j, "deck"));
	json_t *title = json_object_get(j, "title");
	json_t *dup = json_object_get(j, "duplicate");
	char *md = NULL;
	if (deck) {
		md = xstrdup(deck);
	} else if (json_is_string(title)) {
		const char *t = json_string_value(title);
		size_t n = strlen(t);
		while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			n--;
		if (n == 0 || strpbrk(t, "\r\n")) {
			err(req, 400, "invalid", "events.title");
			json_decref(j);
			return;
		}
		buf_t b = BUF_INIT;
		buf_printf(&b, "---\ntitle: %.*s\nlang: nl\n---\n\n# %.*s\n", (int)n, t, (int)n, t);
		md = buf_steal(&b);
	} else if (json_is_integer(dup)) {
		/* the source's access off the loop first (who.c: the request
		 * is handled again), its deck in create_run */
		int64_t src = json_integer_value(dup);
		if (who_access_pending(a, req, user, src)) {
			json_decref(j);
			return;
		}
		if (workspace_access(a, user, src) < ACCESS_FACILITATOR) {
			err(req, 404, "not_found", "events.no_such_duplicate");
			json_decref(j);
			return;
		}
	} else {
		err(req, 400, "invalid", "events.expected_new");
		json_decref(j);
		return;
	}
	int64_t from =
	    json_is_integer(dup) && !deck && !json_is_string(title) ? json_integer_value(dup) : 0;
	json_decref(j);
	event_write_t *e = xcalloc(1, sizeof *e);
	e->req = req;
	e->md = md;
	e->user = user;
	e->from = from;
	snprintf(e->lang, sizeof e->lang, "%s", tr_req_lang(req));
	app_write(a, &e->job, create_run, create_done);
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

static void event_get(app_t *a, http_request_t *req, const app_match_t *m)
{
	respond_event(a, req, 200, m->id, m->level);
}

static void update_event(app_t *a, http_request_t *req, const app_match_t *m)
{
	int64_t id = m->id;
	int level = m->level;
	json_t *j = body_json(req);
	if (!j)
		return;
	const char *deck = json_string_value(json_object_get(j, "deck"));
	const char *summary = json_string_value(json_object_get(j, "summary"));
	if (!deck && !summary) {
		err(req, 400, "invalid", "events.expected_change");
		goto done;
	}
	if (summary && (strlen(summary) > 32768 || !text_valid(summary, strlen(summary)))) {
		err(req, 400, "invalid", "events.summary_invalid");
		goto done;
	}
	/* the stored answers are counted in update_run, off the loop */
	if (deck && answers_in_flight(a, id)) {
		err(req, 409, "has_answers", "events.has_answers");
		goto done;
	}
	/* the store refuses a new deck for an event with answers itself, so an
	 * answer that arrives meanwhile is safe */
	event_write_t *e = xcalloc(1, sizeof *e);
	e->req = req;
	e->body = j; /* deck and summary point into it: kept until update_done */
	e->deck = deck;
	e->summary = summary;
	e->id = id;
	e->level = level;
	snprintf(e->lang, sizeof e->lang, "%s", tr_req_lang(req));
	app_write(a, &e->job, update_run, update_done);
	return;
done:
	json_decref(j);
}

static void deck_json(app_t *a, http_request_t *req, const app_match_t *m)
{
	read_event(a, req, 200, m->id, ACCESS_FACILITATOR, true);
}

typedef struct deck_read {
	app_read_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t id;
	int rc;
	store_event_t e;
} deck_read_t;

static void deck_md_run(app_read_t *job)
{
	deck_read_t *r = (deck_read_t *)job;
	r->rc = store_event_get(job->st, r->id, &r->e);
}

static void deck_md_done(app_read_t *job, int status)
{
	deck_read_t *r = (deck_read_t *)job;
	if (status < 0 || r->rc != STORE_OK)
		err(r->req, 404, "not_found", "events.no_such");
	else
		http_respond(r->req, 200, "text/markdown; charset=utf-8",
		             "Content-Disposition: attachment; filename=\"deck.md\"\r\n",
		             r->e.deck_md, strlen(r->e.deck_md));
	store_event_clear(&r->e);
	free(r);
}

static void deck_md(app_t *a, http_request_t *req, const app_match_t *m)
{
	deck_read_t *r = xcalloc(1, sizeof *r);
	r->req = req;
	r->id = m->id;
	app_read(a, &r->job, deck_md_run, deck_md_done);
}

/* POST /api/v1/events/ID/sessions, with no body or {"mode": "live"} for a
 * session that follows its presenter, {"mode": "self-paced"} for one whose
 * questions all stay open online between the meetings. */
/* A new session is a write (app_write); loading it into the live sessions
 * and the answer happen back on the loop. */
typedef struct session_write {
	app_write_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t id;
	bool self_paced;
	int rc;
	store_session_t s;
	session_t *fresh; /* read whole off the loop too (live_read) */
} session_write_t;

static void session_run(app_write_t *job)
{
	session_write_t *w = (session_write_t *)job;
	w->rc = store_session_create_mode(job->st, w->id, 6, w->self_paced, &w->s);
	if (w->rc == STORE_OK)
		store_event_touch(job->st, w->id);
	if (w->rc == STORE_OK)
		w->rc = live_read(job->app, job->st, &w->s, &w->fresh);
}

/* Adds a session read off the loop; false when it could not be read. */
static bool session_add(app_t *a, session_t **fresh)
{
	if (!*fresh)
		return false;
	if (!live_find(a, (*fresh)->row.code)) /* not loaded meanwhile (nodes.c) */
		live_add(a, *fresh);
	else
		live_free(*fresh);
	*fresh = NULL;
	return true;
}

static void session_done(app_write_t *job, int status)
{
	session_write_t *w = (session_write_t *)job;
	app_t *a = job->app;
	if (status < 0 || w->rc != STORE_OK || !session_add(a, &w->fresh)) {
		err(w->req, 503, "unavailable", "events.session_not_started");
	} else {
		char url[512];
		snprintf(url, sizeof url, "%s/%s", a->public_url, w->s.code);
		json_t *o = json_pack(
		    "{s:s, s:s, s:s, s:s, s:I, s:n, s:i}", "code", w->s.code, "status", "live",
		    "mode", w->self_paced ? "self-paced" : "live", "join_url", url, "started_at",
		    (json_int_t)w->s.started_at, "ended_at", "answers", 0);
		http_respond_json(w->req, 201, o, NULL);
	}
	free(w);
}

static void new_session(app_t *a, http_request_t *req, const app_match_t *m)
{
	int64_t id = m->id;
	bool self_paced = false;
	if (req->body_len > 0) {
		json_t *b = body_json(req);
		if (!b)
			return;
		json_t *mode = json_object_get(b, "mode");
		const char *ms = json_string_value(mode);
		if (mode && (!ms || (strcmp(ms, "live") != 0 && strcmp(ms, "self-paced") != 0))) {
			json_decref(b);
			err(req, 400, "invalid", "events.mode");
			return;
		}
		self_paced = ms && strcmp(ms, "self-paced") == 0;
		json_decref(b);
	}
	session_write_t *w = xcalloc(1, sizeof *w);
	w->req = req;
	w->id = id;
	w->self_paced = self_paced;
	app_write(a, &w->job, session_run, session_done);
}

static void share_done(http_request_t *req, int rc)
{
	if (rc == STORE_OK)
		http_respond(req, 204, NULL, NULL, "", 0);
	else if (rc == STORE_NOTFOUND)
		err(req, 404, "not_found", "users.no_such");
	else
		err(req, 503, "unavailable", "api.change_not_saved");
}

/* A session's name, stored through app_write. */
typedef struct name_write {
	app_write_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t event_id;
	char code[16], name[256];
	int rc;
} name_write_t;

static void name_run(app_write_t *job)
{
	name_write_t *w = (name_write_t *)job;
	/* the session is looked up here, off the loop: ended ones are not in
	 * memory */
	store_session_t s;
	w->rc = store_session_by_code(job->st, w->code, &s);
	if (w->rc == STORE_OK && s.event_id != w->event_id)
		w->rc = STORE_NOTFOUND;
	if (w->rc == STORE_OK)
		w->rc = store_session_set_name(job->st, s.id, w->name);
}

static void name_done(app_write_t *job, int status)
{
	name_write_t *w = (name_write_t *)job;
	if (status == 0 && w->rc == STORE_NOTFOUND) {
		err(w->req, 404, "not_found", "sessions.no_such_code");
	} else if (status < 0 || w->rc != STORE_OK) {
		err(w->req, 503, "unavailable", "api.change_not_saved");
	} else {
		session_t *live = live_find(job->app, w->code);
		if (live)
			snprintf(live->row.name, sizeof live->row.name, "%s", w->name);
		http_respond_json(w->req, 200,
		                  json_pack("{s:s, s:s}", "code", w->code, "name", w->name), NULL);
	}
	free(w);
}

/* PUT /api/v1/events/ID/sessions/CODE {"name": "16 oktober"}: the name the
 * workspace and the report show beside the session's number ("" for none).
 * The code is the row's :name, not :code: an ended session is named too,
 * and the event is the path's. */
static void name_session(app_t *a, http_request_t *req, const app_match_t *m)
{
	char code[16];
	snprintf(code, sizeof code, "%.*s", (int)m->name_len, m->name);
	if (m->name_len >= sizeof code) {
		err(req, 404, "not_found", "sessions.no_such_code");
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
		err(req, 400, "invalid", "sessions.name_invalid");
		return;
	}
	name_write_t *w = xcalloc(1, sizeof *w);
	w->req = req;
	w->event_id = m->id;
	snprintf(w->code, sizeof w->code, "%s", code);
	snprintf(w->name, sizeof w->name, "%s", name);
	free(name);
	app_write(a, &w->job, name_run, name_done);
}

/* Sharing and unsharing (role ""), through app_write. */
typedef struct share_write {
	app_write_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t id;
	char name[256], role[32];
	int rc;
} share_write_t;

static void share_run(app_write_t *job)
{
	share_write_t *w = (share_write_t *)job;
	w->rc = store_share(job->st, w->id, w->name, w->role[0] ? w->role : NULL);
}

static void share_write_done(app_write_t *job, int status)
{
	share_write_t *w = (share_write_t *)job;
	who_forget_event(job->app, w->id); /* at once on this node */
	share_done(w->req, status < 0 ? STORE_ERROR : w->rc);
	free(w);
}

static void share(app_t *a, http_request_t *req, const app_match_t *m)
{
	json_t *j = body_json(req);
	if (!j)
		return;
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *role = json_string_value(json_object_get(j, "role"));
	if (!name || !role || (strcmp(role, "moderator") && strcmp(role, "facilitator"))) {
		err(req, 400, "invalid", "events.expected_share");
		json_decref(j);
		return;
	}
	share_write_t *w = xcalloc(1, sizeof *w);
	w->req = req;
	w->id = m->id;
	snprintf(w->name, sizeof w->name, "%s", name);
	snprintf(w->role, sizeof w->role, "%s", role);
	json_decref(j);
	app_write(a, &w->job, share_run, share_write_done);
}

static void share_del(app_t *a, http_request_t *req, const app_match_t *m)
{
	share_write_t *w = xcalloc(1, sizeof *w);
	w->req = req;
	w->id = m->id;
	if (!path_name(m, w->name, sizeof w->name)) {
		free(w);
		share_done(req, STORE_NOTFOUND);
		return;
	}
	app_write(a, &w->job, share_run, share_write_done);
}

static void add_log(int64_t at, const char *user, const char *action, int64_t answer,
                    const char *session, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:I, s:s}", "at", (json_int_t)at,
	                                     "user", user, "action", action, "answer",
	                                     (json_int_t)answer, "session", session));
}

static void fill_log(store_t *st, int64_t id, json_t *list)
{
	store_log(st, id, add_log, list);
}

static void event_log(app_t *a, http_request_t *req, const app_match_t *m)
{
	list_json(a, req, m->id, "log", fill_log);
}

static void delete_event(app_t *a, http_request_t *req, const app_match_t *m)
{
	int64_t id = m->id;
	for (size_t i = 0; i < a->n_sessions; i++)
		if (a->sessions[i]->row.event_id == id)
			live_retire(a, a->sessions[i]);
	process_forget(a, id);
	event_write_t *e = xcalloc(1, sizeof *e);
	e->req = req;
	e->id = id;
	app_write(a, &e->job, delete_run, delete_done);
}

/*
 * The workspace's routes (docs/protocol.md, "Workspace"); app_handle reads
 * them after app_routes. Any :event route answers 404 to a user who cannot
 * see the event and 403 "events.moderators_change"to a change by a
 * moderator, before the row's own role (app_handle).
 */
const app_route_t workspace_routes[] = {
    APP_ROUTE(APP_GET, "/api/v1/me", me, APP_ROLE_USER),
    APP_ROUTE(APP_POST, "/api/v1/me/password", me_password, APP_ROLE_USER, .flags = APP_R_CSRF),
    APP_ROUTE(APP_GET, "/api/v1/users", users_list, APP_ROLE_ADMIN, .refused = "users.admins_only"),
    APP_ROUTE(APP_POST, "/api/v1/users", users_add, APP_ROLE_ADMIN, .flags = APP_R_CSRF,
              .refused = "users.admins_only"),
    APP_ROUTE(APP_DELETE, "/api/v1/users/:name", users_del, APP_ROLE_ADMIN, .flags = APP_R_CSRF,
              .refused = "users.admins_only"),
    APP_ROUTE(APP_GET, "/api/v1/events", events_list, APP_ROLE_USER),
    /* moderators by role are refused in the handler: the row's role is
     * about an event, and there is none yet */
    APP_ROUTE(APP_POST, "/api/v1/events", create_event, APP_ROLE_USER, .flags = APP_R_CSRF,
              .body_max = DECK_BODY_MAX),
    APP_ROUTE(APP_GET, "/api/v1/events/:event", event_get, APP_ROLE_MODERATOR),
    APP_ROUTE(APP_PUT, "/api/v1/events/:event", update_event, APP_ROLE_FACILITATOR,
              .flags = APP_R_CSRF, .body_max = DECK_BODY_MAX),
    APP_ROUTE(APP_DELETE, "/api/v1/events/:event", delete_event, APP_ROLE_OWNER,
              .flags = APP_R_CSRF, .refused = "events.owner_deletes"),
    APP_ROUTE(APP_GET, "/api/v1/events/:event/deck.md", deck_md, APP_ROLE_MODERATOR),
    APP_ROUTE(APP_GET, "/api/v1/events/:event/deck.json", deck_json, APP_ROLE_MODERATOR),
    APP_ROUTE(APP_POST, "/api/v1/events/:event/sessions", new_session, APP_ROLE_FACILITATOR,
              .flags = APP_R_CSRF),
    APP_ROUTE(APP_POST, "/api/v1/events/:event/share", share, APP_ROLE_FACILITATOR,
              .flags = APP_R_CSRF),
    APP_ROUTE(APP_DELETE, "/api/v1/events/:event/share/:name", share_del, APP_ROLE_FACILITATOR,
              .flags = APP_R_CSRF),
    APP_ROUTE(APP_POST, "/api/v1/events/:event/images", media_upload, APP_ROLE_FACILITATOR,
              .flags = APP_R_CSRF, .body_max = MEDIA_MAX),
    APP_ROUTE(APP_GET, "/api/v1/events/:event/log", event_log, APP_ROLE_MODERATOR),
    /* issue 13: slides from a PDF, a deck with its images as a zip, named
     * sessions */
    APP_ROUTE(APP_POST, "/api/v1/events/:event/pdf", pdfimport_post, APP_ROLE_FACILITATOR,
              .flags = APP_R_CSRF, .body_max = PDFIMPORT_MAX_BYTES),
    APP_ROUTE(APP_GET, "/api/v1/events/:event/deck.zip", deckzip_export, APP_ROLE_MODERATOR),
    APP_ROUTE(APP_POST, "/api/v1/events/:event/deck.zip", deckzip_import, APP_ROLE_FACILITATOR,
              .flags = APP_R_CSRF, .body_max = DECKZIP_MAX_BYTES),
    APP_ROUTE(APP_PUT, "/api/v1/events/:event/sessions/:name", name_session, APP_ROLE_FACILITATOR,
              .flags = APP_R_CSRF),
    /* Below these prefixes a missing login is told before an unknown path. */
    APP_ROUTE(APP_ANY, "/api/v1/me/*", not_found, APP_ROLE_USER, .flags = APP_R_FALLBACK),
    APP_ROUTE(APP_ANY, "/api/v1/users/*", not_found, APP_ROLE_USER, .flags = APP_R_FALLBACK),
    APP_ROUTE(APP_ANY, "/api/v1/events/*", not_found, APP_ROLE_USER, .flags = APP_R_FALLBACK),
};
const size_t workspace_n_routes = sizeof workspace_routes / sizeof *workspace_routes;
