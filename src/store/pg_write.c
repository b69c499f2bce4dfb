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
 * OUTSTANDING statements and at the commit, so a group costs a few round
 * trips however many jobs it holds.
 *
 * Answers, the bulk of a storm, are not sent one by one: pg_job_answer
 * keeps them until the group's next statement of another kind or its
 * COMMIT, and send_batch sends them as one statement that takes the
 * voters' locks, all at once and in sorted order, and one INSERT ... SELECT
 * FROM unnest(arrays) for all of them (more only when the group repeats a
 * client id or a voter: batch_rounds). Row-at-a-time, a group of a
 * thousand answers cost two thousand statements on the server.
 *
 * Invariants:
 *  1. A job's out fields (an answer's id, duplicate) are set when its
 *     result is read, at the latest in pg_group_commit: before writer.c
 *     reports the job, as engine.h asks. An answer's result is its row in
 *     its batch's result, found by its ordinality.
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
    /* A batch of answers (send_batch): one row per answer in binary arrays,
     * $8 its one-vote rule (STORE_ONCE_*). A vote is not inserted when the
     * participant has another answer on the slide (of the same value)
     * under another client id; an answer whose (session, client_id) exists
     * is not inserted either. Each row of the result is one answer's
     * ordinality, its id and whether it existed already. The second branch
     * reads the statement's snapshot, which holds neither this statement's
     * rows (a round of a batch has each client id and each voter once:
     * batch_rounds) nor a duplicate committed meanwhile by another process:
     * an answer without a row is looked up after the commit
     * (pg_group_commit). Several nodes may take a participant's votes at
     * once, each tally knowing only its own; the locks (lock_voters, sent
     * before, held until the group's end) make the second wait for the
     * first's commit, and READ COMMITTED gives this statement a snapshot
     * taken after the wait.
     * Hazard: the second branch is a LATERAL with LIMIT so that the planner
     * cannot make it a join. Knowing the arrays' length (the first plans of
     * a prepared statement are made for its values), it chose a hash join
     * over a sequential scan of every answer: tens of milliseconds a group
     * once the table is large. */
    {"ins_answers",
     "WITH v AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[],"
     " $5::text[], $6::bigint[], $7::bigint[], $8::bigint[]) WITH ORDINALITY"
     " AS v(s, sl, p, c, val, at, pend, once, n)),"
     " ins AS (INSERT INTO answers(session_id, slide_id, participant, client_id, value, at,"
     " hidden, pending) SELECT s, sl, p, c, val, at, pend, pend FROM v WHERE once=0 OR NOT"
     " EXISTS (SELECT 1 FROM answers a WHERE a.session_id=v.s AND a.slide_id=v.sl AND"
     " a.participant=v.p AND a.client_id<>v.c AND (v.once=1 OR a.value=v.val)) ORDER BY n"
     " ON CONFLICT(session_id, client_id) DO NOTHING RETURNING id, session_id, client_id)"
     " SELECT v.n, ins.id, 0 FROM v JOIN ins ON ins.session_id=v.s AND ins.client_id=v.c"
     " UNION ALL SELECT v.n, a.id, 1 FROM v CROSS JOIN LATERAL (SELECT id FROM answers"
     " WHERE session_id=v.s AND client_id=v.c LIMIT 1) a"},
    /* The voters' locks of a batch, all in one statement and in the order
     * of their keys, so that two nodes' groups never wait for each other
     * in a circle. The key is the one earlier versions took one voter at
     * a time, so nodes of both kinds exclude each other. The subquery's
     * ORDER BY keeps it from being merged into the outer query: the locks
     * are taken in the sorted rows' order. */
    {"lock_voters",
     "SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(s::text || ':' ||"
     " sl::text || ':' || p, 0) k FROM unnest($1::bigint[], $2::bigint[], $3::text[])"
     " AS u(s, sl, p) ORDER BY k) o"},
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
    /* the website (pg_web.c); ins_post inserts one post unless its
     * (event, client_id) exists, else gives the old post's id, flagged;
     * find_post as find_answer */
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

