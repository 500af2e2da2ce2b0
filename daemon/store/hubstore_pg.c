/* hubstore_pg.c: the hub's storage on PostgreSQL, for a province: several
 * hub processes over one database. See hubstore.h and docs/sync.md.
 *
 * One libpq connection, used by one worker thread at a time (sync/hubq.c),
 * so the blocking libpq calls never run on the loop. Statements are
 * prepared once per connection. Transactions run at READ COMMITTED and
 * the rules that must hold across hubs are the database's:
 *   - an idempotency key is hub_keys' primary key: two hubs storing the
 *     same retried push at once both try to insert it, one waits for the
 *     other and fails with unique_violation, and its retry of the whole
 *     transaction finds the key and answers "duplicate";
 *   - a dossier's row is read FOR UPDATE before an event is applied, so
 *     two pushes of one dossier apply in turn;
 *   - a pull position is a per-terminal counter in hub_terminals,
 *     incremented under that row's lock inside the transaction that
 *     writes the change: the next position of a terminal cannot be taken
 *     before the transaction holding the previous one ends, so positions
 *     become visible in order and a cursor never skips one (a global
 *     sequence would: a value committed after a higher one).
 * A transaction that fails on unique_violation, serialization_failure or
 * deadlock_detected is retried whole, up to PG_RETRIES times. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "lib/buf.h"
#include "store/hubstore_pg_int.h"

#define PG_RETRIES 8

enum pq {
	P_KEY_GET,
	P_KEY_PUT,
	P_DOSSIER_GET,
	P_DOSSIER_PUT,
	P_TOKEN_TAKEN,
	P_DOSSIER_STATUS,
	P_DOSSIER_UPSTREAM,
	P_EVENT_PUT,
	P_NEXT_SEQ,
	P_CHANGE_PUT,
	P_PULL,
	P_LOOKUP,
	P_COUNTS,
	P_CODES,
	P_DUMP,
	P_PRUNE_KEYS,
	P_FACTS_SET,
	P_SUPP_PUT,
	P_DAYS_ADD,
	P_DAYS,
	P_OPEN_A,
	P_OPEN_F,
	P_OPENS_A,
	P_OPENS_F,
	P_OFFICE_PUSH,
	P_OFFICE_SEEN,
	P_OFFICES,
	P_COUNT
};

static const struct {
	const char *sql;
	int nparams;
} psql[P_COUNT] = {
	[P_KEY_GET] = { "SELECT terminal FROM hub_keys WHERE key = $1", 1 },
	[P_KEY_PUT] = { "INSERT INTO hub_keys(key, terminal, at)"
	                " VALUES ($1, $2, $3)",
	    3 },
	[P_DOSSIER_GET] = { "SELECT terminal, status, rev, last_seq, record, " HUBSTORE_FACTS_COLS
	                    " FROM hub_dossiers WHERE code = $1 FOR UPDATE",
	    1 },
	[P_DOSSIER_PUT] = { "INSERT INTO hub_dossiers(code, terminal,"
	                    " channel, delivery, status, received_at, due_at,"
	                    " updated_at, last_seq, token_sha256,"
	                    " procedure_name, masked_name, collect_at, record,"
	                    " agency, field, finished_at, returned_at,"
	                    " ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
	                    " $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,"
	                    " $18, $19)",
	    19 },
	[P_TOKEN_TAKEN] = { "SELECT 1 FROM hub_dossiers"
	                    " WHERE token_sha256 = $1",
	    1 },
	[P_DOSSIER_STATUS] = { "UPDATE hub_dossiers SET status = $2,"
	                       " due_at = coalesce($3, due_at),"
	                       " apology_due_at = coalesce($4,"
	                       " apology_due_at), updated_at = $5,"
	                       " last_seq = $6," HUBSTORE_FACTS_SET("$", "7",
	                           "8", "9", "10", "11", "12", "13",
	                           "14") " WHERE code = $1",
	    14 },
	[P_DOSSIER_UPSTREAM] = { "UPDATE hub_dossiers SET status = $2,"
	                         " due_at = coalesce($3, due_at),"
	                         " updated_at = $4, rev = rev + 1"
	                         " WHERE code = $1 RETURNING rev, terminal",
	    4 },
	[P_EVENT_PUT] = { "INSERT INTO hub_events(code, source, at, status,"
	                  " applied, body) VALUES ($1, $2, $3, $4, $5, $6)",
	    6 },
	/* the row lock held to commit orders the terminal's positions */
	[P_NEXT_SEQ] = { "INSERT INTO hub_terminals(terminal, change_seq)"
	                 " VALUES ($1, 1) ON CONFLICT (terminal) DO UPDATE"
	                 " SET change_seq = hub_terminals.change_seq + 1"
	                 " RETURNING change_seq",
	    1 },
	[P_CHANGE_PUT] = { "INSERT INTO hub_changes(terminal, seq, code,"
	                   " status, rev, at, due_at, reason)"
	                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
	    8 },
	[P_PULL] = { "SELECT seq, code, status, rev, at, due_at, reason"
	             " FROM hub_changes WHERE terminal = $1 AND seq > $2"
	             " ORDER BY seq LIMIT $3",
	    3 },
	[P_LOOKUP] = { "SELECT code, status, delivery, received_at, due_at,"
	               " updated_at, apology_due_at, procedure_name,"
	               " masked_name, collect_at FROM hub_dossiers"
	               " WHERE token_sha256 = $1",
	    1 },
	[P_COUNTS] = { "SELECT channel, count(*) FROM hub_dossiers"
	               " WHERE terminal = $1 AND received_at >= $2"
	               " AND received_at < $3 GROUP BY channel",
	    3 },
	[P_CODES] = { "SELECT code FROM hub_dossiers"
	              " WHERE terminal = $1 AND received_at >= $2"
	              " AND received_at < $3 AND code > $4 ORDER BY code"
	              " LIMIT $5::bigint",
	    5 },
	[P_DUMP] = { "SELECT d.code, d.terminal, d.status,"
	             " coalesce(d.due_at, 0), (SELECT count(*) FROM hub_events e"
	             " WHERE e.code = d.code) FROM hub_dossiers d"
	             " WHERE $1::text IS NULL OR d.terminal = $1",
	    1 },
	[P_PRUNE_KEYS] = { "DELETE FROM hub_keys WHERE key IN (SELECT key"
	                   " FROM hub_keys WHERE at < $1 LIMIT $2)",
	    2 },
	/* ordered in byte order, as SQLite's hub orders them, whatever
	 * the database's collation */
	[P_FACTS_SET] = { "UPDATE hub_dossiers SET" HUBSTORE_FACTS_SET("$", "2",
	                      "3", "4", "5", "6", "7", "8",
	                      "9") " WHERE code = $1",
	    9 },
	[P_SUPP_PUT] = { "INSERT INTO hub_supp(code, at, request, due_before,"
	                 " due_after) VALUES ($1, $2, $3, $4, $5)",
	    5 },
	/* a transaction's merged deltas in one statement, one array per
	 * column, rows in key order (unique: ON CONFLICT may touch each
	 * row once) */
	[P_DAYS_ADD] = { HUBSTORE_DAYS_INTO
	    "SELECT * FROM unnest($1::int[], $2::text[], $3::int[],"
	    " $4::int[], $5::bigint[], $6::bigint[], $7::bigint[],"
	    " $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[],"
	    " $12::bigint[])" HUBSTORE_DAYS_UPSERT,
	    12 },
	[P_DAYS] = { HUBSTORE_DAYS_SQL("$", "::text"), 4 },
	[P_OPEN_A] = { HUBSTORE_OPEN_SIMPLE_SQL("$", "::text", "agency"), 2 },
	[P_OPEN_F] = { HUBSTORE_OPEN_SIMPLE_SQL("$", "::text",
	                   "coalesce(field, '')"),
	    2 },
	[P_OPENS_A] = { HUBSTORE_OPEN_SUPP_SQL("$", "::text", "agency"), 2 },
	[P_OPENS_F] = { HUBSTORE_OPEN_SUPP_SQL("$", "::text",
	                    "coalesce(field, '')"),
	    2 },
	[P_OFFICE_PUSH] = { HUBSTORE_OFFICE_PUSH_SQL("$"), 6 },
	[P_OFFICE_SEEN] = { HUBSTORE_OFFICE_SEEN_SQL("$"), 2 },
	[P_OFFICES] = { HUBSTORE_OFFICES_SQL " ORDER BY terminal COLLATE \"C\"",
	    0 },
};

