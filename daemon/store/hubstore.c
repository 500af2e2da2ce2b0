/* hubstore.c: the backend-neutral half of hubstore.h: dispatch to the
 * connection's backend, and the checks both backends share so that they
 * answer the same. */
#include <sys/stat.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/status.h"
#include "core/textfold.h"
#include "store/hubstore_int.h"

void
hubstore_err(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, HUBSTORE_ERR_MAX, fmt, ap);
	va_end(ap);
}

struct hubstore *
hubstore_open(const struct hubstore_conf *c, char err[HUBSTORE_ERR_MAX])
{
	if (c->backend == HUBSTORE_PG)
		return hubstore_pg_open(c, err);
	return hubstore_sqlite_open(c, err);
}

int
hubstore_schema_version(enum hubstore_backend b)
{
	return b == HUBSTORE_PG ? hubstore_pg_version : hubstore_sqlite_version;
}

void
hubstore_close(struct hubstore *h)
{
	if (h != NULL)
		h->ops->close(h);
}

int
hubstore_push(struct hubstore *h, const char *terminal, const struct sp_push *p,
    int64_t now, struct sp_push_result *res, char err[HUBSTORE_ERR_MAX])
{
	return h->ops->push(h, terminal, p, now, res, err);
}

json_t *
hubstore_pull(struct hubstore *h, const char *terminal, int64_t after,
    int limit)
{
	return h->ops->pull(h, terminal, after, limit);
}

enum store_rc
hubstore_lookup(struct hubstore *h, const char *token_sha256,
    struct store_lookup *out)
{
	return h->ops->lookup(h, token_sha256, out);
}

json_t *
hubstore_codes(struct hubstore *h, const char *terminal, int64_t from,
    int64_t to, const char *after, int limit)
{
	return h->ops->codes(h, terminal, from, to, after, limit);
}

json_t *
hubstore_codes_reply(const json_int_t counts[4], json_t *codes, int limit,
    bool more)
{
	json_t *j = json_pack("{s:{s:I,s:I,s:I},s:o}", "counts", "1", counts[1],
	    "2", counts[2], "3", counts[3], "codes", codes);

	if (j != NULL && limit > 0)
		json_object_set_new(j, "more", json_boolean(more));
	return j;
}

enum store_rc
hubstore_set_status(struct hubstore *h, const char *code, int status,
    int64_t due_at, const char *reason, int64_t now, char err[HUBSTORE_ERR_MAX])
{
	enum store_rc rc = hubstore_status_args(status, due_at, reason, err);

	if (rc != STORE_OK)
		return rc;
	return h->ops->set_status(h, code, status, due_at, reason, now, err);
}

json_t *
hubstore_dump(struct hubstore *h, const char *terminal)
{
	return h->ops->dump(h, terminal);
}

int
hubstore_seen(struct hubstore *h, const char *terminal, int64_t now)
{
	return h->ops->seen(h, terminal, now);
}

json_t *
hubstore_offices(struct hubstore *h)
{
	return h->ops->offices(h);
}

void
hubstore_push_tally(const struct sp_push *p, const struct sp_push_result *res,
    int64_t *stored, int64_t *rejected, const char **last_error)
{
	*stored = *rejected = 0;
	*last_error = NULL;
	for (size_t i = 0; i < p->n; i++) {
		*stored += res[i].result == SP_OK;
		if (res[i].result == SP_REJECTED) {
			++*rejected;
			*last_error = res[i].reason;
		}
	}
}

json_t *
hubstore_office_row(const char *const col[9])
{
	static const char *const names[9] = { "terminal", "last_push_at",
		"last_seen_at", "backlog", "pushes", "items", "rejected",
		"last_error", "last_error_at" };
	json_t *row = json_object();

	for (int i = 0; row != NULL && i < 9; i++) {
		json_t *v;

		if (col[i] == NULL)
			v = json_null();
		else if (i == 0 || i == 7)
			v = json_string(col[i]);
		else
			v = json_integer(strtoll(col[i], NULL, 10));
		json_object_set_new(row, names[i], v);
	}
	return row;
}

int64_t
hubstore_prune_keys(struct hubstore *h, int64_t before, int limit)
{
	return h->ops->prune_keys(h, before, limit);
}

enum store_rc
hubstore_status_args(int status, int64_t due_at, const char *reason, char *err)
{
	if (status < 1 || status > 10) {
		hubstore_err(err, "status: must be 1..10");
		return STORE_INVALID;
	}
	/* the range the terminals' pull parser takes: anything else here
	 * would make each of their pulls fail */
	if (due_at != 0 && (due_at < 946684800 || due_at > 4102444800)) {
		hubstore_err(err, "due_at: must be a Unix time in 2000..2100");
		return STORE_INVALID;
	}
	if (reason != NULL && strlen(reason) >= SP_REASON_MAX) {
		hubstore_err(err, "reason: longer than %d bytes",
		    SP_REASON_MAX - 1);
		return STORE_INVALID;
	}
	return STORE_OK;
}

void
hubstore_masked(const json_t *dossier, char *out, size_t size)
{
	const char *owner =
	    json_string_value(json_object_get(dossier, "owner_name"));

	if (owner == NULL ||
	    text_mask_name(owner, strlen(owner), out, size) < 0)
		snprintf(out, size, "*");
}

/* Where the citizen collects the result: the agency's name, else its
 * code. */
const char *
hubstore_collect_at(const json_t *dossier)
{
	const char *an =
	    json_string_value(json_object_get(dossier, "agency_name"));

	if (an != NULL && *an != '\0')
		return an;
	return json_string_value(json_object_get(dossier, "agency_code"));
}

char *
hubstore_password_file(const char *path, char err[HUBSTORE_ERR_MAX])
{
	char line[1024];
	struct stat sb;
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		hubstore_err(err, "hub.password_file %.150s: %.80s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 07) != 0) {
		fclose(f);
		hubstore_err(err,
		    "hub.password_file %.150s: readable by others; chmod o-rwx",
		    path);
		return NULL;
	}
	if (fgets(line, sizeof line, f) == NULL) {
		line[0] = '\0';
	}
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (n == 0) {
		hubstore_err(err, "hub.password_file %.150s: empty", path);
		return NULL;
	}
	{
		char *pw = strdup(line);

		sodium_memzero(line, sizeof line);
		if (pw == NULL)
			hubstore_err(err, "out of memory");
		return pw;
	}
}
