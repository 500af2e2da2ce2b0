/* cli_user.c: see cli_user.h. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
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

#include "calendar.h"
#include "cli_user.h"

enum { OK = 0, FAIL = 1, USAGE = 2, DAEMON = 3 };

#define CONNECT_TIMEOUT_MS 2000L
#define TIMEOUT_MS         60000L
#define REPLY_MAX          (64u << 20)
#define TOKEN_TEXT_MAX     128
#define PASSWORD_MAX       1024

struct body {
	char *p;
	size_t len;
};

static void warn(const char *fmt, ...)
    __attribute__((__format__(__printf__, 1, 2)));

static void
warn(const char *fmt, ...)
{
	va_list ap;

	fputs("motcua: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

bool
cli_remote(void)
{
	const char *u = getenv("MOTCUA_URL");

	return u != NULL && u[0] != '\0';
}

/* The bearer token: MOTCUA_TOKEN, else the first line of
 * MOTCUA_TOKEN_FILE. Only token characters are accepted, so nothing can
 * break out of the header line. */
static int
bearer(char out[TOKEN_TEXT_MAX + 1])
{
	const char *t = getenv("MOTCUA_TOKEN"), *file;
	size_t n;

	if (t != NULL && t[0] != '\0') {
		snprintf(out, TOKEN_TEXT_MAX + 1, "%s", t);
		if (strlen(t) > TOKEN_TEXT_MAX) {
			warn("MOTCUA_TOKEN: longer than %d bytes",
			    TOKEN_TEXT_MAX);
			return -1;
		}
	} else if ((file = getenv("MOTCUA_TOKEN_FILE")) != NULL &&
	    file[0] != '\0') {
		FILE *f = fopen(file, "re");

		if (f == NULL) {
			warn("--token-file %s: %s", file, strerror(errno));
			return -1;
		}
		if (fgets(out, TOKEN_TEXT_MAX + 1, f) == NULL)
			out[0] = '\0';
		fclose(f);
	} else {
		warn("MOTCUA_URL is set: give a token with MOTCUA_TOKEN or "
		     "--token-file");
		return -1;
	}
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	for (size_t i = 0; i < n; i++) {
		char c = out[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			warn("the token has a character tokens never have");
			return -1;
		}
	}
	if (n == 0) {
		warn("the token is empty");
		return -1;
	}
	return 0;
}

int
cli_target(CURL *c, const char *socket, const char *path,
    struct curl_slist **hdr)
{
	char url[8192], tok[TOKEN_TEXT_MAX + 1], line[TOKEN_TEXT_MAX + 32];
	const char *base = getenv("MOTCUA_URL"), *ca = getenv("MOTCUA_CA_FILE");
	struct curl_slist *h;
	size_t bl;

