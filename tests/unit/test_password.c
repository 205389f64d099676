/* test_password.c: the password rules of issue 4 (rules/password.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "rules/password.h"
#include "core/banned.h"

#ifndef SOURCE_ROOT
#define SOURCE_ROOT "."
#endif

#define TOO_SHORT  "The password must have at least 8 characters."
#define TOO_COMMON "This password is too common: choose another."
#define HAS_USER   "The password must not contain the user name."
#define TOO_LONG   "The password is too long (at most 128 bytes)."
#define NOT_UTF8   "The password is not valid UTF-8."

/* password_check(pw, user) must refuse with `want`, or accept when want is NULL. */
static void expect(const char *pw, const char *user, const char *want)
{
	const char *reason = "(unset)";
	int rc = password_check(pw, user, &reason);

	if (!want) {
		if (rc != 0 || reason != NULL)
			fail_msg("\"%s\" (user %s) refused: %s", pw, user ? user : "(none)",
				 reason ? reason : "(no reason)");
		return;
	}
	if (rc != -1 || !reason || strcmp(reason, want))
		fail_msg("\"%s\" (user %s): rc %d, reason \"%s\", want \"%s\"", pw, user ? user : "(none)",
			 rc, reason ? reason : "(null)", want);
}

/* `n` copies of `s` in a fresh string; caller frees. */
static char *repeat(const char *s, size_t n)
{
	size_t len = strlen(s);
	char *r = malloc(len * n + 1);

	assert_non_null(r);
	for (size_t i = 0; i < n; i++)
		memcpy(r + i * len, s, len);
	r[len * n] = '\0';
	return r;
}

static void *check_in_thread(void *arg)
{
	const char *reason;
	intptr_t bad = 0;

	(void)arg;
	bad += password_check("Password2024!", NULL, &reason) != -1;
	bad += password_check("Hồ Gươm mùa thu", NULL, &reason) != 0;
	return (void *)bad;
}

/* First: several threads load the list at once (pthread_once). */
static void test_first_use_from_threads(void **state)
{
	pthread_t th[8];
	void *bad;

	for (int i = 0; i < 8; i++)
		assert_int_equal(pthread_create(&th[i], NULL, check_in_thread, NULL), 0);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pthread_join(th[i], &bad), 0);
		assert_ptr_equal(bad, NULL);
	}
}

static void test_length_in_characters(void **state)
{
	expect("", NULL, TOO_SHORT);
	expect("xK9#qv2", NULL, TOO_SHORT);
	expect("xK9#qv2L", NULL, NULL);
	/* 7 characters in 11 bytes: too short although longer than 8 bytes */
	expect("Hồ Gươm", NULL, TOO_SHORT);
	/* 8 characters in 12 bytes */
	expect("Hồ Gươm!", NULL, NULL);
	expect("Đường phố", NULL, NULL);
	/* 8 characters, 4 of them 4 bytes long */
	expect("\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91Lq7!", NULL, NULL);
	expect("\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91\xf0\x9f\x94\x91Lq7", NULL, TOO_SHORT);
}

static void test_length_in_bytes(void **state)
{
	char *pw;

	/* 128 bytes is the most */
	pw = repeat("Tr0ub4d&", 16);
	assert_int_equal(strlen(pw), 128);
	expect(pw, NULL, NULL);
	free(pw);
	pw = repeat("Tr0ub4d&", 16);
	pw = realloc(pw, 130);
	assert_non_null(pw);
	memcpy(pw + 128, "x", 2);
	assert_int_equal(strlen(pw), 129);
	expect(pw, NULL, TOO_LONG);
	free(pw);
	/* counted in bytes: 43 Vietnamese letters of 3 bytes are 129 bytes */
	pw = repeat("ệ", 43);
	assert_int_equal(strlen(pw), 129);
	expect(pw, NULL, TOO_LONG);
	free(pw);
	pw = repeat("ệ", 42);
	expect(pw, NULL, NULL);
	free(pw);
	/* far too long, and too long before anything else is looked at */
	pw = repeat("password", 1000);
	expect(pw, "password", TOO_LONG);
	free(pw);
	pw = repeat("\xff", 200);
	expect(pw, NULL, TOO_LONG);
	free(pw);
}

