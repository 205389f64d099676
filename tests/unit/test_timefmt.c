/* test_timefmt.c: civil time, Vietnam time and the Vietnamese number formats (core/timefmt.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "core/timefmt.h"
#include "core/banned.h"

/* 2021-12-24 09:00:00 UTC, 16:00 in Hà Nội */
#define T_20211224_0900Z INT64_C(1640336400)
/* 2021-12-31 23:30:00 UTC, 06:30 on 1 January 2022 in Vietnam */
#define T_20211231_2330Z INT64_C(1640993400)

/* Leap years by the Gregorian rule, written out independently of the code under test. */
static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static void assert_civil(const struct civil *c, int y, int mo, int d, int h, int mi, int s, int wday)
{
	if (c->year != y || c->month != mo || c->day != d || c->hour != h || c->min != mi || c->sec != s ||
	    c->wday != wday)
		fail_msg("got %04d-%02d-%02d %02d:%02d:%02d wday %d, "
			 "want %04d-%02d-%02d %02d:%02d:%02d wday %d",
			 c->year, c->month, c->day, c->hour, c->min, c->sec, c->wday, y, mo, d, h, mi, s,
			 wday);
}

static void test_anchors(void **state)
{
	assert_int_equal(days_from_civil(1970, 1, 1), 0);
	assert_int_equal(days_from_civil(1970, 1, 2), 1);
	assert_int_equal(days_from_civil(1969, 12, 31), -1);
	assert_int_equal(days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(days_from_civil(1900, 1, 1), -25567);
	assert_int_equal(days_from_civil(2100, 12, 31), 47846);
	/* 29 February exists in 2000 but not in 1900 or 2100 */
	assert_int_equal(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);
	assert_int_equal(days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28), 1);
	assert_int_equal(days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28), 1);
	assert_int_equal(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28), 2);
}

/* Check one day: `days` since the epoch, weekday `wday`, at `secs` into the day. */
static void check_day(int y, int m, int d, int64_t days, int wday, int64_t secs)
{
	struct civil c;
	int64_t t = days * 86400 + secs;
	int64_t vn_midnight = days * 86400 - VN_UTC_OFFSET;

	if (days_from_civil(y, m, d) != days)
		fail_msg("days_from_civil(%d, %d, %d) = %lld, want %lld", y, m, d,
			 (long long)days_from_civil(y, m, d), (long long)days);
	/* the day converts back to itself, at any time of the day */
	time_to_civil(t, 0, &c);
	assert_civil(&c, y, m, d, (int)(secs / 3600), (int)(secs % 3600 / 60), (int)(secs % 60), wday);
	if (time_from_civil(&c, 0) != t)
		fail_msg("time_from_civil(%04d-%02d-%02d) did not round-trip", y, m, d);
	/* midnight in Vietnam is 17:00 UTC the day before */
	time_to_civil(vn_midnight, VN_UTC_OFFSET, &c);
	assert_civil(&c, y, m, d, 0, 0, 0, wday);
	if (time_from_civil(&c, VN_UTC_OFFSET) != vn_midnight)
		fail_msg("Vietnam midnight of %04d-%02d-%02d did not round-trip", y, m, d);
}

static void test_every_day_1900_2100(void **state)
{
	int64_t days = days_from_civil(1900, 1, 1);
	int wday = 1; /* 1 January 1900 was a Monday */
	int64_t step = 0;

	/* consecutive dates are consecutive days, each with the next weekday */
	for (int y = 1900; y <= 2100; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= month_days(y, m); d++) {
				/* walk through the hours, minutes and seconds as well */
				check_day(y, m, d, days, wday, step % 86400);
				days++;
				wday = (wday + 1) % 7;
				step += 3607;
			}
		}
	}
	/* 201 years, 49 of them leap years (2000 is, 1900 and 2100 are not) */
	assert_int_equal(days - days_from_civil(1900, 1, 1), 201 * 365 + 49);
	assert_int_equal(days, days_from_civil(2101, 1, 1));
}

