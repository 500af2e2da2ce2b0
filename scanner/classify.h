/* classify.h: what one scan is. Pure: no I/O, no clock, no allocation.
 *
 * A payload (untrusted bytes from any scanner) is one of: our lookup token
 * or lookup URL (from our own receipt QR), a dossier code, an S10 postal
 * item id (with its check-digit verdict, postal/postid.h), a manifest id
 * ("BK" YYYYMMDD "-" NNNN), or unknown with a reason. The kiosk's own
 * rules (core/scantext.h, one copy the kiosk uses too) decide tokens and
 * codes, so a kiosk and a clerk station never disagree about them. The raw
 * bytes of an unknown scan are never copied out: only a value that parsed is.
 */
#ifndef CLASSIFY_H
#define CLASSIFY_H
#include <stdbool.h>
#include <stddef.h>

#include "core/dcode.h"
#include "postal/postid.h"

enum classify_kind {
	CLASSIFY_TOKEN,    /* value: the normalised token */
	CLASSIFY_CODE,     /* value: the canonical dossier code */
	CLASSIFY_S10,      /* value: the normalised S10 id; see s10 */
	CLASSIFY_MANIFEST, /* value: the manifest id */
	CLASSIFY_UNKNOWN,  /* value: ""; reason says why */
};

#define CLASSIFY_VALUE_MAX (DCODE_TEXT_MAX + 1) /* with the NUL */

struct classified { /* a plain value */
	enum classify_kind kind;
	char value[CLASSIFY_VALUE_MAX];
	/* CLASSIFY_S10 only: the verdict (never S10_BAD_FORMAT: that is not
	 * an S10) and its reason, NULL when valid */
	enum s10_verdict s10;
	/* static: CLASSIFY_UNKNOWN: "empty", "not UTF-8", "control bytes",
	 * "too long" or "no known format"; CLASSIFY_S10: the verdict's
	 * reason or NULL; else NULL */
	const char *reason;
};

/* Classifies len bytes of one payload (binary allowed; blanks, CR, LF and
 * Tab at either end are ignored). truncated: the source cut the scan
 * (always "too long"). Payloads over SCAN_DATA_MAX bytes are "too long". */
void classify_scan(const void *data, size_t len, bool truncated,
    struct classified *out);
const char *classify_kind_name(enum classify_kind); /* "token", ... */
#endif
