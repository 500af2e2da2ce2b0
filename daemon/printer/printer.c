/* printer.c: see printer.h. The data (profiles, templates, fonts) is
 * loaded whole into a struct pdata and swapped on reload; the shell is a
 * small state machine on one uv_poll and one uv_timer:
 *
 *   CLOSED --open--> IDLE --job or poll--> STATUS --ok--> SEND --> STATUS
 *      ^                ^                    |                       |
 *      +--- EIO, hang-up, stall -------------+-----------------------+
 *
 * Only this file touches the device. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/calendar.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "printer/printdata.h"
#include "printer/printer.h"
#include "lib/serialdev.h"

#define PROFILES_MAX       64
#define IDLE_POLL_MS       5000  /* status poll while idle */
#define RETRY_MIN_MS       500   /* a job waiting for the printer */
#define RETRY_MAX_MS       10000 /* backoff cap: jobs and reopening */
#define READ_CHUNK         64
#define MANIFEST_ITEMS_MAX 200
#define ERR_MAX            256

/* ---- the data: profiles, templates, fonts ---------------------------- */

struct pdata {
	struct pprofile *profiles; /* owned */
	size_t nprofiles;
	struct ptemplate *tpl[PRINTDOC_KINDS]; /* owned */
	struct escpos *fonts;                  /* owned */
};

static void
pdata_free(struct pdata *d)
{
	if (d == NULL)
		return;
	free(d->profiles);
	for (int k = 0; k < PRINTDOC_KINDS; k++)
		ptemplate_free(d->tpl[k]);
	escpos_free(d->fonts);
	free(d);
}

static void
append(char **all, const char *more)
{
	size_t a = *all ? strlen(*all) : 0, b = strlen(more);
	char *p = realloc(*all, a + b + 1);

	if (p == NULL)
		return;
	memcpy(p + a, more, b + 1);
	*all = p;
}

static int
cmp_profile(const void *a, const void *b)
{
	return strcmp(((const struct pprofile *)a)->name,
	    ((const struct pprofile *)b)->name);
}

/* Every *.profile in dir/profiles, every template, the fonts. */
static struct pdata *
pdata_load(const struct config *cfg, char **errors)
{
	struct pdata *d = calloc(1, sizeof *d);
	char path[1024], *e = NULL, msg[ERR_MAX];
	struct dirent *de;
	DIR *dir;

	*errors = NULL;
	if (d == NULL ||
	    (d->profiles = calloc(PROFILES_MAX, sizeof *d->profiles)) == NULL) {
		append(errors, "printer: out of memory\n");
		pdata_free(d);
		return NULL;
	}
	snprintf(path, sizeof path, "%s/profiles", cfg->printer_data_dir);
	if ((dir = opendir(path)) == NULL) {
		snprintf(msg, sizeof msg, "%.160s: cannot be read: %s\n", path,
		    strerror(errno));
		append(errors, msg);
	}
	while (dir != NULL && (de = readdir(dir)) != NULL) {
		size_t n = strlen(de->d_name);
		struct pprofile *p = &d->profiles[d->nprofiles];

		if (n < 9 || strcmp(de->d_name + n - 8, ".profile") != 0)
			continue;
		if (d->nprofiles == PROFILES_MAX) {
			append(errors, "printer: more than 64 profiles\n");
			break;
		}
		snprintf(path, sizeof path, "%s/profiles/%s",
		    cfg->printer_data_dir, de->d_name);
		if (pprofile_load(path, p, &e) != 0) {
			append(errors, e);
			free(e);
			continue;
		}
		if (strlen(p->name) != n - 8 ||
		    strncmp(p->name, de->d_name, n - 8) != 0) {
			snprintf(msg, sizeof msg,
			    "%.160s: name: '%s' is not the file's name\n", path,
			    p->name);
			append(errors, msg);
			continue;
		}
		d->nprofiles++;
	}
	if (dir != NULL)
		closedir(dir);
	qsort(d->profiles, d->nprofiles, sizeof *d->profiles, cmp_profile);
	for (int k = 0; k < PRINTDOC_KINDS; k++) {
		snprintf(path, sizeof path, "%s/templates/%s.tpl",
		    cfg->printer_data_dir,
		    printdoc_kind_name((enum printdoc_kind)k));
		d->tpl[k] =
		    ptemplate_load(path, printdoc_fields((enum printdoc_kind)k),
		        printdoc_lists((enum printdoc_kind)k), &e);
		if (d->tpl[k] == NULL) {
			append(errors, e);
			free(e);
		}
	}
	if ((d->fonts = escpos_new((const char *const *)cfg->printer_font, msg,
	         sizeof msg)) == NULL) {
		append(errors, msg);
		append(errors, "\n");
	}
	if (*errors == NULL) {
		bool found = false;

		for (size_t i = 0; i < d->nprofiles; i++)
			found |= strcmp(d->profiles[i].name,
			             cfg->printer_profile) == 0;
		if (!found) {
			snprintf(msg, sizeof msg,
			    "printer.profile: no profile '%s' in %s/profiles\n",
			    cfg->printer_profile, cfg->printer_data_dir);
			append(errors, msg);
		}
	}
	if (*errors != NULL) {
		pdata_free(d);
		return NULL;
	}
	return d;
}

