/* store_account.c: accounts, sessions, API tokens, the audit log and the
 * /metrics counters. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/role.h"
#include "store/store_int.h"

/* ---- audit and stats ---- */

enum store_rc
store_audit(struct store *s, const char *actor, const char *action,
    const char *object, const char *detail)
{
	if (!st_check_text("actor", actor, 1, ACTOR_MAX, NULL) ||
	    !st_check_text("action", action, 1, 64, NULL) ||
	    !st_check_text("object", object, 0, 256, NULL) ||
	    !st_check_text("detail", detail, 0, 1024, NULL))
		return STORE_INVALID;
	if (st_add_audit(s, st_wall_now(), actor, action, object, detail) !=
	    SQLITE_OK)
		return STORE_ERROR;
	return STORE_OK;
}

enum store_rc
store_audit_read(struct store *s, const char *actor, const char *object,
    const char *route, long records)
{
	char detail[160];

	/* the row says which route answered and how many records it gave,
	 * so that a bulk read stands out; never what was searched for */
	if (records >= 0)
		snprintf(detail, sizeof detail, "%s; %ld record%s",
		    route != NULL ? route : "", records,
		    records == 1 ? "" : "s");
	else
		snprintf(detail, sizeof detail, "%s",
		    route != NULL ? route : "");
	return store_audit(s, actor, "read", object, detail);
}

enum store_rc
store_stats(struct store *s, struct store_stats *out)
{
	sqlite3_stmt *st = st_q(s, Q_STATS);
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW) {
		out->dossiers = sqlite3_column_int64(st, 0);
		out->outbox_pending = sqlite3_column_int64(st, 1);
		out->events = sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

/* ---- accounts, sessions, API tokens (auth.c; docs/security.md) ----
 *
 * Statements are prepared per call, like the print queue's: sign-ins and
 * account changes are rare, and a session check costs one prepare and one
 * primary-key probe. */

static enum store_rc
auth_exec(struct store *s, sqlite3_stmt *st, char *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return err != NULL ? st_dberr(s, err) : STORE_ERROR;
	return STORE_OK;
}

static sqlite3_stmt *
auth_prep(struct store *s, const char *text)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, text, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	return st;
}

static bool
user_role_valid(const char *role)
{
	static const char *const roles[] = { "kiosk", "postal_clerk",
		"office_staff", "admin" };

	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (role != NULL && strcmp(role, roles[i]) == 0)
			return true;
	return false;
}

enum store_rc
store_user_get(struct store *s, const char *name, struct store_user *u)
{
	sqlite3_stmt *st = auth_prep(s,
	    "SELECT id, name, role, pw_hash, disabled, created_at, updated_at,"
	    " post_office FROM users WHERE name = ?1");
	int rc;

	memset(u, 0, sizeof *u);
	if (st == NULL)
		return STORE_ERROR;
	b_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		u->id = sqlite3_column_int64(st, 0);
		snprintf(u->name, sizeof u->name, "%s", c_str(st, 1));
		snprintf(u->role, sizeof u->role, "%s", c_str(st, 2));
		snprintf(u->hash, sizeof u->hash, "%s", c_str(st, 3));
		u->disabled = sqlite3_column_int(st, 4) != 0;
		u->created_at = sqlite3_column_int64(st, 5);
		u->updated_at = sqlite3_column_int64(st, 6);
		snprintf(u->post_office, sizeof u->post_office, "%s",
		    c_str(st, 7));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK
	    : rc == SQLITE_DONE ? STORE_NOTFOUND
	                        : STORE_ERROR;
}

