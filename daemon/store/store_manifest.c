/* store_manifest.c: the office side of postal: manifests, reconciliation
 * (receive, resolve, sign) and returns by post. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/role.h"
#include "core/status.h"
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

/* The summary of the manifest row st is on (PQ_MANIFEST_GET) into m
 * (zeroed first). -1 when its counts cannot be read or out of memory. */
static int
manifest_summary(struct store *s, sqlite3_stmt *st, struct store_manifest *m)
{
	struct manifest_counts c;

	memset(m, 0, sizeof *m);
	if (manifest_counts(s, c_str(st, 0),
	        (size_t)sqlite3_column_int64(st, 4),
	        sqlite3_column_type(st, 8) != SQLITE_NULL, &c) != 0)
		return -1;
	m->closed_at = sqlite3_column_int64(st, 1);
	m->count = sqlite3_column_int64(st, 4);
	m->fees_vnd = sqlite3_column_int64(st, 5);
	m->state = manifest_state_name(manifest_state(&c));
	m->arrived = (int64_t)c.arrived;
	m->missing = (int64_t)manifest_missing(&c);
	m->unexpected = (int64_t)c.unexpected;
	m->signed_off = sqlite3_column_type(st, 8) != SQLITE_NULL;
	m->signed_at = sqlite3_column_int64(st, 8);
	if (st_dup(st, 0, &m->id) | st_dup(st, 2, &m->closed_by) |
	    st_dup(st, 3, &m->station) | st_dup(st, 6, &m->giver) |
	    st_dup(st, 7, &m->receiver) | st_dup(st, 9, &m->signed_by)) {
		store_manifest_cleanup(m);
		return -1;
	}
	return 0;
}

void
store_manifest_cleanup(struct store_manifest *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->nitems; i++) {
		free(m->items[i].item_id);
		free(m->items[i].code);
		free(m->items[i].resolution);
	}
	for (size_t i = 0; i < m->ndiscs; i++) {
		free(m->discs[i].item_id);
		free(m->discs[i].kind);
		free(m->discs[i].resolution);
		free(m->discs[i].reason);
		free(m->discs[i].by);
	}
	free(m->items);
	free(m->discs);
	free(m->id);
	free(m->closed_by);
	free(m->station);
	free(m->giver);
	free(m->receiver);
	free(m->signed_by);
	memset(m, 0, sizeof *m);
}

/* The summary of manifest id into m: 1 found, 0 not, -1 error. */
static int
manifest_read(struct store *s, const char *id, struct store_manifest *m)
{
	sqlite3_stmt *st = st_pq(s, PQ_MANIFEST_GET);
	int r;

	memset(m, 0, sizeof *m);
	if (st == NULL)
		return -1;
	b_text(st, 1, id);
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return r == SQLITE_DONE ? 0 : -1;
	}
	r = manifest_summary(s, st, m);
	sqlite3_reset(st);
	return r == 0 ? 1 : -1;
}

enum store_rc
store_postal_manifests(struct store *s, int limit, store_manifest_fn *fn,
    void *arg)
{
	sqlite3_stmt *st = st_pq(s, PQ_MANIFESTS);
	struct store_manifest m;
	char(*ids)[MANIFEST_ID_LEN + 1];
	int n = 0, i, rc, stop = 0;

	if (st == NULL || limit < 1)
		return STORE_ERROR;
	if ((ids = calloc((size_t)limit, sizeof *ids)) == NULL)
		return STORE_ERROR;
	sqlite3_bind_int(st, 1, limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < limit)
		snprintf(ids[n++], sizeof ids[0], "%s", c_str(st, 0));
	sqlite3_reset(st);
	for (i = 0; i < n && !stop; i++) {
		/* one that cannot be read is left out of the list */
		if (manifest_read(s, ids[i], &m) != 1)
			continue;
		stop = fn(arg, &m);
		store_manifest_cleanup(&m);
	}
	free(ids);
	return STORE_OK;
}

