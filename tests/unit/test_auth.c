/* test_auth.c: the pure parts of staff authentication (authhdr.c):
 * Cookie and Authorization parsing, token text, roles, the backoff. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/authhdr.h"
#include "auth/lockout.h"
#include "auth/pwpolicy.h"
#include "core/role.h"
#include "fixture.h"
#include "harness.h"
#include "auth/auth_json.h"
#include "store/store.h"

static void
test_cookie(void **state)
{
	char v[64];

	(void)state;
	assert_true(
	    authhdr_cookie("motcua_session=abc", AUTH_COOKIE, v, sizeof v));
	assert_string_equal(v, "abc");
	assert_true(authhdr_cookie("a=1; motcua_session=xyz; b=2", AUTH_COOKIE,
	    v, sizeof v));
	assert_string_equal(v, "xyz");
	assert_true(authhdr_cookie("a=1;motcua_session=\"q\"", AUTH_COOKIE, v,
	    sizeof v));
	assert_string_equal(v, "q");
	/* a name that only starts or ends the same is another cookie */
	assert_false(authhdr_cookie("xmotcua_session=1; motcua_sessionx=2",
	    AUTH_COOKIE, v, sizeof v));
	/* given twice: refused (a planted cookie beside ours) */
	assert_false(authhdr_cookie("motcua_session=a; motcua_session=b",
	    AUTH_COOKIE, v, sizeof v));
	assert_false(authhdr_cookie(NULL, AUTH_COOKIE, v, sizeof v));
	assert_false(authhdr_cookie("", AUTH_COOKIE, v, sizeof v));
	assert_false(
	    authhdr_cookie("motcua_session", AUTH_COOKIE, v, sizeof v));
	/* too long for the buffer */
	assert_false(
	    authhdr_cookie("motcua_session=0123456789", AUTH_COOKIE, v, 5));
	assert_true(
	    authhdr_cookie("motcua_session=", AUTH_COOKIE, v, sizeof v));
	assert_string_equal(v, "");
}

static void
test_bearer(void **state)
{
	char t[64];

	(void)state;
	assert_int_equal(authhdr_bearer(NULL, t, sizeof t), 0);
	assert_int_equal(authhdr_bearer("Bearer mct_abc", t, sizeof t), 1);
	assert_string_equal(t, "mct_abc");
	assert_int_equal(authhdr_bearer("bearer   x  ", t, sizeof t), 1);
	assert_string_equal(t, "x");
	assert_int_equal(authhdr_bearer("Basic dXNlcjpwdw==", t, sizeof t), -1);
	assert_int_equal(authhdr_bearer("Bearer", t, sizeof t), -1);
	assert_int_equal(authhdr_bearer("Bearer ", t, sizeof t), -1);
	assert_int_equal(authhdr_bearer("Bearer a b", t, sizeof t), -1);
	assert_int_equal(authhdr_bearer("Bearerx abc", t, sizeof t), -1);
	assert_int_equal(authhdr_bearer("Bearer a\x01", t, sizeof t), -1);
	assert_int_equal(authhdr_bearer("Bearer 0123456789", t, 4), -1);
}

static void
test_token_format(void **state)
{
	unsigned char raw[AUTH_SECRET_BYTES], back[AUTH_SECRET_BYTES];
	char tok[AUTH_TOKEN_LEN + 1], b64[AUTH_B64_LEN + 1];

	(void)state;
	for (int i = 0; i < 50; i++) {
		randombytes_buf(raw, sizeof raw);
		authhdr_token_encode(raw, tok);
		assert_int_equal(strlen(tok), AUTH_TOKEN_LEN);
		assert_memory_equal(tok, "mct_", 4);
		assert_int_equal(strspn(tok + 4,
		                     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
		                     "opqrstuvwxyz0123456789-_"),
		    AUTH_B64_LEN);
		assert_true(authhdr_token_decode(tok, back));
		assert_memory_equal(raw, back, sizeof raw);
	}
	memset(raw, 0xff, sizeof raw);
	authhdr_b64_encode(raw, b64);
	assert_true(authhdr_b64_decode(b64, back));
	assert_memory_equal(raw, back, sizeof raw);
	/* wrong prefix, length, alphabet; padding; a session id is no
	 * token */
	assert_false(authhdr_token_decode(b64, back));
	tok[5] = '+';
	assert_false(authhdr_token_decode(tok, back));
	assert_false(authhdr_token_decode("mct_", back));
	assert_false(authhdr_b64_decode("abc", back));
	b64[AUTH_B64_LEN - 1] = '=';
	assert_false(authhdr_b64_decode(b64, back));
	assert_false(authhdr_b64_decode(NULL, back));
}

