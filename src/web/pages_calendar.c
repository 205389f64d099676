/*
 * pages_calendar.c: the working-time calendar: the public due-date API, the year's named days (API), and
 * /quan-tri/lich-lam-viec, where an admin of a governing unit marks days off and working days.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/i18n.h"
#include "core/log.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "features/accounts.h"
#include "features/calendar.h"
#include "store/db.h"
#include "web/app.h"
#include "core/banned.h"

#define PAGE_PATH "/quan-tri/lich-lam-viec"
/* Years the API and the page accept. */
#define YEAR_MIN 1990
#define YEAR_MAX 2100
/* The longest time allowed the due API counts: about four years. */
#define DAYS_MAX  1000
#define HOURS_MAX 8000
/* One working day (DESIGN.md "Domain rules"). */
#define DAY_HOURS 8
/* A named day's name: 1..100 characters. */
#define NAME_MAX 100

/* ---- input ---- */

/* Exactly n digits at *s into *v; advances. 0, or -1 when they are not there. */
static int digits(const char **s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++, (*s)++) {
		if (**s < '0' || **s > '9')
			return -1;
		*v = *v * 10 + (**s - '0');
	}
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) ? 29 : len[m - 1];
}

static int ymd_ok(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/*
 * An instant in ISO-8601: 2026-02-13T16:00:00+07:00, with Z or an offset
 * (±HH:MM, ±HHMM, ±HH), seconds and a fraction optional (the fraction is
 * dropped), a space for the T; no zone means Vietnam time, and so does a
 * bare date (its midnight). A space where the '+' was is taken for it: an
 * unencoded '+' in a query string arrives as a space. 0, or -1.
 */
static int parse_instant(const char *s, int64_t *t)
{
	int y, mo, d, h = 0, mi = 0, se = 0, oh = 7, om = 0, sign = 1;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' || digits(&s, 2, &d) ||
	    !ymd_ok(y, mo, d))
		return -1;
	if (*s) {
		if (*s != 'T' && *s != 't' && *s != ' ')
			return -1;
		s++;
		if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 2, &se))
				return -1;
			if (*s == '.' || *s == ',') {
				const char *f = ++s;
				while (*s >= '0' && *s <= '9')
					s++;
				if (s == f || s - f > 9)
					return -1;
			}
		}
		if (*s == 'Z' || *s == 'z') {
			oh = 0;
			s++;
		} else if (*s == '+' || *s == '-' || *s == ' ') {
			sign = *s++ == '-' ? -1 : 1;
			if (digits(&s, 2, &oh))
				return -1;
			if (*s == ':')
				s++;
			if (*s && digits(&s, 2, &om))
				return -1;
		}
		if (*s || h > 23 || mi > 59 || se > 59 || oh > 14 || om > 59)
			return -1;
	}
	*t = (int64_t)cal_date(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - sign * (oh * 3600 + om * 60);
	return 0;
}

/* A date as a clerk or a program writes it: yyyy-mm-dd or dd/mm/yyyy (d/m/yyyy too), in YEAR_MIN..YEAR_MAX.
 */
static int parse_date(const char *s, int32_t *date)
{
	int y, m, d;
	const char *p = s;

	if (strlen(s) == 10 && s[4] == '-') {
		if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &m) || *p++ != '-' ||
		    digits(&p, 2, &d) || *p)
			return -1;
	} else {
		int n = 0;
		d = m = 0;
		for (; *p >= '0' && *p <= '9' && n < 2; p++, n++)
			d = d * 10 + (*p - '0');
		if (!n || *p++ != '/')
			return -1;
		for (n = 0; *p >= '0' && *p <= '9' && n < 2; p++, n++)
			m = m * 10 + (*p - '0');
		if (!n || *p++ != '/' || digits(&p, 4, &y) || *p)
			return -1;
	}
	if (!ymd_ok(y, m, d) || y < YEAR_MIN || y > YEAR_MAX)
		return -1;
	*date = cal_date(y, m, d);
	return 0;
}

