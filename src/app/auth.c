/*
 * auth: who is asking. Participants get an anonymous random cookie of which
 * only a keyed hash is kept; facilitators log in with a password (Argon2id,
 * verified on libuv's thread pool so the loop never waits for it) and get a
 * session cookie, or use a bearer token. Tokens are stored as SHA-256
 * hashes, so a copy of the database opens no door.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/xalloc.h"

enum { SESSION_TTL_MS = 12 * 3600 * 1000 };

static const char P_COOKIE[] = "inspraak_p";
static const char S_COOKIE[] = "inspraak_s";

/* Lowercase hex digits only, and exactly n of them. Without a branch per
 * byte: it runs on every participant's request. */
static bool is_hex(const char *s, size_t n)
{
	unsigned ok = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned c = (unsigned char)s[i];
		ok &= (c - '0' < 10u) | (c - 'a' < 6u);
	}
	return ok && s[n] == '\0';
}

/* Lowercase hex of n bytes into out (2n + 1 bytes), as sodium_bin2hex
 * writes it, at a fifth of its instructions (a participant's key is made
 * on every request). The 16-byte table sits in one cache line. */
static void to_hex(char *out, const unsigned char *in, size_t n)
{
	static const char digits[16] __attribute__((aligned(16))) = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static void new_secret(char hex[65])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, 65, raw, sizeof raw);
}

void auth_sha256(const char *secret, unsigned char out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)secret, strlen(secret));
}

void auth_participant(app_t *a, http_request_t *req, char hex[33], uint64_t *key,
                      char set_cookie[160])
{
	char token[40];
	set_cookie[0] = '\0';
	if (http_cookie(req, P_COOKIE, token, sizeof token) != 32 || !is_hex(token, 32)) {
		unsigned char raw[16];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2hex(token, sizeof token, raw, sizeof raw);
		snprintf(set_cookie, 160,
		         "Set-Cookie: %s=%s; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax\r\n",
		         P_COOKIE, token);
	}
	unsigned char h[16];
	crypto_generichash(h, sizeof h, (const unsigned char *)token, 32, store_secret(a->store),
	                   32);
	to_hex(hex, h, sizeof h);
	*key = live_participant_key(hex);
}

void auth_csrf(app_t *a, http_request_t *req, char out[65])
{
	char token[80];
	out[0] = '\0';
	if (http_cookie(req, S_COOKIE, token, sizeof token) != 64)
		return;
	unsigned char h[32];
	crypto_generichash_state st;
	crypto_generichash_init(&st, store_secret(a->store), 32, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)"csrf:", 5);
	crypto_generichash_update(&st, (const unsigned char *)token, 64);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

bool auth_token(const http_request_t *req, unsigned char hash[32], const char **kind)
{
	const char *authz = http_header(req, "Authorization");
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		const char *t = authz + 7;
		if (strlen(t) != 64 || !is_hex(t, 64))
			return false;
		auth_sha256(t, hash);
		*kind = "api";
		return true;
	}
	char token[80];
	if (http_cookie(req, S_COOKIE, token, sizeof token) != 64 || !is_hex(token, 64))
		return false;
	auth_sha256(token, hash);
	*kind = "session";
	return true;
}

int64_t auth_user(app_t *a, http_request_t *req, bool *csrf_ok)
{
	unsigned char hash[32];
	int64_t user = 0;
	const char *authz = http_header(req, "Authorization");
	*csrf_ok = false;
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		const char *t = authz + 7;
		if (strlen(t) != 64 || !is_hex(t, 64))
			return 0;
		auth_sha256(t, hash);
		if (who_token_user(a, hash, "api", &user) != STORE_OK)
			return 0;
		*csrf_ok = true; /* a bearer token is never sent by a browser on its own */
		return user;
	}
	char token[80];
	if (http_cookie(req, S_COOKIE, token, sizeof token) != 64 || !is_hex(token, 64))
		return 0;
	auth_sha256(token, hash);
	if (who_token_user(a, hash, "session", &user) != STORE_OK)
		return 0;
	char want[65];
	auth_csrf(a, req, want);
	const char *got = http_header(req, "X-CSRF-Token");
	*csrf_ok = got && strlen(got) == 64 && sodium_memcmp(got, want, 64) == 0;
	return user;
}

/*
 * A path on this site, checked after percent-decoding: one slash, then a
 * character that is neither a slash nor a backslash, and no control
 * character anywhere. Browsers drop tabs and line breaks from a Location
 * before resolving it, so "/\t/evil.example" would become the
 * protocol-relative "//evil.example" (an open redirect).
 */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) >= 200)
		return "/";
	for (const unsigned char *p = (const unsigned char *)next; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return "/";
	return next;
}

/* ---- starting a facilitator session ---- */

typedef struct login {
	store_job_t del, add;
	app_t *app;
	http_request_t *req;
	char secret[65];
	char next[256];
} login_t;

