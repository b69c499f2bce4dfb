/*
 * media: images for content slides. A facilitator uploads PNG, JPEG or
 * WebP up to 5 MiB; the type is read from the bytes, never from a name;
 * the image is kept with its event under a name made from its content, so
 * its URL never changes meaning and can be cached for good. Decks refer to
 * it as ![text](/media/EVENT/NAME).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "util/xalloc.h"

/* The image type from its first bytes; NULL when it is none we take. */
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

/* Storing an image writes up to 5 MiB and commits: off the loop, through
 * app_write (issue 11). */
typedef struct image_write {
	app_write_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t event_id;
	const char *type; /* static */
	char name[48];
	int rc;
} image_write_t;

static void upload_run(app_write_t *job)
{
	image_write_t *w = (image_write_t *)job;
	w->rc =
	    store_media_put(job->st, w->event_id, w->name, w->type, w->req->body, w->req->body_len);
}

static void upload_done(app_write_t *job, int status)
{
	image_write_t *w = (image_write_t *)job;
	http_request_t *req = w->req;
	if (status < 0 || w->rc != STORE_OK) {
		http_respond_error(req, 503, "unavailable", tr_req(req, "images.not_stored"), NULL);
	} else {
		char url[96], md[128];
		snprintf(url, sizeof url, "/media/%lld/%s", (long long)w->event_id, w->name);
		snprintf(md, sizeof md, "![](%s)", url);
		http_respond_json(req, 201,
		                  json_pack("{s:s, s:s, s:s, s:I}", "url", url, "markdown", md,
		                            "type", w->type, "bytes", (json_int_t)req->body_len),
		                  NULL);
	}
	free(w);
}

void media_upload(app_t *a, http_request_t *req, const app_match_t *m)
{
	int64_t event_id = m->id;
	if (req->body_len == 0) {
		http_respond_error(req, 400, "invalid", tr_req(req, "images.empty"), NULL);
		return;
	}
	if (req->body_len > MEDIA_MAX) {
		http_respond_error(req, 413, "too_long", tr_req(req, "images.too_large"), NULL);
		return;
	}
	const char *ext, *type = sniff((const unsigned char *)req->body, req->body_len, &ext);
	if (!type) {
		http_respond_error(req, 415, "unsupported_type", tr_req(req, "images.type"), NULL);
		return;
	}
	unsigned char h[16];
	char hex[33], name[48];
	crypto_generichash(h, sizeof h, (const unsigned char *)req->body, req->body_len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(name, sizeof name, "%s.%s", hex, ext);
	image_write_t *w = xcalloc(1, sizeof *w);
	w->req = req;
	w->event_id = event_id;
	w->type = type;
	snprintf(w->name, sizeof w->name, "%s", name);
	/* the body stays the request's until it is answered (upload_done) */
	app_write(a, &w->job, upload_run, upload_done);
}

/* Reading an image is a round trip on PostgreSQL: off the loop, through
 * app_read, and answered when it is back. */
typedef struct image_read {
	app_read_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t event_id;
	char name[48], type[32];
	void *data;
	size_t len;
	int rc;
} image_read_t;

static void serve_run(app_read_t *job)
{
	image_read_t *r = (image_read_t *)job;
	r->rc = store_media_get(job->st, r->event_id, r->name, r->type, sizeof r->type, &r->data,
	                        &r->len);
}

static void serve_done(app_read_t *job, int status)
{
	image_read_t *r = (image_read_t *)job;
	http_request_t *req = r->req;
	if (status < 0 || r->rc != STORE_OK)
		http_respond_error(req, 404, "not_found", "no such image", NULL);
	else
		http_respond(req, 200, r->type,
		             "Cache-Control: public, max-age=31536000, immutable\r\n", r->data,
		             r->len);
	free(r->data);
	free(r);
}

void media_serve(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *rest = m->rest; /* runs to the end of the path: NUL-terminated */
	char *end;
	long long id = strtoll(rest, &end, 10);
	const char *name = end + 1;
	size_t n = strlen(name);
	bool ok = end != rest && *end == '/' && id > 0 && n > 33 && n < 40 &&
	          strspn(name, "0123456789abcdef") == 32 && name[32] == '.';
	if (!ok) {
		http_respond_error(req, 404, "not_found", "no such image", NULL);
		return;
	}
	image_read_t *r = xcalloc(1, sizeof *r);
	r->req = req;
	r->event_id = id;
	snprintf(r->name, sizeof r->name, "%s", name);
	app_read(a, &r->job, serve_run, serve_done);
}
