/* textfold.c: see textfold.h. utf8proc does the Unicode work; this file
 * only decides what counts as a word and where bytes go. */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "core/textfold.h"

/* utf8proc takes a signed length and we return an int: anything longer
 * is refused. Real names and queries are a few hundred bytes at most. */
#define TEXT_IN_MAX (1024 * 1024)

bool
text_valid(const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t i = 0;

	if (s == NULL)
		return len == 0;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;

		n = utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp < 0)
			return false;
		/* C0 except tab, DEL and C1: none belongs in a name, and
		 * some (ESC) would reach a receipt printer as commands. */
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0))
			return false;
		i += (size_t)n;
	}
	return true;
}

bool
text_utf8(const void *s, size_t len)
{
	const utf8proc_uint8_t *p = s;
	size_t i = 0;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n =
		    utf8proc_iterate(p + i, (utf8proc_ssize_t)(len - i), &cp);

		if (n <= 0 || cp <= 0)
			return false;
		i += (size_t)n;
	}
	return true;
}

/* Runs utf8proc_map on s[0..len). Returns the length with *out owned by
 * the caller (free()), or -1. NUL bytes are refused: results are C
 * strings. */
static utf8proc_ssize_t
map(const char *s, size_t len, utf8proc_option_t opts, utf8proc_uint8_t **out)
{
	utf8proc_ssize_t n;

	*out = NULL;
	if (s == NULL || len > TEXT_IN_MAX || memchr(s, '\0', len) != NULL)
		return -1;
	if (len == 0) {
		/* utf8proc_map wants at least one byte to look at */
		*out = calloc(1, 1);
		return *out != NULL ? 0 : -1;
	}
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
	    out, opts);
	if (n < 0) {
		*out = NULL;
		return -1;
	}
	if (n > INT_MAX - 1) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return n;
}

/* True when s is valid UTF-8 (no NUL) made only of code points below
 * U+0300 or in Latin Extended Additional (U+1E00-U+1EFF, the precomposed
 * Vietnamese letters): all of those are unchanged by NFC, since the
 * combining marks start at U+0300 and no composition exclusion or
 * singleton lies in either range. Anything else takes the full map. */
static bool
plainly_nfc(const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t i = 0, n = (utf8proc_ssize_t)len, k;
	utf8proc_int32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			if (p[i] == 0)
				return false;
			i++;
			continue;
		}
		k = utf8proc_iterate(p + i, n - i, &cp);
		if (k <= 0 || (cp >= 0x300 && (cp < 0x1E00 || cp > 0x1EFF)))
			return false;
		i += k;
	}
	return true;
}

int
text_nfc(const char *s, size_t len, char *buf, size_t size)
{
	utf8proc_uint8_t *nfc;
	utf8proc_ssize_t n;

	/* Import lines are almost always NFC already; checking is a sixth
	 * of the cost of normalising. */
	if (len <= TEXT_IN_MAX && plainly_nfc(s, len)) {
		if (buf == NULL || len >= size)
			return -1;
		memcpy(buf, s, len);
		buf[len] = '\0';
		return (int)len;
	}
	n = map(s, len, UTF8PROC_COMPOSE | UTF8PROC_STABLE, &nfc);
	if (n < 0)
		return -1;
	if (buf == NULL || (size_t)n >= size) {
		free(nfc);
		return -1;
	}
	memcpy(buf, nfc, (size_t)n);
	buf[n] = '\0';
	free(nfc);
	return (int)n;
}

/* White space for splitting words: ASCII space and controls (a stray
 * tab or newline in a pasted name separates words), NEL, and the Unicode
 * space, line and paragraph separators (NBSP from office documents). */
static bool
is_space(utf8proc_int32_t cp)
{
	utf8proc_category_t cat;

	if (cp <= 0x20 || (cp >= 0x7f && cp < 0xa0))
		return true;
	cat = utf8proc_category(cp);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP;
}

/* Appends n bytes to buf[*at..size), keeping room for the NUL. */
static bool
put(char *buf, size_t size, size_t *at, const void *p, size_t n)
{
	if (n >= size - *at)
		return false;
	memcpy(buf + *at, p, n);
	*at += n;
	return true;
}

int
text_fold(const char *s, size_t len, char *buf, size_t size)
{
	/* COMPOSE with STRIPMARK decomposes, drops the marks (Vietnamese
	 * tones, circumflex, breve, horn) and recomposes what is left;
	 * IGNORE drops soft hyphens and zero-width joiners. */
	const utf8proc_option_t opts = UTF8PROC_COMPOSE | UTF8PROC_STABLE |
	    UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE;
	utf8proc_uint8_t *m;
	utf8proc_ssize_t n, i = 0;
	size_t at = 0;
	bool gap = false; /* white space seen since the last output */

	if (buf == NULL || size == 0)
		return -1;
	n = map(s, len, opts, &m);
	if (n < 0)
		return -1;
	while (i < n) {
		utf8proc_uint8_t enc[4];
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		k = utf8proc_iterate(m + i, n - i, &cp);
		if (k <= 0)
			break; /* cannot happen: utf8proc wrote it */
		i += k;
		if (is_space(cp)) {
			gap = true;
			continue;
		}
		/* đ has no decomposition, so STRIPMARK leaves it; readers
		 * treat it as d ("Đặng" is searched as "dang"). */
		if (cp == 0x0111 || cp == 0x0110)
			cp = 'd';
		if (gap && at > 0 && !put(buf, size, &at, " ", 1))
			goto toolong;
		gap = false;
		k = utf8proc_encode_char(cp, enc);
		if (!put(buf, size, &at, enc, (size_t)k))
			goto toolong;
	}
	free(m);
	buf[at] = '\0';
	return (int)at;
toolong:
	free(m);
	buf[0] = '\0';
	return -1;
}

