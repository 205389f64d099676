/*
 * t0017-calendar: the working-time calendar over HTTP: the public due-date
 * API (good and bad input, with the Vietnamese messages), the year's named
 * days, an admin's changes answered by the very next due request (the
 * settings token refreshes every server's cache), a non-admin refused with
 * nothing changed, and the admin page with the year's months, Tết marked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "rules/calendar.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"

/* The Vietnamese messages people read. */
#define MSG_FROM       "Thời điểm bắt đầu (from) phải là ngày giờ theo ISO-8601, ví dụ 2026-02-13T16:00:00+07:00."
#define MSG_FROM_RANGE "Thời điểm bắt đầu phải trong khoảng từ năm 1990 đến năm 2100."
#define MSG_BOTH \
	"Chỉ ghi thời hạn theo ngày làm việc (days=N) hoặc theo giờ làm việc (hours=N), không ghi cả hai."
#define MSG_NEITHER   "Vui lòng ghi thời hạn theo ngày làm việc (days=N) hoặc theo giờ làm việc (hours=N)."
#define MSG_DAYS      "Số ngày làm việc phải là số nguyên từ 0 đến 1000."
#define MSG_HOURS     "Số giờ làm việc phải là số nguyên từ 0 đến 8000."
#define MSG_YEAR      "Vui lòng chọn năm trong khoảng từ 1990 đến 2100."
#define MSG_FORBIDDEN "Bạn không có quyền thực hiện thao tác này."
#define MSG_WORKDAY \
	"Ngày này đã là ngày làm việc theo lịch tuần: chỉ có thể đặt thứ Bảy hoặc Chủ nhật thành ngày làm bù."
#define MSG_DATE	 "Ngày phải là một ngày từ năm 1990 đến năm 2100, viết theo dạng dd/mm/yyyy hoặc yyyy-mm-dd."
#define MSG_KIND	 "Loại ngày (kind) phải là \"holiday\" (ngày nghỉ) hoặc \"workday\" (ngày làm việc)."
#define MSG_NAME	 "Vui lòng nhập tên ngày, ví dụ Nghỉ bù Tết hoặc Làm bù."
#define MSG_NOT_NAMED	 "Ngày này không có trong lịch nghỉ, làm bù: ngày này vẫn theo lịch tuần."
#define MSG_SAVED	 "Đã lưu ngày."
#define MSG_CLEARED	 "Ngày đã trở lại theo lịch tuần."
#define MSG_RESET	 "Đã đặt lại năm theo các ngày nghỉ của Bộ luật Lao động."
#define MSG_TICK_CONFIRM "Vui lòng đánh dấu ô xác nhận rằng các thay đổi đã làm cho năm này sẽ bị xóa."
#define MSG_READ_ONLY	 "Chỉ quản trị viên cấp quận, huyện, thành phố hoặc tỉnh mới được thay đổi lịch."
#define TITLE_CHANGE	 "Thay đổi một ngày"

static struct test_server srv;
/* the district's admin; the ward Nhân Chính's admin; a specialist of the district */
static struct ts_user admin, ward_admin, specialist;

static int setup(void **state)
{
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "quantri", DEMO_PASSWORD, &admin) != 201 ||
	    ts_login(&srv, "quantri.nhanchinh", DEMO_PASSWORD, &ward_admin) != 201 ||
	    ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &specialist) != 201)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	int rc = ts_stop(&srv);
	curl_global_cleanup();
	return rc;
}

/* ---- the database, read as another program would ---- */

static long long sql_int(const char *sql, const char *arg)
{
	char *err = NULL;
	struct db *db = db_open(srv.db, &err);
	struct db_stmt *st;
	long long v = -1;
	int rc;

	if (!db)
		fail_msg("cannot open the database: %s", err ? err : "?");
	rc = arg ? db_query(db, &st, sql, "s", arg) : db_query(db, &st, sql, "");
	assert_true(rc >= 0);
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	db_release_statements(db);
	db_close(db);
	return v;
}

