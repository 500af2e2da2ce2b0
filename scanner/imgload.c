/* imgload.c: PNG (libpng's simplified API), JPEG (libjpeg-turbo) and WebP
 * (libwebp) into packed 8-bit grey. Each decoder is asked for the size
 * first, and the pixel cap is checked before the pixel buffer exists.
 * libjpeg reports fatal errors by calling error_exit, which must not
 * return: the one longjmp in the project lives here, confined to
 * load_jpeg(). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jpeglib.h>
#include <png.h>
#include <webp/decode.h>

#include "scanner/imgload.h"

#define JPEG_SCANS_MAX  256          /* progressive scans; more is an attack */
#define JPEG_MEMORY_MAX (512L << 20) /* libjpeg working memory, bytes */

static enum imgload_err fail(char *err, enum imgload_err e, const char *fmt,
    ...) __attribute__((__format__(__printf__, 3, 4)));

static enum imgload_err
fail(char *err, enum imgload_err e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, IMGLOAD_ERR_MAX, fmt, ap);
	va_end(ap);
	return e;
}

/* The pixel cap, checked in size_t so that w * h cannot wrap. */
static bool
too_many(unsigned long w, unsigned long h)
{
	return w == 0 || h == 0 || w > IMGLOAD_PIXELS_MAX ||
	    h > IMGLOAD_PIXELS_MAX / w;
}

static enum imgload_err
load_png(const unsigned char *data, size_t len, struct img *out, char *err)
{
	png_image im;
	png_color white = { 255, 255, 255 };

	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&im, data, len))
		return fail(err, IMGLOAD_CORRUPT, "corrupt PNG: %s",
		    im.message);
	if (too_many(im.width, im.height)) {
		png_image_free(&im);
		return fail(err, IMGLOAD_TOO_LARGE,
		    "PNG of %ux%u pixels: over the %u-pixel limit", im.width,
		    im.height, IMGLOAD_PIXELS_MAX);
	}
	im.format = PNG_FORMAT_GRAY; /* transparency over white paper */
	if ((out->px = malloc((size_t)im.width * im.height)) == NULL) {
		png_image_free(&im);
		return fail(err, IMGLOAD_NOMEM, "out of memory");
	}
	if (!png_image_finish_read(&im, &white, out->px, 0, NULL)) {
		free(out->px);
		out->px = NULL;
		return fail(err, IMGLOAD_CORRUPT, "corrupt PNG: %s",
		    im.message);
	}
	out->w = (int)im.width;
	out->h = (int)im.height;
	return IMGLOAD_OK;
}

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jmp;
	char msg[JMSG_LENGTH_MAX];
};

static void
jpeg_fail(j_common_ptr c)
{
	struct jerr *e = (struct jerr *)c->err;

	e->mgr.format_message(c, e->msg);
	longjmp(e->jmp, 1);
}

/* Warnings (a truncated file, a bad marker) go nowhere: libjpeg would
 * print them on stderr. What decodes, decodes; ZBar judges the pixels. */
static void
jpeg_quiet(j_common_ptr c, int level)
{
	(void)c;
	(void)level;
}

/* Bounds the work of a progressive file: each scan rereads the image. */
static void
jpeg_progress(j_common_ptr c)
{
	j_decompress_ptr d = (j_decompress_ptr)c;

	if (d->input_scan_number > JPEG_SCANS_MAX) {
		struct jerr *e = (struct jerr *)c->err;

		snprintf(e->msg, sizeof(e->msg), "more than %d scans",
		    JPEG_SCANS_MAX);
		longjmp(e->jmp, 1);
	}
}

static enum imgload_err
load_jpeg(const unsigned char *data, size_t len, struct img *out, char *err)
{
	struct jpeg_decompress_struct d;
	struct jpeg_progress_mgr progress = { .progress_monitor =
		                                  jpeg_progress };
	struct jerr je;
	/* volatile: they change between setjmp and a longjmp */
	unsigned char *volatile px = NULL;
	volatile enum imgload_err rc = IMGLOAD_CORRUPT;

	memset(&d, 0, sizeof(d));
	d.err = jpeg_std_error(&je.mgr);
	je.mgr.error_exit = jpeg_fail;
	je.mgr.emit_message = jpeg_quiet;
	je.msg[0] = '\0';
	if (setjmp(je.jmp)) {
		jpeg_destroy_decompress(&d);
		free(px);
		if (rc == IMGLOAD_TOO_LARGE)
			return rc;
		return fail(err, IMGLOAD_CORRUPT, "corrupt JPEG: %s", je.msg);
	}
	jpeg_create_decompress(&d);
	/* with no backing store, going over this is an error, not swap */
	d.mem->max_memory_to_use = JPEG_MEMORY_MAX;
	d.progress = &progress;
	jpeg_mem_src(&d, data, (unsigned long)len);
	jpeg_read_header(&d, TRUE);
	if (too_many(d.image_width, d.image_height)) {
		rc = IMGLOAD_TOO_LARGE;
		fail(err, IMGLOAD_TOO_LARGE,
		    "JPEG of %ux%u pixels: over the %u-pixel limit",
		    d.image_width, d.image_height, IMGLOAD_PIXELS_MAX);
		jpeg_destroy_decompress(&d);
		return IMGLOAD_TOO_LARGE;
	}
	d.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&d);
	if (d.output_components != 1 ||
	    too_many(d.output_width, d.output_height)) {
		snprintf(je.msg, sizeof(je.msg), "unexpected output format");
		longjmp(je.jmp, 1);
	}
	px = malloc((size_t)d.output_width * d.output_height);
	if (px == NULL) {
		jpeg_destroy_decompress(&d);
		return fail(err, IMGLOAD_NOMEM, "out of memory");
	}
	while (d.output_scanline < d.output_height) {
		JSAMPROW row = px + (size_t)d.output_scanline * d.output_width;

		if (jpeg_read_scanlines(&d, &row, 1) != 1)
			break; /* a suspending source cannot happen here */
	}
	/* finish may still fail (longjmp): *out is set only after it */
	jpeg_finish_decompress(&d);
	out->w = (int)d.output_width;
	out->h = (int)d.output_height;
	out->px = px;
	jpeg_destroy_decompress(&d);
	return IMGLOAD_OK;
}

