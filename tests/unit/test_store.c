/*
 * Unit tests for src/store: events and sessions, users and tokens, the
 * writer's group commit with duplicate detection and readers' snapshots,
 * against a real database; and the SQLite engine's migrations.
 *
 * The database is a SQLite file in a temporary folder, or the one named by
 * INSPRAAK_TEST_STORE (such as a postgresql:// URL of a scratch database),
 * so that the engine-independent tests run unchanged on every engine. The
 * tests that open the file with SQLite itself (migrations) are skipped
 * then.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <libpq-fe.h>
#include <unistd.h>

#include "store/store.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/inspraak-store-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/t.db", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The database under test: INSPRAAK_TEST_STORE, else the SQLite file. */
static const char *db_arg(void)
{
	const char *env = getenv("INSPRAAK_TEST_STORE");
	return env && *env ? env : path;
}

/* The tests below that open path with SQLite itself skip on other engines. */
static void sqlite_only(void)
{
	if (db_arg() != path)
		skip();
}

static store_t *open_ok(void)
{
	store_t *st = NULL;
	char err[256];
	int rc = store_open(db_arg(), &st, err, sizeof err);
	if (rc != STORE_OK)
		fail_msg("store_open: %s", err);
	return st;
}

static void events_sessions_and_users(void **state)
{
	(void)state;
	store_t *st = open_ok();
	unsigned char secret[32];
	memcpy(secret, store_secret(st), 32);
	char *slides[] = {"{\"kind\":\"content\"}", "{\"kind\":\"open\"}"};
	int64_t ev, ids[2];
	assert_int_equal(store_event_create(st, "T", "S", "nl", "# md", 0, slides, 2, &ev, ids),
	                 STORE_OK);
	assert_true(ids[1] > ids[0]);
	store_session_t s, s2;
	assert_int_equal(store_session_create(st, ev, 6, &s), STORE_OK);
	assert_int_equal(strlen(s.code), 6);
	assert_true(s.code[0] != '0');
	assert_int_equal(store_session_create(st, ev, 8, &s2), STORE_OK);
	assert_int_equal(strlen(s2.code), 8);
	assert_int_equal(store_session_create(st, ev, 5, &s2), STORE_ERROR);
	assert_int_equal(store_session_by_code(st, "000000", &s2), STORE_NOTFOUND);
	assert_int_equal(store_user_add(st, "anna", "$argon2id$x", "facilitator", NULL), STORE_OK);
	assert_int_equal(store_user_add(st, "anna", "$argon2id$y", "facilitator", NULL),
	                 STORE_EXISTS);
	unsigned char h[32] = {1, 2, 3};
	int64_t uid, got;
	assert_int_equal(store_user_get(st, "anna", &uid, NULL), STORE_OK);
	assert_int_equal(store_token_add(st, h, uid, "api", 0), STORE_OK);
	assert_int_equal(store_token_user(st, h, "api", 5, &got), STORE_OK);
	assert_int_equal(got, uid);
	assert_int_equal(store_token_user(st, h, "session", 5, &got), STORE_NOTFOUND);
	store_close(st);
	/* Reopening keeps the secret and migrates nothing twice. */
	st = open_ok();
	assert_memory_equal(store_secret(st), secret, 32);
	store_event_t e;
	assert_int_equal(store_event_get(st, ev, &e), STORE_OK);
	assert_string_equal(e.title, "T");
	store_event_clear(&e);
	store_close(st);
}

/* An event with one open question and a session of it; *slide is the
 * question's id. */
static void open_session(store_t *st, const char *lang, store_session_t *s, int64_t *slide)
{
	char *slides[] = {"{\"kind\":\"open\"}"};
	int64_t ev;
	assert_int_equal(store_event_create(st, "T", "", lang, "", 0, slides, 1, &ev, slide),
	                 STORE_OK);
	assert_int_equal(store_session_create(st, ev, 6, s), STORE_OK);
}

/* An answer job for the session's question from participant number who,
 * with client id prefix + n. */
static void answer_job(store_job_t *j, store_done_fn done, void *arg, const store_session_t *s,
                       int64_t slide, int who, const char *prefix, int n, char *value)
{
	j->kind = STORE_JOB_ANSWER;
	j->done = done;
	j->arg = arg;
	j->u.answer.session_id = s->id;
	j->u.answer.slide_id = slide;
	j->u.answer.at_ms = 1;
	snprintf(j->u.answer.participant, sizeof j->u.answer.participant, "%032d", who);
	snprintf(j->u.answer.client_id, sizeof j->u.answer.client_id, "%s%d", prefix, n);
	j->u.answer.value = value;
}

typedef struct ctx {
	uv_loop_t *loop;
	int done;
	int n;
} ctx_t;

static void job_done(store_job_t *j)
{
	ctx_t *c = j->arg;
	if (++c->done == c->n)
		uv_stop(c->loop);
}

static void count_answer(const store_answer_t *a, void *arg)
{
	(void)a;
	(*(int *)arg)++;
}

typedef struct since {
	int n;
	int64_t max_id;
} since_t;

static void since_answer(const store_answer_t *a, void *arg)
{
	since_t *s = arg;
	s->n++;
	if (a->id > s->max_id)
		s->max_id = a->id;
}

