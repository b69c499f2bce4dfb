/*
 * sqlite_mail: the SQLite engine's part of e-mail on the website
 * (migration 11; store.h, "e-mail on the website"): one-time links by the
 * hash of their token, and people (confirmed addresses) per event.
 *
 * These are synchronous calls on the connection `r`; the app makes them on
 * the thread pool through a store of its own (app_write), one at a time,
 * so a change of several statements runs in one IMMEDIATE transaction and
 * nothing else of this process writes in between.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite.h"

static void col_copy(sqlite3_stmt *q, int i, char *out, size_t len)
{
	const unsigned char *t = sqlite3_column_text(q, i);
	snprintf(out, len, "%s", t ? (const char *)t : "");
}

int sq_mail_token_add(store_t *st, const char *hash, const store_mail_token_t *t, int64_t since,
                      int max)
{
	/* links that expired a day ago are of no use, not even to say "expired" */
	if (sq__run(st, "DELETE FROM mail_tokens WHERE expires_at < ?", "i",
	            t->created_at - 86400000) < 0)
		return STORE_ERROR;
	/* one statement: the count and the insert cannot be told apart by a
	 * second writer */
	int64_t n = sq__run(st,
	                    "INSERT INTO mail_tokens(hash, purpose, event_id, address, participant,"
	                    " device, created_at, expires_at) SELECT ?,?,?,?,?,?,?,? WHERE"
	                    " (SELECT count(*) FROM mail_tokens WHERE event_id=? AND address=? AND"
	                    " purpose=? AND created_at >= ?) < ?",
	                    "ttitttiiittii", hash, t->purpose, t->event_id, t->address,
	                    t->participant, t->device, t->created_at, t->expires_at, t->event_id,
	                    t->address, t->purpose, since, (int64_t)max);
	if (n < 0)
		return n == STORE_EXISTS ? STORE_EXISTS : STORE_ERROR;
	return n == 0 ? UV_EAGAIN : STORE_OK;
}

int sq_mail_token_take(store_t *st, const char *hash, const char *purpose, int64_t now,
                       store_mail_token_t *out)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT event_id, address, participant, device, created_at,"
	                               " expires_at, used_at FROM mail_tokens WHERE hash=? AND"
	                               " purpose=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, purpose, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(q);
		return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
	}
	store_mail_token_t t = {
	    .event_id = sqlite3_column_int64(q, 0),
	    .created_at = sqlite3_column_int64(q, 4),
	    .expires_at = sqlite3_column_int64(q, 5),
	};
	int64_t used = sqlite3_column_int64(q, 6);
	snprintf(t.purpose, sizeof t.purpose, "%s", purpose);
	col_copy(q, 1, t.address, sizeof t.address);
	col_copy(q, 2, t.participant, sizeof t.participant);
	col_copy(q, 3, t.device, sizeof t.device);
	sqlite3_finalize(q);
	if (used)
		return UV_EALREADY;
	if (now > t.expires_at)
		return UV_ETIMEDOUT;
	/* used_at=0 in the WHERE: of two takes at once, one wins */
	int64_t n = sq__run(st, "UPDATE mail_tokens SET used_at=? WHERE hash=? AND used_at=0", "it",
	                    now, hash);
	if (n < 0)
		return STORE_ERROR;
	if (n == 0)
		return UV_EALREADY;
	*out = t;
	return STORE_OK;
}

static int person_get(store_t *st, int64_t event_id, const char *col, const char *value,
                      store_mail_person_t *out)
{
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT address, participant, device, confirmed_at, digest, digest_at, topics FROM"
	         " mail_people WHERE event_id=? AND %s=?",
	         col);
	sqlite3_stmt *q = sq__prep(st, sql);
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		store_mail_person_t p = {
		    .event_id = event_id,
		    .confirmed_at = sqlite3_column_int64(q, 3),
		    .digest = sqlite3_column_int(q, 4) != 0,
		    .digest_at = sqlite3_column_int64(q, 5),
		};
		col_copy(q, 0, p.address, sizeof p.address);
		col_copy(q, 1, p.participant, sizeof p.participant);
		col_copy(q, 2, p.device, sizeof p.device);
		col_copy(q, 6, p.topics, sizeof p.topics);
		*out = p;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int sq_mail_person_confirm(store_t *st, const store_mail_person_t *in, store_mail_person_t *out)
{
	if (sq__exec(st, "BEGIN IMMEDIATE") < 0)
		return STORE_ERROR;
	store_mail_person_t p;
	int rc = person_get(st, in->event_id, "address", in->address, &p);
	if (rc == STORE_NOTFOUND) {
		/* the participant's other address, if any, gives way */
		if (sq__run(st, "DELETE FROM mail_people WHERE event_id=? AND participant=?", "it",
		            in->event_id, in->participant) < 0 ||
		    sq__run(st,
		            "INSERT INTO mail_people(event_id, address, participant, device,"
		            " confirmed_at) VALUES(?,?,?,?,?)",
		            "ittti", in->event_id, in->address, in->participant, in->device,
		            in->confirmed_at) < 0)
			rc = STORE_ERROR;
		else
			rc = person_get(st, in->event_id, "address", in->address, &p);
	}
	if (rc != STORE_OK) {
		sq__exec(st, "ROLLBACK");
		return STORE_ERROR;
	}
	if (sq__exec(st, "COMMIT") < 0) {
		sq__exec(st, "ROLLBACK");
		return STORE_ERROR;
	}
	*out = p;
	return STORE_OK;
}

