/* test_config.c: the config table, its types, messages and the shipped
 * example file. Runs from the repository root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "harness.h"
#include "scanner/scan.h" /* the symbology bits */

#define CODE "[office]\nagency_code = 000.00.19.H49\n"

/* Parses text as "t.conf". */
static int
parse(const char *text, struct config *c, char **errs)
{
	return config_parse_mem(text, strlen(text), "t.conf", c, errs);
}

/* Expects text to fail with exactly want (all lines). */
static void
expect_errors(const char *text, const char *want)
{
	struct config c;
	char *errs = NULL, *all;

	if (parse(text, &c, &errs) == 0)
		fail_msg("accepted: %s", text);
	assert_non_null(errs);
	assert_true(asprintf(&all, "%s\n", want) > 0); /* each line ends */
	assert_string_equal(errs, all);
	free(all);
	assert_null(c.listen); /* *out is zeroed on failure */
	assert_null(c.agency_code);
	free(errs);
}

/* Sets section.key = value on line 4 after the required key. */
static int
one_value(const char *section, const char *key, const char *value,
    struct config *c, char **errs)
{
	char text[512];

	snprintf(text, sizeof(text), CODE "[%s]\n%s = %s\n", section, key,
	    value);
	return parse(text, c, errs);
}

static void
expect_good(const char *section, const char *key, const char *value,
    struct config *c)
{
	char *errs = NULL;

	if (one_value(section, key, value, c, &errs) != 0)
		fail_msg("%s.%s = %s refused: %s", section, key, value, errs);
	assert_null(errs);
}

/* The message for line 4 is "t.conf:4: section.key: " + problem. */
static void
expect_bad(const char *section, const char *key, const char *value,
    const char *problem)
{
	struct config c;
	char *errs = NULL, want[512];

	if (one_value(section, key, value, &c, &errs) == 0)
		fail_msg("%s.%s = %s accepted", section, key, value);
	snprintf(want, sizeof(want), "t.conf:4: %s.%s: %s\n", section, key,
	    problem);
	assert_non_null(errs);
	assert_string_equal(errs, want);
	free(errs);
}

static void
test_defaults(void **state)
{
	struct config c;
	char *errs = (char *)1;

	(void)state;
	assert_int_equal(parse(CODE, &c, &errs), 0);
	assert_null(errs);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.admin_socket, "/run/motcuad/admin.sock");
	assert_int_equal(c.admin_socket_mode, 0660);
	assert_string_equal(c.public_url, "http://127.0.0.1:8080");
	assert_int_equal(c.max_connections, 256);
	assert_int_equal(c.connection_timeout_s, 30);
	assert_string_equal(c.db_path, "/var/lib/motcuad/motcua.db");
	assert_int_equal(c.busy_timeout_ms, 5000);
	assert_string_equal(c.office_name, "Bộ phận Một cửa");
	assert_string_equal(c.agency_code, "000.00.19.H49");
	assert_string_equal(c.agency_name, "");
	assert_string_equal(c.hotline, "");
	assert_int_equal(c.open_min, 7 * 60 + 30);
	assert_int_equal(c.close_min, 17 * 60);
	assert_false(c.due_end_of_day);
	assert_int_equal(c.miss_per_minute, 10);
	assert_int_equal(c.miss_burst, 20);
	assert_int_equal(c.max_tracked_clients, 4096);
	assert_false(c.verbose);
	config_cleanup(&c);
	config_cleanup(&c); /* idempotent */
	assert_null(c.listen);
}

static void
test_every_key(void **state)
{
	static const char text[] =
	    "; every key set\n"
	    "[server]\n"
	    "listen = [::1]:9000\n"
	    "admin_socket = ./var/a.sock\n"
	    "admin_socket_mode = 0600\n"
	    "public_url = https://tracuu.example.gov.vn/mc\n"
	    "max_connections = 10000\n"
	    "connection_timeout_s = 1\n"
	    "[store]\n"
	    "db_path = ./var/x.db\n"
	    "busy_timeout_ms = 0\n"
	    "[office]\n"
	    "name = Trung tâm Phục vụ hành chính công\n"
	    "agency_code = H22.10\n"
	    "agency_name = UBND tỉnh\n"
	    "hotline = 1900 1234\n"
	    "open = 7:00\n"
	    "close = 23:59\n"
	    "due_time = end_of_day\n"
	    "[lookup]\n"
	    "miss_per_minute = 1\n"
	    "miss_burst = 10000\n"
	    "max_tracked_clients = 1000000\n"
	    "[log]\n"
	    "verbose = yes\n";
	struct config c;
	char *errs = NULL;

	(void)state;
	assert_int_equal(parse(text, &c, &errs), 0);
	assert_string_equal(c.listen, "[::1]:9000");
	assert_string_equal(c.admin_socket, "./var/a.sock");
	assert_int_equal(c.admin_socket_mode, 0600);
	assert_string_equal(c.public_url, "https://tracuu.example.gov.vn/mc");
	assert_int_equal(c.max_connections, 10000);
	assert_int_equal(c.connection_timeout_s, 1);
	assert_string_equal(c.db_path, "./var/x.db");
	assert_int_equal(c.busy_timeout_ms, 0);
	assert_string_equal(c.office_name, "Trung tâm Phục vụ hành chính công");
	assert_string_equal(c.agency_code, "H22.10");
	assert_string_equal(c.agency_name, "UBND tỉnh");
	assert_string_equal(c.hotline, "1900 1234");
	assert_int_equal(c.open_min, 7 * 60);
	assert_int_equal(c.close_min, 23 * 60 + 59);
	assert_true(c.due_end_of_day);
	assert_int_equal(c.miss_per_minute, 1);
	assert_int_equal(c.miss_burst, 10000);
	assert_int_equal(c.max_tracked_clients, 1000000);
	assert_true(c.verbose);
	config_cleanup(&c);
}

