/*
 * sqlite: the embedded engine behind store.h.
 *
 * Two connections: `r` serves the synchronous calls of whichever thread
 * calls them (the command line, start-up loading, small reads on the loop);
 * `w` belongs to the writer thread alone. WAL lets readers go on while the
 * writer commits; synchronous=FULL makes every commit durable before the
 * writer reports its jobs done.
 *
 * Group commit: the writer takes every job queued so far (up to a bound),
 * runs them in one IMMEDIATE transaction and commits once. If anything in
 * the group fails (a full disk), the whole group rolls back and every job
 * reports STORE_ERROR: nothing half-written, nothing acknowledged that was
 * not stored.
 *
 * Syncing is pipelined: the writer's connection commits with
 * synchronous=NORMAL (the WAL frames are written, not yet flushed), hands
 * the group to the syncer thread and goes on with the next group while the
 * syncer flushes the WAL file with fdatasync. Only then are the group's jobs
 * reported, in commit order, so an acknowledged answer is on disk exactly as
 * with synchronous=FULL; the disk's latency just no longer stalls the
 * writer. A duplicate found in a later group is reported after the group
 * that stored the original is flushed, since reports keep commit order.
 * SQLite itself flushes the WAL before each checkpoint, and a checkpoint
 * must be complete before the WAL is written over from its start. A failed
 * flush leaves committed but unflushed answers that cannot be reported
 * either way, so the process stops and the database recovers on restart.
 */
#include "store/store.h"

#include <pthread.h>
#include <stdarg.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "util/metrics.h"

enum { GROUP_MAX = 4096 };

struct store {
	sqlite3 *r, *w;
	unsigned char secret[32];
	char path[4096];
	/* writer */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	store_job_t *queue_head, *queue_tail; /* waiting for the writer */
	store_job_t *done_head, *done_tail;   /* committed, for the loop */
	/* the syncer: groups committed (or failed) and waiting for the flush */
	pthread_t syncer;
	pthread_cond_t sync_cv;
	store_job_t *sync_head, *sync_tail;
	bool sync_needed; /* a group in sync_head committed */
	bool writer_done;
	int wal_fd; /* the WAL file, for fdatasync; -1: the writer commits with FULL */
	uv_async_t async;
	/* Submitted on the loop, handed to the writer once per loop iteration
	 * (one lock and one wake-up for all the requests read in it). */
	store_job_t *batch_head, *batch_tail;
	uv_check_t batch_check; /* hands the batch over after the loop's I/O */
	uv_idle_t batch_idle;	/* a batch is waiting: the loop must not sleep */
	bool started, stopping;
	uint64_t groups, jobs; /* commits and the writes in them (writer thread) */
	/* prepared statements of the writer */
	sqlite3_stmt *ins_answer, *find_answer, *upd_session, *upd_hidden, *upd_answered, *upd_pinned, *ins_log, *ins_token, *del_token;
};

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
};

int64_t store_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *store_errmsg(store_t *st) { return sqlite3_errmsg(st->r); }
const unsigned char *store_secret(store_t *st) { return st->secret; }

/* Opens a connection; one_thread when a single thread will ever use it (the
 * writer's), which spares SQLite's per-call connection mutex. */
static int open_conn(const char *path, sqlite3 **db, bool one_thread, char *err, size_t errlen)
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
	sqlite3 *db = st->r;
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

int store_open(const char *path, store_t **out, char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium could not start");
		return STORE_ERROR;
	}
	store_t *st = calloc(1, sizeof *st);
	if (!st)
		abort();
	st->wal_fd = -1;
	snprintf(st->path, sizeof st->path, "%s", path);
	/* No global count of SQLite's memory: it takes a process-wide lock on
	 * every allocation, and nothing here reads it. Only possible before
	 * SQLite starts; later calls change nothing. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (open_conn(path, &st->r, false, err, errlen) || migrate(st, err, errlen)) {
		sqlite3_close(st->r);
		free(st);
		return STORE_ERROR;
	}
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	*out = st;
	return STORE_OK;
}

/* ---- small helpers for the synchronous calls ---- */

static sqlite3_stmt *prep(store_t *st, const char *sql)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(st->r, sql, -1, &q, NULL) != SQLITE_OK) {
		log_error("store: %s: %s", sql, sqlite3_errmsg(st->r));
		return NULL;
	}
	return q;
}

static char *col_dup(sqlite3_stmt *q, int i)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	return strdup(t ? (const char *)t : "");
}

