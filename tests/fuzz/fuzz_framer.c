/* fuzz_framer.c: libFuzzer target for the serial framer. The first byte
 * picks the suffix and max_line, the second the chunk size. Invariants:
 * frames are at most max_line bytes, carry no control byte, OK frames
 * are valid UTF-8 (checked by classifying them: never "not UTF-8"), and
 * the output does not depend on the chunking. */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scanner/classify.h"
#include "scanner/framer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct log {
	uint64_t hash;
	size_t frames, max_line;
};

static void
on_frame(void *arg, const struct frame *f)
{
	struct log *l = arg;
	struct classified c;

	l->frames++;
	l->hash = l->hash * 31 + (uint64_t)f->kind * 7 + f->len;
	for (size_t i = 0; i < f->len; i++)
		l->hash = l->hash * 131 + f->data[i];
	if (f->kind == FRAME_GARBAGE) {
		assert(f->reason != NULL && f->len == 0);
		return;
	}
	assert(f->len <= l->max_line);
	for (size_t i = 0; i < f->len; i++)
		assert(f->data[i] >= 0x20 && f->data[i] != 0x7f);
	classify_scan(f->data, f->len, false, &c);
	if (f->kind == FRAME_OK && f->len > 0)
		assert(c.kind != CLASSIFY_UNKNOWN ||
		    strcmp(c.reason, "not UTF-8") != 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const sfx[] = { "\r\n", "\r", "\n", "\t" };
	struct framer f;
	struct log a = { 0 }, b = { 0 };
	size_t step;
	int max;

	if (size < 2)
		return 0;
	max = 8 + data[0] / 4 % 64;
	step = 1 + data[1] % 16;
	a.max_line = b.max_line = (size_t)max;
	framer_init(&f, sfx[data[0] % 4], max);
	framer_push(&f, data + 2, size - 2, on_frame, &a);
	framer_init(&f, sfx[data[0] % 4], max);
	for (size_t i = 2; i < size; i += step)
		framer_push(&f, data + i, size - i < step ? size - i : step,
		    on_frame, &b);
	assert(a.frames == b.frames && a.hash == b.hash);
	return 0;
}
