/* test_hubstore.c: the hub's storage: dedup by key, per-item results,
 * upstream authority for status, pull paging, lookups, verify lists, a
 * push stored whole or not at all, the province report, and the SQLite
 * hub's migrations.
 *
 * On SQLite by default. With MOTCUA_TEST_PG_DSN set (a libpq connection
 * string; tests/system/test_hubstore_pg.py starts a PostgreSQL 15 and
 * runs this binary so) every test but the SQLite migrations runs on a
 * PostgreSQL hub instead, each on an empty schema: one behaviour on both
 * backends. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "harness.h"

#include "core/calendar.h"
#include "store/hubstore.h"

static char dbpath[64];
static const char *pg_dsn; /* NULL: the tests run on SQLite */

/* Runs sql on the PostgreSQL test database: 0 or -1 (printed). */
static int
pg_run(const char *sql)
{
	PGconn *c = PQconnectdb(pg_dsn);
	PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
	int ok = r != NULL &&
	    (PQresultStatus(r) == PGRES_COMMAND_OK ||
	        PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok)
		fprintf(stderr, "test_hubstore: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

static int
setup(void **state)
{
	char err[HUBSTORE_ERR_MAX];

	if (pg_dsn != NULL) {
		/* an empty schema: the hub migrates it from nothing */
		if (pg_run(
		        "DROP SCHEMA public CASCADE; CREATE SCHEMA public") ==
		    -1)
			return 1;
		*state = hubstore_open(
		    &(struct hubstore_conf){ .backend = HUBSTORE_PG,
		        .dsn = pg_dsn,
		        .timeout_ms = 10000 },
		    err);
		if (*state == NULL)
			fprintf(stderr, "test_hubstore: %s\n", err);
		return *state == NULL;
	}
	snprintf(dbpath, sizeof dbpath, "/tmp/test_hubstore_%d.db", getpid());
	unlink(dbpath);
	*state =
	    hubstore_open(&(struct hubstore_conf){ .backend = HUBSTORE_SQLITE,
	                      .path = dbpath,
	                      .busy_timeout_ms = 1000 },
	        err);
	return *state == NULL;
}

static int
teardown(void **state)
{
	char wal[80];

	hubstore_close(*state);
	if (pg_dsn != NULL)
		return 0;
	unlink(dbpath);
	snprintf(wal, sizeof wal, "%s-wal", dbpath);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", dbpath);
	unlink(wal);
	return 0;
}

/* A new-dossier item, n its number. */
static void
item_new(char *buf, size_t size, int n, const char *owner)
{
	snprintf(buf, size,
	    "{\"key\":\"%032x\",\"kind\":\"dossier_new\",\"code\":"
	    "\"000.00.19.H49-260105-%04d\",\"seq\":%d,\"base\":0,\"at\":"
	    "1767580320,\"status\":2,\"due_at\":1767839520,\"dossier\":{"
	    "\"agency_code\":\"000.00.19.H49\",\"procedure_code\":\"P\","
	    "\"owner_name\":\"%s\",\"channel\":%d,\"delivery\":0,"
	    "\"received_at\":1767580320,\"token_sha256\":\"%064x\"}}",
	    n, n, n, owner, 1 + n % 3, n);
}

static void
item_status(char *buf, size_t size, int key, int n, int seq, int base,
    int status)
{
	snprintf(buf, size,
	    "{\"key\":\"%032x\",\"kind\":\"status\",\"code\":"
	    "\"000.00.19.H49-260105-%04d\",\"seq\":%d,\"base\":%d,\"at\":"
	    "1767590000,\"status\":%d}",
	    key, n, seq, base, status);
}

/* Pushes the items (JSON texts) as terminal; results into res. */
static int
push(struct hubstore *h, const char *terminal, const char *const *items,
    size_t n, struct sp_push_result *res)
{
	char body[65536] = "{\"items\":[", err[SP_ERR_MAX];
	struct sp_push p;
	int rc;

	for (size_t i = 0; i < n; i++) {
		strcat(body, items[i]);
		strcat(body, i + 1 < n ? "," : "]}");
	}
	assert_int_equal(sp_push_req(body, strlen(body), &p, err), 0);
	rc = hubstore_push(h, terminal, &p, 1767600000, res, err);
	sp_push_free(&p);
	return rc;
}

static int
status_of(struct hubstore *h, const char *code, int *events)
{
	json_t *all = hubstore_dump(h, NULL), *d = json_object_get(all, code);
	int st = d ? (int)json_integer_value(json_object_get(d, "status")) : -1;

	if (events)
		*events = d
		    ? (int)json_integer_value(json_object_get(d, "events"))
		    : 0;
	json_decref(all);
	return st;
}

static void
test_push_dedup_and_results(void **state)
{
	struct hubstore *h = *state;
	char a[1024], b[1024], c[1024];
	const char *items[3] = { a, b, c };
	struct sp_push_result r[3];
	int ev;

	item_new(a, sizeof a, 1, "Nguyễn Văn An");
	item_status(b, sizeof b, 100, 1, 5, 0, 4);
	item_status(c, sizeof c, 101, 2, 6, 0, 4); /* unknown dossier */
	assert_int_equal(push(h, "t1", items, 3, r), 0);
	assert_int_equal(r[0].result, SP_OK);
	assert_int_equal(r[1].result, SP_OK);
	assert_int_equal(r[2].result, SP_REJECTED);
	assert_non_null(strstr(r[2].reason, "unknown upstream"));
	assert_int_equal(status_of(h, "000.00.19.H49-260105-0001", &ev), 4);
	assert_int_equal(ev, 2);
	/* the same keys again: duplicates, nothing stored twice */
	assert_int_equal(push(h, "t1", items, 2, r), 0);
	assert_int_equal(r[0].result, SP_DUPLICATE);
	assert_int_equal(r[1].result, SP_DUPLICATE);
	assert_int_equal(status_of(h, "000.00.19.H49-260105-0001", &ev), 4);
	assert_int_equal(ev, 2);
	/* another terminal cannot touch it */
	item_status(b, sizeof b, 102, 1, 7, 0, 9);
	assert_int_equal(push(h, "t2", items + 1, 1, r), 0);
	assert_int_equal(r[0].result, SP_REJECTED);
	assert_non_null(strstr(r[0].reason, "another terminal"));
}

static void
test_intake_never_overwritten(void **state)
{
	struct hubstore *h = *state;
	char a[1024];
	const char *items[1] = { a };
	struct sp_push_result r[1];

	item_new(a, sizeof a, 3, "Trần Thị Bình");
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_int_equal(r[0].result, SP_OK);
	/* same code, new key, other intake data: refused, not merged */
	item_new(a, sizeof a, 3, "Someone Else");
	memcpy(a + 8, "ffff", 4); /* a different key */
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_int_equal(r[0].result, SP_REJECTED);
	assert_non_null(strstr(r[0].reason, "different intake data"));
}

static void
test_upstream_wins_and_pull(void **state)
{
	struct hubstore *h = *state;
	char a[1024], err[HUBSTORE_ERR_MAX];
	const char *items[1] = { a };
	struct sp_push_result r[1];
	json_t *page;

	item_new(a, sizeof a, 4, "Lê Văn Cường");
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_int_equal(hubstore_set_status(h, "000.00.19.H49-260105-0004", 8,
	                     0, "dừng", 1767600000, err),
	    STORE_OK);
	/* a terminal change made before it saw rev 1: kept, not applied */
	item_status(a, sizeof a, 200, 4, 9, 0, 4);
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_int_equal(r[0].result, SP_OK);
	assert_false(r[0].applied);
	assert_int_equal(status_of(h, "000.00.19.H49-260105-0004", NULL), 8);
	/* one made after it saw rev 1 applies */
	item_status(a, sizeof a, 201, 4, 10, 1, 4);
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_true(r[0].applied);
	assert_int_equal(status_of(h, "000.00.19.H49-260105-0004", NULL), 4);
	/* the upstream change is a pull item for t1 only */
	page = hubstore_pull(h, "t1", 0, 10);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 1);
	assert_false(json_is_true(json_object_get(page, "more")));
	json_decref(page);
	page = hubstore_pull(h, "t2", 0, 10);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 0);
	json_decref(page);
	assert_int_equal(hubstore_set_status(h, "000.00.19.H49-260105-0099", 8,
	                     0, NULL, 1767600000, err),
	    STORE_NOTFOUND);
	assert_int_equal(hubstore_set_status(h, "000.00.19.H49-260105-0004", 11,
	                     0, NULL, 1767600000, err),
	    STORE_INVALID);
}

