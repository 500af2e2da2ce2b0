/* store_int.h: what the files of the store share and nobody else sees,
 * the way SQLite keeps sqliteInt.h: the definition of struct store, its
 * two statement caches (the prepared-at-open table st[] and the postal
 * statements pst[], prepared on first use), and the helpers every
 * concern uses to bind, step, check and write the rows each change
 * shares (event, audit, outbox, token). Only the .c files of daemon/store
 * include it (and with it sqlite3.h); everything else uses store.h.
 *
 * Which file holds what: store.c opens, migrates and closes, and holds
 * the helpers below; store_catalogue.c (agencies, procedures, holidays),
 * store_dossier.c (intake, status changes, the staff and kiosk reads),
 * store_search.c (search and counts), store_import.c, store_report.c,
 * store_sync.c (outbox and upstream), store_kiosk.c, store_print.c,
 * store_postal.c (registration, items, batches), store_manifest.c
 * (manifests, reconciliation, returns), store_account.c (accounts,
 * sessions, tokens, audit and stats) and store_health.c (the write
 * check of /healthz). */
#ifndef STORE_INT_H
#define STORE_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "core/calendar.h"
#include "core/dcode.h"
#include "core/importrec.h"
#include "core/token.h"
#include "store/store.h"

/* Bounds on what staff may type (bytes). Outside data is refused past
 * them, never truncated. */
#define OWNER_NAME_MAX  200
#define ID_NO_MAX       32
#define PHONE_MAX       32
#define ADDRESS_MAX     500
#define EMAIL_MAX       254
#define SUMMARY_MAX     2000
#define REASON_MAX      2000
#define BACK_REASON_MAX 500 /* a back-entry's reason */
#define ACTOR_MAX       64
#define PROC_CODE_MAX   64
#define CAT_NAME_MAX    (IMPORT_TEXT_MAX - 1) /* agency, procedure, field */
#define DOCUMENTS_MAX   16384
#define FOLD_MAX        (4 * IMPORT_TEXT_MAX) /* fold never grows 4x */
#define SUPP_SEEN_MAX   64 /* stored supplement events compared on import */
#define TOKEN_TRIES     4  /* a collision of 80 random bits: never, but */
#define PQ_MAX          48 /* postal statements (the postal block) */

/* "Received" means accepted by the office (docs/domain.md, "Reports"): a
 * dossier registered but not yet accepted (status 1) or refused (3) is
 * not received. The one definition, shared by counts and the report. */
#define ST_RECEIVED_SQL "status NOT IN (1, 3)"

/* The kiosk view's last column: the S10 id of a postal dossier's packet
 * that its manifest's reconciliation resolved as lost, while the dossier
 * is still waiting to be accepted (channel 3 = CHANNEL_POSTAL, status 1 =
 * ST_SUBMITTED); NULL otherwise. Only postal dossiers pay for the
 * subquery: the index probes of postal_items(dossier_id) and the two
 * primary keys. */
#define ST_LOST_ITEM_SQL                                                  \
	"CASE WHEN d.channel = 3 AND d.status = 1 THEN"                   \
	" (SELECT pi.item_id FROM postal_items pi"                        \
	"  JOIN postal_manifest_items mi ON mi.postal_id = pi.id"         \
	"  JOIN postal_discrepancies x ON x.manifest_id = mi.manifest_id" \
	"  AND x.item_id = pi.item_id"                                    \
	"  WHERE pi.dossier_id = d.id AND x.resolution = 'lost' LIMIT 1)" \
	" END"