static void writer_commits_groups_and_finds_duplicates(void **state)
{
	(void)state;
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s;
	open_session(st, "en", &s, ids);
	uv_loop_t loop;
	uv_loop_init(&loop);
	assert_int_equal(store_start(st, &loop), STORE_OK);
	enum { N = 500 };
	store_job_t *jobs = calloc(N + 1, sizeof *jobs);
	ctx_t c = {&loop, 0, N + 1};
	for (int i = 0; i <= N; i++) {
		store_job_t *j = &jobs[i];
		/* the last job repeats the first one's id */
		answer_job(j, job_done, &c, &s, ids[0], i % 50, "client-", i == N ? 0 : i,
		           "\"hello\"");
		store_submit(st, j);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(c.done, N + 1);
	for (int i = 0; i <= N; i++)
		assert_int_equal(jobs[i].status, STORE_OK);
	assert_false(jobs[0].u.answer.duplicate);
	assert_true(jobs[N].u.answer.duplicate);
	assert_int_equal(jobs[N].u.answer.id, jobs[0].u.answer.id);
	int count = 0;
	assert_int_equal(store_answers_load(st, s.id, count_answer, &count), STORE_OK);
	assert_int_equal(count, N);

	/* store_answers_since: all from 0; then what came since, and on an
	 * engine with a cursor not everything again */
	int64_t cursor = 0;
	count = 0;
	assert_int_equal(store_answers_since(st, s.id, &cursor, count_answer, &count), STORE_OK);
	assert_int_equal(count, N);
	store_job_t more = {0};
	c = (ctx_t){&loop, 0, 1};
	answer_job(&more, job_done, &c, &s, ids[0], 7, "client-", N + 1, "\"later\"");
	store_submit(st, &more);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(more.status, STORE_OK);
	since_t since = {0};
	assert_int_equal(store_answers_since(st, s.id, &cursor, since_answer, &since), STORE_OK);
	assert_int_equal(since.max_id, more.u.answer.id);
	if (cursor)
		assert_true(since.n < N);
	else
		assert_int_equal(since.n, N + 1);
	store_close(st);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	free(jobs);
}

/* Reports keep commit order across groups: a duplicate found in a later
 * group is reported after the group that stored the original, which is
 * flushed to disk by then. */
static int order_seen[8], order_n;

static void job_done_in_order(store_job_t *j)
{
	ctx_t *c = j->arg;
	order_seen[order_n++] = (int)(j - (store_job_t *)c->loop->data);
	if (++c->done == c->n)
		uv_stop(c->loop);
}

static void reports_keep_commit_order(void **state)
{
	(void)state;
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s;
	open_session(st, "en", &s, ids);
	uv_loop_t loop;
	uv_loop_init(&loop);
	assert_int_equal(store_start(st, &loop), STORE_OK);
	store_job_t jobs[4];
	memset(jobs, 0, sizeof jobs);
	loop.data = jobs;
	ctx_t c = {&loop, 0, 4};
	order_n = 0;
	for (int i = 0; i < 4; i++) {
		store_job_t *j = &jobs[i];
		/* jobs 0 and 2 carry the same id, as a retry would */
		answer_job(j, job_done_in_order, &c, &s, ids[0], i, "order-", i == 2 ? 0 : i,
		           "\"x\"");
		store_submit(st, j);
		/* each job its own loop iteration, so its own group */
		uv_run(&loop, UV_RUN_NOWAIT);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(c.done, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(order_seen[i], i);
		assert_int_equal(jobs[i].status, STORE_OK);
	}
	assert_true(jobs[2].u.answer.duplicate);
	assert_int_equal(jobs[2].u.answer.id, jobs[0].u.answer.id);
	store_close(st);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

/* The same over many small groups, whose flushes overlap (writer.c,
 * SYNCERS): reports still come in commit order, every one stored. */
static int many_seen[200], many_n;

static void job_done_many(store_job_t *j)
{
	ctx_t *c = j->arg;
	many_seen[many_n++] = (int)(j - (store_job_t *)c->loop->data);
	if (++c->done == c->n)
		uv_stop(c->loop);
}

static void reports_keep_commit_order_with_overlapping_flushes(void **state)
{
	(void)state;
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s;
	open_session(st, "en", &s, ids);
	uv_loop_t loop;
	uv_loop_init(&loop);
	assert_int_equal(store_start(st, &loop), STORE_OK);
	enum { N = 200 };
	store_job_t *jobs = calloc(N, sizeof *jobs);
	loop.data = jobs;
	ctx_t c = {&loop, 0, N};
	many_n = 0;
	for (int i = 0; i < N; i++) {
		answer_job(&jobs[i], job_done_many, &c, &s, ids[0], i % 7, "many-", i, "\"x\"");
		store_submit(st, &jobs[i]);
		uv_run(&loop, UV_RUN_NOWAIT);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(c.done, N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(many_seen[i], i);
		assert_int_equal(jobs[i].status, STORE_OK);
	}
	int count = 0;
	assert_int_equal(store_answers_load(st, s.id, count_answer, &count), STORE_OK);
	assert_int_equal(count, N);
	store_close(st);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	free(jobs);
}

static int count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	int n = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return n;
}

/* Version 7 rebuilds the answers table without its three-column unique
 * constraint: a database of version 6 keeps every answer and flag, and an
 * answer id stays unique per session. */
static void migration_7_keeps_answers(void **state)
{
	(void)state;
	sqlite_only();
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s;
	open_session(st, "nl", &s, ids);
	store_close(st);

	/* Put the table back as version 6 had it, with two answers. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char sql[1024];
	snprintf(sql, sizeof sql,
	         "DROP TABLE answers;"
	         "CREATE TABLE answers(id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL"
	         "  REFERENCES sessions(id) ON DELETE CASCADE, slide_id INTEGER NOT NULL,"
	         "  participant TEXT NOT NULL, client_id TEXT NOT NULL, value TEXT NOT NULL,"
	         "  at INTEGER NOT NULL, hidden INTEGER NOT NULL DEFAULT 0,"
	         "  answered INTEGER NOT NULL DEFAULT 0, pending INTEGER NOT NULL DEFAULT 0,"
	         "  pinned INTEGER NOT NULL DEFAULT 0, UNIQUE(session_id, participant, client_id));"
	         "CREATE INDEX answers_session ON answers(session_id, id);"
	         "CREATE UNIQUE INDEX answers_client ON answers(session_id, client_id);"
	         "INSERT INTO answers VALUES(5, %lld, %lld, 'p1', 'c1', '\"een\"', 1, 1, 0, 0, 1);"
	         "INSERT INTO answers VALUES(9, %lld, %lld, 'p2', 'c2', '\"twee\"', 2, 0, 0, 1, 0);"
	         /* and the sessions as before version 8 */
	         "ALTER TABLE sessions DROP COLUMN self_paced;"
	         "ALTER TABLE sessions DROP COLUMN name;"
	         "PRAGMA user_version=6;",
	         (long long)s.id, (long long)ids[0], (long long)s.id, (long long)ids[0]);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	st = open_ok();
	int count = 0;
	assert_int_equal(store_answers_load(st, s.id, count_answer, &count), STORE_OK);
	assert_int_equal(count, 2);
	store_close(st);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_true(count_rows(db, "PRAGMA user_version") >= 7);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM sqlite_master WHERE tbl_name="
	                                "'answers' AND name LIKE 'sqlite_autoindex%'"),
	                 0);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM sqlite_master WHERE name IN"
	                                "('answers_session', 'answers_client')"),
	                 2);
	assert_int_equal(count_rows(db, "SELECT hidden + 2 * pending + 4 * pinned FROM answers"
	                                " WHERE id=5"),
	                 5);
	assert_int_equal(count_rows(db, "SELECT hidden + 2 * pending + 4 * pinned FROM answers"
	                                " WHERE id=9"),
	                 2);
	snprintf(sql, sizeof sql,
	         "INSERT INTO answers(session_id, slide_id, participant, client_id, value, at)"
	         " VALUES(%lld, %lld, 'p3', 'c1', '1', 3)",
	         (long long)s.id, (long long)ids[0]);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_CONSTRAINT);
	sqlite3_close(db);
}

