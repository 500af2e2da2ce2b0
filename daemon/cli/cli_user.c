/* cli_user.c: see cli_user.h. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "core/calendar.h"
#include "lib/clock.h"
#include "cli/cli_cmd.h"
#include "cli/cli_http.h"
#include "cli/cli_user.h"

#define TIMEOUT_MS          60000L
#define REPLY_MAX           (64u << 20)
#define PASSWORD_MAX        1024
#define USER_TOKEN_DAYS_MAX 365 /* the daemon's bound (auth.c) */

/* One request; req (borrowed) is POSTed as JSON when not NULL. *out:
 * the parsed reply (caller frees). Exit code; errors printed. */
static int
call(const char *socket, const char *method, const char *path, json_t *req,
    json_t **out)
{
	struct cli_reply r;
	int rc = cli_http_json(&(struct cli_request){ .socket = socket,
	                           .method = method,
	                           .path = path,
	                           .json = req,
	                           .reply_max = REPLY_MAX,
	                           .timeout_ms = TIMEOUT_MS },
	    &r);

	*out = rc == CLI_OK ? json_incref(r.json) : NULL;
	cli_reply_free(&r);
	return rc;
}

/* "path?actor=NAME" on the admin socket, where the daemon names the
 * actor from it; over TCP the token says who. */
