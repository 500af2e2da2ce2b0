/* scanhub.h: the scan hub. Every scanner source (serial, HID, camera)
 * reports through scan.h's scan_source_* calls; the hub classifies each
 * scan (classify.h), counts a repeat from one source within
 * scanner.dedup_ms once, and hands it to the sink of the source's
 * terminal kind:
 * - a staff terminal (listed in scanner.terminals: clerk stations, office
 *   desks) goes to the staff sink (daemon/api/terminals.c: their event
 *   streams);
 * - any other terminal is a kiosk's (kiosk.terminals, checked by the
 *   config) and goes to the kiosk sink (main.c hands it to kiosk_scan()).
 * The hub knows nothing of HTTP, event streams or the kiosk: main.c wires
 * the sinks. It keeps per-source state and counters, read through
 * scanhub_source() for GET /api/v1/scanners, `motcua scanners` and
 * /metrics (daemon/api/scanners.c). The hub opens one shell per
 * [scanner.NAME] section through a table of shell ops per kind, filled by
 * scanhub_set_shell. Loop thread only. See docs/scanners.md. */
#ifndef SCANHUB_H
#define SCANHUB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/classify.h"
#include "scanner/scan.h"

struct scanhub;
struct hotplug;
struct uv_loop_s;

/* What the hub starts from: the [scanner] and [scanner.NAME] sections
 * (restart-only keys). Borrowed for scanhub_new only: the hub copies it. */
struct scanhub_conf {
	int dedup_ms; /* scanner.dedup_ms */
	const char
	    *terminals; /* scanner.terminals: "clerk1, desk1"; NULL: "" */
	const struct scanner_conf *sources; /* the sections, in file order */
	size_t nsources;                    /* at most SCAN_SOURCES_MAX */
};

/* Copies conf. NULL (logged) when memory is short. Opens nothing yet; scans
 * go nowhere (counted unrouted) until a sink is set. */
struct scanhub *scanhub_new(struct uv_loop_s *, const struct scanhub_conf *);

/* Where one kind of terminal gets its scans. scan() gets the payload cut to
 * SCAN_DATA_MAX (ev->source is the source's name, ev->wall_ms is set) and
 * its classification, both borrowed for the call. It returns 0, or -1 when
 * the terminal is not there (the hub counts the scan unrouted). */
struct scan_sink_ops {
	int (*scan)(void *arg, const char *terminal, const struct scan_event *,
	    const struct classified *);
};
enum scanhub_terminal_kind {
	SCANHUB_STAFF, /* in scanner.terminals */
	SCANHUB_KIOSK, /* any other: a kiosk terminal */
};
/* ops (static) and arg are borrowed until scanhub_free; NULL ops: none. */
void scanhub_set_sink(struct scanhub *, enum scanhub_terminal_kind,
    const struct scan_sink_ops *, void *arg);

/* The shell for one kind of source (borrowed, static). The serial shell is
 * set by scanhub_new; main.c adds the others. */
void scanhub_set_shell(struct scanhub *, enum scan_source_kind,
    const struct scan_shell_ops *);
/* The hot-plug monitor handed to every shell's open (borrowed; NULL:
 * none, shells poll with backoff). */
void scanhub_set_hotplug(struct scanhub *, struct hotplug *);
/* Opens one shell per configured source. A kind without a shell in this
 * build is state "error" with a reason; it is not fatal. */
void scanhub_start(struct scanhub *);
/* Closes the shells; scans stop reaching the sinks. NULL is a no-op. */
void scanhub_shutdown(struct scanhub *);
/* Frees it (after scanhub_shutdown if not done). The shells' handles close
 * in the loop's next turn, which touches no source. NULL is a no-op. */
void scanhub_free(struct scanhub *);

/* --- read-only state -------------------------------------------------- */

/* Error classes kept per source; the last slot counts the rest, "other". */
#define SCANHUB_COUNTERS_MAX 8

/* One source as it is now. The strings point into the hub: valid until
 * the hub next runs (the loop's next callback) or is freed. */
struct scanhub_source_info {
	const struct scanner_conf *conf; /* name, kind, device, terminal */
	const char *state;  /* "closed", "open", "waiting", "retry", "error" */
	const char *detail; /* a short reason or the device path; "" */
	int64_t last_scan_at; /* wall ms; 0: none yet */
	uint64_t scans;       /* repeats not counted */
	uint64_t duplicates;
	size_t ncounters;
	struct {
		const char *name; /* "overlong", "io", ... */
		uint64_t n;
	} counters[SCANHUB_COUNTERS_MAX]; /* in order of first error */
};
/* The number of configured sources. */
size_t scanhub_sources(const struct scanhub *);
/* Fills *out for source i (0..scanhub_sources()-1, file order); false past
 * the last. */
bool scanhub_source(const struct scanhub *, size_t i,
    struct scanhub_source_info *out);
/* The staff terminal i (0.., the order of scanner.terminals); NULL past the
 * last. */
const char *scanhub_staff_terminal(const struct scanhub *, size_t i);
int scanhub_dedup_ms(const struct scanhub *);
#endif
