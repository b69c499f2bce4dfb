/*
 * inspraak import: a deck becomes an event with one live session.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "cmd/cmd.h"
#include "util/file.h"

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"owner", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *db = CMD_DEFAULT_DB, *owner_name = NULL;
	int c;
	while ((c = cmd_getopt(argc, argv, &cmd_import, opts)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'o': owner_name = optarg; break;
		case 'h': return cmd_help(&cmd_import);
		default: return 2;
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(&cmd_import, "give one deck file");
	const char *path = argv[optind];
	size_t len;
	char *md = file_read(path, 1 << 20, &len);
	if (!md) {
		fprintf(stderr, "inspraak: cannot read %s: %s\n", path,
		        errno == EFBIG ? "larger than 1 MiB" : strerror(errno));
		return 1;
	}
	store_t *st = cmd_open_store(db);
	if (!st) {
		free(md);
		return 1;
	}
	int64_t event, owner = 0;
	char code[12], err[512];
	int rc;
	if (owner_name && store_user_get(st, owner_name, &owner, NULL) != STORE_OK) {
		fprintf(stderr, "inspraak: no user called %s (for --owner)\n", owner_name);
		rc = UV_ENOENT;
		goto done;
	}
	rc = app_import(st, md, len, owner, &event, code, err, sizeof err);
	if (rc == UV_EINVAL)
		fprintf(stderr, "%s: %s\n", path, err);
	else if (rc < 0)
		fprintf(stderr, "inspraak: %s\n", err);
	else
		printf("event %lld imported; its session has code %s\n", (long long)event, code);
	if (rc == 0 && !owner_name)
		printf("it has no owner: only admins see it; give it one with --owner NAME\n");
done:
	store_close(st);
	free(md);
	return rc == 0 ? 0 : 1;
}

const cmd_t cmd_import = {
    .name = "import",
    .summary = "  import DECK.md [--owner NAME]\n"
               "                       create an event from a deck and start a session for it;\n"
               "                       without --owner only admins see it (and may share it)\n",
    .usage = "usage: inspraak import DECK.md [--owner NAME] [--db FILE]\n"
             "\n"
             "Creates an event from a deck (Markdown, at most 1 MiB) and starts a live\n"
             "session for it; prints the event's number and the session's code.\n"
             "\n"
             "  --owner NAME   the facilitator who owns the event; without it only\n"
             "                 admins see the event (and may share it)\n"
             "  --db FILE      the database (default: inspraak.db)\n"
             "  -h, --help     print this help\n",
    .run = run,
};
