/*
 * pdfimport: slides from a PDF. PowerPoint, Keynote and Google Slides all
 * export PDF; each page becomes a content slide that shows the page as an
 * image at the stage's resolution, with the page's text kept as the
 * image's description (phones' screen readers, search, the report).
 *
 * Invariants:
 *  1. pdfimport_render never touches the loop, the store or the app: it
 *     runs on libuv's thread pool (a page of a large PDF takes a while to
 *     draw, and a hostile one longer).
 *  2. The work is bounded: at most max_pages pages, each drawn at most
 *     max_width x max_height pixels; the time of each page and of all pages
 *     is checked after every page, and the import stops with a message
 *     when one is over its limit. poppler cannot be interrupted inside one
 *     page, so a single page may overrun its limit once; it is never
 *     followed by another.
 *  3. What it returns is complete: every page has its PNG, its name (made
 *     from the PNG's bytes, as media.c names uploads) and its text, valid
 *     UTF-8 on one line ("" when the page has none).
 */
#ifndef INSPRAAK_APP_PDFIMPORT_H
#define INSPRAAK_APP_PDFIMPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

enum {
	PDFIMPORT_MAX_BYTES = 30 * 1024 * 1024, /* the upload */
	PDFIMPORT_MAX_PAGES = 100,
	PDFIMPORT_WIDTH = 1920, /* the stage (web/static/present.css, #stage) */
	PDFIMPORT_HEIGHT = 1080,
	PDFIMPORT_PAGE_MS = 5000,
	PDFIMPORT_TOTAL_MS = 60000,
	PDFIMPORT_TEXT_MAX = 1000, /* code points of a page's text kept */
};

/* Negative codes of pdfimport_render, libuv's style. */
enum {
	PDFIMPORT_EINVAL = -1,    /* not a PDF, or one poppler cannot read */
	PDFIMPORT_ELOCKED = -2,   /* needs a password */
	PDFIMPORT_ETOOMANY = -3,  /* more pages than max_pages, or none */
	PDFIMPORT_ETIME = -4,     /* a page or the whole took too long */
	PDFIMPORT_ECANCELED = -5, /* *cancel became true */
	PDFIMPORT_ENOOFFICE = -6, /* a .pptx, and no LibreOffice to convert it */
};

typedef struct pdfimport_limits {
	int max_pages;
	int max_width, max_height; /* pixels; a page is scaled to fit both */
	uint64_t page_ms, total_ms;
	const atomic_bool *cancel; /* may be NULL; read between pages */
} pdfimport_limits_t;

/* The limits above, for the server. */
extern const pdfimport_limits_t pdfimport_default_limits;

typedef struct pdfimport_page {
	char name[48]; /* "<32 hex digits>.png" */
	void *png;     /* owned */
	size_t png_len;
	char *text; /* owned; one line, at most PDFIMPORT_TEXT_MAX code points */
	int width, height;
} pdfimport_page_t;

/*
 * Draws every page of the PDF in pdf[0..len). On success returns 0 and sets
 * *pages (caller frees with pdfimport_pages_free) and *n (at least 1). On
 * failure returns a code above, leaves *pages NULL and *n 0, and writes a
 * message for a person into err in lang ("nl" Dutch, else English), naming
 * the page and the limit where one applies.
 */
int pdfimport_render(const void *pdf, size_t len, const pdfimport_limits_t *lim, const char *lang,
                     pdfimport_page_t **pages, size_t *n, char *err, size_t errlen);
void pdfimport_pages_free(pdfimport_page_t *pages, size_t n);

/*
 * Presentations other than PDF (.pptx, .odp: a zip, by their first bytes)
 * are converted to PDF with LibreOffice when the server has it: `soffice
 * --headless --convert-to pdf` in a temporary folder of its own, with a
 * profile of its own (two conversions at once do not share one), stopped
 * with its whole process group after PDFIMPORT_CONVERT_MS. On success
 * returns 0 and sets *pdf (caller frees) and *pdf_len; without LibreOffice
 * returns PDFIMPORT_ENOOFFICE, on failure PDFIMPORT_EINVAL or
 * PDFIMPORT_ETIME, each with a message for a person in err. Blocks: run it
 * on the thread pool.
 */
enum { PDFIMPORT_CONVERT_MS = 90000 };
int pdfimport_convert(const void *data, size_t len, const char *lang, void **pdf, size_t *pdf_len,
                      char *err, size_t errlen);
/* True when the bytes look like an Office presentation (a zip), not a PDF. */
bool pdfimport_is_office(const void *data, size_t len);

/* The content slide of one page, as deck Markdown without separators: the
 * image ![TEXT](URL) with every character escaped that could end the
 * description or start markup inside it (\ [ ] * _ ` < > &), so nothing in
 * a page's text becomes Markdown, and the rest left as written. */
void pdfimport_slide_md(buf_t *b, const char *text, const char *url);

#endif
