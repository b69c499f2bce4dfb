/*
 * cmd: what every command shares: the list main.c dispatches through,
 * option parsing with one way of naming a bad option, help, and opening
 * the store.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

const cmd_t *const cmd_list[] = {
    &cmd_serve, &cmd_import, &cmd_user,    &cmd_token, &cmd_backup,
    &cmd_purge, &cmd_report, &cmd_migrate, NULL,
};

const cmd_t *cmd_find(const char *name)
{
	for (size_t i = 0; cmd_list[i]; i++)
		if (strcmp(cmd_list[i]->name, name) == 0)
			return cmd_list[i];
	return NULL;
}

int cmd_getopt(int argc, char **argv, const cmd_t *cmd, const struct option *longopts)
{
	/* getopt_long prints its own messages without the command's name;
	 * ':' first makes it return ':' for a missing value, so that the two
	 * cases can be told apart here. */
	opterr = 0;
	int c = getopt_long(argc, argv, ":h", longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* The option as written: the word getopt_long just stepped over for a
	 * long one (up to any "=value"), else optopt. (For a long option
	 * without its value optopt holds the option's val, not a letter the
	 * person typed.) */
	char shortopt[3] = {'-', (char)optopt, '\0'};
	const char *last = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	const char *opt = strncmp(last, "--", 2) == 0 ? last : shortopt;
	int len = (int)strcspn(opt, "=");
	if (c == '?')
		fprintf(stderr, "inspraak %s: unknown option %.*s (see inspraak %s --help)\n",
		        cmd->name, len, opt, cmd->name);
	else
		fprintf(stderr, "inspraak %s: %.*s needs a value (see inspraak %s --help)\n",
		        cmd->name, len, opt, cmd->name);
	return '?';
}

int cmd_help(const cmd_t *cmd)
{
	fputs(cmd->usage, stdout);
	return 0;
}

int cmd_usage_error(const cmd_t *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "inspraak %s: ", cmd->name);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", cmd->usage);
	return 2;
}

int cmd_db_and_arg(int argc, char **argv, const cmd_t *cmd, const char *missing_arg,
                   const char **db, const char **arg)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	*db = CMD_DEFAULT_DB;
	int c;
	while ((c = cmd_getopt(argc, argv, cmd, opts)) != -1) {
		switch (c) {
		case 'd': *db = optarg; break;
		case 'h': return cmd_help(cmd);
		default: return 2;
		}
	}
	if (argc - optind != 1)
		return cmd_usage_error(cmd, "%s", missing_arg);
	*arg = argv[optind];
	return -1;
}

store_t *cmd_open_store(const char *db)
{
	store_t *st;
	char err[512];
	if (store_open(db, &st, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "inspraak: %s\n", err);
		return NULL;
	}
	return st;
}
