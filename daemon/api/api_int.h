/* api_int.h: private to daemon/api/: what the resource files share.
 * Loop thread only. */
#ifndef API_INT_H
#define API_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "api/api.h"
#include "config.h"
#include "core/dcode.h"
#include "http/request.h"
#include "http/route.h"
#include "store/store.h"

#define REJECTED_LIST_MAX   1000 /* rejected lines listed in one reply */
#define PERIOD_DAYS_MAX     3660
#define STAFF_BODY_TEXT_MAX 2000 /* reason, items, summary ... */

/* A store error as its status (storerc.h), the message split into field
 * and problem; STORE_ERROR is logged. */
void api_reply_store(struct http_response *, enum store_rc, const char *err);

/* A JSON request body and the first problem found in it. */
struct api_body {
	json_t *root; /* owned */
	char err_field[64];
	char err[256];
};
/* 0 with b->root an object; -1 with the problem in b. */
int api_body_parse(struct api_body *b, const struct http_request *);
/* A string member: NULL when absent (or an error when required). */
int api_body_str(struct api_body *b, const char *key, bool required, size_t max,
    const char **out);
/* An ISO 8601 time member; 0 when absent and not required. */
int api_body_time(struct api_body *b, const char *key, bool required,
    int64_t *out);
/* A 400 naming b's problem; frees b->root. */
void api_body_error(struct http_response *, struct api_body *b);

/* The public lookup URL of a token (server.public_url + "/l/TOKEN"). */
void api_lookup_url(const struct route_ctx *, const char *token, char *buf,
    size_t size);
/* Canonical code from a path segment, or a 400 and -1. */
int api_path_code(const char *seg, size_t len, char code[DCODE_TEXT_MAX + 1],
    struct http_response *);
/* The dossier's staff view with status (or the store's error). */
void api_reply_dossier(const struct route_ctx *, struct http_response *,
    const char *code, int status);
/* A YYYY-MM-DD query argument into *day (-1 when absent); -1 after a
 * 400. */
int api_query_day(const struct http_request *, const char *key, bool required,
    int *day, struct http_response *);
/* ?first_line= (default 1), or -1 after a 400. */
long api_first_line(const struct http_request *, struct http_response *);
/* Lists a rejected line (up to REJECTED_LIST_MAX) and counts it. */
void api_reject(json_t *list, long line, const char *msg, size_t *total);
#endif
