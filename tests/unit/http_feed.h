/*
 * http_feed: drives the request parser (src/net/http_parse.c) the way a
 * connection does, over input cut into pieces, and writes what it saw as
 * text: every request (method, path, query, headers, body, keep-alive)
 * and how it ended. Two cuttings of the same bytes must give the same
 * text. Shared by tests/unit/test_http.c and tests/fuzz/fuzz_http_parse.c.
 */
#ifndef INSPRAAK_TEST_HTTP_FEED_H
#define INSPRAAK_TEST_HTTP_FEED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/http_internal.h"
#include "util/buf.h"

static void feed_describe(const http_request_t *r, bool keep_alive, buf_t *out)
{
	buf_printf(out, "%d %s ? %s\n", (int)r->method, r->path, r->query);
	for (size_t i = 0; i < r->n_headers; i++)
		buf_printf(out, "[%s] [%s]\n", r->headers[i].name, r->headers[i].value);
	buf_printf(out, "body %zu [", r->body_len);
	buf_append(out, r->body, r->body_len);
	buf_printf(out, "] nul %d keep %d\n", r->body[r->body_len] == '\0', keep_alive);
}

/*
 * Feeds in[0..n) in pieces: of `step` bytes when step > 0, else in two at
 * `cut`. Bytes after a complete request wait, as a connection keeps them,
 * and are parsed before the next piece. Returns the last result: 0 when
 * the input ended inside a request (or between two), or the negative
 * status of a refusal.
 */
static int feed_pieces(const char *in, size_t n, size_t step, size_t cut,
                       size_t (*limit)(const char *, size_t), buf_t *out)
{
	struct http_parse ps = {.raw = BUF_INIT};
	bool started = false;
	buf_t pending = BUF_INIT;
	size_t off = 0;
	int rc = 0;
	while (off < n || pending.len) {
		if (off < n) {
			size_t piece = step ? step : (off < cut ? cut - off : n - off);
			if (piece > n - off)
				piece = n - off;
			buf_append(&pending, in + off, piece);
			off += piece;
		}
		while (pending.len) {
			if (!started) {
				http__parse_start(&ps, limit);
				started = true;
			}
			size_t used = 0;
			rc = http__parse(&ps, pending.data, pending.len, &used);
			if (rc < 0) {
				buf_printf(out, "refused %d\n", -rc);
				goto done;
			}
			if (rc == HTTP__PARSE_MORE) {
				pending.len = 0;
				break;
			}
			feed_describe(&ps.req, ps.keep_alive, out);
			started = false;
			memmove(pending.data, pending.data + used, pending.len - used);
			pending.len -= used;
		}
	}
	buf_printf(out, "end %s\n", started ? "inside" : "between");
done:
	buf_free(&pending);
	buf_free(&ps.raw);
	return rc < 0 ? rc : 0;
}

#endif
