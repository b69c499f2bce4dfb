/*
 * bus: what every engine shares (bus.h): coalescing, the message's form,
 * the sequence numbers and their gaps; and the "none" engine.
 *
 * A message is text:  "1 NODE SEQ ITEM ITEM ..."
 *   1     the form's version
 *   NODE  the sender's id, 16 hex digits
 *   SEQ   the sender's sequence number, 1, 2, 3...
 *   ITEM  a change "ID:WHAT:REV" (one per session), or a note "K:A:B:N"
 *         (K a lower-case letter, bus_note_kind_t; A and N decimal, B 16
 *         hex digits); numbers are never negative. Changes come first: a
 *         node from before notes reads the changes and stops at the first
 *         note. At most BUS_PAYLOAD_MAX bytes in all.
 *
 * Sending: bus_publish puts the change in `pending` (one entry per
 * session, flags and revision merged), bus_note the note in `notes` (one
 * entry per kind, a and b; counts added), and both arm the timer for the
 * next moment a send may leave (BUS_INTERVAL_MS after the last). When it
 * fires and the engine is ready, what waits goes as one message, or as
 * several when it does not fit. An engine that is not ready (down, or a
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
	/* notes waiting, one per (kind, a, b): notes[i] for the one whose
	 * note_key maps to i in by_note (a collision is told apart by
	 * comparing, and then simply gets an entry of its own) */
	bus_note_t *notes;
	size_t n_notes, cap_notes;
	map_t by_note;
	bus_note_fn note_fn;
	void *note_arg;
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

/* ---- the message's form ---- */

size_t bus__format(char *msg, const char *node, uint64_t seq, const bus_change_t *c, size_t nc,
                   const bus_note_t *n, size_t nn, size_t *nc_used, size_t *nn_used)
{
	int head = snprintf(msg, BUS_PAYLOAD_MAX + 1, "1 %s %" PRIu64, node, seq);
	size_t len = (size_t)head, i = 0, j = 0;
	char one[96];
	for (; i < nc; i++) {
		int k = snprintf(one, sizeof one, " %" PRId64 ":%u:%" PRId64, c[i].session_id,
		                 c[i].what, c[i].revision);
		if (len + (size_t)k > BUS_PAYLOAD_MAX)
			break;
		memcpy(msg + len, one, (size_t)k + 1);
		len += (size_t)k;
	}
	/* notes only after every change: the order old readers rely on */
	for (; i == nc && j < nn; j++) {
		int k = snprintf(one, sizeof one, " %c:%" PRIu64 ":%016" PRIx64 ":%" PRIu32,
		                 n[j].kind, n[j].a, n[j].b, n[j].n);
		if (len + (size_t)k > BUS_PAYLOAD_MAX)
			break;
		memcpy(msg + len, one, (size_t)k + 1);
		len += (size_t)k;
	}
	*nc_used = i;
	*nn_used = j;
	return len;
}

static bool read_char(const char **s, char c)
{
	if (**s != c)
		return false;
	(*s)++;
	return true;
}

/* Decimal digits, at least one, at most max in value. */
static bool read_dec(const char **s, uint64_t max, uint64_t *v)
{
	const char *p = *s;
	uint64_t x = 0;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		uint64_t d = (uint64_t)(*p - '0');
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*s = p;
	*v = x;
	return true;
}

/* Exactly 16 lower-case hex digits. */
static bool read_hex16(const char **s, uint64_t *v, char *copy)
{
	uint64_t x = 0;
	for (int i = 0; i < 16; i++) {
		char ch = (*s)[i];
		int d = ch >= '0' && ch <= '9'   ? ch - '0'
		        : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
		                                 : -1;
		if (d < 0)
			return false;
		x = x << 4 | (uint64_t)d;
		if (copy)
			copy[i] = ch;
	}
	if (copy)
		copy[16] = '\0';
	*s += 16;
	*v = x;
	return true;
}

/* One pass over msg; delivers only when deliver (invariant 7: the first
 * pass checks the whole, the second hears it). */
static int parse_pass(const char *msg, char node[17], uint64_t *seq, bool deliver,
                      void (*change)(const bus_change_t *c, void *arg),
                      void (*note)(const bus_note_t *n, void *arg), void *arg)
{
	const char *s = msg;
	uint64_t id;
	if (!read_char(&s, '1') || !read_char(&s, ' ') || !read_hex16(&s, &id, node) ||
	    !read_char(&s, ' ') || !read_dec(&s, UINT64_MAX, seq))
		return UV_EINVAL;
	while (*s) {
		uint64_t x, y, z;
		if (!read_char(&s, ' '))
			return UV_EINVAL;
		if (*s >= 'a' && *s <= 'z') {
			char kind = *s++;
			if (!read_char(&s, ':') || !read_dec(&s, UINT64_MAX, &x) ||
			    !read_char(&s, ':') || !read_hex16(&s, &y, NULL) ||
			    !read_char(&s, ':') || !read_dec(&s, UINT32_MAX, &z))
				return UV_EINVAL;
			bus_note_t n = {.kind = kind, .a = x, .b = y, .n = (uint32_t)z};
			if (deliver && note)
				note(&n, arg);
			continue;
		}
		if (!read_dec(&s, INT64_MAX, &x) || !read_char(&s, ':') ||
		    !read_dec(&s, UINT32_MAX, &y) || !read_char(&s, ':') ||
		    !read_dec(&s, INT64_MAX, &z))
			return UV_EINVAL;
		bus_change_t c = {
		    .session_id = (int64_t)x, .what = (unsigned)y, .revision = (int64_t)z};
		if (deliver && change)
			change(&c, arg);
	}
	return 0;
}

