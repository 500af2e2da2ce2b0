/* escpos.c: see escpos.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include <png.h>
#include <qrencode.h>

#include "printer/code128.h"
#include "printer/escpos.h"
#include "printer/vntext.h"

#define LINE_TEXT_MAX 1024

struct escpos {
	FT_Library ft;
	FT_Face face[2];     /* the grid font: regular, bold */
	FT_Face fallback[2]; /* for glyphs the grid font lacks */
};

/* The renderer's state over one job. */
struct r {
	struct escpos *e;
	const struct pprofile *p;
	struct buf *out;
	struct ebitmap *pv;
	struct escpos_stats st;
	int align, bold, big, page; /* printer modes; -1 unknown */
	char *err;
	size_t errsize;
};

void
ebitmap_cleanup(struct ebitmap *m)
{
	free(m->px);
	memset(m, 0, sizeof *m);
}

struct escpos *
escpos_new(const char *const fonts[4], char *err, size_t errsize)
{
	static const char *const key[4] = { "printer.font", "printer.font_bold",
		"printer.font_fallback", "printer.font_fallback_bold" };
	struct escpos *e = calloc(1, sizeof *e);

	if (e == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	if (FT_Init_FreeType(&e->ft) != 0) {
		snprintf(err, errsize, "FreeType: cannot initialise");
		free(e);
		return NULL;
	}
	for (int i = 0; i < 4; i++)
		if (FT_New_Face(e->ft, fonts[i], 0,
		        i < 2 ? &e->face[i] : &e->fallback[i - 2]) != 0) {
			snprintf(err, errsize, "%s: %s: not a readable font",
			    key[i], fonts[i]);
			escpos_free(e);
			return NULL;
		}
	return e;
}

void
escpos_free(struct escpos *e)
{
	if (e == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		if (e->face[i] != NULL)
			FT_Done_Face(e->face[i]);
		if (e->fallback[i] != NULL)
			FT_Done_Face(e->fallback[i]);
	}
	FT_Done_FreeType(e->ft);
	free(e);
}

static void
put(struct r *r, const void *d, size_t n)
{
	if (r->out != NULL && buf_add(r->out, d, n) == -1) {
		/* the failure sticks to the buffer (lib/buf.h):
		 * escpos_render checks buf_error once, at the end */
	}
}

static void
put3(struct r *r, uint8_t a, uint8_t b, uint8_t c)
{
	uint8_t t[3] = { a, b, c };

	put(r, t, 3);
}

/* Grows the preview by h blank rows; returns the first new row or -1. */
static int
pv_rows(struct r *r, int h)
{
	struct ebitmap *m = r->pv;
	int y;

	if (m == NULL)
		return -1;
	if (h > ESCPOS_PREVIEW_MAX - m->height)
		return -1;
	if (m->height + h > m->cap) {
		int cap = m->cap ? m->cap : 1024;
		uint8_t *px;

		while (cap < m->height + h)
			cap *= 2;
		if ((px = realloc(m->px, (size_t)cap * (size_t)m->width)) ==
		    NULL)
			return -1;
		m->px = px;
		m->cap = cap;
	}
	y = m->height;
	memset(m->px + (size_t)y * (size_t)m->width, 0,
	    (size_t)h * (size_t)m->width);
	m->height += h;
	return y;
}

static void
set_modes(struct r *r, int align, int bold, int big)
{
	if (align != r->align) {
		put3(r, 0x1b, 'a', (uint8_t)align);
		r->align = align;
	}
	if (bold != r->bold) {
		put3(r, 0x1b, 'E', (uint8_t)bold);
		r->bold = bold;
	}
	if (big != r->big) {
		put3(r, 0x1d, '!', big ? 0x11 : 0x00);
		r->big = big;
	}
}

/* Draws UTF-8 text on the character grid into a w x h 1-byte bitmap at
 * dot x0: one glyph a cell, as the printer's own font would. A glyph the
 * grid font lacks (DejaVu Sans Mono has few precomposed Vietnamese
 * letters) comes from the fallback font, centred in its cell; one that
 * neither has prints as '?'. */
static void
draw_text(struct escpos *e, const char *s, bool bold, bool big, int cell,
    int x0, uint8_t *bm, int w, int h)
{
	FT_Face grid = e->face[bold ? 1 : 0], fb = e->fallback[bold ? 1 : 0];
	int cw = cell * (big ? 2 : 1);
	int px = (int)(cw / 0.602 + 0.5), baseline = h * 73 / 100;
	int col = 0;

	FT_Set_Pixel_Sizes(grid, 0, (FT_UInt)px);
	FT_Set_Pixel_Sizes(fb, 0, (FT_UInt)px);
	while (*s != '\0') {
		uint32_t cp;
		FT_Face f = grid;
		FT_UInt gi;
		FT_GlyphSlot g;
		int dx = 0;

		s += vn_next(s, &cp);
		if ((gi = FT_Get_Char_Index(grid, cp)) == 0) {
			f = fb;
			if ((gi = FT_Get_Char_Index(fb, cp)) == 0) {
				f = grid;
				gi = FT_Get_Char_Index(grid, '?');
			}
		}
		if (cp != ' ' && FT_Load_Glyph(f, gi, FT_LOAD_DEFAULT) == 0 &&
		    FT_Render_Glyph(f->glyph, FT_RENDER_MODE_NORMAL) == 0) {
			g = f->glyph;
			if (f == fb) /* centre the fallback's advance */
				dx = (cw - (int)(g->advance.x >> 6)) / 2;
			for (unsigned yy = 0; yy < g->bitmap.rows; yy++)
				for (unsigned xx = 0; xx < g->bitmap.width;
				     xx++) {
					int X = x0 + col * cw + dx +
					    g->bitmap_left + (int)xx;
					int Y =
					    baseline - g->bitmap_top + (int)yy;
					const uint8_t *src = g->bitmap.buffer +
					    yy * (unsigned)g->bitmap.pitch;

					if (X < 0 || X >= w || Y < 0 || Y >= h)
						continue;
					if (src[xx] >= 128)
						bm[Y * w + X] = 1;
				}
		}
		col++;
	}
}

/* Sends a w x h bitmap as GS v 0, cropped to its ink on the right and
 * above and below (blank rows become ESC J feeds, 3 bytes instead of a
 * row of zeros), and copies it whole into the preview. */
static void
raster(struct r *r, const uint8_t *bm, int w, int h)
{
	int right = 0, wb, y0, top = h, bottom = 0;

	for (int y = 0; y < h; y++)
		for (int x = w - 1; x >= 0; x--)
			if (bm[y * w + x]) {
				if (x + 1 > right)
					right = x + 1;
				if (y < top)
					top = y;
				bottom = y + 1;
				break;
			}
	wb = (right + 7) / 8;
	set_modes(r, 0, r->bold < 0 ? 0 : r->bold, r->big < 0 ? 0 : r->big);
	if (r->out != NULL && wb == 0) {
		put3(r, 0x1b, 'J', (uint8_t)h);
	} else if (r->out != NULL) {
		int rows = bottom - top;
		uint8_t hdr[8] = { 0x1d, 'v', '0', 0, (uint8_t)(wb & 0xff),
			(uint8_t)(wb >> 8), (uint8_t)(rows & 0xff),
			(uint8_t)(rows >> 8) };

		if (top > 0)
			put3(r, 0x1b, 'J', (uint8_t)top);
		put(r, hdr, sizeof hdr);
		for (int y = top; y < bottom; y++)
			for (int xb = 0; xb < wb; xb++) {
				uint8_t v = 0;

				for (int k = 0; k < 8; k++) {
					int x = xb * 8 + k;

					if (x < w && bm[y * w + x])
						v |= (uint8_t)(0x80 >> k);
				}
				put(r, &v, 1);
			}
		if (h - bottom > 0)
			put3(r, 0x1b, 'J', (uint8_t)(h - bottom));
	}
	if ((y0 = pv_rows(r, h)) >= 0)
		for (int y = 0; y < h; y++)
			memcpy(r->pv->px + (size_t)(y0 + y) * (size_t)w,
			    bm + y * w, (size_t)w);
}

static int
cell_dots(const struct pprofile *p)
{
	return p->width_dots / p->width_chars;
}

static int
x_for(const struct pprofile *p, int align, size_t cells, bool big)
{
	int w = (int)cells * cell_dots(p) * (big ? 2 : 1);

	if (w >= p->width_dots || align == PTEMPLATE_LEFT)
		return 0;
	return align == PTEMPLATE_CENTER ? (p->width_dots - w) / 2
	                                 : p->width_dots - w;
}

/* A line as printer text: encodes it for the profile's path (TCVN-3 or
 * ASCII with the substitution rule), and previews what it prints. */
static void
text_native(struct r *r, const struct ptemplate_item *it)
{
	char printed[LINE_TEXT_MAX * 4];
	uint8_t enc[LINE_TEXT_MAX * 4];
	size_t pn = 0, en = 0;
	int h = ESCPOS_LINE_DOTS * (it->big ? 2 : 1), y0;
	bool tcvn = r->p->text == PP_TEXT_TCVN3;

	for (const char *s = it->text;
	     *s != '\0' && pn + 8 < sizeof printed && en + 8 < sizeof enc;) {
		uint32_t cp;
		size_t n = vn_next(s, &cp);
		uint8_t b[2];
		unsigned m = tcvn ? vn_tcvn3(cp, b) : 0;

		if (cp >= 0x20 && cp <= 0x7e)
			m = 3, b[0] = b[1] = (uint8_t)cp;
		if (m != 0) {
			int page = r->page == VN_PAGE_UPPER ? 1 : 0;

			if (m != 3 && !(m & (1u << page)))
				page = 1 - page;
			if (m != 3 && r->page != page) {
				enc[en++] = 0x1b;
				enc[en++] = 't';
				enc[en++] =
				    (uint8_t)(page ? r->p->cp_tcvn3_upper
				                   : r->p->cp_tcvn3_lower);
				r->page = page;
			}
			enc[en++] = b[page];
			memcpy(printed + pn, s, n);
			pn += n;
		} else {
			char sub[4];
			size_t k = vn_subst(cp, sub);

			memcpy(enc + en, sub, k);
			en += k;
			memcpy(printed + pn, sub, k);
			pn += k;
		}
		s += n;
	}
	printed[pn] = '\0';
	set_modes(r, (int)it->align, it->bold, it->big);
	put(r, enc, en);
	put(r, "\n", 1);
	r->st.text_lines++;
	r->st.min_bytes += vn_width(printed, pn) + 1;
	if ((y0 = pv_rows(r, h)) >= 0)
		draw_text(r->e, printed, it->bold, it->big, cell_dots(r->p),
		    x_for(r->p, (int)it->align, vn_width(printed, pn), it->big),
		    r->pv->px + (size_t)y0 * (size_t)r->pv->width, r->pv->width,
		    h);
}

static int
text_raster(struct r *r, const struct ptemplate_item *it)
{
	int w = r->p->width_dots, h = ESCPOS_LINE_DOTS * (it->big ? 2 : 1);
	uint8_t *bm = calloc((size_t)w * (size_t)h, 1);
	size_t cells = vn_width(it->text, strlen(it->text));

	if (bm == NULL)
		return -1;
	draw_text(r->e, it->text, it->bold, it->big, cell_dots(r->p),
	    x_for(r->p, (int)it->align, cells, it->big), bm, w, h);
	raster(r, bm, w, h);
	free(bm);
	r->st.raster_lines++;
	r->st.min_bytes += cells + 1;
	return 0;
}

static int
barcode(struct r *r, const struct ptemplate_item *it)
{
	struct code128 c;
	uint8_t data[256], bars[CODE128_SYMBOLS_MAX * 11 + 13];
	size_t at = 0, n, nb;
	int mod = r->p->barcode_module, h = r->p->barcode_height, x0, w;
	enum code128_err ce;

	ce = code128_encode(it->text, strlen(it->text), &c, &at);
	if (ce != CODE128_OK) {
		snprintf(r->err, r->errsize, "%s (character %zu)",
		    code128_strerror(ce), at + 1);
		return -1;
	}
	nb = code128_bars(&c, bars, sizeof bars);
	/* narrower modules when the symbol and its quiet zones would not
	 * fit on the paper */
	while (mod > 1 && (int)(nb + 20) * mod > r->p->width_dots)
		mod--;
	if ((int)(nb + 20) * mod > r->p->width_dots) {
		snprintf(r->err, r->errsize,
		    "barcode: %.40s is too long for the paper", it->text);
		return -1;
	}
	w = (int)nb * mod;
	x0 = (r->p->width_dots - w) / 2;
	r->st.min_bytes += strlen(it->text);
	if (r->p->code128_native &&
	    (n = code128_escpos(&c, data, sizeof data)) > 0) {
		uint8_t hdr[4] = { 0x1d, 'k', 73, (uint8_t)n };
		int y0;

		set_modes(r, PTEMPLATE_CENTER, r->bold < 0 ? 0 : r->bold,
		    r->big < 0 ? 0 : r->big);
		put3(r, 0x1d, 'h', (uint8_t)h);
		put3(r, 0x1d, 'w', (uint8_t)mod);
		put3(r, 0x1d, 'H', 0);
		put(r, hdr, 4);
		put(r, data, n);
		if ((y0 = pv_rows(r, h)) >= 0)
			for (int y = 0; y < h; y++)
				for (size_t i = 0; i < nb; i++)
					if (bars[i])
						memset(r->pv->px +
						        (size_t)(y0 + y) *
						            (size_t)
						                r->pv->width +
						        (size_t)x0 +
						        i * (size_t)mod,
						    1, (size_t)mod);
		return 0;
	} else {
		int W = r->p->width_dots;
		uint8_t *bm = calloc((size_t)W * (size_t)h, 1);

		if (bm == NULL)
			return -1;
		for (int y = 0; y < h; y++)
			for (size_t i = 0; i < nb; i++)
				if (bars[i])
					memset(bm + (size_t)y * (size_t)W +
					        (size_t)x0 + i * (size_t)mod,
					    1, (size_t)mod);
		raster(r, bm, W, h);
		free(bm);
	}
	return 0;
}

static void
feed_dots(struct r *r, int dots)
{
	put3(r, 0x1b, 'J', (uint8_t)dots);
	pv_rows(r, dots);
}

static int
qr(struct r *r, const struct ptemplate_item *it)
{
	size_t len = strlen(it->text);
	int mod = r->p->qr_module, W = r->p->width_dots, side, x0, y0;
	QRcode *q;

	if (len > ESCPOS_QR_MAX || !vn_is_ascii(it->text, len)) {
		snprintf(r->err, r->errsize,
		    "qr: the payload must be printable ASCII of at most %d "
		    "bytes",
		    ESCPOS_QR_MAX);
		return -1;
	}
	q = QRcode_encodeString8bit(it->text, 0, QR_ECLEVEL_M);
	if (q == NULL) {
		snprintf(r->err, r->errsize, "qr: cannot encode the payload");
		return -1;
	}
	while (mod > 1 && (q->width + 8) * mod > W)
		mod--;
	side = q->width * mod;
	x0 = (W - side) / 2;
	r->st.min_bytes += len;
	feed_dots(r, 4 * mod); /* the quiet zone above */
	if (r->p->qr_native) {
		size_t n = len + 3;
		uint8_t model[] = { 0x1d, '(', 'k', 4, 0, 49, 65, 50, 0 };
		uint8_t size[] = { 0x1d, '(', 'k', 3, 0, 49, 67, (uint8_t)mod };
		uint8_t ecl[] = { 0x1d, '(', 'k', 3, 0, 49, 69, 49 };
		uint8_t store[] = { 0x1d, '(', 'k', (uint8_t)(n & 0xff),
			(uint8_t)(n >> 8), 49, 80, 48 };
		uint8_t print[] = { 0x1d, '(', 'k', 3, 0, 49, 81, 48 };

		set_modes(r, PTEMPLATE_CENTER, r->bold < 0 ? 0 : r->bold,
		    r->big < 0 ? 0 : r->big);
		put(r, model, sizeof model);
		put(r, size, sizeof size);
		put(r, ecl, sizeof ecl);
		put(r, store, sizeof store);
		put(r, it->text, len);
		put(r, print, sizeof print);
		if ((y0 = pv_rows(r, side)) >= 0)
			for (int y = 0; y < side; y++)
				for (int x = 0; x < side; x++)
					r->pv->px[(size_t)(y0 + y) * (size_t)W +
					    (size_t)(x0 + x)] =
					    q->data[(y / mod) * q->width +
					        x / mod] &
					    1;
	} else {
		uint8_t *bm = calloc((size_t)W * (size_t)side, 1);

		if (bm == NULL) {
			QRcode_free(q);
			return -1;
		}
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++)
				bm[y * W + x0 + x] =
				    q->data[(y / mod) * q->width + x / mod] & 1;
		raster(r, bm, W, side);
		free(bm);
	}
	QRcode_free(q);
	feed_dots(r, 4 * mod); /* and below */
	return 0;
}