static void test_known_instants(void **state)
{
	struct civil c;
	char date[11], tm[6];
	struct civil vn = { 2021, 12, 24, 16, 0, 0, 0 };

	time_to_civil(T_20211224_0900Z, 0, &c);
	assert_civil(&c, 2021, 12, 24, 9, 0, 0, 5);
	time_to_civil(T_20211224_0900Z, VN_UTC_OFFSET, &c);
	assert_civil(&c, 2021, 12, 24, 16, 0, 0, 5);
	assert_int_equal(time_from_civil(&vn, VN_UTC_OFFSET), T_20211224_0900Z);

	time_fmt_date_vn(date, sizeof(date), T_20211224_0900Z);
	assert_string_equal(date, "24/12/2021");
	time_fmt_time_vn(tm, sizeof(tm), T_20211224_0900Z);
	assert_string_equal(tm, "16:00");

	/* the epoch, and the second before it */
	time_to_civil(0, 0, &c);
	assert_civil(&c, 1970, 1, 1, 0, 0, 0, 4);
	time_to_civil(-1, 0, &c);
	assert_civil(&c, 1969, 12, 31, 23, 59, 59, 3);
	time_fmt_date_vn(date, sizeof(date), 0);
	assert_string_equal(date, "01/01/1970");
	time_fmt_time_vn(tm, sizeof(tm), 0);
	assert_string_equal(tm, "07:00");

	/* before the epoch: 2 September 1945 07:00 UTC, with the same fixed offset */
	time_fmt_date_vn(date, sizeof(date), INT64_C(-767811600));
	assert_string_equal(date, "02/09/1945");
	time_fmt_time_vn(tm, sizeof(tm), INT64_C(-767811600));
	assert_string_equal(tm, "14:00");
}

static void test_vietnam_next_day(void **state)
{
	char date[11], tm[6];
	struct civil c;

	/* 23:30 UTC on New Year's Eve is already 1 January in Vietnam */
	time_fmt_date_vn(date, sizeof(date), T_20211231_2330Z);
	assert_string_equal(date, "01/01/2022");
	time_fmt_time_vn(tm, sizeof(tm), T_20211231_2330Z);
	assert_string_equal(tm, "06:30");
	time_to_civil(T_20211231_2330Z, 0, &c);
	assert_civil(&c, 2021, 12, 31, 23, 30, 0, 5);
	time_to_civil(T_20211231_2330Z, VN_UTC_OFFSET, &c);
	assert_civil(&c, 2022, 1, 1, 6, 30, 0, 6);

	/* 16:59:59 UTC is still the same day, 17:00 UTC is the next */
	time_fmt_date_vn(date, sizeof(date), T_20211224_0900Z + 8 * 3600 - 1);
	assert_string_equal(date, "24/12/2021");
	time_fmt_time_vn(tm, sizeof(tm), T_20211224_0900Z + 8 * 3600 - 1);
	assert_string_equal(tm, "23:59");
	time_fmt_date_vn(date, sizeof(date), T_20211224_0900Z + 8 * 3600);
	assert_string_equal(date, "25/12/2021");
	time_fmt_time_vn(tm, sizeof(tm), T_20211224_0900Z + 8 * 3600);
	assert_string_equal(tm, "00:00");
}

static void test_weekday(void **state)
{
	struct civil c;
	/* a week from Sunday 2026-11-22, at noon in Vietnam */
	int64_t sunday = days_from_civil(2026, 11, 22) * 86400 + 5 * 3600;

	for (int i = 0; i < 7; i++) {
		time_to_civil(sunday + i * 86400, VN_UTC_OFFSET, &c);
		assert_int_equal(c.wday, i);
		assert_int_equal(c.day, 22 + i);
	}
	/* days before the epoch */
	time_to_civil(days_from_civil(1969, 12, 22) * 86400, 0, &c);
	assert_int_equal(c.wday, 1);
	time_to_civil(days_from_civil(1900, 1, 1) * 86400, 0, &c);
	assert_int_equal(c.wday, 1);
	time_to_civil(days_from_civil(2100, 12, 31) * 86400 + 86399, 0, &c);
	assert_int_equal(c.wday, 5);
}

static void test_http_date(void **state)
{
	char out[30];

	/* the example of RFC 9110 5.6.7 */
	time_http_date(out, sizeof(out), INT64_C(784111777));
	assert_string_equal(out, "Sun, 06 Nov 1994 08:49:37 GMT");
	assert_int_equal(strlen(out), 29);
	time_http_date(out, sizeof(out), 0);
	assert_string_equal(out, "Thu, 01 Jan 1970 00:00:00 GMT");
	/* UTC, whatever Vietnam's date is */
	time_http_date(out, sizeof(out), T_20211231_2330Z);
	assert_string_equal(out, "Fri, 31 Dec 2021 23:30:00 GMT");
	time_http_date(out, sizeof(out), INT64_C(1795712641));
	assert_string_equal(out, "Thu, 26 Nov 2026 17:04:01 GMT");
}

