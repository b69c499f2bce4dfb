/*
 * report/internal.h: what the renderers share and nobody outside
 * src/report/ needs: the words of the report in the event's language, date
 * formatting and one entry point per format.
 */
#ifndef INSPRAAK_REPORT_INTERNAL_H
#define INSPRAAK_REPORT_INTERNAL_H

#include <stdio.h>

#include "report/report.h"
#include "util/buf.h"
#include "util/i18n.h"

/* The words of the report (report.c's table of util/i18n.h), keyed by
 * their use: "report_title", "session", the singulars "participant",
 * "answer", "vote" and "hidden_note_one" beside their plurals, the months
 * "january" to "december", a slide's image that the PDF cannot draw
 * ("image_not_shown": "image_too_large", ...). */
extern const i18n_table_t report_words;
/* The word for key (a key of report_words) in lang ("nl"; anything else
 * gets English). A static string. */
const char *report_word(const char *lang, const char *key);

/* How a session is named in tables: its number, or for the session that
 * was open online between the meetings the words for that. */
void report_session_label(const report_t *r, size_t i, char *out, size_t len);

/* one when n is 1, else many: the word after a count ("1 antwoord", "2 antwoorden"). */
static inline const char *report_count_word(long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* x with digits decimals, with a decimal comma in a Dutch report ("3,7")
 * and a point in an English one. */
void report_decimal(const char *lang, double x, int digits, char *out, size_t len);

/* The share (0..100, rounded) of a scale statement's ratings that agree:
 * above the middle of the scale (4 and 5 of 5; 5 to 7 of 7). statement is
 * a tally's statement ({"counts": [...], "count": n}); -1 without ratings. */
int report_agree_percent(const json_t *statement);

/* "16 oktober 2020" from "2020-10-16" (copied as is when not a date). */
void report_date_long(const char *iso, const char *lang, char *out, size_t len);
/* "2020-10-16 14:03:07" in local time from ms since the epoch. */
void report_time_text(int64_t ms, char *out, size_t len);

/* The job of one renderer: where to write and whom to tell. */
typedef struct report_job {
	report_t *r;
	const char *path;
	FILE *f; /* open for the text formats; NULL for PDF and XLSX */
	report_progress_fn progress;
	void *arg;
	size_t ticks; /* steps of progress in the whole job; 0: one per question */
	char *err;
	size_t errlen;
} report_job_t;

/* report_question_load for a renderer: on failure the message is in
 * j->err and the code is returned. */
int report_job_load(report_job_t *j, size_t slide, report_question_t *q);

/* Tells the progress callback (when any) that done of the job's steps
 * are taken: one per question written, or j->ticks in all when set. */
void report_tick(report_job_t *j, size_t done);

/* One per format; each returns 0 or a REPORT_E* code with err set. */
int report_render_md(report_job_t *j);
int report_render_html(report_job_t *j);
int report_render_csv(report_job_t *j);
int report_render_json(report_job_t *j);
int report_render_pdf(report_job_t *j);
int report_render_xlsx(report_job_t *j);

/* Adds to the tagged PDF cairo wrote at path what cairo cannot: the
 * language, the figures' alternative texts (alts[i] for the i-th Figure
 * of the structure tree), the displayed title and XMP metadata with the
 * PDF/UA identifier (pdf_tags.c, with qpdf). Returns 0 or REPORT_EWRITE
 * with err set; the file is replaced only when all went well. */
int report__pdf_finish(const char *path, const char *lang, const char *title, char *const *alts,
                       size_t n_alts, char *err, size_t errlen);

/* pdf_artifact.c: the content stream s (len bytes) with every run of
 * content drawn outside marked content wrapped in /Artifact BMC ... EMC, as
 * a malloc'd copy of *out_len bytes; NULL when there is nothing to mark or
 * the stream has something it does not walk (the page is then left as it
 * is). */
char *report__pdf_artifacts(const char *s, size_t len, size_t *out_len);

/* The event's website (website.c): {"slug", "published", "description",
 * "phases", "retention", "topics": [{"id", "title", "body", "phase",
 * "question", "counts", "reactions", "posts"}]} as docs/report-format.md
 * says, or NULL when the event was never published as one (or the store
 * failed). New reference. */
json_t *report_website(report_t *r);
/* kaart.c: the public entries of the sociale kaart that came from the
 * event's answers, an array (new reference), or NULL when the store
 * failed. */
json_t *report_kaart(report_t *r);

/* One row of a topic's counts per channel (issue 14). */
typedef struct report_channel {
	char label[192];
	long long participants, items; /* items: answers in a session, contributions online */
	long long supports, replies;   /* -1 in a session's row: not of that channel */
} report_channel_t;

/* The counts of topic (one of report_website's "topics") per channel into
 * out (room for r->n_sessions + 1 rows): when the topic is one of the
 * report's questions, a row per session with the answers it got there (a
 * meeting is the hall, a self-paced session the online questionnaire),
 * from per_session (the question's report_question_t.per_session, or NULL
 * when unknown); then the website's row. Returns the rows written. */
size_t report_topic_channels(const report_t *r, const json_t *topic,
                             const report_counts_t *per_session, report_channel_t *out);

#endif
