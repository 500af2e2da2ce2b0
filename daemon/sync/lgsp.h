/* lgsp.h: the national-portal adapter (docs/domain.md, "The national portal").
 * Maps our sync wire items (syncproto, store_outbox_next) to the field names of
 * the DVCQG services DongBoHoSoMC and CapNhatTienDoHoSoMC as an LGSP/NGSP
 * adapter expects them, and reads its replies. Pure: no I/O. Dates are sent as
 * yyyyMMddHHmmss in UTC+7; statuses, channels and flags as strings. */
#ifndef LGSP_H
#define LGSP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define LGSP_REPLY_MAX   (64 * 1024)
#define LGSP_MSG_MAX     512
#define LGSP_SUMMARY_MAX 1000 /* characters of TrichYeuHoSo */

/* 20260105093200 for 2026-01-05 09:32:00 +07:00; "" for t == 0. */
void lgsp_date(int64_t t, char out[15]);

/* The request body for one wire item (one dossier per call, so that an
 * error names one dossier): DongBoHoSoMC for a new dossier (isUpdating
 * "False", or "True" when resending after "already exists") and for a
 * supplement or apology (an update carrying DanhSachHoSoBoSung with
 * NgayHenTraTruoc / NgayHenTraMoi); CapNhatTienDoHoSoMC for a status
 * change. session and madonvi are copied. NULL when the item lacks what
 * the service needs (err says which field). */
json_t *lgsp_request(const json_t *item, const char *session,
    const char *madonvi, bool updating, char err[LGSP_MSG_MAX]);

enum lgsp_outcome {
	LGSP_OK,      /* error_code "0" or "00" (string or number) */
	LGSP_EXISTS,  /* "3" / "-3" with "đã tồn tại": resend as update */
	LGSP_REFUSED, /* any other error_code: msg has code and message */
	LGSP_BAD,     /* not a reply at all: retry later, mark nothing */
};
/* Reads a service reply {error_code, message}. */
enum lgsp_outcome lgsp_reply(const char *buf, size_t len,
    char msg[LGSP_MSG_MAX]);
/* Reads a login reply {session, error_code}: 0 with the session copied,
 * -1 with the reason. */
int lgsp_login_reply(const char *buf, size_t len, char *session,
    size_t session_size, char msg[LGSP_MSG_MAX]);
#endif
