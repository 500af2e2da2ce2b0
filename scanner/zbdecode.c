/* zbdecode.c: the ZBar engine (zengine.h): ZBar's image scanner behind a
 * few image transforms. ZBar does the decoding; this file only prepares
 * pixels (resample, threshold, rotate, invert) and drops what ZBar cannot
 * vouch for (symbology not enabled, linear text not printable, Code 128
 * with dropped FNC4). QR bytes are passed on raw: zdecode.c judges their
 * character set. Scratch buffers are kept between calls and grow only to
 * the size of the images given (imgload.h caps those). */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zbar.h>

#include "scanner/zengine.h"

#define SCALE_DOWN_SIDE  1024 /* large photos: longest side after scaling */
#define SCALE_UP_SIDE    480  /* small images: scaled up below this */
#define SCALE_MARGIN     32   /* white frame around an upscaled image */
#define BIN_OFFSET       8    /* threshold: local mean minus this */
#define FNC4_MARGIN      3    /* Code 128 codewords over the text length */
#define BARS_SAMPLES_MAX 16384

/* A scratch image: overwritten whole by each transform, so it has no
 * length and no bound of its own (imgload.h caps the images); unlike
 * lib/buf.h, nothing is appended and no NUL follows. */
struct scratch {
	unsigned char *p;
	size_t cap;
};

struct zbdecode {
	zbar_image_scanner_t *zs;
	zbar_image_t *zi;
	unsigned symbologies;
	struct scratch a, b, c; /* scratch images; c: confirmation views */
	bool confirm; /* linear reads need a second view (not for video) */
	uint32_t *integral;
	size_t integral_cap;
	struct zengine_sym *out; /* the call's results, borrowed */
	size_t n, max;
};

static const struct {
	enum scan_symbology sym;
	zbar_symbol_type_t z;
} syms[] = {
	{ SCAN_SYM_CODE128, ZBAR_CODE128 },
	{ SCAN_SYM_QR, ZBAR_QRCODE },
	{ SCAN_SYM_EAN13, ZBAR_EAN13 },
	{ SCAN_SYM_CODE39, ZBAR_CODE39 },
	{ SCAN_SYM_ITF, ZBAR_I25 },
};
#define NSYMS (sizeof(syms) / sizeof(syms[0]))

static void zb_close(void *);

