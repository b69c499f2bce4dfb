/*
 * process: the website's processes in memory, their JSON API and the
 * workspace's calls (docs/protocol.md, "Processes"). The invariants are in
 * process.h; the public pages are site.c's.
 *
 * Flow of a post: the handler validates (topic open, parent, text, budget)
 * and queues a STORE_JOB_POST; after the commit, post_done adds it to the
 * process, raises its revision and answers (201, or a redirect for a
 * form). A support or flag is a STORE_JOB_MARK, counted after its commit
 * when it was new (one per participant and post: the store's key decides).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/process.h"
#include "model/answer.h"
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
static uint64_t mark_key(int64_t post_id, int kind, uint64_t pkey)
{
	return map_key(mix64((uint64_t)post_id * 2 + (uint64_t)kind) ^ pkey);
}

bool process_marked(app_t *a, int64_t post_id, int kind, uint64_t pkey)
{
	return map_get(&a->marks, mark_key(post_id, kind, pkey), NULL);
}

static void config_clear(process_t *p)
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

static void process_free(process_t *p)
{
	config_clear(p);
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
		process_free(a->processes[i]);
	free(a->processes);
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

static void add_post(app_t *a, process_t *p, const post_t *src)
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
static const char *config_read(process_t *p, json_t *c, const process_t *old,
                               bool (*slide_ok)(void *ctx, int64_t id), void *ctx)
{
	const char *bad = NULL;
	p->description = field(c, "description", 0, PROCESS_DESC_MAX, true, &bad, "process.desc");
	if (!p->description)
		return bad;
	p->premoderate = json_is_true(json_object_get(c, "premoderate"));
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

static json_t *config_json(const process_t *p)
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
	return json_pack("{s:s, s:b, s:o, s:o, s:I, s:s, s:I}", "description", p->description,
	                 "premoderate", p->premoderate, "phases", phases, "topics", topics,
	                 "next_topic", (json_int_t)p->next_topic, "retention", p->retention,
	                 "purged_at", (json_int_t)p->purged_at);
}

/* ---- loading ---- */

static void load_post(const store_post_t *sp, void *arg)
{
	void **ctx = arg;
	post_t post = {
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
	add_post(ctx[0], ctx[1], &post);
}

static void load_mark(int64_t post_id, int kind, const char *participant, void *arg)
{
	void **ctx = arg;
	app_t *a = ctx[0];
	process_t *p = ctx[1];
	int64_t k;
	if (!map_get(&p->by_id, map_key((uint64_t)post_id), &k))
		return;
	map_put(&a->marks, mark_key(post_id, kind, live_participant_key(participant)), 1);
	if (kind == STORE_MARK_SUPPORT)
		p->posts[k].supports++;
	else
		p->posts[k].flags++;
}

typedef struct past_ctx {
	app_t *a;
	process_t *p;
	store_slide_t *rows;
	size_t n_rows;
} past_ctx_t;

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

/* An ended session that is not in memory: its answers to the question
 * topics, once. */
static void past_session(const store_session_t *row, void *arg)
{
	past_ctx_t *c = arg;
	for (size_t i = 0; i < c->a->n_sessions; i++)
		if (c->a->sessions[i]->row.id == row->id)
			return;
	process_t *p = c->p;
	p->past = xrealloc(p->past, (p->n_past + 1) * sizeof *p->past);
	proc_past_t *pp = &p->past[p->n_past++];
	*pp = (proc_past_t){
	    .session_id = row->id, .started_at = row->started_at, .self_paced = row->self_paced};
	memcpy(pp->code, row->code, sizeof pp->code);
	pp->slides = xcalloc(p->n_topics + 1, sizeof *pp->slides);
	for (size_t t = 0; t < p->n_topics; t++) {
		for (size_t r = 0; p->topics[t].slide && r < c->n_rows; r++) {
			if (c->rows[r].id != p->topics[t].slide)
				continue;
			live_slide_t *ls = &pp->slides[pp->n_slides];
			json_t *j = json_loads(c->rows[r].json, 0, NULL);
			if (!j || slide_from_json(j, &ls->s) < 0 || !slide_is_question(&ls->s)) {
				json_decref(j);
				slide_clear(&ls->s);
				break;
			}
			json_decref(j);
			ls->id = c->rows[r].id;
			ls->tally = tally_new(&ls->s);
			pp->n_slides++;
			store_answers_slide(c->a->store, row->id, ls->id, past_answer, ls);
			break;
		}
	}
}

/* The event's title and language, and the ended sessions' answers. */
static void process_refresh(app_t *a, process_t *p)
{
	store_event_t ev = {0};
	if (store_event_get(a->store, p->event_id, &ev) == STORE_OK) {
		free(p->title);
		free(p->lang);
		p->title = ev.title, p->lang = ev.lang;
		ev.title = ev.lang = NULL;
	}
	store_event_clear(&ev);
	if (!p->title)
		p->title = xstrdup("");
	if (!p->lang)
		p->lang = xstrdup("nl");
	past_clear(p);
	past_ctx_t c = {a, p, NULL, 0};
	if (store_event_slides(a->store, p->event_id, &c.rows, &c.n_rows) == STORE_OK) {
		store_event_sessions(a->store, p->event_id, past_session, &c);
		store_slides_free(c.rows, c.n_rows);
	}
	p->revision++;
}

static void load_process(const store_process_t *sp, void *arg)
{
	app_t *a = arg;
	process_t *p = xcalloc(1, sizeof *p);
	p->event_id = sp->event_id;
	p->session_id = sp->session_id;
	p->slug = sp->slug ? xstrdup(sp->slug) : NULL;
	p->published = sp->published;
	json_t *c = json_loads(sp->config, 0, NULL);
	const char *bad = c ? config_read(p, c, NULL, NULL, NULL) : "process.unreadable";
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
	process_refresh(a, p);
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
		json_t *cfg = config_json(p);
		p->purged_at = before; /* set once it is stored */
		rj->job.u.process.config = json_dumps(cfg, JSON_COMPACT);
		json_decref(cfg);
		rj->app = a;
		rj->p = p;
		p->purging = true;
		store_submit(a->store, &rj->job);
	}
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
	}
}

