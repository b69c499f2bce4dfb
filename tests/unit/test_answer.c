/*
 * Unit tests for src/model/answer.c: per question type the accepted shapes
 * and their normal form, wrong shapes, out-of-range values, answers that are
 * too long (ANSWER_ETOOLONG), bad UTF-8, and the language of the messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/answer.h"
#include "util/buf.h"

static char *options[] = {"Fiets", "Bus", "Lopend"};

static slide_t open_slide(void)
{
	return (slide_t){.kind = SLIDE_OPEN, .title = "O", .max_length = 280, .max_answers = 1};
}

static slide_t cloud_slide(void)
{
	return (slide_t){.kind = SLIDE_CLOUD, .title = "C", .max_length = 30, .max_answers = 3};
}

static slide_t choice_slide(bool multiple)
{
	return (slide_t){.kind = SLIDE_CHOICE,
	                 .title = "K",
	                 .multiple = multiple,
	                 .items = options,
	                 .n_items = 3};
}

static slide_t scale_slide(void)
{
	return (slide_t){.kind = SLIDE_SCALE,
	                 .title = "S",
	                 .scale_max = 5,
	                 .label_low = "",
	                 .label_high = "",
	                 .items = options,
	                 .n_items = 2};
}

static slide_t rank_slide(void)
{
	return (slide_t){.kind = SLIDE_RANK, .title = "R", .items = options, .n_items = 3};
}

static slide_t qa_slide(void)
{
	return (slide_t){.kind = SLIDE_QA, .title = "Q", .max_length = 100, .max_answers = 5};
}

/* Validates the JSON text in, which must succeed with the normal form want
 * (JSON text, compared as JSON). */
static void good(const slide_t *s, const char *in, const char *want)
{
	json_error_t e;
	json_t *v = json_loads(in, JSON_DECODE_ANY, &e);
	assert_non_null(v);
	json_t *norm = NULL;
	char msg[160] = "";
	int rc = answer_validate(s, v, "nl", &norm, msg, sizeof msg);
	if (rc)
		print_error("%s: rejected: %s\n", in, msg);
	assert_int_equal(rc, 0);
	json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
	assert_non_null(w);
	bool same = json_equal(norm, w);
	if (!same) {
		char *got = json_dumps(norm, JSON_COMPACT | JSON_ENCODE_ANY);
		print_error("%s: got %s, want %s\n", in, got, want);
		free(got);
	}
	json_decref(w);
	json_decref(norm);
	json_decref(v);
	assert_true(same);
}

/* Validates v (a reference the function takes), which must fail with code;
 * returns nothing but checks the message when want_msg is not NULL. */
static void bad_value(const slide_t *s, json_t *v, const char *lang, int code, const char *want_msg)
{
	json_t *norm = (json_t *)1;
	char msg[160] = "";
	int rc = answer_validate(s, v, lang, &norm, msg, sizeof msg);
	assert_int_equal(rc, code);
	assert_null(norm);
	assert_true(msg[0] != '\0');
	if (want_msg)
		assert_string_equal(msg, want_msg);
	json_decref(v);
}

