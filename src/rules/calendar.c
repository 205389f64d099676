/* calendar.c: working time (giờ hành chính), the law's holidays and the lunar calendar; pure, no I/O. */
#include <math.h>
#include <string.h>
#include "rules/calendar.h"
#include "core/banned.h"

#define DAY_SECONDS 86400
/* Julian day number of 1970-01-01 (dates here are days since then). */
#define JD_EPOCH 2440588
/* A search for working time gives up after this many days without any. */
#define IDLE_DAYS 3660
/* ... and after this many days in all (a due instant centuries ahead is a mistake). */
#define SCAN_DAYS (400 * 366)

/* ---- civil dates ---- */

int32_t cal_date(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil */
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void cal_ymd(int32_t date, int *y, int *m, int *d)
{
	int64_t z = (int64_t)date + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

int cal_weekday(int32_t date)
{
	/* 1970-01-01 was a Thursday */
	return (int)((((int64_t)date % 7) + 7 + 4) % 7);
}

void cal_default(struct calendar *c)
{
	memset(c, 0, sizeof(*c));
	c->utc_offset = 7 * 3600;
	for (int w = 1; w <= 5; w++) {
		c->hours[w][0] = (struct cal_period){ 8 * 60, 12 * 60 };
		c->hours[w][1] = (struct cal_period){ 13 * 60, 17 * 60 };
		c->nhours[w] = 2;
	}
}

/* ---- the lunar calendar ---- */

/*
 * Hồ Ngọc Đức's rules (https://www.informatik.uni-leipzig.de/~duc/amlich/):
 * a month starts on the local day of a new moon; month 11 is the month
 * holding the winter solstice; a lunar year with 13 months repeats the first
 * month after month 11 that holds no major solar term (the sun's longitude
 * stays in one 30° sector). New moons and the sun's longitude after Jean
 * Meeus, "Astronomical Algorithms"; the local day is taken at UTC+7 (the
 * Vietnamese calendar since 1968), hence the zone constant below.
 */
#define LUNAR_TZ     7.0
#define SYNODIC	     29.530588853
#define NEW_MOON_JD0 2415021.076998695 /* the new moon of 1900-01-01 */

/* The Julian day number of the local day of the k-th new moon after NEW_MOON_JD0. */
static int64_t new_moon_day(int64_t k)
{
	const double dr = M_PI / 180;
	double T = (double)k / 1236.85, T2 = T * T, T3 = T2 * T;
	double jd1 = 2415020.75933 + 29.53058868 * (double)k + 0.0001178 * T2 - 0.000000155 * T3;
	double M = 359.2242 + 29.10535608 * (double)k - 0.0000333 * T2 - 0.00000347 * T3;
	double Mpr = 306.0253 + 385.81691806 * (double)k + 0.0107306 * T2 + 0.00001236 * T3;
	double F = 21.2964 + 390.67050646 * (double)k - 0.0016528 * T2 - 0.00000239 * T3;
	double C1, deltat;

	jd1 += 0.00033 * sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
	C1 = (0.1734 - 0.000393 * T) * sin(M * dr) + 0.0021 * sin(2 * dr * M);
	C1 = C1 - 0.4068 * sin(Mpr * dr) + 0.0161 * sin(dr * 2 * Mpr);
	C1 = C1 - 0.0004 * sin(dr * 3 * Mpr);
	C1 = C1 + 0.0104 * sin(dr * 2 * F) - 0.0051 * sin(dr * (M + Mpr));
	C1 = C1 - 0.0074 * sin(dr * (M - Mpr)) + 0.0004 * sin(dr * (2 * F + M));
	C1 = C1 - 0.0004 * sin(dr * (2 * F - M)) - 0.0006 * sin(dr * (2 * F + Mpr));
	C1 = C1 + 0.0010 * sin(dr * (2 * F - Mpr)) + 0.0005 * sin(dr * (2 * Mpr + M));
	if (T < -11)
		deltat = 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3;
	else
		deltat = -0.000278 + 0.000265 * T + 0.000262 * T2;
	return (int64_t)floor(jd1 + C1 - deltat + 0.5 + LUNAR_TZ / 24);
}

/* The sector (0..11, of 30°) of the sun's longitude at the local midnight starting day jdn. */
static int sun_sector(int64_t jdn)
{
	const double dr = M_PI / 180;
	double T = ((double)jdn - 2451545.5 - LUNAR_TZ / 24) / 36525, T2 = T * T;
	double M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
	double L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
	double DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * sin(dr * M);
	double L;

	DL += (0.019993 - 0.000101 * T) * sin(dr * 2 * M) + 0.000290 * sin(dr * 3 * M);
	L = (L0 + DL) * dr;
	L -= 2 * M_PI * floor(L / (2 * M_PI));
	return (int)floor(L / M_PI * 6);
}

/* The Julian day number of the first day of lunar month 11 that holds the winter solstice of year y. */
static int64_t month11(int y)
{
	int64_t off = (int64_t)cal_date(y, 12, 31) + JD_EPOCH - 2415021;
	int64_t k = (int64_t)floor((double)off / SYNODIC);
	int64_t nm = new_moon_day(k);

	/* the sun already past 270° at that new moon: month 11 began a month earlier */
	if (sun_sector(nm) >= 9)
		nm = new_moon_day(k - 1);
	return nm;
}

/* In a 13-month year from month 11 at a11: how many months after a11 the leap month comes (1..13). */
static int leap_offset(int64_t a11)
{
	int64_t k = (int64_t)floor(((double)a11 - NEW_MOON_JD0) / SYNODIC + 0.5);
	int i = 1, last, arc = sun_sector(new_moon_day(k + 1));

	do {
		last = arc;
		i++;
		arc = sun_sector(new_moon_day(k + i));
	} while (arc != last && i < 14);
	return i - 1;
}

void lunar_from_solar(int32_t date, int *lday, int *lmonth, int *lyear, int *leap)
{
	int64_t jdn = (int64_t)date + JD_EPOCH, start, a11, b11;
	int64_t k = (int64_t)floor(((double)jdn - NEW_MOON_JD0) / SYNODIC);
	int y, m, d, year, month, diff;

	cal_ymd(date, &y, &m, &d);
	start = new_moon_day(k + 1);
	if (start > jdn)
		start = new_moon_day(k);
	a11 = b11 = month11(y);
	if (a11 >= start) {
		year = y;
		a11 = month11(y - 1);
	} else {
		year = y + 1;
		b11 = month11(y + 1);
	}
	*lday = (int)(jdn - start + 1);
	diff = (int)((start - a11) / 29);
	*leap = 0;
	month = diff + 11;
	if (b11 - a11 > 365) {
		int lo = leap_offset(a11);
		if (diff >= lo) {
			month = diff + 10;
			*leap = diff == lo;
		}
	}
	if (month > 12)
		month -= 12;
	if (month >= 11 && diff < 4)
		year--;
	*lmonth = month;
	*lyear = year;
}

int32_t solar_from_lunar(int lday, int lmonth, int lyear, int leap)
{
	int64_t a11, b11, k, start, next;
	int off;

	if (lday < 1 || lday > 30 || lmonth < 1 || lmonth > 12)
		return -1;
	if (lmonth < 11) {
		a11 = month11(lyear - 1);
		b11 = month11(lyear);
	} else {
		a11 = month11(lyear);
		b11 = month11(lyear + 1);
	}
	k = (int64_t)floor(0.5 + ((double)a11 - NEW_MOON_JD0) / SYNODIC);
	off = lmonth - 11;
	if (off < 0)
		off += 12;
	if (b11 - a11 > 365) {
		int lo = leap_offset(a11);
		/* the leap month repeats the month before it: offset lo - 1 from month 11 */
		int leap_month = (lo - 1 + 10) % 12 + 1;
		if (leap && lmonth != leap_month)
			return -1;
		if (leap || off >= lo)
			off++;
	} else if (leap) {
		return -1;
	}
	start = new_moon_day(k + off);
	next = new_moon_day(k + off + 1);
	if (start + lday - 1 >= next)
		return -1; /* day 30 of a month of 29 days */
	return (int32_t)(start + lday - 1 - JD_EPOCH);
}

/* ---- named days and working periods ---- */

/* The named day at `date`, or NULL (c->days is sorted). */
static const struct cal_day *named(const struct calendar *c, int64_t date)
{
	size_t lo = 0, hi = c->ndays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->days[mid].date < date)
			lo = mid + 1;
		else if (c->days[mid].date > date)
			hi = mid;
		else
			return &c->days[mid];
	}
	return NULL;
}

