/*
 * text: UTF-8 validation, length and folding on top of utf8proc.
 * Validation is our own small decoder so that it can reject control
 * characters in the same pass; folding and normalisation are utf8proc's.
 * Whitespace means Unicode's, not only ASCII's: a phone keyboard can type a
 * no-break space, and an answer made of those is still empty.
 */
#include "util/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "util/buf.h"

bool text_valid(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0 || cp == 0)
			return false;
		/* C0 and C1 controls and DEL; only tab and line ends are text */
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7f && cp <= 0x9f))
			return false;
		i += (size_t)k;
	}
	return true;
}

size_t text_length(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

enum { WS_NONE, WS_SPACE, WS_LINE };

/* Whether cp is whitespace: a line end (newline, line and paragraph
 * separator) or a space (tab and the space separators, Zs). */
static int ws_class(utf8proc_int32_t cp)
{
	if (cp == '\n' || cp == 0x2028 || cp == 0x2029)
		return WS_LINE;
	if (cp == '\t' || cp == ' ' || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS)
		return WS_SPACE;
	return WS_NONE;
}

/* The explicit bidi formatting characters that reorder the text around
 * them (embeddings, overrides, isolates). The marks LRM, RLM and ALM only
 * act as a strong letter would and stay. */
static bool is_bidi_control(utf8proc_int32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool text_visible(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0)
			return false;
		i += (size_t)k;
		const utf8proc_property_t *prop = utf8proc_get_property(cp);
		switch (prop->category) {
		case UTF8PROC_CATEGORY_CC: /* controls */
		case UTF8PROC_CATEGORY_CF: /* format: ZWSP, ZWJ, bidi controls, soft hyphen */
		case UTF8PROC_CATEGORY_CN: /* unassigned */
		case UTF8PROC_CATEGORY_ZS:
		case UTF8PROC_CATEGORY_ZL:
		case UTF8PROC_CATEGORY_ZP:
		case UTF8PROC_CATEGORY_MN: /* a mark needs a base to be seen */
		case UTF8PROC_CATEGORY_ME: continue;
		default: break;
		}
		/* letters and symbols that draw nothing */
		if (prop->ignorable || cp == 0x115F || cp == 0x1160 || cp == 0x3164 ||
		    cp == 0xFFA0 || cp == 0x2800)
			continue;
		return true;
	}
	return false;
}

/* Collapses whitespace runs to one space (or keeps newlines when multiline,
 * at most one blank line in a row), trims both ends, drops carriage returns.
 * Input is NUL-terminated, valid UTF-8. */
static char *squeeze(const char *s, bool multiline)
{
	buf_t b = BUF_INIT;
	bool pending_space = false, pending_nl = false;
	int nls = 0;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t n = strlen(s), i = 0;
	while (i < n) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
		if (k <= 0) /* cannot happen after utf8proc_map; stop rather than loop */
			break;
		size_t at = i;
		i += (size_t)k;
		if (cp == '\r' || is_bidi_control(cp))
			continue;
		int ws = ws_class(cp);
		if (ws == WS_LINE && multiline) {
			pending_nl = true;
			nls++;
			continue;
		}
		if (ws != WS_NONE) {
			pending_space = true;
			continue;
		}
		if (b.len > 0) {
			if (pending_nl)
				buf_puts(&b, nls > 1 ? "\n\n" : "\n");
			else if (pending_space)
				buf_putc(&b, ' ');
		}
		pending_space = pending_nl = false;
		nls = 0;
		buf_append(&b, s + at, (size_t)k);
	}
	return buf_steal(&b);
}

static char *normalise(const char *s, size_t n, utf8proc_option_t opts, bool multiline)
{
	if (!text_valid(s, n))
		return NULL;
	utf8proc_uint8_t *out = NULL;
	utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
	                                  opts | UTF8PROC_STABLE);
	if (r < 0)
		return NULL;
	char *res = squeeze((const char *)out, multiline);
	free(out);
	return res;
}

char *text_fold(const char *s, size_t n)
{
	return normalise(
	    s, n, UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK,
	    false);
}

char *text_clean(const char *s, size_t n, bool multiline)
{
	return normalise(s, n, UTF8PROC_COMPOSE, multiline);
}
