/*
 * process_sync: the website on several nodes (docs/deploy.md, "Several
 * nodes"; nodes.c does the same for the sessions).
 *
 * Every node keeps every process with its posts and marks in memory
 * (process.h, invariant 1). A node that committed a change tells the
 * others (process__changed: a BUS_SITE note naming the event, which the
 * bus coalesces to one per event and interval); they read that process
 * again off the loop (nodes_read, through a->peer) and merge it:
 *
 *  1. Posts and marks only grow: a post not known here is added, a mark not
 *     known is remembered, and a post's counts become the larger of the
 *     stored and the known ones (a count here may hold a commit of this
 *     node that the read began before). That a support counts once per
 *     participant is the database's rule (post_marks' primary key), so it
 *     holds whichever nodes the two supports went through.
 *  2. The configuration (phases, topics, published, slug...), the event's
 *     title and a post's flags (hidden, pending, reviewed) are taken as
 *     stored, unless a change of this node was applied while the read ran
 *     (p->local_gen moved) or a save of this node is in flight: then the
 *     process is read again, so that an older read never undoes a newer
 *     change.
 *  3. One read at a time; events heard meanwhile wait in a list and go in
 *     the next read. When news may have been missed (a gap, a
 *     reconnection) every process is read, and new ones are added.
 *  4. A process whose row is gone (its event was deleted on another node)
 *     is unpublished here, as process_forget does.
 *  5. A process's online channel (a self-paced session) that another node
 *     started is loaded here too (nodes_load_session), so that its link
 *     and its questions' answers are on every node's pages; the ended
 *     sessions' answers to its question topics are read (off the loop,
 *     process__refresh_then) when it is new here or its questions changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/process.h"
#include "util/log.h"
#include "util/xalloc.h"

typedef struct fresh_mark {
	int64_t post_id;
	int kind;
	uint64_t pkey;
} fresh_mark_t;

/* One process as stored: p holds its configuration and posts (counted
 * from the marks), with only its own map; nothing of the app's. */
typedef struct fresh {
	int64_t event_id;
	process_t *p; /* NULL once adopted */
	bool bad;     /* the configuration is damaged: only posts are merged */
	fresh_mark_t *marks;
	size_t n_marks, cap_marks;
} fresh_t;

typedef struct gen {
	int64_t event_id;
	uint64_t local_gen;
} gen_t;

typedef struct sync_read {
	app_write_t w; /* first: the callbacks get &w */
	bool all;
	int64_t *ids; /* the events to read, unless all */
	size_t n_ids;
	gen_t *gens; /* the processes' local_gen when the read began */
	size_t n_gens;
	/* out */
	int rc;
	fresh_t *f;
	size_t n, cap;
} sync_read_t;

struct process_sync {
	bool busy; /* a read is in flight */
	bool all;  /* every process waits to be read */
	int64_t *ids;
	size_t n, cap;
};

static struct process_sync *state(app_t *a)
{
	if (!a->process_sync)
		a->process_sync = xcalloc(1, sizeof *a->process_sync);
	return a->process_sync;
}

uint64_t process__revision_start(void)
{
	static uint64_t start;
	if (!start)
		start = (uint64_t)(randombytes_uniform(1u << 20) + 1) << 32;
	return start;
}

void process__changed(app_t *a, process_t *p, bool config)
{
	if (config)
		p->local_gen++;
	bus_note(a->bus, BUS_SITE, (uint64_t)p->event_id, 0, 1);
}

/* ---- the read, on a pool thread: touches nothing of the app's ---- */

static bool wanted(const sync_read_t *r, int64_t event_id)
{
	if (r->all)
		return true;
	for (size_t i = 0; i < r->n_ids; i++)
		if (r->ids[i] == event_id)
			return true;
	return false;
}

static void row(const store_process_t *sp, void *arg)
{
	sync_read_t *r = arg;
	if (!wanted(r, sp->event_id))
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 8;
		r->f = xrealloc(r->f, r->cap * sizeof *r->f);
	}
	fresh_t *f = &r->f[r->n++];
	*f = (fresh_t){.event_id = sp->event_id, .p = xcalloc(1, sizeof *f->p)};
	process_t *p = f->p;
	p->event_id = sp->event_id;
	p->session_id = sp->session_id;
	p->slug = sp->slug ? xstrdup(sp->slug) : NULL;
	p->published = sp->published;
	json_t *c = json_loads(sp->config, 0, NULL);
	f->bad = !c || process__config_read(p, c, NULL, NULL, NULL) != NULL;
	json_decref(c);
}