static void session_added(store_job_t *job)
{
	login_t *l = job->arg;
	if (job->status != STORE_OK) {
		pages_login(l->app, l->req, 503, tr(pages_login_lang(l->req), "err.unavailable"),
		            l->next);
	} else {
		char hdr[512];
		snprintf(hdr, sizeof hdr,
		         "Location: %s\r\nSet-Cookie: %s=%s; Path=/; Max-Age=%d; HttpOnly; "
		         "SameSite=Strict\r\n",
		         l->next, S_COOKIE, l->secret, SESSION_TTL_MS / 1000);
		http_respond(l->req, 303, "text/plain; charset=utf-8", hdr, "", 0);
	}
	free(l);
}

static void ignore_done(store_job_t *job)
{
	(void)job;
}

static void free_job(store_job_t *job)
{
	free(job);
}

/* Makes a session token for user and answers req with a redirect to next
 * once it is stored. With one_time, that login token is deleted first. */
static void start_session(app_t *a, http_request_t *req, int64_t user, const char *next,
                          const unsigned char *one_time)
{
	login_t *l = xcalloc(1, sizeof *l);
	l->app = a;
	l->req = req;
	snprintf(l->next, sizeof l->next, "%s", safe_next(next));
	new_secret(l->secret);
	if (one_time) {
		l->del.kind = STORE_JOB_TOKEN_DEL;
		l->del.done = ignore_done;
		memcpy(l->del.u.token.hash, one_time, 32);
		store_submit(a->store, &l->del);
	}
	l->add.kind = STORE_JOB_TOKEN_ADD;
	l->add.done = session_added;
	l->add.arg = l;
	auth_sha256(l->secret, l->add.u.token.hash);
	l->add.u.token.user_id = user;
	l->add.u.token.expires_at = store_now_ms() + SESSION_TTL_MS;
	snprintf(l->add.u.token.kind, sizeof l->add.u.token.kind, "session");
	store_submit(a->store, &l->add);
}

/* ---- password login ---- */

typedef struct verify {
	app_read_t read; /* first: the user's row, off the loop (user_read_done) */
	uv_work_t work;
	app_t *app;
	http_request_t *req;
	char *pwhash;
	char password[256];
	char next[256];
	char name[128];
	int64_t user;
	bool ok;
} verify_t;

/*
 * An unknown name is checked against this hash of a random password, made
 * with the parameters of every stored hash (cli.c): the answer then takes
 * as long as for a known name with a wrong password, and the time tells
 * no one which names exist (issue 11: 1-3 ms against 250-730 ms before).
 * Made once, on the pool, when the server starts (auth_warm) or by the
 * first login that needs it, whichever comes first.
 */
static char decoy_hash[crypto_pwhash_STRBYTES];
static uv_once_t decoy_once = UV_ONCE_INIT;

