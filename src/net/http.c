/*
 * http: connections, request parsing and responses on the libuv loop.
 * See http.h for the contract and sse.c for event streams.
 *
 * Life of a connection: accepted -> reading (parser fed from the shared
 * read buffer) -> request complete -> reading stops, handler runs ->
 * response written -> request memory freed -> reading again (keep-alive) or
 * closed. Timeouts are checked by one sweep timer per server over the
 * connections that are in a request or idle, never one timer each.
 */
#include "net/http_internal.h"

#include <assert.h>
#include <ctype.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/map.h"
#include "util/metrics.h"
#include "util/xalloc.h"

/* One read buffer for the whole loop: data is parsed before the next read. */
static char read_buffer[64 * 1024];

static const char SECURITY_HEADERS[] = HTTP_SECURITY_HEADERS;
const char *http__security_headers = SECURITY_HEADERS;
static char security_widened[sizeof SECURITY_HEADERS + HTTP_ORIGIN_MAX + 2];
static size_t security_len = sizeof SECURITY_HEADERS - 1; /* of http__security_headers */

static void conn_close(http_conn_t *c);
static void conn_resume(http_conn_t *c);
static void read_stop(http_conn_t *c);
static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b);

/* ---- the sweep list: connections whose deadline matters ---- */

static void sweep_remove(http_conn_t *c)
{
	if (!c->in_sweep)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->srv->sweep_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
	c->in_sweep = false;
}

static void sweep_add(http_conn_t *c, uint64_t deadline)
{
	c->deadline = deadline;
	if (c->in_sweep)
		return;
	c->next = c->srv->sweep_head;
	c->prev = NULL;
	if (c->next)
		c->next->prev = c;
	c->srv->sweep_head = c;
	c->in_sweep = true;
}

/* ---- request memory ---- */

/*
 * A request's parse state, its request struct and its bytes are one block
 * (struct http_parse), taken when a message begins and given back when the
 * request is answered. Given-back blocks wait on a free list, keeping their
 * byte buffer, so that a stream of answers runs without malloc or free per
 * request (three allocations and a 1 KiB memset each before). Only the loop
 * thread touches the list. The list is bounded (PARSE_SPARE blocks) and a
 * block that grew for a large body gives its bytes back at once, so the
 * memory kept is at most about PARSE_SPARE * 3 KiB.
 */
enum { PARSE_SPARE = 128, PARSE_KEEP_BYTES = 4096, PARSE_FIRST_BYTES = 1024 };

static struct http_parse *parse_free;
static size_t parse_n_free;

static struct http_parse *parse_get(void)
{
	struct http_parse *ps = parse_free;
	if (!ps) {
		ps = xmalloc(sizeof *ps);
		ps->raw = (buf_t)BUF_INIT;
		/* most requests fit: no growing step by step */
		buf_reserve(&ps->raw, PARSE_FIRST_BYTES);
	} else {
		parse_free = ps->next_free;
		parse_n_free--;
	}
	ps->next_free = NULL;
	return ps;
}

static void parse_put(struct http_parse *ps)
{
	if (ps->raw.cap > PARSE_KEEP_BYTES || parse_n_free >= PARSE_SPARE) {
		buf_free(&ps->raw);
		free(ps);
		return;
	}
	ps->next_free = parse_free;
	parse_free = ps;
	parse_n_free++;
}

void http_request_release(http_request_t *r)
{
	if (r)
		parse_put((struct http_parse *)((char *)r - offsetof(struct http_parse, req)));
}

static void request_free(http_request_t *r)
{
	http_request_release(r);
}

static void conn_reset_parse(http_conn_t *c)
{
	if (c->ps) {
		parse_put(c->ps);
		c->ps = NULL;
	}
	c->in_message = false;
}

/* ---- writing ---- */

static void write_done(uv_write_t *w, int status)
{
	http_write_t *hw = (http_write_t *)w;
	http_conn_t *c = hw->conn;
	free(hw);
	c->writes--;
	if (status < 0) {
		conn_close(c);
		return;
	}
	if (c->close_after_write && c->writes == 0)
		conn_close(c);
}

/* Writes bytes the connection owns no more after this call (copied when
 * they cannot go out at once). */
