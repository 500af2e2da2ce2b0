/* store.c: the local SQLite store (see store.h). The only file that
 * includes sqlite3.h. Every statement is prepared once at open
 * (SQLITE_PREPARE_PERSISTENT) and reused; each use resets it first and
 * resets it again when done, so no statement keeps a read snapshot open
 * between calls (that would stall WAL checkpoints). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>

#include "core/calendar.h"
#include "core/dcode.h"
#include "core/importrec.h"
#include "kiosk/kiosk.h"
#include "postal/manifest.h"
#include "postal/postid.h"
#include "core/status.h"
#include "store/store.h"
#include "core/textfold.h"
#include "core/token.h"

/* Bounds on what staff may type (bytes). Outside data is refused past
 * them, never truncated. */
#define OWNER_NAME_MAX 200
#define ID_NO_MAX      32
#define PHONE_MAX      32
#define ADDRESS_MAX    500
#define EMAIL_MAX      254
#define SUMMARY_MAX    2000
#define REASON_MAX     2000
#define ACTOR_MAX      64
#define PROC_CODE_MAX  64
#define CAT_NAME_MAX   (IMPORT_TEXT_MAX - 1) /* agency, procedure, field */
#define DOCUMENTS_MAX  16384
#define FOLD_MAX       (4 * IMPORT_TEXT_MAX) /* fold never grows 4x */
#define SUPP_SEEN_MAX  64 /* stored supplement events compared on import */
#define TOKEN_TRIES    4  /* a collision of 80 random bits: never, but */
#define PQ_MAX         48 /* postal statements (the postal block) */

/* The schema, one entry per version: migrations[i] takes user_version i
 * to i + 1 inside one transaction. Append only; never edit a shipped one.
 *
 * Size budget (10 million dossiers, well under 1 KB each): integer times,
 * no redundant indexes. dossiers has its rowid, the UNIQUE code index
 * (lookup by code), owner_fold (name prefix search) and (received_at,
 * channel), which serves date ranges, newest-first ordering and the
 * channel counts without touching the table. Events and tokens are found
 * through one index on dossier_id each. Outbox rows carry only the code
 * and the status: the sync module builds the upstream message from the
 * dossier and event rows at send time, so personal data is not copied
 * twice. Measured (tests' bench): about 380 bytes per imported dossier;
 * a counter dossier taken through 2 -> 4 -> 9 -> 10 carries 4 events, 4
 * audit rows and 4 outbox rows, and sent outbox rows are the part that
 * the sync module should prune after a retention period. */
