/* test_status.c: the status graph, every pair, and the label tables. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

#include "core/status.h"

/* The graph of docs/domain.md, written out edge by edge: the oracle the
 * 100 pairs are checked against. */
static const struct {
	int from, to;
} edges[] = {
	{ 1, 2 },
	{ 1, 3 },
	{ 2, 4 },
	{ 4, 5 },
	{ 4, 6 },
	{ 4, 8 },
	{ 4, 9 },
	{ 5, 4 },
	{ 6, 4 },
	{ 6, 9 },
	{ 9, 10 },
	/* withdrawal from every open state */
	{ 1, 7 },
	{ 2, 7 },
	{ 4, 7 },
	{ 5, 7 },
	{ 6, 7 },
};

static bool
is_edge(int from, int to)
{
	size_t i;

	for (i = 0; i < sizeof edges / sizeof edges[0]; i++)
		if (edges[i].from == from && edges[i].to == to)
			return true;
	return false;
}

static void
test_every_pair(void **state)
{
	int from, to, allowed = 0;

	(void)state;
	for (from = STATUS_MIN; from <= STATUS_MAX; from++)
		for (to = STATUS_MIN; to <= STATUS_MAX; to++) {
			char msg[160];
			bool want = is_edge(from, to);

			if (status_can_move(from, to) != want)
				fail_msg("%d -> %d: want %d", from, to, want);
			memset(msg, 'x', sizeof msg);
			assert_int_equal(
			    status_check_move(from, to, msg, sizeof msg), want);
			if (want)
				assert_string_equal(msg, "");
			else
				assert_true(
				    strncmp(msg, "status: cannot move from ",
				        25) == 0);
			allowed += want;
		}
	assert_int_equal(allowed, 16);
}

static void
test_invalid_statuses(void **state)
{
	static const int bad[] = { -1, 0, 11, 100, INT32_MIN, INT32_MAX };
	size_t i;
	int s;
	char msg[80];

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_false(status_valid(bad[i]));
		assert_false(status_terminal(bad[i]));
		assert_false(status_open(bad[i]));
		assert_string_equal(status_label_vi(bad[i]), "?");
		assert_string_equal(status_label_en(bad[i]), "?");
		assert_string_equal(status_name(bad[i]), "?");
		assert_string_equal(status_kiosk_vi(bad[i]), "?");
		assert_string_equal(status_kiosk_en(bad[i]), "?");
		for (s = STATUS_MIN; s <= STATUS_MAX; s++) {
			assert_false(status_can_move(bad[i], s));
			assert_false(status_can_move(s, bad[i]));
		}
	}
	assert_false(status_check_move(4, 11, msg, sizeof msg));
	assert_string_equal(msg, "status: 11 is not a status (1-10)");
	assert_false(status_check_move(0, 4, msg, sizeof msg));
	assert_string_equal(msg, "status: 0 is not a status (1-10)");
}

static void
test_message(void **state)
{
	char msg[128], small[16];

	(void)state;
	assert_false(status_check_move(4, 10, msg, sizeof msg));
	assert_string_equal(msg,
	    "status: cannot move from 4 (Đang xử lý) to 10 (Đã trả kết quả)");
	assert_false(status_check_move(10, 9, msg, sizeof msg));
	assert_string_equal(msg,
	    "status: cannot move from 10 (Đã trả kết quả) to 9 (Đã xử lý "
	    "xong)");
	/* truncated, still a string; and no buffer at all */
	assert_false(status_check_move(4, 10, small, sizeof small));
	assert_int_equal(strlen(small), sizeof small - 1);
	assert_false(status_check_move(4, 10, NULL, 0));
	assert_true(status_check_move(4, 9, NULL, 0));
}

static void
test_terminal_open(void **state)
{
	static const struct {
		int s;
		bool terminal, open;
	} t[] = {
		{ 1, false, true },
		{ 2, false, true },
		{ 3, true, false },
		{ 4, false, true },
		{ 5, false, true },
		{ 6, false, true },
		{ 7, true, false },
		{ 8, true, false },
		{ 9, false, false },
		{ 10, true, false },
	};
	size_t i;
	int to;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		int out = 0;

		assert_true(status_valid(t[i].s));
		assert_int_equal(status_terminal(t[i].s), t[i].terminal);
		assert_int_equal(status_open(t[i].s), t[i].open);
		/* terminal states have no way out; every open state can be
		 * withdrawn */
		for (to = STATUS_MIN; to <= STATUS_MAX; to++)
			out += status_can_move(t[i].s, to);
		assert_int_equal(out == 0, t[i].terminal);
		assert_int_equal(status_can_move(t[i].s, ST_WITHDRAWN),
		    t[i].open);
	}
}

