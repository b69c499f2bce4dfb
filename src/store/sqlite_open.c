/*
 * sqlite_open: the SQLite engine's life cycle: opening a database with its
 * numbered migrations, readers with a snapshot of their own, the online
 * backup and small settings; and the method table (sqlite_engine) that
 * store.c dispatches through. See sqlite.h for the connections.
 *
 * Schema changes are numbered migrations, applied in order by open; the
 * version is SQLite's user_version. A database newer than this binary is
 * refused, never changed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "store/sqlite.h"
#include "util/log.h"
#include "util/xalloc.h"

/* Each migration takes the schema from version i to i + 1. */
static const char *const migrations[] = {
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);"
    "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    "  pwhash TEXT NOT NULL, role TEXT NOT NULL DEFAULT 'facilitator',"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE tokens(hash BLOB PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id)"
    "  ON DELETE CASCADE, kind TEXT NOT NULL, expires_at INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL);"
    "CREATE TABLE events(id INTEGER PRIMARY KEY, title TEXT NOT NULL, subtitle TEXT NOT NULL,"
    "  lang TEXT NOT NULL, deck_md TEXT NOT NULL, owner INTEGER, created_at INTEGER NOT NULL);"
    "CREATE TABLE slides(id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL REFERENCES"
    "  events(id) ON DELETE CASCADE, position INTEGER NOT NULL, json TEXT NOT NULL);"
    "CREATE INDEX slides_event ON slides(event_id, position);"
    "CREATE TABLE sessions(id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL REFERENCES"
    "  events(id) ON DELETE CASCADE, code TEXT NOT NULL UNIQUE, status INTEGER NOT NULL"
    "  DEFAULT 0, slide_index INTEGER NOT NULL DEFAULT 0, open INTEGER NOT NULL DEFAULT 1,"
    "  results INTEGER NOT NULL DEFAULT 0, revision INTEGER NOT NULL DEFAULT 1,"
    "  started_at INTEGER NOT NULL, ended_at INTEGER);"
    "CREATE TABLE answers(id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES"
    "  sessions(id) ON DELETE CASCADE, slide_id INTEGER NOT NULL, participant TEXT NOT NULL,"
    "  client_id TEXT NOT NULL, value TEXT NOT NULL, at INTEGER NOT NULL,"
    "  hidden INTEGER NOT NULL DEFAULT 0, answered INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(session_id, participant, client_id));"
    "CREATE INDEX answers_session ON answers(session_id, id);",
    /* 2: an answer's id is unique in its session, whoever sends it: a phone
     * whose first request died before its cookie arrived retries under a
     * new participant token and must still be recognised. */
    "CREATE UNIQUE INDEX answers_client ON answers(session_id, client_id);",
    /* 3: the workspace: summaries, sharing, the moderation log */
    "ALTER TABLE events ADD COLUMN summary TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE events ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;"
    "UPDATE events SET updated_at=created_at;"
    "CREATE TABLE event_members(event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE"
    "  CASCADE, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL, PRIMARY KEY(event_id, user_id));"
    "CREATE TABLE moderation_log(id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL"
    "  REFERENCES events(id) ON DELETE CASCADE, session_id INTEGER, answer_id INTEGER,"
    "  user_id INTEGER, action TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX moderation_log_event ON moderation_log(event_id, id);",
    /* 4: answers held back for a moderator's approval */
    "ALTER TABLE answers ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;",
    /* 5: images for content slides, kept with their event */
    "CREATE TABLE media(event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, type TEXT NOT NULL, data BLOB NOT NULL, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY(event_id, name));",
    /* 6: Q&A questions a moderator pinned to the top */
    "ALTER TABLE answers ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;",
    /* 7: answers without UNIQUE(session_id, participant, client_id). Since
     * version 2 the (session_id, client_id) index says more; the old one
     * keyed by a random participant hash only cost one more scattered page
     * per answer in every commit. SQLite drops a table constraint only by
     * rebuilding the table. */
    "CREATE TABLE answers7(id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES"
    "  sessions(id) ON DELETE CASCADE, slide_id INTEGER NOT NULL, participant TEXT NOT NULL,"
    "  client_id TEXT NOT NULL, value TEXT NOT NULL, at INTEGER NOT NULL,"
    "  hidden INTEGER NOT NULL DEFAULT 0, answered INTEGER NOT NULL DEFAULT 0,"
    "  pending INTEGER NOT NULL DEFAULT 0, pinned INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO answers7 SELECT id, session_id, slide_id, participant, client_id, value, at,"
    "  hidden, answered, pending, pinned FROM answers;"
    "DROP TABLE answers;"
    "ALTER TABLE answers7 RENAME TO answers;"
    "CREATE INDEX answers_session ON answers(session_id, id);"
    "CREATE UNIQUE INDEX answers_client ON answers(session_id, client_id);",
    /* 8: self-paced sessions: the questions stay open online between the
     * meetings, each participant answering them in any order. Existing
     * sessions follow their presenter, as before. */
    "ALTER TABLE sessions ADD COLUMN self_paced INTEGER NOT NULL DEFAULT 0;",
    /* 9: a session's name, given by its facilitator ("16 oktober"); the
     * number stays its place in the order of creation. */
    "ALTER TABLE sessions ADD COLUMN name TEXT NOT NULL DEFAULT '';",
    /* 10: the website: an event published as a process (description, phases
     * and topics in config), residents' posts on its topics, and their
     * supports and flags, one of each per participant and post. IF NOT
     * EXISTS: the migration tests put user_version back without dropping
     * newer tables. */
    "CREATE TABLE IF NOT EXISTS processes(event_id INTEGER PRIMARY KEY REFERENCES events(id)"
    "  ON DELETE CASCADE, slug TEXT UNIQUE, published INTEGER NOT NULL DEFAULT 0,"
    "  config TEXT NOT NULL, session_id INTEGER, updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS posts(id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL"
    "  REFERENCES events(id) ON DELETE CASCADE, topic INTEGER NOT NULL,"
    "  parent INTEGER NOT NULL DEFAULT 0, kind INTEGER NOT NULL, participant TEXT NOT NULL,"
    "  client_id TEXT NOT NULL, body TEXT NOT NULL, user_id INTEGER, at INTEGER NOT NULL,"
    "  hidden INTEGER NOT NULL DEFAULT 0, pending INTEGER NOT NULL DEFAULT 0,"
    "  reviewed INTEGER NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX IF NOT EXISTS posts_client ON posts(event_id, client_id);"
    "CREATE TABLE IF NOT EXISTS post_marks(post_id INTEGER NOT NULL REFERENCES posts(id)"
    "  ON DELETE CASCADE, kind INTEGER NOT NULL, participant TEXT NOT NULL,"
    "  at INTEGER NOT NULL, PRIMARY KEY(post_id, kind, participant)) WITHOUT ROWID;",
    /* 11: e-mail on the website: one-time links (only their token's hash)
     * and confirmed addresses per event, with the digest's choice and
     * clock; invitation codes of a closed panel; store_mail_purge empties
     * the first two and unties the codes at the retention's end. */
    "CREATE TABLE IF NOT EXISTS mail_tokens(hash TEXT PRIMARY KEY, purpose TEXT NOT NULL,"
    "  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  address TEXT NOT NULL, participant TEXT NOT NULL, device TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
    "  used_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS mail_tokens_address ON mail_tokens(event_id, address,"
    "  created_at);"
    "CREATE TABLE IF NOT EXISTS mail_people(event_id INTEGER NOT NULL REFERENCES events(id)"
    "  ON DELETE CASCADE, address TEXT NOT NULL, participant TEXT NOT NULL,"
    "  device TEXT NOT NULL, confirmed_at INTEGER NOT NULL,"
    "  digest INTEGER NOT NULL DEFAULT 0, digest_at INTEGER NOT NULL DEFAULT 0,"
    "  topics TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY(event_id, address));"
    "CREATE UNIQUE INDEX IF NOT EXISTS mail_people_participant ON mail_people(event_id,"
    "  participant);"
    "CREATE TABLE IF NOT EXISTS invite_codes(event_id INTEGER NOT NULL REFERENCES events(id)"
    "  ON DELETE CASCADE, code TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  used_at INTEGER NOT NULL DEFAULT 0, participant TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY(event_id, code));",
    /* 12: the sociale kaart: entries (their fields one JSON document, as a
     * process's config) with where they were said (0: nowhere; no foreign
     * keys, so an entry outlives the event it came from), and the kaart's
     * log of who changed what. */
    "CREATE TABLE IF NOT EXISTS kaart_entries(id INTEGER PRIMARY KEY, status TEXT NOT NULL,"
    "  doc TEXT NOT NULL, event_id INTEGER NOT NULL DEFAULT 0,"
    "  session_id INTEGER NOT NULL DEFAULT 0, answer_id INTEGER NOT NULL DEFAULT 0,"
    "  post_id INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS kaart_log(id INTEGER PRIMARY KEY, entry_id INTEGER NOT NULL,"
    "  user_id INTEGER NOT NULL DEFAULT 0, action TEXT NOT NULL, at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS kaart_log_entry ON kaart_log(entry_id, id);"
    "CREATE TABLE IF NOT EXISTS kaart_claims(hash BLOB PRIMARY KEY, entry_id INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);",
    /* 13: nothing here. PostgreSQL's 13 indexes answers by voter for its
     * one-vote check across nodes; one SQLite node checks in memory, and
     * an index more on answers would only slow its ingest. The number is
     * taken so both engines keep counting alike. */
    "SELECT 1;",
    /* 14: nothing here either. PostgreSQL's 14 indexes answers by their
     * writing transaction, for several nodes' store_answers_since. */
    "SELECT 1;",
    /* 15: chores that several nodes' timers share (store_chore_claim): the
     * last period each was claimed for. */
    "CREATE TABLE IF NOT EXISTS chores(name TEXT PRIMARY KEY, period INTEGER NOT NULL);",
};

