/* catalogue_json.c: the catalogue and holiday replies (catalogue_json.h). */
#include "api/catalogue_json.h"
#include "core/calendar.h"
#include "http/reply.h"

static json_t *
procedure_json(const struct store_procedure_row *p)
{
	json_t *o = json_object(), *docs = NULL;

	if (o == NULL)
		return NULL;
	if (p->documents != NULL)
		docs = json_loads(p->documents, 0, NULL);
	json_object_set_new(o, "code", reply_text(p->code));
	json_object_set_new(o, "name", reply_text(p->name));
	json_object_set_new(o, "field", reply_text(p->field));
	json_object_set_new(o, "days", json_integer(p->days));
	json_object_set_new(o, "documents", docs != NULL ? docs : json_array());
	json_object_set_new(o, "fee", json_integer((json_int_t)p->fee));
	return o;
}

static int
add_procedure(void *arg, const struct store_procedure_row *p)
{
	json_array_append_new(arg, procedure_json(p));
	return 0;
}

json_t *
catalogue_json_procedures(struct store *s, const char *q)
{
	json_t *arr = json_array();

	if (arr != NULL &&
	    store_procedures(s, q, add_procedure, arr) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

static int
add_holiday(void *arg, const struct store_holiday *h)
{
	char date[16];
	json_t *o = json_object();

	cal_format_date(h->day, date);
	json_object_set_new(o, "date", json_string(date));
	json_object_set_new(o, "kind",
	    reply_text(store_holiday_kind_name(h->kind)));
	json_object_set_new(o, "name", reply_text(h->name));
	json_object_set_new(o, "source", reply_text(h->source));
	json_array_append_new(arg, o);
	return 0;
}

json_t *
catalogue_json_holidays(struct store *s, int year)
{
	json_t *arr = json_array();

	if (arr != NULL &&
	    store_holidays(s, year, add_holiday, arr) != STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}
