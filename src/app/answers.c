/*
 * answers: a participant's answer from request to acknowledgement
 * (DESIGN.md, "Flow of one answer", steps 2 and 3).
 *
 * Order of checks: a known answer id first (a retry is answered 200 even
 * after the slide moved on), then session, slide and voting, the request
 * budget, the value itself, and the participant's allowance, which is
 * reserved in the tally before the answer goes to the writer. Only after
 * the commit is the answer counted and the request answered 201.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "app/process.h"
#include "model/answer.h"
#include "util/metrics.h"
#include "util/xalloc.h"

enum { ANSWER_BODY_MAX = 16 * 1024 };

typedef struct pending {
	store_job_t job;
	app_t *app;
	session_t *session;
	live_slide_t *slide;
	http_request_t *req;
	json_t *norm;
	char *value_text;
	uint64_t pkey, seen;
	bool reserved, form;
	char set_cookie[160];
} pending_t;

/* Answers req with an error, counted for /metrics by status. */
static void refuse(http_request_t *req, int status, const char *code, const char *msg,
                   const char *extra)
{
	metrics_refused(status);
	http_respond_error(req, status, code, msg, extra);
}

/* Answers req with an error, as JSON or as the participant page. */
static void fail(app_t *a, session_t *s, http_request_t *req, bool form, int status,
                 const char *code, const char *msg, const char *extra)
{
	if (form && s) {
		metrics_refused(status);
		pages_participant(a, s, req, status, msg, true, extra);
		return;
	}
	refuse(req, status, code, msg, extra);
}

/* Copies the string s to b; returns the end (no NUL written). */
static char *append(char *b, const char *s)
{
	size_t n = strlen(s);
	memcpy(b, s, n);
	return b + n;
}

static void succeed(app_t *a, session_t *s, http_request_t *req, bool form, int status, int64_t id,
                    bool pending, int64_t slide_id, const char *set_cookie)
{
	if (form) {
		/* a self-paced page lists every question: back to the one answered;
		 * a topic of the website (site.c) names its own page in "back" */
		char hdr[560], sent[64] = "1", back[200];
		if (s->row.self_paced)
			snprintf(sent, sizeof sent, "%lld#q-%lld", (long long)slide_id,
			         (long long)slide_id);
		/* held=1: the page says the answer waits for a moderator (issue 12) */
		if (s->row.self_paced && site_back(req, back, sizeof back))
			snprintf(hdr, sizeof hdr, "Location: %s?%ssent=answer#answer\r\n%s", back,
			         pending ? "held=1&" : "", set_cookie);
		else
			snprintf(hdr, sizeof hdr, "Location: /%s?%ssent=%s\r\n%s", s->row.code,
			         pending ? "held=1&" : "", sent, set_cookie);
		http_respond(req, 303, "text/plain; charset=utf-8", hdr, "", 0);
		return;
	}
	/* The hottest response of a storm, put together without printf (which
	 * cost about 1,300 instructions of an answer's 24,000 on the loop). */
	char body[96], num[24], *p = num + sizeof num, *b = body;
	uint64_t v = id < 0 ? 0 - (uint64_t)id : (uint64_t)id;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	if (id < 0)
		*--p = '-';
	b = append(b, status == 201 ? "{\"status\":\"stored\",\"id\":"
	                            : "{\"status\":\"duplicate\",\"id\":");
	memcpy(b, p, (size_t)(num + sizeof num - p));
	b += num + sizeof num - p;
	b = append(b, pending ? ",\"pending\":true}" : "}");
	http_respond(req, status, "application/json; charset=utf-8", set_cookie, body,
	             (size_t)(b - body));
}