static const char *const migrations[] = {
	/* 1: the initial schema */
	"CREATE TABLE agencies ("
	" code TEXT PRIMARY KEY NOT NULL,"
	" name TEXT NOT NULL DEFAULT '',"
	" closed_on INTEGER," /* local day number; NULL while open */
	" successor TEXT"
	") WITHOUT ROWID;"
	"CREATE TABLE procedures ("
	" code TEXT PRIMARY KEY NOT NULL,"
	" name TEXT NOT NULL,"
	" name_fold TEXT NOT NULL," /* text_fold(name), for the filter */
	" field TEXT NOT NULL DEFAULT '',"
	" days INTEGER NOT NULL DEFAULT 0 CHECK (days >= 0)," /* 0: unknown */
	" documents TEXT," /* JSON array text */
	" fee INTEGER NOT NULL DEFAULT 0 CHECK (fee >= 0)"
	") WITHOUT ROWID;"
	"CREATE TABLE dossiers ("
	" id INTEGER PRIMARY KEY,"
	" code TEXT NOT NULL UNIQUE,"
	" agency_code TEXT NOT NULL REFERENCES agencies(code),"
	" procedure_code TEXT NOT NULL REFERENCES procedures(code),"
	" channel INTEGER NOT NULL CHECK (channel BETWEEN 1 AND 3),"
	" delivery INTEGER NOT NULL CHECK (delivery IN (0, 1)),"
	" status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),"
	" owner_name TEXT NOT NULL,"
	" owner_fold TEXT NOT NULL,"
	" owner_id_no TEXT,"
	" phone TEXT,"
	" address TEXT,"
	" email TEXT,"
	" summary TEXT,"
	" received_at INTEGER NOT NULL,"
	" submitted_at INTEGER,"
	" due_at INTEGER,"
	" finished_at INTEGER,"
	" returned_at INTEGER,"
	" rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 3),"
	" supplement_count INTEGER NOT NULL DEFAULT 0,"
	" provisional INTEGER NOT NULL DEFAULT 0," /* due used no holidays */
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX dossiers_owner ON dossiers(owner_fold);"
	"CREATE INDEX dossiers_received ON dossiers(received_at, channel);"
	/* The control slip (Mẫu 05) as a log: append only. */
	"CREATE TABLE dossier_events ("
	" id INTEGER PRIMARY KEY,"
	" dossier_id INTEGER NOT NULL REFERENCES dossiers(id),"
	" at INTEGER NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('intake', 'status',"
	"  'supplement_request', 'supplement_complete', 'apology',"
	"  'handoff', 'import')),"
	" old_status INTEGER,"
	" new_status INTEGER,"
	" due_before INTEGER,"
	" due_after INTEGER,"
	" actor TEXT,"
	" reason TEXT,"
	" detail TEXT" /* JSON object text */
	");"
	"CREATE INDEX dossier_events_dossier ON dossier_events(dossier_id);"
	"CREATE TABLE lookup_tokens ("
	" token TEXT PRIMARY KEY NOT NULL,"
	" dossier_id INTEGER NOT NULL REFERENCES dossiers(id),"
	" created_at INTEGER NOT NULL,"
	" revoked_at INTEGER"
	") WITHOUT ROWID;"
	"CREATE INDEX lookup_tokens_dossier ON lookup_tokens(dossier_id);"
	"CREATE TABLE holidays ("
	" day INTEGER PRIMARY KEY," /* local day number */
	" kind INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 3),"
	" name TEXT NOT NULL DEFAULT '',"
	" source TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE TABLE code_counters ("
	" agency_code TEXT NOT NULL,"
	" day INTEGER NOT NULL,"
	" last_seq INTEGER NOT NULL CHECK (last_seq >= 0),"
	" PRIMARY KEY (agency_code, day)"
	") WITHOUT ROWID;"
	"CREATE TABLE audit_log ("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" actor TEXT NOT NULL,"
	" action TEXT NOT NULL,"
	" object TEXT,"
	" detail TEXT" /* never personal data */
	");"
	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	/* 16 random bytes, immutable: upstream sees them on every retry
	 * (hex-encoded when sent); a BLOB is half the size of its hex */
	" idempotency_key BLOB NOT NULL UNIQUE"
	"  CHECK (length(idempotency_key) = 16),"
	" dossier_id INTEGER REFERENCES dossiers(id),"
	" event_id INTEGER REFERENCES dossier_events(id)," /* what to send */
	" kind TEXT NOT NULL,"
	" payload TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" sent_at INTEGER,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_attempt_at INTEGER,"
	" parked_reason TEXT"
	");"
	"CREATE INDEX outbox_pending ON outbox(id)"
	" WHERE sent_at IS NULL AND parked_reason IS NULL;",
	/* 2: the latest apology's new due date on the dossier row, so a
	 * kiosk lookup reads one row instead of searching the events */
	"ALTER TABLE dossiers ADD COLUMN apology_due_at INTEGER;"
	"UPDATE dossiers SET apology_due_at = (SELECT e.due_after"
	" FROM dossier_events e WHERE e.dossier_id = dossiers.id"
	" AND e.kind = 'apology' ORDER BY e.id DESC LIMIT 1)"
	" WHERE id IN (SELECT dossier_id FROM dossier_events"
	" WHERE kind = 'apology');",
	/* 3: report indexes (docs/reports.md). The report reads four
	 * disjoint slices: received in the period (dossiers_report, which
	 * covers every column read: about 70 bytes a dossier, the price of
	 * an index-only scan of a year), still open and received before it
	 * (dossiers_open, small), ended in or after it but received before
	 * it (dossiers_end), returned by post in it (dossiers_post); and
	 * the supplement events of the few dossiers that have any. */
	"CREATE INDEX dossiers_open ON dossiers(received_at)"
	" WHERE finished_at IS NULL AND returned_at IS NULL;"
	"CREATE INDEX dossiers_end ON dossiers("
	" coalesce(finished_at, returned_at), received_at);"
	"CREATE INDEX dossiers_post ON dossiers(returned_at)"
	" WHERE delivery = 1;"
	/* the big slice, index-only: every column the report reads */
	"CREATE INDEX dossiers_report ON dossiers(received_at, channel,"
	" status, delivery, rating, due_at, finished_at, returned_at,"
	" supplement_count, agency_code, procedure_code);"
	"CREATE INDEX dossier_events_supp ON dossier_events(dossier_id, at,"
	" kind, due_before, due_after)"
	" WHERE kind IN ('supplement_request', 'supplement_complete');"
	/* dossiers_report starts with (received_at, channel): the index of
	 * migration 1 on those two is redundant, and costs every import */
	"DROP INDEX dossiers_received;",
	/* 4: upstream sync. sync_state holds the pull cursor; sync_upstream
	 * the count of upstream status changes applied to a dossier (its
	 * "rev"), which every later outbox row carries as its base so the
	 * hub can tell a local change made before an upstream one (the
	 * upstream one wins for status; docs/sync.md). Parked rows are few:
	 * a partial index lists them without scanning the outbox. */
	"CREATE TABLE sync_state ("
	" name TEXT PRIMARY KEY NOT NULL,"
	" value TEXT NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE sync_upstream ("
	" dossier_id INTEGER PRIMARY KEY REFERENCES dossiers(id),"
	" rev INTEGER NOT NULL CHECK (rev >= 0)"
	");"
	"CREATE INDEX outbox_parked ON outbox(id)"
	" WHERE sent_at IS NULL AND parked_reason IS NOT NULL;",
	/* 5: kiosk satisfaction ratings and the counter of a procedure.
	 * One rating per dossier (the primary key); dossiers.rating keeps
	 * the value too, so the reports count kiosk and imported ratings
	 * alike. source is "kiosk:<terminal>" or "web": never a person. */
	"CREATE TABLE ratings ("
	" dossier_id INTEGER PRIMARY KEY REFERENCES dossiers(id),"
	" rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 3),"
	" rated_at INTEGER NOT NULL,"
	" source TEXT NOT NULL"
	");"
	"ALTER TABLE procedures ADD COLUMN counter TEXT NOT NULL DEFAULT '';",
	/* 6: the durable print queue (daemon/printer/printer.c). A job names what
	 * to print (kind and ref), not the bytes: it is rendered when it is
	 * sent, so a reprint carries the "BẢN IN LẠI" banner. */
	"CREATE TABLE print_jobs ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL CHECK (kind IN ('receipt', 'slip', 'manifest',"
	"  'test')),"
	" ref TEXT NOT NULL DEFAULT '',"
	" state TEXT NOT NULL CHECK (state IN ('queued', 'printing', 'done',"
	"  'failed')),"
	" reprint INTEGER NOT NULL DEFAULT 0,"
	" reprint_of INTEGER REFERENCES print_jobs(id),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" actor TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" finished_at INTEGER,"
	" bytes INTEGER,"
	" printer_state TEXT,"
	" outcome TEXT"
	");"
	"CREATE INDEX print_jobs_pending ON print_jobs(id)"
	" WHERE state IN ('queued', 'printing');",
	/* 7: staff accounts, web sessions and CLI bearer tokens (auth.c,
	 * docs/security.md). Only hashes of session ids and tokens are
	 * stored: a copy of the database lets nobody sign in. The audit
	 * log gets an index on time for `motcua audit --from --to`. */
	"CREATE TABLE users ("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" role TEXT NOT NULL CHECK (role IN ('kiosk', 'postal_clerk',"
	"  'office_staff', 'admin')),"
	" pw_hash TEXT NOT NULL," /* argon2id, crypto_pwhash_str */
	" disabled INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL"
	");"
	"CREATE TABLE sessions ("
	" id_hash BLOB PRIMARY KEY NOT NULL," /* BLAKE2b of the cookie */
	" user_id INTEGER NOT NULL REFERENCES users(id),"
	" csrf TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" last_seen INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL,"
	" client TEXT NOT NULL DEFAULT ''"
	") WITHOUT ROWID;"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE api_tokens ("
	" id INTEGER PRIMARY KEY,"
	" token_hash BLOB NOT NULL UNIQUE," /* BLAKE2b of the token */
	" user_id INTEGER NOT NULL REFERENCES users(id),"
	" label TEXT NOT NULL DEFAULT '',"
	" created_at INTEGER NOT NULL,"
	" last_used INTEGER,"
	" revoked_at INTEGER"
	");"
	"CREATE INDEX audit_log_at ON audit_log(at);",
	/* 8: postal intake (docs/api.md "Postal", docs/domain.md). The
	 * applicant's details are the dossier's owner fields. An S10 id is
	 * unique within a time window only (UPU: no reuse within 12 months),
	 * so (item_id, created_at) is an index, not a key. A manifest's items
	 * are rows of postal_manifest_items (an item is on one manifest at
	 * most); discrepancies hold missing (when resolved) and unexpected
	 * packets; returns the results handed back to the post office. */
	"CREATE TABLE postal_items ("
	" id INTEGER PRIMARY KEY,"
	" item_id TEXT NOT NULL,"
	" dossier_id INTEGER NOT NULL UNIQUE REFERENCES dossiers(id),"
	" documents TEXT NOT NULL," /* JSON: [{name,originals,copies,checked}]
	                             */
	" fees_vnd INTEGER NOT NULL CHECK (fees_vnd >= 0),"
	" fee_receipt_no TEXT,"
	" service TEXT NOT NULL CHECK (service IN ('SEND', 'RETURN', 'BOTH')),"
	" return_address TEXT,"
	" seal_intact INTEGER NOT NULL CHECK (seal_intact IN (0, 1)),"
	" submitted_at INTEGER NOT NULL," /* post-office time */
	" clerk TEXT NOT NULL,"
	" station TEXT NOT NULL DEFAULT '',"
	" s10_verdict TEXT NOT NULL,"
	" override_reason TEXT,"
	" flagged INTEGER NOT NULL DEFAULT 0," /* overridden: reconcile */
	" created_at INTEGER NOT NULL,"
	" accepted_at INTEGER," /* agency acceptance: the clock starts */
	" accepted_by TEXT"
	");"
	"CREATE INDEX postal_items_item ON postal_items(item_id, created_at);"
	"CREATE TABLE postal_manifests ("
	" id TEXT PRIMARY KEY NOT NULL," /* BKYYYYMMDD-NNNN */
	" day INTEGER NOT NULL,"
	" seq INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 9999),"
	" closed_at INTEGER NOT NULL,"
	" closed_by TEXT NOT NULL,"
	" station TEXT,"
	" count INTEGER NOT NULL,"
	" fees_vnd INTEGER NOT NULL,"
	" giver TEXT,"
	" receiver TEXT,"
	" signed_at INTEGER,"
	" signed_by TEXT,"
	" UNIQUE (day, seq)"
	") WITHOUT ROWID;"
	"CREATE TABLE postal_manifest_items ("
	" manifest_id TEXT NOT NULL REFERENCES postal_manifests(id),"
	" postal_id INTEGER NOT NULL UNIQUE REFERENCES postal_items(id),"
	" position INTEGER NOT NULL,"
	" PRIMARY KEY (manifest_id, position)"
	") WITHOUT ROWID;"
	"CREATE TABLE postal_discrepancies ("
	" id INTEGER PRIMARY KEY,"
	" manifest_id TEXT NOT NULL REFERENCES postal_manifests(id),"
	" item_id TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('missing', 'unexpected')),"
	" scanned_at INTEGER,"
	" resolution TEXT CHECK (resolution IN ('arrived_late', 'lost',"
	"  'returned')),"
	" reason TEXT,"
	" resolved_by TEXT,"
	" resolved_at INTEGER,"
	" UNIQUE (manifest_id, item_id)"
	");"
	"CREATE TABLE postal_returns ("
	" id INTEGER PRIMARY KEY,"
	" dossier_id INTEGER NOT NULL REFERENCES dossiers(id),"
	" item_id TEXT NOT NULL," /* the outbound S10 */
	" handed_at INTEGER NOT NULL,"
	" handed_by TEXT NOT NULL,"
	" delivered_at INTEGER,"
	" delivered_by TEXT"
	");"
	"CREATE INDEX postal_returns_item ON postal_returns(item_id, handed_at);"
	"CREATE INDEX postal_returns_handed ON postal_returns(handed_at);",
};
#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

#define DOSSIER_COLS                                                      \
	"d.id, d.code, d.agency_code, d.procedure_code, d.channel,"       \
	" d.delivery, d.status, d.owner_name, d.owner_id_no, d.phone,"    \
	" d.address, d.email, d.summary, d.received_at, d.submitted_at,"  \
	" d.due_at, d.finished_at, d.returned_at, d.rating,"              \
	" d.supplement_count, d.provisional, d.created_at, d.updated_at," \
	" p.name, a.name"

/* Search statements share one parameter layout: ?1 code, ?2 received_at
 * lower bound, ?3 upper bound (exclusive), ?4 folded name, ?5 the name's
 * prefix upper bound, ?6 LIKE pattern for a later word, ?7 limit. */
#define SEARCH_COLS                                                       \
	"SELECT d.id, d.code, p.name, d.owner_name, d.status, d.channel," \
	" d.received_at, d.due_at FROM dossiers d "

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

static const char *const sql[Q_COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_PROC_GET] = "SELECT name, days FROM procedures WHERE code = ?1",
	[Q_PROC_PUT] = "INSERT INTO procedures(code, name, name_fold, field,"
	               " days, documents, fee) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	               " ?7) ON CONFLICT(code) DO UPDATE SET"
	               " name = excluded.name, name_fold = excluded.name_fold,"
	               " field = excluded.field, days = excluded.days,"
	               " documents = excluded.documents, fee = excluded.fee",
	/* Import keeps what the record does not say (empty name or field,
	 * days 0) and writes nothing when nothing differs. */
	[Q_PROC_IMPORT] =
	    "INSERT INTO procedures(code, name, name_fold, field, days)"
	    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(code) DO UPDATE SET"
	    " name = CASE WHEN excluded.name <> '' THEN excluded.name"
	    "  ELSE procedures.name END,"
	    " name_fold = CASE WHEN excluded.name <> '' THEN excluded.name_fold"
	    "  ELSE procedures.name_fold END,"
	    " field = CASE WHEN excluded.field <> '' THEN excluded.field"
	    "  ELSE procedures.field END,"
	    " days = CASE WHEN excluded.days > 0 THEN excluded.days"
	    "  ELSE procedures.days END"
	    " WHERE (excluded.name <> '' AND excluded.name <> procedures.name)"
	    " OR (excluded.field <> '' AND excluded.field <> procedures.field)"
	    " OR (excluded.days > 0 AND excluded.days <> procedures.days)",
	[Q_PROC_LIST] =
	    "SELECT code, name, field, days, documents, fee"
	    " FROM procedures WHERE ?1 IS NULL"
	    " OR instr(name_fold, ?1) > 0 OR instr(lower(code), ?1) > 0"
	    " ORDER BY code",
	[Q_AGENCY_GET] = "SELECT closed_on FROM agencies WHERE code = ?1",
	/* An empty name never overwrites a known one. */
	[Q_AGENCY_PUT] = "INSERT INTO agencies(code, name) VALUES (?1, ?2)"
	                 " ON CONFLICT(code) DO UPDATE SET name = excluded.name"
	                 " WHERE excluded.name <> ''"
	                 " AND excluded.name <> agencies.name",
	[Q_COUNTER_NEXT] = "INSERT INTO code_counters(agency_code, day,"
	                   " last_seq) VALUES (?1, ?2, 1)"
	                   " ON CONFLICT(agency_code, day) DO UPDATE SET"
	                   " last_seq = last_seq + 1 RETURNING last_seq",
	[Q_COUNTER_SET] = "INSERT INTO code_counters(agency_code, day,"
	                  " last_seq) VALUES (?1, ?2, ?3)"
	                  " ON CONFLICT(agency_code, day) DO UPDATE SET"
	                  " last_seq = excluded.last_seq",
	[Q_DOSSIER_INSERT] =
	    "INSERT INTO dossiers(code, agency_code, procedure_code, channel,"
	    " delivery, status, owner_name, owner_fold, owner_id_no, phone,"
	    " address, email, summary, received_at, submitted_at, due_at,"
	    " finished_at, returned_at, rating, supplement_count, provisional,"
	    " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
	    " ?22, ?23)",
	[Q_DOSSIER_STATE] = "SELECT id, status, due_at, received_at"
	                    " FROM dossiers WHERE code = ?1",
	[Q_DOSSIER_FULL] =
	    "SELECT " DOSSIER_COLS " FROM dossiers d"
	    " LEFT JOIN procedures p ON p.code = d.procedure_code"
	    " LEFT JOIN agencies a ON a.code = d.agency_code"
	    " WHERE d.code = ?1",
	[Q_STATUS_UPDATE] = "UPDATE dossiers SET status = ?2,"
	                    " finished_at = coalesce(?3, finished_at),"
	                    " returned_at = coalesce(?4, returned_at),"
	                    " updated_at = ?5 WHERE id = ?1",
	[Q_DUE_UPDATE] = "UPDATE dossiers SET status = ?2, due_at = ?3,"
	                 " supplement_count = supplement_count + ?4,"
	                 " updated_at = ?5 WHERE id = ?1",
	[Q_EVENT_INSERT] = "INSERT INTO dossier_events(dossier_id, at, kind,"
	                   " old_status, new_status, due_before, due_after,"
	                   " actor, reason, detail) VALUES (?1, ?2, ?3, ?4,"
	                   " ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_EVENTS_OF] = "SELECT at, kind, old_status, new_status, due_before,"
	                " due_after, actor, reason, detail FROM dossier_events"
	                " WHERE dossier_id = ?1 ORDER BY at, id",
	[Q_SUPP_EVENTS] = "SELECT kind, at FROM dossier_events"
	                  " WHERE dossier_id = ?1 AND kind IN"
	                  " ('supplement_request', 'supplement_complete')",
	[Q_TOKEN_INSERT] = "INSERT INTO lookup_tokens(token, dossier_id,"
	                   " created_at) VALUES (?1, ?2, ?3)",
	[Q_TOKEN_OF] = "SELECT token FROM lookup_tokens WHERE dossier_id = ?1"
	               " AND revoked_at IS NULL ORDER BY created_at DESC"
	               " LIMIT 1",
	[Q_AUDIT_INSERT] = "INSERT INTO audit_log(at, actor, action, object,"
	                   " detail) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_OUTBOX_INSERT] = "INSERT INTO outbox(idempotency_key, dossier_id,"
	                    " event_id, kind, payload, created_at)"
	                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	/* One probe of the token primary key, then rowid and primary-key
	 * probes: a miss costs the same first step as a hit. */
	[Q_LOOKUP] =
	    "SELECT d.code, d.status, d.delivery, d.received_at,"
	    " d.due_at, d.updated_at, d.owner_name, d.procedure_code,"
	    " d.agency_code, d.apology_due_at"
	    " FROM lookup_tokens t JOIN dossiers d ON d.id = t.dossier_id"
	    " WHERE t.token = ?1 AND t.revoked_at IS NULL",
	[Q_SEARCH_CODE] = SEARCH_COLS
	"LEFT JOIN procedures p ON p.code = d.procedure_code"
	" WHERE d.code = ?1 AND d.received_at >= ?2 AND d.received_at < ?3"
	" AND (?4 IS NULL OR (d.owner_fold >= ?4 AND d.owner_fold < ?5)"
	"  OR d.owner_fold LIKE ?6 ESCAPE '\\') LIMIT ?7",
	[Q_SEARCH_PREFIX] =
	    SEARCH_COLS "INDEXED BY dossiers_owner"
	                " LEFT JOIN procedures p ON p.code = d.procedure_code"
	                " WHERE d.owner_fold >= ?4 AND d.owner_fold < ?5"
	                " AND d.received_at >= ?2 AND d.received_at < ?3"
	                " ORDER BY d.received_at DESC, d.id DESC LIMIT ?7",
	/* A later word: a scan newest first that stops at the limit. */
	[Q_SEARCH_WORD] =
	    SEARCH_COLS "INDEXED BY dossiers_report"
	                " LEFT JOIN procedures p ON p.code = d.procedure_code"
	                " WHERE d.received_at >= ?2 AND d.received_at < ?3"
	                " AND d.owner_fold LIKE ?6 ESCAPE '\\'"
	                " ORDER BY d.received_at DESC, d.id DESC LIMIT ?7",
	[Q_SEARCH_RANGE] =
	    SEARCH_COLS "INDEXED BY dossiers_report"
	                " LEFT JOIN procedures p ON p.code = d.procedure_code"
	                " WHERE d.received_at >= ?2 AND d.received_at < ?3"
	                " ORDER BY d.received_at DESC, d.id DESC LIMIT ?7",
	/* a postal dossier is received when the office accepts it: until
	 * then (status 1) its received_at is the post-office time */
	[Q_COUNTS] = "SELECT channel, count(*) FROM dossiers"
	             " WHERE received_at >= ?1 AND received_at < ?2"
	             " AND NOT (channel = 3 AND status = 1)"
	             " GROUP BY channel",
	[Q_IMPORT_GET] = "SELECT id, agency_code, procedure_code, channel,"
	                 " delivery, status, owner_name, owner_id_no, phone,"
	                 " received_at, due_at, finished_at, returned_at,"
	                 " rating, supplement_count FROM dossiers"
	                 " WHERE code = ?1",
	[Q_IMPORT_UPDATE] =
	    "UPDATE dossiers SET agency_code = ?2, procedure_code = ?3,"
	    " channel = ?4, delivery = ?5, status = ?6, owner_name = ?7,"
	    " owner_fold = coalesce(?8, owner_fold),"
	    " owner_id_no = coalesce(?9, owner_id_no),"
	    " phone = coalesce(?10, phone),"
	    " received_at = ?11, due_at = ?12, finished_at = ?13,"
	    " returned_at = ?14, rating = ?15, supplement_count = ?16,"
	    " updated_at = ?17 WHERE id = ?1",
	[Q_HOL_DELETE] = "DELETE FROM holidays WHERE day >= ?1 AND day < ?2",
	[Q_HOL_INSERT] = "INSERT INTO holidays(day, kind, name, source)"
	                 " VALUES (?1, ?2, ?3, ?4)",
	[Q_HOL_ALL] = "SELECT day, kind FROM holidays ORDER BY day",
	[Q_HOL_RANGE] = "SELECT day, kind, name, source FROM holidays"
	                " WHERE day >= ?1 AND day < ?2 ORDER BY day",
	/* Dossiers and events are never deleted (kept by law; the log is
	 * append only) and rowids are max + 1, so max(id) is the count at
	 * the price of one B-tree descent instead of a full index scan. */
	[Q_STATS] = "SELECT (SELECT coalesce(max(id), 0) FROM dossiers),"
	            " (SELECT count(*) FROM outbox INDEXED BY outbox_pending"
	            "  WHERE sent_at IS NULL AND parked_reason IS NULL),"
	            " (SELECT coalesce(max(id), 0) FROM dossier_events)",
	[Q_APOLOGY_SET] =
	    "UPDATE dossiers SET apology_due_at = ?2 WHERE id = ?1",
	[Q_PROC_NAME] = "SELECT name FROM procedures WHERE code = ?1",
	[Q_AGENCY_NAME] =
	    "SELECT coalesce(nullif(name, ''), code) FROM agencies"
	    " WHERE code = ?1",
	[Q_UPSTREAM_REV] =
	    "SELECT rev FROM sync_upstream WHERE dossier_id = ?1",
	[Q_UPSTREAM_SET] = "INSERT INTO sync_upstream(dossier_id, rev)"
	                   " VALUES (?1, ?2) ON CONFLICT(dossier_id)"
	                   " DO UPDATE SET rev = excluded.rev",
	/* One statement per batch: the row, its event and, for a new
	 * dossier, the intake record with names and the current token. */
	[Q_OUTBOX_NEXT] =
	    "SELECT o.id, o.idempotency_key, o.kind, o.payload, o.event_id,"
	    " e.at, e.kind, e.old_status, e.new_status, e.due_before,"
	    " e.due_after, e.reason, e.detail, e.actor,"
	    " d.code, d.agency_code, a.name, d.procedure_code, p.name,"
	    " p.field, d.channel, d.delivery, d.owner_name, d.owner_id_no,"
	    " d.phone, d.address, d.email, d.summary, d.received_at,"
	    " d.submitted_at,"
	    " CASE WHEN o.kind = 'dossier_new' THEN (SELECT token FROM"
	    "  lookup_tokens t WHERE t.dossier_id = d.id AND t.revoked_at IS"
	    "  NULL ORDER BY created_at DESC LIMIT 1) END"
	    " FROM outbox o INDEXED BY outbox_pending"
	    " JOIN dossier_events e ON e.id = o.event_id"
	    " JOIN dossiers d ON d.id = o.dossier_id"
	    " LEFT JOIN procedures p ON p.code = d.procedure_code"
	    " LEFT JOIN agencies a ON a.code = d.agency_code"
	    " WHERE o.sent_at IS NULL AND o.parked_reason IS NULL"
	    " AND o.id > ?2 ORDER BY o.id LIMIT ?1",
	[Q_OUTBOX_SENT] = "UPDATE outbox SET sent_at = ?2,"
	                  " attempts = attempts + 1 WHERE id = ?1"
	                  " AND sent_at IS NULL",
	[Q_OUTBOX_PARK] = "UPDATE outbox SET parked_reason = ?2,"
	                  " attempts = attempts + 1 WHERE id = ?1"
	                  " AND sent_at IS NULL",
	[Q_OUTBOX_TRIED] = "UPDATE outbox SET attempts = attempts + 1"
	                   " WHERE id >= ?1 AND id <= ?2 AND sent_at IS NULL"
	                   " AND parked_reason IS NULL",
	[Q_OUTBOX_UNPARK] =
	    "UPDATE outbox SET parked_reason = NULL WHERE id IN"
	    " (SELECT o.id FROM outbox o INDEXED BY outbox_parked"
	    "  JOIN dossiers d ON d.id = o.dossier_id"
	    "  WHERE o.sent_at IS NULL AND o.parked_reason IS NOT NULL"
	    "  AND (?1 IS NULL OR d.code = ?1))",
	[Q_OUTBOX_OLDEST] = "SELECT created_at FROM outbox"
	                    " INDEXED BY outbox_pending WHERE sent_at IS NULL"
	                    " AND parked_reason IS NULL ORDER BY id LIMIT 1",
	[Q_OUTBOX_PARKED] =
	    "SELECT d.code, o.kind, o.parked_reason, o.created_at,"
	    " o.idempotency_key, o.attempts FROM outbox o INDEXED BY outbox_parked"
	    " JOIN dossiers d ON d.id = o.dossier_id"
	    " WHERE o.sent_at IS NULL AND o.parked_reason IS NOT NULL"
	    " ORDER BY o.id",
	[Q_SYNC_STATE_GET] = "SELECT value FROM sync_state WHERE name = ?1",
	[Q_SYNC_STATE_SET] = "INSERT INTO sync_state(name, value)"
	                     " VALUES (?1, ?2) ON CONFLICT(name)"
	                     " DO UPDATE SET value = excluded.value",
	/* Dossiers taken on this box (they have an intake event; imports
	 * came from upstream and are not ours to sync). */
	[Q_SYNC_CODES] = "SELECT d.code, d.channel FROM dossiers d"
	                 " INDEXED BY dossiers_report"
	                 " WHERE d.received_at >= ?1 AND d.received_at < ?2"
	                 " AND EXISTS (SELECT 1 FROM dossier_events e"
	                 "  WHERE e.dossier_id = d.id AND e.kind = 'intake')"
	                 " ORDER BY d.code",
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

static void
names_clear(struct names *n)
{
	if (n->slot == NULL)
		return;
	for (size_t i = 0; i < NAMES_CAP; i++) {
		free(n->slot[i].code);
		free(n->slot[i].name);
	}
	memset(n->slot, 0, NAMES_CAP * sizeof *n->slot);
	n->used = 0;
}

static void
names_free(struct names *n)
{
	names_clear(n);
	free(n->slot);
	n->slot = NULL;
}

static size_t
names_hash(const char *code)
{
	size_t h = 5381;

	while (*code)
		h = h * 33 + (unsigned char)*code++;
	return h & (NAMES_CAP - 1);
}

/* The slot holding code, or the free slot where it would go. */
static struct name_slot *
names_find(struct names *n, const char *code)
{
	size_t i = names_hash(code);

	for (;;) {
		struct name_slot *sl = &n->slot[i];

		if (sl->code == NULL || strcmp(sl->code, code) == 0)
			return sl;
		i = (i + 1) & (NAMES_CAP - 1);
	}
}

struct store {
	sqlite3 *db;               /* owned */
	sqlite3_stmt *st[Q_COUNT]; /* owned; all prepared at open */
	struct calendar cal;       /* cal.entries points into entries */
	struct cal_entry *entries; /* owned; sorted by day */
	bool in_import;            /* between import_begin and commit */
	bool import_broken;        /* a write failed: commit rolls back */
	char import_actor[ACTOR_MAX + 1]; /* the batch's, for its audit row */
	int64_t import_now;               /* wall clock at import_begin */
	long n_imported, n_updated, n_unchanged, n_failed;
	struct import_cache cache; /* 44 KiB: why struct store is on the heap */
	struct names proc_names, agency_names; /* lookup display names */
	sqlite3_stmt *pst[PQ_MAX]; /* owned; postal statements, on first use */
};

static void
cache_clear(struct import_cache *c)
{
	c->nagency = c->nproc = 0;
	c->next_agency = c->next_proc = 0;
}

/* ---- small helpers ---- */

static void seterr(char *err, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

static void
seterr(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, STORE_ERR_MAX, fmt, ap);
	va_end(ap);
}

static enum store_rc
dberr(struct store *s, char *err)
{
	seterr(err, "database: %s", sqlite3_errmsg(s->db));
	return STORE_ERROR;
}

static int64_t
wall_now(void)
{
	return (int64_t)time(NULL);
}

/* The statement, reset and with every parameter NULL. */
static sqlite3_stmt *
q(struct store *s, enum qid id)
{
	sqlite3_stmt *st = s->st[id];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Steps a statement that returns no row and resets it. */
static int
run(struct store *s, enum qid id)
{
	sqlite3_stmt *st = s->st[id];
	int rc = sqlite3_step(st);

	if (id == Q_PROC_PUT || id == Q_PROC_IMPORT || id == Q_AGENCY_PUT ||
	    id == Q_ROLLBACK) {
		names_clear(&s->proc_names);
		names_clear(&s->agency_names);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Text bound without a copy: the caller keeps it alive until the step. */
static void
b_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, (int)strlen(v), SQLITE_STATIC);
}

/* Optional text: NULL or "" is stored as NULL. */
static void
b_opt(sqlite3_stmt *st, int i, const char *v)
{
	b_text(st, i, v != NULL && *v != '\0' ? v : NULL);
}

/* Optional time or status: 0 is stored as NULL. */
static void
b_opt64(sqlite3_stmt *st, int i, int64_t v)
{
	if (v == 0)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_int64(st, i, v);
}

static const char *
c_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* "" for NULL, for comparisons. */
static const char *
c_str(sqlite3_stmt *st, int i)
{
	const char *v = c_text(st, i);

	return v != NULL ? v : "";
}

static json_t *
j_text(const char *v)
{
	json_t *j = v != NULL ? json_string(v) : NULL;

	return j != NULL ? j : json_null();
}

static json_t *
j_col_text(sqlite3_stmt *st, int i)
{
	return j_text(c_text(st, i));
}

static json_t *
j_time(int64_t t)
{
	char buf[32];

	if (t == 0)
		return json_null();
	cal_format_iso(t, buf);
	return json_string(buf);
}

static json_t *
j_col_time(sqlite3_stmt *st, int i)
{
	return j_time(sqlite3_column_int64(st, i));
}

/* Checks an optional (min 0) or required (min 1) text field. */
static bool
check_text(const char *field, const char *v, size_t min, size_t max, char *err)
{
	size_t len = v != NULL ? strlen(v) : 0;

	if (len < min) {
		seterr(err, "%s: required", field);
		return false;
	}
	if (len > max) {
		seterr(err, "%s: longer than %zu bytes", field, max);
		return false;
	}
	if (len > 0 && !text_valid(v, len)) {
		seterr(err, "%s: not valid UTF-8 text", field);
		return false;
	}
	return true;
}

static enum store_rc
begin(struct store *s, char *err)
{
	if (run(s, Q_BEGIN) != SQLITE_OK)
		return dberr(s, err);
	return STORE_OK;
}

static enum store_rc
commit(struct store *s, char *err)
{
	if (run(s, Q_COMMIT) != SQLITE_OK) {
		dberr(s, err);
		if (!sqlite3_get_autocommit(s->db))
			run(s, Q_ROLLBACK);
		return STORE_ERROR;
	}
	return STORE_OK;
}

static void
rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		run(s, Q_ROLLBACK);
}

/* Ends a write transaction by rc: commit on STORE_OK, else roll back. */
static enum store_rc
finish(struct store *s, enum store_rc rc, char *err)
{
	if (rc != STORE_OK) {
		rollback(s);
		return rc;
	}
	return commit(s, err);
}

/* Canonical code text from untrusted input. */
static enum store_rc
norm_code(const char *code, char out[DCODE_TEXT_MAX + 1], char *err)
{
	struct dcode d;
	enum dcode_err e;

	if (code == NULL || *code == '\0') {
		seterr(err, "code: required");
		return STORE_INVALID;
	}
	e = dcode_parse(code, strnlen(code, DCODE_TEXT_MAX + 1), &d, NULL);
	if (e != DCODE_OK) {
		seterr(err, "%s", dcode_strerror(e));
		return STORE_INVALID;
	}
	if (dcode_format(&d, out, DCODE_TEXT_MAX + 1) < 0) {
		seterr(err, "code: not a dossier code");
		return STORE_INVALID;
	}
	return STORE_OK;
}

/* ---- open, migrate, close ---- */

static int
pragma_text(sqlite3 *db, const char *stmt, char *out, size_t size)
{
	sqlite3_stmt *st;
	int rc;

	rc = sqlite3_prepare_v2(db, stmt, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out, size, "%s", c_str(st, 0));
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		*out = '\0';
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static int
user_version(sqlite3 *db)
{
	char buf[32];

	if (pragma_text(db, "PRAGMA user_version", buf, sizeof buf) !=
	    SQLITE_OK)
		return -1;
	return atoi(buf); /* SQLite's own integer text: no range issue */
}

/* Applies each missing migration in its own transaction. */
static int
migrate(sqlite3 *db, char *err)
{
	char setv[64], *msg = NULL;
	int v = user_version(db);

	if (v < 0) {
		seterr(err, "database: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (v > SCHEMA_VERSION) {
		seterr(err,
		    "database: schema version %d is newer than this motcuad "
		    "(%d)",
		    v, SCHEMA_VERSION);
		return -1;
	}
	for (; v < SCHEMA_VERSION; v++) {
		snprintf(setv, sizeof setv, "PRAGMA user_version = %d", v + 1);
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) ||
		    sqlite3_exec(db, migrations[v], NULL, NULL, &msg) ||
		    sqlite3_exec(db, setv, NULL, NULL, &msg) ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg)) {
			seterr(err, "database: migration %d: %s", v + 1,
			    msg != NULL ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			if (!sqlite3_get_autocommit(db))
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

/* Reloads the holiday table into the calendar. */
static int
load_calendar(struct store *s)
{
	sqlite3_stmt *st = q(s, Q_HOL_ALL);
	struct cal_entry *v = NULL, *nv;
	size_t n = 0, cap = 0;
	int rc, y, m, d;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap != 0 ? 2 * cap : 64;
			nv = reallocarray(v, cap, sizeof(*v));
			if (nv == NULL) {
				sqlite3_reset(st);
				free(v);
				return -1;
			}
			v = nv;
		}
		v[n].day = sqlite3_column_int(st, 0);
		v[n].kind = sqlite3_column_int(st, 1);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return -1;
	}
	free(s->entries);
	s->entries = v;
	s->cal.entries = v;
	s->cal.count = n;
	if (n == 0) { /* no table: every year is provisional */
		s->cal.first_year = 1;
		s->cal.last_year = 0;
	} else {
		cal_ymd_from_day(v[0].day, &y, &m, &d);
		s->cal.first_year = y;
		cal_ymd_from_day(v[n - 1].day, &y, &m, &d);
		s->cal.last_year = y;
	}
	return 0;
}

struct store *
store_open(const char *path, int busy_timeout_ms, char err[STORE_ERR_MAX])
{
	struct store *s;
	char mode[32];
	int rc, i;

	if (sodium_init() < 0) {
		seterr(err, "random: libsodium failed to initialise");
		return NULL;
	}
	/* No allocation statistics: they take a global mutex on every
	 * SQLite malloc. Refused (harmlessly) once SQLite has started. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		seterr(err, "store: out of memory");
		return NULL;
	}
	s->cal.open_min = 450;   /* 07:30 */
	s->cal.close_min = 1020; /* 17:00 */
	s->cal.due_end_of_day = false;
	s->cal.first_year = 1;
	s->cal.last_year = 0;
	rc = sqlite3_open_v2(path, &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		seterr(err, "database: %s: %s", path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, busy_timeout_ms);
	if (pragma_text(s->db, "PRAGMA journal_mode = WAL", mode,
	        sizeof mode) != SQLITE_OK ||
	    strcmp(mode, "wal") != 0) {
		seterr(err, "database: %s: cannot switch to WAL (%s)", path,
		    sqlite3_errmsg(s->db));
		goto fail;
	}
	/* FULL: a commit survives power loss, so a printed code is never
	 * issued twice. The WAL makes that one fsync per commit.
	 * temp_store MEMORY keeps the savepoint sub-journal of an import
	 * record in memory, where RELEASE truncates it: on a file it is
	 * written for every record and grows for the whole batch. */
	if (sqlite3_exec(s->db,
	        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
	        " PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;"
	        " PRAGMA mmap_size = 1073741824;",
	        NULL, NULL, NULL) != SQLITE_OK) {
		dberr(s, err);
		goto fail;
	}
	if (migrate(s->db, err) < 0)
		goto fail;
	for (i = 0; i < Q_COUNT; i++) {
		rc = sqlite3_prepare_v3(s->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL);
		if (rc != SQLITE_OK) {
			seterr(err, "database: statement %d: %s", i,
			    sqlite3_errmsg(s->db));
			goto fail;
		}
	}
	if (load_calendar(s) < 0) {
		dberr(s, err);
		goto fail;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	if (s->db != NULL) {
		rollback(s);
		for (i = 0; i < Q_COUNT; i++)
			sqlite3_finalize(s->st[i]);
		for (i = 0; i < PQ_MAX; i++)
			sqlite3_finalize(s->pst[i]);
		sqlite3_close_v2(s->db);
	}
	names_free(&s->proc_names);
	names_free(&s->agency_names);
	free(s->entries);
	free(s);
}

int
store_schema_version(struct store *s)
{
	return user_version(s->db);
}

void
store_set_office(struct store *s, int open_min, int close_min,
    bool due_end_of_day)
{
	s->cal.open_min = open_min;
	s->cal.close_min = close_min;
	s->cal.due_end_of_day = due_end_of_day;
}

const struct calendar *
store_calendar(struct store *s)
{
	return &s->cal;
}

/* ---- rows every write shares ---- */

struct event {
	int64_t dossier_id, at;
	const char *kind;
	int old_status, new_status;    /* 0: none */
	int64_t due_before, due_after; /* 0: none */
	const char *actor, *reason, *detail;
};

static int
add_event(struct store *s, const struct event *e)
{
	sqlite3_stmt *st = q(s, Q_EVENT_INSERT);

	sqlite3_bind_int64(st, 1, e->dossier_id);
	sqlite3_bind_int64(st, 2, e->at);
	b_text(st, 3, e->kind);
	b_opt64(st, 4, e->old_status);
	b_opt64(st, 5, e->new_status);
	b_opt64(st, 6, e->due_before);
	b_opt64(st, 7, e->due_after);
	b_opt(st, 8, e->actor);
	b_opt(st, 9, e->reason);
	b_opt(st, 10, e->detail);
	return run(s, Q_EVENT_INSERT);
}

static int
add_audit(struct store *s, int64_t at, const char *actor, const char *action,
    const char *object, const char *detail)
{
	sqlite3_stmt *st = q(s, Q_AUDIT_INSERT);

	sqlite3_bind_int64(st, 1, at);
	b_text(st, 2, actor != NULL && *actor != '\0' ? actor : "system");
	b_text(st, 3, action);
	b_opt(st, 4, object);
	b_opt(st, 5, detail);
	return run(s, Q_AUDIT_INSERT);
}

/* The outbox row of the event just inserted: a random idempotency key
 * and a payload with the new status only; the sync module reads the
 * dossier and the event when it sends. */
static int
add_outbox(struct store *s, int64_t dossier_id, const char *kind, int status,
    int64_t at)
{
	int64_t event_id = sqlite3_last_insert_rowid(s->db), base = 0;
	unsigned char key[16];
	char payload[64];
	sqlite3_stmt *st = q(s, Q_UPSTREAM_REV);

	/* base: the upstream changes this box had seen when it made the
	 * change (docs/sync.md, conflicts) */
	sqlite3_bind_int64(st, 1, dossier_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		base = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	st = q(s, Q_OUTBOX_INSERT);
	randombytes_buf(key, sizeof key);
	snprintf(payload, sizeof payload,
	    "{\"status\":%d,\"base\":%" PRId64 "}", status, base);
	sqlite3_bind_blob(st, 1, key, (int)sizeof key, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, dossier_id);
	sqlite3_bind_int64(st, 3, event_id);
	b_text(st, 4, kind);
	b_text(st, 5, payload);
	sqlite3_bind_int64(st, 6, at);
	return run(s, Q_OUTBOX_INSERT);
}

/* A new token for the dossier, retried on a primary-key collision. */
static int
add_token(struct store *s, int64_t dossier_id, int64_t at,
    char out[TOKEN_LEN + 1])
{
	sqlite3_stmt *st;
	int i, rc = SQLITE_ERROR;

	for (i = 0; i < TOKEN_TRIES; i++) {
		token_new(out, (uint64_t)dossier_id);
		st = q(s, Q_TOKEN_INSERT);
		b_text(st, 1, out);
		sqlite3_bind_int64(st, 2, dossier_id);
		sqlite3_bind_int64(st, 3, at);
		rc = run(s, Q_TOKEN_INSERT);
		if (rc != SQLITE_CONSTRAINT_PRIMARYKEY)
			break;
	}
	return rc;
}

/* ---- catalogue ---- */

enum store_rc
store_put_agency(struct store *s, const char *code, const char *name,
    char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	enum store_rc rc;

	if (code == NULL || !dcode_agency_valid(code)) {
		seterr(err, "code: not an agency code (A-Z, 0-9 and '.')");
		return STORE_INVALID;
	}
	if (!check_text("name", name, 1, CAT_NAME_MAX, err))
		return STORE_INVALID;
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	st = q(s, Q_AGENCY_PUT);
	b_text(st, 1, code);
	b_text(st, 2, name);
	if (run(s, Q_AGENCY_PUT) != SQLITE_OK ||
	    add_audit(s, wall_now(), NULL, "agency_put", code, NULL) !=
	        SQLITE_OK)
		rc = dberr(s, err);
	return finish(s, rc, err);
}

static bool
documents_valid(const char *doc)
{
	json_t *j, *v;
	size_t i;
	bool ok;

	j = json_loads(doc, JSON_REJECT_DUPLICATES, NULL);
	ok = json_is_array(j);
	json_array_foreach(j, i, v) {
		if (!json_is_string(v))
			ok = false;
	}
	json_decref(j);
	return ok;
}

enum store_rc
store_put_procedure(struct store *s, const struct store_procedure *p,
    char err[STORE_ERR_MAX])
{
	char fold[FOLD_MAX];
	sqlite3_stmt *st;
	enum store_rc rc;

	if (!check_text("code", p->code, 1, PROC_CODE_MAX, err) ||
	    !check_text("name", p->name, 1, CAT_NAME_MAX, err) ||
	    !check_text("field", p->field, 0, CAT_NAME_MAX, err) ||
	    !check_text("documents", p->documents, 0, DOCUMENTS_MAX, err))
		return STORE_INVALID;
	if (p->days < 1 || p->days > 3650) {
		seterr(err, "days: must be 1..3650 working days");
		return STORE_INVALID;
	}
	if (p->fee < 0) {
		seterr(err, "fee: must not be negative");
		return STORE_INVALID;
	}
	if (p->documents != NULL && *p->documents != '\0' &&
	    !documents_valid(p->documents)) {
		seterr(err, "documents: not a JSON array of strings");
		return STORE_INVALID;
	}
	if (text_fold(p->name, strlen(p->name), fold, sizeof fold) < 0) {
		seterr(err, "name: cannot be folded");
		return STORE_INVALID;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	st = q(s, Q_PROC_PUT);
	b_text(st, 1, p->code);
	b_text(st, 2, p->name);
	b_text(st, 3, fold);
	b_text(st, 4, p->field != NULL ? p->field : "");
	sqlite3_bind_int(st, 5, p->days);
	b_opt(st, 6, p->documents);
	sqlite3_bind_int64(st, 7, p->fee);
	if (run(s, Q_PROC_PUT) != SQLITE_OK ||
	    add_audit(s, wall_now(), NULL, "procedure_put", p->code, NULL) !=
	        SQLITE_OK)
		rc = dberr(s, err);
	return finish(s, rc, err);
}

/* A catalogue row as {code,name,field,days,documents,fee}; col gives the
 * columns of those six in the statement's row (the queries differ). */
static json_t *
procedure_json(sqlite3_stmt *st, const int col[6])
{
	json_t *o = json_object(), *docs = NULL;

	if (c_text(st, col[4]) != NULL)
		docs = json_loads(c_text(st, col[4]), 0, NULL);
	json_object_set_new(o, "code", j_col_text(st, col[0]));
	json_object_set_new(o, "name", j_col_text(st, col[1]));
	json_object_set_new(o, "field", j_col_text(st, col[2]));
	json_object_set_new(o, "days",
	    json_integer(sqlite3_column_int(st, col[3])));
	json_object_set_new(o, "documents", docs != NULL ? docs : json_array());
	json_object_set_new(o, "fee",
	    json_integer(sqlite3_column_int64(st, col[5])));
	return o;
}

json_t *
store_procedures(struct store *s, const char *qtext)
{
	char fold[FOLD_MAX];
	sqlite3_stmt *st = q(s, Q_PROC_LIST);
	json_t *arr;
	int rc;

	if (qtext != NULL && *qtext != '\0') {
		if (text_fold(qtext, strnlen(qtext, IMPORT_TEXT_MAX), fold,
		        sizeof fold) < 0)
			return NULL;
		if (fold[0] != '\0')
			b_text(st, 1, fold);
	}
	arr = json_array();
	while (arr != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_array_append_new(arr,
		    procedure_json(st, (const int[]){ 0, 1, 2, 3, 4, 5 }));
	}
	sqlite3_reset(st);
	return arr;
}

/* ---- intake ---- */

static bool
check_intake(const struct store_intake *in, char *err)
{
	if (!check_text("procedure_code", in->procedure_code, 1, PROC_CODE_MAX,
	        err))
		return false;
	if (in->agency_code == NULL || *in->agency_code == '\0') {
		seterr(err, "agency_code: required");
		return false;
	}
	if (strlen(in->agency_code) > DCODE_AGENCY_MAX ||
	    !dcode_agency_valid(in->agency_code)) {
		seterr(err,
		    "agency_code: not an agency code for dossier codes");
		return false;
	}
	if (!check_text("owner_name", in->owner_name, 1, OWNER_NAME_MAX, err) ||
	    !check_text("owner_id_no", in->owner_id_no, 0, ID_NO_MAX, err) ||
	    !check_text("phone", in->phone, 0, PHONE_MAX, err) ||
	    !check_text("address", in->address, 0, ADDRESS_MAX, err) ||
	    !check_text("email", in->email, 0, EMAIL_MAX, err) ||
	    !check_text("summary", in->summary, 0, SUMMARY_MAX, err) ||
	    !check_text("actor", in->actor, 1, ACTOR_MAX, err))
		return false;
	if (in->channel < CHANNEL_COUNTER || in->channel > CHANNEL_POSTAL) {
		seterr(err,
		    "channel: must be 1 (in person), 2 (online) or 3 "
		    "(postal)");
		return false;
	}
	if (in->delivery != DELIVERY_COUNTER && in->delivery != DELIVERY_POST) {
		seterr(err, "delivery: must be 0 (counter) or 1 (post)");
		return false;
	}
	if (in->received_at <= 0) {
		seterr(err, "received_at: required");
		return false;
	}
	return true;
}

/* Everything between BEGIN and COMMIT; the caller rolls back on error. */
static enum store_rc
intake_tx(struct store *s, const struct store_intake *in, const char *name,
    const char *fold, struct store_intake_result *res, char *err)
{
	char date[16];
	sqlite3_stmt *st;
	struct dcode dc;
	struct event ev;
	int64_t seq, id, now = wall_now();
	int days, day, y, m, d, rc;
	bool prov = false;

	st = q(s, Q_PROC_GET);
	b_text(st, 1, in->procedure_code);
	rc = sqlite3_step(st);
	days = rc == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		seterr(err, "procedure_code: unknown procedure %s",
		    in->procedure_code);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return dberr(s, err);
	if (days < 1) {
		seterr(err,
		    "procedure_code: procedure %s has no statutory days set",
		    in->procedure_code);
		return STORE_INVALID;
	}

	day = cal_local_day(in->received_at);
	st = q(s, Q_AGENCY_GET);
	b_text(st, 1, in->agency_code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    day >= sqlite3_column_int(st, 0)) {
		cal_format_date(sqlite3_column_int(st, 0), date);
		sqlite3_reset(st);
		seterr(err, "agency_code: agency %s closed on %s",
		    in->agency_code, date);
		return STORE_INVALID;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		st = q(s, Q_AGENCY_PUT);
		b_text(st, 1, in->agency_code);
		b_text(st, 2, "");
		if (run(s, Q_AGENCY_PUT) != SQLITE_OK)
			return dberr(s, err);
	} else if (rc != SQLITE_ROW) {
		return dberr(s, err);
	}

	st = q(s, Q_COUNTER_NEXT);
	b_text(st, 1, in->agency_code);
	sqlite3_bind_int(st, 2, day);
	rc = sqlite3_step(st);
	seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return dberr(s, err);
	if (seq > DCODE_SEQ_MAX) {
		cal_format_date(day, date);
		seterr(err,
		    "code: agency %s has issued %d dossiers on %s; intake "
		    "refused",
		    in->agency_code, DCODE_SEQ_MAX, date);
		return STORE_FULL;
	}

	memset(&dc, 0, sizeof dc);
	snprintf(dc.agency, sizeof dc.agency, "%s", in->agency_code);
	cal_ymd_from_day(day, &y, &m, &d);
	dc.yy = y % 100;
	dc.mm = m;
	dc.dd = d;
	dc.seq = (unsigned)seq;
	dc.strict = true;
	if (dcode_format(&dc, res->code, sizeof res->code) < 0) {
		seterr(err, "received_at: outside the years a code can name");
		return STORE_INVALID;
	}
	/* A postal dossier (status 1) has no due date until the office
	 * accepts it: the clock counts from acceptance (docs/domain.md). */
	if (in->status == ST_SUBMITTED) {
		res->due_at = 0;
	} else {
		res->due_at = cal_due(&s->cal, in->received_at, days, &prov);
		res->provisional = prov;
	}

	st = q(s, Q_DOSSIER_INSERT);
	b_text(st, 1, res->code);
	b_text(st, 2, in->agency_code);
	b_text(st, 3, in->procedure_code);
	sqlite3_bind_int(st, 4, in->channel);
	sqlite3_bind_int(st, 5, in->delivery);
	sqlite3_bind_int(st, 6,
	    in->status == ST_SUBMITTED ? ST_SUBMITTED : ST_RECEIVED);
	b_text(st, 7, name);
	b_text(st, 8, fold);
	b_opt(st, 9, in->owner_id_no);
	b_opt(st, 10, in->phone);
	b_opt(st, 11, in->address);
	b_opt(st, 12, in->email);
	b_opt(st, 13, in->summary);
	sqlite3_bind_int64(st, 14, in->received_at);
	sqlite3_bind_int64(st, 15,
	    in->submitted_at > 0 ? in->submitted_at : in->received_at);
	b_opt64(st, 16, res->due_at);
	sqlite3_bind_int(st, 19, RATING_NONE);
	sqlite3_bind_int(st, 20, 0);
	sqlite3_bind_int(st, 21, prov);
	sqlite3_bind_int64(st, 22, now);
	sqlite3_bind_int64(st, 23, now);
	if (run(s, Q_DOSSIER_INSERT) != SQLITE_OK)
		return dberr(s, err);
	id = sqlite3_last_insert_rowid(s->db);

	/* An in-person dossier is accepted at once: its first state is 2. */
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = id;
	ev.at = in->received_at;
	ev.kind = "intake";
	ev.new_status = in->status == ST_SUBMITTED ? ST_SUBMITTED : ST_RECEIVED;
	ev.due_after = res->due_at;
	ev.actor = in->actor;
	ev.detail = in->event_detail;
	/* The event carries the detail; the audit row says who and when.
	 * The outbox row must follow the event (it takes its rowid). */
	if (add_event(s, &ev) != SQLITE_OK ||
	    add_outbox(s, id, "dossier_new", ev.new_status, now) != SQLITE_OK ||
	    add_token(s, id, now, res->token) != SQLITE_OK ||
	    add_audit(s, now, in->actor, "intake", res->code, NULL) !=
	        SQLITE_OK)
		return dberr(s, err);
	return STORE_OK;
}

enum store_rc
store_intake(struct store *s, const struct store_intake *in,
    struct store_intake_result *res, char err[STORE_ERR_MAX])
{
	char name[4 * OWNER_NAME_MAX + 1], fold[FOLD_MAX];
	enum store_rc rc;

	memset(res, 0, sizeof(*res));
	if (!check_intake(in, err))
		return STORE_INVALID;
	if (text_nfc(in->owner_name, strlen(in->owner_name), name,
	        sizeof name) < 0 ||
	    text_fold(name, strlen(name), fold, sizeof fold) < 0) {
		seterr(err, "owner_name: not valid UTF-8 text");
		return STORE_INVALID;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	rc = intake_tx(s, in, name, fold, res, err);
	rc = finish(s, rc, err);
	if (rc != STORE_OK) {
		res->code[0] = '\0';
		res->token[0] = '\0';
	}
	return rc;
}

enum store_rc
store_counter_set(struct store *s, const char *agency, int day,
    unsigned last_seq, char err[STORE_ERR_MAX])
{
	char detail[64];
	sqlite3_stmt *st;
	enum store_rc rc;

	if (agency == NULL || strlen(agency) > DCODE_AGENCY_MAX ||
	    !dcode_agency_valid(agency)) {
		seterr(err, "agency: not an agency code for dossier codes");
		return STORE_INVALID;
	}
	if (last_seq > DCODE_SEQ_MAX) {
		seterr(err, "last_seq: must be 0..%d", DCODE_SEQ_MAX);
		return STORE_INVALID;
	}
	if (day < 0) {
		seterr(err, "day: not a day");
		return STORE_INVALID;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	st = q(s, Q_COUNTER_SET);
	b_text(st, 1, agency);
	sqlite3_bind_int(st, 2, day);
	sqlite3_bind_int64(st, 3, last_seq);
	cal_format_date(day, detail);
	snprintf(detail + strlen(detail), sizeof detail - strlen(detail),
	    " last_seq=%u", last_seq);
	if (run(s, Q_COUNTER_SET) != SQLITE_OK ||
	    add_audit(s, wall_now(), NULL, "counter_set", agency, detail) !=
	        SQLITE_OK)
		rc = dberr(s, err);
	return finish(s, rc, err);
}

/* ---- status changes ---- */

struct dstate {
	int64_t id, due_at, received_at;
	int status;
};

static enum store_rc
load_state(struct store *s, const char *code, struct dstate *ds, char *err)
{
	sqlite3_stmt *st = q(s, Q_DOSSIER_STATE);
	int rc;

	b_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ds->id = sqlite3_column_int64(st, 0);
		ds->status = sqlite3_column_int(st, 1);
		ds->due_at = sqlite3_column_int64(st, 2);
		ds->received_at = sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE) {
		seterr(err, "code: no dossier %s", code);
		return STORE_NOTFOUND;
	}
	return rc == SQLITE_ROW ? STORE_OK : dberr(s, err);
}

/* The event, audit and outbox rows of a change, after the UPDATE. */
static enum store_rc
log_change(struct store *s, const char *code, const struct event *ev,
    const char *outbox_kind, char *err)
{
	/* the outbox row takes the event's rowid: keep this order */
	if (add_event(s, ev) != SQLITE_OK ||
	    add_outbox(s, ev->dossier_id, outbox_kind, ev->new_status,
	        ev->at) != SQLITE_OK ||
	    add_audit(s, ev->at, ev->actor, ev->kind, code, NULL) != SQLITE_OK)
		return dberr(s, err);
	return STORE_OK;
}

static enum store_rc
update_due(struct store *s, const struct dstate *ds, int status, int64_t due,
    int supp_inc, int64_t now, char *err)
{
	sqlite3_stmt *st = q(s, Q_DUE_UPDATE);

	sqlite3_bind_int64(st, 1, ds->id);
	sqlite3_bind_int(st, 2, status);
	b_opt64(st, 3, due);
	sqlite3_bind_int(st, 4, supp_inc);
	sqlite3_bind_int64(st, 5, now);
	return run(s, Q_DUE_UPDATE) == SQLITE_OK ? STORE_OK : dberr(s, err);
}

static bool
check_actor_reason(const char *actor, const char *reason, bool need_reason,
    char *err)
{
	return check_text("actor", actor, 1, ACTOR_MAX, err) &&
	    check_text("reason", reason, need_reason ? 1 : 0, REASON_MAX, err);
}

/* JSON object text {"key": value} with value escaped by jansson. */
static char *
detail_json(const char *key, const char *value)
{
	json_t *o;
	char *text;

	if (value == NULL || *value == '\0')
		return NULL;
	o = json_object();
	json_object_set_new(o, key, j_text(value));
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return text;
}

static enum store_rc
supplement_request_tx(struct store *s, const char *code, const char *reason,
    const char *items, const char *actor, int64_t now, char *err)
{
	char buf[STORE_ERR_MAX];
	struct dstate ds;
	struct event ev;
	enum store_rc rc;
	char *detail;

	if ((rc = load_state(s, code, &ds, err)) != STORE_OK)
		return rc;
	if (!status_check_move(ds.status, ST_SUPPLEMENT, buf, sizeof buf)) {
		seterr(err, "%s", buf);
		return STORE_CONFLICT;
	}
	if ((rc = update_due(s, &ds, ST_SUPPLEMENT, ds.due_at, 1, now, err)) !=
	    STORE_OK)
		return rc;
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = ds.id;
	ev.at = now;
	ev.kind = "supplement_request";
	ev.old_status = ds.status;
	ev.new_status = ST_SUPPLEMENT;
	ev.due_before = ds.due_at;
	ev.due_after = ds.due_at;
	ev.actor = actor;
	ev.reason = reason;
	detail = detail_json("items", items);
	ev.detail = detail;
	if (items != NULL && *items != '\0' && detail == NULL) {
		seterr(err, "items: out of memory");
		return STORE_ERROR;
	}
	rc = log_change(s, code, &ev, "status", err);
	free(detail);
	return rc;
}

static enum store_rc
supplement_complete_tx(struct store *s, const char *code, int64_t new_due,
    const char *actor, int64_t now, char *err)
{
	char buf[STORE_ERR_MAX];
	struct dstate ds;
	struct event ev;
	enum store_rc rc;
	int64_t due;

	if ((rc = load_state(s, code, &ds, err)) != STORE_OK)
		return rc;
	if (!status_check_move(ds.status, ST_PROCESSING, buf, sizeof buf) ||
	    ds.status != ST_SUPPLEMENT) {
		if (ds.status != ST_SUPPLEMENT)
			seterr(err,
			    "status: dossier is in state %d (%s), not waiting "
			    "for a supplement",
			    ds.status, status_label_en(ds.status));
		else
			seterr(err, "%s", buf);
		return STORE_CONFLICT;
	}
	if (new_due != 0 && new_due < ds.received_at) {
		seterr(err, "new_due_at: before the dossier was received");
		return STORE_INVALID;
	}
	due = new_due != 0 ? new_due : ds.due_at;
	if ((rc = update_due(s, &ds, ST_PROCESSING, due, 0, now, err)) !=
	    STORE_OK)
		return rc;
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = ds.id;
	ev.at = now;
	ev.kind = "supplement_complete";
	ev.old_status = ds.status;
	ev.new_status = ST_PROCESSING;
	ev.due_before = ds.due_at;
	ev.due_after = due;
	ev.actor = actor;
	return log_change(s, code, &ev, "status", err);
}

enum store_rc
store_supplement_request(struct store *s, const char *code, const char *reason,
    const char *items, const char *actor, int64_t now, char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	enum store_rc rc;

	if ((rc = norm_code(code, c, err)) != STORE_OK)
		return rc;
	if (!check_actor_reason(actor, reason, false, err) ||
	    !check_text("items", items, 0, REASON_MAX, err))
		return STORE_INVALID;
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	rc = supplement_request_tx(s, c, reason, items, actor, now, err);
	return finish(s, rc, err);
}

enum store_rc
store_supplement_complete(struct store *s, const char *code, int64_t new_due_at,
    const char *actor, int64_t now, char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	enum store_rc rc;

	if ((rc = norm_code(code, c, err)) != STORE_OK)
		return rc;
	if (!check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if (new_due_at < 0) {
		seterr(err, "new_due_at: not a time");
		return STORE_INVALID;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	rc = supplement_complete_tx(s, c, new_due_at, actor, now, err);
	return finish(s, rc, err);
}

static enum store_rc
set_status_tx(struct store *s, const char *code, int to, const char *reason,
    const char *actor, int64_t now, char *err)
{
	char buf[STORE_ERR_MAX];
	sqlite3_stmt *st;
	struct dstate ds;
	struct event ev;
	enum store_rc rc;

	if ((rc = load_state(s, code, &ds, err)) != STORE_OK)
		return rc;
	/* The supplement edges carry their own events (Mẫu 02). */
	if (ds.status == ST_PROCESSING && to == ST_SUPPLEMENT)
		return supplement_request_tx(s, code, reason, NULL, actor, now,
		    err);
	if (ds.status == ST_SUPPLEMENT && to == ST_PROCESSING)
		return supplement_complete_tx(s, code, 0, actor, now, err);
	if (!status_check_move(ds.status, to, buf, sizeof buf)) {
		seterr(err, "%s", buf);
		return STORE_CONFLICT;
	}
	st = q(s, Q_STATUS_UPDATE);
	sqlite3_bind_int64(st, 1, ds.id);
	sqlite3_bind_int(st, 2, to);
	if (to == ST_RESULT_READY || to == ST_REFUSED || to == ST_WITHDRAWN ||
	    to == ST_STOPPED)
		sqlite3_bind_int64(st, 3, now);
	if (to == ST_RETURNED)
		sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	if (run(s, Q_STATUS_UPDATE) != SQLITE_OK)
		return dberr(s, err);
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = ds.id;
	ev.at = now;
	ev.kind = "status";
	ev.old_status = ds.status;
	ev.new_status = to;
	ev.due_before = ds.due_at;
	ev.due_after = ds.due_at;
	ev.actor = actor;
	ev.reason = reason;
	return log_change(s, code, &ev, "status", err);
}

enum store_rc
store_set_status(struct store *s, const char *code, int new_status,
    const char *reason, const char *actor, int64_t now, char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	enum store_rc rc;

	if ((rc = norm_code(code, c, err)) != STORE_OK)
		return rc;
	if (!status_valid(new_status)) {
		seterr(err, "status: %d is not a status (1..10)", new_status);
		return STORE_INVALID;
	}
	if (!check_actor_reason(actor, reason, false, err))
		return STORE_INVALID;
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	rc = set_status_tx(s, c, new_status, reason, actor, now, err);
	return finish(s, rc, err);
}

static enum store_rc
apology_tx(struct store *s, const char *code, const char *reason,
    const char *unit, int64_t new_due, const char *actor, int64_t now,
    char *err)
{
	char iso[32], *detail;
	struct dstate ds;
	struct event ev;
	enum store_rc rc;

	if ((rc = load_state(s, code, &ds, err)) != STORE_OK)
		return rc;
	if (!status_open(ds.status)) {
		seterr(err, "status: no apology for a dossier in state %d (%s)",
		    ds.status, status_label_en(ds.status));
		return STORE_CONFLICT;
	}
	if (new_due <= ds.due_at) {
		cal_format_iso(ds.due_at, iso);
		seterr(err, "new_due_at: must be after the current due date %s",
		    iso);
		return STORE_INVALID;
	}
	if ((rc = update_due(s, &ds, ds.status, new_due, 0, now, err)) !=
	    STORE_OK)
		return rc;
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = ds.id;
	ev.at = now;
	ev.kind = "apology";
	ev.old_status = ds.status;
	ev.new_status = ds.status;
	ev.due_before = ds.due_at;
	ev.due_after = new_due;
	ev.actor = actor;
	ev.reason = reason;
	detail = detail_json("unit", unit);
	if (unit != NULL && *unit != '\0' && detail == NULL) {
		seterr(err, "unit: out of memory");
		return STORE_ERROR;
	}
	ev.detail = detail;
	rc = log_change(s, code, &ev, "apology", err);
	free(detail);
	if (rc == STORE_OK) {
		sqlite3_stmt *st = q(s, Q_APOLOGY_SET);

		sqlite3_bind_int64(st, 1, ds.id);
		sqlite3_bind_int64(st, 2, new_due);
		if (run(s, Q_APOLOGY_SET) != SQLITE_OK)
			rc = dberr(s, err);
	}
	return rc;
}

enum store_rc
store_apology(struct store *s, const char *code, const char *reason,
    const char *unit, int64_t new_due_at, const char *actor, int64_t now,
    char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	enum store_rc rc;

	if ((rc = norm_code(code, c, err)) != STORE_OK)
		return rc;
	if (!check_actor_reason(actor, reason, true, err) ||
	    !check_text("unit", unit, 0, CAT_NAME_MAX, err))
		return STORE_INVALID;
	if (new_due_at <= 0) {
		seterr(err, "new_due_at: required");
		return STORE_INVALID;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	rc = apology_tx(s, c, reason, unit, new_due_at, actor, now, err);
	return finish(s, rc, err);
}

/* ---- reads ---- */

static json_t *
status_json(json_t *o, int status)
{
	json_object_set_new(o, "status", json_integer(status));
	json_object_set_new(o, "status_name", j_text(status_name(status)));
	json_object_set_new(o, "status_label_vi",
	    j_text(status_label_vi(status)));
	json_object_set_new(o, "status_label_en",
	    j_text(status_label_en(status)));
	return o;
}

static json_t *
events_json(struct store *s, int64_t id)
{
	sqlite3_stmt *st = q(s, Q_EVENTS_OF);
	json_t *arr = json_array(), *e, *detail;
	const char *dt;

	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		e = json_object();
		json_object_set_new(e, "at", j_col_time(st, 0));
		json_object_set_new(e, "kind", j_col_text(st, 1));
		json_object_set_new(e, "old_status",
		    sqlite3_column_type(st, 2) == SQLITE_NULL
		        ? json_null()
		        : json_integer(sqlite3_column_int(st, 2)));
		json_object_set_new(e, "new_status",
		    sqlite3_column_type(st, 3) == SQLITE_NULL
		        ? json_null()
		        : json_integer(sqlite3_column_int(st, 3)));
		json_object_set_new(e, "due_before", j_col_time(st, 4));
		json_object_set_new(e, "due_after", j_col_time(st, 5));
		json_object_set_new(e, "actor", j_col_text(st, 6));
		json_object_set_new(e, "reason", j_col_text(st, 7));
		dt = c_text(st, 8);
		detail = NULL;
		if (dt != NULL && dt[0] == '{')
			detail = json_loads(dt, 0, NULL);
		json_object_set_new(e, "detail",
		    detail != NULL ? detail : j_text(dt));
		json_array_append_new(arr, e);
	}
	sqlite3_reset(st);
	return arr;
}

static json_t *postal_item_of(struct store *, int64_t dossier_id);

json_t *
store_dossier(struct store *s, const char *code, int64_t now,
    enum store_rc *rcp)
{
	char c[DCODE_TEXT_MAX + 1], tok[TOKEN_LEN + 1];
	sqlite3_stmt *st;
	json_t *o;
	int64_t id, due;
	int rc, status, rating;

	if (norm_code(code, c, NULL) != STORE_OK) {
		*rcp = STORE_NOTFOUND;
		return NULL;
	}
	st = q(s, Q_DOSSIER_FULL);
	b_text(st, 1, c);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		*rcp = rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
		return NULL;
	}
	o = json_object();
	id = sqlite3_column_int64(st, 0);
	status = sqlite3_column_int(st, 6);
	due = sqlite3_column_int64(st, 15);
	rating = sqlite3_column_int(st, 18);
	json_object_set_new(o, "code", j_col_text(st, 1));
	json_object_set_new(o, "agency_code", j_col_text(st, 2));
	json_object_set_new(o, "agency_name", j_col_text(st, 24));
	json_object_set_new(o, "procedure_code", j_col_text(st, 3));
	json_object_set_new(o, "procedure_name", j_col_text(st, 23));
	json_object_set_new(o, "channel",
	    json_integer(sqlite3_column_int(st, 4)));
	json_object_set_new(o, "channel_name",
	    j_text(channel_name(sqlite3_column_int(st, 4))));
	json_object_set_new(o, "delivery",
	    json_integer(sqlite3_column_int(st, 5)));
	json_object_set_new(o, "delivery_name",
	    j_text(delivery_name(sqlite3_column_int(st, 5))));
	status_json(o, status);
	json_object_set_new(o, "owner_name", j_col_text(st, 7));
	json_object_set_new(o, "owner_id_no", j_col_text(st, 8));
	json_object_set_new(o, "phone", j_col_text(st, 9));
	json_object_set_new(o, "address", j_col_text(st, 10));
	json_object_set_new(o, "email", j_col_text(st, 11));
	json_object_set_new(o, "summary", j_col_text(st, 12));
	json_object_set_new(o, "received_at", j_col_time(st, 13));
	json_object_set_new(o, "submitted_at", j_col_time(st, 14));
	json_object_set_new(o, "due_at", j_col_time(st, 15));
	json_object_set_new(o, "finished_at", j_col_time(st, 16));
	json_object_set_new(o, "returned_at", j_col_time(st, 17));
	json_object_set_new(o, "rating", json_integer(rating));
	json_object_set_new(o, "rating_name", j_text(rating_name(rating)));
	json_object_set_new(o, "supplement_count",
	    json_integer(sqlite3_column_int(st, 19)));
	json_object_set_new(o, "provisional",
	    json_boolean(sqlite3_column_int(st, 20)));
	json_object_set_new(o, "created_at", j_col_time(st, 21));
	json_object_set_new(o, "updated_at", j_col_time(st, 22));
	json_object_set_new(o, "overdue",
	    json_boolean(due != 0 && status_overdue(status, due, now)));
	sqlite3_reset(st);

	json_object_set_new(o, "events", events_json(s, id));
	/* a postal dossier names its S10 item (the receipt prints it) */
	json_object_set_new(o, "postal_item_id", postal_item_of(s, id));
	st = q(s, Q_TOKEN_OF);
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(tok, sizeof tok, "%s", c_str(st, 0));
		json_object_set_new(o, "token", json_string(tok));
	} else {
		json_object_set_new(o, "token", json_null());
	}
	sqlite3_reset(st);
	*rcp = STORE_OK;
	return o;
}

/* Copies the display name of code (a procedure or an agency, by qid) into
 * buf, through the cache; the code itself when the row is missing. */
static int
display_name(struct store *s, struct names *n, enum qid id, const char *code,
    char *buf, size_t size)
{
	struct name_slot *sl;
	sqlite3_stmt *st;
	int rc;

	if (n->slot == NULL &&
	    (n->slot = calloc(NAMES_CAP, sizeof *n->slot)) == NULL)
		return SQLITE_NOMEM;
	sl = names_find(n, code);
	if (sl->code != NULL) {
		snprintf(buf, size, "%s", sl->name);
		return SQLITE_OK;
	}
	st = q(s, id);
	b_text(st, 1, code);
	rc = sqlite3_step(st);
	snprintf(buf, size, "%s", rc == SQLITE_ROW ? c_str(st, 0) : code);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	if (n->used >= NAMES_CAP / 2) /* keep probes short */
		names_clear(n);
	sl = names_find(n, code);
	sl->code = strdup(code);
	sl->name = strdup(buf);
	if (sl->code == NULL || sl->name == NULL) {
		free(sl->code);
		free(sl->name);
		sl->code = sl->name = NULL;
	} else {
		n->used++;
	}
	return SQLITE_OK;
}

enum store_rc
store_lookup_token(struct store *s, const char *token, struct store_lookup *out)
{
	sqlite3_stmt *st = q(s, Q_LOOKUP);
	const char *name;
	int rc;

	memset(out, 0, sizeof(*out));
	b_text(st, 1, token != NULL ? token : "");
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
	}
	snprintf(out->code, sizeof out->code, "%s", c_str(st, 0));
	out->status = sqlite3_column_int(st, 1);
	out->delivery = sqlite3_column_int(st, 2);
	out->received_at = sqlite3_column_int64(st, 3);
	out->due_at = sqlite3_column_int64(st, 4);
	out->updated_at = sqlite3_column_int64(st, 5);
	name = c_str(st, 6);
	if (text_mask_name(name, strlen(name), out->masked_name,
	        sizeof out->masked_name) < 0)
		snprintf(out->masked_name, sizeof out->masked_name, "***");
	out->apology_due_at = sqlite3_column_int64(st, 9);
	rc = display_name(s, &s->proc_names, Q_PROC_NAME, c_str(st, 7),
	    out->procedure_name, sizeof out->procedure_name);
	if (rc == SQLITE_OK)
		rc = display_name(s, &s->agency_names, Q_AGENCY_NAME,
		    c_str(st, 8), out->collect_at, sizeof out->collect_at);
	sqlite3_reset(st);
	return rc == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

enum store_rc
store_token(struct store *s, const char *code, char token[TOKEN_LEN + 1])
{
	char c[DCODE_TEXT_MAX + 1];
	sqlite3_stmt *st;
	struct dstate ds;
	enum store_rc rc;
	int src;

	token[0] = '\0';
	if (norm_code(code, c, NULL) != STORE_OK)
		return STORE_NOTFOUND;
	if ((rc = load_state(s, c, &ds, NULL)) != STORE_OK)
		return rc;
	st = q(s, Q_TOKEN_OF);
	sqlite3_bind_int64(st, 1, ds.id);
	src = sqlite3_step(st);
	if (src == SQLITE_ROW)
		snprintf(token, TOKEN_LEN + 1, "%s", c_str(st, 0));
	sqlite3_reset(st);
	if (src == SQLITE_ROW)
		return STORE_OK;
	if (src != SQLITE_DONE)
		return STORE_ERROR;
	if (begin(s, NULL) != STORE_OK)
		return STORE_ERROR;
	rc = add_token(s, ds.id, wall_now(), token) == SQLITE_OK ? STORE_OK
	                                                         : STORE_ERROR;
	rc = finish(s, rc, NULL);
	if (rc != STORE_OK)
		token[0] = '\0';
	return rc;
}

/* ---- search ---- */

struct hit {
	int64_t id, received_at;
	json_t *row; /* owned */
};

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->received_at != y->received_at)
		return x->received_at > y->received_at ? -1 : 1;
	return x->id > y->id ? -1 : x->id < y->id;
}

/* Runs one search statement, appending rows not already in hits. */
static int
collect(struct store *s, sqlite3_stmt *st, int64_t now, struct hit *hits,
    size_t *n, size_t cap)
{
	json_t *o;
	int64_t id, due;
	size_t i;
	int rc = SQLITE_DONE, status, channel;

	while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		for (i = 0; i < *n && hits[i].id != id; i++)
			;
		if (i < *n)
			continue;
		status = sqlite3_column_int(st, 4);
		channel = sqlite3_column_int(st, 5);
		due = sqlite3_column_int64(st, 7);
		o = json_object();
		json_object_set_new(o, "code", j_col_text(st, 1));
		json_object_set_new(o, "procedure_name", j_col_text(st, 2));
		json_object_set_new(o, "owner_name", j_col_text(st, 3));
		json_object_set_new(o, "status", json_integer(status));
		json_object_set_new(o, "status_name",
		    j_text(status_name(status)));
		json_object_set_new(o, "channel", json_integer(channel));
		json_object_set_new(o, "channel_name",
		    j_text(channel_name(channel)));
		json_object_set_new(o, "received_at", j_col_time(st, 6));
		json_object_set_new(o, "due_at", j_col_time(st, 7));
		json_object_set_new(o, "overdue",
		    json_boolean(due != 0 && status_overdue(status, due, now)));
		hits[*n].id = id;
		hits[*n].received_at = sqlite3_column_int64(st, 6);
		hits[*n].row = o;
		(*n)++;
	}
	if (*n < cap && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return dberr(s, NULL);
	}
	sqlite3_reset(st);
	return 0;
}

/* LIKE pattern "% <q>%" with %, _ and \ escaped. */
static void
word_pattern(const char *fold, char *out, size_t size)
{
	size_t j = 0;

	out[j++] = '%';
	out[j++] = ' ';
	for (; *fold != '\0' && j + 3 < size; fold++) {
		if (*fold == '%' || *fold == '_' || *fold == '\\')
			out[j++] = '\\';
		out[j++] = *fold;
	}
	out[j++] = '%';
	out[j] = '\0';
}

static void
bind_search(sqlite3_stmt *st, const char *code, int64_t lo, int64_t hi,
    const char *fold, const char *upper, const char *like, int limit)
{
	b_text(st, 1, code);
	sqlite3_bind_int64(st, 2, lo);
	sqlite3_bind_int64(st, 3, hi);
	b_text(st, 4, fold);
	b_text(st, 5, upper);
	b_text(st, 6, like);
	sqlite3_bind_int(st, 7, limit);
}

json_t *
store_search(struct store *s, const struct store_query *qr, int64_t now,
    char err[STORE_ERR_MAX])
{
	char code[DCODE_TEXT_MAX + 1], fold[FOLD_MAX], upper[FOLD_MAX + 8];
	char like[2 * FOLD_MAX + 8];
	const char *c = NULL, *f = NULL, *u = NULL, *l = NULL;
	int64_t lo = INT64_MIN, hi = INT64_MAX;
	struct hit *hits;
	size_t n = 0, i, cap;
	json_t *arr;
	int bad = 0;

	if (qr->limit < 1 || qr->limit > 1000) {
		seterr(err, "limit: must be 1..1000");
		return NULL;
	}
	if (qr->from_day < -1 || qr->to_day < -1 ||
	    (qr->from_day >= 0 && qr->to_day >= 0 &&
	        qr->from_day > qr->to_day)) {
		seterr(err, "from: must not be after to");
		return NULL;
	}
	if (qr->code != NULL && *qr->code != '\0') {
		if (norm_code(qr->code, code, err) != STORE_OK)
			return NULL;
		c = code;
	}
	if (qr->name != NULL && *qr->name != '\0') {
		if (!check_text("name", qr->name, 1, OWNER_NAME_MAX, err))
			return NULL;
		if (text_fold(qr->name, strlen(qr->name), fold, sizeof fold) <
		    0) {
			seterr(err, "name: not valid UTF-8 text");
			return NULL;
		}
		if (fold[0] == '\0') {
			seterr(err, "name: no letters to search for");
			return NULL;
		}
		/* The largest code point: every name with this prefix sorts
		 * below q || U+10FFFF under the BINARY collation. */
		snprintf(upper, sizeof upper, "%s\xf4\x8f\xbf\xbf", fold);
		word_pattern(fold, like, sizeof like);
		f = fold;
		u = upper;
		l = like;
	}
	if (qr->from_day >= 0)
		lo = cal_instant(qr->from_day, 0);
	if (qr->to_day >= 0)
		hi = cal_instant(qr->to_day + 1, 0);

	cap = (size_t)qr->limit;
	hits = calloc(cap, sizeof(*hits));
	if (hits == NULL) {
		seterr(err, "search: out of memory");
		return NULL;
	}
	if (c != NULL) {
		bind_search(q(s, Q_SEARCH_CODE), c, lo, hi, f, u, l, qr->limit);
		bad = collect(s, s->st[Q_SEARCH_CODE], now, hits, &n, cap);
	} else if (f != NULL) {
		/* Name prefix through the index, then later words by a scan
		 * that stops once the page is full. A page holds the newest
		 * prefix matches first, then the newest word matches. */
		bind_search(q(s, Q_SEARCH_PREFIX), c, lo, hi, f, u, l,
		    qr->limit);
		bad = collect(s, s->st[Q_SEARCH_PREFIX], now, hits, &n, cap);
		if (!bad && n < cap) {
			bind_search(q(s, Q_SEARCH_WORD), c, lo, hi, f, u, l,
			    qr->limit);
			bad = collect(s, s->st[Q_SEARCH_WORD], now, hits, &n,
			    cap);
		}
	} else {
		bind_search(q(s, Q_SEARCH_RANGE), c, lo, hi, f, u, l,
		    qr->limit);
		bad = collect(s, s->st[Q_SEARCH_RANGE], now, hits, &n, cap);
	}
	if (bad) {
		dberr(s, err);
		for (i = 0; i < n; i++)
			json_decref(hits[i].row);
		free(hits);
		return NULL;
	}
	qsort(hits, n, sizeof(*hits), hit_cmp);
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, hits[i].row);
	free(hits);
	return arr;
}

/* ---- counts ---- */

/* Shares of total in hundredths of a percent that sum to exactly 10000:
 * floors first, then the leftover hundredths go to the largest
 * remainders (ties to the lower index). All 0 when total is 0. */
static void
shares(const int64_t *counts, size_t n, int64_t total, int *out)
{
	int64_t rem[8];
	int left = 10000;
	size_t i, best;

	for (i = 0; i < n; i++) {
		out[i] = 0;
		rem[i] = -1;
	}
	if (total <= 0)
		return;
	for (i = 0; i < n; i++) {
		out[i] = (int)(counts[i] * 10000 / total);
		rem[i] = counts[i] * 10000 % total;
		left -= out[i];
	}
	while (left-- > 0) {
		best = 0;
		for (i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best]++;
		rem[best] = -1; /* at most one extra each: left < n */
	}
}

json_t *
store_counts(struct store *s, int from_day, int to_day)
{
	static const char *const keys[3] = { "in_person", "online", "postal" };
	char from[16], to[16];
	sqlite3_stmt *st = q(s, Q_COUNTS);
	int64_t counts[3] = { 0, 0, 0 }, total = 0;
	int pct[3], rc, ch;
	json_t *o, *rec, *p, *period;
	size_t i;

	sqlite3_bind_int64(st, 1, cal_instant(from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(to_day + 1, 0));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ch = sqlite3_column_int(st, 0);
		/* the KPI counts a missing channel as in person */
		i = ch == CHANNEL_ONLINE ? 1 : ch == CHANNEL_POSTAL ? 2 : 0;
		counts[i] += sqlite3_column_int64(st, 1);
		total += sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return NULL;
	shares(counts, 3, total, pct);
	cal_format_date(from_day, from);
	cal_format_date(to_day, to);
	period = json_object();
	json_object_set_new(period, "from", json_string(from));
	json_object_set_new(period, "to", json_string(to));
	rec = json_object();
	p = json_object();
	json_object_set_new(rec, "total", json_integer(total));
	for (i = 0; i < 3; i++) {
		json_object_set_new(rec, keys[i], json_integer(counts[i]));
		json_object_set_new(p, keys[i], json_real(pct[i] / 100.0));
	}
	json_object_set_new(rec, "pct", p);
	o = json_object();
	json_object_set_new(o, "period", period);
	json_object_set_new(o, "received", rec);
	return o;
}

/* ---- import ----
 *
 * Imports come from upstream (the DVCQG export), so they write no outbox
 * rows: upstream already holds that state, and echoing it back would
 * only race with newer changes made there. Events record that the row
 * came from an import; one audit row per batch counts the outcomes.
 *
 * Procedure days: statutory_days > 0 sets the procedure's days; 0 keeps
 * what the catalogue has, and a procedure first seen without days gets
 * 0, "unknown", which intake refuses until an operator sets the days
 * (store_put_procedure). Imported dossiers keep their own due_at.
 *
 * Empty optional text in a record (agency name, ID number, phone) means
 * "not said" and never erases what is stored. Times and status are
 * upstream's and replace ours. */

enum store_rc
store_import_begin(struct store *s, char err[STORE_ERR_MAX])
{
	enum store_rc rc;

	if (s->in_import) {
		seterr(err, "import: a batch is already open");
		return STORE_INVALID;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	s->in_import = true;
	s->import_actor[0] = '\0';
	s->import_broken = false;
	s->import_now = wall_now();
	s->n_imported = s->n_updated = s->n_unchanged = s->n_failed = 0;
	cache_clear(&s->cache);
	return STORE_OK;
}

static bool
check_rec(const struct import_rec *r, char *err)
{
	struct dcode d;

	if (dcode_parse(r->code, strlen(r->code), &d, NULL) != DCODE_OK) {
		seterr(err, "code: not a dossier code");
		return false;
	}
	if (r->procedure_code[0] == '\0') {
		seterr(err, "procedure_code: required");
		return false;
	}
	if (r->agency_code[0] == '\0' ||
	    strlen(r->agency_code) > DCODE_AGENCY_MAX) {
		seterr(err, "agency_code: required, at most %d characters",
		    DCODE_AGENCY_MAX);
		return false;
	}
	if (r->applicant_name[0] == '\0') {
		seterr(err, "applicant_name: required");
		return false;
	}
	if (!status_valid(r->status)) {
		seterr(err, "status: must be 1..10");
		return false;
	}
	if (r->channel < CHANNEL_COUNTER || r->channel > CHANNEL_POSTAL) {
		seterr(err, "channel: must be 1, 2 or 3");
		return false;
	}
	if (r->delivery != DELIVERY_COUNTER && r->delivery != DELIVERY_POST) {
		seterr(err, "delivery: must be 0 or 1");
		return false;
	}
	if (r->rating < RATING_NONE || r->rating > RATING_UNSATISFIED) {
		seterr(err, "rating: unknown rating");
		return false;
	}
	if (r->received_at <= 0) {
		seterr(err, "received_at: required");
		return false;
	}
	if (r->nsupplements > IMPORT_SUPPLEMENT_MAX) {
		seterr(err, "supplements: more than %d", IMPORT_SUPPLEMENT_MAX);
		return false;
	}
	return true;
}

static bool
cached_agency(const struct import_cache *c, const struct import_rec *r)
{
	size_t i;

	for (i = 0; i < c->nagency; i++)
		if (strcmp(c->agency[i].code, r->agency_code) == 0 &&
		    strcmp(c->agency[i].name, r->agency_name) == 0)
			return true;
	return false;
}

static bool
cached_proc(const struct import_cache *c, const struct import_rec *r)
{
	size_t i;

	for (i = 0; i < c->nproc; i++)
		if (strcmp(c->proc[i].code, r->procedure_code) == 0 &&
		    c->proc[i].days == r->statutory_days &&
		    strcmp(c->proc[i].name, r->procedure_name) == 0 &&
		    strcmp(c->proc[i].field, r->field) == 0)
			return true;
	return false;
}

static void
cache_agency(struct import_cache *c, const struct import_rec *r)
{
	size_t i = c->nagency < CACHE_AGENCIES
	    ? c->nagency++
	    : c->next_agency++ % CACHE_AGENCIES;

	snprintf(c->agency[i].code, sizeof c->agency[i].code, "%s",
	    r->agency_code);
	snprintf(c->agency[i].name, sizeof c->agency[i].name, "%s",
	    r->agency_name);
}

static void
cache_proc(struct import_cache *c, const struct import_rec *r)
{
	size_t i = c->nproc < CACHE_PROCEDURES
	    ? c->nproc++
	    : c->next_proc++ % CACHE_PROCEDURES;

	snprintf(c->proc[i].code, sizeof c->proc[i].code, "%s",
	    r->procedure_code);
	snprintf(c->proc[i].name, sizeof c->proc[i].name, "%s",
	    r->procedure_name);
	snprintf(c->proc[i].field, sizeof c->proc[i].field, "%s", r->field);
	c->proc[i].days = r->statutory_days;
}

/* Upserts the record's agency and procedure unless this batch already
 * wrote the same values. *wrote is set when a row changed. */
static enum store_rc
import_catalogue(struct store *s, const struct import_rec *r,
    const char *proc_fold, bool *wrote, char *err)
{
	sqlite3_stmt *st;

	if (!cached_agency(&s->cache, r)) {
		st = q(s, Q_AGENCY_PUT);
		b_text(st, 1, r->agency_code);
		b_text(st, 2, r->agency_name);
		if (run(s, Q_AGENCY_PUT) != SQLITE_OK)
			return dberr(s, err);
		*wrote |= sqlite3_changes(s->db) > 0;
		cache_agency(&s->cache, r);
	}
	if (!cached_proc(&s->cache, r)) {
		st = q(s, Q_PROC_IMPORT);
		b_text(st, 1, r->procedure_code);
		b_text(st, 2, r->procedure_name);
		b_text(st, 3, proc_fold);
		b_text(st, 4, r->field);
		sqlite3_bind_int(st, 5,
		    r->statutory_days > 0 ? r->statutory_days : 0);
		if (run(s, Q_PROC_IMPORT) != SQLITE_OK)
			return dberr(s, err);
		*wrote |= sqlite3_changes(s->db) > 0;
		cache_proc(&s->cache, r);
	}
	return STORE_OK;
}

static bool
seen(const int64_t *v, size_t n, int64_t t)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == t)
			return true;
	return false;
}

/* The record's supplements that the dossier's events lack (all of them
 * for a new dossier): *nreq new requests and *ndone new completions.
 * With write set they are added as events. Stored supplement events are
 * never removed: a record that lists fewer is not a change. */
static enum store_rc
import_supplements(struct store *s, const struct import_rec *r, int64_t id,
    bool fresh, const char *actor, bool write, int *nreq, int *ndone, char *err)
{
	int64_t req[SUPP_SEEN_MAX], done[SUPP_SEEN_MAX];
	size_t sreq = 0, sdone = 0, i;
	const struct import_supplement *sp;
	sqlite3_stmt *st;
	struct event ev;
	bool is_req;
	int rc;

	*nreq = *ndone = 0;
	if (r->nsupplements == 0)
		return STORE_OK;
	if (!fresh) {
		st = q(s, Q_SUPP_EVENTS);
		sqlite3_bind_int64(st, 1, id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			is_req =
			    strcmp(c_str(st, 0), "supplement_request") == 0;
			if (is_req && sreq < SUPP_SEEN_MAX)
				req[sreq++] = sqlite3_column_int64(st, 1);
			else if (!is_req && sdone < SUPP_SEEN_MAX)
				done[sdone++] = sqlite3_column_int64(st, 1);
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return dberr(s, err);
	}
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = id;
	ev.actor = actor;
	ev.detail = "{\"source\":\"import\"}";
	for (i = 0; i < r->nsupplements; i++) {
		sp = &r->supplements[i];
		if (!seen(req, sreq, sp->requested_at)) {
			++*nreq;
			ev.kind = "supplement_request";
			ev.at = sp->requested_at;
			if (write && add_event(s, &ev) != SQLITE_OK)
				return dberr(s, err);
		}
		if (sp->completed_at != 0 &&
		    !seen(done, sdone, sp->completed_at)) {
			++*ndone;
			ev.kind = "supplement_complete";
			ev.at = sp->completed_at;
			if (write && add_event(s, &ev) != SQLITE_OK)
				return dberr(s, err);
		}
	}
	return STORE_OK;
}

static enum store_rc
import_insert(struct store *s, const struct import_rec *r, const char *fold,
    const char *actor, char *err)
{
	char tok[TOKEN_LEN + 1];
	sqlite3_stmt *st;
	struct event ev;
	enum store_rc rc;
	int64_t id;
	int nreq, ndone;

	st = q(s, Q_DOSSIER_INSERT);
	b_text(st, 1, r->code);
	b_text(st, 2, r->agency_code);
	b_text(st, 3, r->procedure_code);
	sqlite3_bind_int(st, 4, r->channel);
	sqlite3_bind_int(st, 5, r->delivery);
	sqlite3_bind_int(st, 6, r->status);
	b_text(st, 7, r->applicant_name);
	b_text(st, 8, fold);
	b_opt(st, 9, r->applicant_id_no);
	b_opt(st, 10, r->phone);
	sqlite3_bind_int64(st, 14, r->received_at);
	b_opt64(st, 16, r->due_at);
	b_opt64(st, 17, r->finished_at);
	b_opt64(st, 18, r->returned_at);
	sqlite3_bind_int(st, 19, r->rating);
	sqlite3_bind_int64(st, 20, (int64_t)r->nsupplements);
	sqlite3_bind_int(st, 21, 0);
	sqlite3_bind_int64(st, 22, s->import_now);
	sqlite3_bind_int64(st, 23, s->import_now);
	if (run(s, Q_DOSSIER_INSERT) != SQLITE_OK)
		return dberr(s, err);
	id = sqlite3_last_insert_rowid(s->db);
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = id;
	ev.at = r->received_at;
	ev.kind = "import";
	ev.new_status = r->status;
	ev.due_after = r->due_at;
	ev.actor = actor;
	if (add_event(s, &ev) != SQLITE_OK)
		return dberr(s, err);
	rc =
	    import_supplements(s, r, id, true, actor, true, &nreq, &ndone, err);
	if (rc != STORE_OK)
		return rc;
	if (add_token(s, id, s->import_now, tok) != SQLITE_OK)
		return dberr(s, err);
	return STORE_OK;
}

/* Compares the stored row (Q_IMPORT_GET, on a row) with the record and
 * writes {"changed":[names of the fields that differ]} into changed.
 * Field names only: never the values, which may be personal data.
 * Returns the number of differences. */
static int
import_diff(sqlite3_stmt *st, const struct import_rec *r, char *changed,
    size_t size)
{
	static const char *const names[] = { "agency_code", "procedure_code",
		"channel", "delivery", "status", "applicant_name",
		"applicant_id_no", "phone", "received_at", "due_at",
		"finished_at", "returned_at", "rating" };
	bool diff[sizeof(names) / sizeof(names[0])];
	size_t i, j;
	int n = 0;

	diff[0] = strcmp(c_str(st, 1), r->agency_code) != 0;
	diff[1] = strcmp(c_str(st, 2), r->procedure_code) != 0;
	diff[2] = sqlite3_column_int(st, 3) != r->channel;
	diff[3] = sqlite3_column_int(st, 4) != r->delivery;
	diff[4] = sqlite3_column_int(st, 5) != r->status;
	diff[5] = strcmp(c_str(st, 6), r->applicant_name) != 0;
	diff[6] = r->applicant_id_no[0] != '\0' &&
	    strcmp(c_str(st, 7), r->applicant_id_no) != 0;
	diff[7] = r->phone[0] != '\0' && strcmp(c_str(st, 8), r->phone) != 0;
	diff[8] = sqlite3_column_int64(st, 9) != r->received_at;
	diff[9] = sqlite3_column_int64(st, 10) != r->due_at;
	diff[10] = sqlite3_column_int64(st, 11) != r->finished_at;
	diff[11] = sqlite3_column_int64(st, 12) != r->returned_at;
	diff[12] = sqlite3_column_int(st, 13) != r->rating;
	j = (size_t)snprintf(changed, size, "{\"changed\":[");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!diff[i])
			continue;
		/* size holds every name: no truncation */
		j += (size_t)snprintf(changed + j, size - j, "%s\"%s\"",
		    n > 0 ? "," : "", names[i]);
		n++;
	}
	snprintf(changed + j, size - j, "]}");
	return n;
}

static enum store_rc
import_apply(struct store *s, const struct import_rec *r, const char *name_fold,
    const char *proc_fold, const char *actor, enum import_outcome *out,
    char *err)
{
	char changed[512];
	sqlite3_stmt *st;
	struct event ev;
	enum store_rc rc;
	int64_t id, old_due, supp;
	int ndiff, nreq, ndone, old_status, src;
	bool wrote = false, renamed;

	if ((rc = import_catalogue(s, r, proc_fold, &wrote, err)) != STORE_OK)
		return rc;
	st = q(s, Q_IMPORT_GET);
	b_text(st, 1, r->code);
	src = sqlite3_step(st);
	if (src != SQLITE_ROW) {
		sqlite3_reset(st);
		if (src != SQLITE_DONE)
			return dberr(s, err);
		*out = IMPORT_IMPORTED;
		return import_insert(s, r, name_fold, actor, err);
	}
	id = sqlite3_column_int64(st, 0);
	old_status = sqlite3_column_int(st, 5);
	old_due = sqlite3_column_int64(st, 10);
	supp = sqlite3_column_int64(st, 14);
	renamed = strcmp(c_str(st, 6), r->applicant_name) != 0;
	ndiff = import_diff(st, r, changed, sizeof changed);
	sqlite3_reset(st);

	rc = import_supplements(s, r, id, false, actor, false, &nreq, &ndone,
	    err);
	if (rc != STORE_OK)
		return rc;
	if (ndiff == 0 && nreq == 0 && ndone == 0) {
		/* a catalogue row that changed is still an update */
		*out = wrote ? IMPORT_UPDATED : IMPORT_UNCHANGED;
		return STORE_OK;
	}
	*out = IMPORT_UPDATED;
	if (nreq > 0 || ndone > 0) {
		rc = import_supplements(s, r, id, false, actor, true, &nreq,
		    &ndone, err);
		if (rc != STORE_OK)
			return rc;
	}
	st = q(s, Q_IMPORT_UPDATE);
	sqlite3_bind_int64(st, 1, id);
	b_text(st, 2, r->agency_code);
	b_text(st, 3, r->procedure_code);
	sqlite3_bind_int(st, 4, r->channel);
	sqlite3_bind_int(st, 5, r->delivery);
	sqlite3_bind_int(st, 6, r->status);
	b_text(st, 7, r->applicant_name);
	b_text(st, 8,
	    renamed ? name_fold : NULL);  /* NULL keeps the stored one */
	b_opt(st, 9, r->applicant_id_no); /* "not said": keep */
	b_opt(st, 10, r->phone);
	sqlite3_bind_int64(st, 11, r->received_at);
	b_opt64(st, 12, r->due_at);
	b_opt64(st, 13, r->finished_at);
	b_opt64(st, 14, r->returned_at);
	sqlite3_bind_int(st, 15, r->rating);
	sqlite3_bind_int64(st, 16, supp + nreq);
	sqlite3_bind_int64(st, 17, s->import_now);
	if (run(s, Q_IMPORT_UPDATE) != SQLITE_OK)
		return dberr(s, err);
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = id;
	ev.at = s->import_now;
	ev.kind = "import";
	ev.old_status = old_status;
	ev.new_status = r->status;
	ev.due_before = old_due;
	ev.due_after = r->due_at;
	ev.actor = actor;
	ev.detail = ndiff > 0 ? changed : "{\"changed\":[\"supplements\"]}";
	if (add_event(s, &ev) != SQLITE_OK)
		return dberr(s, err);
	return STORE_OK;
}

/* The search fold of text into out (FOLD_MAX bytes): the one importrec
 * made on its thread, or made here for records built by other code. */
static bool
import_fold(const char *field, const char *text, const char *given, char *out,
    char *err)
{
	if (given[0] != '\0') {
		snprintf(out, FOLD_MAX, "%s", given);
		return true;
	}
	if (text_fold(text, strlen(text), out, FOLD_MAX) < 0) {
		seterr(err, "%s: not valid UTF-8 text", field);
		return false;
	}
	return true;
}

enum store_rc
store_import_rec(struct store *s, const struct import_rec *r, const char *actor,
    enum import_outcome *out, char err[STORE_ERR_MAX])
{
	char name_fold[FOLD_MAX], proc_fold[FOLD_MAX];
	enum store_rc rc;

	if (!s->in_import) {
		seterr(err, "import: no batch open (store_import_begin)");
		return STORE_INVALID;
	}
	if (!check_rec(r, err) ||
	    !check_text("actor", actor, 1, ACTOR_MAX, err)) {
		s->n_failed++;
		return STORE_INVALID;
	}
	/* Everything that can reject a record is checked above and here,
	 * before the first write: a rejected record writes nothing without
	 * the cost of a savepoint per record (which journalled every page it
	 * touched: a fifth of the import's time). A write that fails after
	 * this point is a database failure; it poisons the batch, which
	 * store_import_commit then rolls back whole. */
	if (!import_fold("applicant_name", r->applicant_name, r->applicant_fold,
	        name_fold, err) ||
	    !import_fold("procedure_name", r->procedure_name, r->procedure_fold,
	        proc_fold, err)) {
		s->n_failed++;
		return STORE_INVALID;
	}
	if (s->import_broken) {
		seterr(err, "database: an earlier write of this batch failed");
		return STORE_ERROR;
	}
	snprintf(s->import_actor, sizeof s->import_actor, "%s", actor);
	rc = import_apply(s, r, name_fold, proc_fold, actor, out, err);
	if (rc != STORE_OK) {
		s->import_broken = true;
		cache_clear(&s->cache);
		return STORE_ERROR;
	}
	if (rc == STORE_OK) {
		if (*out == IMPORT_IMPORTED)
			s->n_imported++;
		else if (*out == IMPORT_UPDATED)
			s->n_updated++;
		else
			s->n_unchanged++;
	}
	return rc;
}

enum store_rc
store_import_commit(struct store *s, char err[STORE_ERR_MAX])
{
	char detail[128];
	enum store_rc rc;

	if (!s->in_import) {
		seterr(err, "import: no batch open");
		return STORE_INVALID;
	}
	s->in_import = false;
	cache_clear(&s->cache);
	snprintf(detail, sizeof detail,
	    "imported=%ld updated=%ld unchanged=%ld failed=%ld", s->n_imported,
	    s->n_updated, s->n_unchanged, s->n_failed);
	rc = STORE_OK;
	if (s->import_broken) {
		seterr(err,
		    "database: a write of this batch failed; nothing "
		    "of it was kept");
		rc = STORE_ERROR;
	} else if (add_audit(s, wall_now(), s->import_actor, "import", NULL,
	               detail) != SQLITE_OK) {
		rc = dberr(s, err);
	}
	return finish(s, rc, err);
}

void
store_import_rollback(struct store *s)
{
	if (!s->in_import)
		return;
	s->in_import = false;
	cache_clear(&s->cache);
	rollback(s);
}

/* ---- holidays ---- */

static const char *
kind_name(int kind)
{
	switch (kind) {
	case CAL_HOLIDAY:
		return "holiday";
	case CAL_DAY_OFF:
		return "day_off";
	case CAL_MAKE_UP:
		return "make_up";
	}
	return NULL;
}

static enum store_rc
holidays_tx(struct store *s, const struct store_holiday *h, size_t count,
    const char *actor, char *err)
{
	char date[16], detail[160];
	sqlite3_stmt *st;
	size_t i, j, dlen;
	int y, m, d, years[64], ny = 0, k, rc;

	for (i = 0; i < count; i++) {
		cal_ymd_from_day(h[i].day, &y, &m, &d);
		for (k = 0; k < ny && years[k] != y; k++)
			;
		if (k < ny)
			continue;
		if (ny == (int)(sizeof years / sizeof years[0])) {
			seterr(err, "day: more than %d years in one import",
			    ny);
			return STORE_INVALID;
		}
		years[ny++] = y;
		st = q(s, Q_HOL_DELETE);
		sqlite3_bind_int(st, 1, cal_day_from_ymd(y, 1, 1));
		sqlite3_bind_int(st, 2, cal_day_from_ymd(y + 1, 1, 1));
		if (run(s, Q_HOL_DELETE) != SQLITE_OK)
			return dberr(s, err);
	}
	for (i = 0; i < count; i++) {
		st = q(s, Q_HOL_INSERT);
		sqlite3_bind_int(st, 1, h[i].day);
		sqlite3_bind_int(st, 2, h[i].kind);
		b_text(st, 3, h[i].name != NULL ? h[i].name : "");
		b_text(st, 4, h[i].source != NULL ? h[i].source : "");
		rc = run(s, Q_HOL_INSERT);
		if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
			cal_format_date(h[i].day, date);
			seterr(err, "day: %s is listed twice", date);
			return STORE_INVALID;
		}
		if (rc != SQLITE_OK)
			return dberr(s, err);
	}
	dlen =
	    (size_t)snprintf(detail, sizeof detail, "rows=%zu years=", count);
	for (j = 0; j < (size_t)ny && dlen < sizeof detail; j++)
		dlen += (size_t)snprintf(detail + dlen, sizeof detail - dlen,
		    "%s%d", j > 0 ? "," : "", years[j]);
	if (add_audit(s, wall_now(), actor, "holidays_import", NULL, detail) !=
	    SQLITE_OK)
		return dberr(s, err);
	return STORE_OK;
}

enum store_rc
store_holidays_import(struct store *s, const struct store_holiday *h,
    size_t count, const char *actor, char err[STORE_ERR_MAX])
{
	char date[16];
	enum store_rc rc;
	size_t i;
	int y, m, d;

	for (i = 0; i < count; i++) {
		cal_ymd_from_day(h[i].day, &y, &m, &d);
		cal_format_date(h[i].day, date);
		if (h[i].day < 0 || y > 9999) {
			seterr(err, "day: row %zu is not a date", i + 1);
			return STORE_INVALID;
		}
		if (kind_name(h[i].kind) == NULL) {
			seterr(err,
			    "kind: %s: must be holiday, day_off or make_up",
			    date);
			return STORE_INVALID;
		}
		if (!check_text("name", h[i].name, 0, 127, err) ||
		    !check_text("source", h[i].source, 0, 255, err))
			return STORE_INVALID;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	rc = holidays_tx(s, h, count, actor, err);
	rc = finish(s, rc, err);
	if (rc == STORE_OK && load_calendar(s) < 0) {
		seterr(err, "holidays: saved, but the calendar did not reload");
		return STORE_ERROR;
	}
	return rc;
}

json_t *
store_holidays(struct store *s, int year)
{
	char date[16];
	sqlite3_stmt *st = q(s, Q_HOL_RANGE);
	json_t *arr = json_array(), *o;

	sqlite3_bind_int(st, 1, cal_day_from_ymd(year, 1, 1));
	sqlite3_bind_int(st, 2, cal_day_from_ymd(year + 1, 1, 1));
	while (sqlite3_step(st) == SQLITE_ROW) {
		cal_format_date(sqlite3_column_int(st, 0), date);
		o = json_object();
		json_object_set_new(o, "date", json_string(date));
		json_object_set_new(o, "kind",
		    j_text(kind_name(sqlite3_column_int(st, 1))));
		json_object_set_new(o, "name", j_col_text(st, 2));
		json_object_set_new(o, "source", j_col_text(st, 3));
		json_array_append_new(arr, o);
	}
	sqlite3_reset(st);
	return arr;
}

/* ---- audit and stats ---- */

enum store_rc
store_audit(struct store *s, const char *actor, const char *action,
    const char *object, const char *detail)
{
	if (!check_text("actor", actor, 1, ACTOR_MAX, NULL) ||
	    !check_text("action", action, 1, 64, NULL) ||
	    !check_text("object", object, 0, 256, NULL) ||
	    !check_text("detail", detail, 0, 1024, NULL))
		return STORE_INVALID;
	if (add_audit(s, wall_now(), actor, action, object, detail) !=
	    SQLITE_OK)
		return STORE_ERROR;
	return STORE_OK;
}

enum store_rc
store_stats(struct store *s, struct store_stats *out)
{
	sqlite3_stmt *st = q(s, Q_STATS);
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		out->dossiers = sqlite3_column_int64(st, 0);
		out->outbox_pending = sqlite3_column_int64(st, 1);
		out->events = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

/* ---- reports ----
 *
 * docs/reports.md defines every number; DOMAIN.md §10 gives the rules.
 * One SQL statement reads the candidate rows (four disjoint slices, each
 * through its own index, the big one index-only); a second reads the
 * supplement events of the few candidates that have any. The rules are
 * applied here in C, in one pass, and counted into groups: summing
 * thirteen conditional expressions per row in SQL cost more than the
 * scan itself. Statements are built from fixed pieces, never from input.
 * Parameters: ?1 period start (instant), ?2 period end (exclusive
 * instant), ?3 agency, ?4 field, ?5 procedure (NULL when not filtered). */

#define REPORT_FILTER                              \
	" AND status NOT IN (1, 3)"                \
	" AND (?3 IS NULL OR agency_code = ?3)"    \
	" AND (?5 IS NULL OR procedure_code = ?5)" \
	" AND (?4 IS NULL OR procedure_code IN"    \
	"  (SELECT code FROM procedures WHERE field = ?4))"
#define REPORT_COLS(extra)                                           \
	"SELECT id, channel, status, delivery, rating, received_at," \
	" due_at, coalesce(finished_at, returned_at), returned_at,"  \
	" supplement_count, agency_code, procedure_code" extra       \
	" FROM dossiers "

/* received in the period; received before it and still open; ended in
 * or after it; returned by post in it but ended before it */
#define REPORT_SCAN(extra)                                                                                \
	REPORT_COLS(extra)                                                                                \
	"INDEXED BY dossiers_report"                                                                      \
	" WHERE received_at >= ?1 AND received_at < ?2" REPORT_FILTER                                     \
	" UNION ALL " REPORT_COLS(                                                                        \
	    extra) "INDEXED BY dossiers_open"                                                             \
	           " WHERE finished_at IS NULL AND returned_at IS NULL"                                   \
	           " AND received_at < ?1" REPORT_FILTER                                                  \
	           " UNION ALL " REPORT_COLS(                                                             \
	               extra) "INDEXED BY dossiers_end"                                                   \
	                      " WHERE coalesce(finished_at, returned_at) >= ?1"                           \
	                      " AND received_at < ?1" REPORT_FILTER                                       \
	                      " UNION ALL " REPORT_COLS(                                                  \
	                          extra) "INDEXED BY dossiers_post"                                       \
	                                 " WHERE delivery = 1 AND returned_at >= ?1 AND returned_at < ?2" \
	                                 " AND coalesce(finished_at, returned_at) < ?1"                   \
	                                 " AND received_at < ?1" REPORT_FILTER

static const char report_scan_sql[] = REPORT_SCAN("");
/* The drill-down: the same rows with their codes (not index-only). */
static const char report_codes_sql[] = REPORT_SCAN(", code");

/* Supplement events of dossier ids in [?1, ?2] up to the period's end
 * ?3, in id order (index-only through dossier_events_supp). */
static const char report_supp_sql[] =
    "SELECT dossier_id, kind = 'supplement_request', at, due_before,"
    " due_after FROM dossier_events INDEXED BY dossier_events_supp"
    " WHERE dossier_id BETWEEN ?1 AND ?2 AND at < ?3"
    " AND kind IN ('supplement_request', 'supplement_complete')"
    " ORDER BY dossier_id";

#define REPORT_NEVER       INT64_MAX
#define REPORT_GROUPS_CAP  100000  /* distinct groups of one report */
#define REPORT_DEFER_CAP   4000000 /* candidates with supplements */
#define REPORT_BUCKETS_CAP 4000    /* days in the longest period + 1 */

enum { UNIT_DAY = 1, UNIT_WEEK = 2, UNIT_MONTH = 3 };

/* One candidate row and, once read, its supplement summary. */
struct rrow {
	int64_t id, recv, due, fin, ret; /* due, fin, ret: 0 = NULL */
	int channel, status, delivery, rating;
	uint32_t group;
	int nreq, ncomp; /* supplement requests and completions */
	int64_t net;     /* sum of completion times - request times */
	int64_t lastreq; /* the latest request, 0 when none */
	int64_t due0;    /* due before a completion moved it, or 0 */
	char proc[PROC_CODE_MAX + 1];
	char code[DCODE_TEXT_MAX + 1]; /* drill-down only */
};

struct rgroups { /* groups by key: rows plus an open-addressing index */
	struct store_report_row *rows;
	size_t n, cap;
	uint32_t *slot; /* index + 1; 0 empty */
	size_t nslot;
};

struct rstate {
	struct store *s;
	const struct store_report_q *q;
	int64_t from, to; /* the period: [from, to) */
	int unit;         /* time series: UNIT_*, else 0 */
	int64_t nb;       /* buckets */
	struct store_report_row *total;
	struct rgroups g;
	struct store_report_row *bucket;   /* nb rows */
	int64_t *leave, *obecome, *oleave; /* nb each */
	struct rrow *defer;
	size_t ndefer, capdefer;
	char *err;
	/* drill-down: codes of the rows in one cell go to code_fn */
	int cell, channel;
	store_code_fn *code_fn;
	void *code_arg;
};

/* The index of a local day in a unit's own numbering: weeks start on
 * Monday (day 4 was Monday 5 January 1970), months are y * 12 + m - 1. */
static int64_t
unit_index(int day, int unit)
{
	int y, m, d;

	if (unit == UNIT_WEEK)
		return day >= -3 ? (day + 3) / 7 : -((3 - day) / 7) - 1;
	if (unit == UNIT_MONTH) {
		cal_ymd_from_day(day, &y, &m, &d);
		return (int64_t)y * 12 + m - 1;
	}
	return day;
}

/* The bucket of instant t: earlier than the period is bucket 0. */
static int64_t
bucket_of(const struct rstate *r, int64_t t)
{
	int64_t b = unit_index(cal_local_day(t), r->unit) -
	    unit_index(r->q->from_day, r->unit);

	return b < 0 ? 0 : b >= r->nb ? r->nb - 1 : b;
}

static bool
is_time_by(int by)
{
	return by == SR_BY_DAY || by == SR_BY_WEEK || by == SR_BY_MONTH;
}

static uint64_t
key_hash(const char *k)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (; *k != '\0'; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211u;
	return h;
}

/* The group of key, created when new; UINT32_MAX past the cap or when
 * out of memory. */
static uint32_t
group_of(struct rgroups *g, const char *key)
{
	size_t i, mask;
	uint32_t *ns;
	void *nr;

	if (g->n * 2 >= g->nslot) { /* grow the index, rehash */
		size_t n = g->nslot ? g->nslot * 2 : 64;

		if ((ns = calloc(n, sizeof(*ns))) == NULL)
			return UINT32_MAX;
		for (size_t k = 0; k < g->n; k++) {
			i = key_hash(g->rows[k].key) & (n - 1);
			while (ns[i] != 0)
				i = (i + 1) & (n - 1);
			ns[i] = (uint32_t)k + 1;
		}
		free(g->slot);
		g->slot = ns;
		g->nslot = n;
	}
	mask = g->nslot - 1;
	for (i = key_hash(key) & mask; g->slot[i] != 0; i = (i + 1) & mask)
		if (strcmp(g->rows[g->slot[i] - 1].key, key) == 0)
			return g->slot[i] - 1;
	if (g->n >= REPORT_GROUPS_CAP)
		return UINT32_MAX;
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;

		if ((nr = realloc(g->rows, cap * sizeof(*g->rows))) == NULL)
			return UINT32_MAX;
		g->rows = nr;
		g->cap = cap;
	}
	memset(&g->rows[g->n], 0, sizeof(g->rows[0]));
	snprintf(g->rows[g->n].key, STORE_REPORT_KEY_MAX, "%s", key);
	g->slot[i] = (uint32_t)g->n + 1;
	return (uint32_t)g->n++;
}

static void
groups_free(struct rgroups *g)
{
	free(g->rows);
	free(g->slot);
	memset(g, 0, sizeof(*g));
}

/* The statutory due time for a dossier stored without one: the
 * procedure's working days on the calendar; 0 when unknown. */
static int64_t
statutory_due(struct store *s, const char *proc, int64_t recv)
{
	sqlite3_stmt *st = q(s, Q_PROC_GET);
	int days = 0;
	bool prov;

	b_text(st, 1, proc);
	if (sqlite3_step(st) == SQLITE_ROW)
		days = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	return days > 0 ? cal_due(&s->cal, recv, days, &prov) : 0;
}

static void
report_row_add(struct store_report_row *t, const struct store_report_row *r)
{
	for (int i = 0; i < 3; i++) {
		t->received[i] += r->received[i];
		t->rating[i] += r->rating[i];
	}
	t->carried_over += r->carried_over;
	t->early += r->early;
	t->on_time += r->on_time;
	t->late += r->late;
	t->within_due += r->within_due;
	t->overdue += r->overdue;
	t->returned_by_post += r->returned_by_post;
}

/* Whether a classified row belongs to the drill-down cell. */
static bool
in_cell(const struct rstate *r, const struct rrow *w, int cls, int64_t os,
    bool live)
{
	bool pending = w->fin == 0 || w->fin >= r->to;

	switch (r->cell) {
	case SRC_RECEIVED:
		return w->recv >= r->from;
	case SRC_CARRIED:
		return w->recv < r->from && live;
	case SRC_EARLY:
		return cls == 1;
	case SRC_ON_TIME:
		return cls == 2;
	case SRC_LATE:
		return cls == 3;
	case SRC_WITHIN_DUE:
		return pending && os >= r->to;
	case SRC_OVERDUE:
		return pending && os < r->to;
	case SRC_RETURNED_POST:
		return w->delivery == DELIVERY_POST && w->ret >= r->from &&
		    w->ret < r->to;
	default:
		return false;
	}
}

/* Applies the rules to one candidate (its supplements read) and counts
 * it into its group (or the whole) and the time buckets. */
static void
classify(struct rstate *r, const struct rrow *w)
{
	struct store_report_row *g = r->unit ? r->total : &r->g.rows[w->group];
	bool sopen = w->nreq > w->ncomp,
	     live = w->fin == 0 || w->fin >= r->from;
	int64_t suppd = sopen ? w->net + w->lastreq : w->net;
	int64_t edue = w->due0 ? w->due0 : w->due, eff, os;
	int cls = 0;

	if (edue == 0)
		edue = statutory_due(r->s, w->proc, w->recv);
	if (w->fin != 0 && w->fin >= r->from && w->fin < r->to) {
		eff = w->fin - suppd;
		if (w->status == ST_WITHDRAWN)
			cls = 2;
		else if (w->nreq > 1)
			cls = 3;
		else if (edue == 0)
			cls = 2;
		else if (eff > edue)
			cls = 3;
		else if (cal_local_day(eff) < cal_local_day(edue))
			cls = 1;
		else
			cls = 2;
	}
	if (w->nreq > 1)
		os = w->lastreq;
	else if (edue == 0)
		os = REPORT_NEVER;
	else if (sopen)
		os = w->lastreq > edue ? edue : REPORT_NEVER;
	else
		os = edue + suppd;

	if (w->recv >= r->from)
		g->received[w->channel == CHANNEL_ONLINE ? 1
		        : w->channel == CHANNEL_POSTAL   ? 2
		                                         : 0]++;
	else if (live)
		g->carried_over++;
	if (cls == 1)
		g->early++;
	else if (cls == 2)
		g->on_time++;
	else if (cls == 3)
		g->late++;
	if (w->fin == 0 || w->fin >= r->to) {
		if (os < r->to)
			g->overdue++;
		else
			g->within_due++;
	}
	if (w->delivery == DELIVERY_POST && w->ret >= r->from && w->ret < r->to)
		g->returned_by_post++;
	if (cls > 0 && w->rating >= 1 && w->rating <= 3)
		g->rating[w->rating - 1]++;
	if (r->cell != 0 && (r->channel == 0 || r->channel == w->channel) &&
	    in_cell(r, w, cls, os, live))
		r->code_fn(r->code_arg, w->code);
	if (!r->unit)
		return;
	/* the series: counts by the bucket of their instant; the pending
	 * and overdue levels from arrivals and leavings */
	if (w->recv >= r->from)
		r->bucket[bucket_of(r, w->recv)]
		    .received[w->channel == CHANNEL_ONLINE ? 1
		            : w->channel == CHANNEL_POSTAL ? 2
		                                           : 0]++;
	if (cls > 0) {
		struct store_report_row *b = &r->bucket[bucket_of(r, w->fin)];

		*(cls == 1         ? &b->early
		        : cls == 2 ? &b->on_time
		                   : &b->late) += 1;
		if (w->rating >= 1 && w->rating <= 3)
			b->rating[w->rating - 1]++;
	}
	if (w->delivery == DELIVERY_POST && w->ret >= r->from && w->ret < r->to)
		r->bucket[bucket_of(r, w->ret)].returned_by_post++;
	if (live && w->fin != 0 && w->fin < r->to)
		r->leave[bucket_of(r, w->fin)]++;
	if (live && os < r->to && (w->fin == 0 || os < w->fin))
		r->obecome[bucket_of(r, os)]++;
	if (live && w->fin != 0 && w->fin < r->to && os < w->fin)
		r->oleave[bucket_of(r, w->fin)]++;
}

static int
defer_row(struct rstate *r, const struct rrow *w)
{
	struct rrow *n;
	size_t cap;

	if (r->ndefer == r->capdefer) {
		if (r->capdefer >= REPORT_DEFER_CAP) {
			seterr(r->err,
			    "to: more than %d dossiers with supplements in "
			    "the period; shorten it",
			    REPORT_DEFER_CAP);
			return -1;
		}
		cap = r->capdefer ? r->capdefer * 2 : 1024;
		if ((n = realloc(r->defer, cap * sizeof(*n))) == NULL) {
			seterr(r->err, "report: out of memory");
			return -1;
		}
		r->defer = n;
		r->capdefer = cap;
	}
	r->defer[r->ndefer++] = *w;
	return 0;
}

static int
rrow_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct rrow *)a)->id,
	        y = ((const struct rrow *)b)->id;

	return x < y ? -1 : x > y;
}

