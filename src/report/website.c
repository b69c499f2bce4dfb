/*
 * report/website: the event's website (docs/protocol.md, "Processes") as a
 * part of its report: per topic the residents' contributions with their
 * supports and replies, the municipality's reactions and the counts. A
 * question topic names its question, whose answers per session (the
 * meeting's and the online channel's) are the report's results already.
 *
 * Read through the report's store (a reader: the same snapshot as the
 * answers). Every post of the event is held at once; hidden ones are kept
 * with visible = false, as the data exports keep hidden answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/map.h"

typedef struct site_ctx {
	int64_t event_id;
	json_t *process; /* the process's row, NULL when the event has none */
	json_t *posts;   /* every post, in id order */
	map_t supports;  /* post id -> supports */
} site_ctx_t;

static void on_process(const store_process_t *p, void *arg)
{
	site_ctx_t *c = arg;
	if (p->event_id != c->event_id)
		return;
	json_t *cfg = json_loads(p->config, 0, NULL);
	c->process =
	    json_pack("{s:o,s:b,s:o}", "slug", p->slug ? json_string(p->slug) : json_null(),
	              "published", p->published, "config", cfg ? cfg : json_object());
}

static void on_post(const store_post_t *p, void *arg)
{
	site_ctx_t *c = arg;
	char when[32];
	report_time_text(p->at_ms, when, sizeof when);
	json_array_append_new(c->posts,
	                      json_pack("{s:I,s:I,s:I,s:i,s:s,s:s,s:I,s:s,s:b}", "id",
	                                (json_int_t)p->id, "topic", (json_int_t)p->topic, "parent",
	                                (json_int_t)p->parent, "kind", p->kind, "participant",
	                                p->participant ? p->participant : "", "text",
	                                p->body ? p->body : "", "at", (json_int_t)p->at_ms, "time",
	                                when, "visible", !p->hidden));
}

static void on_mark(int64_t post_id, int kind, const char *participant, void *arg)
{
	(void)participant;
	site_ctx_t *c = arg;
	if (kind != STORE_MARK_SUPPORT)
		return;
	int64_t n = 0;
	map_get(&c->supports, map_key((uint64_t)post_id), &n);
	map_put(&c->supports, map_key((uint64_t)post_id), n + 1);
}

/* A map key from a participant's hash (32 hex digits): its first 16. */
static uint64_t participant_key(const json_t *hex)
{
	char head[17] = "";
	snprintf(head, sizeof head, "%s", json_string_value(hex) ? json_string_value(hex) : "");
	return map_key(strtoull(head, NULL, 16));
}

/* The question number of slide id, 0 when it is none of the report's. */
static int question_number(const report_t *r, int64_t slide)
{
	int n = 0;
	for (size_t i = 0; i < r->n_slides; i++) {
		if (!slide_is_question(&r->slides[i]))
			continue;
		n++;
		if (r->slide_ids[i] == slide)
			return n;
	}
	return 0;
}

static json_t *post_out(site_ctx_t *c, json_t *p)
{
	json_int_t id = json_integer_value(json_object_get(p, "id"));
	int64_t supports = 0;
	map_get(&c->supports, map_key((uint64_t)id), &supports);
	json_t *o = json_pack("{s:I,s:O,s:O,s:O,s:b}", "id", id, "text", json_object_get(p, "text"),
	                      "at", json_object_get(p, "at"), "time", json_object_get(p, "time"),
	                      "visible", json_is_true(json_object_get(p, "visible")));
	if (json_integer_value(json_object_get(p, "kind")) != STORE_POST_REACTION)
		json_object_set_new(o, "supports", json_integer(supports));
	return o;
}

