/*
 * store: everything inspraak keeps on disk, behind one interface.
 *
 * Two kinds of calls:
 *  - synchronous ones, for the command line, for loading state at start and
 *    for the few small reads the loop needs (a login, a token): they run on
 *    the caller's thread;
 *  - store_submit(), for every write while serving: jobs go to one writer
 *    thread that commits them in groups (one transaction, one fsync, many
 *    answers) and then reports each job back on the loop thread through a
 *    uv_async handle. A job is reported only after its group committed, so
 *    an acknowledged answer survives a crash or power loss.
 *
 * Engines: the database argument of store_open chooses one (a file path:
 * SQLite, WAL, every acknowledged write flushed; a postgresql:// URL:
 * PostgreSQL, every acknowledged write committed with synchronous_commit
 * on). Each engine fills the method table of
 * engine.h; store.c dispatches through it and writer.c is the group-commit
 * writer for all engines. Nothing outside store/ knows which engine runs.
 * Schema changes are numbered migrations applied by store_open.
 *
 * Errors: every call returns 0 (STORE_OK) or a negative libuv code:
 *   UV_EIO     (STORE_ERROR)    the engine failed: disk, I/O, lost database
 *   UV_ENOENT  (STORE_NOTFOUND) no such row
 *   UV_EEXIST  (STORE_EXISTS)   a unique value is taken (user name, code)
 *   UV_ENOTSUP                  store_open: the engine is not in this build
 * Each call below says which of these it returns besides STORE_OK and
 * STORE_ERROR, which every call may return. No call returns UV_ENOMEM:
 * allocation aborts (util/xalloc.h). Out-parameters are untouched on
 * failure unless the call says otherwise. The engine's message for the
 * last failure is store_errmsg's; calls meant for a person (open, backup)
 * also fill err.
 *
 * Threads: one store_t serves the synchronous calls of one thread at a time
 * and the writer thread (store_start). A report, which runs on uv's thread
 * pool, reads through a reader of its own (store_reader_open), never
 * through the loop's store_t.
 */
#ifndef INSPRAAK_STORE_H
#define INSPRAAK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

typedef struct store store_t;

/* The names the callers use, aliases of the libuv codes. */
enum {
	STORE_OK = 0,
	STORE_ERROR = UV_EIO,
	STORE_NOTFOUND = UV_ENOENT,
	STORE_EXISTS = UV_EEXIST,
};

/* ---- life cycle ---- */

/* Opens (creating if needed) and migrates the database path names: a file
 * path (SQLite) or a postgresql:// URL. Sets *out, owned by the caller until
 * store_close. On failure returns STORE_ERROR (cannot open, damaged, or a
 * schema newer than this binary) or UV_ENOTSUP (an engine not built in),
 * with a message for a person in err, and *out is untouched. */
int store_open(const char *path, store_t **out, char *err, size_t errlen);
/* Stops the writer (after finishing queued jobs), closes and frees st
 * (NULL is allowed). After store_start, run the loop once more afterwards:
 * the writer's handles close there. Every reader must be closed first. */
void store_close(store_t *st);

/* A reader: a store_t of its own that sees one consistent snapshot of the
 * database, taken now, for its whole life, on a connection of its own; for
 * a report, which must neither see half of a later write nor share the
 * loop's connection with the thread pool. Only the reading calls are
 * allowed on it (a write returns STORE_ERROR), and no store_start. It may
 * be opened, used and closed on any one thread at a time; st must outlive
 * it. Returns STORE_ERROR with a message in err when the connection cannot
 * be opened. Close with store_reader_close (NULL is allowed).
 *
 * Hazard: an open reader holds back the engine's cleanup of old versions
 * (SQLite's WAL grows until it closes): keep it for one report. */
int store_reader_open(store_t *st, store_t **out, char *err, size_t errlen);
void store_reader_close(store_t *rd);

/* Writes a consistent copy of the whole database to dest (which must not
 * exist) while others may go on writing: SQLite's online backup. On failure
 * returns STORE_EXISTS (dest exists, and is left alone), STORE_ERROR
 * (dest is then removed) or UV_ENOTSUP (a PostgreSQL database: pg_dump
 * backs it up), with a message in err. */
