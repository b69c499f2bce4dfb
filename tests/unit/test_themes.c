/*
 * Unit tests for src/model/themes.c: the same answers give the same themes
 * every time, words that share a stem land in one theme, stop words and
 * the question's own words never name a theme, English works as Dutch
 * does, and answers that fit no theme end up in "other".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/themes.h"

#define N(a) (sizeof(a) / sizeof *(a))

static const char *const DUTCH[] = {
    "Elkaar ontmoeten in de wijk",
    "Meer ontmoetingen tussen oud en jong",
    "Een plek voor ontmoeting",
    "Het onderwijs moet beter",
    "Investeren in onderwijs en scholen",
    "Goed onderwijs voor ieder kind",
    "Met elkaar in gesprek gaan",
    "Gesprekken over vooroordelen",
    "Iets heel anders 🎉",
    "",
    "De wijken moeten levendiger",
    "Ontmoeten, ontmoeten en nog eens ontmoeten",
};

/* The index of the group whose label is label, or -1. */
static int group(const themes_t *t, const char *label)
{
	for (size_t i = 0; i < t->n_groups; i++)
		if (strcmp(t->groups[i].label, label) == 0)
			return (int)i;
	return -1;
}

static bool has(const themes_group_t *g, size_t answer)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->members[i].answer == answer)
			return true;
	return false;
}

static void test_stable(void **state)
{
	(void)state;
	themes_options_t o = {.lang = "nl"};
	themes_t a, b;
	assert_int_equal(themes_build(DUTCH, N(DUTCH), &o, &a), 0);
	assert_int_equal(themes_build(DUTCH, N(DUTCH), &o, &b), 0);
	assert_int_equal(a.n_groups, b.n_groups);
	for (size_t i = 0; i < a.n_groups; i++) {
		assert_string_equal(a.groups[i].label, b.groups[i].label);
		assert_int_equal(a.groups[i].n, b.groups[i].n);
		for (size_t k = 0; k < a.groups[i].n; k++) {
			assert_int_equal(a.groups[i].members[k].answer,
			                 b.groups[i].members[k].answer);
			assert_int_equal(a.groups[i].members[k].at, b.groups[i].members[k].at);
		}
	}
	/* every answer in exactly one group */
	size_t seen[N(DUTCH)] = {0};
	for (size_t i = 0; i < a.n_groups; i++)
		for (size_t k = 0; k < a.groups[i].n; k++)
			seen[a.groups[i].members[k].answer]++;
	for (size_t i = 0; i < N(DUTCH); i++)
		assert_int_equal(seen[i], 1);
	/* largest first, "other" last */
	for (size_t i = 1; i + 1 < a.n_groups; i++)
		assert_true(a.groups[i - 1].n >= a.groups[i].n);
	assert_null(a.groups[a.n_groups - 1].stem);
	themes_clear(&a);
	themes_clear(&b);
}

static void test_shared_stems(void **state)
{
	(void)state;
	themes_options_t o = {.lang = "nl"};
	themes_t t;
	assert_int_equal(themes_build(DUTCH, N(DUTCH), &o, &t), 0);
	int meet = group(&t, "ontmoeten");
	assert_true(meet >= 0);
	const themes_group_t *g = &t.groups[meet];
	assert_int_equal(g->n, 4);
	assert_true(has(g, 0) && has(g, 1) && has(g, 2) && has(g, 11));
	/* the quoted word is where the stem first occurs, as written */
	assert_int_equal(g->members[1].at, strlen("Meer "));
	assert_int_equal(g->members[1].len, strlen("ontmoetingen"));
	int school = group(&t, "onderwijs");
	assert_true(school >= 0);
	assert_int_equal(t.groups[school].n, 3);
	int talk = group(&t, "gesprek");
	assert_true(talk >= 0);
	assert_true(has(&t.groups[talk], 6) && has(&t.groups[talk], 7));
	/* "wijk" and "wijken" share a stem; one of them is already taken */
	int other = group(&t, "Overig");
	assert_true(other >= 0);
	assert_true(has(&t.groups[other], 8) && has(&t.groups[other], 9));
	themes_clear(&t);

	/* three forms alone make one theme, named by the commonest form */
	static const char *const three[] = {"ontmoeten", "Ontmoeting!", "ontmoetingen",
	                                    "ontmoeting"};
	assert_int_equal(themes_build(three, N(three), &o, &t), 0);
	assert_int_equal(t.n_groups, 1);
	assert_string_equal(t.groups[0].label, "ontmoeting");
	assert_int_equal(t.groups[0].n, 4);
	themes_clear(&t);
}

