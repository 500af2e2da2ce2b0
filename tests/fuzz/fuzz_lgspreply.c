/* fuzz_lgspreply.c: libFuzzer target for the LGSP adapter's reply and
 * login-reply parsers (lgsp.h). Only "0"/"00" may count as success. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sync/lgsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[LGSP_MSG_MAX], session[128];
	enum lgsp_outcome o;

	o = lgsp_reply((const char *)data, size, msg);
	assert(o <= LGSP_BAD);
	if (o != LGSP_OK)
		assert(msg[0] != '\0');
	if (lgsp_login_reply((const char *)data, size, session, sizeof session,
	        msg) == 0)
		assert(session[0] != '\0' && strlen(session) < sizeof session);
	return 0;
}
