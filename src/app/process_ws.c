/*
 * process_ws: the workspace's side of the website (docs/protocol.md,
 * "Processes"): publishing a process and editing its description, phases
 * and topics, the municipality's reaction, and the moderation of posts.
 * Every change goes through the writer and is applied in memory after its
 * commit (process.h, invariant 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/process.h"
#include "util/xalloc.h"

/* ---- the workspace ---- */

/* rows, n: the event's slides, read off the loop by the caller. */
static json_t *workspace_json(app_t *a, process_t *p, int64_t event_id, const store_slide_t *rows,
                              size_t n)
{
	json_t *o;
	if (p) {
		o = process__json(a, p, 0, false);
		json_object_update_new(o, process__config_json(p));
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
		json_t *j = process__post_json(a, q, 0, false);
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
	for (size_t i = 0; i < n; i++) {
		json_t *j = json_loads(rows[i].json, 0, NULL);
		slide_t s = {0};
		if (j && slide_from_json(j, &s) == 0 && slide_is_question(&s))
			json_array_append_new(questions,
			                      json_pack("{s:I, s:s, s:s}", "id",
			                                (json_int_t)rows[i].id, "title", s.title,
			                                "kind", slide_kind_name(s.kind)));
		slide_clear(&s);
		json_decref(j);
	}
	json_object_set_new(o, "questions", questions);
	return o;
}

/* The event's slides are a round trip on PostgreSQL: read off the loop
 * (app_read), then then(a, req, event_id, rows, n) on the loop (n 0 when
 * they could not be read). */
typedef void slides_then_fn(app_t *a, http_request_t *req, int64_t event_id,
                            const store_slide_t *rows, size_t n);
typedef struct slides_read {
	app_read_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t event_id;
	store_slide_t *rows;
	size_t n;
	slides_then_fn *then;
} slides_read_t;

static void slides_run(app_read_t *job)
{
	slides_read_t *r = (slides_read_t *)job;
	if (store_event_slides(job->st, r->event_id, &r->rows, &r->n) != STORE_OK)
		r->rows = NULL, r->n = 0;
}

static void slides_done(app_read_t *job, int status)
{
	slides_read_t *r = (slides_read_t *)job;
	if (status < 0)
		http_respond_error(r->req, 503, "unavailable", tr_req(r->req, "err.unavailable"),
		                   NULL);
	else
		r->then(job->app, r->req, r->event_id, r->rows, r->n);
	store_slides_free(r->rows, r->n);
	free(r);
}

static void with_slides(app_t *a, http_request_t *req, int64_t event_id, slides_then_fn *then)
{
	slides_read_t *r = xcalloc(1, sizeof *r);
	r->req = req;
	r->event_id = event_id;
	r->then = then;
	app_read(a, &r->job, slides_run, slides_done);
}

static void get_slides(app_t *a, http_request_t *req, int64_t event_id, const store_slide_t *rows,
                       size_t n)
{
	http_respond_json(
	    req, 200, workspace_json(a, process_by_event(a, event_id), event_id, rows, n), NULL);
}

/* GET /api/v1/events/:event/process */
void process_ws_get(app_t *a, http_request_t *req, const app_match_t *m)
{
	with_slides(a, req, m->id, get_slides);
}

typedef struct save_job {
	store_job_t job;
	app_t *app;
	http_request_t *req;
	process_t *next; /* the new configuration, moved into the process */
} save_job_t;

static void saved(app_t *a, process_t *p, const store_slide_t *rows, size_t n, void *arg)
{
	http_respond_json(arg, 200, workspace_json(a, p, p->event_id, rows, n), NULL);
	process_retention(a); /* a retention that ended already runs now */
}

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
		process__free(sj->next);
		goto out;
	}
	if (!p) {
		p = xcalloc(1, sizeof *p);
		p->revision = process__revision_start();
		p->event_id = event_id;
		a->processes = xrealloc(a->processes, (a->n_processes + 1) * sizeof *a->processes);
		a->processes[a->n_processes++] = p;
	}
	/* the digest tells of a phase a facilitator made current */
	const char *was = process_current_phase(p), *now = process_current_phase(sj->next);
	if (now && (!was || strcmp(was, now) != 0))
		p->phase_changed_at = store_now_ms();
	process__config_take(p, sj->next);
	free(p->slug);
	p->slug = job->u.process.slug;
	job->u.process.slug = NULL;
	p->published = job->u.process.published;
	p->session_id = job->u.process.session_id;
	process__free(sj->next);
	process__changed(a, p, true);
	/* the event's past answers are read off the loop; saved answers */
	process__refresh_then(a, p, saved, sj->req);
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

