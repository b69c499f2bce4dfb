/*
 * Unit tests for src/app/tiles.c: the tile path parser and its bounds, the
 * TMS row flip, the --tile-url check, and an MBTiles file read back
 * (metadata, the flip on a real row, a missing tile, a vector file refused).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "app/tiles.h"

static int parse(const char *s, tiles_coord_t *c)
{
	return tiles_parse_path(s, strlen(s), c);
}

static void path_parser_takes_z_x_y_and_a_raster_extension(void **state)
{
	tiles_coord_t c;
	assert_int_equal(parse("0/0/0.png", &c), 0);
	assert_int_equal(c.z, 0);
	assert_int_equal(c.x, 0);
	assert_int_equal(c.y, 0);
	assert_string_equal(c.ext, "png");
	assert_int_equal(parse("3/4/2.jpg", &c), 0);
	assert_int_equal(c.z, 3);
	assert_int_equal(c.x, 4);
	assert_int_equal(c.y, 2);
	assert_string_equal(c.ext, "jpg");
	assert_int_equal(parse("1/1/1.webp", &c), 0);
	assert_string_equal(c.ext, "webp");
	/* the largest tile of the deepest level */
	assert_int_equal(parse("24/16777215/16777215.png", &c), 0);
	assert_int_equal(c.x, 16777215);
}

static void path_parser_refuses_what_is_out_of_bounds(void **state)
{
	tiles_coord_t c;
	static const char *bad[] = {
	    "",
	    "0",
	    "0/0",
	    "0/0/0",
	    "0/0/0.",
	    "0/0/0.gif",
	    "0/0/0.pngx",
	    "0/0/0.PNG",
	    "0/0/0png",
	    "1/2/0.png",
	    "1/0/2.png",
	    "25/0/0.png",
	    "-1/0/0.png",
	    "0/-0/0.png",
	    "00/0/0.png",
	    "1/01/0.png",
	    "0/0/0.png/",
	    "/0/0/0.png",
	    "0//0/0.png",
	    "0/0/0..png",
	    "3/4/2.pbf",
	    "0/+0/0.png",
	    " 0/0/0.png",
	    "0/0/0.png?x=1",
	    "1234567890/0/0.png",
	    "0/0/0.p",
	    "3/8/0.png",
	    "3/0/8.png",
	    "24/16777216/0.png",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (parse(bad[i], &c) != UV_EINVAL)
			fail_msg("\"%s\" was taken as a tile path", bad[i]);
	}
	/* the length given is the end, not a NUL */
	assert_int_equal(tiles_parse_path("0/0/0.pngXYZ", 9, &c), 0);
	assert_int_equal(tiles_parse_path("0/0/0.png", 8, &c), UV_EINVAL);
}

static void tms_row_counts_from_the_south(void **state)
{
	assert_int_equal(tiles_tms_row(0, 0), 0);
	assert_int_equal(tiles_tms_row(1, 0), 1);
	assert_int_equal(tiles_tms_row(1, 1), 0);
	assert_int_equal(tiles_tms_row(3, 2), 5);
	assert_int_equal(tiles_tms_row(TILES_MAX_Z, 0), (1 << TILES_MAX_Z) - 1);
	assert_int_equal(tiles_tms_row(TILES_MAX_Z, (1 << TILES_MAX_Z) - 1), 0);
}

static void url_template_gives_its_origin(void **state)
{
	char o[HTTP_ORIGIN_MAX + 1];
	const char *why = NULL;
	assert_int_equal(
	    tiles_url_origin(
	        "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/"
	        "{z}/{x}/{y}.png",
	        o, sizeof o, &why),
	    0);
	assert_string_equal(o, "https://service.pdok.nl");
	assert_int_equal(
	    tiles_url_origin("http://127.0.0.1:8081/t/{z}/{x}/{y}.png", o, sizeof o, NULL), 0);
	assert_string_equal(o, "http://127.0.0.1:8081");
	assert_int_equal(tiles_url_origin("https://[::1]:9/{z}/{y}/{x}", o, sizeof o, NULL), 0);
	assert_string_equal(o, "https://[::1]:9");
}

