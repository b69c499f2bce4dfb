/*
 * Unit tests for src/model/tally.c: per question type the counts and
 * respondents, allowances with reservations and releases, hiding and
 * showing, the Q&A upvote rules, the rebuild path, and that the JSON is the
 * same whatever order the answers arrive in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/tally.h"

static char *options[] = {"Onderwijs", "Ontmoeting", "Werk", "Wonen"};

static json_t *val(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);
	if (!v)
		fail_msg("bad test JSON %s: %s", text, e.text);
	return v;
}

/* A stored answer on the rebuild path (no reservation). */
static void add(tally_t *t, int64_t id, uint64_t p, const char *norm, int64_t at, bool hidden)
{
	json_t *v = val(norm);
	tally_add(t, id, p, v, at, hidden, false, false);
	json_decref(v);
}

/* An answer on the live path: reserve, then add; returns the reserve code. */
static int submit(tally_t *t, int64_t id, uint64_t p, const char *norm, int64_t at)
{
	json_t *v = val(norm);
	int rc = tally_reserve(t, p, v);
	if (rc == 0)
		tally_add(t, id, p, v, at, false, false, true);
	json_decref(v);
	return rc;
}

static int reserve(tally_t *t, uint64_t p, const char *norm)
{
	json_t *v = val(norm);
	int rc = tally_reserve(t, p, v);
	json_decref(v);
	return rc;
}

static void release(tally_t *t, uint64_t p, const char *norm)
{
	json_t *v = val(norm);
	tally_release(t, p, v);
	json_decref(v);
}

/* The tally's JSON must equal want (JSON text). */
static void expect_json(const tally_t *t, bool with_hidden, const char *want)
{
	json_t *got = tally_json(t, with_hidden), *w = val(want);
	bool same = json_equal(got, w);
	if (!same) {
		char *g = json_dumps(got, JSON_COMPACT);
		print_error("got  %s\nwant %s\n", g, want);
		free(g);
	}
	json_decref(got);
	json_decref(w);
	assert_true(same);
}

static char *dump(const tally_t *t, bool with_hidden)
{
	json_t *j = tally_json(t, with_hidden);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static void open_counts_and_lists_newest_first(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_OPEN, .title = "O", .max_length = 280, .max_answers = 2};
	tally_t *t = tally_new(&s);
	expect_json(
	    t, false,
	    "{\"kind\":\"open\",\"respondents\":0,\"answers\":0,\"hidden\":0,\"items\":[]}");
	assert_int_equal(submit(t, 10, 1, "\"Ontmoeten in de wijk\"", 1000), 0);
	assert_int_equal(submit(t, 11, 2, "\"Onderwijs\"", 3000), 0);
	assert_int_equal(submit(t, 12, 1, "\"Gesprekken blijven voeren\"", 2000), 0);
	/* Same time: the higher id is newer. */
	assert_int_equal(submit(t, 13, 3, "\"Rolmodellen\"", 3000), 0);
	assert_int_equal(tally_respondents(t), 3);
	assert_int_equal(tally_answers(t), 4);
	expect_json(t, false,
	            "{\"kind\":\"open\",\"respondents\":3,\"answers\":4,\"hidden\":0,\"items\":["
	            "{\"id\":13,\"text\":\"Rolmodellen\",\"at\":3000},"
	            "{\"id\":11,\"text\":\"Onderwijs\",\"at\":3000},"
	            "{\"id\":12,\"text\":\"Gesprekken blijven voeren\",\"at\":2000},"
	            "{\"id\":10,\"text\":\"Ontmoeten in de wijk\",\"at\":1000}]}");
	/* Hiding takes the answer out of the counts, not out of the allowance. */
	assert_int_equal(tally_set_hidden(t, 11, true), 0);
	assert_int_equal(tally_respondents(t), 2);
	assert_int_equal(tally_answers(t), 3);
	assert_int_equal(reserve(t, 2, "\"nog een\""), 0);
	assert_int_equal(reserve(t, 2, "\"en nog een\""), TALLY_ELIMIT);
	release(t, 2, "\"nog een\"");
	expect_json(t, true,
	            "{\"kind\":\"open\",\"respondents\":2,\"answers\":3,\"hidden\":1,\"items\":["
	            "{\"id\":13,\"text\":\"Rolmodellen\",\"at\":3000},"
	            "{\"id\":11,\"text\":\"Onderwijs\",\"at\":3000,\"hidden\":true},"
	            "{\"id\":12,\"text\":\"Gesprekken blijven voeren\",\"at\":2000},"
	            "{\"id\":10,\"text\":\"Ontmoeten in de wijk\",\"at\":1000}]}");
	assert_int_equal(tally_set_hidden(t, 11, false), 0);
	assert_int_equal(tally_respondents(t), 3);
	assert_int_equal(tally_set_hidden(t, 99, true), UV_ENOENT);
	assert_true(tally_has(t, 12));
	assert_false(tally_has(t, 99));
	tally_free(t);
}

