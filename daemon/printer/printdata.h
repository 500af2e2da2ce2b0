/* printdata.h: the documents printdoc takes (printdoc.h), made as JSON
 * from the store's plain reads: the store persists, the printer shapes
 * what it prints. Only the fields printdoc and printer.c read are set.
 * Loop thread; no state. */
#ifndef PRINTDATA_H
#define PRINTDATA_H
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"

/* {code, procedure_code, procedure_name, agency_name, owner_name,
 * address, delivery, status, received_at, due_at (ISO text or null),
 * postal_item_id, token}. New reference; NULL when out of memory. */
json_t *printdata_dossier(const struct store_dossier *);
/* store_dossier then printdata_dossier: NULL with *rc set. */
json_t *printdata_dossier_read(struct store *, const char *code, int64_t now,
    enum store_rc *rc);
#endif
