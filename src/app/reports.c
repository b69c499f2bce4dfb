/*
 * reports: "Presentatie en resultaten" as a download from the facilitator's
 * pages, GET /api/v1/sessions/CODE/report?format=F[&session=N|all]
 * (docs/protocol.md). routes.c checks the login and the user's access to
 * the event; this file parses the query and renders.
 *
 * A report of a large event takes seconds, so it is written on libuv's
 * thread pool (uv_queue_work): the worker opens the report, writes it to a
 * temporary file, reads the file back and removes it; the loop thread only
 * sends the bytes. The worker reads through a reader of its own
 * (store_reader_open): its own connection, so the pool never shares the
 * loop's, and one snapshot for the whole report, so a report made during a
 * meeting counts every question as of the same moment. The loop never
 * touches the job while the worker has it.
 *
 * Because the worker's reader belongs to the store, the store must outlive
 * it: the app
 * counts its jobs on the pool (app_busy), and when the server stops
 * (app_stop) a report gives up at its next question so that the store can
 * close soon after.
 *
 * What the route says to a person is written here in English and sent in
 * the language the request asks for (tr_req, the table in i18n.c); the
 * report's own messages are for the command line and the log, so a refused
 * session number is said again here, from the count of sessions.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/reports.h"
#include "net/http.h"
#include "report/report.h"
#include "util/file.h"
#include "util/log.h"
#include "util/text.h"
#include "util/metrics.h"
#include "util/xalloc.h"

enum { REPORT_MAX_BYTES = 512 * 1024 * 1024 };

typedef struct report_work {
	uv_work_t work;
	http_request_t *req;
	app_t *app;
	int64_t event_id;
	int session; /* 1-based, 0 for all */
	bool notes;  /* ?notes=1: the speaker notes too (md, json) */
	report_format_t fmt;
	/* results, filled by the worker */
	int rc;
	int n_sessions; /* the event's sessions, counted when session is refused */
	char err[512];
	char name[160]; /* the file name offered to the browser */
	char *body;
	size_t len;
} report_work_t;

static const char *const TYPES[] = {
    [REPORT_PDF] = "application/pdf",
    [REPORT_MD] = "text/markdown; charset=utf-8",
    [REPORT_HTML] = "text/html; charset=utf-8",
    [REPORT_CSV] = "text/csv; charset=utf-8",
    [REPORT_XLSX] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    [REPORT_JSON] = "application/json; charset=utf-8",
};
static const char *const EXTS[] = {"pdf", "md", "html", "csv", "xlsx", "json"};

/* "samenleven-in-diversiteit-resultaten.pdf": the title's letters and
 * digits transliterated to ASCII ("Één … café" gives "een-…-cafe": the
 * folding of text_fold, which drops accents and folds case), everything
 * else one dash, so the name needs no quoting. */
static void file_name(const report_t *r, const report_work_t *w, char *out, size_t len)
{
	bool nl = strcmp(r->lang, "nl") == 0;
	char slug[80];
	size_t n = 0;
	char *folded = text_fold(r->title, strlen(r->title));
	const char *title = folded ? folded : r->title;
	for (const char *p = title; *p && n + 1 < sizeof slug; p++) {
		char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			slug[n++] = c;
		else if (c >= 'A' && c <= 'Z')
			slug[n++] = (char)(c - 'A' + 'a');
		else if (n && slug[n - 1] != '-')
			slug[n++] = '-';
	}
	free(folded);
	while (n && slug[n - 1] == '-')
		n--;
	slug[n] = '\0';
	char sess[32] = "";
	if (w->session)
		snprintf(sess, sizeof sess, "-%s-%d", nl ? "sessie" : "session", w->session);
	snprintf(out, len, "%s%s%s%s.%s", slug, n ? "-" : "", nl ? "resultaten" : "results", sess,
	         EXTS[w->fmt]);
}

static void count_session(const store_session_t *s, void *arg)
{
	(void)s;
	(*(int *)arg)++;
}

