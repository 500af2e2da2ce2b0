/* scanconf.c: see scanconf.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/kiosk.h"
#include "scanner/scanconf.h"

enum {
	K_TYPE,
	K_DEVICE,
	K_TERMINAL,
	K_END,
	K_IDLE_MS,
	K_MAX_KEY_GAP_MS,
	K_MAX_SCAN_MS,
	K_MIN_LEN,
	K_BAUD,
	K_DATA_BITS,
	K_PARITY,
	K_STOP_BITS,
	K_FLOW,
	K_SUFFIX,
	K_MAX_LINE,
	K_SYMBOLOGIES,
	K_INVERTED,
	K_UNCERTAINTY,
	K_COUNT_,
};

static const char *const key_names[] = { "type", "device", "terminal", "end",
	"idle_ms", "max_key_gap_ms", "max_scan_ms", "min_len", "baud",
	"data_bits", "parity", "stop_bits", "flow", "suffix", "max_line",
	"symbologies", "inverted", "uncertainty" };

_Static_assert(sizeof key_names / sizeof *key_names == K_COUNT_,
    "one name per key");
_Static_assert(K_COUNT_ <= SCANCONF_KEYS, "SCANCONF_KEYS too small");

struct ival {
	int key;
	size_t off;
	long min, max;
};
#define IV(k, f, lo, hi)                                    \
	{                                                   \
		k, offsetof(struct scanner_conf, f), lo, hi \
	}
static const struct ival ints[] = {
	IV(K_IDLE_MS, idle_ms, 10, 5000),
	IV(K_MAX_KEY_GAP_MS, max_key_gap_ms, 5, 5000),
	IV(K_MAX_SCAN_MS, max_scan_ms, 50, 60000),
	IV(K_MIN_LEN, min_len, 1, SCAN_DATA_MAX),
	IV(K_BAUD, baud, 1200, 115200),
	IV(K_DATA_BITS, data_bits, 7, 8),
	IV(K_STOP_BITS, stop_bits, 1, 2),
	IV(K_MAX_LINE, max_line, 8, SCAN_DATA_MAX),
	IV(K_UNCERTAINTY, uncertainty, 0, 10),
};

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	    c == '-';
}

const char *
scanconf_key_name(size_t i)
{
	return i < K_COUNT_ ? key_names[i] : NULL;
}

const char *
scanconf_kind_name(enum scan_source_kind k)
{
	switch (k) {
	case SCAN_HID:
		return "hid";
	case SCAN_SERIAL:
		return "serial";
	case SCAN_CAMERA:
		return "camera";
	}
	return "?";
}

static void
defaults(struct scanner_conf *c)
{
	memset(c, 0, sizeof *c);
	c->kind = SCAN_SERIAL;
	c->end = SCAN_END_ENTER;
	c->idle_ms = 100;
	c->max_key_gap_ms = 100; /* DOMAIN.md: a person is slower */
	c->max_scan_ms = 1500;
	c->min_len = 4;
	c->baud = 9600;
	c->data_bits = 8;
	c->stop_bits = 1;
	c->parity = 'N';
	c->flow = 'N';
	snprintf(c->suffix, sizeof c->suffix, "\r\n");
	c->max_line = SCAN_DATA_MAX;
	c->symbologies = 1u << SCAN_SYM_CODE128 | 1u << SCAN_SYM_QR;
	c->inverted = false;
	c->uncertainty = 2;
}

const char *
scanconf_section(struct scanconf_lines *l, struct scanner_conf *src,
    size_t *count, const char *name, size_t len, int line, int *index,
    char *buf, size_t size)
{
	*index = -1;
	if (len == 0)
		return "a scanner section needs a name: [scanner.NAME]";
	if (len >= SCAN_NAME_MAX) {
		snprintf(buf, size, "scanner name longer than %d bytes",
		    SCAN_NAME_MAX - 1);
		return buf;
	}
	for (size_t i = 0; i < len; i++)
		if (!name_char(name[i]))
			return "a scanner name has only a-z, 0-9, '_' and "
			       "'-'";
	for (size_t i = 0; i < *count; i++)
		if (strlen(src[i].name) == len &&
		    memcmp(src[i].name, name, len) == 0) {
			snprintf(buf, size,
			    "section given twice (first on line %d)",
			    l->section[i]);
			return buf;
		}
	if (*count >= SCAN_SOURCES_MAX) {
		snprintf(buf, size, "more than %d scanner sections",
		    SCAN_SOURCES_MAX);
		return buf;
	}
	defaults(&src[*count]);
	memcpy(src[*count].name, name, len);
	src[*count].name[len] = '\0';
	l->section[*count] = line;
	memset(l->key[*count], 0, sizeof l->key[*count]);
	l->bad[*count] = false;
	*index = (int)(*count)++;
	return NULL;
}