static void
test_roles(void **state)
{
	struct actor a = { .name = "x", .role = ROLE_KIOSK };

	(void)state;
	assert_string_equal(role_name(ROLE_ADMIN), "admin");
	assert_string_equal(role_name(ROLE_POSTAL_CLERK), "postal_clerk");
	assert_string_equal(role_name((enum role)99), "none");
	assert_int_equal(role_from_name("office_staff"), ROLE_OFFICE_STAFF);
	assert_int_equal(role_from_name("kiosk"), ROLE_KIOSK);
	assert_int_equal(role_from_name("none"), -1);
	assert_int_equal(role_from_name("Admin"), -1);
	assert_int_equal(role_from_name(NULL), -1);
	/* the kiosk reads no personal data */
	assert_false(role_in(&a, ROLES_STAFF));
	assert_true(role_in(&a, ROLES_SIGNEDIN));
	a.role = ROLE_POSTAL_CLERK;
	assert_true(role_in(&a, ROLES_STAFF));
	assert_true(role_in(&a, ROLES_POSTAL));
	assert_false(role_in(&a, ROLES_OFFICE));
	assert_false(role_in(&a, ROLES_ADMIN));
	a.role = ROLE_ADMIN;
	assert_true(role_in(&a, ROLES_OFFICE) && role_in(&a, ROLES_POSTAL));
	/* post office ids, and whose registrations a clerk reads */
	assert_true(role_post_office_valid("200000"));
	assert_true(role_post_office_valid("BC-HL.01_a"));
	assert_false(role_post_office_valid(""));
	assert_false(role_post_office_valid(NULL));
	assert_false(role_post_office_valid("20 00"));
	assert_false(role_post_office_valid("Bưu cục"));
	assert_true(role_post_office_valid("123456789012345678901234567890AB"));
	assert_false(
	    role_post_office_valid("123456789012345678901234567890ABC"));
	assert_true(role_postal_scope_has(&a, "", "anyone"));
	a.role = ROLE_POSTAL_CLERK;
	snprintf(a.name, sizeof a.name, "lan");
	snprintf(a.post_office, sizeof a.post_office, "200000");
	assert_true(role_postal_scope_has(&a, "200000", "minh"));
	assert_false(role_postal_scope_has(&a, "201000", "lan"));
	assert_false(role_postal_scope_has(&a, "", "lan"));
	a.post_office[0] = '\0';
	assert_true(role_postal_scope_has(&a, "", "lan"));
	assert_true(role_postal_scope_has(&a, "200000", "lan"));
	assert_false(role_postal_scope_has(&a, "", "minh"));
	a.role = ROLE_KIOSK;
	assert_false(role_postal_scope_has(&a, "", "lan"));
	assert_false(role_postal_scope_has(NULL, "", "lan"));
	a.role = ROLE_NONE;
	assert_false(role_in(&a, ~0u));
	assert_false(role_in(NULL, ~0u));
}

static void
test_backoff(void **state)
{
	(void)state;
	/* threshold 5, base 30 s, cap 900 s */
	assert_int_equal(lockout_delay_ms(0, 5, 30000, 900000), 0);
	assert_int_equal(lockout_delay_ms(4, 5, 30000, 900000), 0);
	assert_int_equal(lockout_delay_ms(5, 5, 30000, 900000), 30000);
	assert_int_equal(lockout_delay_ms(6, 5, 30000, 900000), 60000);
	assert_int_equal(lockout_delay_ms(7, 5, 30000, 900000), 120000);
	assert_int_equal(lockout_delay_ms(9, 5, 30000, 900000), 480000);
	assert_int_equal(lockout_delay_ms(10, 5, 30000, 900000), 900000);
	/* no overflow however many failures */
	assert_int_equal(lockout_delay_ms(1000000, 5, 30000, 900000), 900000);
	assert_int_equal(lockout_delay_ms(UINT32_MAX, 1, 1, UINT64_MAX / 2),
	    UINT64_MAX / 2);
	assert_int_equal(lockout_delay_ms(1, 0, 1000, 5000), 1000);
}

