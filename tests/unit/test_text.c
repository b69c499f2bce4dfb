/*
 * Unit tests for src/util/text.c: what counts as valid text, lengths in
 * code points, folding (case, accents, Unicode forms, fullwidth letters,
 * whitespace) and cleaning, with single and multiple lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"

static bool valid(const char *s)
{
	return text_valid(s, strlen(s));
}

/* Folds s and checks the key. */
static void folds_to(const char *s, const char *want)
{
	char *f = text_fold(s, strlen(s));
	assert_non_null(f);
	if (strcmp(f, want))
		print_error("fold(\"%s\") = \"%s\", want \"%s\"\n", s, f, want);
	assert_string_equal(f, want);
	free(f);
}

static void cleans_to(const char *s, bool multiline, const char *want)
{
	char *c = text_clean(s, strlen(s), multiline);
	assert_non_null(c);
	if (strcmp(c, want))
		print_error("clean(\"%s\") = \"%s\", want \"%s\"\n", s, c, want);
	assert_string_equal(c, want);
	free(c);
}

static void validates_utf8(void **state)
{
	(void)state;
	assert_true(valid(""));
	assert_true(valid("Samenleven in diversiteit"));
	assert_true(valid("Caf\xC3\xA9, \xE2\x82\xAC 5, \xF0\x9F\x8E\x89")); /* é, €, emoji */
	assert_true(valid("tab\there\r\nline"));
	assert_false(valid("\xC3"));             /* cut short */
	assert_false(valid("\xC0\xAF"));         /* overlong "/" */
	assert_false(valid("\xED\xA0\x80"));     /* a surrogate */
	assert_false(valid("\xF4\x90\x80\x80")); /* above U+10FFFF */
	assert_false(valid("\xFF"));
	assert_false(valid("bel\x07"));
	assert_false(valid("esc\x1b"));
	assert_false(valid("del\x7f"));
	assert_false(valid("c1 \xC2\x85")); /* NEXT LINE, a C1 control */
	assert_false(valid("c1 \xC2\x9B")); /* CSI */
	assert_true(valid("\xC2\xA0"));     /* no-break space is text */
	assert_false(text_valid("a\0b", 3));
	assert_true(text_valid("abc", 2));
}

static void counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(text_length("", 0), 0);
	assert_int_equal(text_length("abc", 3), 3);
	assert_int_equal(text_length("Caf\xC3\xA9", 5), 4);
	assert_int_equal(text_length("\xE2\x82\xAC\xF0\x9F\x8E\x89", 7), 2);
	/* A decomposed é is two code points. */
	assert_int_equal(text_length("Cafe\xCC\x81", 6), 5);
}

static void folds_case_accents_and_forms(void **state)
{
	(void)state;
	/* "Café", "cafe", "CAFÉ" and "Cafe" + combining acute fold equal. */
	folds_to("Caf\xC3\xA9", "cafe");
	folds_to("cafe", "cafe");
	folds_to("CAF\xC3\x89", "cafe");
	folds_to("Cafe\xCC\x81", "cafe");
	folds_to("CAFE\xCC\x81", "cafe");
	/* Fullwidth letters and digits (NFKC). */
	folds_to("\xEF\xBC\xA3\xEF\xBD\x81\xEF\xBD\x86\xC3\xA9", "cafe");
	folds_to("\xEF\xBC\x91\xEF\xBC\x92", "12");
	/* Ligatures and the German sharp s fold too. */
	folds_to("\xEF\xAC\x81"
	         "ets",
	         "fiets");
	folds_to("Stra\xC3\x9F"
	         "e",
	         "strasse");
	folds_to("na\xC3\xAF"
	         "ef",
	         "naief");
	folds_to("GE\xC3\x8FNTEGREERDE", "geintegreerde");
}

static void folds_whitespace(void **state)
{
	(void)state;
	folds_to("  samen   leven  ", "samen leven");
	folds_to("samen\tleven\n", "samen leven");
	folds_to("samen\r\nleven", "samen leven");
	/* No-break and ideographic spaces are spaces. */
	folds_to("samen\xC2\xA0leven", "samen leven");
	folds_to("\xE3\x80\x80samen\xE3\x80\x80\xE3\x80\x80leven", "samen leven");
	folds_to("   ", "");
	assert_null(text_fold("\xFF", 1));
	assert_null(text_fold("a\x01", 2));
}