/* A whole number 0..max written with digits only; -1 when it is not. */
static int64_t parse_count(const char *s, int64_t max)
{
	int64_t v = 0;
	if (!*s || strlen(s) > 7)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v <= max ? v : -1;
}

/* A year written in a query or form: YEAR_MIN..YEAR_MAX, else 0. */
static int parse_year(const char *s)
{
	int y;
	const char *p = s;
	if (!s || strlen(s) != 4 || digits(&p, 4, &y) || y < YEAR_MIN || y > YEAR_MAX)
		return 0;
	return y;
}

/* A day's name: NULL when good, else the message. */
static const char *name_error(const char *name)
{
	if (!*name)
		return _("Enter the name of the day, for example Nghỉ bù Tết or Làm bù.");
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		if (*s < 0x20 || *s == 0x7f)
			return _("The name of the day contains characters that are not allowed.");
	if (utf8_chars(name) > NAME_MAX)
		return _("The name of the day is too long: at most 100 characters.");
	return NULL;
}

/* ---- output ---- */

static int this_year(void)
{
	struct civil c;
	time_to_civil(time_now_us() / 1000000, VN_UTC_OFFSET, &c);
	return c.year;
}

/* "2026-02-13T16:00:00+07:00" in the request's arena. */
static const char *iso_vn(struct request *req, int64_t t)
{
	struct civil c;
	time_to_civil(t, VN_UTC_OFFSET, &c);
	return arena_printf(&req->arena, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", c.year, c.month, c.day,
			    c.hour, c.min, c.sec);
}

static const char *iso_date(struct request *req, int32_t date)
{
	int y, m, d;
	cal_ymd(date, &y, &m, &d);
	return arena_printf(&req->arena, "%04d-%02d-%02d", y, m, d);
}

static const char *vn_date(struct request *req, int32_t date)
{
	int y, m, d;
	cal_ymd(date, &y, &m, &d);
	return arena_printf(&req->arena, "%02d/%02d/%04d", d, m, y);
}

static json_t *day_json(struct request *req, const struct calendar_day_row *r)
{
	return json_pack("{s:s,s:s,s:s}", "date", iso_date(req, r->date), "kind", calendar_kind_name(r->kind),
			 "name", r->name);
}

/* The audit detail's picture of a day: null when it was not named. */
static json_t *day_audit(const struct calendar_day_row *r)
{
	if (!r->kind)
		return json_null();
	return json_pack("{s:s,s:s}", "kind", calendar_kind_name(r->kind), "name", r->name);
}

static void forbidden(struct request *req)
{
	resp_error(req, 403, "forbidden", _("You do not have permission to do this."));
}

/* 1 when the logged-in account may change the calendar, 0 when not, -1 after answering 503. */
static int may_edit(struct request *req)
{
	int rc = req_can_at_top(req, "procedure.manage");
	return rc == 1 ? 1 : rc == 0 ? 0 : -1;
}

/*
 * Every change: a staff account that may manage what the units below a
 * governing unit share (the calendar, like the procedure catalogue). 0 when
 * allowed, 1 when it has answered (403, or 503).
 */
static int edit_denied(struct request *req)
{
	int rc;
	if (req_staff_only(req))
		return 1;
	if ((rc = may_edit(req)) == 1)
		return 0;
	if (rc == 0)
		forbidden(req);
	else if (!req->status)
		resp_unavailable(req);
	return 1;
}

/* ---- the API ---- */

