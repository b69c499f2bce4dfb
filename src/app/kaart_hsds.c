/*
 * kaart_hsds: the sociale kaart as Open Referral's Human Services Data
 * Specification 3 (HSDS) JSON, both ways, for the workspace and for
 * `inspraak kaart export|import`.
 *
 * One entry is one organization with one service and, when it has an
 * address or a pin, one location:
 *   organization  id, name, description, website, email, phones[].number
 *   service       id, organization_id, name, description, url, email,
 *                 status (active for published, inactive otherwise),
 *                 assured_date (last checked), languages[].name,
 *                 schedules[] {freq WEEKLY, byday, opens_at, closes_at;
 *                 one more with only a description for the free text},
 *                 attributes[] {link_type, value}: theme, target_group,
 *                 neighbourhood, source_url, contact_confirmed and
 *                 inspraak_status (draft, review, published, stale)
 *   location      id, organization_id, location_type physical, latitude,
 *                 longitude, addresses[] {address_1, postal_code, city,
 *                 country NL, address_type physical}, accessibility[]
 *                 .description
 * so that an export imported again gives the same entries (a test checks
 * it). What a resident wrote (source_text) stays in inspraak, and an
 * entry's e-mail address and phone number are left out unless they may be
 * shown in public (kaart.h, invariant 3): an export may end up anywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/kaart.h"
#include "util/xalloc.h"

static void set_str(json_t *o, const char *k, const json_t *doc, const char *from)
{
	json_t *v = json_object_get(doc, from);
	if (json_is_string(v))
		json_object_set(o, k, v);
}

static void attr(json_t *arr, const char *id, size_t *n, const char *type, const char *value)
{
	char aid[96];
	snprintf(aid, sizeof aid, "%s-a%zu", id, (*n)++);
	json_array_append_new(
	    arr, json_pack("{s:s, s:s, s:s}", "id", aid, "link_type", type, "value", value));
}

typedef struct exp {
	json_t *out;
} exp_t;

static void export_one(const store_kaart_entry_t *row, void *arg)
{
	exp_t *x = arg;
	json_t *doc = json_loads(row->doc, 0, NULL);
	if (!doc)
		return;
	bool contact = (!row->answer_id && !row->post_id) ||
	               json_is_true(json_object_get(doc, "contact_confirmed"));
	char id[40], sid[64], lid[64];
	snprintf(id, sizeof id, "inspraak-kaart-%lld", (long long)row->id);
	snprintf(sid, sizeof sid, "%s-service", id);
	snprintf(lid, sizeof lid, "%s-location", id);
	json_t *org = json_pack("{s:s}", "id", id);
	set_str(org, "name", doc, "name");
	set_str(org, "description", doc, "description");
	set_str(org, "website", doc, "url");
	json_t *svc = json_pack("{s:s, s:s, s:s}", "id", sid, "organization_id", id, "status",
	                        strcmp(row->status, "published") ? "inactive" : "active");
	set_str(svc, "name", doc, "name");
	set_str(svc, "description", doc, "description");
	set_str(svc, "url", doc, "url");
	set_str(svc, "assured_date", doc, "last_checked");
	if (contact) {
		set_str(org, "email", doc, "email");
		set_str(svc, "email", doc, "email");
		const char *ph = json_string_value(json_object_get(doc, "phone"));
		if (ph) {
			char pid[96];
			snprintf(pid, sizeof pid, "%s-phone", id);
			json_object_set_new(org, "phones",
			                    json_pack("[{s:s, s:s}]", "id", pid, "number", ph));
		}
	}
	json_t *langs = json_array();
	size_t i, n = 0;
	json_t *v;
	json_array_foreach (json_object_get(doc, "languages"), i, v) {
		char lgid[96];
		snprintf(lgid, sizeof lgid, "%s-l%zu", id, i);
		json_array_append_new(langs, json_pack("{s:s, s:O}", "id", lgid, "name", v));
	}
	json_object_set_new(svc, "languages", langs);
	json_t *sch = json_array();
	json_array_foreach (json_object_get(doc, "schedules"), i, v) {
		json_t *s = json_deep_copy(v);
		char scid[96];
		snprintf(scid, sizeof scid, "%s-s%zu", id, i);
		json_object_set_new(s, "id", json_string(scid));
		json_object_set_new(s, "service_id", json_string(sid));
		json_object_set_new(s, "freq", json_string("WEEKLY"));
		json_array_append_new(sch, s);
	}
	const char *free_text = json_string_value(json_object_get(doc, "schedule_description"));
	if (free_text) {
		char scid[96];
		snprintf(scid, sizeof scid, "%s-sd", id);
		json_array_append_new(sch, json_pack("{s:s, s:s, s:s}", "id", scid, "service_id",
		                                     sid, "description", free_text));
	}
	json_object_set_new(svc, "schedules", sch);
	json_t *at = json_array();
	json_array_foreach (json_object_get(doc, "themes"), i, v)
		attr(at, id, &n, "theme", json_string_value(v));
	json_array_foreach (json_object_get(doc, "target_groups"), i, v)
		attr(at, id, &n, "target_group", json_string_value(v));
	const char *s;
	if ((s = json_string_value(json_object_get(doc, "neighbourhood"))))
		attr(at, id, &n, "neighbourhood", s);
	if ((s = json_string_value(json_object_get(doc, "source_url"))))
		attr(at, id, &n, "source_url", s);
	if (json_is_true(json_object_get(doc, "contact_confirmed")))
		attr(at, id, &n, "contact_confirmed", "true");
	attr(at, id, &n, "inspraak_status", row->status);
	json_object_set_new(svc, "attributes", at);
	json_object_set_new(org, "services", json_pack("[o]", svc));
	json_t *ad = json_object_get(doc, "address");
	json_t *la = json_object_get(doc, "latitude"), *lo = json_object_get(doc, "longitude");
	const char *acc = json_string_value(json_object_get(doc, "accessibility"));
	if (json_object_size(ad) || la || lo || acc) {
		json_t *loc = json_pack("{s:s, s:s, s:s}", "id", lid, "organization_id", id,
		                        "location_type", "physical");
		set_str(loc, "name", doc, "name");
		if (la)
			json_object_set(loc, "latitude", la);
		if (lo)
			json_object_set(loc, "longitude", lo);
		if (json_object_size(ad)) {
			json_t *a = json_deep_copy(ad);
			char aid[96];
			snprintf(aid, sizeof aid, "%s-address", id);
			json_object_set_new(a, "id", json_string(aid));
			json_object_set_new(a, "location_id", json_string(lid));
			json_object_set_new(a, "country", json_string("NL"));
			json_object_set_new(a, "address_type", json_string("physical"));
			json_object_set_new(loc, "addresses", json_pack("[o]", a));
		}
		if (acc) {
			char aid[96];
			snprintf(aid, sizeof aid, "%s-accessibility", id);
			json_object_set_new(loc, "accessibility",
			                    json_pack("[{s:s, s:s, s:s}]", "id", aid, "location_id",
			                              lid, "description", acc));
		}
		json_object_set_new(org, "locations", json_pack("[o]", loc));
	}
	json_array_append_new(x->out, org);
	json_decref(doc);
}

json_t *kaart_hsds_export(store_t *st)
{
	exp_t x = {json_array()};
	if (store_kaart_entries(st, export_one, &x) != STORE_OK) {
		json_decref(x.out);
		return NULL;
	}
	return x.out;
}

/* ---- import ---- */