/* What a participant has used is what the phone's page and the form
 * without JavaScript read to know the question is answered. */
static void used_counts_answers_entries_and_votes(void **state)
{
	(void)state;
	slide_t o = {.kind = SLIDE_OPEN, .title = "O", .max_length = 280, .max_answers = 3};
	tally_t *t = tally_new(&o);
	assert_int_equal(tally_used(t, 5), 0);
	assert_int_equal(reserve(t, 5, "\"in flight\""), 0);
	assert_int_equal(tally_used(t, 5), 1);
	assert_int_equal(submit(t, 1, 5, "\"stored\"", 1000), 0);
	assert_int_equal(tally_set_hidden(t, 1, true), 0);
	assert_int_equal(tally_used(t, 5), 2); /* hidden still counts */
	assert_int_equal(tally_used(t, 6), 0);
	tally_free(t);

	slide_t c = {.kind = SLIDE_CLOUD, .title = "C", .max_length = 30, .max_answers = 5};
	t = tally_new(&c);
	assert_int_equal(submit(t, 2, 5, "[\"fiets\", \"bus\"]", 1000), 0);
	assert_int_equal(tally_used(t, 5), 2);
	tally_free(t);

	slide_t q = {.kind = SLIDE_QA, .title = "Q", .max_length = 280, .max_answers = 5};
	t = tally_new(&q);
	assert_int_equal(submit(t, 3, 5, "{\"ask\": \"waarom?\"}", 1000), 0);
	assert_int_equal(submit(t, 4, 6, "{\"upvote\": 3}", 1000), 0);
	assert_int_equal(tally_used(t, 5), 1);
	assert_int_equal(tally_used(t, 6), 0); /* an upvote is no answer */
	tally_free(t);

	slide_t ch = {.kind = SLIDE_CHOICE, .title = "K", .items = options, .n_items = 3};
	t = tally_new(&ch);
	assert_int_equal(submit(t, 5, 5, "[1]", 1000), 0);
	assert_int_equal(tally_used(t, 5), 1);
	tally_free(t);
}

/* A participant sees their own answers, held ones marked, and nobody
 * else's. */
static void mine_lists_own_answers_only(void **state)
{
	(void)state;
	slide_t q = {.kind = SLIDE_QA, .title = "Q", .max_length = 280, .max_answers = 5};
	tally_t *t = tally_new(&q);
	assert_int_equal(submit(t, 1, 5, "{\"ask\": \"mijn vraag\"}", 1000), 0);
	assert_int_equal(submit(t, 2, 6, "{\"ask\": \"andere vraag\"}", 1000), 0);
	assert_int_equal(submit(t, 3, 5, "{\"upvote\": 2}", 1000), 0);
	add(t, 4, 5, "{\"ask\": \"tegengehouden\"}", 2000, true);
	json_t *got = tally_mine(t, 5);
	json_t *want =
	    val("[{\"id\": 1, \"value\": {\"ask\": \"mijn vraag\"}},"
	        " {\"id\": 3, \"value\": {\"upvote\": 2}},"
	        " {\"id\": 4, \"value\": {\"ask\": \"tegengehouden\"}, \"held\": true}]");
	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
	got = tally_mine(t, 7);
	assert_int_equal(json_array_size(got), 0);
	json_decref(got);
	tally_free(t);
}

static void open_allowance_counts_reservations(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_OPEN, .title = "O", .max_length = 280, .max_answers = 2};
	tally_t *t = tally_new(&s);
	/* Two answers in flight use the allowance before either is stored. */
	assert_int_equal(reserve(t, 7, "\"a\""), 0);
	assert_int_equal(reserve(t, 7, "\"b\""), 0);
	assert_int_equal(reserve(t, 7, "\"c\""), TALLY_ELIMIT);
	assert_int_equal(reserve(t, 8, "\"c\""), 0); /* someone else */
	/* The store failed for one: its reservation is given back. */
	release(t, 7, "\"b\"");
	assert_int_equal(reserve(t, 7, "\"c\""), 0);
	assert_int_equal(tally_answers(t), 0);
	/* Participant 0 and its map_key() twin are one participant. */
	assert_int_equal(reserve(t, 0, "\"x\""), 0);
	assert_int_equal(reserve(t, 1, "\"y\""), 0);
	assert_int_equal(reserve(t, 0, "\"z\""), TALLY_ELIMIT);
	tally_free(t);
}

