/*
 * bucket: token buckets keyed by a 64-bit key, for request budgets
 * (answers per participant, failed code look-ups per address, failed logins
 * per account). Each key holds up to max tokens and gains one every
 * refill_ms; a key at max is forgotten, so the table holds only keys that
 * were recently active.
 */
#ifndef INSPRAAK_BUCKET_H
#define INSPRAAK_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

#include "util/map.h"

typedef struct bucket_set {
	map_t map;    /* key -> last refill time << 8 | tokens */
	unsigned max; /* at most 255 */
	unsigned refill_ms;
} bucket_set_t;

#define BUCKET_SET(max, refill_ms)                                                                 \
	{                                                                                          \
		MAP_INIT, (max), (refill_ms)                                                       \
	}

/*
 * Takes one token for key at time now_ms (when consume is false, only
 * looks). Returns true when a token was there; otherwise false with
 * *retry_after set to the seconds until the next token (at least 1).
 */
bool bucket_take(bucket_set_t *b, uint64_t key, uint64_t now_ms, bool consume, int *retry_after);
void bucket_free(bucket_set_t *b);

#endif
