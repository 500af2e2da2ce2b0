/* hubstore.h: the hub's storage, behind one interface with two backends:
 * SQLite (hubstore_sqlite.c, the embedded default) and PostgreSQL
 * (hubstore_pg.c, for a province: several hub processes over one
 * database). hub.c speaks only this interface, and every call answers
 * the same on both (the system tests run against each).
 *
 * A struct hubstore is one connection. It is used by one thread at a
 * time (the hub's worker pool, sync/hubq.h, gives each worker its own),
 * and its calls block on the database: never call them on the loop
 * thread of a running daemon. Every write is one durable transaction, so
 * a push is stored whole or not at all; on PostgreSQL a transaction that
 * meets a concurrent one (a unique key taken, a serialization failure,
 * a deadlock) is retried whole, a bounded number of times.
 *
 * Terminals are named by the hub's token file; every call that reads or
 * writes a terminal's dossiers takes that name. */
#ifndef HUBSTORE_H
#define HUBSTORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"
#include "sync/syncproto.h"

#define HUBSTORE_ERR_MAX 256

enum hubstore_backend { HUBSTORE_SQLITE, HUBSTORE_PG };

/* What a connection is opened with. Borrowed for hubstore_open only. */
struct hubstore_conf {
	enum hubstore_backend backend;
	const char *path;    /* SQLite: the database file */
	int busy_timeout_ms; /* SQLite: waits on a locked database */
	/* PostgreSQL: a libpq connection string (keywords or a URI; TLS
	 * with sslmode=verify-full and sslrootcert as libpq takes them) */
	const char *dsn;
	/* PostgreSQL: the role's password, NULL for libpq's own
	 * (~/.pgpass, PGPASSFILE) or none. Never logged. */
	const char *password;
	/* PostgreSQL: connecting and each statement give up after this long
	 * (connect_timeout, statement_timeout, tcp_user_timeout). */
	int timeout_ms;
};

/* Opens one connection and brings the schema up to date: SQLite with
 * PRAGMA user_version migrations (a hub made before versions were kept
 * is version 0 and adopts version 1 as it is); PostgreSQL with the
 * hub_schema table's version, one hub at a time under an advisory lock.
 * NULL with err when it cannot be opened or migrated, or is newer than
 * this motcuad knows. err never holds the password. */
struct hubstore *hubstore_open(const struct hubstore_conf *,
    char err[HUBSTORE_ERR_MAX]);
void hubstore_close(struct hubstore *); /* NULL: no-op */
/* The password on the first line of path, which must not be readable by
 * others (malloc'd: the caller wipes and frees it). NULL with err. */
char *hubstore_password_file(const char *path, char err[HUBSTORE_ERR_MAX]);
/* The schema version this motcuad brings a backend's database to. */
int hubstore_schema_version(enum hubstore_backend);

/* How far past a dossier's last applied event one item's seq may jump:
 * a terminal's events for one dossier are never this far apart, and a
 * seq that is cannot carry the dossier beyond its later events. */
#define HUBSTORE_SEQ_STEP_MAX (INT64_C(1) << 32)

/* Stores a parsed push from terminal in one transaction and fills res[i]
 * (and, in the same transaction, the office's row of hubstore_offices:
 * the push's time, p->backlog, items stored and rejected, the last
 * rejection's reason)
 * for items[i]: SP_OK (stored), SP_DUPLICATE (key seen before: nothing
 * stored again) or SP_REJECTED with a reason (invalid items, and rule
 * breaks: a status for an unknown dossier or another terminal's, a seq
 * more than HUBSTORE_SEQ_STEP_MAX past the dossier's last, a new
 * dossier whose token_sha256 another dossier has). The caller checks
 * that the terminal may write each item's agency. Returns 0, or -1 when
 * the transaction failed: then nothing at all is stored. */
int hubstore_push(struct hubstore *, const char *terminal,
    const struct sp_push *, int64_t now, struct sp_push_result *res,
    char err[HUBSTORE_ERR_MAX]);

/* Upstream changes for terminal's dossiers after cursor position
 * `after`, at most limit: {"items": [...], "last": N, "more": bool}.
 * A position is never handed out before every lower one of the same
 * terminal is committed, so a cursor never skips a change. NULL on a
 * database error. */
json_t *hubstore_pull(struct hubstore *, const char *terminal, int64_t after,
    int limit);