/* Opens a connection; one_thread when a single thread will ever use it (the
 * writer's), which spares SQLite's per-call connection mutex. */
int sq__open_conn(const char *path, sqlite3 **db, bool one_thread, char *err, size_t errlen)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	            (one_thread ? SQLITE_OPEN_NOMUTEX : SQLITE_OPEN_FULLMUTEX);
	int rc = sqlite3_open_v2(path, db, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
		         *db ? sqlite3_errmsg(*db) : sqlite3_errstr(rc));
		return STORE_ERROR;
	}
	sqlite3_busy_timeout(*db, 5000);
	char *msg = NULL;
	rc = sqlite3_exec(*db,
	                  "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                  "PRAGMA foreign_keys=ON;",
	                  NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot use database %s: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		return STORE_ERROR;
	}
	return STORE_OK;
}

static int migrate(store_t *st, char *err, size_t errlen)
{
	sqlite3 *db = SQ(st)->r;
	int version = 0;
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			version = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	int latest = (int)(sizeof migrations / sizeof *migrations);
	if (version > latest) {
		snprintf(err, errlen,
		         "database schema version %d is newer than this inspraak knows (%d)",
		         version, latest);
		return STORE_ERROR;
	}
	for (int v = version; v < latest; v++) {
		char *msg = NULL;
		char setv[64];
		snprintf(setv, sizeof setv, "PRAGMA user_version=%d;", v + 1);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, setv, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, errlen, "migrating the database to version %d failed: %s",
			         v + 1, msg ? msg : "?");
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return STORE_ERROR;
		}
	}
	/* The secret: made once, then read. */
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='secret'", -1, &q, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "reading the database failed: %s", sqlite3_errmsg(db));
		return STORE_ERROR;
	}
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(q, 0) == 32) {
		memcpy(st->secret, sqlite3_column_blob(q, 0), 32);
		sqlite3_finalize(q);
		return STORE_OK;
	}
	sqlite3_finalize(q);
	randombytes_buf(st->secret, sizeof st->secret);
	if (sqlite3_prepare_v2(db, "INSERT INTO meta(key, value) VALUES('secret', ?)", -1, &q,
	                       NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_blob(q, 1, st->secret, 32, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE)
		return STORE_OK;
fail:
	snprintf(err, errlen, "writing the database failed: %s", sqlite3_errmsg(db));
	return STORE_ERROR;
}

static int sq_open(store_t *st, const char *path, char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium could not start");
		return STORE_ERROR;
	}
	sq_t *d = xcalloc(1, sizeof *d);
	d->wal_fd = -1;
	snprintf(d->path, sizeof d->path, "%s", path);
	st->db = d;
	/* No global count of SQLite's memory: it takes a process-wide lock on
	 * every allocation, and nothing here reads it. Only possible before
	 * SQLite starts; later calls change nothing. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sq__open_conn(path, &d->r, false, err, errlen) || migrate(st, err, errlen)) {
		sqlite3_close(d->r);
		free(d);
		st->db = NULL;
		return STORE_ERROR;
	}
	return STORE_OK;
}

static void sq_close(store_t *st)
{
	sq_t *d = SQ(st);
	if (!d)
		return;
	if (st->reader)
		sqlite3_exec(d->r, "COMMIT", NULL, NULL, NULL); /* ends the snapshot */
	sqlite3_close(d->w);
	sqlite3_close(d->r);
	free(d);
	st->db = NULL;
}

