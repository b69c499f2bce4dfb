/*
 * app internals shared by the files of src/app; nothing outside app/ sees
 * these. One struct session per live session, owned by the app.
 */
#ifndef INSPRAAK_APP_INTERNAL_H
#define INSPRAAK_APP_INTERNAL_H

#include <jansson.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "app/app.h"
#include "model/deck.h"
#include "model/filter.h"
#include "model/tally.h"
#include "util/bucket.h"
#include "util/buf.h"
#include "util/i18n.h"
#include "util/map.h"
#include "store/bus.h"

enum { REACTIONS_N = 5 }; /* clap, heart, laugh, wow, idea */
/* Connections for reads off the loop (app_read): two, so that one read
 * waiting for a lock leaves another way for the rest. */
enum { APP_READERS = 2 };

typedef struct live_slide {
	int64_t id;
	slide_t s;
	tally_t *tally;        /* NULL for content slides */
	uint64_t sent_version; /* tally_version last published */
} live_slide_t;

typedef struct who who_t;

typedef struct session {
	store_session_t row; /* id, event_id, code, status, slide_index, open, results, revision */
	char *title, *subtitle, *lang;
	live_slide_t *slides;
	size_t n_slides;
	sse_hub_t *participants; /* participant streams */
	sse_hub_t *presenters;   /* results streams */
	sse_hub_t *moderators;   /* results streams with hidden answers */
	char *state;             /* the state as JSON, rebuilt on every change */
	sse_frame_t *state_frame;
	/* client answer id -> answer id, or 0 while the answer is in flight:
	 * a retry is recognised without asking the store */
	map_t seen;
	bool dirty; /* some tally changed since the last flush */
	/* Results for phones (the current slide has results_on_phones): one
	 * frame, serialised once per tally version and shared by every
	 * participant stream; published at most twice a second. */
	sse_frame_t *phones_frame; /* NULL until first needed */
	int64_t phones_slide;      /* the slide phones_frame is of */
	uint64_t phones_version;   /* its tally version */
	int64_t phones_sent_slide; /* what was last published to phones */
	uint64_t phones_sent_version;
	uint64_t phones_sent_at; /* loop time of that */
	/* The countdown of a question with a timer (live.c): wall-clock ms at
	 * which voting closes by itself, 0 while none runs; and its slide. */
	int64_t closes_at;
	int64_t countdown_slide;
	/* Reactions (reactions.c): on when the deck says so; counts per kind
	 * since the last flush, never stored. */
	bool reactions;
	uint32_t reacted[REACTIONS_N];
	/* Several nodes (nodes.c): saves of the state in flight here, and
	 * moderation flags in flight here (a reload then leaves the flags
	 * alone); tallies changed here since the last publish on the bus;
	 * another node changed the session (a reload is due) and one runs. */
	unsigned saving, moderating;
	bool bus_dirty, stale, reloading;
	bool deck_news;         /* its deck was replaced here: told with the next save */
	uint64_t deck_hash;     /* of what it shows of its event (live.c, deck_hash) */
	int64_t answers_cursor; /* store_answers_since's, for the next reload */
} session_t;

/* Jobs for the thread pool, at most limit at once; the rest wait here in
 * order (pool.c). */
typedef struct app_queue {
	unsigned running, limit;
	struct app_slot *head, *tail;
} app_queue_t;

typedef struct static_file {
	char *path; /* under /static/, e.g. "participant.js" */
	char *data;
	size_t len;
	const char *type;
	char etag[24];
	/* The same bytes compressed at build time (make: NAME.gz, NAME.br
	 * beside NAME), NULL when there is none or it is older than NAME. Each
	 * has a strong ETag of its own: different bytes, different tag. */
	char *gz, *br;
	size_t gz_len, br_len;
	char etag_gz[28], etag_br[28];
} static_file_t;

