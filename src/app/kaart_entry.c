/*
 * kaart_entry: an entry's fields (app/kaart.h has their names): read from
 * the editor's form, checked with the same rules when they come from an
 * import, and cut into stems for the search.
 *
 * Every field is bounded (kaart.h's enum) and checked as text (valid
 * UTF-8, visible); a wrong field is named with an i18n key of its own
 * ("kaart.err_*"), so the form shows each error beside its field in the
 * reader's language and keeps what was typed.
 *
 * The search stems every word with Snowball's Dutch stemmer (as the
 * themes of answers do, model/themes.c) after folding it (util/text.h:
 * case, accents, NFKC), so "taalcafés" finds "Taalcafé" and "ontmoeten"
 * finds "ontmoeting" by the prefix "ontmoet". Stemming in C, not in the
 * database, keeps the two engines alike.
 */
#include <ctype.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/kaart.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/xalloc.h"

const char *const kaart_days[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

bool kaart_status_ok(const char *s)
{
	return s && (!strcmp(s, "draft") || !strcmp(s, "review") || !strcmp(s, "published") ||
	             !strcmp(s, "stale"));
}

/* ---- checks ---- */

static bool text_ok(const char *s, size_t max, bool multiline)
{
	size_t n = strlen(s);
	if (!text_valid(s, n) || text_length(s, n) > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t')))
			return false;
	return true;
}

static bool url_ok(const char *s)
{
	if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7))
		return false;
	if (strlen(s) > 300)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == '"' || *p == '<' || *p == '>' || *p >= 0x7f)
			return false;
	return true;
}

static bool email_ok(const char *s)
{
	size_t n = strlen(s);
	const char *at = strchr(s, '@');
	if (n < 3 || n > 254 || !at || at == s || strchr(at + 1, '@') || !strchr(at, '.'))
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("\"<>(),;:\\[]", *p))
			return false;
	return s[n - 1] != '.';
}

static bool phone_ok(const char *s)
{
	size_t digits = 0, n = strlen(s);
	if (n > 30)
		return false;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr("+-() ", *p))
			return false;
	}
	return digits >= 3;
}

static bool time_ok(const char *s)
{
	return strlen(s) == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	       s[2] == ':' && isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
	       atoi(s) < 24 && atoi(s + 3) < 60;
}

static bool date_ok(const char *s)
{
	int y, m, d;
	char end;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3)
		return false;
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] &&
	       (m != 2 || d < 29 || leap);
}

/* ---- the fields, one table ---- */

enum { F_TEXT, F_LONG, F_URL, F_EMAIL, F_PHONE, F_DATE };
static const struct {
	const char *name;
	int type;
	size_t max;
	bool required;
} fields[] = {
    {"name", F_TEXT, KAART_NAME_MAX, true},
    {"description", F_LONG, KAART_TEXT_MAX, false},
    {"neighbourhood", F_TEXT, KAART_ITEM_MAX, false},
    {"url", F_URL, 300, false},
    {"email", F_EMAIL, 254, false},
    {"phone", F_PHONE, 30, false},
    {"accessibility", F_LONG, KAART_SHORT_MAX * 2, false},
    {"schedule_description", F_LONG, KAART_SHORT_MAX, false},
    {"last_checked", F_DATE, 10, false},
    {"source_url", F_URL, 300, false},
    {"source_text", F_LONG, KAART_TEXT_MAX, false},
};
static const char *const lists[] = {"themes", "target_groups", "languages"};

/* The error key of a field whose value is v, or NULL when it is good. */
static const char *field_error(size_t i, const char *v)
{
	if (!*v)
		return fields[i].required ? "kaart.err_required" : NULL;
	if (!text_ok(v, fields[i].max, fields[i].type == F_LONG) || !text_visible(v, strlen(v)))
		return "kaart.err_text";
	switch (fields[i].type) {
	case F_URL: return url_ok(v) ? NULL : "kaart.err_url";
	case F_EMAIL: return email_ok(v) ? NULL : "kaart.err_email";
	case F_PHONE: return phone_ok(v) ? NULL : "kaart.err_phone";
	case F_DATE: return date_ok(v) ? NULL : "kaart.err_date";
	default: return NULL;
	}
}

static const char *list_error(const json_t *arr)
{
	if (!json_is_array(arr) || json_array_size(arr) > KAART_LIST_MAX)
		return "kaart.err_list";
	size_t i;
	json_t *v;
	json_array_foreach (arr, i, v) {
		const char *s = json_string_value(v);
		if (!s || !*s || !text_ok(s, KAART_ITEM_MAX, false) || strchr(s, ','))
			return "kaart.err_list";
	}
	return NULL;
}

/* "a, b ,c" as ["a","b","c"], empty items dropped (at most one more than
 * the limit, so that too many is still seen). */
