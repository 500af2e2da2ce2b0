/* termlist.c: see termlist.h. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdbool.h>
#include <string.h>

#include "core/termlist.h"

/* ASCII on purpose: the <ctype.h> tests follow the locale. */
static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
id_char(int c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
}

/* One entry of the list, [s, e) with the blanks trimmed. */
static const char *
terminal_parse(const char *s, const char *e, struct termlist_entry *t)
{
	const char *at, *slash, *id_end;
	char addr[TERMLIST_ADDR_MAX + 1];
	size_t n;

	memset(t, 0, sizeof *t);
	slash = memchr(s, '/', (size_t)(e - s));
	at = memchr(s, '@', (size_t)(slash ? slash - s : e - s));
	id_end = at ? at : slash ? slash : e;
	n = (size_t)(id_end - s);
	if (n == 0 || n > TERMLIST_ID_MAX)
		return "terminal id: 1 to 16 characters a-z, 0-9, '-' or '_'";
	for (size_t i = 0; i < n; i++)
		if (!id_char((unsigned char)s[i]))
			return "terminal id: 1 to 16 characters a-z, 0-9, '-' "
			       "or '_'";
	memcpy(t->id, s, n);
	if (at != NULL) {
		const char *ae = slash ? slash : e;

		n = (size_t)(ae - at - 1);
		if (n >= 2 && at[1] == '[' && ae[-1] == ']') {
			at++; /* [IPv6] */
			n -= 2;
		}
		if (n == 0 || n > TERMLIST_ADDR_MAX)
			return "terminal address: expected an IPv4 or IPv6 "
			       "address";
		memcpy(addr, at + 1, n);
		addr[n] = '\0';
		if (inet_pton(AF_INET, addr, t->addr) == 1)
			t->addr_len = 4;
		else if (inet_pton(AF_INET6, addr, t->addr) == 1)
			t->addr_len = 16;
		else
			return "terminal address: expected an IPv4 or IPv6 "
			       "address";
	}
	if (slash != NULL) {
		long v = 0;

		n = (size_t)(e - slash - 1);
		if (n == 0 || n > 3)
			return "terminal rate: failures per minute, 1 to 600";
		for (size_t i = 1; i <= n; i++) {
			if (!is_digit((unsigned char)slash[i]))
				return "terminal rate: failures per minute, 1 "
				       "to 600";
			v = v * 10 + (slash[i] - '0');
		}
		if (v < 1 || v > 600)
			return "terminal rate: failures per minute, 1 to 600";
		t->failures_per_minute = (int)v;
	}
	return NULL;
}

const char *
termlist_parse(const char *spec, struct termlist_entry out[TERMLIST_MAX],
    size_t *count)
{
	const char *p = spec, *problem;
	size_t n = 0;

	*count = 0;
	while (is_space((unsigned char)*p))
		p++;
	if (*p == '\0')
		return NULL; /* no terminals */
	for (;;) {
		const char *s = p, *e = strchr(p, ',');

		if (e == NULL)
			e = p + strlen(p);
		while (s < e && is_space((unsigned char)*s))
			s++;
		while (e > s && is_space((unsigned char)e[-1]))
			e--;
		if (s == e)
			return "empty terminal entry";
		if (n == TERMLIST_MAX)
			return "more than 32 terminals";
		if ((problem = terminal_parse(s, e, &out[n])) != NULL)
			return problem;
		for (size_t i = 0; i < n; i++)
			if (strcmp(out[i].id, out[n].id) == 0)
				return "terminal id listed twice";
		n++;
		if ((p = strchr(p, ',')) == NULL)
			break;
		p++;
	}
	*count = n;
	return NULL;
}

bool
termlist_id_valid(const char *s)
{
	size_t n = 0;

	for (; s != NULL && s[n] != '\0'; n++)
		if (n == TERMLIST_ID_MAX || !id_char((unsigned char)s[n]))
			return false;
	return n > 0;
}