static const struct pprofile *
find_profile(const struct pdata *d, const char *name)
{
	for (size_t i = 0; i < d->nprofiles; i++)
		if (strcmp(d->profiles[i].name, name) == 0)
			return &d->profiles[i];
	return NULL;
}

/* ---- device backends ------------------------------------------------- */

struct plink { /* copied from the config at start: restart-only */
	char backend[16];
	char device[512];
	struct serial_settings line; /* line.device is device above */
};

struct pdev {
	const struct pdev_ops *ops;
	int fd;
	struct serialdev line; /* serial and tty */
};

struct pdev_ops {
	const char *name;
	bool pollable; /* false: writes are synchronous, no status */
	int (*open)(struct pdev *, const struct plink *, char *err);
	ssize_t (*write)(struct pdev *, const void *, size_t);
	ssize_t (*read)(struct pdev *, void *, size_t);
	void (*close)(struct pdev *);
};

/* serial (libserialport) and tty (termios): serialdev.c, the backend
 * named by printer.backend */
static int
line_open(struct pdev *d, const struct plink *l, char *err)
{
	int rc = serialdev_open(&d->line,
	    serialdev_backend(l->backend, l->device), &l->line, err, ERR_MAX);

	d->fd = d->line.fd;
	return rc;
}

static ssize_t
line_write(struct pdev *d, const void *b, size_t n)
{
	return d->line.ops->write(&d->line, b, n);
}

static ssize_t
line_read(struct pdev *d, void *b, size_t n)
{
	return d->line.ops->read(&d->line, b, n);
}

static void
line_close(struct pdev *d)
{
	serialdev_close(&d->line);
	d->fd = -1;
}

static ssize_t
fd_write(struct pdev *d, const void *b, size_t n)
{
	return write(d->fd, b, n);
}

static ssize_t
fd_read(struct pdev *d, void *b, size_t n)
{
	return read(d->fd, b, n);
}

