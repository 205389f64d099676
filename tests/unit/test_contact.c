/* test_contact.c: mobile numbers, e-mail addresses and full names (rules/contact.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "rules/contact.h"
#include "core/banned.h"

#define PHONE_LENGTH "The phone number must have 10 digits, like 0912345678."
#define PHONE_CHARS  "The phone number may contain only digits, spaces, dots and +84 at the start."
#define PHONE_PREFIX "This is not a Vietnamese mobile number: it must start with 03, 05, 07, 08 or 09."

#define EMAIL_LONG   "The email address is too long (at most 254 characters)."
#define EMAIL_CHARS  "The email address contains a space or a character that is not allowed."
#define EMAIL_AT     "The email address must have exactly one @, like ten@example.com."
#define EMAIL_LOCAL  "The part before the @ must have 1 to 64 characters."
#define EMAIL_DOMAIN "The part after the @ must be a domain name like example.com."

#define NAME_EMPTY "Enter your full name."
#define NAME_LONG  "The full name is too long (at most 100 characters)."
#define NAME_CHARS "The full name contains characters that are not allowed."

static void phone_ok(const char *typed, const char *want)
{
	char out[CONTACT_PHONE_LEN + 1];
	const char *reason = "(unset)";
	if (contact_phone_check(typed, out, &reason))
		fail_msg("\"%s\" refused: %s", typed, reason ? reason : "(no reason)");
	assert_null(reason);
	assert_string_equal(out, want);
}

static void phone_bad(const char *typed, const char *want)
{
	char out[CONTACT_PHONE_LEN + 1];
	const char *reason = NULL;
	memset(out, 'x', sizeof(out));
	if (contact_phone_check(typed, out, &reason) != -1 || !reason || strcmp(reason, want))
		fail_msg("\"%s\": reason \"%s\", want \"%s\"", typed, reason ? reason : "(null)", want);
	assert_string_equal(out, "");
}

static void test_phone_valid(void **state)
{
	(void)state;
	/* every mobile prefix */
	phone_ok("0312345678", "0312345678");
	phone_ok("0523456789", "0523456789");
	phone_ok("0701234567", "0701234567");
	phone_ok("0861234567", "0861234567");
	phone_ok("0912345678", "0912345678");
	/* separators as people write them */
	phone_ok("0912 345 678", "0912345678");
	phone_ok("0912.345.678", "0912345678");
	phone_ok(" 0912 345.678 ", "0912345678");
	/* the country code, with or without "+" */
	phone_ok("+84912345678", "0912345678");
	phone_ok("+84 912 345 678", "0912345678");
	phone_ok("+84.912.345.678", "0912345678");
	phone_ok("84912345678", "0912345678");
	phone_ok("84 38 123 4567", "0381234567");
	/* out and reason may be NULL */
	assert_int_equal(contact_phone_check("0912345678", NULL, NULL), 0);
}

static void test_phone_invalid(void **state)
{
	(void)state;
	phone_bad("", PHONE_LENGTH);
	phone_bad("   ", PHONE_LENGTH);
	phone_bad("091234567", PHONE_LENGTH);
	phone_bad("09123456789", PHONE_LENGTH);
	phone_bad("091234567890", PHONE_LENGTH);
	/* a landline and the prefixes no mobile network has */
	phone_bad("0243826xxxx", PHONE_CHARS);
	phone_bad("0243826123", PHONE_PREFIX);
	phone_bad("0112345678", PHONE_PREFIX);
	phone_bad("0412345678", PHONE_PREFIX);
	phone_bad("0612345678", PHONE_PREFIX);
	phone_bad("1912345678", PHONE_PREFIX);
	/* the pre-2018 11-digit numbers */
	phone_bad("01681234567", PHONE_LENGTH);
	/* after +84 the trunk 0 is dropped */
	phone_bad("+840912345678", PHONE_LENGTH);
	phone_bad("+8491234567", PHONE_LENGTH);
	phone_bad("+84212345678", PHONE_PREFIX);
	/* other countries */
	phone_bad("+1 202 555 0100", PHONE_PREFIX);
	phone_bad("+8", PHONE_PREFIX);
	phone_bad("+", PHONE_PREFIX);
	/* characters that are not digits or separators */
	phone_bad("0912-345-678", PHONE_CHARS);
	phone_bad("0912345678a", PHONE_CHARS);
	phone_bad("091234567８", PHONE_CHARS); /* a full-width digit */
	phone_bad("84+912345678", PHONE_CHARS);
	phone_bad("++84912345678", PHONE_CHARS);
	phone_bad("0912\t345678", PHONE_CHARS);
	/* long input: refused before it is read through */
	phone_bad("0 9 1 2 3 4 5 6 7 8 . . . . . . . . ", PHONE_LENGTH);
	phone_bad("09123456789999999999999999999999999", PHONE_LENGTH);
}

