/*
 * store: the engine-independent half of store.h. Picks the engine from the
 * database argument, then dispatches every call through the engine's method
 * table (engine.h); the writer lives in writer.c.
 *
 * A call here does no more than check what every engine would check alike
 * and pass on: the table, not this file, knows about SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/engine.h"
#include "util/xalloc.h"

/* The engine for a database argument: a postgresql:// (or postgres://)
 * URL names a PostgreSQL server, anything else is a SQLite file. */
static const store_engine_t *engine_for(const char *db)
{
	if (!strncmp(db, "postgresql://", 13) || !strncmp(db, "postgres://", 11))
		return &store__pg_engine;
	return &store__sqlite_engine;
}

int store_open(const char *path, store_t **out, char *err, size_t errlen)
{
	const store_engine_t *eng = engine_for(path);
	store_t *st = xcalloc(1, sizeof *st);
	st->eng = eng;
	int rc = eng->open(st, path, err, errlen);
	if (rc) {
		free(st);
		return rc;
	}
	*out = st;
	return STORE_OK;
}

void store_close(store_t *st)
{
	if (!st)
		return;
	store__writer_stop(st);
	st->eng->close(st);
	free(st);
}

int store_reader_open(store_t *st, store_t **out, char *err, size_t errlen)
{
	store_t *rd = xcalloc(1, sizeof *rd);
	rd->eng = st->eng;
	rd->reader = true;
	memcpy(rd->secret, st->secret, sizeof rd->secret);
	int rc = st->eng->reader_open(st, rd, err, errlen);
	if (rc) {
		free(rd);
		return rc;
	}
	*out = rd;
	return STORE_OK;
}

void store_reader_close(store_t *rd)
{
	if (!rd)
		return;
	rd->eng->close(rd);
	free(rd);
}

int store_start(store_t *st, uv_loop_t *loop)
{
	if (st->reader || st->writer)
		return UV_EINVAL;
	return store__writer_start(st, loop);
}

int store_backup(store_t *st, const char *dest, char *err, size_t errlen)
{
	return st->eng->backup(st, dest, err, errlen);
}

const char *store_errmsg(store_t *st)
{
	return st->eng->errmsg(st);
}
const unsigned char *store_secret(store_t *st)
{
	return st->secret;
}

int64_t store_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- memory the store hands out ---- */

void store_event_clear(store_event_t *e)
{
	free(e->title);
	free(e->subtitle);
	free(e->lang);
	free(e->deck_md);
	memset(e, 0, sizeof *e);
}

void store_slides_free(store_slide_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].json);
	free(s);
}

/* ---- the dispatch ---- */

int store_meta_get(store_t *st, const char *key, char *out, size_t len)
{
	return st->eng->meta_get(st, key, out, len);
}

int store_meta_set(store_t *st, const char *key, const char *value)
{
	return st->eng->meta_set(st, key, value);
}

int store_event_create(store_t *st, const char *title, const char *subtitle, const char *lang,
                       const char *deck_md, int64_t owner, char *const *slides_json, size_t n,
                       int64_t *event_id, int64_t *slide_ids)
{
	return st->eng->event_create(st, title, subtitle, lang, deck_md, owner, slides_json, n,
	                             event_id, slide_ids);
}

int store_event_get(store_t *st, int64_t id, store_event_t *out)
{
	return st->eng->event_get(st, id, out);
}

int store_event_slides(store_t *st, int64_t event_id, store_slide_t **out, size_t *n)
{
	return st->eng->event_slides(st, event_id, out, n);
}

int store_session_create(store_t *st, int64_t event_id, int digits, store_session_t *out)
{
	return store_session_create_mode(st, event_id, digits, false, out);
}

int store_session_create_mode(store_t *st, int64_t event_id, int digits, bool self_paced,
                              store_session_t *out)
{
	if (digits < 6 || digits > 8)
		return STORE_ERROR; /* documented so in store.h; kept for the callers */
	return st->eng->session_create(st, event_id, digits, self_paced, out);
}

int store_session_set_name(store_t *st, int64_t session_id, const char *name)
{
	return st->eng->session_set_name(st, session_id, name);
}

int store_sessions_live(store_t *st, void (*fn)(const store_session_t *s, void *arg), void *arg)
{
	return st->eng->sessions_live(st, fn, arg);
}

int store_session_by_code(store_t *st, const char *code, store_session_t *out)
{
	return st->eng->session_by_code(st, code, out);
}

int store_answers_load(store_t *st, int64_t session_id,
                       void (*fn)(const store_answer_t *a, void *arg), void *arg)
{
	return st->eng->answers_load(st, session_id, fn, arg);
}

int store_answers_since(store_t *st, int64_t session_id, int64_t *cursor,
                        void (*fn)(const store_answer_t *a, void *arg), void *arg)
{
	if (st->eng->answers_since)
		return st->eng->answers_since(st, session_id, cursor, fn, arg);
	return st->eng->answers_load(st, session_id, fn, arg);
}