struct app {
	uv_loop_t *loop;
	store_t *store;
	char public_url[256];
	char web_dir[1024];
	session_t **sessions;
	size_t n_sessions;
	map_t by_code; /* numeric code -> index in sessions */
	/* templates */
	char *t_index, *t_participant, *t_login, *t_present, *t_app;
	static_file_t *statics;
	size_t n_statics;
	/* request budgets: answers per participant (20 at once, then 2 a
	 * second), failed code look-ups per network address, failed logins
	 * per account and per address */
	bucket_set_t budget, lookups, logins;
	bucket_set_t reacts; /* reactions per participant (reactions.c) */
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
	filter_t *filter; /* words that hold an answer back for a moderator */
	uv_timer_t flush_timer;
	uint64_t last_flush;
	uint64_t flush_due; /* loop time the timer fires, while flush_pending */
	bool flush_pending;
	uv_timer_t countdown_timer; /* the earliest closes_at of every session */
	/* Work queued on libuv's thread pool that has not come back to the
	 * loop: report downloads (reports.c) and password checks (auth.c).
	 * Loop thread only. */
	size_t pool_jobs;
	/* Work on libuv's thread pool with a bound (pool.c): password hashes,
	 * and the workspace's writes on their own connection, disk (NULL:
	 * they run on the loop, as without --db). Loop thread only. */
	app_queue_t hashes, writes;
	store_t *disk;
	/* Set by app_stop; report workers read it between questions. */
	atomic_bool stopping;
	/* /metrics: for this bearer token ("" none) or, with metrics_local,
	 * for loopback peers (metrics.c) */
	char metrics_token[128];
	bool metrics_local;
	/* the website (process.c): processes by event, every participant's
	 * supports and flags (a key per post, kind and participant), and
	 * which process each post belongs to */
	struct process **processes;
	size_t n_processes;
	map_t marks, post_process;
	/* other nodes' news of the website (process_sync.c) */
	struct process_sync *process_sync;
	char *t_site;               /* web/site.html, the public pages' frame */
	uv_timer_t retention_timer; /* process_retention, every ten minutes */
	struct kaart *kaart;        /* the sociale kaart's entries (kaart.h) */
	struct tiles *tiles;        /* the sociale kaart's map background; NULL: none */
	struct mail *mail;          /* mail.c; NULL without --smtp-url */
	/* Several nodes (nodes.c): the bus; a connection of its own for
	 * reading what other nodes changed and sessions not yet in memory
	 * (NULL: reads on the loop through store), one read at a time; codes
	 * looked up and not found, with the loop time they expire. */
	struct bus *bus;
	store_t *peer;
	app_queue_t peers;
	map_t unknown;
	size_t lookups_waiting;
	/* e-mail on the website (login_mail.c): per event and participant
	 * whether they confirmed an address and want the digest; link
	 * requests per participant and per network address; the digest's
	 * timer, its local hour and the day it last ran (YYYYMMDD) */
	map_t mail_people;
	map_t mail_topics; /* (event, participant, topic) -> 1: the digest is about it */
	/* changes to the two maps made here, and a read of them all from the
	 * store under way (login_mail_resync; another one asked for) */
	uint64_t mail_changes;
	bool mail_resyncing, mail_resync_again;
	bucket_set_t mail_requests, mail_peers;
	uv_timer_t digest_timer;
	int digest_hour;
	int64_t digest_day;
	/* tokens and users kept a few seconds (who.c), on PostgreSQL only */
	struct who *who;
	bool who_on;
	/* Reads for requests off the loop (app_read, pool.c): connections
	 * of their own, on PostgreSQL only (NULL: reads on the loop through
	 * store); busy[i] while a pool thread reads through readers[i]. */
	store_t *readers[APP_READERS];
	atomic_bool reader_busy[APP_READERS];
	app_queue_t reads;
};

/* ---- routes.c: the route table ----
 *
 * Every request is answered through one table of routes (app_routes in
 * routes.c, workspace_routes in workspace.c). app_handle finds the route
 * and, from its row alone, in this order:
 *
 *  1. no pattern matches: 404 (a fallback row may catch a prefix first);
 *  2. a :code is resolved to its live session (429 over the look-up
 *     budget, 404 unknown, 410 ended where the row says so);
 *  3. the path matches but not the method: 405 with an Allow header that
 *     names every method of every row with that path;
 *  4. the role: 401 without a login (a page redirects to /login), 403
 *     without the CSRF token where the row asks for it;
 *  5. an :answer or :event is resolved (404), and the caller's access to
 *     its event compared with the row's role (403, or 404 for an event the
 *     caller cannot see);
 *  6. the body limit: 413;
 *  7. the handler.
 *
 * No route can forget a check, and a test walks the table to prove that
 * every route above APP_ROLE_ANYONE refuses a participant.
 */
enum {
	APP_GET = 1u << HTTP_M_GET, /* admits HEAD too */
	APP_POST = 1u << HTTP_M_POST,
	APP_PUT = 1u << HTTP_M_PUT,
	APP_DELETE = 1u << HTTP_M_DELETE,
	APP_ANY = APP_GET | APP_POST | APP_PUT | APP_DELETE | 1u << HTTP_M_HEAD |
	          1u << HTTP_M_OPTIONS | 1u << HTTP_M_OTHER,
};

/* Who may call a route. MODERATOR..OWNER are access levels to the event of
 * the path's :code, :answer or :event (workspace_access); ADMIN is the
 * user's own role. The order matters: every role above USER needs a login. */
