/* importrec.c: see importrec.h. One JSON Lines record, checked field by
 * field in a fixed order so that the first problem is always the one
 * reported, and the message names the field. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "core/calendar.h"
#include "core/dcode.h"
#include "core/importrec.h"
#include "core/status.h"
#include "core/textfold.h"

#define MSG_ISO       "not an ISO 8601 time with an offset"
#define STATUTORY_MAX 3650

static const char *const rating_names[] = {
	[RATING_VERY_SATISFIED] = "very_satisfied",
	[RATING_SATISFIED] = "satisfied",
	[RATING_UNSATISFIED] = "unsatisfied",
};

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static void
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* A member that is absent or JSON null counts as absent. */
static json_t *
member(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_null(v) ? NULL : v;
}

static bool
blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Copies the string member `key` into buf as NFC. size bounds the result,
 * NUL included. Returns 1 when set, 0 when absent (an optional member, or
 * an optional empty string), -1 with err written. */
static int
get_text(json_t *obj, const char *key, bool required, char *buf, size_t size,
    char *err, size_t errlen)
{
	json_t *v = member(obj, key);
	const char *s;
	size_t len;

	buf[0] = '\0';
	if (v == NULL) {
		if (!required)
			return 0;
		fail(err, errlen, "%s: missing", key);
		return -1;
	}
	if (!json_is_string(v)) {
		fail(err, errlen, "%s: must be a string", key);
		return -1;
	}
	s = json_string_value(v);
	len = json_string_length(v);
	if (len == 0 || blank(s, len)) {
		if (!required)
			return 0;
		fail(err, errlen, "%s: must not be empty", key);
		return -1;
	}
	/* jansson has checked the UTF-8 and refused NUL; this also refuses
	 * control characters, which have no place in a name or a code. */
	if (!text_valid(s, len)) {
		fail(err, errlen, "%s: contains control characters", key);
		return -1;
	}
	if (len >= size || text_nfc(s, len, buf, size) < 0) {
		buf[0] = '\0';
		fail(err, errlen, "%s: longer than %zu bytes", key, size - 1);
		return -1;
	}
	return 1;
}

/* Parses the ISO 8601 member `key` (prefix names the enclosing field, or
 * ""). Returns 1 when set, 0 when absent and optional, -1 on error. */
static int
get_time(json_t *obj, const char *prefix, const char *key, bool required,
    int64_t *t, char *err, size_t errlen)
{
	json_t *v = member(obj, key);
	const char *why;

	*t = 0;
	if (v == NULL) {
		if (!required)
			return 0;
		fail(err, errlen, "%s%s: missing", prefix, key);
		return -1;
	}
	if (!json_is_string(v) ||
	    cal_parse_iso(json_string_value(v), json_string_length(v), t,
	        &why) != 0) {
		*t = 0;
		fail(err, errlen, "%s%s: " MSG_ISO, prefix, key);
		return -1;
	}
	return 1;
}

/* Parses an integer member in lo..hi. Returns 1, 0 when absent and
 * optional, -1 on error. */
static int
get_int(json_t *obj, const char *key, bool required, int lo, int hi, int *out,
    char *err, size_t errlen)
{
	json_t *v = member(obj, key);
	json_int_t n;

	if (v == NULL) {
		if (!required)
			return 0;
		fail(err, errlen, "%s: missing", key);
		return -1;
	}
	if (!json_is_integer(v) || (n = json_integer_value(v)) < lo || n > hi) {
		fail(err, errlen, "%s: must be an integer from %d to %d", key,
		    lo, hi);
		return -1;
	}
	*out = (int)n;
	return 1;
}

/* ASCII on purpose: agency codes are A-Z, 0-9 and '.' (QĐ 20/2020). */
static int
check_agency(char *s, char *err, size_t errlen)
{
	for (char *p = s; *p != '\0'; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		        *p == '.')) {
			fail(err, errlen,
			    "agency_code: only A-Z, 0-9 and '.' allowed");
			return -1;
		}
	}
	return 0;
}

static int
check_id_no(const char *s, char *err, size_t errlen)
{
	for (const char *p = s; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		        (*p >= '0' && *p <= '9'))) {
			fail(err, errlen,
			    "applicant_id_no: only letters and digits allowed");
			return -1;
		}
	return 0;
}

