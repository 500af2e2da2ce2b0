/* scan.c: the small shared parts of scan.h. */
#include "scan.h"

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