/* One word of an NFC name: bytes [b, e). Counts its graphemes, so a
 * letter written with a combining mark that has no precomposed form is
 * still one letter and one star. */
static size_t
graphemes(const utf8proc_uint8_t *p, utf8proc_ssize_t b, utf8proc_ssize_t e)
{
	utf8proc_int32_t prev = -1, cp, state = 0;
	size_t count = 0;

	while (b < e) {
		utf8proc_ssize_t k = utf8proc_iterate(p + b, e - b, &cp);

		if (k <= 0)
			break;
		if (prev < 0 ||
		    utf8proc_grapheme_break_stateful(prev, cp, &state))
			count++;
		prev = cp;
		b += k;
	}
	return count;
}

/* True when s is not plain valid UTF-8 without combining marks (or has a
 * NUL): such text needs the full NFC map first. */
static bool
has_marks(const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t i = 0, n = (utf8proc_ssize_t)len, k;
	utf8proc_int32_t cp;

	while (i < n) {
		if (p[i] < 0x80) { /* ASCII: never a mark */
			if (p[i] == 0)
				return true;
			i++;
			continue;
		}
		k = utf8proc_iterate(p + i, n - i, &cp);
		if (k <= 0 || utf8proc_get_property(cp)->combining_class != 0)
			return true;
		i += k;
	}
	return false;
}

int
text_mask_name(const char *s, size_t len, char *buf, size_t size)
{
	utf8proc_uint8_t *m;
	utf8proc_ssize_t n, i = 0;
	size_t at = 0, word = 0;
	bool owned = true;

	if (buf == NULL || size == 0)
		return -1;
	/* Stored names are NFC already; normalising again on every kiosk
	 * lookup was a tenth of its CPU. Text without combining marks is
	 * read as it is. */
	if (len <= TEXT_IN_MAX && !has_marks(s, len)) {
		m = (utf8proc_uint8_t *)(uintptr_t)s;
		n = (utf8proc_ssize_t)len;
		owned = false;
	} else {
		n = map(s, len, UTF8PROC_COMPOSE | UTF8PROC_STABLE, &m);
	}
	if (n < 0)
		return -1;
	while (i < n) {
		utf8proc_int32_t cp, prev = -1, state = 0;
		utf8proc_ssize_t k, b, e;
		size_t count, g = 0, keep;

		k = utf8proc_iterate(m + i, n - i, &cp);
		if (k <= 0)
			break;
		if (is_space(cp)) {
			i += k;
			continue;
		}
		/* a word: [b, e) up to the next white space */
		for (b = e = i; e < n; e += k) {
			k = utf8proc_iterate(m + e, n - e, &cp);
			if (k <= 0 || is_space(cp))
				break;
		}
		count = graphemes(m, b, e);
		keep = word == 0 && count >= 4 ? 2 : 1;
		if (word > 0 && !put(buf, size, &at, " ", 1))
			goto toolong;
		while (i < e) {
			bool starts;

			k = utf8proc_iterate(m + i, e - i, &cp);
			if (k <= 0)
				break;
			starts = prev < 0 ||
			    utf8proc_grapheme_break_stateful(prev, cp, &state);
			if (starts && prev >= 0)
				g++;
			prev = cp;
			if (g < keep) {
				/* kept as written, marks included */
				if (!put(buf, size, &at, m + i, (size_t)k))
					goto toolong;
			} else if (starts) {
				/* one star per letter, whatever its bytes */
				if (!put(buf, size, &at, "*", 1))
					goto toolong;
			}
			i += k;
		}
		i = e;
		word++;
	}
	if (owned)
		free(m);
	buf[at] = '\0';
	return (int)at;
toolong:
	if (owned)
		free(m);
	buf[0] = '\0';
	return -1;
}

int
text_compat(const char *s, size_t len, int32_t *cp, size_t max)
{
	utf8proc_ssize_t n;

	if (len == 0 || len > TEXT_IN_MAX || max > TEXT_IN_MAX)
		return -1;
	n = utf8proc_decompose((const utf8proc_uint8_t *)s,
	    (utf8proc_ssize_t)len, cp, (utf8proc_ssize_t)max,
	    UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK |
	        UTF8PROC_IGNORE);
	if (n < 0 || (size_t)n > max)
		return -1;
	return (int)n;
}
