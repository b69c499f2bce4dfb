/*
 * inspraak kaart: the sociale kaart as HSDS 3 JSON, out of the database and
 * into it (docs/sociale-kaart.md). An import adds entries; it never changes
 * or removes the ones there are. A server that runs meanwhile sees the
 * imported entries after its next start.
 */
#include <stdio.h>
#include <string.h>

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
	while ((c = cmd_getopt(argc, argv, &cmd_kaart, opts)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'h': return cmd_help(&cmd_kaart);
		default: return 2;
		}
	}
	if (argc - optind != 2 ||
	    (strcmp(argv[optind], "export") != 0 && strcmp(argv[optind], "import") != 0))
		return cmd_usage_error(&cmd_kaart, "give export FILE or import FILE");
	bool out = strcmp(argv[optind], "export") == 0;
	const char *file = argv[optind + 1];
	store_t *st = cmd_open_store(db);
	if (!st)
		return 1;
	char err[512];
	size_t n = 0;
	int rc = out ? app_kaart_export(st, file, err, sizeof err)
	             : app_kaart_import(st, file, &n, err, sizeof err);
	if (rc)
		fprintf(stderr, "inspraak kaart: %s\n", err);
	else if (!out)
		printf("%zu entries imported\n", n);
	store_close(st);
	return rc ? 1 : 0;
}

const cmd_t cmd_kaart = {
    .name = "kaart",
    .summary = "  kaart export|import FILE\n"
               "                       the sociale kaart as HSDS 3 JSON\n",
    .usage = "usage: inspraak kaart export FILE [--db FILE]\n"
             "       inspraak kaart import FILE [--db FILE]\n"
             "\n"
             "Writes every entry of the sociale kaart to FILE as Open Referral HSDS 3\n"
             "JSON (organizations with their services, locations and schedules), or\n"
             "adds the organizations of FILE as entries. A FILE ending in .zip holds\n"
             "HSDS's tabular form: one CSV file per table. An import checks every\n"
             "entry first and saves nothing when one is invalid.\n"
             "\n"
             "  --db FILE      the database (default: inspraak.db)\n"
             "  -h, --help     print this help\n",
    .run = run,
};
