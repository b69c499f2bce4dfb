/*
 * nodes: several inspraak processes serving the same sessions from one
 * database (DESIGN.md, "Scale"; docs/deploy.md, "Several nodes").
 *
 * Each node keeps its own copy of every session it serves: state and
 * tallies, filled from the database and kept up to date by what it
 * commits itself (live.c, answers.c) and by what the bus tells it others
 * committed (store/bus.h). Phone traffic never crosses nodes: a node hears
 * only "session 12's tallies changed", and reads the rest itself.
 *
 *  1. Reading: every read for the bus or for a code not in memory runs on
 *     the thread pool through a connection of its own (a->peer), one at a
 *     time (a->peers); the loop never waits for the database. Without a
 *     second connection (no db_path: tests) the reads run on the loop.
 *  2. A reload merges, it does not replace: answers not yet counted here
 *     are added (the database's flags with them), and the flags of those
 *     counted are set as stored, except while a moderator's change of this
 *     node is in flight (s->moderating), which would be undone for a
 *     moment. An answer this node is writing (its client id is in seen
 *     with id 0) is left to answers.c, which counts it after its commit.
 *     The state is taken only when newer (live_adopt).
 *     Only what changed since the last reload is read (store_answers_since:
 *     on PostgreSQL, rows written by transactions that had not ended when
 *     the last read began), so a session of many answers costs little per
 *     message.
 *  3. One reload per session at a time; news that comes meanwhile marks it
 *     stale, and it runs again when the first is back, so a burst of
 *     messages costs at most two reads.
 *  4. A code not in memory (made by another node, or by `inspraak import`
 *     on the same SQLite file) is looked up off the loop and the request is
 *     handled again once it is loaded. A code not found is remembered for
 *     UNKNOWN_MS, so a flood of unknown codes costs one read per code and
 *     interval (and the per-address look-up budget of routes.c still holds);
 *     at most LOOKUPS_MAX look-ups wait, the rest are answered 404.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/internal.h"
#include "util/log.h"
#include "util/xalloc.h"

enum {
	UNKNOWN_MS = 2000,
	UNKNOWN_MAX = 100000, /* codes remembered; forgotten all at once past it */
	LOOKUPS_MAX = 256,
};

typedef struct answer_row {
	int64_t id, slide_id, at_ms;
	uint64_t pkey, seen;
	json_t *norm;
	bool hidden, answered, pending, pinned;
} answer_row_t;

typedef struct job {
	uv_work_t work;
	app_t *app;
	store_t *st;
	session_t *session; /* a reload's (sessions stay in memory until exit) */
	bool answers;       /* a reload reads the answers too, not only the row */
	int64_t cursor;     /* store_answers_since's, from and for s->answers_cursor */
	http_request_t *req;
	char code[12];
	/* out */
	int rc;
	store_session_t row;
	answer_row_t *rows;
	size_t n, cap;
	session_t *fresh; /* a look-up's session, read whole */
	store_event_t ev; /* a deck's (deck_run) */
	store_slide_t *slides;
	size_t n_slides;
} job_t;

static void job_free(job_t *j)
{
	for (size_t i = 0; i < j->n; i++)
		json_decref(j->rows[i].norm);
	free(j->rows);
	live_free(j->fresh);
	store_event_clear(&j->ev);
	store_slides_free(j->slides, j->n_slides);
	free(j);
}

/* Runs run(j) off the loop (or on it, without a second connection), then
 * after(j) on the loop. */
static void start(app_t *a, job_t *j, uv_work_cb run, uv_after_work_cb after)
{
	j->app = a;
	j->work.data = j;
	if (!a->peer) {
		j->st = a->store;
		run(&j->work);
		after(&j->work, 0);
		return;
	}
	j->st = a->peer;
	a->pool_jobs++;
	app_queue_work(a, &a->peers, &j->work, run, after);
}

/* ---- reloading what another node changed ---- */

