/* postal_json.c: the postal replies built from the store (postal_json.h). */
#include <stdlib.h>

#include "http/reply.h"
#include "postal/postal_json.h"

json_t *
postal_json_checklist(struct store *s, const char *code, enum store_rc *rc)
{
	char *text;
	json_t *docs = NULL, *list, *d;
	size_t i;

	if ((*rc = store_procedure_documents(s, code, &text)) != STORE_OK)
		return NULL;
	if (text != NULL)
		docs = json_loads(text, 0, NULL);
	free(text);
	list = json_array();
	/* the catalogue stores names; every listed document is required */
	json_array_foreach(docs, i, d)
		if (json_is_string(d))
			json_array_append_new(list,
			    json_pack("{s:O,s:b}", "name", d, "required", 1));
	json_decref(docs);
	return json_pack("{s:o}", "documents", list);
}