static void cleans_single_lines(void **state)
{
	(void)state;
	cleans_to("  Meer   ontmoeting \n in de wijk ", false, "Meer ontmoeting in de wijk");
	cleans_to("Cafe\xCC\x81", false, "Caf\xC3\xA9"); /* NFC, not folded */
	cleans_to("CAF\xC3\x89", false, "CAF\xC3\x89");
	/* Compatibility characters are kept: cleaning is not folding. */
	cleans_to("\xEF\xAC\x81"
	          "ets",
	          false,
	          "\xEF\xAC\x81"
	          "ets");
	cleans_to("\xC2\xA0\xE3\x80\x80 ", false, "");
	cleans_to("a\xC2\xA0\xC2\xA0"
	          "b",
	          false, "a b");
	cleans_to("een\xE2\x80\xA8twee", false, "een twee");
	cleans_to("", false, "");
}

static void cleans_multiple_lines(void **state)
{
	(void)state;
	cleans_to("\n\n  Onderwijs.\r\n  Arbeidsmarkt.  \n", true, "Onderwijs.\nArbeidsmarkt.");
	/* Runs of blank lines become one blank line. */
	cleans_to("een\n\n\n\n\ntwee", true, "een\n\ntwee");
	cleans_to("een \t \n twee", true, "een\ntwee");
	cleans_to("een\xE2\x80\xA8twee", true, "een\ntwee");
	cleans_to("\xC2\xA0\n\xC2\xA0", true, "");
	assert_null(text_clean("ok\x07", 3, true));
	assert_null(text_clean("\xC3", 1, false));
	assert_null(text_clean("a\0b", 3, false));
}

/* Issue 11: bidi overrides and isolates are dropped from stored text. */
static void cleans_bidi_controls(void **state)
{
	(void)state;
	cleans_to("bestand\xE2\x80\xAEgnp.exe", false, "bestandgnp.exe");
	cleans_to("a\xE2\x81\xA6"
	          "b\xE2\x81\xA9"
	          "c\xE2\x80\xAA"
	          "d\xE2\x80\xAC"
	          "e",
	          true, "abcde");
	/* the marks LRM and RLM stay: they reorder nothing around them */
	cleans_to("a\xE2\x80\x8F"
	          "b",
	          false,
	          "a\xE2\x80\x8F"
	          "b");
}

/* Issue 11: an answer must hold a character that someone can see. */
static void tells_visible_text(void **state)
{
	(void)state;
	static const char *invisible[] = {
	    "\xE2\x80\x8B",                         /* zero-width space */
	    "\xE2\x80\x8C\xE2\x80\x8D\xEF\xBB\xBF", /* ZWNJ, ZWJ, BOM */
	    "\xC2\xAD",                             /* soft hyphen */
	    "\xE2\x80\x8F\xE2\x80\x8E",             /* RLM, LRM */
	    "\xE3\x85\xA4\xE1\x85\x9F",             /* Hangul fillers */
	    "\xE2\xA0\x80",                         /* blank Braille */
	    "\xCC\x81\xCD\x8F",                     /* a lone accent, CGJ */
	    "\xEF\xB8\x8F",                         /* variation selector */
	    " \t\xC2\xA0",
	    "",
	};
	for (size_t i = 0; i < sizeof invisible / sizeof *invisible; i++)
		assert_false(text_visible(invisible[i], strlen(invisible[i])));
	assert_true(text_visible("a", 1));
	assert_true(text_visible("\xE2\x80\x8Bx", 4));
	assert_true(text_visible("\xF0\x9F\x91\x8D", 4)); /* thumbs up */
	assert_true(text_visible(".", 1));
	assert_true(text_visible("\xD8\xA7", 2)); /* Arabic alef */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(validates_utf8),
	    cmocka_unit_test(counts_code_points),
	    cmocka_unit_test(folds_case_accents_and_forms),
	    cmocka_unit_test(folds_whitespace),
	    cmocka_unit_test(cleans_single_lines),
	    cmocka_unit_test(cleans_multiple_lines),
	    cmocka_unit_test(cleans_bidi_controls),
	    cmocka_unit_test(tells_visible_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
