/* config.c: motcuad's configuration, driven by one table of keys.
 *
 * libinih splits the INI text; a reader of our own sits under it, because
 * Debian 12's inih (r55) cuts lines at 200 bytes without a word, gives the
 * handler no line number, reads an indented line as the continuation of the
 * previous key, and reports a bad line only as "the first error was on line
 * N". The reader therefore counts lines, refuses everything inih would
 * mangle or reject, and hands inih only clean lines (an empty line in place
 * of a refused one, so both keep the same count). The handler then finds the
 * key in the table, parses the value by the row's type and range, and says
 * what is wrong as "file:line: section.key: problem". All problems are
 * collected; any problem fails the whole file.
 *
 * The table is config_keys.c. Its rows for [scanner.NAME] sections are
 * read the same way into that section's struct scanner_conf, and a
 * serial line (the printer's, a serial scanner's) is one struct
 * serial_line (lib/serialdev.h) whichever section holds it. */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config.h"
#include "lib/perr.h"
#include "config_int.h"
#include "core/termlist.h"
#include "core/textfold.h"
#include "scanner/scan.h" /* scan_symbologies_parse */

#define LINE_MAX_BYTES 200   /* with the newline: what inih r55 keeps */
#define FILE_MAX_BYTES 65536 /* a config is a page or two; refuse more */

struct parse {
	FILE *f;
	const char *name;
	struct config *cfg;
	struct perr errs;      /* the file's "name:line: problem" lines */
	int lineno;            /* of the line inih is working on */
	size_t total;          /* bytes read so far <= FILE_MAX_BYTES */
	const char *section;   /* the table's spelling; NULL before any */
	bool skip;             /* under a bad header: its keys go unchecked */
	int line[CONFIG_KEYS]; /* where each key was set; 0: not set */
	bool bad[CONFIG_KEYS]; /* its value was refused */
	/* [scanner.NAME] sections: cfg->scanners[0..cfg->nscanners) */
	int scan_src; /* the source of the current section, or -1 */
	char scan_section[8 + SCAN_NAME_MAX];
	int scan_line[SCAN_SOURCES_MAX];                     /* of its header */
	int scan_key[SCAN_SOURCES_MAX][CONFIG_SCANNER_KEYS]; /* 0: not set */
	bool scan_bad[SCAN_SOURCES_MAX]; /* a value refused */
};

/* ASCII on purpose: the <ctype.h> tests follow the locale. */
static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *parse_value(const struct config_key *, const char *, void *,
    char *, size_t);

/* [scanner.NAME], one scanner source: adds the section with its defaults
 * and returns its name, or NULL when s is not one (*reported when it
 * looked like one but was refused). */
static const char *
scanner_section(struct parse *p, const char *s, size_t len, bool *reported)
{
	struct config *c = p->cfg;
	const char *name = s + 8, *problem = NULL;
	char buf[80];
	size_t nlen, i;

	*reported = false;
	if (len < 8 || memcmp(s, "scanner.", 8) != 0)
		return NULL;
	nlen = len - 8;
	if (nlen == 0) {
		problem = "a scanner section needs a name: [scanner.NAME]";
	} else if (nlen >= SCAN_NAME_MAX) {
		snprintf(buf, sizeof buf, "scanner name longer than %d bytes",
		    SCAN_NAME_MAX - 1);
		problem = buf;
	} else if (!scanconf_name_ok(name, nlen))
		problem = "a scanner name has only a-z, 0-9, '_' and '-'";
	for (i = 0; problem == NULL && i < c->nscanners; i++)
		if (strlen(c->scanners[i].name) == nlen &&
		    memcmp(c->scanners[i].name, name, nlen) == 0) {
			snprintf(buf, sizeof buf,
			    "section given twice (first on line %d)",
			    p->scan_line[i]);
			problem = buf;
		}
	if (problem == NULL && c->nscanners >= SCAN_SOURCES_MAX) {
		snprintf(buf, sizeof buf, "more than %d scanner sections",
		    SCAN_SOURCES_MAX);
		problem = buf;
	}
	if (problem != NULL) {
		perr_add(&p->errs, p->lineno, "[%.*s]: %s", (int)len, s,
		    problem);
		*reported = true;
		return NULL;
	}
	p->scan_src = (int)c->nscanners++;
	/* zeroed whole, padding too: the reload compares sections bytewise */
	memset(&c->scanners[p->scan_src], 0, sizeof c->scanners[0]);
	memcpy(c->scanners[p->scan_src].name, name, nlen);
	for (i = 0; i < CONFIG_SCANNER_KEYS; i++)
		if (config_scanner_keys[i].def != NULL)
			(void)parse_value(&config_scanner_keys[i],
			    config_scanner_keys[i].def,
			    &c->scanners[p->scan_src], buf, sizeof buf);
	p->scan_line[p->scan_src] = p->lineno;
	snprintf(p->scan_section, sizeof p->scan_section, "%.*s", (int)len, s);
	return p->scan_section;
}

