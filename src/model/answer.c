/*
 * answer: what is common to the answers of every kind (see answer.h): the
 * dispatch to the kind's own validation (model/kind_*.c), the helpers the
 * kinds share, the request's envelope and the normal form as text.
 * Messages are for the participant, in the event's language; every branch
 * that rejects says what was wrong and what would be right. Nothing here
 * depends on who answers: allowances are tally's part.
 *
 * This is the answer path of a storm: answer_envelope, then
 * answer_validate (one indexed call into the kind's table, no allocation
 * for the dispatch), then answer_norm_text for the store.
 */
#include "model/answer.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "model/internal.h"
#include "util/buf.h"
#include "util/text.h"

int answer__reject(int code, char *msg, size_t msglen, const char *lang, const char *key, ...)
{
	va_list ap;
	va_start(ap, key);
	vsnprintf(msg, msglen, model__tr(lang, key), ap);
	va_end(ap);
	return code;
}

char *answer__clean_text(const json_t *v, bool multiline, int max, const char *lang, char *msg,
                         size_t msglen, int *rc)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	char *c = text_clean(s, n, multiline);
	if (!c) {
		*rc = ANSWER__BAD("answer.bad_chars");
		return NULL;
	}
	if (*c && !text_visible(c, strlen(c))) {
		free(c);
		*rc = ANSWER__BAD("answer.invisible");
		return NULL;
	}
	size_t len = text_length(c, strlen(c));
	if (len > (size_t)max) {
		free(c);
		*rc = multiline ? answer__reject(ANSWER_ETOOLONG, msg, msglen, lang,
		                                 "answer.too_long", len, max)
		                : answer__reject(ANSWER_ETOOLONG, msg, msglen, lang,
		                                 "answer.word_too_long", len, max);
		return NULL;
	}
	return c;
}

char *answer__clean_answer(const json_t *v, int max, const char *lang, char *msg, size_t msglen,
                           int *rc)
{
	char *c = answer__clean_text(v, true, max, lang, msg, msglen, rc);
	if (c && !*c) {
		free(c);
		*rc = ANSWER__BAD("answer.empty");
		return NULL;
	}
	return c;
}

int answer__int_list(const json_t *value, bool single_ok, json_int_t *v, size_t max, size_t *n)
{
	if (single_ok && json_is_integer(value)) {
		v[0] = json_integer_value(value);
		*n = 1;
		return 0;
	}
	if (!json_is_array(value) || json_array_size(value) > max)
		return UV_EINVAL;
	*n = json_array_size(value);
	for (size_t i = 0; i < *n; i++) {
		json_t *e = json_array_get(value, i);
		if (!json_is_integer(e))
			return UV_EINVAL;
		v[i] = json_integer_value(e);
	}
	return 0;
}

