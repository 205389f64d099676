/*
 * t0021-dossier-stats: the one-stop shop's statistics on the demo's dossiers: the API's figures for a
 * ward equal a count over the dossiers themselves, a district's leader sees its wards and its clerk does
 * not, a dossier moved through the API moves each figure by exactly one, a ward's clerk cannot see
 * another ward, bad periods are refused, and the dashboard draws its charts as accessible SVG.
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
#include <time.h>
#include "core/timefmt.h"
#include "harness.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define WARD_AGENCY   "000.01.15.H26" /* Phường Nhân Chính */
#define WARD2_AGENCY  "000.02.15.H26" /* Phường Thượng Đình */
#define DIST_AGENCY   "000.00.15.H26" /* Quận Thanh Xuân */
#define THREE_DAYS    "1.001022" /* đăng ký nhận cha, mẹ, con: ward, 3 working days, 2 documents */
#define PERIOD_DAYS   70	 /* the demo's dossiers lie in the 60 days before it was made */

static struct test_server srv;
static struct ts_user w_clerk, w_spec, w_lead, d_clerk, d_lead;
static int64_t ward, ward2, district;

static struct db *open_db(void)
{
	char *err = NULL;
	struct db *db = db_open(srv.db, &err);
	if (!db)
		fail_msg("cannot open the database: %s", err ? err : "?");
	return db;
}

/* One integer from SQL with integer parameters (types "i…", up to four). */
static long long sql_int(const char *sql, const char *types, int64_t a, int64_t b, int64_t c, int64_t d)
{
	struct db *db = open_db();
	struct db_stmt *st;
	long long v = -1;
	int rc = db_query(db, &st, sql, types, a, b, c, d);
	if (rc < 0)
		fail_msg("%s: %s", sql, db_errmsg(db));
	if (rc == DB_ROW)
		v = db_col_int(st, 0);
	db_release_statements(db);
	db_close(db);
	return v;
}

static int setup(void **state)
{
	struct db *db;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv) || ts_launch(&srv, NULL, NULL))
		return -1;
	db = open_db();
	ward = ts_unit_id(db, WARD_AGENCY);
	ward2 = ts_unit_id(db, WARD2_AGENCY);
	district = ts_unit_id(db, DIST_AGENCY);
	db_close(db);
	if (ts_login(&srv, "motcua.nhanchinh", DEMO_PASSWORD, &w_clerk) != 201 ||
	    ts_login(&srv, "tuphap.nhanchinh", DEMO_PASSWORD, &w_spec) != 201 ||
	    ts_login(&srv, "chutich.nhanchinh", DEMO_PASSWORD, &w_lead) != 201 ||
	    ts_login(&srv, "motcua", DEMO_PASSWORD, &d_clerk) != 201 ||
	    ts_login(&srv, "lanhdao", DEMO_PASSWORD, &d_lead) != 201)
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

/* A GET as u: the JSON answer (caller frees), failing the test unless the status is `want`. */
static json_t *get(const struct ts_user *u, const char *path, long want)
{
	struct http_resp r;
	json_t *j;
	resp_init(&r);
	assert_int_equal(ts_as(&srv, u, "GET", path, NULL, &r), 0);
	if (r.status != want)
		fail_msg("GET %s: status %ld, wanted %ld: %s", path, r.status, want,
			 r.body.ptr ? r.body.ptr : "");
	j = json_loads(r.body.ptr ? r.body.ptr : "", 0, NULL);
	resp_free(&r);
	return j;
}

static json_t *post(const struct ts_user *u, const char *path, const char *body, long want)
{
	struct http_resp r;
	json_t *j;
	resp_init(&r);
	assert_int_equal(ts_as(&srv, u, "POST", path, body, &r), 0);
	if (r.status != want)
		fail_msg("POST %s: status %ld, wanted %ld: %s", path, r.status, want,
			 r.body.ptr ? r.body.ptr : "");
	j = json_loads(r.body.ptr ? r.body.ptr : "", 0, NULL);
	resp_free(&r);
	return j;
}

static long long num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("no integer \"%s\"", key);
	return (long long)json_integer_value(v);
}

