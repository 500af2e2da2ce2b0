/* config_keys.c: the one table of motcuad.conf's keys and the checks of
 * their values (see config.c for the reader and the machinery, and
 * config_int.h for what a row says). */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "config.h"
#include "config_int.h"
#include "core/termlist.h"
#include "scanner/scan.h" /* the scanner kinds, ends and limits */

#define AGENCY_CODE_MAX 35 /* QD 20/2020 */

static const char *check_listen(const char *);
static const char *check_url(const char *);
static const char *check_agency_code(const char *);
static const char *check_upstream(const char *);
static const char *check_url_opt(const char *);
static const char *check_backend(const char *);
static const char *check_scan_terminal(const char *);
static const char *check_staff_listen(const char *);

static const char *const due_words[] = { "same_clock", "end_of_day" };
static const char *const factor_words[] = { "id_last4", "phone_last4" };
static const char *check_terminals(const char *);
static const char *check_staff_terminals(const char *);
static const char *const role_words[] = { "terminal", "hub" };
static const char *const hub_backend_words[] = { "sqlite", "postgresql" };
static const char *const protocol_words[] = { "motcua", "lgsp" };
static const char *const postal_done_words[] = { "delivery", "handover" };
/* The serial line (lib/serialdev.h): the printer's words, then the
 * scanners', which have no dtrdsr. */
static const char *const parity_words[] = { "none", "odd", "even", NULL };
static const int parity_values[] = { SERIAL_PARITY_NONE, SERIAL_PARITY_ODD,
	SERIAL_PARITY_EVEN };
static const char *const flow_words[] = { "none", "rtscts", "dtrdsr", "xonxoff",
	NULL };
static const int flow_values[] = { SERIAL_FLOW_NONE, SERIAL_FLOW_RTSCTS,
	SERIAL_FLOW_DTRDSR, SERIAL_FLOW_XONXOFF };
static const char *const sparity_words[] = { "none", "even", "odd", NULL };
static const int sparity_values[] = { SERIAL_PARITY_NONE, SERIAL_PARITY_EVEN,
	SERIAL_PARITY_ODD };
static const char *const sflow_words[] = { "none", "xonxoff", "rtscts", NULL };
static const int sflow_values[] = { SERIAL_FLOW_NONE, SERIAL_FLOW_XONXOFF,
	SERIAL_FLOW_RTSCTS };
static const char *const type_words[] = { "hid", "serial", "camera", NULL };
static const int type_values[] = { SCAN_HID, SCAN_SERIAL, SCAN_CAMERA };
static const char *const end_words[] = { "enter", "tab", "none", NULL };
static const int end_values[] = { SCAN_END_ENTER, SCAN_END_TAB, SCAN_END_NONE };
static const char *const suffix_words[] = { "cr", "lf", "crlf", "tab", NULL };
static const char *const suffix_texts[] = { "\r", "\n", "\r\n", "\t" };

#define KEY(s, k) .section = s, .key = k, .name = s "." k
#define AT(field) .off = offsetof(struct config, field)

/* The one list of keys. packaging/motcuad.conf documents exactly these
 * (tests/unit/test_config.c checks it); change both together. */