/* A reader: its own connection, used by one thread at a time (NOMUTEX),
 * query_only so that a write through it fails instead of taking the write
 * lock, and one read transaction for its whole life. The first SELECT after
 * BEGIN takes the snapshot: every later read sees the database as it was
 * then, whatever the writer commits meanwhile.
 *
 * Hazard: while a reader is open, a checkpoint cannot copy the frames it
 * may still need back into the database file, so the WAL grows until the
 * reader closes. Readers live for one report, seconds, not longer. */
static int sq_reader_open(store_t *st, store_t *rd, char *err, size_t errlen)
{
	sq_t *d = xcalloc(1, sizeof *d);
	d->wal_fd = -1;
	snprintf(d->path, sizeof d->path, "%s", SQ(st)->path);
	rd->db = d;
	char *msg = NULL;
	if (sq__open_conn(d->path, &d->r, true, err, errlen))
		goto fail;
	if (sqlite3_exec(d->r, "PRAGMA query_only=1; BEGIN; SELECT count(*) FROM meta;", NULL, NULL,
	                 &msg) != SQLITE_OK) {
		snprintf(err, errlen, "cannot read database %s: %s", d->path, msg ? msg : "?");
		sqlite3_free(msg);
		goto fail;
	}
	return STORE_OK;
fail:
	sqlite3_close(d->r);
	free(d);
	rd->db = NULL;
	return STORE_ERROR;
}

