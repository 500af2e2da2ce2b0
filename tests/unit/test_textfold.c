/* test_textfold.c: UTF-8 checks, NFC, accent folding and name masking. */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "harness.h"

#include "core/textfold.h"

static void
test_valid(void **state)
{
	static const struct {
		const char *s;
		size_t len; /* 0: strlen */
		bool valid;
	} t[] = {
		{ "Nguyễn Văn An", 0, true },
		{ "", 0, true },
		{ "a\tb", 0, true },
		{ "\xc2\xa0", 0, true },         /* NBSP */
		{ "\xf0\x9f\x98\x80", 0, true }, /* emoji */
		{ "\xff", 0, false },
		{ "\xc0\x80", 0, false },         /* overlong NUL */
		{ "\xe0\x80\xaf", 0, false },     /* overlong '/' */
		{ "\xed\xa0\x80", 0, false },     /* surrogate */
		{ "\xf4\x90\x80\x80", 0, false }, /* above U+10FFFF */
		{ "\xe1\xbb", 0, false },         /* truncated */
		{ "a\nb", 0, false },
		{ "a\rb", 0, false },
		{ "\x1b[0m", 0, false }, /* ESC: printer commands */
		{ "\x7f", 0, false },
		{ "\xc2\x85", 0, false }, /* NEL, a C1 control */
		{ "a\0b", 3, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		size_t len = t[i].len ? t[i].len : strlen(t[i].s);

		if (text_valid(t[i].s, len) != t[i].valid)
			fail_msg("case %zu: want %d", i, t[i].valid);
	}
	assert_true(text_valid(NULL, 0));
	assert_false(text_valid(NULL, 1));
}

/* "Nguyễn" decomposed: e, U+0302 circumflex, U+0303 tilde. */
#define NGUYEN_NFD "Nguye\xcc\x82\xcc\x83n"

static void
test_nfc(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(
	    text_nfc(NGUYEN_NFD, strlen(NGUYEN_NFD), buf, sizeof buf),
	    strlen("Nguyễn"));
	assert_string_equal(buf, "Nguyễn");
	/* already NFC: unchanged; the canonical order of marks is fixed */
	assert_int_equal(text_nfc("Nguyễn", strlen("Nguyễn"), buf, sizeof buf),
	    strlen("Nguyễn"));
	assert_string_equal(buf, "Nguyễn");
	/* tilde before circumflex is another string: ẽ plus a circumflex */
	assert_true(
	    text_nfc("Nguye\xcc\x83\xcc\x82n", 10, buf, sizeof buf) > 0);
	assert_string_not_equal(buf, "Nguyễn");
	/* fits exactly, one short */
	assert_int_equal(text_nfc("Văn", 4, buf, 5), 4);
	assert_int_equal(text_nfc("Văn", 4, buf, 4), -1);
	assert_int_equal(text_nfc("", 0, buf, 1), 0);
	assert_string_equal(buf, "");
	assert_int_equal(text_nfc("\xff", 1, buf, sizeof buf), -1);
	assert_int_equal(text_nfc("a\0b", 3, buf, sizeof buf), -1);
	assert_int_equal(text_nfc("a", 1, NULL, 0), -1);
}

static void
test_fold(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "Nguyễn  Văn An", "nguyen van an" },
		{ "ĐẶNG THỊ Đào", "dang thi dao" },
		{ "  Trần\tHưng\xc2\xa0Đạo  ", "tran hung dao" },
		{ NGUYEN_NFD " V\xc4\x83n", "nguyen van" },
		{ "Ư Ơ ư ơ", "u o u o" },
		{ "Lê Thị Hồng Nhung", "le thi hong nhung" },
		{ "Ng\xc2\xaduyen", "nguyen" },            /* soft hyphen */
		{ "Phạm\xe2\x80\x83Quỳnh", "pham quynh" }, /* em space */
		{ "000.00.19.H26", "000.00.19.h26" },
		{ "", "" },
		{ " \t ", "" },
	};
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int n = text_fold(t[i].in, strlen(t[i].in), buf, sizeof buf);

		if (n < 0 || strcmp(buf, t[i].out) != 0)
			fail_msg("case %zu: got \"%s\" (%d), want \"%s\"", i,
			    n < 0 ? "" : buf, n, t[i].out);
		assert_int_equal((size_t)n, strlen(t[i].out));
	}
	assert_int_equal(text_fold("\xff", 1, buf, sizeof buf), -1);
	assert_int_equal(text_fold("Văn An", 7, buf, 7), 6);
	assert_int_equal(text_fold("Văn An", 7, buf, 6), -1);
	assert_int_equal(text_fold("Văn An", 7, NULL, 0), -1);
}

