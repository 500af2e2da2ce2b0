/* hidkeys.c: see hidkeys.h. A run is the keys since the last long gap; a
 * run that fails becomes junk, and junk is reported once per burst. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/input-event-codes.h>

#include "scanner/hidkeys.h"

#define AIM_LEN        3                         /* "]" code modifier */
#define RAW_MAX        (SCAN_DATA_MAX + AIM_LEN) /* bytes kept of one run */
#define ALT_DIGITS_MAX 4                         /* Alt+0029 is still 29 */

/* The US table: unshifted and shifted byte per key code; 0 is no key.
 * ASCII on purpose, and nothing from the host keymap. */
struct key {
	char lo, hi;
};
static const struct key us[] = {
	[KEY_1] = { '1', '!' },
	[KEY_2] = { '2', '@' },
	[KEY_3] = { '3', '#' },
	[KEY_4] = { '4', '$' },
	[KEY_5] = { '5', '%' },
	[KEY_6] = { '6', '^' },
	[KEY_7] = { '7', '&' },
	[KEY_8] = { '8', '*' },
	[KEY_9] = { '9', '(' },
	[KEY_0] = { '0', ')' },
	[KEY_MINUS] = { '-', '_' },
	[KEY_EQUAL] = { '=', '+' },
	[KEY_Q] = { 'q', 'Q' },
	[KEY_W] = { 'w', 'W' },
	[KEY_E] = { 'e', 'E' },
	[KEY_R] = { 'r', 'R' },
	[KEY_T] = { 't', 'T' },
	[KEY_Y] = { 'y', 'Y' },
	[KEY_U] = { 'u', 'U' },
	[KEY_I] = { 'i', 'I' },
	[KEY_O] = { 'o', 'O' },
	[KEY_P] = { 'p', 'P' },
	[KEY_LEFTBRACE] = { '[', '{' },
	[KEY_RIGHTBRACE] = { ']', '}' },
	[KEY_A] = { 'a', 'A' },
	[KEY_S] = { 's', 'S' },
	[KEY_D] = { 'd', 'D' },
	[KEY_F] = { 'f', 'F' },
	[KEY_G] = { 'g', 'G' },
	[KEY_H] = { 'h', 'H' },
	[KEY_J] = { 'j', 'J' },
	[KEY_K] = { 'k', 'K' },
	[KEY_L] = { 'l', 'L' },
	[KEY_SEMICOLON] = { ';', ':' },
	[KEY_APOSTROPHE] = { '\'', '"' },
	[KEY_GRAVE] = { '`', '~' },
	[KEY_BACKSLASH] = { '\\', '|' },
	[KEY_Z] = { 'z', 'Z' },
	[KEY_X] = { 'x', 'X' },
	[KEY_C] = { 'c', 'C' },
	[KEY_V] = { 'v', 'V' },
	[KEY_B] = { 'b', 'B' },
	[KEY_N] = { 'n', 'N' },
	[KEY_M] = { 'm', 'M' },
	[KEY_COMMA] = { ',', '<' },
	[KEY_DOT] = { '.', '>' },
	[KEY_SLASH] = { '/', '?' },
	[KEY_SPACE] = { ' ', ' ' },
	[KEY_KPASTERISK] = { '*', '*' },
	[KEY_KPMINUS] = { '-', '-' },
	[KEY_KPPLUS] = { '+', '+' },
	[KEY_KPSLASH] = { '/', '/' },
	[KEY_KPEQUAL] = { '=', '=' },
	[KEY_KPCOMMA] = { ',', ',' },
};
#define US_KEYS (sizeof us / sizeof us[0])

/* Keypad keys that type only with NumLock on: the digit or '.'. */
static int
keypad(unsigned code)
{
	switch (code) {
	case KEY_KP0:
		return '0';
	case KEY_KP1:
		return '1';
	case KEY_KP2:
		return '2';
	case KEY_KP3:
		return '3';
	case KEY_KP4:
		return '4';
	case KEY_KP5:
		return '5';
	case KEY_KP6:
		return '6';
	case KEY_KP7:
		return '7';
	case KEY_KP8:
		return '8';
	case KEY_KP9:
		return '9';
	case KEY_KPDOT:
		return '.';
	default:
		return -1;
	}
}

