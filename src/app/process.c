/*
 * process: the website's processes in memory (docs/protocol.md,
 * "Processes"): finding them, their configuration (description, phases,
 * topics), loading them with their posts and the meeting's ended sessions
 * at start, and the retention's purge. The invariants are in process.h;
 * posts and the public API are process_post.c's, the workspace's calls
 * process_ws.c's, the public pages site.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/process.h"
#include "util/log.h"
#include "util/text.h"
#include "util/xalloc.h"

/* ---- the in-memory model ---- */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The key of a participant's mark in a->marks. */
uint64_t process__mark_key(int64_t post_id, int kind, uint64_t pkey)
{
	return map_key(mix64((uint64_t)post_id * 2 + (uint64_t)kind) ^ pkey);
}

bool process_marked(app_t *a, int64_t post_id, int kind, uint64_t pkey)
{
	return map_get(&a->marks, process__mark_key(post_id, kind, pkey), NULL);
}

void process__config_clear(process_t *p)
{
	for (size_t i = 0; i < p->n_phases; i++)
		free(p->phases[i].name);
	for (size_t i = 0; i < p->n_topics; i++) {
		free(p->topics[i].title);
		free(p->topics[i].body);
	}
	free(p->phases);
	free(p->topics);
	free(p->description);
	p->phases = NULL, p->topics = NULL, p->description = NULL;
	p->n_phases = p->n_topics = 0;
}

void process__config_take(process_t *p, process_t *n)
{
	process__config_clear(p);
	p->description = n->description, p->premoderate = n->premoderate;
	p->email_login = n->email_login;
	p->email_required = n->email_required, p->invite_only = n->invite_only;
	p->phases = n->phases, p->n_phases = n->n_phases;
	p->topics = n->topics, p->n_topics = n->n_topics;
	p->next_topic = n->next_topic;
	memcpy(p->retention, n->retention, sizeof p->retention);
	p->retention_at = n->retention_at;
	p->purged_at = n->purged_at;
	n->description = NULL, n->phases = NULL, n->topics = NULL, n->n_phases = n->n_topics = 0;
}

post_t process__post_from_row(const store_post_t *sp)
{
	return (post_t){
	    .id = sp->id,
	    .topic = sp->topic,
	    .parent = sp->parent,
	    .user_id = sp->user_id,
	    .at = sp->at_ms,
	    .kind = sp->kind,
	    .pkey = live_participant_key(sp->participant),
	    .body = xstrdup(sp->body ? sp->body : ""),
	    .hidden = sp->hidden,
	    .pending = sp->pending,
	    .reviewed = sp->reviewed,
	};
}

static void past_clear(process_t *p)
{
	for (size_t i = 0; i < p->n_past; i++) {
		for (size_t k = 0; k < p->past[i].n_slides; k++) {
			tally_free(p->past[i].slides[k].tally);
			slide_clear(&p->past[i].slides[k].s);
		}
		free(p->past[i].slides);
	}
	free(p->past);
	p->past = NULL;
	p->n_past = 0;
}

void process__free(process_t *p)
{
	process__config_clear(p);
	past_clear(p);
	for (size_t i = 0; i < p->n_posts; i++)
		free(p->posts[i].body);
	free(p->posts);
	map_free(&p->by_id);
	free(p->slug);
	free(p->title);
	free(p->lang);
	free(p);
}

void process_free_all(app_t *a)
{
	for (size_t i = 0; i < a->n_processes; i++)
		process__free(a->processes[i]);
	free(a->processes);
	process_sync_free(a);
	map_free(&a->marks);
	map_free(&a->post_process);
}

process_t *process_by_event(app_t *a, int64_t event_id)
{
	for (size_t i = 0; i < a->n_processes; i++)
		if (a->processes[i]->event_id == event_id)
			return a->processes[i];
	return NULL;
}

process_t *process_by_name(app_t *a, const char *name, size_t len)
{
	char buf[80];
	if (len == 0 || len >= sizeof buf)
		return NULL;
	memcpy(buf, name, len);
	buf[len] = '\0';
	char *end;
	long long id = strtoll(buf, &end, 10);
	for (size_t i = 0; i < a->n_processes; i++) {
		process_t *p = a->processes[i];
		if (!p->published)
			continue;
		if ((*end == '\0' && id == p->event_id) || (p->slug && strcmp(p->slug, buf) == 0))
			return p;
	}
	return NULL;
}

