/*
 * Fuzz target: the Accept-Encoding parser (net/http.c), which reads a
 * header that any client sets. It must never read past the value, and it
 * answers only the codings it knows.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	unsigned bits = http_accept_encoding(s);
	if (bits & ~(unsigned)(HTTP_ENC_GZIP | HTTP_ENC_BR))
		abort();
	free(s);
	return 0;
}
