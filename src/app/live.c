/*
 * live: the sessions that are running, their state and their streams.
 *
 * A session's state (slide, voting open, results shown) changes only here,
 * through live_changed: the revision grows, the state is serialised once
 * into a shared frame and written to every stream, then saved by the
 * store's writer. Tallies change in answers.c and are published coalesced
 * by the flush timer: at most ten frames a second per slide, whatever the
 * rate of answers (DESIGN.md, step 4).
 *
 * A slide with results_on_phones also sends its results to the phones:
 * one frame per tally version, shared by every participant stream, at most
 * two a second per session. Phones are many (tens of thousands on one
 * session), so their frame is smaller than the presenter's: the newest
 * open answers and the most frequent words only, no times, no counts of
 * hidden answers.
 *
 * A self-paced session (store.h) has a current slide too, for its presenter
 * screen, but its phones are not on it: they get the state and nothing of
 * that slide (questionnaire.c serves them every question).
 *
 * A question with a timer (issue 12) closes its voting by itself: the
 * countdown starts when the question is open on a live session (a new
 * slide, or L to open it again) and stops when voting closes for any
 * reason. The state carries "closes_at" (wall-clock ms), so a phone that
 * reconnects shows the time left; one loop timer waits for the earliest
 * deadline of all sessions and closes through live_changed, like the
 * presenter's L.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "util/metrics.h"
#include "util/log.h"
#include "util/xalloc.h"

enum {
	FLUSH_INTERVAL_MS = 100,  /* presenters and moderators */
	PHONES_INTERVAL_MS = 500, /* results on phones */
	PHONES_ITEMS_MAX = 20,    /* open answers listed on phones, newest first */
	PHONES_WORDS_MAX = 30,    /* cloud words listed on phones, most frequent first */
};

