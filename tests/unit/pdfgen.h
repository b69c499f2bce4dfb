/*
 * A slide deck as a real PDF, made with cairo: 16:9 pages with a title, a
 * few lines of text (accented letters included) and a photo-like raster
 * picture, as a presentation program exports them. Used by the unit test
 * of pdfimport and by bench/mkpdf.c (the import benchmark and the
 * end-to-end tests). Header-only so that both can include it.
 */
#ifndef INSPRAAK_TEST_PDFGEN_H
#define INSPRAAK_TEST_PDFGEN_H

#include <cairo-pdf.h>
#include <stdio.h>

/* Draws `pages` pages onto a PDF surface of 960 x 540 points. */
static inline void pdfgen_pages(cairo_surface_t *pdf, int pages)
{
	cairo_surface_t *pic = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 300);
	unsigned char *d = cairo_image_surface_get_data(pic);
	int stride = cairo_image_surface_get_stride(pic);
	cairo_surface_flush(pic);
	for (int y = 0; y < 300; y++)
		for (int x = 0; x < 400; x++) {
			unsigned v = (unsigned)((x * 7) ^ (y * 13)) & 0xff;
			((unsigned *)(d + y * stride))[x] =
			    (v << 16) | ((x / 2) << 8) | (y * 255 / 300);
		}
	cairo_surface_mark_dirty(pic);
	cairo_t *cr = cairo_create(pdf);
	for (int p = 1; p <= pages; p++) {
		cairo_set_source_rgb(cr, 0.95, 0.96, 1.0);
		cairo_paint(cr);
		cairo_set_source_rgb(cr, 0.1, 0.2, 0.5);
		cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
		                       CAIRO_FONT_WEIGHT_BOLD);
		cairo_set_font_size(cr, 40);
		char line[128];
		snprintf(line, sizeof line, "Dia %d: samen in het café", p);
		cairo_move_to(cr, 60, 90);
		cairo_show_text(cr, line);
		cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
		                       CAIRO_FONT_WEIGHT_NORMAL);
		cairo_set_font_size(cr, 24);
		static const char *const lines[] = {"Wat gaat er goed in de wijk?",
		                                    "Waar maakt u zich zorgen over?",
		                                    "Één avond, drie vragen [en een pauze]"};
		for (int i = 0; i < 3; i++) {
			cairo_move_to(cr, 60, 170 + 50 * i);
			cairo_show_text(cr, lines[i]);
		}
		cairo_save(cr);
		cairo_translate(cr, 520, 180);
		cairo_set_source_surface(cr, pic, 0, 0);
		cairo_paint(cr);
		cairo_restore(cr);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_destroy(pic);
}

#endif