static void
test_int(void **state)
{
	struct config c;

	(void)state;
	expect_good("server", "max_connections", "16", &c);
	assert_int_equal(c.max_connections, 16);
	config_cleanup(&c);
	expect_good("server", "max_connections", "0010000", &c);
	assert_int_equal(c.max_connections, 10000);
	config_cleanup(&c);
	expect_good("server", "max_connections", "300 ; busy office", &c);
	assert_int_equal(c.max_connections, 300);
	config_cleanup(&c);

	expect_bad("server", "max_connections", "15",
	    "out of range 16..10000: '15'");
	expect_bad("server", "max_connections", "10001",
	    "out of range 16..10000: '10001'");
	expect_bad("server", "max_connections", "-1",
	    "out of range 16..10000: '-1'");
	expect_bad("server", "max_connections", "99999999999999999999999",
	    "out of range 16..10000: '99999999999999999999999'");
	expect_bad("server", "max_connections", "abc",
	    "not a whole number: 'abc'");
	expect_bad("server", "max_connections", "0x20",
	    "not a whole number: '0x20'");
	expect_bad("server", "max_connections", "20k",
	    "not a whole number: '20k'");
	expect_bad("server", "max_connections", "+20",
	    "not a whole number: '+20'");
	expect_bad("server", "max_connections", "2 0",
	    "not a whole number: '2 0'");
	expect_bad("server", "max_connections", "", "not a whole number");
	expect_bad("store", "busy_timeout_ms", "60001",
	    "out of range 0..60000: '60001'");
	expect_bad("lookup", "max_tracked_clients", "63",
	    "out of range 64..1000000: '63'");
	expect_bad("server", "connection_timeout_s", "0",
	    "out of range 1..600: '0'");
}

static void
test_bool(void **state)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	struct config c;
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		expect_good("log", "verbose", yes[i], &c);
		assert_true(c.verbose);
		config_cleanup(&c);
		expect_good("log", "verbose", no[i], &c);
		assert_false(c.verbose);
		config_cleanup(&c);
	}
	expect_bad("log", "verbose", "True", "expected true or false: 'True'");
	expect_bad("log", "verbose", "2", "expected true or false: '2'");
	expect_bad("log", "verbose", "", "expected true or false");
}

static void
test_mode(void **state)
{
	struct config c;

	(void)state;
	expect_good("server", "admin_socket_mode", "0770", &c);
	assert_int_equal(c.admin_socket_mode, 0770);
	config_cleanup(&c);
	expect_good("server", "admin_socket_mode", "600", &c);
	assert_int_equal(c.admin_socket_mode, 0600);
	config_cleanup(&c);
	expect_good("server", "admin_socket_mode", "0", &c);
	assert_int_equal(c.admin_socket_mode, 0);
	config_cleanup(&c);

	expect_bad("server", "admin_socket_mode", "0666",
	    "gives access to others (the last digit must be 0): '0666'");
	expect_bad("server", "admin_socket_mode", "1770",
	    "out of range 0000..0777: '1770'");
	expect_bad("server", "admin_socket_mode", "0680",
	    "expected an octal mode such as 0660: '0680'");
	expect_bad("server", "admin_socket_mode", "00660",
	    "expected an octal mode such as 0660: '00660'");
	expect_bad("server", "admin_socket_mode", "rw-rw----",
	    "expected an octal mode such as 0660: 'rw-rw----'");
	expect_bad("server", "admin_socket_mode", "-660",
	    "expected an octal mode such as 0660: '-660'");
}

static void
test_time(void **state)
{
	struct config c;

	(void)state;
	expect_good("office", "open", "00:00", &c);
	assert_int_equal(c.open_min, 0);
	config_cleanup(&c);
	expect_good("office", "open", "8:05", &c);
	assert_int_equal(c.open_min, 8 * 60 + 5);
	config_cleanup(&c);
	expect_good("office", "close", "23:59", &c);
	assert_int_equal(c.close_min, 23 * 60 + 59);
	config_cleanup(&c);

	expect_bad("office", "open", "24:00",
	    "expected hh:mm from 00:00 to 23:59: '24:00'");
	expect_bad("office", "open", "07:60",
	    "expected hh:mm from 00:00 to 23:59: '07:60'");
	expect_bad("office", "open", "0730",
	    "expected hh:mm from 00:00 to 23:59: '0730'");
	expect_bad("office", "open", "7:5",
	    "expected hh:mm from 00:00 to 23:59: '7:5'");
	expect_bad("office", "open", "07h30",
	    "expected hh:mm from 00:00 to 23:59: '07h30'");
	expect_bad("office", "open", "007:30",
	    "expected hh:mm from 00:00 to 23:59: '007:30'");
	expect_bad("office", "open", "", "expected hh:mm from 00:00 to 23:59");
}

static void
test_enum(void **state)
{
	struct config c;

	(void)state;
	expect_good("office", "due_time", "end_of_day", &c);
	assert_true(c.due_end_of_day);
	config_cleanup(&c);
	expect_good("office", "due_time", "same_clock", &c);
	assert_false(c.due_end_of_day);
	config_cleanup(&c);
	expect_bad("office", "due_time", "END_OF_DAY",
	    "expected same_clock or end_of_day: 'END_OF_DAY'");
	expect_bad("office", "due_time", "",
	    "expected same_clock or end_of_day");
}

