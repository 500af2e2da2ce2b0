/* motcua.c: the command-line client. It talks HTTP with JSON to motcuad's
 * admin Unix socket through libcurl (blocking is fine here: this is a
 * short-lived tool, not the daemon's loop). docs/cli.md is the manual.
 *
 * Layout: path builders and the request helpers (the transport is
 * cli_http.c's); argument checks; output helpers (tables, times); one
 * function per command; the command table and main(). Exit codes: see
 * enum below and `motcua --help`. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <utf8proc.h>

#include "core/calendar.h"
#include "cli/cli_report.h"
#include "core/dcode.h"
#include "core/importrec.h"
#include "core/status.h"
#include "cli/cli_print.h"
#include "cli/cli_scan.h"
#include "cli/cli_decode.h"
#include "cli/cli_http.h"
#include "cli/cli_user.h"
#include "cli/cli_postal.h"
#include "core/textfold.h"

#ifndef MOTCUA_VERSION
#define MOTCUA_VERSION "0.1.0"
#endif

enum {
	EXIT_OK = 0,     /* success */
	EXIT_FAIL = 1,   /* the daemon refused or found nothing; a check */
	EXIT_USAGE = 2,  /* bad command line */
	EXIT_DAEMON = 3, /* daemon unreachable, 5xx or a bad reply */
};

#define DEFAULT_SOCKET     "/run/motcuad/admin.sock"
#define REQUEST_TIMEOUT_MS 60000L
#define IMPORT_TIMEOUT_MS  600000L     /* one chunk of 20000 lines */
#define REPLY_MAX          (32u << 20) /* bytes of one reply body */
#define CHUNK_LINES        20000       /* lines per import request */
#define CHUNK_BYTES        (16u << 20) /* bytes per import request */
#define HOLIDAY_FILE_MAX   (1u << 20)
#define REJECT_SHOW        50   /* rejected lines listed by import */
#define ARG_TEXT_MAX       4096 /* any free-text argument, in bytes */
#define ACTOR_MAX          64
#define SEARCH_LIMIT_MAX   1000

struct cli {
	const char *socket; /* borrowed from argv or the environment */
	const char *actor;  /* borrowed */
	CURL *curl;         /* owned; NULL until the first request */
};

struct command;
typedef int command_fn(struct cli *, const struct command *, int, char **);

struct command {
	const char *name;
	command_fn *run;
	const char *summary; /* one line for `motcua --help` */
	const char *usage;   /* the text of `motcua NAME --help` */
};

/* ---- bounded buffers (struct cli_buf, cli_http.h) ------------------ */

static int
buf_adds(struct cli_buf *b, const char *s)
{
	return cli_buf_add(b, s, strlen(s));
}

/* Appends s URL-encoded (a path segment or a query value). */
static int
buf_add_escaped(struct cli_buf *b, CURL *curl, const char *s)
{
	char *e = curl_easy_escape(curl, s, (int)strlen(s));
	int rc;

	if (e == NULL)
		return -1;
	rc = buf_adds(b, e);
	curl_free(e);
	return rc;
}

/* Appends "&key=value" (or "?key=value" first) when value is not NULL. */
static int
buf_add_query(struct cli_buf *b, CURL *curl, const char *key, const char *value)
{
	if (value == NULL)
		return 0;
	if (buf_adds(b, strchr(b->p != NULL ? b->p : "", '?') ? "&" : "?") <
	        0 ||
	    buf_adds(b, key) < 0 || buf_adds(b, "=") < 0)
		return -1;
	return buf_add_escaped(b, curl, value);
}

/* ---- the request helper --------------------------------------------- */

/* Creates the curl handle on first use: `code check` and --help never
 * need libcurl at all. */
static CURL *
cli_curl(struct cli *cli)
{
	if (cli->curl == NULL) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return NULL;
		cli->curl = curl_easy_init();
	}
	return cli->curl;
}

/* One request (cli_http_json) on the one connection, at most REPLY_MAX
 * bytes back: body (len bytes of ctype) when not NULL. The caller frees
 * *r with cli_reply_free whatever the result. The exit code; errors
 * printed. (Without a handle, cli_http makes its own or says why not.) */
static int
request(struct cli *cli, const char *method, const char *path,
    const char *ctype, const char *body, size_t len, long timeout_ms,
    struct cli_reply *r)
{
	return cli_http_json(&(struct cli_request){ .socket = cli->socket,
	                         .curl = cli_curl(cli),
	                         .method = method,
	                         .path = path,
	                         .body = body,
	                         .len = len,
	                         .ctype = ctype,
	                         .reply_max = REPLY_MAX,
	                         .timeout_ms = timeout_ms },
	    r);
}

/* POSTs a JSON object (borrowed) and fills *r like request(). */
static int
request_json(struct cli *cli, const char *path, json_t *obj,
    struct cli_reply *r)
{
	return cli_http_json(&(struct cli_request){ .socket = cli->socket,
	                         .curl = cli_curl(cli),
	                         .method = "POST",
	                         .path = path,
	                         .json = obj,
	                         .reply_max = REPLY_MAX,
	                         .timeout_ms = REQUEST_TIMEOUT_MS },
	    r);
}

/* "/api/v1/dossiers/<code><tail>", the code URL-encoded. NULL on error;
 * the caller frees. */
static char *
dossier_path(struct cli *cli, const char *code, const char *tail)
{
	struct cli_buf b = { .max = 4096 };
	CURL *c = cli_curl(cli);

	if (c == NULL || buf_adds(&b, "/api/v1/dossiers/") < 0 ||
	    buf_add_escaped(&b, c, code) < 0 || buf_adds(&b, tail) < 0) {
		cli_buf_free(&b);
		cli_warn("out of memory");
		return NULL;
	}
	return b.p;
}

/* ---- argument checks ------------------------------------------------ */

static int usage_error(const struct command *, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

/* Prints the problem and a pointer to --help; returns EXIT_USAGE. */
static int
usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vwarn(fmt, ap);
	va_end(ap);
	if (cmd != NULL)
		fprintf(stderr, "Try 'motcua %s --help'.\n", cmd->name);
	else
		fputs("Try 'motcua --help'.\n", stderr);
	return EXIT_USAGE;
}

/* What getopt_long returned for a bad option: ':' (missing value) or
 * '?' (unknown). argv[optind - 1] is the offending word. */
static int
bad_option(const struct command *cmd, int c, char **argv)
{
	const char *word = argv[optind - 1];

	if (c == ':')
		return usage_error(cmd, "%s: needs a value", word);
	return usage_error(cmd, "unknown option %s", word);
}

static int
show_usage(const struct command *cmd)
{
	fputs(cmd->usage, stdout);
	return EXIT_OK;
}

/* A dossier code given on the command line, parsed leniently into its
 * canonical form. Returns 0 or -1 after printing why. */
static int
arg_code(const char *arg, char out[DCODE_TEXT_MAX + 1])
{
	struct dcode d;
	enum dcode_err e = dcode_parse(arg, strlen(arg), &d, NULL);
	const char *why;

	if (e == DCODE_OK && dcode_format(&d, out, DCODE_TEXT_MAX + 1) >= 0)
		return 0;
	why =
	    e == DCODE_OK ? "code: cannot be written back" : dcode_strerror(e);
	if (strncmp(why, "code", 4) == 0)
		cli_warn("%s", why);
	else
		cli_warn("code: %s", why);
	return -1;
}

/* Free text: not empty, valid UTF-8 without control characters, at most
 * max bytes. Returns 0, or -1 after printing a message naming name. */
static int
arg_text(const char *name, const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len == 0 || strspn(s, " \t") == len) {
		cli_warn("%s: must not be empty", name);
		return -1;
	}
	if (len > max) {
		cli_warn("%s: longer than %zu bytes", name, max);
		return -1;
	}
	if (!text_valid(s, len)) {
		cli_warn("%s: not valid UTF-8 text", name);
		return -1;
	}
	return 0;
}

static int
arg_date(const char *name, const char *s, int *day)
{
	if (cal_parse_date(s, strlen(s), day) != 0) {
		cli_warn("%s: expected YYYY-MM-DD", name);
		return -1;
	}
	return 0;
}

/* A due date: an ISO 8601 time with an offset; YYYY-MM-DD (17:00 local);
 * or YYYY-MM-DDTHH:MM (local, +07:00). Writes the ISO form into iso. */
static int
arg_due(const char *name, const char *s, char iso[32])
{
	size_t len = strlen(s);
	const char *why;
	int64_t t;
	int day, h, m;

	if (cal_parse_iso(s, len, &t, &why) == 0) {
		cal_format_iso(t, iso);
		return 0;
	}
	if (len == 10 && cal_parse_date(s, len, &day) == 0) {
		cal_format_iso(cal_instant(day, 17 * 60), iso);
		return 0;
	}
	/* ASCII digits on purpose: isdigit() follows the locale */
	if (len == 16 && s[10] == 'T' && s[13] == ':' &&
	    cal_parse_date(s, 10, &day) == 0 && s[11] >= '0' && s[11] <= '2' &&
	    s[12] >= '0' && s[12] <= '9' && s[14] >= '0' && s[14] <= '5' &&
	    s[15] >= '0' && s[15] <= '9') {
		h = (s[11] - '0') * 10 + (s[12] - '0');
		m = (s[14] - '0') * 10 + (s[15] - '0');
		if (h < 24) {
			cal_format_iso(cal_instant(day, h * 60 + m), iso);
			return 0;
		}
	}
	cli_warn("%s: expected YYYY-MM-DD, YYYY-MM-DDTHH:MM or an ISO 8601 "
	         "time with an offset",
	    name);
	return -1;
}

