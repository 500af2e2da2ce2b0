/* postal_json.h: the wire JSON of the postal replies (docs/api.md
 * "Postal"), built from the store's postal reads. Loop thread; no state.
 * Applicant details appear only where the route is staff-only. */
#ifndef POSTAL_JSON_H
#define POSTAL_JSON_H
#include <jansson.h>

#include "store/store.h"

/* {"documents":[{"name","required":true}]} of a procedure (an empty list
 * when it has none stored). NULL with *rc set when the read fails
 * (STORE_NOTFOUND: no such procedure). */
json_t *postal_json_checklist(struct store *, const char *code,
    enum store_rc *rc);
#endif