static void rebuild_charges_without_checks(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_OPEN, .title = "O", .max_length = 280, .max_answers = 1};
	tally_t *t = tally_new(&s);
	/* Read back from the store: counted and charged, hidden or not. */
	add(t, 1, 5, "\"eerste\"", 100, true);
	add(t, 2, 5, "\"tweede\"", 200, false);
	assert_int_equal(tally_answers(t), 1);
	assert_int_equal(reserve(t, 5, "\"derde\""), TALLY_ELIMIT);
	/* The same id twice counts once. */
	add(t, 2, 5, "\"tweede\"", 200, false);
	assert_int_equal(tally_answers(t), 1);
	/* A value that is not the normal form is left out. */
	add(t, 3, 6, "42", 300, false);
	assert_false(tally_has(t, 3));
	assert_int_equal(tally_answers(t), 1);
	tally_free(t);
}

static void cloud_folds_words(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_CLOUD, .title = "C", .max_length = 30, .max_answers = 3};
	tally_t *t = tally_new(&s);
	assert_int_equal(submit(t, 20, 1, "[\"Caf\\u00e9\", \"verbinding\"]", 1), 0);
	assert_int_equal(submit(t, 21, 2, "[\"cafe\", \"Verbinding\", \"respect\"]", 2), 0);
	assert_int_equal(submit(t, 22, 3, "[\"CAF\\u00c9\"]", 3), 0);
	assert_int_equal(submit(t, 23, 4, "[\"Cafe\\u0301\", \"Ｒｅｓｐｅｃｔ\"]", 4), 0);
	assert_int_equal(submit(t, 24, 5, "[\"aandacht\"]", 5), 0);
	expect_json(t, false,
	            "{\"kind\":\"cloud\",\"respondents\":5,\"answers\":5,\"hidden\":0,\"words\":["
	            "{\"text\":\"Caf\\u00e9\",\"count\":4},"
	            "{\"text\":\"respect\",\"count\":2},"
	            "{\"text\":\"verbinding\",\"count\":2},"
	            "{\"text\":\"aandacht\",\"count\":1}],\"entries\":9}");
	/* Hiding removes its entries; a word at zero disappears. */
	assert_int_equal(tally_set_hidden(t, 24, true), 0);
	assert_int_equal(tally_set_hidden(t, 20, true), 0);
	expect_json(t, false,
	            "{\"kind\":\"cloud\",\"respondents\":3,\"answers\":3,\"hidden\":2,\"words\":["
	            "{\"text\":\"Caf\\u00e9\",\"count\":3},"
	            "{\"text\":\"respect\",\"count\":2},"
	            "{\"text\":\"verbinding\",\"count\":1}],\"entries\":6}");
	tally_free(t);
}

static void cloud_limits_entries(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_CLOUD, .title = "C", .max_length = 30, .max_answers = 3};
	tally_t *t = tally_new(&s);
	assert_int_equal(submit(t, 1, 9, "[\"a\", \"b\"]", 1), 0);
	assert_int_equal(reserve(t, 9, "[\"c\", \"d\"]"), TALLY_ELIMIT);
	assert_int_equal(reserve(t, 9, "[\"c\"]"), 0);
	assert_int_equal(reserve(t, 9, "[\"d\"]"), TALLY_ELIMIT);
	release(t, 9, "[\"c\"]");
	assert_int_equal(submit(t, 2, 9, "[\"d\"]", 2), 0);
	/* Hidden entries still use the allowance. */
	assert_int_equal(tally_set_hidden(t, 1, true), 0);
	assert_int_equal(reserve(t, 9, "[\"e\"]"), TALLY_ELIMIT);
	tally_free(t);
}

