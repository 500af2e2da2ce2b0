/* backup.h: POST /api/v1/backup, an online copy of the store (or, in the
 * hub role, the hub's database) streamed to the caller (docs/api.md,
 * "Backup"; `motcua backup`, docs/operations.md).
 *
 * The copy is made on a worker thread (store_backup_copy: its own
 * connections, one read snapshot, so the loop keeps serving and writing)
 * into a temporary file beside the database, which is unlinked at once
 * and kept open; its SHA-256 and size go in the reply's headers and its
 * bytes follow as the body, read from the descriptor on the loop. One
 * backup runs at a time (409 otherwise). Every backup writes an audit
 * row: it reads every dossier's personal data. */
#ifndef API_BACKUP_H
#define API_BACKUP_H
#include <uv.h>

#include "http/route.h"

struct backup; /* owned by main.c */

/* NULL when out of memory. The loop and store are borrowed for its life. */
struct backup *backup_new(uv_loop_t *, struct store *);
/* Stopping: a backup waiting on its copy is answered 503 now and its
 * copy cancelled; one already streaming ends with its connection. */
void backup_shutdown(struct backup *);
/* Frees b once no copy runs (a running copy's end needs it: then it is
 * kept until the process exits, as auth_free does). NULL: no-op. */
void backup_free(struct backup *);

/* The route handler: c->backup, c->cfg (db_path, hub_db_path). */
route_handler api_backup;
#endif