int store_backup(store_t *st, const char *dest, char *err, size_t errlen);
/* The engine's last error message (for logs), never NULL; valid until the
 * next call on st. */
const char *store_errmsg(store_t *st);

/* Copies everything in from, a SQLite database, into to, a PostgreSQL
 * database without users or events (both opened with store_open, neither
 * started nor a reader): every table, in one transaction of to's, all or
 * nothing; rows keep their ids, and to takes from's secret. Before the
 * commit each table's row count in to is checked against from's; fn (may
 * be NULL) hears each table's name and count. from is read as one
 * snapshot, so a server may go on writing to it (what it writes then is not
 * copied). Returns STORE_EXISTS when to is not empty, UV_ENOTSUP for other
 * engines, with a message in err; to is unchanged on failure. */
typedef void (*store_copy_fn)(const char *table, int64_t rows, void *arg);
int store_copy(store_t *from, store_t *to, store_copy_fn fn, void *arg, char *err, size_t errlen);

/* A 32-byte secret made at creation, kept in the database: the key for
 * participant hashes, stable across restarts. */
const unsigned char *store_secret(store_t *st);

/* Small named settings kept with the data (such as which session is the
 * demo's). get copies the value into out (truncated to len); STORE_NOTFOUND
 * when unset. set replaces. */
int store_meta_get(store_t *st, const char *key, char *out, size_t len);
int store_meta_set(store_t *st, const char *key, const char *value);

/* ---- events, slides, sessions (synchronous) ---- */

typedef struct store_event {
	int64_t id;
	char *title, *subtitle, *lang, *deck_md; /* owned, freed by store_event_clear */
	int64_t owner, created_at;
} store_event_t;

typedef struct store_slide {
	int64_t id;
	int position;
	char *json; /* slide_to_json(s, true) serialised; owned */
} store_slide_t;

/* Creates an event with its slides (JSON strings in slides_json, in order),
 * all or nothing. Sets *event_id and fills slide_ids[0..n) with the new
 * slides' ids. owner <= 0: no owner; only admins see the event. */
int store_event_create(store_t *st, const char *title, const char *subtitle, const char *lang,
                       const char *deck_md, int64_t owner, char *const *slides_json, size_t n,
                       int64_t *event_id, int64_t *slide_ids);
/* Fills *out (strings owned by it: store_event_clear); STORE_NOTFOUND. */
int store_event_get(store_t *st, int64_t id, store_event_t *out);
void store_event_clear(store_event_t *e);
/* The slides of an event in order; *out is malloc'd, free with
 * store_slides_free. An unknown event has no slides (n 0, not NOTFOUND). */
int store_event_slides(store_t *st, int64_t event_id, store_slide_t **out, size_t *n);
void store_slides_free(store_slide_t *s, size_t n);

typedef struct store_session {
	int64_t id, event_id;
	char code[12];
	int status; /* 0 live, 1 ended */
	int slide_index;
	bool open, results;
	int64_t revision;
	int64_t started_at, ended_at;
	/* Self-paced (online between meetings): every question is open at once,
	 * each participant answers in any order; fixed at creation. */
	bool self_paced;
	/* Its facilitator's name for it ("16 oktober"), "" when none; at most
	 * STORE_SESSION_NAME_MAX code points. Its number is its place among the
	 * event's sessions in the order of creation (store_event_sessions). */
	char name[256];
} store_session_t;

enum { STORE_SESSION_NAME_MAX = 60 };

/* Creates a live session with a fresh random code of `digits` digits
 * (6..8, else STORE_ERROR), unique among all sessions; fills *out. */
int store_session_create(store_t *st, int64_t event_id, int digits, store_session_t *out);
/* The same, self-paced when self_paced is true; a self-paced session
 * starts with its results shown. */
int store_session_create_mode(store_t *st, int64_t event_id, int digits, bool self_paced,
                              store_session_t *out);
/* Names a session (name: valid text of at most STORE_SESSION_NAME_MAX code
 * points, "" for none; the caller checks). STORE_NOTFOUND when no session
 * has the id. */
int store_session_set_name(store_t *st, int64_t session_id, const char *name);
/* Calls fn for every live session, in id order. */
int store_sessions_live(store_t *st, void (*fn)(const store_session_t *s, void *arg), void *arg);
/* Fills *out; STORE_NOTFOUND when no session has the code. */
int store_session_by_code(store_t *st, const char *code, store_session_t *out);

