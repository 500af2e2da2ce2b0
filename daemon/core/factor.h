/* factor.h: the kiosk's second factor, pure: the digits a person types,
 * and the last digits of a stored ID or phone number they are compared
 * with (the store compares them in constant time, store_kiosk.c). No I/O,
 * no clock, no allocation, no globals; any thread or fuzzer may call it.
 * What a scanned or typed text is, a token or a dossier code, is
 * core/scantext.h; the kiosk terminal list is core/termlist.h. */
#ifndef FACTOR_H
#define FACTOR_H
#include <stdbool.h>
#include <stddef.h>

#define FACTOR_LEN 4 /* digits of the second factor */

/* The second factor as typed: exactly FACTOR_LEN digits once spaces are
 * removed (full-width digits are accepted). Writes them and a NUL into
 * out; false when it is not that. */
bool factor_parse(const char *s, size_t len, char out[FACTOR_LEN + 1]);

/* The last FACTOR_LEN ASCII digits of a stored ID or phone number (other
 * characters skipped). False when it has fewer digits. */
bool factor_last_digits(const char *stored, size_t len,
    char out[FACTOR_LEN + 1]);

/* Which number opens a dossier by code at the kiosk (docs/privacy.md,
 * "Opening a dossier"): the one kiosk.second_factor names (prefer_phone)
 * when the dossier has it, with at least FACTOR_LEN digits; else the
 * other, so that a dossier registered without an ID number opens with
 * its phone's last digits whatever the setting; FACTOR_NONE when it has
 * neither, and then only its QR opens it. id_no and phone may be NULL. */
enum factor_kind { FACTOR_NONE, FACTOR_ID, FACTOR_PHONE };
enum factor_kind factor_choose(bool prefer_phone, const char *id_no,
    const char *phone);
/* "none", "id", "phone". */
const char *factor_kind_name(enum factor_kind);

#endif
