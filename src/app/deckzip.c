/*
 * deckzip: the deck and its images as one .zip (deckzip.h), and its two
 * routes: GET /api/v1/events/ID/deck.zip writes the event's deck with the
 * images it uses, their links made relative ("images/NAME"); POST
 * /api/v1/events/ID/deck.zip reads such a zip, stores its images as the
 * event's and answers the deck with its links pointing at them
 * (docs/protocol.md). The deck itself changes only when the workspace saves
 * it, as with any edit.
 *
 * Reading a zip inflates up to DECKZIP_TOTAL_MAX bytes, so it runs on
 * libuv's thread pool like a PDF import; the loop only copies the upload
 * and, when the worker is done, stores the images. Writing one reads the
 * images back from the store on the loop, as GET /media does, and stores
 * them without compressing them again.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "app/deckzip.h"
#include "app/internal.h"
#include "util/log.h"
#include "util/text.h"
#include "util/xalloc.h"

static const char *sniff(const unsigned char *p, size_t n, const char **ext)
{
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return *ext = "png", "image/png";
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return *ext = "jpg", "image/jpeg";
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return *ext = "webp", "image/webp";
	return NULL;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcasecmp(s + n - t, tail) == 0;
}

/* Reads entry i whole, refusing more than max bytes whatever the zip says;
 * NULL when it cannot be read or is too large (*too_big then true). */
static char *read_entry(zip_t *za, zip_uint64_t i, size_t max, size_t *len, bool *too_big)
{
	zip_file_t *f = zip_fopen_index(za, i, 0);
	*too_big = false;
	if (!f)
		return NULL;
	buf_t b = BUF_INIT;
	char chunk[16384];
	zip_int64_t n;
	while ((n = zip_fread(f, chunk, sizeof chunk)) > 0) {
		if (b.len + (size_t)n > max) {
			*too_big = true;
			break;
		}
		buf_append(&b, chunk, (size_t)n);
	}
	zip_fclose(f);
	if (n < 0 || *too_big) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return buf_steal(&b);
}

int deckzip_read(const void *zip, size_t len, const char *lang, deckzip_t **out, char *err,
                 size_t errlen)
{
	*out = NULL;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(zip, len, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	zip_error_fini(&ze);
	if (!za) {
		if (src)
			zip_source_free(src);
		snprintf(err, errlen, "%s", tr(lang, "zip.not_zip"));
		return -1;
	}
	deckzip_t *z = xcalloc(1, sizeof *z);
	zip_int64_t n = zip_get_num_entries(za, 0);
	size_t total = 0;
	int rc = -1;
	if (n < 0 || n > DECKZIP_MAX_ENTRIES) {
		snprintf(err, errlen, tr(lang, "zip.too_many"), (long long)n, DECKZIP_MAX_ENTRIES);
		goto done;
	}
	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
		if (!name || !*name || name[strlen(name) - 1] == '/' || strstr(name, "__MACOSX/") ||
		    name[0] == '.' || strstr(name, "/.")) {
			z->skipped++; /* folders, and what Finder and editors leave behind */
			continue;
		}
		bool deck = ends_with(name, ".md") || ends_with(name, ".markdown");
		size_t max = deck ? DECK_MAX_BYTES : DECKZIP_IMAGE_MAX, got = 0;
		bool too_big;
		char *data = read_entry(za, (zip_uint64_t)i, max, &got, &too_big);
		if (!data && too_big) {
			snprintf(err, errlen, tr(lang, "zip.too_large"), name, max / (1024 * 1024));
			goto done;
		}
		if (!data) {
			snprintf(err, errlen, tr(lang, "zip.unreadable"), name);
			goto done;
		}
		total += got;
		if (total > DECKZIP_TOTAL_MAX) {
			free(data);
			snprintf(err, errlen, tr(lang, "zip.total"),
			         DECKZIP_TOTAL_MAX / (1024 * 1024));
			goto done;
		}
		const char *ext, *type = sniff((const unsigned char *)data, got, &ext);
		if (deck) {
			if (z->deck_md) {
				free(data);
				snprintf(err, errlen, "%s", tr(lang, "zip.two_decks"));
				goto done;
			}
			if (!text_valid(data, got) &&
			    !(got >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 &&
			      text_valid(data + 3, got - 3))) {
				free(data);
				snprintf(err, errlen, tr(lang, "zip.not_utf8"), name);
				goto done;
			}
			z->deck_md = data;
		} else if (type) {
			z->images = xrealloc(z->images, (z->n_images + 1) * sizeof *z->images);
			deckzip_image_t *im = &z->images[z->n_images++];
			im->path = xstrdup(name);
			im->data = data;
			im->len = got;
			im->type = type;
			unsigned char h[16];
			char hex[33];
			crypto_generichash(h, sizeof h, (const unsigned char *)data, got, NULL, 0);
			sodium_bin2hex(hex, sizeof hex, h, sizeof h);
			snprintf(im->name, sizeof im->name, "%s.%s", hex, ext);
		} else {
			free(data);
			z->skipped++;
		}
	}
	if (!z->deck_md) {
		snprintf(err, errlen, "%s", tr(lang, "zip.no_deck"));
		goto done;
	}
	rc = 0;
done:
	zip_discard(za); /* frees src too */
	if (rc)
		deckzip_free(z);
	else
		*out = z;
	return rc;
}