bool process_find_post(app_t *a, int64_t id, process_t **pp, post_t **post)
{
	int64_t pi, k;
	if (!map_get(&a->post_process, map_key((uint64_t)id), &pi) || (size_t)pi >= a->n_processes)
		return false;
	process_t *p = a->processes[pi];
	if (!map_get(&p->by_id, map_key((uint64_t)id), &k))
		return false;
	*pp = p;
	*post = &p->posts[k];
	return true;
}

proc_topic_t *process_topic(process_t *p, int64_t id)
{
	for (size_t i = 0; i < p->n_topics; i++)
		if (p->topics[i].id == id)
			return &p->topics[i];
	return NULL;
}

session_t *process_session(app_t *a, const process_t *p)
{
	for (size_t i = 0; p->session_id && i < a->n_sessions; i++)
		if (a->sessions[i]->row.id == p->session_id)
			return a->sessions[i]->row.status == 0 ? a->sessions[i] : NULL;
	return NULL;
}

live_slide_t *process_topic_slide(session_t *s, const proc_topic_t *t)
{
	live_slide_t *ls = s && t->slide ? live_slide_by_id(s, t->slide) : NULL;
	return ls && ls->tally ? ls : NULL;
}

bool process_topic_open(const process_t *p, const proc_topic_t *t, int64_t now, int64_t *until)
{
	if (t->phase < 0 || (size_t)t->phase >= p->n_phases) {
		if (until)
			*until = p->retention_at;
		return p->retention_at == 0 || now <= p->retention_at;
	}
	int64_t end = p->phases[t->phase].ends_at;
	if (p->retention_at && (end == 0 || p->retention_at < end))
		end = p->retention_at; /* nothing new after the retention's end */
	if (until)
		*until = end;
	return end == 0 || now <= end;
}

void process__add_post(app_t *a, process_t *p, const post_t *src)
{
	if (p->n_posts == p->cap_posts) {
		p->cap_posts = p->cap_posts ? 2 * p->cap_posts : 64;
		p->posts = xrealloc(p->posts, p->cap_posts * sizeof *p->posts);
	}
	p->posts[p->n_posts] = *src;
	map_put(&p->by_id, map_key((uint64_t)src->id), (int64_t)p->n_posts);
	p->n_posts++;
	int64_t pi = 0;
	while (a->processes[pi] != p)
		pi++;
	map_put(&a->post_process, map_key((uint64_t)src->id), pi);
}

/* ---- the configuration: description, phases, topics ---- */

/* The end of day YYYY-MM-DD in the server's time zone, in ms; 0 when empty;
 * -1 when it is no date. */
static int64_t date_end(const char *d)
{
	if (!d || !*d)
		return 0;
	int y, m, day;
	char tail;
	if (strlen(d) != 10 || sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 || m < 1 ||
	    m > 12 || day < 1 || day > 31 || y < 2000 || y > 2200)
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = day + 1, .tm_isdst = -1};
	time_t t = mktime(&tm); /* the start of the next day */
	if (t == (time_t)-1)
		return -1;
	return (int64_t)t * 1000 - 1;
}

/* A string field within limits (in characters); NULL with *bad set when
 * it is not. */
static char *field(json_t *o, const char *name, size_t min, size_t max, bool multiline,
                   const char **bad, const char *key)
{
	json_t *v = json_object_get(o, name);
	const char *s = v ? json_string_value(v) : "";
	if (!s) {
		*bad = key;
		return NULL;
	}
	char *c = text_clean(s, strlen(s), multiline);
	size_t n = c ? text_length(c, strlen(c)) : 0;
	if (!c || !text_valid(c, strlen(c)) || n < min || n > max) {
		free(c);
		*bad = key;
		return NULL;
	}
	return c;
}

/* Reads a configuration into p (empty, or with the previous topics in old
 * for their ids); slides_ok checks a question id. Returns NULL or the i18n
 * key of what is wrong; p then holds part of it (config_clear). */
