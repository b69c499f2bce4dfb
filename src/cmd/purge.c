/*
 * inspraak purge: an event's answers lose their link to the participants
 * who gave them, or are deleted.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"event", required_argument, NULL, 'e'},
	    {"answers", no_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *db = CMD_DEFAULT_DB, *event = NULL;
	bool answers = false;
	int c;
	while ((c = cmd_getopt(argc, argv, &cmd_purge, opts)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'e': event = optarg; break;
		case 'a': answers = true; break;
		case 'h': return cmd_help(&cmd_purge);
		default: return 2;
		}
	}
	if (optind < argc)
		return cmd_usage_error(&cmd_purge, "unexpected argument %s", argv[optind]);
	char *end = NULL;
	long long id = event ? strtoll(event, &end, 10) : 0;
	if (!event || *end || id <= 0)
		return cmd_usage_error(&cmd_purge, "--event wants an event number such as 1");
	store_t *st = cmd_open_store(db);
	if (!st)
		return 1;
	int64_t n = 0;
	int rc = store_purge_event(st, id, answers, &n);
	if (rc == STORE_NOTFOUND)
		fprintf(stderr, "inspraak: there is no event %lld\n", id);
	else if (rc != STORE_OK)
		fprintf(stderr, "inspraak: the purge failed: %s\n", store_errmsg(st));
	else if (answers)
		printf("event %lld: %lld answers deleted\n", id, (long long)n);
	else
		printf("event %lld: %lld answers no longer linked to their participants\n", id,
		       (long long)n);
	store_close(st);
	return rc == STORE_OK ? 0 : 1;
}

const cmd_t cmd_purge = {
    .name = "purge",
    .summary = "  purge --event ID [--answers]\n"
               "                       unlink the event's answers from their participants, or\n"
               "                       with --answers delete them; stop the server first\n",
    .usage = "usage: inspraak purge --event ID [--answers] [--db FILE]\n"
             "\n"
             "Unlinks the answers of event ID from the participants who gave them, or\n"
             "with --answers deletes them. Stop the server first.\n"
             "\n"
             "  --event ID     the event's number\n"
             "  --answers      delete the answers instead of unlinking them\n"
             "  --db FILE      the database (default: inspraak.db)\n"
             "  -h, --help     print this help\n",
    .run = run,
};
