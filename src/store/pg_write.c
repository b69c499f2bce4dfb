/*
 * pg_write: the PostgreSQL engine's hooks for the group-commit writer
 * (writer.c): its own connection with prepared statements, one transaction
 * per group, one method per job kind.
 *
 * A commit is durable when COMMIT returns (synchronous_commit on, set on
 * every connection by pg__connect), so nothing is pipelined in writer.c's
 * sense: writer_open leaves *pipelined false and there is no sync hook.
 *
 * A group travels in libpq's pipeline mode: a job's hook sends its
 * statements without waiting, and their results are read in order every
 * OUTSTANDING statements and at the commit, so a group of a thousand
 * answers costs a few round trips instead of a thousand.
 *
 * Invariants:
 *  1. A job's out fields (an answer's id, duplicate) are set when its
 *     result is read, at the latest in pg_group_commit: before writer.c
 *     reports the job, as engine.h asks.
 *  2. At most OUTSTANDING results wait unread. The server stops reading
 *     statements while it cannot send results, and a blocking client that
 *     only sends would then wait forever; a bounded backlog fits in the
 *     sockets' buffers.
 *  3. Once a statement fails the server skips the rest up to the sync
 *     (PGRES_PIPELINE_ABORTED): the hook that sees it returns STORE_ERROR,
 *     and pg_group_rollback drains the pipeline before its ROLLBACK.
 *  4. A lost connection is replaced between groups (pg_group_begin), with
 *     its statements prepared again; the group it broke was reported
 *     failed.
 *
 * Everything here runs on the writer thread, except pg_writer_open and
 * pg_writer_close (before the thread starts, after it stopped).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg.h"
#include "util/log.h"
#include "util/xalloc.h"

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
    /* The same under a one-vote rule ($8: STORE_ONCE_SLIDE or _VALUE):
     * nothing is inserted when the participant has an answer on the slide
     * (of the same value) under another client id. Several nodes may take
     * a participant's votes at once, each tally knowing only its own; the
     * lock (lock_voter, sent before, held until the group's end) makes
     * the second wait for the first's commit, and READ COMMITTED gives
     * this statement a snapshot taken after the wait. */
    {"ins_vote",
     "WITH ins AS (INSERT INTO answers(session_id, slide_id, participant, client_id, value, at,"
     " hidden, pending) SELECT $1,$2,$3,$4,$5,$6,$7,$7 WHERE NOT EXISTS (SELECT 1 FROM answers"
     " WHERE session_id=$1 AND slide_id=$2 AND participant=$3 AND client_id<>$4"
     " AND ($8=1 OR value=$5)) ON CONFLICT(session_id, client_id) DO NOTHING RETURNING id)"
     " SELECT id, 0 FROM ins UNION ALL SELECT id, 1 FROM answers"
     " WHERE session_id=$1 AND client_id=$4 AND NOT EXISTS (SELECT 1 FROM ins)"},
    {"lock_voter", "SELECT pg_advisory_xact_lock(hashtextextended($1::text || ':' ||"
                   " $2::text || ':' || $3, 0))"},
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
    /* the website (pg_web.c); ins_post as ins_answer, find_post as
     * find_answer */
    {"ups_process",
     "INSERT INTO processes(event_id, slug, published, config, session_id, updated_at)"
     " VALUES($1,$2,$3,$4,$5,$6) ON CONFLICT(event_id) DO UPDATE SET slug=excluded.slug,"
     " published=excluded.published, config=excluded.config, session_id=excluded.session_id,"
     " updated_at=excluded.updated_at"},
    {"touch_event", "UPDATE events SET updated_at=$1 WHERE id=$2"},
    {"ins_post",
     "WITH ins AS (INSERT INTO posts(event_id, topic, parent, kind, participant, client_id,"
     " body, user_id, at, hidden, pending) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10)"
     " ON CONFLICT(event_id, client_id) DO NOTHING RETURNING id)"
     " SELECT id, 0 FROM ins UNION ALL SELECT id, 1 FROM posts"
     " WHERE event_id=$1 AND client_id=$6 AND NOT EXISTS (SELECT 1 FROM ins)"},
    {"find_post", "SELECT id FROM posts WHERE event_id=$1 AND client_id=$2"},
    /* a row when the mark is new */
    {"ins_mark", "INSERT INTO post_marks(post_id, kind, participant, at) VALUES($1,$2,$3,$4)"
                 " ON CONFLICT DO NOTHING RETURNING 1"},
    {"upd_post_hidden", "UPDATE posts SET hidden=$1, pending=0 WHERE id=$2"},
    {"upd_post_reviewed", "UPDATE posts SET reviewed=$1 WHERE id=$2"},
    /* gen_random_uuid: 122 random bits in 32 hex digits (pg_purge_event) */
    {"unlink_answers",
     "UPDATE answers SET participant=replace(gen_random_uuid()::text, '-', '') WHERE"
     " session_id IN (SELECT id FROM sessions WHERE event_id=$1)"},
    {"unlink_posts",
     "UPDATE posts SET participant=replace(gen_random_uuid()::text, '-', '') WHERE event_id=$1"},
    {"unlink_marks",
     "UPDATE post_marks SET participant=replace(gen_random_uuid()::text, '-', '') WHERE"
     " post_id IN (SELECT id FROM posts WHERE event_id=$1)"},
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

