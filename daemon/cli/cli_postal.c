/* cli_postal.c: see cli_postal.h. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli/cli_postal.h"
#include "cli/cli_http.h"
#include "cli/cli_out.h"
#include "postal/postid.h"

#define REPLY_MAX  (16u << 20)
#define TIMEOUT_MS 60000L

int
cli_s10(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int rc = CLI_OK, c;

	/* getopt, as every other command: "--" ends the options and is no
	 * id, --help prints the usage */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(CLI_S10_USAGE, stdout);
			return CLI_OK;
		}
		cli_warn("s10: unknown option '%s'", argv[optind - 1]);
		fputs(CLI_S10_USAGE, stderr);
		return CLI_USAGE;
	}
	if (argc - optind < 2 || strcmp(argv[optind], "check") != 0) {
		fputs(CLI_S10_USAGE, stderr);
		return CLI_USAGE;
	}
	for (int i = optind + 1; i < argc; i++) {
		struct s10 s;

		s10_parse(argv[i], strlen(argv[i]), &s);
		if (s.verdict == S10_VALID)
			printf("%s\tvalid\t%s\n", s.id, s.service);
		else if (s.verdict == S10_BAD_CHECK)
			printf("%s\t%s\t%s (expected %d)\n", s.id,
			    s10_verdict_name(s.verdict), s.reason,
			    s.expected_check);
		else
			printf("%s\t%s\t%s\n", s.id[0] ? s.id : argv[i],
			    s10_verdict_name(s.verdict), s.reason);
		if (s.verdict != S10_VALID)
			rc = CLI_FAIL;
	}
	return rc;
}

/* One request on the daemon; req (borrowed) is POSTed as JSON. *r:
 * the reply (the caller frees it). A create (the registrations) goes
 * with a fresh Idempotency-Key, reused if it has to ask again. */
static int
call(const char *socket, const char *actor, const char *method,
    const char *path, json_t *req, struct cli_reply *r)
{
	char key[CLI_IDEM_KEY_LEN + 1];
	bool create = strcmp(method, "POST") == 0 &&
	    (strcmp(path, "/api/v1/postal/items") == 0 ||
	        strcmp(path, "/api/v1/postal/items/batch") == 0);

	if (create)
		cli_http_idem_key(key);
	return cli_http_request(&(struct cli_request){ .socket = socket,
	                            .method = method,
	                            .path = path,
	                            .json = req,
	                            .reply_max = REPLY_MAX,
	                            .timeout_ms = TIMEOUT_MS,
	                            .idem_key = create ? key : NULL,
	                            .actor = actor },
	    r);
}

/* The reply: printed (pretty JSON) on success, "field: why" on an error;
 * the exit code. */
static int
answer(const struct cli_reply *r, bool quiet)
{
	if (r->http < 200 || r->http > 299)
		return cli_http_error(r);
	if (!quiet && r->json != NULL) {
		char *t = json_dumps(r->json, JSON_INDENT(2) | JSON_SORT_KEYS);

		if (t != NULL)
			puts(t);
		free(t);
	} else if (!quiet && buf_len(&r->body) > 0) {
		fwrite(buf_ptr(&r->body), 1, buf_len(&r->body), stdout);
	}
	return CLI_OK;
}

static int
request(const char *socket, const char *actor, const char *method,
    const char *path, json_t *req, bool quiet)
{
	struct cli_reply r;
	int rc = call(socket, actor, method, path, req, &r);

	if (rc == CLI_OK)
		rc = answer(&r, quiet);
	cli_reply_free(&r);
	return rc;
}

static json_t *
read_json(const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	json_error_t je;
	json_t *j;

	if (f == NULL) {
		cli_warn("%s: %s", path, strerror(errno));
		return NULL;
	}
	j = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	if (f != stdin)
		fclose(f);
	if (j == NULL)
		cli_warn("%s: line %d: %s", path, je.line, je.text);
	return j;
}

/* A JSON array of registrations (scripted use), sent in batches of
 * BATCH (POST /api/v1/postal/items/batch: one transaction each); one
 * line per entry: "N ITEM created|existing CODE" or "N field: why". Goes
 * on after a refused entry; exit 1 if any was refused. */
