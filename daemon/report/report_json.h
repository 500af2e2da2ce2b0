/* report_json.h: what the staff report page shows of the store beyond
 * the report itself, as JSON (report_page takes it). Loop thread; no
 * state. */
#ifndef REPORT_JSON_H
#define REPORT_JSON_H
#include <jansson.h>

#include "store/store.h"

/* {"manifests":[{id, closed_at, count, arrived, missing, unexpected,
 * state}]}: the newest limit postal manifests, newest first. NULL on a
 * store error. */
json_t *report_json_manifests(struct store *, int limit);
#endif
