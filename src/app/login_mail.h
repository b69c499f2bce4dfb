/*
 * login_mail: the website's e-mail ladder, for the files of src/app that
 * make it up: login_mail.c (links, confirming, the resident's choices,
 * the retention's purge; its invariants are at its top), login_digest.c
 * (the daily digest) and login_invite.c (invitation codes). The handlers
 * and the life cycle are declared in internal.h; this header holds what
 * the three files share.
 */
#ifndef INSPRAAK_APP_LOGIN_MAIL_H
#define INSPRAAK_APP_LOGIN_MAIL_H

#include "app/process.h"

/* What a->mail_people holds per (event, participant). */
enum {
	PERSON_CONFIRMED = 1, /* confirmed an address */
	PERSON_DIGEST = 2,    /* wants the digest */
	PERSON_PANEL = 4,     /* used an invitation code of the event */
};

/* a->mail_people's flags of participant pkey on event_id (0: none). */
int login__person_flags(app_t *a, int64_t event_id, uint64_t pkey);
/* Adds participant to the event's panel, or takes them out. */
void login__panel_set(app_t *a, int64_t event_id, const char *participant, bool in);
/* Whether topic id is in a digest's topics (",ID,ID,"). */
bool login__topics_has(const char *topics, int64_t id);
/* The participant of the request: its cookie's token (32 hex digits), its
 * keyed hash, its key, and the Set-Cookie for a new one ("" when the
 * browser had one). */
void login__participant_of(app_t *a, http_request_t *req, char token[33], char hex[33],
                           uint64_t *pkey, char cookie[160]);
/* The unsubscribe link's signature of (event, participant), 32 hex. */
void login__unsub_sig(app_t *a, int64_t event_id, const char *participant, char out[33]);
/* The process's path (/p/SLUG or /p/EVENT), and "?lang=xx" (sep '?') or
 * "&lang=xx" (sep '&') when lang is not the process's own, else "" (a
 * static buffer per sep: loop thread only). */
void login__base_path(const process_t *p, char *out, size_t len);
const char *login__lang_q(const process_t *p, const char *lang, char sep);
/* A page in the website's frame: title, a notice or an error (in lang,
 * not escaped yet), body (markup made with util/html), extra headers. */
void login__page(app_t *a, http_request_t *req, process_t *p, const char *lang, int status,
                 const char *title, const char *notice, const char *error, const char *body,
                 const char *extra);

#endif