static void url_template_refuses_what_could_bend_the_policy(void **state)
{
	char o[HTTP_ORIGIN_MAX + 1];
	static const char *bad[] = {
	    "ftp://h/{z}/{x}/{y}",
	    "//h/{z}/{x}/{y}",
	    "https:///{z}/{x}/{y}",
	    "https://h",
	    "https://h/{z}/{x}",
	    "https://h/{x}/{y}",
	    "https://{s}.tile.example/{z}/{x}/{y}.png",
	    "https://user@h/{z}/{x}/{y}",
	    "https://h; script-src *;/{z}/{x}/{y}",
	    "https://h/{z}/{x}/{y}.png'",
	    "https://h/{z}/{x}/{y}.png\r\nX: y",
	    "https://h/{z}/{x}/{y} .png",
	    "https://h/{z}/{x}/{y}/{r}.png",
	    "https://h/{z}/{x}/{y}}.png",
	    "https://h:/{z}/{x}/{y}",
	    "https://h,evil/{z}/{x}/{y}",
	    "https://h/kaart\xc3\xa9/{z}/{x}/{y}.png",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		const char *why = NULL;
		if (tiles_url_origin(bad[i], o, sizeof o, &why) != UV_EINVAL)
			fail_msg("\"%s\" was taken as a tile URL", bad[i]);
		assert_non_null(why);
		assert_string_equal(o, "");
	}
	char big[TILES_URL_MAX + 40];
	memset(big, 'a', sizeof big);
	memcpy(big, "https://h/{z}/{x}/{y}/", 22);
	big[sizeof big - 1] = '\0';
	assert_int_equal(tiles_url_origin(big, o, sizeof o, NULL), UV_EINVAL);
}

