/*
 * t0026-visitors: the portal's visitor statistics through a real server: public pages viewed by a
 * few browsers count (written within 6 seconds), a robot's views, staff pages and a page not found
 * do not; the footer's widget shows the figures on the home page and the public JSON gives the
 * same, in order (total >= year >= month >= today, week >= today); the analytics page and its
 * API answer the site's administrator with the day's counts, an accessible chart and the top
 * pages, and refuse a specialist; a visitor served by two servers on one database makes one
 * visit; a server stopped with SIGTERM has written what it counted (started again, it shows it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/timefmt.h"
#include "harness.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define FIREFOX	      "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
#define SAFARI	      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1"
#define ZALO	      "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36 Zalo"
#define GOOGLEBOT     "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
#define WAIT_MS	      6000 /* the counts are written at least every 5 seconds */

static struct test_server srv;
static struct ts_user admin, specialist;

static int setup(void **state)
{
	(void)state;
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "quantri", DEMO_PASSWORD, &admin) != 201 ||
	    ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &specialist) != 201)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return ts_stop(&srv) == 0 ? 0 : -1;
}

static void sleep_ms(int ms)
{
	nanosleep(&(struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L }, NULL);
}

/* GET `path` from `s` as a browser with `ua`; the status. The body into *body (may be NULL; caller frees). */
static long view(const struct test_server *s, const char *path, const char *ua, char **body)
{
	struct http_resp r;
	char h[300];
	long status;
	snprintf(h, sizeof(h), "User-Agent: %s", ua);
	resp_init(&r);
	if (http_req(s, "GET", path, (const char *const[]){ h, NULL }, NULL, 0, &r))
		fail_msg("GET %s: no answer", path);
	status = r.status;
	if (body)
		*body = strdup(r.body.ptr ? r.body.ptr : "");
	resp_free(&r);
	return status;
}

static long long sum(const char *column)
{
	char sql[96];
	long long v;
	snprintf(sql, sizeof(sql), "SELECT COALESCE(SUM(%s), 0) FROM visitor_days", column);
	v = ts_sql_int(&srv, sql, NULL, 0, 0);
	assert_true(v >= 0);
	return v;
}

/* Wait until the database holds `views` page views in all; fails after WAIT_MS. */
static void wait_views(long long views)
{
	long long got = -1;
	for (int waited = 0; waited <= WAIT_MS; waited += 100) {
		got = sum("views");
		if (got >= views)
			break;
		sleep_ms(100);
	}
	if (got != views)
		fail_msg("%lld page views written after %d ms, wanted %lld", got, WAIT_MS, views);
}

static long long field(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("no integer \"%s\"", key);
	return (long long)json_integer_value(v);
}

/* GET /api/v1/public/visitors from s, checked for its order. */
static json_t *figures(const struct test_server *s)
{
	json_t *f = ts_json(s, NULL, "GET", "/api/v1/public/visitors", NULL, 200, NULL);
	long long today, week, month, year, total;
	assert_non_null(f);
	today = field(f, "today");
	week = field(f, "week");
	month = field(f, "month");
	year = field(f, "year");
	total = field(f, "total");
	assert_true(field(f, "online") >= 0);
	if (!(total >= year && year >= month && month >= today && week >= today && today >= 0))
		fail_msg("figures out of order: today %lld week %lld month %lld year %lld total %lld", today,
			 week, month, year, total);
	return f;
}

/* Wait until s's widget (read back every 2 seconds) shows `total` visits. */
static json_t *wait_total(const struct test_server *s, long long total)
{
	json_t *f = NULL;
	for (int waited = 0; waited <= WAIT_MS; waited += 100) {
		json_decref(f);
		f = figures(s);
		if (field(f, "total") == total)
			return f;
		sleep_ms(100);
	}
	fail_msg("the widget shows %lld visits in all, wanted %lld", field(f, "total"), total);
	return NULL;
}

/* The number the footer's widget shows beside `label`, or -1. */
static long long widget_value(const char *html, const char *label)
{
	char key[128];
	const char *p;
	long long v = 0;
	snprintf(key, sizeof(key), "<dt>%s</dt><dd>", label);
	p = strstr(html, "class=\"visitor-widget\"");
	if (!p || !(p = strstr(p, key)))
		return -1;
	for (p += strlen(key); *p && *p != '<'; p++)
		if (*p >= '0' && *p <= '9')
			v = v * 10 + (*p - '0');
		else if (*p != '.')
			return -1;
	return v;
}

static long long start_visits, start_views;