uint64_t live_participant_key(const char *hex)
{
	uint64_t k = 0;
	for (int i = 0; i < 16 && hex[i]; i++) {
		char c = hex[i];
		k = k << 4 | (uint64_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	return map_key(k);
}

uint64_t live_seen_key(app_t *a, const char *client_id)
{
	unsigned char out[crypto_shorthash_BYTES];
	crypto_shorthash(out, (const unsigned char *)client_id, strlen(client_id), a->hash_key);
	uint64_t k;
	memcpy(&k, out, sizeof k);
	return map_key(k);
}

session_t *live_find(app_t *a, const char *code)
{
	if (!is_code(code))
		return NULL;
	int64_t idx;
	if (!map_get(&a->by_code, map_key(strtoull(code, NULL, 10)), &idx))
		return NULL;
	return a->sessions[idx];
}

live_slide_t *live_current(session_t *s)
{
	return &s->slides[s->row.slide_index];
}

live_slide_t *live_slide_by_id(session_t *s, int64_t id)
{
	for (size_t i = 0; i < s->n_slides; i++)
		if (s->slides[i].id == id)
			return &s->slides[i];
	return NULL;
}

/* An ended session tells the public only that it ended (and in which
 * language to say so): no title, no slide, nothing to learn from its code. */
static json_t *ended_state(session_t *s)
{
	return json_pack(
	    "{s:I, s:s, s:s, s:s, s:{s:s}, s:b, s:b, s:{s:i, s:s, s:s, s:s, s:i, s:i}}", "revision",
	    (json_int_t)s->row.revision, "code", s->row.code, "status", "ended", "mode",
	    s->row.self_paced ? "self-paced" : "live", "event", "lang", s->lang, "open", 0,
	    "results", 0, "slide", "id", 0, "kind", "content", "title", "", "html", "", "index", 0,
	    "count", 0);
}

static void build_state(app_t *a, session_t *s)
{
	if (s->row.status != 0) {
		json_t *st = ended_state(s);
		free(s->state);
		s->state = json_dumps(st, JSON_COMPACT);
		json_decref(st);
		sse_frame_unref(s->state_frame);
		s->state_frame = sse_frame_event("state", s->row.revision, "state", s->state);
		return;
	}
	live_slide_t *ls = live_current(s);
	json_t *slide = slide_to_json(&ls->s, false);
	json_object_set_new(slide, "id", json_integer(ls->id));
	json_object_set_new(slide, "index", json_integer(s->row.slide_index));
	json_object_set_new(slide, "count", json_integer((json_int_t)s->n_slides));
	char url[512];
	snprintf(url, sizeof url, "%s/%s", a->public_url, s->row.code);
	if (s->closes_at)
		json_object_set_new(slide, "closes_at", json_integer(s->closes_at));
	json_t *st = json_pack("{s:I, s:s, s:s, s:s, s:s, s:{s:I, s:s, s:s, s:s}, s:b, s:b, s:o}",
	                       "revision", (json_int_t)s->row.revision, "code", s->row.code,
	                       "status", s->row.status ? "ended" : "live", "mode",
	                       s->row.self_paced ? "self-paced" : "live", "join_url", url, "event",
	                       "id", (json_int_t)s->row.event_id, "title", s->title, "subtitle",
	                       s->subtitle, "lang", s->lang, "open", s->row.open, "results",
	                       s->row.results, "slide", slide);
	if (s->reactions)
		json_object_set_new(st, "reactions", json_true());
	free(s->state);
	s->state = json_dumps(st, JSON_COMPACT);
	json_decref(st);
	sse_frame_unref(s->state_frame);
	s->state_frame = sse_frame_event("state", s->row.revision, "state", s->state);
}

json_t *live_qa_slide(const live_slide_t *ls)
{
	json_t *t = tally_json(ls->tally, false);
	json_t *r = json_pack("{s:I, s:O}", "slide", (json_int_t)ls->id, "items",
	                      json_object_get(t, "items"));
	json_decref(t);
	return r;
}

json_t *live_qa(session_t *s)
{
	live_slide_t *ls = live_current(s);
	/* a self-paced session's phones are not on the presenter's slide */
	if (ls->s.kind != SLIDE_QA || s->row.self_paced)
		return NULL;
	return live_qa_slide(ls);
}

static sse_frame_t *qa_frame(session_t *s)
{
	json_t *q = live_qa(s);
	if (!q)
		return NULL;
	char *d = json_dumps(q, JSON_COMPACT);
	json_decref(q);
	sse_frame_t *f = sse_frame_event("qa", -1, "qa", d);
	free(d);
	return f;
}

static json_t *slide_result(live_slide_t *ls, bool with_hidden)
{
	json_t *t = tally_json(ls->tally, with_hidden);
	json_object_set_new(t, "id", json_integer(ls->id));
	return t;
}

static sse_frame_t *result_frame(live_slide_t *ls, bool with_hidden)
{
	json_t *t = slide_result(ls, with_hidden);
	char *d = json_dumps(t, JSON_COMPACT);
	json_decref(t);
	char key[32];
	snprintf(key, sizeof key, "results:%lld", (long long)ls->id);
	sse_frame_t *f = sse_frame_event(key, -1, "results", d);
	free(d);
	return f;
}

/* ---- results on phones ---- */

/* Whether phones get the current slide's results now: the slide asks for
 * it, the presenter shows results, and the session runs. A Q&A slide's list
 * already reaches phones as its qa event, so it needs no second copy. */
static bool phones_show(session_t *s)
{
	live_slide_t *ls = live_current(s);
	return s->row.status == 0 && !s->row.self_paced && s->row.results && ls->tally &&
	       ls->s.results_on_phones && ls->s.kind != SLIDE_QA;
}

/* Keeps the first max entries of the array under key. */
static void keep_first(json_t *t, const char *key, size_t max)
{
	json_t *arr = json_object_get(t, key);
	while (json_array_size(arr) > max)
		json_array_remove(arr, json_array_size(arr) - 1);
}

json_t *live_phones_json(const live_slide_t *ls)
{
	json_t *t = tally_json(ls->tally, false);
	/* Nothing that could tell who wrote what, nor what was held back. */
	json_object_del(t, "hidden");
	keep_first(t, "items", PHONES_ITEMS_MAX);
	keep_first(t, "words", PHONES_WORDS_MAX);
	size_t i;
	json_t *it;
	json_array_foreach (json_object_get(t, "items"), i, it)
		json_object_del(it, "at");
	json_object_set_new(t, "id", json_integer(ls->id));
	return t;
}

/* The frame of the current slide's results for phones, made once per
 * tally version; borrowed (the session keeps it). */
static sse_frame_t *phones_frame(session_t *s)
{
	live_slide_t *ls = live_current(s);
	uint64_t v = tally_version(ls->tally);
	if (s->phones_frame && s->phones_slide == ls->id && s->phones_version == v)
		return s->phones_frame;
	json_t *t = live_phones_json(ls);
	char *d = json_dumps(t, JSON_COMPACT);
	json_decref(t);
	sse_frame_unref(s->phones_frame);
	/* one key for every slide: a slow phone keeps only the newest */
	s->phones_frame = sse_frame_event("results", -1, "results", d);
	free(d);
	s->phones_slide = ls->id;
	s->phones_version = v;
	return s->phones_frame;
}

/* True when phones should get results they do not have yet. */
static bool phones_behind(session_t *s)
{
	if (!phones_show(s))
		return false;
	live_slide_t *ls = live_current(s);
	return s->phones_sent_slide != ls->id || s->phones_sent_version != tally_version(ls->tally);
}

static void phones_publish(app_t *a, session_t *s)
{
	sse_frame_t *f = phones_frame(s);
	s->phones_sent_slide = s->phones_slide;
	s->phones_sent_version = s->phones_version;
	s->phones_sent_at = uv_now(a->loop);
	if (sse_hub_count(s->participants))
		sse_hub_publish(s->participants, f);
}

json_t *live_results(session_t *s, bool with_hidden)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < s->n_slides; i++)
		if (s->slides[i].tally)
			json_array_append_new(arr, slide_result(&s->slides[i], with_hidden));
	return json_pack("{s:s, s:I, s:o}", "code", s->row.code, "revision",
	                 (json_int_t)s->row.revision, "slides", arr);
}