static void
test_pull_paging(void **state)
{
	struct hubstore *h = *state;
	char a[1024], err[HUBSTORE_ERR_MAX];
	const char *items[1] = { a };
	struct sp_push_result r[1];
	int64_t after = 0, seen = 0;
	json_t *page;

	item_new(a, sizeof a, 5, "X Y");
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	for (int i = 0; i < 7; i++)
		assert_int_equal(hubstore_set_status(h,
		                     "000.00.19.H49-260105-0005", 4 + i % 2, 0,
		                     NULL, 1767600000, err),
		    STORE_OK);
	do {
		page = hubstore_pull(h, "t1", after, 3);
		seen +=
		    (int64_t)json_array_size(json_object_get(page, "items"));
		after = json_integer_value(json_object_get(page, "last"));
		if (!json_is_true(json_object_get(page, "more"))) {
			json_decref(page);
			break;
		}
		json_decref(page);
	} while (1);
	assert_int_equal(seen, 7);
}

static void
test_lookup_and_codes(void **state)
{
	struct hubstore *h = *state;
	char a[1024], b[1024], hash[65];
	const char *items[2] = { a, b };
	struct sp_push_result r[2];
	struct store_lookup v;
	json_t *j;

	item_new(a, sizeof a, 6, "Nguyễn Văn An");
	item_new(b, sizeof b, 7, "Phạm Thị Dung");
	assert_int_equal(push(h, "t3", items, 2, r), 0);
	snprintf(hash, sizeof hash, "%064x", 6);
	assert_int_equal(hubstore_lookup(h, hash, &v), STORE_OK);
	assert_string_equal(v.code, "000.00.19.H49-260105-0006");
	assert_string_equal(v.masked_name, "Ng**** V** A*");
	snprintf(hash, sizeof hash, "%064x", 999);
	assert_int_equal(hubstore_lookup(h, hash, &v), STORE_NOTFOUND);
	j = hubstore_codes(h, "t3", 1767580000, 1767590000, NULL, 0);
	assert_int_equal(json_array_size(json_object_get(j, "codes")), 2);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(j, "codes"), 0)),
	    "000.00.19.H49-260105-0006");
	assert_null(json_object_get(j, "more")); /* not paged */
	json_decref(j);
	/* paged: one code a page, the period's counts on each */
	j = hubstore_codes(h, "t3", 1767580000, 1767590000, NULL, 1);
	assert_int_equal(json_array_size(json_object_get(j, "codes")), 1);
	assert_true(json_is_true(json_object_get(j, "more")));
	json_decref(j);
	j = hubstore_codes(h, "t3", 1767580000, 1767590000,
	    "000.00.19.H49-260105-0006", 1);
	assert_int_equal(json_array_size(json_object_get(j, "codes")), 1);
	assert_false(json_is_true(json_object_get(j, "more")));
	assert_int_equal(json_integer_value(json_object_get(
	                     json_object_get(j, "counts"), "1")) +
	        json_integer_value(
	            json_object_get(json_object_get(j, "counts"), "2")) +
	        json_integer_value(
	            json_object_get(json_object_get(j, "counts"), "3")),
	    2);
	json_decref(j);
}

