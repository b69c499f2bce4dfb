/*
 * inspraak migrate: a SQLite database copied completely into an empty
 * PostgreSQL database (store_copy), then checked: every table's row count
 * (store_copy, before its commit) and every event's JSON report, written
 * from both databases and compared byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "report/report.h"
#include "util/file.h"

static void print_count(const char *table, int64_t rows, void *arg)
{
	(void)arg;
	printf("  %-15s %lld rows\n", table, (long long)rows);
}

typedef struct ids {
	int64_t *v;
	size_t n, cap;
} ids_t;

static void add_event(const store_event_row_t *e, void *arg)
{
	ids_t *ids = arg;
	if (ids->n == ids->cap) {
		ids->cap = ids->cap ? ids->cap * 2 : 16;
		int64_t *v = realloc(ids->v, ids->cap * sizeof *v);
		if (!v)
			abort();
		ids->v = v;
	}
	ids->v[ids->n++] = e->id;
}

/* Writes event id's JSON report from st to path, stamped with a fixed time
 * so that two reports of the same data are the same bytes. */
static int json_report(store_t *st, int64_t id, const char *path, char *err, size_t errlen)
{
	report_t *r;
	int rc = report_open(st, id, NULL, 0, &r, err, errlen);
	if (rc)
		return rc;
	r->generated_at = 0;
	rc = report_write(r, REPORT_JSON, path, NULL, NULL, err, errlen);
	report_free(r);
	return rc;
}

/* A JSON report larger than this is not compared but fails the check. */
#define MAX_REPORT ((size_t)1 << 30)

/* Compares the JSON reports of every event; 0 when all are the same. */
static int compare_reports(store_t *from, store_t *to)
{
	ids_t ids = {0};
	char dir[] = "/tmp/inspraak-migrate-XXXXXX", a[64], b[64], err[512];
	if (store_events_list(from, 0, true, add_event, &ids) || !mkdtemp(dir)) {
		fprintf(stderr, "inspraak migrate: cannot list the events to compare\n");
		free(ids.v);
		return 1;
	}
	snprintf(a, sizeof a, "%s/sqlite.json", dir);
	snprintf(b, sizeof b, "%s/pg.json", dir);
	int bad = 0;
	for (size_t i = 0; i < ids.n && !bad; i++) {
		char *ja = NULL, *jb = NULL;
		size_t la = 0, lb = 0;
		if (json_report(from, ids.v[i], a, err, sizeof err) ||
		    json_report(to, ids.v[i], b, err, sizeof err)) {
			fprintf(stderr, "inspraak migrate: event %lld: %s\n", (long long)ids.v[i],
			        err);
			bad = 1;
		} else if (!(ja = file_read(a, MAX_REPORT, &la)) ||
		           !(jb = file_read(b, MAX_REPORT, &lb)) || la != lb ||
		           memcmp(ja, jb, la)) {
			fprintf(stderr,
			        "inspraak migrate: event %lld: the reports of the two databases "
			        "differ\n",
			        (long long)ids.v[i]);
			bad = 1;
		}
		free(ja);
		free(jb);
	}
	unlink(a);
	unlink(b);
	rmdir(dir);
	if (!bad)
		printf("  reports of %zu events identical\n", ids.n);
	free(ids.v);
	return bad;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"to", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *db = CMD_DEFAULT_DB, *to = NULL;
	int c;
	while ((c = cmd_getopt(argc, argv, &cmd_migrate, opts)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 't': to = optarg; break;
		case 'h': return cmd_help(&cmd_migrate);
		default: return 2;
		}
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_migrate, "unexpected argument %s", argv[optind]);
	if (!to || (strncmp(to, "postgresql://", 13) && strncmp(to, "postgres://", 11)))
		return cmd_usage_error(&cmd_migrate, "--to wants a postgresql:// URL");
	if (strstr(db, "://"))
		return cmd_usage_error(&cmd_migrate, "--db wants the SQLite file to copy");
	if (access(db, F_OK) != 0) {
		fprintf(stderr, "inspraak migrate: no database %s (give --db FILE)\n", db);
		return 1;
	}
	store_t *from = cmd_open_store(db);
	store_t *dst = from ? cmd_open_store(to) : NULL;
	if (!dst) {
		store_close(from);
		return 1;
	}
	char err[512];
	printf("copying %s to PostgreSQL\n", db);
	int rc = store_copy(from, dst, print_count, NULL, err, sizeof err);
	if (rc)
		fprintf(stderr, "inspraak migrate: %s (nothing was copied)\n", err);
	store_close(dst);
	/* again, so that the reports read the copy as a server would: with the
	 * secret it took from the source */
	dst = rc ? NULL : cmd_open_store(to);
	int status = rc ? 1 : !dst ? 1 : compare_reports(from, dst);
	if (rc == 0 && status)
		fprintf(stderr, "inspraak migrate: the copy is committed but does not match; drop"
		                " the PostgreSQL database before trying again\n");
	store_close(dst);
	store_close(from);
	if (status == 0)
		printf("done: serve with --db and the PostgreSQL URL\n");
	return status;
}

const cmd_t cmd_migrate = {
    .name = "migrate",
    .summary = "  migrate --to URL     copy the whole database into an empty PostgreSQL database\n"
               "                       and check the copy\n",
    .usage = "usage: inspraak migrate --to postgresql://... [--db FILE]\n"
             "\n"
             "Copies a SQLite database completely (events, sessions, answers, users,\n"
             "tokens, images, the moderation log and settings) into an empty PostgreSQL\n"
             "database, in one transaction, keeping every id. Then checks the copy: each\n"
             "table's row count, and every event's JSON report from both databases.\n"
             "Stop the server first: answers given during the copy stay behind.\n"
             "\n"
             "  --to URL       the PostgreSQL database (made with createdb), such as\n"
             "                 postgresql://inspraak@localhost/inspraak\n"
             "  --db FILE      the SQLite database to copy (default: inspraak.db)\n"
             "  -h, --help     print this help\n",
    .run = run,
};
