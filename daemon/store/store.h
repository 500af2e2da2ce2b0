/* store.h: the local SQLite store, the one public facade of store.c and
 * the store_*.c files beside it, one per concern, which share the private
 * store_int.h. Only the files of daemon/store include sqlite3.h. One struct
 * store is one connection: the daemon opens one read-write store on the loop
 * thread. Not thread-safe; every call may block on disk I/O for as long as a
 * commit takes (synchronous=FULL) but never on the network.
 *
 * Every write that changes a dossier writes its dossier_events row, its
 * audit_log row (staff writes) and its outbox row in the same transaction.
 *
 * The store persists; it does not shape replies. Reads fill plain structs
 * (caller-owned, freed by their _cleanup) or pass rows to a callback
 * (borrowed for the call); the module that replies builds the JSON
 * (daemon/api/dossier_json.c, postal/postal_json.c, ...). JSON the store
 * keeps as data (a procedure's document list, an event's detail) comes
 * back as its stored text. */
#ifndef STORE_H
#define STORE_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/actor.h"
#include "core/calendar.h"
#include "core/dcode.h"
#include "core/importrec.h"
#include "core/token.h"

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

/* ---- open, office rules (store.c) ---- */

/* Opens (creating) the database at path, applies migrations up to the
 * current schema (PRAGMA user_version), sets WAL, foreign keys, FULL
 * synchronous and the busy timeout. NULL with a message in err on error. */
struct store *store_open(const char *path, int busy_timeout_ms,
    char err[STORE_ERR_MAX]);
/* A read-only connection to a database a store_open has migrated (the
 * schema must be this build's), for a worker thread that reads while the
 * loop's store writes: WAL readers wait for no writer. Every read works
 * on it; a write fails (STORE_ERROR, "attempt to write a readonly
 * database"). Like any store: one thread at a time. */
struct store *store_open_reader(const char *path, int busy_timeout_ms,
    char err[STORE_ERR_MAX]);
void store_close(struct store *); /* NULL is a no-op */
int store_schema_version(struct store *);

/* ---- health (store_health.c) ---- */

/* Can the store be written now? A real write check that writes nothing
 * (the write lock taken, a row-less UPDATE, rolled back), waiting at most
 * wait_ms for a lock another process holds, so that /healthz never
 * blocks the loop for the store's busy timeout. STORE_OK, or STORE_ERROR
 * with SQLite's generic reason in err ("database is locked", "attempt to
 * write a readonly database", "database or disk is full"). */
enum store_rc store_writable(struct store *, int wait_ms,
    char err[STORE_ERR_MAX]);

/* Office rules used for due dates (from the config; reapplied on reload). */
void store_set_office(struct store *, int open_min, int close_min,
    bool due_end_of_day);
/* The working-day calendar built from the holiday table and the office
 * rules. Borrowed: valid until the next store_holidays_import or
 * store_set_office. */
const struct calendar *store_calendar(struct store *);

/* ---- catalogue (store_catalogue.c) ---- */

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
/* A catalogue row as read; every pointer is borrowed for the callback's
 * call only. */
struct store_procedure_row {
	const char *code, *name, *field; /* field may be NULL */
	int days;
	const char *documents; /* stored JSON array text of names, or NULL */
	int64_t fee;
	const char *counter; /* store_kiosk_procedures only; may be NULL */
};
/* Called once per row, in order; return non-zero to stop (not an error). */
typedef int store_procedure_fn(void *arg, const struct store_procedure_row *);
/* Every procedure by code, or those whose folded name or code contains
 * the folded q (NULL or "": all). STORE_ERROR when q cannot be folded or
 * the read fails. */
enum store_rc store_procedures(struct store *, const char *q,
    store_procedure_fn *fn, void *arg);

/* ---- Idempotency-Key of creates (store_idem.c; docs/api.md) ----
 *
 * A create that carries a key records its first reply in its own
 * transaction; a retry with the key finds it (store_idem_find) and is
 * answered with it, creating nothing. Keys live STORE_IDEM_TTL_S. */
#define STORE_IDEM_KEY_MAX  128 /* bytes of a key */
#define STORE_IDEM_HASH_LEN 32  /* bytes of the request's hash */
#define STORE_IDEM_TTL_S    86400
/* Renders the create's reply inside its transaction (the create's result
 * is filled by then): *status (2xx) and *body (malloc'd, *len bytes).
 * 0, or -1 (out of memory: the create is rolled back). */
typedef int store_idem_render(void *arg, int *status, char **body, size_t *len);
struct store_idem {
	const char *key; /* borrowed; NULL: no key, nothing recorded */
	unsigned char hash[STORE_IDEM_HASH_LEN];
	store_idem_render *render;
	void *arg;
	/* filled by a create that recorded: the reply it rendered (owned:
	 * the caller frees body) */
	int status;
	char *body;
	size_t len;
};
/* The reply recorded under key within STORE_IDEM_TTL_S of now: STORE_OK
 * with *status and *body (malloc'd, *len bytes; the caller frees it);
 * STORE_NOTFOUND when none; STORE_CONFLICT (err names the header) when
 * the key came with another request (hash). */
enum store_rc store_idem_find(struct store *, const char *key,
    const unsigned char hash[STORE_IDEM_HASH_LEN], int64_t now, int *status,
    char **body, size_t *len, char err[STORE_ERR_MAX]);

/* ---- dossiers: intake, status, staff view, kiosk lookup
 * (store_dossier.c) ---- */

/* Counter-staff intake (channel in person unless set). Strings are
 * borrowed for the call; NULL means absent. */
/* How far back an audited back-entry of a counter intake may go, in
 * working days before today (docs/api.md, POST /api/v1/dossiers). */
#define STORE_BACK_ENTRY_DAYS 5

