/* camscan.c: a camera as a scan source. The worker thread owns everything
 * ZBar (the video device, its decoder); the loop owns the scan_source.
 * Between them: a mutex-guarded ring of at most CAMSCAN_QUEUE_MAX symbols,
 * the latest state, a drop counter and a uv_async_t that wakes the loop.
 * uv_async_send coalesces, so the loop drains everything on each wake.
 *
 * The thread: open the device (a failure is "waiting"; try again after
 * CAMSCAN_RETRY_MS, woken early by close), then read frames until a read
 * fails (back to "waiting") or close asks it to stop. Frames are converted
 * to grey and decoded by zdecode with ZBar's cache on, so a symbol must be
 * seen in `uncertainty` frames and is reported once while it stays in
 * view. Frames alternate between a plain scan (plus the inverted retry
 * when configured) and a scan of the locally binarised frame. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uv.h>
#include <zbar.h>

#include "scanner/camscan.h"
#include "lib/clock.h"
#include "scanner/hotplug.h"
#include "lib/log.h"
#include "scanner/zdecode.h"

#define STOP_WAIT_MS   3000 /* close(): how long to wait for the thread */
#define FRAME_POLL_MS  250  /* one slice of waiting for a frame */
#define FRAME_STALL_MS 3000 /* no frame for this long: reopen the camera */
#define STATE_MAX      16
#define DETAIL_MAX     (SCAN_DEVICE_MAX + 64)

struct camitem {
	enum scan_symbology sym;
	unsigned char data[SCAN_DATA_MAX];
	size_t len;
	bool truncated;
	int64_t mono_ms, wall_ms;
};

struct camscan {
	uv_loop_t *loop;
	struct scan_source *src; /* the hub's; loop thread only */
	struct scanner_conf conf;
	uv_async_t async;
	pthread_t thread;
	bool started;
	struct hotplug *hp;     /* borrowed; NULL: retries only */
	struct zdecode *feed_z; /* camscan_feed_frame's own decoder */
	unsigned feed_frame_no;

	pthread_mutex_t mu; /* guards everything below */
	pthread_cond_t cv;  /* close() wakes the retry wait */
	bool stop;
	bool kick; /* a video device appeared: retry now */
	struct camitem q[CAMSCAN_QUEUE_MAX];
	size_t head, count;
	unsigned dropped;
	bool state_new; /* state/detail changed since the loop looked */
	char state[STATE_MAX];
	char detail[DETAIL_MAX];
	unsigned io_errors;
};

/* ---- worker side ------------------------------------------------------ */

/* Called with mu held; releases it. After close() the handle may be gone:
 * no wake then. */
static void
wake(struct camscan *c)
{
	bool stop = c->stop;

	pthread_mutex_unlock(&c->mu);
	if (!stop)
		uv_async_send(&c->async);
}

static void
post_state(struct camscan *c, const char *state, const char *detail)
{
	pthread_mutex_lock(&c->mu);
	if (strcmp(c->state, state) != 0 || strcmp(c->detail, detail) != 0) {
		snprintf(c->state, sizeof(c->state), "%s", state);
		snprintf(c->detail, sizeof(c->detail), "%s", detail);
		c->state_new = true;
	}
	wake(c);
}

static void
post_io_error(struct camscan *c)
{
	pthread_mutex_lock(&c->mu);
	c->io_errors++;
	wake(c);
}

/* Decodes one grey frame and queues its symbols; a full queue drops the
 * new symbol and counts it (the loop is far behind: a repeat of an old
 * scan would not help the clerk either). */
static void
handle_frame(struct camscan *c, struct zdecode *z, unsigned *frame_no,
    const unsigned char *grey, int w, int h)
{
	struct zdecode_symbol syms[4];
	size_t n;
	int64_t mono, wall;

	/* Plain and locally binarised frames in turn: each frame costs one
	 * scan, and within two frames both have looked (docs/benchmarks.md:
	 * 30 of 32 corpus codes at 640x480 instead of 24, at about 5 ms a
	 * frame). ZBar's cache counts sightings across both kinds. */
	if ((*frame_no)++ % 2 == 0)
		zdecode_set_steps(z,
		    ZDECODE_PLAIN | (c->conf.inverted ? ZDECODE_INVERT : 0));
	else
		zdecode_set_steps(z, ZDECODE_BINARISE);
	n = zdecode_run(z, grey, w, h, syms, 4);
	mono = (int64_t)clock_mono_ms();
	wall = clock_wall_ms();

	if (n == 0)
		return;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < n; i++) {
		struct camitem *it;

		if (c->count == CAMSCAN_QUEUE_MAX) {
			c->dropped++;
			continue;
		}
		it = &c->q[(c->head + c->count++) % CAMSCAN_QUEUE_MAX];
		it->sym = syms[i].sym;
		/* the scan paths keep their own bound (a kiosk needs no
		 * more); a longer symbol is cut here, flagged and counted
		 * "overlong", never passed on as if whole */
		it->truncated = syms[i].len > SCAN_DATA_MAX;
		it->len = it->truncated ? SCAN_DATA_MAX : syms[i].len;
		memcpy(it->data, syms[i].data, it->len);
		it->mono_ms = mono;
		it->wall_ms = wall;
	}
	wake(c);
}

