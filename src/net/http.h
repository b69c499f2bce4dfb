/*
 * http: the HTTP/1.1 server on the libuv loop, and Server-Sent Events.
 *
 * One loop thread owns every connection. Requests are parsed (our own
 * strict parser, http_parse.c) into a per-request allocation that is freed as soon as the
 * response is written, so an idle keep-alive connection or an event stream
 * holds no read buffer: reads land in one buffer shared by the loop and are
 * parsed at once.
 *
 * A handler may answer at once or later (an answer is acknowledged only
 * after the store's commit): the connection stops reading until the
 * response is sent, which also keeps pipelined requests in order. If the
 * peer goes away meanwhile, the late response is dropped quietly.
 *
 * Event streams (sse_*) take over a connection after its request. A frame
 * is serialised once and shared by reference; a stream whose socket is full
 * keeps at most one pending frame per key ("state", "results:12"), the
 * newest, so a slow subscriber never makes memory grow.
 *
 * Limits (docs/protocol.md): 8 KiB of request line and headers (431),
 * HTTP_MAX_BODY of body (413), 10 s to send the headers and body,
 * 60 s idle keep-alive; malformed requests get 400 and the connection closes.
 */
#ifndef INSPRAAK_HTTP_H
#define INSPRAAK_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

enum {
	HTTP_MAX_HEADER_BYTES = 8192,
	HTTP_MAX_HEADERS = 64,
	HTTP_MAX_BODY = 64 * 1024,
	HTTP_HEADER_TIMEOUT_MS = 10000,
	HTTP_IDLE_TIMEOUT_MS = 60000,
	HTTP_MAX_PIPELINED = 64 * 1024, /* bytes read ahead while a request is answered */
	SSE_KEEPALIVE_MS = 25000,
};

typedef enum http_req_method {
	HTTP_M_GET,
	HTTP_M_HEAD,
	HTTP_M_POST,
	HTTP_M_PUT,
	HTTP_M_DELETE,
	HTTP_M_OPTIONS,
	HTTP_M_OTHER,
} http_method_t;

typedef struct http_server http_server_t;
typedef struct http_conn http_conn_t;
typedef struct sse_hub sse_hub_t;
typedef struct sse_stream sse_stream_t;

typedef struct http_header {
	const char *name; /* NUL-terminated, as sent */
	const char *value;
} http_header_t;

/*
 * One request. Owned by the server; valid from the handler call until the
 * handler answers it (http_respond*, sse_begin) — exactly once.
 */
typedef struct http_request {
	http_method_t method;
	const char *path;  /* NUL-terminated, percent-decoding NOT applied */
	const char *query; /* after '?', "" when none */
	http_header_t headers[HTTP_MAX_HEADERS];
	size_t n_headers;
	const char *body; /* NUL-terminated for convenience; body_len bytes */
	size_t body_len;
	void *user; /* free for the handler while the request is pending */
	/* private */
	http_conn_t *conn; /* NULL once the peer went away */
	char *mem;
} http_request_t;

typedef void (*http_handler_fn)(http_request_t *req, void *ctx);

/*
 * Starts listening on host:port ("127.0.0.1", 8080) on loop. handler is
 * called for each complete request on the loop thread. Returns 0 or a
 * negative libuv error. The server is owned by the caller (http_close).
 */
int http_listen(uv_loop_t *loop, const char *host, int port, http_handler_fn handler, void *ctx,
                http_server_t **out);
/* Serves an already connected stream socket fd as one more connection
 * (the server takes the fd). For tests and fuzzing. Returns 0 or a negative
 * libuv error. */
int http_serve_fd(http_server_t *srv, int fd);
/* Lets some paths take bodies larger than HTTP_MAX_BODY (uploads): fn gets
 * the request's path (not NUL-terminated, len bytes, query included) and
 * returns the most bytes of body it allows. */
void http_set_body_limit(http_server_t *srv, size_t (*fn)(const char *url, size_t len));
/* Stops accepting and closes every connection; frees the server when the
 * loop has finished closing handles. */
void http_close(http_server_t *srv);
/* Open connections (streams included). */
size_t http_connections(const http_server_t *srv);

/* A 64-bit digest of the peer's network address (not its port), for
 * in-memory limits only: addresses are never stored or logged. From a
 * loopback peer (a proxy on this host), of its X-Real-IP header when it
 * sends one. 0 when the peer is gone. */
uint64_t http_peer_key(const http_request_t *req);
/* Sets the key of http_peer_key's digest (16 bytes; until then a random
 * one of the process). Nodes that share budgets (util/bucket.h) derive it
 * from the store's secret, so an address has one digest on all of them.
 * Call before the server accepts. */
