/*
 * t0035-doc-stats: the e-office's statistics (GET /api/v1/stats/documents and /van-ban/thong-ke).
 * The seed's year is written into the figures as the documents would write them (doc_stats_add):
 * the district issued 7,018 documents in 2021 (296 Kế hoạch, 3,349 Quyết định, 1,939 Công văn,
 * 720 Thông báo, 498 Báo cáo, the rest other types) and received 8,512. The API and the page give
 * those numbers back, types adding up to the total with "other" as the rest; the district's leader
 * sees the district with its wards, the ward's leader only the ward, the district's records clerk
 * only the district; a specialist and a citizen see none; bad periods are refused in Vietnamese.
 * The demo's own documents, moved through the features, are counted per type exactly as many as
 * they are.
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
#include "features/doc_stats.h"
#include "harness.h"
#include "rules/document.h"
#include "store/db.h"

#define DEMO_PASSWORD "ThanhXuan-Demo-2026"
#define WARD_AGENCY   "000.01.15.H26" /* Phường Nhân Chính */
#define WARD2_AGENCY  "000.02.15.H26" /* Phường Thượng Đình */
#define DIST_AGENCY   "000.00.15.H26" /* Quận Thanh Xuân */
#define YEAR_2021     "from=2021-01-01&to=2021-12-31"

static struct test_server srv;
static struct ts_user d_lead, d_clerk, w_lead, spec;
static int64_t ward, ward2, district;

/* Instant of a local day of 2021 at 10:00. */
static int64_t day2021(int month, int day)
{
	return (days_from_civil(2021, month, day) * 86400) + 10 * 3600 - VN_UTC_OFFSET;
}

/* The seed's year at the district, and some documents at two wards. */
static int write_seed_year(struct db *db)
{
	static const struct {
		int type, n;
	} out[] = { { 10, 296 }, { 2, 3349 }, { DOC_TYPE_CONG_VAN, 1939 },
		    { 7, 720 },	 { 14, 498 }, { 16, 120 },
		    { 23, 60 },	 { 15, 36 } }; /* 216 of other types */
	int rc = db_begin(db);
	for (size_t i = 0; !rc && i < sizeof(out) / sizeof(out[0]); i++) {
		/* spread over the year: half in March, half in October */
		rc = doc_stats_add(db, district, day2021(3, 15), DOC_STAT_OUT, out[i].type, out[i].n / 2);
		if (!rc)
			rc = doc_stats_add(db, district, day2021(10, 1), DOC_STAT_OUT, out[i].type,
					   out[i].n - out[i].n / 2);
	}
	/* received 8,512: 6,000 công văn, 2,512 kế hoạch */
	if (!rc)
		rc = doc_stats_add(db, district, day2021(1, 4), DOC_STAT_IN, DOC_TYPE_CONG_VAN, 6000);
	if (!rc)
		rc = doc_stats_add(db, district, day2021(12, 31), DOC_STAT_IN, 10, 2512);
	/* two withdrawn; handling: 100 assigned with a deadline, 90 on time, 6 late */
	if (!rc)
		rc = doc_stats_add(db, district, day2021(6, 1), DOC_STAT_OUT_WITHDRAWN, 2, 2);
	if (!rc)
		rc = doc_stats_add(db, district, day2021(6, 1), DOC_STAT_IN_ASSIGNED, DOC_TYPE_CONG_VAN, 100);
	if (!rc)
		rc = doc_stats_add(db, district, day2021(6, 20), DOC_STAT_IN_ON_TIME, DOC_TYPE_CONG_VAN, 90);
	if (!rc)
		rc = doc_stats_add(db, district, day2021(7, 20), DOC_STAT_IN_LATE, DOC_TYPE_CONG_VAN, 6);
	/* the wards, and a day just outside the year on each side */
	if (!rc)
		rc = doc_stats_add(db, ward, day2021(5, 5), DOC_STAT_OUT, 2, 40);
	if (!rc)
		rc = doc_stats_add(db, ward2, day2021(5, 5), DOC_STAT_OUT, 2, 7);
	if (!rc)
		rc = doc_stats_add(db, district, day2021(1, 1) - 86400, DOC_STAT_OUT, 2, 1000);
	if (!rc)
		rc = doc_stats_add(db, district, day2021(12, 31) + 86400, DOC_STAT_OUT, 2, 1000);
	/* not a type, not a kind: refused */
	if (!rc && (doc_stats_add(db, district, day2021(5, 5), DOC_STAT_OUT, 30, 1) >= 0 ||
		    doc_stats_add(db, district, day2021(5, 5), 0, 2, 1) >= 0))
		rc = -1;
	if (rc) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db);
}