/* Copies a string known to fit (checked by the caller), cut at size - 1. */
static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void stored(store_job_t *job)
{
	pending_t *p = (pending_t *)job;
	session_t *s = p->session;
	live_slide_t *ls = p->slide;
	if (job->status != STORE_OK) {
		if (p->reserved) {
			tally_release(ls->tally, p->pkey, p->norm);
			map_del(&s->seen, p->seen);
		}
		fail(p->app, s, p->req, p->form, 503, "unavailable", tr(s->lang, "err.unavailable"),
		     p->set_cookie);
		goto out;
	}
	if (job->u.answer.refused) {
		/* another node took this participant's vote first (store.h,
		 * STORE_ONCE_*); its reload brings that vote here */
		if (p->reserved)
			tally_release(ls->tally, p->pkey, p->norm);
		map_del(&s->seen, p->seen);
		fail(p->app, s, p->req, p->form, 409, "already_answered",
		     tr(s->lang, "err.already"), p->set_cookie);
		goto out;
	}
	int64_t id = job->u.answer.id;
	bool dup = job->u.answer.duplicate;
	if (dup) {
		if (p->reserved)
			tally_release(ls->tally, p->pkey, p->norm);
	} else if (ls->tally && p->norm) {
		bool held = job->u.answer.pending;
		tally_add(ls->tally, id, p->pkey, p->norm, job->u.answer.at_ms, held, false,
		          p->reserved);
		if (held)
			tally_set_pending(ls->tally, id, true);
		live_dirty(p->app, s);
	}
	map_put(&s->seen, p->seen, id);
	/* A duplicate this node has not counted: another node stored it, and
	 * the bus's reload may have run while this retry was in flight (it
	 * leaves answers in flight here to this function). Read it now. */
	if (dup && ls->tally && !tally_has(ls->tally, id))
		nodes_reload(p->app, s);
	if (!dup)
		metrics_inc(METRIC_ANSWERS_STORED);
	succeed(p->app, s, p->req, p->form, dup ? 200 : 201, id, !dup && job->u.answer.pending,
	        ls->id, p->set_cookie);
out:
	json_decref(p->norm);
	free(p->value_text);
	free(p);
}

/* Held back for a moderator: the question asks for it, or a word of the
 * filter's list is in it. A vote is never held back. */
static bool held_back(app_t *a, const live_slide_t *ls, const json_t *norm)
{
	if (json_object_get(norm, "upvote"))
		return false;
	return ls->s.approve || filter_match_json(a->filter, norm);
}

/* The one-vote rule the database checks too, for answers taken by several
 * nodes at once (store.h): a vote is one per slide, an upvote one per
 * question. */
static int once_rule(const live_slide_t *ls, const json_t *norm)
{
	if (ls->s.kind == SLIDE_CHOICE || ls->s.kind == SLIDE_SCALE || ls->s.kind == SLIDE_RANK)
		return STORE_ONCE_SLIDE;
	if (ls->s.kind == SLIDE_QA && json_object_get(norm, "upvote"))
		return STORE_ONCE_VALUE;
	return STORE_ONCE_NONE;
}

static pending_t *pending_new(app_t *a, session_t *s, live_slide_t *ls, http_request_t *req,
                              const char *participant_hex, const char *client_id, bool form,
                              const char *set_cookie)
{
	pending_t *p = xcalloc(1, sizeof *p);
	p->job.kind = STORE_JOB_ANSWER;
	p->job.done = stored;
	p->job.u.answer.session_id = s->row.id;
	p->job.u.answer.slide_id = ls->id;
	p->job.u.answer.at_ms = store_now_ms();
	copy_text(p->job.u.answer.participant, sizeof p->job.u.answer.participant, participant_hex);
	copy_text(p->job.u.answer.client_id, sizeof p->job.u.answer.client_id, client_id);
	p->app = a;
	p->session = s;
	p->slide = ls;
	p->req = req;
	p->form = form;
	copy_text(p->set_cookie, sizeof p->set_cookie, set_cookie);
	return p;
}

/* A process's online channel takes answers on its question topics from the
 * residents its posts take them from: only the panel when it is
 * invitation-only, only confirmed addresses when it asks for one
 * (login_mail_refusal). NULL when this participant may answer. */
