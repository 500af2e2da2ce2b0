/* bench_hubreport.c: the province report over N dossiers in a hub
 * (docs/benchmarks.md, "Province report"), in process, through the calls
 * the hub's routes make (hubstore_report, hubstore_report_fields).
 *
 * The dossiers are written straight into the hub's tables by SQL (a
 * year of a province: 700 agencies, 12 fields, three channels, ended,
 * late, withdrawn, returned by post, with supplements, and the ones whose
 * end is still to come open), then the daily counts are built by
 * hubstore_rebuild_report: the same per-dossier rule the pushes apply
 * (test_hubstore checks that a rebuild equals the pushes' counts).
 *
 * Usage: bench_hubreport sqlite PATH | postgresql DSN  N [ROUNDS [reuse]]
 * ("reuse": the database already holds them; time the reports only)
 * Prints one line per measure: name, rounds, min, median and max ms. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "core/calendar.h"
#include "store/hubstore.h"
#include "tests/bench/benchtime.h"

#define AGENCIES 700
#define DAY      86400
/* 2025-12-01 00:00 +07:00: the year's first instant */
#define T0 INT64_C(1764522000)
#define T1 (T0 + 365 * (int64_t)DAY)

/* One dossier per i of [0, N): the columns as SQL expressions of i, N,
 * T0 and T1, written once for both engines (FMT_AGENCY differs). Its
 * planned end is dur days after receipt; a dossier whose end is after
 * T1 is open (in processing, or waiting on a supplement). */
#define RECV "(" T0S " + i * 31536000 / " NS ")"
#define DUR  "((i * 13) % 14 + 1)"
#define ENDP "(" RECV " + " DUR " * 86400)"
#define OPEN "(" ENDP " > " T1S ")"
#define SUPP "(i % 20 = 0)"
#define STATUS                                                         \
	"CASE WHEN " OPEN " THEN CASE WHEN " SUPP " THEN 5 ELSE 4 END" \
	" WHEN i % 100 < 2 THEN 7 WHEN i % 100 < 50 THEN 10 ELSE 9 END"
#define COLS                                                              \
	"code, terminal, channel, delivery, status, received_at, due_at," \
	" updated_at, last_seq, masked_name, record, agency, field,"      \
	" finished_at, returned_at, ended_at, supp_req, supp_comp,"       \
	" supp_net, supp_last"
#define VALUES(FMT_AGENCY, FMT_CODE)                                             \
	FMT_CODE                                                                 \
	", " FMT_AGENCY ", CASE WHEN (i / 700) % 10 < 6 THEN 1"                  \
	" WHEN (i / 700) % 10 < 9 THEN 2 ELSE 3 END, CASE WHEN i % 7 = 0 THEN 1" \
	" ELSE 0 END, " STATUS ", " RECV ", " RECV " + 10 * 86400, " RECV        \
	", 1, 'N*** A', '{}', " FMT_AGENCY                                       \
	", 'Lĩnh vực ' || ((i / 700) % 12),"                                  \
	" CASE WHEN " OPEN " THEN NULL ELSE " ENDP " END,"                       \
	" CASE WHEN NOT " OPEN " AND i % 100 >= 2 AND i % 100 < 50 THEN " ENDP   \
	" + 86400 END, CASE WHEN " OPEN " THEN NULL ELSE " ENDP " END,"          \
	" CASE WHEN " SUPP " THEN 1 ELSE 0 END,"                                 \
	" CASE WHEN " SUPP " AND NOT " OPEN " THEN 1 ELSE 0 END,"                \
	" CASE WHEN " SUPP " AND NOT " OPEN " THEN 2 * 86400"                    \
	" WHEN " SUPP " THEN -(" RECV " + 86400) ELSE 0 END,"                    \
	" CASE WHEN " SUPP " THEN " RECV " + 86400 END"
