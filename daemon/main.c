/* main.c: motcuad. The init order is written once, here: config, log,
 * listeners (opened first: they may need privilege), store, rate limiter,
 * API, HTTP servers, signals; teardown runs in reverse. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "api.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "printer.h"
#include "ratelimit.h"
#include "store.h"

#define PUBLIC_BODY_MAX (16 * 1024)
#define ADMIN_BODY_MAX  (16 * 1024 * 1024)

struct motcuad { /* built in main(); each module gets only what it uses */
	const char *config_path;
	struct config cfg; /* owned; replaced whole on reload */
	uv_loop_t *loop;
	struct store *store;
	struct ratelimit *rl;
	struct api *api;
	struct printer *printer; /* NULL when printing is off and unset up */
	struct http_server *pub, *admin;
	uv_signal_t sighup, sigterm, sigint;
};

static void
usage(void)
{
	fprintf(stderr,
	    "usage: motcuad [-dnv] [-c FILE]\n"
	    "  -c FILE  configuration (default /etc/motcuad/motcuad.conf)\n"
	    "  -d       foreground: log to stderr, not syslog\n"
	    "  -n       check the configuration and exit (0 good, 1 bad)\n"
	    "  -v       verbose (debug) logging\n");
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

static void
swap_str(char **a, char **b)
{
	char *t = *a;

	*a = *b;
	*b = t;
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
	/* Restart-only keys keep their running values: swap them into next,
	 * so that freeing the old config frees next's unused ones. */
	swap_str(&next.listen, &m->cfg.listen);
	swap_str(&next.admin_socket, &m->cfg.admin_socket);
	swap_str(&next.db_path, &m->cfg.db_path);
	next.admin_socket_mode = m->cfg.admin_socket_mode;
	config_cleanup(&m->cfg);
	m->cfg = next;
	api_set_config(m->api, &m->cfg);
	reload_printer(m);
	apply_reloadable(m);
	store_audit(m->store, "operator (SIGHUP)", "config_reload",
	    m->config_path, "");
	log_info("configuration reloaded from %s", m->config_path);
}

static void
on_stop(uv_signal_t *h, int sig)
{
	struct motcuad *m = h->data;

	log_info("%s: stopping", strsignal(sig));
	/* Stop taking requests; in-flight ones finish inside MHD_stop. */
	http_free(m->pub);
	http_free(m->admin);
	m->pub = m->admin = NULL;
	printer_free(m->printer); /* a job being sent is reprinted at start */
	m->printer = NULL;
	api_set_printer(m->api, NULL);
	uv_close((uv_handle_t *)&m->sighup, NULL);
	uv_close((uv_handle_t *)&m->sigterm, NULL);
	uv_close((uv_handle_t *)&m->sigint, NULL);
}

int
main(int argc, char *argv[])
{
	struct motcuad m = { .config_path = "/etc/motcuad/motcuad.conf" };
	bool foreground = false, check = false, verbose = false;
	char *errors = NULL, err[STORE_ERR_MAX];
	int ch, pub_fd, admin_fd;

	while ((ch = getopt(argc, argv, "c:dnv")) != -1) {
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
		default:
			usage();
		}
	}
	if (optind != argc)
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
	log_init("motcuad", foreground, verbose || m.cfg.verbose);
	signal(SIGPIPE, SIG_IGN);

	if ((pub_fd = http_listen_tcp(m.cfg.listen)) == -1)
		fatalx("cannot listen on %s", m.cfg.listen);
	if ((admin_fd = http_listen_unix(m.cfg.admin_socket,
	         m.cfg.admin_socket_mode)) == -1)
		fatalx("cannot listen on %s", m.cfg.admin_socket);
	if ((m.store = store_open(m.cfg.db_path, m.cfg.busy_timeout_ms, err)) ==
	    NULL)
		fatalx("store %s: %s", m.cfg.db_path, err);
	if ((m.rl = ratelimit_new((size_t)m.cfg.max_tracked_clients,
	         m.cfg.miss_per_minute, m.cfg.miss_burst)) == NULL)
		fatal("rate limiter");
	if ((m.api = api_new(m.store, m.rl, &m.cfg)) == NULL)
		fatal("api");
	apply_reloadable(&m);

	m.loop = uv_default_loop();
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
	api_set_printer(m.api, m.printer);
	m.pub = http_new(m.loop,
	    &(struct http_opts){ .listen_fd = pub_fd,
	        .max_body = PUBLIC_BODY_MAX,
	        .max_conns = (unsigned)m.cfg.max_connections,
	        .timeout_s = (unsigned)m.cfg.connection_timeout_s },
	    api_handle, m.api);
	m.admin = http_new(m.loop,
	    &(struct http_opts){ .listen_fd = admin_fd,
	        .admin = true,
	        .max_body = ADMIN_BODY_MAX,
	        .max_conns = (unsigned)m.cfg.max_connections,
	        .timeout_s = (unsigned)m.cfg.connection_timeout_s },
	    api_handle, m.api);
	if (m.pub == NULL || m.admin == NULL)
		fatalx("cannot start the HTTP listeners");

	uv_signal_init(m.loop, &m.sighup);
	uv_signal_init(m.loop, &m.sigterm);
	uv_signal_init(m.loop, &m.sigint);
	m.sighup.data = m.sigterm.data = m.sigint.data = &m;
	uv_signal_start(&m.sighup, on_sighup, SIGHUP);
	uv_signal_start(&m.sigterm, on_stop, SIGTERM);
	uv_signal_start(&m.sigint, on_stop, SIGINT);

	log_info("motcuad ready: public http://%s, admin %s, store %s",
	    m.cfg.listen, m.cfg.admin_socket, m.cfg.db_path);
	uv_run(m.loop, UV_RUN_DEFAULT);

	/* Reverse order of the start. */
	api_free(m.api);
	ratelimit_free(m.rl);
	store_close(m.store);
	unlink(m.cfg.admin_socket);
	uv_loop_close(m.loop);
	config_cleanup(&m.cfg);
	log_info("stopped");
	return 0;
}