static long long named_rows(int y, int m, int d)
{
	char date[16];
	snprintf(date, sizeof(date), "%d", cal_date(y, m, d));
	return sql_int("SELECT COUNT(*) FROM calendar_days WHERE date = CAST(? AS INTEGER)", date);
}

static long long audit_rows(const char *action)
{
	return sql_int("SELECT COUNT(*) FROM audit_log WHERE action = ?", action);
}

/* ---- requests ---- */

static long get(const char *path, struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(http_get(&srv, path, r), 0);
	return r->status;
}

static long as(const struct ts_user *u, const char *method, const char *path, const char *body,
	       struct http_resp *r)
{
	resp_init(r);
	assert_int_equal(ts_as(&srv, u, method, path, body, r), 0);
	return r->status;
}

/* The response's JSON (the test fails when it is not). */
static json_t *body_json(const struct http_resp *r)
{
	json_error_t e;
	json_t *v = json_loads(r->body.ptr ? r->body.ptr : "", 0, &e);
	if (!v)
		fail_msg("not JSON (%s): %s", e.text, r->body.ptr ? r->body.ptr : "");
	return v;
}

/* GET the due API: 200 and its "due" is `due`. */
static void expect_due(const char *query, const char *from, const char *due, long long hours)
{
	struct http_resp r;
	char path[512];
	json_t *v;

	snprintf(path, sizeof(path), "/api/v1/calendar/due?%s", query);
	if (get(path, &r) != 200)
		fail_msg("%s: %ld %s", path, r.status, r.body.ptr ? r.body.ptr : "");
	v = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(v, "from")), from);
	if (strcmp(json_string_value(json_object_get(v, "due")), due))
		fail_msg("%s: due %s, want %s", path, json_string_value(json_object_get(v, "due")), due);
	assert_int_equal(json_integer_value(json_object_get(v, "working_hours")), hours);
	json_decref(v);
	resp_free(&r);
}

/* An error answer: its status, code and Vietnamese message. */
static void expect_error(const struct http_resp *r, long status, const char *code, const char *msg)
{
	json_t *v;
	if (r->status != status)
		fail_msg("status %ld, want %ld: %s", r->status, status, r->body.ptr ? r->body.ptr : "");
	v = body_json(r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "code")), code);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "message")), msg);
	json_decref(v);
}

static void expect_due_error(const char *query, const char *code, const char *msg)
{
	struct http_resp r;
	char path[512];
	snprintf(path, sizeof(path), "/api/v1/calendar/due?%s", query);
	get(path, &r);
	expect_error(&r, 400, code, msg);
	resp_free(&r);
}

static void expect_in(const struct http_resp *r, const char *s)
{
	if (!r->body.ptr || !strstr(r->body.ptr, s))
		fail_msg("\"%s\" is not in the page", s);
}

static void expect_not_in(const struct http_resp *r, const char *s)
{
	if (r->body.ptr && strstr(r->body.ptr, s))
		fail_msg("\"%s\" is in the page", s);
}

/* ---- the public due API ---- */

