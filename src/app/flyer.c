/*
 * flyer: a printable page for the venue's tables and notice boards when a
 * session is open online (GET /api/v1/sessions/CODE/flyer.pdf?size=a4|a5,
 * docs/protocol.md): the event's title, a large QR code of the join URL,
 * the address and the code to type, and a line on anonymity, in the
 * event's language (the residents read it, not the facilitator).
 *
 * Drawn with cairo and pango as the report is, on libuv's thread pool as
 * the report is (a first use of pango loads fonts, which takes a while);
 * the job copies what it needs from the session, so the loop never shares
 * anything with it, and is counted in app->pool_jobs.
 */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "util/log.h"
#include "util/xalloc.h"

typedef struct flyer_work {
	uv_work_t work;
	http_request_t *req;
	app_t *app;
	bool a5;
	bool dutch;
	char title[1024], subtitle[1024], url[512], code[16];
	buf_t pdf;
	int rc;
} flyer_work_t;

static cairo_status_t collect(void *closure, const unsigned char *data, unsigned int len)
{
	buf_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* Text centred in [x, x + w) from y; returns its height. */
static double text(cairo_t *cr, const char *s, const char *font, double size, bool bold, double x,
                   double y, double w, double r, double g, double b)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *d = pango_font_description_from_string(font);
	pango_font_description_set_absolute_size(d, size * PANGO_SCALE);
	pango_font_description_set_weight(d, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, d);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, s, -1);
	int lw, lh;
	pango_layout_get_size(l, &lw, &lh);
	cairo_set_source_rgb(cr, r, g, b);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(d);
	g_object_unref(l);
	return (double)lh / PANGO_SCALE;
}

/* "482913" as "482 913", as the stage and the phones write it. */
static void group_code(const char *code, char *out, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; code[i] && n + 2 < len; i++) {
		if (i && i % 3 == 0)
			out[n++] = ' ';
		out[n++] = code[i];
	}
	out[n] = '\0';
}

/* Draws the flyer into w->pdf; 0, or -1 when cairo or the QR code failed. */
static int draw(flyer_work_t *w)
{
	double pw = w->a5 ? 419.53 : 595.28, ph = w->a5 ? 595.28 : 841.89;
	double k = pw / 595.28; /* everything scales with the page */
	double m = 48 * k, cw = pw - 2 * m;
	QRcode *qr = QRcode_encodeString(w->url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return -1;
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(collect, &w->pdf, pw, ph);
	cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, w->title);
	cairo_t *cr = cairo_create(surf);
	const char *font = "DejaVu Sans";
	/* a band of colour with the invitation */
	cairo_set_source_rgb(cr, 0.09, 0.37, 0.42);
	cairo_rectangle(cr, 0, 0, pw, 150 * k);
	cairo_fill(cr);
	double y = 34 * k;
	y += text(cr, w->dutch ? "Doe mee en geef uw mening" : "Join in and have your say", font,
	          30 * k, true, m, y, cw, 1, 1, 1);
	y += 8 * k;
	text(cr,
	     w->dutch ? "Met uw telefoon, anoniem, zolang de vragen openstaan"
	              : "With your phone, anonymously, while the questions are open",
	     font, 15 * k, false, m, y, cw, 0.88, 0.95, 0.96);
	y = 180 * k;
	y += text(cr, w->title, font, 26 * k, true, m, y, cw, 0.09, 0.13, 0.2);
	if (w->subtitle[0])
		y += 4 * k +
		     text(cr, w->subtitle, font, 15 * k, false, m, y + 4 * k, cw, 0.3, 0.35, 0.42);
	/* the QR code, with its quiet zone of four modules */
	double side = 270 * k, mod = side / (qr->width + 8), qx = (pw - side) / 2, qy = y + 24 * k;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, qx, qy, side, side);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int r = 0; r < qr->width; r++)
		for (int c = 0; c < qr->width; c++)
			if (qr->data[r * qr->width + c] & 1)
				cairo_rectangle(cr, qx + (c + 4) * mod, qy + (r + 4) * mod, mod,
				                mod);
	cairo_fill(cr);
	y = qy + side + 18 * k;
	y += text(cr,
	          w->dutch ? "Scan de code met de camera van uw telefoon, of ga naar"
	                   : "Scan the code with your phone's camera, or go to",
	          font, 15 * k, false, m, y, cw, 0.2, 0.24, 0.3);
	y += 6 * k;
	y += text(cr, w->url, "DejaVu Sans Mono", 20 * k, true, m, y, cw, 0.09, 0.37, 0.42);
	y += 14 * k;
	char grouped[24], line[96];
	group_code(w->code, grouped, sizeof grouped);
	snprintf(line, sizeof line, "%s %s", w->dutch ? "Code:" : "Code:", grouped);
	text(cr, line, font, 30 * k, true, m, y, cw, 0.09, 0.13, 0.2);
	text(cr,
	     w->dutch ? "Uw antwoorden worden zonder naam bewaard. Er wordt niets over u "
	                "opgeslagen dat naar u terug te leiden is."
	              : "Your answers are kept without your name. Nothing is stored that leads "
	                "back to you.",
	     font, 11 * k, false, m, ph - 70 * k, cw, 0.35, 0.38, 0.45);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	int rc = cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS ? 0 : -1;
	cairo_surface_destroy(surf);
	QRcode_free(qr);
	return rc;
}

static void draw_work(uv_work_t *work)
{
	flyer_work_t *w = work->data;
	w->rc = draw(w);
}

static void drawn(uv_work_t *work, int status)
{
	flyer_work_t *w = work->data;
	w->app->pool_jobs--;
	if (status == 0 && w->rc == 0) {
		char head[160];
		snprintf(head, sizeof head,
		         "Content-Disposition: attachment; filename=\"flyer-%s-%s.pdf\"\r\n",
		         w->code, w->a5 ? "a5" : "a4");
		http_respond(w->req, 200, "application/pdf", head, w->pdf.data, w->pdf.len);
	} else {
		log_error("flyer of session %s: %s", w->code,
		          status ? uv_strerror(status) : "cairo failed");
		http_respond_error(w->req, 503, "unavailable", tr_req(w->req, "flyer.failed"),
		                   NULL);
	}
	buf_free(&w->pdf);
	free(w);
}

void flyer_get(app_t *a, http_request_t *req, const app_match_t *m)
{
	const session_t *s = m->session;
	char size[8] = "a4";
	if (http_query(req, "size", size, sizeof size) >= 0 && strcmp(size, "a4") != 0 &&
	    strcmp(size, "a5") != 0) {
		http_respond_error(req, 400, "bad_request", tr_req(req, "flyer.size"), NULL);
		return;
	}
	flyer_work_t *w = xcalloc(1, sizeof *w);
	w->work.data = w;
	w->req = req;
	w->app = a;
	w->a5 = strcmp(size, "a5") == 0;
	w->dutch = strcmp(s->lang, "nl") == 0;
	snprintf(w->title, sizeof w->title, "%s", s->title);
	snprintf(w->subtitle, sizeof w->subtitle, "%s", s->subtitle ? s->subtitle : "");
	snprintf(w->url, sizeof w->url, "%s/%s", a->public_url, s->row.code);
	snprintf(w->code, sizeof w->code, "%s", s->row.code);
	if (uv_queue_work(a->loop, &w->work, draw_work, drawn) < 0) {
		free(w);
		http_respond_error(req, 503, "unavailable", tr_req(req, "reports.stopping"), NULL);
		return;
	}
	a->pool_jobs++;
}
