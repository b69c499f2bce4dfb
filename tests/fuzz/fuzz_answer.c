/*
 * Fuzz target: answer parsing and validation (JSON, as the API and the
 * form fallback produce it) for every question type, and the tally that
 * counts what validation let through. The first byte picks the slide.
 * The whole input is also read as a request body the short way
 * (answer_envelope): whatever it takes, the full parser must read alike;
 * and every value is written as the store's text both ways (answer_norm_text
 * and json_dumps), which must give the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/answer.h"
#include "model/tally.h"

static const char DECK[] = "---\ntitle: F\n---\n"
                           "? open: O\nmax-length: 40\nanswers: 3\n---\n"
                           "? cloud: C\n---\n"
                           "? choice: K\n- a\n- b\n- c\n---\n"
                           "? choice: M\nmultiple: yes\n- a\n- b\n- c\n---\n"
                           "? scale: S\nscale: 4\n- x\n- y\n---\n"
                           "? rank: R\n- a\n- b\n- c\n---\n"
                           "? qa: Q\n";

static deck_t *deck;
static tally_t *tallies[16];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!deck) {
		char err[256];
		if (deck_parse(DECK, strlen(DECK), &deck, err, sizeof err) != 0)
			abort();
		for (size_t i = 0; i < deck->n_slides; i++)
			tallies[i] = tally_new(&deck->slides[i]);
	}
	answer_envelope_t env;
	if (answer_envelope((const char *)data, size, &env) == 0) {
		json_t *full = json_loadb((const char *)data, size, 0, NULL);
		if (!full || !json_is_object(full) ||
		    strcmp(env.id, json_string_value(json_object_get(full, "id")) ?: "\x01") ||
		    !json_is_integer(json_object_get(full, "slide")) ||
		    env.slide != json_integer_value(json_object_get(full, "slide")) ||
		    !json_equal(env.value, json_object_get(full, "value")))
			abort();
		json_decref(full);
		json_decref(env.value);
	}
	if (size < 2)
		return 0;
	size_t k = data[0] % deck->n_slides;
	const slide_t *s = &deck->slides[k];
	json_t *value = json_loadb((const char *)data + 2, size - 2, JSON_DECODE_ANY, NULL);
	if (!value)
		return 0;
	json_t *norm = NULL;
	char msg[256];
	/* the store's text of any value, as jansson would write it */
	char *mine = answer_norm_text(value),
	     *theirs = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!mine || !theirs || strcmp(mine, theirs) != 0)
		abort();
	free(mine);
	free(theirs);
	if (answer_validate(s, value, data[1] & 1 ? "nl" : "en", &norm, msg, sizeof msg) == 0) {
		static int64_t id;
		uint64_t participant = (uint64_t)(data[1] >> 1) + 1;
		if (tally_reserve(tallies[k], participant, norm) == 0) {
			id++;
			tally_add(tallies[k], id, participant, norm, id, false, false, true);
			if (data[1] & 2)
				tally_set_hidden(tallies[k], id, true);
		}
		json_decref(tally_json(tallies[k], true));
		json_decref(norm);
	}
	json_decref(value);
	return 0;
}
