/*
 * mkpdf OUT.pdf PAGES: writes a slide deck of PAGES pages as a PDF
 * (tests/unit/pdfgen.h), for bench/pdf-import and the end-to-end tests.
 */
#include <stdlib.h>

#include "../tests/unit/pdfgen.h"

int main(int argc, char **argv)
{
	if (argc != 3 || atoi(argv[2]) < 1) {
		fprintf(stderr, "usage: mkpdf OUT.pdf PAGES\n");
		return 2;
	}
	cairo_surface_t *pdf = cairo_pdf_surface_create(argv[1], 960, 540);
	pdfgen_pages(pdf, atoi(argv[2]));
	cairo_surface_finish(pdf);
	int rc = cairo_surface_status(pdf) == CAIRO_STATUS_SUCCESS ? 0 : 1;
	cairo_surface_destroy(pdf);
	return rc;
}