static struct rrow *
find_deferred(struct rstate *r, int64_t id)
{
	size_t lo = 0, hi = r->ndefer;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r->defer[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->ndefer && r->defer[lo].id == id ? &r->defer[lo] : NULL;
}

/* Reads the supplement events of the deferred rows, then counts them. */
static enum store_rc
report_supplements(struct rstate *r)
{
	sqlite3_stmt *st;
	struct rrow *w;
	int rc, req;
	int64_t at;

	if (r->ndefer == 0)
		return STORE_OK;
	qsort(r->defer, r->ndefer, sizeof(*r->defer), rrow_cmp);
	if (sqlite3_prepare_v2(r->s->db, report_supp_sql, -1, &st, NULL) !=
	    SQLITE_OK)
		return dberr(r->s, r->err);
	sqlite3_bind_int64(st, 1, r->defer[0].id);
	sqlite3_bind_int64(st, 2, r->defer[r->ndefer - 1].id);
	sqlite3_bind_int64(st, 3, r->to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((w = find_deferred(r, sqlite3_column_int64(st, 0))) == NULL)
			continue;
		req = sqlite3_column_int(st, 1);
		at = sqlite3_column_int64(st, 2);
		if (req) {
			w->nreq++;
			w->net -= at;
			if (at > w->lastreq)
				w->lastreq = at;
		} else {
			w->ncomp++;
			w->net += at;
			/* a completion that moved the due date: the time is
			 * subtracted, so compare with the due from before */
			if (sqlite3_column_type(st, 3) != SQLITE_NULL &&
			    sqlite3_column_type(st, 4) != SQLITE_NULL &&
			    sqlite3_column_int64(st, 3) !=
			        sqlite3_column_int64(st, 4) &&
			    (w->due0 == 0 ||
			        sqlite3_column_int64(st, 3) < w->due0))
				w->due0 = sqlite3_column_int64(st, 3);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return dberr(r->s, r->err);
	for (size_t i = 0; i < r->ndefer; i++)
		classify(r, &r->defer[i]);
	return STORE_OK;
}

static const char *
channel_key(int ch)
{
	return ch == CHANNEL_ONLINE ? "online"
	    : ch == CHANNEL_POSTAL  ? "postal"
	                            : "in_person";
}

static sqlite3_stmt *
report_prepare(struct store *s, const struct store_report_q *q,
    const char *prefix, bool codes, char *err)
{
	sqlite3_stmt *st = NULL;
	char *full = sqlite3_mprintf("%s%s", prefix,
	    codes ? report_codes_sql : report_scan_sql);

	if (full == NULL ||
	    sqlite3_prepare_v2(s->db, full, -1, &st, NULL) != SQLITE_OK) {
		dberr(s, err);
		sqlite3_free(full);
		sqlite3_finalize(st);
		return NULL;
	}
	sqlite3_free(full);
	sqlite3_bind_int64(st, 1, cal_instant(q->from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(q->to_day + 1, 0));
	b_opt(st, 3, q->agency);
	b_opt(st, 4, q->field);
	b_opt(st, 5, q->procedure);
	return st;
}

/* Copies text column i into buf (truncated to size - 1 bytes). */
static void
copy_col(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *v = sqlite3_column_text(st, i);
	size_t n = v != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;

	if (n >= size)
		n = size - 1;
	if (n > 0)
		memcpy(buf, v, n);
	buf[n] = '\0';
}

/* Reads every candidate: rows without supplements are counted at once,
 * the others after their events are read. */
static enum store_rc
report_scan(struct rstate *r)
{
	sqlite3_stmt *st = report_prepare(r->s, r->q, "", r->cell != 0, r->err);
	struct rrow w;
	const char *key;
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int sc = sqlite3_column_int(st, 9);

		w.id = sqlite3_column_int64(st, 0);
		w.channel = sqlite3_column_int(st, 1);
		w.status = sqlite3_column_int(st, 2);
		w.delivery = sqlite3_column_int(st, 3);
		w.rating = sqlite3_column_int(st, 4);
		w.recv = sqlite3_column_int64(st, 5);
		w.due = sqlite3_column_int64(st, 6);
		w.fin = sqlite3_column_int64(st, 7);
		w.ret = sqlite3_column_int64(st, 8);
		w.nreq = w.ncomp = 0;
		w.net = w.lastreq = w.due0 = 0;
		w.group = 0;
		w.proc[0] = w.code[0] = '\0';
		/* a million rows: copy the texts only where they are read */
		if (w.due == 0 || sc > 0 || r->q->by == SR_BY_PROCEDURE ||
		    r->q->by == SR_BY_FIELD)
			copy_col(st, 11, w.proc, sizeof(w.proc));
		if (r->cell != 0)
			copy_col(st, 12, w.code, sizeof(w.code));
		if (!r->unit && r->q->by != SR_BY_NONE) {
			key = r->q->by == SR_BY_CHANNEL ? channel_key(w.channel)
			    : r->q->by == SR_BY_AGENCY  ? c_str(st, 10)
			                                : w.proc;
			if ((w.group = group_of(&r->g, key)) == UINT32_MAX) {
				seterr(r->err, "by: more than %d groups",
				    REPORT_GROUPS_CAP);
				sqlite3_finalize(st);
				return STORE_INVALID;
			}
		} else if (!r->unit && r->g.n == 0 &&
		    group_of(&r->g, "") == UINT32_MAX) {
			seterr(r->err, "report: out of memory");
			sqlite3_finalize(st);
			return STORE_ERROR;
		}
		if (sc > 0) {
			if (defer_row(r, &w) < 0) {
				sqlite3_finalize(st);
				return STORE_INVALID;
			}
		} else {
			classify(r, &w);
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return dberr(r->s, r->err);
	return report_supplements(r);
}

/* Fields: the counts were kept per procedure; fold them into the
 * procedures' fields. */
static enum store_rc
fold_fields(struct rstate *r)
{
	struct rgroups f = { 0 };
	sqlite3_stmt *st;
	uint32_t k;
	char field[STORE_REPORT_KEY_MAX];

	if (sqlite3_prepare_v2(r->s->db,
	        "SELECT field FROM procedures WHERE code = ?1", -1, &st,
	        NULL) != SQLITE_OK)
		return dberr(r->s, r->err);
	for (size_t i = 0; i < r->g.n; i++) {
		sqlite3_reset(st);
		b_text(st, 1, r->g.rows[i].key);
		field[0] = '\0';
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(field, sizeof(field), "%s", c_str(st, 0));
		if ((k = group_of(&f, field)) == UINT32_MAX) {
			sqlite3_finalize(st);
			groups_free(&f);
			seterr(r->err, "report: out of memory");
			return STORE_ERROR;
		}
		report_row_add(&f.rows[k], &r->g.rows[i]);
	}
	sqlite3_finalize(st);
	groups_free(&r->g);
	r->g = f;
	return STORE_OK;
}

static int
row_key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct store_report_row *)a)->key,
	    ((const struct store_report_row *)b)->key);
}

/* The label of bucket b: its first day inside the period ("2021-04-05"),
 * or "2021-04" for months. */
static void
bucket_label(int first_day, int unit, int64_t b, char *key)
{
	int64_t idx = unit_index(first_day, unit) + b;
	char date[16];
	int day;

	if (unit == UNIT_MONTH) {
		snprintf(key, STORE_REPORT_KEY_MAX, "%04d-%02d",
		    (int)(idx / 12), (int)(idx % 12) + 1);
		return;
	}
	day = unit == UNIT_WEEK ? (int)(idx * 7 - 3) : (int)idx;
	if (day < first_day)
		day = first_day;
	cal_format_date(day, date);
	snprintf(key, STORE_REPORT_KEY_MAX, "%s", date);
}

/* Turns the per-bucket arrivals and leavings into levels at each
 * bucket's end, from the whole period's carried-over count, and hands
 * the buckets to fn. */
static void
emit_series(struct rstate *r, store_report_fn *fn, void *arg)
{
	int64_t pending = r->total->carried_over, overdue = 0;
	struct store_report_row *b;

	for (int64_t i = 0; i < r->nb; i++) {
		b = &r->bucket[i];
		b->carried_over = pending;
		pending += b->received[0] + b->received[1] + b->received[2] -
		    r->leave[i];
		overdue += r->obecome[i] - r->oleave[i];
		b->overdue = overdue;
		b->within_due = pending - overdue;
		bucket_label(r->q->from_day, r->unit, i, b->key);
		if (fn != NULL && fn(arg, b) != 0)
			break;
	}
}

/* STORE_NOTFOUND naming the argument when a filter names nothing the
 * store knows. */
static enum store_rc
report_check_filters(struct store *s, const struct store_report_q *q, char *err)
{
	static const struct {
		const char *name, *sql;
	} checks[] = {
		{ "agency", "SELECT 1 FROM agencies WHERE code = ?1" },
		{ "field",
		    "SELECT 1 FROM procedures WHERE field = ?1 LIMIT 1" },
		{ "procedure", "SELECT 1 FROM procedures WHERE code = ?1" },
	};
	const char *vals[3] = { q->agency, q->field, q->procedure };
	sqlite3_stmt *st;
	int rc;

	for (size_t i = 0; i < 3; i++) {
		if (vals[i] == NULL || vals[i][0] == '\0')
			continue;
		if (sqlite3_prepare_v2(s->db, checks[i].sql, -1, &st, NULL) !=
		    SQLITE_OK)
			return dberr(s, err);
		b_text(st, 1, vals[i]);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE) {
			seterr(err, "%s: no such %s", checks[i].name,
			    checks[i].name);
			return STORE_NOTFOUND;
		}
		if (rc != SQLITE_ROW)
			return dberr(s, err);
	}
	return STORE_OK;
}

