/* counter_pages.c: the counter desk's page and assets, and the one read
 * the page needs beyond the dossier routes: what a scan names. */
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "core/factor.h"
#include "core/scantext.h"
#include "counter/api_counter.h"
#include "http/reply.h"
#include "http/request.h"
#include "store/store.h"
#include "store/storerc.h"

/* daemon/counter/counter_assets.S */
extern const char counter_html[], counter_html_end[];
extern const char counter_js[], counter_js_end[];
extern const char counter_css[], counter_css_end[];

/* All no-store (the page's default): a new build's page must never meet
 * an old cached script. */
static const struct page {
	const char *path, *type;
	const char *start, *end;
} pages[] = {
	{ "/staff/counter", "text/html; charset=utf-8", counter_html,
	    counter_html_end },
	{ "/staff/counter/counter.js", "text/javascript; charset=utf-8",
	    counter_js, counter_js_end },
	{ "/staff/counter/counter.css", "text/css; charset=utf-8", counter_css,
	    counter_css_end },
};

void
counter_route_page(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)c;
	(void)pp;
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		if (strcmp(hr->path, pages[i].path) == 0) {
			r->static_body = pages[i].start;
			r->len = (size_t)(pages[i].end - pages[i].start);
			r->content_type = pages[i].type;
			return;
		}
	}
	reply_error(r, 404, "path", "no such resource");
}

/* GET /api/v1/counter/resolve?scan=TEXT: the code a scanned or typed
 * text names (a token, a lookup URL, a code in any spelling), so a scan
 * of the receipt's QR opens the dossier like its barcode does. Reads
 * only the code: the page then reads the dossier, which is audited as
 * any staff read. */
void
counter_route_resolve(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	const char *scan = http_query(hr, "scan");
	struct scantext st;
	struct store_lookup lk;
	enum store_rc rc;

	(void)pp;
	if (scan == NULL || *scan == '\0') {
		reply_error(r, 400, "scan", "required");
		return;
	}
	scantext_classify(scan, strlen(scan), &st);
	if (st.kind == SCANTEXT_UNKNOWN) {
		reply_error(r, 400, "scan",
		    "not a receipt's token, lookup URL or dossier code");
		return;
	}
	if (st.kind == SCANTEXT_CODE) {
		reply_json(r, 200, json_pack("{s:s}", "code", st.value));
		return;
	}
	rc = store_lookup_token(c->store, st.value, &lk);
	if (rc != STORE_OK) {
		reply_error(r, storerc_status(rc), "scan",
		    rc == STORE_NOTFOUND ? "no dossier has this token"
		                         : "the store cannot be read");
		return;
	}
	reply_json(r, 200, json_pack("{s:s}", "code", lk.code));
}

/* POST /api/v1/counter/factor {"owner_id_no", "phone"} -> {"kiosk_factor":
 * "id"|"phone"|"none"}: which number will open the dossier by code at the
 * kiosk, by the rule intake records (factor_choose with
 * kiosk.second_factor), so that the desk warns before the receipt prints
 * with the daemon's own rule, not a copy of it. A POST so that the numbers
 * stay out of URLs; nothing is written, logged or audited (the reply
 * names no one). */
void
counter_route_factor(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	struct request_body b;
	const char *id_no = NULL, *phone = NULL;

	(void)pp;
	if (request_body_parse(&b, hr) != 0 ||
	    request_body_str(&b, "owner_id_no", false, 64, &id_no) != 0 ||
	    request_body_str(&b, "phone", false, 64, &phone) != 0) {
		request_body_error(r, &b);
		return;
	}
	reply_json(r, 200,
	    json_pack("{s:s}", "kiosk_factor",
	        factor_kind_name(
	            factor_choose(c->cfg->kiosk_factor_phone, id_no, phone))));
	json_decref(b.root);
}