const char *process__config_read(process_t *p, json_t *c, const process_t *old,
                                 bool (*slide_ok)(void *ctx, int64_t id), void *ctx)
{
	const char *bad = NULL;
	p->description = field(c, "description", 0, PROCESS_DESC_MAX, true, &bad, "process.desc");
	if (!p->description)
		return bad;
	p->premoderate = json_is_true(json_object_get(c, "premoderate"));
	p->email_login = json_is_true(json_object_get(c, "email_login"));
	p->email_required = p->email_login && json_is_true(json_object_get(c, "email_required"));
	p->invite_only = json_is_true(json_object_get(c, "invite_only"));
	const char *ret = json_string_value(json_object_get(c, "retention"));
	if (date_end(ret) < 0)
		return "process.date";
	snprintf(p->retention, sizeof p->retention, "%s", ret ? ret : "");
	p->retention_at = date_end(ret);
	json_t *purged = json_object_get(c, "purged_at");
	p->purged_at = json_is_integer(purged) ? json_integer_value(purged) : 0;
	json_t *phases = json_object_get(c, "phases"), *topics = json_object_get(c, "topics");
	if ((phases && !json_is_array(phases)) || json_array_size(phases) > PROCESS_PHASES_MAX)
		return "process.phases";
	if ((topics && !json_is_array(topics)) || json_array_size(topics) > PROCESS_TOPICS_MAX)
		return "process.topics";
	p->phases = xcalloc(json_array_size(phases) + 1, sizeof *p->phases);
	p->topics = xcalloc(json_array_size(topics) + 1, sizeof *p->topics);
	size_t i;
	json_t *it;
	json_array_foreach (phases, i, it) {
		proc_phase_t *ph = &p->phases[p->n_phases];
		if (!(ph->name = field(it, "name", 1, PROCESS_TITLE_MAX, false, &bad,
		                       "process.phase_name")))
			return bad;
		p->n_phases++;
		const char *st = json_string_value(json_object_get(it, "start"));
		const char *en = json_string_value(json_object_get(it, "end"));
		if (date_end(st) < 0 || date_end(en) < 0)
			return "process.date";
		snprintf(ph->start, sizeof ph->start, "%s", st ? st : "");
		snprintf(ph->end, sizeof ph->end, "%s", en ? en : "");
		if (ph->start[0] && ph->end[0] && strcmp(ph->start, ph->end) > 0)
			return "process.date_order";
		ph->ends_at = date_end(ph->end);
	}
	p->next_topic = old ? old->next_topic : 1;
	json_t *nt = json_object_get(c, "next_topic");
	if (json_is_integer(nt) && json_integer_value(nt) > p->next_topic)
		p->next_topic = json_integer_value(nt);
	json_array_foreach (topics, i, it) {
		proc_topic_t *t = &p->topics[p->n_topics];
		if (!(t->title = field(it, "title", 1, PROCESS_TITLE_MAX, false, &bad,
		                       "process.topic_title")))
			return bad;
		p->n_topics++;
		if (!(t->body =
		          field(it, "body", 0, PROCESS_DESC_MAX, true, &bad, "process.topic_body")))
			return bad;
		json_t *ph = json_object_get(it, "phase");
		t->phase = json_is_integer(ph) ? (int)json_integer_value(ph) : -1;
		if (ph && !json_is_null(ph) &&
		    (!json_is_integer(ph) || t->phase < -1 || t->phase >= (int)p->n_phases))
			return "process.topic_phase";
		json_t *sl = json_object_get(it, "slide");
		t->slide = json_is_integer(sl) ? json_integer_value(sl) : 0;
		if (t->slide && slide_ok && !slide_ok(ctx, t->slide))
			return "process.topic_slide";
		json_t *id = json_object_get(it, "id");
		int64_t want = json_is_integer(id) ? json_integer_value(id) : 0;
		/* an id is kept only when it was a topic already: posts hang on it */
		t->id = want > 0 && old && process_topic((process_t *)old, want) ? want
		        : want > 0 && !old && want < p->next_topic               ? want
		                                                                 : p->next_topic++;
		for (size_t k = 0; k + 1 < p->n_topics; k++)
			if (p->topics[k].id == t->id)
				t->id = p->next_topic++;
	}
	return NULL;
}