static void choice_counts_and_percentages(void **state)
{
	(void)state;
	slide_t one = {.kind = SLIDE_CHOICE, .title = "K", .items = options, .n_items = 3};
	tally_t *t = tally_new(&one);
	assert_int_equal(submit(t, 1, 1, "[0]", 1), 0);
	assert_int_equal(submit(t, 2, 2, "[1]", 2), 0);
	assert_int_equal(submit(t, 3, 3, "[1]", 3), 0);
	assert_int_equal(reserve(t, 3, "[2]"), TALLY_EVOTED);
	expect_json(
	    t, false,
	    "{\"kind\":\"choice\",\"respondents\":3,\"answers\":3,\"hidden\":0,\"options\":["
	    "{\"label\":\"Onderwijs\",\"count\":1,\"percent\":33},"
	    "{\"label\":\"Ontmoeting\",\"count\":2,\"percent\":67},"
	    "{\"label\":\"Werk\",\"count\":0,\"percent\":0}]}");
	/* Hidden: out of the counts, but no second vote. */
	assert_int_equal(tally_set_hidden(t, 2, true), 0);
	assert_int_equal(reserve(t, 2, "[2]"), TALLY_EVOTED);
	expect_json(
	    t, false,
	    "{\"kind\":\"choice\",\"respondents\":2,\"answers\":2,\"hidden\":1,\"options\":["
	    "{\"label\":\"Onderwijs\",\"count\":1,\"percent\":50},"
	    "{\"label\":\"Ontmoeting\",\"count\":1,\"percent\":50},"
	    "{\"label\":\"Werk\",\"count\":0,\"percent\":0}]}");
	/* A released reservation lets the participant vote after all. */
	assert_int_equal(reserve(t, 4, "[2]"), 0);
	assert_int_equal(reserve(t, 4, "[2]"), TALLY_EVOTED);
	release(t, 4, "[2]");
	assert_int_equal(reserve(t, 4, "[0]"), 0);
	/* Out-of-range values from the store are left out. */
	add(t, 5, 5, "[3]", 5, false);
	add(t, 6, 6, "[0, 1]", 6, false);
	add(t, 7, 7, "[1.0]", 7, false);
	assert_int_equal(tally_answers(t), 2);
	tally_free(t);

	slide_t many = {
	    .kind = SLIDE_CHOICE, .title = "K", .multiple = true, .items = options, .n_items = 3};
	t = tally_new(&many);
	assert_int_equal(submit(t, 1, 1, "[0, 1, 2]", 1), 0);
	assert_int_equal(submit(t, 2, 2, "[0, 2]", 2), 0);
	assert_int_equal(submit(t, 3, 3, "[0]", 3), 0);
	assert_int_equal(submit(t, 4, 4, "[2]", 4), 0);
	assert_int_equal(submit(t, 5, 5, "[0]", 5), 0);
	assert_int_equal(submit(t, 6, 6, "[0]", 6), 0);
	assert_int_equal(submit(t, 7, 7, "[0]", 7), 0);
	assert_int_equal(submit(t, 8, 8, "[0]", 8), 0);
	/* Percent of respondents: 7/8 = 87.5 rounds to 88; 1/8 = 12.5 to 13. */
	expect_json(
	    t, false,
	    "{\"kind\":\"choice\",\"respondents\":8,\"answers\":8,\"hidden\":0,\"options\":["
	    "{\"label\":\"Onderwijs\",\"count\":7,\"percent\":88},"
	    "{\"label\":\"Ontmoeting\",\"count\":1,\"percent\":13},"
	    "{\"label\":\"Werk\",\"count\":3,\"percent\":38}]}");
	tally_free(t);
}

static void scale_counts_and_means(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_SCALE,
	             .title = "S",
	             .scale_max = 4,
	             .label_low = "Oneens",
	             .label_high = "Eens",
	             .items = options,
	             .n_items = 2};
	tally_t *t = tally_new(&s);
	expect_json(
	    t, false,
	    "{\"kind\":\"scale\",\"respondents\":0,\"answers\":0,\"hidden\":0,\"statements\":["
	    "{\"text\":\"Onderwijs\",\"counts\":[0,0,0,0],\"count\":0,\"mean\":null},"
	    "{\"text\":\"Ontmoeting\",\"counts\":[0,0,0,0],\"count\":0,\"mean\":null}],"
	    "\"scale_max\":4,\"labels\":[\"Oneens\",\"Eens\"]}");
	assert_int_equal(submit(t, 1, 1, "[1, 4]", 1), 0);
	assert_int_equal(submit(t, 2, 2, "[2, 4]", 2), 0);
	assert_int_equal(submit(t, 3, 3, "[2, 3]", 3), 0);
	assert_int_equal(reserve(t, 1, "[1, 1]"), TALLY_EVOTED);
	expect_json(
	    t, false,
	    "{\"kind\":\"scale\",\"respondents\":3,\"answers\":3,\"hidden\":0,\"statements\":["
	    "{\"text\":\"Onderwijs\",\"counts\":[1,2,0,0],\"count\":3,\"mean\":1.67},"
	    "{\"text\":\"Ontmoeting\",\"counts\":[0,0,1,2],\"count\":3,\"mean\":3.67}],"
	    "\"scale_max\":4,\"labels\":[\"Oneens\",\"Eens\"]}");
	assert_int_equal(tally_set_hidden(t, 1, true), 0);
	expect_json(
	    t, false,
	    "{\"kind\":\"scale\",\"respondents\":2,\"answers\":2,\"hidden\":1,\"statements\":["
	    "{\"text\":\"Onderwijs\",\"counts\":[0,2,0,0],\"count\":2,\"mean\":2.0},"
	    "{\"text\":\"Ontmoeting\",\"counts\":[0,0,1,1],\"count\":2,\"mean\":3.5}],"
	    "\"scale_max\":4,\"labels\":[\"Oneens\",\"Eens\"]}");
	add(t, 4, 4, "[0, 2]", 4, false); /* rating 0 is out of range */
	add(t, 5, 5, "[2]", 5, false);    /* too short */
	assert_int_equal(tally_answers(t), 2);
	tally_free(t);
}

