/* pwpolicy.c: see pwpolicy.h. */
#include <stdbool.h>
#include <string.h>

#include "auth/pwpolicy.h"

#define FOLD_MAX 64 /* longer than every listed word: never on the list */

/* The commonest passwords and PINs of breach lists, in lower case, and
 * the words anyone would try first here (Vietnamese "password", "admin",
 * "I love you"; the product's own name). A password matches when it, or
 * the word left once the digits and symbols around it are removed, is on
 * the list; so "Password2024!" and "MatKhau@123" are refused too. */
static const char *const common[] = { "password", "passw0rd", "p@ssw0rd",
	"p@ssword", "pass", "passwd", "qwerty", "qwertyuiop", "qwertyuiop[]",
	"qwertz", "azerty", "asdf", "asdfgh", "asdfghjkl", "zxcvbn", "zxcvbnm",
	"1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y", "1qaz2wsx", "1qaz2wsx3edc",
	"abc", "abcd", "abcdef", "abcdefgh", "abcdefghijkl", "iloveyou",
	"letmein", "welcome", "admin", "administrator", "root", "changeme",
	"default", "secret", "master", "dragon", "monkey", "football",
	"baseball", "sunshine", "princess", "superman", "batman", "trustno1",
	"starwars", "whatever", "hello", "helloworld", "freedom", "shadow",
	"computer", "internet", "login", "guest", "test", "user", "staff",
	"kiosk", "clerk", "matkhau", "mat khau", "anhyeuem", "emyeuanh",
	"yeuem", "vietnam", "hanoi", "saigon", "hochiminh", "motcua", "motcuad",
	"quantri", "quantrivien", "nhanvien", "buudien", "123456789012",
	"1234567890123", "123456789", "1234567890", "0987654321", "12345678",
	"123456", "111111", "000000", "123123", "121212", "112233",
	"112233445566", "123321", "159753", "147258", "147258369", "123654",
	"789456", "789456123", "159357", "987654321", "11223344", "12341234",
	"696969", "131313", "102030", "202020", "520520", "168168", "686868",
	"868686", "888888", "666666" };

/* ASCII lower case of s into out (len < FOLD_MAX); false when too long. */
static bool
fold(const char *s, size_t len, char out[FOLD_MAX])
{
	if (len >= FOLD_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a')
		                                    : s[i];
	out[len] = '\0';
	return true;
}

static bool
listed(const char *folded)
{
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (strcmp(common[i], folded) == 0)
			return true;
	return false;
}

static bool
is_letter(char c)
{
	/* bytes of a UTF-8 sequence count as letters: "mậtkhẩu" keeps its
	 * letters and is not stripped to nothing */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (unsigned char)c >= 0x80;
}

static bool
is_common(const char *pw, size_t len)
{
	char f[FOLD_MAX];
	size_t a = 0, b = len;

	if (fold(pw, len, f) && listed(f))
		return true;
	while (a < b && !is_letter(pw[a]))
		a++;
	while (b > a && !is_letter(pw[b - 1]))
		b--;
	return b > a && fold(pw + a, b - a, f) && listed(f);
}

static bool
one_char(const char *pw, size_t len)
{
	for (size_t i = 1; i < len; i++)
		if (pw[i] != pw[0])
			return false;
	return true;
}

/* Does pw contain name, ignoring ASCII case? Names of one or two
 * characters are only refused as the whole password. */
static bool
has_name(const char *pw, size_t len, const char *name)
{
	size_t n = name != NULL ? strlen(name) : 0;

	if (n == 0 || n > len || (n < 3 && n != len))
		return false;
	for (size_t i = 0; i + n <= len; i++) {
		size_t j = 0;

		while (j < n) {
			char p = pw[i + j], q = name[j];

			if (p >= 'A' && p <= 'Z')
				p = (char)(p - 'A' + 'a');
			if (q >= 'A' && q <= 'Z')
				q = (char)(q - 'A' + 'a');
			if (p != q)
				break;
			j++;
		}
		if (j == n)
			return true;
	}
	return false;
}

/* Code points of UTF-8 text: bytes that do not continue a sequence. */
static size_t
chars(const char *pw, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)pw[i] & 0xc0) != 0x80;
	return n;
}

/* 123456, 987654 and their wrapping forms (890123): each digit one more,
 * or each one less, than the one before. */
static bool
is_run(const char *pin, size_t len)
{
	bool up = true, down = true;

	for (size_t i = 1; i < len; i++) {
		int d = (pin[i] - pin[i - 1] + 10) % 10;

		up = up && d == 1;
		down = down && d == 9;
	}
	return up || down;
}

/* A block of 2 to 4 digits said again: 1212, 123123, 12341234. */
static bool
is_repeat(const char *pin, size_t len)
{
	for (size_t b = 2; b <= 4 && b < len; b++) {
		size_t i = b;

		if (len % b != 0)
			continue;
		while (i < len && pin[i] == pin[i - b])
			i++;
		if (i == len)
			return true;
	}
	return false;
}

static enum pwpolicy_rc
check_pin(const char *pin, size_t len)
{
	if (len < PWPOLICY_PIN_MIN || len > PWPOLICY_PIN_MAX)
		return PWPOLICY_PIN_FORM;
	for (size_t i = 0; i < len; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return PWPOLICY_PIN_FORM;
	if (one_char(pin, len) || is_run(pin, len) || is_repeat(pin, len))
		return PWPOLICY_PIN_WEAK;
	if (is_common(pin, len))
		return PWPOLICY_COMMON;
	return PWPOLICY_OK;
}

enum pwpolicy_rc
pwpolicy_check(const char *pw, size_t len, enum role role, const char *user)
{
	switch (role) {
	case ROLE_KIOSK:
		return check_pin(pw, len);
	case ROLE_POSTAL_CLERK:
	case ROLE_OFFICE_STAFF:
	case ROLE_ADMIN:
		break;
	case ROLE_NONE:
	default:
		return PWPOLICY_BAD_ROLE;
	}
	if (chars(pw, len) < PWPOLICY_MIN_CHARS)
		return PWPOLICY_SHORT;
	if (one_char(pw, len))
		return PWPOLICY_ONE_CHAR;
	if (has_name(pw, len, user))
		return PWPOLICY_NAME;
	if (is_common(pw, len))
		return PWPOLICY_COMMON;
	return PWPOLICY_OK;
}

const char *
pwpolicy_strerror(enum pwpolicy_rc rc)
{
	switch (rc) {
	case PWPOLICY_OK:
		return "acceptable";
	case PWPOLICY_SHORT:
		return "must be at least 12 characters for this role";
	case PWPOLICY_ONE_CHAR:
		return "is one character repeated";
	case PWPOLICY_NAME:
		return "must not contain the user name";
	case PWPOLICY_COMMON:
		return "is one of the commonest passwords; choose another";
	case PWPOLICY_PIN_FORM:
		return "a kiosk PIN is 6 to 8 digits";
	case PWPOLICY_PIN_WEAK:
		return "a kiosk PIN must not be one digit repeated, a run "
		       "such as 123456 or a repeated block such as 121212";
	case PWPOLICY_BAD_ROLE:
		return "no password rule for this role";
	}
	return "refused";
}
