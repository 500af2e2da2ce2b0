/* pprofile.c: see pprofile.h. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/perr.h"
#include "printer/pprofile.h"

#define LINE_MAX_LEN 200

enum kt { K_STR, K_INT, K_BOOL, K_CMD, K_TEXT, K_CAP };

struct pkey {
	const char *name;
	enum kt type;
	size_t off;
	long min, max;
	bool required;
};

#define O(f) offsetof(struct pprofile, f)
static const struct pkey pkeys[] = {
	{ "name", K_STR, O(name), 1, PPROFILE_NAME_MAX, true },
	{ "description", K_STR, O(description), 0, 95, false },
	{ "width_dots", K_INT, O(width_dots), 256, 1024, true },
	{ "width_chars", K_INT, O(width_chars), 24, 64, true },
	{ "text", K_TEXT, O(text), 0, 0, false },
	{ "codepage_ascii", K_INT, O(cp_ascii), 0, 255, false },
	{ "codepage_tcvn3_lower", K_INT, O(cp_tcvn3_lower), 0, 255, false },
	{ "codepage_tcvn3_upper", K_INT, O(cp_tcvn3_upper), 0, 255, false },
	{ "codepage_cp1258", K_INT, O(cp_cp1258), 0, 255, false },
	{ "code128", K_CAP, O(code128_native), 0, 0, false },
	{ "qr", K_CAP, O(qr_native), 0, 0, false },
	{ "barcode_height", K_INT, O(barcode_height), 24, 255, false },
	{ "barcode_module", K_INT, O(barcode_module), 1, 6, false },
	{ "qr_module", K_INT, O(qr_module), 1, 16, false },
	{ "cut", K_CMD, O(cut), 0, 0, false },
	{ "status_printer", K_CMD, O(status_printer), 0, 0, false },
	{ "status_cause", K_CMD, O(status_cause), 0, 0, false },
	{ "status_paper", K_CMD, O(status_paper), 0, 0, false },
	{ "raster", K_STR, 0, 0, 0, false }, /* checked by name */
};
#define NKEYS (sizeof(pkeys) / sizeof(pkeys[0]))

const char *
pprofile_text_name(enum pp_text t)
{
	return t == PP_TEXT_TCVN3 ? "tcvn3"
	    : t == PP_TEXT_STRIP  ? "strip"
	                          : "raster";
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int
parse_cmd(const char *v, struct pp_cmd *c)
{
	char *end;

	c->len = 0;
	while (*v != '\0') {
		unsigned long b;

		while (*v == ' ')
			v++;
		if (*v == '\0')
			break;
		if (!isxdigit((unsigned char)v[0]) ||
		    !isxdigit((unsigned char)v[1]) ||
		    (v[2] != ' ' && v[2] != '\0'))
			return -1;
		b = strtoul(v, &end, 16);
		if (c->len == PPROFILE_CMD_MAX)
			return -1;
		c->b[c->len++] = (uint8_t)b;
		v = end;
	}
	return 0;
}

static void
set_key(const struct pkey *k, const char *v, struct pprofile *p, struct perr *e,
    int line)
{
	char *base = (char *)p + k->off, *end;
	long n;

	switch (k->type) {
	case K_STR:
		if (strcmp(k->name, "raster") == 0) {
			if (strcmp(v, "gs_v_0") != 0)
				perr_add(e, line,
				    "raster: only gs_v_0 is supported");
			return;
		}
		if ((long)strlen(v) < k->min || (long)strlen(v) > k->max) {
			perr_add(e, line, "%s: %ld to %ld characters", k->name,
			    k->min, k->max);
			return;
		}
		if (strcmp(k->name, "name") == 0)
			for (const char *c = v; *c; c++)
				if (!isalnum((unsigned char)*c) && *c != '-' &&
				    *c != '_') {
					perr_add(e, line,
					    "name: only letters, digits, - and _");
					return;
				}
		memcpy(base, v, strlen(v) + 1);
		return;
	case K_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || end == v || *end != '\0' || n < k->min ||
		    n > k->max) {
			perr_add(e, line, "%s: not a whole number in %ld..%ld",
			    k->name, k->min, k->max);
			return;
		}
		if (strcmp(k->name, "width_dots") == 0 && n % 8 != 0) {
			perr_add(e, line, "width_dots: not a multiple of 8");
			return;
		}
		*(int *)(void *)base = (int)n;
		return;
	case K_TEXT:
		if (strcmp(v, "raster") == 0)
			p->text = PP_TEXT_RASTER;
		else if (strcmp(v, "tcvn3") == 0)
			p->text = PP_TEXT_TCVN3;
		else if (strcmp(v, "strip") == 0)
			p->text = PP_TEXT_STRIP;
		else
			perr_add(e, line, "text: not raster, tcvn3 or strip");
		return;
	case K_CAP:
		if (strcmp(v, "native") == 0)
			*(bool *)(void *)base = true;
		else if (strcmp(v, "raster") == 0)
			*(bool *)(void *)base = false;
		else
			perr_add(e, line, "%s: not native or raster", k->name);
		return;
	case K_CMD:
		if (parse_cmd(v, (struct pp_cmd *)(void *)base) == -1)
			perr_add(e, line,
			    "%s: not up to %d hex bytes like \"1d 56 42 00\"",
			    k->name, PPROFILE_CMD_MAX);
		return;
	case K_BOOL:
		return;
	}
}