static void email_ok(const char *typed, const char *want)
{
	char out[CONTACT_EMAIL_MAX + 1];
	const char *reason = "(unset)";
	if (contact_email_check(typed, out, &reason))
		fail_msg("\"%s\" refused: %s", typed, reason ? reason : "(no reason)");
	assert_null(reason);
	assert_string_equal(out, want);
}

static void email_bad(const char *typed, const char *want)
{
	char out[CONTACT_EMAIL_MAX + 1];
	const char *reason = NULL;
	memset(out, 'x', sizeof(out));
	if (contact_email_check(typed, out, &reason) != -1 || !reason || strcmp(reason, want))
		fail_msg("\"%s\": reason \"%s\", want \"%s\"", typed, reason ? reason : "(null)", want);
	assert_string_equal(out, "");
}

static void test_email_valid(void **state)
{
	char local[CONTACT_EMAIL_LOCAL_MAX + 1], addr[CONTACT_EMAIL_MAX + 1];
	(void)state;
	email_ok("an.nguyen@example.com", "an.nguyen@example.com");
	email_ok("An.Nguyen@Example.COM", "an.nguyen@example.com");
	email_ok("x@a.vn", "x@a.vn");
	email_ok("chu.tich+hoso@ubnd.thanhxuan.hanoi.gov.vn", "chu.tich+hoso@ubnd.thanhxuan.hanoi.gov.vn");
	email_ok("o'brien@example.ie", "o'brien@example.ie");
	/* internationalised addresses pass untouched (no lowercasing past ASCII) */
	email_ok("Nguyễn@ví-dụ.vn", "nguyễn@ví-dụ.vn");
	/* the limits themselves */
	memset(local, 'a', CONTACT_EMAIL_LOCAL_MAX);
	local[CONTACT_EMAIL_LOCAL_MAX] = '\0';
	snprintf(addr, sizeof(addr), "%s@example.com", local);
	email_ok(addr, addr);
	memset(addr, 'b', CONTACT_EMAIL_MAX);
	addr[0] = 'a';
	addr[1] = '@';
	addr[CONTACT_EMAIL_MAX - 3] = '.';
	addr[CONTACT_EMAIL_MAX] = '\0';
	assert_int_equal(strlen(addr), 254);
	email_ok(addr, addr);
	assert_int_equal(contact_email_check("a@b.vn", NULL, NULL), 0);
}

static void test_email_invalid(void **state)
{
	char addr[CONTACT_EMAIL_MAX + 8];
	(void)state;
	email_bad("", EMAIL_AT);
	email_bad("an.nguyen", EMAIL_AT);
	email_bad("an@nguyen@example.com", EMAIL_AT);
	email_bad("@example.com", EMAIL_LOCAL);
	email_bad("an@", EMAIL_DOMAIN);
	email_bad("an@localhost", EMAIL_DOMAIN);
	email_bad("an@.example.com", EMAIL_DOMAIN);
	email_bad("an@example.com.", EMAIL_DOMAIN);
	email_bad("an@example..com", EMAIL_DOMAIN);
	email_bad("an@.", EMAIL_DOMAIN);
	/* spaces, controls and specials */
	email_bad("an nguyen@example.com", EMAIL_CHARS);
	email_bad(" an@example.com", EMAIL_CHARS);
	email_bad("an@example.com\n", EMAIL_CHARS);
	email_bad("an\t@example.com", EMAIL_CHARS);
	email_bad("an\x7f@example.com", EMAIL_CHARS);
	email_bad("\"an\"@example.com", EMAIL_CHARS);
	email_bad("an<x>@example.com", EMAIL_CHARS);
	email_bad("an@example.com,b@example.com", EMAIL_CHARS);
	email_bad("an@[127.0.0.1]", EMAIL_CHARS);
	email_bad("Nguyen An <an@example.com>", EMAIL_CHARS);
	/* one byte over each limit */
	memset(addr, 'a', CONTACT_EMAIL_LOCAL_MAX + 1);
	snprintf(addr + CONTACT_EMAIL_LOCAL_MAX + 1, sizeof(addr) - CONTACT_EMAIL_LOCAL_MAX - 1,
		 "@example.com");
	email_bad(addr, EMAIL_LOCAL);
	memset(addr, 'b', CONTACT_EMAIL_MAX + 1);
	addr[0] = 'a';
	addr[1] = '@';
	addr[CONTACT_EMAIL_MAX - 3] = '.';
	addr[CONTACT_EMAIL_MAX + 1] = '\0';
	email_bad(addr, EMAIL_LONG);
}

