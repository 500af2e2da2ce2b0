/* fakehttp.c: see fakehttp.h. Only what handlers call; a server is never
 * made, so http_new and the listeners are not here. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tests/fuzz/fakehttp.h"

unsigned long fakehttp_deferred, fakehttp_replied;

/* what http_defer hands out: the handler's only use is to reply to it */
struct http_pending {
	int unused;
};
static struct http_pending pending;

void
fakehttp_response_free(struct http_response *r)
{
	if (r->stream != NULL)
		r->stream->done(r->stream_arg);
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof *r);
}

/* Cuts s at the first sep: s is the part before, the return what
 * follows (NULL when there is no sep). */
static char *
cut(char *s, char sep)
{
	char *p = s != NULL ? strchr(s, sep) : NULL;

	if (p == NULL)
		return NULL;
	*p = '\0';
	return p + 1;
}

int
fakehttp_req_parse(const uint8_t *data, size_t size, struct fakehttp_req *out)
{
	static const char *const methods[] = { "GET", "HEAD", "POST", "PUT",
		"DELETE", "OPTIONS" };
	char *path, *query, *headers, *body, *next;

	memset(out, 0, sizeof *out);
	if (size < 1 || (out->buf = malloc(size + 1)) == NULL)
		return -1;
	memcpy(out->buf, data + 1, size - 1);
	out->buf[size - 1] = '\0';
	out->hr.method = methods[data[0] % 6];
	out->hr.peer_uid = -1;
	out->hr.conn_ = &out->conn;
	/* the head is text: it ends at the first NUL, as MHD's strings do */
	path = out->buf;
	query = cut(path, '\n');
	headers = cut(query, '\n');
	body = cut(headers, '\n');
	out->hr.path = path;
	if (body != NULL) {
		out->hr.body = body;
		out->hr.body_len = size - 1 - (size_t)(body - out->buf);
	} else {
		out->hr.body = "";
		out->hr.body_len = 0;
	}
	for (char *q = query; q != NULL && out->conn.nquery < FAKEHTTP_KV_MAX;
	     q = next) {
		struct fakehttp_kv *kv = &out->conn.query[out->conn.nquery];

		next = cut(q, '&');
		if (q[0] == '\0')
			continue;
		kv->key = q;
		kv->value = cut(q, '=');
		out->conn.nquery++;
	}
	for (char *h = headers;
	     h != NULL && out->conn.nheader < FAKEHTTP_KV_MAX; h = next) {
		struct fakehttp_kv *kv = &out->conn.header[out->conn.nheader];

		next = cut(h, '\t');
		kv->key = h;
		if ((kv->value = cut(h, ':')) == NULL)
			continue;
		kv->value += strspn(kv->value, " ");
		out->conn.nheader++;
	}
	return 0;
}

void
fakehttp_req_free(struct fakehttp_req *r)
{
	free(r->buf);
	r->buf = NULL;
}

struct http_pending *
http_defer(const struct http_request *hr)
{
	(void)hr;
	fakehttp_deferred++;
	return &pending;
}

void
http_pending_reply(struct http_pending *p, struct http_response *r)
{
	(void)p;
	fakehttp_replied++;
	fakehttp_response_free(r);
}

void
http_stream_wake(struct http_stream *hs)
{
	(void)hs;
}

void
http_stats(const struct http_server *s, struct http_stats *st)
{
	(void)s;
	memset(st, 0, sizeof *st);
}

const char *
http_query(const struct http_request *hr, const char *key)
{
	const struct fakehttp_conn *c = hr->conn_;

	for (size_t i = 0; c != NULL && i < c->nquery; i++)
		if (strcmp(c->query[i].key, key) == 0)
			return c->query[i].value;
	return NULL;
}

const char *
http_header(const struct http_request *hr, const char *name)
{
	const struct fakehttp_conn *c = hr->conn_;

	for (size_t i = 0; c != NULL && i < c->nheader; i++)
		if (strcasecmp(c->header[i].key, name) == 0)
			return c->header[i].value;
	return NULL;
}

/* RFC 3986 unreserved bytes and those in keep stay; the rest are %XX. */
bool
http_pct_encode(const char *s, size_t len, const char *keep, char *buf,
    size_t size)
{
	static const char unreserved[] = "abcdefghijklmnopqrstuvwxyz"
	                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                                 "0123456789-_.~";
	size_t n = 0;

	if (size == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool keep_c = c != '\0' &&
		    (strchr(unreserved, c) != NULL ||
		        (keep != NULL && strchr(keep, c) != NULL));

		if (n + (keep_c ? 1 : 3) >= size)
			return false;
		if (keep_c) {
			buf[n++] = c;
		} else {
			buf[n++] = '%';
			buf[n++] = "0123456789ABCDEF"[(unsigned char)c >> 4];
			buf[n++] = "0123456789ABCDEF"[(unsigned char)c & 15];
		}
	}
	buf[n] = '\0';
	return true;
}

bool
http_query_string(const struct http_request *hr, char *buf, size_t size)
{
	const struct fakehttp_conn *c = hr->conn_;
	size_t n = 0;

	if (size == 0)
		return false;
	buf[0] = '\0';
	for (size_t i = 0; c != NULL && i < c->nquery; i++) {
		const struct fakehttp_kv *kv = &c->query[i];

		if (i > 0) {
			if (n + 1 >= size)
				return false;
			buf[n++] = '&';
		}
		if (!http_pct_encode(kv->key, strlen(kv->key), NULL, buf + n,
		        size - n))
			return false;
		n += strlen(buf + n);
		if (kv->value == NULL)
			continue;
		if (n + 1 >= size)
			return false;
		buf[n++] = '=';
		if (!http_pct_encode(kv->value, strlen(kv->value), NULL,
		        buf + n, size - n))
			return false;
		n += strlen(buf + n);
	}
	buf[n] = '\0';
	return true;
}
