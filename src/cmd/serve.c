/*
 * inspraak serve: the server. Opens the store, starts the app on the
 * default loop and runs until SIGINT or SIGTERM; then closes in the order
 * the comment at the end of serve() gives.
 */
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "app/app.h"
#include "app/mail.h"
#include "app/tiles.h"
#include "cmd/cmd.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/log.h"
#include "util/qr.h"

typedef struct serve_opts {
	const char *db, *listen, *web, *public_url, *bus;
	const char *metrics_token_file;
	const char *tiles, *tile_url, *tile_attribution; /* the sociale kaart's map */
	const char *smtp_url, *mail_from;                /* both or neither */
	int digest_hour;                                 /* -1: the default */
	bool demo, metrics_local;
} serve_opts_t;

/* The bearer token for GET /metrics: the first line of
 * --metrics-token-file (a file, so that it shows in no process list). */
static int read_metrics_token(const serve_opts_t *o, char *out, size_t len)
{
	if (!o->metrics_token_file)
		return 0;
	FILE *f = fopen(o->metrics_token_file, "r");
	if (!f || !fgets(out, (int)len, f)) {
		fprintf(stderr, "inspraak: cannot read %s (--metrics-token-file)\n",
		        o->metrics_token_file);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	if (strlen(out) < 16) {
		fprintf(stderr, "inspraak: the token in %s is shorter than 16 characters\n",
		        o->metrics_token_file);
		return -1;
	}
	return 0;
}

static void on_signal(uv_signal_t *h, int signum)
{
	log_info("signal %d: stopping", signum);
	uv_stop(h->loop);
}

/* "HOST:PORT" or "[V6]:PORT" into host and port; UV_EINVAL when it is neither. */
static int split_listen(const char *listen, char *host, size_t hostlen, int *port)
{
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen)
		return UV_EINVAL;
	size_t n = (size_t)(colon - listen);
	if (listen[0] == '[' && listen[n - 1] == ']') {
		listen++;
		n -= 2;
	}
	if (n >= hostlen)
		return UV_EINVAL;
	memcpy(host, listen, n);
	host[n] = '\0';
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || p < 1 || p > 65535)
		return UV_EINVAL;
	*port = (int)p;
	return 0;
}

/* The folder that holds the executable: web/ and examples/ are found next
 * to it when no --web is given. */
static void exe_dir(char *out, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", out, len - 1);
	if (n <= 0) {
		snprintf(out, len, ".");
		return;
	}
	out[n] = '\0';
	char *slash = strrchr(out, '/');
	if (slash)
		*slash = '\0';
}

/* A host name phones can reach when listening on every address: the first
 * non-loopback IPv4 address. */
static void reachable_host(const char *host, char *out, size_t len)
{
	if (strcmp(host, "0.0.0.0") && strcmp(host, "::")) {
		snprintf(out, len, strchr(host, ':') ? "[%s]" : "%s", host);
		return;
	}
	snprintf(out, len, "127.0.0.1");
	uv_interface_address_t *ifs;
	int n;
	if (uv_interface_addresses(&ifs, &n) != 0)
		return;
	for (int i = 0; i < n; i++) {
		if (ifs[i].is_internal || ifs[i].address.address4.sin_family != AF_INET)
			continue;
		uv_ip4_name(&ifs[i].address.address4, out, len);
		break;
	}
	uv_free_interface_addresses(ifs, n);
}

/* The demo's live session: the one made before, or a new one from the
 * demo deck next to the executable. Returns 0, or a negative code after
 * printing why. */
static int find_demo(store_t *st, const char *dir, char *code)
{
	char demo_code[12] = "";
	store_session_t s;
	if (store_meta_get(st, "demo_session", demo_code, sizeof demo_code) == STORE_OK &&
	    store_session_by_code(st, demo_code, &s) == STORE_OK && s.status == 0) {
		snprintf(code, 12, "%s", demo_code);
		return 0;
	}
	char path[1200];
	snprintf(path, sizeof path, "%s/examples/samenleven-in-diversiteit.md", dir);
	size_t len;
	char *md = file_read(path, 1 << 20, &len);
	if (!md) {
		int rc = -errno;
		fprintf(stderr, "inspraak: cannot read the demo deck %s: %s\n", path,
		        strerror(errno));
		return rc;
	}
	int64_t event;
	char err[512];
	int rc = app_import(st, md, len, 0, &event, code, err, sizeof err);
	free(md);
	if (rc < 0) {
		fprintf(stderr, "inspraak: the demo deck: %s\n", err);
		return rc;
	}
	store_meta_set(st, "demo_session", code);
	return 0;
}