int sq_mail_person_digest(store_t *st, int64_t event_id, const char *participant, bool on,
                          const char *topics, int64_t now)
{
	int64_t n = sq__run(st,
	                    "UPDATE mail_people SET digest_at=CASE WHEN ? AND digest=0"
	                    " THEN ? ELSE digest_at END, digest=?, topics=? WHERE event_id=? AND"
	                    " participant=?",
	                    "iiitit", (int64_t)on, now, (int64_t)on, topics, event_id, participant);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int sq_mail_person_delete(store_t *st, int64_t event_id, const char *participant)
{
	int64_t n = sq__run(st, "DELETE FROM mail_people WHERE event_id=? AND participant=?", "it",
	                    event_id, participant);
	if (n < 0 || sq__run(st, "DELETE FROM mail_tokens WHERE event_id=? AND participant=?", "it",
	                     event_id, participant) < 0)
		return STORE_ERROR;
	return n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int sq_mail_people(store_t *st, int64_t event_id,
                   void (*fn)(const store_mail_person_t *p, void *arg), void *arg)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT event_id, address, participant, device,"
	                               " confirmed_at, digest, digest_at, topics FROM mail_people"
	                               " WHERE ?=0 OR event_id=? ORDER BY event_id, confirmed_at");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	sqlite3_bind_int64(q, 2, event_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_mail_person_t p = {
		    .event_id = sqlite3_column_int64(q, 0),
		    .confirmed_at = sqlite3_column_int64(q, 4),
		    .digest = sqlite3_column_int(q, 5) != 0,
		    .digest_at = sqlite3_column_int64(q, 6),
		};
		col_copy(q, 1, p.address, sizeof p.address);
		col_copy(q, 2, p.participant, sizeof p.participant);
		col_copy(q, 3, p.device, sizeof p.device);
		col_copy(q, 7, p.topics, sizeof p.topics);
		fn(&p, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int sq_mail_digest_sent(store_t *st, int64_t event_id, const char *participant, int64_t at)
{
	int64_t n =
	    sq__run(st, "UPDATE mail_people SET digest_at=? WHERE event_id=? AND participant=?",
	            "iit", at, event_id, participant);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int sq_chore_claim(store_t *st, const char *name, int64_t period)
{
	int64_t n = sq__run(st,
	                    "INSERT INTO chores(name, period) VALUES(?, ?) ON CONFLICT(name)"
	                    " DO UPDATE SET period=excluded.period"
	                    " WHERE chores.period < excluded.period",
	                    "ti", name, period);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_EXISTS : STORE_OK;
}

int sq_mail_purge(store_t *st, int64_t event_id, int64_t *n)
{
	int64_t people = sq__run(st, "DELETE FROM mail_people WHERE event_id=?", "i", event_id);
	if (people < 0 ||
	    sq__run(st, "DELETE FROM mail_tokens WHERE event_id=?", "i", event_id) < 0 ||
	    sq__run(st, "UPDATE invite_codes SET participant='' WHERE event_id=?", "i", event_id) <
	        0)
		return STORE_ERROR;
	*n = people;
	return STORE_OK;
}

/* ---- invitation codes ---- */

int sq_invite_add(store_t *st, int64_t event_id, char *const *codes, size_t n, int64_t now)
{
	if (sq__exec(st, "BEGIN IMMEDIATE") < 0)
		return STORE_ERROR;
	for (size_t i = 0; i < n; i++) {
		int64_t rc = sq__run(st,
		                     "INSERT INTO invite_codes(event_id, code, created_at)"
		                     " VALUES(?,?,?)",
		                     "iti", event_id, codes[i], now);
		if (rc < 0) {
			sq__exec(st, "ROLLBACK");
			return rc == STORE_EXISTS ? STORE_EXISTS : STORE_ERROR;
		}
	}
	if (sq__exec(st, "COMMIT") < 0) {
		sq__exec(st, "ROLLBACK");
		return STORE_ERROR;
	}
	return STORE_OK;
}

int sq_invite_use(store_t *st, int64_t event_id, const char *code, const char *participant,
                  int64_t now)
{
	int64_t n = sq__run(st,
	                    "UPDATE invite_codes SET used_at=?, participant=? WHERE event_id=? AND"
	                    " code=? AND used_at=0",
	                    "itit", now, participant, event_id, code);
	if (n < 0)
		return STORE_ERROR;
	if (n == 1)
		return STORE_OK;
	sqlite3_stmt *q = sq__prep(st, "SELECT participant FROM invite_codes WHERE event_id=? AND"
	                               " code=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	sqlite3_bind_text(q, 2, code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q), out = STORE_ERROR;
	if (rc == SQLITE_DONE)
		out = STORE_NOTFOUND;
	else if (rc == SQLITE_ROW)
		out = strcmp((const char *)sqlite3_column_text(q, 0), participant) == 0
		          ? STORE_OK
		          : UV_EALREADY;
	sqlite3_finalize(q);
	return out;
}

int sq_invites(store_t *st, int64_t event_id,
               void (*fn)(int64_t event_id, const char *code, int64_t used_at,
                          const char *participant, void *arg),
               void *arg)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT event_id, code, used_at, participant FROM"
	                               " invite_codes WHERE ?=0 OR event_id=?"
	                               " ORDER BY event_id, created_at, rowid");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	sqlite3_bind_int64(q, 2, event_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn(sqlite3_column_int64(q, 0), (const char *)sqlite3_column_text(q, 1),
		   sqlite3_column_int64(q, 2), (const char *)sqlite3_column_text(q, 3), arg);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}
