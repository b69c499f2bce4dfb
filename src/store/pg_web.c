/*
 * pg_web: the PostgreSQL engine's part of the website (migration 10, as
 * sqlite_web.c for SQLite): processes, posts and marks. The reads run on
 * the synchronous connection when the app starts, publishes a process or
 * writes a report; every write is a writer job sent in the writer's
 * pipeline (pg_write.c) with a statement prepared there.
 *
 * Hazard: a job that fails aborts its whole group, other residents'
 * answers included. So nothing here may fail on bad input: a second post
 * with the same client id is found, not refused (ON CONFLICT DO NOTHING),
 * and a second mark is ignored; the app checks slugs before it submits.
 */
#include <stdlib.h>
#include <string.h>

#include "store/pg.h"

/* ---- reads ---- */

/* Processes are few (one per published event) and fn may call the store
 * (app/process.c loads each one's posts), which pg__each forbids: the
 * rows are read whole first. */
int pg_processes(store_t *st, void (*fn)(const store_process_t *p, void *arg), void *arg)
{
	PGresult *r;
	int64_t n = pg__run(st, &r,
	                    "SELECT event_id, slug, published, config, session_id, updated_at"
	                    " FROM processes ORDER BY event_id",
	                    "");
	if (n < 0)
		return STORE_ERROR;
	for (int i = 0; i < (int)n; i++) {
		store_process_t p = {
		    .event_id = pg__int(r, i, 0),
		    .slug = PQgetisnull(r, i, 1) ? NULL : PQgetvalue(r, i, 1),
		    .published = pg__int(r, i, 2) != 0,
		    .config = PQgetisnull(r, i, 3) ? "{}" : PQgetvalue(r, i, 3),
		    .session_id = pg__int(r, i, 4),
		    .updated_at = pg__int(r, i, 5),
		};
		fn(&p, arg);
	}
	PQclear(r);
	return STORE_OK;
}

typedef struct each_post {
	int64_t event_id;
	void (*fn)(const store_post_t *p, void *arg);
	void (*mark)(int64_t post_id, int kind, const char *participant, void *arg);
	void *arg;
} each_post_t;

static void each_post(const PGresult *r, void *arg)
{
	each_post_t *e = arg;
	store_post_t p = {
	    .id = pg__int(r, 0, 0),
	    .event_id = e->event_id,
	    .topic = pg__int(r, 0, 1),
	    .parent = pg__int(r, 0, 2),
	    .kind = (int)pg__int(r, 0, 3),
	    .participant = PQgetvalue(r, 0, 4),
	    .body = PQgetvalue(r, 0, 5),
	    .user_id = pg__int(r, 0, 6),
	    .at_ms = pg__int(r, 0, 7),
	    .hidden = pg__int(r, 0, 8) != 0,
	    .pending = pg__int(r, 0, 9) != 0,
	    .reviewed = pg__int(r, 0, 10) != 0,
	};
	e->fn(&p, e->arg);
}

static void each_mark(const PGresult *r, void *arg)
{
	each_post_t *e = arg;
	e->mark(pg__int(r, 0, 0), (int)pg__int(r, 0, 1), PQgetvalue(r, 0, 2), e->arg);
}

/* A topic's posts and their marks arrive a row at a time (pg__each): a
 * process of 100,000 supports is never whole in memory here. */
int pg_posts(store_t *st, int64_t event_id, void (*fn)(const store_post_t *p, void *arg),
             void (*mark)(int64_t post_id, int kind, const char *participant, void *arg), void *arg)
{
	each_post_t e = {event_id, fn, mark, arg};
	if (pg__each(st, each_post, &e,
	             "SELECT id, topic, parent, kind, participant, body, user_id, at, hidden,"
	             " pending, reviewed FROM posts WHERE event_id=$1 ORDER BY id",
	             "i", event_id))
		return STORE_ERROR;
	if (pg__each(st, each_mark, &e,
	             "SELECT m.post_id, m.kind, m.participant FROM post_marks m JOIN posts p"
	             " ON p.id=m.post_id WHERE p.event_id=$1",
	             "i", event_id))
		return STORE_ERROR;
	return STORE_OK;
}

/* inspraak purge: the event's posts and marks as its answers (see
 * pg_purge_event), then the tables rewritten without the old rows. */
int pg__web_purge(store_t *st, int64_t event_id, bool all_posts)
{
	if (pg__run(st, NULL,
	            all_posts ? "DELETE FROM posts WHERE event_id=$1"
	                      : "UPDATE posts SET participant=replace(gen_random_uuid()::text, '-',"
	                        " '') WHERE event_id=$1",
	            "i", event_id) < 0 ||
	    pg__run(st, NULL,
	            "UPDATE post_marks SET participant=replace(gen_random_uuid()::text, '-', '')"
	            " WHERE post_id IN (SELECT id FROM posts WHERE event_id=$1)",
	            "i", event_id) < 0)
		return STORE_ERROR;
	pg__exec(st, "VACUUM FULL posts");
	pg__exec(st, "VACUUM FULL post_marks");
	return STORE_OK;
}

/* ---- the writer's jobs (pg_write.c sends them, and reads a post's id
 * and a mark's "added" from their results) ---- */

int pg_job_process(store_t *st, store_job_t *j)
{
	if (pg__wsend(st, j, "ups_process", "ititni", j->u.process.event_id, j->u.process.slug,
	              (int64_t)j->u.process.published, j->u.process.config, j->u.process.session_id,
	              j->u.process.at_ms))
		return STORE_ERROR;
	/* the dashboard's "last change" of the event, in the same transaction */
	return pg__wsend(st, j, "touch_event", "ii", j->u.process.at_ms, j->u.process.event_id);
}

int pg_job_post(store_t *st, store_job_t *j)
{
	return pg__wsend(st, j, "ins_post", "iiiitttnii", j->u.post.event_id, j->u.post.topic,
	                 j->u.post.parent, (int64_t)j->u.post.kind, j->u.post.participant,
	                 j->u.post.client_id, j->u.post.body, j->u.post.user_id, j->u.post.at_ms,
	                 (int64_t)j->u.post.pending);
}

int pg_job_mark(store_t *st, store_job_t *j)
{
	return pg__wsend(st, j, "ins_mark", "iiti", j->u.mark.post_id, (int64_t)j->u.mark.kind,
	                 j->u.mark.participant, j->u.mark.at_ms);
}

int pg_job_post_hide(store_t *st, store_job_t *j)
{
	return pg__flag(st, j, "upd_post_hidden", "post-hide", "post-show");
}

int pg_job_post_reviewed(store_t *st, store_job_t *j)
{
	return pg__flag(st, j, "upd_post_reviewed", "post-keep", "post-unreviewed");
}

/* The retention's end: no answer, post or mark of the event can be tied to
 * a device any more (each gets a random participant of its own), and the
 * process's config records when. The old row versions stay until VACUUM
 * and in the write-ahead log: docs/postgresql.md says so. */
int pg_job_retention(store_t *st, store_job_t *j)
{
	static const char *const unlink[] = {"unlink_answers", "unlink_posts", "unlink_marks"};
	for (size_t i = 0; i < sizeof unlink / sizeof *unlink; i++)
		if (pg__wsend(st, j, unlink[i], "i", j->u.process.event_id))
			return STORE_ERROR;
	return pg_job_process(st, j);
}