/* The items of manifest id in position order into m. */
static enum store_rc
manifest_items(struct store *s, const char *id, struct store_manifest *m)
{
	sqlite3_stmt *st = st_pq(s, PQ_MANIFEST_ITEMS);
	struct store_manifest_item *it, *nv;
	size_t cap = 0;
	int r, bad = 0;

	if (st == NULL)
		return STORE_ERROR;
	b_text(st, 1, id);
	while (!bad && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (m->nitems == cap) {
			cap = cap != 0 ? 2 * cap : 16;
			if ((nv = reallocarray(m->items, cap, sizeof *nv)) ==
			    NULL) {
				bad = 1;
				break;
			}
			m->items = nv;
		}
		it = &m->items[m->nitems++];
		*it = (struct store_manifest_item){
			.accepted_at = sqlite3_column_int64(st, 2),
			.fees_vnd = sqlite3_column_int64(st, 7),
		};
		bad = st_dup(st, 0, &it->item_id) | st_dup(st, 1, &it->code) |
		    st_dup(st, 3, &it->resolution);
	}
	sqlite3_reset(st);
	return bad || r != SQLITE_DONE ? STORE_ERROR : STORE_OK;
}

/* The recorded discrepancies of manifest id in order into m. */
static enum store_rc
manifest_discs(struct store *s, const char *id, struct store_manifest *m)
{
	sqlite3_stmt *st = st_pq(s, PQ_DISCS);
	struct store_discrepancy *d, *nv;
	size_t cap = 0;
	int r, bad = 0;

	if (st == NULL)
		return STORE_ERROR;
	b_text(st, 1, id);
	while (!bad && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (m->ndiscs == cap) {
			cap = cap != 0 ? 2 * cap : 8;
			if ((nv = reallocarray(m->discs, cap, sizeof *nv)) ==
			    NULL) {
				bad = 1;
				break;
			}
			m->discs = nv;
		}
		d = &m->discs[m->ndiscs++];
		*d = (struct store_discrepancy){
			.at = sqlite3_column_int64(st, 5),
			.scanned_at = sqlite3_column_int64(st, 6),
		};
		bad = st_dup(st, 0, &d->item_id) | st_dup(st, 1, &d->kind) |
		    st_dup(st, 2, &d->resolution) | st_dup(st, 3, &d->reason) |
		    st_dup(st, 4, &d->by);
	}
	sqlite3_reset(st);
	return bad || r != SQLITE_DONE ? STORE_ERROR : STORE_OK;
}

enum store_rc
store_postal_manifest(struct store *s, const char *id, struct store_manifest *m)
{
	int r = manifest_read(s, id, m);

	if (r != 1)
		return r == 0 ? STORE_NOTFOUND : STORE_ERROR;
	if (manifest_items(s, id, m) != STORE_OK ||
	    manifest_discs(s, id, m) != STORE_OK) {
		store_manifest_cleanup(m);
		return STORE_ERROR;
	}
	return STORE_OK;
}

