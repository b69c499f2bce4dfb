/*
 * process: an event published as a website (docs/protocol.md, "Processes").
 * For the files of src/app only: process.c keeps the processes in memory,
 * process_post.c takes posts, supports and flags and answers the public
 * JSON API, process_ws.c the workspace's calls; site.c draws the public
 * pages and takes their plain forms.
 *
 * Invariants:
 *  1. Everything a public page shows is in memory: a page or a JSON read
 *     never waits for the disk. Processes and their posts are read once at
 *     start (process_load_all) and again only when a facilitator publishes.
 *  2. A change is applied in memory only after its writer job committed
 *     (as answers are): what a page shows is what is stored.
 *  3. The process's online channel is a self-paced session of its event
 *     (session_id): a question topic's closed kinds are answered there,
 *     through answers.c, so the questionnaire and its protocol stay as
 *     they were.
 *  4. revision grows with every change a page shows; the pages' ETags are
 *     made of it.
 */
#ifndef INSPRAAK_APP_PROCESS_H
#define INSPRAAK_APP_PROCESS_H

#include "app/internal.h"

enum {
	PROCESS_PHASES_MAX = 12,
	PROCESS_TOPICS_MAX = 100,
	PROCESS_TEXT_MAX = 2000,  /* a post, in characters */
	PROCESS_DESC_MAX = 10000, /* a description or a topic's text */
	PROCESS_TITLE_MAX = 200,
	PROCESS_PAGE_POSTS = 50, /* contributions per page of a topic */
};

typedef struct proc_phase {
	char *name;
	char start[11], end[11]; /* YYYY-MM-DD or "" */
	int64_t ends_at;         /* ms: the end of the end date, local time; 0 never */
} proc_phase_t;

typedef struct proc_topic {
	int64_t id; /* stable within its process, from 1 */
	char *title, *body;
	int phase;     /* index in phases, -1 for none */
	int64_t slide; /* a question of the event, 0 for a topic of its own */
} proc_topic_t;

typedef struct post {
	int64_t id, topic, parent, user_id, at;
	int kind; /* STORE_POST_* */
	uint64_t pkey;
	char *body;
	bool hidden, pending, reviewed;
	int64_t supports, flags;
} post_t;

/* An ended session's answers to the question topics, for the start of
 * their conversations (a live session is read from its own tallies). */
typedef struct proc_past {
	int64_t session_id, started_at;
	char code[12];
	bool self_paced;
	live_slide_t *slides;
	size_t n_slides;
} proc_past_t;

typedef struct process {
	int64_t event_id, session_id;
	char *slug; /* NULL: none */
	bool published, premoderate;
	char *title, *lang, *description;
	proc_phase_t *phases;
	size_t n_phases;
	proc_topic_t *topics;
	size_t n_topics;
	int64_t next_topic;
	post_t *posts; /* in the order committed */
	size_t n_posts, cap_posts;
	map_t by_id; /* post id -> index in posts */
	proc_past_t *past;
	size_t n_past;
	/* Retention: after the end of this day no answer, post or mark of the
	 * event stays tied to a device (STORE_JOB_RETENTION), and its topics
	 * close. purged_at: when that last ran (ms), 0 never. */
	char retention[11];
	int64_t retention_at, purged_at;
	uint64_t revision;
	/* E-mail (login_mail.c): residents may confirm an address; when a
	 * facilitator's change last moved the current phase (ms, in memory
	 * only, for the digest); the addresses purged after the retention's
	 * end, or being purged. */
	bool email_login;
	bool email_required; /* only a confirmed address contributes, supports */
	bool invite_only;    /* only the panel (invitation codes) does */
	int64_t phase_changed_at;
	bool mail_purged, mail_purging;
	bool saving; /* a STORE_JOB_PROCESS is in flight */
	/* counts the refreshes begun (process.c): the latest is kept */
	uint64_t refresh_gen;
	bool purging; /* a STORE_JOB_RETENTION is in flight */
	/* Several nodes (process_sync.c): grows with every change of the
	 * configuration or of a post's flags applied here, so that a read of
	 * another node's news that began before it is not taken over it. */
	uint64_t local_gen;
} process_t;

/* The process's language as a static "nl" or "en" (p->lang may be
 * replaced while a job is in flight). */
static inline const char *process_lang(const process_t *p)
{
	return p->lang && p->lang[0] == 'e' && p->lang[1] == 'n' ? "en" : "nl";
}

/* ---- process.c, process_post.c, process_ws.c ---- */
int process_load_all(app_t *a);
void process_free_all(app_t *a);
/* The published process named by a path's :name (its slug or its event
 * id), or NULL. */
