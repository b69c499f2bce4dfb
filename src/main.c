/*
 * inspraak: the command line. It parses arguments and calls the library
 * (src/app, src/store); nothing else lives here.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "app/app.h"
#include "report/report.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/log.h"
#include "util/qr.h"

static const char USAGE[] =
    "usage: inspraak COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  serve [--listen HOST:PORT] [--demo] [--public-url URL] [--web DIR]\n"
    "                       run the server (default 127.0.0.1:8080); --demo loads the\n"
    "                       demo event and prints its join URL, QR code and a login link\n"
    "        [--metrics-token-file FILE] [--metrics-local] [--log-format text|json]\n"
    "                       GET /metrics for the bearer token in FILE, or for loopback\n"
    "                       peers; log lines as text or as JSON lines\n"
    "  import DECK.md [--owner NAME]\n"
    "                       create an event from a deck and start a session for it;\n"
    "                       without --owner only admins see it (and may share it)\n"
    "  user add NAME [--role admin|facilitator|moderator]\n"
    "                       add a user; the password is read from standard input\n"
    "  user passwd NAME | user del NAME | user list\n"
    "  token NAME           print a new bearer token for NAME's scripts\n"
    "  backup FILE          write a consistent copy of the database to FILE, also\n"
    "                       while the server runs\n"
    "  purge --event ID [--answers]\n"
    "                       unlink the event's answers from their participants, or\n"
    "                       with --answers delete them; stop the server first\n"
    "  report --event ID|--code CODE [--session N|all] --format FORMAT --out FILE\n"
    "                       write the report of an event: pdf, md, html, csv, xlsx or\n"
    "                       json; all sessions combined unless --session N is given\n"
    "\n"
    "every command takes --db FILE (default: inspraak.db in the current directory)\n"
    "and --help.\n";

typedef struct opts {
	const char *db, *listen, *web, *public_url, *event, *role, *owner;
	const char *metrics_token_file, *log_format;
	bool demo, help, answers, metrics_local;
	const char *args[4];
	int n_args;
} opts_t;

static int parse_opts(int argc, char **argv, opts_t *o)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char **dst = NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			o->help = true;
		else if (strcmp(a, "--demo") == 0)
			o->demo = true;
		else if (strcmp(a, "--answers") == 0)
			o->answers = true;
		else if (strcmp(a, "--event") == 0)
			dst = &o->event;
		else if (strcmp(a, "--role") == 0)
			dst = &o->role;
		else if (strcmp(a, "--owner") == 0)
			dst = &o->owner;
		else if (strcmp(a, "--db") == 0)
			dst = &o->db;
		else if (strcmp(a, "--listen") == 0)
			dst = &o->listen;
		else if (strcmp(a, "--web") == 0)
			dst = &o->web;
		else if (strcmp(a, "--public-url") == 0)
			dst = &o->public_url;
		else if (strcmp(a, "--metrics-token-file") == 0)
			dst = &o->metrics_token_file;
		else if (strcmp(a, "--metrics-local") == 0)
			o->metrics_local = true;
		else if (strcmp(a, "--log-format") == 0)
			dst = &o->log_format;
		else if (a[0] == '-') {
			fprintf(stderr, "inspraak: unknown option %s (see inspraak --help)\n", a);
			return -1;
		} else if (o->n_args < 4)
			o->args[o->n_args++] = a;
		else {
			fprintf(stderr, "inspraak: too many arguments (see inspraak --help)\n");
			return -1;
		}
		if (dst) {
			if (i + 1 >= argc) {
				fprintf(stderr, "inspraak: %s needs a value\n", a);
				return -1;
			}
			*dst = argv[++i];
		}
	}
	return 0;
}

/* The bearer token for GET /metrics: the first line of
 * --metrics-token-file (a file, so that it shows in no process list). */
static int read_metrics_token(const opts_t *o, char *out, size_t len)
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

static store_t *open_store(const opts_t *o)
{
	store_t *st;
	char err[512];
	if (store_open(o->db, &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "inspraak: %s\n", err);
		return NULL;
	}
	return st;
}