static void
test_lockout_table(void **state)
{
	struct lockout *l = lockout_new(4);
	unsigned retry = 0;
	uint64_t t = 1000000;
	char key[16];

	(void)state;
	assert_non_null(l);
	for (int i = 0; i < 2; i++)
		assert_int_equal(lockout_fail(l, "u:a", 3, t, 3, 2000, 8000),
		    0);
	assert_false(lockout_locked(l, "u:a", 3, t, &retry));
	assert_int_equal(lockout_fail(l, "u:a", 3, t, 3, 2000, 8000), 2000);
	assert_true(lockout_locked(l, "u:a", 3, t + 1, &retry));
	assert_int_equal(retry, 2);
	assert_false(lockout_locked(l, "u:a", 3, t + 2000, &retry));
	/* the next failure doubles it */
	assert_int_equal(lockout_fail(l, "u:a", 3, t + 2000, 3, 2000, 8000),
	    4000);
	/* another key is not locked */
	assert_false(lockout_locked(l, "u:b", 3, t + 2001, &retry));
	/* a success forgets */
	lockout_reset(l, "u:a", 3);
	assert_false(lockout_locked(l, "u:a", 3, t + 2001, &retry));
	assert_int_equal(lockout_tracked(l), 0);
	/* bounded: many keys keep at most 4, the locked one survives */
	for (int i = 0; i < 3; i++)
		lockout_fail(l, "u:z", 3, t, 3, 100000, 800000);
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "k%d", i);
		lockout_fail(l, key, strlen(key), t + 1 + (uint64_t)i, 3,
		    100000, 800000);
	}
	assert_int_equal(lockout_tracked(l), 4);
	assert_true(lockout_locked(l, "u:z", 3, t + 200, &retry));
	/* after a quiet spell twice the cap, the count starts again */
	assert_int_equal(
	    lockout_fail(l, "u:z", 3, t + 100000 + 1600001, 3, 100000, 800000),
	    0);
	lockout_free(l);
	lockout_free(NULL);
}

/* A name's count is kept for its window whatever other names fail: the
 * table once evicted the oldest unlocked count, so four failures on a
 * name, then a thousand other names, gave the name a fresh count. */
static void
test_lockout_keeps_live_counts(void **state)
{
	struct lockout *l = lockout_new(8);
	uint64_t t = 1000000, max = 800000;
	char key[16];

	(void)state;
	for (int i = 0; i < 4; i++) /* one short of the lock */
		assert_int_equal(lockout_fail(l, "u:admin", 7, t, 5, 1000, max),
		    0);
	for (int i = 0; i < 2000; i++) { /* two failures each */
		snprintf(key, sizeof key, "u:x%d", i);
		lockout_fail(l, key, strlen(key), t + 10, 5, 1000, max);
		lockout_fail(l, key, strlen(key), t + 10, 5, 1000, max);
	}
	assert_int_equal(lockout_failures(l, "u:admin", 7, t + 20, max), 4);
	/* the fifth failure locks it */
	assert_true(lockout_fail(l, "u:admin", 7, t + 20, 5, 1000, max) > 0);
	assert_true(lockout_evicted_in_window(l) > 0);
	/* out of its window, a count makes room first */
	assert_int_equal(lockout_failures(l, "u:admin", 7, t + 3 * max, max),
	    0);
	lockout_free(l);
}

static enum pwpolicy_rc
pw(const char *p, enum role r, const char *user)
{
	return pwpolicy_check(p, strlen(p), r, user);
}

