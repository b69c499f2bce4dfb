/*
 * http_parse: the HTTP/1.1 request parser, strict and bounded, fed from
 * the connection's reads (http.c) and resumable at any byte.
 *
 * Invariants:
 *  1. Every byte taken is either copied into ps->raw (the head's lines, the
 *     body) or counted against a limit (chunk sizes, extensions and
 *     trailers): a peer never makes the parser hold more than the head's
 *     16 KiB plus the body limit, nor run without bound.
 *  2. A line is parsed only once it is whole (it ends in CRLF), in place in
 *     raw; so the result cannot depend on where the reads split it.
 *  3. Anything the grammar does not allow refuses the request and the
 *     connection closes: no guessing, because a front proxy that guessed
 *     differently would see other requests than we do (smuggling).
 *
 * States: HEAD (lines of the request line and headers, until the empty
 * line: head_line) -> BODY (Content-Length bytes) or CHUNK_SIZE ->
 * CHUNK_EXT -> CHUNK_SIZE_LF -> CHUNK_DATA -> CHUNK_CR -> CHUNK_LF ->
 * CHUNK_SIZE ..., and after the chunk of size 0 TRAILER -> TRAILER_LF
 * until an empty line -> complete (request_build).
 *
 * What it refuses, and with which status (docs/protocol.md):
 *  400  a bare LF, a CR not before LF, obs-fold (a line starting with
 *       whitespace), a header name that is not a token or has whitespace
 *       before its colon, control bytes in a value or the URL, a second
 *       Content-Length or Transfer-Encoding, both of them, a
 *       Transfer-Encoding other than "chunked", a malformed request line,
 *       Content-Length or chunk size
 *  405  a method other than GET, HEAD, POST, PUT, DELETE, OPTIONS
 *  413  a body (declared or chunked) over the path's limit
 *  431  URL, names and values over HTTP_MAX_HEADER_BYTES, more than
 *       HTTP_MAX_HEADERS headers, or a head over HEAD_MAX_RAW bytes
 *  505  an HTTP major version other than 1
 */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "net/http_internal.h"

enum {
	/* The head's bytes as sent (separators, whitespace, empty lines before
	 * the request line); HTTP_MAX_HEADER_BYTES counts only what the
	 * request keeps, as http-parser's callbacks did before. */
	HEAD_MAX_RAW = 2 * HTTP_MAX_HEADER_BYTES,
	/* Content-Length digits: more would not fit any body limit anyway. */
	LENGTH_MAX_DIGITS = 15,
};

enum {
	ST_HEAD,
	ST_BODY,
	ST_CHUNK_SIZE,
	ST_CHUNK_EXT,
	ST_CHUNK_SIZE_LF,
	ST_CHUNK_DATA,
	ST_CHUNK_CR,
	ST_CHUNK_LF,
	ST_TRAILER,
	ST_TRAILER_LF,
};

enum { BAD = -400, METHOD = -405, TOO_LARGE = -413, HEADERS_TOO_LARGE = -431, VERSION = -505 };

/* RFC 9110 tchar: the bytes of methods and header names. */
static const unsigned char tchar[256] = {
    ['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1, ['\''] = 1, ['*'] = 1, ['+'] = 1,
    ['-'] = 1, ['.'] = 1, ['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1,  ['~'] = 1, ['0'] = 1,
    ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,  ['7'] = 1, ['8'] = 1,
    ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,  ['F'] = 1, ['G'] = 1,
    ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1,  ['N'] = 1, ['O'] = 1,
    ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1,  ['V'] = 1, ['W'] = 1,
    ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,  ['d'] = 1, ['e'] = 1,
    ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1,  ['l'] = 1, ['m'] = 1,
    ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1,  ['t'] = 1, ['u'] = 1,
    ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

void http__parse_start(struct http_parse *ps, size_t (*body_limit)(const char *url, size_t len))
{
	ps->raw.len = 0;
	ps->n_hdr = ps->line = ps->url_off = ps->url_len = ps->body_off = ps->counted = 0;
	ps->body_max = 0;
	ps->remaining = 0;
	ps->body_limit = body_limit;
	ps->state = ST_HEAD;
	ps->got_line = ps->http10 = ps->conn_close = ps->conn_keep = false;
	ps->has_length = ps->chunked = ps->digits = ps->trailer_empty = false;
	ps->keep_alive = false;
}

static int count(struct http_parse *ps, size_t n)
{
	ps->counted += n;
	return ps->counted > HTTP_MAX_HEADER_BYTES ? HEADERS_TOO_LARGE : 0;
}

static bool is_ows(char ch)
{
	return ch == ' ' || ch == '\t';
}

/*
 * True when s[0..n) holds a byte below lo (but a tab, when tab_ok) or DEL.
 * Eight bytes at a time: a word with no byte below lo and none equal to
 * 0x7f passes at once; the tests may flag a clean byte after a real hit
 * (the borrow), never miss one, so a flagged word is looked at byte by
 * byte. This is most of the parser's work on a header line.
 */
static bool has_bad_byte(const char *s, size_t n, unsigned char lo, bool tab_ok)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x, del;
		memcpy(&x, s + i, 8);
		del = x ^ (ones * 0x7f);
		if ((((x - ones * lo) & ~x) | ((del - ones) & ~del)) & highs)
			break;
	}
	for (; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < lo && !(tab_ok && ch == '\t')) || ch == 0x7f)
			return true;
	}
	return false;
}

