/*
 * pg_mail: the PostgreSQL engine's part of e-mail on the website (its
 * migration "mail"; store.h, "e-mail on the website"): one-time links by
 * the hash of their token, and people (confirmed addresses) per event.
 *
 * Synchronous calls on the connection `c`, which the app makes on the
 * thread pool (app_write). Several nodes may share the database: taking a
 * link is one UPDATE ... WHERE used_at=0, and confirming an address runs in
 * one transaction with INSERT ... ON CONFLICT, so two nodes cannot both use
 * one link or make two people of one address.
 */
#include <stdio.h>
#include <string.h>

#include "store/pg.h"

static void val_copy(const PGresult *r, int i, int j, char *out, size_t len)
{
	snprintf(out, len, "%s", PQgetisnull(r, i, j) ? "" : PQgetvalue(r, i, j));
}

int pg_mail_token_add(store_t *st, const char *hash, const store_mail_token_t *t, int64_t since,
                      int max)
{
	if (pg__run(st, NULL, "DELETE FROM mail_tokens WHERE expires_at < $1", "i",
	            t->created_at - 86400000) < 0)
		return STORE_ERROR;
	int64_t n = pg__run(st, NULL,
	                    "INSERT INTO mail_tokens(hash, purpose, event_id, address, participant,"
	                    " device, created_at, expires_at) SELECT "
	                    "$1,$2,$3::bigint,$4,$5,$6,$7::bigint,$8::bigint WHERE"
	                    " (SELECT count(*) FROM mail_tokens WHERE event_id=$3 AND address=$4"
	                    " AND purpose=$2 AND created_at >= $9::bigint) < $10::bigint",
	                    "ttitttiiii", hash, t->purpose, t->event_id, t->address, t->participant,
	                    t->device, t->created_at, t->expires_at, since, (int64_t)max);
	if (n < 0)
		return n == STORE_EXISTS ? STORE_EXISTS : STORE_ERROR;
	return n == 0 ? UV_EAGAIN : STORE_OK;
}

int pg_mail_token_take(store_t *st, const char *hash, const char *purpose, int64_t now,
                       store_mail_token_t *out)
{
	PGresult *r = NULL;
	int64_t n = pg__run(st, &r,
	                    "UPDATE mail_tokens SET used_at=$3 WHERE hash=$1 AND purpose=$2 AND"
	                    " used_at=0 AND expires_at >= $3 RETURNING event_id, address,"
	                    " participant, device, created_at, expires_at",
	                    "tti", hash, purpose, now);
	if (n < 0)
		return STORE_ERROR;
	if (n == 0) {
		/* why not: unknown, used or expired */
		n = pg__run(st, &r, "SELECT used_at FROM mail_tokens WHERE hash=$1 AND purpose=$2",
		            "tt", hash, purpose);
		if (n < 0)
			return STORE_ERROR;
		int rc = n == 0 ? STORE_NOTFOUND : pg__int(r, 0, 0) ? UV_EALREADY : UV_ETIMEDOUT;
		PQclear(r);
		return rc;
	}
	store_mail_token_t t = {
	    .event_id = pg__int(r, 0, 0),
	    .created_at = pg__int(r, 0, 4),
	    .expires_at = pg__int(r, 0, 5),
	};
	snprintf(t.purpose, sizeof t.purpose, "%s", purpose);
	val_copy(r, 0, 1, t.address, sizeof t.address);
	val_copy(r, 0, 2, t.participant, sizeof t.participant);
	val_copy(r, 0, 3, t.device, sizeof t.device);
	PQclear(r);
	*out = t;
	return STORE_OK;
}

static void person_row(const PGresult *r, int i, store_mail_person_t *p)
{
	*p = (store_mail_person_t){
	    .event_id = pg__int(r, i, 0),
	    .confirmed_at = pg__int(r, i, 4),
	    .digest = pg__int(r, i, 5) != 0,
	    .digest_at = pg__int(r, i, 6),
	};
	val_copy(r, i, 1, p->address, sizeof p->address);
	val_copy(r, i, 2, p->participant, sizeof p->participant);
	val_copy(r, i, 3, p->device, sizeof p->device);
	val_copy(r, i, 7, p->topics, sizeof p->topics);
}