static void
test_labels(void **state)
{
	static const struct {
		int s;
		const char *name, *vi, *en, *kvi, *ken;
	} t[] = {
		{ 1, "submitted", "Mới đăng ký",
		    "Submitted online, not yet accepted", "Đang giải quyết",
		    "Being processed" },
		{ 2, "received", "Được tiếp nhận", "Accepted",
		    "Đang giải quyết", "Being processed" },
		{ 3, "refused", "Không được tiếp nhận", "Refused",
		    "Không được tiếp nhận", "Not accepted" },
		{ 4, "processing", "Đang xử lý", "Being processed",
		    "Đang giải quyết", "Being processed" },
		{ 5, "supplement", "Yêu cầu bổ sung giấy tờ",
		    "Supplement requested", "Cần bổ sung giấy tờ",
		    "Documents needed" },
		{ 6, "payment_due", "Yêu cầu thực hiện nghĩa vụ tài chính",
		    "Fees or taxes owed", "Cần nộp phí, thuế", "Fees due" },
		{ 7, "withdrawn", "Công dân yêu cầu rút hồ sơ",
		    "Withdrawn by the citizen", "Đã rút hồ sơ", "Withdrawn" },
		{ 8, "stopped", "Dừng xử lý", "Processing stopped",
		    "Dừng xử lý", "Processing stopped" },
		{ 9, "result_ready", "Đã xử lý xong", "Result ready",
		    "Đã có kết quả", "Result ready" },
		{ 10, "returned", "Đã trả kết quả", "Result returned",
		    "Đã trả kết quả", "Result collected" },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_string_equal(status_name(t[i].s), t[i].name);
		assert_string_equal(status_label_vi(t[i].s), t[i].vi);
		assert_string_equal(status_label_en(t[i].s), t[i].en);
		assert_string_equal(status_kiosk_vi(t[i].s), t[i].kvi);
		assert_string_equal(status_kiosk_en(t[i].s), t[i].ken);
		for (j = 0; j < i; j++)
			assert_string_not_equal(status_name(t[i].s),
			    status_name(t[j].s));
	}
}

static void
test_overdue(void **state)
{
	int s;

	(void)state;
	for (s = STATUS_MIN; s <= STATUS_MAX; s++) {
		assert_int_equal(status_overdue(s, 1000, 1001), status_open(s));
		assert_false(status_overdue(s, 1000, 1000)); /* at due: no */
		assert_false(status_overdue(s, 1000, 999));
	}
	assert_false(status_overdue(0, 1000, 2000));
}

static void
test_channels(void **state)
{
	(void)state;
	assert_string_equal(channel_name(CHANNEL_COUNTER), "in_person");
	assert_string_equal(channel_name(CHANNEL_ONLINE), "online");
	assert_string_equal(channel_name(CHANNEL_POSTAL), "postal");
	assert_string_equal(channel_name(0), "?");
	assert_string_equal(channel_name(4), "?");
	assert_int_equal(channel_from_name("in_person"), 1);
	assert_int_equal(channel_from_name("online"), 2);
	assert_int_equal(channel_from_name("postal"), 3);
	assert_int_equal(channel_from_name("counter"), 0);
	assert_int_equal(channel_from_name("Online"), 0);
	assert_int_equal(channel_from_name(""), 0);
	assert_int_equal(channel_from_name(NULL), 0);

	assert_string_equal(delivery_name(DELIVERY_COUNTER), "counter");
	assert_string_equal(delivery_name(DELIVERY_POST), "post");
	assert_string_equal(delivery_name(-1), "?");
	assert_string_equal(delivery_name(2), "?");
	assert_int_equal(delivery_from_name("counter"), 0);
	assert_int_equal(delivery_from_name("post"), 1);
	assert_int_equal(delivery_from_name("postal"), -1);
	assert_int_equal(delivery_from_name(""), -1);
	assert_int_equal(delivery_from_name(NULL), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_invalid_statuses),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_terminal_open),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_overdue),
		cmocka_unit_test(test_channels),
	};

	HARNESS_RUN(tests);
}
