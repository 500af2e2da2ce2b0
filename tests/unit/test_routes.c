/* test_routes.c: the route matcher (http/route.h) and the one route table
 * (daemon/routes.c): every row reachable and well formed, and
 * docs/security.md's route matrix equal to the table, so that the
 * document that says who may call what cannot drift from the code. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "core/role.h"
#include "http/route.h"
#include "routes.h"

#define DOC         "docs/security.md"
#define MATRIX_HEAD "<!-- route matrix: generated from daemon/routes.c -->"
#define MATRIX_END  "<!-- end of route matrix -->"
#define ALL_ACCESS \
	((1u << ROUTE_PUBLIC) | (1u << ROUTE_SIGNIN) | (1u << ROUTE_STAFF))

static void
test_match(void **state)
{
	struct route_params p;

	(void)state;
	assert_true(route_match("/", "/", &p));
	assert_false(route_match("/", "/x", &p));
	assert_true(route_match("/healthz", "/healthz", &p));
	assert_false(route_match("/healthz", "/healthz/", &p));
	assert_false(route_match("/healthz", "/health", &p));
	assert_true(route_match("/staff/", "/staff/", &p));
	assert_false(route_match("/staff/", "/staff", &p));
	assert_true(route_match("/a/{code}/status", "/a/X-1/status", &p));
	assert_string_equal(route_param(&p, "code"), "X-1");
	assert_string_equal(route_param(&p, "none"), "");
	assert_false(route_match("/a/{code}/status", "/a//status", &p));
	assert_false(route_match("/a/{code}", "/a/X/", &p));
	assert_false(route_match("/a/{code}", "/a", &p));
	assert_true(route_match("/a/{x}/b/{y}", "/a/1/b/2", &p));
	assert_int_equal(p.count, 2);
	assert_string_equal(route_param(&p, "x"), "1");
	assert_string_equal(route_param(&p, "y"), "2");
	assert_true(route_match("/l/*", "/l/", &p));
	assert_string_equal(p.rest, "");
	assert_true(route_match("/l/*", "/l/AB/cd", &p));
	assert_string_equal(p.rest, "AB/cd");
	assert_false(route_match("/l/*", "/l", &p));
}

static void
test_param_bound(void **state)
{
	char path[ROUTE_PARAM_MAX + 8];

	(void)state;
	memset(path, 'a', sizeof path);
	path[0] = '/';
	path[ROUTE_PARAM_MAX] = '\0'; /* a segment of ROUTE_PARAM_MAX - 1 */
	assert_true(route_match("/{s}", path, NULL));
	path[ROUTE_PARAM_MAX] = 'a';
	path[ROUTE_PARAM_MAX + 1] = '\0';
	assert_false(route_match("/{s}", path, NULL));
}

static void
test_find(void **state)
{
	static const struct route t[] = {
		{ ROUTE_POST, "/d", ROUTE_STAFF, 1, NULL, true, 0 },
		{ ROUTE_GET, "/d", ROUTE_STAFF, 2, NULL, true, 0 },
		{ ROUTE_READ, "/p", ROUTE_PUBLIC, 0, NULL, false, 0 },
		{ ROUTE_GET, "/s", ROUTE_STAFF, 4, NULL, false, 0 },
	};
	struct route_params p;
	unsigned allow, roles;
	char text[32];

	(void)state;
	assert_ptr_equal(
	    route_find(t, 4, ALL_ACCESS, "GET", "/d", &p, &allow, &roles),
	    &t[1]);
	assert_null(
	    route_find(t, 4, ALL_ACCESS, "PUT", "/d", &p, &allow, &roles));
	assert_int_equal(allow, ROUTE_GET | ROUTE_POST);
	assert_int_equal(roles, 3);
	route_methods_text(allow, text, sizeof text);
	assert_string_equal(text, "GET or POST");
	assert_ptr_equal(
	    route_find(t, 4, ALL_ACCESS, "HEAD", "/p", &p, &allow, &roles),
	    &t[2]);
	/* a staff row is not there for the public listener: a 404 */
	assert_null(route_find(t, 4, 1u << ROUTE_PUBLIC, "GET", "/s", &p,
	    &allow, &roles));
	assert_int_equal(allow, 0);
	assert_null(
	    route_find(t, 4, ALL_ACCESS, "POST", "/s", &p, &allow, &roles));
	assert_int_equal(allow, 0); /* not a 405 row */
}

