/* hubstore_sqlite.c: the hub's storage on SQLite, the embedded default.
 * See hubstore.h. One connection, WAL, synchronous FULL: a push
 * acknowledged to a terminal is on disk. Statements are prepared once at
 * open. Writers are serialized by BEGIN IMMEDIATE, so the global change
 * sequence is committed in order and is the pull cursor as it is. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store/hubstore_int.h"

/* The schema, one entry per version: migrations[i] takes user_version i
 * to i + 1 inside one transaction. Append only; never edit a shipped one.
 * Migration 1 is the schema hubs created before user_version was kept
 * (version 0 with these tables): IF NOT EXISTS lets such a database adopt
 * it unchanged, keeping its data. */
static const char *const migrations[] = {
	/* 1: the initial schema */
	"CREATE TABLE IF NOT EXISTS hub_keys ("
	" key TEXT PRIMARY KEY NOT NULL," /* idempotency key, hex */
	" terminal TEXT NOT NULL,"
	" at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS hub_dossiers ("
	" code TEXT PRIMARY KEY NOT NULL,"
	" terminal TEXT NOT NULL,"
	" channel INTEGER NOT NULL,"
	" delivery INTEGER NOT NULL,"
	" status INTEGER NOT NULL,"
	" received_at INTEGER NOT NULL,"
	" due_at INTEGER,"
	" apology_due_at INTEGER,"
	" updated_at INTEGER NOT NULL,"
	" rev INTEGER NOT NULL DEFAULT 0," /* upstream changes made here */
	" last_seq INTEGER NOT NULL,"      /* terminal's last event applied */
	" token_sha256 TEXT,"
	" procedure_name TEXT,"
	" masked_name TEXT NOT NULL,"
	" collect_at TEXT,"
	" record TEXT NOT NULL" /* the intake record as pushed */
	") WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS hub_dossiers_token"
	" ON hub_dossiers(token_sha256);"
	"CREATE INDEX IF NOT EXISTS hub_dossiers_terminal"
	" ON hub_dossiers(terminal, received_at);"
	"CREATE TABLE IF NOT EXISTS hub_events ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL,"
	" source TEXT NOT NULL," /* terminal name, or 'upstream' */
	" at INTEGER NOT NULL,"
	" status INTEGER NOT NULL,"
	" applied INTEGER NOT NULL," /* 0: superseded by upstream */
	" body TEXT"
	");"
	"CREATE INDEX IF NOT EXISTS hub_events_code ON hub_events(code);"
	"CREATE TABLE IF NOT EXISTS hub_changes ("
	" seq INTEGER PRIMARY KEY," /* the pull cursor's position */
	" terminal TEXT NOT NULL,"
	" code TEXT NOT NULL,"
	" status INTEGER NOT NULL,"
	" rev INTEGER NOT NULL,"
	" at INTEGER NOT NULL,"
	" due_at INTEGER,"
	" reason TEXT"
	");"
	"CREATE INDEX IF NOT EXISTS hub_changes_terminal"
	" ON hub_changes(terminal, seq);",
	/* 2: repairs what hubs took before every field was range-checked
	 * (issue 14): an upstream change whose due_at or status the
	 * terminals' pull parser refuses made every later pull fail, and a
	 * seq near INT64_MAX froze a dossier. Such times become "none",
	 * such changes go (they never reached a terminal), and a seq past
	 * SP_SEQ_MAX (2^40) restarts at 0, so later events apply again. */
	"UPDATE hub_changes SET due_at = NULL WHERE due_at IS NOT NULL"
	" AND due_at NOT BETWEEN 946684800 AND 4102444800;"
	"DELETE FROM hub_changes WHERE status NOT BETWEEN 1 AND 10;"
	"UPDATE hub_dossiers SET due_at = NULL WHERE due_at IS NOT NULL"
	" AND due_at NOT BETWEEN 946684800 AND 4102444800;"
	"UPDATE hub_dossiers SET apology_due_at = NULL"
	" WHERE apology_due_at IS NOT NULL"
	" AND apology_due_at NOT BETWEEN 946684800 AND 4102444800;"
	"UPDATE hub_dossiers SET last_seq = 0"
	" WHERE last_seq > 1099511627776;",
	/* 3: keys are pruned by age (hub.key_retention_days) */
	"CREATE INDEX IF NOT EXISTS hub_keys_at ON hub_keys(at);",
	/* 4: the province report reads a period of every terminal */
	"CREATE INDEX IF NOT EXISTS hub_dossiers_received"
	" ON hub_dossiers(received_at);",
	/* 5: each office's last push, backlog and errors (hubstore_offices) */
	"CREATE TABLE IF NOT EXISTS hub_offices ("
	" terminal TEXT PRIMARY KEY NOT NULL,"
	" last_push_at INTEGER,"
	" last_seen_at INTEGER,"
	" backlog INTEGER,"
	" pushes INTEGER NOT NULL,"
	" items INTEGER NOT NULL,"
	" rejected INTEGER NOT NULL,"
	" last_error TEXT,"
	" last_error_at INTEGER"
	") WITHOUT ROWID;",
	/* 6: the province report counted with the office report's rules
	 * (hubstore_int.h, "the province report"): each dossier's report
	 * facts, its supplement events, the daily counts (filled by
	 * sqlite_rebuild_days once this has run) and the indexes of the
	 * dossiers open at an instant. Existing rows get their facts from
	 * the events the hub kept. */
	"ALTER TABLE hub_dossiers ADD COLUMN agency TEXT;"
	"ALTER TABLE hub_dossiers ADD COLUMN field TEXT;"
	"ALTER TABLE hub_dossiers ADD COLUMN finished_at INTEGER;"
	"ALTER TABLE hub_dossiers ADD COLUMN returned_at INTEGER;"
	"ALTER TABLE hub_dossiers ADD COLUMN ended_at INTEGER;"
	"ALTER TABLE hub_dossiers ADD COLUMN supp_req INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE hub_dossiers ADD COLUMN supp_comp INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE hub_dossiers ADD COLUMN supp_net INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE hub_dossiers ADD COLUMN supp_last INTEGER;"
	"ALTER TABLE hub_dossiers ADD COLUMN due0 INTEGER;"
	"CREATE TABLE hub_supp ("
	" code TEXT NOT NULL,"
	" at INTEGER NOT NULL,"
	" request INTEGER NOT NULL,"
	" due_before INTEGER,"
	" due_after INTEGER);"
	"CREATE INDEX hub_supp_code ON hub_supp(code, at);"
	"INSERT INTO hub_supp SELECT code, at,"
	" json_extract(body, '$.event.kind') = 'supplement_request',"
	" CASE WHEN json_extract(body, '$.event.kind') ="
	" 'supplement_complete' THEN json_extract(body,"
	" '$.event.due_before') END,"
	" CASE WHEN json_extract(body, '$.event.kind') ="
	" 'supplement_complete' THEN json_extract(body, '$.due_at') END"
	" FROM hub_events WHERE applied AND body IS NOT NULL"
	" AND json_valid(body) AND json_extract(body, '$.event.kind')"
	" IN ('supplement_request', 'supplement_complete');"
	"UPDATE hub_dossiers SET"
	" agency = substr(code, 1, instr(code, '-') - 1),"
	" field = json_extract(record, '$.field'),"
	" finished_at = (SELECT min(at) FROM hub_events e"
	"  WHERE e.code = hub_dossiers.code AND e.applied"
	"  AND e.status IN (3, 7, 8, 9)),"
	" returned_at = (SELECT min(at) FROM hub_events e"
	"  WHERE e.code = hub_dossiers.code AND e.applied AND e.status = 10),"
	" supp_req = (SELECT count(*) FROM hub_supp s"
	"  WHERE s.code = hub_dossiers.code AND s.request),"
	" supp_comp = (SELECT count(*) FROM hub_supp s"
	"  WHERE s.code = hub_dossiers.code AND NOT s.request),"
	" supp_net = (SELECT coalesce(sum(CASE WHEN s.request THEN -s.at"
	"  ELSE s.at END), 0) FROM hub_supp s"
	"  WHERE s.code = hub_dossiers.code),"
	" supp_last = (SELECT max(at) FROM hub_supp s"
	"  WHERE s.code = hub_dossiers.code AND s.request),"
	" due0 = (SELECT min(due_before) FROM hub_supp s"
	"  WHERE s.code = hub_dossiers.code AND NOT s.request"
	"  AND s.due_before IS NOT NULL AND s.due_after IS NOT NULL"
	"  AND s.due_before <> s.due_after);"
	"UPDATE hub_dossiers SET ended_at = coalesce(finished_at,"
	" returned_at);"
	"CREATE INDEX hub_dossiers_open ON hub_dossiers(received_at)"
	" WHERE ended_at IS NULL;"
	"CREATE INDEX hub_dossiers_ended ON hub_dossiers(ended_at);"
	"CREATE TABLE hub_report_days ("
	" kind INTEGER NOT NULL," /* HUB_BY_AGENCY, HUB_BY_FIELD */
	" key TEXT NOT NULL,"
	" channel INTEGER NOT NULL,"
	" day INTEGER NOT NULL," /* local day (core/calendar.h) */
	" recv INTEGER NOT NULL, leave INTEGER NOT NULL,"
	" early INTEGER NOT NULL, on_time INTEGER NOT NULL,"
	" late INTEGER NOT NULL, ret_post INTEGER NOT NULL,"
	" not_accepted INTEGER NOT NULL, refused INTEGER NOT NULL,"
	" PRIMARY KEY (kind, key, channel, day)) WITHOUT ROWID;",
};