static void
fd_close(struct pdev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static int
file_open(struct pdev *d, const struct plink *l, char *err)
{
	d->fd =
	    open(l->device, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (d->fd < 0) {
		snprintf(err, ERR_MAX, "%.160s: %s", l->device,
		    strerror(errno));
		return -1;
	}
	return 0;
}

static const struct pdev_ops backends[] = {
	{ "serial", true, line_open, line_write, line_read, line_close },
	{ "tty", true, line_open, line_write, line_read, line_close },
	{ "file", false, file_open, fd_write, fd_read, fd_close },
};

/* ---- the shell ------------------------------------------------------- */

enum shell { SH_OFF, SH_CLOSED, SH_IDLE, SH_STATUS, SH_SEND };
enum why { WHY_POLL, WHY_BEFORE, WHY_AFTER };

struct conn { /* one open device and its poll handle; freed on close */
	uv_poll_t poll;
	struct pdev dev;
	struct printer *p; /* NULL once the printer let go of it */
};

struct printer {
	uv_loop_t *loop;
	struct store *store;
	const struct config *cfg;            /* borrowed; replaced on reload */
	struct pdata *data;                  /* owned */
	char profile[PPROFILE_NAME_MAX + 1]; /* in data; kept on a bad reload */
	struct plink link;
	const struct pdev_ops *ops;
	struct conn *conn; /* NULL while closed */
	uv_timer_t timer;
	enum shell sh;
	enum escstat state;
	int64_t checked_at;
	char last_error[ERR_MAX];
	unsigned backoff_ms;
	/* the status round */
	enum why why;
	int q; /* 0 printer, 1 cause, 2 paper: the query awaited */
	struct escstat_replies rep;
	/* the job being sent */
	struct store_print_job job;
	struct buf out;
	size_t sent;
	/* counters for /metrics */
	uint64_t printed, failed, reprints, garbage, bytes_sent, lost;
	bool garbage_logged;
};

static void arm(struct printer *, unsigned ms);
static void next_job(struct printer *);
static void poll_events(struct printer *);

static void
set_error(struct printer *p, const char *msg)
{
	if (strcmp(p->last_error, msg) != 0)
		log_warnx("printer: %s", msg);
	snprintf(p->last_error, sizeof p->last_error, "%s", msg);
}

static void
on_conn_closed(uv_handle_t *h)
{
	struct conn *c = h->data;

	c->dev.ops->close(&c->dev);
	free(c);
}

static void
dev_close(struct printer *p)
{
	struct conn *c = p->conn;

	if (c == NULL)
		return;
	p->conn = NULL;
	c->p = NULL;
	if (c->dev.ops->pollable)
		uv_close((uv_handle_t *)&c->poll, on_conn_closed);
	else
		on_conn_closed((uv_handle_t *)&c->poll);
}

/* The job being sent could not finish: it goes back to the queue, to be
 * printed whole again, marked as a reprint. */
static void
job_interrupted(struct printer *p, const char *why)
{
	if (p->sh != SH_SEND && !(p->sh == SH_STATUS && p->why == WHY_AFTER))
		return;
	store_print_update(p->store, p->job.id, "queued", 1, false,
	    escstat_name(p->state), (int64_t)p->sent, why);
	log_warnx("print job %lld (%s): %s; it will be reprinted whole",
	    (long long)p->job.id, p->job.kind, why);
	p->reprints++;
	buf_cleanup(&p->out);
}

/* Records the printer's state and logs each change once: out of paper,
 * cover open, offline or unplugged is a warning staff must act on; the
 * way back is an info line. Repeats of one state log nothing. */
static void
set_state(struct printer *p, enum escstat s)
{
	if (s != p->state) {
		if (escstat_printable(s))
			log_info("printer: %s (was %s)", escstat_name(s),
			    escstat_name(p->state));
		else if (s != ESCSTAT_UNKNOWN || escstat_printable(p->state))
			log_warnx("printer: %s (was %s): jobs wait until it "
			          "is ready",
			    escstat_name(s), escstat_name(p->state));
	}
	p->state = s;
	p->checked_at = clock_wall_s();
}

static void
lost(struct printer *p, const char *why)
{
	char msg[ERR_MAX];

	snprintf(msg, sizeof msg, "%.160s: %.80s", p->link.device, why);
	job_interrupted(p, "the printer was lost mid-job");
	dev_close(p);
	p->lost++;
	set_state(p, ESCSTAT_DISCONNECTED);
	set_error(p, msg);
	p->sh = SH_CLOSED;
	arm(p, p->backoff_ms);
	p->backoff_ms =
	    p->backoff_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : p->backoff_ms * 2;
}

static const struct pp_cmd *
query_cmd(const struct printer *p, int q)
{
	const struct pprofile *pr = find_profile(p->data, p->profile);

	return q == 0 ? &pr->status_printer
	    : q == 1  ? &pr->status_cause
	              : &pr->status_paper;
}

static void round_done(struct printer *p);

/* Sends query q (skipping those the profile lacks) and waits for its
 * byte until the deadline. */
static void
ask(struct printer *p, int q)
{
	const struct pp_cmd *c;
	uint8_t junk[READ_CHUNK];

	while (q <= 2 && query_cmd(p, q)->len == 0)
		q++;
	if (q > 2) {
		round_done(p);
		return;
	}
	c = query_cmd(p, q);
	/* stale bytes (a late reply, XON/XOFF) are not this reply */
	while (p->conn->dev.ops->read(&p->conn->dev, junk, sizeof junk) > 0)
		;
	p->q = q;
	if (p->conn->dev.ops->write(&p->conn->dev, c->b, c->len) !=
	    (ssize_t)c->len) {
		if (errno == EAGAIN) /* the output is full: no answer now */
			round_done(p);
		else
			lost(p, strerror(errno));
		return;
	}
	arm(p, (unsigned)p->cfg->printer_status_timeout_ms);
}

static void
start_round(struct printer *p, enum why why)
{
	const struct pprofile *pr = find_profile(p->data, p->profile);

	p->why = why;
	memset(&p->rep, 0, sizeof p->rep);
	if (!p->ops->pollable || pr->status_printer.len == 0) {
		/* a file, or a printer without status commands: assumed
		 * ready (docs/printing.md) */
		p->rep.has_printer = p->rep.has_paper = true;
		p->rep.printer = p->rep.paper = 0x12;
		p->sh = SH_STATUS;
		round_done(p);
		return;
	}
	p->sh = SH_STATUS;
	poll_events(p);
	ask(p, 0);
}

static void
on_reply(struct printer *p, uint8_t b)
{
	uv_timer_stop(&p->timer);
	if (p->q == 0) {
		p->rep.has_printer = true;
		p->rep.printer = b;
		ask(p, escstat_needs_cause(b) ? 1 : 2);
	} else if (p->q == 1) {
		p->rep.has_cause = true;
		p->rep.cause = b;
		ask(p, 2);
	} else {
		p->rep.has_paper = true;
		p->rep.paper = b;
		round_done(p);
	}
}

static void
send_job(struct printer *p)
{
	char err[ERR_MAX];
	bool notfound = false;
	enum printdoc_kind k =
	    (enum printdoc_kind)printdoc_kind_from_name(p->job.kind);

	buf_cleanup(&p->out);
	buf_init(&p->out, ESCPOS_JOB_MAX);
	if (printer_render(p, k, p->job.ref, NULL, p->job.reprint, &p->out,
	        NULL, &notfound, err, sizeof err) != 0) {
		/* the data is wrong, not the printer: retrying cannot help */
		store_print_update(p->store, p->job.id, "failed", -1, true,
		    escstat_name(p->state), 0, err);
		log_warnx("print job %lld (%s): %s", (long long)p->job.id,
		    p->job.kind, err);
		p->failed++;
		buf_cleanup(&p->out);
		arm(p, 0); /* the next job from the loop, not recursion */
		return;
	}
	store_print_update(p->store, p->job.id, "printing", -1, true,
	    escstat_name(p->state), (int64_t)buf_len(&p->out), "sending");
	p->sent = 0;
	p->sh = SH_SEND;
	if (!p->ops->pollable) {
		while (p->sent < buf_len(&p->out)) {
			ssize_t n = p->ops->write(&p->conn->dev,
			    buf_uptr(&p->out) + p->sent,
			    buf_len(&p->out) - p->sent);

			if (n <= 0) {
				lost(p, strerror(errno));
				return;
			}
			p->sent += (size_t)n;
		}
		p->bytes_sent += p->sent;
		start_round(p, WHY_AFTER);
		return;
	}
	poll_events(p);
	arm(p, (unsigned)p->cfg->printer_write_timeout_ms);
}

static void
round_done(struct printer *p)
{
	bool garbage = false;
	char msg[ERR_MAX];

	uv_timer_stop(&p->timer);
	set_state(p, escstat_eval(&p->rep, &garbage));
	if (garbage) {
		p->garbage++;
		if (!p->garbage_logged)
			log_warnx("printer: status reply %02x (printer) %02x "
			          "(paper) is not a status byte: state unknown "
			          "(check the link settings)",
			    p->rep.printer, p->rep.paper);
		p->garbage_logged = true;
	} else {
		p->garbage_logged = false;
	}
	p->sh = SH_IDLE;
	poll_events(p);
	switch (p->why) {
	case WHY_POLL:
		next_job(p);
		return;
	case WHY_BEFORE:
		if (escstat_printable(p->state)) {
			send_job(p);
			return;
		}
		snprintf(msg, sizeof msg, "waiting: printer %s",
		    escstat_name(p->state));
		store_print_update(p->store, p->job.id, "queued", -1, false,
		    escstat_name(p->state), 0, msg);
		arm(p, p->backoff_ms);
		p->backoff_ms = p->backoff_ms * 2 > RETRY_MAX_MS
		    ? RETRY_MAX_MS
		    : p->backoff_ms * 2;
		return;
	case WHY_AFTER:
		if (escstat_printable(p->state) ||
		    p->state == ESCSTAT_UNKNOWN) {
			/* an unknown state after a job that was fully
			 * written counts as printed, but says so */
			snprintf(msg, sizeof msg, "printed; printer %s after",
			    escstat_name(p->state));
			store_print_update(p->store, p->job.id, "done", -1,
			    false, escstat_name(p->state), (int64_t)p->sent,
			    msg);
			log_info("print job %lld (%s %s): %s, %zu bytes",
			    (long long)p->job.id, p->job.kind, p->job.ref, msg,
			    p->sent);
			p->printed++;
			buf_cleanup(&p->out);
		} else {
			snprintf(msg, sizeof msg,
			    "printer %s right after the job",
			    escstat_name(p->state));
			p->sh = SH_STATUS; /* for job_interrupted */
			job_interrupted(p, msg);
			p->sh = SH_IDLE;
		}
		p->backoff_ms = RETRY_MIN_MS;
		/* the next job from the loop: with the file backend a
		 * queue of jobs would otherwise recurse job after job */
		arm(p, 0);
		return;
	}
}

/* Starts the oldest job, or waits. */
static void
next_job(struct printer *p)
{
	enum store_rc rc;

	if (p->sh != SH_IDLE)
		return;
	rc = store_print_next(p->store, &p->job);
	if (rc == STORE_OK) {
		start_round(p, WHY_BEFORE);
		return;
	}
	if (rc == STORE_ERROR)
		set_error(p, "the print queue cannot be read");
	arm(p, IDLE_POLL_MS);
}

static void
try_open(struct printer *p)
{
	struct conn *c = calloc(1, sizeof *c);
	char err[ERR_MAX];

	if (c == NULL) {
		arm(p, RETRY_MAX_MS);
		return;
	}
	c->dev.ops = p->ops;
	c->dev.fd = -1;
	c->p = p;
	if (p->ops->open(&c->dev, &p->link, err) != 0) {
		free(c);
		set_state(p, ESCSTAT_DISCONNECTED);
		set_error(p, err);
		arm(p, p->backoff_ms);
		p->backoff_ms = p->backoff_ms * 2 > RETRY_MAX_MS
		    ? RETRY_MAX_MS
		    : p->backoff_ms * 2;
		return;
	}
	if (p->ops->pollable &&
	    uv_poll_init(p->loop, &c->poll, c->dev.fd) != 0) {
		c->dev.ops->close(&c->dev);
		free(c);
		set_error(p, "the device cannot be watched");
		arm(p, RETRY_MAX_MS);
		return;
	}
	c->poll.data = c;
	p->conn = c;
	p->last_error[0] = '\0';
	log_info("printer: %s open (%s, %d baud, profile %s)", p->link.device,
	    p->link.backend, p->link.line.line.baud, p->profile);
	p->backoff_ms = RETRY_MIN_MS;
	p->sh = SH_IDLE;
	start_round(p, WHY_POLL);
}

static void
on_timer(uv_timer_t *t)
{
	struct printer *p = t->data;

	switch (p->sh) {
	case SH_OFF:
		return;
	case SH_CLOSED:
		try_open(p);
		return;
	case SH_IDLE:
		if (p->why == WHY_BEFORE || store_print_pending(p->store) > 0)
			next_job(p);
		else
			start_round(p, WHY_POLL);
		return;
	case SH_STATUS:
		/* no reply by the deadline: what we have decides (unknown
		 * when the printer did not answer) */
		round_done(p);
		return;
	case SH_SEND:
		lost(p, "a write made no progress before the deadline");
		return;
	}
}

static void
on_poll(uv_poll_t *h, int status, int events)
{
	struct conn *c = h->data;
	struct printer *p = c->p;
	uint8_t buf[READ_CHUNK];
	ssize_t n;

	if (p == NULL)
		return;
	if (status < 0) {
		/* libuv reports POLLERR as UV_EBADF: on a tty that is the
		 * other end going away, i.e. the cable pulled */
		lost(p,
		    status == UV_EBADF ? "the device went away (unplugged?)"
		                       : uv_strerror(status));
		return;
	}
	if (events & (UV_READABLE | UV_DISCONNECT)) {
		n = c->dev.ops->read(&c->dev, buf, sizeof buf);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			lost(p, n == 0 ? "hang-up" : strerror(errno));
			return;
		}
		if (n > 0 && p->sh == SH_STATUS) {
			on_reply(p, buf[0]);
			return;
		}
	}
	if ((events & UV_WRITABLE) && p->sh == SH_SEND) {
		n = c->dev.ops->write(&c->dev, buf_uptr(&p->out) + p->sent,
		    buf_len(&p->out) - p->sent);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			lost(p, strerror(errno));
			return;
		}
		if (n > 0) {
			p->sent += (size_t)n;
			p->bytes_sent += (size_t)n;
			arm(p, (unsigned)p->cfg->printer_write_timeout_ms);
		}
		if (p->sent == buf_len(&p->out)) {
			uv_timer_stop(&p->timer);
			start_round(p, WHY_AFTER);
		}
	}
}

