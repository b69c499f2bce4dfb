/*
 * kind: the registry of question kinds (see kind.h), and the entry of a
 * content slide, which asks nothing.
 *
 * Adding a kind: its value in slide_kind_t (deck.h), its file
 * model/kind_NAME.c defining kind_NAME, and its line below.
 */
#include "model/kind.h"

#include <assert.h>
#include <string.h>

#include "model/internal.h"

static int content_validate(const slide_t *s, const json_t *value, const char *lang, json_t **norm,
                            char *msg, size_t msglen)
{
	return ANSWER__BAD("answer.no_question");
}

static void content_text(const slide_t *s, const json_t *norm, buf_t *b) {}

static bool content_norm_ok(const slide_t *s, const json_t *norm)
{
	return false;
}

static void content_tally_json(const tally_t *t, json_t *j, bool with_hidden) {}

const question_kind_t kind_content = {
    .kind = SLIDE_CONTENT,
    .name = "content",
    .validate = content_validate,
    .units = answer__one_unit,
    .text = content_text,
    .norm_ok = content_norm_ok,
    .tally_json = content_tally_json,
};

static const question_kind_t *const registry[] = {
    [SLIDE_CONTENT] = &kind_content, [SLIDE_OPEN] = &kind_open,   [SLIDE_CLOUD] = &kind_cloud,
    [SLIDE_CHOICE] = &kind_choice,   [SLIDE_SCALE] = &kind_scale, [SLIDE_RANK] = &kind_rank,
    [SLIDE_QA] = &kind_qa,
};

const question_kind_t *kind_of(slide_kind_t k)
{
	assert((size_t)k < sizeof registry / sizeof *registry);
	return registry[k];
}

const question_kind_t *kind_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof registry / sizeof *registry; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}

size_t kind_count(void)
{
	return sizeof registry / sizeof *registry;
}
