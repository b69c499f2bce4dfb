/*
 * pg_open: the PostgreSQL engine's life cycle: connecting, the numbered
 * migrations, readers with a snapshot of their own, small settings, the
 * helpers every pg_*.c file runs its SQL through, and the method table
 * (store__pg_engine) that store.c dispatches through. See pg.h for the
 * connections.
 *
 * Schema versions follow SQLite's numbering (sqlite_open.c), kept in the
 * table schema_version instead of user_version: the engine starts at the
 * version SQLite had when it came (BASE), made in one step, and every
 * later migration takes the same number in both engines. A database newer
 * than this binary is refused, never changed. Opening holds an advisory
 * lock through the migration, so two processes starting at once do not
 * both migrate.
 */
#include <stdarg.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "store/pg.h"
#include "util/log.h"
#include "util/xalloc.h"

/* The schema of SQLite's version BASE, in PostgreSQL's words: integers are
 * bigint, blobs bytea, ids bigserial (explicit ids stay possible, for a
 * copy of a SQLite database); flags stay integers so that the queries and
 * the reports read them alike in both engines. */
enum { BASE = 8 };
static const char base_schema[] =
    "CREATE TABLE meta(key text PRIMARY KEY, value bytea NOT NULL);"
    "CREATE TABLE users(id bigserial PRIMARY KEY, name text NOT NULL UNIQUE,"
    "  pwhash text NOT NULL, role text NOT NULL DEFAULT 'facilitator',"
    "  created_at bigint NOT NULL);"
    "CREATE TABLE tokens(hash bytea PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id)"
    "  ON DELETE CASCADE, kind text NOT NULL, expires_at bigint NOT NULL DEFAULT 0,"
    "  created_at bigint NOT NULL);"
    "CREATE TABLE events(id bigserial PRIMARY KEY, title text NOT NULL, subtitle text NOT NULL,"
    "  lang text NOT NULL, deck_md text NOT NULL, owner bigint, created_at bigint NOT NULL,"
    "  summary text NOT NULL DEFAULT '', updated_at bigint NOT NULL DEFAULT 0);"
    "CREATE TABLE slides(id bigserial PRIMARY KEY, event_id bigint NOT NULL REFERENCES"
    "  events(id) ON DELETE CASCADE, position integer NOT NULL, json text NOT NULL);"
    "CREATE INDEX slides_event ON slides(event_id, position);"
    "CREATE TABLE sessions(id bigserial PRIMARY KEY, event_id bigint NOT NULL REFERENCES"
    "  events(id) ON DELETE CASCADE, code text NOT NULL UNIQUE, status integer NOT NULL"
    "  DEFAULT 0, slide_index integer NOT NULL DEFAULT 0, open integer NOT NULL DEFAULT 1,"
    "  results integer NOT NULL DEFAULT 0, revision bigint NOT NULL DEFAULT 1,"
    "  started_at bigint NOT NULL, ended_at bigint,"
    "  self_paced integer NOT NULL DEFAULT 0);"
    /* SQLite finds an event's sessions by scanning; here the foreign key
     * wants an index anyway, for the cascade of a deleted event */
    "CREATE INDEX sessions_event ON sessions(event_id, id);"
    "CREATE TABLE answers(id bigserial PRIMARY KEY, session_id bigint NOT NULL REFERENCES"
    "  sessions(id) ON DELETE CASCADE, slide_id bigint NOT NULL, participant text NOT NULL,"
    "  client_id text NOT NULL, value text NOT NULL, at bigint NOT NULL,"
    "  hidden integer NOT NULL DEFAULT 0, answered integer NOT NULL DEFAULT 0,"
    "  pending integer NOT NULL DEFAULT 0, pinned integer NOT NULL DEFAULT 0);"
    "CREATE INDEX answers_session ON answers(session_id, id);"
    "CREATE UNIQUE INDEX answers_client ON answers(session_id, client_id);"
    "CREATE TABLE event_members(event_id bigint NOT NULL REFERENCES events(id) ON DELETE"
    "  CASCADE, user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  role text NOT NULL, PRIMARY KEY(event_id, user_id));"
    "CREATE TABLE moderation_log(id bigserial PRIMARY KEY, event_id bigint NOT NULL"
    "  REFERENCES events(id) ON DELETE CASCADE, session_id bigint, answer_id bigint,"
    "  user_id bigint, action text NOT NULL, at bigint NOT NULL);"
    "CREATE INDEX moderation_log_event ON moderation_log(event_id, id);"
    "CREATE TABLE media(event_id bigint NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  name text NOT NULL, type text NOT NULL, data bytea NOT NULL, created_at bigint NOT NULL,"
    "  PRIMARY KEY(event_id, name));";

