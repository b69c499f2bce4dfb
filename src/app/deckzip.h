/*
 * deckzip: a deck with its images as one .zip file. A Markdown deck names
 * its images by URL, so the file alone cannot carry them; the zip holds the
 * deck (one .md file) and the images it uses, referred to by their paths
 * inside the zip ("images/kaart.png").
 *
 * Invariants of deckzip_read:
 *  1. It reads only from memory and never touches the file system: a name
 *     in the zip is only ever compared with the deck's text.
 *  2. The work is bounded: at most DECKZIP_MAX_ENTRIES entries, the deck at
 *     most DECK_MAX_BYTES, an image at most DECKZIP_IMAGE_MAX and all of it
 *     at most DECKZIP_TOTAL_MAX once inflated, counted as it is read, not
 *     as the zip declares it (a zip bomb is refused, not inflated).
 *  3. What it returns is complete: the deck is valid UTF-8 text; every
 *     image is PNG, JPEG or WebP by its bytes, named by its hash as media.c
 *     names uploads.
 */
#ifndef INSPRAAK_APP_DECKZIP_H
#define INSPRAAK_APP_DECKZIP_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

enum {
	DECKZIP_MAX_BYTES = 30 * 1024 * 1024, /* the upload */
	DECKZIP_MAX_ENTRIES = 400,
	DECKZIP_IMAGE_MAX = 5 * 1024 * 1024, /* as media.c takes one */
	DECKZIP_TOTAL_MAX = 100 * 1024 * 1024,
};

typedef struct deckzip_image {
	char *path; /* inside the zip; owned */
	void *data; /* owned */
	size_t len;
	const char *type; /* "image/png", "image/jpeg" or "image/webp" */
	char name[48];    /* "<32 hex digits>.png" */
} deckzip_image_t;

typedef struct deckzip {
	char *deck_md; /* owned, NUL-terminated */
	deckzip_image_t *images;
	size_t n_images;
	size_t skipped; /* entries that are neither the deck nor an image */
} deckzip_t;

/* Reads a zip from zip[0..len). On success returns 0 and sets *out (free
 * with deckzip_free); on failure returns -1, leaves *out NULL and writes a
 * message for a person in lang ("nl" Dutch, else English) into err. */
int deckzip_read(const void *zip, size_t len, const char *lang, deckzip_t **out, char *err,
                 size_t errlen);
void deckzip_free(deckzip_t *z);

/* The deck with every link to an image of the zip, "](PATH)" or
 * "](./PATH)", pointing at /media/EVENT/NAME instead; caller frees. */
char *deckzip_rewrite(const deckzip_t *z, int64_t event_id);

/* One entry of a zip being written. */
typedef struct deckzip_entry {
	const char *path;
	const void *data;
	size_t len;
	int compress; /* 0: stored (images are compressed already) */
} deckzip_entry_t;

/* Appends a zip of the entries to out. Returns 0, or -1 when libzip failed. */
int deckzip_write(buf_t *out, const deckzip_entry_t *e, size_t n);

#endif