	if (!cli_remote()) {
		if ((size_t)snprintf(url, sizeof url, "http://localhost%s",
		        path) >= sizeof url) {
			warn("request path too long");
			return -1;
		}
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
		return 0;
	}
	if (strncmp(base, "http://", 7) != 0 &&
	    strncmp(base, "https://", 8) != 0) {
		warn("MOTCUA_URL: expected http(s)://host:port");
		return -1;
	}
	bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	if ((size_t)snprintf(url, sizeof url, "%.*s%s", (int)bl, base, path) >=
	    sizeof url) {
		warn("request path too long");
		return -1;
	}
	if (bearer(tok) == -1)
		return -1;
	snprintf(line, sizeof line, "Authorization: Bearer %s", tok);
	sodium_memzero(tok, sizeof tok);
	h = curl_slist_append(*hdr, line);
	sodium_memzero(line, sizeof line);
	if (h == NULL) {
		warn("out of memory");
		return -1;
	}
	*hdr = h;
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, NULL);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (ca != NULL && ca[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	char *p;

	n *= size;
	if (n > REPLY_MAX - b->len)
		return 0;
	if ((p = realloc(b->p, b->len + n + 1)) == NULL)
		return 0;
	memcpy(p + b->len, data, n);
	b->len += n;
	p[b->len] = '\0';
	b->p = p;
	return n;
}

/* One request; body_json (borrowed) is POSTed when not NULL. *out: the
 * parsed reply (caller frees). Exit code; errors printed. */
static int
call(const char *socket, const char *method, const char *path,
    json_t *body_json, json_t **out)
{
	char err[CURL_ERROR_SIZE] = "", *text = NULL;
	struct body b = { NULL, 0 };
	struct curl_slist *hdr = NULL, *h;
	long http = 0;
	CURL *c;
	CURLcode cc;
	json_t *j, *e;
	int rc = OK;

	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (c = curl_easy_init()) == NULL) {
		warn("cannot start libcurl");
		return DAEMON;
	}
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (body_json != NULL) {
		if ((text = json_dumps(body_json, JSON_COMPACT)) == NULL ||
		    (h = curl_slist_append(hdr,
		         "Content-Type: application/json")) == NULL) {
			warn("out of memory");
			rc = DAEMON;
			goto out;
		}
		hdr = h;
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
	} else if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
	}
	if (cli_target(c, socket, path, &hdr) == -1) {
		rc = USAGE;
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
	if (cc != CURLE_OK) {
		warn("cannot talk to the daemon at %s: %s", socket,
		    err[0] ? err : curl_easy_strerror(cc));
		rc = DAEMON;
		goto out;
	}
	j = b.p ? json_loadb(b.p, b.len, 0, NULL) : NULL;
	if (http < 200 || http > 299) {
		const char *f, *m;

		e = json_object_get(j, "error");
		f = json_string_value(json_object_get(e, "field"));
		m = json_string_value(json_object_get(e, "message"));
		if (m != NULL && f != NULL && *f != '\0')
			warn("%s: %s", f, m);
		else if (m != NULL)
			warn("%s", m);
		else
			warn("the daemon answered HTTP %ld", http);
		json_decref(j);
		rc = http >= 400 && http < 500 ? FAIL : DAEMON;
		goto out;
	}
	if (j == NULL) {
		warn("bad reply from the daemon");
		rc = DAEMON;
		goto out;
	}
	*out = j;
out:
	if (text != NULL) {
		sodium_memzero(text, strlen(text)); /* it may hold a password */
		free(text);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	free(b.p);
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
	warn("%s: %s", cmd, msg);
	fprintf(stderr, "Try 'motcua %s --help'.\n", cmd);
	return USAGE;
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
			warn("--password-stdin: expected one line with the "
			     "password");
			return -1;
		}
		return 0;
	}
	if ((tty = fopen("/dev/tty", "r+e")) == NULL) {
		warn("no terminal to read the password from; use "
		     "--password-stdin");
		return -1;
	}
	if (tcgetattr(fileno(tty), &old) == -1) {
		warn("no terminal to read the password from; use "
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
				warn("the two entries differ; nothing changed");
			else if (strlen(pw) < 4)
				warn("a password or PIN has at least 4 "
				     "characters");
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

	if (rc != OK)
		return rc;
	if (as_json) {
		char *t = json_dumps(j, JSON_COMPACT);

		puts(t ? t : "{}");
		free(t);
	} else {
		printf("%-24s %-13s %-9s %8s %6s\n", "NAME", "ROLE", "STATE",
		    "SESSIONS", "TOKENS");
		json_array_foreach(json_object_get(j, "users"), i, u) {
			printf("%-24s %-13s %-9s %8lld %6lld\n",
			    json_string_value(json_object_get(u, "name")),
			    json_string_value(json_object_get(u, "role")),
			    json_is_true(json_object_get(u, "disabled"))
			        ? "disabled"
			        : "active",
			    (long long)json_integer_value(
			        json_object_get(u, "sessions")),
			    (long long)json_integer_value(
			        json_object_get(u, "tokens")));
		}
	}
	json_decref(j);
	return OK;
}

int
cli_user(const char *socket, const char *actor, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "label", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sub, *name = NULL, *role = NULL, *label = NULL;
	char path[512], esc[256], pw[PASSWORD_MAX + 2];
	bool from_stdin = false, as_json = false;
	json_t *req = NULL, *rep = NULL;
	int c, rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(CLI_USER_USAGE, argc < 2 ? stderr : stdout);
		return argc < 2 ? USAGE : OK;
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
		case 'p':
			from_stdin = true;
			break;
		case 'l':
			label = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'h':
			fputs(CLI_USER_USAGE, stdout);
			return OK;
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
		if (read_password(from_stdin, pw, sizeof pw) == -1)
			return FAIL;
		req = add ? json_pack("{s:s,s:s,s:s}", "name", name, "role",
		                role, "password", pw)
		          : json_pack("{s:s}", "password", pw);
		sodium_memzero(pw, sizeof pw);
		if (add)
			snprintf(path, sizeof path, "/api/v1/users");
		else
			snprintf(path, sizeof path, "/api/v1/users/%s/password",
			    esc);
	} else if (strcmp(sub, "disable") == 0) {
		snprintf(path, sizeof path, "/api/v1/users/%s/disable", esc);
	} else if (strcmp(sub, "token") == 0 || strcmp(sub, "revoke") == 0) {
		req =
		    label ? json_pack("{s:s}", "label", label) : json_object();
		snprintf(path, sizeof path, "/api/v1/users/%s/tokens%s", esc,
		    sub[0] == 'r' ? "/revoke" : "");
	} else {
		return usage("user",
		    "expected add, passwd, disable, list, "
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
	if (rc != OK)
		return rc;
	if (strcmp(sub, "token") == 0) {
		puts(json_string_value(json_object_get(rep, "token")));
		fprintf(stderr,
		    "motcua: token %lld for %s: shown once, keep it safe\n",
		    (long long)json_integer_value(json_object_get(rep, "id")),
		    name);
	} else if (strcmp(sub, "revoke") == 0) {
		printf("%lld token(s) of %s revoked\n",
		    (long long)json_integer_value(
		        json_object_get(rep, "revoked")),
		    name);
	} else if (strcmp(sub, "add") == 0) {
		printf("user %s added with role %s\n", name, role);
	} else if (strcmp(sub, "passwd") == 0) {
		printf("password of %s changed; their sessions ended\n", name);
	} else {
		printf("user %s disabled\n", name);
	}
	json_decref(rep);
	return OK;
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
			return OK;
		default:
			return usage("audit",
			    bad_opt(c, argv, path, sizeof path));
		}
	}
	if (optind < argc)
		return usage("audit", "unexpected argument");
	cal_format_date(cal_local_day((int64_t)time(NULL)), today);
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
	if ((rc = call(socket, "GET", path, NULL, &rep)) != OK)
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
	return OK;
}