struct store_intake {
	const char *procedure_code; /* required, must exist */
	const char *agency_code;    /* required, must exist or be creatable */
	const char *owner_name;     /* required */
	const char *owner_id_no, *phone, *address, *email, *summary;
	int channel;         /* enum channel */
	int delivery;        /* enum delivery */
	int64_t received_at; /* acceptance time */
	const char *actor;   /* staff user for events and audit */
	/* Counter intake (store_intake) only. NULL: received_at is the
	 * daemon's clock, as the caller passed it. Else an audited
	 * back-entry: received_at lies at most STORE_BACK_ENTRY_DAYS working
	 * days before today and never in the future, and this reason (1 to
	 * 500 bytes) goes into the event and the audit row. Borrowed. */
	const char *back_entry_reason;
	/* Postal registration (store_postal_register) only; zero for the
	 * counter: status ST_SUBMITTED (no due date until the office accepts
	 * it), the post-office time and the intake event's detail (JSON). */
	int status;
	int64_t submitted_at;
	const char *event_detail;
	/* Idempotency-Key (store_intake only; NULL: none): the reply is
	 * rendered and recorded in the intake's transaction. Borrowed. */
	struct store_idem *idem;
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
 * next intake continues above numbers already printed on receipts. Intake
 * skips numbers a dossier already has, so a lower value is safe too.
 * Writes an audit row naming actor. STORE_INVALID for a bad agency code,
 * day or sequence. */
enum store_rc store_counter_set(struct store *, const char *agency, int day,
    unsigned last_seq, const char *actor, char err[STORE_ERR_MAX]);
/* A counter as an operator sees it (store_counter_get). */
struct store_counter {
	unsigned last_seq; /* the last number issued; 0: none yet */
	/* what the next intake gets: past last_seq and past the numbers
	 * dossiers already have (imported ones); DCODE_SEQ_MAX + 1 when the
	 * day is full, and then next_code is "" */
	unsigned next_seq;
	char next_code[DCODE_TEXT_MAX + 1];
};
/* Reads the counter of agency on local day `day` (a day without intake
 * yet reads 0). Writes nothing. STORE_INVALID for a bad agency or day. */
enum store_rc store_counter_get(struct store *, const char *agency, int day,
    struct store_counter *out, char err[STORE_ERR_MAX]);

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

/* One row of a dossier's history (dossier_events). */
struct store_event {
	int64_t at;
	char *kind;
	int old_status, new_status;    /* 0: none */
	int64_t due_before, due_after; /* 0: none */
	char *actor, *reason;          /* NULL: none */
	char *detail; /* as stored: a JSON object text, other text or NULL */
};
/* The full dossier for staff: every column, the history, the S10 item of
 * a postal dossier and the lookup token. Owns every string (NULL: the
 * column is empty) and the events; store_dossier_cleanup frees them.
 * Times are Unix seconds, 0 for none. */
struct store_dossier {
	char *code, *agency_code, *agency_name, *procedure_code,
	    *procedure_name;
	int channel, delivery, status; /* enum channel, delivery, status */
	char *owner_name, *owner_id_no, *phone, *address, *email, *summary;
	int64_t received_at, submitted_at, due_at, finished_at, returned_at;
	int rating; /* enum rating */
	int supplement_count;
	bool provisional;
	int64_t created_at, updated_at;
	bool overdue; /* past its due date at the now of the read */
	struct store_event *events;
	size_t nevents;
	char *postal_item_id; /* NULL: not a postal dossier */
	char *token;          /* NULL: none issued */
	/* the counter desk (store_counter.c): the refusal's reason (Mẫu
	 * 03), who collected the result at the desk and whether their ID
	 * was checked, and the hand-offs (Mẫu 05) in order */
	char *refusal_reason, *collected_by; /* NULL: none */
	bool id_checked;
	struct store_handoff *handoffs;
	size_t nhandoffs;
};
/* One hand-off of a dossier (Mẫu 05), owned by its store_dossier. */
struct store_handoff {
	int64_t id, at;
	char *from, *to, *note, *actor; /* note NULL: none */
};
/* Fills *out (zeroed first). STORE_NOTFOUND for an unknown or malformed
 * code; STORE_ERROR on a failed read (nothing to clean up then). */
enum store_rc store_dossier(struct store *, const char *code, int64_t now,
    struct store_dossier *out);
void store_dossier_cleanup(struct store_dossier *); /* NULL: no-op */

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
	int channel;            /* enum channel */
	/* The S10 id of the postal packet that brought it, when the office
	 * resolved that packet as lost on its manifest and has not accepted
	 * the dossier since (docs/postal.md); "" otherwise. */
	char lost_item[16];
};
/* By token (already normalised). STORE_NOTFOUND when unknown. Does the
 * same work for a miss as for a hit, up to the row fetch. */
enum store_rc store_lookup_token(struct store *, const char *token,
    struct store_lookup *out);
/* The token of a dossier (issuing one if it has none). */
enum store_rc store_token(struct store *, const char *code,
    char token[TOKEN_LEN + 1]);

/* ---- the counter desk (store_counter.c; docs/counter.md) ---- */

/* Counter intake with the receipt (Mẫu 01) queued in the same
 * transaction when print->queue: one job, or two with print->copies 2,
 * the office's copy (ref "CODE#1", "Liên 1: Lưu") before the applicant's
 * (ref "CODE", "Liên 2: Giao khách hàng"). STORE_FULL (err "print: ...")
 * when the queue holds max_pending jobs: nothing is written. */
struct store_print_req {
	bool queue;          /* insert the print job(s) too */
	int copies;          /* 1 or 2 */
	int64_t max_pending; /* the print queue's bound */
	int64_t job;         /* out: the applicant's copy's job (0: none) */
};
enum store_rc store_intake_print(struct store *, const struct store_intake *,
    struct store_print_req *print, struct store_intake_result *,
    char err[STORE_ERR_MAX]);
/* A submission refused at the counter (Mẫu 03) is still recorded, so
 * that the citizen has the paper and the office the count: one
 * transaction makes the dossier (channel in person, no due date) as
 * submitted, moves it to refused (3) with reason as its event's reason
 * and keeps the reason on the row. in's status, submitted_at and
 * event_detail are ignored; res->due_at is 0. STORE_INVALID ("field:
 * why") for a bad field or an empty reason. */
