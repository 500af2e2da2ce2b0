/* test_importrec.c: importrec_parse through its header. A valid line is
 * the base; each case changes one member and expects the exact message. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"

#include "core/dcode.h"
#include "core/importrec.h"
#include "core/status.h"

static const char base_line[] =
    "{\"code\":\"000.00.19.H26-260105-0007\","
    "\"procedure_code\":\"1.001234.000.00.00.H26\","
    "\"procedure_name\":\"\xC4\x90\xC4\x83ng k\xC3\xBD khai sinh\","
    "\"field\":\"H\xE1\xBB\x99 t\xE1\xBB\x8B\x63h\","
    "\"agency_code\":\"000.00.19.H26\","
    "\"agency_name\":\"UBND x\xC3\xA3 A\","
    "\"applicant_name\":\"Nguy\xE1\xBB\x85n V\xC4\x83n An\","
    "\"applicant_id_no\":\"001234567890\","
    "\"phone\":\"0912 345 678\","
    "\"channel\":\"postal\","
    "\"delivery\":\"post\","
    "\"received_at\":\"2026-01-05T09:32:00+07:00\","
    "\"due_at\":\"2026-01-08T17:00:00+07:00\","
    "\"status\":10,"
    "\"finished_at\":\"2026-01-07T10:00:00+07:00\","
    "\"returned_at\":\"2026-01-07T15:00:00+07:00\","
    "\"statutory_days\":3,"
    "\"supplements\":[{\"requested_at\":\"2026-01-05T10:00:00+07:00\","
    "\"completed_at\":\"2026-01-06T09:00:00+07:00\"},"
    "{\"requested_at\":\"2026-01-06T10:00:00+07:00\"}],"
    "\"rating\":\"very_satisfied\","
    "\"upstream_only\":{\"MaHoSoKhac\":\"x\",\"n\":[1,2]}}";

/* Parses base_line with member key replaced by the JSON text value, or
 * removed when value is NULL. Returns importrec_parse's result. */
static int
parse_with(const char *key, const char *value, struct import_rec *r, char *err,
    size_t errlen)
{
	json_error_t jerr;
	json_t *obj = json_loads(base_line, 0, &jerr);
	char *text;
	int rc;

	assert_non_null(obj);
	if (value == NULL) {
		json_object_del(obj, key);
	} else {
		json_t *v = json_loads(value, JSON_DECODE_ANY, &jerr);

		if (v == NULL)
			fail_msg("bad test value %s: %s", value, jerr.text);
		json_object_set_new(obj, key, v);
	}
	text = json_dumps(obj, JSON_COMPACT);
	assert_non_null(text);
	rc = importrec_parse(text, strlen(text), r, err, errlen);
	free(text);
	json_decref(obj);
	return rc;
}

struct bad_case {
	const char *key;
	const char *value; /* JSON text; NULL removes the member */
	const char *msg;
};

static void
expect_bad(const struct bad_case *c)
{
	struct import_rec r;
	char err[256];

	if (parse_with(c->key, c->value, &r, err, sizeof(err)) != -1)
		fail_msg("%s = %s: accepted", c->key,
		    c->value != NULL ? c->value : "(removed)");
	if (strcmp(err, c->msg) != 0)
		fail_msg("%s = %s: got \"%s\", want \"%s\"", c->key,
		    c->value != NULL ? c->value : "(removed)", err, c->msg);
	assert_int_equal(r.status, 0); /* nothing half-filled */
}

static void
expect_good(const char *key, const char *value, struct import_rec *r)
{
	char err[256];

	if (parse_with(key, value, r, err, sizeof(err)) != 0)
		fail_msg("%s = %s: refused: %s", key,
		    value != NULL ? value : "(removed)", err);
}

