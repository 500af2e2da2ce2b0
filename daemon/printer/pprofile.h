/* pprofile.h: printer profiles, read from data files (data/printer/
 * profiles/NAME.profile): paper width, code pages, native barcode and QR,
 * the raster, cut and status commands. A profile is a plain value that
 * owns nothing. Parsing is pure (a buffer and its name in, the value or
 * every problem as "file:line: key: problem" out).
 *
 * Format: one "key = value" a line; '#' starts a comment line. Keys and
 * their meaning are listed in docs/printing.md. Unknown or duplicate keys
 * and out-of-range values are errors. */
#ifndef PPROFILE_H
#define PPROFILE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PPROFILE_NAME_MAX 32
#define PPROFILE_CMD_MAX  16 /* bytes of one command */
#define PPROFILE_FILE_MAX 16384

enum pp_text {
	PP_TEXT_RASTER, /* Vietnamese lines as GS v 0 bitmaps (default) */
	PP_TEXT_TCVN3,  /* printer text in TCVN-3 (ESC t lower/upper) */
	PP_TEXT_STRIP,  /* printer text, diacritics stripped (explicit) */
};

struct pp_cmd {
	uint8_t b[PPROFILE_CMD_MAX];
	size_t len; /* 0: the printer has no such command */
};

struct pprofile {
	char name[PPROFILE_NAME_MAX + 1];
	char description[96];
	int width_dots;  /* printable width, a multiple of 8 */
	int width_chars; /* font A characters a line */
	enum pp_text text;
	int cp_ascii;                       /* ESC t for plain text */
	int cp_tcvn3_lower, cp_tcvn3_upper; /* -1: absent */
	int cp_cp1258;       /* -1: absent; never used for text */
	bool code128_native; /* GS k 73 with {B/{C; else raster */
	bool qr_native;      /* GS ( k; else raster */
	int barcode_height;  /* dots */
	int barcode_module;  /* dots a module */
	int qr_module;       /* dots a module */
	struct pp_cmd cut;   /* e.g. GS V 66 0 */
	struct pp_cmd status_printer, status_cause, status_paper;
};

/* Parses len bytes named name (for messages). 0, or -1 with the problems
 * in *errors (malloc'd, one per line; caller frees). */
int pprofile_parse(const char *buf, size_t len, const char *name,
    struct pprofile *out, char **errors);
/* Reads and parses the file at path. */
int pprofile_load(const char *path, struct pprofile *out, char **errors);
const char *pprofile_text_name(enum pp_text);
#endif