static json_t *split_list(const char *s)
{
	json_t *arr = json_array();
	while (*s && json_array_size(arr) <= KAART_LIST_MAX) {
		size_t n = strcspn(s, ",;\n");
		const char *b = s, *e = s + n;
		while (b < e && isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		if (e > b)
			json_array_append_new(arr, json_stringn(b, (size_t)(e - b)));
		s += n;
		if (*s)
			s++;
	}
	return arr;
}

static int coord_check(json_t *doc, const char *k, double lim)
{
	json_t *v = json_object_get(doc, k);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return -1;
	double d = json_number_value(v);
	return d >= -lim && d <= lim ? 0 : -1;
}

int kaart_validate(json_t *doc, const char **field)
{
	const char *dummy;
	if (!field)
		field = &dummy;
	*field = NULL;
	if (!json_is_object(doc))
		return UV_EINVAL;
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		json_t *v = json_object_get(doc, fields[i].name);
		const char *s = v ? json_string_value(v) : "";
		if ((v && !json_is_string(v)) || field_error(i, s)) {
			*field = fields[i].name;
			return UV_EINVAL;
		}
	}
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
		json_t *v = json_object_get(doc, lists[i]);
		if (v && list_error(v)) {
			*field = lists[i];
			return UV_EINVAL;
		}
	}
	if (coord_check(doc, "latitude", 90) || coord_check(doc, "longitude", 180)) {
		*field = "latitude";
		return UV_EINVAL;
	}
	json_t *ad = json_object_get(doc, "address");
	if (ad) {
		static const char *const parts[] = {"address_1", "postal_code", "city"};
		for (size_t i = 0; i < 3; i++) {
			json_t *v = json_object_get(ad, parts[i]);
			if (v && (!json_is_string(v) ||
			          !text_ok(json_string_value(v), KAART_ITEM_MAX * 2, false))) {
				*field = parts[i];
				return UV_EINVAL;
			}
		}
	}
	json_t *sc = json_object_get(doc, "schedules");
	if (sc) {
		if (!json_is_array(sc) || json_array_size(sc) > 14) {
			*field = "schedules";
			return UV_EINVAL;
		}
		size_t i;
		json_t *r;
		json_array_foreach (sc, i, r) {
			const char *d = json_string_value(json_object_get(r, "byday"));
			const char *o = json_string_value(json_object_get(r, "opens_at"));
			const char *c = json_string_value(json_object_get(r, "closes_at"));
			bool day = false;
			for (int k = 0; d && k < 7; k++)
				day |= strcmp(d, kaart_days[k]) == 0;
			if (!day || !o || !c || !time_ok(o) || !time_ok(c) || strcmp(o, c) >= 0) {
				*field = "schedules";
				return UV_EINVAL;
			}
		}
	}
	return 0;
}

/* ---- the form ---- */

static void form_get(const char *body, size_t len, const char *name, char *out, size_t n)
{
	if (http_form_field(body, len, name, 0, out, n) < 0)
		out[0] = '\0';
}

json_t *kaart_from_form(const char *body, size_t len, json_t *errors)
{
	json_t *doc = json_object();
	char *v = xmalloc(KAART_TEXT_MAX * 4 + 8);
	size_t vmax = KAART_TEXT_MAX * 4 + 8;
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		int n = http_form_field(body, len, fields[i].name, 0, v, vmax);
		if (n < 0)
			v[0] = '\0';
		/* trimmed, with CRLF of a textarea made LF */
		char *t = text_clean(v, strlen(v), fields[i].type == F_LONG);
		const char *s = t ? t : v;
		const char *err = t ? field_error(i, s) : "kaart.err_text";
		if (*s)
			json_object_set_new(doc, fields[i].name, json_string(t ? s : ""));
		if (err)
			json_object_set_new(errors, fields[i].name, json_string(err));
		free(t);
	}
	/* themes: one checkbox each, from the municipality's list */
	json_t *themes = json_array();
	for (size_t i = 0; i < KAART_THEMES_MAX; i++) {
		if (http_form_field(body, len, "themes", i, v, KAART_ITEM_MAX * 4 + 1) < 0)
			break;
		if (*v)
			json_array_append_new(themes, json_string(v));
	}
	json_object_set_new(doc, "themes", themes);
	for (size_t i = 1; i < sizeof lists / sizeof *lists; i++) {
		form_get(body, len, lists[i], v, vmax);
		json_t *arr = split_list(v);
		json_object_set_new(doc, lists[i], arr);
	}
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
		if (list_error(json_object_get(doc, lists[i])))
			json_object_set_new(errors, lists[i], json_string("kaart.err_list"));
	json_t *ad = json_object();
	static const char *const parts[] = {"address_1", "postal_code", "city"};
	for (size_t i = 0; i < 3; i++) {
		form_get(body, len, parts[i], v, KAART_ITEM_MAX * 8);
		char *t = text_clean(v, strlen(v), false);
		if (!t || !text_ok(t, KAART_ITEM_MAX * 2, false))
			json_object_set_new(errors, parts[i], json_string("kaart.err_text"));
		else if (*t)
			json_object_set_new(ad, parts[i], json_string(t));
		free(t);
	}
	json_object_set_new(doc, "address", ad);
	static const char *const coords[][2] = {{"lat", "latitude"}, {"lon", "longitude"}};
	for (size_t i = 0; i < 2; i++) {
		form_get(body, len, coords[i][0], v, 32);
		if (!*v)
			continue;
		char *end;
		double d = strtod(v, &end);
		double lim = i == 0 ? 90 : 180;
		if (*end || end == v || d < -lim || d > lim)
			json_object_set_new(errors, coords[i][1], json_string("kaart.err_coord"));
		else
			json_object_set_new(doc, coords[i][1], json_real(d));
	}
	json_t *sc = json_array();
	for (int k = 0; k < 7; k++) {
		char on[24], off[24], o[8], c[8];
		snprintf(on, sizeof on, "opens_%s", kaart_days[k]);
		snprintf(off, sizeof off, "closes_%s", kaart_days[k]);
		form_get(body, len, on, o, sizeof o);
		form_get(body, len, off, c, sizeof c);
		if (!*o && !*c)
			continue;
		if (!time_ok(o) || !time_ok(c) || strcmp(o, c) >= 0) {
			json_object_set_new(errors, on, json_string("kaart.err_hours"));
			continue;
		}
		json_array_append_new(sc, json_pack("{s:s, s:s, s:s}", "byday", kaart_days[k],
		                                    "opens_at", o, "closes_at", c));
	}
	json_object_set_new(doc, "schedules", sc);
	form_get(body, len, "contact_confirmed", v, 8);
	json_object_set_new(doc, "contact_confirmed", json_boolean(*v != '\0'));
	free(v);
	(void)vmax;
	return doc;
}

