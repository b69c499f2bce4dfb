/*
 * file: reading a whole file into memory, bounded.
 */
#ifndef INSPRAAK_FILE_H
#define INSPRAAK_FILE_H

#include <stddef.h>

/* Reads path into a malloc'd, NUL-terminated buffer the caller frees, and
 * sets *len (may be NULL). Returns NULL with errno set when the file cannot
 * be read, or with errno EFBIG when it is larger than max bytes. */
char *file_read(const char *path, size_t max, size_t *len);

#endif