struct run { /* the keys since the last gap longer than max_key_gap_ms */
	bool active;
	unsigned char buf[RAW_MAX];
	size_t len;   /* bytes kept, <= RAW_MAX */
	size_t count; /* bytes typed, >= len */
	unsigned unknown;
	int64_t start_ms, last_ms; /* first and last key press */
};

struct junk { /* failed runs of the current burst, not yet reported */
	bool pending;
	unsigned runs;
	const char *reason; /* of the first run */
	size_t len;
	unsigned unknown;
	int64_t last_ms;
};

struct hidkeys {
	enum scan_end end;
	int64_t idle_ms, gap_ms, scan_ms;
	size_t min_len;
	struct run run;
	struct junk junk;
	bool shift_l, shift_r, ctrl_l, ctrl_r, alt_l, alt_r;
	bool caps, numlock;
	bool alt_used; /* Alt+keypad code being entered */
	unsigned alt_code, alt_digits;
	bool wait_report; /* after SYN_DROPPED, until SYN_REPORT or resync */
	int64_t now_ms;   /* the latest time seen; time never goes back */
	unsigned char out[SCAN_DATA_MAX]; /* the emitted payload */
	struct hidkeys_stats stats;
};

void
hidkeys_conf_defaults(struct scanner_conf *c)
{
	if (c->idle_ms == 0)
		c->idle_ms = HIDKEYS_IDLE_MS;
	if (c->max_key_gap_ms == 0)
		c->max_key_gap_ms = HIDKEYS_KEY_GAP_MS;
	if (c->max_scan_ms == 0)
		c->max_scan_ms = HIDKEYS_SCAN_MS;
	if (c->min_len == 0)
		c->min_len = HIDKEYS_MIN_LEN;
}

int
hidkeys_conf_check(const struct scanner_conf *c, char *err, size_t errsize)
{
	const char *field = NULL, *why = NULL;
	char buf[64];

	if (c->end != SCAN_END_ENTER && c->end != SCAN_END_TAB &&
	    c->end != SCAN_END_NONE) {
		field = "end";
		why = "must be enter, tab or none";
	} else if (c->idle_ms < 1 || c->idle_ms > HIDKEYS_MS_MAX) {
		field = "idle_ms";
	} else if (c->max_key_gap_ms < 1 ||
	    c->max_key_gap_ms > HIDKEYS_MS_MAX) {
		field = "max_key_gap_ms";
	} else if (c->max_scan_ms < 1 || c->max_scan_ms > HIDKEYS_MS_MAX) {
		field = "max_scan_ms";
	} else if (c->min_len < 1 || c->min_len > SCAN_DATA_MAX) {
		field = "min_len";
		snprintf(buf, sizeof buf, "must be 1..%d", SCAN_DATA_MAX);
		why = buf;
	}
	if (field == NULL)
		return 0;
	if (why == NULL) {
		snprintf(buf, sizeof buf, "must be 1..%d", HIDKEYS_MS_MAX);
		why = buf;
	}
	if (errsize > 0)
		snprintf(err, errsize, "%s: %s", field, why);
	return -1;
}

