/* main.c: motcuad. The start-up order is written once, here:
 *
 *   1. config (-n stops here), log, SIGPIPE ignored
 *   2. the loop and the signal watchers (SIGHUP, SIGTERM, SIGINT), before
 *      any start-up work: a signal during start-up waits for the loop
 *      instead of killing the daemon half started
 *   3. listeners: public, admin socket, staff (opened first: they may
 *      need privilege)
 *   4. store, rate limiter, the route context (and the reloadable
 *      settings applied)
 *   5. kiosk, scanner hub (hot-plug monitor, shells, sources started)
 *   6. printer
 *   7. HTTP servers: public and admin
 *   8. auth, then the staff server
 *   9. hub role: hub store, hub, sync listener; terminal role: sync
 *  10. the loop runs; a stop asked for during steps 3-9 is handled as
 *      soon as it does, like one that comes later
 *
 * Teardown runs in reverse in two phases, each safe after a partial start
 * (every step's object may be NULL). On SIGTERM or SIGINT, with the loop
 * still running, stop_intake() first lets in-flight work end (requests
 * waiting on upstream or a hash are answered, event streams end, so no
 * connection stays suspended when its server stops), then closes the
 * servers, the printer and the hot-plug monitor, newest first. When the
 * loop has nothing left, teardown() frees the rest, newest first. */
#include <sys/resource.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <uv.h>

#include "api/api.h"
#include "api/backup.h"
#include "api/scanners.h"
#include "api/terminals.h"
#include "auth/auth.h"
#include "config.h"
#include "routes.h"
#include "scanner/camscan.h"
#include "scanner/evdev.h"
#include "http/http.h"
#include "core/termlist.h"
#include "kiosk/kiosk_api.h"
#include "scanner/hotplug.h"
#include "report/api_report.h"
#include "sync/hub.h"
#include "sync/hubq.h"
#include "store/hubstore.h"
#include "lib/log.h"
#include "printer/printer.h"
#include "core/ratelimit.h"
#include "scanner/scanhub.h"
#include "store/store.h"
#include "sync/sync.h"

#define PUBLIC_BODY_MAX (16 * 1024)
#define HUB_BODY_MAX    (8 * 1024 * 1024) /* a push of 1000 items */
#define PEM_MAX         (256 * 1024)
#define ADMIN_BODY_MAX  (16 * 1024 * 1024)

struct motcuad { /* built in main(); each module gets only what it uses */
	const char *config_path;
	struct config cfg; /* owned; replaced whole on reload */
	uv_loop_t *loop;
	struct store *store;
	struct ratelimit *rl;
	/* the services every route handler gets (routes.h); its pointers
	 * are set as each module starts */
	struct route_ctx routes;
	struct api_counters counters;
	struct route_lookups lookups;
	struct route_health health; /* /healthz's last store check */
	struct kiosk *kiosk;
	struct printer *printer;  /* NULL when printing is off and unset up */
	struct scanhub *scanhub;  /* scanner sources -> terminals */
	struct terminals *terms;  /* staff terminals' event streams */
	struct scanners scanners; /* the scanner routes' context */
	struct hotplug *hotplug;  /* udev monitor; NULL without scanners */
	struct http_server *pub, *admin;
	struct auth *auth;              /* accounts, sessions, tokens */
	struct http_server *staffsrv;   /* server.staff_listen; NULL: off */
	struct http_server *metricssrv; /* server.metrics_listen; NULL: off */
	struct sync *sync;              /* terminal role */
	struct hubq *hubq;              /* hub role: database workers */
	struct backup *backup;          /* POST /api/v1/backup */
	struct hub *hub;                /* hub role */
	struct http_server *hubsrv;     /* hub role: the sync listener */
	uv_signal_t sighup, sigterm, sigint;
};

#ifndef MOTCUA_VERSION
#error "MOTCUA_VERSION comes from the VERSION file (Makefile)"
#endif
#define DEFAULT_CONFIG "/etc/motcua/motcuad.conf"

static void
print_usage(FILE *f)
{
	fputs(
	    "usage: motcuad [-dnv] [-c FILE]\n"
	    "       motcuad [-c FILE] --restore BACKUP | --restore-hub BACKUP\n"
	    "       motcuad --help | --version\n"
	    "  -c FILE  configuration (default " DEFAULT_CONFIG ")\n"
	    "  -d       foreground: log to stderr, not syslog\n"
	    "  -n       check the configuration and exit (0 good, 1 bad)\n"
	    "  -v       verbose (debug) logging\n"
	    "  --restore BACKUP\n"
	    "           put a backup (motcua backup) in the place of the\n"
	    "           store, motcuad stopped: checks its checksum file,\n"
	    "           integrity and schema first, keeps the old database\n"
	    "  --restore-hub BACKUP\n"
	    "           the same for the hub's database (hub role)\n"
	    "  --help   this text\n"
	    "  --version\n"
	    "           print the version\n"
	    "See motcuad(8).\n",
	    f);
}