static void bad(const slide_t *s, const char *in, int code)
{
	json_t *v = json_loads(in, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	bad_value(s, v, "nl", code, NULL);
}

static json_t *repeat(const char *unit, int n)
{
	buf_t b = BUF_INIT;
	for (int i = 0; i < n; i++)
		buf_puts(&b, unit);
	json_t *j = json_string(b.data ? b.data : "");
	buf_free(&b);
	return j;
}

static void open_answers(void **state)
{
	(void)state;
	slide_t s = open_slide();
	good(&s, "\"  Meer ontmoeting  \"", "\"Meer ontmoeting\"");
	/* Lines are kept, carriage returns dropped, runs of spaces collapsed. */
	good(&s, "\"Onderwijs.\\r\\n\\r\\n\\r\\nArbeidsmarkt   en  taal\"",
	     "\"Onderwijs.\\n\\nArbeidsmarkt en taal\"");
	/* NFC: a combining accent is composed. */
	good(&s, "\"Cafe\\u0301\"", "\"Caf\\u00e9\"");
	bad(&s, "\"   \\n  \"", ANSWER_EINVAL);
	bad(&s, "\"\"", ANSWER_EINVAL);
	bad(&s, "42", ANSWER_EINVAL);
	bad(&s, "[\"tekst\"]", ANSWER_EINVAL);
	bad(&s, "{\"text\":\"x\"}", ANSWER_EINVAL);
	bad(&s, "null", ANSWER_EINVAL);
	bad(&s, "true", ANSWER_EINVAL);
	bad_value(&s, NULL, "nl", ANSWER_EINVAL, NULL);
	bad_value(&s, json_string("  "), "nl", ANSWER_EINVAL, "Je antwoord is leeg.");
	bad_value(&s, json_string("  "), "en", ANSWER_EINVAL, "Your answer is empty.");
}

static void open_length_counts_characters(void **state)
{
	(void)state;
	slide_t s = open_slide();
	/* 280 two-byte characters fit; the limit is in code points. */
	json_t *v = repeat("\xC3\xA9", 280), *norm = NULL;
	char msg[160];
	assert_int_equal(answer_validate(&s, v, "nl", &norm, msg, sizeof msg), 0);
	json_decref(norm);
	json_decref(v);
	/* Spaces trimmed at the ends do not count. */
	json_t *padded = repeat("a", 280);
	buf_t b = BUF_INIT;
	buf_printf(&b, "  %s \n ", json_string_value(padded));
	json_decref(padded);
	v = json_string(b.data);
	buf_free(&b);
	assert_int_equal(answer_validate(&s, v, "nl", &norm, msg, sizeof msg), 0);
	json_decref(norm);
	json_decref(v);

	bad_value(&s, repeat("a", 312), "nl", ANSWER_ETOOLONG,
	          "Je antwoord is 312 tekens; het maximum is 280.");
	bad_value(&s, repeat("\xC3\xA9", 312), "en", ANSWER_ETOOLONG,
	          "Your answer is 312 characters; the maximum is 280.");
	/* Any language but nl is English. */
	bad_value(&s, repeat("a", 281), "de", ANSWER_ETOOLONG,
	          "Your answer is 281 characters; the maximum is 280.");
	bad_value(&s, repeat("a", 281), NULL, ANSWER_ETOOLONG,
	          "Your answer is 281 characters; the maximum is 280.");
}

static void open_rejects_bad_text(void **state)
{
	(void)state;
	slide_t s = open_slide();
	/* Invalid UTF-8 can only be made past jansson's own checks. */
	bad_value(&s, json_stringn_nocheck("ab\xFF", 3), "nl", ANSWER_EINVAL,
	          "Je antwoord bevat tekens die niet zijn toegestaan.");
	bad_value(&s, json_stringn_nocheck("\xC0\xAF", 2), "en", ANSWER_EINVAL,
	          "Your answer contains characters that are not allowed.");
	bad_value(&s, json_stringn("a\0b", 3), "nl", ANSWER_EINVAL, NULL);
	bad_value(&s, json_string("bel\x07"), "nl", ANSWER_EINVAL, NULL);
	bad_value(&s, json_string("esc\x1b[31m"), "nl", ANSWER_EINVAL, NULL);
}

/* Issue 11: invisible-only answers are refused with a clear message, for
 * every kind of text; a bidi override is dropped from what is stored. */
static void refuses_invisible_answers(void **state)
{
	(void)state;
	slide_t o = open_slide(), c = cloud_slide(), q = qa_slide();
	bad_value(&o, json_string("\xE2\x80\x8B\xE2\x80\x8B"), "nl", ANSWER_EINVAL,
	          "Je antwoord bevat geen zichtbare tekens.");
	bad_value(&o, json_string("\xE2\x80\x8D \xC2\xAD"), "en", ANSWER_EINVAL,
	          "Your answer has no visible characters.");
	bad_value(&q, json_string("\xE3\x85\xA4"), "nl", ANSWER_EINVAL, NULL);
	bad(&c, "[\"\u200b\"]", ANSWER_EINVAL);
	good(&o, "\"bestand\u202egnp.exe\"", "\"bestandgnp.exe\"");
	good(&o, "\"\u200bja\"", "\"\u200bja\"");
}

static void cloud_entries(void **state)
{
	(void)state;
	slide_t s = cloud_slide();
	good(&s, "\" Fiets \"", "[\"Fiets\"]");
	good(&s, "[\"Fiets\", \"groen\"]", "[\"Fiets\", \"groen\"]");
	/* One line each; duplicates after folding go, the first form stays. */
	good(&s, "[\"Samen\\nleven\", \"FIETS\", \"fiets\", \" Fi\\u0301ets\"]",
	     "[\"Samen leven\", \"FIETS\"]");
	/* Blank entries (an empty form field) are dropped. */
	good(&s, "[\"\", \"groen\", \"   \", \"\"]", "[\"groen\"]");
	/* Duplicates do not count against the limit of three. */
	good(&s, "[\"a\", \"A\", \"b\", \"B\", \"c\"]", "[\"a\", \"b\", \"c\"]");
	bad(&s, "[\"a\", \"b\", \"c\", \"d\"]", ANSWER_EINVAL);
	bad(&s, "[]", ANSWER_EINVAL);
	bad(&s, "[\"\", \" \"]", ANSWER_EINVAL);
	bad(&s, "\"\"", ANSWER_EINVAL);
	bad(&s, "[\"a\", 3]", ANSWER_EINVAL);
	bad(&s, "[[\"a\"]]", ANSWER_EINVAL);
	bad(&s, "7", ANSWER_EINVAL);
	bad(&s, "{\"a\":1}", ANSWER_EINVAL);
	json_t *many = json_array();
	for (int i = 0; i < 65; i++)
		json_array_append_new(many, json_string(""));
	bad_value(&s, many, "nl", ANSWER_EINVAL, NULL);
	json_t *v = json_array();
	json_array_append_new(v, json_string("ok"));
	json_array_append_new(v, repeat("w", 31));
	bad_value(&s, v, "nl", ANSWER_ETOOLONG, "Je woord is 31 tekens; het maximum is 30.");
	bad_value(&s, json_pack("[s, s, s, s]", "a", "b", "c", "d"), "en", ANSWER_EINVAL,
	          "You gave more than 3 words; the maximum is 3.");
	bad_value(&s, json_pack("[s]", "\x01"), "en", ANSWER_EINVAL, NULL);
}

static void choice_indexes(void **state)
{
	(void)state;
	slide_t one = choice_slide(false), many = choice_slide(true);
	good(&one, "1", "[1]");
	good(&one, "[2]", "[2]");
	good(&many, "[2, 0]", "[0, 2]");
	good(&many, "[0, 1, 2]", "[0, 1, 2]");
	good(&many, "1", "[1]");
	bad(&one, "[0, 2]", ANSWER_EINVAL);
	bad(&one, "[]", ANSWER_EINVAL);
	bad(&many, "[]", ANSWER_EINVAL);
	bad(&one, "3", ANSWER_EINVAL);
	bad(&one, "-1", ANSWER_EINVAL);
	bad(&many, "[0, 3]", ANSWER_EINVAL);
	bad(&many, "[1, 1]", ANSWER_EINVAL);
	bad(&one, "1.0", ANSWER_EINVAL);
	bad(&many, "[0, 1.0]", ANSWER_EINVAL);
	bad(&one, "true", ANSWER_EINVAL);
	bad(&one, "\"1\"", ANSWER_EINVAL);
	bad(&one, "null", ANSWER_EINVAL);
	bad(&one, "9223372036854775807", ANSWER_EINVAL);
	json_t *big = json_array();
	for (int i = 0; i < 25; i++)
		json_array_append_new(big, json_integer(0));
	bad_value(&many, big, "nl", ANSWER_EINVAL, NULL);
	bad_value(&one, json_pack("[i, i]", 0, 1), "nl", ANSWER_EINVAL,
	          "Kies precies één antwoord.");
	bad_value(&one, json_pack("[i, i]", 0, 1), "en", ANSWER_EINVAL,
	          "Choose exactly one answer.");
}

static void scale_ratings(void **state)
{
	(void)state;
	slide_t s = scale_slide();
	good(&s, "[1, 5]", "[1, 5]");
	good(&s, "[3, 3]", "[3, 3]");
	bad(&s, "[0, 5]", ANSWER_EINVAL);
	bad(&s, "[1, 6]", ANSWER_EINVAL);
	bad(&s, "[1]", ANSWER_EINVAL);
	bad(&s, "[1, 2, 3]", ANSWER_EINVAL);
	bad(&s, "[1, 2.5]", ANSWER_EINVAL);
	bad(&s, "[1, 2.0]", ANSWER_EINVAL);
	bad(&s, "[1, true]", ANSWER_EINVAL);
	bad(&s, "3", ANSWER_EINVAL);
	bad(&s, "{\"0\": 3}", ANSWER_EINVAL);
	bad_value(&s, json_pack("[i, i]", 1, 9), "nl", ANSWER_EINVAL,
	          "Een score loopt van 1 tot 5.");
}

static void rank_permutations(void **state)
{
	(void)state;
	slide_t s = rank_slide();
	good(&s, "[2, 0, 1]", "[2, 0, 1]");
	good(&s, "[0, 1, 2]", "[0, 1, 2]");
	bad(&s, "[0, 0, 1]", ANSWER_EINVAL);
	bad(&s, "[0, 1]", ANSWER_EINVAL);
	bad(&s, "[0, 1, 2, 0]", ANSWER_EINVAL);
	bad(&s, "[0, 1, 3]", ANSWER_EINVAL);
	bad(&s, "[-1, 0, 1]", ANSWER_EINVAL);
	bad(&s, "[0, 1, 2.0]", ANSWER_EINVAL);
	bad(&s, "1", ANSWER_EINVAL);
	bad_value(&s, json_pack("[i, i]", 0, 1), "en", ANSWER_EINVAL,
	          "Put all 3 options in an order.");
}

static void qa_asks_and_upvotes(void **state)
{
	(void)state;
	slide_t s = qa_slide();
	good(&s, "\" Wanneer begint het? \"", "{\"ask\": \"Wanneer begint het?\"}");
	good(&s, "{\"ask\": \"Hoe verder?\"}", "{\"ask\": \"Hoe verder?\"}");
	good(&s, "{\"upvote\": 881}", "{\"upvote\": 881}");
	bad(&s, "{\"upvote\": 0}", ANSWER_EINVAL);
	bad(&s, "{\"upvote\": -4}", ANSWER_EINVAL);
	bad(&s, "{\"upvote\": 1.5}", ANSWER_EINVAL);
	bad(&s, "{\"upvote\": \"881\"}", ANSWER_EINVAL);
	bad(&s, "{\"upvote\": true}", ANSWER_EINVAL);
	bad(&s, "{\"upvote\": 1, \"ask\": \"x\"}", ANSWER_EINVAL);
	bad(&s, "{\"ask\": \"x\", \"extra\": 1}", ANSWER_EINVAL);
	bad(&s, "{\"ask\": 5}", ANSWER_EINVAL);
	bad(&s, "{}", ANSWER_EINVAL);
	bad(&s, "\"  \"", ANSWER_EINVAL);
	bad(&s, "{\"ask\": \"\"}", ANSWER_EINVAL);
	bad(&s, "[\"x\"]", ANSWER_EINVAL);
	bad(&s, "3", ANSWER_EINVAL);
	bad_value(&s, json_pack("{s:o}", "ask", repeat("?", 101)), "nl", ANSWER_ETOOLONG,
	          "Je antwoord is 101 tekens; het maximum is 100.");
	bad_value(&s, json_stringn_nocheck("\xFE", 1), "nl", ANSWER_EINVAL, NULL);
}

static void content_slides_take_nothing(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_CONTENT, .title = ""};
	bad_value(&s, json_string("hallo"), "nl", ANSWER_EINVAL, "Deze dia heeft geen vraag.");
	bad_value(&s, json_integer(0), "en", ANSWER_EINVAL, "This slide has no question.");
}

