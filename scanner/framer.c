/* framer.c: see framer.h. */
#include <string.h>

#include "scanner/framer.h"
#include "core/textfold.h"

void
framer_init(struct framer *f, const char *suffix, int max_line)
{
	memset(f, 0, sizeof *f);
	if (strcmp(suffix, "\r") == 0)
		f->cr = true;
	else if (strcmp(suffix, "\n") == 0)
		f->lf = true;
	else if (strcmp(suffix, "\t") == 0)
		f->tab = true;
	else
		f->cr = f->lf = true;
	if (max_line < 1)
		max_line = 1;
	f->max_line =
	    (size_t)max_line > SCAN_DATA_MAX ? SCAN_DATA_MAX : (size_t)max_line;
}

void
framer_reset(struct framer *f)
{
	f->len = 0;
	f->overlong = false;
	f->bad = NULL;
	f->bad_reported = false;
	f->bad_len = 0;
}

/* "]" + symbology letter + modifier digit (ISO/IEC 15424). */
static enum scan_symbology
aim(const unsigned char *s, size_t len, size_t *skip)
{
	*skip = 0;
	if (len < 3 || s[0] != ']' ||
	    !((s[2] >= '0' && s[2] <= '9') || (s[2] >= 'A' && s[2] <= 'Z')))
		return SCAN_SYM_UNKNOWN;
	*skip = 3;
	switch (s[1]) {
	case 'C':
		return SCAN_SYM_CODE128;
	case 'Q':
		return SCAN_SYM_QR;
	case 'E':
		return SCAN_SYM_EAN13;
	case 'A':
		return SCAN_SYM_CODE39;
	case 'I':
		return SCAN_SYM_ITF;
	default:
		if (s[1] >= 'a' && s[1] <= 'z')
			return SCAN_SYM_OTHER;
		if (s[1] >= 'A' && s[1] <= 'Z')
			return SCAN_SYM_OTHER;
		*skip = 0;
		return SCAN_SYM_UNKNOWN;
	}
}

/* The suffix came: the frame so far goes out (or is dropped). */
static void
end_frame(struct framer *f, framer_cb *cb, void *arg)
{
	struct frame fr = { .kind = FRAME_OK };
	size_t skip;

	if (f->bad != NULL) {
		if (!f->bad_reported) {
			fr.kind = FRAME_GARBAGE;
			fr.reason = f->bad;
			cb(arg, &fr);
		}
	} else if (f->overlong) {
		/* reported when it was cut */
	} else if (f->len > 0) {
		if (!text_utf8(f->buf, f->len)) {
			fr.kind = FRAME_GARBAGE;
			fr.reason = "invalid UTF-8";
		} else {
			fr.sym = aim(f->buf, f->len, &skip);
			fr.data = f->buf + skip;
			fr.len = f->len - skip;
		}
		cb(arg, &fr);
	}
	framer_reset(f);
}

void
framer_push(struct framer *f, const void *bytes, size_t n, framer_cb *cb,
    void *arg)
{
	const unsigned char *p = bytes;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if ((c == '\r' && f->cr) || (c == '\n' && f->lf) ||
		    (c == '\t' && f->tab)) {
			end_frame(f, cb, arg);
			continue;
		}
		/* A CR or LF the suffix does not name, at the start of a
		 * frame: the rest of a CRLF the scanner sends anyway. */
		if ((c == '\r' || c == '\n') && f->len == 0 && !f->overlong &&
		    f->bad == NULL)
			continue;
		if (f->bad != NULL) {
			if (!f->bad_reported && ++f->bad_len > f->max_line) {
				struct frame fr = { .kind = FRAME_GARBAGE,
					.reason = f->bad };

				f->bad_reported = true;
				cb(arg, &fr);
			}
			continue;
		}
		if (f->overlong)
			continue; /* reported once, when cut */
		if (c < 0x20 || c == 0x7f) {
			f->bad = c == 0 ? "NUL byte" : "control byte";
			f->bad_len = f->len + 1;
			f->len = 0;
			continue;
		}
		if (f->len == f->max_line) {
			struct frame fr = { .kind = FRAME_OVERLONG };
			size_t skip;

			fr.sym = aim(f->buf, f->len, &skip);
			fr.data = f->buf + skip;
			fr.len = f->len - skip;
			f->overlong = true;
			cb(arg, &fr);
			continue;
		}
		f->buf[f->len++] = c;
	}
}
