/*
 * report/image: the uploaded images of content slides (src/app/media.c) as
 * cairo surfaces for the PDF. PNG is decoded by cairo, WebP by libwebp, and
 * JPEG is not decoded at all: the PDF embeds its bytes as they are.
 *
 * Uploads are at most 5 MiB, but a small file can declare an enormous
 * picture. The size is read from the file's header before anything is
 * decoded, and an image of more than REPORT_IMAGE_MAX_PIXELS is refused, so
 * a hostile upload costs neither memory nor time. WebP is decoded at most
 * REPORT_IMAGE_MAX_SIDE pixels wide and high (more never shows on an A4
 * page), so a decoded WebP takes at most 2400 × 2400 × 4 bytes.
 */
#ifndef INSPRAAK_REPORT_IMAGE_H
#define INSPRAAK_REPORT_IMAGE_H

#include <cairo.h>
#include <stddef.h>

enum {
	REPORT_IMAGE_MAX_PIXELS = 40 * 1000 * 1000,
	REPORT_IMAGE_MAX_SIDE = 2400,
};

/* Why an image is not drawn; the PDF says so where the image would be. */
typedef enum report_image_status {
	REPORT_IMAGE_OK,
	REPORT_IMAGE_TOO_LARGE,  /* more than REPORT_IMAGE_MAX_PIXELS */
	REPORT_IMAGE_ANIMATED,   /* an animated WebP: no single picture to draw */
	REPORT_IMAGE_UNREADABLE, /* not an image of its type, or damaged */
} report_image_status_t;

/*
 * Makes a surface of an image's bytes; type is the type stored with it
 * ("image/png", "image/jpeg", "image/webp"). Takes data (malloc'd, len
 * bytes): it is freed, or kept by the surface as the JPEG to embed.
 * On REPORT_IMAGE_OK *out is the surface (the caller destroys it);
 * otherwise *out is NULL. *w and *h are the size the file declares, 0 when
 * it has none; a WebP surface may be smaller (scaled down on decoding).
 */
report_image_status_t report_image_load(void *data, size_t len, const char *type,
                                        cairo_surface_t **out, int *w, int *h);

#endif
