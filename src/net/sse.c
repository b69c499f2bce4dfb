/*
 * sse: Server-Sent Events streams and hubs (see http.h).
 *
 * Invariant: a stream has at most one uv_write in flight and at most one
 * pending frame per key. Publishing tries to write the shared frame straight
 * into the socket (uv_try_write); only what the kernel does not take is
 * queued, by reference, so fan-out to many streams copies nothing.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/http_internal.h"
#include "util/metrics.h"
#include "util/xalloc.h"

enum { SSE_MAX_PENDING = 8 };

struct sse_frame {
	unsigned refs;
	size_t len;
	char key[32];
	char data[];
};

struct sse_hub {
	sse_stream_t **streams;
	size_t n, cap;
	sse_hub_t *next_hub; /* all hubs, for keep-alives */
	int gauge;           /* util/metrics id counting the open streams, or -1 */
};

struct sse_stream {
	http_conn_t *conn;
	sse_hub_t *hub;
	size_t index; /* in hub->streams */
	void *user;
	/* the write in flight: frame and how much of it was already written */
	sse_frame_t *writing;
	uv_write_t wreq;
	bool in_flight;
	sse_frame_t *pending[SSE_MAX_PENDING];
	unsigned n_pending;
};

static sse_hub_t *all_hubs;
static uint64_t next_keepalive;
static sse_frame_t *keepalive_frame;

sse_frame_t *sse_frame_new(const char *key, const char *data, size_t len)
{
	sse_frame_t *f = xmalloc(sizeof *f + len);
	f->refs = 1;
	f->len = len;
	snprintf(f->key, sizeof f->key, "%s", key ? key : "");
	memcpy(f->data, data, len);
	return f;
}

