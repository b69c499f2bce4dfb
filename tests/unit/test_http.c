/*
 * Unit tests for src/net/http.c: a real server on the loopback interface,
 * driven by a client thread that sends raw bytes, so that the limits and
 * the parsing are tested exactly as a peer would meet them.
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

#include "http_feed.h"
#include "net/http.h"
#include "util/buf.h"

typedef struct fixture {
	uv_loop_t loop;
	http_server_t *srv;
	int port;
	uv_async_t stop;
	pthread_t client;
	const char *send; /* what the client sends */
	size_t send_len;
	buf_t got; /* what it received until the server closed or 1 s passed */
	/* what the handler saw */
	char path[256], query[256], host[64], body[256], cookie[64], field[64];
	int method;
} fixture_t;

static void handler(http_request_t *req, void *ctx)
{
	fixture_t *f = ctx;
	snprintf(f->path, sizeof f->path, "%s", req->path);
	snprintf(f->query, sizeof f->query, "%s", req->query);
	const char *h = http_header(req, "host");
	snprintf(f->host, sizeof f->host, "%s", h ? h : "");
	snprintf(f->body, sizeof f->body, "%.*s", (int)req->body_len, req->body);
	if (http_cookie(req, "inspraak_p", f->cookie, sizeof f->cookie) < 0)
		f->cookie[0] = '\0';
	if (http_form_field(req->body, req->body_len, "value", 1, f->field, sizeof f->field) < 0)
		f->field[0] = '\0';
	f->method = req->method;
	http_respond(req, 200, "text/plain", NULL, "ok", 2);
}

static void on_stop(uv_async_t *a)
{
	fixture_t *f = a->data;
	http_close(f->srv);
	uv_close((uv_handle_t *)&f->stop, NULL);
}

static void *client_main(void *arg)
{
	fixture_t *f = arg;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)f->port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		size_t off = 0;
		while (off < f->send_len) {
			ssize_t n = send(fd, f->send + off, f->send_len - off, MSG_NOSIGNAL);
			if (n <= 0)
				break;
			off += (size_t)n;
		}
		struct timeval tv = {.tv_sec = 1};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		char b[4096];
		ssize_t n;
		while ((n = recv(fd, b, sizeof b, 0)) > 0)
			buf_append(&f->got, b, (size_t)n);
	}
	close(fd);
	uv_async_send(&f->stop);
	return NULL;
}

/* Runs one exchange: start server, send bytes from a thread, wait. */
static void exchange(fixture_t *f, const char *bytes, size_t len)
{
	memset(f, 0, sizeof *f);
	uv_loop_init(&f->loop);
	for (f->port = 38000 + (int)(getpid() % 1000); f->port < 39999; f->port += 7)
		if (http_listen(&f->loop, "127.0.0.1", f->port, handler, f, &f->srv) == 0)
			break;
	uv_async_init(&f->loop, &f->stop, on_stop);
	f->stop.data = f;
	f->send = bytes;
	f->send_len = len;
	pthread_create(&f->client, NULL, client_main, f);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	pthread_join(f->client, NULL);
	uv_loop_close(&f->loop);
}

static void parses_a_request(void **state)
{
	(void)state;
	fixture_t f;
	const char req[] = "POST /api/v1/x?code=123&y=%20z HTTP/1.1\r\nHost: example\r\n"
	                   "Cookie: a=b; inspraak_p=0123abcd\r\nContent-Length: 19\r\n\r\n"
	                   "value=a&value=b%2Bc";
	exchange(&f, req, sizeof req - 1);
	assert_string_equal(f.path, "/api/v1/x");
	assert_string_equal(f.query, "code=123&y=%20z");
	assert_string_equal(f.host, "example");
	assert_string_equal(f.cookie, "0123abcd");
	assert_string_equal(f.field, "b+c");
	assert_int_equal(f.method, HTTP_M_POST);
	assert_non_null(strstr(f.got.data, "HTTP/1.1 200 OK\r\n"));
	assert_non_null(strstr(f.got.data, "Content-Security-Policy: default-src 'self'"));
	buf_free(&f.got);
}

static void answers_pipelined_requests_in_order(void **state)
{
	(void)state;
	fixture_t f;
	const char req[] = "GET /one HTTP/1.1\r\nHost: a\r\n\r\nGET /two HTTP/1.1\r\nHost: a\r\n"
	                   "Connection: close\r\n\r\n";
	exchange(&f, req, sizeof req - 1);
	assert_string_equal(f.path, "/two");
	char *first = strstr(f.got.data, "HTTP/1.1 200");
	assert_non_null(first);
	assert_non_null(strstr(first + 1, "HTTP/1.1 200"));
	buf_free(&f.got);
}