static void test_iso8601(void **state)
{
	char out[28];

	time_iso8601_utc(out, sizeof(out), T_20211224_0900Z * 1000000 + 123456);
	assert_string_equal(out, "2021-12-24T09:00:00.123456Z");
	time_iso8601_utc(out, sizeof(out), INT64_C(1795712641) * 1000000 + 123456);
	assert_string_equal(out, "2026-11-26T17:04:01.123456Z");
	time_iso8601_utc(out, sizeof(out), 0);
	assert_string_equal(out, "1970-01-01T00:00:00.000000Z");
	/* one microsecond before the epoch */
	time_iso8601_utc(out, sizeof(out), -1);
	assert_string_equal(out, "1969-12-31T23:59:59.999999Z");
}

static void test_clocks(void **state)
{
	int64_t now = time_now_us();
	int64_t m1 = time_mono_us(), m2 = time_mono_us();

	/* after 2024-01-01 and before 2200 */
	assert_true(now > days_from_civil(2024, 1, 1) * 86400 * INT64_C(1000000));
	assert_true(now < days_from_civil(2200, 1, 1) * 86400 * INT64_C(1000000));
	assert_true(m2 >= m1);
}

static void check_money(int64_t v, const char *want)
{
	char out[32];
	memset(out, '#', sizeof(out));
	money_fmt_vnd(out, sizeof(out), v);
	if (strcmp(out, want))
		fail_msg("money_fmt_vnd(%lld) = \"%s\", want \"%s\"", (long long)v, out, want);
}

static void check_num(int64_t v, const char *want)
{
	char out[28];
	memset(out, '#', sizeof(out));
	num_fmt_vn(out, sizeof(out), v);
	if (strcmp(out, want))
		fail_msg("num_fmt_vn(%lld) = \"%s\", want \"%s\"", (long long)v, out, want);
}

static void test_money(void **state)
{
	check_money(317000000, "317.000.000 đ");
	check_money(0, "0 đ");
	check_money(999, "999 đ");
	check_money(1000, "1.000 đ");
	check_money(1001, "1.001 đ");
	check_money(10000, "10.000 đ");
	check_money(100000, "100.000 đ");
	check_money(1234567, "1.234.567 đ");
	check_money(-1, "-1 đ");
	check_money(-1000, "-1.000 đ");
	check_money(-317000000, "-317.000.000 đ");
	check_money(INT64_MAX, "9.223.372.036.854.775.807 đ");
	check_money(INT64_MIN, "-9.223.372.036.854.775.808 đ");
}

static void test_num(void **state)
{
	check_num(0, "0");
	check_num(7, "7");
	check_num(999, "999");
	check_num(1000, "1.000");
	check_num(52845, "52.845");
	check_num(999999, "999.999");
	check_num(1000000, "1.000.000");
	check_num(-52845, "-52.845");
	check_num(-999, "-999");
	check_num(INT64_MAX, "9.223.372.036.854.775.807");
	check_num(INT64_MIN, "-9.223.372.036.854.775.808");
}

static void test_small_output(void **state)
{
	char out[16];

	/* a short buffer is filled up to its size, terminated, and not overrun */
	memset(out, '#', sizeof(out));
	money_fmt_vnd(out, 8, 317000000);
	assert_string_equal(out, "317.000");
	assert_int_equal(out[8], '#');
	memset(out, '#', sizeof(out));
	num_fmt_vn(out, 4, INT64_MIN);
	assert_string_equal(out, "-9.");
	assert_int_equal(out[4], '#');
	memset(out, '#', sizeof(out));
	time_fmt_date_vn(out, 6, T_20211224_0900Z);
	assert_string_equal(out, "24/12");
	assert_int_equal(out[6], '#');
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_anchors),	       cmocka_unit_test(test_every_day_1900_2100),
		cmocka_unit_test(test_known_instants), cmocka_unit_test(test_vietnam_next_day),
		cmocka_unit_test(test_weekday),	       cmocka_unit_test(test_http_date),
		cmocka_unit_test(test_iso8601),	       cmocka_unit_test(test_clocks),
		cmocka_unit_test(test_money),	       cmocka_unit_test(test_num),
		cmocka_unit_test(test_small_output),
	};
	return cmocka_run_group_tests_name("timefmt", tests, NULL, NULL);
}
