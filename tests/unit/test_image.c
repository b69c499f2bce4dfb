/*
 * Unit tests of src/report/image.c: each type decodes, sizes are read from
 * the header and an absurd size is refused before anything is decoded,
 * damaged and animated files are named as such. The report that draws the
 * images is tested end to end in tests/e2e/workspace-api.test.mjs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "report/image.h"

/* 48 × 30, lossless, opaque on the left half and half transparent on the
 * right; pixel (x, y) is red 5x, green 80, blue 8y (tests/fuzz/corpus/image). */
static const unsigned char WEBP[] = {
    0x52, 0x49, 0x46, 0x46, 0x44, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50, 0x38, 0x4c,
    0x38, 0x00, 0x00, 0x00, 0x2f, 0x2f, 0x40, 0x07, 0x10, 0x09, 0x80, 0x20, 0x06, 0xfc, 0x37, 0x4b,
    0x88, 0xe8, 0x7f, 0xea, 0x05, 0x40, 0x10, 0xfe, 0xcb, 0x25, 0x44, 0xf4, 0x3f, 0x35, 0xc8, 0xa4,
    0x6d, 0x22, 0x71, 0xfe, 0x15, 0x8d, 0xdd, 0x3b, 0x14, 0xa4, 0x6d, 0xc0, 0xc2, 0x76, 0x67, 0x10,
    0x26, 0x70, 0x02, 0x02, 0x4e, 0xdb, 0x75, 0xda, 0x08, 0xac, 0xff, 0x27,
};