typedef enum app_role {
	APP_ROLE_ANYONE,      /* participants and public pages */
	APP_ROLE_USER,        /* any logged-in user */
	APP_ROLE_MODERATOR,   /* ACCESS_MODERATOR or more */
	APP_ROLE_FACILITATOR, /* ACCESS_FACILITATOR or more */
	APP_ROLE_OWNER,       /* ACCESS_OWNER or more */
	APP_ROLE_ADMIN,       /* a user whose role is admin */
} app_role_t;

enum {
	APP_R_CSRF = 1 << 0,     /* a cookie login must send X-CSRF-Token */
	APP_R_PAGE = 1 << 1,     /* HTML: no login redirects to /login, a bad
	                          * :code is answered as the front page */
	APP_R_ENDED = 1 << 2,    /* 410 once the :code's session has ended */
	APP_R_FALLBACK = 1 << 3, /* only when no other row's path matches;
	                          * any method */
};

/* What the table found in the path, resolved; the parameters point into
 * the request's path (nothing is allocated). */
typedef struct app_match {
	const struct app_route *route;
	const char *code; /* :code, not NUL-terminated */
	size_t code_len;
	const char *name; /* :name, not NUL-terminated */
	size_t name_len;
	const char *rest; /* the rest of the path for a trailing "*"; in a
	                   * request it runs to the path's NUL */
	size_t rest_len;
	int64_t id;               /* :event, :answer, :post or :topic */
	bool answer;              /* id is an :answer */
	bool post;                /* id is a :post (a post of the website) */
	struct session *session;  /* :code, or the session of :answer */
	struct live_slide *slide; /* the slide of :answer */
	int64_t user;             /* the logged-in user, 0 for APP_ROLE_ANYONE */
	int level;                /* the user's access to the path's event */
} app_match_t;

typedef void (*app_route_fn)(app_t *a, http_request_t *req, const app_match_t *m);

/*
 * One row. pattern is the whole path: literal bytes, ":code" (6 to 8
 * digits), ":event" and ":answer" (a positive number), ":name" (one
 * non-empty segment) and a trailing "*" (the rest, maybe empty).
 */
typedef struct app_route {
	unsigned methods; /* APP_GET | APP_POST ... */
	const char *pattern;
	app_route_fn handler;
	app_role_t role;
	unsigned flags;      /* APP_R_* */
	size_t body_max;     /* 0: HTTP_MAX_BODY */
	const char *refused; /* i18n key of the 403 below the role; NULL: the default */
	int arg;             /* a constant for the handler */
} app_route_t;

/* A row: the four fields every route has, then what it needs of the rest
 * (.flags = ..., .body_max = ...); the others are 0. */
#define APP_ROUTE(meth, pat, fn, who, ...)                                                         \
	{                                                                                          \
		.methods = (meth), .pattern = (pat), .handler = (fn), .role = (who), __VA_ARGS__   \
	}

/* The route tables, in the order app_handle tries them. */
extern const app_route_t app_routes[];
extern const size_t app_n_routes;
extern const app_route_t workspace_routes[];
extern const size_t workspace_n_routes;

/* ---- live.c ---- */
session_t *live_find(app_t *a, const char *code);
/* Loads one session with its slides and answers; adds it to the app.
 * UV_EIO when the store cannot give its event, slides or answers (or the
 * event has no slides), UV_EINVAL when a stored slide cannot be read; the
 * app is unchanged then. */
int live_load(app_t *a, const store_session_t *row);
/* live_load in two halves: live_read reads the session through st (on
 * any thread, touching nothing of a but its keys) into *out, owned by the
 * caller (live_free); live_add, on the loop, gives it streams and adds it
 * to the app. */
int live_read(app_t *a, store_t *st, const store_session_t *row, session_t **out);
void live_add(app_t *a, session_t *s);
void live_free(session_t *s);
live_slide_t *live_current(session_t *s);
live_slide_t *live_slide_by_id(session_t *s, int64_t id);
/* After a change of row: revision + 1, new state, publish, save. req (may be
 * NULL) is answered with the state once the save committed. */
void live_changed(app_t *a, session_t *s, http_request_t *req);
/* Marks tallies changed; the flush publishes them coalesced, to this
 * node's streams and on the bus. The quiet one does not tell the bus: for
 * what came from it. */
void live_dirty(app_t *a, session_t *s);
void live_dirty_quiet(app_t *a, session_t *s);
/* Takes the state another node stored (row) when it is newer than s's
 * (or the same revision, different, and nothing of s's being saved here):
 * publishes it to this node's streams without saving. True when taken. */
bool live_adopt(app_t *a, session_t *s, const store_session_t *row);
/* The results of every question slide, new reference. */
json_t *live_results(session_t *s, bool with_hidden);
/* The visible questions of the current slide for upvoting, {"slide",
 * "items"}, or NULL when it is no Q&A slide or the session is self-paced;
 * live_qa_slide the same for any Q&A slide. New references. */