static void
test_string(void **state)
{
	struct config c;

	(void)state;
	expect_good("office", "hotline", "", &c);
	assert_string_equal(c.hotline, "");
	config_cleanup(&c);
	expect_good("office", "name", "Một cửa #2; tầng 1", &c);
	assert_string_equal(c.office_name, "Một cửa #2; tầng 1");
	config_cleanup(&c);
	/* inih: a ';' after a blank starts a comment */
	expect_good("office", "hotline", "1900 1234 ; ext 5", &c);
	assert_string_equal(c.hotline, "1900 1234");
	config_cleanup(&c);

	expect_bad("office", "name", "", "must not be empty");
	expect_bad("store", "db_path", "", "must not be empty");
	expect_bad("office", "name", "\"Một cửa\"",
	    "remove the quotes: values are taken as written: '\"Một cửa\"'");
	expect_bad("office", "name", "B\xe1 ph\xe2n",
	    "not valid UTF-8: 'B\xe1 ph\xe2n'");
	expect_bad("office", "name", "\xc0\xaf", /* overlong '/' */
	    "not valid UTF-8: '\xc0\xaf'");
	expect_bad("office", "name", "\xed\xa0\x80", /* surrogate */
	    "not valid UTF-8: '\xed\xa0\x80'");
}

static void
test_listen(void **state)
{
	static const char *const good[] = { "127.0.0.1:8080", "0.0.0.0:1",
		"localhost:65535", "[::1]:8080", "[::]:80",
		"[2001:db8::7]:443" };
	static const char *const bad[] = { "127.0.0.1", "8080", ":8080",
		"example.org:80", "::1:8080", "[::1]8080", "[::1:8080",
		"[127.0.0.1]:80", "256.0.0.1:80", "1.2.3:80", "[]:80",
		"Localhost:80" };
	static const char *const bad_port[] = { "127.0.0.1:0",
		"127.0.0.1:65536", "[::1]:http", "localhost:080800",
		"127.0.0.1:-1", "localhost:" };
	char want[160];
	struct config c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		expect_good("server", "listen", good[i], &c);
		assert_string_equal(c.listen, good[i]);
		config_cleanup(&c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want),
		    "expected host:port, host an IPv4 address, localhost or "
		    "[IPv6 address]: '%s'",
		    bad[i]);
		expect_bad("server", "listen", bad[i], want);
	}
	for (i = 0; i < sizeof(bad_port) / sizeof(bad_port[0]); i++) {
		snprintf(want, sizeof(want), "port must be 1..65535: '%s'",
		    bad_port[i]);
		expect_bad("server", "listen", bad_port[i], want);
	}
}

static void
test_public_url(void **state)
{
	struct config c;

	(void)state;
	expect_good("server", "public_url", "https://mc.example.gov.vn", &c);
	config_cleanup(&c);
	expect_good("server", "public_url", "http://10.0.0.5:8080/", &c);
	config_cleanup(&c);
	expect_bad("server", "public_url", "ftp://x",
	    "must start with http:// or https://: 'ftp://x'");
	expect_bad("server", "public_url", "HTTP://x",
	    "must start with http:// or https://: 'HTTP://x'");
	expect_bad("server", "public_url", "mc.example.gov.vn",
	    "must start with http:// or https://: 'mc.example.gov.vn'");
	expect_bad("server", "public_url", "https://",
	    "no host after the scheme: 'https://'");
	expect_bad("server", "public_url", "http:///x",
	    "no host after the scheme: 'http:///x'");
	expect_bad("server", "public_url", "http://a b",
	    "must not contain spaces: 'http://a b'");
}

static void
test_agency_code(void **state)
{
	static const char *const good[] = { "000.00.19.H49", "G22.1", "A.B",
		"1234.1234.1234.1234.1234.1234.1234", "000.00.00.G22" };
	static const char *const bad[] = { "H49", "000..19.H49", ".000.00",
		"000.00.", "000.00.19.h49", "00000.1", "000-00",
		"000.00.19.H49 X", "1234.1234.1234.1234.1234.1234.1234.1",
		"Đ01.02" };
	char want[200];
	struct config c;
	size_t i;
	char text[200], *errs = NULL;

	(void)state;
	/* the key is required: here it is set once, on line 4 */
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text),
		    "[office]\nname = x\n\nagency_code = %s\n", good[i]);
		assert_int_equal(parse(text, &c, &errs), 0);
		assert_string_equal(c.agency_code, good[i]);
		config_cleanup(&c);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
		    "[office]\nname = x\n\nagency_code = %s\n", bad[i]);
		snprintf(want, sizeof(want),
		    "t.conf:4: office.agency_code: not an agency code (2 or "
		    "more groups of 1-4 of A-Z 0-9 joined by '.', at most 35 "
		    "characters): '%s'",
		    bad[i]);
		expect_errors(text, want);
	}
}

static void
test_required(void **state)
{
	(void)state;
	expect_errors("",
	    "t.conf: office.agency_code: required key is missing");
	expect_errors("[office]\nname = x\n",
	    "t.conf: office.agency_code: required key is missing");
	expect_errors("[office]\nagency_code =\n",
	    "t.conf:2: office.agency_code: must not be empty");
}

static void
test_unknown_and_duplicate(void **state)
{
	(void)state;
	expect_errors(CODE "[server]\nlisen = 127.0.0.1:80\n",
	    "t.conf:4: server.lisen: unknown key");
	/* one error for the section; its keys are not checked */
	expect_errors(CODE
	    "[servre]\nlisten = x\nfoo = 1\n[log]\nverbose = 1\n",
	    "t.conf:3: [servre]: unknown section");
	expect_errors("verbose = 1\n" CODE,
	    "t.conf:1: verbose: key outside any [section]");
	expect_errors(CODE "[log]\nverbose = 1\n[log]\nverbose = 0\n",
	    "t.conf:6: log.verbose: duplicate key (first set on line 4)");
	expect_errors(CODE "agency_code = 000.00.19.H49\n",
	    "t.conf:3: office.agency_code: duplicate key (first set on line "
	    "2)");
	/* names are case-sensitive */
	expect_errors(CODE "[LOG]\n", "t.conf:3: [LOG]: unknown section");
}

