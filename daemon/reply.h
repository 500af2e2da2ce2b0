/* reply.h: the JSON replies every route module sends (docs/api.md): a body
 * and the one error shape, {"error": {"field", "message"}}. Loop thread;
 * no state. */
#ifndef REPLY_H
#define REPLY_H
#include <jansson.h>

#include "http.h"

/* Takes ownership of j (NULL, or a failed dump: a static 500 "out of
 * memory" instead, so a reply is always sent). */
void reply_json(struct http_response *, int status, json_t *j);
/* field: the request field at fault ("" or NULL: none); message: why. */
void reply_error(struct http_response *, int status, const char *field,
    const char *message);
#endif
