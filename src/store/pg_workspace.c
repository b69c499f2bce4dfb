/*
 * pg_workspace: what the facilitators' workspace keeps in the PostgreSQL
 * engine: users and their tokens, the list of events with who may see
 * them, sharing, summaries, the moderation log and the images of content
 * slides. All synchronous, on PGS(st)->c; the same statements as
 * sqlite_workspace.c in PostgreSQL's dialect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg.h"
#include "util/log.h"
#include "util/xalloc.h"

/* STORE_OK, STORE_NOTFOUND or STORE_ERROR for a count of rows changed. */
static int changed(int64_t n)
{
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

/* ---- the workspace ---- */

int pg_user_info(store_t *st, int64_t id, char *name, size_t nlen, char *role, size_t rlen)
{
	PGresult *r;
	int64_t n = pg__run(st, &r, "SELECT name, role FROM users WHERE id=$1", "i", id);
	if (n <= 0)
		return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
	snprintf(name, nlen, "%s", PQgetvalue(r, 0, 0));
	snprintf(role, rlen, "%s", PQgetvalue(r, 0, 1));
	PQclear(r);
	return STORE_OK;
}

int pg_users(store_t *st,
             void (*fn)(const char *name, const char *role, int64_t created, void *arg), void *arg)
{
	PGresult *r;
	/* COLLATE "C": byte order, as SQLite's BINARY sorts */
	int64_t n = pg__run(
	    st, &r, "SELECT name, role, created_at FROM users ORDER BY name COLLATE \"C\"", "");
	if (n < 0)
		return STORE_ERROR;
	for (int i = 0; i < n; i++)
		fn(PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), pg__int(r, i, 2), arg);
	PQclear(r);
	return STORE_OK;
}

int pg_user_set_password(store_t *st, const char *name, const char *pwhash)
{
	pg__lock(st);
	int64_t n =
	    pg__run(st, NULL, "UPDATE users SET pwhash=$1 WHERE name=$2", "tt", pwhash, name);
	if (n > 0)
		/* a new password ends every login session of the user */
		pg__run(st, NULL,
		        "DELETE FROM tokens WHERE kind='session' AND user_id=(SELECT id FROM"
		        " users WHERE name=$1)",
		        "t", name);
	pg__unlock(st);
	return changed(n);
}

int pg_user_del(store_t *st, const char *name)
{
	return changed(pg__run(st, NULL, "DELETE FROM users WHERE name=$1", "t", name));
}

int pg_events_list(store_t *st, int64_t user_id, bool all,
                   void (*fn)(const store_event_row_t *e, void *arg), void *arg)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "SELECT e.id, e.title, e.subtitle, e.lang, COALESCE(u.name, ''),"
	                    " CASE WHEN e.owner=$1 THEN 'owner' WHEN m.role IS NOT NULL THEN m.role"
	                    "  ELSE 'admin' END,"
	                    " (SELECT count(*) FROM sessions s WHERE s.event_id=e.id),"
	                    " (SELECT count(*) FROM answers a JOIN sessions s ON a.session_id=s.id"
	                    "  WHERE s.event_id=e.id),"
	                    " e.updated_at"
	                    " FROM events e LEFT JOIN users u ON u.id=e.owner"
	                    " LEFT JOIN event_members m ON m.event_id=e.id AND m.user_id=$1"
	                    " WHERE $2::int<>0 OR e.owner=$1 OR m.user_id IS NOT NULL"
	                    " ORDER BY e.updated_at DESC, e.id DESC",
	                    "ii", user_id, (int64_t)all);
	if (n < 0)
		return STORE_ERROR;
	for (int i = 0; i < n; i++) {
		store_event_row_t e = {
		    .id = pg__int(r, i, 0),
		    .title = PQgetvalue(r, i, 1),
		    .subtitle = PQgetvalue(r, i, 2),
		    .lang = PQgetvalue(r, i, 3),
		    .owner = PQgetvalue(r, i, 4),
		    .access = PQgetvalue(r, i, 5),
		    .sessions = pg__int(r, i, 6),
		    .answers = pg__int(r, i, 7),
		    .updated_at = pg__int(r, i, 8),
		};
		fn(&e, arg);
	}
	PQclear(r);
	return STORE_OK;
}