void http_set_peer_key(const unsigned char key[16]);
/* True when the peer connected from a loopback address (127/8, ::1). A
 * proxy on the same host is loopback too: see docs/deploy.md. */
bool http_peer_loopback(const http_request_t *req);
/* The content codings an Accept-Encoding value allows, as HTTP_ENC_* bits:
 * a coding counts when it is named (or "*" is) without q=0. NULL or
 * garbage allow none; identity is always allowed. */
enum { HTTP_ENC_GZIP = 1, HTTP_ENC_BR = 2 };
unsigned http_accept_encoding(const char *value);
/* Case-insensitive header lookup; NULL when absent. */
const char *http_header(const http_request_t *req, const char *name);
/*
 * The three look-ups below return a length (0 for a present, empty value),
 * or HTTP_ABSENT when the value is absent, malformed or longer than
 * outlen - 1: callers that tell "absent" from "empty" compare with 0.
 * (-1, like read(), rather than a libuv code: it is no failure.)
 */
enum { HTTP_ABSENT = -1 };
/* The value of cookie `name` copied into out (NUL-terminated). */
int http_cookie(const http_request_t *req, const char *name, char *out, size_t outlen);
/* The query parameter `name`, percent-decoded into out. */
int http_query(const http_request_t *req, const char *name, char *out, size_t outlen);
/* Decodes application/x-www-form-urlencoded field number `index` (0-based
 * among fields called `name`) from s[0..n) into out. */
int http_form_field(const char *s, size_t n, const char *name, size_t index, char *out,
                    size_t outlen);

/*
 * Sends the response and finishes the request (frees it). extra_headers is
 * NULL or complete lines ("Set-Cookie: a=b\r\n"). Security headers (CSP,
 * nosniff, Referrer-Policy, frame-ancestors) are added to every response;
 * Cache-Control is no-store unless extra_headers sets one. The body is
 * copied. HEAD requests get the headers only.
 */
void http_respond(http_request_t *req, int status, const char *content_type,
                  const char *extra_headers, const void *body, size_t len);
/* Sends json (reference stolen) as application/json. */
void http_respond_json(http_request_t *req, int status, json_t *json, const char *extra_headers);
/* Sends {"error": message, "code": code} with status. */
void http_respond_error(http_request_t *req, int status, const char *code, const char *message,
                        const char *extra_headers);
/* Lets the Content-Security-Policy of every response load images from
 * origin too ("https://host[:port]": a map's tile server), besides 'self'
 * and data:. Call once before http_listen; not thread-safe. UV_EINVAL when
 * origin is empty, longer than HTTP_ORIGIN_MAX or holds a byte an origin
 * does not (the policy is then unchanged). */
enum { HTTP_ORIGIN_MAX = 300 };
int http_csp_img_src(const char *origin);
/* The reason phrase of a status code ("Not Found"). */
const char *http_status_text(int status);

/* ---- Server-Sent Events ---- */

/* A serialised event, shared by every stream that still has to write it. */
typedef struct sse_frame sse_frame_t;

/* A frame from raw bytes (copied); refcount 1, owned by the caller.
 * key names the slot a pending frame takes per stream ("state"). */
sse_frame_t *sse_frame_new(const char *key, const char *data, size_t len);
/* "id: <id>\nevent: <event>\ndata: <json>\n\n" (id omitted when < 0). */
sse_frame_t *sse_frame_event(const char *key, long long id, const char *event, const char *data);
void sse_frame_ref(sse_frame_t *f);
void sse_frame_unref(sse_frame_t *f);

sse_hub_t *sse_hub_new(void);
/* Counts the hub's open streams in gauge metric (util/metrics.h). */
void sse_hub_set_gauge(sse_hub_t *hub, int metric);
/* Closes every stream of the hub and frees it. */
void sse_hub_free(sse_hub_t *hub);
size_t sse_hub_count(const sse_hub_t *hub);
/* Writes f to every stream of the hub (f stays the caller's). */
void sse_hub_publish(sse_hub_t *hub, sse_frame_t *f);

/*
 * Answers req with 200 text/event-stream and turns its connection into a
 * stream of hub; first (may be NULL) is written right after the headers.
 * Returns the stream, owned by the hub and freed when the peer goes away.
 */
sse_stream_t *sse_begin(http_request_t *req, sse_hub_t *hub, sse_frame_t *first);
/* Writes f to one stream. */
void sse_send(sse_stream_t *s, sse_frame_t *f);
/* Free per-stream pointer for the owner of the hub. */
void sse_set_user(sse_stream_t *s, void *user);
void *sse_user(const sse_stream_t *s);

#endif