static struct zdecode *
new_decoder(const struct scanner_conf *conf)
{
	struct zdecode_opts o = {
		.symbologies = conf->symbologies,
		.steps = ZDECODE_PLAIN | (conf->inverted ? ZDECODE_INVERT : 0),
		.uncertainty = conf->uncertainty,
		.video = true,
		.cache = true,
	};

	return zdecode_new(&o);
}

/* Waits up to ms unless close() asks to stop or a video device appears;
 * returns true to stop. */
static bool
wait_or_stop(struct camscan *c, int ms)
{
	struct timespec until;
	bool stop;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&c->mu);
	while (!c->stop && !c->kick &&
	    pthread_cond_timedwait(&c->cv, &c->mu, &until) != ETIMEDOUT)
		;
	c->kick = false;
	stop = c->stop;
	pthread_mutex_unlock(&c->mu);
	return stop;
}

static bool
stopping(struct camscan *c)
{
	bool s;

	pthread_mutex_lock(&c->mu);
	s = c->stop;
	pthread_mutex_unlock(&c->mu);
	return s;
}

/* Reads frames from an open, enabled device until a read fails or close()
 * asks to stop. */
static void
read_frames(struct camscan *c, zbar_video_t *v, struct zdecode *z)
{
	const unsigned long y800 = zbar_fourcc('Y', '8', '0', '0');
	unsigned frame_no = 0;

	int fd = zbar_video_get_fd(v), idle_ms = 0;

	while (!stopping(c)) {
		zbar_image_t *img, *grey;

		/* wait for a frame in slices, so that close() is seen and a
		 * camera that stops sending is noticed (V4L2 gives a pollable
		 * descriptor; without one, next_image blocks) */
		if (fd >= 0) {
			struct pollfd p = { .fd = fd, .events = POLLIN };
			int r = poll(&p, 1, FRAME_POLL_MS);

			if (r < 0 && errno == EINTR)
				continue;
			if (r == 0) {
				idle_ms += FRAME_POLL_MS;
				if (idle_ms < FRAME_STALL_MS)
					continue;
				post_io_error(c);
				post_state(c, "waiting",
				    "camera sends no frames");
				return;
			}
			idle_ms = 0;
		}
		img = zbar_video_next_image(v);
		if (img == NULL) {
			post_io_error(c);
			post_state(c, "waiting", "camera read failed");
			return;
		}
		grey = zbar_image_convert(img, y800);
		zbar_image_destroy(img);
		if (grey == NULL)
			continue;
		handle_frame(c, z, &frame_no, zbar_image_get_data(grey),
		    (int)zbar_image_get_width(grey),
		    (int)zbar_image_get_height(grey));
		zbar_image_destroy(grey);
	}
}

static void *
worker(void *arg)
{
	struct camscan *c = arg;
	struct zdecode *z = new_decoder(&c->conf);

	if (z == NULL) {
		post_state(c, "error", "out of memory");
		return NULL;
	}
	while (!stopping(c)) {
		zbar_video_t *v = zbar_video_create();

		/* a missing device fails at open() at once: no blocking */
		/* ZBar picks the closest size the camera has: the decoder is
		 * measured at 640x480 (docs/benchmarks.md) */
		if (v != NULL)
			zbar_video_request_size(v, CAMSCAN_WIDTH,
			    CAMSCAN_HEIGHT);
		if (v == NULL || zbar_video_open(v, c->conf.device) < 0 ||
		    zbar_negotiate_format(v, NULL) < 0 ||
		    zbar_video_enable(v, 1) < 0) {
			char why[DETAIL_MAX];

			snprintf(why, sizeof(why), "%s: cannot open",
			    c->conf.device);
			post_state(c, "waiting", why);
			if (v != NULL)
				zbar_video_destroy(v);
			if (wait_or_stop(c, CAMSCAN_RETRY_MS))
				break;
			continue;
		}
		post_state(c, "open", c->conf.device);
		read_frames(c, v, z);
		zbar_video_enable(v, 0);
		zbar_video_destroy(v);
		if (wait_or_stop(c, CAMSCAN_RETRY_MS))
			break;
	}
	zdecode_free(z);
	return NULL;
}

/* ---- loop side --------------------------------------------------------- */

