/*
 * Unit tests of the report's parts that need no database: format names,
 * dates in the event's language and the words table. The whole report is
 * tested end to end in tests/e2e/report.test.mjs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"

static void test_format_names(void **state)
{
	(void)state;
	static const char *const names[] = {"pdf", "md", "html", "csv", "xlsx", "json"};
	for (size_t i = 0; i < 6; i++) {
		report_format_t f;
		assert_int_equal(report_format_parse(names[i], &f), 0);
		assert_int_equal((int)f, (int)i);
	}
	report_format_t f;
	assert_int_equal(report_format_parse("PDF", &f), -1);
	assert_int_equal(report_format_parse("", &f), -1);
	assert_int_equal(report_format_parse(NULL, &f), -1);
	assert_int_equal(report_format_parse("pdf ", &f), -1);
}

static void test_dates(void **state)
{
	(void)state;
	char out[64];
	report_date_long("2020-10-16", "nl", out, sizeof out);
	assert_string_equal(out, "16 oktober 2020");
	report_date_long("2020-10-26", "en", out, sizeof out);
	assert_string_equal(out, "26 October 2020");
	report_date_long("2020-13-01", "nl", out, sizeof out);
	assert_string_equal(out, "2020-13-01");
	report_date_long("morgen", "nl", out, sizeof out);
	assert_string_equal(out, "morgen");
	report_date_long("2020-01-05x", "en", out, sizeof out);
	assert_string_equal(out, "2020-01-05x");
}

static void test_words(void **state)
{
	(void)state;
	assert_string_equal(report_word("nl", "report_title"), "Presentatie en resultaten");
	assert_string_equal(report_word("en", "report_title"), "Presentation and results");
	assert_string_equal(report_word("fr", "report_title"), "Presentation and results");
	assert_string_equal(report_word(NULL, "session"), "Session");
}

static void test_count_words(void **state)
{
	(void)state;
#define NL(key) report_word("nl", key)
#define EN(key) report_word("en", key)
	assert_string_equal(report_count_word(1, NL("participant"), NL("participants")),
	                    "deelnemer");
	assert_string_equal(report_count_word(0, NL("participant"), NL("participants")),
	                    "deelnemers");
	assert_string_equal(report_count_word(2, NL("answer"), NL("answers")), "antwoorden");
	assert_string_equal(report_count_word(1, NL("answer"), NL("answers")), "antwoord");
	assert_string_equal(report_count_word(1, NL("vote"), NL("votes")), "stem");
	assert_string_equal(report_count_word(1, EN("vote"), EN("votes")), "vote");
	assert_string_equal(report_count_word(11, EN("participant"), EN("participants")),
	                    "participants");
	assert_string_equal(report_count_word(1, EN("hidden_note_one"), EN("hidden_note")),
	                    "hidden answer is left out");
#undef NL
#undef EN
}

/* pdf_artifact.c: unmarked content becomes an artefact, marked content is
 * left alone, strings are not read as operators, and a stream it does not
 * walk is left as it is (NULL). */
static char *marked(const char *in)
{
	size_t n = 0;
	char *out = report__pdf_artifacts(in, strlen(in), &n);
	if (out)
		assert_int_equal(strlen(out), n);
	return out;
}

static void test_pdf_artifacts(void **state)
{
	(void)state;
	char *out = marked("1 0 0 -1 0 842 cm\nq\n0 0 1 rg 0 0 10 6 re f\n"
	                   "BT /F1 1 Tf (Kop) Tj ET\n"
	                   "/P << /MCID 0 >> BDC\nBT (tekst) Tj ET\nEMC\n"
	                   "BT (3 van 20) Tj ET\nQ\n");
	assert_non_null(out);
	assert_string_equal(out, "1 0 0 -1 0 842 cm\nq\n0 0 1 rg /Artifact BMC\n0 0 10 6 re f\n"
	                         "BT /F1 1 Tf (Kop) Tj ET\n"
	                         "EMC\n/P << /MCID 0 >> BDC\nBT (tekst) Tj ET\nEMC\n"
	                         "/Artifact BMC\nBT (3 van 20) Tj ET\nEMC\nQ\n");
	free(out);

	/* operators inside strings, escaped and nested parentheses, a comment */
	out = marked("BT (ET \\) BDC (q)) Tj [(EMC)-3(x)] TJ ET % BT\n<4554> Tj");
	assert_non_null(out);
	assert_string_equal(out, "/Artifact BMC\nBT (ET \\) BDC (q)) Tj [(EMC)-3(x)] TJ ET % BT\n"
	                         "<4554> Tj\nEMC\n");
	free(out);

	/* nothing unmarked: nothing to do */
	assert_null(marked("/P << /MCID 0 >> BDC BT (a) Tj ET EMC"));
	/* an inline image, an unbalanced EMC, q inside a text object, an
	 * unfinished string or path: the page stays as it is */
	assert_null(marked("BI /W 1 /H 1 ID \x01 EI"));
	assert_null(marked("BT (a) Tj ET EMC"));
	assert_null(marked("BT q (a) Tj ET"));
	assert_null(marked("BT (a Tj ET"));
	assert_null(marked("0 0 1 1 re"));
	assert_null(marked(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_names), cmocka_unit_test(test_pdf_artifacts),
	    cmocka_unit_test(test_dates),        cmocka_unit_test(test_words),
	    cmocka_unit_test(test_count_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
