/*
 * pg_copy: store_copy, a whole SQLite database copied into an empty
 * PostgreSQL one (`inspraak migrate`). The only file that knows both
 * engines: it reads SQLite's tables through the SQLite store's connection
 * and writes them through the PostgreSQL store's.
 *
 * Invariants:
 *  1. All or nothing: the copy is one PostgreSQL transaction; the source is
 *     read inside one SQLite read transaction, so it is one snapshot even
 *     while a server goes on writing to it.
 *  2. Rows keep their ids (answers, sessions and the log point at them),
 *     and each id sequence then continues after the largest id copied.
 *  3. Both databases have the same schema version (store_open migrated
 *     both to this binary's) and the same column names; a column's value
 *     goes across as it is, blobs as bytes.
 *  4. Before COMMIT, every table's row count in the copy equals the
 *     source's; otherwise nothing is kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg.h"
#include "store/sqlite.h"
#include "util/log.h"
#include "util/xalloc.h"

/* In the order the foreign keys need (the sociale kaart's have none). */
static const char *const tables[] = {
    "meta",         "users",         "tokens",        "events",         "slides",
    "sessions",     "answers",       "event_members", "moderation_log", "media",
    "processes",    "posts",         "post_marks",    "mail_tokens",    "mail_people",
    "invite_codes", "kaart_entries", "kaart_log",     "kaart_claims",
};

enum { BYTEA_OID = 17, MAX_COLS = 16 };

/* Fails the copy with a message for a person. */
static int fail(char *err, size_t errlen, const char *what, const char *why)
{
	snprintf(err, errlen, "%s: %s", what, why);
	err[strcspn(err, "\n")] = 0;
	return STORE_ERROR;
}

static int64_t pg_count(PGconn *c, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	PGresult *r = PQexec(c, sql);
	int64_t n = PQresultStatus(r) == PGRES_TUPLES_OK ? atoll(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	return n;
}

/* Copies one table's rows; *n is the number copied. */
static int copy_table(sqlite3 *src, PGconn *dst, const char *table, int64_t *n, char *err,
                      size_t errlen)
{
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT * FROM %s", table);
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(src, sql, -1, &q, NULL) != SQLITE_OK)
		return fail(err, errlen, table, sqlite3_errmsg(src));
	int cols = sqlite3_column_count(q);
	if (cols > MAX_COLS) {
		sqlite3_finalize(q);
		return fail(err, errlen, table, "too many columns");
	}
	/* INSERT INTO t(a, b) VALUES($1, $2); meta's secret was made by
	 * store_open on the new database, and the source's replaces it: the
	 * participants' hashes are keyed by it. */
	int len = snprintf(sql, sizeof sql, "INSERT INTO %s(", table);
	for (int i = 0; i < cols; i++)
		len += snprintf(sql + len, sizeof sql - (size_t)len, "%s%s", i ? ", " : "",
		                sqlite3_column_name(q, i));
	len += snprintf(sql + len, sizeof sql - (size_t)len, ") VALUES(");
	for (int i = 0; i < cols; i++)
		len += snprintf(sql + len, sizeof sql - (size_t)len, "%s$%d", i ? ", " : "", i + 1);
	snprintf(sql + len, sizeof sql - (size_t)len, ")%s",
	         strcmp(table, "meta") ? ""
	                               : " ON CONFLICT(key) DO UPDATE SET value=excluded.value");
	PGresult *r = PQprepare(dst, table, sql, cols, NULL);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	r = ok ? PQdescribePrepared(dst, table) : NULL;
	ok = ok && PQresultStatus(r) == PGRES_COMMAND_OK;
	bool bytea[MAX_COLS];
	for (int i = 0; ok && i < cols; i++)
		bytea[i] = PQparamtype(r, i) == BYTEA_OID;
	PQclear(r);
	if (!ok) {
		sqlite3_finalize(q);
		return fail(err, errlen, table, PQerrorMessage(dst));
	}

	int rc;
	*n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *vals[MAX_COLS];
		int lens[MAX_COLS], fmts[MAX_COLS];
		for (int i = 0; i < cols; i++) {
			int type = sqlite3_column_type(q, i);
			/* text, or bytes for a bytea column: read before the
			 * length, as SQLite's documentation asks */
			vals[i] = type == SQLITE_NULL ? NULL
			          : bytea[i]          ? (const char *)sqlite3_column_blob(q, i)
			                              : (const char *)sqlite3_column_text(q, i);
			lens[i] = sqlite3_column_bytes(q, i);
			fmts[i] = bytea[i];
			if (bytea[i] && type != SQLITE_NULL && !vals[i])
				vals[i] = ""; /* an empty blob */
		}
		r = PQexecPrepared(dst, table, cols, vals, lens, fmts, 0);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok) {
			sqlite3_finalize(q);
			return fail(err, errlen, table, PQerrorMessage(dst));
		}
		(*n)++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return fail(err, errlen, table, sqlite3_errmsg(src));
	snprintf(sql, sizeof sql, "DEALLOCATE %s", table);
	PQclear(PQexec(dst, sql));
	return STORE_OK;
}