/* GET /api/v1/calendar/due?from=…&days=N | hours=N: the due instant of that much working time. */
int api_calendar_due(struct request *req)
{
	const char *from = req_query(req, "from"), *days = req_query(req, "days"),
		   *hours = req_query(req, "hours");
	struct db *db = db_thread();
	int64_t t, n = 0, seconds, due;
	int y, m, d;

	if (!from || parse_instant(input_trim(req, from), &t)) {
		resp_error(
			req, 400, "bad_from",
			_("Give the start as an ISO-8601 date and time, for example 2026-02-13T16:00:00+07:00."));
		return 0;
	}
	cal_ymd((int32_t)((t + VN_UTC_OFFSET) / 86400 - ((t + VN_UTC_OFFSET) % 86400 < 0)), &y, &m, &d);
	if (y < YEAR_MIN || y > YEAR_MAX) {
		resp_error(req, 400, "bad_from", _("The start must be between the years 1990 and 2100."));
		return 0;
	}
	if (days && hours) {
		resp_error(
			req, 400, "bad_amount",
			_("Give the time allowed either in working days (days=N) or in working hours (hours=N), "
			  "not both."));
		return 0;
	}
	if (!days && !hours) {
		resp_error(
			req, 400, "bad_amount",
			_("Give the time allowed in working days (days=N) or in working hours (hours=N)."));
		return 0;
	}
	if (days && (n = parse_count(input_trim(req, days), DAYS_MAX)) < 0) {
		resp_error(req, 400, "bad_amount",
			   _("The number of working days must be a whole number from 0 to 1000."));
		return 0;
	}
	if (hours && (n = parse_count(input_trim(req, hours), HOURS_MAX)) < 0) {
		resp_error(req, 400, "bad_amount",
			   _("The number of working hours must be a whole number from 0 to 8000."));
		return 0;
	}
	if (days)
		n *= DAY_HOURS;
	seconds = n * 3600;
	if (!db || !calendar_current(db)) {
		resp_unavailable(req);
		return 0;
	}
	if ((due = calendar_due(db, t, seconds)) < 0) {
		resp_error(req, 422, "no_working_time",
			   _("No working time was found within ten years of this instant."));
		return 0;
	}
	resp_json(req, 200,
		  json_pack("{s:s,s:s,s:I}", "from", iso_vn(req, t), "due", iso_vn(req, due), "working_hours",
			    (json_int_t)n));
	return 0;
}

/* GET /api/v1/calendar?year=YYYY: the year's named days (this year without ?year). */
int api_calendar_list(struct request *req)
{
	const char *q = req_query(req, "year");
	int year = q ? parse_year(input_trim(req, q)) : this_year();
	struct db *db = db_thread();
	struct calendar_day_row *rows;
	size_t n;
	json_t *list;

	if (!year) {
		resp_error(req, 400, "bad_year", _("Choose a year between 1990 and 2100."));
		return 0;
	}
	if (!db || calendar_year(db, &req->arena, year, &rows, &n)) {
		resp_unavailable(req);
		return 0;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, day_json(req, &rows[i]));
	resp_json(req, 200, json_pack("{s:i,s:o}", "year", year, "days", list));
	return 0;
}

/*
 * What a day may become: a working day only on a weekly rest day (the rule
 * makes the others working days already). NULL when good, else the message.
 */
static const char *kind_error(int32_t date, int kind)
{
	struct calendar c;
	cal_default(&c);
	if (kind == CAL_WORKDAY && c.nhours[cal_weekday(date)] > 0)
		return _(
			"This day is a working day by the weekly rule already: only a Saturday or Sunday can be "
			"made a working day.");
	return NULL;
}

/*
 * Name a day, in a transaction with its audit row. 0 when done, 1 when it
 * has answered 503.
 */
static int day_save(struct request *req, int32_t date, int kind, const char *name)
{
	struct db *db = db_thread();
	struct calendar_day_row before;
	int rc;

	if (!db || db_begin(db)) {
		resp_unavailable(req);
		return 1;
	}
	rc = calendar_day_set(db, &req->arena, date, kind, name, req_actor_name(req), req_now(req), &before);
	if (!rc)
		rc = req_audit_json(req, db, "calendar.day_set",
				    arena_printf(&req->arena, "calendar_day:%s", iso_date(req, date)),
				    json_pack("{s:o,s:{s:s,s:s}}", "before", day_audit(&before), "after",
					      "kind", calendar_kind_name(kind), "name", name));
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		if (db_in_transaction(db))
			db_rollback(db);
		log_error("event=db msg=\"calendar day change failed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		return 1;
	}
	return 0;
}

/*
 * The day follows its weekday again, in a transaction with its audit row.
 * 0 when done, 1 when it was not named (nothing changed), -1 when it has
 * answered 503.
 */
