/*
 * Unit tests for the route table of src/app/routes.c: the app on a
 * temporary SQLite file behind a real server on the loopback interface.
 *
 * The refusal test walks app_routes and workspace_routes themselves, not a
 * list of paths written here, so a route added to a table is checked the
 * day it is added: every route that needs a login refuses a request
 * without one and a request with only a participant's cookie, and every
 * route above moderation refuses a moderator of the event.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/internal.h"
#include "util/buf.h"

static const char DECK[] = "---\ntitle: Routes\nlang: nl\n---\n\n# Welkom\n\n"
                           "## Wat vind je ervan?\n\n- [open]\n";

enum { MAX_CASES = 512 };

typedef struct route_case {
	const app_route_t *route;
	const char *who; /* "nobody", "participant", "moderator" */
	char request[1024];
	int status; /* what came back; 0: nothing */
	char location[128];
} route_case_t;

typedef struct fixture {
	char dir[64], db[96];
	uv_loop_t loop;
	store_t *st;
	app_t *app;
	http_server_t *srv;
	int port;
	uv_async_t stop;
	char code[12];
	int64_t event;
	char token[65];  /* the moderator's API token */
	char cookie[80]; /* the participant's, "inspraak_p=..." */
	route_case_t *cases;
	size_t n_cases;
	const char *one; /* a single raw request (exchange) */
	buf_t got;
} fixture_t;

/* Sends req on a new connection and returns what came back (closed by
 * "Connection: close" in req, or after 2 s). */
static void roundtrip(int port, const char *req, buf_t *out)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		size_t off = 0, len = strlen(req);
		while (off < len) {
			ssize_t n = send(fd, req + off, len - off, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		struct timeval tv = {.tv_sec = 2};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		char b[4096];
		ssize_t n;
		while ((n = recv(fd, b, sizeof b, 0)) > 0)
			buf_append(out, b, (size_t)n);
	}
	close(fd);
}

static int status_of(const buf_t *b)
{
	int status = 0;
	if (b->data)
		sscanf(b->data, "HTTP/1.1 %d", &status);
	return status;
}

/* The value of header name in a raw response, into out ("" when none). */
static void header_of(const buf_t *b, const char *name, char *out, size_t outlen)
{
	out[0] = '\0';
	const char *h = b->data ? strstr(b->data, name) : NULL;
	if (h)
		snprintf(out, outlen, "%.*s", (int)strcspn(h + strlen(name), "\r\n;"),
		         h + strlen(name));
}

static void *client_main(void *arg)
{
	fixture_t *f = arg;
	if (f->one) {
		roundtrip(f->port, f->one, &f->got);
	} else {
		/* A participant first: the page hands out the cookie. */
		char req[128];
		snprintf(req, sizeof req,
		         "GET /%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", f->code);
		buf_t b = BUF_INIT;
		roundtrip(f->port, req, &b);
		char v[64];
		header_of(&b, "Set-Cookie: inspraak_p=", v, sizeof v);
		snprintf(f->cookie, sizeof f->cookie, "inspraak_p=%s", v);
		buf_free(&b);
		for (size_t i = 0; i < f->n_cases; i++) {
			route_case_t *c = &f->cases[i];
			char *p = strstr(c->request, "@COOKIE@");
			if (p) {
				char tail[512];
				snprintf(tail, sizeof tail, "%s", p + 8);
				snprintf(p, sizeof c->request - (size_t)(p - c->request), "%s%s",
				         f->cookie, tail);
			}
			buf_t r = BUF_INIT;
			roundtrip(f->port, c->request, &r);
			c->status = status_of(&r);
			header_of(&r, "Location: ", c->location, sizeof c->location);
			buf_free(&r);
		}
	}
	uv_async_send(&f->stop);
	return NULL;
}

/* The client is done: the loop (kept alive by the app's timers and the
 * store) returns to the test. */
static void on_stop(uv_async_t *a)
{
	fixture_t *f = a->data;
	uv_close((uv_handle_t *)&f->stop, NULL);
	uv_stop(&f->loop);
}

