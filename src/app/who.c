/*
 * who: who a request's token belongs to, and that user's name and role,
 * kept for a few seconds so that the loop does not wait for PostgreSQL on
 * every logged-in request (docs/postgresql.md, "Latency").
 *
 * On PostgreSQL (a->who_on) a request of a route above APP_ROLE_ANYONE
 * passes who_pending first: when its token (bearer or session cookie) is not
 * known here or its entry is older than WHO_TTL_MS, the token's user and
 * the user's name and role are read off the loop (a->peer, nodes.c) and the
 * request is handled again; auth_user and who_user_info then find them
 * here. On SQLite nothing is kept: its reads take microseconds, and a token
 * or user deleted by another process is refused at once.
 *
 * Hazard: on PostgreSQL a token deleted elsewhere (a logout, a new password,
 * a user deleted, on another node or from the command line) is still taken
 * for up to WHO_TTL_MS; a logout, a new password or a user deleted on this
 * node is forgotten at once.
 * Unknown tokens are remembered too (user 0), so a flood of made-up tokens
 * costs one read each per interval; past WHO_MAX entries all are forgotten.
 *
 * A user's access to an event (owner, facilitator, moderator or none) is
 * kept the same way: role_ok (routes.c) asks who_access_pending once the
 * user is known, the access is read off the loop through app_read (pool.c,
 * connections of their own, so that a token's read never waits behind it)
 * and workspace_access then finds it here. Hazard: a change of rights made
 * on another node (an event shared or unshared, deleted) is taken up to
 * WHO_TTL_MS late; one made on this node at once (who_forget_event), and a
 * read that was under way while it was made is not kept (gen).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "util/xalloc.h"

enum { WHO_TTL_MS = 5000, WHO_MAX = 8192 };

typedef struct who_token {
	unsigned char hash[32];
	char kind[8];
	int64_t user; /* 0: no such token */
	uint64_t until;
} who_token_t;

typedef struct who_user {
	int64_t id;
	char name[128], role[16];
	uint64_t until;
} who_user_t;

typedef struct who_access {
	int64_t user, event;
	char access[16]; /* store_event_access's; rc NOTFOUND: none */
	int rc;
	uint64_t until;
} who_access_t;

struct who {
	map_t tokens, users, access; /* key -> index */
	who_token_t *t;
	who_user_t *u;
	who_access_t *e;
	size_t nt, nu, ne;
	uint64_t gen; /* counts changes of rights made here (who_forget_*) */
};

/* The done-markers in req->user: the token's look-up ran (and, with
 * access_looked_up, the access's too), do not start another. */
static char looked_up, access_looked_up;

static uint64_t token_key(const unsigned char hash[32], const char *kind)
{
	uint64_t k;
	memcpy(&k, hash, sizeof k);
	return map_key(k ^ (uint64_t)(unsigned char)kind[0]);
}

static who_t *who(app_t *a)
{
	if (!a->who)
		a->who = xcalloc(1, sizeof *a->who);
	return a->who;
}

static who_token_t *find_token(app_t *a, const unsigned char hash[32], const char *kind)
{
	who_t *w = who(a);
	int64_t i;
	if (!map_get(&w->tokens, token_key(hash, kind), &i))
		return NULL;
	who_token_t *t = &w->t[i];
	if (memcmp(t->hash, hash, 32) || strcmp(t->kind, kind) || t->until < uv_now(a->loop))
		return NULL;
	return t;
}

static who_user_t *find_user(app_t *a, int64_t id)
{
	who_t *w = who(a);
	int64_t i;
	if (!map_get(&w->users, map_key((uint64_t)id), &i))
		return NULL;
	who_user_t *u = &w->u[i];
	return u->until < uv_now(a->loop) ? NULL : u;
}

/* Forgets everything once it grows past WHO_MAX. */
static void bound(who_t *w)
{
	if (w->nt < WHO_MAX && w->nu < WHO_MAX && w->ne < WHO_MAX)
		return;
	map_free(&w->tokens);
	map_free(&w->users);
	map_free(&w->access);
	w->nt = w->nu = w->ne = 0;
}

static uint64_t access_key(int64_t user, int64_t event)
{
	return map_key((uint64_t)user * 0x9E3779B97F4A7C15u ^ (uint64_t)event);
}

static who_access_t *find_access(app_t *a, int64_t user, int64_t event)
{
	who_t *w = who(a);
	int64_t i;
	if (!map_get(&w->access, access_key(user, event), &i))
		return NULL;
	who_access_t *e = &w->e[i];
	if (e->user != user || e->event != event || e->until < uv_now(a->loop))
		return NULL;
	return e;
}

