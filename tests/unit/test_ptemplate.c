/* test_ptemplate.c: the template engine and the profile parser: errors
 * name the file and line at load; wrapping, truncation, lists with a
 * maximum, removal with if=, hostile values made safe. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "printer/pprofile.h"
#include "printer/printdoc.h"
#include "printer/ptemplate.h"

static const char *const allowed[] = { "name", "code", "docs", "empty", NULL };
static const char *const lists[] = { "docs", NULL };

static struct ptemplate *
parse(const char *text, char **errors)
{
	return ptemplate_parse(text, strlen(text), "t.tpl", allowed, lists,
	    errors);
}

static void
expect_error(const char *text, const char *want)
{
	char *errors = NULL;
	struct ptemplate *t = parse(text, &errors);

	if (t != NULL)
		fail_msg("accepted: %s", text);
	assert_non_null(errors);
	if (strstr(errors, want) == NULL)
		fail_msg("%s: got \"%s\", want \"%s\"", text, errors, want);
	free(errors);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("text | ok\nbogus | x\n",
	    "t.tpl:2: bogus: unknown directive");
	expect_error("text | {nosuch}\n", "t.tpl:1: {nosuch}: no such field");
	expect_error("\n\ntext | {docs}\n",
	    "t.tpl:3: {docs}: a list field, usable only in \"each\"");
	expect_error("text | {name\n", "t.tpl:1: text: '{' without '}'");
	expect_error("text wobble | x\n", "t.tpl:1: wobble: unknown option");
	expect_error("text lines=0 | x\n", "t.tpl:1: lines: not in 1..50");
	expect_error("feed\n", "t.tpl:1: feed: needs a line count");
	expect_error("cut | x\n", "t.tpl:1: this directive takes no text");
	expect_error("each name | x\n", "t.tpl:1: each: needs a list field");
	expect_error("text if=zzz | x\n", "t.tpl:1: if: zzz is no field");
	expect_error("text | {#}\n", "t.tpl:1: {#}: only in an each line");
	expect_error("text\n", "t.tpl:1: missing \"| text\"");
	expect_error("text | \xff\xfe\n", "t.tpl:1: not UTF-8");
}

static struct ptemplate_layout
render(const char *tpl, const char *name, const char *docs, int width)
{
	const char *names[] = { "name", "code", "docs", "empty" };
	const char *values[] = { name, "000.00.19.H49-261125-0007", docs, "" };
	struct ptemplate_fields f = { names, values, 4 };
	struct ptemplate_layout o;
	char *errors = NULL;
	struct ptemplate *t = parse(tpl, &errors);

	if (t == NULL)
		fail_msg("%s", errors);
	assert_int_equal(ptemplate_render(t, &f, width, false, &o), 0);
	ptemplate_free(t);
	return o;
}

static void
test_wrap(void **state)
{
	struct ptemplate_layout o;

	(void)state;
	o = render("text indent=2 | Ông/Bà: {name}\n",
	    "Nguyễn Thị Ánh Tuyết Hoàng Phương", "", 20);
	assert_int_equal(o.count, 3);
	assert_string_equal(o.items[0].text, "Ông/Bà: Nguyễn Thị");
	assert_string_equal(o.items[1].text, "  Ánh Tuyết Hoàng");
	assert_string_equal(o.items[2].text, "  Phương");
	ptemplate_layout_cleanup(&o);
	/* trunc: one line, cut with "..." within the width in cells */
	o = render("text trunc | {name}\n", "Nguyễn Thị Ánh Tuyết Hoàng", "",
	    16);
	assert_int_equal(o.count, 1);
	assert_string_equal(o.items[0].text, "Nguyễn Thị Án...");
	ptemplate_layout_cleanup(&o);
	/* a word longer than the line is split hard */
	o = render("text | {name}\n", "AAAAAAAAAAAAAAAAAAAAAAAAA", "", 10);
	assert_int_equal(o.count, 3);
	assert_string_equal(o.items[0].text, "AAAAAAAAAA");
	ptemplate_layout_cleanup(&o);
}

static void
test_each(void **state)
{
	struct ptemplate_layout o;

	(void)state;
	o = render("each docs max=2 | {#}. {docs}\n", "x",
	    "Đơn đề nghị\nBản sao CCCD\nSổ hộ khẩu\nẢnh 3x4", 40);
	assert_int_equal(o.count, 3);
	assert_string_equal(o.items[0].text, "1. Đơn đề nghị");
	assert_string_equal(o.items[1].text, "2. Bản sao CCCD");
	assert_string_equal(o.items[2].text, "... +2");
	ptemplate_layout_cleanup(&o);
	o = render("each docs | {#}. {docs}\ntext | end\n", "x", "", 40);
	assert_int_equal(o.count, 1);
	ptemplate_layout_cleanup(&o);
}

static void
test_if_and_hostile(void **state)
{
	struct ptemplate_layout o;

	(void)state;
	o = render("text if=empty | gone {empty}\ntext if=name | {name}\n"
	           "barcode | {code}\nqr if=empty | x\n",
	    "a\x01\tb\xc3(\xe1\xba\xa0", "", 40);
	assert_int_equal(o.count, 2);
	/* controls become spaces, a broken sequence '?', NFC kept */
	assert_string_equal(o.items[0].text, "a  b?(Ạ");
	assert_int_equal(o.items[1].kind, PTEMPLATE_BARCODE);
	assert_string_equal(o.items[1].text, "000.00.19.H49-261125-0007");
	ptemplate_layout_cleanup(&o);
	/* NFD input is normalised: "e" + U+0301 -> "é" */
	o = render("text | {name}\n", "Le\xcc\x81", "", 40);
	assert_string_equal(o.items[0].text, "Lé");
	ptemplate_layout_cleanup(&o);
}

/* The shipped templates load against the document field lists. */
static void
test_shipped(void **state)
{
	(void)state;
	for (int k = 0; k < PRINTDOC_KINDS; k++) {
		char path[128], *errors = NULL;
		struct ptemplate *t;

		snprintf(path, sizeof path, "data/printer/templates/%s.tpl",
		    printdoc_kind_name((enum printdoc_kind)k));
		t = ptemplate_load(path, printdoc_fields((enum printdoc_kind)k),
		    printdoc_lists((enum printdoc_kind)k), &errors);
		if (t == NULL)
			fail_msg("%s", errors);
		ptemplate_free(t);
	}
}

static void
test_profile_errors(void **state)
{
	static const char bad[] = "name = x y\nwidth_dots = 570\n"
	                          "width_chars = 48\nqr = maybe\n"
	                          "cut = 1d 5\nwobble = 1\nname = z\n"
	                          "text = tcvn3\n";
	struct pprofile p;
	char *errors = NULL;

	(void)state;
	assert_int_equal(
	    pprofile_parse(bad, strlen(bad), "p.profile", &p, &errors), -1);
	assert_non_null(strstr(errors, "p.profile:1: name: only letters"));
	assert_non_null(
	    strstr(errors, "p.profile:2: width_dots: not a multiple of 8"));
	assert_non_null(
	    strstr(errors, "p.profile:4: qr: not native or raster"));
	assert_non_null(strstr(errors, "p.profile:5: cut: not up to"));
	assert_non_null(strstr(errors, "p.profile:6: wobble: unknown key"));
	assert_non_null(strstr(errors, "p.profile:7: name: duplicate key"));
	assert_non_null(strstr(errors, "text: tcvn3 needs codepage"));
	free(errors);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_each),
		cmocka_unit_test(test_if_and_hostile),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_profile_errors),
	};

	HARNESS_RUN(tests);
}