/* Request memory is reused from one request to the next (http.c,
 * parse_get): a request must see nothing of the one before it, whether the
 * block before was kept (small) or let go (a body above 4 KiB). */
static void reused_request_memory_keeps_nothing_of_the_last(void **state)
{
	(void)state;
	fixture_t f;
	buf_t req = BUF_INIT;
	char big[6001];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_puts(&req, "POST /big HTTP/1.1\r\nHost: one\r\nCookie: inspraak_p=first\r\n"
	               "Content-Length: 6000\r\n\r\n");
	buf_puts(&req, big);
	buf_puts(&req, "POST /small?q=2 HTTP/1.1\r\nHost: two\r\nCookie: inspraak_p=second\r\n"
	               "Content-Length: 9\r\n\r\nvalue=a&b");
	buf_puts(&req, "GET /last HTTP/1.1\r\nConnection: close\r\n\r\n");
	exchange(&f, req.data, req.len);
	assert_string_equal(f.path, "/last");
	assert_string_equal(f.query, "");
	assert_string_equal(f.host, "");
	assert_string_equal(f.cookie, "");
	assert_string_equal(f.body, "");
	assert_int_equal(f.method, HTTP_M_GET);
	char *p = f.got.data;
	for (int i = 0; i < 3; i++) {
		p = strstr(p, "HTTP/1.1 200 OK\r\n");
		assert_non_null(p);
		p++;
	}
	buf_free(&f.got);
	buf_free(&req);
}

static void rejects_large_headers_with_431(void **state)
{
	(void)state;
	fixture_t f;
	buf_t b = BUF_INIT;
	buf_puts(&b, "GET / HTTP/1.1\r\nX-Big: ");
	for (int i = 0; i < HTTP_MAX_HEADER_BYTES + 10; i++)
		buf_putc(&b, 'a');
	buf_puts(&b, "\r\n\r\n");
	exchange(&f, b.data, b.len);
	assert_non_null(f.got.data);
	assert_memory_equal(f.got.data, "HTTP/1.1 431", 12);
	assert_string_equal(f.path, ""); /* the handler never ran */
	buf_free(&f.got);
	buf_free(&b);
}

static void rejects_large_bodies_with_413(void **state)
{
	(void)state;
	fixture_t f;
	char req[200];
	snprintf(req, sizeof req, "POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n",
	         HTTP_MAX_BODY + 1);
	exchange(&f, req, strlen(req));
	assert_non_null(f.got.data);
	assert_memory_equal(f.got.data, "HTTP/1.1 413", 12);
	buf_free(&f.got);
}

static void rejects_malformed_and_unknown_methods(void **state)
{
	(void)state;
	fixture_t f;
	const char bad[] = "GET / HTTP/1.1\r\nHost none\r\n\r\n";
	exchange(&f, bad, sizeof bad - 1);
	assert_non_null(f.got.data);
	assert_memory_equal(f.got.data, "HTTP/1.1 400", 12);
	buf_free(&f.got);
	const char patch[] = "PATCH / HTTP/1.1\r\nHost: a\r\n\r\n";
	exchange(&f, patch, sizeof patch - 1);
	assert_non_null(f.got.data);
	assert_memory_equal(f.got.data, "HTTP/1.1 405", 12);
	assert_non_null(strstr(f.got.data, "\r\nAllow: GET, HEAD, POST, PUT, DELETE\r\n"));
	assert_non_null(strstr(f.got.data, "\r\nConnection: close\r\n"));
	buf_free(&f.got);
	const char v2[] = "GET / HTTP/2.0\r\nHost: a\r\n\r\n";
	exchange(&f, v2, sizeof v2 - 1);
	assert_non_null(f.got.data);
	assert_memory_equal(f.got.data, "HTTP/1.1 505 HTTP Version Not Supported\r\n", 41);
	buf_free(&f.got);
}

/* Chunked request bodies are read (http-parser read them too), decoded. */
static void reads_a_chunked_body(void **state)
{
	(void)state;
	fixture_t f;
	const char req[] = "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
	                   "\r\n4\r\nvalu\r\n9;x=y\r\ne=a&value\r\n3\r\n=b2\r\n0\r\n\r\n";
	exchange(&f, req, sizeof req - 1);
	assert_string_equal(f.path, "/c");
	assert_string_equal(f.body, "value=a&value=b2");
	assert_string_equal(f.field, "b2");
	assert_memory_equal(f.got.data, "HTTP/1.1 200", 12);
	buf_free(&f.got);
}

