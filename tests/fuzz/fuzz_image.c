/*
 * Fuzz target: the images of content slides in the report's PDF. Each input
 * is an uploaded file; its type is read from its first bytes as the upload
 * does (src/app/media.c), so PNG, JPEG and WebP files each reach their own
 * decoder (report/image.c). What decodes is then painted, scaled down, into
 * a PDF page, which also runs cairo's own reading of a JPEG's header. A
 * hostile image may be refused but must never crash or use unbounded
 * memory.
 */
#include <cairo-pdf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/image.h"

static const char *sniff(const uint8_t *p, size_t n)
{
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "image/jpeg";
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *type = sniff(data, size);
	if (!type)
		return 0;
	void *copy = malloc(size);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	cairo_surface_t *img;
	int w, h;
	report_image_status_t st = report_image_load(copy, size, type, &img, &w, &h);
	if (st != REPORT_IMAGE_OK) {
		if (img)
			abort();
		return 0;
	}
	int sw = cairo_image_surface_get_width(img), sh = cairo_image_surface_get_height(img);
	bool webp = strcmp(type, "image/webp") == 0;
	if (sw <= 0 || sh <= 0 || (double)sw * sh > REPORT_IMAGE_MAX_PIXELS ||
	    (webp && (sw > REPORT_IMAGE_MAX_SIDE || sh > REPORT_IMAGE_MAX_SIDE)))
		abort();
	cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(NULL, NULL, 200, 200);
	cairo_t *cr = cairo_create(pdf);
	cairo_scale(cr, 200.0 / sw, 200.0 / sh);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	cairo_surface_destroy(pdf);
	cairo_surface_destroy(img);
	return 0;
}
