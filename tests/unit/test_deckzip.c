/*
 * Unit tests of src/app/deckzip.c: a zip written here is read back with
 * its deck and images; links to the zip's images point at the event's
 * media afterwards; what is no zip, has no deck or two, holds a file larger
 * than its limit (also one that lies about its size: a zip bomb) or is not
 * UTF-8 is refused with a message that says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "app/deckzip.h"
#include "model/deck.h"

static const unsigned char PNG[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
    0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00,
    0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08,
    0xd7, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18, 0xdd, 0x8d,
    0xb0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};

static const char DECK[] = "---\ntitle: Wijk\n---\n\n# Kaart\n\n![De wijk](images/kaart.png)\n\n"
                           "![Zelfde](./images/kaart.png) ![Elders](https://example.org/x.png)\n";

static void zip_of(buf_t *b, const deckzip_entry_t *e, size_t n)
{
	assert_int_equal(deckzip_write(b, e, n), 0);
	assert_true(b->len > 22);
	assert_memory_equal(b->data, "PK", 2);
}

static void test_round_trip_and_rewrite(void **state)
{
	(void)state;
	deckzip_entry_t e[] = {
	    {"deck.md", DECK, strlen(DECK), 1},
	    {"images/kaart.png", PNG, sizeof PNG, 0},
	    {"images/notes.txt", "not an image", 12, 1},
	    {"__MACOSX/._deck.md", "junk", 4, 0},
	};
	buf_t b = BUF_INIT;
	zip_of(&b, e, 4);
	deckzip_t *z;
	char err[256] = "";
	assert_int_equal(deckzip_read(b.data, b.len, "en", &z, err, sizeof err), 0);
	assert_string_equal(z->deck_md, DECK);
	assert_int_equal(z->n_images, 1);
	assert_string_equal(z->images[0].path, "images/kaart.png");
	assert_string_equal(z->images[0].type, "image/png");
	assert_int_equal(z->images[0].len, sizeof PNG);
	assert_string_equal(z->images[0].name + 32, ".png");
	assert_int_equal(z->skipped, 2);
	char *md = deckzip_rewrite(z, 7);
	char want[512];
	snprintf(want, sizeof want,
	         "---\ntitle: Wijk\n---\n\n# Kaart\n\n![De wijk](/media/7/%s)\n\n"
	         "![Zelfde](/media/7/%s) ![Elders](https://example.org/x.png)\n",
	         z->images[0].name, z->images[0].name);
	assert_string_equal(md, want);
	free(md);
	deckzip_free(z);
	buf_free(&b);
}

static void test_refusals(void **state)
{
	(void)state;
	deckzip_t *z = (deckzip_t *)1;
	char err[256];
	assert_int_equal(deckzip_read("not a zip at all", 16, "en", &z, err, sizeof err), -1);
	assert_null(z);
	assert_string_equal(err, "this file is no zip file, or a damaged one");

	buf_t b = BUF_INIT;
	deckzip_entry_t img[] = {{"a.png", PNG, sizeof PNG, 0}};
	zip_of(&b, img, 1);
	assert_int_equal(deckzip_read(b.data, b.len, "nl", &z, err, sizeof err), -1);
	assert_string_equal(err,
	                    "het zip-bestand bevat geen presentatie (verwacht: één .md-bestand)");
	buf_free(&b);

	deckzip_entry_t two[] = {{"a.md", DECK, strlen(DECK), 1}, {"b.md", DECK, strlen(DECK), 1}};
	zip_of(&b, two, 2);
	assert_int_equal(deckzip_read(b.data, b.len, "en", &z, err, sizeof err), -1);
	assert_string_equal(err, "the zip holds more than one deck (.md file)");
	buf_free(&b);

	deckzip_entry_t latin1[] = {{"deck.md", "caf\xe9", 4, 1}};
	zip_of(&b, latin1, 1);
	assert_int_equal(deckzip_read(b.data, b.len, "en", &z, err, sizeof err), -1);
	assert_string_equal(err, "the deck deck.md is not UTF-8 text");
	buf_free(&b);

	/* a bomb: 6 MiB of zeros, a few KiB packed, named as an image */
	size_t big = 6 * 1024 * 1024;
	char *zeros = calloc(1, big);
	assert_non_null(zeros);
	deckzip_entry_t bomb[] = {{"deck.md", DECK, strlen(DECK), 1},
	                          {"images/x.png", zeros, big, 1}};
	zip_of(&b, bomb, 2);
	assert_true(b.len < 100 * 1024);
	assert_int_equal(deckzip_read(b.data, b.len, "en", &z, err, sizeof err), -1);
	assert_string_equal(err, "images/x.png in the zip is larger than 5 MiB");
	buf_free(&b);
	/* a deck larger than a deck may be */
	deckzip_entry_t huge[] = {{"deck.md", zeros, DECK_MAX_BYTES + 1, 1}};
	zip_of(&b, huge, 1);
	assert_int_equal(deckzip_read(b.data, b.len, "en", &z, err, sizeof err), -1);
	assert_string_equal(err, "deck.md in the zip is larger than 1 MiB");
	buf_free(&b);
	/* cut short: damaged */
	zip_of(&b, bomb, 2);
	assert_int_equal(deckzip_read(b.data, b.len / 2, "en", &z, err, sizeof err), -1);
	buf_free(&b);
	free(zeros);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_and_rewrite),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests_name("deckzip", tests, NULL, NULL);
}