enum store_rc store_refusal(struct store *, const struct store_intake *in,
    const char *reason, struct store_intake_result *res,
    char err[STORE_ERR_MAX]);
/* Appends a hand-off of dossier code from one party to another (Mẫu 05)
 * with its audit row; *id its number. Append-only: nothing changes or
 * deletes one. STORE_INVALID ("from: required"...) for a bad field,
 * STORE_CONFLICT for a dossier already closed (3, 7, 8, 10). idem (NULL:
 * none) records the reply, rendered once *id is set, with the row. */
#define STORE_PARTY_MAX 200
enum store_rc store_handoff_add(struct store *, const char *code,
    const char *from, const char *to, const char *note, const char *actor,
    int64_t now, int64_t *id, struct store_idem *idem, char err[STORE_ERR_MAX]);
/* The result of dossier code collected at the desk by collected_by (a
 * name; id_checked: the clerk saw their ID): status 9 -> 10 with its
 * event, audit and outbox rows. STORE_CONFLICT ("status: ...") unless
 * the result is ready, ("delivery: ...") for a result returned by post
 * (the postal pages' work). */
enum store_rc store_return_desk(struct store *, const char *code,
    const char *collected_by, bool id_checked, const char *actor, int64_t now,
    char err[STORE_ERR_MAX]);
/* One line of the tracking book (Mẫu 06), strings borrowed for the call.
 * number counts the lines of the period from 1. */
struct store_book_row {
	int64_t number;
	const char *code, *procedure_name, *owner_name, *address, *phone,
	    *agency_name;
	int64_t received_at, due_at, returned_at; /* 0: none */
	int delivery, status;                     /* enum delivery, status */
};
typedef int store_book_fn(void *arg, const struct store_book_row *);
/* The dossiers received in [from_day, to_day] (local days) that the
 * office accepted (not 1 or 3), by time received, each passed to fn;
 * non-zero stops. STORE_INVALID for a bad period. */
enum store_rc store_book(struct store *, int from_day, int to_day,
    store_book_fn *fn, void *arg, char err[STORE_ERR_MAX]);
/* ---- search and counts (store_search.c) ---- */

/* Search: any of code (exact, normalised), received day range [from_day,
 * to_day] (-1 = open), name (folded; prefix of the full name or of any
 * later word). Fills out with summaries, newest first, at most limit.
 */
struct store_query {
	const char *code;
	const char *name;
	int from_day, to_day;
	int limit; /* 1..1000 */
};
struct store_hit { /* owns its strings (NULL: empty column) */
	char *code, *procedure_name, *owner_name;
	int status, channel, delivery;
	int64_t received_at, due_at; /* 0: none */
	bool overdue;                /* at the now of the search */
};
struct store_hits {
	struct store_hit *v; /* owned; n of them */
	size_t n;
};
/* STORE_INVALID (err: "field: why") for a bad query, STORE_ERROR when
 * the read fails; out is empty then. store_hits_cleanup frees it. */
enum store_rc store_search(struct store *, const struct store_query *,
    int64_t now, struct store_hits *out, char err[STORE_ERR_MAX]);
void store_hits_cleanup(struct store_hits *); /* NULL: no-op */

/* Intake counts by channel for received_at in [from_day, to_day] (local
 * days, inclusive). Received means accepted by the office, as in
 * store_report; the dossiers registered but not yet accepted and those
 * refused are counted apart. */
struct store_counts {
	int from_day, to_day;
	int64_t total;
	int64_t received[3];  /* in person (or none), online, postal */
	int64_t not_accepted; /* status 1: registered, not yet accepted */
	int64_t refused;      /* status 3 */
};
enum store_rc store_counts(struct store *, int from_day, int to_day,
    struct store_counts *out);

/* ---- import (store_import.c) ---- */

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

/* ---- holidays (store_catalogue.c) ---- */

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
/* The rows of year by day (strings borrowed for the call); return
 * non-zero to stop. */
typedef int store_holiday_fn(void *arg, const struct store_holiday *);
enum store_rc store_holidays(struct store *, int year, store_holiday_fn *fn,
    void *arg);
/* "holiday", "day_off", "make_up" (enum cal_kind); NULL if bad. */
const char *store_holiday_kind_name(int kind);

/* ---- audit and metrics (store_account.c) ---- */

/* Audit of a staff action that is not a dossier write (e.g. a config
 * reload): actor, action, object, detail (no personal data). */
enum store_rc store_audit(struct store *, const char *actor, const char *action,
    const char *object, const char *detail);
/* The audit row of one read that returned personal data (a name, an ID
 * number, a phone or an address; docs/privacy.md "Who read what"):
 * action "read", object what was asked for (a path, never its query,
 * which may hold a name), detail what answered it (the route and, for a
 * list that held any, the number of records; records < 0: not said). One
 * row per request, whatever it listed. */
enum store_rc store_audit_read(struct store *, const char *actor,
    const char *object, const char *route, long records);

/* Counters for /metrics. */
struct store_stats {
	int64_t dossiers, outbox_pending, events;
};
enum store_rc store_stats(struct store *, struct store_stats *);

/* ---- kiosk (store_kiosk.c; docs/kiosk.md) ---- */
enum store_factor { STORE_FACTOR_ID, STORE_FACTOR_PHONE };
/* The kiosk view of a canonical code, only when digits (4 ASCII digits,
 * borrowed) are the last 4 digits of the owner's ID number or phone, as
 * factor says, or of the other number when the dossier has not that one
 * (factor_choose, core/factor.h). An unknown code, wrong digits and a
 * dossier with neither number are all STORE_NOTFOUND, after the same
 * work: the caller cannot tell them apart. The digits are compared in constant
 * time, wiped from the stack after, and never stored or logged. */