/* "METHOD SP request-target SP HTTP/1.x"; s[0..n) is the line without its
 * CRLF, at offset off in raw. */
static int request_line(struct http_parse *ps, char *s, size_t n, size_t off)
{
	size_t m = 0;
	while (m < n && tchar[(unsigned char)s[m]])
		m++;
	if (m == 0 || m == n || s[m] != ' ')
		return BAD;
	http_method_t method = HTTP_M_OTHER;
	switch (m) {
	case 3:
		method = !memcmp(s, "GET", 3)   ? HTTP_M_GET
		         : !memcmp(s, "PUT", 3) ? HTTP_M_PUT
		                                : method;
		break;
	case 4:
		method = !memcmp(s, "POST", 4)   ? HTTP_M_POST
		         : !memcmp(s, "HEAD", 4) ? HTTP_M_HEAD
		                                 : method;
		break;
	case 6: method = !memcmp(s, "DELETE", 6) ? HTTP_M_DELETE : method; break;
	case 7: method = !memcmp(s, "OPTIONS", 7) ? HTTP_M_OPTIONS : method; break;
	}
	if (method == HTTP_M_OTHER)
		return METHOD;
	ps->req.method = method;

	/* The target: visible ASCII and any byte above it (as sent by
	 * clients that do not percent-encode), no spaces or controls. */
	size_t u = m + 1;
	const char *sp = memchr(s + u, ' ', n - u);
	size_t e = sp ? (size_t)(sp - s) : n;
	if (e == u || e == n || has_bad_byte(s + u, e - u, '!', false))
		return BAD;
	/* "HTTP/" DIGIT "." DIGIT and nothing after it */
	const char *v = s + e + 1;
	if (n - e - 1 != 8 || memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' ||
	    v[6] != '.' || v[7] < '0' || v[7] > '9')
		return BAD;
	if (v[5] != '1')
		return VERSION;
	ps->http10 = v[7] == '0';
	s[e] = '\0';
	ps->url_off = off + u;
	ps->url_len = e - u;
	ps->got_line = true;
	return count(ps, ps->url_len);
}

/* The value of Content-Length: digits only, one header only. */
static int content_length(struct http_parse *ps, const char *v, size_t n)
{
	if (ps->has_length || n == 0)
		return BAD;
	uint64_t len = 0;
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return BAD;
		/* leading zeros do not count */
		if ((len || v[i] != '0') && ++digits > LENGTH_MAX_DIGITS)
			return TOO_LARGE;
		len = len * 10 + (uint64_t)(v[i] - '0');
	}
	ps->has_length = true;
	ps->remaining = len;
	return 0;
}

/* Connection: a comma-separated list of options; "close" and "keep-alive"
 * count. */
static void connection(struct http_parse *ps, const char *v, size_t n)
{
	size_t i = 0;
	while (i < n) {
		while (i < n && (is_ows(v[i]) || v[i] == ','))
			i++;
		size_t t = i;
		while (i < n && v[i] != ',' && !is_ows(v[i]))
			i++;
		if (i - t == 5 && strncasecmp(v + t, "close", 5) == 0)
			ps->conn_close = true;
		else if (i - t == 10 && strncasecmp(v + t, "keep-alive", 10) == 0)
			ps->conn_keep = true;
	}
}