static void
poll_events(struct printer *p)
{
	int ev = UV_READABLE | UV_DISCONNECT;

	if (p->conn == NULL || !p->ops->pollable)
		return;
	if (p->sh == SH_SEND)
		ev |= UV_WRITABLE;
	uv_poll_start(&p->conn->poll, ev, on_poll);
}

static void
arm(struct printer *p, unsigned ms)
{
	uv_timer_start(&p->timer, on_timer, ms, 0);
}

/* ---- public ---------------------------------------------------------- */

struct printer *
printer_new(uv_loop_t *loop, struct store *st, const struct config *cfg,
    char **errors)
{
	struct printer *p = calloc(1, sizeof *p);
	int n;

	*errors = NULL;
	if (p == NULL) {
		append(errors, "printer: out of memory\n");
		return NULL;
	}
	p->loop = loop;
	p->store = st;
	p->cfg = cfg;
	p->state = ESCSTAT_UNKNOWN;
	p->backoff_ms = RETRY_MIN_MS;
	if ((p->data = pdata_load(cfg, errors)) == NULL) {
		free(p);
		return NULL;
	}
	snprintf(p->profile, sizeof p->profile, "%s", cfg->printer_profile);
	snprintf(p->link.backend, sizeof p->link.backend, "%s",
	    cfg->printer_backend);
	snprintf(p->link.device, sizeof p->link.device, "%s",
	    cfg->printer_device);
	p->link.line = (struct serial_settings){
		.setting = "printer",
		.device = p->link.device,
		.line = cfg->printer_line,
		.write = true,
		.zero_is_eof = false, /* VMIN 0: ask() drains until 0 */
	};
	for (size_t i = 0; i < sizeof backends / sizeof *backends; i++)
		if (strcmp(backends[i].name, p->link.backend) == 0)
			p->ops = &backends[i];
	uv_timer_init(loop, &p->timer);
	p->timer.data = p;
	if (!cfg->printer_enabled || p->ops == NULL) {
		p->sh = SH_OFF;
		return p;
	}
	if ((n = store_print_recover(st)) > 0)
		log_warnx("printer: %d job(s) cut off by the last stop will "
		          "be reprinted whole",
		    n);
	p->sh = SH_CLOSED;
	arm(p, 0);
	return p;
}

