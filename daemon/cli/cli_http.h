/* cli_http.h: the motcua CLI's one way to the daemon (docs/cli.md): the
 * admin Unix socket, or the staff listener over TCP with a bearer token
 * when MOTCUA_URL is set (docs/security.md); one request function with a
 * bounded reply; the daemon's error replies printed one way; and the
 * "motcua: ..." warning every command prints. Blocking libcurl: the CLI
 * is a short-lived tool, not the daemon's loop. */
#ifndef CLI_HTTP_H
#define CLI_HTTP_H
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>
#include <jansson.h>

#include "lib/buf.h"

/* The CLI's exit codes (`motcua --help`). */
enum {
	CLI_OK = 0,     /* success */
	CLI_FAIL = 1,   /* the daemon refused or found nothing (4xx) */
	CLI_USAGE = 2,  /* bad command line, MOTCUA_URL or token */
	CLI_DAEMON = 3, /* daemon unreachable, 5xx or a bad reply */
};

#define CLI_CONNECT_TIMEOUT_MS 2000L

/* "motcua: " + message + newline on stderr. */
void cli_warn(const char *fmt, ...)
    __attribute__((__format__(__printf__, 1, 2)));
/* The same for a caller's own variadic helper. */
void cli_vwarn(const char *fmt, va_list ap)
    __attribute__((__format__(__printf__, 1, 0)));

/* URL building on a bounded buffer (lib/buf.h). Both return 0, or -1
 * as buf_add does (ENOBUFS past the buffer's max, ENOMEM). */
/* Appends s URL-encoded with curl (a path segment or a query value). */
int cli_http_add_escaped(struct buf *b, CURL *curl, const char *s)
    __attribute__((__warn_unused_result__));
/* Appends "&key=value" (or "?key=value" when b holds no '?' yet), value
 * URL-encoded; nothing when value is NULL. */
int cli_http_add_query(struct buf *b, CURL *curl, const char *key,
    const char *value) __attribute__((__warn_unused_result__));

/* One request to the daemon. Fill with a designated initialiser: fields
 * left out are NULL or 0. */
struct cli_request {
	const char *socket; /* the admin socket; over TCP the URL, named in
	                       messages */
	/* borrowed: the connections kept between requests (one connection
	 * for many requests), or NULL. Each request has an easy handle of
	 * its own: libcurl 7.88 reads freed memory when a reused handle's
	 * next reply starts its headers with a folded line (curl/curl#11620,
	 * found by tests/fuzz/fuzz_syncstatus.c), which any server the CLI
	 * talks to could send. */
	CURLSH *share;
	const char *method; /* "GET" or "POST" (others as given) */
	const char *path;   /* "/api/..." with its query, already escaped */
	const json_t *json; /* borrowed: sent as application/json (the text
	                       is wiped after: it may hold a password) */
	const char *body;   /* else len bytes sent as ctype when not NULL; a
	                       POST with neither sends an empty body */
	size_t len;
	const char *ctype; /* of body; NULL: application/json */
	size_t reply_max;  /* bytes of the reply body; more is an error */
	long timeout_ms;   /* the whole request, connecting included */
	/* A create's Idempotency-Key (cli_http_idem_key), or NULL. With one,
	 * a transport error (no answer, a cut connection) is retried up to
	 * CLI_IDEM_RETRIES times with the same key: the daemon answers a
	 * repeat with the first reply and creates nothing twice. */
	const char *idem_key;
	/* Who is acting (--actor, default $USER), or NULL. On the admin
	 * socket a GET carries it as ?actor=, as a write carries it in its
	 * body, so the audit row of a read names them with the socket's uid
	 * (docs/privacy.md "Who read what"); over TCP the token's account is
	 * the actor and nothing is added. */
	const char *actor;
};

#define CLI_IDEM_KEY_LEN 32 /* hex characters of a key */
#define CLI_IDEM_RETRIES 2

/* A fresh random Idempotency-Key (16 bytes from libsodium, in hex): one
 * per submit. */
void cli_http_idem_key(char out[CLI_IDEM_KEY_LEN + 1]);

struct cli_reply {
	long http;       /* HTTP status; 0 when no answer came */
	struct buf body; /* owned; at most reply_max bytes */
	json_t *json;    /* owned; the body parsed, NULL if not JSON */
};

/* Frees what r owns; r is left empty. Safe on an empty reply. */
void cli_reply_free(struct cli_reply *r);

/* Is MOTCUA_URL set (the CLI talks TCP to the staff listener)? */
bool cli_remote(void);

/* Points c at path on the daemon: the admin socket, or MOTCUA_URL + path
 * with "Authorization: Bearer" from MOTCUA_TOKEN or the file in
 * MOTCUA_TOKEN_FILE appended to *hdr (the caller sets
 * CURLOPT_HTTPHEADER and frees the list). CA file: MOTCUA_CA_FILE. 0,
 * or -1 with the reason printed. */
int cli_target(CURL *c, const char *socket, const char *path,
    struct curl_slist **hdr);

/* Sends q and fills *r (always: the caller frees it with cli_reply_free,
 * whatever the result). CLI_OK when the daemon answered, whatever the
 * status (r->http; r->json when the body is JSON); else prints why and
 * returns CLI_DAEMON (no answer in time, a reply over reply_max) or
 * CLI_USAGE (MOTCUA_URL or the token unusable, path too long). */
int cli_http_request(const struct cli_request *q, struct cli_reply *r);

/* The daemon's error reply {"error":{"field","message"}} printed as
 * "motcua: field: message" (or the message alone, or the HTTP status
 * when the body says neither). Returns CLI_FAIL for a 4xx, else
 * CLI_DAEMON. */
int cli_http_error(const struct cli_reply *r);

/* cli_http_request for a JSON reply: a non-2xx status is printed with
 * cli_http_error (r->json kept for details), a 2xx without a JSON body
 * is a bad reply (CLI_DAEMON). CLI_OK with r->json set otherwise. */
int cli_http_json(const struct cli_request *q, struct cli_reply *r);
#endif
