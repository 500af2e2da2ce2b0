/* cli_decode.h: `motcua decode [--json] FILE...` (docs/cli.md): decodes
 * barcodes in image files here, with no daemon, through the same pipeline
 * as the camera (scanner/zdecode.h: zxing-cpp and ZBar). Exit 0 when a symbol
 * was found, 1 when none was found in any file, 2 on a usage error. */
#ifndef CLI_DECODE_H
#define CLI_DECODE_H

int cli_decode(int argc, char **argv);

#define CLI_DECODE_SUMMARY "read barcodes in image files (no daemon needed)"
#define CLI_DECODE_USAGE                                                      \
	"Usage: motcua decode [--json] [--symbologies LIST] [--steps LIST]\n" \
	"                     [--engines LIST] FILE...\n"                     \
	"\n"                                                                  \
	"Reads Code 128 and QR codes in PNG, JPEG and WebP images and\n"      \
	"prints one line per symbol: FILE: SYMBOLOGY: DATA, with \\\\,\n"     \
	"\\n, \\r, \\t and other control bytes escaped (\\xHH). Data is\n"    \
	"whole and UTF-8; a symbol whose text is uncertain (a QR in an\n"     \
	"unknown character set, ...) is refused on stderr with the reason.\n" \
	"A file that cannot be read, is not an image, is over 64 MiB or\n"    \
	"40 megapixels gets an error line and is skipped.\n"                  \
	"\n"                                                                  \
	"  --json               one JSON object per symbol and line:\n"       \
	"                       file, symbology, data, step, engine,\n"       \
	"                       charset\n"                                    \
	"  --symbologies LIST   comma-separated: code128, qr, ean13,\n"       \
	"                       code39, itf (default code128,qr)\n"           \
	"  --steps LIST         pipeline steps to run: plain, scale,\n"       \
	"                       binarise, invert, rotate (default all)\n"     \
	"  --engines LIST       zxing, zbar (default both, combined)\n"       \
	"\n"                                                                  \
	"Exit status 0 when a symbol was found, 1 when none was found in\n"   \
	"any file, 2 on a usage error.\n"                                     \
	"\n"                                                                  \
	"Example:\n"                                                          \
	"  motcua decode --json label.jpg receipt.png\n"
#endif