struct hidkeys *
hidkeys_new(const struct scanner_conf *conf)
{
	struct scanner_conf c = *conf;
	struct hidkeys *d;
	char err[80];

	hidkeys_conf_defaults(&c);
	if (hidkeys_conf_check(&c, err, sizeof err) != 0) {
		errno = EINVAL;
		return NULL;
	}
	if ((d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	d->end = c.end;
	d->idle_ms = c.idle_ms;
	d->gap_ms = c.max_key_gap_ms;
	d->scan_ms = c.max_scan_ms;
	d->min_len = (size_t)c.min_len;
	/* Scanners that use the keypad expect digits; a NumLock press from
	 * the scanner itself still toggles it. */
	d->numlock = true;
	return d;
}

void
hidkeys_free(struct hidkeys *d)
{
	free(d);
}

void
hidkeys_stats(const struct hidkeys *d, struct hidkeys_stats *s)
{
	*s = d->stats;
}

/* ---- results ---------------------------------------------------------- */

struct outq {
	struct hidkeys_result *r;
	size_t n;
};

static struct hidkeys_result *
emit(struct hidkeys *d, struct outq *q, enum hidkeys_kind kind, int64_t at)
{
	struct hidkeys_result *r;

	/* The worst case is 3 (an idle scan with junk before it, then a
	 * SYN_DROPPED), so this cannot fire; the fuzzer checks. */
	if (q->n >= HIDKEYS_OUT_MAX)
		abort();
	r = &q->r[q->n++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->at_ms = at;
	if (kind == HIDKEYS_SCAN)
		d->stats.scans++;
	else
		d->stats.rejects++;
	return r;
}

static void
reject(struct hidkeys *d, struct outq *q, const char *reason, size_t len,
    unsigned unknown, int64_t at)
{
	struct hidkeys_result *r = emit(d, q, HIDKEYS_REJECT, at);

	r->reason = reason;
	r->rejected_len = len;
	r->unknown = unknown;
}

static void
junk_flush(struct hidkeys *d, struct outq *q)
{
	struct junk *j = &d->junk;

	if (!j->pending)
		return;
	reject(d, q, j->runs > 1 ? "typing" : j->reason, j->len, j->unknown,
	    j->last_ms);
	memset(j, 0, sizeof *j);
}

/* The run failed for reason: it joins the burst's junk. */
static void
run_to_junk(struct hidkeys *d, const char *reason)
{
	struct junk *j = &d->junk;
	struct run *r = &d->run;

	if (!j->pending) {
		j->pending = true;
		j->reason = reason;
	}
	j->runs++;
	j->len += r->count;
	j->unknown += r->unknown;
	j->last_ms = r->last_ms;
	r->active = false;
}

/* The AIM identifier at the start of buf, if any: its symbology. */
static bool
aim(const unsigned char *b, size_t len, enum scan_symbology *sym)
{
	unsigned char m;

	if (len < AIM_LEN || b[0] != ']')
		return false;
	m = b[2];
	if (!((m >= '0' && m <= '9') || (m >= 'A' && m <= 'Z')))
		return false;
	switch (b[1]) {
	case 'C':
		*sym = SCAN_SYM_CODE128;
		return true;
	case 'Q':
		*sym = SCAN_SYM_QR;
		return true;
	case 'E': /* ]E0 EAN-13 or UPC-A, ]E3 with add-on; ]E4 EAN-8 */
		*sym = m == '0' || m == '3' ? SCAN_SYM_EAN13 : SCAN_SYM_OTHER;
		return true;
	case 'A':
		*sym = SCAN_SYM_CODE39;
		return true;
	case 'I':
		*sym = SCAN_SYM_ITF;
		return true;
	case 'd': /* Data Matrix */
	case 'e': /* GS1 DataBar */
	case 'F': /* Codabar */
	case 'G': /* Code 93 */
	case 'L': /* PDF417 */
	case 'z': /* Aztec */
		*sym = SCAN_SYM_OTHER;
		return true;
	default:
		return false;
	}
}

/* The run ended at end_ms (its end key, or silence with SCAN_END_NONE):
 * a scan, or junk. */
static void
run_finish(struct hidkeys *d, struct outq *q, int64_t end_ms)
{
	struct run *r = &d->run;
	enum scan_symbology sym = SCAN_SYM_UNKNOWN;
	size_t off = 0, plen, keep;
	const char *why = NULL;
	struct hidkeys_result *res;

	if (aim(r->buf, r->len, &sym))
		off = AIM_LEN;
	plen = r->count - off;
	if (r->unknown > 0)
		why = "unknown key";
	else if (end_ms - r->start_ms > d->scan_ms)
		why = "too slow";
	else if (plen < d->min_len)
		why = "too short";
	if (why != NULL) {
		run_to_junk(d, why);
		return;
	}
	junk_flush(d, q);
	keep = r->len - off;
	if (keep > SCAN_DATA_MAX)
		keep = SCAN_DATA_MAX;
	memcpy(d->out, r->buf + off, keep);
	res = emit(d, q, HIDKEYS_SCAN, end_ms);
	res->sym = sym;
	res->data = d->out;
	res->len = keep;
	res->truncated = plen > keep;
	r->active = false;
}

/* Lets the time pass to t: silence ends a run, and a long silence ends
 * the burst. Both the tick and every event come through here first, so
 * the output does not depend on when the caller ticks. */
static void
advance(struct hidkeys *d, struct outq *q, int64_t t)
{
	if (t < d->now_ms)
		t = d->now_ms;
	d->now_ms = t;
	if (d->run.active) {
		if (d->end == SCAN_END_NONE) {
			if (t - d->run.last_ms >= d->idle_ms)
				run_finish(d, q, d->run.last_ms);
		} else if (t - d->run.last_ms > d->gap_ms)
			run_to_junk(d, "no end key");
	}
	if (!d->run.active && d->junk.pending &&
	    t - d->junk.last_ms >= d->scan_ms)
		junk_flush(d, q);
}

int64_t
hidkeys_deadline(const struct hidkeys *d)
{
	if (d->run.active)
		return d->run.last_ms +
		    (d->end == SCAN_END_NONE ? d->idle_ms : d->gap_ms + 1);
	if (d->junk.pending)
		return d->junk.last_ms + d->scan_ms;
	return -1;
}

/* ---- keys --------------------------------------------------------------- */

static void
run_start(struct hidkeys *d, int64_t t)
{
	struct run *r = &d->run;

	if (r->active)
		return;
	r->active = true;
	r->len = r->count = 0;
	r->unknown = 0;
	r->start_ms = r->last_ms = t;
}

static void
put(struct hidkeys *d, int c, int64_t t)
{
	struct run *r = &d->run;

	run_start(d, t);
	if (c < 0) {
		r->unknown++;
		d->stats.unknown_keys++;
		return;
	}
	if (r->len < RAW_MAX)
		r->buf[r->len++] = (unsigned char)c;
	r->count++;
}

/* The byte a press of code types with the current modifiers, or -1. */
static int
byte_of(const struct hidkeys *d, unsigned code)
{
	bool shift = d->shift_l || d->shift_r;
	int c;

	if ((c = keypad(code)) >= 0)
		return d->numlock ? c : -1;
	if (code >= US_KEYS || us[code].lo == 0)
		return -1;
	if (us[code].lo >= 'a' && us[code].lo <= 'z')
		c = shift != d->caps ? us[code].hi : us[code].lo;
	else
		c = shift ? us[code].hi : us[code].lo;
	if (d->ctrl_l || d->ctrl_r) {
		/* C0 controls the US way: Ctrl+] is GS (FNC1), Ctrl+Shift+6
		 * RS, Ctrl+letter 1..26; NUL is not a payload byte. */
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (c <= '@' || c > '_')
			return -1;
		return c & 0x1f;
	}
	return c;
}

static bool
is_modifier(unsigned code)
{
	switch (code) {
	case KEY_LEFTSHIFT:
	case KEY_RIGHTSHIFT:
	case KEY_LEFTCTRL:
	case KEY_RIGHTCTRL:
	case KEY_LEFTALT:
	case KEY_RIGHTALT:
	case KEY_LEFTMETA:
	case KEY_RIGHTMETA:
	case KEY_CAPSLOCK:
	case KEY_NUMLOCK:
	case KEY_SCROLLLOCK:
		return true;
	default:
		return false;
	}
}

static void
modifier(struct hidkeys *d, unsigned code, bool down, int64_t t)
{
	switch (code) {
	case KEY_LEFTSHIFT:
		d->shift_l = down;
		break;
	case KEY_RIGHTSHIFT:
		d->shift_r = down;
		break;
	case KEY_LEFTCTRL:
		d->ctrl_l = down;
		break;
	case KEY_RIGHTCTRL:
		d->ctrl_r = down;
		break;
	case KEY_LEFTALT:
	case KEY_RIGHTALT:
		if (code == KEY_LEFTALT)
			d->alt_l = down;
		else
			d->alt_r = down;
		if (!down && !d->alt_l && !d->alt_r && d->alt_used) {
			/* Alt released: the decimal code typed on the
			 * keypad is the byte; ASCII only. */
			bool ok = d->alt_digits <= ALT_DIGITS_MAX &&
			    d->alt_code >= 1 && d->alt_code <= 127;
			put(d, ok ? (int)d->alt_code : -1, t);
			d->alt_used = false;
			d->alt_code = d->alt_digits = 0;
		}
		break;
	case KEY_CAPSLOCK:
		if (down)
			d->caps = !d->caps;
		break;
	case KEY_NUMLOCK:
		if (down)
			d->numlock = !d->numlock;
		break;
	default: /* Meta, ScrollLock: nothing to track */
		break;
	}
}

static bool
is_end(const struct hidkeys *d, unsigned code)
{
	if (d->end == SCAN_END_ENTER)
		return code == KEY_ENTER || code == KEY_KPENTER;
	if (d->end == SCAN_END_TAB)
		return code == KEY_TAB;
	return false;
}

static void
press(struct hidkeys *d, struct outq *q, unsigned code, int64_t t)
{
	struct run *r = &d->run;
	int c;

	/* A long gap inside a run: the keys before were typed. */
	if (r->active && t - r->last_ms > d->gap_ms)
		run_to_junk(d, "typing");
	if (is_modifier(code)) {
		if (r->active)
			r->last_ms = t;
		modifier(d, code, true, t);
		return;
	}
	if (is_end(d, code)) {
		if (r->active)
			run_finish(d, q, t);
		else if (d->junk.pending && d->junk.runs == 1 &&
		    strcmp(d->junk.reason, "no end key") == 0)
			d->junk.reason = "typing"; /* the end came late */
		if (d->junk.pending) {
			d->junk.last_ms = t;
			junk_flush(d, q);
		}
		return;
	}
	if (d->alt_l || d->alt_r) {
		if ((c = keypad(code)) >= '0' && c <= '9') {
			d->alt_used = true;
			if (d->alt_digits++ < ALT_DIGITS_MAX)
				d->alt_code =
				    d->alt_code * 10 + (unsigned)(c - '0');
			run_start(d, t);
			r->last_ms = t;
			return;
		}
		c = -1; /* Alt+anything else types nothing we know */
	} else if (code == KEY_ENTER || code == KEY_KPENTER)
		c = '\n';
	else if (code == KEY_TAB)
		c = '\t';
	else
		c = byte_of(d, code);
	put(d, c, t);
	r->last_ms = t;
}

size_t
hidkeys_feed(struct hidkeys *d, unsigned type, unsigned code, int value,
    int64_t ms, struct hidkeys_result out[HIDKEYS_OUT_MAX])
{
	struct outq q = { out, 0 };

	advance(d, &q, ms);
	ms = d->now_ms;
	if (type == EV_SYN && code == SYN_DROPPED) {
		/* Events were lost: the partial scan cannot be trusted, nor
		 * which modifiers are down. */
		junk_flush(d, &q);
		reject(d, &q, "dropped", d->run.active ? d->run.count : 0,
		    d->run.active ? d->run.unknown : 0, ms);
		d->run.active = false;
		d->shift_l = d->shift_r = d->ctrl_l = d->ctrl_r = false;
		d->alt_l = d->alt_r = d->alt_used = false;
		d->alt_code = d->alt_digits = 0;
		d->wait_report = true;
		d->stats.dropped++;
		return q.n;
	}
	if (d->wait_report) {
		if (type == EV_SYN && code == SYN_REPORT)
			d->wait_report = false;
		return q.n;
	}
	if (type != EV_KEY)
		return q.n;
	if (value == 2) {
		d->stats.autorepeats++;
		return q.n;
	}
	if (value == 1)
		press(d, &q, code, ms);
	else if (value == 0 && is_modifier(code))
		modifier(d, code, false, ms);
	return q.n;
}

size_t
hidkeys_tick(struct hidkeys *d, int64_t now_ms,
    struct hidkeys_result out[HIDKEYS_OUT_MAX])
{
	struct outq q = { out, 0 };

	advance(d, &q, now_ms);
	return q.n;
}

void
hidkeys_resync(struct hidkeys *d, const unsigned *down, size_t n)
{
	d->shift_l = d->shift_r = d->ctrl_l = d->ctrl_r = false;
	d->alt_l = d->alt_r = d->alt_used = false;
	d->alt_code = d->alt_digits = 0;
	for (size_t i = 0; i < n; i++)
		if (down[i] != KEY_CAPSLOCK && down[i] != KEY_NUMLOCK &&
		    is_modifier(down[i]))
			modifier(d, down[i], true, d->now_ms);
	d->wait_report = false;
}