/* Moves each id sequence past the largest id copied (invariant 2). */
static int advance_sequences(PGconn *dst, char *err, size_t errlen)
{
	PGresult *r = PQexec(
	    dst,
	    "SELECT setval(pg_get_serial_sequence(t, 'id'), COALESCE(id, 0) + 1, false)"
	    " FROM (VALUES ('users', (SELECT max(id) FROM users)),"
	    " ('events', (SELECT max(id) FROM events)), ('slides', (SELECT max(id) FROM slides)),"
	    " ('sessions', (SELECT max(id) FROM sessions)),"
	    " ('answers', (SELECT max(id) FROM answers)),"
	    " ('moderation_log', (SELECT max(id) FROM moderation_log)),"
	    " ('posts', (SELECT max(id) FROM posts)),"
	    " ('kaart_entries', (SELECT max(id) FROM kaart_entries)),"
	    " ('kaart_log', (SELECT max(id) FROM kaart_log))) AS s(t, id)");
	bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
	PQclear(r);
	return ok ? STORE_OK : fail(err, errlen, "sequences", PQerrorMessage(dst));
}

static int copy_all(store_t *from, store_t *to, store_copy_fn fn, void *arg, char *err,
                    size_t errlen)
{
	sqlite3 *src = SQ(from)->r;
	PGconn *dst = PGS(to)->c;
	if (pg_count(dst, "users") || pg_count(dst, "events")) {
		snprintf(err, errlen,
		         "the PostgreSQL database has users or events already; copy into an empty"
		         " one (createdb)");
		return STORE_EXISTS;
	}
	int64_t copied[sizeof tables / sizeof *tables];
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
		if (copy_table(src, dst, tables[i], &copied[i], err, errlen))
			return STORE_ERROR;
	if (advance_sequences(dst, err, errlen))
		return STORE_ERROR;
	/* invariant 4: what the copy holds, counted by the server */
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
		sqlite3_stmt *q;
		int64_t want = -1;
		if (sqlite3_prepare_v2(src, sql, -1, &q, NULL) == SQLITE_OK) {
			if (sqlite3_step(q) == SQLITE_ROW)
				want = sqlite3_column_int64(q, 0);
			sqlite3_finalize(q);
		}
		int64_t got = pg_count(dst, tables[i]);
		if (want < 0 || got != want || got != copied[i]) {
			snprintf(err, errlen,
			         "%s: %lld rows in the SQLite database, %lld in the copy",
			         tables[i], (long long)want, (long long)got);
			return STORE_ERROR;
		}
		if (fn)
			fn(tables[i], got, arg);
	}
	return STORE_OK;
}

int store_copy(store_t *from, store_t *to, store_copy_fn fn, void *arg, char *err, size_t errlen)
{
	if (from->eng != &store__sqlite_engine || to->eng != &store__pg_engine || to->writer ||
	    from->reader || to->reader) {
		snprintf(err, errlen, "copies go from a SQLite database to a PostgreSQL one");
		return UV_ENOTSUP;
	}
	sqlite3 *src = SQ(from)->r;
	PGconn *dst = PGS(to)->c;
	pg__lock(to);
	if (sqlite3_exec(src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		pg__unlock(to);
		return fail(err, errlen, "reading the SQLite database", sqlite3_errmsg(src));
	}
	PGresult *r = PQexec(dst, "BEGIN");
	bool begun = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	int rc = begun ? copy_all(from, to, fn, arg, err, errlen)
	               : fail(err, errlen, "writing the PostgreSQL database", PQerrorMessage(dst));
	if (rc == STORE_OK) {
		r = PQexec(dst, "COMMIT");
		if (PQresultStatus(r) != PGRES_COMMAND_OK || strcmp(PQcmdStatus(r), "COMMIT"))
			rc = fail(err, errlen, "committing the copy", PQerrorMessage(dst));
		PQclear(r);
	} else if (begun) {
		PQclear(PQexec(dst, "ROLLBACK"));
	}
	sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	pg__unlock(to);
	return rc;
}
