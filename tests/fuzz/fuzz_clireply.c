/* fuzz_clireply.c: libFuzzer target for the CLI's reading of a daemon
 * reply (cli/cli_http.h): the bytes after the first are the raw HTTP
 * reply (status line, headers, body) a daemon on the admin socket sends,
 * read by cli_http_json through libcurl as every command does, after a
 * first request on the same shared connections (as a command making
 * several does) got a plain reply; the first byte sets the reply bound.
 * With one reused easy handle (the CLI's way until this target's sibling
 * fuzz_syncstatus found it), libcurl 7.88 read freed memory when the
 * second reply began its headers with a folded line (curl/curl#11620;
 * seed folded_first_header). Besides memory errors it checks its
 * promises: the body is within reply_max, CLI_OK means a 2xx with JSON,
 * and the exit code is one of the CLI's. Run with -close_fd_mask=2: the
 * refusals are printed on stderr. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli/cli_http.h"
#include "tests/fuzz/rawserver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char first[] =
    "HTTP/1.1 200 OK\r\nX-Request: 1\r\nContent-Length: 2\r\n\r\n{}";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static CURLSH *share; /* the CLI's cli_cmd_share, for the run */
	const char *sock = rawserver_start();
	struct cli_request q = { .socket = sock,
		.method = "GET",
		.path = "/api/v1/dossiers?q=x",
		.timeout_ms = 5000 };
	struct cli_reply r;
	int rc;

	if (size < 1 || sock == NULL)
		return 0;
	if (share == NULL) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
		    (share = curl_share_init()) == NULL)
			abort();
		curl_share_setopt(share, CURLSHOPT_SHARE,
		    CURL_LOCK_DATA_CONNECT);
	}
	unsetenv("MOTCUA_URL"); /* the admin socket, never TCP */
	q.share = share;
	q.reply_max = 4096;
	rawserver_reply(first, sizeof first - 1);
	rc = cli_http_json(&q, &r);
	assert(rc == CLI_OK);
	cli_reply_free(&r);
	q.reply_max = 1 + (size_t)data[0] * 32;
	rawserver_reply(data + 1, size - 1);
	rc = cli_http_json(&q, &r);
	assert(rc == CLI_OK || rc == CLI_FAIL || rc == CLI_DAEMON);
	assert(buf_len(&r.body) <= q.reply_max);
	if (rc == CLI_OK)
		assert(r.http >= 200 && r.http <= 299 && r.json != NULL);
	if (rc == CLI_FAIL)
		assert(r.http >= 400 && r.http <= 499);
	cli_reply_free(&r);
	return 0;
}