/* A one-day login link's token for the demo's admin, made on first use
 * with a random password nobody knows. */
static int demo_login(store_t *st, char *token)
{
	int64_t id;
	if (store_user_get(st, "demo", &id, NULL) == STORE_NOTFOUND) {
		unsigned char raw[18];
		char pw[40], err[256];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2base64(pw, sizeof pw, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE);
		int rc = app_user_add(st, "demo", pw, "admin", err, sizeof err);
		if (rc < 0) {
			fprintf(stderr, "inspraak: %s\n", err);
			return rc;
		}
	}
	return app_token_new(st, "demo", "login", 24LL * 3600 * 1000, token);
}

static void print_demo(const char *url, const char *code, const char *token)
{
	printf("\n  Participants join at  %s/%s   (code %.3s %s)\n", url, code, code, code + 3);
	printf("  Presenter screen:     %s/login?token=%s&next=/present/%s\n", url, token, code);
	printf("                        (a one-time login link for the demo facilitator)\n");
	printf("  Workspace:            %s/app   (events, decks, sessions, moderation;\n"
	       "                        open it after the login link above)\n\n",
	       url);
	buf_t q = BUF_INIT;
	char join[700];
	snprintf(join, sizeof join, "%s/%s", url, code);
	if (qr_terminal(&q, join) == 0)
		fputs(q.data, stdout);
	buf_free(&q);
	printf("\nStop with Ctrl-C.\n");
}

/* The address printed and put in QR codes: --public-url, else one phones
 * can reach; without a trailing slash or line break. */
static void public_url(const serve_opts_t *o, const char *host, int port, char *url, size_t len)
{
	char reach[128];
	reachable_host(host, reach, sizeof reach);
	if (o->public_url)
		snprintf(url, len, "%s", o->public_url);
	else
		snprintf(url, len, "http://%s:%d", reach, port);
	url[strcspn(url, "\r\n")] = '\0';
	size_t ul = strlen(url);
	while (ul && url[ul - 1] == '/')
		url[--ul] = '\0';
}

