/*
 * pg: the PostgreSQL engine's shared state and helpers, for the
 * store/pg_*.c files only.
 *
 * A libpq connection serves one thread at a time, so a store has two: `c`
 * serves the synchronous calls (the command line, start-up loading, the
 * loop's small reads), guarded by `mu` because store.h lets the caller
 * change threads; `w` belongs to the writer thread alone. A reader
 * (store_reader_open) has only `c`, inside one REPEATABLE READ, READ ONLY
 * transaction: its snapshot, and writes refused by the server.
 *
 * Hazard: every synchronous call is a round trip to the server, and the
 * loop thread waits for it (logins, token checks, deck loads). On a local
 * socket that is tens of microseconds; over a network it is a
 * millisecond or more per call, taken out of every connection's time.
 *
 * Files: pg_open.c (open, migrations, readers, settings, the helpers and
 * the method table), pg_events.c (events, slides, sessions, answers),
 * pg_workspace.c (users, tokens, sharing, the log, media), pg_web.c (the
 * website: processes, posts, marks) and pg_write.c (the writer's hooks).
 */
#ifndef INSPRAAK_STORE_PG_H
#define INSPRAAK_STORE_PG_H

#include <libpq-fe.h>
#include <stdarg.h>
#include <pthread.h>

#include "store/engine.h"

typedef struct pgs {
	PGconn *c, *w;
	pthread_mutex_t mu; /* recursive: held around each call on c */
	char *url;
	char errmsg[512];  /* the last failure on c, for store_errmsg */
	char werrmsg[512]; /* the last failure on w, for the writer's log */
	/* The writer's pipeline (pg_write.c): the job of each statement sent
	 * in the open group, in order, and how many results were read. */
	struct pg_sent *sent;
	size_t n_sent, cap_sent, n_read;
	bool wfailed; /* a statement of the open group failed */
	/* The open group's answers: waiting for their batch (`ans`), and the
	 * batches sent, each a run of `batched` (pg_write.c). */
	store_job_t **ans, **batched;
	size_t n_ans, cap_ans, n_batched, cap_batched;
	struct pg_batch *batch; /* the arrays of one batch, kept for reuse */
} pgs_t;

#define PGS(st) ((pgs_t *)(st)->db)

/* Statement parameters in libpq's form, from a types string (pg__run). */
enum { PG_MAX_PARAMS = 16 };
typedef struct pg_params {
	int n;
	const char *vals[PG_MAX_PARAMS];
	int lens[PG_MAX_PARAMS], fmts[PG_MAX_PARAMS];
	char nums[PG_MAX_PARAMS][24]; /* the integers' text */
} pg_params_t;
void pg__params(pg_params_t *p, const char *types, va_list ap);

/* The store's code for a failed result: 23505 (unique) -> UV_EEXIST,
 * 53100 (disk full) -> UV_ENOSPC, 40001/55P03 (serialisation, lock) ->
 * UV_EBUSY, anything else (a lost connection) -> UV_EIO. */
int pg__code(const PGresult *r);

/* A new connection to url in UTF-8 with synchronous_commit on; NULL with a
 * message in err that does not repeat the URL (it may hold a password). */
PGconn *pg__connect(const char *url, char *err, size_t errlen);

/* Reads, without waiting, what came on an idle connection c: a server
 * that stopped or restarted since has closed it, and c is CONNECTION_BAD
 * afterwards (to be opened again before use). */
void pg__check_idle(PGconn *c);

/* Runs sql on the synchronous connection with parameters given by types,
 * one letter per parameter: 't' text (const char *, NULL for SQL NULL),
 * 'i' int64_t, 'n' int64_t that is NULL when <= 0, 'b' bytes (const void *
 * then size_t). On success returns the number of rows the statement
 * returned or changed (>= 0) and, when out is not NULL and there are rows,
 * hands the result in *out (PQclear it; NULL when no rows); on failure a
 * negative code (pg__code), logged unless it is UV_EEXIST, and *out is
 * NULL. */
int64_t pg__run(store_t *st, PGresult **out, const char *sql, const char *types, ...);
/* The same on connection conn, reporting failures into msg (for the
 * writer); when prepared, sql is the name of a prepared statement. */
int64_t pg__runv(PGconn *conn, char *msg, size_t msglen, PGresult **out, bool prepared,
                 const char *sql, const char *types, va_list ap);