json_t *live_qa(session_t *s);
json_t *live_qa_slide(const live_slide_t *ls);
/* The results of a slide as phones see them (docs/protocol.md, participant
 * stream): visible answers only, lists cut short, no times; new reference. */
json_t *live_phones_json(const live_slide_t *ls);
/* Finds the session and slide holding answer id. */
bool live_find_answer(app_t *a, int64_t id, session_t **s, live_slide_t **ls);
enum { STREAM_PARTICIPANT, STREAM_PRESENTER, STREAM_MODERATOR };
void live_stream(app_t *a, session_t *s, http_request_t *req, int kind);
/* Loads the slides of s again from its event's row and slides, read off
 * the loop by the caller (its deck changed while it had no answers), and
 * publishes the new state. UV_EIO when n is 0; after UV_EINVAL s has the
 * slides before the bad one. ev and rows stay the caller's. */
int live_reload_rows(app_t *a, session_t *s, const store_event_t *ev, const store_slide_t *rows,
                     size_t n);
/* The same for a deck another node replaced, read off the loop: takes ev's
 * strings and rows (freed), adopts row (read with them) unless older or a
 * save of s is in flight here, and publishes the state without saving.
 * A deck the same as s's changes nothing but the row (live_adopt). */
int live_deck_adopt(app_t *a, session_t *s, store_event_t *ev, store_slide_t *rows, size_t n,
                    const store_session_t *row);
/* The event is gone: the session stops taking answers, phones are told,
 * and its code no longer resolves. Its memory stays until exit, since
 * answers may still be in flight to it. */
void live_retire(app_t *a, session_t *s);
void live_flush_init(app_t *a);
/* The key under which a client's answer id is remembered in seen. */
uint64_t live_seen_key(app_t *a, const char *client_id);
/* The 64-bit participant key from its 32-hex-digit hash. */
uint64_t live_participant_key(const char *participant_hex);

/* ---- nodes.c: several nodes on one database ---- */
/* Opens the bus (url NULL: none) and the reading connection (db_path NULL:
 * reads run on the loop); false with a message in err. */
int nodes_open(app_t *a, const char *bus_url, const char *db_path, char *err, size_t errlen);
void nodes_close(app_t *a);
/* The :code is not in memory: looks it up in the store off the loop and,
 * when found, loads it and handles req again. False (req untouched) when
 * the code was looked up and not found lately, or too many look-ups wait. */
bool nodes_lookup(app_t *a, http_request_t *req, const char *code);
/* Reads s's state and answers again off the loop and merges them, as for
 * news from another node. */
void nodes_reload(app_t *a, session_t *s);
/* Another node's news of a participant of event_id whose address was
 * confirmed, chosen or forgotten, or who joined a panel (BUS_PERSON):
 * reads them off the loop and updates a->mail_people (login_mail.c).
 * pkey 0: every participant of the event (a purge): all is read again. */
void login_mail_heard(app_t *a, int64_t event_id, uint64_t pkey);
/* News may have been missed: reads who confirmed, and the panels, again
 * off the loop, and replaces a->mail_people and a->mail_topics. */
void login_mail_resync(app_t *a);
/* A read for news of another node, off the loop through a->peer, one at a
 * time with the sessions' reloads: run(job) on a pool thread reads through
 * job->st; done(job, status) on the loop (status < 0: the pool refused).
 * Without a->peer both run on the loop, at once. */
typedef struct app_write app_write_t;
void nodes_read(app_t *a, app_write_t *job, void (*run)(app_write_t *),
                void (*done)(app_write_t *, int));
/* Loads the live session session_id off the loop when it is not in memory
 * (a website's online channel that another node started). */
void nodes_load_session(app_t *a, int64_t session_id);
/* Another node changed the website of event_id (BUS_SITE; 0: news may
 * have been missed, every process is read again): read off the loop and
 * merged (process_sync.c). */
void process_heard(app_t *a, int64_t event_id);
void process_sync_free(app_t *a);
/* Another node changed the sociale kaart (BUS_KAART), or news may have
 * been missed: its entries and settings are read again off the loop and
 * the newer ones taken (kaart_sync.c). */
void kaart_heard(app_t *a);

/* ---- answers.c ---- */
/* Submits value for the participant; answers req as JSON or, when form is
 * true, as the participant page or a redirect. */
void answers_submit(app_t *a, session_t *s, http_request_t *req, const char *participant_hex,
                    uint64_t pkey, const char *client_id, int64_t slide_id, json_t *value,
                    bool form, const char *set_cookie);
void answers_post_json(app_t *a, session_t *s, http_request_t *req);
void answers_post_form(app_t *a, session_t *s, http_request_t *req);