static int cmd_import(const opts_t *o)
{
	if (o->n_args != 2) {
		fprintf(stderr, "usage: inspraak import DECK.md [--db FILE]\n");
		return 2;
	}
	const char *path = o->args[1];
	size_t len;
	char *md = file_read(path, 1 << 20, &len);
	if (!md) {
		fprintf(stderr, "inspraak: cannot read %s: %s\n", path,
			errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		return 1;
	}
	store_t *st = open_store(o);
	if (!st) {
		free(md);
		return 1;
	}
	int64_t event, owner = 0;
	char code[12], err[512];
	if (o->owner && store_user_get(st, o->owner, &owner, NULL) != STORE_OK) {
		fprintf(stderr, "inspraak: no user called %s (for --owner)\n", o->owner);
		store_close(st);
		free(md);
		return 1;
	}
	int rc = app_import(st, md, len, owner, &event, code, err, sizeof err);
	if (rc == -1)
		fprintf(stderr, "%s: %s\n", path, err);
	else if (rc < 0)
		fprintf(stderr, "inspraak: %s\n", err);
	else
		printf("event %lld imported; its session has code %s\n", (long long)event, code);
	if (rc == 0 && !o->owner)
		printf("it has no owner: only admins see it; give it one with --owner NAME\n");
	store_close(st);
	free(md);
	return rc == 0 ? 0 : 1;
}

/* Reads a password: without echo from a terminal, else one line of stdin. */
static int read_password(char *out, size_t len)
{
	bool tty = isatty(STDIN_FILENO);
	struct termios old, quiet;
	if (tty) {
		fprintf(stderr, "Password: ");
		tcgetattr(STDIN_FILENO, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	char *r = fgets(out, (int)len, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fprintf(stderr, "\n");
	}
	if (!r)
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static void print_user(const char *name, const char *role, int64_t created, void *arg)
{
	(void)created;
	(void)arg;
	printf("%-24s %s\n", name, role);
}

static int cmd_user(const opts_t *o)
{
	const char *verb = o->n_args >= 2 ? o->args[1] : "";
	bool named = o->n_args == 3;
	if (!((named && (!strcmp(verb, "add") || !strcmp(verb, "passwd") || !strcmp(verb, "del"))) ||
	      (o->n_args == 2 && !strcmp(verb, "list")))) {
		fprintf(stderr, "usage: inspraak user add NAME [--role admin|facilitator|moderator]\n"
				"       inspraak user passwd NAME\n"
				"       inspraak user del NAME\n"
				"       inspraak user list          (every one takes --db FILE;\n"
				"                                    passwords are read from stdin)\n");
		return 2;
	}
	char pw[256] = "";
	if ((!strcmp(verb, "add") || !strcmp(verb, "passwd")) && read_password(pw, sizeof pw) < 0) {
		fprintf(stderr, "inspraak: no password given on standard input\n");
		return 1;
	}
	store_t *st = open_store(o);
	if (!st)
		return 1;
	char err[256];
	int rc = 0;
	if (!strcmp(verb, "add")) {
		rc = app_user_add(st, o->args[2], pw, o->role ? o->role : "facilitator", err,
				  sizeof err);
		if (rc == 0)
			printf("user %s added as %s\n", o->args[2], o->role ? o->role : "facilitator");
	} else if (!strcmp(verb, "passwd")) {
		rc = app_user_passwd(st, o->args[2], pw, err, sizeof err);
		if (rc == 0)
			printf("password of %s changed; their login sessions ended\n", o->args[2]);
	} else if (!strcmp(verb, "del")) {
		int r = store_user_del(st, o->args[2]);
		rc = r == STORE_OK ? 0 : -1;
		snprintf(err, sizeof err, r == STORE_NOTFOUND ? "there is no user called %s"
							      : "the user %s could not be deleted",
			 o->args[2]);
		if (rc == 0)
			printf("user %s deleted\n", o->args[2]);
	} else {
		rc = store_users(st, print_user, NULL) == STORE_OK ? 0 : -1;
		snprintf(err, sizeof err, "the users could not be read");
	}
	memset(pw, 0, sizeof pw);
	if (rc < 0)
		fprintf(stderr, "inspraak: %s\n", err);
	store_close(st);
	return rc < 0 ? 1 : 0;
}

static int cmd_token(const opts_t *o)
{
	if (o->n_args != 2) {
		fprintf(stderr, "usage: inspraak token NAME [--db FILE]\n");
		return 2;
	}
	store_t *st = open_store(o);
	if (!st)
		return 1;
	char tok[65];
	int rc = app_token_new(st, o->args[1], "api", 0, tok);
	if (rc == -1)
		fprintf(stderr, "inspraak: no user called %s (add one with: inspraak user add %s)\n",
			o->args[1], o->args[1]);
	else if (rc < 0)
		fprintf(stderr, "inspraak: the token could not be stored: %s\n", store_errmsg(st));
	else
		printf("%s\n", tok);
	store_close(st);
	return rc < 0 ? 1 : 0;
}

static int cmd_backup(const opts_t *o)
{
	if (o->n_args != 2) {
		fprintf(stderr, "usage: inspraak backup FILE [--db FILE]\n");
		return 2;
	}
	store_t *st = open_store(o);
	if (!st)
		return 1;
	char err[512];
	int rc = store_backup(st, o->args[1], err, sizeof err);
	if (rc != STORE_OK)
		fprintf(stderr, "inspraak: %s\n", err);
	else
		printf("backup of %s written to %s\n", o->db, o->args[1]);
	store_close(st);
	return rc == STORE_OK ? 0 : 1;
}

/* ---- report ---- */

static void report_progress(size_t done, size_t total, void *arg)
{
	if (total)
		fprintf(stderr, "\r  [%-30.*s] %zu/%zu questions", (int)(30 * done / total),
			"##############################", done, total);
	if (done == total)
		fputc('\n', stderr);
}

/* report has options of its own, so it reads its arguments itself. */
static int cmd_report(int argc, char **argv)
{
	static const char use[] =
		"usage: inspraak report --event ID|--code CODE [--session N|all]\n"
		"                       --format pdf|md|html|csv|xlsx|json --out FILE [--db FILE]\n";
	const char *db = "inspraak.db", *event = NULL, *code = NULL, *session = "all";
	const char *format = NULL, *out = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], **dst = NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(use, stdout);
			return 0;
		}
		dst = !strcmp(a, "--db")	? &db
		      : !strcmp(a, "--event")	? &event
		      : !strcmp(a, "--code")	? &code
		      : !strcmp(a, "--session") ? &session
		      : !strcmp(a, "--format")	? &format
		      : !strcmp(a, "--out")	? &out
						: NULL;
		if (!dst) {
			fprintf(stderr, "inspraak report: unknown argument %s\n%s", a, use);
			return 2;
		}
		if (i + 1 >= argc || !*argv[i + 1]) {
			fprintf(stderr, "inspraak report: %s needs a value\n%s", a, use);
			return 2;
		}
		*dst = argv[++i];
	}
	if (!event == !code) {
		fprintf(stderr, "inspraak report: give either --event ID or --code CODE\n%s", use);
		return 2;
	}
	long long ev = 0;
	char *end;
	if (event) {
		errno = 0;
		ev = strtoll(event, &end, 10);
		if (errno || *end || ev < 1) {
			fprintf(stderr, "inspraak report: --event wants an event number such as 1 (got %s)\n", event);
			return 2;
		}
	}
	if (code && (strlen(code) < 6 || strlen(code) > 8 || strspn(code, "0123456789") != strlen(code))) {
		fprintf(stderr, "inspraak report: --code wants a session code of 6 to 8 digits (got %s)\n", code);
		return 2;
	}
	long sn = 0;
	if (strcmp(session, "all")) {
		errno = 0;
		sn = strtol(session, &end, 10);
		if (errno || *end || sn < 1 || sn > INT_MAX) {
			fprintf(stderr, "inspraak report: --session wants a number from 1 or 'all' (got %s)\n", session);
			return 2;
		}
	}
	report_format_t fmt;
	if (!format || report_format_parse(format, &fmt) < 0) {
		fprintf(stderr, "inspraak report: --format wants pdf, md, html, csv, xlsx or json%s%s%s\n",
			format ? " (got " : "", format ? format : "", format ? ")" : "");
		return 2;
	}
	if (!out) {
		fprintf(stderr, "inspraak report: --out FILE is needed\n%s", use);
		return 2;
	}
	if (access(db, F_OK) != 0) {
		fprintf(stderr, "inspraak report: no database %s (give --db FILE)\n", db);
		return 1;
	}
	opts_t o = {.db = db};
	store_t *st = open_store(&o);
	if (!st)
		return 1;
	report_t *r;
	char err[512];
	int rc = report_open(st, ev, code, (int)sn, &r, err, sizeof err);
	if (rc == 0) {
		rc = report_write(r, fmt, out, isatty(STDERR_FILENO) ? report_progress : NULL, NULL,
				  err, sizeof err);
		report_free(r);
	}
	store_close(st);
	if (rc < 0) {
		fprintf(stderr, "inspraak report: %s\n", err);
		return rc == REPORT_EINVAL || rc == REPORT_ENOTFOUND ? 2 : 1;
	}
	return 0;
}

static int cmd_purge(const opts_t *o)
{
	char *end = NULL;
	long long id = o->event ? strtoll(o->event, &end, 10) : 0;
	if (o->n_args != 1 || !o->event || *end || id <= 0) {
		fprintf(stderr, "usage: inspraak purge --event ID [--answers] [--db FILE]\n");
		return 2;
	}
	store_t *st = open_store(o);
	if (!st)
		return 1;
	int64_t n = 0;
	int rc = store_purge_event(st, id, o->answers, &n);
	if (rc == STORE_NOTFOUND)
		fprintf(stderr, "inspraak: there is no event %lld\n", id);
	else if (rc != STORE_OK)
		fprintf(stderr, "inspraak: the purge failed: %s\n", store_errmsg(st));
	else if (o->answers)
		printf("event %lld: %lld answers deleted\n", id, (long long)n);
	else
		printf("event %lld: %lld answers no longer linked to their participants\n", id,
		       (long long)n);
	store_close(st);
	return rc == STORE_OK ? 0 : 1;
}

/* ---- serve ---- */

static uv_loop_t *main_loop;

static void on_signal(uv_signal_t *h, int signum)
{
	log_info("signal %d: stopping", signum);
	uv_stop(h->loop);
}

static int split_listen(const char *listen, char *host, size_t hostlen, int *port)
{
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen)
		return -1;
	size_t n = (size_t)(colon - listen);
	if (listen[0] == '[' && listen[n - 1] == ']') {
		listen++;
		n -= 2;
	}
	if (n >= hostlen)
		return -1;
	memcpy(host, listen, n);
	host[n] = '\0';
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (*end || p < 1 || p > 65535)
		return -1;
	*port = (int)p;
	return 0;
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
 * demo deck next to the executable. */
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
		fprintf(stderr, "inspraak: cannot read the demo deck %s: %s\n", path, strerror(errno));
		return -1;
	}
	int64_t event;
	char err[512];
	int rc = app_import(st, md, len, 0, &event, code, err, sizeof err);
	free(md);
	if (rc < 0) {
		fprintf(stderr, "inspraak: the demo deck: %s\n", err);
		return -1;
	}
	store_meta_set(st, "demo_session", code);
	return 0;
}

