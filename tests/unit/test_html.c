/* Unit tests for src/util/html: the writer escapes every string it is
 * given, except through html_raw_trusted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/html.h"

static const char EVIL[] = "<script>alert('x')</script> & \"q\"";
static const char EVIL_ESCAPED[] =
    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;";

static void text_and_attr_escape(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	html_text(&b, EVIL);
	assert_string_equal(b.data, EVIL_ESCAPED);
	buf_clear(&b);
	html_attr(&b, EVIL);
	assert_string_equal(b.data, EVIL_ESCAPED);
	buf_clear(&b);
	html_text(&b, "");
	html_text(&b, "plain text, één");
	assert_string_equal(b.data, "plain text, één");
	buf_free(&b);
	char *d = html_escape_dup(EVIL);
	assert_string_equal(d, EVIL_ESCAPED);
	free(d);
}

static void printf_escapes_strings_not_markup(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	html_printf(&b, "<p class=\"%s\" title=\"%s\">%s%c</p>", "note", EVIL, "a<b", '&');
	assert_string_equal(b.data, "<p class=\"note\" title=\"&lt;script&gt;alert(&#39;x&#39;)"
	                            "&lt;/script&gt; &amp; &quot;q&quot;\">a&lt;b&amp;</p>");
	buf_free(&b);
}

static void printf_formats_numbers_as_printf_does(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	char want[256];
	html_printf(&b, "%d|%i|%u|%x|%ld|%lld|%zu|%zd|%.2f|%g|%5d|%-3d|100%%|%.3s", -7, 42, 7u,
	            255u, -123456789L, -9000000000LL, (size_t)12, (ssize_t)-3, 3.14159, 0.5, 42, 1,
	            "abcdef");
	snprintf(want, sizeof want, "%d|%i|%u|%x|%ld|%lld|%zu|%zd|%.2f|%g|%5d|%-3d|100%%|%.3s", -7,
	         42, 7u, 255u, -123456789L, -9000000000LL, (size_t)12, (ssize_t)-3, 3.14159, 0.5,
	         42, 1, "abcdef");
	assert_string_equal(b.data, want);
	buf_free(&b);
}

static void raw_trusted_copies(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	html_raw_trusted(&b, "<em>safe</em>");
	html_printf(&b, "<br>");
	assert_string_equal(b.data, "<em>safe</em><br>");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(text_and_attr_escape),
	    cmocka_unit_test(printf_escapes_strings_not_markup),
	    cmocka_unit_test(printf_formats_numbers_as_printf_does),
	    cmocka_unit_test(raw_trusted_copies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
