/* dossier_json.h: the wire JSON of a dossier for staff (docs/api.md,
 * GET /api/v1/dossiers/{code}), built from store_dossier. Loop thread;
 * no state. */
#ifndef DOSSIER_JSON_H
#define DOSSIER_JSON_H
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"

/* Every column with its names and labels, "overdue", "events" (each
 * event's detail parsed when it is a JSON object), "postal_item_id" and
 * "token". New reference; NULL when out of memory. */
json_t *dossier_json(const struct store_dossier *);
/* store_dossier then dossier_json: NULL with *rc set (STORE_NOTFOUND,
 * STORE_ERROR; STORE_ERROR too when out of memory). */
json_t *dossier_json_read(struct store *, const char *code, int64_t now,
    enum store_rc *rc);
#endif