static const struct hubstore_ops pg_ops;

/* One statement's parameters as text: NULL is SQL NULL. */
struct params {
	const char *v[24];
	char num[24][24];
	int n;
};

static void
p_text(struct params *p, const char *s)
{
	p->v[p->n++] = s;
}

static void
p_int(struct params *p, int64_t x)
{
	snprintf(p->num[p->n], sizeof p->num[p->n], "%" PRId64, x);
	p->v[p->n] = p->num[p->n];
	p->n++;
}

static void
p_opt(struct params *p, int64_t x) /* 0: NULL */
{
	if (x == 0)
		p_text(p, NULL);
	else
		p_int(p, x);
}

static const char *
pg_message(const struct hub_pg *h)
{
	const char *m = h->conn != NULL ? PQerrorMessage(h->conn) : "";
	static const char none[] = "connection lost";

	return m != NULL && *m != '\0' ? m : none;
}

/* The error of a result, trimmed to one line, into err. */
void
hubpg_err(const struct hub_pg *h, const PGresult *r, char *err)
{
	const char *m = r != NULL ? PQresultErrorMessage(r) : "";
	size_t n;

	if (m == NULL || *m == '\0')
		m = pg_message(h);
	n = strcspn(m, "\n");
	hubstore_err(err, "database: %.*s", (int)(n > 200 ? 200 : n), m);
}

/* SQLSTATE of a failed result, "" if none. */
static const char *
sqlstate(const PGresult *r)
{
	const char *s =
	    r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	return s != NULL ? s : "";
}

/* A failure that a retry of the whole transaction resolves. */
static bool
retryable(const PGresult *r)
{
	const char *s = sqlstate(r);

	return strcmp(s, "23505") == 0 || strcmp(s, "40001") == 0 ||
	    strcmp(s, "40P01") == 0;
}

bool
hubpg_ok(const PGresult *r)
{
	ExecStatusType t = PQresultStatus(r);

	return t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK;
}

/* Runs a plain command; 0 or -1 with err. */
int
hubpg_exec(struct hub_pg *h, const char *sql, char *err)
{
	PGresult *r = PQexec(h->conn, sql);
	int rc = hubpg_ok(r) ? 0 : -1;

	if (rc == -1)
		hubpg_err(h, r, err);
	PQclear(r);
	return rc;
}

static int
prepare_all(struct hub_pg *h, char *err)
{
	char name[16]; /* "h" and an int: -O1 checks the whole range */

	for (int i = 0; i < P_COUNT; i++) {
		PGresult *r;

		snprintf(name, sizeof name, "h%d", i);
		r = PQprepare(h->conn, name, psql[i].sql, psql[i].nparams,
		    NULL);
		if (!hubpg_ok(r)) {
			hubpg_err(h, r, err);
			PQclear(r);
			return -1;
		}
		PQclear(r);
	}
	h->prepared = true;
	return 0;
}

/* The connection is usable: reconnects (and prepares again) after it was
 * lost, e.g. when the server restarted or a link was cut. */
static int
pg_ready(struct hub_pg *h, char *err)
{
	char sql[64];

	if (PQstatus(h->conn) == CONNECTION_OK && h->prepared)
		return 0;
	if (PQstatus(h->conn) != CONNECTION_OK) {
		h->prepared = false;
		PQreset(h->conn);
		if (PQstatus(h->conn) != CONNECTION_OK) {
			hubpg_err(h, NULL, err);
			return -1;
		}
	}
	snprintf(sql, sizeof sql, "SET statement_timeout = %d", h->timeout_ms);
	if (hubpg_exec(h, sql, err) == -1)
		return -1;
	return prepare_all(h, err);
}

/* The connection was found dropped and is open again. */
static bool
lost(struct hub_pg *h)
{
	return PQstatus(h->conn) != CONNECTION_OK && pg_ready(h, NULL) == 0;
}

