/* test_camscan.c: the camera shell with no camera. The hub's three report
 * functions are link-time fakes that record what the shell says. A
 * missing device must give "waiting" at once and keep the loop free;
 * frames from tests/data go through camscan_feed_frame (the same decode
 * and queue as device frames) and must reach scan_source_submit on the
 * loop thread, once per symbol in view, only for enabled symbologies,
 * inverted only when configured. */
#include "harness.h"

#include <pthread.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include <uv.h>

#include "scanner/camscan.h"
#include "printer/code128.h"
#include "scanner/hotplug.h"
#include "scanner/imgload.h"

#define DATA_DIR "tests/data/barcodes"

struct scan_source {
	int submits;
	enum scan_symbology sym;
	char data[SCAN_DATA_MAX + 1];
	char state[32], detail[300];
	int states;
	int errors;
	int dropped; /* "dropped" errors */
	pthread_t loop_thread;
};

void
scan_source_submit(struct scan_source *s, const struct scan_event *ev)
{
	assert_true(pthread_equal(pthread_self(), s->loop_thread));
	s->submits++;
	s->sym = ev->sym;
	memcpy(s->data, ev->data, ev->len);
	s->data[ev->len] = '\0';
	assert_true(ev->mono_ms > 0 && ev->wall_ms > 0);
	assert_string_equal(ev->source, "cam1");
}

void
scan_source_state(struct scan_source *s, const char *state, const char *detail)
{
	assert_true(pthread_equal(pthread_self(), s->loop_thread));
	snprintf(s->state, sizeof(s->state), "%s", state);
	snprintf(s->detail, sizeof(s->detail), "%s", detail);
	s->states++;
}

void
scan_source_error(struct scan_source *s, const char *counter,
    const char *detail)
{
	(void)detail;
	s->errors++;
	if (strcmp(counter, "dropped") == 0)
		s->dropped++;
}

static struct scanner_conf
conf(void)
{
	struct scanner_conf c = { .kind = SCAN_CAMERA, .uncertainty = 2 };

	snprintf(c.name, sizeof(c.name), "cam1");
	snprintf(c.device, sizeof(c.device), "/nonexistent/video7");
	snprintf(c.terminal, sizeof(c.terminal), "clerk1");
	return c;
}

static void
load(const char *rel, struct img *im, bool invert)
{
	char path[256], err[IMGLOAD_ERR_MAX];

	snprintf(path, sizeof(path), "%s/%s", DATA_DIR, rel);
	if (imgload_file(path, im, err) != IMGLOAD_OK)
		fail_msg("%s", err);
	if (invert)
		for (size_t i = 0; i < (size_t)im->w * (size_t)im->h; i++)
			im->px[i] = (unsigned char)(255 - im->px[i]);
}

/* Runs the loop for about ms, so the async handle delivers. */
static void
spin(uv_loop_t *loop, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		struct timespec ts = { 0, 10 * 1000000L };

		uv_run(loop, UV_RUN_NOWAIT);
		nanosleep(&ts, NULL);
	}
	uv_run(loop, UV_RUN_NOWAIT);
}

static void
finish(uv_loop_t *loop, void *shell)
{
	camera_shell_ops.close(shell);
	uv_run(loop, UV_RUN_DEFAULT); /* the async handle closes */
	assert_int_equal(uv_loop_close(loop), 0);
}

static void
missing_device_waits(void **state)
{
	uv_loop_t loop;
	struct scan_source src = { .loop_thread = pthread_self() };
	struct scanner_conf c = conf();
	void *shell;

	(void)state;
	uv_loop_init(&loop);
	shell = camera_shell_ops.open(&loop, NULL, &c, &src);
	assert_non_null(shell);
	/* reported before open() returned: nothing blocked on the device */
	assert_string_equal(src.state, "waiting");
	spin(&loop, 300);
	assert_string_equal(src.state, "waiting");
	assert_non_null(strstr(src.detail, "/nonexistent/video7"));
	assert_non_null(strstr(src.detail, "cannot open"));
	finish(&loop, shell);
}

/* A video device appearing (udev, here injected) ends the retry wait;
 * closing unsubscribes, so a later event reaches nobody. */
