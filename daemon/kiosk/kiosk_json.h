/* kiosk_json.h: the wire JSON of the kiosk's public catalogue
 * (docs/kiosk.md), built from the store's read. Loop thread; no state. */
#ifndef KIOSK_JSON_H
#define KIOSK_JSON_H
#include <jansson.h>

#include "store/store.h"

/* The array of store_kiosk_procedures(q, limit) as {code,name,field,days,
 * documents,fee,counter} (documents: the stored list parsed, [] when
 * none); NULL on a store error. */
json_t *kiosk_json_procedures(struct store *, const char *q, int limit);
#endif
