/* config_int.h: private to the config (config.c, the reader and the
 * machinery; config_keys.c, the table of keys and their checks), the way
 * SQLite keeps sqliteInt.h. Nothing else includes it. */
#ifndef CONFIG_INT_H
#define CONFIG_INT_H
#include <stdbool.h>
#include <stddef.h>

#define CONFIG_KEYS         97 /* rows of config_keys[] */
#define CONFIG_SCANNER_KEYS 18 /* rows of config_scanner_keys[] */

enum config_type {
	T_STR,   /* char *, owned */
	T_INT,   /* int, decimal, min..max */
	T_BOOL,  /* bool: true/yes/on/1 or false/no/off/0 */
	T_MODE,  /* unsigned, octal permission bits, none for others */
	T_TIME,  /* int minutes after midnight, written hh:mm */
	T_ENUM,  /* bool: false for words[0], true for words[1] */
	T_BAUD,  /* int, a standard rate in min..max */
	T_WORD,  /* one of words (NULL-terminated): its value, an int, or its
	          * text copied into a char array of max bytes */
	T_CHARS, /* char array of max bytes, NUL-terminated, owns nothing */
	T_SYMS,  /* unsigned, bits of scan symbologies (scan.h) */
};

struct config_key {
	const char *section;
	const char *key;
	const char *name; /* "section.key" */
	enum config_type type;
	size_t off;      /* of the field in struct config, or in struct
	                  * scanner_conf for the [scanner.NAME] rows */
	long min, max;   /* T_INT, T_MODE, T_BAUD; T_TIME in minutes; max is
	                  * the array's bytes for T_CHARS and T_WORD texts */
	const char *def; /* parsed like a value from the file; NULL:
	                  * the key is required */
	bool restart;    /* read at start-up only, not on SIGHUP */
	bool nonempty;   /* T_STR, T_CHARS: "" is refused */
	const char *const *words; /* T_ENUM: exactly two; T_WORD */
	const int *values;        /* T_WORD: one per word; NULL: texts */
	const char *const *texts; /* T_WORD: one per word */
	const char *msg;          /* T_WORD: the problem; NULL: "expected
	                           * a, b or c" */
	const char *(*check)(const char *); /* T_STR, T_CHARS: NULL, or the
	                                     * problem */
	const char *help;                   /* one line for people */
};

/* The one list of keys, and the rows of every [scanner.NAME] section. */
extern const struct config_key config_keys[];
extern const struct config_key config_scanner_keys[];
#endif