/* A status: 1..10 or its API name ("result_ready"). 0 when neither. */
static int
arg_status(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (end != s && *end == '\0' && errno == 0)
		return status_valid((int)n) ? (int)n : 0;
	for (int st = STATUS_MIN; st <= STATUS_MAX; st++)
		if (strcasecmp(s, status_name(st)) == 0)
			return st;
	return 0;
}

/* ---- output helpers ------------------------------------------------- */

/* Columns a UTF-8 string takes on a terminal (Vietnamese text is mostly
 * one column a character; invalid bytes count one each). */
static size_t
text_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t w = 0;

	while (*p != '\0') {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);

		if (n <= 0) {
			w++;
			p++;
			continue;
		}
		w +=
		    (size_t)(utf8proc_charwidth(cp) > 0 ? utf8proc_charwidth(cp)
		                                        : 0);
		p += n;
	}
	return w;
}

/* A text table: cells are copied; printed with columns aligned by
 * display width, the last column unpadded. */
struct table {
	size_t ncols;
	size_t nrows;  /* header row included */
	size_t cap;    /* rows allocated */
	char **cells;  /* owned; nrows * ncols strings */
	size_t *width; /* owned; per column */
};

static int
table_init(struct table *t, size_t ncols)
{
	*t = (struct table){ .ncols = ncols };
	t->width = calloc(ncols, sizeof(*t->width));
	return t->width == NULL ? -1 : 0;
}

/* Adds a row of ncols strings (NULL counts as ""). */
static int
table_row(struct table *t, const char *const *row)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **cells =
		    reallocarray(t->cells, cap * t->ncols, sizeof(*cells));

		if (cells == NULL)
			return -1;
		t->cells = cells;
		t->cap = cap;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char *c = strdup(row[i] != NULL ? row[i] : "");
		size_t w;

		if (c == NULL) {
			while (i-- > 0)
				free(t->cells[t->nrows * t->ncols + i]);
			return -1;
		}
		t->cells[t->nrows * t->ncols + i] = c;
		if ((w = text_width(c)) > t->width[i])
			t->width[i] = w;
	}
	t->nrows++;
	return 0;
}

static void
table_print(const struct table *t, FILE *f)
{
	for (size_t r = 0; r < t->nrows; r++) {
		size_t last = t->ncols - 1; /* no padding after the last text */

		while (last > 0 && t->cells[r * t->ncols + last][0] == '\0')
			last--;
		for (size_t i = 0; i <= last; i++) {
			const char *c = t->cells[r * t->ncols + i];

			fputs(c, f);
			if (i == last)
				break;
			for (size_t w = text_width(c); w < t->width[i] + 2; w++)
				fputc(' ', f);
		}
		fputc('\n', f);
	}
}

static void
table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->width);
	*t = (struct table){ 0 };
}

/* An ISO time from the daemon shown as local "2026-01-05 09:32"; text
 * that does not parse is shown as it is. */
static const char *
fmt_time(const char *iso, char out[40])
{
	const char *why;
	int64_t t;
	int y, m, d, min;

	if (iso == NULL)
		return "";
	if (cal_parse_iso(iso, strlen(iso), &t, &why) != 0) {
		snprintf(out, 40, "%s", iso);
		return out;
	}
	cal_ymd_from_day(cal_local_day(t), &y, &m, &d);
	min = cal_local_minute(t);
	snprintf(out, 40, "%04d-%02d-%02d %02d:%02d", y, m, d, min / 60,
	    min % 60);
	return out;
}

static const char *
jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* An integer member, or -1 when absent or not an integer. */
static long long
jint(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

/* Prints the body as the daemon sent it, with a final newline. */
static void
print_raw(const struct cli_reply *r)
{
	fwrite(r->body.p, 1, r->body.len, stdout);
	if (r->body.len == 0 || r->body.p[r->body.len - 1] != '\n')
		fputc('\n', stdout);
}

/* Prints the body on one line: white space outside strings dropped, so
 * numbers keep the daemon's exact text. */
static void
print_compact(const struct cli_reply *r)
{
	bool in_str = false, esc = false;

	for (size_t i = 0; i < r->body.len; i++) {
		char c = r->body.p[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			continue;
		}
		fputc(c, stdout);
	}
	fputc('\n', stdout);
}

/* "CODE: 4 Đang xử lý (processing), due 2026-01-08 17:00" */
static void
print_brief(json_t *d)
{
	char t[40];
	long long st = jint(d, "status");
	const char *label = jstr(d, "status_label_vi");

	if (label == NULL)
		label = status_label_vi((int)st);
	printf("%s: %lld %s (%s), due %s%s\n",
	    jstr(d, "code") ? jstr(d, "code") : "?", st, label,
	    jstr(d, "status_name") ? jstr(d, "status_name")
	                           : status_name((int)st),
	    fmt_time(jstr(d, "due_at"), t),
	    json_is_true(json_object_get(d, "overdue")) ? ", OVERDUE" : "");
}

/* Sets obj[key] = s when s is not NULL. */
static int
set_str(json_t *obj, const char *key, const char *s)
{
	if (s == NULL)
		return 0;
	return json_object_set_new(obj, key, json_string(s));
}

/* ---- commands -------------------------------------------------------- */

static const struct option help_only[] = { { "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 } };

/* Parses a command that takes only --help and exactly nargs words. */
static int
simple_args(const struct command *cmd, int argc, char **argv, int nargs,
    bool *help)
{
	int c;

	*help = false;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", help_only, NULL)) != -1) {
		if (c != 'h')
			return bad_option(cmd, c, argv);
		*help = true;
		return EXIT_OK;
	}
	if (argc - optind != nargs)
		return usage_error(cmd, "%s: expected %d argument%s, got %d",
		    cmd->name, nargs, nargs == 1 ? "" : "s", argc - optind);
	return EXIT_OK;
}

static int
cmd_intake(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "procedure", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "agency", required_argument, NULL, 'a' },
		{ "id-no", required_argument, NULL, 'i' },
		{ "phone", required_argument, NULL, 'P' },
		{ "address", required_argument, NULL, 'A' },
		{ "email", required_argument, NULL, 'e' },
		{ "summary", required_argument, NULL, 's' },
		{ "delivery", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *procedure = NULL, *name = NULL, *id_no = NULL;
	const char *phone = NULL, *address = NULL, *email = NULL;
	const char *summary = NULL, *delivery = NULL;
	char agency[DCODE_AGENCY_MAX + 1] = "", t[40];
	struct cli_reply r;
	bool json = false;
	json_t *body;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			procedure = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'a':
			if (strlen(optarg) > DCODE_AGENCY_MAX)
				return usage_error(cmd,
				    "--agency: longer than %d characters",
				    DCODE_AGENCY_MAX);
			for (size_t i = 0; optarg[i] != '\0'; i++)
				agency[i] =
				    (char)(optarg[i] >= 'a' && optarg[i] <= 'z'
				            ? optarg[i] - 'a' + 'A'
				            : optarg[i]);
			agency[strlen(optarg)] = '\0';
			if (!dcode_agency_valid(agency))
				return usage_error(cmd,
				    "--agency: not an agency code such as "
				    "000.00.19.H26");
			break;
		case 'i':
			id_no = optarg;
			break;
		case 'P':
			phone = optarg;
			break;
		case 'A':
			address = optarg;
			break;
		case 'e':
			email = optarg;
			break;
		case 's':
			summary = optarg;
			break;
		case 'd':
			if (delivery_from_name(optarg) < 0)
				return usage_error(cmd,
				    "--delivery: expected counter or post");
			delivery = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return show_usage(cmd);
		default:
			return bad_option(cmd, c, argv);
		}
	}
	if (optind != argc)
		return usage_error(cmd, "intake: unexpected argument '%s'",
		    argv[optind]);
	if (procedure == NULL)
		return usage_error(cmd, "--procedure: required");
	if (name == NULL)
		return usage_error(cmd, "--name: required");
	if (arg_text("--procedure", procedure, 64) < 0 ||
	    arg_text("--name", name, 256) < 0 ||
	    (id_no != NULL && arg_text("--id-no", id_no, 32) < 0) ||
	    (phone != NULL && arg_text("--phone", phone, 32) < 0) ||
	    (address != NULL && arg_text("--address", address, 512) < 0) ||
	    (email != NULL && arg_text("--email", email, 254) < 0) ||
	    (summary != NULL && arg_text("--summary", summary, 1024) < 0))
		return EXIT_USAGE;
	if (email != NULL && strchr(email, '@') == NULL)
		return usage_error(cmd, "--email: not an e-mail address");

	if ((body = json_object()) == NULL ||
	    set_str(body, "procedure_code", procedure) < 0 ||
	    set_str(body, "agency_code", agency[0] ? agency : NULL) < 0 ||
	    set_str(body, "owner_name", name) < 0 ||
	    set_str(body, "owner_id_no", id_no) < 0 ||
	    set_str(body, "phone", phone) < 0 ||
	    set_str(body, "address", address) < 0 ||
	    set_str(body, "email", email) < 0 ||
	    set_str(body, "summary", summary) < 0 ||
	    set_str(body, "delivery", delivery) < 0 ||
	    set_str(body, "actor", cli->actor) < 0) {
		json_decref(body);
		cli_warn("out of memory");
		return EXIT_DAEMON;
	}
	rc = request_json(cli, "/api/v1/dossiers", body, &r);
	json_decref(body);
	if (rc == EXIT_OK && json) {
		print_raw(&r);
	} else if (rc == EXIT_OK) {
		printf("code:   %s\n",
		    jstr(r.json, "code") ? jstr(r.json, "code") : "?");
		printf("due:    %s%s\n", fmt_time(jstr(r.json, "due_at"), t),
		    json_is_true(json_object_get(r.json, "provisional"))
		        ? " (provisional: no holiday calendar for that year)"
		        : "");
		printf("token:  %s\n",
		    jstr(r.json, "token") ? jstr(r.json, "token") : "");
		printf("lookup: %s\n",
		    jstr(r.json, "lookup_url") ? jstr(r.json, "lookup_url")
		                               : "");
	}
	cli_reply_free(&r);
	return rc;
}

