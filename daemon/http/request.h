/* request.h: what every route module reads off a request: who makes it,
 * as the route layer set it (http_request.actor), its JSON body's members
 * and its query arguments, each refused with an error naming the field.
 * Loop thread; no state. */
#ifndef REQUEST_H
#define REQUEST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/actor.h"
#include "http/http.h"

#define REQUEST_ACTOR_MAX 96 /* bytes of request_actor_name's buffer */

/* Who asks: the signed-in account, or role admin on the admin socket
 * (named "NAME (uid N)"). Never NULL; role ROLE_NONE on the public
 * listener. */
const struct actor *request_actor(const struct http_request *);

/* The actor's name for events and the audit log: the signed-in account
 * on the staff listener; on the admin socket "NAME (uid N)", NAME the
 * staff member the request names (named, else the ?actor= query; kept
 * short and printable). */
void request_actor_name(const struct http_request *, const char *named,
    char *buf, size_t size);

/* A JSON request body and the first problem found in it. */
struct request_body {
	json_t *root; /* owned */
	char err_field[64];
	char err[256];
};
/* 0 with b->root an object; -1 with the problem in b. */
int request_body_parse(struct request_body *b, const struct http_request *);
/* A string member (text without control characters, at most max bytes):
 * NULL when absent (or an error when required). */
int request_body_str(struct request_body *b, const char *key, bool required,
    size_t max, const char **out);
/* An ISO 8601 time member; 0 when absent and not required. */
int request_body_time(struct request_body *b, const char *key, bool required,
    int64_t *out);
/* A boolean member: def when absent or null. */
int request_body_bool(struct request_body *b, const char *key, bool def,
    bool *out);
/* A 400 naming b's problem; frees b->root. */
void request_body_error(struct http_response *, struct request_body *b);

/* The Idempotency-Key header of a create (docs/api.md): 1 to
 * REQUEST_IDEM_KEY_MAX printable ASCII bytes, and the BLAKE2b hash of
 * who asks (the actor's name), the method, the path and the body, so the
 * same key with another request can be told apart. */
#define REQUEST_IDEM_KEY_MAX  128
#define REQUEST_IDEM_HASH_LEN 32
struct request_idem {
	char key[REQUEST_IDEM_KEY_MAX + 1];
	unsigned char hash[REQUEST_IDEM_HASH_LEN];
};
/* 1 with *out filled when the header is present and well formed; 0 when
 * absent; -1 after a 400 naming the header. */
int request_idem(const struct http_request *, struct request_idem *out,
    struct http_response *);

/* A YYYY-MM-DD query argument into *day (-1 when absent); -1 after a
 * 400. */
int request_query_day(const struct http_request *, const char *key,
    bool required, int *day, struct http_response *);
#endif