#define HUB_SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))
const int hubstore_sqlite_version = HUB_SCHEMA_VERSION;

enum hq {
	H_BEGIN,
	H_COMMIT,
	H_ROLLBACK,
	H_KEY_GET,
	H_KEY_PUT,
	H_DOSSIER_GET,
	H_DOSSIER_PUT,
	H_TOKEN_TAKEN,
	H_DOSSIER_STATUS,
	H_DOSSIER_UPSTREAM,
	H_EVENT_PUT,
	H_CHANGE_PUT,
	H_PULL,
	H_LOOKUP,
	H_COUNTS,
	H_CODES,
	H_DUMP,
	H_PRUNE_KEYS,
	H_FACTS_SET,
	H_SUPP_PUT,
	H_DAYS_ADD,
	H_DAYS,
	H_OPEN_A,
	H_OPEN_F,
	H_OPENS_A,
	H_OPENS_F,
	H_OFFICE_PUSH,
	H_OFFICE_SEEN,
	H_OFFICES,
	H_COUNT
};

static const char *const hsql[H_COUNT] = {
	[H_BEGIN] = "BEGIN IMMEDIATE",
	[H_COMMIT] = "COMMIT",
	[H_ROLLBACK] = "ROLLBACK",
	[H_KEY_GET] = "SELECT terminal FROM hub_keys WHERE key = ?1",
	[H_KEY_PUT] = "INSERT INTO hub_keys(key, terminal, at)"
	              " VALUES (?1, ?2, ?3)",
	[H_DOSSIER_GET] =
	    "SELECT terminal, status, rev, last_seq, record, " HUBSTORE_FACTS_COLS
	    " FROM hub_dossiers WHERE code = ?1",
	[H_DOSSIER_PUT] =
	    "INSERT INTO hub_dossiers(code, terminal, channel, delivery,"
	    " status, received_at, due_at, updated_at, last_seq,"
	    " token_sha256, procedure_name, masked_name, collect_at, record,"
	    " agency, field, finished_at, returned_at, ended_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
	    " ?14, ?15, ?16, ?17, ?18, ?19)",
	[H_TOKEN_TAKEN] = "SELECT 1 FROM hub_dossiers WHERE token_sha256 = ?1",
	[H_DOSSIER_STATUS] =
	    "UPDATE hub_dossiers SET status = ?2,"
	    " due_at = coalesce(?3, due_at),"
	    " apology_due_at = coalesce(?4, apology_due_at),"
	    " updated_at = ?5, last_seq = ?6," HUBSTORE_FACTS_SET("?", "7", "8",
	        "9", "10", "11", "12", "13", "14") " WHERE code = ?1",
	[H_DOSSIER_UPSTREAM] =
	    "UPDATE hub_dossiers SET status = ?2, due_at = coalesce(?3,"
	    " due_at), updated_at = ?4, rev = rev + 1 WHERE code = ?1"
	    " RETURNING rev, terminal",
	[H_EVENT_PUT] = "INSERT INTO hub_events(code, source, at, status,"
	                " applied, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[H_CHANGE_PUT] = "INSERT INTO hub_changes(terminal, code, status, rev,"
	                 " at, due_at, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	                 " ?7)",
	[H_PULL] = "SELECT seq, code, status, rev, at, due_at, reason"
	           " FROM hub_changes WHERE terminal = ?1 AND seq > ?2"
	           " ORDER BY seq LIMIT ?3",
	[H_LOOKUP] = "SELECT code, status, delivery, received_at, due_at,"
	             " updated_at, apology_due_at, procedure_name,"
	             " masked_name, collect_at FROM hub_dossiers"
	             " WHERE token_sha256 = ?1",
	[H_COUNTS] = "SELECT channel, count(*) FROM hub_dossiers"
	             " WHERE terminal = ?1 AND received_at >= ?2"
	             " AND received_at < ?3 GROUP BY channel",
	[H_CODES] = "SELECT code FROM hub_dossiers"
	            " WHERE terminal = ?1 AND received_at >= ?2"
	            " AND received_at < ?3 AND code > ?4 ORDER BY code"
	            " LIMIT ?5",
	[H_DUMP] = "SELECT d.code, d.terminal, d.status, d.due_at,"
	           " (SELECT count(*) FROM hub_events e WHERE e.code = d.code)"
	           " FROM hub_dossiers d WHERE ?1 IS NULL OR d.terminal = ?1",
	[H_PRUNE_KEYS] = "DELETE FROM hub_keys WHERE key IN (SELECT key"
	                 " FROM hub_keys WHERE at < ?1 LIMIT ?2)",
	[H_FACTS_SET] = "UPDATE hub_dossiers SET" HUBSTORE_FACTS_SET("?", "2",
	    "3", "4", "5", "6", "7", "8", "9") " WHERE code = ?1",
	[H_SUPP_PUT] = "INSERT INTO hub_supp(code, at, request, due_before,"
	               " due_after) VALUES (?1, ?2, ?3, ?4, ?5)",
	[H_DAYS_ADD] = HUBSTORE_DAYS_ADD_SQL("?"),
	[H_DAYS] = HUBSTORE_DAYS_SQL("?", ""),
	[H_OPEN_A] = HUBSTORE_OPEN_SIMPLE_SQL("?", "", "agency"),
	[H_OPEN_F] = HUBSTORE_OPEN_SIMPLE_SQL("?", "", "coalesce(field, '')"),
	[H_OPENS_A] = HUBSTORE_OPEN_SUPP_SQL("?", "", "agency"),
	[H_OPENS_F] = HUBSTORE_OPEN_SUPP_SQL("?", "", "coalesce(field, '')"),
	[H_OFFICE_PUSH] = HUBSTORE_OFFICE_PUSH_SQL("?"),
	[H_OFFICE_SEEN] = HUBSTORE_OFFICE_SEEN_SQL("?"),
	[H_OFFICES] = HUBSTORE_OFFICES_SQL " ORDER BY terminal",
};