static void collect(const store_answer_t *ans, void *arg)
{
	job_t *j = arg;
	json_t *norm = json_loads(ans->value, JSON_DECODE_ANY, NULL);
	if (!norm)
		return; /* logged when the session was loaded */
	if (j->n == j->cap) {
		j->cap = j->cap ? 2 * j->cap : 64;
		j->rows = xrealloc(j->rows, j->cap * sizeof *j->rows);
	}
	j->rows[j->n++] = (answer_row_t){
	    .id = ans->id,
	    .slide_id = ans->slide_id,
	    .at_ms = ans->at_ms,
	    .pkey = live_participant_key(ans->participant),
	    .seen = live_seen_key(j->app, ans->client_id),
	    .norm = norm,
	    .hidden = ans->hidden,
	    .answered = ans->answered,
	    .pending = ans->pending,
	    .pinned = ans->pinned,
	};
}

static void reload_run(uv_work_t *w)
{
	job_t *j = w->data;
	j->rc = store_session_by_code(j->st, j->code, &j->row);
	if (j->rc == STORE_OK && j->answers)
		j->rc = store_answers_since(j->st, j->row.id, &j->cursor, collect, j);
}

/* Merges the rows read into s's tallies (invariant 2); true when a tally
 * changed. *skipped is set when a row was left alone (flags while
 * s->moderating, an answer in flight here): the rows must be read again. */
static bool merge(session_t *s, const job_t *j, bool *skipped)
{
	bool changed = false;
	for (size_t i = 0; i < j->n; i++) {
		const answer_row_t *r = &j->rows[i];
		live_slide_t *ls = live_slide_by_id(s, r->slide_id);
		int64_t known;
		if (!ls || !ls->tally)
			continue;
		if (map_get(&s->seen, r->seen, &known) && known == 0) {
			/* being written here: answers.c counts it, unless it
			 * turns out a duplicate (then it asks for a reload,
			 * which must read this row again) */
			*skipped = true;
			continue;
		}
		if (!tally_has(ls->tally, r->id)) {
			tally_add(ls->tally, r->id, r->pkey, r->norm, r->at_ms, r->hidden,
			          r->answered, false);
			if (r->pending)
				tally_set_pending(ls->tally, r->id, true);
			if (r->pinned)
				tally_set_pinned(ls->tally, r->id, true);
			map_put(&s->seen, r->seen, r->id);
			changed = true;
			continue;
		}
		if (s->moderating) {
			*skipped = true;
			continue;
		}
		uint64_t v = tally_version(ls->tally);
		tally_set_hidden(ls->tally, r->id, r->hidden);
		if (r->hidden)
			tally_set_pending(ls->tally, r->id, r->pending);
		tally_set_pinned(ls->tally, r->id, r->pinned);
		tally_set_answered(ls->tally, r->id, r->answered);
		changed |= tally_version(ls->tally) != v;
	}
	return changed;
}

static void reload(app_t *a, session_t *s, bool answers);

static void reload_after(uv_work_t *w, int status)
{
	job_t *j = w->data;
	app_t *a = j->app;
	session_t *s = j->session;
	if (a->peer)
		a->pool_jobs--;
	s->reloading = false;
	bool again = s->stale; /* news came while this read ran */
	if (status < 0 || (j->rc < 0 && j->rc != STORE_NOTFOUND)) {
		/* The database is away. Not again at once: the next news, or
		 * the bus's reconnection, reloads. */
		s->stale = true;
		again = false;
	} else if (j->rc == STORE_NOTFOUND) {
		if (s->row.status == 0)
			live_retire(a, s); /* its event was deleted on another node */
	} else {
		live_adopt(a, s, &j->row);
		bool skipped = false;
		if (merge(s, j, &skipped))
			live_dirty_quiet(a, s);
		/* read from here on next time, unless something was left */
		if (j->answers && !skipped)
			s->answers_cursor = j->cursor;
	}
	job_free(j);
	if (again && !atomic_load(&a->stopping))
		reload(a, s, true);
}

static void reload(app_t *a, session_t *s, bool answers)
{
	if (s->reloading) {
		s->stale = true; /* invariant 3 */
		return;
	}
	s->stale = false;
	s->reloading = true;
	job_t *j = xcalloc(1, sizeof *j);
	j->session = s;
	j->answers = answers;
	j->cursor = s->answers_cursor;
	snprintf(j->code, sizeof j->code, "%s", s->row.code);
	start(a, j, reload_run, reload_after);
}

void nodes_reload(app_t *a, session_t *s)
{
	reload(a, s, true);
}