process_t *process_by_name(app_t *a, const char *name, size_t len);
process_t *process_by_event(app_t *a, int64_t event_id);
/* The process and post of a post id, or false. */
bool process_find_post(app_t *a, int64_t id, process_t **p, post_t **post);
proc_topic_t *process_topic(process_t *p, int64_t id);
/* The online channel (a live self-paced session) or NULL. */
session_t *process_session(app_t *a, const process_t *p);
/* A topic's question slide in session s, or NULL. */
live_slide_t *process_topic_slide(session_t *s, const proc_topic_t *t);
/* Whether a topic takes posts now; when not, *until is when it closed. */
bool process_topic_open(const process_t *p, const proc_topic_t *t, int64_t now, int64_t *until);
/* Whether participant pkey supported (or flagged) post id. */
bool process_marked(app_t *a, int64_t post_id, int kind, uint64_t pkey);
/* The name of the phase current today by its dates (the last that
 * started), NULL when none. */
const char *process_current_phase(const process_t *p);
/* The event was deleted. */
void process_forget(app_t *a, int64_t event_id);
/* Submits the retention job of every process whose retention has ended
 * since it last ran (on a timer, and after a change). */
void process_retention(app_t *a);

/* Shared by process.c, process_post.c and process_ws.c. */
void process__free(process_t *p);
/* Frees the description, phases and topics of p (they become empty). */
void process__config_clear(process_t *p);
/* Moves n's configuration (description, login rules, phases, topics,
 * retention) into p, whose old one is freed; n keeps its posts, slug,
 * title and state, which the caller takes as it needs. */
void process__config_take(process_t *p, process_t *n);
/* A post as the store gives it; body is a copy the caller owns. */
post_t process__post_from_row(const store_post_t *sp);
void process__add_post(app_t *a, process_t *p, const post_t *src);
/* Reads a configuration into p (empty, or with the previous topics in old
 * for their ids); slide_ok checks a question id. Returns NULL or the i18n
 * key of what is wrong; p then holds part of it (process__free). */
const char *process__config_read(process_t *p, json_t *c, const process_t *old,
                                 bool (*slide_ok)(void *ctx, int64_t id), void *ctx);
json_t *process__config_json(const process_t *p);
/* The event's title and language, and the ended sessions' answers, read
 * on the loop (at start, before the server listens). */
void process__refresh(app_t *a, process_t *p);
/* The same read off the loop (app_read); then then(a, p, rows, n, arg) on
 * the loop, with the event's slides (rows, n: valid during the call; n 0
 * when they could not be read). A refresh begun later wins over this one. */
typedef void process_refresh_fn(app_t *a, process_t *p, const store_slide_t *rows, size_t n,
                                void *arg);
void process__refresh_then(app_t *a, process_t *p, process_refresh_fn *then, void *arg);
/* The key of a participant's mark in a->marks. */
uint64_t process__mark_key(int64_t post_id, int kind, uint64_t pkey);
/* A post as the public API shows it to the participant pkey (known false:
 * one whose cookie is new); new reference. */
json_t *process__post_json(app_t *a, const post_t *q, uint64_t pkey, bool known);
/* The process's public summary: phases and topics with their counts. */
json_t *process__json(app_t *a, process_t *p, uint64_t pkey, bool known);

/* Validates and submits a post; answers req when it is done: as JSON, or
 * (form) with a redirect to back, or site.c's page with the error. */
typedef struct post_in {
	int64_t topic, parent, user_id;
	int kind;
	const char *text, *client_id;
	bool form;
	const char *lang;
	char back[256]; /* the page to go back to (form) */
} post_in_t;
void process_post_submit(app_t *a, process_t *p, http_request_t *req, const post_in_t *in);
/* A support or flag by the request's participant. */
void process_mark_submit(app_t *a, process_t *p, post_t *post, http_request_t *req, int kind,
                         bool form, const char *lang, const char *back);

/* login_mail.c: deletes the addresses and links of p's event once its
 * retention has ended (process_retention calls it). */
void login_mail_retention(app_t *a, process_t *p);
/* NULL when participant pkey (known: their cookie is not new) may
 * contribute and support on p; else the i18n key of why not (the process
 * takes only confirmed addresses, or only its panel). */
const char *login_mail_refusal(app_t *a, const process_t *p, uint64_t pkey, bool known);

/* ---- process_sync.c: the website on several nodes ---- */
/* A change of p was committed and applied here: the other nodes are told
 * (BUS_SITE). config: the configuration or a post's flags changed, not
 * only posts or marks added. */
void process__changed(app_t *a, process_t *p, bool config);
/* Where this node's revisions of a process start: 20 random bits above the
 * low 32, the same for every process of this node. The pages' ETags are
 * made of the revision (site.c), and a browser whose requests go to
 * another node must not be told 304 for a number that means something
 * else there. Below 2^53, so that the JSON's readers keep it exact. */
uint64_t process__revision_start(void);

/* ---- site.c ---- */
/* The topic page with an error above its form (status), keeping text. */
void site_topic_error(app_t *a, process_t *p, proc_topic_t *t, http_request_t *req, int status,
                      const char *lang, const char *msg, const char *text, const char *set_cookie);
/* The language of a public page: ?lang= or a form's lang when nl or en,
 * else the process's. */
const char *site_lang(const http_request_t *req, const process_t *p);

#endif
