/* escstat.c: see escstat.h. */
#include "printer/escstat.h"

bool
escstat_valid(uint8_t b)
{
	return (b & 0x93) == 0x12;
}

bool
escstat_needs_cause(uint8_t printer)
{
	return escstat_valid(printer) && (printer & 0x08) != 0;
}

enum escstat
escstat_eval(const struct escstat_replies *r, bool *garbage)
{
	bool offline, bad = false;

	*garbage = false;
	if (r->has_printer && !escstat_valid(r->printer))
		bad = true;
	if (r->has_paper && !escstat_valid(r->paper))
		bad = true;
	if (r->has_cause && !escstat_valid(r->cause))
		bad = true;
	if (bad) {
		*garbage = true;
		return ESCSTAT_UNKNOWN;
	}
	if (!r->has_printer)
		return ESCSTAT_UNKNOWN;
	offline = (r->printer & 0x08) != 0;
	/* A printer out of paper usually also goes offline: the paper
	 * sensor says why, so it is read first. */
	if (r->has_paper && (r->paper & 0x60) == 0x60)
		return ESCSTAT_NO_PAPER;
	if (offline && r->has_cause && (r->cause & 0x04) != 0)
		return ESCSTAT_COVER_OPEN;
	if (offline)
		return ESCSTAT_OFFLINE;
	if (!r->has_paper)
		return ESCSTAT_UNKNOWN;
	if ((r->paper & 0x0c) == 0x0c)
		return ESCSTAT_PAPER_LOW;
	return ESCSTAT_OK;
}

const char *
escstat_name(enum escstat s)
{
	static const char *const names[ESCSTAT_COUNT] = { "ok", "paper_low",
		"no_paper", "cover_open", "offline", "unknown",
		"disconnected" };

	return (unsigned)s < ESCSTAT_COUNT ? names[s] : "unknown";
}

bool
escstat_printable(enum escstat s)
{
	return s == ESCSTAT_OK || s == ESCSTAT_PAPER_LOW;
}

enum escstat
escstat_parse_stream(const uint8_t *b, size_t len, bool *garbage)
{
	struct escstat_replies r = { 0 };
	size_t i = 0;

	if (i < len) {
		r.has_printer = true;
		r.printer = b[i++];
	}
	if (r.has_printer && escstat_needs_cause(r.printer) && i < len) {
		r.has_cause = true;
		r.cause = b[i++];
	}
	if (i < len) {
		r.has_paper = true;
		r.paper = b[i++];
	}
	return escstat_eval(&r, garbage);
}