static void rank_orders_by_mean_position(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_RANK, .title = "R", .items = options, .n_items = 4};
	tally_t *t = tally_new(&s);
	/* No votes yet: deck order, no means. */
	expect_json(t, false,
	            "{\"kind\":\"rank\",\"respondents\":0,\"answers\":0,\"hidden\":0,\"options\":["
	            "{\"label\":\"Onderwijs\",\"index\":0,\"mean\":null,\"count\":0},"
	            "{\"label\":\"Ontmoeting\",\"index\":1,\"mean\":null,\"count\":0},"
	            "{\"label\":\"Werk\",\"index\":2,\"mean\":null,\"count\":0},"
	            "{\"label\":\"Wonen\",\"index\":3,\"mean\":null,\"count\":0}]}");
	assert_int_equal(submit(t, 1, 1, "[2, 0, 1, 3]", 1), 0);
	assert_int_equal(submit(t, 2, 2, "[0, 2, 3, 1]", 2), 0);
	assert_int_equal(submit(t, 3, 3, "[2, 1, 0, 3]", 3), 0);
	assert_int_equal(reserve(t, 2, "[0, 1, 2, 3]"), TALLY_EVOTED);
	/* Werk: (1+2+1)/3 = 1.33; Onderwijs: (2+1+3)/3 = 2; Ontmoeting:
	 * (3+4+2)/3 = 3; Wonen: (4+3+4)/3 = 3.67. */
	expect_json(t, false,
	            "{\"kind\":\"rank\",\"respondents\":3,\"answers\":3,\"hidden\":0,\"options\":["
	            "{\"label\":\"Werk\",\"index\":2,\"mean\":1.33,\"count\":3},"
	            "{\"label\":\"Onderwijs\",\"index\":0,\"mean\":2.0,\"count\":3},"
	            "{\"label\":\"Ontmoeting\",\"index\":1,\"mean\":3.0,\"count\":3},"
	            "{\"label\":\"Wonen\",\"index\":3,\"mean\":3.67,\"count\":3}]}");
	/* Left: [0, 2, 3, 1] and [1, 0, 3, 2]. Werk and Wonen tie at 3 and
	 * keep deck order. */
	assert_int_equal(tally_set_hidden(t, 3, true), 0);
	assert_int_equal(tally_set_hidden(t, 1, true), 0);
	assert_int_equal(submit(t, 4, 4, "[1, 0, 3, 2]", 4), 0);
	expect_json(t, false,
	            "{\"kind\":\"rank\",\"respondents\":2,\"answers\":2,\"hidden\":2,\"options\":["
	            "{\"label\":\"Onderwijs\",\"index\":0,\"mean\":1.5,\"count\":2},"
	            "{\"label\":\"Ontmoeting\",\"index\":1,\"mean\":2.5,\"count\":2},"
	            "{\"label\":\"Werk\",\"index\":2,\"mean\":3.0,\"count\":2},"
	            "{\"label\":\"Wonen\",\"index\":3,\"mean\":3.0,\"count\":2}]}");
	add(t, 5, 5, "[0, 0, 1, 2]", 5, false); /* not a permutation */
	add(t, 6, 6, "[0, 1, 2]", 6, false);    /* too short */
	assert_int_equal(tally_answers(t), 2);
	tally_free(t);
}

