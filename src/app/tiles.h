/*
 * tiles: the background of the sociale kaart's map, from one of two
 * sources the operator chooses when the server starts (docs/sociale-kaart.md,
 * "De kaart en de tegels"):
 *
 *  - an MBTiles file (`inspraak serve --tiles FILE`), a SQLite database of
 *    raster tiles that inspraak serves itself at /kaart/tiles/Z/X/Y.EXT, so
 *    that no request leaves the origin; or
 *  - a URL template (`--tile-url`) of a tile server elsewhere, which the
 *    browser asks directly; the Content-Security-Policy then admits that
 *    one origin for images (http_csp_img_src).
 *
 * Invariants: a tiles_t is one source, fixed for the life of the server.
 * Its MBTiles connection is read by one thread at a time (tiles_read); the
 * rest of it is read-only after tiles_open_*. Without either option there
 * is no tiles_t and the map stays hidden (GET /api/v1/kaart/map says
 * "tiles": null).
 */
#ifndef INSPRAAK_TILES_H
#define INSPRAAK_TILES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "net/http.h" /* HTTP_ORIGIN_MAX: the longest origin tiles_url_origin gives */

/* The deepest zoom level a path may ask for: 2^24 tiles a side is below a
 * metre at the equator, deeper than any raster set an operator makes. */
enum { TILES_MAX_Z = 24, TILES_URL_MAX = 1000, TILES_ATTRIBUTION_MAX = 500 };

typedef struct tiles tiles_t;

/* One tile of the XYZ scheme the browser asks for (y grows southward). */
typedef struct tiles_coord {
	int z;
	int64_t x, y;
	char ext[5]; /* "png", "jpg" or "webp": the extension of the path */
} tiles_coord_t;

/* ---- pure helpers (no I/O; tests/unit/test_tiles.c, tests/fuzz/fuzz_tiles.c) ---- */

/*
 * Parses "Z/X/Y.EXT" (p[0..n), not NUL-terminated; the rest of the path
 * after /kaart/tiles/) into c: decimal numbers without sign or leading
 * zeros, 0 <= Z <= TILES_MAX_Z, 0 <= X, Y < 2^Z, EXT png, jpg or webp.
 * Returns 0, or UV_EINVAL for anything else (c is then undefined).
 */
int tiles_parse_path(const char *p, size_t n, tiles_coord_t *c);
/* The MBTiles row of XYZ row y at zoom z: MBTiles counts rows from the
 * south (TMS), so tile_row = 2^z - 1 - y. z <= TILES_MAX_Z, 0 <= y < 2^z. */
int64_t tiles_tms_row(int z, int64_t y);
/*
 * Checks a --tile-url template: http:// or https://, a host of letters,
 * digits, dots and hyphens (or [IPv6]) with an optional :port, no user
 * name, and a path that holds {z}, {x} and {y} and no other {...}, no
 * space, quote, angle bracket, control byte or byte beyond ASCII, at most
 * TILES_URL_MAX bytes. On success writes "scheme://host[:port]" into origin and returns
 * 0; UV_EINVAL otherwise (origin is then ""), with the reason in why
 * (a static string) when why is not NULL.
 */
int tiles_url_origin(const char *tpl, char *origin, size_t len, const char **why);

/* ---- a source ---- */

/*
 * Opens an MBTiles file read-only on a connection of its own and reads its
 * metadata (format, bounds, center, minzoom, maxzoom, attribution; zoom
 * levels missing from the metadata come from the tiles table). A format
 * other than png, jpg or webp (such as pbf: vector tiles) is refused.
 * attribution, when not NULL, replaces the file's; it must be valid UTF-8
 * (a file's own that is not is left out, with a warning). Returns 0 and
 * *out, or UV_EINVAL / UV_EIO with a message for a person in err (*out is
 * NULL).
 */
int tiles_open_mbtiles(const char *path, const char *attribution, tiles_t **out, char *err,
                       size_t errlen);
/* A source that is a URL template (checked as tiles_url_origin does) and
 * its attribution text (may be NULL). Same returns as tiles_open_mbtiles. */
int tiles_open_url(const char *tpl, const char *attribution, tiles_t **out, char *err,
                   size_t errlen);
void tiles_close(tiles_t *t);

/* Whether t serves tiles itself (an MBTiles file) rather than naming a
 * server elsewhere. */
int tiles_is_local(const tiles_t *t);
/* The Content-Type of t's tiles ("image/png"); t is local. */
const char *tiles_type(const tiles_t *t);
/*
 * Reads tile c of a local source into *data (malloc'd, the caller's) and
 * *len. Blocks on the disk: call it on the thread pool, one call at a time
 * per tiles_t. Returns 0; UV_ENOENT when the file has no such tile or c's
 * extension is not the file's format; UV_EIO when the read failed.
 */
int tiles_read(tiles_t *t, const tiles_coord_t *c, void **data, size_t *len);
/* The answer of GET /api/v1/kaart/map for t (NULL: no source):
 * {"tiles", "attribution", "bounds" [[s,w],[n,e]] or null, "center"
 * [lat,lon,zoom] or null, "minzoom", "maxzoom"}. A new reference. */
json_t *tiles_config(const tiles_t *t);

#endif