int
escpos_render(struct escpos *e, const struct pprofile *p,
    const struct ptemplate_layout *lay, struct buf *bytes, struct ebitmap *pv,
    struct escpos_stats *stats, char *err, size_t errsize)
{
	struct r r = { .e = e,
		.p = p,
		.out = bytes,
		.pv = pv,
		.align = -1,
		.bold = -1,
		.big = -1,
		.page = -1,
		.err = err,
		.errsize = errsize };
	int rc = 0;

	if (pv != NULL) {
		memset(pv, 0, sizeof *pv);
		pv->width = p->width_dots;
		pv_rows(&r, ESCPOS_LINE_DOTS); /* the top margin */
	}
	/* ESC @ first: code page and modes persist across jobs. ESC 3 fixes
	 * the line pitch that raster lines match. */
	put(&r, "\x1b@", 2);
	put3(&r, 0x1b, '3', ESCPOS_LINE_DOTS);
	put3(&r, 0x1b, 't', (uint8_t)p->cp_ascii);
	for (size_t i = 0; i < lay->count && rc == 0; i++) {
		const struct ptemplate_item *it = &lay->items[i];
		struct ptemplate_item rule;
		char dashes[LINE_TEXT_MAX];

		switch (it->kind) {
		case PTEMPLATE_TEXT:
			if (p->text == PP_TEXT_RASTER && it->text[0] != '\0' &&
			    !vn_is_ascii(it->text, strlen(it->text)))
				rc = text_raster(&r, it);
			else
				text_native(&r, it);
			break;
		case PTEMPLATE_RULE:
			memset(dashes, '-', (size_t)p->width_chars);
			dashes[p->width_chars] = '\0';
			rule = (struct ptemplate_item){ .kind = PTEMPLATE_TEXT,
				.text = dashes };
			text_native(&r, &rule);
			break;
		case PTEMPLATE_BARCODE:
			rc = barcode(&r, it);
			break;
		case PTEMPLATE_QR:
			rc = qr(&r, it);
			break;
		case PTEMPLATE_FEED:
			put3(&r, 0x1b, 'd', (uint8_t)it->n);
			pv_rows(&r, it->n * ESCPOS_LINE_DOTS);
			break;
		case PTEMPLATE_CUT:
			if (p->cut.len > 0)
				put(&r, p->cut.b, p->cut.len);
			else
				put3(&r, 0x1b, 'd', 4);
			if (pv != NULL) {
				int y = pv_rows(&r, 2 * ESCPOS_LINE_DOTS);

				/* a dashed line where the paper is cut */
				for (int x = 0; y >= 0 && x < pv->width; x++)
					if ((x / 8) % 2 == 0)
						pv->px[(size_t)(y + 40) *
						        (size_t)pv->width +
						    (size_t)x] = 1;
			}
			break;
		}
	}
	if (rc == 0 && bytes != NULL && buf_error(bytes) != 0) {
		snprintf(err, errsize, "job: longer than %u bytes",
		    ESCPOS_JOB_MAX);
		rc = -1;
	}
	if (stats != NULL)
		*stats = r.st;
	return rc;
}

static void
png_write(png_structp png, png_bytep data, png_size_t n)
{
	if (buf_add(png_get_io_ptr(png), data, n) == -1)
		png_error(png, "out of space");
}

static void
png_flush(png_structp png)
{
	(void)png;
}

int
escpos_png(const struct ebitmap *m, struct buf *out)
{
	png_structp png;
	png_infop info;
	uint8_t *row = malloc((size_t)m->width);
	volatile int rc = -1;

	if (row == NULL)
		return -1;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (png == NULL || info == NULL)
		goto out;
	if (setjmp(png_jmpbuf(png)))
		goto out;
	png_set_write_fn(png, out, png_write, png_flush);
	png_set_IHDR(png, info, (png_uint_32)m->width, (png_uint_32)m->height,
	    8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
	    PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int y = 0; y < m->height; y++) {
		for (int x = 0; x < m->width; x++)
			row[x] = m->px[(size_t)y * (size_t)m->width + (size_t)x]
			    ? 0
			    : 255;
		png_write_row(png, row);
	}
	png_write_end(png, info);
	rc = 0;
out:
	png_destroy_write_struct(&png, &info);
	free(row);
	return rc;
}
