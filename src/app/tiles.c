/*
 * tiles: the sociale kaart's map background (tiles.h says what a source
 * is) and its two routes, GET /kaart/tiles/Z/X/Y.EXT and GET
 * /api/v1/kaart/map.
 *
 * A tile is read on libuv's thread pool, never on the loop: reading an
 * MBTiles file waits for the disk, and a map that opens asks for a dozen
 * tiles at once. The reads go through a queue of their own with room for
 * one job (pool.c), on the file's one read-only connection: SQLite reads a
 * tile in tens of microseconds once its pages are in the OS cache, so one
 * at a time keeps up with any map, and the other threads of the pool stay
 * free for password checks and reports. There is no cache of hot tiles in
 * the server: the OS page cache already holds the file's hot pages, and
 * browsers keep the tiles themselves (Cache-Control, ETag). A request
 * whose peer went away while its tile was read is answered into nothing
 * (http_respond frees it).
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "app/tiles.h"
#include "util/log.h"
#include "util/text.h"
#include "util/xalloc.h"

struct tiles {
	/* an MBTiles file: db and get (NULL for a URL template) */
	sqlite3 *db;
	sqlite3_stmt *get;
	char ext[5]; /* of the file's format: "png", "jpg", "webp" */
	const char *type;
	char *url; /* the template, or "/kaart/tiles/{z}/{x}/{y}.EXT" */
	char *attribution;
	double bounds[4]; /* west, south, east, north */
	double center[3]; /* lon, lat, zoom */
	bool has_bounds, has_center;
	int minzoom, maxzoom;
	app_queue_t reads; /* one read at a time on db */
};

/* ---- pure helpers ---- */

/* A decimal number without sign or leading zero at p[*i..n), below 2^31;
 * advances *i. */
static int parse_number(const char *p, size_t n, size_t *i, int64_t *out)
{
	size_t start = *i;
	int64_t v = 0;
	while (*i < n && p[*i] >= '0' && p[*i] <= '9') {
		if (*i - start >= 9)
			return UV_EINVAL;
		v = v * 10 + (p[*i] - '0');
		(*i)++;
	}
	if (*i == start || (p[start] == '0' && *i - start > 1))
		return UV_EINVAL;
	*out = v;
	return 0;
}

int tiles_parse_path(const char *p, size_t n, tiles_coord_t *c)
{
	int64_t v[3];
	size_t i = 0;
	for (int k = 0; k < 3; k++) {
		if (parse_number(p, n, &i, &v[k]) < 0)
			return UV_EINVAL;
		if (i == n || p[i] != (k < 2 ? '/' : '.'))
			return UV_EINVAL;
		i++;
	}
	if (v[0] > TILES_MAX_Z)
		return UV_EINVAL;
	int64_t side = (int64_t)1 << v[0];
	if (v[1] >= side || v[2] >= side)
		return UV_EINVAL;
	size_t elen = n - i;
	static const char *exts[] = {"png", "jpg", "webp"};
	for (size_t k = 0; k < sizeof exts / sizeof *exts; k++) {
		if (elen == strlen(exts[k]) && memcmp(p + i, exts[k], elen) == 0) {
			c->z = (int)v[0];
			c->x = v[1];
			c->y = v[2];
			memcpy(c->ext, exts[k], elen + 1);
			return 0;
		}
	}
	return UV_EINVAL;
}

int64_t tiles_tms_row(int z, int64_t y)
{
	return ((int64_t)1 << z) - 1 - y;
}

static int url_fail(char *origin, const char **why, const char *reason)
{
	if (origin)
		origin[0] = '\0';
	if (why)
		*why = reason;
	return UV_EINVAL;
}