enum qid {
	Q_BEGIN,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_PROC_GET,
	Q_PROC_PUT,
	Q_PROC_IMPORT,
	Q_PROC_LIST,
	Q_AGENCY_GET,
	Q_AGENCY_PUT,
	Q_COUNTER_NEXT,
	Q_COUNTER_SET,
	Q_COUNTER_GET,
	Q_CODE_TAKEN,
	Q_IDEM_GET,
	Q_IDEM_PUT,
	Q_IDEM_PRUNE,
	Q_DOSSIER_INSERT,
	Q_DOSSIER_STATE,
	Q_DOSSIER_FULL,
	Q_STATUS_UPDATE,
	Q_DUE_UPDATE,
	Q_EVENT_INSERT,
	Q_EVENTS_OF,
	Q_SUPP_EVENTS,
	Q_TOKEN_INSERT,
	Q_TOKEN_OF,
	Q_AUDIT_INSERT,
	Q_OUTBOX_INSERT,
	Q_LOOKUP,
	Q_SEARCH_CODE,
	Q_SEARCH_PREFIX,
	Q_SEARCH_WORD,
	Q_SEARCH_RANGE,
	Q_COUNTS,
	Q_IMPORT_GET,
	Q_IMPORT_UPDATE,
	Q_HOL_DELETE,
	Q_HOL_INSERT,
	Q_HOL_ALL,
	Q_HOL_RANGE,
	Q_STATS,
	Q_APOLOGY_SET,
	Q_PROC_NAME,
	Q_AGENCY_NAME,
	Q_UPSTREAM_REV,
	Q_UPSTREAM_SET,
	Q_OUTBOX_NEXT,
	Q_OUTBOX_SENT,
	Q_OUTBOX_PARK,
	Q_OUTBOX_TRIED,
	Q_OUTBOX_UNPARK,
	Q_OUTBOX_OLDEST,
	Q_OUTBOX_PARKED,
	Q_SYNC_STATE_GET,
	Q_SYNC_STATE_SET,
	Q_SYNC_CODES,
	Q_COUNT
};

/* Catalogue rows this import batch has already written, so a batch of
 * records over a few agencies and procedures upserts each once. Small,
 * replaced round robin; cleared whenever a savepoint or the batch rolls
 * back, since the rows may be gone. */
#define CACHE_AGENCIES   16
#define CACHE_PROCEDURES 32
struct import_cache {
	struct {
		char code[sizeof(((struct import_rec *)0)->agency_code)];
		char name[IMPORT_TEXT_MAX];
	} agency[CACHE_AGENCIES];
	struct {
		char code[sizeof(((struct import_rec *)0)->procedure_code)];
		char name[IMPORT_TEXT_MAX];
		char field[IMPORT_TEXT_MAX];
		int days;
	} proc[CACHE_PROCEDURES];
	size_t nagency, nproc;         /* filled entries */
	size_t next_agency, next_proc; /* next to replace when full */
};

/* Display names of procedures and agencies by code, for kiosk lookups:
 * two small tables read on every lookup, kept here so the lookup is one
 * row read. Filled on demand from the tables, emptied whenever either
 * table is written or a transaction rolls back. Bounded: when full it is
 * emptied and refilled. */
#define NAMES_CAP 4096 /* slots; a power of two */
struct names {
	struct name_slot {
		char *code, *name; /* owned; code NULL: slot free */
	} * slot;                  /* owned; NAMES_CAP slots, or NULL */
	size_t used;
};

struct store {
	sqlite3 *db;               /* owned */
	sqlite3_stmt *st[Q_COUNT]; /* owned; all prepared at open */
	struct calendar cal;       /* cal.entries points into entries */
	struct cal_entry *entries; /* owned; sorted by day */
	int *prov_years;           /* owned; cal.prov_years points here */
	bool in_import;            /* between import_begin and commit */
	bool import_broken;        /* a write failed: commit rolls back */
	char import_actor[ACTOR_MAX + 1]; /* the batch's, for its audit row */
	int64_t import_now;               /* wall clock at import_begin */
	long n_imported, n_updated, n_unchanged, n_failed;
	struct import_cache cache; /* 44 KiB: why struct store is on the heap */
	struct names proc_names, agency_names; /* lookup display names */
	sqlite3_stmt *pst[PQ_MAX]; /* owned; postal statements, on first use */
};