/* A path the row's pattern matches: "1" for each {name}, "a" for "*". */
static void
sample(const char *pattern, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *s = pattern; *s != '\0' && n + 2 < size; s++) {
		if (*s == '{') {
			buf[n++] = '1';
			s = strchr(s, '}');
		} else if (*s == '*') {
			buf[n++] = 'a';
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
}

static void
test_table_rows(void **state)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "PUT",
		"DELETE", "PATCH" };

	(void)state;
	assert_true(routes_count > 0);
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes_table[i];
		char path[256];

		assert_non_null(rt->handler);
		assert_int_equal(rt->pattern[0], '/');
		assert_true(rt->methods != 0);
		if (rt->access == ROUTE_STAFF) /* no staff row is public */
			assert_true(rt->roles != 0 &&
			    (rt->roles & ROLE_BIT(ROLE_NONE)) == 0);
		else
			assert_int_equal(rt->roles, 0);
		/* no row is hidden behind an earlier one */
		sample(rt->pattern, path, sizeof path);
		for (size_t m = 0; m < sizeof methods / sizeof methods[0];
		     m++) {
			struct route_params p;
			unsigned allow, roles;

			if ((rt->methods & route_method(methods[m])) == 0)
				continue;
			if (route_find(routes_table, routes_count, ALL_ACCESS,
			        methods[m], path, &p, &allow, &roles) != rt) {
				fail_msg("%s %s: answered by an earlier row",
				    methods[m], rt->pattern);
			}
		}
	}
}

/* The text between the matrix's markers in the document, minus the table
 * head (its first two lines). */
static char *
doc_matrix(void)
{
	FILE *f = fopen(DOC, "r");
	char *text = NULL, *start, *end, *out;
	size_t len = 0;

	if (f == NULL)
		return NULL;
	if (getdelim(&text, &len, '\0', f) < 0) {
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	start = strstr(text, MATRIX_HEAD);
	end = start ? strstr(start, MATRIX_END) : NULL;
	if (end == NULL) {
		free(text);
		return NULL;
	}
	start += strlen(MATRIX_HEAD);
	for (int skip = 0; skip < 3 && start < end; skip++) /* \n, head */
		start = strchr(start, '\n') + 1;
	out = strndup(start, (size_t)(end - start));
	free(text);
	return out;
}

static void
test_matrix_is_the_table(void **state)
{
	char *doc = doc_matrix(), *gen = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&gen, &len);

	(void)state;
	assert_non_null(f);
	routes_matrix(f);
	fclose(f);
	if (doc == NULL)
		fail_msg("%s: no route matrix between \"%s\" and \"%s\" (run "
		         "from the repository root)",
		    DOC, MATRIX_HEAD, MATRIX_END);
	if (strcmp(doc, gen) != 0) {
		fprintf(stderr,
		    "%s's route matrix differs from daemon/routes.c; the "
		    "table's rows are:\n%s",
		    DOC, gen);
		fail();
	}
	free(doc);
	free(gen);
}

/* The staff listener's decision from the headers (routes_decide): who
 * may not call a row is refused before its body is read, and a row's
 * body limit is small unless it is a file import. */
static void
test_decide(void **state)
{
	struct actor kiosk = { .role = ROLE_KIOSK };
	struct actor staff = { .role = ROLE_OFFICE_STAFF };
	struct actor admin = { .role = ROLE_ADMIN };
	size_t max;

	(void)state;
	/* nobody signed in: only the sign-in rows */
	assert_int_equal(routes_decide(NULL, "POST", "/api/v1/session", &max),
	    0);
	assert_int_equal(max, ROUTE_BODY_SMALL);
	assert_int_equal(routes_decide(NULL, "POST", "/api/v1/import", &max),
	    401);
	assert_int_equal(max, 0);
	/* the role of the row for the method and path */
	assert_int_equal(routes_decide(&kiosk, "POST", "/api/v1/import", &max),
	    403);
	assert_int_equal(routes_decide(&staff, "POST", "/api/v1/users", &max),
	    403);
	assert_int_equal(
	    routes_decide(&kiosk, "GET", "/api/v1/procedures", &max), 0);
	assert_int_equal(routes_decide(&admin, "POST", "/api/v1/import", &max),
	    0);
	assert_int_equal(max, ROUTE_BODY_LARGE);
	assert_int_equal(
	    routes_decide(&staff, "POST", "/api/v1/dossiers", &max), 0);
	assert_int_equal(max, ROUTE_BODY_SMALL);
	assert_int_equal(routes_decide(&admin, "PUT", "/api/v1/audit", &max),
	    405);
	assert_int_equal(routes_decide(&admin, "POST", "/nope", &max), 404);
	/* a 405 row the role may not call at all: 403, as dispatch says */
	assert_int_equal(routes_decide(&kiosk, "PUT", "/api/v1/audit", &max),
	    403);
}

/* Only the file imports take a large body; no row is unbounded. */
static void
test_body_limits(void **state)
{
	static const char *const large[] = { "/api/v1/procedures",
		"/api/v1/holidays", "/api/v1/import",
		"/api/v1/postal/items/batch" };

	(void)state;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes_table[i];
		bool want = false;

		for (size_t k = 0; k < sizeof large / sizeof large[0]; k++)
			want |= strcmp(rt->pattern, large[k]) == 0 &&
			    (rt->methods & ROUTE_POST) != 0;
		assert_int_equal(route_body_max(rt),
		    want ? ROUTE_BODY_LARGE : ROUTE_BODY_SMALL);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_param_bound),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_body_limits),
		cmocka_unit_test(test_matrix_is_the_table),
	};

	HARNESS_RUN(tests);
}
