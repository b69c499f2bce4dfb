/* Unit tests for src/app/mail.c: the address check and the message
 * composer (no network). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/mail.h"

static void addresses(void **state)
{
	(void)state;
	static const char *good[] = {"a@b.nl", "bewoner+website@gemeente.example.org",
	                             "o'brien@example.com", "x_y.z@sub.domain.co.uk"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		assert_true(mail_address_ok(good[i]));
	static const char *bad[] = {
	    "",           "geen-adres",       "a@b",       "@b.nl",
	    "a@@b.nl",    "a@b@c.nl",         "a b@c.nl",  "a@b.nl\r\nBcc: c@d.nl",
	    "a@b.nl\n",   "a\t@b.nl",         "<a@b.nl>",  "a@b.nl>",
	    "a,c@b.nl",   "a@.b.nl",          "a@b.nl.",   "a@b..nl",
	    "\"a\"@b.nl", "caf\xc3\xa9@b.nl", "a@b.n\x7fl"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(mail_address_ok(bad[i]));
	assert_false(mail_address_ok(NULL));
	/* 254 bytes pass, 255 do not; a local part of 65 does not */
	char addr[300];
	memset(addr, 'a', sizeof addr);
	memcpy(addr, "x@", 2);
	memcpy(addr + 250, ".nl", 4);
	assert_int_equal(strlen(addr), 253);
	assert_true(mail_address_ok(addr));
	memcpy(addr + 250, "a.nl", 5);
	assert_int_equal(strlen(addr), 254);
	assert_true(mail_address_ok(addr));
	memcpy(addr + 250, "aa.nl", 6);
	assert_false(mail_address_ok(addr));
	char local[80];
	memset(local, 'l', 65);
	snprintf(local + 65, sizeof local - 65, "@b.nl");
	assert_false(mail_address_ok(local));
}

static char *qp(const char *s)
{
	buf_t b = BUF_INIT;
	mail_qp(&b, s, strlen(s));
	return buf_steal(&b);
}

static void quoted_printable(void **state)
{
	(void)state;
	char *s = qp("Hallo =\nregel twee \n.punt\r\nklaar\t");
	assert_string_equal(s, "Hallo =3D\r\nregel twee=20\r\n=2Epunt\r\nklaar=09");
	free(s);
	s = qp("caf\xc3\xa9");
	assert_string_equal(s, "caf=C3=A9");
	free(s);
	/* a long line breaks softly, no line over 76 */
	char long_line[301];
	memset(long_line, 'x', 300);
	long_line[300] = '\0';
	long_line[74] = '\xe2';
	s = qp(long_line);
	for (char *line = s; line;) {
		char *end = strstr(line, "\r\n");
		size_t n = end ? (size_t)(end - line) : strlen(line);
		assert_true(n <= 76);
		line = end ? end + 2 : NULL;
	}
	assert_non_null(strstr(s, "=\r\n=E2"));
	free(s);
}

static void subjects(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	mail_subject(&b, "Je link om in te loggen");
	assert_string_equal(b.data, "Subject: Je link om in te loggen\r\n");
	buf_clear(&b);
	mail_subject(&b, "Wat is er gebeurd? \xe2\x80\x94 caf\xc3\xa9");
	assert_string_equal(b.data,
	                    "Subject: =?UTF-8?B?V2F0IGlzIGVyIGdlYmV1cmQ/IOKAlCBjYWbDqQ==?=\r\n");
	buf_clear(&b);
	/* long: several words, each under 76 and each whole UTF-8 */
	char subj[400] = "";
	for (int i = 0; i < 40; i++)
		strcat(subj, "\xc3\xa9\xe2\x82\xac");
	mail_subject(&b, subj);
	int words = 0;
	for (char *p = b.data; (p = strstr(p, "=?UTF-8?B?")); p++) {
		char *end = strstr(p, "?=");
		assert_non_null(end);
		assert_true(end + 2 - p <= 75);
		words++;
	}
	assert_true(words >= 3);
	assert_non_null(strstr(b.data, "?=\r\n =?UTF-8?B?"));
	buf_free(&b);
}