#define PERSON_COLS                                                                                \
	"event_id, address, participant, device, confirmed_at, digest, digest_at, topics"

int pg_mail_person_confirm(store_t *st, const store_mail_person_t *in, store_mail_person_t *out)
{
	PGresult *r = NULL;
	pg__lock(st);
	int rc = pg__exec(st, "BEGIN");
	if (rc == 0) {
		int64_t n = pg__run(st, &r,
		                    "SELECT " PERSON_COLS
		                    " FROM mail_people WHERE event_id=$1 AND address=$2",
		                    "it", in->event_id, in->address);
		if (n == 0) {
			/* the participant's other address, if any, gives way */
			if (pg__run(st, NULL,
			            "DELETE FROM mail_people WHERE event_id=$1 AND participant=$2",
			            "it", in->event_id, in->participant) < 0 ||
			    pg__run(
			        st, NULL,
			        "INSERT INTO mail_people(event_id, address, participant, device,"
			        " confirmed_at) VALUES($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
			        "ittti", in->event_id, in->address, in->participant, in->device,
			        in->confirmed_at) < 0)
				n = STORE_ERROR;
			else
				n = pg__run(st, &r,
				            "SELECT " PERSON_COLS
				            " FROM mail_people WHERE event_id=$1 AND address=$2",
				            "it", in->event_id, in->address);
		}
		if (n <= 0)
			rc = STORE_ERROR;
	}
	if (rc == 0)
		rc = pg__exec(st, "COMMIT");
	if (rc != 0) {
		pg__exec(st, "ROLLBACK");
		pg__unlock(st);
		PQclear(r);
		return STORE_ERROR;
	}
	pg__unlock(st);
	person_row(r, 0, out);
	PQclear(r);
	return STORE_OK;
}

