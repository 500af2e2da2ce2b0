/* kiosk.h: the pure core of the public kiosk (docs/kiosk.md). No I/O, no
 * clock, no allocation, no globals: what a scanned or typed text is, the
 * second factor a person types, and the last digits of a stored ID or phone
 * number (the terminal list is core/termlist.h). Any thread or fuzzer may
 * call it. The loop-side parts (event streams, rate limits, routes) are in
 * kiosk_api.c. */
#ifndef KIOSK_H
#define KIOSK_H
#include <stdbool.h>
#include <stddef.h>

#include "core/dcode.h"
#include "core/termlist.h"
#include "core/token.h"

#define KIOSK_TERMINALS_MAX TERMLIST_MAX /* the list: core/termlist.h */
#define KIOSK_ID_MAX        TERMLIST_ID_MAX
#define KIOSK_SCAN_MAX      512 /* bytes of a scan payload; longer: refused */
#define KIOSK_FACTOR_LEN    4   /* digits of the second factor */

/* Normalises a dossier code typed or scanned by a person: compatibility
 * forms (full-width digits), diacritics a Vietnamese keyboard may add,
 * any dash-like character, spaces and lower case are all forgiven, then
 * the code must parse (leniently, docs/domain.md). Writes the canonical
 * code into out. Returns DCODE_OK or the parser's error for the hint. */
enum dcode_err kiosk_code_normalise(const char *s, size_t len,
    char out[DCODE_TEXT_MAX + 1]);

/* The second factor as typed: exactly KIOSK_FACTOR_LEN digits once
 * spaces are removed (full-width digits are accepted). Writes them and a
 * NUL into out; false when it is not that. */
bool kiosk_factor_parse(const char *s, size_t len,
    char out[KIOSK_FACTOR_LEN + 1]);

/* The last KIOSK_FACTOR_LEN ASCII digits of a stored ID or phone number
 * (other characters skipped). False when it has fewer digits. */
bool kiosk_last_digits(const char *stored, size_t len,
    char out[KIOSK_FACTOR_LEN + 1]);

/* What a scan is. Our receipts carry the lookup URL (".../l/TOKEN") or a
 * bare token in the QR, and the dossier code in the Code 128. */
enum kiosk_scan_kind {
	KIOSK_SCAN_TOKEN,   /* value: the normalised token */
	KIOSK_SCAN_CODE,    /* value: the canonical dossier code */
	KIOSK_SCAN_UNKNOWN, /* nothing usable: the value is empty */
};
struct kiosk_scan {
	enum kiosk_scan_kind kind;
	char value[DCODE_TEXT_MAX + 1]; /* >= TOKEN_LEN + 1 */
};
/* Classifies len bytes of untrusted scanner output (binary allowed).
 * Never copies the payload itself: only a token or a code that parsed. */
void kiosk_scan_classify(const void *payload, size_t len,
    struct kiosk_scan *out);
const char *kiosk_scan_kind_name(enum kiosk_scan_kind);
#endif