#define SUPP_ROWS(FMT_CODE)                                               \
	"SELECT " FMT_CODE ", " RECV " + 86400, 1, CAST(NULL AS bigint)," \
	" CAST(NULL AS bigint) FROM s WHERE " SUPP                        \
	" UNION ALL SELECT " FMT_CODE ", " RECV                           \
	" + 3 * 86400, 0, NULL, NULL FROM s WHERE " SUPP " AND NOT " OPEN

#define T0S "1764522000"
#define T1S "1796058000"
#define NS  "N"

/* The rows, numbered by s(i, N), N bound as the first parameter. */
#define SQLITE_S                                                            \
	"WITH RECURSIVE s(i, N) AS (SELECT 0, ?1 UNION ALL SELECT i + 1, N" \
	" FROM s WHERE i + 1 < N) "
#define SQLITE_AGENCY \
	"printf('000.%02d.%02d.H49', (i % 700) / 100, (i % 700) % 100)"
#define SQLITE_CODE "printf('B%010d', i)"

static int
sqlite_run(sqlite3 *db, const char *sql, long n)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_hubreport: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, n);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "bench_hubreport: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int
fill_sqlite(const char *path, long n)
{
	sqlite3 *db;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	sqlite3_busy_timeout(db, 60000);
	rc = sqlite3_exec(db, "PRAGMA synchronous = OFF; BEGIN", NULL, NULL,
	         NULL) == SQLITE_OK &&
	        sqlite_run(db,
	            SQLITE_S
	            "INSERT INTO hub_dossiers(" COLS
	            ") SELECT " VALUES(SQLITE_AGENCY, SQLITE_CODE) " FROM s",
	            n) == 0 &&
	        sqlite_run(db,
	            SQLITE_S "INSERT INTO hub_supp " SUPP_ROWS(SQLITE_CODE),
	            n) == 0 &&
	        sqlite3_exec(db, "COMMIT; ANALYZE", NULL, NULL, NULL) ==
	            SQLITE_OK
	    ? 0
	    : -1;
	sqlite3_close(db);
	return rc;
}

#define PG_S                                                                   \
	"WITH s AS (SELECT i, $1::bigint AS N FROM generate_series(0::bigint," \
	" $1::bigint - 1) i) "
#define PG_AGENCY                                                        \
	"format('000.%s.%s.H49', lpad(((i % 700) / 100)::text, 2, '0')," \
	" lpad(((i % 700) % 100)::text, 2, '0'))"
#define PG_CODE "'B' || lpad(i::text, 10, '0')"

static int
pg_run(PGconn *c, const char *sql, long n)
{
	char num[32];
	const char *v[1] = { num };
	PGresult *r;
	int rc = 0;

	snprintf(num, sizeof num, "%ld", n);
	r = PQexecParams(c, sql, n > 0 ? 1 : 0, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		fprintf(stderr, "bench_hubreport: %s", PQerrorMessage(c));
		rc = -1;
	}
	PQclear(r);
	return rc;
}

static int
fill_pg(const char *dsn, long n)
{
	PGconn *c = PQconnectdb(dsn);
	int rc;

	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "bench_hubreport: %s", PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	rc = pg_run(c, "SET synchronous_commit = off", 0) == 0 &&
	        pg_run(c,
	            PG_S "INSERT INTO hub_dossiers(" COLS
	                 ") SELECT " VALUES(PG_AGENCY, PG_CODE) " FROM s",
	            n) == 0 &&
	        pg_run(c, PG_S "INSERT INTO hub_supp " SUPP_ROWS(PG_CODE), n) ==
	            0 &&
	        pg_run(c, "VACUUM ANALYZE hub_dossiers", 0) == 0 &&
	        pg_run(c, "VACUUM ANALYZE hub_supp", 0) == 0
	    ? 0
	    : -1;
	PQfinish(c);
	return rc;
}

