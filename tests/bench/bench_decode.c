/* bench_decode.c: milliseconds per 640x480 frame for the decode pipeline,
 * in process (no image loading or process start in the timing). Every
 * image in expected.tsv is fitted into a 640x480 white frame (box filter
 * down, bilinear up; aspect kept), then each frame is decoded REPEAT
 * times per configuration: the camera path (plain scan), the camera with
 * inverted reading, and the whole image-file pipeline. One line per
 * configuration for tests/bench/decode.py. Run from the repository root:
 *   bench_decode tests/data/barcodes */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imgload.h"
#include "zdecode.h"

#define FW     640
#define FH     480
#define REPEAT 5
#define FRAMES 128

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Fits src into a white FW x FH frame, centred, by area sampling. */
static void
fit(const struct img *src, unsigned char *dst)
{
	double s = (double)FW / src->w;
	int ow, oh, ox, oy;

	if ((double)FH / src->h < s)
		s = (double)FH / src->h;
	ow = (int)(src->w * s);
	oh = (int)(src->h * s);
	ox = (FW - ow) / 2;
	oy = (FH - oh) / 2;
	memset(dst, 255, (size_t)FW * FH);
	for (int y = 0; y < oh; y++)
		for (int x = 0; x < ow; x++) {
			int x0 = (int)(x / s), x1 = (int)((x + 1) / s);
			int y0 = (int)(y / s), y1 = (int)((y + 1) / s);
			unsigned sum = 0, n = 0;

			if (x1 <= x0)
				x1 = x0 + 1;
			if (y1 <= y0)
				y1 = y0 + 1;
			for (int j = y0; j < y1 && j < src->h; j++)
				for (int i = x0; i < x1 && i < src->w; i++) {
					sum += src->px[(size_t)j * src->w + i];
					n++;
				}
			dst[(size_t)(y + oy) * FW + x + ox] =
			    (unsigned char)(n ? sum / n : 255);
		}
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		unsigned steps;
	} configs[] = {
		{ "camera", ZDECODE_PLAIN },
		{ "camera_inverted", ZDECODE_PLAIN | ZDECODE_INVERT },
		{ "pipeline", ZDECODE_ALL_STEPS },
	};
	const char *dir = argc > 1 ? argv[1] : "tests/data/barcodes";
	static unsigned char frames[FRAMES][FW * FH];
	char path[1024], line[4096];
	int nf = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/expected.tsv", dir);
	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return 1;
	}
	if (fgets(line, sizeof(line), f) == NULL) /* the header */
		return 1;
	while (nf < FRAMES && fgets(line, sizeof(line), f) != NULL) {
		char err[IMGLOAD_ERR_MAX], full[sizeof(path) + sizeof(line)];
		struct img im;

		line[strcspn(line, "\t")] = '\0';
		snprintf(full, sizeof(full), "%s/%s", dir, line);
		if (imgload_file(full, &im, err) != IMGLOAD_OK) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		fit(&im, frames[nf++]);
		img_free(&im);
	}
	fclose(f);
	for (size_t c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
		struct zdecode_opts o = { .steps = configs[c].steps };
		struct zdecode *z = zdecode_new(&o);
		struct zdecode_symbol syms[ZDECODE_SYMBOLS_MAX];
		static double t[FRAMES * REPEAT];
		double sum = 0;
		int found = 0, n = 0;

		if (z == NULL)
			return 1;
		for (int i = 0; i < nf; i++)
			for (int r = 0; r < REPEAT; r++) {
				double t0 = now_ms();
				size_t k = zdecode_run(z, frames[i], FW, FH,
				    syms, ZDECODE_SYMBOLS_MAX);

				t[n] = now_ms() - t0;
				sum += t[n++];
				if (r == 0 && k > 0)
					found++;
			}
		qsort(t, (size_t)n, sizeof(t[0]), cmp);
		printf("config=%s frames=%d found=%d mean_ms=%.2f p50_ms=%.2f "
		       "p95_ms=%.2f max_ms=%.2f\n",
		    configs[c].name, nf, found, sum / n, t[n / 2],
		    t[(n * 95) / 100], t[n - 1]);
		zdecode_free(z);
	}
	return 0;
}