static int setup(void **state)
{
	char *err = NULL;
	struct db *db;
	(void)state;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ts_init(&srv) || ts_demo(&srv))
		return -1;
	if (!(db = db_open(srv.db, &err))) {
		fprintf(stderr, "# %s\n", err);
		free(err);
		return -1;
	}
	ward = ts_unit_id(db, WARD_AGENCY);
	ward2 = ts_unit_id(db, WARD2_AGENCY);
	district = ts_unit_id(db, DIST_AGENCY);
	if (write_seed_year(db)) {
		fprintf(stderr, "# doc_stats_add: %s\n", db_errmsg(db));
		db_close(db);
		return -1;
	}
	db_close(db);
	if (ts_launch(&srv, NULL, NULL))
		return -1;
	if (ts_login(&srv, "lanhdao", DEMO_PASSWORD, &d_lead) != 201 ||
	    ts_login(&srv, "vanthu", DEMO_PASSWORD, &d_clerk) != 201 ||
	    ts_login(&srv, "chutich.nhanchinh", DEMO_PASSWORD, &w_lead) != 201 ||
	    ts_login(&srv, "chuyenvien", DEMO_PASSWORD, &spec) != 201)
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

static long long at(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);
	if (!json_is_integer(v))
		fail_msg("no integer %s.%s", a, b);
	return (long long)json_integer_value(v);
}

/* The count of `type` in o.dir.by_type. */
static long long of_type(json_t *o, const char *dir, const char *type)
{
	json_t *list = json_object_get(json_object_get(o, dir), "by_type"), *e;
	size_t i;
	json_array_foreach(list, i, e) if (!strcmp(json_string_value(json_object_get(e, "type")),
						   type)) return (long long)
		json_integer_value(json_object_get(e, "count"));
	fail_msg("no type %s in %s", type, dir);
	return -1;
}

static long long sum_types(json_t *o, const char *dir)
{
	json_t *list = json_object_get(json_object_get(o, dir), "by_type"), *e;
	long long s = 0;
	size_t i;
	assert_int_equal(json_array_size(list), DOC_TYPE_COUNT);
	json_array_foreach(list, i, e) s += json_integer_value(json_object_get(e, "count"));
	return s;
}