json_t *process__config_json(const process_t *p)
{
	json_t *phases = json_array(), *topics = json_array();
	for (size_t i = 0; i < p->n_phases; i++)
		json_array_append_new(
		    phases, json_pack("{s:s, s:s, s:s}", "name", p->phases[i].name, "start",
		                      p->phases[i].start, "end", p->phases[i].end));
	for (size_t i = 0; i < p->n_topics; i++) {
		const proc_topic_t *t = &p->topics[i];
		json_t *o = json_pack("{s:I, s:s, s:s, s:i}", "id", (json_int_t)t->id, "title",
		                      t->title, "body", t->body, "phase", t->phase);
		json_object_set_new(o, "slide", t->slide ? json_integer(t->slide) : json_null());
		json_array_append_new(topics, o);
	}
	json_t *o =
	    json_pack("{s:s, s:b, s:b, s:o, s:o, s:I, s:s, s:I}", "description", p->description,
	              "premoderate", p->premoderate, "email_login", p->email_login, "phases",
	              phases, "topics", topics, "next_topic", (json_int_t)p->next_topic,
	              "retention", p->retention, "purged_at", (json_int_t)p->purged_at);
	json_object_set_new(o, "email_required", json_boolean(p->email_required));
	json_object_set_new(o, "invite_only", json_boolean(p->invite_only));
	return o;
}

/* ---- loading ---- */

static void load_post(const store_post_t *sp, void *arg)
{
	void **ctx = arg;
	post_t post = process__post_from_row(sp);
	process__add_post(ctx[0], ctx[1], &post);
}

static void load_mark(int64_t post_id, int kind, const char *participant, void *arg)
{
	void **ctx = arg;
	app_t *a = ctx[0];
	process_t *p = ctx[1];
	int64_t k;
	if (!map_get(&p->by_id, map_key((uint64_t)post_id), &k))
		return;
	map_put(&a->marks, process__mark_key(post_id, kind, live_participant_key(participant)), 1);
	if (kind == STORE_MARK_SUPPORT)
		p->posts[k].supports++;
	else
		p->posts[k].flags++;
}

/*
 * A refresh reads the event's title and language and the ended sessions'
 * answers. It is taken in three steps so that the reading can run on a
 * pool thread (publishing: process__refresh_then): refresh_new copies on
 * the loop what the reading needs of loop-owned state (the topics'
 * questions, the sessions in memory); refresh_read reads through st only;
 * refresh_apply moves the result into the process, on the loop.
 */
typedef struct refresh {
	app_read_t job; /* first: the callbacks get &job */
	process_t *p;
	uint64_t gen; /* p->refresh_gen when it began */
	int64_t event_id;
	int64_t *topic_slides; /* the topics' question ids (0: none) */
	size_t n_topics;
	int64_t *live; /* the ids of the sessions in memory */
	size_t n_live;
	/* out */
	bool got_event;
	char *title, *lang;
	proc_past_t *past;
	size_t n_past;
	store_slide_t *rows;
	size_t n_rows;
	process_refresh_fn *then;
	void *arg;
} refresh_t;

static void past_answer(const store_answer_t *ans, void *arg)
{
	live_slide_t *ls = arg;
	json_t *norm = json_loads(ans->value, JSON_DECODE_ANY, NULL);
	if (!norm)
		return;
	tally_add(ls->tally, ans->id, live_participant_key(ans->participant), norm, ans->at_ms,
	          ans->hidden || ans->pending, ans->answered, false);
	json_decref(norm);
}

typedef struct past_ctx {
	store_t *st;
	refresh_t *r;
} past_ctx_t;

/* An ended session that is not in memory: its answers to the question
 * topics, once. */
static void past_session(const store_session_t *row, void *arg)
{
	past_ctx_t *c = arg;
	refresh_t *r = c->r;
	for (size_t i = 0; i < r->n_live; i++)
		if (r->live[i] == row->id)
			return;
	r->past = xrealloc(r->past, (r->n_past + 1) * sizeof *r->past);
	proc_past_t *pp = &r->past[r->n_past++];
	*pp = (proc_past_t){
	    .session_id = row->id, .started_at = row->started_at, .self_paced = row->self_paced};
	memcpy(pp->code, row->code, sizeof pp->code);
	pp->slides = xcalloc(r->n_topics + 1, sizeof *pp->slides);
	for (size_t t = 0; t < r->n_topics; t++) {
		for (size_t k = 0; r->topic_slides[t] && k < r->n_rows; k++) {
			if (r->rows[k].id != r->topic_slides[t])
				continue;
			live_slide_t *ls = &pp->slides[pp->n_slides];
			json_t *j = json_loads(r->rows[k].json, 0, NULL);
			if (!j || slide_from_json(j, &ls->s) < 0 || !slide_is_question(&ls->s)) {
				json_decref(j);
				slide_clear(&ls->s);
				break;
			}
			json_decref(j);
			ls->id = r->rows[k].id;
			ls->tally = tally_new(&ls->s);
			pp->n_slides++;
			store_answers_slide(c->st, row->id, ls->id, past_answer, ls);
			break;
		}
	}
}

