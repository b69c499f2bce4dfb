/*
 * Fuzz target: the HTTP request path, end to end. Each input is written
 * into a socket pair whose other end the real server reads, parses and
 * answers (plain responses, an event stream, pipelined requests, errors),
 * then the peer hangs up and the connection must close cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/http.h"

static uv_loop_t loop;
static http_server_t *srv;
static sse_hub_t *hub;

static void handler(http_request_t *req, void *ctx)
{
	(void)ctx;
	char out[64];
	if (strncmp(req->path, "/stream", 7) == 0) {
		sse_frame_t *f = sse_frame_event("state", 1, "state", "{\"a\":1}");
		sse_begin(req, hub, f);
		sse_hub_publish(hub, f);
		sse_frame_unref(f);
		return;
	}
	/* exercise the helpers on what came in */
	http_cookie(req, "inspraak_p", out, sizeof out);
	http_query(req, "code", out, sizeof out);
	http_form_field(req->body, req->body_len, "value", 1, out, sizeof out);
	http_header(req, "Last-Event-ID");
	http_respond(req, req->body_len ? 201 : 200, "text/plain", NULL, req->body, req->body_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!srv) {
		uv_loop_init(&loop);
		if (http_listen(&loop, "127.0.0.1", 0, handler, NULL, &srv) != 0)
			abort();
		hub = sse_hub_new();
	}
	if (size > 200000)
		return 0;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 0;
	if (http_serve_fd(srv, sv[0]) != 0) {
		close(sv[1]);
		return 0;
	}
	size_t off = 0;
	char sink[65536];
	for (int round = 0; round < 10000 && (off < size || http_connections(srv)); round++) {
		if (off < size) {
			ssize_t n =
			    send(sv[1], data + off, size - off, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0)
				off += (size_t)n;
			if (off == size)
				shutdown(sv[1], SHUT_WR);
		}
		uv_run(&loop, UV_RUN_NOWAIT);
		while (recv(sv[1], sink, sizeof sink, MSG_DONTWAIT) > 0)
			;
	}
	close(sv[1]);
	while (http_connections(srv))
		uv_run(&loop, UV_RUN_NOWAIT);
	return 0;
}