static void *
zb_open(const struct zdecode_opts *o)
{
	struct zbdecode *z;
	unsigned want =
	    o->symbologies ? o->symbologies : ZDECODE_DEFAULT_SYMBOLOGIES;
	bool any = false;

	if ((z = calloc(1, sizeof(*z))) == NULL)
		return NULL;
	z->symbologies = want;
	if ((z->zs = zbar_image_scanner_create()) == NULL ||
	    (z->zi = zbar_image_create()) == NULL) {
		zb_close(z);
		errno = ENOMEM;
		return NULL;
	}
	/* Off for everything, then on for the enabled ones only: each extra
	 * symbology is another chance of a false positive. */
	zbar_image_scanner_set_config(z->zs, 0, ZBAR_CFG_ENABLE, 0);
	for (size_t i = 0; i < NSYMS; i++) {
		if (!(want & (1u << syms[i].sym)))
			continue;
		any = true;
		/* ZBAR_CFG_UNCERTAINTY stays ZBar's: it counts frames in
		 * ZBar's own cache, which is off (zdecode.c keeps one for
		 * both engines) */
		zbar_image_scanner_set_config(z->zs, syms[i].z, ZBAR_CFG_ENABLE,
		    1);
	}
	if (!any) {
		zb_close(z);
		errno = EINVAL;
		return NULL;
	}
	/* the raw bytes: we check UTF-8 ourselves rather than let ZBar guess
	 * a character set and convert */
	zbar_image_scanner_set_config(z->zs, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	/* video gets its confirmation from consecutive frames (zdecode.c's
	 * cache); a still image from a second view of itself */
	z->confirm = !o->video;
	zbar_image_set_format(z->zi, zbar_fourcc('Y', '8', '0', '0'));
	return z;
}

static void
zb_close(void *p)
{
	struct zbdecode *z = p;

	if (z == NULL)
		return;
	if (z->zi != NULL) {
		/* hand the image's symbols back to the scanner first: with the
		 * cache on, they are the scanner's to free */
		if (z->zs != NULL)
			zbar_image_scanner_recycle_image(z->zs, z->zi);
		zbar_image_set_data(z->zi, NULL, 0, NULL);
		zbar_image_destroy(z->zi);
	}
	if (z->zs != NULL) {
		/* destroy does not free the video cache; turning the cache off
		 * hands its symbols to the recycle bins, which destroy frees */
		zbar_image_scanner_enable_cache(z->zs, 0);
		zbar_image_scanner_destroy(z->zs);
	}
	free(z->a.p);
	free(z->b.p);
	free(z->c.p);
	free(z->integral);
	free(z);
}

/* At least len bytes of b, their content undefined; NULL when out of
 * memory (b is then unchanged). */
static unsigned char *
scratch_get(struct scratch *b, size_t len)
{
	if (len > b->cap) {
		unsigned char *p = realloc(b->p, len);

		if (p == NULL)
			return NULL;
		b->p = p;
		b->cap = len;
	}
	return b->p;
}

/* Bars along the segment from (x0,y0) to (x1,y1), one pixel past each
 * end, with hysteresis around the middle grey so noise does not split a
 * bar. -1 when the segment is too short to judge. */
static int
count_bars(const unsigned char *px, int w, int h, int x0, int y0, int x1,
    int y1)
{
	double dx = x1 - x0, dy = y1 - y0, len = sqrt(dx * dx + dy * dy);
	unsigned char v[BARS_SAMPLES_MAX];
	int n = (int)len + 3, lo, hi, mn = 255, mx = 0, bars = 0;
	bool dark = false;

	if (len < 20 || n > BARS_SAMPLES_MAX)
		return -1;
	for (int i = 0; i < n; i++) {
		double t = (i - 1) / len;
		long x = lround(x0 + dx * t), y = lround(y0 + dy * t);

		x = x < 0 ? 0 : x >= w ? w - 1 : x;
		y = y < 0 ? 0 : y >= h ? h - 1 : y;
		v[i] = px[(size_t)y * (size_t)w + (size_t)x];
		mn = v[i] < mn ? v[i] : mn;
		mx = v[i] > mx ? v[i] : mx;
	}
	lo = mn + (mx - mn) * 4 / 10;
	hi = mn + (mx - mn) * 6 / 10;
	for (int i = 0; i < n; i++) {
		if (!dark && v[i] < lo) {
			dark = true;
			bars++;
		} else if (dark && v[i] > hi) {
			dark = false;
		}
	}
	return bars;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* ZBar's Code 128 decoder drops FNC4 (the Latin-1 extension) and returns
 * the 7-bit rest: a misread it cannot flag. Every symbol character has 3
 * bars and the stop 4, so the bars on ZBar's own scan lines (its location
 * points alternate between the two ends of the symbol) tell how many
 * codewords there are. Printable text needs at most one data codeword per
 * character plus a few for switches; far more means FNC4s were dropped.
 * Counting is approximate (a bar or two either way on blur), hence the
 * margin; when in doubt the symbol is kept. */
static bool
code128_dropped_fnc4(const zbar_symbol_t *s, const unsigned char *px, int w,
    int h, size_t len)
{
	unsigned n = zbar_symbol_get_loc_size(s);
	int counts[7], k = 0, cw;

	for (unsigned i = n / 2 >= 3 ? n / 2 - 3 : 0; i + 1 < n && k < 7; i++) {
		int b = count_bars(px, w, h, zbar_symbol_get_loc_x(s, i),
		    zbar_symbol_get_loc_y(s, i),
		    zbar_symbol_get_loc_x(s, i + 1),
		    zbar_symbol_get_loc_y(s, i + 1));

		if (b >= 0)
			counts[k++] = b;
	}
	if (k == 0)
		return false;
	qsort(counts, (size_t)k, sizeof(counts[0]), cmp_int);
	cw = (counts[k / 2] - 4) / 3 - 2; /* minus start and check */
	return cw > (int)len + FNC4_MARGIN;
}

static enum scan_symbology
to_sym(zbar_symbol_type_t t)
{
	for (size_t i = 0; i < NSYMS; i++)
		if (syms[i].z == t)
			return syms[i].sym;
	return SCAN_SYM_OTHER;
}

static void rotate(const unsigned char *src, int w, int h, double deg,
    unsigned char *dst);

/* Clears the unconfirmed flag of the reads from index first on that this
 * view of the image reads the same. */
static void
confirm_view(struct zbdecode *z, const unsigned char *px, int w, int h,
    size_t first)
{
	const zbar_symbol_t *s;

	zbar_image_set_size(z->zi, (unsigned)w, (unsigned)h);
	zbar_image_set_data(z->zi, px, (size_t)w * (size_t)h, NULL);
	if (zbar_scan_image(z->zs, z->zi) > 0)
		for (s = zbar_image_first_symbol(z->zi); s != NULL;
		     s = zbar_symbol_next(s)) {
			enum scan_symbology sym =
			    to_sym(zbar_symbol_get_type(s));
			size_t len = zbar_symbol_get_data_length(s);

			for (size_t i = first; i < z->n; i++)
				if (z->out[i].sym == sym &&
				    z->out[i].len == len &&
				    memcmp(z->out[i].data,
				        zbar_symbol_get_data(s), len) == 0)
					z->out[i].flags &=
					    ~(unsigned)ZENGINE_UNCONFIRMED;
		}
	zbar_image_set_data(z->zi, NULL, 0, NULL);
}

/* ZBar's linear decoders check little (ITF and Code 39 nothing, EAN-13 one
 * mod-10 digit): on the measured sets every read ZBar got wrong and no
 * other read confirmed was a linear code read in one view only (a 6-digit
 * ITF in a crumpled receipt, an EAN-13 in a rotated view). So a linear
 * read counts once a second view reads the same: the image turned by 3
 * degrees either way (other pixels under every scan line), or a later
 * step. QR codes carry Reed-Solomon codewords and need no second view.
 * Returns how many of the reads from first on are confirmed. */
static size_t
confirm(struct zbdecode *z, const unsigned char *px, int w, int h, size_t first)
{
	static const double turns[] = { 3, -3 };
	size_t ok = 0;
	unsigned char *c;

	for (size_t t = 0; t < sizeof(turns) / sizeof(turns[0]); t++) {
		bool open = false;

		for (size_t i = first; i < z->n; i++)
			open |= (z->out[i].flags & ZENGINE_UNCONFIRMED) != 0;
		if (!open ||
		    (c = scratch_get(&z->c, (size_t)w * (size_t)h)) == NULL)
			break;
		rotate(px, w, h, turns[t], c);
		confirm_view(z, c, w, h, first);
	}
	for (size_t i = first; i < z->n; i++)
		ok += !(z->out[i].flags & ZENGINE_UNCONFIRMED);
	return ok;
}

/* Scans one image and keeps the acceptable symbols not seen yet. Returns
 * how many it added that count (QR codes, and linear reads confirmed:
 * see confirm()); an unconfirmed read stays, flagged, so that a later
 * step reading it again confirms it. */
static size_t
scan(struct zbdecode *z, const unsigned char *px, int w, int h,
    enum zdecode_step step)
{
	const zbar_symbol_t *s;
	size_t added = 0, first = z->n;
	bool pending = false;

	zbar_image_set_size(z->zi, (unsigned)w, (unsigned)h);
	zbar_image_set_data(z->zi, px, (size_t)w * (size_t)h, NULL);
	if (zbar_scan_image(z->zs, z->zi) <= 0)
		return 0;
	for (s = zbar_image_first_symbol(z->zi); s != NULL;
	     s = zbar_symbol_next(s)) {
		enum scan_symbology sym = to_sym(zbar_symbol_get_type(s));
		const unsigned char *d =
		    (const unsigned char *)zbar_symbol_get_data(s);
		size_t len = zbar_symbol_get_data_length(s);
		unsigned flags = 0;
		struct zengine_sym *o;
		size_t i;

		if (sym == SCAN_SYM_OTHER || !(z->symbologies & (1u << sym)))
			continue;
		/* zdecode.c judges the text; only ZBar's own blind spot is
		 * decided here, where the pixels are */
		if (sym == SCAN_SYM_CODE128 &&
		    code128_dropped_fnc4(s, px, w, h, len))
			continue;
		if (len > ZDECODE_DATA_MAX) {
			flags = ZENGINE_OVERLONG; /* refused, never cut */
			len = 0;
		}
		for (i = 0; i < z->n; i++)
			if (z->out[i].sym == sym && z->out[i].len == len &&
			    memcmp(z->out[i].data, d, len) == 0)
				break;
		if (i < first && (z->out[i].flags & ZENGINE_UNCONFIRMED)) {
			/* an earlier step read it too: a second view */
			z->out[i].flags &= ~(unsigned)ZENGINE_UNCONFIRMED;
			added++;
			continue;
		}
		if (i < z->n || z->n == z->max)
			continue;
		if (z->confirm && sym != SCAN_SYM_QR && len > 0) {
			flags |= ZENGINE_UNCONFIRMED;
			pending = true;
		}
		o = &z->out[z->n++];
		o->sym = sym;
		o->len = len;
		o->flags = flags;
		memcpy(o->data, d, len);
		o->step = step;
		added += !pending || !(flags & ZENGINE_UNCONFIRMED);
	}
	zbar_image_set_data(z->zi, NULL, 0, NULL);
	if (pending) {
		size_t ok = confirm(z, px, w, h, first);
		size_t qr = 0;

		for (size_t i = first; i < z->n; i++)
			qr +=
			    z->out[i].sym == SCAN_SYM_QR || z->out[i].len == 0;
		added += ok - qr; /* the QR codes were counted above */
	}
	return added;
}

/* Box-filter downscale by an integer factor f. */
static void
downscale(const unsigned char *src, int w, int h, int f, unsigned char *dst,
    int *ow, int *oh)
{
	int nw = w / f, nh = h / f;

	for (int y = 0; y < nh; y++)
		for (int x = 0; x < nw; x++) {
			unsigned sum = 0;

			for (int j = 0; j < f; j++) {
				const unsigned char *r = src +
				    (size_t)(y * f + j) * (size_t)w +
				    (size_t)x * (size_t)f;

				for (int i = 0; i < f; i++)
					sum += r[i];
			}
			dst[(size_t)y * (size_t)nw + (size_t)x] =
			    (unsigned char)(sum / (unsigned)(f * f));
		}
	*ow = nw;
	*oh = nh;
}

/* Bilinear upscale by an integer factor f, into a white frame of m
 * pixels: small codes get edges ZBar's scanner can measure, and a code
 * cropped to its edge gets back the quiet zone its finder needs. */
static void
upscale(const unsigned char *src, int w, int h, int f, int m,
    unsigned char *dst)
{
	int nw = w * f, nh = h * f, ow = nw + 2 * m;

	memset(dst, 255, (size_t)ow * (size_t)(nh + 2 * m));
	for (int y = 0; y < nh; y++) {
		int sy = y / f, fy = y % f;
		int sy1 = sy + 1 < h ? sy + 1 : sy;
		unsigned char *row = dst + (size_t)(y + m) * (size_t)ow + m;

		for (int x = 0; x < nw; x++) {
			int sx = x / f, fx = x % f;
			int sx1 = sx + 1 < w ? sx + 1 : sx;
			const unsigned char *r0 = src + (size_t)sy * (size_t)w;
			const unsigned char *r1 = src + (size_t)sy1 * (size_t)w;
			int top = r0[sx] * (f - fx) + r0[sx1] * fx;
			int bot = r1[sx] * (f - fx) + r1[sx1] * fx;

			row[x] = (unsigned char)((top * (f - fy) + bot * fy) /
			    (f * f));
		}
	}
}

/* Local mean threshold (an integral image, window about 1/8 of the
 * shorter side): uneven light and shadows stop hiding the edges. The
 * integral may wrap on a huge image; unsigned differences of a window
 * whose own sum fits in 32 bits are still exact. */
static int
binarise(struct zbdecode *z, const unsigned char *src, int w, int h,
    unsigned char *dst)
{
	size_t iw = (size_t)w + 1, n = iw * ((size_t)h + 1);
	int r = (w < h ? w : h) / 16;
	uint32_t *ii;

	if (r < 4)
		r = 4;
	if (n > z->integral_cap) {
		uint32_t *p = reallocarray(z->integral, n, sizeof(*p));

		if (p == NULL)
			return -1;
		z->integral = p;
		z->integral_cap = n;
	}
	ii = z->integral;
	memset(ii, 0, iw * sizeof(*ii));
	for (int y = 0; y < h; y++) {
		uint32_t row = 0;

		ii[(size_t)(y + 1) * iw] = 0;
		for (int x = 0; x < w; x++) {
			row += src[(size_t)y * (size_t)w + (size_t)x];
			ii[(size_t)(y + 1) * iw + (size_t)x + 1] =
			    ii[(size_t)y * iw + (size_t)x + 1] + row;
		}
	}
	for (int y = 0; y < h; y++) {
		int y0 = y - r < 0 ? 0 : y - r,
		    y1 = y + r + 1 > h ? h : y + r + 1;

		for (int x = 0; x < w; x++) {
			int x0 = x - r < 0 ? 0 : x - r;
			int x1 = x + r + 1 > w ? w : x + r + 1;
			uint32_t sum = ii[(size_t)y1 * iw + (size_t)x1] -
			    ii[(size_t)y0 * iw + (size_t)x1] -
			    ii[(size_t)y1 * iw + (size_t)x0] +
			    ii[(size_t)y0 * iw + (size_t)x0];
			uint32_t cnt = (uint32_t)((y1 - y0) * (x1 - x0));
			int mean = (int)(sum / cnt);
			int v = src[(size_t)y * (size_t)w + (size_t)x];

			dst[(size_t)y * (size_t)w + (size_t)x] =
			    v < mean - BIN_OFFSET ? 0 : 255;
		}
	}
	return 0;
}

/* Rotates by deg about the centre into a canvas of the same size, with
 * bilinear sampling (nearest neighbour makes jagged bars of thin
 * modules); corners that fall outside become white. */
static void
rotate(const unsigned char *src, int w, int h, double deg, unsigned char *dst)
{
	double a = deg * M_PI / 180.0, c = cos(a), s = sin(a);
	double cx = w / 2.0, cy = h / 2.0;

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			double dx = x - cx, dy = y - cy;
			double fx = cx + dx * c + dy * s,
			       fy = cy - dx * s + dy * c;
			int sx = (int)floor(fx), sy = (int)floor(fy);
			unsigned char *o =
			    &dst[(size_t)y * (size_t)w + (size_t)x];

			if (sx < 0 || sy < 0 || sx + 1 >= w || sy + 1 >= h) {
				*o = 255;
				continue;
			}
			{
				const unsigned char *p =
				    src + (size_t)sy * (size_t)w + (size_t)sx;
				double tx = fx - sx, ty = fy - sy;
				double top = p[0] + (p[1] - p[0]) * tx;
				double bot = p[w] + (p[w + 1] - p[w]) * tx;

				*o = (unsigned char)(top + (bot - top) * ty +
				    0.5);
			}
		}
}

