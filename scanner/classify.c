/* classify.c: see classify.h. The order matters only where formats could
 * overlap: the strict postal formats (S10: 2 letters, 9 digits, 2
 * letters; manifest: BK + 8 digits + '-' + 4 digits) are tried before the
 * lenient dossier-code normaliser, which forgives spaces and dashes. */
#include <string.h>

#include "core/scantext.h"
#include "core/textfold.h"
#include "scanner/classify.h"
#include "scanner/scan.h"

static bool
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
unknown(struct classified *out, const char *reason)
{
	out->kind = CLASSIFY_UNKNOWN;
	out->value[0] = '\0';
	out->reason = reason;
}

void
classify_scan(const void *data, size_t len, bool truncated,
    struct classified *out)
{
	const unsigned char *s = data;
	struct scantext ks;
	struct s10 s10;
	int y, m, d, seq;

	memset(out, 0, sizeof *out);
	if (truncated || len > SCAN_DATA_MAX) {
		unknown(out, "too long");
		return;
	}
	while (len > 0 && is_blank(s[len - 1]))
		len--;
	while (len > 0 && is_blank(*s)) {
		s++;
		len--;
	}
	if (len == 0) {
		unknown(out, "empty");
		return;
	}
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] == 0x7f) {
			unknown(out, "control bytes");
			return;
		}
	if (!text_utf8(s, len)) {
		unknown(out, "not UTF-8");
		return;
	}
	if (manifest_id_parse((const char *)s, len, &y, &m, &d, &seq) &&
	    manifest_id_format(y, m, d, seq, out->value) == 0) {
		out->kind = CLASSIFY_MANIFEST;
		return;
	}
	if (s10_parse((const char *)s, len, &s10) != S10_BAD_FORMAT) {
		out->kind = CLASSIFY_S10;
		out->s10 = s10.verdict;
		out->reason = s10.reason;
		memcpy(out->value, s10.id, sizeof s10.id);
		return;
	}
	scantext_classify(s, len, &ks);
	if (ks.kind == SCANTEXT_TOKEN || ks.kind == SCANTEXT_CODE) {
		out->kind =
		    ks.kind == SCANTEXT_TOKEN ? CLASSIFY_TOKEN : CLASSIFY_CODE;
		memcpy(out->value, ks.value, sizeof out->value);
		return;
	}
	unknown(out, "no known format");
}

const char *
classify_kind_name(enum classify_kind k)
{
	switch (k) {
	case CLASSIFY_TOKEN:
		return "token";
	case CLASSIFY_CODE:
		return "code";
	case CLASSIFY_S10:
		return "s10";
	case CLASSIFY_MANIFEST:
		return "manifest";
	case CLASSIFY_UNKNOWN:
		break;
	}
	return "unknown";
}