static void
print_field(const char *label, const char *value)
{
	if (value != NULL && value[0] != '\0')
		printf("%-11s %s\n", label, value);
}

static int
print_history(json_t *events)
{
	static const char *const head[] = { "AT", "KIND", "STATUS", "NEW DUE",
		"ACTOR", "REASON" };
	struct table tab;
	json_t *ev;
	size_t i;

	if (json_array_size(events) == 0)
		return 0;
	if (table_init(&tab, 6) < 0 || table_row(&tab, head) < 0)
		goto oom;
	json_array_foreach(events, i, ev) {
		char at[40], due[40], st[48] = "";
		long long from = jint(ev, "old_status");
		long long to = jint(ev, "new_status");
		const char *before = jstr(ev, "due_before");
		const char *after = jstr(ev, "due_after");
		const char *row[6];

		if (from > 0 && to > 0 && from != to)
			snprintf(st, sizeof(st), "%lld -> %lld", from, to);
		else if (to > 0)
			snprintf(st, sizeof(st), "%lld", to);
		row[0] = fmt_time(jstr(ev, "at"), at);
		row[1] = jstr(ev, "kind");
		row[2] = st;
		row[3] = after != NULL &&
		        (before == NULL || strcmp(before, after) != 0)
		    ? fmt_time(after, due)
		    : "";
		row[4] = jstr(ev, "actor");
		row[5] = jstr(ev, "reason");
		if (table_row(&tab, row) < 0)
			goto oom;
	}
	printf("\nHistory\n");
	table_print(&tab, stdout);
	table_free(&tab);
	return 0;
oom:
	table_free(&tab);
	cli_warn("out of memory");
	return -1;
}

static void
print_dossier(json_t *d)
{
	char t[40], line[256];
	long long st = jint(d, "status");
	const char *label = jstr(d, "status_label_vi");
	const char *name = jstr(d, "status_name");
	const char *ch = jstr(d, "channel"), *dl = jstr(d, "delivery");

	print_field("Dossier", jstr(d, "code"));
	snprintf(line, sizeof(line), "%lld %s (%s)%s", st,
	    label ? label : status_label_vi((int)st),
	    name ? name : status_name((int)st),
	    json_is_true(json_object_get(d, "overdue")) ? ", OVERDUE" : "");
	print_field("Status", line);
	print_field("Procedure", jstr(d, "procedure_code"));
	print_field("", jstr(d, "procedure_name"));
	print_field("Agency", jstr(d, "agency_code"));
	print_field("Owner", jstr(d, "owner_name"));
	print_field("ID no", jstr(d, "owner_id_no"));
	print_field("Phone", jstr(d, "phone"));
	print_field("Address", jstr(d, "address"));
	print_field("Email", jstr(d, "email"));
	print_field("Summary", jstr(d, "summary"));
	if (ch != NULL || dl != NULL) {
		snprintf(line, sizeof(line), "%s%s%s", ch ? ch : "",
		    ch && dl ? ", result by "
		        : dl ? "result by "
		             : "",
		    dl ? dl : "");
		print_field("Channel", line);
	}
	print_field("Received", fmt_time(jstr(d, "received_at"), t));
	snprintf(line, sizeof(line), "%s%s", fmt_time(jstr(d, "due_at"), t),
	    json_is_true(json_object_get(d, "provisional")) ? " (provisional)"
	                                                    : "");
	print_field("Due", line);
	print_field("Finished", fmt_time(jstr(d, "finished_at"), t));
	print_field("Returned", fmt_time(jstr(d, "returned_at"), t));
	print_field("Token", jstr(d, "token"));
	print_field("Lookup URL", jstr(d, "lookup_url"));
}

static int
cmd_show(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char code[DCODE_TEXT_MAX + 1], *path;
	struct cli_reply r;
	bool json = false;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'h')
			return show_usage(cmd);
		if (c != 'j')
			return bad_option(cmd, c, argv);
		json = true;
	}
	if (argc - optind != 1)
		return usage_error(cmd, "show: expected one CODE");
	if (arg_code(argv[optind], code) < 0)
		return EXIT_USAGE;
	if ((path = dossier_path(cli, code, "")) == NULL)
		return EXIT_DAEMON;
	rc = request(cli, "GET", path, NULL, NULL, 0, REQUEST_TIMEOUT_MS, &r);
	free(path);
	if (rc == EXIT_OK && json) {
		print_raw(&r);
	} else if (rc == EXIT_OK) {
		print_dossier(r.json);
		if (print_history(json_object_get(r.json, "events")) < 0)
			rc = EXIT_DAEMON;
	}
	cli_reply_free(&r);
	return rc;
}

/* The end of status, supplement and apology: POST, then a brief line. */
static int
post_and_brief(struct cli *cli, const char *code, const char *tail,
    json_t *body, bool json)
{
	struct cli_reply r;
	char *path;
	int rc;

	if (set_str(body, "actor", cli->actor) < 0 ||
	    (path = dossier_path(cli, code, tail)) == NULL) {
		cli_warn("out of memory");
		return EXIT_DAEMON;
	}
	rc = request_json(cli, path, body, &r);
	free(path);
	if (rc == EXIT_OK && json)
		print_raw(&r);
	else if (rc == EXIT_OK)
		print_brief(r.json);
	cli_reply_free(&r);
	return rc;
}

static int
cmd_status(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char code[DCODE_TEXT_MAX + 1];
	const char *reason = NULL;
	bool json = false;
	json_t *body;
	int c, st, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			reason = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return show_usage(cmd);
		default:
			return bad_option(cmd, c, argv);
		}
	}
	if (argc - optind != 2)
		return usage_error(cmd, "status: expected CODE and NEW_STATUS");
	if (arg_code(argv[optind], code) < 0)
		return EXIT_USAGE;
	if ((st = arg_status(argv[optind + 1])) == 0)
		return usage_error(cmd,
		    "NEW_STATUS: expected 1-10 or a name such as result_ready");
	if (reason == NULL)
		return usage_error(cmd, "--reason: required");
	if (arg_text("--reason", reason, ARG_TEXT_MAX) < 0)
		return EXIT_USAGE;
	body = json_pack("{s:i, s:s}", "status", st, "reason", reason);
	if (body == NULL) {
		cli_warn("out of memory");
		return EXIT_DAEMON;
	}
	rc = post_and_brief(cli, code, "/status", body, json);
	json_decref(body);
	return rc;
}

static int
cmd_supplement(struct cli *cli, const struct command *cmd, int argc,
    char **argv)
{
	static const struct option opts[] = {
		{ "request", no_argument, NULL, 'q' },
		{ "complete", no_argument, NULL, 'c' },
		{ "reason", required_argument, NULL, 'r' },
		{ "items", required_argument, NULL, 'i' },
		{ "new-due", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char code[DCODE_TEXT_MAX + 1], due[32];
	const char *reason = NULL, *items = NULL, *new_due = NULL;
	bool req = false, done = false, json = false;
	json_t *body;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'q':
			req = true;
			break;
		case 'c':
			done = true;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'i':
			items = optarg;
			break;
		case 'd':
			new_due = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return show_usage(cmd);
		default:
			return bad_option(cmd, c, argv);
		}
	}
	if (argc - optind != 1)
		return usage_error(cmd, "supplement: expected one CODE");
	if (req == done)
		return usage_error(cmd,
		    "supplement: give exactly one of --request and --complete");
	if (req && reason == NULL)
		return usage_error(cmd, "--reason: required with --request");
	if (req && new_due != NULL)
		return usage_error(cmd, "--new-due: only with --complete");
	if (done && items != NULL)
		return usage_error(cmd, "--items: only with --request");
	if (arg_code(argv[optind], code) < 0 ||
	    (reason != NULL &&
	        arg_text("--reason", reason, ARG_TEXT_MAX) < 0) ||
	    (items != NULL && arg_text("--items", items, ARG_TEXT_MAX) < 0) ||
	    (new_due != NULL && arg_due("--new-due", new_due, due) < 0))
		return EXIT_USAGE;
	if ((body = json_object()) == NULL ||
	    set_str(body, "action", req ? "request" : "complete") < 0 ||
	    set_str(body, "reason", reason) < 0 ||
	    set_str(body, "items", items) < 0 ||
	    set_str(body, "new_due_at", new_due != NULL ? due : NULL) < 0) {
		json_decref(body);
		cli_warn("out of memory");
		return EXIT_DAEMON;
	}
	rc = post_and_brief(cli, code, "/supplement", body, json);
	json_decref(body);
	return rc;
}