/* Every Vietnamese vowel with every tone, both cases, folds to its base
 * letter, and đ/Đ to d. */
static void
test_fold_alphabet(void **state)
{
	static const struct {
		const char *letters;
		char base;
	} t[] = {
		{ "aàáảãạăằắẳẵặâầấẩẫậAÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ", 'a' },
		{ "eèéẻẽẹêềếểễệEÈÉẺẼẸÊỀẾỂỄỆ", 'e' },
		{ "iìíỉĩịIÌÍỈĨỊ", 'i' },
		{ "oòóỏõọôồốổỗộơờớởỡợOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ", 'o' },
		{ "uùúủũụưừứửữựUÙÚỦŨỤƯỪỨỬỮỰ", 'u' },
		{ "yỳýỷỹỵYỲÝỶỸỴ", 'y' },
		{ "đĐdD", 'd' },
	};
	size_t i, j, total = 0;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		char buf[256];
		int n = text_fold(t[i].letters, strlen(t[i].letters), buf,
		    sizeof buf);

		assert_true(n > 0);
		for (j = 0; j < (size_t)n; j++)
			if (buf[j] != t[i].base)
				fail_msg("'%c' row: byte %zu of \"%s\"",
				    t[i].base, j, buf);
		total += (size_t)n;
	}
	/* 12 vowels x 6 tones x 2 cases, plus đ, Đ, d, D */
	assert_int_equal(total, 12 * 6 * 2 + 4);
}

static void
test_mask(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "Nguyễn Văn An", "Ng**** V** A*" },
		{ "Lê Văn Tám", "L* V** T**" },
		{ "Trần Thị B", "Tr** T** B" },
		{ "Đặng Thị Ánh", "Đặ** T** Á**" },
		{ "An", "A*" },
		{ "A", "A" },
		{ "Ngô", "N**" },
		{ "  nguyễn \t văn   an ", "ng**** v** a*" },
		{ NGUYEN_NFD " Văn", "Ng**** V**" },
		{ "H'Hen Niê", "H'*** N**" },
		{ "Nguyễn-Trần Văn", "Ng********* V**" },
		/* n with a macron has no precomposed form: one letter */
		{ "Bắc An\xcc\x84h", "B** A**" },
		/* a family emoji is one grapheme of five code points */
		{ "A\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9", "A*" },
		{ "", "" },
		{ "   ", "" },
	};
	char buf[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int n =
		    text_mask_name(t[i].in, strlen(t[i].in), buf, sizeof buf);

		if (n < 0 || strcmp(buf, t[i].out) != 0)
			fail_msg("case %zu: got \"%s\" (%d), want \"%s\"", i,
			    n < 0 ? "" : buf, n, t[i].out);
		assert_int_equal((size_t)n, strlen(t[i].out));
	}
	/* fits exactly (13 bytes + NUL), one short */
	assert_int_equal(
	    text_mask_name("Nguyễn Văn An", strlen("Nguyễn Văn An"), buf, 14),
	    13);
	assert_int_equal(
	    text_mask_name("Nguyễn Văn An", strlen("Nguyễn Văn An"), buf, 13),
	    -1);
	assert_string_equal(buf, "");
	assert_int_equal(text_mask_name("\xff", 1, buf, sizeof buf), -1);
	assert_int_equal(text_mask_name("a\0b", 3, buf, sizeof buf), -1);
	assert_int_equal(text_mask_name("An", 2, NULL, 0), -1);
}

