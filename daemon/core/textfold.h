/* textfold.h: Vietnamese text helpers on utf8proc. Pure.
 * - fold: NFC, then strip diacritics, map đ/Đ to d, lower-case, collapse
 *   runs of white space: "Nguyễn  Văn An" -> "nguyen van an". Used for
 *   accent-insensitive search on both the stored name and the query.
 * - mask: a kiosk-safe name, the rule documented in docs/privacy.md. */
#ifndef TEXTFOLD_H
#define TEXTFOLD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..len) is valid UTF-8 with no NUL and no control
 * characters other than tab. */
bool text_valid(const char *s, size_t len);
/* True when s[0..len) is valid UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF) with no NUL; other controls are the caller's
 * business. For untrusted bytes (scans, config values). */
bool text_utf8(const void *s, size_t len);
/* NFC-normalise into buf. Returns the length, or -1 on invalid UTF-8 or
 * when it does not fit. */
int text_nfc(const char *s, size_t len, char *buf, size_t size);
/* Compatibility decomposition without marks, into code points: full-width
 * "１２" -> "12", "ễ" -> "e", "Đ" kept (it has no decomposition). For
 * text a person types or a scanner reads, before a strict parser. Returns
 * the count written to cp[0..max), or -1 when s[0..len) is empty, not
 * UTF-8 or needs more than max code points. */
int text_compat(const char *s, size_t len, int32_t *cp, size_t max);
/* Fold (see above) into buf; returns length or -1. */
int text_fold(const char *s, size_t len, char *buf, size_t size);
/* Mask a person's name for the kiosk: every word keeps its first letter,
 * the first word keeps its first two letters when it has 4 or more, and
 * each other letter becomes '*': "Nguyễn Văn An" -> "Ng**** V** A*".
 * Returns the length or -1. */
int text_mask_name(const char *s, size_t len, char *buf, size_t size);
#endif