enum store_rc store_lookup_code(struct store *, const char *code,
    enum store_factor factor, const char *digits, struct store_lookup *out);
/* The satisfaction rating of a dossier (enum rating; RATING_NONE when it
 * has none) into *rating. STORE_NOTFOUND for an unknown code. */
enum store_rc store_rating(struct store *, const char *code, int *rating);
/* Records a kiosk rating (RATING_VERY_SATISFIED..RATING_UNSATISFIED) for a
 * canonical code: one per dossier, only once its result was returned
 * (status 10). source names the terminal ("kiosk:hall-1") or "web", never
 * a person. STORE_INVALID (err "status: ...") before status 10,
 * STORE_CONFLICT when it already has a rating (from a kiosk or an import),
 * STORE_NOTFOUND for an unknown code. */
enum store_rc store_rate(struct store *, const char *code, int rating,
    const char *source, int64_t now, char err[STORE_ERR_MAX]);
/* Sets the counter (where to go in the office) of a procedure. */
enum store_rc store_procedure_counter(struct store *, const char *code,
    const char *counter, char err[STORE_ERR_MAX]);
/* The public catalogue for the kiosk: at most limit rows (with their
 * counter), by name; with q, only procedures whose folded name or code
 * contains every folded word of q ("dang ky khai sinh" finds "Đăng ký
 * khai sinh"). STORE_ERROR on a failed read. */
enum store_rc store_kiosk_procedures(struct store *, const char *q, int limit,
    store_procedure_fn *fn, void *arg);
/* ---- reports (store_report.c; docs/reports.md has every definition) ----
 *
 * One report reads the dossiers that matter to [from_day, to_day]: those
 * received in it, those received before it and still open at its start,
 * and those ended in it or later; refused (3) and never-accepted (1)
 * dossiers are not counted anywhere. */
enum store_report_by {
	SR_BY_NONE = 0,
	SR_BY_CHANNEL,
	SR_BY_AGENCY,
	SR_BY_FIELD,
	SR_BY_PROCEDURE,
	SR_BY_DAY,
	SR_BY_WEEK,
	SR_BY_MONTH,
};
#define STORE_REPORT_KEY_MAX IMPORT_TEXT_MAX
struct store_report_q {
	int from_day, to_day;  /* local days, inclusive */
	const char *agency;    /* agency code or NULL */
	const char *field;     /* field name or NULL */
	const char *procedure; /* procedure code or NULL */
	int by;                /* enum store_report_by */
};
/* The counts of one group (or of the whole). */
struct store_report_row {
	char key[STORE_REPORT_KEY_MAX]; /* group: "" for the whole */
	int64_t received[3];  /* in person, online, postal; new in period */
	int64_t carried_over; /* received before, open at the start */
	int64_t early, on_time, late; /* resolved (ended) in the period */
	int64_t within_due, overdue;  /* open at the period's end */
	int64_t returned_by_post;     /* result sent by post in period */
	int64_t rating[3]; /* very satisfied, satisfied, unsatisfied */
};
/* Called once per group, in key order (time order for SR_BY_DAY..). The
 * row is borrowed for the call; return non-zero to stop. */
typedef int store_report_fn(void *arg, const struct store_report_row *);
/* Fills *total with the whole and, when q->by is not SR_BY_NONE, calls
 * fn per group. STORE_INVALID (err names the argument) for a bad period;
 * STORE_NOTFOUND for an agency, field or procedure the store does not
 * know ("agency: no such agency"). Reads only. */
enum store_rc store_report(struct store *, const struct store_report_q *,
    struct store_report_row *total, store_report_fn *fn, void *arg,
    char err[STORE_ERR_MAX]);
/* The dossiers of q's period and filters (q->by is ignored) that are not
 * received: registered and not yet accepted (status 1), refused (3). */
struct store_unaccepted {
	int64_t not_accepted, refused;
};
enum store_rc store_report_unaccepted(struct store *,
    const struct store_report_q *, struct store_unaccepted *,
    char err[STORE_ERR_MAX]);
/* Drill-down: the codes of the dossiers counted in one cell of the
 * report for q (q->by is ignored), optionally of one channel (0 = all),
 * each passed to fn (borrowed for the call), in no particular order. */
enum store_report_cell {
	SRC_RECEIVED = 1,
	SRC_CARRIED,
	SRC_EARLY,
	SRC_ON_TIME,
	SRC_LATE,
	SRC_WITHIN_DUE,
	SRC_OVERDUE,
	SRC_RETURNED_POST,
};
typedef void store_code_fn(void *arg, const char *code);
enum store_rc store_report_codes(struct store *, const struct store_report_q *,
    int cell, int channel, store_code_fn *fn, void *arg,
    char err[STORE_ERR_MAX]);
/* The EXPLAIN QUERY PLAN of the report statement for q (by none or by
 * q->by), one step a line, into buf. For docs/benchmarks.md. */
enum store_rc store_report_plan(struct store *, const struct store_report_q *,
    char *buf, size_t size);
/* Shares of total in hundredths of a percent (out[i] / 100.0 is the
 * percentage) that sum to exactly 10000 when total > 0: floors, then the
 * leftover hundredths go to the largest remainders. n <= 8. */
void store_shares(const int64_t *counts, size_t n, int64_t total, int *out);

/* ---- upstream sync (store_sync.c for daemon/sync/sync.c; docs/sync.md)
 * ---- */

/* An integer column that is NULL (none), where 0 is a value. */
#define STORE_NULL INT64_MIN

/* A dossier as a dossier_new outbox row carries it (borrowed strings). */
struct store_outbox_dossier {
	const char *agency_code, *agency_name, *procedure_code, *procedure_name,
	    *field;
	int channel, delivery;
	const char *owner_name, *owner_id_no, *phone, *address, *email,
	    *summary;
	int64_t received_at;
	int64_t submitted_at;     /* STORE_NULL: none */
	const char *token_sha256; /* hex SHA-256 of the token, or NULL */
};
/* One outbox row with what upstream is sent of it (docs/sync.md); every
 * pointer is borrowed for the callback's call. */