/* The local day `back` days before today as YYYY-MM-DD, and its midnight in seconds. */
static int64_t day_of(int back, char out[16])
{
	struct civil c;
	time_to_civil((int64_t)time(NULL) - (int64_t)back * 86400, VN_UTC_OFFSET, &c);
	snprintf(out, 16, "%04d-%02d-%02d", c.year, c.month, c.day);
	c.hour = c.min = c.sec = 0;
	return time_from_civil(&c, VN_UTC_OFFSET);
}

static json_t *stats(const struct ts_user *u, int64_t unit, const char *from, const char *to,
		     const char *proc)
{
	char path[256];
	snprintf(path, sizeof(path), "/api/v1/stats/dossiers?unit=%lld&from=%s&to=%s%s%s", (long long)unit,
		 from, to, proc ? "&procedure=" : "", proc ? proc : "");
	return get(u, path, 200);
}

/* The figures of one unit and period counted over the dossiers and their timelines (the test may scan). */
struct direct {
	long long received, online_received, submitted, finished, early, on_time, late, refused, withdrawn,
		returned, pending, overdue;
};

static void count_direct(int64_t unit, int64_t from, int64_t to, struct direct *d)
{
	int64_t now = (int64_t)time(NULL);
	d->received =
		sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND received_at >= ? AND "
			"received_at < ?",
			"iii", unit, from, to, 0);
	d->online_received =
		sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND received_at >= ? "
			"AND received_at < ? AND channel = 2",
			"iii", unit, from, to, 0);
	d->submitted =
		sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND submitted_at >= ? AND "
			"submitted_at < ? AND channel = 2",
			"iii", unit, from, to, 0);
	d->finished =
		sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND finished_at >= ? AND "
			"finished_at < ?",
			"iii", unit, from, to, 0);
	d->early = sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND finished_at >= ? AND "
			   "finished_at < ? AND verdict = ?",
			   "iiii", unit, from, to, 1);
	d->on_time =
		sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND finished_at >= ? AND "
			"finished_at < ? AND verdict = ?",
			"iiii", unit, from, to, 2);
	d->late = sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND finished_at >= ? AND "
			  "finished_at < ? AND verdict = ?",
			  "iiii", unit, from, to, 3);
	d->returned =
		sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND returned_at >= ? AND "
			"returned_at < ?",
			"iii", unit, from, to, 0);
	/* refusals and withdrawals are dated by their event (action 2 refuse, 12 withdraw) */
	d->refused =
		sql_int("SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id WHERE "
			"d.receiving_unit = ? AND e.at >= ? AND e.at < ? AND e.action = ?",
			"iiii", unit, from, to, 2);
	d->withdrawn =
		sql_int("SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id WHERE "
			"d.receiving_unit = ? AND e.at >= ? AND e.at < ? AND e.action = ?",
			"iiii", unit, from, to, 12);
	/* now: received and not decided (a withdrawn one is neither); open and past due */
	d->pending = sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND received_at > 0 AND "
			     "finished_at = 0 AND status <> 9",
			     "i", unit, 0, 0, 0);
	d->overdue =
		sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND status IN (2, 3, 5) AND "
			"due_at > 0 AND due_at < ?",
			"ii", unit, now, 0, 0);
}

static void assert_same(json_t *t, const struct direct *d)
{
	assert_int_equal(num(t, "received"), d->received);
	assert_int_equal(num(t, "online_received"), d->online_received);
	assert_int_equal(num(t, "submitted_online"), d->submitted);
	assert_int_equal(num(t, "finished"), d->finished);
	assert_int_equal(num(t, "early"), d->early);
	assert_int_equal(num(t, "on_time"), d->on_time);
	assert_int_equal(num(t, "late"), d->late);
	assert_int_equal(num(t, "refused"), d->refused);
	assert_int_equal(num(t, "withdrawn"), d->withdrawn);
	assert_int_equal(num(t, "returned"), d->returned);
	assert_int_equal(num(t, "pending"), d->pending);
	assert_int_equal(num(t, "overdue"), d->overdue);
}

/* ---- the figures are those of the dossiers ---- */

