/* scanconf.h: what the config says about one scanner source: its
 * [scanner.NAME] section of motcuad.conf (docs/scanners.md), as a plain
 * value, and the staff terminal list scanner.terminals. config.c parses
 * the sections with the rest of the config, through its one key table;
 * the scan hub gets them in struct config and hands each to its shell.
 * Pure, and free of the scan interface (scan.h includes this file, not
 * the other way round), so that config.h can hold the sections. */
#ifndef SCANCONF_H
#define SCANCONF_H
#include <stdbool.h>
#include <stddef.h>

#include "lib/serialdev.h"

#define SCAN_DATA_MAX    512 /* bytes of one payload; longer: cut, reported */
#define SCAN_SOURCES_MAX 16  /* configured sources per daemon */
#define SCAN_NAME_MAX    32  /* bytes of a source or terminal name */
#define SCAN_DEVICE_MAX  256 /* device path, by-id path or vid:pid[:serial] */

enum scan_source_kind { SCAN_HID, SCAN_SERIAL, SCAN_CAMERA };
enum scan_end { SCAN_END_ENTER, SCAN_END_TAB, SCAN_END_NONE };

/* One [scanner.NAME] section of the config (docs/scanners.md). A plain
 * value: owns nothing. Fields a kind does not use are ignored. */
struct scanner_conf {
	char name[SCAN_NAME_MAX];
	enum scan_source_kind kind;
	char device[SCAN_DEVICE_MAX]; /* hid: /dev/input/by-id/... or
	                               * vid:pid[:serial]; serial: /dev/tty...;
	                               * camera: /dev/videoN */
	char terminal[SCAN_NAME_MAX]; /* where its scans go */
	/* hid */
	enum scan_end end;  /* the key that ends a scan */
	int idle_ms;        /* SCAN_END_NONE: a scan ends after this */
	int max_key_gap_ms; /* a longer gap between keys: typing, drop */
	int max_scan_ms;    /* a longer scan: typing, drop */
	int min_len;        /* shorter scans are dropped */
	/* serial */
	struct serial_line line; /* flow none, xonxoff or rtscts */
	char suffix[4]; /* frame end: "\r", "\n", "\r\n" (any of CR/LF when
	                 * "\r\n"), or "\t" */
	int max_line;   /* bytes; a longer line is cut and reported */
	/* camera */
	unsigned symbologies; /* bit (1u << enum scan_symbology) */
	bool inverted;        /* also read light-on-dark codes (phones) */
	int uncertainty;      /* ZBar's video uncertainty, frames */
};

/* "clerk1, desk1": names of [a-z0-9_-], 1..SCAN_NAME_MAX-1 bytes, at most
 * SCAN_SOURCES_MAX, none twice ("" is an empty list). NULL, or the problem
 * (static). */
const char *scanconf_terminals_parse(const char *spec,
    char out[SCAN_SOURCES_MAX][SCAN_NAME_MAX], size_t *count);

/* A scanner or terminal name: [a-z0-9_-] only (length not checked). */
bool scanconf_name_ok(const char *s, size_t len);

const char *scanconf_kind_name(enum scan_source_kind); /* "hid", ... */
#endif
