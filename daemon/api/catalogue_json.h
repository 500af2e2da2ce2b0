/* catalogue_json.h: the wire JSON (docs/api.md) of the catalogue and the
 * holiday table, built from the store's reads. Loop thread; no state. */
#ifndef CATALOGUE_JSON_H
#define CATALOGUE_JSON_H
#include <jansson.h>

#include "store/store.h"

/* The array of store_procedures(q) as {code,name,field,days,documents,
 * fee} (documents: the stored list parsed, [] when none); NULL on a store
 * error. */
json_t *catalogue_json_procedures(struct store *, const char *q);
/* [{date,kind,name,source}] of year; NULL on a store error. */
json_t *catalogue_json_holidays(struct store *, int year);
#endif