static void totals_equal_a_count_of_the_dossiers(void **state)
{
	char from[16], to[16];
	int64_t t_from = day_of(PERIOD_DAYS, from), t_to = day_of(0, to) + 86400;
	struct direct d;
	json_t *j, *t, *days, *procs, *v;
	long long sum_r = 0, sum_f = 0, sum_pending = 0, sum_late = 0;
	size_t i;
	(void)state;

	j = stats(&w_clerk, ward, from, to, NULL);
	count_direct(ward, t_from, t_to, &d);
	t = json_object_get(j, "totals");
	assert_same(t, &d);
	/* the demo's ward has something of everything */
	assert_true(d.received >= 20 && d.finished >= 10 && d.early > 0 && d.on_time > 0 && d.late > 0);
	assert_true(d.refused > 0 && d.withdrawn > 0 && d.returned > 0 && d.online_received > 0);
	assert_true(d.pending > 0 && d.overdue > 0);
	/* the rates from the same figures, in per mille */
	assert_int_equal(num(t, "on_time_permille"),
			 ((d.early + d.on_time) * 1000 + d.finished / 2) / d.finished);
	assert_int_equal(num(t, "online_permille"), (d.online_received * 1000 + d.received / 2) / d.received);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "unit"), "name")),
			    "Phường Nhân Chính");
	assert_string_equal(json_string_value(json_object_get(j, "from")), from);

	/* every day of the period, each as the dossiers say */
	days = json_object_get(j, "by_day");
	assert_int_equal(json_array_size(days), PERIOD_DAYS + 1);
	json_array_foreach(days, i, v)
	{
		int64_t day0 = t_from + (int64_t)i * 86400;
		long long r = num(v, "received"), f = num(v, "finished");
		assert_int_equal(
			r, sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND received_at "
				   ">= ? AND received_at < ?",
				   "iii", ward, day0, day0 + 86400, 0));
		assert_int_equal(
			f, sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND finished_at "
				   ">= ? AND finished_at < ?",
				   "iii", ward, day0, day0 + 86400, 0));
		assert_null(json_object_get(v, "pending"));
		sum_r += r;
		sum_f += f;
	}
	assert_int_equal(sum_r, d.received);
	assert_int_equal(sum_f, d.finished);
	/* the procedures add up to the totals */
	procs = json_object_get(j, "by_procedure");
	assert_true(json_array_size(procs) > 3);
	sum_r = 0;
	json_array_foreach(procs, i, v)
	{
		sum_r += num(v, "received");
		sum_late += num(v, "late");
		sum_pending += num(v, "pending");
		assert_true(strlen(json_string_value(json_object_get(v, "name"))) > 0);
	}
	assert_int_equal(sum_r, d.received);
	assert_int_equal(sum_late, d.late);
	assert_int_equal(sum_pending, d.pending);
	/* a ward alone: one unit */
	assert_int_equal(json_array_size(json_object_get(j, "by_unit")), 1);
	json_decref(j);

	/* one procedure */
	j = stats(&w_clerk, ward, from, to, THREE_DAYS);
	assert_int_equal(
		num(json_object_get(j, "totals"), "received"),
		sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND received_at >= ? AND "
			"received_at < ? AND procedure_code = '" THREE_DAYS "'",
			"iii", ward, t_from, t_to, 0));
	assert_int_equal(json_array_size(json_object_get(j, "by_procedure")), 1);
	json_decref(j);
}

/*
 * The procedures' figures come from month rows corrected by day rows at the
 * period's ends (added, or taken off a whole month); the totals from the
 * units' days. For periods of every shape — ending today, mid-month in the
 * past, inside one month, across several — each procedure's received count is
 * the dossiers' own and the procedures add up to the totals.
 */