static void test_due(void **state)
{
	(void)state;
	/* Tết 2026 (16/2–20/2) and the weekend after it: one working day from Friday 13/2 16:00 */
	expect_due("from=2026-02-13T16:00:00%2B07:00&days=1", "2026-02-13T16:00:00+07:00",
		   "2026-02-23T16:00:00+07:00", 8);
	/* the same instant in UTC */
	expect_due("from=2026-02-13T09:00:00Z&hours=8", "2026-02-13T16:00:00+07:00",
		   "2026-02-23T16:00:00+07:00", 8);
	/* the lunch break; a '+' sent unencoded (read as a space); no zone means Vietnam time */
	expect_due("from=2026-03-02T11:00:00+07:00&hours=2", "2026-03-02T11:00:00+07:00",
		   "2026-03-02T14:00:00+07:00", 2);
	expect_due("from=2026-03-02T11:00&hours=2", "2026-03-02T11:00:00+07:00", "2026-03-02T14:00:00+07:00",
		   2);
	/* ending exactly at 17:00 stays there */
	expect_due("from=2026-03-02T08:00:00%2B07:00&days=1", "2026-03-02T08:00:00+07:00",
		   "2026-03-02T17:00:00+07:00", 8);
	/* 0: the start itself, or the next working period's start (a Saturday → Monday 08:00) */
	expect_due("from=2026-03-07T10:00:00%2B07:00&days=0", "2026-03-07T10:00:00+07:00",
		   "2026-03-09T08:00:00+07:00", 0);
	/* Hùng Kings' day on Sunday 26/4/2026, made up on Monday 27/4; 30/4 and 1/5 */
	expect_due("from=2026-04-24T17:00:00%2B07:00&hours=1", "2026-04-24T17:00:00+07:00",
		   "2026-04-28T09:00:00+07:00", 1);
	expect_due("from=2026-04-29T16:00:00%2B07:00&hours=2", "2026-04-29T16:00:00+07:00",
		   "2026-05-04T09:00:00+07:00", 2);
	/* the year's end; an offset written without a colon; a fraction of a second */
	expect_due("from=2025-12-31T16:00:00%2B0700&hours=2", "2025-12-31T16:00:00+07:00",
		   "2026-01-02T09:00:00+07:00", 2);
	expect_due("from=2025-12-31T09:00:00.5Z&hours=2", "2025-12-31T16:00:00+07:00",
		   "2026-01-02T09:00:00+07:00", 2);
	/* a bare date: its midnight; a deadline reaching a year the server has not stored yet (2035) */
	expect_due("from=2035-02-07&days=1", "2035-02-07T00:00:00+07:00", "2035-02-14T17:00:00+07:00", 8);

	/* refused, with the reason in Vietnamese */
	expect_due_error("days=1", "bad_from", MSG_FROM);
	expect_due_error("from=&days=1", "bad_from", MSG_FROM);
	expect_due_error("from=h%C3%B4m%20nay&days=1", "bad_from", MSG_FROM);
	expect_due_error("from=2026-02-30T10:00:00%2B07:00&days=1", "bad_from", MSG_FROM);
	expect_due_error("from=2026-02-13T25:00:00%2B07:00&days=1", "bad_from", MSG_FROM);
	expect_due_error("from=2026-02-13T10:00:00%2B07:00x&days=1", "bad_from", MSG_FROM);
	expect_due_error("from=1900-01-01T10:00:00%2B07:00&days=1", "bad_from", MSG_FROM_RANGE);
	expect_due_error("from=2026-02-13T10:00:00%2B07:00&days=1&hours=2", "bad_amount", MSG_BOTH);
	expect_due_error("from=2026-02-13T10:00:00%2B07:00", "bad_amount", MSG_NEITHER);
	expect_due_error("from=2026-02-13T10:00:00%2B07:00&days=-1", "bad_amount", MSG_DAYS);
	expect_due_error("from=2026-02-13T10:00:00%2B07:00&days=", "bad_amount", MSG_DAYS);
	expect_due_error("from=2026-02-13T10:00:00%2B07:00&days=1001", "bad_amount", MSG_DAYS);
	expect_due_error("from=2026-02-13T10:00:00%2B07:00&days=99999999999999999999", "bad_amount",
			 MSG_DAYS);
	expect_due_error("from=2026-02-13T10:00:00%2B07:00&hours=1.5", "bad_amount", MSG_HOURS);
	expect_due_error("from=2026-02-13T10:00:00%2B07:00&hours=8001", "bad_amount", MSG_HOURS);
}