static void name_ok(const char *typed, const char *want)
{
	char out[CONTACT_NAME_MAX_BYTES + 1];
	const char *reason = "(unset)";
	if (contact_name_check(typed, out, sizeof(out), &reason))
		fail_msg("\"%s\" refused: %s", typed, reason ? reason : "(no reason)");
	assert_null(reason);
	assert_string_equal(out, want);
}

static void name_bad(const char *typed, const char *want)
{
	char out[CONTACT_NAME_MAX_BYTES + 1];
	const char *reason = NULL;
	memset(out, 'x', sizeof(out));
	if (contact_name_check(typed, out, sizeof(out), &reason) != -1 || !reason || strcmp(reason, want))
		fail_msg("\"%s\": reason \"%s\", want \"%s\"", typed, reason ? reason : "(null)", want);
	assert_string_equal(out, "");
}

static void test_name(void **state)
{
	char name[CONTACT_NAME_MAX_BYTES + 64];
	size_t n = 0;
	(void)state;
	name_ok("Nguyễn Văn An", "Nguyễn Văn An");
	name_ok("  Trần   Thị\tBích  Ngọc \n", "Trần Thị Bích Ngọc");
	name_ok("Đặng", "Đặng");
	name_ok("H'Hen Niê", "H'Hen Niê");
	name_bad("", NAME_EMPTY);
	name_bad(" \t\r\n ", NAME_EMPTY);
	name_bad("Nguyễn\x01 An", NAME_CHARS);
	name_bad("Nguyễn\x7f An", NAME_CHARS);
	name_bad("Nguy\xc3 An", NAME_CHARS);	   /* a truncated sequence */
	name_bad("Nguy\xc0\xa0n", NAME_CHARS);	   /* overlong */
	name_bad("Nguy\xed\xa0\x80n", NAME_CHARS); /* a surrogate */
	name_bad("An\xc2\x85", NAME_CHARS);	   /* C1 control NEL */
	name_bad("An\xe2\x80\xae"
		 "nA",
		 NAME_CHARS);			/* right-to-left override */
	name_bad("A\xe2\x80\x8bn", NAME_CHARS); /* zero-width space */
	name_bad("An\xc3", NAME_CHARS);

	/* 100 characters of two bytes each pass, 101 do not */
	for (int i = 0; i < CONTACT_NAME_MAX_CHARS; i++) {
		memcpy(name + n, "ă", 2);
		n += 2;
	}
	name[n] = '\0';
	name_ok(name, name);
	memcpy(name + n, "ă", 3);
	name_bad(name, NAME_LONG);
	/* 300 bytes are the most, however many characters */
	memset(name, 'a', sizeof(name));
	name[CONTACT_NAME_MAX_BYTES + 10] = '\0';
	name_bad(name, NAME_LONG);
	/* runs of spaces do not count against the limit */
	n = 0;
	for (int i = 0; i < CONTACT_NAME_MAX_CHARS / 2; i++) {
		memcpy(name + n, "a     ", 6);
		n += 6;
	}
	name[n] = '\0';
	{
		char out[CONTACT_NAME_MAX_BYTES + 1];
		assert_int_equal(contact_name_check(name, out, sizeof(out), NULL), 0);
		assert_int_equal(strlen(out), CONTACT_NAME_MAX_CHARS - 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phone_valid), cmocka_unit_test(test_phone_invalid),
		cmocka_unit_test(test_email_valid), cmocka_unit_test(test_email_invalid),
		cmocka_unit_test(test_name),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
