/* ptemplate.c: see ptemplate.h. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/perr.h"
#include "printer/ptemplate.h"
#include "printer/vntext.h"

#define LINE_MAX_LEN 300
#define FIELD_MAX    32
#define REPRINT_MARK "*** BẢN IN LẠI ***"

struct elem {
	enum ptemplate_kind kind;
	enum ptemplate_align align;
	bool bold, big, trunc;
	int lines, indent, max, n;
	char each[FIELD_MAX + 1]; /* each: the list field */
	char cond[FIELD_MAX + 1]; /* if=: the field */
	char *text;               /* owned */
	int line;
};

struct ptemplate {
	char name[128];
	struct elem *e; /* owned */
	size_t count;
};

const char *
ptemplate_name(const struct ptemplate *t)
{
	return t->name;
}

void
ptemplate_free(struct ptemplate *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->count; i++)
		free(t->e[i].text);
	free(t->e);
	free(t);
}

static bool
in_list(const char *const *l, const char *s)
{
	for (; l != NULL && *l != NULL; l++)
		if (strcmp(*l, s) == 0)
			return true;
	return false;
}

static bool
field_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > FIELD_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

/* Checks the {fields} of text; the each-field may be used as a list. */
static void
check_text(const char *text, const char *each, const char *const *allowed,
    const char *const *lists, struct perr *e, int line)
{
	for (const char *p = text; *p != '\0'; p++) {
		const char *end;
		char f[FIELD_MAX + 1];

		if (*p == '}' && p[1] == '}') {
			p++;
			continue;
		}
		if (*p != '{')
			continue;
		if (p[1] == '{') {
			p++;
			continue;
		}
		if ((end = strchr(p, '}')) == NULL) {
			perr_add(e, line, "text: '{' without '}'");
			return;
		}
		if ((size_t)(end - p - 1) == 1 && p[1] == '#') {
			if (each[0] == '\0')
				perr_add(e, line, "{#}: only in an each line");
			p = end;
			continue;
		}
		if (!field_name_ok(p + 1, (size_t)(end - p - 1))) {
			perr_add(e, line, "text: bad field name at '%.20s'", p);
			return;
		}
		memcpy(f, p + 1, (size_t)(end - p - 1));
		f[end - p - 1] = '\0';
		if (!in_list(allowed, f))
			perr_add(e, line,
			    "{%s}: no such field in this document", f);
		else if (in_list(lists, f) && strcmp(f, each) != 0 &&
		    !in_list(lists, each))
			perr_add(e, line,
			    "{%s}: a list field, usable only in \"each\"", f);
		p = end;
	}
}

static int
num_opt(const char *v, int min, int max, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max)
		return -1;
	*out = (int)n;
	return 0;
}