static void take(json_t *doc, const char *k, const json_t *from, const char *fk)
{
	json_t *v = json_object_get(from, fk);
	if (json_is_string(v) && *json_string_value(v) && !json_object_get(doc, k))
		json_object_set(doc, k, v);
}

/* The entry of one HSDS organization; status into status (16 bytes). */
static json_t *entry_of(const json_t *org, char *status)
{
	json_t *doc = json_object();
	const json_t *svc = json_array_get(json_object_get(org, "services"), 0);
	const json_t *loc = json_array_get(json_object_get(org, "locations"), 0);
	take(doc, "name", org, "name");
	take(doc, "name", svc, "name");
	take(doc, "description", org, "description");
	take(doc, "description", svc, "description");
	take(doc, "url", org, "website");
	take(doc, "url", svc, "url");
	take(doc, "email", org, "email");
	take(doc, "email", svc, "email");
	take(doc, "phone", json_array_get(json_object_get(org, "phones"), 0), "number");
	take(doc, "phone", json_array_get(json_object_get(svc, "phones"), 0), "number");
	take(doc, "last_checked", svc, "assured_date");
	snprintf(status, 16, "%s",
	         json_string_value(json_object_get(svc, "status")) &&
	                 !strcmp(json_string_value(json_object_get(svc, "status")), "active")
	             ? "published"
	             : "draft");
	json_t *themes = json_array(), *groups = json_array(), *langs = json_array();
	size_t i;
	json_t *v;
	json_array_foreach (json_object_get(svc, "attributes"), i, v) {
		const char *t = json_string_value(json_object_get(v, "link_type"));
		json_t *val = json_object_get(v, "value");
		const char *s = json_string_value(val);
		if (!t || !s)
			continue;
		if (!strcmp(t, "theme"))
			json_array_append(themes, val);
		else if (!strcmp(t, "target_group"))
			json_array_append(groups, val);
		else if (!strcmp(t, "neighbourhood"))
			json_object_set(doc, "neighbourhood", val);
		else if (!strcmp(t, "source_url"))
			json_object_set(doc, "source_url", val);
		else if (!strcmp(t, "contact_confirmed"))
			json_object_set_new(doc, "contact_confirmed",
			                    json_boolean(!strcmp(s, "true")));
		else if (!strcmp(t, "inspraak_status") && kaart_status_ok(s))
			snprintf(status, 16, "%s", s);
	}
	json_array_foreach (json_object_get(svc, "languages"), i, v) {
		json_t *name = json_object_get(v, "name");
		if (json_is_string(name))
			json_array_append(langs, name);
	}
	json_object_set_new(doc, "themes", themes);
	json_object_set_new(doc, "target_groups", groups);
	json_object_set_new(doc, "languages", langs);
	json_t *sch = json_array();
	json_array_foreach (json_object_get(svc, "schedules"), i, v) {
		json_t *d = json_object_get(v, "byday");
		if (json_is_string(d) && json_object_get(v, "opens_at")) {
			/* HSDS allows "MO,TU": one row a day here */
			char days[64];
			snprintf(days, sizeof days, "%s", json_string_value(d));
			for (char *p = strtok(days, ","); p; p = strtok(NULL, ","))
				json_array_append_new(
				    sch, json_pack("{s:s, s:O, s:O}", "byday", p, "opens_at",
				                   json_object_get(v, "opens_at"), "closes_at",
				                   json_object_get(v, "closes_at")));
		} else {
			take(doc, "schedule_description", v, "description");
		}
	}
	json_object_set_new(doc, "schedules", sch);
	if (loc) {
		json_t *la = json_object_get(loc, "latitude"),
		       *lo = json_object_get(loc, "longitude");
		if (json_is_number(la) && json_is_number(lo)) {
			json_object_set_new(doc, "latitude", json_real(json_number_value(la)));
			json_object_set_new(doc, "longitude", json_real(json_number_value(lo)));
		}
		const json_t *a = json_array_get(json_object_get(loc, "addresses"), 0);
		json_t *ad = json_object();
		take(ad, "address_1", a, "address_1");
		take(ad, "postal_code", a, "postal_code");
		take(ad, "city", a, "city");
		json_object_set_new(doc, "address", ad);
		take(doc, "accessibility", json_array_get(json_object_get(loc, "accessibility"), 0),
		     "description");
	}
	if (!json_object_get(doc, "contact_confirmed"))
		json_object_set_new(doc, "contact_confirmed", json_false());
	return doc;
}

