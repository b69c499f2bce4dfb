/*
 * engine: the method table a database engine fills, and the store handle
 * that store.c, writer.c and the engines share. Nothing outside src/store
 * includes this file.
 *
 * The model is SQLite's sqlite3_vfs and Redis's ae_*.c: store.c is a thin
 * dispatch through st->eng, each engine keeps its own state behind st->db,
 * and the engine-independent group-commit writer (writer.c) reaches the
 * database only through the writer hooks at the end of the table. Adding an
 * engine means one more table (pg_*.c for PostgreSQL) and one more line in
 * store.c's engine_for(); no caller changes.
 *
 * Invariants an engine keeps:
 *  1. Every method returns 0 or a negative libuv code, as store.h documents
 *     for the public call of the same name; it never returns UV_ENOMEM
 *     (allocation goes through xalloc).
 *  2. The synchronous methods may be called from the loop thread and from
 *     the command line; they never touch the writer's connection.
 *  3. The writer hooks run on the writer thread only (writer_open and
 *     writer_close on the thread that calls store_start and store_close,
 *     while the writer thread is not running), one group at a time:
 *     group_begin, job[kind] for each job, then group_commit or
 *     group_rollback.
 *  4. On a reader (rd->reader), every reading method sees the one snapshot
 *     taken by reader_open; writing methods refuse.
 */
#ifndef INSPRAAK_STORE_ENGINE_H
#define INSPRAAK_STORE_ENGINE_H

#include "store/store.h"

typedef struct store_engine store_engine_t;
typedef struct store_writer store_writer_t;
typedef int (*store_job_fn)(store_t *st, store_job_t *j);

struct store {
	const store_engine_t *eng;
	void *db;                 /* the engine's state */
	unsigned char secret[32]; /* filled by the engine's open */
	bool reader;              /* made by store_reader_open: reads one snapshot */
	store_writer_t *writer;   /* from store_start; NULL before and on a reader */
};

typedef void (*store_session_fn)(const store_session_t *s, void *arg);
typedef void (*store_answer_fn)(const store_answer_t *a, void *arg);

struct store_engine {
	const char *name;

	/* ---- life cycle ---- */
	/* Opens (creating and migrating) the database named by db, sets st->db
	 * and st->secret. On failure leaves st->db NULL and fills err. */
	int (*open)(store_t *st, const char *db, char *err, size_t errlen);
	/* Frees st->db (a store's or a reader's). The writer is stopped. */
	void (*close)(store_t *st);
	/* Fills rd->db with a new connection to st's database, inside one read
	 * transaction for its whole life. May run on any thread. */
	int (*reader_open)(store_t *st, store_t *rd, char *err, size_t errlen);
	int (*backup)(store_t *st, const char *dest, char *err, size_t errlen);
	const char *(*errmsg)(store_t *st);

	/* ---- synchronous calls, one per public call of the same name ---- */
	int (*meta_get)(store_t *st, const char *key, char *out, size_t len);
	int (*meta_set)(store_t *st, const char *key, const char *value);
	int (*event_create)(store_t *st, const char *title, const char *subtitle, const char *lang,
	                    const char *deck_md, int64_t owner, char *const *slides_json, size_t n,
	                    int64_t *event_id, int64_t *slide_ids);
	int (*event_get)(store_t *st, int64_t id, store_event_t *out);
	int (*event_slides)(store_t *st, int64_t event_id, store_slide_t **out, size_t *n);
	int (*session_create)(store_t *st, int64_t event_id, int digits, bool self_paced,
	                      store_session_t *out);
	int (*session_set_name)(store_t *st, int64_t session_id, const char *name);
	int (*sessions_live)(store_t *st, store_session_fn fn, void *arg);
	int (*session_by_code)(store_t *st, const char *code, store_session_t *out);
	int (*event_sessions)(store_t *st, int64_t event_id, store_session_fn fn, void *arg);
	int (*answers_load)(store_t *st, int64_t session_id, store_answer_fn fn, void *arg);
	int (*answers_slide)(store_t *st, int64_t session_id, int64_t slide_id, store_answer_fn fn,
	                     void *arg);
	/* May be NULL: store.c then reads every answer (store_answers_since). */
	int (*answers_since)(store_t *st, int64_t session_id, int64_t *cursor, store_answer_fn fn,
	                     void *arg);
	int (*purge_event)(store_t *st, int64_t event_id, bool all_answers, int64_t *n);

