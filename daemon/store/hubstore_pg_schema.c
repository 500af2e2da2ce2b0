/* hubstore_pg_schema.c: the PostgreSQL hub's schema: its migrations,
 * applied by one hub at a time under an advisory lock, and the rebuild of
 * the province report's daily counts from every dossier (a migration
 * from before them, or hubstore_rebuild_report). See hubstore_pg.c. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "lib/buf.h"
#include "store/hubstore_pg_int.h"

/* pg_advisory_xact_lock's key of the schema migrations: "motcuahb" */
#define PG_MIGRATE_LOCK "7813293750212043362"

/* The schema, one entry per version, each applied in the transaction
 * that holds the advisory lock. Append only; never edit a shipped one. */
static const char *const migrations[] = {
	/* 1: the initial schema, the SQLite hub's with the province's rules
	 * as constraints (see the top of this file) */
	"CREATE TABLE hub_keys ("
	" key text PRIMARY KEY," /* idempotency key, hex */
	" terminal text NOT NULL,"
	" at bigint NOT NULL);"
	"CREATE INDEX hub_keys_at ON hub_keys(at);"
	"CREATE TABLE hub_dossiers ("
	" code text PRIMARY KEY,"
	" terminal text NOT NULL,"
	" channel integer NOT NULL,"
	" delivery integer NOT NULL,"
	" status integer NOT NULL,"
	" received_at bigint NOT NULL,"
	" due_at bigint,"
	" apology_due_at bigint,"
	" updated_at bigint NOT NULL,"
	" rev bigint NOT NULL DEFAULT 0,"
	" last_seq bigint NOT NULL,"
	" token_sha256 text UNIQUE,"
	" procedure_name text,"
	" masked_name text NOT NULL,"
	" collect_at text,"
	" record text NOT NULL);"
	"CREATE INDEX hub_dossiers_terminal"
	" ON hub_dossiers(terminal, received_at);"
	"CREATE TABLE hub_events ("
	" id bigserial PRIMARY KEY,"
	" code text NOT NULL,"
	" source text NOT NULL,"
	" at bigint NOT NULL,"
	" status integer NOT NULL,"
	" applied boolean NOT NULL,"
	" body text);"
	"CREATE INDEX hub_events_code ON hub_events(code);"
	"CREATE TABLE hub_terminals ("
	" terminal text PRIMARY KEY,"
	" change_seq bigint NOT NULL);"
	"CREATE TABLE hub_changes ("
	" terminal text NOT NULL,"
	" seq bigint NOT NULL," /* the pull cursor's position */
	" code text NOT NULL,"
	" status integer NOT NULL,"
	" rev bigint NOT NULL,"
	" at bigint NOT NULL,"
	" due_at bigint,"
	" reason text,"
	" PRIMARY KEY (terminal, seq));",
	/* 2: the province report reads a period of every terminal */
	"CREATE INDEX hub_dossiers_received ON hub_dossiers(received_at);",
	/* 3: each office's last push, backlog and errors (hubstore_offices) */
	"CREATE TABLE hub_offices ("
	" terminal text PRIMARY KEY,"
	" last_push_at bigint,"
	" last_seen_at bigint,"
	" backlog bigint,"
	" pushes bigint NOT NULL,"
	" items bigint NOT NULL,"
	" rejected bigint NOT NULL,"
	" last_error text,"
	" last_error_at bigint);",
	/* 4: the province report counted with the office report's rules
	 * (hubstore_int.h, "the province report"): each dossier's report
	 * facts, its supplement events, the daily counts (filled by
	 * rebuild_days once this has run) and the indexes of the dossiers
	 * open at an instant. Existing rows get their facts from the events
	 * the hub kept. */
	"ALTER TABLE hub_dossiers ADD COLUMN agency text,"
	" ADD COLUMN field text, ADD COLUMN finished_at bigint,"
	" ADD COLUMN returned_at bigint, ADD COLUMN ended_at bigint,"
	" ADD COLUMN supp_req integer NOT NULL DEFAULT 0,"
	" ADD COLUMN supp_comp integer NOT NULL DEFAULT 0,"
	" ADD COLUMN supp_net bigint NOT NULL DEFAULT 0,"
	" ADD COLUMN supp_last bigint, ADD COLUMN due0 bigint;"
	"CREATE TABLE hub_supp ("
	" code text NOT NULL,"
	" at bigint NOT NULL,"
	" request integer NOT NULL,"
	" due_before bigint,"
	" due_after bigint);"
	"CREATE INDEX hub_supp_code ON hub_supp(code, at);"
	"INSERT INTO hub_supp SELECT code, at,"
	" (body::jsonb->'event'->>'kind' = 'supplement_request')::int,"
	" CASE WHEN body::jsonb->'event'->>'kind' = 'supplement_complete'"
	" THEN (body::jsonb->'event'->>'due_before')::bigint END,"
	" CASE WHEN body::jsonb->'event'->>'kind' = 'supplement_complete'"
	" THEN (body::jsonb->>'due_at')::bigint END"
	" FROM hub_events WHERE applied AND body IS NOT NULL"
	" AND body::jsonb->'event'->>'kind'"
	" IN ('supplement_request', 'supplement_complete');"
	"UPDATE hub_dossiers d SET"
	" agency = split_part(code, '-', 1),"
	" field = record::jsonb->>'field',"
	" finished_at = (SELECT min(at) FROM hub_events e"
	"  WHERE e.code = d.code AND e.applied AND e.status IN (3, 7, 8, 9)),"
	" returned_at = (SELECT min(at) FROM hub_events e"
	"  WHERE e.code = d.code AND e.applied AND e.status = 10),"
	" supp_req = (SELECT count(*) FROM hub_supp s"
	"  WHERE s.code = d.code AND s.request = 1),"
	" supp_comp = (SELECT count(*) FROM hub_supp s"
	"  WHERE s.code = d.code AND s.request = 0),"
	" supp_net = (SELECT coalesce(sum(CASE WHEN s.request = 1"
	"  THEN -s.at ELSE s.at END), 0) FROM hub_supp s"
	"  WHERE s.code = d.code),"
	" supp_last = (SELECT max(at) FROM hub_supp s"
	"  WHERE s.code = d.code AND s.request = 1),"
	" due0 = (SELECT min(due_before) FROM hub_supp s"
	"  WHERE s.code = d.code AND s.request = 0"
	"  AND s.due_before IS NOT NULL AND s.due_after IS NOT NULL"
	"  AND s.due_before <> s.due_after);"
	"UPDATE hub_dossiers SET ended_at = coalesce(finished_at,"
	" returned_at);"
	"CREATE INDEX hub_dossiers_open ON hub_dossiers(received_at)"
	" WHERE ended_at IS NULL;"
	"CREATE INDEX hub_dossiers_ended ON hub_dossiers(ended_at);"
	"CREATE TABLE hub_report_days ("
	" kind integer NOT NULL," /* HUB_BY_AGENCY, HUB_BY_FIELD */
	" key text NOT NULL,"
	" channel integer NOT NULL,"
	" day integer NOT NULL," /* local day (core/calendar.h) */
	" recv bigint NOT NULL, leave bigint NOT NULL,"
	" early bigint NOT NULL, on_time bigint NOT NULL,"
	" late bigint NOT NULL, ret_post bigint NOT NULL,"
	" not_accepted bigint NOT NULL, refused bigint NOT NULL,"
	" PRIMARY KEY (kind, key, channel, day));",
};

