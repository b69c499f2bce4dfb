/*
 * cli: what the command line does to the store before (or instead of)
 * serving: importing a deck, adding users, making tokens. Synchronous.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "util/metrics.h"

/* The deck's slides as JSON strings for the store; free with free_json. */
static char **slides_json(const deck_t *d)
{
	char **json = calloc(d->n_slides, sizeof *json);
	if (!json)
		abort();
	for (size_t i = 0; i < d->n_slides; i++) {
		json_t *j = slide_to_json(&d->slides[i], true);
		json[i] = json_dumps(j, JSON_COMPACT);
		json_decref(j);
	}
	return json;
}

static void free_json(char **json, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(json[i]);
	free(json);
}

/*
 * Parses a deck and stores it: as a new event (setting *event_id) or, with
 * replace, as the deck of event *event_id. Returns
 * -1 with "line N: ..." for a bad deck, -2 when the store refused; the
 * message in lang.
 */
static int store_deck(store_t *st, const char *deck_md, size_t len, int64_t owner,
		      int64_t *event_id, bool replace, const char *lang, char *err, size_t errlen)
{
	deck_t *d = NULL;
	if (deck_parse_lang(deck_md, len, lang, &d, err, errlen) < 0)
		return -1;
	char **json = slides_json(d);
	int64_t *ids = calloc(d->n_slides, sizeof *ids);
	char *md = strndup(deck_md, len);
	if (!ids || !md)
		abort();
	int rc = replace ? store_event_set_deck(st, *event_id, d->title, d->subtitle, d->lang, md,
						json, d->n_slides, ids)
			 : store_event_create(st, d->title, d->subtitle, d->lang, md, owner, json,
					      d->n_slides, event_id, ids);
	if (rc != STORE_OK && replace)
		snprintf(err, errlen, "%s",
			 tr_msg(lang, "the deck could not be changed: the event has answers, or "
				      "the store failed"));
	else if (rc != STORE_OK)
		snprintf(err, errlen, tr_msg(lang, "the event could not be stored: %s"),
			 store_errmsg(st));
	free_json(json, d->n_slides);
	free(ids);
	free(md);
	deck_free(d);
	return rc == STORE_OK ? 0 : -2;
}

int app_event_create(store_t *st, const char *deck_md, size_t len, int64_t owner,
		     int64_t *event_id, char *err, size_t errlen)
{
	return store_deck(st, deck_md, len, owner, event_id, false, "en", err, errlen);
}

int app_event_create_lang(store_t *st, const char *deck_md, size_t len, int64_t owner,
			  int64_t *event_id, const char *lang, char *err, size_t errlen)
{
	return store_deck(st, deck_md, len, owner, event_id, false, lang, err, errlen);
}

int app_event_set_deck(store_t *st, int64_t event_id, const char *deck_md, size_t len,
		       char *err, size_t errlen)
{
	return store_deck(st, deck_md, len, 0, &event_id, true, "en", err, errlen);
}

int app_event_set_deck_lang(store_t *st, int64_t event_id, const char *deck_md, size_t len,
			    const char *lang, char *err, size_t errlen)
{
	return store_deck(st, deck_md, len, 0, &event_id, true, lang, err, errlen);
}

int app_import(store_t *st, const char *deck_md, size_t len, int64_t owner, int64_t *event_id,
	       char *code, char *err, size_t errlen)
{
	int rc = app_event_create(st, deck_md, len, owner, event_id, err, errlen);
	if (rc < 0)
		return rc;
	store_session_t s;
	if (store_session_create(st, *event_id, 6, &s) != STORE_OK) {
		snprintf(err, errlen, "the session could not be stored: %s", store_errmsg(st));
		return -2;
	}
	snprintf(code, 12, "%s", s.code);
	return 0;
}

/* Argon2id of password into hash; runs on libuv's thread pool while
 * serving (it takes a quarter of a second and 64 MiB on purpose). */