typedef struct store_answer {
	int64_t id, session_id, slide_id;
	const char *participant; /* hex of the keyed hash */
	const char *client_id;
	const char *value; /* normal form, JSON */
	int64_t at_ms;
	bool hidden, answered;
	bool pending; /* hidden when it arrived, waiting for a moderator */
	bool pinned;  /* Q&A: pinned to the top by a moderator */
} store_answer_t;

/* Calls fn for every answer of a session in id order (strings valid during
 * the call only). */
int store_answers_load(store_t *st, int64_t session_id,
                       void (*fn)(const store_answer_t *a, void *arg), void *arg);

/* Calls fn for every answer of a session added or changed (hidden, pinned,
 * answered) since the call that set *cursor, and sets *cursor for the next
 * call; *cursor 0 reads them all. Answers may come again (the caller
 * skips those it has), but none added or changed since is left out. For a
 * node that follows what other nodes store (app/nodes.c). An engine
 * without a cheaper way calls fn for every answer and leaves *cursor as
 * it is; on failure *cursor is unchanged. */
int store_answers_since(store_t *st, int64_t session_id, int64_t *cursor,
                        void (*fn)(const store_answer_t *a, void *arg), void *arg);

/* Forgets who gave the answers of an event: every answer gets a random
 * participant hash of its own, so no two answers can be linked any more.
 * With all_answers, deletes the event's answers instead. Sets *n to the
 * number of answers touched. STORE_NOTFOUND when there is no such event. */
int store_purge_event(store_t *st, int64_t event_id, bool all_answers, int64_t *n);

/* ---- the workspace (synchronous) ---- */

/* Name and role ("admin", "facilitator" or "moderator") of a user, copied
 * into the buffers; STORE_NOTFOUND. */
int store_user_info(store_t *st, int64_t id, char *name, size_t nlen, char *role, size_t rlen);
/* Calls fn for every user by name (strings valid during the call). */
int store_users(store_t *st,
                void (*fn)(const char *name, const char *role, int64_t created, void *arg),
                void *arg);
/* A new Argon2id hash; also ends the user's login sessions.
 * STORE_NOTFOUND when there is no such user. */
int store_user_set_password(store_t *st, const char *name, const char *pwhash);
/* Deletes a user with their tokens; STORE_NOTFOUND. */
int store_user_del(store_t *st, const char *name);

typedef struct store_event_row {
	int64_t id;
	const char *title, *subtitle, *lang;
	const char *owner;  /* name, "" when the event has no owner (admins only) */
	const char *access; /* the caller's: owner, facilitator, moderator or admin */
	int64_t sessions, answers, updated_at;
} store_event_row_t;

/* The events user_id may see (all of them when all is true), newest change
 * first; strings valid during the call. Events without an owner (imported
 * on the command line without --owner) are listed for admins only (all). */
int store_events_list(store_t *st, int64_t user_id, bool all,
                      void (*fn)(const store_event_row_t *e, void *arg), void *arg);
/* What user_id may do with the event: "owner", "facilitator", "moderator"
 * or "" (nothing; admins are checked by the caller); STORE_NOTFOUND when
 * there is no such event. */
int store_event_access(store_t *st, int64_t event_id, int64_t user_id, char *access, size_t len);
/* Summary (malloc'd, caller frees), last change and owner's name ("" when
 * none); STORE_NOTFOUND. */
int store_event_extra(store_t *st, int64_t id, char **summary, int64_t *updated_at, char *owner,
                      size_t olen);
/* The number of answers of an event, or of a session (0 for an unknown
 * one); STORE_ERROR (negative) on failure. */
int64_t store_event_answers(store_t *st, int64_t event_id);
int64_t store_session_answers(store_t *st, int64_t session_id);
/* STORE_NOTFOUND when there is no such event. */
int store_event_set_summary(store_t *st, int64_t id, const char *summary);
/* Replaces the deck and slides of an event that has no answers (else
 * STORE_ERROR and nothing changes); fills slide_ids[0..n). */
int store_event_set_deck(store_t *st, int64_t id, const char *title, const char *subtitle,
                         const char *lang, const char *deck_md, char *const *slides_json, size_t n,
                         int64_t *slide_ids);
