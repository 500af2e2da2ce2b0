/* store.c: the local SQLite store (see store.h): open, migrations, close,
 * transactions and the helpers the other daemon/store/store_*.c files
 * share through store_int.h. Every statement is prepared once at open
 * (SQLITE_PREPARE_PERSISTENT) and reused; each use resets it first and
 * resets it again when done, so no statement keeps a read snapshot open
 * between calls (that would stall WAL checkpoints). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <time.h>

#include <sodium.h>

#include "core/textfold.h"
#include "lib/clock.h"
#include "store/store_int.h"

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
	/* 6: the durable print queue (daemon/printer/printer.c). A job names
	 * what to print (kind and ref), not the bytes: it is rendered when it
	 * is sent, so a reprint carries the "BẢN IN LẠI" banner. */
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
	/* 9: bearer tokens expire (docs/security.md). Tokens issued before
	 * get the default lifetime from their issue, so those older than 90
	 * days end at the upgrade; a NULL expiry is never live. */
	"ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;"
	"UPDATE api_tokens SET expires_at = created_at + 90 * 86400;",
	/* 10: Idempotency-Key (docs/api.md): the first reply of a create,
	 * written in the create's own transaction, so a retry after a lost
	 * reply gets it again and creates nothing. request_hash is BLAKE2b
	 * of who asked, the route and the body; the reply names codes and
	 * tokens, never an applicant. Rows older than STORE_IDEM_TTL_S are
	 * pruned by the next keyed create. */
	"CREATE TABLE idempotency ("
	" key TEXT PRIMARY KEY NOT NULL,"
	" request_hash BLOB NOT NULL CHECK (length(request_hash) = 32),"
	" status INTEGER NOT NULL CHECK (status BETWEEN 200 AND 299),"
	" reply BLOB NOT NULL,"
	" created_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE INDEX idempotency_created ON idempotency(created_at);",
	/* 11: a postal clerk's post office (docs/security.md, "Postal
	 * scope"): the account's, copied onto each registration it makes,
	 * so a clerk reads only their post office's registrations. '' is
	 * no post office: such a clerk reads only their own. */
	"ALTER TABLE users ADD COLUMN post_office TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE postal_items ADD COLUMN post_office TEXT NOT NULL"
	" DEFAULT '';",
	/* 12: the counter desk (docs/counter.md). Hand-offs between the
	 * counter and the lead agency (Mẫu 05) are append-only: triggers
	 * refuse any change, so the slip printed from them stays true. A
	 * dossier refused at the counter (Mẫu 03) keeps its reason; one
	 * returned at the desk keeps who collected it and whether their ID
	 * was checked (personal data: staff views only, never logged). */
	"CREATE TABLE handoffs ("
	" id INTEGER PRIMARY KEY,"
	" dossier_id INTEGER NOT NULL REFERENCES dossiers(id),"
	" at INTEGER NOT NULL,"
	" from_party TEXT NOT NULL,"
	" to_party TEXT NOT NULL,"
	" note TEXT,"
	" actor TEXT NOT NULL"
	");"
	"CREATE INDEX handoffs_dossier ON handoffs(dossier_id, id);"
	"CREATE TRIGGER handoffs_no_update BEFORE UPDATE ON handoffs"
	" BEGIN SELECT RAISE(ABORT, 'handoffs are append-only'); END;"
	"CREATE TRIGGER handoffs_no_delete BEFORE DELETE ON handoffs"
	" BEGIN SELECT RAISE(ABORT, 'handoffs are append-only'); END;"
	"ALTER TABLE dossiers ADD COLUMN refusal_reason TEXT;"
	"ALTER TABLE dossiers ADD COLUMN collected_by TEXT;"
	"ALTER TABLE dossiers ADD COLUMN id_checked INTEGER;"
	/* The print queue takes the counter's forms (Mẫu 02-05) too: a
	 * CHECK cannot be altered, so the table is rebuilt (SQLite's
	 * procedure; its self-reference names the new table, which the
	 * rename rewrites, so dropping the old one breaks no key). */
	"CREATE TABLE print_jobs_new ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL CHECK (kind IN ('receipt', 'slip', 'manifest',"
	"  'test', 'supplement', 'refusal', 'apology', 'control')),"
	" ref TEXT NOT NULL DEFAULT '',"
	" state TEXT NOT NULL CHECK (state IN ('queued', 'printing', 'done',"
	"  'failed')),"
	" reprint INTEGER NOT NULL DEFAULT 0,"
	" reprint_of INTEGER REFERENCES print_jobs_new(id),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" actor TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" updated_at INTEGER NOT NULL,"
	" finished_at INTEGER,"
	" bytes INTEGER,"
	" printer_state TEXT,"
	" outcome TEXT"
	");"
	"INSERT INTO print_jobs_new SELECT id, kind, ref, state, reprint,"
	" reprint_of, attempts, actor, created_at, updated_at, finished_at,"
	" bytes, printer_state, outcome FROM print_jobs;"
	"DROP TABLE print_jobs;"
	"ALTER TABLE print_jobs_new RENAME TO print_jobs;"
	"CREATE INDEX print_jobs_pending ON print_jobs(id)"
	" WHERE state IN ('queued', 'printing');",
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
	" d.received_at, d.due_at, d.delivery FROM dossiers d "

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
	[Q_COUNTER_GET] = "SELECT last_seq FROM code_counters"
	                  " WHERE agency_code = ?1 AND day = ?2",
	[Q_CODE_TAKEN] = "SELECT 1 FROM dossiers WHERE code = ?1",
	[Q_IDEM_GET] = "SELECT request_hash, status, reply FROM idempotency"
	               " WHERE key = ?1 AND created_at > ?2",
	[Q_IDEM_PUT] = "INSERT INTO idempotency(key, request_hash, status,"
	               " reply, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_IDEM_PRUNE] = "DELETE FROM idempotency WHERE created_at <= ?1",
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
	                 " provisional = coalesce(?6, provisional),"
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
	    " d.agency_code, d.apology_due_at, d.channel, " ST_LOST_ITEM_SQL
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
	             " AND " ST_RECEIVED_SQL " GROUP BY channel",
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
	[Q_HOL_ALL] = "SELECT day, kind, source FROM holidays ORDER BY day",
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

