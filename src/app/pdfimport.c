/*
 * pdfimport: POST /api/v1/events/ID/pdf takes a PDF as the request body
 * and answers with one content slide per page (docs/protocol.md); the
 * workspace puts them into the deck, where question slides can go between
 * them, and the facilitator saves as with any other change.
 *
 * The pages are drawn by poppler (Debian's libpoppler-glib) into cairo
 * image surfaces and written as PNG, on libuv's thread pool: the loop only
 * copies the upload, and when the worker is done stores the images as the
 * event's media (media.c's names: the hash of the bytes, so importing the
 * same PDF twice stores nothing twice) and answers. Like a report download
 * (reports.c), the job is counted in app->pool_jobs, gives up between pages
 * once the server stops, and the loop never touches it while the worker
 * has it. See pdfimport.h for the limits and their one hazard.
 */
#include <cairo.h>
#include <fcntl.h>
#include <endian.h>
#include <png.h>
#include <poppler.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/internal.h"
#include "app/pdfimport.h"
#include "util/file.h"
#include "util/log.h"
#include "util/text.h"
#include "util/xalloc.h"

const pdfimport_limits_t pdfimport_default_limits = {
    .max_pages = PDFIMPORT_MAX_PAGES,
    .max_width = PDFIMPORT_WIDTH,
    .max_height = PDFIMPORT_HEIGHT,
    .page_ms = PDFIMPORT_PAGE_MS,
    .total_ms = PDFIMPORT_TOTAL_MS,
};

/* The message in the worker's language: English first, then Dutch. */
static uint64_t now_ms(void)
{
	return uv_hrtime() / 1000000;
}

static void png_put(png_structp p, png_bytep data, png_size_t len)
{
	buf_append(png_get_io_ptr(p), data, len);
}

static void png_flush(png_structp p)
{
	(void)p;
}

/*
 * The surface as PNG into out; 0, or -1 when libpng failed (out is then
 * emptied). Not cairo's own writer: it compresses with zlib's default
 * level and every filter, which took 85% of an import's time (bench/
 * pdf-import: 5.9 of 6.8 s for 40 pages); level 3 with the Sub filter is
 * five times faster and about a third larger, and slides compress well.
 */
