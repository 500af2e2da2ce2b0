/* cli_backup.c: `motcua backup [--hub] FILE` (cli_backup.h).
 *
 * The reply is the database itself, up to gigabytes: it is written to
 * FILE.partial as it comes (never held in memory, so not through
 * cli_http_request's bounded reply) and hashed on the way; FILE appears
 * only once the size and SHA-256 match the daemon's headers. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli_backup.h"

#define BACKUP_ERR_MAX    (64u << 10) /* an error reply's body */
#define BACKUP_SLOW_S     600L /* no byte for this long: the daemon hangs */
#define BACKUP_SHA256_HEX 65

struct recv {
	CURL *curl;
	int fd;          /* FILE.partial */
	bool write_fail; /* errno in write_errno */
	int write_errno;
	uint64_t got;
	crypto_hash_sha256_state sha;
	struct buf err; /* the body of a reply that is not 200 */
	/* from the headers */
	char want_sha[BACKUP_SHA256_HEX];
	unsigned long long want_size;
	bool has_size;
	int schema;
};

static bool
header_is(const char *line, size_t len, const char *name, const char **val)
{
	size_t n = strlen(name);

	if (len <= n || strncasecmp(line, name, n) != 0 || line[n] != ':')
		return false;
	*val = line + n + 1;
	while (**val == ' ')
		(*val)++;
	return true;
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct recv *rv = arg;
	size_t len = size * n;
	const char *v;
	char line[256], *end;

	if (len >= sizeof line) /* not one of ours */
		return len;
	memcpy(line, data, len);
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	len = strlen(line);
	if (header_is(line, len, "X-Motcua-Sha256", &v)) {
		if (strlen(v) == 64 && strspn(v, "0123456789abcdef") == 64)
			memcpy(rv->want_sha, v, 65);
	} else if (header_is(line, len, "X-Motcua-Size", &v)) {
		errno = 0;
		rv->want_size = strtoull(v, &end, 10);
		rv->has_size = errno == 0 && end != v && *end == '\0';
	} else if (header_is(line, len, "X-Motcua-Schema", &v)) {
		rv->schema = atoi(v);
	}
	return size * n;
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct recv *rv = arg;
	size_t len = size * n, off = 0;
	long status = 0;
	ssize_t w;

	curl_easy_getinfo(rv->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)
		return buf_add(&rv->err, data, len) == 0 ? len : 0;
	while (off < len) {
		w = write(rv->fd, data + off, len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1) {
			rv->write_fail = true;
			rv->write_errno = errno;
			return 0; /* curl stops: CURLE_WRITE_ERROR */
		}
		off += (size_t)w;
	}
	crypto_hash_sha256_update(&rv->sha, (const unsigned char *)data, len);
	rv->got += len;
	return len;
}