static void decodes_form_fields(void **state)
{
	(void)state;
	char out[32];
	const char *s = "a=1&b=%C3%A9+x&b=2&c&d=%zz";
	assert_int_equal(http_form_field(s, strlen(s), "a", 0, out, sizeof out), 1);
	assert_string_equal(out, "1");
	assert_int_equal(http_form_field(s, strlen(s), "b", 0, out, sizeof out), 4);
	assert_string_equal(out, "\xc3\xa9 x");
	assert_int_equal(http_form_field(s, strlen(s), "b", 1, out, sizeof out), 1);
	assert_int_equal(http_form_field(s, strlen(s), "b", 2, out, sizeof out), -1);
	assert_int_equal(http_form_field(s, strlen(s), "c", 0, out, sizeof out), 0);
	assert_int_equal(http_form_field(s, strlen(s), "d", 0, out, sizeof out), -1);
	assert_int_equal(http_form_field("e=%4", 4, "e", 0, out, sizeof out), -1);
	assert_int_equal(http_form_field("f=toolong", 9, "f", 0, out, 4), -1);
}

/* Issue 11: static files are served precompressed by what the client
 * accepts; q=0 refuses a coding, "*" allows every one not refused. */
static void reads_accept_encoding(void **state)
{
	(void)state;
	assert_int_equal(http_accept_encoding(NULL), 0);
	assert_int_equal(http_accept_encoding(""), 0);
	assert_int_equal(http_accept_encoding("gzip, deflate, br"), HTTP_ENC_GZIP | HTTP_ENC_BR);
	assert_int_equal(http_accept_encoding("gzip, deflate"), HTTP_ENC_GZIP);
	assert_int_equal(http_accept_encoding("BR"), HTTP_ENC_BR);
	assert_int_equal(http_accept_encoding("br;q=0, gzip;q=0.5"), HTTP_ENC_GZIP);
	assert_int_equal(http_accept_encoding("br; q=0.000 ,gzip"), HTTP_ENC_GZIP);
	assert_int_equal(http_accept_encoding("br;q=0.01"), HTTP_ENC_BR);
	assert_int_equal(http_accept_encoding("*"), HTTP_ENC_GZIP | HTTP_ENC_BR);
	assert_int_equal(http_accept_encoding("*, gzip;q=0"), HTTP_ENC_BR);
	assert_int_equal(http_accept_encoding("*;q=0"), 0);
	assert_int_equal(http_accept_encoding("gzipx, brotli, identity"), 0);
	assert_int_equal(http_accept_encoding(",,, ;q=1,"), 0);
}

/* ---- the parser alone (src/net/http_parse.c), through http_feed.h ---- */

/* Two pipelined requests of every shape a client sends: a form with a
 * Content-Length body, a chunked body with an extension and a trailer, and
 * a bodiless HTTP/1.0 request, after an empty line that is skipped. */
static const char SAMPLE[] =
    "\r\nPOST /api/v1/x?code=1&a=%20 HTTP/1.1\r\nHost: example\r\n"
    "Cookie: a=b; inspraak_p=0123\r\nX-Empty:\r\nX-Blank: \t  \r\nX-Pad:  v  w \t\r\n"
    "X-Long: \xc3\xa9t\xc3\xa9\t0123456789abcdef~!\r\n"
    "Content-Length: 9\r\n\r\nvalue=a&b"
    "PUT /c HTTP/1.1\r\ntransfer-encoding: Chunked\r\nConnection: x, Close\r\n\r\n"
    "3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n"
    "GET /d?e HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    "HEAD / HTTP/1.0\r\n\r\nGET /partial HTTP/1.1\r\nHo";

static void feed(const char *in, size_t n, size_t step, size_t cut, buf_t *out)
{
	out->len = 0;
	feed_pieces(in, n, step, cut, NULL, out);
}