bool live_find_answer(app_t *a, int64_t id, session_t **out, live_slide_t **ls)
{
	for (size_t i = 0; i < a->n_sessions; i++) {
		session_t *s = a->sessions[i];
		for (size_t k = 0; k < s->n_slides; k++) {
			if (s->slides[k].tally && tally_has(s->slides[k].tally, id)) {
				*out = s;
				*ls = &s->slides[k];
				return true;
			}
		}
	}
	return false;
}

/* ---- changes of state ---- */

typedef struct save {
	store_job_t job;
	app_t *app;
	session_t *session;
	http_request_t *req;
} save_t;

static void saved(store_job_t *job)
{
	save_t *sv = (save_t *)job;
	sv->session->saving--;
	/* Committed: other nodes may read it now (bus.h, invariant 1). */
	if (job->status == STORE_OK) {
		/* a deck replaced here (live_reload_rows) is committed already */
		unsigned what = BUS_STATE | (sv->session->deck_news ? BUS_DECK : 0);
		sv->session->deck_news = false;
		bus_publish(sv->app->bus, sv->session->row.id, what, sv->session->row.revision);
	}
	if (sv->req) {
		if (job->status == STORE_OK) {
			http_respond(sv->req, 200, "application/json; charset=utf-8", NULL,
			             sv->session->state, strlen(sv->session->state));
		} else {
			http_respond_error(sv->req, 503, "unavailable",
			                   "the change could not be saved; try again", NULL);
		}
	}
	free(sv);
}

/* Whether the event's deck turns reactions on. The deck was checked when
 * it was saved; one that no longer parses has them off. */
static bool deck_says_reactions(const char *md)
{
	deck_t *d = NULL;
	char err[160];
	if (!md || deck_parse(md, strlen(md), &d, err, sizeof err) < 0)
		return false;
	bool on = d->reactions;
	deck_free(d);
	return on;
}

/* ---- the countdown ---- */

static void countdown_arm(app_t *a);

/* Starts or stops s's countdown to match its state; the timer follows. */
static void countdown_follow(app_t *a, session_t *s)
{
	live_slide_t *ls = live_current(s);
	bool runs = s->row.status == 0 && !s->row.self_paced && s->row.open && ls->s.timer > 0;
	if (!runs) {
		s->closes_at = 0;
		s->countdown_slide = 0;
	} else if (!s->closes_at || s->countdown_slide != ls->id) {
		s->closes_at = store_now_ms() + (int64_t)ls->s.timer * 1000;
		s->countdown_slide = ls->id;
	}
	countdown_arm(a);
}

static void countdown_fire(uv_timer_t *t)
{
	app_t *a = t->data;
	int64_t now = store_now_ms();
	for (size_t i = 0; i < a->n_sessions; i++) {
		session_t *s = a->sessions[i];
		if (s->closes_at && s->closes_at <= now) {
			s->row.open = false;
			live_changed(a, s, NULL); /* stops the countdown, saves the state */
		}
	}
	/* The wall clock may have moved under the loop's: what is not yet
	 * due gets the timer again. */
	countdown_arm(a);
}