/* Migrations after BASE: migrations[i] takes the schema from BASE + i to
 * BASE + i + 1, with the number SQLite's migration of the same change has.
 * The list ends with NULL. */
static const char *const migrations[] = {
    /* 9: a session's name, given by its facilitator ("16 oktober") */
    "ALTER TABLE sessions ADD COLUMN name text NOT NULL DEFAULT '';",
    /* 10: the website: processes, residents' posts on their topics, and
     * the posts' supports and flags (sqlite_open.c's 10) */
    "CREATE TABLE processes(event_id bigint PRIMARY KEY REFERENCES events(id) ON DELETE"
    "  CASCADE, slug text UNIQUE, published integer NOT NULL DEFAULT 0, config text NOT NULL,"
    "  session_id bigint, updated_at bigint NOT NULL);"
    "CREATE TABLE posts(id bigserial PRIMARY KEY, event_id bigint NOT NULL REFERENCES"
    "  events(id) ON DELETE CASCADE, topic bigint NOT NULL, parent bigint NOT NULL DEFAULT 0,"
    "  kind integer NOT NULL, participant text NOT NULL, client_id text NOT NULL,"
    "  body text NOT NULL, user_id bigint, at bigint NOT NULL,"
    "  hidden integer NOT NULL DEFAULT 0, pending integer NOT NULL DEFAULT 0,"
    "  reviewed integer NOT NULL DEFAULT 0);"
    "CREATE UNIQUE INDEX posts_client ON posts(event_id, client_id);"
    "CREATE TABLE post_marks(post_id bigint NOT NULL REFERENCES posts(id) ON DELETE CASCADE,"
    "  kind integer NOT NULL, participant text NOT NULL, at bigint NOT NULL,"
    "  PRIMARY KEY(post_id, kind, participant));",
    /* 11, mail (SQLite's 11): e-mail on the website, one-time links by their
     * token's hash and confirmed addresses per event; invitation codes */
    "CREATE TABLE mail_tokens(hash text PRIMARY KEY, purpose text NOT NULL,"
    "  event_id bigint NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  address text NOT NULL, participant text NOT NULL, device text NOT NULL,"
    "  created_at bigint NOT NULL, expires_at bigint NOT NULL, used_at bigint NOT NULL DEFAULT 0);"
    "CREATE INDEX mail_tokens_address ON mail_tokens(event_id, address, created_at);"
    "CREATE TABLE mail_people(event_id bigint NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  address text NOT NULL, participant text NOT NULL, device text NOT NULL,"
    "  confirmed_at bigint NOT NULL, digest integer NOT NULL DEFAULT 0,"
    "  digest_at bigint NOT NULL DEFAULT 0, topics text NOT NULL DEFAULT '',"
    "  PRIMARY KEY(event_id, address));"
    "CREATE UNIQUE INDEX mail_people_participant ON mail_people(event_id, participant);"
    "CREATE TABLE invite_codes(event_id bigint NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  code text NOT NULL, created_at bigint NOT NULL, used_at bigint NOT NULL DEFAULT 0,"
    "  participant text NOT NULL DEFAULT '', PRIMARY KEY(event_id, code));",
    /* 12 in SQLite's numbers: the sociale kaart (sqlite_open.c has why) */
    "CREATE TABLE kaart_entries(id bigserial PRIMARY KEY, status text NOT NULL,"
    "  doc text NOT NULL, event_id bigint NOT NULL DEFAULT 0,"
    "  session_id bigint NOT NULL DEFAULT 0, answer_id bigint NOT NULL DEFAULT 0,"
    "  post_id bigint NOT NULL DEFAULT 0, created_at bigint NOT NULL,"
    "  updated_at bigint NOT NULL);"
    "CREATE TABLE kaart_log(id bigserial PRIMARY KEY, entry_id bigint NOT NULL,"
    "  user_id bigint NOT NULL DEFAULT 0, action text NOT NULL, at bigint NOT NULL);"
    "CREATE INDEX kaart_log_entry ON kaart_log(entry_id, id);"
    "CREATE TABLE kaart_claims(hash bytea PRIMARY KEY, entry_id bigint NOT NULL,"
    "  expires_at bigint NOT NULL, used boolean NOT NULL DEFAULT false);",
    /* 13: the one-vote check of ins_answers (pg_write.c) looks for the voter's
     * other answers on the slide; without this index every vote scanned
     * the session's answers, so a storm cost the square of its size. */
    "CREATE INDEX answers_voter ON answers(session_id, slide_id, participant);",
    /* 14: the transaction that wrote each answer's row, for
     * store_answers_since (pg_events.c): xmin cannot be indexed, so each
     * call read every answer of the session, and seven nodes following a
     * storm of 100,000 answers spent PostgreSQL's whole time reading the
     * session again and again. The default fills tx on insert, the trigger
     * on every update (a flag, a purge), whoever runs it. */
    "ALTER TABLE answers ADD COLUMN tx bigint NOT NULL DEFAULT 0;"
    "ALTER TABLE answers ALTER COLUMN tx SET DEFAULT pg_current_xact_id()::text::bigint;"
    "CREATE FUNCTION answers_tx() RETURNS trigger LANGUAGE plpgsql AS"
    "  $$BEGIN NEW.tx := pg_current_xact_id()::text::bigint; RETURN NEW; END$$;"
    "CREATE TRIGGER answers_tx BEFORE UPDATE ON answers FOR EACH ROW"
    "  EXECUTE FUNCTION answers_tx();"
    "CREATE INDEX answers_tx ON answers(session_id, tx);",
    /* 15: chores that several nodes' timers share (store_chore_claim) */
    "CREATE TABLE chores(name text PRIMARY KEY, period bigint NOT NULL);",
    NULL,
};
enum { N_MIGRATIONS = sizeof migrations / sizeof *migrations - 1 };