static void
test_all_reported(void **state)
{
	(void)state;
	expect_errors("[server]\n"
	              "listen = nowhere\n"
	              "max_connections = 1\n"
	              "bogus = 1\n"
	              "[office]\n"
	              "open = 9:00\n"
	              "close = 8:00\n"
	              "  name = x\n"
	              "[log\n"
	              "verbose = perhaps\n",
	    "t.conf:2: server.listen: expected host:port, host an IPv4 "
	    "address, localhost or [IPv6 address]: 'nowhere'\n"
	    "t.conf:3: server.max_connections: out of range 16..10000: '1'\n"
	    "t.conf:4: server.bogus: unknown key\n"
	    "t.conf:8: indented line (continuation lines are not supported)\n"
	    "t.conf:9: no ']' after '['\n"
	    "t.conf: office.agency_code: required key is missing\n"
	    "t.conf:7: office.close: not after office.open (09:00): "
	    "'08:00'");
}

static void
test_too_many_errors(void **state)
{
	char text[4096], *p = text, *errs = NULL, *s;
	struct config c;
	int i, lines = 0;

	(void)state;
	p += sprintf(p, "[log]\n");
	for (i = 0; i < 80; i++)
		p += sprintf(p, "x%d = 1\n", i);
	assert_int_equal(parse(text, &c, &errs), -1);
	for (s = errs; *s; s++)
		lines += *s == '\n';
	assert_int_equal(lines, 51);
	assert_non_null(strstr(errs,
	    "t.conf:51: log.x49: unknown key\n"
	    "t.conf: too many errors, stopped reading\n"));
	free(errs);
}

static void
test_syntax(void **state)
{
	struct config c;
	char *errs = NULL;

	(void)state;
	expect_errors(CODE "[log\n", "t.conf:3: no ']' after '['");
	expect_errors(CODE "[log] verbose = 1\n", "t.conf:3: text after ']'");
	expect_errors(CODE "verbose\n", "t.conf:3: expected key = value");
	expect_errors(CODE "name ; = x\n", "t.conf:3: expected key = value");
	expect_errors(CODE "= x\n", "t.conf:3: no key before '='");
	/* blanks inside brackets, comments after them, ':' for '=' */
	assert_int_equal(parse("# comment\n; comment\n   \n[ office ] ; x\n"
	                       "agency_code: 000.00.19.H49\n"
	                       "   # indented comment\n",
	                     &c, &errs),
	    0);
	config_cleanup(&c);
}

/* A line of exactly n bytes with its newline: "name = xxx...\n". */
static void
make_line(char *buf, size_t n)
{
	size_t head = strlen("name = ");

	memcpy(buf, "name = ", head);
	memset(buf + head, 'x', n - head - 1);
	buf[n - 1] = '\n';
	buf[n] = '\0';
}

static void
test_long_line(void **state)
{
	char line[256], text[512];
	struct config c;
	char *errs = NULL;

	(void)state;
	make_line(line, 200); /* fits, kept whole */
	snprintf(text, sizeof(text), CODE "%s[log]\nverbose = 1\n", line);
	assert_int_equal(parse(text, &c, &errs), 0);
	assert_int_equal(strlen(c.office_name), 200 - strlen("name = ") - 1);
	assert_true(c.verbose);
	config_cleanup(&c);

	make_line(line, 201); /* r55 would cut it */
	snprintf(text, sizeof(text), CODE "%s[log]\nverbose = 2\n", line);
	expect_errors(text,
	    "t.conf:3: office.name: line longer than 200 "
	    "bytes\n"
	    "t.conf:5: log.verbose: expected true or false: '2'");

	/* the same without a final newline, and outside a section */
	make_line(line, 201);
	line[200] = '\0';
	snprintf(text, sizeof(text), CODE "\n[nope]\n%s", line);
	expect_errors(text,
	    "t.conf:4: [nope]: unknown section\n"
	    "t.conf:5: line longer than 200 bytes");
	make_line(line, 200);
	line[199] = '\0';
	snprintf(text, sizeof(text), CODE "%s", line);
	assert_int_equal(parse(text, &c, &errs), 0);
	config_cleanup(&c);
}

static void
test_continuation(void **state)
{
	(void)state;
	/* inih r55 would append "Quảng Ninh" to office.name */
	expect_errors(CODE "name = Trung tâm\n  Quảng Ninh\n",
	    "t.conf:4: indented line (continuation lines are not supported)");
	expect_errors(CODE "\tname = x\n",
	    "t.conf:3: indented line (continuation lines are not supported)");
	expect_errors("  [office]\nagency_code = A.B\n",
	    "t.conf:1: indented line (continuation lines are not "
	    "supported)\n"
	    "t.conf:2: agency_code: key outside any [section]\n"
	    "t.conf: office.agency_code: required key is missing");
}

static void
test_bytes(void **state)
{
	static const char crlf[] = "\xef\xbb\xbf[office]\r\n"
	                           "agency_code = A.B\r\n"
	                           "name = x\r\n";
	static const char nul[] = CODE "name = a\0b\n";
	struct config c;
	char *errs = NULL;

	(void)state;
	assert_int_equal(
	    config_parse_mem(crlf, sizeof(crlf) - 1, "t.conf", &c, &errs), 0);
	assert_string_equal(c.agency_code, "A.B");
	assert_string_equal(c.office_name, "x");
	config_cleanup(&c);

	assert_int_equal(
	    config_parse_mem(nul, sizeof(nul) - 1, "t.conf", &c, &errs), -1);
	assert_string_equal(errs, "t.conf:3: control character 0x00\n");
	free(errs);
	expect_errors(CODE "name = a\rb\n", "t.conf:3: control character 0x0d");
	expect_errors(CODE "name = a\x1b[31m\n",
	    "t.conf:3: control character 0x1b");

	/* the length is the caller's; no NUL needed, none read past it */
	assert_int_equal(config_parse_mem(CODE "name = xyz", sizeof(CODE) + 7,
	                     "t.conf", &c, &errs),
	    0);
	assert_string_equal(c.office_name, "x");
	config_cleanup(&c);
	assert_int_equal(config_parse_mem(NULL, 0, NULL, &c, &errs), -1);
	assert_string_equal(errs,
	    "config: office.agency_code: required key is missing\n");
	free(errs);
}

