/* test_hidkeys.c: the keyboard-wedge decoder. Runs every golden file in
 * tests/golden/hid (NAME.events in, NAME.expected out; the format is in
 * docs/scanners.md and below), then direct cases. MOTCUA_BLESS=NAME (or
 * "all") rewrites NAME.expected from the output: read the diff first.
 *
 * NAME.events: one item a line; '#' starts a comment line.
 *   conf KEY=VALUE...     end=enter|tab|none, idle_ms, max_key_gap_ms,
 *                         max_scan_ms, min_len (before the first event)
 *   MS TYPE CODE VALUE    an evdev event: EV_KEY KEY_A 1 (names as in
 *                         linux/input-event-codes.h, or numbers)
 *   MS TICK               the idle timer fires
 *   MS RESYNC [KEY...]    libevdev's sync path: these keys are down
 * After the last line the runner ticks 60 s later, so nothing stays
 * pending.
 * NAME.expected: one result a line, in order:
 *   scan at=MS sym=SYM len=N data="..." [truncated]
 *   reject at=MS reason="..." len=N unknown=N
 * data escapes '"', '\\' and bytes outside 0x20..0x7e as \xHH. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libevdev/libevdev.h>

#include "harness.h"

#include "scanner/hidkeys.h"

#define GOLDEN_DIR "tests/golden/hid"
#define TEXT_MAX   (64 * 1024)

struct text {
	char s[TEXT_MAX];
	size_t len;
};

static void tprintf(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
tprintf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->s + t->len, sizeof t->s - t->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < sizeof t->s - t->len);
	t->len += (size_t)n;
}

static const char *
sym_name(enum scan_symbology s)
{
	static const char *names[] = { "unknown", "code128", "qr", "ean13",
		"code39", "itf", "other" };

	return (size_t)s < sizeof names / sizeof *names ? names[s] : "?";
}

static void
print_results(struct text *t, const struct hidkeys_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].kind == HIDKEYS_REJECT) {
			tprintf(t,
			    "reject at=%lld reason=\"%s\" len=%zu "
			    "unknown=%u\n",
			    (long long)r[i].at_ms, r[i].reason,
			    r[i].rejected_len, r[i].unknown);
			continue;
		}
		tprintf(t, "scan at=%lld sym=%s len=%zu data=\"",
		    (long long)r[i].at_ms, sym_name(r[i].sym), r[i].len);
		for (size_t k = 0; k < r[i].len; k++) {
			unsigned char c = r[i].data[k];

			if (c == '"' || c == '\\')
				tprintf(t, "\\%c", c);
			else if (c >= 0x20 && c <= 0x7e)
				tprintf(t, "%c", c);
			else
				tprintf(t, "\\x%02x", c);
		}
		tprintf(t, "\"%s\n", r[i].truncated ? " truncated" : "");
	}
}

static int
code_of(unsigned type, const char *name)
{
	char *end;
	long v = strtol(name, &end, 0);

	if (*end == '\0' && end != name)
		return (int)v;
	return libevdev_event_code_from_name(type, name);
}

static void
parse_conf(char *line, struct scanner_conf *c, const char *file, int ln)
{
	for (char *tok = strtok(line + 4, " \t\n"); tok != NULL;
	     tok = strtok(NULL, " \t\n")) {
		char *eq = strchr(tok, '=');

		if (eq == NULL)
			fail_msg("%s:%d: conf: KEY=VALUE expected", file, ln);
		*eq++ = '\0';
		if (strcmp(tok, "end") == 0)
			c->end = strcmp(eq, "tab") == 0 ? SCAN_END_TAB
			    : strcmp(eq, "none") == 0   ? SCAN_END_NONE
			                                : SCAN_END_ENTER;
		else if (strcmp(tok, "idle_ms") == 0)
			c->idle_ms = atoi(eq);
		else if (strcmp(tok, "max_key_gap_ms") == 0)
			c->max_key_gap_ms = atoi(eq);
		else if (strcmp(tok, "max_scan_ms") == 0)
			c->max_scan_ms = atoi(eq);
		else if (strcmp(tok, "min_len") == 0)
			c->min_len = atoi(eq);
		else
			fail_msg("%s:%d: conf: unknown key %s", file, ln, tok);
	}
}

/* Runs one .events file; its results go to out. */
static void
run_events(const char *path, struct text *out)
{
	struct scanner_conf conf = { .kind = SCAN_HID };
	struct hidkeys_result res[HIDKEYS_OUT_MAX];
	struct hidkeys *d = NULL;
	char line[512];
	long long last = 0;
	int ln = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		char word[4][64];
		int n;
		long long ms;

		ln++;
		if (line[0] == '#' || line[strspn(line, " \t\n")] == '\0')
			continue;
		if (strncmp(line, "conf ", 5) == 0) {
			if (d != NULL)
				fail_msg("%s:%d: conf after events", path, ln);
			parse_conf(line, &conf, path, ln);
			continue;
		}
		if (d == NULL && (d = hidkeys_new(&conf)) == NULL)
			fail_msg("%s: bad conf", path);
		n = sscanf(line, "%lld %63s %63s %63s", &ms, word[0], word[1],
		    word[2]);
		if (n < 2)
			fail_msg("%s:%d: MS WHAT... expected", path, ln);
		last = ms;
		if (strcmp(word[0], "TICK") == 0) {
			print_results(out, res, hidkeys_tick(d, ms, res));
		} else if (strcmp(word[0], "RESYNC") == 0) {
			unsigned down[16];
			size_t nd = 0;
			char *p = strstr(line, "RESYNC") + 6;

			for (char *tok = strtok(p, " \t\n");
			     tok != NULL && nd < 16;
			     tok = strtok(NULL, " \t\n"))
				down[nd++] = (unsigned)code_of(EV_KEY, tok);
			hidkeys_resync(d, down, nd);
		} else {
			int type = libevdev_event_type_from_name(word[0]);
			int code;

			if (n != 4 || type < 0)
				fail_msg("%s:%d: MS TYPE CODE VALUE expected",
				    path, ln);
			if ((code = code_of((unsigned)type, word[1])) < 0)
				fail_msg("%s:%d: unknown code %s", path, ln,
				    word[1]);
			print_results(out, res,
			    hidkeys_feed(d, (unsigned)type, (unsigned)code,
			        atoi(word[2]), ms, res));
		}
	}
	fclose(f);
	if (d == NULL)
		fail_msg("%s: no events", path);
	print_results(out, res, hidkeys_tick(d, last + 60000, res));
	assert_int_equal(hidkeys_deadline(d), -1);
	hidkeys_free(d);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_golden(void **state)
{
	const char *bless = getenv("MOTCUA_BLESS");
	char *names[128];
	size_t n = 0;
	struct dirent *e;
	DIR *dir = opendir(GOLDEN_DIR);
	static struct text got, want;

	(void)state;
	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL && n < 128) {
		size_t l = strlen(e->d_name);

		if (l > 7 && strcmp(e->d_name + l - 7, ".events") == 0)
			names[n++] = strndup(e->d_name, l - 7);
	}
	closedir(dir);
	qsort(names, n, sizeof *names, by_name);
	assert_true(n >= 10);
	for (size_t i = 0; i < n; i++) {
		char path[512];
		FILE *f;

		got.len = 0;
		snprintf(path, sizeof path, GOLDEN_DIR "/%s.events", names[i]);
		run_events(path, &got);
		snprintf(path, sizeof path, GOLDEN_DIR "/%s.expected",
		    names[i]);
		if (bless != NULL &&
		    (strcmp(bless, "all") == 0 ||
		        strcmp(bless, names[i]) == 0)) {
			f = fopen(path, "w");
			assert_non_null(f);
			fwrite(got.s, 1, got.len, f);
			fclose(f);
			fprintf(stderr, "blessed %s\n", path);
		}
		if ((f = fopen(path, "r")) == NULL)
			fail_msg("%s: missing; read the output, then "
			         "MOTCUA_BLESS=%s",
			    path, names[i]);
		want.len = fread(want.s, 1, sizeof want.s - 1, f);
		fclose(f);
		if (want.len != got.len || memcmp(want.s, got.s, got.len)) {
			fprintf(stderr, "--- want %s\n%.*s--- got\n%.*s", path,
			    (int)want.len, want.s, (int)got.len, got.s);
			fail_msg("%s differs from its golden file", names[i]);
		}
		free(names[i]);
	}
}

