/* printer.h: the receipt printer: its device shell, status, durable queue
 * and the renderer that turns a document into ESC/POS bytes and previews.
 *
 * Backends sit behind a const ops table: "serial" (libserialport: RS-232
 * and USB-serial), "tty" (plain termios, what the pty fakes in the tests
 * need: Debian's libserialport 0.1.1 refuses pseudo-terminals) and "file"
 * (appends each job to a file: print to file, previews of the real
 * bytes). Every descriptor is non-blocking; writes and status replies are
 * driven by uv_poll on the daemon's one loop, each status reply has a
 * deadline (printer.status_timeout_ms) and a stalled write another, so the
 * loop never waits on a slow or dead printer.
 *
 * Jobs live in the store (store_print_*): queued -> printing -> done or
 * failed. Before a job the shell asks DLE EOT 1 (and 2 when offline) and
 * DLE EOT 4; it sends only when the state is ok or paper low, and asks
 * again after. A printer lost mid-job (EIO, hang-up, stall) is reopened
 * with backoff and the whole job printed again under "BẢN IN LẠI".
 * Loop thread only. */
#ifndef PRINTER_H
#define PRINTER_H
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>
#include <uv.h>

#include "config.h"
#include "printer/escpos.h"
#include "printer/escstat.h"
#include "printer/printdoc.h"
#include "store/store.h"

struct printer;

/* Loads the profiles, templates and fonts named by cfg (borrowed until
 * printer_reload) and, when cfg->printer_enabled, opens the device and
 * starts the queue. NULL with every problem ("file:line: problem" lines)
 * in *errors (caller frees). A device that cannot be opened is not an
 * error: the printer is "disconnected" and retried. */
struct printer *printer_new(uv_loop_t *, struct store *, const struct config *,
    char **errors);
/* SIGHUP: reloads profiles, templates and fonts; on any error keeps the
 * old ones and returns -1 with the problems in *errors. */
int printer_reload(struct printer *, const struct config *, char **errors);
/* Stops: closes the device (the memory goes after the loop has run the
 * close callbacks). A job being sent stays "printing" in the store and is
 * reprinted whole at the next start. NULL is a no-op. */
void printer_free(struct printer *);

/* printer.queue_max of the running config. */
int printer_queue_max(const struct printer *);
/* A job was queued: start it if the printer is idle. */
void printer_kick(struct printer *);
enum escstat printer_state(const struct printer *);
/* True while an enabled printer can print (ok or paper low). */
bool printer_available(const struct printer *);
/* Queues a status slip of dossier code (the kiosk's button); 0, or -1
 * with errno ENOBUFS when the queue is full, EIO when it cannot be
 * written. */
int printer_queue_slip(struct printer *, const char *code, const char *actor);
/* Queues a document of kind (printdoc_kind_name) for ref in its own
 * transaction with its audit row, and kicks the queue: the job's id, or
 * -1 with errno ENOBUFS (queue full) or EIO. */
int64_t printer_queue_doc(struct printer *, const char *kind, const char *ref,
    const char *actor);
/* {"enabled","state","available","backend","device","profile",
 *  "text_path","queued","last_error","checked_at",...} (caller owns). */
json_t *printer_info(struct printer *);
/* Prometheus lines for /metrics. */
void printer_metrics(struct printer *, FILE *);

/* Renders kind/ref (a dossier code, a manifest day "YYYY-MM-DD", "" for
 * the test page) with profile (NULL: the configured one) into bytes
 * and/or a preview. 0, or -1 with a message naming the problem in err;
 * *notfound set when the dossier does not exist. */
int printer_render(struct printer *, enum printdoc_kind, const char *ref,
    const char *profile, bool reprint, struct buf *bytes,
    struct ebitmap *preview, bool *notfound, char *err, size_t errsize);
/* The fields of kind/ref (printdoc.h) with the configured profile, as
 * printer_render prints them: for the A5 page of a form (formhtml.h).
 * The caller cleans *d up. 0, or -1 as printer_render. */
int printer_document(struct printer *, enum printdoc_kind, const char *ref,
    struct printdoc *d, bool *notfound, char *err, size_t errsize);
/* "Print to file" when the printer is off (the demo's and a post office's
 * without a printer): the receipt of dossier code rendered as a picture
 * next to the database, prints/receipt-CODE.png. The path (caller frees),
 * or NULL with the reason logged. */
char *printer_receipt_png(struct printer *, const char *code);
#endif
