/* route.c: the route matcher (route.h). */
#include <stdio.h>
#include <string.h>

#include "http/route.h"

static const struct {
	const char *name;
	unsigned bit;
} methods[] = {
	{ "GET", ROUTE_GET },
	{ "HEAD", ROUTE_HEAD },
	{ "POST", ROUTE_POST },
	{ "PUT", ROUTE_PUT },
	{ "DELETE", ROUTE_DELETE },
};

unsigned
route_method(const char *method)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(method, methods[i].name) == 0)
			return methods[i].bit;
	return ROUTE_OTHER;
}

void
route_methods_text(unsigned set, char *buf, size_t size)
{
	size_t n = 0;
	int k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		if ((set & methods[i].bit) == 0 ||
		    (methods[i].bit == ROUTE_HEAD && (set & ROUTE_GET)))
			continue; /* HEAD goes with GET without saying */
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s",
		    k++ > 0 ? " or " : "", methods[i].name);
	}
}

const char *
route_param(const struct route_params *p, const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < p->count; i++)
		if (p->name_len[i] == len && memcmp(p->name[i], name, len) == 0)
			return p->value[i];
	return "";
}

bool
route_match(const char *pat, const char *path, struct route_params *params)
{
	struct route_params scratch;

	if (params == NULL)
		params = &scratch;
	params->count = 0;
	params->rest = "";
	/* both start with "/": compare segment by segment */
	while (*pat == '/' && *path == '/') {
		const char *pe, *se;
		size_t pl, sl;

		pat++;
		path++;
		if (strcmp(pat, "*") == 0) {
			params->rest = path;
			return true;
		}
		pe = strchr(pat, '/');
		se = strchr(path, '/');
		pl = pe ? (size_t)(pe - pat) : strlen(pat);
		sl = se ? (size_t)(se - path) : strlen(path);
		if (pl >= 2 && pat[0] == '{' && pat[pl - 1] == '}') {
			size_t i = params->count;

			if (sl == 0 || sl >= ROUTE_PARAM_MAX ||
			    i == ROUTE_PARAMS_MAX)
				return false;
			params->name[i] = pat + 1;
			params->name_len[i] = pl - 2;
			memcpy(params->value[i], path, sl);
			params->value[i][sl] = '\0';
			params->count++;
		} else if (pl != sl || memcmp(pat, path, pl) != 0) {
			return false;
		}
		pat += pl;
		path += sl;
	}
	return *pat == '\0' && *path == '\0';
}

const struct route *
route_find(const struct route *table, size_t count, unsigned access_mask,
    const char *method, const char *path, struct route_params *params,
    unsigned *allow, unsigned *allow_roles)
{
	unsigned m = route_method(method);

	*allow = 0;
	*allow_roles = 0;
	for (size_t i = 0; i < count; i++) {
		const struct route *rt = &table[i];

		if ((access_mask & (1u << rt->access)) == 0 ||
		    !route_match(rt->pattern, path, params))
			continue;
		if (rt->methods & m)
			return rt;
		if (rt->method_405) {
			*allow |= rt->methods;
			*allow_roles |= rt->roles;
		}
	}
	return NULL;
}

size_t
route_body_max(const struct route *rt)
{
	return rt->body_max != 0 ? rt->body_max : ROUTE_BODY_SMALL;
}
