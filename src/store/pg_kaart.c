/*
 * pg_kaart: the PostgreSQL engine's part of the sociale kaart, the same
 * calls as sqlite_kaart.c on the synchronous connection. A save holds the
 * connection (pg__lock) from BEGIN to COMMIT, so that no other thread's
 * statement lands inside its transaction.
 */
#include <stdio.h>
#include <string.h>

#include "store/pg.h"
#include "util/log.h"

int pg_kaart_entries(store_t *st, void (*fn)(const store_kaart_entry_t *e, void *arg), void *arg)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "SELECT id, status, doc, event_id, session_id, answer_id, post_id,"
	                    " created_at, updated_at FROM kaart_entries ORDER BY id",
	                    "");
	if (n < 0)
		return STORE_ERROR;
	for (int i = 0; i < n; i++) {
		store_kaart_entry_t e = {
		    .id = pg__int(r, i, 0),
		    .status = PQgetvalue(r, i, 1),
		    .doc = PQgetvalue(r, i, 2),
		    .event_id = pg__int(r, i, 3),
		    .session_id = pg__int(r, i, 4),
		    .answer_id = pg__int(r, i, 5),
		    .post_id = pg__int(r, i, 6),
		    .created_at = pg__int(r, i, 7),
		    .updated_at = pg__int(r, i, 8),
		};
		fn(&e, arg);
	}
	if (r)
		PQclear(r);
	return STORE_OK;
}

int pg_kaart_save(store_t *st, store_kaart_entry_t *e, int64_t user_id, const char *action)
{
	int64_t now = store_now_ms(), n = -1;
	PGresult *r = NULL;
	pg__lock(st);
	if (pg__exec(st, "BEGIN"))
		goto fail;
	if (e->id == 0) {
		n = pg__run(
		    st, &r,
		    "INSERT INTO kaart_entries(status, doc, event_id, session_id, answer_id,"
		    " post_id, created_at, updated_at) VALUES($1,$2,$3,$4,$5,$6,$7,$7)"
		    " RETURNING id",
		    "ttiiiii", e->status, e->doc, e->event_id, e->session_id, e->answer_id,
		    e->post_id, now);
		if (n == 1) {
			e->id = pg__int(r, 0, 0);
			e->created_at = now;
		}
		if (r)
			PQclear(r);
	} else {
		n = pg__run(st, NULL,
		            "UPDATE kaart_entries SET status=$1, doc=$2, updated_at=$3 WHERE id=$4",
		            "ttii", e->status, e->doc, now, e->id);
	}
	if (n != 1)
		goto fail;
	e->updated_at = now;
	if (pg__run(st, NULL,
	            "INSERT INTO kaart_log(entry_id, user_id, action, at) VALUES($1,$2,$3,$4)",
	            "iiti", e->id, user_id, action, now) != 1 ||
	    pg__exec(st, "COMMIT"))
		goto fail;
	pg__unlock(st);
	return STORE_OK;
fail:
	pg__exec(st, "ROLLBACK");
	pg__unlock(st);
	return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
}

int pg_kaart_log(store_t *st, int64_t entry_id,
                 void (*fn)(int64_t at, const char *user, const char *action, void *arg), void *arg)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "SELECT l.at, COALESCE(u.name, ''), l.action FROM kaart_log l"
	                    " LEFT JOIN users u ON u.id=l.user_id WHERE l.entry_id=$1"
	                    " ORDER BY l.id DESC LIMIT 200",
	                    "i", entry_id);
	if (n < 0)
		return STORE_ERROR;
	for (int i = 0; i < n; i++)
		fn(pg__int(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), arg);
	if (r)
		PQclear(r);
	return STORE_OK;
}

int pg_kaart_claim_add(store_t *st, const unsigned char hash[32], int64_t entry_id,
                       int64_t expires_at)
{
	if (pg__run(st, NULL,
	            "INSERT INTO kaart_claims(hash, entry_id, expires_at) VALUES($1,$2,$3)", "bii",
	            hash, (size_t)32, entry_id, expires_at) < 0)
		return STORE_ERROR;
	pg__run(st, NULL, "DELETE FROM kaart_claims WHERE expires_at<$1", "i", store_now_ms());
	return STORE_OK;
}

int pg_kaart_claim_take(store_t *st, const unsigned char hash[32], int64_t now, bool use,
                        int64_t *entry_id)
{
	PGresult *r = NULL;
	int64_t n = pg__run(st, &r,
	                    use ? "UPDATE kaart_claims SET used=true WHERE hash=$1 AND NOT used"
	                          " AND expires_at>$2 RETURNING entry_id"
	                        : "SELECT entry_id FROM kaart_claims WHERE hash=$1 AND NOT used"
	                          " AND expires_at>$2",
	                    "bi", hash, (size_t)32, now);
	if (n < 0)
		return STORE_ERROR;
	if (n == 0)
		return STORE_NOTFOUND;
	*entry_id = pg__int(r, 0, 0);
	PQclear(r);
	return STORE_OK;
}
