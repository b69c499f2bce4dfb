/*
 * sqlite: the embedded engine's shared state and helpers, for the
 * store/sqlite_*.c files only.
 *
 * A store has two connections: `r` serves the synchronous calls of
 * whichever thread makes them (the command line, start-up loading, small
 * reads on the loop) and is opened FULLMUTEX; `w` belongs to the writer
 * thread alone and is opened NOMUTEX, which spares SQLite's per-call
 * connection mutex on the hot path. A reader (store_reader_open) has only
 * `r`, NOMUTEX, query_only, inside one read transaction. WAL lets readers
 * go on while the writer commits.
 *
 * Files: sqlite_open.c (open, migrations, backup, settings, readers and the
 * method table), sqlite_events.c (events, slides, sessions, answers),
 * sqlite_workspace.c (users, tokens, sharing, the log, media) and
 * sqlite_write.c (the writer's hooks).
 */
#ifndef INSPRAAK_STORE_SQLITE_H
#define INSPRAAK_STORE_SQLITE_H

#include <sqlite3.h>

#include "store/engine.h"

typedef struct sq {
	sqlite3 *r, *w;
	char path[4096];
	int wal_fd; /* the WAL file, for fdatasync; -1: the writer commits with FULL */
	/* prepared statements of the writer */
	sqlite3_stmt *ins_answer, *find_answer, *upd_session, *upd_hidden, *upd_answered,
	    *upd_pinned, *ins_log, *ins_token, *del_token;
	sqlite3_stmt *web[11]; /* the website's writer statements (sqlite_web.c) */
} sq_t;

#define SQ(st) ((sq_t *)(st)->db)

/* Prepares sql on the synchronous connection; NULL (logged) on failure. */
sqlite3_stmt *sq__prep(store_t *st, const char *sql);
/* Column i as a malloc'd string ("" for NULL). */
char *sq__col_dup(sqlite3_stmt *q, int i);
/* Runs sql on the synchronous connection; 0 or UV_EIO (logged). */
int sq__exec(store_t *st, const char *sql);
/* Runs one statement with text and integer arguments ("t" or "i" per
 * argument in types); returns the number of rows changed (>= 0) or a
 * negative code (UV_EEXIST for a constraint, else as sq__code). */
int64_t sq__run(store_t *st, const char *sql, const char *types, ...);
/* Opens a connection in WAL mode with foreign keys; one_thread when a
 * single thread will ever use it at a time. */
int sq__open_conn(const char *path, sqlite3 **db, bool one_thread, char *err, size_t errlen);

/* ---- the methods, by file ---- */

/* sqlite_events.c */
int sq_event_create(store_t *st, const char *title, const char *subtitle, const char *lang,
                    const char *deck_md, int64_t owner, char *const *slides_json, size_t n,
                    int64_t *event_id, int64_t *slide_ids);
int sq_event_get(store_t *st, int64_t id, store_event_t *out);
int sq_event_slides(store_t *st, int64_t event_id, store_slide_t **out, size_t *n);
int sq_session_set_name(store_t *st, int64_t session_id, const char *name);
int sq_session_create(store_t *st, int64_t event_id, int digits, bool self_paced,
                      store_session_t *out);
int sq_sessions_live(store_t *st, store_session_fn fn, void *arg);
int sq_session_by_code(store_t *st, const char *code, store_session_t *out);
int sq_event_sessions(store_t *st, int64_t event_id, store_session_fn fn, void *arg);
int sq_answers_load(store_t *st, int64_t session_id, store_answer_fn fn, void *arg);
int sq_answers_slide(store_t *st, int64_t session_id, int64_t slide_id, store_answer_fn fn,
                     void *arg);
int sq_purge_event(store_t *st, int64_t event_id, bool all_answers, int64_t *n);
int64_t sq_event_answers(store_t *st, int64_t event_id);
int64_t sq_session_answers(store_t *st, int64_t session_id);
int sq_event_set_deck(store_t *st, int64_t id, const char *title, const char *subtitle,
                      const char *lang, const char *deck_md, char *const *slides_json, size_t n,
                      int64_t *slide_ids);

/* sqlite_workspace.c */
int sq_user_info(store_t *st, int64_t id, char *name, size_t nlen, char *role, size_t rlen);
int sq_users(store_t *st,
             void (*fn)(const char *name, const char *role, int64_t created, void *arg), void *arg);
int sq_user_set_password(store_t *st, const char *name, const char *pwhash);
int sq_user_del(store_t *st, const char *name);
int sq_events_list(store_t *st, int64_t user_id, bool all,
                   void (*fn)(const store_event_row_t *e, void *arg), void *arg);
int sq_event_access(store_t *st, int64_t event_id, int64_t user_id, char *access, size_t len);
int sq_event_extra(store_t *st, int64_t id, char **summary, int64_t *updated_at, char *owner,
                   size_t olen);
int sq_event_set_summary(store_t *st, int64_t id, const char *summary);
int sq_event_delete(store_t *st, int64_t id);
int sq_event_touch(store_t *st, int64_t id);
int sq_share(store_t *st, int64_t event_id, const char *name, const char *role);
int sq_shares(store_t *st, int64_t event_id,
              void (*fn)(const char *name, const char *role, void *arg), void *arg);
