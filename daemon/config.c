/* config.c: motcuad's configuration, driven by one table of keys.
 *
 * libinih splits the INI text; a reader of our own sits under it, because
 * Debian 12's inih (r55) cuts lines at 200 bytes without a word, gives the
 * handler no line number, reads an indented line as the continuation of the
 * previous key, and reports a bad line only as "the first error was on line
 * N". The reader therefore counts lines, refuses everything inih would
 * mangle or reject, and hands inih only clean lines (an empty line in place
 * of a refused one, so both keep the same count). The handler then finds the
 * key in the table, parses the value by the row's type and range, and says
 * what is wrong as "file:line: section.key: problem". All problems are
 * collected; any problem fails the whole file. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "config.h"
#include "core/textfold.h"
#include "kiosk/kiosk.h"
#include "scanner/scanconf.h"

#define LINE_MAX_BYTES  200   /* with the newline: what inih r55 keeps */
#define FILE_MAX_BYTES  65536 /* a config is a page or two; refuse more */
#define ERRORS_MAX      50    /* then stop reading: the rest is noise */
#define AGENCY_CODE_MAX 35    /* QD 20/2020 */

#define PRINTF_LIKE(a, b) __attribute__((__format__(__printf__, a, b)))

enum type {
	T_STR,  /* char *, owned */
	T_INT,  /* int, decimal, min..max */
	T_BOOL, /* bool: true/yes/on/1 or false/no/off/0 */
	T_MODE, /* unsigned, octal permission bits, none for others */
	T_TIME, /* int minutes after midnight, written hh:mm */
	T_ENUM, /* bool: false for words[0], true for words[1] */
};

struct key {
	const char *section;
	const char *key;
	const char *name; /* "section.key" */
	enum type type;
	size_t off;               /* of the field in struct config */
	long min, max;            /* T_INT, T_MODE; T_TIME in minutes */
	const char *def;          /* parsed like a value from the file; NULL:
	                           * the key is required */
	bool restart;             /* read at start-up only, not on SIGHUP */
	bool nonempty;            /* T_STR: "" is refused */
	const char *const *words; /* T_ENUM: exactly two */
	const char *(*check)(const char *); /* T_STR: NULL, or the problem */
	const char *help;                   /* one line for people */
};

static const char *check_listen(const char *);
static const char *check_url(const char *);
static const char *check_agency_code(const char *);
static const char *check_upstream(const char *);
static const char *check_backend(const char *);
static const char *check_parity(const char *);
static const char *check_flow(const char *);
static const char *check_staff_listen(const char *);

static const char *const due_words[] = { "same_clock", "end_of_day" };
static const char *const factor_words[] = { "id_last4", "phone_last4" };
static const char *check_terminals(const char *);
static const char *check_staff_terminals(const char *);
static const char *const role_words[] = { "terminal", "hub" };
static const char *const protocol_words[] = { "motcua", "lgsp" };
static const char *const postal_done_words[] = { "delivery", "handover" };

#define KEY(s, k) .section = s, .key = k, .name = s "." k
#define AT(field) .off = offsetof(struct config, field)

/* The one list of keys. packaging/motcuad.conf documents exactly these
 * (tests/unit/test_config.c checks it); change both together. */