/* GET /api/v1/calendar?year=: the year's named days. */
static void test_list(void **state)
{
	struct http_resp r;
	json_t *v, *days, *day;
	size_t i;
	int tet = 0;
	(void)state;

	assert_int_equal(get("/api/v1/calendar?year=2026", &r), 200);
	v = body_json(&r);
	assert_int_equal(json_integer_value(json_object_get(v, "year")), 2026);
	days = json_object_get(v, "days");
	assert_int_equal(json_array_size(days), 12);
	json_array_foreach(days, i, day)
	{
		const char *date = json_string_value(json_object_get(day, "date"));
		assert_string_equal(json_string_value(json_object_get(day, "kind")), "holiday");
		if (!strcmp(date, "2026-02-17"))
			assert_string_equal(json_string_value(json_object_get(day, "name")),
					    "Tết Nguyên đán"),
				tet = 1;
		if (!strcmp(date, "2026-04-27"))
			assert_string_equal(json_string_value(json_object_get(day, "name")),
					    "Nghỉ bù Giỗ Tổ Hùng Vương");
	}
	assert_true(tet);
	json_decref(v);
	resp_free(&r);

	get("/api/v1/calendar?year=hai", &r);
	expect_error(&r, 400, "bad_year", MSG_YEAR);
	resp_free(&r);
	get("/api/v1/calendar?year=1800", &r);
	expect_error(&r, 400, "bad_year", MSG_YEAR);
	resp_free(&r);
}

/* Neither a ward's admin nor a specialist may change the calendar; nothing changes. */
static void test_forbidden(void **state)
{
	const struct ts_user *who[] = { &ward_admin, &specialist };
	struct http_resp r;
	char *form;
	(void)state;

	for (size_t i = 0; i < 2; i++) {
		as(who[i], "PUT", "/api/v1/calendar/days/2026-03-02",
		   "{\"kind\":\"holiday\",\"name\":\"Nghỉ\"}", &r);
		expect_error(&r, 403, "forbidden", MSG_FORBIDDEN);
		resp_free(&r);
		as(who[i], "DELETE", "/api/v1/calendar/days/2026-02-17", NULL, &r);
		expect_error(&r, 403, "forbidden", MSG_FORBIDDEN);
		resp_free(&r);
		form = ts_form(who[i], "action", "set", "date", "2026-03-02", "kind", "holiday", "name",
			       "Nghỉ", NULL);
		assert_int_equal(as(who[i], "POST", "/quan-tri/lich-lam-viec", form, &r), 403);
		expect_in(&r, MSG_FORBIDDEN);
		free(form);
		resp_free(&r);
		form = ts_form(who[i], "action", "reset", "year", "2026", "confirm", "1", NULL);
		assert_int_equal(as(who[i], "POST", "/quan-tri/lich-lam-viec", form, &r), 403);
		free(form);
		resp_free(&r);
		/* they may look: the page, read-only */
		assert_int_equal(as(who[i], "GET", "/quan-tri/lich-lam-viec?year=2026", NULL, &r), 200);
		expect_in(&r, MSG_READ_ONLY);
		expect_not_in(&r, TITLE_CHANGE);
		expect_not_in(&r, "name=\"action\"");
		resp_free(&r);
	}
	/* without a login: 401 */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "PUT", "/api/v1/calendar/days/2026-03-02",
				  (const char *const[]){ "Content-Type: application/json", NULL },
				  "{\"kind\":\"holiday\",\"name\":\"x\"}", 29, &r),
			 0);
	assert_int_equal(r.status, 401);
	resp_free(&r);
	/* the admin without the CSRF token: 403 */
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "PUT", "/api/v1/calendar/days/2026-03-02",
			 (const char *const[]){ admin.cookie, "Content-Type: application/json", NULL },
			 "{\"kind\":\"holiday\",\"name\":\"x\"}", 29, &r),
		0);
	assert_int_equal(r.status, 403);
	resp_free(&r);

	/* nothing changed */
	assert_int_equal(named_rows(2026, 3, 2), 0);
	assert_int_equal(named_rows(2026, 2, 17), 1);
	assert_int_equal(audit_rows("calendar.day_set") + audit_rows("calendar.day_clear") +
				 audit_rows("calendar.year_reset"),
			 0);
	expect_due("from=2026-02-27T16:00:00%2B07:00&hours=2", "2026-02-27T16:00:00+07:00",
		   "2026-03-02T09:00:00+07:00", 2);
}