#define BATCH 500
static int
register_many(const char *socket, const char *actor, json_t *list)
{
	size_t n = json_array_size(list), base;
	int worst = CLI_OK;

	for (base = 0; base < n; base += BATCH) {
		json_t *chunk = json_array(), *req, *j, *r;
		struct cli_reply rep;
		size_t i;
		int rc;

		for (i = base; i < n && i < base + BATCH; i++) {
			json_t *it = json_array_get(list, i);

			if (json_is_object(it) &&
			    json_object_get(it, "actor") == NULL &&
			    actor != NULL)
				json_object_set_new(it, "actor",
				    json_string(actor));
			json_array_append(chunk, it);
		}
		req = json_pack("{s:o}", "items", chunk);
		if (actor != NULL)
			json_object_set_new(req, "actor", json_string(actor));
		rc = call(socket, NULL, "POST", "/api/v1/postal/items/batch",
		    req, &rep);
		json_decref(req);
		if (rc != CLI_OK || rep.http != 200 || (j = rep.json) == NULL) {
			if (rc == CLI_OK)
				rc = answer(&rep, true);
			cli_reply_free(&rep);
			return rc;
		}
		json_array_foreach(json_object_get(j, "results"), i, r) {
			/* a refused entry: {"index", "error": {"field",
			 * "message"}} */
			json_t *err = json_object_get(r, "error");
			const char *f =
			    json_string_value(json_object_get(err, "field"));
			const char *e =
			    json_string_value(json_object_get(err, "message"));
			bool named = f != NULL && *f != '\0';

			if (err != NULL) {
				printf("%zu\t%s%s%s\n", base + i + 1,
				    named ? f : "", named ? ": " : "",
				    e ? e : "refused");
				worst = worst > CLI_FAIL ? worst : CLI_FAIL;
			} else {
				printf("%zu\t%s\t%s\t%s\n", base + i + 1,
				    json_string_value(
				        json_object_get(r, "item_id")),
				    json_is_true(json_object_get(r, "created"))
				        ? "created"
				        : "existing",
				    json_string_value(
				        json_object_get(r, "code")));
			}
		}
		cli_reply_free(&rep);
	}
	return worst;
}

/* `postal manifests` as a table (--json: the daemon's reply). */
static int
manifests_table(const char *socket, bool as_json)
{
	struct cli_reply r;
	json_t *m;
	size_t i;
	int rc =
	    call(socket, NULL, "GET", "/api/v1/postal/manifests", NULL, &r);

	if (rc != CLI_OK || as_json || r.http != 200 || r.json == NULL) {
		if (rc == CLI_OK)
			rc = answer(&r, false);
		cli_reply_free(&r);
		return rc;
	}
	printf("%-16s %-25s %5s %7s %7s %10s  %s\n", "MANIFEST", "CLOSED",
	    "ITEMS", "ARRIVED", "MISSING", "UNEXPECTED", "STATE");
	json_array_foreach(json_object_get(r.json, "manifests"), i, m)
		printf("%-16s %-25s %5lld %7lld %7lld %10lld  %s\n",
		    json_string_value(json_object_get(m, "id")),
		    json_string_value(json_object_get(m, "closed_at")),
		    (long long)json_integer_value(json_object_get(m, "count")),
		    (long long)json_integer_value(
		        json_object_get(m, "arrived")),
		    (long long)json_integer_value(
		        json_object_get(m, "missing")),
		    (long long)json_integer_value(
		        json_object_get(m, "unexpected")),
		    json_string_value(json_object_get(m, "state")));
	cli_reply_free(&r);
	return CLI_OK;
}

