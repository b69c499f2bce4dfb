/*
 * http_internal: what http.c and sse.c share and nobody else sees.
 */
#ifndef INSPRAAK_HTTP_INTERNAL_H
#define INSPRAAK_HTTP_INTERNAL_H

#include "net/http.h"
#include "util/buf.h"

/* Sent on every response, event streams included (docs/security.md): the
 * policy's parts around img-src, which http_csp_img_src can widen by one
 * origin (a map's tile server) before the server starts. */
#define HTTP_CSP_HEAD "Content-Security-Policy: default-src 'self'; img-src 'self' data:"
#define HTTP_CSP_TAIL                                                                              \
	"; style-src 'self'; "                                                                     \
	"script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "             \
	"frame-ancestors 'none'\r\n"                                                               \
	"X-Content-Type-Options: nosniff\r\n"                                                      \
	"Referrer-Policy: no-referrer\r\n"                                                         \
	"X-Frame-Options: DENY\r\n"
#define HTTP_SECURITY_HEADERS HTTP_CSP_HEAD HTTP_CSP_TAIL

/* HTTP_SECURITY_HEADERS, with the origin of http_csp_img_src when one was
 * set; written once before the loop runs, read only after. */
extern const char *http__security_headers;

struct http_server {
	uv_loop_t *loop;
	uv_tcp_t listener;
	uv_timer_t sweep;
	http_handler_fn handler;
	void *ctx;
	http_conn_t *sweep_head;                           /* connections with a deadline */
	size_t (*body_limit)(const char *url, size_t len); /* NULL: HTTP_MAX_BODY */
	size_t n_conns;
	bool closing, listener_closed;
};

struct http_conn {
	uv_tcp_t tcp;
	http_server_t *srv;
	http_request_t *req;      /* handed to the handler, not yet answered */
	sse_stream_t *sse;        /* set once the connection is an event stream */
	http_conn_t *prev, *next; /* sweep list */
	uint64_t deadline;
	/* the request being received; NULL between requests, so that an idle
	 * connection costs only this struct */
	struct http_parse *ps;
	/* bytes after a complete request, parsed after the response; reading
	 * goes on while a request is answered (no epoll change per request)
	 * until HTTP_MAX_PIPELINED bytes wait here */
	buf_t leftover;
	uint64_t peer;      /* http_peer_key of the connection, 0 until first asked */
	bool peer_loopback; /* set with peer: X-Real-IP counts (http_peer_key) */
	unsigned writes;    /* uv_write requests in flight */
	bool in_message, keep_alive, closing, close_after_write, in_sweep, reading, peer_eof;
};

/*
 * The request being received (http_parse.c). The request line and header
 * lines are copied into raw as they arrive and parsed in place once each
 * line is whole (names and values NUL-terminated where they lie, their
 * offsets in hoff); the body follows them in raw. On completion the
 * offsets become pointers in req, the request handed to the handler,
 * which then owns the whole block (raw is req.mem). Blocks are reused
 * (http.c, parse_get): no allocation per request in the usual case.
 */
struct http_parse {
	buf_t raw;
	uint32_t hoff[HTTP_MAX_HEADERS][2]; /* name, value offsets in raw */
	size_t n_hdr;
	size_t line; /* where the head line being received starts in raw */
	size_t url_off, url_len, body_off;
	size_t counted;     /* URL, names, values, chunk extensions, trailers */
	size_t body_max;    /* known once the head is complete */
	uint64_t remaining; /* body bytes to come: of the body, or of the chunk */
	size_t (*body_limit)(const char *url, size_t len);
	unsigned char state; /* enum in http_parse.c */
	bool got_line, http10, conn_close, conn_keep, has_length, chunked, digits, trailer_empty;
	bool keep_alive; /* out: the connection stays open after the response */
	http_request_t req;
	struct http_parse *next_free;
};

/*
 * http__parse returns HTTP__PARSE_MORE when it took every byte and the
 * request is not complete yet, HTTP__PARSE_DONE when the request is
 * complete (*used: the bytes it took, the rest belongs to the next
 * request; ps->req and ps->keep_alive are set), or a negative HTTP status
 * to refuse the request with (-400, -405, -413, -431, -505), after which
 * the connection closes and ps holds nothing useful. Bytes may arrive
 * split anywhere: the result is the same as for the whole.
 */
enum { HTTP__PARSE_MORE = 0, HTTP__PARSE_DONE = 1 };
/* Makes ps ready for a new request (raw keeps its memory). body_limit as
 * in http_set_body_limit, NULL for HTTP_MAX_BODY. */
void http__parse_start(struct http_parse *ps, size_t (*body_limit)(const char *url, size_t len));
int http__parse(struct http_parse *ps, const char *data, size_t len, size_t *used);

typedef struct http_write {
	uv_write_t req;
	http_conn_t *conn;
	char data[];
} http_write_t;

void http_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b);
/* Gives a request's memory back (its block, with the bytes it points to). */
void http_request_release(http_request_t *r);
void http_conn_write(http_conn_t *c, const char *data, size_t len);
void http_conn_close(http_conn_t *c);
/* Reads again (an event stream reads only to notice the peer closing). */
void http_conn_read_start(http_conn_t *c);
/* Called by http.c when a stream's connection closes. */
void sse_detach(sse_stream_t *s);
/* Called by the sweep once a second: sends keep-alives when due. */
void sse_keepalive_tick(uint64_t now);

#endif