void http_conn_write(http_conn_t *c, const char *data, size_t len)
{
	if (c->closing)
		return;
	if (c->writes == 0) {
		uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
		int n = uv_try_write((uv_stream_t *)&c->tcp, &b, 1);
		if (n == (int)len)
			return;
		if (n < 0 && n != UV_EAGAIN) {
			conn_close(c);
			return;
		}
		if (n > 0) {
			data += n;
			len -= (size_t)n;
		}
	}
	http_write_t *hw = xmalloc(sizeof *hw + len);
	hw->conn = c;
	memcpy(hw->data, data, len);
	uv_buf_t b = uv_buf_init(hw->data, (unsigned)len);
	c->writes++;
	if (uv_write(&hw->req, (uv_stream_t *)&c->tcp, &b, 1, write_done) < 0) {
		c->writes--;
		free(hw);
		conn_close(c);
	}
}

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
}

/* Writes a response on the connection without a request object (errors
 * found while parsing). */
static void conn_send(http_conn_t *c, int status, const char *content_type,
                      const char *extra_headers, const void *body, size_t len, bool head_only)
{
	/* One buffer for every response of the loop: http_conn_write copies
	 * what cannot go out at once, so it is free again on return. It keeps
	 * its memory up to SEND_KEEP_BYTES between responses. */
	enum { SEND_KEEP_BYTES = 16 * 1024 };
	static buf_t b = BUF_INIT;
	b.len = 0;
	buf_reserve(&b, sizeof security_widened + 256 +
	                    (extra_headers ? strlen(extra_headers) : 0) + (head_only ? 0 : len));
	/* Put together by appending: this runs for every response, so the
	 * constant parts go in by their known lengths, without strlen. */
#define PUT(lit) buf_append(&b, lit, sizeof lit - 1)
	char num[24];
	char *p = num + sizeof num;
	unsigned code = status >= 100 && status <= 999 ? (unsigned)status : 500;
	metrics_inc(METRIC_HTTP_RESPONSES);
	if (status == 429)
		metrics_inc(METRIC_HTTP_429);
	char line[13] = "HTTP/1.1 000 "; /* no NUL: appended by length */
	line[9] = (char)('0' + code / 100);
	line[10] = (char)('0' + code / 10 % 10);
	line[11] = (char)('0' + code % 10);
	buf_append(&b, line, sizeof line);
	buf_puts(&b, http_status_text(status));
	PUT("\r\n");
	buf_append(&b, http__security_headers, security_len);
	if (!extra_headers || !strstr(extra_headers, "Cache-Control:"))
		PUT("Cache-Control: no-store\r\n");
	if (extra_headers)
		buf_puts(&b, extra_headers);
	if (content_type) {
		PUT("Content-Type: ");
		buf_puts(&b, content_type);
		PUT("\r\n");
	}
	size_t v = len;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	PUT("Content-Length: ");
	buf_append(&b, p, (size_t)(num + sizeof num - p));
	PUT("\r\n");
	if (!c->keep_alive)
		PUT("Connection: close\r\n");
	PUT("\r\n");
#undef PUT
	if (!head_only)
		buf_append(&b, body, len);
	http_conn_write(c, b.data, b.len);
	if (b.cap > SEND_KEEP_BYTES)
		buf_free(&b);
}

void http_respond(http_request_t *req, int status, const char *content_type,
                  const char *extra_headers, const void *body, size_t len)
{
	http_conn_t *c = req->conn;
	bool head = req->method == HTTP_M_HEAD;
	if (!c) { /* the peer went away while the answer was being made */
		request_free(req);
		return;
	}
	assert(c->req == req);
	c->req = NULL;
	/* body may point into the request: free it only after sending */
	conn_send(c, status, content_type, extra_headers, body, len, head);
	request_free(req);
	if (!c->keep_alive) {
		if (c->writes == 0)
			conn_close(c);
		else
			c->close_after_write = true;
		return;
	}
	conn_resume(c);
}

void http_respond_json(http_request_t *req, int status, json_t *json, const char *extra_headers)
{
	char *s = json_dumps(json, JSON_COMPACT);
	json_decref(json);
	if (!s) {
		http_respond(req, 500, "text/plain", NULL, "out of memory\n", 14);
		return;
	}
	http_respond(req, status, "application/json; charset=utf-8", extra_headers, s, strlen(s));
	free(s);
}

void http_respond_error(http_request_t *req, int status, const char *code, const char *message,
                        const char *extra_headers)
{
	http_respond_json(req, status, json_pack("{s:s, s:s}", "error", message, "code", code),
	                  extra_headers);
}

