/*
 * map: a hash map from 64-bit keys to 64-bit values (open addressing,
 * linear probing, backward-shift deletion). Keys are expected to be hashes
 * already (keyed SipHash of a token or id), so they are used as they are.
 * Key 0 is reserved; map_key() maps any hash away from it.
 */
#ifndef INSPRAAK_MAP_H
#define INSPRAAK_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct map {
	uint64_t *keys; /* owned */
	int64_t *vals;  /* owned */
	size_t cap;     /* power of two, or 0 */
	size_t n;
} map_t;

#define MAP_INIT                                                                                   \
	{                                                                                          \
		NULL, NULL, 0, 0                                                                   \
	}

static inline uint64_t map_key(uint64_t h)
{
	return h ? h : 1;
}

/* SipHash-2-4 (libsodium's crypto_shorthash) of n bytes under a key drawn
 * at random the first time any thread calls it, so equal within one
 * process and unpredictable from outside it. Never 0. Thread-safe. */
uint64_t map_hash(const void *p, size_t n);

/* Looks key up; true and *val set when present (val may be NULL). */
bool map_get(const map_t *m, uint64_t key, int64_t *val);
/* Inserts or replaces. */
void map_put(map_t *m, uint64_t key, int64_t val);
/* Removes key; true when it was present. */
bool map_del(map_t *m, uint64_t key);
void map_free(map_t *m);

#endif