static int serve(const serve_opts_t *o, const char *host, int port)
{
	char dir[1024], web[1100], url[600], data[1100];
	exe_dir(dir, sizeof dir);
	if (o->web)
		snprintf(web, sizeof web, "%s", o->web);
	else
		snprintf(web, sizeof web, "%s/web", dir);
	snprintf(data, sizeof data, "%s/data", dir);
	public_url(o, host, port, url, sizeof url);

	/* Streams need one descriptor each: take all the system allows. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);

	store_t *st = cmd_open_store(o->db);
	if (!st)
		return 1;
	char code[12] = "", token[65] = "";
	if (o->demo && (find_demo(st, dir, code) < 0 || demo_login(st, token) < 0)) {
		store_close(st);
		return 1;
	}
	uv_loop_t *loop = uv_default_loop();
	app_t *app;
	char err[512];
	int rc;
	app_options_t ao = {.web_dir = web, .public_url = url, .data_dir = data};
	char mtoken[128] = "";
	if (read_metrics_token(o, mtoken, sizeof mtoken) < 0) {
		store_close(st);
		return 2;
	}
	ao.metrics_token = mtoken;
	ao.metrics_local = o->metrics_local;
	ao.db_path = o->db;
	ao.tiles_path = o->tiles;
	ao.tile_url = o->tile_url;
	ao.tile_attribution = o->tile_attribution;
	/* On PostgreSQL the nodes of one database hear each other by default. */
	bool pg = !strncmp(o->db, "postgresql://", 13) || !strncmp(o->db, "postgres://", 11);
	ao.bus = o->bus ? o->bus : pg ? o->db : NULL;
	if ((rc = app_new(loop, st, &ao, &app, err, sizeof err)) < 0) {
		fprintf(stderr, "inspraak: %s\n", err);
		store_close(st);
		return rc == UV_EINVAL ? 2 : 1;
	}
	if (o->smtp_url && mail_configure(app, o->smtp_url, o->mail_from, err, sizeof err) < 0) {
		fprintf(stderr, "inspraak: %s\n", err);
		app_stop(app);
		uv_run(loop, UV_RUN_DEFAULT);
		app_free(app);
		store_close(st);
		return 2;
	}
	if (o->digest_hour >= 0)
		login_mail_set_hour(app, o->digest_hour);
	http_server_t *srv;
	rc = http_listen(loop, host, port, app_handle, app, &srv);
	if (rc < 0) {
		fprintf(stderr, "inspraak: cannot listen on %s: %s\n", o->listen, uv_strerror(rc));
		return 1;
	}
	http_set_body_limit(srv, app_body_limit);
	if (store_start(st, loop) != STORE_OK) {
		fprintf(stderr, "inspraak: the store's writer could not start\n");
		return 1;
	}
	uv_signal_t sig_int, sig_term;
	uv_signal_init(loop, &sig_int);
	uv_signal_init(loop, &sig_term);
	uv_signal_start(&sig_int, on_signal, SIGINT);
	uv_signal_start(&sig_term, on_signal, SIGTERM);

	/* a database URL is not repeated: it may hold a password */
	printf("inspraak is listening on http://%s:%d (database %s)\n", host, port,
	       strstr(o->db, "://") ? "on PostgreSQL" : o->db);
	if (o->demo)
		print_demo(url, code, token);
	fflush(stdout);

	uv_run(loop, UV_RUN_DEFAULT);

	http_close(srv);
	app_stop(app);
	uv_close((uv_handle_t *)&sig_int, NULL);
	uv_close((uv_handle_t *)&sig_term, NULL);
	/* Reports being written and password checks on the thread pool read
	 * the store or write to it when they come back; reports stop at their
	 * next question. The store closes only when all are back. */
	while (app_busy(app))
		uv_run(loop, UV_RUN_ONCE);
	store_close(st);
	uv_run(loop, UV_RUN_DEFAULT);
	app_free(app);
	uv_loop_close(loop);
	return 0;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"listen", required_argument, NULL, 'l'},
	    {"demo", no_argument, NULL, 'D'},
	    {"public-url", required_argument, NULL, 'u'},
	    {"web", required_argument, NULL, 'w'},
	    {"metrics-token-file", required_argument, NULL, 'M'},
	    {"metrics-local", no_argument, NULL, 'L'},
	    {"log-format", required_argument, NULL, 'F'},
	    {"tiles", required_argument, NULL, 'T'},
	    {"tile-url", required_argument, NULL, 'U'},
	    {"tile-attribution", required_argument, NULL, 'A'},
	    {"smtp-url", required_argument, NULL, 'S'},
	    {"mail-from", required_argument, NULL, 'm'},
	    {"digest-hour", required_argument, NULL, 'H'},
	    {"bus", required_argument, NULL, 'B'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	serve_opts_t o = {.db = CMD_DEFAULT_DB, .listen = "127.0.0.1:8080", .digest_hour = -1};
	int c;
	while ((c = cmd_getopt(argc, argv, &cmd_serve, opts)) != -1) {
		switch (c) {
		case 'd': o.db = optarg; break;
		case 'l': o.listen = optarg; break;
		case 'D': o.demo = true; break;
		case 'u': o.public_url = optarg; break;
		case 'w': o.web = optarg; break;
		case 'M': o.metrics_token_file = optarg; break;
		case 'L': o.metrics_local = true; break;
		case 'T': o.tiles = optarg; break;
		case 'U': o.tile_url = optarg; break;
		case 'A': o.tile_attribution = optarg; break;
		case 'S': o.smtp_url = optarg; break;
		case 'm': o.mail_from = optarg; break;
		case 'H': {
			char *end;
			long h = strtol(optarg, &end, 10);
			if (*end || end == optarg || h < 0 || h > 23)
				return cmd_usage_error(&cmd_serve,
				                       "--digest-hour is 0 to 23, not %s", optarg);
			o.digest_hour = (int)h;
			break;
		}
		case 'B': o.bus = optarg; break;
		case 'F':
			if (log_set_format(optarg) < 0)
				return cmd_usage_error(
				    &cmd_serve, "--log-format is text or json, not %s", optarg);
			break;
		case 'h': return cmd_help(&cmd_serve);
		default: return 2;
		}
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_serve, "unexpected argument %s", argv[optind]);
	if (!o.smtp_url != !o.mail_from)
		return cmd_usage_error(&cmd_serve, "--smtp-url and --mail-from go together");
	if (o.tiles && o.tile_url)
		return cmd_usage_error(&cmd_serve, "--tiles and --tile-url exclude each other");
	if (o.tile_attribution && !o.tiles && !o.tile_url)
		return cmd_usage_error(&cmd_serve,
		                       "--tile-attribution needs --tiles or --tile-url");
	if (o.tile_url) {
		/* the one origin the pages' images may come from besides our own */
		char origin[HTTP_ORIGIN_MAX + 1];
		const char *why = "";
		if (tiles_url_origin(o.tile_url, origin, sizeof origin, &why) < 0)
			return cmd_usage_error(&cmd_serve, "--tile-url %s: %s", why, o.tile_url);
		if (http_csp_img_src(origin) < 0)
			return cmd_usage_error(&cmd_serve, "--tile-url has an origin too long");
	}
	char host[256];
	int port;
	if (split_listen(o.listen, host, sizeof host, &port) < 0) {
		fprintf(stderr,
		        "inspraak: --listen wants HOST:PORT, such as 127.0.0.1:8080 (got %s)\n",
		        o.listen);
		return 2;
	}
	return serve(&o, host, port);
}

