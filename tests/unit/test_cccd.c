/* test_cccd.c: the 12-digit personal identification number (rules/cccd.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "rules/cccd.h"
#include "core/banned.h"

#define BAD_LENGTH   "The citizen ID number must have exactly 12 digits."
#define BAD_PROVINCE "The first three digits are not a province code."
#define FUTURE	     "The birth year in the citizen ID number is in the future."

#define THIS_YEAR 2025

static void expect_ok(const char *id, int current_year, const char *code, const char *name, int sex, int year)
{
	struct cccd_info info;
	const char *reason = "(unset)";

	if (cccd_check(id, current_year, &info, &reason) != 0)
		fail_msg("\"%s\" refused: %s", id, reason ? reason : "(no reason)");
	assert_null(reason);
	assert_string_equal(info.province_code, code);
	assert_string_equal(info.province_name, name);
	assert_int_equal(info.sex, sex);
	assert_int_equal(info.birth_year, year);
}

static void expect_bad(const char *id, int current_year, const char *want)
{
	struct cccd_info info;
	const char *reason = NULL;

	memset(&info, 0x55, sizeof(info));
	if (cccd_check(id, current_year, &info, &reason) != -1 || !reason || strcmp(reason, want))
		fail_msg("\"%s\": reason \"%s\", want \"%s\"", id, reason ? reason : "(null)", want);
	/* nothing half-filled is left behind */
	assert_int_equal(info.province_code[0], '\0');
	assert_null(info.province_name);
	assert_int_equal(info.sex, 0);
	assert_int_equal(info.birth_year, 0);
}

static void test_examples(void **state)
{
	expect_ok("001085012345", THIS_YEAR, "001", "Hà Nội", CCCD_MALE, 1985);
	expect_ok("079301000001", THIS_YEAR, "079", "Hồ Chí Minh", CCCD_FEMALE, 2001);
	expect_ok("046199999999", THIS_YEAR, "046", "Thừa Thiên Huế", CCCD_FEMALE, 1999);
	expect_ok("096000000000", THIS_YEAR, "096", "Cà Mau", CCCD_MALE, 1900);
	expect_ok("077225000000", THIS_YEAR, "077", "Bà Rịa - Vũng Tàu", CCCD_MALE, 2025);
	expect_ok("048324123456", THIS_YEAR, "048", "Đà Nẵng", CCCD_FEMALE, 2024);
}

static void test_length_and_digits(void **state)
{
	expect_bad("", THIS_YEAR, BAD_LENGTH);
	expect_bad("00108501234", THIS_YEAR, BAD_LENGTH);
	expect_bad("0010850123456", THIS_YEAR, BAD_LENGTH);
	expect_bad("001085012345001085012345", THIS_YEAR, BAD_LENGTH);
	/* the old 9-digit identity card (CMND) */
	expect_bad("012345678", THIS_YEAR, BAD_LENGTH);
	/* spaces are the caller's to trim */
	expect_bad(" 001085012345", THIS_YEAR, BAD_LENGTH);
	expect_bad("001085012345 ", THIS_YEAR, BAD_LENGTH);
	expect_bad("001 085 012 345", THIS_YEAR, BAD_LENGTH);
	/* letters and signs */
	expect_bad("00108501234a", THIS_YEAR, BAD_LENGTH);
	expect_bad("A01085012345", THIS_YEAR, BAD_LENGTH);
	expect_bad("0010850l2345", THIS_YEAR, BAD_LENGTH);
	expect_bad("-01085012345", THIS_YEAR, BAD_LENGTH);
	expect_bad("+01085012345", THIS_YEAR, BAD_LENGTH);
	expect_bad("001085O12345", THIS_YEAR, BAD_LENGTH);
	/* full-width digits are not ASCII digits */
	expect_bad("\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91\xef\xbc\x90", THIS_YEAR, BAD_LENGTH);
	/* the length is checked before the province */
	expect_bad("00308501234", THIS_YEAR, BAD_LENGTH);
}

static void test_province(void **state)
{
	static const char *const not_codes[] = { "000", "003", "005", "007", "009", "013", "016",
						 "018", "021", "023", "028", "029", "032", "039",
						 "041", "043", "047", "050", "053", "055", "057",
						 "059", "061", "063", "065", "069", "071", "073",
						 "076", "078", "081", "085", "088", "090", "097",
						 "098", "099", "100", "101", "500", "999" };
	char id[13];
	unsigned accepted = 0;

	expect_bad("003085012345", THIS_YEAR, BAD_PROVINCE);
	for (size_t i = 0; i < sizeof(not_codes) / sizeof(not_codes[0]); i++) {
		snprintf(id, sizeof(id), "%s085012345", not_codes[i]);
		expect_bad(id, THIS_YEAR, BAD_PROVINCE);
	}
	/* exactly 63 codes, all below 100, each with a name */
	for (int p = 0; p < 1000; p++) {
		struct cccd_info info;
		const char *reason;
		snprintf(id, sizeof(id), "%03d085012345", p);
		if (cccd_check(id, THIS_YEAR, &info, &reason) == 0) {
			accepted++;
			assert_true(p >= 1 && p <= 96);
			assert_int_equal(strncmp(info.province_code, id, 3), 0);
			assert_non_null(info.province_name);
			assert_true(strlen(info.province_name) > 0);
			assert_string_equal(cccd_province_name(info.province_code), info.province_name);
		} else {
			assert_string_equal(reason, BAD_PROVINCE);
			assert_null(cccd_province_name(info.province_code));
		}
	}
	assert_int_equal(accepted, 63);
	assert_string_equal(cccd_province_name("031"), "Hải Phòng");
	assert_string_equal(cccd_province_name("092"), "Cần Thơ");
	assert_string_equal(cccd_province_name("011"), "Điện Biên");
	assert_null(cccd_province_name("01"));
	assert_null(cccd_province_name("0011"));
	assert_null(cccd_province_name(""));
}

