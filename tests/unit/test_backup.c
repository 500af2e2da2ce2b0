/* test_backup.c: store_backup.c. A backup taken while another connection
 * keeps writing is one snapshot (it has every dossier committed before it
 * and is sound), a self-contained file, never written over data, and
 * cancellable; the SHA-256 is the standard one; the file check finds a
 * damaged file, the wrong kind of database and reads the schema; the
 * restore refuses while the database is open elsewhere, and otherwise
 * swaps the new file in keeping the old one. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/status.h"
#include "fixture.h"
#include "harness.h"

#define AGENCY "000.00.19.H49"
#define PROC   "1.000001.000.00.00.H49"

struct fixture {
	char dir[FIXTURE_DIR_MAX], path[FIXTURE_PATH_MAX];
	struct store *s;
	char copy[FIXTURE_PATH_MAX + 32];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct store_procedure p = { .code = PROC,
		.name = "Chứng thực bản sao từ bản chính",
		.field = "Chứng thực",
		.days = 3,
		.documents = "[]",
		.fee = 0 };

	assert_non_null(f);
	f->s = fixture_store_open("test_backup", f->dir, f->path);
	fixture_store_seed(f->s, AGENCY, "UBND phường Ba Đình", &p);
	snprintf(f->copy, sizeof f->copy, "%s/copy.db", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	fixture_store_close(f->s, f->dir);
	free(f);
	return 0;
}

static void
intakes(struct store *s, int n)
{
	char err[STORE_ERR_MAX];

	for (int i = 0; i < n; i++) {
		struct store_intake in = { .procedure_code = PROC,
			.agency_code = AGENCY,
			.owner_name = "Nguyễn Văn Thử",
			.phone = "0900000000",
			.channel = CHANNEL_COUNTER,
			.delivery = DELIVERY_COUNTER,
			.received_at = 1767600000 + i,
			.actor = "clerk1" };
		struct store_intake_result r;

		assert_int_equal(store_intake(s, &in, &r, err), STORE_OK);
	}
}

static int
dossiers_in(const char *path)
{
	struct store *s;
	struct store_stats st;
	char err[STORE_ERR_MAX];

	s = store_open(path, 1000, err);
	assert_non_null(s);
	assert_int_equal(store_stats(s, &st), STORE_OK);
	store_close(s);
	return (int)st.dossiers;
}

/* The copy is the committed state; the store keeps writing after it. */
static void
test_copy(void **state)
{
	struct fixture *f = *state;
	char err[STORE_ERR_MAX], wal[FIXTURE_PATH_MAX + 40];
	int version = -1, fd;
	struct stat sb;

	intakes(f->s, 25);
	assert_int_equal(
	    store_backup_copy(f->path, f->copy, NULL, &version, err), STORE_OK);
	assert_int_equal(version, store_schema_version(f->s));
	intakes(f->s, 5); /* the live store goes on */
	/* one file: no -wal beside the copy */
	snprintf(wal, sizeof wal, "%s-wal", f->copy);
	assert_int_equal(stat(wal, &sb), -1);
	assert_int_equal(stat(f->copy, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(store_file_check(f->copy, "dossiers", &version, err),
	    STORE_OK);
	assert_int_equal(dossiers_in(f->copy), 25);
	/* never over data; an empty file (mkstemp's) is fine */
	assert_int_equal(
	    store_backup_copy(f->path, f->copy, NULL, &version, err),
	    STORE_ERROR);
	assert_non_null(strstr(err, "not empty"));
	assert_int_equal(dossiers_in(f->copy), 25);
	unlink(f->copy);
	fd = open(f->copy, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(
	    store_backup_copy(f->path, f->copy, NULL, &version, err), STORE_OK);
	assert_int_equal(dossiers_in(f->copy), 30);
}

static void
test_cancel(void **state)
{
	struct fixture *f = *state;
	char err[STORE_ERR_MAX];
	atomic_bool cancel;
	struct stat sb;
	int version;

	atomic_init(&cancel, true);
	intakes(f->s, 3);
	assert_int_equal(
	    store_backup_copy(f->path, f->copy, &cancel, &version, err),
	    STORE_ERROR);
	assert_non_null(strstr(err, "cancelled"));
	assert_int_equal(stat(f->copy, &sb), -1); /* removed */
}

/* The SHA-256 of "abc" (FIPS 180-2's first example). */
static void
test_sha256(void **state)
{
	struct fixture *f = *state;
	char hex[STORE_SHA256_HEX], err[STORE_ERR_MAX], path[160];
	uint64_t size;
	int fd;

	snprintf(path, sizeof path, "%s/abc", f->dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc", 3), 3);
	assert_int_equal(store_sha256_fd(fd, hex, &size, err), 0);
	close(fd);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(size, 3);
}

static void
test_file_check(void **state)
{
	struct fixture *f = *state;
	char err[STORE_ERR_MAX], junk[160];
	int version, fd;

	assert_int_equal(
	    store_backup_copy(f->path, f->copy, NULL, &version, err), STORE_OK);
	assert_int_equal(
	    store_file_check(f->copy, "hub_dossiers", &version, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "no hub_dossiers table"));
	snprintf(junk, sizeof junk, "%s/junk.db", f->dir);
	fd = open(junk, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (int i = 0; i < 200; i++)
		assert_int_equal(write(fd, "not a database, not at all.\n", 28),
		    28);
	close(fd);
	assert_int_equal(store_file_check(junk, NULL, &version, err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "junk.db"));
	snprintf(junk, sizeof junk, "%s/absent.db", f->dir);
	assert_int_equal(store_file_check(junk, NULL, &version, err),
	    STORE_INVALID);
}

static void
test_replace(void **state)
{
	struct fixture *f = *state;
	char err[STORE_ERR_MAX], kept[256];
	int version;

	intakes(f->s, 4);
	assert_int_equal(
	    store_backup_copy(f->path, f->copy, NULL, &version, err), STORE_OK);
	intakes(f->s, 2);
	/* the store is open (the daemon runs): refused, nothing moved */
	assert_int_equal(
	    store_restore_replace(f->copy, f->path, kept, sizeof kept, err),
	    STORE_CONFLICT);
	assert_string_equal(kept, "");
	assert_int_equal(access(f->copy, F_OK), 0);
	store_close(f->s);
	f->s = NULL;
	assert_int_equal(
	    store_restore_replace(f->copy, f->path, kept, sizeof kept, err),
	    STORE_OK);
	assert_non_null(strstr(kept, ".pre-restore-"));
	assert_int_equal(access(f->copy, F_OK), -1); /* renamed into place */
	assert_int_equal(dossiers_in(f->path), 4);
	assert_int_equal(dossiers_in(kept), 6); /* the old one, whole */
	f->s = fixture_store_reopen(NULL, f->path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sha256, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_check, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
	};

	HARNESS_RUN(tests);
}