static const struct key keys[] = {
	{ KEY("server", "listen"), .type = T_STR, AT(listen),
	    .def = "127.0.0.1:8080", .restart = true, .nonempty = true,
	    .check = check_listen,
	    .help = "HTTP listener: IPv4:port, localhost:port or [IPv6]:port" },
	{ KEY("server", "admin_socket"), .type = T_STR, AT(admin_socket),
	    .def = "/run/motcuad/admin.sock", .restart = true, .nonempty = true,
	    .help = "path of the admin CLI's Unix socket" },
	{ KEY("server", "admin_socket_mode"), .type = T_MODE,
	    AT(admin_socket_mode), .min = 0, .max = 0777, .def = "0660",
	    .restart = true,
	    .help = "octal permissions of the admin socket; none for others" },
	{ KEY("server", "public_url"), .type = T_STR, AT(public_url),
	    .def = "http://127.0.0.1:8080", .nonempty = true,
	    .check = check_url,
	    .help = "base URL printed on receipts and QR codes" },
	{ KEY("server", "max_connections"), .type = T_INT, AT(max_connections),
	    .min = 16, .max = 10000, .def = "256",
	    .help = "simultaneous HTTP connections per listener" },
	{ KEY("server", "connection_timeout_s"), .type = T_INT,
	    AT(connection_timeout_s), .min = 1, .max = 600, .def = "30",
	    .help = "seconds an idle HTTP connection is kept" },
	{ KEY("server", "max_connections_per_address"), .type = T_INT,
	    AT(max_connections_per_address), .min = 1, .max = 10000,
	    .def = "16", .restart = true,
	    .help = "simultaneous HTTP connections from one client address" },
	{ KEY("server", "header_timeout_s"), .type = T_INT,
	    AT(header_timeout_s), .min = 1, .max = 600, .def = "10",
	    .restart = true,
	    .help = "seconds a client has to send a request's headers" },
	{ KEY("store", "db_path"), .type = T_STR, AT(db_path),
	    .def = "/var/lib/motcuad/motcua.db", .restart = true,
	    .nonempty = true, .help = "SQLite database file" },
	{ KEY("store", "busy_timeout_ms"), .type = T_INT, AT(busy_timeout_ms),
	    .min = 0, .max = 60000, .def = "5000",
	    .help = "milliseconds to wait for a locked database" },
	{ KEY("office", "name"), .type = T_STR, AT(office_name),
	    .def = "Bộ phận Một cửa", .nonempty = true,
	    .help = "office name on receipts and the lookup page" },
	{ KEY("office", "agency_code"), .type = T_STR, AT(agency_code),
	    .def = NULL, .nonempty = true, .check = check_agency_code,
	    .help = "receiving agency code per QD 20/2020 (required)" },
	{ KEY("office", "agency_name"), .type = T_STR, AT(agency_name),
	    .def = "", .help = "agency name on receipts" },
	{ KEY("office", "hotline"), .type = T_STR, AT(hotline), .def = "",
	    .help = "phone number on receipts" },
	{ KEY("office", "open"), .type = T_TIME, AT(open_min), .min = 0,
	    .max = 1439, .def = "07:30", .help = "office opens, hh:mm" },
	{ KEY("office", "close"), .type = T_TIME, AT(close_min), .min = 0,
	    .max = 1439, .def = "17:00",
	    .help = "office closes, hh:mm, after open" },
	{ KEY("office", "due_time"), .type = T_ENUM, AT(due_end_of_day),
	    .words = due_words, .def = "same_clock",
	    .help = "due at the receiving clock time or at end of day" },
	{ KEY("lookup", "miss_per_minute"), .type = T_INT, AT(miss_per_minute),
	    .min = 1, .max = 10000, .def = "10",
	    .help = "failed lookups allowed per client address per minute" },
	{ KEY("lookup", "miss_burst"), .type = T_INT, AT(miss_burst), .min = 1,
	    .max = 10000, .def = "20",
	    .help = "failed lookups a client may make at once" },
	{ KEY("lookup", "max_tracked_clients"), .type = T_INT,
	    AT(max_tracked_clients), .min = 64, .max = 1000000, .def = "4096",
	    .help = "client addresses the rate limiter remembers" },
	{ KEY("sync", "role"), .type = T_ENUM, AT(hub_role),
	    .words = role_words, .def = "terminal", .restart = true,
	    .help =
	        "terminal (an office box) or hub (what terminals sync to)" },
	{ KEY("sync", "upstream_url"), .type = T_STR, AT(upstream_url),
	    .def = "", .check = check_upstream,
	    .help = "base URL of the hub; empty: sync off" },
	{ KEY("sync", "protocol"), .type = T_ENUM, AT(lgsp),
	    .words = protocol_words, .def = "motcua",
	    .help = "motcua (our hub) or lgsp (a DVCQG adapter on the LGSP)" },
	{ KEY("sync", "lgsp_auth_url"), .type = T_STR, AT(lgsp_auth_url),
	    .def = "", .check = check_upstream,
	    .help = "lgsp: the adapter's login endpoint" },
	{ KEY("sync", "lgsp_username"), .type = T_STR, AT(lgsp_username),
	    .def = "", .help = "lgsp: the account name" },
	{ KEY("sync", "lgsp_password_file"), .type = T_STR,
	    AT(lgsp_password_file), .def = "",
	    .help = "lgsp: file holding the account's password" },
	{ KEY("sync", "token_file"), .type = T_STR, AT(token_file), .def = "",
	    .help = "file holding this terminal's bearer token" },
	{ KEY("sync", "ca_file"), .type = T_STR, AT(ca_file), .def = "",
	    .help = "CA bundle that signs the hub's certificate" },
	{ KEY("sync", "insecure_http_loopback"), .type = T_BOOL,
	    AT(insecure_http_loopback), .def = "false",
	    .help = "tests only: allow http:// to a loopback upstream" },
	{ KEY("sync", "batch_size"), .type = T_INT, AT(batch_size), .min = 1,
	    .max = 1000, .def = "500", .help = "outbox items per push" },
	{ KEY("sync", "connect_timeout_ms"), .type = T_INT,
	    AT(connect_timeout_ms), .min = 100, .max = 60000, .def = "5000",
	    .help = "connect timeout of every upstream transfer" },
	{ KEY("sync", "timeout_ms"), .type = T_INT, AT(timeout_ms), .min = 500,
	    .max = 600000, .def = "30000",
	    .help = "total timeout of a push or a pull" },
	{ KEY("sync", "low_speed_bytes"), .type = T_INT, AT(low_speed_bytes),
	    .min = 1, .max = 1000000, .def = "100",
	    .help = "a transfer slower than this (bytes/s) ... " },
	{ KEY("sync", "low_speed_s"), .type = T_INT, AT(low_speed_s), .min = 1,
	    .max = 600, .def = "20",
	    .help = "... for this many seconds is abandoned" },
	{ KEY("sync", "backoff_min_ms"), .type = T_INT, AT(backoff_min_ms),
	    .min = 10, .max = 60000, .def = "1000",
	    .help = "first retry delay bound after a failure" },
	{ KEY("sync", "backoff_max_ms"), .type = T_INT, AT(backoff_max_ms),
	    .min = 100, .max = 3600000, .def = "300000",
	    .help = "cap of the exponential backoff" },
	{ KEY("sync", "pull_interval_s"), .type = T_INT, AT(pull_interval_s),
	    .min = 1, .max = 3600, .def = "30",
	    .help = "seconds between pulls of upstream changes" },
	{ KEY("sync", "lookup_timeout_ms"), .type = T_INT,
	    AT(lookup_timeout_ms), .min = 100, .max = 10000, .def = "1500",
	    .help = "a kiosk lookup asks upstream for at most this long" },
	{ KEY("sync", "stall_warn_s"), .type = T_INT, AT(stall_warn_s),
	    .min = 1, .max = 604800, .def = "3600",
	    .help = "warn when the oldest unsent item is older" },
	{ KEY("hub", "listen"), .type = T_STR, AT(hub_listen),
	    .def = "127.0.0.1:8443", .restart = true, .nonempty = true,
	    .check = check_listen, .help = "hub role: the sync listener" },
	{ KEY("hub", "db_path"), .type = T_STR, AT(hub_db_path),
	    .def = "/var/lib/motcuad/hub.db", .restart = true, .nonempty = true,
	    .help = "hub role: the hub's SQLite database" },
	{ KEY("hub", "tokens_file"), .type = T_STR, AT(hub_tokens_file),
	    .def = "/etc/motcuad/hub-tokens", .restart = true, .nonempty = true,
	    .help = "hub role: terminal names and tokens" },
	{ KEY("hub", "tls_cert"), .type = T_STR, AT(hub_tls_cert), .def = "",
	    .restart = true, .help = "hub role: PEM certificate chain" },
	{ KEY("hub", "tls_key"), .type = T_STR, AT(hub_tls_key), .def = "",
	    .restart = true, .help = "hub role: PEM private key" },
	{ KEY("log", "verbose"), .type = T_BOOL, AT(verbose), .def = "false",
	    .help = "also log debug messages" },
	{ KEY("report", "max_days"), .type = T_INT, AT(report_max_days),
	    .min = 1, .max = 3660, .def = "366",
	    .help = "longest report period in days" },
	{ KEY("kiosk", "terminals"), .type = T_STR, AT(kiosk_terminals),
	    .def = "", .check = check_terminals,
	    .help =
	        "kiosk terminals: id[@address][/failures_per_minute], ..." },
	{ KEY("kiosk", "reserved_connections"), .type = T_INT,
	    AT(kiosk_reserved_connections), .min = 0, .max = 1000, .def = "16",
	    .restart = true,
	    .help = "public-listener slots only pinned kiosk terminals use" },
	{ KEY("kiosk", "second_factor"), .type = T_ENUM, AT(kiosk_factor_phone),
	    .words = factor_words, .def = "id_last4",
	    .help = "asked with a plain code: last 4 digits of ID or phone" },
	{ KEY("kiosk", "failures_per_minute"), .type = T_INT,
	    AT(kiosk_failures_per_minute), .min = 1, .max = 600, .def = "3",
	    .help = "wrong code or digits allowed per terminal per minute" },
	{ KEY("kiosk", "failure_burst"), .type = T_INT, AT(kiosk_failure_burst),
	    .min = 1, .max = 600, .def = "5",
	    .help = "wrong code or digits a terminal may make at once" },
	{ KEY("kiosk", "code_failures_per_hour"), .type = T_INT,
	    AT(kiosk_code_failures_per_hour), .min = 1, .max = 600, .def = "5",
	    .help = "wrong digits allowed per dossier code per hour" },
	{ KEY("kiosk", "clear_after_s"), .type = T_INT, AT(kiosk_clear_after_s),
	    .min = 5, .max = 600, .def = "30",
	    .help = "seconds before a status card clears itself" },
	{ KEY("kiosk", "max_stream_clients"), .type = T_INT,
	    AT(kiosk_max_stream_clients), .min = 1, .max = 256, .def = "16",
	    .help = "terminal event streams open at once" },
	{ KEY("kiosk", "heartbeat_s"), .type = T_INT, AT(kiosk_heartbeat_s),
	    .min = 1, .max = 300, .def = "15",
	    .help = "seconds between event stream pings" },
	{ KEY("kiosk", "test_endpoints"), .type = T_BOOL,
	    AT(kiosk_test_endpoints), .def = "false", .restart = true,
	    .help = "TEST ONLY: scan injection endpoint; never in production" },
	/* [printer]: docs/printing.md. The link keys are restart-only. */
	{ KEY("printer", "enabled"), .type = T_BOOL, AT(printer_enabled),
	    .def = "false", .restart = true,
	    .help = "drive a receipt printer and its queue" },
	{ KEY("printer", "backend"), .type = T_STR, AT(printer_backend),
	    .def = "serial", .restart = true, .check = check_backend,
	    .help = "serial (libserialport), tty (termios) or file" },
	{ KEY("printer", "device"), .type = T_STR, AT(printer_device),
	    .def = "/dev/ttyUSB0", .restart = true, .nonempty = true,
	    .help = "serial port, tty path, or the file to append to" },
	{ KEY("printer", "baud"), .type = T_INT, AT(printer_baud), .min = 9600,
	    .max = 115200, .def = "9600", .restart = true,
	    .help = "9600, 19200, 38400, 57600 or 115200" },
	{ KEY("printer", "data_bits"), .type = T_INT, AT(printer_data_bits),
	    .min = 7, .max = 8, .def = "8", .restart = true, .help = "7 or 8" },
	{ KEY("printer", "parity"), .type = T_STR, AT(printer_parity),
	    .def = "none", .restart = true, .check = check_parity,
	    .help = "none, odd or even" },
	{ KEY("printer", "stop_bits"), .type = T_INT, AT(printer_stop_bits),
	    .min = 1, .max = 2, .def = "1", .restart = true, .help = "1 or 2" },
	{ KEY("printer", "flow"), .type = T_STR, AT(printer_flow),
	    .def = "dtrdsr", .restart = true, .check = check_flow,
	    .help = "none, rtscts, dtrdsr or xonxoff" },
	{ KEY("printer", "profile"), .type = T_STR, AT(printer_profile),
	    .def = "epson80", .nonempty = true,
	    .help = "printer profile name (data_dir/profiles/NAME.profile)" },
	{ KEY("printer", "data_dir"), .type = T_STR, AT(printer_data_dir),
	    .def = "/usr/share/motcua/printer", .nonempty = true,
	    .help = "directory of profiles/ and templates/" },
	{ KEY("printer", "font"), .type = T_STR, AT(printer_font[0]),
	    .def = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
	    .nonempty = true, .help = "monospaced font for raster text" },
	{ KEY("printer", "font_bold"), .type = T_STR, AT(printer_font[1]),
	    .def = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
	    .nonempty = true, .help = "its bold face" },
	{ KEY("printer", "font_fallback"), .type = T_STR, AT(printer_font[2]),
	    .def = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	    .nonempty = true,
	    .help = "font for letters the monospaced font lacks" },
	{ KEY("printer", "font_fallback_bold"), .type = T_STR,
	    AT(printer_font[3]),
	    .def = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
	    .nonempty = true, .help = "its bold face" },
	{ KEY("printer", "status_timeout_ms"), .type = T_INT,
	    AT(printer_status_timeout_ms), .min = 50, .max = 5000, .def = "500",
	    .help = "wait for one status reply byte" },
	{ KEY("printer", "write_timeout_ms"), .type = T_INT,
	    AT(printer_write_timeout_ms), .min = 1000, .max = 300000,
	    .def = "30000", .help = "a job write making no progress fails" },
	{ KEY("printer", "queue_max"), .type = T_INT, AT(printer_queue_max),
	    .min = 1, .max = 10000, .def = "200",
	    .help = "jobs waiting at most; more are refused" },
	{ KEY("scanner", "dedup_ms"), .type = T_INT, AT(scanner_dedup_ms),
	    .min = 0, .max = 60000, .def = "2000", .restart = true,
	    .help = "a repeat of a scan from one source within this is "
	            "counted once" },
	{ KEY("scanner", "terminals"), .type = T_STR, AT(scanner_terminals),
	    .def = "", .restart = true, .check = check_staff_terminals,
	    .help = "staff terminals (clerk stations, desks) scanners feed" },
	/* Staff listener and accounts: docs/security.md. */
	{ KEY("server", "staff_listen"), .type = T_STR, AT(staff_listen),
	    .def = "", .restart = true, .check = check_staff_listen,
	    .help = "staff pages and API (sessions, tokens); empty: off" },
	{ KEY("server", "staff_tls_cert"), .type = T_STR, AT(staff_tls_cert),
	    .def = "", .restart = true,
	    .help = "staff listener: PEM certificate chain (HTTPS)" },
	{ KEY("server", "staff_tls_key"), .type = T_STR, AT(staff_tls_key),
	    .def = "", .restart = true,
	    .help = "staff listener: PEM private key" },
	{ KEY("auth", "session_idle_s"), .type = T_INT, AT(session_idle_s),
	    .min = 60, .max = 86400, .def = "1800",
	    .help = "a session unused this long ends" },
	{ KEY("auth", "session_max_s"), .type = T_INT, AT(session_max_s),
	    .min = 300, .max = 604800, .def = "43200",
	    .help = "a session ends this long after sign-in" },
	{ KEY("auth", "lockout_user_failures"), .type = T_INT,
	    AT(lockout_user_failures), .min = 1, .max = 100, .def = "5",
	    .help = "failed sign-ins of one user before the backoff" },
	{ KEY("auth", "lockout_addr_failures"), .type = T_INT,
	    AT(lockout_addr_failures), .min = 1, .max = 1000, .def = "20",
	    .help = "failed sign-ins from one address before the backoff" },
	{ KEY("auth", "lockout_base_s"), .type = T_INT, AT(lockout_base_s),
	    .min = 1, .max = 3600, .def = "30",
	    .help = "first lock; it doubles with each further failure" },
	{ KEY("auth", "lockout_max_s"), .type = T_INT, AT(lockout_max_s),
	    .min = 1, .max = 86400, .def = "900", .help = "longest lock" },
	{ KEY("postal", "done_at"), .type = T_ENUM, AT(postal_done_at_handover),
	    .words = postal_done_words, .def = "delivery",
	    .help = "a result returned by post is status 10 at delivery "
	            "confirmation or at handover to the post office" },
};