static int
with_actor(char *buf, size_t size, const char *path, const char *actor)
{
	char *e = NULL;
	CURL *c;
	int n;

	if (cli_remote() || actor == NULL)
		n = snprintf(buf, size, "%s", path);
	else {
		if ((c = curl_easy_init()) == NULL ||
		    (e = curl_easy_escape(c, actor, 0)) == NULL) {
			if (c != NULL)
				curl_easy_cleanup(c);
			return -1;
		}
		n = snprintf(buf, size, "%s%sactor=%s", path,
		    strchr(path, '?') ? "&" : "?", e);
		curl_free(e);
		curl_easy_cleanup(c);
	}
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* getopt's complaint about argv[optind - 1], for usage(). */
static const char *
bad_opt(int c, char **argv, char *buf, size_t size)
{
	snprintf(buf, size, "%s '%s'",
	    c == ':' ? "missing value for" : "unknown option",
	    optind > 0 ? argv[optind - 1] : "?");
	return buf;
}

static int
usage(const char *cmd, const char *msg)
{
	return cli_cmd_usage_named(cmd, "%s: %s", cmd, msg);
}

/* One line from f without its newline; -1 at EOF or when too long. */
static int
read_secret_line(FILE *f, char *buf, size_t size)
{
	size_t n;

	if (fgets(buf, (int)size, f) == NULL)
		return -1;
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == size - 1 && !feof(f))
		return -1;
	if (n > 0 && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

/* From the terminal without echo, asked twice; or one line of stdin. */
static int
read_password(bool from_stdin, char *pw, size_t size)
{
	char again[PASSWORD_MAX + 2];
	struct termios old, quiet;
	FILE *tty;
	int rc = -1;

	if (from_stdin) {
		if (read_secret_line(stdin, pw, size) == -1 || pw[0] == '\0') {
			cli_warn("--password-stdin: expected one line with the "
			         "password");
			return -1;
		}
		return 0;
	}
	if ((tty = fopen("/dev/tty", "r+e")) == NULL) {
		cli_warn("no terminal to read the password from; use "
		         "--password-stdin");
		return -1;
	}
	if (tcgetattr(fileno(tty), &old) == -1) {
		cli_warn("no terminal to read the password from; use "
		         "--password-stdin");
		fclose(tty);
		return -1;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	fputs("Password or PIN: ", tty);
	fflush(tty);
	if (read_secret_line(tty, pw, size) == 0) {
		fputs("\nAgain: ", tty);
		fflush(tty);
		if (read_secret_line(tty, again, sizeof again) == 0) {
			if (strcmp(pw, again) != 0)
				cli_warn(
				    "the two entries differ; nothing changed");
			else if (pw[0] == '\0')
				/* the rules by role are the daemon's */
				cli_warn("the password is empty");
			else
				rc = 0;
		}
	}
	fputc('\n', tty);
	tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	sodium_memzero(again, sizeof again);
	return rc;
}

static int
user_list(const char *socket, bool as_json)
{
	json_t *j, *u;
	size_t i;
	int rc = call(socket, "GET", "/api/v1/users", NULL, &j);

	if (rc != CLI_OK)
		return rc;
	if (as_json) {
		char *t = json_dumps(j, JSON_COMPACT);

		puts(t ? t : "{}");
		free(t);
	} else {
		printf("%-24s %-13s %-9s %8s %6s  %s\n", "NAME", "ROLE",
		    "STATE", "SESSIONS", "TOKENS", "FIRST TOKEN EXPIRES");
		json_array_foreach(json_object_get(j, "users"), i, u) {
			const char *exp = json_string_value(
			    json_object_get(u, "tokens_expire_at"));

			/* the soonest end of a live token: when to issue
			 * the next before the CLI of that user stops */
			printf("%-24s %-13s %-9s %8lld %6lld  %.16s\n",
			    json_string_value(json_object_get(u, "name")),
			    json_string_value(json_object_get(u, "role")),
			    json_is_true(json_object_get(u, "disabled"))
			        ? "disabled"
			        : "active",
			    (long long)json_integer_value(
			        json_object_get(u, "sessions")),
			    (long long)json_integer_value(
			        json_object_get(u, "tokens")),
			    exp != NULL ? exp : "-");
		}
	}
	json_decref(j);
	return CLI_OK;
}

int
cli_user(const char *socket, const char *actor, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "post-office", required_argument, NULL, 'o' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "label", required_argument, NULL, 'l' },
		{ "days", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sub, *name = NULL, *role = NULL, *label = NULL;
	const char *office = NULL;
	char path[512], esc[256], pw[PASSWORD_MAX + 2];
	bool from_stdin = false, as_json = false;
	json_t *req = NULL, *rep = NULL;
	long days = 0; /* 0: the daemon's default */
	char *end;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(CLI_USER_USAGE, argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	sub = argv[1];
	argc--; /* argv[0] is now the subcommand, the options follow */
	argv++;
	optind = 0; /* GNU getopt: a full restart after motcua's own */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			role = optarg;
			break;
		case 'o':
			office = optarg;
			break;
		case 'p':
			from_stdin = true;
			break;
		case 'l':
			label = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'd':
			errno = 0;
			days = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    days < 1 || days > USER_TOKEN_DAYS_MAX)
				return usage("user",
				    "--days: a whole number from 1 to 365");
			break;
		case 'h':
			fputs(CLI_USER_USAGE, stdout);
			return CLI_OK;
		default:
			return usage("user",
			    bad_opt(c, argv, path, sizeof path));
		}
	}
	if (optind < argc)
		name = argv[optind];
	if (optind + 1 < argc)
		return usage("user", "too many arguments");
	if (strcmp(sub, "list") == 0)
		return name ? usage("user", "list takes no NAME")
		            : user_list(socket, as_json);
	if (name == NULL)
		return usage("user", "NAME is required");
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		        (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		        *p == '-' || *p == '@') ||
		    p - name >= 63)
			return usage("user",
			    "NAME: 1 to 63 of letters, digits, '.', '_', '-', "
			    "'@'");
	snprintf(esc, sizeof esc, "%s", name);
	if (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0) {
		bool add = sub[0] == 'a';

		if (add && role == NULL)
			return usage("user", "add: --role is required");
		if (!add && office != NULL)
			return usage("user", "passwd takes no --post-office");
		if (read_password(from_stdin, pw, sizeof pw) == -1)
			return CLI_FAIL;
		req = add ? json_pack("{s:s,s:s,s:s}", "name", name, "role",
		                role, "password", pw)
		          : json_pack("{s:s}", "password", pw);
		if (req != NULL && add && office != NULL)
			json_object_set_new(req, "post_office",
			    json_string(office));
		sodium_memzero(pw, sizeof pw);
		if (add)
			snprintf(path, sizeof path, "/api/v1/users");
		else
			snprintf(path, sizeof path, "/api/v1/users/%s/password",
			    esc);
	} else if (strcmp(sub, "post-office") == 0) {
		if (office == NULL)
			return usage("user",
			    "post-office: --post-office ID is required");
		req = json_pack("{s:s}", "post_office", office);
		snprintf(path, sizeof path, "/api/v1/users/%s/post-office",
		    esc);
	} else if (strcmp(sub, "disable") == 0) {
		snprintf(path, sizeof path, "/api/v1/users/%s/disable", esc);
	} else if (strcmp(sub, "token") == 0 || strcmp(sub, "revoke") == 0) {
		if (days != 0 && sub[0] == 'r')
			return usage("user", "revoke takes no --days");
		req =
		    label ? json_pack("{s:s}", "label", label) : json_object();
		if (req != NULL && days != 0)
			json_object_set_new(req, "days", json_integer(days));
		snprintf(path, sizeof path, "/api/v1/users/%s/tokens%s", esc,
		    sub[0] == 'r' ? "/revoke" : "");
	} else {
		return usage("user",
		    "expected add, passwd, post-office, disable, list, "
		    "token or revoke");
	}
	{
		char full[600];

		if (with_actor(full, sizeof full, path, actor) == -1) {
			json_decref(req);
			return usage("user", "arguments too long");
		}
		rc = call(socket, "POST", full, req, &rep);
	}
	if (req != NULL) {
		/* the password's copy inside the tree */
		json_t *p = json_object_get(req, "password");

		if (p != NULL)
			sodium_memzero((char *)(uintptr_t)json_string_value(p),
			    json_string_length(p));
		json_decref(req);
	}
	if (rc != CLI_OK)
		return rc;
	if (strcmp(sub, "token") == 0) {
		const char *exp =
		    json_string_value(json_object_get(rep, "expires_at"));

		puts(json_string_value(json_object_get(rep, "token")));
		cli_warn("token %lld for %s, until %s: shown once, keep it "
		         "safe",
		    (long long)json_integer_value(json_object_get(rep, "id")),
		    name, exp != NULL ? exp : "?");
	} else if (strcmp(sub, "revoke") == 0) {
		printf("%lld token(s) of %s revoked\n",
		    (long long)json_integer_value(
		        json_object_get(rep, "revoked")),
		    name);
	} else if (strcmp(sub, "add") == 0) {
		if (office != NULL && *office != '\0')
			printf("user %s added with role %s at post office %s\n",
			    name, role, office);
		else
			printf("user %s added with role %s\n", name, role);
	} else if (strcmp(sub, "post-office") == 0) {
		printf("user %s now at post office %s\n", name,
		    *office ? office : "(none: their own registrations)");
	} else if (strcmp(sub, "passwd") == 0) {
		printf("password of %s changed; their sessions ended\n", name);
	} else {
		printf("user %s disabled\n", name);
	}
	json_decref(rep);
	return CLI_OK;
}