static int
postal_register(const char *socket, const char *actor, int argc, char **argv)
{
	static const struct option opts[] = { { "item", 1, NULL, 'i' },
		{ "name", 1, NULL, 'n' }, { "address", 1, NULL, 'a' },
		{ "phone", 1, NULL, 'p' }, { "id-no", 1, NULL, 'x' },
		{ "procedure", 1, NULL, 'P' }, { "service", 1, NULL, 's' },
		{ "fees", 1, NULL, 'f' }, { "fee-receipt", 1, NULL, 'F' },
		{ "agency", 1, NULL, 'g' }, { "return-address", 1, NULL, 'r' },
		{ "seal-broken", 0, NULL, 'b' }, { "doc", 1, NULL, 'd' },
		{ "override-reason", 1, NULL, 'o' },
		{ "posted-at", 1, NULL, 't' }, { "station", 1, NULL, 'S' },
		{ "file", 1, NULL, 'J' }, { "json", 0, NULL, 'j' },
		{ NULL, 0, NULL, 0 } };
	json_t *req = json_object(), *app = json_object(), *docs = json_array();
	const char *file = NULL;
	bool fees_set = false;
	int c, rc;

	json_object_set_new(req, "applicant", app);
	json_object_set_new(req, "documents", docs);
	json_object_set_new(req, "seal_intact", json_true());
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *k = NULL;
		json_t *where = req;

		switch (c) {
		case 'i':
			k = "item_id";
			break;
		case 'n':
			k = "name";
			where = app;
			break;
		case 'a':
			k = "address";
			where = app;
			break;
		case 'p':
			k = "phone";
			where = app;
			break;
		case 'x':
			k = "id_number";
			where = app;
			break;
		case 'P':
			k = "procedure_code";
			break;
		case 's':
			k = "service";
			break;
		case 'F':
			k = "fee_receipt_no";
			break;
		case 'g':
			k = "agency_code";
			break;
		case 'r':
			k = "return_address";
			break;
		case 'o':
			k = "override_reason";
			break;
		case 't':
			k = "posted_at";
			break;
		case 'S':
			k = "station";
			break;
		case 'J':
			file = optarg;
			break;
		case 'j':
			break;
		case 'b':
			json_object_set_new(req, "seal_intact", json_false());
			break;
		case 'f': {
			char *end;
			long long v;

			errno = 0;
			v = strtoll(optarg, &end, 10);
			if (errno || end == optarg || *end != '\0') {
				cli_warn(
				    "fees_vnd: not a whole number of VND: '%s'",
				    optarg);
				json_decref(req);
				return CLI_FAIL;
			}
			json_object_set_new(req, "fees_vnd", json_integer(v));
			fees_set = true;
			break;
		}
		case 'd': {
			char name[512];
			int o = 1, cp = 0;
			const char *colon = strchr(optarg, ':');

			snprintf(name, sizeof name, "%.*s",
			    colon ? (int)(colon - optarg) : (int)strlen(optarg),
			    optarg);
			if (colon && sscanf(colon + 1, "%d:%d", &o, &cp) < 1) {
				cli_warn(
				    "documents: '%s' is not NAME:ORIGINALS:COPIES",
				    optarg);
				json_decref(req);
				return CLI_FAIL;
			}
			json_array_append_new(docs,
			    json_pack("{s:s,s:i,s:i,s:b}", "name", name,
			        "originals", o, "copies", cp, "checked", 1));
			break;
		}
		default:
			fputs(CLI_POSTAL_USAGE, stderr);
			json_decref(req);
			return CLI_USAGE;
		}
		if (k != NULL)
			json_object_set_new(where, k, json_string(optarg));
	}
	if (file != NULL) {
		json_decref(req);
		if ((req = read_json(file)) == NULL)
			return CLI_FAIL;
		if (json_is_array(req)) {
			rc = register_many(socket, actor, req);
			json_decref(req);
			return rc;
		}
	} else if (!fees_set) {
		json_object_set_new(req, "fees_vnd", json_integer(0));
	}
	if (json_object_get(req, "actor") == NULL && actor != NULL)
		json_object_set_new(req, "actor", json_string(actor));
	rc = request(socket, NULL, "POST", "/api/v1/postal/items", req, false);
	json_decref(req);
	return rc;
}

/* One "Label      value" line; nothing for an empty value. */
static void
line(const char *label, const char *value)
{
	if (value != NULL && *value != '\0')
		printf("%-12s%s\n", label, value);
}

/* `postal item S10` for a person: the item, its dossier and where it is
 * in the handover (the whole registration: --json). */
static void
item_summary(json_t *j)
{
	char t[40], buf[256];
	json_t *ap = json_object_get(j, "applicant");

	snprintf(buf, sizeof buf, "%s (%s)", cli_out_jtext(j, "item_id"),
	    cli_out_jtext(j, "state"));
	line("Item", buf);
	snprintf(buf, sizeof buf, "%s, status %lld", cli_out_jtext(j, "code"),
	    cli_out_jint(j, "status"));
	line("Dossier", buf);
	line("Procedure", cli_out_jstr(j, "procedure_code"));
	line("Applicant", cli_out_jstr(ap, "name"));
	line("Service", cli_out_jstr(j, "service"));
	line("Manifest", cli_out_jstr(j, "manifest_id"));
	snprintf(buf, sizeof buf, "%s by %s%s%s",
	    cli_out_time(cli_out_jstr(j, "registered_at"), t),
	    cli_out_jtext(j, "clerk"), cli_out_jstr(j, "station") ? " at " : "",
	    cli_out_jtext(j, "station"));
	line("Registered", buf);
	line("Accepted", cli_out_time(cli_out_jstr(j, "accepted_at"), t));
	line("Due", cli_out_time(cli_out_jstr(j, "due_at"), t));
	if (json_is_true(json_object_get(j, "flagged")))
		line("Flagged", cli_out_jtext(j, "override_reason"));
}