int
printer_reload(struct printer *p, const struct config *cfg, char **errors)
{
	struct pdata *d = pdata_load(cfg, errors);

	p->cfg = cfg; /* the office strings and timeouts */
	if (d == NULL)
		return -1;
	/* a job being sent keeps its bytes; the next one uses the new
	 * data */
	pdata_free(p->data);
	p->data = d;
	snprintf(p->profile, sizeof p->profile, "%s", cfg->printer_profile);
	return 0;
}

static void
on_timer_closed(uv_handle_t *h)
{
	struct printer *p = h->data;

	pdata_free(p->data);
	buf_cleanup(&p->out);
	free(p);
}

void
printer_free(struct printer *p)
{
	if (p == NULL)
		return;
	dev_close(p);
	p->sh = SH_OFF;
	uv_close((uv_handle_t *)&p->timer, on_timer_closed);
}

void
printer_kick(struct printer *p)
{
	if (p->sh == SH_IDLE && p->why != WHY_BEFORE)
		next_job(p);
}

int
printer_queue_max(const struct printer *p)
{
	return p->cfg->printer_queue_max;
}

enum escstat
printer_state(const struct printer *p)
{
	return p->sh == SH_OFF ? ESCSTAT_UNKNOWN : p->state;
}

bool
printer_available(const struct printer *p)
{
	return p != NULL && p->sh != SH_OFF && escstat_printable(p->state);
}