/* A protocol error found while parsing: answer and close. */
static void conn_fail(http_conn_t *c, int status)
{
	const char *msg, *code;
	switch (status) {
	case 405: msg = "method not allowed", code = "method_not_allowed"; break;
	case 408: msg = "request took too long", code = "bad_request"; break;
	case 413: msg = "request body too large", code = "too_long"; break;
	case 431: msg = "request headers too large", code = "headers_too_large"; break;
	case 505: msg = "HTTP version not supported", code = "version_not_supported"; break;
	default: status = 400, msg = "malformed request", code = "bad_request"; break;
	}
	c->keep_alive = false;
	char body[256];
	int n = snprintf(body, sizeof body, "{\"error\":\"%s\",\"code\":\"%s\"}", msg, code);
	conn_send(c, status, "application/json; charset=utf-8",
	          status == 405 ? "Allow: GET, HEAD, POST, PUT, DELETE\r\n" : NULL, body, (size_t)n,
	          false);
	c->close_after_write = true;
	if (c->writes == 0)
		conn_close(c);
	else
		read_stop(c);
}

/* ---- reading and parsing ---- */

/* The connection keeps reading between requests and while one is answered:
 * stopping and starting costs two epoll_ctl calls per request. */
static void read_start(http_conn_t *c)
{
	if (c->reading || c->closing)
		return;
	c->reading = true;
	uv_read_start((uv_stream_t *)&c->tcp, http_alloc, on_read);
}

static void read_stop(http_conn_t *c)
{
	if (!c->reading)
		return;
	c->reading = false;
	uv_read_stop((uv_stream_t *)&c->tcp);
}

/* Feeds bytes to the parser; keeps what is left when a request completed. */
static void conn_parse(http_conn_t *c, const char *data, size_t len)
{
	if (!c->ps) {
		c->ps = parse_get();
		http__parse_start(c->ps, c->srv->body_limit);
		c->in_message = true;
		/* The headers and body must arrive within the timeout from
		 * the first byte: a client sending one byte a second is cut
		 * off. */
		sweep_add(c, uv_now(c->srv->loop) + HTTP_HEADER_TIMEOUT_MS);
	}
	size_t used = 0;
	int rc = http__parse(c->ps, data, len, &used);
	if (rc == HTTP__PARSE_MORE)
		return;
	if (rc < 0) {
		conn_fail(c, -rc);
		return;
	}
	/* One request at a time: the rest waits for the response. */
	if (used < len)
		buf_append(&c->leftover, data + used, len - used);
	sweep_remove(c);
	/* The request and its bytes stay in the block, which the request
	 * owns from here on (request_free gives it back). */
	http_request_t *r = &c->ps->req;
	r->conn = c;
	c->keep_alive = c->ps->keep_alive;
	c->req = r;
	c->in_message = false;
	c->ps = NULL;
	c->srv->handler(r, c->srv->ctx);
}

/* After a response: parse what was left over, then read again. */
static void conn_resume(http_conn_t *c)
{
	if (c->closing || c->sse)
		return;
	if (c->leftover.len) {
		buf_t left = c->leftover;
		c->leftover = (buf_t)BUF_INIT;
		conn_parse(c, left.data, left.len);
		buf_free(&left);
		if (c->req || c->closing)
			return;
	}
	if (c->peer_eof) { /* the peer sent all it will; nothing is left to answer */
		conn_close(c);
		return;
	}
	if (!c->in_message)
		sweep_add(c, uv_now(c->srv->loop) + HTTP_IDLE_TIMEOUT_MS);
	read_start(c);
}

void http_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	(void)h;
	(void)suggested;
	*b = uv_buf_init(read_buffer, sizeof read_buffer);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
	http_conn_t *c = s->data;
	if (n == UV_EOF && c->req) {
		/* A client may half-close after its request: answer it first. */
		c->peer_eof = true;
		read_stop(c);
		return;
	}
	if (n < 0) {
		conn_close(c);
		return;
	}
	if (n == 0)
		return;
	if (c->sse) /* streams only listen for the close */
		return;
	if (c->req) {
		/* Pipelined bytes while the handler answers: kept for after the
		 * response, up to a bound, then the socket waits. */
		buf_append(&c->leftover, b->base, (size_t)n);
		if (c->leftover.len >= HTTP_MAX_PIPELINED)
			read_stop(c);
		return;
	}
	conn_parse(c, b->base, (size_t)n);
}

/* ---- connection life ---- */

