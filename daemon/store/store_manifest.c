/* store_manifest.c: the office side of postal: manifests, reconciliation
 * (receive, resolve, sign) and returns by post. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/status.h"
#include "core/textfold.h"
#include "kiosk/kiosk.h"
#include "postal/manifest.h"
#include "postal/postid.h"
#include "store/store_int.h"

/* The counts of manifest id for manifest_state(). */
static int
manifest_counts(struct store *s, const char *id, size_t expected,
    bool signed_off, struct manifest_counts *c)
{
	sqlite3_stmt *st = st_pq(s, PQ_MANIFEST_COUNTS);
	int rc;

	if (st == NULL)
		return -1;
	b_text(st, 1, id);
	rc = sqlite3_step(st);
	memset(c, 0, sizeof *c);
	c->expected = expected;
	c->signed_off = signed_off;
	if (rc == SQLITE_ROW) {
		c->arrived = (size_t)sqlite3_column_int64(st, 0);
		c->missing_resolved = (size_t)sqlite3_column_int64(st, 1);
		c->unexpected = (size_t)sqlite3_column_int64(st, 2);
		c->unexpected_unresolved = (size_t)sqlite3_column_int64(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* The summary of the manifest row st is on (PQ_MANIFEST_GET). */
static json_t *
manifest_summary(struct store *s, sqlite3_stmt *st)
{
	struct manifest_counts c;
	const char *id = c_str(st, 0);
	json_t *o;

	if (manifest_counts(s, id, (size_t)sqlite3_column_int64(st, 4),
	        sqlite3_column_type(st, 8) != SQLITE_NULL, &c) != 0)
		return NULL;
	o = json_object();
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "closed_at", j_col_time(st, 1));
	json_object_set_new(o, "closed_by", j_col_text(st, 2));
	json_object_set_new(o, "station", j_col_text(st, 3));
	json_object_set_new(o, "count",
	    json_integer(sqlite3_column_int64(st, 4)));
	json_object_set_new(o, "fees_vnd",
	    json_integer(sqlite3_column_int64(st, 5)));
	json_object_set_new(o, "state",
	    json_string(manifest_state_name(manifest_state(&c))));
	json_object_set_new(o, "arrived", json_integer((json_int_t)c.arrived));
	json_object_set_new(o, "missing",
	    json_integer((json_int_t)manifest_missing(&c)));
	json_object_set_new(o, "unexpected",
	    json_integer((json_int_t)c.unexpected));
	return o;
}

json_t *
store_postal_manifests(struct store *s, int limit)
{
	sqlite3_stmt *st = st_pq(s, PQ_MANIFESTS);
	json_t *arr, *o;
	char(*ids)[MANIFEST_ID_LEN + 1];
	int n = 0, i, rc;

	if (st == NULL || limit < 1)
		return NULL;
	if ((ids = calloc((size_t)limit, sizeof *ids)) == NULL)
		return NULL;
	sqlite3_bind_int(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < limit)
		snprintf(ids[n++], sizeof ids[0], "%s", c_str(st, 0));
	sqlite3_reset(st);
	arr = json_array();
	for (i = 0; i < n; i++) {
		enum store_rc r;

		if ((o = store_postal_manifest(s, ids[i], &r)) == NULL)
			continue;
		/* the list carries the summary only */
		json_object_del(o, "expected");
		json_object_del(o, "arrived_items");
		json_object_del(o, "missing_items");
		json_object_del(o, "unexpected_items");
		json_object_del(o, "discrepancies");
		json_array_append_new(arr, o);
	}
	free(ids);
	o = json_object();
	json_object_set_new(o, "manifests", arr);
	return o;
}

json_t *
store_postal_manifest(struct store *s, const char *id, enum store_rc *rc)
{
	sqlite3_stmt *st = st_pq(s, PQ_MANIFEST_GET);
	json_t *o, *exp, *arr, *mis, *unx, *dis;
	int r;

	*rc = STORE_ERROR;
	if (st == NULL)
		return NULL;
	b_text(st, 1, id);
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		*rc = r == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
		return NULL;
	}
	if ((o = manifest_summary(s, st)) == NULL) {
		sqlite3_reset(st);
		return NULL;
	}
	json_object_set_new(o, "signatories",
	    sqlite3_column_type(st, 8) == SQLITE_NULL
	        ? json_null()
	        : json_pack("{s:o,s:o,s:o,s:o}", "giver", j_col_text(st, 6),
	              "receiver", j_col_text(st, 7), "signed_at",
	              j_col_time(st, 8), "by", j_col_text(st, 9)));
	sqlite3_reset(st);

	exp = json_array();
	arr = json_array();
	mis = json_array();
	if ((st = st_pq(s, PQ_MANIFEST_ITEMS)) == NULL)
		goto fail;
	b_text(st, 1, id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t acc = sqlite3_column_int64(st, 2);
		const char *res = c_text(st, 3);
		const char *state = acc ? "accepted"
		    : res               ? "resolved"
		    : json_is_null(json_object_get(o, "signatories"))
		    ? "in_manifest"
		    : "missing";
		json_t *it = json_pack("{s:o,s:o,s:s,s:o,s:I}", "item_id",
		    j_col_text(st, 0), "code", j_col_text(st, 1), "state",
		    state, "arrived_at", j_col_time(st, 2), "fees_vnd",
		    (json_int_t)sqlite3_column_int64(st, 7));

		if (acc)
			json_array_append(arr, it);
		else
			json_array_append_new(mis,
			    json_pack("{s:o,s:o,s:o}", "item_id",
			        j_col_text(st, 0), "code", j_col_text(st, 1),
			        "resolution", j_col_text(st, 3)));
		json_array_append_new(exp, it);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "expected", exp);
	json_object_set_new(o, "arrived_items", arr);
	json_object_set_new(o, "missing_items", mis);
	if (r != SQLITE_DONE)
		goto fail;

	unx = json_array();
	dis = json_array();
	json_object_set_new(o, "unexpected_items", unx);
	json_object_set_new(o, "discrepancies", dis);
	if ((st = st_pq(s, PQ_DISCS)) == NULL)
		goto fail;
	b_text(st, 1, id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		json_array_append_new(dis,
		    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "item_id",
		        j_col_text(st, 0), "kind", j_col_text(st, 1),
		        "resolution", j_col_text(st, 2), "reason",
		        j_col_text(st, 3), "by", j_col_text(st, 4), "at",
		        j_col_time(st, 5)));
		if (strcmp(c_str(st, 1), "unexpected") == 0)
			json_array_append_new(unx,
			    json_pack("{s:o,s:o,s:o}", "item_id",
			        j_col_text(st, 0), "scanned_at",
			        j_col_time(st, 6), "resolution",
			        j_col_text(st, 2)));
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE)
		goto fail;
	/* missing items not yet resolved are discrepancies too, listed
	 * (unresolved) once the handover is signed */
	if (!json_is_null(json_object_get(o, "signatories"))) {
		size_t i;
		json_t *m;

		json_array_foreach(mis, i, m)
			if (json_is_null(json_object_get(m, "resolution")))
				json_array_append_new(dis,
				    json_pack("{s:O,s:s,s:n,s:n,s:n,s:n}",
				        "item_id",
				        json_object_get(m, "item_id"), "kind",
				        "missing", "resolution", "reason", "by",
				        "at"));
	}
	*rc = STORE_OK;
	return o;
fail:
	json_decref(o);
	return NULL;
}

