/*
 * Fuzz target: the deck parser and Markdown rendering. A deck that parses
 * must survive the round trip through JSON unchanged.
 */
#include <stdint.h>
#include <stdlib.h>

#include "model/deck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	deck_t *d = NULL;
	char err[256];
	if (deck_parse((const char *)data, size, &d, err, sizeof err) != 0)
		return 0;
	for (size_t i = 0; i < d->n_slides; i++) {
		json_t *j = slide_to_json(&d->slides[i], true);
		slide_t s;
		if (slide_from_json(j, &s) != 0)
			abort(); /* a parsed slide must load again */
		json_t *k = slide_to_json(&s, true);
		if (!json_equal(j, k))
			abort();
		json_decref(j);
		json_decref(k);
		slide_clear(&s);
	}
	deck_free(d);
	return 0;
}