const cmd_t cmd_serve = {
    .name = "serve",
    .summary =
        "  serve [--listen HOST:PORT] [--demo] [--public-url URL] [--web DIR]\n"
        "                       run the server (default 127.0.0.1:8080); --demo loads the\n"
        "                       demo event and prints its join URL, QR code and a login link\n"
        "        [--metrics-token-file FILE] [--metrics-local] [--log-format text|json]\n"
        "                       GET /metrics for the bearer token in FILE, or for loopback\n"
        "                       peers; log lines as text or as JSON lines\n"
        "        [--smtp-url smtp://HOST:PORT --mail-from ADDRESS] [--digest-hour H]\n"
        "                       send e-mail (login links, digests) through this server;\n"
        "                       the website's daily digest goes out at hour H (default 7)\n"
        "        [--bus none|URL]\n"
        "                       how nodes on one PostgreSQL database hear each other\n"
        "        [--tiles FILE.mbtiles | --tile-url TEMPLATE] [--tile-attribution TEXT]\n"
        "                       the sociale kaart's map background\n",
    .usage = "usage: inspraak serve [--listen HOST:PORT] [--demo] [--public-url URL]\n"
             "                      [--web DIR] [--db FILE] [--metrics-token-file FILE]\n"
             "                      [--metrics-local] [--log-format text|json]\n"
             "                      [--smtp-url smtp://HOST:PORT --mail-from ADDRESS]\n"
             "                      [--digest-hour H]\n"
             "                      [--bus none|URL]\n"
             "                      [--tiles FILE.mbtiles | --tile-url TEMPLATE]\n"
             "                      [--tile-attribution TEXT]\n"
             "\n"
             "Runs the server until SIGINT (Ctrl-C) or SIGTERM.\n"
             "\n"
             "  --listen HOST:PORT  the address to listen on (default 127.0.0.1:8080;\n"
             "                      0.0.0.0:8080 for phones on the network)\n"
             "  --demo              load the demo event and print its join URL, QR code\n"
             "                      and a one-time login link\n"
             "  --public-url URL    the address printed and put in QR codes, when the\n"
             "                      server sits behind a proxy or a host name\n"
             "  --web DIR           the static pages (default: web/ next to the program)\n"
             "  --metrics-token-file FILE\n"
             "                      GET /metrics answers the bearer token on FILE's first\n"
             "                      line (docs/deploy.md)\n"
             "  --metrics-local     GET /metrics answers loopback peers without a token\n"
             "  --log-format FMT    text (default) or json: one JSON object per line\n"
             "  --smtp-url URL      send e-mail through this SMTP server: smtp://HOST:PORT,\n"
             "                      or smtps://HOST:PORT for TLS from the start; a login\n"
             "                      goes in the URL (smtp://USER:PASSWORD@HOST:PORT)\n"
             "  --mail-from ADDRESS the sender of that e-mail (with --smtp-url)\n"
             "  --digest-hour H     the local hour (0-23) of the website's daily digest\n"
             "                      (default 7)\n"
             "  --tiles FILE        the sociale kaart's map from the raster tiles of an\n"
             "                      MBTiles file, served by inspraak itself\n"
             "  --tile-url TEMPLATE the map's tiles from a tile server instead, such as\n"
             "                      https://HOST/PATH/{z}/{x}/{y}.png (browsers then ask it)\n"
             "  --tile-attribution TEXT\n"
             "                      the map's credit line (the file's own by default)\n"
             "  --db FILE           the database (default: inspraak.db), or a\n"
             "                      postgresql:// URL\n"
             "  --bus none|URL      what changed on other nodes of the same database:\n"
             "                      by default LISTEN/NOTIFY on the --db PostgreSQL\n"
             "                      database, none for SQLite; none for a single node\n"
             "                      (docs/deploy.md, \"Several nodes\")\n"
             "  -h, --help          print this help\n",
    .run = run,
};