/* Deletes an event with its sessions and answers; STORE_NOTFOUND. */
int store_event_delete(store_t *st, int64_t id);
/* Marks the event changed now (an unknown event is no failure). */
int store_event_touch(store_t *st, int64_t id);
/* Shares the event with user name as role ("facilitator" or "moderator");
 * role NULL stops sharing. STORE_NOTFOUND when there is no such user. */
int store_share(store_t *st, int64_t event_id, const char *name, const char *role);
/* Calls fn for each user the event is shared with, by name. */
int store_shares(store_t *st, int64_t event_id,
                 void (*fn)(const char *name, const char *role, void *arg), void *arg);
/* The moderation log of an event, newest first (at most 1,000 rows). */
int store_log(store_t *st, int64_t event_id,
              void (*fn)(int64_t at, const char *user, const char *action, int64_t answer,
                         const char *session, void *arg),
              void *arg);

/* Images of an event, by name (a content hash with its extension). put
 * keeps an existing image of the same name; get copies the type into type
 * and hands a malloc'd copy in *data (caller frees), or STORE_NOTFOUND. */
int store_media_put(store_t *st, int64_t event_id, const char *name, const char *type,
                    const void *data, size_t len);
int store_media_get(store_t *st, int64_t event_id, const char *name, char *type, size_t tlen,
                    void **data, size_t *len);
/* Copies every image of one event to another (duplicating an event). */
int store_media_copy(store_t *st, int64_t from_event, int64_t to_event);

/* ---- users and tokens (synchronous) ---- */

/* Adds a user with an Argon2id hash (crypto_pwhash_str) of the password;
 * sets *id when id is not NULL. STORE_EXISTS when the name is taken. */
int store_user_add(store_t *st, const char *name, const char *pwhash, const char *role,
                   int64_t *id);
/* Finds a user by name; sets *id and *pwhash (malloc'd, the caller frees)
 * for those not NULL. STORE_NOTFOUND. */
int store_user_get(store_t *st, const char *name, int64_t *id, char **pwhash);
/* Copies the name of user id into name; STORE_NOTFOUND. */
int store_user_name(store_t *st, int64_t id, char *name, size_t len);

/* Tokens are kept as a SHA-256 of the secret a client holds. kind is
 * "api", "session" or "login" (one-time). expires_at 0 = never. */
int store_token_add(store_t *st, const unsigned char hash[32], int64_t user_id, const char *kind,
                    int64_t expires_at);
/* The user of a valid token of that kind; STORE_NOTFOUND when unknown or
 * expired. */
int store_token_user(store_t *st, const unsigned char hash[32], const char *kind, int64_t now,
                     int64_t *user_id);
int store_token_del(store_t *st, const unsigned char hash[32]);

/* ---- the website: processes, posts, marks (synchronous reads) ----
 *
 * A process is an event published as a website (docs/protocol.md,
 * "Processes"): its description, phases and topics are one JSON document
 * (config) that only app/process.c reads. Posts are what residents and
 * facilitators write on a topic; a mark is one participant's support ("ik
 * ook") or flag on a post, at most one of each kind. Every write goes
 * through the writer (STORE_JOB_PROCESS, _POST, _MARK, _POST_HIDE,
 * _POST_REVIEWED). */

enum { STORE_POST_CONTRIBUTION, STORE_POST_REPLY, STORE_POST_REACTION };
enum { STORE_MARK_SUPPORT, STORE_MARK_FLAG };

typedef struct store_process {
	int64_t event_id, session_id, updated_at;
	const char *slug; /* NULL: none */
	const char *config;
	bool published;
} store_process_t;

typedef struct store_post {
	int64_t id, event_id, topic, parent, user_id, at_ms;
	int kind;
	const char *participant, *body;
	bool hidden, pending, reviewed;
} store_post_t;

/* Whether the engine keeps the website (both do; an engine without it has
 * no processes, and the website's jobs must not be submitted to it, since
 * a failed job rolls its whole group back). */
bool store_has_website(const store_t *st);
/* Calls fn for every process (strings valid during the call). */
int store_processes(store_t *st, void (*fn)(const store_process_t *p, void *arg), void *arg);
/* Calls fn for every post of an event in id order, then mark for every
 * mark on them (strings valid during the call). */