static const char *website_refusal(app_t *a, const session_t *s, uint64_t pkey,
                                   const char *set_cookie)
{
	process_t *p = process_by_event(a, s->row.event_id);
	if (!p || p->session_id != s->row.id || (!p->invite_only && !p->email_required))
		return NULL;
	return login_mail_refusal(a, p, pkey, !set_cookie[0]);
}

void answers_submit(app_t *a, session_t *s, http_request_t *req, const char *participant_hex,
                    uint64_t pkey, const char *client_id, int64_t slide_id, json_t *value,
                    bool form, const char *set_cookie)
{
	const char *lang = s->lang;
	uint64_t seen = live_seen_key(a, client_id);
	int64_t known;
	if (map_get(&s->seen, seen, &known)) {
		if (known > 0) {
			succeed(a, s, req, form, 200, known, false, slide_id, set_cookie);
			return;
		}
		/* The first attempt is still being written: queue behind it;
		 * the writer then finds it and answers 200. Should the first
		 * attempt fail, this one is stored in its place, so it must be
		 * a valid answer too. */
		live_slide_t *ls = live_slide_by_id(s, slide_id);
		char msg[256];
		json_t *norm = NULL;
		if (!ls || !ls->tally) {
			fail(a, s, req, form, 409, "not_current", tr(lang, "err.not_current"),
			     set_cookie);
			return;
		}
		int rc = answer_validate(&ls->s, value, lang, &norm, msg, sizeof msg);
		if (rc < 0) {
			fail(a, s, req, form, rc == ANSWER_ETOOLONG ? 413 : 400,
			     rc == ANSWER_ETOOLONG ? "too_long" : "invalid", msg, set_cookie);
			return;
		}
		pending_t *p =
		    pending_new(a, s, ls, req, participant_hex, client_id, form, set_cookie);
		p->norm = norm;
		p->value_text = answer_norm_text(norm);
		p->job.u.answer.value = p->value_text;
		p->job.u.answer.pending = held_back(a, ls, norm);
		p->job.u.answer.once = once_rule(ls, norm);
		p->pkey = pkey;
		p->seen = seen;
		store_submit(a->store, &p->job);
		return;
	}
	if (s->row.status != 0) {
		fail(a, s, req, form, 409, "ended", tr(lang, "err.ended"), set_cookie);
		return;
	}
	/* Live, only the presenter's slide takes answers; self-paced, any
	 * question of the session does. */
	live_slide_t *ls = s->row.self_paced ? live_slide_by_id(s, slide_id) : live_current(s);
	if (s->row.self_paced && (!ls || !ls->tally)) {
		fail(a, s, req, form, 400, "invalid", tr(lang, "err.no_question"), set_cookie);
		return;
	}
	const char *why = s->row.self_paced ? website_refusal(a, s, pkey, set_cookie) : NULL;
	if (why) {
		fail(a, s, req, form, 403, "not_allowed", tr(lang, why), set_cookie);
		return;
	}
	if (ls->id != slide_id || !ls->tally) {
		fail(a, s, req, form, 409, "not_current", tr(lang, "err.not_current"), set_cookie);
		return;
	}
	if (!s->row.open) {
		fail(a, s, req, form, 409, "closed", tr(lang, "err.closed"), set_cookie);
		return;
	}
	int retry;
	if (!bucket_take(&a->budget, pkey, uv_now(a->loop), true, &retry)) {
		char extra[256];
		snprintf(extra, sizeof extra, "Retry-After: %d\r\n%s", retry, set_cookie);
		fail(a, s, req, form, 429, "rate_limited", tr(lang, "err.rate"), extra);
		return;
	}
	char msg[256];
	json_t *norm = NULL;
	int rc = answer_validate(&ls->s, value, lang, &norm, msg, sizeof msg);
	if (rc == ANSWER_ETOOLONG) {
		fail(a, s, req, form, 413, "too_long", msg, set_cookie);
		return;
	}
	if (rc < 0) {
		fail(a, s, req, form, 400, "invalid", msg, set_cookie);
		return;
	}
	rc = tally_reserve(ls->tally, pkey, norm);
	if (rc < 0) {
		static const struct {
			int rc, status;
			const char *code, *key;
		} map[] = {
		    {TALLY_ELIMIT, 409, "limit", "err.limit"},
		    {TALLY_EVOTED, 409, "already_answered", "err.already"},
		    {TALLY_ENOITEM, 400, "invalid", "err.noitem"},
		    {TALLY_EOWN, 409, "own_question", "err.own"},
		};
		size_t i = 0;
		while (i + 1 < sizeof map / sizeof *map && map[i].rc != rc)
			i++;
		json_decref(norm);
		fail(a, s, req, form, map[i].status, map[i].code, tr(lang, map[i].key), set_cookie);
		return;
	}
	pending_t *p = pending_new(a, s, ls, req, participant_hex, client_id, form, set_cookie);
	p->norm = norm;
	p->value_text = answer_norm_text(norm);
	p->job.u.answer.value = p->value_text;
	p->job.u.answer.pending = held_back(a, ls, norm);
	p->job.u.answer.once = once_rule(ls, norm);
	p->pkey = pkey;
	p->seen = seen;
	p->reserved = true;
	map_put(&s->seen, seen, 0);
	store_submit(a->store, &p->job);
}

