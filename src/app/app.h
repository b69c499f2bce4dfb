/*
 * app: the live core's routes and handlers, on top of model, store and net.
 *
 * app_t owns the live sessions (their slides, tallies and event streams),
 * the page templates and the static files. It is driven by the HTTP server
 * on the loop thread; every write goes through the store's writer and is
 * answered only after it committed.
 */
#ifndef INSPRAAK_APP_H
#define INSPRAAK_APP_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "net/http.h"
#include "store/store.h"

typedef struct app app_t;

typedef struct app_options {
	const char *web_dir;       /* folder with the templates and static/ */
	const char *public_url;    /* "http://host:port", no trailing slash */
	const char *data_dir;      /* folder with profanity/ word lists; NULL: none */
	const char *metrics_token; /* bearer token for GET /metrics; NULL: none */
	bool metrics_local;        /* GET /metrics for loopback peers without a token */
	/* The database file again: the workspace's writes (events, images)
	 * go through a connection of their own on the thread pool, so that
	 * none waits for the disk on the loop. NULL: they run on the loop. */
	const char *db_path;
	/* The sociale kaart's map background (tiles.h): an MBTiles file, or
	 * else a URL template, with an attribution; all NULL: no map. */
	const char *tiles_path, *tile_url, *tile_attribution;
	/* The bus to the other nodes on the same database (store/bus.h):
	 * NULL or "none" for a single node, or a postgresql:// URL. */
	const char *bus;
} app_options_t;

/* Loads templates and static files and every live session (rebuilding the
 * tallies from the store). st stays the caller's. On failure returns UV_EIO
 * (a template, a static file, the store or the tiles could not be read) or
 * UV_EINVAL (the tile options are wrong: a bad URL template, a file that is
 * not raster MBTiles) and writes a message for a person into err. */
int app_new(uv_loop_t *loop, store_t *st, const app_options_t *opt, app_t **out, char *err,
            size_t errlen);
/* Closes the app's loop handles and asks report downloads being written to
 * stop at their next question; run the loop until app_busy is false before
 * closing the store, then once more, then app_free. */
void app_stop(app_t *a);
/* True while work the app queued on libuv's thread pool (report downloads,
 * password checks) has not come back to the loop: it reads the store, or
 * writes to it when it comes back. */
bool app_busy(const app_t *a);
void app_free(app_t *a);
/* The body limit for http_set_body_limit: image uploads may send 5 MiB,
 * a PDF of slides 30 MiB (pdfimport.h),
 * a deck (a new event, a changed one) 2 MiB and a little more. */
size_t app_body_limit(const char *url, size_t len);
/* The http_handler_fn to pass to http_listen, with the app as ctx. */
void app_handle(http_request_t *req, void *ctx);

/* ---- used by the command line (synchronous, before serving) ---- */

/*
 * Parses a deck and stores it as a new event with one live session.
 * On success sets *event_id and code (at least 12 bytes). On a bad deck
 * returns UV_EINVAL with "line N: ..." in err; on a store failure UV_EIO
 * with the reason in err.
 */
int app_import(store_t *st, const char *deck_md, size_t len, int64_t owner, int64_t *event_id,
               char *code, char *err, size_t errlen);
/* Stores a deck as a new event owned by owner (0: every facilitator's).
 * UV_EINVAL with "line N: ..." in err for a bad deck, UV_EIO on a store
 * failure. */
int app_event_create(store_t *st, const char *deck_md, size_t len, int64_t owner, int64_t *event_id,
                     char *err, size_t errlen);
/* Replaces the deck of an event that has no answers; UV_EINVAL bad deck,
 * UV_EIO the event has answers or the store failed (err says which). */
int app_event_set_deck(store_t *st, int64_t event_id, const char *deck_md, size_t len, char *err,
                       size_t errlen);
/* Adds a user (role admin, facilitator or moderator) with an Argon2id hash
 * of password. UV_EEXIST name taken, UV_EIO failure, UV_EINVAL bad name,
 * role or password (err says why). */
int app_user_add(store_t *st, const char *name, const char *password, const char *role, char *err,
                 size_t errlen);
/* Sets a new password (and ends the user's login sessions); UV_ENOENT no
 * such user, UV_EIO failure, UV_EINVAL bad password (err says why). */
int app_user_passwd(store_t *st, const char *name, const char *password, char *err, size_t errlen);
/* Makes a token of kind ("api", or "login" valid for ttl_ms) for user name
 * and writes its secret (64 hex digits + NUL) into out. UV_ENOENT when
 * there is no such user, UV_EIO when the store failed (store_errmsg). */
int app_token_new(store_t *st, const char *name, const char *kind, int64_t ttl_ms, char *out);

#endif