static void qa_upvote_rules(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_QA, .title = "Q", .max_length = 280, .max_answers = 2};
	tally_t *t = tally_new(&s);
	assert_int_equal(submit(t, 100, 1, "{\"ask\":\"Hoe verder?\"}", 1000), 0);
	assert_int_equal(submit(t, 101, 2, "{\"ask\":\"Wie betaalt?\"}", 2000), 0);
	assert_int_equal(submit(t, 102, 1, "{\"ask\":\"Wanneer?\"}", 3000), 0);
	assert_int_equal(reserve(t, 1, "{\"ask\":\"Nog een\"}"), TALLY_ELIMIT);
	/* Upvotes: not your own, only once, only existing visible questions. */
	assert_int_equal(reserve(t, 1, "{\"upvote\":100}"), TALLY_EOWN);
	assert_int_equal(reserve(t, 1, "{\"upvote\":999}"), TALLY_ENOITEM);
	assert_int_equal(submit(t, 103, 2, "{\"upvote\":102}", 4000), 0);
	assert_int_equal(reserve(t, 2, "{\"upvote\":102}"), TALLY_EVOTED);
	assert_int_equal(reserve(t, 3, "{\"upvote\":103}"), TALLY_ENOITEM); /* a vote */
	/* An upvote in flight counts too; released, it may be given again. */
	assert_int_equal(reserve(t, 3, "{\"upvote\":101}"), 0);
	assert_int_equal(reserve(t, 3, "{\"upvote\":101}"), TALLY_EVOTED);
	release(t, 3, "{\"upvote\":101}");
	assert_int_equal(submit(t, 104, 3, "{\"upvote\":101}", 5000), 0);
	assert_int_equal(submit(t, 105, 4, "{\"upvote\":101}", 6000), 0);
	/* Upvotes do not use the allowance for questions. */
	assert_int_equal(reserve(t, 3, "{\"ask\":\"Mijn vraag\"}"), 0);
	release(t, 3, "{\"ask\":\"Mijn vraag\"}");
	assert_int_equal(tally_set_answered(t, 100, true), 0);
	assert_int_equal(tally_set_answered(t, 104, true), UV_ENOENT); /* a vote */
	assert_int_equal(tally_set_answered(t, 999, true), UV_ENOENT);
	/* Most votes first, then the older question. */
	expect_json(
	    t, false,
	    "{\"kind\":\"qa\",\"respondents\":4,\"answers\":6,\"hidden\":0,\"items\":["
	    "{\"id\":101,\"text\":\"Wie betaalt?\",\"at\":2000,\"votes\":2,\"answered\":false},"
	    "{\"id\":102,\"text\":\"Wanneer?\",\"at\":3000,\"votes\":1,\"answered\":false},"
	    "{\"id\":100,\"text\":\"Hoe verder?\",\"at\":1000,\"votes\":0,\"answered\":true}]}");
	/* Hiding a vote removes it; hiding a question removes the item and
	 * makes it impossible to upvote. */
	assert_int_equal(tally_set_hidden(t, 105, true), 0);
	assert_int_equal(tally_set_hidden(t, 102, true), 0);
	assert_int_equal(reserve(t, 3, "{\"upvote\":102}"), TALLY_ENOITEM);
	expect_json(
	    t, false,
	    "{\"kind\":\"qa\",\"respondents\":3,\"answers\":4,\"hidden\":2,\"items\":["
	    "{\"id\":101,\"text\":\"Wie betaalt?\",\"at\":2000,\"votes\":1,\"answered\":false},"
	    "{\"id\":100,\"text\":\"Hoe verder?\",\"at\":1000,\"votes\":0,\"answered\":true}]}");
	expect_json(
	    t, true,
	    "{\"kind\":\"qa\",\"respondents\":3,\"answers\":4,\"hidden\":2,\"items\":["
	    "{\"id\":101,\"text\":\"Wie betaalt?\",\"at\":2000,\"votes\":1,\"answered\":false},"
	    "{\"id\":102,\"text\":\"Wanneer?\",\"at\":3000,\"votes\":1,\"answered\":false,"
	    "\"hidden\":true},"
	    "{\"id\":100,\"text\":\"Hoe verder?\",\"at\":1000,\"votes\":0,\"answered\":true}]}");
	/* Shown again, the question has its vote back. */
	assert_int_equal(tally_set_hidden(t, 102, false), 0);
	assert_int_equal(reserve(t, 2, "{\"upvote\":102}"), TALLY_EVOTED);
	tally_free(t);
}

static void qa_rebuild_charges_votes(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_QA, .title = "Q", .max_length = 280, .max_answers = 5};
	tally_t *t = tally_new(&s);
	/* The vote arrives before its question (any order must do). */
	add(t, 2, 8, "{\"upvote\":1}", 20, false);
	add(t, 1, 7, "{\"ask\":\"Waarom?\"}", 10, false);
	assert_int_equal(reserve(t, 8, "{\"upvote\":1}"), TALLY_EVOTED);
	expect_json(t, false,
	            "{\"kind\":\"qa\",\"respondents\":2,\"answers\":2,\"hidden\":0,\"items\":["
	            "{\"id\":1,\"text\":\"Waarom?\",\"at\":10,\"votes\":1,\"answered\":false}]}");
	add(t, 3, 9, "{\"upvote\":0}", 30, false);
	add(t, 4, 9, "{\"ask\":\"x\",\"upvote\":1}", 40, false);
	assert_int_equal(tally_answers(t), 2);
	tally_free(t);
}

/* A report's tally (issue 16): the same counts, no items, no values kept,
 * and the Q&A questions in the order the items would list them. */