/* ---- questionnaire.c ---- */
/* Every slide of a self-paced session, each question with what participant
 * pkey gave (known false: a participant whose cookie is new) and, where the
 * slide shows results on phones and they answered, its results. New
 * reference; the shape is in docs/protocol.md. */
json_t *questionnaire_json(session_t *s, uint64_t pkey, bool known);
/* GET /api/v1/sessions/CODE/questionnaire. */
void questionnaire_get(app_t *a, session_t *s, http_request_t *req);

/* ---- process.c and site.c: the website (process.h) ---- */
void process_api_get(app_t *a, http_request_t *req, const app_match_t *m);
void process_api_topic(app_t *a, http_request_t *req, const app_match_t *m);
void process_api_post(app_t *a, http_request_t *req, const app_match_t *m);
void process_api_mark(app_t *a, http_request_t *req, const app_match_t *m);
void process_ws_get(app_t *a, http_request_t *req, const app_match_t *m);
void process_ws_put(app_t *a, http_request_t *req, const app_match_t *m);
void process_ws_reaction(app_t *a, http_request_t *req, const app_match_t *m);
void process_ws_moderate(app_t *a, http_request_t *req, const app_match_t *m);
/* The event of a post of the website, 0 when there is none. */
int64_t process_post_event(app_t *a, int64_t post_id);
int process_load_all(app_t *a);
void process_free_all(app_t *a);
void process_forget(app_t *a, int64_t event_id);
/* GET /p/:name, GET /p/:name/topics/:topic and its POST (site.c). */
void site_process_page(app_t *a, http_request_t *req, const app_match_t *m);
void site_topic_page(app_t *a, http_request_t *req, const app_match_t *m);
void site_topic_post(app_t *a, http_request_t *req, const app_match_t *m);
/* The hand-off from the hall: a published process of the session's event
 * answers GET /api/v1/sessions/:code/website with its path, and an ended
 * session's page names it ("praat verder online"). site_ended_page answers
 * req and returns true when there is one; false leaves req to the caller. */
void site_session_website(app_t *a, http_request_t *req, const app_match_t *m);
bool site_ended_page(app_t *a, http_request_t *req, session_t *s);
/* The path of the published process of s's event (/p/NAME) in path;
 * false when the event has none. For a website slide (deck.h). */
bool site_website_path(app_t *a, const session_t *s, char *path, size_t len);
/* The same for the code of a session that ended before the server
 * started (not in memory, but known to its process). */
bool site_ended_code_page(app_t *a, http_request_t *req, const char *code);
/* The form's "back" field when it is a topic page's path (/p/NAME/topics/N,
 * nothing else, so no redirect can leave the site); false otherwise. */
bool site_back(const http_request_t *req, char *out, size_t len);

/* ---- workspace.c ---- */
/* What a user may do with an event, from least to most. */
enum { ACCESS_NONE, ACCESS_MODERATOR, ACCESS_FACILITATOR, ACCESS_OWNER, ACCESS_ADMIN };
int workspace_access(app_t *a, int64_t user, int64_t event_id);

/* ---- media.c ---- */
enum {
	MEDIA_MAX = 5 * 1024 * 1024,
	/* A deck as large as the parser takes, as a JSON string (every line end
	 * or quote escaped: at most twice as long), with room for the rest. */
	DECK_BODY_MAX = 2 * DECK_MAX_BYTES + HTTP_MAX_BODY,
};
/* POST /api/v1/events/:event/images: stores the body as an image of the
 * event. */
void media_upload(app_t *a, http_request_t *req, const app_match_t *m);
/* GET /media/ID/NAME (m->rest is "ID/NAME"). */
void media_serve(app_t *a, http_request_t *req, const app_match_t *m);

/* ---- tiles.c: the sociale kaart's map (tiles.h) ---- */
/* GET /kaart/tiles/Z/X/Y.EXT (m->rest "Z/X/Y.EXT"): a tile of the MBTiles
 * file, read on the thread pool; 404 without one or for a bad path. */
void tiles_get(app_t *a, http_request_t *req, const app_match_t *m);
/* GET /api/v1/kaart/map: where the map's tiles come from (tiles_config). */
void tiles_map_get(app_t *a, http_request_t *req, const app_match_t *m);

/* ---- pdfimport.c ---- */
/* POST /api/v1/events/ID/pdf: the body's pages as content slides, drawn on
 * the thread pool (counted in pool_jobs). The route's row checks access. */
void pdfimport_post(app_t *a, http_request_t *req, const app_match_t *m);

/* ---- presenter.c ---- */
/* GET /present/CODE/view: the presenter view (web/static/present-view.html);
 * the route's row checks the login and the access to the session's event. */