static refresh_t *refresh_new(app_t *a, process_t *p)
{
	refresh_t *r = xcalloc(1, sizeof *r);
	r->p = p;
	r->gen = ++p->refresh_gen;
	r->event_id = p->event_id;
	r->n_topics = p->n_topics;
	r->topic_slides = xcalloc(p->n_topics + 1, sizeof *r->topic_slides);
	for (size_t t = 0; t < p->n_topics; t++)
		r->topic_slides[t] = p->topics[t].slide;
	r->n_live = a->n_sessions;
	r->live = xcalloc(a->n_sessions + 1, sizeof *r->live);
	for (size_t i = 0; i < a->n_sessions; i++)
		r->live[i] = a->sessions[i]->row.id;
	return r;
}

static void refresh_read(store_t *st, refresh_t *r)
{
	store_event_t ev = {0};
	if (store_event_get(st, r->event_id, &ev) == STORE_OK) {
		r->got_event = true;
		r->title = ev.title, r->lang = ev.lang;
		ev.title = ev.lang = NULL;
	}
	store_event_clear(&ev);
	if (store_event_slides(st, r->event_id, &r->rows, &r->n_rows) == STORE_OK) {
		past_ctx_t c = {st, r};
		store_event_sessions(st, r->event_id, past_session, &c);
	}
}

static void refresh_apply(process_t *p, refresh_t *r)
{
	if (r->got_event) {
		free(p->title);
		free(p->lang);
		p->title = r->title, p->lang = r->lang;
		r->title = r->lang = NULL;
	}
	if (!p->title)
		p->title = xstrdup("");
	if (!p->lang)
		p->lang = xstrdup("nl");
	past_clear(p);
	p->past = r->past, p->n_past = r->n_past;
	r->past = NULL, r->n_past = 0;
	p->revision++;
}

static void refresh_free(refresh_t *r)
{
	process_t tmp = {.past = r->past, .n_past = r->n_past};
	past_clear(&tmp);
	free(r->title);
	free(r->lang);
	store_slides_free(r->rows, r->n_rows);
	free(r->topic_slides);
	free(r->live);
	free(r);
}

void process__refresh(app_t *a, process_t *p)
{
	refresh_t *r = refresh_new(a, p);
	refresh_read(a->store, r);
	refresh_apply(p, r);
	refresh_free(r);
}

static void refresh_run(app_read_t *job)
{
	refresh_read(job->st, (refresh_t *)job);
}

static void refresh_done(app_read_t *job, int status)
{
	refresh_t *r = (refresh_t *)job;
	/* Only the latest refresh of p is taken: two saves in a row may
	 * come back in either order. p itself stays until exit. */
	if (status == 0 && r->gen == r->p->refresh_gen)
		refresh_apply(r->p, r);
	r->then(job->app, r->p, r->rows, r->n_rows, r->arg);
	refresh_free(r);
}

void process__refresh_then(app_t *a, process_t *p, process_refresh_fn *then, void *arg)
{
	refresh_t *r = refresh_new(a, p);
	r->then = then;
	r->arg = arg;
	app_read(a, &r->job, refresh_run, refresh_done);
}