static void counts_only_keeps_counts_not_items(void **state)
{
	(void)state;
	slide_t qs = {.kind = SLIDE_QA, .title = "Q", .max_length = 280, .max_answers = 5};
	tally_t *full = tally_new(&qs), *lean = tally_new(&qs);
	tally_counts_only(lean);
	static const struct {
		int64_t id;
		uint64_t p;
		const char *norm;
		bool hidden;
	} in[] = {
	    {1, 7, "{\"ask\":\"Waarom?\"}", false},  {2, 8, "{\"ask\":\"Wanneer?\"}", false},
	    {3, 9, "{\"upvote\":2}", false},         {4, 7, "{\"upvote\":2}", false},
	    {5, 9, "{\"ask\":\"Verborgen\"}", true}, {6, 8, "{\"upvote\":1}", false},
	    {7, 10, "{\"ask\":\"Later\"}", false},
	};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		add(full, in[i].id, in[i].p, in[i].norm, (int64_t)i * 10, in[i].hidden);
		add(lean, in[i].id, in[i].p, in[i].norm, (int64_t)i * 10, in[i].hidden);
	}
	json_t *a = tally_json(full, false), *b = tally_json(lean, false);
	json_t *items = json_incref(json_object_get(a, "items"));
	json_object_del(a, "items");
	assert_null(json_object_get(b, "items"));
	assert_true(json_equal(a, b));
	tally_question_t *v;
	size_t n = tally_questions(lean, &v);
	assert_int_equal(n, json_array_size(items));
	for (size_t i = 0; i < n; i++) {
		json_t *it = json_array_get(items, i);
		assert_int_equal(v[i].id, json_integer_value(json_object_get(it, "id")));
		assert_int_equal(v[i].votes, json_integer_value(json_object_get(it, "votes")));
		assert_int_equal(v[i].at, json_integer_value(json_object_get(it, "at")));
	}
	assert_int_equal(v[0].id, 2); /* two votes, then the older of one vote each */
	assert_int_equal(v[1].id, 1);
	free(v);
	json_decref(items);
	json_decref(a);
	json_decref(b);
	/* nothing to undo with: hiding is refused and changes nothing */
	assert_int_equal(tally_set_hidden(lean, 1, true), UV_ENOTSUP);
	assert_int_equal(tally_answers(lean), tally_answers(full));
	json_t *mine = tally_mine(lean, 7);
	assert_true(json_is_null(json_object_get(json_array_get(mine, 0), "value")));
	json_decref(mine);
	tally_free(full);
	tally_free(lean);

	/* other kinds keep their counts; they have no questions to list */
	slide_t cs = {.kind = SLIDE_CLOUD, .title = "C", .max_length = 40, .max_answers = 3};
	full = tally_new(&cs);
	lean = tally_new(&cs);
	tally_counts_only(lean);
	add(full, 1, 1, "[\"fiets\",\"bus\"]", 1, false);
	add(lean, 1, 1, "[\"fiets\",\"bus\"]", 1, false);
	add(full, 2, 2, "[\"Fiets\"]", 2, false);
	add(lean, 2, 2, "[\"Fiets\"]", 2, false);
	char *x = dump(full, false), *y = dump(lean, false);
	assert_string_equal(x, y);
	free(x);
	free(y);
	assert_int_equal(tally_questions(lean, &v), 0);
	assert_null(v);
	tally_free(full);
	tally_free(lean);
}

static void version_grows_on_every_change(void **state)
{
	(void)state;
	slide_t s = {.kind = SLIDE_QA, .title = "Q", .max_length = 280, .max_answers = 5};
	tally_t *t = tally_new(&s);
	uint64_t v = tally_version(t);
	assert_int_equal(reserve(t, 1, "{\"ask\":\"a\"}"), 0);
	json_t *n = val("{\"ask\":\"a\"}");
	tally_add(t, 1, 1, n, 1, false, false, true);
	json_decref(n);
	assert_true(tally_version(t) > v);
	v = tally_version(t);
	assert_int_equal(tally_set_hidden(t, 1, true), 0);
	assert_true(tally_version(t) > v);
	v = tally_version(t);
	assert_int_equal(tally_set_hidden(t, 1, false), 0);
	assert_true(tally_version(t) > v);
	v = tally_version(t);
	assert_int_equal(tally_set_answered(t, 1, true), 0);
	assert_true(tally_version(t) > v);
	v = tally_version(t);
	/* No change, no new version: nothing to publish. */
	assert_int_equal(tally_set_answered(t, 1, true), 0);
	assert_int_equal(tally_set_hidden(t, 1, false), 0);
	assert_int_equal(tally_version(t), v);
	tally_free(t);
}

/* The answers of one session, added in two different orders, must give the
 * same bytes: the live tally and the one rebuilt at start agree. */