#define KEY_COUNT (sizeof(keys) / sizeof(keys[0]))

/* Collected error lines: at most ERRORS_MAX, then one "too many". */
struct errs {
	const char *name; /* the file, for the "too many" line */
	char *buf;        /* owned; each line ends in '\n'; NUL-terminated */
	size_t len, cap;
	int count;
	bool full; /* no more are kept; the reader stops */
	bool oom;
};

struct parse {
	FILE *f;
	const char *name;
	struct config *cfg;
	struct errs errs;
	int lineno;          /* of the line inih is working on */
	size_t total;        /* bytes read so far <= FILE_MAX_BYTES */
	const char *section; /* the table's spelling; NULL before any */
	bool skip;           /* under a bad header: its keys go unchecked */
	int line[KEY_COUNT]; /* where each key was set; 0: not set */
	bool bad[KEY_COUNT]; /* its value was refused */
	/* [scanner.NAME] sections (scanner/scanconf.c) */
	int scan_src; /* the source of the current section, or -1 */
	char scan_section[8 + SCAN_NAME_MAX];
	struct scanconf_lines scan;
};

/* Appends one line of text; failure to grow sets oom. */
static void
errs_append(struct errs *e, const char *text)
{
	size_t n = strlen(text), need = e->len + n + 2; /* '\n', NUL */
	char *p;

	if (e->oom)
		return;
	if (need > e->cap) {
		size_t cap = e->cap ? e->cap : 512;

		while (cap < need)
			cap *= 2;
		if ((p = realloc(e->buf, cap)) == NULL) {
			e->oom = true;
			return;
		}
		e->buf = p;
		e->cap = cap;
	}
	memcpy(e->buf + e->len, text, n);
	e->len += n;
	e->buf[e->len++] = '\n';
	e->buf[e->len] = '\0';
}