static void post(const store_post_t *sp, void *arg)
{
	process_t *p = ((fresh_t *)arg)->p;
	if (p->n_posts == p->cap_posts) {
		p->cap_posts = p->cap_posts ? 2 * p->cap_posts : 64;
		p->posts = xrealloc(p->posts, p->cap_posts * sizeof *p->posts);
	}
	p->posts[p->n_posts] = process__post_from_row(sp);
	map_put(&p->by_id, map_key((uint64_t)sp->id), (int64_t)p->n_posts);
	p->n_posts++;
}

static void mark(int64_t post_id, int kind, const char *participant, void *arg)
{
	fresh_t *f = arg;
	int64_t k;
	if (!map_get(&f->p->by_id, map_key((uint64_t)post_id), &k))
		return;
	if (kind == STORE_MARK_SUPPORT)
		f->p->posts[k].supports++;
	else
		f->p->posts[k].flags++;
	if (f->n_marks == f->cap_marks) {
		f->cap_marks = f->cap_marks ? 2 * f->cap_marks : 64;
		f->marks = xrealloc(f->marks, f->cap_marks * sizeof *f->marks);
	}
	f->marks[f->n_marks++] = (fresh_mark_t){
	    .post_id = post_id, .kind = kind, .pkey = live_participant_key(participant)};
}

static void read_run(app_write_t *w)
{
	sync_read_t *r = (sync_read_t *)w;
	r->rc = store_processes(w->st, row, r);
	for (size_t i = 0; r->rc == STORE_OK && i < r->n; i++) {
		fresh_t *f = &r->f[i];
		r->rc = store_posts(w->st, f->p->event_id, post, mark, f);
		store_event_t ev = {0};
		if (r->rc == STORE_OK && store_event_get(w->st, f->p->event_id, &ev) == STORE_OK) {
			f->p->title = ev.title, f->p->lang = ev.lang;
			ev.title = ev.lang = NULL;
		}
		store_event_clear(&ev);
	}
}

/* ---- the merge, on the loop ---- */

static void read_start(app_t *a);

static void again(app_t *a, int64_t event_id)
{
	struct process_sync *s = state(a);
	for (size_t i = 0; i < s->n; i++)
		if (s->ids[i] == event_id)
			return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->ids = xrealloc(s->ids, s->cap * sizeof *s->ids);
	}
	s->ids[s->n++] = event_id;
}

static uint64_t gen_at_start(const sync_read_t *r, int64_t event_id)
{
	for (size_t i = 0; i < r->n_gens; i++)
		if (r->gens[i].event_id == event_id)
			return r->gens[i].local_gen;
	return 0;
}

/* Moves n's configuration, slug, state and title into p (as a save
 * does, process_ws.c); n keeps its posts. */
static void take_config(process_t *p, process_t *n)
{
	process__config_take(p, n);
	free(p->slug);
	p->slug = n->slug;
	n->slug = NULL;
	p->published = n->published;
	p->session_id = n->session_id;
	if (n->title) {
		free(p->title);
		free(p->lang);
		p->title = n->title, p->lang = n->lang;
		n->title = n->lang = NULL;
	}
}

static void merge_marks(app_t *a, const fresh_t *f)
{
	for (size_t i = 0; i < f->n_marks; i++)
		map_put(&a->marks,
		        process__mark_key(f->marks[i].post_id, f->marks[i].kind, f->marks[i].pkey),
		        1);
}

static void refreshed(app_t *a, process_t *p, const store_slide_t *rows, size_t n, void *arg)
{
	(void)a, (void)p, (void)rows, (void)n, (void)arg; /* nobody waits */
}

/* Whether n's topics ask other questions than p's: the ended sessions'
 * answers shown for them are read again then. */
static bool questions_differ(const process_t *p, const process_t *n)
{
	if (p->n_topics != n->n_topics)
		return true;
	for (size_t i = 0; i < p->n_topics; i++)
		if (p->topics[i].slide != n->topics[i].slide)
			return true;
	return false;
}

/* A process not known here: fresh's p becomes the app's. */
static void adopt(app_t *a, fresh_t *f)
{
	process_t *p = f->p;
	f->p = NULL;
	if (!p->title)
		p->title = xstrdup("");
	if (!p->lang)
		p->lang = xstrdup("nl");
	p->revision = process__revision_start();
	a->processes = xrealloc(a->processes, (a->n_processes + 1) * sizeof *a->processes);
	int64_t pi = (int64_t)a->n_processes;
	a->processes[a->n_processes++] = p;
	for (size_t i = 0; i < p->n_posts; i++)
		map_put(&a->post_process, map_key((uint64_t)p->posts[i].id), pi);
	merge_marks(a, f);
	p->revision++;
	/* the meeting's answers to its question topics, off the loop */
	process__refresh_then(a, p, refreshed, NULL);
}