/* The field of row k in base: a struct config, or a struct scanner_conf
 * for the [scanner.NAME] rows. */
static void *
field(void *base, const struct config_key *k)
{
	return (char *)base + k->off;
}

static const void *
cfield(const void *base, const struct config_key *k)
{
	return (const char *)base + k->off;
}

/* Bytes of row k's field. */
static size_t
field_size(const struct config_key *k)
{
	switch (k->type) {
	case T_STR:
		return sizeof(char *);
	case T_INT:
	case T_TIME:
	case T_BAUD:
		return sizeof(int);
	case T_MODE:
	case T_SYMS:
		return sizeof(unsigned);
	case T_BOOL:
	case T_ENUM:
		return sizeof(bool);
	case T_WORD:
		return k->values != NULL ? sizeof(int) : (size_t)k->max;
	case T_CHARS:
		return (size_t)k->max;
	}
	return 0; /* not reached */
}

/* The standard rates a T_BAUD row takes, within its min..max. */
static const int bauds[] = { 1200, 2400, 4800, 9600, 19200, 38400, 57600,
	115200 };

/* Parses the value v of key k into its field of c. Returns NULL, or the
 * problem (static, or written to buf). A refused value leaves the field
 * as it was. */
static const char *
parse_value(const struct config_key *k, const char *v, void *c, char *buf,
    size_t size)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const char *problem, *s;
	char *end, *copy;
	size_t i, len;
	long n;

	switch (k->type) {
	case T_STR:
	case T_CHARS:
		len = strlen(v);
		if (k->nonempty && len == 0)
			return "must not be empty";
		if (!text_utf8(v, strlen(v)))
			return "not valid UTF-8";
		if (len >= 2 && (v[0] == '"' || v[0] == '\'') &&
		    v[len - 1] == v[0])
			return "remove the quotes: values are taken as written";
		if (k->check && (problem = k->check(v)) != NULL)
			return problem;
		if (k->type == T_CHARS) {
			if (len >= (size_t)k->max) {
				snprintf(buf, size, "longer than %ld bytes",
				    k->max - 1);
				return buf;
			}
			/* all of it: the reload compares sections bytewise */
			memset(field(c, k), 0, (size_t)k->max);
			memcpy(field(c, k), v, len);
			return NULL;
		}
		if ((copy = strdup(v)) == NULL)
			return "out of memory";
		free(*(char **)field(c, k));
		*(char **)field(c, k) = copy;
		return NULL;
	case T_INT:
		s = v[0] == '-' ? v + 1 : v;
		if (!is_digit(*s))
			return "not a whole number";
		errno = 0;
		n = strtol(v, &end, 10);
		if (*end != '\0')
			return "not a whole number";
		if (errno == ERANGE || n < k->min || n > k->max) {
			snprintf(buf, size, "out of range %ld..%ld", k->min,
			    k->max);
			return buf;
		}
		*(int *)field(c, k) = (int)n;
		return NULL;
	case T_BOOL:
		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
			if (strcmp(v, yes[i]) == 0 || strcmp(v, no[i]) == 0) {
				*(bool *)field(c, k) = strcmp(v, yes[i]) == 0;
				return NULL;
			}
		}
		return "expected true or false";
	case T_MODE:
		len = strlen(v);
		if (len < 1 || len > 4 || strspn(v, "01234567") != len)
			return "expected an octal mode such as 0660";
		errno = 0;
		n = strtol(v, &end, 8);
		if (*end != '\0' || errno == ERANGE)
			return "expected an octal mode such as 0660";
		if (n < k->min || n > k->max) {
			snprintf(buf, size, "out of range %04lo..%04lo", k->min,
			    k->max);
			return buf;
		}
		if (n & 07)
			return "gives access to others (the last digit must "
			       "be 0)";
		*(unsigned *)field(c, k) = (unsigned)n;
		return NULL;
	case T_TIME:
		/* "7:30" or "07:30"; strtol would take "+7" and " 7" */
		len = strlen(v);
		if ((len != 4 && len != 5) || v[len - 3] != ':' ||
		    !is_digit(v[0]) || !is_digit(v[len - 4]) ||
		    !is_digit(v[len - 2]) || !is_digit(v[len - 1]))
			return "expected hh:mm from 00:00 to 23:59";
		n = (len == 5 ? (v[0] - '0') * 10 : 0) + (v[len - 4] - '0');
		if (n > 23 || (v[len - 2] - '0') > 5)
			return "expected hh:mm from 00:00 to 23:59";
		n = n * 60 + (v[len - 2] - '0') * 10 + (v[len - 1] - '0');
		if (n < k->min || n > k->max) {
			snprintf(buf, size,
			    "out of range %02ld:%02ld..%02ld:%02ld",
			    k->min / 60, k->min % 60, k->max / 60, k->max % 60);
			return buf;
		}
		*(int *)field(c, k) = (int)n;
		return NULL;
	case T_ENUM:
		for (i = 0; i < 2; i++) {
			if (strcmp(v, k->words[i]) == 0) {
				*(bool *)field(c, k) = i == 1;
				return NULL;
			}
		}
		snprintf(buf, size, "expected %s or %s", k->words[0],
		    k->words[1]);
		return buf;
	case T_BAUD: {
		struct config_key as_int = { .type = T_INT,
			.min = k->min,
			.max = k->max };
		size_t count = 0, in_range = 0;
		int rate;

		if ((problem = parse_value(&as_int, v, &rate, buf, size)) !=
		    NULL)
			return problem;
		for (i = 0; i < sizeof bauds / sizeof bauds[0]; i++) {
			if (bauds[i] == rate) {
				*(int *)field(c, k) = rate;
				return NULL;
			}
			in_range += bauds[i] >= k->min && bauds[i] <= k->max;
		}
		/* "not 9600, 19200 or 115200": the standard rates in range */
		len = (size_t)snprintf(buf, size, "not");
		for (i = 0; i < sizeof bauds / sizeof bauds[0]; i++) {
			if (bauds[i] < k->min || bauds[i] > k->max ||
			    len >= size)
				continue;
			count++;
			len += (size_t)snprintf(buf + len, size - len, "%s %d",
			    count == 1              ? ""
			        : count == in_range ? " or"
			                            : ",",
			    bauds[i]);
		}
		return buf;
	}
	case T_WORD:
		for (i = 0; k->words[i] != NULL; i++) {
			if (strcmp(v, k->words[i]) != 0)
				continue;
			if (k->values != NULL) {
				*(int *)field(c, k) = k->values[i];
			} else {
				memset(field(c, k), 0, (size_t)k->max);
				snprintf(field(c, k), (size_t)k->max, "%s",
				    k->texts[i]);
			}
			return NULL;
		}
		if (k->msg != NULL)
			return k->msg;
		len = (size_t)snprintf(buf, size, "expected");
		for (i = 0; k->words[i] != NULL && len < size; i++)
			len += (size_t)snprintf(buf + len, size - len, "%s %s",
			    i == 0                        ? ""
			        : k->words[i + 1] == NULL ? " or"
			                                  : ",",
			    k->words[i]);
		return buf;
	case T_SYMS: {
		unsigned set;

		if (scan_symbologies_parse(v, &set) < 0)
			return "expected a list of code128, qr, ean13, code39, "
			       "itf";
		*(unsigned *)field(c, k) = set;
		return NULL;
	}
	}
	return "unknown type"; /* not reached */
}

