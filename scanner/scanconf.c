/* scanconf.c: see scanconf.h. The [scanner.NAME] keys themselves are rows
 * of config.c's key table. */
#include <stdio.h>
#include <string.h>

#include "scanner/scanconf.h"

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	    c == '-';
}

bool
scanconf_name_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!name_char(s[i]))
			return false;
	return true;
}

const char *
scanconf_kind_name(enum scan_source_kind k)
{
	switch (k) {
	case SCAN_HID:
		return "hid";
	case SCAN_SERIAL:
		return "serial";
	case SCAN_CAMERA:
		return "camera";
	}
	return "?";
}

const char *
scanconf_terminals_parse(const char *spec,
    char out[SCAN_SOURCES_MAX][SCAN_NAME_MAX], size_t *count)
{
	const char *p = spec;
	size_t n = 0;

	*count = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return NULL;
	for (;;) {
		const char *s = p, *e = strchr(p, ',');
		size_t len;

		if (e == NULL)
			e = p + strlen(p);
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		len = (size_t)(e - s);
		if (len == 0)
			return "empty terminal entry";
		if (len >= SCAN_NAME_MAX)
			return "a terminal id is longer than 31 bytes";
		if (!scanconf_name_ok(s, len))
			return "a terminal id has only a-z, 0-9, '_' and '-'";
		if (n == SCAN_SOURCES_MAX)
			return "more than 16 terminals";
		memcpy(out[n], s, len);
		out[n][len] = '\0';
		for (size_t i = 0; i < n; i++)
			if (strcmp(out[i], out[n]) == 0)
				return "terminal id listed twice";
		n++;
		if ((p = strchr(p, ',')) == NULL)
			break;
		p++;
	}
	*count = n;
	return NULL;
}