static session_t *session_by_id(app_t *a, int64_t id)
{
	for (size_t i = 0; i < a->n_sessions; i++)
		if (a->sessions[i]->row.id == id)
			return a->sessions[i];
	return NULL;
}

/* ---- a deck replaced on another node (BUS_DECK) ---- */

static void deck_run(uv_work_t *w)
{
	job_t *j = w->data;
	j->rc = store_session_by_code(j->st, j->code, &j->row);
	if (j->rc == STORE_OK)
		j->rc = store_event_get(j->st, j->row.event_id, &j->ev);
	if (j->rc == STORE_OK)
		j->rc = store_event_slides(j->st, j->row.event_id, &j->slides, &j->n_slides);
	if (j->rc == STORE_OK && j->n_slides == 0)
		j->rc = STORE_NOTFOUND;
}

static void deck_after(uv_work_t *w, int status)
{
	job_t *j = w->data;
	app_t *a = j->app;
	session_t *s = j->session;
	if (a->peer)
		a->pool_jobs--;
	if (status == 0 && j->rc == STORE_OK && s->row.status == 0) {
		if (live_deck_adopt(a, s, &j->ev, j->slides, j->n_slides, &j->row) < 0)
			log_error("session %s: the deck another node replaced cannot be read",
			          s->row.code);
		j->slides = NULL; /* taken */
		j->n_slides = 0;
	} else if (status < 0 || (j->rc < 0 && j->rc != STORE_NOTFOUND)) {
		/* the database is away: the bus's reconnection reads the
		 * decks again (heard) */
		log_warn("session %s: the deck another node replaced was not read", s->row.code);
	}
	job_free(j);
}

static void deck_reload(app_t *a, session_t *s)
{
	job_t *j = xcalloc(1, sizeof *j);
	j->session = s;
	snprintf(j->code, sizeof j->code, "%s", s->row.code);
	start(a, j, deck_run, deck_after);
}

/* ---- budgets shared by the nodes (util/bucket.h) ---- */

/* The numbers the sets have on the bus: never change one (nodes of two
 * versions may share a bus while one is upgraded). */
enum {
	SET_BUDGET = 1,
	SET_LOOKUPS = 2,
	SET_REACTS = 3,
	SET_MAIL_REQUESTS = 4,
	SET_MAIL_PEERS = 5,
	SET_LOGINS = 6,
};

static bucket_set_t *set_of(app_t *a, uint64_t id)
{
	switch (id) {
	case SET_BUDGET: return &a->budget;
	case SET_LOOKUPS: return &a->lookups;
	case SET_REACTS: return &a->reacts;
	case SET_MAIL_REQUESTS: return &a->mail_requests;
	case SET_MAIL_PEERS: return &a->mail_peers;
	case SET_LOGINS: return &a->logins;
	}
	return NULL;
}

static void spent(const bucket_set_t *b, uint64_t key, unsigned n, void *arg)
{
	app_t *a = arg;
	bus_note(a->bus, BUS_SPENT, b->id, key, n);
}

static void share_buckets(app_t *a)
{
	/* an address's digest the same on every node: its key from the
	 * store's secret, as the participant keys are (auth.c) */
	unsigned char key[16];
	crypto_generichash(key, sizeof key, (const unsigned char *)"peer", 4,
	                   store_secret(a->store), 32);
	http_set_peer_key(key);
	sodium_memzero(key, sizeof key);
	for (unsigned id = SET_BUDGET; id <= SET_LOGINS; id++) {
		bucket_set_t *b = set_of(a, id);
		b->id = id;
		b->spent = spent;
		b->spent_arg = a;
	}
}

static void noted(const bus_note_t *n, void *arg)
{
	app_t *a = arg;
	switch (n->kind) {
	case BUS_SPENT: {
		bucket_set_t *b = set_of(a, n->a);
		if (b)
			bucket_charge(b, n->b, n->n, uv_now(a->loop));
		break;
	}
	case BUS_REACT: {
		session_t *s = n->a <= INT64_MAX ? session_by_id(a, (int64_t)n->a) : NULL;
		if (!s || n->b >= REACTIONS_N || s->row.status != 0)
			break;
		uint32_t *r = &s->reacted[n->b];
		*r = n->n > UINT32_MAX - *r ? UINT32_MAX : *r + n->n;
		live_dirty_quiet(a, s); /* shown with the next flush, not told again */
		break;
	}
	case BUS_PERSON:
		if (n->a <= INT64_MAX)
			login_mail_heard(a, (int64_t)n->a, n->b);
		break;
	}
	/* a kind not known here comes from a newer node: left alone */
}