static int
find_key(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < CONFIG_KEYS; i++)
		if (strcmp(config_keys[i].section, section) == 0 &&
		    strcmp(config_keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* The table's spelling of a section name, or NULL. */
static const char *
find_section(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < CONFIG_KEYS; i++)
		if (strlen(config_keys[i].section) == len &&
		    memcmp(config_keys[i].section, s, len) == 0)
			return config_keys[i].section;
	return NULL;
}

/* A key line's key and its length: the text before the first '=' or ':',
 * unless an inline comment (';' after a blank) comes first, which is where
 * inih looks. Returns NULL when there is no separator. */
static const char *
key_of(const char *s, size_t *len)
{
	const char *e;

	for (e = s; *e; e++) {
		if (*e == '=' || *e == ':')
			break;
		if (*e == ';' && e > s && is_blank(e[-1]))
			return NULL;
	}
	if (*e == '\0')
		return NULL;
	while (e > s && is_blank(e[-1]))
		e--;
	*len = (size_t)(e - s);
	return s;
}

/* The "section.key: " prefix of a line-level error, when the line looks
 * like a key in a known section; else "". */
static void
line_key(const struct parse *p, const char *s, char *buf, size_t size)
{
	const char *k;
	size_t len;

	buf[0] = '\0';
	if (p->section && !p->skip && (k = key_of(s, &len)) != NULL &&
	    len > 0 && len < 64)
		snprintf(buf, size, "%s.%.*s: ", p->section, (int)len, k);
}

/* inih's ini_reader: fills str (num bytes) with the next line, checked.
 * Refused lines are reported and passed on empty. NULL at end of input,
 * after a read error, or when the file is too big or too wrong. */
static char *
read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char buf[LINE_MAX_BYTES + 1], pre[80];
	size_t len = 0, limit, i, klen;
	const char *s, *t, *close;
	bool any = false, reported;
	int ch;

	if (p->errs.full || num < 2)
		return NULL;
	/* The content plus its newline must fit, and inih needs the NUL
	 * where the newline was. */
	limit = LINE_MAX_BYTES;
	if ((size_t)num < limit)
		limit = (size_t)num;
	while ((ch = getc(p->f)) != EOF) {
		any = true;
		if (++p->total > FILE_MAX_BYTES) {
			perr_add(&p->errs, 0, "larger than %d bytes",
			    FILE_MAX_BYTES);
			p->errs.full = true;
			return NULL;
		}
		if (ch == '\n')
			break;
		if (len < sizeof(buf) - 1)
			buf[len] = (char)ch;
		len++;
	}
	if (!any)
		return NULL;
	p->lineno++;
	str[0] = '\0';
	if (len + 1 > limit) {
		buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
		line_key(p, buf, pre, sizeof(pre));
		perr_add(&p->errs, p->lineno, "%sline longer than %zu bytes",
		    pre, limit);
		return str;
	}
	if (len > 0 && buf[len - 1] == '\r') /* CRLF */
		len--;
	buf[len] = '\0';
	s = buf;
	if (p->lineno == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3; /* a UTF-8 byte order mark; inih would skip it too */
	if (p->lineno == 1 && buf + len - s >= 3 &&
	    memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		/* inih would skip a second one as well and read what follows
		 * as a line our checks never saw (found by fuzz_config) */
		perr_add(&p->errs, p->lineno, "a second byte order mark");
		return str;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			perr_add(&p->errs, p->lineno,
			    "control character 0x%02x", c);
			return str;
		}
	}
	for (t = s; is_blank(*t); t++)
		;
	if (*t == '\0' || *t == ';' || *t == '#')
		return str; /* blank or comment */
	if (t != s) {
		perr_add(&p->errs, p->lineno,
		    "indented line (continuation lines are not supported)");
		return str;
	}
	if (*s == '[') {
		p->skip = true; /* until a good header */
		if ((close = strchr(s, ']')) == NULL) {
			perr_add(&p->errs, p->lineno, "no ']' after '['");
			return str;
		}
		for (t = close + 1; is_blank(*t); t++)
			;
		if (*t != '\0' && *t != ';' && *t != '#') {
			perr_add(&p->errs, p->lineno, "text after ']'");
			return str;
		}
		for (s++; is_blank(*s); s++)
			;
		while (close > s && is_blank(close[-1]))
			close--;
		p->scan_src = -1;
		if ((p->section = find_section(s, (size_t)(close - s))) ==
		        NULL &&
		    (p->section = scanner_section(p, s, (size_t)(close - s),
		         &reported)) == NULL) {
			if (!reported)
				perr_add(&p->errs, p->lineno,
				    "[%.*s]: unknown section", (int)(close - s),
				    s);
			return str;
		}
		p->skip = false;
		/* inih keeps blanks inside brackets; give it the name */
		snprintf(str, (size_t)num, "[%s]", p->section);
		return str;
	}
	if (key_of(s, &klen) == NULL) {
		perr_add(&p->errs, p->lineno, "expected key = value");
		return str;
	}
	if (klen == 0) {
		perr_add(&p->errs, p->lineno, "no key before '='");
		return str;
	}
	memcpy(str, s, (size_t)(buf + len - s) + 1);
	return str;
}