/* ---- posts ---- */

typedef struct post_job {
	store_job_t job;
	app_t *app;
	process_t *p;
	http_request_t *req;
	post_in_t in;
	uint64_t pkey;
	char set_cookie[160];
} post_job_t;

static bool valid_client_id(const char *id)
{
	size_t n = 0;
	for (; id && id[n]; n++) {
		char c = id[n];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return n >= 8 && n <= 64;
}

/* Answers a refused post or mark: JSON, or the topic page again. */
static void refuse(app_t *a, process_t *p, http_request_t *req, const post_in_t *in, int status,
                   const char *code, const char *msg, const char *cookie)
{
	proc_topic_t *t = process_topic(p, in->topic);
	if (in->form && t)
		site_topic_error(a, p, t, req, status, in->lang, msg, in->text, cookie);
	else
		http_respond_error(req, status, code, msg, cookie);
}

static void redirect(http_request_t *req, const char *back, const char *what, int64_t id,
                     const char *cookie)
{
	char hdr[700];
	snprintf(hdr, sizeof hdr, "Location: %s%ssent=%s#post-%lld\r\n%s", back,
	         strchr(back, '?') ? "&" : "?", what, (long long)id, cookie);
	http_respond(req, 303, "text/plain; charset=utf-8", hdr, "", 0);
}

static void post_done(store_job_t *job)
{
	post_job_t *pj = (post_job_t *)job;
	process_t *p = pj->p;
	if (job->status != STORE_OK) {
		refuse(pj->app, p, pj->req, &pj->in, 503, "unavailable",
		       tr(pj->in.lang, "err.unavailable"), pj->set_cookie);
		goto out;
	}
	bool dup = job->u.post.duplicate;
	process_t *owner;
	post_t *old;
	if (!dup && !process_find_post(pj->app, job->u.post.id, &owner, &old)) {
		post_t post = {
		    .id = job->u.post.id,
		    .topic = job->u.post.topic,
		    .parent = job->u.post.parent,
		    .user_id = job->u.post.user_id,
		    .at = job->u.post.at_ms,
		    .kind = job->u.post.kind,
		    .pkey = pj->pkey,
		    .body = job->u.post.body,
		    .hidden = job->u.post.pending,
		    .pending = job->u.post.pending,
		};
		job->u.post.body = NULL; /* now the post's */
		add_post(pj->app, p, &post);
		p->revision++;
	}
	if (pj->in.form) {
		redirect(pj->req, pj->in.back, job->u.post.pending ? "held" : "post",
		         job->u.post.id, pj->set_cookie);
	} else {
		http_respond_json(
		    pj->req, dup ? 200 : 201,
		    json_pack("{s:s, s:I, s:b}", "status", dup ? "duplicate" : "stored", "id",
		              (json_int_t)job->u.post.id, "pending", !dup && job->u.post.pending),
		    pj->set_cookie);
	}
out:
	free(job->u.post.body);
	free(pj);
}

void process_post_submit(app_t *a, process_t *p, http_request_t *req, const post_in_t *in)
{
	const char *lang = in->lang;
	char hex[33], cookie[160] = "";
	uint64_t pkey = 0;
	if (in->kind != STORE_POST_REACTION)
		auth_participant(a, req, hex, &pkey, cookie);
	else
		snprintf(hex, sizeof hex, "%032d", 0);
	proc_topic_t *t = process_topic(p, in->topic);
	if (!t) {
		http_respond_error(req, 404, "not_found", tr(lang, "process.no_topic"), cookie);
		return;
	}
	if (!valid_client_id(in->client_id)) {
		refuse(a, p, req, in, 400, "invalid", tr(lang, "err.id"), cookie);
		return;
	}
	int64_t until = 0, now = store_now_ms();
	if (in->kind != STORE_POST_REACTION && !process_topic_open(p, t, now, &until)) {
		refuse(a, p, req, in, 409, "closed", tr(lang, "process.closed"), cookie);
		return;
	}
	if (in->parent) {
		process_t *pp;
		post_t *parent;
		if (!process_find_post(a, in->parent, &pp, &parent) || pp != p ||
		    parent->topic != t->id || parent->kind != STORE_POST_CONTRIBUTION ||
		    (parent->hidden && in->kind != STORE_POST_REACTION)) {
			refuse(a, p, req, in, 400, "invalid", tr(lang, "process.no_parent"),
			       cookie);
			return;
		}
	}
	size_t len = in->text ? strlen(in->text) : 0;
	char msg[200];
	if (in->text && len <= 4 * PROCESS_TEXT_MAX && !text_valid(in->text, len)) {
		refuse(a, p, req, in, 400, "invalid", tr(lang, "process.text"), cookie);
		return;
	}
	/* at most 4 bytes a character: a longer text is too long whatever it is */
	char *body =
	    len > 4 * PROCESS_TEXT_MAX ? NULL : text_clean(in->text ? in->text : "", len, true);
	size_t chars = body ? text_length(body, strlen(body)) : len;
	if (chars == 0 || chars > PROCESS_TEXT_MAX) {
		snprintf(msg, sizeof msg, tr(lang, "process.too_long"), PROCESS_TEXT_MAX);
		refuse(a, p, req, in, chars ? 413 : 400, chars ? "too_long" : "invalid",
		       chars ? msg : tr(lang, "process.empty"), cookie);
		free(body);
		return;
	}
	int retry;
	if (in->kind != STORE_POST_REACTION &&
	    !bucket_take(&a->budget, pkey, uv_now(a->loop), true, &retry)) {
		char extra[256];
		snprintf(extra, sizeof extra, "Retry-After: %d\r\n%s", retry, cookie);
		refuse(a, p, req, in, 429, "rate_limited", tr(lang, "err.rate"), extra);
		free(body);
		return;
	}
	post_job_t *pj = xcalloc(1, sizeof *pj);
	pj->job.kind = STORE_JOB_POST;
	pj->job.done = post_done;
	pj->job.u.post.event_id = p->event_id;
	pj->job.u.post.topic = t->id;
	pj->job.u.post.parent = in->parent;
	pj->job.u.post.kind = in->kind;
	pj->job.u.post.user_id = in->user_id;
	pj->job.u.post.at_ms = now;
	pj->job.u.post.body = body;
	/* as live: the word list and the process's pre-moderation hold a
	 * resident's post back; the municipality's reaction is never held */
	pj->job.u.post.pending = in->kind != STORE_POST_REACTION &&
	                         (p->premoderate || filter_match(a->filter, body, strlen(body)));
	snprintf(pj->job.u.post.participant, sizeof pj->job.u.post.participant, "%s", hex);
	snprintf(pj->job.u.post.client_id, sizeof pj->job.u.post.client_id, "%s", in->client_id);
	pj->app = a;
	pj->p = p;
	pj->req = req;
	pj->in = *in;
	pj->in.text = NULL; /* the request's; not needed after this */
	pj->pkey = pkey;
	snprintf(pj->set_cookie, sizeof pj->set_cookie, "%s", cookie);
	store_submit(a->store, &pj->job);
}

/* ---- supports and flags ---- */

typedef struct mark_job {
	store_job_t job;
	app_t *app;
	process_t *p;
	http_request_t *req;
	uint64_t pkey;
	bool form;
	const char *lang;
	char back[256];
	char set_cookie[160];
} mark_job_t;

static void mark_answer(mark_job_t *mj, post_t *post)
{
	const char *what = mj->job.u.mark.kind == STORE_MARK_SUPPORT ? "support" : "flag";
	if (mj->form) {
		redirect(mj->req, mj->back, what, mj->job.u.mark.post_id, mj->set_cookie);
		return;
	}
	http_respond_json(
	    mj->req, 200,
	    json_pack("{s:I, s:I, s:b}", "id", (json_int_t)post->id, "supports",
	              (json_int_t)post->supports,
	              mj->job.u.mark.kind == STORE_MARK_SUPPORT ? "supported" : "flagged", 1),
	    mj->set_cookie);
}

static void mark_done(store_job_t *job)
{
	mark_job_t *mj = (mark_job_t *)job;
	process_t *p;
	post_t *post;
	if (job->status != STORE_OK) {
		http_respond_error(mj->req, 503, "unavailable", tr(mj->lang, "err.unavailable"),
		                   mj->set_cookie);
	} else if (!process_find_post(mj->app, job->u.mark.post_id, &p, &post)) {
		http_respond_error(mj->req, 404, "not_found", tr(mj->lang, "process.no_post"),
		                   mj->set_cookie);
	} else {
		if (job->u.mark.added) {
			map_put(&mj->app->marks, mark_key(post->id, job->u.mark.kind, mj->pkey), 1);
			if (job->u.mark.kind == STORE_MARK_SUPPORT)
				post->supports++;
			else
				post->flags++;
			p->revision++;
		}
		mark_answer(mj, post);
	}
	free(mj);
}

void process_mark_submit(app_t *a, process_t *p, post_t *post, http_request_t *req, int kind,
                         bool form, const char *lang, const char *back)
{
	char hex[33], cookie[160];
	uint64_t pkey;
	auth_participant(a, req, hex, &pkey, cookie);
	post_in_t in = {.topic = post->topic, .form = form, .lang = lang};
	snprintf(in.back, sizeof in.back, "%s", back ? back : "");
	proc_topic_t *t = process_topic(p, post->topic);
	if (!t || post->hidden || post->kind == STORE_POST_REACTION) {
		refuse(a, p, req, &in, 404, "not_found", tr(lang, "process.no_post"), cookie);
		return;
	}
	if (kind == STORE_MARK_SUPPORT && !process_topic_open(p, t, store_now_ms(), NULL)) {
		refuse(a, p, req, &in, 409, "closed", tr(lang, "process.closed"), cookie);
		return;
	}
	mark_job_t *mj = xcalloc(1, sizeof *mj);
	mj->job.u.mark.post_id = post->id;
	mj->job.u.mark.kind = kind;
	mj->app = a, mj->p = p, mj->req = req, mj->pkey = pkey, mj->form = form, mj->lang = lang;
	snprintf(mj->back, sizeof mj->back, "%s", in.back);
	snprintf(mj->set_cookie, sizeof mj->set_cookie, "%s", cookie);
	if (!cookie[0] && process_marked(a, post->id, kind, pkey)) {
		/* once per participant: a second one changes nothing */
		mark_answer(mj, post);
		free(mj);
		return;
	}
	int retry;
	if (!bucket_take(&a->budget, pkey, uv_now(a->loop), true, &retry)) {
		char extra[256];
		snprintf(extra, sizeof extra, "Retry-After: %d\r\n%s", retry, cookie);
		refuse(a, p, req, &in, 429, "rate_limited", tr(lang, "err.rate"), extra);
		free(mj);
		return;
	}
	mj->job.kind = STORE_JOB_MARK;
	mj->job.done = mark_done;
	mj->job.u.mark.at_ms = store_now_ms();
	snprintf(mj->job.u.mark.participant, sizeof mj->job.u.mark.participant, "%s", hex);
	store_submit(a->store, &mj->job);
}

/* ---- the public JSON ---- */

static json_t *post_json(app_t *a, const post_t *q, uint64_t pkey, bool known)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)q->id, "kind",
	                      q->kind == STORE_POST_REACTION ? "reaction"
	                      : q->kind == STORE_POST_REPLY  ? "reply"
	                                                     : "contribution",
	                      "text", q->body, "at", (json_int_t)q->at);
	if (q->kind != STORE_POST_REACTION) {
		json_object_set_new(o, "supports", json_integer(q->supports));
		json_object_set_new(
		    o, "supported",
		    json_boolean(known && process_marked(a, q->id, STORE_MARK_SUPPORT, pkey)));
		json_object_set_new(o, "mine", json_boolean(known && q->pkey == pkey));
	}
	if (q->pending)
		json_object_set_new(o, "pending", json_true());
	return o;
}

