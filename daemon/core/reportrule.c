/* reportrule.c: the report's rules for one dossier (reportrule.h). */
#include "core/calendar.h"
#include "core/reportrule.h"
#include "core/status.h"

void
rrule_supplement(struct rrule_facts *f, bool request, int64_t at, bool has_due,
    int64_t due_before, int64_t due_after)
{
	if (request) {
		f->nreq++;
		f->net -= at;
		if (at > f->lastreq)
			f->lastreq = at;
		return;
	}
	f->ncomp++;
	f->net += at;
	/* a completion that moved the due date: the time waited is
	 * subtracted, so compare with the due from before (the earliest) */
	if (has_due && due_before != due_after &&
	    (f->due0 == 0 || due_before < f->due0))
		f->due0 = due_before;
}

int64_t
rrule_due(const struct rrule_facts *f)
{
	return f->due0 != 0 ? f->due0 : f->due;
}

/* The supplement time subtracted: the completed waits; an open request
 * (one more request than completions) is not in it. */
static int64_t
supp_time(const struct rrule_facts *f)
{
	return f->nreq > f->ncomp ? f->net + f->lastreq : f->net;
}

int
rrule_verdict(const struct rrule_facts *f, int64_t edue)
{
	int64_t eff;

	if (f->end == 0)
		return RRULE_OPEN;
	eff = f->end - supp_time(f);
	if (f->status == ST_WITHDRAWN)
		return RRULE_ON_TIME;
	if (f->nreq > 1) /* more than one supplement is late */
		return RRULE_LATE;
	if (edue == 0)
		return RRULE_ON_TIME;
	if (eff > edue)
		return RRULE_LATE;
	/* early against on time by day (docs/domain.md) */
	return cal_local_day(eff) < cal_local_day(edue) ? RRULE_EARLY
	                                                : RRULE_ON_TIME;
}

int64_t
rrule_overdue_since(const struct rrule_facts *f, int64_t edue)
{
	if (f->nreq > 1)
		return f->lastreq;
	if (edue == 0)
		return RRULE_NEVER;
	if (f->nreq > f->ncomp) /* waiting on its first request: stopped */
		return f->lastreq > edue ? edue : RRULE_NEVER;
	return edue + supp_time(f);
}