static int
check_phone(const char *s, char *err, size_t errlen)
{
	int digits = 0;
	bool ok = true;

	for (const char *p = s; *p != '\0' && ok; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else
			ok = strchr("+ -.()", *p) != NULL;
	}
	if (!ok || digits < 3) {
		fail(err, errlen, "phone: not a phone number");
		return -1;
	}
	return 0;
}

static int
parse_code(json_t *obj, struct import_rec *r, char *err, size_t errlen)
{
	char text[IMPORT_TEXT_MAX];
	struct dcode d;
	enum dcode_err e;
	const char *why;

	if (get_text(obj, "code", true, text, sizeof(text), err, errlen) < 0)
		return -1;
	e = dcode_parse(text, strlen(text), &d, NULL);
	if (e != DCODE_OK) {
		why = dcode_strerror(e);
		/* dcode_strerror may already name the field */
		if (strncmp(why, "code", 4) == 0)
			fail(err, errlen, "%s", why);
		else
			fail(err, errlen, "code: %s", why);
		return -1;
	}
	if (dcode_format(&d, r->code, sizeof(r->code)) < 0) {
		fail(err, errlen, "code: not a dossier code");
		return -1;
	}
	return 0;
}

static int
parse_supplements(json_t *obj, struct import_rec *r, char *err, size_t errlen)
{
	json_t *arr = member(obj, "supplements"), *el;
	char prefix[48];
	size_t i;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr)) {
		fail(err, errlen, "supplements: must be an array");
		return -1;
	}
	if (json_array_size(arr) > IMPORT_SUPPLEMENT_MAX) {
		fail(err, errlen, "supplements: more than %d entries",
		    IMPORT_SUPPLEMENT_MAX);
		return -1;
	}
	json_array_foreach(arr, i, el) {
		struct import_supplement *s = &r->supplements[i];

		snprintf(prefix, sizeof(prefix), "supplements[%zu].", i);
		if (!json_is_object(el)) {
			fail(err, errlen, "supplements[%zu]: must be an object",
			    i);
			return -1;
		}
		if (get_time(el, prefix, "requested_at", true, &s->requested_at,
		        err, errlen) < 0 ||
		    get_time(el, prefix, "completed_at", false,
		        &s->completed_at, err, errlen) < 0)
			return -1;
		if (s->completed_at != 0 && s->completed_at < s->requested_at) {
			fail(err, errlen, "%scompleted_at: before requested_at",
			    prefix);
			return -1;
		}
		r->nsupplements = i + 1;
	}
	return 0;
}

/* Strings, in the order the format lists them. */
static int
parse_texts(json_t *obj, struct import_rec *r, char *err, size_t errlen)
{
	if (parse_code(obj, r, err, errlen) < 0 ||
	    get_text(obj, "procedure_code", true, r->procedure_code,
	        sizeof(r->procedure_code), err, errlen) < 0 ||
	    get_text(obj, "procedure_name", true, r->procedure_name,
	        sizeof(r->procedure_name), err, errlen) < 0 ||
	    get_text(obj, "field", true, r->field, sizeof(r->field), err,
	        errlen) < 0 ||
	    get_text(obj, "agency_code", true, r->agency_code,
	        sizeof(r->agency_code), err, errlen) < 0 ||
	    check_agency(r->agency_code, err, errlen) < 0 ||
	    get_text(obj, "agency_name", false, r->agency_name,
	        sizeof(r->agency_name), err, errlen) < 0 ||
	    get_text(obj, "applicant_name", true, r->applicant_name,
	        sizeof(r->applicant_name), err, errlen) < 0 ||
	    get_text(obj, "applicant_id_no", false, r->applicant_id_no,
	        sizeof(r->applicant_id_no), err, errlen) < 0 ||
	    check_id_no(r->applicant_id_no, err, errlen) < 0)
		return -1;
	if (get_text(obj, "phone", false, r->phone, sizeof(r->phone), err,
	        errlen) < 0)
		return -1;
	if (text_fold(r->applicant_name, strlen(r->applicant_name),
	        r->applicant_fold, sizeof r->applicant_fold) < 0) {
		fail(err, errlen,
		    "applicant_name: cannot be folded for search");
		return -1;
	}
	if (text_fold(r->procedure_name, strlen(r->procedure_name),
	        r->procedure_fold, sizeof r->procedure_fold) < 0) {
		fail(err, errlen,
		    "procedure_name: cannot be folded for search");
		return -1;
	}
	if (r->phone[0] != '\0' && check_phone(r->phone, err, errlen) < 0)
		return -1;
	return 0;
}