/* A manifest after resolve or sign: one line of where it stands. */
static void
manifest_line(json_t *m)
{
	printf("%s: %s; %lld of %lld arrived, %lld missing, %lld "
	       "unexpected\n",
	    cli_out_jtext(m, "id"), cli_out_jtext(m, "state"),
	    cli_out_jint(m, "arrived_count"), cli_out_jint(m, "count"),
	    cli_out_jint(m, "missing_count"),
	    cli_out_jint(m, "unexpected_count"));
}

/* The resolution the manifest now records for item (missing or
 * unexpected), or NULL. */
static const char *
resolution_of(json_t *m, const char *item)
{
	static const char *const lists[] = { "missing", "unexpected" };
	json_t *x;
	size_t i;

	for (size_t l = 0; l < 2; l++)
		json_array_foreach(json_object_get(m, lists[l]), i, x)
			if (strcmp(cli_out_jtext(x, "item_id"), item) == 0)
				return cli_out_jstr(x, "resolution");
	return NULL;
}

/* POST with a short human answer from show(reply) on success, or the
 * daemon's reply as JSON when as_json. */
static int
request_brief(const char *socket, const char *path, json_t *req, bool as_json,
    void (*show)(json_t *, const char *), const char *arg)
{
	struct cli_reply r;
	int rc = call(socket, NULL, "POST", path, req, &r);

	if (rc == CLI_OK &&
	    (as_json || r.http < 200 || r.http > 299 || r.json == NULL))
		rc = answer(&r, false);
	else if (rc == CLI_OK)
		show(r.json, arg);
	cli_reply_free(&r);
	return rc;
}

static void
show_resolved(json_t *m, const char *item)
{
	const char *res = resolution_of(m, item);

	printf("%s: %s\n", item, res != NULL ? res : "resolved");
	manifest_line(m);
}

static void
show_signed(json_t *m, const char *unused)
{
	json_t *s = json_object_get(m, "signatories");
	char t[40];

	(void)unused;
	printf("%s signed: giver %s, receiver %s, %s\n", cli_out_jtext(m, "id"),
	    cli_out_jtext(s, "giver"), cli_out_jtext(s, "receiver"),
	    cli_out_time(cli_out_jstr(s, "signed_at"), t));
	manifest_line(m);
}

/* True when argv holds flag; it is taken out (argc shrinks) so the
 * positional checks below see only the operands. */
static bool
take_flag(int *argc, char **argv, const char *flag)
{
	for (int i = 1; i < *argc; i++)
		if (strcmp(argv[i], flag) == 0) {
			memmove(&argv[i], &argv[i + 1],
			    (size_t)(*argc - i) * sizeof *argv);
			(*argc)--;
			return true;
		}
	return false;
}

