/*
 * process_post: residents' posts, supports and flags on a process's topics,
 * and the public JSON API (docs/protocol.md, "Processes"); process.h has
 * the invariants, site.c the pages that use the same calls.
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

#include "app/process.h"
#include "util/text.h"
#include "util/xalloc.h"

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
		process__add_post(pj->app, p, &post);
		p->revision++;
		process__changed(pj->app, p, false);
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
	const char *why =
	    in->kind == STORE_POST_REACTION ? NULL : login_mail_refusal(a, p, pkey, !cookie[0]);
	if (why) {
		refuse(a, p, req, in, 403, "not_allowed", tr(lang, why), cookie);
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
		uint64_t key = process__mark_key(post->id, job->u.mark.kind, mj->pkey);
		/* Counted when not known here, whether added now or not: not
		 * added, the participant has it already, through another node
		 * whose news is still on its way; added but known, the news of
		 * another node read it back first (process_sync.c), counted. */
		if (!map_get(&mj->app->marks, key, NULL)) {
			map_put(&mj->app->marks, key, 1);
			if (job->u.mark.kind == STORE_MARK_SUPPORT)
				post->supports++;
			else
				post->flags++;
			p->revision++;
			process__changed(mj->app, p, false);
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
	const char *why =
	    kind == STORE_MARK_SUPPORT ? login_mail_refusal(a, p, pkey, !cookie[0]) : NULL;
	if (why) {
		refuse(a, p, req, &in, 403, "not_allowed", tr(lang, why), cookie);
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

json_t *process__post_json(app_t *a, const post_t *q, uint64_t pkey, bool known)
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
			json_array_append_new(reactions, process__post_json(a, q, pkey, known));
	}
	map_t on_page = MAP_INIT; /* contribution id -> index in posts */
	size_t skip = page > 0 ? (size_t)(page - 1) * PROCESS_PAGE_POSTS : count, seen = 0;
	for (size_t i = p->n_posts;
	     i-- > 0 && page > 0 && json_array_size(posts) < PROCESS_PAGE_POSTS;) {
		const post_t *q = &p->posts[i];
		if (q->topic != t->id || q->kind != STORE_POST_CONTRIBUTION ||
		    !visible(q, pkey, known) || seen++ < skip)
			continue;
		json_t *o = process__post_json(a, q, pkey, known);
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
		    process__post_json(a, q, pkey, known));
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

json_t *process__json(app_t *a, process_t *p, uint64_t pkey, bool known)
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
		http_respond_json(req, 200, process__json(a, p, 0, false), NULL);
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
