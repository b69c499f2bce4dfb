/*
 * report/kaart: the entries of the sociale kaart that came from the
 * event (a facilitator promoted one of its answers), for the JSON report:
 * what became of what was said. Only public entries (published or stale)
 * and only their public face: name, where to find them, themes and
 * neighbourhood; no contact, no resident's words (app/kaart.h, invariant 3).
 */
#include <string.h>

#include "report/internal.h"

typedef struct kctx {
	int64_t event_id;
	json_t *out;
} kctx_t;

static void one(const store_kaart_entry_t *e, void *arg)
{
	kctx_t *c = arg;
	if (e->event_id != c->event_id ||
	    (strcmp(e->status, "published") != 0 && strcmp(e->status, "stale") != 0))
		return;
	json_t *doc = json_loads(e->doc, 0, NULL);
	if (!doc)
		return;
	char url[40];
	snprintf(url, sizeof url, "/kaart/%lld", (long long)e->id);
	json_t *th = json_object_get(doc, "themes");
	json_t *nb = json_object_get(doc, "neighbourhood");
	json_array_append_new(
	    c->out, json_pack("{s:I, s:O, s:s, s:s, s:o, s:o, s:I, s:I}", "id", (json_int_t)e->id,
	                      "name", json_object_get(doc, "name"), "url", url, "status", e->status,
	                      "themes", th ? json_incref(th) : json_array(), "neighbourhood",
	                      nb ? json_incref(nb) : json_null(), "session_id",
	                      (json_int_t)e->session_id, "answer_id", (json_int_t)e->answer_id));
	json_decref(doc);
}

json_t *report_kaart(report_t *r)
{
	kctx_t c = {.event_id = r->event_id, .out = json_array()};
	if (store_kaart_entries(r->store, one, &c) != STORE_OK) {
		json_decref(c.out);
		return NULL;
	}
	return c.out;
}
