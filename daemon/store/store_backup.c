/* store_backup.c: online backups and offline restores of a SQLite
 * database file (store.h, "backup and restore"). Nothing here touches a
 * struct store: every function opens connections of its own, so the
 * daemon can run a backup on a worker thread while the loop's connection
 * keeps writing, and `motcuad --restore` can check and place a file with
 * the daemon stopped.
 *
 * Why a read transaction around the steps: sqlite3_backup_step restarts
 * the copy whenever another connection writes between two steps, which a
 * busy office does all day. Holding one read transaction on the source
 * for the whole copy pins one snapshot (WAL: the writer carries on into
 * the WAL), so the steps never restart and the copy is that instant's
 * database. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "store/store_int.h"

#define BACKUP_STEP_PAGES 1024 /* 4 MiB of 4 KiB pages a step */
#define BACKUP_BUSY_MS    10000
#define BACKUP_READ_CHUNK (64u << 10)

static sqlite3 *
open_db(const char *path, int flags, char err[STORE_ERR_MAX])
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		st_err(err, "%s: %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, BACKUP_BUSY_MS);
	return db;
}

/* The first column of the first row of sql, as text, into out. */
static int
first_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st;
	int rc;

	*out = '\0';
	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);

		snprintf(out, size, "%s", t != NULL ? (const char *)t : "");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

enum store_rc
store_backup_copy(const char *src, const char *dst, const atomic_bool *cancel,
    int *version, char err[STORE_ERR_MAX])
{
	sqlite3 *from = NULL, *to = NULL;
	sqlite3_backup *b = NULL;
	char text[STORE_ERR_MAX];
	struct stat sb;
	int fd, rc, busy = 0;
	enum store_rc ret = STORE_ERROR;

	/* A backup never writes over data: dst is new, or the empty file
	 * its caller's mkstemp made. */
	if ((fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) == -1 ||
	    fstat(fd, &sb) != 0) {
		st_err(err, "%s: %s", dst, strerror(errno));
		if (fd != -1)
			close(fd);
		return STORE_ERROR;
	}
	close(fd);
	if (sb.st_size != 0) {
		st_err(err, "%s: exists and is not empty", dst);
		return STORE_ERROR;
	}
	/* read-write when it may be, never created: a live WAL database's
	 * reader may have to build the WAL index; a backup on read-only
	 * media (a restore) is read as it is */
	if ((from = open_db(src,
	         access(src, W_OK) == 0 ? SQLITE_OPEN_READWRITE
	                                : SQLITE_OPEN_READONLY,
	         err)) == NULL ||
	    (to = open_db(dst, SQLITE_OPEN_READWRITE, err)) == NULL)
		goto out;
	if (sqlite3_exec(from, "BEGIN; SELECT count(*) FROM sqlite_schema;",
	        NULL, NULL, NULL) != SQLITE_OK) {
		st_err(err, "%s: %s", src, sqlite3_errmsg(from));
		goto out;
	}
	if ((b = sqlite3_backup_init(to, "main", from, "main")) == NULL) {
		st_err(err, "%s: %s", dst, sqlite3_errmsg(to));
		goto out;
	}
	for (;;) {
		if (cancel != NULL && atomic_load(cancel)) {
			st_err(err, "the backup was cancelled");
			goto out;
		}
		rc = sqlite3_backup_step(b, BACKUP_STEP_PAGES);
		if (rc == SQLITE_DONE)
			break;
		if ((rc & 0xff) == SQLITE_BUSY ||
		    (rc & 0xff) == SQLITE_LOCKED) {
			if (++busy > 100) { /* 5 s of a lock held elsewhere */
				st_err(err, "%s: the database stays locked",
				    src);
				goto out;
			}
			sqlite3_sleep(50);
		} else if (rc != SQLITE_OK) {
			st_err(err, "copying %s: %s", src, sqlite3_errstr(rc));
			goto out;
		}
	}
	rc = sqlite3_backup_finish(b);
	b = NULL;
	if (rc != SQLITE_OK) {
		st_err(err, "%s: %s", dst, sqlite3_errmsg(to));
		goto out;
	}
	/* One self-contained file: the copy carries the source's WAL flag,
	 * and a backup that needs a -wal beside it is easy to lose half of. */
	if (first_text(to, "PRAGMA journal_mode = DELETE", text, sizeof text) !=
	        SQLITE_OK ||
	    strcmp(text, "delete") != 0) {
		st_err(err, "%s: cannot leave WAL mode: %s", dst,
		    sqlite3_errmsg(to));
		goto out;
	}
	if (first_text(to, "PRAGMA quick_check", text, sizeof text) !=
	        SQLITE_OK ||
	    strcmp(text, "ok") != 0) {
		st_err(err, "%s: the copy fails its check: %s", dst,
		    text[0] != '\0' ? text : sqlite3_errmsg(to));
		goto out;
	}
	if (first_text(to, "PRAGMA user_version", text, sizeof text) !=
	    SQLITE_OK) {
		st_err(err, "%s: %s", dst, sqlite3_errmsg(to));
		goto out;
	}
	*version = atoi(text); /* SQLite's own integer text */
	ret = STORE_OK;
out:
	if (b != NULL)
		sqlite3_backup_finish(b);
	if (from != NULL) {
		sqlite3_exec(from, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close(from);
	}
	if (to != NULL && sqlite3_close(to) != SQLITE_OK && ret == STORE_OK) {
		st_err(err, "%s: cannot close the copy", dst);
		ret = STORE_ERROR;
	}
	if (ret != STORE_OK)
		unlink(dst);
	return ret;
}

int
store_sha256_fd(int fd, char hex[STORE_SHA256_HEX], uint64_t *size,
    char err[STORE_ERR_MAX])
{
	crypto_hash_sha256_state h;
	unsigned char md[crypto_hash_sha256_BYTES];
	unsigned char *chunk;
	uint64_t total = 0;
	ssize_t n;

	if (sodium_init() < 0) {
		st_err(err, "libsodium failed to initialise");
		return -1;
	}
	if ((chunk = malloc(BACKUP_READ_CHUNK)) == NULL) {
		st_err(err, "out of memory");
		return -1;
	}
	crypto_hash_sha256_init(&h);
	for (;;) {
		n = pread(fd, chunk, BACKUP_READ_CHUNK, (off_t)total);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			st_err(err, "reading: %s", strerror(errno));
			free(chunk);
			return -1;
		}
		if (n == 0)
			break;
		crypto_hash_sha256_update(&h, chunk, (unsigned long long)n);
		total += (uint64_t)n;
	}
	free(chunk);
	crypto_hash_sha256_final(&h, md);
	sodium_bin2hex(hex, STORE_SHA256_HEX, md, sizeof md);
	*size = total;
	return 0;
}

