/*
 * pg_write: the PostgreSQL engine's hooks for the group-commit writer
 * (writer.c): its own connection with prepared statements, one transaction
 * per group, one method per job kind.
 *
 * A commit is durable when COMMIT returns (synchronous_commit on, set on
 * every connection by pg__connect), so nothing is pipelined: writer_open
 * leaves *pipelined false and there is no sync hook.
 *
 * Each job is one round trip on the writer's connection. On a local socket
 * that costs tens of microseconds per answer, far less than the commit's
 * flush it shares with its group; libpq's pipeline mode could send a whole
 * group at once where the server is farther away.
 *
 * Everything here runs on the writer thread, except pg_writer_open and
 * pg_writer_close (before the thread starts, after it stopped).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "store/pg.h"
#include "util/log.h"

/* The writer's statements, prepared by name on its connection. */
static const struct {
	const char *name, *sql;
} stmts[] = {
    /* One statement per answer, duplicates included: the insert that does
     * nothing on a known (session, client_id), else its id; or the old
     * answer's id, flagged. The second branch reads the statement's
     * snapshot, which may miss a duplicate committed meanwhile by another
     * process; pg_job_answer then looks again. */
    {"ins_answer",
     "WITH ins AS (INSERT INTO answers(session_id, slide_id, participant, client_id, value, at,"
     " hidden, pending) VALUES($1,$2,$3,$4,$5,$6,$7,$7) ON CONFLICT(session_id, client_id)"
     " DO NOTHING RETURNING id)"
     " SELECT id, 0 FROM ins UNION ALL SELECT id, 1 FROM answers"
     " WHERE session_id=$1 AND client_id=$4 AND NOT EXISTS (SELECT 1 FROM ins)"},
    {"find_answer", "SELECT id FROM answers WHERE session_id=$1 AND client_id=$2"},
    {"upd_session", "UPDATE sessions SET status=$1, slide_index=$2, open=$3, results=$4,"
                    " revision=$5, ended_at=$6 WHERE id=$7"},
    {"upd_hidden", "UPDATE answers SET hidden=$1, pending=0 WHERE id=$2"},
    {"upd_answered", "UPDATE answers SET answered=$1 WHERE id=$2"},
    {"upd_pinned", "UPDATE answers SET pinned=$1 WHERE id=$2"},
    {"ins_log", "INSERT INTO moderation_log(event_id, session_id, answer_id, user_id, action, at)"
                " VALUES($1,$2,$3,$4,$5,$6)"},
    {"ins_token",
     "INSERT INTO tokens(hash, user_id, kind, expires_at, created_at) VALUES($1,$2,$3,$4,$5)"
     " ON CONFLICT(hash) DO UPDATE SET user_id=excluded.user_id, kind=excluded.kind,"
     " expires_at=excluded.expires_at, created_at=excluded.created_at"},
    {"del_token", "DELETE FROM tokens WHERE hash=$1"},
};

static int prepare_all(pgs_t *d)
{
	for (size_t i = 0; i < sizeof stmts / sizeof *stmts; i++) {
		PGresult *r = PQprepare(d->w, stmts[i].name, stmts[i].sql, 0, NULL);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok) {
			snprintf(d->werrmsg, sizeof d->werrmsg, "%s: %s", stmts[i].name,
			         PQerrorMessage(d->w));
			d->werrmsg[strcspn(d->werrmsg, "\n")] = 0;
			return STORE_ERROR;
		}
	}
	return STORE_OK;
}

/* Runs a prepared statement on the writer's connection (see pg__run). */
static int64_t wrun(store_t *st, PGresult **out, const char *name, const char *types, ...)
{
	pgs_t *d = PGS(st);
	va_list ap;
	va_start(ap, types);
	int64_t rc = pg__runv(d->w, d->werrmsg, sizeof d->werrmsg, out, true, name, types, ap);
	va_end(ap);
	return rc;
}

int pg_writer_open(store_t *st, bool *pipelined, char *err, size_t errlen)
{
	pgs_t *d = PGS(st);
	d->w = pg__connect(d->url, err, errlen);
	if (!d->w)
		return STORE_ERROR;
	if (prepare_all(d)) {
		snprintf(err, errlen, "cannot prepare the writer's statements: %s", d->werrmsg);
		return STORE_ERROR;
	}
	*pipelined = false;
	return STORE_OK;
}

void pg_writer_close(store_t *st)
{
	pgs_t *d = PGS(st);
	if (d->w)
		PQfinish(d->w);
	d->w = NULL;
}

/* Begins a group. A connection lost to a restart of the server is opened
 * again here, between groups, with its statements: the failed group was
 * reported as failed, and the next one starts afresh. */
