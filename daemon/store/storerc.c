/* storerc.c: store results as HTTP statuses (storerc.h). */
#include "store/storerc.h"

int
storerc_status(enum store_rc rc)
{
	switch (rc) {
	case STORE_OK:
		return 200;
	case STORE_NOTFOUND:
		return 404;
	case STORE_INVALID:
		return 400;
	case STORE_CONFLICT:
		return 409;
	case STORE_FULL:
		return 507;
	case STORE_ERROR:
		break;
	}
	return 500;
}