struct store_outbox_row {
	int64_t id;   /* local rowid, not sent */
	char key[33]; /* the idempotency key, 32 hex */
	const char *kind, *code;
	int64_t seq, base, at;
	int status;
	int64_t due_at; /* STORE_NULL: none */
	const char *event_kind;
	int64_t event_old_status, event_due_before; /* STORE_NULL: none */
	const char *event_reason, *event_actor;
	const char *event_detail; /* stored JSON text, or NULL */
	const struct store_outbox_dossier *dossier; /* dossier_new only */
};
/* Return non-zero to stop (not an error). */
typedef int store_outbox_fn(void *arg, const struct store_outbox_row *);
/* The next unsent, unparked outbox rows after rowid after_id (0: from
 * the start) in order, at most limit (1..10000), each passed to fn.
 * STORE_INVALID for a bad limit, STORE_ERROR (err) on a failed read. */
enum store_rc store_outbox_next(struct store *, int limit, int64_t after_id,
    store_outbox_fn *fn, void *arg, char err[STORE_ERR_MAX]);
/* Upstream acknowledged these rows: each is marked sent, or parked with
 * the reason upstream gave. One transaction. Already-sent rows stay. */
struct store_outbox_ack {
	int64_t id;
	const char *parked_reason; /* NULL: sent */
};
enum store_rc store_outbox_done(struct store *, const struct store_outbox_ack *,
    size_t n, int64_t now, char err[STORE_ERR_MAX]);
/* A failed attempt on rows first..last: counts it in their attempts. */
enum store_rc store_outbox_tried(struct store *, int64_t first_id,
    int64_t last_id);
/* Operator: parked rows of the dossier code (NULL: all) go back to the
 * queue. *count: rows released. Audited. */
enum store_rc store_outbox_unpark(struct store *, const char *code, int *count,
    char err[STORE_ERR_MAX]);
/* The state of the outbox: rows waiting, the oldest one's created_at (0:
 * none) and the parked rows, the first parked_max of them passed to fn
 * (may be NULL) in order. */
struct store_sync_summary {
	int64_t pending, oldest_unsent_at, parked_count;
};
struct store_parked { /* borrowed strings */
	const char *code, *kind, *reason;
	int64_t created_at, attempts;
	char key[33]; /* "" when the row has no 16-byte key */
};
typedef void store_parked_fn(void *arg, const struct store_parked *);
enum store_rc store_sync_summary(struct store *, int parked_max,
    struct store_sync_summary *out, store_parked_fn *fn, void *arg);
/* A named sync value (e.g. "pull_cursor"). STORE_NOTFOUND: never set. */
enum store_rc store_sync_state_get(struct store *, const char *name, char *buf,
    size_t size);
/* Changes pulled from upstream, applied with the new cursor in one
 * transaction. Unknown codes and revs already applied are skipped.
 * *applied: changes that changed something. */
struct store_upstream_change {
	char code[DCODE_TEXT_MAX + 1];
	int status;
	int64_t rev, at, due_at; /* due_at 0: unchanged */
	const char *reason;      /* borrowed; may be NULL */
};
enum store_rc store_sync_apply(struct store *,
    const struct store_upstream_change *, size_t n, const char *cursor,
    int *applied, char err[STORE_ERR_MAX]);
/* Dossiers taken on this box and received in [from_day, to_day], each
 * passed to fn (code borrowed) in code order. */
typedef void store_sync_code_fn(void *arg, const char *code, int channel);
enum store_rc store_sync_codes(struct store *, int from_day, int to_day,
    store_sync_code_fn *fn, void *arg);

/* ---- the print queue (store_print.c) ---- */

/* The durable print queue (daemon/printer/printer.c). A job names a document
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
/* The newest limit jobs, newest first, each passed to fn (borrowed for
 * the call); return non-zero to stop. */
typedef int store_print_job_fn(void *arg, const struct store_print_job *);
enum store_rc store_print_jobs(struct store *, int limit,
    store_print_job_fn *fn, void *arg);

/* ---- accounts, sessions, API tokens (store_account.c for
 * daemon/auth/auth.c; docs/security.md)
 *
 * Roles are stored by name: "kiosk", "postal_clerk", "office_staff",
 * "admin" (daemon/core/actor.h). Session ids and tokens are never stored, only
 * their 32-byte BLAKE2b hashes. Every account change writes an audit row
 * in the same transaction (actor: who made it). */
#define STORE_USER_NAME_MAX 63 /* fits struct actor's name */
struct store_user {            /* a plain value */
	int64_t id;
	char name[STORE_USER_NAME_MAX + 1];
	char role[16];
	char hash[256]; /* crypto_pwhash_str text */
	bool disabled;
	int64_t created_at, updated_at;
	char post_office[ACTOR_POST_OFFICE_MAX]; /* "": none */
};
enum store_rc store_user_get(struct store *, const char *name,
    struct store_user *);
/* STORE_CONFLICT when the name exists; STORE_INVALID for a bad name,
 * role or post office. post_office (NULL or "": none) is a postal
 * clerk's only (role_post_office_valid; docs/security.md "Postal
 * scope"). */
enum store_rc store_user_add(struct store *, const char *name, const char *role,
    const char *post_office, const char *hash, const char *actor,
    char err[STORE_ERR_MAX]);
/* Moves a postal clerk to post_office ("": none). Sessions and tokens
 * read the account's post office on every request, so the new scope
 * holds at once. Audited. STORE_INVALID for a bad post office,
 * STORE_NOTFOUND when name is no postal clerk's account. */
enum store_rc store_user_set_post_office(struct store *, const char *name,
    const char *post_office, const char *actor, char err[STORE_ERR_MAX]);
/* A new password hash. actor NULL: a rehash at sign-in (not audited, the
 * sessions stay); else a password change, which ends the user's
 * sessions. */