#define PG_SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))
const int hubstore_pg_version = PG_SCHEMA_VERSION;

/* Brings the schema up to date under the advisory lock, in one
 * transaction: a second hub starting at the same moment waits, then
 * finds the version current. */
/* The migration that brought the daily counts: a database from before it
 * has them filled from its dossiers' facts (the counts are a sum over
 * the dossiers, so this equals what the pushes would have added). */
#define PG_DAYS_VERSION 4

/* COPY's text format for a key: backslash, tab, newline and carriage
 * return escaped (a field name is staff-typed text). */
static void
copy_key(struct buf *b, const char *k)
{
	for (; *k != '\0'; k++) {
		const char *e = *k == '\\' ? "\\\\"
		    : *k == '\t'           ? "\\t"
		    : *k == '\n'           ? "\\n"
		    : *k == '\r'           ? "\\r"
		                           : NULL;

		/* failures are sticky: the caller checks buf_error */
		if ((e != NULL ? buf_add(b, e, 2) : buf_add(b, k, 1)) < 0)
			return;
	}
}

static int
copy_days(struct hub_pg *h, const struct hub_deltas *d, char *err)
{
	struct buf b;
	PGresult *r;
	int rc = 0;

	r = PQexec(h->conn,
	    "COPY hub_report_days (kind, key, channel, day, recv, leave,"
	    " early, on_time, late, ret_post, not_accepted, refused)"
	    " FROM STDIN");
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		hubpg_err(h, r, err);
		PQclear(r);
		return -1;
	}
	PQclear(r);
	buf_init(&b, 4u << 20);
	for (size_t i = 0; rc == 0 && i < d->n; i++) {
		const struct hub_day_delta *v = &d->v[i];

		int bad = buf_addf(&b, "%d\t", v->kind);

		copy_key(&b, v->key);
		bad |= buf_addf(&b, "\t%d\t%d", v->channel, v->day);
		for (int c = 0; c < HRC_N; c++)
			bad |= buf_addf(&b, "\t%" PRId64, v->n[c]);
		bad |= buf_add(&b, "\n", 1);
		if (bad < 0 || buf_error(&b) != 0)
			rc = -1;
		else if (buf_len(&b) >= 1 << 20 || i + 1 == d->n) {
			if (PQputCopyData(h->conn, buf_ptr(&b),
			        (int)buf_len(&b)) != 1)
				rc = -1;
			buf_reset(&b);
		}
	}
	buf_cleanup(&b);
	if (PQputCopyEnd(h->conn, rc == 0 ? NULL : "rebuild failed") != 1)
		rc = -1;
	r = PQgetResult(h->conn);
	if (!hubpg_ok(r)) {
		hubpg_err(h, r, err);
		rc = -1;
	}
	PQclear(r);
	while ((r = PQgetResult(h->conn)) != NULL)
		PQclear(r);
	return rc;
}