static int
manifest_exists(struct store *s, const char *id, int64_t *signed_at,
    char *giver, char *receiver, size_t size)
{
	sqlite3_stmt *st = st_pq(s, PQ_MANIFEST_GET);
	int rc;

	if (st == NULL)
		return -1;
	b_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (signed_at)
			*signed_at = sqlite3_column_int64(st, 8);
		if (giver)
			snprintf(giver, size, "%s", c_str(st, 6));
		if (receiver)
			snprintf(receiver, size, "%s", c_str(st, 7));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Accepts postal row pid (dossier did, status from) at now: the agency
 * acceptance time becomes received_at and the due date counts from it.
 * *due gets the new due date (0: the dossier could not move). */
static enum store_rc
postal_accept(struct store *s, int64_t pid, int64_t did, const char *code,
    int from, const char *proc, const char *item, const char *actor,
    int64_t now, int64_t *due, char *err)
{
	sqlite3_stmt *st;
	struct event ev;
	char detail[96];
	int days = 0, rc;
	bool prov = false;

	*due = 0;
	if ((st = st_pq(s, PQ_ACCEPT_ITEM)) == NULL)
		return st_dberr(s, err);
	sqlite3_bind_int64(st, 1, pid);
	sqlite3_bind_int64(st, 2, now);
	b_text(st, 3, actor);
	if (st_prun(st) != SQLITE_OK)
		return st_dberr(s, err);
	snprintf(detail, sizeof detail, "{\"postal_item\":\"%s\"}", item);
	if (st_add_audit(s, now, actor, "postal_accept", code, item) !=
	    SQLITE_OK)
		return st_dberr(s, err);
	/* a dossier withdrawn meanwhile keeps its status */
	if (!status_can_move(from, ST_RECEIVED))
		return STORE_OK;
	st = st_q(s, Q_PROC_GET);
	b_text(st, 1, proc);
	rc = sqlite3_step(st);
	days = rc == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
	sqlite3_reset(st);
	*due = cal_due(&s->cal, now, days > 0 ? days : 1, &prov);
	if ((st = st_pq(s, PQ_DOSSIER_ACCEPT)) == NULL)
		return st_dberr(s, err);
	sqlite3_bind_int64(st, 1, did);
	sqlite3_bind_int(st, 2, ST_RECEIVED);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, *due);
	sqlite3_bind_int(st, 5, prov);
	if (st_prun(st) != SQLITE_OK)
		return st_dberr(s, err);
	memset(&ev, 0, sizeof ev);
	ev.dossier_id = did;
	ev.at = now;
	ev.kind = "status";
	ev.old_status = from;
	ev.new_status = ST_RECEIVED;
	ev.due_after = *due;
	ev.actor = actor;
	ev.reason = "postal item accepted at the office";
	ev.detail = detail;
	if (st_add_event(s, &ev) != SQLITE_OK ||
	    st_add_outbox(s, did, "status", ST_RECEIVED, now) != SQLITE_OK)
		return st_dberr(s, err);
	return STORE_OK;
}