int
pprofile_parse(const char *buf, size_t len, const char *name,
    struct pprofile *p, char **errors)
{
	struct perr e = { .file = name };
	bool seen[NKEYS] = { false };
	int line = 0;
	size_t i = 0;

	memset(p, 0, sizeof *p);
	p->text = PP_TEXT_RASTER;
	p->cp_tcvn3_lower = p->cp_tcvn3_upper = p->cp_cp1258 = -1;
	p->barcode_height = 80;
	p->barcode_module = 2;
	p->qr_module = 6;
	if (len > PPROFILE_FILE_MAX)
		perr_add(&e, 0, "longer than %d bytes", PPROFILE_FILE_MAX);
	while (i < len) {
		char raw[LINE_MAX_LEN + 1], *l, *eq, *k, *v;
		size_t n = 0;
		const struct pkey *key = NULL;

		line++;
		while (i < len && buf[i] != '\n') {
			if (n < LINE_MAX_LEN)
				raw[n] = buf[i];
			n++;
			i++;
		}
		i++; /* the newline */
		if (n > LINE_MAX_LEN) {
			perr_add(&e, line, "line longer than %d bytes",
			    LINE_MAX_LEN);
			continue;
		}
		raw[n] = '\0';
		if (memchr(raw, '\0', n) != NULL) {
			perr_add(&e, line, "NUL byte");
			continue;
		}
		l = trim(raw);
		if (*l == '\0' || *l == '#')
			continue;
		if ((eq = strchr(l, '=')) == NULL) {
			perr_add(&e, line, "not \"key = value\"");
			continue;
		}
		*eq = '\0';
		k = trim(l);
		v = trim(eq + 1);
		for (size_t j = 0; j < NKEYS; j++)
			if (strcmp(pkeys[j].name, k) == 0) {
				key = &pkeys[j];
				if (seen[j])
					perr_add(&e, line, "%s: duplicate key",
					    k);
				seen[j] = true;
			}
		if (key == NULL) {
			perr_add(&e, line, "%.40s: unknown key", k);
			continue;
		}
		set_key(key, v, p, &e, line);
	}
	for (size_t j = 0; j < NKEYS; j++)
		if (pkeys[j].required && !seen[j])
			perr_add(&e, line, "%s: required key missing",
			    pkeys[j].name);
	if (p->text == PP_TEXT_TCVN3 &&
	    (p->cp_tcvn3_lower < 0 || p->cp_tcvn3_upper < 0))
		perr_add(&e, line,
		    "text: tcvn3 needs codepage_tcvn3_lower and "
		    "codepage_tcvn3_upper");
	if (p->width_dots > 0 && p->width_chars > 0 &&
	    p->width_dots / p->width_chars < 8)
		perr_add(&e, line, "width_chars: more than width_dots / 8");
	if (e.count > 0) {
		if (errors != NULL)
			*errors = perr_take(&e);
		else
			free(perr_take(&e));
		return -1;
	}
	if (errors != NULL)
		*errors = NULL;
	return 0;
}

int
pprofile_load(const char *path, struct pprofile *out, char **errors)
{
	size_t len;
	char *buf = perr_slurp(path, PPROFILE_FILE_MAX, &len);
	int rc;

	if (buf == NULL) {
		struct perr e = { .file = path };

		perr_add(&e, 0, "cannot be read: %s", strerror(errno));
		*errors = perr_take(&e);
		return -1;
	}
	rc = pprofile_parse(buf, len, path, out, errors);
	free(buf);
	return rc;
}