static void
parse_line(struct ptemplate *t, char *l, int line, const char *const *allowed,
    const char *const *lists, struct perr *e)
{
	struct elem el = { .lines = 4,
		.max = PTEMPLATE_ITEMS_MAX,
		.line = line };
	char *bar = strchr(l, '|'), *tok, *save = NULL;
	const char *text = NULL;
	bool first = true;

	if (bar != NULL) {
		*bar = '\0';
		text = bar + 1;
		if (*text == ' ')
			text++;
	}
	for (tok = strtok_r(l, " \t", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t", &save)) {
		if (first) {
			first = false;
			if (strcmp(tok, "text") == 0)
				el.kind = PTEMPLATE_TEXT;
			else if (strcmp(tok, "each") == 0) {
				el.kind = PTEMPLATE_TEXT;
				tok = strtok_r(NULL, " \t", &save);
				if (tok == NULL || !in_list(lists, tok)) {
					perr_add(e, line,
					    "each: needs a list field name");
					return;
				}
				snprintf(el.each, sizeof el.each, "%s", tok);
			} else if (strcmp(tok, "barcode") == 0)
				el.kind = PTEMPLATE_BARCODE;
			else if (strcmp(tok, "qr") == 0)
				el.kind = PTEMPLATE_QR;
			else if (strcmp(tok, "rule") == 0)
				el.kind = PTEMPLATE_RULE;
			else if (strcmp(tok, "cut") == 0)
				el.kind = PTEMPLATE_CUT;
			else if (strcmp(tok, "feed") == 0) {
				el.kind = PTEMPLATE_FEED;
				tok = strtok_r(NULL, " \t", &save);
				if (tok == NULL || num_opt(tok, 1, 20, &el.n)) {
					perr_add(e, line,
					    "feed: needs a line count 1..20");
					return;
				}
			} else {
				perr_add(e, line, "%.20s: unknown directive",
				    tok);
				return;
			}
			continue;
		}
		if (strcmp(tok, "center") == 0)
			el.align = PTEMPLATE_CENTER;
		else if (strcmp(tok, "right") == 0)
			el.align = PTEMPLATE_RIGHT;
		else if (strcmp(tok, "bold") == 0)
			el.bold = true;
		else if (strcmp(tok, "big") == 0)
			el.big = true;
		else if (strcmp(tok, "trunc") == 0)
			el.trunc = true;
		else if (strncmp(tok, "lines=", 6) == 0) {
			if (num_opt(tok + 6, 1, 50, &el.lines) == -1)
				perr_add(e, line, "lines: not in 1..50");
		} else if (strncmp(tok, "indent=", 7) == 0) {
			if (num_opt(tok + 7, 0, 20, &el.indent) == -1)
				perr_add(e, line, "indent: not in 0..20");
		} else if (strncmp(tok, "max=", 4) == 0) {
			if (num_opt(tok + 4, 1, PTEMPLATE_ITEMS_MAX, &el.max) ==
			    -1)
				perr_add(e, line, "max: not in 1..%d",
				    PTEMPLATE_ITEMS_MAX);
		} else if (strncmp(tok, "if=", 3) == 0) {
			if (!in_list(allowed, tok + 3))
				perr_add(e, line,
				    "if: %.32s is no field of this document",
				    tok + 3);
			else
				snprintf(el.cond, sizeof el.cond, "%s",
				    tok + 3);
		} else
			perr_add(e, line, "%.20s: unknown option", tok);
	}
	if (first)
		return;
	if (el.kind == PTEMPLATE_TEXT || el.kind == PTEMPLATE_BARCODE ||
	    el.kind == PTEMPLATE_QR) {
		if (text == NULL) {
			perr_add(e, line, "missing \"| text\"");
			return;
		}
		check_text(text, el.each, allowed, lists, e, line);
	} else if (text != NULL) {
		perr_add(e, line, "this directive takes no text");
		return;
	}
	if (t->count == PTEMPLATE_LINES_MAX) {
		perr_add(e, line, "more than %d elements", PTEMPLATE_LINES_MAX);
		return;
	}
	if (text != NULL && (el.text = strdup(text)) == NULL) {
		perr_add(e, line, "out of memory");
		return;
	}
	t->e[t->count++] = el;
}

static bool
utf8_ok(const char *s)
{
	char tmp[LINE_MAX_LEN * 4];

	return vn_nfc(s, tmp, sizeof tmp) >= 0;
}

struct ptemplate *
ptemplate_parse(const char *buf, size_t len, const char *name,
    const char *const *allowed, const char *const *lists, char **errors)
{
	struct perr e = { .file = name };
	struct ptemplate *t = calloc(1, sizeof *t);
	size_t i = 0;
	int line = 0;

	if (t == NULL ||
	    (t->e = calloc(PTEMPLATE_LINES_MAX, sizeof *t->e)) == NULL) {
		free(t);
		perr_add(&e, 0, "out of memory");
		*errors = perr_take(&e);
		return NULL;
	}
	snprintf(t->name, sizeof t->name, "%s", name);
	if (len > PTEMPLATE_FILE_MAX)
		perr_add(&e, 0, "longer than %d bytes", PTEMPLATE_FILE_MAX);
	while (i < len && len <= PTEMPLATE_FILE_MAX) {
		char raw[LINE_MAX_LEN + 1], *l;
		size_t n = 0;

		line++;
		while (i < len && buf[i] != '\n') {
			if (n < LINE_MAX_LEN)
				raw[n] = buf[i];
			n++;
			i++;
		}
		i++;
		if (n > LINE_MAX_LEN) {
			perr_add(&e, line, "line longer than %d bytes",
			    LINE_MAX_LEN);
			continue;
		}
		raw[n] = '\0';
		if (n > 0 && raw[n - 1] == '\r')
			raw[--n] = '\0';
		if (strlen(raw) != n) {
			perr_add(&e, line, "NUL byte");
			continue;
		}
		if (!utf8_ok(raw)) {
			perr_add(&e, line, "not UTF-8");
			continue;
		}
		l = raw;
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '\0' || *l == '#')
			continue;
		parse_line(t, l, line, allowed, lists, &e);
	}
	if (e.count > 0) {
		*errors = perr_take(&e);
		ptemplate_free(t);
		return NULL;
	}
	*errors = NULL;
	return t;
}

