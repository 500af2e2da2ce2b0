/* config.h: motcuad's INI configuration, driven by one key table (see
 * config.c). Parsing is pure apart from reading the file; a parsed config
 * is a plain value that owns its strings (config_cleanup frees them). */
#ifndef CONFIG_H
#define CONFIG_H
#include <stdbool.h>
#include <stddef.h>

#include "lib/serialdev.h"
#include "scanner/scanconf.h"

struct config {
	/* [server] */
	char *listen;               /* "127.0.0.1:8080"; restart-only */
	char *admin_socket;         /* path; restart-only */
	unsigned admin_socket_mode; /* octal, e.g. 0660; restart-only */
	char *public_url;           /* base of printed lookup URLs */
	int max_connections;        /* per listener */
	int connection_timeout_s;
	int max_connections_per_address; /* per listener; restart-only */
	int header_timeout_s;            /* restart-only */
	/* [store] */
	char *db_path; /* restart-only */
	int busy_timeout_ms;
	/* [office] */
	char *office_name;
	char *agency_code; /* default receiving agency for intake */
	char *agency_name;
	char *hotline;
	int open_min, close_min; /* "07:30" -> 450 */
	bool due_end_of_day;     /* due_time = end_of_day | same_clock */
	/* [lookup] */
	int miss_per_minute; /* misses allowed per client address */
	int miss_burst;
	int max_tracked_clients; /* bound of the rate-limit table */
	/* [sync] (docs/sync.md) */
	bool hub_role;      /* role = hub; restart-only */
	char *upstream_url; /* "" : sync off */
	bool lgsp;          /* protocol = lgsp: the national-portal adapter */
	char *lgsp_auth_url, *lgsp_username, *lgsp_password_file;
	char *token_file, *ca_file;
	bool insecure_http_loopback;
	int batch_size, connect_timeout_ms, timeout_ms;
	int low_speed_bytes, low_speed_s;
	int backoff_min_ms, backoff_max_ms;
	int pull_interval_s, lookup_timeout_ms, stall_warn_s;
	int busy_share_percent;
	/* [hub] restart-only */
	char *hub_listen, *hub_db_path, *hub_tokens_file;
	char *hub_tls_cert, *hub_tls_key;
	bool hub_pg; /* backend = postgresql */
	char *hub_dsn, *hub_password_file;
	int hub_connections, hub_db_timeout_ms;
	int hub_max_connections, hub_max_connections_per_address;
	int hub_key_retention_days;
	/* [log] */
	bool verbose;
	/* [report] */
	int report_max_days; /* longest report period, days */
	/* [kiosk] (docs/kiosk.md) */
	char *
	    kiosk_terminals; /* "hall-1@127.0.0.1/3, hall-2"; core/termlist.h */
	bool kiosk_factor_phone;        /* second factor: ID (false) or phone */
	int kiosk_reserved_connections; /* public listener; restart-only */
	int kiosk_failures_per_minute;  /* per terminal, unless overridden */
	int kiosk_failure_burst;
	int kiosk_code_failures_per_hour; /* per dossier code */
	int kiosk_clear_after_s;          /* the card clears itself */
	int kiosk_max_stream_clients;     /* event streams open at once */
	int kiosk_heartbeat_s;            /* event stream ping interval */
	bool kiosk_test_endpoints;        /* test-only scan injection */
	/* [printer] (docs/printing.md) */
	bool printer_enabled;  /* restart-only, like the link keys */
	char *printer_backend; /* "serial", "tty" or "file" */
	char *printer_device;
	struct serial_line printer_line; /* baud, data_bits, parity, ... */
	char *printer_profile;
	char *printer_data_dir;
	char *printer_font[4]; /* mono, mono bold, fallback, fallback bold */
	int printer_status_timeout_ms, printer_write_timeout_ms;
	int printer_queue_max;
	int printer_receipt_copies; /* 1, or 2: "Liên 1: Lưu" too */
	/* [scanner] and [scanner.NAME] (docs/scanners.md); restart-only */
	int scanner_dedup_ms;    /* repeats from one source counted once */
	char *scanner_terminals; /* staff terminals: "clerk1, desk1" */
	struct scanner_conf scanners[SCAN_SOURCES_MAX]; /* the sections */
	size_t nscanners;
	/* staff listener and accounts (docs/security.md) */
	char *staff_listen;                   /* "" : off; restart-only */
	char *metrics_listen;                 /* "" : off; restart-only */
	char *staff_tls_cert, *staff_tls_key; /* PEM paths; restart-only */
	bool staff_plain_http; /* plain http off loopback; restart-only */
	int session_idle_s, session_max_s;
	int lockout_user_failures, lockout_addr_failures;
	int lockout_base_s, lockout_max_s;
	/* [postal] (docs/api.md, "Postal") */
	bool postal_done_at_handover; /* done_at = delivery | handover */
};

/* Parses the file at path into *out (fully initialised, defaults for keys
 * not given). Returns 0, or -1 with every problem in *errors, one per line,
 * "file:line: section.key: problem" (caller frees *errors; NULL on success).
 * Unknown keys, duplicate keys, bad values and lines over 200 bytes are
 * errors; so are cross-field rules (close after open, ...). Each line of
 * *errors ends in '\n'; errors may be NULL. On failure *out is zeroed, so
 * config_cleanup() on it is safe and not needed. */
int config_load(const char *path, struct config *out, char **errors);
/* The same on an in-memory buffer; name is used in messages. */
int config_parse_mem(const char *buf, size_t len, const char *name,
    struct config *out, char **errors);
void config_cleanup(struct config *); /* frees owned strings; idempotent */
/* Names of restart-only keys whose value differs, as "a.b, c.d" in buf;
 * returns the count. */
int config_restart_diff(const struct config *old, const struct config *new,
    char *buf, size_t size);
/* On reload: every restart-only key of the table, and the [scanner.NAME]
 * sections, take their running values in next. The values are swapped,
 * not copied: running gets next's unused ones, so config_cleanup(running)
 * then frees them and next owns all it holds. */
void config_keep_restart(struct config *next, struct config *running);
/* The key table, for the example-file test: "section.key" names. */
size_t config_key_count(void);
const char *config_key_name(size_t i);
bool config_key_restart(size_t i); /* read at start-up only */
#endif
