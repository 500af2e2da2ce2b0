/* store_idem.c: the Idempotency-Key table of creates (store.h, migration
 * 9): find a recorded reply, record one inside a create's transaction,
 * prune what is older than STORE_IDEM_TTL_S. */
#include <stdlib.h>
#include <string.h>

#include "store/store_int.h"

enum store_rc
store_idem_find(struct store *s, const char *key,
    const unsigned char hash[STORE_IDEM_HASH_LEN], int64_t now, int *status,
    char **body, size_t *len, char err[STORE_ERR_MAX])
{
	sqlite3_stmt *st = st_q(s, Q_IDEM_GET);
	enum store_rc rc = STORE_NOTFOUND;
	const void *h, *b;
	int n, r;

	*status = 0;
	*body = NULL;
	*len = 0;
	b_text(st, 1, key);
	sqlite3_bind_int64(st, 2, now - STORE_IDEM_TTL_S);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		h = sqlite3_column_blob(st, 0);
		if (sqlite3_column_bytes(st, 0) != STORE_IDEM_HASH_LEN ||
		    h == NULL || memcmp(h, hash, STORE_IDEM_HASH_LEN) != 0) {
			st_err(err,
			    "Idempotency-Key: already used with another "
			    "request (a different body, route or account)");
			rc = STORE_CONFLICT;
		} else {
			b = sqlite3_column_blob(st, 2);
			n = sqlite3_column_bytes(st, 2);
			if ((*body = malloc((size_t)n + 1)) == NULL) {
				st_err(err, "out of memory");
				rc = STORE_ERROR;
			} else {
				if (n > 0)
					memcpy(*body, b, (size_t)n);
				(*body)[n] = '\0';
				*len = (size_t)n;
				*status = sqlite3_column_int(st, 1);
				rc = STORE_OK;
			}
		}
	} else if (r != SQLITE_DONE) {
		rc = st_dberr(s, err);
	}
	sqlite3_reset(st);
	return rc;
}

enum store_rc
st_idem_record(struct store *s, struct store_idem *idem, char *err)
{
	int64_t now = st_wall_now();
	sqlite3_stmt *st;

	if (idem == NULL || idem->key == NULL)
		return STORE_OK;
	free(idem->body);
	idem->body = NULL;
	idem->len = 0;
	if (idem->render(idem->arg, &idem->status, &idem->body, &idem->len) !=
	        0 ||
	    idem->body == NULL) {
		st_err(err, "out of memory");
		return STORE_ERROR;
	}
	/* keys are only good for a day: the table holds a day's creates */
	st = st_q(s, Q_IDEM_PRUNE);
	sqlite3_bind_int64(st, 1, now - STORE_IDEM_TTL_S);
	if (st_run(s, Q_IDEM_PRUNE) != SQLITE_OK)
		return st_dberr(s, err);
	st = st_q(s, Q_IDEM_PUT);
	b_text(st, 1, idem->key);
	sqlite3_bind_blob(st, 2, idem->hash, STORE_IDEM_HASH_LEN,
	    SQLITE_STATIC);
	sqlite3_bind_int(st, 3, idem->status);
	sqlite3_bind_blob(st, 4, idem->body, (int)idem->len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	if (st_run(s, Q_IDEM_PUT) != SQLITE_OK)
		return st_dberr(s, err);
	return STORE_OK;
}