int store_posts(store_t *st, int64_t event_id, void (*fn)(const store_post_t *p, void *arg),
                void (*mark)(int64_t post_id, int kind, const char *participant, void *arg),
                void *arg);

/* ---- e-mail on the website (issue 14): one-time links and people ----
 *
 * A one-time link carries a random token; only its hash (64 hex digits)
 * is stored, with a purpose ("login", or another feature's), the event,
 * the address it was sent to, the participant who asked for it and that
 * device's cookie token, sealed (app/login_mail.c). A person is an address
 * confirmed on an event's website: tied to one participant, with their
 * digest choice. Addresses are stored for nothing else, and
 * store_mail_purge removes them (the retention's end). These calls are
 * synchronous: the app makes them on the thread pool (app_write), never
 * on the loop. Every engine keeps them, also one without the website. */

enum {
	STORE_MAIL_ADDRESS_MAX = 254,
	STORE_MAIL_PURPOSE_MAX = 15,
	STORE_MAIL_DEVICE_MAX = 160,
	STORE_MAIL_TOPICS_MAX = 800, /* ",1,2,...," */
};

typedef struct store_mail_token {
	int64_t event_id, created_at, expires_at;
	char purpose[STORE_MAIL_PURPOSE_MAX + 1];
	char address[STORE_MAIL_ADDRESS_MAX + 1];
	char participant[33];
	char device[STORE_MAIL_DEVICE_MAX + 1];
} store_mail_token_t;

typedef struct store_mail_person {
	int64_t event_id, confirmed_at, digest_at;
	char address[STORE_MAIL_ADDRESS_MAX + 1];
	char participant[33];
	char device[STORE_MAIL_DEVICE_MAX + 1];
	/* the topics the digest is about, as ",ID,ID,"; "" the whole process */
	char topics[STORE_MAIL_TOPICS_MAX + 1];
	bool digest;
} store_mail_person_t;

/* Stores a one-time link (t->event_id, purpose, address, participant,
 * device, created_at, expires_at) under hash, unless max links of that
 * purpose for that event and address were made since since: then
 * UV_EAGAIN and nothing is stored. Also deletes links that expired a day
 * ago or more. */
int store_mail_token_add(store_t *st, const char *hash, const store_mail_token_t *t, int64_t since,
                         int max);
/* Uses the link of hash and purpose once: fills *out and marks it used.
 * STORE_NOTFOUND no such link, UV_EALREADY used before, UV_ETIMEDOUT
 * expired (now > expires_at); *out is untouched then. */
int store_mail_token_take(store_t *st, const char *hash, const char *purpose, int64_t now,
                          store_mail_token_t *out);
/* Confirms an address on an event: a new person gets in's participant and
 * device; a known address keeps its own. A participant who confirmed
 * another address before gives that one up. *out holds the person as
 * stored. */
int store_mail_person_confirm(store_t *st, const store_mail_person_t *in, store_mail_person_t *out);
/* The digest on or off, about topics (",ID,ID,", "" the whole process;
 * "" when off); its clock starts at now when it goes on. STORE_NOTFOUND
 * when the participant has no address on the event. */
int store_mail_person_digest(store_t *st, int64_t event_id, const char *participant, bool on,
                             const char *topics, int64_t now);
/* Forgets the participant's address on the event and their links;
 * STORE_NOTFOUND when there is none. */
int store_mail_person_delete(store_t *st, int64_t event_id, const char *participant);
/* Calls fn for every person (of event_id, or of every event when it is 0),
 * the struct valid during the call. */
int store_mail_people(store_t *st, int64_t event_id,
                      void (*fn)(const store_mail_person_t *p, void *arg), void *arg);
/* Records that a digest went out at at; STORE_NOTFOUND. */
int store_mail_digest_sent(store_t *st, int64_t event_id, const char *participant, int64_t at);
/* Claims the chore name (the daily digest, the kaart's re-confirmation
 * round) for period, a number that grows (a day, an hour): STORE_OK for the
 * first caller of every node that shares the database, STORE_EXISTS for
 * every later one of the same or an earlier period. Several nodes each
 * run the same timers; only the one that claimed the period does the work,
 * so nobody gets a digest or a request to confirm once per node. */