/* A postal item as a manifest lists it (PQ_ITEM_ON_MANIFEST). */
struct manifest_item {
	int64_t pid, did, accepted_at;
	char code[DCODE_TEXT_MAX + 1], proc[PROC_CODE_MAX + 1];
	int status;
};

/* Looks item up on manifest mid: 1 on it (*mi filled), 0 not on it, or an
 * error code (no such manifest, a database error) with err set. */
static int
manifest_item_find(struct store *s, const char *mid, const char *item,
    struct manifest_item *mi, enum store_rc *rc_out, char *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = manifest_exists(s, mid, NULL, NULL, NULL, 0)) != 1) {
		if (rc < 0) {
			*rc_out = st_dberr(s, err);
			return -1;
		}
		st_err(err, "manifest_id: no manifest %s", mid);
		*rc_out = STORE_NOTFOUND;
		return -1;
	}
	if ((st = st_pq(s, PQ_ITEM_ON_MANIFEST)) == NULL) {
		*rc_out = st_dberr(s, err);
		return -1;
	}
	b_text(st, 1, mid);
	b_text(st, 2, item);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		mi->pid = sqlite3_column_int64(st, 0);
		mi->did = sqlite3_column_int64(st, 1);
		mi->accepted_at = sqlite3_column_int64(st, 2);
		snprintf(mi->code, sizeof mi->code, "%s", c_str(st, 3));
		mi->status = sqlite3_column_int(st, 4);
		snprintf(mi->proc, sizeof mi->proc, "%s", c_str(st, 5));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*rc_out = st_dberr(s, err);
		return -1;
	}
	return rc == SQLITE_ROW;
}