static void on_closed(uv_handle_t *h)
{
	http_conn_t *c = h->data;
	http_server_t *srv = c->srv;
	srv->n_conns--;
	free(c);
	if (srv->closing && srv->n_conns == 0 && srv->listener_closed)
		free(srv);
}

static void conn_close(http_conn_t *c)
{
	if (c->closing)
		return;
	c->closing = true;
	sweep_remove(c);
	if (c->req) {
		/* The handler still owns the request; it answers into the void. */
		c->req->conn = NULL;
		c->req = NULL;
	}
	if (c->sse)
		sse_detach(c->sse);
	conn_reset_parse(c);
	buf_free(&c->leftover);
	uv_close((uv_handle_t *)&c->tcp, on_closed);
}

void http_conn_close(http_conn_t *c)
{
	conn_close(c);
}

void http_conn_read_start(http_conn_t *c)
{
	read_start(c);
}

static http_conn_t *conn_new(http_server_t *srv)
{
	http_conn_t *c = xcalloc(1, sizeof *c);
	c->srv = srv;
	uv_tcp_init(srv->loop, &c->tcp);
	c->tcp.data = c;
	srv->n_conns++;
	return c;
}

static void conn_start(http_conn_t *c)
{
	c->keep_alive = true;
	sweep_add(c, uv_now(c->srv->loop) + HTTP_HEADER_TIMEOUT_MS);
	read_start(c);
}

static void on_connection(uv_stream_t *server, int status)
{
	http_server_t *srv = server->data;
	if (status < 0)
		return;
	http_conn_t *c = conn_new(srv);
	if (uv_accept(server, (uv_stream_t *)&c->tcp) < 0) {
		conn_close(c);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	conn_start(c);
}

int http_serve_fd(http_server_t *srv, int fd)
{
	http_conn_t *c = conn_new(srv);
	int rc = uv_tcp_open(&c->tcp, fd);
	if (rc < 0) {
		conn_close(c);
		return rc;
	}
	conn_start(c);
	return 0;
}

static void on_sweep(uv_timer_t *t)
{
	http_server_t *srv = t->data;
	uint64_t now = uv_now(srv->loop);
	http_conn_t *c = srv->sweep_head;
	while (c) {
		http_conn_t *next = c->next;
		if (c->deadline <= now) {
			if (c->in_message)
				conn_fail(c, 408);
			else
				conn_close(c);
		}
		c = next;
	}
	sse_keepalive_tick(now);
}

static void free_on_close(uv_handle_t *h)
{
	free(h->data);
}

int http_listen(uv_loop_t *loop, const char *host, int port, http_handler_fn handler, void *ctx,
                http_server_t **out)
{
	struct sockaddr_storage addr;
	int rc;
	if (strchr(host, ':'))
		rc = uv_ip6_addr(host, port, (struct sockaddr_in6 *)&addr);
	else
		rc = uv_ip4_addr(host, port, (struct sockaddr_in *)&addr);
	if (rc < 0)
		return rc;
	http_server_t *srv = xcalloc(1, sizeof *srv);
	srv->loop = loop;
	srv->handler = handler;
	srv->ctx = ctx;
	uv_tcp_init(loop, &srv->listener);
	srv->listener.data = srv;
	rc = uv_tcp_bind(&srv->listener, (const struct sockaddr *)&addr, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&srv->listener, 4096, on_connection);
	if (rc < 0) {
		/* The handle is the loop's until its close has run: the struct
		 * is freed then, when the caller runs the loop (a caller trying
		 * the next port does; one that exits loses nothing). */
		srv->closing = true;
		uv_close((uv_handle_t *)&srv->listener, free_on_close);
		return rc;
	}
	uv_timer_init(loop, &srv->sweep);
	srv->sweep.data = srv;
	uv_timer_start(&srv->sweep, on_sweep, 1000, 1000);
	*out = srv;
	return 0;
}

static void on_listener_closed(uv_handle_t *h)
{
	http_server_t *srv = h->data;
	srv->listener_closed = true;
	if (srv->n_conns == 0)
		free(srv);
}

static void close_walk(uv_handle_t *h, void *arg)
{
	http_server_t *srv = arg;
	if (h->type == UV_TCP && h != (uv_handle_t *)&srv->listener && !uv_is_closing(h)) {
		http_conn_t *c = h->data;
		if (c && c->srv == srv)
			conn_close(c);
	}
}

void http_close(http_server_t *srv)
{
	srv->closing = true;
	uv_timer_stop(&srv->sweep);
	uv_close((uv_handle_t *)&srv->sweep, NULL);
	uv_walk(srv->loop, close_walk, srv);
	uv_close((uv_handle_t *)&srv->listener, on_listener_closed);
}

size_t http_connections(const http_server_t *srv)
{
	return srv->n_conns;
}

void http_set_body_limit(http_server_t *srv, size_t (*fn)(const char *url, size_t len))
{
	srv->body_limit = fn;
}

/* ---- request helpers ---- */

static bool addr_loopback(const struct sockaddr_storage *sa)
{
	if (sa->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	return sa->ss_family == AF_INET6 &&
	       (IN6_IS_ADDR_LOOPBACK(a6) || (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127));
}

/* The digest of an address: keyed, so that no one outside can aim at a
 * slot of the budgets' tables; with the key nodes share (http.h) when set,
 * else one random per process (map_hash). Set once, before serving. */
static unsigned char peer_key[crypto_shorthash_KEYBYTES];
static bool peer_key_set;

void http_set_peer_key(const unsigned char key[16])
{
	memcpy(peer_key, key, sizeof peer_key);
	peer_key_set = true;
}

static uint64_t peer_hash(const void *p, size_t n)
{
	if (!peer_key_set)
		return map_hash(p, n);
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;
	crypto_shorthash(out, p, n, peer_key);
	memcpy(&h, out, sizeof h);
	return map_key(h);
}

/*
 * Behind a proxy on the same host (docs/deploy.md) every peer is loopback,
 * so the budgets per address would make one budget of everyone's: a few
 * wrong logins anywhere would lock every login. From a loopback peer, the
 * address the proxy sets in X-Real-IP counts instead. Anyone who can reach
 * the loopback interface is on this machine already.
 */
uint64_t http_peer_key(const http_request_t *req)
{
	http_conn_t *c = req->conn;
	if (!c)
		return 0;
	if (!c->peer) { /* a connection keeps its peer: asked once, not per request */
		struct sockaddr_storage sa;
		int len = sizeof sa;
		if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&sa, &len) != 0)
			return 0;
		const unsigned char *p;
		size_t n;
		if (sa.ss_family == AF_INET6) {
			p = ((struct sockaddr_in6 *)&sa)->sin6_addr.s6_addr;
			n = 16;
		} else {
			p = (const unsigned char *)&((struct sockaddr_in *)&sa)->sin_addr;
			n = 4;
		}
		c->peer = peer_hash(p, n); /* keyed: addresses key the budgets' tables */
		c->peer_loopback = addr_loopback(&sa);
	}
	const char *real = c->peer_loopback ? http_header(req, "X-Real-IP") : NULL;
	if (real && *real) {
		char k[80];
		int n = snprintf(k, sizeof k, "fwd:%s", real);
		return peer_hash(k, (size_t)n < sizeof k ? (size_t)n : sizeof k - 1);
	}
	return c->peer;
}