static bool valid_client_id(const char *id)
{
	size_t n = 0;
	for (; id[n]; n++) {
		char c = id[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return n >= 8 && n <= 64;
}

void answers_post_json(app_t *a, session_t *s, http_request_t *req)
{
	char hex[33], cookie[160];
	uint64_t pkey;
	auth_participant(a, req, hex, &pkey, cookie);
	if (req->body_len > ANSWER_BODY_MAX) {
		refuse(req, 413, "too_long", tr(s->lang, "err.body"), cookie);
		return;
	}
	/* The usual body, read the short way; anything else in full below. */
	answer_envelope_t env;
	if (answer_envelope(req->body, req->body_len, &env) == 0) {
		if (!valid_client_id(env.id))
			refuse(req, 400, "invalid", tr(s->lang, "err.id"), cookie);
		else
			answers_submit(a, s, req, hex, pkey, env.id, env.slide, env.value, false,
			               cookie);
		json_decref(env.value);
		return;
	}
	json_error_t jerr;
	json_t *root = json_loadb(req->body, req->body_len, 0, &jerr);
	if (!root || !json_is_object(root)) {
		/* Only our own words: jansson's message is English and names its
		 * flags ("... not allowed without JSON_ALLOW_NUL"). Issue 11. */
		json_decref(root);
		refuse(req, 400, "invalid", tr(s->lang, "err.json"), cookie);
		return;
	}
	json_t *id = json_object_get(root, "id");
	json_t *slide = json_object_get(root, "slide");
	json_t *value = json_object_get(root, "value");
	const char *problem = NULL;
	if (!json_is_string(id) || !valid_client_id(json_string_value(id)))
		problem = "err.id";
	else if (!json_is_integer(slide))
		problem = "err.slide";
	else if (!value)
		problem = "err.value";
	if (problem) {
		refuse(req, 400, "invalid", tr(s->lang, problem), cookie);
		json_decref(root);
		return;
	}
	answers_submit(a, s, req, hex, pkey, json_string_value(id), json_integer_value(slide),
	               value, false, cookie);
	json_decref(root);
}

/* Reads field name (index-th of that name) as a whole number. */
static bool form_int(const http_request_t *req, const char *name, size_t index, long long *out)
{
	char v[32], *end;
	if (http_form_field(req->body, req->body_len, name, index, v, sizeof v) <= 0)
		return false;
	*out = strtoll(v, &end, 10);
	return *end == '\0';
}

/* ---- the form fallback's fields as the JSON value of each kind ---- */

typedef json_t *form_reader_fn(const http_request_t *req, const slide_t *sl, char *buf,
                               size_t buflen);

/* open: the text; qa: the text, or the question an "upvote" button names */
static json_t *form_text(const http_request_t *req, const slide_t *sl, char *buf, size_t buflen)
{
	long long n;
	if (sl->kind == SLIDE_QA && form_int(req, "upvote", 0, &n))
		return json_pack("{s:I}", "upvote", (json_int_t)n);
	if (http_form_field(req->body, req->body_len, "value", 0, buf, buflen) < 0)
		return json_string("");
	return json_string(buf);
}

/* cloud: one field per entry, blank ones left out */
static json_t *form_words(const http_request_t *req, const slide_t *sl, char *buf, size_t buflen)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < 64; i++) {
		int len = http_form_field(req->body, req->body_len, "value", i, buf, buflen);
		if (len < 0)
			break;
		if (len > 0 && strspn(buf, " \t\r\n") < (size_t)len)
			json_array_append_new(arr, json_string(buf));
	}
	return arr;
}