enum store_rc
store_postal_manifest_in_scope(struct store *s, const char *id,
    const char *scope, const char *clerk, bool *in)
{
	sqlite3_stmt *st;
	int rc;

	*in = false;
	if (sqlite3_prepare_v2(s->db,
	        "SELECT count(*), coalesce(sum((?2 <> '' AND p.post_office ="
	        " ?2) OR (?2 = '' AND p.clerk = ?3)), 0)"
	        " FROM postal_manifest_items m JOIN postal_items p"
	        " ON p.id = m.postal_id WHERE m.manifest_id = ?1",
	        -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return STORE_ERROR;
	}
	b_text(st, 1, id);
	b_text(st, 2, scope != NULL ? scope : "");
	b_text(st, 3, clerk != NULL ? clerk : "");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*in = sqlite3_column_int64(st, 0) > 0 &&
		    sqlite3_column_int64(st, 0) == sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? STORE_OK : STORE_ERROR;
}

enum store_rc
store_postal_dossier_in_scope(struct store *s, const struct actor *who,
    const char *code, bool *in)
{
	sqlite3_stmt *st;
	int rc;

	*in = false;
	if (who == NULL || who->role <= ROLE_KIOSK)
		return STORE_OK;
	if (who->role != ROLE_POSTAL_CLERK) {
		*in = true;
		return STORE_OK;
	}
	/* a counter dossier has no row here: never a clerk's */
	if (sqlite3_prepare_v2(s->db,
	        "SELECT p.post_office, p.clerk FROM postal_items p"
	        " JOIN dossiers d ON d.id = p.dossier_id WHERE d.code = ?1",
	        -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return STORE_ERROR;
	}
	b_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*in = role_postal_scope_has(who,
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
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
    const char *actor, int64_t now, struct store_postal_received *out,
    char *err)
{
	sqlite3_stmt *st;
	struct manifest_item mi;
	int64_t due;
	int rc;
	enum store_rc r;

	if ((rc = manifest_item_find(s, mid, item, &mi, &r, err)) < 0)
		return r;
	if (rc == 1) {
		out->on_manifest = true;
		snprintf(out->code, sizeof out->code, "%s", mi.code);
		if (mi.accepted_at != 0) {
			out->result = STORE_RECEIVED_ALREADY;
			out->accepted_at = mi.accepted_at;
			return STORE_OK;
		}
		if ((r = postal_accept(s, mi.pid, mi.did, mi.code, mi.status,
		         mi.proc, item, actor, now, &due, err)) != STORE_OK)
			return r;
		out->result = STORE_RECEIVED_ACCEPTED;
		out->accepted_at = now;
		out->due_at = due;
		return STORE_OK;
	}
	/* not on this manifest: an unexpected packet, recorded once */
	if ((st = st_pq(s, PQ_DISC_GET)) == NULL)
		return st_dberr(s, err);
	b_text(st, 1, mid);
	b_text(st, 2, item);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->result = STORE_RECEIVED_ALREADY;
		out->scanned_at = sqlite3_column_int64(st, 3);
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
	out->result = STORE_RECEIVED_UNEXPECTED;
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
    const char *actor, int64_t now, struct store_postal_received *out,
    char err[STORE_ERR_MAX])
{
	enum store_rc rc;

	memset(out, 0, sizeof *out);
	if (!check_item_arg(item, err) ||
	    !st_check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = postal_receive_tx(s, mid, item, actor, now, out, err);
	rc = st_finish(s, rc, err);
	if (rc != STORE_OK)
		memset(out, 0, sizeof *out);
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

enum store_rc
store_postal_returns(struct store *s, int from_day, int to_day,
    store_postal_return_fn *fn, void *arg)
{
	sqlite3_stmt *st = st_pq(s, PQ_RETURNS);
	struct store_postal_return_row r;
	int rc;

	if (st == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, cal_instant(from_day, 0));
	sqlite3_bind_int64(st, 2, cal_instant(to_day + 1, 0));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = (struct store_postal_return_row){ .code = c_text(st, 0),
			.item_id = c_text(st, 1),
			.procedure_code = c_text(st, 2),
			.handed_at = sqlite3_column_int64(st, 3),
			.delivered_at = sqlite3_column_int64(st, 4),
			.handed_by = c_text(st, 5),
			.status = sqlite3_column_int(st, 6) };
		if (fn(arg, &r) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
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

enum store_rc
store_postal_manifest_docs(struct store *s, const char *id,
    store_manifest_doc_fn *fn, void *arg)
{
	struct store_manifest_doc d;
	sqlite3_stmt *st;
	int r;

	if ((r = manifest_exists(s, id, NULL, NULL, NULL, 0)) != 1)
		return r == 0 ? STORE_NOTFOUND : STORE_ERROR;
	if ((st = st_pq(s, PQ_DOCS_OF)) == NULL)
		return STORE_ERROR;
	b_text(st, 1, id);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		d = (struct store_manifest_doc){ .code = c_str(st, 0),
			.procedure_name = c_text(st, 1),
			.owner_name = c_text(st, 2),
			.address = c_text(st, 3),
			.delivery = sqlite3_column_int(st, 4),
			.fee = sqlite3_column_int64(st, 5),
			.item_id = c_text(st, 6) };
		if (fn(arg, &d) != 0) {
			r = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return r == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}