static void countdown_arm(app_t *a)
{
	if (!a->countdown_timer.data)
		return; /* before live_flush_init: it arms the timer itself */
	int64_t next = 0;
	for (size_t i = 0; i < a->n_sessions; i++) {
		int64_t c = a->sessions[i]->closes_at;
		if (c && (!next || c < next))
			next = c;
	}
	if (!next) {
		uv_timer_stop(&a->countdown_timer);
		return;
	}
	int64_t wait = next - store_now_ms();
	uv_timer_start(&a->countdown_timer, countdown_fire, wait > 0 ? (uint64_t)wait : 0, 0);
}

/* Sends s's new state to every stream of this node. */
static void publish_state(app_t *a, session_t *s)
{
	countdown_follow(a, s);
	build_state(a, s);
	sse_hub_publish(s->participants, s->state_frame);
	sse_hub_publish(s->presenters, s->state_frame);
	sse_hub_publish(s->moderators, s->state_frame);
	sse_frame_t *q = qa_frame(s);
	if (q) {
		sse_hub_publish(s->participants, q);
		sse_frame_unref(q);
	}
	/* A new slide, or results shown again: phones get them with the
	 * state, not half a second later. */
	if (phones_behind(s))
		phones_publish(a, s);
}

void live_changed(app_t *a, session_t *s, http_request_t *req)
{
	s->row.revision++;
	publish_state(a, s);
	save_t *sv = xcalloc(1, sizeof *sv);
	sv->job.kind = STORE_JOB_SESSION;
	sv->job.done = saved;
	sv->job.u.session = s->row;
	sv->app = a;
	sv->session = s;
	sv->req = req;
	s->saving++;
	store_submit(a->store, &sv->job);
}

bool live_adopt(app_t *a, session_t *s, const store_session_t *row)
{
	store_session_t *r = &s->row;
	if (row->revision < r->revision)
		return false;
	/* The same revision may have been made here and on another node at
	 * once; the stored one wins, once this node's own save is done. */
	if (row->revision == r->revision &&
	    (s->saving || (row->slide_index == r->slide_index && row->open == r->open &&
	                   row->results == r->results && row->status == r->status)))
		return false;
	*r = *row;
	if (r->slide_index < 0 || (size_t)r->slide_index >= s->n_slides)
		r->slide_index = 0;
	publish_state(a, s);
	return true;
}

/* ---- coalesced results ---- */

static void schedule(app_t *a, uint64_t due);

static void flush(uv_timer_t *t)
{
	app_t *a = t->data;
	a->flush_pending = false;
	uint64_t now = uv_now(a->loop), next_phones = 0;
	a->last_flush = now;
	for (size_t i = 0; i < a->n_sessions; i++) {
		session_t *s = a->sessions[i];
		if (!s->dirty)
			continue;
		s->dirty = false;
		/* What this node counted is committed: tell the other nodes. */
		if (s->bus_dirty) {
			s->bus_dirty = false;
			bus_publish(a->bus, s->row.id, BUS_TALLY, s->row.revision);
		}
		live_slide_t *cur = live_current(s);
		for (size_t k = 0; k < s->n_slides; k++) {
			live_slide_t *ls = &s->slides[k];
			if (!ls->tally || tally_version(ls->tally) == ls->sent_version)
				continue;
			ls->sent_version = tally_version(ls->tally);
			if (sse_hub_count(s->presenters)) {
				sse_frame_t *f = result_frame(ls, false);
				sse_hub_publish(s->presenters, f);
				sse_frame_unref(f);
			}
			if (sse_hub_count(s->moderators)) {
				sse_frame_t *f = result_frame(ls, true);
				sse_hub_publish(s->moderators, f);
				sse_frame_unref(f);
			}
			if (ls == cur && ls->s.kind == SLIDE_QA && sse_hub_count(s->participants)) {
				sse_frame_t *f = qa_frame(s);
				if (f)
					sse_hub_publish(s->participants, f);
				sse_frame_unref(f);
			}
		}
		json_t *r = reactions_take(s);
		if (r && sse_hub_count(s->presenters)) {
			char *d = json_dumps(r, JSON_COMPACT);
			sse_frame_t *f = sse_frame_event("reactions", -1, "reactions", d);
			sse_hub_publish(s->presenters, f);
			sse_frame_unref(f);
			free(d);
		}
		json_decref(r);
		if (phones_behind(s)) {
			uint64_t due = s->phones_sent_at + PHONES_INTERVAL_MS;
			if (now >= due || s->phones_sent_slide != cur->id) {
				phones_publish(a, s);
			} else {
				/* too soon for phones: this session waits for the next round */
				s->dirty = true;
				if (!next_phones || due < next_phones)
					next_phones = due;
			}
		}
	}
	if (next_phones)
		schedule(a, next_phones);
}