int64_t
printer_queue_doc(struct printer *p, const char *kind, const char *ref,
    const char *actor)
{
	struct store_print_new n = { .kind = kind,
		.ref = ref,
		.actor = actor,
		.max_pending = printer_queue_max(p) };
	char err[STORE_ERR_MAX];
	int64_t id;
	enum store_rc rc = store_print_enqueue(p->store, &n, &id, err);

	if (rc != STORE_OK) {
		errno = rc == STORE_FULL ? ENOBUFS : EIO;
		return -1;
	}
	log_info("print job %lld queued: %s %s by %s", (long long)id, kind, ref,
	    actor);
	printer_kick(p);
	return id;
}

int
printer_queue_slip(struct printer *p, const char *code, const char *actor)
{
	return printer_queue_doc(p, "slip", code, actor) < 0 ? -1 : 0;
}

json_t *
printer_info(struct printer *p)
{
	char at[32] = "";
	const struct pprofile *pr = find_profile(p->data, p->profile);
	json_t *o;

	if (p->checked_at != 0)
		cal_format_iso(p->checked_at, at);
	o = json_pack("{s:b,s:s,s:b,s:s,s:s,s:i,s:s,s:s,s:s,s:I,s:s}",
	    "enabled", p->sh != SH_OFF, "state",
	    p->sh == SH_OFF ? "disabled" : escstat_name(p->state), "available",
	    p->sh != SH_OFF && escstat_printable(p->state), "backend",
	    p->link.backend, "device", p->link.device, "baud",
	    p->link.line.line.baud, "profile", pr ? pr->name : "", "text_path",
	    pr ? pprofile_text_name(pr->text) : "", "last_error", p->last_error,
	    "queued", (json_int_t)store_print_pending(p->store), "checked_at",
	    at);
	if (o != NULL)
		json_object_set_new(o, "jobs",
		    json_pack("{s:I,s:I,s:I}", "printed",
		        (json_int_t)p->printed, "failed", (json_int_t)p->failed,
		        "reprinted", (json_int_t)p->reprints));
	return o;
}

void
printer_metrics(struct printer *p, FILE *f)
{
	fprintf(f,
	    "# HELP motcua_printer_up 1 when the printer can print now.\n"
	    "# TYPE motcua_printer_up gauge\nmotcua_printer_up %d\n",
	    p->sh != SH_OFF && escstat_printable(p->state));
	fputs("# HELP motcua_printer_state The printer's state (1 for the "
	      "current one).\n# TYPE motcua_printer_state gauge\n",
	    f);
	for (int s = 0; s < ESCSTAT_COUNT; s++)
		fprintf(f, "motcua_printer_state{state=\"%s\"} %d\n",
		    escstat_name((enum escstat)s),
		    p->sh != SH_OFF && p->state == (enum escstat)s);
	fprintf(f,
	    "# HELP motcua_print_queue_jobs Print jobs queued or printing.\n"
	    "# TYPE motcua_print_queue_jobs gauge\nmotcua_print_queue_jobs "
	    "%lld\n",
	    (long long)store_print_pending(p->store));
	fprintf(f,
	    "# HELP motcua_print_jobs_total Print jobs by outcome.\n"
	    "# TYPE motcua_print_jobs_total counter\n"
	    "motcua_print_jobs_total{outcome=\"printed\"} %llu\n"
	    "motcua_print_jobs_total{outcome=\"failed\"} %llu\n"
	    "motcua_print_jobs_total{outcome=\"interrupted\"} %llu\n",
	    (unsigned long long)p->printed, (unsigned long long)p->failed,
	    (unsigned long long)p->reprints);
	fprintf(f,
	    "# HELP motcua_printer_bytes_total Bytes written to the "
	    "printer.\n# TYPE motcua_printer_bytes_total counter\n"
	    "motcua_printer_bytes_total %llu\n",
	    (unsigned long long)p->bytes_sent);
	fprintf(f,
	    "# HELP motcua_printer_status_garbage_total Status replies that "
	    "were not status bytes.\n"
	    "# TYPE motcua_printer_status_garbage_total counter\n"
	    "motcua_printer_status_garbage_total %llu\n",
	    (unsigned long long)p->garbage);
	fprintf(f,
	    "# HELP motcua_printer_lost_total Times the printer was lost "
	    "(hang-up, I/O error, stalled write).\n"
	    "# TYPE motcua_printer_lost_total counter\n"
	    "motcua_printer_lost_total %llu\n",
	    (unsigned long long)p->lost);
}