/* The admin's changes through the API: the next due answer counts them. */
static void test_api_edits(void **state)
{
	struct http_resp r;
	json_t *v;
	(void)state;

	expect_due("from=2026-02-27T16:00:00%2B07:00&hours=2", "2026-02-27T16:00:00+07:00",
		   "2026-03-02T09:00:00+07:00", 2);
	/* Monday 2/3/2026 becomes a day off */
	assert_int_equal(as(&admin, "PUT", "/api/v1/calendar/days/2026-03-02",
			    "{\"kind\":\"holiday\",\"name\":\"Nghỉ bù thử nghiệm\"}", &r),
			 200);
	v = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "day"), "date")),
			    "2026-03-02");
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "day"), "kind")), "holiday");
	json_decref(v);
	resp_free(&r);
	expect_due("from=2026-02-27T16:00:00%2B07:00&hours=2", "2026-02-27T16:00:00+07:00",
		   "2026-03-03T09:00:00+07:00", 2);
	assert_int_equal(named_rows(2026, 3, 2), 1);
	assert_int_equal(
		sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.day_set' AND object = ?",
			"calendar_day:2026-03-02"),
		1);
	{
		char actor[40];
		snprintf(actor, sizeof(actor), "account:%lld",
			 sql_int("SELECT id FROM accounts WHERE username = ?", "quantri"));
		assert_int_equal(
			sql_int("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.day_set' AND actor = ?",
				actor),
			1);
	}

	/* Saturday 7/3/2026 becomes a working day (làm bù) */
	assert_int_equal(as(&admin, "PUT", "/api/v1/calendar/days/2026-03-07",
			    "{\"kind\":\"workday\",\"name\":\"Làm bù\"}", &r),
			 200);
	resp_free(&r);
	expect_due("from=2026-03-06T17:00:00%2B07:00&hours=1", "2026-03-06T17:00:00+07:00",
		   "2026-03-07T09:00:00+07:00", 1);

	/* refused, and nothing changes */
	as(&admin, "PUT", "/api/v1/calendar/days/2026-03-04", "{\"kind\":\"workday\",\"name\":\"Làm bù\"}",
	   &r);
	expect_error(&r, 422, "invalid", MSG_WORKDAY);
	resp_free(&r);
	as(&admin, "PUT", "/api/v1/calendar/days/2026-03-04", "{\"kind\":\"nghi\",\"name\":\"Nghỉ\"}", &r);
	expect_error(&r, 422, "bad_kind", MSG_KIND);
	resp_free(&r);
	as(&admin, "PUT", "/api/v1/calendar/days/2026-03-04", "{\"kind\":\"holiday\",\"name\":\"  \"}", &r);
	expect_error(&r, 422, "invalid", MSG_NAME);
	resp_free(&r);
	as(&admin, "PUT", "/api/v1/calendar/days/2026-02-30", "{\"kind\":\"holiday\",\"name\":\"Nghỉ\"}", &r);
	expect_error(&r, 400, "bad_date", MSG_DATE);
	resp_free(&r);
	as(&admin, "PUT", "/api/v1/calendar/days/2200-01-05", "{\"kind\":\"holiday\",\"name\":\"Nghỉ\"}", &r);
	expect_error(&r, 400, "bad_date", MSG_DATE);
	resp_free(&r);
	assert_int_equal(as(&admin, "PUT", "/api/v1/calendar/days/2026-03-04", "{\"kind\":1}", &r), 400);
	resp_free(&r);
	assert_int_equal(named_rows(2026, 3, 4), 0);

	/* back to the rule */
	assert_int_equal(as(&admin, "DELETE", "/api/v1/calendar/days/2026-03-02", NULL, &r), 204);
	resp_free(&r);
	expect_due("from=2026-02-27T16:00:00%2B07:00&hours=2", "2026-02-27T16:00:00+07:00",
		   "2026-03-02T09:00:00+07:00", 2);
	as(&admin, "DELETE", "/api/v1/calendar/days/2026-03-02", NULL, &r);
	expect_error(&r, 404, "not_named", MSG_NOT_NAMED);
	resp_free(&r);
	assert_int_equal(as(&admin, "DELETE", "/api/v1/calendar/days/2026-03-07", NULL, &r), 204);
	resp_free(&r);
	assert_int_equal(audit_rows("calendar.day_set"), 2);
	assert_int_equal(audit_rows("calendar.day_clear"), 2);
	assert_int_equal(named_rows(2026, 3, 2) + named_rows(2026, 3, 7), 0);
}

