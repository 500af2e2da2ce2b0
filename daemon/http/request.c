/* request.c: the requesting actor (request.h). */
#include <stdio.h>

#include "core/textfold.h"
#include "http/request.h"

const struct actor *
request_actor(const struct http_request *hr)
{
	static const struct actor nobody = { "anonymous", ROLE_NONE };

	return hr->actor != NULL ? hr->actor : &nobody;
}

void
request_actor_name(const struct http_request *hr, const char *named, char *buf,
    size_t size)
{
	char name[REQUEST_ACTOR_MAX / 2];
	size_t n = 0;

	/* signed in on the staff listener: the account, whatever the body
	 * says */
	if (hr->actor != NULL && hr->peer_uid < 0) {
		snprintf(buf, size, "%s", hr->actor->name);
		return;
	}
	if (named == NULL)
		named = http_query(hr, "actor");
	if (named == NULL || *named == '\0')
		named = "unknown";
	/* keep the name printable ASCII-or-UTF-8 and short */
	for (const char *p = named; *p && n < sizeof name - 1; p++)
		name[n++] = (unsigned char)*p < 0x20 ? '?' : *p;
	name[n] = '\0';
	if (!text_valid(name, n))
		snprintf(name, sizeof name, "invalid");
	snprintf(buf, size, "%s (uid %ld)", name, hr->peer_uid);
}
