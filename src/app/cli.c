/*
 * cli: what the command line does to the store before (or instead of)
 * serving: importing a deck, adding users, making tokens. Synchronous.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "util/metrics.h"
#include "util/xalloc.h"

/* The deck's slides as JSON strings for the store; free with free_json. */
static char **slides_json(const deck_t *d)
{
	char **json = xcalloc(d->n_slides, sizeof *json);
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
 * replace, as the deck of event *event_id. Returns 0, UV_EINVAL with
 * "line N: ..." for a bad deck, or UV_EIO when the store refused (for
 * replace: also when the event has answers); the message in lang.
 */
static int store_deck(store_t *st, const char *deck_md, size_t len, int64_t owner,
                      int64_t *event_id, bool replace, const char *lang, char *err, size_t errlen)
{
	deck_t *d = NULL;
	if (deck_parse_lang(deck_md, len, lang, &d, err, errlen) < 0)
		return UV_EINVAL;
	char **json = slides_json(d);
	int64_t *ids = xcalloc(d->n_slides, sizeof *ids);
	char *md = xstrndup(deck_md, len);
	int rc = replace ? store_event_set_deck(st, *event_id, d->title, d->subtitle, d->lang, md,
	                                        json, d->n_slides, ids)
	                 : store_event_create(st, d->title, d->subtitle, d->lang, md, owner, json,
	                                      d->n_slides, event_id, ids);
	if (rc != STORE_OK && replace)
		snprintf(err, errlen, "%s", tr(lang, "events.deck_not_changed"));
	else if (rc != STORE_OK)
		snprintf(err, errlen, tr(lang, "events.not_stored"), store_errmsg(st));
	free_json(json, d->n_slides);
	free(ids);
	free(md);
	deck_free(d);
	return rc == STORE_OK ? 0 : UV_EIO;
}

int app_event_create(store_t *st, const char *deck_md, size_t len, int64_t owner, int64_t *event_id,
                     char *err, size_t errlen)
{
	return store_deck(st, deck_md, len, owner, event_id, false, "en", err, errlen);
}

int app_event_create_lang(store_t *st, const char *deck_md, size_t len, int64_t owner,
                          int64_t *event_id, const char *lang, char *err, size_t errlen)
{
	return store_deck(st, deck_md, len, owner, event_id, false, lang, err, errlen);
}

int app_event_set_deck(store_t *st, int64_t event_id, const char *deck_md, size_t len, char *err,
                       size_t errlen)
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
		return UV_EIO;
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
		snprintf(err, errlen, tr(lang, "users.password_length"), pl);
		return UV_EINVAL;
	}
	metrics_inc(METRIC_PASSWORD_HASHES);
	if (crypto_pwhash_str(hash, password, pl, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		/* Argon2 wants its memory limit at once: a busy machine may
		 * not have it, which is no reason to abort the server. */
		snprintf(err, errlen, "%s", tr(lang, "users.hash_memory"));
		return UV_EIO;
	}
	return 0;
}

int app_user_add(store_t *st, const char *name, const char *password, const char *role, char *err,
                 size_t errlen)
{
	return app_user_add_lang(st, name, password, role, "en", err, errlen);
}

int app_user_check_lang(const char *name, const char *role, const char *lang, char *err,
                        size_t errlen)
{
	size_t n = strlen(name);
	if (n == 0 || n > 64 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                 "0123456789._-@") != n) {
		snprintf(err, errlen, "%s", tr(lang, "users.name_chars"));
		return UV_EINVAL;
	}
	if (strcmp(role, "admin") && strcmp(role, "facilitator") && strcmp(role, "moderator")) {
		snprintf(err, errlen, tr(lang, "users.role"), role);
		return UV_EINVAL;
	}
	return 0;
}

int app_user_store_lang(store_t *st, const char *name, const char *hash, const char *role,
                        const char *lang, char *err, size_t errlen)
{
	int rc = store_user_add(st, name, hash, role, NULL);
	if (rc == STORE_EXISTS) {
		snprintf(err, errlen, tr(lang, "users.exists"), name);
		return UV_EEXIST;
	}
	if (rc != STORE_OK) {
		snprintf(err, errlen, tr(lang, "users.not_stored"), store_errmsg(st));
		return UV_EIO;
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

int app_user_passwd(store_t *st, const char *name, const char *password, char *err, size_t errlen)
{
	return app_user_passwd_lang(st, name, password, "en", err, errlen);
}

int app_user_set_hash_lang(store_t *st, const char *name, const char *hash, const char *lang,
                           char *err, size_t errlen)
{
	int rc = store_user_set_password(st, name, hash);
	if (rc == STORE_NOTFOUND) {
		snprintf(err, errlen, tr(lang, "users.no_such_named"), name);
		return UV_ENOENT;
	}
	if (rc != STORE_OK) {
		snprintf(err, errlen, tr(lang, "users.password_not_stored"), store_errmsg(st));
		return UV_EIO;
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
		return UV_ENOENT;
	unsigned char raw[32], hash[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, 65, raw, sizeof raw);
	auth_sha256(out, hash);
	if (store_token_add(st, hash, user, kind, ttl_ms ? store_now_ms() + ttl_ms : 0) != STORE_OK)
		return UV_EIO;
	return 0;
}