/* Runs a prepared statement on the writer's connection outside a pipeline
 * (see pg__run). */
static int64_t wrun(store_t *st, PGresult **out, const char *name, const char *types, ...)
{
	pgs_t *d = PGS(st);
	va_list ap;
	va_start(ap, types);
	int64_t rc = pg__runv(d->w, d->werrmsg, sizeof d->werrmsg, out, true, name, types, ap);
	va_end(ap);
	return rc;
}

enum { OUTSTANDING = 64 };

/* COMMIT's place among the sent statements: its result must say COMMIT. */
static store_job_t commit_mark;

static void werr(pgs_t *d, const char *what)
{
	if (d->wfailed)
		return; /* the first failure is the one to log */
	d->wfailed = true;
	snprintf(d->werrmsg, sizeof d->werrmsg, "%s: %s", what, PQerrorMessage(d->w));
	d->werrmsg[strcspn(d->werrmsg, "\n")] = 0;
}

/* Reads the result of every statement sent and not yet read (invariant 1),
 * filling answers' out fields. */
static int read_results(pgs_t *d)
{
	while (d->n_read < d->n_sent) {
		store_job_t *j = d->sent[d->n_read++];
		PGresult *r = PQgetResult(d->w);
		if (!r) {
			werr(d, "reading a result");
			return STORE_ERROR;
		}
		ExecStatusType s = PQresultStatus(r);
		if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK)
			werr(d, s == PGRES_PIPELINE_ABORTED ? "skipped" : "a write");
		else if (j == &commit_mark && strcmp(PQcmdStatus(r), "COMMIT"))
			werr(d, "COMMIT");
		else if (j && j != &commit_mark && j->kind == STORE_JOB_ANSWER) {
			/* no row: a duplicate committed by another process
			 * after this statement's snapshot; looked up after the
			 * commit (pg_group_commit) */
			bool row = PQntuples(r) == 1;
			j->u.answer.id = row ? atoll(PQgetvalue(r, 0, 0)) : 0;
			j->u.answer.duplicate = !row || atoi(PQgetvalue(r, 0, 1)) != 0;
		} else if (j && j != &commit_mark && j->kind == STORE_JOB_POST) {
			/* the same for a post (ins_post) */
			bool row = PQntuples(r) == 1;
			j->u.post.id = row ? atoll(PQgetvalue(r, 0, 0)) : 0;
			j->u.post.duplicate = !row || atoi(PQgetvalue(r, 0, 1)) != 0;
		} else if (j && j != &commit_mark && j->kind == STORE_JOB_MARK) {
			j->u.mark.added = PQntuples(r) == 1;
		}
		PQclear(r);
		/* each statement's results end with a NULL */
		while ((r = PQgetResult(d->w)))
			PQclear(r);
	}
	return d->wfailed ? STORE_ERROR : STORE_OK;
}

/* Sends prepared statement name (or the command BEGIN or COMMIT) of job j
 * in the open group; reads the backlog when it reaches OUTSTANDING
 * (invariant 2). */
