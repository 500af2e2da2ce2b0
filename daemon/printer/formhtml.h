/* formhtml.h: the A5 page of a form (Mẫu 01 receipt, Mẫu 02-05 counter
 * forms) for the office's laser printer, rendered from the same fields
 * as the 80 mm slip (printdoc.h): one data struct, two renderers. The
 * page is plain HTML with its print rules in FORMHTML_CSS_PATH (the
 * staff listener's CSP allows no inline style), the Code 128 of the code
 * and, on the receipt, the QR of the lookup URL as inline SVG. Pure: no
 * I/O, no clock. */
#ifndef FORMHTML_H
#define FORMHTML_H
#include <stddef.h>

#include "printer/printdoc.h"

#define FORMHTML_CSS_PATH "/api/v1/print/a5/form.css"

/* The page of kind (receipt or a counter form) from d: a malloc'd
 * NUL-ended text of *len bytes, or NULL (another kind, out of memory). */
char *formhtml_render(const struct printdoc *d, enum printdoc_kind kind,
    size_t *len);
/* The style sheet the pages link (static text). */
const char *formhtml_css(void);
#endif