/* One element of Accept-Encoding: "token" [";" "q=" qvalue], spaces around. */
static unsigned accept_one(const char *p, size_t n)
{
	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	size_t t = 0;
	while (t < n && p[t] != ';' && p[t] != ' ' && p[t] != '\t')
		t++;
	unsigned bits = t == 4 && strncasecmp(p, "gzip", 4) == 0 ? HTTP_ENC_GZIP
	                : t == 2 && strncasecmp(p, "br", 2) == 0 ? HTTP_ENC_BR
	                : t == 1 && p[0] == '*'                  ? HTTP_ENC_GZIP | HTTP_ENC_BR
	                                                         : 0;
	/* q=0, q=0.0, q=0.00, q=0.000 refuse; any other weight accepts */
	const char *q = memchr(p, ';', n);
	if (bits && q) {
		size_t rest = n - (size_t)(q - p) - 1;
		q++;
		while (rest && (*q == ' ' || *q == '\t'))
			q++, rest--;
		if (rest >= 3 && (q[0] == 'q' || q[0] == 'Q') && q[1] == '=' && q[2] == '0') {
			size_t i = 3;
			if (i < rest && q[i] == '.')
				for (i++; i < rest && q[i] == '0'; i++)
					;
			while (i < rest && (q[i] == ' ' || q[i] == '\t'))
				i++;
			if (i == rest)
				bits = 0;
		}
	}
	return bits;
}