/* The row of key in table[0..count), or -1. */
static int
find_row(const struct config_key *table, size_t count, const char *key)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(table[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* inih's handler: one key = value of the line the reader just gave. In a
 * [scanner.NAME] section the rows are config_scanner_keys and the field is that
 * section's; elsewhere keys and the config. Messages are the same. */
static int
on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const struct config_key *k;
	const char *problem;
	char buf[128], kname[8 + SCAN_NAME_MAX + 64];
	int i, *line;
	bool *bad;
	void *base;

	if (p->skip)
		return 1; /* the header was reported */
	/* The reader passes only headers it has checked, so inih agrees. */
	(void)section; /* unused under NDEBUG */
	assert(strcmp(section, p->section ? p->section : "") == 0);
	if (p->section == NULL) {
		perr_add(&p->errs, p->lineno, "%s: key outside any [section]",
		    name);
		return 0;
	}
	if (p->scan_src >= 0) {
		i = find_row(config_scanner_keys, CONFIG_SCANNER_KEYS, name);
		k = i < 0 ? NULL : &config_scanner_keys[i];
		line = i < 0 ? NULL : &p->scan_key[p->scan_src][i];
		bad = &p->scan_bad[p->scan_src];
		base = &p->cfg->scanners[p->scan_src];
	} else {
		i = find_key(p->section, name);
		k = i < 0 ? NULL : &config_keys[i];
		line = i < 0 ? NULL : &p->line[i];
		bad = i < 0 ? NULL : &p->bad[i];
		base = p->cfg;
	}
	snprintf(kname, sizeof kname, "%s.%s", p->section, name);
	if (k == NULL) {
		perr_add(&p->errs, p->lineno, "%s: unknown key", kname);
		return 0;
	}
	if (*line != 0) {
		perr_add(&p->errs, p->lineno,
		    "%s: duplicate key (first set on line %d)", kname, *line);
		return 0;
	}
	*line = p->lineno;
	if ((problem = parse_value(k, value, base, buf, sizeof(buf))) != NULL) {
		*bad = true;
		if (*value == '\0')
			perr_add(&p->errs, p->lineno, "%s: %s", kname, problem);
		else
			perr_add(&p->errs, p->lineno, "%s: %s: '%s'", kname,
			    problem, value);
		return 0;
	}
	return 1;
}

/* The rules across [scanner.NAME] sections once the file is read: each
 * one's required keys, its terminal a kiosk or a staff terminal, no
 * device shared; and no staff terminal that is also a kiosk one.
 * kiosk_spec, staff_spec: NULL when their key was refused (not checked).
 * A section with a refused value is left out: more would be noise. */
static void
check_scanners(struct parse *p, const char *kiosk_spec, const char *staff_spec)
{
	const struct config *c = p->cfg;
	struct termlist_entry kt[TERMLIST_MAX];
	char staff[SCAN_SOURCES_MAX][SCAN_NAME_MAX];
	size_t nk = 0, ns = 0, i, j;
	bool known = kiosk_spec != NULL && staff_spec != NULL &&
	    termlist_parse(kiosk_spec, kt, &nk) == NULL &&
	    scanconf_terminals_parse(staff_spec, staff, &ns) == NULL;
	int dev = find_row(config_scanner_keys, CONFIG_SCANNER_KEYS, "device"),
	    term =
	        find_row(config_scanner_keys, CONFIG_SCANNER_KEYS, "terminal");

	assert(dev >= 0 && term >= 0);
	if (known)
		for (i = 0; i < ns; i++)
			for (j = 0; j < nk; j++)
				if (strcmp(staff[i], kt[j].id) == 0)
					perr_add(&p->errs, 0,
					    "scanner.terminals: '%s' is also a kiosk terminal",
					    staff[i]);
	for (i = 0; i < c->nscanners; i++) {
		const struct scanner_conf *sc = &c->scanners[i];
		const int *line = p->scan_key[i];
		bool found = false;

		if (p->scan_bad[i])
			continue;
		for (j = 0; j < CONFIG_SCANNER_KEYS; j++)
			if (config_scanner_keys[j].def == NULL && line[j] == 0)
				perr_add(&p->errs, p->scan_line[i],
				    "scanner.%s.%s: required key is missing",
				    sc->name, config_scanner_keys[j].key);
		if (line[term] == 0)
			continue;
		for (j = 0; j < nk; j++)
			found |= strcmp(kt[j].id, sc->terminal) == 0;
		for (j = 0; j < ns; j++)
			found |= strcmp(staff[j], sc->terminal) == 0;
		if (known && !found)
			perr_add(&p->errs, line[term],
			    "scanner.%s.terminal: '%s' is neither in kiosk.terminals nor in scanner.terminals",
			    sc->name, sc->terminal);
		for (j = 0; j < i; j++)
			if (line[dev] != 0 &&
			    strcmp(c->scanners[j].device, sc->device) == 0)
				perr_add(&p->errs, line[dev],
				    "scanner.%s.device: already used by [scanner.%s]",
				    sc->name, c->scanners[j].name);
	}
}

/* Rules across keys, and required keys, once the file is read. */
static void
check_whole(struct parse *p)
{
	const struct config *c = p->cfg;
	int o = find_key("office", "open"), cl = find_key("office", "close");
	size_t i;

	assert(o >= 0 && cl >= 0);
	{ /* the staff listener (docs/security.md) */
		const char *sl = c->staff_listen ? c->staff_listen : "";
		bool cert = c->staff_tls_cert && c->staff_tls_cert[0];
		bool key = c->staff_tls_key && c->staff_tls_key[0];

		if (cert != key)
			perr_add(&p->errs, 0,
			    "server.staff_tls_cert and server.staff_tls_key: set both or neither");
		if (sl[0] != '\0' && c->listen != NULL &&
		    strcmp(sl, c->listen) == 0)
			perr_add(&p->errs, 0,
			    "server.staff_listen: the same as server.listen; the public listener must stay apart");
		if (c->metrics_listen != NULL && c->metrics_listen[0] != '\0' &&
		    ((c->listen != NULL &&
		         strcmp(c->metrics_listen, c->listen) == 0) ||
		        strcmp(c->metrics_listen, sl) == 0))
			perr_add(&p->errs, 0,
			    "server.metrics_listen: the same as server.listen or server.staff_listen; it must be its own address");
	}
	if (c->backoff_max_ms < c->backoff_min_ms)
		perr_add(&p->errs, 0,
		    "sync.backoff_max_ms: less than sync.backoff_min_ms");
	/* every URL of upstream_url's list, then lgsp_auth_url */
	for (const char *url = c->upstream_url, *next; url != NULL;
	     url = next) {
		int u = url == c->lgsp_auth_url;
		const char *h;

		url += strspn(url, " \t");
		next = url + strcspn(url, " \t");
		if (*next == '\0')
			next = u ? NULL : c->lgsp_auth_url;
		if (strncmp(url, "http://", 7) != 0)
			continue;
		h = url + 7;

		/* plain http is for tests on this machine only */
		if (!c->insecure_http_loopback)
			perr_add(&p->errs, 0,
			    "sync.%s: http:// needs sync.insecure_http_loopback = true (tests only); use https://",
			    u == 0 ? "upstream_url" : "lgsp_auth_url");
		else if (strncmp(h, "127.", 4) != 0 &&
		    strncmp(h, "localhost", 9) != 0 &&
		    strncmp(h, "[::1]", 5) != 0)
			perr_add(&p->errs, 0,
			    "sync.%s: http:// is allowed only to a loopback address",
			    u == 0 ? "upstream_url" : "lgsp_auth_url");
	}
	if (c->lgsp && c->upstream_url != NULL && c->upstream_url[0] != '\0' &&
	    (c->lgsp_auth_url == NULL || c->lgsp_auth_url[0] == '\0' ||
	        c->lgsp_username == NULL || c->lgsp_username[0] == '\0' ||
	        c->lgsp_password_file == NULL ||
	        c->lgsp_password_file[0] == '\0'))
		perr_add(&p->errs, 0,
		    "sync.protocol: lgsp needs sync.lgsp_auth_url, sync.lgsp_username and sync.lgsp_password_file");
	for (i = 0; i < CONFIG_KEYS; i++)
		if (config_keys[i].def == NULL && p->line[i] == 0)
			perr_add(&p->errs, 0, "%s: required key is missing",
			    config_keys[i].name);
	if (!p->bad[o] && !p->bad[cl] && c->close_min <= c->open_min) {
		if (p->line[cl] != 0)
			perr_add(&p->errs, p->line[cl],
			    "office.close: not after office.open (%02d:%02d): '%02d:%02d'",
			    c->open_min / 60, c->open_min % 60,
			    c->close_min / 60, c->close_min % 60);
		else
			perr_add(&p->errs, p->line[o],
			    "office.open: not before office.close (%02d:%02d): '%02d:%02d'",
			    c->close_min / 60, c->close_min % 60,
			    c->open_min / 60, c->open_min % 60);
	}
	{
		int kt = find_key("kiosk", "terminals"),
		    st = find_key("scanner", "terminals");

		assert(kt >= 0 && st >= 0);
		check_scanners(p, p->bad[kt] ? NULL : c->kiosk_terminals,
		    p->bad[st] ? NULL : c->scanner_terminals);
	}
}

static int
parse_file(FILE *f, const char *name, struct config *out, char **errors)
{
	struct config c = { 0 };
	struct parse p = { .f = f, .name = name, .cfg = &c, .scan_src = -1 };
	char buf[64];
	const char *problem;
	size_t i;
	int rc;

	p.errs.file = name;
	for (i = 0; i < CONFIG_KEYS; i++) {
		if (config_keys[i].def == NULL)
			continue;
		problem = parse_value(&config_keys[i], config_keys[i].def, &c,
		    buf, sizeof(buf));
		if (problem != NULL) /* only "out of memory" */
			perr_add(&p.errs, 0, "%s: default: %s",
			    config_keys[i].name, problem);
	}
	errno = 0;
	rc = ini_parse_stream(read_line, &p, on_pair, &p);
	if (ferror(f))
		perr_add(&p.errs, 0, "read error: %s", strerror(errno));
	else if (!p.errs.full)
		check_whole(&p);
	if (rc != 0 && p.errs.count == 0 && !p.errs.oom)
		/* the reader lets through only lines inih takes */
		perr_add(&p.errs, rc, "cannot parse line");
	if (p.errs.count == 0 && !p.errs.oom) {
		*out = c;
		if (errors)
			*errors = NULL;
		return 0;
	}
	config_cleanup(&c);
	memset(out, 0, sizeof(*out));
	if (p.errs.oom) { /* a partial list would mislead */
		free(p.errs.buf);
		p.errs.buf = strdup("out of memory while reading the config\n");
	}
	if (errors)
		*errors = p.errs.buf;
	else
		free(p.errs.buf);
	return -1;
}

int
config_load(const char *path, struct config *out, char **errors)
{
	FILE *f;
	int rc;

	if ((f = fopen(path, "re")) == NULL) {
		memset(out, 0, sizeof(*out));
		if (errors &&
		    asprintf(errors, "%s: cannot open: %s\n", path,
		        strerror(errno)) < 0)
			*errors = NULL;
		return -1;
	}
	rc = parse_file(f, path, out, errors);
	fclose(f);
	return rc;
}

int
config_parse_mem(const char *buf, size_t len, const char *name,
    struct config *out, char **errors)
{
	FILE *f;
	int rc;

	if (name == NULL)
		name = "config";
	if (buf == NULL)
		buf = "", len = 0;
	/* fmemopen only reads; its prototype lacks the const */
	if ((f = fmemopen((void *)(uintptr_t)buf, len, "r")) == NULL) {
		memset(out, 0, sizeof(*out));
		if (errors &&
		    asprintf(errors, "%s: cannot read: %s\n", name,
		        strerror(errno)) < 0)
			*errors = NULL;
		return -1;
	}
	rc = parse_file(f, name, out, errors);
	fclose(f);
	return rc;
}

void
config_cleanup(struct config *c)
{
	size_t i;

	for (i = 0; i < CONFIG_KEYS; i++) {
		if (config_keys[i].type == T_STR) {
			free(*(char **)field(c, &config_keys[i]));
			*(char **)field(c, &config_keys[i]) = NULL;
		}
	}
}

static bool
same_value(const struct config_key *k, const struct config *a,
    const struct config *b)
{
	const void *x = cfield(a, k), *y = cfield(b, k);
	const char *s, *t;

	if (k->type != T_STR)
		return memcmp(x, y, field_size(k)) == 0;
	s = *(char *const *)x;
	t = *(char *const *)y;
	return strcmp(s ? s : "", t ? t : "") == 0;
}

int
config_restart_diff(const struct config *old, const struct config *new,
    char *buf, size_t size)
{
	size_t i, used = 0;
	int count = 0, n;

	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < CONFIG_KEYS; i++) {
		if (!config_keys[i].restart ||
		    same_value(&config_keys[i], old, new))
			continue;
		if (used < size) {
			n = snprintf(buf + used, size - used, "%s%s",
			    count ? ", " : "", config_keys[i].name);
			used = n < 0 ? size : used + (size_t)n;
		}
		count++;
	}
	/* [scanner.NAME] sections: the sources open at start only */
	if (old->nscanners != new->nscanners ||
	    memcmp(old->scanners, new->scanners,
	        old->nscanners * sizeof *old->scanners) != 0) {
		if (used < size) {
			n = snprintf(buf + used, size - used, "%s%s",
			    count ? ", " : "", "[scanner.*] sections");
			used = n < 0 ? size : used + (size_t)n;
		}
		count++;
	}
	return count;
}

