/* gz.c: gzip bodies with zlib. See gz.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "lib/gz.h"

#define GZIP_WINDOW (15 + 16) /* 2^15 window, gzip wrapper */

int
gz_compress(const void *in, size_t len, char **out, size_t *outlen)
{
	z_stream z;
	size_t cap;
	char *buf;
	int rc;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, GZIP_WINDOW, 8,
	        Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	cap = deflateBound(&z, (uLong)len);
	if ((buf = malloc(cap)) == NULL) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	*outlen = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

int
gz_inflate(const void *in, size_t len, size_t max, unsigned max_ratio,
    char **out, size_t *outlen)
{
	z_stream z;
	size_t cap = len * 4 + 1024, used = 0;
	char *buf = NULL, *nb;
	int rc;

	*out = NULL;
	*outlen = 0;
	if (len == 0 || len > (size_t)UINT32_MAX)
		return -1;
	/* The ratio bound lowers max before the first byte is inflated, so
	 * the buffer never grows past what the body can justify. */
	if (max_ratio > 0 && len <= (SIZE_MAX - 1) / max_ratio &&
	    len * max_ratio < max)
		max = len * max_ratio > GZ_RATIO_FLOOR ? len * max_ratio
		                                       : GZ_RATIO_FLOOR;
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, GZIP_WINDOW) != Z_OK)
		return -1;
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	do {
		if (cap > max + 1)
			cap = max + 1;
		if ((nb = realloc(buf, cap)) == NULL)
			goto bad;
		buf = nb;
		z.next_out = (Bytef *)buf + used;
		z.avail_out = (uInt)(cap - used);
		rc = inflate(&z, Z_NO_FLUSH);
		used = cap - z.avail_out;
		if (rc == Z_STREAM_END)
			break;
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			goto bad;
		if (used > max || (rc == Z_BUF_ERROR && z.avail_in == 0))
			goto bad; /* past the bound, or truncated */
		if (z.avail_out == 0)
			cap *= 2;
	} while (1);
	/* one whole stream and nothing after it */
	if (z.avail_in != 0 || used > max)
		goto bad;
	inflateEnd(&z);
	if ((nb = realloc(buf, used + 1)) == NULL)
		goto bad_noend;
	buf = nb;
	buf[used] = '\0';
	*out = buf;
	*outlen = used;
	return 0;
bad:
	inflateEnd(&z);
bad_noend:
	free(buf);
	return -1;
}