static void seed_year_adds_up(void **state)
{
	char path[256];
	json_t *j, *units;
	(void)state;
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)district);
	/* the district's records clerk: the district alone */
	j = get(&d_clerk, path, 200);
	assert_int_equal(at(j, "outgoing", "issued"), 7018);
	assert_int_equal(sum_types(j, "outgoing"), 7018);
	assert_int_equal(of_type(j, "outgoing", "ke-hoach"), 296);
	assert_int_equal(of_type(j, "outgoing", "quyet-dinh"), 3349);
	assert_int_equal(of_type(j, "outgoing", "cong-van"), 1939);
	assert_int_equal(of_type(j, "outgoing", "thong-bao"), 720);
	assert_int_equal(of_type(j, "outgoing", "bao-cao"), 498);
	assert_string_equal(
		json_string_value(json_object_get(json_object_get(j, "outgoing"), "summary")),
		"7.018 văn bản: 296 Kế hoạch, 3.349 Quyết định, 1.939 Công văn, 720 Thông báo, 498 "
		"Báo cáo, 216 văn bản loại khác");
	assert_int_equal(at(j, "outgoing", "withdrawn"), 2);
	assert_int_equal(at(j, "incoming", "total"), 8512);
	assert_int_equal(sum_types(j, "incoming"), 8512);
	assert_int_equal(at(j, "handling", "assigned_with_deadline"), 100);
	assert_int_equal(at(j, "handling", "finished"), 96);
	assert_int_equal(at(j, "handling", "on_time"), 90);
	assert_int_equal(at(j, "handling", "late"), 6);
	assert_int_equal(at(j, "handling", "on_time_permille"), 938);
	assert_int_equal(json_array_size(json_object_get(j, "by_unit")), 1);
	json_decref(j);

	/* the district's leader: the district with its wards, each apart */
	j = get(&d_lead, path, 200);
	assert_int_equal(at(j, "outgoing", "issued"), 7018 + 40 + 7);
	units = json_object_get(j, "by_unit");
	assert_int_equal(json_array_size(units), 12);
	{
		long long s = 0;
		json_t *e;
		size_t i;
		json_array_foreach(units, i, e)
			s += json_integer_value(json_object_get(json_object_get(e, "outgoing"), "issued"));
		assert_int_equal(s, 7018 + 47);
	}
	json_decref(j);

	/* a period inside the year: only March */
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&from=2021-03-01&to=2021-03-31",
		 (long long)district);
	j = get(&d_lead, path, 200);
	assert_int_equal(at(j, "outgoing", "issued"), 148 + 1674 + 969 + 360 + 249 + 60 + 30 + 18);
	json_decref(j);
}

/* One count from SQL with up to four integer parameters. */
static long long count4(const char *sql, int64_t a, int64_t b, int64_t c, int64_t d)
{
	char *err = NULL;
	struct db *db = db_open(srv.db, &err);
	struct db_stmt *st;
	long long v = -1;
	assert_non_null(db);
	if (db_query(db, &st, sql, "iiii", a, b, c, d) == DB_ROW)
		v = db_col_int(st, 0);
	db_release_statements(db);
	db_close(db);
	return v;
}

/*
 * The demo's documents (registered, assigned, issued, withdrawn through the features) are
 * counted as they are: for the district and the ward over the last 100 days, each type's count
 * in the API equals a count over the documents themselves.
 */
static void every_document_counted(void **state)
{
	const int64_t agencies[] = { district, ward };
	int64_t now = (int64_t)time(NULL), from_t, to_t;
	struct civil f, t;
	char path[256];
	long long docs_in = 0, docs_out = 0;
	(void)state;
	time_to_civil(now - 100 * 86400, VN_UTC_OFFSET, &f);
	time_to_civil(now, VN_UTC_OFFSET, &t);
	f.hour = f.min = f.sec = t.hour = t.min = t.sec = 0;
	from_t = time_from_civil(&f, VN_UTC_OFFSET);
	to_t = time_from_civil(&t, VN_UTC_OFFSET) + 86400;
	for (size_t k = 0; k < sizeof(agencies) / sizeof(agencies[0]); k++) {
		json_t *j;
		snprintf(path, sizeof(path),
			 "/api/v1/stats/documents?unit=%lld&from=%04d-%02d-%02d&to=%04d-%02d-%02d",
			 (long long)agencies[k], f.year, f.month, f.day, t.year, t.month, t.day);
		j = get(agencies[k] == district ? &d_clerk : &w_lead, path, 200);
		for (int type = 1; type <= DOC_TYPE_COUNT; type++) {
			const char *key = doc_type(type)->key;
			long long in =
				count4("SELECT COUNT(*) FROM doc_incoming WHERE agency_id = ? AND type = ? "
				       "AND arrived_at >= ? AND arrived_at < ?",
				       agencies[k], type, from_t, to_t);
			long long out =
				count4("SELECT COUNT(*) FROM doc_outgoing WHERE agency_id = ? AND type = ? "
				       "AND number IS NOT NULL AND issued_day BETWEEN ? AND ?",
				       agencies[k], type, f.year * 10000 + f.month * 100 + f.day,
				       t.year * 10000 + t.month * 100 + t.day);
			assert_int_equal(of_type(j, "incoming", key), in);
			assert_int_equal(of_type(j, "outgoing", key), out);
			docs_in += in;
			docs_out += out;
		}
		assert_int_equal(
			at(j, "outgoing", "withdrawn"),
			count4("SELECT COUNT(*) FROM doc_outgoing WHERE agency_id = ? AND status = ? AND "
			       "withdrawn_at >= ? AND withdrawn_at < ?",
			       agencies[k], DOC_OUT_WITHDRAWN, from_t, to_t));
		json_decref(j);
	}
	/* the demo has documents of both directions: the comparison compared something */
	assert_true(docs_in >= 10);
	assert_true(docs_out >= 10);
}