static void
test_too_big(void **state)
{
	size_t n = 70000, i;
	char *text = malloc(n + 1), *errs = NULL;
	struct config c;

	(void)state;
	assert_non_null(text);
	memcpy(text, CODE, sizeof(CODE) - 1);
	for (i = sizeof(CODE) - 1; i < n; i++)
		text[i] = i % 60 == 0 ? '\n' : '#';
	text[n] = '\0';
	assert_int_equal(parse(text, &c, &errs), -1);
	assert_string_equal(errs, "t.conf: larger than 65536 bytes\n");
	free(errs);
	free(text);
}

static void
test_open_close(void **state)
{
	struct config c;
	char *errs = NULL;

	(void)state;
	expect_errors(CODE "open = 08:00\nclose = 08:00\n",
	    "t.conf:4: office.close: not after office.open (08:00): "
	    "'08:00'");
	/* close left at its default: the fault is open's */
	expect_errors(CODE "open = 17:30\n",
	    "t.conf:3: office.open: not before office.close (17:00): "
	    "'17:30'");
	/* a bad time is reported once, not again as out of order */
	expect_errors(CODE "close = 25:00\n",
	    "t.conf:3: office.close: expected hh:mm from 00:00 to 23:59: "
	    "'25:00'");
	assert_int_equal(parse(CODE "open = 16:59\n", &c, &errs), 0);
	config_cleanup(&c);
}

/* The staff listener: TLS files in pairs, apart from the public one. */
static void
test_staff_listener(void **state)
{
	struct config c;
	char *errs = NULL;

	(void)state;
	expect_errors(CODE "[server]\nstaff_tls_cert = /x.pem\n",
	    "t.conf: server.staff_tls_cert and server.staff_tls_key: set "
	    "both or neither");
	expect_errors(CODE "[server]\nstaff_listen = 127.0.0.1:8080\n",
	    "t.conf: server.staff_listen: the same as server.listen; the "
	    "public listener must stay apart");
	expect_errors(CODE "[server]\nstaff_listen = nowhere\n",
	    "t.conf:4: server.staff_listen: expected host:port, host an IPv4 "
	    "address, localhost or [IPv6 address]: 'nowhere'");
	expect_errors(CODE "[auth]\nlockout_base_s = 0\n",
	    "t.conf:4: auth.lockout_base_s: out of range 1..3600: '0'");
	assert_int_equal(parse(CODE "[server]\nstaff_listen = 127.0.0.1:8443\n"
	                            "staff_tls_cert = /a\nstaff_tls_key = /b\n",
	                     &c, &errs),
	    0);
	assert_string_equal(c.staff_listen, "127.0.0.1:8443");
	assert_int_equal(c.session_idle_s, 1800);
	assert_int_equal(c.lockout_user_failures, 5);
	config_cleanup(&c);
	assert_int_equal(parse(CODE, &c, &errs), 0);
	assert_string_equal(c.staff_listen, ""); /* off by default */
	assert_false(c.staff_plain_http);        /* clear text needs a yes */
	assert_string_equal(c.metrics_listen, "");
	config_cleanup(&c);
	/* the metrics listener: its own address */
	expect_errors(CODE "[server]\nmetrics_listen = 127.0.0.1:8080\n",
	    "t.conf: server.metrics_listen: the same as server.listen or "
	    "server.staff_listen; it must be its own address");
	expect_errors(CODE "[server]\nmetrics_listen = :9100\n",
	    "t.conf:4: server.metrics_listen: expected host:port, host an "
	    "IPv4 address, localhost or [IPv6 address]: ':9100'");
	assert_int_equal(parse(CODE
	                     "[server]\nmetrics_listen = 127.0.0.1:9100\n",
	                     &c, &errs),
	    0);
	assert_string_equal(c.metrics_listen, "127.0.0.1:9100");
	config_cleanup(&c);
}

static void
test_load(void **state)
{
	struct config c;
	char *errs = NULL;

	(void)state;
	assert_int_equal(config_load("tests/no/such.conf", &c, &errs), -1);
	assert_string_equal(errs,
	    "tests/no/such.conf: cannot open: No such file or directory\n");
	free(errs);
	assert_int_equal(config_load("tests", &c, &errs), -1);
	assert_string_equal(errs, "tests: read error: Is a directory\n");
	free(errs);
	/* errors may be NULL */
	assert_int_equal(config_load("tests", &c, NULL), -1);

	if (config_load("packaging/demo.conf", &c, &errs) != 0)
		fail_msg("demo.conf: %s", errs);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_string_equal(c.admin_socket, "./var/motcuad.sock");
	assert_int_equal(c.admin_socket_mode, 0600);
	assert_string_equal(c.db_path, "./var/motcua.db");
	assert_string_equal(c.agency_code, "000.00.19.H49");
	assert_string_equal(c.public_url, "http://127.0.0.1:8080");
	config_cleanup(&c);
}