int kaart_hsds_import(store_t *st, const json_t *hsds, int64_t user, size_t *n, char *err,
                      size_t errlen)
{
	*n = 0;
	err[0] = '\0';
	if (!json_is_array(hsds) || json_array_size(hsds) > 10000) {
		snprintf(err, errlen, "not an HSDS array of organizations");
		return UV_EINVAL;
	}
	size_t count = json_array_size(hsds);
	json_t **docs = xcalloc(count ? count : 1, sizeof *docs);
	char(*status)[16] = xcalloc(count ? count : 1, sizeof *status);
	int rc = 0;
	for (size_t i = 0; i < count && !rc; i++) {
		const char *field;
		docs[i] = entry_of(json_array_get(hsds, i), status[i]);
		if (kaart_validate(docs[i], &field)) {
			snprintf(err, errlen,
			         "organization %zu: the field %s is missing or invalid", i + 1,
			         field);
			rc = UV_EINVAL;
		}
	}
	for (size_t i = 0; i < count && !rc; i++) {
		char *d = json_dumps(docs[i], JSON_COMPACT);
		store_kaart_entry_t row = {.status = status[i], .doc = d};
		rc = store_kaart_save(st, &row, user, "import");
		free(d);
		if (!rc)
			(*n)++;
		else
			snprintf(err, errlen, "the store failed: %s", store_errmsg(st));
	}
	for (size_t i = 0; i < count; i++)
		json_decref(docs[i]);
	free(docs);
	free(status);
	return rc;
}

/* ---- the command line ---- */

static bool is_zip(const char *path)
{
	size_t n = strlen(path);
	return n > 4 && !strcmp(path + n - 4, ".zip");
}

int app_kaart_export(store_t *st, const char *path, char *err, size_t errlen)
{
	json_t *out = kaart_hsds_export(st);
	if (!out) {
		snprintf(err, errlen, "the entries could not be read: %s", store_errmsg(st));
		return UV_EIO;
	}
	if (is_zip(path)) {
		buf_t z = BUF_INIT;
		int rc = kaart_csv_zip(out, &z);
		json_decref(out);
		FILE *f = rc ? NULL : fopen(path, "wb");
		if (f && fwrite(z.data, 1, z.len, f) != z.len)
			rc = UV_EIO;
		if (!f || fclose(f))
			rc = UV_EIO;
		buf_free(&z);
		if (rc)
			snprintf(err, errlen, "%s could not be written", path);
		return rc;
	}
	int rc = json_dump_file(out, path, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	json_decref(out);
	if (rc) {
		snprintf(err, errlen, "%s could not be written", path);
		return UV_EIO;
	}
	return 0;
}

int app_kaart_import(store_t *st, const char *path, size_t *n, char *err, size_t errlen)
{
	json_error_t je;
	*n = 0;
	json_t *in =
	    is_zip(path) ? kaart_csv_read(path, err, errlen) : json_load_file(path, 0, &je);
	if (!in) {
		if (!is_zip(path))
			snprintf(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
		return UV_EINVAL;
	}
	int rc = kaart_hsds_import(st, in, 0, n, err, errlen);
	json_decref(in);
	return rc;
}
