/* code128.c: see code128.h. */
#include <stdbool.h>
#include <string.h>

#include "printer/code128.h"

/* Element widths (bar, space, bar, space, bar, space[, bar]) of each symbol
 * value, from the Code 128 symbology (ISO/IEC 15417). Each sums to 11
 * modules; the stop (106) has 7 elements and 13 modules. */
static const char *const widths[107] = { "212222", "222122", "222221", "121223",
	"121322", "131222", "122213", "122312", "132212", "221213", "221312",
	"231212", "112232", "122132", "122231", "113222", "123122", "123221",
	"223211", "221132", "221231", "213212", "223112", "312131", "311222",
	"321122", "321221", "312212", "322112", "322211", "212123", "212321",
	"232121", "111323", "131123", "131321", "112313", "132113", "132311",
	"211313", "231113", "231311", "112133", "112331", "132131", "113123",
	"113321", "133121", "313121", "211331", "231131", "213113", "213311",
	"213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421",
	"141122", "141221", "112214", "112412", "122114", "122411", "142112",
	"142211", "241211", "221114", "413111", "241112", "134111", "111242",
	"121142", "121241", "114212", "124112", "124211", "411212", "421112",
	"421211", "212141", "214121", "412121", "111143", "111341", "131141",
	"114113", "114311", "411113", "411311", "113141", "114131", "311141",
	"411131", "211412", "211214", "211232", "2331112" };

enum { SET_B, SET_C, NSETS };
#define INF 0x7fff

static bool
isdig(char c)
{
	return c >= '0' && c <= '9';
}

const char *
code128_strerror(enum code128_err e)
{
	switch (e) {
	case CODE128_OK:
		return "ok";
	case CODE128_EEMPTY:
		return "barcode: no data";
	case CODE128_ELONG:
		return "barcode: longer than 80 characters";
	case CODE128_ECHAR:
		return "barcode: only printable ASCII can be encoded";
	}
	return "barcode: unknown error";
}

enum code128_err
code128_encode(const char *data, size_t len, struct code128 *out, size_t *at)
{
	/* cost[i][s]: fewest symbols for data[i..] when subset s is active
	 * at i (a switch at i is allowed); sw[i][s]: switches on that path,
	 * for the tie-break. Stay-costs are computed without a switch. */
	uint16_t cost[CODE128_DATA_MAX + 1][NSETS];
	uint16_t sw[CODE128_DATA_MAX + 1][NSETS];
	uint8_t next[CODE128_DATA_MAX + 1][NSETS]; /* subset used at i */
	size_t i, n = 0, sum;
	int s;

	if (len == 0)
		return CODE128_EEMPTY;
	if (len > CODE128_DATA_MAX) {
		if (at != NULL)
			*at = CODE128_DATA_MAX;
		return CODE128_ELONG;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)data[i] < 0x20 ||
		    (unsigned char)data[i] > 0x7e) {
			if (at != NULL)
				*at = i;
			return CODE128_ECHAR;
		}
	cost[len][SET_B] = cost[len][SET_C] = 0;
	sw[len][SET_B] = sw[len][SET_C] = 0;
	for (i = len; i-- > 0;) {
		/* staying in B: one symbol for one character */
		unsigned stay_b = 1u + cost[i + 1][SET_B];
		unsigned stay_b_sw = sw[i + 1][SET_B];
		unsigned stay_c = INF, stay_c_sw = 0;

		/* cost[i+1] was computed allowing a switch; add staying in
		 * B means the next position starts in B */
		if (i + 1 < len && isdig(data[i]) && isdig(data[i + 1])) {
			stay_c = 1u + cost[i + 2][SET_C];
			stay_c_sw = sw[i + 2][SET_C];
		}
		for (s = 0; s < NSETS; s++) {
			unsigned own = s == SET_B ? stay_b : stay_c;
			unsigned own_sw = s == SET_B ? stay_b_sw : stay_c_sw;
			unsigned other = s == SET_B ? stay_c : stay_b;
			unsigned other_sw = s == SET_B ? stay_c_sw : stay_b_sw;

			if (other < INF)
				other += 1, other_sw += 1; /* the switch */
			if (own < other ||
			    (own == other && own_sw <= other_sw)) {
				cost[i][s] = (uint16_t)(own < INF ? own : INF);
				sw[i][s] = (uint16_t)own_sw;
				next[i][s] = (uint8_t)s;
			} else {
				cost[i][s] = (uint16_t)other;
				sw[i][s] = (uint16_t)other_sw;
				next[i][s] = (uint8_t)(1 - s);
			}
		}
	}
	/* The start symbol selects the first subset: no switch there. */
	{
		unsigned b = next[0][SET_B] == SET_B ? cost[0][SET_B] : INF;
		unsigned c = next[0][SET_C] == SET_C ? cost[0][SET_C] : INF;
		unsigned bsw = sw[0][SET_B], csw = sw[0][SET_C];

		s = (c < b || (c == b && csw < bsw)) ? SET_C : SET_B;
	}
	out->sym[n++] = s == SET_B ? CODE128_START_B : CODE128_START_C;
	for (i = 0; i < len;) {
		if (next[i][s] != s) {
			s = next[i][s];
			out->sym[n++] =
			    s == SET_B ? CODE128_CODE_B : CODE128_CODE_C;
		}
		if (s == SET_C) {
			out->sym[n++] = (uint8_t)((data[i] - '0') * 10 +
			    (data[i + 1] - '0'));
			i += 2;
		} else {
			out->sym[n++] = (uint8_t)(data[i] - 0x20);
			i++;
		}
	}
	sum = out->sym[0];
	for (i = 1; i < n; i++)
		sum += i * out->sym[i];
	out->sym[n++] = (uint8_t)(sum % 103);
	out->sym[n++] = CODE128_STOP;
	out->count = n;
	return CODE128_OK;
}