static enum store_rc
postal_receive_tx(struct store *s, const char *mid, const char *item,
    const char *actor, int64_t now, json_t *out, char *err)
{
	sqlite3_stmt *st;
	struct manifest_item mi;
	int64_t due;
	int rc;
	enum store_rc r;

	if ((rc = manifest_item_find(s, mid, item, &mi, &r, err)) < 0)
		return r;
	json_object_set_new(out, "item_id", json_string(item));
	if (rc == 1) {
		json_object_set_new(out, "code", json_string(mi.code));
		if (mi.accepted_at != 0) {
			json_object_set_new(out, "result",
			    json_string("already"));
			json_object_set_new(out, "accepted_at",
			    j_time(mi.accepted_at));
			return STORE_OK;
		}
		if ((r = postal_accept(s, mi.pid, mi.did, mi.code, mi.status,
		         mi.proc, item, actor, now, &due, err)) != STORE_OK)
			return r;
		json_object_set_new(out, "result", json_string("accepted"));
		json_object_set_new(out, "accepted_at", j_time(now));
		json_object_set_new(out, "due_at", j_time(due));
		return STORE_OK;
	}
	/* not on this manifest: an unexpected packet, recorded once */
	if ((st = st_pq(s, PQ_DISC_GET)) == NULL)
		return st_dberr(s, err);
	b_text(st, 1, mid);
	b_text(st, 2, item);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		json_object_set_new(out, "result", json_string("already"));
		json_object_set_new(out, "accepted_at", json_null());
		json_object_set_new(out, "scanned_at", j_col_time(st, 3));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc != SQLITE_DONE || (st = st_pq(s, PQ_DISC_INSERT)) == NULL)
		return st_dberr(s, err);
	b_text(st, 1, mid);
	b_text(st, 2, item);
	b_text(st, 3, "unexpected");
	sqlite3_bind_int64(st, 4, now);
	if (st_prun(st) != SQLITE_OK ||
	    st_add_audit(s, now, actor, "postal_unexpected", mid, item) !=
	        SQLITE_OK)
		return st_dberr(s, err);
	json_object_set_new(out, "result", json_string("unexpected"));
	json_object_set_new(out, "accepted_at", json_null());
	return STORE_OK;
}

static bool
check_item_arg(const char *item, char *err)
{
	struct s10 id;

	if (item == NULL || *item == '\0') {
		st_err(err, "item_id: required");
		return false;
	}
	if (s10_parse(item, strlen(item), &id) == S10_BAD_FORMAT ||
	    strcmp(id.id, item) != 0) {
		st_err(err, "item_id: not a normalised S10 item id");
		return false;
	}
	return true;
}

