/*
 * test_calendar.c: the working-time calendar. The rules (rules/calendar.c):
 * the lunar calendar against a published table of Tết for 1990–2050, the
 * Hùng Kings' day, the law's days off of 2022–2026 against what the
 * government announced, and working time (cal_add, cal_between,
 * cal_day_end) across weekends, lunch, holidays, make-up days, Tết and year
 * ends. The database (features/calendar.c): years stored with the law's
 * days when first needed, admin changes seen by the next calendar_current
 * (the settings token), nothing written inside a caller's transaction.
 * The database part runs on SQLite, or on PostgreSQL with
 * MOTCUA_TEST_BACKEND=pg.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/arena.h"
#include "core/timefmt.h"
#include "features/calendar.h"
#include "rules/calendar.h"
#include "store/db.h"
#include "store/migrate.h"
#include "testdb.h"
#include "core/banned.h"

#define HOUR 3600

/* An instant in Vietnam time. */
static int64_t vn(int y, int m, int d, int h, int mi)
{
	return (int64_t)cal_date(y, m, d) * 86400 + h * 3600 + mi * 60 - 7 * 3600;
}

/* "2026-02-23 16:00" for messages. */
static const char *show(int64_t t, char *buf, size_t n)
{
	struct civil c;
	if (t < 0) {
		snprintf(buf, n, "(%lld)", (long long)t);
		return buf;
	}
	time_to_civil(t, 7 * 3600, &c);
	snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day, c.hour, c.min, c.sec);
	return buf;
}

#define assert_instant(got, want)                                                         \
	do {                                                                              \
		int64_t g_ = (got), w_ = (want);                                          \
		char gb_[32], wb_[32];                                                    \
		if (g_ != w_)                                                             \
			fail_msg("%s: got %s, want %s", #got, show(g_, gb_, sizeof(gb_)), \
				 show(w_, wb_, sizeof(wb_)));                             \
	} while (0)

/* ---- civil dates ---- */

static void test_civil(void **state)
{
	int y, m, d;
	(void)state;
	assert_int_equal(cal_date(1970, 1, 1), 0);
	assert_int_equal(cal_date(2000, 3, 1), 11017);
	assert_int_equal(cal_date(1969, 12, 31), -1);
	for (int32_t date = cal_date(1899, 1, 1); date <= cal_date(2201, 1, 1); date += 17) {
		cal_ymd(date, &y, &m, &d);
		assert_int_equal(cal_date(y, m, d), date);
	}
	cal_ymd(cal_date(2024, 2, 29), &y, &m, &d);
	assert_true(y == 2024 && m == 2 && d == 29);
	/* 0 = Sunday: 1/1/1970 a Thursday, 2/9/2025 a Tuesday, 17/2/2026 (Tết) a Tuesday, 26/4/2026 a Sunday
	 */
	assert_int_equal(cal_weekday(0), 4);
	assert_int_equal(cal_weekday(cal_date(2025, 9, 2)), 2);
	assert_int_equal(cal_weekday(cal_date(2026, 2, 17)), 2);
	assert_int_equal(cal_weekday(cal_date(2026, 4, 26)), 0);
	assert_int_equal(cal_weekday(cal_date(1969, 12, 28)), 0);
}

/* ---- the lunar calendar ---- */

/*
 * Tết (1/1 lunar) in the solar calendar, 1990–2050: the table of lunar new
 * year dates of python-holidays (github.com/vacanza/holidays,
 * holidays/calendars/chinese.py, LUNAR_NEW_YEAR_DATES, from the Hong Kong
 * Observatory's tables) with its Vietnamese exceptions
 * (VIETNAMESE_CALENDAR_LUNAR_NEW_YEAR_DATES: 2007 and 2030 come a day
 * earlier in Vietnam, whose calendar runs on UTC+7, than in China). Checked
 * by hand against the government's holiday notices: 10/2/2024, 29/1/2025,
 * 17/2/2026, and against printed calendars for 6/2/2027 and 31/1/2033.
 */
static const struct {
	short year;
	signed char month, day;
} tet[] = {
	{ 1990, 1, 27 }, { 1991, 2, 15 }, { 1992, 2, 4 },  { 1993, 1, 23 }, { 1994, 2, 10 }, { 1995, 1, 31 },
	{ 1996, 2, 19 }, { 1997, 2, 7 },  { 1998, 1, 28 }, { 1999, 2, 16 }, { 2000, 2, 5 },  { 2001, 1, 24 },
	{ 2002, 2, 12 }, { 2003, 2, 1 },  { 2004, 1, 22 }, { 2005, 2, 9 },  { 2006, 1, 29 }, { 2007, 2, 17 },
	{ 2008, 2, 7 },	 { 2009, 1, 26 }, { 2010, 2, 14 }, { 2011, 2, 3 },  { 2012, 1, 23 }, { 2013, 2, 10 },
	{ 2014, 1, 31 }, { 2015, 2, 19 }, { 2016, 2, 8 },  { 2017, 1, 28 }, { 2018, 2, 16 }, { 2019, 2, 5 },
	{ 2020, 1, 25 }, { 2021, 2, 12 }, { 2022, 2, 1 },  { 2023, 1, 22 }, { 2024, 2, 10 }, { 2025, 1, 29 },
	{ 2026, 2, 17 }, { 2027, 2, 6 },  { 2028, 1, 26 }, { 2029, 2, 13 }, { 2030, 2, 2 },  { 2031, 1, 23 },
	{ 2032, 2, 11 }, { 2033, 1, 31 }, { 2034, 2, 19 }, { 2035, 2, 8 },  { 2036, 1, 28 }, { 2037, 2, 15 },
	{ 2038, 2, 4 },	 { 2039, 1, 24 }, { 2040, 2, 12 }, { 2041, 2, 1 },  { 2042, 1, 22 }, { 2043, 2, 10 },
	{ 2044, 1, 30 }, { 2045, 2, 17 }, { 2046, 2, 6 },  { 2047, 1, 26 }, { 2048, 2, 14 }, { 2049, 2, 2 },
	{ 2050, 1, 23 },
};