/* ---- direct cases ------------------------------------------------------ */

static struct hidkeys *
dec(enum scan_end end)
{
	struct scanner_conf c = { .kind = SCAN_HID, .end = end };
	struct hidkeys *d = hidkeys_new(&c);

	assert_non_null(d);
	return d;
}

/* Presses and releases code at *t, 5 ms apart; appends results. */
static void
key(struct hidkeys *d, unsigned code, int64_t *t, struct text *out)
{
	struct hidkeys_result r[HIDKEYS_OUT_MAX];

	print_results(out, r, hidkeys_feed(d, EV_KEY, code, 1, *t, r));
	print_results(out, r, hidkeys_feed(d, EV_SYN, SYN_REPORT, 0, *t, r));
	*t += 2;
	print_results(out, r, hidkeys_feed(d, EV_KEY, code, 0, *t, r));
	print_results(out, r, hidkeys_feed(d, EV_SYN, SYN_REPORT, 0, *t, r));
	*t += 3;
}

static void
hold(struct hidkeys *d, unsigned code, int value, int64_t t, struct text *o)
{
	struct hidkeys_result r[HIDKEYS_OUT_MAX];

	print_results(o, r, hidkeys_feed(d, EV_KEY, code, value, t, r));
}

static void
expect(const struct text *t, const char *want)
{
	if (strlen(want) != t->len || memcmp(want, t->s, t->len) != 0)
		fail_msg("want:\n%sgot:\n%.*s", want, (int)t->len, t->s);
}