/* A dossier_events row to write (st_add_event); strings borrowed. */
struct event {
	int64_t dossier_id, at;
	const char *kind;
	int old_status, new_status;    /* 0: none */
	int64_t due_before, due_after; /* 0: none */
	const char *actor, *reason, *detail;
};

/* The postal statements (pst[]; their text is in store_postal.c). */
enum pq {
	PQ_ITEM_FIND,
	PQ_ITEM_INSERT,
	PQ_ITEM_GET,
	PQ_OPEN_ITEMS,
	PQ_MANIFEST_SEQ,
	PQ_MANIFEST_INSERT,
	PQ_MITEM_INSERT,
	PQ_MANIFEST_TOTALS,
	PQ_MANIFESTS,
	PQ_MANIFEST_GET,
	PQ_MANIFEST_ITEMS,
	PQ_MANIFEST_COUNTS,
	PQ_ITEM_ON_MANIFEST,
	PQ_ACCEPT_ITEM,
	PQ_DOSSIER_ACCEPT,
	PQ_DISC_GET,
	PQ_DISC_INSERT,
	PQ_DISC_RESOLVE,
	PQ_DISCS,
	PQ_SIGN,
	PQ_RETURN_GET,
	PQ_RETURN_INSERT,
	PQ_RETURN_DELIVER,
	PQ_RETURNS,
	PQ_DOSSIER_ID,
	PQ_PROC_DOCS,
	PQ_DOCS_OF,
	PQ_ITEM_OF,
	PQ_SAVEPOINT,
	PQ_RELEASE,
	PQ_ROLLBACK_TO,
	PQ_COUNT_
};

_Static_assert(PQ_COUNT_ <= PQ_MAX, "raise PQ_MAX: struct store's pst[]");

/* The facts of a dossier a change checks before it writes. */
struct dstate {
	int64_t id, due_at, received_at;
	int status;
};

/* ---- helpers (store.c unless noted) ---- */