struct hub_sqlite {
	struct hubstore base;
	sqlite3 *db;               /* owned */
	sqlite3_stmt *st[H_COUNT]; /* owned */
};

static const struct hubstore_ops sqlite_ops;

#define herr hubstore_err

static sqlite3_stmt *
hq(struct hub_sqlite *h, enum hq id)
{
	sqlite3_reset(h->st[id]);
	sqlite3_clear_bindings(h->st[id]);
	return h->st[id];
}

static int
hrun(struct hub_sqlite *h, enum hq id)
{
	int rc = sqlite3_step(h->st[id]);

	sqlite3_reset(h->st[id]);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void
bt(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static void
bi(sqlite3_stmt *st, int i, int64_t v) /* 0: NULL */
{
	if (v == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

/* PRAGMA user_version, or -1. */
static int
schema_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The migration that brought the daily counts: a database from before it
 * has them filled from its dossiers' facts (the counts are a sum over
 * the dossiers, so this equals what the pushes would have added). */
#define HUB_DAYS_VERSION 6

static int
rebuild_days(sqlite3 *db, char *err)
{
	static const char ins[] = HUBSTORE_DAYS_ADD_SQL("?");
	struct hub_deltas d = { 0 };
	sqlite3_stmt *st = NULL, *add = NULL;
	int rc;

	if (sqlite3_exec(db, "DELETE FROM hub_report_days", NULL, NULL, NULL) !=
	        SQLITE_OK ||
	    sqlite3_prepare_v2(db,
	        "SELECT " HUBSTORE_FACTS_COLS " FROM hub_dossiers", -1, &st,
	        NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, ins, -1, &add, NULL) != SQLITE_OK) {
		herr(err, "daily counts: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t v[HUBSTORE_FACTS_NINT];
		struct hub_facts x;
		const unsigned char *f = sqlite3_column_text(st, 1);

		for (int k = 0; k < HUBSTORE_FACTS_NINT; k++)
			v[k] = sqlite3_column_int64(st, 2 + k);
		hubstore_facts_read(&x, v);
		if (hubstore_deltas_add(&d,
		        (const char *)sqlite3_column_text(st, 0),
		        f != NULL ? (const char *)f : "", NULL, &x) == -1) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (d.n >= HUBSTORE_DELTAS_MERGE_AT)
			hubstore_deltas_merge(&d);
	}
	sqlite3_finalize(st);
	hubstore_deltas_merge(&d);
	for (size_t i = 0; rc == SQLITE_DONE && i < d.n; i++) {
		sqlite3_reset(add);
		sqlite3_bind_int(add, 1, d.v[i].kind);
		sqlite3_bind_text(add, 2, d.v[i].key, -1, SQLITE_STATIC);
		sqlite3_bind_int(add, 3, d.v[i].channel);
		sqlite3_bind_int(add, 4, d.v[i].day);
		for (int c = 0; c < HRC_N; c++)
			sqlite3_bind_int64(add, 5 + c, d.v[i].n[c]);
		if (sqlite3_step(add) != SQLITE_DONE)
			rc = SQLITE_ERROR;
	}
	sqlite3_finalize(add);
	hubstore_deltas_free(&d);
	if (rc != SQLITE_DONE) {
		herr(err, "daily counts: %s",
		    rc == SQLITE_NOMEM ? "out of memory" : sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* Applies each missing migration in its own transaction. A database newer
 * than this motcuad is refused: its tables may mean what we cannot tell. */
static int
migrate(sqlite3 *db, const char *path, char *err)
{
	char setv[64], *msg = NULL;
	int v = schema_version(db), v0 = v;

	if (v < 0) {
		herr(err, "%s: %s", path, sqlite3_errmsg(db));
		return -1;
	}
	if (v > HUB_SCHEMA_VERSION) {
		herr(err,
		    "%s: schema version %d is newer than this motcuad (%d)",
		    path, v, HUB_SCHEMA_VERSION);
		return -1;
	}
	for (; v < HUB_SCHEMA_VERSION; v++) {
		snprintf(setv, sizeof setv, "PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) ||
		    sqlite3_exec(db, migrations[v], NULL, NULL, &msg) ||
		    sqlite3_exec(db, setv, NULL, NULL, &msg) ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg)) {
			herr(err, "%s: migration %d: %s", path, v + 1,
			    msg != NULL ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			if (!sqlite3_get_autocommit(db))
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	if (v0 < HUB_DAYS_VERSION) {
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		        SQLITE_OK ||
		    rebuild_days(db, err) == -1 ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			if (!sqlite3_get_autocommit(db))
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

static void sqlite_close(struct hubstore *);

struct hubstore *
hubstore_sqlite_open(const struct hubstore_conf *c, char *err)
{
	struct hub_sqlite *h = calloc(1, sizeof *h);
	const char *path = c->path;
	char *msg = NULL;

	if (h == NULL) {
		herr(err, "out of memory");
		return NULL;
	}
	h->base.ops = &sqlite_ops;
	if (sqlite3_open_v2(path, &h->db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	            SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		herr(err, "%s: %s", path,
		    h->db ? sqlite3_errmsg(h->db) : "cannot open");
		sqlite_close(&h->base);
		return NULL;
	}
	sqlite3_busy_timeout(h->db, c->busy_timeout_ms);
	if (sqlite3_exec(h->db,
	        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", NULL,
	        NULL, &msg) != SQLITE_OK) {
		herr(err, "%s: %s", path, msg ? msg : "pragmas");
		sqlite3_free(msg);
		sqlite_close(&h->base);
		return NULL;
	}
	if (migrate(h->db, path, err) == -1) {
		sqlite_close(&h->base);
		return NULL;
	}
	for (int i = 0; i < H_COUNT; i++)
		if (sqlite3_prepare_v3(h->db, hsql[i], -1,
		        SQLITE_PREPARE_PERSISTENT, &h->st[i],
		        NULL) != SQLITE_OK) {
			herr(err, "preparing %d: %s", i, sqlite3_errmsg(h->db));
			sqlite_close(&h->base);
			return NULL;
		}
	return &h->base;
}

static void
sqlite_close(struct hubstore *hs)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;

	for (int i = 0; i < H_COUNT; i++)
		sqlite3_finalize(h->st[i]);
	sqlite3_close(h->db);
	free(h);
}

static int
add_event(struct hub_sqlite *h, const char *code, const char *source,
    int64_t at, int status, bool applied, json_t *body)
{
	sqlite3_stmt *st = hq(h, H_EVENT_PUT);
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	int rc;

	bt(st, 1, code);
	bt(st, 2, source);
	sqlite3_bind_int64(st, 3, at);
	sqlite3_bind_int(st, 4, status);
	sqlite3_bind_int(st, 5, applied);
	bt(st, 6, text);
	rc = hrun(h, H_EVENT_PUT);
	free(text);
	return rc;
}

/* One valid item inside the push transaction. SQLITE_OK with res filled,
 * or an SQLite error (the caller rolls everything back). */
/* Reads the facts columns of a dossier row from column i on. */
static void
facts_cols(sqlite3_stmt *st, int i, struct hub_facts *x, char *field,
    size_t size)
{
	int64_t v[HUBSTORE_FACTS_NINT];

	snprintf(field, size, "%s",
	    sqlite3_column_type(st, i + 1) == SQLITE_NULL
	        ? ""
	        : (const char *)sqlite3_column_text(st, i + 1));
	for (int k = 0; k < HUBSTORE_FACTS_NINT; k++)
		v[k] = sqlite3_column_int64(st, i + 2 + k);
	hubstore_facts_read(x, v);
}

/* Binds the facts a change writes from parameter i on. */
static void
facts_bind(sqlite3_stmt *st, int i, const struct hub_facts *x)
{
	int64_t v[HUBSTORE_FACTS_NSET];

	hubstore_facts_write(x, v);
	for (int k = 0; k < HUBSTORE_FACTS_NSET; k++) {
		if (k >= 3 && k <= 5) /* counts: 0 is a value */
			sqlite3_bind_int64(st, i + k, v[k]);
		else
			bi(st, i + k, v[k]);
	}
}

static int
supp_put(struct hub_sqlite *h, const char *code, const struct hub_supp *sp)
{
	sqlite3_stmt *st = hq(h, H_SUPP_PUT);

	bt(st, 1, code);
	sqlite3_bind_int64(st, 2, sp->at);
	sqlite3_bind_int(st, 3, sp->request);
	if (sp->has_due) {
		sqlite3_bind_int64(st, 4, sp->due_before);
		sqlite3_bind_int64(st, 5, sp->due_after);
	}
	return hrun(h, H_SUPP_PUT);
}

/* Writes a transaction's merged daily counts, in key order. */
static int
days_write(struct hub_sqlite *h, struct hub_deltas *d)
{
	hubstore_deltas_merge(d);
	for (size_t i = 0; i < d->n; i++) {
		sqlite3_stmt *st = hq(h, H_DAYS_ADD);
		int rc;

		sqlite3_bind_int(st, 1, d->v[i].kind);
		bt(st, 2, d->v[i].key);
		sqlite3_bind_int(st, 3, d->v[i].channel);
		sqlite3_bind_int(st, 4, d->v[i].day);
		for (int c = 0; c < HRC_N; c++)
			sqlite3_bind_int64(st, 5 + c, d->v[i].n[c]);
		if ((rc = hrun(h, H_DAYS_ADD)) != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

static int
push_one(struct hub_sqlite *h, const char *terminal, const struct sp_item *it,
    int64_t now, struct sp_push_result *res, struct hub_deltas *d)
{
	sqlite3_stmt *st;
	char owner_term[128] = "", *record = NULL, agency[64], field[513];
	struct hub_facts before, after;
	struct hub_supp sp;
	int64_t rev = 0, last_seq = 0;
	bool exists;
	int rc;

	memset(&before, 0, sizeof before);
	field[0] = '\0';
	st = hq(h, H_KEY_GET);
	bt(st, 1, it->key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(owner_term, sizeof owner_term, "%s",
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		if (strcmp(owner_term, terminal) == 0)
			res->result = SP_DUPLICATE;
		else {
			res->result = SP_REJECTED;
			snprintf(res->reason, sizeof res->reason,
			    "key: used by another terminal");
		}
		return SQLITE_OK;
	}
	if (rc != SQLITE_DONE)
		return rc;

	st = hq(h, H_DOSSIER_GET);
	bt(st, 1, it->code);
	rc = sqlite3_step(st);
	exists = rc == SQLITE_ROW;
	if (exists) {
		snprintf(owner_term, sizeof owner_term, "%s",
		    (const char *)sqlite3_column_text(st, 0));
		rev = sqlite3_column_int64(st, 2);
		last_seq = sqlite3_column_int64(st, 3);
		record = strdup((const char *)sqlite3_column_text(st, 4));
		facts_cols(st, 5, &before, field, sizeof field);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	hubstore_agency_of(it->code, agency, sizeof agency);
	res->result = SP_OK;
	res->applied = true;
	if (exists && strcmp(owner_term, terminal) != 0) {
		res->result = SP_REJECTED;
		snprintf(res->reason, sizeof res->reason,
		    "code: %s belongs to another terminal", it->code);
		free(record);
		return SQLITE_OK;
	}
	if (strcmp(it->kind, "dossier_new") == 0) {
		char *mine =
		    json_dumps(it->dossier, JSON_COMPACT | JSON_SORT_KEYS);
		const char *tok = json_string_value(
		    json_object_get(it->dossier, "token_sha256"));
		char masked[256];

		if (mine == NULL) {
			free(record);
			return SQLITE_NOMEM;
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
			return SQLITE_OK;
		}
		/* a token hash names one dossier: a second would answer
		 * the kiosk lookup of the first */
		if (tok != NULL) {
			st = hq(h, H_TOKEN_TAKEN);
			bt(st, 1, tok);
			rc = sqlite3_step(st);
			sqlite3_reset(st);
			if (rc == SQLITE_ROW) {
				res->result = SP_REJECTED;
				snprintf(res->reason, sizeof res->reason,
				    "dossier.token_sha256: another dossier's");
				free(mine);
				return SQLITE_OK;
			}
			if (rc != SQLITE_DONE) {
				free(mine);
				return rc;
			}
		}
		hubstore_masked(it->dossier, masked, sizeof masked);
		st = hq(h, H_DOSSIER_PUT);
		bt(st, 1, it->code);
		bt(st, 2, terminal);
		sqlite3_bind_int64(st, 3,
		    json_integer_value(
		        json_object_get(it->dossier, "channel")));
		sqlite3_bind_int64(st, 4,
		    json_integer_value(
		        json_object_get(it->dossier, "delivery")));
		sqlite3_bind_int(st, 5, it->status);
		sqlite3_bind_int64(st, 6,
		    json_integer_value(
		        json_object_get(it->dossier, "received_at")));
		bi(st, 7, it->due_at);
		sqlite3_bind_int64(st, 8, it->at);
		sqlite3_bind_int64(st, 9, it->seq);
		bt(st, 10, tok);
		bt(st, 11,
		    json_string_value(
		        json_object_get(it->dossier, "procedure_name")));
		bt(st, 12, masked);
		bt(st, 13, hubstore_collect_at(it->dossier));
		bt(st, 14, mine);
		hubstore_facts_new(&after, it);
		bt(st, 15, agency);
		bt(st, 16,
		    json_string_value(json_object_get(it->dossier, "field")));
		bi(st, 17, after.fin);
		bi(st, 18, after.ret);
		bi(st, 19, after.f.end);
		rc = hrun(h, H_DOSSIER_PUT);
		free(mine);
		if (rc != SQLITE_OK)
			return rc;
		if (hubstore_deltas_add(d, agency,
		        json_string_value(
		            json_object_get(it->dossier, "field")),
		        NULL, &after) == -1)
			return SQLITE_NOMEM;
		/* the record is in hub_dossiers: the event needs no copy */
		if ((rc = add_event(h, it->code, terminal, it->at, it->status,
		         true, NULL)) != SQLITE_OK)
			return rc;
		goto key;
	}
	free(record);
	if (!exists) {
		res->result = SP_REJECTED;
		snprintf(res->reason, sizeof res->reason,
		    "code: %s is unknown upstream (its intake was not"
		    " accepted)",
		    it->code);
		return SQLITE_OK;
	}
	if (it->seq > last_seq && it->seq - last_seq > HUBSTORE_SEQ_STEP_MAX) {
		res->result = SP_REJECTED;
		snprintf(res->reason, sizeof res->reason,
		    "seq: more than %" PRId64 " past the dossier's last event",
		    HUBSTORE_SEQ_STEP_MAX);
		return SQLITE_OK;
	}
	/* Upstream is authoritative for status: a change made on the
	 * terminal before it saw the latest upstream change (base < rev) is
	 * kept in the history but does not set the status. */
	res->applied = it->base >= rev && it->seq > last_seq;
	if (res->applied) {
		bool supp;

		after = before;
		supp = hubstore_facts_item(&after, it, &sp);
		st = hq(h, H_DOSSIER_STATUS);
		bt(st, 1, it->code);
		sqlite3_bind_int(st, 2, it->status);
		bi(st, 3, it->due_at);
		bi(st, 4, strcmp(it->kind, "apology") == 0 ? it->due_at : 0);
		sqlite3_bind_int64(st, 5, it->at);
		sqlite3_bind_int64(st, 6, it->seq);
		facts_bind(st, 7, &after);
		if ((rc = hrun(h, H_DOSSIER_STATUS)) != SQLITE_OK)
			return rc;
		if (supp && (rc = supp_put(h, it->code, &sp)) != SQLITE_OK)
			return rc;
		if (hubstore_deltas_add(d, agency, field, &before, &after) ==
		    -1)
			return SQLITE_NOMEM;
	}
	if ((rc = add_event(h, it->code, terminal, it->at, it->status,
	         res->applied, it->item)) != SQLITE_OK)
		return rc;
key:
	st = hq(h, H_KEY_PUT);
	bt(st, 1, it->key);
	bt(st, 2, terminal);
	sqlite3_bind_int64(st, 3, now);
	return hrun(h, H_KEY_PUT);
}

/* The office's row, in the push's transaction. */
static int
office_push(struct hub_sqlite *h, const char *terminal, const struct sp_push *p,
    const struct sp_push_result *res, int64_t now)
{
	sqlite3_stmt *st = hq(h, H_OFFICE_PUSH);
	int64_t stored, rejected;
	const char *last_error;

	hubstore_push_tally(p, res, &stored, &rejected, &last_error);
	bt(st, 1, terminal);
	sqlite3_bind_int64(st, 2, now);
	if (p->backlog >= 0)
		sqlite3_bind_int64(st, 3, p->backlog);
	sqlite3_bind_int64(st, 4, stored);
	sqlite3_bind_int64(st, 5, rejected);
	bt(st, 6, last_error);
	return hrun(h, H_OFFICE_PUSH);
}

static int
sqlite_push(struct hubstore *hs, const char *terminal, const struct sp_push *p,
    int64_t now, struct sp_push_result *res, char *err)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;
	struct hub_deltas d = { 0 };
	int rc;

	memset(res, 0, p->n * sizeof *res);
	if ((rc = hrun(h, H_BEGIN)) != SQLITE_OK) {
		herr(err, "database: %s", sqlite3_errmsg(h->db));
		return -1;
	}
	for (size_t i = 0; i < p->n; i++) {
		if (!p->items[i].valid) {
			res[i].result = SP_REJECTED;
			snprintf(res[i].reason, sizeof res[i].reason, "%s",
			    p->items[i].why);
			continue;
		}
		if ((rc = push_one(h, terminal, &p->items[i], now, &res[i],
		         &d)) != SQLITE_OK) {
			herr(err, "database: %s", sqlite3_errmsg(h->db));
			hrun(h, H_ROLLBACK);
			hubstore_deltas_free(&d);
			return -1;
		}
	}
	rc = days_write(h, &d);
	hubstore_deltas_free(&d);
	if (rc != SQLITE_OK ||
	    office_push(h, terminal, p, res, now) != SQLITE_OK) {
		herr(err, "database: %s", sqlite3_errmsg(h->db));
		hrun(h, H_ROLLBACK);
		return -1;
	}
	if (hrun(h, H_COMMIT) != SQLITE_OK) {
		herr(err, "database: %s", sqlite3_errmsg(h->db));
		hrun(h, H_ROLLBACK);
		return -1;
	}
	return 0;
}

static json_t *
sqlite_pull(struct hubstore *hs, const char *terminal, int64_t after, int limit)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;
	sqlite3_stmt *st = hq(h, H_PULL);
	json_t *items = json_array(), *it;
	int64_t last = after;
	int n = 0, rc;

	bt(st, 1, terminal);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit)
			break;
		n++;
		last = sqlite3_column_int64(st, 0);
		it = json_pack("{s:s,s:i,s:I,s:I}", "code",
		    (const char *)sqlite3_column_text(st, 1), "status",
		    sqlite3_column_int(st, 2), "rev",
		    (json_int_t)sqlite3_column_int64(st, 3), "at",
		    (json_int_t)sqlite3_column_int64(st, 4));
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			json_object_set_new(it, "due_at",
			    json_integer(sqlite3_column_int64(st, 5)));
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			json_object_set_new(it, "reason",
			    json_string(
			        (const char *)sqlite3_column_text(st, 6)));
		json_array_append_new(items, it);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		json_decref(items);
		return NULL;
	}
	return json_pack("{s:o,s:I,s:b}", "items", items, "last",
	    (json_int_t)last, "more", rc == SQLITE_ROW);
}

static enum store_rc
sqlite_lookup(struct hubstore *hs, const char *token_sha256,
    struct store_lookup *out)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;
	sqlite3_stmt *st = hq(h, H_LOOKUP);
	int rc;

	memset(out, 0, sizeof *out);
	bt(st, 1, token_sha256);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
#define TXT(i)                                                                 \
	(sqlite3_column_text(st, i) ? (const char *)sqlite3_column_text(st, i) \
	                            : "")
		snprintf(out->code, sizeof out->code, "%s", TXT(0));
		out->status = sqlite3_column_int(st, 1);
		out->delivery = sqlite3_column_int(st, 2);
		out->received_at = sqlite3_column_int64(st, 3);
		out->due_at = sqlite3_column_int64(st, 4);
		out->updated_at = sqlite3_column_int64(st, 5);
		out->apology_due_at = sqlite3_column_int64(st, 6);
		snprintf(out->procedure_name, sizeof out->procedure_name, "%s",
		    TXT(7));
		snprintf(out->masked_name, sizeof out->masked_name, "%s",
		    TXT(8));
		snprintf(out->collect_at, sizeof out->collect_at, "%s", TXT(9));
#undef TXT
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

static json_t *
sqlite_codes(struct hubstore *hs, const char *terminal, int64_t from,
    int64_t to, const char *after, int limit)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;
	sqlite3_stmt *st = hq(h, H_COUNTS);
	json_t *codes;
	json_int_t counts[4] = { 0 };
	int rc, n = 0;

	bt(st, 1, terminal);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int ch = sqlite3_column_int(st, 0);

		if (ch >= 1 && ch <= 3)
			counts[ch] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return NULL;
	st = hq(h, H_CODES);
	bt(st, 1, terminal);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	bt(st, 4, after != NULL ? after : "");
	sqlite3_bind_int(st, 5, limit > 0 ? limit + 1 : -1);
	codes = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    (limit <= 0 || n < limit)) {
		json_array_append_new(codes,
		    json_string((const char *)sqlite3_column_text(st, 0)));
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		json_decref(codes);
		return NULL;
	}
	return hubstore_codes_reply(counts, codes, limit, rc == SQLITE_ROW);
}

static enum store_rc
sqlite_set_status(struct hubstore *hs, const char *code, int status,
    int64_t due_at, const char *reason, int64_t now, char *err)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;
	sqlite3_stmt *st;
	char terminal[128] = "";
	int64_t rev = 0;
	int rc;

	struct hub_facts before, after;
	struct hub_deltas d = { 0 };
	char agency[64], field[513];
	bool found;

	/* hubstore.c checked the arguments */
	if (hrun(h, H_BEGIN) != SQLITE_OK) {
		herr(err, "database: %s", sqlite3_errmsg(h->db));
		return STORE_ERROR;
	}
	st = hq(h, H_DOSSIER_GET);
	bt(st, 1, code);
	if ((found = sqlite3_step(st) == SQLITE_ROW))
		facts_cols(st, 5, &before, field, sizeof field);
	sqlite3_reset(st);
	if (found) {
		after = before;
		hubstore_facts_status(&after, status, due_at, now);
		hubstore_agency_of(code, agency, sizeof agency);
		st = hq(h, H_FACTS_SET);
		bt(st, 1, code);
		facts_bind(st, 2, &after);
		if (hrun(h, H_FACTS_SET) != SQLITE_OK ||
		    hubstore_deltas_add(&d, agency, field, &before, &after) ==
		        -1 ||
		    days_write(h, &d) != SQLITE_OK) {
			hubstore_deltas_free(&d);
			herr(err, "database: %s", sqlite3_errmsg(h->db));
			hrun(h, H_ROLLBACK);
			return STORE_ERROR;
		}
		hubstore_deltas_free(&d);
	}
	st = hq(h, H_DOSSIER_UPSTREAM);
	bt(st, 1, code);
	sqlite3_bind_int(st, 2, status);
	bi(st, 3, due_at);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rev = sqlite3_column_int64(st, 0);
		snprintf(terminal, sizeof terminal, "%s",
		    (const char *)sqlite3_column_text(st, 1));
		rc = sqlite3_step(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || rev == 0) {
		hrun(h, H_ROLLBACK);
		if (rc == SQLITE_DONE) {
			herr(err, "code: no dossier %s", code);
			return STORE_NOTFOUND;
		}
		herr(err, "database: %s", sqlite3_errmsg(h->db));
		return STORE_ERROR;
	}
	st = hq(h, H_CHANGE_PUT);
	bt(st, 1, terminal);
	bt(st, 2, code);
	sqlite3_bind_int(st, 3, status);
	sqlite3_bind_int64(st, 4, rev);
	sqlite3_bind_int64(st, 5, now);
	bi(st, 6, due_at);
	bt(st, 7, reason);
	if (hrun(h, H_CHANGE_PUT) != SQLITE_OK ||
	    add_event(h, code, "upstream", now, status, true, NULL) !=
	        SQLITE_OK ||
	    hrun(h, H_COMMIT) != SQLITE_OK) {
		herr(err, "database: %s", sqlite3_errmsg(h->db));
		hrun(h, H_ROLLBACK);
		return STORE_ERROR;
	}
	return STORE_OK;
}

static json_t *
sqlite_dump(struct hubstore *hs, const char *terminal)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;
	sqlite3_stmt *st = hq(h, H_DUMP);
	json_t *all = json_object();

	bt(st, 1, terminal);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(all,
		    (const char *)sqlite3_column_text(st, 0),
		    json_pack("{s:s,s:i,s:I,s:I}", "terminal",
		        (const char *)sqlite3_column_text(st, 1), "status",
		        sqlite3_column_int(st, 2), "due_at",
		        (json_int_t)sqlite3_column_int64(st, 3), "events",
		        (json_int_t)sqlite3_column_int64(st, 4)));
	sqlite3_reset(st);
	return all;
}

static int64_t
sqlite_prune_keys(struct hubstore *hs, int64_t before, int limit)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;
	sqlite3_stmt *st = hq(h, H_PRUNE_KEYS);

	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int(st, 2, limit);
	if (hrun(h, H_PRUNE_KEYS) != SQLITE_OK)
		return -1;
	return sqlite3_changes64(h->db);
}

/* The open dossiers with supplements (H_OPENS_*), their events folded
 * into each one's facts as of the period's end. */
static int
report_open_supp(sqlite3_stmt *st, struct hub_report_acc *acc)
{
	char key[STORE_REPORT_KEY_MAX] = "", code[DCODE_TEXT_MAX + 1] = "";
	struct rrule_facts f;
	int channel = 0, rc;
	bool have = false;

	memset(&f, 0, sizeof f);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 9);

		/* rows of one dossier are adjacent (ordered by code) */
		if (!have || strcmp(c, code) != 0) {
			const char *k =
			    (const char *)sqlite3_column_text(st, 0);

			if (have &&
			    hubstore_acc_open(acc, key, channel, &f) == -1)
				return -1;
			memset(&f, 0, sizeof f);
			snprintf(code, sizeof code, "%s", c);
			snprintf(key, sizeof key, "%s", k != NULL ? k : "");
			channel = sqlite3_column_int(st, 1);
			f.recv = sqlite3_column_int64(st, 2);
			f.due = sqlite3_column_int64(st, 3);
			f.status = sqlite3_column_int(st, 4);
			have = true;
		}
		if (sqlite3_column_type(st, 6) != SQLITE_NULL)
			rrule_supplement(&f, sqlite3_column_int(st, 5) != 0,
			    sqlite3_column_int64(st, 6),
			    sqlite3_column_type(st, 7) != SQLITE_NULL &&
			        sqlite3_column_type(st, 8) != SQLITE_NULL,
			    sqlite3_column_int64(st, 7),
			    sqlite3_column_int64(st, 8));
	}
	if (rc != SQLITE_DONE)
		return -1;
	return have ? hubstore_acc_open(acc, key, channel, &f) : 0;
}

static int
sqlite_report(struct hubstore *hs, int kind, int from_day, int to_day,
    const char *agency, struct hub_report_acc *acc)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;
	int64_t end = hubstore_acc_end(acc);
	sqlite3_stmt *st = hq(h, H_DAYS);
	int rc;

	sqlite3_bind_int(st, 1, from_day);
	sqlite3_bind_int(st, 2, to_day);
	sqlite3_bind_int(st, 3, kind);
	bt(st, 4, agency);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t n[HUBSTORE_DAYS_COLS];

		for (int i = 0; i < HUBSTORE_DAYS_COLS; i++)
			n[i] = sqlite3_column_int64(st, 2 + i);
		if (hubstore_acc_days(acc,
		        (const char *)sqlite3_column_text(st, 0),
		        sqlite3_column_int(st, 1), n) == -1) {
			sqlite3_reset(st);
			return -1;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	st = hq(h, kind == HUB_BY_AGENCY ? H_OPEN_A : H_OPEN_F);
	sqlite3_bind_int64(st, 1, end);
	bt(st, 2, agency);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (hubstore_acc_pending(acc,
		        (const char *)sqlite3_column_text(st, 0),
		        sqlite3_column_int(st, 1), sqlite3_column_int64(st, 2),
		        sqlite3_column_int64(st, 3)) == -1) {
			sqlite3_reset(st);
			return -1;
		}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return -1;
	st = hq(h, kind == HUB_BY_AGENCY ? H_OPENS_A : H_OPENS_F);
	sqlite3_bind_int64(st, 1, end);
	bt(st, 2, agency);
	rc = report_open_supp(st, acc);
	sqlite3_reset(st);
	return rc;
}

static int
sqlite_seen(struct hubstore *hs, const char *terminal, int64_t now)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;
	sqlite3_stmt *st = hq(h, H_OFFICE_SEEN);

	bt(st, 1, terminal);
	sqlite3_bind_int64(st, 2, now);
	return hrun(h, H_OFFICE_SEEN) == SQLITE_OK ? 0 : -1;
}

static json_t *
sqlite_offices(struct hubstore *hs)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;
	sqlite3_stmt *st = hq(h, H_OFFICES);
	json_t *rows = json_array();
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *col[9];

		for (int i = 0; i < 9; i++)
			col[i] = (const char *)sqlite3_column_text(st, i);
		json_array_append_new(rows, hubstore_office_row(col));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}

static int
sqlite_rebuild(struct hubstore *hs, char *err)
{
	struct hub_sqlite *h = (struct hub_sqlite *)hs;

	if (hrun(h, H_BEGIN) != SQLITE_OK) {
		herr(err, "database: %s", sqlite3_errmsg(h->db));
		return -1;
	}
	if (rebuild_days(h->db, err) == -1) {
		hrun(h, H_ROLLBACK);
		return -1;
	}
	if (hrun(h, H_COMMIT) != SQLITE_OK) {
		herr(err, "database: %s", sqlite3_errmsg(h->db));
		hrun(h, H_ROLLBACK);
		return -1;
	}
	return 0;
}

static const struct hubstore_ops sqlite_ops = {
	.rebuild = sqlite_rebuild,
	.close = sqlite_close,
	.push = sqlite_push,
	.pull = sqlite_pull,
	.lookup = sqlite_lookup,
	.codes = sqlite_codes,
	.set_status = sqlite_set_status,
	.dump = sqlite_dump,
	.prune_keys = sqlite_prune_keys,
	.report = sqlite_report,
	.seen = sqlite_seen,
	.offices = sqlite_offices,
};
