/* test_jsonw.c: the bounded JSON writer produces text jansson parses back
 * to the same values, escapes what JSON requires, and flags overflow. */
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "lib/jsonw.h"

static void
test_roundtrip(void **state)
{
	char buf[512];
	struct jsonw w;
	json_t *j;

	(void)state;
	jsonw_init(&w, buf, sizeof buf);
	jsonw_open(&w, NULL);
	jsonw_str(&w, "name", "Ng**** V** A*");
	jsonw_str(&w, "quote",
	    "a\"b\\c\nd\te\x01"
	    "f");
	jsonw_str(&w, "vi", "Đăng ký khai sinh");
	jsonw_int(&w, "n", -1234567890123LL);
	jsonw_open(&w, "inner");
	jsonw_bool(&w, "t", true);
	jsonw_bool(&w, "f", false);
	jsonw_close(&w);
	jsonw_null(&w, "none");
	jsonw_close(&w);
	assert_true(jsonw_finish(&w) > 0);
	j = json_loads(buf, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "quote")),
	    "a\"b\\c\nd\te\x01"
	    "f");
	assert_string_equal(json_string_value(json_object_get(j, "vi")),
	    "Đăng ký khai sinh");
	assert_int_equal(json_integer_value(json_object_get(j, "n")),
	    -1234567890123LL);
	assert_true(
	    json_is_true(json_object_get(json_object_get(j, "inner"), "t")));
	assert_true(
	    json_is_false(json_object_get(json_object_get(j, "inner"), "f")));
	assert_true(json_is_null(json_object_get(j, "none")));
	assert_int_equal(json_object_size(j), 6);
	json_decref(j);
}

static void
test_overflow(void **state)
{
	char buf[16];
	struct jsonw w;

	(void)state;
	jsonw_init(&w, buf, sizeof buf);
	jsonw_open(&w, NULL);
	jsonw_str(&w, "key", "a value that does not fit");
	jsonw_close(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	assert_true(strlen(buf) < sizeof buf);
}

static void
test_exact_fit(void **state)
{
	char buf[10]; /* {"a":"b"} is 9 bytes plus the NUL */
	struct jsonw w;

	(void)state;
	jsonw_init(&w, buf, sizeof buf);
	jsonw_open(&w, NULL);
	jsonw_str(&w, "a", "b");
	jsonw_close(&w);
	assert_int_equal(jsonw_finish(&w), 9);
	assert_string_equal(buf, "{\"a\":\"b\"}");
	jsonw_init(&w, buf, 9);
	jsonw_open(&w, NULL);
	jsonw_str(&w, "a", "b");
	jsonw_close(&w);
	assert_int_equal(jsonw_finish(&w), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_exact_fit),
	};
	HARNESS_RUN(tests);
}
