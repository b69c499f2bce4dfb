/*
 * sqlite_workspace: what the facilitators' workspace keeps in the SQLite
 * engine: users and their tokens, the list of events with who may see
 * them, sharing, summaries, the moderation log and the images of content
 * slides. All synchronous, on SQ(st)->r.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite.h"
#include "util/log.h"
#include "util/xalloc.h"

/* ---- the workspace ---- */

int sq_user_info(store_t *st, int64_t id, char *name, size_t nlen, char *role, size_t rlen)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT name, role FROM users WHERE id=?");
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

int sq_users(store_t *st,
             void (*fn)(const char *name, const char *role, int64_t created, void *arg), void *arg)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT name, role, created_at FROM users ORDER BY name");
	if (!q)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		fn((const char *)sqlite3_column_text(q, 0), (const char *)sqlite3_column_text(q, 1),
		   sqlite3_column_int64(q, 2), arg);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int sq_user_set_password(store_t *st, const char *name, const char *pwhash)
{
	int64_t n = sq__run(st, "UPDATE users SET pwhash=? WHERE name=?", "tt", pwhash, name);
	if (n > 0)
		/* a new password ends every login session of the user */
		sq__run(st,
		        "DELETE FROM tokens WHERE kind='session' AND user_id=(SELECT id FROM"
		        " users WHERE name=?)",
		        "t", name);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int sq_user_del(store_t *st, const char *name)
{
	int64_t n = sq__run(st, "DELETE FROM users WHERE name=?", "t", name);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int sq_events_list(store_t *st, int64_t user_id, bool all,
                   void (*fn)(const store_event_row_t *e, void *arg), void *arg)
{
	sqlite3_stmt *q =
	    sq__prep(st, "SELECT e.id, e.title, e.subtitle, e.lang, COALESCE(u.name, ''),"
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

int sq_event_access(store_t *st, int64_t event_id, int64_t user_id, char *access, size_t len)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT CASE WHEN e.owner=?2 THEN 'owner'"
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

int sq_event_extra(store_t *st, int64_t id, char **summary, int64_t *updated_at, char *owner,
                   size_t olen)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT e.summary, e.updated_at, COALESCE(u.name, '') FROM"
	                               " events e LEFT JOIN users u ON u.id=e.owner WHERE e.id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*summary = sq__col_dup(q, 0);
		*updated_at = sqlite3_column_int64(q, 1);
		snprintf(owner, olen, "%s", (const char *)sqlite3_column_text(q, 2));
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int sq_event_set_summary(store_t *st, int64_t id, const char *summary)
{
	int64_t n = sq__run(st, "UPDATE events SET summary=?, updated_at=? WHERE id=?", "tii",
	                    summary, store_now_ms(), id);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int sq_event_delete(store_t *st, int64_t id)
{
	int64_t n = sq__run(st, "DELETE FROM events WHERE id=?", "i", id);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int sq_event_touch(store_t *st, int64_t id)
{
	return sq__run(st, "UPDATE events SET updated_at=? WHERE id=?", "ii", store_now_ms(), id) <
	               0
	           ? STORE_ERROR
	           : STORE_OK;
}

int sq_share(store_t *st, int64_t event_id, const char *name, const char *role)
{
	int64_t n;
	if (role)
		n = sq__run(st,
		            "INSERT OR REPLACE INTO event_members(event_id, user_id, role)"
		            " SELECT ?, id, ? FROM users WHERE name=?",
		            "itt", event_id, role, name);
	else
		n = sq__run(st,
		            "DELETE FROM event_members WHERE event_id=? AND user_id=(SELECT"
		            " id FROM users WHERE name=?)",
		            "it", event_id, name);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int sq_shares(store_t *st, int64_t event_id,
              void (*fn)(const char *name, const char *role, void *arg), void *arg)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT u.name, m.role FROM event_members m JOIN users u ON"
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

int sq_log(store_t *st, int64_t event_id,
           void (*fn)(int64_t at, const char *user, const char *action, int64_t answer,
                      const char *session, void *arg),
           void *arg)
{
	sqlite3_stmt *q =
	    sq__prep(st, "SELECT l.at, COALESCE(u.name, ''), l.action, l.answer_id,"
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

int sq_media_put(store_t *st, int64_t event_id, const char *name, const char *type,
                 const void *data, size_t len)
{
	sqlite3_stmt *q = sq__prep(st, "INSERT OR IGNORE INTO media(event_id, name, type, data,"
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

int sq_media_get(store_t *st, int64_t event_id, const char *name, char *type, size_t tlen,
                 void **data, size_t *len)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT type, data FROM media WHERE event_id=? AND name=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		snprintf(type, tlen, "%s", (const char *)sqlite3_column_text(q, 0));
		*len = (size_t)sqlite3_column_bytes(q, 1);
		*data = xmalloc(*len);
		memcpy(*data, sqlite3_column_blob(q, 1), *len);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int sq_media_copy(store_t *st, int64_t from_event, int64_t to_event)
{
	return sq__run(st,
	               "INSERT OR IGNORE INTO media(event_id, name, type, data, created_at)"
	               " SELECT ?, name, type, data, created_at FROM media WHERE event_id=?",
	               "ii", to_event, from_event) < 0
	           ? STORE_ERROR
	           : STORE_OK;
}

/* ---- users and tokens ---- */

int sq_user_add(store_t *st, const char *name, const char *pwhash, const char *role, int64_t *id)
{
	sqlite3_stmt *q =
	    sq__prep(st, "INSERT INTO users(name, pwhash, role, created_at) VALUES(?,?,?,?)");
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
		*id = sqlite3_last_insert_rowid(SQ(st)->r);
	return STORE_OK;
}

int sq_user_get(store_t *st, const char *name, int64_t *id, char **pwhash)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT id, pwhash FROM users WHERE name=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		if (id)
			*id = sqlite3_column_int64(q, 0);
		if (pwhash)
			*pwhash = sq__col_dup(q, 1);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int sq_user_name(store_t *st, int64_t id, char *name, size_t len)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT name FROM users WHERE id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		snprintf(name, len, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int sq_token_add(store_t *st, const unsigned char hash[32], int64_t user_id, const char *kind,
                 int64_t expires_at)
{
	sqlite3_stmt *q =
	    sq__prep(st, "INSERT INTO tokens(hash, user_id, kind, expires_at, created_at)"
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

int sq_token_user(store_t *st, const unsigned char hash[32], const char *kind, int64_t now,
                  int64_t *user_id)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT user_id FROM tokens WHERE hash=? AND kind=?"
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

int sq_token_del(store_t *st, const unsigned char hash[32])
{
	sqlite3_stmt *q = sq__prep(st, "DELETE FROM tokens WHERE hash=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_blob(q, 1, hash, 32, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}
