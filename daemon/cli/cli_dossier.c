/* cli_dossier.c: the commands on one dossier or a search of them:
 * intake, show, status, supplement, apology, search, token (docs/cli.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli_arg.h"
#include "cli/cli_cmd.h"
#include "cli/cli_dossier.h"
#include "cli/cli_http.h"
#include "cli/cli_out.h"
#include "cli/cli_table.h"
#include "core/dcode.h"
#include "core/status.h"

#define ARG_TEXT_MAX     4096 /* any free-text argument, in bytes */
#define SEARCH_LIMIT_MAX 1000

/* "/api/v1/dossiers/<code><tail>", the code URL-encoded. NULL on error;
 * the caller frees. */
static char *
dossier_path(struct cli *cli, const char *code, const char *tail)
{
	struct buf b;
	CURL *c = cli_cmd_curl(cli);
	size_t len;

	buf_init(&b, 4096);
	if (c == NULL || buf_adds(&b, "/api/v1/dossiers/") < 0 ||
	    cli_http_add_escaped(&b, c, code) < 0 || buf_adds(&b, tail) < 0) {
		buf_cleanup(&b);
		cli_warn("out of memory");
		return NULL;
	}
	return buf_take(&b, &len);
}

/* "CODE: 4 Đang xử lý (processing), due 2026-01-08 17:00", then
 * " (provisional)" when the due date reaches a year without an official
 * holiday table (docs/domain.md, "Due dates", rule 5) */