static int
cmd_apology(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "new-due", required_argument, NULL, 'd' },
		{ "unit", required_argument, NULL, 'u' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char code[DCODE_TEXT_MAX + 1], due[32];
	const char *reason = NULL, *new_due = NULL, *unit = NULL;
	bool json = false;
	json_t *body;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			reason = optarg;
			break;
		case 'd':
			new_due = optarg;
			break;
		case 'u':
			unit = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return show_usage(cmd);
		default:
			return bad_option(cmd, c, argv);
		}
	}
	if (argc - optind != 1)
		return usage_error(cmd, "apology: expected one CODE");
	if (reason == NULL)
		return usage_error(cmd, "--reason: required");
	if (new_due == NULL)
		return usage_error(cmd, "--new-due: required");
	if (arg_code(argv[optind], code) < 0 ||
	    arg_text("--reason", reason, ARG_TEXT_MAX) < 0 ||
	    (unit != NULL && arg_text("--unit", unit, 512) < 0) ||
	    arg_due("--new-due", new_due, due) < 0)
		return EXIT_USAGE;
	if ((body = json_object()) == NULL ||
	    set_str(body, "reason", reason) < 0 ||
	    set_str(body, "unit", unit) < 0 ||
	    set_str(body, "new_due_at", due) < 0) {
		json_decref(body);
		cli_warn("out of memory");
		return EXIT_DAEMON;
	}
	rc = post_and_brief(cli, code, "/apology", body, json);
	json_decref(body);
	return rc;
}

static int
print_results(json_t *results)
{
	static const char *const head[] = { "CODE", "RECEIVED", "DUE", "STATUS",
		"CHANNEL", "OWNER", "PROCEDURE" };
	struct table tab;
	json_t *d;
	size_t i;

	if (table_init(&tab, 7) < 0 || table_row(&tab, head) < 0)
		goto oom;
	json_array_foreach(results, i, d) {
		char rec[40], due[48], st[64];
		long long s = jint(d, "status");
		const char *row[7];

		snprintf(st, sizeof(st), "%lld %s", s,
		    jstr(d, "status_name") ? jstr(d, "status_name")
		                           : status_name((int)s));
		fmt_time(jstr(d, "due_at"), due);
		if (json_is_true(json_object_get(d, "overdue")))
			snprintf(due + strlen(due), sizeof(due) - strlen(due),
			    " !");
		row[0] = jstr(d, "code");
		row[1] = fmt_time(jstr(d, "received_at"), rec);
		row[2] = due;
		row[3] = st;
		row[4] = jstr(d, "channel");
		row[5] = jstr(d, "owner_name");
		row[6] = jstr(d, "procedure_name");
		if (table_row(&tab, row) < 0)
			goto oom;
	}
	table_print(&tab, stdout);
	table_free(&tab);
	return 0;
oom:
	table_free(&tab);
	cli_warn("out of memory");
	return -1;
}

static int
cmd_search(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "code", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *code = NULL, *name = NULL, *from = NULL, *to = NULL;
	const char *limit = NULL;
	struct cli_buf path = { .max = 8192 };
	struct cli_reply r;
	bool json = false;
	json_t *results;
	int c, rc, dfrom, dto;
	CURL *curl;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			code = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'l':
			limit = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return show_usage(cmd);
		default:
			return bad_option(cmd, c, argv);
		}
	}
	if (optind != argc)
		return usage_error(cmd, "search: unexpected argument '%s'",
		    argv[optind]);
	/* a partial code is a fair search term: check only the text */
	if ((code != NULL && arg_text("--code", code, DCODE_TEXT_MAX) < 0) ||
	    (name != NULL && arg_text("--name", name, 256) < 0) ||
	    (from != NULL && arg_date("--from", from, &dfrom) < 0) ||
	    (to != NULL && arg_date("--to", to, &dto) < 0))
		return EXIT_USAGE;
	if (from != NULL && to != NULL && dto < dfrom)
		return usage_error(cmd, "--to: before --from");
	if (limit != NULL) {
		char *end;
		long n;

		errno = 0;
		n = strtol(limit, &end, 10);
		if (end == limit || *end != '\0' || errno != 0 || n < 1 ||
		    n > SEARCH_LIMIT_MAX)
			return usage_error(cmd,
			    "--limit: expected a number from 1 to %d",
			    SEARCH_LIMIT_MAX);
	}
	if ((curl = cli_curl(cli)) == NULL ||
	    buf_adds(&path, "/api/v1/dossiers") < 0 ||
	    buf_add_query(&path, curl, "code", code) < 0 ||
	    buf_add_query(&path, curl, "name", name) < 0 ||
	    buf_add_query(&path, curl, "from", from) < 0 ||
	    buf_add_query(&path, curl, "to", to) < 0 ||
	    buf_add_query(&path, curl, "limit", limit) < 0) {
		cli_buf_free(&path);
		cli_warn("out of memory");
		return EXIT_DAEMON;
	}
	rc = request(cli, "GET", path.p, NULL, NULL, 0, REQUEST_TIMEOUT_MS, &r);
	cli_buf_free(&path);
	if (rc != EXIT_OK)
		goto out;
	results = json_object_get(r.json, "results");
	if (!json_is_array(results)) {
		cli_warn("bad reply from the daemon: no \"results\" array");
		rc = EXIT_DAEMON;
	} else if (json) {
		print_raw(&r);
		rc = json_array_size(results) > 0 ? EXIT_OK : EXIT_FAIL;
	} else if (json_array_size(results) == 0) {
		cli_warn("search: no dossier matches");
		rc = EXIT_FAIL;
	} else if (print_results(results) < 0) {
		rc = EXIT_DAEMON;
	}
out:
	cli_reply_free(&r);
	return rc;
}

static int
cmd_token(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	char code[DCODE_TEXT_MAX + 1], *path;
	struct cli_reply r;
	bool help;
	int rc;

	if ((rc = simple_args(cmd, argc, argv, 1, &help)) != EXIT_OK || help)
		return help ? show_usage(cmd) : rc;
	if (arg_code(argv[optind], code) < 0)
		return EXIT_USAGE;
	if ((path = dossier_path(cli, code, "/token")) == NULL)
		return EXIT_DAEMON;
	rc = request(cli, "GET", path, NULL, NULL, 0, REQUEST_TIMEOUT_MS, &r);
	free(path);
	if (rc == EXIT_OK) {
		const char *tok = jstr(r.json, "token");
		const char *url = jstr(r.json, "lookup_url");

		if (tok == NULL) {
			cli_warn("bad reply from the daemon: no token");
			rc = EXIT_DAEMON;
		} else {
			printf("%s\n%s\n", tok, url != NULL ? url : "");
		}
	}
	cli_reply_free(&r);
	return rc;
}

/* ---- sync ---- */

static void
print_age(const char *label, json_t *t)
{
	char iso[32], when[40];
	int64_t v, ago;

	if (!json_is_integer(t)) {
		printf("%-22s never\n", label);
		return;
	}
	v = json_integer_value(t);
	ago = (int64_t)time(NULL) - v;
	cal_format_iso(v, iso);
	fmt_time(iso, when);
	if (ago < 120)
		printf("%-22s %s (%lld s ago)\n", label, when, (long long)ago);
	else if (ago < 7200)
		printf("%-22s %s (%lld min ago)\n", label, when,
		    (long long)(ago / 60));
	else
		printf("%-22s %s (%lld h ago)\n", label, when,
		    (long long)(ago / 3600));
}

static int
sync_status_cmd(struct cli *cli, bool as_json)
{
	struct cli_reply r;
	json_t *j, *parked, *e;
	size_t i;
	int rc;

	rc = request(cli, "GET", "/api/v1/sync/status", NULL, NULL, 0,
	    REQUEST_TIMEOUT_MS, &r);
	if (rc != EXIT_OK)
		goto out;
	j = r.json;
	if (!json_is_integer(json_object_get(j, "pending"))) {
		cli_warn("bad reply from the daemon: no \"pending\"");
		rc = EXIT_DAEMON;
		goto out;
	}
	if (as_json) {
		print_compact(&r);
		goto out;
	}
	printf("%-22s %s\n", "Upstream",
	    json_is_true(json_object_get(j, "enabled"))
	        ? jstr(j, "upstream")
	        : "(sync off: sync.upstream_url is empty)");
	printf("%-22s %lld\n", "Queue (unsent items)", jint(j, "pending"));
	if (json_is_integer(json_object_get(j, "oldest_unsent_age_s")))
		printf("%-22s %lld s%s\n", "Oldest unsent age",
		    jint(j, "oldest_unsent_age_s"),
		    json_is_true(json_object_get(j, "stalled"))
		        ? "  STALLED: older than sync.stall_warn_s"
		        : "");
	else
		printf("%-22s -\n", "Oldest unsent age");
	print_age("Last success", json_object_get(j, "last_success_at"));
	if (jstr(j, "last_error") != NULL) {
		print_age("Last error", json_object_get(j, "last_error_at"));
		printf("%-22s %s\n", "", jstr(j, "last_error"));
	} else {
		printf("%-22s none\n", "Last error");
	}
	if (jint(j, "next_attempt_in_ms") > 0 && jint(j, "failures") > 0)
		printf("%-22s in %.1f s (%lld failure(s) in a row)\n",
		    "Next attempt",
		    (double)jint(j, "next_attempt_in_ms") / 1000,
		    jint(j, "failures"));
	print_age("Last pull", json_object_get(j, "last_pull_at"));
	printf("%-22s %lld\n", "Parked items", jint(j, "parked_count"));
	parked = json_object_get(j, "parked");
	json_array_foreach(parked, i, e) {
		printf("  %s  %-12s %s\n",
		    jstr(e, "code") ? jstr(e, "code") : "?",
		    jstr(e, "kind") ? jstr(e, "kind") : "?",
		    jstr(e, "reason") ? jstr(e, "reason") : "");
	}
	if (jint(j, "parked_count") > (long long)json_array_size(parked))
		printf("  ... and %lld more\n",
		    jint(j, "parked_count") -
		        (long long)json_array_size(parked));
	if (jint(j, "parked_count") > 0)
		printf("Fix the cause, then: motcua sync retry [CODE]\n");
out:
	cli_reply_free(&r);
	return rc;
}