/* Digit 4: the century of birth and the sex, every value of it. */
static void test_century_digit(void **state)
{
	static const int first_year[] = { 1900, 1900, 2000, 2000, 2100, 2100, 2200, 2200, 2300, 2300 };
	char id[13];

	for (int d = 0; d <= 9; d++) {
		int sex = d % 2 ? CCCD_FEMALE : CCCD_MALE;
		snprintf(id, sizeof(id), "001%d00123456", d);
		/* far enough in the future, every digit is a birth year */
		expect_ok(id, 2399, "001", "Hà Nội", sex, first_year[d]);
		snprintf(id, sizeof(id), "001%d99123456", d);
		expect_ok(id, 2399, "001", "Hà Nội", sex, first_year[d] + 99);
		/* today, the 22nd century and later are in the future */
		snprintf(id, sizeof(id), "001%d00123456", d);
		if (d <= 3)
			expect_ok(id, THIS_YEAR, "001", "Hà Nội", sex, first_year[d]);
		else
			expect_bad(id, THIS_YEAR, FUTURE);
	}
}

static void test_future_birth_year(void **state)
{
	/* born this year is fine, next year is not */
	expect_ok("001225000001", 2025, "001", "Hà Nội", CCCD_MALE, 2025);
	expect_ok("001325000001", 2025, "001", "Hà Nội", CCCD_FEMALE, 2025);
	expect_bad("001226000001", 2025, FUTURE);
	expect_bad("001326000001", 2025, FUTURE);
	expect_bad("001299000001", 2025, FUTURE);
	/* the same number is valid once its year has come */
	expect_ok("001226000001", 2026, "001", "Hà Nội", CCCD_MALE, 2026);
	/* the 20th century is never in the future */
	expect_ok("001199000001", 2025, "001", "Hà Nội", CCCD_FEMALE, 1999);
	/* a wrong clock on the caller's side */
	expect_bad("001085012345", 1984, FUTURE);
	expect_ok("001085012345", 1985, "001", "Hà Nội", CCCD_MALE, 1985);
}

static void test_birth_year_hint(void **state)
{
	struct cccd_info info;

	assert_int_equal(cccd_check("001085012345", THIS_YEAR, &info, NULL), 0);
	assert_true(cccd_matches_birth_year(&info, 1985));
	assert_false(cccd_matches_birth_year(&info, 1986));
	assert_false(cccd_matches_birth_year(&info, 2085));
	assert_false(cccd_matches_birth_year(&info, 85));
	assert_int_equal(cccd_check("079301000001", THIS_YEAR, &info, NULL), 0);
	assert_true(cccd_matches_birth_year(&info, 2001));
	assert_false(cccd_matches_birth_year(&info, 1901));
	/* a refused number matches no year */
	assert_int_equal(cccd_check("003085012345", THIS_YEAR, &info, NULL), -1);
	assert_false(cccd_matches_birth_year(&info, 1985));
	assert_false(cccd_matches_birth_year(&info, 0));
}

static void test_optional_outputs(void **state)
{
	const char *reason = NULL;

	assert_int_equal(cccd_check("001085012345", THIS_YEAR, NULL, NULL), 0);
	assert_int_equal(cccd_check("001085012345", THIS_YEAR, NULL, &reason), 0);
	assert_null(reason);
	assert_int_equal(cccd_check("00108501234", THIS_YEAR, NULL, NULL), -1);
	assert_int_equal(cccd_check("00108501234", THIS_YEAR, NULL, &reason), -1);
	assert_string_equal(reason, BAD_LENGTH);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_examples),	  cmocka_unit_test(test_length_and_digits),
		cmocka_unit_test(test_province),	  cmocka_unit_test(test_century_digit),
		cmocka_unit_test(test_future_birth_year), cmocka_unit_test(test_birth_year_hint),
		cmocka_unit_test(test_optional_outputs),
	};
	return cmocka_run_group_tests_name("cccd", tests, NULL, NULL) ? 1 : 0;
}