/* Makes the flush timer fire at loop time due, or earlier if it already will. */
static void schedule(app_t *a, uint64_t due)
{
	if (a->flush_pending && a->flush_due <= due)
		return;
	uint64_t now = uv_now(a->loop);
	a->flush_pending = true;
	a->flush_due = due;
	uv_timer_start(&a->flush_timer, flush, due > now ? due - now : 0, 0);
}

void live_dirty(app_t *a, session_t *s)
{
	s->bus_dirty = true;
	live_dirty_quiet(a, s);
}

void live_dirty_quiet(app_t *a, session_t *s)
{
	s->dirty = true;
	schedule(a, a->last_flush + FLUSH_INTERVAL_MS);
}

void live_flush_init(app_t *a)
{
	uv_timer_init(a->loop, &a->flush_timer);
	a->flush_timer.data = a;
	uv_timer_init(a->loop, &a->countdown_timer);
	a->countdown_timer.data = a;
	/* Started again after a restart: an open question with a timer gets
	 * its whole time again. The state is new, so its revision grows (a
	 * phone that reconnects gets it), but it is not saved: the store's
	 * writer does not run yet, and the next change saves the row anyway. */
	for (size_t i = 0; i < a->n_sessions; i++) {
		session_t *s = a->sessions[i];
		countdown_follow(a, s);
		if (s->closes_at) {
			s->row.revision++;
			build_state(a, s);
		}
	}
}

/* ---- streams ---- */

void live_stream(app_t *a, session_t *s, http_request_t *req, int kind)
{
	const char *last = http_header(req, "Last-Event-ID");
	sse_frame_t *first = s->state_frame;
	if (kind == STREAM_PARTICIPANT && last && strtoll(last, NULL, 10) == s->row.revision)
		first = NULL; /* the client has the current state already */
	sse_hub_t *hub = kind == STREAM_PARTICIPANT ? s->participants
	                 : kind == STREAM_PRESENTER ? s->presenters
	                                            : s->moderators;
	sse_stream_t *st = sse_begin(req, hub, first);
	if (!st)
		return;
	if (kind != STREAM_PARTICIPANT) {
		for (size_t k = 0; k < s->n_slides; k++) {
			if (!s->slides[k].tally)
				continue;
			sse_frame_t *f = result_frame(&s->slides[k], kind == STREAM_MODERATOR);
			sse_send(st, f);
			sse_frame_unref(f);
		}
	} else {
		sse_frame_t *q = qa_frame(s);
		if (q) {
			sse_send(st, q);
			sse_frame_unref(q);
		}
		if (phones_show(s))
			sse_send(st, phones_frame(s));
	}
}

/* ---- loading ---- */

static void load_answer(const store_answer_t *ans, void *arg)
{
	void **ctx = arg;
	app_t *a = ctx[0];
	session_t *s = ctx[1];
	live_slide_t *ls = live_slide_by_id(s, ans->slide_id);
	map_put(&s->seen, live_seen_key(a, ans->client_id), ans->id);
	if (!ls || !ls->tally)
		return;
	json_t *norm = json_loads(ans->value, JSON_DECODE_ANY, NULL);
	if (!norm) {
		log_warn("answer %lld has an unreadable value; left out of the tally",
		         (long long)ans->id);
		return;
	}
	tally_add(ls->tally, ans->id, live_participant_key(ans->participant), norm, ans->at_ms,
	          ans->hidden, ans->answered, false);
	if (ans->pending)
		tally_set_pending(ls->tally, ans->id, true);
	if (ans->pinned)
		tally_set_pinned(ls->tally, ans->id, true);
	json_decref(norm);
}

/* Fills s->slides from the store's rows, with a tally per question.
 * UV_EINVAL when a stored slide cannot be read (s->slides then holds the
 * slides before it, for free_slides). */
