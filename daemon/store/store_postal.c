/* store_postal.c: postal registration, the items and closing a batch into a
 * manifest (docs/api.md "Postal"). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "core/status.h"
#include "core/textfold.h"
#include "postal/postid.h"
#include "store/store_int.h"

/* ---- postal intake (store.h; docs/api.md "Postal") ----
 *
 * Statements are prepared on first use and kept (pst[]), so the
 * registration path costs no prepare; each use resets them first. */

static const char *const pq_sql[PQ_COUNT_] = {
	[PQ_ITEM_FIND] = "SELECT p.id, d.code, t.token FROM postal_items p"
	                 " JOIN dossiers d ON d.id = p.dossier_id"
	                 " LEFT JOIN lookup_tokens t ON t.dossier_id = d.id"
	                 "  AND t.revoked_at IS NULL"
	                 " WHERE p.item_id = ?1 AND p.created_at >= ?2"
	                 " ORDER BY p.id DESC LIMIT 1",
	[PQ_ITEM_INSERT] =
	    "INSERT INTO postal_items (item_id, dossier_id, documents,"
	    " fees_vnd, fee_receipt_no, service, return_address, seal_intact,"
	    " submitted_at, clerk, station, s10_verdict, override_reason,"
	    " flagged, created_at, post_office) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
	[PQ_ITEM_GET] =
	    "SELECT p.id, p.item_id, d.code, t.token, d.due_at, m.manifest_id,"
	    " p.accepted_at, p.accepted_by, p.documents, p.fees_vnd,"
	    " p.fee_receipt_no, p.service, p.return_address, p.seal_intact,"
	    " p.submitted_at, p.clerk, p.station, p.s10_verdict,"
	    " p.override_reason, p.flagged, d.owner_name, d.address, d.phone,"
	    " d.owner_id_no, d.procedure_code, d.agency_code, d.status,"
	    " (SELECT x.resolution FROM postal_discrepancies x"
	    "  WHERE x.item_id = p.item_id AND x.manifest_id = m.manifest_id),"
	    " (SELECT g.signed_at FROM postal_manifests g"
	    "  WHERE g.id = m.manifest_id), p.created_at, p.post_office"
	    " FROM postal_items p JOIN dossiers d ON d.id = p.dossier_id"
	    " LEFT JOIN lookup_tokens t ON t.dossier_id = d.id"
	    "  AND t.revoked_at IS NULL"
	    " LEFT JOIN postal_manifest_items m ON m.postal_id = p.id"
	    " WHERE p.item_id = ?1 AND p.created_at >= ?2"
	    " ORDER BY p.id DESC LIMIT 1",
	[PQ_OPEN_ITEMS] =
	    "SELECT p.id, p.item_id, p.fees_vnd FROM postal_items p"
	    " WHERE NOT EXISTS (SELECT 1 FROM postal_manifest_items"
	    "  m WHERE m.postal_id = p.id)"
	    " AND (?1 IS NULL OR p.station = ?1)"
	    " AND (?2 IS NULL OR (?2 <> '' AND p.post_office = ?2)"
	    "  OR (?2 = '' AND p.clerk = ?3)) ORDER BY p.id",
	[PQ_MANIFEST_SEQ] = "SELECT coalesce(max(seq), 0) + 1 FROM"
	                    " postal_manifests WHERE day = ?1",
	[PQ_MANIFEST_INSERT] =
	    "INSERT INTO postal_manifests (id, day, seq, closed_at, closed_by,"
	    " station, count, fees_vnd) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[PQ_MITEM_INSERT] = "INSERT INTO postal_manifest_items (manifest_id,"
	                    " postal_id, position) VALUES (?1, ?2, ?3)",
	[PQ_MANIFEST_TOTALS] = "UPDATE postal_manifests SET count = ?2,"
	                       " fees_vnd = ?3 WHERE id = ?1",
	[PQ_MANIFESTS] = "SELECT id FROM postal_manifests ORDER BY day DESC,"
	                 " seq DESC LIMIT ?1",
	[PQ_MANIFEST_GET] =
	    "SELECT id, closed_at, closed_by, station, count, fees_vnd, giver,"
	    " receiver, signed_at, signed_by FROM postal_manifests WHERE id = ?1",
	[PQ_MANIFEST_ITEMS] =
	    "SELECT p.item_id, d.code, p.accepted_at, x.resolution, x.reason,"
	    " x.resolved_by, x.resolved_at, p.fees_vnd FROM postal_manifest_items"
	    " m JOIN postal_items p ON p.id = m.postal_id"
	    " JOIN dossiers d ON d.id = p.dossier_id"
	    " LEFT JOIN postal_discrepancies x ON x.manifest_id = m.manifest_id"
	    "  AND x.item_id = p.item_id"
	    " WHERE m.manifest_id = ?1 ORDER BY m.position",
	[PQ_MANIFEST_COUNTS] =
	    "SELECT (SELECT count(*) FROM postal_manifest_items m"
	    "  JOIN postal_items p ON p.id = m.postal_id"
	    "  WHERE m.manifest_id = ?1 AND p.accepted_at IS NOT NULL),"
	    " (SELECT count(*) FROM postal_discrepancies x WHERE"
	    "  x.manifest_id = ?1 AND x.kind = 'missing'"
	    "  AND x.resolution IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
	    "  postal_manifest_items m JOIN postal_items p ON p.id = m.postal_id"
	    "  WHERE m.manifest_id = ?1 AND p.item_id = x.item_id"
	    "  AND p.accepted_at IS NOT NULL)),"
	    " (SELECT count(*) FROM postal_discrepancies x WHERE"
	    "  x.manifest_id = ?1 AND x.kind = 'unexpected'),"
	    " (SELECT count(*) FROM postal_discrepancies x WHERE"
	    "  x.manifest_id = ?1 AND x.kind = 'unexpected'"
	    "  AND x.resolution IS NULL)",
	[PQ_ITEM_ON_MANIFEST] =
	    "SELECT p.id, p.dossier_id, p.accepted_at, d.code, d.status,"
	    " d.procedure_code FROM postal_manifest_items m"
	    " JOIN postal_items p ON p.id = m.postal_id"
	    " JOIN dossiers d ON d.id = p.dossier_id"
	    " WHERE m.manifest_id = ?1 AND p.item_id = ?2",
	[PQ_ACCEPT_ITEM] = "UPDATE postal_items SET accepted_at = ?2,"
	                   " accepted_by = ?3 WHERE id = ?1",
	[PQ_DOSSIER_ACCEPT] =
	    "UPDATE dossiers SET status = ?2, received_at = ?3, due_at = ?4,"
	    " provisional = ?5, updated_at = ?3 WHERE id = ?1",
	[PQ_DISC_GET] = "SELECT kind, resolution, reason, scanned_at FROM"
	                " postal_discrepancies WHERE manifest_id = ?1"
	                " AND item_id = ?2",
	[PQ_DISC_INSERT] =
	    "INSERT INTO postal_discrepancies (manifest_id, item_id, kind,"
	    " scanned_at, resolution, reason, resolved_by, resolved_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[PQ_DISC_RESOLVE] = "UPDATE postal_discrepancies SET resolution = ?3,"
	                    " reason = ?4, resolved_by = ?5, resolved_at = ?6"
	                    " WHERE manifest_id = ?1 AND item_id = ?2",
	[PQ_DISCS] = "SELECT item_id, kind, resolution, reason, resolved_by,"
	             " resolved_at, scanned_at FROM postal_discrepancies"
	             " WHERE manifest_id = ?1 ORDER BY id",
	[PQ_SIGN] = "UPDATE postal_manifests SET giver = ?2, receiver = ?3,"
	            " signed_at = ?4, signed_by = ?5 WHERE id = ?1",
	[PQ_RETURN_GET] = "SELECT r.id, r.delivered_at, d.code, d.status, d.id"
	                  " FROM postal_returns r JOIN dossiers d"
	                  " ON d.id = r.dossier_id WHERE r.item_id = ?1"
	                  " AND r.handed_at >= ?2 ORDER BY r.id DESC LIMIT 1",
	[PQ_RETURN_INSERT] = "INSERT INTO postal_returns (dossier_id, item_id,"
	                     " handed_at, handed_by) VALUES (?1, ?2, ?3, ?4)",
	[PQ_RETURN_DELIVER] = "UPDATE postal_returns SET delivered_at = ?2,"
	                      " delivered_by = ?3 WHERE id = ?1",
	[PQ_RETURNS] =
	    "SELECT d.code, r.item_id, d.procedure_code, r.handed_at,"
	    " r.delivered_at, r.handed_by, d.status FROM postal_returns r"
	    " JOIN dossiers d ON d.id = r.dossier_id"
	    " WHERE r.handed_at >= ?1 AND r.handed_at < ?2 ORDER BY r.id",
	[PQ_DOSSIER_ID] = "SELECT id, status, delivery FROM dossiers"
	                  " WHERE code = ?1",
	[PQ_PROC_DOCS] = "SELECT documents FROM procedures WHERE code = ?1",
	[PQ_ITEM_OF] = "SELECT item_id FROM postal_items WHERE dossier_id = ?1",
	[PQ_SAVEPOINT] = "SAVEPOINT postal_item",
	[PQ_RELEASE] = "RELEASE postal_item",
	[PQ_ROLLBACK_TO] = "ROLLBACK TO postal_item",
	[PQ_DOCS_OF] =
	    "SELECT d.code, pr.name, d.owner_name, d.address, d.delivery,"
	    " p.fees_vnd, p.item_id FROM postal_manifest_items m"
	    " JOIN postal_items p ON p.id = m.postal_id"
	    " JOIN dossiers d ON d.id = p.dossier_id"
	    " LEFT JOIN procedures pr ON pr.code = d.procedure_code"
	    " WHERE m.manifest_id = ?1 ORDER BY m.position",
};

_Static_assert(PQ_COUNT_ <= PQ_MAX, "raise PQ_MAX: struct store's pst[]");

/* The postal statement id, reset with its parameters cleared; NULL when
 * it cannot be prepared (sqlite3_errmsg says why). */
sqlite3_stmt *
st_pq(struct store *s, enum pq id)
{
	sqlite3_stmt *st = s->pst[id];

	if (st == NULL) {
		if (sqlite3_prepare_v3(s->db, pq_sql[id], -1,
		        SQLITE_PREPARE_PERSISTENT, &s->pst[id],
		        NULL) != SQLITE_OK) {
			sqlite3_finalize(s->pst[id]);
			s->pst[id] = NULL;
			return NULL;
		}
		return s->pst[id];
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Steps a statement that returns no row and resets it. */
int
st_prun(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The S10 id of a postal dossier into *out (caller-owned), NULL when it
 * has none. -1 when out of memory. */
int
st_postal_item_of(struct store *s, int64_t dossier_id, char **out)
{
	sqlite3_stmt *st = st_pq(s, PQ_ITEM_OF);
	int rc = 0;

	*out = NULL;
	if (st == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, dossier_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		rc = st_dup(st, 0, out);
	sqlite3_reset(st);
	return rc;
}
const char *
store_postal_service_name(int sv)
{
	return sv == STORE_POSTAL_SEND  ? "send"
	    : sv == STORE_POSTAL_RETURN ? "return"
	    : sv == STORE_POSTAL_BOTH   ? "both"
	                                : NULL;
}

static const char *
postal_state(int64_t accepted_at, const char *manifest, const char *res,
    int64_t signed_at)
{
	if (accepted_at != 0)
		return "accepted";
	if (manifest == NULL)
		return "registered";
	if (res != NULL)
		return "resolved";
	return signed_at != 0 ? "missing" : "in_manifest";
}

static bool
check_postal(const struct store_postal_reg *r, char *err)
{
	struct s10 id;

	if (r->item_id == NULL ||
	    s10_parse(r->item_id, strlen(r->item_id), &id) == S10_BAD_FORMAT ||
	    strcmp(id.id, r->item_id) != 0) {
		st_err(err, "item_id: not a normalised S10 item id");
		return false;
	}
	if (id.verdict != S10_VALID &&
	    (r->override_reason == NULL || *r->override_reason == '\0')) {
		st_err(err, "override_reason: required: %s", id.reason);
		return false;
	}
	if (r->fees_vnd < 0) {
		st_err(err, "fees_vnd: must be an integer >= 0");
		return false;
	}
	if (store_postal_service_name(r->service) == NULL) {
		st_err(err, "service: must be send, return or both");
		return false;
	}
	if (r->service != STORE_POSTAL_SEND &&
	    (r->return_address == NULL || *r->return_address == '\0')) {
		st_err(err, "return_address: required for return by post");
		return false;
	}
	if (r->posted_at <= 0) {
		st_err(err, "posted_at: required");
		return false;
	}
	return st_check_text("override_reason", r->override_reason, 0,
	           REASON_MAX, err) &&
	    st_check_text("fee_receipt_no", r->fee_receipt_no, 0, 64, err) &&
	    st_check_text("return_address", r->return_address, 0, ADDRESS_MAX,
	        err) &&
	    st_check_text("station", r->station, 0, 64, err) &&
	    st_check_text("documents", r->documents, 2, DOCUMENTS_MAX, err);
}

/* Inserts a queued print job of kind/ref and its audit row, inside the
 * caller's transaction (store_print.c's, shared with counter intake). */
static enum store_rc
postal_print(struct store *s, const char *kind, const char *ref,
    const char *actor, int64_t now, int64_t max_pending, int64_t *id, char *err)
{
	return st_print_queue(s, kind, ref, actor, now, max_pending, id, err);
}

/* An existing registration of item within the window: 1 (res filled),
 * 0 none, -1 error. */
static int
postal_find(struct store *s, const char *item, int64_t now,
    struct store_postal_result *res)
{
	sqlite3_stmt *st = st_pq(s, PQ_ITEM_FIND);
	int rc;

	if (st == NULL)
		return -1;
	b_text(st, 1, item);
	sqlite3_bind_int64(st, 2, now - STORE_POSTAL_WINDOW_S);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(res->code, sizeof res->code, "%s", c_str(st, 1));
		snprintf(res->token, sizeof res->token, "%s", c_str(st, 2));
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static enum store_rc
postal_register_tx(struct store *s, const struct store_postal_reg *r,
    const char *name, const char *fold, struct store_postal_result *res,
    int64_t now, char *err)
{
	struct store_intake in;
	struct store_intake_result ir;
	sqlite3_stmt *st;
	enum store_rc rc;
	json_t *detail;
	char *dtext;
	int f;

	if ((f = postal_find(s, r->item_id, now, res)) != 0)
		return f < 0 ? st_dberr(s, err) : STORE_OK;
	memset(&in, 0, sizeof in);
	in.procedure_code = r->procedure_code;
	in.agency_code = r->agency_code;
	in.owner_name = r->name;
	in.owner_id_no = r->id_number;
	in.phone = r->phone;
	in.address = r->address;
	in.channel = CHANNEL_POSTAL;
	in.delivery =
	    r->service == STORE_POSTAL_SEND ? DELIVERY_COUNTER : DELIVERY_POST;
	in.received_at = r->posted_at; /* until the office accepts it */
	in.submitted_at = r->posted_at;
	in.status = ST_SUBMITTED;
	in.actor = r->actor;
	if (!st_check_intake(&in, err))
		return STORE_INVALID;
	/* what upstream needs of a postal dossier, beside the dossier row
	 * (channel 3, delivery, submitted_at): no personal data */
	detail = json_pack("{s:s,s:s,s:I,s:b}", "postal_item", r->item_id,
	    "service", store_postal_service_name(r->service), "fees_vnd",
	    (json_int_t)r->fees_vnd, "seal_intact", r->seal_intact);
	dtext = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	if (dtext == NULL) {
		st_err(err, "memory: out of memory");
		return STORE_ERROR;
	}
	in.event_detail = dtext;
	rc = st_intake_tx(s, &in, name, fold, &ir, err);
	free(dtext);
	if (rc != STORE_OK) /* "procedure_code: unknown ..." names the field */
		return rc == STORE_NOTFOUND ? STORE_INVALID : rc;
	memcpy(res->code, ir.code, sizeof res->code);
	memcpy(res->token, ir.token, sizeof res->token);
	res->created = true;

	if ((st = st_pq(s, PQ_ITEM_INSERT)) == NULL)
		return st_dberr(s, err);
	b_text(st, 1, r->item_id);
	/* the last rowid is the audit row's: look the dossier up */
	{
		sqlite3_stmt *d = st_pq(s, PQ_DOSSIER_ID);

		if (d == NULL)
			return st_dberr(s, err);
		b_text(d, 1, res->code);
		if (sqlite3_step(d) != SQLITE_ROW) {
			sqlite3_reset(d);
			return st_dberr(s, err);
		}
		sqlite3_bind_int64(st, 2, sqlite3_column_int64(d, 0));
		sqlite3_reset(d);
	}
	b_text(st, 3, r->documents);
	sqlite3_bind_int64(st, 4, r->fees_vnd);
	b_opt(st, 5, r->fee_receipt_no);
	b_text(st, 6,
	    r->service == STORE_POSTAL_SEND         ? "SEND"
	        : r->service == STORE_POSTAL_RETURN ? "RETURN"
	                                            : "BOTH");
	b_opt(st, 7, r->return_address);
	sqlite3_bind_int(st, 8, r->seal_intact);
	sqlite3_bind_int64(st, 9, r->posted_at);
	b_text(st, 10, r->actor);
	b_text(st, 11, r->station != NULL ? r->station : "");
	b_text(st, 12, r->s10_verdict != NULL ? r->s10_verdict : "valid");
	b_opt(st, 13, r->override_reason);
	sqlite3_bind_int(st, 14,
	    r->override_reason != NULL && *r->override_reason != '\0');
	sqlite3_bind_int64(st, 15, now);
	b_text(st, 16, r->post_office != NULL ? r->post_office : "");
	if (st_prun(st) != SQLITE_OK)
		return st_dberr(s, err);
	if (st_add_audit(s, now, r->actor, "postal_register", res->code,
	        r->item_id) != SQLITE_OK)
		return st_dberr(s, err);
	if (r->override_reason != NULL && *r->override_reason != '\0') {
		/* docs/domain.md, "Postal item ids": clerk, time, item and the
		 * reason, in the log; the row is flagged for reconciliation */
		json_t *o = json_pack("{s:s,s:s,s:s}", "item_id", r->item_id,
		    "verdict", r->s10_verdict ? r->s10_verdict : "",
		    "override_reason", r->override_reason);
		char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
		int arc;

		json_decref(o);
		arc = t ? st_add_audit(s, now, r->actor, "postal_s10_override",
		              res->code, t)
		        : SQLITE_NOMEM;
		free(t);
		if (arc != SQLITE_OK)
			return st_dberr(s, err);
	}
	if (r->queue_receipt)
		return postal_print(s, "receipt", res->code, r->actor, now,
		    r->max_pending, &res->print_job, err);
	return STORE_OK;
}

/* Checks done before any write, shared by the single and batch paths;
 * name and fold receive the NFC name and its folded form. */
static bool
postal_precheck(const struct store_postal_reg *r, char *name, size_t nsize,
    char *fold, size_t fsize, char *err)
{
	if (!check_postal(r, err) ||
	    !st_check_text("name", r->name, 1, OWNER_NAME_MAX, err) ||
	    !st_check_text("address", r->address, 1, ADDRESS_MAX, err) ||
	    !st_check_text("phone", r->phone, 0, PHONE_MAX, err) ||
	    !st_check_text("id_number", r->id_number, 0, ID_NO_MAX, err))
		return false;
	if (text_nfc(r->name, strlen(r->name), name, nsize) < 0 ||
	    text_fold(name, strlen(name), fold, fsize) < 0) {
		st_err(err, "name: not valid UTF-8 text");
		return false;
	}
	return true;
}

enum store_rc
store_postal_register(struct store *s, const struct store_postal_reg *r,
    struct store_postal_result *res, char err[STORE_ERR_MAX])
{
	char name[4 * OWNER_NAME_MAX + 1], fold[FOLD_MAX];
	int64_t now = st_wall_now();
	enum store_rc rc;

	memset(res, 0, sizeof *res);
	if (!postal_precheck(r, name, sizeof name, fold, sizeof fold, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = postal_register_tx(s, r, name, fold, res, now, err);
	if (rc == STORE_OK && !res->created) {
		st_rollback(s); /* nothing was written */
		return STORE_OK;
	}
	if (rc == STORE_OK)
		rc = st_idem_record(s, r->idem, err);
	rc = st_finish(s, rc, err);
	if (rc != STORE_OK)
		memset(res, 0, sizeof *res);
	return rc;
}

enum store_rc
store_postal_register_batch(struct store *s,
    const struct store_postal_reg *regs, size_t n,
    struct store_postal_result *res, enum store_rc *rcs,
    char (*errs)[STORE_ERR_MAX], char err[STORE_ERR_MAX])
{
	return store_postal_register_batch_idem(s, regs, n, res, rcs, errs,
	    NULL, err);
}

enum store_rc
store_postal_register_batch_idem(struct store *s,
    const struct store_postal_reg *regs, size_t n,
    struct store_postal_result *res, enum store_rc *rcs,
    char (*errs)[STORE_ERR_MAX], struct store_idem *idem,
    char err[STORE_ERR_MAX])
{
	char name[4 * OWNER_NAME_MAX + 1], fold[FOLD_MAX];
	int64_t now = st_wall_now();
	enum store_rc rc;
	sqlite3_stmt *st;
	size_t i;

	if (n > STORE_POSTAL_BATCH_MAX) {
		st_err(err, "items: more than %d in one batch",
		    STORE_POSTAL_BATCH_MAX);
		return STORE_INVALID;
	}
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	for (i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof res[i]);
		errs[i][0] = '\0';
		rcs[i] = STORE_ERROR;
		if (!postal_precheck(&regs[i], name, sizeof name, fold,
		        sizeof fold, errs[i])) {
			rcs[i] = STORE_INVALID;
			continue;
		}
		/* each item in a savepoint: a refused one leaves nothing and
		 * the others go on */
		if ((st = st_pq(s, PQ_SAVEPOINT)) == NULL ||
		    st_prun(st) != SQLITE_OK)
			goto fail;
		rcs[i] = postal_register_tx(s, &regs[i], name, fold, &res[i],
		    now, errs[i]);
		if (rcs[i] != STORE_OK) {
			if ((st = st_pq(s, PQ_ROLLBACK_TO)) == NULL ||
			    st_prun(st) != SQLITE_OK)
				goto fail;
			/* cached display names may name rows rolled back */
			st_names_clear(&s->proc_names);
			st_names_clear(&s->agency_names);
			memset(&res[i], 0, sizeof res[i]);
		}
		if ((st = st_pq(s, PQ_RELEASE)) == NULL ||
		    st_prun(st) != SQLITE_OK)
			goto fail;
		if (rcs[i] == STORE_ERROR)
			goto fail; /* the disk, not the item: stop */
	}
	/* the reply is rendered from res, rcs and errs, all final now */
	if ((rc = st_idem_record(s, idem, err)) != STORE_OK)
		st_rollback(s);
	else if ((rc = st_commit(s, err)) == STORE_OK)
		return STORE_OK;
	for (i = 0; i < n; i++) {
		rcs[i] = STORE_ERROR;
		memset(&res[i], 0, sizeof res[i]);
	}
	return rc;
fail:
	if (i < n && errs[i][0] != '\0')
		st_err(err, "%s", errs[i]);
	else
		st_dberr(s, err);
	st_rollback(s);
	for (i = 0; i < n; i++) {
		rcs[i] = STORE_ERROR;
		memset(&res[i], 0, sizeof res[i]);
	}
	return STORE_ERROR;
}

enum store_rc
store_postal_item(struct store *s, const char *item, int64_t now,
    struct store_postal_item *o)
{
	sqlite3_stmt *st = st_pq(s, PQ_ITEM_GET);
	const char *sv;
	int r, bad;

	memset(o, 0, sizeof *o);
	if (st == NULL)
		return STORE_ERROR;
	b_text(st, 1, item);
	sqlite3_bind_int64(st, 2, now - STORE_POSTAL_WINDOW_S);
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return r == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
	}
	sv = c_str(st, 11);
	o->due_at = sqlite3_column_int64(st, 4);
	o->state = postal_state(sqlite3_column_int64(st, 6), c_text(st, 5),
	    c_text(st, 27), sqlite3_column_int64(st, 28));
	o->accepted_at = sqlite3_column_int64(st, 6);
	o->fees_vnd = sqlite3_column_int64(st, 9);
	o->service = strcmp(sv, "SEND") == 0 ? STORE_POSTAL_SEND
	    : strcmp(sv, "RETURN") == 0      ? STORE_POSTAL_RETURN
	                                     : STORE_POSTAL_BOTH;
	o->seal_intact = sqlite3_column_int(st, 13) != 0;
	o->posted_at = sqlite3_column_int64(st, 14);
	o->flagged = sqlite3_column_int(st, 19) != 0;
	o->status = sqlite3_column_int(st, 26);
	o->registered_at = sqlite3_column_int64(st, 29);
	bad = st_dup(st, 1, &o->item_id) | st_dup(st, 2, &o->code) |
	    st_dup(st, 3, &o->token) | st_dup(st, 5, &o->manifest_id) |
	    st_dup(st, 7, &o->accepted_by) | st_dup(st, 20, &o->name) |
	    st_dup(st, 21, &o->address) | st_dup(st, 22, &o->phone) |
	    st_dup(st, 23, &o->id_number) | st_dup(st, 24, &o->procedure_code) |
	    st_dup(st, 25, &o->agency_code) | st_dup(st, 8, &o->documents) |
	    st_dup(st, 10, &o->fee_receipt_no) |
	    st_dup(st, 12, &o->return_address) | st_dup(st, 15, &o->clerk) |
	    st_dup(st, 16, &o->station) | st_dup(st, 17, &o->s10_verdict) |
	    st_dup(st, 18, &o->override_reason) |
	    st_dup(st, 30, &o->post_office);
	sqlite3_reset(st);
	if (bad) {
		store_postal_item_cleanup(o);
		return STORE_ERROR;
	}
	return STORE_OK;
}

void
store_postal_item_cleanup(struct store_postal_item *o)
{
	if (o == NULL)
		return;
	free(o->item_id);
	free(o->code);
	free(o->token);
	free(o->manifest_id);
	free(o->accepted_by);
	free(o->name);
	free(o->address);
	free(o->phone);
	free(o->id_number);
	free(o->procedure_code);
	free(o->agency_code);
	free(o->documents);
	free(o->fee_receipt_no);
	free(o->return_address);
	free(o->clerk);
	free(o->station);
	free(o->s10_verdict);
	free(o->override_reason);
	free(o->post_office);
	memset(o, 0, sizeof *o);
}

static enum store_rc
postal_close_tx(struct store *s, const char *station, const char *scope,
    const char *actor, int64_t now, bool queue_print, int64_t max_pending,
    struct store_postal_closed *out, char *err)
{
	char id[MANIFEST_ID_LEN + 1];
	sqlite3_stmt *st, *ins;
	int64_t fees = 0, pos = 0, seq, job = 0;
	int day = cal_local_day(now), y, m, d, rc;
	enum store_rc r;
	size_t cap = 0;
	char **nv;
	if ((st = st_pq(s, PQ_MANIFEST_SEQ)) == NULL)
		return st_dberr(s, err);
	sqlite3_bind_int(st, 1, day);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return st_dberr(s, err);
	}
	seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	cal_ymd_from_day(day, &y, &m, &d);
	if (manifest_id_format(y, m, d, (int)seq, id) != 0) {
		st_err(err, "manifest: more than 9999 manifests today");
		return STORE_FULL;
	}
	if ((st = st_pq(s, PQ_MANIFEST_INSERT)) == NULL)
		return st_dberr(s, err);
	b_text(st, 1, id);
	sqlite3_bind_int(st, 2, day);
	sqlite3_bind_int64(st, 3, seq);
	sqlite3_bind_int64(st, 4, now);
	b_text(st, 5, actor);
	b_opt(st, 6, station);
	sqlite3_bind_int(st, 7, 0);
	sqlite3_bind_int(st, 8, 0);
	if (st_prun(st) != SQLITE_OK)
		return st_dberr(s, err);
	if ((st = st_pq(s, PQ_OPEN_ITEMS)) == NULL ||
	    (ins = st_pq(s, PQ_MITEM_INSERT)) == NULL)
		return st_dberr(s, err);
	b_opt(st, 1, station);
	if (scope != NULL)
		b_text(st, 2, scope);
	else
		sqlite3_bind_null(st, 2);
	b_text(st, 3, actor);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		b_text(ins, 1, id);
		sqlite3_bind_int64(ins, 2, sqlite3_column_int64(st, 0));
		sqlite3_bind_int64(ins, 3, ++pos);
		if (st_prun(ins) != SQLITE_OK) {
			sqlite3_reset(st);
			return st_dberr(s, err);
		}
		if (out->nitems == cap) {
			cap = cap != 0 ? 2 * cap : 16;
			if ((nv = reallocarray(out->items, cap, sizeof *nv)) ==
			    NULL) {
				sqlite3_reset(st);
				st_err(err, "manifest: out of memory");
				return STORE_ERROR;
			}
			out->items = nv;
		}
		if ((out->items[out->nitems] = strdup(c_str(st, 1))) == NULL) {
			sqlite3_reset(st);
			st_err(err, "manifest: out of memory");
			return STORE_ERROR;
		}
		out->nitems++;
		fees += sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return st_dberr(s, err);
	if (pos == 0) {
		st_err(err,
		    "station: no registered items waiting for a batch%s",
		    station ? " at this station" : "");
		return STORE_CONFLICT;
	}
	if ((st = st_pq(s, PQ_MANIFEST_TOTALS)) == NULL)
		return st_dberr(s, err);
	b_text(st, 1, id);
	sqlite3_bind_int64(st, 2, pos);
	sqlite3_bind_int64(st, 3, fees);
	if (st_prun(st) != SQLITE_OK)
		return st_dberr(s, err);
	if (st_add_audit(s, now, actor, "postal_close", id, NULL) != SQLITE_OK)
		return st_dberr(s, err);
	if (queue_print &&
	    (r = postal_print(s, "manifest", id, actor, now, max_pending, &job,
	         err)) != STORE_OK)
		return r;
	snprintf(out->manifest_id, sizeof out->manifest_id, "%s", id);
	out->count = pos;
	out->fees_vnd = fees;
	out->print_job = job;
	return STORE_OK;
}

enum store_rc
store_postal_close(struct store *s, const char *station, const char *scope,
    const char *actor, int64_t now, bool queue_print, int64_t max_pending,
    struct store_postal_closed *out, char err[STORE_ERR_MAX])
{
	enum store_rc rc;

	memset(out, 0, sizeof *out);
	if (!st_check_text("station", station, 0, 64, err) ||
	    !st_check_text("actor", actor, 1, ACTOR_MAX, err))
		return STORE_INVALID;
	if ((rc = st_begin(s, err)) != STORE_OK)
		return rc;
	rc = postal_close_tx(s, station, scope, actor, now, queue_print,
	    max_pending, out, err);
	rc = st_finish(s, rc, err);
	if (rc != STORE_OK)
		store_postal_closed_cleanup(out);
	return rc;
}

void
store_postal_closed_cleanup(struct store_postal_closed *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nitems; i++)
		free(c->items[i]);
	free(c->items);
	memset(c, 0, sizeof *c);
}

_Static_assert(MANIFEST_ID_LEN <= STORE_MANIFEST_ID_MAX,
    "raise STORE_MANIFEST_ID_MAX");