static void test_utf8(void **state)
{
	/* a stray byte of Latin-1 or Windows-1258 */
	expect("m\xe2t kh\xe2u dai", NULL, NOT_UTF8);
	expect("abcdefgh\xff", NULL, NOT_UTF8);
	/* a lone continuation byte */
	expect("\x80"
	       "abcdefgh",
	       NULL, NOT_UTF8);
	/* cut short at the end, and in the middle */
	expect("abcdefgh\xc3", NULL, NOT_UTF8);
	expect("abcdefgh\xe1\xbb", NULL, NOT_UTF8);
	expect("abcd\xe1\xbbxefgh", NULL, NOT_UTF8);
	expect("abcdefgh\xf0\x9f\x94", NULL, NOT_UTF8);
	/* overlong forms */
	expect("abcdefgh\xc0\xaf", NULL, NOT_UTF8);
	expect("abcdefgh\xc1\xbf", NULL, NOT_UTF8);
	expect("abcdefgh\xe0\x80\xaf", NULL, NOT_UTF8);
	expect("abcdefgh\xf0\x80\x80\xaf", NULL, NOT_UTF8);
	/* UTF-16 surrogates, and past U+10FFFF */
	expect("abcdefgh\xed\xa0\x80", NULL, NOT_UTF8);
	expect("abcdefgh\xed\xbf\xbf", NULL, NOT_UTF8);
	expect("abcdefgh\xf4\x90\x80\x80", NULL, NOT_UTF8);
	expect("abcdefgh\xf5\x80\x80\x80", NULL, NOT_UTF8);
	/* the edges that are valid */
	expect("abcdefgh\xc2\x80", NULL, NULL);
	expect("abcdefgh\xe0\xa0\x80", NULL, NULL);
	expect("abcdefgh\xed\x9f\xbf", NULL, NULL);
	expect("abcdefgh\xee\x80\x80", NULL, NULL);
	expect("abcdefgh\xf0\x90\x80\x80", NULL, NULL);
	expect("abcdefgh\xf4\x8f\xbf\xbf", NULL, NULL);
	/* invalid UTF-8 is reported even when short */
	expect("\xff", NULL, NOT_UTF8);
}

static void test_common(void **state)
{
	/* on the list as they are, in any case */
	expect("password", NULL, TOO_COMMON);
	expect("PASSWORD", NULL, TOO_COMMON);
	expect("PassWord", NULL, TOO_COMMON);
	expect("12345678", NULL, TOO_COMMON);
	expect("123456789", NULL, TOO_COMMON);
	expect("qwertyuiop", NULL, TOO_COMMON);
	expect("1qaz2wsx", NULL, TOO_COMMON);
	expect("P@ssw0rd", NULL, TOO_COMMON);
	expect("Password123", NULL, TOO_COMMON);
	expect("iloveyou", NULL, TOO_COMMON);
	/* the Vietnamese ones */
	expect("matkhau123", NULL, TOO_COMMON);
	expect("MatKhau123", NULL, TOO_COMMON);
	expect("anhyeuem", NULL, TOO_COMMON);
	expect("EmYeuAnh", NULL, TOO_COMMON);
	expect("123456aA@", NULL, TOO_COMMON);
	expect("Vietnam123", NULL, TOO_COMMON);
	expect("12345678a", NULL, TOO_COMMON);
	expect("thanhxuan", NULL, TOO_COMMON);
	/* with digits and symbols added at the end */
	expect("Password2024!", NULL, TOO_COMMON);
	expect("password2024", NULL, TOO_COMMON);
	expect("password!!", NULL, TOO_COMMON);
	expect("PASSWORD 1", NULL, TOO_COMMON);
	expect("12345678!", NULL, TOO_COMMON);
	expect("qwerty123456", NULL, TOO_COMMON);
	expect("Matkhau@2024", NULL, TOO_COMMON);
	expect("Admin@123", NULL, TOO_COMMON);
	expect("ubnd@2025", NULL, TOO_COMMON);
	expect("Motcua2025!", NULL, TOO_COMMON);
	expect("HaNoi1000!", NULL, TOO_COMMON);
	expect("love1234", NULL, TOO_COMMON);
	expect("abc@1234", NULL, TOO_COMMON);
	/* a listed word inside a longer one, or followed by letters, is not refused */
	expect("password-manager", NULL, NULL);
	expect("passwordx2024!", NULL, NULL);
	expect("correct horse battery staple", NULL, NULL);
	expect("Hồ Gươm mùa thu", NULL, NULL);
}