static int day_unname(struct request *req, int32_t date)
{
	struct db *db = db_thread();
	struct calendar_day_row before;
	int rc;

	if (!db || db_begin(db)) {
		resp_unavailable(req);
		return -1;
	}
	rc = calendar_day_clear(db, &req->arena, date, req_now(req), &before);
	if (rc == 1) {
		db_rollback(db);
		return 1;
	}
	if (!rc)
		rc = req_audit_json(req, db, "calendar.day_clear",
				    arena_printf(&req->arena, "calendar_day:%s", iso_date(req, date)),
				    json_pack("{s:o,s:n}", "before", day_audit(&before), "after"));
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		if (db_in_transaction(db))
			db_rollback(db);
		log_error("event=db msg=\"calendar day change failed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		return -1;
	}
	return 0;
}

/* PUT /api/v1/calendar/days/{date} {"kind": "holiday" | "workday", "name": "…"} */
int api_calendar_day_set(struct request *req)
{
	json_t *jk = json_is_object(req->json) ? json_object_get(req->json, "kind") : NULL;
	json_t *jn = json_is_object(req->json) ? json_object_get(req->json, "name") : NULL;
	const char *name, *bad;
	int32_t date;
	int kind;

	if (edit_denied(req))
		return 0;
	if (parse_date(req_param(req, "date"), &date)) {
		resp_error(
			req, 400, "bad_date",
			_("The day must be a date between 1990 and 2100, written dd/mm/yyyy or yyyy-mm-dd."));
		return 0;
	}
	if (!json_is_string(jk) || !json_is_string(jn)) {
		resp_error(req, 400, "bad_request",
			   _("Send a JSON object with kind (\"holiday\" or \"workday\") and name."));
		return 0;
	}
	if (!(kind = calendar_kind_from_name(json_string_value(jk)))) {
		resp_error(req, 422, "bad_kind",
			   _("The kind must be \"holiday\" (a day off) or \"workday\" (a working day)."));
		return 0;
	}
	name = input_trim(req, json_string_value(jn));
	if ((bad = name_error(name)) || (bad = kind_error(date, kind))) {
		resp_error(req, 422, "invalid", bad);
		return 0;
	}
	if (day_save(req, date, kind, name))
		return 0;
	resp_json(req, 200,
		  json_pack("{s:{s:s,s:s,s:s}}", "day", "date", iso_date(req, date), "kind",
			    calendar_kind_name(kind), "name", name));
	return 0;
}

/* DELETE /api/v1/calendar/days/{date}: the day follows its weekday again. */
int api_calendar_day_clear(struct request *req)
{
	int32_t date;
	int rc;

	if (edit_denied(req))
		return 0;
	if (parse_date(req_param(req, "date"), &date)) {
		resp_error(
			req, 400, "bad_date",
			_("The day must be a date between 1990 and 2100, written dd/mm/yyyy or yyyy-mm-dd."));
		return 0;
	}
	rc = day_unname(req, date);
	if (rc == 1)
		resp_error(req, 404, "not_named",
			   _("This day is not named in the calendar: it already follows the weekly rule."));
	else if (rc == 0)
		resp_text(req, 204, "text/plain; charset=utf-8", "");
	return 0;
}

/* ---- the admin page ---- */

static const char *const month_names[] = {
	N_("January"), N_("February"), N_("March"),	N_("April"),   N_("May"),      N_("June"),
	N_("July"),    N_("August"),   N_("September"), N_("October"), N_("November"), N_("December"),
};
/* Monday first, as Vietnamese calendars are printed. */
static const char *const weekday_short[] = { N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"),
					     N_("Fri"), N_("Sat"), N_("Sun") };
/* By cal_weekday: 0 = Sunday. */
static const char *const weekday_names[] = { N_("Sunday"),   N_("Monday"), N_("Tuesday"), N_("Wednesday"),
					     N_("Thursday"), N_("Friday"), N_("Saturday") };

