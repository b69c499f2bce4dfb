/*
 * bucket: token buckets keyed by a 64-bit key, for request budgets
 * (answers per participant, failed code look-ups per address, failed logins
 * per account). Each key holds up to max tokens and gains one every
 * refill_ms; a key at max is forgotten, so the table holds only keys that
 * were recently active.
 *
 * Several nodes (docs/deploy.md, "Several nodes") share a budget by telling
 * each other about hot keys only:
 *  1. A key is hot from the take that leaves it at least half its burst
 *     spent until it is full again. The take that makes it hot reports every
 *     token spent so far; each later take on it reports one. A key that never
 *     spends half its burst (a phone that answers each question once) is
 *     never reported, so what the nodes tell each other grows with the
 *     phones that push, not with the audience.
 *  2. What is reported (through spent, when set) is charged by the other
 *     nodes to their own bucket of the key (bucket_charge), which makes it
 *     hot there too: its later takes report one each, so a charge is never
 *     reported back.
 *  3. A charge larger than the tokens left becomes a debt of up to one
 *     burst: no token comes back until it is repaid at the refill rate. So
 *     over time the key gets one budget in total; what a phone may overshoot
 *     is what the nodes spend before they hear of each other (at most half a
 *     burst per node before the key is hot, and one burst per node within
 *     the bus's coalescing interval), and it is taken back as debt.
 * Keys must be the same on every node for this: a keyed hash takes its key
 * from the store's secret, never from a random one of the process.
 */
#ifndef INSPRAAK_BUCKET_H
#define INSPRAAK_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

#include "util/map.h"

typedef struct bucket_set bucket_set_t;

/* Told of tokens spent on a hot key (invariant 1), on the taker's thread. */
typedef void (*bucket_spent_fn)(const bucket_set_t *b, uint64_t key, unsigned n, void *arg);

struct bucket_set {
	map_t map;    /* key -> last refill time << 9 | hot << 8 | tokens */
	unsigned max; /* at most 255 */
	unsigned refill_ms;
	unsigned id;           /* its number for the other nodes; 0: none */
	bucket_spent_fn spent; /* NULL: nobody is told */
	void *spent_arg;
};

#define BUCKET_SET(max, refill_ms)                                                                 \
	{                                                                                          \
		MAP_INIT, (max), (refill_ms), 0, NULL, NULL                                        \
	}

/*
 * Takes one token for key at time now_ms (when consume is false, only
 * looks). Returns true when a token was there; otherwise false with
 * *retry_after set to the seconds until the next token (at least 1).
 */
bool bucket_take(bucket_set_t *b, uint64_t key, uint64_t now_ms, bool consume, int *retry_after);
/* Charges n tokens that another node saw spent on key (invariants 2, 3). */
void bucket_charge(bucket_set_t *b, uint64_t key, unsigned n, uint64_t now_ms);
void bucket_free(bucket_set_t *b);

#endif