static int demo_login(store_t *st, char *token)
{
	int64_t id;
	if (store_user_get(st, "demo", &id, NULL) == STORE_NOTFOUND) {
		unsigned char raw[18];
		char pw[40], err[256];
		randombytes_buf(raw, sizeof raw);
		sodium_bin2base64(pw, sizeof pw, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE);
		if (app_user_add(st, "demo", pw, "admin", err, sizeof err) < 0) {
			fprintf(stderr, "inspraak: %s\n", err);
			return -1;
		}
	}
	return app_token_new(st, "demo", "login", 24LL * 3600 * 1000, token);
}

static int cmd_serve(const opts_t *o)
{
	char host[256], dir[1024], web[1100], url[600];
	int port;
	if (split_listen(o->listen, host, sizeof host, &port) < 0) {
		fprintf(stderr, "inspraak: --listen wants HOST:PORT, such as 127.0.0.1:8080 (got %s)\n",
			o->listen);
		return 2;
	}
	exe_dir(dir, sizeof dir);
	snprintf(web, sizeof web, "%s", o->web ? o->web : dir);
	if (!o->web)
		snprintf(web, sizeof web, "%s/web", dir);
	char reach[128];
	reachable_host(host, reach, sizeof reach);
	if (o->public_url)
		snprintf(url, sizeof url, "%s", o->public_url);
	else
		snprintf(url, sizeof url, "http://%s:%d", reach, port);
	url[strcspn(url, "\r\n")] = '\0';
	size_t ul = strlen(url);
	while (ul && url[ul - 1] == '/')
		url[--ul] = '\0';

	/* Streams need one descriptor each: take all the system allows. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);

	store_t *st = open_store(o);
	if (!st)
		return 1;
	char code[12] = "", token[65] = "";
	if (o->demo && (find_demo(st, dir, code) < 0 || demo_login(st, token) < 0)) {
		store_close(st);
		return 1;
	}
	main_loop = uv_default_loop();
	app_t *app;
	char err[512];
	char data[1100];
	snprintf(data, sizeof data, "%s/data", dir);
	app_options_t ao = {.web_dir = web, .public_url = url, .data_dir = data};
	char mtoken[128] = "";
	if (read_metrics_token(o, mtoken, sizeof mtoken) < 0) {
		store_close(st);
		return 2;
	}
	ao.metrics_token = mtoken;
	ao.metrics_local = o->metrics_local;
	if (app_new(main_loop, st, &ao, &app, err, sizeof err) < 0) {
		fprintf(stderr, "inspraak: %s\n", err);
		store_close(st);
		return 1;
	}
	http_server_t *srv;
	int rc = http_listen(main_loop, host, port, app_handle, app, &srv);
	if (rc < 0) {
		fprintf(stderr, "inspraak: cannot listen on %s: %s\n", o->listen, uv_strerror(rc));
		return 1;
	}
	http_set_body_limit(srv, app_body_limit);
	if (store_start(st, main_loop) != STORE_OK) {
		fprintf(stderr, "inspraak: the store's writer could not start\n");
		return 1;
	}
	uv_signal_t sig_int, sig_term;
	uv_signal_init(main_loop, &sig_int);
	uv_signal_init(main_loop, &sig_term);
	uv_signal_start(&sig_int, on_signal, SIGINT);
	uv_signal_start(&sig_term, on_signal, SIGTERM);

	printf("inspraak is listening on http://%s:%d (database %s)\n", host, port, o->db);
	if (o->demo) {
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
	fflush(stdout);

	uv_run(main_loop, UV_RUN_DEFAULT);

	http_close(srv);
	app_stop(app);
	uv_close((uv_handle_t *)&sig_int, NULL);
	uv_close((uv_handle_t *)&sig_term, NULL);
	/* Reports being written and password checks on the thread pool read
	 * the store or write to it when they come back; reports stop at their
	 * next question. The store closes only when all are back. */
	while (app_busy(app))
		uv_run(main_loop, UV_RUN_ONCE);
	store_close(st);
	uv_run(main_loop, UV_RUN_DEFAULT);
	app_free(app);
	uv_loop_close(main_loop);
	return 0;
}

