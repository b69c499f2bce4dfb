/*
 * sqlite_web: the SQLite engine's part of the website (migration 10):
 * processes, posts and marks. The reads run on the synchronous connection
 * when the app starts or publishes a process; every write is a writer job
 * with a persistent statement on the writer's connection (web[] of sq_t),
 * so a resident's post waits for its group commit and never for the disk
 * on the loop.
 *
 * Hazard: a job that fails rolls back its whole group, other residents'
 * answers included. So nothing here may fail on bad input: a second post
 * with the same client id is found, not refused (INSERT OR IGNORE), and a
 * second mark is ignored; the app checks slugs before it submits.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite.h"
#include "util/log.h"

enum {
	W_PROCESS,
	W_POST,
	W_FIND_POST,
	W_MARK,
	W_HIDE,
	W_REVIEWED,
	W_UNLINK_ANSWERS,
	W_UNLINK_POSTS,
	W_UNLINK_MARKS,
	W_TOUCH,
	W_N
};

static const char *const web_sql[W_N] = {
    [W_PROCESS] = ("INSERT INTO processes(event_id, slug, published, config, session_id,"
                   " updated_at) VALUES(?,?,?,?,?,?) ON CONFLICT(event_id) DO UPDATE SET"
                   " slug=excluded.slug, published=excluded.published, config=excluded.config,"
                   " session_id=excluded.session_id, updated_at=excluded.updated_at"),
    [W_POST] = ("INSERT OR IGNORE INTO posts(event_id, topic, parent, kind, participant,"
                " client_id, body, user_id, at, hidden, pending) VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
    [W_FIND_POST] = ("SELECT id FROM posts WHERE event_id=? AND client_id=?"),
    [W_MARK] = ("INSERT OR IGNORE INTO post_marks(post_id, kind, participant, at) VALUES(?,?,?,?)"),
    [W_HIDE] = ("UPDATE posts SET hidden=?, pending=0 WHERE id=?"),
    [W_REVIEWED] = ("UPDATE posts SET reviewed=? WHERE id=?"),
    [W_UNLINK_ANSWERS] = ("UPDATE answers SET participant=lower(hex(randomblob(16))) WHERE"
                          " session_id IN (SELECT id FROM sessions WHERE event_id=?)"),
    [W_UNLINK_POSTS] = ("UPDATE posts SET participant=lower(hex(randomblob(16)))"
                        " WHERE event_id=?"),
    [W_TOUCH] = ("UPDATE events SET updated_at=? WHERE id=?"),
    [W_UNLINK_MARKS] = ("UPDATE post_marks SET participant=lower(hex(randomblob(16))) WHERE"
                        " post_id IN (SELECT id FROM posts WHERE event_id=?)"),
};

int sq__web_prepare(sq_t *d)
{
	for (int i = 0; i < W_N; i++)
		if (sqlite3_prepare_v3(d->w, web_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &d->web[i],
		                       NULL) != SQLITE_OK) {
			log_error("store: %s: %s", web_sql[i], sqlite3_errmsg(d->w));
			return STORE_ERROR;
		}
	return STORE_OK;
}

void sq__web_finalize(sq_t *d)
{
	for (int i = 0; i < W_N; i++) {
		sqlite3_finalize(d->web[i]);
		d->web[i] = NULL;
	}
}

static int step(sqlite3_stmt *q)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* ---- reads ---- */