static void
test_restart_diff(void **state)
{
	struct config a, b;
	char *errs = NULL, buf[128];

	(void)state;
	assert_int_equal(parse(CODE, &a, &errs), 0);
	assert_int_equal(parse(CODE "[server]\nmax_connections = 100\n"
	                            "public_url = https://x\n"
	                            "[log]\nverbose = on\n",
	                     &b, &errs),
	    0);
	assert_int_equal(config_restart_diff(&a, &b, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	config_cleanup(&b);

	assert_int_equal(parse(CODE "[server]\nlisten = 0.0.0.0:8080\n"
	                            "admin_socket_mode = 0600\n"
	                            "[store]\ndb_path = /tmp/x.db\n"
	                            "busy_timeout_ms = 1\n",
	                     &b, &errs),
	    0);
	assert_int_equal(config_restart_diff(&a, &b, buf, sizeof(buf)), 3);
	assert_string_equal(buf,
	    "server.listen, server.admin_socket_mode, store.db_path");
	/* a short buffer still gets the count, and a terminated string */
	assert_int_equal(config_restart_diff(&a, &b, buf, 10), 3);
	assert_string_equal(buf, "server.li");
	assert_int_equal(config_restart_diff(&a, &b, NULL, 0), 3);
	config_cleanup(&b);

	/* scanner keys and sections are read at start-up only */
	assert_int_equal(parse(CODE "[scanner]\nterminals = c1\n"
	                            "[scanner.a]\ntype = serial\n"
	                            "device = /dev/ttyUSB0\nterminal = c1\n",
	                     &b, &errs),
	    0);
	assert_int_equal(config_restart_diff(&a, &b, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "scanner.terminals, [scanner.*] sections");
	config_cleanup(&b);
	config_cleanup(&a);
}

/* On reload every restart-only key of the table keeps its running value,
 * whatever its type, and the reloadable ones take the new value. */
static void
test_keep_restart(void **state)
{
	struct config run, next, orig;
	char *errs = NULL, buf[1024];
	size_t i;
	int restart = 0;
	const char *changed =
	    CODE "[server]\nlisten = 0.0.0.0:9090\n"
	         "admin_socket = /tmp/a.sock\nadmin_socket_mode = 0600\n"
	         "staff_listen = 127.0.0.1:9443\n"
	         "metrics_listen = 127.0.0.1:9445\n"
	         "staff_tls_cert = /tmp/c.pem\nstaff_tls_key = /tmp/k.pem\n"
	         "staff_plain_http = true\n"
	         "max_connections = 100\n"
	         "max_connections_per_address = 4\nheader_timeout_s = 3\n"
	         "[store]\ndb_path = /tmp/x.db\n"
	         "[sync]\nrole = hub\n"
	         "[hub]\nlisten = 127.0.0.1:9444\ndb_path = /tmp/h.db\n"
	         "tokens_file = /tmp/t\ntls_cert = /tmp/hc.pem\n"
	         "tls_key = /tmp/hk.pem\nbackend = postgresql\n"
	         "dsn = host=/tmp dbname=hub\npassword_file = /tmp/pw\n"
	         "connections = 8\ndb_timeout_ms = 5000\n"
	         "max_connections = 9000\nmax_connections_per_address = 64\n"
	         "key_retention_days = 90\n"
	         "[kiosk]\ntest_endpoints = true\nreserved_connections = 2\n"
	         "[printer]\nenabled = true\nbackend = file\n"
	         "device = /tmp/p\nbaud = 19200\ndata_bits = 7\n"
	         "parity = even\nstop_bits = 2\nflow = rtscts\n"
	         "[scanner]\ndedup_ms = 10\nterminals = c1\n"
	         "[scanner.a]\ntype = serial\ndevice = /dev/ttyUSB0\n"
	         "terminal = c1\n";

	(void)state;
	for (i = 0; i < config_key_count(); i++)
		restart += config_key_restart(i);
	assert_int_equal(restart, 37);
	assert_int_equal(parse(CODE, &run, &errs), 0);
	assert_int_equal(parse(CODE, &orig, &errs), 0);
	if (parse(changed, &next, &errs) != 0)
		fail_msg("refused: %s", errs);
	/* the text above changes every restart-only key and the sections */
	assert_int_equal(config_restart_diff(&run, &next, buf, sizeof(buf)),
	    restart + 1);

	config_keep_restart(&next, &run);
	assert_int_equal(config_restart_diff(&orig, &next, buf, sizeof(buf)),
	    0);
	assert_string_equal(buf, "");
	assert_false(next.printer_enabled);
	assert_int_equal(next.nscanners, 0);
	assert_int_equal(next.max_connections, 100); /* reloadable: new */
	/* running got next's values, to be freed with it */
	assert_int_equal(config_restart_diff(&orig, &run, NULL, 0),
	    restart + 1);
	assert_string_equal(run.listen, "0.0.0.0:9090");
	config_cleanup(&run);
	config_cleanup(&next);
	config_cleanup(&orig);
}

/* The printer's link keys and a serial scanner's fill the one serial
 * line type; each keeps its own words and messages. */
static void
test_serial_line(void **state)
{
	struct config c;
	char *errs = NULL;

	(void)state;
	assert_int_equal(parse(CODE, &c, &errs), 0);
	assert_int_equal(c.printer_line.baud, 9600);
	assert_int_equal(c.printer_line.data_bits, 8);
	assert_int_equal(c.printer_line.stop_bits, 1);
	assert_int_equal(c.printer_line.parity, SERIAL_PARITY_NONE);
	assert_int_equal(c.printer_line.flow, SERIAL_FLOW_DTRDSR);
	config_cleanup(&c);
	assert_int_equal(parse(CODE "[printer]\nbaud = 115200\ndata_bits = 7\n"
	                            "parity = odd\nstop_bits = 2\n"
	                            "flow = xonxoff\n",
	                     &c, &errs),
	    0);
	assert_int_equal(c.printer_line.baud, 115200);
	assert_int_equal(c.printer_line.data_bits, 7);
	assert_int_equal(c.printer_line.stop_bits, 2);
	assert_int_equal(c.printer_line.parity, SERIAL_PARITY_ODD);
	assert_int_equal(c.printer_line.flow, SERIAL_FLOW_XONXOFF);
	config_cleanup(&c);
	expect_bad("printer", "baud", "19201",
	    "not 9600, 19200, 38400, 57600 or 115200: '19201'");
	expect_bad("printer", "baud", "4800",
	    "out of range 9600..115200: '4800'");
	expect_bad("printer", "parity", "mark",
	    "not none, odd or even: 'mark'");
	expect_bad("printer", "flow", "hw",
	    "not none, rtscts, dtrdsr or xonxoff: 'hw'");
	expect_bad("printer", "parity", "", "not none, odd or even");
	/* a scanner has no dtrdsr: its own words and message */
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\nflow = dtrdsr\n",
	    "t.conf:9: scanner.a.flow: expected none, xonxoff or rtscts: "
	    "'dtrdsr'");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\nparity = mark\n",
	    "t.conf:9: scanner.a.parity: expected none, even or odd: 'mark'");
}

/* [scanner.NAME] sections: defaults, every key, terminals. */
static void
test_scanner_sections(void **state)
{
	struct config c;
	char *errs = NULL;
	const char *text =
	    CODE "[kiosk]\nterminals = hall-1\n"
	         "[scanner]\nterminals = clerk1, desk1\n"
	         "dedup_ms = 1500\n"
	         "[scanner.s1]\ntype = serial\n"
	         "device = /dev/ttyUSB0\nterminal = clerk1\n"
	         "baud = 19200\nparity = even\ndata_bits = 7\n"
	         "stop_bits = 2\nflow = rtscts\nsuffix = tab\n"
	         "max_line = 64\n"
	         "[scanner.h_1]\ntype = hid\ndevice = 0c2e:0b61\n"
	         "terminal = hall-1\nend = none\nidle_ms = 80\n"
	         "max_key_gap_ms = 60\nmax_scan_ms = 900\n"
	         "min_len = 6\n"
	         "[scanner.cam]\ntype = camera\n"
	         "device = /dev/video0\nterminal = desk1\n"
	         "symbologies = qr, ean13\ninverted = yes\n"
	         "uncertainty = 0\n";

	(void)state;
	if (parse(text, &c, &errs) != 0)
		fail_msg("refused: %s", errs);
	assert_int_equal(c.scanner_dedup_ms, 1500);
	assert_string_equal(c.scanner_terminals, "clerk1, desk1");
	assert_int_equal(c.nscanners, 3);
	assert_string_equal(c.scanners[0].name, "s1");
	assert_int_equal(c.scanners[0].kind, SCAN_SERIAL);
	assert_string_equal(c.scanners[0].device, "/dev/ttyUSB0");
	assert_string_equal(c.scanners[0].terminal, "clerk1");
	assert_int_equal(c.scanners[0].line.baud, 19200);
	assert_int_equal(c.scanners[0].line.parity, SERIAL_PARITY_EVEN);
	assert_int_equal(c.scanners[0].line.data_bits, 7);
	assert_int_equal(c.scanners[0].line.stop_bits, 2);
	assert_int_equal(c.scanners[0].line.flow, SERIAL_FLOW_RTSCTS);
	assert_string_equal(c.scanners[0].suffix, "\t");
	assert_int_equal(c.scanners[0].max_line, 64);
	assert_int_equal(c.scanners[1].kind, SCAN_HID);
	assert_int_equal(c.scanners[1].end, SCAN_END_NONE);
	assert_int_equal(c.scanners[1].idle_ms, 80);
	assert_int_equal(c.scanners[1].max_key_gap_ms, 60);
	assert_int_equal(c.scanners[1].max_scan_ms, 900);
	assert_int_equal(c.scanners[1].min_len, 6);
	assert_int_equal(c.scanners[1].line.baud, 9600); /* defaults */
	assert_string_equal(c.scanners[1].suffix, "\r\n");
	assert_int_equal(c.scanners[1].max_line, 512);
	assert_int_equal(c.scanners[2].kind, SCAN_CAMERA);
	assert_int_equal(c.scanners[2].symbologies,
	    1u << SCAN_SYM_QR | 1u << SCAN_SYM_EAN13);
	assert_true(c.scanners[2].inverted);
	assert_int_equal(c.scanners[2].uncertainty, 0);
	config_cleanup(&c);

	/* defaults: no sections, no staff terminals */
	assert_int_equal(parse(CODE, &c, &errs), 0);
	assert_int_equal(c.nscanners, 0);
	assert_int_equal(c.scanner_dedup_ms, 2000);
	assert_string_equal(c.scanner_terminals, "");
	config_cleanup(&c);
}

static void
test_scanner_errors(void **state)
{
	(void)state;
	expect_errors(CODE "[scanner.Bad]\ntype = serial\n",
	    "t.conf:3: [scanner.Bad]: a scanner name has only a-z, 0-9, '_' "
	    "and '-'");
	expect_errors(CODE "[scanner.]\n",
	    "t.conf:3: [scanner.]: a scanner section needs a name: "
	    "[scanner.NAME]");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\n[scanner.a]\n",
	    "t.conf:9: [scanner.a]: section given twice (first on line 5)");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = usb\ndevice = /dev/x\n"
	                   "terminal = c1\n",
	    "t.conf:6: scanner.a.type: expected hid, serial or camera: 'usb'");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\nbaud = 9601\n",
	    "t.conf:9: scanner.a.baud: not 1200, 2400, 4800, 9600, 19200, "
	    "38400, 57600 or 115200: '9601'");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\nmax_line = 4\n",
	    "t.conf:9: scanner.a.max_line: out of range 8..512: '4'");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\nspeed = 9600\n",
	    "t.conf:9: scanner.a.speed: unknown key");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\ntype = hid\n",
	    "t.conf:9: scanner.a.type: duplicate key (first set on line 6)");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\nsuffix = semicolon\n",
	    "t.conf:9: scanner.a.suffix: expected cr, lf, crlf or tab: "
	    "'semicolon'");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = camera\ndevice = /dev/v\n"
	                   "terminal = c1\nsymbologies = qr, pdf417\n",
	    "t.conf:9: scanner.a.symbologies: expected a list of code128, qr, "
	    "ean13, code39, itf: 'qr, pdf417'");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = C1\n",
	    "t.conf:8: scanner.a.terminal: a terminal id has only a-z, 0-9, "
	    "'_' and '-': 'C1'");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\n"
	                   "terminal2 = 0123456789012345678901234567890123\n",
	    "t.conf:9: scanner.a.terminal2: unknown key");
	expect_errors(CODE "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = 01234567890123456789012345678901\n",
	    "t.conf:6: scanner.a.terminal: a terminal id of 1 to 31 bytes: "
	    "'01234567890123456789012345678901'");
	/* required keys, and a terminal that exists */
	expect_errors(CODE "[scanner.a]\ntype = serial\n",
	    "t.conf:3: scanner.a.device: required key is missing\n"
	    "t.conf:3: scanner.a.terminal: required key is missing");
	expect_errors(CODE "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = nowhere\n",
	    "t.conf:6: scanner.a.terminal: 'nowhere' is neither in "
	    "kiosk.terminals nor in scanner.terminals");
	expect_errors(CODE "[kiosk]\nterminals = k1\n[scanner]\n"
	                   "terminals = k1\n",
	    "t.conf: scanner.terminals: 'k1' is also a kiosk terminal");
	expect_errors(CODE "[scanner]\nterminals = c1\n"
	                   "[scanner.a]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\n"
	                   "[scanner.b]\ntype = serial\ndevice = /dev/x\n"
	                   "terminal = c1\n",
	    "t.conf:11: scanner.b.device: already used by [scanner.a]");
	expect_bad("scanner", "terminals", "c1, C2",
	    "a terminal id has only a-z, 0-9, '_' and '-': 'c1, C2'");
	expect_bad("scanner", "terminals", "c1, c1",
	    "terminal id listed twice: 'c1, c1'");
	expect_bad("scanner", "dedup_ms", "-1", "out of range 0..60000: '-1'");
}

