/*
 * report/pdf_artifact: marks what a page draws outside the structure tree
 * as an artefact (PDF 1.7, 14.8.2.2), so that a screen reader skips the
 * running header, the page number and the rules instead of reading them on
 * every page (issue 16). cairo 1.16 tags only structure: everything it
 * draws outside cairo_tag_begin/end is unmarked content, which PDF/UA
 * does not allow. This wraps each run of such content in
 * "/Artifact BMC ... EMC".
 *
 * The input is a page's content stream as cairo writes it, read back by
 * pdf_tags.c; it is our own output, but it is read as a PDF content
 * stream all the same, token by token (strings with their escapes and
 * nested parentheses, hex strings, names, dictionaries, comments), never
 * by lines. A page whose stream has something this does not expect (an
 * inline image, marked content or a q/Q inside a text object or a path,
 * an unbalanced EMC) is left as it is: unmarked content is a lesser fault
 * than a broken page.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/buf.h"

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static bool is_delim(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

/* The end of the token that starts at s[i] (not a space or a comment);
 * *op tells whether it is an operator (a bare keyword). Returns len + 1
 * when a string or hex string does not end. */
static size_t token_end(const char *s, size_t len, size_t i, bool *op)
{
	unsigned char c = (unsigned char)s[i];
	*op = false;
	if (c == '(') {
		int depth = 0;
		for (; i < len; i++) {
			if (s[i] == '\\')
				i++;
			else if (s[i] == '(')
				depth++;
			else if (s[i] == ')' && --depth == 0)
				return i + 1;
		}
		return len + 1;
	}
	if (c == '<') {
		if (i + 1 < len && s[i + 1] == '<')
			return i + 2;
		const char *e = memchr(s + i, '>', len - i);
		return e ? (size_t)(e - s) + 1 : len + 1;
	}
	if (c == '>')
		return i + 1 < len && s[i + 1] == '>' ? i + 2 : i + 1;
	if (c == '[' || c == ']' || c == '{' || c == '}' || c == ')')
		return i + 1;
	size_t j = i + 1;
	while (j < len && !is_space((unsigned char)s[j]) && !is_delim((unsigned char)s[j]))
		j++;
	if (c != '/' && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
		size_t n = j - i;
		*op = !((n == 4 && !memcmp(s + i, "true", 4)) ||
		        (n == 5 && !memcmp(s + i, "false", 5)) ||
		        (n == 4 && !memcmp(s + i, "null", 4)));
	}
	return j;
}

static bool op_is(const char *s, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(s, name, n);
}

/* Path construction (m, re) and the operators that paint or end a path. */
static bool path_start(const char *s, size_t n)
{
	return op_is(s, n, "m") || op_is(s, n, "re");
}

static bool path_end(const char *s, size_t n)
{
	static const char *const ends[] = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"};
	for (size_t i = 0; i < sizeof ends / sizeof *ends; i++)
		if (op_is(s, n, ends[i]))
			return true;
	return false;
}

char *report__pdf_artifacts(const char *s, size_t len, size_t *out_len)
{
	buf_t out = BUF_INIT;
	int depth = 0;                   /* marked content open (BDC, BMC) */
	bool text = false, path = false; /* inside BT ... ET, inside a path */
	bool art = false;                /* our /Artifact BMC is open */
	size_t copied = 0, op_start = 0; /* op_start: where the operation began */
	bool have_start = false, changed = false;
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (is_space(c)) {
			i++;
			continue;
		}
		if (c == '%') {
			while (i < len && s[i] != '\n' && s[i] != '\r')
				i++;
			continue;
		}
		bool op;
		size_t end = token_end(s, len, i, &op);
		if (end > len)
			goto leave;
		if (!have_start)
			op_start = i, have_start = true;
		if (!op) {
			i = end;
			continue;
		}
		const char *o = s + i;
		size_t n = end - i;
		i = end;
		have_start = false;
		if (op_is(o, n, "BI") || op_is(o, n, "ID") || op_is(o, n, "EI"))
			goto leave; /* binary data follows: not ours to walk */
		bool opens = op_is(o, n, "BDC") || op_is(o, n, "BMC");
		if (op_is(o, n, "EMC")) {
			if (depth == 0)
				goto leave;
			depth--;
			continue;
		}
		if (depth > 0) {
			depth += opens;
			continue;
		}
		/* top level: the graphics state's nesting and marked content
		 * close our run; they may not fall inside an object */
		bool boundary = opens || op_is(o, n, "q") || op_is(o, n, "Q") || op_is(o, n, "cm");
		if (boundary) {
			if (text || path)
				goto leave;
			if (art) {
				buf_append(&out, s + copied, op_start - copied);
				buf_puts(&out, "EMC\n");
				copied = op_start;
				art = false;
			}
			depth += opens;
			continue;
		}
		bool starts =
		    op_is(o, n, "BT") || path_start(o, n) || op_is(o, n, "Do") || op_is(o, n, "sh");
		if (starts && !art && !text && !path) {
			buf_append(&out, s + copied, op_start - copied);
			buf_puts(&out, "/Artifact BMC\n");
			copied = op_start;
			art = changed = true;
		}
		if (op_is(o, n, "BT"))
			text = true;
		else if (op_is(o, n, "ET"))
			text = false;
		else if (path_start(o, n))
			path = true;
		else if (path_end(o, n))
			path = false;
	}
	if (depth != 0 || text || path || !changed)
		goto leave;
	buf_append(&out, s + copied, len - copied);
	if (art)
		buf_puts(&out, "\nEMC\n");
	*out_len = out.len;
	return out.data;
leave:
	buf_free(&out);
	return NULL;
}
