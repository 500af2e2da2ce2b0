/* reply.h: the JSON replies every route module sends (docs/api.md): a body
 * and the one error shape, {"error": {"field", "message"}}. Loop thread;
 * no state. */
#ifndef REPLY_H
#define REPLY_H
#include <stdint.h>

#include <jansson.h>

#include "http/http.h"

/* Takes ownership of j (NULL, or a failed dump: a static 500 "out of
 * memory" instead, so a reply is always sent). */
void reply_json(struct http_response *, int status, json_t *j);
/* field: the request field at fault ("" or NULL: none); message: why. */
void reply_error(struct http_response *, int status, const char *field,
    const char *message);

/* Values of the wire shapes the route modules build from store reads:
 * text as a JSON string, NULL as null; a Unix time as the ISO 8601 local
 * time ("2026-01-05T09:32:00+07:00"), 0 as null (no time). New
 * references; NULL only when out of memory. */
json_t *reply_text(const char *);
json_t *reply_time(int64_t);

/* Module messages read "field: problem" (the store's, the parsers'). */
#define REPLY_FIELD_MAX 64
/* Splits err: the field (no spaces, shorter than REPLY_FIELD_MAX) goes to
 * field and the problem is returned; a message without one gives "" and
 * err itself. */
const char *reply_split(const char *err, char field[REPLY_FIELD_MAX]);
/* reply_error with the field split out of err. */
void reply_problem(struct http_response *, int status, const char *err);
#endif
