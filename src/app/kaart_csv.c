/*
 * kaart_csv: HSDS 3's tabular form, one CSV file per table in a zip
 * (organizations.csv, services.csv, locations.csv, addresses.csv,
 * accessibility.csv, phones.csv, languages.csv, schedules.csv,
 * attributes.csv), made from and read back into the nested JSON of
 * kaart_hsds.c, so that both forms carry exactly the same entries.
 *
 * Each child table names its parent by the spec's foreign key
 * (organization_id, location_id, service_id; attributes by link_id with
 * link_entity "service"). CSV is RFC 4180: every field quoted when it
 * holds a comma, quote or line break, quotes doubled, CRLF line ends; the
 * reader takes LF too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "app/deckzip.h"
#include "app/kaart.h"
#include "util/xalloc.h"

enum { T_ORG, T_SERVICE, T_LOCATION, T_ADDRESS, T_ACCESS, T_PHONE, T_LANG, T_SCHED, T_ATTR, T_N };

static const struct table {
	const char *file;
	int parent;        /* -1: organizations */
	const char *array; /* the parent's array holding these rows */
	const char *key;   /* the column naming the parent's id */
	const char *cols[8];
} tables[T_N] = {
    [T_ORG] =
        {"organizations.csv", -1, NULL, NULL, {"id", "name", "description", "email", "website"}},
    [T_SERVICE] = {"services.csv",
                   T_ORG,
                   "services",
                   "organization_id",
                   {"id", "organization_id", "name", "description", "url", "email", "status",
                    "assured_date"}},
    [T_LOCATION] = {"locations.csv",
                    T_ORG,
                    "locations",
                    "organization_id",
                    {"id", "organization_id", "location_type", "name", "latitude", "longitude"}},
    [T_ADDRESS] = {"addresses.csv",
                   T_LOCATION,
                   "addresses",
                   "location_id",
                   {"id", "location_id", "address_1", "postal_code", "city", "country",
                    "address_type"}},
    [T_ACCESS] = {"accessibility.csv",
                  T_LOCATION,
                  "accessibility",
                  "location_id",
                  {"id", "location_id", "description"}},
    [T_PHONE] =
        {"phones.csv", T_ORG, "phones", "organization_id", {"id", "organization_id", "number"}},
    [T_LANG] =
        {"languages.csv", T_SERVICE, "languages", "service_id", {"id", "service_id", "name"}},
    [T_SCHED] = {"schedules.csv",
                 T_SERVICE,
                 "schedules",
                 "service_id",
                 {"id", "service_id", "freq", "byday", "opens_at", "closes_at", "description"}},
    [T_ATTR] = {"attributes.csv",
                T_SERVICE,
                "attributes",
                "link_id",
                {"id", "link_id", "link_type", "value"}},
};

/* ---- writing ---- */

static void csv_field(buf_t *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(b, s);
		return;
	}
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static void csv_row(buf_t *b, const struct table *t, const json_t *o, const char *parent_id)
{
	for (size_t c = 0; c < 8 && t->cols[c]; c++) {
		if (c)
			buf_putc(b, ',');
		json_t *v = json_object_get(o, t->cols[c]);
		char num[32];
		if (t->key && !strcmp(t->cols[c], t->key))
			csv_field(b, parent_id);
		else if (json_is_string(v))
			csv_field(b, json_string_value(v));
		else if (json_is_number(v)) {
			snprintf(num, sizeof num, "%.10g", json_number_value(v));
			buf_puts(b, num);
		}
	}
	buf_puts(b, "\r\n");
}

/* Writes the rows of table t found under o (of table `at`). */
static void walk(buf_t *out, int t, int at, const json_t *o)
{
	for (int child = 0; child < T_N; child++) {
		if (tables[child].parent != at)
			continue;
		size_t i;
		json_t *v;
		json_array_foreach (json_object_get(o, tables[child].array), i, v) {
			if (child == t)
				csv_row(out, &tables[t], v,
				        json_string_value(json_object_get(o, "id"))
				            ? json_string_value(json_object_get(o, "id"))
				            : "");
			walk(out, t, child, v);
		}
	}
}

int kaart_csv_zip(const json_t *hsds, buf_t *out)
{
	buf_t files[T_N];
	deckzip_entry_t e[T_N];
	for (int t = 0; t < T_N; t++) {
		files[t] = (buf_t)BUF_INIT;
		for (size_t c = 0; c < 8 && tables[t].cols[c]; c++) {
			if (c)
				buf_putc(&files[t], ',');
			buf_puts(&files[t], tables[t].cols[c]);
		}
		buf_puts(&files[t], "\r\n");
		size_t i;
		json_t *org;
		json_array_foreach (hsds, i, org) {
			if (t == T_ORG)
				csv_row(&files[t], &tables[t], org, "");
			else
				walk(&files[t], t, T_ORG, org);
		}
		e[t] = (deckzip_entry_t){tables[t].file, files[t].data, files[t].len, 1};
	}
	int rc = deckzip_write(out, e, T_N);
	for (int t = 0; t < T_N; t++)
		buf_free(&files[t]);
	return rc < 0 ? UV_EIO : 0;
}

