/*
 * file: see file.h. Reads in chunks so that files of unknown size (pipes,
 * /proc) work too, and stops as soon as the bound is passed.
 */
#include "util/file.h"

#include <errno.h>
#include <stdio.h>

#include "util/buf.h"

char *file_read(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	buf_t b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_append(&b, chunk, n);
		if (b.len > max) {
			fclose(f);
			buf_free(&b);
			errno = EFBIG;
			return NULL;
		}
	}
	int failed = ferror(f);
	fclose(f);
	if (failed) {
		buf_free(&b);
		errno = EIO;
		return NULL;
	}
	if (len)
		*len = b.len;
	return buf_steal(&b);
}