static void
print_codes(const char *title, json_t *arr)
{
	size_t i;
	json_t *e;

	if (json_array_size(arr) == 0)
		return;
	printf("%s (%zu):\n", title, json_array_size(arr));
	json_array_foreach(arr, i, e)
		printf("  %s\n", json_string_value(e));
}

static int
sync_verify_cmd(struct cli *cli, const char *from, const char *to, bool as_json)
{
	struct cli_buf path = { .max = 512 };
	struct cli_reply r;
	json_t *j, *cd, *e;
	size_t i;
	CURL *curl;
	int rc;

	if ((curl = cli_curl(cli)) == NULL ||
	    buf_adds(&path, "/api/v1/sync/verify") < 0 ||
	    buf_add_query(&path, curl, "from", from) < 0 ||
	    buf_add_query(&path, curl, "to", to) < 0) {
		cli_buf_free(&path);
		cli_warn("out of memory");
		return EXIT_DAEMON;
	}
	rc = request(cli, "GET", path.p, NULL, NULL, 0, REQUEST_TIMEOUT_MS, &r);
	cli_buf_free(&path);
	if (rc != EXIT_OK)
		goto out;
	j = r.json;
	if (!json_is_boolean(json_object_get(j, "ok"))) {
		cli_warn("bad reply from the daemon: no \"ok\"");
		rc = EXIT_DAEMON;
		goto out;
	}
	if (as_json) {
		print_compact(&r);
	} else {
		json_t *l = json_object_get(j, "local"),
		       *u = json_object_get(j, "upstream");

		printf("Period %s to %s\n", jstr(j, "from"), jstr(j, "to"));
		printf("%-10s %8s %8s %8s\n", "", "in_person", "online",
		    "postal");
		printf("%-10s %8lld %8lld %8lld\n", "local", jint(l, "1"),
		    jint(l, "2"), jint(l, "3"));
		printf("%-10s %8lld %8lld %8lld\n", "upstream", jint(u, "1"),
		    jint(u, "2"), jint(u, "3"));
		cd = json_object_get(j, "count_differences");
		json_array_foreach(cd, i, e)
			printf("count differs: %s local %lld, upstream %lld\n",
			    jstr(e, "name"), jint(e, "local"),
			    jint(e, "upstream"));
		print_codes("Here but not upstream",
		    json_object_get(j, "missing_upstream"));
		print_codes("Upstream but not here",
		    json_object_get(j, "unknown_locally"));
		printf("%s\n",
		    json_is_true(json_object_get(j, "ok"))
		        ? "OK: local and upstream agree"
		        : "DIFFERENCES found");
	}
	if (!json_is_true(json_object_get(j, "ok")))
		rc = EXIT_FAIL;
out:
	cli_reply_free(&r);
	return rc;
}

static int
sync_retry_cmd(struct cli *cli, const char *code)
{
	char canon[DCODE_TEXT_MAX + 1];
	json_t *body = json_object();
	struct cli_reply r;
	int rc;

	if (code != NULL) {
		if (arg_code(code, canon) < 0) {
			json_decref(body);
			return EXIT_USAGE;
		}
		json_object_set_new(body, "code", json_string(canon));
	}
	rc = request_json(cli, "/api/v1/sync/unpark", body, &r);
	json_decref(body);
	if (rc == EXIT_OK)
		printf("%lld parked item(s) back in the queue\n",
		    jint(r.json, "released"));
	cli_reply_free(&r);
	return rc;
}

/* sync status | sync verify --from D --to D | sync retry [CODE] */
static int
cmd_sync(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL, *sub;
	bool as_json = false;
	int c, dfrom, dto;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'j':
			as_json = true;
			break;
		case 'h':
			return show_usage(cmd);
		default:
			return bad_option(cmd, c, argv);
		}
	}
	if (optind >= argc)
		return usage_error(cmd,
		    "sync: expected status, verify or retry");
	sub = argv[optind++];
	if (strcmp(sub, "status") == 0) {
		if (optind != argc || from || to)
			return usage_error(cmd, "sync status: no arguments");
		return sync_status_cmd(cli, as_json);
	}
	if (strcmp(sub, "verify") == 0) {
		if (optind != argc)
			return usage_error(cmd,
			    "sync verify: unexpected argument '%s'",
			    argv[optind]);
		if (from == NULL || to == NULL)
			return usage_error(cmd,
			    "sync verify: --from and --to are required");
		if (arg_date("--from", from, &dfrom) < 0 ||
		    arg_date("--to", to, &dto) < 0)
			return EXIT_USAGE;
		if (dto < dfrom)
			return usage_error(cmd, "--to: before --from");
		return sync_verify_cmd(cli, from, to, as_json);
	}
	if (strcmp(sub, "retry") == 0) {
		if (argc - optind > 1 || from || to || as_json)
			return usage_error(cmd, "sync retry: at most one CODE");
		return sync_retry_cmd(cli, optind < argc ? argv[optind] : NULL);
	}
	return usage_error(cmd, "sync: unknown subcommand '%s'", sub);
}

/* counts: the channel shares of received dossiers over a period. */
static int
cmd_counts(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const channels[] = { "in_person", "online",
		"postal" };
	const char *from = NULL, *to = NULL, *format = "table";
	struct cli_buf path = { .max = 512 };
	json_t *rec, *pct;
	struct cli_reply r;
	int c, rc, dfrom, dto;
	CURL *curl;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'F':
			format = optarg;
			break;
		case 'h':
			return show_usage(cmd);
		default:
			return bad_option(cmd, c, argv);
		}
	}
	if (optind != argc)
		return usage_error(cmd, "counts: unexpected argument '%s'",
		    argv[optind]);
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0 &&
	    strcmp(format, "csv") != 0)
		return usage_error(cmd,
		    "--format: expected table, json or csv");
	if (from == NULL)
		return usage_error(cmd, "--from: required");
	if (to == NULL)
		return usage_error(cmd, "--to: required");
	if (arg_date("--from", from, &dfrom) < 0 ||
	    arg_date("--to", to, &dto) < 0)
		return EXIT_USAGE;
	if (dto < dfrom)
		return usage_error(cmd, "--to: before --from");
	if ((curl = cli_curl(cli)) == NULL ||
	    buf_adds(&path, "/api/v1/counts") < 0 ||
	    buf_add_query(&path, curl, "from", from) < 0 ||
	    buf_add_query(&path, curl, "to", to) < 0) {
		cli_buf_free(&path);
		cli_warn("out of memory");
		return EXIT_DAEMON;
	}
	rc = request(cli, "GET", path.p, NULL, NULL, 0, REQUEST_TIMEOUT_MS, &r);
	cli_buf_free(&path);
	if (rc != EXIT_OK)
		goto out;
	rec = json_object_get(r.json, "received");
	pct = json_object_get(rec, "pct");
	if (!json_is_integer(json_object_get(rec, "total"))) {
		cli_warn("bad reply from the daemon: no \"received\" counts");
		rc = EXIT_DAEMON;
		goto out;
	}
	if (strcmp(format, "json") == 0) {
		print_compact(&r);
	} else if (strcmp(format, "csv") == 0) {
		printf("channel,count,pct\n");
		for (size_t i = 0; i < 3; i++)
			printf("%s,%lld,%.2f\n", channels[i],
			    jint(rec, channels[i]) < 0 ? 0
			                               : jint(rec, channels[i]),
			    json_number_value(
			        json_object_get(pct, channels[i])));
		printf("total,%lld,%.2f\n", jint(rec, "total"),
		    jint(rec, "total") > 0 ? 100.0 : 0.0);
	} else {
		json_t *period = json_object_get(r.json, "period");
		const char *hf = jstr(period, "from"), *ht = jstr(period, "to");

		printf("Received %s to %s\n", hf ? hf : from, ht ? ht : to);
		printf("%-10s %8s %8s\n", "channel", "count", "share");
		for (size_t i = 0; i < 3; i++)
			printf("%-10s %8lld %7.2f%%\n", channels[i],
			    jint(rec, channels[i]) < 0 ? 0
			                               : jint(rec, channels[i]),
			    json_number_value(
			        json_object_get(pct, channels[i])));
		printf("%-10s %8lld %7.2f%%\n", "total", jint(rec, "total"),
		    jint(rec, "total") > 0 ? 100.0 : 0.0);
	}
out:
	cli_reply_free(&r);
	return rc;
}

/* code check CODE: local, no daemon. */
static int
cmd_code(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	char text[DCODE_TEXT_MAX + 1];
	struct dcode d;
	enum dcode_err e;
	size_t at = 0;
	const char *why;
	bool help;
	int rc;

	(void)cli;
	if ((rc = simple_args(cmd, argc, argv, 2, &help)) != EXIT_OK || help)
		return help ? show_usage(cmd) : rc;
	if (strcmp(argv[optind], "check") != 0)
		return usage_error(cmd, "code: unknown action '%s'",
		    argv[optind]);
	e = dcode_parse(argv[optind + 1], strlen(argv[optind + 1]), &d, &at);
	if (e != DCODE_OK) {
		why = dcode_strerror(e);
		if (strncmp(why, "code", 4) == 0)
			cli_warn("%s (at byte %zu)", why, at);
		else
			cli_warn("code: %s (at byte %zu)", why, at);
		return EXIT_FAIL;
	}
	if (dcode_format(&d, text, sizeof(text)) < 0) {
		cli_warn("code: cannot be written back");
		return EXIT_FAIL;
	}
	printf("code:   %s\n", text);
	printf("agency: %s\n", d.agency);
	printf("date:   20%02d-%02d-%02d\n", d.yy, d.mm, d.dd);
	printf("seq:    %0*u\n", d.seq > 9999 ? 5 : 4, d.seq);
	printf("form:   %s\n", d.strict ? "strict" : "lenient");
	return EXIT_OK;
}

