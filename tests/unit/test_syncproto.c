/* test_syncproto.c: the sync protocol parsers on good and bad input. A
 * reply that is not exactly an answer to what was sent must fill nothing. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "sync/syncproto.h"

static const char keys[3][SP_KEY_HEX + 1] = {
	"00000000000000000000000000000001",
	"00000000000000000000000000000002",
	"00000000000000000000000000000003",
};

static int
push_reply(const char *s, struct sp_push_result *out, char *err)
{
	return sp_push_reply(s, strlen(s), keys, 3, out, err);
}

static void
test_push_reply_good(void **state)
{
	struct sp_push_result r[3];
	char err[SP_ERR_MAX];
	/* any order; rejected with a reason; applied false kept */
	static const char ok[] =
	    "{\"results\":[{\"key\":\"00000000000000000000000000000003\","
	    "\"result\":\"rejected\",\"reason\":\"code: bad\"},"
	    "{\"key\":\"00000000000000000000000000000001\",\"result\":\"ok\"},"
	    "{\"key\":\"00000000000000000000000000000002\",\"result\":"
	    "\"duplicate\",\"applied\":false}]}";

	(void)state;
	assert_int_equal(push_reply(ok, r, err), 0);
	assert_int_equal(r[0].result, SP_OK);
	assert_true(r[0].applied);
	assert_int_equal(r[1].result, SP_DUPLICATE);
	assert_false(r[1].applied);
	assert_int_equal(r[2].result, SP_REJECTED);
	assert_string_equal(r[2].reason, "code: bad");
}

static void
test_push_reply_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"{",
		"[]",
		"{\"results\":{}}",
		/* two of three answered */
		"{\"results\":[{\"key\":\"00000000000000000000000000000001\","
		"\"result\":\"ok\"},{\"key\":\"00000000000000000000000000000002\","
		"\"result\":\"ok\"}]}",
		/* success for a key never sent */
		"{\"results\":[{\"key\":\"00000000000000000000000000000001\","
		"\"result\":\"ok\"},{\"key\":\"00000000000000000000000000000002\","
		"\"result\":\"ok\"},{\"key\":\"0000000000000000000000000000000f\","
		"\"result\":\"ok\"}]}",
		/* one key twice */
		"{\"results\":[{\"key\":\"00000000000000000000000000000001\","
		"\"result\":\"ok\"},{\"key\":\"00000000000000000000000000000001\","
		"\"result\":\"ok\"},{\"key\":\"00000000000000000000000000000003\","
		"\"result\":\"ok\"}]}",
		/* rejected without a reason */
		"{\"results\":[{\"key\":\"00000000000000000000000000000001\","
		"\"result\":\"rejected\"},{\"key\":"
		"\"00000000000000000000000000000002\",\"result\":\"ok\"},{\"key\":"
		"\"00000000000000000000000000000003\",\"result\":\"ok\"}]}",
		/* an unknown result word, an unknown field */
		"{\"results\":[{\"key\":\"00000000000000000000000000000001\","
		"\"result\":\"fine\"},{\"key\":\"00000000000000000000000000000002\","
		"\"result\":\"ok\"},{\"key\":\"00000000000000000000000000000003\","
		"\"result\":\"ok\"}]}",
		"{\"results\":[],\"extra\":1}",
		"{\"results\":[],\"results\":[]}",
	};
	struct sp_push_result r[3];
	char err[SP_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(r, 0x5a, sizeof r);
		assert_int_equal(push_reply(bad[i], r, err), -1);
		assert_true(err[0] != '\0');
		/* nothing filled */
		assert_int_equal(((unsigned char *)r)[0], 0x5a);
	}
}

static void
test_push_reply_bounded(void **state)
{
	struct sp_push_result r[3];
	char err[SP_ERR_MAX];
	size_t n = SP_REPLY_MAX + 10;
	char *big = malloc(n);

	(void)state;
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	assert_int_equal(sp_push_reply(big, n, keys, 3, r, err), -1);
	assert_non_null(strstr(err, "larger"));
	free(big);
}