enum store_rc
store_user_add(struct store *s, const char *name, const char *role,
    const char *post_office, const char *hash, const char *actor,
    char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	int64_t now = st_wall_now();
	enum store_rc rc;
	char detail[64];
	int step;

	if (!st_check_text("name", name, 1, STORE_USER_NAME_MAX, err))
		return STORE_INVALID;
	if (!user_role_valid(role)) {
		st_err(err,
		    "role: not kiosk, postal_clerk, office_staff or admin");
		return STORE_INVALID;
	}
	if (post_office == NULL)
		post_office = "";
	if (*post_office != '\0' && strcmp(role, "postal_clerk") != 0) {
		st_err(err,
		    "post_office: only a postal_clerk account belongs "
		    "to a post office");
		return STORE_INVALID;
	}
	if (*post_office != '\0' && !role_post_office_valid(post_office)) {
		st_err(err, "post_office: 1 to 32 of A-Z a-z 0-9 . _ -");
		return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	if ((st = auth_prep(s,
	         "INSERT INTO users(name, role, pw_hash, created_at,"
	         " updated_at, post_office) VALUES (?1, ?2, ?3, ?4, ?4,"
	         " ?5)")) == NULL) {
		rc = st_dberr(s, err);
		st_rollback(s);
		return rc;
	}
	b_text(st, 1, name);
	b_text(st, 2, role);
	b_text(st, 3, hash);
	sqlite3_bind_int64(st, 4, now);
	b_text(st, 5, post_office);
	step = sqlite3_step(st);
	sqlite3_finalize(st);
	if (step == SQLITE_CONSTRAINT_UNIQUE) {
		st_rollback(s);
		st_err(err, "name: a user with this name exists");
		return STORE_CONFLICT;
	}
	if (step != SQLITE_DONE) {
		rc = st_dberr(s, err);
		st_rollback(s);
		return rc;
	}
	snprintf(detail, sizeof detail, "role %s%s%s", role,
	    *post_office ? ", post office " : "", post_office);
	if (st_add_audit(s, now, actor, "user_add", name, detail) !=
	    SQLITE_OK) {
		rc = st_dberr(s, err);
		st_rollback(s);
		return rc;
	}
	return st_commit(s, err);
}

/* One UPDATE of a user row by name plus its audit row (action NULL: none),
 * in one transaction; the user's sessions end when end_sessions. */
static enum store_rc
user_change(struct store *s, const char *name, const char *update,
    const char *bind_text, const char *actor, const char *action,
    const char *detail, bool end_sessions, char *err)
{
	sqlite3_stmt *st;
	int64_t now = st_wall_now();
	enum store_rc rc;

	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	if ((st = auth_prep(s, update)) == NULL)
		goto fail;
	b_text(st, 1, name);
	sqlite3_bind_int64(st, 2, now);
	if (bind_text != NULL)
		b_text(st, 3, bind_text);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		goto fail;
	}
	sqlite3_finalize(st);
	if (sqlite3_changes(s->db) == 0) {
		st_rollback(s);
		st_err(err, "name: no such user");
		return STORE_NOTFOUND;
	}
	if (end_sessions &&
	    ((st = auth_prep(s,
	          "DELETE FROM sessions WHERE user_id ="
	          " (SELECT id FROM users WHERE name = ?1)")) == NULL ||
	        (b_text(st, 1, name), auth_exec(s, st, NULL)) != STORE_OK))
		goto fail;
	if (action != NULL &&
	    st_add_audit(s, now, actor, action, name, detail) != SQLITE_OK)
		goto fail;
	return st_commit(s, err);
fail:
	rc = st_dberr(s, err);
	st_rollback(s);
	return rc;
}

enum store_rc
store_user_set_hash(struct store *s, const char *name, const char *hash,
    const char *actor, char err[STORE_ERR_MAX])
{
	/* actor NULL: a rehash at sign-in (stronger parameters), not a
	 * change of password: sessions stay and nothing is audited */
	return user_change(s, name,
	    "UPDATE users SET pw_hash = ?3, updated_at = ?2 WHERE name = ?1",
	    hash, actor, actor != NULL ? "user_passwd" : NULL, NULL,
	    actor != NULL, err);
}

enum store_rc
store_user_set_post_office(struct store *s, const char *name,
    const char *post_office, const char *actor, char err[STORE_ERR_MAX])
{
	char detail[64];

	if (post_office == NULL)
		post_office = "";
	if (*post_office != '\0' && !role_post_office_valid(post_office)) {
		st_err(err, "post_office: 1 to 32 of A-Z a-z 0-9 . _ -");
		return STORE_INVALID;
	}
	snprintf(detail, sizeof detail, "post office %s",
	    *post_office ? post_office : "(none)");
	/* the scope is read with the session or token on every request
	 * (store_session_get), so the sessions may stay */
	return user_change(s, name,
	    "UPDATE users SET post_office = ?3, updated_at = ?2 WHERE name ="
	    " ?1 AND role = 'postal_clerk'",
	    post_office, actor, "user_post_office", detail, false, err);
}

enum store_rc
store_user_disable(struct store *s, const char *name, const char *actor,
    char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	enum store_rc rc = user_change(s, name,
	    "UPDATE users SET disabled = 1, updated_at = ?2 WHERE name = ?1",
	    NULL, actor, "user_disable", NULL, true, err);

	if (rc != STORE_OK)
		return rc;
	/* its tokens die with it (a re-enabled account gets new ones) */
	if ((st = auth_prep(s,
	         "UPDATE api_tokens SET revoked_at = ?2 WHERE revoked_at IS"
	         " NULL AND user_id = (SELECT id FROM users WHERE"
	         " name = ?1)")) == NULL)
		return st_dberr(s, err);
	b_text(st, 1, name);
	sqlite3_bind_int64(st, 2, st_wall_now());
	return auth_exec(s, st, err);
}