json_t *answer__int_array(const json_int_t *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

const char *answer__item(const slide_t *s, json_int_t i)
{
	return i >= 0 && (size_t)i < s->n_items ? s->items[i] : "?";
}

int answer__one_unit(const slide_t *s, const json_t *norm)
{
	return 1;
}

int answer_validate(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
                    char *msg, size_t msglen)
{
	assert(s && norm);
	*norm = NULL;
	return kind_of(s->kind)->validate(s, value, lang, norm, msg, msglen);
}

int answer_units(const slide_t *s, const json_t *norm)
{
	assert(s && norm);
	return kind_of(s->kind)->units(s, norm);
}

/* ---- the request's envelope, the short way ---- */

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* A key without escapes, then the colon: "id", "slide" or "value" (1, 2, 3),
 * 0 for anything else. */
static int envelope_key(const char **pp, const char *end)
{
	static const char *const keys[] = {"id", "slide", "value"};
	const char *p = *pp;
	if (p == end || *p != '"')
		return 0;
	const char *k = ++p;
	while (p < end && *p >= 'a' && *p <= 'z')
		p++;
	if (p == end || *p != '"')
		return 0;
	size_t n = (size_t)(p - k);
	p = skip_ws(p + 1, end);
	if (p == end || *p != ':')
		return 0;
	*pp = skip_ws(p + 1, end);
	for (int i = 0; i < 3; i++)
		if (strlen(keys[i]) == n && memcmp(keys[i], k, n) == 0)
			return i + 1;
	return 0;
}

int answer_envelope(const char *body, size_t len, answer_envelope_t *out)
{
	const char *p = body, *end = body + len;
	bool have_id = false, have_slide = false;
	p = skip_ws(p, end);
	if (p == end || *p++ != '{')
		return UV_EINVAL;
	p = skip_ws(p, end);
	for (;;) {
		int key = envelope_key(&p, end);
		if (key == 1 && !have_id) {
			if (p == end || *p++ != '"')
				return UV_EINVAL;
			size_t n = 0;
			while (p < end && *p != '"') {
				char c = *p++;
				if (n == sizeof out->id - 1 ||
				    !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				      (c >= '0' && c <= '9') || c == '_' || c == '-'))
					return UV_EINVAL;
				out->id[n++] = c;
			}
			if (p == end)
				return UV_EINVAL;
			p++;
			out->id[n] = '\0';
			have_id = true;
		} else if (key == 2 && !have_slide) {
			bool neg = p < end && *p == '-';
			p += neg;
			const char *d = p;
			long long v = 0;
			while (p < end && *p >= '0' && *p <= '9' && p - d < 18)
				v = v * 10 + (*p++ - '0');
			/* no digits, a leading zero, a fraction, an exponent or 18+
			 * digits: the full parser decides */
			if (p == d || (*d == '0' && p - d > 1) ||
			    (p < end &&
			     (*p == '.' || *p == 'e' || *p == 'E' || (*p >= '0' && *p <= '9'))))
				return UV_EINVAL;
			out->slide = neg ? -v : v;
			have_slide = true;
		} else if (key == 3 && have_id && have_slide) {
			/* value runs to the object's closing brace, the body's last
			 * character but white space */
			const char *e = end;
			while (e > p &&
			       (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
				e--;
			if (e == p || e[-1] != '}')
				return UV_EINVAL;
			e--;
			out->value = json_loadb(p, (size_t)(e - p), JSON_DECODE_ANY, NULL);
			return out->value ? 0 : UV_EINVAL;
		} else {
			return UV_EINVAL;
		}
		p = skip_ws(p, end);
		if (p == end || *p++ != ',')
			return UV_EINVAL;
		p = skip_ws(p, end);
	}
}

/* ---- for readers ---- */

char *answer_text(const slide_t *s, const json_t *v)
{
	buf_t b = BUF_INIT;
	kind_of(s->kind)->text(s, v, &b);
	return buf_steal(&b); /* "" when nothing was written */
}

/* ---- the normal form as text ---- */

/* A JSON string as jansson writes it without flags: quotes, backslash and
 * control characters escaped, everything else (valid UTF-8) as it is. */
static void put_json_string(buf_t *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_putc(b, '"');
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_append(b, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': buf_puts(b, "\\\""); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\b': buf_puts(b, "\\b"); break;
		case '\f': buf_puts(b, "\\f"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		case '\t': buf_puts(b, "\\t"); break;
		default:
			buf_puts(b, "\\u00");
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
	buf_append(b, s + start, n - start);
	buf_putc(b, '"');
}

/* Writes a string or a whole number; false for anything else. */
static bool put_scalar(buf_t *b, const json_t *v)
{
	if (json_is_string(v)) {
		put_json_string(b, json_string_value(v), json_string_length(v));
		return true;
	}
	if (json_is_integer(v)) {
		buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return true;
	}
	return false;
}

char *answer_norm_text(const json_t *norm)
{
	buf_t b = BUF_INIT;
	buf_reserve(&b, 64);
	bool ok = true;
	if (json_is_array(norm)) {
		buf_putc(&b, '[');
		for (size_t i = 0; ok && i < json_array_size(norm); i++) {
			if (i)
				buf_putc(&b, ',');
			ok = put_scalar(&b, json_array_get(norm, i));
		}
		buf_putc(&b, ']');
	} else if (json_is_object(norm) && json_object_size(norm) == 1) {
		void *it = json_object_iter((json_t *)norm);
		const char *key = json_object_iter_key(it);
		buf_putc(&b, '{');
		put_json_string(&b, key, strlen(key));
		buf_putc(&b, ':');
		ok = put_scalar(&b, json_object_iter_value(it));
		buf_putc(&b, '}');
	} else {
		ok = put_scalar(&b, norm);
	}
	if (!ok) {
		buf_free(&b);
		return json_dumps(norm, JSON_COMPACT | JSON_ENCODE_ANY);
	}
	return buf_steal(&b);
}
