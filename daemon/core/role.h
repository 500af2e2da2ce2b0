/* role.h: the staff roles a request may carry (core/actor.h) as names and
 * as sets, for the route table's checks (daemon/routes.c) and the
 * accounts. Pure. */
#ifndef ROLE_H
#define ROLE_H
#include <stdbool.h>

#include "core/actor.h"

/* A set of roles, for route checks: ROLE_BIT(ROLE_ADMIN) | ... */
#define ROLE_BIT(r) (1u << (unsigned)(r))
/* Every signed-in role but the kiosk's: staff who may see personal data. */
#define ROLES_STAFF                                                  \
	(ROLE_BIT(ROLE_POSTAL_CLERK) | ROLE_BIT(ROLE_OFFICE_STAFF) | \
	    ROLE_BIT(ROLE_ADMIN))
#define ROLES_OFFICE   (ROLE_BIT(ROLE_OFFICE_STAFF) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_POSTAL   (ROLE_BIT(ROLE_POSTAL_CLERK) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_ADMIN    ROLE_BIT(ROLE_ADMIN)
#define ROLES_SIGNEDIN (ROLES_STAFF | ROLE_BIT(ROLE_KIOSK))

/* "kiosk", "postal_clerk", "office_staff", "admin"; "none". */
const char *role_name(enum role);
/* The role of a name above (not "none"); -1 when unknown. */
int role_from_name(const char *);
/* Is the actor's role in the set? NULL or ROLE_NONE: never. */
bool role_in(const struct actor *, unsigned roles);
/* Is text a post office id (core/actor.h ACTOR_POST_OFFICE_MAX)? NULL
 * or "": no. */
bool role_post_office_valid(const char *text);
/* Does a postal clerk's scope hold a registration made by clerk at
 * post_office? Every other role's holds all; a clerk's holds those of
 * their post office, or their own when the account has none. */
bool role_postal_scope_has(const struct actor *, const char *post_office,
    const char *clerk);
#endif