static void messages_fit_small_buffers(void **state)
{
	(void)state;
	slide_t s = open_slide();
	json_t *v = repeat("a", 400), *norm = NULL;
	char msg[8];
	assert_int_equal(answer_validate(&s, v, "nl", &norm, msg, sizeof msg), ANSWER_ETOOLONG);
	assert_string_equal(msg, "Je antw");
	assert_int_equal(answer_validate(&s, v, "nl", &norm, NULL, 0), ANSWER_ETOOLONG);
	json_decref(v);
}

static void text_is(const slide_t *s, const char *norm, const char *want)
{
	json_t *v = json_loads(norm, JSON_DECODE_ANY, NULL);
	assert_non_null(v);
	char *got = answer_text(s, v);
	assert_string_equal(got, want);
	free(got);
	json_decref(v);
}

/* Answers as a reader sees them: on the page of a self-paced session and in
 * the report's CSV and XLSX. */
static void text_for_readers(void **state)
{
	(void)state;
	slide_t o = open_slide(), c = cloud_slide(), k = choice_slide(true), sc = scale_slide(),
	        r = rank_slide(), q = qa_slide();
	text_is(&o, "\"Meer groen\\nin de wijk\"", "Meer groen\nin de wijk");
	text_is(&c, "[\"groen\", \"rustig\"]", "groen; rustig");
	text_is(&k, "[0, 2]", "Fiets; Lopend");
	text_is(&k, "[7]", "?");
	text_is(&r, "[2, 0, 1]", "1. Lopend; 2. Fiets; 3. Bus");
	text_is(&q, "{\"ask\": \"Waarom?\"}", "Waarom?");
	text_is(&q, "{\"upvote\": 12}", "+1 #12");
	text_is(&sc, "[4, 2]", "Fiets: 4; Bus: 2");
	text_is(&o, "[1]", "");
}

