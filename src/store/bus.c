/*
 * bus: what every engine shares (bus.h): coalescing, the message's form,
 * the sequence numbers and their gaps; and the "none" engine.
 *
 * A message is text:  "1 NODE SEQ ID:WHAT:REV ID:WHAT:REV ..."
 *   1     the form's version
 *   NODE  the sender's id, 16 hex digits
 *   SEQ   the sender's sequence number, 1, 2, 3...
 *   then one change per session, at most BUS_PAYLOAD_MAX bytes in all.
 *
 * Sending: bus_publish puts the change in `pending` (one entry per
 * session, flags and revision merged) and arms the timer for the next
 * moment a send may leave (BUS_INTERVAL_MS after the last). When it fires
 * and the engine is ready, the pending changes go as one message, or as
 * several when they do not fit. An engine that is not ready (down, or a
 * send in flight) calls bus__kick when it is.
 */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/bus.h"
#include "util/log.h"
#include "util/map.h"
#include "util/xalloc.h"

enum { PEERS_MAX = 256 };

typedef struct peer {
	char node[17];
	uint64_t seq;
} peer_t;

struct bus {
	const bus_engine_t *e;
	void *impl;
	uv_loop_t *loop;
	bus_fn fn;
	void *arg;
	char node[17];
	uint64_t seq; /* of the last message sent */
	/* changes waiting to be sent, one per session: pending[i] for the
	 * session whose id maps to i in by_session */
	bus_change_t *pending;
	size_t n_pending, cap_pending;
	map_t by_session;
	uv_timer_t timer;
	uint64_t last_send; /* loop time */
	peer_t peers[PEERS_MAX];
	size_t n_peers;
	bus_stats_t stats;
	bool closing, up;
};

/* ---- the none engine ---- */

static int none_open(bus_t *b, const char *url, char *err, size_t errlen)
{
	(void)url, (void)err, (void)errlen;
	b->up = true;
	return 0;
}

static bool none_ready(bus_t *b)
{
	(void)b;
	return true;
}

static int none_send(bus_t *b, const char *payload)
{
	(void)b, (void)payload;
	return 0;
}

static void none_close(bus_t *b)
{
	bus__free(b);
}

static const bus_engine_t bus_none = {"none", none_open, none_ready, none_send, none_close};

/* ---- sending ---- */

static void send_pending(bus_t *b);

static void on_timer(uv_timer_t *t)
{
	send_pending(t->data);
}

/* Arms the timer for the next moment a send may leave. */
static void arm(bus_t *b)
{
	if (b->closing || !b->n_pending || uv_is_active((uv_handle_t *)&b->timer))
		return;
	uint64_t now = uv_now(b->loop), due = b->last_send + BUS_INTERVAL_MS;
	uv_timer_start(&b->timer, on_timer, due > now ? due - now : 0, 0);
}

/* Sends what waits, as few messages as fit; stops at the first failure
 * (what was not sent stays pending, and the engine calls bus__kick once it
 * is back). */
static void send_pending(bus_t *b)
{
	if (b->closing || !b->n_pending || !b->e->ready(b))
		return;
	uint64_t now = uv_now(b->loop);
	if (now < b->last_send + BUS_INTERVAL_MS) {
		arm(b);
		return;
	}
	char msg[BUS_PAYLOAD_MAX + 64];
	size_t i = 0;
	/* One message per call to the engine: an engine with one send in
	 * flight at a time kicks again when it finished. */
	int n = snprintf(msg, sizeof msg, "1 %s %" PRIu64, b->node, b->seq + 1);
	size_t len = (size_t)n;
	for (; i < b->n_pending; i++) {
		const bus_change_t *c = &b->pending[i];
		char one[64];
		int k = snprintf(one, sizeof one, " %" PRId64 ":%u:%" PRId64, c->session_id,
		                 c->what, c->revision);
		if (len + (size_t)k > BUS_PAYLOAD_MAX)
			break;
		memcpy(msg + len, one, (size_t)k + 1);
		len += (size_t)k;
	}
	if (b->e->send(b, msg) < 0)
		return; /* kept; the engine reconnects and kicks */
	b->seq++;
	b->stats.sent++;
	b->last_send = now;
	/* the rest moves to the front */
	for (size_t k = 0; k < i; k++)
		map_del(&b->by_session, map_key((uint64_t)b->pending[k].session_id));
	memmove(b->pending, b->pending + i, (b->n_pending - i) * sizeof *b->pending);
	b->n_pending -= i;
	for (size_t k = 0; k < b->n_pending; k++)
		map_put(&b->by_session, map_key((uint64_t)b->pending[k].session_id), (int64_t)k);
	arm(b);
}

