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

/* The public lookup URL of a token (server.public_url + "/l/TOKEN"). */
void api_lookup_url(const struct route_ctx *, const char *token, char *buf,
    size_t size);
/* Canonical code from a path segment, or a 400 and -1. A short code
 * (YYMMDD-NNNN) takes office.agency_code. */
int api_path_code(const struct route_ctx *, const char *seg, size_t len,
    char code[DCODE_TEXT_MAX + 1], struct http_response *);
/* The dossier's staff view with status (or the store's error). */
void api_reply_dossier(const struct route_ctx *, struct http_response *,
    const char *code, int status);
/* ?first_line= (default 1), or -1 after a 400. */
long api_first_line(const struct http_request *, struct http_response *);
/* Lists a rejected line (up to REJECTED_LIST_MAX) and counts it. */
void api_reject(json_t *list, long line, const char *msg, size_t *total);
#endif