/* ---- helpers ---- */

int pg__code(const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!state)
		return UV_EIO;
	if (!strcmp(state, "23505"))
		return UV_EEXIST;
	if (!strcmp(state, "53100"))
		return UV_ENOSPC;
	if (!strcmp(state, "40001") || !strcmp(state, "55P03"))
		return UV_EBUSY;
	return UV_EIO;
}

void pg__lock(store_t *st)
{
	pthread_mutex_lock(&PGS(st)->mu);
}

void pg__unlock(store_t *st)
{
	pthread_mutex_unlock(&PGS(st)->mu);
}

void pg__params(pg_params_t *p, const char *types, va_list ap)
{
	int n = 0;
	for (; types[n]; n++) {
		if (n == PG_MAX_PARAMS)
			abort(); /* a statement of ours with too many parameters */
		p->lens[n] = 0;
		p->fmts[n] = 0;
		switch (types[n]) {
		case 't': p->vals[n] = va_arg(ap, const char *); break;
		case 'b':
			p->vals[n] = va_arg(ap, const char *);
			p->lens[n] = (int)va_arg(ap, size_t);
			p->fmts[n] = 1;
			break;
		case 'n': {
			int64_t v = va_arg(ap, int64_t);
			snprintf(p->nums[n], sizeof p->nums[n], "%lld", (long long)v);
			p->vals[n] = v > 0 ? p->nums[n] : NULL;
			break;
		}
		default: /* 'i' */
			snprintf(p->nums[n], sizeof p->nums[n], "%lld",
			         (long long)va_arg(ap, int64_t));
			p->vals[n] = p->nums[n];
		}
	}
	p->n = n;
}

