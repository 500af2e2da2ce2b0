/* role.c: role names and sets. See role.h. */
#include <stddef.h>
#include <string.h>

#include "core/role.h"

static const char *const role_names[] = {
	[ROLE_NONE] = "none",
	[ROLE_KIOSK] = "kiosk",
	[ROLE_POSTAL_CLERK] = "postal_clerk",
	[ROLE_OFFICE_STAFF] = "office_staff",
	[ROLE_ADMIN] = "admin",
};

const char *
role_name(enum role r)
{
	if ((unsigned)r < sizeof role_names / sizeof role_names[0])
		return role_names[r];
	return "none";
}

int
role_from_name(const char *s)
{
	if (s == NULL)
		return -1;
	for (int r = ROLE_KIOSK; r <= ROLE_ADMIN; r++)
		if (strcmp(s, role_names[r]) == 0)
			return r;
	return -1;
}

bool
role_in(const struct actor *a, unsigned roles)
{
	if (a == NULL || a->role <= ROLE_NONE || a->role > ROLE_ADMIN)
		return false;
	return (roles & ROLE_BIT(a->role)) != 0;
}
