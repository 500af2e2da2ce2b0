/* api_pages.c: the kiosk page, for every listener. */
#include <string.h>

#include "api/api_int.h"

/* Embedded assets from lookup-ui/ (daemon/kiosk/assets.S). */
extern const char ui_index_html[], ui_index_html_end[];

/* "/" and "/l/{token}": the page reads the token itself. */
void
api_page(const struct route_ctx *a, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)a;
	(void)hr;
	(void)pp;
	r->static_body = ui_index_html;
	r->len = (size_t)(ui_index_html_end - ui_index_html);
	r->content_type = "text/html; charset=utf-8";
}