enum store_rc
store_postal_receive(struct store *s, const char *mid, const char *item,
    const char *actor, int64_t now, json_t **out, char err[STORE_ERR_MAX])
{
	enum store_rc rc;

	*out = NULL;
	if (!check_item_arg(item, err) ||
	    !st_check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	*out = json_object();
	rc = postal_receive_tx(s, mid, item, actor, now, *out, err);
	rc = st_finish(s, rc, err);
	if (rc != STORE_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

static enum store_rc
postal_resolve_tx(struct store *s, const char *mid, const char *item,
    const char *res, const char *reason, const char *actor, int64_t now,
    char *err)
{
	sqlite3_stmt *st;
	struct manifest_item mi;
	char detail[96];
	int64_t due;
	int rc;
	bool on, have = false, same = false;
	enum store_rc r;

	if ((rc = manifest_item_find(s, mid, item, &mi, &r, err)) < 0)
		return r;
	on = rc == 1;
	if (on && mi.accepted_at != 0) {
		st_err(err, "item_id: %s arrived: nothing to resolve", item);
		return STORE_CONFLICT;
	}
	if ((st = st_pq(s, PQ_DISC_GET)) == NULL)
		return st_dberr(s, err);
	b_text(st, 1, mid);
	b_text(st, 2, item);
	if (sqlite3_step(st) == SQLITE_ROW) {
		have = true;
		if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
			same = strcmp(c_str(st, 1), res) == 0;
			if (!same) {
				st_err(err,
				    "resolution: %s is already resolved as %s",
				    item, c_str(st, 1));
				sqlite3_reset(st);
				return STORE_CONFLICT;
			}
		}
	}
	sqlite3_reset(st);
	if (same)
		return STORE_OK; /* no second effect */
	if (!on && !have) {
		st_err(err,
		    "item_id: %s is neither on manifest %s nor scanned "
		    "with it",
		    item, mid);
		return STORE_NOTFOUND;
	}
	if (have) {
		if ((st = st_pq(s, PQ_DISC_RESOLVE)) == NULL)
			return st_dberr(s, err);
	} else {
		if ((st = st_pq(s, PQ_DISC_INSERT)) == NULL)
			return st_dberr(s, err);
	}
	b_text(st, 1, mid);
	b_text(st, 2, item);
	if (have) {
		b_text(st, 3, res);
		b_text(st, 4, reason);
		b_text(st, 5, actor);
		sqlite3_bind_int64(st, 6, now);
	} else {
		b_text(st, 3, "missing");
		b_text(st, 5, res);
		b_text(st, 6, reason);
		b_text(st, 7, actor);
		sqlite3_bind_int64(st, 8, now);
	}
	if (st_prun(st) != SQLITE_OK)
		return st_dberr(s, err);
	snprintf(detail, sizeof detail, "%s: %s", item, res);
	if (st_add_audit(s, now, actor, "postal_resolve", mid, detail) !=
	    SQLITE_OK)
		return st_dberr(s, err);
	/* a missing packet that turned up late is accepted now */
	if (on && strcmp(res, "arrived_late") == 0 &&
	    (r = postal_accept(s, mi.pid, mi.did, mi.code, mi.status, mi.proc,
	         item, actor, now, &due, err)) != STORE_OK)
		return r;
	return STORE_OK;
}

enum store_rc
store_postal_resolve(struct store *s, const char *mid, const char *item,
    const char *res, const char *reason, const char *actor, int64_t now,
    char err[STORE_ERR_MAX])
{
	enum store_rc rc;

	if (!check_item_arg(item, err))
		return STORE_INVALID;
	if (res == NULL ||
	    manifest_resolution_parse(res, strlen(res)) == MANIFEST_RES_NONE) {
		st_err(err,
		    "resolution: must be arrived_late, lost or returned");
		return STORE_INVALID;
	}
	if (!st_check_text("reason", reason, 1, REASON_MAX, err) ||
	    !st_check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = postal_resolve_tx(s, mid, item, res, reason, actor, now, err);
	return st_finish(s, rc, err);
}

enum store_rc
store_postal_sign(struct store *s, const char *mid, const char *giver,
    const char *receiver, const char *actor, int64_t now,
    char err[STORE_ERR_MAX])
{
	char g[256], rcv[256];
	int64_t signed_at = 0;
	sqlite3_stmt *st;
	enum store_rc rc;
	int e;

	if (!st_check_text("giver", giver, 1, 200, err) ||
	    !st_check_text("receiver", receiver, 1, 200, err) ||
	    !st_check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	if ((e = manifest_exists(s, mid, &signed_at, g, rcv, sizeof g)) != 1) {
		st_rollback(s);
		if (e < 0)
			return st_dberr(s, err);
		st_err(err, "manifest_id: no manifest %s", mid);
		return STORE_NOTFOUND;
	}
	if (signed_at != 0) {
		st_rollback(s);
		if (strcmp(g, giver) == 0 && strcmp(rcv, receiver) == 0)
			return STORE_OK;
		st_err(err, "giver: manifest %s was already signed by others",
		    mid);
		return STORE_CONFLICT;
	}
	if ((st = st_pq(s, PQ_SIGN)) == NULL)
		return st_finish(s, st_dberr(s, err), err);
	b_text(st, 1, mid);
	b_text(st, 2, giver);
	b_text(st, 3, receiver);
	sqlite3_bind_int64(st, 4, now);
	b_text(st, 5, actor);
	if (st_prun(st) != SQLITE_OK ||
	    st_add_audit(s, now, actor, "postal_sign", mid, NULL) != SQLITE_OK)
		return st_finish(s, st_dberr(s, err), err);
	return st_finish(s, STORE_OK, err);
}

/* Status 9 -> 10 of dossier did at now for a return by post. */
static enum store_rc
postal_returned(struct store *s, const char *code, int from, const char *item,
    const char *actor, int64_t now, char *err)
{
	char reason[64];

	(void)from;
	snprintf(reason, sizeof reason, "result delivered by post (%s)", item);
	return st_set_status_tx(s, code, ST_RETURNED, reason, actor, now, err);
}

enum store_rc
store_postal_return(struct store *s, const char *code, const char *item,
    bool done_at_handover, const char *actor, int64_t now,
    char err[STORE_ERR_MAX])
{
	char c[DCODE_TEXT_MAX + 1];
	sqlite3_stmt *st;
	int64_t did = 0;
	int status = 0, delivery = 0, rc;
	enum store_rc r;

	if ((r = st_norm_code(code, c, err)) != STORE_OK)
		return r;
	if (!check_item_arg(item, err) ||
	    !st_check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((r = st_begin(s, err)) != STORE_OK)
		return r;
	if ((st = st_pq(s, PQ_DOSSIER_ID)) == NULL)
		return st_finish(s, st_dberr(s, err), err);
	b_text(st, 1, c);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		did = sqlite3_column_int64(st, 0);
		status = sqlite3_column_int(st, 1);
		delivery = sqlite3_column_int(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			return st_finish(s, st_dberr(s, err), err);
		st_err(err, "code: no dossier %s", c);
		return st_finish(s, STORE_NOTFOUND, err);
	}
	if (delivery != DELIVERY_POST) {
		st_err(err,
		    "code: dossier %s has its result collected at the "
		    "counter, not returned by post",
		    c);
		return st_finish(s, STORE_CONFLICT, err);
	}
	if (status != ST_RESULT_READY) {
		st_err(err, "code: the result is not ready (status %d)",
		    status);
		return st_finish(s, STORE_CONFLICT, err);
	}
	if ((st = st_pq(s, PQ_RETURN_GET)) == NULL)
		return st_finish(s, st_dberr(s, err), err);
	b_text(st, 1, item);
	sqlite3_bind_int64(st, 2, now - STORE_POSTAL_WINDOW_S);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		st_err(err, "item_id: %s already carries a result", item);
		return st_finish(s, STORE_CONFLICT, err);
	}
	if ((st = st_pq(s, PQ_RETURN_INSERT)) == NULL)
		return st_finish(s, st_dberr(s, err), err);
	sqlite3_bind_int64(st, 1, did);
	b_text(st, 2, item);
	sqlite3_bind_int64(st, 3, now);
	b_text(st, 4, actor);
	if (st_prun(st) != SQLITE_OK ||
	    st_add_audit(s, now, actor, "postal_return", c, item) != SQLITE_OK)
		return st_finish(s, st_dberr(s, err), err);
	r = done_at_handover
	    ? postal_returned(s, c, status, item, actor, now, err)
	    : STORE_OK;
	return st_finish(s, r, err);
}

enum store_rc
store_postal_delivered(struct store *s, const char *item, bool done_at_handover,
    const char *actor, int64_t now, char err[STORE_ERR_MAX])
{
	char code[DCODE_TEXT_MAX + 1];
	sqlite3_stmt *st;
	int64_t rid = 0, delivered = 0;
	int status = 0, rc;
	enum store_rc r;

	if (!check_item_arg(item, err) ||
	    !st_check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((r = st_begin(s, err)) != STORE_OK)
		return r;
	if ((st = st_pq(s, PQ_RETURN_GET)) == NULL)
		return st_finish(s, st_dberr(s, err), err);
	b_text(st, 1, item);
	sqlite3_bind_int64(st, 2, now - STORE_POSTAL_WINDOW_S);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rid = sqlite3_column_int64(st, 0);
		delivered = sqlite3_column_int64(st, 1);
		snprintf(code, sizeof code, "%s", c_str(st, 2));
		status = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			return st_finish(s, st_dberr(s, err), err);
		st_err(err, "item_id: no result handed over as %s", item);
		return st_finish(s, STORE_NOTFOUND, err);
	}
	if (delivered != 0) {
		st_rollback(s); /* confirmed before: no second effect */
		return STORE_OK;
	}
	if ((st = st_pq(s, PQ_RETURN_DELIVER)) == NULL)
		return st_finish(s, st_dberr(s, err), err);
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, now);
	b_text(st, 3, actor);
	if (st_prun(st) != SQLITE_OK ||
	    st_add_audit(s, now, actor, "postal_delivered", code, item) !=
	        SQLITE_OK)
		return st_finish(s, st_dberr(s, err), err);
	r = !done_at_handover && status == ST_RESULT_READY
	    ? postal_returned(s, code, status, item, actor, now, err)
	    : STORE_OK;
	return st_finish(s, r, err);
}

json_t *
store_postal_returns(struct store *s, int from_day, int to_day)
{
	sqlite3_stmt *st = st_pq(s, PQ_RETURNS);
	json_t *arr;
	int rc;

	if (st == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, cal_instant(from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(to_day + 1, 0));
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr,
		    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:i}", "code",
		        j_col_text(st, 0), "item_id", j_col_text(st, 1),
		        "procedure_code", j_col_text(st, 2), "handed_at",
		        j_col_time(st, 3), "delivered_at", j_col_time(st, 4),
		        "handed_by", j_col_text(st, 5), "status",
		        sqlite3_column_int(st, 6)));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

enum store_rc
store_procedure_documents(struct store *s, const char *code, char **documents)
{
	sqlite3_stmt *st = st_pq(s, PQ_PROC_DOCS);
	int r;

	*documents = NULL;
	if (st == NULL)
		return STORE_ERROR;
	b_text(st, 1, code);
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return r == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
	}
	if (sqlite3_column_type(st, 0) != SQLITE_NULL &&
	    (*documents = strdup(c_str(st, 0))) == NULL) {
		sqlite3_reset(st);
		return STORE_ERROR;
	}
	sqlite3_reset(st);
	return STORE_OK;
}

json_t *
store_postal_manifest_docs(struct store *s, const char *id, enum store_rc *rc)
{
	sqlite3_stmt *st;
	json_t *arr;
	int r;

	*rc = STORE_ERROR;
	if ((r = manifest_exists(s, id, NULL, NULL, NULL, 0)) != 1) {
		*rc = r == 0 ? STORE_NOTFOUND : STORE_ERROR;
		return NULL;
	}
	if ((st = st_pq(s, PQ_DOCS_OF)) == NULL)
		return NULL;
	b_text(st, 1, id);
	arr = json_array();
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		char code[160];

		/* the printed row names the dossier and its S10 item */
		snprintf(code, sizeof code, "%s / %s", c_str(st, 0),
		    c_str(st, 6));
		json_array_append_new(arr,
		    json_pack("{s:s,s:o,s:o,s:o,s:i,s:I,s:o}", "code", code,
		        "procedure_name", j_col_text(st, 1), "owner_name",
		        j_col_text(st, 2), "address", j_col_text(st, 3),
		        "delivery", sqlite3_column_int(st, 4), "fee",
		        (json_int_t)sqlite3_column_int64(st, 5), "item_id",
		        j_col_text(st, 6)));
	}
	sqlite3_reset(st);
	if (r != SQLITE_DONE) {
		json_decref(arr);
		return NULL;
	}
	*rc = STORE_OK;
	return arr;
}