/* ---- reading ---- */

/* The rows of one CSV text as objects keyed by its header; empty fields
 * are left out. NULL when it is malformed (a quote left open, bytes that
 * are not UTF-8). */
json_t *kaart_csv_parse(const char *s, size_t n)
{
	json_t *rows = json_array(), *header = json_array(), *row = json_array();
	buf_t f = BUF_INIT;
	size_t i = 0;
	bool first = true;
	while (i <= n) {
		buf_clear(&f);
		buf_puts(&f, "");
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				if (i >= n)
					goto bad;
				if (s[i] == '"' && i + 1 < n && s[i + 1] == '"') {
					buf_putc(&f, '"');
					i += 2;
				} else if (s[i] == '"') {
					i++;
					break;
				} else {
					buf_putc(&f, s[i++]);
				}
			}
		} else {
			while (i < n && s[i] != ',' && s[i] != '\n' && s[i] != '\r')
				buf_putc(&f, s[i++]);
		}
		/* text that is not UTF-8 makes the whole file unreadable */
		json_t *v = json_string(f.data ? f.data : "");
		if (!v)
			goto bad;
		json_array_append_new(row, v);
		if (i < n && s[i] == ',') {
			i++;
			continue;
		}
		/* the end of a row */
		if (i < n && s[i] == '\r')
			i++;
		if (i < n && s[i] == '\n')
			i++;
		if (first) {
			json_decref(header);
			header = row;
			first = false;
		} else if (json_array_size(row) > 1 || *json_string_value(json_array_get(row, 0))) {
			json_t *o = json_object();
			for (size_t c = 0; c < json_array_size(header) && c < json_array_size(row);
			     c++)
				if (*json_string_value(json_array_get(row, c)))
					json_object_set(
					    o, json_string_value(json_array_get(header, c)),
					    json_array_get(row, c));
			json_array_append_new(rows, o);
			json_decref(row);
		} else {
			json_decref(row);
		}
		row = json_array();
		if (i >= n)
			break;
	}
	json_decref(row);
	json_decref(header);
	buf_free(&f);
	return rows;
bad:
	json_decref(row);
	json_decref(header);
	json_decref(rows);
	buf_free(&f);
	return NULL;
}

static char *zip_text(zip_t *za, const char *name, size_t *len)
{
	zip_file_t *f = zip_fopen(za, name, 0);
	if (!f)
		return NULL;
	buf_t b = BUF_INIT;
	char chunk[16384];
	zip_int64_t n;
	while ((n = zip_fread(f, chunk, sizeof chunk)) > 0 && b.len < 64u << 20)
		buf_append(&b, chunk, (size_t)n);
	zip_fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

json_t *kaart_csv_read(const char *path, char *err, size_t errlen)
{
	int zerr = 0;
	zip_t *za = zip_open(path, ZIP_RDONLY, &zerr);
	if (!za) {
		snprintf(err, errlen, "%s: not a zip file", path);
		return NULL;
	}
	json_t *rows[T_N] = {0}, *orgs = NULL;
	for (int t = 0; t < T_N; t++) {
		size_t len = 0;
		char *text = zip_text(za, tables[t].file, &len);
		rows[t] = text ? kaart_csv_parse(text, len) : json_array();
		free(text);
		if (!rows[t] || (t == T_ORG && !text)) {
			snprintf(err, errlen, "%s: %s is missing or malformed", path,
			         tables[t].file);
			goto done;
		}
	}
	/* each row into its parent's array, children before their parents
	 * are attached (the table order puts parents first) */
	json_t *by_id[T_N];
	for (int t = 0; t < T_N; t++) {
		by_id[t] = json_object();
		size_t i;
		json_t *r;
		json_array_foreach (rows[t], i, r) {
			const char *id = json_string_value(json_object_get(r, "id"));
			if (id)
				json_object_set(by_id[t], id, r);
		}
	}
	for (int t = 1; t < T_N; t++) {
		size_t i;
		json_t *r;
		json_array_foreach (rows[t], i, r) {
			const char *pid = json_string_value(json_object_get(r, tables[t].key));
			json_t *parent = pid ? json_object_get(by_id[tables[t].parent], pid) : NULL;
			if (!parent)
				continue;
			json_t *arr = json_object_get(parent, tables[t].array);
			if (!arr) {
				arr = json_array();
				json_object_set_new(parent, tables[t].array, arr);
			}
			json_array_append(arr, r);
		}
	}
	/* numbers where HSDS has numbers */
	size_t i;
	json_t *r;
	json_array_foreach (rows[T_LOCATION], i, r) {
		static const char *const k[] = {"latitude", "longitude"};
		for (int c = 0; c < 2; c++) {
			const char *v = json_string_value(json_object_get(r, k[c]));
			if (v)
				json_object_set_new(r, k[c], json_real(strtod(v, NULL)));
		}
	}
	orgs = json_incref(rows[T_ORG]);
	for (int t = 0; t < T_N; t++)
		json_decref(by_id[t]);
done:
	for (int t = 0; t < T_N; t++)
		json_decref(rows[t]);
	zip_discard(za);
	return orgs;
}