struct ptemplate *
ptemplate_load(const char *path, const char *const *allowed,
    const char *const *lists, char **errors)
{
	size_t len;
	char *buf = perr_slurp(path, PTEMPLATE_FILE_MAX, &len);
	struct ptemplate *t;

	if (buf == NULL) {
		struct perr e = { .file = path };

		perr_add(&e, 0, "cannot be read: %s", strerror(errno));
		*errors = perr_take(&e);
		return NULL;
	}
	t = ptemplate_parse(buf, len, path, allowed, lists, errors);
	free(buf);
	return t;
}

/* ---- rendering ------------------------------------------------------ */

void
ptemplate_layout_cleanup(struct ptemplate_layout *o)
{
	for (size_t i = 0; i < o->count; i++)
		free(o->items[i].text);
	free(o->items);
	memset(o, 0, sizeof *o);
}

static int
push(struct ptemplate_layout *o, const struct ptemplate_item *it,
    const char *text, size_t len)
{
	struct ptemplate_item *p;

	if (o->count == PTEMPLATE_LAYOUT_MAX) {
		errno = ENOBUFS;
		return -1;
	}
	if (o->count == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;

		if ((p = reallocarray(o->items, cap, sizeof *p)) == NULL)
			return -1;
		o->items = p;
		o->cap = cap;
	}
	p = &o->items[o->count];
	*p = *it;
	p->text = NULL;
	if (text != NULL) {
		if ((p->text = malloc(len + 1)) == NULL)
			return -1;
		memcpy(p->text, text, len);
		p->text[len] = '\0';
	}
	o->count++;
	return 0;
}

/* The value of field name; item >= 0 picks one item of a list. */
static const char *
value(const struct ptemplate_fields *f, const char *name, size_t nlen,
    long item, size_t *len)
{
	for (size_t i = 0; i < f->count; i++) {
		const char *v = f->values[i], *e;

		if (strlen(f->names[i]) != nlen ||
		    memcmp(f->names[i], name, nlen) != 0 || v == NULL)
			continue;
		if (item < 0) {
			*len = strlen(v);
			return v;
		}
		for (long k = 0; k < item && v != NULL; k++)
			if ((v = strchr(v, '\n')) != NULL)
				v++;
		if (v == NULL)
			break;
		e = strchr(v, '\n');
		*len = e ? (size_t)(e - v) : strlen(v);
		return v;
	}
	*len = 0;
	return "";
}

static size_t
items(const struct ptemplate_fields *f, const char *name)
{
	size_t len, n = 1;
	const char *v = value(f, name, strlen(name), -1, &len);

	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (v[i] == '\n')
			n++;
	return n;
}

/* Appends s[0..len) made safe: invalid UTF-8 bytes become '?', controls
 * spaces. Bounded by size. */
static size_t
append_clean(char *out, size_t used, size_t size, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && used + 5 < size) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c < 0x80      ? 1
		    : (c & 0xe0) == 0xc0 ? 2
		    : (c & 0xf0) == 0xe0 ? 3
		    : (c & 0xf8) == 0xf0 ? 4
		                         : 0;
		bool ok = n > 0 && i + n <= len;

		for (size_t k = 1; ok && k < n; k++)
			ok = ((unsigned char)s[i + k] & 0xc0) == 0x80;
		if (ok && n > 1) {
			uint32_t cp;
			char tmp[5];

			memcpy(tmp, s + i, n);
			tmp[n] = '\0';
			vn_next(tmp, &cp);
			ok = cp != 0xfffd && !(cp >= 0xd800 && cp <= 0xdfff) &&
			    !(n == 3 && cp < 0x800) && !(n == 2 && cp < 0x80) &&
			    !(n == 4 && (cp < 0x10000 || cp > 0x10ffff)) &&
			    !(cp >= 0x80 && cp < 0xa0);
		}
		if (!ok) {
			out[used++] = '?';
			i++;
			continue;
		}
		if (n == 1 && (c < 0x20 || c == 0x7f)) {
			out[used++] = ' ';
			i++;
			continue;
		}
		memcpy(out + used, s + i, n);
		used += n;
		i += n;
	}
	out[used] = '\0';
	return used;
}

