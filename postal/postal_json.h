/* postal_json.h: the wire JSON of the postal replies (docs/api.md
 * "Postal"), built from the store's postal reads. Loop thread; no state.
 * Applicant details appear only where the route is staff-only. */
#ifndef POSTAL_JSON_H
#define POSTAL_JSON_H
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"

/* {"documents":[{"name","required":true}]} of a procedure (an empty list
 * when it has none stored). NULL with *rc set when the read fails
 * (STORE_NOTFOUND: no such procedure). */
json_t *postal_json_checklist(struct store *, const char *code,
    enum store_rc *rc);
/* The registration of an S10 id (store_postal_item) as {item_id, code,
 * token, due_at, manifest_id, state, accepted_at, accepted_by, applicant:
 * {name, address, phone, id_number}, procedure_code, agency_code,
 * documents, fees_vnd, fee_receipt_no, service, return_address,
 * seal_intact, posted_at, clerk, station, post_office, s10_verdict,
 * override_reason, flagged, status, registered_at}, when who's scope
 * holds it (role_postal_scope_has: a postal clerk reads only their post
 * office's). NULL with *rc: STORE_NOTFOUND also for one out of scope, so
 * that a clerk learns nothing of another post office's items. */
json_t *postal_json_item(struct store *, const struct actor *who,
    const char *item_id, int64_t now, enum store_rc *rc);
/* store_postal_close with *out {items, manifest_id, count, fees_vnd,
 * print_job} on STORE_OK (else NULL). */
enum store_rc postal_json_close(struct store *, const char *station,
    const char *scope, const char *actor, int64_t now, bool queue_print,
    int64_t max_pending, json_t **out, char err[STORE_ERR_MAX]);
/* {"manifests":[{id, closed_at, closed_by, station, count, fees_vnd,
 * state, arrived, missing, unexpected, signatories}]}, newest first, at
 * most limit. NULL on a store error. */
json_t *postal_json_manifests(struct store *, int limit);
/* One manifest: the summary, signatories (null until signed) and the
 * lists expected, arrived_items, missing_items, unexpected_items,
 * discrepancies (with the unresolved missing items once signed). NULL
 * with *rc (STORE_NOTFOUND). */
json_t *postal_json_manifest(struct store *, const char *id, enum store_rc *rc);
/* store_postal_receive with *out {item_id, [code], result, accepted_at,
 * [due_at | scanned_at]} on STORE_OK (else NULL). */
enum store_rc postal_json_receive(struct store *, const char *manifest,
    const char *item_id, const char *actor, int64_t now, json_t **out,
    char err[STORE_ERR_MAX]);
/* [{code, item_id, procedure_code, handed_at, delivered_at, handed_by,
 * status}] of store_postal_returns; NULL on a store error. */
json_t *postal_json_returns(struct store *, int from_day, int to_day);
#endif