/* Who set a day, for people: the law, or the admin's user name. */
static const char *set_by_label(struct request *req, struct db *db, const char *set_by)
{
	struct account a;
	int64_t id;
	if (!strcmp(set_by, "rules"))
		return _("The law's days off");
	if (!strncmp(set_by, "account:", 8) && (id = input_id(set_by + 8)) && !account_load(db, id, &a))
		return arena_strdup(&req->arena, a.username);
	return set_by;
}

/*
 * The twelve month grids of `year`: each day with its lunar date, marked as
 * a day off, a working day in place of a rest day, or a weekly rest day.
 */
static json_t *month_grids(struct request *req, const struct calendar *c, int year)
{
	json_t *months = json_array();
	int32_t today = (int32_t)((time_now_us() / 1000000 + VN_UTC_OFFSET) / 86400);
	int32_t first = cal_date(year, 1, 1);
	int lday = 0, lmonth = 0, lyear = 0, leap = 0;

	for (int m = 1; m <= 12; m++) {
		json_t *weeks = json_array(), *week = json_array(), *heads = json_array();
		int32_t start = cal_date(year, m, 1);
		int n = days_in_month(year, m), lead = (cal_weekday(start) + 6) % 7;

		for (int i = 0; i < 7; i++)
			json_array_append_new(heads, json_pack("{s:s,s:s}", "short", _(weekday_short[i]),
							       "long", _(weekday_names[(i + 1) % 7])));
		for (int i = 0; i < lead; i++)
			json_array_append_new(week, json_object());
		for (int d = 1; d <= n; d++) {
			int32_t date = start + d - 1;
			const struct cal_day *nd = NULL;
			const char *cls, *kind_label = NULL, *lunar, *title;
			json_t *cell;

			/* the lunar date: computed at a possible month change, counted on otherwise */
			if (date == first || lday >= 29)
				lunar_from_solar(date, &lday, &lmonth, &lyear, &leap);
			else
				lday++;
			for (size_t k = 0; k < c->ndays; k++)
				if (c->days[k].date == date)
					nd = &c->days[k];
			if (nd && nd->kind == CAL_HOLIDAY) {
				cls = "cal-holiday";
				kind_label = _("Day off");
			} else if (nd && nd->kind == CAL_WORKDAY) {
				cls = "cal-workday";
				kind_label = _("Working day in place of a rest day");
			} else if (!cal_is_working_day(c, date)) {
				cls = "cal-rest";
			} else {
				cls = "cal-work";
			}
			lunar = lday == 1 ? arena_printf(&req->arena, "%d/%d", lday, lmonth)
					  : arena_printf(&req->arena, "%d", lday);
			title = arena_printf(&req->arena,
					     leap ? _("%s, lunar %d/%d (leap month)") : _("%s, lunar %d/%d"),
					     vn_date(req, date), lday, lmonth);
			if (nd)
				title = arena_printf(&req->arena, "%s: %s", title, nd->name);
			/* keys of their own: a key a cell lacks would be looked up in the month and the page
			 */
			cell = json_pack("{s:i,s:s,s:s,s:s,s:b}", "d", d, "cls", cls, "lunar", lunar, "tip",
					 title, "today", date == today);
			if (nd)
				json_object_set_new(cell, "day_name", json_string(nd->name));
			if (kind_label)
				json_object_set_new(cell, "kind_label", json_string(kind_label));
			json_array_append_new(week, cell);
			if (json_array_size(week) == 7) {
				json_array_append_new(weeks, json_pack("{s:o}", "days", week));
				week = json_array();
			}
		}
		if (json_array_size(week)) {
			while (json_array_size(week) < 7)
				json_array_append_new(week, json_object());
			json_array_append_new(weeks, json_pack("{s:o}", "days", week));
		} else {
			json_decref(week);
		}
		json_array_append_new(months, json_pack("{s:s,s:i,s:o,s:o}", "name", _(month_names[m - 1]),
							"month", m, "heads", heads, "weeks", weeks));
	}
	return months;
}

/* What the form had, to show it again with its error. */
struct typed {
	const char *date, *kind, *name;
};

/*
 * The calendar page of `year`: its month grids, its named days, and for an
 * admin the forms that change them.
 */