/* Runs prepared statement id with p: the result (caller clears), which
 * may be a failure. */
/* ---- pipeline ----
 *
 * A push's transaction writes several rows per item, and waiting for
 * each answer made a push a round trip per statement. In libpq's
 * pipeline mode (PostgreSQL 14+) a statement whose result the code only
 * checks (an INSERT, an UPDATE) is sent and not waited for: pq answers
 * at once, and the server's answer is read with the next statement that
 * returns rows (the server runs them in order, so a read sees every
 * write sent before it) or at the end of the transaction. A failure
 * among the writes is returned by the next pq, or by pl_end: the caller
 * rolls back and retries the transaction as before. */
#define PL_MAX 256 /* statements in flight before their results are read */

static bool
returns_rows(enum pq id)
{
	const char *sql = psql[id].sql;

	return strncmp(sql, "SELECT", 6) == 0 || strstr(sql, "RETURNING");
}

static void
pl_fail(struct hub_pg *h, PGresult *r)
{
	if (h->plerr == NULL)
		h->plerr = r != NULL
		    ? r
		    : PQmakeEmptyPGresult(h->conn, PGRES_FATAL_ERROR);
	else
		PQclear(r);
}

/* Reads the results of the statements in flight (flushing them first);
 * the last one's into *last when last is not NULL. */
static void
pl_collect(struct hub_pg *h, PGresult **last)
{
	if (last != NULL)
		*last = NULL;
	if (h->queued == 0)
		return;
	if (PQsendFlushRequest(h->conn) != 1 || PQflush(h->conn) != 0) {
		pl_fail(h, NULL);
		h->queued = 0;
		return;
	}
	while (h->queued > 0) {
		PGresult *r = PQgetResult(h->conn), *end;

		if (r == NULL) { /* the connection went */
			pl_fail(h, NULL);
			h->queued = 0;
			return;
		}
		/* each statement's results end with a NULL */
		while ((end = PQgetResult(h->conn)) != NULL)
			PQclear(end);
		h->queued--;
		if (h->queued == 0 && last != NULL)
			*last = r;
		else if (!hubpg_ok(r))
			pl_fail(h, r);
		else
			PQclear(r);
	}
}

static int
pl_begin(struct hub_pg *h)
{
	if (PQenterPipelineMode(h->conn) != 1)
		return -1;
	h->pipeline = true;
	h->queued = 0;
	h->plerr = NULL;
	return 0;
}

/* Ends the pipeline: the results read, a sync, back to normal mode.
 * NULL, or the first failure (the caller clears it). */
static PGresult *
pl_end(struct hub_pg *h)
{
	PGresult *r, *err;

	pl_collect(h, NULL);
	if (PQstatus(h->conn) == CONNECTION_OK &&
	    PQpipelineSync(h->conn) == 1) {
		/* PGRES_PIPELINE_SYNC, after any aborted statements */
		while ((r = PQgetResult(h->conn)) != NULL) {
			ExecStatusType t = PQresultStatus(r);

			PQclear(r);
			if (t == PGRES_PIPELINE_SYNC)
				break;
		}
	} else
		pl_fail(h, NULL);
	if (PQexitPipelineMode(h->conn) != 1)
		pl_fail(h, NULL);
	h->pipeline = false;
	err = h->plerr;
	h->plerr = NULL;
	return err;
}

static PGresult *
pq(struct hub_pg *h, enum pq id, const struct params *p)
{
	char name[16];
	PGresult *r;

	snprintf(name, sizeof name, "h%d", (int)id);
	if (h->pipeline) {
		/* after a failure nothing more is sent: pl_end ends it */
		if (h->plerr == NULL) {
			if (PQsendQueryPrepared(h->conn, name, p->n, p->v, NULL,
			        NULL, 0) == 1)
				h->queued++;
			else
				pl_fail(h, NULL);
		}
		if (returns_rows(id))
			pl_collect(h, &r);
		else if (h->queued >= PL_MAX)
			pl_collect(h, NULL);
		if (h->plerr != NULL) {
			if (returns_rows(id))
				PQclear(r);
			/* the caller gets the failure; the pipeline stays
			 * failed (a placeholder) until pl_end */
			r = h->plerr;
			h->plerr =
			    PQmakeEmptyPGresult(h->conn, PGRES_FATAL_ERROR);
			return r;
		}
		return returns_rows(id)
		    ? r
		    : PQmakeEmptyPGresult(h->conn, PGRES_COMMAND_OK);
	}
	r = PQexecPrepared(h->conn, name, p->n, p->v, NULL, NULL, 0);
	/* A read outside a transaction on a connection the server dropped
	 * (a restart, a cut link: libpq sees it only now) runs once more on
	 * a new one. In a transaction the caller retries the whole of it. */
	if (!hubpg_ok(r) && !h->in_tx && lost(h)) {
		PQclear(r);
		r = PQexecPrepared(h->conn, name, p->n, p->v, NULL, NULL, 0);
	}
	return r;
}