/* Whether the reader sees a post: shown, or their own held one. */
static bool visible(const post_t *q, uint64_t pkey, bool known)
{
	return !q->hidden ||
	       (q->pending && known && q->pkey == pkey && q->kind != STORE_POST_REACTION);
}

/*
 * A topic as JSON: its state and counts, and with page > 0 that page of
 * its contributions (newest first, PROCESS_PAGE_POSTS a page), each with
 * its replies and reactions. Two passes over the process's posts, whatever
 * the size of the page: the second finds a post's contribution through a
 * map of the page's ids.
 */
static json_t *topic_json(app_t *a, process_t *p, const proc_topic_t *t, uint64_t pkey, bool known,
                          long long page)
{
	int64_t until = 0;
	bool open = process_topic_open(p, t, store_now_ms(), &until);
	json_t *posts = json_array(), *reactions = json_array();
	size_t count = 0;
	for (size_t i = 0; i < p->n_posts; i++) {
		const post_t *q = &p->posts[i];
		if (q->topic != t->id || !visible(q, pkey, known))
			continue;
		if (q->kind == STORE_POST_CONTRIBUTION)
			count++;
		else if (q->kind == STORE_POST_REACTION && !q->parent)
			json_array_append_new(reactions, post_json(a, q, pkey, known));
	}
	map_t on_page = MAP_INIT; /* contribution id -> index in posts */
	size_t skip = page > 0 ? (size_t)(page - 1) * PROCESS_PAGE_POSTS : count, seen = 0;
	for (size_t i = p->n_posts;
	     i-- > 0 && page > 0 && json_array_size(posts) < PROCESS_PAGE_POSTS;) {
		const post_t *q = &p->posts[i];
		if (q->topic != t->id || q->kind != STORE_POST_CONTRIBUTION ||
		    !visible(q, pkey, known) || seen++ < skip)
			continue;
		json_t *o = post_json(a, q, pkey, known);
		json_object_set_new(o, "replies", json_array());
		json_object_set_new(o, "reactions", json_array());
		map_put(&on_page, map_key((uint64_t)q->id), (int64_t)json_array_size(posts));
		json_array_append_new(posts, o);
	}
	for (size_t i = 0; on_page.n && i < p->n_posts; i++) {
		const post_t *q = &p->posts[i];
		int64_t k;
		if (q->topic != t->id || !q->parent || !visible(q, pkey, known) ||
		    !map_get(&on_page, map_key((uint64_t)q->parent), &k))
			continue;
		json_array_append_new(
		    json_object_get(json_array_get(posts, (size_t)k),
		                    q->kind == STORE_POST_REACTION ? "reactions" : "replies"),
		    post_json(a, q, pkey, known));
	}
	map_free(&on_page);
	json_t *o =
	    json_pack("{s:I, s:s, s:s, s:b, s:I}", "id", (json_int_t)t->id, "title", t->title,
	              "body", t->body, "open", open, "contributions", (json_int_t)count);
	json_object_set_new(o, "phase", t->phase >= 0 ? json_integer(t->phase) : json_null());
	json_object_set_new(o, "closes_at", until ? json_integer(until) : json_null());
	json_object_set_new(o, "slide", t->slide ? json_integer(t->slide) : json_null());
	if (page > 0) {
		json_object_set_new(o, "page", json_integer(page));
		json_object_set_new(o, "pages",
		                    json_integer((json_int_t)((count + PROCESS_PAGE_POSTS - 1) /
		                                              PROCESS_PAGE_POSTS)));
		json_object_set_new(o, "reactions", reactions);
		json_object_set_new(o, "posts", posts);
	} else {
		json_decref(reactions);
		json_decref(posts);
	}
	return o;
}