static enum store_rc report_run_state(struct rstate *r, store_report_fn *fn,
    void *arg);

enum store_rc
store_report(struct store *s, const struct store_report_q *q,
    struct store_report_row *total, store_report_fn *fn, void *arg,
    char err[STORE_ERR_MAX])
{
	struct rstate r = { .s = s, .q = q, .total = total, .err = err };

	return report_run_state(&r, fn, arg);
}

enum store_rc
store_report_codes(struct store *s, const struct store_report_q *q, int cell,
    int channel, store_code_fn *fn, void *arg, char err[STORE_ERR_MAX])
{
	struct store_report_row total;
	struct store_report_q whole = *q;
	struct rstate r = { .s = s,
		.q = &whole,
		.total = &total,
		.err = err,
		.cell = cell,
		.channel = channel,
		.code_fn = fn,
		.code_arg = arg };

	if (cell < SRC_RECEIVED || cell > SRC_RETURNED_POST) {
		seterr(err, "cell: unknown");
		return STORE_INVALID;
	}
	if (channel < 0 || channel > CHANNEL_POSTAL) {
		seterr(err, "channel: unknown");
		return STORE_INVALID;
	}
	whole.by = SR_BY_NONE;
	return report_run_state(&r, NULL, NULL);
}

static enum store_rc
report_run_state(struct rstate *rs, store_report_fn *fn, void *arg)
{
	struct rstate r = *rs;
	const struct store_report_q *q = r.q;
	struct store_report_row *total = r.total;
	char *err = r.err;
	struct store *s = r.s;
	enum store_rc out;

	memset(total, 0, sizeof(*total));
	if (q->from_day > q->to_day) {
		seterr(err, "to: before from");
		return STORE_INVALID;
	}
	if (q->by < SR_BY_NONE || q->by > SR_BY_MONTH) {
		seterr(err, "by: unknown grouping");
		return STORE_INVALID;
	}
	if ((out = report_check_filters(s, q, err)) != STORE_OK)
		return out;
	r.from = cal_instant(q->from_day, 0);
	r.to = cal_instant(q->to_day + 1, 0);
	if (is_time_by(q->by)) {
		r.unit = q->by == SR_BY_WEEK ? UNIT_WEEK
		    : q->by == SR_BY_MONTH   ? UNIT_MONTH
		                             : UNIT_DAY;
		r.nb = unit_index(q->to_day, r.unit) -
		    unit_index(q->from_day, r.unit) + 1;
		if (r.nb < 1 || r.nb > REPORT_BUCKETS_CAP) {
			seterr(err, "to: more than %d buckets",
			    REPORT_BUCKETS_CAP);
			return STORE_INVALID;
		}
		r.bucket = calloc((size_t)r.nb, sizeof(*r.bucket));
		r.leave = calloc((size_t)r.nb * 3, sizeof(*r.leave));
		if (r.bucket == NULL || r.leave == NULL) {
			free(r.bucket);
			free(r.leave);
			seterr(err, "report: out of memory");
			return STORE_ERROR;
		}
		r.obecome = r.leave + r.nb;
		r.oleave = r.obecome + r.nb;
	}
	out = report_scan(&r);
	if (out == STORE_OK && q->by == SR_BY_FIELD)
		out = fold_fields(&r);
	if (out == STORE_OK && r.unit) {
		emit_series(&r, fn, arg);
	} else if (out == STORE_OK) {
		/* the groups partition the rows: the whole is their sum */
		for (size_t i = 0; i < r.g.n; i++)
			report_row_add(total, &r.g.rows[i]);
		if (r.g.n > 0) /* rows is NULL then: qsort's is nonnull */
			qsort(r.g.rows, r.g.n, sizeof(*r.g.rows), row_key_cmp);
		for (size_t i = 0; q->by != SR_BY_NONE && i < r.g.n; i++)
			if (fn != NULL && fn(arg, &r.g.rows[i]) != 0)
				break;
	}
	if (out != STORE_OK)
		memset(total, 0, sizeof(*total));
	groups_free(&r.g);
	free(r.defer);
	free(r.bucket);
	free(r.leave);
	return out;
}