int
hubpg_rebuild_days(struct hub_pg *h, char *err)
{
	struct hub_deltas d = { 0 };
	PGresult *r;
	int rc = 0;

	err[0] = '\0';
	if (hubpg_exec(h, "DELETE FROM hub_report_days", err) == -1)
		return -1;
	/* a server-side cursor: a province's dossiers do not fit in one
	 * result in memory */
	if (hubpg_exec(h,
	        "DECLARE hub_facts_all NO SCROLL CURSOR FOR SELECT " HUBSTORE_FACTS_COLS
	        " FROM hub_dossiers",
	        err) == -1)
		return -1;
	for (;;) {
		int n;

		r = PQexec(h->conn, "FETCH 100000 FROM hub_facts_all");
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			hubpg_err(h, r, err);
			PQclear(r);
			hubstore_deltas_free(&d);
			return -1;
		}
		if ((n = PQntuples(r)) == 0) {
			PQclear(r);
			break;
		}
		for (int i = 0; rc == 0 && i < n; i++) {
			int64_t v[HUBSTORE_FACTS_NINT];
			struct hub_facts x;

			for (int k = 0; k < HUBSTORE_FACTS_NINT; k++)
				v[k] = hubpg_col(r, i, 2 + k);
			hubstore_facts_read(&x, v);
			rc = hubstore_deltas_add(&d, PQgetvalue(r, i, 0),
			    PQgetvalue(r, i, 1), NULL, &x);
		}
		PQclear(r);
		if (rc == -1)
			break;
		if (d.n >= HUBSTORE_DELTAS_MERGE_AT)
			hubstore_deltas_merge(&d);
	}
	if (rc == 0 && hubpg_exec(h, "CLOSE hub_facts_all", err) == -1)
		rc = -1;

	hubstore_deltas_merge(&d);
	/* the table is empty and the rows distinct: COPY them in */
	if (rc == 0)
		rc = copy_days(h, &d, err);
	if (rc == -1 && err[0] == '\0')
		hubstore_err(err, "daily counts: out of memory");
	hubstore_deltas_free(&d);
	return rc;
}

int
hubpg_migrate(struct hub_pg *h, char *err)
{
	PGresult *r;
	char setv[96];
	int v, v0;

	if (hubpg_exec(h, "BEGIN", err) == -1)
		return -1;
	if (hubpg_exec(h, "SELECT pg_advisory_xact_lock(" PG_MIGRATE_LOCK ")",
	        err) == -1 ||
	    hubpg_exec(h,
	        "CREATE TABLE IF NOT EXISTS hub_schema"
	        " (version integer NOT NULL)",
	        err) == -1)
		goto fail;
	r = PQexec(h->conn, "SELECT max(version) FROM hub_schema");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		hubpg_err(h, r, err);
		PQclear(r);
		goto fail;
	}
	v0 = v = (int)hubpg_col(r, 0, 0);
	PQclear(r);
	if (v > PG_SCHEMA_VERSION) {
		hubstore_err(err,
		    "schema version %d is newer than this motcuad (%d)", v,
		    PG_SCHEMA_VERSION);
		goto fail;
	}
	for (; v < PG_SCHEMA_VERSION; v++) {
		if (hubpg_exec(h, migrations[v], err) == -1) {
			char inner[HUBSTORE_ERR_MAX];

			snprintf(inner, sizeof inner, "%s", err);
			hubstore_err(err, "migration %d: %s", v + 1, inner);
			goto fail;
		}
		snprintf(setv, sizeof setv,
		    "DELETE FROM hub_schema; INSERT INTO hub_schema"
		    " VALUES (%d)",
		    v + 1);
		if (hubpg_exec(h, setv, err) == -1)
			goto fail;
	}
	if (v0 < PG_DAYS_VERSION && hubpg_rebuild_days(h, err) == -1)
		goto fail;
	return hubpg_exec(h, "COMMIT", err);
fail:
	hubpg_exec(h, "ROLLBACK", NULL);
	return -1;
}
