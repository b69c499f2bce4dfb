/*
 * Unit tests for src/app/kaart_entry.c and kaart_csv.c: the editor's form
 * becomes a doc with an error key per wrong field at each bound, a doc from
 * an import is checked by the same rules, Dutch stems find each other in
 * both directions, and HSDS's tabular form reads back what it wrote,
 * quotes, commas and line breaks included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/kaart.h"

static json_t *form(const char *body, json_t **errors)
{
	*errors = json_object();
	return kaart_from_form(body, strlen(body), *errors);
}

static const char *err_of(const json_t *errors, const char *field)
{
	return json_string_value(json_object_get(errors, field));
}

static void test_form_good(void **state)
{
	(void)state;
	json_t *errors;
	json_t *doc = form("name=Taalcaf%C3%A9+De+Brug&themes=Taal&themes=Ontmoeting"
	                   "&target_groups=Nieuwkomers%2C+Statushouders%2C+&languages=Nederlands"
	                   "&lat=52.1&lon=5.4&opens_WE=10%3A00&closes_WE=12%3A00"
	                   "&email=info%40debrug.example&phone=033+123+45+67&url=https%3A%2F%2Fx.nl"
	                   "&last_checked=2024-02-29&address_1=Plein+1&city=Amersfoort",
	                   &errors);
	assert_int_equal(json_object_size(errors), 0);
	assert_string_equal(json_string_value(json_object_get(doc, "name")), "Taalcafé De Brug");
	assert_int_equal(json_array_size(json_object_get(doc, "themes")), 2);
	assert_int_equal(json_array_size(json_object_get(doc, "target_groups")), 2);
	assert_true(json_number_value(json_object_get(doc, "latitude")) == 52.1);
	json_t *sc = json_array_get(json_object_get(doc, "schedules"), 0);
	assert_string_equal(json_string_value(json_object_get(sc, "byday")), "WE");
	assert_false(json_is_true(json_object_get(doc, "contact_confirmed")));
	assert_int_equal(kaart_validate(doc, NULL), 0);
	json_decref(doc);
	json_decref(errors);
}

static void test_form_bounds(void **state)
{
	(void)state;
	char body[1024];
	json_t *errors, *doc;
	/* 120 code points of a name pass, 121 do not (é is two bytes) */
	char name[800] = "name=";
	for (int i = 0; i < 120; i++)
		strcat(name, "%C3%A9");
	doc = form(name, &errors);
	assert_null(err_of(errors, "name"));
	json_decref(doc);
	json_decref(errors);
	strcat(name, "x");
	doc = form(name, &errors);
	assert_string_equal(err_of(errors, "name"), "kaart.err_text");
	json_decref(doc);
	json_decref(errors);
	snprintf(body, sizeof body,
	         "name=&url=javascript%%3Aalert(1)&email=a%%40b&phone=12&lat=90.5&lon=-180"
	         "&opens_MO=09%%3A00&closes_MO=09%%3A00&last_checked=2023-02-29&opens_TU=24%%3A00"
	         "&closes_TU=25%%3A00");
	doc = form(body, &errors);
	assert_string_equal(err_of(errors, "name"), "kaart.err_required");
	assert_string_equal(err_of(errors, "url"), "kaart.err_url");
	assert_string_equal(err_of(errors, "email"), "kaart.err_email");
	assert_string_equal(err_of(errors, "phone"), "kaart.err_phone");
	assert_string_equal(err_of(errors, "latitude"), "kaart.err_coord");
	assert_null(err_of(errors, "longitude")); /* -180 is on the edge: good */
	assert_string_equal(err_of(errors, "opens_MO"), "kaart.err_hours");
	assert_string_equal(err_of(errors, "opens_TU"), "kaart.err_hours");
	assert_string_equal(err_of(errors, "last_checked"), "kaart.err_date");
	json_decref(doc);
	json_decref(errors);
	/* a control character in a one-line field */
	doc = form("name=a%01b", &errors);
	assert_string_equal(err_of(errors, "name"), "kaart.err_text");
	json_decref(doc);
	json_decref(errors);
}

