/*
 * inspraak report: the report of an event ("Presentatie en resultaten")
 * written to a file in one of the report's formats, without a server.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "report/report.h"

static void report_progress(size_t done, size_t total, void *arg)
{
	if (total)
		fprintf(stderr, "\r  [%-30.*s] %zu/%zu questions", (int)(30 * done / total),
		        "##############################", done, total);
	if (done == total)
		fputc('\n', stderr);
}

typedef struct report_args {
	const char *db, *event, *code, *session, *format, *out;
	long long event_id;
	long session_n; /* 0: all sessions */
	report_format_t fmt;
} report_args_t;

/* Checks the values of the options; returns 0, or 2 after saying which is wrong. */
static int check_args(report_args_t *a)
{
	char *end;
	if (!a->event == !a->code)
		return cmd_usage_error(&cmd_report, "give either --event ID or --code CODE");
	if (a->event) {
		errno = 0;
		a->event_id = strtoll(a->event, &end, 10);
		if (errno || *end || a->event_id < 1)
			return cmd_usage_error(&cmd_report,
			                       "--event wants an event number such as 1 (got %s)",
			                       a->event);
	}
	size_t cl = a->code ? strlen(a->code) : 0;
	if (a->code && (cl < 6 || cl > 8 || strspn(a->code, "0123456789") != cl))
		return cmd_usage_error(
		    &cmd_report, "--code wants a session code of 6 to 8 digits (got %s)", a->code);
	if (strcmp(a->session, "all")) {
		errno = 0;
		a->session_n = strtol(a->session, &end, 10);
		if (errno || *end || a->session_n < 1 || a->session_n > INT_MAX)
			return cmd_usage_error(&cmd_report,
			                       "--session wants a number from 1 or 'all' (got %s)",
			                       a->session);
	}
	if (!a->format || report_format_parse(a->format, &a->fmt) < 0)
		return cmd_usage_error(
		    &cmd_report, "--format wants pdf, md, html, csv, xlsx or json%s%s%s",
		    a->format ? " (got " : "", a->format ? a->format : "", a->format ? ")" : "");
	if (!a->out)
		return cmd_usage_error(&cmd_report, "--out FILE is needed");
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},     {"event", required_argument, NULL, 'e'},
	    {"code", required_argument, NULL, 'c'},   {"session", required_argument, NULL, 's'},
	    {"format", required_argument, NULL, 'f'}, {"out", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},         {0},
	};
	report_args_t a = {.db = CMD_DEFAULT_DB, .session = "all"};
	int c;
	while ((c = cmd_getopt(argc, argv, &cmd_report, opts)) != -1) {
		const char **dst = c == 'd'   ? &a.db
		                   : c == 'e' ? &a.event
		                   : c == 'c' ? &a.code
		                   : c == 's' ? &a.session
		                   : c == 'f' ? &a.format
		                   : c == 'o' ? &a.out
		                              : NULL;
		if (c == 'h')
			return cmd_help(&cmd_report);
		if (!dst)
			return 2;
		/* An empty value is most likely an unset shell variable. */
		if (!*optarg) {
			const struct option *o = opts;
			while (o->val != c)
				o++;
			return cmd_usage_error(&cmd_report, "--%s needs a value", o->name);
		}
		*dst = optarg;
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_report, "unexpected argument %s", argv[optind]);
	int rc = check_args(&a);
	if (rc)
		return rc;
	/* a missing SQLite file would be made, empty; a URL is the server's */
	if (!strstr(a.db, "://") && access(a.db, F_OK) != 0) {
		fprintf(stderr, "inspraak report: no database %s (give --db FILE)\n", a.db);
		return 1;
	}
	store_t *st = cmd_open_store(a.db);
	if (!st)
		return 1;
	report_t *r;
	char err[512];
	rc = report_open(st, a.event_id, a.code, (int)a.session_n, &r, err, sizeof err);
	if (rc == 0) {
		rc = report_write(r, a.fmt, a.out, isatty(STDERR_FILENO) ? report_progress : NULL,
		                  NULL, err, sizeof err);
		report_free(r);
	}
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "inspraak report: %s\n", err);
		return rc == REPORT_EINVAL || rc == REPORT_ENOTFOUND ? 2 : 1;
	}
	return 0;
}

const cmd_t cmd_report = {
    .name = "report",
    .summary = "  report --event ID|--code CODE [--session N|all] --format FORMAT --out FILE\n"
               "                       write the report of an event: pdf, md, html, csv, xlsx or\n"
               "                       json; all sessions combined unless --session N is given\n",
    .usage = "usage: inspraak report --event ID|--code CODE [--session N|all]\n"
             "                       --format pdf|md|html|csv|xlsx|json --out FILE [--db FILE]\n"
             "\n"
             "Writes the report of an event (\"Presentatie en resultaten\"): its summary,\n"
             "slides and every answer, per session and combined.\n"
             "\n"
             "  --event ID     the event's number\n"
             "  --code CODE    or the code of one of its sessions (6 to 8 digits)\n"
             "  --session N    only session N (1, 2, ...); all: every session combined\n"
             "                 (the default)\n"
             "  --format F     pdf, md, html, csv, xlsx or json\n"
             "  --out FILE     the file to write\n"
             "  --db FILE      the database (default: inspraak.db)\n"
             "  -h, --help     print this help\n",
    .run = run,
};
