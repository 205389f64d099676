/* timefmt.h: clocks and the Vietnamese formats for dates, times and amounts. */
#ifndef CORE_TIMEFMT_H
#define CORE_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Asia/Ho_Chi_Minh has been UTC+7 without daylight saving since 1975, so
 * local civil time is computed from UTC with this fixed offset, whatever
 * the server's TZ says.
 */
#define VN_UTC_OFFSET (7 * 3600)

/* Civil date and time fields (no time zone inside). */
struct civil {
	int year, month, day; /* month 1-12, day 1-31 */
	int hour, min, sec;
	int wday; /* 0 = Sunday */
};

/* Microseconds since the epoch (CLOCK_REALTIME). */
int64_t time_now_us(void);
/* Monotonic microseconds, for durations. */
int64_t time_mono_us(void);

/* Seconds since the epoch → civil fields at UTC + offset seconds. */
void time_to_civil(int64_t t, int offset, struct civil *c);
/* Civil fields at UTC + offset → seconds since the epoch. */
int64_t time_from_civil(const struct civil *c, int offset);
/* Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm). */
int64_t days_from_civil(int y, int m, int d);

/* "dd/mm/yyyy" in Vietnam time; out needs 11 bytes. */
void time_fmt_date_vn(char *out, size_t n, int64_t t);
/* "HH:MM" in Vietnam time; out needs 6 bytes. */
void time_fmt_time_vn(char *out, size_t n, int64_t t);
/* "2026-11-26T17:04:01.123456Z" from microseconds; out needs 28 bytes. */
void time_iso8601_utc(char *out, size_t n, int64_t us);
/* RFC 7231 date "Thu, 26 Nov 2026 17:04:01 GMT"; out needs 30 bytes. */
void time_http_date(char *out, size_t n, int64_t t);

/* An amount of VND with '.' between thousands and " đ": "317.000.000 đ"; out needs 32 bytes. */
void money_fmt_vnd(char *out, size_t n, int64_t amount);
/* An integer with '.' between thousands: "52.845"; out needs 28 bytes. */
void num_fmt_vn(char *out, size_t n, int64_t v);

#endif
