/*
 * presenter: the presenter view, a second page for the facilitator's laptop
 * beside the stage on the projector (GET /present/CODE/view), and what only
 * it reads: every slide of the session with its speaker notes
 * (GET /api/v1/sessions/CODE/presenter, docs/protocol.md). The route table
 * (routes.c) checks the login and the access to the session's event.
 *
 * The view follows the session through the moderators' results stream, as
 * the stage follows it through the presenters'; both carry the same state
 * frame, published once per change, so the two screens stay in step with
 * no message of their own. Speaker notes never travel on a stream: the
 * state that phones and the stage receive is made without them
 * (slide_to_json(…, false)), and this endpoint needs a login with access to
 * the event.
 */
#include <stdio.h>
#include <string.h>

#include "app/internal.h"
#include "util/qr.h"

void presenter_view(app_t *a, http_request_t *req, const app_match_t *m)
{
	if (!pages_static(a, req, "present-view.html"))
		http_respond_error(req, 404, "not_found", tr_req(req, "api.not_found"), NULL);
}

void presenter_get(app_t *a, http_request_t *req, const app_match_t *m)
{
	const session_t *s = m->session;
	json_t *slides = json_array();
	for (size_t i = 0; i < s->n_slides; i++) {
		const live_slide_t *ls = &s->slides[i];
		json_t *j = slide_to_json(&ls->s, false);
		json_object_set_new(j, "id", json_integer(ls->id));
		json_object_set_new(j, "notes", json_string(ls->s.notes ? ls->s.notes : ""));
		json_array_append_new(slides, j);
	}
	http_respond_json(req, 200,
	                  json_pack("{s:s, s:s, s:I, s:I, s:o}", "code", s->row.code, "lang",
	                            s->lang, "started_at", (json_int_t)s->row.started_at,
	                            "participants", (json_int_t)sse_hub_count(s->participants),
	                            "slides", slides),
	                  "Cache-Control: no-store\r\n");
}

/* GET /api/v1/sessions/CODE/website-qr.svg: the QR code of the event's
 * website, 404 while it has none. Not cached for long: the process may be
 * published, renamed or withdrawn during the meeting. */
void presenter_website_qr(app_t *a, http_request_t *req, const app_match_t *m)
{
	char path[96], url[700];
	if (!site_website_path(a, m->session, path, sizeof path)) {
		http_respond_error(req, 404, "not_found", tr(m->session->lang, "process.no_such"),
		                   NULL);
		return;
	}
	snprintf(url, sizeof url, "%s%s", a->public_url, path);
	buf_t b = BUF_INIT;
	if (qr_svg(&b, url) < 0) {
		http_respond_error(req, 500, "qr", "the QR code could not be made", NULL);
		return;
	}
	http_respond(req, 200, "image/svg+xml", "Cache-Control: no-cache\r\n", b.data, b.len);
	buf_free(&b);
}