static void render_page(struct request *req, int status, int year, const char *error, const char *notice,
			const struct typed *typed)
{
	struct db *db = db_thread();
	struct calendar_day_row *rows;
	struct cal_day *days;
	struct calendar c;
	size_t n;
	int edit = may_edit(req), now_year = this_year();
	json_t *ctx, *named, *years;

	if (edit < 0) {
		if (!req->status)
			resp_unavailable(req);
		return;
	}
	if (!db || calendar_year(db, &req->arena, year, &rows, &n)) {
		resp_unavailable(req);
		return;
	}
	days = arena_alloc(&req->arena, (n ? n : 1) * sizeof(*days));
	named = json_array();
	for (size_t i = 0; i < n; i++) {
		days[i] = (struct cal_day){ rows[i].date, rows[i].kind, rows[i].name };
		json_array_append_new(
			named,
			json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "date", vn_date(req, rows[i].date), "iso",
				  iso_date(req, rows[i].date), "weekday",
				  _(weekday_names[cal_weekday(rows[i].date)]), "kind_label",
				  rows[i].kind == CAL_HOLIDAY ? _("Day off")
							      : _("Working day in place of a rest day"),
				  "name", rows[i].name, "workday", rows[i].kind == CAL_WORKDAY, "set_by",
				  set_by_label(req, db, rows[i].set_by)));
	}
	cal_default(&c);
	c.days = days;
	c.ndays = n;

	years = json_array();
	for (int y = now_year - 2; y <= now_year + 3; y++)
		json_array_append_new(years, json_pack("{s:i,s:b}", "y", y, "selected", y == year));
	if (year < now_year - 2 || year > now_year + 3)
		json_array_insert_new(years, year < now_year ? 0 : json_array_size(years),
				      json_pack("{s:i,s:b}", "y", year, "selected", 1));

	ctx = page_context(req, _("Working-time calendar"));
	json_object_set_new(ctx, "cal_year", json_integer(year));
	json_object_set_new(ctx, "prev_year", year > YEAR_MIN ? json_integer(year - 1) : json_null());
	json_object_set_new(ctx, "next_year", year < YEAR_MAX ? json_integer(year + 1) : json_null());
	json_object_set_new(ctx, "years", years);
	json_object_set_new(ctx, "months", month_grids(req, &c, year));
	json_object_set_new(ctx, "named", named);
	json_object_set_new(ctx, "has_named", json_boolean(n > 0));
	json_object_set_new(ctx, "can_edit", json_boolean(edit == 1));
	json_object_set_new(ctx, "csrf", json_string(req_csrf(req)));
	json_object_set_new(ctx, "date_min", json_string(iso_date(req, cal_date(year, 1, 1))));
	json_object_set_new(ctx, "date_max", json_string(iso_date(req, cal_date(year, 12, 31))));
	if (typed) {
		json_object_set_new(ctx, "typed_date", json_string(typed->date));
		json_object_set_new(ctx, "typed_name", json_string(typed->name));
		json_object_set_new(ctx,
				    !strcmp(typed->kind, "workday") ? "kind_workday"
				    : !strcmp(typed->kind, "rule")  ? "kind_rule"
								    : "kind_holiday",
				    json_true());
	} else {
		json_object_set_new(ctx, "kind_holiday", json_true());
	}
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (notice)
		json_object_set_new(ctx, "notice", json_string(notice));
	resp_header(req, "Cache-Control", "no-store");
	page_render(req, status, "calendar", ctx);
}

/* GET /quan-tri/lich-lam-viec?year=YYYY: every staff member may look; admins of a governing unit may change.
 */
int page_calendar(struct request *req)
{
	const char *q = req_query(req, "year"), *msg = req_query(req, "msg"), *notice = NULL;
	int year = q ? parse_year(input_trim(req, q)) : this_year();

	if (req_staff_only(req))
		return 0;
	if (!year) {
		render_page(req, 400, this_year(), _("Choose a year between 1990 and 2100."), NULL, NULL);
		return 0;
	}
	if (msg && !strcmp(msg, "saved"))
		notice = _("The day was saved.");
	else if (msg && !strcmp(msg, "cleared"))
		notice = _("The day follows the weekly rule again.");
	else if (msg && !strcmp(msg, "unchanged"))
		notice = _("This day is not named in the calendar: it already follows the weekly rule.");
	else if (msg && !strcmp(msg, "reset"))
		notice = _("The year was reset to the days off the Labour Code gives.");
	render_page(req, 200, year, NULL, notice, NULL);
	return 0;
}