int pg_group_begin(store_t *st)
{
	pgs_t *d = PGS(st);
	if (PQstatus(d->w) == CONNECTION_BAD) {
		PQreset(d->w);
		if (PQstatus(d->w) != CONNECTION_OK || prepare_all(d)) {
			snprintf(d->werrmsg, sizeof d->werrmsg, "%s", PQerrorMessage(d->w));
			d->werrmsg[strcspn(d->werrmsg, "\n")] = 0;
			return STORE_ERROR;
		}
	}
	PGresult *r = PQexec(d->w, "BEGIN");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok) {
		snprintf(d->werrmsg, sizeof d->werrmsg, "BEGIN: %s", PQerrorMessage(d->w));
		d->werrmsg[strcspn(d->werrmsg, "\n")] = 0;
	}
	PQclear(r);
	return ok ? STORE_OK : STORE_ERROR;
}

int pg_group_commit(store_t *st)
{
	/* COMMIT of an aborted transaction answers ROLLBACK without an error:
	 * the command tag tells them apart. */
	pgs_t *d = PGS(st);
	PGresult *r = PQexec(d->w, "COMMIT");
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK && !strcmp(PQcmdStatus(r), "COMMIT");
	if (!ok) {
		snprintf(d->werrmsg, sizeof d->werrmsg, "COMMIT: %s", PQerrorMessage(d->w));
		d->werrmsg[strcspn(d->werrmsg, "\n")] = 0;
	}
	PQclear(r);
	return ok ? STORE_OK : STORE_ERROR;
}

void pg_group_rollback(store_t *st)
{
	PQclear(PQexec(PGS(st)->w, "ROLLBACK"));
}

const char *pg_writer_errmsg(store_t *st)
{
	return PGS(st)->werrmsg;
}

int pg_job_answer(store_t *st, store_job_t *j)
{
	PGresult *r;
	int64_t n = wrun(st, &r, "ins_answer", "iitttii", j->u.answer.session_id,
	                 j->u.answer.slide_id, j->u.answer.participant, j->u.answer.client_id,
	                 j->u.answer.value, j->u.answer.at_ms, (int64_t)j->u.answer.pending);
	if (n == 0) {
		/* a duplicate committed by another process after our snapshot */
		PQclear(r);
		n = wrun(st, &r, "find_answer", "it", j->u.answer.session_id,
		         j->u.answer.client_id);
		if (n == 1) {
			j->u.answer.id = pg__int(r, 0, 0);
			j->u.answer.duplicate = true;
		}
	} else if (n == 1) {
		j->u.answer.id = pg__int(r, 0, 0);
		j->u.answer.duplicate = pg__int(r, 0, 1) != 0;
	}
	if (n >= 0)
		PQclear(r);
	return n == 1 ? STORE_OK : STORE_ERROR;
}

int pg_job_session(store_t *st, store_job_t *j)
{
	const store_session_t *s = &j->u.session;
	return wrun(st, NULL, "upd_session", "iiiiini", (int64_t)s->status, (int64_t)s->slide_index,
	            (int64_t)s->open, (int64_t)s->results, s->revision, s->ended_at, s->id) < 0
	           ? STORE_ERROR
	           : STORE_OK;
}

/* A moderator's flag on an answer, and the moderation log in the same
 * transaction as the change (no row when the job has no event_id). */
static int flag(store_t *st, store_job_t *j, const char *stmt, const char *on, const char *off)
{
	if (wrun(st, NULL, stmt, "ii", (int64_t)j->u.flag.value, j->u.flag.answer_id) < 0)
		return STORE_ERROR;
	if (!j->u.flag.event_id)
		return STORE_OK;
	return wrun(st, NULL, "ins_log", "iiiiti", j->u.flag.event_id, j->u.flag.session_id,
	            j->u.flag.answer_id, j->u.flag.user_id, j->u.flag.value ? on : off,
	            store_now_ms()) < 0
	           ? STORE_ERROR
	           : STORE_OK;
}

int pg_job_hide(store_t *st, store_job_t *j)
{
	return flag(st, j, "upd_hidden", "hide", "show");
}

int pg_job_answered(store_t *st, store_job_t *j)
{
	return flag(st, j, "upd_answered", "answered", "unanswered");
}

int pg_job_pin(store_t *st, store_job_t *j)
{
	return flag(st, j, "upd_pinned", "pin", "unpin");
}

int pg_job_token_add(store_t *st, store_job_t *j)
{
	return wrun(st, NULL, "ins_token", "bitii", j->u.token.hash, (size_t)32, j->u.token.user_id,
	            j->u.token.kind, j->u.token.expires_at, store_now_ms()) < 0
	           ? STORE_ERROR
	           : STORE_OK;
}

int pg_job_token_del(store_t *st, store_job_t *j)
{
	return wrun(st, NULL, "del_token", "b", j->u.token.hash, (size_t)32) < 0 ? STORE_ERROR
	                                                                         : STORE_OK;
}