/* The kiosk view of the dossier whose token hashes to token_sha256 (64
 * hex), of any terminal. STORE_NOTFOUND when none. */
enum store_rc hubstore_lookup(struct hubstore *, const char *token_sha256,
    struct store_lookup *out);

/* terminal's dossiers received in [from, to): {"counts": the period's
 * by channel, "codes": in code order, those after `after` (NULL: from the
 * first), at most limit (0: all), "more": whether codes follow (only when
 * limit > 0)}. A busy office's month does not fit one reply: the caller
 * pages. NULL on a database error. */
json_t *hubstore_codes(struct hubstore *, const char *terminal, int64_t from,
    int64_t to, const char *after, int limit);

/* A status change made upstream (by the provincial system's staff): it
 * becomes a pull item for the dossier's terminal. due_at 0: unchanged.
 * STORE_NOTFOUND, STORE_INVALID (status not 1..10, due_at outside
 * 2000..2100, reason of SP_REASON_MAX bytes or more), STORE_ERROR or
 * STORE_OK. */
enum store_rc hubstore_set_status(struct hubstore *, const char *code,
    int status, int64_t due_at, const char *reason, int64_t now,
    char err[HUBSTORE_ERR_MAX]);

/* Forgets at most limit idempotency keys stored before `before` (Unix
 * time): a terminal retries an item with its key for as long as it is
 * offline, and no longer than the retention docs/sync.md states, after
 * which the keys are only weight. The count forgotten, or -1. */
int64_t hubstore_prune_keys(struct hubstore *, int64_t before, int limit);

/* The province report over the local days from_day..to_day (both
 * included), counted with the office report's rules (docs/reports.md;
 * core/reportrule.h) by agency (a code's part before its first '-') and
 * channel: {"rows": [{"agency", "channel", "received", "carried_over",
 * "resolved", "early", "on_time", "late", "pending", "within_due",
 * "overdue", "returned_by_post", "not_accepted", "refused"}], "total":
 * {the same summed}}, rows in agency (byte order) then channel order.
 * Pending, within due and overdue are at the period's end. agency NULL:
 * every agency, else that one's rows only. Counts only: no code, name or
 * number (docs/sync.md). NULL on a database error or past
 * HUBSTORE_REPORT_CELLS rows. */
#define HUBSTORE_REPORT_CELLS 100000
json_t *hubstore_report(struct hubstore *, int from_day, int to_day,
    const char *agency);
/* Biểu II.06a's rows for the whole province: the same counts by field
 * (the dossier's procedure's field as its terminal sent it; "" when
 * none), received split by channel, in key order, into *rows (malloc'd,
 * *n of them; the caller frees), *total and *unaccepted (the period's
 * registered but not accepted, and refused). 0, or -1 with err. */
int hubstore_report_fields(struct hubstore *, int from_day, int to_day,
    struct store_report_row **rows, size_t *n, struct store_report_row *total,
    struct store_unaccepted *unaccepted, char err[HUBSTORE_ERR_MAX]);

/* Recounts the province report's daily counts from every dossier's
 * facts, in one transaction (other writers wait): what the pushes added,
 * for a database migrated from before them or an operator's check. 0 or
 * -1 with err. */
int hubstore_rebuild_report(struct hubstore *, char err[HUBSTORE_ERR_MAX]);

/* A terminal asked for its changes at now: its office's last_seen_at, at
 * most once a minute (a pull is otherwise read-only). 0 or -1. */
int hubstore_seen(struct hubstore *, const char *terminal, int64_t now);

/* Each office (terminal) the hub has heard from, as hubstore_push and
 * hubstore_seen recorded it, in terminal order: [{"terminal",
 * "last_push_at", "last_seen_at", "backlog" (its outbox at the last push;
 * null: not said), "pushes", "items" (stored), "rejected", "last_error",
 * "last_error_at"}] (times Unix; null: never). Every hub process writes
 * the same rows, so any hub shows the whole province. NULL on a database
 * error. */
json_t *hubstore_offices(struct hubstore *);

/* Every dossier of a terminal (NULL: all) as {code: {status, due_at,
 * events, terminal}}, for reconciliation and the tests. NULL on a
 * database error. */
json_t *hubstore_dump(struct hubstore *, const char *terminal);
#endif