/* Three browsers count; a robot, staff pages and a page not found do not. */
static void counted(void **state)
{
	struct http_resp r;
	char *home = NULL;
	json_t *f;
	(void)state;

	start_visits = sum("visits");
	start_views = sum("views");
	assert_int_equal(start_visits, 0);
	/* the widget is in the home page's footer, in Vietnamese */
	assert_int_equal(view(&srv, "/", FIREFOX, &home), 200);
	assert_non_null(strstr(home, "class=\"visitor-widget\""));
	for (const char *const *l =
		     (const char *const[]){ "Đang online", "Hôm nay", "Trong tuần", "Trong tháng",
					    "Trong năm", "Tổng số truy cập", NULL };
	     *l; l++)
		if (widget_value(home, *l) < 0)
			fail_msg("no \"%s\" with a number in the widget", *l);
	free(home);
	/* Firefox 3 views, Safari 2, Zalo 1: three visits, six views */
	assert_int_equal(view(&srv, "/", FIREFOX, NULL), 200);
	assert_int_equal(view(&srv, "/thu-tuc", FIREFOX, NULL), 200);
	assert_int_equal(view(&srv, "/", SAFARI, NULL), 200);
	assert_int_equal(view(&srv, "/tra-cuu", SAFARI, NULL), 200);
	assert_int_equal(view(&srv, "/thu-tuc", ZALO, NULL), 200);
	/* not counted: a robot, a page not found, the staff's pages and the API */
	assert_int_equal(view(&srv, "/", GOOGLEBOT, NULL), 200);
	assert_int_equal(view(&srv, "/thu-tuc", GOOGLEBOT, NULL), 200);
	assert_int_equal(view(&srv, "/thu-tuc/9.999999", "Mozilla/5.0 lost", NULL), 404);
	for (const char *const *p =
		     (const char *const[]){ "/quan-tri", "/quan-tri/truy-cap", "/quan-tri/nhat-ky",
					    "/api/v1/public/visitors", NULL };
	     *p; p++) {
		resp_init(&r);
		assert_int_equal(ts_as(&srv, &admin, "GET", *p, NULL, &r), 0);
		assert_int_equal(r.status, 200);
		resp_free(&r);
	}
	wait_views(6);
	sleep_ms(300); /* nothing more comes */
	assert_int_equal(sum("views"), 6);
	assert_int_equal(sum("visits"), 3);
	assert_int_equal(ts_sql_int(&srv, "SELECT views FROM visitor_pages WHERE path = '/'", NULL, 0, 0), 3);
	assert_int_equal(
		ts_sql_int(&srv, "SELECT views FROM visitor_pages WHERE path = '/thu-tuc'", NULL, 0, 0), 2);
	assert_int_equal(
		ts_sql_int(&srv, "SELECT views FROM visitor_pages WHERE path = '/tra-cuu'", NULL, 0, 0), 1);
	assert_int_equal(ts_sql_int(&srv,
				    "SELECT COUNT(*) FROM visitor_pages WHERE path LIKE '/quan-tri%' "
				    "OR path LIKE '/api/%' OR path = '/thu-tuc/9.999999'",
				    NULL, 0, 0),
			 0);
	/* no address in the database: only hashes */
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM visitor_seen WHERE hash LIKE '%127.0.0.1%'",
				    NULL, 0, 0),
			 0);
	assert_int_equal(ts_sql_int(&srv, "SELECT COUNT(*) FROM visitor_seen", NULL, 0, 0), 3);

	/* the public figures, read back by the server after writing */
	f = wait_total(&srv, 3);
	assert_int_equal(field(f, "online"), 3);
	assert_true(field(f, "today") <= 3);
	json_decref(f);
	/* and the widget on the home page says the same */
	assert_int_equal(view(&srv, "/", FIREFOX, &home), 200);
	assert_int_equal(widget_value(home, "Tổng số truy cập"), 3);
	assert_int_equal(widget_value(home, "Đang online"), 3);
	assert_true(widget_value(home, "Trong năm") <= 3 &&
		    widget_value(home, "Trong năm") >= widget_value(home, "Trong tháng"));
	free(home);
	wait_views(7); /* that view too, in the same visit */
	assert_int_equal(sum("visits"), 3);
}