static json_t *process_json(app_t *a, process_t *p, uint64_t pkey, bool known)
{
	char url[600];
	snprintf(url, sizeof url, "%s/p/%s", a->public_url, p->slug ? p->slug : "");
	if (!p->slug)
		snprintf(url, sizeof url, "%s/p/%lld", a->public_url, (long long)p->event_id);
	json_t *phases = json_array(), *topics = json_array();
	for (size_t i = 0; i < p->n_phases; i++)
		json_array_append_new(
		    phases, json_pack("{s:s, s:s, s:s}", "name", p->phases[i].name, "start",
		                      p->phases[i].start, "end", p->phases[i].end));
	for (size_t i = 0; i < p->n_topics; i++) {
		json_array_append_new(topics, topic_json(a, p, &p->topics[i], pkey, known, 0));
	}
	session_t *s = process_session(a, p);
	json_t *o =
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:I}", "event", (json_int_t)p->event_id,
	              "url", url, "title", p->title, "lang", p->lang, "description",
	              p->description ? p->description : "", "phases", phases, "topics", topics,
	              "revision", (json_int_t)p->revision);
	json_object_set_new(o, "slug", p->slug ? json_string(p->slug) : json_null());
	json_object_set_new(o, "code", s ? json_string(s->row.code) : json_null());
	return o;
}