enum store_rc
store_file_check(const char *path, const char *must_table, int *version,
    char err[STORE_ERR_MAX])
{
	sqlite3 *db;
	sqlite3_stmt *st = NULL;
	char text[STORE_ERR_MAX];
	enum store_rc ret = STORE_INVALID;
	int rc;

	if (access(path, R_OK) != 0) {
		st_err(err, "%s: %s", path, strerror(errno));
		return STORE_INVALID;
	}
	if ((db = open_db(path, SQLITE_OPEN_READONLY, err)) == NULL)
		return STORE_INVALID;
	/* integrity_check, not quick_check: a restore is rare and what it
	 * brings back must be whole, indexes included */
	if ((rc = first_text(db, "PRAGMA integrity_check", text,
	         sizeof text)) != SQLITE_OK) {
		st_err(err, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	if (strcmp(text, "ok") != 0) {
		st_err(err, "%s: integrity check: %s", path, text);
		goto out;
	}
	if (must_table != NULL) {
		if (sqlite3_prepare_v2(db,
		        "SELECT 1 FROM sqlite_schema WHERE type = 'table'"
		        " AND name = ?",
		        -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_bind_text(st, 1, must_table, -1, SQLITE_STATIC) !=
		        SQLITE_OK) {
			st_err(err, "%s: %s", path, sqlite3_errmsg(db));
			goto out;
		}
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			st_err(err,
			    "%s: not this kind of database (no %s table)", path,
			    must_table);
			goto out;
		}
	}
	if (first_text(db, "PRAGMA user_version", text, sizeof text) !=
	    SQLITE_OK) {
		st_err(err, "%s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	*version = atoi(text);
	ret = STORE_OK;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return ret;
}

/* Is db_path free of other processes? Checkpoints its WAL into it and
 * closes it: when this was the last connection, SQLite removes the
 * -wal file on close; one still there means a process (the daemon) has
 * the database open. */
static enum store_rc
quiesce(const char *db_path, char err[STORE_ERR_MAX])
{
	char wal[PATH_MAX];
	sqlite3 *db;
	struct stat sb;

	if (snprintf(wal, sizeof wal, "%s-wal", db_path) >= (int)sizeof wal) {
		st_err(err, "%s: path too long", db_path);
		return STORE_ERROR;
	}
	if ((db = open_db(db_path, SQLITE_OPEN_READWRITE, err)) == NULL)
		return STORE_ERROR;
	sqlite3_busy_timeout(db, 0);
	if (sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
	        NULL) != SQLITE_OK) {
		bool busy = (sqlite3_errcode(db) & 0xff) == SQLITE_BUSY;

		st_err(err, "%s: %s%s", db_path, sqlite3_errmsg(db),
		    busy ? " (is motcuad running? stop it first)" : "");
		sqlite3_close(db);
		return busy ? STORE_CONFLICT : STORE_ERROR;
	}
	if (sqlite3_close(db) != SQLITE_OK) {
		st_err(err, "%s: cannot close it", db_path);
		return STORE_ERROR;
	}
	if (stat(wal, &sb) == 0) {
		st_err(err, "%s is open in another process: stop motcuad first",
		    db_path);
		return STORE_CONFLICT;
	}
	return STORE_OK;
}

static int
fsync_dir_of(const char *path)
{
	char dir[PATH_MAX], *slash;
	int fd, rc;

	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* As root, the restored file takes the owner and mode of the one it
 * replaces, or the directory's owner on a new box: the daemon runs as
 * its own user and must be able to write it. */
static int
take_owner(const char *tmp, const char *db_path, bool had_old,
    const struct stat *old)
{
	char dir[PATH_MAX], *slash;
	struct stat ds;

	if (geteuid() != 0)
		return 0;
	if (had_old)
		return chown(tmp, old->st_uid, old->st_gid) == 0 &&
		        chmod(tmp, old->st_mode & 0777) == 0
		    ? 0
		    : -1;
	snprintf(dir, sizeof dir, "%s", db_path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &ds) != 0)
		return -1;
	return chown(tmp, ds.st_uid, ds.st_gid) == 0 && chmod(tmp, 0640) == 0
	    ? 0
	    : -1;
}

enum store_rc
store_restore_replace(const char *tmp, const char *db_path, char *kept,
    size_t kept_size, char err[STORE_ERR_MAX])
{
	struct stat old;
	bool had_old;
	char stamp[32], shm[PATH_MAX];
	time_t now = time(NULL);
	struct tm tm;
	enum store_rc rc;

	if (kept_size > 0)
		kept[0] = '\0';
	had_old = stat(db_path, &old) == 0;
	if (!had_old && errno != ENOENT) {
		st_err(err, "%s: %s", db_path, strerror(errno));
		return STORE_ERROR;
	}
	if (had_old && (rc = quiesce(db_path, err)) != STORE_OK)
		return rc;
	if (take_owner(tmp, db_path, had_old, &old) != 0) {
		st_err(err, "%s: cannot give it the database's owner: %s", tmp,
		    strerror(errno));
		return STORE_ERROR;
	}
	if (had_old) {
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		if ((size_t)snprintf(kept, kept_size, "%s.pre-restore-%s",
		        db_path, stamp) >= kept_size) {
			st_err(err, "%s: path too long", db_path);
			return STORE_ERROR;
		}
		/* a second name for the old file: the rename below then
		 * swaps the new one in at once, with no moment without */
		if (link(db_path, kept) != 0) {
			st_err(err, "keeping %s as %s: %s", db_path, kept,
			    strerror(errno));
			kept[0] = '\0';
			return STORE_ERROR;
		}
	}
	if (rename(tmp, db_path) != 0) {
		st_err(err, "%s: %s", db_path, strerror(errno));
		if (had_old)
			unlink(kept);
		return STORE_ERROR;
	}
	/* The old database's shared-memory index must not meet the new
	 * file (the -wal is gone: quiesce checked). */
	if (snprintf(shm, sizeof shm, "%s-shm", db_path) < (int)sizeof shm)
		unlink(shm);
	if (fsync_dir_of(db_path) != 0) {
		st_err(err, "%s: syncing its directory: %s", db_path,
		    strerror(errno));
		return STORE_ERROR;
	}
	return STORE_OK;
}