void pg__check_idle(PGconn *c)
{
	/* An idle connection gets nothing but notices, and the server's
	 * farewell (an error, then the end of the stream) when it stops. */
	for (int i = 0; i < 4 && PQstatus(c) == CONNECTION_OK; i++) {
		struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
		if (poll(&p, 1, 0) <= 0 || !PQconsumeInput(c))
			return;
		while (!PQisBusy(c)) {
			PGresult *r = PQgetResult(c);
			if (!r)
				break;
			PQclear(r);
		}
	}
}

int64_t pg__runv(PGconn *conn, char *msg, size_t msglen, PGresult **out, bool prepared,
                 const char *sql, const char *types, va_list ap)
{
	pg_params_t p;
	pg__params(&p, types, ap);
	/* A connection lost to a restart of the server is opened again here,
	 * and a statement that found it lost outside a transaction is sent
	 * once more: it did not run. (Hazard: a connection that breaks while
	 * the server runs the statement looks the same; for the writes of
	 * the synchronous calls, which are single statements, the retry then
	 * fails on a unique key or changes nothing. The writer's connection is
	 * opened again by pg_group_begin, which prepares its statements.) */
	bool idle = PQtransactionStatus(conn) == PQTRANS_IDLE;
	PGresult *r = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!prepared && PQstatus(conn) == CONNECTION_BAD)
			PQreset(conn);
		r = prepared ? PQexecPrepared(conn, sql, p.n, p.vals, p.lens, p.fmts, 0)
		             : PQexecParams(conn, sql, p.n, NULL, p.vals, p.lens, p.fmts, 0);
		if (prepared || !idle || PQstatus(conn) != CONNECTION_BAD)
			break;
		PQclear(r);
		r = NULL;
	}
	ExecStatusType s = PQresultStatus(r);
	if (out)
		*out = NULL;
	if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
		int64_t rows = s == PGRES_TUPLES_OK ? PQntuples(r) : atoll(PQcmdTuples(r));
		/* a result without rows is cleared here, so that callers
		 * that find nothing need not */
		if (out && rows > 0 && s == PGRES_TUPLES_OK)
			*out = r;
		else
			PQclear(r);
		return rows;
	}
	int rc = pg__code(r);
	snprintf(msg, msglen, "%s", PQerrorMessage(conn));
	msg[strcspn(msg, "\n")] = 0;
	if (rc != UV_EEXIST)
		log_error("store: %s: %s", sql, msg);
	PQclear(r);
	return rc;
}

int64_t pg__run(store_t *st, PGresult **out, const char *sql, const char *types, ...)
{
	pgs_t *d = PGS(st);
	va_list ap;
	va_start(ap, types);
	pg__lock(st);
	int64_t rc = pg__runv(d->c, d->errmsg, sizeof d->errmsg, out, false, sql, types, ap);
	pg__unlock(st);
	va_end(ap);
	return rc;
}

int pg__each(store_t *st, void (*row)(const PGresult *r, void *arg), void *arg, const char *sql,
             const char *types, ...)
{
	pgs_t *d = PGS(st);
	pg_params_t p;
	va_list ap;
	va_start(ap, types);
	pg__params(&p, types, ap);
	va_end(ap);
	pg__lock(st);
	/* A server restarted since the last call closed this connection:
	 * seen here, so the query goes on a new connection instead of failing
	 * once. */
	if (PQtransactionStatus(d->c) == PQTRANS_IDLE)
		pg__check_idle(d->c);
	if (PQstatus(d->c) == CONNECTION_BAD)
		PQreset(d->c);
	int rc = STORE_OK;
	if (!PQsendQueryParams(d->c, sql, p.n, NULL, p.vals, p.lens, p.fmts, 0) ||
	    !PQsetSingleRowMode(d->c))
		rc = STORE_ERROR;
	/* every result up to the NULL, also after a failure, so that the
	 * connection is free for the next call */
	PGresult *r;
	while ((r = PQgetResult(d->c))) {
		ExecStatusType s = PQresultStatus(r);
		if (s == PGRES_SINGLE_TUPLE && rc == STORE_OK)
			row(r, arg);
		else if (s != PGRES_SINGLE_TUPLE && s != PGRES_TUPLES_OK && rc == STORE_OK)
			rc = pg__code(r);
		PQclear(r);
	}
	if (rc) {
		snprintf(d->errmsg, sizeof d->errmsg, "%s", PQerrorMessage(d->c));
		d->errmsg[strcspn(d->errmsg, "\n")] = 0;
		log_error("store: %s: %s", sql, d->errmsg);
	}
	pg__unlock(st);
	return rc;
}