enum store_rc
store_users(struct store *s, store_user_fn *fn, void *arg)
{
	sqlite3_stmt *st = auth_prep(s,
	    "SELECT u.name, u.role, u.disabled, u.created_at, u.updated_at,"
	    " u.post_office,"
	    " (SELECT count(*) FROM sessions x WHERE x.user_id = u.id),"
	    " (SELECT count(*) FROM api_tokens t WHERE t.user_id = u.id"
	    "  AND t.revoked_at IS NULL AND t.expires_at > ?1),"
	    " (SELECT min(t.expires_at) FROM api_tokens t"
	    "  WHERE t.user_id = u.id AND t.revoked_at IS NULL"
	    "  AND t.expires_at > ?1)"
	    " FROM users u ORDER BY u.name");
	struct store_user_row u;
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, st_wall_now());
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		u = (struct store_user_row){ .name = c_text(st, 0),
			.role = c_text(st, 1),
			.disabled = sqlite3_column_int(st, 2) != 0,
			.created_at = sqlite3_column_int64(st, 3),
			.updated_at = sqlite3_column_int64(st, 4),
			.post_office = c_str(st, 5),
			.sessions = sqlite3_column_int64(st, 6),
			.tokens = sqlite3_column_int64(st, 7),
			.tokens_expire_at = sqlite3_column_int64(st, 8) };
		if (fn(arg, &u) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

enum store_rc
store_session_add(struct store *s, const unsigned char id_hash[32],
    int64_t user_id, const char *csrf, int64_t now, int64_t expires_at,
    const char *client)
{
	sqlite3_stmt *st = auth_prep(s,
	    "INSERT INTO sessions(id_hash, user_id, csrf, created_at,"
	    " last_seen, expires_at, client) VALUES (?1, ?2, ?3, ?4, ?4, ?5,"
	    " ?6)");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user_id);
	b_text(st, 3, csrf);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, expires_at);
	b_text(st, 6, client != NULL ? client : "");
	return auth_exec(s, st, NULL);
}

enum store_rc
store_session_get(struct store *s, const unsigned char id_hash[32],
    struct store_session *out)
{
	sqlite3_stmt *st = auth_prep(s,
	    "SELECT u.id, u.name, u.role, x.csrf, x.created_at, x.last_seen,"
	    " x.expires_at, u.post_office FROM sessions x"
	    " JOIN users u ON u.id = x.user_id"
	    " WHERE x.id_hash = ?1 AND u.disabled = 0");
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->user_id = sqlite3_column_int64(st, 0);
		snprintf(out->user, sizeof out->user, "%s", c_str(st, 1));
		snprintf(out->role, sizeof out->role, "%s", c_str(st, 2));
		snprintf(out->csrf, sizeof out->csrf, "%s", c_str(st, 3));
		out->created_at = sqlite3_column_int64(st, 4);
		out->last_seen = sqlite3_column_int64(st, 5);
		out->expires_at = sqlite3_column_int64(st, 6);
		snprintf(out->post_office, sizeof out->post_office, "%s",
		    c_str(st, 7));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK
	    : rc == SQLITE_DONE ? STORE_NOTFOUND
	                        : STORE_ERROR;
}

enum store_rc
store_session_touch(struct store *s, const unsigned char id_hash[32],
    int64_t now)
{
	sqlite3_stmt *st = auth_prep(s,
	    "UPDATE sessions SET last_seen = ?2 WHERE id_hash = ?1");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	return auth_exec(s, st, NULL);
}

enum store_rc
store_session_delete(struct store *s, const unsigned char id_hash[32])
{
	sqlite3_stmt *st =
	    auth_prep(s, "DELETE FROM sessions WHERE id_hash = ?1");

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, id_hash, 32, SQLITE_STATIC);
	return auth_exec(s, st, NULL);
}

int
store_sessions_prune(struct store *s, int64_t now, int64_t idle_s)
{
	sqlite3_stmt *st = auth_prep(s,
	    "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen <= ?2");

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, now - idle_s);
	if (auth_exec(s, st, NULL) != STORE_OK)
		return -1;
	return sqlite3_changes(s->db);
}