static enum imgload_err
load_webp(const unsigned char *data, size_t len, struct img *out, char *err)
{
	int w, h, stride, uv_stride;
	uint8_t *y, *u, *v;

	if (!WebPGetInfo(data, len, &w, &h))
		return fail(err, IMGLOAD_CORRUPT, "corrupt WebP header");
	if (too_many((unsigned long)w, (unsigned long)h))
		return fail(err, IMGLOAD_TOO_LARGE,
		    "WebP of %dx%d pixels: over the %u-pixel limit", w, h,
		    IMGLOAD_PIXELS_MAX);
	/* The luma plane is the grey image ZBar wants; colour is dropped. */
	y = WebPDecodeYUV(data, len, &w, &h, &u, &v, &stride, &uv_stride);
	if (y == NULL)
		return fail(err, IMGLOAD_CORRUPT, "corrupt WebP data");
	if ((out->px = malloc((size_t)w * (size_t)h)) == NULL) {
		WebPFree(y);
		return fail(err, IMGLOAD_NOMEM, "out of memory");
	}
	for (int r = 0; r < h; r++)
		memcpy(out->px + (size_t)r * (size_t)w,
		    y + (size_t)r * (size_t)stride, (size_t)w);
	WebPFree(y); /* u and v live in the same allocation */
	out->w = w;
	out->h = h;
	return IMGLOAD_OK;
}

enum imgload_err
imgload_mem(const unsigned char *data, size_t len, struct img *out, char *err)
{
	static const unsigned char png_magic[8] = { 0x89, 'P', 'N', 'G', '\r',
		'\n', 0x1a, '\n' };

	*out = (struct img){ 0 };
	err[0] = '\0';
	if (len > IMGLOAD_FILE_MAX)
		return fail(err, IMGLOAD_TOO_LARGE,
		    "%zu bytes: over the %u-byte limit", len, IMGLOAD_FILE_MAX);
	if (len >= 8 && memcmp(data, png_magic, 8) == 0)
		return load_png(data, len, out, err);
	if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
		return load_jpeg(data, len, out, err);
	if (len >= 12 && memcmp(data, "RIFF", 4) == 0 &&
	    memcmp(data + 8, "WEBP", 4) == 0)
		return load_webp(data, len, out, err);
	return fail(err, IMGLOAD_UNKNOWN,
	    len == 0 ? "empty file" : "not a PNG, JPEG or WebP image");
}

/* Reads at most IMGLOAD_FILE_MAX + 1 bytes, so an oversized file (or a
 * device that never ends) is refused without reading it all. */
static enum imgload_err
read_all(const char *path, unsigned char **data, size_t *len, char *err)
{
	struct stat st;
	unsigned char *p;
	size_t cap, n = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return fail(err, IMGLOAD_UNREADABLE, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = errno;

		close(fd);
		return fail(err, IMGLOAD_UNREADABLE, "%s: %s", path,
		    S_ISREG(st.st_mode) ? strerror(e) : "not a regular file");
	}
	if (st.st_size > (off_t)IMGLOAD_FILE_MAX) {
		close(fd);
		return fail(err, IMGLOAD_TOO_LARGE,
		    "%s: %lld bytes: over the %u-byte limit", path,
		    (long long)st.st_size, IMGLOAD_FILE_MAX);
	}
	cap = (size_t)st.st_size + 1;
	if ((p = malloc(cap)) == NULL) {
		close(fd);
		return fail(err, IMGLOAD_NOMEM, "%s: out of memory", path);
	}
	for (;;) {
		ssize_t r = read(fd, p + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(p);
			close(fd);
			return fail(err, IMGLOAD_UNREADABLE, "%s: %s", path,
			    strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) { /* it grew since fstat: refuse */
			free(p);
			close(fd);
			return fail(err, IMGLOAD_TOO_LARGE,
			    "%s: changed while being read", path);
		}
	}
	close(fd);
	*data = p;
	*len = n;
	return IMGLOAD_OK;
}

enum imgload_err
imgload_file(const char *path, struct img *out, char *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	char why[IMGLOAD_ERR_MAX];
	enum imgload_err rc;

	*out = (struct img){ 0 };
	if ((rc = read_all(path, &data, &len, err)) != IMGLOAD_OK)
		return rc;
	rc = imgload_mem(data, len, out, why);
	free(data);
	if (rc != IMGLOAD_OK)
		fail(err, rc, "%s: %s", path, why);
	return rc;
}

void
img_free(struct img *im)
{
	if (im == NULL)
		return;
	free(im->px);
	*im = (struct img){ 0 };
}
