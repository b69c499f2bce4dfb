/*
 * sqlite_events: events with their slides, sessions and answers in the
 * SQLite engine; the reads that start-up loading and reports make, and the
 * synchronous writes of the workspace that change a deck. Answers are
 * written by the writer (sqlite_write.c), never here.
 *
 * Every function prepares its own statement on SQ(st)->r, so a reader
 * (store_reader_open) runs the same code on its own connection and
 * snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "store/sqlite.h"
#include "util/log.h"
#include "util/xalloc.h"

/* ---- events ---- */

int sq_event_create(store_t *st, const char *title, const char *subtitle, const char *lang,
                    const char *deck_md, int64_t owner, char *const *slides_json, size_t n,
                    int64_t *event_id, int64_t *slide_ids)
{
	sqlite3_stmt *q = NULL;
	if (sq__exec(st, "BEGIN IMMEDIATE"))
		return STORE_ERROR;
	q = sq__prep(st, "INSERT INTO events(title, subtitle, lang, deck_md, owner, created_at,"
	                 " updated_at) VALUES(?,?,?,?,?,?6,?6)");
	if (!q)
		goto fail;
	sqlite3_bind_text(q, 1, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, subtitle, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, deck_md, -1, SQLITE_STATIC);
	if (owner > 0)
		sqlite3_bind_int64(q, 5, owner);
	sqlite3_bind_int64(q, 6, store_now_ms());
	if (sqlite3_step(q) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(q);
	*event_id = sqlite3_last_insert_rowid(SQ(st)->r);
	q = sq__prep(st, "INSERT INTO slides(event_id, position, json) VALUES(?,?,?)");
	if (!q)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, *event_id);
		sqlite3_bind_int(q, 2, (int)i);
		sqlite3_bind_text(q, 3, slides_json[i], -1, SQLITE_STATIC);
		if (sqlite3_step(q) != SQLITE_DONE)
			goto fail;
		slide_ids[i] = sqlite3_last_insert_rowid(SQ(st)->r);
	}
	sqlite3_finalize(q);
	return sq__exec(st, "COMMIT");
fail:
	log_error("store: creating an event failed: %s", sqlite3_errmsg(SQ(st)->r));
	sqlite3_finalize(q);
	sq__exec(st, "ROLLBACK");
	return STORE_ERROR;
}

int sq_event_get(store_t *st, int64_t id, store_event_t *out)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT title, subtitle, lang, deck_md, owner, created_at"
	                               " FROM events WHERE id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, id);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->id = id;
		out->title = sq__col_dup(q, 0);
		out->subtitle = sq__col_dup(q, 1);
		out->lang = sq__col_dup(q, 2);
		out->deck_md = sq__col_dup(q, 3);
		out->owner = sqlite3_column_int64(q, 4);
		out->created_at = sqlite3_column_int64(q, 5);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

int sq_event_slides(store_t *st, int64_t event_id, store_slide_t **out, size_t *n)
{
	sqlite3_stmt *q = sq__prep(
	    st, "SELECT id, position, json FROM slides WHERE event_id=? ORDER BY position");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	store_slide_t *v = NULL;
	size_t len = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[len].id = sqlite3_column_int64(q, 0);
		v[len].position = sqlite3_column_int(q, 1);
		v[len].json = sq__col_dup(q, 2);
		len++;
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE) {
		store_slides_free(v, len);
		return STORE_ERROR;
	}
	*out = v;
	*n = len;
	return STORE_OK;
}

/* ---- sessions ---- */

static void read_session(sqlite3_stmt *q, store_session_t *s)
{
	memset(s, 0, sizeof *s);
	s->id = sqlite3_column_int64(q, 0);
	s->event_id = sqlite3_column_int64(q, 1);
	const unsigned char *code = sqlite3_column_text(q, 2);
	snprintf(s->code, sizeof s->code, "%s", code ? (const char *)code : "");
	s->status = sqlite3_column_int(q, 3);
	s->slide_index = sqlite3_column_int(q, 4);
	s->open = sqlite3_column_int(q, 5) != 0;
	s->results = sqlite3_column_int(q, 6) != 0;
	s->revision = sqlite3_column_int64(q, 7);
	s->started_at = sqlite3_column_int64(q, 8);
	s->ended_at = sqlite3_column_int64(q, 9);
	s->self_paced = sqlite3_column_int(q, 10) != 0;
	const unsigned char *name = sqlite3_column_text(q, 11);
	snprintf(s->name, sizeof s->name, "%s", name ? (const char *)name : "");
}