int sq_log(store_t *st, int64_t event_id,
           void (*fn)(int64_t at, const char *user, const char *action, int64_t answer,
                      const char *session, void *arg),
           void *arg);
int sq_media_put(store_t *st, int64_t event_id, const char *name, const char *type,
                 const void *data, size_t len);
int sq_media_get(store_t *st, int64_t event_id, const char *name, char *type, size_t tlen,
                 void **data, size_t *len);
int sq_media_copy(store_t *st, int64_t from_event, int64_t to_event);
int sq_user_add(store_t *st, const char *name, const char *pwhash, const char *role, int64_t *id);
int sq_user_get(store_t *st, const char *name, int64_t *id, char **pwhash);
int sq_user_name(store_t *st, int64_t id, char *name, size_t len);
int sq_token_add(store_t *st, const unsigned char hash[32], int64_t user_id, const char *kind,
                 int64_t expires_at);
int sq_token_user(store_t *st, const unsigned char hash[32], const char *kind, int64_t now,
                  int64_t *user_id);
int sq_token_del(store_t *st, const unsigned char hash[32]);

/* sqlite_web.c */
int sq_processes(store_t *st, void (*fn)(const store_process_t *p, void *arg), void *arg);
int sq_posts(store_t *st, int64_t event_id, void (*fn)(const store_post_t *p, void *arg),
             void (*mark)(int64_t post_id, int kind, const char *participant, void *arg),
             void *arg);

/* sqlite_mail.c */
int sq_mail_token_add(store_t *st, const char *hash, const store_mail_token_t *t, int64_t since,
                      int max);
int sq_mail_token_take(store_t *st, const char *hash, const char *purpose, int64_t now,
                       store_mail_token_t *out);
int sq_mail_person_confirm(store_t *st, const store_mail_person_t *in, store_mail_person_t *out);
int sq_mail_person_digest(store_t *st, int64_t event_id, const char *participant, bool on,
                          const char *topics, int64_t now);
int sq_mail_person_delete(store_t *st, int64_t event_id, const char *participant);
int sq_mail_people(store_t *st, int64_t event_id,
                   void (*fn)(const store_mail_person_t *p, void *arg), void *arg);
int sq_mail_digest_sent(store_t *st, int64_t event_id, const char *participant, int64_t at);
int sq_chore_claim(store_t *st, const char *name, int64_t period);
int sq_mail_purge(store_t *st, int64_t event_id, int64_t *n);
int sq_invite_add(store_t *st, int64_t event_id, char *const *codes, size_t n, int64_t now);
int sq_invite_use(store_t *st, int64_t event_id, const char *code, const char *participant,
                  int64_t now);
int sq_invites(store_t *st, int64_t event_id,
               void (*fn)(int64_t event_id, const char *code, int64_t used_at,
                          const char *participant, void *arg),
               void *arg);
/* Prepares and finalizes the statements of web[] on the writer's connection. */
int sq__web_prepare(sq_t *d);
void sq__web_finalize(sq_t *d);
int sq_job_process(store_t *st, store_job_t *j);
int sq_job_post(store_t *st, store_job_t *j);
int sq_job_mark(store_t *st, store_job_t *j);
int sq_job_post_hide(store_t *st, store_job_t *j);
int sq_job_post_reviewed(store_t *st, store_job_t *j);
int sq_job_retention(store_t *st, store_job_t *j);

/* sqlite_kaart.c */
int sq_kaart_entries(store_t *st, void (*fn)(const store_kaart_entry_t *e, void *arg), void *arg);
int sq_kaart_save(store_t *st, store_kaart_entry_t *e, int64_t user_id, const char *action);
int sq_kaart_claim_add(store_t *st, const unsigned char hash[32], int64_t entry_id,
                       int64_t expires_at);
int sq_kaart_claim_take(store_t *st, const unsigned char hash[32], int64_t now, bool use,
                        int64_t *entry_id);
int sq_kaart_log(store_t *st, int64_t entry_id,
                 void (*fn)(int64_t at, const char *user, const char *action, void *arg),
                 void *arg);

/* sqlite_write.c */
int sq_writer_open(store_t *st, bool *pipelined, char *err, size_t errlen);
void sq_writer_close(store_t *st);
int sq_group_begin(store_t *st);
int sq_group_commit(store_t *st);
void sq_group_rollback(store_t *st);
int sq_sync(store_t *st);
const char *sq_writer_errmsg(store_t *st);
int sq_job_answer(store_t *st, store_job_t *j);
int sq_job_session(store_t *st, store_job_t *j);
int sq_job_hide(store_t *st, store_job_t *j);
int sq_job_answered(store_t *st, store_job_t *j);
int sq_job_pin(store_t *st, store_job_t *j);
int sq_job_token_add(store_t *st, store_job_t *j);
int sq_job_token_del(store_t *st, store_job_t *j);
/* The row a retried write (an answer or a post with a client id seen
 * before) stored the first time: binds scope (session or event) and
 * client_id to q (find_answer, the website's find_post) and sets *id; 0,
 * or UV_EIO when there is no such row. */
int sq__find_retry(sqlite3_stmt *q, int64_t scope, const char *client_id, int64_t *id);
/* The moderation log row of a flag job, in the writer's transaction. */
int sq__log_flag(store_t *st, store_job_t *j, const char *action);

#endif