static void
test_conf(void **state)
{
	struct scanner_conf c = { .kind = SCAN_HID };
	char err[80];

	(void)state;
	hidkeys_conf_defaults(&c);
	assert_int_equal(c.max_key_gap_ms, HIDKEYS_KEY_GAP_MS);
	assert_int_equal(c.max_scan_ms, HIDKEYS_SCAN_MS);
	assert_int_equal(c.min_len, HIDKEYS_MIN_LEN);
	assert_int_equal(c.idle_ms, HIDKEYS_IDLE_MS);
	assert_int_equal(hidkeys_conf_check(&c, err, sizeof err), 0);
	c.max_key_gap_ms = -5;
	assert_int_equal(hidkeys_conf_check(&c, err, sizeof err), -1);
	assert_string_equal(err, "max_key_gap_ms: must be 1..60000");
	assert_null(hidkeys_new(&c));
	assert_int_equal(errno, EINVAL);
	c.max_key_gap_ms = 100;
	c.min_len = 513;
	assert_int_equal(hidkeys_conf_check(&c, err, sizeof err), -1);
	assert_string_equal(err, "min_len: must be 1..512");
	c.min_len = 4;
	c.end = (enum scan_end)7;
	assert_int_equal(hidkeys_conf_check(&c, err, sizeof err), -1);
	assert_string_equal(err, "end: must be enter, tab or none");
	hidkeys_free(NULL);
}

/* Ctrl+letter and Ctrl+Shift+6 are C0 controls; Ctrl+Shift+2 (NUL) is
 * not a byte we pass on. */
static void
test_controls(void **state)
{
	struct hidkeys *d = dec(SCAN_END_ENTER);
	static struct text o;
	int64_t t = 1000;

	(void)state;
	o.len = 0;
	key(d, KEY_0, &t, &o);
	key(d, KEY_1, &t, &o);
	hold(d, KEY_LEFTCTRL, 1, t, &o);
	key(d, KEY_RIGHTBRACE, &t, &o); /* GS */
	key(d, KEY_D, &t, &o);          /* EOT */
	hold(d, KEY_RIGHTSHIFT, 1, t, &o);
	key(d, KEY_6, &t, &o); /* RS */
	hold(d, KEY_RIGHTSHIFT, 0, t, &o);
	hold(d, KEY_LEFTCTRL, 0, t, &o);
	key(d, KEY_2, &t, &o);
	key(d, KEY_ENTER, &t, &o);
	expect(&o,
	    "scan at=1030 sym=unknown len=6 data=\"01\\x1d\\x04\\x1e2\"\n");
	o.len = 0;
	hold(d, KEY_LEFTCTRL, 1, t, &o);
	hold(d, KEY_LEFTSHIFT, 1, t, &o);
	key(d, KEY_2, &t, &o); /* Ctrl+@: NUL, refused */
	hold(d, KEY_LEFTSHIFT, 0, t, &o);
	hold(d, KEY_LEFTCTRL, 0, t, &o);
	key(d, KEY_A, &t, &o);
	key(d, KEY_B, &t, &o);
	key(d, KEY_C, &t, &o);
	key(d, KEY_D, &t, &o);
	key(d, KEY_KPENTER, &t, &o);
	expect(&o, "reject at=1060 reason=\"unknown key\" len=4 unknown=1\n");
	hidkeys_free(d);
}