static void heard(const bus_change_t *c, void *arg)
{
	app_t *a = arg;
	if (!c) {
		/* a deck's news may be what was missed: decks are read too,
		 * and taken only when they differ (live_deck_adopt) */
		for (size_t i = 0; i < a->n_sessions; i++)
			if (a->sessions[i]->row.status == 0) {
				reload(a, a->sessions[i], true);
				deck_reload(a, a->sessions[i]);
			}
		login_mail_resync(a);
		return;
	}
	session_t *s = session_by_id(a, c->session_id);
	if (!s)
		return; /* not served here yet: read whole when first asked for */
	if (c->what & BUS_DECK)
		deck_reload(a, s); /* reads the row with the deck */
	if (c->what & BUS_TALLY)
		reload(a, s, true);
	else if (!(c->what & BUS_DECK) && c->revision >= s->row.revision)
		reload(a, s, false);
}

/* ---- codes not in memory ---- */

static void lookup_run(uv_work_t *w)
{
	job_t *j = w->data;
	j->rc = store_session_by_code(j->st, j->code, &j->row);
	/* an ended session is not served (as after a restart) */
	if (j->rc == STORE_OK && j->row.status != 0)
		j->rc = STORE_NOTFOUND;
	if (j->rc == STORE_OK)
		j->rc = live_read(j->app, j->st, &j->row, &j->fresh);
}

static void lookup_after(uv_work_t *w, int status)
{
	job_t *j = w->data;
	app_t *a = j->app;
	if (a->peer)
		a->pool_jobs--;
	a->lookups_waiting--;
	http_request_t *req = j->req;
	if (status == 0 && j->rc == STORE_OK && !live_find(a, j->code)) {
		live_add(a, j->fresh);
		j->fresh = NULL;
	} else if (status == 0 && j->rc == STORE_NOTFOUND) {
		if (a->unknown.n >= UNKNOWN_MAX)
			map_free(&a->unknown);
		map_put(&a->unknown, map_key(strtoull(j->code, NULL, 10)),
		        (int64_t)(uv_now(a->loop) + UNKNOWN_MS));
	}
	bool failed = status < 0 || (j->rc < 0 && j->rc != STORE_NOTFOUND);
	job_free(j);
	if (failed || atomic_load(&a->stopping)) {
		http_respond_error(req, 503, "unavailable", tr_req(req, "err.unavailable"), NULL);
		return;
	}
	app_handle(req, a); /* now in memory, or known not to be */
}

bool nodes_lookup(app_t *a, http_request_t *req, const char *code)
{
	uint64_t key = map_key(strtoull(code, NULL, 10));
	int64_t until;
	if (map_get(&a->unknown, key, &until)) {
		if ((uint64_t)until > uv_now(a->loop))
			return false;
		map_del(&a->unknown, key);
	}
	if (a->lookups_waiting >= LOOKUPS_MAX)
		return false;
	a->lookups_waiting++;
	job_t *j = xcalloc(1, sizeof *j);
	j->req = req;
	snprintf(j->code, sizeof j->code, "%s", code);
	start(a, j, lookup_run, lookup_after);
	return true;
}

/* ---- life cycle ---- */

int nodes_open(app_t *a, const char *bus_url, const char *db_path, char *err, size_t errlen)
{
	a->peers.limit = 1; /* one connection: one read at a time */
	if (db_path && store_open(db_path, &a->peer, err, errlen) != STORE_OK)
		return UV_EIO;
	if (bus_open(a->loop, bus_url, heard, a, &a->bus, err, errlen) < 0)
		return UV_EINVAL;
	bus_on_note(a->bus, noted, a);
	if (strcmp(bus_engine_name(a->bus), "none"))
		share_buckets(a);
	return 0;
}

void nodes_close(app_t *a)
{
	bus_close(a->bus);
	a->bus = NULL;
}
