/*
 * Fuzz target: a deck's .zip (src/app/deckzip.c), as uploaded to
 * POST /api/v1/events/ID/deck.zip. libzip parses it, the entries are
 * inflated within their limits, the deck's links are rewritten. A broken
 * or hostile zip may be refused but must never crash or inflate past the
 * limits, and what is returned must hold the invariants of deckzip.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/deckzip.h"
#include "model/deck.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	deckzip_t *z;
	char err[512];
	if (deckzip_read(data, size, "en", &z, err, sizeof err) != 0) {
		if (z || !err[0])
			abort();
		return 0;
	}
	size_t n = strlen(z->deck_md);
	if (n > DECK_MAX_BYTES)
		abort();
	for (size_t i = 0; i < z->n_images; i++)
		if (z->images[i].len > DECKZIP_IMAGE_MAX || !z->images[i].type ||
		    strlen(z->images[i].name) < 36)
			abort();
	char *md = deckzip_rewrite(z, 1);
	free(md);
	deckzip_free(z);
	return 0;
}
