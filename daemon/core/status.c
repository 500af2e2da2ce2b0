/* status.c: see status.h. Everything is a const table indexed by status,
 * so the graph in docs/domain.md can be read off one place. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/status.h"

#define BIT(s) (1u << (s))

struct status_info {
	const char *name;     /* stable API name */
	const char *vi, *en;  /* DVCQG TrangThaiHoSo and its English */
	const char *kiosk_vi; /* simplified for citizens */
	const char *kiosk_en;
	unsigned next; /* BIT(to) for every allowed move */
	bool terminal;
};

/* The open states (1, 2, 4, 5, 6) may also move to 7: a citizen can
 * withdraw until the result exists. */
static const struct status_info info[STATUS_MAX + 1] = {
	[ST_SUBMITTED] = { "submitted", "Mới đăng ký",
	    "Submitted online, not yet accepted", "Đang giải quyết",
	    "Being processed",
	    BIT(ST_RECEIVED) | BIT(ST_REFUSED) | BIT(ST_WITHDRAWN), false },
	[ST_RECEIVED] = { "received", "Được tiếp nhận", "Accepted",
	    "Đang giải quyết", "Being processed",
	    BIT(ST_PROCESSING) | BIT(ST_WITHDRAWN), false },
	[ST_REFUSED] = { "refused", "Không được tiếp nhận", "Refused",
	    "Không được tiếp nhận", "Not accepted", 0, true },
	[ST_PROCESSING] = { "processing", "Đang xử lý", "Being processed",
	    "Đang giải quyết", "Being processed",
	    BIT(ST_SUPPLEMENT) | BIT(ST_PAYMENT_DUE) | BIT(ST_STOPPED) |
	        BIT(ST_RESULT_READY) | BIT(ST_WITHDRAWN),
	    false },
	[ST_SUPPLEMENT] = { "supplement", "Yêu cầu bổ sung giấy tờ",
	    "Supplement requested", "Cần bổ sung giấy tờ", "Documents needed",
	    BIT(ST_PROCESSING) | BIT(ST_WITHDRAWN), false },
	[ST_PAYMENT_DUE] = { "payment_due",
	    "Yêu cầu thực hiện nghĩa vụ tài chính", "Fees or taxes owed",
	    "Cần nộp phí, thuế", "Fees due",
	    BIT(ST_PROCESSING) | BIT(ST_RESULT_READY) | BIT(ST_WITHDRAWN),
	    false },
	[ST_WITHDRAWN] = { "withdrawn", "Công dân yêu cầu rút hồ sơ",
	    "Withdrawn by the citizen", "Đã rút hồ sơ", "Withdrawn", 0, true },
	[ST_STOPPED] = { "stopped", "Dừng xử lý", "Processing stopped",
	    "Dừng xử lý", "Processing stopped", 0, true },
	[ST_RESULT_READY] = { "result_ready", "Đã xử lý xong", "Result ready",
	    "Đã có kết quả", "Result ready", BIT(ST_RETURNED), false },
	[ST_RETURNED] = { "returned", "Đã trả kết quả", "Result returned",
	    "Đã trả kết quả", "Result collected", 0, true },
};

bool
status_valid(int s)
{
	return s >= STATUS_MIN && s <= STATUS_MAX;
}

bool
status_terminal(int s)
{
	return status_valid(s) && info[s].terminal;
}

bool
status_open(int s)
{
	return status_valid(s) && !info[s].terminal && s != ST_RESULT_READY;
}

bool
status_can_move(int from, int to)
{
	return status_valid(from) && status_valid(to) &&
	    (info[from].next & BIT(to)) != 0;
}

bool
status_check_move(int from, int to, char *buf, size_t size)
{
	if (status_can_move(from, to)) {
		if (buf != NULL && size > 0)
			buf[0] = '\0';
		return true;
	}
	if (buf == NULL || size == 0)
		return false;
	if (!status_valid(from))
		snprintf(buf, size, "status: %d is not a status (1-10)", from);
	else if (!status_valid(to))
		snprintf(buf, size, "status: %d is not a status (1-10)", to);
	else
		snprintf(buf, size,
		    "status: cannot move from %d (%s) to %d (%s)", from,
		    info[from].vi, to, info[to].vi);
	return false;
}

/* Invalid statuses give "?" rather than NULL: these strings go straight
 * into printf and JSON, and a "?" on a screen is a visible, safe bug. */
const char *
status_label_vi(int s)
{
	return status_valid(s) ? info[s].vi : "?";
}

const char *
status_label_en(int s)
{
	return status_valid(s) ? info[s].en : "?";
}

const char *
status_name(int s)
{
	return status_valid(s) ? info[s].name : "?";
}

const char *
status_kiosk_vi(int s)
{
	return status_valid(s) ? info[s].kiosk_vi : "?";
}

const char *
status_kiosk_en(int s)
{
	return status_valid(s) ? info[s].kiosk_en : "?";
}

bool
status_overdue(int s, int64_t due_at, int64_t now)
{
	return status_open(s) && now > due_at;
}

static const char *const channel_names[] = {
	[CHANNEL_COUNTER] = "in_person",
	[CHANNEL_ONLINE] = "online",
	[CHANNEL_POSTAL] = "postal",
};

static const char *const delivery_names[] = {
	[DELIVERY_COUNTER] = "counter",
	[DELIVERY_POST] = "post",
};

const char *
channel_name(int c)
{
	if (c < CHANNEL_COUNTER || c > CHANNEL_POSTAL)
		return "?";
	return channel_names[c];
}

int
channel_from_name(const char *name)
{
	int c;

	if (name == NULL)
		return 0;
	for (c = CHANNEL_COUNTER; c <= CHANNEL_POSTAL; c++)
		if (strcmp(name, channel_names[c]) == 0)
			return c;
	return 0;
}

const char *
delivery_name(int d)
{
	if (d < DELIVERY_COUNTER || d > DELIVERY_POST)
		return "?";
	return delivery_names[d];
}

int
delivery_from_name(const char *name)
{
	int d;

	if (name == NULL)
		return -1;
	for (d = DELIVERY_COUNTER; d <= DELIVERY_POST; d++)
		if (strcmp(name, delivery_names[d]) == 0)
			return d;
	return -1;
}