int app_hash_password(const char *password, char hash[crypto_pwhash_STRBYTES], const char *lang,
                      char *err, size_t errlen)
{
	size_t pl = strlen(password);
	if (pl < 8 || pl > 200) {
		snprintf(err, errlen,
			 tr_msg(lang, "a password has 8 to 200 characters (this one has %zu)"), pl);
		return -3;
	}
	metrics_inc(METRIC_PASSWORD_HASHES);
	if (crypto_pwhash_str(hash, password, pl, crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		snprintf(err, errlen, "%s", tr_msg(lang, "not enough memory to hash the password"));
		return -2;
	}
	return 0;
}

int app_user_add(store_t *st, const char *name, const char *password, const char *role,
		 char *err, size_t errlen)
{
	return app_user_add_lang(st, name, password, role, "en", err, errlen);
}

int app_user_check_lang(const char *name, const char *role, const char *lang, char *err,
                        size_t errlen)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					       "0123456789._-@") != n) {
		snprintf(err, errlen, "%s",
			 tr_msg(lang, "a user name has 1 to 64 letters, digits or the characters "
				      ". _ - @"));
		return -3;
	}
	if (strcmp(role, "admin") && strcmp(role, "facilitator") && strcmp(role, "moderator")) {
		snprintf(err, errlen,
			 tr_msg(lang, "a role is admin, facilitator or moderator (not '%s')"), role);
		return -3;
	}
	return 0;
}

int app_user_store_lang(store_t *st, const char *name, const char *hash, const char *role,
                        const char *lang, char *err, size_t errlen)
{
	int rc = store_user_add(st, name, hash, role, NULL);
	if (rc == STORE_EXISTS) {
		snprintf(err, errlen, tr_msg(lang, "a user called %s exists already"), name);
		return -1;
	}
	if (rc != STORE_OK) {
		snprintf(err, errlen, tr_msg(lang, "the user could not be stored: %s"),
			 store_errmsg(st));
		return -2;
	}
	return 0;
}

int app_user_add_lang(store_t *st, const char *name, const char *password, const char *role,
                      const char *lang, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc = app_user_check_lang(name, role, lang, err, errlen);
	if (rc == 0)
		rc = app_hash_password(password, hash, lang, err, errlen);
	if (rc == 0)
		rc = app_user_store_lang(st, name, hash, role, lang, err, errlen);
	return rc;
}

int app_user_passwd(store_t *st, const char *name, const char *password, char *err,
		    size_t errlen)
{
	return app_user_passwd_lang(st, name, password, "en", err, errlen);
}

int app_user_set_hash_lang(store_t *st, const char *name, const char *hash, const char *lang,
                           char *err, size_t errlen)
{
	int rc = store_user_set_password(st, name, hash);
	if (rc == STORE_NOTFOUND) {
		snprintf(err, errlen, tr_msg(lang, "there is no user called %s"), name);
		return -1;
	}
	if (rc != STORE_OK) {
		snprintf(err, errlen, tr_msg(lang, "the password could not be stored: %s"),
			 store_errmsg(st));
		return -2;
	}
	return 0;
}

int app_user_passwd_lang(store_t *st, const char *name, const char *password, const char *lang,
                         char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	int rc = app_hash_password(password, hash, lang, err, errlen);
	if (rc == 0)
		rc = app_user_set_hash_lang(st, name, hash, lang, err, errlen);
	return rc;
}

int app_token_new(store_t *st, const char *name, const char *kind, int64_t ttl_ms, char *out)
{
	int64_t user;
	if (store_user_get(st, name, &user, NULL) != STORE_OK)
		return -1;
	unsigned char raw[32], hash[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, 65, raw, sizeof raw);
	auth_sha256(out, hash);
	if (store_token_add(st, hash, user, kind, ttl_ms ? store_now_ms() + ttl_ms : 0) != STORE_OK)
		return -2;
	return 0;
}