static const char *sq_errmsg(store_t *st)
{
	return sqlite3_errmsg(SQ(st)->r);
}

/* ---- small helpers for the synchronous calls ---- */

sqlite3_stmt *sq__prep(store_t *st, const char *sql)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(SQ(st)->r, sql, -1, &q, NULL) != SQLITE_OK) {
		log_error("store: %s: %s", sql, sqlite3_errmsg(SQ(st)->r));
		return NULL;
	}
	return q;
}

char *sq__col_dup(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return xstrdup(t ? (const char *)t : "");
}

int sq__exec(store_t *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(SQ(st)->r, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("store: %s: %s", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* Runs one statement with text and integer arguments ("t" or "i" per
 * argument in types); returns the number of rows changed or a negative code
 * (STORE_EXISTS for a constraint, else STORE_ERROR). */
int64_t sq__run(store_t *st, const char *sql, const char *types, ...)
{
	sqlite3_stmt *q = sq__prep(st, sql);
	if (!q)
		return STORE_ERROR;
	va_list ap;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 't')
			sqlite3_bind_text(q, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_int64(q, i + 1, va_arg(ap, int64_t));
	}
	va_end(ap);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc == SQLITE_CONSTRAINT)
		return STORE_EXISTS;
	return rc == SQLITE_DONE ? sqlite3_changes(SQ(st)->r) : STORE_ERROR;
}

/* ---- backup ---- */

static int sq_backup(store_t *st, const char *dest, char *err, size_t errlen)
{
	if (access(dest, F_OK) == 0) {
		snprintf(err, errlen, "%s exists already; choose a new file name", dest);
		return STORE_EXISTS;
	}
	sqlite3 *out = NULL;
	int rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot create %s: %s", dest,
		         out ? sqlite3_errmsg(out) : sqlite3_errstr(rc));
		sqlite3_close(out);
		return STORE_ERROR;
	}
	/* One step copies every page under one read transaction: a snapshot,
	 * whatever the server commits meanwhile. */
	sqlite3_backup *b = sqlite3_backup_init(out, "main", SQ(st)->r, "main");
	if (b) {
		while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(50);
		sqlite3_backup_finish(b);
	}
	if (!b || rc != SQLITE_DONE) {
		snprintf(err, errlen, "the backup failed: %s", sqlite3_errmsg(out));
		sqlite3_close(out);
		unlink(dest);
		return STORE_ERROR;
	}
	rc = sqlite3_exec(out, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	sqlite3_close(out);
	return STORE_OK;
}