static void PRINTF_LIKE(2, 3) errs_add(struct errs *e, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int n;

	if (e->full)
		return;
	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0) {
		e->oom = true;
		return;
	}
	errs_append(e, line);
	free(line);
	if (++e->count == ERRORS_MAX) {
		e->full = true;
		if (asprintf(&line, "%s: too many errors, stopped reading",
		        e->name) < 0) {
			e->oom = true;
			return;
		}
		errs_append(e, line);
		free(line);
	}
}

/* ASCII on purpose: the <ctype.h> tests follow the locale. */
static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* "host:port": an IPv4 address, localhost or a bracketed IPv6 address;
 * no names to resolve, so the check needs no network. */
static const char *
check_listen(const char *v)
{
	const char *host, *port, *end;
	unsigned char addr[sizeof(struct in6_addr)];
	char buf[INET6_ADDRSTRLEN];
	size_t hlen;
	long n;
	int family;

	if (v[0] == '[') {
		if ((end = strchr(v, ']')) == NULL || end[1] != ':')
			return "expected host:port, host an IPv4 address, "
			       "localhost or [IPv6 address]";
		host = v + 1;
		port = end + 2;
		family = AF_INET6;
	} else {
		if ((end = strrchr(v, ':')) == NULL)
			return "expected host:port, host an IPv4 address, "
			       "localhost or [IPv6 address]";
		host = v;
		port = end + 1;
		family = AF_INET;
	}
	hlen = (size_t)(end - host);
	if (hlen == 0 || hlen >= sizeof(buf))
		return "expected host:port, host an IPv4 address, localhost "
		       "or [IPv6 address]";
	memcpy(buf, host, hlen);
	buf[hlen] = '\0';
	if (!(family == AF_INET && strcmp(buf, "localhost") == 0) &&
	    inet_pton(family, buf, addr) != 1)
		return "expected host:port, host an IPv4 address, localhost "
		       "or [IPv6 address]";
	for (n = 0, end = port; is_digit(*end) && end - port < 6; end++)
		n = n * 10 + (*end - '0');
	if (end == port || *end != '\0' || n < 1 || n > 65535)
		return "port must be 1..65535";
	return NULL;
}

/* Empty turns the staff listener off. */
static const char *
check_staff_listen(const char *v)
{
	return v[0] == '\0' ? NULL : check_listen(v);
}