static void
usage(void)
{
	print_usage(stderr);
	exit(2);
}

static void
apply_reloadable(struct motcuad *m)
{
	char err[STORE_ERR_MAX];

	/* The office's own agency carries the name kiosks show as the place
	 * to collect results. */
	if (m->cfg.agency_name[0] != '\0' &&
	    store_put_agency(m->store, m->cfg.agency_code, m->cfg.agency_name,
	        err) != STORE_OK)
		log_warnx("office.agency_name: %s", err);
	store_set_office(m->store, m->cfg.open_min, m->cfg.close_min,
	    m->cfg.due_end_of_day);
	ratelimit_set(m->rl, m->cfg.miss_per_minute, m->cfg.miss_burst);
	log_set_verbose(m->cfg.verbose);
}

/* Profiles and templates: errors name the file and line; the old ones
 * stay in use. The printer's config pointer moves to the new config. */
static void
reload_printer(struct motcuad *m)
{
	char *errors = NULL;

	if (m->printer != NULL &&
	    printer_reload(m->printer, &m->cfg, &errors) == -1) {
		log_warnx("printer data has errors, keeping the old:");
		for (char *line = strtok(errors, "\n"); line;
		     line = strtok(NULL, "\n"))
			log_warnx("%s", line);
		free(errors);
	}
}

/* SIGHUP: parse, validate, swap; on error keep the running config. */
static void
on_sighup(uv_signal_t *h, int sig)
{
	struct motcuad *m = h->data;
	struct config next;
	char *errors = NULL, diff[512];

	(void)sig;
	if (config_load(m->config_path, &next, &errors) == -1) {
		log_warnx("config has errors, not reloading:");
		for (char *line = strtok(errors, "\n"); line;
		     line = strtok(NULL, "\n"))
			log_warnx("%s", line);
		free(errors);
		config_cleanup(&next);
		return;
	}
	if (config_restart_diff(&m->cfg, &next, diff, sizeof diff) > 0)
		log_warnx("reload: %s changed; the change takes effect at the "
		          "next restart",
		    diff);
	/* Restart-only keys keep their running values: the modules set up
	 * from them at start (the printer, the listeners, the scanners) must
	 * not see them change under their feet. */
	config_keep_restart(&next, &m->cfg);
	config_cleanup(&m->cfg);
	m->cfg = next;
	m->routes.cfg = &m->cfg;
	auth_set_config(m->auth, &m->cfg);
	if (kiosk_set_config(m->kiosk, &m->cfg) == -1)
		log_warnx("reload: kiosk.terminals kept as they were");
	if (m->sync != NULL)
		sync_set_config(m->sync, &m->cfg);
	reload_printer(m);
	apply_reloadable(m);
	store_audit(m->store, "operator (SIGHUP)", "config_reload",
	    m->config_path, "");
	log_info("configuration reloaded from %s", m->config_path);
}

/* Phase one of the teardown, on the running loop: see the top of the
 * file. Each step is a no-op for a module that was not started. */
static void
stop_intake(struct motcuad *m)
{
	/* Quiesce, newest first: answer requests waiting on upstream or on
	 * a password hash, close the scanner shells and end the event
	 * streams; in-flight requests then finish inside MHD_stop. */
	sync_stop(m->sync);
	auth_shutdown(m->auth);     /* sign-ins waiting on a hash answer 503 */
	backup_shutdown(m->backup); /* a copy being made answers 503 */
	scanhub_shutdown(m->scanhub); /* shells closed */
	terminals_shutdown(m->terms); /* staff streams ended */
	kiosk_shutdown(m->kiosk);
	hub_shutdown(m->hub);
	hubq_stop(m->hubq); /* requests waiting on the hub's database: 503 */
	/* Close, newest first. */
	http_free(m->hubsrv);
	m->hubsrv = NULL;
	http_free(m->staffsrv);
	m->staffsrv = NULL;
	http_free(m->metricssrv);
	m->metricssrv = NULL;
	http_free(m->admin);
	http_free(m->pub);
	m->pub = m->admin = NULL;
	printer_free(m->printer); /* a job being sent is reprinted at start */
	m->printer = NULL;
	m->routes.printer = NULL;
	m->routes.print = NULL;
	hotplug_free(m->hotplug); /* after the shells unsubscribed */
	m->hotplug = NULL;
	uv_close((uv_handle_t *)&m->sigint, NULL);
	uv_close((uv_handle_t *)&m->sigterm, NULL);
	uv_close((uv_handle_t *)&m->sighup, NULL);
}