/* Alt held, a decimal code on the keypad, Alt released: that byte. */
static void
test_alt_codes(void **state)
{
	struct hidkeys *d = dec(SCAN_END_ENTER);
	static struct text o;
	int64_t t = 0;

	(void)state;
	o.len = 0;
	hold(d, KEY_LEFTALT, 1, t, &o);
	key(d, KEY_KP6, &t, &o);
	key(d, KEY_KP5, &t, &o);
	hold(d, KEY_LEFTALT, 0, t, &o); /* 'A' */
	hold(d, KEY_RIGHTALT, 1, t, &o);
	key(d, KEY_KP0, &t, &o);
	key(d, KEY_KP2, &t, &o);
	key(d, KEY_KP9, &t, &o);
	hold(d, KEY_RIGHTALT, 0, t, &o); /* GS */
	key(d, KEY_X, &t, &o);
	key(d, KEY_Y, &t, &o);
	key(d, KEY_ENTER, &t, &o);
	expect(&o, "scan at=35 sym=unknown len=4 data=\"A\\x1dxy\"\n");
	o.len = 0;
	hold(d, KEY_LEFTALT, 1, t, &o);
	key(d, KEY_KP2, &t, &o);
	key(d, KEY_KP0, &t, &o);
	key(d, KEY_KP0, &t, &o);
	hold(d, KEY_LEFTALT, 0, t, &o); /* 200: not ASCII */
	key(d, KEY_X, &t, &o);
	key(d, KEY_Y, &t, &o);
	key(d, KEY_Z, &t, &o);
	key(d, KEY_W, &t, &o);
	key(d, KEY_ENTER, &t, &o);
	expect(&o, "reject at=75 reason=\"unknown key\" len=4 unknown=1\n");
	hidkeys_free(d);
}

/* NumLock starts on; a NumLock press turns keypad digits into
 * navigation keys, which type nothing we know. */
static void
test_numlock(void **state)
{
	struct hidkeys *d = dec(SCAN_END_ENTER);
	static struct text o;
	int64_t t = 0;

	(void)state;
	o.len = 0;
	key(d, KEY_KP1, &t, &o);
	key(d, KEY_KP2, &t, &o);
	key(d, KEY_KPDOT, &t, &o);
	key(d, KEY_KP3, &t, &o);
	key(d, KEY_KPSLASH, &t, &o);
	key(d, KEY_KPENTER, &t, &o);
	expect(&o, "scan at=25 sym=unknown len=5 data=\"12.3/\"\n");
	o.len = 0;
	key(d, KEY_NUMLOCK, &t, &o);
	key(d, KEY_KP1, &t, &o);
	key(d, KEY_KP2, &t, &o);
	key(d, KEY_KP3, &t, &o);
	key(d, KEY_KP4, &t, &o);
	key(d, KEY_ENTER, &t, &o);
	expect(&o, "reject at=55 reason=\"unknown key\" len=0 unknown=4\n");
	hidkeys_free(d);
}

/* The deadline follows the state, and a tick before it changes nothing. */
static void
test_deadline(void **state)
{
	struct hidkeys *d = dec(SCAN_END_NONE);
	struct hidkeys_result r[HIDKEYS_OUT_MAX];
	static struct text o;
	char want[96];
	int64_t t = 500;

	(void)state;
	o.len = 0;
	assert_int_equal(hidkeys_deadline(d), -1);
	key(d, KEY_A, &t, &o);
	key(d, KEY_B, &t, &o);
	key(d, KEY_C, &t, &o);
	key(d, KEY_D, &t, &o);
	assert_int_equal(hidkeys_deadline(d), 515 + HIDKEYS_IDLE_MS);
	assert_int_equal(hidkeys_tick(d, 515 + HIDKEYS_IDLE_MS - 1, r), 0);
	print_results(&o, r, hidkeys_tick(d, 515 + HIDKEYS_IDLE_MS, r));
	expect(&o, "scan at=515 sym=unknown len=4 data=\"abcd\"\n");
	assert_int_equal(hidkeys_deadline(d), -1);
	/* time going backwards counts as no time: the key is at the last
	 * tick's time */
	o.len = 0;
	t = 100;
	key(d, KEY_A, &t, &o);
	assert_int_equal(hidkeys_deadline(d), 515 + 2 * HIDKEYS_IDLE_MS);
	print_results(&o, r, hidkeys_tick(d, 100000, r));
	assert_int_equal(hidkeys_deadline(d), -1);
	snprintf(want, sizeof want,
	    "reject at=%d reason=\"too short\" len=1 unknown=0\n",
	    515 + HIDKEYS_IDLE_MS);
	expect(&o, want);
	hidkeys_free(d);
}