/* One word of words[] (NULL-terminated): its index, or -1. */
static int
word(const char *v, const char *const *words)
{
	for (int i = 0; words[i] != NULL; i++)
		if (strcmp(v, words[i]) == 0)
			return i;
	return -1;
}

static const char *
quoted(char *buf, size_t size, const char *what, const char *v)
{
	snprintf(buf, size, "%s: '%.60s'", what, v);
	return buf;
}

static const char *
set_symbologies(struct scanner_conf *c, const char *v, char *buf, size_t size)
{
	unsigned set;

	if (scan_symbologies_parse(v, &set) < 0)
		return quoted(buf, size,
		    "expected a list of code128, qr, ean13, code39, itf", v);
	c->symbologies = set;
	return NULL;
}

const char *
scanconf_set(struct scanconf_lines *l, struct scanner_conf *src, int index,
    const char *key, const char *value, int line, char *buf, size_t size)
{
	static const char *const types[] = { "hid", "serial", "camera", NULL };
	static const char *const ends[] = { "enter", "tab", "none", NULL };
	static const char *const parities[] = { "none", "even", "odd", NULL };
	static const char *const flows[] = { "none", "xonxoff", "rtscts",
		NULL };
	static const char *const suffixes[] = { "cr", "lf", "crlf", "tab",
		NULL };
	static const char *const bools[] = { "false", "true", "no", "yes",
		"off", "on", "0", "1", NULL };
	struct scanner_conf *c = &src[index];
	size_t len = strlen(value);
	int k, i;

	for (k = 0; k < K_COUNT_; k++)
		if (strcmp(key, key_names[k]) == 0)
			break;
	if (k == K_COUNT_)
		return "unknown key";
	if (l->key[index][k] != 0) {
		snprintf(buf, size, "duplicate key (first set on line %d)",
		    l->key[index][k]);
		return buf;
	}
	l->key[index][k] = line;
	for (size_t j = 0; j < sizeof ints / sizeof *ints; j++) {
		char *end;
		long n;

		if (ints[j].key != k)
			continue;
		errno = 0;
		n = strtol(value, &end, 10);
		if (len == 0 ||
		    !(value[0] == '-' ||
		        (value[0] >= '0' && value[0] <= '9')) ||
		    *end != '\0')
			goto bad_quoted_int;
		if (errno == ERANGE || n < ints[j].min || n > ints[j].max) {
			snprintf(buf, size, "out of range %ld..%ld: '%.20s'",
			    ints[j].min, ints[j].max, value);
			goto bad;
		}
		if (k == K_BAUD && n != 1200 && n != 2400 && n != 4800 &&
		    n != 9600 && n != 19200 && n != 38400 && n != 57600 &&
		    n != 115200) {
			snprintf(buf, size,
			    "not 1200, 2400, 4800, 9600, 19200, 38400, 57600 "
			    "or 115200: '%.20s'",
			    value);
			goto bad;
		}
		*(int *)(void *)((char *)c + ints[j].off) = (int)n;
		return NULL;
	bad_quoted_int:
		quoted(buf, size, "not a whole number", value);
	bad:
		l->bad[index] = true;
		return buf;
	}
	switch (k) {
	case K_TYPE:
		if ((i = word(value, types)) < 0)
			break;
		c->kind = i == 0 ? SCAN_HID
		    : i == 1     ? SCAN_SERIAL
		                 : SCAN_CAMERA;
		return NULL;
	case K_DEVICE:
		if (len == 0) {
			l->bad[index] = true;
			return "must not be empty";
		}
		if (len >= SCAN_DEVICE_MAX) {
			l->bad[index] = true;
			snprintf(buf, size, "longer than %d bytes",
			    SCAN_DEVICE_MAX - 1);
			return buf;
		}
		memcpy(c->device, value, len + 1);
		return NULL;
	case K_TERMINAL:
		if (len == 0 || len >= SCAN_NAME_MAX) {
			l->bad[index] = true;
			snprintf(buf, size,
			    "a terminal id of 1 to %d bytes: '%.40s'",
			    SCAN_NAME_MAX - 1, value);
			return buf;
		}
		for (size_t j = 0; j < len; j++)
			if (!name_char(value[j])) {
				l->bad[index] = true;
				return quoted(buf, size,
				    "a terminal id has only a-z, 0-9, '_' and "
				    "'-'",
				    value);
			}
		memcpy(c->terminal, value, len + 1);
		return NULL;
	case K_END:
		if ((i = word(value, ends)) < 0)
			break;
		c->end = i == 0 ? SCAN_END_ENTER
		    : i == 1    ? SCAN_END_TAB
		                : SCAN_END_NONE;
		return NULL;
	case K_PARITY:
		if ((i = word(value, parities)) < 0)
			break;
		c->parity = "NEO"[i];
		return NULL;
	case K_FLOW:
		if ((i = word(value, flows)) < 0)
			break;
		c->flow = "NXR"[i];
		return NULL;
	case K_SUFFIX:
		if ((i = word(value, suffixes)) < 0)
			break;
		snprintf(c->suffix, sizeof c->suffix, "%s",
		    i == 0       ? "\r"
		        : i == 1 ? "\n"
		        : i == 2 ? "\r\n"
		                 : "\t");
		return NULL;
	case K_SYMBOLOGIES:
		if (set_symbologies(c, value, buf, size) == NULL)
			return NULL;
		l->bad[index] = true;
		return buf;
	case K_INVERTED:
		if ((i = word(value, bools)) < 0)
			break;
		c->inverted = i % 2 == 1;
		return NULL;
	default:
		break;
	}
	l->bad[index] = true;
	switch (k) {
	case K_TYPE:
		return quoted(buf, size, "expected hid, serial or camera",
		    value);
	case K_END:
		return quoted(buf, size, "expected enter, tab or none", value);
	case K_PARITY:
		return quoted(buf, size, "expected none, even or odd", value);
	case K_FLOW:
		return quoted(buf, size, "expected none, xonxoff or rtscts",
		    value);
	case K_SUFFIX:
		return quoted(buf, size, "expected cr, lf, crlf or tab", value);
	default:
		return quoted(buf, size, "expected true or false", value);
	}
}