static void test_tet_table(void **state)
{
	(void)state;
	assert_int_equal(sizeof(tet) / sizeof(tet[0]), 61);
	for (size_t i = 0; i < sizeof(tet) / sizeof(tet[0]); i++) {
		int32_t want = cal_date(tet[i].year, tet[i].month, tet[i].day),
			got = solar_from_lunar(1, 1, tet[i].year, 0);
		int ld, lm, ly, leap;
		if (got != want) {
			int y, m, d;
			cal_ymd(got, &y, &m, &d);
			fail_msg("Tết %d: got %02d/%02d/%d, want %02d/%02d/%d", tet[i].year, d, m, y,
				 tet[i].day, tet[i].month, tet[i].year);
		}
		lunar_from_solar(want, &ld, &lm, &ly, &leap);
		assert_true(ld == 1 && lm == 1 && ly == tet[i].year && !leap);
		/* the day before is the last of the old year: day 29 or 30 of month 12 */
		lunar_from_solar(want - 1, &ld, &lm, &ly, &leap);
		if (!(lm == 12 && ly == tet[i].year - 1 && (ld == 29 || ld == 30) && !leap))
			fail_msg("the eve of Tết %d is %d/%d/%d%s", tet[i].year, ld, lm, ly,
				 leap ? " leap" : "");
		assert_int_equal(solar_from_lunar(ld, 12, tet[i].year - 1, 0), want - 1);
		/* and month 12 has no day after it (no 30th in a month of 29 days) */
		if (ld == 29)
			assert_int_equal(solar_from_lunar(30, 12, tet[i].year - 1, 0), -1);
	}
}

/* Hùng Kings' day, 10/3 lunar (python-holidays' table with its Vietnamese exceptions; 2024–2026 by the
 * notices). */