static void
on_async(uv_async_t *a)
{
	struct camscan *c = a->data;

	for (;;) {
		struct camitem it;
		char state[STATE_MAX], detail[DETAIL_MAX];
		bool have_item = false, have_state = false;
		unsigned dropped, io;

		pthread_mutex_lock(&c->mu);
		if (c->count > 0) {
			it = c->q[c->head];
			c->head = (c->head + 1) % CAMSCAN_QUEUE_MAX;
			c->count--;
			have_item = true;
		}
		if (c->state_new) {
			memcpy(state, c->state, sizeof(state));
			memcpy(detail, c->detail, sizeof(detail));
			c->state_new = false;
			have_state = true;
		}
		dropped = c->dropped;
		io = c->io_errors;
		c->dropped = c->io_errors = 0;
		pthread_mutex_unlock(&c->mu);

		if (have_state)
			scan_source_state(c->src, state, detail);
		if (dropped > 0)
			scan_source_error(c->src, "dropped",
			    "camera: the loop fell behind");
		if (io > 0)
			scan_source_error(c->src, "io", "camera: read failed");
		if (have_item) {
			struct scan_event ev = {
				.source = c->conf.name,
				.sym = it.sym,
				.data = it.data,
				.len = it.len,
				.truncated = it.truncated,
				.mono_ms = it.mono_ms,
				.wall_ms = it.wall_ms,
			};

			if (it.truncated)
				scan_source_error(c->src, "overlong",
				    "camera: symbol cut");
			scan_source_submit(c->src, &ev);
		}
		if (!have_item && !have_state)
			return;
	}
}

/* Loop thread: udev says a video device came. It may be ours under
 * another name (a by-id link), so any "add" ends the retry wait. */
static void
on_hotplug(void *arg, const struct hotplug_dev *dev)
{
	struct camscan *c = arg;

	if (strcmp(dev->action, "add") != 0)
		return; /* a removal shows as a failed read */
	pthread_mutex_lock(&c->mu);
	c->kick = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

static void
on_closed(uv_handle_t *h)
{
	struct camscan *c = h->data;

	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	zdecode_free(c->feed_z);
	free(c);
}

static void *
cam_open(struct uv_loop_s *loop, struct hotplug *hp,
    const struct scanner_conf *conf, struct scan_source *src)
{
	struct camscan *c;
	pthread_condattr_t ca;
	struct zdecode *probe;

	if (conf->kind != SCAN_CAMERA || conf->device[0] == '\0') {
		log_warnx("scanner %s: a camera needs a device", conf->name);
		return NULL;
	}
	/* a bad symbology set is a config error: say so now, not in the
	 * thread */
	if ((probe = new_decoder(conf)) == NULL) {
		log_warnx(
		    "scanner %s: symbologies: none that the decoder reads",
		    conf->name);
		return NULL;
	}
	zdecode_free(probe);
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warnx("scanner %s: out of memory", conf->name);
		return NULL;
	}
	c->loop = loop;
	c->src = src;
	c->conf = *conf;
	pthread_mutex_init(&c->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &ca);
	pthread_condattr_destroy(&ca);
	c->async.data = c;
	if (uv_async_init(loop, &c->async, on_async) != 0) {
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		free(c);
		log_warnx("scanner %s: cannot create the async handle",
		    conf->name);
		return NULL;
	}
	scan_source_state(src, "waiting", conf->device);
	if (pthread_create(&c->thread, NULL, worker, c) != 0) {
		log_warnx("scanner %s: cannot start the camera thread",
		    conf->name);
		uv_close((uv_handle_t *)&c->async, on_closed);
		return NULL;
	}
	c->started = true;
	/* without it (or without udev) the 1 s retry still finds the camera */
	if (hp != NULL &&
	    hotplug_subscribe(hp, "video4linux", on_hotplug, c) == 0)
		c->hp = hp;
	return c;
}

static void
cam_close(void *shell)
{
	struct camscan *c = shell;
	struct timespec until;

	if (c == NULL)
		return;
	if (c->hp != NULL)
		hotplug_unsubscribe(c->hp, on_hotplug, c);
	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	if (c->started) {
		/* a stalled driver can keep the thread in next_image: wait a
		 * bounded time, then leave it (and its memory) behind */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += STOP_WAIT_MS / 1000;
		if (pthread_timedjoin_np(c->thread, NULL, &until) != 0) {
			log_warnx("scanner %s: the camera thread did not stop "
			          "in %d ms; left behind",
			    c->conf.name, STOP_WAIT_MS);
			pthread_detach(c->thread);
			uv_unref((uv_handle_t *)&c->async);
			return;
		}
	}
	uv_close((uv_handle_t *)&c->async, on_closed);
}

void
camscan_feed_frame(void *shell, const unsigned char *grey, int w, int h)
{
	struct camscan *c = shell;

	if (c->feed_z == NULL && (c->feed_z = new_decoder(&c->conf)) == NULL)
		return;
	handle_frame(c, c->feed_z, &c->feed_frame_no, grey, w, h);
}

const struct scan_shell_ops camera_shell_ops = {
	.open = cam_open,
	.close = cam_close,
};