unsigned http_accept_encoding(const char *value)
{
	unsigned yes = 0, no = 0;
	if (!value)
		return 0;
	for (const char *p = value;;) {
		size_t n = strcspn(p, ",");
		unsigned bits = accept_one(p, n);
		/* "gzip;q=0" refuses gzip even when "*" allowed it */
		if (bits)
			yes |= bits;
		else if (n) {
			unsigned named = accept_one(p, strcspn(p, ";,"));
			if (!(named == (HTTP_ENC_GZIP | HTTP_ENC_BR)))
				no |= named;
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	return yes & ~no;
}

bool http_peer_loopback(const http_request_t *req)
{
	struct sockaddr_storage sa;
	int len = sizeof sa;
	if (!req->conn || uv_tcp_getpeername(&req->conn->tcp, (struct sockaddr *)&sa, &len) != 0)
		return false;
	return addr_loopback(&sa);
}

const char *http_header(const http_request_t *req, const char *name)
{
	for (size_t i = 0; i < req->n_headers; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

int http_cookie(const http_request_t *req, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i < req->n_headers; i++) {
		/* the first letters first ("Content-..." differs at the
		 * third): this runs on every participant's request, over all
		 * its headers; each test stops at a name's NUL */
		const char *hn = req->headers[i].name;
		if ((hn[0] | 0x20) != 'c' || (hn[1] | 0x20) != 'o' || (hn[2] | 0x20) != 'o' ||
		    strcasecmp(hn, "Cookie") != 0)
			continue;
		const char *p = req->headers[i].value;
		while (*p) {
			while (*p == ' ' || *p == ';')
				p++;
			const char *eq = strchr(p, '=');
			const char *end = strchr(p, ';');
			if (!end)
				end = p + strlen(p);
			if (eq && eq < end && (size_t)(eq - p) == nl && memcmp(p, name, nl) == 0) {
				size_t vl = (size_t)(end - eq - 1);
				if (vl + 1 > outlen)
					return HTTP_ABSENT;
				memcpy(out, eq + 1, vl);
				out[vl] = '\0';
				return (int)vl;
			}
			p = end;
		}
	}
	return HTTP_ABSENT;
}

/* The value of a hex digit, or -1 for any other character. */
static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Decodes a percent-encoded form value (with '+' for space); its length, or
 * HTTP_ABSENT when it is malformed or does not fit. */
static int form_decode(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch == '+') {
			ch = ' ';
		} else if (ch == '%') {
			if (i + 2 >= n)
				return HTTP_ABSENT;
			int hi = hexval((unsigned char)s[i + 1]);
			int lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return HTTP_ABSENT;
			ch = (char)(hi * 16 + lo);
			i += 2;
		}
		if (o + 1 >= outlen)
			return HTTP_ABSENT;
		out[o++] = ch;
	}
	out[o] = '\0';
	return (int)o;
}

int http_form_field(const char *s, size_t n, const char *name, size_t index, char *out,
                    size_t outlen)
{
	size_t nl = strlen(name), seen = 0, i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '&')
			j++;
		const char *eq = memchr(s + i, '=', j - i);
		size_t keylen = eq ? (size_t)(eq - (s + i)) : j - i;
		if (keylen == nl && memcmp(s + i, name, nl) == 0) {
			if (seen++ == index) {
				if (!eq) {
					if (outlen == 0)
						return HTTP_ABSENT;
					out[0] = '\0';
					return 0;
				}
				return form_decode(eq + 1, (size_t)(s + j - eq - 1), out, outlen);
			}
		}
		i = j + 1;
	}
	return HTTP_ABSENT;
}

int http_query(const http_request_t *req, const char *name, char *out, size_t outlen)
{
	return http_form_field(req->query, strlen(req->query), name, 0, out, outlen);
}

int http_csp_img_src(const char *origin)
{
	size_t n = strlen(origin);
	if (n == 0 || n > HTTP_ORIGIN_MAX)
		return UV_EINVAL;
	/* The origin goes into a header: a byte that ends the directive, the
	 * line or the value (';', ',', quotes, spaces, controls) would let it
	 * change the policy, so only the bytes of scheme://host:port pass. */
	for (size_t i = 0; i < n; i++) {
		char ch = origin[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr(".-:/[]", ch)))
			return UV_EINVAL;
	}
	int len = snprintf(security_widened, sizeof security_widened, "%s %s%s", HTTP_CSP_HEAD,
	                   origin, HTTP_CSP_TAIL);
	security_len = (size_t)len;
	http__security_headers = security_widened;
	return 0;
}
