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
 *  6. Notes (bus_note) are counts, not changes: a node's rate-limit tokens
 *     spent by a phone that spends fast, reactions, news of a participant
 *     who confirmed an address. They are coalesced like changes (equal
 *     notes add up between two sends) and bounded (BUS_NOTES_MAX wait at most;
 *     more are dropped and counted): a lost note only lets one phone
 *     overshoot a little, or delays news that the database holds anyway.
 *  7. A message from the wire is outside input: bus__parse refuses one that
 *     is not well formed as a whole, before anything of it is heard.
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
	BUS_DECK = 1 << 2,  /* the event's deck was replaced: its slides are read again */
	BUS_INTERVAL_MS = 100,
	/* PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; one
	 * message stays below this, and a larger batch goes as several. */
	BUS_PAYLOAD_MAX = 7900,
	/* notes waiting to be sent, at most: about 50 bytes each, so a
	 * full queue leaves in some 55 messages (5.5 s at ten a second) */
	BUS_NOTES_MAX = 8192,
};

typedef struct bus_change {
	int64_t session_id;
	unsigned what;    /* BUS_STATE | BUS_TALLY */
	int64_t revision; /* the session's revision when it was published */
} bus_change_t;

/* A note (invariant 6): a count about a pair of numbers (a, b), whose
 * meaning is the kind's. Notes of the same kind, a and b add up their n. */
typedef enum bus_note_kind {
	BUS_SPENT = 's',  /* a: a bucket set's number, b: a key, n: tokens spent */
	BUS_REACT = 'r',  /* a: a session's id, b: a reaction's index, n: reactions */
	BUS_PERSON = 'p', /* a: an event's id, b: a participant's key (0: all): read again */
} bus_note_kind_t;

typedef struct bus_note {
	char kind; /* bus_note_kind_t */
	uint64_t a, b;
	uint32_t n; /* adds up to at most UINT32_MAX */
} bus_note_t;

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
/* Publishes a note, coalesced with the changes (invariant 6). Never
 * fails; dropped (and counted) when BUS_NOTES_MAX notes wait already. */
void bus_note(bus_t *b, char kind, uint64_t x, uint64_t y, uint32_t n);
/* Who hears the notes of other nodes (the loop's thread); NULL: nobody. */
typedef void (*bus_note_fn)(const bus_note_t *n, void *arg);
void bus_on_note(bus_t *b, bus_note_fn fn, void *arg);
/* The engine's name ("none", "postgresql"). */
const char *bus_engine_name(const bus_t *b);
/* True when messages can flow (always for "none"). */
bool bus_up(const bus_t *b);
/* This node's id: 16 hex digits, random per process. */
const char *bus_node(const bus_t *b);

/* Counts, for /metrics and tests. */
typedef struct bus_stats {
	uint64_t sent, received, gaps, connects;
	uint64_t notes_dropped; /* over BUS_NOTES_MAX waiting */
	uint64_t refused;       /* messages not well formed */
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

/*
 * The message's form (bus.c), for engines and tests: any engine that
 * carries text of up to BUS_PAYLOAD_MAX bytes can carry it.
 *
 * bus__format writes into msg (at least BUS_PAYLOAD_MAX + 1 bytes) the
 * message of node (16 hex digits) numbered seq with as many of the changes,
 * then of the notes, as fit in BUS_PAYLOAD_MAX bytes, in order; sets
 * *nc_used and *nn_used to how many went in. Returns the length.
 */
size_t bus__format(char *msg, const char *node, uint64_t seq, const bus_change_t *c, size_t nc,
                   const bus_note_t *n, size_t nn, size_t *nc_used, size_t *nn_used);
/* Reads msg: its sender into node and its number into *seq, then each
 * change and each note through the callbacks (either may be NULL). 0, or
 * UV_EINVAL when msg is not well formed: then no callback was called and
 * node and *seq are undefined. */
int bus__parse(const char *msg, char node[17], uint64_t *seq,
               void (*change)(const bus_change_t *c, void *arg),
               void (*note)(const bus_note_t *n, void *arg), void *arg);
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