static void
print_brief(json_t *d)
{
	char t[40];
	long long st = cli_out_jint(d, "status");
	const char *label = cli_out_jstr(d, "status_label_vi");

	if (label == NULL)
		label = status_label_vi((int)st);
	printf("%s: %lld %s (%s), due %s%s%s\n",
	    cli_out_jstr(d, "code") ? cli_out_jstr(d, "code") : "?", st, label,
	    cli_out_jstr(d, "status_name") ? cli_out_jstr(d, "status_name")
	                                   : status_name((int)st),
	    cli_out_time(cli_out_jstr(d, "due_at"), t),
	    json_is_true(json_object_get(d, "provisional")) ? " (provisional)"
	                                                    : "",
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

int
cli_dossier_intake(struct cli *cli, const struct command *cmd, int argc,
    char **argv)
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
		{ "received-at", required_argument, NULL, 'r' },
		{ "back-entry-reason", required_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *procedure = NULL, *name = NULL, *id_no = NULL;
	const char *phone = NULL, *address = NULL, *email = NULL;
	const char *summary = NULL, *delivery = NULL;
	const char *received = NULL, *back_reason = NULL;
	char agency[DCODE_AGENCY_MAX + 1] = "", t[40], received_iso[32];
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
				return cli_cmd_usage_error(cmd,
				    "--agency: longer than %d characters",
				    DCODE_AGENCY_MAX);
			for (size_t i = 0; optarg[i] != '\0'; i++)
				agency[i] =
				    (char)(optarg[i] >= 'a' && optarg[i] <= 'z'
				            ? optarg[i] - 'a' + 'A'
				            : optarg[i]);
			agency[strlen(optarg)] = '\0';
			if (!dcode_agency_valid(agency))
				return cli_cmd_usage_error(cmd,
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
				return cli_cmd_usage_error(cmd,
				    "--delivery: expected counter or post");
			delivery = optarg;
			break;
		case 'r':
			received = optarg;
			break;
		case 'R':
			back_reason = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_cmd_usage(cmd);
		default:
			return cli_cmd_bad_option(cmd, c, argv);
		}
	}
	if (optind != argc)
		return cli_cmd_usage_error(cmd,
		    "intake: unexpected argument '%s'", argv[optind]);
	/* a back-entry names the time and why (docs/api.md); the daemon
	 * checks the role and the bound */
	if ((received != NULL) != (back_reason != NULL))
		return cli_cmd_usage_error(cmd, "%s",
		    received != NULL
		        ? "--received-at: needs --back-entry-reason"
		        : "--back-entry-reason: needs --received-at");
	if (received != NULL && strlen(received) == 10)
		return cli_cmd_usage_error(cmd,
		    "--received-at: give the time too, e.g. %sT15:00",
		    received);
	if ((received != NULL &&
	        cli_arg_due("--received-at", received, received_iso) < 0) ||
	    (back_reason != NULL &&
	        cli_arg_text("--back-entry-reason", back_reason, 500) < 0))
		return CLI_USAGE;
	if (procedure == NULL)
		return cli_cmd_usage_error(cmd, "--procedure: required");
	if (name == NULL)
		return cli_cmd_usage_error(cmd, "--name: required");
	if (cli_arg_text("--procedure", procedure, 64) < 0 ||
	    cli_arg_text("--name", name, 256) < 0 ||
	    (id_no != NULL && cli_arg_text("--id-no", id_no, 32) < 0) ||
	    (phone != NULL && cli_arg_text("--phone", phone, 32) < 0) ||
	    (address != NULL && cli_arg_text("--address", address, 512) < 0) ||
	    (email != NULL && cli_arg_text("--email", email, 254) < 0) ||
	    (summary != NULL && cli_arg_text("--summary", summary, 1024) < 0))
		return CLI_USAGE;
	if (email != NULL && strchr(email, '@') == NULL)
		return cli_cmd_usage_error(cmd,
		    "--email: not an e-mail address");

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
	    set_str(body, "received_at", received ? received_iso : NULL) < 0 ||
	    set_str(body, "back_entry_reason", back_reason) < 0 ||
	    set_str(body, "actor", cli->actor) < 0) {
		json_decref(body);
		cli_warn("out of memory");
		return CLI_DAEMON;
	}
	rc = cli_cmd_post_create(cli, "/api/v1/dossiers", body, &r);
	json_decref(body);
	if (rc == CLI_OK && json) {
		cli_out_raw(&r);
	} else if (rc == CLI_OK) {
		printf("code:   %s\n",
		    cli_out_jstr(r.json, "code") ? cli_out_jstr(r.json, "code")
		                                 : "?");
		printf("due:    %s%s\n",
		    cli_out_time(cli_out_jstr(r.json, "due_at"), t),
		    json_is_true(json_object_get(r.json, "provisional"))
		        ? " (provisional: no holiday calendar for that year)"
		        : "");
		printf("token:  %s\n",
		    cli_out_jstr(r.json, "token")
		        ? cli_out_jstr(r.json, "token")
		        : "");
		printf("lookup: %s\n",
		    cli_out_jstr(r.json, "lookup_url")
		        ? cli_out_jstr(r.json, "lookup_url")
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
	struct cli_table tab;
	json_t *ev;
	size_t i;

	if (json_array_size(events) == 0)
		return 0;
	if (cli_table_init(&tab, 6) < 0 || cli_table_row(&tab, head) < 0)
		goto oom;
	json_array_foreach(events, i, ev) {
		char at[40], due[40], st[48] = "";
		long long from = cli_out_jint(ev, "old_status");
		long long to = cli_out_jint(ev, "new_status");
		const char *before = cli_out_jstr(ev, "due_before");
		const char *after = cli_out_jstr(ev, "due_after");
		const char *row[6];

		if (from > 0 && to > 0 && from != to)
			snprintf(st, sizeof(st), "%lld -> %lld", from, to);
		else if (to > 0)
			snprintf(st, sizeof(st), "%lld", to);
		row[0] = cli_out_time(cli_out_jstr(ev, "at"), at);
		row[1] = cli_out_jstr(ev, "kind");
		row[2] = st;
		row[3] = after != NULL &&
		        (before == NULL || strcmp(before, after) != 0)
		    ? cli_out_time(after, due)
		    : "";
		row[4] = cli_out_jstr(ev, "actor");
		row[5] = cli_out_jstr(ev, "reason");
		if (cli_table_row(&tab, row) < 0)
			goto oom;
	}
	printf("\nHistory\n");
	cli_table_print(&tab, stdout);
	cli_table_free(&tab);
	return 0;
oom:
	cli_table_free(&tab);
	cli_warn("out of memory");
	return -1;
}

/* The reply names the channel and the delivery (channel_name,
 * delivery_name) and numbers them (channel, delivery): the name, else the
 * number's, else NULL. */
static const char *
channel_text(json_t *d)
{
	const char *n = cli_out_jstr(d, "channel_name");

	if (n == NULL && json_is_integer(json_object_get(d, "channel")))
		n = channel_name((int)cli_out_jint(d, "channel"));
	return n;
}

static const char *
delivery_text(json_t *d)
{
	const char *n = cli_out_jstr(d, "delivery_name");

	if (n == NULL && json_is_integer(json_object_get(d, "delivery")))
		n = delivery_name((int)cli_out_jint(d, "delivery"));
	return n;
}

static void
print_dossier(json_t *d)
{
	char t[40], line[256];
	long long st = cli_out_jint(d, "status");
	const char *label = cli_out_jstr(d, "status_label_vi");
	const char *name = cli_out_jstr(d, "status_name");
	const char *ch = channel_text(d), *dl = delivery_text(d);

	print_field("Dossier", cli_out_jstr(d, "code"));
	snprintf(line, sizeof(line), "%lld %s (%s)%s", st,
	    label ? label : status_label_vi((int)st),
	    name ? name : status_name((int)st),
	    json_is_true(json_object_get(d, "overdue")) ? ", OVERDUE" : "");
	print_field("Status", line);
	print_field("Procedure", cli_out_jstr(d, "procedure_code"));
	print_field("", cli_out_jstr(d, "procedure_name"));
	print_field("Agency", cli_out_jstr(d, "agency_code"));
	print_field("Owner", cli_out_jstr(d, "owner_name"));
	print_field("ID no", cli_out_jstr(d, "owner_id_no"));
	print_field("Phone", cli_out_jstr(d, "phone"));
	print_field("Address", cli_out_jstr(d, "address"));
	print_field("Email", cli_out_jstr(d, "email"));
	print_field("Summary", cli_out_jstr(d, "summary"));
	if (ch != NULL || dl != NULL) {
		snprintf(line, sizeof(line), "%s%s%s", ch ? ch : "",
		    ch && dl ? ", result by "
		        : dl ? "result by "
		             : "",
		    dl ? dl : "");
		print_field("Channel", line);
	}
	print_field("Received",
	    cli_out_time(cli_out_jstr(d, "received_at"), t));
	snprintf(line, sizeof(line), "%s%s",
	    cli_out_time(cli_out_jstr(d, "due_at"), t),
	    json_is_true(json_object_get(d, "provisional")) ? " (provisional)"
	                                                    : "");
	print_field("Due", line);
	print_field("Finished",
	    cli_out_time(cli_out_jstr(d, "finished_at"), t));
	print_field("Returned",
	    cli_out_time(cli_out_jstr(d, "returned_at"), t));
	print_field("Token", cli_out_jstr(d, "token"));
	print_field("Lookup URL", cli_out_jstr(d, "lookup_url"));
}

int
cli_dossier_show(struct cli *cli, const struct command *cmd, int argc,
    char **argv)
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
			return cli_cmd_usage(cmd);
		if (c != 'j')
			return cli_cmd_bad_option(cmd, c, argv);
		json = true;
	}
	if (argc - optind != 1)
		return cli_cmd_usage_error(cmd, "show: expected one CODE");
	if (cli_arg_dossier(argv[optind], code) < 0)
		return CLI_USAGE;
	if ((path = dossier_path(cli, code, "")) == NULL)
		return CLI_DAEMON;
	rc = cli_cmd_request(cli, "GET", path, NULL, NULL, 0,
	    CLI_CMD_TIMEOUT_MS, &r);
	free(path);
	if (rc == CLI_OK && json) {
		cli_out_raw(&r);
	} else if (rc == CLI_OK) {
		print_dossier(r.json);
		if (print_history(json_object_get(r.json, "events")) < 0)
			rc = CLI_DAEMON;
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
		return CLI_DAEMON;
	}
	rc = cli_cmd_post_json(cli, path, body, &r);
	free(path);
	if (rc == CLI_OK && json)
		cli_out_raw(&r);
	else if (rc == CLI_OK)
		print_brief(r.json);
	cli_reply_free(&r);
	return rc;
}