int pg_event_access(store_t *st, int64_t event_id, int64_t user_id, char *access, size_t len)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "SELECT CASE WHEN e.owner=$2 THEN 'owner'"
	                    " WHEN m.role IS NOT NULL THEN m.role ELSE '' END"
	                    " FROM events e LEFT JOIN event_members m ON m.event_id=e.id"
	                    " AND m.user_id=$2 WHERE e.id=$1",
	                    "ii", event_id, user_id);
	if (n <= 0)
		return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
	snprintf(access, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return STORE_OK;
}

int pg_event_extra(store_t *st, int64_t id, char **summary, int64_t *updated_at, char *owner,
                   size_t olen)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "SELECT e.summary, e.updated_at, COALESCE(u.name, '') FROM"
	                    " events e LEFT JOIN users u ON u.id=e.owner WHERE e.id=$1",
	                    "i", id);
	if (n <= 0)
		return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
	*summary = pg__dup(r, 0, 0);
	*updated_at = pg__int(r, 0, 1);
	snprintf(owner, olen, "%s", PQgetvalue(r, 0, 2));
	PQclear(r);
	return STORE_OK;
}

int pg_event_set_summary(store_t *st, int64_t id, const char *summary)
{
	return changed(pg__run(st, NULL, "UPDATE events SET summary=$1, updated_at=$2 WHERE id=$3",
	                       "tii", summary, store_now_ms(), id));
}

int pg_event_delete(store_t *st, int64_t id)
{
	return changed(pg__run(st, NULL, "DELETE FROM events WHERE id=$1", "i", id));
}

int pg_event_touch(store_t *st, int64_t id)
{
	return pg__run(st, NULL, "UPDATE events SET updated_at=$1 WHERE id=$2", "ii",
	               store_now_ms(), id) < 0
	           ? STORE_ERROR
	           : STORE_OK;
}

int pg_share(store_t *st, int64_t event_id, const char *name, const char *role)
{
	if (role)
		return changed(
		    pg__run(st, NULL,
		            "INSERT INTO event_members(event_id, user_id, role)"
		            " SELECT $1, id, $2 FROM users WHERE name=$3"
		            " ON CONFLICT(event_id, user_id) DO UPDATE SET role=excluded.role",
		            "itt", event_id, role, name));
	return changed(pg__run(st, NULL,
	                       "DELETE FROM event_members WHERE event_id=$1 AND user_id=(SELECT"
	                       " id FROM users WHERE name=$2)",
	                       "it", event_id, name));
}

int pg_shares(store_t *st, int64_t event_id,
              void (*fn)(const char *name, const char *role, void *arg), void *arg)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "SELECT u.name, m.role FROM event_members m JOIN users u ON"
	                    " u.id=m.user_id WHERE m.event_id=$1 ORDER BY u.name COLLATE \"C\"",
	                    "i", event_id);
	if (n < 0)
		return STORE_ERROR;
	for (int i = 0; i < n; i++)
		fn(PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), arg);
	PQclear(r);
	return STORE_OK;
}

int pg_log(store_t *st, int64_t event_id,
           void (*fn)(int64_t at, const char *user, const char *action, int64_t answer,
                      const char *session, void *arg),
           void *arg)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "SELECT l.at, COALESCE(u.name, ''), l.action, l.answer_id,"
	                    " COALESCE(s.code, '') FROM moderation_log l LEFT JOIN users u"
	                    " ON u.id=l.user_id LEFT JOIN sessions s ON s.id=l.session_id"
	                    " WHERE l.event_id=$1 ORDER BY l.id DESC LIMIT 1000",
	                    "i", event_id);
	if (n < 0)
		return STORE_ERROR;
	for (int i = 0; i < n; i++)
		fn(pg__int(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), pg__int(r, i, 3),
		   PQgetvalue(r, i, 4), arg);
	PQclear(r);
	return STORE_OK;
}

/* ---- media ---- */