/* fuzz_config's find: inih skips a byte order mark the reader left */
static void
test_two_boms(void **state)
{
	(void)state;
	expect_errors("\xef\xbb\xbf\xef\xbb\xbf[0:1[office]}}}\n"
	              "`]:8LF, inlines\n",
	    "t.conf:1: a second byte order mark\n"
	    "t.conf:2: `]: key outside any [section]\n"
	    "t.conf: office.agency_code: required key is missing");
}

static void
test_key_table(void **state)
{
	size_t i, j, n = config_key_count();

	(void)state;
	assert_int_equal(n, 97);
	assert_string_equal(config_key_name(0), "server.listen");
	assert_string_equal(config_key_name(n - 1), "postal.done_at");
	assert_null(config_key_name(n));
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			assert_string_not_equal(config_key_name(i),
			    config_key_name(j));
}

/* "[name]" -> name in buf; else NULL. */
static const char *
section_of(const char *s, char *buf, size_t size)
{
	size_t len;

	if (s[0] != '[' || (len = strcspn(s + 1, "]")) == 0 ||
	    s[1 + len] != ']' || len >= size)
		return NULL;
	memcpy(buf, s + 1, len);
	buf[len] = '\0';
	return buf;
}

/* A key line, "#key = ..." or "key = ..." (no blank after '#': prose
 * comments have one): the key in buf; else NULL. */