/* ---- import ---------------------------------------------------------- */

struct reject {
	long line;
	char msg[200];
};

/* One import run: the file is read line by line and sent in chunks. */
struct import {
	struct cli *cli;
	const char *endpoint; /* "/api/v1/import" or "/api/v1/procedures" */
	bool single;          /* the whole file in one request */
	const char *file;
	FILE *f;             /* owned */
	char *line;          /* owned; IMPORT_LINE_MAX + 2 bytes */
	long lineno;         /* file lines read so far */
	struct cli_buf body; /* this chunk; at most CHUNK_BYTES */
	long first_line;     /* file line of the chunk's first body line */
	size_t nbody;        /* body lines in this chunk */
	long *map;           /* owned; file line of each body line */
	struct reject pend[REJECT_SHOW]; /* local rejects in this chunk */
	size_t npend;
	long imported, updated, unchanged, rejected;
	struct reject shown[REJECT_SHOW]; /* the first ones, by line */
	size_t nshown;
	/* progress on a terminal */
	bool tty;
	long long size, done; /* bytes in the file, bytes read */
	struct timespec start, last;
};

/* Reads one line into im->line. Returns 1 with *len set (*too_long when
 * the line passed IMPORT_LINE_MAX, the rest being skipped), 0 at the end
 * of the file, -1 on a read error. */
static int
read_line(struct import *im, size_t *len, bool *too_long)
{
	size_t n = 0;
	int c;

	*too_long = false;
	while ((c = getc_unlocked(im->f)) != EOF) {
		im->done++;
		if (c == '\n')
			break;
		if (n < IMPORT_LINE_MAX + 1)
			im->line[n++] = (char)c;
		else
			*too_long = true;
	}
	if (ferror(im->f))
		return -1;
	if (c == EOF && n == 0 && !*too_long)
		return 0;
	if (n > 0 && im->line[n - 1] == '\r')
		n--;
	if (n > IMPORT_LINE_MAX)
		*too_long = true;
	*len = n;
	return 1;
}

static double
elapsed_s(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
progress(struct import *im, bool last)
{
	struct timespec now;
	double secs;
	int width = 30, fill = 0;
	char bar[31];

	if (!im->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && elapsed_s(&im->last, &now) < 0.1)
		return;
	im->last = now;
	secs = elapsed_s(&im->start, &now);
	if (im->size > 0)
		fill = (int)((double)im->done * width / (double)im->size);
	if (fill > width)
		fill = width;
	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(width - fill));
	bar[width] = '\0';
	fprintf(stderr, "\r[%s] %3d%%  %ld lines  %.0f lines/s\033[K", bar,
	    im->size > 0 ? fill * 100 / width : 0, im->lineno,
	    secs > 0 ? (double)im->lineno / secs : 0.0);
	if (last)
		fputc('\n', stderr);
}