static int exec_r(store_t *st, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(st->r, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_error("store: %s: %s", sql, msg ? msg : "?");
		sqlite3_free(msg);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* ---- backup ---- */

int store_backup(store_t *st, const char *dest, char *err, size_t errlen)
{
	if (access(dest, F_OK) == 0) {
		snprintf(err, errlen, "%s exists already; choose a new file name", dest);
		return STORE_ERROR;
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
	sqlite3_backup *b = sqlite3_backup_init(out, "main", st->r, "main");
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

int store_meta_get(store_t *st, const char *key, char *out, size_t len)
{
	sqlite3_stmt *q = prep(st, "SELECT value FROM meta WHERE key=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int store_meta_set(store_t *st, const char *key, const char *value)
{
	sqlite3_stmt *q = prep(st, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* ---- events ---- */

int store_event_create(store_t *st, const char *title, const char *subtitle, const char *lang,
		       const char *deck_md, int64_t owner, char *const *slides_json, size_t n,
		       int64_t *event_id, int64_t *slide_ids)
{
	sqlite3_stmt *q = NULL;
	if (exec_r(st, "BEGIN IMMEDIATE"))
		return STORE_ERROR;
	q = prep(st, "INSERT INTO events(title, subtitle, lang, deck_md, owner, created_at,"
		     " updated_at) VALUES(?,?,?,?,?,?6,?6)");
	if (!q)
		goto fail;
	sqlite3_bind_text(q, 1, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, subtitle, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, deck_md, -1, SQLITE_STATIC);
	if (owner > 0)
		sqlite3_bind_int64(q, 5, owner);
	sqlite3_bind_int64(q, 6, store_now_ms());
	if (sqlite3_step(q) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(q);
	*event_id = sqlite3_last_insert_rowid(st->r);
	q = prep(st, "INSERT INTO slides(event_id, position, json) VALUES(?,?,?)");
	if (!q)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, *event_id);
		sqlite3_bind_int(q, 2, (int)i);
		sqlite3_bind_text(q, 3, slides_json[i], -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			goto fail;
		slide_ids[i] = sqlite3_last_insert_rowid(st->r);
	}
	sqlite3_finalize(q);
	return exec_r(st, "COMMIT");
fail:
	log_error("store: creating an event failed: %s", sqlite3_errmsg(st->r));
	sqlite3_finalize(q);
	exec_r(st, "ROLLBACK");
	return STORE_ERROR;
}

int store_event_get(store_t *st, int64_t id, store_event_t *out)
{
	sqlite3_stmt *q = prep(st, "SELECT title, subtitle, lang, deck_md, owner, created_at"
				   " FROM events WHERE id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->id = id;
		out->title = col_dup(q, 0);
		out->subtitle = col_dup(q, 1);
		out->lang = col_dup(q, 2);
		out->deck_md = col_dup(q, 3);
		out->owner = sqlite3_column_int64(q, 4);
		out->created_at = sqlite3_column_int64(q, 5);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

void store_event_clear(store_event_t *e)
{
	free(e->title);
	free(e->subtitle);
	free(e->lang);
	free(e->deck_md);
	memset(e, 0, sizeof *e);
}

int store_event_slides(store_t *st, int64_t event_id, store_slide_t **out, size_t *n)
{
	sqlite3_stmt *q =
		prep(st, "SELECT id, position, json FROM slides WHERE event_id=? ORDER BY position");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	store_slide_t *v = NULL;
	size_t len = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			v = realloc(v, cap * sizeof *v);
			if (!v)
				abort();
		}
		v[len].id = sqlite3_column_int64(q, 0);
		v[len].position = sqlite3_column_int(q, 1);
		v[len].json = col_dup(q, 2);
		len++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_slides_free(v, len);
		return STORE_ERROR;
	}
	*out = v;
	*n = len;
	return STORE_OK;
}

void store_slides_free(store_slide_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].json);
	free(s);
}

/* ---- sessions ---- */

static void read_session(sqlite3_stmt *q, store_session_t *s)
{
	memset(s, 0, sizeof *s);
	s->id = sqlite3_column_int64(q, 0);
	s->event_id = sqlite3_column_int64(q, 1);
	const unsigned char *code = sqlite3_column_text(q, 2);
	snprintf(s->code, sizeof s->code, "%s", code ? (const char *)code : "");
	s->status = sqlite3_column_int(q, 3);
	s->slide_index = sqlite3_column_int(q, 4);
	s->open = sqlite3_column_int(q, 5) != 0;
	s->results = sqlite3_column_int(q, 6) != 0;
	s->revision = sqlite3_column_int64(q, 7);
	s->started_at = sqlite3_column_int64(q, 8);
	s->ended_at = sqlite3_column_int64(q, 9);
	s->self_paced = sqlite3_column_int(q, 10) != 0;
}

#define SESSION_COLS \
	"id, event_id, code, status, slide_index, open, results, revision, started_at, ended_at," \
	" self_paced"

int store_session_create(store_t *st, int64_t event_id, int digits, store_session_t *out)
{
	return store_session_create_mode(st, event_id, digits, false, out);
}

int store_session_create_mode(store_t *st, int64_t event_id, int digits, bool self_paced,
			      store_session_t *out)
{
	if (digits < 6 || digits > 8)
		return STORE_ERROR;
	uint32_t low = 1, span;
	for (int i = 1; i < digits; i++)
		low *= 10;
	span = low * 9; /* codes never start with 0: easier to read aloud */
	sqlite3_stmt *q =
	    prep(st, "INSERT INTO sessions(event_id, code, started_at, self_paced, results)"
		     " VALUES(?,?,?,?,?)");
	if (!q)
		return STORE_ERROR;
	for (int attempt = 0; attempt < 50; attempt++) {
		char code[12];
		snprintf(code, sizeof code, "%u", low + randombytes_uniform(span));
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, event_id);
		sqlite3_bind_text(q, 2, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 3, store_now_ms());
		sqlite3_bind_int(q, 4, self_paced);
		/* results: live, shown once the presenter moves to a question;
		 * self-paced, shown (where the deck says so) from the start */
		sqlite3_bind_int(q, 5, self_paced);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_DONE) {
			sqlite3_finalize(q);
			return store_session_by_code(st, code, out);
		}
		if (rc != SQLITE_CONSTRAINT)
			break;
	}
	log_error("store: creating a session failed: %s", sqlite3_errmsg(st->r));
	sqlite3_finalize(q);
	return STORE_ERROR;
}

int store_sessions_live(store_t *st, void (*fn)(const store_session_t *s, void *arg), void *arg)
{
	sqlite3_stmt *q = prep(st, "SELECT " SESSION_COLS " FROM sessions WHERE status=0 ORDER BY id");
	if (!q)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_session_t s;
		read_session(q, &s);
		fn(&s, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int store_session_by_code(store_t *st, const char *code, store_session_t *out)
{
	sqlite3_stmt *q = prep(st, "SELECT " SESSION_COLS " FROM sessions WHERE code=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		read_session(q, out);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

#define ANSWER_COLS \
	"id, slide_id, participant, client_id, value, at, hidden, answered, pending, pinned"

/* Calls fn for each row of q, a SELECT of ANSWER_COLS; strings are valid
 * during the call only. */
static int each_answer(sqlite3_stmt *q, int64_t session_id,
		       void (*fn)(const store_answer_t *a, void *arg), void *arg)
{
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_answer_t a = {
			.id = sqlite3_column_int64(q, 0),
			.session_id = session_id,
			.slide_id = sqlite3_column_int64(q, 1),
			.participant = (const char *)sqlite3_column_text(q, 2),
			.client_id = (const char *)sqlite3_column_text(q, 3),
			.value = (const char *)sqlite3_column_text(q, 4),
			.at_ms = sqlite3_column_int64(q, 5),
			.hidden = sqlite3_column_int(q, 6) != 0,
			.answered = sqlite3_column_int(q, 7) != 0,
			.pending = sqlite3_column_int(q, 8) != 0,
			.pinned = sqlite3_column_int(q, 9) != 0,
		};
		fn(&a, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int store_answers_load(store_t *st, int64_t session_id,
		       void (*fn)(const store_answer_t *a, void *arg), void *arg)
{
	sqlite3_stmt *q = prep(st, "SELECT " ANSWER_COLS " FROM answers WHERE session_id=?"
				   " ORDER BY id");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, session_id);
	return each_answer(q, session_id, fn, arg);
}

/* ---- the workspace ---- */

int store_user_info(store_t *st, int64_t id, char *name, size_t nlen, char *role, size_t rlen)
{
	sqlite3_stmt *q = prep(st, "SELECT name, role FROM users WHERE id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(name, nlen, "%s", (const char *)sqlite3_column_text(q, 0));
		snprintf(role, rlen, "%s", (const char *)sqlite3_column_text(q, 1));
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int store_users(store_t *st, void (*fn)(const char *name, const char *role, int64_t created,
				       void *arg),
		void *arg)
{
	sqlite3_stmt *q = prep(st, "SELECT name, role, created_at FROM users ORDER BY name");
	if (!q)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
		   sqlite3_column_int64(q, 2), arg);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* Runs one statement with text and integer arguments ("t" or "i" per
 * argument in types); returns the number of rows changed, or -1. */
static int64_t run_simple(store_t *st, const char *sql, const char *types, ...)
{
	sqlite3_stmt *q = prep(st, sql);
	if (!q)
		return -1;
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
		return -2;
	return rc == SQLITE_DONE ? sqlite3_changes(st->r) : -1;
}

int store_user_set_password(store_t *st, const char *name, const char *pwhash)
{
	int64_t n = run_simple(st, "UPDATE users SET pwhash=? WHERE name=?", "tt", pwhash, name);
	if (n > 0)
		/* a new password ends every login session of the user */
		run_simple(st, "DELETE FROM tokens WHERE kind='session' AND user_id=(SELECT id FROM"
			       " users WHERE name=?)", "t", name);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int store_user_del(store_t *st, const char *name)
{
	int64_t n = run_simple(st, "DELETE FROM users WHERE name=?", "t", name);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int store_events_list(store_t *st, int64_t user_id, bool all,
		      void (*fn)(const store_event_row_t *e, void *arg), void *arg)
{
	sqlite3_stmt *q =
	    prep(st, "SELECT e.id, e.title, e.subtitle, e.lang, COALESCE(u.name, ''),"
	             " CASE WHEN e.owner=?1 THEN 'owner' WHEN m.role IS NOT NULL THEN m.role"
	             "  ELSE 'admin' END,"
	             " (SELECT count(*) FROM sessions s WHERE s.event_id=e.id),"
	             " (SELECT count(*) FROM answers a JOIN sessions s ON a.session_id=s.id"
	             "  WHERE s.event_id=e.id),"
	             " e.updated_at"
	             " FROM events e LEFT JOIN users u ON u.id=e.owner"
	             " LEFT JOIN event_members m ON m.event_id=e.id AND m.user_id=?1"
	             " WHERE ?2 OR e.owner=?1 OR m.user_id IS NOT NULL"
	             " ORDER BY e.updated_at DESC, e.id DESC");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_int(q, 2, all);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_event_row_t e = {
			.id = sqlite3_column_int64(q, 0),
			.title = (const char *)sqlite3_column_text(q, 1),
			.subtitle = (const char *)sqlite3_column_text(q, 2),
			.lang = (const char *)sqlite3_column_text(q, 3),
			.owner = (const char *)sqlite3_column_text(q, 4),
			.access = (const char *)sqlite3_column_text(q, 5),
			.sessions = sqlite3_column_int64(q, 6),
			.answers = sqlite3_column_int64(q, 7),
			.updated_at = sqlite3_column_int64(q, 8),
		};
		fn(&e, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int store_event_access(store_t *st, int64_t event_id, int64_t user_id, char *access, size_t len)
{
	sqlite3_stmt *q = prep(st, "SELECT CASE WHEN e.owner=?2 THEN 'owner'"
	                           " WHEN m.role IS NOT NULL THEN m.role ELSE '' END"
	                           " FROM events e LEFT JOIN event_members m ON m.event_id=e.id"
	                           " AND m.user_id=?2 WHERE e.id=?1");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	sqlite3_bind_int64(q, 2, user_id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(access, len, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int store_event_extra(store_t *st, int64_t id, char **summary, int64_t *updated_at,
		      char *owner, size_t olen)
{
	sqlite3_stmt *q = prep(st, "SELECT e.summary, e.updated_at, COALESCE(u.name, '') FROM"
				   " events e LEFT JOIN users u ON u.id=e.owner WHERE e.id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*summary = col_dup(q, 0);
		*updated_at = sqlite3_column_int64(q, 1);
		snprintf(owner, olen, "%s", (const char *)sqlite3_column_text(q, 2));
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int64_t store_event_answers(store_t *st, int64_t event_id)
{
	sqlite3_stmt *q = prep(st, "SELECT count(*) FROM answers a JOIN sessions s ON"
				   " a.session_id=s.id WHERE s.event_id=?");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, event_id);
	int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_finalize(q);
	return n;
}

int64_t store_session_answers(store_t *st, int64_t session_id)
{
	sqlite3_stmt *q = prep(st, "SELECT count(*) FROM answers WHERE session_id=?");
	if (!q)
		return -1;
	sqlite3_bind_int64(q, 1, session_id);
	int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : -1;
	sqlite3_finalize(q);
	return n;
}

int store_event_set_summary(store_t *st, int64_t id, const char *summary)
{
	int64_t n = run_simple(st, "UPDATE events SET summary=?, updated_at=? WHERE id=?", "tii",
			       summary, store_now_ms(), id);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int store_event_set_deck(store_t *st, int64_t id, const char *title, const char *subtitle,
			 const char *lang, const char *deck_md, char *const *slides_json,
			 size_t n, int64_t *slide_ids)
{
	if (exec_r(st, "BEGIN IMMEDIATE"))
		return STORE_ERROR;
	/* answers point at slides: only an event without answers changes its deck */
	if (store_event_answers(st, id) != 0)
		goto fail;
	if (run_simple(st, "UPDATE events SET title=?, subtitle=?, lang=?, deck_md=?,"
			   " updated_at=? WHERE id=?", "ttttii", title, subtitle, lang, deck_md,
		       store_now_ms(), id) != 1 ||
	    run_simple(st, "DELETE FROM slides WHERE event_id=?", "i", id) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (run_simple(st, "INSERT INTO slides(event_id, position, json) VALUES(?,?,?)",
			       "iit", id, (int64_t)i, slides_json[i]) != 1)
			goto fail;
		slide_ids[i] = sqlite3_last_insert_rowid(st->r);
	}
	return exec_r(st, "COMMIT");
fail:
	exec_r(st, "ROLLBACK");
	return STORE_ERROR;
}

int store_event_delete(store_t *st, int64_t id)
{
	int64_t n = run_simple(st, "DELETE FROM events WHERE id=?", "i", id);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int store_event_touch(store_t *st, int64_t id)
{
	return run_simple(st, "UPDATE events SET updated_at=? WHERE id=?", "ii", store_now_ms(),
			  id) < 0
		       ? STORE_ERROR
		       : STORE_OK;
}

int store_share(store_t *st, int64_t event_id, const char *name, const char *role)
{
	int64_t n;
	if (role)
		n = run_simple(st, "INSERT OR REPLACE INTO event_members(event_id, user_id, role)"
				   " SELECT ?, id, ? FROM users WHERE name=?", "itt", event_id, role,
			       name);
	else
		n = run_simple(st, "DELETE FROM event_members WHERE event_id=? AND user_id=(SELECT"
				   " id FROM users WHERE name=?)", "it", event_id, name);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int store_shares(store_t *st, int64_t event_id,
		 void (*fn)(const char *name, const char *role, void *arg), void *arg)
{
	sqlite3_stmt *q = prep(st, "SELECT u.name, m.role FROM event_members m JOIN users u ON"
				   " u.id=m.user_id WHERE m.event_id=? ORDER BY u.name");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
		   arg);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int store_log(store_t *st, int64_t event_id,
	      void (*fn)(int64_t at, const char *user, const char *action, int64_t answer,
			 const char *session, void *arg),
	      void *arg)
{
	sqlite3_stmt *q = prep(st, "SELECT l.at, COALESCE(u.name, ''), l.action, l.answer_id,"
				   " COALESCE(s.code, '') FROM moderation_log l LEFT JOIN users u"
				   " ON u.id=l.user_id LEFT JOIN sessions s ON s.id=l.session_id"
				   " WHERE l.event_id=? ORDER BY l.id DESC LIMIT 1000");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn(sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1),
		   (const char *)sqlite3_column_text(q, 2), sqlite3_column_int64(q, 3),
		   (const char *)sqlite3_column_text(q, 4), arg);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* ---- media ---- */

int store_media_put(store_t *st, int64_t event_id, const char *name, const char *type,
		    const void *data, size_t len)
{
	sqlite3_stmt *q = prep(st, "INSERT OR IGNORE INTO media(event_id, name, type, data,"
				   " created_at) VALUES(?,?,?,?,?)");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_blob64(q, 4, data, len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, store_now_ms());
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int store_media_get(store_t *st, int64_t event_id, const char *name, char *type, size_t tlen,
		    void **data, size_t *len)
{
	sqlite3_stmt *q = prep(st, "SELECT type, data FROM media WHERE event_id=? AND name=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(type, tlen, "%s", (const char *)sqlite3_column_text(q, 0));
		*len = (size_t)sqlite3_column_bytes(q, 1);
		*data = malloc(*len ? *len : 1);
		if (!*data)
			abort();
		memcpy(*data, sqlite3_column_blob(q, 1), *len);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int store_media_copy(store_t *st, int64_t from_event, int64_t to_event)
{
	return run_simple(st, "INSERT OR IGNORE INTO media(event_id, name, type, data, created_at)"
			      " SELECT ?, name, type, data, created_at FROM media WHERE event_id=?",
			  "ii", to_event, from_event) < 0
		       ? STORE_ERROR
		       : STORE_OK;
}

/* ---- purging ---- */

int store_purge_event(store_t *st, int64_t event_id, bool all_answers, int64_t *n)
{
	store_event_t e = {0};
	int rc = store_event_get(st, event_id, &e);
	store_event_clear(&e);
	if (rc != STORE_OK)
		return rc;
	sqlite3_stmt *q = prep(st, all_answers
			? "DELETE FROM answers WHERE session_id IN"
			  " (SELECT id FROM sessions WHERE event_id=?)"
			: "UPDATE answers SET participant=lower(hex(randomblob(16))) WHERE session_id IN"
			  " (SELECT id FROM sessions WHERE event_id=?)");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return STORE_ERROR;
	*n = sqlite3_changes(st->r);
	/* The freed pages and the old WAL frames still hold the old values:
	 * fold the WAL into the file and rewrite the file without them. */
	sqlite3_exec(st->r, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
		     NULL, NULL, NULL);
	return STORE_OK;
}

/* ---- users and tokens ---- */

int store_user_add(store_t *st, const char *name, const char *pwhash, const char *role,
		   int64_t *id)
{
	sqlite3_stmt *q =
		prep(st, "INSERT INTO users(name, pwhash, role, created_at) VALUES(?,?,?,?)");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, store_now_ms());
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc == SQLITE_CONSTRAINT)
		return STORE_EXISTS;
	if (rc != SQLITE_DONE)
		return STORE_ERROR;
	if (id)
		*id = sqlite3_last_insert_rowid(st->r);
	return STORE_OK;
}

int store_user_get(store_t *st, const char *name, int64_t *id, char **pwhash)
{
	sqlite3_stmt *q = prep(st, "SELECT id, pwhash FROM users WHERE name=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		if (id)
			*id = sqlite3_column_int64(q, 0);
		if (pwhash)
			*pwhash = col_dup(q, 1);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int store_user_name(store_t *st, int64_t id, char *name, size_t len)
{
	sqlite3_stmt *q = prep(st, "SELECT name FROM users WHERE id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(name, len, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int store_token_add(store_t *st, const unsigned char hash[32], int64_t user_id,
		    const char *kind, int64_t expires_at)
{
	sqlite3_stmt *q = prep(st, "INSERT INTO tokens(hash, user_id, kind, expires_at, created_at)"
				   " VALUES(?,?,?,?,?)");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, user_id);
	sqlite3_bind_text(q, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, expires_at);
	sqlite3_bind_int64(q, 5, store_now_ms());
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int store_token_user(store_t *st, const unsigned char hash[32], const char *kind,
		     int64_t now, int64_t *user_id)
{
	sqlite3_stmt *q = prep(st, "SELECT user_id FROM tokens WHERE hash=? AND kind=?"
				   " AND (expires_at=0 OR expires_at>?)");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, now);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*user_id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int store_token_del(store_t *st, const unsigned char hash[32])
{
	sqlite3_stmt *q = prep(st, "DELETE FROM tokens WHERE hash=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* ---- the writer ---- */

static int wprep(store_t *st, sqlite3_stmt **q, const char *sql)
{
	if (sqlite3_prepare_v3(st->w, sql, -1, SQLITE_PREPARE_PERSISTENT, q, NULL) != SQLITE_OK) {
		log_error("store: %s: %s", sql, sqlite3_errmsg(st->w));
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* Runs one job inside the open transaction. Returns an SQLite code. */
static int run_job(store_t *st, store_job_t *j)
{
	sqlite3_stmt *q;
	int rc;
	switch (j->kind) {
	case STORE_JOB_ANSWER:
		q = st->ins_answer;
		sqlite3_bind_int64(q, 1, j->u.answer.session_id);
		sqlite3_bind_int64(q, 2, j->u.answer.slide_id);
		sqlite3_bind_text(q, 3, j->u.answer.participant, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 4, j->u.answer.client_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 5, j->u.answer.value, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 6, j->u.answer.at_ms);
		sqlite3_bind_int(q, 7, j->u.answer.pending);
		sqlite3_bind_int(q, 8, j->u.answer.pending);
		rc = sqlite3_step(q);
		sqlite3_reset(q);
		if (rc != SQLITE_DONE)
			return rc;
		if (sqlite3_changes(st->w) == 1) {
			j->u.answer.id = sqlite3_last_insert_rowid(st->w);
			j->u.answer.duplicate = false;
			return SQLITE_DONE;
		}
		q = st->find_answer;
		sqlite3_bind_int64(q, 1, j->u.answer.session_id);
		sqlite3_bind_text(q, 2, j->u.answer.client_id, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		if (rc == SQLITE_ROW) {
			j->u.answer.id = sqlite3_column_int64(q, 0);
			j->u.answer.duplicate = true;
			rc = SQLITE_DONE;
		}
		sqlite3_reset(q);
		return rc;
	case STORE_JOB_SESSION:
		q = st->upd_session;
		sqlite3_bind_int(q, 1, j->u.session.status);
		sqlite3_bind_int(q, 2, j->u.session.slide_index);
		sqlite3_bind_int(q, 3, j->u.session.open);
		sqlite3_bind_int(q, 4, j->u.session.results);
		sqlite3_bind_int64(q, 5, j->u.session.revision);
		if (j->u.session.ended_at)
			sqlite3_bind_int64(q, 6, j->u.session.ended_at);
		else
			sqlite3_bind_null(q, 6);
		sqlite3_bind_int64(q, 7, j->u.session.id);
		break;
	case STORE_JOB_HIDE:
	case STORE_JOB_ANSWERED:
	case STORE_JOB_PIN:
		q = j->kind == STORE_JOB_HIDE	  ? st->upd_hidden
		    : j->kind == STORE_JOB_ANSWERED ? st->upd_answered
						    : st->upd_pinned;
		sqlite3_bind_int(q, 1, j->u.flag.value);
		sqlite3_bind_int64(q, 2, j->u.flag.answer_id);
		rc = sqlite3_step(q);
		sqlite3_reset(q);
		if (rc != SQLITE_DONE || !j->u.flag.event_id)
			return rc;
		/* the moderation log, in the same transaction as the change */
		q = st->ins_log;
		sqlite3_bind_int64(q, 1, j->u.flag.event_id);
		sqlite3_bind_int64(q, 2, j->u.flag.session_id);
		sqlite3_bind_int64(q, 3, j->u.flag.answer_id);
		sqlite3_bind_int64(q, 4, j->u.flag.user_id);
		sqlite3_bind_text(q, 5,
				  j->kind == STORE_JOB_HIDE ? (j->u.flag.value ? "hide" : "show")
				  : j->kind == STORE_JOB_PIN ? (j->u.flag.value ? "pin" : "unpin")
							     : (j->u.flag.value ? "answered" : "unanswered"),
				  -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 6, store_now_ms());
		break;
	case STORE_JOB_TOKEN_ADD:
		q = st->ins_token;
		sqlite3_bind_blob(q, 1, j->u.token.hash, 32, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, j->u.token.user_id);
		sqlite3_bind_text(q, 3, j->u.token.kind, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 4, j->u.token.expires_at);
		sqlite3_bind_int64(q, 5, store_now_ms());
		break;
	case STORE_JOB_TOKEN_DEL:
		q = st->del_token;
		sqlite3_bind_blob(q, 1, j->u.token.hash, 32, SQLITE_STATIC);
		break;
	default:
		return SQLITE_MISUSE;
	}
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc;
}

static int wexec(store_t *st, const char *sql)
{
	return sqlite3_exec(st->w, sql, NULL, NULL, NULL);
}

/* Commits one group; sets every job's status. */
static void run_group(store_t *st, store_job_t *head)
{
	int rc = wexec(st, "BEGIN IMMEDIATE");
	store_job_t *j;
	if (rc == SQLITE_OK) {
		for (j = head; j; j = j->next) {
			rc = run_job(st, j);
			if (rc != SQLITE_DONE)
				break;
			rc = SQLITE_OK;
		}
		if (rc == SQLITE_OK)
			rc = wexec(st, "COMMIT");
		if (rc != SQLITE_OK) {
			log_error("store: a write failed, %s (nothing of this group is stored)",
				  sqlite3_errmsg(st->w));
			wexec(st, "ROLLBACK");
		}
	} else {
		log_error("store: cannot start a write: %s", sqlite3_errmsg(st->w));
	}
	for (j = head; j; j = j->next)
		j->status = rc == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

/* Appends the chain first..last to a queue (caller holds st->mu). */
static void append(store_job_t **head, store_job_t **tail, store_job_t *first, store_job_t *last)
{
	if (*tail)
		(*tail)->next = first;
	else
		*head = first;
	*tail = last;
}

static void *writer_main(void *arg)
{
	store_t *st = arg;
	pthread_mutex_lock(&st->mu);
	for (;;) {
		while (!st->queue_head && !st->stopping)
			pthread_cond_wait(&st->cv, &st->mu);
		if (!st->queue_head && st->stopping)
			break;
		/* Take up to GROUP_MAX jobs; the rest wait for the next group. */
		store_job_t *head = st->queue_head, *tail = head;
		for (int n = 1; n < GROUP_MAX && tail->next; n++)
			tail = tail->next;
		st->queue_head = tail->next;
		if (!st->queue_head)
			st->queue_tail = NULL;
		tail->next = NULL;
		pthread_mutex_unlock(&st->mu);

		run_group(st, head);
		st->groups++;
		unsigned n = 0;
		for (store_job_t *j = head; j; j = j->next)
			n++;
		st->jobs += n;
		metrics_observe(HIST_GROUP_SIZE, n);

		pthread_mutex_lock(&st->mu);
		if (st->wal_fd >= 0) {
			append(&st->sync_head, &st->sync_tail, head, tail);
			st->sync_needed |= head->status == STORE_OK;
			pthread_cond_signal(&st->sync_cv);
		} else {
			append(&st->done_head, &st->done_tail, head, tail);
			uv_async_send(&st->async);
		}
	}
	st->writer_done = true;
	pthread_cond_signal(&st->sync_cv);
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

static void *syncer_main(void *arg)
{
	store_t *st = arg;
	pthread_mutex_lock(&st->mu);
	for (;;) {
		while (!st->sync_head && !st->writer_done)
			pthread_cond_wait(&st->sync_cv, &st->mu);
		if (!st->sync_head)
			break;
		store_job_t *head = st->sync_head, *tail = st->sync_tail;
		bool flush = st->sync_needed;
		st->sync_head = st->sync_tail = NULL;
		st->sync_needed = false;
		pthread_mutex_unlock(&st->mu);

		uint64_t t0 = flush ? uv_hrtime() : 0;
		if (flush && fdatasync(st->wal_fd) != 0) {
			log_error("store: the disk did not confirm a write (fdatasync of the WAL: %s);"
				  " stopping, so that nothing unconfirmed is acknowledged. The"
				  " database recovers when inspraak starts again.",
				  strerror(errno));
			_exit(75);
		}
		if (flush)
			metrics_observe(HIST_FLUSH_SECONDS, (double)(uv_hrtime() - t0) / 1e9);

		pthread_mutex_lock(&st->mu);
		append(&st->done_head, &st->done_tail, head, tail);
		uv_async_send(&st->async);
	}
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

static void on_done(uv_async_t *a)
{
	store_t *st = a->data;
	pthread_mutex_lock(&st->mu);
	store_job_t *j = st->done_head;
	st->done_head = st->done_tail = NULL;
	pthread_mutex_unlock(&st->mu);
	while (j) {
		store_job_t *next = j->next;
		j->next = NULL;
		metrics_add(METRIC_WRITER_QUEUE, -1);
		j->done(j);
		j = next;
	}
}

/* Hands the loop's batch to the writer (loop thread). */
static void batch_flush(store_t *st)
{
	uv_idle_stop(&st->batch_idle);
	if (!st->batch_head)
		return;
	pthread_mutex_lock(&st->mu);
	append(&st->queue_head, &st->queue_tail, st->batch_head, st->batch_tail);
	pthread_cond_signal(&st->cv);
	pthread_mutex_unlock(&st->mu);
	st->batch_head = st->batch_tail = NULL;
}

static void on_batch_check(uv_check_t *h) { batch_flush(h->data); }
static void on_batch_idle(uv_idle_t *h) { batch_flush(h->data); }

int store_start(store_t *st, uv_loop_t *loop)
{
	char err[512];
	if (open_conn(st->path, &st->w, true, err, sizeof err)) {
		log_error("store: %s", err);
		return STORE_ERROR;
	}
	if (wprep(st, &st->ins_answer,
		  "INSERT OR IGNORE INTO answers(session_id, slide_id, participant, client_id,"
		  " value, at, hidden, pending) VALUES(?,?,?,?,?,?,?,?)") ||
	    wprep(st, &st->find_answer,
		  "SELECT id FROM answers WHERE session_id=? AND client_id=?") ||
	    wprep(st, &st->upd_session,
		  "UPDATE sessions SET status=?, slide_index=?, open=?, results=?, revision=?,"
		  " ended_at=? WHERE id=?") ||
	    wprep(st, &st->upd_hidden, "UPDATE answers SET hidden=?, pending=0 WHERE id=?") ||
	    wprep(st, &st->upd_answered, "UPDATE answers SET answered=? WHERE id=?") ||
	    wprep(st, &st->upd_pinned, "UPDATE answers SET pinned=? WHERE id=?") ||
	    wprep(st, &st->ins_log,
		  "INSERT INTO moderation_log(event_id, session_id, answer_id, user_id, action, at)"
		  " VALUES(?,?,?,?,?,?)") ||
	    wprep(st, &st->ins_token,
		  "INSERT OR REPLACE INTO tokens(hash, user_id, kind, expires_at, created_at)"
		  " VALUES(?,?,?,?,?)") ||
	    wprep(st, &st->del_token, "DELETE FROM tokens WHERE hash=?"))
		return STORE_ERROR;
	uv_async_init(loop, &st->async, on_done);
	st->async.data = st;
	uv_check_init(loop, &st->batch_check);
	uv_idle_init(loop, &st->batch_idle);
	st->batch_check.data = st->batch_idle.data = st;
	uv_check_start(&st->batch_check, on_batch_check);
	uv_unref((uv_handle_t *)&st->batch_check);
	/* The pipelined flush needs the WAL file (there from the first read
	 * in WAL mode), by the name SQLite gives it (it follows symbolic links
	 * to the database); without it the writer commits with FULL. */
	const char *dbname = sqlite3_db_filename(st->w, "main");
	const char *wal = dbname ? sqlite3_filename_wal(dbname) : "";
	st->wal_fd = wal[0] ? open(wal, O_RDONLY | O_CLOEXEC) : -1;
	if (st->wal_fd >= 0 && sqlite3_exec(st->w, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL)) {
		close(st->wal_fd);
		st->wal_fd = -1;
	}
	if (st->wal_fd < 0)
		log_info("store: %s cannot be opened (%s); every commit waits for its own flush",
			 wal, strerror(errno));
	pthread_cond_init(&st->sync_cv, NULL);
	if (pthread_create(&st->thread, NULL, writer_main, st) != 0)
		return STORE_ERROR;
	if (pthread_create(&st->syncer, NULL, syncer_main, st) != 0)
		abort(); /* the writer runs already and would wait for it forever */
	st->started = true;
	return STORE_OK;
}

void store_submit(store_t *st, store_job_t *job)
{
	job->next = NULL;
	metrics_inc(METRIC_WRITER_QUEUE);
	if (!st->batch_head)
		uv_idle_start(&st->batch_idle, on_batch_idle);
	append(&st->batch_head, &st->batch_tail, job, job);
}

void store_close(store_t *st)
{
	if (!st)
		return;
	if (st->started) {
		batch_flush(st);
		pthread_mutex_lock(&st->mu);
		st->stopping = true;
		pthread_cond_signal(&st->cv);
		pthread_mutex_unlock(&st->mu);
		pthread_join(st->thread, NULL);
		pthread_join(st->syncer, NULL);
		pthread_cond_destroy(&st->sync_cv);
		if (st->wal_fd >= 0)
			close(st->wal_fd);
		if (st->groups)
			log_info("store: %llu writes in %llu commits, %.1f per commit",
				 (unsigned long long)st->jobs, (unsigned long long)st->groups,
				 (double)st->jobs / (double)st->groups);
		/* Jobs finished after the loop stopped are dropped with the
		 * process; their answers are committed. */
		uv_close((uv_handle_t *)&st->async, NULL);
		uv_close((uv_handle_t *)&st->batch_check, NULL);
		uv_close((uv_handle_t *)&st->batch_idle, NULL);
		sqlite3_finalize(st->ins_answer);
		sqlite3_finalize(st->find_answer);
		sqlite3_finalize(st->upd_session);
		sqlite3_finalize(st->upd_hidden);
		sqlite3_finalize(st->upd_answered);
		sqlite3_finalize(st->upd_pinned);
		sqlite3_finalize(st->ins_log);
		sqlite3_finalize(st->ins_token);
		sqlite3_finalize(st->del_token);
	}
	sqlite3_close(st->w);
	sqlite3_close(st->r);
	pthread_mutex_destroy(&st->mu);
	pthread_cond_destroy(&st->cv);
	free(st);
}

/* ---- reading for reports ---- */

int store_event_sessions(store_t *st, int64_t event_id,
			 void (*fn)(const store_session_t *s, void *arg), void *arg)
{
	sqlite3_stmt *q =
		prep(st, "SELECT " SESSION_COLS " FROM sessions WHERE event_id=? ORDER BY id");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_session_t s;
		read_session(q, &s);
		fn(&s, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int store_answers_slide(store_t *st, int64_t session_id, int64_t slide_id,
			void (*fn)(const store_answer_t *a, void *arg), void *arg)
{
	/* answers_session(session_id, id) narrows the scan to one session; the
	 * slide is filtered within it, which keeps id order without a sort. */
	sqlite3_stmt *q = prep(st, "SELECT " ANSWER_COLS " FROM answers WHERE session_id=? AND"
				   " slide_id=? ORDER BY id");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, session_id);
	sqlite3_bind_int64(q, 2, slide_id);
	return each_answer(q, session_id, fn, arg);
}
