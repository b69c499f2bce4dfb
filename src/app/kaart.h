/*
 * kaart: the sociale kaart's entries (docs/sociale-kaart.md): who does what
 * in the city, grown from what residents said. The entries live in the
 * store (store_kaart_*) and, all of them, in memory here, so that the
 * public list and its search never wait for the database.
 *
 * Invariants:
 *  1. a->kaart holds every entry of the store in id order, each doc valid
 *     by kaart_validate; it changes only on the loop thread, after the
 *     store committed (kaart_put).
 *  2. The public pages and GET /api/v1/kaart/entries show only entries
 *     that are published or stale (kaart_public); drafts and entries in
 *     review are the workspace's.
 *  3. An entry that came from an answer or a website post shows no e-mail
 *     address or phone number in public until "contact_confirmed" is true
 *     (the organisation confirmed through its claim link, or a facilitator
 *     ticked it): a resident may have written a private person's contact.
 *
 * The doc's fields carry the names of Open Referral's HSDS 3 where one
 * fits (kaart_hsds.c maps them both ways): name, description, url, email,
 * phone, themes, target_groups, neighbourhood, languages, accessibility,
 * address {address_1, postal_code, city}, latitude, longitude, schedules
 * [{byday, opens_at, closes_at}], schedule_description, last_checked,
 * source_url, source_text, contact_confirmed.
 */
#ifndef INSPRAAK_APP_KAART_H
#define INSPRAAK_APP_KAART_H

#include "app/internal.h"

enum {
	KAART_NAME_MAX = 120,
	KAART_TEXT_MAX = 2000,
	KAART_SHORT_MAX = 200,
	KAART_LIST_MAX = 20, /* items of a list (themes, languages...) */
	KAART_ITEM_MAX = 60,
	KAART_THEMES_MAX = 60, /* themes the municipality keeps */
	KAART_PAGE = 20,       /* entries per page of the public list */
};

typedef struct kaart_entry {
	int64_t id;
	char status[12]; /* draft, review, published, stale */
	json_t *doc;     /* owned */
	int64_t event_id, session_id, answer_id, post_id, created_at, updated_at;
	char *terms; /* every stem of the searchable fields, " stem stem ", owned */
} kaart_entry_t;

typedef struct kaart {
	kaart_entry_t **e; /* in id order */
	size_t n, cap;
	json_t *themes; /* the municipality's list: an array of strings */
	/* the settings (store meta, loaded at start, changed on the themes
	 * page): whether a claim waits for review, and after how many months
	 * a published entry is asked to confirm again (0: never) */
	bool claim_review;
	int reconfirm_months;
	uv_timer_t timer; /* kaart_stale.c's tick */
	bool busy;        /* a tick's job is in flight */
	/* Several nodes (kaart_sync.c): a read of what another node changed
	 * is in flight, and news came meanwhile; settings_gen grows with
	 * every change of the settings applied here. */
	bool syncing, sync_again;
	uint64_t settings_gen;
} kaart_t;

/* ---- kaart.c: the cache and the public side ---- */
int kaart_load_all(app_t *a);
void kaart_free_all(app_t *a);
kaart_entry_t *kaart_find(app_t *a, int64_t id);
/* Puts a committed row into memory (a new one or a changed one) and tells
 * the other nodes (BUS_KAART). */
void kaart_put(app_t *a, const store_kaart_entry_t *row);
/* The same, untold: a row read from the store (at start, or another
 * node's). */
void kaart__put_quiet(app_t *a, const store_kaart_entry_t *row);
/* The settings (themes, claim_review, reconfirm_months) were saved and
 * applied here: the other nodes are told (kaart_sync.c). */
void kaart__settings_changed(app_t *a);
bool kaart_public(const kaart_entry_t *e);
/* Whether any entry is public (the website's process page links the kaart
 * then). */
bool kaart_any_public(app_t *a);
/* The entry's fields for the public: contact left out unless confirmed
 * (invariant 3). New reference. */
json_t *kaart_public_doc(const kaart_entry_t *e);
void kaart_list_page(app_t *a, http_request_t *req, const app_match_t *m);
void kaart_entry_page(app_t *a, http_request_t *req, const app_match_t *m);
void kaart_api_entries(app_t *a, http_request_t *req, const app_match_t *m);

/* ---- kaart_entry.c: the fields ---- */
/* Reads the editor's form (or a claim's) from body into a new doc; every
 * field that is wrong gets an i18n key in errors (an object field -> key,
 * owned by the caller). Returns the doc (new reference) even when there are
 * errors, so that the form can be drawn again with what was typed. */
json_t *kaart_from_form(const char *body, size_t len, json_t *errors);
/* Checks a doc from elsewhere (an import, a stored row): the same rules as
 * the form. 0 when good, else UV_EINVAL with the first wrong field in
 * field (may be NULL). */
