/*
 * report/image: uploaded images as cairo surfaces for the PDF (image.h).
 * Every size is checked from the file's header before a byte is decoded.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>

#include "report/image.h"

static bool too_large(int w, int h)
{
	return (double)w * (double)h > REPORT_IMAGE_MAX_PIXELS;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

typedef struct mem_reader {
	const unsigned char *data;
	size_t len, off;
} mem_reader_t;

static cairo_status_t read_mem(void *closure, unsigned char *out, unsigned int n)
{
	mem_reader_t *m = closure;
	if (m->len - m->off < n)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(out, m->data + m->off, n);
	m->off += n;
	return CAIRO_STATUS_SUCCESS;
}

/* PNG: the size from the IHDR chunk that must come first, then cairo
 * decodes it. */
static report_image_status_t load_png(const unsigned char *d, size_t len, cairo_surface_t **out,
                                      int *w, int *h)
{
	if (len < 24 || memcmp(d, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(d + 12, "IHDR", 4) != 0)
		return REPORT_IMAGE_UNREADABLE;
	uint32_t pw = be32(d + 16), ph = be32(d + 20);
	if (pw == 0 || ph == 0 || pw > INT32_MAX || ph > INT32_MAX)
		return REPORT_IMAGE_UNREADABLE;
	*w = (int)pw;
	*h = (int)ph;
	if (too_large(*w, *h))
		return REPORT_IMAGE_TOO_LARGE;
	mem_reader_t m = {d, len, 0};
	cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_mem, &m);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return REPORT_IMAGE_UNREADABLE;
	}
	*out = s;
	return REPORT_IMAGE_OK;
}

/* Width and height from a JPEG's start-of-frame marker; false when none. */
static bool jpeg_size(const unsigned char *d, size_t n, int *w, int *h)
{
	size_t i = 2;
	while (i + 9 < n) {
		if (d[i] != 0xFF)
			return false;
		unsigned char mk = d[i + 1];
		size_t seg = (size_t)d[i + 2] << 8 | d[i + 3];
		if (mk >= 0xC0 && mk <= 0xCF && mk != 0xC4 && mk != 0xC8 && mk != 0xCC) {
			*h = d[i + 5] << 8 | d[i + 6];
			*w = d[i + 7] << 8 | d[i + 8];
			return *w > 0 && *h > 0;
		}
		i += 2 + seg;
	}
	return false;
}

/*
 * WebP: libwebp reads the size from the header, then decodes straight into
 * the surface's pixels, scaled down when a side is longer than
 * REPORT_IMAGE_MAX_SIDE. cairo wants premultiplied alpha in a native-endian
 * 32-bit word: B, G, R, A in memory on little-endian machines.
 */
static report_image_status_t load_webp(const unsigned char *d, size_t len, cairo_surface_t **out,
                                       int *w, int *h)
{
	WebPDecoderConfig cfg;
	if (!WebPInitDecoderConfig(&cfg) || WebPGetFeatures(d, len, &cfg.input) != VP8_STATUS_OK ||
	    cfg.input.width <= 0 || cfg.input.height <= 0)
		return REPORT_IMAGE_UNREADABLE;
	*w = cfg.input.width;
	*h = cfg.input.height;
	if (too_large(*w, *h))
		return REPORT_IMAGE_TOO_LARGE;
	if (cfg.input.has_animation)
		return REPORT_IMAGE_ANIMATED;
	int ow = *w, oh = *h;
	if (ow > REPORT_IMAGE_MAX_SIDE || oh > REPORT_IMAGE_MAX_SIDE) {
		double k = (double)REPORT_IMAGE_MAX_SIDE / (ow > oh ? ow : oh);
		ow = (int)fmax(1, round(ow * k));
		oh = (int)fmax(1, round(oh * k));
		cfg.options.use_scaling = 1;
		cfg.options.scaled_width = ow;
		cfg.options.scaled_height = oh;
	}
	bool alpha = cfg.input.has_alpha;
	cairo_surface_t *s =
	    cairo_image_surface_create(alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24, ow, oh);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return REPORT_IMAGE_UNREADABLE;
	}
	cairo_surface_flush(s);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	cfg.output.colorspace = alpha ? MODE_bgrA : MODE_BGRA;
#else
	cfg.output.colorspace = alpha ? MODE_Argb : MODE_ARGB;
#endif
	cfg.output.is_external_memory = 1;
	cfg.output.u.RGBA.rgba = cairo_image_surface_get_data(s);
	cfg.output.u.RGBA.stride = cairo_image_surface_get_stride(s);
	cfg.output.u.RGBA.size = (size_t)cfg.output.u.RGBA.stride * (size_t)oh;
	VP8StatusCode st = WebPDecode(d, len, &cfg);
	WebPFreeDecBuffer(&cfg.output); /* frees nothing of ours: the memory is external */
	if (st != VP8_STATUS_OK) {
		cairo_surface_destroy(s);
		return REPORT_IMAGE_UNREADABLE;
	}
	cairo_surface_mark_dirty(s);
	*out = s;
	return REPORT_IMAGE_OK;
}

report_image_status_t report_image_load(void *data, size_t len, const char *type,
                                        cairo_surface_t **out, int *w, int *h)
{
	*out = NULL;
	*w = *h = 0;
	const unsigned char *d = data;
	report_image_status_t st = REPORT_IMAGE_UNREADABLE;
	if (strcmp(type, "image/png") == 0) {
		st = load_png(d, len, out, w, h);
	} else if (strcmp(type, "image/webp") == 0) {
		st = load_webp(d, len, out, w, h);
	} else if (strcmp(type, "image/jpeg") == 0 && jpeg_size(d, len, w, h)) {
		if (too_large(*w, *h))
			st = REPORT_IMAGE_TOO_LARGE;
		else {
			/* The PDF embeds the JPEG itself; the surface only carries its
			 * size, and its pixels (calloc'd) are never touched. */
			cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, *w, *h);
			if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS &&
			    cairo_surface_set_mime_data(s, CAIRO_MIME_TYPE_JPEG, data, len, free,
			                                data) == CAIRO_STATUS_SUCCESS) {
				*out = s;
				return REPORT_IMAGE_OK; /* data now belongs to the surface */
			}
			cairo_surface_destroy(s);
		}
	}
	free(data);
	return st;
}
