/*
 * pg_events: events with their slides, sessions and answers in the
 * PostgreSQL engine; the reads that start-up loading and reports make, and
 * the synchronous writes of the workspace that change a deck. Answers are
 * written by the writer (pg_write.c), never here.
 *
 * Everything runs on PGS(st)->c through pg__run, so a reader runs the same
 * code on its own connection and snapshot. A call made of several
 * statements holds the connection (pg__lock) from BEGIN to COMMIT, so that
 * no other thread's statement lands inside its transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "store/pg.h"
#include "util/log.h"
#include "util/xalloc.h"

/* ---- events ---- */

/* Inserts the slides of event id in order, filling slide_ids; inside the
 * caller's transaction. */
static int insert_slides(store_t *st, int64_t id, char *const *slides_json, size_t n,
                         int64_t *slide_ids)
{
	for (size_t i = 0; i < n; i++) {
		PGresult *r;
		if (pg__run(st, &r,
		            "INSERT INTO slides(event_id, position, json) VALUES($1,$2,$3)"
		            " RETURNING id",
		            "iit", id, (int64_t)i, slides_json[i]) != 1)
			return STORE_ERROR;
		slide_ids[i] = pg__int(r, 0, 0);
		PQclear(r);
	}
	return STORE_OK;
}

int pg_event_create(store_t *st, const char *title, const char *subtitle, const char *lang,
                    const char *deck_md, int64_t owner, char *const *slides_json, size_t n,
                    int64_t *event_id, int64_t *slide_ids)
{
	pg__lock(st);
	PGresult *r = NULL;
	int64_t now = store_now_ms();
	if (pg__exec(st, "BEGIN") ||
	    pg__run(st, &r,
	            "INSERT INTO events(title, subtitle, lang, deck_md, owner, created_at,"
	            " updated_at) VALUES($1,$2,$3,$4,$5,$6,$6) RETURNING id",
	            "ttttni", title, subtitle, lang, deck_md, owner, now) != 1)
		goto fail;
	*event_id = pg__int(r, 0, 0);
	PQclear(r);
	if (insert_slides(st, *event_id, slides_json, n, slide_ids) || pg__exec(st, "COMMIT"))
		goto fail;
	pg__unlock(st);
	return STORE_OK;
fail:
	log_error("store: creating an event failed");
	pg__exec(st, "ROLLBACK");
	pg__unlock(st);
	return STORE_ERROR;
}

int pg_event_get(store_t *st, int64_t id, store_event_t *out)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "SELECT title, subtitle, lang, deck_md, owner, created_at"
	                    " FROM events WHERE id=$1",
	                    "i", id);
	if (n <= 0)
		return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
	out->id = id;
	out->title = pg__dup(r, 0, 0);
	out->subtitle = pg__dup(r, 0, 1);
	out->lang = pg__dup(r, 0, 2);
	out->deck_md = pg__dup(r, 0, 3);
	out->owner = pg__int(r, 0, 4);
	out->created_at = pg__int(r, 0, 5);
	PQclear(r);
	return STORE_OK;
}

int pg_event_slides(store_t *st, int64_t event_id, store_slide_t **out, size_t *n)
{
	PGresult *r;
	int64_t rows = pg__run(
	    st, &r, "SELECT id, position, json FROM slides WHERE event_id=$1 ORDER BY position",
	    "i", event_id);
	if (rows < 0)
		return STORE_ERROR;
	store_slide_t *v = rows ? xcalloc((size_t)rows, sizeof *v) : NULL;
	for (int i = 0; i < rows; i++) {
		v[i].id = pg__int(r, i, 0);
		v[i].position = (int)pg__int(r, i, 1);
		v[i].json = pg__dup(r, i, 2);
	}
	PQclear(r);
	*out = v;
	*n = (size_t)rows;
	return STORE_OK;
}

/* ---- sessions ---- */

static void read_session(const PGresult *r, int i, store_session_t *s)
{
	memset(s, 0, sizeof *s);
	s->id = pg__int(r, i, 0);
	s->event_id = pg__int(r, i, 1);
	snprintf(s->code, sizeof s->code, "%s", PQgetvalue(r, i, 2));
	s->status = (int)pg__int(r, i, 3);
	s->slide_index = (int)pg__int(r, i, 4);
	s->open = pg__int(r, i, 5) != 0;
	s->results = pg__int(r, i, 6) != 0;
	s->revision = pg__int(r, i, 7);
	s->started_at = pg__int(r, i, 8);
	s->ended_at = pg__int(r, i, 9);
	s->self_paced = pg__int(r, i, 10) != 0;
	snprintf(s->name, sizeof s->name, "%s", PQgetvalue(r, i, 11));
}

#define SESSION_COLS                                                                               \
	"id, event_id, code, status, slide_index, open, results, revision, started_at, ended_at,"  \
	" self_paced, name"

/* Calls fn for each session of r; r is cleared. */
static int each_session(PGresult *r, int64_t rows, store_session_fn fn, void *arg)
{
	if (rows < 0)
		return STORE_ERROR;
	for (int i = 0; i < rows; i++) {
		store_session_t s;
		read_session(r, i, &s);
		fn(&s, arg);
	}
	PQclear(r);
	return STORE_OK;
}