static int png_encode(cairo_surface_t *surf, buf_t *out)
{
	int w = cairo_image_surface_get_width(surf), h = cairo_image_surface_get_height(surf);
	int stride = cairo_image_surface_get_stride(surf);
	cairo_surface_flush(surf);
	unsigned char *data = cairo_image_surface_get_data(surf);
	png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = p ? png_create_info_struct(p) : NULL;
	if (!p || !info) {
		png_destroy_write_struct(&p, &info);
		return -1;
	}
	/* libpng reports its errors by longjmp: nothing below allocates of ours
	 * but out, which the caller frees */
	if (setjmp(png_jmpbuf(p))) {
		png_destroy_write_struct(&p, &info);
		buf_free(out);
		return -1;
	}
	png_set_write_fn(p, out, png_put, png_flush);
	png_set_compression_level(p, 3);
	png_set_filter(p, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
	png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
	             PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(p, info);
	/* CAIRO_FORMAT_RGB24 is a native-endian 32-bit xRGB word per pixel */
	if (BYTE_ORDER == LITTLE_ENDIAN) {
		png_set_bgr(p);
		png_set_filler(p, 0, PNG_FILLER_AFTER);
	} else {
		png_set_filler(p, 0, PNG_FILLER_BEFORE);
	}
	for (int y = 0; y < h; y++)
		png_write_row(p, data + (size_t)y * (size_t)stride);
	png_write_end(p, info);
	png_destroy_write_struct(&p, &info);
	return 0;
}

/* The page's text on one line, cut at PDFIMPORT_TEXT_MAX code points on a
 * word boundary; "" when poppler finds none or it is not valid text. */
static char *page_text(PopplerPage *page)
{
	char *raw = poppler_page_get_text(page);
	char *t = raw ? text_clean(raw, strlen(raw), false) : NULL;
	g_free(raw);
	if (!t)
		return xstrdup("");
	/* text_clean keeps other control characters a PDF may hold; a deck
	 * line must not have them (deck.c, check_line). */
	for (char *p = t; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	size_t cps = 0, i = 0, cut = 0;
	while (t[i]) {
		if (cps == PDFIMPORT_TEXT_MAX) {
			t[cut ? cut : i] = '\0';
			break;
		}
		if (t[i] == ' ')
			cut = i;
		i++;
		while ((t[i] & 0xC0) == 0x80)
			i++;
		cps++;
	}
	/* C1 controls (U+0080..U+009F, 0xC2 0x80..0x9F) are refused by decks too */
	for (unsigned char *p = (unsigned char *)t; *p; p++)
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			p[0] = ' ', p[1] = ' ';
	return t;
}

/* Draws one page into *out; 0, or -1 when cairo could not. */
static int draw_page(PopplerPage *page, const pdfimport_limits_t *lim, pdfimport_page_t *out)
{
	double pw, ph;
	poppler_page_get_size(page, &pw, &ph);
	if (!(pw > 0 && ph > 0 && pw < 1e6 && ph < 1e6))
		return -1;
	double k = (double)lim->max_width / pw;
	if ((double)lim->max_height / ph < k)
		k = (double)lim->max_height / ph;
	int w = (int)(pw * k + 0.5), h = (int)(ph * k + 0.5);
	if (w < 1)
		w = 1;
	if (h < 1)
		h = 1;
	if (w > lim->max_width)
		w = lim->max_width;
	if (h > lim->max_height)
		h = lim->max_height;
	cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(surf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, k, k);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	buf_t png = BUF_INIT;
	int rc = cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS ? png_encode(surf, &png) : -1;
	cairo_surface_destroy(surf);
	if (rc) {
		buf_free(&png);
		return -1;
	}
	unsigned char hash[16];
	char hex[33];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)png.data, png.len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
	snprintf(out->name, sizeof out->name, "%s.png", hex);
	out->png_len = png.len;
	out->png = buf_steal(&png);
	out->width = w;
	out->height = h;
	return 0;
}

int pdfimport_render(const void *pdf, size_t len, const pdfimport_limits_t *lim, const char *lang,
                     pdfimport_page_t **pages, size_t *n, char *err, size_t errlen)
{
	uint64_t start = now_ms();
	*pages = NULL;
	*n = 0;
	if (len < 5 || memcmp(pdf, "%PDF-", 5) != 0) {
		snprintf(err, errlen, "%s", tr(lang, "pdf.not_pdf"));
		return PDFIMPORT_EINVAL;
	}
	GError *gerr = NULL;
	GBytes *bytes = g_bytes_new_static(pdf, len);
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	if (!doc) {
		bool locked =
		    gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED;
		snprintf(err, errlen, "%s",
		         locked ? tr(lang, "pdf.locked") : tr(lang, "pdf.unreadable"));
		g_clear_error(&gerr);
		g_bytes_unref(bytes);
		return locked ? PDFIMPORT_ELOCKED : PDFIMPORT_EINVAL;
	}
	int rc = 0, count = poppler_document_get_n_pages(doc);
	if (count < 1 || count > lim->max_pages) {
		snprintf(err, errlen,
		         count < 1 ? tr(lang, "pdf.no_pages") : tr(lang, "pdf.too_many"), count,
		         lim->max_pages);
		rc = PDFIMPORT_ETOOMANY;
		goto done;
	}
	pdfimport_page_t *out = xcalloc((size_t)count, sizeof *out);
	*pages = out;
	for (int i = 0; i < count; i++) {
		if (lim->cancel && atomic_load(lim->cancel)) {
			snprintf(err, errlen, "%s", tr(lang, "pdf.stopping"));
			rc = PDFIMPORT_ECANCELED;
			goto done;
		}
		uint64_t t0 = now_ms();
		PopplerPage *page = poppler_document_get_page(doc, i);
		int drawn = page ? draw_page(page, lim, &out[i]) : -1;
		out[i].text = page ? page_text(page) : xstrdup("");
		if (page)
			g_object_unref(page);
		*n = (size_t)i + 1;
		if (drawn < 0) {
			snprintf(err, errlen, tr(lang, "pdf.page_failed"), i + 1);
			rc = PDFIMPORT_EINVAL;
			goto done;
		}
		uint64_t t1 = now_ms();
		if (t1 - t0 > lim->page_ms || t1 - start > lim->total_ms) {
			if (t1 - t0 > lim->page_ms)
				snprintf(err, errlen, tr(lang, "pdf.page_slow"), i + 1,
				         (unsigned long long)(lim->page_ms / 1000));
			else
				snprintf(err, errlen, tr(lang, "pdf.total_slow"),
				         (unsigned long long)(lim->total_ms / 1000), i + 1);
			rc = PDFIMPORT_ETIME;
			goto done;
		}
	}
done:
	if (rc) {
		pdfimport_pages_free(*pages, *n);
		*pages = NULL;
		*n = 0;
	}
	g_object_unref(doc);
	g_bytes_unref(bytes);
	return rc;
}

void pdfimport_pages_free(pdfimport_page_t *pages, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(pages[i].png);
		free(pages[i].text);
	}
	free(pages);
}

void pdfimport_slide_md(buf_t *b, const char *text, const char *url)
{
	buf_puts(b, "![");
	for (const char *p = text; *p; p++) {
		if (strchr("\\[]*_`<>&", *p))
			buf_putc(b, '\\');
		buf_putc(b, *p);
	}
	buf_printf(b, "](%s)", url);
}