static void every_period_adds_up(void **state)
{
	static const int backs[] = { 70, 64, 45, 38, 31, 24, 17, 9, 3, 1, 0 };
	size_t nb = sizeof(backs) / sizeof(backs[0]);
	(void)state;

	for (size_t a = 0; a < nb; a++) {
		for (size_t b = a; b < nb; b += 2) {
			char from[16], to[16];
			int64_t t_from = day_of(backs[a], from), t_to = day_of(backs[b], to) + 86400;
			long long sum[5] = { 0 };
			json_t *j = stats(&d_lead, district, from, to, NULL),
			       *t = json_object_get(j, "totals");
			json_t *v;
			size_t i;
			json_array_foreach(json_object_get(j, "by_procedure"), i, v)
			{
				const char *code = json_string_value(json_object_get(v, "code"));
				char sql[320];
				assert_non_null(code);
				assert_int_equal(strspn(code, "0123456789."), strlen(code));
				snprintf(
					sql, sizeof(sql),
					"SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.receiving_unit "
					"WHERE (u.id = ? OR u.parent_id = ?) AND d.received_at >= ? AND "
					"d.received_at < ? AND d.procedure_code = '%s'",
					code);
				if (num(v, "received") !=
				    sql_int(sql, "iiii", district, district, t_from, t_to))
					fail_msg("%s..%s, %s: %lld received, the dossiers say %lld", from, to,
						 code, num(v, "received"),
						 sql_int(sql, "iiii", district, district, t_from, t_to));
				sum[0] += num(v, "received");
				sum[1] += num(v, "finished");
				sum[2] += num(v, "late");
				sum[3] += num(v, "withdrawn");
				sum[4] += num(v, "returned");
			}
			if (sum[0] != num(t, "received") || sum[1] != num(t, "finished") ||
			    sum[2] != num(t, "late") || sum[3] != num(t, "withdrawn") ||
			    sum[4] != num(t, "returned"))
				fail_msg(
					"%s..%s: the procedures sum to %lld received, %lld finished, %lld late; "
					"the totals are %lld, %lld, %lld",
					from, to, sum[0], sum[1], sum[2], num(t, "received"),
					num(t, "finished"), num(t, "late"));
			json_decref(j);
		}
	}
}

static void a_district_sees_its_wards(void **state)
{
	char from[16], to[16];
	int64_t t_from = day_of(PERIOD_DAYS, from), t_to = day_of(0, to) + 86400;
	long long all;
	json_t *j;
	(void)state;

	all = sql_int(
		"SELECT COUNT(*) FROM dossiers d JOIN units u ON u.id = d.receiving_unit WHERE (u.id = ? OR "
		"u.parent_id = ?) AND d.received_at >= ? AND d.received_at < ?",
		"iiii", district, district, t_from, t_to);
	/* the district's vice-chairman: the district and its eleven wards */
	j = stats(&d_lead, district, from, to, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "by_unit")), 12);
	assert_int_equal(num(json_object_get(j, "totals"), "received"), all);
	assert_int_equal(
		json_integer_value(json_object_get(json_array_get(json_object_get(j, "by_unit"), 0), "id")),
		district);
	json_decref(j);
	/* and a ward of it */
	json_decref(stats(&d_lead, ward2, from, to, NULL));
	/* the district's clerk: the district alone */
	j = stats(&d_clerk, district, from, to, NULL);
	assert_int_equal(json_array_size(json_object_get(j, "by_unit")), 1);
	assert_int_equal(
		num(json_object_get(j, "totals"), "received"),
		sql_int("SELECT COUNT(*) FROM dossiers WHERE receiving_unit = ? AND received_at >= ? AND "
			"received_at < ?",
			"iii", district, t_from, t_to, 0));
	json_decref(j);
	/* without unit=: the account's own */
	j = get(&w_clerk, "/api/v1/stats/dossiers", 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "unit"), "id")), ward);
	json_decref(j);
}

/* ---- a dossier moved through the API moves the figures by exactly one ---- */

static json_t *today_totals(void)
{
	char today[16];
	json_t *j, *t;
	day_of(0, today);
	j = stats(&w_clerk, ward, today, today, NULL);
	t = json_incref(json_object_get(j, "totals"));
	json_decref(j);
	return t;
}

static void expect_delta(json_t *before, json_t *after, const char *key, long long delta)
{
	if (num(after, key) != num(before, key) + delta)
		fail_msg("%s: %lld, then %lld: wanted a change of %lld", key, num(before, key),
			 num(after, key), delta);
}

static void act(const struct ts_user *u, const char *code, const char *body)
{
	char path[160];
	snprintf(path, sizeof(path), "/api/v1/dossiers/%s/actions", code);
	json_decref(post(u, path, body, 200));
}