	int (*user_info)(store_t *st, int64_t id, char *name, size_t nlen, char *role, size_t rlen);
	int (*users)(store_t *st,
	             void (*fn)(const char *name, const char *role, int64_t created, void *arg),
	             void *arg);
	int (*user_set_password)(store_t *st, const char *name, const char *pwhash);
	int (*user_del)(store_t *st, const char *name);
	int (*events_list)(store_t *st, int64_t user_id, bool all,
	                   void (*fn)(const store_event_row_t *e, void *arg), void *arg);
	int (*event_access)(store_t *st, int64_t event_id, int64_t user_id, char *access,
	                    size_t len);
	int (*event_extra)(store_t *st, int64_t id, char **summary, int64_t *updated_at,
	                   char *owner, size_t olen);
	int64_t (*event_answers)(store_t *st, int64_t event_id);
	int64_t (*session_answers)(store_t *st, int64_t session_id);
	int (*event_set_summary)(store_t *st, int64_t id, const char *summary);
	int (*event_set_deck)(store_t *st, int64_t id, const char *title, const char *subtitle,
	                      const char *lang, const char *deck_md, char *const *slides_json,
	                      size_t n, int64_t *slide_ids);
	int (*event_delete)(store_t *st, int64_t id);
	int (*event_touch)(store_t *st, int64_t id);
	int (*share)(store_t *st, int64_t event_id, const char *name, const char *role);
	int (*shares)(store_t *st, int64_t event_id,
	              void (*fn)(const char *name, const char *role, void *arg), void *arg);
	int (*log)(store_t *st, int64_t event_id,
	           void (*fn)(int64_t at, const char *user, const char *action, int64_t answer,
	                      const char *session, void *arg),
	           void *arg);
	int (*media_put)(store_t *st, int64_t event_id, const char *name, const char *type,
	                 const void *data, size_t len);
	int (*media_get)(store_t *st, int64_t event_id, const char *name, char *type, size_t tlen,
	                 void **data, size_t *len);
	int (*media_copy)(store_t *st, int64_t from_event, int64_t to_event);
	int (*user_add)(store_t *st, const char *name, const char *pwhash, const char *role,
	                int64_t *id);
	int (*user_get)(store_t *st, const char *name, int64_t *id, char **pwhash);
	int (*user_name)(store_t *st, int64_t id, char *name, size_t len);
	int (*token_add)(store_t *st, const unsigned char hash[32], int64_t user_id,
	                 const char *kind, int64_t expires_at);
	int (*token_user)(store_t *st, const unsigned char hash[32], const char *kind, int64_t now,
	                  int64_t *user_id);
	int (*token_del)(store_t *st, const unsigned char hash[32]);
	int (*processes)(store_t *st, void (*fn)(const store_process_t *p, void *arg), void *arg);
	int (*posts)(store_t *st, int64_t event_id, void (*fn)(const store_post_t *p, void *arg),
	             void (*mark)(int64_t post_id, int kind, const char *participant, void *arg),
	             void *arg);
	/* e-mail on the website (sqlite_mail.c, pg_mail.c) */
	int (*mail_token_add)(store_t *st, const char *hash, const store_mail_token_t *t,
	                      int64_t since, int max);
	int (*mail_token_take)(store_t *st, const char *hash, const char *purpose, int64_t now,
	                       store_mail_token_t *out);
	int (*mail_person_confirm)(store_t *st, const store_mail_person_t *in,
	                           store_mail_person_t *out);
	int (*mail_person_digest)(store_t *st, int64_t event_id, const char *participant, bool on,
	                          const char *topics, int64_t now);
	int (*mail_person_delete)(store_t *st, int64_t event_id, const char *participant);
	int (*mail_people)(store_t *st, int64_t event_id,
	                   void (*fn)(const store_mail_person_t *p, void *arg), void *arg);
	int (*mail_digest_sent)(store_t *st, int64_t event_id, const char *participant, int64_t at);
	int (*chore_claim)(store_t *st, const char *name, int64_t period);
	int (*mail_purge)(store_t *st, int64_t event_id, int64_t *n);
	int (*invite_add)(store_t *st, int64_t event_id, char *const *codes, size_t n, int64_t now);
	int (*invite_use)(store_t *st, int64_t event_id, const char *code, const char *participant,
	                  int64_t now);
	int (*invites)(store_t *st, int64_t event_id,
	               void (*fn)(int64_t event_id, const char *code, int64_t used_at,
	                          const char *participant, void *arg),
	               void *arg);
	/* the sociale kaart (sqlite_kaart.c, pg_kaart.c) */
	int (*kaart_entries)(store_t *st, void (*fn)(const store_kaart_entry_t *e, void *arg),
	                     void *arg);
	int (*kaart_save)(store_t *st, store_kaart_entry_t *e, int64_t user_id, const char *action);
	int (*kaart_claim_add)(store_t *st, const unsigned char hash[32], int64_t entry_id,
	                       int64_t expires_at);
	int (*kaart_claim_take)(store_t *st, const unsigned char hash[32], int64_t now, bool use,
	                        int64_t *entry_id);
	int (*kaart_log)(store_t *st, int64_t entry_id,
	                 void (*fn)(int64_t at, const char *user, const char *action, void *arg),
	                 void *arg);

	/* ---- the writer's hooks (writer.c), see invariant 3 ---- */
	/* Opens the writer's own connection and prepares its statements. Sets
	 * *pipelined when group_commit leaves the data unflushed and sync makes
	 * it durable (the writer then flushes on a second thread while it
	 * commits the next group); else group_commit is durable by itself. */
	int (*writer_open)(store_t *st, bool *pipelined, char *err, size_t errlen);
	void (*writer_close)(store_t *st);
	int (*group_begin)(store_t *st);
	/* One method per job kind: runs the job inside the open group and sets
	 * its out fields; 0 or UV_EIO (the whole group then rolls back). */
	store_job_fn job[STORE_JOB_KINDS];
	int (*group_commit)(store_t *st);
	void (*group_rollback)(store_t *st);
	/* Flushes every group committed so far to the disk (syncer threads,
	 * up to two calls at once, concurrently with the writer's next group,
	 * writer.c). Only called when writer_open set *pipelined. A failure
	 * is fatal. */
	int (*sync)(store_t *st);
	/* The last error of the writer's connection, for the log. */
	const char *(*writer_errmsg)(store_t *st);
};

extern const store_engine_t store__sqlite_engine;
extern const store_engine_t store__pg_engine;

/* writer.c */
int store__writer_start(store_t *st, uv_loop_t *loop);
void store__writer_stop(store_t *st);

#endif