int store_purge_event(store_t *st, int64_t event_id, bool all_answers, int64_t *n)
{
	return st->eng->purge_event(st, event_id, all_answers, n);
}

int store_user_info(store_t *st, int64_t id, char *name, size_t nlen, char *role, size_t rlen)
{
	return st->eng->user_info(st, id, name, nlen, role, rlen);
}

int store_users(store_t *st,
                void (*fn)(const char *name, const char *role, int64_t created, void *arg),
                void *arg)
{
	return st->eng->users(st, fn, arg);
}

int store_user_set_password(store_t *st, const char *name, const char *pwhash)
{
	return st->eng->user_set_password(st, name, pwhash);
}

int store_user_del(store_t *st, const char *name)
{
	return st->eng->user_del(st, name);
}

int store_events_list(store_t *st, int64_t user_id, bool all,
                      void (*fn)(const store_event_row_t *e, void *arg), void *arg)
{
	return st->eng->events_list(st, user_id, all, fn, arg);
}

int store_event_access(store_t *st, int64_t event_id, int64_t user_id, char *access, size_t len)
{
	return st->eng->event_access(st, event_id, user_id, access, len);
}

int store_event_extra(store_t *st, int64_t id, char **summary, int64_t *updated_at, char *owner,
                      size_t olen)
{
	return st->eng->event_extra(st, id, summary, updated_at, owner, olen);
}

int64_t store_event_answers(store_t *st, int64_t event_id)
{
	return st->eng->event_answers(st, event_id);
}

int64_t store_session_answers(store_t *st, int64_t session_id)
{
	return st->eng->session_answers(st, session_id);
}

int store_event_set_summary(store_t *st, int64_t id, const char *summary)
{
	return st->eng->event_set_summary(st, id, summary);
}

int store_event_set_deck(store_t *st, int64_t id, const char *title, const char *subtitle,
                         const char *lang, const char *deck_md, char *const *slides_json, size_t n,
                         int64_t *slide_ids)
{
	return st->eng->event_set_deck(st, id, title, subtitle, lang, deck_md, slides_json, n,
	                               slide_ids);
}

int store_event_delete(store_t *st, int64_t id)
{
	return st->eng->event_delete(st, id);
}
int store_event_touch(store_t *st, int64_t id)
{
	return st->eng->event_touch(st, id);
}

int store_share(store_t *st, int64_t event_id, const char *name, const char *role)
{
	return st->eng->share(st, event_id, name, role);
}

int store_shares(store_t *st, int64_t event_id,
                 void (*fn)(const char *name, const char *role, void *arg), void *arg)
{
	return st->eng->shares(st, event_id, fn, arg);
}

int store_log(store_t *st, int64_t event_id,
              void (*fn)(int64_t at, const char *user, const char *action, int64_t answer,
                         const char *session, void *arg),
              void *arg)
{
	return st->eng->log(st, event_id, fn, arg);
}

int store_media_put(store_t *st, int64_t event_id, const char *name, const char *type,
                    const void *data, size_t len)
{
	return st->eng->media_put(st, event_id, name, type, data, len);
}

int store_media_get(store_t *st, int64_t event_id, const char *name, char *type, size_t tlen,
                    void **data, size_t *len)
{
	return st->eng->media_get(st, event_id, name, type, tlen, data, len);
}

int store_media_copy(store_t *st, int64_t from_event, int64_t to_event)
{
	return st->eng->media_copy(st, from_event, to_event);
}

int store_user_add(store_t *st, const char *name, const char *pwhash, const char *role, int64_t *id)
{
	return st->eng->user_add(st, name, pwhash, role, id);
}

int store_user_get(store_t *st, const char *name, int64_t *id, char **pwhash)
{
	return st->eng->user_get(st, name, id, pwhash);
}

int store_user_name(store_t *st, int64_t id, char *name, size_t len)
{
	return st->eng->user_name(st, id, name, len);
}

int store_token_add(store_t *st, const unsigned char hash[32], int64_t user_id, const char *kind,
                    int64_t expires_at)
{
	return st->eng->token_add(st, hash, user_id, kind, expires_at);
}

int store_token_user(store_t *st, const unsigned char hash[32], const char *kind, int64_t now,
                     int64_t *user_id)
{
	return st->eng->token_user(st, hash, kind, now, user_id);
}

int store_token_del(store_t *st, const unsigned char hash[32])
{
	return st->eng->token_del(st, hash);
}

int store_event_sessions(store_t *st, int64_t event_id,
                         void (*fn)(const store_session_t *s, void *arg), void *arg)
{
	return st->eng->event_sessions(st, event_id, fn, arg);
}

int store_answers_slide(store_t *st, int64_t session_id, int64_t slide_id,
                        void (*fn)(const store_answer_t *a, void *arg), void *arg)
{
	return st->eng->answers_slide(st, session_id, slide_id, fn, arg);
}

bool store_has_website(const store_t *st)
{
	return st->eng->processes != NULL;
}

