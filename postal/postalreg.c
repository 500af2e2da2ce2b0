/* postalreg.c: see postalreg.h. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/calendar.h"
#include "postal/postalreg.h"
#include "core/textfold.h"

struct ctx {
	char *field, *msg;
};

static enum postalreg_rc bad(struct ctx *c, const char *field, const char *fmt,
    ...) __attribute__((__format__(__printf__, 3, 4)));

static enum postalreg_rc
bad(struct ctx *c, const char *field, const char *fmt, ...)
{
	va_list ap;

	snprintf(c->field, POSTALREG_FIELD_MAX, "%s", field);
	va_start(ap, fmt);
	vsnprintf(c->msg, POSTALREG_MSG_MAX, fmt, ap);
	va_end(ap);
	return POSTALREG_INVALID;
}

/* A string member of o: *out NULL when absent and optional. */
static enum postalreg_rc
str(struct ctx *c, json_t *o, const char *key, const char *path, bool required,
    size_t max, const char **out)
{
	json_t *v = json_object_get(o, key);
	size_t len;

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return required ? bad(c, path, "is required") : POSTALREG_OK;
	if (!json_is_string(v))
		return bad(c, path, "must be a string");
	len = json_string_length(v);
	if (len > max)
		return bad(c, path, "longer than %zu bytes", max);
	if (strlen(json_string_value(v)) != len ||
	    !text_valid(json_string_value(v), len))
		return bad(c, path, "must be text without control characters");
	if (required && len == 0)
		return bad(c, path, "must not be empty");
	*out = json_string_value(v);
	return POSTALREG_OK;
}

static enum postalreg_rc
boolean(struct ctx *c, json_t *o, const char *key, const char *path, bool *out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return bad(c, path, "is required");
	if (!json_is_boolean(v))
		return bad(c, path, "must be true or false");
	*out = json_is_true(v);
	return POSTALREG_OK;
}

/* A non-negative integer (a JSON number without a fraction). */
static enum postalreg_rc
count(struct ctx *c, json_t *o, const char *key, const char *path,
    json_int_t max, json_int_t *out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return bad(c, path, "is required");
	if (!json_is_integer(v))
		return bad(c, path, "must be a whole number (not %s)",
		    json_is_string(v)     ? "text"
		        : json_is_real(v) ? "a fraction"
		                          : "that");
	*out = json_integer_value(v);
	if (*out < 0)
		return bad(c, path, "must be 0 or more");
	if (*out > max)
		return bad(c, path, "must be at most %lld", (long long)max);
	return POSTALREG_OK;
}

static enum postalreg_rc
documents(struct ctx *c, json_t *arr, struct postalreg *out)
{
	char path[POSTALREG_FIELD_MAX];
	json_t *list, *d;
	size_t i;
	enum postalreg_rc rc = POSTALREG_OK;

	if (arr == NULL || json_is_null(arr))
		return bad(c, "documents", "is required (a list, maybe empty)");
	if (!json_is_array(arr))
		return bad(c, "documents", "must be a list");
	if (json_array_size(arr) > POSTALREG_DOCS_MAX)
		return bad(c, "documents", "more than %d documents",
		    POSTALREG_DOCS_MAX);
	list = json_array();
	json_array_foreach(arr, i, d) {
		const char *name;
		json_int_t orig, copies;
		bool checked;

		if (!json_is_object(d)) {
			snprintf(path, sizeof path, "documents[%zu]", i);
			rc = bad(c, path, "must be an object");
			break;
		}
		snprintf(path, sizeof path, "documents[%zu].name", i);
		if ((rc = str(c, d, "name", path, true, 500, &name)) != 0)
			break;
		snprintf(path, sizeof path, "documents[%zu].originals", i);
		if ((rc = count(c, d, "originals", path, 100, &orig)) != 0)
			break;
		snprintf(path, sizeof path, "documents[%zu].copies", i);
		if ((rc = count(c, d, "copies", path, 100, &copies)) != 0)
			break;
		snprintf(path, sizeof path, "documents[%zu].checked", i);
		if ((rc = boolean(c, d, "checked", path, &checked)) != 0)
			break;
		json_array_append_new(list,
		    json_pack("{s:s,s:I,s:I,s:b}", "name", name, "originals",
		        orig, "copies", copies, "checked", checked));
	}
	if (rc == POSTALREG_OK &&
	    (out->docs = json_dumps(list, JSON_COMPACT)) == NULL)
		rc = bad(c, "documents", "out of memory");
	json_decref(list);
	return rc;
}

static enum postalreg_rc
parse(struct ctx *c, json_t *o, int64_t now, const char *agency_default,
    struct postalreg *out)
{
	struct store_postal_reg *r = &out->reg;
	const char *item, *sv, *posted, *why = NULL;
	json_t *app = json_object_get(o, "applicant");
	json_int_t fees;
	enum postalreg_rc rc;

