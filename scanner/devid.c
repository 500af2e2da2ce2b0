/* devid.c: see devid.h. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scanner/devid.h"

static int
fail(char *err, size_t errsize, const char *why)
{
	if (errsize > 0)
		snprintf(err, errsize, "device: %s", why);
	return -1;
}

/* 4 hex digits at s, lower-cased into out. ASCII on purpose: isxdigit()
 * follows the locale. */
static bool
hex4(const char *s, size_t len, char out[5])
{
	if (len != 4)
		return false;
	for (size_t i = 0; i < 4; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		out[i] = c;
	}
	out[4] = '\0';
	return true;
}

int
devid_parse(const char *s, struct devid *out, char *err, size_t errsize)
{
	struct devid d;
	size_t len = strlen(s);
	const char *c1, *c2;

	memset(&d, 0, sizeof d);
	if (len == 0)
		return fail(err, errsize, "empty");
	if (len >= SCAN_DEVICE_MAX)
		return fail(err, errsize, "too long");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return fail(err, errsize,
			    "only printable ASCII without spaces");
	if (s[0] == '/') {
		if (strstr(s, "/../") != NULL ||
		    (len >= 3 && strcmp(s + len - 3, "/..") == 0))
			return fail(err, errsize, "a path must not use ..");
		d.is_path = true;
		memcpy(d.path, s, len + 1);
		*out = d;
		return 0;
	}
	if ((c1 = strchr(s, ':')) == NULL)
		return fail(err, errsize,
		    "an absolute path or vid:pid[:serial] expected");
	if (!hex4(s, (size_t)(c1 - s), d.vid))
		return fail(err, errsize, "vendor id must be 4 hex digits");
	c2 = strchr(c1 + 1, ':');
	if (!hex4(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1), d.pid))
		return fail(err, errsize, "product id must be 4 hex digits");
	if (c2 != NULL) {
		if (c2[1] == '\0')
			return fail(err, errsize, "serial is empty");
		memcpy(d.serial, c2 + 1, strlen(c2 + 1) + 1);
	}
	*out = d;
	return 0;
}

bool
devid_match(const struct devid *id, const char *vid, const char *pid,
    const char *serial)
{
	if (id->is_path || vid == NULL || pid == NULL)
		return false;
	if (strcasecmp(id->vid, vid) != 0 || strcasecmp(id->pid, pid) != 0)
		return false;
	if (id->serial[0] == '\0')
		return true;
	return serial != NULL && strcmp(id->serial, serial) == 0;
}
