/* jsonw.c: see jsonw.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/jsonw.h"

void
jsonw_init(struct jsonw *w, char *buf, size_t size)
{
	w->buf = buf;
	w->size = size;
	w->len = 0;
	w->overflow = size == 0;
	w->first = true;
	if (size > 0)
		buf[0] = '\0';
}

static void
put(struct jsonw *w, const char *s, size_t n)
{
	if (w->overflow || n >= w->size - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

static void
put_string(struct jsonw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	put(w, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[7] = { '\\', 0, 0, 0, 0, 0, 0 };
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, run, (size_t)(s - run));
		run = s + 1;
		switch (c) {
		case '"':
		case '\\':
			esc[1] = (char)c;
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\t':
			esc[1] = 't';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		put(w, esc, n);
	}
	put(w, run, (size_t)(s - run));
	put(w, "\"", 1);
}

static void
member(struct jsonw *w, const char *key)
{
	if (!w->first)
		put(w, ",", 1);
	w->first = false;
	if (key != NULL) {
		put_string(w, key);
		put(w, ":", 1);
	}
}

void
jsonw_open(struct jsonw *w, const char *key)
{
	if (key != NULL || w->len > 0)
		member(w, key);
	put(w, "{", 1);
	w->first = true;
}

void
jsonw_close(struct jsonw *w)
{
	put(w, "}", 1);
	w->first = false;
}

void
jsonw_str(struct jsonw *w, const char *key, const char *s)
{
	member(w, key);
	put_string(w, s);
}

void
jsonw_int(struct jsonw *w, const char *key, int64_t v)
{
	char num[24];
	int n = snprintf(num, sizeof num, "%" PRId64, v);

	member(w, key);
	put(w, num, (size_t)n);
}

void
jsonw_bool(struct jsonw *w, const char *key, bool v)
{
	member(w, key);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void
jsonw_null(struct jsonw *w, const char *key)
{
	member(w, key);
	put(w, "null", 4);
}

long
jsonw_finish(const struct jsonw *w)
{
	return w->overflow ? -1 : (long)w->len;
}