int store_chore_claim(store_t *st, const char *name, int64_t period);
/* Deletes every address and link of an event and unties its invitation
 * codes from their participants; *n (may be NULL) the people removed. */
int store_mail_purge(store_t *st, int64_t event_id, int64_t *n);

/* Invitation codes: a closed panel per event. A code is used once, and
 * ties the participant who used it to the panel. */
enum { STORE_INVITE_CODE_MAX = 16 };
/* Stores n new codes; STORE_EXISTS (and none stored) when one is taken. */
int store_invite_add(store_t *st, int64_t event_id, char *const *codes, size_t n, int64_t now);
/* Uses a code for participant: 0 (also when the same participant used it
 * before), STORE_NOTFOUND no such code, UV_EALREADY another used it. */
int store_invite_use(store_t *st, int64_t event_id, const char *code, const char *participant,
                     int64_t now);
/* Calls fn for every code (of event_id, or of every event when 0) in the
 * order made; participant is "" while unused or after the purge. */
int store_invites(store_t *st, int64_t event_id,
                  void (*fn)(int64_t event_id, const char *code, int64_t used_at,
                             const char *participant, void *arg),
                  void *arg);

/* ---- the sociale kaart (synchronous) ----
 *
 * One directory of organisations, initiatives and places per installation
 * (docs/sociale-kaart.md). An entry's fields are one JSON document (doc)
 * that only app/kaart*.c reads; the store keeps beside it what ties the
 * entry to the rest: its status and where it was said (an event, session,
 * answer or website post, 0 for none). Every save writes a row of the
 * kaart's own log: who changed what. The app keeps every entry in memory
 * (app/kaart.h), so these run at start and through the app's writes, never
 * for a reader's page. */

typedef struct store_kaart_entry {
	int64_t id;
	const char *status; /* "draft", "review", "published" or "stale" */
	const char *doc;    /* the entry's fields as JSON */
	int64_t event_id, session_id, answer_id, post_id; /* where it was said; 0: none */
	int64_t created_at, updated_at;
} store_kaart_entry_t;

/* Calls fn for every entry in id order (strings valid during the call). */
int store_kaart_entries(store_t *st, void (*fn)(const store_kaart_entry_t *e, void *arg),
                        void *arg);
/* Saves e and a log row (user_id 0: no user, such as a claim link or the
 * command line; action: a short word such as "create" or "publish") in one
 * transaction. e->id 0 inserts and sets e->id and e->created_at; else it
 * updates status, doc and updated_at of that entry (the links stay), or
 * returns STORE_NOTFOUND. */
int store_kaart_save(store_t *st, store_kaart_entry_t *e, int64_t user_id, const char *action);
/* Claim links: a one-time secret an organisation gets by mail to complete
 * its entry without an account, kept as its SHA-256 (as tokens are).
 * claim_add stores one for entry_id until expires_at (ms). claim_take sets
 * *entry_id for a hash that is known, unused and not expired at now, else
 * STORE_NOTFOUND; with use it also marks the hash used, so that it works
 * once (two requests at once: one of them gets STORE_NOTFOUND). */
int store_kaart_claim_add(store_t *st, const unsigned char hash[32], int64_t entry_id,
                          int64_t expires_at);
int store_kaart_claim_take(store_t *st, const unsigned char hash[32], int64_t now, bool use,
                           int64_t *entry_id);
/* The log of one entry, newest first (at most 200 rows); user is the
 * user's name, "" when none. */
int store_kaart_log(store_t *st, int64_t entry_id,
                    void (*fn)(int64_t at, const char *user, const char *action, void *arg),
                    void *arg);

/* ---- the writer ---- */

typedef enum store_job_kind {
	STORE_JOB_ANSWER,   /* insert an answer unless (session, client_id) exists */
	STORE_JOB_SESSION,  /* save a session's live state */
	STORE_JOB_HIDE,     /* set an answer's hidden flag */
	STORE_JOB_ANSWERED, /* set a Q&A question's answered flag */
	STORE_JOB_PIN,      /* set a Q&A question's pinned flag */
	STORE_JOB_TOKEN_ADD,
	STORE_JOB_TOKEN_DEL,
	STORE_JOB_PROCESS,       /* insert or replace a process (the website); touches its event */
	STORE_JOB_POST,          /* insert a post unless (event, client_id) exists */
	STORE_JOB_MARK,          /* a participant's support or flag on a post, once */
	STORE_JOB_POST_HIDE,     /* set a post's hidden flag (u.flag, answer_id: the post) */
	STORE_JOB_POST_REVIEWED, /* a flagged post was looked at (u.flag) */
	STORE_JOB_RETENTION,     /* the end of a process's retention: every answer, post and
	                          * mark of its event gets a random participant; then its
	                          * config (u.process.config) is saved */
	STORE_JOB_KINDS          /* the number of kinds, not a kind */
} store_job_kind_t;