static const char *
key_line(const char *s, char *buf, size_t size)
{
	size_t len;

	if (*s == '#' || *s == ';')
		s++;
	len = strspn(s, "abcdefghijklmnopqrstuvwxyz_0123456789");
	if (len == 0 || len >= size || s[len + strspn(s + len, " \t")] != '=')
		return NULL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

static void
test_example_file(void **state)
{
	static const char path[] = "packaging/motcuad.conf";
	size_t n = config_key_count(), i;
	int *seen = calloc(n, sizeof(*seen));
	char line[512], sect[64] = "", key[64], full[160], *errs = NULL;
	struct config c;
	FILE *f;

	(void)state;
	assert_non_null(seen);
	if (config_load(path, &c, &errs) != 0)
		fail_msg("%s: %s", path, errs);
	config_cleanup(&c);

	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char tmp[64];

		if (section_of(line, tmp, sizeof(tmp))) {
			snprintf(sect, sizeof(sect), "%s", tmp);
			continue;
		}
		if (!key_line(line, key, sizeof(key)))
			continue;
		snprintf(full, sizeof(full), "%s.%s", sect, key);
		for (i = 0; i < n; i++)
			if (strcmp(full, config_key_name(i)) == 0)
				break;
		if (i == n)
			fail_msg("%s documents %s, not a key", path, full);
		if (seen[i]++)
			fail_msg("%s documents %s twice", path, full);
	}
	fclose(f);
	for (i = 0; i < n; i++)
		if (!seen[i])
			fail_msg("%s does not document %s", path,
			    config_key_name(i));
	free(seen);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_listen),
		cmocka_unit_test(test_public_url),
		cmocka_unit_test(test_agency_code),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_unknown_and_duplicate),
		cmocka_unit_test(test_all_reported),
		cmocka_unit_test(test_too_many_errors),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_open_close),
		cmocka_unit_test(test_staff_listener),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_restart_diff),
		cmocka_unit_test(test_keep_restart),
		cmocka_unit_test(test_serial_line),
		cmocka_unit_test(test_scanner_sections),
		cmocka_unit_test(test_scanner_errors),
		cmocka_unit_test(test_two_boms),
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_example_file),
	};

	HARNESS_RUN(tests);
}