/*
 * The working periods of a day: none on a holiday; its weekday's otherwise.
 * A working day named on a weekly rest day (ngày làm bù) works the hours of
 * the first weekday from Monday on that has any (the office's usual day).
 */
static int day_periods(const struct calendar *c, int64_t date, const struct cal_period **p)
{
	const struct cal_day *nd = named(c, date);
	int w = cal_weekday((int32_t)date);

	if (nd && nd->kind == CAL_HOLIDAY)
		return 0;
	if (c->nhours[w] > 0) {
		*p = c->hours[w];
		return c->nhours[w];
	}
	if (nd && nd->kind == CAL_WORKDAY)
		for (int i = 1; i <= 7; i++)
			if (c->nhours[i % 7] > 0) {
				*p = c->hours[i % 7];
				return c->nhours[i % 7];
			}
	return 0;
}

int cal_is_working_day(const struct calendar *c, int32_t date)
{
	const struct cal_period *p;
	return day_periods(c, date, &p) > 0;
}

/* The local day of instant t and the seconds into it. */
static int64_t local_day(const struct calendar *c, int64_t t, int64_t *sec)
{
	int64_t l = t + c->utc_offset, d = l / DAY_SECONDS, s = l % DAY_SECONDS;

	if (s < 0) {
		s += DAY_SECONDS;
		d--;
	}
	*sec = s;
	return d;
}

