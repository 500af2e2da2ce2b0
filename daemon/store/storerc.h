/* storerc.h: the one mapping from a store result to the HTTP status a
 * route answers with it (docs/api.md, "Errors"). Every route module uses
 * it; the store itself knows nothing of HTTP beyond this table. */
#ifndef STORERC_H
#define STORERC_H
#include "store/store.h"

/* STORE_OK 200, STORE_NOTFOUND 404, STORE_INVALID 400, STORE_CONFLICT
 * 409, STORE_FULL 507, STORE_ERROR (and anything else) 500. */
int storerc_status(enum store_rc);
#endif