void presenter_view(app_t *a, http_request_t *req, const app_match_t *m);
/* GET /api/v1/sessions/CODE/presenter: every slide with its speaker notes,
 * the phones connected now, the session's start. */
void presenter_get(app_t *a, http_request_t *req, const app_match_t *m);
/* GET /api/v1/sessions/CODE/website-qr.svg: the QR code of the event's
 * published website (a website slide), 404 when there is none. */
void presenter_website_qr(app_t *a, http_request_t *req, const app_match_t *m);

/* ---- deckzip.c ---- */
/* POST /api/v1/events/ID/deck.zip: stores the zip's images as the event's
 * and answers the deck linking to them (read on the thread pool). */
void deckzip_import(app_t *a, http_request_t *req, const app_match_t *m);
/* GET /api/v1/events/ID/deck.zip: the deck and the images it links to. */
void deckzip_export(app_t *a, http_request_t *req, const app_match_t *m);

/* ---- flyer.c ---- */
/* GET /api/v1/sessions/CODE/flyer.pdf?size=a4|a5: the printable invitation
 * with the join URL's QR code, drawn on the thread pool. */
void flyer_get(app_t *a, http_request_t *req, const app_match_t *m);

/* ---- metrics.c ---- */
/* GET /healthz, GET /readyz, GET /metrics (docs/deploy.md). */
void metrics_healthz(app_t *a, http_request_t *req, const app_match_t *m);
void metrics_readyz(app_t *a, http_request_t *req, const app_match_t *m);
void metrics_get_page(app_t *a, http_request_t *req, const app_match_t *m);

/* ---- mail.c ---- */
/* POST /api/v1/mail/test {"to": ADDRESS}: sends a test message; 200 once
 * the SMTP server took it, 502 when it did not, 503 without --smtp-url. */
void mail_test_post(app_t *a, http_request_t *req, const app_match_t *m);

/* ---- login_mail.c: the website's e-mail ladder ---- */
void login_mail_account(app_t *a, http_request_t *req, const app_match_t *m);
void login_mail_request(app_t *a, http_request_t *req, const app_match_t *m);
void login_mail_confirm_page(app_t *a, http_request_t *req, const app_match_t *m);
void login_mail_confirm(app_t *a, http_request_t *req, const app_match_t *m);
/* POST /p/:name/digest, and /p/:name/forget with the route's arg 1 */
void login_mail_choice(app_t *a, http_request_t *req, const app_match_t *m);
void login_mail_unsubscribe(app_t *a, http_request_t *req, const app_match_t *m);
void login_mail_digest_now(app_t *a, http_request_t *req, const app_match_t *m);
/* Invitation codes: /p/:name/invite (GET the form, POST a code), and the
 * workspace's list (JSON, or ?format=csv) and new codes. */
void login_invite_page(app_t *a, http_request_t *req, const app_match_t *m);
void login_invites_get(app_t *a, http_request_t *req, const app_match_t *m);
void login_invites_post(app_t *a, http_request_t *req, const app_match_t *m);
/* Loads who confirmed (synchronously: at start); 0 or the store's code.
 * login_mail_start then starts the digest's timer. */
int login_mail_init(app_t *a);
void login_mail_start(app_t *a);
int login_mail_load(app_t *a, store_t *st);
void login_mail_stop(app_t *a);
void login_mail_free(app_t *a);

/* ---- pool.c ---- */
/* Runs fn(w) on libuv's pool, then after(w, status) on the loop, with at
 * most q->limit of q's jobs at once; later ones wait in order. after is
 * always called (status < 0 when the pool refused). */
void app_queue_work(app_t *a, app_queue_t *q, uv_work_t *w, uv_work_cb fn, uv_after_work_cb after);
/* A write of the workspace (an event created, changed or deleted, an
 * image stored), run off the loop through a->disk, one at a time: run(job)
 * on a pool thread writes through job->st and keeps its result in the
 * struct that embeds job; done(job, status) answers on the loop (status
 * < 0: the pool refused and run did not happen). Without a->disk both run
 * on the loop, at once. */
typedef struct app_write app_write_t;
struct app_write {
	uv_work_t work;
	app_t *app;
	store_t *st;
	void (*run)(app_write_t *job);
	void (*done)(app_write_t *job, int status);
};
void app_write(app_t *a, app_write_t *job, void (*run)(app_write_t *),
               void (*done)(app_write_t *, int));
/* A read that a request needs (an event's access, an image), run off the
 * loop through one of a->readers: run(job) on a pool thread reads through
 * job->st and keeps its result in the struct that embeds job (it must not
 * touch loop-owned state: sessions, the app's maps); done(job, status)
 * answers on the loop (status < 0: the pool refused and run did not happen).
 * Without readers (SQLite, whose reads take microseconds) both run on the
 * loop, at once. */