int
cli_dossier_status(struct cli *cli, const struct command *cmd, int argc,
    char **argv)
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
			return cli_cmd_usage(cmd);
		default:
			return cli_cmd_bad_option(cmd, c, argv);
		}
	}
	if (argc - optind != 2)
		return cli_cmd_usage_error(cmd,
		    "status: expected CODE and NEW_STATUS");
	if (cli_arg_dossier(argv[optind], code) < 0)
		return CLI_USAGE;
	if ((st = cli_arg_status(argv[optind + 1])) == 0)
		return cli_cmd_usage_error(cmd,
		    "NEW_STATUS: expected 1-10 or a name such as result_ready");
	if (reason == NULL)
		return cli_cmd_usage_error(cmd, "--reason: required");
	if (cli_arg_text("--reason", reason, ARG_TEXT_MAX) < 0)
		return CLI_USAGE;
	body = json_pack("{s:i, s:s}", "status", st, "reason", reason);
	if (body == NULL) {
		cli_warn("out of memory");
		return CLI_DAEMON;
	}
	rc = post_and_brief(cli, code, "/status", body, json);
	json_decref(body);
	return rc;
}

int
cli_dossier_supplement(struct cli *cli, const struct command *cmd, int argc,
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
			return cli_cmd_usage(cmd);
		default:
			return cli_cmd_bad_option(cmd, c, argv);
		}
	}
	if (argc - optind != 1)
		return cli_cmd_usage_error(cmd,
		    "supplement: expected one CODE");
	if (req == done)
		return cli_cmd_usage_error(cmd,
		    "supplement: give exactly one of --request and --complete");
	if (req && reason == NULL)
		return cli_cmd_usage_error(cmd,
		    "--reason: required with --request");
	if (req && new_due != NULL)
		return cli_cmd_usage_error(cmd,
		    "--new-due: only with --complete");
	if (done && items != NULL)
		return cli_cmd_usage_error(cmd, "--items: only with --request");
	if (cli_arg_dossier(argv[optind], code) < 0 ||
	    (reason != NULL &&
	        cli_arg_text("--reason", reason, ARG_TEXT_MAX) < 0) ||
	    (items != NULL &&
	        cli_arg_text("--items", items, ARG_TEXT_MAX) < 0) ||
	    (new_due != NULL && cli_arg_due("--new-due", new_due, due) < 0))
		return CLI_USAGE;
	if ((body = json_object()) == NULL ||
	    set_str(body, "action", req ? "request" : "complete") < 0 ||
	    set_str(body, "reason", reason) < 0 ||
	    set_str(body, "items", items) < 0 ||
	    set_str(body, "new_due_at", new_due != NULL ? due : NULL) < 0) {
		json_decref(body);
		cli_warn("out of memory");
		return CLI_DAEMON;
	}
	rc = post_and_brief(cli, code, "/supplement", body, json);
	json_decref(body);
	return rc;
}