/* Every entry of lists/common-passwords.txt is embedded and refused. */
static void test_list_file(void **state)
{
	FILE *f = fopen(SOURCE_ROOT "/lists/common-passwords.txt", "r");
	char line[256];
	unsigned entries = 0, long_ones = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		size_t n = strlen(line);
		char upper[256], suffixed[300];

		assert_true(n > 0 && line[n - 1] == '\n');
		line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		entries++;
		for (size_t i = 0; i < n; i++)
			if ((line[i] >= 'A' && line[i] <= 'Z') || line[i] == ' ' || line[i] == '\t')
				fail_msg("entry \"%s\" is not lowercase without spaces", line);
		if (!password_is_listed(line))
			fail_msg("entry \"%s\" is not in the embedded list", line);
		for (size_t i = 0; i <= n; i++)
			upper[i] = line[i] >= 'a' && line[i] <= 'z' ? (char)(line[i] - 'a' + 'A') : line[i];
		if (!password_is_listed(upper))
			fail_msg("entry \"%s\" in capitals is not found", line);
		if (n >= 8) {
			long_ones++;
			expect(line, NULL, TOO_COMMON);
			expect(upper, NULL, TOO_COMMON);
		}
		/* a word with digits and a symbol after it */
		if (line[n - 1] >= 'a' && line[n - 1] <= 'z') {
			snprintf(suffixed, sizeof(suffixed), "%s2024!", upper);
			expect(suffixed, NULL, strlen(suffixed) >= 8 ? TOO_COMMON : TOO_SHORT);
		}
	}
	fclose(f);
	assert_int_equal(password_list_count(), entries);
	assert_in_range(entries, 300, 500);
	assert_true(long_ones >= 100);
	assert_false(password_is_listed(""));
	assert_false(password_is_listed("# common"));
	assert_false(password_is_listed("not-a-common-password"));
}

static void test_username(void **state)
{
	expect("nguyenvana!2024", "nguyenvana", HAS_USER);
	expect("NguyenVanA99", "nguyenvana", HAS_USER);
	expect("xx-nguyenvana-xx", "NguyenVanA", HAS_USER);
	expect("nguyenvana", "nguyenvana", HAS_USER);
	expect("nguyen-van-a", "nguyenvana", NULL);
	/* an e-mail address or a phone number as the user name */
	expect("an.nguyen-bi-mat", "an.nguyen@example.vn", HAS_USER);
	expect("0912345678", "0912345678", HAS_USER);
	expect("so 0912345678!", "0912345678", HAS_USER);
	expect("an.nguyen@example.vn", "an.nguyen@example.vn", HAS_USER);
	/* names too short to look for */
	expect("banana split", "an", NULL);
	expect("banana split", "an@example.vn", NULL);
	expect("banana split", "", NULL);
	expect("banana split", NULL, NULL);
	expect("banana split", "@", NULL);
	/* a name longer than the password */
	expect("banana split", "banana split forever", NULL);
	/* a non-ASCII name is matched byte for byte */
	expect("Tôi là Nguyễn Văn An", "Nguyễn", HAS_USER);
	/* too short is said before the user name */
	expect("an1", "an1", TOO_SHORT);
	/* the user name before the list */
	expect("password", "password", HAS_USER);
}

static void test_reason_optional(void **state)
{
	assert_int_equal(password_check("password", NULL, NULL), -1);
	assert_int_equal(password_check("Hồ Gươm mùa thu", "an", NULL), 0);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_use_from_threads),
		cmocka_unit_test(test_length_in_characters),
		cmocka_unit_test(test_length_in_bytes),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_common),
		cmocka_unit_test(test_list_file),
		cmocka_unit_test(test_username),
		cmocka_unit_test(test_reason_optional),
	};
	return cmocka_run_group_tests_name("password", tests, NULL, NULL) ? 1 : 0;
}
