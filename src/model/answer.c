/*
 * answer: validation and normal form per question type (see answer.h).
 * Messages are for the participant, in the event's language; every branch
 * that rejects says what was wrong and what would be right. Nothing here
 * depends on who answers: allowances are tally's part.
 */
#include "model/answer.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/buf.h"
#include "util/text.h"

enum { CLOUD_INPUT_MAX = 64 }; /* entries looked at, blank ones included */

static int reject(int code, char *msg, size_t msglen, const char *lang, const char *nl,
                  const char *en, ...) __attribute__((format(printf, 6, 7), format(printf, 5, 7)));

static int reject(int code, char *msg, size_t msglen, const char *lang, const char *nl,
                  const char *en, ...)
{
	va_list ap;
	va_start(ap, en);
	vsnprintf(msg, msglen, lang && strcmp(lang, "nl") == 0 ? nl : en, ap);
	va_end(ap);
	return code;
}

#define BAD(...) reject(ANSWER_EINVAL, msg, msglen, lang, __VA_ARGS__)

/* Cleans one text value (a JSON string) into a malloc'd string the caller
 * frees; NULL with *rc and a message when it is invalid or longer than max
 * code points. An empty result is returned as "" for the caller to judge. */
static char *clean_text(const json_t *v, bool multiline, int max, const char *lang, char *msg,
                        size_t msglen, int *rc)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	char *c = text_clean(s, n, multiline);
	if (!c) {
		*rc = BAD("Je antwoord bevat tekens die niet zijn toegestaan.",
		          "Your answer contains characters that are not allowed.");
		return NULL;
	}
	if (*c && !text_visible(c, strlen(c))) {
		free(c);
		*rc = BAD("Je antwoord bevat geen zichtbare tekens.",
		          "Your answer has no visible characters.");
		return NULL;
	}
	size_t len = text_length(c, strlen(c));
	if (len > (size_t)max) {
		free(c);
		*rc = multiline
		          ? reject(ANSWER_ETOOLONG, msg, msglen, lang,
		                   "Je antwoord is %zu tekens; het maximum is %d.",
		                   "Your answer is %zu characters; the maximum is %d.", len, max)
		          : reject(ANSWER_ETOOLONG, msg, msglen, lang,
		                   "Je woord is %zu tekens; het maximum is %d.",
		                   "Your word is %zu characters; the maximum is %d.", len, max);
		return NULL;
	}
	return c;
}

/* clean_text for a whole answer, which must not be empty. */
static char *clean_answer(const json_t *v, int max, const char *lang, char *msg, size_t msglen,
                          int *rc)
{
	char *c = clean_text(v, true, max, lang, msg, msglen, rc);
	if (c && !*c) {
		free(c);
		*rc = BAD("Je antwoord is leeg.", "Your answer is empty.");
		return NULL;
	}
	return c;
}

static int cmp_int(const void *a, const void *b)
{
	json_int_t x = *(const json_int_t *)a, y = *(const json_int_t *)b;
	return (x > y) - (x < y);
}

/* Reads an array of whole numbers (or a single one when single_ok) into v. */
static int int_list(const json_t *value, bool single_ok, json_int_t *v, size_t max, size_t *n)
{
	if (single_ok && json_is_integer(value)) {
		v[0] = json_integer_value(value);
		*n = 1;
		return 0;
	}
	if (!json_is_array(value) || json_array_size(value) > max)
		return -1;
	*n = json_array_size(value);
	for (size_t i = 0; i < *n; i++) {
		json_t *e = json_array_get(value, i);
		if (!json_is_integer(e))
			return -1;
		v[i] = json_integer_value(e);
	}
	return 0;
}

