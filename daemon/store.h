/* store.h: the local SQLite store. Only store.c includes sqlite3.h. One
 * struct store is one connection: the daemon opens one read-write store on
 * the loop thread. Not thread-safe; every call may block on disk I/O for
 * as long as a commit takes (synchronous=FULL) but never on the network.
 *
 * Every write that changes a dossier writes its dossier_events row, its
 * audit_log row (staff writes) and its outbox row in the same transaction.
 * Read results that are documents come back as jansson objects: the caller
 * owns the returned json_t (json_decref). */
#ifndef STORE_H
#define STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "calendar.h"
#include "dcode.h"
#include "importrec.h"
#include "token.h"

struct store;

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND, /* no such dossier, procedure, agency or token */
	STORE_INVALID,  /* the request breaks a rule; err says which field */
	STORE_CONFLICT, /* e.g. a transition not in the graph */
	STORE_FULL,     /* the day's counter for an agency passed 9999 */
	STORE_ERROR,    /* SQLite failed; err has its message */
};

#define STORE_ERR_MAX 256 /* size of every err buffer below */

/* Opens (creating) the database at path, applies migrations up to the
 * current schema (PRAGMA user_version), sets WAL, foreign keys, FULL
 * synchronous and the busy timeout. NULL with a message in err on error. */
struct store *store_open(const char *path, int busy_timeout_ms,
    char err[STORE_ERR_MAX]);
void store_close(struct store *); /* NULL is a no-op */
int store_schema_version(struct store *);

/* Office rules used for due dates (from the config; reapplied on reload). */
void store_set_office(struct store *, int open_min, int close_min,
    bool due_end_of_day);
/* The working-day calendar built from the holiday table and the office
 * rules. Borrowed: valid until the next store_holidays_import or
 * store_set_office. */
const struct calendar *store_calendar(struct store *);

/* Catalogue. */
struct store_procedure {
	const char *code, *name, *field;
	int days;              /* statutory working days, >= 1 */
	const char *documents; /* JSON array text of document names, or NULL */
	int64_t fee;           /* VND */
};
enum store_rc store_put_agency(struct store *, const char *code,
    const char *name, char err[STORE_ERR_MAX]);
enum store_rc store_put_procedure(struct store *,
    const struct store_procedure *, char err[STORE_ERR_MAX]);
/* Array of {code,name,field,days,documents,fee}; optional filter by a
 * folded substring of name or code (q may be NULL). */
json_t *store_procedures(struct store *, const char *q);

/* Counter-staff intake (channel in person unless set). Strings are
 * borrowed for the call; NULL means absent. */
struct store_intake {
	const char *procedure_code; /* required, must exist */
	const char *agency_code;    /* required, must exist or be creatable */
	const char *owner_name;     /* required */
	const char *owner_id_no, *phone, *address, *email, *summary;
	int channel;         /* enum channel */
	int delivery;        /* enum delivery */
	int64_t received_at; /* acceptance time */
	const char *actor;   /* staff user for events and audit */
};
struct store_intake_result {
	char code[DCODE_TEXT_MAX + 1];
	char token[TOKEN_LEN + 1];
	int64_t due_at;
	bool provisional; /* the due date used a year with no holiday table */
};
/* Allocates the code from the per-agency, per-local-day counter and
 * inserts the dossier, its first event, the token, the audit and outbox
 * rows in one durable transaction. STORE_FULL past 9999 in a day: nothing
 * is written. */
enum store_rc store_intake(struct store *, const struct store_intake *,
    struct store_intake_result *, char err[STORE_ERR_MAX]);
/* Operator repair tool: sets the last sequence number issued by agency on
 * local day `day` (0..9999), e.g. after restoring an old backup, so the
 * next intake continues above numbers already printed on receipts. Writes
 * an audit row. STORE_INVALID for a bad agency code or sequence. */
enum store_rc store_counter_set(struct store *, const char *agency, int day,
    unsigned last_seq, char err[STORE_ERR_MAX]);

/* Status change with reason and actor. STORE_CONFLICT (err names both
 * states) when the graph does not allow it. Sets finished_at on 9, 3, 7,
 * 8 and returned_at on 10. */
enum store_rc store_set_status(struct store *, const char *code, int new_status,
    const char *reason, const char *actor, int64_t now,
    char err[STORE_ERR_MAX]);
/* Supplement request (Mẫu 02): status 4 -> 5. items is free text. */
enum store_rc store_supplement_request(struct store *, const char *code,
    const char *reason, const char *items, const char *actor, int64_t now,
    char err[STORE_ERR_MAX]);
/* Supplement received: status 5 -> 4; new_due_at (0 = keep) becomes the
 * stored due date; the event keeps the old and the new. */
enum store_rc store_supplement_complete(struct store *, const char *code,
    int64_t new_due_at, const char *actor, int64_t now,
    char err[STORE_ERR_MAX]);
/* Apology (Mẫu 04) with the new due date (required, after the old one). */
enum store_rc store_apology(struct store *, const char *code,
    const char *reason, const char *unit, int64_t new_due_at, const char *actor,
    int64_t now, char err[STORE_ERR_MAX]);

/* The full dossier for staff: every column, the events (history), the
 * token. NULL with rc STORE_NOTFOUND when absent. */