void st_names_clear(struct names *n);
/* The slot holding code, or the free slot where it would go. */
struct name_slot *st_names_find(struct names *n, const char *code);
/* Formats into err (STORE_ERR_MAX bytes; NULL: nothing). */
void st_err(char *err, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
enum store_rc st_dberr(struct store *s, char *err);
int64_t st_wall_now(void);
/* The statement, reset and with every parameter NULL. */
sqlite3_stmt *st_q(struct store *s, enum qid id);
/* Steps a statement that returns no row and resets it. */
int st_run(struct store *s, enum qid id);
/* Checks an optional (min 0) or required (min 1) text field. */
bool st_check_text(const char *field, const char *v, size_t min, size_t max,
    char *err);
enum store_rc st_begin(struct store *s, char *err);
enum store_rc st_commit(struct store *s, char *err);
void st_rollback(struct store *s);
/* Ends a write transaction by rc: commit on STORE_OK, else roll back. */
enum store_rc st_finish(struct store *s, enum store_rc rc, char *err);
/* Canonical code text from untrusted input. */
enum store_rc st_norm_code(const char *code, char out[DCODE_TEXT_MAX + 1],
    char *err);
/* Reloads the holiday table into the calendar. */
int st_load_calendar(struct store *s);
int st_add_event(struct store *s, const struct event *e);
int st_add_audit(struct store *s, int64_t at, const char *actor,
    const char *action, const char *object, const char *detail);
/* The outbox row of the event just inserted: a random idempotency key
 * and a payload with the new status only; the sync module reads the
 * dossier and the event when it sends. */
int st_add_outbox(struct store *s, int64_t dossier_id, const char *kind,
    int status, int64_t at);
/* A new token for the dossier, retried on a primary-key collision. */
int st_add_token(struct store *s, int64_t dossier_id, int64_t at,
    char out[TOKEN_LEN + 1]);
/* The catalogue row at st, columns col[0..5]: code, name, field, days,
 * documents, fee (the queries differ). Borrows the statement's text.
 * (store_catalogue.c) */
void st_procedure_row(sqlite3_stmt *st, const int col[6],
    struct store_procedure_row *r);
/* ---- shared by the concerns (the file that defines each) ---- */

/* An intake's fields checked before any write. (store_dossier.c) */
bool st_check_intake(const struct store_intake *in, char *err);
/* Everything between BEGIN and COMMIT; the caller rolls back on error.
 * (store_dossier.c, also for postal registration) */
/* Inside a create's transaction, after its rows: renders the reply
 * (idem->render) and records it under idem->key, pruning keys past
 * STORE_IDEM_TTL_S (store_idem.c). A NULL idem or key: nothing. An error
 * (the key recorded meanwhile, out of memory) rolls the create back. */
enum store_rc st_idem_record(struct store *s, struct store_idem *idem,
    char *err);
/* The code of number seq of agency on local day `day`, into code. 0, or
 * -1 when the day lies outside the years a code can name. */
int st_day_code(const char *agency, int day, unsigned seq,
    char code[DCODE_TEXT_MAX + 1]);
enum store_rc st_intake_tx(struct store *s, const struct store_intake *in,
    const char *name, const char *fold, struct store_intake_result *res,
    char *err);
/* The state of dossier code; STORE_NOTFOUND with err. (store_dossier.c) */
enum store_rc st_load_state(struct store *s, const char *code,
    struct dstate *ds, char *err);
/* Writes a dossier's status, due date (0: none), supplement count
 * increment and provisional flag (0 or 1; -1 keeps it). (store_dossier.c) */
enum store_rc st_update_due(struct store *s, const struct dstate *ds,
    int status, int64_t due, int supp_inc, int prov, int64_t now, char *err);
/* A status change inside the caller's transaction. (store_dossier.c) */
enum store_rc st_set_status_tx(struct store *s, const char *code, int to,
    const char *reason, const char *actor, int64_t now, char *err);
/* The postal statement id, reset with its parameters cleared; NULL when
 * it cannot be prepared (sqlite3_errmsg says why). (store_postal.c) */
sqlite3_stmt *st_pq(struct store *s, enum pq id);
/* Steps a statement that returns no row and resets it. */
int st_prun(sqlite3_stmt *st);
/* The S10 id of a postal dossier into *out (caller-owned), NULL when it
 * has none. -1 when out of memory. (store_postal.c) */
int st_postal_item_of(struct store *s, int64_t dossier_id, char **out);
/* Inserts a queued print job of kind/ref and its audit row inside the
 * caller's transaction; STORE_FULL (err "print: ...") when max_pending
 * jobs wait already. (store_print.c) */
enum store_rc st_print_queue(struct store *s, const char *kind, const char *ref,
    const char *actor, int64_t now, int64_t max_pending, int64_t *id,
    char *err);
/* The counter columns and hand-offs of dossier id into d, part of
 * store_dossier's read. (store_counter.c) */
enum store_rc st_counter_read(struct store *s, int64_t id,
    struct store_dossier *d);
/* Frees what st_counter_read filled. (store_counter.c) */
void st_counter_cleanup(struct store_dossier *d);
/* A copy of the text column i into *out (caller-owned; NULL for SQL
 * NULL). -1 when out of memory. */
int st_dup(sqlite3_stmt *st, int i, char **out);

/* ---- bind and column helpers ---- */

/* Text bound without a copy: the caller keeps it alive until the step. */
static inline void
b_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, (int)strlen(v), SQLITE_STATIC);
}

/* Optional text: NULL or "" is stored as NULL. */
static inline void
b_opt(sqlite3_stmt *st, int i, const char *v)
{
	b_text(st, i, v != NULL && *v != '\0' ? v : NULL);
}

/* Optional time or status: 0 is stored as NULL. */
static inline void
b_opt64(sqlite3_stmt *st, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

static inline const char *
c_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* "" for NULL, for comparisons. */
static inline const char *
c_str(sqlite3_stmt *st, int i)
{
	const char *v = c_text(st, i);

	return v != NULL ? v : "";
}

#endif