void deckzip_free(deckzip_t *z)
{
	if (!z)
		return;
	free(z->deck_md);
	for (size_t i = 0; i < z->n_images; i++) {
		free(z->images[i].path);
		free(z->images[i].data);
	}
	free(z->images);
	free(z);
}

char *deckzip_rewrite(const deckzip_t *z, int64_t event_id)
{
	buf_t b = BUF_INIT;
	const char *p = z->deck_md;
	if (memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (*p) {
		const char *link = strstr(p, "](");
		if (!link) {
			buf_puts(&b, p);
			break;
		}
		buf_append(&b, p, (size_t)(link - p) + 2);
		const char *target = link + 2;
		if (strncmp(target, "./", 2) == 0)
			target += 2;
		const deckzip_image_t *hit = NULL;
		for (size_t i = 0; i < z->n_images && !hit; i++) {
			size_t n = strlen(z->images[i].path);
			if (strncmp(target, z->images[i].path, n) == 0 && target[n] == ')')
				hit = &z->images[i];
		}
		if (hit) {
			buf_printf(&b, "/media/%lld/%s", (long long)event_id, hit->name);
			p = target + strlen(hit->path);
		} else {
			p = link + 2;
		}
	}
	return buf_steal(&b);
}

int deckzip_write(buf_t *out, const deckzip_entry_t *e, size_t n)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	zip_error_fini(&ze);
	if (!za) {
		if (src)
			zip_source_free(src);
		return -1;
	}
	zip_source_keep(src); /* it holds the archive once zip_close wrote it */
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		zip_source_t *s = zip_source_buffer(za, e[i].data, e[i].len, 0);
		zip_int64_t idx = s ? zip_file_add(za, e[i].path, s, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			zip_source_free(s);
			rc = -1;
		} else if (!e[i].compress) {
			zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
		}
	}
	if (rc || zip_close(za) < 0) {
		zip_discard(za);
		zip_source_free(src);
		return -1;
	}
	zip_stat_t st;
	if (zip_source_open(src) < 0) {
		zip_source_free(src);
		return -1;
	}
	zip_stat_init(&st);
	if (zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE))
		buf_reserve(out, (size_t)st.size);
	char chunk[65536];
	zip_int64_t got;
	while ((got = zip_source_read(src, chunk, sizeof chunk)) > 0)
		buf_append(out, chunk, (size_t)got);
	zip_source_close(src);
	zip_source_free(src);
	return got < 0 ? -1 : 0;
}

/* ---- the routes ---- */

typedef struct zip_work {
	app_upload_t up; /* first */
	int rc;          /* filled by the worker */
	char err[512];
	deckzip_t *z;
} zip_work_t;