static int send_params(store_t *st, store_job_t *j, const char *name, const pg_params_t *p)
{
	pgs_t *d = PGS(st);
	bool command = !strcmp(name, "BEGIN") || !strcmp(name, "COMMIT");
	int ok = command ? PQsendQueryParams(d->w, name, 0, NULL, NULL, NULL, NULL, 0)
	                 : PQsendQueryPrepared(d->w, name, p->n, p->vals, p->lens, p->fmts, 0);
	if (!ok) {
		werr(d, name);
		return STORE_ERROR;
	}
	if (d->n_sent == d->cap_sent) {
		d->cap_sent = d->cap_sent ? d->cap_sent * 2 : 256;
		d->sent = xrealloc(d->sent, d->cap_sent * sizeof *d->sent);
	}
	d->sent[d->n_sent++] = j;
	if (d->n_sent - d->n_read < OUTSTANDING)
		return STORE_OK;
	if (!PQsendFlushRequest(d->w) || PQflush(d->w) != 0) {
		werr(d, "sending");
		return STORE_ERROR;
	}
	return read_results(d);
}

int pg__wsend(store_t *st, store_job_t *j, const char *name, const char *types, ...)
{
	if (PGS(st)->wfailed)
		return STORE_ERROR;
	pg_params_t p;
	va_list ap;
	va_start(ap, types);
	pg__params(&p, types, ap);
	va_end(ap);
	return send_params(st, j, name, &p);
}

/* Ends the pipeline: a sync, every result up to it (read_results, which
 * notes a failure in d->wfailed), back to normal mode. False when the
 * connection is lost (pg_group_begin replaces it). */
