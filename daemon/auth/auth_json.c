/* auth_json.c: accounts and the audit log as JSON (auth_json.h). */
#include "auth/auth_json.h"
#include "http/reply.h"

static int
add_user(void *arg, const struct store_user_row *u)
{
	json_array_append_new(arg,
	    json_pack("{s:o,s:o,s:s,s:b,s:o,s:o,s:I,s:I,s:o}", "name",
	        reply_text(u->name), "role", reply_text(u->role), "post_office",
	        u->post_office, "disabled", u->disabled, "created_at",
	        reply_time(u->created_at), "updated_at",
	        reply_time(u->updated_at), "sessions", (json_int_t)u->sessions,
	        "tokens", (json_int_t)u->tokens, "tokens_expire_at",
	        reply_time(u->tokens_expire_at)));
	return 0;
}

json_t *
auth_json_users(struct store *s)
{
	json_t *a = json_array();

	if (a != NULL && store_users(s, add_user, a) != STORE_OK) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static int
add_entry(void *arg, const struct store_audit_row *e)
{
	json_array_append_new(arg,
	    json_pack("{s:I,s:o,s:o,s:o,s:o,s:o}", "id", (json_int_t)e->id,
	        "at", reply_time(e->at), "actor", reply_text(e->actor),
	        "action", reply_text(e->action), "object",
	        reply_text(e->object), "detail", reply_text(e->detail)));
	return 0;
}

json_t *
auth_json_audit(struct store *s, int64_t from, int64_t to, int limit)
{
	json_t *a = json_array();

	if (a != NULL &&
	    store_audit_list(s, from, to, limit, add_entry, a) != STORE_OK) {
		json_decref(a);
		return NULL;
	}
	return a;
}