/* A good scan right after a person's typing: the typing is reported
 * first, once, and the scan still comes through. */
static void
test_junk_then_scan(void **state)
{
	struct hidkeys *d = dec(SCAN_END_ENTER);
	struct hidkeys_stats st;
	static struct text o;
	int64_t t = 0;

	(void)state;
	o.len = 0;
	key(d, KEY_H, &t, &o);
	t += 200;
	key(d, KEY_I, &t, &o);
	t += 200;
	key(d, KEY_1, &t, &o);
	key(d, KEY_2, &t, &o);
	key(d, KEY_3, &t, &o);
	key(d, KEY_4, &t, &o);
	key(d, KEY_ENTER, &t, &o);
	expect(&o,
	    "reject at=205 reason=\"typing\" len=2 unknown=0\n"
	    "scan at=430 sym=unknown len=4 data=\"1234\"\n");
	hidkeys_stats(d, &st);
	assert_int_equal(st.scans, 1);
	assert_int_equal(st.rejects, 1);
	hidkeys_free(d);
}

/* After SYN_DROPPED, a resync with Shift down: the next letter is upper
 * case without a new Shift press, and nothing waits for SYN_REPORT. */
static void
test_resync(void **state)
{
	struct hidkeys *d = dec(SCAN_END_TAB);
	struct hidkeys_result r[HIDKEYS_OUT_MAX];
	unsigned down[] = { KEY_LEFTSHIFT, KEY_A };
	static struct text o;
	int64_t t = 0;

	(void)state;
	o.len = 0;
	key(d, KEY_A, &t, &o);
	print_results(&o, r, hidkeys_feed(d, EV_SYN, SYN_DROPPED, 0, t, r));
	hidkeys_resync(d, down, 2);
	key(d, KEY_B, &t, &o);
	key(d, KEY_C, &t, &o);
	key(d, KEY_D, &t, &o);
	key(d, KEY_E, &t, &o);
	key(d, KEY_TAB, &t, &o);
	expect(&o,
	    "reject at=5 reason=\"dropped\" len=1 unknown=0\n"
	    "scan at=25 sym=unknown len=4 data=\"BCDE\"\n");
	hidkeys_free(d);
}

/* Random streams: never more results than promised, lengths bounded,
 * and the end of time leaves nothing pending. Seed: -s SEED. */
static unsigned seed;
static void
test_random(void **state)
{
	struct hidkeys_result r[HIDKEYS_OUT_MAX];
	unsigned s = seed;

	(void)state;
	fprintf(stderr, "test_random: seed %u\n", s);
	for (int round = 0; round < 200; round++) {
		struct scanner_conf c = { .kind = SCAN_HID,
			.end = (enum scan_end)(rand_r(&s) % 3),
			.min_len = 1 + rand_r(&s) % 6,
			.max_key_gap_ms = 20 + rand_r(&s) % 200 };
		struct hidkeys *d = hidkeys_new(&c);
		int64_t t = 0;

		assert_non_null(d);
		for (int i = 0; i < 2000; i++) {
			unsigned type = rand_r(&s) % 8 ? EV_KEY : EV_SYN;
			unsigned code = rand_r(&s) % 130;
			size_t n;

			t += rand_r(&s) % 40;
			n = hidkeys_feed(d, type, code, rand_r(&s) % 3, t, r);
			assert_true(n <= HIDKEYS_OUT_MAX);
			for (size_t k = 0; k < n; k++)
				assert_true(r[k].kind == HIDKEYS_REJECT ||
				    (r[k].len >= 1 &&
				        r[k].len <= SCAN_DATA_MAX));
			if (rand_r(&s) % 50 == 0)
				hidkeys_tick(d, t, r);
		}
		hidkeys_tick(d, t + 120000, r);
		assert_int_equal(hidkeys_deadline(d), -1);
		hidkeys_free(d);
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_conf),
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_alt_codes),
		cmocka_unit_test(test_numlock),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_junk_then_scan),
		cmocka_unit_test(test_resync),
		cmocka_unit_test(test_random),
	};

	seed = (unsigned)time(NULL);
	if (argc == 3 && strcmp(argv[1], "-s") == 0)
		seed = (unsigned)strtoul(argv[2], NULL, 10);
	HARNESS_RUN(tests);
}
