/* printdata.h: the JSON the printer makes of the store's plain reads
 * (the store persists, the printer shapes): the documents printdoc takes
 * (printdoc.h; only the fields printdoc and printer.c read are set) and
 * the print queue's jobs as api_print.c replies with them (docs/api.md).
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
/* The rows of a postal manifest as printdoc_manifest takes them: [{code
 * (the dossier's), procedure_name, owner_name, address, delivery, fee,
 * item_id (the S10 id)}]. NULL with *rc set (STORE_NOTFOUND). */
json_t *printdata_manifest_docs(struct store *, const char *id,
    enum store_rc *rc);
/* {id, kind, ref, state, reprint, attempts, actor, created_at,
 * finished_at, printer_state, outcome[, reprint_of][, bytes]}. */
json_t *printdata_job(const struct store_print_job *);
/* The newest limit jobs as printdata_job objects; NULL on error. */
json_t *printdata_jobs(struct store *, int limit);
#endif