/* choice, rank: the option indexes in the order given */
static json_t *form_indexes(const http_request_t *req, const slide_t *sl, char *buf, size_t buflen)
{
	long long n;
	json_t *arr = json_array();
	for (size_t i = 0; i < 64 && form_int(req, "value", i, &n); i++)
		json_array_append_new(arr, json_integer(n));
	return arr;
}

/* scale: field sN holds the rating of statement N (0 when missing) */
static json_t *form_ratings(const http_request_t *req, const slide_t *sl, char *buf, size_t buflen)
{
	long long n;
	json_t *arr = json_array();
	for (size_t i = 0; i < sl->n_items; i++) {
		char name[32];
		snprintf(name, sizeof name, "s%zu", i);
		json_array_append_new(arr, json_integer(form_int(req, name, 0, &n) ? n : 0));
	}
	return arr;
}

/* One reader per kind (the form that pages.c draws for it); a kind
 * without one (content) reads as null, which answer_validate refuses. */
static form_reader_fn *const form_readers[] = {
    [SLIDE_OPEN] = form_text,      [SLIDE_QA] = form_text,      [SLIDE_CLOUD] = form_words,
    [SLIDE_CHOICE] = form_indexes, [SLIDE_RANK] = form_indexes, [SLIDE_SCALE] = form_ratings,
};

/* The form fallback's fields as the JSON value of the slide's kind. */
static json_t *form_value(const http_request_t *req, const live_slide_t *ls, char *buf,
                          size_t buflen)
{
	size_t k = (size_t)ls->s.kind;
	if (k >= sizeof form_readers / sizeof *form_readers || !form_readers[k])
		return json_null();
	return form_readers[k](req, &ls->s, buf, buflen);
}

void answers_post_form(app_t *a, session_t *s, http_request_t *req)
{
	char hex[33], cookie[160], id[80];
	uint64_t pkey;
	long long slide;
	auth_participant(a, req, hex, &pkey, cookie);
	if (req->body_len > ANSWER_BODY_MAX) {
		pages_participant(a, s, req, 413, tr(s->lang, "err.body"), true, cookie);
		return;
	}
	if (http_form_field(req->body, req->body_len, "id", 0, id, sizeof id) < 0 ||
	    !valid_client_id(id) || !form_int(req, "slide", 0, &slide)) {
		pages_participant(a, s, req, 400, tr(s->lang, "err.form"), true, cookie);
		return;
	}
	live_slide_t *ls = live_slide_by_id(s, slide);
	if (!ls) {
		if (s->row.self_paced)
			pages_participant(a, s, req, 400, tr(s->lang, "err.no_question"), true,
			                  cookie);
		else
			pages_participant(a, s, req, 409, tr(s->lang, "err.not_current"), true,
			                  cookie);
		return;
	}
	size_t buflen = req->body_len + 1;
	char *buf = xmalloc(buflen);
	json_t *value = form_value(req, ls, buf, buflen);
	free(buf);
	answers_submit(a, s, req, hex, pkey, id, slide, value, true, cookie);
	json_decref(value);
}
