/* kiosk_json.c: the kiosk catalogue reply (kiosk_json.h). */
#include "http/reply.h"
#include "kiosk/kiosk_json.h"

static int
add_procedure(void *arg, const struct store_procedure_row *p)
{
	json_t *o = json_object(), *docs = NULL;

	if (p->documents != NULL)
		docs = json_loads(p->documents, 0, NULL);
	json_object_set_new(o, "code", reply_text(p->code));
	json_object_set_new(o, "name", reply_text(p->name));
	json_object_set_new(o, "field", reply_text(p->field));
	json_object_set_new(o, "days", json_integer(p->days));
	json_object_set_new(o, "documents", docs != NULL ? docs : json_array());
	json_object_set_new(o, "fee", json_integer((json_int_t)p->fee));
	json_object_set_new(o, "counter", reply_text(p->counter));
	json_array_append_new(arg, o);
	return 0;
}

json_t *
kiosk_json_procedures(struct store *s, const char *q, int limit)
{
	json_t *arr = json_array();

	if (arr != NULL &&
	    store_kiosk_procedures(s, q, limit, add_procedure, arr) !=
	        STORE_OK) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}