static void read_work(uv_work_t *work)
{
	zip_work_t *w = work->data;
	w->rc = deckzip_read(w->up.body, w->up.len, w->up.lang, &w->z, w->err, sizeof w->err);
}

/* The zip's images stored as the event's, through app_write (off the loop
 * where the app has a writer for the workspace). */
typedef struct images_write {
	app_write_t job; /* first: the callbacks get &job */
	zip_work_t *w;
	int rc;
} images_write_t;

static void images_run(app_write_t *job)
{
	images_write_t *iw = (images_write_t *)job;
	const deckzip_t *z = iw->w->z;
	iw->rc = STORE_OK;
	for (size_t i = 0; i < z->n_images && iw->rc == STORE_OK; i++)
		iw->rc = store_media_put(job->st, iw->w->up.event_id, z->images[i].name,
		                         z->images[i].type, z->images[i].data, z->images[i].len);
}

static void zip_work_free(zip_work_t *w)
{
	deckzip_free(w->z);
	free(w->up.body);
	free(w);
}

static void images_done(app_write_t *job, int status)
{
	images_write_t *iw = (images_write_t *)job;
	zip_work_t *w = iw->w;
	if (status < 0 || iw->rc != STORE_OK) {
		http_respond_error(w->up.req, 503, "unavailable",
		                   tr(w->up.lang, "images.not_stored"), NULL);
	} else {
		char *md = deckzip_rewrite(w->z, w->up.event_id);
		http_respond_json(w->up.req, 200,
		                  json_pack("{s:s, s:i, s:i}", "deck", md, "images",
		                            (int)w->z->n_images, "skipped", (int)w->z->skipped),
		                  NULL);
		free(md);
	}
	zip_work_free(w);
	free(iw);
}

static void read_done(uv_work_t *work, int status)
{
	zip_work_t *w = work->data;
	app_t *a = w->up.app;
	a->pool_jobs--;
	if (status != 0) {
		http_respond_error(w->up.req, 503, "unavailable",
		                   tr(w->up.lang, "reports.stopping"), NULL);
	} else if (w->rc != 0) {
		http_respond_error(w->up.req, 400, "invalid_zip", w->err, NULL);
	} else if (workspace_access(a, w->up.user, w->up.event_id) < ACCESS_FACILITATOR) {
		http_respond_error(w->up.req, 404, "not_found", tr(w->up.lang, "events.no_such"),
		                   NULL);
	} else {
		images_write_t *iw = xcalloc(1, sizeof *iw);
		iw->w = w; /* images_done answers and frees both */
		app_write(a, &iw->job, images_run, images_done);
		return;
	}
	zip_work_free(w);
}

void deckzip_import(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *lang = tr_req_lang(req);
	if (req->body_len == 0 || req->body_len > DECKZIP_MAX_BYTES) {
		http_respond_error(req, req->body_len ? 413 : 400,
		                   req->body_len ? "too_long" : "invalid", tr(lang, "zip.body"),
		                   NULL);
		return;
	}
	zip_work_t *w = xcalloc(1, sizeof *w);
	if (app_upload_queue(a, &w->up, w, req, m, read_work, read_done) < 0)
		free(w);
}

/* The event's images the deck links to, "/media/EVENT/NAME", each once. */
static size_t linked_images(const char *md, int64_t event_id, char (*names)[48], size_t max)
{
	char prefix[40];
	int pn = snprintf(prefix, sizeof prefix, "/media/%lld/", (long long)event_id);
	size_t n = 0;
	for (const char *p = strstr(md, prefix); p && n < max; p = strstr(p + 1, prefix)) {
		const char *name = p + pn;
		size_t k = strspn(name, "0123456789abcdef");
		if (k != 32 || name[32] != '.')
			continue;
		size_t e = strspn(name + 33, "abcdefghijklmnopqrstuvwxyz");
		if (e < 3 || e > 4)
			continue;
		char one[48];
		snprintf(one, sizeof one, "%.*s", (int)(33 + e), name);
		bool seen = false;
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp(names[i], one) == 0;
		if (!seen)
			memcpy(names[n++], one, sizeof one);
	}
	return n;
}

