/*
 * inspraak token: a bearer token for a user's scripts.
 */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cmd.h"

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *db = CMD_DEFAULT_DB;
	int c;
	while ((c = cmd_getopt(argc, argv, &cmd_token, opts)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': return cmd_help(&cmd_token);
		default: return 2;
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_token, "give one user name");
	const char *name = argv[optind];
	store_t *st = cmd_open_store(db);
	if (!st)
		return 1;
	char tok[65];
	int rc = app_token_new(st, name, "api", 0, tok);
	if (rc == UV_ENOENT)
		fprintf(stderr,
		        "inspraak: no user called %s (add one with: inspraak user add %s)\n", name,
		        name);
	else if (rc < 0)
		fprintf(stderr, "inspraak: the token could not be stored: %s\n", store_errmsg(st));
	else
		printf("%s\n", tok);
	store_close(st);
	return rc < 0 ? 1 : 0;
}

const cmd_t cmd_token = {
    .name = "token",
    .summary = "  token NAME           print a new bearer token for NAME's scripts\n",
    .usage = "usage: inspraak token NAME [--db FILE]\n"
             "\n"
             "Prints a new bearer token for the user NAME, for scripts that call the\n"
             "workspace's API (Authorization: Bearer TOKEN).\n"
             "\n"
             "  --db FILE      the database (default: inspraak.db)\n"
             "  -h, --help     print this help\n",
    .run = run,
};