int tiles_url_origin(const char *tpl, char *origin, size_t len, const char **why)
{
	origin[0] = '\0';
	size_t n = strlen(tpl);
	if (n > TILES_URL_MAX)
		return url_fail(origin, why, "is longer than 1000 bytes");
	size_t scheme;
	if (strncmp(tpl, "https://", 8) == 0)
		scheme = 8;
	else if (strncmp(tpl, "http://", 7) == 0)
		scheme = 7;
	else
		return url_fail(origin, why, "does not start with https:// or http://");
	/* The host goes into the Content-Security-Policy: only the bytes a
	 * host name, an [IPv6] address and a port are made of. */
	size_t h = scheme;
	bool v6 = tpl[h] == '[';
	while (tpl[h] && tpl[h] != '/') {
		char ch = tpl[h];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == ':' ||
		          (v6 && (ch == '[' || ch == ']'));
		if (!ok)
			return url_fail(origin, why,
			                "has a host with a byte a host name has not (such as "
			                "@, { or a space)");
		h++;
	}
	if (h == scheme || tpl[h] != '/')
		return url_fail(origin, why, "has no host or no path after it");
	if (tpl[h - 1] == ':')
		return url_fail(origin, why, "has a colon without a port");
	bool z = false, x = false, y = false;
	for (size_t i = h; i < n; i++) {
		unsigned char ch = (unsigned char)tpl[i];
		if (ch <= ' ' || ch >= 0x7f || strchr("\"'<>\\`", ch))
			return url_fail(origin, why,
			                "holds a space, a quote, an angle bracket, a control "
			                "byte or a byte beyond ASCII (percent-encode it)");
		if (ch == '{') {
			if (strncmp(tpl + i, "{z}", 3) == 0)
				z = true;
			else if (strncmp(tpl + i, "{x}", 3) == 0)
				x = true;
			else if (strncmp(tpl + i, "{y}", 3) == 0)
				y = true;
			else
				return url_fail(origin, why,
				                "holds a {...} other than {z}, {x} and {y}");
			i += 2;
		} else if (ch == '}') {
			return url_fail(origin, why, "holds a } without its {");
		}
	}
	if (!z || !x || !y)
		return url_fail(origin, why, "lacks one of {z}, {x} and {y}");
	if (h + 1 > len || h > HTTP_ORIGIN_MAX)
		return url_fail(origin, why, "has a host that is too long");
	memcpy(origin, tpl, h);
	origin[h] = '\0';
	return 0;
}

/* ---- a source ---- */

/* Sets t's attribution to s, cut to TILES_ATTRIBUTION_MAX bytes at a
 * character's start. UV_EINVAL (and no change) when s is not valid UTF-8
 * text: the map's config is JSON, which could not carry it. */
static int set_attribution(tiles_t *t, const char *s)
{
	size_t n = strlen(s);
	if (n > TILES_ATTRIBUTION_MAX) {
		n = TILES_ATTRIBUTION_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (!text_valid(s, n))
		return UV_EINVAL;
	free(t->attribution);
	t->attribution = xstrndup(s, n);
	return 0;
}

/* A new source with the defaults and attribution (NULL: none); NULL with a
 * message in err when the attribution is not valid UTF-8. */
static tiles_t *tiles_alloc(const char *attribution, char *err, size_t errlen)
{
	tiles_t *t = xcalloc(1, sizeof *t);
	t->maxzoom = 19;
	t->reads.limit = 1;
	t->attribution = xstrdup("");
	if (attribution && set_attribution(t, attribution) < 0) {
		snprintf(err, errlen, "--tile-attribution is not valid UTF-8 text");
		tiles_close(t);
		return NULL;
	}
	return t;
}

int tiles_open_url(const char *tpl, const char *attribution, tiles_t **out, char *err,
                   size_t errlen)
{
	*out = NULL;
	char origin[HTTP_ORIGIN_MAX + 1];
	const char *why = "";
	if (tiles_url_origin(tpl, origin, sizeof origin, &why) < 0) {
		snprintf(err, errlen, "--tile-url %s", why);
		return UV_EINVAL;
	}
	tiles_t *t = tiles_alloc(attribution, err, errlen);
	if (!t)
		return UV_EINVAL;
	t->url = xstrdup(tpl);
	*out = t;
	return 0;
}

/* "a,b,c[,d]" of numbers into v; the count read. */
static int parse_numbers(const char *s, double *v, int max)
{
	int k = 0;
	while (k < max) {
		char *end;
		errno = 0;
		double d = strtod(s, &end);
		if (end == s || errno)
			return k;
		v[k++] = d;
		s = end;
		while (*s == ' ')
			s++;
		if (*s != ',')
			break;
		s++;
	}
	return k;
}

static void read_metadata(tiles_t *t, const char *attribution)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(t->db, "SELECT name, value FROM metadata", -1, &st, NULL) !=
	    SQLITE_OK)
		return; /* no metadata table: the defaults and the tiles table */
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *value = (const char *)sqlite3_column_text(st, 1);
		if (!name || !value)
			continue;
		if (strcmp(name, "format") == 0) {
			snprintf(t->ext, sizeof t->ext, "%s",
			         strcmp(value, "jpeg") == 0 ? "jpg" : value);
			if (strlen(value) >= sizeof t->ext)
				snprintf(t->ext, sizeof t->ext, "?");
		} else if (strcmp(name, "bounds") == 0) {
			t->has_bounds = parse_numbers(value, t->bounds, 4) == 4 &&
			                t->bounds[0] >= -180 && t->bounds[2] <= 180 &&
			                t->bounds[1] >= -90 && t->bounds[3] <= 90 &&
			                t->bounds[0] < t->bounds[2] && t->bounds[1] < t->bounds[3];
		} else if (strcmp(name, "center") == 0) {
			t->has_center = parse_numbers(value, t->center, 3) == 3;
		} else if (strcmp(name, "minzoom") == 0) {
			t->minzoom = atoi(value);
		} else if (strcmp(name, "maxzoom") == 0) {
			t->maxzoom = atoi(value);
		} else if (strcmp(name, "attribution") == 0 && !attribution) {
			if (set_attribution(t, value) < 0)
				log_warn("the tiles' attribution is not valid UTF-8: not shown "
				         "(give one with --tile-attribution)");
		}
	}
	sqlite3_finalize(st);
}

