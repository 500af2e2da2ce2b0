/* cli_http.c: see cli_http.h. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "cli/cli_http.h"

#ifndef MOTCUA_VERSION
#define MOTCUA_VERSION "0.1.0"
#endif

#define TOKEN_TEXT_MAX 128
#define URL_MAX        8192

void
cli_vwarn(const char *fmt, va_list ap)
{
	fputs("motcua: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vwarn(fmt, ap);
	va_end(ap);
}

/* ---- URLs ------------------------------------------------------------ */

int
cli_http_add_escaped(struct buf *b, CURL *curl, const char *s)
{
	char *e = curl_easy_escape(curl, s, (int)strlen(s));
	int rc;

	if (e == NULL)
		return -1;
	rc = buf_adds(b, e);
	curl_free(e);
	return rc;
}

int
cli_http_add_query(struct buf *b, CURL *curl, const char *key,
    const char *value)
{
	if (value == NULL)
		return 0;
	if (buf_adds(b, strchr(buf_ptr(b), '?') ? "&" : "?") < 0 ||
	    buf_adds(b, key) < 0 || buf_adds(b, "=") < 0)
		return -1;
	return cli_http_add_escaped(b, curl, value);
}

void
cli_reply_free(struct cli_reply *r)
{
	json_decref(r->json);
	buf_cleanup(&r->body);
	*r = (struct cli_reply){ 0 };
}

/* ---- the target: admin socket or MOTCUA_URL ---------------------------- */

bool
cli_remote(void)
{
	const char *u = getenv("MOTCUA_URL");

	return u != NULL && u[0] != '\0';
}

/* The bearer token: MOTCUA_TOKEN, else the first line of
 * MOTCUA_TOKEN_FILE. Only token characters are accepted, so nothing can
 * break out of the header line. */
static int
bearer(char out[TOKEN_TEXT_MAX + 1])
{
	const char *t = getenv("MOTCUA_TOKEN"), *file;
	size_t n;

	if (t != NULL && t[0] != '\0') {
		snprintf(out, TOKEN_TEXT_MAX + 1, "%s", t);
		if (strlen(t) > TOKEN_TEXT_MAX) {
			cli_warn("MOTCUA_TOKEN: longer than %d bytes",
			    TOKEN_TEXT_MAX);
			return -1;
		}
	} else if ((file = getenv("MOTCUA_TOKEN_FILE")) != NULL &&
	    file[0] != '\0') {
		FILE *f = fopen(file, "re");

		if (f == NULL) {
			cli_warn("--token-file %s: %s", file, strerror(errno));
			return -1;
		}
		if (fgets(out, TOKEN_TEXT_MAX + 1, f) == NULL)
			out[0] = '\0';
		fclose(f);
	} else {
		cli_warn("MOTCUA_URL is set: give a token with MOTCUA_TOKEN "
		         "or --token-file");
		return -1;
	}
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	for (size_t i = 0; i < n; i++) {
		char c = out[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		        (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			cli_warn("the token has a character tokens never have");
			return -1;
		}
	}
	if (n == 0) {
		cli_warn("the token is empty");
		return -1;
	}
	return 0;
}

/* Is the host of url a loopback address (127.0.0.0/8, ::1, localhost)?
 * Parsed by curl itself, so "http://127.0.0.1@evil.example" is seen as
 * the evil.example curl would connect to. */
static bool
loopback_host(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	unsigned char a[16];
	bool lo = false;
	size_t n;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return false;
	}
	n = strlen(host);
	if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		lo = inet_pton(AF_INET6, host + 1, a) == 1 &&
		    memcmp(a, in6addr_loopback.s6_addr, 16) == 0;
	} else if (inet_pton(AF_INET, host, a) == 1) {
		lo = a[0] == 127;
	} else {
		lo = strcasecmp(host, "localhost") == 0;
	}
	curl_free(host);
	curl_url_cleanup(u);
	return lo;
}

/* MOTCUA_INSECURE_HTTP=1 (or --insecure-http): the operator accepts
 * sending the token in clear to a host that is not loopback. */
static bool
insecure_ok(void)
{
	const char *v = getenv("MOTCUA_INSECURE_HTTP");

	return v != NULL && strcmp(v, "1") == 0;
}

int
cli_target(CURL *c, const char *socket, const char *path,
    struct curl_slist **hdr)
{
	char url[URL_MAX], tok[TOKEN_TEXT_MAX + 1], line[TOKEN_TEXT_MAX + 32];
	const char *base = getenv("MOTCUA_URL"), *ca = getenv("MOTCUA_CA_FILE");
	struct curl_slist *h;
	size_t bl;

