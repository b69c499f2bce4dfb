/*
 * sqlite_kaart: the SQLite engine's part of the sociale kaart (migration
 * 11): entries, each one JSON document with its status and where it was
 * said, and the kaart's log of who changed what. Synchronous calls on the
 * `r` connection: the app keeps every entry in memory and saves through its
 * pool of writes (app/pool.c), so none of this runs for a resident's page.
 *
 * A save and its log row commit together or not at all (one transaction
 * with BEGIN IMMEDIATE, so that a second writer waits for the lock instead
 * of failing halfway).
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite.h"
#include "util/log.h"

int sq_kaart_entries(store_t *st, void (*fn)(const store_kaart_entry_t *e, void *arg), void *arg)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT id, status, doc, event_id, session_id, answer_id,"
	                               " post_id, created_at, updated_at FROM kaart_entries"
	                               " ORDER BY id");
	if (!q)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_kaart_entry_t e = {
		    .id = sqlite3_column_int64(q, 0),
		    .status = (const char *)sqlite3_column_text(q, 1),
		    .doc = (const char *)sqlite3_column_text(q, 2),
		    .event_id = sqlite3_column_int64(q, 3),
		    .session_id = sqlite3_column_int64(q, 4),
		    .answer_id = sqlite3_column_int64(q, 5),
		    .post_id = sqlite3_column_int64(q, 6),
		    .created_at = sqlite3_column_int64(q, 7),
		    .updated_at = sqlite3_column_int64(q, 8),
		};
		fn(&e, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int sq_kaart_save(store_t *st, store_kaart_entry_t *e, int64_t user_id, const char *action)
{
	int64_t now = store_now_ms();
	if (sq__exec(st, "BEGIN IMMEDIATE"))
		return STORE_ERROR;
	int64_t n;
	if (e->id == 0) {
		n = sq__run(
		    st,
		    "INSERT INTO kaart_entries(status, doc, event_id, session_id, answer_id,"
		    " post_id, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)",
		    "ttiiiiii", e->status, e->doc, e->event_id, e->session_id, e->answer_id,
		    e->post_id, now, now);
		if (n == 1) {
			e->id = sqlite3_last_insert_rowid(SQ(st)->r);
			e->created_at = now;
		}
	} else {
		n = sq__run(st, "UPDATE kaart_entries SET status=?, doc=?, updated_at=? WHERE id=?",
		            "ttii", e->status, e->doc, now, e->id);
	}
	if (n != 1)
		goto fail;
	e->updated_at = now;
	if (sq__run(st, "INSERT INTO kaart_log(entry_id, user_id, action, at) VALUES(?,?,?,?)",
	            "iiti", e->id, user_id, action, now) != 1 ||
	    sq__exec(st, "COMMIT"))
		goto fail;
	return STORE_OK;
fail:
	sq__exec(st, "ROLLBACK");
	return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
}

int sq_kaart_log(store_t *st, int64_t entry_id,
                 void (*fn)(int64_t at, const char *user, const char *action, void *arg), void *arg)
{
	sqlite3_stmt *q =
	    sq__prep(st, "SELECT l.at, COALESCE(u.name, ''), l.action FROM kaart_log l"
	                 " LEFT JOIN users u ON u.id=l.user_id WHERE l.entry_id=?"
	                 " ORDER BY l.id DESC LIMIT 200");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, entry_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn(sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1),
		   (const char *)sqlite3_column_text(q, 2), arg);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int sq_kaart_claim_add(store_t *st, const unsigned char hash[32], int64_t entry_id,
                       int64_t expires_at)
{
	sqlite3_stmt *q = sq__prep(st, "INSERT INTO kaart_claims(hash, entry_id, expires_at)"
	                               " VALUES(?,?,?)");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, entry_id);
	sqlite3_bind_int64(q, 3, expires_at);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	/* and forget the links that can no longer be used */
	if (rc == SQLITE_DONE)
		sq__run(st, "DELETE FROM kaart_claims WHERE expires_at<?", "i", store_now_ms());
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int sq_kaart_claim_take(store_t *st, const unsigned char hash[32], int64_t now, bool use,
                        int64_t *entry_id)
{
	/* one statement, so that two requests with the same link cannot both
	 * use it: the second finds it used */
	sqlite3_stmt *q =
	    sq__prep(st, use ? "UPDATE kaart_claims SET used=1 WHERE hash=? AND used=0"
	                       " AND expires_at>? RETURNING entry_id"
	                     : "SELECT entry_id FROM kaart_claims WHERE hash=?"
	                       " AND used=0 AND expires_at>?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, now);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		*entry_id = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}
