/* camscan.h: the camera source shell ([scanner.NAME] type = camera,
 * docs/scanners.md). ZBar's video API (V4L2) blocks, so it runs on a
 * worker thread; decoded symbols cross to the loop through a bounded queue
 * and a uv_async_t, and the loop reports them with scan_source_submit. A
 * camera that is missing or fails is state "waiting" and is reopened every
 * second until it returns. open() never blocks. */
#ifndef CAMSCAN_H
#define CAMSCAN_H
#include "scanner/scan.h"

#define CAMSCAN_QUEUE_MAX 16   /* symbols waiting for the loop; more: drop */
#define CAMSCAN_RETRY_MS  1000 /* between attempts to reopen the camera */
#define CAMSCAN_WIDTH     640  /* frame size asked of the camera */
#define CAMSCAN_HEIGHT    480

extern const struct scan_shell_ops camera_shell_ops;

/* For tests, with no camera: decodes one packed grey frame exactly as a
 * frame from the device is decoded (the source's symbologies, inverted
 * option, uncertainty and QR checks) and queues what it finds for the
 * loop. One feeding thread at a time; not for production use. */
void camscan_feed_frame(void *shell, const unsigned char *grey, int w, int h);
#endif
