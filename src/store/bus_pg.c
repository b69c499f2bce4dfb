/*
 * bus_pg: the bus over PostgreSQL's LISTEN/NOTIFY (bus.h).
 *
 * One connection of its own per node, never in a transaction: it runs
 * LISTEN inspraak_bus once, then only SELECT pg_notify(...), each its own
 * implicit transaction, so no answer's commit waits for the NOTIFY queue's
 * lock (DESIGN.md, "Scale").
 *
 * States, and the function behind each move:
 *
 *   DOWN --retry timer--> CONNECTING --connected--> UP --lost--> DOWN
 *                        (thread pool: connect,
 *                         LISTEN, non-blocking)
 *
 *  1. CONNECTING runs on uv's thread pool (libpq's connect blocks); the
 *     loop never waits for it.
 *  2. UP: the socket is watched with uv_poll for reading (and for writing
 *     while a send is not yet flushed). At most one send is in flight;
 *     bus.c keeps the rest coalesced until its result came back (kick).
 *  3. Lost (a read, a flush or a send fails, or the socket errs): the poll
 *     handle closes first and only its close callback calls PQfinish, since
 *     libuv must stop watching a descriptor before it is closed. The pause
 *     before the next attempt doubles from 0.2 s to 5 s; it is 0.2 s again
 *     once connected.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/bus.h"
#include "store/pg.h"
#include "util/log.h"
#include "util/xalloc.h"

enum { RETRY_MIN_MS = 200, RETRY_MAX_MS = 5000 };

#define CHANNEL "inspraak_bus"

typedef struct pgbus pgbus_t;

typedef struct conn {
	uv_poll_t poll;
	PGconn *c;
	pgbus_t *pb;
	bool busy;     /* a send's result has not come back */
	bool flushing; /* a send's bytes are not all written */
} conn_t;

struct pgbus {
	bus_t *b;
	char *url;
	conn_t *cur; /* NULL unless UP */
	uv_timer_t retry;
	uint64_t pause;
	uv_work_t work;
	bool connecting, closing, quiet;
	int refs; /* the retry timer, a connection, a connect in flight */
	/* the connect's result, from the pool thread to the loop */
	PGconn *fresh;
	char err[256];
};

static void unref(pgbus_t *pb)
{
	if (--pb->refs > 0)
		return;
	bus_t *b = pb->b;
	free(pb->url);
	free(pb);
	bus__free(b);
}

/* ---- connecting ---- */

static void connect_run(uv_work_t *w)
{
	pgbus_t *pb = w->data;
	pb->fresh = pg__connect(pb->url, pb->err, sizeof pb->err);
	if (!pb->fresh)
		return;
	PGresult *r = PQexec(pb->fresh, "LISTEN " CHANNEL);
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok || PQsetnonblocking(pb->fresh, 1) != 0) {
		snprintf(pb->err, sizeof pb->err, "LISTEN failed: %s", PQerrorMessage(pb->fresh));
		pb->err[strcspn(pb->err, "\n")] = '\0';
		PQfinish(pb->fresh);
		pb->fresh = NULL;
	}
}

static void on_poll(uv_poll_t *h, int status, int events);

static void conn_closed(uv_handle_t *h)
{
	conn_t *cn = h->data;
	pgbus_t *pb = cn->pb;
	PQfinish(cn->c);
	free(cn);
	unref(pb);
}

static void on_retry(uv_timer_t *t);

static void retry_later(pgbus_t *pb)
{
	if (pb->closing)
		return;
	uv_timer_start(&pb->retry, on_retry, pb->pause, 0);
	pb->pause = pb->pause * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : pb->pause * 2;
}

static void drain(conn_t *cn);

static void connect_after(uv_work_t *w, int status)
{
	pgbus_t *pb = w->data;
	pb->connecting = false;
	PGconn *c = pb->fresh;
	pb->fresh = NULL;
	if (pb->closing || status < 0 || !c) {
		if (c)
			PQfinish(c);
		if (!pb->closing && !pb->quiet) {
			/* said once per outage, not at every attempt */
			log_warn("bus: %s; trying again", status < 0 ? "no thread" : pb->err);
			pb->quiet = true;
		}
		retry_later(pb);
		unref(pb);
		return;
	}
	conn_t *cn = xcalloc(1, sizeof *cn);
	cn->c = c;
	cn->pb = pb;
	if (uv_poll_init(bus__loop(pb->b), &cn->poll, PQsocket(c)) < 0) {
		PQfinish(c);
		free(cn);
		retry_later(pb);
		unref(pb);
		return;
	}
	cn->poll.data = cn;
	pb->cur = cn; /* the connect's reference is now the connection's */
	pb->pause = RETRY_MIN_MS;
	pb->quiet = false;
	uv_poll_start(&cn->poll, UV_READABLE, on_poll);
	log_info("bus: listening on PostgreSQL (node %s)", bus_node(pb->b));
	bus__connected(pb->b);
	if (pb->cur == cn)
		drain(cn); /* LISTEN's reply may have brought notifications along */
}