static const char *
check_url(const char *v)
{
	const char *rest, *s;

	if (strncmp(v, "http://", 7) == 0)
		rest = v + 7;
	else if (strncmp(v, "https://", 8) == 0)
		rest = v + 8;
	else
		return "must start with http:// or https://";
	if (*rest == '\0' || *rest == '/')
		return "no host after the scheme";
	for (s = v; *s; s++)
		if (is_blank(*s))
			return "must not contain spaces";
	return NULL;
}

/* Empty (sync off), or an http(s) URL without a trailing path slash
 * problem: the sender appends /sync/v1/... */
static const char *
check_upstream(const char *v)
{
	if (*v == '\0')
		return NULL;
	return check_url(v);
}

/* QD 20/2020/QD-TTg agency codes, e.g. "000.00.19.H49": groups of 1 to 4
 * characters from A-Z 0-9 joined by '.', at least two groups, at most 35
 * characters. The dossier code module has the full rules; this is the
 * shape check a config needs. */
static const char *
check_word(const char *v, const char *const *words, const char *msg)
{
	for (; *words != NULL; words++)
		if (strcmp(v, *words) == 0)
			return NULL;
	return msg;
}

static const char *
check_backend(const char *v)
{
	static const char *const w[] = { "serial", "tty", "file", NULL };

	return check_word(v, w, "not serial, tty or file");
}

static const char *
check_parity(const char *v)
{
	static const char *const w[] = { "none", "odd", "even", NULL };

	return check_word(v, w, "not none, odd or even");
}

static const char *
check_flow(const char *v)
{
	static const char *const w[] = { "none", "rtscts", "dtrdsr", "xonxoff",
		NULL };

	return check_word(v, w, "not none, rtscts, dtrdsr or xonxoff");
}

static const char *
check_agency_code(const char *v)
{
	static const char bad[] = "not an agency code (2 or more groups of 1-4 "
	                          "of A-Z 0-9 joined by '.', at most 35 "
	                          "characters)";
	size_t len = 0, group = 0, groups = 0;
	const char *s;

	for (s = v; *s; s++) {
		if (++len > AGENCY_CODE_MAX)
			return bad;
		if (*s == '.') {
			if (group == 0)
				return bad;
			group = 0;
		} else if ((*s >= 'A' && *s <= 'Z') || is_digit(*s)) {
			if (group++ == 0)
				groups++;
			if (group > 4)
				return bad;
		} else {
			return bad;
		}
	}
	if (group == 0 || groups < 2)
		return bad;
	return NULL;
}

/* The terminal list: the parser lives in kiosk.c; config only asks it. */
static const char *
check_terminals(const char *v)
{
	struct kiosk_terminal t[KIOSK_TERMINALS_MAX];
	size_t n;

	return kiosk_terminals_parse(v, t, &n);
}

static const char *
check_staff_terminals(const char *v)
{
	char t[SCAN_SOURCES_MAX][SCAN_NAME_MAX];
	size_t n;

	return scanconf_terminals_parse(v, t, &n);
}

/* [scanner.NAME], one scanner source: the section name, or NULL when s is
 * not one (*reported when it looked like one but was refused). */
static const char *
scanner_section(struct parse *p, const char *s, size_t len, bool *reported)
{
	char buf[80];
	const char *problem;

	*reported = false;
	if (len < 8 || memcmp(s, "scanner.", 8) != 0)
		return NULL;
	problem =
	    scanconf_section(&p->scan, p->cfg->scanners, &p->cfg->nscanners,
	        s + 8, len - 8, p->lineno, &p->scan_src, buf, sizeof buf);
	if (problem != NULL) {
		errs_add(&p->errs, "%s:%d: [%.*s]: %s", p->name, p->lineno,
		    (int)len, s, problem);
		*reported = true;
		return NULL;
	}
	snprintf(p->scan_section, sizeof p->scan_section, "%.*s", (int)len, s);
	return p->scan_section;
}

static void
scanner_report(void *arg, int line, const char *text)
{
	struct parse *p = arg;

	if (line > 0)
		errs_add(&p->errs, "%s:%d: %s", p->name, line, text);
	else
		errs_add(&p->errs, "%s: %s", p->name, text);
}

static void *
field(struct config *c, const struct key *k)
{
	return (char *)c + k->off;
}

static const void *
cfield(const struct config *c, const struct key *k)
{
	return (const char *)c + k->off;
}

/* Parses the value v of key k into its field of c. Returns NULL, or the
 * problem (static, or written to buf). A refused value leaves the field
 * as it was. */