enum store_rc store_user_set_hash(struct store *, const char *name,
    const char *hash, const char *actor, char err[STORE_ERR_MAX]);
/* Disables the account: its sessions end and its tokens are revoked. */
enum store_rc store_user_disable(struct store *, const char *name,
    const char *actor, char err[STORE_ERR_MAX]);
/* Every account by name, without its hash, with its live sessions and
 * tokens counted; strings borrowed for the call. Return non-zero to stop. */
struct store_user_row {
	const char *name, *role, *post_office; /* post_office "": none */
	bool disabled;
	int64_t created_at, updated_at; /* 0: none */
	int64_t sessions, tokens;       /* tokens: live, not expired */
	int64_t tokens_expire_at; /* the soonest live token's end; 0: none */
};
typedef int store_user_fn(void *arg, const struct store_user_row *);
enum store_rc store_users(struct store *, store_user_fn *fn, void *arg);
/* A session (or a token's owner) as the auth layer sees it. */
struct store_session {
	int64_t user_id;
	char user[STORE_USER_NAME_MAX + 1];
	char role[16];
	char post_office[ACTOR_POST_OFFICE_MAX]; /* "": none */
	char csrf[64];
	int64_t created_at, last_seen, expires_at;
};
enum store_rc store_session_add(struct store *, const unsigned char id_hash[32],
    int64_t user_id, const char *csrf, int64_t now, int64_t expires_at,
    const char *client);
/* STORE_NOTFOUND for an unknown session or a disabled user. The caller
 * checks the times. */
enum store_rc store_session_get(struct store *, const unsigned char id_hash[32],
    struct store_session *);
enum store_rc store_session_touch(struct store *,
    const unsigned char id_hash[32], int64_t now);
enum store_rc store_session_delete(struct store *,
    const unsigned char id_hash[32]);
/* Deletes sessions past their lifetime or idle longer than idle_s: the
 * count, or -1. */
int store_sessions_prune(struct store *, int64_t now, int64_t idle_s);
/* A new bearer token (its hash) for user, live until expires_at (Unix
 * time, after now); *id its number. */
enum store_rc store_token_add(struct store *, const unsigned char hash[32],
    const char *user, const char *label, int64_t expires_at, const char *actor,
    int64_t *id, char err[STORE_ERR_MAX]);
/* The owner of a live token of an enabled user (csrf and created_at
 * empty, expires_at the token's); notes the use (to the minute).
 * STORE_NOTFOUND when unknown, revoked, expired (expires_at <= now) or
 * the user is disabled. */
enum store_rc store_token_get(struct store *, const unsigned char hash[32],
    int64_t now, struct store_session *);
/* Revokes user's live tokens (those labelled label, or all when NULL);
 * *count: how many. Audited. */
enum store_rc store_token_revoke(struct store *, const char *user,
    const char *label, const char *actor, int *count, char err[STORE_ERR_MAX]);
/* Audit rows with at in [from, to) (Unix times), oldest first, at most
 * limit, each passed to fn (strings borrowed for the call; NULL: empty).
 * Return non-zero to stop. */
struct store_audit_row {
	int64_t id, at;
	const char *actor, *action, *object, *detail;
};
typedef int store_audit_fn(void *arg, const struct store_audit_row *);
enum store_rc store_audit_list(struct store *, int64_t from, int64_t to,
    int limit, store_audit_fn *fn, void *arg);
/* ---- postal intake (store_postal.c, store_manifest.c; docs/api.md
 * "Postal"; docs/domain.md) ----
 *
 * A post office clerk registers a mailed dossier (an S10 item): one
 * transaction makes the dossier (channel 3, status 1: submitted, no due
 * date yet), its postal row, the outbox row and, when asked, the print
 * job of its receipt. The applicant's name, address, phone and ID number
 * are the dossier's owner fields: staff views only, never logged. Batches
 * close into manifests (bảng kê) that the office reconciles; acceptance
 * at the office moves the dossier 1 -> 2 and sets the due date from the
 * acceptance time. An S10 id is unique within STORE_POSTAL_WINDOW_S of
 * its registration, not forever (UPU: no reuse within 12 months). */
#define STORE_POSTAL_WINDOW_S (366 * 86400)
enum store_postal_service {
	STORE_POSTAL_SEND = 1, /* the dossier goes by post */
	STORE_POSTAL_RETURN,   /* the result comes back by post */
	STORE_POSTAL_BOTH,
};
const char *store_postal_service_name(int); /* "send", ...; NULL if bad */
struct store_postal_reg {                   /* borrowed strings */
	const char *item_id;                /* normalised S10 */
	const char *s10_verdict;            /* s10_verdict_name of the id */
	const char *override_reason; /* needed when the verdict is not valid */
	const char *name, *address, *phone, *id_number; /* the applicant */
	const char *procedure_code, *agency_code;
	const char *documents; /* JSON array text: [{name,originals,copies,
	                        * checked}] (already checked by the parser) */
	int64_t fees_vnd;      /* >= 0 */
	const char *fee_receipt_no, *return_address, *station, *actor;
	/* the registering clerk's post office (NULL or "": none), which
	 * scopes who may read it (docs/security.md "Postal scope") */
	const char *post_office;
	int service; /* enum store_postal_service */
	bool seal_intact;
	int64_t posted_at;   /* post-office time */
	bool queue_receipt;  /* insert a receipt print job too */
	int64_t max_pending; /* print queue bound (queue_receipt) */
	/* Idempotency-Key (store_postal_register only; NULL: none): the
	 * reply of a registration that creates is recorded with it; one
	 * that finds the item registered writes nothing. Borrowed. */
	struct store_idem *idem;
};
struct store_postal_result {
	bool created; /* false: the item was already registered; nothing
	               * was written and code/token are the existing ones */
	char code[DCODE_TEXT_MAX + 1];
	char token[TOKEN_LEN + 1];
	int64_t print_job; /* 0: none */
};
/* STORE_INVALID/NOTFOUND with "field: why" in err; nothing is written. */
enum store_rc store_postal_register(struct store *,
    const struct store_postal_reg *, struct store_postal_result *,
    char err[STORE_ERR_MAX]);