/* ---- the public API ---- */

static process_t *named(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = process_by_name(a, m->name, m->name_len);
	if (!p)
		http_respond_error(req, 404, "not_found", tr_req(req, "process.no_such"), NULL);
	return p;
}

/* GET /api/v1/processes/:name */
void process_api_get(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = named(a, req, m);
	if (p)
		http_respond_json(req, 200, process_json(a, p, 0, false), NULL);
}

/* GET /api/v1/processes/:name/topics/:topic: with the reader's own held
 * posts and supports, so never cached by others. */
void process_api_topic(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = named(a, req, m);
	if (!p)
		return;
	proc_topic_t *t = process_topic(p, m->id);
	if (!t) {
		http_respond_error(req, 404, "not_found", tr(process_lang(p), "process.no_topic"),
		                   NULL);
		return;
	}
	char hex[33], cookie[160], q[24];
	uint64_t pkey;
	auth_participant(a, req, hex, &pkey, cookie);
	long long page = http_query(req, "page", q, sizeof q) > 0 ? strtoll(q, NULL, 10) : 1;
	if (page < 1 || page > 1000000)
		page = 1;
	http_respond_json(req, 200, topic_json(a, p, t, pkey, cookie[0] == '\0', page), cookie);
}

/* POST /api/v1/processes/:name/topics/:topic/posts {"id", "text", "parent"} */
void process_api_post(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = named(a, req, m);
	if (!p)
		return;
	json_t *b = json_loadb(req->body, req->body_len, 0, NULL);
	json_t *parent = json_object_get(b, "parent");
	if (!json_is_object(b) || !json_is_string(json_object_get(b, "text")) ||
	    (parent && !json_is_null(parent) && !json_is_integer(parent))) {
		json_decref(b);
		http_respond_error(req, 400, "invalid", tr(process_lang(p), "process.body"), NULL);
		return;
	}
	post_in_t in = {
	    .topic = m->id,
	    .parent = json_is_integer(parent) ? json_integer_value(parent) : 0,
	    .kind = json_is_integer(parent) ? STORE_POST_REPLY : STORE_POST_CONTRIBUTION,
	    .text = json_string_value(json_object_get(b, "text")),
	    .client_id = json_string_value(json_object_get(b, "id")),
	    .lang = process_lang(p),
	};
	process_post_submit(a, p, req, &in);
	json_decref(b);
}