static void parser_gives_the_same_requests_at_every_split(void **state)
{
	(void)state;
	size_t n = sizeof SAMPLE - 1;
	buf_t whole = BUF_INIT, other = BUF_INIT;
	feed(SAMPLE, n, n, 0, &whole);
	assert_string_equal(whole.data, "2 /api/v1/x ? code=1&a=%20\n"
	                                "[Host] [example]\n"
	                                "[Cookie] [a=b; inspraak_p=0123]\n"
	                                "[X-Empty] []\n"
	                                "[X-Blank] []\n"
	                                "[X-Pad] [v  w]\n"
	                                "[X-Long] [\xc3\xa9t\xc3\xa9\t0123456789abcdef~!]\n"
	                                "[Content-Length] [9]\n"
	                                "body 9 [value=a&b] nul 1 keep 1\n"
	                                "3 /c ? \n"
	                                "[transfer-encoding] [Chunked]\n"
	                                "[Connection] [x, Close]\n"
	                                "body 13 [abc0123456789] nul 1 keep 0\n"
	                                "0 /d ? e\n"
	                                "[Connection] [keep-alive]\n"
	                                "body 0 [] nul 1 keep 1\n"
	                                "1 / ? \n"
	                                "body 0 [] nul 1 keep 0\n"
	                                "end inside\n");
	feed(SAMPLE, n, 1, 0, &other);
	assert_string_equal(other.data, whole.data);
	for (size_t cut = 0; cut <= n; cut++) {
		feed(SAMPLE, n, 0, cut, &other);
		if (strcmp(other.data, whole.data) != 0)
			fail_msg("split at %zu:\n%s\nwhole:\n%s", cut, other.data, whole.data);
	}
	buf_free(&whole);
	buf_free(&other);
}

static size_t small_limit(const char *url, size_t len)
{
	(void)url;
	(void)len;
	return 0; /* raised to HTTP_MAX_BODY by the parser */
}

static size_t big_limit(const char *url, size_t len)
{
	(void)url;
	(void)len;
	return 1 << 20;
}

/* Every refusal, whole and byte by byte: the same status. */
static void parser_refuses_what_it_must(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int status;
	} cases[] = {
	    /* line ends and folding */
	    {"GET / HTTP/1.1\nHost: a\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nHost: a\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nHost: a\r\n\n", 400},
	    {"GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\n\tX: a\r\n\r\n", 400},
	    /* header names and values */
	    {"GET / HTTP/1.1\r\nHost a\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\n: a\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nX(y): a\r\n\r\n", 400},
	    {"GET / HTTP/1.1\r\nX: a\x01"
	     "b\r\n\r\n",
	     400},
	    {"GET / HTTP/1.1\r\nX: a\x7f\r\n\r\n", 400},
	    /* the same in the middle of long values (eight bytes at a time) */
	    {"GET / HTTP/1.1\r\nX: 0123456789abcdef\x1f"
	     "0123456789abcdef\r\n\r\n",
	     400},
	    {"GET / HTTP/1.1\r\nX: 0123456789abcdef\t\x7f"
	     "0123456789abcdef\r\n\r\n",
	     400},
	    {"GET /0123456789abcdef\t0123456789abcdef HTTP/1.1\r\n\r\n", 400},
	    {"GET /0123456789abcdef\x7f"
	     "0123456789abcdef HTTP/1.1\r\n\r\n",
	     400},
	    /* the request line */
	    {"GET /\r\n\r\n", 400},
	    {"GET  / HTTP/1.1\r\n\r\n", 400},
	    {"GET /a b HTTP/1.1\r\n\r\n", 400},
	    {"GET /\x01 HTTP/1.1\r\n\r\n", 400},
	    {"GET / HTTP/1.1 \r\n\r\n", 400},
	    {"GET / HTTP/1.10\r\n\r\n", 400},
	    {"GET / http/1.1\r\n\r\n", 400},
	    {"\x16\x03\x01\x02\x01\xfc\x03\x03\r\n", 400},
	    {"GET / HTTP/2.0\r\n\r\n", 505},
	    {"GET / HTTP/0.9\r\n\r\n", 505},
	    {"BREW / HTTP/1.1\r\n\r\n", 405},
	    {"PATCH / HTTP/1.1\r\n\r\n", 405},
	    {"get / HTTP/1.1\r\n\r\n", 405},
	    /* framing of the body */
	    {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nab", 400},
	    {"POST / HTTP/1.1\r\nContent-Length: 1a\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
	     400},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n", 400},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n\r\n", 400},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\n", 400},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", 400},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1;\x01\r\n", 400},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\n", 400},
	    /* limits */
	    {"POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n", 413},
	    {"POST / HTTP/1.1\r\nContent-Length: 1000000000000000000000\r\n\r\n", 413},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n10001\r\n", 413},
	    {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n", 413},
	};
	buf_t out = BUF_INIT;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = strlen(cases[i].in);
		for (size_t step = 1; step <= n; step += n - 1) {
			out.len = 0;
			int rc = feed_pieces(cases[i].in, n, step, 0, small_limit, &out);
			if (rc != -cases[i].status)
				fail_msg("case %zu (step %zu): %d, not -%d:\n%s", i, step, rc,
				         cases[i].status, out.data ? out.data : "");
			if (n == 1)
				break;
		}
	}
	buf_free(&out);
}