int store_processes(store_t *st, void (*fn)(const store_process_t *p, void *arg), void *arg)
{
	/* an engine without the website has no processes */
	return st->eng->processes ? st->eng->processes(st, fn, arg) : STORE_OK;
}

int store_posts(store_t *st, int64_t event_id, void (*fn)(const store_post_t *p, void *arg),
                void (*mark)(int64_t post_id, int kind, const char *participant, void *arg),
                void *arg)
{
	return st->eng->posts ? st->eng->posts(st, event_id, fn, mark, arg) : STORE_OK;
}

/* ---- e-mail on the website ---- */

static bool mail_hash_ok(const char *hash)
{
	return hash && strlen(hash) == 64 && strspn(hash, "0123456789abcdef") == 64;
}

int store_mail_token_add(store_t *st, const char *hash, const store_mail_token_t *t, int64_t since,
                         int max)
{
	if (st->reader)
		return STORE_ERROR;
	if (!mail_hash_ok(hash))
		return UV_EINVAL;
	return st->eng->mail_token_add(st, hash, t, since, max);
}

int store_mail_token_take(store_t *st, const char *hash, const char *purpose, int64_t now,
                          store_mail_token_t *out)
{
	if (st->reader)
		return STORE_ERROR;
	if (!mail_hash_ok(hash))
		return STORE_NOTFOUND;
	return st->eng->mail_token_take(st, hash, purpose, now, out);
}

int store_mail_person_confirm(store_t *st, const store_mail_person_t *in, store_mail_person_t *out)
{
	return st->reader ? STORE_ERROR : st->eng->mail_person_confirm(st, in, out);
}

int store_mail_person_digest(store_t *st, int64_t event_id, const char *participant, bool on,
                             const char *topics, int64_t now)
{
	if (strlen(topics) > STORE_MAIL_TOPICS_MAX)
		return UV_EINVAL;
	return st->reader ? STORE_ERROR
	                  : st->eng->mail_person_digest(st, event_id, participant, on,
	                                                on ? topics : "", now);
}

int store_mail_person_delete(store_t *st, int64_t event_id, const char *participant)
{
	return st->reader ? STORE_ERROR : st->eng->mail_person_delete(st, event_id, participant);
}

int store_mail_people(store_t *st, int64_t event_id,
                      void (*fn)(const store_mail_person_t *p, void *arg), void *arg)
{
	return st->eng->mail_people(st, event_id, fn, arg);
}

int store_mail_digest_sent(store_t *st, int64_t event_id, const char *participant, int64_t at)
{
	return st->reader ? STORE_ERROR : st->eng->mail_digest_sent(st, event_id, participant, at);
}

int store_chore_claim(store_t *st, const char *name, int64_t period)
{
	return st->reader ? STORE_ERROR : st->eng->chore_claim(st, name, period);
}

int store_mail_purge(store_t *st, int64_t event_id, int64_t *n)
{
	int64_t dummy;
	return st->reader ? STORE_ERROR : st->eng->mail_purge(st, event_id, n ? n : &dummy);
}

int store_invite_add(store_t *st, int64_t event_id, char *const *codes, size_t n, int64_t now)
{
	return st->reader ? STORE_ERROR : st->eng->invite_add(st, event_id, codes, n, now);
}

int store_invite_use(store_t *st, int64_t event_id, const char *code, const char *participant,
                     int64_t now)
{
	return st->reader ? STORE_ERROR : st->eng->invite_use(st, event_id, code, participant, now);
}

int store_invites(store_t *st, int64_t event_id,
                  void (*fn)(int64_t event_id, const char *code, int64_t used_at,
                             const char *participant, void *arg),
                  void *arg)
{
	return st->eng->invites(st, event_id, fn, arg);
}

/* ---- the sociale kaart ---- */

int store_kaart_entries(store_t *st, void (*fn)(const store_kaart_entry_t *e, void *arg), void *arg)
{
	return st->eng->kaart_entries(st, fn, arg);
}

int store_kaart_save(store_t *st, store_kaart_entry_t *e, int64_t user_id, const char *action)
{
	if (st->reader)
		return STORE_ERROR;
	return st->eng->kaart_save(st, e, user_id, action);
}

int store_kaart_log(store_t *st, int64_t entry_id,
                    void (*fn)(int64_t at, const char *user, const char *action, void *arg),
                    void *arg)
{
	return st->eng->kaart_log(st, entry_id, fn, arg);
}

int store_kaart_claim_add(store_t *st, const unsigned char hash[32], int64_t entry_id,
                          int64_t expires_at)
{
	if (st->reader)
		return STORE_ERROR;
	return st->eng->kaart_claim_add(st, hash, entry_id, expires_at);
}

int store_kaart_claim_take(store_t *st, const unsigned char hash[32], int64_t now, bool use,
                           int64_t *entry_id)
{
	if (st->reader && use)
		return STORE_ERROR;
	return st->eng->kaart_claim_take(st, hash, now, use, entry_id);
}