/* Bulk registration (scripted use): up to STORE_POSTAL_BATCH_MAX
 * registrations in one durable transaction, each in its own savepoint:
 * rcs[i] and errs[i] say how each went (STORE_OK with res[i].created
 * false: already registered, in the store or earlier in the batch), and
 * a refused one writes nothing. STORE_ERROR (err) when the batch as a
 * whole could not be committed: then nothing is written. */
#define STORE_POSTAL_BATCH_MAX 1000
enum store_rc store_postal_register_batch(struct store *,
    const struct store_postal_reg *regs, size_t n,
    struct store_postal_result *res, enum store_rc *rcs,
    char (*errs)[STORE_ERR_MAX], char err[STORE_ERR_MAX]);
/* The same with an Idempotency-Key (idem NULL: none): the batch's reply
 * is rendered and recorded before the commit. */
enum store_rc store_postal_register_batch_idem(struct store *,
    const struct store_postal_reg *regs, size_t n,
    struct store_postal_result *res, enum store_rc *rcs,
    char (*errs)[STORE_ERR_MAX], struct store_idem *idem,
    char err[STORE_ERR_MAX]);
/* The registration of an S10 id (the newest within the window), with
 * the dossier's code, token, due date, manifest and state; applicant
 * details included (staff only). Owns every string (NULL: empty);
 * store_postal_item_cleanup frees them. Times 0: none. */
struct store_postal_item {
	char *item_id, *code, *token;
	int64_t due_at;
	char *manifest_id;
	const char *state; /* "registered", "in_manifest", "accepted",
	                    * "missing", "resolved" (static text) */
	int64_t accepted_at;
	char *accepted_by;
	char *name, *address, *phone, *id_number; /* the applicant */
	char *procedure_code, *agency_code;
	char *documents; /* the stored JSON array text */
	int64_t fees_vnd;
	char *fee_receipt_no;
	int service; /* enum store_postal_service */
	char *return_address;
	bool seal_intact;
	int64_t posted_at;
	char *clerk, *station, *s10_verdict, *override_reason;
	char *post_office; /* the registering clerk's; NULL: none */
	bool flagged;
	int status; /* the dossier's */
	int64_t registered_at;
};
/* STORE_NOTFOUND when not registered within the window. */
enum store_rc store_postal_item(struct store *, const char *item_id,
    int64_t now, struct store_postal_item *out);
void store_postal_item_cleanup(struct store_postal_item *); /* NULL: no-op */
/* Closes a batch: every registered item not on a manifest (of station,
 * NULL: all; of a postal clerk's scope: scope the post office, "" the
 * items actor registered, NULL: every one) goes on a new manifest
 * BKYYYYMMDD-NNNN; with queue_print a
 * manifest print job too. *out: the manifest, its items in order, their
 * fees and the print job (0: none); store_postal_closed_cleanup frees
 * it. STORE_CONFLICT when there is nothing to close. */
#define STORE_MANIFEST_ID_MAX 31 /* MANIFEST_ID_LEN fits */
struct store_postal_closed {
	char manifest_id[STORE_MANIFEST_ID_MAX + 1];
	int64_t count, fees_vnd, print_job;
	char **items; /* owned; the S10 ids, nitems of them */
	size_t nitems;
};
enum store_rc store_postal_close(struct store *, const char *station,
    const char *scope, const char *actor, int64_t now, bool queue_print,
    int64_t max_pending, struct store_postal_closed *out,
    char err[STORE_ERR_MAX]);
void store_postal_closed_cleanup(struct store_postal_closed *);
/* A manifest: its summary (counts and state, postal/manifest.h), the
 * signatories, and for store_postal_manifest its items in order and its
 * recorded discrepancies. Owns every string (NULL: empty);
 * store_manifest_cleanup frees them. Times 0: none. */
struct store_manifest_item {
	char *item_id, *code;
	int64_t accepted_at;
	char *resolution; /* of its discrepancy, NULL: none */
	int64_t fees_vnd;
};
struct store_discrepancy {
	char *item_id, *kind, *resolution, *reason, *by;
	int64_t at, scanned_at;
};
struct store_manifest {
	char *id;
	int64_t closed_at;
	char *closed_by, *station;
	int64_t count, fees_vnd;
	const char *state; /* manifest_state_name (static text) */
	int64_t arrived, missing, unexpected;
	bool signed_off;
	char *giver, *receiver, *signed_by;
	int64_t signed_at;
	struct store_manifest_item *items;
	size_t nitems;
	struct store_discrepancy *discs;
	size_t ndiscs;
};
void store_manifest_cleanup(struct store_manifest *); /* NULL: no-op */
/* The newest limit manifests, newest first, summaries only (no items or
 * discrepancies), each passed to fn (borrowed for the call); one that
 * cannot be read is left out. Return non-zero to stop. */
typedef int store_manifest_fn(void *arg, const struct store_manifest *);
enum store_rc store_postal_manifests(struct store *, int limit,
    store_manifest_fn *fn, void *arg);
/* Is every item of manifest id (it has at least one) a registration of a
 * postal clerk's scope: of post office scope, or with scope "" of clerk
 * (docs/security.md "Postal scope")? *in false otherwise. */
enum store_rc store_postal_manifest_in_scope(struct store *, const char *id,
    const char *scope, const char *clerk, bool *in);
/* May who read the dossier code's documents (its receipt and forms)?
 * Office staff and admin: every dossier; a postal clerk: only a postal
 * registration of their scope (role_postal_scope_has), never a counter
 * dossier; nobody else. *in false also when there is no such dossier. */
enum store_rc store_postal_dossier_in_scope(struct store *,
    const struct actor *who, const char *code, bool *in);
/* One manifest, whole. STORE_NOTFOUND when there is none. */
enum store_rc store_postal_manifest(struct store *, const char *id,
    struct store_manifest *out);