/* ---- rendering documents --------------------------------------------- */

struct proc_find {
	const char *code;
	json_t *found;
};

static int
proc_match(void *arg, const struct store_procedure_row *p)
{
	struct proc_find *f = arg;
	json_t *docs;

	if (p->code == NULL || strcmp(p->code, f->code) != 0)
		return 0;
	/* printdoc reads the list and the days, manifest_items the fee */
	docs = p->documents != NULL ? json_loads(p->documents, 0, NULL) : NULL;
	f->found = json_pack("{s:s,s:i,s:o,s:I}", "code", p->code, "days",
	    p->days, "documents", docs != NULL ? docs : json_array(), "fee",
	    (json_int_t)p->fee);
	return 1;
}

/* The procedure of code as printdoc_receipt takes it, or NULL. */
static json_t *
procedure_of(struct store *st, const char *code)
{
	struct proc_find f = { .code = code };

	store_procedures(st, code, proc_match, &f);
	return f.found;
}

/* The manifest of day (YYYY-MM-DD): dossiers received that day through
 * the postal channel, each with its procedure's fee. */
static json_t *
manifest_items(struct printer *p, const char *day_text, char *err,
    size_t errsize)
{
	struct store_query q = { .from_day = 0, .limit = 1000 };
	char serr[STORE_ERR_MAX];
	struct store_hits hits;
	json_t *items;
	size_t i;
	int day;

	if (cal_parse_date(day_text, strlen(day_text), &day) != 0) {
		snprintf(err, errsize,
		    "manifest: '%.20s' is not a day "
		    "YYYY-MM-DD",
		    day_text);
		return NULL;
	}
	q.from_day = q.to_day = day;
	if (store_search(p->store, &q, clock_wall_s(), &hits, serr) !=
	    STORE_OK) {
		snprintf(err, errsize, "manifest: %s", serr);
		return NULL;
	}
	items = json_array();
	for (i = 0; i < hits.n; i++) {
		enum store_rc rc;
		json_t *d, *proc;
		const char *code = hits.v[i].code;

		if (hits.v[i].channel != 3)
			continue;
		if (json_array_size(items) == MANIFEST_ITEMS_MAX) {
			snprintf(err, errsize,
			    "manifest: more than %d items in a day",
			    MANIFEST_ITEMS_MAX);
			json_decref(items);
			store_hits_cleanup(&hits);
			return NULL;
		}
		if ((d = printdata_dossier_read(p->store, code, clock_wall_s(),
		         &rc)) == NULL)
			continue;
		proc = procedure_of(p->store,
		    json_string_value(json_object_get(d, "procedure_code")));
		json_object_set_new(d, "fee",
		    json_integer(
		        json_integer_value(json_object_get(proc, "fee"))));
		json_decref(proc);
		json_array_append_new(items, d);
	}
	store_hits_cleanup(&hits);
	return items;
}

/* The fields of kind/ref into *d (the caller cleans it up), as both the
 * ESC/POS render and the A5 page take them. pr: the profile (the test
 * page describes it). */
static int
doc_fields(struct printer *p, enum printdoc_kind kind, const char *ref,
    const struct pprofile *pr, struct printdoc *dp, bool *notfound, char *err,
    size_t errsize)
{
	struct printdoc_office of = { .office_name = p->cfg->office_name,
		.agency_name = p->cfg->agency_name,
		.hotline = p->cfg->hotline,
		.public_url = p->cfg->public_url };
	struct printdoc d = { .count = 0 };
	json_t *doc = NULL, *aux = NULL;
	enum store_rc rc = STORE_OK;
	char code[64];
	const char *hash;
	bool office_copy = false;
	int r = -1;

	*notfound = false;
	switch (kind) {
	case PRINTDOC_RECEIPT:
	case PRINTDOC_SLIP:
		/* a receipt's ref "CODE#1" is the office's copy (Liên 1) of
		 * an intake printed twice (printer.receipt_copies) */
		if (kind == PRINTDOC_RECEIPT &&
		    (hash = strchr(ref, '#')) != NULL) {
			if (strcmp(hash, "#1") != 0 ||
			    (size_t)(hash - ref) >= sizeof code) {
				snprintf(err, errsize,
				    "ref: not CODE or CODE#1");
				return -1;
			}
			snprintf(code, sizeof code, "%.*s", (int)(hash - ref),
			    ref);
			ref = code;
			office_copy = true;
		}
		if ((doc = printdata_dossier_read(p->store, ref, clock_wall_s(),
		         &rc)) == NULL) {
			*notfound = rc == STORE_NOTFOUND;
			snprintf(err, errsize, "code: %s",
			    *notfound ? "no such dossier"
			              : "the store cannot be read");
			return -1;
		}
		if (kind == PRINTDOC_RECEIPT) {
			aux = procedure_of(p->store,
			    json_string_value(
			        json_object_get(doc, "procedure_code")));
			json_object_set_new(doc, "copy",
			    json_string(
			        office_copy ? "1: Lưu" : "2: Giao khách hàng"));
			r = printdoc_receipt(&d, doc, aux, &of);
		} else {
			r = printdoc_slip(&d, doc, &of, clock_wall_s());
		}
		break;
	case PRINTDOC_MANIFEST:
		/* a postal manifest id (BK...) names its own items */
		if (strncmp(ref, "BK", 2) == 0) {
			if ((doc = printdata_manifest_docs(p->store, ref,
			         &rc)) == NULL) {
				*notfound = rc == STORE_NOTFOUND;
				snprintf(err, errsize, "manifest: %s",
				    *notfound ? "no such manifest"
				              : "the store cannot be read");
				return -1;
			}
		} else if ((doc = manifest_items(p, ref, err, errsize)) ==
		    NULL) {
			return -1;
		}
		r = printdoc_manifest(&d, ref, doc, &of, clock_wall_s());
		break;
	case PRINTDOC_TEST:
		r = printdoc_test(&d, pr, &of);
		break;
	case PRINTDOC_SUPPLEMENT:
	case PRINTDOC_REFUSAL:
	case PRINTDOC_APOLOGY:
	case PRINTDOC_CONTROL:
		if ((doc = printdata_dossier_read(p->store, ref, clock_wall_s(),
		         &rc)) == NULL) {
			*notfound = rc == STORE_NOTFOUND;
			snprintf(err, errsize, "code: %s",
			    *notfound ? "no such dossier"
			              : "the store cannot be read");
			return -1;
		}
		r = printdoc_form(&d, kind, doc, &of, clock_wall_s());
		break;
	}
	json_decref(doc);
	json_decref(aux);
	if (r != 0) {
		snprintf(err, errsize, "out of memory");
		return -1;
	}
	*dp = d;
	return 0;
}