int pg_media_put(store_t *st, int64_t event_id, const char *name, const char *type,
                 const void *data, size_t len)
{
	return pg__run(st, NULL,
	               "INSERT INTO media(event_id, name, type, data, created_at)"
	               " VALUES($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
	               "ittbi", event_id, name, type, data, len, store_now_ms()) < 0
	           ? STORE_ERROR
	           : STORE_OK;
}

int pg_media_get(store_t *st, int64_t event_id, const char *name, char *type, size_t tlen,
                 void **data, size_t *len)
{
	PGresult *r;
	int64_t n = pg__run(st, &r, "SELECT type, data FROM media WHERE event_id=$1 AND name=$2",
	                    "it", event_id, name);
	if (n <= 0)
		return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
	size_t blen = 0;
	unsigned char *b = PQunescapeBytea((const unsigned char *)PQgetvalue(r, 0, 1), &blen);
	if (!b) {
		PQclear(r);
		return STORE_ERROR;
	}
	snprintf(type, tlen, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	*data = xmalloc(blen ? blen : 1);
	memcpy(*data, b, blen);
	*len = blen;
	PQfreemem(b);
	return STORE_OK;
}

int pg_media_copy(store_t *st, int64_t from_event, int64_t to_event)
{
	return pg__run(st, NULL,
	               "INSERT INTO media(event_id, name, type, data, created_at)"
	               " SELECT $1, name, type, data, created_at FROM media WHERE event_id=$2"
	               " ON CONFLICT DO NOTHING",
	               "ii", to_event, from_event) < 0
	           ? STORE_ERROR
	           : STORE_OK;
}

/* ---- users and tokens ---- */

int pg_user_add(store_t *st, const char *name, const char *pwhash, const char *role, int64_t *id)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "INSERT INTO users(name, pwhash, role, created_at) VALUES($1,$2,$3,$4)"
	                    " RETURNING id",
	                    "ttti", name, pwhash, role, store_now_ms());
	if (n != 1)
		return n == STORE_EXISTS ? STORE_EXISTS : STORE_ERROR;
	if (id)
		*id = pg__int(r, 0, 0);
	PQclear(r);
	return STORE_OK;
}

int pg_user_get(store_t *st, const char *name, int64_t *id, char **pwhash)
{
	PGresult *r;
	int64_t n = pg__run(st, &r, "SELECT id, pwhash FROM users WHERE name=$1", "t", name);
	if (n <= 0)
		return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
	if (id)
		*id = pg__int(r, 0, 0);
	if (pwhash)
		*pwhash = pg__dup(r, 0, 1);
	PQclear(r);
	return STORE_OK;
}

int pg_user_name(store_t *st, int64_t id, char *name, size_t len)
{
	PGresult *r;
	int64_t n = pg__run(st, &r, "SELECT name FROM users WHERE id=$1", "i", id);
	if (n <= 0)
		return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
	snprintf(name, len, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return STORE_OK;
}

int pg_token_add(store_t *st, const unsigned char hash[32], int64_t user_id, const char *kind,
                 int64_t expires_at)
{
	return pg__run(st, NULL,
	               "INSERT INTO tokens(hash, user_id, kind, expires_at, created_at)"
	               " VALUES($1,$2,$3,$4,$5)",
	               "bitii", hash, (size_t)32, user_id, kind, expires_at, store_now_ms()) < 0
	           ? STORE_ERROR
	           : STORE_OK;
}

int pg_token_user(store_t *st, const unsigned char hash[32], const char *kind, int64_t now,
                  int64_t *user_id)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "SELECT user_id FROM tokens WHERE hash=$1 AND kind=$2"
	                    " AND (expires_at=0 OR expires_at>$3)",
	                    "bti", hash, (size_t)32, kind, now);
	if (n <= 0)
		return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
	*user_id = pg__int(r, 0, 0);
	PQclear(r);
	return STORE_OK;
}

int pg_token_del(store_t *st, const unsigned char hash[32])
{
	return pg__run(st, NULL, "DELETE FROM tokens WHERE hash=$1", "b", hash, (size_t)32) < 0
	           ? STORE_ERROR
	           : STORE_OK;
}