const struct config_key config_keys[] = {
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
	    .help = "base URL of the hub, or several separated by spaces"
	            " (tried in order); empty: sync off" },
	{ KEY("sync", "protocol"), .type = T_ENUM, AT(lgsp),
	    .words = protocol_words, .def = "motcua",
	    .help = "motcua (our hub) or lgsp (a DVCQG adapter on the LGSP)" },
	{ KEY("sync", "lgsp_auth_url"), .type = T_STR, AT(lgsp_auth_url),
	    .def = "", .check = check_url_opt,
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
	{ KEY("sync", "busy_share_percent"), .type = T_INT,
	    AT(busy_share_percent), .min = 1, .max = 100, .def = "5",
	    .help =
	        "while staff write, a backlog drains this share of the time" },
	{ KEY("hub", "listen"), .type = T_STR, AT(hub_listen),
	    .def = "127.0.0.1:8443", .restart = true, .nonempty = true,
	    .check = check_listen, .help = "hub role: the sync listener" },
	{ KEY("hub", "db_path"), .type = T_STR, AT(hub_db_path),
	    .def = "/var/lib/motcuad/hub.db", .restart = true, .nonempty = true,
	    .help = "hub role: the hub's SQLite database (backend sqlite)" },
	{ KEY("hub", "backend"), .type = T_ENUM, AT(hub_pg),
	    .words = hub_backend_words, .def = "sqlite", .restart = true,
	    .help = "hub role: sqlite (one hub) or postgresql (a province)" },
	{ KEY("hub", "dsn"), .type = T_STR, AT(hub_dsn), .def = "",
	    .restart = true,
	    .help = "hub role, postgresql: libpq connection string" },
	{ KEY("hub", "password_file"), .type = T_STR, AT(hub_password_file),
	    .def = "", .restart = true,
	    .help = "hub role, postgresql: file (0600) holding the password" },
	{ KEY("hub", "connections"), .type = T_INT, AT(hub_connections),
	    .min = 1, .max = 64, .def = "4", .restart = true,
	    .help = "hub role, postgresql: database connections (workers)" },
	{ KEY("hub", "max_connections"), .type = T_INT, AT(hub_max_connections),
	    .min = 16, .max = 65536, .def = "4096", .restart = true,
	    .help = "hub role: simultaneous connections to the sync listener" },
	{ KEY("hub", "max_connections_per_address"), .type = T_INT,
	    AT(hub_max_connections_per_address), .min = 0, .max = 65536,
	    .def = "0", .restart = true,
	    .help = "hub role: from one address (0: no limit of its own)" },
	{ KEY("hub", "key_retention_days"), .type = T_INT,
	    AT(hub_key_retention_days), .min = 30, .max = 3650, .def = "400",
	    .restart = true,
	    .help = "hub role: idempotency keys are kept this long" },
	{ KEY("hub", "db_timeout_ms"), .type = T_INT, AT(hub_db_timeout_ms),
	    .min = 100, .max = 60000, .def = "3000", .restart = true,
	    .help = "hub role: a request waits this long on the database" },
	{ KEY("hub", "tokens_file"), .type = T_STR, AT(hub_tokens_file),
	    .def = "/etc/motcua/hub-tokens", .restart = true, .nonempty = true,
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
	{ KEY("printer", "baud"), .type = T_BAUD, AT(printer_line.baud),
	    .min = 9600, .max = 115200, .def = "9600", .restart = true,
	    .help = "9600, 19200, 38400, 57600 or 115200" },
	{ KEY("printer", "data_bits"), .type = T_INT,
	    AT(printer_line.data_bits), .min = 7, .max = 8, .def = "8",
	    .restart = true, .help = "7 or 8" },
	{ KEY("printer", "parity"), .type = T_WORD, AT(printer_line.parity),
	    .words = parity_words, .values = parity_values,
	    .msg = "not none, odd or even", .def = "none", .restart = true,
	    .help = "none, odd or even" },
	{ KEY("printer", "stop_bits"), .type = T_INT,
	    AT(printer_line.stop_bits), .min = 1, .max = 2, .def = "1",
	    .restart = true, .help = "1 or 2" },
	{ KEY("printer", "flow"), .type = T_WORD, AT(printer_line.flow),
	    .words = flow_words, .values = flow_values,
	    .msg = "not none, rtscts, dtrdsr or xonxoff", .def = "dtrdsr",
	    .restart = true, .help = "none, rtscts, dtrdsr or xonxoff" },
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
	{ KEY("printer", "receipt_copies"), .type = T_INT,
	    AT(printer_receipt_copies), .min = 1, .max = 2, .def = "1",
	    .help = "receipts per counter intake: 2 adds the office's copy" },
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
	/* /metrics for a Prometheus scraper, apart from the public
	 * listener (its counters are not the public's business) */
	{ KEY("server", "metrics_listen"), .type = T_STR, AT(metrics_listen),
	    .def = "", .restart = true, .check = check_staff_listen,
	    .help = "GET /metrics alone, for a scraper; empty: off" },
	{ KEY("server", "staff_tls_cert"), .type = T_STR, AT(staff_tls_cert),
	    .def = "", .restart = true,
	    .help = "staff listener: PEM certificate chain (HTTPS)" },
	{ KEY("server", "staff_tls_key"), .type = T_STR, AT(staff_tls_key),
	    .def = "", .restart = true,
	    .help = "staff listener: PEM private key" },
	{ KEY("server", "staff_plain_http"), .type = T_BOOL,
	    AT(staff_plain_http), .def = "false", .restart = true,
	    .help = "allow the staff listener plain http off loopback" },
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

_Static_assert(sizeof config_keys / sizeof config_keys[0] == CONFIG_KEYS,
    "CONFIG_KEYS counts the rows");

#define SKEY(k)    .section = "scanner.*", .key = k, .name = "scanner.*." k
#define SAT(field) .off = offsetof(struct scanner_conf, field)

/* The rows of every [scanner.NAME] section (docs/scanners.md): read into
 * that section's struct scanner_conf, with the same parsing, defaults and
 * messages as the rows above. All are restart-only. A key without a
 * default is required in each section. */
const struct config_key config_scanner_keys[] = {
	{ SKEY("type"), .type = T_WORD, SAT(kind), .words = type_words,
	    .values = type_values, .help = "hid, serial or camera" },
	{ SKEY("device"), .type = T_CHARS, SAT(device), .max = SCAN_DEVICE_MAX,
	    .nonempty = true,
	    .help = "the device: a path, or vid:pid[:serial] for hid" },
	{ SKEY("terminal"), .type = T_CHARS, SAT(terminal),
	    .max = SCAN_NAME_MAX, .check = check_scan_terminal,
	    .help = "the kiosk or staff terminal its scans go to" },
	{ SKEY("end"), .type = T_WORD, SAT(end), .words = end_words,
	    .values = end_values, .def = "enter",
	    .help = "hid: the key that ends a scan" },
	{ SKEY("idle_ms"), .type = T_INT, SAT(idle_ms), .min = 10, .max = 5000,
	    .def = "100", .help = "hid, end = none: scan ends" },
	{ SKEY("max_key_gap_ms"), .type = T_INT, SAT(max_key_gap_ms), .min = 5,
	    .max = 5000, .def = "100", /* docs/domain.md: people are
	                                * slower */
	    .help = "hid: a longer gap between keys is typing" },
	{ SKEY("max_scan_ms"), .type = T_INT, SAT(max_scan_ms), .min = 50,
	    .max = 60000, .def = "1500",
	    .help = "hid: a longer scan is typing" },
	{ SKEY("min_len"), .type = T_INT, SAT(min_len), .min = 1,
	    .max = SCAN_DATA_MAX, .def = "4",
	    .help = "hid: shorter scans are dropped" },
	{ SKEY("baud"), .type = T_BAUD, SAT(line.baud), .min = 1200,
	    .max = 115200, .def = "9600", .help = "serial: bits per second" },
	{ SKEY("data_bits"), .type = T_INT, SAT(line.data_bits), .min = 7,
	    .max = 8, .def = "8", .help = "serial: 7 or 8" },
	{ SKEY("parity"), .type = T_WORD, SAT(line.parity),
	    .words = sparity_words, .values = sparity_values, .def = "none",
	    .help = "serial: none, even or odd" },
	{ SKEY("stop_bits"), .type = T_INT, SAT(line.stop_bits), .min = 1,
	    .max = 2, .def = "1", .help = "serial: 1 or 2" },
	{ SKEY("flow"), .type = T_WORD, SAT(line.flow), .words = sflow_words,
	    .values = sflow_values, .def = "none",
	    .help = "serial: none, xonxoff or rtscts" },
	{ SKEY("suffix"), .type = T_WORD, SAT(suffix), .words = suffix_words,
	    .texts = suffix_texts,
	    .max = sizeof(((struct scanner_conf *)0)->suffix), .def = "crlf",
	    .help = "serial: the frame end" },
	{ SKEY("max_line"), .type = T_INT, SAT(max_line), .min = 8,
	    .max = SCAN_DATA_MAX, .def = "512",
	    .help = "serial: a longer line is cut and reported" },
	{ SKEY("symbologies"), .type = T_SYMS, SAT(symbologies),
	    .def = "code128, qr", .help = "camera: the codes it reads" },
	{ SKEY("inverted"), .type = T_BOOL, SAT(inverted), .def = "false",
	    .help = "camera: also light-on-dark codes (phones)" },
	{ SKEY("uncertainty"), .type = T_INT, SAT(uncertainty), .min = 0,
	    .max = 10, .def = "2", .help = "camera: frames to see a code in" },
};

_Static_assert(sizeof config_scanner_keys / sizeof config_scanner_keys[0] ==
        CONFIG_SCANNER_KEYS,
    "CONFIG_SCANNER_KEYS counts the rows");

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

/* Empty turns the listener off (the staff one, the metrics one). */
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

/* Empty, or one http(s) URL. */
static const char *
check_url_opt(const char *v)
{
	return *v == '\0' ? NULL : check_url(v);
}

/* Empty (sync off), or an http(s) URL without a trailing path slash
 * problem: the sender appends /sync/v1/... */
static const char *
check_upstream(const char *v)
{
	char url[512];
	const char *why;
	size_t n, count = 0;

	/* one URL, or several separated by spaces (a province's hubs,
	 * tried in order: docs/sync.md) */
	for (v += strspn(v, " \t"); *v != '\0'; v += strspn(v, " \t")) {
		n = strcspn(v, " \t");
		if (n >= sizeof url)
			return "a URL longer than 511 characters";
		if (++count > 8)
			return "more than 8 URLs";
		memcpy(url, v, n);
		url[n] = '\0';
		if ((why = check_url(url)) != NULL)
			return why;
		v += n;
	}
	return NULL;
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

/* The kiosk terminal list: its parser is core/termlist.c, which the
 * kiosk builds its terminals with. */
static const char *
check_terminals(const char *v)
{
	struct termlist_entry t[TERMLIST_MAX];
	size_t n;

	return termlist_parse(v, t, &n);
}

static const char *
check_staff_terminals(const char *v)
{
	char t[SCAN_SOURCES_MAX][SCAN_NAME_MAX];
	size_t n;

	return scanconf_terminals_parse(v, t, &n);
}

/* scanner.NAME.terminal: one terminal id (whether it is a configured
 * terminal is checked once the file is read). */
static const char *
check_scan_terminal(const char *v)
{
	size_t len = strlen(v);

	_Static_assert(SCAN_NAME_MAX == 32, "the message says 31");
	if (len == 0 || len >= SCAN_NAME_MAX)
		return "a terminal id of 1 to 31 bytes";
	if (!scanconf_name_ok(v, len))
		return "a terminal id has only a-z, 0-9, '_' and '-'";
	return NULL;
}