int
printer_document(struct printer *p, enum printdoc_kind kind, const char *ref,
    struct printdoc *d, bool *notfound, char *err, size_t errsize)
{
	const struct pprofile *pr = find_profile(p->data, p->profile);

	if (pr == NULL) {
		snprintf(err, errsize, "profile: no profile '%.40s'",
		    p->profile);
		return -1;
	}
	return doc_fields(p, kind, ref, pr, d, notfound, err, errsize);
}

int
printer_render(struct printer *p, enum printdoc_kind kind, const char *ref,
    const char *profile, bool reprint, struct buf *bytes,
    struct ebitmap *preview, bool *notfound, char *err, size_t errsize)
{
	const struct pprofile *pr =
	    find_profile(p->data, profile ? profile : p->profile);
	struct printdoc d = { .count = 0 };
	struct ptemplate_layout lay;
	struct ptemplate_fields f;
	int r;

	*notfound = false;
	if (pr == NULL) {
		snprintf(err, errsize, "profile: no profile '%.40s'",
		    profile ? profile : p->profile);
		return -1;
	}
	if (doc_fields(p, kind, ref, pr, &d, notfound, err, errsize) != 0)
		return -1;
	f = printdoc_view(&d);
	if (ptemplate_render(p->data->tpl[kind], &f, pr->width_chars, reprint,
	        &lay) != 0) {
		snprintf(err, errsize, "%s: the layout is too long",
		    ptemplate_name(p->data->tpl[kind]));
		printdoc_cleanup(&d);
		return -1;
	}
	r = escpos_render(p->data->fonts, pr, &lay, bytes, preview, NULL, err,
	    errsize);
	ptemplate_layout_cleanup(&lay);
	printdoc_cleanup(&d);
	return r;
}

char *
printer_receipt_png(struct printer *p, const char *code)
{
	char dir[4096], path[4200], err[256];
	const char *slash = strrchr(p->cfg->db_path, '/');
	struct buf bytes, png;
	struct ebitmap pv = { 0 };
	bool notfound;
	FILE *f;
	int rc;

	snprintf(dir, sizeof dir, "%.*s/prints",
	    slash ? (int)(slash - p->cfg->db_path) : 1,
	    slash ? p->cfg->db_path : ".");
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		log_warnx("postal: %s: %s", dir, strerror(errno));
		return NULL;
	}
	buf_init(&bytes, ESCPOS_JOB_MAX);
	rc = printer_render(p, PRINTDOC_RECEIPT, code, NULL, false, &bytes, &pv,
	    &notfound, err, sizeof err);
	buf_cleanup(&bytes);
	if (rc != 0) {
		ebitmap_cleanup(&pv);
		log_warnx("postal: receipt %s: %s", code, err);
		return NULL;
	}
	buf_init(&png, 64u << 20);
	rc = escpos_png(&pv, &png);
	ebitmap_cleanup(&pv);
	snprintf(path, sizeof path, "%s/receipt-%s.png", dir, code);
	if (rc == 0 && (f = fopen(path, "wb")) != NULL) {
		size_t n = buf_len(&png);

		rc = fwrite(buf_ptr(&png), 1, n, f) == n ? 0 : -1;
		rc |= fclose(f);
	} else {
		rc = -1;
	}
	buf_cleanup(&png);
	if (rc != 0) {
		log_warnx("postal: %s: cannot be written", path);
		return NULL;
	}
	return strdup(path);
}