static void
test_full_line(void **state)
{
	struct import_rec r;
	char err[256] = "x";

	(void)state;
	assert_int_equal(
	    importrec_parse(base_line, strlen(base_line), &r, err, sizeof(err)),
	    0);
	assert_string_equal(r.code, "000.00.19.H26-260105-0007");
	assert_string_equal(r.procedure_code, "1.001234.000.00.00.H26");
	assert_string_equal(r.procedure_name,
	    "\xC4\x90\xC4\x83ng k\xC3\xBD khai sinh");
	assert_string_equal(r.field, "H\xE1\xBB\x99 t\xE1\xBB\x8B\x63h");
	assert_string_equal(r.agency_code, "000.00.19.H26");
	assert_string_equal(r.agency_name, "UBND x\xC3\xA3 A");
	assert_string_equal(r.applicant_name,
	    "Nguy\xE1\xBB\x85n V\xC4\x83n An");
	assert_string_equal(r.applicant_id_no, "001234567890");
	assert_string_equal(r.phone, "0912 345 678");
	assert_int_equal(r.channel, CHANNEL_POSTAL);
	assert_int_equal(r.delivery, DELIVERY_POST);
	assert_int_equal(r.status, ST_RETURNED);
	assert_int_equal(r.received_at, 1767580320);
	assert_int_equal(r.due_at, 1767866400);
	assert_int_equal(r.finished_at, 1767754800);
	assert_int_equal(r.returned_at, 1767772800);
	assert_int_equal(r.statutory_days, 3);
	assert_int_equal(r.nsupplements, 2);
	assert_int_equal(r.supplements[0].requested_at, 1767582000);
	assert_int_equal(r.supplements[0].completed_at, 1767664800);
	assert_int_equal(r.supplements[1].requested_at, 1767582000 + 86400);
	assert_int_equal(r.supplements[1].completed_at, 0);
	assert_int_equal(r.rating, RATING_VERY_SATISFIED);
}

static void
test_optional_absent(void **state)
{
	static const char *const optional[] = { "agency_name",
		"applicant_id_no", "phone", "delivery", "finished_at",
		"returned_at", "statutory_days", "supplements", "rating" };
	struct import_rec r;

	(void)state;
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		expect_good(optional[i], NULL, &r);
		expect_good(optional[i], "null", &r);
	}
	expect_good("delivery", NULL, &r);
	assert_int_equal(r.delivery, DELIVERY_COUNTER);
	expect_good("rating", NULL, &r);
	assert_int_equal(r.rating, RATING_NONE);
	expect_good("finished_at", NULL, &r);
	assert_int_equal(r.finished_at, 0);
	expect_good("supplements", "[]", &r);
	assert_int_equal(r.nsupplements, 0);
	expect_good("phone", "\"\"", &r);
	assert_string_equal(r.phone, "");
	expect_good("agency_name", "\"\"", &r);
	assert_string_equal(r.agency_name, "");
}