enum store_rc
store_report_plan(struct store *s, const struct store_report_q *q, char *buf,
    size_t size)
{
	char err[STORE_ERR_MAX];
	sqlite3_stmt *st =
	    report_prepare(s, q, "EXPLAIN QUERY PLAN ", false, err);
	size_t len = 0;
	int n;

	if (size > 0)
		buf[0] = '\0';
	if (st == NULL)
		return STORE_ERROR;
	/* columns: id, parent, notused, detail */
	while (sqlite3_step(st) == SQLITE_ROW && len < size) {
		n = snprintf(buf + len, size - len, "%s\n", c_str(st, 3));
		if (n < 0)
			break;
		len += (size_t)n;
	}
	sqlite3_finalize(st);
	if (len < size) {
		char *t =
		    sqlite3_mprintf("EXPLAIN QUERY PLAN %s", report_supp_sql);

		if (t != NULL &&
		    sqlite3_prepare_v2(s->db, t, -1, &st, NULL) == SQLITE_OK) {
			n = snprintf(buf + len, size - len,
			    "-- supplement events:\n");
			len += n > 0 ? (size_t)n : 0;
			while (sqlite3_step(st) == SQLITE_ROW && len < size) {
				n = snprintf(buf + len, size - len, "%s\n",
				    c_str(st, 3));
				if (n < 0)
					break;
				len += (size_t)n;
			}
			sqlite3_finalize(st);
		}
		sqlite3_free(t);
	}
	return STORE_OK;
}

void
store_shares(const int64_t *counts, size_t n, int64_t total, int *out)
{
	shares(counts, n > 8 ? 8 : n, total, out);
}

/* ---- upstream sync ---- */

/* Marking rows sent and applying a pulled page may be lost in a power cut
 * without harm: the rows are sent again and answered "duplicate", the page
 * is pulled again with its cursor. So those commits skip the fsync
 * (synchronous NORMAL: WAL order is kept, the next FULL commit syncs
 * them), which keeps them from stalling intakes that wait on the disk. */
static void
sync_relaxed(struct store *s, bool relaxed)
{
	sqlite3_exec(s->db,
	    relaxed ? "PRAGMA synchronous = NORMAL"
	            : "PRAGMA synchronous = FULL",
	    NULL, NULL, NULL);
}

static void
hex_encode(const unsigned char *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static json_t *
j_int_or_null(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
	    ? json_null()
	    : json_integer(sqlite3_column_int64(st, i));
}

/* One wire item from a row of Q_OUTBOX_NEXT. The token is sent as its
 * SHA-256 only: the hub answers lookups by it without holding the secret
 * printed on the receipt. */
static json_t *
sync_item(sqlite3_stmt *st)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	const char *kind = c_str(st, 2), *tok;
	json_t *it, *ev, *pl, *d;
	int64_t base = 0;

	if (sqlite3_column_bytes(st, 1) != 16)
		return NULL;
	hex_encode(sqlite3_column_blob(st, 1), 16, hex);
	if ((pl = json_loads(c_str(st, 3), 0, NULL)) != NULL) {
		base = json_integer_value(json_object_get(pl, "base"));
		json_decref(pl);
	}
	it = json_object();
	json_object_set_new(it, "id",
	    json_integer(sqlite3_column_int64(st, 0)));
	json_object_set_new(it, "key", json_string(hex));
	json_object_set_new(it, "kind", json_string(kind));
	json_object_set_new(it, "code", j_col_text(st, 14));
	json_object_set_new(it, "seq",
	    json_integer(sqlite3_column_int64(st, 4)));
	json_object_set_new(it, "base", json_integer(base));
	json_object_set_new(it, "at",
	    json_integer(sqlite3_column_int64(st, 5)));
	json_object_set_new(it, "status",
	    json_integer(sqlite3_column_int(st, 8)));
	json_object_set_new(it, "due_at", j_int_or_null(st, 10));
	ev = json_object();
	json_object_set_new(ev, "kind", j_col_text(st, 6));
	json_object_set_new(ev, "old_status", j_int_or_null(st, 7));
	json_object_set_new(ev, "due_before", j_int_or_null(st, 9));
	json_object_set_new(ev, "reason", j_col_text(st, 11));
	json_object_set_new(ev, "actor", j_col_text(st, 13));
	pl = sqlite3_column_type(st, 12) == SQLITE_NULL
	    ? NULL
	    : json_loads(c_str(st, 12), 0, NULL);
	json_object_set_new(ev, "detail", pl != NULL ? pl : json_null());
	json_object_set_new(it, "event", ev);
	if (strcmp(kind, "dossier_new") != 0)
		return it;
	d = json_object();
	json_object_set_new(d, "agency_code", j_col_text(st, 15));
	json_object_set_new(d, "agency_name", j_col_text(st, 16));
	json_object_set_new(d, "procedure_code", j_col_text(st, 17));
	json_object_set_new(d, "procedure_name", j_col_text(st, 18));
	json_object_set_new(d, "field", j_col_text(st, 19));
	json_object_set_new(d, "channel",
	    json_integer(sqlite3_column_int(st, 20)));
	json_object_set_new(d, "delivery",
	    json_integer(sqlite3_column_int(st, 21)));
	json_object_set_new(d, "owner_name", j_col_text(st, 22));
	json_object_set_new(d, "owner_id_no", j_col_text(st, 23));
	json_object_set_new(d, "phone", j_col_text(st, 24));
	json_object_set_new(d, "address", j_col_text(st, 25));
	json_object_set_new(d, "email", j_col_text(st, 26));
	json_object_set_new(d, "summary", j_col_text(st, 27));
	json_object_set_new(d, "received_at",
	    json_integer(sqlite3_column_int64(st, 28)));
	json_object_set_new(d, "submitted_at", j_int_or_null(st, 29));
	if ((tok = c_text(st, 30)) != NULL) {
		crypto_hash_sha256(h, (const unsigned char *)tok, strlen(tok));
		hex_encode(h, sizeof h, hex);
		json_object_set_new(d, "token_sha256", json_string(hex));
	} else {
		json_object_set_new(d, "token_sha256", json_null());
	}
	json_object_set_new(it, "dossier", d);
	return it;
}

json_t *
store_outbox_next(struct store *s, int limit, int64_t after_id,
    char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	json_t *arr, *it;
	int rc;

	if (limit < 1 || limit > 10000) {
		seterr(err, "limit: must be 1..10000");
		return NULL;
	}
	arr = json_array();
	st = q(s, Q_OUTBOX_NEXT);
	sqlite3_bind_int(st, 1, limit);
	sqlite3_bind_int64(st, 2, after_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((it = sync_item(st)) == NULL) {
			rc = SQLITE_CORRUPT;
			break;
		}
		json_array_append_new(arr, it);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		if (rc == SQLITE_CORRUPT)
			seterr(err, "outbox: a row has no 16-byte key");
		else
			dberr(s, err);
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum store_rc
store_outbox_done(struct store *s, const struct store_outbox_ack *acks,
    size_t n, int64_t now, char err[STORE_ERR_MAX])
{
	enum store_rc rc;
	sqlite3_stmt *st;

	sync_relaxed(s, true);
	if ((rc = begin(s, err)) != STORE_OK) {
		sync_relaxed(s, false);
		return rc;
	}
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		if (acks[i].parked_reason == NULL) {
			st = q(s, Q_OUTBOX_SENT);
			sqlite3_bind_int64(st, 1, acks[i].id);
			sqlite3_bind_int64(st, 2, now);
			if (run(s, Q_OUTBOX_SENT) != SQLITE_OK)
				rc = dberr(s, err);
		} else {
			st = q(s, Q_OUTBOX_PARK);
			sqlite3_bind_int64(st, 1, acks[i].id);
			b_text(st, 2, acks[i].parked_reason);
			if (run(s, Q_OUTBOX_PARK) != SQLITE_OK)
				rc = dberr(s, err);
		}
	}
	rc = finish(s, rc, err);
	sync_relaxed(s, false);
	return rc;
}

enum store_rc
store_outbox_tried(struct store *s, int64_t first_id, int64_t last_id)
{
	sqlite3_stmt *st = q(s, Q_OUTBOX_TRIED);

	sqlite3_bind_int64(st, 1, first_id);
	sqlite3_bind_int64(st, 2, last_id);
	return run(s, Q_OUTBOX_TRIED) == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

enum store_rc
store_outbox_unpark(struct store *s, const char *code, int *count,
    char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	sqlite3_stmt *st;
	enum store_rc rc;

	*count = 0;
	if (code != NULL && (rc = norm_code(code, c, err)) != STORE_OK)
		return rc;
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	st = q(s, Q_OUTBOX_UNPARK);
	b_text(st, 1, code != NULL ? c : NULL);
	if (run(s, Q_OUTBOX_UNPARK) != SQLITE_OK)
		rc = dberr(s, err);
	else
		*count = sqlite3_changes(s->db);
	if (rc == STORE_OK &&
	    add_audit(s, wall_now(), NULL, "sync_unpark",
	        code != NULL ? c : "all", NULL) != SQLITE_OK)
		rc = dberr(s, err);
	return finish(s, rc, err);
}

json_t *
store_sync_summary(struct store *s, int parked_max)
{
	struct store_stats ss;
	sqlite3_stmt *st;
	json_t *j, *parked;
	char hex[33];
	int64_t nparked = 0;

	if (store_stats(s, &ss) != STORE_OK)
		return NULL;
	j = json_object();
	json_object_set_new(j, "pending", json_integer(ss.outbox_pending));
	st = q(s, Q_OUTBOX_OLDEST);
	json_object_set_new(j, "oldest_unsent_at",
	    sqlite3_step(st) == SQLITE_ROW
	        ? json_integer(sqlite3_column_int64(st, 0))
	        : json_null());
	sqlite3_reset(st);
	parked = json_array();
	st = q(s, Q_OUTBOX_PARKED);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (nparked++ >= parked_max)
			continue; /* counted, not listed */
		if (sqlite3_column_bytes(st, 4) == 16)
			hex_encode(sqlite3_column_blob(st, 4), 16, hex);
		else
			hex[0] = '\0';
		json_array_append_new(parked,
		    json_pack("{s:o,s:o,s:o,s:I,s:s,s:I}", "code",
		        j_col_text(st, 0), "kind", j_col_text(st, 1), "reason",
		        j_col_text(st, 2), "created_at",
		        (json_int_t)sqlite3_column_int64(st, 3), "key", hex,
		        "attempts", (json_int_t)sqlite3_column_int64(st, 5)));
	}
	sqlite3_reset(st);
	json_object_set_new(j, "parked_count", json_integer(nparked));
	json_object_set_new(j, "parked", parked);
	return j;
}

enum store_rc
store_sync_state_get(struct store *s, const char *name, char *buf, size_t size)
{
	sqlite3_stmt *st = q(s, Q_SYNC_STATE_GET);
	int rc;

	b_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf, size, "%s", c_str(st, 0));
	else if (size > 0)
		buf[0] = '\0';
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

/* One upstream change inside the apply transaction. Upstream is
 * authoritative for status: the status is set even where the local graph
 * would not move that way, with an event that says where it came from.
 * Intake data is never touched: a change carries no intake fields. */
static enum store_rc
apply_one(struct store *s, const struct store_upstream_change *c, bool *applied,
    char *err)
{
	struct dstate ds;
	struct event ev;
	sqlite3_stmt *st;
	char detail[96];
	int64_t rev = 0;
	enum store_rc rc;
	int status = c->status;
	bool fin = status == ST_RESULT_READY || status == ST_REFUSED ||
	    status == ST_WITHDRAWN || status == ST_STOPPED;

	*applied = false;
	if ((rc = load_state(s, c->code, &ds, err)) == STORE_NOTFOUND)
		return STORE_OK; /* not a dossier of this box: nothing to do */
	if (rc != STORE_OK)
		return rc;
	st = q(s, Q_UPSTREAM_REV);
	sqlite3_bind_int64(st, 1, ds.id);
	if (sqlite3_step(st) == SQLITE_ROW)
		rev = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (c->rev <= rev)
		return STORE_OK; /* seen already (a replayed page) */
	if (c->due_at > 0 && c->due_at != ds.due_at) {
		if ((rc = update_due(s, &ds, ds.status, c->due_at, 0, c->at,
		         err)) != STORE_OK)
			return rc;
	}
	st = q(s, Q_STATUS_UPDATE);
	sqlite3_bind_int64(st, 1, ds.id);
	sqlite3_bind_int(st, 2, status);
	b_opt64(st, 3, fin ? c->at : 0);
	b_opt64(st, 4, status == ST_RETURNED ? c->at : 0);
	sqlite3_bind_int64(st, 5, c->at);
	if (run(s, Q_STATUS_UPDATE) != SQLITE_OK)
		return dberr(s, err);
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = ds.id;
	ev.at = c->at;
	ev.kind = "status";
	ev.old_status = ds.status;
	ev.new_status = status;
	if (c->due_at > 0 && c->due_at != ds.due_at) {
		ev.due_before = ds.due_at;
		ev.due_after = c->due_at;
	}
	ev.actor = "upstream";
	ev.reason = c->reason;
	snprintf(detail, sizeof detail,
	    "{\"source\":\"upstream\",\"rev\":%" PRId64 "}", c->rev);
	ev.detail = detail;
	/* no outbox row: the change came from upstream */
	if (add_event(s, &ev) != SQLITE_OK)
		return dberr(s, err);
	st = q(s, Q_UPSTREAM_SET);
	sqlite3_bind_int64(st, 1, ds.id);
	sqlite3_bind_int64(st, 2, c->rev);
	if (run(s, Q_UPSTREAM_SET) != SQLITE_OK ||
	    add_audit(s, c->at, "upstream", "status", c->code, NULL) !=
	        SQLITE_OK)
		return dberr(s, err);
	*applied = true;
	return STORE_OK;
}

enum store_rc
store_sync_apply(struct store *s, const struct store_upstream_change *ch,
    size_t n, const char *cursor, int *applied, char err[STORE_ERR_MAX])
{
	enum store_rc rc;
	sqlite3_stmt *st;
	bool one;

	*applied = 0;
	for (size_t i = 0; i < n; i++)
		if (!status_valid(ch[i].status)) {
			seterr(err, "items[%zu].status: not a status code", i);
			return STORE_INVALID;
		}
	sync_relaxed(s, true);
	if ((rc = begin(s, err)) != STORE_OK) {
		sync_relaxed(s, false);
		return rc;
	}
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		rc = apply_one(s, &ch[i], &one, err);
		*applied += one;
	}
	/* the cursor moves in the same transaction as the changes */
	if (rc == STORE_OK && cursor != NULL) {
		st = q(s, Q_SYNC_STATE_SET);
		b_text(st, 1, "pull_cursor");
		b_text(st, 2, cursor);
		if (run(s, Q_SYNC_STATE_SET) != SQLITE_OK)
			rc = dberr(s, err);
	}
	rc = finish(s, rc, err);
	sync_relaxed(s, false);
	if (rc != STORE_OK)
		*applied = 0;
	return rc;
}

