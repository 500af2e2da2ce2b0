/* zxdecode.cpp: zxing-cpp behind the engine interface of zengine.h. The
 * only C++ in the project: it turns a grey image into zengine_sym values
 * and keeps every C++ type and exception on this side. What zxing-cpp
 * returns is passed on as read; zdecode.c judges it. */
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include <ReadBarcode.h>

#include "scanner/zxdecode.h"

namespace {

/* Two readers per effort: QR, and the linear codes. zxing-cpp 1.4.0
 * (Debian's build keeps its assertions) aborts in Result::operator==
 * when ReadBarcodes compares two reads of one linear code that were each
 * confirmed on several lines (upstream fixed this after 1.4, commit
 * 44f90f33); tests/data/barcodes/code128-1/4.png does it. That
 * comparison only happens once a linear read is already in the results,
 * so the linear reader asks for one symbol: it stops at the first. */
struct zxdecode {
	ZXing::DecodeHints fast[2], hard[2]; /* [0] QR, [1] linear */
	bool want[2];
	std::vector<uint8_t> inverted; /* scratch for light-on-dark */
};

const struct {
	enum scan_symbology sym;
	ZXing::BarcodeFormat f;
} formats[] = {
	{ SCAN_SYM_CODE128, ZXing::BarcodeFormat::Code128 },
	{ SCAN_SYM_QR, ZXing::BarcodeFormat::QRCode },
	{ SCAN_SYM_EAN13, ZXing::BarcodeFormat::EAN13 },
	{ SCAN_SYM_CODE39, ZXing::BarcodeFormat::Code39 },
	{ SCAN_SYM_ITF, ZXing::BarcodeFormat::ITF },
};

enum scan_symbology
to_sym(ZXing::BarcodeFormat f)
{
	for (const auto &x : formats)
		if (x.f == f)
			return x.sym;
	return SCAN_SYM_OTHER;
}

void *
zx_open(const struct zdecode_opts *o) noexcept
{
	unsigned want =
	    o->symbologies ? o->symbologies : ZDECODE_DEFAULT_SYMBOLOGIES;
	ZXing::BarcodeFormats fmts[2];

	for (const auto &x : formats)
		if (want & (1u << x.sym))
			fmts[x.sym == SCAN_SYM_QR ? 0 : 1] |= x.f;
	if (fmts[0].empty() && fmts[1].empty()) {
		errno = EINVAL;
		return nullptr;
	}
	try {
		zxdecode *z = new zxdecode;

		for (int i = 0; i < 2; i++) {
			uint8_t most = i == 0 ? ZDECODE_SYMBOLS_MAX : 1;

			z->want[i] = !fmts[i].empty();
			/* fast: one pass, as a camera frame needs; hard: the
			 * extra line scans and rotations zxing-cpp offers */
			z->fast[i]
			    .setFormats(fmts[i])
			    .setTryHarder(false)
			    .setTryRotate(false)
			    .setTryDownscale(true)
			    .setMaxNumberOfSymbols(most);
			z->hard[i]
			    .setFormats(fmts[i])
			    .setTryHarder(true)
			    .setTryRotate(true)
			    .setTryDownscale(true)
			    .setMaxNumberOfSymbols(most);
		}
		return z;
	} catch (...) {
		errno = ENOMEM;
		return nullptr;
	}
}

void
zx_close(void *p) noexcept
{
	delete static_cast<zxdecode *>(p);
}

/* Adds r unless the same symbology and data is there. */
size_t
add(const ZXing::Result &r, struct zengine_sym *out, size_t n, size_t max)
{
	enum scan_symbology sym = to_sym(r.format());
	struct zengine_sym o;
	std::string text;

	if (n == max || sym == SCAN_SYM_OTHER || !r.isValid())
		return n;
	o.sym = sym;
	o.flags = 0;
	o.step = ZDECODE_PLAIN;
	if (sym == SCAN_SYM_QR && !r.hasECI()) {
		/* the raw bytes: with no ECI the character set is a guess,
		 * which zdecode.c makes only where the bytes allow one */
		const ZXing::ByteArray &b = r.bytes();

		text.assign(b.begin(), b.end());
	} else {
		if (r.contentType() == ZXing::ContentType::UnknownECI ||
		    r.contentType() == ZXing::ContentType::Binary)
			o.flags |= ZENGINE_ECI_UNKNOWN;
		/* an ECI, or a linear code's own character set (Code 128's
		 * FNC4 is Latin-1 by its standard): zxing-cpp converts */
		if (sym == SCAN_SYM_QR)
			o.flags |= ZENGINE_ECI;
		text = r.text();
	}
	if (text.size() > ZDECODE_DATA_MAX) {
		o.flags |= ZENGINE_OVERLONG;
		text.clear();
	}
	o.len = text.size();
	memcpy(o.data, text.data(), o.len);
	for (size_t i = 0; i < n; i++)
		if (out[i].sym == o.sym && out[i].len == o.len &&
		    memcmp(out[i].data, o.data, o.len) == 0)
			return n;
	memcpy(&out[n], &o, sizeof(o));
	return n + 1;
}

size_t
zx_run(void *p, const unsigned char *grey, int w, int h, unsigned steps,
    struct zengine_sym *out, size_t max) noexcept
{
	zxdecode *z = static_cast<zxdecode *>(p);
	bool harder = (steps & (ZDECODE_SCALE | ZDECODE_ROTATE)) != 0;
	const ZXing::DecodeHints *hints = harder ? z->hard : z->fast;
	size_t n = 0;

	if (w <= 0 || h <= 0 || max == 0)
		return 0;
	try {
		ZXing::ImageView iv(grey, w, h, ZXing::ImageFormat::Lum);

		if (steps &
		    (ZDECODE_PLAIN | ZDECODE_SCALE | ZDECODE_BINARISE |
		        ZDECODE_ROTATE))
			for (int i = 0; i < 2; i++)
				if (z->want[i])
					for (const auto &r :
					    ZXing::ReadBarcodes(iv, hints[i]))
						n = add(r, out, n, max);
		/* zxing-cpp 1.4 has no inverted pass of its own */
		if (n == 0 && (steps & ZDECODE_INVERT)) {
			size_t len = (size_t)w * (size_t)h;

			z->inverted.resize(len);
			for (size_t i = 0; i < len; i++)
				z->inverted[i] = (uint8_t)(255 - grey[i]);
			ZXing::ImageView inv(z->inverted.data(), w, h,
			    ZXing::ImageFormat::Lum);
			for (int i = 0; i < 2; i++) {
				if (!z->want[i])
					continue;
				for (const auto &r :
				    ZXing::ReadBarcodes(inv, hints[i])) {
					size_t before = n;

					n = add(r, out, n, max);
					if (n > before)
						out[n - 1].step =
						    ZDECODE_INVERT;
				}
			}
		}
	} catch (...) {
		/* out of memory, or a fault zxing-cpp reports by throwing:
		 * nothing read from this image */
		return 0;
	}
	return n;
}

} // namespace

extern "C" const struct zengine_ops zxdecode_ops = {
	"zxing",
	zx_open,
	zx_close,
	zx_run,
};
