/* fuzz_config.c: libFuzzer target for config_parse_mem. Any input must
 * give either a config whose values respect the table, or a non-empty
 * error list whose lines all name the file; never a crash or a leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c, d;
	char *errs = NULL, *line, diff[64];

	if (config_parse_mem((const char *)data, size, "f", &c, &errs) != 0) {
		if (errs == NULL)
			abort();
		/* lines that each name the file and end in '\n' */
		if (*errs == '\0' || errs[strlen(errs) - 1] != '\n')
			abort();
		for (line = errs; *line; line = strchr(line, '\n') + 1)
			if (strncmp(line, "f:", 2) != 0 &&
			    strncmp(line, "out of memory", 13) != 0)
				abort();
		if (c.listen != NULL || c.agency_code != NULL)
			abort(); /* *out is zeroed on failure */
		free(errs);
		return 0;
	}
	if (errs != NULL || c.listen == NULL || c.admin_socket == NULL ||
	    c.public_url == NULL || c.db_path == NULL ||
	    c.office_name == NULL || c.agency_code == NULL ||
	    c.agency_name == NULL || c.hotline == NULL)
		abort();
	if (c.max_connections < 16 || c.max_connections > 10000 ||
	    c.connection_timeout_s < 1 || c.connection_timeout_s > 600 ||
	    c.busy_timeout_ms < 0 || c.busy_timeout_ms > 60000 ||
	    c.open_min < 0 || c.close_min <= c.open_min || c.close_min > 1439 ||
	    (c.admin_socket_mode & ~0770u) != 0 || c.miss_per_minute < 1 ||
	    c.miss_burst < 1 || c.max_tracked_clients < 64 ||
	    strlen(c.agency_code) > 35)
		abort();
	/* the same input twice gives the same restart-only values */
	if (config_parse_mem((const char *)data, size, "f", &d, &errs) != 0 ||
	    config_restart_diff(&c, &d, diff, sizeof(diff)) != 0)
		abort();
	config_cleanup(&d);
	config_cleanup(&c);
	config_cleanup(&c);
	return 0;
}