int64_t
hubpg_col(const PGresult *r, int row, int col) /* NULL: 0 */
{
	if (PQgetisnull(r, row, col))
		return 0;
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void pg_close(struct hubstore *);

struct hubstore *
hubstore_pg_open(const struct hubstore_conf *c, char *err)
{
	struct hub_pg *h = calloc(1, sizeof *h);
	char ctimeout[16], utimeout[16];
	/* the dsn may set its own connect_timeout (it comes later and
	 * wins); the password comes from the password file, else libpq's
	 * own files */
	const char *keys[] = { "connect_timeout", "tcp_user_timeout",
		"keepalives_idle", "keepalives_interval", "keepalives_count",
		"application_name", "dbname", "password", NULL };
	const char *vals[] = { ctimeout, utimeout, "5", "2", "3", "motcuad-hub",
		c->dsn, c->password, NULL };

	if (h == NULL) {
		hubstore_err(err, "out of memory");
		return NULL;
	}
	h->base.ops = &pg_ops;
	h->timeout_ms = c->timeout_ms > 0 ? c->timeout_ms : 5000;
	/* libpq's connect_timeout is whole seconds, at least 2 */
	snprintf(ctimeout, sizeof ctimeout, "%d",
	    h->timeout_ms < 2000 ? 2 : (h->timeout_ms + 999) / 1000);
	snprintf(utimeout, sizeof utimeout, "%d", h->timeout_ms);
	if (c->password == NULL)
		keys[7] = NULL;
	h->conn = PQconnectdbParams(keys, vals, 1);
	if (h->conn == NULL || PQstatus(h->conn) != CONNECTION_OK) {
		hubpg_err(h, NULL, err);
		pg_close(&h->base);
		return NULL;
	}
	if (hubpg_migrate(h, err) == -1 || pg_ready(h, err) == -1) {
		pg_close(&h->base);
		return NULL;
	}
	return &h->base;
}

static void
pg_close(struct hubstore *hs)
{
	struct hub_pg *h = (struct hub_pg *)hs;

	PQfinish(h->conn);
	free(h);
}

static PGresult *
add_event(struct hub_pg *h, const char *code, const char *source, int64_t at,
    int status, bool applied, json_t *body)
{
	struct params p = { .n = 0 };
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	PGresult *r;

	p_text(&p, code);
	p_text(&p, source);
	p_int(&p, at);
	p_int(&p, status);
	p_text(&p, applied ? "t" : "f");
	p_text(&p, text);
	r = pq(h, P_EVENT_PUT, &p);
	free(text);
	return r;
}

/* One valid item inside the push transaction: NULL with res filled, or
 * the failed result (the caller rolls back, and retries when it may).
 * The same rules, in the same order, as hubstore_sqlite.c's push_one. */
/* Reads the facts columns of a dossier row from column i on. */
static void
facts_cols(const PGresult *r, int i, struct hub_facts *x, char *field,
    size_t size)
{
	int64_t v[HUBSTORE_FACTS_NINT];

	snprintf(field, size, "%s",
	    PQgetisnull(r, 0, i + 1) ? "" : PQgetvalue(r, 0, i + 1));
	for (int k = 0; k < HUBSTORE_FACTS_NINT; k++)
		v[k] = hubpg_col(r, 0, i + 2 + k);
	hubstore_facts_read(x, v);
}

/* Adds the facts a change writes to p. */
static void
p_facts(struct params *p, const struct hub_facts *x)
{
	int64_t v[HUBSTORE_FACTS_NSET];

	hubstore_facts_write(x, v);
	for (int k = 0; k < HUBSTORE_FACTS_NSET; k++) {
		if (k >= 3 && k <= 5) /* counts: 0 is a value */
			p_int(p, v[k]);
		else
			p_opt(p, v[k]);
	}
}

static PGresult *
supp_put(struct hub_pg *h, const char *code, const struct hub_supp *sp)
{
	struct params p = { .n = 0 };

	p_text(&p, code);
	p_int(&p, sp->at);
	p_int(&p, sp->request);
	if (sp->has_due) {
		p_int(&p, sp->due_before);
		p_int(&p, sp->due_after);
	} else {
		p_text(&p, NULL);
		p_text(&p, NULL);
	}
	return pq(h, P_SUPP_PUT, &p);
}

/* A result standing for "out of memory" in the transaction's code path:
 * not retried. */
static PGresult *
oom_result(struct hub_pg *h)
{
	return PQmakeEmptyPGresult(h->conn, PGRES_FATAL_ERROR);
}

/* Writes a transaction's merged daily counts in key order, so that two
 * hubs' transactions take the rows' locks in one order: NULL, or the
 * failed result. */
static PGresult *
days_write(struct hub_pg *h, struct hub_deltas *d)
{
	struct buf col[4 + HRC_N];
	struct params p = { .n = 0 };
	PGresult *r = NULL;
	int bad = 0;

	hubstore_deltas_merge(d);
	if (d->n == 0)
		return NULL;
	for (int c = 0; c < 4 + HRC_N; c++) {
		buf_init(&col[c], 16u << 20);
		bad |= buf_add(&col[c], "{", 1);
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct hub_day_delta *v = &d->v[i];
		const char *sep = i > 0 ? "," : "";

		bad |= buf_addf(&col[0], "%s%d", sep, v->kind);
		/* an array element quoted: " and \ escaped */
		bad |= buf_addf(&col[1], "%s\"", sep);
		for (const char *k = v->key; *k != '\0'; k++)
			bad |= *k == '"' || *k == '\\'
			    ? buf_addf(&col[1], "\\%c", *k)
			    : buf_add(&col[1], k, 1);
		bad |= buf_add(&col[1], "\"", 1);
		bad |= buf_addf(&col[2], "%s%d", sep, v->channel);
		bad |= buf_addf(&col[3], "%s%d", sep, v->day);
		for (int c = 0; c < HRC_N; c++)
			bad |=
			    buf_addf(&col[4 + c], "%s%" PRId64, sep, v->n[c]);
	}
	for (int c = 0; c < 4 + HRC_N; c++) {
		bad |= buf_add(&col[c], "}", 1);
		p_text(&p, buf_ptr(&col[c]));
	}
	r = bad == 0 ? pq(h, P_DAYS_ADD, &p) : oom_result(h);
	for (int c = 0; c < 4 + HRC_N; c++)
		buf_cleanup(&col[c]);
	if (!hubpg_ok(r))
		return r;
	PQclear(r);
	return NULL;
}

static PGresult *
push_one(struct hub_pg *h, const char *terminal, const struct sp_item *it,
    int64_t now, struct sp_push_result *res, struct hub_deltas *d)
{
	struct params p = { .n = 0 };
	char owner_term[128] = "", *record = NULL, agency[64], field[513] = "";
	struct hub_facts before, after;
	struct hub_supp sp;
	int64_t rev = 0, last_seq = 0;
	bool exists;
	PGresult *r;

	memset(&before, 0, sizeof before);

	p_text(&p, it->key);
	r = pq(h, P_KEY_GET, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return r;
	if (PQntuples(r) == 1) {
		if (strcmp(PQgetvalue(r, 0, 0), terminal) == 0)
			res->result = SP_DUPLICATE;
		else {
			res->result = SP_REJECTED;
			snprintf(res->reason, sizeof res->reason,
			    "key: used by another terminal");
		}
		PQclear(r);
		return NULL;
	}
	PQclear(r);

	p.n = 0;
	p_text(&p, it->code);
	r = pq(h, P_DOSSIER_GET, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		return r;
	exists = PQntuples(r) == 1;
	if (exists) {
		snprintf(owner_term, sizeof owner_term, "%s",
		    PQgetvalue(r, 0, 0));
		rev = hubpg_col(r, 0, 2);
		last_seq = hubpg_col(r, 0, 3);
		record = strdup(PQgetvalue(r, 0, 4));
		facts_cols(r, 5, &before, field, sizeof field);
	}
	PQclear(r);
	hubstore_agency_of(it->code, agency, sizeof agency);
	res->result = SP_OK;
	res->applied = true;
	if (exists && strcmp(owner_term, terminal) != 0) {
		res->result = SP_REJECTED;
		snprintf(res->reason, sizeof res->reason,
		    "code: %s belongs to another terminal", it->code);
		free(record);
		return NULL;
	}
	if (strcmp(it->kind, "dossier_new") == 0) {
		char *mine =
		    json_dumps(it->dossier, JSON_COMPACT | JSON_SORT_KEYS);
		const char *tok = json_string_value(
		    json_object_get(it->dossier, "token_sha256"));
		char masked[256];

		if (mine == NULL || (exists && record == NULL)) {
			free(mine);
			free(record);
			res->result = SP_REJECTED;
			snprintf(res->reason, sizeof res->reason,
			    "hub: out of memory");
			return NULL;
		}
		if (exists) {
			/* never overwrite intake data silently */
			if (strcmp(mine, record) != 0) {
				res->result = SP_REJECTED;
				snprintf(res->reason, sizeof res->reason,
				    "code: %s exists upstream with different"
				    " intake data",
				    it->code);
			}
			free(mine);
			free(record);
			if (res->result == SP_OK)
				goto key;
			return NULL;
		}
		/* a token hash names one dossier (also a UNIQUE
		 * constraint, for two hubs at once) */
		if (tok != NULL) {
			p.n = 0;
			p_text(&p, tok);
			r = pq(h, P_TOKEN_TAKEN, &p);
			if (PQresultStatus(r) != PGRES_TUPLES_OK) {
				free(mine);
				return r;
			}
			if (PQntuples(r) > 0) {
				PQclear(r);
				res->result = SP_REJECTED;
				snprintf(res->reason, sizeof res->reason,
				    "dossier.token_sha256: another dossier's");
				free(mine);
				return NULL;
			}
			PQclear(r);
		}
		hubstore_masked(it->dossier, masked, sizeof masked);
		p.n = 0;
		p_text(&p, it->code);
		p_text(&p, terminal);
		p_int(&p,
		    json_integer_value(
		        json_object_get(it->dossier, "channel")));
		p_int(&p,
		    json_integer_value(
		        json_object_get(it->dossier, "delivery")));
		p_int(&p, it->status);
		p_int(&p,
		    json_integer_value(
		        json_object_get(it->dossier, "received_at")));
		p_opt(&p, it->due_at);
		p_int(&p, it->at);
		p_int(&p, it->seq);
		p_text(&p, tok);
		p_text(&p,
		    json_string_value(
		        json_object_get(it->dossier, "procedure_name")));
		p_text(&p, masked);
		p_text(&p, hubstore_collect_at(it->dossier));
		p_text(&p, mine);
		hubstore_facts_new(&after, it);
		p_text(&p, agency);
		p_text(&p,
		    json_string_value(json_object_get(it->dossier, "field")));
		p_opt(&p, after.fin);
		p_opt(&p, after.ret);
		p_opt(&p, after.f.end);
		r = pq(h, P_DOSSIER_PUT, &p);
		free(mine);
		if (!hubpg_ok(r))
			return r;
		PQclear(r);
		if (hubstore_deltas_add(d, agency,
		        json_string_value(
		            json_object_get(it->dossier, "field")),
		        NULL, &after) == -1)
			return oom_result(h);
		/* the record is in hub_dossiers: the event needs no copy */
		r = add_event(h, it->code, terminal, it->at, it->status, true,
		    NULL);
		if (!hubpg_ok(r))
			return r;
		PQclear(r);
		goto key;
	}
	free(record);
	if (!exists) {
		res->result = SP_REJECTED;
		snprintf(res->reason, sizeof res->reason,
		    "code: %s is unknown upstream (its intake was not"
		    " accepted)",
		    it->code);
		return NULL;
	}
	if (it->seq > last_seq && it->seq - last_seq > HUBSTORE_SEQ_STEP_MAX) {
		res->result = SP_REJECTED;
		snprintf(res->reason, sizeof res->reason,
		    "seq: more than %" PRId64 " past the dossier's last event",
		    HUBSTORE_SEQ_STEP_MAX);
		return NULL;
	}
	/* upstream is authoritative for status (hubstore_sqlite.c) */
	res->applied = it->base >= rev && it->seq > last_seq;
	if (res->applied) {
		bool supp;

		after = before;
		supp = hubstore_facts_item(&after, it, &sp);
		p.n = 0;
		p_text(&p, it->code);
		p_int(&p, it->status);
		p_opt(&p, it->due_at);
		p_opt(&p, strcmp(it->kind, "apology") == 0 ? it->due_at : 0);
		p_int(&p, it->at);
		p_int(&p, it->seq);
		p_facts(&p, &after);
		r = pq(h, P_DOSSIER_STATUS, &p);
		if (!hubpg_ok(r))
			return r;
		PQclear(r);
		if (supp) {
			r = supp_put(h, it->code, &sp);
			if (!hubpg_ok(r))
				return r;
			PQclear(r);
		}
		if (hubstore_deltas_add(d, agency, field, &before, &after) ==
		    -1)
			return oom_result(h);
	}
	r = add_event(h, it->code, terminal, it->at, it->status, res->applied,
	    it->item);
	if (!hubpg_ok(r))
		return r;
	PQclear(r);
key:
	p.n = 0;
	p_text(&p, it->key);
	p_text(&p, terminal);
	p_int(&p, now);
	r = pq(h, P_KEY_PUT, &p);
	if (!hubpg_ok(r))
		return r;
	PQclear(r);
	return NULL;
}

/* The office's row, in the push's transaction: NULL, or the failed
 * result (the caller clears it). */
static PGresult *
office_push(struct hub_pg *h, const char *terminal, const struct sp_push *p,
    const struct sp_push_result *res, int64_t now)
{
	struct params q = { .n = 0 };
	int64_t stored, rejected;
	const char *last_error;
	PGresult *r;

	hubstore_push_tally(p, res, &stored, &rejected, &last_error);
	p_text(&q, terminal);
	p_int(&q, now);
	if (p->backlog >= 0)
		p_int(&q, p->backlog);
	else
		p_text(&q, NULL);
	p_int(&q, stored);
	p_int(&q, rejected);
	p_text(&q, last_error);
	r = pq(h, P_OFFICE_PUSH, &q);
	if (hubpg_ok(r)) {
		PQclear(r);
		return NULL;
	}
	return r;
}

/* One attempt at the push transaction: 0, 1 (retry: a concurrent
 * transaction won) or -1 with err. */
static int
push_once(struct hub_pg *h, const char *terminal, const struct sp_push *p,
    int64_t now, struct sp_push_result *res, char *err)
{
	struct hub_deltas d = { 0 };
	PGresult *r = NULL;
	int rc;

	memset(res, 0, p->n * sizeof *res);
	if (hubpg_exec(h, "BEGIN", err) == -1)
		return lost(h) ? 1 : -1;
	h->in_tx = true;
	if (pl_begin(h) == -1) {
		hubpg_err(h, NULL, err);
		goto fail;
	}
	for (size_t i = 0; i < p->n && r == NULL; i++) {
		if (!p->items[i].valid) {
			res[i].result = SP_REJECTED;
			snprintf(res[i].reason, sizeof res[i].reason, "%s",
			    p->items[i].why);
			continue;
		}
		r = push_one(h, terminal, &p->items[i], now, &res[i], &d);
	}
	if (r == NULL)
		r = days_write(h, &d);
	hubstore_deltas_free(&d);
	if (r == NULL)
		r = office_push(h, terminal, p, res, now);
	if (r == NULL)
		r = pl_end(h);
	if (r != NULL) {
		rc = retryable(r) ? 1 : -1;
		hubpg_err(h, r, err);
		PQclear(r);
		if (h->pipeline)
			PQclear(pl_end(h));
		hubpg_exec(h, "ROLLBACK", NULL);
		h->in_tx = false;
		return rc == -1 && lost(h) ? 1 : rc;
	}
	r = PQexec(h->conn, "COMMIT");
	h->in_tx = false;
	if (!hubpg_ok(r)) {
		/* a COMMIT whose answer was lost may have committed: the
		 * retry finds the keys and answers duplicate */
		rc = retryable(r) ? 1 : -1;
		hubpg_err(h, r, err);
		PQclear(r);
		return rc == -1 && lost(h) ? 1 : rc;
	}
	PQclear(r);
	return 0;
fail:
	hubpg_exec(h, "ROLLBACK", NULL);
	h->in_tx = false;
	return lost(h) ? 1 : -1;
}

static int
pg_push(struct hubstore *hs, const char *terminal, const struct sp_push *p,
    int64_t now, struct sp_push_result *res, char *err)
{
	struct hub_pg *h = (struct hub_pg *)hs;
	int rc = 1;

	if (pg_ready(h, err) == -1)
		return -1;
	for (int i = 0; i < PG_RETRIES && rc == 1; i++)
		rc = push_once(h, terminal, p, now, res, err);
	return rc == 0 ? 0 : -1;
}

static json_t *
pg_pull(struct hubstore *hs, const char *terminal, int64_t after, int limit)
{
	struct hub_pg *h = (struct hub_pg *)hs;
	struct params p = { .n = 0 };
	json_t *items, *it;
	int64_t last = after;
	PGresult *r;
	int n, rows;

	if (pg_ready(h, NULL) == -1)
		return NULL;
	p_text(&p, terminal);
	p_int(&p, after);
	p_int(&p, limit + 1);
	r = pq(h, P_PULL, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return NULL;
	}
	rows = PQntuples(r);
	items = json_array();
	for (n = 0; n < rows && n < limit; n++) {
		last = hubpg_col(r, n, 0);
		it = json_pack("{s:s,s:i,s:I,s:I}", "code", PQgetvalue(r, n, 1),
		    "status", (int)hubpg_col(r, n, 2), "rev",
		    (json_int_t)hubpg_col(r, n, 3), "at",
		    (json_int_t)hubpg_col(r, n, 4));
		if (!PQgetisnull(r, n, 5))
			json_object_set_new(it, "due_at",
			    json_integer(hubpg_col(r, n, 5)));
		if (!PQgetisnull(r, n, 6))
			json_object_set_new(it, "reason",
			    json_string(PQgetvalue(r, n, 6)));
		json_array_append_new(items, it);
	}
	PQclear(r);
	return json_pack("{s:o,s:I,s:b}", "items", items, "last",
	    (json_int_t)last, "more", rows > limit);
}

static enum store_rc
pg_lookup(struct hubstore *hs, const char *token_sha256,
    struct store_lookup *out)
{
	struct hub_pg *h = (struct hub_pg *)hs;
	struct params p = { .n = 0 };
	enum store_rc rc;
	PGresult *r;

	memset(out, 0, sizeof *out);
	if (pg_ready(h, NULL) == -1)
		return STORE_ERROR;
	p_text(&p, token_sha256);
	r = pq(h, P_LOOKUP, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		rc = STORE_ERROR;
	else if (PQntuples(r) == 0)
		rc = STORE_NOTFOUND;
	else {
		snprintf(out->code, sizeof out->code, "%s",
		    PQgetvalue(r, 0, 0));
		out->status = (int)hubpg_col(r, 0, 1);
		out->delivery = (int)hubpg_col(r, 0, 2);
		out->received_at = hubpg_col(r, 0, 3);
		out->due_at = hubpg_col(r, 0, 4);
		out->updated_at = hubpg_col(r, 0, 5);
		out->apology_due_at = hubpg_col(r, 0, 6);
		snprintf(out->procedure_name, sizeof out->procedure_name, "%s",
		    PQgetvalue(r, 0, 7));
		snprintf(out->masked_name, sizeof out->masked_name, "%s",
		    PQgetvalue(r, 0, 8));
		snprintf(out->collect_at, sizeof out->collect_at, "%s",
		    PQgetvalue(r, 0, 9));
		rc = STORE_OK;
	}
	PQclear(r);
	return rc;
}

static json_t *
pg_codes(struct hubstore *hs, const char *terminal, int64_t from, int64_t to,
    const char *after, int limit)
{
	struct hub_pg *h = (struct hub_pg *)hs;
	struct params p = { .n = 0 };
	json_int_t counts[4] = { 0 };
	json_t *codes;
	PGresult *r;
	int rows, n;

	if (pg_ready(h, NULL) == -1)
		return NULL;
	p_text(&p, terminal);
	p_int(&p, from);
	p_int(&p, to);
	r = pq(h, P_COUNTS, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return NULL;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		int64_t ch = hubpg_col(r, i, 0);

		if (ch >= 1 && ch <= 3)
			counts[ch] = hubpg_col(r, i, 1);
	}
	PQclear(r);
	p_text(&p, after != NULL ? after : "");
	p_opt(&p, limit > 0 ? limit + 1 : 0); /* NULL: no limit */
	r = pq(h, P_CODES, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return NULL;
	}
	rows = PQntuples(r);
	codes = json_array();
	for (n = 0; n < rows && (limit <= 0 || n < limit); n++)
		json_array_append_new(codes, json_string(PQgetvalue(r, n, 0)));
	PQclear(r);
	return hubstore_codes_reply(counts, codes, limit,
	    limit > 0 && rows > limit);
}

/* One attempt: STORE_* or -1 (retry). */
static int
set_status_once(struct hub_pg *h, const char *code, int status, int64_t due_at,
    const char *reason, int64_t now, char *err)
{
	struct params p = { .n = 0 };
	char terminal[128], agency[64], field[513];
	struct hub_facts before, after;
	struct hub_deltas d = { 0 };
	int64_t rev, seq;
	PGresult *r;

	if (hubpg_exec(h, "BEGIN", err) == -1)
		return lost(h) ? -1 : STORE_ERROR;
	h->in_tx = true;
	/* the row locked, its facts before the change */
	p_text(&p, code);
	r = pq(h, P_DOSSIER_GET, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		goto fail;
	if (PQntuples(r) == 1) {
		facts_cols(r, 5, &before, field, sizeof field);
		PQclear(r);
		after = before;
		hubstore_facts_status(&after, status, due_at, now);
		hubstore_agency_of(code, agency, sizeof agency);
		p.n = 0;
		p_text(&p, code);
		p_facts(&p, &after);
		r = pq(h, P_FACTS_SET, &p);
		if (!hubpg_ok(r))
			goto fail;
		PQclear(r);
		if (hubstore_deltas_add(&d, agency, field, &before, &after) ==
		    -1) {
			r = oom_result(h);
			goto fail;
		}
		r = days_write(h, &d);
		hubstore_deltas_free(&d);
		if (r != NULL)
			goto fail;
	} else
		PQclear(r);
	p.n = 0;
	p_text(&p, code);
	p_int(&p, status);
	p_opt(&p, due_at);
	p_int(&p, now);
	r = pq(h, P_DOSSIER_UPSTREAM, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		goto fail;
	if (PQntuples(r) == 0) {
		PQclear(r);
		hubpg_exec(h, "ROLLBACK", NULL);
		h->in_tx = false;
		hubstore_err(err, "code: no dossier %s", code);
		return STORE_NOTFOUND;
	}
	rev = hubpg_col(r, 0, 0);
	snprintf(terminal, sizeof terminal, "%s", PQgetvalue(r, 0, 1));
	PQclear(r);
	p.n = 0;
	p_text(&p, terminal);
	r = pq(h, P_NEXT_SEQ, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		goto fail;
	seq = hubpg_col(r, 0, 0);
	PQclear(r);
	p.n = 0;
	p_text(&p, terminal);
	p_int(&p, seq);
	p_text(&p, code);
	p_int(&p, status);
	p_int(&p, rev);
	p_int(&p, now);
	p_opt(&p, due_at);
	p_text(&p, reason);
	r = pq(h, P_CHANGE_PUT, &p);
	if (!hubpg_ok(r))
		goto fail;
	PQclear(r);
	r = add_event(h, code, "upstream", now, status, true, NULL);
	if (!hubpg_ok(r))
		goto fail;
	PQclear(r);
	r = PQexec(h->conn, "COMMIT");
	if (!hubpg_ok(r))
		goto fail;
	PQclear(r);
	h->in_tx = false;
	return STORE_OK;
fail:
	hubstore_deltas_free(&d);
	hubpg_err(h, r, err);
	{
		int retry = retryable(r);

		PQclear(r);
		hubpg_exec(h, "ROLLBACK", NULL);
		h->in_tx = false;
		/* a status change is not idempotent: after a COMMIT whose
		 * answer was lost it is not made again (the staff see the
		 * error and look) */
		return retry ? -1 : STORE_ERROR;
	}
}

static enum store_rc
pg_set_status(struct hubstore *hs, const char *code, int status, int64_t due_at,
    const char *reason, int64_t now, char *err)
{
	struct hub_pg *h = (struct hub_pg *)hs;
	int rc = -1;

	if (pg_ready(h, err) == -1)
		return STORE_ERROR;
	for (int i = 0; i < PG_RETRIES && rc == -1; i++)
		rc = set_status_once(h, code, status, due_at, reason, now, err);
	return rc == -1 ? STORE_ERROR : (enum store_rc)rc;
}

static json_t *
pg_dump(struct hubstore *hs, const char *terminal)
{
	struct hub_pg *h = (struct hub_pg *)hs;
	struct params p = { .n = 0 };
	json_t *all;
	PGresult *r;

	if (pg_ready(h, NULL) == -1)
		return NULL;
	p_text(&p, terminal);
	r = pq(h, P_DUMP, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return NULL;
	}
	all = json_object();
	for (int i = 0; i < PQntuples(r); i++)
		json_object_set_new(all, PQgetvalue(r, i, 0),
		    json_pack("{s:s,s:i,s:I,s:I}", "terminal",
		        PQgetvalue(r, i, 1), "status", (int)hubpg_col(r, i, 2),
		        "due_at", (json_int_t)hubpg_col(r, i, 3), "events",
		        (json_int_t)hubpg_col(r, i, 4)));
	PQclear(r);
	return all;
}

static int64_t
pg_prune_keys(struct hubstore *hs, int64_t before, int limit)
{
	struct hub_pg *h = (struct hub_pg *)hs;
	struct params p = { .n = 0 };
	int64_t n = -1;
	PGresult *r;

	if (pg_ready(h, NULL) == -1)
		return -1;
	p_int(&p, before);
	p_int(&p, limit);
	r = pq(h, P_PRUNE_KEYS, &p);
	if (PQresultStatus(r) == PGRES_COMMAND_OK)
		n = strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return n;
}

/* The open dossiers with supplements (P_OPENS_*), their events folded
 * into each one's facts as of the period's end. */
static int
report_open_supp(const PGresult *r, struct hub_report_acc *acc)
{
	struct rrule_facts f;
	int rows = PQntuples(r);

	for (int i = 0; i < rows; i++) {
		/* rows of one dossier are adjacent (ordered by code) */
		if (i == 0 ||
		    strcmp(PQgetvalue(r, i, 9), PQgetvalue(r, i - 1, 9)) != 0) {
			memset(&f, 0, sizeof f);
			f.recv = hubpg_col(r, i, 2);
			f.due = hubpg_col(r, i, 3);
			f.status = (int)hubpg_col(r, i, 4);
		}
		if (!PQgetisnull(r, i, 6))
			rrule_supplement(&f, hubpg_col(r, i, 5) != 0,
			    hubpg_col(r, i, 6),
			    !PQgetisnull(r, i, 7) && !PQgetisnull(r, i, 8),
			    hubpg_col(r, i, 7), hubpg_col(r, i, 8));
		if ((i + 1 == rows ||
		        strcmp(PQgetvalue(r, i, 9), PQgetvalue(r, i + 1, 9)) !=
		            0) &&
		    hubstore_acc_open(acc, PQgetvalue(r, i, 0),
		        (int)hubpg_col(r, i, 1), &f) == -1)
			return -1;
	}
	return 0;
}

static int
pg_report(struct hubstore *hs, int kind, int from_day, int to_day,
    const char *agency, struct hub_report_acc *acc)
{
	struct hub_pg *h = (struct hub_pg *)hs;
	struct params p = { .n = 0 };
	PGresult *r;
	int rc = 0;

	if (pg_ready(h, NULL) == -1)
		return -1;
	p_int(&p, from_day);
	p_int(&p, to_day);
	p_int(&p, kind);
	p_text(&p, agency);
	r = pq(h, P_DAYS, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	for (int i = 0; rc == 0 && i < PQntuples(r); i++) {
		int64_t n[HUBSTORE_DAYS_COLS];

		for (int c = 0; c < HUBSTORE_DAYS_COLS; c++)
			n[c] = hubpg_col(r, i, 2 + c);
		rc = hubstore_acc_days(acc, PQgetvalue(r, i, 0),
		    (int)hubpg_col(r, i, 1), n);
	}
	PQclear(r);
	if (rc == -1)
		return -1;
	p.n = 0;
	p_int(&p, hubstore_acc_end(acc));
	p_text(&p, agency);
	r = pq(h, kind == HUB_BY_AGENCY ? P_OPEN_A : P_OPEN_F, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	for (int i = 0; rc == 0 && i < PQntuples(r); i++)
		rc = hubstore_acc_pending(acc, PQgetvalue(r, i, 0),
		    (int)hubpg_col(r, i, 1), hubpg_col(r, i, 2),
		    hubpg_col(r, i, 3));
	PQclear(r);
	if (rc == -1)
		return -1;
	r = pq(h, kind == HUB_BY_AGENCY ? P_OPENS_A : P_OPENS_F, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return -1;
	}
	rc = report_open_supp(r, acc);
	PQclear(r);
	return rc;
}

static int
pg_seen(struct hubstore *hs, const char *terminal, int64_t now)
{
	struct hub_pg *h = (struct hub_pg *)hs;
	struct params p = { .n = 0 };
	PGresult *r;
	int rc;

	if (pg_ready(h, NULL) == -1)
		return -1;
	p_text(&p, terminal);
	p_int(&p, now);
	r = pq(h, P_OFFICE_SEEN, &p);
	rc = hubpg_ok(r) ? 0 : -1;
	PQclear(r);
	return rc;
}

static json_t *
pg_offices(struct hubstore *hs)
{
	struct hub_pg *h = (struct hub_pg *)hs;
	struct params p = { .n = 0 };
	json_t *rows;
	PGresult *r;

	if (pg_ready(h, NULL) == -1)
		return NULL;
	r = pq(h, P_OFFICES, &p);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		PQclear(r);
		return NULL;
	}
	rows = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		const char *col[9];

		for (int c = 0; c < 9; c++)
			col[c] =
			    PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c);
		json_array_append_new(rows, hubstore_office_row(col));
	}
	PQclear(r);
	return rows;
}

static int
pg_rebuild(struct hubstore *hs, char *err)
{
	struct hub_pg *h = (struct hub_pg *)hs;

	if (pg_ready(h, err) == -1 || hubpg_exec(h, "BEGIN", err) == -1)
		return -1;
	h->in_tx = true;
	if (hubpg_exec(h, "LOCK TABLE hub_report_days IN EXCLUSIVE MODE",
	        err) == -1 ||
	    hubpg_rebuild_days(h, err) == -1) {
		hubpg_exec(h, "ROLLBACK", NULL);
		h->in_tx = false;
		return -1;
	}
	h->in_tx = false;
	return hubpg_exec(h, "COMMIT", err);
}

static const struct hubstore_ops pg_ops = {
	.rebuild = pg_rebuild,
	.close = pg_close,
	.push = pg_push,
	.pull = pg_pull,
	.lookup = pg_lookup,
	.codes = pg_codes,
	.set_status = pg_set_status,
	.dump = pg_dump,
	.prune_keys = pg_prune_keys,
	.report = pg_report,
	.seen = pg_seen,
	.offices = pg_offices,
};
