/*
 * Unit tests of src/app/pdfimport.c: a real PDF made here with cairo (text,
 * a raster picture, several pages) becomes one PNG per page at the stage's
 * size with the page's text; every limit is refused with a message that
 * names it; what is not a PDF, or is a damaged one, is refused; the page
 * text cannot become Markdown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "app/pdfimport.h"
#include "pdfgen.h"

/* poppler looks its fonts up through fontconfig, whose font list lives for
 * the life of the process (as tests/fuzz/lsan.supp says for the fuzzers):
 * not a leak of inspraak's. Read by LeakSanitizer in the ASan build only. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

static cairo_status_t collect(void *closure, const unsigned char *data, unsigned int len)
{
	buf_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* A PDF of `pages` slides in memory (caller frees b). */
static void make_pdf(buf_t *b, int pages)
{
	cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(collect, b, 960, 540);
	pdfgen_pages(pdf, pages);
	cairo_surface_finish(pdf);
	assert_int_equal(cairo_surface_status(pdf), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(pdf);
}

typedef struct reader {
	const unsigned char *p;
	size_t left;
} reader_t;

static cairo_status_t feed(void *closure, unsigned char *data, unsigned int len)
{
	reader_t *r = closure;
	if (len > r->left)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p, len);
	r->p += len;
	r->left -= len;
	return CAIRO_STATUS_SUCCESS;
}

/* The colour at (x, y) of a PNG, as 0xRRGGBB. */
static uint32_t png_pixel(const void *png, size_t len, int x, int y)
{
	reader_t r = {png, len};
	cairo_surface_t *s = cairo_image_surface_create_from_png_stream(feed, &r);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	const unsigned char *d = cairo_image_surface_get_data(s);
	uint32_t v = *(const uint32_t *)(d + (size_t)y * (size_t)cairo_image_surface_get_stride(s) +
	                                 (size_t)x * 4);
	cairo_surface_destroy(s);
	return v & 0xFFFFFF;
}

static void test_pages_become_images_with_text(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	make_pdf(&b, 3);
	pdfimport_page_t *pages;
	size_t n;
	char err[256] = "";
	int rc = pdfimport_render(b.data, b.len, &pdfimport_default_limits, "nl", &pages, &n, err,
	                          sizeof err);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(pages[i].width, 1920);
		assert_int_equal(pages[i].height, 1080);
		assert_true(pages[i].png_len > 1000);
		assert_memory_equal(pages[i].png, "\x89PNG\r\n\x1a\n", 8);
		assert_int_equal(strlen(pages[i].name), 36);
		assert_string_equal(pages[i].name + 32, ".png");
		assert_non_null(strstr(pages[i].text, "samen in het café"));
		assert_null(strchr(pages[i].text, '\n'));
	}
	assert_non_null(strstr(pages[1].text, "Dia 2"));
	/* the colours survive the encoding, red, green and blue in their
	 * places: the page's light blue background (0.95, 0.96, 1.0) */
	assert_int_equal(png_pixel(pages[0].png, pages[0].png_len, 4, 4), 0xF3F5FF);
	assert_string_not_equal(pages[0].name, pages[1].name);
	pdfimport_pages_free(pages, n);
	buf_free(&b);
}

static void test_limits(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	make_pdf(&b, 3);
	pdfimport_page_t *pages;
	size_t n;
	char err[256];
	pdfimport_limits_t lim = pdfimport_default_limits;
	lim.max_pages = 2;
	assert_int_equal(pdfimport_render(b.data, b.len, &lim, "en", &pages, &n, err, sizeof err),
	                 PDFIMPORT_ETOOMANY);
	assert_null(pages);
	assert_int_equal(n, 0);
	assert_string_equal(err, "this PDF has 3 pages; at most 2 can be imported at once");
	assert_int_equal(pdfimport_render(b.data, b.len, &lim, "nl", &pages, &n, err, sizeof err),
	                 PDFIMPORT_ETOOMANY);
	assert_non_null(strstr(err, "hoogstens 2"));

	/* a small size: pages keep their shape inside it */
	lim = pdfimport_default_limits;
	lim.max_width = 320;
	lim.max_height = 320;
	assert_int_equal(pdfimport_render(b.data, b.len, &lim, "en", &pages, &n, err, sizeof err),
	                 0);
	assert_int_equal(pages[0].width, 320);
	assert_int_equal(pages[0].height, 180);
	pdfimport_pages_free(pages, n);

	/* no time at all: stopped after the first page, which names itself */
	lim = pdfimport_default_limits;
	lim.page_ms = 0;
	lim.total_ms = 0;
	int rc = pdfimport_render(b.data, b.len, &lim, "en", &pages, &n, err, sizeof err);
	if (rc != 0) { /* a very fast machine could draw a page within the millisecond */
		assert_int_equal(rc, PDFIMPORT_ETIME);
		assert_non_null(strstr(err, "page 1 took more than 0 seconds"));
		assert_null(pages);
	} else {
		pdfimport_pages_free(pages, n);
	}

	atomic_bool stop = true;
	lim = pdfimport_default_limits;
	lim.cancel = &stop;
	assert_int_equal(pdfimport_render(b.data, b.len, &lim, "en", &pages, &n, err, sizeof err),
	                 PDFIMPORT_ECANCELED);
	buf_free(&b);
}

static void test_not_a_pdf_and_damaged(void **state)
{
	(void)state;
	pdfimport_page_t *pages;
	size_t n;
	char err[256];
	static const char png[] = "\x89PNG\r\n\x1a\n....";
	assert_int_equal(pdfimport_render(png, sizeof png, &pdfimport_default_limits, "en", &pages,
	                                  &n, err, sizeof err),
	                 PDFIMPORT_EINVAL);
	assert_non_null(strstr(err, "no PDF"));
	static const char junk[] = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF";
	assert_int_equal(pdfimport_render(junk, sizeof junk - 1, &pdfimport_default_limits, "en",
	                                  &pages, &n, err, sizeof err),
	                 PDFIMPORT_EINVAL);
	/* cut in half: poppler may still find pages, or refuse; never more */
	buf_t b = BUF_INIT;
	make_pdf(&b, 2);
	int rc = pdfimport_render(b.data, b.len / 2, &pdfimport_default_limits, "en", &pages, &n,
	                          err, sizeof err);
	if (rc == 0)
		pdfimport_pages_free(pages, n);
	else
		assert_int_equal(rc, PDFIMPORT_EINVAL);
	buf_free(&b);
}

static void test_slide_md_escapes(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	pdfimport_slide_md(&b, "Kijk: [hier](javascript:x) *nu* <b> é", "/media/1/a.png");
	assert_string_equal(b.data, "![Kijk: \\[hier\\](javascript:x) \\*nu\\* \\<b\\> é]"
	                            "(/media/1/a.png)");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pages_become_images_with_text),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_not_a_pdf_and_damaged),
	    cmocka_unit_test(test_slide_md_escapes),
	};
	return cmocka_run_group_tests_name("pdfimport", tests, NULL, NULL);
}