/* POST /api/v1/posts/:post/support and /flag (arg: STORE_MARK_*) */
void process_api_mark(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p;
	post_t *post;
	if (!process_find_post(a, m->id, &p, &post) || !p->published) {
		http_respond_error(req, 404, "not_found", tr_req(req, "process.no_post"), NULL);
		return;
	}
	process_mark_submit(a, p, post, req, m->route->arg, false, process_lang(p), NULL);
}

/* ---- the workspace ---- */

static json_t *workspace_json(app_t *a, process_t *p, int64_t event_id)
{
	json_t *o;
	if (p) {
		o = process_json(a, p, 0, false);
		json_object_update_new(o, config_json(p));
		json_object_set_new(o, "published", json_boolean(p->published));
	} else {
		o = json_pack("{s:I, s:n, s:b, s:s, s:b, s:[], s:[]}", "event",
		              (json_int_t)event_id, "slug", "published", 0, "description", "",
		              "premoderate", 0, "phases", "topics");
	}
	/* every post, held and hidden ones too, for reactions and moderation */
	json_t *posts = json_array();
	for (size_t i = 0; p && i < p->n_posts; i++) {
		const post_t *q = &p->posts[i];
		json_t *j = post_json(a, q, 0, false);
		json_object_del(j, "supported");
		json_object_del(j, "mine");
		json_object_set_new(j, "topic", json_integer(q->topic));
		json_object_set_new(j, "parent", q->parent ? json_integer(q->parent) : json_null());
		json_object_set_new(j, "hidden", json_boolean(q->hidden));
		json_object_set_new(j, "pending", json_boolean(q->pending));
		json_object_set_new(j, "flags", json_integer(q->flags));
		json_object_set_new(j, "reviewed", json_boolean(q->reviewed));
		json_array_append_new(posts, j);
	}
	json_object_set_new(o, "posts", posts);
	/* the event's questions, which a topic can be */
	json_t *questions = json_array();
	store_slide_t *rows = NULL;
	size_t n = 0;
	if (store_event_slides(a->store, event_id, &rows, &n) == STORE_OK) {
		for (size_t i = 0; i < n; i++) {
			json_t *j = json_loads(rows[i].json, 0, NULL);
			slide_t s = {0};
			if (j && slide_from_json(j, &s) == 0 && slide_is_question(&s))
				json_array_append_new(
				    questions,
				    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)rows[i].id,
				              "title", s.title, "kind", slide_kind_name(s.kind)));
			slide_clear(&s);
			json_decref(j);
		}
		store_slides_free(rows, n);
	}
	json_object_set_new(o, "questions", questions);
	return o;
}

/* GET /api/v1/events/:event/process */
void process_ws_get(app_t *a, http_request_t *req, const app_match_t *m)
{
	http_respond_json(req, 200, workspace_json(a, process_by_event(a, m->id), m->id), NULL);
}

typedef struct save_job {
	store_job_t job;
	app_t *app;
	http_request_t *req;
	process_t *next; /* the new configuration, moved into the process */
} save_job_t;