/* Merges fresh into the known p (invariants 1 and 2); false when its
 * configuration or flags were left for another read. */
static bool merge(app_t *a, process_t *p, fresh_t *f, uint64_t gen)
{
	bool take = !f->bad && p->local_gen == gen && !p->saving && !p->purging;
	bool questions = take && questions_differ(p, f->p);
	if (take)
		take_config(p, f->p);
	if (questions)
		process__refresh_then(a, p, refreshed, NULL);
	process_t *n = f->p;
	for (size_t i = 0; i < n->n_posts; i++) {
		post_t *q = &n->posts[i];
		int64_t k;
		if (!map_get(&p->by_id, map_key((uint64_t)q->id), &k)) {
			process__add_post(a, p, q);
			q->body = NULL; /* now p's */
			continue;
		}
		post_t *e = &p->posts[k];
		if (take) {
			e->hidden = q->hidden, e->pending = q->pending, e->reviewed = q->reviewed;
			e->pkey = q->pkey; /* a retention's purge unties them */
		}
		if (q->supports > e->supports)
			e->supports = q->supports;
		if (q->flags > e->flags)
			e->flags = q->flags;
	}
	merge_marks(a, f);
	p->revision++;
	return take || f->bad;
}

/* The event was deleted on another node: as process_forget, untold. */
static void unpublish(process_t *p)
{
	p->published = false;
	free(p->slug);
	p->slug = NULL;
	p->revision++;
}

static void read_free(sync_read_t *r)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->f[i].p)
			process__free(r->f[i].p);
		free(r->f[i].marks);
	}
	free(r->f);
	free(r->ids);
	free(r->gens);
	free(r);
}

static void read_done(app_write_t *w, int status)
{
	sync_read_t *r = (sync_read_t *)w;
	app_t *a = w->app;
	struct process_sync *s = state(a);
	s->busy = false;
	if (atomic_load(&a->stopping)) {
		read_free(r);
		return;
	}
	if (status < 0 || r->rc != STORE_OK) {
		/* The database is away: not again at once; the next news,
		 * or the bus's reconnection, reads every process. */
		log_warn("website: news of another node not read");
		s->all = true;
		read_free(r);
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		fresh_t *f = &r->f[i];
		process_t *p = process_by_event(a, f->event_id);
		if (!p && f->bad)
			log_warn("process of event %lld: its configuration is damaged",
			         (long long)f->event_id);
		else if (!p)
			adopt(a, f);
		else if (!merge(a, p, f, gen_at_start(r, f->event_id)))
			again(a, f->event_id);
		/* its online channel, started by another node: read once */
		if ((p = process_by_event(a, f->event_id)))
			nodes_load_session(a, p->session_id);
	}
	/* the rows that are gone (invariant 4) */
	for (size_t i = 0; i < a->n_processes; i++) {
		process_t *p = a->processes[i];
		bool found = false;
		for (size_t k = 0; k < r->n && !found; k++)
			found = r->f[k].event_id == p->event_id;
		if (found || !p->published || !wanted(r, p->event_id))
			continue;
		if (p->saving || p->local_gen != gen_at_start(r, p->event_id))
			again(a, p->event_id);
		else
			unpublish(p);
	}
	read_free(r);
	/* the next read, of what waits; not from here when reads run on
	 * the loop (no a->peer: tests), where a save in flight would make
	 * it recurse: the next news starts it then */
	if (a->peer)
		read_start(a);
}

static void read_start(app_t *a)
{
	struct process_sync *s = state(a);
	if (s->busy || (!s->all && s->n == 0))
		return;
	sync_read_t *r = xcalloc(1, sizeof *r);
	r->all = s->all;
	r->ids = s->ids, r->n_ids = s->n;
	s->ids = NULL, s->n = s->cap = 0;
	s->all = false;
	r->gens = xcalloc(a->n_processes + 1, sizeof *r->gens);
	for (size_t i = 0; i < a->n_processes; i++)
		r->gens[r->n_gens++] =
		    (gen_t){a->processes[i]->event_id, a->processes[i]->local_gen};
	s->busy = true;
	nodes_read(a, &r->w, read_run, read_done);
}

void process_heard(app_t *a, int64_t event_id)
{
	if (event_id == 0)
		state(a)->all = true;
	else
		again(a, event_id);
	read_start(a);
}

void process_sync_free(app_t *a)
{
	if (!a->process_sync)
		return;
	free(a->process_sync->ids);
	free(a->process_sync);
	a->process_sync = NULL;
}
