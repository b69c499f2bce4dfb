/*
 * report: "Presentatie en resultaten" — one model of an event's outcome,
 * many renderers (PDF, Markdown, HTML, CSV, XLSX, JSON).
 *
 * The model reads through the store after (or between) the meetings: the
 * event, its deck, its sessions and, one question at a time, the answers.
 * A report_t holds only the small things (titles, slides, sessions); the
 * answers of a question live in a report_question_t that the renderer loads,
 * draws and clears before the next one, so memory is bounded by the largest
 * question and not by the whole event.
 *
 * Hidden (moderated) answers are loaded with their flag: tallies and counts
 * never include them, the documents (PDF, Markdown, HTML) leave them out and
 * say how many there were, the data exports (CSV, JSON, XLSX) keep them with
 * visible = false so that nothing a facilitator stored is lost.
 *
 * Not thread-safe; a report reads on the caller's thread.
 */
#ifndef INSPRAAK_REPORT_H
#define INSPRAAK_REPORT_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "model/deck.h"
#include "model/themes.h"
#include "store/store.h"

/* The codes are libuv's, named for what they mean here; a store failure
 * and a write failure share UV_EIO, and the message in err tells which. */
enum {
	REPORT_EINVAL = UV_EINVAL,       /* bad argument: unknown session number, format */
	REPORT_ENOTFOUND = UV_ENOENT,    /* no such event or session code */
	REPORT_ESTORE = UV_EIO,          /* the store failed */
	REPORT_EWRITE = UV_EIO,          /* the output could not be written */
	REPORT_ECANCELED = UV_ECANCELED, /* stopped because report_t.cancel was set */
};

typedef enum report_format {
	REPORT_PDF,
	REPORT_MD,
	REPORT_HTML,
	REPORT_CSV,
	REPORT_XLSX,
	REPORT_JSON,
} report_format_t;

typedef struct report_session {
	int64_t id;
	int number; /* 1-based, in order of creation within the event */
	char code[12];
	bool ended;
	int64_t started_at, ended_at; /* ms since the epoch; ended_at 0 while live */
	char date[11];                /* YYYY-MM-DD of started_at, local time */
	bool online;    /* self-paced: open online between the meetings, not a meeting */
	char name[256]; /* its facilitator's name for it ("16 oktober"), "" when none */
} report_session_t;

typedef struct report_counts {
	size_t participants; /* distinct participants with a visible answer */
	size_t answers;      /* visible answers */
	size_t hidden;       /* hidden answers */
} report_counts_t;

typedef struct report_answer {
	int64_t id;
	size_t session; /* index into report_t.sessions */
	char *value;    /* normal form as JSON text (answer.h); owned by the question */
	char *text;     /* the value for a reader (labels instead of indexes); owned */
	int64_t at_ms;
	bool hidden, answered;
	bool counted; /* well formed, so the tallies counted it (a damaged one is listed still) */
} report_answer_t;

/* A Q&A question as the results list it. */
typedef struct report_qa {
	size_t answer; /* index into report_question_t.answers: the answer that asked it */
	int64_t votes; /* visible upvotes */
	bool answered, pinned;
} report_qa_t;

typedef struct report_qa_list {
	report_qa_t *v;
	size_t n;
} report_qa_list_t;

typedef struct report_question {
	size_t slide;             /* index into report_t.slides */
	int number;               /* 1-based among the questions */
	report_answer_t *answers; /* every answer, hidden ones too, in id order */
	size_t n_answers;
	size_t n_sessions;            /* = report_t.n_sessions, for clearing */
	report_counts_t *per_session; /* one per report session */
	report_counts_t total;        /* participants counted once across sessions */
	/* tally_json per session and of all selected sessions together
	 * (docs/protocol.md), without "items": the answers are kept once, in
	 * answers[] and qa (for a question of 100,000 answers the items were
	 * tens of megabytes, issue 16). Owned. */
	json_t **tallies;
	json_t *combined;
	/* Q&A: the visible questions as the results list them (pinned first,
	 * then by votes, then the older), of each session (qa[i]) and of all
	 * the selected sessions together (qa[n_sessions]). NULL for other
	 * kinds. Owned. */
	report_qa_list_t *qa;
	/* Open questions: the visible answers grouped by what they talk about
	 * (model/themes.h), each member's answer an index into answers[];
	 * empty for other kinds. Owned. */
	themes_t themes;
} report_question_t;

typedef struct report {
	store_t *store; /* borrowed */
	int64_t event_id;
	char *title, *subtitle, *lang; /* owned */
	char *summary_md;              /* the facilitator's summary; NULL until events have one */
	char **dates;                  /* the deck's dates (YYYY-MM-DD), else the sessions' */
	size_t n_dates;
	slide_t *slides; /* the deck in order; owned */
	int64_t *slide_ids;
	size_t n_slides, n_questions;
	report_session_t *sessions; /* the selected sessions */
	size_t n_sessions;
	int64_t generated_at; /* ms since the epoch */
	/* Loading a question leaves out answers with a larger id: a renderer
	 * that reads a question twice sets it so that answers arriving in
	 * between cannot change what it reads. INT64_MAX after report_open. */
	int64_t until_id;
	/* Borrowed; NULL or a flag another thread may set to stop the report:
	 * loading the next question then fails with REPORT_ECANCELED, and the
	 * renderer returns it. */
	const atomic_bool *cancel;
	/* Speaker notes (slide_t.notes) are the presenter's own: the Markdown
	 * and JSON renderers write them only when this is set (false after
	 * report_open); the other formats never do. */
	bool with_notes;
} report_t;

/*
 * Opens the report of an event: by id (event_id > 0) or by the code of one
 * of its sessions (code != NULL). session is the 1-based number of the one
 * session to report, or 0 for all of them. On success returns 0 and sets
 * *out (free with report_free); on failure a REPORT_E* code and a message
 * for a person in err. The report reads st until report_free (each
 * question's answers, the images of a PDF); pass a reader
 * (store_reader_open) for one consistent snapshot on a connection of the
 * report's own, as the server does on its thread pool.
 */
int report_open(store_t *st, int64_t event_id, const char *code, int session, report_t **out,
                char *err, size_t errlen);
void report_free(report_t *r);

/*
 * Loads the answers and tallies of the question slide r->slides[slide]
 * into *q (zeroed first). Returns 0, REPORT_EINVAL when the slide is not a
 * question, REPORT_ESTORE when the store failed, REPORT_ECANCELED when
 * r->cancel is set. Free with report_question_clear before loading the
 * next.
 */
int report_question_load(report_t *r, size_t slide, report_question_t *q);
void report_question_clear(report_question_t *q);

/* Called after each question with (done, total) while a report is
 * written, for a progress bar; may be NULL. */
typedef void (*report_progress_fn)(size_t done, size_t total, void *arg);

/* "pdf", "md", "html", "csv", "xlsx", "json"; returns 0 or -1. */
int report_format_parse(const char *name, report_format_t *out);

/*
 * Writes the report in format fmt to the file at path (created or
 * replaced). Returns 0, or a REPORT_E* code with a message in err.
 */
int report_write(report_t *r, report_format_t fmt, const char *path, report_progress_fn progress,
                 void *arg, char *err, size_t errlen);

#endif
