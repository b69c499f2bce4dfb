/*
 * Unit tests of the one translation mechanism: src/util/i18n.c's lookup and
 * format check, src/app/i18n.c's language of a request, and every layer's
 * table of words, in Dutch and English with the same printf conversions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "app/internal.h"
#include "model/internal.h"
#include "report/internal.h"
#include "util/i18n.h"

/* Every table of words on the C side; the format check runs over each. */
static const i18n_table_t *const tables[] = {
    &app_words,
    &model__words,
    &report_words,
};

static const char *lang_of(const char *accept)
{
	http_request_t req;
	memset(&req, 0, sizeof req);
	if (accept) {
		req.headers[0] = (http_header_t){"Accept-Language", accept};
		req.n_headers = 1;
	}
	return tr_req_lang(&req);
}

static void test_accept_language(void **state)
{
	(void)state;
	assert_string_equal(lang_of(NULL), "en");
	assert_string_equal(lang_of(""), "en");
	assert_string_equal(lang_of("nl"), "nl");
	assert_string_equal(lang_of("en"), "en");
	assert_string_equal(lang_of("nl-NL,nl;q=0.9,en-US;q=0.8,en;q=0.7"), "nl");
	assert_string_equal(lang_of("en-GB,en;q=0.9,nl;q=0.8"), "en");
	assert_string_equal(lang_of("de-DE, en;q=0.5, nl;q=0.7"), "nl");
	assert_string_equal(lang_of("NL-be"), "nl");
	assert_string_equal(lang_of("fr"), "en");
	assert_string_equal(lang_of("nld, english"), "en"); /* neither is a tag of ours */
	assert_string_equal(lang_of("nl;q=0, en;q=0.1"), "en");
	assert_string_equal(lang_of(";;,,;q="), "en");
}

static void test_messages(void **state)
{
	(void)state;
	assert_string_equal(tr("nl", "users.no_such"), "Er is geen gebruiker met die naam.");
	assert_string_equal(tr("en", "users.no_such"), "no such user");
	assert_string_equal(tr(NULL, "users.no_such"), "no such user");
	assert_string_equal(tr("fr", "form.send"), "Send");
	assert_string_equal(tr("nl", "form.send"), "Versturen");
	/* a string that is no key, such as a message made already, stays */
	assert_string_equal(tr("nl", "something new"), "something new");
	assert_string_equal(tr("nl", "Er is geen gebruiker met die naam."),
	                    "Er is geen gebruiker met die naam.");
	http_request_t req;
	memset(&req, 0, sizeof req);
	req.headers[0] = (http_header_t){"Accept-Language", "nl-NL,nl;q=0.9"};
	req.n_headers = 1;
	assert_string_equal(tr_req(&req, "api.not_found"), "Niet gevonden.");
	req.n_headers = 0;
	assert_string_equal(tr_req(&req, "api.not_found"), "not found");
	/* the model's words, through the same lookup */
	assert_string_equal(model__tr("nl", "deck.line"), "regel %d: ");
	assert_string_equal(model__tr("en", "deck.line"), "line %d: ");
	assert_string_equal(model__tr("fr", "answer.empty"), "Your answer is empty.");
}

static void test_util_lookup(void **state)
{
	(void)state;
	static const i18n_entry_t e[] = {
	    {"a", "een", "one"},
	    {"n", "%d keer %s", "%d times %s"},
	    {"a", "dubbel", "twice"},
	};
	const i18n_table_t t = I18N_TABLE("test", e);
	assert_int_equal(t.n, 3);
	assert_true(i18n_is_nl("nl"));
	assert_false(i18n_is_nl("NL")); /* a language code, not a header: exact */
	assert_false(i18n_is_nl("nl-BE"));
	assert_false(i18n_is_nl("en"));
	assert_false(i18n_is_nl(NULL));
	assert_string_equal(i18n_tr(&t, "nl", "a"), "een"); /* the first wins */
	assert_string_equal(i18n_tr(&t, "en", "a"), "one");
	assert_string_equal(i18n_tr(&t, NULL, "n"), "%d times %s");
	assert_string_equal(i18n_tr(&t, "nl", "b"), "b");
	assert_true(i18n_has(&t, "n"));
	assert_false(i18n_has(&t, "b"));
	char bad[64] = "";
	assert_true(i18n_formats_match(&t, bad, sizeof bad));
	assert_string_equal(bad, "");
}

static void test_util_formats(void **state)
{
	(void)state;
	static const i18n_entry_t order[] = {
	    {"ok", "%zu van %d (100%%)", "%zu of %d (100%%)"},
	    {"order", "%s: %d", "%d: %s"},
	};
	static const i18n_entry_t count[] = {{"count", "%d", "%d %d"}};
	static const i18n_entry_t width[] = {{"width", "%lld", "%d"}};
	static const i18n_entry_t percent[] = {{"percent", "100%%", "100"}};
	char bad[64] = "";
	assert_false(i18n_formats_match(&(i18n_table_t)I18N_TABLE("t", order), bad, sizeof bad));
	assert_string_equal(bad, "t: order");
	assert_false(i18n_formats_match(&(i18n_table_t)I18N_TABLE("t", count), bad, sizeof bad));
	assert_string_equal(bad, "t: count");
	assert_false(i18n_formats_match(&(i18n_table_t)I18N_TABLE("t", width), bad, sizeof bad));
	assert_false(i18n_formats_match(&(i18n_table_t)I18N_TABLE("t", percent), NULL, 0));
}

/* The one format check, over every layer's table. */
static void test_tables(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		char bad[256] = "";
		if (!i18n_formats_match(tables[i], bad, sizeof bad))
			fail_msg("the Dutch and English of \"%s\" take other arguments", bad);
		assert_true(tables[i]->n > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accept_language), cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_util_lookup),     cmocka_unit_test(test_util_formats),
	    cmocka_unit_test(test_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