#define SESSION_COLS                                                                               \
	"id, event_id, code, status, slide_index, open, results, revision, started_at, ended_at,"  \
	" self_paced, name"

int sq_session_create(store_t *st, int64_t event_id, int digits, bool self_paced,
                      store_session_t *out)
{
	if (digits < 6 || digits > 8)
		return STORE_ERROR;
	uint32_t low = 1, span;
	for (int i = 1; i < digits; i++)
		low *= 10;
	span = low * 9; /* codes never start with 0: easier to read aloud */
	sqlite3_stmt *q =
	    sq__prep(st, "INSERT INTO sessions(event_id, code, started_at, self_paced, results)"
	                 " VALUES(?,?,?,?,?)");
	if (!q)
		return STORE_ERROR;
	for (int attempt = 0; attempt < 50; attempt++) {
		char code[12];
		snprintf(code, sizeof code, "%u", low + randombytes_uniform(span));
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, event_id);
		sqlite3_bind_text(q, 2, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 3, store_now_ms());
		sqlite3_bind_int(q, 4, self_paced);
		/* results: live, shown once the presenter moves to a question;
		 * self-paced, shown (where the deck says so) from the start */
		sqlite3_bind_int(q, 5, self_paced);
		int rc = sqlite3_step(q);
		if (rc == SQLITE_DONE) {
			sqlite3_finalize(q);
			return sq_session_by_code(st, code, out);
		}
		if (rc != SQLITE_CONSTRAINT)
			break;
	}
	log_error("store: creating a session failed: %s", sqlite3_errmsg(SQ(st)->r));
	sqlite3_finalize(q);
	return STORE_ERROR;
}

int sq_session_set_name(store_t *st, int64_t session_id, const char *name)
{
	sqlite3_stmt *q = sq__prep(st, "UPDATE sessions SET name=? WHERE id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, session_id);
	int rc = sqlite3_step(q);
	int changed = sqlite3_changes(SQ(st)->r);
	sqlite3_finalize(q);
	return rc != SQLITE_DONE ? STORE_ERROR : changed ? STORE_OK : STORE_NOTFOUND;
}

int sq_sessions_live(store_t *st, void (*fn)(const store_session_t *s, void *arg), void *arg)
{
	sqlite3_stmt *q =
	    sq__prep(st, "SELECT " SESSION_COLS " FROM sessions WHERE status=0 ORDER BY id");
	if (!q)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_session_t s;
		read_session(q, &s);
		fn(&s, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int sq_session_by_code(store_t *st, const char *code, store_session_t *out)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT " SESSION_COLS " FROM sessions WHERE code=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		read_session(q, out);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

#define ANSWER_COLS                                                                                \
	"id, slide_id, participant, client_id, value, at, hidden, answered, pending, pinned"

/* Calls fn for each row of q, a SELECT of ANSWER_COLS; strings are valid
 * during the call only. */
static int each_answer(sqlite3_stmt *q, int64_t session_id,
                       void (*fn)(const store_answer_t *a, void *arg), void *arg)
{
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_answer_t a = {
		    .id = sqlite3_column_int64(q, 0),
		    .session_id = session_id,
		    .slide_id = sqlite3_column_int64(q, 1),
		    .participant = (const char *)sqlite3_column_text(q, 2),
		    .client_id = (const char *)sqlite3_column_text(q, 3),
		    .value = (const char *)sqlite3_column_text(q, 4),
		    .at_ms = sqlite3_column_int64(q, 5),
		    .hidden = sqlite3_column_int(q, 6) != 0,
		    .answered = sqlite3_column_int(q, 7) != 0,
		    .pending = sqlite3_column_int(q, 8) != 0,
		    .pinned = sqlite3_column_int(q, 9) != 0,
		};
		fn(&a, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int sq_answers_load(store_t *st, int64_t session_id, void (*fn)(const store_answer_t *a, void *arg),
                    void *arg)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT " ANSWER_COLS " FROM answers WHERE session_id=?"
	                               " ORDER BY id");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, session_id);
	return each_answer(q, session_id, fn, arg);
}

int64_t sq_event_answers(store_t *st, int64_t event_id)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT count(*) FROM answers a JOIN sessions s ON"
	                               " a.session_id=s.id WHERE s.event_id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : STORE_ERROR;
	sqlite3_finalize(q);
	return n;
}

int64_t sq_session_answers(store_t *st, int64_t session_id)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT count(*) FROM answers WHERE session_id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, session_id);
	int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : STORE_ERROR;
	sqlite3_finalize(q);
	return n;
}

