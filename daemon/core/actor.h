/* actor.h: who is making a request, as the authentication layer (auth.c)
 * established it, for role checks and the audit log. A plain value. */
#ifndef ACTOR_H
#define ACTOR_H

enum role {
	ROLE_NONE,         /* not signed in: the public kiosk endpoints only */
	ROLE_KIOSK,        /* a kiosk terminal's account: no personal data */
	ROLE_POSTAL_CLERK, /* post office clerk: postal registration */
	ROLE_OFFICE_STAFF, /* one-stop office staff */
	ROLE_ADMIN,        /* the operator; also every admin-socket client */
};

#define ACTOR_NAME_MAX 64
/* A post office id (e.g. its postal code "200000"): 1 to 32 of
 * A-Z a-z 0-9 . _ - (role_post_office_valid), with the NUL. */
#define ACTOR_POST_OFFICE_MAX 33

struct actor {
	char name[ACTOR_NAME_MAX]; /* user name, or "uid:N" on the socket */
	enum role role;
	/* A postal clerk's post office, "" when the account has none: the
	 * clerk then reads only their own registrations (docs/security.md
	 * "Postal scope"). Empty for every other role. */
	char post_office[ACTOR_POST_OFFICE_MAX];
};
#endif