/* Issue 14 item 10: an admin "1111" was accepted. */
static void
test_password_policy(void **state)
{
	(void)state;
	assert_int_equal(pw("1111", ROLE_ADMIN, "boss"), PWPOLICY_SHORT);
	assert_int_equal(pw("short-pass1", ROLE_OFFICE_STAFF, "lan"),
	    PWPOLICY_SHORT);
	assert_int_equal(pw("staff-pass-1", ROLE_OFFICE_STAFF, "lan"),
	    PWPOLICY_OK);
	assert_int_equal(pw("staff-pass-1", ROLE_POSTAL_CLERK, NULL),
	    PWPOLICY_OK);
	/* twelve letters, not twelve bytes: "mật khẩu" counts 8 */
	assert_int_equal(pw("mật khẩu 12", ROLE_ADMIN, "boss"), PWPOLICY_SHORT);
	assert_int_equal(pw("mật-khẩu-thử-1234", ROLE_ADMIN, "boss"),
	    PWPOLICY_OK);
	assert_int_equal(pw("aaaaaaaaaaaaaaaa", ROLE_ADMIN, "boss"),
	    PWPOLICY_ONE_CHAR);
	/* the name, in any case, anywhere */
	assert_int_equal(pw("Boss-of-the-office", ROLE_ADMIN, "boss"),
	    PWPOLICY_NAME);
	assert_int_equal(pw("xx-NGUYEN.VAN-xx", ROLE_ADMIN, "nguyen.van"),
	    PWPOLICY_NAME);
	/* common, as is, in another case, or with digits and symbols
	 * around */
	assert_int_equal(pw("123456789012", ROLE_ADMIN, "boss"),
	    PWPOLICY_COMMON);
	assert_int_equal(pw("QWERTYUIOP", ROLE_ADMIN, "boss"), PWPOLICY_SHORT);
	assert_int_equal(pw("Password2024!", ROLE_ADMIN, "boss"),
	    PWPOLICY_COMMON);
	assert_int_equal(pw("!!MatKhau@12345", ROLE_ADMIN, "boss"),
	    PWPOLICY_COMMON);
	assert_int_equal(pw("1qaz2wsx3edc", ROLE_ADMIN, "boss"),
	    PWPOLICY_COMMON);
	assert_int_equal(pw("iloveyou1234", ROLE_POSTAL_CLERK, "x1"),
	    PWPOLICY_COMMON);
	/* kiosk PINs */
	assert_int_equal(pw("583920", ROLE_KIOSK, "k1"), PWPOLICY_OK);
	assert_int_equal(pw("58392017", ROLE_KIOSK, "k1"), PWPOLICY_OK);
	assert_int_equal(pw("4321", ROLE_KIOSK, "k1"), PWPOLICY_PIN_FORM);
	assert_int_equal(pw("583920171", ROLE_KIOSK, "k1"), PWPOLICY_PIN_FORM);
	assert_int_equal(pw("58392a", ROLE_KIOSK, "k1"), PWPOLICY_PIN_FORM);
	assert_int_equal(pw("kiosk-pass-long", ROLE_KIOSK, "k1"),
	    PWPOLICY_PIN_FORM);
	assert_int_equal(pw("777777", ROLE_KIOSK, "k1"), PWPOLICY_PIN_WEAK);
	assert_int_equal(pw("123456", ROLE_KIOSK, "k1"), PWPOLICY_PIN_WEAK);
	assert_int_equal(pw("98765432", ROLE_KIOSK, "k1"), PWPOLICY_PIN_WEAK);
	assert_int_equal(pw("890123", ROLE_KIOSK, "k1"), PWPOLICY_PIN_WEAK);
	assert_int_equal(pw("121212", ROLE_KIOSK, "k1"), PWPOLICY_PIN_WEAK);
	assert_int_equal(pw("123123", ROLE_KIOSK, "k1"), PWPOLICY_PIN_WEAK);
	assert_int_equal(pw("12341234", ROLE_KIOSK, "k1"), PWPOLICY_PIN_WEAK);
	assert_int_equal(pw("112233", ROLE_KIOSK, "k1"), PWPOLICY_COMMON);
	assert_int_equal(pw("159753", ROLE_KIOSK, "k1"), PWPOLICY_COMMON);
	assert_int_equal(pw("583920", ROLE_NONE, "k1"), PWPOLICY_BAD_ROLE);
	assert_string_equal(pwpolicy_strerror(PWPOLICY_SHORT),
	    "must be at least 12 characters for this role");
}

static bool
next_ok(const char *n)
{
	return authhdr_next_valid(n, strlen(n));
}