int sq_processes(store_t *st, void (*fn)(const store_process_t *p, void *arg), void *arg)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT event_id, slug, published, config, session_id,"
	                               " updated_at FROM processes ORDER BY event_id");
	if (!q)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_process_t p = {
		    .event_id = sqlite3_column_int64(q, 0),
		    .slug = (const char *)sqlite3_column_text(q, 1),
		    .published = sqlite3_column_int(q, 2) != 0,
		    .config = (const char *)sqlite3_column_text(q, 3),
		    .session_id = sqlite3_column_int64(q, 4),
		    .updated_at = sqlite3_column_int64(q, 5),
		};
		if (!p.config)
			p.config = "{}";
		fn(&p, arg);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int sq_posts(store_t *st, int64_t event_id, void (*fn)(const store_post_t *p, void *arg),
             void (*mark)(int64_t post_id, int kind, const char *participant, void *arg), void *arg)
{
	sqlite3_stmt *q = sq__prep(st, "SELECT id, topic, parent, kind, participant, body,"
	                               " user_id, at, hidden, pending, reviewed FROM posts"
	                               " WHERE event_id=? ORDER BY id");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_post_t p = {
		    .id = sqlite3_column_int64(q, 0),
		    .event_id = event_id,
		    .topic = sqlite3_column_int64(q, 1),
		    .parent = sqlite3_column_int64(q, 2),
		    .kind = sqlite3_column_int(q, 3),
		    .participant = (const char *)sqlite3_column_text(q, 4),
		    .body = (const char *)sqlite3_column_text(q, 5),
		    .user_id = sqlite3_column_int64(q, 6),
		    .at_ms = sqlite3_column_int64(q, 7),
		    .hidden = sqlite3_column_int(q, 8) != 0,
		    .pending = sqlite3_column_int(q, 9) != 0,
		    .reviewed = sqlite3_column_int(q, 10) != 0,
		};
		fn(&p, arg);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return STORE_ERROR;
	q = sq__prep(st, "SELECT m.post_id, m.kind, m.participant FROM post_marks m JOIN posts p"
	                 " ON p.id=m.post_id WHERE p.event_id=?");
	if (!q)
		return STORE_ERROR;
	sqlite3_bind_int64(q, 1, event_id);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		mark(sqlite3_column_int64(q, 0), sqlite3_column_int(q, 1),
		     (const char *)sqlite3_column_text(q, 2), arg);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* ---- the writer's jobs ---- */

int sq_job_process(store_t *st, store_job_t *j)
{
	sqlite3_stmt *q = SQ(st)->web[W_PROCESS];
	sqlite3_bind_int64(q, 1, j->u.process.event_id);
	if (j->u.process.slug)
		sqlite3_bind_text(q, 2, j->u.process.slug, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 2);
	sqlite3_bind_int(q, 3, j->u.process.published);
	sqlite3_bind_text(q, 4, j->u.process.config, -1, SQLITE_STATIC);
	if (j->u.process.session_id)
		sqlite3_bind_int64(q, 5, j->u.process.session_id);
	else
		sqlite3_bind_null(q, 5);
	sqlite3_bind_int64(q, 6, j->u.process.at_ms);
	if (step(q))
		return STORE_ERROR;
	/* the dashboard's "last change" of the event, in the same transaction */
	q = SQ(st)->web[W_TOUCH];
	sqlite3_bind_int64(q, 1, j->u.process.at_ms);
	sqlite3_bind_int64(q, 2, j->u.process.event_id);
	return step(q);
}

int sq_job_post(store_t *st, store_job_t *j)
{
	sq_t *d = SQ(st);
	sqlite3_stmt *q = d->web[W_POST];
	sqlite3_bind_int64(q, 1, j->u.post.event_id);
	sqlite3_bind_int64(q, 2, j->u.post.topic);
	sqlite3_bind_int64(q, 3, j->u.post.parent);
	sqlite3_bind_int(q, 4, j->u.post.kind);
	sqlite3_bind_text(q, 5, j->u.post.participant, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, j->u.post.client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, j->u.post.body, -1, SQLITE_STATIC);
	if (j->u.post.user_id)
		sqlite3_bind_int64(q, 8, j->u.post.user_id);
	else
		sqlite3_bind_null(q, 8);
	sqlite3_bind_int64(q, 9, j->u.post.at_ms);
	sqlite3_bind_int(q, 10, j->u.post.pending);
	sqlite3_bind_int(q, 11, j->u.post.pending);
	if (step(q))
		return STORE_ERROR;
	if (sqlite3_changes(d->w) == 1) {
		j->u.post.id = sqlite3_last_insert_rowid(d->w);
		j->u.post.duplicate = false;
		return STORE_OK;
	}
	int rc = sq__find_retry(d->web[W_FIND_POST], j->u.post.event_id, j->u.post.client_id,
	                        &j->u.post.id);
	j->u.post.duplicate = rc == STORE_OK;
	return rc;
}

int sq_job_mark(store_t *st, store_job_t *j)
{
	sq_t *d = SQ(st);
	sqlite3_stmt *q = d->web[W_MARK];
	sqlite3_bind_int64(q, 1, j->u.mark.post_id);
	sqlite3_bind_int(q, 2, j->u.mark.kind);
	sqlite3_bind_text(q, 3, j->u.mark.participant, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, j->u.mark.at_ms);
	if (step(q))
		return STORE_ERROR;
	j->u.mark.added = sqlite3_changes(d->w) == 1;
	return STORE_OK;
}

static int post_flag(store_t *st, store_job_t *j, int which, const char *on, const char *off)
{
	sqlite3_stmt *q = SQ(st)->web[which];
	sqlite3_bind_int(q, 1, j->u.flag.value);
	sqlite3_bind_int64(q, 2, j->u.flag.answer_id);
	int rc = step(q);
	if (rc || !j->u.flag.event_id)
		return rc;
	return sq__log_flag(st, j, j->u.flag.value ? on : off);
}

int sq_job_post_hide(store_t *st, store_job_t *j)
{
	return post_flag(st, j, W_HIDE, "post-hide", "post-show");
}

int sq_job_post_reviewed(store_t *st, store_job_t *j)
{
	return post_flag(st, j, W_REVIEWED, "post-keep", "post-unreviewed");
}

/* The retention's end: no answer, post or mark of the event can be tied to
 * a device any more (each gets a random participant of its own), and the
 * process's config records when. Old values stay in free pages and the
 * WAL until they are written over: inspraak purge also rewrites the file. */
int sq_job_retention(store_t *st, store_job_t *j)
{
	sq_t *d = SQ(st);
	for (int i = W_UNLINK_ANSWERS; i <= W_UNLINK_MARKS; i++) {
		sqlite3_bind_int64(d->web[i], 1, j->u.process.event_id);
		if (step(d->web[i]))
			return STORE_ERROR;
	}
	return sq_job_process(st, j);
}