static int setup(void **state)
{
	fixture_t *f = calloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test_routes.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
	char err[512];
	assert_int_equal(store_open(f->db, &f->st, err, sizeof err), STORE_OK);
	assert_int_equal(
	    app_import(f->st, DECK, sizeof DECK - 1, 0, &f->event, f->code, err, sizeof err), 0);
	assert_int_equal(app_user_add(f->st, "mo", "mo-password-1", "moderator", err, sizeof err),
	                 0);
	assert_int_equal(store_share(f->st, f->event, "mo", "moderator"), STORE_OK);
	assert_int_equal(app_token_new(f->st, "mo", "api", 0, f->token), 0);
	uv_loop_init(&f->loop);
	app_options_t ao = {.web_dir = "web", .public_url = "http://127.0.0.1"};
	if (app_new(&f->loop, f->st, &ao, &f->app, err, sizeof err) < 0)
		fail_msg("app_new: %s", err);
	for (f->port = 39000 + (int)(getpid() % 1000); f->port < 40999; f->port += 7)
		if (http_listen(&f->loop, "127.0.0.1", f->port, app_handle, f->app, &f->srv) == 0)
			break;
	http_set_body_limit(f->srv, app_body_limit);
	assert_int_equal(store_start(f->st, &f->loop), STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	http_close(f->srv);
	app_stop(f->app);
	while (app_busy(f->app))
		uv_run(&f->loop, UV_RUN_ONCE);
	store_close(f->st);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	app_free(f->app);
	uv_loop_close(&f->loop);
	char path[160];
	static const char *files[] = {"t.db", "t.db-wal", "t.db-shm"};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		snprintf(path, sizeof path, "%s/%s", f->dir, files[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f->cases);
	free(f);
	return 0;
}

/* Runs the client thread against the server until it is done. */
static void run_client(fixture_t *f)
{
	pthread_t client;
	uv_async_init(&f->loop, &f->stop, on_stop);
	f->stop.data = f;
	pthread_create(&client, NULL, client_main, f);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	pthread_join(client, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT); /* the close of stop */
}

/* A path for a row's pattern: its parameters filled with the fixture's
 * session and event, or with anything where the check comes first. */
static void fill_path(const fixture_t *f, const char *pat, char *out, size_t outlen)
{
	size_t n = 0;
	while (*pat && n + 24 < outlen) {
		if (*pat == '*') {
			n += (size_t)snprintf(out + n, outlen - n, "x/y"); /* past any :name */
			pat++;
		} else if (*pat == ':') {
			size_t len = strcspn(pat, "/");
			if (strncmp(pat, ":code", len) == 0)
				n += (size_t)snprintf(out + n, outlen - n, "%s", f->code);
			else if (strncmp(pat, ":event", len) == 0)
				n += (size_t)snprintf(out + n, outlen - n, "%lld",
				                      (long long)f->event);
			else if (strncmp(pat, ":answer", len) == 0 ||
			         strncmp(pat, ":post", len) == 0 ||
			         strncmp(pat, ":topic", len) == 0)
				n += (size_t)snprintf(out + n, outlen - n, "1");
			else
				n += (size_t)snprintf(out + n, outlen - n, "nobody");
			pat += len;
		} else {
			out[n++] = *pat++;
		}
	}
	out[n] = '\0';
}

static void add_case(fixture_t *f, const app_route_t *r, const char *method, const char *who)
{
	assert_true(f->n_cases < MAX_CASES);
	route_case_t *c = &f->cases[f->n_cases++];
	char path[256], cred[160] = "";
	fill_path(f, r->pattern, path, sizeof path);
	if (strcmp(who, "participant") == 0)
		snprintf(cred, sizeof cred, "Cookie: @COOKIE@\r\n");
	else if (strcmp(who, "moderator") == 0)
		snprintf(cred, sizeof cred, "Authorization: Bearer %s\r\n", f->token);
	c->route = r;
	c->who = who;
	snprintf(c->request, sizeof c->request,
	         "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%sContent-Type: "
	         "application/json\r\nContent-Length: 2\r\n\r\n{}",
	         method, path, cred);
}

static void walk(fixture_t *f, const app_route_t *rows, size_t n, size_t *checked)
{
	static const struct {
		unsigned bit;
		const char *name;
	} methods[] = {
	    {APP_GET, "GET"}, {APP_POST, "POST"}, {APP_PUT, "PUT"}, {APP_DELETE, "DELETE"}};
	for (size_t i = 0; i < n; i++) {
		const app_route_t *r = &rows[i];
		if (r->role == APP_ROLE_ANYONE)
			continue;
		(*checked)++;
		for (size_t k = 0; k < sizeof methods / sizeof *methods; k++) {
			if (!(r->methods & methods[k].bit))
				continue;
			add_case(f, r, methods[k].name, "nobody");
			add_case(f, r, methods[k].name, "participant");
			/* a moderator of the event may moderate, and no more */
			if (r->role > APP_ROLE_MODERATOR)
				add_case(f, r, methods[k].name, "moderator");
		}
	}
}

static void every_route_refuses_who_may_not_call_it(void **state)
{
	fixture_t *f = *state;
	f->cases = calloc(MAX_CASES, sizeof *f->cases);
	size_t checked = 0;
	walk(f, app_routes, app_n_routes, &checked);
	walk(f, workspace_routes, workspace_n_routes, &checked);
	/* control, results, report, moderation, the pages, the workspace */
	assert_true(checked >= 25);
	run_client(f);
	assert_true(strlen(f->cookie) > strlen("inspraak_p="));
	for (size_t i = 0; i < f->n_cases; i++) {
		const route_case_t *c = &f->cases[i];
		int want = strcmp(c->who, "moderator") == 0 ? 403
		           : (c->route->flags & APP_R_PAGE) ? 303
		                                            : 401;
		if (c->status != want)
			fail_msg("%s as %s: got %d, want %d\n%s", c->route->pattern, c->who,
			         c->status, want, c->request);
		if (want == 303 && strncmp(c->location, "/login?next=", 12) != 0)
			fail_msg("%s as %s: redirected to \"%s\", not to the login",
			         c->route->pattern, c->who, c->location);
	}
}

static void exchange(fixture_t *f, const char *req)
{
	buf_free(&f->got);
	f->got = (buf_t)BUF_INIT;
	f->one = req;
	run_client(f);
	f->one = NULL;
}

static void wrong_method_lists_every_method_of_the_path(void **state)
{
	fixture_t *f = *state;
	exchange(f, "PUT /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	assert_int_equal(status_of(&f->got), 405);
	if (!strstr(f->got.data, "\r\nAllow: GET, POST\r\n"))
		fail_msg("%s", f->got.data);
	char req[256];
	snprintf(req, sizeof req,
	         "PUT /api/v1/events/%lld/share HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	         "Content-Length: 0\r\n\r\n",
	         (long long)f->event);
	exchange(f, req);
	assert_int_equal(status_of(&f->got), 405);
	assert_non_null(strstr(f->got.data, "\r\nAllow: POST\r\n"));
	exchange(f, "DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	assert_int_equal(status_of(&f->got), 405);
	assert_non_null(strstr(f->got.data, "\r\nAllow: GET\r\n"));
	/* an unknown path below a prefix that needs a login: the login first */
	exchange(f,
	         "GET /api/v1/events/1/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	assert_int_equal(status_of(&f->got), 401);
	exchange(f, "GET /nothing/here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	assert_int_equal(status_of(&f->got), 404);
	buf_free(&f->got);
}

static void body_limits_come_from_the_table(void **state)
{
	(void)state;
	static const char images[] = "/api/v1/events/12/images";
	static const char events[] = "/api/v1/events?x=1";
	static const char event[] = "/api/v1/events/12";
	static const char answers[] = "/api/v1/sessions/123456/answers";
	assert_int_equal(app_body_limit(images, sizeof images - 1), MEDIA_MAX);
	assert_int_equal(app_body_limit(events, sizeof events - 1), DECK_BODY_MAX);
	assert_int_equal(app_body_limit(event, sizeof event - 1), DECK_BODY_MAX);
	/* the path is not NUL-terminated where the server asks */
	assert_int_equal(app_body_limit(images, sizeof images - 2), HTTP_MAX_BODY);
	assert_int_equal(app_body_limit(answers, sizeof answers - 1), HTTP_MAX_BODY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(every_route_refuses_who_may_not_call_it, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(wrong_method_lists_every_method_of_the_path, setup,
	                                    teardown),
	    cmocka_unit_test(body_limits_come_from_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