int
cli_dossier_apology(struct cli *cli, const struct command *cmd, int argc,
    char **argv)
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
			return cli_cmd_usage(cmd);
		default:
			return cli_cmd_bad_option(cmd, c, argv);
		}
	}
	if (argc - optind != 1)
		return cli_cmd_usage_error(cmd, "apology: expected one CODE");
	if (reason == NULL)
		return cli_cmd_usage_error(cmd, "--reason: required");
	if (new_due == NULL)
		return cli_cmd_usage_error(cmd, "--new-due: required");
	if (cli_arg_dossier(argv[optind], code) < 0 ||
	    cli_arg_text("--reason", reason, ARG_TEXT_MAX) < 0 ||
	    (unit != NULL && cli_arg_text("--unit", unit, 512) < 0) ||
	    cli_arg_due("--new-due", new_due, due) < 0)
		return CLI_USAGE;
	if ((body = json_object()) == NULL ||
	    set_str(body, "reason", reason) < 0 ||
	    set_str(body, "unit", unit) < 0 ||
	    set_str(body, "new_due_at", due) < 0) {
		json_decref(body);
		cli_warn("out of memory");
		return CLI_DAEMON;
	}
	rc = post_and_brief(cli, code, "/apology", body, json);
	json_decref(body);
	return rc;
}

static int
print_results(json_t *results)
{
	static const char *const head[] = { "CODE", "RECEIVED", "DUE", "STATUS",
		"CHANNEL", "RESULT BY", "OWNER", "PROCEDURE" };
	struct cli_table tab;
	json_t *d;
	size_t i;

	if (cli_table_init(&tab, 8) < 0 || cli_table_row(&tab, head) < 0)
		goto oom;
	json_array_foreach(results, i, d) {
		char rec[40], due[48], st[64];
		long long s = cli_out_jint(d, "status");
		const char *row[8];

		snprintf(st, sizeof(st), "%lld %s", s,
		    cli_out_jstr(d, "status_name")
		        ? cli_out_jstr(d, "status_name")
		        : status_name((int)s));
		cli_out_time(cli_out_jstr(d, "due_at"), due);
		if (json_is_true(json_object_get(d, "overdue")))
			snprintf(due + strlen(due), sizeof(due) - strlen(due),
			    " !");
		row[0] = cli_out_jstr(d, "code");
		row[1] = cli_out_time(cli_out_jstr(d, "received_at"), rec);
		row[2] = due;
		row[3] = st;
		row[4] = channel_text(d);
		row[5] = delivery_text(d);
		row[6] = cli_out_jstr(d, "owner_name");
		row[7] = cli_out_jstr(d, "procedure_name");
		if (cli_table_row(&tab, row) < 0)
			goto oom;
	}
	cli_table_print(&tab, stdout);
	cli_table_free(&tab);
	return 0;
oom:
	cli_table_free(&tab);
	cli_warn("out of memory");
	return -1;
}