/* The zip of the event's deck and images into *zip: 0, STORE_NOTFOUND
 * (no such event) or another negative code. Reads only st: it runs on a
 * pool thread (deckzip_export). */
static int export_build(store_t *st, int64_t event_id, buf_t *zip)
{
	store_event_t e = {0};
	if (store_event_get(st, event_id, &e) != STORE_OK) {
		store_event_clear(&e);
		return STORE_NOTFOUND;
	}
	enum { MAX_LINKED = 256 };
	char(*names)[48] = xcalloc(MAX_LINKED, sizeof *names);
	size_t n = linked_images(e.deck_md, event_id, names, MAX_LINKED);
	deckzip_entry_t *ent = xcalloc(n + 1, sizeof *ent);
	void **data = xcalloc(n + 1, sizeof *data);
	char(*paths)[64] = xcalloc(n + 1, sizeof *paths);
	size_t k = 1;
	for (size_t i = 0; i < n; i++) {
		char type[32];
		size_t len;
		if (store_media_get(st, event_id, names[i], type, sizeof type, &data[k], &len) !=
		    STORE_OK)
			continue; /* a link to an image deleted since: the deck keeps the link */
		snprintf(paths[k], sizeof paths[k], "images/%s", names[i]);
		ent[k] = (deckzip_entry_t){paths[k], data[k], len, 0};
		k++;
	}
	/* the deck with its links relative to the zip */
	char prefix[40];
	snprintf(prefix, sizeof prefix, "/media/%lld/", (long long)event_id);
	buf_t md = BUF_INIT;
	for (const char *p = e.deck_md;;) {
		const char *hit = strstr(p, prefix);
		if (!hit) {
			buf_puts(&md, p);
			break;
		}
		buf_append(&md, p, (size_t)(hit - p));
		bool ours = false;
		for (size_t i = 1; i < k && !ours; i++)
			ours =
			    strncmp(hit + strlen(prefix), paths[i] + 7, strlen(paths[i] + 7)) == 0;
		buf_puts(&md, ours ? "images/" : prefix);
		p = hit + strlen(prefix);
	}
	ent[0] = (deckzip_entry_t){"deck.md", md.data ? md.data : "", md.len, 1};
	int rc = deckzip_write(zip, ent, k) < 0 ? UV_EIO : 0;
	buf_free(&md);
	for (size_t i = 0; i <= n; i++)
		free(data[i]);
	free(data);
	free(paths);
	free(ent);
	free(names);
	store_event_clear(&e);
	return rc;
}

/* Reading the event and its images, and zipping them: off the loop
 * (app_read), answered when it is back. */
typedef struct export_read {
	app_read_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t event_id;
	int rc;
	buf_t zip;
} export_read_t;

static void export_run(app_read_t *job)
{
	export_read_t *r = (export_read_t *)job;
	r->rc = export_build(job->st, r->event_id, &r->zip);
}

static void export_done(app_read_t *job, int status)
{
	export_read_t *r = (export_read_t *)job;
	http_request_t *req = r->req;
	if (status == 0 && r->rc == STORE_NOTFOUND)
		http_respond_error(req, 404, "not_found", tr_req(req, "events.no_such"), NULL);
	else if (status < 0 || r->rc < 0)
		http_respond_error(req, 503, "unavailable", tr_req(req, "zip.not_made"), NULL);
	else
		http_respond(req, 200, "application/zip",
		             "Content-Disposition: attachment; filename=\"deck.zip\"\r\n",
		             r->zip.data, r->zip.len);
	buf_free(&r->zip);
	free(r);
}

void deckzip_export(app_t *a, http_request_t *req, const app_match_t *m)
{
	export_read_t *r = xcalloc(1, sizeof *r);
	r->req = req;
	r->event_id = m->id;
	r->zip = (buf_t)BUF_INIT;
	app_read(a, &r->job, export_run, export_done);
}