static int64_t instant(const struct calendar *c, int64_t day, int64_t sec)
{
	return day * DAY_SECONDS + sec - c->utc_offset;
}

/* Instants this far from the epoch (about a million years) are refused: day numbers stay small. */
static int instant_ok(int64_t t)
{
	return t > -((int64_t)1 << 45) && t < ((int64_t)1 << 45);
}

int cal_is_working(const struct calendar *c, int64_t t)
{
	const struct cal_period *p;
	int64_t sec, day;
	int n;

	if (!instant_ok(t))
		return 0;
	day = local_day(c, t, &sec);
	n = day_periods(c, day, &p);
	for (int i = 0; i < n; i++)
		if (sec >= p[i].start * 60 && sec < p[i].end * 60)
			return 1;
	return 0;
}

int64_t cal_add(const struct calendar *c, int64_t from, int64_t seconds)
{
	int64_t sec, day, left = seconds;
	long idle = 0;

	if (seconds < 0 || !instant_ok(from))
		return -1;
	day = local_day(c, from, &sec);
	for (long scanned = 0; scanned < SCAN_DAYS && idle < IDLE_DAYS; scanned++, day++, sec = 0) {
		const struct cal_period *p;
		int n = day_periods(c, day, &p);

		idle = n ? 0 : idle + 1;
		for (int i = 0; i < n; i++) {
			int64_t start = p[i].start * 60, end = p[i].end * 60, begin;
			if (end <= sec)
				continue;
			begin = start > sec ? start : sec;
			/* "<=": a deadline ending with a period stays at its end (17:00) */
			if (left <= end - begin)
				return instant(c, day, begin + left);
			left -= end - begin;
		}
	}
	return -1;
}

/* Working seconds of day `date` between s0 and s1 seconds after its local midnight. */
static int64_t day_overlap(const struct calendar *c, int64_t date, int64_t s0, int64_t s1)
{
	const struct cal_period *p;
	int n = day_periods(c, date, &p);
	int64_t sum = 0;

	for (int i = 0; i < n; i++) {
		int64_t a = p[i].start * 60 > s0 ? p[i].start * 60 : s0;
		int64_t b = p[i].end * 60 < s1 ? p[i].end * 60 : s1;
		if (b > a)
			sum += b - a;
	}
	return sum;
}

/* Working seconds of a weekday by its hours alone. */
static int64_t weekday_seconds(const struct calendar *c, int w)
{
	int64_t sum = 0;
	for (int i = 0; i < c->nhours[w]; i++)
		sum += (int64_t)(c->hours[w][i].end - c->hours[w][i].start) * 60;
	return sum;
}

/* Working seconds of the whole days d1..d2: by the week, then corrected at each named day among them. */
static int64_t whole_days(const struct calendar *c, int64_t d1, int64_t d2)
{
	int64_t week = 0, count, sum, d;
	size_t lo = 0, hi = c->ndays;

	if (d1 > d2)
		return 0;
	for (int w = 0; w < 7; w++)
		week += weekday_seconds(c, w);
	count = d2 - d1 + 1;
	sum = count / 7 * week;
	for (d = d1 + count / 7 * 7; d <= d2; d++)
		sum += weekday_seconds(c, cal_weekday((int32_t)d));
	/* the first named day at or after d1 */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->days[mid].date < d1)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->ndays && c->days[lo].date <= d2; lo++) {
		d = c->days[lo].date;
		sum += day_overlap(c, d, 0, DAY_SECONDS) - weekday_seconds(c, cal_weekday((int32_t)d));
	}
	return sum;
}

int64_t cal_between(const struct calendar *c, int64_t a, int64_t b)
{
	int64_t da, sa, db, sb;

	if (b < a)
		return -cal_between(c, b, a);
	if (!instant_ok(a) || !instant_ok(b))
		return 0;
	da = local_day(c, a, &sa);
	db = local_day(c, b, &sb);
	if (da == db)
		return day_overlap(c, da, sa, sb);
	return day_overlap(c, da, sa, DAY_SECONDS) + whole_days(c, da + 1, db - 1) +
	       day_overlap(c, db, 0, sb);
}