static void put_access(app_t *a, int64_t user, int64_t event, int rc, const char *access)
{
	who_t *w = who(a);
	bound(w);
	int64_t i;
	uint64_t key = access_key(user, event);
	if (!map_get(&w->access, key, &i)) {
		w->e = xrealloc(w->e, (w->ne + 1) * sizeof *w->e);
		i = (int64_t)w->ne++;
		map_put(&w->access, key, i);
	}
	who_access_t *e = &w->e[i];
	e->user = user;
	e->event = event;
	e->rc = rc;
	snprintf(e->access, sizeof e->access, "%s", rc == STORE_OK ? access : "");
	e->until = uv_now(a->loop) + WHO_TTL_MS;
}

static void put_token(app_t *a, const unsigned char hash[32], const char *kind, int64_t user)
{
	who_t *w = who(a);
	bound(w);
	int64_t i;
	uint64_t key = token_key(hash, kind);
	if (!map_get(&w->tokens, key, &i)) {
		w->t = xrealloc(w->t, (w->nt + 1) * sizeof *w->t);
		i = (int64_t)w->nt++;
		map_put(&w->tokens, key, i);
	}
	who_token_t *t = &w->t[i];
	memcpy(t->hash, hash, 32);
	snprintf(t->kind, sizeof t->kind, "%s", kind);
	t->user = user;
	t->until = uv_now(a->loop) + WHO_TTL_MS;
}

static void put_user(app_t *a, int64_t id, const char *name, const char *role)
{
	who_t *w = who(a);
	bound(w);
	int64_t i;
	if (!map_get(&w->users, map_key((uint64_t)id), &i)) {
		w->u = xrealloc(w->u, (w->nu + 1) * sizeof *w->u);
		i = (int64_t)w->nu++;
		map_put(&w->users, map_key((uint64_t)id), i);
	}
	who_user_t *u = &w->u[i];
	u->id = id;
	snprintf(u->name, sizeof u->name, "%s", name);
	snprintf(u->role, sizeof u->role, "%s", role);
	u->until = uv_now(a->loop) + WHO_TTL_MS;
}

int who_token_user(app_t *a, const unsigned char hash[32], const char *kind, int64_t *user)
{
	if (a->who_on) {
		who_token_t *t = find_token(a, hash, kind);
		if (t) {
			*user = t->user;
			return t->user ? STORE_OK : STORE_NOTFOUND;
		}
	}
	return store_token_user(a->store, hash, kind, store_now_ms(), user);
}

int who_user_info(app_t *a, int64_t id, char *name, size_t nlen, char *role, size_t rlen)
{
	if (a->who_on) {
		who_user_t *u = find_user(a, id);
		if (u) {
			snprintf(name, nlen, "%s", u->name);
			snprintf(role, rlen, "%s", u->role);
			return STORE_OK;
		}
	}
	return store_user_info(a->store, id, name, nlen, role, rlen);
}

void who_forget(app_t *a, const unsigned char hash[32])
{
	if (!a->who_on)
		return;
	/* Kept as unknown rather than dropped: its deletion is still on its
	 * way to the database, where a read now would find it valid. */
	put_token(a, hash, "session", 0);
}

void who_forget_user(app_t *a, const char *name)
{
	if (!a->who)
		return;
	who_t *w = a->who;
	w->gen++;
	for (size_t i = 0; i < w->nu; i++) {
		if (strcmp(w->u[i].name, name))
			continue;
		w->u[i].until = 0;
		for (size_t k = 0; k < w->nt; k++)
			if (w->t[k].user == w->u[i].id)
				w->t[k].until = 0;
		for (size_t k = 0; k < w->ne; k++)
			if (w->e[k].user == w->u[i].id)
				w->e[k].until = 0;
	}
}

int who_event_access(app_t *a, int64_t event_id, int64_t user, char *access, size_t len)
{
	if (a->who_on) {
		who_access_t *e = find_access(a, user, event_id);
		if (e) {
			snprintf(access, len, "%s", e->access);
			return e->rc;
		}
	}
	return store_event_access(a->store, event_id, user, access, len);
}

void who_forget_event(app_t *a, int64_t event_id)
{
	if (!a->who)
		return;
	who_t *w = a->who;
	w->gen++;
	for (size_t k = 0; k < w->ne; k++)
		if (w->e[k].event == event_id)
			w->e[k].until = 0;
}

/* ---- reading off the loop ---- */

typedef struct who_job {
	uv_work_t work;
	app_t *app;
	http_request_t *req;
	unsigned char hash[32];
	char kind[8];
	int rc, urc;
	int64_t user;
	char name[128], role[16];
} who_job_t;