/* On a thread of the pool: never touches the loop or the request. */
static void render(uv_work_t *work)
{
	report_work_t *w = work->data;
	report_t *r = NULL;
	store_t *rd = NULL;
	if (atomic_load(&w->app->stopping)) {
		w->rc = REPORT_ECANCELED;
		return;
	}
	if (store_reader_open(w->app->store, &rd, w->err, sizeof w->err) != STORE_OK) {
		w->rc = REPORT_ESTORE;
		return;
	}
	w->rc = report_open(rd, w->event_id, NULL, w->session, &r, w->err, sizeof w->err);
	if (w->rc == REPORT_EINVAL)
		store_event_sessions(rd, w->event_id, count_session, &w->n_sessions);
	if (w->rc) {
		store_reader_close(rd);
		return;
	}
	r->cancel = &w->app->stopping;
	r->with_notes = w->notes;
	file_name(r, w, w->name, sizeof w->name);
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/inspraak-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		snprintf(w->err, sizeof w->err, "no room for a temporary file: %m");
		w->rc = REPORT_EWRITE;
		report_free(r);
		store_reader_close(rd);
		return;
	}
	close(fd);
	w->rc = report_write(r, w->fmt, path, NULL, NULL, w->err, sizeof w->err);
	report_free(r);
	store_reader_close(rd);
	if (w->rc == 0) {
		w->body = file_read(path, REPORT_MAX_BYTES, &w->len);
		if (!w->body) {
			snprintf(w->err, sizeof w->err, "the report could not be read back: %m");
			w->rc = REPORT_EWRITE;
		}
	}
	unlink(path);
}

/* msg is a key of i18n.c's table, sent in the language the request asks for. */
static void refuse(http_request_t *req, int status, const char *code, const char *msg)
{
	http_respond_error(req, status, code, tr_req(req, msg), NULL);
}

/* The session number the event does not have: report_open refuses nothing
 * else once reports_get has checked the query. */
static void no_such_session(const report_work_t *w)
{
	char msg[256];
	const char *lang = tr_req_lang(w->req);
	if (w->n_sessions == 1)
		snprintf(msg, sizeof msg, tr(lang, "reports.no_session_one"), w->session);
	else
		snprintf(msg, sizeof msg, tr(lang, "reports.no_session"), w->n_sessions,
		         w->session);
	http_respond_error(w->req, 400, "bad_request", msg, NULL);
}

/* Back on the loop thread. */
static void rendered(uv_work_t *work, int status)
{
	report_work_t *w = work->data;
	w->app->pool_jobs--;
	metrics_add(METRIC_REPORT_JOBS, -1);
	if (status == 0 && w->rc == 0) {
		char head[256];
		snprintf(head, sizeof head, "Content-Disposition: attachment; filename=\"%s\"\r\n",
		         w->name);
		http_respond(w->req, 200, TYPES[w->fmt], head, w->body, w->len);
	} else if (status == 0 && w->rc == REPORT_EINVAL) {
		log_info("report of event %lld: %s", (long long)w->event_id, w->err);
		no_such_session(w);
	} else if (status == 0 && w->rc == REPORT_ENOTFOUND) {
		/* deleted while the report waited for the pool */
		refuse(w->req, 404, "not_found", "events.no_such");
	} else if (status == 0 && w->rc == REPORT_ECANCELED) {
		log_info("report of event %lld: stopped, the server is stopping",
		         (long long)w->event_id);
		refuse(w->req, 503, "unavailable", "reports.stopping");
	} else {
		log_error("report of event %lld: %s", (long long)w->event_id,
		          status ? uv_strerror(status) : w->err);
		refuse(w->req, 503, "unavailable", "reports.failed");
	}
	free(w->body);
	free(w);
}

void reports_get(app_t *a, session_t *s, http_request_t *req)
{
	char f[16], sess[16];
	report_format_t fmt;
	if (http_query(req, "format", f, sizeof f) < 0 || report_format_parse(f, &fmt) < 0) {
		refuse(req, 400, "bad_request", "reports.format");
		return;
	}
	int session = 0;
	if (http_query(req, "session", sess, sizeof sess) >= 0 && strcmp(sess, "all") != 0) {
		char *end;
		long v = strtol(sess, &end, 10);
		if (!*sess || *end || v < 1 || v > 100000) {
			refuse(req, 400, "bad_request", "reports.session");
			return;
		}
		session = (int)v;
	}
	report_work_t *w = xcalloc(1, sizeof *w);
	w->work.data = w;
	w->req = req;
	w->app = a;
	w->event_id = s->row.event_id;
	w->session = session;
	w->fmt = fmt;
	char notes[4];
	w->notes = http_query(req, "notes", notes, sizeof notes) > 0 && strcmp(notes, "1") == 0;
	int rc = uv_queue_work(a->loop, &w->work, render, rendered);
	if (rc < 0) {
		free(w);
		refuse(req, 503, "unavailable", "reports.not_started");
		return;
	}
	a->pool_jobs++;
	metrics_inc(METRIC_REPORT_JOBS);
	metrics_inc(METRIC_REPORT_JOBS_TOTAL);
}
