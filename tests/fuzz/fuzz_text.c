/*
 * Fuzz target: UTF-8 validation, cleaning and folding of participant text.
 * Whatever comes out of clean or fold must itself be valid text, and
 * cleaning never changes whether a text has a visible character.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	bool ok = text_valid(s, size);
	char *c = text_clean(s, size, size & 1);
	char *f = text_fold(s, size);
	if ((c != NULL) != ok || (f != NULL) != ok)
		abort();
	if (c && !text_valid(c, strlen(c)))
		abort();
	/* cleaning drops the bidi controls and keeps every visible character */
	if (c && (strstr(c, "\xE2\x80\xAE") || strstr(c, "\xE2\x81\xA6")))
		abort();
	if (ok && c && text_visible(s, size) != text_visible(c, strlen(c)))
		abort();
	if (f && !text_valid(f, strlen(f)))
		abort();
	free(c);
	free(f);
	return 0;
}