int tiles_open_mbtiles(const char *path, const char *attribution, tiles_t **out, char *err,
                       size_t errlen)
{
	*out = NULL;
	tiles_t *t = tiles_alloc(attribution, err, errlen);
	if (!t)
		return UV_EINVAL;
	t->minzoom = -1, t->maxzoom = -1;
	int rc = UV_EIO;
	/* read-only and never created: a mistyped name is an error, not an
	 * empty map. NOMUTEX: the reads queue (limit 1) lets one thread at a
	 * time use the connection, which SQLite's multi-thread mode allows. */
	if (sqlite3_open_v2(path, &t->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "cannot open the tiles %s: %s", path,
		         t->db ? sqlite3_errmsg(t->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(t->db, 2000);
	if (sqlite3_prepare_v2(t->db,
	                       "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND "
	                       "tile_column = ?2 AND tile_row = ?3",
	                       -1, &t->get, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s is not an MBTiles file (no tiles table): %s", path,
		         sqlite3_errmsg(t->db));
		rc = UV_EINVAL;
		goto fail;
	}
	read_metadata(t, attribution);
	static const struct {
		const char *ext, *type;
	} formats[] = {{"png", "image/png"}, {"jpg", "image/jpeg"}, {"webp", "image/webp"}};
	if (!t->ext[0])
		snprintf(t->ext, sizeof t->ext, "png"); /* the spec's default */
	for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
		if (strcmp(t->ext, formats[i].ext) == 0)
			t->type = formats[i].type;
	if (!t->type) {
		snprintf(err, errlen,
		         "%s holds tiles of format %s; the map shows raster tiles (png, jpg or "
		         "webp): see docs/sociale-kaart.md",
		         path, t->ext);
		rc = UV_EINVAL;
		goto fail;
	}
	if (t->minzoom < 0 || t->maxzoom < 0) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(t->db, "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles",
		                       -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			if (t->minzoom < 0)
				t->minzoom = sqlite3_column_int(st, 0);
			if (t->maxzoom < 0)
				t->maxzoom = sqlite3_column_int(st, 1);
		}
		sqlite3_finalize(st);
	}
	if (t->minzoom < 0 || t->minzoom > TILES_MAX_Z)
		t->minzoom = 0;
	if (t->maxzoom < t->minzoom || t->maxzoom > TILES_MAX_Z)
		t->maxzoom = TILES_MAX_Z;
	char url[40];
	snprintf(url, sizeof url, "/kaart/tiles/{z}/{x}/{y}.%s", t->ext);
	t->url = xstrdup(url);
	*out = t;
	return 0;
fail:
	tiles_close(t);
	return rc;
}

void tiles_close(tiles_t *t)
{
	if (!t)
		return;
	sqlite3_finalize(t->get);
	sqlite3_close(t->db);
	free(t->url);
	free(t->attribution);
	free(t);
}

int tiles_is_local(const tiles_t *t)
{
	return t && t->db;
}

const char *tiles_type(const tiles_t *t)
{
	return t->type;
}

int tiles_read(tiles_t *t, const tiles_coord_t *c, void **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	if (!t->db || strcmp(c->ext, t->ext) != 0)
		return UV_ENOENT;
	sqlite3_reset(t->get);
	sqlite3_bind_int(t->get, 1, c->z);
	sqlite3_bind_int64(t->get, 2, c->x);
	sqlite3_bind_int64(t->get, 3, tiles_tms_row(c->z, c->y));
	int rc = sqlite3_step(t->get);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(t->get);
		return UV_ENOENT;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(t->get);
		return UV_EIO;
	}
	int n = sqlite3_column_bytes(t->get, 0);
	const void *blob = sqlite3_column_blob(t->get, 0);
	if (n > 0 && blob) {
		*data = xmalloc((size_t)n);
		memcpy(*data, blob, (size_t)n);
		*len = (size_t)n;
	}
	sqlite3_reset(t->get);
	return n > 0 ? 0 : UV_ENOENT;
}

json_t *tiles_config(const tiles_t *t)
{
	if (!t)
		return json_pack("{s:n, s:s, s:n, s:n, s:i, s:i}", "tiles", "attribution", "",
		                 "bounds", "center", "minzoom", 0, "maxzoom", 0);
	json_t *bounds = t->has_bounds ? json_pack("[[f,f],[f,f]]", t->bounds[1], t->bounds[0],
	                                           t->bounds[3], t->bounds[2])
	                               : json_null();
	json_t *center = t->has_center
	                     ? json_pack("[f,f,f]", t->center[1], t->center[0], t->center[2])
	                     : json_null();
	return json_pack("{s:s, s:s, s:o, s:o, s:i, s:i}", "tiles", t->url, "attribution",
	                 t->attribution, "bounds", bounds, "center", center, "minzoom", t->minzoom,
	                 "maxzoom", t->maxzoom);
}

/* ---- the routes ---- */

typedef struct tile_job {
	uv_work_t work;
	app_t *app;
	http_request_t *req;
	tiles_coord_t c;
	char inm[128]; /* the request's If-None-Match, cut */
	void *data;
	size_t len;
	int rc;
	char etag[24];
} tile_job_t;

static void tile_work(uv_work_t *w)
{
	tile_job_t *j = w->data;
	j->rc = tiles_read(j->app->tiles, &j->c, &j->data, &j->len);
	if (j->rc == 0) {
		/* a strong tag from the bytes: a file made again gives each
		 * changed tile a new tag, an unchanged one keeps it */
		unsigned char h[8];
		char hex[17];
		crypto_generichash(h, sizeof h, j->data, j->len, NULL, 0);
		sodium_bin2hex(hex, sizeof hex, h, sizeof h);
		snprintf(j->etag, sizeof j->etag, "\"%s\"", hex);
	}
}

static void tile_after(uv_work_t *w, int status)
{
	tile_job_t *j = w->data;
	app_t *a = j->app;
	a->pool_jobs--;
	if (status < 0)
		j->rc = UV_EIO;
	if (j->rc == UV_ENOENT) {
		http_respond_error(j->req, 404, "not_found", tr_req(j->req, "api.not_found"),
		                   "Cache-Control: public, max-age=3600\r\n");
	} else if (j->rc < 0) {
		http_respond_error(j->req, 503, "unavailable", tr_req(j->req, "err.unavailable"),
		                   NULL);
	} else {
		char hdr[128];
		snprintf(hdr, sizeof hdr, "Cache-Control: public, max-age=86400\r\nETag: %s\r\n",
		         j->etag);
		if (j->inm[0] && strstr(j->inm, j->etag))
			http_respond(j->req, 304, NULL, hdr, "", 0);
		else
			http_respond(j->req, 200, tiles_type(a->tiles), hdr, j->data, j->len);
	}
	free(j->data);
	free(j);
}

void tiles_get(app_t *a, http_request_t *req, const app_match_t *m)
{
	tiles_coord_t c;
	if (!tiles_is_local(a->tiles) || tiles_parse_path(m->rest, m->rest_len, &c) < 0) {
		http_respond_error(req, 404, "not_found", tr_req(req, "api.not_found"), NULL);
		return;
	}
	tile_job_t *j = xcalloc(1, sizeof *j);
	j->app = a;
	j->req = req;
	j->c = c;
	const char *inm = http_header(req, "If-None-Match");
	snprintf(j->inm, sizeof j->inm, "%s", inm ? inm : "");
	j->work.data = j;
	a->pool_jobs++;
	app_queue_work(a, &a->tiles->reads, &j->work, tile_work, tile_after);
}

void tiles_map_get(app_t *a, http_request_t *req, const app_match_t *m)
{
	http_respond_json(req, 200, tiles_config(a->tiles), "Cache-Control: no-cache\r\n");
}
