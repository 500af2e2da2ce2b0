/* reply.h: the JSON replies every route module sends (docs/api.md): a body
 * and the one error shape, {"error": {"field", "message"}}. Loop thread;
 * no state. */
#ifndef REPLY_H
#define REPLY_H
#include <jansson.h>

#include "http/http.h"

/* Takes ownership of j (NULL, or a failed dump: a static 500 "out of
 * memory" instead, so a reply is always sent). */
void reply_json(struct http_response *, int status, json_t *j);
/* field: the request field at fault ("" or NULL: none); message: why. */
void reply_error(struct http_response *, int status, const char *field,
    const char *message);

/* Module messages read "field: problem" (the store's, the parsers'). */
#define REPLY_FIELD_MAX 64
/* Splits err: the field (no spaces, shorter than REPLY_FIELD_MAX) goes to
 * field and the problem is returned; a message without one gives "" and
 * err itself. */
const char *reply_split(const char *err, char field[REPLY_FIELD_MAX]);
/* reply_error with the field split out of err. */
void reply_problem(struct http_response *, int status, const char *err);
#endif
