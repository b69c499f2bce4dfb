/*
 * inspraak backup: a consistent copy of the database, also while the
 * server runs (SQLite's online backup).
 */
#include <stdio.h>

#include "cmd/cmd.h"

static int run(int argc, char **argv)
{
	const char *db, *to;
	int rc =
	    cmd_db_and_arg(argc, argv, &cmd_backup, "give one file to write the copy to", &db, &to);
	if (rc >= 0)
		return rc;
	store_t *st = cmd_open_store(db);
	if (!st)
		return 1;
	char err[512];
	rc = store_backup(st, to, err, sizeof err);
	if (rc != STORE_OK)
		fprintf(stderr, "inspraak: %s\n", err);
	else
		printf("backup of %s written to %s\n", db, to);
	store_close(st);
	return rc == STORE_OK ? 0 : 1;
}

const cmd_t cmd_backup = {
    .name = "backup",
    .summary = "  backup FILE          write a consistent copy of the database to FILE, also\n"
               "                       while the server runs\n",
    .usage = "usage: inspraak backup FILE [--db FILE]\n"
             "\n"
             "Writes a consistent copy of the database to FILE, also while the server\n"
             "runs. Restore by stopping the server and putting the copy in its place.\n"
             "\n"
             "  --db FILE      the database to copy (default: inspraak.db)\n"
             "  -h, --help     print this help\n",
    .run = run,
};