/* Phase two, once the loop has returned: frees what is left in the
 * reverse order of the start. */
static void
teardown(struct motcuad *m)
{
	hub_free(m->hub);
	hubq_free(m->hubq); /* joins its workers */
	sync_free(m->sync);
	auth_free(m->auth);
	backup_free(m->backup);
	scanhub_free(m->scanhub);
	terminals_free(m->terms);
	kiosk_free(m->kiosk);
	uv_run(m->loop, UV_RUN_NOWAIT); /* the handles' close callbacks */
	ratelimit_free(m->rl);
	store_close(m->store);
	unlink(m->cfg.admin_socket);
	uv_loop_close(m->loop);
}

static void
on_stop(uv_signal_t *h, int sig)
{
	struct motcuad *m = h->data;

	log_info("%s: stopping", strsignal(sig));
	stop_intake(m);
}

/* A whole small file (a PEM), NUL-terminated; NULL with errno. */
static char *
read_small(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	if ((buf = malloc(PEM_MAX + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, PEM_MAX + 1, f);
	fclose(f);
	if (n > PEM_MAX) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static bool
loopback(const char *hostport)
{
	return strncmp(hostport, "127.", 4) == 0 ||
	    strncmp(hostport, "localhost:", 10) == 0 ||
	    strncmp(hostport, "[::1]:", 6) == 0;
}

/* Raises the soft limit on open files to want (up to the hard limit): the
 * hub's listener holds one per terminal connection, far past the usual
 * 1024. */
static void
fit_nofile(rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want
	    ? want
	    : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		log_warnx("hub: open files limited to %llu, under "
		          "hub.max_connections; raise LimitNOFILE",
		    (unsigned long long)rl.rlim_cur);
}

/* The hub's database workers (sync/hubq.h). One connection is opened
 * here first, so that a wrong dsn or an unreachable database stops the
 * start with its reason and the migrations run before anything is
 * served. SQLite has one writer: one worker. */
static struct hubq *
open_hubq(struct motcuad *m, char *err)
{
	const struct config *c = &m->cfg;
	struct hubq_conf qc = {
		.store = { .backend = c->hub_pg ? HUBSTORE_PG : HUBSTORE_SQLITE,
		    .path = c->hub_db_path,
		    .busy_timeout_ms = c->busy_timeout_ms,
		    .dsn = c->hub_dsn,
		    .timeout_ms = c->hub_db_timeout_ms },
		.workers = c->hub_pg ? (unsigned)c->hub_connections : 1,
		.queue_max = 256,
		.deadline_ms = (unsigned)c->hub_db_timeout_ms,
	};
	char *pw = NULL;
	struct hubstore *first;
	struct hubq *q;

	if (c->hub_pg && c->hub_dsn[0] == '\0') {
		snprintf(err, HUBSTORE_ERR_MAX,
		    "hub.dsn: required when hub.backend is postgresql");
		return NULL;
	}
	if (c->hub_pg && c->hub_password_file[0] != '\0' &&
	    (pw = hubstore_password_file(c->hub_password_file, err)) == NULL)
		return NULL;
	qc.store.password = pw;
	first = hubstore_open(&qc.store, err);
	q = first != NULL ? hubq_new(m->loop, &qc, first, err) : NULL;
	if (pw != NULL) {
		sodium_memzero(pw, strlen(pw));
		free(pw);
	}
	return q;
}

/* role = hub: the hub's store and its sync listener. */
static void
start_hub(struct motcuad *m)
{
	char err[HUBSTORE_ERR_MAX], *cert = NULL, *key = NULL;
	const struct config *c = &m->cfg;
	bool tls = c->hub_tls_cert[0] != '\0';
	int fd;

	if ((c->hub_tls_cert[0] == '\0') != (c->hub_tls_key[0] == '\0'))
		fatalx("hub.tls_cert and hub.tls_key: set both or neither");
	if (c->hub_tls_cert[0] == '\0' && !loopback(c->hub_listen))
		fatalx("hub.listen %s: plain http is for loopback tests only;"
		       " set hub.tls_cert and hub.tls_key",
		    c->hub_listen);
	if (c->hub_tls_cert[0] != '\0' &&
	    ((cert = read_small(c->hub_tls_cert)) == NULL ||
	        (key = read_small(c->hub_tls_key)) == NULL))
		fatal("hub: reading %s",
		    cert ? c->hub_tls_key : c->hub_tls_cert);
	if ((m->hubq = open_hubq(m, err)) == NULL)
		fatalx("hub store %s: %s",
		    c->hub_pg ? "(postgresql)" : c->hub_db_path, err);
	if ((m->hub = hub_new(m->hubq, c->hub_tokens_file, err)) == NULL)
		fatalx("hub: %s", err);
	if (hub_start_pruning(m->hub, m->loop, c->hub_key_retention_days) == -1)
		fatalx("hub: out of memory");
	fit_nofile((rlim_t)c->hub_max_connections + 256);
	if ((fd = http_listen_tcp(c->hub_listen)) == -1)
		fatalx("cannot listen on %s", c->hub_listen);
	m->hubsrv = http_new(m->loop,
	    &(struct http_opts){ .listen_fd = fd,
	        .max_body = HUB_BODY_MAX,
	        .gate = hub_gate,
	        .max_conns = (unsigned)c->hub_max_connections,
	        .timeout_s = (unsigned)c->connection_timeout_s,
	        .max_conns_per_addr =
	            (unsigned)c->hub_max_connections_per_address,
	        .header_timeout_s = (unsigned)c->header_timeout_s,
	        .tls_cert_pem = cert,
	        .tls_key_pem = key },
	    hub_handle, m->hub);
	if (key != NULL)
		sodium_memzero(key, strlen(key));
	free(cert);
	free(key);
	if (m->hubsrv == NULL)
		fatalx("cannot start the hub listener");
	m->routes.hub = m->hub;
	log_info("hub: sync listener on %s://%s", tls ? "https" : "http",
	    c->hub_listen);
}

/* The pinned kiosk terminals' addresses (kiosk.terminals "id@address"):
 * the public listener keeps kiosk.reserved_connections slots for them,
 * so that a flood from elsewhere cannot shut the kiosks out. */
static size_t
kiosk_addresses(const struct config *c, struct http_addr *out)
{
	struct termlist_entry t[TERMLIST_MAX];
	size_t n = 0, count = 0;

	if (termlist_parse(c->kiosk_terminals, t, &n) != NULL)
		return 0; /* the config check has refused it already */
	for (size_t i = 0; i < n && count < HTTP_RESERVED_MAX; i++)
		if (t[i].addr_len > 0) {
			memcpy(out[count].b, t[i].addr, t[i].addr_len);
			out[count++].len = t[i].addr_len;
		}
	return count;
}

/* Upstream sync as the public lookup uses it (http/route.h). */
static bool
upstream_enabled(const void *s)
{
	return sync_enabled(s);
}

static int
upstream_lookup(void *s, const char *token, route_upstream_done *done,
    void *arg)
{
	return s != NULL ? sync_lookup(s, token, done, arg) : -1;
}

static const struct route_upstream_ops route_upstream = {
	.enabled = upstream_enabled,
	.lookup = upstream_lookup,
};

/* The printer as the postal routes use it (http/route.h). */
static int
print_queue_max(const void *p)
{
	return printer_queue_max(p);
}

static void
print_kick(void *p)
{
	printer_kick(p);
}

static char *
print_receipt_png(void *p, const char *code)
{
	return printer_receipt_png(p, code);
}

static int64_t
print_queue(void *p, const char *kind, const char *ref, const char *actor)
{
	return printer_queue_doc(p, kind, ref, actor);
}

/* The hub's province form rendered by the report feature. */
static const struct route_report_ops route_report = {
	.form06a = api_report_form06a,
};

static const struct route_print_ops route_print = {
	.queue_max = print_queue_max,
	.kick = print_kick,
	.receipt_png = print_receipt_png,
	.queue = print_queue,
};

/* The kiosk's status slips go to the receipt printer's queue. */
static bool
slip_available(void *arg)
{
	return printer_available(arg);
}

static int
slip_print(void *arg, const struct store_lookup *v)
{
	return printer_queue_slip(arg, v->code, "kiosk");
}

/* Scans for a kiosk terminal go to the kiosk, which classifies the raw
 * payload itself (the same rules, core/scantext.h) and tells its page. */
static int
kiosk_sink_scan(void *arg, const char *terminal, const struct scan_event *ev,
    const struct classified *c)
{
	(void)c;
	return kiosk_scan(arg, terminal, ev->data, ev->len, ev->wall_ms);
}

static const struct scan_sink_ops kiosk_sink_ops = { kiosk_sink_scan };

/* server.staff_listen: the staff pages and API behind sign-in
 * (docs/security.md). Plain HTTP is allowed (an office LAN may have no
 * certificate) but warned about off loopback: cookies then travel in
 * clear. */
static void
start_staff(struct motcuad *m, int fd)
{
	const struct config *c = &m->cfg;
	char *cert = NULL, *key = NULL;
	bool tls = c->staff_tls_cert[0] != '\0';

	if (tls &&
	    ((cert = read_small(c->staff_tls_cert)) == NULL ||
	        (key = read_small(c->staff_tls_key)) == NULL))
		fatal("staff listener: reading %s",
		    cert ? c->staff_tls_key : c->staff_tls_cert);
	/* passwords, cookies and tokens in clear on a network: only when
	 * the operator has said so in so many words */
	if (!tls && !loopback(c->staff_listen)) {
		if (!c->staff_plain_http)
			fatalx("server.staff_listen %s: plain http off "
			       "loopback; set server.staff_tls_cert and "
			       "staff_tls_key, or server.staff_plain_http = "
			       "true to accept passwords and tokens in clear",
			    c->staff_listen);
		log_warnx("server.staff_listen %s: plain http off loopback "
		          "(server.staff_plain_http = true)",
		    c->staff_listen);
	}
	m->staffsrv = http_new(m->loop,
	    &(struct http_opts){ .listen_fd = fd,
	        .max_body = ADMIN_BODY_MAX,
	        .gate = routes_staff_gate,
	        .max_conns = (unsigned)c->max_connections,
	        .timeout_s = (unsigned)c->connection_timeout_s,
	        .max_conns_per_addr = (unsigned)c->max_connections_per_address,
	        .header_timeout_s = (unsigned)c->header_timeout_s,
	        .tls_cert_pem = cert,
	        .tls_key_pem = key },
	    routes_handle_staff, &m->routes);
	if (key != NULL)
		sodium_memzero(key, strlen(key));
	free(cert);
	free(key);
	if (m->staffsrv == NULL)
		fatalx("cannot start the staff listener");
	log_info("staff listener on %s://%s", tls ? "https" : "http",
	    c->staff_listen);
}

/* server.metrics_listen: GET /metrics alone, for a scraper. Few
 * connections: one scraper, now and then. */
#define METRICS_CONNS_MAX 8
static void
start_metrics(struct motcuad *m, int fd)
{
	const struct config *c = &m->cfg;

	m->metricssrv = http_new(m->loop,
	    &(struct http_opts){ .listen_fd = fd,
	        .max_body = 0,
	        .max_conns = METRICS_CONNS_MAX,
	        .timeout_s = (unsigned)c->connection_timeout_s,
	        .max_conns_per_addr = METRICS_CONNS_MAX / 2,
	        .header_timeout_s = (unsigned)c->header_timeout_s },
	    routes_handle_metrics, &m->routes);
	if (m->metricssrv == NULL)
		fatalx("cannot start the metrics listener");
	log_info("metrics listener on http://%s", c->metrics_listen);
}

/* --- motcuad --restore (docs/operations.md, "Backup and restore") ----- */

/* FILE.sha256 beside a backup (motcua backup writes it, in sha256sum's
 * form): its hash must be the file's. 0 checked, 1 when there is none,
 * -1 with the problem printed. */
static int
restore_checksum(const char *file)
{
	char path[PATH_MAX], want[STORE_SHA256_HEX], got[STORE_SHA256_HEX];
	char err[STORE_ERR_MAX];
	uint64_t size;
	FILE *f;
	int fd, n;

	if ((size_t)snprintf(path, sizeof path, "%s.sha256", file) >=
	    sizeof path) {
		fprintf(stderr, "motcuad: %s: path too long\n", file);
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 1;
		fprintf(stderr, "motcuad: %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fscanf(f, "%64[0-9a-f]", want);
	fclose(f);
	if (n != 1 || strlen(want) != 64) {
		fprintf(stderr,
		    "motcuad: %s: not a SHA-256 checksum file (64 hex digits "
		    "first)\n",
		    path);
		return -1;
	}
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "motcuad: %s: %s\n", file, strerror(errno));
		return -1;
	}
	n = store_sha256_fd(fd, got, &size, err);
	close(fd);
	if (n != 0) {
		fprintf(stderr, "motcuad: %s: %s\n", file, err);
		return -1;
	}
	if (strcmp(got, want) != 0) {
		fprintf(stderr,
		    "motcuad: %s: its SHA-256 is not the one in %s: the file "
		    "is damaged or not that backup\n",
		    file, path);
		return -1;
	}
	return 0;
}

/* Checks a backup (checksum, integrity, kind, schema), copies it beside
 * the database, brings the copy's schema up to this motcuad's by
 * opening it, and swaps it in. Nothing is replaced until every check
 * has passed. The exit status: 0 restored, 1 refused or failed. */
static int
restore(const struct config *cfg, const char *file, bool hub)
{
	const char *db = hub ? cfg->hub_db_path : cfg->db_path;
	char err[STORE_ERR_MAX], tmp[PATH_MAX], kept[PATH_MAX], who[64];
	int version, copied, fd, rc;
	struct store *s;
	struct hubstore *hs;

	if (hub && !cfg->hub_role) {
		fprintf(stderr,
		    "motcuad: --restore-hub: sync.role is not hub "
		    "in the configuration\n");
		return 1;
	}
	if (hub && cfg->hub_pg) {
		fprintf(stderr,
		    "motcuad: --restore-hub: the hub's database is "
		    "PostgreSQL: restore it with pg_restore\n");
		return 1;
	}
	if ((rc = restore_checksum(file)) < 0)
		return 1;
	if (rc == 1)
		fprintf(stderr,
		    "motcuad: %s.sha256 is missing: the checksum "
		    "is not verified\n",
		    file);
	if (store_file_check(file, hub ? "hub_dossiers" : "dossiers", &version,
	        err) != STORE_OK) {
		fprintf(stderr, "motcuad: %s\n", err);
		return 1;
	}
	if (!hub && version > store_schema_current()) {
		fprintf(stderr,
		    "motcuad: %s has schema %d, newer than this motcuad's %d: "
		    "restore it with the motcua version that made it\n",
		    file, version, store_schema_current());
		return 1;
	}
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.restore-XXXXXX", db) >=
	        sizeof tmp ||
	    (fd = mkstemp(tmp)) == -1) {
		fprintf(stderr, "motcuad: a temporary file beside %s: %s\n", db,
		    strerror(errno));
		return 1;
	}
	close(fd);
	if (store_backup_copy(file, tmp, NULL, &copied, err) != STORE_OK) {
		fprintf(stderr, "motcuad: %s\n", err);
		return 1;
	}
	/* Opening migrates the copy (and refuses a newer schema); the
	 * store's copy records the restore in its own audit log. */
	if (hub) {
		char herr[HUBSTORE_ERR_MAX];
		struct hubstore_conf hc = { .backend = HUBSTORE_SQLITE,
			.path = tmp,
			.busy_timeout_ms = cfg->busy_timeout_ms };

		if ((hs = hubstore_open(&hc, herr)) == NULL) {
			fprintf(stderr, "motcuad: %s: %s\n", file, herr);
			unlink(tmp);
			return 1;
		}
		hubstore_close(hs);
	} else {
		if ((s = store_open(tmp, cfg->busy_timeout_ms, err)) == NULL) {
			fprintf(stderr, "motcuad: %s: %s\n", file, err);
			unlink(tmp);
			return 1;
		}
		snprintf(who, sizeof who, "motcuad --restore (uid %ld)",
		    (long)getuid());
		rc = store_audit(s, who, "restore", NULL,
		         version == store_schema_current()
		             ? "same schema"
		             : "schema migrated") != STORE_OK;
		store_close(s);
		if (rc) {
			fprintf(stderr,
			    "motcuad: %s: cannot write the audit "
			    "log\n",
			    tmp);
			unlink(tmp);
			return 1;
		}
	}
	if (store_restore_replace(tmp, db, kept, sizeof kept, err) !=
	    STORE_OK) {
		fprintf(stderr, "motcuad: %s\n", err);
		unlink(tmp);
		return 1;
	}
	printf("restored %s into %s (schema %d%s)\n", file, db, version,
	    hub || version == store_schema_current() ? "" : ", migrated");
	if (kept[0] != '\0')
		printf("the database it replaced is kept as %s\n", kept);
	return 0;
}

static const struct kiosk_printer_ops kiosk_slips = { slip_available,
	slip_print };

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "restore", required_argument, NULL, 'R' },
		{ "restore-hub", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct motcuad m = { .config_path = DEFAULT_CONFIG };
	bool foreground = false, check = false, verbose = false,
	     restore_hub = false;
	const char *restore_from = NULL;
	char *errors = NULL, err[STORE_ERR_MAX];
	int ch, pub_fd, admin_fd, staff_fd = -1, metrics_fd = -1;
	struct http_addr reserved[HTTP_RESERVED_MAX];
	size_t nreserved;

	while ((ch = getopt_long(argc, argv, "c:dnv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			m.config_path = optarg;
			break;
		case 'd':
			foreground = true;
			break;
		case 'n':
			check = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		case 'V':
			printf("motcuad %s\n", MOTCUA_VERSION);
			return 0;
		case 'R':
		case 'H':
			if (restore_from != NULL) {
				fprintf(stderr,
				    "motcuad: one restore at a "
				    "time\n");
				usage();
			}
			restore_from = optarg;
			restore_hub = ch == 'H';
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (restore_from != NULL && check))
		usage();

	if (config_load(m.config_path, &m.cfg, &errors) == -1) {
		fputs(errors ? errors : "config: cannot be read\n", stderr);
		free(errors);
		config_cleanup(&m.cfg);
		return 1;
	}
	if (check) {
		fprintf(stderr, "%s: configuration OK\n", m.config_path);
		config_cleanup(&m.cfg);
		return 0;
	}
	if (restore_from != NULL) {
		int rc = restore(&m.cfg, restore_from, restore_hub);

		config_cleanup(&m.cfg);
		return rc;
	}
	log_init("motcuad", foreground, verbose || m.cfg.verbose);
	signal(SIGPIPE, SIG_IGN);

	/* Before any start-up work: libuv's handler holds the signal for the
	 * loop, where the default action would end the daemon half way. */
	m.loop = uv_default_loop();
	uv_signal_init(m.loop, &m.sighup);
	uv_signal_init(m.loop, &m.sigterm);
	uv_signal_init(m.loop, &m.sigint);
	m.sighup.data = m.sigterm.data = m.sigint.data = &m;
	uv_signal_start(&m.sighup, on_sighup, SIGHUP);
	uv_signal_start(&m.sigterm, on_stop, SIGTERM);
	uv_signal_start(&m.sigint, on_stop, SIGINT);

	if ((pub_fd = http_listen_tcp(m.cfg.listen)) == -1)
		fatalx("cannot listen on %s", m.cfg.listen);
	if ((admin_fd = http_listen_unix(m.cfg.admin_socket,
	         m.cfg.admin_socket_mode)) == -1)
		fatalx("cannot listen on %s", m.cfg.admin_socket);
	if ((m.cfg.staff_tls_cert[0] == '\0') !=
	    (m.cfg.staff_tls_key[0] == '\0'))
		fatalx("server.staff_tls_cert and staff_tls_key: set both or "
		       "neither");
	if (m.cfg.staff_listen[0] != '\0' &&
	    (staff_fd = http_listen_tcp(m.cfg.staff_listen)) == -1)
		fatalx("cannot listen on %s", m.cfg.staff_listen);
	if (m.cfg.metrics_listen[0] != '\0' &&
	    (metrics_fd = http_listen_tcp(m.cfg.metrics_listen)) == -1)
		fatalx("cannot listen on %s", m.cfg.metrics_listen);
	if ((m.store = store_open(m.cfg.db_path, m.cfg.busy_timeout_ms, err)) ==
	    NULL)
		fatalx("store %s: %s", m.cfg.db_path, err);
	if ((m.rl = ratelimit_new((size_t)m.cfg.max_tracked_clients,
	         m.cfg.miss_per_minute, m.cfg.miss_burst)) == NULL)
		fatal("rate limiter");
	m.routes.store = m.store;
	m.routes.rl = m.rl;
	m.routes.cfg = &m.cfg;
	m.routes.counters = &m.counters;
	if ((m.backup = backup_new(m.loop, m.store)) == NULL)
		fatal("backup");
	m.routes.backup = m.backup;
	m.routes.lookups = &m.lookups;
	m.routes.health = &m.health;
	m.routes.upstream = &route_upstream;
	m.routes.report = &route_report;
	apply_reloadable(&m);

	if ((m.kiosk = kiosk_new(m.loop, m.store, &m.cfg)) == NULL)
		fatalx("kiosk: cannot start");
	m.routes.kiosk = m.kiosk;
	/* Scanners: [scanner.NAME] sections, restart-only (docs/scanners.md).
	 * The serial shell is built in; the other kinds register here. */
	if ((m.scanhub = scanhub_new(m.loop,
	         &(struct scanhub_conf){ .dedup_ms = m.cfg.scanner_dedup_ms,
	             .terminals = m.cfg.scanner_terminals,
	             .sources = m.cfg.scanners,
	             .nsources = m.cfg.nscanners })) == NULL ||
	    (m.terms = terminals_new(m.loop, m.scanhub)) == NULL)
		fatalx("scanners: cannot start");
	/* where scans go: staff terminals' streams, or the kiosk */
	scanhub_set_sink(m.scanhub, SCANHUB_STAFF, &terminals_sink_ops,
	    m.terms);
	scanhub_set_sink(m.scanhub, SCANHUB_KIOSK, &kiosk_sink_ops, m.kiosk);
	/* The udev monitor only when scanners are configured: without udev
	 * it logs a warning, noise on a box with none. */
	if (m.cfg.nscanners > 0 && (m.hotplug = hotplug_new(m.loop)) == NULL)
		fatal("hot-plug monitor");
	scanhub_set_hotplug(m.scanhub, m.hotplug);
	scanhub_set_shell(m.scanhub, SCAN_HID, &hid_shell_ops);
	scanhub_set_shell(m.scanhub, SCAN_CAMERA, &camera_shell_ops);
	scanhub_start(m.scanhub);
	m.scanners.hub = m.scanhub;
	m.scanners.terms = m.terms;
	m.routes.scanners = &m.scanners;
	/* The printer's data is checked at start: an error names the file
	 * and line. Only an enabled printer makes it fatal. */
	if ((m.printer = printer_new(m.loop, m.store, &m.cfg, &errors)) ==
	    NULL) {
		if (!m.cfg.printer_enabled)
			log_info("printing is off and its data not loaded: %s",
			    errors ? strtok(errors, "\n") : "");
		else
			for (char *line = strtok(errors, "\n"); line;
			     line = strtok(NULL, "\n"))
				log_warnx("%s", line);
		free(errors);
		errors = NULL;
		if (m.cfg.printer_enabled)
			fatalx("printer: the data above has errors");
	}
	m.routes.printer = m.printer;
	m.routes.print = m.printer != NULL ? &route_print : NULL;
	/* The kiosk's "print status slip" button exists only with a printer. */
	if (m.printer != NULL && m.cfg.printer_enabled)
		kiosk_set_printer(m.kiosk, &kiosk_slips, m.printer);
	nreserved = kiosk_addresses(&m.cfg, reserved);
	m.pub = http_new(m.loop,
	    &(struct http_opts){ .listen_fd = pub_fd,
	        .max_body = PUBLIC_BODY_MAX,
	        .max_conns = (unsigned)m.cfg.max_connections,
	        .timeout_s = (unsigned)m.cfg.connection_timeout_s,
	        .max_conns_per_addr =
	            (unsigned)m.cfg.max_connections_per_address,
	        .header_timeout_s = (unsigned)m.cfg.header_timeout_s,
	        .reserved_conns = nreserved > 0
	            ? (unsigned)m.cfg.kiosk_reserved_connections
	            : 0,
	        .reserved = reserved,
	        .reserved_count = nreserved },
	    routes_handle, &m.routes);
	m.admin = http_new(m.loop,
	    &(struct http_opts){ .listen_fd = admin_fd,
	        .admin = true,
	        .max_body = ADMIN_BODY_MAX,
	        .gate = routes_admin_gate, /* each row's body limit */
	        .max_conns = (unsigned)m.cfg.max_connections,
	        .timeout_s = (unsigned)m.cfg.connection_timeout_s,
	        .header_timeout_s = (unsigned)m.cfg.header_timeout_s },
	    routes_handle, &m.routes);
	if (m.pub == NULL || m.admin == NULL)
		fatalx("cannot start the HTTP listeners");
	if ((m.auth = auth_new(m.loop, m.store, &m.cfg,
	         m.cfg.staff_tls_cert[0] != '\0')) == NULL)
		fatal("auth");
	m.routes.auth = m.auth;
	if (staff_fd != -1)
		start_staff(&m, staff_fd);
	if (metrics_fd != -1)
		start_metrics(&m, metrics_fd);
	if (m.cfg.hub_role) {
		start_hub(&m);
	} else {
		if ((m.sync = sync_new(m.loop, m.store, &m.cfg)) == NULL)
			fatalx("sync: cannot start (see above)");
		m.routes.sync = m.sync;
	}

	log_info("motcuad ready: public http://%s, admin %s, store %s",
	    m.cfg.listen, m.cfg.admin_socket, m.cfg.db_path);
	uv_run(m.loop, UV_RUN_DEFAULT);

	teardown(&m);
	config_cleanup(&m.cfg);
	log_info("stopped");
	return 0;
}