static void test_stopwords(void **state)
{
	(void)state;
	assert_true(themes_is_stopword("nl", "elkaar"));
	assert_true(themes_is_stopword("nl", "Één"));
	assert_true(themes_is_stopword("nl", "mensen"));
	assert_false(themes_is_stopword("nl", "onderwijs"));
	assert_true(themes_is_stopword("en", "Because"));
	assert_false(themes_is_stopword("en", "school"));
	/* answers made only of small words give no theme at all */
	static const char *const small[] = {"met elkaar en voor elkaar", "wij met elkaar",
	                                    "Met elkaar, voor elkaar!", "dat is het"};
	themes_options_t o = {.lang = "nl"};
	themes_t t;
	assert_int_equal(themes_build(small, N(small), &o, &t), 0);
	assert_int_equal(t.n_groups, 1);
	assert_null(t.groups[0].stem);
	assert_string_equal(t.groups[0].label, "Overig");
	assert_int_equal(t.groups[0].n, 4);
	themes_clear(&t);
	/* nor do the words of the question */
	static const char *const echo[] = {"Samenleven in vrede", "samenleven met buren",
	                                   "Vrede en rust", "buren helpen"};
	o.context = "Hoe wil je samenleven?";
	assert_int_equal(themes_build(echo, N(echo), &o, &t), 0);
	for (size_t i = 0; i < t.n_groups; i++)
		assert_string_not_equal(t.groups[i].label, "samenleven");
	assert_true(group(&t, "vrede") >= 0 && group(&t, "buren") >= 0);
	themes_clear(&t);
}

static void test_english(void **state)
{
	(void)state;
	static const char *const en[] = {
	    "Meeting each other in the neighbourhood",
	    "More meetings between groups",
	    "We should meet more often",
	    "Better schools",
	    "Invest in the school system",
	    "Something else entirely",
	};
	themes_options_t o = {.lang = "en", .other_label = "Miscellaneous"};
	themes_t t;
	assert_int_equal(themes_build(en, N(en), &o, &t), 0);
	assert_true(t.n_groups == 3);
	assert_string_equal(t.groups[0].label, "meeting");
	assert_int_equal(t.groups[0].n, 3);
	assert_string_equal(t.groups[0].stem, "meet");
	/* "schools" and "school" once each: the form written first names it */
	assert_string_equal(t.groups[1].label, "schools");
	assert_int_equal(t.groups[1].n, 2);
	assert_string_equal(t.groups[2].label, "Miscellaneous");
	assert_int_equal(t.groups[2].n, 1);
	themes_clear(&t);
}

static void test_edges(void **state)
{
	(void)state;
	themes_t t;
	assert_int_equal(themes_build(NULL, 0, NULL, &t), 0);
	assert_int_equal(t.n_groups, 0);
	themes_clear(&t);
	assert_int_equal(themes_build(NULL, 3, NULL, &t), THEMES_EINVAL);
	/* invalid UTF-8 and NULL texts are "other", never a crash */
	static const char *const odd[] = {"\xff\xfe school", NULL, "school", "schools"};
	assert_int_equal(themes_build(odd, N(odd), NULL, &t), 0);
	assert_int_equal(t.n_groups, 2);
	assert_string_equal(t.groups[0].label, "school");
	assert_int_equal(t.groups[0].n, 2);
	assert_string_equal(t.groups[1].label, "Other");
	themes_clear(&t);
	/* no more themes than asked for */
	static const char *const many[] = {"appel peer", "appel kers",   "peer pruim",
	                                   "kers pruim", "banaan druif", "druif banaan"};
	themes_options_t o = {.lang = "nl", .max_themes = 2};
	assert_int_equal(themes_build(many, N(many), &o, &t), 0);
	assert_int_equal(t.n_groups, 3);
	themes_clear(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stable),    cmocka_unit_test(test_shared_stems),
	    cmocka_unit_test(test_stopwords), cmocka_unit_test(test_english),
	    cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