int main(int argc, char **argv)
{
	opts_t o = {.db = "inspraak.db", .listen = "127.0.0.1:8080"};
	if (argc < 2) {
		fputs(USAGE, stderr);
		return 2;
	}
	if (strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 2, argv + 2);
	if (parse_opts(argc - 1, argv + 1, &o) < 0)
		return 2;
	if (o.log_format && log_set_format(o.log_format) < 0) {
		fprintf(stderr, "inspraak: --log-format is text or json, not %s\n", o.log_format);
		return 2;
	}
	const char *cmd = o.n_args ? o.args[0] : "";
	if (o.help || !*cmd) {
		fputs(USAGE, stdout);
		return o.help ? 0 : 2;
	}
	if (strcmp(cmd, "serve") == 0)
		return cmd_serve(&o);
	if (strcmp(cmd, "import") == 0)
		return cmd_import(&o);
	if (strcmp(cmd, "user") == 0)
		return cmd_user(&o);
	if (strcmp(cmd, "token") == 0)
		return cmd_token(&o);
	if (strcmp(cmd, "backup") == 0)
		return cmd_backup(&o);
	if (strcmp(cmd, "purge") == 0)
		return cmd_purge(&o);
	fprintf(stderr, "inspraak: unknown command %s (see inspraak --help)\n", cmd);
	return 2;
}