static void job_run(uv_work_t *w)
{
	who_job_t *j = w->data;
	j->rc = store_token_user(j->app->peer, j->hash, j->kind, store_now_ms(), &j->user);
	if (j->rc == STORE_OK)
		j->urc = store_user_info(j->app->peer, j->user, j->name, sizeof j->name, j->role,
		                         sizeof j->role);
}

static void job_after(uv_work_t *w, int status)
{
	who_job_t *j = w->data;
	app_t *a = j->app;
	a->pool_jobs--;
	if (status == 0 && j->rc == STORE_OK && j->urc == STORE_OK) {
		put_token(a, j->hash, j->kind, j->user);
		put_user(a, j->user, j->name, j->role);
	} else if (status == 0 && (j->rc == STORE_NOTFOUND || j->urc == STORE_NOTFOUND)) {
		put_token(a, j->hash, j->kind, 0);
	}
	/* else the database is away: nothing kept, and 503 rather than a
	 * second try on the loop */
	bool failed = status < 0 || (j->rc != STORE_OK && j->rc != STORE_NOTFOUND) ||
	              (j->rc == STORE_OK && j->urc != STORE_OK && j->urc != STORE_NOTFOUND);
	http_request_t *req = j->req;
	free(j);
	if (failed || atomic_load(&a->stopping)) {
		http_respond_error(req, 503, "unavailable", tr_req(req, "err.unavailable"), NULL);
		return;
	}
	app_handle(req, a);
}

bool who_pending(app_t *a, http_request_t *req)
{
	if (!a->who_on || !a->peer || req->user == &looked_up || req->user == &access_looked_up)
		return false;
	unsigned char hash[32];
	const char *kind;
	if (!auth_token(req, hash, &kind))
		return false;
	who_token_t *t = find_token(a, hash, kind);
	if (t && (!t->user || find_user(a, t->user)))
		return false;
	req->user = &looked_up;
	who_job_t *j = xcalloc(1, sizeof *j);
	j->app = a;
	j->req = req;
	memcpy(j->hash, hash, 32);
	snprintf(j->kind, sizeof j->kind, "%s", kind);
	j->work.data = j;
	a->pool_jobs++;
	app_queue_work(a, &a->peers, &j->work, job_run, job_after);
	return true;
}

typedef struct access_job {
	app_read_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t user, event;
	uint64_t gen;
	int rc;
	char access[16];
} access_job_t;

static void access_run(app_read_t *job)
{
	access_job_t *j = (access_job_t *)job;
	j->rc = store_event_access(job->st, j->event, j->user, j->access, sizeof j->access);
}

static void access_done(app_read_t *job, int status)
{
	access_job_t *j = (access_job_t *)job;
	app_t *a = job->app;
	bool read = status == 0 && (j->rc == STORE_OK || j->rc == STORE_NOTFOUND);
	/* Not kept when a change of rights was made here meanwhile: the read
	 * may have begun before its commit. Then it is read once more (the
	 * token's look-up stays done). */
	bool again = read && j->gen != who(a)->gen;
	if (read && !again)
		put_access(a, j->user, j->event, j->rc, j->access);
	http_request_t *req = j->req;
	free(j);
	if (again)
		req->user = &looked_up;
	/* the database is away: 503, not asked again on the loop */
	if (!read || atomic_load(&a->stopping)) {
		http_respond_error(req, 503, "unavailable", tr_req(req, "err.unavailable"), NULL);
		return;
	}
	app_handle(req, a);
}

bool who_access_pending(app_t *a, http_request_t *req, int64_t user, int64_t event_id)
{
	if (!a->who_on || !a->readers[0] || req->user == &access_looked_up)
		return false;
	/* an admin's access is the role's: nothing to read */
	who_user_t *u = find_user(a, user);
	if ((u && strcmp(u->role, "admin") == 0) || find_access(a, user, event_id))
		return false;
	req->user = &access_looked_up; /* the token's look-up is done too */
	access_job_t *j = xcalloc(1, sizeof *j);
	j->req = req;
	j->user = user;
	j->event = event_id;
	j->gen = who(a)->gen;
	app_read(a, &j->job, access_run, access_done);
	return true;
}

void who_free(app_t *a)
{
	if (!a->who)
		return;
	map_free(&a->who->tokens);
	map_free(&a->who->users);
	map_free(&a->who->access);
	free(a->who->t);
	free(a->who->u);
	free(a->who->e);
	free(a->who);
	a->who = NULL;
}
