/* auth.h: staff accounts, sessions, bearer tokens and sign-in lockout on
 * the daemon's loop (docs/security.md). The pure parts (header parsing,
 * token text, roles, the backoff table) are in authhdr.h.
 *
 * Passwords and PINs are argon2id hashes (libsodium crypto_pwhash_str).
 * Hashing is slow on purpose, so it runs on libuv's thread pool
 * (uv_queue_work) behind a bounded queue, and the request waits as a
 * deferred reply (http_defer): the loop never stalls on it.
 *
 * daemon/routes.c serves the sign-in rows, then calls auth_request, for
 * every request on the staff listener; the account and audit routes are
 * rows of its table on the staff listener and the admin socket. Loop
 * thread only. */
#ifndef AUTH_H
#define AUTH_H
#include <stdbool.h>
#include <stdio.h>

#include <uv.h>

#include "core/actor.h"
#include "auth/authhdr.h"
#include "config.h"
#include "http/http.h"
#include "http/route.h"
#include "store/store.h"

struct auth;

/* Borrows loop, store and cfg for its life. tls: the staff listener
 * serves HTTPS (cookies get Secure). NULL when out of memory. */
struct auth *auth_new(uv_loop_t *, struct store *, const struct config *,
    bool tls);
void auth_set_config(struct auth *, const struct config *);
/* Answers every waiting sign-in or password request (503) so that no
 * connection stays suspended; call before the listeners are freed. The
 * hashes already running finish on their own. */
void auth_shutdown(struct auth *);
/* Frees once no hash is running (after the loop has stopped). */
void auth_free(struct auth *);

/* Route handlers (route_handler, http/route.h; the table is
 * daemon/routes.c); route_ctx.auth is the auth. Staff listener, before
 * authentication: session (/api/v1/session: POST signs in, GET says who,
 * DELETE signs out; maybe deferred) and page (the sign-in page, which is
 * also the staff home, and its assets). */
route_handler auth_route_session, auth_route_page;
/* Staff listener: who asks. 0 with *act filled (session cookie, with
 * X-CSRF-Token on writes; or a bearer token); -1 with the reply in r:
 * 401 (none or expired), 403 (CSRF), or a 303 to the sign-in page for a
 * page under /staff/. */
int auth_request(struct auth *, const struct http_request *,
    struct http_response *, struct actor *act);
/* Admin routes (the table checks the role): GET /api/v1/audit, GET and
 * POST /api/v1/users, POST /api/v1/users/{name}/password, .../disable,
 * .../tokens, .../tokens/revoke, .../post-office (a postal clerk's post
 * office, docs/security.md "Postal scope"). */
route_handler auth_route_audit, auth_route_users, auth_route_user_passwd,
    auth_route_user_disable, auth_route_user_token, auth_route_user_revoke,
    auth_route_user_post_office;
/* Prometheus lines: sign-ins by outcome, lockout table size. */
void auth_metrics(const struct auth *, FILE *);
#endif