/* Issue 14 item 5: ?next=/%09/evil.example/phish left the host. */
static void
test_next_path(void **state)
{
	(void)state;
	assert_true(next_ok("/staff/reports"));
	assert_true(next_ok("/staff/"));
	assert_true(next_ok("/staff/postal?station=HL-1&x=%2F%2F"));
	assert_true(next_ok("/staff/reports/..x/y"));
	assert_true(next_ok("/staff/a?q=../..")); /* a query is not a path */
	assert_false(next_ok("/\t/evil.example/phish"));
	assert_false(next_ok("/staff/\t/x"));
	assert_false(next_ok("/staff/\n"));
	assert_false(next_ok("//evil.example/x"));
	assert_false(next_ok("/\\evil.example"));
	assert_false(next_ok("/staff/\\evil"));
	assert_false(next_ok("https://evil.example/"));
	assert_false(next_ok("javascript:alert(1)"));
	assert_false(next_ok(" /staff/x"));
	assert_false(next_ok("/staff/../..//evil.example/x"));
	assert_false(next_ok("/staff/%2e%2e/%2E%2e//evil.example"));
	assert_false(next_ok("/staff/.%2e/x"));
	assert_false(next_ok("/staff/./x"));
	assert_false(next_ok("/staff/.."));
	assert_false(next_ok("/staff/x/.."));
	assert_false(next_ok("/staff/x/..?y"));
	assert_false(next_ok("/staff/login"));
	assert_false(next_ok("/staff/login?next=//evil.example"));
	assert_false(next_ok("/staff"));
	assert_false(next_ok("/stafff/x"));
	assert_false(next_ok("/staff/\xc3\xa9"));
	assert_false(authhdr_next_valid("/staff/x", 0));
	{
		char big[AUTHHDR_NEXT_MAX + 2];

		memset(big, 'a', sizeof big - 1);
		memcpy(big, "/staff/", 7);
		big[sizeof big - 1] = '\0';
		assert_false(next_ok(big));
		big[AUTHHDR_NEXT_MAX] = '\0';
		assert_true(next_ok(big));
	}
}