/* FILE.sha256 in sha256sum's form, written whole or not at all. */
static int
write_sum(const char *file, const char *hex)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	const char *base = strrchr(file, '/');
	FILE *f;

	base = base != NULL ? base + 1 : file;
	if ((size_t)snprintf(path, sizeof path, "%s.sha256", file) >=
	        sizeof path ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s.sha256.partial", file) >=
	        sizeof tmp) {
		cli_warn("%s: path too long", file);
		return -1;
	}
	if ((f = fopen(tmp, "wx")) == NULL) {
		cli_warn("%s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "%s  %s\n", hex, base);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0 ||
	    rename(tmp, path) != 0) {
		cli_warn("%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
fetch(struct cli *cli, bool hub, const char *file, const char *partial)
{
	struct recv rv = { .fd = -1 };
	struct curl_slist *hdr = NULL;
	struct cli_reply r = { 0 };
	unsigned char md[crypto_hash_sha256_BYTES];
	char got[BACKUP_SHA256_HEX];
	long status = 0;
	struct buf path;
	CURLcode cc;
	CURL *run;
	int rc = CLI_DAEMON;

	if ((run = cli_cmd_curl(cli)) == NULL ||
	    (rv.curl = curl_easy_init()) == NULL) {
		cli_warn("cannot start libcurl");
		return CLI_DAEMON;
	}
	/* who takes it, for the audit log */
	buf_init(&path, 512);
	if (buf_adds(&path, "/api/v1/backup") < 0 ||
	    cli_http_add_query(&path, run, "db", hub ? "hub" : "store") < 0 ||
	    cli_http_add_query(&path, run, "actor", cli->actor) < 0 ||
	    cli_target(rv.curl, cli->socket, buf_ptr(&path), &hdr) != 0) {
		buf_cleanup(&path);
		curl_easy_cleanup(rv.curl);
		return CLI_USAGE;
	}
	buf_cleanup(&path);
	if ((rv.fd = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	         0600)) == -1) {
		cli_warn("%s: %s", partial, strerror(errno));
		curl_easy_cleanup(rv.curl);
		return CLI_FAIL;
	}
	buf_init(&rv.err, BACKUP_ERR_MAX);
	crypto_hash_sha256_init(&rv.sha);
	curl_easy_setopt(rv.curl, CURLOPT_POST, 1L);
	curl_easy_setopt(rv.curl, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(rv.curl, CURLOPT_POSTFIELDSIZE, 0L);
	curl_easy_setopt(rv.curl, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(rv.curl, CURLOPT_CONNECTTIMEOUT_MS,
	    CLI_CONNECT_TIMEOUT_MS);
	/* the daemon sends nothing while it copies: a slow copy is not a
	 * dead daemon, but ten minutes without a byte is */
	curl_easy_setopt(rv.curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(rv.curl, CURLOPT_LOW_SPEED_TIME, BACKUP_SLOW_S);
	curl_easy_setopt(rv.curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(rv.curl, CURLOPT_HEADERDATA, &rv);
	curl_easy_setopt(rv.curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(rv.curl, CURLOPT_WRITEDATA, &rv);
	cc = curl_easy_perform(rv.curl);
	curl_easy_getinfo(rv.curl, CURLINFO_RESPONSE_CODE, &status);
	if (rv.write_fail) {
		cli_warn("%s: %s", partial, strerror(rv.write_errno));
		rc = CLI_FAIL;
	} else if (cc != CURLE_OK) {
		cli_warn("%s: %s", cli->socket, curl_easy_strerror(cc));
	} else if (status != 200) {
		r.http = status;
		r.body = rv.err;
		r.json =
		    json_loadb(buf_ptr(&rv.err), buf_len(&rv.err), 0, NULL);
		rc = cli_http_error(&r);
		json_decref(r.json);
	} else {
		crypto_hash_sha256_final(&rv.sha, md);
		sodium_bin2hex(got, sizeof got, md, sizeof md);
		if (rv.want_sha[0] == '\0' || !rv.has_size)
			cli_warn("the daemon's reply has no checksum or size");
		else if (rv.got != rv.want_size)
			cli_warn("the copy came short: %llu of %llu bytes",
			    (unsigned long long)rv.got, rv.want_size);
		else if (strcmp(got, rv.want_sha) != 0)
			cli_warn("the copy's SHA-256 is not the daemon's");
		else if (fsync(rv.fd) != 0)
			cli_warn("%s: %s", partial, strerror(errno));
		else
			rc = CLI_OK;
	}
	close(rv.fd);
	buf_cleanup(&rv.err);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(rv.curl);
	/* link, not rename: a FILE made meanwhile is never overwritten */
	if (rc == CLI_OK && link(partial, file) != 0) {
		cli_warn("%s: %s", file, strerror(errno));
		rc = CLI_FAIL;
	}
	unlink(partial);
	if (rc == CLI_OK && write_sum(file, got) != 0)
		rc = CLI_FAIL;
	if (rc == CLI_OK)
		printf("%s: %llu bytes, schema %d, sha256 %s\n", file,
		    (unsigned long long)rv.got, rv.schema, got);
	return rc;
}

int
cli_backup(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hub", no_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char partial[PATH_MAX];
	struct stat sb;
	bool hub = false;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			hub = true;
			break;
		case 'h':
			return cli_cmd_usage(cmd);
		default:
			return cli_cmd_bad_option(cmd, c, argv);
		}
	}
	if (argc - optind != 1)
		return cli_cmd_usage_error(cmd, "backup: expected one FILE");
	if (cli_remote())
		return cli_cmd_usage_error(cmd,
		    "backup: the admin socket only (MOTCUA_URL is set)");
	if (stat(argv[optind], &sb) == 0)
		return cli_cmd_usage_error(cmd,
		    "backup: %s exists; a backup never overwrites a file",
		    argv[optind]);
	if ((size_t)snprintf(partial, sizeof partial, "%s.partial",
	        argv[optind]) >= sizeof partial)
		return cli_cmd_usage_error(cmd, "backup: FILE: path too long");
	return fetch(cli, hub, argv[optind], partial);
}
