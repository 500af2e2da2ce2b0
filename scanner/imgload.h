/* imgload.h: PNG, JPEG and WebP files or buffers to 8-bit grey (Y800) for
 * the ZBar pipeline (zdecode.h), through libpng, libjpeg-turbo and libwebp:
 * no image parser of our own. The format is chosen by magic bytes, never by
 * the file name. Bounded: a file over IMGLOAD_FILE_MAX bytes or an image
 * over IMGLOAD_PIXELS_MAX pixels is refused before any pixel is decoded. */
#ifndef IMGLOAD_H
#define IMGLOAD_H
#include <stddef.h>

#define IMGLOAD_FILE_MAX   (64u << 20) /* bytes of one image file */
#define IMGLOAD_PIXELS_MAX (40u << 20) /* width x height, about 40 Mpx */
#define IMGLOAD_ERR_MAX    256         /* bytes of an error message */

enum imgload_err {
	IMGLOAD_OK,
	IMGLOAD_UNREADABLE, /* cannot open or read the file */
	IMGLOAD_UNKNOWN,    /* not PNG, JPEG or WebP by its first bytes */
	IMGLOAD_TOO_LARGE,  /* over the file or pixel cap */
	IMGLOAD_CORRUPT,    /* the library refused the data */
	IMGLOAD_NOMEM,
};

/* One grey image; px is owned (free with img_free), w * h bytes, rows
 * packed (stride == w). */
struct img {
	int w, h;
	unsigned char *px;
};

/* Decodes len bytes at data into *out. On error, *out is empty and err
 * (IMGLOAD_ERR_MAX bytes) says what is wrong, without a file name. */
enum imgload_err imgload_mem(const unsigned char *data, size_t len,
    struct img *out, char *err) __attribute__((warn_unused_result));
/* Reads and decodes path; err names the file and the problem. */
enum imgload_err imgload_file(const char *path, struct img *out, char *err)
    __attribute__((warn_unused_result));
void img_free(struct img *);
#endif