static const struct bad_case required_cases[] = {
	{ "code", NULL, "code: missing" },
	{ "code", "null", "code: missing" },
	{ "code", "7", "code: must be a string" },
	{ "code", "\"\"", "code: must not be empty" },
	{ "procedure_code", NULL, "procedure_code: missing" },
	{ "procedure_code", "[]", "procedure_code: must be a string" },
	{ "procedure_code", "\"\"", "procedure_code: must not be empty" },
	{ "procedure_name", NULL, "procedure_name: missing" },
	{ "procedure_name", "true", "procedure_name: must be a string" },
	{ "procedure_name", "\"  \"", "procedure_name: must not be empty" },
	{ "procedure_name", "\"a\\u0007b\"",
	    "procedure_name: contains control characters" },
	{ "field", NULL, "field: missing" },
	{ "field", "{}", "field: must be a string" },
	{ "field", "\"\"", "field: must not be empty" },
	{ "agency_code", NULL, "agency_code: missing" },
	{ "agency_code", "19", "agency_code: must be a string" },
	{ "agency_code", "\"\"", "agency_code: must not be empty" },
	{ "agency_code", "\"000 00.19\"",
	    "agency_code: only A-Z, 0-9 and '.' allowed" },
	{ "agency_code", "\"000.00.19.H26.000000000000000000000000\"",
	    "agency_code: longer than 35 bytes" },
	{ "agency_name", "1", "agency_name: must be a string" },
	{ "applicant_name", NULL, "applicant_name: missing" },
	{ "applicant_name", "1.5", "applicant_name: must be a string" },
	{ "applicant_name", "\"\"", "applicant_name: must not be empty" },
	{ "applicant_name", "\"An\\nB\"",
	    "applicant_name: contains control characters" },
	{ "applicant_id_no", "1234", "applicant_id_no: must be a string" },
	{ "applicant_id_no", "\"0012-3456\"",
	    "applicant_id_no: only letters and digits allowed" },
	{ "applicant_id_no", "\"123456789012345678901234567890123\"",
	    "applicant_id_no: longer than 32 bytes" },
	{ "phone", "912345678", "phone: must be a string" },
	{ "phone", "\"call me\"", "phone: not a phone number" },
	{ "channel", NULL, "channel: missing" },
	{ "channel", "1",
	    "channel: must be \"in_person\", \"online\" or \"postal\"" },
	{ "channel", "\"web\"",
	    "channel: must be \"in_person\", \"online\" or \"postal\"" },
	{ "delivery", "\"email\"",
	    "delivery: must be \"counter\" or \"post\"" },
	{ "delivery", "0", "delivery: must be \"counter\" or \"post\"" },
	{ "received_at", NULL, "received_at: missing" },
	{ "received_at", "1767580320",
	    "received_at: not an ISO 8601 time with an offset" },
	{ "received_at", "\"2026-01-05T09:32:00\"",
	    "received_at: not an ISO 8601 time with an offset" },
	{ "received_at", "\"2026-02-30T09:32:00+07:00\"",
	    "received_at: not an ISO 8601 time with an offset" },
	{ "due_at", NULL, "due_at: missing" },
	{ "due_at", "\"tomorrow\"",
	    "due_at: not an ISO 8601 time with an offset" },
	{ "due_at", "\"2026-01-05T09:31:59+07:00\"",
	    "due_at: before received_at" },
	{ "status", NULL, "status: missing" },
	{ "status", "\"4\"", "status: must be an integer from 1 to 10" },
	{ "status", "0", "status: must be an integer from 1 to 10" },
	{ "status", "11", "status: must be an integer from 1 to 10" },
	{ "status", "4.0", "status: must be an integer from 1 to 10" },
	{ "status", "-4", "status: must be an integer from 1 to 10" },
	{ "finished_at", "\"2026-01-07\"",
	    "finished_at: not an ISO 8601 time with an offset" },
	{ "finished_at", "\"2026-01-05T02:00:00Z\"",
	    "finished_at: before received_at" },
	{ "returned_at", "false",
	    "returned_at: not an ISO 8601 time with an offset" },
	{ "returned_at", "\"2026-01-05T09:00:00+07:00\"",
	    "returned_at: before received_at" },
	{ "statutory_days", "0",
	    "statutory_days: must be an integer from 1 to 3650" },
	{ "statutory_days", "3651",
	    "statutory_days: must be an integer from 1 to 3650" },
	{ "statutory_days", "\"3\"",
	    "statutory_days: must be an integer from 1 to 3650" },
	{ "supplements", "{}", "supplements: must be an array" },
	{ "supplements", "[1]", "supplements[0]: must be an object" },
	{ "supplements", "[{}]", "supplements[0].requested_at: missing" },
	{ "supplements",
	    "[{\"requested_at\":\"2026-01-05T10:00:00+07:00\"},"
	    "{\"requested_at\":\"soon\"}]",
	    "supplements[1].requested_at: not an ISO 8601 time with an "
	    "offset" },
	{ "supplements",
	    "[{\"requested_at\":\"2026-01-05T10:00:00+07:00\","
	    "\"completed_at\":3}]",
	    "supplements[0].completed_at: not an ISO 8601 time with an "
	    "offset" },
	{ "supplements",
	    "[{\"requested_at\":\"2026-01-05T10:00:00+07:00\","
	    "\"completed_at\":\"2026-01-05T09:59:00+07:00\"}]",
	    "supplements[0].completed_at: before requested_at" },
	{ "rating", "\"ok\"",
	    "rating: must be \"very_satisfied\", \"satisfied\" or "
	    "\"unsatisfied\"" },
	{ "rating", "3",
	    "rating: must be \"very_satisfied\", \"satisfied\" or "
	    "\"unsatisfied\"" },
};

static void
test_bad_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(required_cases) / sizeof(*required_cases);
	     i++)
		expect_bad(&required_cases[i]);
}