const char *
scanconf_terminals_parse(const char *spec,
    char out[SCAN_SOURCES_MAX][SCAN_NAME_MAX], size_t *count)
{
	const char *p = spec;
	size_t n = 0;

	*count = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return NULL;
	for (;;) {
		const char *s = p, *e = strchr(p, ',');
		size_t len;

		if (e == NULL)
			e = p + strlen(p);
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		len = (size_t)(e - s);
		if (len == 0)
			return "empty terminal entry";
		if (len >= SCAN_NAME_MAX)
			return "a terminal id is longer than 31 bytes";
		for (size_t i = 0; i < len; i++)
			if (!name_char(s[i]))
				return "a terminal id has only a-z, 0-9, '_' "
				       "and '-'";
		if (n == SCAN_SOURCES_MAX)
			return "more than 16 terminals";
		memcpy(out[n], s, len);
		out[n][len] = '\0';
		for (size_t i = 0; i < n; i++)
			if (strcmp(out[i], out[n]) == 0)
				return "terminal id listed twice";
		n++;
		if ((p = strchr(p, ',')) == NULL)
			break;
		p++;
	}
	*count = n;
	return NULL;
}

void
scanconf_check(const struct scanconf_lines *l, const struct scanner_conf *src,
    size_t count, const char *kiosk_spec, const char *staff_spec,
    scanconf_report *report, void *arg)
{
	struct kiosk_terminal kt[KIOSK_TERMINALS_MAX];
	char staff[SCAN_SOURCES_MAX][SCAN_NAME_MAX];
	size_t nk = 0, ns = 0;
	bool known = kiosk_spec != NULL && staff_spec != NULL &&
	    kiosk_terminals_parse(kiosk_spec, kt, &nk) == NULL &&
	    scanconf_terminals_parse(staff_spec, staff, &ns) == NULL;
	char text[200];

	if (known)
		for (size_t i = 0; i < ns; i++)
			for (size_t j = 0; j < nk; j++)
				if (strcmp(staff[i], kt[j].id) == 0) {
					snprintf(text, sizeof text,
					    "scanner.terminals: '%s' is "
					    "also a kiosk terminal",
					    staff[i]);
					report(arg, 0, text);
				}
	for (size_t i = 0; i < count; i++) {
		const struct scanner_conf *c = &src[i];
		static const int required[] = { K_TYPE, K_DEVICE, K_TERMINAL };
		bool found = false;

		if (l->bad[i])
			continue; /* reported; the rest would be noise */
		for (size_t r = 0; r < 3; r++)
			if (l->key[i][required[r]] == 0) {
				snprintf(text, sizeof text,
				    "scanner.%s.%s: required key is missing",
				    c->name, key_names[required[r]]);
				report(arg, l->section[i], text);
			}
		if (l->key[i][K_TERMINAL] == 0)
			continue;
		for (size_t j = 0; j < nk; j++)
			found |= strcmp(kt[j].id, c->terminal) == 0;
		for (size_t j = 0; j < ns; j++)
			found |= strcmp(staff[j], c->terminal) == 0;
		if (known && !found) {
			snprintf(text, sizeof text,
			    "scanner.%s.terminal: '%s' is neither in "
			    "kiosk.terminals nor in scanner.terminals",
			    c->name, c->terminal);
			report(arg, l->key[i][K_TERMINAL], text);
		}
		for (size_t j = 0; j < i; j++)
			if (l->key[i][K_DEVICE] != 0 &&
			    strcmp(src[j].device, c->device) == 0) {
				snprintf(text, sizeof text,
				    "scanner.%s.device: already used by "
				    "[scanner.%s]",
				    c->name, src[j].name);
				report(arg, l->key[i][K_DEVICE], text);
			}
	}
}