/* The store's account rows: a temporary database. */
static void
test_store_accounts(void **state)
{
	char dir[FIXTURE_DIR_MAX], path[FIXTURE_PATH_MAX];
	char err[STORE_ERR_MAX];
	unsigned char idh[32], th[32], other[32];
	struct store_user u;
	struct store_session se;
	struct store *st;
	int64_t now = (int64_t)time(NULL), id = 0;
	json_t *j;
	int n;

	(void)state;
	st = fixture_store_open("motcua-auth", dir, path);
	assert_int_equal(store_user_add(st, "lan", "office_staff", NULL,
	                     "$argon2id$x", "boss", err),
	    STORE_OK);
	assert_int_equal(
	    store_user_add(st, "lan", "admin", NULL, "$h", "boss", err),
	    STORE_CONFLICT);
	assert_int_equal(
	    store_user_add(st, "x", "chief", NULL, "$h", "boss", err),
	    STORE_INVALID);
	/* a post office belongs to a postal clerk's account only, and is
	 * read with its sessions (docs/security.md "Postal scope") */
	assert_int_equal(store_user_add(st, "y", "office_staff", "200000", "$h",
	                     "boss", err),
	    STORE_INVALID);
	assert_non_null(strstr(err, "post_office"));
	assert_int_equal(store_user_add(st, "y", "postal_clerk", "20 0000",
	                     "$h", "boss", err),
	    STORE_INVALID);
	assert_int_equal(store_user_add(st, "hl", "postal_clerk", "200000",
	                     "$h", "boss", err),
	    STORE_OK);
	assert_int_equal(store_user_get(st, "hl", &u), STORE_OK);
	assert_string_equal(u.post_office, "200000");
	assert_int_equal(
	    store_user_set_post_office(st, "hl", "201000", "boss", err),
	    STORE_OK);
	assert_int_equal(store_user_get(st, "hl", &u), STORE_OK);
	assert_string_equal(u.post_office, "201000");
	assert_int_equal(
	    store_user_set_post_office(st, "lan", "201000", "boss", err),
	    STORE_NOTFOUND);
	assert_int_equal(store_user_get(st, "lan", &u), STORE_OK);
	assert_string_equal(u.post_office, "");
	assert_int_equal(store_user_get(st, "lan", &u), STORE_OK);
	assert_string_equal(u.role, "office_staff");
	assert_false(u.disabled);
	assert_int_equal(store_user_get(st, "nobody", &u), STORE_NOTFOUND);
	assert_int_equal(store_user_get(st, "lan", &u), STORE_OK);

	randombytes_buf(idh, sizeof idh);
	randombytes_buf(other, sizeof other);
	assert_int_equal(store_session_add(st, idh, u.id, "csrf1", now,
	                     now + 100, "127.0.0.1"),
	    STORE_OK);
	assert_int_equal(store_session_get(st, idh, &se), STORE_OK);
	assert_string_equal(se.user, "lan");
	assert_string_equal(se.csrf, "csrf1");
	assert_int_equal(store_session_get(st, other, &se), STORE_NOTFOUND);
	/* pruned once idle, not before */
	assert_int_equal(store_sessions_prune(st, now + 10, 60), 0);
	assert_int_equal(store_sessions_prune(st, now + 61, 60), 1);
	assert_int_equal(store_session_get(st, idh, &se), STORE_NOTFOUND);

	randombytes_buf(th, sizeof th);
	assert_int_equal(store_token_add(st, th, "lan", "laptop", now + 86400,
	                     "boss", &id, err),
	    STORE_OK);
	assert_int_equal(store_token_get(st, th, now, &se), STORE_OK);
	assert_string_equal(se.role, "office_staff");
	assert_int_equal(se.expires_at, now + 86400);
	/* live until its expiry, refused from that second on */
	assert_int_equal(store_token_get(st, th, now + 86399, &se), STORE_OK);
	assert_int_equal(store_token_get(st, th, now + 86400, &se),
	    STORE_NOTFOUND);
	assert_int_equal(
	    store_token_add(st, other, "lan", "", now - 1, "boss", &id, err),
	    STORE_INVALID);
	assert_string_equal(err,
	    "days: the token would expire before it is used");
	assert_int_equal(
	    store_token_add(st, th, "nobody", "", now + 60, "boss", &id, err),
	    STORE_NOTFOUND);
	assert_int_equal(
	    store_token_revoke(st, "lan", "other", "boss", &n, err), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_token_get(st, th, now, &se), STORE_OK);
	assert_int_equal(store_token_revoke(st, "lan", NULL, "boss", &n, err),
	    STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_token_get(st, th, now, &se), STORE_NOTFOUND);

	/* a disabled user has no session and no token */
	randombytes_buf(th, sizeof th);
	assert_int_equal(
	    store_token_add(st, th, "lan", "", now + 60, "boss", &id, err),
	    STORE_OK);
	assert_int_equal(
	    store_session_add(st, idh, u.id, "c", now, now + 100, ""),
	    STORE_OK);
	assert_int_equal(store_user_disable(st, "lan", "boss", err), STORE_OK);
	assert_int_equal(store_session_get(st, idh, &se), STORE_NOTFOUND);
	assert_int_equal(store_token_get(st, th, now, &se), STORE_NOTFOUND);
	assert_int_equal(store_user_disable(st, "nobody", "boss", err),
	    STORE_NOTFOUND);
	assert_int_equal(store_user_set_hash(st, "lan", "$new", "boss", err),
	    STORE_OK);

	assert_non_null(j = auth_json_users(st));
	assert_int_equal(json_array_size(j), 2); /* "hl", "lan" */
	assert_true(
	    json_is_true(json_object_get(json_array_get(j, 1), "disabled")));
	assert_string_equal(json_string_value(json_object_get(
	                        json_array_get(j, 0), "post_office")),
	    "201000");
	{
		char *text = json_dumps(j, 0);

		assert_null(strstr(text, "argon2")); /* no hash listed */
		free(text);
	}
	json_decref(j);
	/* every change has its audit row, by its actor, in order */
	assert_non_null(j = auth_json_audit(st, now - 5, now + 5, 100));
	{
		static const char *const want[] = { "user_add", "user_add",
			"user_post_office", "token_add", "token_revoke",
			"token_revoke", "token_add", "user_disable",
			"user_passwd" };
		assert_int_equal(json_array_size(j), 9);
		for (size_t i = 0; i < 9; i++) {
			json_t *e = json_array_get(j, i);

			assert_string_equal(
			    json_string_value(json_object_get(e, "action")),
			    want[i]);
			assert_string_equal(
			    json_string_value(json_object_get(e, "actor")),
			    "boss");
		}
	}
	json_decref(j);
	assert_non_null(j = auth_json_audit(st, now + 10, now + 20, 100));
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	store_close(st);
	fixture_store_close(NULL, dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_bearer),
		cmocka_unit_test(test_token_format),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_lockout_table),
		cmocka_unit_test(test_lockout_keeps_live_counts),
		cmocka_unit_test(test_store_accounts),
		cmocka_unit_test(test_password_policy),
		cmocka_unit_test(test_next_path),
	};

	if (sodium_init() < 0)
		return 1;
	HARNESS_RUN(tests);
}