static void who_sees_what(void **state)
{
	char path[256];
	json_t *j;
	(void)state;
	/* the ward's leader: his ward, not the district, not another ward */
	snprintf(path, sizeof(path), "/api/v1/stats/documents?" YEAR_2021);
	j = get(&w_lead, path, 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "unit"), "id")), ward);
	assert_int_equal(at(j, "outgoing", "issued"), 40);
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)district);
	j = get(&w_lead, path, 403);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
			       "không được xem thống kê văn bản"));
	json_decref(j);
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)ward2);
	json_decref(get(&w_lead, path, 403));
	/* the district's clerk does not see the wards */
	snprintf(path, sizeof(path), "/api/v1/stats/documents?unit=%lld&" YEAR_2021, (long long)ward);
	json_decref(get(&d_clerk, path, 403));
	/* a specialist and the public see none */
	json_decref(get(&spec, "/api/v1/stats/documents", 403));
	json_decref(get(NULL, "/api/v1/stats/documents", 401));
}

static void bad_periods(void **state)
{
	static const char *const bad[] = {
		"from=2021-12-31&to=2021-01-01",
		"from=2020-01-01&to=2021-12-31",
		"from=2021-02-30&to=2021-03-01",
		"from=hom-qua&to=2021-03-01",
		"unit=999999",
		"unit=abc",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[256];
		json_t *j;
		snprintf(path, sizeof(path), "/api/v1/stats/documents?%s", bad[i]);
		j = get(&d_lead, path, 400);
		assert_non_null(json_string_value(json_object_get(json_object_get(j, "error"), "message")));
		json_decref(j);
	}
}

static void the_page(void **state)
{
	struct http_resp r;
	char path[256];
	(void)state;
	snprintf(path, sizeof(path), "/van-ban/thong-ke?unit=%lld&" YEAR_2021, (long long)district);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &d_lead, "GET", path, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body.ptr, "Thống kê văn bản"));
	assert_non_null(strstr(r.body.ptr, "<dd id=\"ds-out\">7.065</dd>"));
	assert_non_null(strstr(r.body.ptr, "<th scope=\"row\">Quyết định</th><td class=\"num\">3.396</td>"));
	assert_non_null(strstr(r.body.ptr, "<th scope=\"row\">Phường Nhân Chính</th>"));
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(
		ts_as(&srv, &d_lead, "GET", "/van-ban/thong-ke?from=2021-12-31&to=2021-01-01", NULL, &r), 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body.ptr, "role=\"alert\""));
	resp_free(&r);
	resp_init(&r);
	assert_int_equal(ts_as(&srv, &spec, "GET", "/van-ban/thong-ke", NULL, &r), 0);
	assert_int_equal(r.status, 403);
	resp_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seed_year_adds_up), cmocka_unit_test(every_document_counted),
		cmocka_unit_test(who_sees_what),     cmocka_unit_test(bad_periods),
		cmocka_unit_test(the_page),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("t0035-doc-stats", tests, setup, teardown);
}
