/*
 * reactions: a row of a few emoji on the phones, floating briefly over the
 * presenter's stage (issue 12). A deck turns them on in its front matter
 * (`reactions: on`); they are off by default.
 *
 * Invariants:
 *  1. Nothing of a reaction is stored, nor tied to who sent it: the session
 *     keeps a count per kind since the last flush, in memory.
 *  2. Presenters get those counts coalesced with the tallies (live.c's
 *     flush, at most ten frames a second), never one frame per tap.
 *  3. Each participant token may react about once a second, with a burst
 *     of five: a hall of phones shares one address, so the limit is per
 *     token (DESIGN.md, "People and privacy"). On several nodes the
 *     budget is shared (util/bucket.h).
 *  4. On several nodes a reaction reaches the presenters of every node: it
 *     goes on the bus as a note (BUS_REACT: session, kind, count), which
 *     the bus coalesces into one count per session and kind per interval;
 *     the other nodes add it to their counts (nodes.c). It is no tally
 *     change: nothing is read from the database for it.
 */
#include <string.h>

#include "app/internal.h"

static const char *const names[REACTIONS_N] = {"clap", "heart", "laugh", "wow", "idea"};

static int reaction_index(const char *name)
{
	for (int i = 0; name && i < REACTIONS_N; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

void reactions_post(app_t *a, http_request_t *req, const app_match_t *m)
{
	session_t *s = m->session;
	char hex[33], cookie[160];
	uint64_t pkey;
	auth_participant(a, req, hex, &pkey, cookie);
	if (s->row.status != 0) {
		http_respond_error(req, 409, "ended", tr(s->lang, "err.ended"), cookie);
		return;
	}
	if (!s->reactions) {
		http_respond_error(req, 409, "off", tr(s->lang, "err.reactions_off"), cookie);
		return;
	}
	json_error_t jerr;
	json_t *body = json_loadb(req->body, req->body_len, 0, &jerr);
	int i = reaction_index(json_string_value(json_object_get(body, "reaction")));
	json_decref(body);
	if (i < 0) {
		http_respond_error(req, 400, "invalid", tr_req(req, "api.reaction"), cookie);
		return;
	}
	int retry;
	if (!bucket_take(&a->reacts, pkey, uv_now(a->loop), true, &retry)) {
		char extra[256];
		snprintf(extra, sizeof extra, "Retry-After: %d\r\n%s", retry, cookie);
		http_respond_error(req, 429, "rate_limited", tr(s->lang, "err.rate"), extra);
		return;
	}
	if (s->reacted[i] < UINT32_MAX)
		s->reacted[i]++;
	bus_note(a->bus, BUS_REACT, (uint64_t)s->row.id, (uint64_t)i, 1);
	live_dirty_quiet(a, s); /* no answer changed: nothing for the bus to reload */
	static const char ok[] = "{\"status\":\"ok\"}";
	http_respond(req, 202, "application/json; charset=utf-8", cookie, ok, sizeof ok - 1);
}

json_t *reactions_take(session_t *s)
{
	json_t *out = NULL;
	for (int i = 0; i < REACTIONS_N; i++) {
		if (!s->reacted[i])
			continue;
		if (!out)
			out = json_object();
		json_object_set_new(out, names[i], json_integer(s->reacted[i]));
		s->reacted[i] = 0;
	}
	return out;
}
