/* sync_json.h: the JSON of the outbox as sync sends and reports it
 * (docs/sync.md), built from the store's reads. No state: any thread, with
 * a store of its own (syncbuild.c reads batches on a worker). */
#ifndef SYNC_JSON_H
#define SYNC_JSON_H
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"

/* The wire items of store_outbox_next: [{"id" (local rowid, not sent),
 * "key", "kind", "code", "seq", "base", "at", "status", "due_at",
 * "event": {kind, old_status, due_before, reason, actor, detail},
 * "dossier" (dossier_new only)}]; an empty array when none. NULL with err
 * set on a store error. */
json_t *sync_json_outbox_next(struct store *, int limit, int64_t after_id,
    char err[STORE_ERR_MAX]);
/* {"pending", "oldest_unsent_at" (created_at or null), "parked_count",
 * "parked": [{code, kind, reason, created_at, key, attempts}] (the first
 * parked_max)}. NULL on a store error. */
json_t *sync_json_summary(struct store *, int parked_max);
/* {"counts": {"1","2","3"}, "codes": [sorted]} of store_sync_codes. NULL
 * on a store error. */
json_t *sync_json_codes(struct store *, int from_day, int to_day);
#endif