/* ---- search ---- */

/* Appends the stems of the words of s to b, each as " stem". */
static void stems_of(struct sb_stemmer *sb, buf_t *b, const char *s)
{
	char *f = text_fold(s, strlen(s));
	if (!f)
		return;
	for (char *p = f; *p;) {
		/* a word: letters and digits, any byte of a multibyte character */
		size_t n = 0;
		while (p[n] && (isalnum((unsigned char)p[n]) || (unsigned char)p[n] >= 0x80))
			n++;
		if (n >= 2) {
			const sb_symbol *st =
			    sb ? sb_stemmer_stem(sb, (const sb_symbol *)p, (int)n) : NULL;
			buf_append(b, " ", 1);
			if (st)
				buf_append(b, (const char *)st, (size_t)sb_stemmer_length(sb));
			else
				buf_append(b, p, n);
		}
		p += n;
		while (*p && !(isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80))
			p++;
	}
	free(f);
}

static char *finish(buf_t *b)
{
	buf_putc(b, ' ');
	return buf_steal(b);
}

char *kaart_terms(const json_t *doc)
{
	struct sb_stemmer *sb = sb_stemmer_new("dutch", NULL);
	buf_t b = BUF_INIT;
	static const char *const keys[] = {"name", "description", "neighbourhood", "accessibility"};
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const char *s = json_string_value(json_object_get(doc, keys[i]));
		if (s)
			stems_of(sb, &b, s);
	}
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
		size_t k;
		json_t *v;
		json_array_foreach (json_object_get(doc, lists[i]), k, v)
			stems_of(sb, &b, json_string_value(v));
	}
	const char *city =
	    json_string_value(json_object_get(json_object_get(doc, "address"), "city"));
	if (city)
		stems_of(sb, &b, city);
	if (sb)
		sb_stemmer_delete(sb);
	return finish(&b);
}

char *kaart_query_terms(const char *q)
{
	struct sb_stemmer *sb = sb_stemmer_new("dutch", NULL);
	buf_t b = BUF_INIT;
	stems_of(sb, &b, q);
	if (sb)
		sb_stemmer_delete(sb);
	return finish(&b);
}

/* Whether the stem q[0..n) begins a stem of terms, or a stem of terms of
 * four bytes or more begins q (Snowball keeps "taalcafes" whole but cuts
 * "taalcafe" to "taalcaf": the plural still finds the entry). */
static bool stem_found(const char *terms, const char *q, size_t n)
{
	for (const char *t = terms; *t;) {
		while (*t == ' ')
			t++;
		size_t m = strcspn(t, " ");
		if (!m)
			break;
		if ((m >= n && !memcmp(t, q, n)) || (m >= 4 && m < n && !memcmp(t, q, m)))
			return true;
		t += m;
	}
	return false;
}

bool kaart_terms_match(const char *terms, const char *query)
{
	for (const char *p = query; *p;) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, " ");
		if (!n)
			break;
		if (!stem_found(terms, p, n))
			return false;
		p += n;
	}
	return true;
}

char *kaart_join(const json_t *doc, const char *field)
{
	buf_t b = BUF_INIT;
	size_t i;
	json_t *v;
	json_array_foreach (json_object_get(doc, field), i, v) {
		if (i)
			buf_append(&b, ", ", 2);
		const char *s = json_string_value(v);
		buf_append(&b, s, strlen(s));
	}
	return buf_steal(&b);
}