int
main(int argc, char *argv[])
{
	struct hubstore_conf conf = { .busy_timeout_ms = 60000,
		.timeout_ms = 600000 };
	char err[HUBSTORE_ERR_MAX];
	struct store_report_row *rows, total;
	struct store_unaccepted un;
	struct hubstore *h;
	double t0, t[4][32];
	int rounds = argc > 4 ? atoi(argv[4]) : 5;
	int d0 = cal_local_day(T0), d1 = cal_local_day(T1 - 1);
	long n = argc > 3 ? atol(argv[3]) : 0;
	size_t nrows;
	json_t *j;
	char *s;

	if (argc < 4 || n < 1 || rounds < 1 || rounds > 32 ||
	    (strcmp(argv[1], "sqlite") != 0 &&
	        strcmp(argv[1], "postgresql") != 0)) {
		fprintf(stderr,
		    "usage: bench_hubreport sqlite PATH | "
		    "postgresql DSN  N [ROUNDS]\n");
		return 2;
	}
	if (strcmp(argv[1], "sqlite") == 0) {
		conf.backend = HUBSTORE_SQLITE;
		conf.path = argv[2];
	} else {
		conf.backend = HUBSTORE_PG;
		conf.dsn = argv[2];
	}
	if ((h = hubstore_open(&conf, err)) == NULL) {
		fprintf(stderr, "bench_hubreport: %s\n", err);
		return 1;
	}
	if (argc <= 5 || strcmp(argv[5], "reuse") != 0) {
		t0 = bench_ms();
		if ((conf.backend == HUBSTORE_SQLITE
		            ? fill_sqlite(argv[2], n)
		            : fill_pg(argv[2], n)) == -1)
			return 1;
		printf("fill dossiers=%ld ms=%.0f\n", n, bench_ms() - t0);
		t0 = bench_ms();
		if (hubstore_rebuild_report(h, err) == -1) {
			fprintf(stderr, "bench_hubreport: %s\n", err);
			return 1;
		}
		printf("rebuild ms=%.0f\n", bench_ms() - t0);
	}
	for (int r = 0; r < rounds; r++) {
		/* the year, by agency and channel, to JSON text */
		t0 = bench_ms();
		if ((j = hubstore_report(h, d0, d1, NULL)) == NULL)
			return 1;
		s = json_dumps(j, JSON_COMPACT);
		t[0][r] = bench_ms() - t0;
		if (r == 0)
			printf("year received=%" JSON_INTEGER_FORMAT
			       " rows=%zu carried_over=%" JSON_INTEGER_FORMAT
			       " pending=%" JSON_INTEGER_FORMAT
			       " late=%" JSON_INTEGER_FORMAT " bytes=%zu\n",
			    json_integer_value(json_object_get(
			        json_object_get(j, "total"), "received")),
			    json_array_size(json_object_get(j, "rows")),
			    json_integer_value(json_object_get(
			        json_object_get(j, "total"), "carried_over")),
			    json_integer_value(json_object_get(
			        json_object_get(j, "total"), "pending")),
			    json_integer_value(json_object_get(
			        json_object_get(j, "total"), "late")),
			    strlen(s));
		free(s);
		json_decref(j);
		/* the last month */
		t0 = bench_ms();
		if ((j = hubstore_report(h, d1 - 30, d1, NULL)) == NULL)
			return 1;
		t[1][r] = bench_ms() - t0;
		json_decref(j);
		/* one agency over the year */
		t0 = bench_ms();
		if ((j = hubstore_report(h, d0, d1, "000.03.45.H49")) == NULL)
			return 1;
		t[2][r] = bench_ms() - t0;
		json_decref(j);
		/* Biểu II.06a of the province, by field, over the year */
		t0 = bench_ms();
		if (hubstore_report_fields(h, d0, d1, &rows, &nrows, &total,
		        &un, err) == -1) {
			fprintf(stderr, "bench_hubreport: %s\n", err);
			return 1;
		}
		t[3][r] = bench_ms() - t0;
		free(rows);
	}
	bench_print_times("report_year", t[0], rounds);
	bench_print_times("report_month", t[1], rounds);
	bench_print_times("report_agency_year", t[2], rounds);
	bench_print_times("form06a_year", t[3], rounds);
	hubstore_close(h);
	return 0;
}