static void
test_too_long_texts(void **state)
{
	static const struct {
		const char *key;
		size_t max;
	} lim[] = { { "procedure_code", 64 }, { "procedure_name", 511 },
		{ "field", 511 }, { "agency_name", 511 },
		{ "applicant_name", 511 }, { "phone", 32 } };
	char value[600], msg[80];
	struct import_rec r;

	(void)state;
	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		struct bad_case c = { lim[i].key, value, msg };

		/* exactly at the limit is fine */
		value[0] = '"';
		memset(value + 1, '1', lim[i].max);
		snprintf(value + 1 + lim[i].max, 2, "\"");
		expect_good(lim[i].key, value, &r);
		/* one more byte is not */
		memset(value + 1, '1', lim[i].max + 1);
		snprintf(value + 2 + lim[i].max, 2, "\"");
		snprintf(msg, sizeof(msg), "%s: longer than %zu bytes",
		    lim[i].key, lim[i].max);
		expect_bad(&c);
	}
}

static void
test_code_forms(void **state)
{
	struct import_rec r;
	struct dcode d;
	char msg[128];
	const char *why;
	size_t at;

	(void)state;
	/* lenient: trimmed and upper-cased, stored canonical */
	expect_good("code", "\" 000.00.19.h26-260105-0007 \"", &r);
	assert_string_equal(r.code, "000.00.19.H26-260105-0007");
	/* upstream rewrites carry a 5-digit suffix */
	expect_good("code", "\"000.00.19.H26-260105-48213\"", &r);
	assert_string_equal(r.code, "000.00.19.H26-260105-48213");
	expect_good("code", "\"000.B2.19.H26-260105-0012\"", &r);
	assert_string_equal(r.code, "000.B2.19.H26-260105-0012");
	/* the calendar check refuses 31 February; the message is dcode's */
	assert_int_not_equal(
	    dcode_parse("000.00.19.H26-260231-0007", 25, &d, &at), DCODE_OK);
	why = dcode_strerror(
	    dcode_parse("000.00.19.H26-260231-0007", 25, &d, &at));
	if (strncmp(why, "code", 4) == 0)
		snprintf(msg, sizeof(msg), "%s", why);
	else
		snprintf(msg, sizeof(msg), "code: %s", why);
	{
		struct bad_case c = { "code", "\"000.00.19.H26-260231-0007\"",
			msg };

		expect_bad(&c);
	}
	why = dcode_strerror(dcode_parse("H26-1", 5, &d, &at));
	if (strncmp(why, "code", 4) == 0)
		snprintf(msg, sizeof(msg), "%s", why);
	else
		snprintf(msg, sizeof(msg), "code: %s", why);
	{
		struct bad_case c = { "code", "\"H26-1\"", msg };

		expect_bad(&c);
	}
}

static void
test_agency_upper(void **state)
{
	struct import_rec r;

	(void)state;
	expect_good("agency_code", "\"000.00.19.h26\"", &r);
	assert_string_equal(r.agency_code, "000.00.19.H26");
}

static void
test_nfc(void **state)
{
	struct import_rec r;

	(void)state;
	/* "Nguyễn" decomposed: e + circumflex + tilde */
	expect_good("applicant_name", "\"Nguye\\u0302\\u0303n V\\u0103n An\"",
	    &r);
	assert_string_equal(r.applicant_name,
	    "Nguy\xE1\xBB\x85n V\xC4\x83n An");
	expect_good("procedure_name", "\"\\u0110a\\u0306ng ky\\u0301\"", &r);
	assert_string_equal(r.procedure_name, "\xC4\x90\xC4\x83ng k\xC3\xBD");
}

static void
test_channels_ratings(void **state)
{
	static const struct {
		const char *json;
		int want;
	} ch[] = { { "\"in_person\"", CHANNEL_COUNTER },
		{ "\"online\"", CHANNEL_ONLINE },
		{ "\"postal\"", CHANNEL_POSTAL } };
	struct import_rec r;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		expect_good("channel", ch[i].json, &r);
		assert_int_equal(r.channel, ch[i].want);
	}
	expect_good("rating", "\"satisfied\"", &r);
	assert_int_equal(r.rating, RATING_SATISFIED);
	expect_good("rating", "\"unsatisfied\"", &r);
	assert_int_equal(r.rating, RATING_UNSATISFIED);
	for (int s = STATUS_MIN; s <= STATUS_MAX; s++) {
		char v[16];

		snprintf(v, sizeof(v), "%d", s);
		expect_good("status", v, &r);
		assert_int_equal(r.status, s);
	}
	expect_good("statutory_days", "3650", &r);
	assert_int_equal(r.statutory_days, 3650);
	expect_good("due_at", "\"2026-01-05T02:32:00Z\"", &r); /* == received */
}

