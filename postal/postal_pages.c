/* postal_pages.c: the postal staff pages. See postal_pages.h. */
#include <string.h>

#include "http/reply.h"
#include "postal/postal_pages.h"

/* postal/postal_assets.S */
extern const char postal_clerk_html[], postal_clerk_html_end[];
extern const char postal_office_html[], postal_office_html_end[];
extern const char postal_common_js[], postal_common_js_end[];
extern const char postal_clerk_js[], postal_clerk_js_end[];
extern const char postal_office_js[], postal_office_js_end[];
extern const char postal_css[], postal_css_end[];

#define HTML "text/html; charset=utf-8"
#define JS   "text/javascript; charset=utf-8"
#define CSS  "text/css; charset=utf-8"

/* All no-store: a new build's page must never meet an old cached script. */
static const struct page {
	const char *path, *type;
	const char *start, *end;
} pages[] = {
	{ "/staff/postal/clerk", HTML, postal_clerk_html,
	    postal_clerk_html_end },
	{ "/staff/postal/office", HTML, postal_office_html,
	    postal_office_html_end },
	{ "/staff/postal/common.js", JS, postal_common_js,
	    postal_common_js_end },
	{ "/staff/postal/clerk.js", JS, postal_clerk_js, postal_clerk_js_end },
	{ "/staff/postal/office.js", JS, postal_office_js,
	    postal_office_js_end },
	{ "/staff/postal/postal.css", CSS, postal_css, postal_css_end },
};

void
postal_pages_route(const struct route_ctx *c, const struct http_request *hr,
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
