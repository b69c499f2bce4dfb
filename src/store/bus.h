/*
 * bus: the nodes that share one database tell each other what changed
 * (DESIGN.md, "Scale"; docs/deploy.md, "Several nodes").
 *
 * Invariants:
 *  1. The bus carries news, never data: a change names a session, what
 *     changed (its state, its tallies) and the revision. The
 *     receiver reads the rest from the database, off the loop thread.
 *     Answers and state are committed before they are published, so a
 *     message that is lost loses nothing: it only delays the news.
 *  2. Changes are coalesced per session: publishing the same session many
 *     times between two sends sends it once. A send leaves at most every
 *     BUS_INTERVAL_MS (ten a second), whatever the rate of changes.
 *  3. Every message carries its node's id (random per process) and a
 *     sequence number that grows by one per message. A receiver that sees a
 *     gap in a node's numbers, or that (re)connects, is told that it may
 *     have missed changes (the callback with NULL): it reloads every session
 *     it holds.
 *  4. Nothing here blocks the loop: the PostgreSQL engine connects on the
 *     thread pool, then sends and receives on a non-blocking connection of
 *     its own, watched with uv_poll, that is never inside a transaction
 *     (a NOTIFY inside the answers' transaction would take a global lock at
 *     every commit). A lost connection is opened again with a growing
 *     pause, 0.2 s to 5 s.
 *  5. A node never hears its own messages.
 *
 * Engines: "none" (one node: publishing does nothing, nothing is heard) and
 * "postgresql" (LISTEN/NOTIFY on channel inspraak_bus). Another engine
 * (NATS, say) fills bus_engine_t in a file of its own.
 *
 * Threads: every call, and the callback, on the loop's thread.
 */
#ifndef INSPRAAK_STORE_BUS_H
#define INSPRAAK_STORE_BUS_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

typedef struct bus bus_t;

enum {
	BUS_STATE = 1 << 0, /* the session's row: slide, voting, results, ended */
	BUS_TALLY = 1 << 1, /* answers came in, or were hidden, pinned, answered */
	BUS_INTERVAL_MS = 100,
	/* PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; one
	 * message stays below this, and a larger batch goes as several. */
	BUS_PAYLOAD_MAX = 7900,
};

typedef struct bus_change {
	int64_t session_id;
	unsigned what;    /* BUS_STATE | BUS_TALLY */
	int64_t revision; /* the session's revision when it was published */
} bus_change_t;

/* A change another node published; c NULL: changes may have been missed
 * (a gap in a node's sequence, or a (re)connection): reload everything. */
typedef void (*bus_fn)(const bus_change_t *c, void *arg);

/* ---- life cycle ---- */

/* Opens the bus named by url: NULL, "" or "none" for the single node; a
 * postgresql:// URL (or any libpq connection string) for LISTEN/NOTIFY.
 * Returns at once: the connection is made in the background, and fn(NULL)
 * is called each time it is up. Sets *out (bus_close frees it). UV_EINVAL
 * with a message in err for an engine not known. */
int bus_open(uv_loop_t *loop, const char *url, bus_fn fn, void *arg, bus_t **out, char *err,
             size_t errlen);
/* Stops sending and listening and frees b once its handles closed and its
 * work on the thread pool came back: run the loop afterwards. Changes not
 * yet sent are dropped (others reload on the gap). NULL is allowed. */
void bus_close(bus_t *b);

/* ---- use ---- */

/* Publishes a change of session_id, coalesced (invariant 2). what: BUS_*;
 * revision the session's current one. Never fails: while the bus is down
 * the changes wait, coalesced, and go when it is back. */
void bus_publish(bus_t *b, int64_t session_id, unsigned what, int64_t revision);
/* The engine's name ("none", "postgresql"). */
const char *bus_engine_name(const bus_t *b);
/* True when messages can flow (always for "none"). */
bool bus_up(const bus_t *b);
/* This node's id: 16 hex digits, random per process. */
const char *bus_node(const bus_t *b);

/* Counts, for /metrics and tests. */
typedef struct bus_stats {
	uint64_t sent, received, gaps, connects;
} bus_stats_t;
void bus_get_stats(const bus_t *b, bus_stats_t *out);

/* ---- for engines (bus.c and bus_*.c only) ---- */

typedef struct bus_engine {
	const char *name;
	/* Starts connecting; 0 or a negative code with a message in err
	 * (having left nothing behind: close is not called then). */
	int (*open)(bus_t *b, const char *url, char *err, size_t errlen);
	/* True when send may be called now (connected, nothing in flight). */
	bool (*ready)(bus_t *b);
	/* Sends one message; 0, or a negative code when the connection is
	 * lost (the engine then reconnects). */
	int (*send)(bus_t *b, const char *payload);
	/* Closes; the engine calls bus__free(b) when it is done. */
	void (*close)(bus_t *b);
} bus_engine_t;

extern const bus_engine_t bus__pg;
/* The engine's state, after bus.c's. */
void *bus__impl(bus_t *b);
void bus__set_impl(bus_t *b, void *impl);
uv_loop_t *bus__loop(bus_t *b);
/* The engine heard payload / came up / can send again. */
void bus__heard(bus_t *b, const char *payload);
void bus__connected(bus_t *b);
/* The engine lost its connection (bus_up false until bus__connected). */
void bus__down(bus_t *b);
void bus__kick(bus_t *b);
void bus__free(bus_t *b);

#endif
