/* hubstore_int.h: private to the hubstore files. Each backend's
 * connection struct begins with struct hubstore, whose ops the public
 * functions of hubstore.c call. */
#ifndef HUBSTORE_INT_H
#define HUBSTORE_INT_H
#include "store/hubstore.h"

struct hubstore_ops {
	void (*close)(struct hubstore *);
	int (*push)(struct hubstore *, const char *, const struct sp_push *,
	    int64_t, struct sp_push_result *, char *);
	json_t *(*pull)(struct hubstore *, const char *, int64_t, int);
	enum store_rc (
	    *lookup)(struct hubstore *, const char *, struct store_lookup *);
	json_t *(*codes)(struct hubstore *, const char *, int64_t, int64_t,
	    const char *, int);
	enum store_rc (*set_status)(struct hubstore *, const char *, int,
	    int64_t, const char *, int64_t, char *);
	json_t *(*dump)(struct hubstore *, const char *);
	int64_t (*prune_keys)(struct hubstore *, int64_t, int);
	int (*seen)(struct hubstore *, const char *, int64_t);
	json_t *(*offices)(struct hubstore *);
	/* the rows of hubstore_report: an array of hubstore_report_row */
	json_t *(*report)(struct hubstore *, int64_t, int64_t, const char *,
	    int64_t);
};

struct hubstore {
	const struct hubstore_ops *ops;
};

struct hubstore *hubstore_sqlite_open(const struct hubstore_conf *, char *);
struct hubstore *hubstore_pg_open(const struct hubstore_conf *, char *);
extern const int hubstore_sqlite_version, hubstore_pg_version;

/* The checks both backends make on an upstream status change before
 * touching the database: STORE_OK or STORE_INVALID with err. */
enum store_rc hubstore_status_args(int status, int64_t due_at,
    const char *reason, char *err);
void hubstore_err(char *err, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
/* The masked owner name and kiosk fields of a dossier_new item, shared
 * so both backends store the same. */
void hubstore_masked(const json_t *dossier, char *out, size_t size);
const char *hubstore_collect_at(const json_t *dossier);
/* A verify answer from the period's counts (by channel 1..3) and a page
 * of codes (taken): "more" only when paged (limit > 0). */
json_t *hubstore_codes_reply(const json_int_t counts[4], json_t *codes,
    int limit, bool more);
/* The counts of a province report row, in the order of the columns both
 * backends select after agency and channel. */
enum { HUBSTORE_REPORT_COLS = 6 };
json_t *hubstore_report_row(const char *agency, int channel,
    const int64_t n[HUBSTORE_REPORT_COLS]);
/* What a push did, for its office's row: items stored, rejected, and the
 * last rejection's reason (in res; NULL: none). */
void hubstore_push_tally(const struct sp_push *, const struct sp_push_result *,
    int64_t *stored, int64_t *rejected, const char **last_error);
/* The same office row on both backends: an upsert at each push, and the
 * pull's "seen" at most once a minute. Parameters: terminal, now,
 * backlog (NULL: not said), stored, rejected, last_error (NULL: none). */
#define HUBSTORE_OFFICE_PUSH_SQL(P)                                        \
	"INSERT INTO hub_offices(terminal, last_push_at, last_seen_at,"    \
	" backlog, pushes, items, rejected, last_error, last_error_at)"    \
	" VALUES (" P "1, " P "2, " P "2, " P "3, 1, " P "4, " P "5, " P   \
	"6, CASE WHEN CAST(" P "6 AS text) IS NULL THEN NULL ELSE CAST(" P \
	"2 AS bigint) END)"                                                \
	" ON CONFLICT (terminal) DO UPDATE SET"                            \
	" last_push_at = excluded.last_push_at,"                           \
	" last_seen_at = excluded.last_seen_at,"                           \
	" backlog = excluded.backlog,"                                     \
	" pushes = hub_offices.pushes + 1,"                                \
	" items = hub_offices.items + excluded.items,"                     \
	" rejected = hub_offices.rejected + excluded.rejected,"            \
	" last_error = coalesce(excluded.last_error,"                      \
	" hub_offices.last_error),"                                        \
	" last_error_at = coalesce(excluded.last_error_at,"                \
	" hub_offices.last_error_at)"
#define HUBSTORE_OFFICE_SEEN_SQL(P)                                      \
	"INSERT INTO hub_offices(terminal, last_seen_at, pushes, items," \
	" rejected) VALUES (" P "1, " P "2, 0, 0, 0)"                    \
	" ON CONFLICT (terminal) DO UPDATE SET"                          \
	" last_seen_at = excluded.last_seen_at"                          \
	" WHERE hub_offices.last_seen_at IS NULL"                        \
	" OR hub_offices.last_seen_at < excluded.last_seen_at - 60"
#define HUBSTORE_OFFICES_SQL                                            \
	"SELECT terminal, last_push_at, last_seen_at, backlog, pushes," \
	" items, rejected, last_error, last_error_at FROM hub_offices"
/* One row of hubstore_offices from its columns as text (NULL: SQL
 * NULL), in HUBSTORE_OFFICES_SQL's order. */
json_t *hubstore_office_row(const char *const col[9]);
/* The statuses each count takes (core/status.h), written once for both
 * backends' SQL. */
#define HUBSTORE_PENDING_SQL  "status IN (1, 2, 4, 5, 6)"
#define HUBSTORE_RESOLVED_SQL "status IN (9, 10)"
#define HUBSTORE_REFUSED_SQL  "status = 3"
#define HUBSTORE_STOPPED_SQL  "status IN (7, 8)"
#endif