static void test_validate(void **state)
{
	(void)state;
	const char *field;
	json_t *doc = json_pack("{s:s, s:[s], s:f}", "name", "X", "themes", "a,b", "latitude", 1.0);
	assert_int_equal(kaart_validate(doc, &field), UV_EINVAL);
	assert_string_equal(field, "themes");
	json_object_set_new(doc, "themes", json_pack("[s]", "Taal"));
	assert_int_equal(kaart_validate(doc, &field), 0);
	json_object_set_new(
	    doc, "schedules",
	    json_pack("[{s:s,s:s,s:s}]", "byday", "XX", "opens_at", "09:00", "closes_at", "10:00"));
	assert_int_equal(kaart_validate(doc, &field), UV_EINVAL);
	assert_string_equal(field, "schedules");
	json_object_del(doc, "schedules");
	json_object_set_new(doc, "longitude", json_real(181));
	assert_int_equal(kaart_validate(doc, &field), UV_EINVAL);
	json_object_set_new(doc, "longitude", json_integer(5));
	json_object_set_new(doc, "name", json_integer(5));
	assert_int_equal(kaart_validate(doc, &field), UV_EINVAL);
	assert_string_equal(field, "name");
	json_decref(doc);
	doc = json_array();
	assert_int_equal(kaart_validate(doc, NULL), UV_EINVAL);
	json_decref(doc);
}

static bool finds(const json_t *doc, const char *q)
{
	char *terms = kaart_terms(doc), *query = kaart_query_terms(q);
	bool hit = kaart_terms_match(terms, query);
	free(terms);
	free(query);
	return hit;
}

static void test_search(void **state)
{
	(void)state;
	json_t *doc = json_pack("{s:s, s:s, s:[s], s:s}", "name", "Taalcafé De Brug", "description",
	                        "Wekelijkse ontmoetingen voor nieuwkomers", "themes", "Taal",
	                        "neighbourhood", "Kruiskamp");
	assert_true(finds(doc, ""));
	assert_true(finds(doc, "taalcafe"));
	assert_true(finds(doc, "TAALCAFÉS"));
	assert_true(finds(doc, "ontmoeten"));
	assert_true(finds(doc, "ontmoeting kruiskamp"));
	assert_true(finds(doc, "nieuwkomer"));
	assert_false(finds(doc, "ontmoeting zwembad")); /* every word must be found */
	assert_false(finds(doc, "fiets"));
	assert_false(finds(doc, "afé")); /* a stem is found from its start */
	json_decref(doc);
}

static void test_csv_round_trip(void **state)
{
	(void)state;
	json_t *hsds = json_loads(
	    "[{\"id\":\"o1\",\"name\":\"Een, \\\"twee\\\"\",\"description\":\"regel 1\\nregel 2\","
	    "\"services\":[{\"id\":\"s1\",\"organization_id\":\"o1\",\"name\":\"Een\","
	    "\"schedules\":[{\"id\":\"x\",\"service_id\":\"s1\",\"freq\":\"WEEKLY\",\"byday\":"
	    "\"MO\","
	    "\"opens_at\":\"09:00\",\"closes_at\":\"12:00\"}],\"attributes\":[{\"id\":\"a\","
	    "\"link_id\":\"s1\",\"link_type\":\"theme\",\"value\":\"Taal\"}]}],"
	    "\"locations\":[{\"id\":\"l1\",\"organization_id\":\"o1\",\"latitude\":52.25,"
	    "\"longitude\":5.5,\"addresses\":[{\"id\":\"ad\",\"location_id\":\"l1\",\"city\":\"A\"}"
	    "]}]}]",
	    0, NULL);
	assert_non_null(hsds);
	buf_t zip = BUF_INIT;
	assert_int_equal(kaart_csv_zip(hsds, &zip), 0);
	char path[] = "/tmp/inspraak-kaart-XXXXXX.zip";
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, zip.data, zip.len), (ssize_t)zip.len);
	close(fd);
	char err[256];
	json_t *back = kaart_csv_read(path, err, sizeof err);
	unlink(path);
	assert_non_null(back);
	const json_t *o = json_array_get(back, 0);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "Een, \"twee\"");
	assert_string_equal(json_string_value(json_object_get(o, "description")),
	                    "regel 1\nregel 2");
	const json_t *s = json_array_get(json_object_get(o, "services"), 0);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(s, "schedules"), 0), "opens_at")),
	                    "09:00");
	const json_t *l = json_array_get(json_object_get(o, "locations"), 0);
	assert_true(json_number_value(json_object_get(l, "latitude")) == 52.25);
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(json_object_get(l, "addresses"), 0), "city")),
	                    "A");
	assert_null(kaart_csv_read("/nonexistent.zip", err, sizeof err));
	json_decref(back);
	json_decref(hsds);
	buf_free(&zip);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_form_good),      cmocka_unit_test(test_form_bounds),
	    cmocka_unit_test(test_validate),       cmocka_unit_test(test_search),
	    cmocka_unit_test(test_csv_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