static const char *
parse_value(const struct key *k, const char *v, struct config *c, char *buf,
    size_t size)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const char *problem, *s;
	char *end, *copy;
	size_t i, len;
	long n;

	switch (k->type) {
	case T_STR:
		len = strlen(v);
		if (k->nonempty && len == 0)
			return "must not be empty";
		if (!text_utf8(v, strlen(v)))
			return "not valid UTF-8";
		if (len >= 2 && (v[0] == '"' || v[0] == '\'') &&
		    v[len - 1] == v[0])
			return "remove the quotes: values are taken as written";
		if (k->check && (problem = k->check(v)) != NULL)
			return problem;
		if ((copy = strdup(v)) == NULL)
			return "out of memory";
		free(*(char **)field(c, k));
		*(char **)field(c, k) = copy;
		return NULL;
	case T_INT:
		s = v[0] == '-' ? v + 1 : v;
		if (!is_digit(*s))
			return "not a whole number";
		errno = 0;
		n = strtol(v, &end, 10);
		if (*end != '\0')
			return "not a whole number";
		if (errno == ERANGE || n < k->min || n > k->max) {
			snprintf(buf, size, "out of range %ld..%ld", k->min,
			    k->max);
			return buf;
		}
		*(int *)field(c, k) = (int)n;
		return NULL;
	case T_BOOL:
		for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
			if (strcmp(v, yes[i]) == 0 || strcmp(v, no[i]) == 0) {
				*(bool *)field(c, k) = strcmp(v, yes[i]) == 0;
				return NULL;
			}
		}
		return "expected true or false";
	case T_MODE:
		len = strlen(v);
		if (len < 1 || len > 4 || strspn(v, "01234567") != len)
			return "expected an octal mode such as 0660";
		errno = 0;
		n = strtol(v, &end, 8);
		if (*end != '\0' || errno == ERANGE)
			return "expected an octal mode such as 0660";
		if (n < k->min || n > k->max) {
			snprintf(buf, size, "out of range %04lo..%04lo", k->min,
			    k->max);
			return buf;
		}
		if (n & 07)
			return "gives access to others (the last digit must "
			       "be 0)";
		*(unsigned *)field(c, k) = (unsigned)n;
		return NULL;
	case T_TIME:
		/* "7:30" or "07:30"; strtol would take "+7" and " 7" */
		len = strlen(v);
		if ((len != 4 && len != 5) || v[len - 3] != ':' ||
		    !is_digit(v[0]) || !is_digit(v[len - 4]) ||
		    !is_digit(v[len - 2]) || !is_digit(v[len - 1]))
			return "expected hh:mm from 00:00 to 23:59";
		n = (len == 5 ? (v[0] - '0') * 10 : 0) + (v[len - 4] - '0');
		if (n > 23 || (v[len - 2] - '0') > 5)
			return "expected hh:mm from 00:00 to 23:59";
		n = n * 60 + (v[len - 2] - '0') * 10 + (v[len - 1] - '0');
		if (n < k->min || n > k->max) {
			snprintf(buf, size,
			    "out of range %02ld:%02ld..%02ld:%02ld",
			    k->min / 60, k->min % 60, k->max / 60, k->max % 60);
			return buf;
		}
		*(int *)field(c, k) = (int)n;
		return NULL;
	case T_ENUM:
		for (i = 0; i < 2; i++) {
			if (strcmp(v, k->words[i]) == 0) {
				*(bool *)field(c, k) = i == 1;
				return NULL;
			}
		}
		snprintf(buf, size, "expected %s or %s", k->words[0],
		    k->words[1]);
		return buf;
	}
	return "unknown type"; /* not reached */
}

static int
find_key(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < KEY_COUNT; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* The table's spelling of a section name, or NULL. */
static const char *
find_section(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < KEY_COUNT; i++)
		if (strlen(keys[i].section) == len &&
		    memcmp(keys[i].section, s, len) == 0)
			return keys[i].section;
	return NULL;
}

/* A key line's key and its length: the text before the first '=' or ':',
 * unless an inline comment (';' after a blank) comes first, which is where
 * inih looks. Returns NULL when there is no separator. */
static const char *
key_of(const char *s, size_t *len)
{
	const char *e;

	for (e = s; *e; e++) {
		if (*e == '=' || *e == ':')
			break;
		if (*e == ';' && e > s && is_blank(e[-1]))
			return NULL;
	}
	if (*e == '\0')
		return NULL;
	while (e > s && is_blank(e[-1]))
		e--;
	*len = (size_t)(e - s);
	return s;
}

/* The "section.key: " prefix of a line-level error, when the line looks
 * like a key in a known section; else "". */
static void
line_key(const struct parse *p, const char *s, char *buf, size_t size)
{
	const char *k;
	size_t len;

	buf[0] = '\0';
	if (p->section && !p->skip && (k = key_of(s, &len)) != NULL &&
	    len > 0 && len < 64)
		snprintf(buf, size, "%s.%.*s: ", p->section, (int)len, k);
}

/* inih's ini_reader: fills str (num bytes) with the next line, checked.
 * Refused lines are reported and passed on empty. NULL at end of input,
 * after a read error, or when the file is too big or too wrong. */
static char *
read_line(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char buf[LINE_MAX_BYTES + 1], pre[80];
	size_t len = 0, limit, i, klen;
	const char *s, *t, *close;
	bool any = false, reported;
	int ch;

	if (p->errs.full || num < 2)
		return NULL;
	/* The content plus its newline must fit, and inih needs the NUL
	 * where the newline was. */
	limit = LINE_MAX_BYTES;
	if ((size_t)num < limit)
		limit = (size_t)num;
	while ((ch = getc(p->f)) != EOF) {
		any = true;
		if (++p->total > FILE_MAX_BYTES) {
			errs_add(&p->errs, "%s: larger than %d bytes", p->name,
			    FILE_MAX_BYTES);
			p->errs.full = true;
			return NULL;
		}
		if (ch == '\n')
			break;
		if (len < sizeof(buf) - 1)
			buf[len] = (char)ch;
		len++;
	}
	if (!any)
		return NULL;
	p->lineno++;
	str[0] = '\0';
	if (len + 1 > limit) {
		buf[len < sizeof(buf) ? len : sizeof(buf) - 1] = '\0';
		line_key(p, buf, pre, sizeof(pre));
		errs_add(&p->errs, "%s:%d: %sline longer than %zu bytes",
		    p->name, p->lineno, pre, limit);
		return str;
	}
	if (len > 0 && buf[len - 1] == '\r') /* CRLF */
		len--;
	buf[len] = '\0';
	s = buf;
	if (p->lineno == 1 && len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3; /* a UTF-8 byte order mark; inih would skip it too */
	if (p->lineno == 1 && buf + len - s >= 3 &&
	    memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		/* inih would skip a second one as well and read what follows
		 * as a line our checks never saw (found by fuzz_config) */
		errs_add(&p->errs, "%s:%d: a second byte order mark", p->name,
		    p->lineno);
		return str;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			errs_add(&p->errs, "%s:%d: control character 0x%02x",
			    p->name, p->lineno, c);
			return str;
		}
	}
	for (t = s; is_blank(*t); t++)
		;
	if (*t == '\0' || *t == ';' || *t == '#')
		return str; /* blank or comment */
	if (t != s) {
		errs_add(&p->errs,
		    "%s:%d: indented line (continuation lines are not "
		    "supported)",
		    p->name, p->lineno);
		return str;
	}
	if (*s == '[') {
		p->skip = true; /* until a good header */
		if ((close = strchr(s, ']')) == NULL) {
			errs_add(&p->errs, "%s:%d: no ']' after '['", p->name,
			    p->lineno);
			return str;
		}
		for (t = close + 1; is_blank(*t); t++)
			;
		if (*t != '\0' && *t != ';' && *t != '#') {
			errs_add(&p->errs, "%s:%d: text after ']'", p->name,
			    p->lineno);
			return str;
		}
		for (s++; is_blank(*s); s++)
			;
		while (close > s && is_blank(close[-1]))
			close--;
		p->scan_src = -1;
		if ((p->section = find_section(s, (size_t)(close - s))) ==
		        NULL &&
		    (p->section = scanner_section(p, s, (size_t)(close - s),
		         &reported)) == NULL) {
			if (!reported)
				errs_add(&p->errs,
				    "%s:%d: [%.*s]: unknown section", p->name,
				    p->lineno, (int)(close - s), s);
			return str;
		}
		p->skip = false;
		/* inih keeps blanks inside brackets; give it the name */
		snprintf(str, (size_t)num, "[%s]", p->section);
		return str;
	}
	if (key_of(s, &klen) == NULL) {
		errs_add(&p->errs, "%s:%d: expected key = value", p->name,
		    p->lineno);
		return str;
	}
	if (klen == 0) {
		errs_add(&p->errs, "%s:%d: no key before '='", p->name,
		    p->lineno);
		return str;
	}
	memcpy(str, s, (size_t)(buf + len - s) + 1);
	return str;
}