/* Substitutes the fields of text into out (NFC). */
static void
expand(const char *text, const struct ptemplate_fields *f, long item, char *out,
    size_t size)
{
	char *raw = malloc(size);
	size_t used = 0;

	if (raw == NULL) {
		out[0] = '\0';
		return;
	}
	raw[0] = '\0';
	for (const char *p = text; *p != '\0' && used + 8 < size;) {
		const char *end;

		if ((p[0] == '{' && p[1] == '{') ||
		    (p[0] == '}' && p[1] == '}')) {
			raw[used++] = p[0];
			p += 2;
			continue;
		}
		if (*p == '{' && (end = strchr(p, '}')) != NULL) {
			size_t vlen;
			const char *v;

			if (end - p == 2 && p[1] == '#') {
				char num[16];
				int n =
				    snprintf(num, sizeof num, "%ld", item + 1);

				used = append_clean(raw, used, size, num,
				    (size_t)n);
			} else {
				v = value(f, p + 1, (size_t)(end - p - 1), item,
				    &vlen);
				if (vlen > PTEMPLATE_VALUE_MAX)
					vlen = PTEMPLATE_VALUE_MAX;
				used = append_clean(raw, used, size, v, vlen);
			}
			p = end + 1;
			continue;
		}
		/* a literal run, whole UTF-8 sequences at a time */
		{
			size_t run = strcspn(p, "{}");

			if (run == 0)
				run = 1;
			used = append_clean(raw, used, size, p, run);
			p += run;
		}
	}
	raw[used] = '\0';
	if (vn_nfc(raw, out, size) < 0)
		memcpy(out, raw, used + 1);
	free(raw);
}

/* Byte offset of the first `cells` code points of s. */
static size_t
cells_to_bytes(const char *s, size_t cells)
{
	size_t i = 0, c = 0;

	while (s[i] != '\0' && c < cells) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		c++;
	}
	return i;
}

/* Wraps text into lines of width cells, at most maxl lines; a cut last
 * line ends with "...". */
static int
wrap(struct ptemplate_layout *o, const struct ptemplate_item *it,
    const char *text, int width, int maxl, int indent)
{
	char line[1024];
	const char *p = text;
	int nlines = 0;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return push(o, it, "", 0);
	while (*p != '\0') {
		/* an indent never takes more than half the line */
		int pad =
		    nlines > 0 ? (indent < width / 2 ? indent : width / 2) : 0;
		size_t avail = (size_t)(width - pad), take, rest_cells;
		size_t used = 0;

		rest_cells = vn_width(p, strlen(p));
		if (rest_cells <= avail) {
			take = strlen(p);
		} else {
			size_t lim = cells_to_bytes(p, avail), brk = 0;

			for (size_t k = 1; k <= lim; k++)
				if (p[k] == ' ' || p[k] == '\0')
					brk = k;
			take = brk > 0 ? brk : lim;
		}
		if (nlines + 1 == maxl && p[take] != '\0' &&
		    vn_width(p, strlen(p)) > avail) {
			/* the last line allowed: cut with "..." */
			size_t lim =
			    avail >= 3 ? cells_to_bytes(p, avail - 3) : 0;

			memset(line, ' ', (size_t)pad);
			used = (size_t)pad;
			memcpy(line + used, p, lim);
			used += lim;
			while (used > (size_t)pad && line[used - 1] == ' ')
				used--;
			memcpy(line + used, "...", 3);
			used += 3;
			return push(o, it, line, used);
		}
		memset(line, ' ', (size_t)pad);
		used = (size_t)pad;
		if (take > sizeof line - used - 1)
			take = sizeof line - used - 1;
		memcpy(line + used, p, take);
		used += take;
		while (used > (size_t)pad && line[used - 1] == ' ')
			used--;
		if (push(o, it, line, used) == -1)
			return -1;
		nlines++;
		p += take;
		while (*p == ' ')
			p++;
	}
	return 0;
}

