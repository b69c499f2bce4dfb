/*
 * inspraak token: a bearer token for a user's scripts.
 */
#include <stdio.h>

#include "app/app.h"
#include "cmd/cmd.h"

static int run(int argc, char **argv)
{
	const char *db, *name;
	int rc = cmd_db_and_arg(argc, argv, &cmd_token, "give one user name", &db, &name);
	if (rc >= 0)
		return rc;
	store_t *st = cmd_open_store(db);
	if (!st)
		return 1;
	char tok[65];
	rc = app_token_new(st, name, "api", 0, tok);
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