int kaart_validate(json_t *doc, const char **field);
/* The stems of the searchable fields, " a b c " (malloc'd), and of a query
 * (the same form; "" for none). */
char *kaart_terms(const json_t *doc);
char *kaart_query_terms(const char *q);
/* Whether every stem of query (kaart_query_terms) begins a stem of terms
 * (or, for a stem of four bytes or more, is begun by one). */
bool kaart_terms_match(const char *terms, const char *query);
/* A list field's strings joined with ", " (malloc'd). */
char *kaart_join(const json_t *doc, const char *field);
bool kaart_status_ok(const char *s);
/* The weekdays in HSDS's byday form, Monday first. */
extern const char *const kaart_days[7];

/* ---- kaart_hsds.c: Open Referral HSDS 3 ---- */
/* Every entry (all statuses) as HSDS 3 JSON: an array of organizations,
 * each with its services, locations and schedules. New reference. */
json_t *kaart_hsds_export(store_t *st);
/* Saves every organization of an HSDS JSON array as an entry (status
 * draft unless the object says otherwise); *n entries added. UV_EINVAL with
 * a message in err when the file is no HSDS array or an entry is invalid
 * (then nothing is saved). */
int kaart_hsds_import(store_t *st, const json_t *hsds, int64_t user, size_t *n, char *err,
                      size_t errlen);

/* ---- kaart_csv.c: HSDS's tabular form ---- */
/* Appends to out a zip of one CSV file per HSDS table made of hsds (an
 * export's array). 0 or UV_EIO. */
int kaart_csv_zip(const json_t *hsds, buf_t *out);
/* Reads such a zip (at path) back into the nested JSON of an export (new
 * reference); NULL with a message in err. */
json_t *kaart_csv_read(const char *path, char *err, size_t errlen);
/* One CSV text s[0..n) as an array of objects keyed by its header row
 * (empty fields left out); NULL when a quote is left open or a field is
 * not UTF-8. */
json_t *kaart_csv_parse(const char *s, size_t n);

/* ---- kaart_ws.c: the workspace ---- */
void kaart_ws_list(app_t *a, http_request_t *req, const app_match_t *m);
void kaart_ws_entry(app_t *a, http_request_t *req, const app_match_t *m);
void kaart_ws_save(app_t *a, http_request_t *req, const app_match_t *m);
void kaart_ws_themes(app_t *a, http_request_t *req, const app_match_t *m);
void kaart_ws_from_answer(app_t *a, http_request_t *req, const app_match_t *m);
void kaart_ws_from_post(app_t *a, http_request_t *req, const app_match_t *m);
void kaart_ws_export(app_t *a, http_request_t *req, const app_match_t *m);
/* Shared with kaart_claim.c: the workspace's language (?lang=, the form's,
 * else the browser's); whether the user may change the kaart (false once
 * req was answered 403); the form's CSRF field or header (false once req was answered 403); the
 * path's entry id (0 for "new", -1 for no id); the entry's form, action its target, status NULL for
 * an organisation's claim (no status, no workspace-only fields, no login). */
const char *kaart__ws_lang(const http_request_t *req);
bool kaart__may_edit(app_t *a, http_request_t *req, const app_match_t *m, const char *lang);
bool kaart__csrf_ok(app_t *a, http_request_t *req, const char *lang);
int64_t kaart__ws_id(const app_match_t *m);
void kaart__put_form(buf_t *b, app_t *a, http_request_t *req, const char *lang, const char *action,
                     const char *status, const json_t *doc, const json_t *errors);
/* 303 See Other to the workspace path printf(fmt, ...) makes (under 200
 * bytes: the kaart's own paths with an id and a language). */
void kaart__see_other(http_request_t *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- kaart_claim.c: an organisation completes its entry by mail ---- */
/* POST /app/kaart/ID/claim: a one-time link (30 minutes) to the entry's
 * e-mail address. GET and POST /kaart/claim/TOKEN: the organisation's form
 * and its saving (the entry waits for review when the setting says so). */
void kaart_claim_send(app_t *a, http_request_t *req, const app_match_t *m);
void kaart_claim_page(app_t *a, http_request_t *req, const app_match_t *m);
void kaart_claim_post(app_t *a, http_request_t *req, const app_match_t *m);
/* Makes a claim link's secret (hex, 64 digits and NUL) and its hash. */
void kaart_claim_secret(char hex[65], unsigned char hash[32]);

/* ---- kaart_stale.c: asking again, and "verouderd" ---- */
enum { KAART_GRACE_DAYS = 14 };
/* Starts the hourly tick: every published entry whose last check is
 * reconfirm_months old gets a claim link by mail (valid for the grace
 * period) and, KAART_GRACE_DAYS after that ask without a confirmation,
 * becomes stale. */
void kaart_stale_start(app_t *a);
void kaart_stale_stop(app_t *a);

#endif