sse_frame_t *sse_frame_event(const char *key, long long id, const char *event, const char *data)
{
	buf_t b = BUF_INIT;
	if (id >= 0)
		buf_printf(&b, "id: %lld\n", id);
	buf_printf(&b, "event: %s\n", event);
	/* data must not contain raw newlines: each line needs its own prefix */
	const char *p = data;
	for (;;) {
		const char *nl = strchr(p, '\n');
		buf_puts(&b, "data: ");
		buf_append(&b, p, nl ? (size_t)(nl - p) : strlen(p));
		buf_putc(&b, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	buf_putc(&b, '\n');
	sse_frame_t *f = sse_frame_new(key, b.data, b.len);
	buf_free(&b);
	return f;
}

void sse_frame_ref(sse_frame_t *f)
{
	f->refs++;
}

void sse_frame_unref(sse_frame_t *f)
{
	if (f && --f->refs == 0)
		free(f);
}

sse_hub_t *sse_hub_new(void)
{
	sse_hub_t *h = xcalloc(1, sizeof *h);
	h->next_hub = all_hubs;
	all_hubs = h;
	h->gauge = -1;
	return h;
}

size_t sse_hub_count(const sse_hub_t *hub)
{
	return hub->n;
}

void sse_hub_set_gauge(sse_hub_t *hub, int metric)
{
	hub->gauge = metric;
}

static void hub_remove(sse_stream_t *s)
{
	sse_hub_t *h = s->hub;
	if (!h)
		return;
	assert(h->streams[s->index] == s);
	h->n--;
	if (h->gauge >= 0)
		metrics_add(h->gauge, -1);
	if (s->index != h->n) {
		h->streams[s->index] = h->streams[h->n];
		h->streams[s->index]->index = s->index;
	}
	s->hub = NULL;
}

void sse_hub_free(sse_hub_t *hub)
{
	while (hub->n) {
		sse_stream_t *s = hub->streams[hub->n - 1];
		hub_remove(s);
		http_conn_close(s->conn);
	}
	for (sse_hub_t **pp = &all_hubs; *pp; pp = &(*pp)->next_hub)
		if (*pp == hub) {
			*pp = hub->next_hub;
			break;
		}
	free(hub->streams);
	free(hub);
}

static void stream_free_frames(sse_stream_t *s)
{
	for (unsigned i = 0; i < s->n_pending; i++)
		sse_frame_unref(s->pending[i]);
	s->n_pending = 0;
}

/* The connection is gone. The stream is freed now unless a write is still
 * in flight, whose callback frees it. */
void sse_detach(sse_stream_t *s)
{
	hub_remove(s);
	stream_free_frames(s);
	s->conn = NULL;
	if (!s->in_flight)
		free(s);
}

static void stream_write(sse_stream_t *s, sse_frame_t *f);

static void on_written(uv_write_t *w, int status)
{
	sse_stream_t *s = w->data;
	s->in_flight = false;
	sse_frame_unref(s->writing);
	s->writing = NULL;
	if (!s->conn) { /* detached while writing */
		free(s);
		return;
	}
	if (status < 0) {
		http_conn_close(s->conn);
		return;
	}
	if (s->n_pending) {
		sse_frame_t *f = s->pending[0];
		memmove(s->pending, s->pending + 1, --s->n_pending * sizeof *s->pending);
		stream_write(s, f);
		sse_frame_unref(f);
	}
}

/* Writes f now if the socket takes it, else queues the rest of it. */
static void stream_write(sse_stream_t *s, sse_frame_t *f)
{
	uv_stream_t *tcp = (uv_stream_t *)&s->conn->tcp;
	uv_buf_t b = uv_buf_init(f->data, (unsigned)f->len);
	int n = uv_try_write(tcp, &b, 1);
	if (n == (int)f->len)
		return;
	if (n < 0 && n != UV_EAGAIN) {
		http_conn_close(s->conn);
		return;
	}
	size_t off = n > 0 ? (size_t)n : 0;
	sse_frame_ref(f);
	s->writing = f;
	s->in_flight = true;
	s->wreq.data = s;
	b = uv_buf_init(f->data + off, (unsigned)(f->len - off));
	if (uv_write(&s->wreq, tcp, &b, 1, on_written) < 0) {
		s->in_flight = false;
		s->writing = NULL;
		sse_frame_unref(f);
		http_conn_close(s->conn);
	}
}

void sse_send(sse_stream_t *s, sse_frame_t *f)
{
	if (!s->conn)
		return;
	if (!s->in_flight) {
		stream_write(s, f);
		return;
	}
	/* Busy: the newest frame of a key replaces an older one. */
	for (unsigned i = 0; i < s->n_pending; i++) {
		if (strcmp(s->pending[i]->key, f->key) == 0) {
			sse_frame_unref(s->pending[i]);
			sse_frame_ref(f);
			s->pending[i] = f;
			return;
		}
	}
	if (s->n_pending == SSE_MAX_PENDING) {
		/* More distinct keys than a slow reader should ever need: drop
		 * the oldest. */
		sse_frame_unref(s->pending[0]);
		memmove(s->pending, s->pending + 1, --s->n_pending * sizeof *s->pending);
	}
	sse_frame_ref(f);
	s->pending[s->n_pending++] = f;
}

void sse_hub_publish(sse_hub_t *hub, sse_frame_t *f)
{
	/* Iterate backwards: a failing write closes (and removes) the stream
	 * by swapping the last one into its place. */
	for (size_t i = hub->n; i-- > 0;)
		if (i < hub->n)
			sse_send(hub->streams[i], f);
}

sse_stream_t *sse_begin(http_request_t *req, sse_hub_t *hub, sse_frame_t *first)
{
	http_conn_t *c = req->conn;
	static const char head[] = "text/event-stream; charset=utf-8";
	/* HEAD asks for the headers only: no stream, no first frame. The
	 * answer is an ordinary one, with every security header. */
	if (!c || req->method == HTTP_M_HEAD) {
		http_respond(req, 200, head, "X-Accel-Buffering: no\r\n", "", 0);
		return NULL;
	}
	sse_stream_t *s = xcalloc(1, sizeof *s);
	s->conn = c;
	/* Headers by hand: no Content-Length, the body never ends. */
	buf_t b = BUF_INIT;
	buf_puts(&b, "HTTP/1.1 200 OK\r\n"
	             "Content-Type: text/event-stream; charset=utf-8\r\n"
	             "Cache-Control: no-store\r\n");
	buf_puts(&b, http__security_headers);
	buf_puts(&b, "X-Accel-Buffering: no\r\n"
	             "\r\n"
	             "retry: 2000\n\n");
	if (first)
		buf_append(&b, first->data, first->len);
	c->req = NULL;
	c->sse = s;
	buf_free(&c->leftover); /* a stream reads nothing more from its peer */
	http_request_release(req);
	http_conn_write(c, b.data, b.len);
	buf_free(&b);
	if (c->closing) /* the write failed and closed the connection */
		return NULL;
	if (hub->n == hub->cap) {
		hub->cap = hub->cap ? hub->cap * 2 : 64;
		hub->streams = xrealloc(hub->streams, hub->cap * sizeof *hub->streams);
	}
	s->hub = hub;
	s->index = hub->n;
	hub->streams[hub->n++] = s;
	if (hub->gauge >= 0)
		metrics_add(hub->gauge, 1);
	/* Listen only for the peer closing; reads land in the shared buffer. */
	http_conn_read_start(c);
	return s;
}

void sse_set_user(sse_stream_t *s, void *user)
{
	s->user = user;
}
void *sse_user(const sse_stream_t *s)
{
	return s->user;
}

void sse_keepalive_tick(uint64_t now)
{
	if (now < next_keepalive)
		return;
	next_keepalive = now + SSE_KEEPALIVE_MS;
	if (!keepalive_frame)
		keepalive_frame = sse_frame_new("keepalive", ": keep-alive\n\n", 14);
	for (sse_hub_t *h = all_hubs; h; h = h->next_hub)
		sse_hub_publish(h, keepalive_frame);
}