static void decoy_make(void)
{
	char pw[33];
	unsigned char raw[16];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
	if (crypto_pwhash_str(decoy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		abort(); /* out of memory: as any allocation failure */
}

static void warm_work(uv_work_t *w)
{
	uv_once(&decoy_once, decoy_make);
}

static void warm_done(uv_work_t *w, int status)
{
	app_t *a = w->data;
	a->pool_jobs--;
	free(w);
}

void auth_warm(app_t *a)
{
	uv_work_t *w = xcalloc(1, sizeof *w);
	w->data = a;
	a->pool_jobs++;
	app_queue_work(a, &a->hashes, w, warm_work, warm_done);
}

static void verify_work(uv_work_t *w)
{
	verify_t *v = w->data;
	metrics_inc(METRIC_PASSWORD_HASHES);
	if (v->pwhash) {
		v->ok = crypto_pwhash_str_verify(v->pwhash, v->password, strlen(v->password)) == 0;
	} else {
		uv_once(&decoy_once, decoy_make);
		int rc = crypto_pwhash_str_verify(decoy_hash, v->password, strlen(v->password));
		(void)rc; /* the time is the point; no password opens the decoy */
		v->ok = false;
	}
	sodium_memzero(v->password, sizeof v->password);
}

/* Failed logins use up a budget per account and per network address:
 * five at once, then one more every half minute. */
static uint64_t account_key(app_t *a, const char *name)
{
	/* keyed with the store's secret, so the same on every node (nodes.c
	 * shares the budget); the prefix keeps names apart from client ids */
	char k[140];
	snprintf(k, sizeof k, "user:%s", name);
	return live_seen_key(a, k);
}

static bool login_allowed(app_t *a, http_request_t *req, const char *name, int *retry)
{
	uint64_t now = uv_now(a->loop);
	return bucket_take(&a->logins, account_key(a, name), now, false, retry) &&
	       bucket_take(&a->logins, http_peer_key(req), now, false, retry);
}

static void login_failed(app_t *a, http_request_t *req, const char *name)
{
	int retry;
	uint64_t now = uv_now(a->loop);
	bucket_take(&a->logins, account_key(a, name), now, true, &retry);
	bucket_take(&a->logins, http_peer_key(req), now, true, &retry);
}

static void verify_done(uv_work_t *w, int status)
{
	verify_t *v = w->data;
	v->app->pool_jobs--;
	if (v->ok && status == 0) {
		start_session(v->app, v->req, v->user, v->next, NULL);
	} else {
		login_failed(v->app, v->req, v->name);
		pages_login(v->app, v->req, 401, tr(pages_login_lang(v->req), "login.wrong"),
		            v->next);
	}
	free(v->pwhash);
	free(v);
}

/* The user's row is read off the loop (app_read), then the hash is
 * checked on the hashes' queue. */
static void user_read_run(app_read_t *job)
{
	verify_t *v = (verify_t *)job;
	if (store_user_get(job->st, v->name, &v->user, &v->pwhash) != STORE_OK)
		v->pwhash = NULL;
}

static void user_read_done(app_read_t *job, int status)
{
	verify_t *v = (verify_t *)job;
	app_t *a = job->app;
	if (status < 0) { /* not read: as an unknown name */
		free(v->pwhash);
		v->pwhash = NULL;
	}
	v->work.data = v;
	a->pool_jobs++;
	app_queue_work(a, &a->hashes, &v->work, verify_work, verify_done);
}

void auth_login_form(app_t *a, http_request_t *req)
{
	char name[128], next[256];
	verify_t *v = xcalloc(1, sizeof *v);
	if (http_form_field(req->body, req->body_len, "next", 0, next, sizeof next) < 0)
		snprintf(next, sizeof next, "/");
	snprintf(v->next, sizeof v->next, "%s", safe_next(next));
	if (http_form_field(req->body, req->body_len, "name", 0, name, sizeof name) <= 0 ||
	    http_form_field(req->body, req->body_len, "password", 0, v->password,
	                    sizeof v->password) <= 0) {
		pages_login(a, req, 400, tr(pages_login_lang(req), "login.missing"), v->next);
		free(v);
		return;
	}
	v->app = a;
	v->req = req;
	snprintf(v->name, sizeof v->name, "%s", name);
	int retry;
	if (!login_allowed(a, req, name, &retry)) {
		char msg[200];
		snprintf(msg, sizeof msg, tr(pages_login_lang(req), "err.logins"), retry);
		pages_login(a, req, 429, msg, v->next);
		sodium_memzero(v->password, sizeof v->password);
		free(v);
		return;
	}
	/* An unknown name takes the same way and the same time (decoy_hash). */
	app_read(a, &v->read, user_read_run, user_read_done);
}

/* A one-time link's token is read off the loop (app_read). */
typedef struct link_read {
	app_read_t job; /* first: the callbacks get &job */
	http_request_t *req;
	unsigned char hash[32];
	char next[256];
	int64_t user;
	int rc;
} link_read_t;

static void link_read_run(app_read_t *job)
{
	link_read_t *r = (link_read_t *)job;
	r->rc = store_token_user(job->st, r->hash, "login", store_now_ms(), &r->user);
}

static void link_read_done(app_read_t *job, int status)
{
	link_read_t *r = (link_read_t *)job;
	http_request_t *req = r->req;
	if (status < 0 || r->rc != STORE_OK)
		pages_login(job->app, req, 401, tr(pages_login_lang(req), "login.link"),
		            safe_next(r->next));
	else
		start_session(job->app, req, r->user, r->next, r->hash);
	free(r);
}

void auth_login_link(app_t *a, http_request_t *req)
{
	char token[80], next[256];
	if (http_query(req, "next", next, sizeof next) < 0)
		snprintf(next, sizeof next, "/");
	if (http_query(req, "token", token, sizeof token) != 64 || !is_hex(token, 64)) {
		pages_login(a, req, 400, tr(pages_login_lang(req), "login.link"), safe_next(next));
		return;
	}
	link_read_t *r = xcalloc(1, sizeof *r);
	r->req = req;
	auth_sha256(token, r->hash);
	snprintf(r->next, sizeof r->next, "%s", next);
	app_read(a, &r->job, link_read_run, link_read_done);
}

void auth_logout(app_t *a, http_request_t *req)
{
	char token[80];
	if (http_cookie(req, S_COOKIE, token, sizeof token) == 64) {
		store_job_t *j = xcalloc(1, sizeof *j);
		j->kind = STORE_JOB_TOKEN_DEL;
		j->done = free_job;
		auth_sha256(token, j->u.token.hash);
		who_forget(a, j->u.token.hash);
		store_submit(a->store, j);
	}
	char hdr[200];
	snprintf(hdr, sizeof hdr,
	         "Location: /login\r\nSet-Cookie: %s=; Path=/; Max-Age=0; HttpOnly; "
	         "SameSite=Strict\r\n",
	         S_COOKIE);
	http_respond(req, 303, "text/plain; charset=utf-8", hdr, "", 0);
}