int pg__exec(store_t *st, const char *sql)
{
	int64_t rc = pg__run(st, NULL, sql, "");
	return rc < 0 ? (int)rc : STORE_OK;
}

int64_t pg__int(const PGresult *r, int i, int j)
{
	return atoll(PQgetvalue(r, i, j));
}

char *pg__dup(const PGresult *r, int i, int j)
{
	return xstrdup(PQgetvalue(r, i, j));
}

/* ---- connecting and migrating ---- */

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* NOTICEs such as "relation exists, skipping" */
}

/* A new connection to url, in UTF-8 with durable commits; NULL with a
 * message that does not repeat the URL (it may hold a password). The
 * settings go with the connection's parameters, so that a PQreset after a
 * lost connection keeps them. */
PGconn *pg__connect(const char *url, char *err, size_t errlen)
{
	const char *keys[] = {"dbname", "client_encoding", "options", "application_name", NULL};
	const char *vals[] = {url, "UTF8",
	                      "-c synchronous_commit=on -c client_min_messages=warning", "inspraak",
	                      NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "cannot connect to the PostgreSQL database: %s",
		         PQerrorMessage(c));
		err[strcspn(err, "\n")] = 0;
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	return c;
}

/* Runs sql (several statements allowed) on c; false with a message. */
static bool run_script(PGconn *c, const char *sql, char *err, size_t errlen, const char *what)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);
	PQclear(r);
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return true;
	snprintf(err, errlen, "%s failed: %s", what, PQerrorMessage(c));
	err[strcspn(err, "\n")] = 0;
	return false;
}

static int version_of(PGconn *c)
{
	PGresult *r = PQexec(c, "SELECT version FROM schema_version");
	int v =
	    PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) ? atoi(PQgetvalue(r, 0, 0)) : 0;
	PQclear(r);
	return v;
}

/* Migrates and reads (or makes) the secret, all in one transaction under
 * an advisory lock. */
static int migrate(store_t *st, char *err, size_t errlen)
{
	PGconn *c = PGS(st)->c;
	/* The table is made only when missing: a role that may write the
	 * tables need not be allowed to create any. */
	if (!run_script(c,
	                "BEGIN; SELECT pg_advisory_xact_lock(7417141);"
	                " DO $$ BEGIN IF to_regclass('schema_version') IS NULL THEN"
	                " CREATE TABLE schema_version(version integer NOT NULL); END IF; END $$;",
	                err, errlen, "opening the database"))
		goto fail;
	int version = version_of(c), latest = BASE + N_MIGRATIONS;
	if (version > latest) {
		snprintf(err, errlen,
		         "database schema version %d is newer than this inspraak knows (%d)",
		         version, latest);
		goto fail;
	}
	if (version == 0 && !(run_script(c, base_schema, err, errlen, "creating the database") &&
	                      run_script(c, "INSERT INTO schema_version VALUES(0)", err, errlen,
	                                 "creating the database")))
		goto fail;
	for (int v = version ? version : BASE; v < latest; v++)
		if (!run_script(c, migrations[v - BASE], err, errlen, "migrating the database"))
			goto fail;
	char setv[64];
	snprintf(setv, sizeof setv, "UPDATE schema_version SET version=%d", latest);
	if (!run_script(c, setv, err, errlen, "migrating the database"))
		goto fail;

	/* The secret: made once, then read. */
	PGresult *r = PQexec(c, "SELECT value FROM meta WHERE key='secret'");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		size_t n = 0;
		unsigned char *b = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &n);
		bool ok = b && n == 32;
		if (ok)
			memcpy(st->secret, b, 32);
		PQfreemem(b);
		PQclear(r);
		if (!ok) {
			snprintf(err, errlen, "the database's secret is damaged");
			goto fail;
		}
	} else {
		PQclear(r);
		randombytes_buf(st->secret, sizeof st->secret);
		const char *vals[] = {(const char *)st->secret};
		int lens[] = {32}, fmts[] = {1};
		r = PQexecParams(c, "INSERT INTO meta(key, value) VALUES('secret', $1)", 1, NULL,
		                 vals, lens, fmts, 0);
		bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok) {
			snprintf(err, errlen, "writing the database failed: %s", PQerrorMessage(c));
			goto fail;
		}
	}
	if (run_script(c, "COMMIT", err, errlen, "migrating the database"))
		return STORE_OK;