int64_t cal_day_end(const struct calendar *c, int64_t t, int cutoff_min)
{
	const struct cal_period *p;
	int64_t sec, day;
	int n;

	if (!instant_ok(t))
		return -1;
	day = local_day(c, t, &sec);
	n = day_periods(c, day, &p);
	if (n && sec <= (int64_t)cutoff_min * 60)
		return instant(c, day, p[n - 1].end * 60);
	for (int i = 0; i < IDLE_DAYS; i++)
		if ((n = day_periods(c, ++day, &p)))
			return instant(c, day, p[n - 1].end * 60);
	return -1;
}

/* ---- the law's days off ---- */

/* Labour Code 2019 art. 112 cl. 1: the holidays, with the name of the make-up day each may give. */
enum {
	H_NEW_YEAR,
	H_TET,
	H_HUNG,
	H_VICTORY,
	H_LABOUR,
	H_NATIONAL
};
static const char *const holiday_names[] = {
	[H_NEW_YEAR] = "Tết Dương lịch",      [H_TET] = "Tết Nguyên đán",
	[H_HUNG] = "Giỗ Tổ Hùng Vương",	      [H_VICTORY] = "Ngày Giải phóng miền Nam, thống nhất đất nước",
	[H_LABOUR] = "Ngày Quốc tế Lao động", [H_NATIONAL] = "Quốc khánh",
};
static const char *const makeup_names[] = {
	[H_NEW_YEAR] = "Nghỉ bù Tết Dương lịch",      [H_TET] = "Nghỉ bù Tết Nguyên đán",
	[H_HUNG] = "Nghỉ bù Giỗ Tổ Hùng Vương",	      [H_VICTORY] = "Nghỉ bù ngày Giải phóng miền Nam",
	[H_LABOUR] = "Nghỉ bù ngày Quốc tế Lao động", [H_NATIONAL] = "Nghỉ bù Quốc khánh",
};

#define YEAR_MAX_DAYS 32

struct gen_day {
	int32_t date;
	int which; /* H_… */
	int makeup;
};

static int gen_has(const struct gen_day *v, size_t n, int32_t date)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].date == date)
			return 1;
	return 0;
}

static void gen_sort(struct gen_day *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1].date > v[j].date; j--) {
			struct gen_day t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

size_t cal_year_defaults(const struct calendar *c, int year, struct cal_day *out, size_t max)
{
	struct gen_day v[YEAR_MAX_DAYS];
	int32_t tet = solar_from_lunar(1, 1, year, 0), hung = solar_from_lunar(10, 3, year, 0);
	int32_t twice[8];
	size_t n = 0, nh, ntwice = 0;
	int works = 0;

#define ADD(d, h)                                                 \
	do {                                                      \
		if (gen_has(v, n, (d)))                           \
			twice[ntwice++] = (d);                    \
		else                                              \
			v[n++] = (struct gen_day){ (d), (h), 0 }; \
	} while (0)
	ADD(cal_date(year, 1, 1), H_NEW_YEAR);
	/* Tết: the last day of the old lunar year and the first four of the new */
	if (tet >= 0)
		for (int i = -1; i < 4; i++)
			ADD(tet + i, H_TET);
	if (hung >= 0)
		ADD(hung, H_HUNG);
	ADD(cal_date(year, 4, 30), H_VICTORY);
	ADD(cal_date(year, 5, 1), H_LABOUR);
	/* 2/9 and one adjacent day: the government picks 1/9 or 3/9; the day before by default */
	ADD(cal_date(year, 9, 1), H_NATIONAL);
	ADD(cal_date(year, 9, 2), H_NATIONAL);
#undef ADD
	gen_sort(v, n);
	nh = n;
	for (int w = 0; w < 7; w++)
		works |= c->nhours[w] > 0;
	if (!works)
		ntwice = nh = 0; /* no working day to make up on */
	/*
	 * art. 112 cl. 3: a holiday on a weekly rest day is made up on the next
	 * working day that is no holiday; so is one holiday falling on another
	 * (Hùng Kings' day on 30/4), which would otherwise be lost.
	 */
	for (size_t i = 0; i < nh + ntwice; i++) {
		int32_t d = i < nh ? v[i].date : twice[i - nh];
		int which = 0;
		if (i < nh && c->nhours[cal_weekday(d)] > 0)
			continue;
		for (size_t k = 0; k < nh; k++)
			if (v[k].date == d)
				which = v[k].which;
		do
			d++;
		while (c->nhours[cal_weekday(d)] == 0 || gen_has(v, n, d));
		if (n < YEAR_MAX_DAYS)
			v[n++] = (struct gen_day){ d, which, 1 };
	}
	gen_sort(v, n);
	for (size_t i = 0; i < n && i < max; i++) {
		out[i].date = v[i].date;
		out[i].kind = CAL_HOLIDAY;
		out[i].name = v[i].makeup ? makeup_names[v[i].which] : holiday_names[v[i].which];
	}
	return n;
}