static void
test_supplement_limit(void **state)
{
	char buf[2048];
	size_t n = 0;
	struct import_rec r;
	struct bad_case c = { "supplements", buf,
		"supplements: more than 16 entries" };

	(void)state;
	for (int i = 0; i <= IMPORT_SUPPLEMENT_MAX; i++) {
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		    i == 0 ? "[" : ",",
		    "{\"requested_at\":\"2026-01-05T10:00:00+07:00\"}");
		if (i == IMPORT_SUPPLEMENT_MAX - 1) {
			snprintf(buf + n, sizeof(buf) - n, "]");
			expect_good("supplements", buf, &r);
			assert_int_equal(r.nsupplements, IMPORT_SUPPLEMENT_MAX);
		}
	}
	snprintf(buf + n, sizeof(buf) - n, "]");
	expect_bad(&c);
}

static void
expect_line(const char *line, size_t len, const char *prefix)
{
	struct import_rec r;
	char err[256];

	assert_int_equal(importrec_parse(line, len, &r, err, sizeof(err)), -1);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("got \"%s\", want prefix \"%s\"", err, prefix);
}

static void
test_bad_lines(void **state)
{
	static const char dup[] = "{\"code\":\"000.00.19.H26-260105-0007\","
	                          "\"code\":\"000.00.19.H26-260105-0008\"}";
	static const char nul[] = "{\"code\":\"a\0b\"}";
	struct import_rec r;
	char err[256];
	char *big;

	(void)state;
	expect_line("[]", 2, "line: not a JSON object");
	assert_int_equal(importrec_parse("[1]", 3, &r, err, sizeof(err)), -1);
	assert_string_equal(err, "line: not a JSON object");
	expect_line("42", 2, "line: not a JSON object: ");
	expect_line("\"x\"", 3, "line: not a JSON object");
	expect_line("{", 1, "line: not a JSON object: ");
	expect_line("", 0, "line: not a JSON object: ");
	expect_line("{} {}", 5, "line: not a JSON object: ");
	expect_line(nul, sizeof(nul) - 1, "line: not a JSON object: ");
	expect_line("{\"a\":\"\xC3\x28\"}", 9, "line: not a JSON object: ");
	expect_line(dup, sizeof(dup) - 1, "line: not a JSON object: ");
	assert_int_equal(
	    importrec_parse(dup, sizeof(dup) - 1, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "duplicate"));
	assert_non_null(strstr(err, "column"));
	/* the bound comes before parsing */
	big = malloc(IMPORT_LINE_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', IMPORT_LINE_MAX + 1);
	big[0] = '{';
	big[IMPORT_LINE_MAX] = '}';
	assert_int_equal(
	    importrec_parse(big, IMPORT_LINE_MAX + 1, &r, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "line: longer than 65536 bytes");
	/* exactly the maximum is parsed (and fails only for content) */
	big[IMPORT_LINE_MAX - 1] = '}';
	assert_int_equal(
	    importrec_parse(big, IMPORT_LINE_MAX, &r, err, sizeof(err)), -1);
	assert_string_equal(err, "code: missing");
	free(big);
	/* a short error buffer truncates, never overflows */
	assert_int_equal(importrec_parse("[]", 2, &r, err, 5), -1);
	assert_string_equal(err, "line");
	assert_int_equal(importrec_parse("[]", 2, &r, NULL, 0), -1);
}

static void
test_rating_names(void **state)
{
	(void)state;
	for (int i = RATING_VERY_SATISFIED; i <= RATING_UNSATISFIED; i++)
		assert_int_equal(rating_from_name(rating_name(i)), i);
	assert_string_equal(rating_name(RATING_SATISFIED), "satisfied");
	assert_null(rating_name(RATING_NONE));
	assert_null(rating_name(4));
	assert_null(rating_name(-1));
	assert_int_equal(rating_from_name("Satisfied"), RATING_NONE);
	assert_int_equal(rating_from_name(""), RATING_NONE);
	assert_int_equal(rating_from_name(NULL), RATING_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_line),
		cmocka_unit_test(test_optional_absent),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_too_long_texts),
		cmocka_unit_test(test_code_forms),
		cmocka_unit_test(test_agency_upper),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_channels_ratings),
		cmocka_unit_test(test_supplement_limit),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_rating_names),
	};

	HARNESS_RUN(tests);
}