static int64_t
report_num(const json_t *row, const char *col)
{
	return (int64_t)json_integer_value(json_object_get(row, col));
}

/* A status item carrying its event's kind (and, for a completion, the
 * due date it moved from, due_at the new one). */
static void
item_event(char *buf, size_t size, int key, int n, int seq, int64_t at,
    int status, const char *kind, int64_t due_before, int64_t due_at)
{
	char due[64] = "", before[64] = "null";

	if (due_at != 0)
		snprintf(due, sizeof due, ",\"due_at\":%lld",
		    (long long)due_at);
	if (due_before != 0)
		snprintf(before, sizeof before, "%lld", (long long)due_before);
	snprintf(buf, size,
	    "{\"key\":\"%032x\",\"kind\":\"status\",\"code\":"
	    "\"000.00.19.H49-260105-%04d\",\"seq\":%d,\"base\":0,\"at\":"
	    "%lld,\"status\":%d%s,\"event\":{\"kind\":\"%s\","
	    "\"due_before\":%s}}",
	    key, n, seq, (long long)at, status, due, kind, before);
}

static json_t *
report_row_of(json_t *j, const char *agency, const char *channel)
{
	size_t i;
	json_t *row;

	json_array_foreach(json_object_get(j, "rows"), i, row)
		if (strcmp(json_string_value(json_object_get(row, "agency")),
		        agency) == 0 &&
		    strcmp(json_string_value(json_object_get(row, "channel")),
		        channel) == 0)
			return row;
	return NULL;
}

/* The dossiers of test_report_*: five received on the day of
 * 1767580320 (due three days later), at two offices; one resolved
 * early, one refused at intake. */
static void
report_fixture(struct hubstore *h)
{
	char a[1024], b[1024], c[1024], d[1024], e[1024], *at;
	const char *items[5] = { a, b, c, d, e };
	struct sp_push_result r[5];

	item_new(a, sizeof a, 1, "A"); /* channel 2 */
	item_new(b, sizeof b, 2, "B"); /* channel 3 */
	item_new(c, sizeof c, 3, "C"); /* channel 1 */
	item_new(d, sizeof d, 4, "D"); /* channel 2 */
	assert_int_equal(push(h, "t1", items, 4, r), 0);
	/* another office's dossier, channel 2 */
	item_new(e, sizeof e, 10, "E");
	while ((at = strstr(e, "000.00.19.H49")) != NULL)
		memcpy(at, "000.00.20.H49", 13);
	assert_int_equal(push(h, "t2", items + 4, 1, r), 0);
	assert_int_equal(r[0].result, SP_OK);
	item_status(a, sizeof a, 200, 1, 100, 0, 9); /* resolved */
	item_status(b, sizeof b, 201, 2, 100, 0, 3); /* refused */
	assert_int_equal(push(h, "t1", items, 2, r), 0);
	assert_int_equal(r[0].result, SP_OK);
	assert_int_equal(r[1].result, SP_OK);
}

