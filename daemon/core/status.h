/* status.h: dossier statuses 1-10 (DVCQG TrangThaiHoSo) and the allowed
 * transitions. Pure. Overdue is derived from times, never stored. */
#ifndef STATUS_H
#define STATUS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum status {
	ST_SUBMITTED = 1,
	ST_RECEIVED = 2,
	ST_REFUSED = 3,
	ST_PROCESSING = 4,
	ST_SUPPLEMENT = 5,
	ST_PAYMENT_DUE = 6,
	ST_WITHDRAWN = 7,
	ST_STOPPED = 8,
	ST_RESULT_READY = 9,
	ST_RETURNED = 10,
};
#define STATUS_MIN 1
#define STATUS_MAX 10

enum channel { CHANNEL_COUNTER = 1, CHANNEL_ONLINE = 2, CHANNEL_POSTAL = 3 };
enum delivery { DELIVERY_COUNTER = 0, DELIVERY_POST = 1 };

bool status_valid(int s);
bool status_terminal(int s); /* 3, 7, 8, 10 */
bool status_open(int s);     /* not terminal and not 9 */
/* 1 if from -> to is an edge of the graph in docs/domain.md, else 0. */
bool status_can_move(int from, int to);
/* Writes "status: cannot move from 4 (Đang xử lý) to 10 (Đã trả kết quả)"
 * or similar into buf when the move is refused; returns false then. */
bool status_check_move(int from, int to, char *buf, size_t size);
const char *status_label_vi(int s); /* "Đang xử lý"; "?" when invalid */
const char *status_label_en(int s); /* "Being processed" */
const char *status_name(int s);     /* "processing": stable API name */
/* Simplified kiosk label (same for many states), in Vietnamese/English. */
const char *status_kiosk_vi(int s);
const char *status_kiosk_en(int s);
/* Overdue is derived: an open dossier with now > due_at. */
bool status_overdue(int s, int64_t due_at, int64_t now);

const char *channel_name(int c);          /* "in_person", "online", "postal" */
int channel_from_name(const char *name);  /* 0 when unknown */
const char *delivery_name(int d);         /* "counter", "post" */
int delivery_from_name(const char *name); /* -1 when unknown */
#endif
