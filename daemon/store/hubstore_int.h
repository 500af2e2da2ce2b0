/* hubstore_int.h: private to the hubstore files. Each backend's
 * connection struct begins with struct hubstore, whose ops the public
 * functions of hubstore.c call. */
#ifndef HUBSTORE_INT_H
#define HUBSTORE_INT_H
#include "core/reportrule.h"
#include "store/hubstore.h"

struct hub_report_acc;

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
	/* hubstore_report_rows' cells, into acc: kind, from_day, to_day
	 * (exclusive), agency; 0 or -1 */
	int (*report)(struct hubstore *, int, int, int, const char *,
	    struct hub_report_acc *);
	int (*rebuild)(struct hubstore *, char *);
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

/* ---- the province report (hubstore_report.c; docs/sync.md) ----
 *
 * The report counts with the office report's rules (core/reportrule.h),
 * from what the hub keeps of each dossier: its report facts (columns of
 * hub_dossiers), its supplement events (hub_supp), and daily counts
 * (hub_report_days) that every change to a dossier adjusts in its own
 * transaction. A period's received, carried-over, resolved and
 * returned-by-post numbers are sums of daily counts, whatever the number
 * of dossiers; only the dossiers still open at the period's end are read
 * one by one. */

/* The columns of a day's counts, in hub_report_days' order. */
enum {
	HRC_RECV,         /* received (accepted) that day */
	HRC_LEAVE,        /* ended that day (or received, if it ended before) */
	HRC_EARLY,        /* ended that day early, */
	HRC_ON_TIME,      /* on time */
	HRC_LATE,         /* or late */
	HRC_RET_POST,     /* result sent by post that day */
	HRC_NOT_ACCEPTED, /* registered that day, not accepted (status 1) */
	HRC_REFUSED,      /* registered that day, refused at intake (3) */
	HRC_N
};
/* Which key a row of daily counts has. */
enum { HUB_BY_AGENCY = 1, HUB_BY_FIELD = 2 };

/* One dossier's report facts. fin: first finished (status 3, 7, 8, 9),
 * ret: first returned (10), 0 none; f.end is fin, else ret. */
struct hub_facts {
	struct rrule_facts f;
	int64_t fin, ret;
	int channel, delivery;
};
/* A supplement event as hub_supp keeps it. */
struct hub_supp {
	bool request, has_due;
	int64_t at, due_before, due_after;
};
/* Applies an applied status or apology item to x (dossier_new items set
 * the facts with hubstore_facts_new). True when it is a supplement event,
 * with *s filled: the caller stores it in hub_supp. */
void hubstore_facts_new(struct hub_facts *x, const struct sp_item *it);
bool hubstore_facts_item(struct hub_facts *x, const struct sp_item *it,
    struct hub_supp *s);
/* A status change made upstream (hubstore_set_status); due_at 0: kept. */
void hubstore_facts_status(struct hub_facts *x, int status, int64_t due_at,
    int64_t at);

/* The facts' columns, read after a dossier's other columns: agency,
 * field (texts), then HUBSTORE_FACTS_NINT integers (NULL reads as 0) for
 * hubstore_facts_read. */
#define HUBSTORE_FACTS_COLS                                         \
	"agency, field, channel, delivery, status, received_at,"    \
	" coalesce(due_at, 0), coalesce(finished_at, 0),"           \
	" coalesce(returned_at, 0), supp_req, supp_comp, supp_net," \
	" coalesce(supp_last, 0), coalesce(due0, 0)"
#define HUBSTORE_FACTS_NINT 12
void hubstore_facts_read(struct hub_facts *,
    const int64_t v[HUBSTORE_FACTS_NINT]);
/* The columns a change of facts writes, from parameter N on: finished_at,
 * returned_at, ended_at, supp_req, supp_comp, supp_net, supp_last, due0
 * (times 0 are bound as NULL). */
#define HUBSTORE_FACTS_NSET 8
#define HUBSTORE_FACTS_SET(P, A, B, C, D, E, F, G, H)                    \
	" finished_at = " P A ", returned_at = " P B ", ended_at = " P C \
	", supp_req = " P D ", supp_comp = " P E ", supp_net = " P F     \
	", supp_last = " P G ", due0 = " P H
void hubstore_facts_write(const struct hub_facts *,
    int64_t v[HUBSTORE_FACTS_NSET]);
/* The facts' columns of a new dossier (hub_dossiers' insert): agency,
 * field, then finished_at, returned_at, ended_at. */
const char *hubstore_agency_of(const char *code, char *buf, size_t size);

/* The daily counts one transaction changes: appended per dossier change,
 * then merged and written in key order (so two hubs' transactions lock
 * rows in one order and never deadlock on them). */
struct hub_day_delta {
	int kind, channel, day;
	char *key; /* owned */
	int64_t n[HRC_N];
};
struct hub_deltas {
	struct hub_day_delta *v; /* owned */
	size_t n, cap;
};
/* What changing a dossier's facts from before (NULL: a new dossier) to
 * after does to the daily counts of its agency and its field ("" when it
 * has none). -1 when out of memory. */
int hubstore_deltas_add(struct hub_deltas *, const char *agency,
    const char *field, const struct hub_facts *before,
    const struct hub_facts *after);
/* Sorts and merges the deltas and drops those that add nothing. A
 * rebuild over every dossier merges whenever it holds this many. */
#define HUBSTORE_DELTAS_MERGE_AT 4000000
void hubstore_deltas_merge(struct hub_deltas *);
void hubstore_deltas_free(struct hub_deltas *);
/* Adds one merged delta: parameters kind, key, channel, day, then the
 * HRC_N counts. */
#define HUBSTORE_DAYS_INTO                                                  \
	"INSERT INTO hub_report_days(kind, key, channel, day, recv, leave," \
	" early, on_time, late, ret_post, not_accepted, refused) "
