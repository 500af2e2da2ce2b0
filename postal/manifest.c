/* manifest.c: see manifest.h. */
#include <string.h>

#include "postal/manifest.h"

size_t
manifest_missing(const struct manifest_counts *c)
{
	size_t done = c->arrived + c->missing_resolved;

	if (done < c->arrived || done > c->expected)
		return 0;
	return c->expected - done;
}

enum manifest_state
manifest_state(const struct manifest_counts *c)
{
	size_t done = c->arrived + c->missing_resolved;

	/* counts that cannot happen: never call such a manifest done */
	if (done < c->arrived || done > c->expected ||
	    c->unexpected_unresolved > c->unexpected)
		return MANIFEST_DISCREPANCIES;
	if (done == 0 && c->unexpected == 0 && !c->signed_off)
		return MANIFEST_OPEN;
	if (c->unexpected_unresolved > 0)
		return MANIFEST_DISCREPANCIES;
	if (done < c->expected)
		return c->signed_off ? MANIFEST_DISCREPANCIES
		                     : MANIFEST_RECEIVING;
	return c->signed_off ? MANIFEST_RECONCILED : MANIFEST_RECEIVING;
}

const char *
manifest_state_name(enum manifest_state s)
{
	static const char *const n[] = { "open", "receiving", "discrepancies",
		"reconciled" };

	return (unsigned)s < sizeof n / sizeof n[0] ? n[s] : "discrepancies";
}

static const char *const res_names[] = { NULL, "arrived_late", "lost",
	"returned" };

const char *
manifest_resolution_name(enum manifest_resolution r)
{
	return (unsigned)r < sizeof res_names / sizeof res_names[0]
	    ? res_names[r]
	    : NULL;
}

enum manifest_resolution
manifest_resolution_parse(const char *s, size_t len)
{
	for (size_t i = 1; i < sizeof res_names / sizeof res_names[0]; i++)
		if (strlen(res_names[i]) == len &&
		    memcmp(s, res_names[i], len) == 0)
			return (enum manifest_resolution)i;
	return MANIFEST_RES_NONE;
}
