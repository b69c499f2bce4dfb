/*
 * inspraak user: add, change, delete and list the people who log in.
 * Passwords come from standard input, never from the command line, where
 * other users of the machine could read them in the process list.
 */
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "app/app.h"
#include "cmd/cmd.h"

/* Reads a password: without echo from a terminal, else one line of stdin.
 * Returns 0, or UV_EINVAL when standard input ends first. */
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
		return UV_EINVAL;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static void print_user(const char *name, const char *role, int64_t created, void *arg)
{
	(void)created;
	(void)arg;
	printf("%-24s %s\n", name, role);
}

/* Runs verb on the open store; returns 0 or a negative code with the
 * reason in err. */
static int user_verb(store_t *st, const char *verb, const char *name, const char *role,
                     const char *pw, char *err, size_t errlen)
{
	int rc;
	if (!strcmp(verb, "add")) {
		rc = app_user_add(st, name, pw, role, err, errlen);
		if (rc == 0)
			printf("user %s added as %s\n", name, role);
		return rc;
	}
	if (!strcmp(verb, "passwd")) {
		rc = app_user_passwd(st, name, pw, err, errlen);
		if (rc == 0)
			printf("password of %s changed; their login sessions ended\n", name);
		return rc;
	}
	if (!strcmp(verb, "del")) {
		rc = store_user_del(st, name);
		if (rc == STORE_OK) {
			printf("user %s deleted\n", name);
			return 0;
		}
		snprintf(err, errlen,
		         rc == STORE_NOTFOUND ? "there is no user called %s"
		                              : "the user %s could not be deleted",
		         name);
		return rc == STORE_NOTFOUND ? UV_ENOENT : UV_EIO;
	}
	if (store_users(st, print_user, NULL) == STORE_OK)
		return 0;
	snprintf(err, errlen, "the users could not be read");
	return UV_EIO;
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"role", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	const char *db = CMD_DEFAULT_DB, *role = "facilitator";
	int c;
	while ((c = cmd_getopt(argc, argv, &cmd_user, opts)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'r': role = optarg; break;
		case 'h': return cmd_help(&cmd_user);
		default: return 2;
		}
	}
	int n = argc - optind;
	const char *verb = n >= 1 ? argv[optind] : "";
	const char *name = n == 2 ? argv[optind + 1] : NULL;
	bool named = !strcmp(verb, "add") || !strcmp(verb, "passwd") || !strcmp(verb, "del");
	if (n == 0)
		return cmd_usage_error(&cmd_user, "give add, passwd, del or list");
	if (named && n != 2)
		return cmd_usage_error(&cmd_user, "%s wants one user name", verb);
	if (!named && strcmp(verb, "list"))
		return cmd_usage_error(&cmd_user, "unknown verb %s", verb);
	if (!named && n != 1)
		return cmd_usage_error(&cmd_user, "list takes no name");
	char pw[256] = "";
	if ((!strcmp(verb, "add") || !strcmp(verb, "passwd")) && read_password(pw, sizeof pw) < 0) {
		fprintf(stderr, "inspraak: no password given on standard input\n");
		return 1;
	}
	store_t *st = cmd_open_store(db);
	if (!st)
		return 1;
	char err[256];
	int rc = user_verb(st, verb, name, role, pw, err, sizeof err);
	memset(pw, 0, sizeof pw);
	if (rc < 0)
		fprintf(stderr, "inspraak: %s\n", err);
	store_close(st);
	return rc < 0 ? 1 : 0;
}

const cmd_t cmd_user = {
    .name = "user",
    .summary = "  user add NAME [--role admin|facilitator|moderator]\n"
               "                       add a user; the password is read from standard input\n"
               "  user passwd NAME | user del NAME | user list\n",
    .usage = "usage: inspraak user add NAME [--role admin|facilitator|moderator]\n"
             "       inspraak user passwd NAME\n"
             "       inspraak user del NAME\n"
             "       inspraak user list\n"
             "\n"
             "Adds a user, changes a user's password (which ends their login sessions),\n"
             "deletes a user or lists them all. Passwords (8 to 200 characters) are read\n"
             "from standard input: without echo from a terminal, else its first line.\n"
             "\n"
             "  --role ROLE    admin, facilitator (the default) or moderator, for add\n"
             "  --db FILE      the database (default: inspraak.db)\n"
             "  -h, --help     print this help\n",
    .run = run,
};
