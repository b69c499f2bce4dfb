/*
 * Fuzz target: the request parser alone (src/net/http_parse.c), checked
 * against itself. The first three bytes choose a cut and a piece size; the
 * rest is fed whole, in two pieces at the cut, and in pieces of that size.
 * The requests seen and the final refusal must be the same every way: a
 * parser that depended on where reads split the bytes could be made to
 * see other requests than a proxy in front of it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../unit/http_feed.h"

static size_t limit(const char *url, size_t len)
{
	/* one path with a larger body, as uploads have */
	return len >= 7 && memcmp(url, "/upload", 7) == 0 ? 200000 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3 || size > 100000)
		return 0;
	size_t cut = ((size_t)data[0] << 8 | data[1]) % (size - 3 + 1);
	size_t step = (size_t)data[2] % 64 + 1;
	const char *in = (const char *)data + 3;
	size_t n = size - 3;
	buf_t whole = BUF_INIT, split = BUF_INIT, steps = BUF_INIT;
	int a = feed_pieces(in, n, n ? n : 1, 0, limit, &whole);
	int b = feed_pieces(in, n, 0, cut, limit, &split);
	int c = feed_pieces(in, n, step, 0, limit, &steps);
	if (a != b || a != c || !whole.data || strcmp(whole.data, split.data) != 0 ||
	    strcmp(whole.data, steps.data) != 0) {
		fprintf(stderr, "whole (%d):\n%s\nsplit at %zu (%d):\n%s\nsteps of %zu (%d):\n%s\n",
		        a, whole.data, cut, b, split.data, step, c, steps.data);
		abort();
	}
	buf_free(&whole);
	buf_free(&split);
	buf_free(&steps);
	return 0;
}