/* 8 × 6 PNG with alpha */
static const unsigned char PNG[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x06, 0x08, 0x06, 0x00, 0x00, 0x00, 0xfe,
    0x05, 0xdf, 0xfb, 0x00, 0x00, 0x00, 0x1d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60,
    0x20, 0x04, 0x34, 0x08, 0x00, 0x86, 0x00, 0x02, 0x80, 0xa1, 0x82, 0x00, 0x60, 0x58, 0x40,
    0x00, 0x30, 0x9c, 0x20, 0x00, 0x00, 0xbb, 0x45, 0x4b, 0x01, 0x5a, 0x10, 0x41, 0x3d, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static void *dup(const void *p, size_t n)
{
	void *d = malloc(n);
	assert_non_null(d);
	memcpy(d, p, n);
	return d;
}

static report_image_status_t load(const void *p, size_t n, const char *type, cairo_surface_t **img,
                                  int *w, int *h)
{
	return report_image_load(dup(p, n), n, type, img, w, h);
}

static uint32_t pixel(cairo_surface_t *s, int x, int y)
{
	const unsigned char *d = cairo_image_surface_get_data(s);
	return *(const uint32_t *)(d + (size_t)y * (size_t)cairo_image_surface_get_stride(s) +
	                           (size_t)x * 4);
}

static void test_webp_decodes_with_alpha(void **state)
{
	(void)state;
	cairo_surface_t *img;
	int w, h;
	assert_int_equal(load(WEBP, sizeof WEBP, "image/webp", &img, &w, &h), REPORT_IMAGE_OK);
	assert_int_equal(w, 48);
	assert_int_equal(h, 30);
	assert_int_equal(cairo_image_surface_get_format(img), CAIRO_FORMAT_ARGB32);
	assert_int_equal(cairo_image_surface_get_width(img), 48);
	assert_int_equal(cairo_image_surface_get_height(img), 30);
	assert_int_equal(pixel(img, 0, 0), 0xFF005000);  /* opaque: red 0, green 80, blue 0 */
	assert_int_equal(pixel(img, 4, 10), 0xFF145050); /* red 20, green 80, blue 80 */
	uint32_t p = pixel(img, 30, 0);                  /* alpha 128, premultiplied */
	assert_int_equal(p >> 24, 128);
	assert_in_range((p >> 16) & 0xFF, 74, 76); /* 150 × 128 / 255 */
	assert_in_range((p >> 8) & 0xFF, 39, 41);  /* 80 × 128 / 255 */
	cairo_surface_destroy(img);
}

static void test_png_decodes(void **state)
{
	(void)state;
	cairo_surface_t *img;
	int w, h;
	assert_int_equal(load(PNG, sizeof PNG, "image/png", &img, &w, &h), REPORT_IMAGE_OK);
	assert_int_equal(w, 8);
	assert_int_equal(h, 6);
	assert_int_equal(cairo_image_surface_get_width(img), 8);
	cairo_surface_destroy(img);
}

/* A lossless WebP header (VP8L) declaring w × h, with no pixels after it. */
static size_t vp8l_header(unsigned char *b, uint32_t w, uint32_t h)
{
	memset(b, 0, 30);
	memcpy(b, "RIFF\x16\0\0\0WEBPVP8L\x0a\0\0\0\x2f", 21);
	uint32_t bits = (w - 1) | (h - 1) << 14;
	for (int i = 0; i < 4; i++)
		b[21 + i] = (unsigned char)(bits >> (8 * i));
	return 30;
}

static void test_sizes_are_bounded(void **state)
{
	(void)state;
	cairo_surface_t *img;
	int w, h;
	unsigned char b[30];
	size_t n = vp8l_header(b, 16000, 16000);
	assert_int_equal(load(b, n, "image/webp", &img, &w, &h), REPORT_IMAGE_TOO_LARGE);
	assert_null(img);
	assert_int_equal(w, 16000);
	assert_int_equal(h, 16000);
	/* within the bound the header alone is not an image */
	n = vp8l_header(b, 100, 100);
	assert_int_equal(load(b, n, "image/webp", &img, &w, &h), REPORT_IMAGE_UNREADABLE);
	assert_null(img);

	unsigned char png[sizeof PNG];
	memcpy(png, PNG, sizeof png);
	png[16] = png[17] = 0;
	png[18] = 0x4e;
	png[19] = 0x20; /* 20000 wide */
	png[20] = png[21] = 0;
	png[22] = 0x4e;
	png[23] = 0x20; /* 20000 high */
	assert_int_equal(load(png, sizeof png, "image/png", &img, &w, &h), REPORT_IMAGE_TOO_LARGE);
	assert_int_equal(w, 20000);
	assert_null(img);

	/* a JPEG start-of-frame of 10000 × 9000 */
	static const unsigned char jpg[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x23, 0x28,
	                                    0x27, 0x10, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01};
	assert_int_equal(load(jpg, sizeof jpg, "image/jpeg", &img, &w, &h), REPORT_IMAGE_TOO_LARGE);
	assert_int_equal(w, 10000);
	assert_int_equal(h, 9000);
}

static void test_damaged_and_animated(void **state)
{
	(void)state;
	cairo_surface_t *img;
	int w, h;
	/* the first half of a real WebP */
	assert_int_equal(load(WEBP, sizeof WEBP / 2, "image/webp", &img, &w, &h),
	                 REPORT_IMAGE_UNREADABLE);
	assert_null(img);
	assert_int_equal(load("RIFF\0\0\0\0WEBPjunk", 16, "image/webp", &img, &w, &h),
	                 REPORT_IMAGE_UNREADABLE);
	assert_int_equal(load(PNG, 30, "image/png", &img, &w, &h), REPORT_IMAGE_UNREADABLE);
	assert_int_equal(load(PNG, sizeof PNG, "image/gif", &img, &w, &h), REPORT_IMAGE_UNREADABLE);
	/* an extended WebP header (VP8X) with the animation flag, 64 × 48 */
	static const unsigned char anim[] = {'R',  'I', 'F', 'F', 22,  0,   0,  0,  'W', 'E',
	                                     'B',  'P', 'V', 'P', '8', 'X', 10, 0,  0,   0,
	                                     0x02, 0,   0,   0,   63,  0,   0,  47, 0,   0};
	assert_int_equal(load(anim, sizeof anim, "image/webp", &img, &w, &h),
	                 REPORT_IMAGE_ANIMATED);
	assert_null(img);
	assert_int_equal(w, 64);
	assert_int_equal(h, 48);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_webp_decodes_with_alpha),
	    cmocka_unit_test(test_png_decodes),
	    cmocka_unit_test(test_sizes_are_bounded),
	    cmocka_unit_test(test_damaged_and_animated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