typedef struct app_read app_read_t;
struct app_read {
	uv_work_t work;
	app_t *app;
	store_t *st;
	void (*run)(app_read_t *job);
	void (*done)(app_read_t *job, int status);
};
void app_read(app_t *a, app_read_t *job, void (*run)(app_read_t *),
              void (*done)(app_read_t *, int));
/* Opens a->readers on db_path (PostgreSQL); returns 0 or UV_EIO with err
 * filled. app_readers_close closes those opened. */
int app_readers_open(app_t *a, const char *db_path, char *err, size_t errlen);
void app_readers_close(app_t *a);
/* Sets the queues' bounds: hashes on (cores - 1), writes one at a time. */
void app_queues_init(app_t *a);
/* An uploaded body worked on in libuv's pool (a PDF to draw, a zip to
 * read): the request, who sent it for which event, and a copy of the body,
 * owned. A module's job struct embeds it first. */
typedef struct app_upload {
	uv_work_t work;
	http_request_t *req;
	app_t *app;
	int64_t event_id, user;
	char lang[4];
	void *body;
	size_t len;
} app_upload_t;
/* Fills up from req and m (the :event route's match), copies the body and
 * queues fn, then after on the loop, counting the job in a->pool_jobs; up's
 * work.data is job (the struct that embeds up). Returns 0, or < 0 when
 * the pool refused: req is answered 503, the body copy freed, job still
 * the caller's to free. */
int app_upload_queue(app_t *a, app_upload_t *up, void *job, http_request_t *req,
                     const app_match_t *m, uv_work_cb fn, uv_after_work_cb after);

/* ---- reactions.c ---- */
/* POST /api/v1/sessions/:code/reactions {"reaction": "clap"}: counts it for
 * the presenters; 202, or 409 when the deck has reactions off, 429 when
 * this participant reacts too often. A route handler (routes.c's table). */
enum { REACTIONS_BODY_MAX = 256 };
void reactions_post(app_t *a, http_request_t *req, const app_match_t *m);
/* The counts since the last call as {"clap": n, ...} (a new reference), and
 * zero again; NULL when there were none. */
json_t *reactions_take(session_t *s);

/* ---- auth.c ---- */
/* The participant for this request: reads or makes the cookie. Fills hex
 * (33 bytes) and key; *set_cookie is a Set-Cookie line or "" (static). */
void auth_participant(app_t *a, http_request_t *req, char hex[33], uint64_t *key,
                      char set_cookie[160]);
/* The logged-in user id, or 0. With changes, a cookie-authenticated request
 * must also carry a matching X-CSRF-Token; *csrf_ok tells. */
int64_t auth_user(app_t *a, http_request_t *req, bool *csrf_ok);
void auth_csrf(app_t *a, http_request_t *req, char out[65]);
void auth_login_form(app_t *a, http_request_t *req);
/* Makes the decoy hash of unknown login names on the pool, so that the
 * first unknown name takes no longer than any other. */
void auth_warm(app_t *a);
void auth_login_link(app_t *a, http_request_t *req);
void auth_logout(app_t *a, http_request_t *req);
void auth_sha256(const char *secret, unsigned char out[32]);
/* The SHA-256 of the request's bearer token (kind "api") or session cookie
 * ("session"); false when it has neither in the right form. */
bool auth_token(const http_request_t *req, unsigned char hash[32], const char **kind);

/* ---- who.c: tokens and users kept a few seconds (PostgreSQL) ---- */
/* True when req's token must first be read off the loop: the look-up is
 * started and req is handled again (app_handle) when it is back. */
bool who_pending(app_t *a, http_request_t *req);
/* store_token_user and store_user_info, from what who keeps when it can. */
int who_token_user(app_t *a, const unsigned char hash[32], const char *kind, int64_t *user);
int who_user_info(app_t *a, int64_t id, char *name, size_t nlen, char *role, size_t rlen);
/* A token ended here (a logout): not taken from the cache any more. */
void who_forget(app_t *a, const unsigned char hash[32]);
/* A user's password changed, or the user was deleted, here: their tokens
 * and role are read again. */
void who_forget_user(app_t *a, const char *name);
/* True when user's access to event_id must first be read off the loop
 * (app_read): the read is started and req is handled again when it is
 * back. Called after who_pending, with the token's user known. */
bool who_access_pending(app_t *a, http_request_t *req, int64_t user, int64_t event_id);
/* store_event_access, from what who keeps when it can. */
int who_event_access(app_t *a, int64_t event_id, int64_t user, char *access, size_t len);
/* The event's shares changed here (shared, unshared, deleted, created):
 * every user's access to it is read again. */
void who_forget_event(app_t *a, int64_t event_id);
void who_free(app_t *a);

