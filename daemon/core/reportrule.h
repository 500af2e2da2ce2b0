/* reportrule.h: the report's rules for one dossier (docs/domain.md,
 * "Reports: what counts"; docs/reports.md defines every number), pure:
 * the verdict of a dossier that ended (early, on time, late) and the
 * instant from which an open one counts as overdue. The office's report
 * (store/store_report.c) and the province hub's (store/hubstore*.c) both
 * count with these, so a dossier counts the same in both.
 *
 * No I/O, no clock, no allocation, no globals. A struct rrule_facts is a
 * plain value owned by its caller. */
#ifndef REPORTRULE_H
#define REPORTRULE_H
#include <stdbool.h>
#include <stdint.h>

#define RRULE_NEVER INT64_MAX /* an overdue instant that never comes */

/* Verdicts of an ended dossier. */
enum { RRULE_OPEN = 0, RRULE_EARLY = 1, RRULE_ON_TIME = 2, RRULE_LATE = 3 };

/* What the rules read of one dossier. Times are Unix seconds, 0 for
 * none. The supplement part is a summary of its supplement events up to
 * the instant the facts describe, built with rrule_supplement. */
struct rrule_facts {
	int64_t recv;    /* received (accepted) */
	int64_t due;     /* the due date as it stands */
	int64_t end;     /* the first of finished, returned: 0 while open */
	int status;      /* core/status.h */
	int nreq, ncomp; /* supplement requests and completions */
	int64_t net;     /* sum of completion times - request times */
	int64_t lastreq; /* the latest request, 0 when none */
	int64_t due0;    /* the due before a completion moved it, or 0 */
};

/* Adds one supplement event to f: a request at `at`, or a completion at
 * `at` that moved the due date from due_before to due_after (has_due
 * false when the event does not say). Events are added in any order. */
void rrule_supplement(struct rrule_facts *f, bool request, int64_t at,
    bool has_due, int64_t due_before, int64_t due_after);

/* The due date the rules compare with: the one from before a completion
 * moved it (the supplement time is subtracted instead), else the due
 * date; 0 when the dossier has none (the caller may put the procedure's
 * statutory due there). */
int64_t rrule_due(const struct rrule_facts *f);

/* The verdict of a dossier that ended at f->end, against edue (the
 * effective due, rrule_due or the statutory one; 0 = none): RRULE_EARLY
 * (ended before the due day), RRULE_ON_TIME or RRULE_LATE. A withdrawal
 * is on time; more than one supplement request is late. RRULE_OPEN when
 * f->end is 0. */
int rrule_verdict(const struct rrule_facts *f, int64_t edue);

/* The instant from which the dossier counts as overdue while open
 * (pending at a period's end T is overdue when this is < T), or
 * RRULE_NEVER. */
int64_t rrule_overdue_since(const struct rrule_facts *f, int64_t edue);
#endif