/* What a statement sent in the open group stands for, to read its result:
 * a job's own statement (job; NULL when the result says nothing), COMMIT
 * (commit_mark), or a batch of answers (batch_mark): batched[first] up to
 * batched[first + n - 1], in the order of the batch's rows. */
typedef struct pg_sent {
	store_job_t *job;
	size_t first, n;
} pg_sent_t;

static store_job_t commit_mark; /* its result must say COMMIT */
static store_job_t batch_mark;

static void werr(pgs_t *d, const char *what)
{
	if (d->wfailed)
		return; /* the first failure is the one to log */
	d->wfailed = true;
	snprintf(d->werrmsg, sizeof d->werrmsg, "%s: %s", what, PQerrorMessage(d->w));
	d->werrmsg[strcspn(d->werrmsg, "\n")] = 0;
}

/* A batch's result (ins_answers): a row (ordinality, id, existed) per
 * answer stored or found. An answer without a row is looked up after the
 * commit (pg_group_commit): a duplicate committed by another process after
 * the statement's snapshot, or a vote refused. */
static void read_batch(pgs_t *d, const pg_sent_t *e, const PGresult *r)
{
	store_job_t **jobs = d->batched + e->first;
	for (size_t i = 0; i < e->n; i++) {
		jobs[i]->u.answer.id = 0;
		jobs[i]->u.answer.duplicate = true;
	}
	for (int row = 0; row < PQntuples(r); row++) {
		long long n = atoll(PQgetvalue(r, row, 0));
		if (n < 1 || (size_t)n > e->n)
			continue; /* cannot happen: the ordinalities are the rows' */
		store_job_t *j = jobs[n - 1];
		j->u.answer.id = atoll(PQgetvalue(r, row, 1));
		j->u.answer.duplicate = atoi(PQgetvalue(r, row, 2)) != 0;
	}
}

/* Reads the result of every statement sent and not yet read (invariant 1),
 * filling answers' out fields. */