/* Runs a query like pg__run and calls row for each row as it arrives
 * (libpq's single-row mode: r holds that one row, valid during the call),
 * so that a large result is never whole in memory. row runs while the
 * connection is held: it must not call the store. 0 or a negative code; a
 * failure may come after some rows. */
int pg__each(store_t *st, void (*row)(const PGresult *r, void *arg), void *arg, const char *sql,
             const char *types, ...);
/* Runs a parameterless command (BEGIN, COMMIT...); 0 or a negative code. */
int pg__exec(store_t *st, const char *sql);

/* Column j of row i as an integer (0 for NULL) or a malloc'd string. */
int64_t pg__int(const PGresult *r, int i, int j);
char *pg__dup(const PGresult *r, int i, int j);

/* Takes and leaves the synchronous connection (recursive). */
void pg__lock(store_t *st);
void pg__unlock(store_t *st);

/* ---- the methods, by file ---- */

/* pg_events.c */
int pg_event_create(store_t *st, const char *title, const char *subtitle, const char *lang,
                    const char *deck_md, int64_t owner, char *const *slides_json, size_t n,
                    int64_t *event_id, int64_t *slide_ids);
int pg_event_get(store_t *st, int64_t id, store_event_t *out);
int pg_event_slides(store_t *st, int64_t event_id, store_slide_t **out, size_t *n);
int pg_session_create(store_t *st, int64_t event_id, int digits, bool self_paced,
                      store_session_t *out);
int pg_session_set_name(store_t *st, int64_t session_id, const char *name);
int pg_sessions_live(store_t *st, store_session_fn fn, void *arg);
int pg_session_by_code(store_t *st, const char *code, store_session_t *out);
int pg_event_sessions(store_t *st, int64_t event_id, store_session_fn fn, void *arg);
int pg_answers_load(store_t *st, int64_t session_id, store_answer_fn fn, void *arg);
int pg_answers_slide(store_t *st, int64_t session_id, int64_t slide_id, store_answer_fn fn,
                     void *arg);
int pg_answers_since(store_t *st, int64_t session_id, int64_t *cursor, store_answer_fn fn,
                     void *arg);
int pg_purge_event(store_t *st, int64_t event_id, bool all_answers, int64_t *n);
int64_t pg_event_answers(store_t *st, int64_t event_id);
int64_t pg_session_answers(store_t *st, int64_t session_id);
int pg_event_set_deck(store_t *st, int64_t id, const char *title, const char *subtitle,
                      const char *lang, const char *deck_md, char *const *slides_json, size_t n,
                      int64_t *slide_ids);

/* pg_mail.c */
int pg_mail_token_add(store_t *st, const char *hash, const store_mail_token_t *t, int64_t since,
                      int max);
int pg_mail_token_take(store_t *st, const char *hash, const char *purpose, int64_t now,
                       store_mail_token_t *out);
int pg_mail_person_confirm(store_t *st, const store_mail_person_t *in, store_mail_person_t *out);
int pg_mail_person_digest(store_t *st, int64_t event_id, const char *participant, bool on,
                          const char *topics, int64_t now);
int pg_mail_person_delete(store_t *st, int64_t event_id, const char *participant);
int pg_mail_people(store_t *st, int64_t event_id,
                   void (*fn)(const store_mail_person_t *p, void *arg), void *arg);
int pg_mail_digest_sent(store_t *st, int64_t event_id, const char *participant, int64_t at);
int pg_chore_claim(store_t *st, const char *name, int64_t period);
int pg_mail_purge(store_t *st, int64_t event_id, int64_t *n);
int pg_invite_add(store_t *st, int64_t event_id, char *const *codes, size_t n, int64_t now);
int pg_invite_use(store_t *st, int64_t event_id, const char *code, const char *participant,
                  int64_t now);
int pg_invites(store_t *st, int64_t event_id,
               void (*fn)(int64_t event_id, const char *code, int64_t used_at,
                          const char *participant, void *arg),
               void *arg);

/* pg_workspace.c */
int pg_user_info(store_t *st, int64_t id, char *name, size_t nlen, char *role, size_t rlen);
int pg_users(store_t *st,
             void (*fn)(const char *name, const char *role, int64_t created, void *arg), void *arg);
int pg_user_set_password(store_t *st, const char *name, const char *pwhash);
int pg_user_del(store_t *st, const char *name);
int pg_events_list(store_t *st, int64_t user_id, bool all,
                   void (*fn)(const store_event_row_t *e, void *arg), void *arg);
