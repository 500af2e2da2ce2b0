/* manifest.h: the reconciliation state of a postal manifest (bảng kê)
 * from what was expected, what arrived and what was resolved. Pure: no
 * I/O, no allocation, no globals (docs/postal.md, docs/api.md "Postal",
 * docs/domain.md "Postal intake: the clock starts at acceptance"). */
#ifndef MANIFEST_H
#define MANIFEST_H
#include <stdbool.h>
#include <stddef.h>

enum manifest_state {
	MANIFEST_OPEN,      /* closed by the post office, nothing scanned */
	MANIFEST_RECEIVING, /* scanning, or all accounted for but unsigned */
	MANIFEST_DISCREPANCIES, /* something needs a resolution */
	MANIFEST_RECONCILED,    /* every item accounted for, and signed */
};

/* The counts of one manifest. An expected item is "accounted for" when it
 * arrived or its missing discrepancy was resolved (arrived late, lost or
 * returned to the sender). Unexpected packets (scanned but not on this
 * manifest) each need a resolution too. */
struct manifest_counts {
	size_t expected;              /* items on the manifest */
	size_t arrived;               /* expected items accepted */
	size_t missing_resolved;      /* expected, not arrived, resolved */
	size_t unexpected;            /* scanned, not on the manifest */
	size_t unexpected_unresolved; /* of those, not yet resolved */
	bool signed_off;              /* both signatories recorded */
};

/* The rule: nothing scanned, resolved or signed is "open"; an unresolved
 * unexpected packet is "discrepancies"; expected items neither arrived
 * nor resolved are still being received until the handover is signed,
 * then they are discrepancies; everything accounted for is "reconciled"
 * once signed and "receiving" before. Inconsistent counts (more arrived
 * or resolved than expected) are "discrepancies": someone must look. */
enum manifest_state manifest_state(const struct manifest_counts *);
/* Expected items neither arrived nor resolved (0 when inconsistent). */
size_t manifest_missing(const struct manifest_counts *);
/* "open", "receiving", "discrepancies", "reconciled". */
const char *manifest_state_name(enum manifest_state);

/* Discrepancy kinds and resolutions, as the API spells them. */
enum manifest_resolution {
	MANIFEST_RES_NONE,
	MANIFEST_RES_ARRIVED_LATE,
	MANIFEST_RES_LOST,
	MANIFEST_RES_RETURNED,
};
/* "arrived_late" ... ; NULL for NONE. */
const char *manifest_resolution_name(enum manifest_resolution);
/* MANIFEST_RES_NONE for anything else (len bytes, not NUL-ended). */
enum manifest_resolution manifest_resolution_parse(const char *s, size_t len);
#endif
