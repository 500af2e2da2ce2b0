/* scan.c: the small shared parts of scan.h. */
#include <string.h>
#include <strings.h>

#include "scanner/scan.h"

const char *
scan_symbology_name(enum scan_symbology s)
{
	switch (s) {
	case SCAN_SYM_CODE128:
		return "code128";
	case SCAN_SYM_QR:
		return "qr";
	case SCAN_SYM_EAN13:
		return "ean13";
	case SCAN_SYM_CODE39:
		return "code39";
	case SCAN_SYM_ITF:
		return "itf";
	case SCAN_SYM_OTHER:
		return "other";
	case SCAN_SYM_UNKNOWN:
		break;
	}
	return "unknown";
}

int
scan_symbologies_parse(const char *list, unsigned *bits)
{
	const char *p = list;

	*bits = 0;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t n;
		int sym;

		if (e == NULL)
			e = p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		for (sym = SCAN_SYM_CODE128; sym <= SCAN_SYM_ITF; sym++) {
			const char *name = scan_symbology_name(sym);

			if (n > 0 && strlen(name) == n &&
			    strncasecmp(p, name, n) == 0)
				break;
		}
		if (sym > SCAN_SYM_ITF)
			return -1;
		*bits |= 1u << sym;
		if (*e == '\0')
			return 0;
		p = e + 1;
	}
}