int pg_mail_person_digest(store_t *st, int64_t event_id, const char *participant, bool on,
                          const char *topics, int64_t now)
{
	int64_t n =
	    pg__run(st, NULL,
	            "UPDATE mail_people SET digest=$1, digest_at=CASE WHEN $1::integer=1 AND"
	            " digest=0 THEN $2 ELSE digest_at END, topics=$5 WHERE event_id=$3 AND"
	            " participant=$4",
	            "iiitt", (int64_t)on, now, event_id, participant, topics);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int pg_mail_person_delete(store_t *st, int64_t event_id, const char *participant)
{
	int64_t n =
	    pg__run(st, NULL, "DELETE FROM mail_people WHERE event_id=$1 AND participant=$2", "it",
	            event_id, participant);
	if (n < 0 ||
	    pg__run(st, NULL, "DELETE FROM mail_tokens WHERE event_id=$1 AND participant=$2", "it",
	            event_id, participant) < 0)
		return STORE_ERROR;
	return n == 0 ? STORE_NOTFOUND : STORE_OK;
}

typedef struct people_ctx {
	void (*fn)(const store_mail_person_t *p, void *arg);
	void *arg;
} people_ctx_t;

static void people_row(const PGresult *r, void *arg)
{
	people_ctx_t *c = arg;
	store_mail_person_t p;
	person_row(r, 0, &p);
	c->fn(&p, c->arg);
}

int pg_mail_people(store_t *st, int64_t event_id,
                   void (*fn)(const store_mail_person_t *p, void *arg), void *arg)
{
	people_ctx_t c = {fn, arg};
	return pg__each(st, people_row, &c,
	                "SELECT " PERSON_COLS " FROM mail_people WHERE $1=0 OR event_id=$1"
	                " ORDER BY event_id, confirmed_at",
	                "i", event_id);
}

int pg_mail_digest_sent(store_t *st, int64_t event_id, const char *participant, int64_t at)
{
	int64_t n = pg__run(st, NULL,
	                    "UPDATE mail_people SET digest_at=$1 WHERE event_id=$2 AND"
	                    " participant=$3",
	                    "iit", at, event_id, participant);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int pg_chore_claim(store_t *st, const char *name, int64_t period)
{
	int64_t n = pg__run(st, NULL,
	                    "INSERT INTO chores(name, period) VALUES($1, $2) ON CONFLICT(name)"
	                    " DO UPDATE SET period=excluded.period"
	                    " WHERE chores.period < excluded.period",
	                    "ti", name, period);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_EXISTS : STORE_OK;
}

int pg_mail_purge(store_t *st, int64_t event_id, int64_t *n)
{
	int64_t people =
	    pg__run(st, NULL, "DELETE FROM mail_people WHERE event_id=$1", "i", event_id);
	if (people < 0 ||
	    pg__run(st, NULL, "DELETE FROM mail_tokens WHERE event_id=$1", "i", event_id) < 0 ||
	    pg__run(st, NULL, "UPDATE invite_codes SET participant='' WHERE event_id=$1", "i",
	            event_id) < 0)
		return STORE_ERROR;
	*n = people;
	return STORE_OK;
}

/* ---- invitation codes ---- */

int pg_invite_add(store_t *st, int64_t event_id, char *const *codes, size_t n, int64_t now)
{
	pg__lock(st);
	int rc = pg__exec(st, "BEGIN");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int64_t r = pg__run(st, NULL,
		                    "INSERT INTO invite_codes(event_id, code, created_at)"
		                    " VALUES($1,$2,$3)",
		                    "iti", event_id, codes[i], now);
		if (r < 0)
			rc = r == STORE_EXISTS ? STORE_EXISTS : STORE_ERROR;
	}
	if (rc == 0)
		rc = pg__exec(st, "COMMIT") == 0 ? 0 : STORE_ERROR;
	if (rc != 0)
		pg__exec(st, "ROLLBACK");
	pg__unlock(st);
	return rc;
}

int pg_invite_use(store_t *st, int64_t event_id, const char *code, const char *participant,
                  int64_t now)
{
	int64_t n = pg__run(st, NULL,
	                    "UPDATE invite_codes SET used_at=$1, participant=$2 WHERE event_id=$3"
	                    " AND code=$4 AND used_at=0",
	                    "itit", now, participant, event_id, code);
	if (n < 0)
		return STORE_ERROR;
	if (n == 1)
		return STORE_OK;
	PGresult *r = NULL;
	n = pg__run(st, &r, "SELECT participant FROM invite_codes WHERE event_id=$1 AND code=$2",
	            "it", event_id, code);
	if (n < 0)
		return STORE_ERROR;
	int rc = STORE_NOTFOUND;
	if (n > 0)
		rc = strcmp(PQgetvalue(r, 0, 0), participant) == 0 ? STORE_OK : UV_EALREADY;
	PQclear(r);
	return rc;
}

typedef struct invites_ctx {
	void (*fn)(int64_t event_id, const char *code, int64_t used_at, const char *participant,
	           void *arg);
	void *arg;
} invites_ctx_t;

static void invite_row(const PGresult *r, void *arg)
{
	invites_ctx_t *c = arg;
	c->fn(pg__int(r, 0, 0), PQgetvalue(r, 0, 1), pg__int(r, 0, 2), PQgetvalue(r, 0, 3), c->arg);
}

int pg_invites(store_t *st, int64_t event_id,
               void (*fn)(int64_t event_id, const char *code, int64_t used_at,
                          const char *participant, void *arg),
               void *arg)
{
	invites_ctx_t c = {fn, arg};
	return pg__each(st, invite_row, &c,
	                "SELECT event_id, code, used_at, participant FROM invite_codes WHERE"
	                " $1=0 OR event_id=$1 ORDER BY event_id, created_at, code",
	                "i", event_id);
}
