/* timefmt.c: civil time without the C library's time zone state, and Vietnamese formats. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "core/timefmt.h"
#include "core/banned.h"

int64_t time_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t time_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int64_t days_from_civil(int y, int m, int d)
{
	int64_t yy = y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;
	z += 719468;
	era = floor_div(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

void time_to_civil(int64_t t, int offset, struct civil *c)
{
	int64_t s = t + offset;
	int64_t days = floor_div(s, 86400);
	int64_t rem = s - days * 86400;
	civil_from_days(days, &c->year, &c->month, &c->day);
	c->hour = (int)(rem / 3600);
	c->min = (int)(rem % 3600 / 60);
	c->sec = (int)(rem % 60);
	c->wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
}

int64_t time_from_civil(const struct civil *c, int offset)
{
	return days_from_civil(c->year, c->month, c->day) * 86400 + c->hour * 3600 + c->min * 60 + c->sec -
	       offset;
}

void time_fmt_date_vn(char *out, size_t n, int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	snprintf(out, n, "%02d/%02d/%04d", c.day, c.month, c.year);
}

void time_fmt_time_vn(char *out, size_t n, int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	snprintf(out, n, "%02d:%02d", c.hour, c.min);
}

void time_iso8601_utc(char *out, size_t n, int64_t us)
{
	struct civil c;
	int64_t s = floor_div(us, 1000000);
	time_to_civil(s, 0, &c);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", c.year, c.month, c.day, c.hour, c.min, c.sec,
		 (int)(us - s * 1000000));
}

void time_http_date(char *out, size_t n, int64_t t)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct civil c;
	time_to_civil(t, 0, &c);
	snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[c.wday], c.day, mo[c.month - 1], c.year,
		 c.hour, c.min, c.sec);
}

void num_fmt_vn(char *out, size_t n, int64_t v)
{
	char digits[24];
	char tmp[32];
	size_t len, o = 0;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)u);
	len = strlen(digits);
	if (v < 0)
		tmp[o++] = '-';
	for (size_t i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			tmp[o++] = '.';
		tmp[o++] = digits[i];
	}
	tmp[o] = '\0';
	snprintf(out, n, "%s", tmp);
}

void money_fmt_vnd(char *out, size_t n, int64_t amount)
{
	char num[32];
	num_fmt_vn(num, sizeof(num), amount);
	snprintf(out, n, "%s đ", num);
}