fail:
	PQclear(PQexec(c, "ROLLBACK"));
	return STORE_ERROR;
}

static pgs_t *pgs_new(const char *url)
{
	pgs_t *d = xcalloc(1, sizeof *d);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&d->mu, &a);
	pthread_mutexattr_destroy(&a);
	d->url = xstrdup(url);
	return d;
}

static void pgs_free(pgs_t *d)
{
	if (d->w)
		PQfinish(d->w);
	if (d->c)
		PQfinish(d->c);
	pthread_mutex_destroy(&d->mu);
	free(d->sent);
	free(d->url);
	free(d);
}

static int pg_open(store_t *st, const char *url, char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium could not start");
		return STORE_ERROR;
	}
	pgs_t *d = pgs_new(url);
	st->db = d;
	d->c = pg__connect(url, err, errlen);
	if (!d->c || migrate(st, err, errlen)) {
		pgs_free(d);
		st->db = NULL;
		return STORE_ERROR;
	}
	return STORE_OK;
}

static void pg_close(store_t *st)
{
	pgs_t *d = PGS(st);
	if (!d)
		return;
	if (st->reader)
		PQclear(PQexec(d->c, "COMMIT")); /* ends the snapshot */
	pgs_free(d);
	st->db = NULL;
}

/* A reader: its own connection inside one REPEATABLE READ transaction,
 * whose snapshot the first statement takes (hence the SELECT here), and
 * READ ONLY, so that the server refuses a write through it.
 *
 * Hazard: while it is open, VACUUM cannot remove the row versions its
 * snapshot may still need. Readers live for one report, not longer. */
static int pg_reader_open(store_t *st, store_t *rd, char *err, size_t errlen)
{
	pgs_t *d = pgs_new(PGS(st)->url);
	rd->db = d;
	d->c = pg__connect(d->url, err, errlen);
	if (!d->c || !run_script(d->c,
	                         "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;"
	                         " SELECT count(*) FROM meta",
	                         err, errlen, "reading the database")) {
		pgs_free(d);
		rd->db = NULL;
		return STORE_ERROR;
	}
	return STORE_OK;
}

static int pg_backup(store_t *st, const char *dest, char *err, size_t errlen)
{
	snprintf(err, errlen,
	         "backup copies SQLite databases only; back up a PostgreSQL database with"
	         " pg_dump (or the server's continuous archiving), see docs/postgresql.md");
	return UV_ENOTSUP;
}

static const char *pg_errmsg(store_t *st)
{
	return PGS(st)->errmsg;
}

/* ---- settings ---- */

static int pg_meta_get(store_t *st, const char *key, char *out, size_t len)
{
	PGresult *r;
	int64_t n = pg__run(st, &r, "SELECT value FROM meta WHERE key=$1", "t", key);
	if (n <= 0)
		return n == 0 ? STORE_NOTFOUND : (int)n;
	size_t blen = 0;
	unsigned char *b = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 0), &blen);
	PQclear(r);
	if (!b)
		return STORE_ERROR;
	if (len) {
		size_t k = blen < len - 1 ? blen : len - 1;
		memcpy(out, b, k);
		out[k] = 0;
	}
	PQfreemem(b);
	return STORE_OK;
}