/* Submits the process's new configuration (next and slug become the
 * job's); save_done answers req. */
static void save_submit(app_t *a, http_request_t *req, int64_t event_id, process_t *next,
                        char *slug, bool published, int64_t session_id)
{
	process_t *p = process_by_event(a, event_id);
	save_job_t *sj = xcalloc(1, sizeof *sj);
	sj->job.kind = STORE_JOB_PROCESS;
	sj->job.done = save_done;
	sj->job.u.process.event_id = event_id;
	sj->job.u.process.session_id = session_id;
	sj->job.u.process.slug = slug;
	sj->job.u.process.published = published;
	sj->job.u.process.at_ms = store_now_ms();
	json_t *cfg = process__config_json(next);
	sj->job.u.process.config = json_dumps(cfg, JSON_COMPACT);
	json_decref(cfg);
	sj->app = a;
	sj->req = req;
	sj->next = next;
	if (p)
		p->saving = true;
	store_submit(a->store, &sj->job);
}

/* The online channel made on first publishing, through app_write. */
typedef struct online_write {
	app_write_t job; /* first: the callbacks get &job */
	http_request_t *req;
	int64_t event_id;
	process_t *next;
	char *slug;
	bool published;
	store_session_t s;
	int rc;
	session_t *fresh; /* read whole off the loop too (live_read) */
} online_write_t;

static void online_run(app_write_t *job)
{
	online_write_t *w = (online_write_t *)job;
	w->rc = store_session_create_mode(job->st, w->event_id, 6, true, &w->s);
	if (w->rc == STORE_OK)
		w->rc = live_read(job->app, job->st, &w->s, &w->fresh);
}

/* Adds the session read off the loop; false when it could not be read. */
static bool online_add(app_t *a, online_write_t *w)
{
	if (!w->fresh)
		return false;
	if (!live_find(a, w->fresh->row.code)) /* not loaded meanwhile (nodes.c) */
		live_add(a, w->fresh);
	else
		live_free(w->fresh);
	w->fresh = NULL;
	return true;
}

static void online_done(app_write_t *job, int status)
{
	online_write_t *w = (online_write_t *)job;
	app_t *a = job->app;
	if (status < 0 || w->rc != STORE_OK || !online_add(a, w)) {
		process_t *p = process_by_event(a, w->event_id);
		if (p)
			p->saving = false;
		process__free(w->next);
		free(w->slug);
		ws_error(w->req, 503, "unavailable", "events.session_not_started");
	} else {
		save_submit(a, w->req, w->event_id, w->next, w->slug, w->published, w->s.id);
	}
	free(w);
}

/* The rest of process_ws_put, once the event's slides are read. */
static void put_slides(app_t *a, http_request_t *req, int64_t event_id, const store_slide_t *rows,
                       size_t n)
{
	process_t *p = process_by_event(a, event_id);
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
		if (a->processes[i]->event_id != event_id && a->processes[i]->slug &&
		    strcmp(a->processes[i]->slug, slug) == 0) {
			json_decref(b);
			ws_error(req, 409, "taken", "process.slug_taken");
			return;
		}
	size_t nrows = n;
	void *ctx[2] = {(void *)rows, &nrows};
	process_t *next = xcalloc(1, sizeof *next);
	const char *bad = process__config_read(next, b, p, event_slide_ok, ctx);
	if (bad) {
		process__free(next);
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
	session_t *s = p ? process_session(a, p) : NULL;
	for (size_t i = 0; !s && i < a->n_sessions; i++)
		if (a->sessions[i]->row.event_id == event_id && a->sessions[i]->row.self_paced &&
		    a->sessions[i]->row.status == 0)
			s = a->sessions[i];
	if (p)
		p->saving = true;
	if (!s && published) {
		/* a write of the workspace: off the loop (app_write) */
		online_write_t *w = xcalloc(1, sizeof *w);
		*w = (online_write_t){.req = req,
		                      .event_id = event_id,
		                      .next = next,
		                      .slug = slug_copy,
		                      .published = published};
		app_write(a, &w->job, online_run, online_done);
		return;
	}
	save_submit(a, req, event_id, next, slug_copy, published,
	            s   ? s->row.id
	            : p ? p->session_id
	                : 0);
}

/* PUT /api/v1/events/:event/process {"published", "slug", "description",
 * "premoderate", "retention", "phases", "topics"} */
void process_ws_put(app_t *a, http_request_t *req, const app_match_t *m)
{
	with_slides(a, req, m->id, put_slides);
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
		process__changed(mj->app, p, true);
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