static void on_retry(uv_timer_t *t)
{
	pgbus_t *pb = t->data;
	if (pb->closing || pb->connecting || pb->cur)
		return;
	pb->connecting = true;
	pb->refs++;
	pb->work.data = pb;
	if (uv_queue_work(bus__loop(pb->b), &pb->work, connect_run, connect_after) < 0) {
		pb->connecting = false;
		pb->refs--;
		retry_later(pb);
	}
}

/* ---- up ---- */

static void lost(conn_t *cn, const char *what)
{
	pgbus_t *pb = cn->pb;
	if (pb->cur != cn)
		return;
	if (!pb->closing)
		log_warn("bus: the connection was lost (%s): %s", what, PQerrorMessage(cn->c));
	pb->cur = NULL;
	bus__down(pb->b);
	uv_poll_stop(&cn->poll);
	uv_close((uv_handle_t *)&cn->poll, conn_closed);
	retry_later(pb);
}

/* Reads what came: the send's result, then every notification. */
static void drain(conn_t *cn)
{
	pgbus_t *pb = cn->pb;
	while (cn->busy && !PQisBusy(cn->c)) {
		PGresult *r = PQgetResult(cn->c);
		if (!r) {
			cn->busy = false;
			break;
		}
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			log_warn("bus: a notification was refused: %s", PQresultErrorMessage(r));
		PQclear(r);
	}
	PGnotify *n;
	while (pb->cur == cn && (n = PQnotifies(cn->c))) {
		bus__heard(pb->b, n->extra);
		PQfreemem(n);
	}
	if (pb->cur == cn && PQstatus(cn->c) == CONNECTION_BAD) {
		lost(cn, "status");
		return;
	}
	if (pb->cur == cn && !cn->busy)
		bus__kick(pb->b);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	conn_t *cn = h->data;
	if (status < 0) {
		lost(cn, uv_strerror(status));
		return;
	}
	if ((events & UV_WRITABLE) && cn->flushing) {
		int rc = PQflush(cn->c);
		if (rc < 0) {
			lost(cn, "flush");
			return;
		}
		if (rc == 0) {
			cn->flushing = false;
			uv_poll_start(&cn->poll, UV_READABLE, on_poll);
		}
	}
	if (events & UV_READABLE) {
		if (!PQconsumeInput(cn->c)) {
			lost(cn, "read");
			return;
		}
		drain(cn);
	}
}

/* ---- the engine ---- */

static int pgbus_open(bus_t *b, const char *url, char *err, size_t errlen)
{
	(void)err, (void)errlen;
	pgbus_t *pb = xcalloc(1, sizeof *pb);
	pb->b = b;
	pb->url = xstrdup(url);
	pb->pause = RETRY_MIN_MS;
	uv_timer_init(bus__loop(b), &pb->retry);
	pb->retry.data = pb;
	pb->refs = 1; /* the timer */
	bus__set_impl(b, pb);
	on_retry(&pb->retry);
	return 0;
}

static bool pgbus_ready(bus_t *b)
{
	pgbus_t *pb = bus__impl(b);
	return pb->cur && !pb->cur->busy;
}

static int pgbus_send(bus_t *b, const char *payload)
{
	pgbus_t *pb = bus__impl(b);
	conn_t *cn = pb->cur;
	const char *vals[1] = {payload};
	if (!PQsendQueryParams(cn->c, "SELECT pg_notify('" CHANNEL "', $1)", 1, NULL, vals, NULL,
	                       NULL, 0)) {
		lost(cn, "send");
		return UV_EIO;
	}
	cn->busy = true;
	int rc = PQflush(cn->c);
	if (rc < 0) {
		lost(cn, "flush");
		return UV_EIO;
	}
	if (rc == 1) {
		cn->flushing = true;
		uv_poll_start(&cn->poll, UV_READABLE | UV_WRITABLE, on_poll);
	}
	return 0;
}

static void timer_closed(uv_handle_t *h)
{
	unref(h->data);
}

static void pgbus_close(bus_t *b)
{
	pgbus_t *pb = bus__impl(b);
	pb->closing = true;
	if (pb->cur) {
		conn_t *cn = pb->cur;
		pb->cur = NULL;
		uv_poll_stop(&cn->poll);
		uv_close((uv_handle_t *)&cn->poll, conn_closed);
	}
	uv_close((uv_handle_t *)&pb->retry, timer_closed);
	/* a connect in flight drops its reference in connect_after */
}

const bus_engine_t bus__pg = {"postgresql", pgbus_open, pgbus_ready, pgbus_send, pgbus_close};