static void save_done(store_job_t *job)
{
	save_job_t *sj = (save_job_t *)job;
	app_t *a = sj->app;
	int64_t event_id = job->u.process.event_id;
	process_t *p = process_by_event(a, event_id);
	if (p)
		p->saving = false;
	if (job->status != STORE_OK) {
		http_respond_error(sj->req, 503, "unavailable",
		                   tr_req(sj->req, "api.change_not_saved"), NULL);
		process_free(sj->next);
		goto out;
	}
	if (!p) {
		p = xcalloc(1, sizeof *p);
		p->event_id = event_id;
		a->processes = xrealloc(a->processes, (a->n_processes + 1) * sizeof *a->processes);
		a->processes[a->n_processes++] = p;
	}
	config_clear(p);
	process_t *n = sj->next;
	p->description = n->description, p->premoderate = n->premoderate;
	p->phases = n->phases, p->n_phases = n->n_phases;
	p->topics = n->topics, p->n_topics = n->n_topics;
	p->next_topic = n->next_topic;
	memcpy(p->retention, n->retention, sizeof p->retention);
	p->retention_at = n->retention_at;
	p->purged_at = n->purged_at;
	n->description = NULL, n->phases = NULL, n->topics = NULL, n->n_phases = n->n_topics = 0;
	free(p->slug);
	p->slug = job->u.process.slug;
	job->u.process.slug = NULL;
	p->published = job->u.process.published;
	p->session_id = job->u.process.session_id;
	process_free(n);
	process_refresh(a, p);
	store_event_touch(a->store, event_id);
	http_respond_json(sj->req, 200, workspace_json(a, p, event_id), NULL);
	process_retention(a); /* a retention that ended already runs now */
out:
	free(job->u.process.slug);
	free(job->u.process.config);
	free(sj);
}