static void json_is_deterministic(void **state)
{
	(void)state;
	static const struct {
		int64_t id;
		uint64_t p;
		const char *norm;
		int64_t at;
		bool hidden;
	} cloud[] = {
	    {1, 1, "[\"Samen\", \"wonen\"]", 50, false},
	    {2, 2, "[\"samen\"]", 50, true},
	    {3, 3, "[\"SAMEN\", \"Wonen\", \"zorg\"]", 40, false},
	    {4, 4, "[\"Zorg\", \"werk\"]", 60, false},
	    {5, 5, "[\"werk\"]", 70, false},
	};
	slide_t s = {.kind = SLIDE_CLOUD, .title = "C", .max_length = 30, .max_answers = 3};
	tally_t *a = tally_new(&s), *b = tally_new(&s);
	size_t n = sizeof cloud / sizeof *cloud;
	for (size_t i = 0; i < n; i++)
		add(a, cloud[i].id, cloud[i].p, cloud[i].norm, cloud[i].at, cloud[i].hidden);
	for (size_t i = n; i-- > 0;)
		add(b, cloud[i].id, cloud[i].p, cloud[i].norm, cloud[i].at, cloud[i].hidden);
	char *ja = dump(a, true), *jb = dump(b, true);
	assert_string_equal(ja, jb);
	/* Ties in count go alphabetically by folded text. */
	expect_json(a, false,
	            "{\"kind\":\"cloud\",\"respondents\":4,\"answers\":4,\"hidden\":1,\"words\":["
	            "{\"text\":\"Samen\",\"count\":2},{\"text\":\"werk\",\"count\":2},"
	            "{\"text\":\"wonen\",\"count\":2},{\"text\":\"zorg\",\"count\":2}],"
	            "\"entries\":8}");
	free(ja);
	free(jb);
	tally_free(a);
	tally_free(b);

	slide_t o = {.kind = SLIDE_OPEN, .title = "O", .max_length = 280, .max_answers = 1};
	a = tally_new(&o);
	b = tally_new(&o);
	for (int64_t i = 1; i <= 50; i++) {
		char text[32];
		snprintf(text, sizeof text, "\"antwoord %lld\"", (long long)i);
		add(a, i, (uint64_t)i, text, 1000 + (i % 7), i % 5 == 0);
	}
	for (int64_t i = 50; i >= 1; i--) {
		char text[32];
		snprintf(text, sizeof text, "\"antwoord %lld\"", (long long)i);
		add(b, i, (uint64_t)i, text, 1000 + (i % 7), i % 5 == 0);
	}
	ja = dump(a, true);
	jb = dump(b, true);
	assert_string_equal(ja, jb);
	free(ja);
	free(jb);
	tally_free(a);
	tally_free(b);
}

static void adds_many_quickly(void **state)
{
	(void)state;
	/* 200,000 cloud answers from 100,000 participants: counts stay
	 * incremental, so this takes well under a second. */
	slide_t s = {.kind = SLIDE_CLOUD, .title = "C", .max_length = 30, .max_answers = 3};
	tally_t *t = tally_new(&s);
	for (int64_t i = 1; i <= 200000; i++) {
		char norm[64];
		snprintf(norm, sizeof norm, "[\"woord%lld\", \"samen\"]", (long long)(i % 1000));
		json_t *v = val(norm);
		uint64_t p = (uint64_t)(i % 100000) * 0x9E3779B97F4A7C15ull + 1;
		int rc = tally_reserve(t, p, v);
		if (rc == 0)
			tally_add(t, i, p, v, i, false, false, true);
		json_decref(v);
		assert_int_equal(rc, i <= 100000 ? 0 : TALLY_ELIMIT);
	}
	assert_int_equal(tally_answers(t), 100000);
	assert_int_equal(tally_respondents(t), 100000);
	json_t *j = tally_json(t, false);
	json_t *top = json_array_get(json_object_get(j, "words"), 0);
	assert_string_equal(json_string_value(json_object_get(top, "text")), "samen");
	assert_int_equal(json_integer_value(json_object_get(top, "count")), 100000);
	assert_int_equal(json_array_size(json_object_get(j, "words")), 1001);
	json_decref(j);
	tally_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(open_counts_and_lists_newest_first),
	    cmocka_unit_test(open_allowance_counts_reservations),
	    cmocka_unit_test(used_counts_answers_entries_and_votes),
	    cmocka_unit_test(mine_lists_own_answers_only),
	    cmocka_unit_test(rebuild_charges_without_checks),
	    cmocka_unit_test(cloud_folds_words),
	    cmocka_unit_test(cloud_limits_entries),
	    cmocka_unit_test(choice_counts_and_percentages),
	    cmocka_unit_test(scale_counts_and_means),
	    cmocka_unit_test(rank_orders_by_mean_position),
	    cmocka_unit_test(qa_upvote_rules),
	    cmocka_unit_test(qa_rebuild_charges_votes),
	    cmocka_unit_test(counts_only_keeps_counts_not_items),
	    cmocka_unit_test(version_grows_on_every_change),
	    cmocka_unit_test(json_is_deterministic),
	    cmocka_unit_test(adds_many_quickly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