int
cli_dossier_search(struct cli *cli, const struct command *cmd, int argc,
    char **argv)
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
	struct buf path;
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
			return cli_cmd_usage(cmd);
		default:
			return cli_cmd_bad_option(cmd, c, argv);
		}
	}
	if (optind != argc)
		return cli_cmd_usage_error(cmd,
		    "search: unexpected argument '%s'", argv[optind]);
	/* a partial code is a fair search term: check only the text */
	if ((code != NULL &&
	        cli_arg_text("--code", code, DCODE_TEXT_MAX) < 0) ||
	    (name != NULL && cli_arg_text("--name", name, 256) < 0) ||
	    (from != NULL && cli_arg_date("--from", from, &dfrom) < 0) ||
	    (to != NULL && cli_arg_date("--to", to, &dto) < 0))
		return CLI_USAGE;
	if (from != NULL && to != NULL && dto < dfrom)
		return cli_cmd_usage_error(cmd, "--to: before --from");
	if (limit != NULL) {
		char *end;
		long n;

		errno = 0;
		n = strtol(limit, &end, 10);
		if (end == limit || *end != '\0' || errno != 0 || n < 1 ||
		    n > SEARCH_LIMIT_MAX)
			return cli_cmd_usage_error(cmd,
			    "--limit: expected a number from 1 to %d",
			    SEARCH_LIMIT_MAX);
	}
	buf_init(&path, 8192);
	if ((curl = cli_cmd_curl(cli)) == NULL ||
	    buf_adds(&path, "/api/v1/dossiers") < 0 ||
	    cli_http_add_query(&path, curl, "code", code) < 0 ||
	    cli_http_add_query(&path, curl, "name", name) < 0 ||
	    cli_http_add_query(&path, curl, "from", from) < 0 ||
	    cli_http_add_query(&path, curl, "to", to) < 0 ||
	    cli_http_add_query(&path, curl, "limit", limit) < 0) {
		buf_cleanup(&path);
		cli_warn("out of memory");
		return CLI_DAEMON;
	}
	rc = cli_cmd_request(cli, "GET", buf_ptr(&path), NULL, NULL, 0,
	    CLI_CMD_TIMEOUT_MS, &r);
	buf_cleanup(&path);
	if (rc != CLI_OK)
		goto out;
	results = json_object_get(r.json, "results");
	if (!json_is_array(results)) {
		cli_warn("bad reply from the daemon: no \"results\" array");
		rc = CLI_DAEMON;
	} else if (json) {
		cli_out_raw(&r);
		rc = json_array_size(results) > 0 ? CLI_OK : CLI_FAIL;
	} else if (json_array_size(results) == 0) {
		cli_warn("search: no dossier matches");
		rc = CLI_FAIL;
	} else if (print_results(results) < 0) {
		rc = CLI_DAEMON;
	}
out:
	cli_reply_free(&r);
	return rc;
}

int
cli_dossier_token(struct cli *cli, const struct command *cmd, int argc,
    char **argv)
{
	char code[DCODE_TEXT_MAX + 1], *path;
	struct cli_reply r;
	bool help;
	int rc;

	if ((rc = cli_cmd_simple_args(cmd, argc, argv, 1, &help)) != CLI_OK ||
	    help)
		return help ? cli_cmd_usage(cmd) : rc;
	if (cli_arg_dossier(argv[optind], code) < 0)
		return CLI_USAGE;
	if ((path = dossier_path(cli, code, "/token")) == NULL)
		return CLI_DAEMON;
	rc = cli_cmd_request(cli, "GET", path, NULL, NULL, 0,
	    CLI_CMD_TIMEOUT_MS, &r);
	free(path);
	if (rc == CLI_OK) {
		const char *tok = cli_out_jstr(r.json, "token");
		const char *url = cli_out_jstr(r.json, "lookup_url");

		if (tok == NULL) {
			cli_warn("bad reply from the daemon: no token");
			rc = CLI_DAEMON;
		} else {
			printf("%s\n%s\n", tok, url != NULL ? url : "");
		}
	}
	cli_reply_free(&r);
	return rc;
}