static int load_slides(session_t *s, const store_slide_t *rows, size_t n)
{
	s->slides = xcalloc(n, sizeof *s->slides);
	s->n_slides = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_loads(rows[i].json, 0, NULL);
		live_slide_t *ls = &s->slides[s->n_slides];
		if (!j || slide_from_json(j, &ls->s) < 0) {
			json_decref(j);
			log_error("session %s: slide %lld cannot be read", s->row.code,
			          (long long)rows[i].id);
			return UV_EINVAL;
		}
		json_decref(j);
		ls->id = rows[i].id;
		s->n_slides++;
	}
	for (size_t i = 0; i < s->n_slides; i++)
		if (slide_is_question(&s->slides[i].s))
			s->slides[i].tally = tally_new(&s->slides[i].s);
	if (s->row.slide_index < 0 || (size_t)s->row.slide_index >= s->n_slides)
		s->row.slide_index = 0;
	return 0;
}

static void free_slides(session_t *s)
{
	for (size_t i = 0; i < s->n_slides; i++) {
		if (s->slides[i].tally)
			tally_free(s->slides[i].tally);
		slide_clear(&s->slides[i].s);
	}
	free(s->slides);
	s->slides = NULL;
	s->n_slides = 0;
	/* the cached frame and what was sent name slides that are gone */
	sse_frame_unref(s->phones_frame);
	s->phones_frame = NULL;
	s->phones_slide = s->phones_sent_slide = 0;
	s->phones_version = s->phones_sent_version = 0;
}

/* A digest of what a session shows of its event: another node's news of a
 * deck is read again after a gap or a reconnection too, and taken only
 * when it differs (no state frame to every phone for nothing). */
static uint64_t deck_hash(const store_event_t *ev, const store_slide_t *rows, size_t n)
{
	crypto_generichash_state st;
	unsigned char out[8];
	uint64_t h;
	crypto_generichash_init(&st, NULL, 0, sizeof out);
	const char *parts[] = {ev->title, ev->subtitle, ev->lang, ev->deck_md};
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
		if (parts[i]) /* the terminator keeps the parts apart */
			crypto_generichash_update(&st, (const unsigned char *)parts[i],
			                          strlen(parts[i]) + 1);
	for (size_t i = 0; i < n; i++)
		if (rows[i].json)
			crypto_generichash_update(&st, (const unsigned char *)rows[i].json,
			                          strlen(rows[i].json) + 1);
	crypto_generichash_final(&st, out, sizeof out);
	memcpy(&h, out, sizeof h);
	return h;
}

/* Puts the deck read (ev, rows) in place of s's slides; takes ev's strings
 * and frees rows. Fails as load_slides. */
static int swap_deck(session_t *s, store_event_t *ev, store_slide_t *rows, size_t n)
{
	s->deck_hash = deck_hash(ev, rows, n);
	free_slides(s);
	int rc = load_slides(s, rows, n);
	store_slides_free(rows, n);
	free(s->title);
	free(s->subtitle);
	free(s->lang);
	s->title = ev->title;
	s->subtitle = ev->subtitle;
	s->lang = ev->lang;
	s->reactions = deck_says_reactions(ev->deck_md);
	free(ev->deck_md);
	*ev = (store_event_t){0};
	return rc;
}

int live_reload_rows(app_t *a, session_t *s, const store_event_t *ev, const store_slide_t *rows,
                     size_t n)
{
	if (n == 0)
		return UV_EIO;
	/* swap_deck takes what it is given: copies, since several sessions of
	 * the event may be given the same ev and rows (NULL stays NULL, for
	 * deck_hash to be the one another node computes) */
	const char *src[] = {ev->title, ev->subtitle, ev->lang, ev->deck_md};
	char *dup[4];
	for (size_t i = 0; i < 4; i++)
		dup[i] = src[i] ? xstrdup(src[i]) : NULL;
	store_event_t mine = {
	    .title = dup[0], .subtitle = dup[1], .lang = dup[2], .deck_md = dup[3]};
	store_slide_t *copy = xcalloc(n, sizeof *copy);
	for (size_t i = 0; i < n; i++)
		copy[i] = (store_slide_t){rows[i].id, rows[i].position,
		                          rows[i].json ? xstrdup(rows[i].json) : NULL};
	int rc = swap_deck(s, &mine, copy, n);
	if (rc < 0)
		return rc;
	s->deck_news = true; /* told with the save's change (saved) */
	live_changed(a, s, NULL);
	return 0;
}