void
st_names_clear(struct names *n)
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
	st_names_clear(n);
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
struct name_slot *
st_names_find(struct names *n, const char *code)
{
	size_t i = names_hash(code);

	for (;;) {
		struct name_slot *sl = &n->slot[i];

		if (sl->code == NULL || strcmp(sl->code, code) == 0)
			return sl;
		i = (i + 1) & (NAMES_CAP - 1);
	}
}

/* ---- small helpers ---- */

void
st_err(char *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(err, STORE_ERR_MAX, fmt, ap);
	va_end(ap);
}

enum store_rc
st_dberr(struct store *s, char *err)
{
	st_err(err, "database: %s", sqlite3_errmsg(s->db));
	return STORE_ERROR;
}

int64_t
st_wall_now(void)
{
	return clock_wall_s();
}

/* The statement, reset and with every parameter NULL. */
sqlite3_stmt *
st_q(struct store *s, enum qid id)
{
	sqlite3_stmt *st = s->st[id];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Steps a statement that returns no row and resets it. */
int
st_run(struct store *s, enum qid id)
{
	sqlite3_stmt *st = s->st[id];
	int rc = sqlite3_step(st);

	if (id == Q_PROC_PUT || id == Q_PROC_IMPORT || id == Q_AGENCY_PUT ||
	    id == Q_ROLLBACK) {
		st_names_clear(&s->proc_names);
		st_names_clear(&s->agency_names);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int
st_dup(sqlite3_stmt *st, int i, char **out)
{
	const char *v = (const char *)sqlite3_column_text(st, i);

	*out = NULL;
	if (v == NULL)
		return 0;
	*out = strdup(v);
	return *out != NULL ? 0 : -1;
}

/* Checks an optional (min 0) or required (min 1) text field. */
bool
st_check_text(const char *field, const char *v, size_t min, size_t max,
    char *err)
{
	size_t len = v != NULL ? strlen(v) : 0;

	if (len < min) {
		st_err(err, "%s: required", field);
		return false;
	}
	if (len > max) {
		st_err(err, "%s: longer than %zu bytes", field, max);
		return false;
	}
	if (len > 0 && !text_valid(v, len)) {
		st_err(err, "%s: not valid UTF-8 text", field);
		return false;
	}
	return true;
}

enum store_rc
st_begin(struct store *s, char *err)
{
	if (st_run(s, Q_BEGIN) != SQLITE_OK)
		return st_dberr(s, err);
	return STORE_OK;
}

enum store_rc
st_commit(struct store *s, char *err)
{
	if (st_run(s, Q_COMMIT) != SQLITE_OK) {
		st_dberr(s, err);
		if (!sqlite3_get_autocommit(s->db))
			st_run(s, Q_ROLLBACK);
		return STORE_ERROR;
	}
	return STORE_OK;
}

void
st_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		st_run(s, Q_ROLLBACK);
}

/* Ends a write transaction by rc: commit on STORE_OK, else roll back. */
enum store_rc
st_finish(struct store *s, enum store_rc rc, char *err)
{
	if (rc != STORE_OK) {
		st_rollback(s);
		return rc;
	}
	return st_commit(s, err);
}

/* Canonical code text from untrusted input. */
enum store_rc
st_norm_code(const char *code, char out[DCODE_TEXT_MAX + 1], char *err)
{
	struct dcode d;
	enum dcode_err e;

	if (code == NULL || *code == '\0') {
		st_err(err, "code: required");
		return STORE_INVALID;
	}
	e = dcode_parse(code, strnlen(code, DCODE_TEXT_MAX + 1), &d, NULL);
	if (e != DCODE_OK) {
		st_err(err, "%s", dcode_strerror(e));
		return STORE_INVALID;
	}
	if (dcode_format(&d, out, DCODE_TEXT_MAX + 1) < 0) {
		st_err(err, "code: not a dossier code");
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
		st_err(err, "database: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (v > SCHEMA_VERSION) {
		st_err(err,
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
			st_err(err, "database: migration %d: %s", v + 1,
			    msg != NULL ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			if (!sqlite3_get_autocommit(db))
				sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

/* Reloads the holiday table into the calendar: its entries, and the
 * years that a row marks provisional (docs/domain.md, "Holidays"). */
int
st_load_calendar(struct store *s)
{
	sqlite3_stmt *st = st_q(s, Q_HOL_ALL);
	struct cal_entry *v = NULL, *nv;
	int *py = NULL, *npy;
	size_t n = 0, cap = 0, np = 0, pcap = 0;
	int rc, y, m, d;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap != 0 ? 2 * cap : 64;
			nv = reallocarray(v, cap, sizeof(*v));
			if (nv == NULL)
				goto oom;
			v = nv;
		}
		v[n].day = sqlite3_column_int(st, 0);
		v[n].kind = sqlite3_column_int(st, 1);
		if (cal_source_provisional(c_text(st, 2))) {
			cal_ymd_from_day(v[n].day, &y, &m, &d);
			/* rows come by day, so years come sorted */
			if (np == 0 || py[np - 1] != y) {
				if (np == pcap) {
					pcap = pcap != 0 ? 2 * pcap : 8;
					npy =
					    reallocarray(py, pcap, sizeof(*py));
					if (npy == NULL)
						goto oom;
					py = npy;
				}
				py[np++] = y;
			}
		}
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		free(py);
		return -1;
	}
	free(s->entries);
	free(s->prov_years);
	s->entries = v;
	s->prov_years = py;
	s->cal.entries = v;
	s->cal.count = n;
	s->cal.prov_years = py;
	s->cal.prov_count = np;
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
oom:
	sqlite3_reset(st);
	free(v);
	free(py);
	return -1;
}

/* store_open, or store_open_reader when readonly: the reader neither
 * creates nor migrates, and takes the database only at the schema this
 * build writes. */
static struct store *
open_store(const char *path, int busy_timeout_ms, bool readonly,
    char err[STORE_ERR_MAX])
{
	struct store *s;
	char mode[32];
	int rc, i, v;

	if (sodium_init() < 0) {
		st_err(err, "random: libsodium failed to initialise");
		return NULL;
	}
	/* No allocation statistics: they take a global mutex on every
	 * SQLite malloc. Refused (harmlessly) once SQLite has started. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		st_err(err, "store: out of memory");
		return NULL;
	}
	s->cal.open_min = 450;   /* 07:30 */
	s->cal.close_min = 1020; /* 17:00 */
	s->cal.due_end_of_day = false;
	s->cal.first_year = 1;
	s->cal.last_year = 0;
	rc = sqlite3_open_v2(path, &s->db,
	    (readonly ? SQLITE_OPEN_READONLY
	              : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
	        SQLITE_OPEN_NOMUTEX,
	    NULL);
	if (rc != SQLITE_OK) {
		st_err(err, "database: %s: %s", path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, busy_timeout_ms);
	/* a reader comes after the writer has migrated the file */
	if (readonly && (v = user_version(s->db)) != SCHEMA_VERSION) {
		st_err(err, "database: %s: schema %d, this build reads %d",
		    path, v, SCHEMA_VERSION);
		goto fail;
	}
	if (pragma_text(s->db, "PRAGMA journal_mode = WAL", mode,
	        sizeof mode) != SQLITE_OK ||
	    strcmp(mode, "wal") != 0) {
		st_err(err, "database: %s: cannot switch to WAL (%s)", path,
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
		st_dberr(s, err);
		goto fail;
	}
	if (!readonly && migrate(s->db, err) < 0)
		goto fail;
	for (i = 0; i < Q_COUNT; i++) {
		rc = sqlite3_prepare_v3(s->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL);
		if (rc != SQLITE_OK) {
			st_err(err, "database: statement %d: %s", i,
			    sqlite3_errmsg(s->db));
			goto fail;
		}
	}
	if (st_load_calendar(s) < 0) {
		st_dberr(s, err);
		goto fail;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

struct store *
store_open(const char *path, int busy_timeout_ms, char err[STORE_ERR_MAX])
{
	return open_store(path, busy_timeout_ms, false, err);
}

struct store *
store_open_reader(const char *path, int busy_timeout_ms,
    char err[STORE_ERR_MAX])
{
	return open_store(path, busy_timeout_ms, true, err);
}

void
store_close(struct store *s)
{
	int i;

	if (s == NULL)
		return;
	if (s->db != NULL) {
		st_rollback(s);
		for (i = 0; i < Q_COUNT; i++)
			sqlite3_finalize(s->st[i]);
		for (i = 0; i < PQ_MAX; i++)
			sqlite3_finalize(s->pst[i]);
		sqlite3_close_v2(s->db);
	}
	names_free(&s->proc_names);
	names_free(&s->agency_names);
	free(s->entries);
	free(s->prov_years);
	free(s);
}

int
store_schema_version(struct store *s)
{
	return user_version(s->db);
}

int
store_schema_current(void)
{
	return SCHEMA_VERSION;
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

int
st_add_event(struct store *s, const struct event *e)
{
	sqlite3_stmt *st = st_q(s, Q_EVENT_INSERT);

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
	return st_run(s, Q_EVENT_INSERT);
}

int
st_add_audit(struct store *s, int64_t at, const char *actor, const char *action,
    const char *object, const char *detail)
{
	sqlite3_stmt *st = st_q(s, Q_AUDIT_INSERT);

	sqlite3_bind_int64(st, 1, at);
	b_text(st, 2, actor != NULL && *actor != '\0' ? actor : "system");
	b_text(st, 3, action);
	b_opt(st, 4, object);
	b_opt(st, 5, detail);
	return st_run(s, Q_AUDIT_INSERT);
}

/* The outbox row of the event just inserted: a random idempotency key
 * and a payload with the new status only; the sync module reads the
 * dossier and the event when it sends. */
int
st_add_outbox(struct store *s, int64_t dossier_id, const char *kind, int status,
    int64_t at)
{
	int64_t event_id = sqlite3_last_insert_rowid(s->db), base = 0;
	unsigned char key[16];
	char payload[64];
	sqlite3_stmt *st = st_q(s, Q_UPSTREAM_REV);

	/* base: the upstream changes this box had seen when it made the
	 * change (docs/sync.md, conflicts) */
	sqlite3_bind_int64(st, 1, dossier_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		base = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	st = st_q(s, Q_OUTBOX_INSERT);
	randombytes_buf(key, sizeof key);
	snprintf(payload, sizeof payload,
	    "{\"status\":%d,\"base\":%" PRId64 "}", status, base);
	sqlite3_bind_blob(st, 1, key, (int)sizeof key, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, dossier_id);
	sqlite3_bind_int64(st, 3, event_id);
	b_text(st, 4, kind);
	b_text(st, 5, payload);
	sqlite3_bind_int64(st, 6, at);
	return st_run(s, Q_OUTBOX_INSERT);
}

/* A new token for the dossier, retried on a primary-key collision. */
int
st_add_token(struct store *s, int64_t dossier_id, int64_t at,
    char out[TOKEN_LEN + 1])
{
	sqlite3_stmt *st;
	int i, rc = SQLITE_ERROR;

	for (i = 0; i < TOKEN_TRIES; i++) {
		token_new(out, (uint64_t)dossier_id);
		st = st_q(s, Q_TOKEN_INSERT);
		b_text(st, 1, out);
		sqlite3_bind_int64(st, 2, dossier_id);
		sqlite3_bind_int64(st, 3, at);
		rc = st_run(s, Q_TOKEN_INSERT);
		if (rc != SQLITE_CONSTRAINT_PRIMARYKEY)
			break;
	}
	return rc;
}
