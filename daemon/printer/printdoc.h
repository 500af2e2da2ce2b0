/* printdoc.h: the printed documents' fields, built from JSON documents
 * (the caller makes them from the store's reads: printdata.h) and the
 * office config: the intake receipt (Mẫu 01), the kiosk
 * status slip, the postal manifest (bảng kê) and the test page. The field
 * names here are the only ones templates may use (checked at load).
 * Pure: no I/O, no clock (the caller gives the time). */
#ifndef PRINTDOC_H
#define PRINTDOC_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "printer/pprofile.h"
#include "printer/ptemplate.h"

#define PRINTDOC_FIELDS_MAX 48

enum printdoc_kind {
	PRINTDOC_RECEIPT,
	PRINTDOC_SLIP,
	PRINTDOC_MANIFEST,
	PRINTDOC_TEST,
	/* the counter desk's forms (docs/counter.md), printdoc_form */
	PRINTDOC_SUPPLEMENT, /* Mẫu 02: request to supplement */
	PRINTDOC_REFUSAL,    /* Mẫu 03: refusal to accept */
	PRINTDOC_APOLOGY,    /* Mẫu 04: apology and new date */
	PRINTDOC_CONTROL,    /* Mẫu 05: process-control slip */
};
#define PRINTDOC_KINDS 8
/* A counter form kind (Mẫu 02-05)? */
#define PRINTDOC_IS_FORM(k) ((k) >= PRINTDOC_SUPPLEMENT)

struct printdoc_office {         /* borrowed strings */
	const char *office_name; /* office.name */
	const char *agency_name; /* office.agency_name: the parent agency */
	const char *hotline;
	const char *public_url; /* base of the lookup URL */
};

struct printdoc { /* owns its strings; printdoc_cleanup frees them */
	char *names[PRINTDOC_FIELDS_MAX];
	char *values[PRINTDOC_FIELDS_MAX];
	size_t count;
};

/* "receipt", "slip", "manifest", "test", "supplement", "refusal",
 * "apology", "control"; printdoc_kind_from_name: -1 for an unknown name. */
const char *printdoc_kind_name(enum printdoc_kind);
int printdoc_kind_from_name(const char *);
/* NULL-ended lists of the kind's field names and its list fields. */
const char *const *printdoc_fields(enum printdoc_kind);
const char *const *printdoc_lists(enum printdoc_kind);

/* dossier: printdata_dossier's object; procedure: {days, documents} of
 * its procedure (printer.c) or NULL. The QR payload is the lookup URL with the
 * opaque token only. */
int printdoc_receipt(struct printdoc *, json_t *dossier, json_t *procedure,
    const struct printdoc_office *);
/* The kiosk slip: kiosk-safe fields only (masked name, no contact data). */
int printdoc_slip(struct printdoc *, json_t *dossier,
    const struct printdoc_office *, int64_t now);
/* id: "YYYY-MM-DD" or a postal manifest id "BK..."; items: array of
 * {code, procedure_name, owner_name, address, delivery, fee (VND)}. */
int printdoc_manifest(struct printdoc *, const char *id, json_t *items,
    const struct printdoc_office *, int64_t now);
int printdoc_test(struct printdoc *, const struct pprofile *,
    const struct printdoc_office *);
/* A counter form (kind PRINTDOC_SUPPLEMENT..PRINTDOC_CONTROL) of the
 * dossier (printdata_dossier's object, with its "supplement", "apology",
 * "refusal_reason" and "handoffs"): the one set of fields both the 80 mm
 * template and the A5 page (formhtml.h) render. now: the form's date. */
int printdoc_form(struct printdoc *, enum printdoc_kind, json_t *dossier,
    const struct printdoc_office *, int64_t now);
/* The value of field name in d; "" when it has none. */
const char *printdoc_get(const struct printdoc *, const char *name);
/* The fields as the template engine takes them (borrowed from d). */
struct ptemplate_fields printdoc_view(const struct printdoc *);
void printdoc_cleanup(struct printdoc *);
/* "Nguyễn Văn An" -> "N**** V** A*" (first letter of each word). */
void printdoc_mask_name(const char *name, char *out, size_t size);
#endif
