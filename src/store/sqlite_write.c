/*
 * sqlite_write: the SQLite engine's hooks for the group-commit writer
 * (writer.c): its own NOMUTEX connection with persistent prepared
 * statements, one IMMEDIATE transaction per group, one method per job kind,
 * and the flush of the WAL file for the pipelined sync.
 *
 * Syncing is pipelined: the writer's connection commits with
 * synchronous=NORMAL (the WAL frames are written, not yet flushed) and the
 * syncer thread then flushes the WAL file with fdatasync (sq_sync) while
 * the writer goes on with the next group. SQLite itself flushes the WAL
 * before each checkpoint, and a checkpoint must be complete before the WAL
 * is written over from its start, so a flush of the WAL file covers every
 * frame committed before it. Without the WAL file's descriptor the writer
 * commits with synchronous=FULL and nothing is pipelined.
 *
 * Everything here runs on the writer thread, except sq_writer_open and
 * sq_writer_close (before the thread starts, after it stopped) and sq_sync
 * (the syncer thread, which touches only the file descriptor).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite.h"
#include "util/log.h"

static int wprep(sqlite3 *w, sqlite3_stmt **q, const char *sql)
{
	if (sqlite3_prepare_v3(w, sql, -1, SQLITE_PREPARE_PERSISTENT, q, NULL) != SQLITE_OK) {
		log_error("store: %s: %s", sql, sqlite3_errmsg(w));
		return STORE_ERROR;
	}
	return STORE_OK;
}

int sq_writer_open(store_t *st, bool *pipelined, char *err, size_t errlen)
{
	sq_t *d = SQ(st);
	if (sq__open_conn(d->path, &d->w, true, err, errlen))
		return STORE_ERROR;
	if (wprep(d->w, &d->ins_answer,
	          "INSERT OR IGNORE INTO answers(session_id, slide_id, participant, client_id,"
	          " value, at, hidden, pending) VALUES(?,?,?,?,?,?,?,?)") ||
	    wprep(d->w, &d->find_answer,
	          "SELECT id FROM answers WHERE session_id=? AND client_id=?") ||
	    wprep(d->w, &d->upd_session,
	          "UPDATE sessions SET status=?, slide_index=?, open=?, results=?, revision=?,"
	          " ended_at=? WHERE id=?") ||
	    wprep(d->w, &d->upd_hidden, "UPDATE answers SET hidden=?, pending=0 WHERE id=?") ||
	    wprep(d->w, &d->upd_answered, "UPDATE answers SET answered=? WHERE id=?") ||
	    wprep(d->w, &d->upd_pinned, "UPDATE answers SET pinned=? WHERE id=?") ||
	    wprep(d->w, &d->ins_log,
	          "INSERT INTO moderation_log(event_id, session_id, answer_id, user_id, action, at)"
	          " VALUES(?,?,?,?,?,?)") ||
	    wprep(d->w, &d->ins_token,
	          "INSERT OR REPLACE INTO tokens(hash, user_id, kind, expires_at, created_at)"
	          " VALUES(?,?,?,?,?)") ||
	    wprep(d->w, &d->del_token, "DELETE FROM tokens WHERE hash=?") || sq__web_prepare(d)) {
		snprintf(err, errlen, "cannot prepare the writer's statements: %s",
		         sqlite3_errmsg(d->w));
		return STORE_ERROR;
	}
	/* The pipelined flush needs the WAL file (there from the first read
	 * in WAL mode), by the name SQLite gives it (it follows symbolic links
	 * to the database); without it the writer commits with FULL. */
	const char *dbname = sqlite3_db_filename(d->w, "main");
	const char *wal = dbname ? sqlite3_filename_wal(dbname) : "";
	d->wal_fd = wal[0] ? open(wal, O_RDONLY | O_CLOEXEC) : -1;
	if (d->wal_fd >= 0 && sqlite3_exec(d->w, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL)) {
		close(d->wal_fd);
		d->wal_fd = -1;
	}
	if (d->wal_fd < 0)
		log_info("store: %s cannot be opened (%s); every commit waits for its own flush",
		         wal, strerror(errno));
	*pipelined = d->wal_fd >= 0;
	return STORE_OK;
}

void sq_writer_close(store_t *st)
{
	sq_t *d = SQ(st);
	if (d->wal_fd >= 0)
		close(d->wal_fd);
	d->wal_fd = -1;
	sqlite3_finalize(d->ins_answer);
	sqlite3_finalize(d->find_answer);
	sqlite3_finalize(d->upd_session);
	sqlite3_finalize(d->upd_hidden);
	sqlite3_finalize(d->upd_answered);
	sqlite3_finalize(d->upd_pinned);
	sqlite3_finalize(d->ins_log);
	sqlite3_finalize(d->ins_token);
	sqlite3_finalize(d->del_token);
	sq__web_finalize(d);
}