/* After a change: back to the page of the day's year. */
static void back(struct request *req, int year, const char *msg)
{
	resp_redirect(req, arena_printf(&req->arena, PAGE_PATH "?year=%d&msg=%s", year, msg));
}

/* POST action=reset year=YYYY confirm=1: the year's named days become the law's again. */
static void year_reset(struct request *req, int year)
{
	struct db *db = db_thread();
	size_t removed = 0, added = 0;
	int rc;

	if (!db || db_begin(db)) {
		resp_unavailable(req);
		return;
	}
	rc = calendar_year_reset(db, year, req_actor_name(req), req_now(req), &removed, &added);
	if (!rc)
		rc = req_audit_json(
			req, db, "calendar.year_reset", arena_printf(&req->arena, "calendar_year:%d", year),
			json_pack("{s:I,s:I}", "removed", (json_int_t)removed, "added", (json_int_t)added));
	if (!rc)
		rc = db_commit(db);
	if (rc) {
		if (db_in_transaction(db))
			db_rollback(db);
		log_error("event=db msg=\"calendar reset failed\" rc=%d id=%s", rc, req->id);
		resp_unavailable(req);
		return;
	}
	back(req, year, "reset");
}

/*
 * POST /quan-tri/lich-lam-viec: action=set (date, kind = holiday | workday
 * | rule, name), action=clear (date), action=reset (year, confirm). Each
 * change with its audit row; a refused form comes back with its message
 * and changes nothing.
 */
int page_calendar_post(struct request *req)
{
	const char *action = input_trim(req, req_form(req, "action"));
	struct typed typed = { input_trim(req, req_form(req, "date")), input_trim(req, req_form(req, "kind")),
			       input_trim(req, req_form(req, "name")) };
	int year = parse_year(input_trim(req, req_form(req, "year")));
	const char *bad;
	int32_t date;
	int kind, rc, y, m, d;

	if (edit_denied(req))
		return 0;
	if (!year)
		year = this_year();
	if (!strcmp(action, "reset")) {
		if (!parse_year(input_trim(req, req_form(req, "year"))))
			render_page(req, 422, year, _("Choose a year between 1990 and 2100."), NULL, NULL);
		else if (strcmp(input_trim(req, req_form(req, "confirm")), "1"))
			render_page(req, 422, year,
				    _("Tick the box to confirm that this year's changes will be lost."), NULL,
				    NULL);
		else
			year_reset(req, year);
		return 0;
	}
	if (strcmp(action, "set") && strcmp(action, "clear")) {
		resp_error(req, 400, "bad_action", _("This action is not known."));
		return 0;
	}
	if (!strcmp(action, "clear"))
		typed.kind = "rule";
	if (parse_date(typed.date, &date)) {
		render_page(
			req, 422, year,
			_("The day must be a date between 1990 and 2100, written dd/mm/yyyy or yyyy-mm-dd."),
			NULL, &typed);
		return 0;
	}
	cal_ymd(date, &y, &m, &d);
	if (!strcmp(typed.kind, "rule")) {
		rc = day_unname(req, date);
		if (rc >= 0)
			back(req, y, rc ? "unchanged" : "cleared");
		return 0;
	}
	if (!(kind = calendar_kind_from_name(typed.kind))) {
		render_page(
			req, 422, y,
			_("Choose what the day is: a day off, a working day, or back to the weekly rule."),
			NULL, &typed);
		return 0;
	}
	if ((bad = name_error(typed.name)) || (bad = kind_error(date, kind))) {
		render_page(req, 422, y, bad, NULL, &typed);
		return 0;
	}
	if (!day_save(req, date, kind, typed.name))
		back(req, y, "saved");
	return 0;
}