/* The province report counts with the office report's rules
 * (docs/reports.md): received by agency and channel, refused apart,
 * resolved early / on time / late, pending within due or overdue at the
 * period's end, carried over into a later period; one agency alone. */
static void
test_report_by_agency_and_channel(void **state)
{
	struct hubstore *h = *state;
	int day = cal_local_day(1767580320);
	json_t *j, *row;

	report_fixture(h);
	j = hubstore_report(h, day, day, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "rows")), 4);
	row = json_array_get(json_object_get(j, "rows"), 0);
	assert_string_equal(json_string_value(json_object_get(row, "agency")),
	    "000.00.19.H49");
	assert_string_equal(json_string_value(json_object_get(row, "channel")),
	    "in_person");
	assert_int_equal(report_num(row, "received"), 1);
	assert_int_equal(report_num(row, "pending"), 1);
	assert_int_equal(report_num(row, "within_due"), 1);
	row = report_row_of(j, "000.00.19.H49", "online");
	assert_int_equal(report_num(row, "received"), 2);
	assert_int_equal(report_num(row, "resolved"), 1);
	assert_int_equal(report_num(row, "early"), 1);
	assert_int_equal(report_num(row, "pending"), 1);
	row = report_row_of(j, "000.00.19.H49", "postal");
	assert_int_equal(report_num(row, "received"), 0);
	assert_int_equal(report_num(row, "refused"), 1);
	row = report_row_of(j, "000.00.20.H49", "online");
	assert_int_equal(report_num(row, "received"), 1);
	row = json_object_get(j, "total");
	assert_int_equal(report_num(row, "received"), 4);
	assert_int_equal(report_num(row, "refused"), 1);
	assert_int_equal(report_num(row, "carried_over"), 0);
	assert_int_equal(report_num(row, "pending"), 3);
	assert_int_equal(report_num(row, "overdue"), 0);
	json_decref(j);
	/* a period past the due date: the open ones are overdue at its end */
	j = hubstore_report(h, day, day + 5, NULL);
	assert_int_equal(report_num(json_object_get(j, "total"), "overdue"), 3);
	json_decref(j);
	/* the next days: nothing received, three carried over */
	j = hubstore_report(h, day + 1, day + 5, NULL);
	row = json_object_get(j, "total");
	assert_int_equal(report_num(row, "received"), 0);
	assert_int_equal(report_num(row, "carried_over"), 3);
	assert_int_equal(report_num(row, "resolved"), 0);
	assert_int_equal(report_num(row, "overdue"), 3);
	json_decref(j);
	/* one agency */
	j = hubstore_report(h, day, day, "000.00.20.H49");
	assert_int_equal(json_array_size(json_object_get(j, "rows")), 1);
	assert_int_equal(report_num(json_object_get(j, "total"), "received"),
	    1);
	json_decref(j);
	/* before the period: nothing */
	j = hubstore_report(h, day - 3, day - 1, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "rows")), 0);
	assert_int_equal(report_num(json_object_get(j, "total"), "received"),
	    0);
	json_decref(j);
}

/* Supplements: the time waited is subtracted and the due date a
 * completion moved is compared from before (on time, where the raw end
 * is past the due date); a second request makes a dossier late; while a
 * dossier waits on its first request it is not overdue. By field. */
