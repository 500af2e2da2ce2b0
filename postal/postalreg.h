/* postalreg.h: the body of POST /api/v1/postal/items (docs/api.md,
 * "Postal") and of `motcua postal register --file`, checked into a
 * store_postal_reg. Pure: no I/O, no clock (the caller gives now). Every
 * error names the field by its JSON path ("applicant.name",
 * "documents[2].copies") and says why. */
#ifndef POSTALREG_H
#define POSTALREG_H
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "postal/postid.h"
#include "store/store.h"

#define POSTALREG_FIELD_MAX 64
#define POSTALREG_MSG_MAX   256
#define POSTALREG_DOCS_MAX  64 /* documents on one registration */

struct postalreg {
	struct store_postal_reg reg; /* strings borrowed from root/docs */
	struct s10 s10;              /* the item id's check */
	const char *actor;           /* the body's "actor", or NULL */
	json_t *root;                /* owned */
	char *docs;                  /* owned: the documents' JSON text */
};

enum postalreg_rc {
	POSTALREG_OK = 0,
	POSTALREG_MALFORMED = -1, /* not a JSON object: HTTP 400 */
	POSTALREG_INVALID = -2,   /* a field is wrong: HTTP 422 */
};

/* Parses len bytes. now is the default posted_at. On an error field and
 * msg say which and why, and out needs no cleanup. agency_default (may be
 * NULL) stands for an absent agency_code. */
enum postalreg_rc postalreg_parse(const char *body, size_t len, int64_t now,
    const char *agency_default, struct postalreg *out,
    char field[POSTALREG_FIELD_MAX], char msg[POSTALREG_MSG_MAX]);
/* The same on a parsed object (borrowed: the caller keeps it alive). */
enum postalreg_rc postalreg_from_json(json_t *obj, int64_t now,
    const char *agency_default, struct postalreg *out,
    char field[POSTALREG_FIELD_MAX], char msg[POSTALREG_MSG_MAX]);
void postalreg_cleanup(struct postalreg *); /* idempotent */
#endif