int pg_event_access(store_t *st, int64_t event_id, int64_t user_id, char *access, size_t len);
int pg_event_extra(store_t *st, int64_t id, char **summary, int64_t *updated_at, char *owner,
                   size_t olen);
int pg_event_set_summary(store_t *st, int64_t id, const char *summary);
int pg_event_delete(store_t *st, int64_t id);
int pg_event_touch(store_t *st, int64_t id);
int pg_share(store_t *st, int64_t event_id, const char *name, const char *role);
int pg_shares(store_t *st, int64_t event_id,
              void (*fn)(const char *name, const char *role, void *arg), void *arg);
int pg_log(store_t *st, int64_t event_id,
           void (*fn)(int64_t at, const char *user, const char *action, int64_t answer,
                      const char *session, void *arg),
           void *arg);
int pg_media_put(store_t *st, int64_t event_id, const char *name, const char *type,
                 const void *data, size_t len);
int pg_media_get(store_t *st, int64_t event_id, const char *name, char *type, size_t tlen,
                 void **data, size_t *len);
int pg_media_copy(store_t *st, int64_t from_event, int64_t to_event);
int pg_user_add(store_t *st, const char *name, const char *pwhash, const char *role, int64_t *id);
int pg_user_get(store_t *st, const char *name, int64_t *id, char **pwhash);
int pg_user_name(store_t *st, int64_t id, char *name, size_t len);
int pg_token_add(store_t *st, const unsigned char hash[32], int64_t user_id, const char *kind,
                 int64_t expires_at);
int pg_token_user(store_t *st, const unsigned char hash[32], const char *kind, int64_t now,
                  int64_t *user_id);
int pg_token_del(store_t *st, const unsigned char hash[32]);

/* pg_write.c */
int pg_writer_open(store_t *st, bool *pipelined, char *err, size_t errlen);
void pg_writer_close(store_t *st);
int pg_group_begin(store_t *st);
int pg_group_commit(store_t *st);
void pg_group_rollback(store_t *st);
const char *pg_writer_errmsg(store_t *st);
int pg_job_answer(store_t *st, store_job_t *j);
int pg_job_session(store_t *st, store_job_t *j);
int pg_job_hide(store_t *st, store_job_t *j);
int pg_job_answered(store_t *st, store_job_t *j);
int pg_job_pin(store_t *st, store_job_t *j);
int pg_job_token_add(store_t *st, store_job_t *j);
int pg_job_token_del(store_t *st, store_job_t *j);
/* Sends prepared statement name of job j in the writer's open group (see
 * pg__run for types); its result is read later (pg_write.c's invariant 1).
 * For the job methods of the other files. */
int pg__wsend(store_t *st, store_job_t *j, const char *name, const char *types, ...);
/* Sends a flag's statement stmt ($1 the value, $2 the row's id) and, when
 * the job has an event_id, the moderation log's row (action on or off). */
int pg__flag(store_t *st, store_job_t *j, const char *stmt, const char *on, const char *off);

/* pg_web.c */
int pg_processes(store_t *st, void (*fn)(const store_process_t *p, void *arg), void *arg);
int pg_posts(store_t *st, int64_t event_id, void (*fn)(const store_post_t *p, void *arg),
             void (*mark)(int64_t post_id, int kind, const char *participant, void *arg),
             void *arg);
/* pg_purge_event's part for the website: the event's posts deleted
 * (all_posts) or unlinked from their participants, and their marks. */
int pg__web_purge(store_t *st, int64_t event_id, bool all_posts);
int pg_job_process(store_t *st, store_job_t *j);
int pg_job_post(store_t *st, store_job_t *j);
int pg_job_mark(store_t *st, store_job_t *j);
int pg_job_post_hide(store_t *st, store_job_t *j);
int pg_job_post_reviewed(store_t *st, store_job_t *j);
int pg_job_retention(store_t *st, store_job_t *j);

/* pg_kaart.c */
int pg_kaart_entries(store_t *st, void (*fn)(const store_kaart_entry_t *e, void *arg), void *arg);
int pg_kaart_save(store_t *st, store_kaart_entry_t *e, int64_t user_id, const char *action);
int pg_kaart_claim_add(store_t *st, const unsigned char hash[32], int64_t entry_id,
                       int64_t expires_at);
int pg_kaart_claim_take(store_t *st, const unsigned char hash[32], int64_t now, bool use,
                        int64_t *entry_id);
int pg_kaart_log(store_t *st, int64_t entry_id,
                 void (*fn)(int64_t at, const char *user, const char *action, void *arg),
                 void *arg);

#endif
