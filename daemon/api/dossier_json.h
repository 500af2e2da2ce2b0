/* dossier_json.h: the wire JSON of a dossier for staff (docs/api.md:
 * a dossier, search results, intake counts), built from the store's
 * reads. Loop thread;
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
/* {"results": ...}'s array: [{code, procedure_name, owner_name, status,
 * status_name, channel, channel_name, received_at, due_at, overdue}] of
 * store_search; NULL with err set on a bad query or a failed read. */
json_t *dossier_json_search(struct store *, const struct store_query *,
    int64_t now, char err[STORE_ERR_MAX]);
/* {"period":{"from","to"},"received":{"total","in_person","online",
 * "postal","pct":{...}}} of store_counts, the shares summing to exactly
 * 100.00 (store_shares); NULL on a failed read. */
json_t *dossier_json_counts(struct store *, int from_day, int to_day);
#endif