/* The admin page: the year's months with Tết marked, the form, the reset. */
static void test_page(void **state)
{
	struct http_resp r;
	char location[128];
	char *form;
	(void)state;

	assert_int_equal(as(&admin, "GET", "/quan-tri/lich-lam-viec?year=2026", NULL, &r), 200);
	expect_in(&r, "<h1 id=\"cal-title\">Lịch làm việc 2026</h1>");
	/* Tết: 17/2/2026 is 1/1 lunar, a day off, named */
	expect_in(
		&r,
		"<td class=\"cal-holiday\" title=\"17/02/2026, âm lịch 1/1: Tết Nguyên đán\"><span class=\"cal-d\">17</span> "
		"<span class=\"cal-l\">1/1</span><span class=\"visually-hidden\"> Ngày nghỉ: Tết Nguyên đán</span></td>");
	/* the eve, the make-up day of Hùng Kings' day, a weekend, a working day */
	expect_in(&r, "title=\"16/02/2026, âm lịch 29/12: Tết Nguyên đán\"");
	expect_in(&r, "title=\"27/04/2026, âm lịch 11/3: Nghỉ bù Giỗ Tổ Hùng Vương\"");
	expect_in(&r, "<td class=\"cal-rest\" title=\"01/03/2026, âm lịch 13/1\">");
	expect_in(&r, "<td class=\"cal-work\" title=\"02/03/2026, âm lịch 14/1\">");
	expect_in(&r, "<caption>Tháng 12</caption>");
	expect_in(&r, "<abbr title=\"Chủ nhật\">CN</abbr>");
	expect_in(&r, TITLE_CHANGE);
	resp_free(&r);

	/* a day off through the form: saved, shown, counted */
	form = ts_form(&admin, "action", "set", "year", "2026", "date", "12/10/2026", "kind", "holiday",
		       "name", "Nghỉ thử nghiệm", NULL);
	assert_int_equal(as(&admin, "POST", "/quan-tri/lich-lam-viec", form, &r), 303);
	assert_non_null(resp_hdr(&r, "Location", location, sizeof(location)));
	assert_string_equal(location, "/quan-tri/lich-lam-viec?year=2026&msg=saved");
	free(form);
	resp_free(&r);
	assert_int_equal(as(&admin, "GET", location, NULL, &r), 200);
	expect_in(&r, MSG_SAVED);
	expect_in(&r, "title=\"12/10/2026, âm lịch 3/9: Nghỉ thử nghiệm\"");
	resp_free(&r);
	expect_due("from=2026-10-09T17:00:00%2B07:00&hours=1", "2026-10-09T17:00:00+07:00",
		   "2026-10-13T09:00:00+07:00", 1);

	/* refused forms: their message, nothing changed */
	form = ts_form(&admin, "action", "set", "year", "2026", "date", "13/10/2026", "kind", "holiday",
		       "name", "", NULL);
	assert_int_equal(as(&admin, "POST", "/quan-tri/lich-lam-viec", form, &r), 422);
	expect_in(&r, MSG_NAME);
	free(form);
	resp_free(&r);
	form = ts_form(&admin, "action", "set", "year", "2026", "date", "31/02/2026", "kind", "holiday",
		       "name", "x", NULL);
	assert_int_equal(as(&admin, "POST", "/quan-tri/lich-lam-viec", form, &r), 422);
	expect_in(&r, MSG_DATE);
	free(form);
	resp_free(&r);
	assert_int_equal(named_rows(2026, 10, 13), 0);

	/* back to the weekly rule through the form (the kind "rule"), then once more: nothing to do */
	form = ts_form(&admin, "action", "set", "year", "2026", "date", "2026-10-12", "kind", "rule", "name",
		       "", NULL);
	assert_int_equal(as(&admin, "POST", "/quan-tri/lich-lam-viec", form, &r), 303);
	resp_hdr(&r, "Location", location, sizeof(location));
	assert_string_equal(location, "/quan-tri/lich-lam-viec?year=2026&msg=cleared");
	free(form);
	resp_free(&r);
	assert_int_equal(as(&admin, "GET", location, NULL, &r), 200);
	expect_in(&r, MSG_CLEARED);
	resp_free(&r);
	assert_int_equal(named_rows(2026, 10, 12), 0);
	form = ts_form(&admin, "action", "clear", "date", "2026-10-12", NULL);
	assert_int_equal(as(&admin, "POST", "/quan-tri/lich-lam-viec", form, &r), 303);
	resp_hdr(&r, "Location", location, sizeof(location));
	assert_string_equal(location, "/quan-tri/lich-lam-viec?year=2026&msg=unchanged");
	free(form);
	resp_free(&r);

	/* the government's swap, then the year back to the law's days */
	form = ts_form(&admin, "action", "set", "year", "2026", "date", "2026-02-23", "kind", "holiday",
		       "name", "Nghỉ bù Tết Nguyên đán", NULL);
	assert_int_equal(as(&admin, "POST", "/quan-tri/lich-lam-viec", form, &r), 303);
	free(form);
	resp_free(&r);
	expect_due("from=2026-02-13T16:00:00%2B07:00&days=1", "2026-02-13T16:00:00+07:00",
		   "2026-02-24T16:00:00+07:00", 8);
	form = ts_form(&admin, "action", "reset", "year", "2026", NULL);
	assert_int_equal(as(&admin, "POST", "/quan-tri/lich-lam-viec", form, &r), 422);
	expect_in(&r, MSG_TICK_CONFIRM);
	free(form);
	resp_free(&r);
	assert_int_equal(named_rows(2026, 2, 23), 1);
	form = ts_form(&admin, "action", "reset", "year", "2026", "confirm", "1", NULL);
	assert_int_equal(as(&admin, "POST", "/quan-tri/lich-lam-viec", form, &r), 303);
	resp_hdr(&r, "Location", location, sizeof(location));
	assert_string_equal(location, "/quan-tri/lich-lam-viec?year=2026&msg=reset");
	free(form);
	resp_free(&r);
	assert_int_equal(as(&admin, "GET", location, NULL, &r), 200);
	expect_in(&r, MSG_RESET);
	resp_free(&r);
	assert_int_equal(named_rows(2026, 2, 23), 0);
	assert_int_equal(audit_rows("calendar.year_reset"), 1);
	expect_due("from=2026-02-13T16:00:00%2B07:00&days=1", "2026-02-13T16:00:00+07:00",
		   "2026-02-23T16:00:00+07:00", 8);

	/* a bad year */
	assert_int_equal(as(&admin, "GET", "/quan-tri/lich-lam-viec?year=20x6", NULL, &r), 400);
	expect_in(&r, MSG_YEAR);
	resp_free(&r);
	/* another year, with its own Tết (2027: 6/2, the eve Friday 5/2) */
	assert_int_equal(as(&admin, "GET", "/quan-tri/lich-lam-viec?year=2027", NULL, &r), 200);
	expect_in(&r, "title=\"06/02/2027, âm lịch 1/1: Tết Nguyên đán\"");
	expect_in(&r, "title=\"05/02/2027, âm lịch 29/12: Tết Nguyên đán\"");
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_due),	  cmocka_unit_test(test_list),
		cmocka_unit_test(test_forbidden), cmocka_unit_test(test_api_edits),
		cmocka_unit_test(test_page),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("t0017-calendar", tests, setup, teardown);
}
