/*
 * Unit tests of src/app/i18n.c: the language a request asks for, and the
 * one table of words, in Dutch and English with the same printf
 * conversions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "app/internal.h"

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
	char bad[256] = "";
	if (!tr_formats_match(bad, sizeof bad))
		fail_msg("the Dutch and English of \"%s\" take other arguments", bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_accept_language),
	    cmocka_unit_test(test_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