static void
hotplug_kicks_retry(void **state)
{
	uv_loop_t loop;
	struct scan_source src = { .loop_thread = pthread_self() };
	struct scanner_conf c = conf();
	struct hotplug_dev dev = { .action = "add",
		.subsystem = "video4linux",
		.devnode = "/dev/video7",
		.vendor_id = "",
		.model_id = "",
		.serial = "" };
	struct hotplug *hp;
	void *shell;

	(void)state;
	uv_loop_init(&loop);
	hp = hotplug_new(&loop);
	assert_non_null(hp);
	shell = camera_shell_ops.open(&loop, hp, &c, &src);
	assert_non_null(shell);
	spin(&loop, 50);
	hotplug_inject(hp, &dev);
	spin(&loop, 50);
	assert_string_equal(src.state, "waiting");
	camera_shell_ops.close(shell);
	hotplug_inject(hp, &dev); /* nobody listens: no use after free */
	hotplug_free(hp);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void
frames_reach_the_loop_once(void **state)
{
	uv_loop_t loop;
	struct scan_source src = { .loop_thread = pthread_self() };
	struct scanner_conf c = conf();
	struct img im;
	void *shell;

	(void)state;
	uv_loop_init(&loop);
	shell = camera_shell_ops.open(&loop, NULL, &c, &src);
	assert_non_null(shell);
	load("qrcode-1/13.png", &im, false);
	/* uncertainty 2: one sighting is not enough */
	camscan_feed_frame(shell, im.px, im.w, im.h);
	spin(&loop, 20);
	assert_int_equal(src.submits, 0);
	for (int i = 0; i < 5; i++)
		camscan_feed_frame(shell, im.px, im.w, im.h);
	spin(&loop, 20);
	assert_int_equal(src.submits, 1); /* and only once while in view */
	assert_int_equal(src.sym, SCAN_SYM_QR);
	assert_string_equal(src.data, "http://google.com/gwt/n?u=bluenile.com");
	img_free(&im);

	load("code128-1/1.png", &im, false);
	for (int i = 0; i < 3; i++)
		camscan_feed_frame(shell, im.px, im.w, im.h);
	spin(&loop, 20);
	assert_int_equal(src.submits, 2);
	assert_int_equal(src.sym, SCAN_SYM_CODE128);
	assert_string_equal(src.data, "168901");
	img_free(&im);

	/* nothing in the frame, nothing reported */
	load("falsepositives-1/01.jpg", &im, false);
	for (int i = 0; i < 3; i++)
		camscan_feed_frame(shell, im.px, im.w, im.h);
	spin(&loop, 20);
	assert_int_equal(src.submits, 2);
	img_free(&im);
	finish(&loop, shell);
}

static void
symbologies_and_inverted(void **state)
{
	uv_loop_t loop;
	struct scan_source src = { .loop_thread = pthread_self() };
	struct scanner_conf c = conf();
	struct img im;
	void *shell;

	(void)state;
	/* QR only, not inverted: a Code 128 and an inverted QR stay unread */
	c.symbologies = 1u << SCAN_SYM_QR;
	uv_loop_init(&loop);
	shell = camera_shell_ops.open(&loop, NULL, &c, &src);
	load("code128-1/1.png", &im, false);
	for (int i = 0; i < 3; i++)
		camscan_feed_frame(shell, im.px, im.w, im.h);
	img_free(&im);
	load("qrcode-1/13.png", &im, true);
	for (int i = 0; i < 3; i++)
		camscan_feed_frame(shell, im.px, im.w, im.h);
	spin(&loop, 20);
	assert_int_equal(src.submits, 0);
	finish(&loop, shell);

	/* inverted on: the phone-screen QR reads (on the plain frames;
	 * every other frame is binarised, so feed enough for uncertainty) */
	c.inverted = true;
	uv_loop_init(&loop);
	shell = camera_shell_ops.open(&loop, NULL, &c, &src);
	for (int i = 0; i < 8; i++)
		camscan_feed_frame(shell, im.px, im.w, im.h);
	spin(&loop, 20);
	assert_int_equal(src.submits, 1);
	assert_string_equal(src.data, "http://google.com/gwt/n?u=bluenile.com");
	img_free(&im);
	finish(&loop, shell);
}

/* A 640x480 frame with one Code 128 label (the printer's encoder),
 * 2 px a module. */
static unsigned char *
label_frame(const char *text)
{
	struct code128 c;
	uint8_t bars[512];
	size_t nb;
	unsigned char *px = malloc(640 * 480);
	int x0;

	assert_non_null(px);
	memset(px, 255, 640 * 480);
	assert_int_equal(code128_encode(text, strlen(text), &c, NULL),
	    CODE128_OK);
	nb = code128_bars(&c, bars, sizeof(bars));
	x0 = (640 - (int)nb * 2) / 2;
	for (int y = 200; y < 280; y++)
		for (size_t i = 0; i < nb; i++)
			if (bars[i])
				memset(px + (size_t)y * 640 + (size_t)x0 +
				        2 * i,
				    0, 2);
	return px;
}

/* The loop does not run while 20 labels pass the camera: the queue keeps
 * CAMSCAN_QUEUE_MAX, the rest are dropped and counted, nothing blocks. */
static void
queue_is_bounded(void **state)
{
	uv_loop_t loop;
	struct scan_source src = { .loop_thread = pthread_self() };
	struct scanner_conf c = conf();
	void *shell;

	(void)state;
	c.uncertainty = 1;
	uv_loop_init(&loop);
	shell = camera_shell_ops.open(&loop, NULL, &c, &src);
	assert_non_null(shell);
	for (int i = 0; i < 20; i++) {
		char text[32];
		unsigned char *px;

		snprintf(text, sizeof(text), "RR%09dVN", 100000000 + i);
		px = label_frame(text);
		for (int k = 0; k < 4; k++)
			camscan_feed_frame(shell, px, 640, 480);
		free(px);
	}
	spin(&loop, 50);
	assert_int_equal(src.submits, CAMSCAN_QUEUE_MAX);
	assert_true(src.dropped >= 1);
	assert_string_equal(src.data, "RR100000015VN"); /* the 16th */
	finish(&loop, shell);
}

static void
bad_config_refused(void **state)
{
	uv_loop_t loop;
	struct scan_source src = { .loop_thread = pthread_self() };
	struct scanner_conf c = conf();

	(void)state;
	uv_loop_init(&loop);
	c.symbologies = 1u << SCAN_SYM_OTHER; /* nothing ZBar reads */
	assert_null(camera_shell_ops.open(&loop, NULL, &c, &src));
	c = conf();
	c.device[0] = '\0';
	assert_null(camera_shell_ops.open(&loop, NULL, &c, &src));
	assert_int_equal(uv_loop_close(&loop), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_device_waits),
		cmocka_unit_test(hotplug_kicks_retry),
		cmocka_unit_test(frames_reach_the_loop_once),
		cmocka_unit_test(symbologies_and_inverted),
		cmocka_unit_test(queue_is_bounded),
		cmocka_unit_test(bad_config_refused),
	};

	HARNESS_RUN(tests);
}
