/* zdecode.c: the combined pipeline of zdecode.h. The engines
 * (zengine.h) read; this file judges each read and decides between them
 * (docs/scanners.md, "How the two engines are combined"). Buffers are
 * allocated once per decoder: a run allocates nothing. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/textfold.h"
#include "scanner/qrtext.h"
#include "scanner/zdecode.h"
#include "scanner/zengine.h"
#include "scanner/zxdecode.h"

/* The video cache (zdecode_opts.cache): a symbol counts once it has been
 * read in `need` frames, and once only while it stays in view; out of
 * view for more than CACHE_GAP frames, it may count again. Keyed by a
 * 64-bit hash of the text: a collision would need 2^32 symbols. */
#define CACHE_MAX 16
#define CACHE_GAP 8 /* frames, about 0.3 s at 25 frames a second */

struct cache_ent {
	enum scan_symbology sym;
	size_t len;
	uint64_t hash, last; /* last: the frame it was last seen in */
	unsigned seen;       /* frames in a row (gaps up to CACHE_GAP) */
	bool reported, used;
};

struct zdecode {
	void *zx, *zb; /* engine handles; NULL when that engine is off */
	unsigned symbologies, steps;
	bool cache;
	unsigned need; /* cache: frames a symbol must be seen in */
	uint64_t frame;
	struct cache_ent ents[CACHE_MAX];
	struct zengine_sym *cand; /* ZDECODE_SYMBOLS_MAX, one engine's reads */
	struct zdecode_refusal refused[ZDECODE_REFUSALS_MAX];
	size_t nrefused;
	struct zdecode_symbol *out; /* the call's results, borrowed */
	size_t n, max;
};

const char *
zdecode_step_name(enum zdecode_step s)
{
	switch (s) {
	case ZDECODE_PLAIN:
		return "plain";
	case ZDECODE_SCALE:
		return "scale";
	case ZDECODE_BINARISE:
		return "binarise";
	case ZDECODE_ROTATE:
		return "rotate";
	case ZDECODE_INVERT:
		return "invert";
	}
	return "?";
}

const char *
zdecode_charset_name(enum zdecode_charset cs)
{
	switch (cs) {
	case ZDECODE_CS_TEXT:
		return "ascii";
	case ZDECODE_CS_UTF8:
		return "utf-8";
	case ZDECODE_CS_LATIN1:
		return "latin-1";
	case ZDECODE_CS_SJIS:
		return "shift-jis";
	case ZDECODE_CS_ECI:
		return "eci";
	}
	return "?";
}

const char *
zdecode_engines_name(unsigned engines)
{
	switch (engines & ZDECODE_ALL_ENGINES) {
	case ZDECODE_ZXING:
		return "zxing";
	case ZDECODE_ZBAR:
		return "zbar";
	case ZDECODE_ALL_ENGINES:
		return "zxing+zbar";
	}
	return "none";
}

struct zdecode *
zdecode_new(const struct zdecode_opts *o)
{
	unsigned engines = o->engines ? o->engines : ZDECODE_ALL_ENGINES;
	struct zdecode_opts eo;
	struct zdecode *z;

	if (!(engines & ZDECODE_ALL_ENGINES)) {
		errno = EINVAL;
		return NULL;
	}
	if ((z = calloc(1, sizeof(*z))) == NULL ||
	    (z->cand = calloc(ZDECODE_SYMBOLS_MAX, sizeof(*z->cand))) == NULL) {
		free(z);
		errno = ENOMEM;
		return NULL;
	}
	z->symbologies =
	    o->symbologies ? o->symbologies : ZDECODE_DEFAULT_SYMBOLOGIES;
	z->steps = o->steps ? o->steps : ZDECODE_ALL_STEPS;
	z->cache = o->cache;
	z->need = o->uncertainty > 0 ? (unsigned)o->uncertainty : 1;
	/* the engines report every sighting; the one cache here counts
	 * them, whichever engine read the frame */
	eo = *o;
	eo.uncertainty = 0;
	if (((engines & ZDECODE_ZXING) &&
	        (z->zx = zxdecode_ops.open(&eo)) == NULL) ||
	    ((engines & ZDECODE_ZBAR) &&
	        (z->zb = zbdecode_ops.open(&eo)) == NULL)) {
		int e = errno;

		zdecode_free(z);
		errno = e;
		return NULL;
	}
	return z;
}

