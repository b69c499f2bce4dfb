/*
 * cmd: the commands of the inspraak binary, one file each (src/cmd/NAME.c),
 * as git's builtin/ has them. main.c finds a command by name in cmd_list
 * and calls its run with argv[0] the command's name; the command parses the
 * rest with getopt_long through cmd_getopt, so that every command reports a
 * bad option the same way.
 *
 * Exit status, for every command: 0 done, 1 it failed (the store, a file),
 * 2 the command line was wrong (the message names the option or argument).
 */
#ifndef INSPRAAK_CMD_H
#define INSPRAAK_CMD_H

#include <getopt.h>
#include <stddef.h>

#include "store/store.h"

typedef struct cmd {
	const char *name;
	/* The command's lines in `inspraak --help`: a synopsis and what it does. */
	const char *summary;
	/* The whole help of `inspraak NAME --help`, ending in a newline. */
	const char *usage;
	/* Runs the command; argv[0] is its name. Returns the exit status. */
	int (*run)(int argc, char **argv);
} cmd_t;

extern const cmd_t cmd_serve, cmd_import, cmd_user, cmd_token, cmd_backup, cmd_report, cmd_purge,
    cmd_migrate;

/* The commands in the order `inspraak --help` lists them; NULL-terminated. */
extern const cmd_t *const cmd_list[];

/* The command called name, or NULL. */
const cmd_t *cmd_find(const char *name);

/* The database every command opens unless --db says otherwise. */
#define CMD_DEFAULT_DB "inspraak.db"

/*
 * getopt_long over argv for cmd, with longopts ending in a zero entry. The
 * short options are "h" (--help maps to 'h' in every table). Arguments
 * that are not options may come before, between or after the options;
 * getopt_long moves them to argv[optind..argc-1].
 *
 * Returns the option's value as getopt_long does, -1 at the end, or '?'
 * after printing "inspraak NAME: unknown option X" or "X needs a value" to
 * stderr (the caller then exits 2).
 */
int cmd_getopt(int argc, char **argv, const cmd_t *cmd, const struct option *longopts);

/* Prints cmd's usage to stdout; returns 0, the exit status of --help. */
int cmd_help(const cmd_t *cmd);

/* Prints "inspraak NAME: " and the message to stderr, then a pointer to
 * `inspraak NAME --help`; returns 2, the exit status of a wrong command line. */
int cmd_usage_error(const cmd_t *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The command line of a command that takes --db and exactly one argument
 * (backup FILE, token NAME): sets *db (CMD_DEFAULT_DB unless given) and
 * *arg. Returns -1 to go on, or the exit status to return: 0 after --help,
 * 2 for a wrong command line, with missing_arg ("give one file to write
 * the copy to") as the message when the argument is not exactly one.
 */
int cmd_db_and_arg(int argc, char **argv, const cmd_t *cmd, const char *missing_arg,
                   const char **db, const char **arg);

/* Opens the store at db; NULL with the reason printed to stderr. */
store_t *cmd_open_store(const char *db);

#endif