	if (!cli_remote()) {
		if ((size_t)snprintf(url, sizeof url, "http://localhost%s",
		        path) >= sizeof url) {
			cli_warn("request path too long");
			return -1;
		}
		curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
		return 0;
	}
	if (strncmp(base, "http://", 7) != 0 &&
	    strncmp(base, "https://", 8) != 0) {
		cli_warn("MOTCUA_URL: expected http(s)://host:port");
		return -1;
	}
	/* the bearer token would cross the network in clear */
	if (strncmp(base, "http://", 7) == 0 && !loopback_host(base) &&
	    !insecure_ok()) {
		cli_warn("MOTCUA_URL: plain http:// to a host that is not "
		         "loopback would send the token in clear; use "
		         "https://, or set MOTCUA_INSECURE_HTTP=1 "
		         "(--insecure-http) to accept that");
		return -1;
	}
	bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	if ((size_t)snprintf(url, sizeof url, "%.*s%s", (int)bl, base, path) >=
	    sizeof url) {
		cli_warn("request path too long");
		return -1;
	}
	if (bearer(tok) == -1)
		return -1;
	snprintf(line, sizeof line, "Authorization: Bearer %s", tok);
	sodium_memzero(tok, sizeof tok);
	h = curl_slist_append(*hdr, line);
	sodium_memzero(line, sizeof line);
	if (h == NULL) {
		cli_warn("out of memory");
		return -1;
	}
	*hdr = h;
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, NULL);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (ca != NULL && ca[0] != '\0')
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	return 0;
}

/* ---- the request ---------------------------------------------------- */

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	/* returning less than given aborts with CURLE_WRITE_ERROR */
	if (buf_add(arg, data, n) < 0)
		return 0;
	(void)size; /* always 1 for a write callback */
	return n;
}

/* Why curl_easy_perform failed, in the daemon's terms. */
static void
transport_error(CURL *c, CURLcode cc, const char *errbuf,
    const struct cli_request *q, const struct cli_reply *r)
{
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(cc);
	long oserr = 0;

	if (cc == CURLE_WRITE_ERROR && buf_len(&r->body) > 0)
		cli_warn("reply from the daemon larger than %zu MiB",
		    q->reply_max >> 20);
	else if (cc == CURLE_COULDNT_CONNECT &&
	    curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &oserr) == CURLE_OK &&
	    oserr != 0)
		/* curl's own text speaks of "localhost port 80" */
		cli_warn("cannot reach the daemon at %s: %s", q->socket,
		    strerror((int)oserr));
	else if (cc == CURLE_COULDNT_CONNECT)
		cli_warn("cannot reach the daemon at %s: %s", q->socket, why);
	else if (cc == CURLE_OPERATION_TIMEDOUT)
		cli_warn("no answer from the daemon at %s within %ld s",
		    q->socket, q->timeout_ms / 1000);
	else
		cli_warn("talking to the daemon at %s: %s", q->socket, why);
}

/* Appends "Expect:" (no 100-continue pause before a large body) and the
 * body's Content-Type. -1 when out of memory. */
static int
body_headers(struct curl_slist **hdr, const char *ctype)
{
	char line[128];
	const char *fields[] = { "Expect:", line };
	struct curl_slist *h;

	snprintf(line, sizeof line, "Content-Type: %s",
	    ctype != NULL ? ctype : "application/json");
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if ((h = curl_slist_append(*hdr, fields[i])) == NULL)
			return -1;
		*hdr = h;
	}
	return 0;
}

/* Appends "Idempotency-Key: key". -1 when out of memory. */
static int
idem_header(struct curl_slist **hdr, const char *key)
{
	char line[64 + CLI_IDEM_KEY_LEN];
	struct curl_slist *h;

	snprintf(line, sizeof line, "Idempotency-Key: %s", key);
	if ((h = curl_slist_append(*hdr, line)) == NULL)
		return -1;
	*hdr = h;
	return 0;
}

void
cli_http_idem_key(char out[CLI_IDEM_KEY_LEN + 1])
{
	unsigned char b[CLI_IDEM_KEY_LEN / 2];

	if (sodium_init() < 0) /* no random source: abort, never a weak key */
		abort();
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(out, CLI_IDEM_KEY_LEN + 1, b, sizeof b);
}