int answer_validate(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
                    char *msg, size_t msglen)
{
	int rc = ANSWER_EINVAL;
	char *c;
	json_int_t v[DECK_ITEMS_MAX + 1];
	size_t n;
	assert(s && norm);
	*norm = NULL;
	switch (s->kind) {
	case SLIDE_OPEN:
		if (!json_is_string(value))
			return BAD("Je antwoord moet tekst zijn.", "Your answer must be text.");
		if (!(c = clean_answer(value, s->max_length, lang, msg, msglen, &rc)))
			return rc;
		*norm = json_string(c);
		free(c);
		return 0;

	case SLIDE_QA: {
		const json_t *text = value;
		if (json_is_object(value)) {
			json_t *up = json_object_get(value, "upvote");
			if (up) {
				if (!json_is_integer(up) || json_integer_value(up) <= 0 ||
				    json_object_size(value) != 1)
					return BAD("Een stem moet het nummer van een vraag zijn.",
					           "A vote must be the number of a question.");
				*norm = json_pack("{s:I}", "upvote", json_integer_value(up));
				return 0;
			}
			text = json_object_size(value) == 1 ? json_object_get(value, "ask") : NULL;
		}
		if (!json_is_string(text))
			return BAD("Stel een vraag als tekst, of stem op een vraag.",
			           "Ask a question as text, or vote for a question.");
		if (!(c = clean_answer(text, s->max_length, lang, msg, msglen, &rc)))
			return rc;
		*norm = json_pack("{s:s}", "ask", c);
		free(c);
		return 0;
	}

	case SLIDE_CLOUD: {
		/* Blank entries are dropped, not refused: the form on a phone has
		 * one field per allowed entry and most people fill in fewer. */
		json_t *in =
		    json_is_string(value) ? json_pack("[O]", value) : json_incref((json_t *)value);
		if (!json_is_array(in) || json_array_size(in) > CLOUD_INPUT_MAX) {
			json_decref(in);
			return BAD("Geef een of meer woorden.", "Give one or more words.");
		}
		json_t *out = json_array(), *e;
		char *folds[DECK_CLOUD_ENTRIES_MAX] = {0};
		size_t nf = 0, i;
		json_array_foreach (in, i, e) {
			if (!json_is_string(e)) {
				rc = BAD("Elk woord moet tekst zijn.", "Every word must be text.");
				goto cloud_fail;
			}
			if (!(c = clean_text(e, false, s->max_length, lang, msg, msglen, &rc)))
				goto cloud_fail;
			char *f = *c ? text_fold(c, strlen(c)) : NULL;
			bool skip = !f || !*f;
			for (size_t k = 0; k < nf && !skip; k++)
				skip = strcmp(folds[k], f) == 0;
			if (!skip && nf == (size_t)s->max_answers) {
				free(f);
				free(c);
				rc = BAD("Je gaf meer dan %d woorden; het maximum is %d.",
				         "You gave more than %d words; the maximum is %d.",
				         s->max_answers, s->max_answers);
				goto cloud_fail;
			}
			if (skip) {
				free(f);
				free(c);
				continue;
			}
			folds[nf++] = f;
			json_array_append_new(out, json_string(c));
			free(c);
		}
		if (nf == 0) {
			rc = BAD("Je antwoord is leeg.", "Your answer is empty.");
			goto cloud_fail;
		}
		for (size_t k = 0; k < nf; k++)
			free(folds[k]);
		json_decref(in);
		*norm = out;
		return 0;
	cloud_fail:
		for (size_t k = 0; k < nf; k++)
			free(folds[k]);
		json_decref(in);
		json_decref(out);
		return rc;
	}

	case SLIDE_CHOICE:
		if (int_list(value, true, v, DECK_ITEMS_MAX, &n) < 0 || n == 0)
			return BAD("Kies een antwoord uit de lijst.",
			           "Choose an answer from the list.");
		if (!s->multiple && n != 1)
			return BAD("Kies precies één antwoord.", "Choose exactly one answer.");
		qsort(v, n, sizeof *v, cmp_int);
		for (size_t i = 0; i < n; i++) {
			if (v[i] < 0 || v[i] >= (json_int_t)s->n_items)
				return BAD("Kies een antwoord uit de lijst.",
				           "Choose an answer from the list.");
			if (i && v[i] == v[i - 1])
				return BAD("Je koos hetzelfde antwoord twee keer.",
				           "You chose the same answer twice.");
		}
		*norm = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(*norm, json_integer(v[i]));
		return 0;

	case SLIDE_SCALE:
		if (int_list(value, false, v, DECK_ITEMS_MAX, &n) < 0 || n != s->n_items)
			return BAD("Geef bij elke stelling een score (%zu in totaal).",
			           "Give a rating for every statement (%zu in all).", s->n_items);
		for (size_t i = 0; i < n; i++)
			if (v[i] < 1 || v[i] > s->scale_max)
				return BAD("Een score loopt van 1 tot %d.",
				           "A rating goes from 1 to %d.", s->scale_max);
		*norm = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(*norm, json_integer(v[i]));
		return 0;

	case SLIDE_RANK: {
		bool seen[DECK_ITEMS_MAX] = {0};
		if (int_list(value, false, v, DECK_ITEMS_MAX, &n) < 0 || n != s->n_items)
			return BAD("Zet alle %zu opties in een volgorde.",
			           "Put all %zu options in an order.", s->n_items);
		for (size_t i = 0; i < n; i++) {
			if (v[i] < 0 || v[i] >= (json_int_t)n || seen[v[i]])
				return BAD("Elke optie komt precies één keer in de volgorde.",
				           "Every option appears exactly once in the order.");
			seen[v[i]] = true;
		}
		*norm = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(*norm, json_integer(v[i]));
		return 0;
	}

	default: return BAD("Deze dia heeft geen vraag.", "This slide has no question.");
	}
}