/* ---- pages.c ---- */
/* Reads the page templates and the static files of a->web_dir. A missing
 * template gives a negative code (from errno) with its path in err. */
int pages_load(app_t *a, char *err, size_t errlen);
void pages_free(app_t *a);
/* Serves /static/...; false when no such file. */
bool pages_static(app_t *a, http_request_t *req, const char *name);
void pages_index(app_t *a, http_request_t *req, int status, const char *error,
                 const char *extra_headers);
void pages_participant(app_t *a, session_t *s, http_request_t *req, int status, const char *notice,
                       bool notice_is_error, const char *set_cookie);
/* The login page in pages_login_lang(req), with error (already in that
 * language, not yet escaped) above the form. */
void pages_login(app_t *a, http_request_t *req, int status, const char *error, const char *next);
/* The login page's language: "lang" of the form (a POST) or the query when
 * it is nl or en, else the request's Accept-Language, Dutch when it names
 * neither. */
const char *pages_login_lang(const http_request_t *req);
void pages_present(app_t *a, session_t *s, http_request_t *req);
/* A self-paced session's question as its page draws it (what the reader
 * gave, the form when open, the results when due), for a topic page; the
 * form sends back (a path) along, for answers.c to return there. */
void pages_question(buf_t *b, app_t *a, session_t *s, live_slide_t *ls, http_request_t *req,
                    const char *back, bool open);
/* A question's results as phones see them, in words. */
void pages_tally(buf_t *b, const char *lang, const live_slide_t *ls);
/* A page of the website in web/site.html's frame (content: markup made
 * with util/html). */
void pages_site(app_t *a, http_request_t *req, int status, const char *lang, const char *title,
                const char *content, const char *extra);
/* The workspace (web/app.html) for /app and below; 404 when not installed. */
void pages_app(app_t *a, http_request_t *req);
void pages_qr_svg(app_t *a, session_t *s, http_request_t *req);

/* ---- cli.c ---- */
/* app_event_create, app_event_set_deck, app_user_add and app_user_passwd
 * (app.h) with the message in err in lang ("nl" or "en"), for the
 * workspace. */
int app_event_create_lang(store_t *st, const char *deck_md, size_t len, int64_t owner,
                          int64_t *event_id, const char *lang, char *err, size_t errlen);
int app_event_set_deck_lang(store_t *st, int64_t event_id, const char *deck_md, size_t len,
                            const char *lang, char *err, size_t errlen);
int app_user_add_lang(store_t *st, const char *name, const char *password, const char *role,
                      const char *lang, char *err, size_t errlen);
int app_user_passwd_lang(store_t *st, const char *name, const char *password, const char *lang,
                         char *err, size_t errlen);
/* The steps of those two, so that the server runs the hash on libuv's
 * thread pool (workspace.c) and the rest on the loop: checking a name and
 * role (UV_EINVAL and err when bad), hashing (UV_EINVAL bad password,
 * UV_EIO no memory; any thread), storing a new user (UV_EEXIST name taken,
 * UV_EIO store failure) or a new hash (UV_ENOENT no such user, UV_EIO). */
int app_user_check_lang(const char *name, const char *role, const char *lang, char *err,
                        size_t errlen);
int app_hash_password(const char *password, char hash[crypto_pwhash_STRBYTES], const char *lang,
                      char *err, size_t errlen);
int app_user_store_lang(store_t *st, const char *name, const char *hash, const char *role,
                        const char *lang, char *err, size_t errlen);
int app_user_set_hash_lang(store_t *st, const char *name, const char *hash, const char *lang,
                           char *err, size_t errlen);

/* ---- i18n.c ---- */
/* The app layer's words: its table of util/i18n.h. */
extern const i18n_table_t app_words;
/* The text of key (a key of app_words) in lang: Dutch for "nl", else
 * English. A string that is no key comes back as it is, so a message made
 * elsewhere in the right language passes. A static string; a format keeps
 * the same conversions in both languages. */
const char *tr(const char *lang, const char *key);
/* tr in the language the request asks for (tr_req_lang). */
const char *tr_req(const http_request_t *req, const char *key);
/* "nl" or "en": the language of the request's Accept-Language that it
 * prefers of the two (the workspace's pages send their own); "en" when it
 * names neither. */
const char *tr_req_lang(const http_request_t *req);
/* tr_req_lang with fallback ("nl" or "en") when the request names neither. */
const char *tr_req_lang_or(const http_request_t *req, const char *fallback);

/* ---- util ---- */
static inline bool is_code(const char *p)
{
	size_t n = 0;
	while (p[n] >= '0' && p[n] <= '9')
		n++;
	return p[n] == '\0' && n >= 6 && n <= 8;
}

#endif