static int wexec(store_t *st, const char *sql)
{
	return sqlite3_exec(SQ(st)->w, sql, NULL, NULL, NULL) == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

int sq_group_begin(store_t *st)
{
	return wexec(st, "BEGIN IMMEDIATE");
}
int sq_group_commit(store_t *st)
{
	return wexec(st, "COMMIT");
}
void sq_group_rollback(store_t *st)
{
	wexec(st, "ROLLBACK");
}
const char *sq_writer_errmsg(store_t *st)
{
	return sqlite3_errmsg(SQ(st)->w);
}

int sq_sync(store_t *st)
{
	return fdatasync(SQ(st)->wal_fd) == 0 ? STORE_OK : -errno;
}

/* Steps a bound statement of the writer once and resets it. */
static int step(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* Inserts an answer unless (session, client_id) exists; then finds the old
 * one's id and marks the job a duplicate. */
int sq__find_retry(sqlite3_stmt *q, int64_t scope, const char *client_id, int64_t *id)
{
	sqlite3_bind_int64(q, 1, scope);
	sqlite3_bind_text(q, 2, client_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

int sq_job_answer(store_t *st, store_job_t *j)
{
	sq_t *d = SQ(st);
	sqlite3_stmt *q = d->ins_answer;
	sqlite3_bind_int64(q, 1, j->u.answer.session_id);
	sqlite3_bind_int64(q, 2, j->u.answer.slide_id);
	sqlite3_bind_text(q, 3, j->u.answer.participant, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, j->u.answer.client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, j->u.answer.value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, j->u.answer.at_ms);
	sqlite3_bind_int(q, 7, j->u.answer.pending);
	sqlite3_bind_int(q, 8, j->u.answer.pending);
	if (step(q))
		return STORE_ERROR;
	if (sqlite3_changes(d->w) == 1) {
		j->u.answer.id = sqlite3_last_insert_rowid(d->w);
		j->u.answer.duplicate = false;
		return STORE_OK;
	}
	int rc = sq__find_retry(d->find_answer, j->u.answer.session_id, j->u.answer.client_id,
	                        &j->u.answer.id);
	j->u.answer.duplicate = rc == STORE_OK;
	return rc;
}

int sq_job_session(store_t *st, store_job_t *j)
{
	sqlite3_stmt *q = SQ(st)->upd_session;
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
	return step(q);
}

/* A moderator's flag on an answer, and the moderation log in the same
 * transaction as the change (no row when the job has no event_id). */
static int flag(store_t *st, store_job_t *j, sqlite3_stmt *q, const char *on, const char *off)
{
	sqlite3_bind_int(q, 1, j->u.flag.value);
	sqlite3_bind_int64(q, 2, j->u.flag.answer_id);
	int rc = step(q);
	if (rc || !j->u.flag.event_id)
		return rc;
	return sq__log_flag(st, j, j->u.flag.value ? on : off);
}

int sq__log_flag(store_t *st, store_job_t *j, const char *action)
{
	sqlite3_stmt *q = SQ(st)->ins_log;
	sqlite3_bind_int64(q, 1, j->u.flag.event_id);
	sqlite3_bind_int64(q, 2, j->u.flag.session_id);
	sqlite3_bind_int64(q, 3, j->u.flag.answer_id);
	sqlite3_bind_int64(q, 4, j->u.flag.user_id);
	sqlite3_bind_text(q, 5, action, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, store_now_ms());
	return step(q);
}

int sq_job_hide(store_t *st, store_job_t *j)
{
	return flag(st, j, SQ(st)->upd_hidden, "hide", "show");
}

int sq_job_answered(store_t *st, store_job_t *j)
{
	return flag(st, j, SQ(st)->upd_answered, "answered", "unanswered");
}

int sq_job_pin(store_t *st, store_job_t *j)
{
	return flag(st, j, SQ(st)->upd_pinned, "pin", "unpin");
}

int sq_job_token_add(store_t *st, store_job_t *j)
{
	sqlite3_stmt *q = SQ(st)->ins_token;
	sqlite3_bind_blob(q, 1, j->u.token.hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, j->u.token.user_id);
	sqlite3_bind_text(q, 3, j->u.token.kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, j->u.token.expires_at);
	sqlite3_bind_int64(q, 5, store_now_ms());
	return step(q);
}

int sq_job_token_del(store_t *st, store_job_t *j)
{
	sqlite3_stmt *q = SQ(st)->del_token;
	sqlite3_bind_blob(q, 1, j->u.token.hash, 32, SQLITE_STATIC);
	return step(q);
}