static bool
cond_ok(const struct elem *el, const struct ptemplate_fields *f)
{
	size_t len;

	if (el->cond[0] == '\0')
		return true;
	value(f, el->cond, strlen(el->cond), -1, &len);
	return len > 0;
}

/* The end (exclusive) of the run of consecutive "each" lines over the
 * same list that starts at first. */
static size_t
each_run(const struct ptemplate *t, size_t first)
{
	size_t end = first + 1;

	while (end < t->count && strcmp(t->e[end].each, t->e[first].each) == 0)
		end++;
	return end;
}

/* Elements first..end-1, "each" lines over one list, as one block per
 * item: item 1's lines, then item 2's, so what belongs to one item stays
 * together on paper (a manifest both sides sign). The first line's max=
 * bounds the items. */
static int
render_each(const struct ptemplate *t, size_t first, size_t end,
    const struct ptemplate_fields *f, int width_chars,
    struct ptemplate_layout *o, char *buf, size_t size)
{
	const struct elem *head = &t->e[first];
	size_t n = items(f, head->each), k, i;
	int rc = 0;

	for (k = 0; k < n && rc == 0; k++) {
		if ((int)k == head->max) {
			struct ptemplate_item it = { .kind = PTEMPLATE_TEXT,
				.align = head->align };

			snprintf(buf, size, "... +%zu", n - k);
			return push(o, &it, buf, strlen(buf));
		}
		for (i = first; i < end && rc == 0; i++) {
			const struct elem *el = &t->e[i];
			struct ptemplate_item it = { .kind = el->kind,
				.align = el->align,
				.bold = el->bold,
				.big = el->big };
			int width = el->big ? width_chars / 2 : width_chars;

			if (!cond_ok(el, f))
				continue;
			expand(el->text, f, (long)k, buf, size);
			rc = wrap(o, &it, buf, width, el->trunc ? 1 : el->lines,
			    el->indent);
		}
	}
	return rc;
}

int
ptemplate_render(const struct ptemplate *t, const struct ptemplate_fields *f,
    int width_chars, bool reprint, struct ptemplate_layout *o)
{
	enum { BUF = 4 * PTEMPLATE_VALUE_MAX };
	char *buf = malloc(BUF);
	int rc = 0;

	memset(o, 0, sizeof *o);
	if (buf == NULL)
		return -1;
	if (reprint) {
		struct ptemplate_item it = { .kind = PTEMPLATE_TEXT,
			.align = PTEMPLATE_CENTER,
			.bold = true };

		rc = push(o, &it, REPRINT_MARK, strlen(REPRINT_MARK));
	}
	for (size_t i = 0; i < t->count && rc == 0; i++) {
		const struct elem *el = &t->e[i];
		struct ptemplate_item it = { .kind = el->kind,
			.align = el->align,
			.bold = el->bold,
			.big = el->big,
			.n = el->n };
		int width = el->big ? width_chars / 2 : width_chars;
		int maxl = el->trunc ? 1 : el->lines;

		if (el->each[0] != '\0') {
			size_t end = each_run(t, i);

			rc =
			    render_each(t, i, end, f, width_chars, o, buf, BUF);
			i = end - 1;
			continue;
		}
		if (!cond_ok(el, f))
			continue;
		switch (el->kind) {
		case PTEMPLATE_TEXT:
			expand(el->text, f, -1, buf, BUF);
			rc = wrap(o, &it, buf, width, maxl, el->indent);
			break;
		case PTEMPLATE_BARCODE:
		case PTEMPLATE_QR:
			expand(el->text, f, -1, buf, BUF);
			if (buf[0] != '\0')
				rc = push(o, &it, buf, strlen(buf));
			break;
		default:
			rc = push(o, &it, NULL, 0);
		}
	}
	free(buf);
	if (rc == -1)
		ptemplate_layout_cleanup(o);
	return rc;
}
