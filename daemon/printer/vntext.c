/* vntext.c: see vntext.h. */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "printer/vntext.h"

/* The upper halves of the two pages, from 0xA0; "" is unassigned. Each
 * row is 16 bytes. */
static const char *const page_lower[96] = {
	/* A0 */ "", "", "", "", "", "", "", "", "ă", "â", "ê", "ô", "ơ", "ư",
	"đ", "",
	/* B0 */ "", "", "", "", "", "à", "ả", "ã", "á", "ạ", "", "ằ", "ẳ", "ẵ",
	"ắ", "",
	/* C0 */ "", "", "", "", "", "", "ặ", "ầ", "ẩ", "ẫ", "ấ", "ậ", "è", "",
	"ẻ", "ẽ",
	/* D0 */ "é", "ẹ", "ề", "ể", "ễ", "ế", "ệ", "ì", "ỉ", "", "", "", "ĩ",
	"í", "ị", "ò",
	/* E0 */ "", "ỏ", "õ", "ó", "ọ", "ồ", "ổ", "ỗ", "ố", "ộ", "ờ", "ở", "ỡ",
	"ớ", "ợ", "ù",
	/* F0 */ "", "ủ", "ũ", "ú", "ụ", "ừ", "ử", "ữ", "ứ", "ự", "ỳ", "ỷ", "ỹ",
	"ý", "ỵ", ""
};
static const char *const page_upper[96] = {
	/* A0 */ "", "Ă", "Â", "", "", "", "", "Đ", "", "", "Ê", "Ô", "Ơ", "Ư",
	"", "",
	/* B0 */ "", "", "", "", "", "À", "Ả", "Ã", "Á", "Ạ", "", "Ằ", "Ẳ", "Ẵ",
	"Ắ", "",
	/* C0 */ "", "", "", "", "", "", "Ặ", "Ầ", "Ẩ", "Ẫ", "Ấ", "Ậ", "È", "",
	"Ẻ", "Ẽ",
	/* D0 */ "É", "Ẹ", "Ề", "Ể", "Ễ", "Ế", "Ệ", "Ì", "Ỉ", "", "", "", "Ĩ",
	"Í", "Ị", "Ò",
	/* E0 */ "", "Ỏ", "Õ", "Ó", "Ọ", "Ồ", "Ổ", "Ỗ", "Ố", "Ộ", "Ờ", "Ở", "Ỡ",
	"Ớ", "Ợ", "Ù",
	/* F0 */ "", "Ủ", "Ũ", "Ú", "Ụ", "Ừ", "Ử", "Ữ", "Ứ", "Ự", "Ỳ", "Ỷ", "Ỹ",
	"Ý", "Ỵ", ""
};

long
vn_nfc(const char *in, char *out, size_t size)
{
	utf8proc_uint8_t *n;
	size_t len;

	n = utf8proc_NFC((const utf8proc_uint8_t *)in);
	if (n == NULL)
		return -1;
	len = strlen((const char *)n);
	if (len >= size) {
		free(n);
		return -1;
	}
	memcpy(out, n, len + 1);
	free(n);
	return (long)len;
}

size_t
vn_next(const char *s, uint32_t *cp)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
	if (n < 1) {
		*cp = 0xfffd;
		return 1;
	}
	*cp = (uint32_t)c;
	return (size_t)n;
}

size_t
vn_width(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

bool
vn_is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

size_t
vn_subst(uint32_t cp, char out[4])
{
	utf8proc_int32_t d[8];
	utf8proc_ssize_t n;
	int opt = UTF8PROC_DECOMPOSE;

	if (cp >= 0x20 && cp <= 0x7e) {
		out[0] = (char)cp;
		return 1;
	}
	switch (cp) {
	case 0x2018:
	case 0x2019:
	case 0x201a:
	case 0x2032:
		out[0] = '\'';
		return 1;
	case 0x201c:
	case 0x201d:
	case 0x201e:
	case 0x2033:
		out[0] = '"';
		return 1;
	case 0x2010:
	case 0x2011:
	case 0x2012:
	case 0x2013:
	case 0x2014:
	case 0x2212:
		out[0] = '-';
		return 1;
	case 0x2026:
		memcpy(out, "...", 3);
		return 3;
	case 0x00a0:
	case 0x2002:
	case 0x2003:
	case 0x2009:
	case 0x202f:
	case '\t':
		out[0] = ' ';
		return 1;
	case 0x2022:
	case 0x00b7:
		out[0] = '*';
		return 1;
	case 0x0111:
		out[0] = 'd';
		return 1;
	case 0x0110:
		out[0] = 'D';
		return 1;
	default:
		break;
	}
	n = utf8proc_decompose_char((utf8proc_int32_t)cp, d, 8, opt, NULL);
	if (n >= 1 && d[0] < 0x80 &&
	    ((d[0] >= 'a' && d[0] <= 'z') || (d[0] >= 'A' && d[0] <= 'Z'))) {
		out[0] = (char)d[0];
		return 1;
	}
	out[0] = '?';
	return 1;
}

static int
find(const char *const *page, uint32_t cp)
{
	char u[8];
	utf8proc_ssize_t n =
	    utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)u);

	if (n <= 0)
		return -1;
	u[n] = '\0';
	for (int i = 0; i < 96; i++)
		if (page[i][0] != '\0' && strcmp(page[i], u) == 0)
			return 0xa0 + i;
	return -1;
}

unsigned
vn_tcvn3(uint32_t cp, uint8_t byte[2])
{
	unsigned m = 0;
	int b;

	if (cp >= 0x20 && cp <= 0x7e) {
		byte[0] = byte[1] = (uint8_t)cp;
		return 3;
	}
	if (cp < 0xc0)
		return 0;
	if ((b = find(page_lower, cp)) >= 0) {
		byte[VN_PAGE_LOWER] = (uint8_t)b;
		m |= 1u << VN_PAGE_LOWER;
	}
	if ((b = find(page_upper, cp)) >= 0) {
		byte[VN_PAGE_UPPER] = (uint8_t)b;
		m |= 1u << VN_PAGE_UPPER;
	}
	return m;
}

uint32_t
vn_tcvn3_decode(int page, uint8_t b)
{
	const char *const *t = page == VN_PAGE_UPPER ? page_upper : page_lower;
	uint32_t cp;

	if (b < 0xa0 || t[b - 0xa0][0] == '\0')
		return 0;
	vn_next(t[b - 0xa0], &cp);
	return cp;
}