/* The analytics page and its API: the administrator sees the day's counts; a specialist does not. */
static void analytics(void **state)
{
	struct http_resp r;
	struct civil c;
	char path[128], today_vn[16], today_iso[16], row[96];
	json_t *j, *pages;
	long got;
	(void)state;

	time_to_civil(time_now_us() / 1000000, VN_UTC_OFFSET, &c);
	snprintf(today_vn, sizeof(today_vn), "%02d/%02d/%04d", c.day, c.month, c.year);
	snprintf(today_iso, sizeof(today_iso), "%04d-%02d-%02d", c.year, c.month, c.day);
	/* the page: the chart as an image with its text, the day's row, the top pages */
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &admin, "GET", "/quan-tri/truy-cap", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "<h1 id=\"vs-title\">Thống kê truy cập</h1>"));
	assert_non_null(strstr(r.body.ptr, "<svg role=\"img\""));
	assert_non_null(
		strstr(r.body.ptr, "<title id=\"vs-chart-title\">Lượt truy cập và lượt xem trang theo ngày"));
	snprintf(row, sizeof(row), "<th scope=\"row\">%s</th><td>3</td><td>7</td>", today_vn);
	if (!strstr(r.body.ptr, row))
		fail_msg("no row \"%s\" in the page", row);
	assert_non_null(strstr(r.body.ptr, "<a href=\"/\">/</a></th><td>4</td>"));
	assert_non_null(strstr(r.body.ptr, "<a href=\"/thu-tuc\">/thu-tuc</a></th><td>2</td>"));
	resp_free(&r);
	/* a long period is drawn per month */
	resp_init(&r);
	assert_int_equal(
		ts_as(&srv, &admin, "GET", "/quan-tri/truy-cap?from=2026-01-01&to=2027-12-31", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Lượt truy cập và lượt xem trang theo tháng"));
	resp_free(&r);
	/* a day that does not exist: the form again with the reason */
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &admin, "GET", "/quan-tri/truy-cap?from=2026-02-30", NULL, &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.ptr, "role=\"alert\""));
	assert_non_null(strstr(r.body.ptr, "value=\"2026-02-30\""));
	resp_free(&r);

	/* the API: the same figures */
	snprintf(path, sizeof(path), "/api/v1/stats/visitors?from=%s&to=%s", today_iso, today_iso);
	j = ts_json(&srv, &admin, "GET", path, NULL, 200, &got);
	assert_non_null(j);
	assert_int_equal(field(json_object_get(j, "totals"), "visits"), 3);
	assert_int_equal(field(json_object_get(j, "totals"), "views"), 7);
	assert_int_equal(json_array_size(json_object_get(j, "by_day")), 1);
	pages = json_object_get(j, "top_pages");
	assert_int_equal(json_array_size(pages), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(pages, 0), "path")), "/");
	assert_int_equal(field(json_array_get(pages, 0), "views"), 4);
	assert_int_equal(field(json_object_get(j, "now"), "total"), 3);
	json_decref(j);
	j = ts_json(&srv, &admin, "GET", "/api/v1/stats/visitors?from=2026-12-01&to=2026-11-01", NULL, 400,
		    &got);
	assert_int_equal(got, 400);
	json_decref(j);

	/* a specialist has no audit.read: refused, page and API */
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &specialist, "GET", "/quan-tri/truy-cap", NULL, &r), 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
	j = ts_json(&srv, &specialist, "GET", path, NULL, 403, &got);
	assert_int_equal(got, 403);
	json_decref(j);
	/* and nobody logged in gets nothing */
	j = ts_json(&srv, NULL, "GET", path, NULL, 401, &got);
	assert_int_equal(got, 401);
	json_decref(j);
}

/* Two servers on one database: a visitor going from one to the other makes one visit. */
static void two_servers(void **state)
{
	struct test_server peer;
	long long visits = sum("visits"), views = sum("views");
	json_t *f;
	(void)state;

	assert_int_equal(ts_start_peer(&peer, &srv, NULL), 0);
	assert_int_equal(view(&srv, "/", "Mozilla/5.0 roaming", NULL), 200);
	assert_int_equal(view(&peer, "/thu-tuc", "Mozilla/5.0 roaming", NULL), 200);
	assert_int_equal(view(&srv, "/tra-cuu", "Mozilla/5.0 roaming", NULL), 200);
	wait_views(views + 3);
	assert_int_equal(sum("visits"), visits + 1);
	/* each server's widget shows every server's visits */
	f = wait_total(&peer, visits + 1);
	json_decref(f);
	f = wait_total(&srv, visits + 1);
	json_decref(f);
	assert_int_equal(ts_stop(&peer), 0);
}

/* SIGTERM: the views counted since the last write are written before the server exits. */
static void sigterm_writes(void **state)
{
	long long visits, views;
	json_t *f;
	(void)state;

	/*
	 * Two views, then SIGTERM at once: unless a periodic write (every 2 seconds) falls in the
	 * few milliseconds between, only the last write at shutdown can save them.
	 */
	visits = sum("visits");
	views = sum("views");
	assert_int_equal(view(&srv, "/", "Mozilla/5.0 late reader one", NULL), 200);
	assert_int_equal(view(&srv, "/thu-tuc", "Mozilla/5.0 late reader two", NULL), 200);
	kill(srv.pid, SIGTERM);
	assert_int_equal(ts_wait_exit(&srv, 15000), 0);
	assert_int_equal(sum("visits"), visits + 2);
	assert_int_equal(sum("views"), views + 2);
	/* started again, its widget shows them from the first page on */
	assert_int_equal(ts_launch(&srv, NULL, NULL), 0);
	f = figures(&srv);
	assert_int_equal(field(f, "total"), visits + 2);
	json_decref(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counted),
		cmocka_unit_test(analytics),
		cmocka_unit_test(two_servers),
		cmocka_unit_test(sigterm_writes),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("t0026-visitors", tests, setup, teardown);
}