int sq_event_set_deck(store_t *st, int64_t id, const char *title, const char *subtitle,
                      const char *lang, const char *deck_md, char *const *slides_json, size_t n,
                      int64_t *slide_ids)
{
	if (sq__exec(st, "BEGIN IMMEDIATE"))
		return STORE_ERROR;
	/* answers point at slides: only an event without answers changes its deck */
	if (sq_event_answers(st, id) != 0)
		goto fail;
	if (sq__run(st,
	            "UPDATE events SET title=?, subtitle=?, lang=?, deck_md=?,"
	            " updated_at=? WHERE id=?",
	            "ttttii", title, subtitle, lang, deck_md, store_now_ms(), id) != 1 ||
	    sq__run(st, "DELETE FROM slides WHERE event_id=?", "i", id) < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (sq__run(st, "INSERT INTO slides(event_id, position, json) VALUES(?,?,?)", "iit",
		            id, (int64_t)i, slides_json[i]) != 1)
			goto fail;
		slide_ids[i] = sqlite3_last_insert_rowid(SQ(st)->r);
	}
	return sq__exec(st, "COMMIT");
fail:
	sq__exec(st, "ROLLBACK");
	return STORE_ERROR;
}

/* ---- purging ---- */

int sq_purge_event(store_t *st, int64_t event_id, bool all_answers, int64_t *n)
{
	store_event_t e = {0};
	int rc = sq_event_get(st, event_id, &e);
	store_event_clear(&e);
	if (rc != STORE_OK)
		return rc;
	sqlite3_stmt *q = sq__prep(
	    st,
	    all_answers
	        ? "DELETE FROM answers WHERE session_id IN"
	          " (SELECT id FROM sessions WHERE event_id=?)"
	        : "UPDATE answers SET participant=lower(hex(randomblob(16))) WHERE session_id IN"
	          " (SELECT id FROM sessions WHERE event_id=?)");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return STORE_ERROR;
	*n = sqlite3_changes(SQ(st)->r);
	/* The website's posts and their supports and flags the same way: each
	 * gets a random participant of its own, or the posts go. */
	if (sq__run(st,
	            all_answers ? "DELETE FROM posts WHERE event_id=?"
	                        : "UPDATE posts SET participant=lower(hex(randomblob(16)))"
	                          " WHERE event_id=?",
	            "i", event_id) < 0 ||
	    sq__run(st,
	            "UPDATE post_marks SET participant=lower(hex(randomblob(16))) WHERE post_id IN"
	            " (SELECT id FROM posts WHERE event_id=?)",
	            "i", event_id) < 0)
		return STORE_ERROR;
	/* The freed pages and the old WAL frames still hold the old values:
	 * fold the WAL into the file and rewrite the file without them. */
	sqlite3_exec(SQ(st)->r,
	             "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
	             NULL, NULL, NULL);
	return STORE_OK;
}

/* ---- reading for reports ---- */

int sq_event_sessions(store_t *st, int64_t event_id,
                      void (*fn)(const store_session_t *s, void *arg), void *arg)
{
	sqlite3_stmt *q =
	    sq__prep(st, "SELECT " SESSION_COLS " FROM sessions WHERE event_id=? ORDER BY id");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_session_t s;
		read_session(q, &s);
		fn(&s, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int sq_answers_slide(store_t *st, int64_t session_id, int64_t slide_id,
                     void (*fn)(const store_answer_t *a, void *arg), void *arg)
{
	/* answers_session(session_id, id) narrows the scan to one session; the
	 * slide is filtered within it, which keeps id order without a sort. */
	sqlite3_stmt *q = sq__prep(st, "SELECT " ANSWER_COLS " FROM answers WHERE session_id=? AND"
	                               " slide_id=? ORDER BY id");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, session_id);
	sqlite3_bind_int64(q, 2, slide_id);
	return each_answer(q, session_id, fn, arg);
}
