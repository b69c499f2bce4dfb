/*
 * bucket: see bucket.h. Time, a flag and tokens share one 64-bit value:
 * the time of the last refill in the upper 55 bits (milliseconds of the
 * loop's clock), whether the key is hot in bit 8, the tokens in the lowest
 * 8. A debt (bucket.h, invariant 3) is a refill time in the future: no
 * token comes back before it.
 */
#include "util/bucket.h"

typedef struct state {
	uint64_t last, tokens;
	bool hot;
} state_t;

/* The key's state at now, refilled; a key not held is full. */
static state_t state_at(const bucket_set_t *b, uint64_t key, uint64_t now)
{
	state_t s = {now, b->max, false};
	int64_t packed;
	if (!map_get(&b->map, key, &packed))
		return s;
	s.last = (uint64_t)packed >> 9;
	s.hot = (uint64_t)packed >> 8 & 1;
	s.tokens = (uint64_t)packed & 0xff;
	uint64_t add = now > s.last ? (now - s.last) / b->refill_ms : 0;
	if (add) {
		s.tokens = s.tokens + add >= b->max ? b->max : s.tokens + add;
		s.last = s.tokens == b->max ? now : s.last + add * b->refill_ms;
	}
	if (s.tokens == b->max)
		s.hot = false; /* full again: cold */
	return s;
}

static void put(bucket_set_t *b, uint64_t key, const state_t *s)
{
	map_put(&b->map, key, (int64_t)(s->last << 9 | (uint64_t)s->hot << 8 | s->tokens));
}

bool bucket_take(bucket_set_t *b, uint64_t key, uint64_t now, bool consume, int *retry_after)
{
	key = map_key(key);
	state_t s = state_at(b, key, now);
	if (s.tokens == 0) {
		/* modulo 2^64 this is right for a refill time in the future too */
		uint64_t wait = b->refill_ms - (now - s.last);
		*retry_after = (int)((wait + 999) / 1000);
		if (*retry_after < 1)
			*retry_after = 1;
		return false;
	}
	if (!consume)
		return true;
	s.tokens--;
	unsigned spent = b->max - (unsigned)s.tokens, tell = 0;
	if (s.hot)
		tell = 1;
	else if (2 * spent >= b->max)
		tell = spent, s.hot = true;
	put(b, key, &s);
	if (tell && b->spent)
		b->spent(b, key, tell, b->spent_arg);
	return true;
}

void bucket_charge(bucket_set_t *b, uint64_t key, unsigned n, uint64_t now)
{
	key = map_key(key);
	state_t s = state_at(b, key, now);
	s.hot = true;
	if (n <= s.tokens) {
		s.tokens -= n;
	} else {
		uint64_t debt = n - s.tokens, most = (uint64_t)b->max * b->refill_ms;
		s.tokens = 0;
		s.last += debt > b->max ? most : debt * b->refill_ms;
		if (s.last > now + most)
			s.last = now + most;
	}
	put(b, key, &s);
}

void bucket_free(bucket_set_t *b)
{
	map_free(&b->map);
}