static mail_msg_t msg(void)
{
	return (mail_msg_t){
	    .from = "inspraak@gemeente.test",
	    .to = "bewoner@example.test",
	    .subject = "Inloggen",
	    .text = "Volg deze link:\nhttps://example.test/x\n",
	    .date_ms = 1796308800000LL, /* 2026-12-03 14:40:00 UTC */
	    .id = "0123abcd",
	};
}

static void compose_plain(void **state)
{
	(void)state;
	mail_msg_t m = msg();
	m.headers = "List-Unsubscribe: <https://example.test/u>\r\n";
	buf_t b = BUF_INIT;
	assert_int_equal(mail_compose(&b, &m), 0);
	assert_string_equal(b.data, "Date: Thu, 03 Dec 2026 14:40:00 +0000\r\n"
	                            "From: inspraak@gemeente.test\r\n"
	                            "To: bewoner@example.test\r\n"
	                            "Subject: Inloggen\r\n"
	                            "Message-ID: <0123abcd@gemeente.test>\r\n"
	                            "MIME-Version: 1.0\r\n"
	                            "List-Unsubscribe: <https://example.test/u>\r\n"
	                            "Content-Type: text/plain; charset=utf-8\r\n"
	                            "Content-Transfer-Encoding: quoted-printable\r\n"
	                            "\r\n"
	                            "Volg deze link:\r\nhttps://example.test/x\r\n\r\n");
	/* every line ends in CRLF, no bare LF */
	for (size_t i = 0; i < b.len; i++)
		if (b.data[i] == '\n')
			assert_int_equal(b.data[i - 1], '\r');
	buf_free(&b);
}

static void compose_html(void **state)
{
	(void)state;
	mail_msg_t m = msg();
	m.html = "<p>Volg <a href=\"https://example.test/x\">deze link</a></p>";
	buf_t b = BUF_INIT;
	assert_int_equal(mail_compose(&b, &m), 0);
	assert_non_null(
	    strstr(b.data, "Content-Type: multipart/alternative; boundary=\"=_0123abcd\""));
	assert_non_null(strstr(b.data, "\r\n--=_0123abcd\r\nContent-Type: text/plain"));
	assert_non_null(strstr(b.data, "\r\n--=_0123abcd\r\nContent-Type: text/html"));
	assert_non_null(strstr(b.data, "href=3D\"https://example.test/x\""));
	assert_non_null(strstr(b.data, "\r\n--=_0123abcd--\r\n"));
	buf_free(&b);
}

static void compose_refuses_injection(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	mail_msg_t m = msg();
	m.to = "a@b.nl\r\nBcc: c@d.nl";
	assert_int_equal(mail_compose(&b, &m), UV_EINVAL);
	m = msg();
	m.subject = "Hallo\r\nBcc: c@d.nl";
	assert_int_equal(mail_compose(&b, &m), UV_EINVAL);
	m.subject = "Hallo\nBcc: c@d.nl";
	assert_int_equal(mail_compose(&b, &m), UV_EINVAL);
	m = msg();
	m.headers = "X-A: b\r\nBcc c@d.nl\r\n";
	assert_int_equal(mail_compose(&b, &m), UV_EINVAL);
	m.headers = "X-A: b\nBcc: c@d.nl\r\n";
	assert_int_equal(mail_compose(&b, &m), UV_EINVAL);
	m.headers = "X-A: b";
	assert_int_equal(mail_compose(&b, &m), UV_EINVAL);
	m = msg();
	m.text = "bad \xff utf-8";
	assert_int_equal(mail_compose(&b, &m), UV_EINVAL);
	m = msg();
	m.from = "niet goed";
	assert_int_equal(mail_compose(&b, &m), UV_EINVAL);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(addresses),    cmocka_unit_test(quoted_printable),
	    cmocka_unit_test(subjects),     cmocka_unit_test(compose_plain),
	    cmocka_unit_test(compose_html), cmocka_unit_test(compose_refuses_injection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
