/*
 * Fuzz target: what the sociale kaart reads from outside (app/kaart_*.c):
 * the editor's and the claim link's form, whose fields come from anyone
 * holding a link, and the CSV files of an HSDS zip. The first byte picks
 * the reader. A form's doc must always pass the checks an import applies
 * when the form found no error, and the search's stems must stay words.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/kaart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	if (data[0] & 1) {
		json_t *rows = kaart_csv_parse(s, n);
		json_decref(rows);
		return 0;
	}
	json_t *errors = json_object();
	json_t *doc = kaart_from_form(s, n, errors);
	if (!json_object_size(errors) && json_string_value(json_object_get(doc, "name")) &&
	    kaart_validate(doc, NULL) != 0)
		abort();
	char *terms = kaart_terms(doc);
	char *q = malloc(n + 1);
	if (q) {
		memcpy(q, s, n);
		q[n] = '\0';
		char *qt = kaart_query_terms(q);
		(void)kaart_terms_match(terms, qt);
		free(qt);
		free(q);
	}
	free(terms);
	json_decref(doc);
	json_decref(errors);
	return 0;
}