/* "name: value" without its CRLF: s[0..n) at offset off in raw. */
static int header_line(struct http_parse *ps, char *s, size_t n, size_t off)
{
	/* obs-fold continues the line before: RFC 9112 lets a server refuse
	 * it, and a proxy joining differently would see other headers. */
	if (is_ows(s[0]))
		return BAD;
	if (ps->n_hdr >= HTTP_MAX_HEADERS)
		return HEADERS_TOO_LARGE;
	size_t k = 0;
	while (k < n && tchar[(unsigned char)s[k]])
		k++;
	if (k == 0 || k == n || s[k] != ':')
		return BAD;
	size_t v = k + 1, e = n;
	while (v < e && is_ows(s[v]))
		v++;
	while (e > v && is_ows(s[e - 1]))
		e--;
	if (has_bad_byte(s + v, e - v, ' ', true))
		return BAD;
	int rc = count(ps, k + (e - v));
	if (rc)
		return rc;
	s[k] = '\0';
	s[e] = '\0'; /* over the CR, or the first trailing blank */
	ps->hoff[ps->n_hdr][0] = (uint32_t)off;
	ps->hoff[ps->n_hdr][1] = (uint32_t)(off + v);
	ps->n_hdr++;
	/* The headers the parser itself reads, found by length first. */
	switch (k) {
	case 10:
		if (strncasecmp(s, "Connection", 10) == 0)
			connection(ps, s + v, e - v);
		break;
	case 14:
		if (strncasecmp(s, "Content-Length", 14) == 0)
			return content_length(ps, s + v, e - v);
		break;
	case 17:
		if (strncasecmp(s, "Transfer-Encoding", 17) == 0) {
			/* Only "chunked" alone: a coding before it would
			 * leave the body encoded, and a second header or
			 * another coding is how requests are smuggled. */
			if (ps->chunked || e - v != 7 || strncasecmp(s + v, "chunked", 7) != 0)
				return BAD;
			ps->chunked = true;
		}
		break;
	}
	return 0;
}

/* The empty line: decides how the body comes. */
static int head_done(struct http_parse *ps)
{
	if (ps->chunked && ps->has_length)
		return BAD;
	/* The path's own limit is asked only for a body that may need it:
	 * below HTTP_MAX_BODY every path takes it (app_body_limit walks the
	 * route tables: about 1,100 instructions of every answer). */
	ps->body_max = HTTP_MAX_BODY;
	if (ps->body_limit && (ps->chunked || ps->remaining > HTTP_MAX_BODY)) {
		size_t max = ps->body_limit(ps->raw.data + ps->url_off, ps->url_len);
		if (max > ps->body_max)
			ps->body_max = max;
	}
	if (ps->has_length && ps->remaining > ps->body_max)
		return TOO_LARGE;
	ps->keep_alive = ps->http10 ? ps->conn_keep && !ps->conn_close : !ps->conn_close;
	ps->body_off = ps->raw.len;
	if (ps->chunked) {
		ps->state = ST_CHUNK_SIZE;
		ps->digits = false;
		ps->remaining = 0;
		return 0;
	}
	if (ps->remaining == 0)
		return HTTP__PARSE_DONE;
	/* room for the body at once, but not on a declaration alone for an
	 * upload's megabytes: those grow as they arrive */
	buf_reserve(&ps->raw,
	            ps->remaining < HTTP_MAX_BODY ? (size_t)ps->remaining : HTTP_MAX_BODY);
	ps->state = ST_BODY;
	return 0;
}

/* One whole line of the head, raw[ps->line .. raw.len), ending in LF. */
static int head_line(struct http_parse *ps)
{
	char *s = ps->raw.data + ps->line;
	size_t n = ps->raw.len - ps->line;
	if (n < 2 || s[n - 2] != '\r')
		return BAD; /* a bare LF ends no line here */
	n -= 2;
	/* A CR elsewhere in the line is a control byte, refused by the
	 * line's parser. */
	if (n == 0)
		return ps->got_line ? head_done(ps) : 0; /* empty lines before the request */
	if (!ps->got_line)
		return request_line(ps, s, n, ps->line);
	return header_line(ps, s, n, ps->line);
}

