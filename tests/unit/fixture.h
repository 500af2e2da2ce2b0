/* fixture.h: the temporary store of the unit tests that need a database.
 * A cmocka setup opens a fresh store in a new directory under /tmp, seeds
 * the agency and procedure its tests file dossiers under, and the teardown
 * closes it and removes the directory with everything SQLite left in it.
 *
 * Each test keeps its own fixture struct (its fields are its own business)
 * with the directory and database path in arrays of these sizes:
 *
 *	struct fixture { char dir[FIXTURE_DIR_MAX], path[FIXTURE_PATH_MAX];
 *	    struct store *s; };
 *
 * Every function fails the running test (a cmocka assertion) on error, so
 * callers check nothing. Single-threaded, like the tests. */
#ifndef FIXTURE_H
#define FIXTURE_H

#include "store/store.h"

#define FIXTURE_DIR_MAX  64
#define FIXTURE_PATH_MAX 96

/* Makes the directory /tmp/NAME.XXXXXX into dir and opens a new store at
 * dir/motcua.db, whose path goes into path. Caller owns the store and the
 * directory: fixture_store_close(). */
struct store *fixture_store_open(const char *name, char dir[FIXTURE_DIR_MAX],
    char path[FIXTURE_PATH_MAX]);

/* Closes s (owned, may be NULL) and opens the database at path again, as a
 * restart of the daemon does. Returns the new store, owned by the caller. */
struct store *fixture_store_reopen(struct store *s, const char *path);

/* Seeds s with the agency (code, name) and, when p is not NULL, the
 * procedure p, as `motcua catalogue import` would. */
void fixture_store_seed(struct store *s, const char *agency_code,
    const char *agency_name, const struct store_procedure *p);

/* Closes s (owned, may be NULL) and removes dir and all in it: the
 * database, its -wal and -shm files, whatever the test wrote there. */
void fixture_store_close(struct store *s, const char *dir);

#endif