#define HUBSTORE_DAYS_UPSERT                                          \
	" ON CONFLICT (kind, key, channel, day)"                      \
	" DO UPDATE SET recv = hub_report_days.recv + excluded.recv," \
	" leave = hub_report_days.leave + excluded.leave,"            \
	" early = hub_report_days.early + excluded.early,"            \
	" on_time = hub_report_days.on_time + excluded.on_time,"      \
	" late = hub_report_days.late + excluded.late,"               \
	" ret_post = hub_report_days.ret_post + excluded.ret_post,"   \
	" not_accepted = hub_report_days.not_accepted"                \
	" + excluded.not_accepted,"                                   \
	" refused = hub_report_days.refused + excluded.refused"
#define HUBSTORE_DAYS_ADD_SQL(P)                                            \
	HUBSTORE_DAYS_INTO "VALUES (" P "1, " P "2, " P "3, " P "4, " P     \
	                   "5, " P "6, " P "7, " P "8, " P "9, " P "10, " P \
	                   "11, " P "12)" HUBSTORE_DAYS_UPSERT
/* A period [from_day, to_day) from the daily counts: parameters
 * from_day, to_day, kind, agency (NULL: all). Columns: key, channel,
 * then received, carried over, early, on time, late, returned by post,
 * not accepted, refused (HUBSTORE_DAYS_COLS of them). */
#define HUBSTORE_DAYS_COLS 8
#define HUBSTORE_DAYS_SQL(P, TEXT)                                    \
	"SELECT key, channel,"                                        \
	" sum(CASE WHEN day >= " P "1 THEN recv ELSE 0 END),"         \
	" sum(CASE WHEN day < " P "1 THEN recv - leave ELSE 0 END),"  \
	" sum(CASE WHEN day >= " P "1 THEN early ELSE 0 END),"        \
	" sum(CASE WHEN day >= " P "1 THEN on_time ELSE 0 END),"      \
	" sum(CASE WHEN day >= " P "1 THEN late ELSE 0 END),"         \
	" sum(CASE WHEN day >= " P "1 THEN ret_post ELSE 0 END),"     \
	" sum(CASE WHEN day >= " P "1 THEN not_accepted ELSE 0 END)," \
	" sum(CASE WHEN day >= " P "1 THEN refused ELSE 0 END)"       \
	" FROM hub_report_days WHERE day < " P "2 AND kind = " P "3"  \
	" AND (" P "4" TEXT " IS NULL OR key = " P "4) GROUP BY key, channel"
/* The received dossiers open at instant T (parameter 1), key column K,
 * agency parameter 2 (NULL: all); W is the extra condition. */
#define HUBSTORE_OPEN_SQL(P, TEXT, COLS, K, W)                                \
	"SELECT " K ", " COLS " FROM hub_dossiers WHERE ended_at IS NULL"     \
	" AND received_at < " P "1 AND status NOT IN (1, 3) AND (" P "2" TEXT \
	" IS NULL OR agency = " P "2)" W " UNION ALL SELECT " K ", " COLS     \
	" FROM hub_dossiers WHERE ended_at >= " P "1 AND received_at < " P    \
	"1 AND status NOT IN (1, 3) AND (" P "2" TEXT                         \
	" IS NULL OR agency = " P "2)" W

/* The dossiers open at P1 without supplements, counted within due and
 * overdue by key K and channel; those with, with their supplement events
 * before P1, a dossier's rows together (columns: key, channel, received,
 * due, status, request, at, due_before, due_after, code). The open set
 * is MATERIALIZED: flattened into the ORDER BY, SQLite scanned every
 * dossier for its second half (1.5 s of 10 million). */
#define HUBSTORE_OPEN_SIMPLE_SQL(P, TEXT, K)                                  \
	"SELECT k, channel, sum(CASE WHEN due_at IS NOT NULL AND due_at < " P \
	"1 THEN 0 ELSE 1 END), sum(CASE WHEN due_at IS NOT NULL AND"          \
	" due_at < " P "1 THEN 1 ELSE 0 END) FROM (" HUBSTORE_OPEN_SQL(P,     \
	    TEXT, "channel, due_at", K " AS k",                               \
	    " AND supp_req = 0") ") o GROUP BY k, channel"
#define HUBSTORE_OPEN_SUPP_SQL(P, TEXT, K)                                             \
	"WITH o AS MATERIALIZED (" HUBSTORE_OPEN_SQL(P, TEXT,                          \
	    "code, channel, received_at, due_at, status", K " AS k",                   \
	    " AND supp_req > 0") ") SELECT o.k, o.channel, o.received_at,"             \
	                         " o.due_at, o.status, s.request, s.at, s.due_before," \
	                         " s.due_after, o.code FROM o LEFT JOIN hub_supp s"    \
	                         " ON s.code = o.code AND s.at < " P                   \
	                         "1 ORDER BY o.code, s.at"

/* struct hub_report_acc: the report being counted, cells by key and
 * channel (hubstore_report.c). */
/* A backend's part: the daily counts of [from_day, to_day) and the
 * dossiers open at to_day's start, of kind's keys, handed to these. */
int hubstore_acc_days(struct hub_report_acc *, const char *key, int channel,
    const int64_t n[HUBSTORE_DAYS_COLS]);
int hubstore_acc_pending(struct hub_report_acc *, const char *key, int channel,
    int64_t within, int64_t overdue);
/* An open dossier with supplements, its facts as of the period's end. */
int hubstore_acc_open(struct hub_report_acc *, const char *key, int channel,
    const struct rrule_facts *f);
/* The period's end instant (for the open dossiers' verdicts). */
int64_t hubstore_acc_end(const struct hub_report_acc *);
#endif
