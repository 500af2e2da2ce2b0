/* fuzz_syncstatus.c: libFuzzer target for the sync transport's reading of
 * an upstream reply's status line and Retry-After: the bytes are the raw
 * HTTP reply, read by libcurl set up as sync.c sets it (HTTP, a bounded
 * body), then the status and CURLINFO_RETRY_AFTER (seconds or an HTTP
 * date) go through sp_backoff_ms as sync.c's finish() hands them on.
 * Besides memory errors it checks the wait's promise: never past the
 * configured cap or SP_RETRY_AFTER_MAX_S, whatever the header says. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "sync/syncproto.h"
#include "tests/fuzz/rawserver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MIN_MS 500
#define MAX_MS 60000

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	size_t *total = arg;

	(void)p;
	if (n > SP_REPLY_MAX - *total)
		return 0; /* sync.c's bound: aborts the transfer */
	*total += size * n;
	return n;
}

/* the highest draw: the longest wait */
static uint32_t
draw_max(uint32_t n)
{
	return n - 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sock = rawserver_start();
	CURL *c;
	size_t total = 0;
	long code = 0;
	curl_off_t ra = 0;
	uint64_t d, bound;

	/* a new handle each time, as sync.c makes one per transfer: libcurl
	 * 7.88 reads freed memory when a reused handle's next reply starts
	 * its headers with a folded line (curl/curl#11620), which this
	 * target found in its first seconds with one reused handle */
	if (sock == NULL || (c = curl_easy_init()) == NULL)
		return 0;
	rawserver_reply(data, size);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(c, CURLOPT_URL, "http://hub/api/v1/sync/pull");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &total);
	(void)curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra);
	curl_easy_cleanup(c);
	/* no range on code: libcurl 7.88 reports -1 for a status line such
	 * as "HTTP/2222..." (seed status_negative) and sync.c takes any
	 * status but 200 as a failure */
	(void)code;
	assert(total <= SP_REPLY_MAX);
	bound = (uint64_t)SP_RETRY_AFTER_MAX_S * 1000 > MAX_MS
	    ? (uint64_t)SP_RETRY_AFTER_MAX_S * 1000
	    : MAX_MS;
	for (unsigned failures = 1; failures < 40; failures += 13) {
		/* sync.c hands it on as a long */
		d = sp_backoff_ms(MIN_MS, MAX_MS, failures, (long)ra, draw_max);
		assert(d <= bound);
		if (ra > 0)
			assert(d >= (uint64_t)(ra < SP_RETRY_AFTER_MAX_S
			                    ? ra
			                    : SP_RETRY_AFTER_MAX_S) *
			        1000);
	}
	return 0;
}