enum store_rc
store_token_add(struct store *s, const unsigned char hash[32], const char *user,
    const char *label, int64_t expires_at, const char *actor, int64_t *id,
    char err[STORE_ERR_MAX])
{
	struct store_user u;
	sqlite3_stmt *st;
	int64_t now = st_wall_now();
	enum store_rc rc;
	char detail[160];

	if (!st_check_text("label", label, 0, 128, err))
		return STORE_INVALID;
	if (expires_at <= now) {
		st_err(err, "days: the token would expire before it is used");
		return STORE_INVALID;
	}
	if ((rc = store_user_get(s, user, &u)) != STORE_OK) {
		if (rc == STORE_NOTFOUND)
			st_err(err, "name: no such user");
		else
			st_dberr(s, err);
		return rc;
	}
	if (u.disabled) {
		st_err(err, "name: the account is disabled");
		return STORE_CONFLICT;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	if ((st = auth_prep(s,
	         "INSERT INTO api_tokens(token_hash, user_id, label,"
	         " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)")) ==
	    NULL)
		goto fail;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, u.id);
	b_text(st, 3, label != NULL ? label : "");
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, expires_at);
	if (auth_exec(s, st, NULL) != STORE_OK)
		goto fail;
	*id = sqlite3_last_insert_rowid(s->db);
	snprintf(detail, sizeof detail, "token %lld%s%.128s, %lld days",
	    (long long)*id, label != NULL && *label ? " " : "",
	    label != NULL ? label : "",
	    (long long)((expires_at - now + 86399) / 86400));
	if (st_add_audit(s, now, actor, "token_add", user, detail) != SQLITE_OK)
		goto fail;
	return st_commit(s, err);
fail:
	rc = st_dberr(s, err);
	st_rollback(s);
	return rc;
}

enum store_rc
store_token_get(struct store *s, const unsigned char hash[32], int64_t now,
    struct store_session *out)
{
	sqlite3_stmt *st = auth_prep(s,
	    "SELECT u.id, u.name, u.role, t.id, t.last_used, t.expires_at,"
	    " u.post_office FROM api_tokens t JOIN users u ON u.id = t.user_id"
	    " WHERE t.token_hash = ?1 AND t.revoked_at IS NULL"
	    " AND t.expires_at > ?2 AND u.disabled = 0");
	int64_t tid = 0, last = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->user_id = sqlite3_column_int64(st, 0);
		snprintf(out->user, sizeof out->user, "%s", c_str(st, 1));
		snprintf(out->role, sizeof out->role, "%s", c_str(st, 2));
		tid = sqlite3_column_int64(st, 3);
		last = sqlite3_column_int64(st, 4);
		out->expires_at = sqlite3_column_int64(st, 5);
		snprintf(out->post_office, sizeof out->post_office, "%s",
		    c_str(st, 6));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
	/* last_used to the minute: not one commit per CLI request */
	if (now - last >= 60 &&
	    (st = auth_prep(s,
	         "UPDATE api_tokens SET last_used = ?2 WHERE id = ?1")) !=
	        NULL) {
		sqlite3_bind_int64(st, 1, tid);
		sqlite3_bind_int64(st, 2, now);
		auth_exec(s, st, NULL);
	}
	return STORE_OK;
}

enum store_rc
store_token_revoke(struct store *s, const char *user, const char *label,
    const char *actor, int *count, char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st;
	enum store_rc rc;
	int64_t now = st_wall_now();
	char detail[160];

	*count = 0;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	if ((st = auth_prep(s,
	         "UPDATE api_tokens SET revoked_at = ?2 WHERE revoked_at IS"
	         " NULL AND user_id = (SELECT id FROM users WHERE name = ?1)"
	         " AND (?3 IS NULL OR label = ?3)")) == NULL)
		goto fail;
	b_text(st, 1, user);
	sqlite3_bind_int64(st, 2, now);
	b_text(st, 3, label);
	if (auth_exec(s, st, NULL) != STORE_OK)
		goto fail;
	*count = sqlite3_changes(s->db);
	snprintf(detail, sizeof detail, "%d token(s)%s%.128s", *count,
	    label != NULL ? " labelled " : "", label != NULL ? label : "");
	if (st_add_audit(s, now, actor, "token_revoke", user, detail) !=
	    SQLITE_OK)
		goto fail;
	return st_commit(s, err);
fail:
	rc = st_dberr(s, err);
	st_rollback(s);
	return rc;
}

enum store_rc
store_audit_list(struct store *s, int64_t from, int64_t to, int limit,
    store_audit_fn *fn, void *arg)
{
	sqlite3_stmt *st = auth_prep(s,
	    "SELECT id, at, actor, action, object, detail FROM audit_log"
	    " WHERE at >= ?1 AND at < ?2 ORDER BY at, id LIMIT ?3");
	struct store_audit_row a;
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int(st, 3, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		a = (struct store_audit_row){ .id = sqlite3_column_int64(st, 0),
			.at = sqlite3_column_int64(st, 1),
			.actor = c_text(st, 2),
			.action = c_text(st, 3),
			.object = c_text(st, 4),
			.detail = c_text(st, 5) };
		if (fn(arg, &a) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}
