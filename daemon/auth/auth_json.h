/* auth_json.h: the JSON of the admin's account and audit replies
 * (docs/security.md), built from the store's reads. Loop thread; no
 * state. */
#ifndef AUTH_JSON_H
#define AUTH_JSON_H
#include <stdint.h>

#include <jansson.h>

#include "store/store.h"

/* [{name, role, disabled, created_at, updated_at, sessions, tokens}] by
 * name; no hashes. NULL on a store error. */
json_t *auth_json_users(struct store *);
/* [{id, at, actor, action, object, detail}] of store_audit_list; NULL on
 * a store error. */
json_t *auth_json_audit(struct store *, int64_t from, int64_t to, int limit);
#endif