void bus_publish(bus_t *b, int64_t session_id, unsigned what, int64_t revision)
{
	if (!b || b->closing || b->e == &bus_none)
		return;
	int64_t i;
	if (map_get(&b->by_session, map_key((uint64_t)session_id), &i)) {
		b->pending[i].what |= what;
		if (revision > b->pending[i].revision)
			b->pending[i].revision = revision;
	} else {
		if (b->n_pending == b->cap_pending) {
			b->cap_pending = b->cap_pending ? 2 * b->cap_pending : 16;
			b->pending = xrealloc(b->pending, b->cap_pending * sizeof *b->pending);
		}
		b->pending[b->n_pending] = (bus_change_t){session_id, what, revision};
		map_put(&b->by_session, map_key((uint64_t)session_id), (int64_t)b->n_pending);
		b->n_pending++;
	}
	arm(b);
}

void bus__kick(bus_t *b)
{
	arm(b);
}

/* ---- receiving ---- */

/* The peer's last sequence number; a new peer gets a slot (the oldest
 * slot goes when all are taken: it then looks new again, which is no gap). */
static peer_t *peer_of(bus_t *b, const char *node, bool *fresh)
{
	for (size_t i = 0; i < b->n_peers; i++)
		if (!strcmp(b->peers[i].node, node)) {
			*fresh = false;
			return &b->peers[i];
		}
	*fresh = true;
	if (b->n_peers == PEERS_MAX) {
		memmove(b->peers, b->peers + 1, (PEERS_MAX - 1) * sizeof *b->peers);
		b->n_peers--;
	}
	peer_t *p = &b->peers[b->n_peers++];
	snprintf(p->node, sizeof p->node, "%s", node);
	return p;
}

void bus__heard(bus_t *b, const char *payload)
{
	char node[17];
	uint64_t seq;
	int used;
	if (b->closing || sscanf(payload, "1 %16[0-9a-f] %" SCNu64 "%n", node, &seq, &used) != 2) {
		if (!b->closing)
			log_warn("bus: a message not understood was ignored");
		return;
	}
	if (!strcmp(node, b->node))
		return; /* invariant 5 */
	b->stats.received++;
	bool fresh;
	peer_t *p = peer_of(b, node, &fresh);
	/* A node seen for the first time may have spoken before this one
	 * listened; but then this one (re)connected since and reloaded. */
	bool gap = !fresh && seq != p->seq + 1;
	uint64_t before = p->seq;
	p->seq = seq;
	const char *s = payload + used;
	for (;;) {
		bus_change_t c;
		int k;
		if (sscanf(s, " %" SCNd64 ":%u:%" SCNd64 "%n", &c.session_id, &c.what, &c.revision,
		           &k) != 3)
			break;
		s += k;
		b->fn(&c, b->arg);
		if (b->closing)
			return;
	}
	if (gap) {
		b->stats.gaps++;
		log_info("bus: node %s went from message %" PRIu64 " to %" PRIu64 "; reloading",
		         node, before, seq);
		b->fn(NULL, b->arg);
	}
}

void bus__connected(bus_t *b)
{
	b->up = true;
	b->stats.connects++;
	/* what was said while this node was away is lost: reload */
	b->fn(NULL, b->arg);
	arm(b);
}

/* ---- life cycle ---- */

static void timer_closed(uv_handle_t *h)
{
	bus_t *b = h->data;
	free(b->pending);
	map_free(&b->by_session);
	free(b);
}

int bus_open(uv_loop_t *loop, const char *url, bus_fn fn, void *arg, bus_t **out, char *err,
             size_t errlen)
{
	const bus_engine_t *e;
	if (!url || !*url || !strcmp(url, "none"))
		e = &bus_none;
	else if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11) ||
	         strchr(url, '='))
		e = &bus__pg;
	else {
		snprintf(err, errlen, "the bus is \"none\" or a postgresql:// URL");
		return UV_EINVAL;
	}
	bus_t *b = xcalloc(1, sizeof *b);
	b->e = e;
	b->loop = loop;
	b->fn = fn;
	b->arg = arg;
	unsigned char raw[8];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(b->node, sizeof b->node, raw, sizeof raw);
	uv_timer_init(loop, &b->timer);
	b->timer.data = b;
	int rc = e->open(b, url, err, errlen);
	if (rc < 0) {
		/* the engine left nothing behind; b goes with its timer */
		uv_close((uv_handle_t *)&b->timer, timer_closed);
		return rc;
	}
	*out = b;
	return 0;
}

void bus__free(bus_t *b)
{
	uv_close((uv_handle_t *)&b->timer, timer_closed);
}

void bus_close(bus_t *b)
{
	if (!b || b->closing)
		return;
	b->closing = true;
	uv_timer_stop(&b->timer);
	b->e->close(b);
}

const char *bus_engine_name(const bus_t *b)
{
	return b->e->name;
}

bool bus_up(const bus_t *b)
{
	return b->up;
}

const char *bus_node(const bus_t *b)
{
	return b->node;
}

void bus_get_stats(const bus_t *b, bus_stats_t *out)
{
	*out = b->stats;
}

void *bus__impl(bus_t *b)
{
	return b->impl;
}

void bus__set_impl(bus_t *b, void *impl)
{
	b->impl = impl;
}

uv_loop_t *bus__loop(bus_t *b)
{
	return b->loop;
}

void bus__down(bus_t *b)
{
	b->up = false;
}