static void load_process(const store_process_t *sp, void *arg)
{
	app_t *a = arg;
	process_t *p = xcalloc(1, sizeof *p);
	p->revision = process__revision_start();
	p->event_id = sp->event_id;
	p->session_id = sp->session_id;
	p->slug = sp->slug ? xstrdup(sp->slug) : NULL;
	p->published = sp->published;
	json_t *c = json_loads(sp->config, 0, NULL);
	const char *bad = c ? process__config_read(p, c, NULL, NULL, NULL) : "process.unreadable";
	json_decref(c);
	if (bad)
		log_warn("process of event %lld: its configuration is damaged (%s)",
		         (long long)p->event_id, bad);
	a->processes = xrealloc(a->processes, (a->n_processes + 1) * sizeof *a->processes);
	a->processes[a->n_processes++] = p;
	void *ctx[2] = {a, p};
	if (store_posts(a->store, p->event_id, load_post, load_mark, ctx) != STORE_OK)
		log_error("process of event %lld: its posts cannot be read",
		          (long long)p->event_id);
	process__refresh(a, p);
}

static void retention_tick(uv_timer_t *t)
{
	process_retention(t->data);
}

int process_load_all(app_t *a)
{
	int rc = store_processes(a->store, load_process, a);
	if (rc == STORE_OK) {
		/* the writer starts after app_new: the first check waits a second */
		uv_timer_init(a->loop, &a->retention_timer);
		a->retention_timer.data = a;
		uv_timer_start(&a->retention_timer, retention_tick, 1000, 10 * 60 * 1000);
	}
	return rc;
}

typedef struct retention_job {
	store_job_t job;
	app_t *app;
	process_t *p;
} retention_job_t;

static void retention_done(store_job_t *job)
{
	retention_job_t *rj = (retention_job_t *)job;
	process_t *p = rj->p;
	p->purging = false;
	if (job->status == STORE_OK) {
		p->purged_at = job->u.process.at_ms;
		/* no post is anyone's any more: keys nobody has */
		for (size_t i = 0; i < p->n_posts; i++)
			p->posts[i].pkey = mix64((uint64_t)p->posts[i].id ^ 0x5bd1e995u);
		p->revision++;
		process__changed(rj->app, p, true);
	} else {
		log_error("process of event %lld: the retention's purge failed; tried again later",
		          (long long)p->event_id);
	}
	free(job->u.process.slug);
	free(job->u.process.config);
	free(rj);
}

void process_retention(app_t *a)
{
	int64_t now = store_now_ms();
	for (size_t i = 0; i < a->n_processes; i++) {
		process_t *p = a->processes[i];
		/* the addresses go at the same moment (idempotent, and apart:
		 * their own connection on the pool) */
		if (p->retention_at && now > p->retention_at)
			login_mail_retention(a, p);
		if (!p->retention_at || now <= p->retention_at || p->purged_at > p->retention_at ||
		    p->purging || p->saving)
			continue;
		retention_job_t *rj = xcalloc(1, sizeof *rj);
		rj->job.kind = STORE_JOB_RETENTION;
		rj->job.done = retention_done;
		rj->job.u.process.event_id = p->event_id;
		rj->job.u.process.session_id = p->session_id;
		rj->job.u.process.slug = p->slug ? xstrdup(p->slug) : NULL;
		rj->job.u.process.published = p->published;
		rj->job.u.process.at_ms = now;
		int64_t before = p->purged_at;
		p->purged_at = now;
		json_t *cfg = process__config_json(p);
		p->purged_at = before; /* set once it is stored */
		rj->job.u.process.config = json_dumps(cfg, JSON_COMPACT);
		json_decref(cfg);
		rj->app = a;
		rj->p = p;
		p->purging = true;
		store_submit(a->store, &rj->job);
	}
}

const char *process_current_phase(const process_t *p)
{
	char today[16];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	const char *cur = NULL;
	for (size_t i = 0; i < p->n_phases; i++)
		if (p->phases[i].start[0] && strcmp(p->phases[i].start, today) <= 0 &&
		    (!p->phases[i].end[0] || strcmp(today, p->phases[i].end) <= 0))
			cur = p->phases[i].name;
	return cur;
}

void process_forget(app_t *a, int64_t event_id)
{
	/* Unpublished in place: posts in flight may still point at it. */
	process_t *p = process_by_event(a, event_id);
	if (p) {
		p->published = false;
		free(p->slug);
		p->slug = NULL;
		p->revision++;
		/* the other nodes are told once the event's row is gone
		 * (workspace.c): told now, they could read it still there */
		p->local_gen++;
	}
}

int64_t process_post_event(app_t *a, int64_t post_id)
{
	process_t *p;
	post_t *post;
	return process_find_post(a, post_id, &p, &post) ? p->event_id : 0;
}