/* An MBTiles file with one tile, 2/1/1 in XYZ, stored at TMS row 2. */
static void make_mbtiles(const char *path, const char *format)
{
	sqlite3 *db;
	unlink(path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char sql[800];
	snprintf(sql, sizeof sql,
	         "CREATE TABLE metadata (name TEXT, value TEXT);"
	         "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER,"
	         " tile_row INTEGER, tile_data BLOB);"
	         "INSERT INTO metadata VALUES ('format', '%s'), ('bounds', '4.5,51.5,6.0,52.5'),"
	         " ('center', '5.12,52.09,2'), ('attribution', '<b>OSM</b>');"
	         "INSERT INTO tiles VALUES (2, 1, 2, X'89504E47');"
	         "INSERT INTO tiles VALUES (3, 0, 0, X'');",
	         format);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void mbtiles_reads_flipped_rows_and_metadata(void **state)
{
	char path[] = "/tmp/inspraak-tiles-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	make_mbtiles(path, "png");
	tiles_t *t;
	char err[300] = "";
	assert_int_equal(tiles_open_mbtiles(path, NULL, &t, err, sizeof err), 0);
	assert_true(tiles_is_local(t));
	assert_string_equal(tiles_type(t), "image/png");
	tiles_coord_t c;
	void *data;
	size_t len;
	assert_int_equal(parse("2/1/1.png", &c), 0);
	assert_int_equal(tiles_read(t, &c, &data, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "\x89PNG", 4);
	free(data);
	/* the row counted from the north is not there: the flip is needed */
	assert_int_equal(parse("2/1/2.png", &c), 0);
	assert_int_equal(tiles_read(t, &c, &data, &len), UV_ENOENT);
	assert_null(data);
	/* another format's extension, and an empty blob, are no tile */
	assert_int_equal(parse("2/1/1.jpg", &c), 0);
	assert_int_equal(tiles_read(t, &c, &data, &len), UV_ENOENT);
	assert_int_equal(parse("3/0/7.png", &c), 0);
	assert_int_equal(tiles_read(t, &c, &data, &len), UV_ENOENT);

	json_t *cfg = tiles_config(t);
	assert_string_equal(json_string_value(json_object_get(cfg, "tiles")),
	                    "/kaart/tiles/{z}/{x}/{y}.png");
	/* the attribution is text; the page escapes it */
	assert_string_equal(json_string_value(json_object_get(cfg, "attribution")), "<b>OSM</b>");
	json_t *b = json_object_get(cfg, "bounds");
	assert_true(json_real_value(json_array_get(json_array_get(b, 0), 0)) == 51.5);
	assert_true(json_real_value(json_array_get(json_array_get(b, 0), 1)) == 4.5);
	assert_true(json_real_value(json_array_get(json_array_get(b, 1), 0)) == 52.5);
	assert_true(json_real_value(json_array_get(json_array_get(b, 1), 1)) == 6.0);
	/* zoom levels from the tiles when the metadata has none */
	assert_int_equal(json_integer_value(json_object_get(cfg, "minzoom")), 2);
	assert_int_equal(json_integer_value(json_object_get(cfg, "maxzoom")), 3);
	json_decref(cfg);
	tiles_close(t);

	/* --tile-attribution replaces the file's */
	assert_int_equal(tiles_open_mbtiles(path, "Kaart: wij", &t, err, sizeof err), 0);
	cfg = tiles_config(t);
	assert_string_equal(json_string_value(json_object_get(cfg, "attribution")), "Kaart: wij");
	json_decref(cfg);
	tiles_close(t);

	/* vector tiles are refused with a reason */
	make_mbtiles(path, "pbf");
	assert_int_equal(tiles_open_mbtiles(path, NULL, &t, err, sizeof err), UV_EINVAL);
	assert_null(t);
	assert_non_null(strstr(err, "pbf"));
	unlink(path);

	/* no file: an error, not an empty map */
	assert_true(tiles_open_mbtiles(path, NULL, &t, err, sizeof err) < 0);
	assert_null(t);
}

static void config_without_a_source_says_null(void **state)
{
	json_t *cfg = tiles_config(NULL);
	assert_true(json_is_null(json_object_get(cfg, "tiles")));
	assert_true(json_is_null(json_object_get(cfg, "bounds")));
	json_decref(cfg);
	tiles_t *t;
	char err[300];
	assert_int_equal(tiles_open_url("https://h/{z}/{x}/{y}.png", "© wie", &t, err, sizeof err),
	                 0);
	assert_false(tiles_is_local(t));
	cfg = tiles_config(t);
	assert_string_equal(json_string_value(json_object_get(cfg, "tiles")),
	                    "https://h/{z}/{x}/{y}.png");
	json_decref(cfg);
	tiles_close(t);
	assert_int_equal(tiles_open_url("https://h/{z}.png", NULL, &t, err, sizeof err), UV_EINVAL);
	assert_null(t);
	assert_non_null(strstr(err, "--tile-url"));
	/* the attribution goes into JSON: UTF-8 text only, cut at a character */
	assert_int_equal(
	    tiles_open_url("https://h/{z}/{x}/{y}", "\xa9 Latin-1", &t, err, sizeof err),
	    UV_EINVAL);
	assert_null(t);
	assert_non_null(strstr(err, "--tile-attribution"));
	char longer[TILES_ATTRIBUTION_MAX + 8] = "";
	for (size_t i = 0; i + 2 < sizeof longer; i += 2)
		memcpy(longer + i, "\xc3\xa9", 2); /* é, two bytes each */
	longer[TILES_ATTRIBUTION_MAX + 1] = '\0';
	assert_int_equal(tiles_open_url("https://h/{z}/{x}/{y}", longer, &t, err, sizeof err), 0);
	cfg = tiles_config(t);
	assert_non_null(cfg);
	const char *cut = json_string_value(json_object_get(cfg, "attribution"));
	assert_true(strlen(cut) <= TILES_ATTRIBUTION_MAX && strlen(cut) % 2 == 0);
	json_decref(cfg);
	tiles_close(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(path_parser_takes_z_x_y_and_a_raster_extension),
	    cmocka_unit_test(path_parser_refuses_what_is_out_of_bounds),
	    cmocka_unit_test(tms_row_counts_from_the_south),
	    cmocka_unit_test(url_template_gives_its_origin),
	    cmocka_unit_test(url_template_refuses_what_could_bend_the_policy),
	    cmocka_unit_test(mbtiles_reads_flipped_rows_and_metadata),
	    cmocka_unit_test(config_without_a_source_says_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