static void
test_report_supplements_and_fields(void **state)
{
	struct hubstore *h = *state;
	const int64_t due = 1767839520;
	int day = cal_local_day(1767580320);
	char a[1024], b[1024], c[1024], d[1024], e[1024], f[1024];
	const char *items[6] = { a, b, c, d, e, f };
	struct sp_push_result r[6];
	struct store_report_row *rows, total;
	struct store_unaccepted un;
	char err[HUBSTORE_ERR_MAX];
	size_t n;
	json_t *j, *row;

	item_new(a, sizeof a, 31, "A"); /* channel 2 */
	item_new(b, sizeof b, 32, "B"); /* channel 3 */
	item_new(c, sizeof c, 33, "C"); /* channel 1 */
	assert_int_equal(push(h, "t1", items, 3, r), 0);
	/* 31: 10,000 s waiting, due moved by two days, ends an hour past
	 * the old due: on time once the wait is subtracted */
	item_event(a, sizeof a, 300, 31, 100, 1767590000, 5,
	    "supplement_request", 0, 0);
	item_event(b, sizeof b, 301, 31, 101, 1767600000, 4,
	    "supplement_complete", due, due + 2 * 86400);
	item_event(c, sizeof c, 302, 31, 102, due + 3600, 9, "status", 0, 0);
	/* 32: two requests: late */
	item_event(d, sizeof d, 303, 32, 100, 1767590000, 5,
	    "supplement_request", 0, 0);
	item_event(e, sizeof e, 304, 32, 101, 1767591000, 4,
	    "supplement_complete", 0, 0);
	item_event(f, sizeof f, 305, 32, 102, 1767592000, 5,
	    "supplement_request", 0, 0);
	assert_int_equal(push(h, "t1", items, 6, r), 0);
	for (int i = 0; i < 6; i++)
		assert_int_equal(r[i].result, SP_OK);
	/* 33: waits on its first request, asked before the due date */
	item_event(a, sizeof a, 306, 33, 100, 1767590000, 5,
	    "supplement_request", 0, 0);
	assert_int_equal(push(h, "t1", items, 1, r), 0);

	j = hubstore_report(h, day, day + 10, NULL);
	row = json_object_get(j, "total");
	assert_int_equal(report_num(row, "received"), 3);
	assert_int_equal(report_num(row, "on_time"), 1);
	assert_int_equal(report_num(row, "late"), 0);
	/* 32 is open with two requests: overdue from its last request */
	assert_int_equal(report_num(row, "overdue"), 1);
	/* 33 waits on its first request made before its due: within */
	assert_int_equal(report_num(row, "within_due"), 1);
	json_decref(j);
	/* 32 ends: late */
	item_event(a, sizeof a, 307, 32, 103, 1767600000, 9, "status", 0, 0);
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	j = hubstore_report(h, day, day + 10, NULL);
	assert_int_equal(report_num(json_object_get(j, "total"), "late"), 1);
	json_decref(j);
	/* by field: the item_new dossiers have none: one row, "" */
	assert_int_equal(hubstore_report_fields(h, day, day + 10, &rows, &n,
	                     &total, &un, err),
	    0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].key, "");
	assert_int_equal(
	    rows[0].received[0] + rows[0].received[1] + rows[0].received[2], 3);
	assert_int_equal(rows[0].received[1], 1); /* online */
	assert_int_equal(total.on_time, 1);
	assert_int_equal(total.late, 1);
	assert_int_equal(total.within_due, 1);
	free(rows);
}

static void
test_offices(void **state)
{
	struct hubstore *h = *state;
	char a[1024], b[1024], body[4096], err[SP_ERR_MAX];
	struct sp_push_result r[2];
	struct sp_push p;
	json_t *o, *row;

	item_new(a, sizeof a, 1, "A");
	item_status(b, sizeof b, 300, 99, 2, 0, 4); /* unknown dossier */
	snprintf(body, sizeof body, "{\"items\":[%s,%s]}", a, b);
	assert_int_equal(sp_push_req(body, strlen(body), &p, err), 0);
	p.backlog = 7;
	assert_int_equal(hubstore_push(h, "t1", &p, 1767600000, r, err), 0);
	sp_push_free(&p);
	assert_int_equal(r[1].result, SP_REJECTED);
	assert_int_equal(hubstore_seen(h, "t1", 1767600030), 0); /* < 60 s */
	assert_int_equal(hubstore_seen(h, "t2", 1767600100), 0);
	o = hubstore_offices(h);
	assert_int_equal(json_array_size(o), 2);
	row = json_array_get(o, 0);
	assert_string_equal(json_string_value(json_object_get(row, "terminal")),
	    "t1");
	assert_int_equal(report_num(row, "last_push_at"), 1767600000);
	assert_int_equal(report_num(row, "last_seen_at"), 1767600000);
	assert_int_equal(report_num(row, "backlog"), 7);
	assert_int_equal(report_num(row, "pushes"), 1);
	assert_int_equal(report_num(row, "items"), 1);
	assert_int_equal(report_num(row, "rejected"), 1);
	assert_non_null(strstr(
	    json_string_value(json_object_get(row, "last_error")), "unknown"));
	assert_int_equal(report_num(row, "last_error_at"), 1767600000);
	row = json_array_get(o, 1);
	assert_true(json_is_null(json_object_get(row, "last_push_at")));
	assert_int_equal(report_num(row, "last_seen_at"), 1767600100);
	assert_int_equal(report_num(row, "pushes"), 0);
	json_decref(o);
	/* a later push without a backlog, nothing rejected: the last error
	 * stays, the backlog is unknown; a pull a minute on is seen */
	item_new(a, sizeof a, 2, "B");
	snprintf(body, sizeof body, "{\"items\":[%s]}", a);
	assert_int_equal(sp_push_req(body, strlen(body), &p, err), 0);
	assert_int_equal(hubstore_push(h, "t1", &p, 1767600200, r, err), 0);
	sp_push_free(&p);
	assert_int_equal(hubstore_seen(h, "t1", 1767600300), 0);
	o = hubstore_offices(h);
	row = json_array_get(o, 0);
	assert_int_equal(report_num(row, "last_push_at"), 1767600200);
	assert_int_equal(report_num(row, "last_seen_at"), 1767600300);
	assert_true(json_is_null(json_object_get(row, "backlog")));
	assert_int_equal(report_num(row, "pushes"), 2);
	assert_int_equal(report_num(row, "items"), 2);
	assert_int_equal(report_num(row, "rejected"), 1);
	assert_int_equal(report_num(row, "last_error_at"), 1767600000);
	json_decref(o);
}