json_t *store_dossier(struct store *, const char *code, int64_t now,
    enum store_rc *rc);

/* The kiosk view: only kiosk-safe fields, filled into a plain value. */
struct store_lookup {
	char procedure_name[512];
	char masked_name[256];
	char code[DCODE_TEXT_MAX + 1];
	int status;
	int delivery;
	int64_t received_at, due_at, updated_at;
	int64_t apology_due_at; /* 0 when no apology */
	char collect_at[256];   /* where to collect: agency name */
};
/* By token (already normalised). STORE_NOTFOUND when unknown. Does the
 * same work for a miss as for a hit, up to the row fetch. */
enum store_rc store_lookup_token(struct store *, const char *token,
    struct store_lookup *out);
/* The token of a dossier (issuing one if it has none). */
enum store_rc store_token(struct store *, const char *code,
    char token[TOKEN_LEN + 1]);

/* Search: any of code (exact, normalised), received day range [from_day,
 * to_day] (-1 = open), name (folded; prefix of the full name or of any
 * later word). Returns an array of summaries, newest first, at most limit.
 */
struct store_query {
	const char *code;
	const char *name;
	int from_day, to_day;
	int limit; /* 1..1000 */
};
json_t *store_search(struct store *, const struct store_query *, int64_t now,
    char err[STORE_ERR_MAX]);

/* Intake counts by channel for received_at in [from_day, to_day] (local
 * days, inclusive): {"period":{"from","to"},"received":{"total",
 * "in_person","online","postal","pct":{...}}} with shares summing to
 * exactly 100.00 (largest remainder). */
json_t *store_counts(struct store *, int from_day, int to_day);

/* Import. begin/commit bracket a batch (one transaction). Each record is
 * checked whole before its first write, so a bad record (STORE_INVALID)
 * writes nothing and the rest go on. A write that fails after that
 * (STORE_ERROR: disk full, I/O) poisons the batch: later records fail too
 * and commit rolls the whole batch back, so nothing is half-written.
 * Re-importing an identical record is IMPORT_UNCHANGED. */
enum import_outcome { IMPORT_IMPORTED, IMPORT_UPDATED, IMPORT_UNCHANGED };
enum store_rc store_import_begin(struct store *, char err[STORE_ERR_MAX]);
enum store_rc store_import_rec(struct store *, const struct import_rec *,
    const char *actor, enum import_outcome *, char err[STORE_ERR_MAX]);
enum store_rc store_import_commit(struct store *, char err[STORE_ERR_MAX]);
void store_import_rollback(struct store *);

/* Holidays: replaces the rows of every year present in the list, in one
 * transaction, then rebuilds the calendar. */
struct store_holiday {
	int day;  /* local day number */
	int kind; /* enum cal_kind */
	const char *name, *source;
};
enum store_rc store_holidays_import(struct store *,
    const struct store_holiday *, size_t count, const char *actor,
    char err[STORE_ERR_MAX]);
json_t *store_holidays(struct store *, int year);

/* Audit of a staff action that is not a dossier write (e.g. a config
 * reload): actor, action, object, detail (no personal data). */
enum store_rc store_audit(struct store *, const char *actor, const char *action,
    const char *object, const char *detail);

/* Counters for /metrics. */
struct store_stats {
	int64_t dossiers, outbox_pending, events;
};
enum store_rc store_stats(struct store *, struct store_stats *);

/* The durable print queue (daemon/printer.c). A job names a document
 * (kind: receipt, slip, manifest, test; ref: the dossier code or the
 * manifest day) and moves queued -> printing -> done | failed; a job cut
 * off mid-print goes back to queued with reprint set, so it prints whole
 * again under a "BẢN IN LẠI" banner. */
struct store_print_new {
	const char *kind, *ref, *actor;
	int64_t reprint_of;  /* 0, or the job this one reprints */
	int64_t max_pending; /* queued + printing allowed; else STORE_FULL */
};
struct store_print_job { /* a plain value */
	int64_t id, reprint_of, created_at, updated_at, finished_at, bytes;
	char kind[16], ref[64], state[16], actor[96], printer_state[24];
	char outcome[256];
	bool reprint;
	int attempts;
};
/* Inserts a queued job and its audit row in one transaction. */
enum store_rc store_print_enqueue(struct store *,
    const struct store_print_new *, int64_t *id, char err[STORE_ERR_MAX]);
/* The oldest queued or printing job; STORE_NOTFOUND when none. */
enum store_rc store_print_next(struct store *, struct store_print_job *);
enum store_rc store_print_get(struct store *, int64_t id,
    struct store_print_job *);
/* Sets state, reprint (-1 keeps it), counts an attempt, records the
 * printer state, the bytes sent (0 keeps) and the outcome text. */
enum store_rc store_print_update(struct store *, int64_t id, const char *state,
    int reprint, bool attempt, const char *printer_state, int64_t bytes,
    const char *outcome);
/* At start-up: jobs left printing by a stop or crash go back to queued,
 * marked reprint. Returns how many, or -1. */
int store_print_recover(struct store *);
int64_t store_print_pending(struct store *); /* -1 on error */
/* The newest limit jobs, newest first (caller owns the array). */
json_t *store_print_jobs(struct store *, int limit);
json_t *store_print_job_json(const struct store_print_job *);
#endif