static int read_results(pgs_t *d)
{
	while (d->n_read < d->n_sent) {
		const pg_sent_t *e = &d->sent[d->n_read++];
		store_job_t *j = e->job;
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
		else if (j == &batch_mark)
			read_batch(d, e, r);
		else if (j && j != &commit_mark && j->kind == STORE_JOB_POST) {
			/* no row: a duplicate committed by another process
			 * after this statement's snapshot; looked up after the
			 * commit (pg_group_commit) */
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

/* Sends prepared statement name (or the command BEGIN or COMMIT), whose
 * result e stands for, in the open group; reads the backlog when it
 * reaches OUTSTANDING (invariant 2). */
static int send_params(store_t *st, pg_sent_t e, const char *name, const pg_params_t *p)
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
	d->sent[d->n_sent++] = e;
	if (d->n_sent - d->n_read < OUTSTANDING)
		return STORE_OK;
	if (!PQsendFlushRequest(d->w) || PQflush(d->w) != 0) {
		werr(d, "sending");
		return STORE_ERROR;
	}
	return read_results(d);
}

/* ---- batches of answers ---- */

/* A column of a batch: a one-dimensional array parameter in PostgreSQL's
 * binary form (array_recv): dimensions, flags, element type, length and
 * lower bound, then each element as a length and its bytes. Binary needs
 * no quoting of the participants' texts and no parsing on the server. Its
 * ceiling is the group's: at most GROUP_MAX (writer.c) answers, each of a
 * bounded length (answer_validate, and the request body's limit). */
typedef struct col {
	char *b;
	size_t len, cap;
} col_t;

enum { COL_S, COL_SLIDE, COL_P, COL_C, COL_VAL, COL_AT, COL_PEND, COL_ONCE, COLS };
enum { OID_INT8 = 20, OID_TEXT = 25 };

struct pg_batch {
	col_t col[COLS];
	/* batch_rounds: each answer's round, and a hash table of the keys
	 * seen (key, round) */
	unsigned *round;
	uint64_t *slots;
	size_t cap_round, cap_slots, n_slots; /* slots: two words each */
};

static void col_put(col_t *c, const void *p, size_t n)
{
	if (c->len + n > c->cap) {
		c->cap = c->len + n > 2 * c->cap ? c->len + n : 2 * c->cap;
		c->b = xrealloc(c->b, c->cap);
	}
	memcpy(c->b + c->len, p, n);
	c->len += n;
}

static void col_u32(col_t *c, uint32_t v)
{
	unsigned char b[4] = {v >> 24, v >> 16, v >> 8, v};
	col_put(c, b, 4);
}

static void col_begin(col_t *c, uint32_t oid, size_t n)
{
	c->len = 0;
	col_u32(c, 1); /* dimensions */
	col_u32(c, 0); /* no NULL element */
	col_u32(c, oid);
	col_u32(c, (uint32_t)n);
	col_u32(c, 1); /* the lower bound */
}

static void col_int(col_t *c, int64_t v)
{
	col_u32(c, 8);
	col_u32(c, (uint32_t)((uint64_t)v >> 32));
	col_u32(c, (uint32_t)v);
}

static void col_text(col_t *c, const char *s)
{
	size_t n = strlen(s);
	col_u32(c, (uint32_t)n);
	col_put(c, s, n);
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL; /* FNV-1a */
	return h;
}

static uint64_t hash_int(uint64_t h, int64_t v)
{
	for (int i = 0; i < 8; i++)
		h = (h ^ ((uint64_t)v >> (8 * i) & 0xff)) * 0x100000001b3ULL;
	return h;
}

/* The slot of key k, two words (the key, its latest round): the one that
 * holds it, or the empty one where it goes (linear probing in a table at
 * most a quarter full; a key of 0 marks an empty slot, so keys are odd). */
static uint64_t *slot_of(struct pg_batch *b, uint64_t k)
{
	size_t mask = b->n_slots - 1, i = (size_t)k & mask;
	while (b->slots[2 * i] && b->slots[2 * i] != k)
		i = (i + 1) & mask;
	return &b->slots[2 * i];
}

/* Puts each of the n answers in a round: one after the latest earlier
 * answer with the same (session, client_id) or, for votes, the same
 * (session, slide, participant). Within a round the statement cannot see
 * its own rows, so two such answers in one round would both be stored; in
 * rounds they behave as if sent one by one: the second is a retry (the
 * first's id) or a second vote (refused). Keys are hashes, and two keys
 * with one hash only cost a needless round. Returns the number of rounds
 * (1 when nothing repeats, as in a storm of phones answering once). */
static unsigned batch_rounds(struct pg_batch *b, store_job_t *const *jobs, size_t n)
{
	if (n > b->cap_round) {
		b->cap_round = n;
		b->round = xrealloc(b->round, n * sizeof *b->round);
	}
	/* up to two keys an answer, in a table at most a quarter full */
	b->n_slots = 8;
	while (b->n_slots < 8 * n)
		b->n_slots *= 2;
	if (2 * b->n_slots > b->cap_slots) {
		b->cap_slots = 2 * b->n_slots;
		b->slots = xrealloc(b->slots, b->cap_slots * sizeof *b->slots);
	}
	memset(b->slots, 0, 2 * b->n_slots * sizeof *b->slots);
	unsigned rounds = 1;
	for (size_t i = 0; i < n; i++) {
		const store_job_t *j = jobs[i];
		uint64_t h = hash_int(0xcbf29ce484222325ULL, j->u.answer.session_id), key[2];
		int nk = 0;
		key[nk++] = hash_str(h, j->u.answer.client_id) | 1;
		if (j->u.answer.once)
			key[nk++] = hash_str(hash_int(h ^ 1, j->u.answer.slide_id),
			                     j->u.answer.participant) |
			            1;
		/* a key is stored as soon as it has a slot, so that the second
		 * key does not take the same empty slot */
		uint64_t *slot[2], r = 0;
		for (int x = 0; x < nk; x++) {
			slot[x] = slot_of(b, key[x]);
			if (!slot[x][0]) {
				slot[x][0] = key[x];
				slot[x][1] = 0;
			}
			if (slot[x][1] > r)
				r = slot[x][1];
		}
		r++;
		for (int x = 0; x < nk; x++)
			slot[x][1] = r;
		b->round[i] = (unsigned)r;
		if (r > rounds)
			rounds = (unsigned)r;
	}
	return rounds;
}

static int send_cols(store_t *st, pg_sent_t e, const char *name, int ncols)
{
	struct pg_batch *b = PGS(st)->batch;
	pg_params_t p;
	p.n = ncols;
	for (int i = 0; i < ncols; i++) {
		p.vals[i] = b->col[i].b;
		p.lens[i] = (int)b->col[i].len;
		p.fmts[i] = 1;
	}
	return send_params(st, e, name, &p);
}

/* Sends the answers waiting in the open group (d->ans): the votes' locks
 * in one statement, then one ins_answers per round (batch_rounds). Their
 * results are read with the group's others. Called before any other
 * statement of the group (pg__wsend, COMMIT included), so the statements
 * keep the order of the jobs. */
static int send_batch(store_t *st)
{
	pgs_t *d = PGS(st);
	size_t n = d->n_ans;
	d->n_ans = 0;
	if (!n || d->wfailed)
		return d->wfailed ? STORE_ERROR : STORE_OK;
	if (!d->batch)
		d->batch = xcalloc(1, sizeof *d->batch);
	struct pg_batch *b = d->batch;
	store_job_t **ans = d->ans;
	size_t votes = 0;
	for (size_t i = 0; i < n; i++)
		votes += ans[i]->u.answer.once != 0;
	if (votes) {
		col_begin(&b->col[COL_S], OID_INT8, votes);
		col_begin(&b->col[COL_SLIDE], OID_INT8, votes);
		col_begin(&b->col[COL_P], OID_TEXT, votes);
		for (size_t i = 0; i < n; i++) {
			if (!ans[i]->u.answer.once)
				continue;
			col_int(&b->col[COL_S], ans[i]->u.answer.session_id);
			col_int(&b->col[COL_SLIDE], ans[i]->u.answer.slide_id);
			col_text(&b->col[COL_P], ans[i]->u.answer.participant);
		}
		if (send_cols(st, (pg_sent_t){NULL, 0, 0}, "lock_voters", 3))
			return STORE_ERROR;
	}
	unsigned rounds = batch_rounds(b, ans, n);
	if (d->n_batched + n > d->cap_batched) {
		d->cap_batched = 2 * (d->n_batched + n);
		d->batched = xrealloc(d->batched, d->cap_batched * sizeof *d->batched);
	}
	for (unsigned r = 1; r <= rounds; r++) {
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			m += b->round[i] == r;
		static const uint32_t oid[COLS] = {OID_INT8, OID_INT8, OID_TEXT, OID_TEXT,
		                                   OID_TEXT, OID_INT8, OID_INT8, OID_INT8};
		for (int c = 0; c < COLS; c++)
			col_begin(&b->col[c], oid[c], m);
		size_t first = d->n_batched;
		for (size_t i = 0; i < n; i++) {
			if (b->round[i] != r)
				continue;
			const store_job_t *j = ans[i];
			d->batched[d->n_batched++] = ans[i];
			col_int(&b->col[COL_S], j->u.answer.session_id);
			col_int(&b->col[COL_SLIDE], j->u.answer.slide_id);
			col_text(&b->col[COL_P], j->u.answer.participant);
			col_text(&b->col[COL_C], j->u.answer.client_id);
			col_text(&b->col[COL_VAL], j->u.answer.value);
			col_int(&b->col[COL_AT], j->u.answer.at_ms);
			col_int(&b->col[COL_PEND], j->u.answer.pending);
			col_int(&b->col[COL_ONCE], j->u.answer.once);
		}
		if (send_cols(st, (pg_sent_t){&batch_mark, first, m}, "ins_answers", COLS))
			return STORE_ERROR;
	}
	return STORE_OK;
}

int pg__wsend(store_t *st, store_job_t *j, const char *name, const char *types, ...)
{
	if (send_batch(st) || PGS(st)->wfailed)
		return STORE_ERROR;
	pg_params_t p;
	va_list ap;
	va_start(ap, types);
	pg__params(&p, types, ap);
	va_end(ap);
	return send_params(st, (pg_sent_t){j, 0, 0}, name, &p);
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
	if (d->batch) {
		for (int c = 0; c < COLS; c++)
			free(d->batch->col[c].b);
		free(d->batch->round);
		free(d->batch->slots);
		free(d->batch);
	}
	free(d->ans);
	free(d->batched);
	d->batch = NULL;
	d->ans = d->batched = NULL;
	d->n_ans = d->cap_ans = d->n_batched = d->cap_batched = 0;
}

/* Begins a group: a pipeline whose first statement is BEGIN. A lost
 * connection is replaced here first (invariant 4). */
int pg_group_begin(store_t *st)
{
	pgs_t *d = PGS(st);
	d->n_sent = d->n_read = d->n_ans = d->n_batched = 0;
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

/* COMMIT at the end of the pipeline (the group's waiting answers go
 * before it: pg__wsend); then the answers and posts whose duplicate
 * another process committed meanwhile get the old row's id, read now that
 * this group's snapshot is over, and a vote without a row was refused.
 * (Should that read fail, the group is committed but reported failed; the
 * phone's retry finds its answer.) */
int pg_group_commit(store_t *st)
{
	pgs_t *d = PGS(st);
	/* the sync flushes the server's results; each is read there */
	if (pg__wsend(st, &commit_mark, "COMMIT", "") || !end_pipeline(d) || d->wfailed) {
		werr(d, "COMMIT");
		return STORE_ERROR;
	}
	for (size_t i = 0; i < d->n_sent; i++) {
		store_job_t *j = d->sent[i].job;
		if (j && j != &commit_mark && j != &batch_mark && j->kind == STORE_JOB_POST &&
		    !j->u.post.id) {
			PGresult *r;
			if (wrun(st, &r, "find_post", "it", j->u.post.event_id,
			         j->u.post.client_id) != 1)
				return STORE_ERROR;
			j->u.post.id = atoll(PQgetvalue(r, 0, 0));
			PQclear(r);
		}
	}
	for (size_t i = 0; i < d->n_batched; i++) {
		store_job_t *j = d->batched[i];
		if (j->u.answer.id)
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
	d->n_ans = 0;
	if (end_pipeline(d))
		PQclear(PQexec(d->w, "ROLLBACK"));
}

const char *pg_writer_errmsg(store_t *st)
{
	return PGS(st)->werrmsg;
}

/* An answer waits for the group's next statement or its COMMIT, and goes
 * in one batch with the answers around it (send_batch). */
int pg_job_answer(store_t *st, store_job_t *j)
{
	pgs_t *d = PGS(st);
	if (d->wfailed)
		return STORE_ERROR;
	if (d->n_ans == d->cap_ans) {
		d->cap_ans = d->cap_ans ? 2 * d->cap_ans : 256;
		d->ans = xrealloc(d->ans, d->cap_ans * sizeof *d->ans);
	}
	d->ans[d->n_ans++] = j;
	return STORE_OK;
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
