/* scanconf.h: the [scanner.NAME] sections of motcuad.conf (one scanner
 * source each, docs/scanners.md) and the staff terminal list
 * scanner.terminals. Pure: config.c hands over each section header and
 * key line; this file parses the values and checks the sections as a
 * whole. Messages name the key and the problem; config.c adds file:line. */
#ifndef SCANCONF_H
#define SCANCONF_H
#include <stdbool.h>
#include <stddef.h>

#include "scanner/scan.h"

#define SCANCONF_KEYS 19 /* keys of one [scanner.NAME] section */

/* Where each section and key was seen, while one file is parsed. */
struct scanconf_lines {
	int section[SCAN_SOURCES_MAX];
	int key[SCAN_SOURCES_MAX][SCANCONF_KEYS]; /* 0: not set */
	bool bad[SCAN_SOURCES_MAX];               /* a value was refused */
};

/* A [scanner.NAME] header, NAME being name[0..len). Adds a source with its
 * defaults to src[0..*count) and sets *index. NULL, or the problem (static
 * or in buf). */
const char *scanconf_section(struct scanconf_lines *, struct scanner_conf *src,
    size_t *count, const char *name, size_t len, int line, int *index,
    char *buf, size_t size);
/* key = value inside source index. NULL, or the problem (static or in buf;
 * it quotes the value where that helps). */
const char *scanconf_set(struct scanconf_lines *, struct scanner_conf *src,
    int index, const char *key, const char *value, int line, char *buf,
    size_t size);
/* The rules across keys once the file is read: required keys, each
 * source's terminal is a kiosk terminal or a staff one, device paths not
 * shared. report gets the line (0: none) and "scanner.NAME.key: problem".
 * kiosk_ids/staff_ids: NULL when their key was refused (not checked). */
typedef void scanconf_report(void *arg, int line, const char *text);
void scanconf_check(const struct scanconf_lines *,
    const struct scanner_conf *src, size_t count, const char *kiosk_spec,
    const char *staff_spec, scanconf_report *, void *arg);

/* "clerk1, desk1": names of [a-z0-9_-], 1..SCAN_NAME_MAX-1 bytes, at most
 * SCAN_SOURCES_MAX, none twice ("" is an empty list). NULL, or the problem
 * (static). */
const char *scanconf_terminals_parse(const char *spec,
    char out[SCAN_SOURCES_MAX][SCAN_NAME_MAX], size_t *count);

/* The names of the section keys, for docs and tests. */
const char *scanconf_key_name(size_t i);               /* NULL past the last */
const char *scanconf_kind_name(enum scan_source_kind); /* "hid", ... */
#endif