void
zdecode_free(struct zdecode *z)
{
	if (z == NULL)
		return;
	if (z->zx != NULL)
		zxdecode_ops.close(z->zx);
	if (z->zb != NULL)
		zbdecode_ops.close(z->zb);
	free(z->cand);
	free(z);
}

void
zdecode_set_steps(struct zdecode *z, unsigned steps)
{
	z->steps = steps ? steps : ZDECODE_ALL_STEPS;
}

size_t
zdecode_refusals(const struct zdecode *z, const struct zdecode_refusal **out)
{
	*out = z->refused;
	return z->nrefused;
}

static void
refuse(struct zdecode *z, enum scan_symbology sym, unsigned engine,
    const char *why)
{
	for (size_t i = 0; i < z->nrefused; i++)
		if (z->refused[i].sym == sym && z->refused[i].why == why) {
			z->refused[i].engines |= engine;
			return;
		}
	if (z->nrefused < ZDECODE_REFUSALS_MAX)
		z->refused[z->nrefused++] =
		    (struct zdecode_refusal){ sym, engine, why };
}

/* Printable ASCII (GS1's GS allowed): the text of a linear code. */
static bool
printable(const unsigned char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((s[i] < 0x20 && s[i] != 0x1d) || s[i] > 0x7e)
			return false;
	return true;
}

/* A Code 39 text that Full ASCII mode would read differently: a $, %, /
 * or + before a capital letter ("+A" is "a" there). The symbol does not
 * say which mode it was printed in, so such a text is refused rather
 * than guessed. */
static bool
code39_ambiguous(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (strchr("$%/+", s[i]) != NULL && s[i] != '\0' &&
		    s[i + 1] >= 'A' && s[i + 1] <= 'Z')
			return true;
	return false;
}

/* Judges one engine's read; on acceptance writes the text to *o and
 * returns NULL, else returns the reason. */
static const char *
judge(const struct zengine_sym *c, unsigned engine, struct zdecode_symbol *o)
{
	const char *why = NULL;

	if (c->flags & ZENGINE_OVERLONG)
		return "longer than any QR code holds"; /* not cut */
	if (c->flags & ZENGINE_UNCONFIRMED)
		return "a linear code ZBar read in one view only";
	o->sym = c->sym;
	o->step = c->step;
	o->engines = engine;
	if (c->sym != SCAN_SYM_QR) {
		if (printable(c->data, c->len)) {
			o->charset = ZDECODE_CS_TEXT;
		} else if (c->sym == SCAN_SYM_CODE128 &&
		    engine == ZDECODE_ZXING && text_utf8(c->data, c->len)) {
			/* FNC4: Latin-1 by the Code 128 standard, which
			 * zxing-cpp reads (ZBar drops it: zbdecode.c refuses
			 * those) */
			o->charset = ZDECODE_CS_LATIN1;
		} else {
			return "not printable text";
		}
		if (c->sym == SCAN_SYM_CODE39 &&
		    code39_ambiguous(c->data, c->len))
			return "Code 39 text that Full ASCII would read "
			       "differently";
		memcpy(o->data, c->data, c->len);
		o->len = c->len;
		return NULL;
	}
	if (c->flags & ZENGINE_ECI_UNKNOWN)
		return "ECI of a character set zxing-cpp cannot convert, or "
		       "binary data";
	if (c->flags & ZENGINE_ECI) {
		if (!text_utf8(c->data, c->len))
			return "not text after its ECI";
		memcpy(o->data, c->data, c->len);
		o->len = c->len;
		o->charset = ZDECODE_CS_ECI;
		return NULL;
	}
	if (engine == ZDECODE_ZBAR && !text_utf8(c->data, c->len))
		/* ZBar (0.23.92, even in binary mode) converts a text with an
		 * ECI it knows; other bytes it passes on without saying
		 * whether an ECI it did not know was there */
		return "not UTF-8, and ZBar cannot say whether it had an ECI";
	{
		enum qrtext_charset cs;
		long n = qrtext_decode(c->data, c->len, o->data,
		    sizeof(o->data), &cs, &why);

		if (n < 0)
			return why;
		o->len = (size_t)n;
		o->charset = cs == QRTEXT_LATIN1 ? ZDECODE_CS_LATIN1
		    : cs == QRTEXT_SJIS          ? ZDECODE_CS_SJIS
		                                 : ZDECODE_CS_UTF8;
	}
	return NULL;
}

