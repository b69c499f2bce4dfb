/*
 * inspraak: the command line. main finds the command by name and hands it
 * the rest of the arguments; each command lives in src/cmd/NAME.c with its
 * own options and help, and calls the library (src/app, src/store,
 * src/report). Nothing else lives here.
 */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static void list_commands(FILE *to)
{
	fputs("usage: inspraak COMMAND [options]\n"
	      "       inspraak COMMAND --help     (or: inspraak help COMMAND)\n"
	      "\n"
	      "commands:\n",
	      to);
	for (size_t i = 0; cmd_list[i]; i++)
		fputs(cmd_list[i]->summary, to);
	fputs("\n"
	      "every command takes --db FILE (default: inspraak.db in the current directory)\n"
	      "and --help.\n",
	      to);
}

static bool is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "help");
}

/* "inspraak help [COMMAND]" and "inspraak --help [COMMAND]". */
static int help(int argc, char **argv)
{
	if (argc < 3) {
		list_commands(stdout);
		return 0;
	}
	const cmd_t *cmd = cmd_find(argv[2]);
	if (!cmd) {
		fprintf(stderr, "inspraak: unknown command %s (see inspraak --help)\n", argv[2]);
		return 2;
	}
	return cmd_help(cmd);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		list_commands(stderr);
		return 2;
	}
	if (is_help(argv[1]))
		return help(argc, argv);
	/* Options before the command ("inspraak --db FILE import DECK") were
	 * always accepted: the first word that names a command is the command;
	 * it moves to the front and the options keep their order behind it. */
	int at = 1;
	if (argv[1][0] == '-')
		while (at < argc && !cmd_find(argv[at]))
			at++;
	if (at == argc) {
		fprintf(stderr,
		        "inspraak: no command given, only the option %s (see inspraak --help)\n",
		        argv[1]);
		return 2;
	}
	const cmd_t *cmd = cmd_find(argv[at]);
	if (!cmd) {
		fprintf(stderr, "inspraak: unknown command %s (see inspraak --help)\n", argv[at]);
		return 2;
	}
	char *name = argv[at];
	memmove(argv + 2, argv + 1, (size_t)(at - 1) * sizeof *argv);
	argv[1] = name;
	return cmd->run(argc - 1, argv + 1);
}