int
cli_http_request(const struct cli_request *q, struct cli_reply *r)
{
	char errbuf[CURL_ERROR_SIZE] = "", *text = NULL;
	const char *body = q->body, *ctype = q->ctype;
	struct curl_slist *hdr = NULL;
	struct buf path; /* q->path, and the actor on a read */
	size_t len = q->len;
	CURL *c = NULL;
	CURLcode cc;
	int rc = CLI_OK;

	*r = (struct cli_reply){ 0 };
	buf_init(&r->body, q->reply_max);
	buf_init(&path, URL_MAX);
	/* with a share, its owner started libcurl */
	if (q->share == NULL &&
	    curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		cli_warn("cannot start libcurl");
		return CLI_DAEMON;
	}
	if ((c = curl_easy_init()) == NULL) {
		if (q->share == NULL)
			curl_global_cleanup();
		cli_warn("cannot start libcurl");
		return CLI_DAEMON;
	}
	if (q->share != NULL)
		curl_easy_setopt(c, CURLOPT_SHARE, q->share);
	if (q->json != NULL) {
		if ((text = json_dumps(q->json, JSON_COMPACT)) == NULL) {
			cli_warn("out of memory");
			rc = CLI_DAEMON;
			goto out;
		}
		body = text;
		len = strlen(text);
		ctype = NULL;
	}
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, CLI_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, q->timeout_ms);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "motcua/" MOTCUA_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	if (strcmp(q->method, "GET") == 0) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	} else {
		if (strcmp(q->method, "POST") != 0)
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS,
		    body != NULL ? body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)(body != NULL ? len : 0));
	}
	if (body != NULL && body_headers(&hdr, ctype) == -1) {
		cli_warn("out of memory");
		rc = CLI_DAEMON;
		goto out;
	}
	if (buf_adds(&path, q->path) < 0 ||
	    (q->actor != NULL && strcmp(q->method, "GET") == 0 &&
	        !cli_remote() &&
	        cli_http_add_query(&path, c, "actor", q->actor) < 0)) {
		cli_warn("request path too long");
		rc = CLI_USAGE;
		goto out;
	}
	if (cli_target(c, q->socket, buf_ptr(&path), &hdr) == -1) {
		rc = CLI_USAGE;
		goto out;
	}
	if (q->idem_key != NULL && idem_header(&hdr, q->idem_key) == -1) {
		cli_warn("out of memory");
		rc = CLI_DAEMON;
		goto out;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	cc = curl_easy_perform(c);
	/* A create whose reply was lost may have been done: only with its
	 * key is asking again safe (the daemon replays the first reply). */
	for (int i = 1; cc != CURLE_OK && cc != CURLE_WRITE_ERROR &&
	     q->idem_key != NULL && i <= CLI_IDEM_RETRIES;
	     i++) {
		cli_warn("no reply from the daemon (%s); asking again with the "
		         "same Idempotency-Key",
		    errbuf[0] ? errbuf : curl_easy_strerror(cc));
		nanosleep(&(struct timespec){ .tv_sec = i / 2,
		              .tv_nsec = (i % 2) * 500000000L },
		    NULL);
		errbuf[0] = '\0';
		buf_reset(&r->body);
		cc = curl_easy_perform(c);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	if (cc != CURLE_OK) {
		transport_error(c, cc, errbuf, q, r);
		rc = CLI_DAEMON;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->http);
	if (buf_len(&r->body) > 0)
		r->json =
		    json_loadb(buf_ptr(&r->body), buf_len(&r->body), 0, NULL);
out:
	buf_cleanup(&path);
	if (text != NULL) {
		sodium_memzero(text, strlen(text)); /* it may hold a password */
		free(text);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	if (q->share == NULL)
		curl_global_cleanup();
	return rc;
}

int
cli_http_error(const struct cli_reply *r)
{
	json_t *e = json_object_get(r->json, "error");
	const char *f = json_string_value(json_object_get(e, "field"));
	const char *m = json_string_value(json_object_get(e, "message"));

	if (m != NULL && f != NULL && f[0] != '\0')
		cli_warn("%s: %s", f, m);
	else if (m != NULL)
		cli_warn("%s", m);
	else
		cli_warn("the daemon answered HTTP %ld", r->http);
	return r->http >= 400 && r->http < 500 ? CLI_FAIL : CLI_DAEMON;
}

int
cli_http_json(const struct cli_request *q, struct cli_reply *r)
{
	json_error_t jerr;
	int rc = cli_http_request(q, r);

	if (rc != CLI_OK)
		return rc;
	if (r->http < 200 || r->http > 299)
		return cli_http_error(r);
	if (r->json == NULL) {
		/* again, for jansson's reason (the failure path only) */
		if (buf_len(&r->body) > 0)
			json_decref(json_loadb(buf_ptr(&r->body),
			    buf_len(&r->body), 0, &jerr));
		cli_warn("bad reply from the daemon: %s",
		    buf_len(&r->body) > 0 ? jerr.text : "empty body");
		return CLI_DAEMON;
	}
	return CLI_OK;
}