static int feed_head(struct http_parse *ps, const char *data, size_t len, size_t *i)
{
	while (*i < len) {
		const char *p = data + *i;
		size_t n = len - *i;
		const char *lf = memchr(p, '\n', n);
		size_t take = lf ? (size_t)(lf - p) + 1 : n;
		if (ps->raw.len + take > HEAD_MAX_RAW)
			return HEADERS_TOO_LARGE;
		buf_append(&ps->raw, p, take);
		*i += take;
		/* Not HTTP at all (a TLS hello, a stray byte): refused at its
		 * first byte rather than after 10 s without a line end. */
		unsigned char first = (unsigned char)ps->raw.data[ps->line];
		if (!ps->got_line && !tchar[first] && first != '\r')
			return BAD;
		if (!lf)
			return 0;
		int rc = head_line(ps);
		if (rc)
			return rc;
		ps->line = ps->raw.len;
		if (ps->state != ST_HEAD)
			return 0;
	}
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* One byte of the chunked framing outside a chunk's data. */
static int chunk_byte(struct http_parse *ps, char ch)
{
	switch (ps->state) {
	case ST_CHUNK_SIZE: {
		int d = hexval(ch);
		if (d >= 0) {
			ps->remaining = ps->remaining * 16 + (uint64_t)d;
			ps->digits = true;
			/* the chunk must fit what is left of the limit; checked
			 * per digit, so that the size never overflows */
			if (ps->remaining > ps->body_max - (ps->raw.len - ps->body_off))
				return TOO_LARGE;
			return 0;
		}
		if (!ps->digits)
			return BAD;
		if (ch == ';' || is_ows(ch)) {
			ps->state = ST_CHUNK_EXT;
			return count(ps, 1);
		}
		if (ch != '\r')
			return BAD;
		ps->state = ST_CHUNK_SIZE_LF;
		return 0;
	}
	case ST_CHUNK_EXT:
		/* extensions are ignored, but bounded and free of controls */
		if (ch == '\r') {
			ps->state = ST_CHUNK_SIZE_LF;
			return 0;
		}
		if (((unsigned char)ch < ' ' && ch != '\t') || ch == 0x7f)
			return BAD;
		return count(ps, 1);
	case ST_CHUNK_SIZE_LF:
		if (ch != '\n')
			return BAD;
		if (ps->remaining == 0) {
			ps->state = ST_TRAILER;
			ps->trailer_empty = true;
		} else {
			ps->state = ST_CHUNK_DATA;
		}
		return 0;
	case ST_CHUNK_CR:
		if (ch != '\r')
			return BAD;
		ps->state = ST_CHUNK_LF;
		return 0;
	case ST_CHUNK_LF:
		if (ch != '\n')
			return BAD;
		ps->state = ST_CHUNK_SIZE;
		ps->digits = false;
		return 0;
	case ST_TRAILER:
		/* Trailer fields are read and dropped: nothing here needs
		 * them, and headers arriving after the body are another way
		 * to make two parsers disagree. */
		if (ch == '\r') {
			ps->state = ST_TRAILER_LF;
			return 0;
		}
		if (((unsigned char)ch < ' ' && ch != '\t') || ch == 0x7f)
			return BAD;
		ps->trailer_empty = false;
		return count(ps, 1);
	case ST_TRAILER_LF:
		if (ch != '\n')
			return BAD;
		if (ps->trailer_empty)
			return HTTP__PARSE_DONE;
		ps->state = ST_TRAILER;
		ps->trailer_empty = true;
		return 0;
	}
	return BAD;
}

/* Turns the offsets into the request handed to the handler. Only the
 * fields a handler reads are written: zeroing the 64 header slots would
 * cost more than the whole parse of a small request. */
static void request_build(struct http_parse *ps)
{
	http_request_t *r = &ps->req;
	char *mem = ps->raw.data;
	char *url = mem + ps->url_off;
	char *q = memchr(url, '?', ps->url_len);
	if (q) {
		*q = '\0';
		r->query = q + 1;
	} else {
		r->query = "";
	}
	r->path = url;
	for (size_t i = 0; i < ps->n_hdr; i++) {
		r->headers[i].name = mem + ps->hoff[i][0];
		r->headers[i].value = mem + ps->hoff[i][1];
	}
	r->n_headers = ps->n_hdr;
	/* buf_t keeps a NUL after its bytes: the body is a C string too */
	r->body = mem + ps->body_off;
	r->body_len = ps->raw.len - ps->body_off;
	r->user = NULL;
	r->conn = NULL;
	r->mem = mem;
}

int http__parse(struct http_parse *ps, const char *data, size_t len, size_t *used)
{
	size_t i = 0;
	int rc = 0;
	while (i < len && rc == 0) {
		switch (ps->state) {
		case ST_HEAD: rc = feed_head(ps, data, len, &i); break;
		case ST_BODY:
		case ST_CHUNK_DATA: {
			size_t take = len - i;
			if (take > ps->remaining)
				take = (size_t)ps->remaining;
			buf_append(&ps->raw, data + i, take);
			i += take;
			ps->remaining -= take;
			if (ps->remaining == 0) {
				if (ps->state == ST_BODY)
					rc = HTTP__PARSE_DONE;
				else
					ps->state = ST_CHUNK_CR;
			}
			break;
		}
		default: rc = chunk_byte(ps, data[i++]); break;
		}
	}
	if (rc < 0)
		return rc;
	if (rc == HTTP__PARSE_DONE) {
		*used = i;
		request_build(ps);
	}
	return rc;
}
