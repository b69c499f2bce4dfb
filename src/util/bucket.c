/*
 * bucket: see bucket.h. Time and tokens share one 64-bit value: the time
 * of the last refill in the upper 56 bits (milliseconds of the loop's
 * clock), the tokens in the lowest 8.
 */
#include "util/bucket.h"

bool bucket_take(bucket_set_t *b, uint64_t key, uint64_t now, bool consume, int *retry_after)
{
	uint64_t last = now, tokens = b->max;
	int64_t packed;
	key = map_key(key);
	if (map_get(&b->map, key, &packed)) {
		last = (uint64_t)packed >> 8;
		tokens = (uint64_t)packed & 0xff;
		uint64_t add = now > last ? (now - last) / b->refill_ms : 0;
		if (add) {
			tokens = tokens + add >= b->max ? b->max : tokens + add;
			last = tokens == b->max ? now : last + add * b->refill_ms;
		}
	}
	if (tokens == 0) {
		uint64_t wait = b->refill_ms - (now - last);
		*retry_after = (int)((wait + 999) / 1000);
		if (*retry_after < 1)
			*retry_after = 1;
		return false;
	}
	if (!consume)
		return true;
	tokens--;
	map_put(&b->map, key, (int64_t)(last << 8 | tokens));
	return true;
}

void bucket_free(bucket_set_t *b)
{
	map_free(&b->map);
}