static bool end_pipeline(pgs_t *d)
{
	if (PQpipelineStatus(d->w) == PQ_PIPELINE_OFF)
		return true;
	if (!PQpipelineSync(d->w))
		return false;
	read_results(d);
	/* up to the sync's result; NULLs end statements' results, and many in
	 * a row mean a connection that will not answer any more */
	for (int nulls = 0;;) {
		PGresult *r = PQgetResult(d->w);
		if (!r) {
			if (PQstatus(d->w) != CONNECTION_OK || ++nulls > 2)
				return false;
			continue;
		}
		nulls = 0;
		ExecStatusType s = PQresultStatus(r);
		PQclear(r);
		if (s == PGRES_PIPELINE_SYNC)
			break;
	}
	return PQexitPipelineMode(d->w) == 1;
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

/* Begins a group: a pipeline whose first statement is BEGIN. A lost
 * connection is replaced here first (invariant 4). */
int pg_group_begin(store_t *st)
{
	pgs_t *d = PGS(st);
	d->n_sent = d->n_read = 0;
	d->wfailed = false;
	/* A restart of the server closed the connection while it was idle:
	 * seen here, so that the first group after a restart does not fail
	 * with it. */
	pg__check_idle(d->w);
	if (PQstatus(d->w) != CONNECTION_OK) {
		char err[256];
		PGconn *c = pg__connect(d->url, err, sizeof err);
		if (!c) {
			snprintf(d->werrmsg, sizeof d->werrmsg, "%s", err);
			return STORE_ERROR;
		}
		PQfinish(d->w);
		d->w = c;
		if (prepare_all(d))
			return STORE_ERROR;
	}
	if (!PQenterPipelineMode(d->w)) {
		werr(d, "pipeline mode");
		return STORE_ERROR;
	}
	return pg__wsend(st, NULL, "BEGIN", "");
}

/* COMMIT at the end of the pipeline; then the answers whose duplicate
 * another process committed meanwhile get the old answer's id, read now
 * that this group's snapshot is over. (Should that read fail, the group is
 * committed but reported failed; the phone's retry finds its answer.) */
int pg_group_commit(store_t *st)
{
	pgs_t *d = PGS(st);
	/* the sync flushes the server's results; each is read there */
	if (pg__wsend(st, &commit_mark, "COMMIT", "") || !end_pipeline(d) || d->wfailed) {
		werr(d, "COMMIT");
		return STORE_ERROR;
	}
	for (size_t i = 0; i < d->n_sent; i++) {
		store_job_t *j = d->sent[i];
		if (j && j != &commit_mark && j->kind == STORE_JOB_POST && !j->u.post.id) {
			PGresult *r;
			if (wrun(st, &r, "find_post", "it", j->u.post.event_id,
			         j->u.post.client_id) != 1)
				return STORE_ERROR;
			j->u.post.id = atoll(PQgetvalue(r, 0, 0));
			PQclear(r);
			continue;
		}
		if (!j || j == &commit_mark || j->kind != STORE_JOB_ANSWER || j->u.answer.id)
			continue;
		PGresult *r;
		int64_t n = wrun(st, &r, "find_answer", "it", j->u.answer.session_id,
		                 j->u.answer.client_id);
		if (n == 0 && j->u.answer.once) {
			/* not a duplicate: the one-vote rule kept it out */
			j->u.answer.refused = true;
			j->u.answer.duplicate = false;
			continue;
		}
		if (n != 1)
			return STORE_ERROR;
		j->u.answer.id = atoll(PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	return STORE_OK;
}

void pg_group_rollback(store_t *st)
{
	pgs_t *d = PGS(st);
	if (end_pipeline(d))
		PQclear(PQexec(d->w, "ROLLBACK"));
}

const char *pg_writer_errmsg(store_t *st)
{
	return PGS(st)->werrmsg;
}

int pg_job_answer(store_t *st, store_job_t *j)
{
	if (!j->u.answer.once)
		return pg__wsend(st, j, "ins_answer", "iitttii", j->u.answer.session_id,
		                 j->u.answer.slide_id, j->u.answer.participant,
		                 j->u.answer.client_id, j->u.answer.value, j->u.answer.at_ms,
		                 (int64_t)j->u.answer.pending);
	/* Hazard: two groups that lock the same two voters in opposite order
	 * deadlock; PostgreSQL ends one of them, whose answers get 503 and
	 * are sent again by their phones. Only votes take the lock. */
	if (pg__wsend(st, NULL, "lock_voter", "iit", j->u.answer.session_id, j->u.answer.slide_id,
	              j->u.answer.participant))
		return STORE_ERROR;
	return pg__wsend(st, j, "ins_vote", "iitttiii", j->u.answer.session_id,
	                 j->u.answer.slide_id, j->u.answer.participant, j->u.answer.client_id,
	                 j->u.answer.value, j->u.answer.at_ms, (int64_t)j->u.answer.pending,
	                 (int64_t)j->u.answer.once);
}

int pg_job_session(store_t *st, store_job_t *j)
{
	const store_session_t *s = &j->u.session;
	return pg__wsend(st, j, "upd_session", "iiiiini", (int64_t)s->status,
	                 (int64_t)s->slide_index, (int64_t)s->open, (int64_t)s->results,
	                 s->revision, s->ended_at, s->id);
}

/* A moderator's flag on an answer, and the moderation log in the same
 * transaction as the change (no row when the job has no event_id). */
int pg__flag(store_t *st, store_job_t *j, const char *stmt, const char *on, const char *off)
{
	if (pg__wsend(st, j, stmt, "ii", (int64_t)j->u.flag.value, j->u.flag.answer_id))
		return STORE_ERROR;
	if (!j->u.flag.event_id)
		return STORE_OK;
	return pg__wsend(st, j, "ins_log", "iiiiti", j->u.flag.event_id, j->u.flag.session_id,
	                 j->u.flag.answer_id, j->u.flag.user_id, j->u.flag.value ? on : off,
	                 store_now_ms());
}

int pg_job_hide(store_t *st, store_job_t *j)
{
	return pg__flag(st, j, "upd_hidden", "hide", "show");
}

int pg_job_answered(store_t *st, store_job_t *j)
{
	return pg__flag(st, j, "upd_answered", "answered", "unanswered");
}

int pg_job_pin(store_t *st, store_job_t *j)
{
	return pg__flag(st, j, "upd_pinned", "pin", "unpin");
}

int pg_job_token_add(store_t *st, store_job_t *j)
{
	return pg__wsend(st, j, "ins_token", "bitii", j->u.token.hash, (size_t)32,
	                 j->u.token.user_id, j->u.token.kind, j->u.token.expires_at,
	                 store_now_ms());
}

int pg_job_token_del(store_t *st, store_job_t *j)
{
	return pg__wsend(st, j, "del_token", "b", j->u.token.hash, (size_t)32);
}