/* The office scans item at manifest. On the manifest (on_manifest, code
 * set): STORE_RECEIVED_ACCEPTED now (accepted_at, due_at) or
 * STORE_RECEIVED_ALREADY (accepted_at); not on it: recorded as
 * STORE_RECEIVED_UNEXPECTED once, STORE_RECEIVED_ALREADY (scanned_at)
 * after. */
enum store_received {
	STORE_RECEIVED_ACCEPTED = 1,
	STORE_RECEIVED_ALREADY,
	STORE_RECEIVED_UNEXPECTED,
};
struct store_postal_received {
	int result; /* enum store_received */
	bool on_manifest;
	char code[DCODE_TEXT_MAX + 1];           /* on_manifest only */
	int64_t accepted_at, due_at, scanned_at; /* 0: none */
};
enum store_rc store_postal_receive(struct store *, const char *manifest,
    const char *item_id, const char *actor, int64_t now,
    struct store_postal_received *out, char err[STORE_ERR_MAX]);
/* Resolves the discrepancy of item (missing or unexpected) with
 * resolution (arrived_late accepts a missing item), reason required. The
 * same resolution again changes nothing; another is STORE_CONFLICT. */
enum store_rc store_postal_resolve(struct store *, const char *manifest,
    const char *item_id, const char *resolution, const char *reason,
    const char *actor, int64_t now, char err[STORE_ERR_MAX]);
/* Both signatories of the handover; the same names again change nothing,
 * other names are STORE_CONFLICT. */
enum store_rc store_postal_sign(struct store *, const char *manifest,
    const char *giver, const char *receiver, const char *actor, int64_t now,
    char err[STORE_ERR_MAX]);
/* Return by post: the result of dossier code handed to the post office
 * as outbound item_id. done_at_handover: status 9 -> 10 now; else at
 * store_postal_delivered. */
enum store_rc store_postal_return(struct store *, const char *code,
    const char *item_id, bool done_at_handover, const char *actor, int64_t now,
    char err[STORE_ERR_MAX]);
enum store_rc store_postal_delivered(struct store *, const char *item_id,
    bool done_at_handover, const char *actor, int64_t now,
    char err[STORE_ERR_MAX]);
/* Handovers in [from_day, to_day] in order, each passed to fn (strings
 * borrowed for the call; times 0: none). Return non-zero to stop. */
struct store_postal_return_row {
	const char *code, *item_id, *procedure_code;
	int64_t handed_at, delivered_at;
	const char *handed_by;
	int status;
};
typedef int store_postal_return_fn(void *arg,
    const struct store_postal_return_row *);
enum store_rc store_postal_returns(struct store *, int from_day, int to_day,
    store_postal_return_fn *fn, void *arg);
/* The stored document list of a procedure (JSON array text of names)
 * into *documents, caller-owned (free), NULL when it has none.
 * STORE_NOTFOUND for an unknown procedure. */
enum store_rc store_procedure_documents(struct store *, const char *code,
    char **documents);
/* The printed manifest's rows in order, each passed to fn (strings
 * borrowed for the call). STORE_NOTFOUND for an unknown manifest. */
struct store_manifest_doc {
	const char *code, *item_id, *procedure_name, *owner_name, *address;
	int delivery;
	int64_t fee;
};
typedef int store_manifest_doc_fn(void *arg, const struct store_manifest_doc *);
enum store_rc store_postal_manifest_docs(struct store *, const char *id,
    store_manifest_doc_fn *fn, void *arg);

/* ---- backup and restore (store_backup.c) ---- */

/* Whole-file copies of a SQLite database (the store's or the hub's),
 * each on connections of its own: they never touch a struct store, so
 * the daemon runs a backup on a worker thread while the loop's
 * connection keeps writing (WAL: the copy's read snapshot does not block
 * the writer). A hex SHA-256 is 64 characters and a NUL. */
#define STORE_SHA256_HEX 65

/* Copies the database at src into dst (created, or an empty file the
 * caller made with mkstemp; one with data is refused) through SQLite's online
 * backup API, as one consistent snapshot, in steps of a few MiB; *cancel (may
 * be NULL) is read between steps and, once true, stops it. The copy is turned
 * into one self-contained file (rollback journal, not WAL) and quick-checked.
 * *version gets the copy's schema version (PRAGMA user_version).
 * STORE_OK, or STORE_ERROR with err (dst then removed). Thread-safe:
 * touches nothing but its own connections. */
enum store_rc store_backup_copy(const char *src, const char *dst,
    const atomic_bool *cancel, int *version, char err[STORE_ERR_MAX]);
/* The SHA-256 of the whole file open at fd, read from its start, in hex,
 * and its size. 0, or -1 with err. */
int store_sha256_fd(int fd, char hex[STORE_SHA256_HEX], uint64_t *size,
    char err[STORE_ERR_MAX]);
/* Is the file at path a whole, sound SQLite database (opened read-only,
 * PRAGMA integrity_check) with a table named must_table (NULL: any), so
 * that a hub's backup is not restored as the store? *version gets its
 * user_version. STORE_OK, or STORE_INVALID with the first problem. */
enum store_rc store_file_check(const char *path, const char *must_table,
    int *version, char err[STORE_ERR_MAX]);
/* The schema version this motcuad's store migrations reach. */
int store_schema_current(void);
/* Puts the database file tmp in the place of db_path, the daemon being
 * stopped: STORE_CONFLICT when another process has db_path open (the
 * daemon still runs). The database it replaces (its WAL checkpointed in
 * first) is kept as "db_path.pre-restore-YYYYMMDDTHHMMSSZ", named in
 * kept ("" when there was none). tmp must be on db_path's file system;
 * the rename is atomic and the directory fsynced. */
enum store_rc store_restore_replace(const char *tmp, const char *db_path,
    char *kept, size_t kept_size, char err[STORE_ERR_MAX]);
#endif
