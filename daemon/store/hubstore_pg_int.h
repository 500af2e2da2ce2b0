/* hubstore_pg_int.h: private to the PostgreSQL hub's files
 * (hubstore_pg.c: the connection and the hub's statements;
 * hubstore_pg_schema.c: migrations and the report counts' rebuild). */
#ifndef HUBSTORE_PG_INT_H
#define HUBSTORE_PG_INT_H
#include <stdbool.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "store/hubstore_int.h"

struct hub_pg {
	struct hubstore base;
	PGconn *conn; /* owned */
	bool prepared;
	bool in_tx; /* between BEGIN and its COMMIT or ROLLBACK */
	int timeout_ms;
	/* a push's transaction runs in libpq's pipeline mode (hubstore_pg.c,
	 * "pipeline"): statements sent whose results are not read yet, and
	 * the first of those that failed (owned) */
	bool pipeline;
	int queued;
	PGresult *plerr;
};

/* The error of a result (or the connection's), one line, into err. */
void hubpg_err(const struct hub_pg *, const PGresult *, char *err);
/* Runs a plain command; 0 or -1 with err. */
int hubpg_exec(struct hub_pg *, const char *sql, char *err);
/* A result that succeeded (a command, or rows). */
bool hubpg_ok(const PGresult *);
/* An integer column; NULL reads as 0. */
int64_t hubpg_col(const PGresult *, int row, int col);
/* Brings the schema up to date (hubstore_pg_schema.c). 0 or -1. */
int hubpg_migrate(struct hub_pg *, char *err);
/* Recounts hub_report_days from every dossier, inside the caller's
 * transaction. 0 or -1. */
int hubpg_rebuild_days(struct hub_pg *, char *err);
#endif
