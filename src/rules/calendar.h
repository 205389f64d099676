/* calendar.h: working time (giờ hành chính), holidays and the lunar calendar; pure, no I/O. */
#ifndef RULES_CALENDAR_H
#define RULES_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

/*
 * Times are seconds since the epoch (UTC). Dates are days since 1970-01-01
 * in the calendar's own time zone (Asia/Ho_Chi_Minh: UTC+7, no daylight
 * saving), so that "a day" is a Vietnamese civil day.
 */

/* A working period of a weekday, minutes after local midnight: [start, end). */
struct cal_period {
	int start; /* 480 = 08:00 */
	int end;   /* 720 = 12:00 */
};

#define CAL_MAX_PERIODS 4

/* What a day is, when the calendar says so explicitly (else its weekday decides). */
enum cal_day_kind {
	CAL_HOLIDAY = 1, /* a day off: Tết, 30/4, a make-up day off … */
	CAL_WORKDAY,	 /* a working day on a weekly rest day (ngày làm bù) */
};

/* One day the calendar names. `name` belongs to the caller ("Tết Nguyên đán", "Làm bù"). */
struct cal_day {
	int32_t date; /* days since 1970-01-01, local */
	int kind;     /* enum cal_day_kind */
	const char *name;
};

/*
 * A working-time calendar. hours[w] are weekday w's working periods (0 =
 * Sunday … 6 = Saturday), sorted and disjoint, none on a rest day; `days`
 * is sorted by date, one entry a date at most. A working day is 8 working
 * hours by default (Monday–Friday 08:00–12:00 and 13:00–17:00).
 */
struct calendar {
	int utc_offset; /* seconds east of UTC: 25200 for UTC+7 */
	struct cal_period hours[7][CAL_MAX_PERIODS];
	int nhours[7];
	const struct cal_day *days;
	size_t ndays;
};

/* The default week: Monday–Friday 08:00–12:00, 13:00–17:00, UTC+7, no named days. */
void cal_default(struct calendar *c);

/* Local date (days since epoch) ↔ y/m/d (proleptic Gregorian). */
int32_t cal_date(int y, int m, int d);
void cal_ymd(int32_t date, int *y, int *m, int *d);
/* 0 = Sunday … 6 = Saturday. */
int cal_weekday(int32_t date);

/*
 * The lunar calendar (âm lịch) by Hồ Ngọc Đức's rules, computed for UTC+7.
 * lunar_from_solar: the lunar day, month (1..12), year and whether the
 * month is a leap month. solar_from_lunar: the local date of a lunar day,
 * or -1 when there is no such day (no such leap month that year, day 30
 * of a short month).
 */
void lunar_from_solar(int32_t date, int *lday, int *lmonth, int *lyear, int *leap);
int32_t solar_from_lunar(int lday, int lmonth, int lyear, int leap);

/*
 * The days off the law gives in solar year `year` (Labour Code 2019 art.
 * 112): 1/1; Tết: the last day of lunar year year-1 and the first four
 * days of month 1 of lunar year `year`; Hùng Kings' day (10/3 lunar);
 * 30/4 and 1/5; 2/9 and one adjacent day (1/9 or 3/9: by default the
 * day before). A holiday on a weekly rest day (by `c`'s hours) gives a
 * make-up day off: the next working day that is no holiday. Written
 * sorted into out (at most max); returns how many (or the number needed
 * when more than max). Names are static Vietnamese strings.
 */
size_t cal_year_defaults(const struct calendar *c, int year, struct cal_day *out, size_t max);

/* Whether `date` is a working day by `c` (named days first, then the weekday). */
int cal_is_working_day(const struct calendar *c, int32_t date);

/* Whether instant `t` lies inside working time. */
int cal_is_working(const struct calendar *c, int64_t t);

/*
 * The instant `seconds` of working time after `from` (the due instant of a
 * deadline of that many working seconds). Working time counts only inside
 * the periods of working days. With seconds == 0: `from` itself when it is
 * working time, else the start of the next working period. A result that
 * ends exactly at the end of a period stays there (17:00, not the next
 * morning). -1 when no working time is found within 10 years (or the due
 * instant would lie more than 400 years ahead), or seconds < 0.
 */
int64_t cal_add(const struct calendar *c, int64_t from, int64_t seconds);

/* Working seconds between a and b (negative when b < a). */
int64_t cal_between(const struct calendar *c, int64_t a, int64_t b);

/*
 * The end of the working day that counts for `t` with a cut-off: when `t`
 * is on a working day at or before `cutoff_min` minutes after local
 * midnight, the end of that day's last period; otherwise (later, or not a
 * working day) the end of the next working day. "Transfer the same
 * working day, or the next working day when received after 15:00":
 * cal_day_end(c, t, 900). -1 as cal_add.
 */
int64_t cal_day_end(const struct calendar *c, int64_t t, int cutoff_min);

#endif
