/*
 * map: see map.h. The table is kept at most 3/4 full; deletion shifts later
 * members of the probe run back so no tombstones accumulate.
 */
#include "util/map.h"
#include "util/xalloc.h"

#include <assert.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static unsigned char hash_key[crypto_shorthash_KEYBYTES];
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void hash_key_make(void)
{
	randombytes_buf(hash_key, sizeof hash_key);
}

uint64_t map_hash(const void *p, size_t n)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;
	pthread_once(&hash_once, hash_key_make);
	crypto_shorthash(out, p, n, hash_key);
	memcpy(&h, out, sizeof h);
	return map_key(h);
}

static size_t slot(const map_t *m, uint64_t key)
{
	/* Fibonacci hashing spreads keys that are not uniformly random. */
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (m->cap - 1);
}

static void grow(map_t *m)
{
	map_t old = *m;
	m->cap = old.cap ? old.cap * 2 : 16;
	m->keys = xcalloc(m->cap, sizeof *m->keys);
	m->vals = xmalloc(m->cap * sizeof *m->vals);
	m->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i])
			map_put(m, old.keys[i], old.vals[i]);
	free(old.keys);
	free(old.vals);
}

bool map_get(const map_t *m, uint64_t key, int64_t *val)
{
	assert(key != 0);
	if (!m->cap)
		return false;
	for (size_t i = slot(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (m->keys[i] == key) {
			if (val)
				*val = m->vals[i];
			return true;
		}
		if (!m->keys[i])
			return false;
	}
}

void map_put(map_t *m, uint64_t key, int64_t val)
{
	assert(key != 0);
	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	size_t i = slot(m, key);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i])
		m->n++;
	m->keys[i] = key;
	m->vals[i] = val;
}

bool map_del(map_t *m, uint64_t key)
{
	if (!m->cap)
		return false;
	size_t i = slot(m, key);
	while (m->keys[i] != key) {
		if (!m->keys[i])
			return false;
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = 0;
	m->n--;
	/* Shift back any member whose home slot lies at or before the hole. */
	for (size_t j = (i + 1) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1)) {
		size_t home = slot(m, m->keys[j]);
		bool move = (i <= j) ? (home <= i || home > j) : (home <= i && home > j);
		if (move) {
			m->keys[i] = m->keys[j];
			m->vals[i] = m->vals[j];
			m->keys[j] = 0;
			i = j;
		}
	}
	return true;
}

void map_free(map_t *m)
{
	free(m->keys);
	free(m->vals);
	*m = (map_t)MAP_INIT;
}