json_t *
store_sync_codes(struct store *s, int from_day, int to_day)
{
	sqlite3_stmt *st = q(s, Q_SYNC_CODES);
	json_t *codes = json_array();
	json_int_t counts[4] = { 0 };
	int ch, rc;

	sqlite3_bind_int64(st, 1, cal_instant(from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(to_day + 1, 0));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_array_append_new(codes, j_col_text(st, 0));
		ch = sqlite3_column_int(st, 1);
		if (ch >= 1 && ch <= 3)
			counts[ch]++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(codes);
		return NULL;
	}
	return json_pack("{s:{s:I,s:I,s:I},s:o}", "counts", "1", counts[1], "2",
	    counts[2], "3", counts[3], "codes", codes);
}

/* ---- kiosk (docs/kiosk.md) ----
 * These statements are prepared per call: a kiosk makes a few lookups a
 * minute, and preparing costs microseconds. */

static sqlite3_stmt *
prep(struct store *s, const char *text)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, text, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

enum store_rc
store_lookup_code(struct store *s, const char *code, enum store_factor factor,
    const char *digits, struct store_lookup *out)
{
	/* The same columns as Q_LOOKUP, then the two numbers. */
	static const char text[] =
	    "SELECT d.code, d.status, d.delivery, d.received_at,"
	    " d.due_at, d.updated_at, d.owner_name, p.name,"
	    " coalesce(nullif(a.name, ''), d.agency_code),"
	    " (SELECT e.due_after FROM dossier_events e"
	    "  WHERE e.dossier_id = d.id AND e.kind = 'apology'"
	    "  ORDER BY e.id DESC LIMIT 1),"
	    " d.owner_id_no, d.phone"
	    " FROM dossiers d"
	    " LEFT JOIN procedures p ON p.code = d.procedure_code"
	    " LEFT JOIN agencies a ON a.code = d.agency_code"
	    " WHERE d.code = ?1";
	/* Never equal to typed digits: a row without the number, or no
	 * row, still costs one constant-time comparison. */
	char want[KIOSK_FACTOR_LEN + 1] = "\xff\xff\xff\xff";
	char got[KIOSK_FACTOR_LEN + 1] = "\xfe\xfe\xfe\xfe";
	sqlite3_stmt *st;
	const char *num, *name;
	bool row, match;
	int rc;

	memset(out, 0, sizeof(*out));
	if (digits != NULL && strlen(digits) == KIOSK_FACTOR_LEN)
		memcpy(got, digits, KIOSK_FACTOR_LEN);
	if ((st = prep(s, text)) == NULL)
		return STORE_ERROR;
	b_text(st, 1, code != NULL ? code : "");
	rc = sqlite3_step(st);
	row = rc == SQLITE_ROW;
	if (row) {
		num = c_text(st, factor == STORE_FACTOR_PHONE ? 11 : 10);
		if (num != NULL && !kiosk_last_digits(num, strlen(num), want))
			memset(want, 0xff, KIOSK_FACTOR_LEN);
	}
	match = sodium_memcmp(want, got, KIOSK_FACTOR_LEN) == 0;
	sodium_memzero(want, sizeof want);
	sodium_memzero(got, sizeof got);
	if (!row || !match) {
		sqlite3_finalize(st);
		return row || rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
	}
	snprintf(out->code, sizeof out->code, "%s", c_str(st, 0));
	out->status = sqlite3_column_int(st, 1);
	out->delivery = sqlite3_column_int(st, 2);
	out->received_at = sqlite3_column_int64(st, 3);
	out->due_at = sqlite3_column_int64(st, 4);
	out->updated_at = sqlite3_column_int64(st, 5);
	name = c_str(st, 6);
	if (text_mask_name(name, strlen(name), out->masked_name,
	        sizeof out->masked_name) < 0)
		snprintf(out->masked_name, sizeof out->masked_name, "***");
	snprintf(out->procedure_name, sizeof out->procedure_name, "%s",
	    c_str(st, 7));
	snprintf(out->collect_at, sizeof out->collect_at, "%s", c_str(st, 8));
	out->apology_due_at = sqlite3_column_int64(st, 9);
	sqlite3_finalize(st);
	return STORE_OK;
}

enum store_rc
store_rating(struct store *s, const char *code, int *rating)
{
	sqlite3_stmt *st =
	    prep(s, "SELECT rating FROM dossiers WHERE code = ?1");
	int rc;

	*rating = RATING_NONE;
	if (st == NULL)
		return STORE_ERROR;
	b_text(st, 1, code != NULL ? code : "");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*rating = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK
	    : rc == SQLITE_DONE ? STORE_NOTFOUND
	                        : STORE_ERROR;
}

static enum store_rc
rate_tx(struct store *s, int64_t id, int rating, const char *source,
    int64_t now, char *err)
{
	sqlite3_stmt *ins = prep(s,
	    "INSERT INTO ratings(dossier_id, rating,"
	    " rated_at, source) VALUES (?1, ?2, ?3, ?4)");
	sqlite3_stmt *upd = prep(s,
	    "UPDATE dossiers SET rating = ?2"
	    " WHERE id = ?1 AND rating = 0");
	enum store_rc rc = STORE_OK;

	if (ins == NULL || upd == NULL) {
		rc = dberr(s, err);
		goto out;
	}
	sqlite3_bind_int64(ins, 1, id);
	sqlite3_bind_int(ins, 2, rating);
	sqlite3_bind_int64(ins, 3, now);
	b_text(ins, 4, source);
	sqlite3_bind_int64(upd, 1, id);
	sqlite3_bind_int(upd, 2, rating);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		if (sqlite3_extended_errcode(s->db) ==
		    SQLITE_CONSTRAINT_PRIMARYKEY) {
			seterr(err, "rating: this dossier has been rated");
			rc = STORE_CONFLICT;
		} else {
			rc = dberr(s, err);
		}
		goto out;
	}
	if (sqlite3_step(upd) != SQLITE_DONE)
		rc = dberr(s, err);
	else if (sqlite3_changes(s->db) != 1) {
		seterr(err, "rating: this dossier has been rated");
		rc = STORE_CONFLICT;
	}
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	return rc;
}

enum store_rc
store_rate(struct store *s, const char *code, int rating, const char *source,
    int64_t now, char err[STORE_ERR_MAX])
{
	struct dstate ds;
	enum store_rc rc;

	if (rating < RATING_VERY_SATISFIED || rating > RATING_UNSATISFIED) {
		seterr(err,
		    "rating: must be very_satisfied, satisfied or "
		    "unsatisfied");
		return STORE_INVALID;
	}
	if (!check_text("source", source, 1, 64, err))
		return STORE_INVALID;
	if ((rc = load_state(s, code, &ds, err)) != STORE_OK)
		return rc;
	if (ds.status != ST_RETURNED) {
		seterr(err,
		    "status: only a dossier whose result was returned "
		    "can be rated");
		return STORE_INVALID;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	rc = rate_tx(s, ds.id, rating, source, now, err);
	return finish(s, rc, err);
}

enum store_rc
store_procedure_counter(struct store *s, const char *code, const char *counter,
    char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	enum store_rc rc = STORE_OK;

	if (!check_text("counter", counter, 0, CAT_NAME_MAX, err))
		return STORE_INVALID;
	if ((st = prep(s,
	         "UPDATE procedures SET counter = ?2"
	         " WHERE code = ?1")) == NULL)
		return dberr(s, err);
	b_text(st, 1, code != NULL ? code : "");
	b_text(st, 2, counter);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = dberr(s, err);
	else if (sqlite3_changes(s->db) == 0) {
		seterr(err, "code: no such procedure");
		rc = STORE_NOTFOUND;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Every word of the folded query is somewhere in the folded name or the
 * lower-case code. */
static bool
words_match(const char *words, const char *name_fold, const char *code)
{
	char w[FOLD_MAX], lc[PROC_CODE_MAX + 1];
	const char *p = words;
	size_t i;

	for (i = 0; code[i] != '\0' && i < PROC_CODE_MAX; i++)
		lc[i] =
		    (code[i] >= 'A' && code[i] <= 'Z') ? code[i] + 32 : code[i];
	lc[i] = '\0';
	while (*p != '\0') {
		size_t n = strcspn(p, " ");

		if (n > 0 && n < sizeof w) {
			memcpy(w, p, n);
			w[n] = '\0';
			if (strstr(name_fold, w) == NULL &&
			    strstr(lc, w) == NULL)
				return false;
		}
		p += n;
		p += strspn(p, " ");
	}
	return true;
}

json_t *
store_kiosk_procedures(struct store *s, const char *qtext, int limit)
{
	char fold[FOLD_MAX] = "";
	sqlite3_stmt *st;
	json_t *arr, *o;
	int rc, n = 0;

	if (qtext != NULL && *qtext != '\0' &&
	    text_fold(qtext, strnlen(qtext, IMPORT_TEXT_MAX), fold,
	        sizeof fold) < 0)
		return NULL;
	if ((st = prep(s,
	         "SELECT code, name, name_fold, field, days,"
	         " documents, fee, counter FROM procedures"
	         " ORDER BY name_fold, code")) == NULL)
		return NULL;
	arr = json_array();
	while (
	    arr != NULL && n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!words_match(fold, c_str(st, 2), c_str(st, 0)))
			continue;
		o = procedure_json(st, (const int[]){ 0, 1, 3, 4, 5, 6 });
		json_object_set_new(o, "counter", j_col_text(st, 7));
		json_array_append_new(arr, o);
		n++;
	}
	sqlite3_finalize(st);
	return arr;
}

/* ---- the print queue (migration 6) ---------------------------------- */

#define PRINT_JOB_COLS                                                      \
	"id, kind, ref, state, reprint, coalesce(reprint_of, 0), attempts," \
	" actor, created_at, updated_at, coalesce(finished_at, 0),"         \
	" coalesce(bytes, 0), coalesce(printer_state, ''),"                 \
	" coalesce(outcome, '')"

static void
print_job_row(sqlite3_stmt *st, struct store_print_job *j)
{
	memset(j, 0, sizeof *j);
	j->id = sqlite3_column_int64(st, 0);
	snprintf(j->kind, sizeof j->kind, "%s", c_str(st, 1));
	snprintf(j->ref, sizeof j->ref, "%s", c_str(st, 2));
	snprintf(j->state, sizeof j->state, "%s", c_str(st, 3));
	j->reprint = sqlite3_column_int(st, 4) != 0;
	j->reprint_of = sqlite3_column_int64(st, 5);
	j->attempts = sqlite3_column_int(st, 6);
	snprintf(j->actor, sizeof j->actor, "%s", c_str(st, 7));
	j->created_at = sqlite3_column_int64(st, 8);
	j->updated_at = sqlite3_column_int64(st, 9);
	j->finished_at = sqlite3_column_int64(st, 10);
	j->bytes = sqlite3_column_int64(st, 11);
	snprintf(j->printer_state, sizeof j->printer_state, "%s",
	    c_str(st, 12));
	snprintf(j->outcome, sizeof j->outcome, "%s", c_str(st, 13));
}

static enum store_rc
print_one(struct store *s, const char *text, int64_t id,
    struct store_print_job *j)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, text, -1, &st, NULL) != SQLITE_OK)
		return STORE_ERROR;
	if (id != 0)
		sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		print_job_row(st, j);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK
	    : rc == SQLITE_DONE ? STORE_NOTFOUND
	                        : STORE_ERROR;
}

