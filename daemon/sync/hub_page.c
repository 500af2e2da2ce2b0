/* hub_page.c: the hub's offices page and its assets (docs/sync.md, "The
 * offices page"), served from daemon/sync/hub_assets.S. The page reads
 * GET /api/v1/hub/offices (hub.c). */
#include <string.h>

#include "http/reply.h"
#include "sync/hub.h"

/* daemon/sync/hub_assets.S */
extern const char hub_html[], hub_html_end[];
extern const char hub_js[], hub_js_end[];
extern const char hub_css[], hub_css_end[];

/* All no-store (the page's default): a new build's page must never meet
 * an old cached script. */
static const struct page {
	const char *path, *type;
	const char *start, *end;
} pages[] = {
	{ "/staff/hub", "text/html; charset=utf-8", hub_html, hub_html_end },
	{ "/staff/hub/hub.js", "text/javascript; charset=utf-8", hub_js,
	    hub_js_end },
	{ "/staff/hub/hub.css", "text/css; charset=utf-8", hub_css,
	    hub_css_end },
};

void
hub_route_page(const struct route_ctx *c, const struct http_request *hr,
    const struct route_params *pp, struct http_response *r)
{
	(void)pp;
	if (c->hub == NULL) { /* not the hub role: no such page */
		reply_error(r, 404, "path", "no such resource");
		return;
	}
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