static void moving_a_dossier_moves_the_figures(void **state)
{
	static const char *const others[] = { "submitted_online", "online_received", "on_time", "late",
					      "refused",	  "withdrawn",	     "overdue" };
	json_t *t0, *t1, *t2, *t3, *j;
	char code[64];
	(void)state;

	t0 = today_totals();
	j = post(
		&w_clerk, "/api/v1/dossiers",
		"{\"procedure\":\"" THREE_DAYS "\",\"applicant\":{\"name\":\"Vũ Thị Thanh Hương\",\"id_no\":"
		"\"001185012345\",\"birth\":\"1985-04-02\",\"phone\":\"0983123456\",\"email\":\"\",\"address\":"
		"\"Số 7 ngõ 19 Quan Nhân, phường Nhân Chính\"},\"documents\":[0,1]}",
		201);
	snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(j, "code")));
	json_decref(j);
	/* received at the counter: one more received and one more being processed */
	t1 = today_totals();
	expect_delta(t0, t1, "received", 1);
	expect_delta(t0, t1, "pending", 1);
	expect_delta(t0, t1, "finished", 0);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		expect_delta(t0, t1, others[i], 0);

	/* taken, passed on, approved at once: decided, early (three working days were allowed) */
	act(&w_clerk, code, "{\"action\":\"start\"}");
	act(&w_spec, code, "{\"action\":\"forward\",\"note\":\"Hồ sơ hợp lệ\"}");
	act(&w_lead, code, "{\"action\":\"approve\",\"result\":\"Trích lục đăng ký nhận cha, mẹ, con\"}");
	t2 = today_totals();
	expect_delta(t1, t2, "received", 0);
	expect_delta(t1, t2, "finished", 1);
	expect_delta(t1, t2, "early", 1);
	expect_delta(t1, t2, "pending", -1);
	expect_delta(t1, t2, "returned", 0);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		expect_delta(t1, t2, others[i], 0);
	/* handed over */
	act(&w_clerk, code, "{\"action\":\"return\"}");
	t3 = today_totals();
	expect_delta(t2, t3, "returned", 1);
	expect_delta(t2, t3, "finished", 0);
	expect_delta(t0, t3, "pending", 0);
	json_decref(t0);
	json_decref(t1);
	json_decref(t2);
	json_decref(t3);
}

/* ---- who may ask, and what ---- */

static void another_ward_is_refused(void **state)
{
	char from[16], to[16], path[200];
	struct http_resp r;
	json_t *j;
	(void)state;
	day_of(30, from);
	day_of(0, to);
	snprintf(path, sizeof(path), "/api/v1/stats/dossiers?unit=%lld&from=%s&to=%s", (long long)ward2, from,
		 to);
	j = get(&w_clerk, path, 403);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
			    "forbidden");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
			       "không có quyền"));
	json_decref(j);
	/* nor the district above it */
	snprintf(path, sizeof(path), "/api/v1/stats/dossiers?unit=%lld", (long long)district);
	json_decref(get(&w_clerk, path, 403));
	/* the ward's chairman neither: his power is his ward's */
	snprintf(path, sizeof(path), "/api/v1/stats/dossiers?unit=%lld", (long long)ward2);
	json_decref(get(&w_lead, path, 403));
	/* the dashboard says the same */
	snprintf(path, sizeof(path), "/mot-cua/thong-ke?unit=%lld", (long long)ward2);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", path, (const char *const[]){ w_clerk.cookie, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 403);
	assert_null(strstr(r.body.ptr, "<svg"));
	resp_free(&r);
	/* not logged in */
	resp_init(&r);
	assert_int_equal(http_get(&srv, "/api/v1/stats/dossiers", &r), 0);
	assert_int_equal(r.status, 401);
	resp_free(&r);
}

static void bad_periods_are_refused(void **state)
{
	static const char *const bad[] = {
		"from=2026-13-01&to=2026-12-31",
		"from=2026-02-30&to=2026-03-01",
		"from=2026-03-10&to=2026-03-01",
		"from=2025-01-01&to=2026-03-01",
		"from=26-01-01&to=2026-03-01",
		"from=2026-1-1&to=2026-03-01",
		"from=2026-01-01&to=yesterday",
		"unit=abc",
		"unit=99999999",
		"procedure=1.001022%27%20OR%201%3D1",
	};
	char path[200];
	struct http_resp r;
	json_t *j;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/api/v1/stats/dossiers?%s", bad[i]);
		j = get(&w_clerk, path, 400);
		assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
				    "bad_request");
		json_decref(j);
	}
	/* a year is the most: 366 days */
	json_decref(get(&w_clerk, "/api/v1/stats/dossiers?from=2024-01-01&to=2024-12-31", 200));
	/* the dashboard shows the form again with the reason */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/mot-cua/thong-ke?from=2026-03-10&to=2026-03-01",
				  (const char *const[]){ w_clerk.cookie, NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.ptr, "tối đa một năm"));
	assert_non_null(strstr(r.body.ptr, "value=\"2026-03-10\""));
	assert_null(strstr(r.body.ptr, "<svg"));
	resp_free(&r);
}