/* An answer's one-vote rule (u.answer.once): none; one answer per
 * participant and slide (a vote: choice, scale, rank); one answer of the
 * same value per participant and slide (a Q&A upvote of one question). */
enum { STORE_ONCE_NONE, STORE_ONCE_SLIDE, STORE_ONCE_VALUE };

typedef struct store_job store_job_t;
typedef void (*store_done_fn)(store_job_t *job);

struct store_job {
	store_job_kind_t kind;
	store_done_fn done; /* called on the loop thread after commit or failure */
	void *arg;          /* the caller's */
	int status;         /* set before done: STORE_OK or STORE_ERROR */
	union {
		struct {
			int64_t session_id, slide_id, at_ms;
			char participant[33];
			char client_id[65];
			char *value;  /* owned by the job's creator */
			bool pending; /* store it hidden, waiting for a moderator */
			/* The one-vote rule the database enforces across nodes
			 * (STORE_ONCE_*; the PostgreSQL engine only: a single
			 * node's tally enforces it before the job). */
			int once;
			int64_t id;     /* out: the answer's id */
			bool duplicate; /* out: it existed already; id is the old one */
			bool refused;   /* out: another answer of the participant
			                 * made it break `once`; nothing stored */
		} answer;
		store_session_t session;
		struct {
			int64_t answer_id;
			bool value;
			/* who, for the moderation log (no row when event_id is 0) */
			int64_t event_id, session_id, user_id;
		} flag; /* STORE_JOB_HIDE, STORE_JOB_ANSWERED, STORE_JOB_PIN */
		struct {
			unsigned char hash[32];
			int64_t user_id, expires_at;
			char kind[16];
		} token;
		struct {
			int64_t event_id, session_id, at_ms;
			char *slug;   /* NULL: none; owned by the job's creator */
			char *config; /* JSON; owned by the job's creator */
			bool published;
		} process;
		struct {
			int64_t event_id, topic, parent, user_id, at_ms;
			int kind; /* STORE_POST_* */
			char participant[33];
			char client_id[65];
			char *body; /* owned by the job's creator */
			bool pending;
			int64_t id;     /* out */
			bool duplicate; /* out: (event, client_id) existed; id is the old one */
		} post;
		struct {
			int64_t post_id, at_ms;
			int kind; /* STORE_MARK_* */
			char participant[33];
			bool added; /* out: false when this participant had marked it already */
		} mark;
	} u;
	store_job_t *next; /* private */
};

/* Starts the writer thread, reporting to loop. Call once, after the
 * synchronous loading is done, on the loop's thread. STORE_ERROR when the
 * writer's connection cannot be opened (logged); UV_EINVAL on a reader or
 * a second call. */
int store_start(store_t *st, uv_loop_t *loop);
/* Queues a job, on the loop thread only (the caller keeps ownership of job,
 * which must stay alive until done is called). Never blocks on disk. The
 * jobs submitted in one loop iteration reach the writer together, after the
 * loop's I/O, so a burst of requests becomes one group. */
void store_submit(store_t *st, store_job_t *job);

/* Milliseconds since the epoch. */
int64_t store_now_ms(void);

/* ---- reading for reports (synchronous) ---- */

/* Calls fn for every session of an event, live or ended, in the order they
 * were created (id order). */
int store_event_sessions(store_t *st, int64_t event_id,
                         void (*fn)(const store_session_t *s, void *arg), void *arg);
/* Calls fn for every answer to one slide in one session, in id order
 * (strings valid during the call only). Lets a report hold one question's
 * answers at a time instead of a whole session's. */
int store_answers_slide(store_t *st, int64_t session_id, int64_t slide_id,
                        void (*fn)(const store_answer_t *a, void *arg), void *arg);

#endif