/* ---- settings ---- */

static int sq_meta_get(store_t *st, const char *key, char *out, size_t len)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT value FROM meta WHERE key=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

static int sq_meta_set(store_t *st, const char *key, const char *value)
{
	sqlite3_stmt *q = sq__prep(st, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* ---- the method table ---- */

const store_engine_t store__sqlite_engine = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .reader_open = sq_reader_open,
    .backup = sq_backup,
    .errmsg = sq_errmsg,

    .meta_get = sq_meta_get,
    .meta_set = sq_meta_set,
    .event_create = sq_event_create,
    .event_get = sq_event_get,
    .event_slides = sq_event_slides,
    .session_create = sq_session_create,
    .session_set_name = sq_session_set_name,
    .sessions_live = sq_sessions_live,
    .session_by_code = sq_session_by_code,
    .event_sessions = sq_event_sessions,
    .answers_load = sq_answers_load,
    .answers_slide = sq_answers_slide,
    .purge_event = sq_purge_event,

    .user_info = sq_user_info,
    .users = sq_users,
    .user_set_password = sq_user_set_password,
    .user_del = sq_user_del,
    .events_list = sq_events_list,
    .event_access = sq_event_access,
    .event_extra = sq_event_extra,
    .event_answers = sq_event_answers,
    .session_answers = sq_session_answers,
    .event_set_summary = sq_event_set_summary,
    .event_set_deck = sq_event_set_deck,
    .event_delete = sq_event_delete,
    .event_touch = sq_event_touch,
    .share = sq_share,
    .shares = sq_shares,
    .log = sq_log,
    .media_put = sq_media_put,
    .media_get = sq_media_get,
    .media_copy = sq_media_copy,
    .user_add = sq_user_add,
    .user_get = sq_user_get,
    .user_name = sq_user_name,
    .token_add = sq_token_add,
    .token_user = sq_token_user,
    .token_del = sq_token_del,
    .processes = sq_processes,
    .posts = sq_posts,
    .mail_token_add = sq_mail_token_add,
    .mail_token_take = sq_mail_token_take,
    .mail_person_confirm = sq_mail_person_confirm,
    .mail_person_digest = sq_mail_person_digest,
    .mail_person_delete = sq_mail_person_delete,
    .mail_people = sq_mail_people,
    .mail_digest_sent = sq_mail_digest_sent,
    .chore_claim = sq_chore_claim,
    .mail_purge = sq_mail_purge,
    .invite_add = sq_invite_add,
    .invite_use = sq_invite_use,
    .invites = sq_invites,
    .kaart_entries = sq_kaart_entries,
    .kaart_save = sq_kaart_save,
    .kaart_log = sq_kaart_log,
    .kaart_claim_add = sq_kaart_claim_add,
    .kaart_claim_take = sq_kaart_claim_take,

    .writer_open = sq_writer_open,
    .writer_close = sq_writer_close,
    .group_begin = sq_group_begin,
    .job =
        {
            [STORE_JOB_ANSWER] = sq_job_answer,
            [STORE_JOB_SESSION] = sq_job_session,
            [STORE_JOB_HIDE] = sq_job_hide,
            [STORE_JOB_ANSWERED] = sq_job_answered,
            [STORE_JOB_PIN] = sq_job_pin,
            [STORE_JOB_TOKEN_ADD] = sq_job_token_add,
            [STORE_JOB_TOKEN_DEL] = sq_job_token_del,
            [STORE_JOB_PROCESS] = sq_job_process,
            [STORE_JOB_POST] = sq_job_post,
            [STORE_JOB_MARK] = sq_job_mark,
            [STORE_JOB_POST_HIDE] = sq_job_post_hide,
            [STORE_JOB_POST_REVIEWED] = sq_job_post_reviewed,
            [STORE_JOB_RETENTION] = sq_job_retention,
        },
    .group_commit = sq_group_commit,
    .group_rollback = sq_group_rollback,
    .sync = sq_sync,
    .writer_errmsg = sq_writer_errmsg,
};