/* Swaps one field between two configs, bytewise by its size: a string
 * swaps its pointer, so each stays owned by exactly one config. */
static void
swap_value(const struct config_key *k, struct config *a, struct config *b)
{
	unsigned char *x = field(a, k), *y = field(b, k), t;

	for (size_t i = 0; i < field_size(k); i++) {
		t = x[i];
		x[i] = y[i];
		y[i] = t;
	}
}

void
config_keep_restart(struct config *next, struct config *running)
{
	struct scanner_conf tmp[SCAN_SOURCES_MAX];
	size_t i, n;

	for (i = 0; i < CONFIG_KEYS; i++)
		if (config_keys[i].restart)
			swap_value(&config_keys[i], next, running);
	/* [scanner.NAME] sections own nothing: a plain swap */
	memcpy(tmp, next->scanners, sizeof tmp);
	memcpy(next->scanners, running->scanners, sizeof tmp);
	memcpy(running->scanners, tmp, sizeof tmp);
	n = next->nscanners;
	next->nscanners = running->nscanners;
	running->nscanners = n;
}

bool
config_key_restart(size_t i)
{
	return i < CONFIG_KEYS && config_keys[i].restart;
}

size_t
config_key_count(void)
{
	return CONFIG_KEYS;
}

const char *
config_key_name(size_t i)
{
	return i < CONFIG_KEYS ? config_keys[i].name : NULL;
}