static void
test_pull_reply(void **state)
{
	static const char good[] =
	    "{\"cursor\":\"p12\",\"more\":true,\"items\":[{\"code\":"
	    "\"000.00.19.H49-260105-0007\",\"status\":9,\"rev\":2,\"at\":"
	    "1767580320,\"due_at\":1767839520,\"reason\":\"xong\"}]}";
	static const char *const bad[] = {
		"{\"cursor\":\"p 1\",\"more\":false,\"items\":[]}",
		"{\"cursor\":\"p1\",\"items\":[]}",
		"{\"cursor\":\"p1\",\"more\":false,\"items\":[{\"code\":\"x\","
		"\"status\":9,\"rev\":1,\"at\":1767580320}]}",
		"{\"cursor\":\"p1\",\"more\":false,\"items\":[{\"code\":"
		"\"000.00.19.H49-260105-0007\",\"status\":11,\"rev\":1,\"at\":"
		"1767580320}]}",
		"{\"cursor\":\"p1\",\"more\":false,\"items\":[{\"code\":"
		"\"000.00.19.H49-260105-0007\",\"status\":9,\"rev\":0,\"at\":"
		"1767580320}]}",
		"{\"cursor\":\"p1\",\"more\":false,\"items\":[{\"code\":"
		"\"000.00.19.H49-260105-0007\",\"status\":9,\"rev\":1,\"at\":"
		"1767580320,\"owner_name\":\"x\"}]}",
	};
	struct sp_pull_page *p = malloc(sizeof *p);
	char err[SP_ERR_MAX];

	(void)state;
	assert_int_equal(sp_pull_reply(good, strlen(good), p, err), 0);
	assert_int_equal(p->n, 1);
	assert_string_equal(p->cursor, "p12");
	assert_true(p->more);
	assert_int_equal(p->ch[0].status, 9);
	assert_int_equal(p->ch[0].rev, 2);
	assert_string_equal(p->ch[0].reason, "xong");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sp_pull_reply(bad[i], strlen(bad[i]), p, err),
		    -1);
		assert_int_equal(p->n, 0);
	}
	free(p);
}

static void
test_lookup_and_verify_replies(void **state)
{
	static const char found[] =
	    "{\"found\":true,\"dossier\":{\"code\":\"000.00.19.H49-260105-0007\","
	    "\"status\":2,\"delivery\":0,\"received_at\":1767580320,"
	    "\"updated_at\":1767580320,\"masked_name\":\"Ng**** V** A*\"}}";
	static const char missing[] = "{\"found\":false}";
	static const char verify[] =
	    "{\"counts\":{\"1\":1,\"2\":0,\"3\":0},\"codes\":"
	    "[\"000.00.19.H49-260105-0007\"]}";
	static const char page[] = "{\"counts\":{\"1\":1,\"2\":0,\"3\":0},"
	                           "\"codes\":[],\"more\":true}";
	static const char badmore[] =
	    "{\"counts\":{\"1\":1,\"2\":0,\"3\":0},\"codes\":[],\"more\":1}";
	struct store_lookup v;
	char err[SP_ERR_MAX];
	int64_t counts[4];
	json_t *codes;
	bool f, more;

	(void)state;
	assert_int_equal(sp_lookup_reply(found, strlen(found), &f, &v, err), 0);
	assert_true(f);
	assert_string_equal(v.masked_name, "Ng**** V** A*");
	assert_int_equal(sp_lookup_reply(missing, strlen(missing), &f, &v, err),
	    0);
	assert_false(f);
	assert_int_equal(sp_lookup_reply("{\"found\":1}", 11, &f, &v, err), -1);
	assert_int_equal(
	    sp_verify_reply(verify, strlen(verify), counts, &codes, &more, err),
	    0);
	assert_int_equal(counts[1], 1);
	assert_int_equal(json_array_size(codes), 1);
	assert_false(more); /* an answer from before paging */
	json_decref(codes);
	/* a page with more to follow; "more" must be a boolean */
	assert_int_equal(
	    sp_verify_reply(page, strlen(page), counts, &codes, &more, err), 0);
	assert_true(more);
	json_decref(codes);
	assert_int_equal(sp_verify_reply(badmore, strlen(badmore), counts,
	                     &codes, &more, err),
	    -1);
	assert_non_null(strstr(err, "reply.more"));
	assert_int_equal(
	    sp_verify_reply("{\"counts\":{\"1\":1,\"2\":0,\"3\":0},"
	                    "\"codes\":[7]}",
	        43, counts, &codes, &more, err),
	    -1);
}