int64_t
store_print_pending(struct store *s)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(s->db,
	        "SELECT count(*) FROM print_jobs"
	        " WHERE state IN ('queued', 'printing')",
	        -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

enum store_rc
store_print_enqueue(struct store *s, const struct store_print_new *in,
    int64_t *id, char err[STORE_ERR_MAX])
{
	static const char *const kinds[] = { "receipt", "slip", "manifest",
		"test", NULL };
	sqlite3_stmt *st = NULL;
	enum store_rc rc;
	int64_t now = wall_now(), pending;
	char detail[128];
	bool kind_ok = false;

	for (size_t i = 0; kinds[i] != NULL; i++)
		kind_ok |= in->kind != NULL && strcmp(in->kind, kinds[i]) == 0;
	if (!kind_ok) {
		seterr(err, "kind: not receipt, slip, manifest or test");
		return STORE_INVALID;
	}
	if (!check_text("ref", in->ref, 0, 63, err) ||
	    !check_text("actor", in->actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((pending = store_print_pending(s)) < 0)
		return dberr(s, err);
	if (pending >= in->max_pending) {
		seterr(err, "queue: %lld jobs are waiting, the most allowed",
		    (long long)pending);
		return STORE_FULL;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	if (sqlite3_prepare_v2(s->db,
	        "INSERT INTO print_jobs (kind, ref, state, reprint,"
	        " reprint_of, actor, created_at, updated_at)"
	        " VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?6)",
	        -1, &st, NULL) != SQLITE_OK)
		goto fail;
	b_text(st, 1, in->kind);
	b_text(st, 2, in->ref != NULL ? in->ref : "");
	sqlite3_bind_int(st, 3, in->reprint_of != 0);
	if (in->reprint_of != 0)
		sqlite3_bind_int64(st, 4, in->reprint_of);
	b_text(st, 5, in->actor);
	sqlite3_bind_int64(st, 6, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	*id = sqlite3_last_insert_rowid(s->db);
	snprintf(detail, sizeof detail, "job %lld%s", (long long)*id,
	    in->reprint_of ? " (reprint)" : "");
	if (add_audit(s, now, in->actor, "print", in->kind, detail) !=
	    SQLITE_OK)
		goto fail;
	return commit(s, err);
fail:
	rc = dberr(s, err);
	sqlite3_finalize(st);
	run(s, Q_ROLLBACK);
	return rc;
}

enum store_rc
store_print_next(struct store *s, struct store_print_job *j)
{
	return print_one(s,
	    "SELECT " PRINT_JOB_COLS " FROM print_jobs"
	    " WHERE state IN ('queued', 'printing') ORDER BY id LIMIT 1",
	    0, j);
}

enum store_rc
store_print_get(struct store *s, int64_t id, struct store_print_job *j)
{
	return print_one(s,
	    "SELECT " PRINT_JOB_COLS " FROM print_jobs WHERE id = ?1", id, j);
}

enum store_rc
store_print_update(struct store *s, int64_t id, const char *state, int reprint,
    bool attempt, const char *printer_state, int64_t bytes, const char *outcome)
{
	sqlite3_stmt *st;
	int64_t now = wall_now();
	int rc;

	if (sqlite3_prepare_v2(s->db,
	        "UPDATE print_jobs SET state = ?2,"
	        " reprint = CASE WHEN ?3 < 0 THEN reprint ELSE ?3 END,"
	        " attempts = attempts + ?4, printer_state = ?5,"
	        " bytes = CASE WHEN ?6 > 0 THEN ?6 ELSE bytes END,"
	        " outcome = ?7, updated_at = ?8,"
	        " finished_at = CASE WHEN ?2 IN ('done', 'failed') THEN ?8"
	        "  ELSE NULL END WHERE id = ?1",
	        -1, &st, NULL) != SQLITE_OK)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	b_text(st, 2, state);
	sqlite3_bind_int(st, 3, reprint);
	sqlite3_bind_int(st, 4, attempt ? 1 : 0);
	b_opt(st, 5, printer_state);
	sqlite3_bind_int64(st, 6, bytes);
	b_opt(st, 7, outcome);
	sqlite3_bind_int64(st, 8, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return STORE_ERROR;
	return sqlite3_changes(s->db) == 1 ? STORE_OK : STORE_NOTFOUND;
}

int
store_print_recover(struct store *s)
{
	int n;

	if (sqlite3_exec(s->db,
	        "UPDATE print_jobs SET state = 'queued', reprint = 1,"
	        " outcome = 'interrupted by a restart: reprinted whole'"
	        " WHERE state = 'printing'",
	        NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	n = sqlite3_changes(s->db);
	return n;
}

json_t *
store_print_jobs(struct store *s, int limit)
{
	sqlite3_stmt *st;
	json_t *a = json_array();
	struct store_print_job j;

	if (a == NULL ||
	    sqlite3_prepare_v2(s->db,
	        "SELECT " PRINT_JOB_COLS " FROM print_jobs"
	        " ORDER BY id DESC LIMIT ?1",
	        -1, &st, NULL) != SQLITE_OK) {
		json_decref(a);
		return NULL;
	}
	sqlite3_bind_int(st, 1, limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		print_job_row(st, &j);
		json_array_append_new(a, store_print_job_json(&j));
	}
	sqlite3_finalize(st);
	return a;
}

json_t *
store_print_job_json(const struct store_print_job *j)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:b,s:i,s:s,s:o,s:o,s:s,s:s}",
	    "id", (json_int_t)j->id, "kind", j->kind, "ref", j->ref, "state",
	    j->state, "reprint", j->reprint, "attempts", j->attempts, "actor",
	    j->actor, "created_at", j_time(j->created_at), "finished_at",
	    j_time(j->finished_at), "printer_state", j->printer_state,
	    "outcome", j->outcome);

	if (o != NULL && j->reprint_of != 0)
		json_object_set_new(o, "reprint_of",
		    json_integer((json_int_t)j->reprint_of));
	if (o != NULL && j->bytes > 0)
		json_object_set_new(o, "bytes",
		    json_integer((json_int_t)j->bytes));
	return o;
}

/* ---- postal intake (store.h; docs/api.md "Postal") ----
 *
 * Statements are prepared on first use and kept (pst[]), so the
 * registration path costs no prepare; each use resets them first. */

enum pq {
	PQ_ITEM_FIND,
	PQ_ITEM_INSERT,
	PQ_ITEM_GET,
	PQ_PRINT_INSERT,
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

static const char *const pq_sql[PQ_COUNT_] = {
	[PQ_ITEM_FIND] = "SELECT p.id, d.code, t.token FROM postal_items p"
	                 " JOIN dossiers d ON d.id = p.dossier_id"
	                 " LEFT JOIN lookup_tokens t ON t.dossier_id = d.id"
	                 "  AND t.revoked_at IS NULL"
	                 " WHERE p.item_id = ?1 AND p.created_at >= ?2"
	                 " ORDER BY p.id DESC LIMIT 1",
	[PQ_ITEM_INSERT] =
	    "INSERT INTO postal_items (item_id, dossier_id, documents,"
	    " fees_vnd, fee_receipt_no, service, return_address, seal_intact,"
	    " submitted_at, clerk, station, s10_verdict, override_reason,"
	    " flagged, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
	    " ?10, ?11, ?12, ?13, ?14, ?15)",
	[PQ_ITEM_GET] =
	    "SELECT p.id, p.item_id, d.code, t.token, d.due_at, m.manifest_id,"
	    " p.accepted_at, p.accepted_by, p.documents, p.fees_vnd,"
	    " p.fee_receipt_no, p.service, p.return_address, p.seal_intact,"
	    " p.submitted_at, p.clerk, p.station, p.s10_verdict,"
	    " p.override_reason, p.flagged, d.owner_name, d.address, d.phone,"
	    " d.owner_id_no, d.procedure_code, d.agency_code, d.status,"
	    " (SELECT x.resolution FROM postal_discrepancies x"
	    "  WHERE x.item_id = p.item_id AND x.manifest_id = m.manifest_id),"
	    " (SELECT g.signed_at FROM postal_manifests g"
	    "  WHERE g.id = m.manifest_id), p.created_at"
	    " FROM postal_items p JOIN dossiers d ON d.id = p.dossier_id"
	    " LEFT JOIN lookup_tokens t ON t.dossier_id = d.id"
	    "  AND t.revoked_at IS NULL"
	    " LEFT JOIN postal_manifest_items m ON m.postal_id = p.id"
	    " WHERE p.item_id = ?1 AND p.created_at >= ?2"
	    " ORDER BY p.id DESC LIMIT 1",
	[PQ_PRINT_INSERT] =
	    "INSERT INTO print_jobs (kind, ref, state, reprint, actor,"
	    " created_at, updated_at) VALUES (?1, ?2, 'queued', 0, ?3, ?4, ?4)",
	[PQ_OPEN_ITEMS] =
	    "SELECT p.id, p.item_id, p.fees_vnd FROM postal_items p"
	    " WHERE NOT EXISTS (SELECT 1 FROM postal_manifest_items"
	    "  m WHERE m.postal_id = p.id)"
	    " AND (?1 IS NULL OR p.station = ?1) ORDER BY p.id",
	[PQ_MANIFEST_SEQ] = "SELECT coalesce(max(seq), 0) + 1 FROM"
	                    " postal_manifests WHERE day = ?1",
	[PQ_MANIFEST_INSERT] =
	    "INSERT INTO postal_manifests (id, day, seq, closed_at, closed_by,"
	    " station, count, fees_vnd) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[PQ_MITEM_INSERT] = "INSERT INTO postal_manifest_items (manifest_id,"
	                    " postal_id, position) VALUES (?1, ?2, ?3)",
	[PQ_MANIFEST_TOTALS] = "UPDATE postal_manifests SET count = ?2,"
	                       " fees_vnd = ?3 WHERE id = ?1",
	[PQ_MANIFESTS] = "SELECT id FROM postal_manifests ORDER BY day DESC,"
	                 " seq DESC LIMIT ?1",
	[PQ_MANIFEST_GET] =
	    "SELECT id, closed_at, closed_by, station, count, fees_vnd, giver,"
	    " receiver, signed_at, signed_by FROM postal_manifests WHERE id = ?1",
	[PQ_MANIFEST_ITEMS] =
	    "SELECT p.item_id, d.code, p.accepted_at, x.resolution, x.reason,"
	    " x.resolved_by, x.resolved_at, p.fees_vnd FROM postal_manifest_items"
	    " m JOIN postal_items p ON p.id = m.postal_id"
	    " JOIN dossiers d ON d.id = p.dossier_id"
	    " LEFT JOIN postal_discrepancies x ON x.manifest_id = m.manifest_id"
	    "  AND x.item_id = p.item_id"
	    " WHERE m.manifest_id = ?1 ORDER BY m.position",
	[PQ_MANIFEST_COUNTS] =
	    "SELECT (SELECT count(*) FROM postal_manifest_items m"
	    "  JOIN postal_items p ON p.id = m.postal_id"
	    "  WHERE m.manifest_id = ?1 AND p.accepted_at IS NOT NULL),"
	    " (SELECT count(*) FROM postal_discrepancies x WHERE"
	    "  x.manifest_id = ?1 AND x.kind = 'missing'"
	    "  AND x.resolution IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
	    "  postal_manifest_items m JOIN postal_items p ON p.id = m.postal_id"
	    "  WHERE m.manifest_id = ?1 AND p.item_id = x.item_id"
	    "  AND p.accepted_at IS NOT NULL)),"
	    " (SELECT count(*) FROM postal_discrepancies x WHERE"
	    "  x.manifest_id = ?1 AND x.kind = 'unexpected'),"
	    " (SELECT count(*) FROM postal_discrepancies x WHERE"
	    "  x.manifest_id = ?1 AND x.kind = 'unexpected'"
	    "  AND x.resolution IS NULL)",
	[PQ_ITEM_ON_MANIFEST] =
	    "SELECT p.id, p.dossier_id, p.accepted_at, d.code, d.status,"
	    " d.procedure_code FROM postal_manifest_items m"
	    " JOIN postal_items p ON p.id = m.postal_id"
	    " JOIN dossiers d ON d.id = p.dossier_id"
	    " WHERE m.manifest_id = ?1 AND p.item_id = ?2",
	[PQ_ACCEPT_ITEM] = "UPDATE postal_items SET accepted_at = ?2,"
	                   " accepted_by = ?3 WHERE id = ?1",
	[PQ_DOSSIER_ACCEPT] =
	    "UPDATE dossiers SET status = ?2, received_at = ?3, due_at = ?4,"
	    " provisional = ?5, updated_at = ?3 WHERE id = ?1",
	[PQ_DISC_GET] = "SELECT kind, resolution, reason, scanned_at FROM"
	                " postal_discrepancies WHERE manifest_id = ?1"
	                " AND item_id = ?2",
	[PQ_DISC_INSERT] =
	    "INSERT INTO postal_discrepancies (manifest_id, item_id, kind,"
	    " scanned_at, resolution, reason, resolved_by, resolved_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[PQ_DISC_RESOLVE] = "UPDATE postal_discrepancies SET resolution = ?3,"
	                    " reason = ?4, resolved_by = ?5, resolved_at = ?6"
	                    " WHERE manifest_id = ?1 AND item_id = ?2",
	[PQ_DISCS] = "SELECT item_id, kind, resolution, reason, resolved_by,"
	             " resolved_at, scanned_at FROM postal_discrepancies"
	             " WHERE manifest_id = ?1 ORDER BY id",
	[PQ_SIGN] = "UPDATE postal_manifests SET giver = ?2, receiver = ?3,"
	            " signed_at = ?4, signed_by = ?5 WHERE id = ?1",
	[PQ_RETURN_GET] = "SELECT r.id, r.delivered_at, d.code, d.status, d.id"
	                  " FROM postal_returns r JOIN dossiers d"
	                  " ON d.id = r.dossier_id WHERE r.item_id = ?1"
	                  " AND r.handed_at >= ?2 ORDER BY r.id DESC LIMIT 1",
	[PQ_RETURN_INSERT] = "INSERT INTO postal_returns (dossier_id, item_id,"
	                     " handed_at, handed_by) VALUES (?1, ?2, ?3, ?4)",
	[PQ_RETURN_DELIVER] = "UPDATE postal_returns SET delivered_at = ?2,"
	                      " delivered_by = ?3 WHERE id = ?1",
	[PQ_RETURNS] =
	    "SELECT d.code, r.item_id, d.procedure_code, r.handed_at,"
	    " r.delivered_at, r.handed_by, d.status FROM postal_returns r"
	    " JOIN dossiers d ON d.id = r.dossier_id"
	    " WHERE r.handed_at >= ?1 AND r.handed_at < ?2 ORDER BY r.id",
	[PQ_DOSSIER_ID] = "SELECT id, status, delivery FROM dossiers"
	                  " WHERE code = ?1",
	[PQ_PROC_DOCS] = "SELECT documents FROM procedures WHERE code = ?1",
	[PQ_ITEM_OF] = "SELECT item_id FROM postal_items WHERE dossier_id = ?1",
	[PQ_SAVEPOINT] = "SAVEPOINT postal_item",
	[PQ_RELEASE] = "RELEASE postal_item",
	[PQ_ROLLBACK_TO] = "ROLLBACK TO postal_item",
	[PQ_DOCS_OF] =
	    "SELECT d.code, pr.name, d.owner_name, d.address, d.delivery,"
	    " p.fees_vnd, p.item_id FROM postal_manifest_items m"
	    " JOIN postal_items p ON p.id = m.postal_id"
	    " JOIN dossiers d ON d.id = p.dossier_id"
	    " LEFT JOIN procedures pr ON pr.code = d.procedure_code"
	    " WHERE m.manifest_id = ?1 ORDER BY m.position",
};

_Static_assert(PQ_COUNT_ <= PQ_MAX, "raise PQ_MAX: struct store's pst[]");

/* The postal statement id, reset with its parameters cleared; NULL when
 * it cannot be prepared (sqlite3_errmsg says why). */
static sqlite3_stmt *
pq(struct store *s, enum pq id)
{
	sqlite3_stmt *st = s->pst[id];

	if (st == NULL) {
		if (sqlite3_prepare_v3(s->db, pq_sql[id], -1,
		        SQLITE_PREPARE_PERSISTENT, &s->pst[id],
		        NULL) != SQLITE_OK) {
			sqlite3_finalize(s->pst[id]);
			s->pst[id] = NULL;
			return NULL;
		}
		return s->pst[id];
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Steps a statement that returns no row and resets it. */
static int
prun(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The S10 id of a postal dossier, or JSON null. */
static json_t *
postal_item_of(struct store *s, int64_t dossier_id)
{
	sqlite3_stmt *st = pq(s, PQ_ITEM_OF);
	json_t *j = NULL;

	if (st == NULL)
		return json_null();
	sqlite3_bind_int64(st, 1, dossier_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		j = j_col_text(st, 0);
	sqlite3_reset(st);
	return j ? j : json_null();
}

const char *
store_postal_service_name(int sv)
{
	return sv == STORE_POSTAL_SEND  ? "send"
	    : sv == STORE_POSTAL_RETURN ? "return"
	    : sv == STORE_POSTAL_BOTH   ? "both"
	                                : NULL;
}

static const char *
postal_state(int64_t accepted_at, const char *manifest, const char *res,
    int64_t signed_at)
{
	if (accepted_at != 0)
		return "accepted";
	if (manifest == NULL)
		return "registered";
	if (res != NULL)
		return "resolved";
	return signed_at != 0 ? "missing" : "in_manifest";
}

static bool
check_postal(const struct store_postal_reg *r, char *err)
{
	struct s10 id;

	if (r->item_id == NULL ||
	    s10_parse(r->item_id, strlen(r->item_id), &id) == S10_BAD_FORMAT ||
	    strcmp(id.id, r->item_id) != 0) {
		seterr(err, "item_id: not a normalised S10 item id");
		return false;
	}
	if (id.verdict != S10_VALID &&
	    (r->override_reason == NULL || *r->override_reason == '\0')) {
		seterr(err, "override_reason: required: %s", id.reason);
		return false;
	}
	if (r->fees_vnd < 0) {
		seterr(err, "fees_vnd: must be an integer >= 0");
		return false;
	}
	if (store_postal_service_name(r->service) == NULL) {
		seterr(err, "service: must be send, return or both");
		return false;
	}
	if (r->service != STORE_POSTAL_SEND &&
	    (r->return_address == NULL || *r->return_address == '\0')) {
		seterr(err, "return_address: required for return by post");
		return false;
	}
	if (r->posted_at <= 0) {
		seterr(err, "posted_at: required");
		return false;
	}
	return check_text("override_reason", r->override_reason, 0, REASON_MAX,
	           err) &&
	    check_text("fee_receipt_no", r->fee_receipt_no, 0, 64, err) &&
	    check_text("return_address", r->return_address, 0, ADDRESS_MAX,
	        err) &&
	    check_text("station", r->station, 0, 64, err) &&
	    check_text("documents", r->documents, 2, DOCUMENTS_MAX, err);
}

/* Inserts a queued print job of kind/ref and its audit row, inside the
 * caller's transaction. */
static enum store_rc
postal_print(struct store *s, const char *kind, const char *ref,
    const char *actor, int64_t now, int64_t max_pending, int64_t *id, char *err)
{
	sqlite3_stmt *st;
	int64_t pending = store_print_pending(s);
	char detail[64];

	if (pending < 0)
		return dberr(s, err);
	if (pending >= max_pending) {
		seterr(err, "print: %lld jobs are waiting, the most allowed",
		    (long long)pending);
		return STORE_FULL;
	}
	if ((st = pq(s, PQ_PRINT_INSERT)) == NULL)
		return dberr(s, err);
	b_text(st, 1, kind);
	b_text(st, 2, ref);
	b_text(st, 3, actor);
	sqlite3_bind_int64(st, 4, now);
	if (prun(st) != SQLITE_OK)
		return dberr(s, err);
	*id = sqlite3_last_insert_rowid(s->db);
	snprintf(detail, sizeof detail, "job %lld", (long long)*id);
	if (add_audit(s, now, actor, "print", kind, detail) != SQLITE_OK)
		return dberr(s, err);
	return STORE_OK;
}

/* An existing registration of item within the window: 1 (res filled),
 * 0 none, -1 error. */
static int
postal_find(struct store *s, const char *item, int64_t now,
    struct store_postal_result *res)
{
	sqlite3_stmt *st = pq(s, PQ_ITEM_FIND);
	int rc;

	if (st == NULL)
		return -1;
	b_text(st, 1, item);
	sqlite3_bind_int64(st, 2, now - STORE_POSTAL_WINDOW_S);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(res->code, sizeof res->code, "%s", c_str(st, 1));
		snprintf(res->token, sizeof res->token, "%s", c_str(st, 2));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static enum store_rc
postal_register_tx(struct store *s, const struct store_postal_reg *r,
    const char *name, const char *fold, struct store_postal_result *res,
    int64_t now, char *err)
{
	struct store_intake in;
	struct store_intake_result ir;
	sqlite3_stmt *st;
	enum store_rc rc;
	json_t *detail;
	char *dtext;
	int f;

	if ((f = postal_find(s, r->item_id, now, res)) != 0)
		return f < 0 ? dberr(s, err) : STORE_OK;
	memset(&in, 0, sizeof in);
	in.procedure_code = r->procedure_code;
	in.agency_code = r->agency_code;
	in.owner_name = r->name;
	in.owner_id_no = r->id_number;
	in.phone = r->phone;
	in.address = r->address;
	in.channel = CHANNEL_POSTAL;
	in.delivery =
	    r->service == STORE_POSTAL_SEND ? DELIVERY_COUNTER : DELIVERY_POST;
	in.received_at = r->posted_at; /* until the office accepts it */
	in.submitted_at = r->posted_at;
	in.status = ST_SUBMITTED;
	in.actor = r->actor;
	if (!check_intake(&in, err))
		return STORE_INVALID;
	/* what upstream needs of a postal dossier, beside the dossier row
	 * (channel 3, delivery, submitted_at): no personal data */
	detail = json_pack("{s:s,s:s,s:I,s:b}", "postal_item", r->item_id,
	    "service", store_postal_service_name(r->service), "fees_vnd",
	    (json_int_t)r->fees_vnd, "seal_intact", r->seal_intact);
	dtext = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	if (dtext == NULL) {
		seterr(err, "memory: out of memory");
		return STORE_ERROR;
	}
	in.event_detail = dtext;
	rc = intake_tx(s, &in, name, fold, &ir, err);
	free(dtext);
	if (rc != STORE_OK) /* "procedure_code: unknown ..." names the field */
		return rc == STORE_NOTFOUND ? STORE_INVALID : rc;
	memcpy(res->code, ir.code, sizeof res->code);
	memcpy(res->token, ir.token, sizeof res->token);
	res->created = true;

	if ((st = pq(s, PQ_ITEM_INSERT)) == NULL)
		return dberr(s, err);
	b_text(st, 1, r->item_id);
	/* the last rowid is the audit row's: look the dossier up */
	{
		sqlite3_stmt *d = pq(s, PQ_DOSSIER_ID);

		if (d == NULL)
			return dberr(s, err);
		b_text(d, 1, res->code);
		if (sqlite3_step(d) != SQLITE_ROW) {
			sqlite3_reset(d);
			return dberr(s, err);
		}
		sqlite3_bind_int64(st, 2, sqlite3_column_int64(d, 0));
		sqlite3_reset(d);
	}
	b_text(st, 3, r->documents);
	sqlite3_bind_int64(st, 4, r->fees_vnd);
	b_opt(st, 5, r->fee_receipt_no);
	b_text(st, 6,
	    r->service == STORE_POSTAL_SEND         ? "SEND"
	        : r->service == STORE_POSTAL_RETURN ? "RETURN"
	                                            : "BOTH");
	b_opt(st, 7, r->return_address);
	sqlite3_bind_int(st, 8, r->seal_intact);
	sqlite3_bind_int64(st, 9, r->posted_at);
	b_text(st, 10, r->actor);
	b_text(st, 11, r->station != NULL ? r->station : "");
	b_text(st, 12, r->s10_verdict != NULL ? r->s10_verdict : "valid");
	b_opt(st, 13, r->override_reason);
	sqlite3_bind_int(st, 14,
	    r->override_reason != NULL && *r->override_reason != '\0');
	sqlite3_bind_int64(st, 15, now);
	if (prun(st) != SQLITE_OK)
		return dberr(s, err);
	if (add_audit(s, now, r->actor, "postal_register", res->code,
	        r->item_id) != SQLITE_OK)
		return dberr(s, err);
	if (r->override_reason != NULL && *r->override_reason != '\0') {
		/* DOMAIN.md §7: clerk, time, item and the reason, in the log;
		 * the row is flagged for reconciliation */
		json_t *o = json_pack("{s:s,s:s,s:s}", "item_id", r->item_id,
		    "verdict", r->s10_verdict ? r->s10_verdict : "",
		    "override_reason", r->override_reason);
		char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
		int arc;

		json_decref(o);
		arc = t ? add_audit(s, now, r->actor, "postal_s10_override",
		              res->code, t)
		        : SQLITE_NOMEM;
		free(t);
		if (arc != SQLITE_OK)
			return dberr(s, err);
	}
	if (r->queue_receipt)
		return postal_print(s, "receipt", res->code, r->actor, now,
		    r->max_pending, &res->print_job, err);
	return STORE_OK;
}

/* Checks done before any write, shared by the single and batch paths;
 * name and fold receive the NFC name and its folded form. */
static bool
postal_precheck(const struct store_postal_reg *r, char *name, size_t nsize,
    char *fold, size_t fsize, char *err)
{
	if (!check_postal(r, err) ||
	    !check_text("name", r->name, 1, OWNER_NAME_MAX, err) ||
	    !check_text("address", r->address, 1, ADDRESS_MAX, err) ||
	    !check_text("phone", r->phone, 0, PHONE_MAX, err) ||
	    !check_text("id_number", r->id_number, 0, ID_NO_MAX, err))
		return false;
	if (text_nfc(r->name, strlen(r->name), name, nsize) < 0 ||
	    text_fold(name, strlen(name), fold, fsize) < 0) {
		seterr(err, "name: not valid UTF-8 text");
		return false;
	}
	return true;
}

enum store_rc
store_postal_register(struct store *s, const struct store_postal_reg *r,
    struct store_postal_result *res, char err[STORE_ERR_MAX])
{
	char name[4 * OWNER_NAME_MAX + 1], fold[FOLD_MAX];
	int64_t now = wall_now();
	enum store_rc rc;

	memset(res, 0, sizeof *res);
	if (!postal_precheck(r, name, sizeof name, fold, sizeof fold, err))
		return STORE_INVALID;
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	rc = postal_register_tx(s, r, name, fold, res, now, err);
	if (rc == STORE_OK && !res->created) {
		rollback(s); /* nothing was written */
		return STORE_OK;
	}
	rc = finish(s, rc, err);
	if (rc != STORE_OK)
		memset(res, 0, sizeof *res);
	return rc;
}

enum store_rc
store_postal_register_batch(struct store *s,
    const struct store_postal_reg *regs, size_t n,
    struct store_postal_result *res, enum store_rc *rcs,
    char (*errs)[STORE_ERR_MAX], char err[STORE_ERR_MAX])
{
	char name[4 * OWNER_NAME_MAX + 1], fold[FOLD_MAX];
	int64_t now = wall_now();
	enum store_rc rc;
	sqlite3_stmt *st;
	size_t i;

	if (n > STORE_POSTAL_BATCH_MAX) {
		seterr(err, "items: more than %d in one batch",
		    STORE_POSTAL_BATCH_MAX);
		return STORE_INVALID;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof res[i]);
		errs[i][0] = '\0';
		rcs[i] = STORE_ERROR;
		if (!postal_precheck(&regs[i], name, sizeof name, fold,
		        sizeof fold, errs[i])) {
			rcs[i] = STORE_INVALID;
			continue;
		}
		/* each item in a savepoint: a refused one leaves nothing and
		 * the others go on */
		if ((st = pq(s, PQ_SAVEPOINT)) == NULL || prun(st) != SQLITE_OK)
			goto fail;
		rcs[i] = postal_register_tx(s, &regs[i], name, fold, &res[i],
		    now, errs[i]);
		if (rcs[i] != STORE_OK) {
			if ((st = pq(s, PQ_ROLLBACK_TO)) == NULL ||
			    prun(st) != SQLITE_OK)
				goto fail;
			/* cached display names may name rows rolled back */
			names_clear(&s->proc_names);
			names_clear(&s->agency_names);
			memset(&res[i], 0, sizeof res[i]);
		}
		if ((st = pq(s, PQ_RELEASE)) == NULL || prun(st) != SQLITE_OK)
			goto fail;
		if (rcs[i] == STORE_ERROR)
			goto fail; /* the disk, not the item: stop */
	}
	if ((rc = commit(s, err)) == STORE_OK)
		return STORE_OK;
	for (i = 0; i < n; i++) {
		rcs[i] = STORE_ERROR;
		memset(&res[i], 0, sizeof res[i]);
	}
	return rc;
fail:
	if (i < n && errs[i][0] != '\0')
		seterr(err, "%s", errs[i]);
	else
		dberr(s, err);
	rollback(s);
	for (i = 0; i < n; i++) {
		rcs[i] = STORE_ERROR;
		memset(&res[i], 0, sizeof res[i]);
	}
	return STORE_ERROR;
}

json_t *
store_postal_item(struct store *s, const char *item, int64_t now,
    enum store_rc *rc)
{
	sqlite3_stmt *st = pq(s, PQ_ITEM_GET);
	json_t *o, *docs;
	const char *sv;
	int r;

	*rc = STORE_ERROR;
	if (st == NULL)
		return NULL;
	b_text(st, 1, item);
	sqlite3_bind_int64(st, 2, now - STORE_POSTAL_WINDOW_S);
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		*rc = r == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
		return NULL;
	}
	docs = json_loads(c_str(st, 8), 0, NULL);
	sv = c_str(st, 11);
	o = json_object();
	json_object_set_new(o, "item_id", j_col_text(st, 1));
	json_object_set_new(o, "code", j_col_text(st, 2));
	json_object_set_new(o, "token", j_col_text(st, 3));
	json_object_set_new(o, "due_at", j_col_time(st, 4));
	json_object_set_new(o, "manifest_id", j_col_text(st, 5));
	json_object_set_new(o, "state",
	    json_string(postal_state(sqlite3_column_int64(st, 6), c_text(st, 5),
	        c_text(st, 27), sqlite3_column_int64(st, 28))));
	json_object_set_new(o, "accepted_at", j_col_time(st, 6));
	json_object_set_new(o, "accepted_by", j_col_text(st, 7));
	json_object_set_new(o, "applicant",
	    json_pack("{s:o,s:o,s:o,s:o}", "name", j_col_text(st, 20),
	        "address", j_col_text(st, 21), "phone", j_col_text(st, 22),
	        "id_number", j_col_text(st, 23)));
	json_object_set_new(o, "procedure_code", j_col_text(st, 24));
	json_object_set_new(o, "agency_code", j_col_text(st, 25));
	json_object_set_new(o, "documents", docs ? docs : json_array());
	json_object_set_new(o, "fees_vnd",
	    json_integer(sqlite3_column_int64(st, 9)));
	json_object_set_new(o, "fee_receipt_no", j_col_text(st, 10));
	json_object_set_new(o, "service",
	    json_string(strcmp(sv, "SEND") == 0 ? "send"
	            : strcmp(sv, "RETURN") == 0 ? "return"
	                                        : "both"));
	json_object_set_new(o, "return_address", j_col_text(st, 12));
	json_object_set_new(o, "seal_intact",
	    json_boolean(sqlite3_column_int(st, 13)));
	json_object_set_new(o, "posted_at", j_col_time(st, 14));
	json_object_set_new(o, "clerk", j_col_text(st, 15));
	json_object_set_new(o, "station", j_col_text(st, 16));
	json_object_set_new(o, "s10_verdict", j_col_text(st, 17));
	json_object_set_new(o, "override_reason", j_col_text(st, 18));
	json_object_set_new(o, "flagged",
	    json_boolean(sqlite3_column_int(st, 19)));
	json_object_set_new(o, "status",
	    json_integer(sqlite3_column_int(st, 26)));
	json_object_set_new(o, "registered_at", j_col_time(st, 29));
	sqlite3_reset(st);
	*rc = STORE_OK;
	return o;
}

static enum store_rc
postal_close_tx(struct store *s, const char *station, const char *actor,
    int64_t now, bool queue_print, int64_t max_pending, json_t *out, char *err)
{
	char id[MANIFEST_ID_LEN + 1];
	sqlite3_stmt *st, *ins;
	json_t *items = json_array();
	int64_t fees = 0, pos = 0, seq, job = 0;
	int day = cal_local_day(now), y, m, d, rc;
	enum store_rc r;

	json_object_set_new(out, "items", items);
	if ((st = pq(s, PQ_MANIFEST_SEQ)) == NULL)
		return dberr(s, err);
	sqlite3_bind_int(st, 1, day);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return dberr(s, err);
	}
	seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	cal_ymd_from_day(day, &y, &m, &d);
	if (manifest_id_format(y, m, d, (int)seq, id) != 0) {
		seterr(err, "manifest: more than 9999 manifests today");
		return STORE_FULL;
	}
	if ((st = pq(s, PQ_MANIFEST_INSERT)) == NULL)
		return dberr(s, err);
	b_text(st, 1, id);
	sqlite3_bind_int(st, 2, day);
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_int64(st, 4, now);
	b_text(st, 5, actor);
	b_opt(st, 6, station);
	sqlite3_bind_int(st, 7, 0);
	sqlite3_bind_int(st, 8, 0);
	if (prun(st) != SQLITE_OK)
		return dberr(s, err);
	if ((st = pq(s, PQ_OPEN_ITEMS)) == NULL ||
	    (ins = pq(s, PQ_MITEM_INSERT)) == NULL)
		return dberr(s, err);
	b_opt(st, 1, station);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		b_text(ins, 1, id);
		sqlite3_bind_int64(ins, 2, sqlite3_column_int64(st, 0));
		sqlite3_bind_int64(ins, 3, ++pos);
		if (prun(ins) != SQLITE_OK) {
			sqlite3_reset(st);
			return dberr(s, err);
		}
		json_array_append_new(items, json_string(c_str(st, 1)));
		fees += sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return dberr(s, err);
	if (pos == 0) {
		seterr(err,
		    "station: no registered items waiting for a batch%s",
		    station ? " at this station" : "");
		return STORE_CONFLICT;
	}
	if ((st = pq(s, PQ_MANIFEST_TOTALS)) == NULL)
		return dberr(s, err);
	b_text(st, 1, id);
	sqlite3_bind_int64(st, 2, pos);
	sqlite3_bind_int64(st, 3, fees);
	if (prun(st) != SQLITE_OK)
		return dberr(s, err);
	if (add_audit(s, now, actor, "postal_close", id, NULL) != SQLITE_OK)
		return dberr(s, err);
	if (queue_print &&
	    (r = postal_print(s, "manifest", id, actor, now, max_pending, &job,
	         err)) != STORE_OK)
		return r;
	json_object_set_new(out, "manifest_id", json_string(id));
	json_object_set_new(out, "count", json_integer(pos));
	json_object_set_new(out, "fees_vnd", json_integer(fees));
	json_object_set_new(out, "print_job",
	    job ? json_integer(job) : json_null());
	return STORE_OK;
}

enum store_rc
store_postal_close(struct store *s, const char *station, const char *actor,
    int64_t now, bool queue_print, int64_t max_pending, json_t **out,
    char err[STORE_ERR_MAX])
{
	enum store_rc rc;

	*out = NULL;
	if (!check_text("station", station, 0, 64, err) ||
	    !check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	*out = json_object();
	rc = postal_close_tx(s, station, actor, now, queue_print, max_pending,
	    *out, err);
	rc = finish(s, rc, err);
	if (rc != STORE_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* The counts of manifest id for manifest_state(). */
static int
manifest_counts(struct store *s, const char *id, size_t expected,
    bool signed_off, struct manifest_counts *c)
{
	sqlite3_stmt *st = pq(s, PQ_MANIFEST_COUNTS);
	int rc;

	if (st == NULL)
		return -1;
	b_text(st, 1, id);
	rc = sqlite3_step(st);
	memset(c, 0, sizeof *c);
	c->expected = expected;
	c->signed_off = signed_off;
	if (rc == SQLITE_ROW) {
		c->arrived = (size_t)sqlite3_column_int64(st, 0);
		c->missing_resolved = (size_t)sqlite3_column_int64(st, 1);
		c->unexpected = (size_t)sqlite3_column_int64(st, 2);
		c->unexpected_unresolved = (size_t)sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The summary of the manifest row st is on (PQ_MANIFEST_GET). */
static json_t *
manifest_summary(struct store *s, sqlite3_stmt *st)
{
	struct manifest_counts c;
	const char *id = c_str(st, 0);
	json_t *o;

	if (manifest_counts(s, id, (size_t)sqlite3_column_int64(st, 4),
	        sqlite3_column_type(st, 8) != SQLITE_NULL, &c) != 0)
		return NULL;
	o = json_object();
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "closed_at", j_col_time(st, 1));
	json_object_set_new(o, "closed_by", j_col_text(st, 2));
	json_object_set_new(o, "station", j_col_text(st, 3));
	json_object_set_new(o, "count",
	    json_integer(sqlite3_column_int64(st, 4)));
	json_object_set_new(o, "fees_vnd",
	    json_integer(sqlite3_column_int64(st, 5)));
	json_object_set_new(o, "state",
	    json_string(manifest_state_name(manifest_state(&c))));
	json_object_set_new(o, "arrived", json_integer((json_int_t)c.arrived));
	json_object_set_new(o, "missing",
	    json_integer((json_int_t)manifest_missing(&c)));
	json_object_set_new(o, "unexpected",
	    json_integer((json_int_t)c.unexpected));
	return o;
}

json_t *
store_postal_manifests(struct store *s, int limit)
{
	sqlite3_stmt *st = pq(s, PQ_MANIFESTS);
	json_t *arr, *o;
	char(*ids)[MANIFEST_ID_LEN + 1];
	int n = 0, i, rc;

	if (st == NULL || limit < 1)
		return NULL;
	if ((ids = calloc((size_t)limit, sizeof *ids)) == NULL)
		return NULL;
	sqlite3_bind_int(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < limit)
		snprintf(ids[n++], sizeof ids[0], "%s", c_str(st, 0));
	sqlite3_reset(st);
	arr = json_array();
	for (i = 0; i < n; i++) {
		enum store_rc r;

		if ((o = store_postal_manifest(s, ids[i], &r)) == NULL)
			continue;
		/* the list carries the summary only */
		json_object_del(o, "expected");
		json_object_del(o, "arrived_items");
		json_object_del(o, "missing_items");
		json_object_del(o, "unexpected_items");
		json_object_del(o, "discrepancies");
		json_array_append_new(arr, o);
	}
	free(ids);
	o = json_object();
	json_object_set_new(o, "manifests", arr);
	return o;
}

json_t *
store_postal_manifest(struct store *s, const char *id, enum store_rc *rc)
{
	sqlite3_stmt *st = pq(s, PQ_MANIFEST_GET);
	json_t *o, *exp, *arr, *mis, *unx, *dis;
	int r;

	*rc = STORE_ERROR;
	if (st == NULL)
		return NULL;
	b_text(st, 1, id);
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		*rc = r == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
		return NULL;
	}
	if ((o = manifest_summary(s, st)) == NULL) {
		sqlite3_reset(st);
		return NULL;
	}
	json_object_set_new(o, "signatories",
	    sqlite3_column_type(st, 8) == SQLITE_NULL
	        ? json_null()
	        : json_pack("{s:o,s:o,s:o,s:o}", "giver", j_col_text(st, 6),
	              "receiver", j_col_text(st, 7), "signed_at",
	              j_col_time(st, 8), "by", j_col_text(st, 9)));
	sqlite3_reset(st);

	exp = json_array();
	arr = json_array();
	mis = json_array();
	if ((st = pq(s, PQ_MANIFEST_ITEMS)) == NULL)
		goto fail;
	b_text(st, 1, id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t acc = sqlite3_column_int64(st, 2);
		const char *res = c_text(st, 3);
		const char *state = acc ? "accepted"
		    : res               ? "resolved"
		    : json_is_null(json_object_get(o, "signatories"))
		    ? "in_manifest"
		    : "missing";
		json_t *it = json_pack("{s:o,s:o,s:s,s:o,s:I}", "item_id",
		    j_col_text(st, 0), "code", j_col_text(st, 1), "state",
		    state, "arrived_at", j_col_time(st, 2), "fees_vnd",
		    (json_int_t)sqlite3_column_int64(st, 7));

		if (acc)
			json_array_append(arr, it);
		else
			json_array_append_new(mis,
			    json_pack("{s:o,s:o,s:o}", "item_id",
			        j_col_text(st, 0), "code", j_col_text(st, 1),
			        "resolution", j_col_text(st, 3)));
		json_array_append_new(exp, it);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "expected", exp);
	json_object_set_new(o, "arrived_items", arr);
	json_object_set_new(o, "missing_items", mis);
	if (r != SQLITE_DONE)
		goto fail;

	unx = json_array();
	dis = json_array();
	json_object_set_new(o, "unexpected_items", unx);
	json_object_set_new(o, "discrepancies", dis);
	if ((st = pq(s, PQ_DISCS)) == NULL)
		goto fail;
	b_text(st, 1, id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_array_append_new(dis,
		    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "item_id",
		        j_col_text(st, 0), "kind", j_col_text(st, 1),
		        "resolution", j_col_text(st, 2), "reason",
		        j_col_text(st, 3), "by", j_col_text(st, 4), "at",
		        j_col_time(st, 5)));
		if (strcmp(c_str(st, 1), "unexpected") == 0)
			json_array_append_new(unx,
			    json_pack("{s:o,s:o,s:o}", "item_id",
			        j_col_text(st, 0), "scanned_at",
			        j_col_time(st, 6), "resolution",
			        j_col_text(st, 2)));
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		goto fail;
	/* missing items not yet resolved are discrepancies too, listed
	 * (unresolved) once the handover is signed */
	if (!json_is_null(json_object_get(o, "signatories"))) {
		size_t i;
		json_t *m;

		json_array_foreach(mis, i, m)
			if (json_is_null(json_object_get(m, "resolution")))
				json_array_append_new(dis,
				    json_pack("{s:O,s:s,s:n,s:n,s:n,s:n}",
				        "item_id",
				        json_object_get(m, "item_id"), "kind",
				        "missing", "resolution", "reason", "by",
				        "at"));
	}
	*rc = STORE_OK;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static int
manifest_exists(struct store *s, const char *id, int64_t *signed_at,
    char *giver, char *receiver, size_t size)
{
	sqlite3_stmt *st = pq(s, PQ_MANIFEST_GET);
	int rc;

	if (st == NULL)
		return -1;
	b_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (signed_at)
			*signed_at = sqlite3_column_int64(st, 8);
		if (giver)
			snprintf(giver, size, "%s", c_str(st, 6));
		if (receiver)
			snprintf(receiver, size, "%s", c_str(st, 7));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Accepts postal row pid (dossier did, status from) at now: the agency
 * acceptance time becomes received_at and the due date counts from it.
 * *due gets the new due date (0: the dossier could not move). */
static enum store_rc
postal_accept(struct store *s, int64_t pid, int64_t did, const char *code,
    int from, const char *proc, const char *item, const char *actor,
    int64_t now, int64_t *due, char *err)
{
	sqlite3_stmt *st;
	struct event ev;
	char detail[96];
	int days = 0, rc;
	bool prov = false;

	*due = 0;
	if ((st = pq(s, PQ_ACCEPT_ITEM)) == NULL)
		return dberr(s, err);
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int64(st, 2, now);
	b_text(st, 3, actor);
	if (prun(st) != SQLITE_OK)
		return dberr(s, err);
	snprintf(detail, sizeof detail, "{\"postal_item\":\"%s\"}", item);
	if (add_audit(s, now, actor, "postal_accept", code, item) != SQLITE_OK)
		return dberr(s, err);
	/* a dossier withdrawn meanwhile keeps its status */
	if (!status_can_move(from, ST_RECEIVED))
		return STORE_OK;
	st = q(s, Q_PROC_GET);
	b_text(st, 1, proc);
	rc = sqlite3_step(st);
	days = rc == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
	sqlite3_reset(st);
	*due = cal_due(&s->cal, now, days > 0 ? days : 1, &prov);
	if ((st = pq(s, PQ_DOSSIER_ACCEPT)) == NULL)
		return dberr(s, err);
	sqlite3_bind_int64(st, 1, did);
	sqlite3_bind_int(st, 2, ST_RECEIVED);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, *due);
	sqlite3_bind_int(st, 5, prov);
	if (prun(st) != SQLITE_OK)
		return dberr(s, err);
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = did;
	ev.at = now;
	ev.kind = "status";
	ev.old_status = from;
	ev.new_status = ST_RECEIVED;
	ev.due_after = *due;
	ev.actor = actor;
	ev.reason = "postal item accepted at the office";
	ev.detail = detail;
	if (add_event(s, &ev) != SQLITE_OK ||
	    add_outbox(s, did, "status", ST_RECEIVED, now) != SQLITE_OK)
		return dberr(s, err);
	return STORE_OK;
}

/* A postal item as a manifest lists it (PQ_ITEM_ON_MANIFEST). */
struct manifest_item {
	int64_t pid, did, accepted_at;
	char code[DCODE_TEXT_MAX + 1], proc[PROC_CODE_MAX + 1];
	int status;
};

/* Looks item up on manifest mid: 1 on it (*mi filled), 0 not on it, or an
 * error code (no such manifest, a database error) with err set. */
static int
manifest_item_find(struct store *s, const char *mid, const char *item,
    struct manifest_item *mi, enum store_rc *rc_out, char *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = manifest_exists(s, mid, NULL, NULL, NULL, 0)) != 1) {
		if (rc < 0) {
			*rc_out = dberr(s, err);
			return -1;
		}
		seterr(err, "manifest_id: no manifest %s", mid);
		*rc_out = STORE_NOTFOUND;
		return -1;
	}
	if ((st = pq(s, PQ_ITEM_ON_MANIFEST)) == NULL) {
		*rc_out = dberr(s, err);
		return -1;
	}
	b_text(st, 1, mid);
	b_text(st, 2, item);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		mi->pid = sqlite3_column_int64(st, 0);
		mi->did = sqlite3_column_int64(st, 1);
		mi->accepted_at = sqlite3_column_int64(st, 2);
		snprintf(mi->code, sizeof mi->code, "%s", c_str(st, 3));
		mi->status = sqlite3_column_int(st, 4);
		snprintf(mi->proc, sizeof mi->proc, "%s", c_str(st, 5));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*rc_out = dberr(s, err);
		return -1;
	}
	return rc == SQLITE_ROW;
}

static enum store_rc
postal_receive_tx(struct store *s, const char *mid, const char *item,
    const char *actor, int64_t now, json_t *out, char *err)
{
	sqlite3_stmt *st;
	struct manifest_item mi;
	int64_t due;
	int rc;
	enum store_rc r;

	if ((rc = manifest_item_find(s, mid, item, &mi, &r, err)) < 0)
		return r;
	json_object_set_new(out, "item_id", json_string(item));
	if (rc == 1) {
		json_object_set_new(out, "code", json_string(mi.code));
		if (mi.accepted_at != 0) {
			json_object_set_new(out, "result",
			    json_string("already"));
			json_object_set_new(out, "accepted_at",
			    j_time(mi.accepted_at));
			return STORE_OK;
		}
		if ((r = postal_accept(s, mi.pid, mi.did, mi.code, mi.status,
		         mi.proc, item, actor, now, &due, err)) != STORE_OK)
			return r;
		json_object_set_new(out, "result", json_string("accepted"));
		json_object_set_new(out, "accepted_at", j_time(now));
		json_object_set_new(out, "due_at", j_time(due));
		return STORE_OK;
	}
	/* not on this manifest: an unexpected packet, recorded once */
	if ((st = pq(s, PQ_DISC_GET)) == NULL)
		return dberr(s, err);
	b_text(st, 1, mid);
	b_text(st, 2, item);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		json_object_set_new(out, "result", json_string("already"));
		json_object_set_new(out, "accepted_at", json_null());
		json_object_set_new(out, "scanned_at", j_col_time(st, 3));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc != SQLITE_DONE || (st = pq(s, PQ_DISC_INSERT)) == NULL)
		return dberr(s, err);
	b_text(st, 1, mid);
	b_text(st, 2, item);
	b_text(st, 3, "unexpected");
	sqlite3_bind_int64(st, 4, now);
	if (prun(st) != SQLITE_OK ||
	    add_audit(s, now, actor, "postal_unexpected", mid, item) !=
	        SQLITE_OK)
		return dberr(s, err);
	json_object_set_new(out, "result", json_string("unexpected"));
	json_object_set_new(out, "accepted_at", json_null());
	return STORE_OK;
}

static bool
check_item_arg(const char *item, char *err)
{
	struct s10 id;

	if (item == NULL || *item == '\0') {
		seterr(err, "item_id: required");
		return false;
	}
	if (s10_parse(item, strlen(item), &id) == S10_BAD_FORMAT ||
	    strcmp(id.id, item) != 0) {
		seterr(err, "item_id: not a normalised S10 item id");
		return false;
	}
	return true;
}

enum store_rc
store_postal_receive(struct store *s, const char *mid, const char *item,
    const char *actor, int64_t now, json_t **out, char err[STORE_ERR_MAX])
{
	enum store_rc rc;

	*out = NULL;
	if (!check_item_arg(item, err) ||
	    !check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	*out = json_object();
	rc = postal_receive_tx(s, mid, item, actor, now, *out, err);
	rc = finish(s, rc, err);
	if (rc != STORE_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static enum store_rc
postal_resolve_tx(struct store *s, const char *mid, const char *item,
    const char *res, const char *reason, const char *actor, int64_t now,
    char *err)
{
	sqlite3_stmt *st;
	struct manifest_item mi;
	char detail[96];
	int64_t due;
	int rc;
	bool on, have = false, same = false;
	enum store_rc r;

	if ((rc = manifest_item_find(s, mid, item, &mi, &r, err)) < 0)
		return r;
	on = rc == 1;
	if (on && mi.accepted_at != 0) {
		seterr(err, "item_id: %s arrived: nothing to resolve", item);
		return STORE_CONFLICT;
	}
	if ((st = pq(s, PQ_DISC_GET)) == NULL)
		return dberr(s, err);
	b_text(st, 1, mid);
	b_text(st, 2, item);
	if (sqlite3_step(st) == SQLITE_ROW) {
		have = true;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			same = strcmp(c_str(st, 1), res) == 0;
			if (!same) {
				seterr(err,
				    "resolution: %s is already resolved as %s",
				    item, c_str(st, 1));
				sqlite3_reset(st);
				return STORE_CONFLICT;
			}
		}
	}
	sqlite3_reset(st);
	if (same)
		return STORE_OK; /* no second effect */
	if (!on && !have) {
		seterr(err,
		    "item_id: %s is neither on manifest %s nor scanned "
		    "with it",
		    item, mid);
		return STORE_NOTFOUND;
	}
	if (have) {
		if ((st = pq(s, PQ_DISC_RESOLVE)) == NULL)
			return dberr(s, err);
	} else {
		if ((st = pq(s, PQ_DISC_INSERT)) == NULL)
			return dberr(s, err);
	}
	b_text(st, 1, mid);
	b_text(st, 2, item);
	if (have) {
		b_text(st, 3, res);
		b_text(st, 4, reason);
		b_text(st, 5, actor);
		sqlite3_bind_int64(st, 6, now);
	} else {
		b_text(st, 3, "missing");
		b_text(st, 5, res);
		b_text(st, 6, reason);
		b_text(st, 7, actor);
		sqlite3_bind_int64(st, 8, now);
	}
	if (prun(st) != SQLITE_OK)
		return dberr(s, err);
	snprintf(detail, sizeof detail, "%s: %s", item, res);
	if (add_audit(s, now, actor, "postal_resolve", mid, detail) !=
	    SQLITE_OK)
		return dberr(s, err);
	/* a missing packet that turned up late is accepted now */
	if (on && strcmp(res, "arrived_late") == 0 &&
	    (r = postal_accept(s, mi.pid, mi.did, mi.code, mi.status, mi.proc,
	         item, actor, now, &due, err)) != STORE_OK)
		return r;
	return STORE_OK;
}

enum store_rc
store_postal_resolve(struct store *s, const char *mid, const char *item,
    const char *res, const char *reason, const char *actor, int64_t now,
    char err[STORE_ERR_MAX])
{
	enum store_rc rc;

	if (!check_item_arg(item, err))
		return STORE_INVALID;
	if (res == NULL ||
	    manifest_resolution_parse(res, strlen(res)) == MANIFEST_RES_NONE) {
		seterr(err,
		    "resolution: must be arrived_late, lost or returned");
		return STORE_INVALID;
	}
	if (!check_text("reason", reason, 1, REASON_MAX, err) ||
	    !check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	rc = postal_resolve_tx(s, mid, item, res, reason, actor, now, err);
	return finish(s, rc, err);
}

enum store_rc
store_postal_sign(struct store *s, const char *mid, const char *giver,
    const char *receiver, const char *actor, int64_t now,
    char err[STORE_ERR_MAX])
{
	char g[256], rcv[256];
	int64_t signed_at = 0;
	sqlite3_stmt *st;
	enum store_rc rc;
	int e;

	if (!check_text("giver", giver, 1, 200, err) ||
	    !check_text("receiver", receiver, 1, 200, err) ||
	    !check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	if ((e = manifest_exists(s, mid, &signed_at, g, rcv, sizeof g)) != 1) {
		rollback(s);
		if (e < 0)
			return dberr(s, err);
		seterr(err, "manifest_id: no manifest %s", mid);
		return STORE_NOTFOUND;
	}
	if (signed_at != 0) {
		rollback(s);
		if (strcmp(g, giver) == 0 && strcmp(rcv, receiver) == 0)
			return STORE_OK;
		seterr(err, "giver: manifest %s was already signed by others",
		    mid);
		return STORE_CONFLICT;
	}
	if ((st = pq(s, PQ_SIGN)) == NULL)
		return finish(s, dberr(s, err), err);
	b_text(st, 1, mid);
	b_text(st, 2, giver);
	b_text(st, 3, receiver);
	sqlite3_bind_int64(st, 4, now);
	b_text(st, 5, actor);
	if (prun(st) != SQLITE_OK ||
	    add_audit(s, now, actor, "postal_sign", mid, NULL) != SQLITE_OK)
		return finish(s, dberr(s, err), err);
	return finish(s, STORE_OK, err);
}

/* Status 9 -> 10 of dossier did at now for a return by post. */
static enum store_rc
postal_returned(struct store *s, const char *code, int from, const char *item,
    const char *actor, int64_t now, char *err)
{
	char reason[64];

	(void)from;
	snprintf(reason, sizeof reason, "result delivered by post (%s)", item);
	return set_status_tx(s, code, ST_RETURNED, reason, actor, now, err);
}

enum store_rc
store_postal_return(struct store *s, const char *code, const char *item,
    bool done_at_handover, const char *actor, int64_t now,
    char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	sqlite3_stmt *st;
	int64_t did = 0;
	int status = 0, delivery = 0, rc;
	enum store_rc r;

	if ((r = norm_code(code, c, err)) != STORE_OK)
		return r;
	if (!check_item_arg(item, err) ||
	    !check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((r = begin(s, err)) != STORE_OK)
		return r;
	if ((st = pq(s, PQ_DOSSIER_ID)) == NULL)
		return finish(s, dberr(s, err), err);
	b_text(st, 1, c);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		did = sqlite3_column_int64(st, 0);
		status = sqlite3_column_int(st, 1);
		delivery = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			return finish(s, dberr(s, err), err);
		seterr(err, "code: no dossier %s", c);
		return finish(s, STORE_NOTFOUND, err);
	}
	if (delivery != DELIVERY_POST) {
		seterr(err,
		    "code: dossier %s has its result collected at the "
		    "counter, not returned by post",
		    c);
		return finish(s, STORE_CONFLICT, err);
	}
	if (status != ST_RESULT_READY) {
		seterr(err, "code: the result is not ready (status %d)",
		    status);
		return finish(s, STORE_CONFLICT, err);
	}
	if ((st = pq(s, PQ_RETURN_GET)) == NULL)
		return finish(s, dberr(s, err), err);
	b_text(st, 1, item);
	sqlite3_bind_int64(st, 2, now - STORE_POSTAL_WINDOW_S);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		seterr(err, "item_id: %s already carries a result", item);
		return finish(s, STORE_CONFLICT, err);
	}
	if ((st = pq(s, PQ_RETURN_INSERT)) == NULL)
		return finish(s, dberr(s, err), err);
	sqlite3_bind_int64(st, 1, did);
	b_text(st, 2, item);
	sqlite3_bind_int64(st, 3, now);
	b_text(st, 4, actor);
	if (prun(st) != SQLITE_OK ||
	    add_audit(s, now, actor, "postal_return", c, item) != SQLITE_OK)
		return finish(s, dberr(s, err), err);
	r = done_at_handover
	    ? postal_returned(s, c, status, item, actor, now, err)
	    : STORE_OK;
	return finish(s, r, err);
}

enum store_rc
store_postal_delivered(struct store *s, const char *item, bool done_at_handover,
    const char *actor, int64_t now, char err[STORE_ERR_MAX])
{
	char code[DCODE_TEXT_MAX + 1];
	sqlite3_stmt *st;
	int64_t rid = 0, delivered = 0;
	int status = 0, rc;
	enum store_rc r;

	if (!check_item_arg(item, err) ||
	    !check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((r = begin(s, err)) != STORE_OK)
		return r;
	if ((st = pq(s, PQ_RETURN_GET)) == NULL)
		return finish(s, dberr(s, err), err);
	b_text(st, 1, item);
	sqlite3_bind_int64(st, 2, now - STORE_POSTAL_WINDOW_S);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rid = sqlite3_column_int64(st, 0);
		delivered = sqlite3_column_int64(st, 1);
		snprintf(code, sizeof code, "%s", c_str(st, 2));
		status = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			return finish(s, dberr(s, err), err);
		seterr(err, "item_id: no result handed over as %s", item);
		return finish(s, STORE_NOTFOUND, err);
	}
	if (delivered != 0) {
		rollback(s); /* confirmed before: no second effect */
		return STORE_OK;
	}
	if ((st = pq(s, PQ_RETURN_DELIVER)) == NULL)
		return finish(s, dberr(s, err), err);
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, now);
	b_text(st, 3, actor);
	if (prun(st) != SQLITE_OK ||
	    add_audit(s, now, actor, "postal_delivered", code, item) !=
	        SQLITE_OK)
		return finish(s, dberr(s, err), err);
	r = !done_at_handover && status == ST_RESULT_READY
	    ? postal_returned(s, code, status, item, actor, now, err)
	    : STORE_OK;
	return finish(s, r, err);
}

json_t *
store_postal_returns(struct store *s, int from_day, int to_day)
{
	sqlite3_stmt *st = pq(s, PQ_RETURNS);
	json_t *arr;
	int rc;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, cal_instant(from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(to_day + 1, 0));
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr,
		    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:i}", "code",
		        j_col_text(st, 0), "item_id", j_col_text(st, 1),
		        "procedure_code", j_col_text(st, 2), "handed_at",
		        j_col_time(st, 3), "delivered_at", j_col_time(st, 4),
		        "handed_by", j_col_text(st, 5), "status",
		        sqlite3_column_int(st, 6)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

json_t *
store_procedure_checklist(struct store *s, const char *code, enum store_rc *rc)
{
	sqlite3_stmt *st = pq(s, PQ_PROC_DOCS);
	json_t *docs, *list, *d;
	size_t i;
	int r;

	*rc = STORE_ERROR;
	if (st == NULL)
		return NULL;
	b_text(st, 1, code);
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		*rc = r == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
		return NULL;
	}
	docs = sqlite3_column_type(st, 0) == SQLITE_NULL
	    ? NULL
	    : json_loads(c_str(st, 0), 0, NULL);
	sqlite3_reset(st);
	list = json_array();
	/* the catalogue stores names; every listed document is required */
	json_array_foreach(docs, i, d)
		if (json_is_string(d))
			json_array_append_new(list,
			    json_pack("{s:O,s:b}", "name", d, "required", 1));
	json_decref(docs);
	*rc = STORE_OK;
	return json_pack("{s:o}", "documents", list);
}

json_t *
store_postal_manifest_docs(struct store *s, const char *id, enum store_rc *rc)
{
	sqlite3_stmt *st;
	json_t *arr;
	int r;

	*rc = STORE_ERROR;
	if ((r = manifest_exists(s, id, NULL, NULL, NULL, 0)) != 1) {
		*rc = r == 0 ? STORE_NOTFOUND : STORE_ERROR;
		return NULL;
	}
	if ((st = pq(s, PQ_DOCS_OF)) == NULL)
		return NULL;
	b_text(st, 1, id);
	arr = json_array();
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		char code[160];

		/* the printed row names the dossier and its S10 item */
		snprintf(code, sizeof code, "%s / %s", c_str(st, 0),
		    c_str(st, 6));
		json_array_append_new(arr,
		    json_pack("{s:s,s:o,s:o,s:o,s:i,s:I,s:o}", "code", code,
		        "procedure_name", j_col_text(st, 1), "owner_name",
		        j_col_text(st, 2), "address", j_col_text(st, 3),
		        "delivery", sqlite3_column_int(st, 4), "fee",
		        (json_int_t)sqlite3_column_int64(st, 5), "item_id",
		        j_col_text(st, 6)));
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE) {
		json_decref(arr);
		return NULL;
	}
	*rc = STORE_OK;
	return arr;
}

/* ---- accounts, sessions, API tokens (auth.c; docs/security.md) ----
 *
 * Statements are prepared per call, like the print queue's: sign-ins and
 * account changes are rare, and a session check costs one prepare and one
 * primary-key probe. */

static enum store_rc
auth_exec(struct store *s, sqlite3_stmt *st, char *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return err != NULL ? dberr(s, err) : STORE_ERROR;
	return STORE_OK;
}

static sqlite3_stmt *
auth_prep(struct store *s, const char *text)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, text, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

static bool
user_role_valid(const char *role)
{
	static const char *const roles[] = { "kiosk", "postal_clerk",
		"office_staff", "admin" };

	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (role != NULL && strcmp(role, roles[i]) == 0)
			return true;
	return false;
}

enum store_rc
store_user_get(struct store *s, const char *name, struct store_user *u)
{
	sqlite3_stmt *st = auth_prep(s,
	    "SELECT id, name, role, pw_hash, disabled, created_at, updated_at"
	    " FROM users WHERE name = ?1");
	int rc;

	memset(u, 0, sizeof *u);
	if (st == NULL)
		return STORE_ERROR;
	b_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		u->id = sqlite3_column_int64(st, 0);
		snprintf(u->name, sizeof u->name, "%s", c_str(st, 1));
		snprintf(u->role, sizeof u->role, "%s", c_str(st, 2));
		snprintf(u->hash, sizeof u->hash, "%s", c_str(st, 3));
		u->disabled = sqlite3_column_int(st, 4) != 0;
		u->created_at = sqlite3_column_int64(st, 5);
		u->updated_at = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK
	    : rc == SQLITE_DONE ? STORE_NOTFOUND
	                        : STORE_ERROR;
}

enum store_rc
store_user_add(struct store *s, const char *name, const char *role,
    const char *hash, const char *actor, char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	int64_t now = wall_now();
	enum store_rc rc;
	char detail[64];
	int step;

	if (!check_text("name", name, 1, STORE_USER_NAME_MAX, err))
		return STORE_INVALID;
	if (!user_role_valid(role)) {
		seterr(err,
		    "role: not kiosk, postal_clerk, office_staff or admin");
		return STORE_INVALID;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	if ((st = auth_prep(s,
	         "INSERT INTO users(name, role, pw_hash, created_at,"
	         " updated_at) VALUES (?1, ?2, ?3, ?4, ?4)")) == NULL) {
		rc = dberr(s, err);
		rollback(s);
		return rc;
	}
	b_text(st, 1, name);
	b_text(st, 2, role);
	b_text(st, 3, hash);
	sqlite3_bind_int64(st, 4, now);
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step == SQLITE_CONSTRAINT_UNIQUE) {
		rollback(s);
		seterr(err, "name: a user with this name exists");
		return STORE_CONFLICT;
	}
	if (step != SQLITE_DONE) {
		rc = dberr(s, err);
		rollback(s);
		return rc;
	}
	snprintf(detail, sizeof detail, "role %s", role);
	if (add_audit(s, now, actor, "user_add", name, detail) != SQLITE_OK) {
		rc = dberr(s, err);
		rollback(s);
		return rc;
	}
	return commit(s, err);
}

/* One UPDATE of a user row by name plus its audit row (action NULL: none),
 * in one transaction; the user's sessions end when end_sessions. */
static enum store_rc
user_change(struct store *s, const char *name, const char *update,
    const char *bind_text, const char *actor, const char *action,
    const char *detail, bool end_sessions, char *err)
{
	sqlite3_stmt *st;
	int64_t now = wall_now();
	enum store_rc rc;

	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	if ((st = auth_prep(s, update)) == NULL)
		goto fail;
	b_text(st, 1, name);
	sqlite3_bind_int64(st, 2, now);
	if (bind_text != NULL)
		b_text(st, 3, bind_text);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	if (sqlite3_changes(s->db) == 0) {
		rollback(s);
		seterr(err, "name: no such user");
		return STORE_NOTFOUND;
	}
	if (end_sessions &&
	    ((st = auth_prep(s,
	          "DELETE FROM sessions WHERE user_id ="
	          " (SELECT id FROM users WHERE name = ?1)")) == NULL ||
	        (b_text(st, 1, name), auth_exec(s, st, NULL)) != STORE_OK))
		goto fail;
	if (action != NULL &&
	    add_audit(s, now, actor, action, name, detail) != SQLITE_OK)
		goto fail;
	return commit(s, err);
fail:
	rc = dberr(s, err);
	rollback(s);
	return rc;
}

enum store_rc
store_user_set_hash(struct store *s, const char *name, const char *hash,
    const char *actor, char err[STORE_ERR_MAX])
{
	/* actor NULL: a rehash at sign-in (stronger parameters), not a
	 * change of password: sessions stay and nothing is audited */
	return user_change(s, name,
	    "UPDATE users SET pw_hash = ?3, updated_at = ?2 WHERE name = ?1",
	    hash, actor, actor != NULL ? "user_passwd" : NULL, NULL,
	    actor != NULL, err);
}

enum store_rc
store_user_disable(struct store *s, const char *name, const char *actor,
    char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	enum store_rc rc = user_change(s, name,
	    "UPDATE users SET disabled = 1, updated_at = ?2 WHERE name = ?1",
	    NULL, actor, "user_disable", NULL, true, err);

	if (rc != STORE_OK)
		return rc;
	/* its tokens die with it (a re-enabled account gets new ones) */
	if ((st = auth_prep(s,
	         "UPDATE api_tokens SET revoked_at = ?2 WHERE revoked_at IS"
	         " NULL AND user_id = (SELECT id FROM users WHERE"
	         " name = ?1)")) == NULL)
		return dberr(s, err);
	b_text(st, 1, name);
	sqlite3_bind_int64(st, 2, wall_now());
	return auth_exec(s, st, err);
}

json_t *
store_users(struct store *s)
{
	sqlite3_stmt *st = auth_prep(s,
	    "SELECT u.name, u.role, u.disabled, u.created_at, u.updated_at,"
	    " (SELECT count(*) FROM sessions x WHERE x.user_id = u.id),"
	    " (SELECT count(*) FROM api_tokens t WHERE t.user_id = u.id"
	    "  AND t.revoked_at IS NULL)"
	    " FROM users u ORDER BY u.name");
	json_t *a = json_array();

	if (st == NULL || a == NULL) {
		sqlite3_finalize(st);
		json_decref(a);
		return NULL;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a,
		    json_pack("{s:o,s:o,s:b,s:o,s:o,s:I,s:I}", "name",
		        j_col_text(st, 0), "role", j_col_text(st, 1),
		        "disabled", sqlite3_column_int(st, 2) != 0,
		        "created_at", j_col_time(st, 3), "updated_at",
		        j_col_time(st, 4), "sessions",
		        (json_int_t)sqlite3_column_int64(st, 5), "tokens",
		        (json_int_t)sqlite3_column_int64(st, 6)));
	sqlite3_finalize(st);
	return a;
}

enum store_rc
store_session_add(struct store *s, const unsigned char id_hash[32],
    int64_t user_id, const char *csrf, int64_t now, int64_t expires_at,
    const char *client)
{
	sqlite3_stmt *st = auth_prep(s,
	    "INSERT INTO sessions(id_hash, user_id, csrf, created_at,"
	    " last_seen, expires_at, client) VALUES (?1, ?2, ?3, ?4, ?4, ?5,"
	    " ?6)");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user_id);
	b_text(st, 3, csrf);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, expires_at);
	b_text(st, 6, client != NULL ? client : "");
	return auth_exec(s, st, NULL);
}

enum store_rc
store_session_get(struct store *s, const unsigned char id_hash[32],
    struct store_session *out)
{
	sqlite3_stmt *st = auth_prep(s,
	    "SELECT u.id, u.name, u.role, x.csrf, x.created_at, x.last_seen,"
	    " x.expires_at FROM sessions x JOIN users u ON u.id = x.user_id"
	    " WHERE x.id_hash = ?1 AND u.disabled = 0");
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->user_id = sqlite3_column_int64(st, 0);
		snprintf(out->user, sizeof out->user, "%s", c_str(st, 1));
		snprintf(out->role, sizeof out->role, "%s", c_str(st, 2));
		snprintf(out->csrf, sizeof out->csrf, "%s", c_str(st, 3));
		out->created_at = sqlite3_column_int64(st, 4);
		out->last_seen = sqlite3_column_int64(st, 5);
		out->expires_at = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK
	    : rc == SQLITE_DONE ? STORE_NOTFOUND
	                        : STORE_ERROR;
}

enum store_rc
store_session_touch(struct store *s, const unsigned char id_hash[32],
    int64_t now)
{
	sqlite3_stmt *st = auth_prep(s,
	    "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	return auth_exec(s, st, NULL);
}

enum store_rc
store_session_delete(struct store *s, const unsigned char id_hash[32])
{
	sqlite3_stmt *st =
	    auth_prep(s, "DELETE FROM sessions WHERE id_hash = ?1");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_STATIC);
	return auth_exec(s, st, NULL);
}

int
store_sessions_prune(struct store *s, int64_t now, int64_t idle_s)
{
	sqlite3_stmt *st = auth_prep(s,
	    "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen <= ?2");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now - idle_s);
	if (auth_exec(s, st, NULL) != STORE_OK)
		return -1;
	return sqlite3_changes(s->db);
}

enum store_rc
store_token_add(struct store *s, const unsigned char hash[32], const char *user,
    const char *label, const char *actor, int64_t *id, char err[STORE_ERR_MAX])
{
	struct store_user u;
	sqlite3_stmt *st;
	int64_t now = wall_now();
	enum store_rc rc;
	char detail[160];

	if (!check_text("label", label, 0, 128, err))
		return STORE_INVALID;
	if ((rc = store_user_get(s, user, &u)) != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			seterr(err, "name: no such user");
		else
			dberr(s, err);
		return rc;
	}
	if (u.disabled) {
		seterr(err, "name: the account is disabled");
		return STORE_CONFLICT;
	}
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	if ((st = auth_prep(s,
	         "INSERT INTO api_tokens(token_hash, user_id, label,"
	         " created_at) VALUES (?1, ?2, ?3, ?4)")) == NULL)
		goto fail;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, u.id);
	b_text(st, 3, label != NULL ? label : "");
	sqlite3_bind_int64(st, 4, now);
	if (auth_exec(s, st, NULL) != STORE_OK)
		goto fail;
	*id = sqlite3_last_insert_rowid(s->db);
	snprintf(detail, sizeof detail, "token %lld%s%.128s", (long long)*id,
	    label != NULL && *label ? " " : "", label != NULL ? label : "");
	if (add_audit(s, now, actor, "token_add", user, detail) != SQLITE_OK)
		goto fail;
	return commit(s, err);
fail:
	rc = dberr(s, err);
	rollback(s);
	return rc;
}

enum store_rc
store_token_get(struct store *s, const unsigned char hash[32], int64_t now,
    struct store_session *out)
{
	sqlite3_stmt *st = auth_prep(s,
	    "SELECT u.id, u.name, u.role, t.id, t.last_used"
	    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
	    " WHERE t.token_hash = ?1 AND t.revoked_at IS NULL"
	    " AND u.disabled = 0");
	int64_t tid = 0, last = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->user_id = sqlite3_column_int64(st, 0);
		snprintf(out->user, sizeof out->user, "%s", c_str(st, 1));
		snprintf(out->role, sizeof out->role, "%s", c_str(st, 2));
		tid = sqlite3_column_int64(st, 3);
		last = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
	/* last_used to the minute: not one commit per CLI request */
	if (now - last >= 60 &&
	    (st = auth_prep(s,
	         "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1")) !=
	        NULL) {
		sqlite3_bind_int64(st, 1, tid);
		sqlite3_bind_int64(st, 2, now);
		auth_exec(s, st, NULL);
	}
	return STORE_OK;
}

enum store_rc
store_token_revoke(struct store *s, const char *user, const char *label,
    const char *actor, int *count, char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	enum store_rc rc;
	int64_t now = wall_now();
	char detail[160];

	*count = 0;
	if ((rc = begin(s, err)) != STORE_OK)
		return rc;
	if ((st = auth_prep(s,
	         "UPDATE api_tokens SET revoked_at = ?2 WHERE revoked_at IS"
	         " NULL AND user_id = (SELECT id FROM users WHERE name = ?1)"
	         " AND (?3 IS NULL OR label = ?3)")) == NULL)
		goto fail;
	b_text(st, 1, user);
	sqlite3_bind_int64(st, 2, now);
	b_text(st, 3, label);
	if (auth_exec(s, st, NULL) != STORE_OK)
		goto fail;
	*count = sqlite3_changes(s->db);
	snprintf(detail, sizeof detail, "%d token(s)%s%.128s", *count,
	    label != NULL ? " labelled " : "", label != NULL ? label : "");
	if (add_audit(s, now, actor, "token_revoke", user, detail) != SQLITE_OK)
		goto fail;
	return commit(s, err);
fail:
	rc = dberr(s, err);
	rollback(s);
	return rc;
}

json_t *
store_audit_list(struct store *s, int64_t from, int64_t to, int limit)
{
	sqlite3_stmt *st = auth_prep(s,
	    "SELECT id, at, actor, action, object, detail FROM audit_log"
	    " WHERE at >= ?1 AND at < ?2 ORDER BY at, id LIMIT ?3");
	json_t *a = json_array();

	if (st == NULL || a == NULL) {
		sqlite3_finalize(st);
		json_decref(a);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int(st, 3, limit);
	while (sqlite3_step(st) == SQLITE_ROW)
		json_array_append_new(a,
		    json_pack("{s:I,s:o,s:o,s:o,s:o,s:o}", "id",
		        (json_int_t)sqlite3_column_int64(st, 0), "at",
		        j_col_time(st, 1), "actor", j_col_text(st, 2), "action",
		        j_col_text(st, 3), "object", j_col_text(st, 4),
		        "detail", j_col_text(st, 5)));
	sqlite3_finalize(st);
	return a;
}