/* ---- the dashboard ---- */

static void the_dashboard_draws_the_figures(void **state)
{
	char from[16], to[16], path[200], want[160];
	struct http_resp r;
	json_t *j, *t;
	(void)state;
	day_of(PERIOD_DAYS, from);
	day_of(0, to);
	j = stats(&w_clerk, ward, from, to, NULL);
	t = json_object_get(j, "totals");
	snprintf(path, sizeof(path), "/mot-cua/thong-ke?unit=%lld&from=%s&to=%s", (long long)ward, from, to);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", path, (const char *const[]){ w_clerk.cookie, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	/* two charts, each an image with a title and a description, no script */
	assert_non_null(strstr(r.body.ptr, "<svg role=\"img\""));
	assert_non_null(strstr(strstr(r.body.ptr, "<svg role=\"img\"") + 1, "<svg role=\"img\""));
	/* 71 days: drawn per month */
	assert_non_null(
		strstr(r.body.ptr, "<title id=\"st-days-title\">Hồ sơ tiếp nhận và có kết quả theo tháng"));
	assert_non_null(strstr(r.body.ptr, "<desc id=\"st-days-desc\">"));
	assert_non_null(strstr(r.body.ptr, "class=\"bar-received\""));
	assert_non_null(strstr(r.body.ptr, "class=\"seg-early\""));
	assert_null(strstr(r.body.ptr, "<script"));
	/* the figures, as big numbers and in the tables, in Vietnamese */
	assert_non_null(strstr(r.body.ptr, "Thống kê hồ sơ: Phường Nhân Chính"));
	assert_non_null(strstr(r.body.ptr, "Tỷ lệ đúng hạn"));
	snprintf(want, sizeof(want), "<dt>Đã tiếp nhận</dt><dd>%lld</dd>", num(t, "received"));
	assert_non_null(strstr(r.body.ptr, want));
	snprintf(want, sizeof(want), "<dt>Đang quá hạn</dt><dd>%lld</dd>", num(t, "overdue"));
	assert_non_null(strstr(r.body.ptr, want));
	snprintf(want, sizeof(want), "<dt>Tỷ lệ đúng hạn</dt><dd>%lld,%lld %%</dd>",
		 num(t, "on_time_permille") / 10, num(t, "on_time_permille") % 10);
	assert_non_null(strstr(r.body.ptr, want));
	assert_non_null(strstr(r.body.ptr, "Theo thủ tục"));
	assert_non_null(strstr(r.body.ptr, "(" THREE_DAYS ")"));
	resp_free(&r);
	json_decref(j);

	/* the default: this month, the account's own unit */
	resp_init(&r);
	assert_int_equal(http_req(&srv, "GET", "/mot-cua/thong-ke",
				  (const char *const[]){ w_clerk.cookie, NULL }, NULL, 0, &r),
			 0);
	assert_int_equal(r.status, 200);
	assert_non_null(
		strstr(r.body.ptr, "<title id=\"st-days-title\">Hồ sơ tiếp nhận và có kết quả theo ngày"));
	snprintf(want, sizeof(want), "value=\"%.8s01\"", to);
	assert_non_null(strstr(r.body.ptr, want));
	resp_free(&r);
	/* the district's leader: a table per unit */
	snprintf(path, sizeof(path), "/mot-cua/thong-ke?unit=%lld", (long long)district);
	resp_init(&r);
	assert_int_equal(
		http_req(&srv, "GET", path, (const char *const[]){ d_lead.cookie, NULL }, NULL, 0, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Theo đơn vị"));
	assert_non_null(strstr(r.body.ptr, "Phường Kim Giang"));
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(totals_equal_a_count_of_the_dossiers),
		cmocka_unit_test(a_district_sees_its_wards),
		cmocka_unit_test(every_period_adds_up),
		cmocka_unit_test(moving_a_dossier_moves_the_figures),
		cmocka_unit_test(another_ward_is_refused),
		cmocka_unit_test(bad_periods_are_refused),
		cmocka_unit_test(the_dashboard_draws_the_figures),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
