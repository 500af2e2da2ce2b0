/* store_health.c: can the store be written now? For /healthz
 * (store.h, "health"). */
#include <stdio.h>

#include "store/store_int.h"

/* The current busy timeout, read back so that the probe can restore it. */
static int
busy_timeout(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int ms = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA busy_timeout", -1, &st, NULL) ==
	        SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		ms = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return ms;
}

enum store_rc
store_writable(struct store *s, int wait_ms, char err[STORE_ERR_MAX])
{
	int old, rc;

	/* A transaction of ours is open (an import between its calls):
	 * the store is being written, and BEGIN would fail for that. */
	if (!sqlite3_get_autocommit(s->db))
		return STORE_OK;
	old = busy_timeout(s->db);
	sqlite3_busy_timeout(s->db, wait_ms);
	/* BEGIN IMMEDIATE takes the write lock (another process holding it:
	 * BUSY); an UPDATE of no row still needs a writable file (a store
	 * opened read-only, a read-only mount: READONLY). Nothing is
	 * written: the transaction is rolled back. */
	rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_exec(s->db, "UPDATE dossiers SET id = id WHERE 0",
		    NULL, NULL, NULL);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_busy_timeout(s->db, old);
	if (rc == SQLITE_OK)
		return STORE_OK;
	/* SQLite's generic text for the code: no path, no data */
	snprintf(err, STORE_ERR_MAX, "%s", sqlite3_errstr(rc & 0xff));
	return STORE_ERROR;
}
