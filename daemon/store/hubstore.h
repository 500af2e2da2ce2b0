/* hubstore.h: the hub's storage, behind an interface narrow enough that a
 * second backend (PostgreSQL) can be added without touching the protocol
 * code in hub.c. Today's backend is SQLite (hubstore_sqlite.c: with
 * store.c, the only files that include sqlite3.h).
 *
 * Terminals are named by the hub's token file; every call that reads or
 * writes a terminal's dossiers takes that name. Not thread-safe: the
 * daemon calls it on the loop thread. Every write is one durable
 * transaction, so a push is stored whole or not at all. */
#ifndef HUBSTORE_H
#define HUBSTORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"
#include "sync/syncproto.h"

#define HUBSTORE_ERR_MAX 256

struct hubstore;

/* Opens or creates the database at path and brings its schema up to date
 * with PRAGMA user_version migrations (a hub made before versions were
 * kept is version 0 and adopts version 1 as it is). NULL with err when it
 * cannot be opened or migrated, or is newer than this motcuad knows. */
struct hubstore *hubstore_open(const char *path, int busy_timeout_ms,
    char err[HUBSTORE_ERR_MAX]);
void hubstore_close(struct hubstore *); /* NULL: no-op */

/* How far past a dossier's last applied event one item's seq may jump:
 * a terminal's events for one dossier are never this far apart, and a
 * seq that is cannot carry the dossier beyond its later events. */
#define HUBSTORE_SEQ_STEP_MAX (INT64_C(1) << 32)

/* Stores a parsed push from terminal in one transaction and fills res[i]
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
 * `after`, at most limit: {"items": [...], "last": N, "more": bool}. */
json_t *hubstore_pull(struct hubstore *, const char *terminal, int64_t after,
    int limit);

/* The kiosk view of the dossier whose token hashes to token_sha256 (64
 * hex). STORE_NOTFOUND when none. */
enum store_rc hubstore_lookup(struct hubstore *, const char *token_sha256,
    struct store_lookup *out);

/* terminal's dossiers received in [from, to): {"counts", "codes"}. */
json_t *hubstore_codes(struct hubstore *, const char *terminal, int64_t from,
    int64_t to);

/* A status change made upstream (by the provincial system's staff): it
 * becomes a pull item for the dossier's terminal. due_at 0: unchanged.
 * STORE_NOTFOUND, STORE_INVALID (status not 1..10, due_at outside
 * 2000..2100, reason of SP_REASON_MAX bytes or more) or STORE_OK. */
enum store_rc hubstore_set_status(struct hubstore *, const char *code,
    int status, int64_t due_at, const char *reason, int64_t now,
    char err[HUBSTORE_ERR_MAX]);

/* Every dossier of a terminal (NULL: all) as {code: {status, due_at,
 * events, terminal}}, for reconciliation and the tests. */
json_t *hubstore_dump(struct hubstore *, const char *terminal);

struct hubstore_stats {
	int64_t dossiers, events, changes, pushes, duplicates, rejected;
};
void hubstore_stats(struct hubstore *, struct hubstore_stats *);
#endif
