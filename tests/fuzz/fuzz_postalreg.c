/* fuzz_postalreg.c: libFuzzer target for postalreg_parse (the body of
 * POST /api/v1/postal/items). Invariants: a success has a normalised S10
 * id, a known service and a documents list; an error names a field and
 * says why (a malformed body names none). */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "postal/postalreg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct postalreg pr;
	char field[POSTALREG_FIELD_MAX], msg[POSTALREG_MSG_MAX];
	enum postalreg_rc rc;

	rc = postalreg_parse((const char *)data, size, 1700000000, "AG", &pr,
	    field, msg);
	if (rc == POSTALREG_OK) {
		assert(strlen(pr.reg.item_id) == S10_LEN);
		assert(pr.reg.service >= STORE_POSTAL_SEND &&
		    pr.reg.service <= STORE_POSTAL_BOTH);
		assert(pr.reg.documents != NULL && pr.reg.documents[0] == '[');
		assert(pr.reg.fees_vnd >= 0);
		postalreg_cleanup(&pr);
	} else {
		assert(msg[0] != '\0');
		assert(rc == POSTALREG_MALFORMED || field[0] != '\0');
	}
	return 0;
}