static int
reject_cmp(const void *a, const void *b)
{
	const struct reject *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

/* Keeps a rejection in the list shown at the end (the first REJECT_SHOW
 * by line; chunks arrive in file order and are sorted within). */
static void
keep_reject(struct import *im, const struct reject *rj)
{
	if (im->nshown < REJECT_SHOW)
		im->shown[im->nshown++] = *rj;
}

/* Sends the chunk and folds the reply into the totals. */
static int
flush_chunk(struct import *im)
{
	struct cli_buf path = { .max = 1024 };
	struct reject *all = NULL;
	size_t nall = 0, i;
	long long total;
	char first[24];
	json_t *rej, *el;
	struct cli_reply r = { 0 };
	int rc = EXIT_OK;
	CURL *curl;

	if (im->nbody > 0) {
		snprintf(first, sizeof(first), "%ld", im->first_line);
		if ((curl = cli_curl(im->cli)) == NULL ||
		    buf_adds(&path, im->endpoint) < 0 ||
		    (!im->single &&
		        buf_add_query(&path, curl, "first_line", first) < 0) ||
		    buf_add_query(&path, curl, "actor", im->cli->actor) < 0) {
			cli_buf_free(&path);
			cli_warn("out of memory");
			return EXIT_DAEMON;
		}
		progress(im, false);
		rc = request(im->cli, "POST", path.p, "application/x-ndjson",
		    im->body.p, im->body.len, IMPORT_TIMEOUT_MS, &r);
		cli_buf_free(&path);
		if (rc != EXIT_OK)
			goto out;
		im->imported += (long)json_integer_value(
		    json_object_get(r.json, "imported"));
		im->updated += (long)json_integer_value(
		    json_object_get(r.json, "updated"));
		im->unchanged += (long)json_integer_value(
		    json_object_get(r.json, "unchanged"));
	}
	rej = json_object_get(r.json, "rejected");
	all = calloc(json_array_size(rej) + im->npend + 1, sizeof(*all));
	if (all == NULL) {
		cli_warn("out of memory");
		rc = EXIT_DAEMON;
		goto out;
	}
	memcpy(all, im->pend, im->npend * sizeof(*all));
	nall = im->npend;
	json_array_foreach(rej, i, el) {
		long line = (long)jint(el, "line");
		long idx = line - im->first_line + 1;
		const char *msg = jstr(el, "error");

		/* the daemon numbered body lines from first_line; blank and
		 * over-long lines were never sent, so map back */
		if (idx >= 1 && (size_t)idx <= im->nbody)
			line = im->map[idx - 1];
		all[nall].line = line;
		snprintf(all[nall].msg, sizeof(all[nall].msg), "%s",
		    msg != NULL ? msg : "rejected");
		nall++;
	}
	/* the daemon lists at most 1000 a request; rejected_total counts */
	total = jint(r.json, "rejected_total");
	if (total < (long long)json_array_size(rej))
		total = (long long)json_array_size(rej);
	im->rejected += (long)total;
	qsort(all, nall, sizeof(*all), reject_cmp);
	for (i = 0; i < nall; i++)
		keep_reject(im, &all[i]);
	progress(im, false);
out:
	free(all);
	cli_reply_free(&r);
	im->body.len = 0;
	im->nbody = 0;
	im->npend = 0;
	im->first_line = 0;
	return rc;
}

static bool
is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* A line that never reaches the daemon. */
static void
local_reject(struct import *im, const char *msg)
{
	if (im->npend < REJECT_SHOW) {
		im->pend[im->npend].line = im->lineno;
		snprintf(im->pend[im->npend].msg, sizeof(im->pend[0].msg), "%s",
		    msg);
		im->npend++;
	}
	im->rejected++;
}

static int
import_lines(struct import *im)
{
	char toolong[64];
	size_t len;
	bool too_long;
	int rc, got;

	snprintf(toolong, sizeof(toolong), "line: longer than %d bytes",
	    IMPORT_LINE_MAX);
	while ((got = read_line(im, &len, &too_long)) == 1) {
		im->lineno++;
		if (too_long) {
			local_reject(im, toolong);
			continue;
		}
		if (is_blank(im->line, len))
			continue; /* skipped, not rejected */
		if (im->nbody == CHUNK_LINES ||
		    len + 1 > CHUNK_BYTES - im->body.len) {
			if (im->single) {
				cli_warn("%s: more than %d lines or %u MiB; "
				         "split the file",
				    im->file, CHUNK_LINES, CHUNK_BYTES >> 20);
				return EXIT_FAIL;
			}
			if ((rc = flush_chunk(im)) != EXIT_OK)
				return rc;
		}
		if (im->nbody == 0)
			im->first_line = im->lineno;
		if (cli_buf_add(&im->body, im->line, len) < 0 ||
		    cli_buf_add(&im->body, "\n", 1) < 0) {
			cli_warn("out of memory");
			return EXIT_DAEMON;
		}
		im->map[im->nbody++] = im->lineno;
		progress(im, false);
	}
	if (got < 0) {
		cli_warn("%s: %s", im->file, strerror(errno));
		return EXIT_FAIL;
	}
	return flush_chunk(im);
}

static void
import_summary(const struct import *im)
{
	printf("imported:  %ld\n", im->imported);
	printf("updated:   %ld\n", im->updated);
	printf("unchanged: %ld\n", im->unchanged);
	printf("rejected:  %ld\n", im->rejected);
	for (size_t i = 0; i < im->nshown; i++)
		printf("line %ld: %s\n", im->shown[i].line, im->shown[i].msg);
	if (im->rejected > (long)im->nshown)
		printf("... and %ld more\n", im->rejected - (long)im->nshown);
}

/* import FILE and catalogue import FILE share this. */
static int
run_import(struct cli *cli, const char *file, const char *endpoint, bool single)
{
	struct import *im = calloc(1, sizeof(*im));
	struct stat st;
	int rc;

	if (im == NULL) {
		cli_warn("out of memory");
		return EXIT_DAEMON;
	}
	im->cli = cli;
	im->file = file;
	im->endpoint = endpoint;
	im->single = single;
	im->body.max = CHUNK_BYTES;
	if ((im->f = fopen(file, "r")) == NULL) {
		cli_warn("%s: %s", file, strerror(errno));
		free(im);
		return EXIT_FAIL;
	}
	im->line = malloc(IMPORT_LINE_MAX + 2);
	im->map = calloc(CHUNK_LINES, sizeof(*im->map));
	if (im->line == NULL || im->map == NULL) {
		cli_warn("out of memory");
		rc = EXIT_DAEMON;
		goto out;
	}
	if (fstat(fileno(im->f), &st) == 0 && S_ISREG(st.st_mode))
		im->size = (long long)st.st_size;
	im->tty = isatty(STDERR_FILENO) == 1;
	clock_gettime(CLOCK_MONOTONIC, &im->start);
	im->last = im->start;
	rc = import_lines(im);
	progress(im, true);
	import_summary(im);
	if (rc != EXIT_OK)
		cli_warn("%s: stopped: the lines before line %ld were "
		         "imported, none from it on; importing the file again "
		         "is safe",
		    file, im->nbody > 0 ? im->first_line : im->lineno);
	else if (im->rejected > 0)
		rc = EXIT_FAIL;
out:
	fclose(im->f);
	free(im->line);
	free(im->map);
	cli_buf_free(&im->body);
	free(im);
	return rc;
}

static int
cmd_import(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	bool help;
	int rc;

	if ((rc = simple_args(cmd, argc, argv, 1, &help)) != EXIT_OK || help)
		return help ? show_usage(cmd) : rc;
	return run_import(cli, argv[optind], "/api/v1/import", false);
}

static int
cmd_catalogue(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	bool help;
	int rc;

	if ((rc = simple_args(cmd, argc, argv, 2, &help)) != EXIT_OK || help)
		return help ? show_usage(cmd) : rc;
	if (strcmp(argv[optind], "import") != 0)
		return usage_error(cmd, "catalogue: unknown action '%s'",
		    argv[optind]);
	return run_import(cli, argv[optind + 1], "/api/v1/procedures", true);
}

/* Reads a whole small file into b (b->max bounds it). */
static int
read_file(const char *file, struct cli_buf *b)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(file, "r");

	if (f == NULL) {
		cli_warn("%s: %s", file, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (cli_buf_add(b, chunk, n) < 0) {
			cli_warn("%s: %s", file,
			    errno == ENOBUFS ? "file too large"
			                     : strerror(errno));
			fclose(f);
			return -1;
		}
	if (ferror(f)) {
		cli_warn("%s: %s", file, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int
cmd_holidays(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	struct cli_buf body = { .max = HOLIDAY_FILE_MAX };
	struct cli_buf path = { .max = 512 };
	struct cli_reply r;
	json_t *el;
	size_t i;
	bool help;
	int rc;
	CURL *curl;

	if ((rc = simple_args(cmd, argc, argv, 2, &help)) != EXIT_OK || help)
		return help ? show_usage(cmd) : rc;
	if (strcmp(argv[optind], "import") != 0)
		return usage_error(cmd, "holidays: unknown action '%s'",
		    argv[optind]);
	if (read_file(argv[optind + 1], &body) < 0)
		return EXIT_FAIL;
	if ((curl = cli_curl(cli)) == NULL ||
	    buf_adds(&path, "/api/v1/holidays") < 0 ||
	    buf_add_query(&path, curl, "actor", cli->actor) < 0) {
		cli_buf_free(&body);
		cli_buf_free(&path);
		cli_warn("out of memory");
		return EXIT_DAEMON;
	}
	rc = request(cli, "POST", path.p, "text/csv",
	    body.p != NULL ? body.p : "", body.len, REQUEST_TIMEOUT_MS, &r);
	if (rc == EXIT_OK) {
		printf("imported: %lld\n", jint(r.json, "imported"));
	} else {
		json_array_foreach(json_object_get(r.json, "errors"), i, el) {
			fprintf(stderr, "line %lld: %s\n", jint(el, "line"),
			    jstr(el, "error") ? jstr(el, "error") : "?");
		}
	}
	cli_reply_free(&r);
	cli_buf_free(&body);
	cli_buf_free(&path);
	return rc;
}

/* ---- the command table ----------------------------------------------- */

static int cmd_help(struct cli *, const struct command *, int, char **);

/* report: in cli_report.c */
static int
cmd_report(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_report_main(cli->socket, argc, argv);
}

/* decode: local work in cli_decode.c; no daemon, no libcurl */
static int
cmd_decode(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cli;
	(void)cmd;
	return cli_decode(argc, argv);
}

/* print and printer live in cli_print.c; these pass the connection. */
static int
cmd_print(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_print(cli->socket, cli->actor, argc, argv);
}

static int
cmd_printer(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_printer(cli->socket, cli->actor, argc, argv);
}

/* scanners lives in cli_scan.c. */
static int
cmd_scanners(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_scanners(cli->socket, argc, argv);
}

/* user and audit live in cli_user.c. */
static int
cmd_user(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_user(cli->socket, cli->actor, argc, argv);
}

static int
cmd_audit(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_audit(cli->socket, cli->actor, argc, argv);
}

/* s10 and postal live in cli_postal.c. */
static int
cmd_s10(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cli;
	(void)cmd;
	return cli_s10(argc, argv);
}

static int
cmd_postal(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	(void)cmd;
	return cli_postal(cli->socket, cli->actor, argc, argv);
}

static const struct command commands[] = {
	{ "scanners", cmd_scanners, CLI_SCANNERS_SUMMARY, CLI_SCANNERS_USAGE },
	{ "user", cmd_user, CLI_USER_SUMMARY, CLI_USER_USAGE },
	{ "audit", cmd_audit, CLI_AUDIT_SUMMARY, CLI_AUDIT_USAGE },
	{ "s10", cmd_s10, CLI_S10_SUMMARY, CLI_S10_USAGE },
	{ "postal", cmd_postal, CLI_POSTAL_SUMMARY, CLI_POSTAL_USAGE },
	{ "print", cmd_print, CLI_PRINT_SUMMARY, CLI_PRINT_USAGE },
	{ "printer", cmd_printer, CLI_PRINTER_SUMMARY, CLI_PRINTER_USAGE },
	{ "decode", cmd_decode, CLI_DECODE_SUMMARY, CLI_DECODE_USAGE },
	{ "intake", cmd_intake, "register a new dossier at the counter",
	    "Usage: motcua intake --procedure CODE --name NAME [options]\n"
	    "\n"
	    "Registers a dossier received at the counter now and prints its\n"
	    "code, due date, lookup token and lookup URL.\n"
	    "\n"
	    "  --procedure CODE    procedure (TTHC) code, required\n"
	    "  --name NAME         owner's full name, required\n"
	    "  --agency CODE       receiving agency code (default: the\n"
	    "                      office's own), e.g. 000.00.19.H26\n"
	    "  --id-no X           owner's ID number (CCCD)\n"
	    "  --phone P           owner's phone\n"
	    "  --address A         owner's address\n"
	    "  --email E           owner's e-mail\n"
	    "  --summary S         short summary of the request\n"
	    "  --delivery counter|post\n"
	    "                      where the result is collected\n"
	    "  --json              print the daemon's reply as JSON\n"
	    "\n"
	    "Example:\n"
	    "  motcua intake --procedure 1.001234.000.00.00.H26 \\\n"
	    "      --name 'Nguyễn Văn An' --phone 0912345678 --delivery post\n" },
	{ "show", cmd_show, "show one dossier and its history",
	    "Usage: motcua show CODE [--json]\n"
	    "\n"
	    "Shows a dossier: status with its Vietnamese label, dates, owner\n"
	    "and the history of events. --json prints the daemon's reply.\n"
	    "Times are local (UTC+7).\n"
	    "\n"
	    "Example:\n"
	    "  motcua show 000.00.19.H26-260105-0007\n" },
	{ "status", cmd_status, "move a dossier to a new status",
	    "Usage: motcua status CODE NEW_STATUS --reason TEXT [--json]\n"
	    "\n"
	    "NEW_STATUS is a number or a name:\n"
	    "   1 submitted      Mới đăng ký\n"
	    "   2 received       Được tiếp nhận\n"
	    "   3 refused        Không được tiếp nhận\n"
	    "   4 processing     Đang xử lý\n"
	    "   5 supplement     Yêu cầu bổ sung giấy tờ\n"
	    "   6 payment_due    Yêu cầu thực hiện nghĩa vụ tài chính\n"
	    "   7 withdrawn      Công dân yêu cầu rút hồ sơ\n"
	    "   8 stopped        Dừng xử lý\n"
	    "   9 result_ready   Đã xử lý xong\n"
	    "  10 returned       Đã trả kết quả\n"
	    "The daemon refuses moves the lifecycle does not allow. For a\n"
	    "supplement request use 'motcua supplement', which also moves\n"
	    "the due date.\n"
	    "\n"
	    "Examples:\n"
	    "  motcua status 000.00.19.H26-260105-0007 4 --reason 'sent to "
	    "the land office'\n"
	    "  motcua status 000.00.19.H26-260105-0007 result_ready --reason "
	    "signed\n" },
	{ "supplement", cmd_supplement, "request or complete a supplement",
	    "Usage: motcua supplement CODE --request --reason TEXT "
	    "[--items TEXT]\n"
	    "       motcua supplement CODE --complete [--new-due DATE] "
	    "[--reason TEXT]\n"
	    "\n"
	    "--request asks the owner for missing documents (Mẫu 02) and\n"
	    "stops the clock; --complete records that they arrived, with an\n"
	    "optional new due date (else the daemon computes it).\n"
	    "DATE: an ISO 8601 time with an offset, YYYY-MM-DD (17:00 local)\n"
	    "or YYYY-MM-DDTHH:MM (local, +07:00).\n"
	    "\n"
	    "Examples:\n"
	    "  motcua supplement 000.00.19.H26-260105-0007 --request \\\n"
	    "      --reason 'birth certificate missing' --items 'Giấy khai "
	    "sinh'\n"
	    "  motcua supplement 000.00.19.H26-260105-0007 --complete "
	    "--new-due 2026-01-20\n" },
	{ "apology", cmd_apology, "apologise and set a new due date",
	    "Usage: motcua apology CODE --reason TEXT --new-due DATE "
	    "[--unit TEXT]\n"
	    "\n"
	    "Records an apology letter (Mẫu 04) with the unit responsible and\n"
	    "moves the due date. DATE: an ISO 8601 time with an offset,\n"
	    "YYYY-MM-DD (17:00 local) or YYYY-MM-DDTHH:MM (local, +07:00).\n"
	    "\n"
	    "Example:\n"
	    "  motcua apology 000.00.19.H26-260105-0007 --reason 'site visit "
	    "needed' \\\n"
	    "      --unit 'Phòng Tài nguyên' --new-due 2026-01-22T10:00\n" },
	{ "search", cmd_search, "find dossiers by code, name or date",
	    "Usage: motcua search [--code C] [--name N] [--from DATE] "
	    "[--to DATE]\n"
	    "                     [--limit N] [--json]\n"
	    "\n"
	    "Lists matching dossiers, newest first. --name ignores accents\n"
	    "and case; --code may be part of a code; --from and --to\n"
	    "(YYYY-MM-DD) bound the date received; --limit is 1-1000.\n"
	    "An overdue due date is marked '!'. Exit status 1 when nothing\n"
	    "matches.\n"
	    "\n"
	    "Example:\n"
	    "  motcua search --name 'nguyen van an' --from 2026-01-01\n" },
	{ "import", cmd_import, "import dossiers from a JSON Lines file",
	    "Usage: motcua import FILE\n"
	    "\n"
	    "Sends FILE (one dossier a line, the upstream export format) in\n"
	    "chunks of up to 20000 lines, then prints how many dossiers were\n"
	    "imported, updated, unchanged and rejected, and the first 50\n"
	    "rejected lines with the reason. Blank lines are skipped; a line\n"
	    "over 64 KiB is rejected. A progress bar shows on a terminal.\n"
	    "Exit status 0 when no line was rejected, else 1.\n"
	    "\n"
	    "Example:\n"
	    "  motcua import export-2025.jsonl\n" },
	{ "counts", cmd_counts, "dossiers received per channel",
	    "Usage: motcua counts --from DATE --to DATE "
	    "[--format table|json|csv]\n"
	    "\n"
	    "Counts dossiers received in the period (dates inclusive,\n"
	    "YYYY-MM-DD) by channel: in person, online, postal, with shares.\n"
	    "json prints the daemon's reply on one line; csv has the header\n"
	    "channel,count,pct.\n"
	    "\n"
	    "Example:\n"
	    "  motcua counts --from 2026-01-01 --to 2026-03-31 --format csv\n" },
	{ "report", cmd_report, "period reports and Biểu II.06a",
	    cli_report_usage },
	{ "sync", cmd_sync, "upstream sync: status, verify, retry",
	    "Usage: motcua sync status [--json]\n"
	    "       motcua sync verify --from DATE --to DATE [--json]\n"
	    "       motcua sync retry [CODE]\n"
	    "\n"
	    "status: the queue of items not yet sent upstream, the age of the\n"
	    "oldest, the last success and the last error, and the items\n"
	    "upstream refused (parked) with its reason.\n"
	    "verify: compares the dossiers taken here and received in the\n"
	    "period (dates inclusive, YYYY-MM-DD) with upstream's: counts per\n"
	    "channel and the code lists; lists every difference. Exit status\n"
	    "0 when they agree, 1 when they differ.\n"
	    "retry: puts parked items (of CODE, or all) back in the queue,\n"
	    "once the cause is fixed upstream.\n"
	    "\n"
	    "Example:\n"
	    "  motcua sync verify --from 2026-01-01 --to 2026-01-31\n" },
	{ "code", cmd_code, "check a dossier code (no daemon needed)",
	    "Usage: motcua code check CODE\n"
	    "\n"
	    "Parses CODE like the daemon does (lenient: trimmed, upper-cased,\n"
	    "4- or 5-digit number) and prints its agency, date, number and\n"
	    "form: strict (what we issue) or lenient. Exit status 0 when\n"
	    "valid, 1 with the reason when not.\n"
	    "\n"
	    "Example:\n"
	    "  motcua code check 000.00.19.H26-260105-0007\n" },
	{ "token", cmd_token, "print a dossier's lookup token and URL",
	    "Usage: motcua token CODE\n"
	    "\n"
	    "Prints the lookup token on the first line and the lookup URL on\n"
	    "the second.\n"
	    "\n"
	    "Example:\n"
	    "  motcua token 000.00.19.H26-260105-0007\n" },
	{ "holidays", cmd_holidays, "load the holiday calendar",
	    "Usage: motcua holidays import FILE\n"
	    "\n"
	    "Sends the holiday CSV file (YYYY-MM-DD,kind,name,source with\n"
	    "kind holiday, day_off or make_up) to the daemon, which checks\n"
	    "every line and loads all or none. Bad lines are listed.\n"
	    "\n"
	    "Example:\n"
	    "  motcua holidays import /etc/motcua/holidays-2026.csv\n" },
	{ "catalogue", cmd_catalogue, "load the procedure catalogue",
	    "Usage: motcua catalogue import FILE\n"
	    "\n"
	    "Sends a JSON Lines file of procedures, one a line:\n"
	    "  {\"code\",\"name\",\"field\",\"days\",\"documents\":[...],"
	    "\"fee\"}\n"
	    "and prints imported, updated, unchanged and rejected like\n"
	    "'motcua import'. At most 20000 lines.\n"
	    "\n"
	    "Example:\n"
	    "  motcua catalogue import procedures.jsonl\n" },
	{ "help", cmd_help, "help on a command",
	    "Usage: motcua help [COMMAND]\n" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
print_main_usage(FILE *f)
{
	fputs("Usage: motcua [--socket PATH] [--actor NAME] COMMAND [ARGS]\n"
	      "       motcua --help | --version\n"
	      "\n"
	      "The command-line client of motcuad, the one-stop office "
	      "daemon.\n"
	      "\n"
	      "Commands:\n",
	    f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-11s %s\n", commands[i].name,
		    commands[i].summary);
	fputs("\n"
	      "Options:\n"
	      "  --socket PATH  the daemon's admin socket (default "
	      "$MOTCUA_SOCKET,\n"
	      "                 else " DEFAULT_SOCKET ")\n"
	      "  --actor NAME   who is acting, recorded in the history "
	      "(default $USER)\n"
	      "  --token-file F the bearer token for MOTCUA_URL (else "
	      "$MOTCUA_TOKEN)\n"
	      "  --help         this text; 'motcua COMMAND --help' for a "
	      "command\n"
	      "  --version      print the version\n"
	      "\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  the daemon refused or found nothing, or a check failed\n"
	      "  2  usage error\n"
	      "  3  cannot reach the daemon, or a bad reply from it\n",
	    f);
}

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int
cmd_help(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	const struct command *c;

	(void)cli;
	if (argc < 2) {
		print_main_usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2)
		return usage_error(cmd, "help: expected one COMMAND");
	if ((c = find_command(argv[1])) == NULL)
		return usage_error(NULL, "unknown command '%s'", argv[1]);
	return show_usage(c);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "actor", required_argument, NULL, 'a' },
		{ "token-file", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { 0 };
	const struct command *cmd;
	int c, rc;

	opterr = 0;
	/* "+": stop at the command; its own options follow it */
	while ((c = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			cli.socket = optarg;
			break;
		case 'a':
			cli.actor = optarg;
			break;
		case 'T': /* read by cli_target (cli_http.c) */
			setenv("MOTCUA_TOKEN_FILE", optarg, 1);
			break;
		case 'h':
			print_main_usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("motcua %s\n", MOTCUA_VERSION);
			return EXIT_OK;
		default:
			return bad_option(NULL, c, argv);
		}
	}
	if (optind == argc) {
		print_main_usage(stderr);
		return EXIT_USAGE;
	}
	if ((cmd = find_command(argv[optind])) == NULL)
		return usage_error(NULL, "unknown command '%s'", argv[optind]);
	if (cli.socket == NULL && cli_remote()) /* named in messages */
		cli.socket = getenv("MOTCUA_URL");
	if (cli.socket == NULL)
		cli.socket = getenv("MOTCUA_SOCKET");
	if (cli.socket == NULL || cli.socket[0] == '\0')
		cli.socket = DEFAULT_SOCKET;
	if (strlen(cli.socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return usage_error(NULL, "--socket: path longer than %zu bytes",
		    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if (cli.actor == NULL) {
		cli.actor = getenv("USER");
		if (cli.actor == NULL || cli.actor[0] == '\0')
			cli.actor = "unknown";
	}
	if (arg_text("--actor", cli.actor, ACTOR_MAX) < 0)
		return EXIT_USAGE;

	rc = cmd->run(&cli, cmd, argc - optind, argv + optind);

	if (cli.curl != NULL) {
		curl_easy_cleanup(cli.curl);
		curl_global_cleanup();
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_warn("writing the output: %s", strerror(errno));
		return rc != EXIT_OK ? rc : EXIT_FAIL;
	}
	return rc;
}
