/* test_reportrule.c: the report's rules for one dossier
 * (core/reportrule.h), which the office report and the province hub's
 * both count with: verdicts by day, supplements subtracted, the due date
 * from before a completion moved it, more than one supplement late, a
 * withdrawal on time, and when an open dossier becomes overdue. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

#include "core/calendar.h"
#include "core/reportrule.h"
#include "core/status.h"

#define H 3600
#define D 86400

/* 2026-01-05 09:00 +07:00, a Monday */
static int64_t
t0(void)
{
	return cal_instant(cal_local_day(1767578400), 9 * 60);
}

static struct rrule_facts
ended(int64_t recv, int64_t due, int64_t end)
{
	struct rrule_facts f;

	memset(&f, 0, sizeof f);
	f.recv = recv;
	f.due = due;
	f.end = end;
	f.status = ST_RESULT_READY;
	return f;
}

static void
test_verdict_by_day(void **state)
{
	int64_t r = t0(), due = r + 3 * D;
	struct rrule_facts f;

	(void)state;
	f = ended(r, due, due - D);
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_EARLY);
	f = ended(r, due, due - H); /* the due day itself: on time */
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_ON_TIME);
	f = ended(r, due, due + 1);
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_LATE);
	f = ended(r, 0, r + 100 * D); /* no due date: on time */
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_ON_TIME);
	f = ended(r, due, due + 5 * D);
	f.status = ST_WITHDRAWN; /* a withdrawal is on time */
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_ON_TIME);
	f = ended(r, due, 0);
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_OPEN);
}

static void
test_supplements(void **state)
{
	int64_t r = t0(), due = r + 3 * D;
	struct rrule_facts f;

	(void)state;
	/* a day waiting, the due moved by a day; ends 23 h past the old
	 * due: the wait is subtracted and the old due compared (the same
	 * day: on time; a day earlier would be early) */
	f = ended(r, due + D, due + D - H);
	rrule_supplement(&f, true, r + H, false, 0, 0);
	rrule_supplement(&f, false, r + H + D, true, due, due + D);
	assert_int_equal(rrule_due(&f), due);
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_ON_TIME);
	f.end = due + 2 * H;
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_EARLY);
	f.end = due + D + 1;
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_LATE);
	/* events in any order give the same summary */
	f = ended(r, due + D, due + D - H);
	rrule_supplement(&f, false, r + H + D, true, due, due + D);
	rrule_supplement(&f, true, r + H, false, 0, 0);
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_ON_TIME);
	/* a second request: late, whatever the times */
	f = ended(r, due, r + H);
	rrule_supplement(&f, true, r + 10, false, 0, 0);
	rrule_supplement(&f, false, r + 20, false, 0, 0);
	rrule_supplement(&f, true, r + 30, false, 0, 0);
	assert_int_equal(rrule_verdict(&f, rrule_due(&f)), RRULE_LATE);
	/* a completion that did not move the due leaves it */
	f = ended(r, due, due);
	rrule_supplement(&f, true, r + 10, false, 0, 0);
	rrule_supplement(&f, false, r + 20, true, due, due);
	assert_int_equal(rrule_due(&f), due);
}

static void
test_overdue_since(void **state)
{
	int64_t r = t0(), due = r + 3 * D;
	struct rrule_facts f = ended(r, due, 0);

	(void)state;
	assert_int_equal(rrule_overdue_since(&f, rrule_due(&f)), due);
	assert_int_equal(rrule_overdue_since(&f, 0), RRULE_NEVER);
	/* waiting on its first request, asked before the due: never */
	rrule_supplement(&f, true, r + H, false, 0, 0);
	assert_int_equal(rrule_overdue_since(&f, rrule_due(&f)), RRULE_NEVER);
	/* asked after the due: overdue from the due */
	f = ended(r, due, 0);
	rrule_supplement(&f, true, due + H, false, 0, 0);
	assert_int_equal(rrule_overdue_since(&f, rrule_due(&f)), due);
	/* completed: the due moves by the wait */
	f = ended(r, due, 0);
	rrule_supplement(&f, true, r + H, false, 0, 0);
	rrule_supplement(&f, false, r + 2 * H, false, 0, 0);
	assert_int_equal(rrule_overdue_since(&f, rrule_due(&f)), due + H);
	/* a second request: overdue from it */
	rrule_supplement(&f, true, r + 5 * H, false, 0, 0);
	assert_int_equal(rrule_overdue_since(&f, rrule_due(&f)), r + 5 * H);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_by_day),
		cmocka_unit_test(test_supplements),
		cmocka_unit_test(test_overdue_since),
	};

	HARNESS_RUN(tests);
}