int live_deck_adopt(app_t *a, session_t *s, store_event_t *ev, store_slide_t *rows, size_t n,
                    const store_session_t *row)
{
	if (deck_hash(ev, rows, n) == s->deck_hash) {
		store_event_clear(ev);
		store_slides_free(rows, n);
		live_adopt(a, s, row); /* the row may be news all the same */
		return 0;
	}
	int rc = swap_deck(s, ev, rows, n);
	/* The row was read with the deck: the same revision as here is taken
	 * too (the state is new whatever it says), an older one is not. */
	if (row->revision >= s->row.revision && !s->saving) {
		s->row = *row;
		if (s->row.slide_index < 0 || (size_t)s->row.slide_index >= s->n_slides)
			s->row.slide_index = 0;
	}
	publish_state(a, s);
	return rc;
}

void live_retire(app_t *a, session_t *s)
{
	map_del(&a->by_code, map_key(strtoull(s->row.code, NULL, 10)));
	s->closes_at = 0; /* no countdown closes a retired session */
	if (s->row.status == 0) {
		s->row.status = 1;
		s->row.open = false;
		s->row.revision++;
		build_state(a, s);
		sse_hub_publish(s->participants, s->state_frame);
		sse_hub_publish(s->presenters, s->state_frame);
		sse_hub_publish(s->moderators, s->state_frame);
	}
}

int live_read(app_t *a, store_t *st, const store_session_t *row, session_t **out)
{
	store_event_t ev = {0};
	store_slide_t *rows = NULL;
	size_t n = 0;
	if (store_event_get(st, row->event_id, &ev) ||
	    store_event_slides(st, row->event_id, &rows, &n) || n == 0) {
		log_error("session %s: its event cannot be read", row->code);
		store_event_clear(&ev);
		return UV_EIO;
	}
	session_t *s = xcalloc(1, sizeof *s);
	s->row = *row;
	s->deck_hash = deck_hash(&ev, rows, n);
	s->title = ev.title;
	s->subtitle = ev.subtitle;
	s->lang = ev.lang;
	s->reactions = deck_says_reactions(ev.deck_md);
	free(ev.deck_md);
	int rc = load_slides(s, rows, n);
	if (rc < 0) {
		store_slides_free(rows, n);
		live_free(s);
		return rc;
	}
	store_slides_free(rows, n);
	void *ctx[2] = {a, s};
	if (store_answers_load(st, s->row.id, load_answer, ctx)) {
		log_error("session %s: its answers cannot be read", row->code);
		live_free(s);
		return UV_EIO;
	}
	for (size_t i = 0; i < s->n_slides; i++)
		if (s->slides[i].tally)
			s->slides[i].sent_version = tally_version(s->slides[i].tally);
	*out = s;
	return 0;
}

void live_add(app_t *a, session_t *s)
{
	s->participants = sse_hub_new();
	s->presenters = sse_hub_new();
	s->moderators = sse_hub_new();
	sse_hub_set_gauge(s->participants, METRIC_STREAMS_PARTICIPANT);
	sse_hub_set_gauge(s->presenters, METRIC_STREAMS_PRESENTER);
	sse_hub_set_gauge(s->moderators, METRIC_STREAMS_MODERATOR);
	if (a->countdown_timer.data) /* after start: as live_flush_init does */
		countdown_follow(a, s);
	build_state(a, s);
	a->sessions = xrealloc(a->sessions, (a->n_sessions + 1) * sizeof *a->sessions);
	map_put(&a->by_code, map_key(strtoull(s->row.code, NULL, 10)), (int64_t)a->n_sessions);
	a->sessions[a->n_sessions++] = s;
}

int live_load(app_t *a, const store_session_t *row)
{
	session_t *s;
	int rc = live_read(a, a->store, row, &s);
	if (rc < 0)
		return rc;
	live_add(a, s);
	return 0;
}

void live_free(session_t *s)
{
	if (!s)
		return;
	free_slides(s);
	if (s->participants)
		sse_hub_free(s->participants);
	if (s->presenters)
		sse_hub_free(s->presenters);
	if (s->moderators)
		sse_hub_free(s->moderators);
	sse_frame_unref(s->state_frame);
	free(s->state);
	free(s->title);
	free(s->subtitle);
	free(s->lang);
	map_free(&s->seen);
	free(s);
}