static void counts_units(void **state)
{
	(void)state;
	slide_t cloud = cloud_slide(), qa = qa_slide(), open = open_slide(),
	        many = choice_slide(true);
	json_t *n = json_pack("[s, s]", "a", "b");
	assert_int_equal(answer_units(&cloud, n), 2);
	json_decref(n);
	n = json_pack("{s:i}", "upvote", 3);
	assert_int_equal(answer_units(&qa, n), 0);
	json_decref(n);
	n = json_pack("{s:s}", "ask", "x");
	assert_int_equal(answer_units(&qa, n), 1);
	json_decref(n);
	n = json_string("x");
	assert_int_equal(answer_units(&open, n), 1);
	json_decref(n);
	n = json_pack("[i, i]", 0, 1);
	assert_int_equal(answer_units(&many, n), 1);
	json_decref(n);
}

/* The short way reads the usual bodies exactly as the full parser would,
 * and declines everything else (the caller then parses in full). */
static void envelope_short_way(void **state)
{
	(void)state;
	static const char *const taken[] = {
	    "{\"id\":\"k3J9x-2a_b\",\"slide\":12,\"value\":[0,2]}",
	    " {\"slide\": -3 , \"id\" : \"abcdefgh\",\n\t\"value\" : \"tekst met \\\"quote\\\" en "
	    "é\" }\r\n",
	    "{\"id\":\"abcdefgh\",\"slide\":0,\"value\":{\"ask\":\"Waarom?\"}}",
	    "{\"id\":\"\",\"slide\":123456789012345678,\"value\":null}",
	};
	for (size_t i = 0; i < sizeof taken / sizeof *taken; i++) {
		answer_envelope_t env;
		assert_int_equal(answer_envelope(taken[i], strlen(taken[i]), &env), 0);
		json_t *full = json_loads(taken[i], 0, NULL);
		assert_non_null(full);
		assert_string_equal(env.id, json_string_value(json_object_get(full, "id")));
		assert_int_equal(env.slide, json_integer_value(json_object_get(full, "slide")));
		assert_true(json_equal(env.value, json_object_get(full, "value")));
		json_decref(env.value);
		json_decref(full);
	}
	static const char *const declined[] = {
	    "",
	    "[1]",
	    "{\"value\":1,\"id\":\"abcdefgh\",\"slide\":1}",              /* value not last */
	    "{\"id\":\"abcdefgh\",\"value\":1}",                          /* no slide */
	    "{\"id\":\"abc\\u0064efgh\",\"slide\":1,\"value\":1}",        /* an escape */
	    "{\"id\":\"abc defgh\",\"slide\":1,\"value\":1}",             /* a space in the id */
	    "{\"id\":\"abcdefgh\",\"id\":\"x\",\"slide\":1,\"value\":1}", /* twice */
	    "{\"id\":\"abcdefgh\",\"slide\":1,\"extra\":0,\"value\":1}",
	    "{\"id\":\"abcdefgh\",\"slide\":1.0,\"value\":1}",
	    "{\"id\":\"abcdefgh\",\"slide\":1e3,\"value\":1}",
	    "{\"id\":\"abcdefgh\",\"slide\":012,\"value\":1}",
	    "{\"id\":\"abcdefgh\",\"slide\":1234567890123456789,\"value\":1}",
	    "{\"id\":\"abcdefgh\",\"slide\":\"1\",\"value\":1}",
	    "{\"id\":\"abcdefgh\",\"slide\":1,\"value\":1,\"value\":2}",
	    "{\"id\":\"abcdefgh\",\"slide\":1,\"value\":}",
	    "{\"id\":\"abcdefgh\",\"slide\":1,\"value\":[1]",
	    "{\"id\":\"abcdefgh\",\"slide\":1,\"value\":\"a}",
	    "{\"id\":\"abcdefgh\",\"slide\":1,\"value\":1}}",
	    "{\"id\":\"abcdefgh\",\"slide\":1,\"value\":\"\xff\"}", /* bad UTF-8 */
	};
	for (size_t i = 0; i < sizeof declined / sizeof *declined; i++) {
		answer_envelope_t env = {0};
		assert_int_equal(answer_envelope(declined[i], strlen(declined[i]), &env),
		                 UV_EINVAL);
		assert_null(env.value);
	}
	/* an id of 65 characters is left to the full path's message */
	char longid[128];
	snprintf(longid, sizeof longid, "{\"id\":\"%065d\",\"slide\":1,\"value\":1}", 7);
	answer_envelope_t env = {0};
	assert_int_equal(answer_envelope(longid, strlen(longid), &env), UV_EINVAL);
}