int
cli_audit(const char *socket, const char *actor, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL, *limit = NULL;
	char path[256], today[16];
	bool as_json = false;
	json_t *rep, *e;
	size_t i;
	int c, rc, day;

	(void)actor;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'n':
			limit = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'h':
			fputs(CLI_AUDIT_USAGE, stdout);
			return CLI_OK;
		default:
			return usage("audit",
			    bad_opt(c, argv, path, sizeof path));
		}
	}
	if (optind < argc)
		return usage("audit", "unexpected argument");
	cal_format_date(cal_local_day(clock_wall_s()), today);
	if (from == NULL)
		from = today;
	if (to == NULL)
		to = today;
	if (cal_parse_date(from, strlen(from), &day) == -1)
		return usage("audit", "--from: expected YYYY-MM-DD");
	if (cal_parse_date(to, strlen(to), &day) == -1)
		return usage("audit", "--to: expected YYYY-MM-DD");
	if (limit != NULL && strspn(limit, "0123456789") != strlen(limit))
		return usage("audit", "--limit: expected a number");
	snprintf(path, sizeof path, "/api/v1/audit?from=%s&to=%s%s%s", from, to,
	    limit ? "&limit=" : "", limit ? limit : "");
	if ((rc = call(socket, "GET", path, NULL, &rep)) != CLI_OK)
		return rc;
	if (as_json) {
		char *t = json_dumps(rep, JSON_COMPACT);

		puts(t ? t : "{}");
		free(t);
	} else {
		json_array_foreach(json_object_get(rep, "entries"), i, e) {
			const char *o =
			    json_string_value(json_object_get(e, "object"));
			const char *d =
			    json_string_value(json_object_get(e, "detail"));

			printf("%s  %-24s %-18s %s%s%s\n",
			    json_string_value(json_object_get(e, "at")),
			    json_string_value(json_object_get(e, "actor")),
			    json_string_value(json_object_get(e, "action")),
			    o ? o : "", d ? "  " : "", d ? d : "");
		}
	}
	json_decref(rep);
	return CLI_OK;
}
