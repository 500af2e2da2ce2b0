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

struct actor {
	char name[ACTOR_NAME_MAX]; /* user name, or "uid:N" on the socket */
	enum role role;
};
#endif