/* A failure in the middle of a push leaves nothing of it: a trigger makes
 * the second dossier's insert fail. */
static void
test_push_whole_or_nothing(void **state)
{
	struct hubstore *h = *state;
	char a[1024], b[1024], c[1024], *msg = NULL;
	const char *items[3] = { a, b, c };
	struct sp_push_result r[3];
	sqlite3 *db;

	/* the second dossier's insert fails: nothing of the push stays */
	if (pg_dsn != NULL)
		assert_int_equal(
		    pg_run(
		        "CREATE FUNCTION fail_one() RETURNS trigger"
		        " LANGUAGE plpgsql AS $$ BEGIN"
		        " IF NEW.code LIKE '%-0011' THEN"
		        " RAISE EXCEPTION 'injected'; END IF;"
		        " RETURN NEW; END $$;"
		        "CREATE TRIGGER fail_one BEFORE INSERT ON hub_dossiers"
		        " FOR EACH ROW EXECUTE FUNCTION fail_one()"),
		    0);
	else {
		assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
		assert_int_equal(
		    sqlite3_exec(db,
		        "CREATE TRIGGER fail_one BEFORE INSERT ON "
		        "hub_dossiers WHEN NEW.code LIKE '%-0011' "
		        "BEGIN SELECT RAISE(ABORT, 'injected'); END;",
		        NULL, NULL, &msg),
		    SQLITE_OK);
		sqlite3_close(db);
	}
	item_new(a, sizeof a, 10, "A B");
	item_new(b, sizeof b, 11, "C D");
	item_new(c, sizeof c, 12, "E F");
	assert_int_equal(push(h, "t1", items, 3, r), -1);
	assert_int_equal(status_of(h, "000.00.19.H49-260105-0010", NULL), -1);
	assert_int_equal(status_of(h, "000.00.19.H49-260105-0012", NULL), -1);
	/* and the keys were not remembered: the retry stores them */
	if (pg_dsn != NULL)
		assert_int_equal(
		    pg_run("DROP TRIGGER fail_one ON hub_dossiers"), 0);
	else {
		assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
		sqlite3_exec(db, "DROP TRIGGER fail_one", NULL, NULL, NULL);
		sqlite3_close(db);
	}
	assert_int_equal(push(h, "t1", items, 3, r), 0);
	assert_int_equal(r[0].result, SP_OK);
	assert_int_equal(r[1].result, SP_OK);
	assert_int_equal(status_of(h, "000.00.19.H49-260105-0011", NULL), 2);
}

/* Sets user_version on the closed database at dbpath. */
static void
set_version(int v)
{
	char sql[64];
	sqlite3 *db;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* Takes the database back to the schema before the province report's
 * facts (migration 6), as a hub of that version has it. */
static void
unmigrate_report(void)
{
	static const char *const cols[] = { "agency", "field", "finished_at",
		"returned_at", "ended_at", "supp_req", "supp_comp", "supp_net",
		"supp_last", "due0" };
	char sql[128];
	sqlite3 *db;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                     "DROP INDEX hub_dossiers_open;"
	                     "DROP INDEX hub_dossiers_ended;"
	                     "DROP TABLE hub_supp; DROP TABLE hub_report_days;",
	                     NULL, NULL, NULL),
	    SQLITE_OK);
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		snprintf(sql, sizeof sql,
		    "ALTER TABLE hub_dossiers DROP COLUMN %s", cols[i]);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL),
		    SQLITE_OK);
	}
	sqlite3_close(db);
}

