/*
 * mkmbtiles: writes a small MBTiles file of raster tiles drawn with cairo,
 * for the sociale kaart's map test (tests/e2e/kaart-map.test.mjs) and for
 * trying `inspraak serve --tiles` without an OpenStreetMap extract.
 *
 *   mkmbtiles OUT.mbtiles [MAXZOOM]
 *
 * The tiles of zoom 0 to MAXZOOM (default 3, at most 14) that cover a box
 * around Utrecht (BOX below: a few hundred tiles at zoom 12) are each a
 * 256x256 PNG: a coloured square with its z/x/y, a grid, and a dot where
 * Utrecht's centre lies. Rows are stored as MBTiles wants them, counted
 * from the south (TMS: tile_row = 2^z - 1 - y), so a wrong flip in the
 * server shows the wrong label. The metadata names the format, the box as
 * bounds, a centre on Utrecht and the zoom levels.
 */
#include <cairo.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double UTRECHT_LAT = 52.0907, UTRECHT_LON = 5.1214;
/* west, south, east, north: Utrecht and a margin that fills a wide screen */
static const double BOX[4] = {4.80, 51.95, 5.45, 52.25};

typedef struct png_buf {
	unsigned char *data;
	size_t len, cap;
} png_buf_t;

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
	png_buf_t *b = closure;
	if (b->len + len > b->cap) {
		size_t cap = (b->len + len) * 2;
		unsigned char *p = realloc(b->data, cap);
		if (!p)
			return CAIRO_STATUS_NO_MEMORY;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return CAIRO_STATUS_SUCCESS;
}

/* Web Mercator: the point's pixel at zoom z, from the world's north-west. */
static void project(double lat, double lon, int z, double *px, double *py)
{
	double n = 256.0 * (double)(1 << z);
	double r = lat * M_PI / 180;
	*px = (lon + 180) / 360 * n;
	*py = (1 - log(tan(r) + 1 / cos(r)) / M_PI) / 2 * n;
}

static int draw(int z, int x, int y, png_buf_t *out)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 256, 256);
	cairo_t *cr = cairo_create(s);
	/* a pale colour of its own for each zoom level */
	static const double bg[][3] = {{0.85, 0.92, 0.85}, {0.86, 0.89, 0.95}, {0.95, 0.91, 0.84},
	                               {0.92, 0.87, 0.93}, {0.88, 0.93, 0.93}, {0.94, 0.94, 0.86},
	                               {0.90, 0.90, 0.90}};
	const double *c = bg[z % 7];
	cairo_set_source_rgb(cr, c[0], c[1], c[2]);
	cairo_paint(cr);
	cairo_set_source_rgb(cr, 0.6, 0.65, 0.7);
	cairo_set_line_width(cr, 1);
	for (int i = 0; i <= 256; i += 64) {
		cairo_move_to(cr, i + 0.5, 0);
		cairo_line_to(cr, i + 0.5, 256);
		cairo_move_to(cr, 0, i + 0.5);
		cairo_line_to(cr, 256, i + 0.5);
	}
	cairo_stroke(cr);
	char label[32];
	snprintf(label, sizeof label, "%d/%d/%d", z, x, y);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, 22);
	cairo_set_source_rgb(cr, 0.2, 0.25, 0.3);
	cairo_move_to(cr, 12, 34);
	cairo_show_text(cr, label);
	double px, py;
	project(UTRECHT_LAT, UTRECHT_LON, z, &px, &py);
	px -= x * 256.0;
	py -= y * 256.0;
	if (px >= -8 && px < 264 && py >= -8 && py < 264) {
		cairo_arc(cr, px, py, 6, 0, 2 * M_PI);
		cairo_set_source_rgb(cr, 0.75, 0.2, 0.2);
		cairo_fill(cr);
		cairo_move_to(cr, px + 9, py + 5);
		cairo_set_font_size(cr, 14);
		cairo_show_text(cr, "Utrecht");
	}
	cairo_destroy(cr);
	cairo_status_t st = cairo_surface_write_to_png_stream(s, png_write, out);
	cairo_surface_destroy(s);
	return st == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

static int exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "mkmbtiles: %s\n", err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: mkmbtiles OUT.mbtiles [MAXZOOM]\n");
		return 2;
	}
	int maxzoom = argc == 3 ? atoi(argv[2]) : 3;
	if (maxzoom < 0 || maxzoom > 14) {
		fprintf(stderr, "mkmbtiles: MAXZOOM is 0 to 14\n");
		return 2;
	}
	remove(argv[1]);
	sqlite3 *db;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK) {
		fprintf(stderr, "mkmbtiles: cannot open %s\n", argv[1]);
		return 1;
	}
	char meta[600];
	snprintf(meta, sizeof meta,
	         "BEGIN;"
	         "CREATE TABLE metadata (name TEXT, value TEXT);"
	         "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
	         " tile_data BLOB);"
	         "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
	         "INSERT INTO metadata VALUES ('name', 'inspraak test tiles'), ('format', 'png'),"
	         " ('bounds', '%.2f,%.2f,%.2f,%.2f'), ('center', '%.4f,%.4f,%d'),"
	         " ('minzoom', '0'), ('maxzoom', '%d'), ('type', 'baselayer'),"
	         " ('attribution', 'Testtegels van inspraak');",
	         BOX[0], BOX[1], BOX[2], BOX[3], UTRECHT_LON, UTRECHT_LAT, maxzoom, maxzoom);
	if (exec(db, meta) < 0)
		return 1;
	sqlite3_stmt *ins;
	if (sqlite3_prepare_v2(db, "INSERT INTO tiles VALUES (?1, ?2, ?3, ?4)", -1, &ins, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "mkmbtiles: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	int n = 0;
	for (int z = 0; z <= maxzoom; z++) {
		int side = 1 << z;
		double x0, y0, x1, y1; /* the box in pixels: north-west, south-east */
		project(BOX[3], BOX[0], z, &x0, &y0);
		project(BOX[1], BOX[2], z, &x1, &y1);
		for (int x = (int)(x0 / 256); x <= (int)(x1 / 256) && x < side; x++) {
			for (int y = (int)(y0 / 256); y <= (int)(y1 / 256) && y < side; y++) {
				png_buf_t png = {0};
				if (draw(z, x, y, &png) < 0) {
					fprintf(stderr, "mkmbtiles: cannot draw %d/%d/%d\n", z, x,
					        y);
					return 1;
				}
				sqlite3_bind_int(ins, 1, z);
				sqlite3_bind_int(ins, 2, x);
				sqlite3_bind_int(ins, 3, side - 1 - y); /* TMS: from the south */
				sqlite3_bind_blob(ins, 4, png.data, (int)png.len, SQLITE_TRANSIENT);
				if (sqlite3_step(ins) != SQLITE_DONE) {
					fprintf(stderr, "mkmbtiles: %s\n", sqlite3_errmsg(db));
					return 1;
				}
				sqlite3_reset(ins);
				free(png.data);
				n++;
			}
		}
	}
	sqlite3_finalize(ins);
	if (exec(db, "COMMIT;") < 0)
		return 1;
	sqlite3_close(db);
	printf("mkmbtiles: %d tiles, zoom 0 to %d, in %s\n", n, maxzoom, argv[1]);
	return 0;
}