/* Runs one engine and keeps its accepted reads not seen yet. Returns how
 * many it added. */
static size_t
run_engine(struct zdecode *z, const struct zengine_ops *ops, void *h,
    unsigned engine, const unsigned char *grey, int w, int hgt)
{
	size_t k =
	    ops->run(h, grey, w, hgt, z->steps, z->cand, ZDECODE_SYMBOLS_MAX);
	size_t added = 0;

	for (size_t i = 0; i < k && z->n < z->max; i++) {
		struct zdecode_symbol *o = &z->out[z->n];
		const char *why = judge(&z->cand[i], engine, o);
		size_t j;

		if (why != NULL) {
			refuse(z, z->cand[i].sym, engine, why);
			continue;
		}
		for (j = 0; j < z->n; j++)
			if (z->out[j].sym == o->sym &&
			    z->out[j].len == o->len &&
			    memcmp(z->out[j].data, o->data, o->len) == 0)
				break;
		if (j < z->n) {
			z->out[j].engines |= engine; /* both read it */
			continue;
		}
		z->n++;
		added++;
	}
	return added;
}

static uint64_t
fnv1a(const unsigned char *d, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ d[i]) * 1099511628211ull;
	return h;
}

/* Counts this frame's symbols in the cache and keeps only those that
 * reach `need` sightings now. */
static size_t
cache_filter(struct zdecode *z)
{
	size_t kept = 0;

	z->frame++;
	for (size_t i = 0; i < z->n; i++) {
		struct zdecode_symbol *s = &z->out[i];
		uint64_t h = fnv1a(s->data, s->len);
		struct cache_ent *e = NULL, *old = &z->ents[0];

		for (size_t k = 0; k < CACHE_MAX; k++) {
			struct cache_ent *c = &z->ents[k];

			if (c->used && c->sym == s->sym && c->len == s->len &&
			    c->hash == h) {
				e = c;
				break;
			}
			if (!c->used || (old->used && c->last < old->last))
				old = c;
		}
		if (e == NULL || z->frame - e->last > CACHE_GAP) {
			if (e == NULL)
				e = old; /* a free entry, or the stalest */
			*e = (struct cache_ent){ .sym = s->sym,
				.len = s->len,
				.hash = h,
				.used = true };
		}
		e->seen++;
		e->last = z->frame;
		if (e->reported || e->seen < z->need)
			continue;
		e->reported = true;
		if (kept != i)
			memcpy(&z->out[kept], s, sizeof(*s));
		kept++;
	}
	z->n = kept;
	return kept;
}

size_t
zdecode_run(struct zdecode *z, const unsigned char *grey, int w, int h,
    struct zdecode_symbol *out, size_t max)
{
	z->out = out;
	z->n = 0;
	z->max = max;
	z->nrefused = 0;
	if (w <= 0 || h <= 0 || max == 0)
		return 0;
	/* zxing-cpp first: faster, and on the measured sets it misread
	 * nothing; ZBar's steps when it found nothing to accept */
	if ((z->zx == NULL ||
	        run_engine(z, &zxdecode_ops, z->zx, ZDECODE_ZXING, grey, w,
	            h) == 0) &&
	    z->zb != NULL)
		run_engine(z, &zbdecode_ops, z->zb, ZDECODE_ZBAR, grey, w, h);
	return z->cache ? cache_filter(z) : z->n;
}