/* The retry on a taken code relies on a failed INSERT aborting nothing
 * else: the synchronous connection is in autocommit here, so each attempt
 * is a transaction of its own. */
int pg_session_create(store_t *st, int64_t event_id, int digits, bool self_paced,
                      store_session_t *out)
{
	if (digits < 6 || digits > 8)
		return STORE_ERROR;
	uint32_t low = 1, span;
	for (int i = 1; i < digits; i++)
		low *= 10;
	span = low * 9; /* codes never start with 0: easier to read aloud */
	for (int attempt = 0; attempt < 50; attempt++) {
		char code[12];
		snprintf(code, sizeof code, "%u", low + randombytes_uniform(span));
		PGresult *r;
		/* results: live, shown once the presenter moves to a question;
		 * self-paced, shown (where the deck says so) from the start */
		int64_t n = pg__run(st, &r,
		                    "INSERT INTO sessions(event_id, code, started_at, self_paced,"
		                    " results) VALUES($1,$2,$3,$4,$4) RETURNING " SESSION_COLS,
		                    "itii", event_id, code, store_now_ms(), (int64_t)self_paced);
		if (n == 1) {
			read_session(r, 0, out);
			PQclear(r);
			return STORE_OK;
		}
		if (n != STORE_EXISTS)
			break;
	}
	log_error("store: creating a session failed: %s", PGS(st)->errmsg);
	return STORE_ERROR;
}

int pg_session_set_name(store_t *st, int64_t session_id, const char *name)
{
	int64_t n =
	    pg__run(st, NULL, "UPDATE sessions SET name=$1 WHERE id=$2", "ti", name, session_id);
	return n < 0 ? STORE_ERROR : n == 0 ? STORE_NOTFOUND : STORE_OK;
}

int pg_sessions_live(store_t *st, store_session_fn fn, void *arg)
{
	PGresult *r;
	int64_t n =
	    pg__run(st, &r, "SELECT " SESSION_COLS " FROM sessions WHERE status=0 ORDER BY id", "");
	return each_session(r, n, fn, arg);
}

int pg_session_by_code(store_t *st, const char *code, store_session_t *out)
{
	PGresult *r;
	int64_t n =
	    pg__run(st, &r, "SELECT " SESSION_COLS " FROM sessions WHERE code=$1", "t", code);
	if (n <= 0)
		return n == 0 ? STORE_NOTFOUND : STORE_ERROR;
	read_session(r, 0, out);
	PQclear(r);
	return STORE_OK;
}

int pg_event_sessions(store_t *st, int64_t event_id, store_session_fn fn, void *arg)
{
	PGresult *r;
	int64_t n =
	    pg__run(st, &r, "SELECT " SESSION_COLS " FROM sessions WHERE event_id=$1 ORDER BY id",
	            "i", event_id);
	return each_session(r, n, fn, arg);
}

/* ---- answers ---- */

#define ANSWER_COLS                                                                                \
	"id, slide_id, participant, client_id, value, at, hidden, answered, pending, pinned"

typedef struct each_answer {
	int64_t session_id;
	store_answer_fn fn;
	void *arg;
} each_answer_t;

/* One row of a SELECT of ANSWER_COLS to the caller's fn. The rows arrive
 * one at a time (pg__each): a session of 100,000 answers is never whole in
 * memory here, and fn (live.c's loading, a report's question) does not
 * call the store. */
static void each_answer(const PGresult *r, void *arg)
{
	each_answer_t *e = arg;
	store_answer_t a = {
	    .id = pg__int(r, 0, 0),
	    .session_id = e->session_id,
	    .slide_id = pg__int(r, 0, 1),
	    .participant = PQgetvalue(r, 0, 2),
	    .client_id = PQgetvalue(r, 0, 3),
	    .value = PQgetvalue(r, 0, 4),
	    .at_ms = pg__int(r, 0, 5),
	    .hidden = pg__int(r, 0, 6) != 0,
	    .answered = pg__int(r, 0, 7) != 0,
	    .pending = pg__int(r, 0, 8) != 0,
	    .pinned = pg__int(r, 0, 9) != 0,
	};
	e->fn(&a, e->arg);
}

int pg_answers_load(store_t *st, int64_t session_id, store_answer_fn fn, void *arg)
{
	each_answer_t e = {session_id, fn, arg};
	return pg__each(st, each_answer, &e,
	                "SELECT " ANSWER_COLS " FROM answers WHERE session_id=$1 ORDER BY id", "i",
	                session_id)
	           ? STORE_ERROR
	           : STORE_OK;
}

/*
 * A row's tx is the transaction that wrote this version of it (an insert,
 * or an update of a flag: pg_open.c's migration 14). The cursor is the
 * oldest transaction still running when the previous call began
 * (pg_snapshot_xmin): every transaction older than it had ended then, so
 * what it wrote was read then. Rows of that transaction or younger are
 * read again, which repeats some. tx, unlike xmin, is indexed with the
 * session and has 64 bits (it never wraps), so a call reads what is new,
 * not the whole session.
 */