static void test_hung_kings(void **state)
{
	static const struct {
		int y, m, d;
	} hung[] = {
		{ 2009, 4, 4 },	 /* 5/4 in China: the UTC+7 new moon */
		{ 2012, 3, 31 }, /* the earliest in these years */
		{ 2023, 4, 29 }, { 2024, 4, 18 }, { 2025, 4, 7 },  { 2026, 4, 26 },
		{ 2027, 4, 16 }, { 2037, 4, 24 }, { 2038, 4, 13 }, { 2042, 4, 29 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(hung) / sizeof(hung[0]); i++) {
		int ld, lm, ly, leap;
		assert_int_equal(solar_from_lunar(10, 3, hung[i].y, 0),
				 cal_date(hung[i].y, hung[i].m, hung[i].d));
		lunar_from_solar(cal_date(hung[i].y, hung[i].m, hung[i].d), &ld, &lm, &ly, &leap);
		assert_true(ld == 10 && lm == 3 && ly == hung[i].y && !leap);
	}
}

static void test_lunar_leap_and_round_trip(void **state)
{
	int ld, lm, ly, leap;
	(void)state;
	/* 2023 had a leap month 2 (from 22/3), 2020 a leap month 4 (from 23/5), 2025 a leap month 6 (from
	 * 25/7) */
	lunar_from_solar(cal_date(2023, 3, 22), &ld, &lm, &ly, &leap);
	assert_true(ld == 1 && lm == 2 && ly == 2023 && leap);
	lunar_from_solar(cal_date(2023, 3, 21), &ld, &lm, &ly, &leap);
	assert_true(lm == 2 && ly == 2023 && !leap);
	assert_int_equal(solar_from_lunar(1, 2, 2023, 1), cal_date(2023, 3, 22));
	assert_int_equal(solar_from_lunar(1, 3, 2023, 0), cal_date(2023, 4, 20));
	assert_int_equal(solar_from_lunar(1, 4, 2020, 1), cal_date(2020, 5, 23));
	assert_int_equal(solar_from_lunar(1, 6, 2025, 1), cal_date(2025, 7, 25));
	/* Mid-Autumn (15/8) of 2025 */
	assert_int_equal(solar_from_lunar(15, 8, 2025, 0), cal_date(2025, 10, 6));
	/* no such days: a leap month the year lacks, a leap month of another number, bad numbers */
	assert_int_equal(solar_from_lunar(1, 3, 2024, 1), -1);
	assert_int_equal(solar_from_lunar(1, 3, 2023, 1), -1);
	assert_int_equal(solar_from_lunar(0, 1, 2024, 0), -1);
	assert_int_equal(solar_from_lunar(31, 1, 2024, 0), -1);
	assert_int_equal(solar_from_lunar(1, 13, 2024, 0), -1);
	/* every day of 1995–2035 there and back; lunar days count on by one or start a month */
	{
		int pd = 0, pm = 0, py = 0, pl = 0;
		for (int32_t date = cal_date(1995, 1, 1); date <= cal_date(2035, 12, 31); date++) {
			lunar_from_solar(date, &ld, &lm, &ly, &leap);
			if (solar_from_lunar(ld, lm, ly, leap) != date)
				fail_msg("day %d: lunar %d/%d/%d%s does not come back", date, ld, lm, ly,
					 leap ? " leap" : "");
			if (pd)
				assert_true((ld == pd + 1 && lm == pm && ly == py && leap == pl) ||
					    (ld == 1 && (pd == 29 || pd == 30)));
			pd = ld, pm = lm, py = ly, pl = leap;
		}
	}
}

/* ---- the law's days off ---- */

struct want_day {
	int m, d;
	const char *name;
};

static void expect_defaults(int year, const struct want_day *want, size_t n)
{
	struct calendar c;
	struct cal_day out[40];
	size_t got;

	cal_default(&c);
	got = cal_year_defaults(&c, year, out, 40);
	for (size_t i = 0; i < got && i < n; i++) {
		int y, m, d;
		cal_ymd(out[i].date, &y, &m, &d);
		if (y != year || m != want[i].m || d != want[i].d || strcmp(out[i].name, want[i].name) ||
		    out[i].kind != CAL_HOLIDAY)
			fail_msg("%d, day %zu: got %02d/%02d %s, want %02d/%02d %s", year, i, d, m,
				 out[i].name, want[i].d, want[i].m, want[i].name);
	}
	assert_int_equal(got, n);
}

#define TET	 "Tết Nguyên đán"
#define HUNG	 "Giỗ Tổ Hùng Vương"
#define VICTORY	 "Ngày Giải phóng miền Nam, thống nhất đất nước"
#define LABOUR	 "Ngày Quốc tế Lao động"
#define NATIONAL "Quốc khánh"

/*
 * 2025: Tết from 28/1 (the last day of Giáp Thìn, a month 12 of 29 days) to
 * 1/2, a Saturday: a make-up day on Monday 3/2 by the rule (the government
 * moved it to Monday 27/1, an admin's edit); 2/9 on a Tuesday with Monday
 * 1/9 before it, as the government announced (30/8–2/9 off).
 */
static void test_defaults_2025(void **state)
{
	static const struct want_day want[] = {
		{ 1, 1, "Tết Dương lịch" },
		{ 1, 28, TET },
		{ 1, 29, TET },
		{ 1, 30, TET },
		{ 1, 31, TET },
		{ 2, 1, TET },
		{ 2, 3, "Nghỉ bù Tết Nguyên đán" },
		{ 4, 7, HUNG },
		{ 4, 30, VICTORY },
		{ 5, 1, LABOUR },
		{ 9, 1, NATIONAL },
		{ 9, 2, NATIONAL },
	};
	(void)state;
	expect_defaults(2025, want, sizeof(want) / sizeof(want[0]));
}

/*
 * 2026: Tết from Monday 16/2 to Friday 20/2 (as announced); Hùng Kings' day
 * on Sunday 26/4, made up on Monday 27/4 (as announced); 2/9 a Wednesday.
 */
static void test_defaults_2026(void **state)
{
	static const struct want_day want[] = {
		{ 1, 1, "Tết Dương lịch" },
		{ 2, 16, TET },
		{ 2, 17, TET },
		{ 2, 18, TET },
		{ 2, 19, TET },
		{ 2, 20, TET },
		{ 4, 26, HUNG },
		{ 4, 27, "Nghỉ bù Giỗ Tổ Hùng Vương" },
		{ 4, 30, VICTORY },
		{ 5, 1, LABOUR },
		{ 9, 1, NATIONAL },
		{ 9, 2, NATIONAL },
	};
	(void)state;
	expect_defaults(2026, want, sizeof(want) / sizeof(want[0]));
}

/*
 * Years with more days on weekends, against the announcements: 2022 (30/4 a
 * Saturday, 1/5 a Sunday: 2/5 and 3/5 off); 2023 (Hùng Kings' day Saturday
 * 29/4, 30/4 a Sunday: off to 3/5; Tết from Saturday 21/1; 2/9 a Saturday,
 * 1/9 and 4/9 off).
 */
static void test_defaults_weekends(void **state)
{
	static const struct want_day want2022[] = {
		{ 1, 1, "Tết Dương lịch" },
		{ 1, 3, "Nghỉ bù Tết Dương lịch" },
		{ 1, 31, TET },
		{ 2, 1, TET },
		{ 2, 2, TET },
		{ 2, 3, TET },
		{ 2, 4, TET },
		{ 4, 10, HUNG },
		{ 4, 11, "Nghỉ bù Giỗ Tổ Hùng Vương" },
		{ 4, 30, VICTORY },
		{ 5, 1, LABOUR },
		{ 5, 2, "Nghỉ bù ngày Giải phóng miền Nam" },
		{ 5, 3, "Nghỉ bù ngày Quốc tế Lao động" },
		{ 9, 1, NATIONAL },
		{ 9, 2, NATIONAL },
	};
	static const struct want_day want2023[] = {
		{ 1, 1, "Tết Dương lịch" },
		{ 1, 2, "Nghỉ bù Tết Dương lịch" },
		{ 1, 21, TET },
		{ 1, 22, TET },
		{ 1, 23, TET },
		{ 1, 24, TET },
		{ 1, 25, TET },
		{ 1, 26, "Nghỉ bù Tết Nguyên đán" },
		{ 1, 27, "Nghỉ bù Tết Nguyên đán" },
		{ 4, 29, HUNG },
		{ 4, 30, VICTORY },
		{ 5, 1, LABOUR },
		{ 5, 2, "Nghỉ bù Giỗ Tổ Hùng Vương" },
		{ 5, 3, "Nghỉ bù ngày Giải phóng miền Nam" },
		{ 9, 1, NATIONAL },
		{ 9, 2, NATIONAL },
		{ 9, 4, "Nghỉ bù Quốc khánh" },
	};
	struct calendar c;
	struct cal_day few[3];
	(void)state;
	expect_defaults(2022, want2022, sizeof(want2022) / sizeof(want2022[0]));
	expect_defaults(2023, want2023, sizeof(want2023) / sizeof(want2023[0]));
	/* too small an array: the first days, and the number needed */
	cal_default(&c);
	assert_int_equal(cal_year_defaults(&c, 2023, few, 3), 17);
	assert_int_equal(few[2].date, cal_date(2023, 1, 21));
	/* a six-day week: Saturday holidays need no make-up day, Sunday ones go to Monday */
	c.hours[6][0] = (struct cal_period){ 8 * 60, 12 * 60 };
	c.nhours[6] = 1;
	{
		struct cal_day out[40];
		size_t n = cal_year_defaults(&c, 2022, out, 40);
		/* 1/1/2022 and 30/4 Saturdays: no make-up; 10/4 and 1/5 Sundays: Mondays 11/4 and 2/5 */
		assert_int_equal(n, 13);
		assert_int_equal(out[1].date, cal_date(2022, 1, 31));
		assert_int_equal(out[7].date, cal_date(2022, 4, 11));
		assert_int_equal(out[10].date, cal_date(2022, 5, 2));
	}
}

/* ---- working time ---- */

/* The default week with the law's days of 2025 and 2026, and a Saturday made a working day (10/1/2026). */
static struct calendar work_cal;
static struct cal_day work_days[80];

static int setup_work_cal(void)
{
	size_t n = 0, i = 0;
	cal_default(&work_cal);
	n += cal_year_defaults(&work_cal, 2025, work_days + n, 40);
	n += cal_year_defaults(&work_cal, 2026, work_days + n, 40);
	/* the Saturday 10/1/2026 works (làm bù), sorted into place after 1/1 */
	for (i = n; i > 0 && work_days[i - 1].date > cal_date(2026, 1, 10); i--)
		work_days[i] = work_days[i - 1];
	work_days[i] = (struct cal_day){ cal_date(2026, 1, 10), CAL_WORKDAY, "Làm bù" };
	work_cal.days = work_days;
	work_cal.ndays = n + 1;
	return 0;
}

static void test_is_working(void **state)
{
	const struct calendar *c = &work_cal;
	(void)state;
	/* Monday 2/3/2026 */
	assert_true(cal_is_working(c, vn(2026, 3, 2, 8, 0)));
	assert_false(cal_is_working(c, vn(2026, 3, 2, 7, 59)));
	assert_true(cal_is_working(c, vn(2026, 3, 2, 12, 0) - 1));
	assert_false(cal_is_working(c, vn(2026, 3, 2, 12, 0)));
	assert_false(cal_is_working(c, vn(2026, 3, 2, 12, 59)));
	assert_true(cal_is_working(c, vn(2026, 3, 2, 13, 0)));
	assert_false(cal_is_working(c, vn(2026, 3, 2, 17, 0)));
	/* a Saturday, Tết, the make-up day of Hùng Kings' day, the working Saturday */
	assert_false(cal_is_working(c, vn(2026, 3, 7, 10, 0)));
	assert_false(cal_is_working(c, vn(2026, 2, 18, 10, 0)));
	assert_false(cal_is_working(c, vn(2026, 4, 27, 10, 0)));
	assert_true(cal_is_working(c, vn(2026, 1, 10, 10, 0)));
	assert_true(cal_is_working_day(c, cal_date(2026, 1, 10)));
	assert_false(cal_is_working_day(c, cal_date(2026, 1, 11)));
	assert_false(cal_is_working_day(c, cal_date(2026, 2, 16)));
	assert_true(cal_is_working_day(c, cal_date(2026, 2, 23)));
}

static void test_add(void **state)
{
	const struct calendar *c = &work_cal;
	(void)state;
	/* 0 seconds: the instant itself in working time, else the next period's start */
	assert_instant(cal_add(c, vn(2026, 3, 2, 9, 30), 0), vn(2026, 3, 2, 9, 30));
	assert_instant(cal_add(c, vn(2026, 3, 2, 12, 30), 0), vn(2026, 3, 2, 13, 0));
	assert_instant(cal_add(c, vn(2026, 3, 2, 12, 0), 0), vn(2026, 3, 2, 13, 0));
	assert_instant(cal_add(c, vn(2026, 3, 6, 17, 0), 0), vn(2026, 3, 9, 8, 0));
	/* the lunch break does not count */
	assert_instant(cal_add(c, vn(2026, 3, 2, 11, 0), 2 * HOUR), vn(2026, 3, 2, 14, 0));
	assert_instant(cal_add(c, vn(2026, 3, 2, 11, 59), 60), vn(2026, 3, 2, 12, 0));
	assert_instant(cal_add(c, vn(2026, 3, 2, 11, 59), 61), vn(2026, 3, 2, 13, 0) + 1);
	/* ending exactly with a period: it stays there */
	assert_instant(cal_add(c, vn(2026, 3, 2, 8, 0), 4 * HOUR), vn(2026, 3, 2, 12, 0));
	assert_instant(cal_add(c, vn(2026, 3, 2, 8, 0), 8 * HOUR), vn(2026, 3, 2, 17, 0));
	assert_instant(cal_add(c, vn(2026, 3, 2, 8, 0), 5 * 8 * HOUR), vn(2026, 3, 6, 17, 0));
	/* across a weekend */
	assert_instant(cal_add(c, vn(2026, 3, 6, 16, 0), 2 * HOUR), vn(2026, 3, 9, 9, 0));
	assert_instant(cal_add(c, vn(2026, 3, 6, 16, 0), 10 * 8 * HOUR), vn(2026, 3, 20, 16, 0));
	/* starting outside working time: a Saturday, early, late */
	assert_instant(cal_add(c, vn(2026, 3, 7, 10, 0), HOUR), vn(2026, 3, 9, 9, 0));
	assert_instant(cal_add(c, vn(2026, 3, 2, 6, 0), HOUR), vn(2026, 3, 2, 9, 0));
	assert_instant(cal_add(c, vn(2026, 3, 2, 20, 0), HOUR), vn(2026, 3, 3, 9, 0));
	/* Tết 2026: Friday 13/2 16:00 + 1 day → 16/2–20/2 off, the weekend → Monday 23/2 16:00 */
	assert_instant(cal_add(c, vn(2026, 2, 13, 16, 0), 8 * HOUR), vn(2026, 2, 23, 16, 0));
	/* Hùng Kings' day on Sunday 26/4/2026: Monday 27/4 is the make-up day off */
	assert_instant(cal_add(c, vn(2026, 4, 24, 17, 0), HOUR), vn(2026, 4, 28, 9, 0));
	/* 30/4 and 1/5: Wednesday 29/4 16:00 + 2 h → Monday 4/5 09:00 */
	assert_instant(cal_add(c, vn(2026, 4, 29, 16, 0), 2 * HOUR), vn(2026, 5, 4, 9, 0));
	/* the make-up day off of Tết 2025 (Monday 3/2): Monday 27/1 17:00 → … → Tuesday 4/2 */
	assert_instant(cal_add(c, vn(2025, 1, 27, 17, 0), HOUR), vn(2025, 2, 4, 9, 0));
	/* a working Saturday (làm bù) */
	assert_instant(cal_add(c, vn(2026, 1, 9, 17, 0), HOUR), vn(2026, 1, 10, 9, 0));
	assert_instant(cal_add(c, vn(2026, 1, 10, 16, 0), 2 * HOUR), vn(2026, 1, 12, 9, 0));
	/* the year's end: 31/12/2025 16:00 + 2 h → 1/1/2026 is off → Friday 2/1 09:00 */
	assert_instant(cal_add(c, vn(2025, 12, 31, 16, 0), 2 * HOUR), vn(2026, 1, 2, 9, 0));
	/* seconds, not only hours */
	assert_instant(cal_add(c, vn(2026, 3, 2, 8, 0), 1), vn(2026, 3, 2, 8, 0) + 1);
	/* refused: negative time; no working time at all */
	assert_int_equal(cal_add(c, vn(2026, 3, 2, 8, 0), -1), -1);
	{
		struct calendar none;
		memset(&none, 0, sizeof(none));
		none.utc_offset = 7 * 3600;
		assert_int_equal(cal_add(&none, vn(2026, 3, 2, 8, 0), 0), -1);
		assert_int_equal(cal_day_end(&none, vn(2026, 3, 2, 8, 0), 900), -1);
		assert_int_equal(cal_between(&none, vn(2026, 3, 2, 8, 0), vn(2027, 3, 2, 8, 0)), 0);
	}
	/* absurd amounts give up instead of counting for ever */
	assert_int_equal(cal_add(c, vn(2026, 3, 2, 8, 0), INT64_MAX), -1);
	assert_int_equal(cal_add(c, INT64_MAX, 0), -1);
}

static void test_between(void **state)
{
	const struct calendar *c = &work_cal;
	int64_t a, s;
	(void)state;
	assert_int_equal(cal_between(c, vn(2026, 3, 2, 9, 0), vn(2026, 3, 2, 9, 0)), 0);
	assert_int_equal(cal_between(c, vn(2026, 3, 2, 12, 0), vn(2026, 3, 2, 13, 0)), 0);
	assert_int_equal(cal_between(c, vn(2026, 3, 2, 11, 0), vn(2026, 3, 2, 14, 0)), 2 * HOUR);
	assert_int_equal(cal_between(c, vn(2026, 3, 2, 14, 0), vn(2026, 3, 2, 11, 0)), -2 * HOUR);
	assert_int_equal(cal_between(c, vn(2026, 3, 6, 16, 0), vn(2026, 3, 9, 9, 0)), 2 * HOUR);
	assert_int_equal(cal_between(c, vn(2026, 3, 7, 0, 0), vn(2026, 3, 9, 0, 0)), 0);
	assert_int_equal(cal_between(c, vn(2026, 2, 13, 16, 0), vn(2026, 2, 23, 16, 0)), 8 * HOUR);
	assert_int_equal(cal_between(c, vn(2025, 12, 31, 16, 0), vn(2026, 1, 2, 9, 0)), 2 * HOUR);
	assert_int_equal(cal_between(c, vn(2026, 1, 9, 16, 0), vn(2026, 1, 12, 9, 0)), 10 * HOUR);
	/*
	 * The whole of 2026: 261 weekdays, less 11 days off on weekdays (1/1, Tết
	 * 16–20/2, 27/4, 30/4, 1/5, 1/9, 2/9), plus the working Saturday 10/1.
	 */
	assert_int_equal(cal_between(c, vn(2026, 1, 1, 0, 0), vn(2027, 1, 1, 0, 0)),
			 (int64_t)(261 - 11 + 1) * 8 * HOUR);
	/* cal_between undoes cal_add, from any instant; and agrees with counting minute by minute */
	srand(20260217);
	for (int i = 0; i < 300; i++) {
		a = vn(2025, 12, 1, 0, 0) + (int64_t)(rand() % (120 * 1440)) * 60;
		s = (int64_t)(rand() % (30 * 8 * 60)) * 60;
		assert_int_equal(cal_between(c, a, cal_add(c, a, s)), s);
	}
	for (int i = 0; i < 20; i++) {
		int64_t b, count = 0;
		a = vn(2026, 1, 1, 0, 0) + (int64_t)(rand() % (60 * 1440)) * 60;
		b = a + (int64_t)(rand() % (20 * 1440)) * 60;
		for (int64_t t = a; t < b; t += 60)
			count += cal_is_working(c, t) ? 60 : 0;
		assert_int_equal(cal_between(c, a, b), count);
	}
}

static void test_day_end(void **state)
{
	const struct calendar *c = &work_cal;
	(void)state;
	/* "the same working day, or the next when received after 15:00" */
	assert_instant(cal_day_end(c, vn(2026, 3, 2, 10, 0), 900), vn(2026, 3, 2, 17, 0));
	assert_instant(cal_day_end(c, vn(2026, 3, 2, 7, 0), 900), vn(2026, 3, 2, 17, 0));
	assert_instant(cal_day_end(c, vn(2026, 3, 2, 15, 0), 900), vn(2026, 3, 2, 17, 0));
	assert_instant(cal_day_end(c, vn(2026, 3, 2, 15, 0) + 1, 900), vn(2026, 3, 3, 17, 0));
	assert_instant(cal_day_end(c, vn(2026, 3, 6, 16, 0), 900), vn(2026, 3, 9, 17, 0));
	assert_instant(cal_day_end(c, vn(2026, 3, 7, 10, 0), 900), vn(2026, 3, 9, 17, 0));
	assert_instant(cal_day_end(c, vn(2026, 2, 13, 15, 30), 900), vn(2026, 2, 23, 17, 0));
	assert_instant(cal_day_end(c, vn(2026, 2, 17, 9, 0), 900), vn(2026, 2, 23, 17, 0));
	assert_instant(cal_day_end(c, vn(2026, 1, 10, 10, 0), 900), vn(2026, 1, 10, 17, 0));
	assert_instant(cal_day_end(c, vn(2025, 12, 31, 16, 0), 900), vn(2026, 1, 2, 17, 0));
}

/* ---- the database ---- */

struct fixture {
	char dir[64];
	char path[320];
	int pg;
	struct db *db;
	struct arena arena;
};

static struct fixture fx;

static int db_setup(void **state)
{
	char *err = NULL;
	int applied = 0;
	(void)state;
	if (testdb_fresh("calendar", fx.dir, fx.path, sizeof(fx.path), &fx.pg))
		return -1;
	arena_init(&fx.arena);
	fx.db = db_open(fx.path, &err);
	if (!fx.db || migrate_run(fx.db, &applied, &err)) {
		fprintf(stderr, "# %s\n", err ? err : "cannot open the database");
		free(err);
		return -1;
	}
	return 0;
}

static int db_teardown(void **state)
{
	(void)state;
	arena_release(&fx.arena);
	db_close(fx.db);
	testdb_remove(fx.dir, fx.path, fx.pg);
	return 0;
}

static int64_t scalar(const char *sql, int64_t arg)
{
	struct db_stmt *st;
	int64_t v;
	int rc = db_query(fx.db, &st, sql, "i", arg);
	if (rc != DB_ROW)
		fail_msg("\"%s\" gave %d: %s", sql, rc, db_errmsg(fx.db));
	v = db_col_int(st, 0);
	while ((rc = db_step(st)) == DB_ROW)
		;
	assert_int_equal(rc, DB_DONE);
	return v;
}

static int this_year(void)
{
	struct civil c;
	time_to_civil(time_now_us() / 1000000, 7 * 3600, &c);
	return c.year;
}

static int64_t years_stored(void)
{
	return scalar("SELECT COUNT(*) FROM calendar_years WHERE year > ?", 0);
}

static void test_db_current(void **state)
{
	const struct calendar *c, *again;
	int y = this_year();
	(void)state;
	assert_int_equal(years_stored(), 0);
	c = calendar_current(fx.db);
	assert_non_null(c);
	/* the year before this one to two years ahead, stored with the law's days */
	assert_int_equal(years_stored(), 4);
	assert_int_equal(scalar("SELECT COUNT(*) FROM calendar_years WHERE year = ?", y - 1), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM calendar_years WHERE year = ?", y + 2), 1);
	assert_int_equal(scalar("SELECT COUNT(*) FROM calendar_days WHERE date = ? AND kind = 'holiday'",
				cal_date(y + 1, 1, 1)),
			 1);
	assert_false(cal_is_working_day(c, cal_date(y, 1, 1)));
	assert_false(cal_is_working_day(c, solar_from_lunar(1, 1, y + 1, 0)));
	/* the same snapshot while nothing changes */
	again = calendar_current(fx.db);
	assert_ptr_equal(c, again);
	assert_instant(calendar_due(fx.db, vn(2026, 2, 13, 16, 0), 8 * HOUR), vn(2026, 2, 23, 16, 0));
	assert_int_equal(calendar_worked(fx.db, vn(2026, 2, 13, 16, 0), vn(2026, 2, 23, 16, 0)), 8 * HOUR);
}

static void test_db_edits(void **state)
{
	struct calendar_day_row before, *rows;
	const struct calendar *c0, *c1, *c2;
	size_t n, removed, added;
	int32_t monday = cal_date(2026, 3, 2);
	(void)state;

	c0 = calendar_current(fx.db);
	assert_non_null(c0);
	assert_instant(calendar_due(fx.db, vn(2026, 2, 27, 16, 0), 2 * HOUR), vn(2026, 3, 2, 9, 0));
	/* Monday 2/3/2026 a day off */
	assert_int_equal(db_begin(fx.db), 0);
	assert_int_equal(calendar_day_set(fx.db, &fx.arena, monday, CAL_HOLIDAY, "Nghỉ thử", "account:1",
					  vn(2026, 2, 1, 9, 0), &before),
			 0);
	assert_int_equal(before.kind, 0);
	assert_int_equal(db_commit(fx.db), 0);
	c1 = calendar_current(fx.db);
	assert_non_null(c1);
	assert_ptr_not_equal(c1, c0);
	assert_false(cal_is_working_day(c1, monday));
	/* the old snapshot is still there, unchanged */
	assert_true(cal_is_working_day(c0, monday));
	assert_instant(calendar_due(fx.db, vn(2026, 2, 27, 16, 0), 2 * HOUR), vn(2026, 3, 3, 9, 0));

	/* renamed: before is what it was */
	assert_int_equal(db_begin(fx.db), 0);
	assert_int_equal(calendar_day_set(fx.db, &fx.arena, monday, CAL_HOLIDAY, "Nghỉ thử 2", "account:1",
					  vn(2026, 2, 1, 9, 0), &before),
			 0);
	assert_int_equal(before.kind, CAL_HOLIDAY);
	assert_string_equal(before.name, "Nghỉ thử");
	assert_string_equal(before.set_by, "account:1");
	assert_int_equal(db_commit(fx.db), 0);

	/* back to the weekly rule; a second time changes nothing */
	assert_int_equal(db_begin(fx.db), 0);
	assert_int_equal(calendar_day_clear(fx.db, &fx.arena, monday, vn(2026, 2, 1, 9, 0), &before), 0);
	assert_string_equal(before.name, "Nghỉ thử 2");
	assert_int_equal(db_commit(fx.db), 0);
	assert_int_equal(db_begin(fx.db), 0);
	assert_int_equal(calendar_day_clear(fx.db, &fx.arena, monday, vn(2026, 2, 1, 9, 0), &before), 1);
	assert_int_equal(db_rollback(fx.db), 0);
	c2 = calendar_current(fx.db);
	assert_true(cal_is_working_day(c2, monday));
	assert_instant(calendar_due(fx.db, vn(2026, 2, 27, 16, 0), 2 * HOUR), vn(2026, 3, 2, 9, 0));

	/* the government's swap of 2025: Tết's make-up day on Monday 27/1, not 3/2 */
	assert_int_equal(db_begin(fx.db), 0);
	assert_int_equal(calendar_day_set(fx.db, &fx.arena, cal_date(2025, 1, 27), CAL_HOLIDAY,
					  "Nghỉ bù Tết Nguyên đán", "account:1", 0, NULL),
			 0);
	assert_int_equal(calendar_day_clear(fx.db, &fx.arena, cal_date(2025, 2, 3), 0, NULL), 0);
	assert_int_equal(calendar_day_set(fx.db, &fx.arena, cal_date(2025, 2, 15), CAL_WORKDAY, "Làm bù",
					  "account:1", 0, NULL),
			 0);
	assert_int_equal(db_commit(fx.db), 0);
	assert_instant(calendar_due(fx.db, vn(2025, 1, 24, 17, 0), HOUR), vn(2025, 2, 3, 9, 0));
	assert_instant(calendar_due(fx.db, vn(2025, 2, 14, 17, 0), HOUR), vn(2025, 2, 15, 9, 0));
	assert_int_equal(calendar_year(fx.db, &fx.arena, 2025, &rows, &n), 0);
	assert_int_equal(n, 13);
	assert_int_equal(rows[1].date, cal_date(2025, 1, 27));
	assert_int_equal(rows[7].date, cal_date(2025, 2, 15));
	assert_int_equal(rows[7].kind, CAL_WORKDAY);

	/* reset: the law's days again */
	assert_int_equal(db_begin(fx.db), 0);
	assert_int_equal(calendar_year_reset(fx.db, 2025, "account:1", 0, &removed, &added), 0);
	assert_int_equal(db_commit(fx.db), 0);
	assert_int_equal(removed, 13);
	assert_int_equal(added, 12);
	assert_int_equal(calendar_year(fx.db, &fx.arena, 2025, &rows, &n), 0);
	assert_int_equal(n, 12);
	assert_int_equal(rows[6].date, cal_date(2025, 2, 3));
	assert_string_equal(rows[6].set_by, "rules");
	assert_instant(calendar_due(fx.db, vn(2025, 1, 24, 17, 0), HOUR), vn(2025, 1, 27, 9, 0));
}

/* Years far away: stored when asked for outside a transaction, computed (not written) inside one. */
static void test_db_far_years(void **state)
{
	struct calendar_day_row *rows;
	size_t n;
	(void)state;
	/* 2040: Tết on Sunday 12/2 (11/2 Saturday the last day of the year) */
	assert_instant(calendar_due(fx.db, vn(2040, 2, 10, 16, 0), 2 * HOUR), vn(2040, 2, 20, 9, 0));
	assert_int_equal(scalar("SELECT COUNT(*) FROM calendar_years WHERE year = ?", 2040), 1);
	/* a deadline running into the next year widens the snapshot: 2041's 1/1 is a Tuesday off */
	assert_instant(calendar_due(fx.db, vn(2040, 12, 31, 16, 0), 2 * HOUR), vn(2041, 1, 2, 9, 0));
	assert_int_equal(scalar("SELECT COUNT(*) FROM calendar_years WHERE year = ?", 2041), 1);

	assert_int_equal(db_begin(fx.db), 0);
	/* 2060: Tết on Monday 2/2, the eve Sunday 1/2: 2/2–5/2 off and the make-up day Friday 6/2 */
	assert_instant(calendar_due(fx.db, vn(2060, 1, 30, 16, 0), 2 * HOUR), vn(2060, 2, 9, 9, 0));
	assert_int_equal(scalar("SELECT COUNT(*) FROM calendar_years WHERE year = ?", 2060), 0);
	assert_int_equal(db_rollback(fx.db), 0);
	/* the page's reading stores the year */
	assert_int_equal(calendar_year(fx.db, &fx.arena, 2060, &rows, &n), 0);
	assert_int_equal(scalar("SELECT COUNT(*) FROM calendar_years WHERE year = ?", 2060), 1);
	assert_int_equal(n, 14);
	assert_int_equal(calendar_year(fx.db, &fx.arena, 1800, &rows, &n), 0);
	assert_int_equal(n, 0);
}

/* Threads reading the calendar while an admin changes it: each answer is the old or the new one. */
struct reader {
	pthread_t thread;
	int answers, bad, errors;
};

static void *read_due(void *arg)
{
	struct reader *r = arg;
	char *err = NULL;
	struct db *db = db_open(fx.path, &err);

	if (!db) {
		free(err);
		r->errors++;
		return NULL;
	}
	for (int i = 0; i < 150; i++) {
		int64_t due = calendar_due(db, vn(2026, 2, 27, 16, 0), 2 * HOUR);
		if (due < 0)
			r->errors++;
		else if (due != vn(2026, 3, 2, 9, 0) && due != vn(2026, 3, 3, 9, 0))
			r->bad++;
		r->answers++;
		db_release_statements(db);
	}
	db_close(db);
	return NULL;
}

static void test_db_threads(void **state)
{
	struct reader readers[4];
	int32_t monday = cal_date(2026, 3, 2);
	(void)state;

	memset(readers, 0, sizeof(readers));
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&readers[i].thread, NULL, read_due, &readers[i]), 0);
	for (int k = 0; k < 10; k++) {
		assert_int_equal(db_begin(fx.db), 0);
		if (k % 2 == 0)
			assert_int_equal(calendar_day_set(fx.db, &fx.arena, monday, CAL_HOLIDAY, "Nghỉ thử",
							  "account:1", 0, NULL),
					 0);
		else
			assert_int_equal(calendar_day_clear(fx.db, &fx.arena, monday, 0, NULL), 0);
		assert_int_equal(db_commit(fx.db), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(readers[i].thread, NULL), 0);
		assert_int_equal(readers[i].errors, 0);
		assert_int_equal(readers[i].bad, 0);
		assert_int_equal(readers[i].answers, 150);
	}
	/* the last change (cleared) is what every reader sees now */
	assert_instant(calendar_due(fx.db, vn(2026, 2, 27, 16, 0), 2 * HOUR), vn(2026, 3, 2, 9, 0));
}

int main(void)
{
	const struct CMUnitTest rules[] = {
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_tet_table),
		cmocka_unit_test(test_hung_kings),
		cmocka_unit_test(test_lunar_leap_and_round_trip),
		cmocka_unit_test(test_defaults_2025),
		cmocka_unit_test(test_defaults_2026),
		cmocka_unit_test(test_defaults_weekends),
		cmocka_unit_test(test_is_working),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_between),
		cmocka_unit_test(test_day_end),
	};
	const struct CMUnitTest store[] = {
		cmocka_unit_test(test_db_current),
		cmocka_unit_test(test_db_edits),
		cmocka_unit_test(test_db_far_years),
		cmocka_unit_test(test_db_threads),
	};
	int failed;

	setup_work_cal();
	cmocka_set_message_output(CM_OUTPUT_TAP);
	failed = cmocka_run_group_tests_name("calendar rules", rules, NULL, NULL);
	failed += cmocka_run_group_tests_name("calendar store", store, db_setup, db_teardown);
	return failed ? 1 : 0;
}