static bool slug_ok(const char *s)
{
	size_t n = strlen(s), digits = strspn(s, "0123456789");
	if (n < 2 || n > 60 || digits == n || s[0] == '-' || s[n - 1] == '-')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

static bool event_slide_ok(void *ctx, int64_t id)
{
	void **c = ctx;
	store_slide_t *rows = c[0];
	size_t n = *(size_t *)c[1];
	for (size_t i = 0; i < n; i++) {
		if (rows[i].id != id)
			continue;
		json_t *j = json_loads(rows[i].json, 0, NULL);
		slide_t s = {0};
		bool ok = j && slide_from_json(j, &s) == 0 && slide_is_question(&s);
		slide_clear(&s);
		json_decref(j);
		return ok;
	}
	return false;
}

static void ws_error(http_request_t *req, int status, const char *code, const char *key)
{
	http_respond_error(req, status, code, tr_req(req, key), NULL);
}

/* PUT /api/v1/events/:event/process {"published", "slug", "description",
 * "premoderate", "phases", "topics"} */
void process_ws_put(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = process_by_event(a, m->id);
	if (p && p->saving) {
		ws_error(req, 409, "busy", "process.busy");
		return;
	}
	json_t *b = json_loadb(req->body, req->body_len, 0, NULL);
	if (!json_is_object(b)) {
		json_decref(b);
		ws_error(req, 400, "invalid", "process.body");
		return;
	}
	json_t *js = json_object_get(b, "slug");
	const char *slug = json_string_value(js);
	if (slug && !*slug)
		slug = NULL;
	if ((js && !json_is_null(js) && !json_is_string(js)) || (slug && !slug_ok(slug))) {
		json_decref(b);
		ws_error(req, 400, "invalid", "process.slug");
		return;
	}
	for (size_t i = 0; slug && i < a->n_processes; i++)
		if (a->processes[i]->event_id != m->id && a->processes[i]->slug &&
		    strcmp(a->processes[i]->slug, slug) == 0) {
			json_decref(b);
			ws_error(req, 409, "taken", "process.slug_taken");
			return;
		}
	store_slide_t *rows = NULL;
	size_t n = 0;
	store_event_slides(a->store, m->id, &rows, &n);
	void *ctx[2] = {rows, &n};
	process_t *next = xcalloc(1, sizeof *next);
	const char *bad = config_read(next, b, p, event_slide_ok, ctx);
	store_slides_free(rows, n);
	if (bad) {
		process_free(next);
		json_decref(b);
		ws_error(req, 400, "invalid", bad);
		return;
	}
	/* when the retention last ran is the server's to say, not the client's */
	next->purged_at = p ? p->purged_at : 0;
	bool published = json_is_true(json_object_get(b, "published"));
	char *slug_copy = slug ? xstrdup(slug) : NULL; /* slug is b's */
	json_decref(b);
	/* The online channel: the event's self-paced session, started on
	 * first publishing (as "open online" does) and kept after. */
	int64_t session_id = p ? p->session_id : 0;
	session_t *s = p ? process_session(a, p) : NULL;
	for (size_t i = 0; !s && i < a->n_sessions; i++)
		if (a->sessions[i]->row.event_id == m->id && a->sessions[i]->row.self_paced &&
		    a->sessions[i]->row.status == 0)
			s = a->sessions[i];
	if (!s && published) {
		store_session_t row;
		if (store_session_create_mode(a->store, m->id, 6, true, &row) != STORE_OK ||
		    live_load(a, &row) < 0) {
			process_free(next);
			free(slug_copy);
			ws_error(req, 503, "unavailable", "events.session_not_started");
			return;
		}
		s = live_find(a, row.code);
	}
	if (s)
		session_id = s->row.id;
	save_job_t *sj = xcalloc(1, sizeof *sj);
	sj->job.kind = STORE_JOB_PROCESS;
	sj->job.done = save_done;
	sj->job.u.process.event_id = m->id;
	sj->job.u.process.session_id = session_id;
	sj->job.u.process.slug = slug_copy;
	sj->job.u.process.published = published;
	sj->job.u.process.at_ms = store_now_ms();
	json_t *cfg = config_json(next);
	sj->job.u.process.config = json_dumps(cfg, JSON_COMPACT);
	json_decref(cfg);
	sj->app = a;
	sj->req = req;
	sj->next = next;
	if (p)
		p->saving = true;
	store_submit(a->store, &sj->job);
}

/* POST /api/v1/events/:event/process/reactions {"topic", "parent", "text",
 * "id"}: the municipality's reaction, by a facilitator. */
void process_ws_reaction(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p = process_by_event(a, m->id);
	json_t *b = json_loadb(req->body, req->body_len, 0, NULL);
	json_t *topic = json_object_get(b, "topic"), *parent = json_object_get(b, "parent");
	if (!p) {
		json_decref(b);
		ws_error(req, 404, "not_found", "process.no_such");
		return;
	}
	if (!json_is_integer(topic) || !json_is_string(json_object_get(b, "text")) ||
	    (parent && !json_is_null(parent) && !json_is_integer(parent))) {
		json_decref(b);
		ws_error(req, 400, "invalid", "process.body");
		return;
	}
	post_in_t in = {
	    .topic = json_integer_value(topic),
	    .parent = json_is_integer(parent) ? json_integer_value(parent) : 0,
	    .kind = STORE_POST_REACTION,
	    .user_id = m->user,
	    .text = json_string_value(json_object_get(b, "text")),
	    .client_id = json_string_value(json_object_get(b, "id")),
	    .lang = tr_req_lang(req),
	};
	process_post_submit(a, p, req, &in);
	json_decref(b);
}

typedef struct mod_job {
	store_job_t job;
	app_t *app;
	http_request_t *req;
} mod_job_t;

static void mod_done(store_job_t *job)
{
	mod_job_t *mj = (mod_job_t *)job;
	process_t *p;
	post_t *post;
	if (job->status != STORE_OK) {
		ws_error(mj->req, 503, "unavailable", "api.change_not_saved");
	} else if (!process_find_post(mj->app, job->u.flag.answer_id, &p, &post)) {
		ws_error(mj->req, 404, "not_found", "process.no_post");
	} else {
		if (job->kind == STORE_JOB_POST_HIDE) {
			post->hidden = job->u.flag.value;
			post->pending = false;
		} else {
			post->reviewed = job->u.flag.value;
		}
		p->revision++;
		http_respond_json(mj->req, 200,
		                  json_pack("{s:I, s:b, s:b, s:b}", "id", (json_int_t)post->id,
		                            "hidden", post->hidden, "pending", post->pending,
		                            "reviewed", post->reviewed),
		                  NULL);
	}
	free(mj);
}

/* POST /api/v1/posts/:post/hide, /show and /keep (arg: 0, 1, 2). */
void process_ws_moderate(app_t *a, http_request_t *req, const app_match_t *m)
{
	process_t *p;
	post_t *post;
	if (!process_find_post(a, m->id, &p, &post)) {
		ws_error(req, 404, "not_found", "process.no_post");
		return;
	}
	mod_job_t *mj = xcalloc(1, sizeof *mj);
	mj->job.kind = m->route->arg == 2 ? STORE_JOB_POST_REVIEWED : STORE_JOB_POST_HIDE;
	mj->job.done = mod_done;
	mj->job.u.flag.answer_id = post->id;
	mj->job.u.flag.value = m->route->arg != 1;
	mj->job.u.flag.event_id = p->event_id;
	mj->job.u.flag.user_id = m->user;
	mj->app = a;
	mj->req = req;
	store_submit(a->store, &mj->job);
}

int64_t process_post_event(app_t *a, int64_t post_id)
{
	process_t *p;
	post_t *post;
	return process_find_post(a, post_id, &p, &post) ? p->event_id : 0;
}