int bus__parse(const char *msg, char node[17], uint64_t *seq,
               void (*change)(const bus_change_t *c, void *arg),
               void (*note)(const bus_note_t *n, void *arg), void *arg)
{
	int rc = parse_pass(msg, node, seq, false, NULL, NULL, NULL);
	return rc < 0 ? rc : parse_pass(msg, node, seq, true, change, note, arg);
}

/* ---- sending ---- */

static void send_pending(bus_t *b);

static void on_timer(uv_timer_t *t)
{
	send_pending(t->data);
}

/* Arms the timer for the next moment a send may leave. */
static void arm(bus_t *b)
{
	if (b->closing || (!b->n_pending && !b->n_notes) || uv_is_active((uv_handle_t *)&b->timer))
		return;
	uint64_t now = uv_now(b->loop), due = b->last_send + BUS_INTERVAL_MS;
	uv_timer_start(&b->timer, on_timer, due > now ? due - now : 0, 0);
}

static uint64_t note_key(char kind, uint64_t x, uint64_t y)
{
	uint64_t h = (x ^ (uint64_t)(unsigned char)kind << 56) * 0x9e3779b97f4a7c15ull;
	h ^= y + 0xbf58476d1ce4e5b9ull + (h << 6) + (h >> 2);
	return map_key(h);
}

/* Sends what waits, as few messages as fit; stops at the first failure
 * (what was not sent stays pending, and the engine calls bus__kick once it
 * is back). */
static void send_pending(bus_t *b)
{
	if (b->closing || (!b->n_pending && !b->n_notes) || !b->e->ready(b))
		return;
	uint64_t now = uv_now(b->loop);
	if (now < b->last_send + BUS_INTERVAL_MS) {
		arm(b);
		return;
	}
	/* One message per call to the engine: an engine with one send in
	 * flight at a time kicks again when it finished. */
	char msg[BUS_PAYLOAD_MAX + 1];
	size_t i, j;
	bus__format(msg, b->node, b->seq + 1, b->pending, b->n_pending, b->notes, b->n_notes, &i,
	            &j);
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
	if (j) {
		/* rebuilt rather than deleted one by one: colliding notes
		 * share no entry, so only the map's own say is trusted */
		map_free(&b->by_note);
		memmove(b->notes, b->notes + j, (b->n_notes - j) * sizeof *b->notes);
		b->n_notes -= j;
		for (size_t k = 0; k < b->n_notes; k++) {
			const bus_note_t *n = &b->notes[k];
			uint64_t key = note_key(n->kind, n->a, n->b);
			if (!map_get(&b->by_note, key, NULL))
				map_put(&b->by_note, key, (int64_t)k);
		}
	}
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

void bus_note(bus_t *b, char kind, uint64_t x, uint64_t y, uint32_t n)
{
	if (!b || b->closing || b->e == &bus_none || kind < 'a' || kind > 'z')
		return;
	uint64_t key = note_key(kind, x, y);
	int64_t i;
	if (map_get(&b->by_note, key, &i) && b->notes[i].kind == kind && b->notes[i].a == x &&
	    b->notes[i].b == y) {
		bus_note_t *e = &b->notes[i];
		e->n = n > UINT32_MAX - e->n ? UINT32_MAX : e->n + n;
		return; /* armed when it came */
	}
	if (b->n_notes >= BUS_NOTES_MAX) {
		b->stats.notes_dropped++;
		return;
	}
	if (b->n_notes == b->cap_notes) {
		b->cap_notes = b->cap_notes ? 2 * b->cap_notes : 16;
		b->notes = xrealloc(b->notes, b->cap_notes * sizeof *b->notes);
	}
	b->notes[b->n_notes] = (bus_note_t){.kind = kind, .a = x, .b = y, .n = n};
	if (!map_get(&b->by_note, key, NULL))
		map_put(&b->by_note, key, (int64_t)b->n_notes);
	b->n_notes++;
	arm(b);
}

void bus_on_note(bus_t *b, bus_note_fn fn, void *arg)
{
	b->note_fn = fn;
	b->note_arg = arg;
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

/* A callback may close the bus: what follows in the message is not heard. */
static void heard_change(const bus_change_t *c, void *arg)
{
	bus_t *b = arg;
	if (!b->closing)
		b->fn(c, b->arg);
}

static void heard_note(const bus_note_t *n, void *arg)
{
	bus_t *b = arg;
	if (!b->closing && b->note_fn)
		b->note_fn(n, b->note_arg);
}

void bus__heard(bus_t *b, const char *payload)
{
	char node[17];
	uint64_t seq;
	if (b->closing)
		return;
	if (bus__parse(payload, node, &seq, NULL, NULL, NULL) < 0) {
		b->stats.refused++;
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
	bus__parse(payload, node, &seq, heard_change, heard_note, b);
	if (gap && !b->closing) {
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
	free(b->notes);
	map_free(&b->by_note);
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