static int
get_version(void)
{
	sqlite3_stmt *st;
	sqlite3 *db;
	int v;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* A hub from before the report's facts (schema 5) gets them from the
 * events it kept, and its daily counts from its dossiers: the report
 * after the migration is the one the pushes had built. */
static void
test_migrate_fills_report(void **state)
{
	struct hubstore *h = *state;
	int day = cal_local_day(1767580320);
	char err[HUBSTORE_ERR_MAX], *before, *after;
	json_t *j;

	test_report_supplements_and_fields(state);
	report_fixture(h);
	j = hubstore_report(h, day, day + 10, NULL);
	before = json_dumps(j, JSON_SORT_KEYS);
	json_decref(j);
	hubstore_close(h);
	*state = NULL;
	unmigrate_report();
	set_version(5);
	assert_non_null(h = hubstore_open(
	                    &(struct hubstore_conf){ .backend = HUBSTORE_SQLITE,
	                        .path = dbpath,
	                        .busy_timeout_ms = 1000 },
	                    err));
	*state = h;
	j = hubstore_report(h, day, day + 10, NULL);
	after = json_dumps(j, JSON_SORT_KEYS);
	json_decref(j);
	assert_string_equal(after, before);
	free(before);
	free(after);
}

/* A hub made before versions were kept has today's tables at
 * user_version 0: it migrates to the latest and keeps its dossiers. */
static void
test_migrate_unversioned(void **state)
{
	struct hubstore *h = *state;
	char a[1024], err[HUBSTORE_ERR_MAX];
	const char *items[1] = { a };
	struct sp_push_result r[1];

	item_new(a, sizeof a, 21, "Lê Văn Cường");
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_int_equal(r[0].result, SP_OK);
	hubstore_close(h);
	*state = NULL;
	assert_int_equal(get_version(),
	    hubstore_schema_version(HUBSTORE_SQLITE));
	unmigrate_report();
	set_version(0);
	assert_non_null(h = hubstore_open(
	                    &(struct hubstore_conf){ .backend = HUBSTORE_SQLITE,
	                        .path = dbpath,
	                        .busy_timeout_ms = 1000 },
	                    err));
	*state = h;
	assert_int_equal(get_version(),
	    hubstore_schema_version(HUBSTORE_SQLITE));
	assert_int_equal(status_of(h, "000.00.19.H49-260105-0021", NULL), 2);
	/* the same key again is still known: hub_keys kept too */
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_int_equal(r[0].result, SP_DUPLICATE);
}

/* Migration 2 repairs what a version-1 hub took unchecked: a due_at the
 * terminals' pull parser refuses, a status out of range, a seq that
 * froze a dossier. */
static void
test_migrate_repairs_bad_rows(void **state)
{
	struct hubstore *h = *state;
	char a[1024], b[1024], err[HUBSTORE_ERR_MAX];
	const char *items[1] = { a };
	struct sp_push_result r[1];
	sqlite3 *db;
	json_t *page;

	item_new(a, sizeof a, 22, "Lê Văn Cường");
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_int_equal(r[0].result, SP_OK);
	hubstore_close(h);
	*state = NULL;
	unmigrate_report();
	set_version(1);
	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                     "INSERT INTO hub_changes(terminal, code, status,"
	                     " rev, at, due_at) VALUES ('t1',"
	                     " '000.00.19.H49-260105-0022', 9, 1, 1767580320,"
	                     " -5), ('t1', '000.00.19.H49-260105-0022',"
	                     " 4294967305, 2, 1767580320, NULL);"
	                     "UPDATE hub_dossiers SET last_seq ="
	                     " 9223372036854775807, due_at = -5",
	                     NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	assert_non_null(h = hubstore_open(
	                    &(struct hubstore_conf){ .backend = HUBSTORE_SQLITE,
	                        .path = dbpath,
	                        .busy_timeout_ms = 1000 },
	                    err));
	*state = h;
	assert_int_equal(get_version(),
	    hubstore_schema_version(HUBSTORE_SQLITE));
	page = hubstore_pull(h, "t1", 0, 10);
	assert_non_null(page);
	assert_int_equal(json_array_size(json_object_get(page, "items")), 1);
	assert_null(json_object_get(
	    json_array_get(json_object_get(page, "items"), 0), "due_at"));
	json_decref(page);
	/* the dossier is no longer frozen: its next real event applies */
	items[0] = b;
	item_status(b, sizeof b, 23, 22, 2, 0, 5);
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_int_equal(r[0].result, SP_OK);
	assert_true(r[0].applied);
	assert_int_equal(status_of(h, "000.00.19.H49-260105-0022", NULL), 5);
}

/* Each field of an upstream change is checked; a seq cannot jump past
 * every later one; a token hash names one dossier. */
static void
test_bounds(void **state)
{
	struct hubstore *h = *state;
	char a[1024], b[1024], err[HUBSTORE_ERR_MAX];
	const char *items[1] = { a };
	struct sp_push_result r[1];

	item_new(a, sizeof a, 24, "Lê Văn Cường");
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_int_equal(r[0].result, SP_OK);
	assert_int_equal(hubstore_set_status(h, "000.00.19.H49-260105-0024", 11,
	                     0, NULL, 1767580400, err),
	    STORE_INVALID);
	assert_int_equal(hubstore_set_status(h, "000.00.19.H49-260105-0024", 5,
	                     -5, NULL, 1767580400, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "due_at"));
	items[0] = b;
	snprintf(b, sizeof b,
	    "{\"key\":\"%032x\",\"kind\":\"status\",\"code\":"
	    "\"000.00.19.H49-260105-0024\",\"seq\":%lld,\"base\":0,"
	    "\"at\":1767590000,\"status\":5}",
	    25, (long long)HUBSTORE_SEQ_STEP_MAX + 30);
	assert_int_equal(push(h, "t1", items, 1, r), 0);
	assert_int_equal(r[0].result, SP_REJECTED);
	assert_non_null(strstr(r[0].reason, "seq"));
}

/* A database written by a newer motcuad is refused, not guessed at. */
/* Keys older than the retention go in batches; a new dossier re-sent
 * after its key went is recognised by its identical record and stored
 * once. */
static void
test_prune_keys(void **state)
{
	struct hubstore *h = *state;
	struct sp_push_result res[3];
	char a[1024], b[1024], c[1024];
	const char *items[] = { a, b, c };
	int events;

	item_new(a, sizeof a, 41, "Lê Thị Hoa");
	item_new(b, sizeof b, 42, "Lê Thị Hoa");
	item_new(c, sizeof c, 43, "Lê Thị Hoa");
	assert_int_equal(push(h, "t1", items, 3, res), 0);
	/* pushed "now" 1767600000: not older than that */
	assert_int_equal(hubstore_prune_keys(h, 1767600000, 10), 0);
	assert_int_equal(hubstore_prune_keys(h, 1767600001, 2), 2);
	assert_int_equal(hubstore_prune_keys(h, 1767600001, 2), 1);
	assert_int_equal(hubstore_prune_keys(h, 1767600001, 2), 0);
	assert_int_equal(push(h, "t1", items, 1, res), 0);
	assert_int_equal(res[0].result, SP_OK); /* the key is unknown now */
	assert_int_equal(status_of(h, "000.00.19.H49-260105-0041", &events), 2);
	assert_int_equal(events, 1); /* and nothing stored twice */
}

static void
test_newer_version_refused(void **state)
{
	char err[HUBSTORE_ERR_MAX] = "";

	hubstore_close(*state);
	*state = NULL;
	set_version(99);
	assert_null(
	    hubstore_open(&(struct hubstore_conf){ .backend = HUBSTORE_SQLITE,
	                      .path = dbpath,
	                      .busy_timeout_ms = 1000 },
	        err));
	{
		char want[96];

		snprintf(want, sizeof want,
		    "schema version 99 is newer than this motcuad (%d)",
		    hubstore_schema_version(HUBSTORE_SQLITE));
		assert_non_null(strstr(err, want));
	}
	assert_int_equal(get_version(), 99);
}

/* The tests of the interface, on either backend. */
#define HUBSTORE_TESTS                                                         \
	cmocka_unit_test_setup_teardown(test_push_dedup_and_results, setup,    \
	    teardown),                                                         \
	    cmocka_unit_test_setup_teardown(test_intake_never_overwritten,     \
	        setup, teardown),                                              \
	    cmocka_unit_test_setup_teardown(test_upstream_wins_and_pull,       \
	        setup, teardown),                                              \
	    cmocka_unit_test_setup_teardown(test_pull_paging, setup,           \
	        teardown),                                                     \
	    cmocka_unit_test_setup_teardown(test_lookup_and_codes, setup,      \
	        teardown),                                                     \
	    cmocka_unit_test_setup_teardown(test_push_whole_or_nothing, setup, \
	        teardown),                                                     \
	    cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),     \
	    cmocka_unit_test_setup_teardown(test_report_by_agency_and_channel, \
	        setup, teardown),                                              \
	    cmocka_unit_test_setup_teardown(                                   \
	        test_report_supplements_and_fields, setup, teardown),          \
	    cmocka_unit_test_setup_teardown(test_offices, setup, teardown),    \
	    cmocka_unit_test_setup_teardown(test_prune_keys, setup, teardown)

int
main(void)
{
	/* the SQLite hub's file-level migrations: SQLite only (test_hub_pg
	 * migrates a PostgreSQL database) */
	const struct CMUnitTest all[] = {
		HUBSTORE_TESTS,
		cmocka_unit_test_setup_teardown(test_migrate_unversioned, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_repairs_bad_rows,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_fills_report,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_newer_version_refused,
		    setup, teardown),
	};
	const struct CMUnitTest pg[] = { HUBSTORE_TESTS };

	pg_dsn = getenv("MOTCUA_TEST_PG_DSN");
	if (pg_dsn != NULL && *pg_dsn != '\0')
		HARNESS_RUN(pg);
	pg_dsn = NULL;
	HARNESS_RUN(all);
}