/* inih's handler: one key = value of the line the reader just gave. */
static int
on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const char *problem;
	char buf[64];
	int i;

	if (p->skip)
		return 1; /* the header was reported */
	/* The reader passes only headers it has checked, so inih agrees. */
	(void)section; /* unused under NDEBUG */
	assert(strcmp(section, p->section ? p->section : "") == 0);
	if (p->section == NULL) {
		errs_add(&p->errs, "%s:%d: %s: key outside any [section]",
		    p->name, p->lineno, name);
		return 0;
	}
	if (p->scan_src >= 0) { /* [scanner.NAME] */
		char sbuf[160];

		if ((problem = scanconf_set(&p->scan, p->cfg->scanners,
		         p->scan_src, name, value, p->lineno, sbuf,
		         sizeof sbuf)) != NULL) {
			errs_add(&p->errs, "%s:%d: %s.%s: %s", p->name,
			    p->lineno, p->section, name, problem);
			return 0;
		}
		return 1;
	}
	if ((i = find_key(p->section, name)) < 0) {
		errs_add(&p->errs, "%s:%d: %s.%s: unknown key", p->name,
		    p->lineno, p->section, name);
		return 0;
	}
	if (p->line[i] != 0) {
		errs_add(&p->errs,
		    "%s:%d: %s: duplicate key (first set on line %d)", p->name,
		    p->lineno, keys[i].name, p->line[i]);
		return 0;
	}
	p->line[i] = p->lineno;
	if ((problem = parse_value(&keys[i], value, p->cfg, buf,
	         sizeof(buf))) != NULL) {
		p->bad[i] = true;
		if (*value == '\0')
			errs_add(&p->errs, "%s:%d: %s: %s", p->name, p->lineno,
			    keys[i].name, problem);
		else
			errs_add(&p->errs, "%s:%d: %s: %s: '%s'", p->name,
			    p->lineno, keys[i].name, problem, value);
		return 0;
	}
	return 1;
}

/* Rules across keys, and required keys, once the file is read. */
static void
check_whole(struct parse *p)
{
	const struct config *c = p->cfg;
	int o = find_key("office", "open"), cl = find_key("office", "close");
	size_t i;

	assert(o >= 0 && cl >= 0);
	{ /* the staff listener (docs/security.md) */
		const char *sl = c->staff_listen ? c->staff_listen : "";
		bool cert = c->staff_tls_cert && c->staff_tls_cert[0];
		bool key = c->staff_tls_key && c->staff_tls_key[0];

		if (cert != key)
			errs_add(&p->errs,
			    "%s: server.staff_tls_cert and server.staff_tls_key: "
			    "set both or neither",
			    p->name);
		if (sl[0] != '\0' && c->listen != NULL &&
		    strcmp(sl, c->listen) == 0)
			errs_add(&p->errs,
			    "%s: server.staff_listen: the same as server.listen; "
			    "the public listener must stay apart",
			    p->name);
	}
	if (c->backoff_max_ms < c->backoff_min_ms)
		errs_add(&p->errs,
		    "%s: sync.backoff_max_ms: less than sync.backoff_min_ms",
		    p->name);
	for (int u = 0; u < 2; u++) {
		const char *url = u == 0 ? c->upstream_url : c->lgsp_auth_url;
		const char *h;

		if (url == NULL || strncmp(url, "http://", 7) != 0)
			continue;
		h = url + 7;

		/* plain http is for tests on this machine only */
		if (!c->insecure_http_loopback)
			errs_add(&p->errs,
			    "%s: sync.%s: http:// needs "
			    "sync.insecure_http_loopback = true (tests only);"
			    " use https://",
			    p->name, u == 0 ? "upstream_url" : "lgsp_auth_url");
		else if (strncmp(h, "127.", 4) != 0 &&
		    strncmp(h, "localhost", 9) != 0 &&
		    strncmp(h, "[::1]", 5) != 0)
			errs_add(&p->errs,
			    "%s: sync.%s: http:// is allowed only to"
			    " a loopback address",
			    p->name, u == 0 ? "upstream_url" : "lgsp_auth_url");
	}
	if (c->lgsp && c->upstream_url != NULL && c->upstream_url[0] != '\0' &&
	    (c->lgsp_auth_url == NULL || c->lgsp_auth_url[0] == '\0' ||
	        c->lgsp_username == NULL || c->lgsp_username[0] == '\0' ||
	        c->lgsp_password_file == NULL ||
	        c->lgsp_password_file[0] == '\0'))
		errs_add(&p->errs,
		    "%s: sync.protocol: lgsp needs sync.lgsp_auth_url, "
		    "sync.lgsp_username and sync.lgsp_password_file",
		    p->name);
	for (i = 0; i < KEY_COUNT; i++)
		if (keys[i].def == NULL && p->line[i] == 0)
			errs_add(&p->errs, "%s: %s: required key is missing",
			    p->name, keys[i].name);
	if (!p->bad[o] && !p->bad[cl] && c->close_min <= c->open_min) {
		if (p->line[cl] != 0)
			errs_add(&p->errs,
			    "%s:%d: office.close: not after office.open "
			    "(%02d:%02d): '%02d:%02d'",
			    p->name, p->line[cl], c->open_min / 60,
			    c->open_min % 60, c->close_min / 60,
			    c->close_min % 60);
		else
			errs_add(&p->errs,
			    "%s:%d: office.open: not before office.close "
			    "(%02d:%02d): '%02d:%02d'",
			    p->name, p->line[o], c->close_min / 60,
			    c->close_min % 60, c->open_min / 60,
			    c->open_min % 60);
	}
	{
		int b = find_key("printer", "baud");

		assert(b >= 0);
		if (!p->bad[b] && c->printer_baud != 9600 &&
		    c->printer_baud != 19200 && c->printer_baud != 38400 &&
		    c->printer_baud != 57600 && c->printer_baud != 115200)
			errs_add(&p->errs,
			    "%s:%d: printer.baud: not 9600, 19200, 38400, "
			    "57600 or 115200: '%d'",
			    p->name, p->line[b], c->printer_baud);
	}
	{
		int kt = find_key("kiosk", "terminals"),
		    st = find_key("scanner", "terminals");

		assert(kt >= 0 && st >= 0);
		scanconf_check(&p->scan, c->scanners, c->nscanners,
		    p->bad[kt] ? NULL : c->kiosk_terminals,
		    p->bad[st] ? NULL : c->scanner_terminals, scanner_report,
		    p);
	}
}

