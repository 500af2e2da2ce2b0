/* fixture.c: the temporary store of the unit tests (fixture.h). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

#include "fixture.h"

struct store *
fixture_store_open(const char *name, char dir[FIXTURE_DIR_MAX],
    char path[FIXTURE_PATH_MAX])
{
	char err[STORE_ERR_MAX];
	struct store *s;
	int n;

	n = snprintf(dir, FIXTURE_DIR_MAX, "/tmp/%s.XXXXXX", name);
	assert_true(n > 0 && n < FIXTURE_DIR_MAX);
	assert_non_null(mkdtemp(dir));
	n = snprintf(path, FIXTURE_PATH_MAX, "%s/motcua.db", dir);
	assert_true(n > 0 && n < FIXTURE_PATH_MAX);
	if ((s = store_open(path, 1000, err)) == NULL)
		fail_msg("store_open %s: %s", path, err);
	return s;
}

struct store *
fixture_store_reopen(struct store *s, const char *path)
{
	char err[STORE_ERR_MAX];

	store_close(s);
	if ((s = store_open(path, 1000, err)) == NULL)
		fail_msg("store_open %s again: %s", path, err);
	return s;
}

void
fixture_store_seed(struct store *s, const char *agency_code,
    const char *agency_name, const struct store_procedure *p)
{
	char err[STORE_ERR_MAX];

	if (store_put_agency(s, agency_code, agency_name, err) != STORE_OK)
		fail_msg("agency %s: %s", agency_code, err);
	if (p != NULL && store_put_procedure(s, p, err) != STORE_OK)
		fail_msg("procedure %s: %s", p->code, err);
}

static int
remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

void
fixture_store_close(struct store *s, const char *dir)
{
	store_close(s);
	/* depth first, so each directory is empty when its turn comes; no
	 * following links out of the test's directory */
	if (nftw(dir, remove_one, 8, FTW_DEPTH | FTW_PHYS) != 0)
		fail_msg("removing %s: %s", dir, strerror(errno));
}