static json_t *topic_out(const report_t *r, site_ctx_t *c, json_t *t, json_t *phases)
{
	json_int_t tid = json_integer_value(json_object_get(t, "id"));
	json_t *posts = json_array(), *reactions = json_array();
	size_t n_contrib = 0, n_replies = 0, n_reactions = 0, n_hidden = 0;
	int64_t n_supports = 0;
	map_t who = MAP_INIT;
	size_t i;
	json_t *p;
	json_array_foreach (c->posts, i, p) {
		if (json_integer_value(json_object_get(p, "topic")) != tid)
			continue;
		bool visible = json_is_true(json_object_get(p, "visible"));
		json_int_t kind = json_integer_value(json_object_get(p, "kind"));
		json_int_t parent = json_integer_value(json_object_get(p, "parent"));
		json_t *o = post_out(c, p);
		if (!visible)
			n_hidden++;
		else if (kind == STORE_POST_REACTION)
			n_reactions++;
		else {
			n_supports += json_integer_value(json_object_get(o, "supports"));
			kind == STORE_POST_REPLY ? n_replies++ : n_contrib++;
			map_put(&who, participant_key(json_object_get(p, "participant")), 1);
		}
		if (!parent && kind == STORE_POST_REACTION) {
			json_array_append_new(reactions, o);
			continue;
		}
		if (!parent) {
			json_object_set_new(o, "replies", json_array());
			json_object_set_new(o, "reactions", json_array());
			json_array_append_new(posts, o);
			continue;
		}
		/* the second level, under its contribution (which came first) */
		size_t k;
		json_t *q, *under = NULL;
		json_array_foreach (posts, k, q)
			if (json_integer_value(json_object_get(q, "id")) == parent)
				under = q;
		if (under)
			json_array_append_new(json_object_get(under, kind == STORE_POST_REACTION
			                                                 ? "reactions"
			                                                 : "replies"),
			                      o);
		else
			json_decref(o);
	}
	json_int_t ph = json_integer_value(json_object_get(t, "phase"));
	json_t *phase = json_is_integer(json_object_get(t, "phase")) && ph >= 0
	                    ? json_object_get(json_array_get(phases, (size_t)ph), "name")
	                    : NULL;
	json_int_t slide = json_integer_value(json_object_get(t, "slide"));
	int qn = slide ? question_number(r, slide) : 0;
	json_t *out = json_pack(
	    "{s:I,s:O,s:O,s:O,s:o,s:{s:I,s:I,s:I,s:I,s:I,s:I},s:o,s:o}", "id", tid, "title",
	    json_object_get(t, "title"), "body", json_object_get(t, "body"), "phase",
	    phase ? phase : json_null(), "question", qn ? json_integer(qn) : json_null(), "counts",
	    "contributions", (json_int_t)n_contrib, "replies", (json_int_t)n_replies, "supports",
	    (json_int_t)n_supports, "reactions", (json_int_t)n_reactions, "hidden",
	    (json_int_t)n_hidden, "participants", (json_int_t)who.n, "reactions", reactions,
	    "posts", posts);
	map_free(&who);
	return out;
}

json_t *report_website(report_t *r)
{
	site_ctx_t c = {.event_id = r->event_id, .posts = json_array(), .supports = MAP_INIT};
	json_t *out = NULL;
	if (store_processes(r->store, on_process, &c) != STORE_OK || !c.process ||
	    store_posts(r->store, r->event_id, on_post, on_mark, &c) != STORE_OK)
		goto done;
	json_t *cfg = json_object_get(c.process, "config");
	json_t *phases = json_object_get(cfg, "phases");
	json_t *topics = json_array();
	size_t i;
	json_t *t;
	json_array_foreach (json_object_get(cfg, "topics"), i, t)
		json_array_append_new(topics, topic_out(r, &c, t, phases));
	const char *ret = json_string_value(json_object_get(cfg, "retention"));
	const char *desc = json_string_value(json_object_get(cfg, "description"));
	out = json_pack("{s:O,s:O,s:s,s:o,s:s,s:o}", "slug", json_object_get(c.process, "slug"),
	                "published", json_object_get(c.process, "published"), "description",
	                desc ? desc : "", "phases", phases ? json_incref(phases) : json_array(),
	                "retention", ret ? ret : "", "topics", topics);
	if (!out)
		json_decref(topics);
done:
	json_decref(c.process);
	json_decref(c.posts);
	map_free(&c.supports);
	return out;
}

size_t report_topic_channels(const report_t *r, const json_t *topic,
                             const report_counts_t *per_session, report_channel_t *out)
{
	size_t n = 0;
	const char *lang = r->lang;
	if (per_session && json_is_integer(json_object_get(topic, "question")))
		for (size_t i = 0; i < r->n_sessions; i++) {
			report_channel_t *c = &out[n++];
			char name[128];
			report_session_label(r, i, name, sizeof name);
			if (r->sessions[i].online)
				snprintf(c->label, sizeof c->label, "%s",
				         report_word(lang, "ch_questionnaire"));
			else
				snprintf(c->label, sizeof c->label, "%s %s",
				         report_word(lang, "ch_hall"), name);
			c->participants = (long long)per_session[i].participants;
			c->items = (long long)per_session[i].answers;
			c->supports = c->replies = -1;
		}
	const json_t *k = json_object_get(topic, "counts");
	report_channel_t *c = &out[n++];
	snprintf(c->label, sizeof c->label, "%s", report_word(lang, "ch_website"));
	c->participants = json_integer_value(json_object_get(k, "participants"));
	c->items = json_integer_value(json_object_get(k, "contributions"));
	c->supports = json_integer_value(json_object_get(k, "supports"));
	c->replies = json_integer_value(json_object_get(k, "replies"));
	return n;
}
