/* lookupview.c: the kiosk view of a dossier (lookupview.h). */
#include <stdbool.h>
#include <stdlib.h>

#include "core/calendar.h"
#include "core/status.h"
#include "kiosk/lookupview.h"
#include "lib/jsonw.h"

/* Status 1 (registered, not yet accepted) said by how the dossier came
 * in: the generic label reads "submitted online", which misleads a
 * citizen who came to the counter or sent the papers by post. Indexed by
 * enum channel. */
static const struct {
	const char *label_vi, *label_en, *kiosk_vi, *kiosk_en;
} submitted[] = {
	[CHANNEL_COUNTER] = { "Mới đăng ký tại quầy",
	    "Registered at the counter, not yet accepted",
	    "Đã đăng ký, chờ tiếp nhận", "Registered, waiting to be accepted" },
	[CHANNEL_ONLINE] = { "Mới nộp trực tuyến",
	    "Submitted online, not yet accepted",
	    "Đã nộp trực tuyến, chờ tiếp nhận",
	    "Submitted online, waiting to be accepted" },
	[CHANNEL_POSTAL] = { "Mới gửi qua bưu điện",
	    "Sent by post, not yet accepted",
	    "Đã gửi qua bưu điện, chờ tiếp nhận",
	    "Sent by post, waiting to be accepted" },
};

/* A postal packet the office resolved as lost (store_lookup.lost_item):
 * the dossier never arrived, so it is neither "being processed" nor due. */
#define LOST_LABEL_VI "Bưu gửi bị thất lạc"
#define LOST_LABEL_EN "Postal packet lost"
#define LOST_KIOSK_VI "Bưu gửi chứa hồ sơ đã bị thất lạc"
#define LOST_KIOSK_EN "The packet with this dossier was lost"

static void
write_status(struct jsonw *w, const struct store_lookup *v)
{
	bool lost = v->lost_item[0] != '\0';
	bool by_channel = v->status == ST_SUBMITTED &&
	    v->channel >= CHANNEL_COUNTER && v->channel <= CHANNEL_POSTAL;

	jsonw_open(w, "status");
	jsonw_int(w, "code", v->status);
	/* the name stays the API's status name; postal_lost says the rest */
	jsonw_str(w, "name", status_name(v->status));
	jsonw_str(w, "label_vi",
	    lost             ? LOST_LABEL_VI
	        : by_channel ? submitted[v->channel].label_vi
	                     : status_label_vi(v->status));
	jsonw_str(w, "label_en",
	    lost             ? LOST_LABEL_EN
	        : by_channel ? submitted[v->channel].label_en
	                     : status_label_en(v->status));
	jsonw_str(w, "kiosk_vi",
	    lost             ? LOST_KIOSK_VI
	        : by_channel ? submitted[v->channel].kiosk_vi
	                     : status_kiosk_vi(v->status));
	jsonw_str(w, "kiosk_en",
	    lost             ? LOST_KIOSK_EN
	        : by_channel ? submitted[v->channel].kiosk_en
	                     : status_kiosk_en(v->status));
	jsonw_close(w);
}

long
lookupview_write(const struct store_lookup *v, int64_t now, char *buf,
    size_t size)
{
	char rec[32], due[32], upd[32], day[16], apo[32];
	struct jsonw w;

	cal_format_iso(v->received_at, rec);
	cal_format_iso(v->due_at, due);
	cal_format_iso(v->updated_at, upd);
	cal_format_date(cal_local_day(v->received_at), day);
	jsonw_init(&w, buf, size);
	jsonw_open(&w, NULL);
	jsonw_str(&w, "procedure", v->procedure_name);
	jsonw_str(&w, "received_on", day);
	jsonw_str(&w, "received_at", rec);
	if (v->due_at != 0) /* a postal dossier has none until accepted */
		jsonw_str(&w, "due_at", due);
	else
		jsonw_null(&w, "due_at");
	write_status(&w, v);
	jsonw_str(&w, "channel", channel_name(v->channel));
	/* what to do about a lost packet: ask the post office, with its id */
	if (v->lost_item[0] != '\0') {
		jsonw_open(&w, "postal_lost");
		jsonw_str(&w, "item_id", v->lost_item);
		jsonw_close(&w);
	} else {
		jsonw_null(&w, "postal_lost");
	}
	jsonw_bool(&w, "overdue",
	    v->due_at != 0 && status_overdue(v->status, v->due_at, now));
	jsonw_bool(&w, "result_ready", v->status == ST_RESULT_READY);
	jsonw_bool(&w, "result_returned", v->status == ST_RETURNED);
	jsonw_open(&w, "collect");
	jsonw_str(&w, "delivery", delivery_name(v->delivery));
	jsonw_str(&w, "place", v->collect_at);
	jsonw_close(&w);
	jsonw_str(&w, "applicant", v->masked_name);
	jsonw_str(&w, "updated_at", upd);
	if (v->apology_due_at != 0) {
		cal_format_iso(v->apology_due_at, apo);
		jsonw_open(&w, "apology");
		jsonw_str(&w, "new_due_at", apo);
		jsonw_close(&w);
	} else {
		jsonw_null(&w, "apology");
	}
	jsonw_close(&w);
	return jsonw_finish(&w);
}

json_t *
lookupview_json(const struct store_lookup *v, int64_t now)
{
	char *buf = malloc(LOOKUPVIEW_MAX);
	long n = buf ? lookupview_write(v, now, buf, LOOKUPVIEW_MAX) : -1;
	json_t *j = n >= 0 ? json_loadb(buf, (size_t)n, 0, NULL) : NULL;

	free(buf);
	return j;
}