/* --name VALUE pairs after the positional arguments. */
static const char *
opt(int argc, char **argv, const char *name)
{
	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

static json_t *
with_actor(json_t *o, const char *actor)
{
	if (actor != NULL)
		json_object_set_new(o, "actor", json_string(actor));
	return o;
}

/* prefix + the escaped arg + suffix. */
static int
enc_path(char *out, size_t size, const char *prefix, const char *arg,
    const char *suffix)
{
	char *e = curl_easy_escape(NULL, arg, 0);
	int n;

	if (e == NULL)
		return -1;
	n = snprintf(out, size, "%s%s%s", prefix, e, suffix);
	curl_free(e);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
cli_postal(const char *socket, const char *actor, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";
	char path[512];
	json_t *req;
	bool as_json;
	int rc;

	if (strcmp(sub, "register") == 0)
		return postal_register(socket, actor, argc - 1, argv + 1);
	/* item, resolve and sign answer in a few lines; --json: the reply */
	as_json = (strcmp(sub, "item") == 0 || strcmp(sub, "resolve") == 0 ||
	              strcmp(sub, "sign") == 0) &&
	    take_flag(&argc, argv, "--json");
	if (strcmp(sub, "item") == 0 && argc == 3) {
		struct cli_reply r;

		if (enc_path(path, sizeof path, "/api/v1/postal/items/",
		        argv[2], "") != 0)
			return CLI_USAGE;
		if (as_json)
			return request(socket, actor, "GET", path, NULL, false);
		if ((rc = call(socket, actor, "GET", path, NULL, &r)) ==
		    CLI_OK) {
			if (r.http != 200 || r.json == NULL)
				rc = answer(&r, false);
			else
				item_summary(r.json);
		}
		cli_reply_free(&r);
		return rc;
	}
	if (strcmp(sub, "close") == 0) {
		const char *st = opt(argc, argv, "--station");

		req = with_actor(json_object(), actor);
		if (st != NULL)
			json_object_set_new(req, "station", json_string(st));
		rc = request(socket, NULL, "POST",
		    "/api/v1/postal/batches/close", req, false);
		json_decref(req);
		return rc;
	}
	if (strcmp(sub, "manifests") == 0)
		return manifests_table(socket,
		    argc > 2 && strcmp(argv[2], "--json") == 0);
	if (strcmp(sub, "manifest") == 0 && argc == 3) {
		if (enc_path(path, sizeof path, "/api/v1/postal/manifests/",
		        argv[2], "") != 0)
			return CLI_USAGE;
		return request(socket, actor, "GET", path, NULL, false);
	}
	if (strcmp(sub, "receive") == 0 && argc >= 4) {
		int worst = CLI_OK;

		if (enc_path(path, sizeof path, "/api/v1/postal/manifests/",
		        argv[2], "/receive") != 0)
			return CLI_USAGE;
		for (int i = 3; i < argc; i++) {
			struct cli_reply r;
			json_t *j;

			req = with_actor(json_pack("{s:s}", "item_id", argv[i]),
			    actor);
			rc = call(socket, NULL, "POST", path, req, &r);
			json_decref(req);
			if (rc != CLI_OK) {
				cli_reply_free(&r);
				return rc;
			}
			if (r.http == 200 && (j = r.json) != NULL) {
				printf("%s\t%s\t%s\n", argv[i],
				    json_string_value(
				        json_object_get(j, "result")),
				    json_string_value(
				        json_object_get(j, "code"))
				        ? json_string_value(
				              json_object_get(j, "code"))
				        : "");
			} else {
				rc = answer(&r, true);
				worst = rc > worst ? rc : worst;
			}
			cli_reply_free(&r);
		}
		return worst;
	}
	if (strcmp(sub, "resolve") == 0 && argc >= 4) {
		const char *as = opt(argc, argv, "--as");
		const char *reason = opt(argc, argv, "--reason");

		if (enc_path(path, sizeof path, "/api/v1/postal/manifests/",
		        argv[2], "/resolve") != 0)
			return CLI_USAGE;
		req = with_actor(json_object(), actor);
		json_object_set_new(req, "item_id", json_string(argv[3]));
		if (as)
			json_object_set_new(req, "resolution", json_string(as));
		if (reason)
			json_object_set_new(req, "reason", json_string(reason));
		rc = request_brief(socket, path, req, as_json, show_resolved,
		    argv[3]);
		json_decref(req);
		return rc;
	}
	if (strcmp(sub, "sign") == 0 && argc >= 3) {
		const char *g = opt(argc, argv, "--giver");
		const char *r = opt(argc, argv, "--receiver");

		if (enc_path(path, sizeof path, "/api/v1/postal/manifests/",
		        argv[2], "/sign") != 0)
			return CLI_USAGE;
		req = with_actor(json_object(), actor);
		if (g)
			json_object_set_new(req, "giver", json_string(g));
		if (r)
			json_object_set_new(req, "receiver", json_string(r));
		rc = request_brief(socket, path, req, as_json, show_signed,
		    NULL);
		json_decref(req);
		return rc;
	}
	if (strcmp(sub, "return") == 0 && argc == 4) {
		req = with_actor(
		    json_pack("{s:s,s:s}", "code", argv[2], "item_id", argv[3]),
		    actor);
		rc = request(socket, NULL, "POST", "/api/v1/postal/returns",
		    req, false);
		json_decref(req);
		return rc;
	}
	if (strcmp(sub, "delivered") == 0 && argc == 3) {
		if (enc_path(path, sizeof path, "/api/v1/postal/returns/",
		        argv[2], "/delivered") != 0)
			return CLI_USAGE;
		req = with_actor(json_object(), actor);
		rc = request(socket, NULL, "POST", path, req, false);
		json_decref(req);
		return rc;
	}
	if (strcmp(sub, "returns") == 0) {
		const char *from = opt(argc, argv, "--from");
		const char *to = opt(argc, argv, "--to");
		bool csv = false;

		for (int i = 2; i < argc; i++)
			csv |= strcmp(argv[i], "--csv") == 0;
		if (from == NULL || to == NULL) {
			fputs(CLI_POSTAL_USAGE, stderr);
			return CLI_USAGE;
		}
		snprintf(path, sizeof path,
		    "/api/v1/postal/returns?from=%.16s&to=%.16s&format=%s",
		    from, to, csv ? "csv" : "json");
		return request(socket, actor, "GET", path, NULL, false);
	}
	fputs(CLI_POSTAL_USAGE, stderr);
	return CLI_USAGE;
}