int answer_units(const slide_t *s, const json_t *norm)
{
	assert(s && norm);
	if (s->kind == SLIDE_CLOUD)
		return (int)json_array_size(norm);
	if (s->kind == SLIDE_QA && json_object_get(norm, "upvote"))
		return 0;
	return 1;
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
		return -1;
	p = skip_ws(p, end);
	for (;;) {
		int key = envelope_key(&p, end);
		if (key == 1 && !have_id) {
			if (p == end || *p++ != '"')
				return -1;
			size_t n = 0;
			while (p < end && *p != '"') {
				char c = *p++;
				if (n == sizeof out->id - 1 ||
				    !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
				      (c >= '0' && c <= '9') || c == '_' || c == '-'))
					return -1;
				out->id[n++] = c;
			}
			if (p == end)
				return -1;
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
			    (p < end && (*p == '.' || *p == 'e' || *p == 'E' || (*p >= '0' && *p <= '9'))))
				return -1;
			out->slide = neg ? -v : v;
			have_slide = true;
		} else if (key == 3 && have_id && have_slide) {
			/* value runs to the object's closing brace, the body's last
			 * character but white space */
			const char *e = end;
			while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
				e--;
			if (e == p || e[-1] != '}')
				return -1;
			e--;
			out->value = json_loadb(p, (size_t)(e - p), JSON_DECODE_ANY, NULL);
			return out->value ? 0 : -1;
		} else {
			return -1;
		}
		p = skip_ws(p, end);
		if (p == end || *p++ != ',')
			return -1;
		p = skip_ws(p, end);
	}
}

/* ---- for readers ---- */

static const char *item_at(const slide_t *s, json_int_t i)
{
	return i >= 0 && (size_t)i < s->n_items ? s->items[i] : "?";
}

char *answer_text(const slide_t *s, const json_t *v)
{
	buf_t b = BUF_INIT;
	size_t i;
	json_t *e;
	switch (s->kind) {
	case SLIDE_OPEN:
		if (json_is_string(v))
			buf_puts(&b, json_string_value(v));
		break;
	case SLIDE_CLOUD:
		json_array_foreach(v, i, e) buf_printf(&b, "%s%s", i ? "; " : "", json_string_value(e) ? json_string_value(e) : "");
		break;
	case SLIDE_CHOICE:
		json_array_foreach(v, i, e) buf_printf(&b, "%s%s", i ? "; " : "", item_at(s, json_integer_value(e)));
		break;
	case SLIDE_SCALE:
		json_array_foreach(v, i, e) buf_printf(&b, "%s%s: %lld", i ? "; " : "",
						       item_at(s, (json_int_t)i),
						       (long long)json_integer_value(e));
		break;
	case SLIDE_RANK:
		json_array_foreach(v, i, e) buf_printf(&b, "%s%zu. %s", i ? "; " : "", i + 1,
						       item_at(s, json_integer_value(e)));
		break;
	case SLIDE_QA:
		if (json_is_string(json_object_get(v, "ask")))
			buf_puts(&b, json_string_value(json_object_get(v, "ask")));
		else if (json_is_integer(json_object_get(v, "upvote")))
			buf_printf(&b, "+1 #%lld",
				   (long long)json_integer_value(json_object_get(v, "upvote")));
		break;
	case SLIDE_CONTENT:
		break;
	}
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
