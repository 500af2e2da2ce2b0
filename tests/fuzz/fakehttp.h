/* fakehttp.h: a stand-in for daemon/http/http.c in the fuzz targets that
 * hand requests to handlers without a socket (tests/fuzz/fakehttp.c).
 * A request's query arguments and headers are a fakehttp_conn that its
 * conn_ points to; http_query and http_header read them. A deferred
 * reply is only counted and freed: the targets run no loop. */
#ifndef FAKEHTTP_H
#define FAKEHTTP_H
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

#define FAKEHTTP_KV_MAX 8

struct fakehttp_kv {
	const char *key, *value; /* borrowed; value NULL: "?key" alone */
};

struct fakehttp_conn {
	struct fakehttp_kv query[FAKEHTTP_KV_MAX], header[FAKEHTTP_KV_MAX];
	size_t nquery, nheader;
};

/* A request read from fuzz bytes: a method byte (an index into GET,
 * HEAD, POST, PUT, DELETE, OPTIONS), then "PATH\nQUERY\nHEADERS\nBODY",
 * QUERY as "k=v&k2" (not decoded), HEADERS as "Name: value" lines split
 * by tabs, the BODY the rest (NUL-ended, as http.c gives it). Owns its
 * copy of the bytes. */
struct fakehttp_req {
	struct http_request hr; /* conn_ points to conn */
	struct fakehttp_conn conn;
	char *buf;
};

/* 0, or -1 when size is 0 or out of memory. */
int fakehttp_req_parse(const uint8_t *data, size_t size,
    struct fakehttp_req *out);
void fakehttp_req_free(struct fakehttp_req *);

/* Replies given to http_pending_reply so far, and requests deferred. */
extern unsigned long fakehttp_deferred, fakehttp_replied;

/* Frees what a handler left in r (body, headers; a stream is ended with
 * its done op) and zeroes it. */
void fakehttp_response_free(struct http_response *r);
#endif