static size_t
zb_run(void *p, const unsigned char *grey, int w, int h, unsigned steps,
    struct zengine_sym *out, size_t max)
{
	struct zbdecode *z = p;
	const unsigned char *work = grey; /* the image later steps start from */
	int ww = w, wh = h;
	size_t npx = (size_t)w * (size_t)h;

	z->out = out;
	z->n = 0;
	z->max = max;
	if (w <= 0 || h <= 0 || max == 0)
		return 0;
	if ((steps & ZDECODE_PLAIN) && scan(z, grey, w, h, ZDECODE_PLAIN))
		return z->n;
	if (steps & ZDECODE_SCALE) {
		int side = w > h ? w : h;
		unsigned char *a;

		if (side > SCALE_DOWN_SIDE) {
			int f = (side + SCALE_DOWN_SIDE - 1) / SCALE_DOWN_SIDE;

			if ((a = scratch_get(&z->a,
			         npx / (size_t)(f * f) + 1)) == NULL)
				return z->n;
			downscale(grey, w, h, f, a, &ww, &wh);
			work = a;
			if (scan(z, a, ww, wh, ZDECODE_SCALE))
				return z->n;
		} else if (side < SCALE_UP_SIDE) {
			int f = 2, m = SCALE_MARGIN;

			ww = w * f + 2 * m;
			wh = h * f + 2 * m;
			if ((a = scratch_get(&z->a, (size_t)ww * (size_t)wh)) ==
			    NULL)
				return z->n;
			upscale(grey, w, h, f, m, a);
			work = a;
			if (scan(z, a, ww, wh, ZDECODE_SCALE))
				return z->n;
		}
	}
	if (steps & ZDECODE_BINARISE) {
		unsigned char *b;
		size_t n = (size_t)ww * (size_t)wh;

		if ((b = scratch_get(&z->b, n)) == NULL ||
		    binarise(z, work, ww, wh, b) < 0)
			return z->n;
		if (scan(z, b, ww, wh, ZDECODE_BINARISE))
			return z->n;
	}
	if (steps & ZDECODE_INVERT) {
		unsigned char *b;
		size_t n = (size_t)ww * (size_t)wh;

		if ((b = scratch_get(&z->b, n)) == NULL)
			return z->n;
		for (size_t i = 0; i < n; i++)
			b[i] = (unsigned char)(255 - work[i]);
		if (scan(z, b, ww, wh, ZDECODE_INVERT))
			return z->n;
	}
	if (steps & ZDECODE_ROTATE) {
		/* a long, short 1D code tilted by more than a few degrees
		 * leaves every horizontal scan line before its end */
		static const double angles[] = { 10, -10, 20, -20, 30, -30, 45,
			-45, 60, -60, 75, -75 };
		unsigned char *b;

		if ((b = scratch_get(&z->b, (size_t)ww * (size_t)wh)) == NULL)
			return z->n;
		for (size_t i = 0; i < sizeof(angles) / sizeof(angles[0]);
		     i++) {
			rotate(work, ww, wh, angles[i], b);
			if (scan(z, b, ww, wh, ZDECODE_ROTATE))
				return z->n;
		}
	}
	return z->n;
}

const struct zengine_ops zbdecode_ops = {
	.name = "zbar",
	.open = zb_open,
	.close = zb_close,
	.run = zb_run,
};