/* Runs sql on the database under test, with the engine's own library;
 * returns the first column of the first row as a number (0 without rows). */
static int64_t raw_sql(const char *sql)
{
	int64_t v = 0;
	if (db_arg() == path) {
		sqlite3 *db;
		sqlite3_stmt *q;
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
		if (sqlite3_step(q) == SQLITE_ROW)
			v = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		sqlite3_close(db);
		return v;
	}
	PGconn *c = PQconnectdb(db_arg());
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(r);
	assert_true(s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK);
	if (s == PGRES_TUPLES_OK && PQntuples(r))
		v = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

/* A database whose schema is newer than this binary is refused and left
 * as it is, on every engine: SQLite keeps the version in user_version,
 * PostgreSQL in the table schema_version. */
static void a_newer_schema_is_refused(void **state)
{
	(void)state;
	store_close(open_ok()); /* made and migrated */
	bool sq = db_arg() == path;
	int64_t v = raw_sql(sq ? "PRAGMA user_version" : "SELECT version FROM schema_version");
	assert_true(v >= 8);
	const char *set =
	    sq ? "PRAGMA user_version=%lld" : "UPDATE schema_version SET version=%lld";
	char sql[64];
	snprintf(sql, sizeof sql, set, (long long)v + 1);
	raw_sql(sql);
	store_t *st = (store_t *)1;
	char err[256] = "";
	assert_int_equal(store_open(db_arg(), &st, err, sizeof err), STORE_ERROR);
	assert_true(st == (store_t *)1);
	assert_non_null(strstr(err, "newer"));
	assert_int_equal(raw_sql(sq ? "PRAGMA user_version" : "SELECT version FROM schema_version"),
	                 v + 1);
	snprintf(sql, sizeof sql, set, (long long)v);
	raw_sql(sql);
	store_close(open_ok());
}

static void count_session(const store_session_t *s, void *arg)
{
	int *n = arg;
	*n += s->self_paced ? 100 : 1;
}

/* Version 8 adds self-paced sessions: a database of version 7 keeps its
 * sessions, all following their presenter; a new session can be self-paced,
 * and says so when read back, live or ended. */
static void migration_8_self_paced_sessions(void **state)
{
	(void)state;
	sqlite_only();
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s;
	open_session(st, "nl", &s, ids);
	store_close(st);

	/* Back to version 7: the sessions table as it was then. */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(db,
	                 "PRAGMA foreign_keys=OFF;"
	                 "CREATE TABLE sessions7(id INTEGER PRIMARY KEY, event_id INTEGER"
	                 "  NOT NULL REFERENCES events(id) ON DELETE CASCADE, code TEXT"
	                 "  NOT NULL UNIQUE, status INTEGER NOT NULL DEFAULT 0, slide_index"
	                 "  INTEGER NOT NULL DEFAULT 0, open INTEGER NOT NULL DEFAULT 1,"
	                 "  results INTEGER NOT NULL DEFAULT 0, revision INTEGER NOT NULL"
	                 "  DEFAULT 1, started_at INTEGER NOT NULL, ended_at INTEGER);"
	                 "INSERT INTO sessions7 SELECT id, event_id, code, status,"
	                 "  slide_index, open, results, revision, started_at, ended_at"
	                 "  FROM sessions;"
	                 "DROP TABLE sessions;"
	                 "ALTER TABLE sessions7 RENAME TO sessions;"
	                 "PRAGMA user_version=7;",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(count_rows(db, "SELECT count(*) FROM pragma_table_info('sessions')"
	                                " WHERE name='self_paced'"),
	                 0);
	sqlite3_close(db);

	st = open_ok();
	store_session_t got;
	assert_int_equal(store_session_by_code(st, s.code, &got), STORE_OK);
	assert_false(got.self_paced);
	assert_int_equal(got.id, s.id);
	store_session_t online;
	assert_int_equal(store_session_create_mode(st, s.event_id, 6, true, &online), STORE_OK);
	assert_true(online.self_paced);
	assert_true(online.results);
	assert_false(got.results);
	assert_string_not_equal(online.code, s.code);
	assert_int_equal(store_session_by_code(st, online.code, &got), STORE_OK);
	assert_true(got.self_paced);
	int n = 0;
	assert_int_equal(store_sessions_live(st, count_session, &n), STORE_OK);
	assert_int_equal(n / 100, 1); /* one self-paced among the live ones */
	assert_true(n % 100 >= 1);
	n = 0;
	assert_int_equal(store_event_sessions(st, s.event_id, count_session, &n), STORE_OK);
	assert_int_equal(n, 101);
	store_close(st);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_true(count_rows(db, "PRAGMA user_version") >= 8);
	sqlite3_close(db);
}

static void name_of_session(const store_session_t *s, void *arg)
{
	strcat(arg, s->name[0] ? s->name : "-");
	strcat(arg, "|");
}

/* Version 9 names sessions (issue 13): a database of version 8 keeps its
 * sessions, unnamed; a name is set, read back live and in the event's list,
 * and cleared again; an unknown session is NOTFOUND. */
static void migration_9_session_names(void **state)
{
	(void)state;
	sqlite_only();
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s;
	open_session(st, "nl", &s, ids);
	store_close(st);

	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "ALTER TABLE sessions DROP COLUMN name;"
	                              "PRAGMA user_version=8;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(db);

	st = open_ok();
	store_session_t got, second;
	assert_int_equal(store_session_by_code(st, s.code, &got), STORE_OK);
	assert_string_equal(got.name, "");
	assert_int_equal(store_session_create(st, s.event_id, 6, &second), STORE_OK);
	assert_int_equal(store_session_set_name(st, s.id, "16 oktober"), STORE_OK);
	assert_int_equal(store_session_set_name(st, second.id, "26 oktober · café"), STORE_OK);
	assert_int_equal(store_session_by_code(st, s.code, &got), STORE_OK);
	assert_string_equal(got.name, "16 oktober");
	char names[128] = "";
	assert_int_equal(store_event_sessions(st, s.event_id, name_of_session, names), STORE_OK);
	assert_string_equal(names, "16 oktober|26 oktober · café|");
	assert_int_equal(store_session_set_name(st, s.id, ""), STORE_OK);
	names[0] = '\0';
	assert_int_equal(store_sessions_live(st, name_of_session, names), STORE_OK);
	/* the sessions of the tests before are live too, unnamed */
	size_t nl = strlen(names), tl = strlen("-|26 oktober · café|");
	assert_true(nl >= tl);
	assert_string_equal(names + nl - tl, "-|26 oktober · café|");
	assert_int_equal(store_session_set_name(st, 999999, "x"), STORE_NOTFOUND);
	store_close(st);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	/* 10: the website's tables (website_posts_marks_and_retention), 11:
	 * its e-mail (mail_links_and_people); later migrations (12: the
	 * sociale kaart) come after them */
	assert_true(count_rows(db, "PRAGMA user_version") >= 11);
	sqlite3_close(db);
}

/* The error convention: the store's names are libuv's codes, and a
 * PostgreSQL database that cannot be reached (or an engine that is not
 * built in) is refused with a reason that does not repeat the URL (it may
 * hold a password). */
static void codes_and_engines(void **state)
{
	(void)state;
	assert_int_equal(STORE_ERROR, UV_EIO);
	assert_int_equal(STORE_NOTFOUND, UV_ENOENT);
	assert_int_equal(STORE_EXISTS, UV_EEXIST);
	store_t *st = (store_t *)1;
	char err[256] = "";
	int rc = store_open("postgresql://anna:geheim@localhost/inspraak", &st, err, sizeof err);
	if (rc == STORE_OK) {
		store_close(st); /* a build with PostgreSQL and a server to talk to */
		return;
	}
	assert_true(rc == UV_ENOTSUP || rc == STORE_ERROR);
	assert_true(st == (store_t *)1);
	assert_non_null(strstr(err, "PostgreSQL"));
	assert_null(strstr(err, "geheim"));
	st = open_ok();
	store_event_t e;
	assert_int_equal(store_event_get(st, 999999, &e), STORE_NOTFOUND);
	char v[16];
	assert_int_equal(store_meta_get(st, "no-such-key", v, sizeof v), STORE_NOTFOUND);
	assert_int_equal(store_user_del(st, "nobody"), STORE_NOTFOUND);
	store_close(st);
}

/* A group in which one write fails stores none of its writes and reports
 * each job failed; the writer goes on with the next group. (An answer to a
 * session that does not exist breaks the foreign key on every engine.) */
static void a_failed_group_stores_nothing(void **state)
{
	(void)state;
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s, ghost;
	open_session(st, "en", &s, ids);
	ghost = s;
	ghost.id = 999999;
	uv_loop_t loop;
	uv_loop_init(&loop);
	assert_int_equal(store_start(st, &loop), STORE_OK);
	enum { N = 100 };
	store_job_t jobs[N + 1];
	memset(jobs, 0, sizeof jobs);
	ctx_t c = {&loop, 0, N};
	for (int i = 0; i < N; i++) {
		/* the 70th, after a backlog of results, is the bad one */
		answer_job(&jobs[i], job_done, &c, i == 70 ? &ghost : &s, ids[0], i, "fail-", i,
		           "\"x\"");
		store_submit(st, &jobs[i]);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	for (int i = 0; i < N; i++)
		assert_int_equal(jobs[i].status, STORE_ERROR);
	c.done = 0;
	c.n = 1;
	answer_job(&jobs[N], job_done, &c, &s, ids[0], 1, "fail-", 1, "\"x\"");
	store_submit(st, &jobs[N]);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(jobs[N].status, STORE_OK);
	assert_false(jobs[N].u.answer.duplicate);
	int count = 0;
	assert_int_equal(store_answers_load(st, s.id, count_answer, &count), STORE_OK);
	assert_int_equal(count, 1);
	store_close(st);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

/* The rows of a session, as "client_id participant value" lines in id
 * order. */
static void row_line(const store_answer_t *a, void *arg)
{
	char *out = arg;
	size_t n = strlen(out);
	snprintf(out + n, 2048 - n, "%s %.3s %s\n", a->client_id, a->participant + 29, a->value);
}

/* One group that mixes new answers, retries (of an answer stored before,
 * and of one in the same group), second votes (against a stored vote, and
 * against one in the same group), an open answer and two sessions: each
 * job learns what happened to it as if the group's answers were written
 * one by one. PostgreSQL enforces the one-vote rule (u.answer.once) in the
 * database, for several nodes; SQLite leaves it to the node's tally and
 * stores what it gets. */
static void a_group_of_answers_as_one_by_one(void **state)
{
	(void)state;
	bool pg = db_arg() != path;
	store_t *st = open_ok();
	int64_t a[1], b[1];
	store_session_t s1, s2;
	open_session(st, "en", &s1, a);
	open_session(st, "en", &s2, b);
	uv_loop_t loop;
	uv_loop_init(&loop);
	assert_int_equal(store_start(st, &loop), STORE_OK);

	/* before: participant 1 voted in both sessions */
	store_job_t first[2];
	memset(first, 0, sizeof first);
	ctx_t c = {&loop, 0, 2};
	answer_job(&first[0], job_done, &c, &s1, a[0], 1, "first-", 1, "1");
	answer_job(&first[1], job_done, &c, &s2, b[0], 1, "first-", 2, "1");
	for (int i = 0; i < 2; i++) {
		first[i].u.answer.once = STORE_ONCE_SLIDE;
		store_submit(st, &first[i]);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(first[0].status, STORE_OK);
	assert_int_equal(first[1].status, STORE_OK);

	/* then one group (one loop iteration: one hand-over to the writer) */
	static const struct {
		int sess, who, once;
		const char *client, *value;
	} g[] = {
	    {1, 2, STORE_ONCE_SLIDE, "g-0", "2"},       /* 0: new */
	    {1, 1, STORE_ONCE_SLIDE, "first-1", "1"},   /* 1: retry of first[0] */
	    {1, 1, STORE_ONCE_SLIDE, "g-2", "3"},       /* 2: second vote, stored one */
	    {1, 2, STORE_ONCE_SLIDE, "g-3", "3"},       /* 3: second vote, after 0 */
	    {1, 2, STORE_ONCE_SLIDE, "g-0", "2"},       /* 4: retry of 0 */
	    {2, 2, STORE_ONCE_SLIDE, "g-5", "2"},       /* 5: new, other session */
	    {2, 1, STORE_ONCE_NONE, "g-6", "\"open\""}, /* 6: no rule */
	    {2, 3, STORE_ONCE_SLIDE, "g-0", "1"},       /* 7: g-0 again, other session */
	    {2, 4, STORE_ONCE_VALUE, "g-8", "7"},       /* 8: an upvote */
	    {2, 4, STORE_ONCE_VALUE, "g-9", "7"},       /* 9: the same again */
	    {2, 4, STORE_ONCE_VALUE, "g-10", "8"},      /* 10: another one */
	};
	enum { N = sizeof g / sizeof *g };
	store_job_t jobs[N];
	memset(jobs, 0, sizeof jobs);
	c = (ctx_t){&loop, 0, N};
	for (int i = 0; i < N; i++) {
		store_job_t *j = &jobs[i];
		bool one = g[i].sess == 1;
		answer_job(j, job_done, &c, one ? &s1 : &s2, one ? a[0] : b[0], g[i].who, "", 0,
		           (char *)g[i].value);
		snprintf(j->u.answer.client_id, sizeof j->u.answer.client_id, "%s", g[i].client);
		j->u.answer.once = g[i].once;
		store_submit(st, j);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(c.done, N);
	/* stored (s), a retry (r: duplicate, the first's id) or refused (x);
	 * without the rule in the database, refused ones are stored */
	const char *want = pg ? "srxxrssssxs" : "srssrssssss";
	for (int i = 0; i < N; i++) {
		bool refused = jobs[i].u.answer.refused, dup = jobs[i].u.answer.duplicate;
		char got = refused ? 'x' : dup ? 'r' : 's';
		if (got != want[i])
			fail_msg("job %d: %c, not %c", i, got, want[i]);
		assert_int_equal(jobs[i].status, STORE_OK);
		assert_true(got == 'x' ? jobs[i].u.answer.id == 0 : jobs[i].u.answer.id > 0);
	}
	assert_int_equal(jobs[1].u.answer.id, first[0].u.answer.id);
	assert_int_equal(jobs[4].u.answer.id, jobs[0].u.answer.id);
	assert_true(jobs[7].u.answer.id != jobs[0].u.answer.id);

	char rows1[2048] = "", rows2[2048] = "";
	assert_int_equal(store_answers_load(st, s1.id, row_line, rows1), STORE_OK);
	assert_int_equal(store_answers_load(st, s2.id, row_line, rows2), STORE_OK);
	if (pg) {
		assert_string_equal(rows1, "first-1 001 1\ng-0 002 2\n");
		assert_string_equal(rows2, "first-2 001 1\ng-5 002 2\ng-6 001 \"open\"\n"
		                           "g-0 003 1\ng-8 004 7\ng-10 004 8\n");
	} else {
		assert_string_equal(rows1, "first-1 001 1\ng-0 002 2\ng-2 001 3\ng-3 002 3\n");
	}
	store_close(st);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

/* store_answers_since after a flag: the changed answer comes again, with
 * its new flag, and on an engine with a cursor the unchanged ones do not. */
typedef struct flagged {
	int n, hidden;
	int64_t id;
} flagged_t;

static void flagged_answer(const store_answer_t *a, void *arg)
{
	flagged_t *f = arg;
	f->n++;
	if (a->id == f->id && a->hidden)
		f->hidden++;
}

static void answers_since_sees_a_flag(void **state)
{
	(void)state;
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s;
	open_session(st, "en", &s, ids);
	uv_loop_t loop;
	uv_loop_init(&loop);
	assert_int_equal(store_start(st, &loop), STORE_OK);
	enum { N = 20 };
	store_job_t jobs[N + 1];
	memset(jobs, 0, sizeof jobs);
	ctx_t c = {&loop, 0, N};
	for (int i = 0; i < N; i++) {
		answer_job(&jobs[i], job_done, &c, &s, ids[0], i, "flag-", i, "\"x\"");
		store_submit(st, &jobs[i]);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	int64_t cursor = 0;
	flagged_t f = {0};
	assert_int_equal(store_answers_since(st, s.id, &cursor, flagged_answer, &f), STORE_OK);
	assert_int_equal(f.n, N);

	store_job_t *h = &jobs[N];
	h->kind = STORE_JOB_HIDE;
	h->done = job_done;
	h->arg = &c;
	h->u.flag.answer_id = jobs[3].u.answer.id;
	h->u.flag.value = true;
	c = (ctx_t){&loop, 0, 1};
	store_submit(st, h);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(h->status, STORE_OK);
	f = (flagged_t){.id = jobs[3].u.answer.id};
	assert_int_equal(store_answers_since(st, s.id, &cursor, flagged_answer, &f), STORE_OK);
	assert_int_equal(f.hidden, 1);
	if (cursor)
		assert_true(f.n < N);
	store_close(st);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

static void keep_participant(const store_answer_t *a, void *arg)
{
	snprintf(arg, 40, "%s", a->participant);
}

static void count_name(const char *name, const char *role, void *arg)
{
	(void)role;
	(*(int *)arg) += !strcmp(name, "bert") ? 10 : 1;
}

/* The workspace's calls on every engine: settings, images, sharing, a new
 * deck, purging, passwords that end login sessions; and a backup, which
 * only SQLite makes (PostgreSQL's is pg_dump). */
static void workspace_round_trip(void **state)
{
	(void)state;
	store_t *st = open_ok();
	char v[32];
	assert_int_equal(store_meta_set(st, "demo", "123"), STORE_OK);
	assert_int_equal(store_meta_set(st, "demo", "456"), STORE_OK);
	assert_int_equal(store_meta_get(st, "demo", v, sizeof v), STORE_OK);
	assert_string_equal(v, "456");

	int64_t bert, ev, ev2, ids[2];
	assert_int_equal(store_user_add(st, "bert", "$argon2id$x", "moderator", &bert), STORE_OK);
	char *slides[] = {"{\"kind\":\"open\"}", "{\"kind\":\"scale\"}"};
	assert_int_equal(store_event_create(st, "Plein", "", "nl", "", 0, slides, 1, &ev, ids),
	                 STORE_OK);
	assert_int_equal(store_event_create(st, "Kopie", "", "nl", "", 0, slides, 1, &ev2, ids),
	                 STORE_OK);
	const unsigned char png[5] = {0x89, 'P', 0, 'N', 'G'};
	assert_int_equal(store_media_put(st, ev, "a.png", "image/png", png, 5), STORE_OK);
	assert_int_equal(store_media_put(st, ev, "a.png", "image/png", png, 5), STORE_OK);
	assert_int_equal(store_media_copy(st, ev, ev2), STORE_OK);
	char type[32];
	void *data = NULL;
	size_t len = 0;
	assert_int_equal(store_media_get(st, ev2, "a.png", type, sizeof type, &data, &len),
	                 STORE_OK);
	assert_string_equal(type, "image/png");
	assert_int_equal(len, 5);
	assert_memory_equal(data, png, 5);
	free(data);
	assert_int_equal(store_media_get(st, ev2, "b.png", type, sizeof type, &data, &len),
	                 STORE_NOTFOUND);

	assert_int_equal(store_share(st, ev, "bert", "facilitator"), STORE_OK);
	assert_int_equal(store_share(st, ev, "bert", "moderator"), STORE_OK);
	assert_int_equal(store_share(st, ev, "nobody", "moderator"), STORE_NOTFOUND);
	char access[16];
	assert_int_equal(store_event_access(st, ev, bert, access, sizeof access), STORE_OK);
	assert_string_equal(access, "moderator");
	int n = 0;
	assert_int_equal(store_shares(st, ev, count_name, &n), STORE_OK);
	assert_int_equal(n, 10);

	/* a new deck while there are no answers; none once there are */
	assert_int_equal(store_event_set_deck(st, ev, "Plein 2", "", "en", "", slides, 2, ids),
	                 STORE_OK);
	assert_true(ids[1] > ids[0]);
	store_session_t s;
	assert_int_equal(store_session_create(st, ev, 6, &s), STORE_OK);
	uv_loop_t loop;
	uv_loop_init(&loop);
	assert_int_equal(store_start(st, &loop), STORE_OK);
	store_job_t j[2];
	memset(j, 0, sizeof j);
	ctx_t c = {&loop, 0, 1};
	answer_job(&j[0], job_done, &c, &s, ids[0], 1, "ws-", 0, "\"een\"");
	j[1].kind = STORE_JOB_HIDE;
	j[1].done = job_done;
	j[1].arg = &c;
	store_submit(st, &j[0]);
	uv_run(&loop, UV_RUN_DEFAULT);
	c.done = 0;
	j[1].u.flag.answer_id = j[0].u.answer.id;
	j[1].u.flag.value = true;
	j[1].u.flag.event_id = ev;
	j[1].u.flag.session_id = s.id;
	j[1].u.flag.user_id = bert;
	store_submit(st, &j[1]);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(j[1].status, STORE_OK);
	assert_int_equal(store_event_answers(st, ev), 1);
	assert_int_equal(store_event_set_deck(st, ev, "Plein 3", "", "en", "", slides, 1, ids),
	                 STORE_ERROR);

	int64_t purged = 0;
	char who[2][40] = {"", ""};
	assert_int_equal(store_answers_load(st, s.id, keep_participant, who[0]), STORE_OK);
	assert_int_equal(store_purge_event(st, ev, false, &purged), STORE_OK);
	assert_int_equal(purged, 1);
	assert_int_equal(store_answers_load(st, s.id, keep_participant, who[1]), STORE_OK);
	/* a new random hash of the same form */
	assert_int_equal(strlen(who[1]), 32);
	assert_int_equal(strspn(who[1], "0123456789abcdef"), 32);
	assert_string_not_equal(who[0], who[1]);
	assert_int_equal(store_purge_event(st, 999999, false, &purged), STORE_NOTFOUND);
	assert_int_equal(store_purge_event(st, ev, true, &purged), STORE_OK);
	assert_int_equal(purged, 1);
	assert_int_equal(store_event_answers(st, ev), 0);

	unsigned char h[32] = {9, 9, 9};
	int64_t got;
	assert_int_equal(store_token_add(st, h, bert, "session", 0), STORE_OK);
	assert_int_equal(store_user_set_password(st, "bert", "$argon2id$y"), STORE_OK);
	assert_int_equal(store_token_user(st, h, "session", 5, &got), STORE_NOTFOUND);
	assert_int_equal(store_user_set_password(st, "nobody", "$argon2id$y"), STORE_NOTFOUND);

	char err[256] = "";
	char dest[160];
	snprintf(dest, sizeof dest, "%s/copy.db", dir);
	int rc = store_backup(st, dest, err, sizeof err);
	if (db_arg() == path)
		assert_int_equal(rc, STORE_OK);
	else
		assert_true(rc == UV_ENOTSUP && strstr(err, "pg_dump"));
	store_close(st);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

/* A reader sees the database as it was when it opened, whatever the writer
 * commits meanwhile, and refuses to write. */
static void readers_keep_their_snapshot(void **state)
{
	(void)state;
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s;
	open_session(st, "en", &s, ids);
	uv_loop_t loop;
	uv_loop_init(&loop);
	assert_int_equal(store_start(st, &loop), STORE_OK);
	assert_int_equal(store_start(st, &loop), UV_EINVAL);

	char err[256];
	store_t *before = NULL, *after = NULL;
	assert_int_equal(store_reader_open(st, &before, err, sizeof err), STORE_OK);
	assert_int_equal(store_start(before, &loop), UV_EINVAL);
	store_job_t jobs[3];
	memset(jobs, 0, sizeof jobs);
	ctx_t c = {&loop, 0, 3};
	for (int i = 0; i < 3; i++) {
		answer_job(&jobs[i], job_done, &c, &s, ids[0], i, "snap-", i, "\"x\"");
		store_submit(st, &jobs[i]);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(c.done, 3);
	assert_int_equal(store_reader_open(st, &after, err, sizeof err), STORE_OK);

	int n_before = 0, n_after = 0, n_store = 0;
	assert_int_equal(store_answers_slide(before, s.id, ids[0], count_answer, &n_before),
	                 STORE_OK);
	assert_int_equal(store_answers_slide(after, s.id, ids[0], count_answer, &n_after),
	                 STORE_OK);
	assert_int_equal(store_answers_load(st, s.id, count_answer, &n_store), STORE_OK);
	assert_int_equal(n_before, 0);
	assert_int_equal(n_after, 3);
	assert_int_equal(n_store, 3);
	store_session_t got;
	assert_int_equal(store_session_by_code(before, s.code, &got), STORE_OK);
	assert_memory_equal(store_secret(before), store_secret(st), 32);
	assert_int_equal(store_meta_set(before, "k", "v"), STORE_ERROR);
	store_reader_close(before);
	store_reader_close(after);
	store_reader_close(NULL);

	store_close(st);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

/* ---- the website: processes, posts, marks, retention ---- */

typedef struct site_seen {
	int processes, posts, hidden, supports, flags;
	char slug[16], first[33], mark[33];
} site_seen_t;

static void seen_process(const store_process_t *p, void *arg)
{
	site_seen_t *w = arg;
	w->processes++;
	snprintf(w->slug, sizeof w->slug, "%s", p->slug ? p->slug : "");
	assert_string_equal(p->config, "{\"description\":\"x\"}");
	assert_true(p->published);
}

static void seen_post(const store_post_t *p, void *arg)
{
	site_seen_t *w = arg;
	if (w->posts++ == 0)
		snprintf(w->first, sizeof w->first, "%s", p->participant);
	w->hidden += p->hidden;
}

static void seen_mark(int64_t post_id, int kind, const char *participant, void *arg)
{
	(void)post_id;
	site_seen_t *w = arg;
	if (kind == STORE_MARK_SUPPORT)
		w->supports++;
	else
		w->flags++;
	snprintf(w->mark, sizeof w->mark, "%s", participant);
}

static void website_posts_marks_and_retention(void **state)
{
	(void)state;
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s;
	open_session(st, "nl", &s, ids);
	uv_loop_t loop;
	uv_loop_init(&loop);
	assert_int_equal(store_start(st, &loop), STORE_OK);
	enum { N = 4 };
	store_job_t j[N] = {{0}};
	ctx_t c = {&loop, 0, 4};
	char who[33];
	snprintf(who, sizeof who, "%032d", 7);
	for (int i = 0; i < N; i++) {
		j[i].done = job_done;
		j[i].arg = &c;
	}
	j[0].kind = STORE_JOB_PROCESS;
	j[0].u.process.event_id = s.event_id;
	j[0].u.process.slug = "buurt";
	j[0].u.process.config = "{\"description\":\"x\"}";
	j[0].u.process.published = true;
	j[0].u.process.at_ms = 1;
	for (int i = 1; i <= 3; i++) { /* the third repeats the first's id */
		j[i].kind = STORE_JOB_POST;
		j[i].u.post.event_id = s.event_id;
		j[i].u.post.topic = 1;
		j[i].u.post.body = "meer bomen";
		j[i].u.post.at_ms = 2;
		memcpy(j[i].u.post.participant, who, sizeof who);
		snprintf(j[i].u.post.client_id, sizeof j[i].u.post.client_id, "post-%d",
		         i == 3 ? 1 : i);
	}
	for (int i = 0; i < N; i++)
		store_submit(st, &j[i]);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_false(j[1].u.post.duplicate);
	assert_true(j[3].u.post.duplicate);
	assert_int_equal(j[3].u.post.id, j[1].u.post.id);

	/* two supports by one participant count once; a flag; a hide; the end of
	 * the retention */
	store_job_t m[5] = {{0}};
	ctx_t c2 = {&loop, 0, 5};
	for (int i = 0; i < 3; i++) {
		m[i].kind = STORE_JOB_MARK;
		m[i].u.mark.post_id = j[1].u.post.id;
		m[i].u.mark.kind = i == 2 ? STORE_MARK_FLAG : STORE_MARK_SUPPORT;
		memcpy(m[i].u.mark.participant, who, sizeof who);
	}
	m[3].kind = STORE_JOB_POST_HIDE;
	m[3].u.flag.answer_id = j[2].u.post.id;
	m[3].u.flag.value = true;
	m[3].u.flag.event_id = s.event_id;
	m[4].kind = STORE_JOB_RETENTION;
	m[4].u.process = j[0].u.process;
	for (int i = 0; i < 5; i++) {
		m[i].done = job_done;
		m[i].arg = &c2;
		store_submit(st, &m[i]);
	}
	uv_run(&loop, UV_RUN_DEFAULT);
	for (int i = 0; i < 5; i++)
		assert_int_equal(m[i].status, STORE_OK);
	assert_true(m[0].u.mark.added);
	assert_false(m[1].u.mark.added);
	assert_true(m[2].u.mark.added);

	site_seen_t w = {0};
	assert_int_equal(store_processes(st, seen_process, &w), STORE_OK);
	assert_int_equal(w.processes, 1);
	assert_string_equal(w.slug, "buurt");
	assert_int_equal(store_posts(st, s.event_id, seen_post, seen_mark, &w), STORE_OK);
	assert_int_equal(w.posts, 2);
	assert_int_equal(w.hidden, 1);
	assert_int_equal(w.supports, 1);
	assert_int_equal(w.flags, 1);
	/* after the retention nothing is tied to the participant any more */
	assert_string_not_equal(w.first, who);
	assert_string_not_equal(w.mark, who);
	assert_int_equal(strlen(w.first), 32);
	store_close(st);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
}

static void count_person(const store_mail_person_t *p, void *arg)
{
	store_mail_person_t *last = arg;
	*last = *p;
	last->confirmed_at++; /* how many: counted in confirmed_at's place */
}

/* code, "+" when tied to a participant, "|" */
static void seen_code(int64_t event_id, const char *code, int64_t used_at, const char *participant,
                      void *arg)
{
	strcat(arg, code);
	strcat(arg, participant[0] ? "+|" : "-|");
}

/* E-mail on the website: a link is taken once, within its time; the rate
 * limit counts per address; an address is one person; the purge leaves
 * nothing. On both engines. */
static void mail_links_and_people(void **state)
{
	(void)state;
	store_t *st = open_ok();
	int64_t ids[1];
	store_session_t s;
	open_session(st, "nl", &s, ids);
	int64_t ev = s.event_id, now = 1796308800000LL;
	char hash[65];
	store_mail_token_t t = {.event_id = ev, .created_at = now, .expires_at = now + 1800000};
	snprintf(t.purpose, sizeof t.purpose, "login");
	snprintf(t.address, sizeof t.address, "bewoner@example.test");
	snprintf(t.participant, sizeof t.participant, "%032d", 1);
	snprintf(t.device, sizeof t.device, "sealed-device-1");
	for (int i = 0; i < 3; i++) {
		snprintf(hash, sizeof hash, "%064d", i + 1);
		assert_int_equal(store_mail_token_add(st, hash, &t, now - 3600000, 3), STORE_OK);
	}
	snprintf(hash, sizeof hash, "%064d", 9);
	assert_int_equal(store_mail_token_add(st, hash, &t, now - 3600000, 3), UV_EAGAIN);
	assert_int_equal(store_mail_token_add(st, "not-hex", &t, 0, 3), UV_EINVAL);
	store_mail_token_t got = {0};
	snprintf(hash, sizeof hash, "%064d", 1);
	assert_int_equal(store_mail_token_take(st, hash, "claim", now, &got), STORE_NOTFOUND);
	assert_int_equal(store_mail_token_take(st, hash, "login", now + 10, &got), STORE_OK);
	assert_string_equal(got.address, "bewoner@example.test");
	assert_string_equal(got.device, "sealed-device-1");
	assert_int_equal(got.event_id, ev);
	assert_int_equal(store_mail_token_take(st, hash, "login", now + 20, &got), UV_EALREADY);
	snprintf(hash, sizeof hash, "%064d", 2);
	assert_int_equal(store_mail_token_take(st, hash, "login", now + 1800001, &got),
	                 UV_ETIMEDOUT);
	snprintf(hash, sizeof hash, "%064d", 9);
	assert_int_equal(store_mail_token_take(st, hash, "login", now, &got), STORE_NOTFOUND);

	/* one address, one person: a second device gets the first one's */
	store_mail_person_t in = {.event_id = ev, .confirmed_at = now}, p1, p2;
	snprintf(in.address, sizeof in.address, "bewoner@example.test");
	snprintf(in.participant, sizeof in.participant, "%032d", 1);
	snprintf(in.device, sizeof in.device, "sealed-device-1");
	assert_int_equal(store_mail_person_confirm(st, &in, &p1), STORE_OK);
	snprintf(in.participant, sizeof in.participant, "%032d", 2);
	snprintf(in.device, sizeof in.device, "sealed-device-2");
	assert_int_equal(store_mail_person_confirm(st, &in, &p2), STORE_OK);
	assert_string_equal(p2.participant, p1.participant);
	assert_string_equal(p2.device, "sealed-device-1");
	assert_false(p2.digest);
	char who[33];
	snprintf(who, sizeof who, "%032d", 1);
	assert_int_equal(store_mail_person_digest(st, ev, who, true, ",2,5,", now + 5), STORE_OK);
	assert_int_equal(store_mail_person_digest(st, ev, "nobody", true, "", now), STORE_NOTFOUND);
	store_mail_person_t last = {0};
	assert_int_equal(store_mail_people(st, ev, count_person, &last), STORE_OK);
	assert_true(last.digest);
	assert_int_equal(last.digest_at, now + 5);
	assert_string_equal(last.topics, ",2,5,");
	/* on again: the clock stays, the topics change */
	assert_int_equal(store_mail_person_digest(st, ev, who, true, "", now + 9), STORE_OK);
	assert_int_equal(store_mail_people(st, ev, count_person, &last), STORE_OK);
	assert_int_equal(last.digest_at, now + 5);
	assert_string_equal(last.topics, "");
	assert_int_equal(store_mail_digest_sent(st, ev, who, now + 99), STORE_OK);
	/* the same participant confirming another address gives the first up */
	snprintf(in.address, sizeof in.address, "ander@example.test");
	snprintf(in.participant, sizeof in.participant, "%s", who);
	assert_int_equal(store_mail_person_confirm(st, &in, &p2), STORE_OK);
	memset(&last, 0, sizeof last);
	assert_int_equal(store_mail_people(st, ev, count_person, &last), STORE_OK);
	assert_string_equal(last.address, "ander@example.test");
	assert_int_equal(store_mail_person_delete(st, ev, who), STORE_OK);
	assert_int_equal(store_mail_person_delete(st, ev, who), STORE_NOTFOUND);
	assert_int_equal(store_mail_person_confirm(st, &in, &p2), STORE_OK);

	/* invitation codes: each used once; the purge unties them */
	char *codes[] = {"AAAAAAAAAA", "BBBBBBBBBB"};
	assert_int_equal(store_invite_add(st, ev, codes, 2, now), STORE_OK);
	assert_int_equal(store_invite_add(st, ev, codes + 1, 1, now), STORE_EXISTS);
	assert_int_equal(store_invite_use(st, ev, "AAAAAAAAAA", who, now), STORE_OK);
	assert_int_equal(store_invite_use(st, ev, "AAAAAAAAAA", who, now + 1), STORE_OK);
	assert_int_equal(store_invite_use(st, ev, "AAAAAAAAAA", "someone-else", now), UV_EALREADY);
	assert_int_equal(store_invite_use(st, ev, "CCCCCCCCCC", who, now), STORE_NOTFOUND);
	char seen[200] = "";
	assert_int_equal(store_invites(st, ev, seen_code, seen), STORE_OK);
	assert_string_equal(seen, "AAAAAAAAAA+|BBBBBBBBBB-|");

	int64_t n = 0;
	assert_int_equal(store_mail_purge(st, ev, &n), STORE_OK);
	seen[0] = '\0';
	assert_int_equal(store_invites(st, ev, seen_code, seen), STORE_OK);
	assert_string_equal(seen, "AAAAAAAAAA-|BBBBBBBBBB-|");
	assert_int_equal(n, 1);
	memset(&last, 0, sizeof last);
	assert_int_equal(store_mail_people(st, 0, count_person, &last), STORE_OK);
	assert_int_equal(last.confirmed_at, 0);
	snprintf(hash, sizeof hash, "%064d", 3);
	assert_int_equal(store_mail_token_take(st, hash, "login", now, &got), STORE_NOTFOUND);
	store_close(st);
}

/* Two nodes on one database: a chore's period goes to the first that
 * claims it; an earlier period is never claimed again. */
static void a_chore_goes_to_one_node(void **state)
{
	(void)state;
	store_t *a = open_ok(), *b = open_ok();
	char name[40];
	snprintf(name, sizeof name, "digest-%d", (int)getpid());
	assert_int_equal(store_chore_claim(a, name, 20261203), STORE_OK);
	assert_int_equal(store_chore_claim(b, name, 20261203), STORE_EXISTS);
	assert_int_equal(store_chore_claim(a, name, 20261203), STORE_EXISTS);
	assert_int_equal(store_chore_claim(b, name, 20261202), STORE_EXISTS);
	assert_int_equal(store_chore_claim(b, name, 20261204), STORE_OK);
	assert_int_equal(store_chore_claim(a, name, 20261204), STORE_EXISTS);
	/* another chore is claimed on its own */
	snprintf(name, sizeof name, "kaart-ask:%d", (int)getpid());
	assert_int_equal(store_chore_claim(a, name, 20261204), STORE_OK);
	store_close(b);
	store_close(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(events_sessions_and_users),
	    cmocka_unit_test(writer_commits_groups_and_finds_duplicates),
	    cmocka_unit_test(reports_keep_commit_order),
	    cmocka_unit_test(reports_keep_commit_order_with_overlapping_flushes),
	    cmocka_unit_test(migration_7_keeps_answers),
	    cmocka_unit_test(migration_8_self_paced_sessions),
	    cmocka_unit_test(migration_9_session_names),
	    cmocka_unit_test(codes_and_engines),
	    cmocka_unit_test(readers_keep_their_snapshot),
	    cmocka_unit_test(workspace_round_trip),
	    cmocka_unit_test(a_failed_group_stores_nothing),
	    cmocka_unit_test(a_group_of_answers_as_one_by_one),
	    cmocka_unit_test(answers_since_sees_a_flag),
	    cmocka_unit_test(a_newer_schema_is_refused),
	    cmocka_unit_test(website_posts_marks_and_retention),
	    cmocka_unit_test(mail_links_and_people),
	    cmocka_unit_test(a_chore_goes_to_one_node),
	};
	return cmocka_run_group_tests_name("store", tests, setup, teardown);
}
