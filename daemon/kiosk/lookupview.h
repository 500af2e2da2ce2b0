/* lookupview.h: the kiosk view of a dossier, the one body of
 * GET /api/v1/lookup/{token} and of the kiosk's own lookups (docs/api.md):
 * no ID number, phone or full name (docs/privacy.md). Pure; no state. */
#ifndef LOOKUPVIEW_H
#define LOOKUPVIEW_H
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"

/* store_lookup's strings escaped at worst 6x, plus the frame */
#define LOOKUPVIEW_MAX 16384

/* The view as JSON text, written straight into buf (see jsonw.h for why):
 * its length, or -1 when it did not fit in size bytes. */
long lookupview_write(const struct store_lookup *, int64_t now, char *buf,
    size_t size);
/* The same view as a tree, for replies that add to it; the caller owns
 * the result. NULL when out of memory. */
json_t *lookupview_json(const struct store_lookup *, int64_t now);
#endif
