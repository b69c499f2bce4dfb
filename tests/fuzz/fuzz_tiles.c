/*
 * Fuzz target: the tile path parser and the --tile-url check
 * (src/app/tiles.c). The path is any client's; the template is the
 * operator's, but its origin goes into a response header, so neither may
 * read past its input, and what they accept must keep their promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "app/tiles.h"
#include "net/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the path, exactly size bytes, as the router hands it over */
	char *p = malloc(size ? size : 1);
	if (!p)
		return 0;
	memcpy(p, data, size);
	tiles_coord_t c;
	if (tiles_parse_path(p, size, &c) == 0) {
		if (c.z < 0 || c.z > TILES_MAX_Z || c.x < 0 || c.y < 0 ||
		    c.x >= (int64_t)1 << c.z || c.y >= (int64_t)1 << c.z)
			abort();
		int64_t row = tiles_tms_row(c.z, c.y);
		if (row < 0 || row >= (int64_t)1 << c.z)
			abort();
	}
	free(p);

	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	char origin[HTTP_ORIGIN_MAX + 1];
	if (tiles_url_origin(s, origin, sizeof origin, NULL) == 0) {
		if (strncmp(s, origin, strlen(origin)) != 0 || strpbrk(origin, " ;,'\"\r\n{}@"))
			abort();
	} else if (origin[0]) {
		abort();
	}
	free(s);
	return 0;
}