/* The limits of the head (431): counted bytes, header count, raw size. */
static void parser_bounds_the_head(void **state)
{
	(void)state;
	buf_t in = BUF_INIT, out = BUF_INIT;
	/* 8192 bytes of URL, names and values pass; one more does not */
	buf_puts(&in, "GET /");
	for (int i = 0; i < HTTP_MAX_HEADER_BYTES - 2 - 1; i++)
		buf_putc(&in, 'u');
	buf_puts(&in, " HTTP/1.1\r\nX:\r\n\r\n");
	assert_int_equal(feed_pieces(in.data, in.len, in.len, 0, NULL, &out), 0);
	assert_non_null(strstr(out.data, "end between"));
	in.len = 0;
	buf_puts(&in, "GET /");
	for (int i = 0; i < HTTP_MAX_HEADER_BYTES - 2; i++)
		buf_putc(&in, 'u');
	buf_puts(&in, " HTTP/1.1\r\nXY:\r\n\r\n");
	assert_int_equal(feed_pieces(in.data, in.len, in.len, 0, NULL, &out), -431);
	/* 64 headers pass, 65 do not */
	for (int extra = 0; extra < 2; extra++) {
		in.len = 0;
		buf_puts(&in, "GET / HTTP/1.1\r\n");
		for (int i = 0; i < HTTP_MAX_HEADERS + extra; i++)
			buf_puts(&in, "A: b\r\n");
		buf_puts(&in, "\r\n");
		assert_int_equal(feed_pieces(in.data, in.len, 7, 0, NULL, &out), extra ? -431 : 0);
	}
	/* blanks are not kept but still bounded */
	in.len = 0;
	buf_puts(&in, "GET / HTTP/1.1\r\nA:");
	for (int i = 0; i < 2 * HTTP_MAX_HEADER_BYTES; i++)
		buf_putc(&in, ' ');
	buf_puts(&in, "b\r\n\r\n");
	assert_int_equal(feed_pieces(in.data, in.len, 1000, 0, NULL, &out), -431);
	/* and so are empty lines before the request */
	in.len = 0;
	for (int i = 0; i < HTTP_MAX_HEADER_BYTES; i++)
		buf_puts(&in, "\r\n");
	buf_puts(&in, "GET / HTTP/1.1\r\n\r\n");
	assert_int_equal(feed_pieces(in.data, in.len, in.len, 0, NULL, &out), -431);
	/* leading zeros of a length do not make it large */
	in.len = 0;
	buf_puts(&in, "POST / HTTP/1.1\r\nContent-Length: 00000000000000000000002\r\n\r\nabGET / "
	              "HTTP/1.1\r\n\r\n");
	out.len = 0;
	assert_int_equal(feed_pieces(in.data, in.len, 3, 0, NULL, &out), 0);
	assert_non_null(strstr(out.data, "body 2 [ab]"));
	assert_non_null(strstr(out.data, "end between"));
	/* a path's own limit lets a larger body through (uploads) */
	in.len = 0;
	buf_printf(&in, "POST / HTTP/1.1\r\nContent-Length: %d\r\n\r\n", HTTP_MAX_BODY + 1);
	for (int i = 0; i <= HTTP_MAX_BODY; i++)
		buf_putc(&in, 'x');
	assert_int_equal(feed_pieces(in.data, in.len, 4096, 0, NULL, &out), -413);
	out.len = 0;
	assert_int_equal(feed_pieces(in.data, in.len, 4096, 0, big_limit, &out), 0);
	assert_non_null(strstr(out.data, "body 65537 [xxx"));
	buf_free(&in);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parser_gives_the_same_requests_at_every_split),
	    cmocka_unit_test(parser_refuses_what_it_must),
	    cmocka_unit_test(parser_bounds_the_head),
	    cmocka_unit_test(parses_a_request),
	    cmocka_unit_test(answers_pipelined_requests_in_order),
	    cmocka_unit_test(reused_request_memory_keeps_nothing_of_the_last),
	    cmocka_unit_test(rejects_large_headers_with_431),
	    cmocka_unit_test(rejects_large_bodies_with_413),
	    cmocka_unit_test(rejects_malformed_and_unknown_methods),
	    cmocka_unit_test(reads_a_chunked_body),
	    cmocka_unit_test(decodes_form_fields),
	    cmocka_unit_test(reads_accept_encoding),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