/* Counted independently for precomposed names (one code point per
 * letter): the stars are all the letters but the kept ones, and every
 * kept byte is the start of its word. */
static void
test_mask_hides(void **state)
{
	static const char *const names[] = { "Nguyễn Thị Minh Khai",
		"Hoàng Văn Thụ", "Võ Nguyên Giáp", "Ngô Bảo Châu",
		"Phan Bội Châu", "Y Ngông Niê Kdăm", "Ưng Hoàng Phúc" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *p = names[i];
		char buf[128];
		int n = text_mask_name(p, strlen(p), buf, sizeof buf);
		int letters = 0, kept = 0, stars = 0, words = 0, j;
		int first_word_letters = 0;

		assert_true(n > 0);
		for (; *p != '\0'; p++) {
			if (*p == ' ')
				continue;
			if (p == names[i] || p[-1] == ' ')
				words++;
			if (((unsigned char)*p & 0xc0) != 0x80) {
				letters++;
				if (words == 1)
					first_word_letters++;
			}
		}
		kept = words + (first_word_letters >= 4);
		for (j = 0; j < n; j++)
			stars += buf[j] == '*';
		if (stars != letters - kept)
			fail_msg("\"%s\" -> \"%s\": %d stars", names[i], buf,
			    stars);
	}
}

/* The fast paths (text already NFC, names without marks) must give
 * exactly what the full normalisation gives, at the edges of the ranges
 * they trust. */
static void
test_nfc_fast_path_edges(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "Nguyễn Văn An", "Nguyễn Văn An" },   /* U+1EC5: trusted */
		{ "Nguye\xcc\x82\xcc\x83n", "Nguyễn" }, /* marks: composed */
		{ "\xe2\x84\xab", "\xc3\x85" },         /* U+212B -> U+00C5 */
		{ "\xe1\xb8\x80", "\xe1\xb8\x80" },     /* U+1E00 kept */
		{ "\xe1\xbd\xb1", "\xce\xac" },         /* U+1F71: singleton */
		{ "A\xcd\x80", "\xc3\x80" }, /* A + U+0340 -> U+00C0 */
		{ "\xc3\xbf", "\xc3\xbf" },  /* U+00FF below U+0300 */
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int n =
		    text_nfc(cases[i].in, strlen(cases[i].in), buf, sizeof buf);

		assert_int_equal(n, (int)strlen(cases[i].out));
		assert_string_equal(buf, cases[i].out);
	}
	/* invalid UTF-8 and NUL are refused by both paths */
	assert_int_equal(text_nfc("a\xc3", 2, buf, sizeof buf), -1);
	assert_int_equal(text_nfc("a\0b", 3, buf, sizeof buf), -1);
	/* the exact size: len + NUL must fit */
	assert_int_equal(text_nfc("abc", 3, buf, 3), -1);
	assert_int_equal(text_nfc("abc", 3, buf, 4), 3);
}

static void
test_mask_decomposed(void **state)
{
	const char *nfd = "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n An";
	char a[64], b[64];

	(void)state;
	assert_true(text_mask_name(nfd, strlen(nfd), a, sizeof a) > 0);
	assert_true(text_mask_name("Nguyễn Văn An", strlen("Nguyễn Văn An"), b,
	                sizeof b) > 0);
	assert_string_equal(a, b);
	assert_string_equal(b, "Ng**** V** A*");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_nfc_fast_path_edges),
		cmocka_unit_test(test_mask_decomposed),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_fold_alphabet),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_mask_hides),
	};

	HARNESS_RUN(tests);
}