static int
parse_enums(json_t *obj, struct import_rec *r, char *err, size_t errlen)
{
	json_t *v;

	v = member(obj, "channel");
	if (v == NULL) {
		fail(err, errlen, "channel: missing");
		return -1;
	}
	if (!json_is_string(v) ||
	    (r->channel = channel_from_name(json_string_value(v))) == 0) {
		fail(err, errlen,
		    "channel: must be \"in_person\", \"online\" or \"postal\"");
		return -1;
	}
	r->delivery = DELIVERY_COUNTER;
	v = member(obj, "delivery");
	if (v != NULL) {
		int d = json_is_string(v)
		    ? delivery_from_name(json_string_value(v))
		    : -1;

		if (d < 0) {
			fail(err, errlen,
			    "delivery: must be \"counter\" or \"post\"");
			return -1;
		}
		r->delivery = d;
	}
	return 0;
}

static int
parse_times(json_t *obj, struct import_rec *r, char *err, size_t errlen)
{
	if (get_time(obj, "", "received_at", true, &r->received_at, err,
	        errlen) < 0 ||
	    get_time(obj, "", "due_at", true, &r->due_at, err, errlen) < 0 ||
	    get_int(obj, "status", true, STATUS_MIN, STATUS_MAX, &r->status,
	        err, errlen) < 0 ||
	    get_time(obj, "", "finished_at", false, &r->finished_at, err,
	        errlen) < 0 ||
	    get_time(obj, "", "returned_at", false, &r->returned_at, err,
	        errlen) < 0 ||
	    get_int(obj, "statutory_days", false, 1, STATUTORY_MAX,
	        &r->statutory_days, err, errlen) < 0)
		return -1;
	return 0;
}

static int
parse_rating(json_t *obj, struct import_rec *r, char *err, size_t errlen)
{
	json_t *v = member(obj, "rating");

	r->rating = RATING_NONE;
	if (v == NULL)
		return 0;
	if (!json_is_string(v) ||
	    (r->rating = rating_from_name(json_string_value(v))) ==
	        RATING_NONE) {
		fail(err, errlen,
		    "rating: must be \"very_satisfied\", \"satisfied\" or "
		    "\"unsatisfied\"");
		return -1;
	}
	return 0;
}

static int
check_cross(const struct import_rec *r, char *err, size_t errlen)
{
	if (r->due_at < r->received_at) {
		fail(err, errlen, "due_at: before received_at");
		return -1;
	}
	if (r->finished_at != 0 && r->finished_at < r->received_at) {
		fail(err, errlen, "finished_at: before received_at");
		return -1;
	}
	if (r->returned_at != 0 && r->returned_at < r->received_at) {
		fail(err, errlen, "returned_at: before received_at");
		return -1;
	}
	return 0;
}

int
importrec_parse(const char *line, size_t len, struct import_rec *out, char *err,
    size_t errlen)
{
	json_error_t jerr;
	json_t *obj;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	/* the bound comes first: a huge line is refused unread */
	if (len > IMPORT_LINE_MAX) {
		fail(err, errlen, "line: longer than %d bytes",
		    IMPORT_LINE_MAX);
		return -1;
	}
	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL) {
		fail(err, errlen, "line: not a JSON object: %s at column %d",
		    jerr.text, jerr.column);
		return -1;
	}
	if (!json_is_object(obj)) {
		fail(err, errlen, "line: not a JSON object");
		goto out;
	}
	if (parse_texts(obj, out, err, errlen) < 0 ||
	    parse_enums(obj, out, err, errlen) < 0 ||
	    parse_times(obj, out, err, errlen) < 0 ||
	    parse_supplements(obj, out, err, errlen) < 0 ||
	    parse_rating(obj, out, err, errlen) < 0 ||
	    check_cross(out, err, errlen) < 0)
		goto out;
	rc = 0;
out:
	json_decref(obj);
	if (rc != 0) /* leave no half-filled record behind */
		memset(out, 0, sizeof(*out));
	return rc;
}

const char *
rating_name(int r)
{
	if (r <= RATING_NONE || r > RATING_UNSATISFIED)
		return NULL;
	return rating_names[r];
}

int
rating_from_name(const char *name)
{
	if (name == NULL)
		return RATING_NONE;
	for (int r = RATING_VERY_SATISFIED; r <= RATING_UNSATISFIED; r++)
		if (strcmp(name, rating_names[r]) == 0)
			return r;
	return RATING_NONE;
}