	if ((rc = str(c, o, "item_id", "item_id", true, 64, &item)) != 0)
		return rc;
	if (s10_parse(item, strlen(item), &out->s10) == S10_BAD_FORMAT)
		return bad(c, "item_id", "not an S10 item id: %s",
		    out->s10.reason);
	r->item_id = out->s10.id;
	r->s10_verdict = s10_verdict_name(out->s10.verdict);
	if ((rc = str(c, o, "override_reason", "override_reason", false, 2000,
	         &r->override_reason)) != 0)
		return rc;
	if (out->s10.verdict != S10_VALID &&
	    (r->override_reason == NULL || *r->override_reason == '\0'))
		return bad(c, "override_reason",
		    "required to register %s: %s (the clerk may override it "
		    "with a reason)",
		    out->s10.id, out->s10.reason);
	if (out->s10.verdict == S10_VALID)
		r->override_reason = NULL; /* nothing to override */
	if (app == NULL || json_is_null(app))
		return bad(c, "applicant", "is required");
	if (!json_is_object(app))
		return bad(c, "applicant", "must be an object");
	if ((rc = str(c, app, "name", "applicant.name", true, 200, &r->name)) ||
	    (rc = str(c, app, "address", "applicant.address", true, 500,
	         &r->address)) ||
	    (rc = str(c, app, "phone", "applicant.phone", false, 32,
	         &r->phone)) ||
	    (rc = str(c, app, "id_number", "applicant.id_number", false, 32,
	         &r->id_number)))
		return rc;
	if ((rc = str(c, o, "procedure_code", "procedure_code", true, 64,
	         &r->procedure_code)) != 0)
		return rc;
	if ((rc = documents(c, json_object_get(o, "documents"), out)) != 0)
		return rc;
	r->documents = out->docs;
	if ((rc = count(c, o, "fees_vnd", "fees_vnd", (json_int_t)1 << 50,
	         &fees)) != 0)
		return rc;
	r->fees_vnd = fees;
	if ((rc = str(c, o, "fee_receipt_no", "fee_receipt_no", false, 64,
	         &r->fee_receipt_no)) != 0 ||
	    (rc = str(c, o, "agency_code", "agency_code", false, 64,
	         &r->agency_code)) != 0)
		return rc;
	if (r->agency_code == NULL || *r->agency_code == '\0')
		r->agency_code = agency_default;
	if (r->agency_code == NULL || *r->agency_code == '\0')
		return bad(c, "agency_code", "is required");
	if ((rc = str(c, o, "service", "service", true, 16, &sv)) != 0)
		return rc;
	r->service = strcmp(sv, "send") == 0 ? STORE_POSTAL_SEND
	    : strcmp(sv, "return") == 0      ? STORE_POSTAL_RETURN
	    : strcmp(sv, "both") == 0        ? STORE_POSTAL_BOTH
	                                     : 0;
	if (r->service == 0)
		return bad(c, "service", "must be send, return or both");
	if ((rc = str(c, o, "return_address", "return_address", false, 500,
	         &r->return_address)) != 0)
		return rc;
	if (r->service != STORE_POSTAL_SEND &&
	    (r->return_address == NULL || *r->return_address == '\0'))
		return bad(c, "return_address",
		    "is required when the result goes back by post");
	if ((rc = boolean(c, o, "seal_intact", "seal_intact",
	         &r->seal_intact)) != 0)
		return rc;
	if ((rc = str(c, o, "posted_at", "posted_at", false, 64, &posted)) != 0)
		return rc;
	r->posted_at = now;
	if (posted != NULL &&
	    cal_parse_iso(posted, strlen(posted), &r->posted_at, &why) != 0)
		return bad(c, "posted_at", "%s", why ? why : "not ISO 8601");
	if (r->posted_at > now + 300)
		return bad(c, "posted_at", "is in the future");
	if ((rc = str(c, o, "station", "station", false, 64, &r->station)) ||
	    (rc = str(c, o, "actor", "actor", false, 64, &out->actor)))
		return rc;
	return POSTALREG_OK;
}

enum postalreg_rc
postalreg_from_json(json_t *obj, int64_t now, const char *agency_default,
    struct postalreg *out, char field[POSTALREG_FIELD_MAX],
    char msg[POSTALREG_MSG_MAX])
{
	struct ctx c = { field, msg };
	enum postalreg_rc rc;

	memset(out, 0, sizeof *out);
	field[0] = msg[0] = '\0';
	if (!json_is_object(obj)) {
		snprintf(msg, POSTALREG_MSG_MAX,
		    "the body must be a JSON object");
		return POSTALREG_MALFORMED;
	}
	if ((rc = parse(&c, obj, now, agency_default, out)) != POSTALREG_OK)
		postalreg_cleanup(out);
	return rc;
}

enum postalreg_rc
postalreg_parse(const char *body, size_t len, int64_t now,
    const char *agency_default, struct postalreg *out,
    char field[POSTALREG_FIELD_MAX], char msg[POSTALREG_MSG_MAX])
{
	json_error_t je;
	json_t *root;
	enum postalreg_rc rc;

	memset(out, 0, sizeof *out);
	field[0] = msg[0] = '\0';
	root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		snprintf(msg, POSTALREG_MSG_MAX,
		    "not valid JSON: %s at column %d", je.text, je.column);
		return POSTALREG_MALFORMED;
	}
	rc = postalreg_from_json(root, now, agency_default, out, field, msg);
	if (rc == POSTALREG_OK)
		out->root = root;
	else
		json_decref(root);
	return rc;
}

void
postalreg_cleanup(struct postalreg *p)
{
	json_decref(p->root);
	p->root = NULL;
	free(p->docs);
	p->docs = NULL;
}