static int
parse_file(FILE *f, const char *name, struct config *out, char **errors)
{
	struct config c = { 0 };
	struct parse p = { .f = f, .name = name, .cfg = &c, .scan_src = -1 };
	char buf[64];
	const char *problem;
	size_t i;
	int rc;

	p.errs.name = name;
	for (i = 0; i < KEY_COUNT; i++) {
		if (keys[i].def == NULL)
			continue;
		problem =
		    parse_value(&keys[i], keys[i].def, &c, buf, sizeof(buf));
		if (problem != NULL) /* only "out of memory" */
			errs_add(&p.errs, "%s: %s: default: %s", name,
			    keys[i].name, problem);
	}
	errno = 0;
	rc = ini_parse_stream(read_line, &p, on_pair, &p);
	if (ferror(f))
		errs_add(&p.errs, "%s: read error: %s", name, strerror(errno));
	else if (!p.errs.full)
		check_whole(&p);
	if (rc != 0 && p.errs.count == 0 && !p.errs.oom)
		/* the reader lets through only lines inih takes */
		errs_add(&p.errs, "%s:%d: cannot parse line", name, rc);
	if (p.errs.count == 0 && !p.errs.oom) {
		*out = c;
		if (errors)
			*errors = NULL;
		return 0;
	}
	config_cleanup(&c);
	memset(out, 0, sizeof(*out));
	if (p.errs.oom) { /* a partial list would mislead */
		free(p.errs.buf);
		p.errs.buf = strdup("out of memory while reading the config\n");
	}
	if (errors)
		*errors = p.errs.buf;
	else
		free(p.errs.buf);
	return -1;
}

int
config_load(const char *path, struct config *out, char **errors)
{
	FILE *f;
	int rc;

	if ((f = fopen(path, "re")) == NULL) {
		memset(out, 0, sizeof(*out));
		if (errors &&
		    asprintf(errors, "%s: cannot open: %s\n", path,
		        strerror(errno)) < 0)
			*errors = NULL;
		return -1;
	}
	rc = parse_file(f, path, out, errors);
	fclose(f);
	return rc;
}

int
config_parse_mem(const char *buf, size_t len, const char *name,
    struct config *out, char **errors)
{
	FILE *f;
	int rc;

	if (name == NULL)
		name = "config";
	if (buf == NULL)
		buf = "", len = 0;
	/* fmemopen only reads; its prototype lacks the const */
	if ((f = fmemopen((void *)(uintptr_t)buf, len, "r")) == NULL) {
		memset(out, 0, sizeof(*out));
		if (errors &&
		    asprintf(errors, "%s: cannot read: %s\n", name,
		        strerror(errno)) < 0)
			*errors = NULL;
		return -1;
	}
	rc = parse_file(f, name, out, errors);
	fclose(f);
	return rc;
}

void
config_cleanup(struct config *c)
{
	size_t i;

	for (i = 0; i < KEY_COUNT; i++) {
		if (keys[i].type == T_STR) {
			free(*(char **)field(c, &keys[i]));
			*(char **)field(c, &keys[i]) = NULL;
		}
	}
}

static bool
same_value(const struct key *k, const struct config *a, const struct config *b)
{
	const void *x = cfield(a, k), *y = cfield(b, k);
	const char *s, *t;

	switch (k->type) {
	case T_STR:
		s = *(char *const *)x;
		t = *(char *const *)y;
		return strcmp(s ? s : "", t ? t : "") == 0;
	case T_INT:
	case T_TIME:
		return *(const int *)x == *(const int *)y;
	case T_MODE:
		return *(const unsigned *)x == *(const unsigned *)y;
	case T_BOOL:
	case T_ENUM:
		return *(const bool *)x == *(const bool *)y;
	}
	return false; /* not reached */
}

int
config_restart_diff(const struct config *old, const struct config *new,
    char *buf, size_t size)
{
	size_t i, used = 0;
	int count = 0, n;

	if (size > 0)
		buf[0] = '\0';
	for (i = 0; i < KEY_COUNT; i++) {
		if (!keys[i].restart || same_value(&keys[i], old, new))
			continue;
		if (used < size) {
			n = snprintf(buf + used, size - used, "%s%s",
			    count ? ", " : "", keys[i].name);
			used = n < 0 ? size : used + (size_t)n;
		}
		count++;
	}
	/* [scanner.NAME] sections: the sources open at start only */
	if (old->nscanners != new->nscanners ||
	    memcmp(old->scanners, new->scanners,
	        old->nscanners * sizeof *old->scanners) != 0) {
		if (used < size) {
			n = snprintf(buf + used, size - used, "%s%s",
			    count ? ", " : "", "[scanner.*] sections");
			used = n < 0 ? size : used + (size_t)n;
		}
		count++;
	}
	return count;
}

size_t
config_key_count(void)
{
	return KEY_COUNT;
}

const char *
config_key_name(size_t i)
{
	return i < KEY_COUNT ? keys[i].name : NULL;
}
