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

bool
role_post_office_valid(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return false;
	for (n = 0; s[n] != '\0'; n++) {
		unsigned char ch = (unsigned char)s[n];

		if (n + 1 >= ACTOR_POST_OFFICE_MAX)
			return false;
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		        (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		        ch == '-'))
			return false;
	}
	return true;
}

bool
role_postal_scope_has(const struct actor *a, const char *post_office,
    const char *clerk)
{
	if (a == NULL || a->role != ROLE_POSTAL_CLERK)
		return a != NULL && a->role > ROLE_KIOSK;
	/* a clerk with a post office: that office's registrations only;
	 * without one, the clerk's own (never another clerk's "") */
	if (a->post_office[0] != '\0')
		return post_office != NULL &&
		    strcmp(post_office, a->post_office) == 0;
	return clerk != NULL && strcmp(clerk, a->name) == 0;
}