static int pg_meta_set(store_t *st, const char *key, const char *value)
{
	int64_t n = pg__run(st, NULL,
	                    "INSERT INTO meta(key, value) VALUES($1, $2)"
	                    " ON CONFLICT(key) DO UPDATE SET value=excluded.value",
	                    "tb", key, value, strlen(value));
	return n < 0 ? STORE_ERROR : STORE_OK;
}

/* ---- the method table ---- */

const store_engine_t store__pg_engine = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .reader_open = pg_reader_open,
    .backup = pg_backup,
    .errmsg = pg_errmsg,

    .meta_get = pg_meta_get,
    .meta_set = pg_meta_set,
    .event_create = pg_event_create,
    .event_get = pg_event_get,
    .event_slides = pg_event_slides,
    .session_create = pg_session_create,
    .session_set_name = pg_session_set_name,
    .sessions_live = pg_sessions_live,
    .session_by_code = pg_session_by_code,
    .event_sessions = pg_event_sessions,
    .answers_load = pg_answers_load,
    .answers_slide = pg_answers_slide,
    .answers_since = pg_answers_since,
    .purge_event = pg_purge_event,

    .user_info = pg_user_info,
    .users = pg_users,
    .user_set_password = pg_user_set_password,
    .user_del = pg_user_del,
    .events_list = pg_events_list,
    .event_access = pg_event_access,
    .event_extra = pg_event_extra,
    .event_answers = pg_event_answers,
    .session_answers = pg_session_answers,
    .event_set_summary = pg_event_set_summary,
    .event_set_deck = pg_event_set_deck,
    .event_delete = pg_event_delete,
    .event_touch = pg_event_touch,
    .share = pg_share,
    .shares = pg_shares,
    .log = pg_log,
    .kaart_entries = pg_kaart_entries,
    .kaart_save = pg_kaart_save,
    .kaart_log = pg_kaart_log,
    .kaart_claim_add = pg_kaart_claim_add,
    .kaart_claim_take = pg_kaart_claim_take,
    .media_put = pg_media_put,
    .media_get = pg_media_get,
    .media_copy = pg_media_copy,
    .user_add = pg_user_add,
    .user_get = pg_user_get,
    .user_name = pg_user_name,
    .token_add = pg_token_add,
    .token_user = pg_token_user,
    .token_del = pg_token_del,
    .processes = pg_processes,
    .posts = pg_posts,
    .mail_token_add = pg_mail_token_add,
    .mail_token_take = pg_mail_token_take,
    .mail_person_confirm = pg_mail_person_confirm,
    .mail_person_digest = pg_mail_person_digest,
    .mail_person_delete = pg_mail_person_delete,
    .mail_people = pg_mail_people,
    .mail_digest_sent = pg_mail_digest_sent,
    .chore_claim = pg_chore_claim,
    .mail_purge = pg_mail_purge,
    .invite_add = pg_invite_add,
    .invite_use = pg_invite_use,
    .invites = pg_invites,

    .writer_open = pg_writer_open,
    .writer_close = pg_writer_close,
    .group_begin = pg_group_begin,
    .job =
        {
            [STORE_JOB_ANSWER] = pg_job_answer,
            [STORE_JOB_SESSION] = pg_job_session,
            [STORE_JOB_HIDE] = pg_job_hide,
            [STORE_JOB_ANSWERED] = pg_job_answered,
            [STORE_JOB_PIN] = pg_job_pin,
            [STORE_JOB_TOKEN_ADD] = pg_job_token_add,
            [STORE_JOB_TOKEN_DEL] = pg_job_token_del,
            [STORE_JOB_PROCESS] = pg_job_process,
            [STORE_JOB_POST] = pg_job_post,
            [STORE_JOB_MARK] = pg_job_mark,
            [STORE_JOB_POST_HIDE] = pg_job_post_hide,
            [STORE_JOB_POST_REVIEWED] = pg_job_post_reviewed,
            [STORE_JOB_RETENTION] = pg_job_retention,
        },
    .group_commit = pg_group_commit,
    .group_rollback = pg_group_rollback,
    .sync = NULL,
    .writer_errmsg = pg_writer_errmsg,
};