size_t
code128_escpos(const struct code128 *c, uint8_t *buf, size_t size)
{
	size_t n = 0, i;
	bool in_c = false;

	if (c->count < 3)
		return 0;
	if (size > 255)
		size = 255;
	/* symbols 1 .. count-3 are data and switches; the printer adds the
	 * check symbol and the stop itself */
	for (i = 0; i + 2 < c->count; i++) {
		uint8_t v = c->sym[i];
		uint8_t tmp[2];
		size_t k = 0;

		/* a switch is 99 in subset B and 100 in subset C; in C, 99
		 * is the pair "99" */
		if (i == 0 || (!in_c && v == CODE128_CODE_C) ||
		    (in_c && v == CODE128_CODE_B)) {
			bool to_c =
			    i == 0 ? v == CODE128_START_C : v == CODE128_CODE_C;

			tmp[k++] = '{';
			tmp[k++] = to_c ? 'C' : 'B';
			in_c = to_c;
		} else if (in_c) {
			tmp[k++] = v; /* a packed pair, 0..99 */
		} else if (v + 0x20 == '{') {
			tmp[k++] = '{';
			tmp[k++] = '{';
		} else {
			tmp[k++] = (uint8_t)(v + 0x20);
		}
		if (k > size - n)
			return 0;
		memcpy(buf + n, tmp, k);
		n += k;
	}
	return n;
}

size_t
code128_modules(const struct code128 *c)
{
	return c->count == 0 ? 0 : 11 * (c->count - 1) + 13;
}

size_t
code128_bars(const struct code128 *c, uint8_t *bars, size_t size)
{
	size_t n = 0, i;

	if (code128_modules(c) > size)
		return 0;
	for (i = 0; i < c->count; i++) {
		const char *w = widths[c->sym[i]];

		for (size_t e = 0; w[e] != '\0'; e++)
			for (int k = 0; k < w[e] - '0'; k++)
				bars[n++] = (e % 2) == 0;
	}
	return n;
}
