/*
 * Fuzz target: the PDF import (src/app/pdfimport.c). Each input is an
 * uploaded file; poppler parses it and draws its pages into cairo, then
 * the PNG and the page text are made as for the server, with small limits
 * so that a run tries many inputs. A broken or hostile PDF may be refused
 * but must never crash, and what is returned must hold the invariants of
 * pdfimport.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/pdfimport.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const pdfimport_limits_t lim = {
	    .max_pages = 3,
	    .max_width = 160,
	    .max_height = 90,
	    .page_ms = 2000,
	    .total_ms = 5000,
	};
	pdfimport_page_t *pages;
	size_t n;
	char err[512];
	int rc = pdfimport_render(data, size, &lim, "en", &pages, &n, err, sizeof err);
	if (rc != 0) {
		if (pages || n || !err[0])
			abort();
		return 0;
	}
	if (n < 1 || n > 3)
		abort();
	for (size_t i = 0; i < n; i++) {
		const pdfimport_page_t *p = &pages[i];
		if (p->width < 1 || p->width > 160 || p->height < 1 || p->height > 90 ||
		    p->png_len < 8 || memcmp(p->png, "\x89PNG", 4) != 0 ||
		    !text_valid(p->text, strlen(p->text)) || strchr(p->text, '\n'))
			abort();
		buf_t b = BUF_INIT;
		pdfimport_slide_md(&b, p->text, "/media/1/x.png");
		buf_free(&b);
	}
	pdfimport_pages_free(pages, n);
	return 0;
}