/* The store's text of a normal form is what json_dumps writes, byte for
 * byte, also for text that needs escapes. */
static void norm_text_as_jansson_writes_it(void **state)
{
	(void)state;
	static const char *const values[] = {
	    "\"gewoon\"",
	    "[0,2]",
	    "[]",
	    "{\"ask\":\"Waarom \\\"zo\\\"?\"}",
	    "{\"upvote\":881}",
	    "\"tab\\there\\nnieuwe regel \\u0001 \\u001f\"",
	    "[\"é\",\"\xe2\x80\xa8\",\"\x7f\",\"😀\"]",
	    "\"\\\\ en /\"",
	    "-12",
	    "[1,\"a\"]",
	    "{\"a\":[1]}",
	    "1.5",
	    "null",
	    "[true]",
	};
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		json_t *v = json_loads(values[i], JSON_DECODE_ANY, NULL);
		assert_non_null(v);
		char *mine = answer_norm_text(v),
		     *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		assert_string_equal(mine, theirs);
		free(mine);
		free(theirs);
		json_decref(v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(open_answers),
	    cmocka_unit_test(open_length_counts_characters),
	    cmocka_unit_test(open_rejects_bad_text),
	    cmocka_unit_test(refuses_invisible_answers),
	    cmocka_unit_test(cloud_entries),
	    cmocka_unit_test(choice_indexes),
	    cmocka_unit_test(scale_ratings),
	    cmocka_unit_test(rank_permutations),
	    cmocka_unit_test(qa_asks_and_upvotes),
	    cmocka_unit_test(text_for_readers),
	    cmocka_unit_test(content_slides_take_nothing),
	    cmocka_unit_test(messages_fit_small_buffers),
	    cmocka_unit_test(counts_units),
	    cmocka_unit_test(envelope_short_way),
	    cmocka_unit_test(norm_text_as_jansson_writes_it),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
