/*
 * metrics: the operator's paths (docs/deploy.md). GET /healthz: the
 * process answers. GET /readyz: the store commits a write (a load balancer
 * takes a node that cannot store answers out of rotation). GET /metrics:
 * util/metrics' counters in the Prometheus text format, for a bearer token
 * (--metrics-token-file) or, with --metrics-local, for loopback peers.
 * None of them needs a login; /metrics refuses everyone when neither
 * option is given.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/internal.h"
#include "util/metrics.h"
#include "util/xalloc.h"

static const char TEXT[] = "text/plain; charset=utf-8";

void metrics_healthz(app_t *a, http_request_t *req, const app_match_t *m)
{
	(void)a;
	http_respond(req, 200, TEXT, NULL, "ok\n", 3);
}

typedef struct ready {
	store_job_t job;
	http_request_t *req;
} ready_t;

static void ready_done(store_job_t *job)
{
	ready_t *r = job->arg;
	if (job->status == STORE_OK)
		http_respond(r->req, 200, TEXT, NULL, "ready\n", 6);
	else
		http_respond(r->req, 503, TEXT, NULL, "the store does not take writes\n", 31);
	free(r);
}

/* A write that changes nothing (deleting a token no one holds) still goes
 * through the writer, a commit and the WAL flush: what an answer needs. */
void metrics_readyz(app_t *a, http_request_t *req, const app_match_t *m)
{
	ready_t *r = xcalloc(1, sizeof *r);
	r->req = req;
	r->job.kind = STORE_JOB_TOKEN_DEL;
	r->job.done = ready_done;
	r->job.arg = r;
	store_submit(a->store, &r->job);
}

static bool metrics_allowed(app_t *a, http_request_t *req)
{
	const char *authz = http_header(req, "Authorization");
	size_t n = strlen(a->metrics_token);
	if (n && authz && strncasecmp(authz, "Bearer ", 7) == 0 && strlen(authz + 7) == n &&
	    sodium_memcmp(authz + 7, a->metrics_token, n) == 0)
		return true;
	return a->metrics_local && http_peer_loopback(req);
}

static long long resident_bytes(void)
{
	long long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%lld %lld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * sysconf(_SC_PAGESIZE);
}

void metrics_get_page(app_t *a, http_request_t *req, const app_match_t *m)
{
	if (!metrics_allowed(a, req)) {
		http_respond_error(req, 403, "forbidden",
		                   "metrics need the bearer token of --metrics-token-file, or "
		                   "--metrics-local and a loopback peer",
		                   NULL);
		return;
	}
	buf_t b = BUF_INIT;
	metrics_write(&b);
	buf_printf(&b,
	           "# HELP inspraak_sessions_loaded live sessions in memory\n"
	           "# TYPE inspraak_sessions_loaded gauge\ninspraak_sessions_loaded %zu\n"
	           "# HELP inspraak_pool_jobs work on libuv's thread pool not yet back\n"
	           "# TYPE inspraak_pool_jobs gauge\ninspraak_pool_jobs %zu\n"
	           "# HELP process_resident_memory_bytes resident memory\n"
	           "# TYPE process_resident_memory_bytes gauge\n"
	           "process_resident_memory_bytes %lld\n",
	           a->n_sessions, a->pool_jobs, resident_bytes());
	if (a->bus) {
		bus_stats_t bs;
		bus_get_stats(a->bus, &bs);
		buf_printf(&b,
		           "# HELP inspraak_bus_up the bus to the other nodes is connected\n"
		           "# TYPE inspraak_bus_up gauge\ninspraak_bus_up %d\n"
		           "# HELP inspraak_bus_messages_total bus messages sent and heard\n"
		           "# TYPE inspraak_bus_messages_total counter\n"
		           "inspraak_bus_messages_total{dir=\"sent\"} %llu\n"
		           "inspraak_bus_messages_total{dir=\"heard\"} %llu\n"
		           "# HELP inspraak_bus_reloads_total times every session was reloaded: "
		           "a gap in a node's messages, or the bus (re)connected\n"
		           "# TYPE inspraak_bus_reloads_total counter\n"
		           "inspraak_bus_reloads_total{why=\"gap\"} %llu\n"
		           "inspraak_bus_reloads_total{why=\"connect\"} %llu\n",
		           bus_up(a->bus) ? 1 : 0, (unsigned long long)bs.sent,
		           (unsigned long long)bs.received, (unsigned long long)bs.gaps,
		           (unsigned long long)bs.connects);
		buf_printf(&b,
		           "# HELP inspraak_bus_refused_total bus messages heard and refused as "
		           "not well formed\n"
		           "# TYPE inspraak_bus_refused_total counter\n"
		           "inspraak_bus_refused_total %llu\n"
		           "# HELP inspraak_bus_notes_dropped_total notes (spent tokens, "
		           "reactions, news of addresses) not sent: too many waited\n"
		           "# TYPE inspraak_bus_notes_dropped_total counter\n"
		           "inspraak_bus_notes_dropped_total %llu\n",
		           (unsigned long long)bs.refused, (unsigned long long)bs.notes_dropped);
	}
	http_respond(req, 200, "text/plain; version=0.0.4; charset=utf-8", NULL, b.data, b.len);
	buf_free(&b);
}