static void
test_push_request_per_item(void **state)
{
	static const char body[] =
	    "{\"items\":["
	    "{\"key\":\"00000000000000000000000000000001\",\"kind\":\"status\","
	    "\"code\":\"000.00.19.H49-260105-0007\",\"seq\":2,\"base\":0,"
	    "\"at\":1767580320,\"status\":4},"
	    "{\"key\":\"00000000000000000000000000000002\",\"kind\":\"status\","
	    "\"code\":\"000.00.19.H49-260105-0007\",\"seq\":2,\"base\":0,"
	    "\"at\":1767580320,\"status\":4,\"bogus\":1},"
	    "{\"key\":\"00000000000000000000000000000001\",\"kind\":\"status\","
	    "\"code\":\"000.00.19.H49-260105-0007\",\"seq\":2,\"base\":0,"
	    "\"at\":1767580320,\"status\":4},"
	    "{\"key\":\"00000000000000000000000000000004\",\"kind\":"
	    "\"dossier_new\",\"code\":\"000.00.19.H49-260105-0008\",\"seq\":3,"
	    "\"base\":0,\"at\":1767580320,\"status\":2},"
	    "{\"key\":\"XYZ\"}, 5]}";
	struct sp_push p;
	char err[SP_ERR_MAX];

	(void)state;
	assert_int_equal(sp_push_req(body, strlen(body), &p, err), 0);
	assert_int_equal(p.n, 6);
	assert_true(p.items[0].valid);
	assert_false(p.items[1].valid);
	assert_non_null(strstr(p.items[1].why, "bogus"));
	assert_false(p.items[2].valid); /* key repeated */
	assert_non_null(strstr(p.items[2].why, "repeated"));
	assert_false(p.items[3].valid); /* dossier_new without a dossier */
	assert_non_null(strstr(p.items[3].why, "dossier"));
	assert_false(p.items[4].valid);
	assert_false(p.items[5].valid);
	sp_push_free(&p);
	assert_int_equal(sp_push_req("{\"items\":[]}", 12, &p, err), -1);
	assert_int_equal(sp_push_req("{\"item\":[1]}", 12, &p, err), -1);
	assert_int_equal(sp_push_req("nope", 4, &p, err), -1);
}

static void
test_cursor_and_key(void **state)
{
	(void)state;
	assert_true(sp_cursor_valid("p0"));
	assert_true(sp_cursor_valid("abc_DEF.1-2"));
	assert_false(sp_cursor_valid(""));
	assert_false(sp_cursor_valid("a b"));
	assert_false(sp_cursor_valid("p&x=1"));
	assert_true(sp_key_valid("0123456789abcdef0123456789abcdef"));
	assert_false(sp_key_valid("0123456789ABCDEF0123456789abcdef"));
	assert_false(sp_key_valid("0123"));
}

/* draws for sp_backoff_ms: the top and the bottom of the range */
static uint32_t
draw_top(uint32_t n)
{
	return n - 1;
}

static uint32_t
draw_zero(uint32_t n)
{
	(void)n;
	return 0;
}

static void
test_backoff(void **state)
{
	(void)state;
	/* full jitter: the ceiling doubles from min and stops at max */
	assert_int_equal(sp_backoff_ms(500, 60000, 1, 0, draw_top), 500);
	assert_int_equal(sp_backoff_ms(500, 60000, 3, 0, draw_top), 2000);
	assert_int_equal(sp_backoff_ms(500, 60000, 40, 0, draw_top), 60000);
	assert_int_equal(sp_backoff_ms(500, 60000, 40, 0, draw_zero), 0);
	/* Retry-After is waited in full past max, never past its own cap,
	 * and a negative or absurd one does no harm */
	assert_int_equal(sp_backoff_ms(500, 60000, 1, 120, draw_zero), 120000);
	assert_int_equal(sp_backoff_ms(500, 60000, 1, INT64_MAX, draw_zero),
	    (uint64_t)SP_RETRY_AFTER_MAX_S * 1000);
	assert_int_equal(sp_backoff_ms(500, 60000, 1, -5, draw_top), 500);
	assert_int_equal(sp_backoff_ms(0, 0, 1, 0, draw_top), 0);
	assert_int_equal(
	    sp_backoff_ms(INT32_MAX, INT32_MAX, UINT32_MAX, 0, draw_top),
	    INT32_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_reply_good),
		cmocka_unit_test(test_push_reply_bad),
		cmocka_unit_test(test_push_reply_bounded),
		cmocka_unit_test(test_pull_reply),
		cmocka_unit_test(test_lookup_and_verify_replies),
		cmocka_unit_test(test_push_request_per_item),
		cmocka_unit_test(test_cursor_and_key),
		cmocka_unit_test(test_backoff),
	};

	HARNESS_RUN(tests);
}