/* ---- other presentations, through LibreOffice ---- */

bool pdfimport_is_office(const void *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

/* The soffice program on PATH, in path; false when there is none. */
static bool find_soffice(char *path, size_t len)
{
	const char *env = getenv("PATH");
	char dirs[4096];
	snprintf(dirs, sizeof dirs, "%s", env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(path, len, "%s/soffice", *d ? d : ".");
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

static void remove_tree(const char *dir)
{
	/* only what this file made: the input, the PDF, the profile */
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		log_warn("pdf import: could not remove %s", dir);
}

int pdfimport_convert(const void *data, size_t len, const char *lang, void **pdf, size_t *pdf_len,
                      char *err, size_t errlen)
{
	char soffice[4200];
	*pdf = NULL;
	*pdf_len = 0;
	if (!find_soffice(soffice, sizeof soffice)) {
		snprintf(err, errlen, "%s", tr(lang, "pdf.no_office"));
		return PDFIMPORT_ENOOFFICE;
	}
	const char *tmp = getenv("TMPDIR");
	char dir[4096], in[4200], out[4200], profile[4200], home[4200];
	snprintf(dir, sizeof dir, "%s/inspraak-pptx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "%s", tr(lang, "pdf.no_tmpdir"));
		return PDFIMPORT_EINVAL;
	}
	snprintf(in, sizeof in, "%s/deck.pptx", dir);
	snprintf(out, sizeof out, "%s/deck.pdf", dir);
	snprintf(profile, sizeof profile, "-env:UserInstallation=file://%s/profile", dir);
	snprintf(home, sizeof home, "HOME=%s", dir);
	int rc = PDFIMPORT_EINVAL;
	FILE *f = fopen(in, "wb");
	if (!f || fwrite(data, 1, len, f) != len) {
		if (f)
			fclose(f);
		snprintf(err, errlen, "%s", tr(lang, "pdf.no_tmpfile"));
		goto done;
	}
	fclose(f);
	char *argv[] = {soffice,    profile, "--headless", "--norestore", "--convert-to", "pdf",
	                "--outdir", dir,     in,           NULL};
	char *envp[] = {home, "PATH=/usr/local/bin:/usr/bin:/bin", NULL};
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	/* a group of its own, so that a stuck conversion is stopped whole */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	int sp = posix_spawn(&pid, soffice, &fa, &attr, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (sp != 0) {
		snprintf(err, errlen, "%s", tr(lang, "pdf.office_start"));
		goto done;
	}
	uint64_t start = now_ms();
	int status = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0) {
			status = -1;
			break;
		}
		if (now_ms() - start > PDFIMPORT_CONVERT_MS) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(err, errlen, tr(lang, "pdf.office_slow"),
			         PDFIMPORT_CONVERT_MS / 1000);
			rc = PDFIMPORT_ETIME;
			goto done;
		}
		usleep(50 * 1000);
	}
	kill(-pid, SIGKILL); /* whatever it left running in its group */
	size_t n = 0;
	char *bytes = status == 0 ? file_read(out, PDFIMPORT_MAX_BYTES, &n) : NULL;
	if (!bytes) {
		snprintf(err, errlen, "%s", tr(lang, "pdf.office_failed"));
		goto done;
	}
	*pdf = bytes;
	*pdf_len = n;
	rc = 0;
done:
	remove_tree(dir);
	return rc;
}

/* ---- the route ---- */

typedef struct pdf_work {
	app_upload_t up; /* first */
	/* results, filled by the worker */
	int rc;
	char err[512];
	pdfimport_page_t *pages;
	size_t n;
	uint64_t ms;
} pdf_work_t;

/* On a thread of the pool: never touches the loop, the request or the store. */
static void render_work(uv_work_t *work)
{
	pdf_work_t *w = work->data;
	pdfimport_limits_t lim = pdfimport_default_limits;
	lim.cancel = &w->up.app->stopping;
	uint64_t t0 = now_ms();
	if (pdfimport_is_office(w->up.body, w->up.len)) {
		void *pdf;
		size_t len;
		w->rc = pdfimport_convert(w->up.body, w->up.len, w->up.lang, &pdf, &len, w->err,
		                          sizeof w->err);
		if (w->rc != 0) {
			w->ms = now_ms() - t0;
			return;
		}
		free(w->up.body);
		w->up.body = pdf;
		w->up.len = len;
	}
	w->rc = pdfimport_render(w->up.body, w->up.len, &lim, w->up.lang, &w->pages, &w->n, w->err,
	                         sizeof w->err);
	w->ms = now_ms() - t0;
}

/* The pages stored as the event's images, through app_write (off the loop
 * where the app has a writer for the workspace). */
typedef struct pages_write {
	app_write_t job; /* first: the callbacks get &job */
	pdf_work_t *w;
	int rc;
} pages_write_t;

static void pages_run(app_write_t *job)
{
	pages_write_t *pw = (pages_write_t *)job;
	pdf_work_t *w = pw->w;
	pw->rc = STORE_OK;
	for (size_t i = 0; i < w->n && pw->rc == STORE_OK; i++)
		pw->rc = store_media_put(job->st, w->up.event_id, w->pages[i].name, "image/png",
		                         w->pages[i].png, w->pages[i].png_len);
}

static void pages_done(app_write_t *job, int status)
{
	pages_write_t *pw = (pages_write_t *)job;
	pdf_work_t *w = pw->w;
	if (status < 0 || pw->rc != STORE_OK) {
		http_respond_error(w->up.req, 503, "unavailable",
		                   tr(w->up.lang, "images.not_stored"), NULL);
	} else {
		json_t *slides = json_array();
		char url[96];
		for (size_t i = 0; i < w->n; i++) {
			const pdfimport_page_t *pg = &w->pages[i];
			snprintf(url, sizeof url, "/media/%lld/%s", (long long)w->up.event_id,
			         pg->name);
			buf_t md = BUF_INIT;
			pdfimport_slide_md(&md, pg->text, url);
			json_array_append_new(
			    slides, json_pack("{s:i, s:s, s:s, s:s%, s:i, s:i}", "page", (int)i + 1,
			                      "url", url, "text", pg->text, "md", md.data, md.len,
			                      "width", pg->width, "height", pg->height));
			buf_free(&md);
		}
		http_respond_json(w->up.req, 201,
		                  json_pack("{s:i, s:o, s:I}", "pages", (int)w->n, "slides", slides,
		                            "ms", (json_int_t)w->ms),
		                  NULL);
	}
	pdfimport_pages_free(w->pages, w->n);
	free(w);
	free(pw);
}

/* Back on the loop thread. */
static void rendered(uv_work_t *work, int status)
{
	pdf_work_t *w = work->data;
	app_t *a = w->up.app;
	a->pool_jobs--;
	free(w->up.body);
	w->up.body = NULL;
	if (status != 0) {
		log_error("pdf import for event %lld: %s", (long long)w->up.event_id,
		          uv_strerror(status));
		http_respond_error(w->up.req, 503, "unavailable",
		                   tr(w->up.lang, "reports.stopping"), NULL);
	} else if (w->rc == 0 &&
	           workspace_access(a, w->up.user, w->up.event_id) < ACCESS_FACILITATOR) {
		/* deleted, or no longer shared, while the pages were drawn */
		http_respond_error(w->up.req, 404, "not_found", tr(w->up.lang, "events.no_such"),
		                   NULL);
	} else if (w->rc == 0) {
		log_info("pdf import for event %lld: %zu pages in %llu ms",
		         (long long)w->up.event_id, w->n, (unsigned long long)w->ms);
		pages_write_t *pw = xcalloc(1, sizeof *pw);
		pw->w = w; /* pages_done answers and frees both */
		app_write(a, &pw->job, pages_run, pages_done);
		return;
	} else {
		int st = w->rc == PDFIMPORT_ENOOFFICE   ? 415
		         : w->rc == PDFIMPORT_ETOOMANY  ? 413
		         : w->rc == PDFIMPORT_ECANCELED ? 503
		         : w->rc == PDFIMPORT_EINVAL    ? 415
		                                        : 422;
		const char *code = w->rc == PDFIMPORT_ENOOFFICE   ? "no_libreoffice"
		                   : w->rc == PDFIMPORT_ETOOMANY  ? "too_many_pages"
		                   : w->rc == PDFIMPORT_ECANCELED ? "unavailable"
		                   : w->rc == PDFIMPORT_ETIME     ? "too_slow"
		                   : w->rc == PDFIMPORT_ELOCKED   ? "locked"
		                                                  : "invalid_pdf";
		log_info("pdf import for event %lld refused: %s", (long long)w->up.event_id,
		         w->err);
		http_respond_error(w->up.req, st, code, w->err, NULL);
	}
	pdfimport_pages_free(w->pages, w->n);
	free(w);
}

void pdfimport_post(app_t *a, http_request_t *req, const app_match_t *m)
{
	const char *lang = tr_req_lang(req);
	if (req->body_len > PDFIMPORT_MAX_BYTES) {
		http_respond_error(req, 413, "too_long", tr(lang, "pdf.too_large"), NULL);
		return;
	}
	if (req->body_len == 0) {
		http_respond_error(req, 400, "invalid", tr(lang, "pdf.empty"), NULL);
		return;
	}
	pdf_work_t *w = xcalloc(1, sizeof *w);
	if (app_upload_queue(a, &w->up, w, req, m, render_work, rendered) < 0)
		free(w);
}
