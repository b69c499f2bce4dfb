/*
 * questionnaire: a self-paced session as its participants see it — every
 * slide of the event at once, each question with what this participant
 * already gave (docs/protocol.md, "Self-paced sessions").
 *
 * Between meetings the questions stay open online: a resident answers them
 * in any order, over days, and comes back to see what they gave. Answers
 * take the same path as live ones (answers.c: validation, allowances,
 * moderation, the word list); only the choice of slide differs. What is
 * read here is per participant (their own answers, by their cookie), so it
 * is made per request and never put on a shared stream.
 */
#include <string.h>

#include "app/internal.h"

json_t *questionnaire_json(session_t *s, uint64_t pkey, bool known)
{
	json_t *slides = json_array();
	size_t questions = 0, answered = 0;
	for (size_t i = 0; i < s->n_slides; i++) {
		const live_slide_t *ls = &s->slides[i];
		json_t *j = slide_to_json(&ls->s, false);
		json_object_set_new(j, "id", json_integer(ls->id));
		if (ls->tally) {
			/* a participant whose cookie is new has given nothing */
			int64_t used = known ? tally_used(ls->tally, pkey) : 0;
			questions++;
			if (used > 0)
				answered++;
			json_object_set_new(j, "used", json_integer(used));
			json_object_set_new(j, "mine",
			                    known ? tally_mine(ls->tally, pkey) : json_array());
			if (ls->s.kind == SLIDE_QA) {
				json_t *qa = live_qa_slide(ls);
				json_object_set(j, "items", json_object_get(qa, "items"));
				json_decref(qa);
			} else if (ls->s.results_on_phones && s->row.results && used > 0) {
				/* as on a live phone: after answering, visible answers only */
				json_object_set_new(j, "results", live_phones_json(ls));
			}
		}
		json_array_append_new(slides, j);
	}
	return json_pack("{s:s, s:I, s:s, s:s, s:{s:s, s:s, s:s}, s:b, s:b, s:I, s:I, s:o}", "code",
	                 s->row.code, "revision", (json_int_t)s->row.revision, "status", "live",
	                 "mode", "self-paced", "event", "title", s->title, "subtitle", s->subtitle,
	                 "lang", s->lang, "open", s->row.open, "results", s->row.results,
	                 "questions", (json_int_t)questions, "answered", (json_int_t)answered,
	                 "slides", slides);
}

void questionnaire_get(app_t *a, session_t *s, http_request_t *req)
{
	if (!s->row.self_paced) {
		http_respond_error(req, 409, "not_self_paced", tr(s->lang, "err.not_self_paced"),
		                   NULL);
		return;
	}
	char hex[33], cookie[160];
	uint64_t key;
	auth_participant(a, req, hex, &key, cookie);
	http_respond_json(req, 200, questionnaire_json(s, key, cookie[0] == '\0'), cookie);
}