int pg_answers_since(store_t *st, int64_t session_id, int64_t *cursor, store_answer_fn fn,
                     void *arg)
{
	PGresult *r = NULL;
	if (pg__run(st, &r, "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint", "") !=
	    1)
		return STORE_ERROR;
	int64_t next = pg__int(r, 0, 0);
	PQclear(r);
	int64_t from = *cursor;
	each_answer_t e = {session_id, fn, arg};
	int rc = from > 0 ? pg__each(st, each_answer, &e,
	                             "SELECT " ANSWER_COLS " FROM answers WHERE session_id=$1"
	                             " AND tx >= $2 ORDER BY id",
	                             "ii", session_id, from)
	                  : pg__each(st, each_answer, &e,
	                             "SELECT " ANSWER_COLS
	                             " FROM answers WHERE session_id=$1 ORDER BY id",
	                             "i", session_id);
	if (rc)
		return STORE_ERROR;
	*cursor = next;
	return STORE_OK;
}

int pg_answers_slide(store_t *st, int64_t session_id, int64_t slide_id, store_answer_fn fn,
                     void *arg)
{
	each_answer_t e = {session_id, fn, arg};
	return pg__each(st, each_answer, &e,
	                "SELECT " ANSWER_COLS " FROM answers WHERE session_id=$1 AND"
	                " slide_id=$2 ORDER BY id",
	                "ii", session_id, slide_id)
	           ? STORE_ERROR
	           : STORE_OK;
}

/* A count from one row, one column; STORE_ERROR on failure. */
static int64_t count(store_t *st, const char *sql, int64_t id)
{
	PGresult *r;
	if (pg__run(st, &r, sql, "i", id) != 1)
		return STORE_ERROR;
	int64_t n = pg__int(r, 0, 0);
	PQclear(r);
	return n;
}

int64_t pg_event_answers(store_t *st, int64_t event_id)
{
	return count(st,
	             "SELECT count(*) FROM answers a JOIN sessions s ON a.session_id=s.id"
	             " WHERE s.event_id=$1",
	             event_id);
}

int64_t pg_session_answers(store_t *st, int64_t session_id)
{
	return count(st, "SELECT count(*) FROM answers WHERE session_id=$1", session_id);
}

int pg_event_set_deck(store_t *st, int64_t id, const char *title, const char *subtitle,
                      const char *lang, const char *deck_md, char *const *slides_json, size_t n,
                      int64_t *slide_ids)
{
	pg__lock(st);
	/* The event's row stays locked until COMMIT: two changes of the same
	 * deck wait for each other instead of mixing their slides. An answer
	 * that arrives meanwhile is not held back; the check below is the
	 * same race SQLite's has, and the callers end sessions first. */
	if (pg__exec(st, "BEGIN") ||
	    pg__run(st, NULL, "SELECT id FROM events WHERE id=$1 FOR UPDATE", "i", id) != 1)
		goto fail;
	/* answers point at slides: only an event without answers changes its deck */
	if (pg_event_answers(st, id) != 0)
		goto fail;
	if (pg__run(st, NULL,
	            "UPDATE events SET title=$1, subtitle=$2, lang=$3, deck_md=$4,"
	            " updated_at=$5 WHERE id=$6",
	            "ttttii", title, subtitle, lang, deck_md, store_now_ms(), id) != 1 ||
	    pg__run(st, NULL, "DELETE FROM slides WHERE event_id=$1", "i", id) < 0 ||
	    insert_slides(st, id, slides_json, n, slide_ids) || pg__exec(st, "COMMIT"))
		goto fail;
	pg__unlock(st);
	return STORE_OK;
fail:
	pg__exec(st, "ROLLBACK");
	pg__unlock(st);
	return STORE_ERROR;
}

/* ---- purging ---- */

int pg_purge_event(store_t *st, int64_t event_id, bool all_answers, int64_t *n)
{
	store_event_t e = {0};
	int rc = pg_event_get(st, event_id, &e);
	store_event_clear(&e);
	if (rc != STORE_OK)
		return rc;
	/* gen_random_uuid draws from the server's strong random source (no
	 * extension needed): 122 random bits in 32 hex digits. */
	int64_t changed = pg__run(
	    st, NULL,
	    all_answers ? "DELETE FROM answers WHERE session_id IN"
	                  " (SELECT id FROM sessions WHERE event_id=$1)"
	                : "UPDATE answers SET participant=replace(gen_random_uuid()::text, '-', '')"
	                  " WHERE session_id IN (SELECT id FROM sessions WHERE event_id=$1)",
	    "i", event_id);
	if (changed < 0)
		return STORE_ERROR;
	*n = changed;
	if (pg__web_purge(st, event_id, all_answers))
		return STORE_ERROR;
	/* The old row versions still hold the old values: rewrite the table
	 * without them. The server's write-ahead log and its archive keep them
	 * until they are recycled; docs/postgresql.md says so. */
	pg__exec(st, "VACUUM FULL answers");
	return STORE_OK;
}
